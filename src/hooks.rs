//! Browser glue as hooks.

mod use_content_download;
mod use_focus_heading;
mod use_fragment;
mod use_host;

pub use use_content_download::use_content_download;
pub use use_focus_heading::use_focus_heading;
pub use use_fragment::use_fragment;
pub use use_host::use_host;
