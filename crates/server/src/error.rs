//! Every error answer: a status, a JSON body of machine codes, and `Retry-After` when waiting helps.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use jmo_contract::{codes, ErrorBody, ErrorItem};

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ErrorBody,
    pub retry_after_secs: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str) -> Self {
        ApiError { status, body: ErrorBody::single(code), retry_after_secs: None }
    }

    pub fn fields(status: StatusCode, errors: Vec<ErrorItem>) -> Self {
        ApiError { status, body: ErrorBody { errors }, retry_after_secs: None }
    }

    pub fn field(status: StatusCode, field: &str, code: &str) -> Self {
        Self::fields(status, vec![ErrorItem { field: Some(field.into()), code: code.into() }])
    }

    pub fn retry_after(mut self, secs: u64) -> Self {
        self.retry_after_secs = Some(secs.max(1));
        self
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, codes::NOT_FOUND)
    }

    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, codes::UNAUTHORIZED)
    }

    /// The service cannot take this now (full queue, database trouble): retrying soon is safe.
    pub fn overloaded() -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, codes::OVERLOADED).retry_after(1)
    }

    pub fn rate_limited(secs: u64) -> Self {
        Self::new(StatusCode::TOO_MANY_REQUESTS, codes::RATE_LIMITED).retry_after(secs)
    }
}

/// Database failures are the server's trouble, not the client's input: log and answer 503 so
/// that a client retries (safely, thanks to its Idempotency-Key).
impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        tracing::error!(error = %e, "database error");
        ApiError::overloaded()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = crate::messages::error_json(&self.body);
        let mut res = (self.status, [(header::CONTENT_TYPE, "application/json")], body).into_response();
        if let Some(secs) = self.retry_after_secs {
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        res
    }
}
