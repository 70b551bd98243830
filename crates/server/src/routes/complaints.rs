//! `POST /api/v1/complaints` (idempotent, group-committed) and the participant's status lookup.

use crate::body::{parse_json, read_limited, require_json, JSON_LIMIT};
use crate::clock::{self, DAY_SECS};
use crate::error::ApiError;
use crate::intake::{Outcome, Record, SubmitError, Submission};
use crate::state::AppState;
use crate::store::SealedComplaint;
use axum::body::Body;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Extension, Path, Query, State};
use crate::client::ClientAddr;
use crate::messages::server_codes::LOOKUP_LOCKED;
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

pub fn new_ticket() -> Result<String, ApiError> {
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
    let bytes = read_limited(&headers, body, JSON_LIMIT, app.body_idle_timeout).await?;
    let (value, request): (serde_json::Value, ComplaintRequest) = parse_json(&bytes)?;
    // The fingerprint of the parsed body (keys sorted), so spacing and key order do not matter.
    let fingerprint = fingerprint(&value);
    let now = clock::now();
    let complaint = validate_complaint(&request, &Context { now: Some(now) })
        .map_err(|errors| ApiError::fields(StatusCode::UNPROCESSABLE_ENTITY, errors))?;
    let filed = file(&app, key, fingerprint, complaint, now).await?;
    Ok(created(&filed.ticket, filed.receipt, filed.replayed))
}

/// A complaint stored (or found stored under its key).
pub struct Filed {
    pub ticket: String,
    /// The receipt as first answered (JSON).
    pub receipt: String,
    pub replayed: bool,
}

/// Stores a checked complaint under its idempotency key, once: through the group-committing
/// writer, answering only after its batch committed. Shared by the JSON API and the form posted
/// without JavaScript (crates/server/src/pages/complaint.rs).
pub async fn file(app: &AppState, key: String, fingerprint: String, complaint: jmo_contract::ValidComplaint, now: Timestamp) -> Result<Filed, ApiError> {
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
        Outcome::Created => Ok(Filed { ticket, receipt: serde_json::to_string(&receipt).unwrap_or_default(), replayed: false }),
        Outcome::Replayed(original) => {
            let ticket = serde_json::from_str::<ComplaintReceipt>(&original).map(|r| r.ticket).unwrap_or_default();
            tracing::info!(ticket = %ticket, "idempotent replay");
            Ok(Filed { ticket, receipt: original, replayed: true })
        }
        Outcome::KeyReused => Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, codes::IDEMPOTENCY_KEY_REUSED)),
        Outcome::KeyInUse => Err(ApiError::new(StatusCode::CONFLICT, codes::IDEMPOTENCY_KEY_IN_USE)),
        Outcome::AttachmentUnknown(i) => {
            Err(ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, &format!("attachments[{i}]"), codes::ATTACHMENT_UNKNOWN))
        }
    }
}

/// The fingerprint of a request body (its JSON with keys sorted), so that spacing and key order
/// do not make a retry look like another complaint.
pub fn fingerprint(value: &serde_json::Value) -> String {
    crate::crypto::hex(&Sha256::digest(serde_json::to_vec(value).unwrap_or_default()))
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
        (status = 429, description = "Rate limited, or locked after too many failures (`lookup_locked`); see Retry-After", body = jmo_contract::ErrorBody),
    ))]
/// The older form of the lookup, with the digits in the URL; kept while the form still uses it.
/// Prefer `POST /api/v1/complaints/lookup`, which keeps them out of URLs and logs.
pub async fn lookup(
    State(app): State<AppState>,
    client: Option<Extension<ClientAddr>>,
    ticket: Result<Path<String>, PathRejection>,
    query: Result<Query<LookupQuery>, QueryRejection>,
) -> Result<Json<TicketStatus>, ApiError> {
    let Query(query) = query.map_err(|_| ApiError::field(StatusCode::BAD_REQUEST, "phone_last4", codes::INVALID_FORMAT))?;
    let last4 = check_last4(query.phone_last4.unwrap_or_default())?;
    let ticket = ticket.map(|Path(t)| t).unwrap_or_default();
    look_up(&app, client.map(|Extension(c)| c), &ticket, &last4).await
}

/// `POST /api/v1/complaints/lookup`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct LookupRequest {
    /// Ticket number, e.g. JMO-7K3M-9QX2-ABCD-EF01 (any case; O/I/L read as 0/1).
    ticket: String,
    /// The last 4 digits of the phone number given in the complaint.
    phone_last4: String,
}

#[utoipa::path(post, path = "/api/v1/complaints/lookup", tag = "complaints",
    request_body = LookupRequest,
    responses(
        (status = 200, body = TicketStatus),
        (status = 400, description = "Malformed JSON, phone_last4 missing or not 4 digits", body = jmo_contract::ErrorBody),
        (status = 404, description = "No such ticket, or wrong digits: the same answer for both", body = jmo_contract::ErrorBody),
        (status = 429, description = "Rate limited, or locked after too many failures for this ticket or from this address (`lookup_locked`); see Retry-After", body = jmo_contract::ErrorBody),
    ))]
/// The participant's status lookup with the ticket and digits in the body. Failed attempts are
/// counted in the database per ticket and per client address (shared by every instance): after
/// `LOOKUP_FAILURES_PER_TICKET` (10) misses for a ticket, or `LOOKUP_FAILURES_PER_CLIENT` (30)
/// from an address, within an hour, lookups answer 429 `lookup_locked` until the oldest of them
/// is an hour old — even with the right digits.
pub async fn lookup_post(
    State(app): State<AppState>,
    client: Option<Extension<ClientAddr>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<TicketStatus>, ApiError> {
    require_json(&headers)?;
    let bytes = read_limited(&headers, body, 4096, app.body_idle_timeout).await?;
    let value: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, codes::MALFORMED_JSON))?;
    let text = |name: &str| -> Result<String, ApiError> {
        match &value[name] {
            serde_json::Value::Null => Err(ApiError::field(StatusCode::BAD_REQUEST, name, codes::REQUIRED)),
            serde_json::Value::String(s) => Ok(s.clone()),
            _ => Err(ApiError::field(StatusCode::BAD_REQUEST, name, codes::INVALID_TYPE)),
        }
    };
    if !value.is_object() {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, codes::MALFORMED_JSON));
    }
    let request = LookupRequest { ticket: text("ticket")?, phone_last4: text("phone_last4")? };
    let last4 = check_last4(request.phone_last4)?;
    look_up(&app, client.map(|Extension(c)| c), &request.ticket, &last4).await
}

pub(crate) fn check_last4(last4: String) -> Result<String, ApiError> {
    let last4 = last4.trim().to_string();
    if last4.is_empty() {
        return Err(ApiError::field(StatusCode::BAD_REQUEST, "phone_last4", codes::REQUIRED));
    }
    if last4.len() != 4 || !last4.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::field(StatusCode::BAD_REQUEST, "phone_last4", codes::INVALID_FORMAT));
    }
    Ok(last4)
}

pub(crate) async fn look_up(app: &AppState, client: Option<ClientAddr>, ticket: &str, last4: &str) -> Result<Json<TicketStatus>, ApiError> {
    let now = clock::now();
    let normalized = normalize_ticket(ticket);
    let client_key = client.map(|c| c.key().to_string());
    let mut subjects: Vec<(&str, &str, u64)> = Vec::with_capacity(2);
    if let Some(t) = &normalized {
        subjects.push(("ticket", t, app.lookup_failures_per_ticket));
    }
    if let Some(c) = &client_key {
        subjects.push(("client", c, app.lookup_failures_per_client));
    }
    if let Some(wait) = app.store.lookup_locked(&subjects, now).await? {
        return Err(ApiError::new(StatusCode::TOO_MANY_REQUESTS, LOOKUP_LOCKED).retry_after(wait));
    }
    match find_status(app, normalized.as_deref(), last4).await? {
        Some(status) => Ok(Json(status)),
        None => {
            let failed: Vec<(&str, &str)> = subjects.iter().map(|(scope, subject, _)| (*scope, *subject)).collect();
            app.store.record_lookup_failure(&failed, now).await?;
            Err(ApiError::not_found())
        }
    }
}

/// The status, when the ticket exists and the digits match its lookup hash.
async fn find_status(app: &AppState, ticket: Option<&str>, last4: &str) -> Result<Option<TicketStatus>, ApiError> {
    let Some(ticket) = ticket else { return Ok(None) };
    let Some(row) = app.store.ticket_status(ticket).await? else { return Ok(None) };
    // Erased complaints have no lookup hash: nothing unlocks them any more.
    let Some((key_id, hash)) = &row.lookup else { return Ok(None) };
    if !app.store.keys().lookup_matches(key_id, ticket, last4, hash) {
        return Ok(None);
    }
    Ok(Some(TicketStatus {
        ticket: ticket.to_string(),
        status: ComplaintStatus::parse(&row.status).unwrap_or(ComplaintStatus::Received),
        received_at: Timestamp(row.received_at).to_string(),
        response_due_at: Timestamp(row.response_due_at).to_string(),
        updated_at: Timestamp(row.updated_at).to_string(),
    }))
}
