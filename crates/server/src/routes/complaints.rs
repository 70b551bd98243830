//! `POST /api/v1/complaints` (idempotent, group-committed) and the participant's status lookup.

use crate::body::{parse_json, read_limited, require_json, JSON_LIMIT};
use crate::clock::{self, DAY_SECS};
use crate::error::ApiError;
use crate::intake::{Outcome, Record, SubmitError, Submission};
use crate::state::AppState;
use crate::store::SealedComplaint;
use axum::body::Body;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use jmo_contract::ticket::{normalize_ticket, ticket_from_bytes};
use jmo_contract::{codes, validate_complaint, ComplaintReceipt, ComplaintRequest, ComplaintStatus, Context, TicketStatus, Timestamp};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use tokio::sync::oneshot;

pub const IDEMPOTENCY_KEY: &str = "idempotency-key";
pub const REPLAYED: &str = "idempotent-replayed";

/// The key as a canonical UUID; the draft's structured-field form `"…"` is accepted too.
fn idempotency_key(headers: &HeaderMap) -> Result<String, ApiError> {
    let raw = headers
        .get(IDEMPOTENCY_KEY)
        .ok_or_else(|| ApiError::new(StatusCode::BAD_REQUEST, codes::IDEMPOTENCY_KEY_MISSING))?;
    let invalid = || ApiError::new(StatusCode::BAD_REQUEST, codes::IDEMPOTENCY_KEY_INVALID);
    let text = raw.to_str().map_err(|_| invalid())?.trim();
    let text = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')).unwrap_or(text);
    let uuid = uuid::Uuid::try_parse(text).map_err(|_| invalid())?;
    Ok(uuid.hyphenated().to_string())
}

fn new_ticket() -> Result<String, ApiError> {
    let mut random = [0u8; 10];
    getrandom::fill(&mut random).map_err(|_| ApiError::overloaded())?;
    Ok(ticket_from_bytes(random))
}

fn created(ticket: &str, body: String, replayed: bool) -> Response {
    let mut res = (StatusCode::CREATED, [(header::CONTENT_TYPE, "application/json")], body).into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/complaints/{ticket}")) {
        res.headers_mut().insert(header::LOCATION, location);
    }
    if replayed {
        res.headers_mut().insert(REPLAYED, HeaderValue::from_static("true"));
    }
    res
}

#[utoipa::path(post, path = "/api/v1/complaints", tag = "complaints",
    request_body = ComplaintRequest,
    params(("Idempotency-Key" = String, Header, description = "A UUID chosen by the client; repeat it when retrying the same complaint")),
    responses(
        (status = 201, description = "Stored durably (or the original answer, replayed)", body = ComplaintReceipt),
        (status = 400, description = "Malformed JSON, missing or invalid Idempotency-Key", body = jmo_contract::ErrorBody),
        (status = 409, description = "A request with this key is still being processed", body = jmo_contract::ErrorBody),
        (status = 413, description = "Body over 64 KiB", body = jmo_contract::ErrorBody),
        (status = 415, description = "Not application/json", body = jmo_contract::ErrorBody),
        (status = 422, description = "Field errors, or the key was used with another body", body = jmo_contract::ErrorBody),
        (status = 429, description = "Rate limited; see Retry-After", body = jmo_contract::ErrorBody),
        (status = 503, description = "Overloaded; see Retry-After", body = jmo_contract::ErrorBody),
    ))]
pub async fn create(State(app): State<AppState>, headers: HeaderMap, body: Body) -> Result<Response, ApiError> {
    require_json(&headers)?;
    let key = idempotency_key(&headers)?;
    // Claimed before the body is read, so a retry racing a slow first attempt gets 409.
    let _claim = app.claim_key(&key).ok_or_else(|| ApiError::new(StatusCode::CONFLICT, codes::IDEMPOTENCY_KEY_IN_USE))?;
    let bytes = read_limited(&headers, body, JSON_LIMIT).await?;
    let (value, request): (serde_json::Value, ComplaintRequest) = parse_json(&bytes)?;
    // The fingerprint of the parsed body (keys sorted), so spacing and key order do not matter.
    let fingerprint = crate::crypto::hex(&Sha256::digest(serde_json::to_vec(&value).unwrap_or_default()));
    let now = clock::now();
    let complaint = validate_complaint(&request, &Context { now: Some(now) })
        .map_err(|errors| ApiError::fields(StatusCode::UNPROCESSABLE_ENTITY, errors))?;
    let ticket = new_ticket()?;
    let due = Timestamp(now.unix() + DAY_SECS);
    let receipt = ComplaintReceipt { ticket: ticket.clone(), received_at: now.to_string(), response_due_at: due.to_string() };
    let sealed = SealedComplaint::new(app.store.keys(), &ticket, &complaint);
    let (reply, answer) = oneshot::channel();
    app.intake
        .submit(Submission {
            record: Record {
                idempotency_key: key,
                fingerprint,
                receipt: receipt.clone(),
                received_at: now.unix(),
                response_due_at: due.unix(),
                complaint,
                sealed,
            },
            reply,
        })
        .map_err(|e| match e {
            SubmitError::Overloaded => {
                tracing::warn!("intake queue full");
                ApiError::overloaded()
            }
            SubmitError::Stopped => ApiError::overloaded(),
        })?;
    let outcome = answer.await.map_err(|_| ApiError::overloaded())?.map_err(|_| ApiError::overloaded())?;
    match outcome {
        Outcome::Created => Ok(created(&ticket, serde_json::to_string(&receipt).unwrap_or_default(), false)),
        Outcome::Replayed(original) => {
            let ticket = serde_json::from_str::<ComplaintReceipt>(&original).map(|r| r.ticket).unwrap_or_default();
            tracing::info!(ticket = %ticket, "idempotent replay");
            Ok(created(&ticket, original, true))
        }
        Outcome::KeyReused => Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, codes::IDEMPOTENCY_KEY_REUSED)),
        Outcome::KeyInUse => Err(ApiError::new(StatusCode::CONFLICT, codes::IDEMPOTENCY_KEY_IN_USE)),
        Outcome::AttachmentUnknown(i) => {
            Err(ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, &format!("attachments[{i}]"), codes::ATTACHMENT_UNKNOWN))
        }
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct LookupQuery {
    /// The last 4 digits of the phone number given in the complaint.
    phone_last4: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/complaints/{ticket}", tag = "complaints",
    params(("ticket" = String, Path, description = "Ticket number, e.g. JMO-7K3M-9QX2-ABCD-EF01"), LookupQuery),
    responses(
        (status = 200, body = TicketStatus),
        (status = 400, description = "phone_last4 missing or not 4 digits", body = jmo_contract::ErrorBody),
        (status = 404, description = "No such ticket, or wrong digits: the same answer for both", body = jmo_contract::ErrorBody),
        (status = 429, description = "Rate limited", body = jmo_contract::ErrorBody),
    ))]
pub async fn lookup(
    State(app): State<AppState>,
    ticket: Result<Path<String>, PathRejection>,
    query: Result<Query<LookupQuery>, QueryRejection>,
) -> Result<Json<TicketStatus>, ApiError> {
    let Query(query) = query.map_err(|_| ApiError::field(StatusCode::BAD_REQUEST, "phone_last4", codes::INVALID_FORMAT))?;
    let last4 = query.phone_last4.unwrap_or_default();
    if last4.is_empty() {
        return Err(ApiError::field(StatusCode::BAD_REQUEST, "phone_last4", codes::REQUIRED));
    }
    if last4.len() != 4 || !last4.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::field(StatusCode::BAD_REQUEST, "phone_last4", codes::INVALID_FORMAT));
    }
    let ticket = ticket.ok().and_then(|Path(t)| normalize_ticket(&t)).ok_or_else(ApiError::not_found)?;
    let row = app.store.ticket_status(&ticket).await?.ok_or_else(ApiError::not_found)?;
    // Erased complaints have no lookup hash: nothing unlocks them any more.
    let Some((key_id, hash)) = &row.lookup else { return Err(ApiError::not_found()) };
    if !app.store.keys().lookup_matches(key_id, &ticket, &last4, hash) {
        return Err(ApiError::not_found());
    }
    Ok(Json(TicketStatus {
        ticket,
        status: ComplaintStatus::parse(&row.status).unwrap_or(ComplaintStatus::Received),
        received_at: Timestamp(row.received_at).to_string(),
        response_due_at: Timestamp(row.response_due_at).to_string(),
        updated_at: Timestamp(row.updated_at).to_string(),
    }))
}
