//! Reading request bodies within a size limit and parsing JSON into field-level errors.

use crate::error::ApiError;
use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, StatusCode};
use jmo_contract::{codes, ErrorItem};
use http_body_util::BodyExt;
use serde::de::DeserializeOwned;
use std::time::Duration;

pub const JSON_LIMIT: usize = 64 * 1024;

/// Bodies up to this size are read and discarded before answering 413: a client still sending
/// when the connection closes sees a broken pipe instead of the answer. Larger ones are cut off.
const DRAIN_CAP: u64 = 16 * 1024 * 1024;
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

pub fn too_large() -> ApiError {
    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, codes::BODY_TOO_LARGE)
}

pub fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok())
}

/// Reads and drops what is left of a body, up to [`DRAIN_CAP`] bytes and [`DRAIN_TIMEOUT`].
pub async fn drain(mut body: Body, already_read: u64) {
    let mut read = already_read;
    let _ = tokio::time::timeout(DRAIN_TIMEOUT, async {
        while let Some(Ok(frame)) = body.frame().await {
            read += frame.data_ref().map_or(0, |d| d.len() as u64);
            if read > DRAIN_CAP {
                break;
            }
        }
    })
    .await;
}

/// The whole body, or 413 as soon as it is known to be larger than `limit`.
/// A body that moves no byte for `idle` is answered 408 (a stalled or trickling-then-stopped upload).
pub async fn read_limited(headers: &HeaderMap, mut body: Body, limit: usize, idle: Duration) -> Result<Bytes, ApiError> {
    if let Some(n) = declared_length(headers).filter(|n| *n > limit as u64) {
        if n <= DRAIN_CAP {
            drain(body, 0).await;
        }
        return Err(too_large());
    }
    let mut buf = Vec::with_capacity(declared_length(headers).unwrap_or(0) as usize);
    loop {
        let frame = tokio::time::timeout(idle, body.frame())
            .await
            .map_err(|_| ApiError::new(StatusCode::REQUEST_TIMEOUT, codes::REQUEST_TIMEOUT))?;
        let Some(frame) = frame else { break };
        let frame = frame.map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, codes::MALFORMED_BODY))?;
        if let Some(data) = frame.data_ref() {
            if buf.len() + data.len() > limit {
                drain(body, (buf.len() + data.len()) as u64).await;
                return Err(too_large());
            }
            buf.extend_from_slice(data);
        }
    }
    Ok(Bytes::from(buf))
}

pub fn require_json(headers: &HeaderMap) -> Result<(), ApiError> {
    let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let essence = ct.split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case("application/json") {
        Ok(())
    } else {
        Err(ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, codes::UNSUPPORTED_MEDIA_TYPE))
    }
}

/// Syntax errors → 400 `malformed_json`; a value of the wrong type → 422 `invalid_type` at its path.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<(serde_json::Value, T), ApiError> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, codes::MALFORMED_JSON))?;
    if !value.is_object() {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, codes::MALFORMED_JSON));
    }
    let typed = serde_path_to_error::deserialize(&value).map_err(|e| {
        let path = e.path().to_string();
        let field = (path != ".").then_some(path);
        ApiError::fields(StatusCode::UNPROCESSABLE_ENTITY, vec![ErrorItem { field, code: codes::INVALID_TYPE.into() }])
    })?;
    Ok((value, typed))
}
