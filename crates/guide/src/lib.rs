//! The guide model of JMO Self-Help, free of any web code.
//!
//! - [`model`]: guides as plain data (nodes, options, outcomes), texts in Indonesian and English.
//! - [`walk`]: the path state machine: answering, going back, changing an earlier answer.
//! - [`link`]: the step-link codec (`#/login/otp_missing?a=what_happens.no_otp`) and opening a link.
//! - [`map`]: a guide as a Graphviz graph, with the walks of a period drawn on it.
//! - [`date`]: calendar arithmetic for date questions (days, working days, months elapsed).
//! - [`pack`]: the flat text the guides travel in, one file per guide and language for the widget
//!   (no parser in the wasm).
//! - [`search`]: finding the step that fits the words a participant types.
//! - [`validate`]: the content checks that fail the build, naming file and node.
//! - `load` / `codegen` (feature `load`): reading `content/` and compiling it into static Rust data.

pub mod date;
pub mod link;
pub mod map;
pub mod model;
pub mod pack;
pub mod search;
pub mod validate;
pub mod walk;

#[cfg(feature = "load")]
pub mod codegen;
#[cfg(feature = "load")]
pub mod load;

pub use model::*;
