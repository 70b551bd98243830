//! Error shapes: a field validator's [`FieldError`] and the JSON body every error response has.

use serde::{Deserialize, Serialize};

/// Why one field's value was rejected: a stable code from [`crate::codes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldError {
    pub code: &'static str,
}

impl FieldError {
    pub const fn new(code: &'static str) -> Self {
        FieldError { code }
    }

    /// This error, placed at a field path (e.g. `reporter.nik`).
    pub fn at(self, field: impl Into<String>) -> ErrorItem {
        ErrorItem { field: Some(field.into()), code: self.code.to_string() }
    }
}

impl core::fmt::Display for FieldError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.code)
    }
}

/// One problem in a response: `field` is a dotted path (`guide.path[2].node`), absent for
/// problems with the request as a whole (`malformed_json`, `rate_limited`, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorItem {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub code: String,
}

impl ErrorItem {
    pub fn request(code: &str) -> Self {
        ErrorItem { field: None, code: code.to_string() }
    }
}

/// The body of every 4xx/5xx response: `{"errors":[{"field":"reporter.nik","code":"nik_birth_date"}]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub errors: Vec<ErrorItem>,
}

impl ErrorBody {
    pub fn single(code: &str) -> Self {
        ErrorBody { errors: vec![ErrorItem::request(code)] }
    }
}
