//! Staff endpoints behind `Authorization: Bearer $STAFF_TOKEN`: read complaints and their
//! attachments, move a complaint's status, erase a participant's data, manage service
//! disruptions.

use crate::body::{parse_json, read_limited, require_json, JSON_LIMIT};
use crate::clock;
use crate::error::ApiError;
use crate::limits::client_addr;
use crate::state::AppState;
use crate::store::Audit;
use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use jmo_contract::ticket::normalize_ticket;
use jmo_contract::{codes, validate_new_disruption, ComplaintStatus, Disruption, NewDisruption, StatusUpdate, TicketStatus, Timestamp};
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

pub(crate) fn require_staff(app: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim);
    match (&app.staff_token, given) {
        (Some(token), Some(given)) if bool::from(token.as_bytes().ct_eq(given.as_bytes())) => Ok(()),
        _ => Err(ApiError::unauthorized()),
    }
}

/// The client's address as `client::identify` worked it out (behind trusted proxies too).
type Client = Option<axum::Extension<crate::client::ClientAddr>>;

/// A read of personal data through the staff token, for the audit trail.
fn token_read<'a>(action: &'a str, client: &Client) -> Audit<'a> {
    Audit { actor: "staff-token", action, client_ip: client.as_ref().map(|c| c.0 .0.to_string()) }
}

/// A complaint as staff see it: everything the participant sent, normalised.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StaffComplaint {
    pub ticket: String,
    pub status: ComplaintStatus,
    /// Plain, kept after an erasure for reports (as are the times and the status).
    pub category: String,
    pub urgency: String,
    pub reply_channel: String,
    pub received_at: String,
    pub response_due_at: String,
    pub updated_at: String,
    /// When it was last marked resolved (absent while not resolved).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_at: Option<String>,
    /// When its personal data was erased (retention or an erasure request).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub erased_at: Option<String>,
    /// The normalised complaint (guide trail, category, reporter, reply channel, description…);
    /// `null` once erased.
    #[schema(value_type = Object)]
    pub complaint: serde_json::Value,
    pub attachments: Vec<String>,
}

async fn staff_view(app: &AppState, row: crate::store::ComplaintRow) -> Result<StaffComplaint, ApiError> {
    let attachments = app.store.attachments_of(&row.ticket).await?;
    Ok(StaffComplaint {
        status: ComplaintStatus::parse(&row.status.status).unwrap_or(ComplaintStatus::Received),
        received_at: Timestamp(row.status.received_at).to_string(),
        response_due_at: Timestamp(row.status.response_due_at).to_string(),
        updated_at: Timestamp(row.status.updated_at).to_string(),
        resolved_at: row.status.resolved_at.map(|t| Timestamp(t).to_string()),
        erased_at: row.status.erased_at.map(|t| Timestamp(t).to_string()),
        complaint: row.payload.as_deref().and_then(|p| serde_json::from_str(p).ok()).unwrap_or(serde_json::Value::Null),
        ticket: row.ticket,
        category: row.category,
        urgency: row.urgency,
        reply_channel: row.reply_channel,
        attachments,
    })
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// Only complaints in this status.
    status: Option<String>,
    /// At most this many (default 100, at most 1000), oldest first.
    limit: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/staff/complaints", tag = "staff", security(("staff" = [])), params(ListQuery),
    responses((status = 200, body = Vec<StaffComplaint>), (status = 401, body = jmo_contract::ErrorBody)))]
pub async fn list(
    State(app): State<AppState>,
    client: Client,
    headers: HeaderMap,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<Vec<StaffComplaint>>, ApiError> {
    require_staff(&app, &headers)?;
    let Query(q) = query.map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, codes::INVALID_FORMAT))?;
    let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(ComplaintStatus::parse(s).ok_or_else(|| ApiError::field(StatusCode::BAD_REQUEST, "status", codes::INVALID_CHOICE))?),
        None => None,
    };
    let rows = app.store.complaints(status.map(ComplaintStatus::as_str), q.limit.unwrap_or(100).clamp(1, 1000)).await?;
    let read: Vec<&str> = rows.iter().filter(|r| r.payload.is_some()).map(|r| r.ticket.as_str()).collect();
    app.store.audit_reads(clock::now(), &token_read("complaint_viewed", &client), &read).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(staff_view(&app, row).await?);
    }
    Ok(Json(out))
}

#[utoipa::path(get, path = "/api/v1/staff/complaints/{ticket}", tag = "staff", security(("staff" = [])),
    params(("ticket" = String, Path)),
    responses((status = 200, body = StaffComplaint), (status = 401, body = jmo_contract::ErrorBody), (status = 404, body = jmo_contract::ErrorBody)))]
pub async fn detail(State(app): State<AppState>, client: Client, headers: HeaderMap, PathText(ticket): PathText) -> Result<Json<StaffComplaint>, ApiError> {
    require_staff(&app, &headers)?;
    let ticket = normalize_ticket(&ticket).ok_or_else(ApiError::not_found)?;
    let row = app.store.complaint(&ticket).await?.ok_or_else(ApiError::not_found)?;
    if row.payload.is_some() {
        app.store.audit_reads(clock::now(), &token_read("complaint_viewed", &client), &[&row.ticket]).await?;
    }
    Ok(Json(staff_view(&app, row).await?))
}

#[utoipa::path(patch, path = "/api/v1/staff/complaints/{ticket}", tag = "staff", security(("staff" = [])),
    params(("ticket" = String, Path)), request_body = StatusUpdate,
    responses((status = 200, body = TicketStatus), (status = 401, body = jmo_contract::ErrorBody),
        (status = 404, body = jmo_contract::ErrorBody), (status = 422, body = jmo_contract::ErrorBody)))]
pub async fn set_status(
    State(app): State<AppState>,
    headers: HeaderMap,
    PathText(ticket): PathText,
    body: Body,
) -> Result<Json<TicketStatus>, ApiError> {
    require_staff(&app, &headers)?;
    require_json(&headers)?;
    let bytes = read_limited(&headers, body, JSON_LIMIT, app.body_idle_timeout).await?;
    let (_, update): (_, StatusUpdate) = parse_json(&bytes)?;
    let status = ComplaintStatus::parse(&update.status).ok_or_else(|| {
        let code = if update.status.is_empty() { codes::REQUIRED } else { codes::INVALID_CHOICE };
        ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, "status", code)
    })?;
    let ticket = normalize_ticket(&ticket).ok_or_else(ApiError::not_found)?;
    if !app.store.set_status(&ticket, status.as_str(), clock::now()).await? {
        return Err(ApiError::not_found());
    }
    tracing::info!(ticket = %ticket, status = status.as_str(), "status changed");
    let row = app.store.ticket_status(&ticket).await?.ok_or_else(ApiError::not_found)?;
    Ok(Json(TicketStatus {
        ticket,
        status,
        received_at: Timestamp(row.received_at).to_string(),
        response_due_at: Timestamp(row.response_due_at).to_string(),
        updated_at: Timestamp(row.updated_at).to_string(),
    }))
}

#[utoipa::path(post, path = "/api/v1/staff/complaints/{ticket}/erase", tag = "staff", security(("staff" = [])),
    params(("ticket" = String, Path)),
    responses((status = 200, description = "Erased: what remains, the anonymous record", body = StaffComplaint),
        (status = 401, body = jmo_contract::ErrorBody), (status = 404, body = jmo_contract::ErrorBody)))]
/// An erasure request (UU 27/2022): the participant's personal data in this complaint — the
/// sealed content, attachments, lookup hash, idempotency record — is removed now; the anonymous
/// record stays for reports. Recorded in `audit_events` in the same transaction.
pub async fn erase(State(app): State<AppState>, PathText(ticket): PathText, req: Request) -> Result<Json<StaffComplaint>, ApiError> {
    require_staff(&app, req.headers())?;
    let ticket = normalize_ticket(&ticket).ok_or_else(ApiError::not_found)?;
    let audit = Audit {
        actor: "staff-token",
        action: "erase_on_request",
        client_ip: client_addr(&req).map(|ip| ip.to_string()),
    };
    if !app.store.erase(&ticket, clock::now(), &audit).await? {
        return Err(ApiError::not_found());
    }
    tracing::info!(ticket = %ticket, "personal data erased on request");
    let row = app.store.complaint(&ticket).await?.ok_or_else(ApiError::not_found)?;
    Ok(Json(staff_view(&app, row).await?))
}

#[utoipa::path(get, path = "/api/v1/staff/attachments/{id}", tag = "staff", security(("staff" = [])),
    params(("id" = String, Path)),
    responses((status = 200, description = "The re-encoded image", content_type = "image/*"), (status = 401, body = jmo_contract::ErrorBody),
        (status = 404, body = jmo_contract::ErrorBody)))]
pub async fn attachment(State(app): State<AppState>, client: Client, headers: HeaderMap, PathText(id): PathText) -> Result<Response, ApiError> {
    require_staff(&app, &headers)?;
    let id = jmo_contract::validate_attachment_id(&id).map_err(|_| ApiError::not_found())?;
    let (content_type, data) = app.store.attachment(&id).await?.ok_or_else(ApiError::not_found)?;
    let ticket = app.store.ticket_of_attachment(&id).await?;
    app.store.audit_reads(clock::now(), &token_read("attachment_opened", &client), &ticket.iter().map(String::as_str).collect::<Vec<_>>()).await?;
    let disposition = format!("attachment; filename=\"{id}.{}\"", if content_type == "image/png" { "png" } else { "jpg" });
    Ok(([(header::CONTENT_TYPE, content_type), (header::CONTENT_DISPOSITION, disposition)], data).into_response())
}

#[utoipa::path(post, path = "/api/v1/staff/disruptions", tag = "staff", security(("staff" = [])), request_body = NewDisruption,
    responses((status = 201, body = Disruption), (status = 401, body = jmo_contract::ErrorBody), (status = 422, body = jmo_contract::ErrorBody)))]
pub async fn create_disruption(State(app): State<AppState>, headers: HeaderMap, body: Body) -> Result<(StatusCode, Json<Disruption>), ApiError> {
    require_staff(&app, &headers)?;
    require_json(&headers)?;
    let bytes = read_limited(&headers, body, JSON_LIMIT, app.body_idle_timeout).await?;
    let (_, new): (_, NewDisruption) = parse_json(&bytes)?;
    let valid = validate_new_disruption(&new).map_err(|e| ApiError::fields(StatusCode::UNPROCESSABLE_ENTITY, e))?;
    let since = valid.since.unwrap_or_else(clock::now);
    let disruption = Disruption {
        id: uuid::Uuid::new_v4().hyphenated().to_string(),
        family: valid.family,
        title: valid.title,
        message: valid.message,
        since: since.to_string(),
    };
    app.store.insert_disruption(&disruption, since).await?;
    tracing::info!(disruption = %disruption.id, family = disruption.family.as_str(), "disruption opened");
    Ok((StatusCode::CREATED, Json(disruption)))
}

#[utoipa::path(delete, path = "/api/v1/staff/disruptions/{id}", tag = "staff", security(("staff" = [])),
    params(("id" = String, Path)),
    responses((status = 204, description = "Ended"), (status = 401, body = jmo_contract::ErrorBody), (status = 404, body = jmo_contract::ErrorBody)))]
pub async fn end_disruption(State(app): State<AppState>, headers: HeaderMap, PathText(id): PathText) -> Result<StatusCode, ApiError> {
    require_staff(&app, &headers)?;
    if !app.store.end_disruption(&id, clock::now()).await? {
        return Err(ApiError::not_found());
    }
    tracing::info!(disruption = %id, "disruption ended");
    Ok(StatusCode::NO_CONTENT)
}

/// A path segment as text; a segment that does not decode (bad percent-encoding, not UTF-8)
/// answers the JSON 404 rather than axum's plain-text rejection.
pub struct PathText(pub String);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for PathText {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, ApiError> {
        <Path<String> as axum::extract::FromRequestParts<S>>::from_request_parts(parts, state).await.map(|Path(t)| PathText(t)).map_err(|_| ApiError::not_found())
    }
}
