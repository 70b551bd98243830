//! Protection against too many requests: per-client rate limits (token buckets from `governor`,
//! keyed by [`crate::client::ClientAddr::key`]: IPv6 by /64) and budgets of requests in flight —
//! one for uploads, one for everything else — so that slow uploads cannot take the slots of
//! complaints or of the widget's pages. All refuse at once with `Retry-After` instead of queueing.

use crate::client::ClientAddr;
use crate::error::ApiError;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// A per-client limit of `n` requests a minute (bursts up to `n`); `None` when disabled.
#[derive(Clone)]
pub struct IpLimit {
    limiter: Option<Arc<DefaultKeyedRateLimiter<IpAddr>>>,
}

impl IpLimit {
    pub fn per_minute(n: u32) -> IpLimit {
        let limiter = NonZeroU32::new(n).map(|n| Arc::new(RateLimiter::keyed(Quota::per_minute(n).allow_burst(n))));
        IpLimit { limiter }
    }

    /// Drops the state of clients that are back to a full bucket, so memory stays bounded.
    pub fn forget_idle(&self) {
        if let Some(l) = &self.limiter {
            l.retain_recent();
            l.shrink_to_fit();
        }
    }
}

/// The client address [`crate::client::identify`] worked out.
pub fn client_addr(req: &Request) -> Option<IpAddr> {
    req.extensions().get::<ClientAddr>().map(|c| c.0)
}

pub async fn rate_limit(State(limit): State<IpLimit>, req: Request, next: Next) -> Response {
    if let Err(wait) = limit.check(&req) {
        return ApiError::rate_limited(wait).into_response();
    }
    next.run(req).await
}

impl IpLimit {
    /// Counts a request of its client; `Err(seconds to wait)` when over the limit.
    pub fn check(&self, req: &Request) -> Result<(), u64> {
        if let (Some(limiter), Some(client)) = (&self.limiter, req.extensions().get::<ClientAddr>()) {
            if let Err(not_until) = limiter.check_key(&client.key()) {
                return Err(not_until.wait_time_from(DefaultClock::default().now()).as_secs() + 1);
            }
        }
        Ok(())
    }
}

/// The in-flight budgets: uploads (`UPLOADS_IN_FLIGHT`) and every other request (`MAX_IN_FLIGHT`).
#[derive(Clone)]
pub struct Budgets {
    pub uploads: Arc<Semaphore>,
    pub requests: Arc<Semaphore>,
}

/// Refuses with 503 when the request's budget is spent. An upload holds only an upload slot.
pub async fn shed_load(State(budgets): State<Budgets>, req: Request, next: Next) -> Response {
    let slots = if req.uri().path() == "/api/v1/attachments" { &budgets.uploads } else { &budgets.requests };
    match slots.try_acquire() {
        Ok(_permit) => next.run(req).await,
        Err(_) => ApiError::overloaded().into_response(),
    }
}

/// Long enough for a 5 MB photo over a slow mobile link; after that the request's slot is freed.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);

/// Answers 408 when a request (typically its body) takes longer than [`REQUEST_TIMEOUT`].
/// A complaint already handed to the writer is still stored; the client's retry replays it.
pub async fn time_limit(req: Request, next: Next) -> Response {
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(req)).await {
        Ok(res) => res,
        Err(_) => ApiError::new(axum::http::StatusCode::REQUEST_TIMEOUT, jmo_contract::codes::REQUEST_TIMEOUT).into_response(),
    }
}

/// `Cache-Control: no-store` on every answer under `/api/` (statuses, receipts, staff data, errors).
pub async fn no_store(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let mut res = next.run(req).await;
    if api {
        res.headers_mut().insert(axum::http::header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
    }
    res
}
