//! Browser glue as hooks.

mod use_lang;
mod use_outbox;

pub use use_lang::{set_lang, use_lang};
pub use use_outbox::use_outbox;
