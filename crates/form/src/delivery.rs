//! The device's outbox ([`jmo_outbox`]) driven in the page: one instance per page, stored in
//! `localStorage` under [`STORAGE_KEY`] (in memory when that is unavailable or throws).
//!
//! A complaint is saved with its idempotency key before anything goes on the network
//! ([`Event::AttemptStarted`] too is stored before each request leaves). Attempts are made at
//! once, then on `online`, when the page becomes visible, on a timer at the plan's wake-up time,
//! on load, and when the participant asks; at most one request per complaint is on its way from
//! this page. Another tab's writes (the `storage` event) are read back without disturbing its
//! requests in flight.
//!
//! Nothing here logs, and the body (personal data) only ever goes into the request body.

use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::rc::Rc;

use jmo_outbox::store;
use jmo_outbox::{Entry, Event, Outbox, Policy, Receipt, Reply, State, Storage, StorageError};
use wasm_bindgen::prelude::*;

use crate::fetch::{self, FetchError};

/// The `localStorage` key of the outbox.
pub const STORAGE_KEY: &str = "jmo.outbox";
/// Where complaints go, on the page's origin (`fetch::endpoint`).
pub const ENDPOINT: &str = "api/v1/complaints";
/// Time for one attempt, answer included.
pub const ATTEMPT_TIMEOUT_MS: u32 = 20_000;

// ---------------------------------------------------------------------------------------------
// Storage

/// [`Storage`] on `localStorage`, falling back to memory when it is missing or throws (webviews
/// with storage disabled, private modes, a full quota). A failed write is reported, so
/// [`Outbox::unsaved`] (and [`unsaved`]) tell the participant the complaint lives only in this page.
pub struct LocalStore {
    local: Option<web_sys::Storage>,
    memory: Option<String>,
    /// While set, writes only go to memory (reading another tab's writes back must not write).
    muted: Cell<bool>,
}

impl LocalStore {
    /// `window.localStorage`, if it can be had.
    pub fn new() -> LocalStore {
        LocalStore::with_storage(local_storage())
    }

    /// On a given `Storage` object (or none: memory only).
    pub fn with_storage(local: Option<web_sys::Storage>) -> LocalStore {
        LocalStore { local, memory: None, muted: Cell::new(false) }
    }

    /// Whether a `localStorage` is attached at all (writes may still fail).
    pub fn has_local(&self) -> bool {
        self.local.is_some()
    }
}

impl Default for LocalStore {
    fn default() -> Self {
        LocalStore::new()
    }
}

impl Storage for LocalStore {
    fn read(&self) -> Option<String> {
        if let Some(local) = &self.local {
            if let Ok(text) = local.get_item(STORAGE_KEY) {
                return text;
            }
        }
        self.memory.clone()
    }

    fn write(&mut self, text: &str) -> Result<(), StorageError> {
        self.memory = Some(text.to_string());
        if self.muted.get() {
            return Ok(());
        }
        match &self.local {
            Some(local) => local.set_item(STORAGE_KEY, text).map_err(|_| StorageError),
            None => Err(StorageError),
        }
    }
}

fn local_storage() -> Option<web_sys::Storage> {
    // The getter itself throws when storage is disabled.
    web_sys::window()?.local_storage().ok().flatten()
}

// ---------------------------------------------------------------------------------------------
// Public API

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
pub fn on_delivered(f: impl Fn(&Receipt) + 'static) {
    with(|d| d.delivered_hook = Some(Rc::new(f)));
}

/// Whether this device holds any complaint (waiting, delivered or rejected), without opening the
/// outbox: reads the storage key (and this page's memory, when storage is unavailable).
pub fn has_stored_complaints() -> bool {
    let stored = local_storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
    if stored.is_some_and(|text| !store::decode(&text).entries.is_empty()) {
        return true;
    }
    with(|d| d.outbox.as_ref().is_some_and(|o| !o.entries().is_empty())).unwrap_or(false)
}

// ---------------------------------------------------------------------------------------------
// The driver

type Listener = Closure<dyn FnMut(web_sys::Event)>;
type DeliveredHook = Rc<dyn Fn(&Receipt)>;

#[derive(Default)]
struct Driver {
    outbox: Option<Outbox<LocalStore>>,
    started: bool,
    /// Ids with a request of this page on its way.
    in_flight: HashSet<String>,
    /// Ids seen undelivered in this page, for [`on_delivered`].
    unsettled: HashSet<String>,
    timer: Option<i32>,
    timer_callback: Option<Closure<dyn FnMut()>>,
    listeners: Vec<Listener>,
    subscribers: Vec<(u64, Rc<dyn Fn()>)>,
    next_subscriber: u64,
    delivered_hook: Option<DeliveredHook>,
}

/// One request to make.
struct Request {
    id: String,
    key: String,
    body: String,
}

thread_local! {
    static DRIVER: RefCell<Driver> = RefCell::new(Driver::default());
}

/// Runs `f` on the driver; `None` if it is busy (never expected: no callback runs while it is
/// borrowed) or gone.
fn with<R>(f: impl FnOnce(&mut Driver) -> R) -> Option<R> {
    DRIVER.try_with(|d| d.try_borrow_mut().ok().map(|mut d| f(&mut d))).ok().flatten()
}

fn ensure_open() {
    with(|d| {
        if d.outbox.is_none() {
            let (outbox, _) = Outbox::open(LocalStore::new(), Policy::default(), now(), random());
            d.outbox = Some(outbox);
            d.note_unsettled();
        }
    });
}

impl Driver {
    /// Starts an attempt: stored as `Sending` before the request leaves.
    fn begin(&mut self, id: &str, now: u64) -> Option<Request> {
        if self.in_flight.contains(id) {
            return None;
        }
        let outbox = self.outbox.as_mut()?;
        outbox.apply(id, Event::AttemptStarted, now, random())?;
        let entry = outbox.get(id)?;
        if !matches!(entry.state, State::Sending { .. }) {
            return None;
        }
        self.in_flight.insert(id.to_string());
        Some(Request { id: id.to_string(), key: entry.idempotency_key.clone(), body: entry.body.clone() })
    }

    fn note_unsettled(&mut self) {
        if let Some(outbox) = &self.outbox {
            self.unsettled.extend(outbox.entries().iter().filter(|e| !e.is_settled()).map(|e| e.id.clone()));
        }
    }

    /// Receipts of entries that became delivered since last seen undelivered.
    fn newly_delivered(&mut self) -> Vec<Receipt> {
        let Some(outbox) = &self.outbox else { return Vec::new() };
        let mut receipts = Vec::new();
        for e in outbox.entries() {
            if let State::Delivered(r) = &e.state {
                if self.unsettled.remove(&e.id) {
                    receipts.push(r.clone());
                }
            }
        }
        self.note_unsettled();
        receipts
    }

    /// One timer, at the plan's wake-up time.
    fn arm_timer(&mut self, wake_at: Option<u64>, now: u64) {
        let Some(window) = web_sys::window() else { return };
        if let Some(handle) = self.timer.take() {
            window.clear_timeout_with_handle(handle);
        }
        let (Some(wake_at), Some(callback)) = (wake_at, &self.timer_callback) else { return };
        // At least 50 ms apart, so a clock oddity cannot spin; setTimeout's range is 2^31-1 ms.
        let delay = wake_at.saturating_sub(now).clamp(50, i32::MAX as u64) as i32;
        self.timer = window
            .set_timeout_with_callback_and_timeout_and_arguments_0(callback.as_ref().unchecked_ref(), delay)
            .ok();
    }
}

/// After every change: start what is due, re-arm the timer, then (outside the driver) announce
/// deliveries and notify subscribers.
fn after_change() {
    let Some((requests, delivered, hook, subscribers)) = with(|d| {
        let now = now();
        let due = d.outbox.as_ref().map(|o| o.plan(now).send_now).unwrap_or_default();
        let requests: Vec<Request> = due.iter().filter_map(|id| d.begin(id, now)).collect();
        // Planned again: the attempts just started add their stale-request wake-up.
        let wake_at = d.outbox.as_ref().and_then(|o| o.plan(now).wake_at);
        d.arm_timer(wake_at, now);
        let subscribers: Vec<Rc<dyn Fn()>> = d.subscribers.iter().map(|(_, f)| f.clone()).collect();
        (requests, d.newly_delivered(), d.delivered_hook.clone(), subscribers)
    }) else {
        return;
    };
    for request in requests {
        wasm_bindgen_futures::spawn_local(attempt(request));
    }
    if let Some(hook) = hook {
        for receipt in &delivered {
            hook(receipt);
        }
    }
    for f in subscribers {
        f();
    }
}

/// One POST of one complaint, and its outcome fed back to the outbox.
async fn attempt(request: Request) {
    let Request { id, key, body } = request;
    let headers = [("Content-Type", "application/json"), ("Idempotency-Key", key.as_str())];
    let options = fetch::Options { timeout_ms: ATTEMPT_TIMEOUT_MS, no_store: true };
    let result = fetch::send("POST", ENDPOINT, &headers, Some(&JsValue::from_str(&body)), options).await;
    drop(body);
    let event = match result {
        Ok(answer) => Event::Response(Reply::read(answer.status, answer.retry_after.as_deref(), &answer.text)),
        Err(FetchError::Timeout) => Event::Timeout,
        Err(FetchError::Network) => Event::NetworkError,
    };
    with(|d| {
        d.in_flight.remove(&id);
        if let Some(outbox) = d.outbox.as_mut() {
            outbox.apply(&id, event, now(), random());
        }
    });
    after_change();
}

fn broadcast(event: Event) {
    with(|d| {
        if let Some(outbox) = d.outbox.as_mut() {
            outbox.broadcast(event, now(), random());
        }
    });
    after_change();
}

/// Another tab wrote the outbox: read it back as it is stored. Its requests in flight stay
/// `Sending` (this page takes them over only if they go stale), ours too, and complaints this
/// page could keep only in memory are kept. Nothing is written while reading back, so two tabs
/// cannot answer each other's writes forever.
fn reopen() {
    with(|d| {
        let Some(old) = d.outbox.take() else { return };
        let was_unsaved = old.unsaved();
        let ours: Vec<Entry> = old.entries().to_vec();
        drop(old);
        let (now, store) = (now(), LocalStore::new());
        store.muted.set(true);
        let stored = store.read().map(|t| store::decode(&t).entries).unwrap_or_default();
        let (mut fresh, _) = Outbox::open(store, Policy::default(), now, random());
        // `open` takes every `Sending` entry for one cut off by a dead page; here they are not.
        let in_flight_elsewhere = stored.into_iter().filter(|e| matches!(e.state, State::Sending { .. }));
        let in_flight_here = ours.iter().filter(|e| d.in_flight.contains(&e.id) && !e.is_settled()).cloned();
        for e in in_flight_elsewhere.chain(in_flight_here) {
            if fresh.get(&e.id).is_some_and(|f| !f.is_settled()) {
                let _ = fresh.add(e, now, random());
            }
        }
        fresh.storage().muted.set(false);
        if was_unsaved {
            for e in ours.into_iter().filter(|e| !e.is_settled()) {
                if fresh.get(&e.id).is_none() {
                    let _ = fresh.add(e, now, random());
                }
            }
        }
        d.outbox = Some(fresh);
        d.note_unsettled();
    });
    after_change();
}

fn listen() {
    let Some(window) = web_sys::window() else { return };
    let mut listeners: Vec<(web_sys::EventTarget, &str, Listener)> = Vec::new();

    listeners.push((window.clone().into(), "online", Closure::new(|_: web_sys::Event| broadcast(Event::Online))));
    if let Some(document) = window.document() {
        let doc = document.clone();
        let on_visible = Closure::new(move |_: web_sys::Event| {
            if doc.visibility_state() == web_sys::VisibilityState::Visible {
                broadcast(Event::Visible);
            }
        });
        listeners.push((document.into(), "visibilitychange", on_visible));
    }
    // Fired in this page when another tab changes localStorage (`key` is null on `clear()`).
    let on_storage = Closure::new(|e: web_sys::Event| {
        let key = js_sys::Reflect::get(&e, &"key".into()).unwrap_or(JsValue::NULL);
        if key.is_null() || key.as_string().as_deref() == Some(STORAGE_KEY) {
            reopen();
        }
    });
    listeners.push((window.clone().into(), "storage", on_storage));

    let on_timer: Closure<dyn FnMut()> = Closure::new(|| {
        with(|d| d.timer = None);
        broadcast(Event::Tick);
    });

    with(move |d| {
        for (target, name, listener) in listeners {
            if target.add_event_listener_with_callback(name, listener.as_ref().unchecked_ref()).is_ok() {
                d.listeners.push(listener);
            }
        }
        d.timer_callback = Some(on_timer);
    });
}

// ---------------------------------------------------------------------------------------------
// Clock and randomness

fn now() -> u64 {
    js_sys::Date::now() as u64
}

/// Fills `buf` from `crypto.getRandomValues`, or from `Math.random` only if that is missing.
fn random_bytes(buf: &mut [u8]) {
    let crypto = web_sys::window().and_then(|w| w.crypto().ok());
    if crypto.is_none_or(|c| c.get_random_values_with_u8_array(buf).is_err()) {
        for b in buf.iter_mut() {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
}

fn random() -> u32 {
    let mut b = [0u8; 4];
    random_bytes(&mut b);
    u32::from_le_bytes(b)
}

/// A random (version 4) UUID, lower case.
pub fn uuid_v4() -> String {
    let mut b = [0u8; 16];
    random_bytes(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(HEX[(byte >> 4) as usize] as char);
        out.push(HEX[(byte & 15) as usize] as char);
    }
    out
}
