//! Small function components, one per part of the page.

mod answers;
mod contact;
mod copy_button;
mod date_form;
mod header;
mod loading;
mod not_found;
mod options;
mod outcome;
mod progress;
mod start_screen;
mod step_page;

pub use answers::Answers;
pub use contact::Contact;
pub use copy_button::CopyButton;
pub use date_form::DateForm;
pub use header::Header;
pub use loading::Loading;
pub use not_found::NotFound;
pub use options::Options;
pub use outcome::Outcome;
pub use progress::Progress;
pub use start_screen::StartScreen;
pub use step_page::StepPage;
