//! "Check my complaint" without JavaScript: the ticket and the phone's last 4 digits posted as a
//! form to the check page's own address (never in a URL), looked up as the API does — the same
//! per-ticket and per-address lockouts — and answered with the same page showing what was found.

use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::response::Response;
use jmo_contract::codes;
use jmo_form::api::LookupError;
use jmo_form::components::{CheckStart, Lookup};
use jmo_selfhelp::state::Opening;

use super::complaint::Slot;
use super::Pages;
use crate::client::ClientAddr;
use crate::routes::complaints;

/// `ticket=…&last4=…` and the envelope.
const MAX_BODY_BYTES: usize = 4096;
/// Longest ticket kept to be shown again (a ticket is 24 characters).
const MAX_TICKET_CHARS: usize = 40;

/// The check form posted to `address`.
pub async fn post(pages: &Pages, address: String, request: Request) -> Response {
    let limited = pages.lookups.check(&request).err();
    let client = request.extensions().get::<ClientAddr>().cloned();
    let body = axum::body::to_bytes(request.into_body(), MAX_BODY_BYTES).await.unwrap_or_default();
    let field = |name: &str| form_urlencoded::parse(&body).find(|(k, _)| k == name).map(|(_, v)| v.trim().to_owned()).unwrap_or_default();
    let ticket: String = field("ticket").chars().take(MAX_TICKET_CHARS).collect();
    let last4: String = field("last4").chars().take(4 + 1).collect();
    // The API's own check of the digits.
    let digits = complaints::check_last4(last4.clone());
    let (lookup, status, wait) = if let Some(wait) = limited {
        (Lookup::Failed(LookupError::RateLimited), StatusCode::TOO_MANY_REQUESTS, Some(wait))
    } else if digits.is_err() {
        (Lookup::Failed(LookupError::Other(codes::INVALID_FORMAT.into())), StatusCode::UNPROCESSABLE_ENTITY, None)
    } else {
        match complaints::look_up(&pages.app, client, &ticket, &last4).await {
            Ok(axum::Json(found)) => (Lookup::Found(found), StatusCode::OK, None),
            Err(e) if e.status == StatusCode::NOT_FOUND => (Lookup::Failed(LookupError::NotFound), e.status, None),
            Err(e) if e.status == StatusCode::TOO_MANY_REQUESTS => (Lookup::Failed(LookupError::RateLimited), e.status, e.retry_after_secs),
            Err(e) => (Lookup::Failed(LookupError::Other(codes::OVERLOADED.into())), e.status, e.retry_after_secs),
        }
    };
    let slot = Slot::Checked(Box::new(CheckStart { ticket, last4, lookup }));
    let mut response = super::render(pages, Opening::new(address, super::today()), Some(status), slot).await;
    if let Some(wait) = wait {
        response.headers_mut().insert(header::RETRY_AFTER, wait.into());
    }
    response
}
