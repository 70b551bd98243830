//! JSON answers for unknown API paths and wrong methods.

use crate::error::ApiError;
use axum::http::StatusCode;
use jmo_contract::codes;

pub async fn not_found() -> ApiError {
    ApiError::not_found()
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, codes::METHOD_NOT_ALLOWED)
}
