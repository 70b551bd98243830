//! The outbox driven in the page, without a server: saved before sending, the same idempotency
//! key on every attempt, retried on `online` and on the timer, delivered once, rejected without
//! retrying, another tab's writes read back; plus storage fallback, the fetch time limit, path
//! resolution and the lookups. (One page for all tests: each forgets its own complaints.)

#![cfg(target_arch = "wasm32")]

mod support;

use std::cell::RefCell;
use std::rc::Rc;

use jmo_form::{api, delivery, fetch};
use jmo_outbox::{store, Entry, Outbox, Policy, State, Storage, WaitReason};
use support::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const BODY: &str = r#"{"category":"login","reporter":{"name":"Siti Aminah","nik":"3201015705900001","phone":"0812-3456-7890"}}"#;

fn stored_entry(id: &str) -> Option<Entry> {
    read_item(&store::key(id)).and_then(|t| store::decode(&t))
}

fn state(id: &str) -> Option<State> {
    delivery::entry(id).map(|e| e.state)
}

#[wasm_bindgen_test]
async fn without_a_server_the_complaint_waits_in_local_storage_and_keeps_its_key() {
    // Every request fails like a dead connection.
    fake_fetch("refuse");
    delivery::start();
    let notified = Rc::new(RefCell::new(0));
    let n = notified.clone();
    let subscription = delivery::subscribe(move || *n.borrow_mut() += 1);
    let delivered = Rc::new(RefCell::new(Vec::new()));
    let d = delivered.clone();
    delivery::on_delivered(move |r| d.borrow_mut().push(r.ticket.clone()));

    let id = delivery::submit(BODY.into(), "7890".into()).expect("saved in localStorage");
    assert!(delivery::has_stored_complaints());
    // Stored before the request left: the key, the body, an attempt on its way.
    let first = stored_entry(&id).expect("in localStorage under jmo.outbox.<id>");
    let key = first.idempotency_key.clone();
    assert!(is_uuid_v4(&key), "{key}");
    assert_ne!(key, id);
    assert_eq!(first.body, BODY);
    assert_eq!(first.phone_last4, "7890");
    assert_eq!(first.attempts, 1);
    assert!(matches!(first.state, State::Sending { .. }), "{:?}", first.state);

    assert!(until(10_000, || matches!(state(&id), Some(State::Waiting { .. }))).await, "{:?}", state(&id));
    let waiting = stored_entry(&id).unwrap();
    assert_eq!(waiting.state, State::Waiting { reason: WaitReason::Network });
    assert_eq!((waiting.idempotency_key.as_str(), waiting.body.as_str(), waiting.attempts), (key.as_str(), BODY, 1));
    assert!(*notified.borrow() >= 2, "subscribers told of each change");
    assert!(!delivery::unsaved());

    // "Try again now": the same key and body, to the origin's endpoint.
    clear_calls();
    delivery::retry_now(&id);
    assert!(until(5_000, || delivery::entry(&id).is_some_and(|e| e.attempts == 2 && !matches!(e.state, State::Sending { .. }))).await);
    let call = calls().pop().expect("a request");
    let origin = web_sys::window().unwrap().location().origin().unwrap();
    assert_eq!(call.url, format!("{origin}/api/v1/complaints"));
    assert_eq!(call.method.as_deref(), Some("POST"));
    assert_eq!(call.key.as_deref(), Some(key.as_str()));
    assert_eq!(call.content_type.as_deref(), Some("application/json"));
    assert_eq!(call.body.as_deref(), Some(BODY));
    assert!(call.has_signal, "an abortable request");
    assert_eq!(stored_entry(&id).unwrap().idempotency_key, key);

    // The connection comes back: sent at once, same key.
    fire("online");
    assert!(until(5_000, || calls().len() == 2).await, "sent on `online`");
    assert!(calls().iter().all(|c| c.key.as_deref() == Some(key.as_str())));
    assert!(until(5_000, || matches!(state(&id), Some(State::Waiting { .. }))).await);

    // The server answers: delivered once, personal data gone from storage.
    set_mode("201");
    fire("online");
    assert!(until(5_000, || matches!(state(&id), Some(State::Delivered(_)))).await, "{:?}", state(&id));
    let kept = read_item(&store::key(&id)).unwrap();
    for personal in ["Siti", "3201015705900001", "0812-3456", "reporter"] {
        assert!(!kept.contains(personal), "{personal} still stored");
    }
    let receipt = stored_entry(&id).unwrap();
    assert_eq!(receipt.phone_last4, "7890");
    assert!(matches!(&receipt.state, State::Delivered(r) if r.ticket == "JMO-7K3M-9QX2-ABCD-EF01"));
    assert_eq!(*delivered.borrow(), vec!["JMO-7K3M-9QX2-ABCD-EF01".to_string()]);

    // Nothing more is sent, and the hook does not fire again.
    let sent = calls().len();
    fire("online");
    delivery::retry_now(&id);
    sleep(200).await;
    assert_eq!(calls().len(), sent);
    assert_eq!(delivered.borrow().len(), 1);

    // The participant deletes the receipt.
    delivery::forget(&id);
    assert!(delivery::entry(&id).is_none());
    assert!(stored_entry(&id).is_none());
    assert_eq!(read_item(&store::key(&id)), None);

    drop(subscription);
    let before = *notified.borrow();
    fire("online");
    sleep(50).await;
    assert_eq!(*notified.borrow(), before, "unsubscribed");
    restore_fetch();
}

#[wasm_bindgen_test]
async fn a_rejected_complaint_is_not_retried() {
    fake_fetch("422");
    clear_calls();
    delivery::start();
    let id = delivery::submit(BODY.into(), "7890".into()).unwrap();
    assert!(until(5_000, || matches!(state(&id), Some(State::Rejected(_)))).await, "{:?}", state(&id));
    let Some(State::Rejected(r)) = state(&id) else { unreachable!() };
    assert_eq!(r.status, 422);
    assert_eq!((r.problems[0].field.as_deref(), r.problems[0].code.as_str()), (Some("reporter.nik"), "nik_birth_date"));
    fire("online");
    sleep(100).await;
    assert_eq!(calls().len(), 1);
    // Kept (with its body) until the participant fixes or discards it.
    assert_eq!(stored_entry(&id).unwrap().body, BODY);
    delivery::forget(&id);
    assert!(stored_entry(&id).is_none());
    restore_fetch();
}

#[wasm_bindgen_test]
async fn a_busy_server_is_retried_by_the_timer_after_its_retry_after() {
    fake_fetch("503");
    clear_calls();
    delivery::start();
    let id = delivery::submit(BODY.into(), "1234".into()).unwrap();
    assert!(until(5_000, || matches!(state(&id), Some(State::Waiting { .. }))).await);
    let waiting = delivery::entry(&id).unwrap();
    assert_eq!(waiting.state, State::Waiting { reason: WaitReason::Status(503) });
    assert!(waiting.next_attempt_at >= waiting.created_at + 1_000, "Retry-After: 1 respected");
    set_mode("201");
    // No event: the timer set at the plan's wake-up time sends it.
    assert!(until(5_000, || matches!(state(&id), Some(State::Delivered(_)))).await, "{:?}", state(&id));
    let keys: Vec<_> = calls().into_iter().map(|c| c.key).collect();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0], keys[1]);
    delivery::forget(&id);
    restore_fetch();
}

#[wasm_bindgen_test]
async fn another_tabs_complaints_are_read_back_without_taking_over_its_requests() {
    fake_fetch("201");
    clear_calls();
    delivery::start();
    let now = js_sys::Date::now() as u64;
    let mut theirs = Entry::new("other-tab-1", "6f1c2a8e-0d7b-4c1e-9f3a-2b5d8e7c9a10", BODY, "5555", now);
    theirs.attempts = 1;
    theirs.state = State::Sending { since: now };
    let key = store::key(&theirs.id);
    write_item(&key, &store::encode(&theirs));
    let notified = Rc::new(RefCell::new(0));
    let n = notified.clone();
    let _subscription = delivery::subscribe(move || *n.borrow_mut() += 1);
    fire_storage(Some(&key));
    assert!(*notified.borrow() >= 1);
    let seen = delivery::entry("other-tab-1").expect("read back");
    assert!(matches!(seen.state, State::Sending { .. }), "still the other tab's: {:?}", seen.state);
    sleep(200).await;
    assert!(calls().is_empty(), "not sent twice: {:?}", calls());
    assert_eq!(stored_entry("other-tab-1").unwrap().state, seen.state, "nothing rewritten");

    // The other tab got its receipt.
    theirs.state = State::Delivered(jmo_contract::ComplaintReceipt {
        ticket: "JMO-0000-1111-2222-3333".into(),
        received_at: "2026-11-24T05:00:00Z".into(),
        response_due_at: "2026-11-25T05:00:00Z".into(),
    });
    theirs.body.clear();
    write_item(&key, &store::encode(&theirs));
    fire_storage(None);
    assert!(matches!(state("other-tab-1"), Some(State::Delivered(_))));

    // The other tab removes it from the device: gone here too, and not written back.
    remove_item(&key);
    fire_storage(Some(&key));
    assert_eq!(state("other-tab-1"), None);
    fire("online");
    sleep(100).await;
    assert!(stored_entry("other-tab-1").is_none());
    restore_fetch();
}

#[wasm_bindgen_test]
fn local_store_falls_back_to_memory_when_storage_throws() {
    for mut s in [delivery::LocalStore::with_storage(Some(throwing_storage())), delivery::LocalStore::with_storage(None)] {
        assert_eq!(s.get("jmo.outbox.a"), None);
        assert!(s.set("jmo.outbox.a", "E\ta").is_err(), "the failure is reported");
        assert_eq!(s.get("jmo.outbox.a").as_deref(), Some("E\ta"), "kept in memory");
        assert_eq!(s.keys(), ["jmo.outbox.a"]);
        assert!(s.holds_complaints());
        s.remove("jmo.outbox.a");
        assert!(s.keys().is_empty());
    }
    let store = delivery::LocalStore::with_storage(Some(throwing_storage()));
    let (mut outbox, _) = Outbox::open(store, Policy::default(), 1_000, 7);
    assert!(outbox.add(Entry::new("a", "k", "{}", "1234", 1_000), 1_000, 7).is_err());
    assert!(outbox.unsaved());
    assert_eq!(outbox.entries().len(), 1, "still there, in memory");

    let mut real = delivery::LocalStore::new();
    assert!(real.has_local());
    assert!(real.set("jmo.outbox.test-real", "E\tx").is_ok());
    assert_eq!(read_item("jmo.outbox.test-real").as_deref(), Some("E\tx"));
    assert!(real.keys().contains(&"jmo.outbox.test-real".to_string()));
    remove_item("jmo.outbox.test-real");
    assert_eq!(real.get("jmo.outbox.test-real"), None, "removed by another tab: gone, not read from memory");
    real.remove("jmo.outbox.test-real");
}

#[wasm_bindgen_test]
async fn fetch_gives_up_after_its_time_limit_and_aborts() {
    fake_fetch("hang");
    clear_calls();
    let options = fetch::Options { timeout_ms: 200, no_store: true };
    let started = js_sys::Date::now();
    let result = fetch::send("GET", "api/v1/status", &[], None, options).await;
    assert_eq!(result, Err(fetch::FetchError::Timeout));
    assert!(js_sys::Date::now() - started < 2_000.0);
    assert_eq!(aborted_count(), 1, "the request was aborted");
    assert_eq!(calls()[0].cache.as_deref(), Some("no-store"));
    restore_fetch();
}

#[wasm_bindgen_test]
fn endpoints_are_on_the_page_origin_whatever_the_page() {
    // A `<base>` or a page two segments deep (`/login/escalate_login`) must not move the API.
    set_base("https://example.org/help/jmo/");
    let origin = web_sys::window().unwrap().location().origin().unwrap();
    assert_eq!(fetch::endpoint("api/v1/complaints"), Some(format!("{origin}/api/v1/complaints")));
    remove_base();
    assert_eq!(fetch::endpoint("api/v1/status"), Some(format!("{origin}/api/v1/status")));
}

#[wasm_bindgen_test]
async fn status_lookups_and_disruptions() {
    fake_fetch("status");
    clear_calls();
    let status = api::ticket_status(" jmo-7k3m-9qx2-abcd-ef0l ", "7890").await.expect("found");
    assert_eq!(status.ticket, "JMO-7K3M-9QX2-ABCD-EF01");
    let call = &calls()[0];
    // The ticket and the digits travel in the body, never in the URL.
    assert!(call.url.ends_with("/api/v1/complaints/lookup"), "{}", call.url);
    assert_eq!(call.method.as_deref(), Some("POST"));
    assert_eq!(call.content_type.as_deref(), Some("application/json"));
    let body: serde_json::Value = serde_json::from_str(call.body.as_deref().unwrap_or("")).expect("a JSON body");
    assert_eq!(body, serde_json::json!({ "ticket": "JMO-7K3M-9QX2-ABCD-EF01", "phone_last4": "7890" }));
    assert_eq!(call.cache.as_deref(), Some("no-store"));

    // What cannot be a ticket, or more than 4 digits, is never sent.
    clear_calls();
    assert_eq!(api::ticket_status("3201015705900001", "7890").await, Err(api::LookupError::NotFound));
    assert_eq!(api::ticket_status("JMO-7K3M-9QX2-ABCD-EF01", "081234567890").await, Err(api::LookupError::Other("invalid_format".into())));
    assert!(calls().is_empty());

    for (mode, expected) in [
        ("404", api::LookupError::NotFound),
        ("429", api::LookupError::RateLimited),
        ("refuse", api::LookupError::Network),
        ("503", api::LookupError::Other("overloaded".into())),
        ("portal", api::LookupError::Other("unexpected_answer".into())),
    ] {
        set_mode(mode);
        assert_eq!(api::ticket_status("JMO-7K3M-9QX2-ABCD-EF01", "7890").await, Err(expected), "{mode}");
    }

    set_mode("disruptions");
    let list = api::disruptions().await.expect("disruptions");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].family, jmo_contract::Category::Login);
    set_mode("refuse");
    assert_eq!(api::disruptions().await, Err(()));
    restore_fetch();
}

#[wasm_bindgen_test]
fn uuids_are_version_4_and_distinct() {
    let a = delivery::uuid_v4();
    let b = delivery::uuid_v4();
    assert!(is_uuid_v4(&a) && is_uuid_v4(&b), "{a} {b}");
    assert_ne!(a, b);
}

fn is_uuid_v4(s: &str) -> bool {
    let b = s.as_bytes();
    s.len() == 36
        && [8, 13, 18, 23].iter().all(|&i| b[i] == b'-')
        && b[14] == b'4'
        && matches!(b[19], b'8' | b'9' | b'a' | b'b')
        && s.bytes().enumerate().all(|(i, c)| [8, 13, 18, 23].contains(&i) || c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
}
