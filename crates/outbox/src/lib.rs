//! Complaint delivery for JMO Self-Help that never loses a complaint and never files one twice.
//!
//! A complaint is saved locally with its idempotency key before any network call; attempts are
//! retried with exponential backoff and full jitter, and on `online`, on the page becoming
//! visible, on load and on a timer, always with the same key so the server keeps one copy.
//! Validation errors (4xx) are not retried; 408/409/429/5xx, network errors and timeouts are.
//! Once delivered, only the ticket, the response due time and the phone's last 4 digits remain.
//!
//! Pure Rust without I/O, clock or randomness: the caller supplies storage ([`Storage`]),
//! transport results ([`Reply`], [`Event`]), the time in milliseconds and random numbers. So the
//! browser widget (wasm) and native tests run the same code.
//!
//! - [`entry`]: the data of one complaint and where it is ([`Progress`]).
//! - [`machine`]: the transitions, `step(entry, event, now, random, policy) -> (entry, action)`.
//! - [`policy`]: backoff and retention.
//! - [`response`]: what an HTTP answer means (delivered / retry / rejected).
//! - [`store`]: the items kept in `localStorage`: their names and text.
//! - [`outbox`]: all entries, persisted after every change, and the plan of what to send.
//!
//! The caller's loop, as the widget runs it (`fetch` with an abort timeout as the transport):
//!
//! ```
//! use jmo_outbox::{Entry, Event, MemoryStorage, Outbox, Policy, Progress, Reply};
//! let (now, random) = (1_790_000_000_000, 12345); // Date.now(), crypto.getRandomValues
//! let (mut outbox, _opened) = Outbox::open(MemoryStorage::default(), Policy::default(), now, random);
//! let body = r#"{"category":"login"}"#; // the serialized ComplaintRequest
//! outbox.add(Entry::new("c1", "5b0e7c1e-3f4a-4c59-9a55-0d6d3a4c2f10", body, "7890", now), now, random).unwrap();
//! for id in outbox.plan(now).send_now {
//!     outbox.apply(&id, Event::AttemptStarted, now, random); // stored before the request leaves
//!     // POST /api/v1/complaints with Idempotency-Key: entry.idempotency_key, body: entry.body
//!     let answer = r#"{"ticket":"JMO-7K3M-9QX2-ABCD-EF01","received_at":"2026-11-24T05:00:00Z","response_due_at":"2026-11-25T05:00:00Z"}"#;
//!     outbox.apply(&id, Event::Response(Reply::read(201, None, answer)), now + 300, random);
//! }
//! assert!(matches!(outbox.get("c1").unwrap().progress(), Progress::Delivered(r) if r.ticket == "JMO-7K3M-9QX2-ABCD-EF01"));
//! // Then: `Event::Online` / `Event::Visible` via `broadcast` on those browser events, and
//! // `broadcast(Event::Tick, …)` when `plan().wake_at` comes.
//! ```

pub mod entry;
pub mod machine;
pub mod outbox;
pub mod policy;
pub mod response;
pub mod store;

pub use entry::{Entry, Progress, Rejection, State, WaitReason};
pub use jmo_contract::{ComplaintReceipt, ErrorItem};
pub use machine::{expired, schedule, step, Action, Event};
pub use outbox::{MemoryStorage, Opened, Outbox, Plan, Storage, StorageError};
pub use policy::Policy;
pub use response::{Reply, ReplyBody, Verdict};
