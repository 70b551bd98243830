//! Browser glue as hooks: effects the server never runs.

mod use_address;
mod use_carried_over;
mod use_content_download;
mod use_focus_heading;
mod use_shown;

pub use use_address::use_address;
pub use use_carried_over::use_carried_over;
pub use use_content_download::use_content_download;
pub use use_focus_heading::use_focus_heading;
pub use use_shown::use_shown;
