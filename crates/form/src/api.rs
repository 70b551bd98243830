//! The intake API's lookups: a complaint's status by ticket and the last 4 digits of the phone,
//! and the known service disruptions.

use crate::fetch::{self, FetchError};

/// Time for a lookup, answer included.
pub const LOOKUP_TIMEOUT_MS: u32 = 15_000;

/// Why a status lookup gave no status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LookupError {
    /// No complaint with this ticket and these digits (the server does not say which is wrong).
    /// Also given, without a request, for a ticket that cannot be one.
    NotFound,
    /// Too many lookups from this connection: wait a minute.
    RateLimited,
    Network,
    Timeout,
    /// Anything else: the server's code (`invalid_format` for digits that are not 4 digits,
    /// `overloaded`…), else `unexpected_answer`.
    Other(String),
}

impl LookupError {
    /// Stable code for the UI: `not_found`, `rate_limited`, `network`, `timeout`, or the other code.
    pub fn code(&self) -> &str {
        match self {
            LookupError::NotFound => jmo_contract::codes::NOT_FOUND,
            LookupError::RateLimited => jmo_contract::codes::RATE_LIMITED,
            LookupError::Network => "network",
            LookupError::Timeout => "timeout",
            LookupError::Other(code) => code,
        }
    }

    /// The error a [`LookupError::code`] stands for.
    pub fn from_code(code: &str) -> LookupError {
        match code {
            jmo_contract::codes::NOT_FOUND => LookupError::NotFound,
            jmo_contract::codes::RATE_LIMITED => LookupError::RateLimited,
            "network" => LookupError::Network,
            "timeout" => LookupError::Timeout,
            other => LookupError::Other(other.to_owned()),
        }
    }

    /// Asking again later may work.
    pub fn retryable(&self) -> bool {
        !matches!(self, LookupError::NotFound)
    }
}

impl From<FetchError> for LookupError {
    fn from(e: FetchError) -> Self {
        match e {
            FetchError::Network => LookupError::Network,
            FetchError::Timeout => LookupError::Timeout,
        }
    }
}

/// `POST api/v1/complaints/lookup` with the ticket and the phone's last 4 digits in the body (never
/// in a URL, where proxies and logs would keep them). The ticket may be typed as a person would
/// (any case, `O` for `0`…); it is normalized first, and a text that cannot be a ticket (a NIK
/// typed in the wrong box…) is answered `NotFound` without a request. Likewise `phone_last4` must
/// be exactly 4 digits.
pub async fn ticket_status(ticket: &str, phone_last4: &str) -> Result<jmo_contract::TicketStatus, LookupError> {
    let ticket = jmo_contract::ticket::normalize_ticket(ticket).ok_or(LookupError::NotFound)?;
    let last4 = phone_last4.trim();
    if last4.len() != 4 || !last4.bytes().all(|b| b.is_ascii_digit()) {
        return Err(LookupError::Other(jmo_contract::codes::INVALID_FORMAT.into()));
    }
    let body = serde_json::json!({ "ticket": ticket, "phone_last4": last4 }).to_string();
    let options = fetch::Options { timeout_ms: LOOKUP_TIMEOUT_MS, no_store: true };
    let headers = [("Accept", "application/json"), ("Content-Type", "application/json")];
    let answer = fetch::send("POST", "api/v1/complaints/lookup", &headers, Some(&wasm_bindgen::JsValue::from_str(&body)), options).await?;
    match answer.status {
        200 => serde_json::from_str(&answer.text).map_err(|_| LookupError::Other("unexpected_answer".into())),
        404 => Err(LookupError::NotFound),
        429 => Err(LookupError::RateLimited),
        _ => Err(LookupError::Other(fetch::error_code(&answer.text).unwrap_or_else(|| "unexpected_answer".into()))),
    }
}

/// `GET api/v1/status`: the service disruptions in force now. `Err(())` when they cannot be had;
/// the guide then simply shows none.
pub async fn disruptions() -> Result<Vec<jmo_contract::Disruption>, ()> {
    let options = fetch::Options { timeout_ms: LOOKUP_TIMEOUT_MS, no_store: false };
    let answer = fetch::send("GET", "api/v1/status", &[("Accept", "application/json")], None, options).await.map_err(drop)?;
    if answer.status != 200 {
        return Err(());
    }
    serde_json::from_str::<jmo_contract::ServiceStatus>(&answer.text).map(|s| s.disruptions).map_err(drop)
}
