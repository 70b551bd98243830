//! The page's one outbox: opened on first use, listening to `online`, `visibilitychange` and
//! `storage`, with one timer at the plan's wake-up time and the requests it starts.

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;

use jmo_contract::ComplaintReceipt;
use jmo_outbox::{store, Event, Outbox, Policy, Reply, State};
use wasm_bindgen::prelude::*;

use super::random::{now, random};
use super::{LocalStore, ATTEMPT_TIMEOUT_MS, ENDPOINT};
use crate::fetch::{self, FetchError};

type Listener = Closure<dyn FnMut(web_sys::Event)>;
type DeliveredHook = Rc<dyn Fn(&ComplaintReceipt)>;

#[derive(Default)]
pub(super) struct Driver {
    pub(super) outbox: Option<Outbox<LocalStore>>,
    pub(super) started: bool,
    /// Ids with a request of this page on its way.
    in_flight: HashSet<String>,
    /// Ids seen undelivered in this page, for [`on_delivered`].
    pub(super) unsettled: HashSet<String>,
    timer: Option<i32>,
    timer_callback: Option<Closure<dyn FnMut()>>,
    listeners: Vec<Listener>,
    pub(super) subscribers: Vec<(u64, Rc<dyn Fn()>)>,
    pub(super) next_subscriber: u64,
    pub(super) delivered_hook: Option<DeliveredHook>,
}

/// One request to make.
pub(super) struct Request {
    id: String,
    key: String,
    body: String,
}

thread_local! {
    static DRIVER: RefCell<Driver> = RefCell::new(Driver::default());
}

/// Runs `f` on the driver; `None` if it is busy (never expected: no callback runs while it is
/// borrowed) or gone.
pub(super) fn with<R>(f: impl FnOnce(&mut Driver) -> R) -> Option<R> {
    DRIVER.try_with(|d| d.try_borrow_mut().ok().map(|mut d| f(&mut d))).ok().flatten()
}

pub(super) fn ensure_open() {
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
    pub(super) fn begin(&mut self, id: &str, now: u64) -> Option<Request> {
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
    fn newly_delivered(&mut self) -> Vec<ComplaintReceipt> {
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
pub(super) fn after_change() {
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
pub(super) async fn attempt(request: Request) {
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

/// Another tab wrote the outbox: read it back as it is stored, keeping this page's requests on
/// their way and the complaints it could keep only in memory. Nothing is written while reading
/// back, so two tabs cannot answer each other's writes forever.
fn reopen() {
    with(|d| {
        if let Some(outbox) = d.outbox.as_mut() {
            outbox.reload(now());
        }
        d.note_unsettled();
    });
    after_change();
}

pub(super) fn listen() {
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
        let key = key.as_string();
        if key.as_deref().is_none_or(|k| store::id_of(k).is_some() || k == store::LEGACY_KEY) {
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
