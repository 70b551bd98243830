//! Small function components, one per part of the page.

mod answers;
mod contact;
mod copy_button;
mod date_form;
mod form_slot;
mod header;
mod not_found;
mod options;
mod outcome;
mod progress;
mod start_screen;
mod step_page;

pub use answers::answers;
pub use contact::contact;
pub use copy_button::CopyButton;
pub use date_form::{answer_date, DateForm, DateProblem, RefusedDate};
pub use form_slot::FormSlot;
pub use header::header;
pub use not_found::not_found;
pub use options::options;
pub use outcome::{escalation_context, outcome};
pub use progress::progress;
pub use start_screen::start_screen;
pub use step_page::step_page;
