//! One complaint in the workspace (`/staff/complaints/{ticket}`) and its attachments: only for
//! the unit that works its category (`unit_routes`) or a supervisor or admin — for anyone else
//! it does not exist (404, as a ticket that is not there) — and every view of its personal data
//! and every attachment opened is in the audit trail. What the participant tried is put in words
//! from the guides' content, never shown as ids.

use super::{page, signed_in, LangQuery, Workspace};
use crate::accounts::Role;
use crate::client::ClientAddr;
use crate::clock;
use crate::store::{Audit, ComplaintRow, DbError, Store};
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use jmo_contract::ticket::normalize_ticket;
use jmo_contract::{ComplaintRequest, GuideTrail, Language, Timestamp};
use jmo_guide::NodeKind;
use jmo_workspace::{Badge, ComplaintView, Page, QueueRow, ReporterView, Tried};
use sqlx::Row;

use super::session::Session;

/// `GET /staff/complaints/{ticket}`.
pub async fn show(State(ws): State<Workspace>, Path(ticket): Path<String>, Query(q): Query<LangQuery>, request: Request) -> Response {
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
    let complaint = view(row, attachments, lang);
    page(StatusCode::OK, lang, Page::Complaint { badge, csrf: session.csrf, complaint: Box::new(complaint) }).await
}

/// `GET /staff/complaints/{ticket}/attachments/{id}`: an image of a complaint the member of
/// staff may open.
pub async fn attachment(State(ws): State<Workspace>, Path((ticket, id)): Path<(String, String)>, request: Request) -> Response {
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
        reporter: sent.as_ref().map(|c| ReporterView {
            name: c.reporter.name.clone(),
            nik: c.reporter.nik.clone(),
            birth_date: c.reporter.birth_date.clone(),
            kpj_card: c.reporter.kpj_card.clone(),
            kpj_app: c.reporter.kpj_app.clone(),
            phone: c.reporter.phone.clone(),
            email: c.reporter.email.clone(),
            incident_at: c.incident_at.as_deref().and_then(|t| Timestamp::parse(t).ok()).map(|t| wib(t.unix())),
        }),
        description: sent.map(|c| c.description),
        erased_at: row.status.erased_at,
        tried,
        ended_at,
        other_version,
        attachments,
    }
}

fn wib(unix: i64) -> String {
    let local = unix + 7 * 3600;
    let secs = local.rem_euclid(86_400);
    format!("{} {:02}.{:02} WIB", jmo_contract::Date::in_jakarta(unix), secs / 3600, secs % 3600 / 60)
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
    /// The unit that works complaints of `category`.
    pub async fn unit_of(&self, category: &str) -> Result<Option<String>, DbError> {
        let row = sqlx::query("SELECT unit FROM unit_routes WHERE category = $1").bind(category).fetch_optional(&self.pool).await?;
        row.map(|r| r.try_get("unit")).transpose()
    }
}
