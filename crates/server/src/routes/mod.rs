//! HTTP handlers, one module per resource.

pub mod attachments;
pub mod complaints;
pub mod fallback;
pub mod openapi;
pub mod staff;
pub mod status;
pub mod walks;
