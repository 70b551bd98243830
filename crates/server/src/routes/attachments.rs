//! `POST /api/v1/attachments`: one image, raw body or multipart, re-encoded before it is stored.

use crate::body::{declared_length, drain, read_limited, too_large};
use crate::clock;
use crate::error::ApiError;
use crate::images::{self, ImageError, MAX_UPLOAD_BYTES};
use crate::messages::server_codes::IMAGE_TOO_LARGE;
use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{header, StatusCode};
use axum::Json;
use jmo_contract::{codes, AttachmentReceipt};
use std::time::Duration;

/// Optional header of an upload: the Idempotency-Key of the complaint the image is for.
pub const COMPLAINT_KEY: &str = "complaint-key";

/// Room for the multipart envelope around a maximal file.
pub const UPLOAD_BODY_LIMIT: usize = MAX_UPLOAD_BYTES + 64 * 1024;

/// The first file part of a multipart body (its file name and type are ignored).
async fn multipart_file(app: &AppState, req: Request) -> Result<Bytes, ApiError> {
    let malformed = || ApiError::new(StatusCode::BAD_REQUEST, codes::MALFORMED_BODY);
    let mut form = Multipart::from_request(req, app).await.map_err(|_| malformed())?;
    loop {
        let field = form.next_field().await.map_err(|e| if e.status() == StatusCode::PAYLOAD_TOO_LARGE { too_large() } else { malformed() })?;
        let Some(field) = field else {
            return Err(ApiError::field(StatusCode::BAD_REQUEST, "file", codes::REQUIRED));
        };
        if field.file_name().is_some() || field.name() == Some("file") {
            return field.bytes().await.map_err(|e| if e.status() == StatusCode::PAYLOAD_TOO_LARGE { too_large() } else { malformed() });
        }
    }
}

#[utoipa::path(post, path = "/api/v1/attachments", tag = "attachments",
    request_body(content = Vec<u8>, description = "One JPEG, PNG or WebP image of at most 5 MB: the raw bytes, or multipart/form-data with a `file` part",
        content_type = "application/octet-stream"),
    responses(
        (status = 201, description = "Stored after re-encoding as JPEG (metadata stripped)", body = AttachmentReceipt),
        (status = 413, description = "Over 5 MB", body = jmo_contract::ErrorBody),
        (status = 415, description = "Not a JPEG, PNG or WebP by its bytes", body = jmo_contract::ErrorBody),
        (status = 422, description = "Does not decode as an image (`image_corrupt`), or over 4096 px a side / 16.7 MP (`image_too_large`)", body = jmo_contract::ErrorBody),
        (status = 503, description = "Too many uploads at once; see Retry-After", body = jmo_contract::ErrorBody),
        (status = 429, description = "Rate limited", body = jmo_contract::ErrorBody),
    ))]
pub async fn upload(State(app): State<AppState>, req: Request) -> Result<(StatusCode, Json<AttachmentReceipt>), ApiError> {
    // The complaint this image is for (its Idempotency-Key): only that complaint may claim it.
    let for_key = match req.headers().get(COMPLAINT_KEY) {
        None => None,
        Some(v) => {
            let text = v.to_str().unwrap_or("").trim().trim_matches('"');
            let uuid = uuid::Uuid::try_parse(text).map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, codes::IDEMPOTENCY_KEY_INVALID))?;
            Some(uuid.hyphenated().to_string())
        }
    };
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
    let bytes = if content_type.starts_with("multipart/form-data") {
        if declared_length(req.headers()).is_some_and(|n| n > UPLOAD_BODY_LIMIT as u64) {
            drain(req.into_body(), 0).await;
            return Err(too_large());
        }
        multipart_file(&app, req).await?
    } else {
        let (parts, body) = req.into_parts();
        read_limited(&parts.headers, Body::new(body), MAX_UPLOAD_BYTES, app.body_idle_timeout).await?
    };
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(too_large());
    }
    if bytes.is_empty() {
        return Err(ApiError::field(StatusCode::BAD_REQUEST, "file", codes::REQUIRED));
    }
    // Cheap refusal before waiting for a decoding slot.
    if images::sniff(&bytes).is_none() {
        return Err(ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, codes::IMAGE_TYPE_UNSUPPORTED));
    }
    let permit = tokio::time::timeout(Duration::from_secs(2), app.image_slots.clone().acquire_owned())
        .await
        .map_err(|_| ApiError::overloaded())?
        .map_err(|_| ApiError::overloaded())?;
    let image = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        images::reencode(&bytes)
    })
    .await
    .map_err(|_| ApiError::overloaded())?
    .map_err(|e| match e {
        ImageError::Unsupported => ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, codes::IMAGE_TYPE_UNSUPPORTED),
        ImageError::Corrupt => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, codes::IMAGE_CORRUPT),
        ImageError::TooLarge { width, height } => {
            tracing::info!(width, height, "image refused: too many pixels");
            ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, "file", IMAGE_TOO_LARGE)
        }
    })?;
    let id = uuid::Uuid::new_v4().hyphenated().to_string();
    let receipt = AttachmentReceipt {
        id: id.clone(),
        content_type: image.content_type.to_string(),
        bytes: image.data.len() as u64,
        width: image.width,
        height: image.height,
    };
    app.store.insert_attachment(&id, for_key.as_deref(), image.content_type, image.data, image.width, image.height, clock::now()).await?;
    tracing::info!(attachment = %id, bytes = receipt.bytes, "attachment stored");
    Ok((StatusCode::CREATED, Json(receipt)))
}
