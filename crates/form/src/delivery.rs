//! The device's outbox ([`jmo_outbox`]) driven in the page: one instance per page, each complaint
//! in a `localStorage` item of its own ([`jmo_outbox::store`]; in memory when that is unavailable
//! or throws), so that two tabs never overwrite each other's.
//!
//! A complaint is saved with its idempotency key before anything goes on the network
//! ([`jmo_outbox::Event::AttemptStarted`] too is stored before each request leaves). Attempts are made at
//! once, then on `online`, when the page becomes visible, on a timer at the plan's wake-up time,
//! on load, and when the participant asks; at most one request per complaint is on its way from
//! this page. Another tab's writes (the `storage` event) are read back without disturbing its
//! requests in flight.
//!
//! - [`local_store`]: `localStorage` as the outbox's [`jmo_outbox::Storage`].
//! - `driver`: the one outbox of the page, its listeners, timer and requests.
//! - `random`: the clock, random numbers and ids.
//!
//! Nothing here logs, and the body (personal data) only ever goes into the request body.

mod driver;
pub mod local_store;
mod random;

use std::rc::Rc;

use jmo_contract::ComplaintReceipt;
use jmo_outbox::{Entry, State};

use driver::{after_change, attempt, ensure_open, listen, with};
pub use local_store::LocalStore;
use random::{now, random};
pub use random::uuid_v4;

/// Where complaints go, on the page's origin (`fetch::endpoint`).
pub const ENDPOINT: &str = "api/v1/complaints";
/// Time for one attempt, answer included.
pub const ATTEMPT_TIMEOUT_MS: u32 = 20_000;

/// [`submit`] could keep the complaint only in this page's memory (storage unavailable or full):
/// it is still being sent while the page stays open, under this id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotSaved {
    pub id: String,
}

/// Keeps a [`subscribe`] callback registered; dropping it unsubscribes.
#[must_use = "dropping the Subscription unsubscribes at once"]
#[derive(Debug)]
pub struct Subscription {
    id: u64,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let id = self.id;
        with(|d| d.subscribers.retain(|(i, _)| *i != id));
    }
}

/// Opens the outbox (requests cut off by the page's death become due again), listens to
/// `online`, `visibilitychange` and `storage`, sends what is due and sets the timer. Later calls
/// do nothing.
pub fn start() {
    ensure_open();
    let first = with(|d| !std::mem::replace(&mut d.started, true)).unwrap_or(false);
    if first {
        listen();
        after_change();
    }
}

/// Saves a new complaint (`body`: the serialized `ComplaintRequest`) under a new id and
/// idempotency key, then sends it at once. `Err(NotSaved)` when it could only be kept in memory:
/// it is still sent while the page is open.
pub fn submit(body: String, phone_last4: String) -> Result<String, NotSaved> {
    start();
    let id = uuid_v4();
    let key = uuid_v4();
    let now = now();
    let saved = with(|d| {
        let outbox = d.outbox.as_mut()?;
        let saved = outbox.add(Entry::new(&id, &key, &body, &phone_last4, now), now, random()).is_ok();
        d.unsettled.insert(id.clone());
        Some(saved)
    })
    .flatten();
    after_change();
    match saved {
        Some(true) => Ok(id),
        _ => Err(NotSaved { id }),
    }
}

/// Every complaint on this device (waiting, delivered, rejected), oldest first.
pub fn entries() -> Vec<Entry> {
    ensure_open();
    with(|d| d.outbox.as_ref().map(|o| o.entries().to_vec())).flatten().unwrap_or_default()
}

/// One complaint by id.
pub fn entry(id: &str) -> Option<Entry> {
    ensure_open();
    with(|d| d.outbox.as_ref().and_then(|o| o.get(id).cloned())).flatten()
}

/// The last write to storage failed: some of [`entries`] exist only in this page.
pub fn unsaved() -> bool {
    with(|d| d.outbox.as_ref().is_some_and(|o| o.unsaved())).unwrap_or(false)
}

/// The participant pressed "try again now": sends at once if the complaint is saved or waiting
/// (even within a server's `Retry-After`) and not already on its way.
pub fn retry_now(id: &str) {
    ensure_open();
    let send = with(|d| {
        let due = d.outbox.as_ref()?.get(id).is_some_and(|e| matches!(e.state, State::Saved | State::Waiting { .. }));
        if due {
            d.begin(id, now())
        } else {
            None
        }
    })
    .flatten();
    if let Some(request) = send {
        wasm_bindgen_futures::spawn_local(attempt(request));
    }
    after_change();
}

/// Deletes a complaint from this device: after delivery its ticket, due time and last 4 digits;
/// or a rejected complaint the participant discards. (A request already on its way still arrives.)
pub fn forget(id: &str) {
    ensure_open();
    with(|d| {
        if let Some(outbox) = d.outbox.as_mut() {
            outbox.forget(id);
        }
        d.unsettled.remove(id);
    });
    after_change();
}

/// Calls `f` after every change of the entries (also those read from another tab) until the
/// returned [`Subscription`] is dropped. `f` may call the functions of this module.
pub fn subscribe(f: impl Fn() + 'static) -> Subscription {
    let id = with(|d| {
        d.next_subscriber += 1;
        d.subscribers.push((d.next_subscriber, Rc::new(f)));
        d.next_subscriber
    })
    .unwrap_or(0);
    Subscription { id }
}

/// Calls `f` once for each complaint that becomes delivered while this page is open (by this
/// page's request or another tab's). Replaces an earlier hook.
pub fn on_delivered(f: impl Fn(&ComplaintReceipt) + 'static) {
    with(|d| d.delivered_hook = Some(Rc::new(f)));
}

/// Whether this device holds any complaint (waiting, delivered or rejected), without opening the
/// outbox: by the names of the stored items (and this page's memory, when storage is unavailable).
pub fn has_stored_complaints() -> bool {
    LocalStore::new().holds_complaints() || with(|d| d.outbox.as_ref().is_some_and(|o| !o.entries().is_empty())).unwrap_or(false)
}
