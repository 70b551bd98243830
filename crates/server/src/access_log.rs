//! One log line per request: method, route template (never the concrete path or query, which
//! can hold a ticket lookup's digits), status and duration. Bodies and headers are never logged.

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;

pub async fn access_log(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let route = req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned());
    let res = next.run(req).await;
    let status = res.status().as_u16();
    let micros = start.elapsed().as_micros() as u64;
    let route = route.as_deref().unwrap_or("(static or unmatched)");
    if status >= 500 {
        tracing::warn!(%method, route, status, micros, "request");
    } else {
        tracing::info!(%method, route, status, micros, "request");
    }
    res
}
