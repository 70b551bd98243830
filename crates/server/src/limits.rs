//! Protection against too many requests: per-IP rate limits (token buckets from `governor`) and a
//! global cap on requests in flight. Both refuse at once with `Retry-After` instead of queueing.

use crate::error::ApiError;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// A per-IP limit of `n` requests a minute (bursts up to `n`); `None` when disabled.
#[derive(Clone)]
pub struct IpLimit {
    limiter: Option<Arc<DefaultKeyedRateLimiter<IpAddr>>>,
    trust_forwarded_for: bool,
}

impl IpLimit {
    pub fn per_minute(n: u32, trust_forwarded_for: bool) -> IpLimit {
        let limiter = NonZeroU32::new(n).map(|n| Arc::new(RateLimiter::keyed(Quota::per_minute(n).allow_burst(n))));
        IpLimit { limiter, trust_forwarded_for }
    }

    /// Drops the state of clients that are back to a full bucket, so memory stays bounded.
    pub fn forget_idle(&self) {
        if let Some(l) = &self.limiter {
            l.retain_recent();
            l.shrink_to_fit();
        }
    }
}

/// The client's address: the TCP peer, or behind a trusted proxy the last `X-Forwarded-For` entry.
pub fn client_ip(req: &Request, trust_forwarded_for: bool) -> Option<IpAddr> {
    if trust_forwarded_for {
        let forwarded = req.headers().get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).next_back();
        if let Some(ip) = forwarded.and_then(|v| v.rsplit(',').next()).and_then(|v| v.trim().parse().ok()) {
            return Some(ip);
        }
    }
    req.extensions().get::<ConnectInfo<SocketAddr>>().map(|ci| ci.0.ip())
}

pub async fn rate_limit(State(limit): State<IpLimit>, req: Request, next: Next) -> Response {
    if let (Some(limiter), Some(ip)) = (&limit.limiter, client_ip(&req, limit.trust_forwarded_for)) {
        if let Err(not_until) = limiter.check_key(&ip) {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            return ApiError::rate_limited(wait.as_secs() + 1).into_response();
        }
    }
    next.run(req).await
}

/// Refuses with 503 when `MAX_IN_FLIGHT` requests are already being handled.
pub async fn shed_load(State(slots): State<Arc<Semaphore>>, req: Request, next: Next) -> Response {
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
