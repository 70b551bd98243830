//! The agency's workspace at `/staff`, drawn by `jmo-workspace`'s Yew components: signing in
//! and out ([`sign_in`]), sessions ([`session`]), the queue, one complaint ([`complaint`]) and
//! what the guides' walks came to ([`walks`]). Pages are `no-store` (they name
//! staff and complaints) and work as plain HTML forms; every POST must come from this server's
//! own pages, and every change carries the session's CSRF token.

pub mod complaint;
pub mod session;
pub mod sign_in;
pub mod walks;

use crate::clock;
use crate::limits::IpLimit;
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use jmo_contract::Language;
use jmo_workspace::{Badge, Page, QueueRow};
use serde::Deserialize;
use session::Session;
use sqlx::Row;

/// Complaints shown in the queue at most (the rest follow as they are resolved).
pub const QUEUE_LIMIT: i64 = 500;

/// What the workspace's handlers share.
#[derive(Clone)]
pub struct Workspace {
    pub app: AppState,
    /// Sign-in attempts per client address.
    pub sign_ins: IpLimit,
}

pub fn router(workspace: Workspace) -> Router {
    Router::new()
        .route("/staff", get(queue))
        .route("/staff/login", get(sign_in::form).post(sign_in::submit))
        .route("/staff/logout", post(sign_in::sign_out))
        .route("/staff/complaints/{ticket}", get(complaint::show))
        .route("/staff/complaints/{ticket}/status", post(complaint::set_status))
        .route("/staff/complaints/{ticket}/attachments/{id}", get(complaint::attachment))
        .route("/staff/walks", get(walks::show))
        .route("/staff/walks/map.svg", get(walks::map))
        .route(jmo_workspace::pages::STYLESHEET_PATH, get(stylesheet))
        .with_state(workspace)
}

/// A page's query, read leniently: one that does not parse (a field twice, a value of the wrong
/// kind) is the page's defaults, never axum's plain-text 400.
pub struct PageQuery<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned + Default> axum::extract::FromRequestParts<S> for PageQuery<T> {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Self::Rejection> {
        Ok(PageQuery(Query::<T>::from_request_parts(parts, state).await.map(|Query(q)| q).unwrap_or_default()))
    }
}

/// `?lang=en`: the page's language (Indonesian when absent or not one).
#[derive(Debug, Default, Deserialize)]
pub struct LangQuery {
    lang: Option<String>,
}

impl LangQuery {
    pub fn lang(&self) -> Language {
        match self.lang.as_deref() {
            Some("en") => Language::En,
            _ => Language::Id,
        }
    }
}

/// A page as the answer: `no-store`, its language said.
pub async fn page(status: StatusCode, lang: Language, page: Page) -> Response {
    let html = jmo_workspace::render(lang, clock::now().unix(), page).await;
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(lang.as_str()));
    response
}

/// The signed-in member of staff, or the way to the sign-in page.
pub async fn signed_in(app: &AppState, headers: &HeaderMap, lang: Language) -> Result<Session, Response> {
    let to_sign_in = |ended: bool| {
        let path = format!("/staff/login?lang={}{}", lang.as_str(), if ended { "&ended=1" } else { "" });
        let mut response = Redirect::to(&path).into_response();
        if ended {
            response.headers_mut().insert(header::SET_COOKIE, session::cleared_cookie());
        }
        response
    };
    let Some(token) = session::token(headers) else { return Err(to_sign_in(false)) };
    match app.store.staff_session(token, clock::now()).await {
        Ok(Some(session)) => Ok(session),
        Ok(None) => Err(to_sign_in(true)),
        Err(e) => {
            tracing::error!(error = %e, "reading a staff session");
            Err(crate::error::ApiError::overloaded().into_response())
        }
    }
}

/// `GET /staff`: the complaints not yet resolved, nearest first-response deadline first: an
/// agent's unit's, or every unit's for supervisors and admins.
async fn queue(State(ws): State<Workspace>, headers: HeaderMap, PageQuery(q): PageQuery<LangQuery>) -> Response {
    let lang = q.lang();
    let session = match signed_in(&ws.app, &headers, lang).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    let unit = match session.role() {
        crate::accounts::Role::Agent => Some(session.account.unit.as_ref().map_or("", |u| u.as_str())),
        _ => None,
    };
    let rows = match ws.app.store.queue(unit, QUEUE_LIMIT).await {
        Ok(rows) => rows,
        Err(e) => {
            tracing::error!(error = %e, "reading the queue");
            return crate::error::ApiError::overloaded().into_response();
        }
    };
    let (waiting, overdue) = match ws.app.store.queue_size(unit, clock::now().unix()).await {
        Ok(size) => size,
        Err(e) => {
            tracing::error!(error = %e, "counting the queue");
            return crate::error::ApiError::overloaded().into_response();
        }
    };
    let badge = Badge { name: session.account.display_name.clone(), role: session.role().as_str() };
    page(StatusCode::OK, lang, Page::Queue { badge, csrf: session.csrf, rows, waiting, overdue }).await
}

async fn stylesheet() -> Response {
    let mut response = jmo_workspace::pages::STYLESHEET.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/css; charset=utf-8"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

impl crate::store::Store {
    /// How many complaints of the queue of `unit` (or all) wait, and how many of them are past
    /// their first-response deadline at `now`.
    pub async fn queue_size(&self, unit: Option<&str>, now: i64) -> Result<(u64, u64), crate::store::DbError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS waiting, COALESCE(SUM(CASE WHEN c.response_due_at <= $3 THEN 1 ELSE 0 END), 0) AS overdue FROM complaints c \
             LEFT JOIN unit_routes u ON u.category = c.category \
             WHERE c.status <> 'resolved' AND ($1 = 0 OR u.unit = $2)",
        )
        .bind(i64::from(unit.is_some()))
        .bind(unit.unwrap_or(""))
        .bind(now)
        .fetch_one(&self.pool)
        .await?;
        let (waiting, overdue): (i64, i64) = (row.try_get("waiting")?, row.try_get("overdue")?);
        Ok((waiting.max(0) as u64, overdue.max(0) as u64))
    }

    /// The queue: complaints not resolved, of `unit` (routed by `unit_routes`) or all, by
    /// first-response deadline; ids, codes and times only (nothing sealed is opened).
    pub async fn queue(&self, unit: Option<&str>, limit: i64) -> Result<Vec<QueueRow>, crate::store::DbError> {
        let rows = sqlx::query(
            "SELECT c.ticket, c.category, c.status, c.received_at, c.response_due_at FROM complaints c \
             LEFT JOIN unit_routes u ON u.category = c.category \
             WHERE c.status <> 'resolved' AND ($1 = 0 OR u.unit = $2) ORDER BY c.response_due_at, c.ticket LIMIT $3",
        )
        .bind(i64::from(unit.is_some()))
        .bind(unit.unwrap_or(""))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(QueueRow {
                    ticket: r.try_get("ticket")?,
                    category: r.try_get("category")?,
                    status: r.try_get("status")?,
                    received_at: r.try_get("received_at")?,
                    response_due_at: r.try_get("response_due_at")?,
                })
            })
            .collect()
    }
}
