//! One complaint in the workspace (`/staff/complaints/{ticket}`) and its attachments: only for
//! the unit that works its category (`unit_routes`) or a supervisor or admin — for anyone else
//! it does not exist (404, as a ticket that is not there) — and every view of its personal data
//! and every attachment opened is in the audit trail. What the participant tried is put in words
//! from the guides' content, never shown as ids.

use super::{page, signed_in, LangQuery, PageQuery, Workspace};
use crate::accounts::Role;
use crate::client::ClientAddr;
use crate::clock;
use crate::store::{Audit, ComplaintRow, DbError, Store};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use jmo_contract::ticket::normalize_ticket;
use jmo_contract::{ComplaintRequest, ComplaintStatus, GuideTrail, Language, Timestamp};
use jmo_guide::NodeKind;
use jmo_workspace::{Badge, ComplaintView, Page, QueueRow, Tried};
use sqlx::Row;

use super::session::Session;

/// `GET /staff/complaints/{ticket}`.
pub async fn show(State(ws): State<Workspace>, ticket: Result<Path<String>, PathRejection>, PageQuery(q): PageQuery<LangQuery>, request: Request) -> Response {
    let ticket = ticket.map(|Path(t)| t).unwrap_or_default();
    let lang = q.lang();
    let session = match signed_in(&ws.app, request.headers(), lang).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    let badge = Badge { name: session.account.display_name.clone(), role: session.role().as_str() };
    let client_ip = request.extensions().get::<ClientAddr>().map(|c| c.0.to_string());
    let row = match visible(&ws.app.store, &session, &ticket).await {
        Ok(Some(row)) => row,
        Ok(None) => return page(StatusCode::NOT_FOUND, lang, Page::NotFound { badge, csrf: session.csrf }).await,
        Err(e) => return failed(e),
    };
    let audit = Audit { actor: "staff", action: "complaint_viewed", client_ip };
    if let Err(e) = ws.app.store.audit(clock::now(), &audit, Some(&row.ticket), Some(&session.account.id)).await {
        return failed(e);
    }
    let attachments = match ws.app.store.attachments_of(&row.ticket).await {
        Ok(ids) => ids.iter().map(|id| format!("/staff/complaints/{}/attachments/{id}", row.ticket)).collect(),
        Err(e) => return failed(e),
    };
    let mut complaint = view(row, attachments, lang);
    if complaint.erased_at.is_none() {
        complaint.next_statuses = ComplaintStatus::parse(&complaint.row.status).map_or(&[][..], ComplaintStatus::next).iter().map(|s| s.as_str().to_owned()).collect();
    }
    page(StatusCode::OK, lang, Page::Complaint { badge, csrf: session.csrf, complaint: Box::new(complaint) }).await
}

/// `GET /staff/complaints/{ticket}/attachments/{id}`: an image of a complaint the member of
/// staff may open.
pub async fn attachment(State(ws): State<Workspace>, path: Result<Path<(String, String)>, PathRejection>, request: Request) -> Response {
    let (ticket, id) = path.map(|Path(p)| p).unwrap_or_default();
    let session = match signed_in(&ws.app, request.headers(), Language::Id).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    let client_ip = request.extensions().get::<ClientAddr>().map(|c| c.0.to_string());
    let not_found = || (StatusCode::NOT_FOUND, [(header::CACHE_CONTROL, "no-store")]).into_response();
    let row = match visible(&ws.app.store, &session, &ticket).await {
        Ok(Some(row)) => row,
        Ok(None) => return not_found(),
        Err(e) => return failed(e),
    };
    match ws.app.store.attachments_of(&row.ticket).await {
        Ok(ids) if ids.contains(&id) => {}
        Ok(_) => return not_found(),
        Err(e) => return failed(e),
    }
    let (content_type, bytes) = match ws.app.store.attachment(&id).await {
        Ok(Some(found)) => found,
        Ok(None) => return not_found(),
        Err(e) => return failed(e),
    };
    let audit = Audit { actor: "staff", action: "attachment_opened", client_ip };
    if let Err(e) = ws.app.store.audit(clock::now(), &audit, Some(&row.ticket), Some(&session.account.id)).await {
        return failed(e);
    }
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_str(&content_type).unwrap_or(HeaderValue::from_static("application/octet-stream")));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("inline"));
    response
}

/// `POST /staff/complaints/{ticket}/status` (`status`, `csrf`): moves it along
/// [`ComplaintStatus::next`], audited; back to the complaint's page.
pub async fn set_status(State(ws): State<Workspace>, ticket: Result<Path<String>, PathRejection>, PageQuery(q): PageQuery<LangQuery>, request: Request) -> Response {
    let lang = q.lang();
    let ticket = ticket.map(|Path(t)| t).unwrap_or_default();
    let headers = request.headers().clone();
    let client_ip = request.extensions().get::<ClientAddr>().map(|c| c.0.to_string());
    let body = axum::body::to_bytes(request.into_body(), 4096).await.unwrap_or_default();
    let field = |name: &str| form_urlencoded::parse(&body).find(|(k, _)| k == name).map(|(_, v)| v.into_owned()).unwrap_or_default();
    let session = match signed_in(&ws.app, &headers, lang).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    let badge = Badge { name: session.account.display_name.clone(), role: session.role().as_str() };
    if !super::session::same_origin(&headers) || !super::session::csrf_matches(&session, &field("csrf")) {
        let notice = Some(jmo_workspace::LoginNotice::Refused { code: "forged_request", until: None });
        return page(StatusCode::FORBIDDEN, lang, Page::SignIn { notice, username: String::new() }).await;
    }
    let row = match visible(&ws.app.store, &session, &ticket).await {
        Ok(Some(row)) => row,
        Ok(None) => return page(StatusCode::NOT_FOUND, lang, Page::NotFound { badge, csrf: session.csrf }).await,
        Err(e) => return failed(e),
    };
    let (from, to) = (ComplaintStatus::parse(&row.status.status), ComplaintStatus::parse(&field("status")));
    let back = axum::response::Redirect::to(&format!("/staff/complaints/{}?lang={}", row.ticket, lang.as_str())).into_response();
    let (Some(from), Some(to)) = (from, to) else { return back };
    if !from.next().contains(&to) || row.status.erased_at.is_some() {
        // A stale page (someone else moved it meanwhile): the page as it is now.
        return back;
    }
    let now = clock::now();
    let action = match to {
        ComplaintStatus::InProgress if from == ComplaintStatus::Resolved => "complaint_reopened",
        ComplaintStatus::InProgress => "complaint_taken_up",
        _ => "complaint_resolved",
    };
    match ws.app.store.move_status(&row.ticket, from, to, now).await {
        Ok(true) => {}
        // Moved by someone else since it was read: the page as it is now.
        Ok(false) => return back,
        Err(e) => return failed(e),
    }
    let audit = Audit { actor: "staff", action, client_ip };
    if let Err(e) = ws.app.store.audit(now, &audit, Some(&row.ticket), Some(&session.account.id)).await {
        return failed(e);
    }
    tracing::info!(ticket = %row.ticket, status = to.as_str(), "status changed in the workspace");
    back
}

/// The complaint `ticket` if `session` may see it (its unit's, or any for supervisors and admins).
async fn visible(store: &Store, session: &Session, ticket: &str) -> Result<Option<ComplaintRow>, DbError> {
    let Some(ticket) = normalize_ticket(ticket) else { return Ok(None) };
    let Some(row) = store.complaint(&ticket).await? else { return Ok(None) };
    if session.role() == Role::Agent {
        let unit = store.unit_of(&row.category).await?;
        if unit.as_deref() != session.account.unit.as_ref().map(|u| u.as_str()) {
            return Ok(None);
        }
    }
    Ok(Some(row))
}

fn failed(e: DbError) -> Response {
    tracing::error!(error = %e, "workspace complaint");
    crate::error::ApiError::overloaded().into_response()
}

/// The page's view of a stored complaint.
fn view(row: ComplaintRow, attachments: Vec<String>, lang: Language) -> ComplaintView {
    let sent: Option<ComplaintRequest> = row.payload.as_deref().and_then(|p| serde_json::from_str(p).ok());
    let (tried, ended_at, other_version) = sent.as_ref().map(|c| tried(&c.guide, lang)).unwrap_or_default();
    ComplaintView {
        row: QueueRow {
            ticket: row.ticket,
            category: row.category,
            status: row.status.status,
            received_at: row.status.received_at,
            response_due_at: row.status.response_due_at,
        },
        urgency: row.urgency,
        reply_channel: row.reply_channel,
        incident_at: sent.as_ref().and_then(|c| c.incident_at.as_deref()).and_then(|t| Timestamp::parse(t).ok()).map(Timestamp::unix),
        reporter: sent.as_ref().map(|c| c.reporter.clone()),
        description: sent.map(|c| c.description),
        erased_at: row.status.erased_at,
        tried,
        ended_at,
        other_version,
        attachments,
        next_statuses: Vec::new(),
    }
}

/// Each answer of `trail` as the participant saw it in `lang`, the escalation it ended at, and
/// the version pair when the complaint was made with other content than today's.
fn tried(trail: &GuideTrail, lang: Language) -> (Vec<Tried>, Option<String>, Option<(String, String)>) {
    let catalog = jmo_selfhelp::content::bundled();
    let other_version = (trail.content_version != *catalog.version).then(|| (trail.content_version.clone(), catalog.version.to_string()));
    let Some(guide) = catalog.guide(&trail.guide_id) else {
        let unknown = trail.path.iter().map(|s| Tried::Unknown { node: s.node.clone(), answer: s.answer.clone() }).collect();
        return (unknown, None, other_version);
    };
    let steps = trail
        .path
        .iter()
        .map(|step| {
            let node = guide.resolve(&step.node).map(|i| &guide.nodes[i]);
            let option = node.and_then(|n| n.options.iter().find(|o| *o.id == *step.answer));
            match (node, option) {
                (Some(node), Some(option)) => Tried::Answered {
                    question: node.title.get(lang).to_owned(),
                    answer: option.label.get(lang).to_owned(),
                    steps: if node.kind == NodeKind::Step { node.steps.iter().map(|s| s.get(lang).to_owned()).collect() } else { Vec::new() },
                },
                _ => Tried::Unknown { node: step.node.clone(), answer: step.answer.clone() },
            }
        })
        .collect();
    let ended = guide.resolve(&trail.escalation_node).map(|i| guide.nodes[i].title.get(lang).to_owned());
    (steps, ended, other_version)
}

impl Store {
    /// Moves `ticket` from `from` to `to` if it is still at `from` (`false` otherwise).
    pub async fn move_status(&self, ticket: &str, from: ComplaintStatus, to: ComplaintStatus, now: Timestamp) -> Result<bool, DbError> {
        let done = sqlx::query(
            "UPDATE complaints SET status = $1, updated_at = $2, \
             resolved_at = CASE WHEN $1 = 'resolved' THEN COALESCE(resolved_at, $2) ELSE NULL END WHERE ticket = $3 AND status = $4",
        )
        .bind(to.as_str())
        .bind(now.unix())
        .bind(ticket)
        .bind(from.as_str())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// The unit that works complaints of `category`.
    pub async fn unit_of(&self, category: &str) -> Result<Option<String>, DbError> {
        let row = sqlx::query("SELECT unit FROM unit_routes WHERE category = $1").bind(category).fetch_optional(&self.pool).await?;
        row.map(|r| r.try_get("unit")).transpose()
    }
}
