//! Signing in and out. A wrong password, an unknown username and a malformed one are answered
//! alike, after the same argon2id work; the [`MAX_FAILED_LOGINS`](crate::accounts::MAX_FAILED_LOGINS)th
//! wrong password in a row locks the account for a while (an admin can lift it:
//! `jmo-selfhelp-server staff unlock`), and attempts are limited per client address too. Every
//! sign-in, refusal and sign-out is in the audit trail, with the account's id and the address —
//! never what was typed.

use super::{page, session, LangQuery, PageQuery, Workspace};
use crate::accounts::{StoredPassword, Username};
use crate::client::ClientAddr;
use crate::clock;
use crate::store::Audit;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use jmo_workspace::{LoginNotice, Page};
use std::sync::LazyLock;

/// `username=…&password=…` and the envelope.
const MAX_BODY_BYTES: usize = 4096;
/// Longest username kept to be shown again.
const MAX_USERNAME_CHARS: usize = 64;

/// A hash no password matches, verified for unknown usernames so that they take as long.
static NOBODY: LazyLock<Option<StoredPassword>> = LazyLock::new(|| {
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes).ok()?;
    StoredPassword::hash(&bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()).ok()
});

#[derive(Debug, Default, serde::Deserialize)]
pub struct SignInQuery {
    lang: Option<String>,
    /// `1`: the session ended (idle or too old); `out`: signed out.
    ended: Option<String>,
}

/// `GET /staff/login`: the form (or the queue, when already signed in).
pub async fn form(State(ws): State<Workspace>, headers: HeaderMap, PageQuery(q): PageQuery<SignInQuery>) -> Response {
    let lang = LangQuery { lang: q.lang.clone() }.lang();
    if let Some(token) = session::token(&headers) {
        if let Ok(Some(_)) = ws.app.store.staff_session(token, clock::now()).await {
            return Redirect::to(&format!("/staff?lang={}", lang.as_str())).into_response();
        }
    }
    let notice = match q.ended.as_deref() {
        Some("out") => Some(LoginNotice::SignedOut),
        Some(_) => Some(LoginNotice::SessionEnded),
        None => None,
    };
    page(StatusCode::OK, lang, Page::SignIn { notice, username: String::new() }).await
}

fn refused(code: &'static str, until: Option<i64>) -> Option<LoginNotice> {
    Some(LoginNotice::Refused { code, until })
}

/// `POST /staff/login`.
pub async fn submit(State(ws): State<Workspace>, PageQuery(q): PageQuery<LangQuery>, request: Request) -> Response {
    let lang = q.lang();
    let headers = request.headers().clone();
    let client_ip = request.extensions().get::<ClientAddr>().map(|c| c.0.to_string());
    if !session::same_origin(&headers) {
        return page(StatusCode::FORBIDDEN, lang, Page::SignIn { notice: refused("forged_request", None), username: String::new() }).await;
    }
    if ws.sign_ins.check(&request).is_err() {
        return page(StatusCode::TOO_MANY_REQUESTS, lang, Page::SignIn { notice: refused("rate_limited", None), username: String::new() }).await;
    }
    let body = axum::body::to_bytes(request.into_body(), MAX_BODY_BYTES).await.unwrap_or_default();
    let field = |name: &str| form_urlencoded::parse(&body).find(|(k, _)| k == name).map(|(_, v)| v.into_owned()).unwrap_or_default();
    let (typed, password) = (field("username").trim().chars().take(MAX_USERNAME_CHARS).collect::<String>(), field("password"));
    let again = |status, code, until| {
        let username = typed.clone();
        async move { page(status, lang, Page::SignIn { notice: refused(code, until), username }).await }
    };
    if typed.is_empty() || password.is_empty() {
        return again(StatusCode::UNPROCESSABLE_ENTITY, "login_missing", None).await;
    }
    let now = clock::now();
    let audit = |action: &'static str| Audit { actor: "sign-in", action, client_ip: client_ip.clone() };
    let found = match Username::parse(&typed) {
        Ok(username) => match ws.app.store.staff_account(&username).await {
            Ok(found) => found,
            Err(e) => return failed(e),
        },
        Err(_) => None,
    };
    let Some((account, stored)) = found else {
        verify(NOBODY.clone(), password).await;
        let _ = ws.app.store.audit(now, &audit("sign_in_refused"), None, None).await;
        return again(StatusCode::UNAUTHORIZED, "login_failed", None).await;
    };
    if account.lockout.is_locked(now.unix()) {
        let _ = ws.app.store.audit(now, &audit("sign_in_locked"), None, Some(&account.id)).await;
        return again(StatusCode::FORBIDDEN, "login_locked", account.lockout.locked_until).await;
    }
    if !verify(Some(stored), password).await {
        let after = match ws.app.store.record_staff_login_failure(&account.id, now).await {
            Ok(after) => after,
            Err(e) => return failed(e),
        };
        let _ = ws.app.store.audit(now, &audit("sign_in_refused"), None, Some(&account.id)).await;
        return match after.locked_until.filter(|_| after.is_locked(now.unix())) {
            Some(until) => {
                tracing::warn!(account = %account.id, "staff account locked after failed sign-ins");
                again(StatusCode::FORBIDDEN, "login_locked", Some(until)).await
            }
            None => again(StatusCode::UNAUTHORIZED, "login_failed", None).await,
        };
    }
    if account.disabled_at.is_some() {
        let _ = ws.app.store.audit(now, &audit("sign_in_disabled"), None, Some(&account.id)).await;
        return again(StatusCode::FORBIDDEN, "login_disabled", None).await;
    }
    let token = match ws.app.store.record_staff_login_success(&account.id).await {
        Ok(()) => ws.app.store.start_staff_session(&account.id, now).await,
        Err(e) => Err(e),
    };
    let token = match token {
        Ok(token) => token,
        Err(e) => return failed(e),
    };
    let _ = ws.app.store.audit(now, &audit("sign_in"), None, Some(&account.id)).await;
    tracing::info!(account = %account.id, "staff signed in");
    let mut response = Redirect::to(&format!("/staff?lang={}", lang.as_str())).into_response();
    response.headers_mut().insert(header::SET_COOKIE, session::cookie(&token));
    response
}

/// `POST /staff/logout`: with the session's CSRF token.
pub async fn sign_out(State(ws): State<Workspace>, PageQuery(q): PageQuery<LangQuery>, request: Request) -> Response {
    let lang = q.lang();
    let headers = request.headers().clone();
    let client_ip = request.extensions().get::<ClientAddr>().map(|c| c.0.to_string());
    let body = axum::body::to_bytes(request.into_body(), MAX_BODY_BYTES).await.unwrap_or_default();
    let csrf = form_urlencoded::parse(&body).find(|(k, _)| k == "csrf").map(|(_, v)| v.into_owned()).unwrap_or_default();
    let session = match super::signed_in(&ws.app, &headers, lang).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    if !session::same_origin(&headers) || !session::csrf_matches(&session, &csrf) {
        return page(StatusCode::FORBIDDEN, lang, Page::SignIn { notice: refused("forged_request", None), username: String::new() }).await;
    }
    if let Some(token) = session::token(&headers) {
        if let Err(e) = ws.app.store.end_staff_session(token).await {
            return failed(e);
        }
    }
    let audit = Audit { actor: "sign-in", action: "sign_out", client_ip };
    let _ = ws.app.store.audit(clock::now(), &audit, None, Some(&session.account.id)).await;
    let mut response = Redirect::to(&format!("/staff/login?lang={}&ended=out", lang.as_str())).into_response();
    response.headers_mut().insert(header::SET_COOKIE, session::cleared_cookie());
    response
}

/// Argon2id off the async threads (it takes tens of milliseconds by design).
async fn verify(stored: Option<StoredPassword>, password: String) -> bool {
    let Some(stored) = stored else { return false };
    tokio::task::spawn_blocking(move || stored.verify(&password)).await.unwrap_or(false)
}

fn failed(e: crate::store::DbError) -> Response {
    tracing::error!(error = %e, "staff sign-in");
    crate::error::ApiError::overloaded().into_response()
}
