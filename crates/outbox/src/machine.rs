//! The delivery state machine: given an entry and what just happened, the next entry and what
//! the caller should do. Pure: time and randomness come in as arguments.

use crate::entry::{Entry, State, WaitReason};
use crate::policy::Policy;
use crate::response::{Reply, ReplyBody, Verdict};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The entry is in local storage: it may now go on the network.
    Saved,
    /// The caller is about to send the request (persist this before the request leaves).
    AttemptStarted,
    /// The server, or something in between, answered.
    Response(Reply),
    /// The connection failed or broke before an answer.
    NetworkError,
    /// No answer within the caller's time limit (the request was aborted).
    Timeout,
    /// The browser's `online` event.
    Online,
    /// The page became visible again.
    Visible,
    /// A timer fired.
    Tick,
    /// Read back from storage after a page load or app start.
    Load,
    /// Older than the retention.
    Expired,
    /// The participant fixed a rejected complaint; it goes again as a new complaint under a new key.
    Amended { body: String, idempotency_key: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Start an attempt now (with [`Event::AttemptStarted`] first).
    SendNow,
    /// Nothing to do before this time.
    WaitUntil(u64),
    /// Nothing to do: in flight, delivered or rejected.
    Nothing,
    /// Delete the entry.
    Remove,
}

/// The action an entry's state implies at `now`. A due time implausibly far ahead (the device
/// clock was moved back) counts as due.
pub fn schedule(entry: &Entry, now: u64, policy: &Policy) -> Action {
    match entry.state {
        State::Saved | State::Waiting { .. } => {
            let furthest = now.saturating_add(policy.cap_ms.max(policy.max_retry_after_ms));
            if entry.next_attempt_at <= now || entry.next_attempt_at > furthest {
                Action::SendNow
            } else {
                Action::WaitUntil(entry.next_attempt_at)
            }
        }
        State::Sending { .. } | State::Delivered(_) | State::Rejected(_) => Action::Nothing,
    }
}

/// Whether the entry is past its retention: receipts are kept longer than undelivered complaints.
pub fn expired(entry: &Entry, now: u64, policy: &Policy) -> bool {
    let keep = match entry.state {
        State::Delivered(_) => policy.receipt_retention_ms,
        _ => policy.retention_ms,
    };
    now.saturating_sub(entry.created_at) >= keep
}

/// One transition. `random` is a fresh uniform number from the caller, used only for jitter.
pub fn step(mut entry: Entry, event: Event, now: u64, random: u32, policy: &Policy) -> (Entry, Action) {
    // Periodic events are where old entries are found.
    let event = match event {
        Event::Tick | Event::Load if expired(&entry, now, policy) => Event::Expired,
        e => e,
    };
    let settled = entry.is_settled();
    match (entry.state.clone(), event) {
        (_, Event::Expired) => return (entry, Action::Remove),

        (State::Rejected(_), Event::Amended { body, idempotency_key }) => {
            entry.body = body;
            entry.idempotency_key = idempotency_key;
            entry.attempts = 0;
            entry.next_attempt_at = now;
            entry.state = State::Saved;
        }

        // A receipt is the truth whenever it comes, even after the attempt was given up on.
        (_, Event::Response(Reply { status: 200..=299, body: ReplyBody::Receipt(receipt), .. })) if !settled => {
            entry.body = String::new();
            entry.state = State::Delivered(receipt);
        }
        (_, _) if settled => {}

        (_, Event::AttemptStarted) => {
            entry.attempts = entry.attempts.saturating_add(1);
            entry.state = State::Sending { since: now };
        }

        (State::Sending { .. }, Event::Response(reply)) => match reply.verdict() {
            Verdict::Reject(rejection) => entry.state = State::Rejected(rejection),
            // (Delivered was matched above.)
            Verdict::Retry | Verdict::Delivered(_) => {
                retry_later(&mut entry, WaitReason::Status(reply.status), reply.retry_after_ms, now, random, policy)
            }
        },
        (State::Sending { .. }, Event::NetworkError) => retry_later(&mut entry, WaitReason::Network, None, now, random, policy),
        (State::Sending { .. }, Event::Timeout) => retry_later(&mut entry, WaitReason::Timeout, None, now, random, policy),
        // The app died mid-request: the server may or may not have the complaint, so the same key goes again.
        (State::Sending { .. }, Event::Load) => {
            entry.state = State::Waiting { reason: WaitReason::Interrupted };
            entry.next_attempt_at = now;
        }
        // The caller lost track of its request: treat it as timed out.
        (State::Sending { since }, Event::Tick) if now.saturating_sub(since) >= policy.stale_sending_ms => {
            entry.state = State::Waiting { reason: WaitReason::Timeout };
            entry.next_attempt_at = now;
        }
        (State::Sending { .. }, _) => {}

        // The connection may be back: no reason to sit out the backoff. A server's own
        // Retry-After is still respected.
        (State::Waiting { reason: WaitReason::Network | WaitReason::Timeout | WaitReason::Interrupted }, Event::Online | Event::Visible) => {
            entry.next_attempt_at = now;
        }

        // Saved/Waiting with Saved, Tick, Load, Visible, Online, or a stale answer to an attempt
        // already given up on: the schedule decides.
        (State::Saved | State::Waiting { .. }, _) => {}
        (State::Delivered(_) | State::Rejected(_), _) => {}
    }
    let action = schedule(&entry, now, policy);
    (entry, action)
}

fn retry_later(entry: &mut Entry, reason: WaitReason, retry_after_ms: Option<u64>, now: u64, random: u32, policy: &Policy) {
    entry.state = State::Waiting { reason };
    entry.next_attempt_at = now.saturating_add(policy.retry_delay(entry.attempts, random, retry_after_ms));
}
