//! What an HTTP answer to `POST /api/v1/complaints` means for delivery: delivered (with the
//! receipt), worth retrying, or rejected (with the server's error codes).

use jmo_contract::{ComplaintReceipt, ErrorBody, ErrorItem};

use crate::entry::Rejection;

/// The parts of an answer the outbox looks at, read by [`Reply::read`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub retry_after_ms: Option<u64>,
    pub body: ReplyBody,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplyBody {
    Receipt(ComplaintReceipt),
    Problems(Vec<ErrorItem>),
    /// Not the server's JSON: a proxy's page, a captive portal, a cut-off body.
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Delivered(ComplaintReceipt),
    Retry,
    Reject(Rejection),
}

impl Reply {
    /// Reads the status, the `Retry-After` header (if any) and the body.
    pub fn read(status: u16, retry_after: Option<&str>, body: &str) -> Reply {
        let body = match serde_json::from_str::<ComplaintReceipt>(body) {
            Ok(r) if is_receipt(&r) => ReplyBody::Receipt(r),
            _ => match serde_json::from_str::<ErrorBody>(body) {
                Ok(e) => ReplyBody::Problems(e.errors.into_iter().filter_map(shown_problem).collect()),
                Err(_) => ReplyBody::Other,
            },
        };
        Reply { status, retry_after_ms: retry_after.and_then(parse_retry_after), body }
    }

    /// 201 with a receipt is delivered. 408, 409 (the same key still being stored), 425, 429,
    /// 5xx and anything unexpected — including a 2xx without a receipt, which is what a captive
    /// portal sends — are retried with the same key. Other 4xx are rejected: the same body would
    /// be refused again.
    pub fn verdict(&self) -> Verdict {
        match (&self.body, self.status) {
            (ReplyBody::Receipt(r), 200..=299) => Verdict::Delivered(r.clone()),
            (_, 408 | 409 | 425 | 429) => Verdict::Retry,
            (body, status @ 400..=499) => Verdict::Reject(Rejection {
                status,
                problems: match body {
                    ReplyBody::Problems(p) => p.clone(),
                    _ => Vec::new(),
                },
            }),
            _ => Verdict::Retry,
        }
    }
}

/// `Retry-After` in seconds. The HTTP-date form is not used by the intake server and is ignored
/// (the backoff applies instead).
pub fn parse_retry_after(value: &str) -> Option<u64> {
    let v = value.trim();
    (v.len() <= 9).then_some(())?;
    crate::store::number(v).map(|s| s * 1_000)
}

/// Longer texts than this are not the server's: they are not kept on the device.
const MAX_FIELD: usize = 200;

fn short_text(s: &str) -> bool {
    !s.is_empty() && s.len() <= MAX_FIELD && !s.chars().any(char::is_control)
}

/// The intake server's receipt (a captive portal's JSON is not one).
fn is_receipt(r: &ComplaintReceipt) -> bool {
    r.ticket.starts_with("JMO-") && [&r.ticket, &r.received_at, &r.response_due_at].into_iter().all(|t| short_text(t))
}

/// A problem as the device keeps it: a code, and the field when it is a short text.
fn shown_problem(e: ErrorItem) -> Option<ErrorItem> {
    short_text(&e.code).then(|| ErrorItem { field: e.field.filter(|f| short_text(f)), code: e.code })
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECEIPT: &str =
        r#"{"ticket":"JMO-7K3M-9QX2-ABCD-EF01","received_at":"2026-11-24T05:00:00Z","response_due_at":"2026-11-25T05:00:00Z"}"#;

    fn verdict(status: u16, body: &str) -> Verdict {
        Reply::read(status, None, body).verdict()
    }

    #[test]
    fn a_201_with_a_receipt_is_delivered() {
        let Verdict::Delivered(r) = verdict(201, RECEIPT) else { panic!() };
        assert_eq!(r.ticket, "JMO-7K3M-9QX2-ABCD-EF01");
        assert_eq!(r.response_due_at, "2026-11-25T05:00:00Z");
    }

    #[test]
    fn a_2xx_without_a_receipt_is_retried() {
        assert_eq!(verdict(200, "<html>Login to the hotspot</html>"), Verdict::Retry);
        assert_eq!(verdict(201, r#"{"ticket":"not-ours","received_at":"a","response_due_at":"b"}"#), Verdict::Retry);
    }

    #[test]
    fn timeouts_conflicts_rate_limits_and_server_errors_are_retried() {
        for s in [408, 409, 425, 429, 500, 502, 503, 504, 599, 302, 100] {
            assert_eq!(verdict(s, r#"{"errors":[{"code":"overloaded"}]}"#), Verdict::Retry, "{s}");
        }
    }

    #[test]
    fn other_4xx_are_rejected_with_the_servers_codes() {
        let body = r#"{"errors":[{"field":"reporter.nik","code":"nik_birth_date"},{"code":"consent_required"}]}"#;
        let Verdict::Reject(r) = verdict(422, body) else { panic!() };
        assert_eq!(r.status, 422);
        assert_eq!(r.problems[0], ErrorItem { field: Some("reporter.nik".into()), code: "nik_birth_date".into() });
        assert_eq!(r.problems[1], ErrorItem { field: None, code: "consent_required".into() });
        for s in [400, 401, 403, 404, 413, 415] {
            assert!(matches!(verdict(s, "garbage"), Verdict::Reject(Rejection { problems, .. }) if problems.is_empty()), "{s}");
        }
    }

    #[test]
    fn retry_after_in_seconds() {
        assert_eq!(parse_retry_after("1"), Some(1_000));
        assert_eq!(parse_retry_after(" 30 "), Some(30_000));
        for bad in ["", "-1", "1.5", "Wed, 21 Oct 2015 07:28:00 GMT", "9999999999"] {
            assert_eq!(parse_retry_after(bad), None, "{bad}");
        }
        assert_eq!(Reply::read(503, Some("2"), "").retry_after_ms, Some(2_000));
    }
}
