//! Staff sessions: a random token in an `HttpOnly; Secure; SameSite=Strict` cookie scoped to
//! `/staff`, only its SHA-256 in the database (`staff_sessions`, shared by every instance on one
//! database), ended after [`IDLE_SECS`] without use or [`ABSOLUTE_SECS`] after signing in. Every
//! form that changes something carries the session's CSRF token, derived from the session token
//! (so a page on another site, which cannot read the cookie, cannot make it); and every POST must
//! come from a page of this server ([`same_origin`]).

use crate::accounts::{Role, StaffAccount};
use crate::store::{DbError, Store};
use axum::http::{header, HeaderMap, HeaderValue};
use base64::Engine;
use jmo_contract::Timestamp;
use sha2::{Digest, Sha256};
use sqlx::Row;

/// The cookie's name.
pub const COOKIE: &str = "jmo_staff";
/// A session unused this long ends.
pub const IDLE_SECS: i64 = 30 * 60;
/// A session ends this long after signing in, used or not.
pub const ABSOLUTE_SECS: i64 = 12 * 3600;
/// `last_seen_at` is written at most this often (not on every page).
const TOUCH_SECS: i64 = 60;

/// A signed-in member of staff.
#[derive(Debug, Clone)]
pub struct Session {
    pub account: StaffAccount,
    /// The token to put in every form (`csrf`).
    pub csrf: String,
}

fn hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The CSRF token of the session whose cookie holds `token`.
fn csrf_of(token: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"jmo-staff-csrf\0");
    h.update(token.as_bytes());
    hex(&h.finalize())
}

/// The session token the request's cookie holds, if any.
pub fn token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value)
        .filter(|v| (40..=64).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
}

/// The `Set-Cookie` of a new session.
pub fn cookie(token: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("{COOKIE}={token}; Path=/staff; HttpOnly; Secure; SameSite=Strict; Max-Age={ABSOLUTE_SECS}"))
        .unwrap_or_else(|_| HeaderValue::from_static("jmo_staff=; Path=/staff; Max-Age=0"))
}

/// The `Set-Cookie` that forgets the session.
pub fn cleared_cookie() -> HeaderValue {
    HeaderValue::from_static("jmo_staff=; Path=/staff; HttpOnly; Secure; SameSite=Strict; Max-Age=0")
}

/// Whether `given` is the CSRF token of `session` (in constant time).
pub fn csrf_matches(session: &Session, given: &str) -> bool {
    use subtle::ConstantTimeEq;
    bool::from(session.csrf.as_bytes().ct_eq(given.as_bytes()))
}

/// Whether a POST comes from a page of this server. Browsers say so in `Sec-Fetch-Site`
/// (`same-origin`); those that do not send it are judged by `Origin`, which must name the host
/// the request was sent to (under this server's `Referrer-Policy: no-referrer` a browser sends
/// `Origin: null` for a form, so that alone proves nothing and is refused). A request with
/// neither header (a script, not a browser) passes: it carries no victim's cookie.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = get("sec-fetch-site") {
        return site == "same-origin" || site == "none";
    }
    match get("origin") {
        Some(origin) => {
            let authority = origin.split_once("://").map(|(_, rest)| rest);
            authority.is_some() && authority == get("host")
        }
        None => true,
    }
}

impl Store {
    /// Starts a session for `account`: returns the token for the cookie.
    pub async fn start_staff_session(&self, account_id: &str, now: Timestamp) -> Result<String, DbError> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| DbError::Protocol(format!("no randomness: {e}")))?;
        let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        sqlx::query("INSERT INTO staff_sessions (token_hash, account_id, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $3, $4)")
            .bind(hash(&token))
            .bind(account_id)
            .bind(now.unix())
            .bind(now.unix() + ABSOLUTE_SECS)
            .execute(&self.pool)
            .await?;
        Ok(token)
    }

    /// The session of `token`, if it is still open and its account may still sign in.
    pub async fn staff_session(&self, token: &str, now: Timestamp) -> Result<Option<Session>, DbError> {
        let row = sqlx::query("SELECT account_id, last_seen_at, expires_at FROM staff_sessions WHERE token_hash = $1")
            .bind(hash(token))
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let (account_id, last_seen, expires): (String, i64, i64) = (row.try_get("account_id")?, row.try_get("last_seen_at")?, row.try_get("expires_at")?);
        if now.unix() >= expires || now.unix() >= last_seen + IDLE_SECS {
            self.end_staff_session(token).await?;
            return Ok(None);
        }
        let Some(account) = self.staff_account_by_id(&account_id).await? else { return Ok(None) };
        if account.disabled_at.is_some() {
            return Ok(None);
        }
        if now.unix() >= last_seen + TOUCH_SECS {
            sqlx::query("UPDATE staff_sessions SET last_seen_at = $1 WHERE token_hash = $2").bind(now.unix()).bind(hash(token)).execute(&self.pool).await?;
        }
        Ok(Some(Session { account, csrf: csrf_of(token) }))
    }

    pub async fn end_staff_session(&self, token: &str) -> Result<(), DbError> {
        sqlx::query("DELETE FROM staff_sessions WHERE token_hash = $1").bind(hash(token)).execute(&self.pool).await?;
        Ok(())
    }

    /// Forgets sessions that have ended (by either expiry).
    pub async fn purge_staff_sessions(&self, now: Timestamp) -> Result<(), DbError> {
        sqlx::query("DELETE FROM staff_sessions WHERE expires_at <= $1 OR last_seen_at <= $2")
            .bind(now.unix())
            .bind(now.unix() - IDLE_SECS)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

impl Session {
    pub fn role(&self) -> Role {
        self.account.role
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn a_post_from_another_site_is_told_apart() {
        assert!(same_origin(&headers(&[("host", "jmo.example"), ("origin", "https://jmo.example")])));
        assert!(!same_origin(&headers(&[("host", "jmo.example"), ("origin", "https://evil.example")])));
        assert!(!same_origin(&headers(&[("host", "jmo.example"), ("origin", "null")])));
        assert!(!same_origin(&headers(&[("host", "jmo.example"), ("sec-fetch-site", "cross-site")])));
        assert!(!same_origin(&headers(&[("host", "jmo.example"), ("origin", "https://jmo.example"), ("sec-fetch-site", "same-site")])));
        // A form under `Referrer-Policy: no-referrer`: `Origin: null`, and the browser's word.
        assert!(same_origin(&headers(&[("host", "jmo.example"), ("origin", "null"), ("sec-fetch-site", "same-origin")])));
    }

    #[test]
    fn the_cookie_is_read_among_others_and_malformed_ones_are_ignored() {
        let token = "a".repeat(43);
        let h = headers(&[("cookie", &format!("x=1; {COOKIE}={token}; y=2"))]);
        assert_eq!(super::token(&h), Some(token.as_str()));
        assert_eq!(super::token(&headers(&[("cookie", "jmo_staff=short")])), None);
        assert_eq!(super::token(&headers(&[("cookie", &format!("{COOKIE}={}", "<".repeat(43)))])), None);
    }

    #[test]
    fn the_csrf_token_depends_on_the_session() {
        assert_ne!(csrf_of("one-token"), csrf_of("another-token"));
        assert_eq!(csrf_of("one-token").len(), 64);
        let flags = cookie("t").to_str().unwrap().to_owned();
        for flag in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/staff"] {
            assert!(flags.contains(flag), "{flags}");
        }
    }
}
