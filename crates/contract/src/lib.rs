//! The complaint intake contract of JMO Self-Help: the JSON types that travel between the widget
//! (or any client) and the server, the validators both sides run so that they reject exactly the
//! same inputs, and the stable snake_case error codes clients translate for the user.
//!
//! No I/O, no clock, no regex: it compiles to wasm for the browser form and natively for the
//! server. Each field validator works on its own (`validate_nik`, `validate_phone`, …);
//! [`validate_complaint`] checks a whole complaint and reports every problem with a dotted path.

pub mod api;
pub mod codes;
pub mod complaint;
pub mod date;
pub mod email;
pub mod error;
pub mod escalation;
pub mod fnv;
pub mod kpj;
pub mod nik;
pub mod path;
pub mod phone;
pub mod text;
pub mod ticket;
pub mod walk;

pub use api::*;
pub use complaint::*;
pub use date::{Date, Timestamp};
pub use email::{validate_email, Email};
pub use error::{ErrorBody, ErrorItem, FieldError};
pub use escalation::EscalationContext;
pub use kpj::{validate_kpj, Kpj, KPJ_DIGITS};
pub use nik::{validate_nik, Nik};
pub use phone::{validate_phone, Phone};
pub use text::{validate_description, validate_name};
pub use walk::{EdgeStats, GuideStats, KeyedOutcomes, NodeStats, Outcomes, VersionStats, WalkEmbedding, WalkOutcome, WalkReport, WalkReportError, WalkStats};
