//! Small function components, one per part of the form's pages.

mod check_screen;
mod complaint_form;
mod complaints;
mod delivery_status;
mod disruption_notice;
mod fields;
pub use fields::focus;
mod images;

pub use check_screen::{CheckProps, CheckScreen, CheckStart, Lookup};
pub use complaint_form::{ComplaintForm, Post, Start, KEY_FIELD};
pub use complaints::Complaints;
pub use delivery_status::{DeliveryStatus, Receipt};
pub use disruption_notice::DisruptionNotice;
pub use images::{chosen as chosen_files, Images};
