//! One complaint in the outbox, as plain data: what was saved, how far delivery got, and what the
//! participant should see. The server's answers are the contract's types.

use jmo_contract::{ComplaintReceipt, ErrorItem};

/// A complaint waiting for, or done with, delivery. Times are milliseconds of the caller's clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The caller's local id (the idempotency key itself will do).
    pub id: String,
    /// Sent with every attempt, so the server stores the complaint once however often it is retried.
    pub idempotency_key: String,
    /// The request body exactly as sent, opaque to the outbox. Emptied once delivered.
    pub body: String,
    /// Kept after delivery: with the ticket it unlocks the status lookup.
    pub phone_last4: String,
    pub created_at: u64,
    /// Attempts started so far.
    pub attempts: u32,
    /// When the next attempt is due (meaningful while `Saved` or `Waiting`).
    pub next_attempt_at: u64,
    pub state: State,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    /// In local storage, no attempt yet.
    Saved,
    /// A request is (or was, if the app died) on its way.
    Sending { since: u64 },
    /// The last attempt failed in a way worth retrying; the next one is at `next_attempt_at`.
    Waiting { reason: WaitReason },
    Delivered(ComplaintReceipt),
    /// The server refused the complaint as it is; retrying the same body cannot help.
    Rejected(Rejection),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitReason {
    /// No connection, or it broke before an answer.
    Network,
    /// No answer within the caller's time limit.
    Timeout,
    /// The app stopped while a request was on its way.
    Interrupted,
    /// The server (or something in between) answered with this status: 408, 409, 429, 5xx…
    Status(u16),
}

#[derive(Debug, Clone, PartialEq, Eq)]
/// The server refused the complaint: its status and the errors of its body.
pub struct Rejection {
    pub status: u16,
    pub problems: Vec<ErrorItem>,
}

/// Where the complaint is, in the participant's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress<'a> {
    Sending,
    WaitingForConnection { next_attempt_at: u64 },
    WaitingForServer { next_attempt_at: u64 },
    Delivered(&'a ComplaintReceipt),
    Rejected(&'a Rejection),
}

impl Entry {
    /// A complaint just written by the participant: due at once, not yet saved.
    pub fn new(id: &str, idempotency_key: &str, body: &str, phone_last4: &str, now: u64) -> Entry {
        Entry {
            id: id.to_string(),
            idempotency_key: idempotency_key.to_string(),
            body: body.to_string(),
            phone_last4: phone_last4.to_string(),
            created_at: now,
            attempts: 0,
            next_attempt_at: now,
            state: State::Saved,
        }
    }

    pub fn progress(&self) -> Progress<'_> {
        match &self.state {
            State::Saved | State::Sending { .. } => Progress::Sending,
            State::Waiting { reason: WaitReason::Network | WaitReason::Timeout } => {
                Progress::WaitingForConnection { next_attempt_at: self.next_attempt_at }
            }
            State::Waiting { reason: WaitReason::Interrupted } => Progress::Sending,
            State::Waiting { reason: WaitReason::Status(_) } => Progress::WaitingForServer { next_attempt_at: self.next_attempt_at },
            State::Delivered(r) => Progress::Delivered(r),
            State::Rejected(r) => Progress::Rejected(r),
        }
    }

    /// Delivered or rejected: no more attempts.
    pub fn is_settled(&self) -> bool {
        matches!(self.state, State::Delivered(_) | State::Rejected(_))
    }
}
