//! The complaint form of JMO Self-Help, a wasm module the guide widget loads only when a guide
//! ends in an escalation (or a saved complaint still has to be delivered), so it costs nothing on
//! the first load.
//!
//! - [`draft`]: what the participant typed and the contract check of the request it becomes.
//! - The escalation it belongs to arrives as `jmo_contract::EscalationContext` (ids only).
//! - [`state`]: the form as one reducible state; [`components`] and [`hooks`] render it.
//! - [`delivery`]: the device's outbox (jmo-outbox) driven in the page: saved before sending,
//!   retried on `online`, on visibility, on a timer and on load, delivered once.
//! - [`images`]: photos downscaled and re-encoded in the browser, then uploaded.
//! - [`api`]: the intake API's lookups (ticket status, service disruptions).
//! - [`host`]: the page or app embedding the guide (prefill in, delivered ticket out).
//! - [`texts`]: every text, from content/form.toml.
//! - `ssr` (feature `ssr`): the same components drawn by the server, for pages without JavaScript.

pub mod api;
pub mod components;
pub mod delivery;
pub mod draft;
pub mod fetch;
pub mod hooks;
pub mod host;
pub mod images;
pub mod page;
pub mod shown;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod state;
pub mod texts;
