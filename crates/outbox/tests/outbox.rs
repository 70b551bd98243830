//! The outbox as the widget uses it: saved before sending, surviving reloads, forgetting, and
//! living with damaged or failing storage.

use jmo_outbox::store::{self, HEADER};
use jmo_outbox::{Action, Entry, Event, MemoryStorage, Outbox, Policy, Reply, State, Storage, StorageError, WaitReason};

const NOW: u64 = 1_790_000_000_000;
const DAY: u64 = 86_400_000;
const BODY: &str = "{\"reporter\":{\"name\":\"Siti Aminah\",\"nik\":\"3201015705900001\"},\n\t\"description\":\"a\\\\b\"}";
const RECEIPT: &str =
    r#"{"ticket":"JMO-7K3M-9QX2-ABCD-EF01","received_at":"2026-11-24T05:00:00Z","response_due_at":"2026-11-25T05:00:00Z"}"#;

fn open(storage: MemoryStorage, now: u64) -> Outbox<MemoryStorage> {
    Outbox::open(storage, Policy::default(), now, 7).0
}

fn with_one_complaint() -> Outbox<MemoryStorage> {
    let mut outbox = open(MemoryStorage::default(), NOW);
    let action = outbox.add(Entry::new("c1", "key-1", BODY, "7890", NOW), NOW, 1).unwrap();
    assert_eq!(action, Action::SendNow);
    outbox
}

fn reload(outbox: &Outbox<MemoryStorage>, now: u64) -> Outbox<MemoryStorage> {
    open(outbox.storage().clone(), now)
}

#[test]
fn the_complaint_and_its_key_are_stored_before_it_may_be_sent() {
    let outbox = with_one_complaint();
    let stored = reload(&outbox, NOW);
    assert_eq!(stored.entries(), outbox.entries());
    assert_eq!(stored.get("c1").unwrap().idempotency_key, "key-1");
    assert_eq!(stored.get("c1").unwrap().body, BODY);
    assert_eq!(outbox.plan(NOW).send_now, vec!["c1".to_string()]);
}

#[test]
fn a_reload_mid_request_sends_again_with_the_same_key() {
    let mut outbox = with_one_complaint();
    outbox.apply("c1", Event::AttemptStarted, NOW, 1);
    // The page is closed before the answer arrives.
    let (reopened, opened) = Outbox::open(outbox.storage().clone(), Policy::default(), NOW + 60_000, 3);
    assert_eq!(opened.entries, 1);
    let e = reopened.get("c1").unwrap();
    assert_eq!((&e.state, e.idempotency_key.as_str(), e.attempts), (&State::Waiting { reason: WaitReason::Interrupted }, "key-1", 1));
    assert_eq!(reopened.plan(NOW + 60_000).send_now, vec!["c1".to_string()]);
}

#[test]
fn a_failed_attempt_waits_and_the_wait_survives_a_reload() {
    let mut outbox = with_one_complaint();
    outbox.apply("c1", Event::AttemptStarted, NOW, 1);
    let action = outbox.apply("c1", Event::NetworkError, NOW + 100, u32::MAX).unwrap();
    assert_eq!(action, Action::WaitUntil(NOW + 100 + 1_000));
    let reopened = reload(&outbox, NOW + 200);
    assert_eq!(reopened.plan(NOW + 200).wake_at, Some(NOW + 1_100));
    assert!(reopened.plan(NOW + 200).send_now.is_empty());
    assert_eq!(reopened.plan(NOW + 1_100).send_now, vec!["c1".to_string()]);
}

#[test]
fn online_retries_every_complaint_waiting_for_the_connection() {
    let mut outbox = with_one_complaint();
    outbox.add(Entry::new("c2", "key-2", BODY, "1234", NOW), NOW, 2).unwrap();
    for id in ["c1", "c2"] {
        outbox.apply(id, Event::AttemptStarted, NOW, 1);
        outbox.apply(id, Event::Timeout, NOW, u32::MAX);
    }
    assert!(outbox.plan(NOW + 10).send_now.is_empty());
    let plan = outbox.broadcast(Event::Online, NOW + 10, 5);
    assert_eq!(plan.send_now, vec!["c1".to_string(), "c2".to_string()]);
}

#[test]
fn after_delivery_only_ticket_due_time_and_last_digits_remain_and_forget_removes_them() {
    let mut outbox = with_one_complaint();
    outbox.apply("c1", Event::AttemptStarted, NOW, 1);
    outbox.apply("c1", Event::Response(Reply::read(201, None, RECEIPT)), NOW + 50, 1);
    let stored = outbox.storage().text.clone().unwrap();
    for personal in ["Siti", "3201015705900001", "description"] {
        assert!(!stored.contains(personal), "{personal} still stored: {stored}");
    }
    for kept in ["JMO-7K3M-9QX2-ABCD-EF01", "2026-11-25T05:00:00Z", "7890"] {
        assert!(stored.contains(kept), "{kept} missing: {stored}");
    }
    assert!(outbox.forget("c1"));
    assert_eq!(outbox.storage().text.as_deref(), Some(format!("{HEADER}\n").as_str()));
    assert!(!outbox.forget("c1"));
}

#[test]
fn old_entries_expire_on_open() {
    let outbox = with_one_complaint();
    let (reopened, opened) = Outbox::open(outbox.storage().clone(), Policy::default(), NOW + 7 * DAY, 1);
    assert_eq!((opened.entries, opened.expired), (0, 1));
    assert!(reopened.entries().is_empty());
    assert!(!reopened.storage().text.as_deref().unwrap().contains("key-1"), "the expired complaint is deleted from storage");
}

#[test]
fn a_damaged_line_is_dropped_and_reported_the_rest_kept() {
    let mut outbox = with_one_complaint();
    outbox.add(Entry::new("c2", "key-2", "body two", "1234", NOW), NOW, 2).unwrap();
    let text = outbox.storage().text.clone().unwrap();
    let damaged = text.replacen("key-1", "kex-1", 1);
    let (reopened, opened) = Outbox::open(MemoryStorage { text: Some(damaged) }, Policy::default(), NOW, 1);
    assert_eq!((opened.entries, opened.damaged, opened.unreadable), (1, 1, false));
    assert_eq!(reopened.entries()[0].id, "c2");
    assert_eq!(store::decode(reopened.storage().text.as_deref().unwrap()).damaged, 0, "rewritten clean");
}

#[test]
fn text_that_is_not_an_outbox_is_reported_and_replaced() {
    for junk in ["{\"some\":\"json\"}", "jmo-outbox 2\nE\tfuture", "\u{0}\u{ffff}"] {
        let (outbox, opened) = Outbox::open(MemoryStorage { text: Some(junk.into()) }, Policy::default(), NOW, 1);
        assert!(opened.unreadable && outbox.entries().is_empty(), "{junk:?}");
    }
    let (_, opened) = Outbox::open(MemoryStorage { text: Some(String::new()) }, Policy::default(), NOW, 1);
    assert_eq!(opened, Default::default(), "an empty store is not damage");
}

struct FullStorage;

impl Storage for FullStorage {
    fn read(&self) -> Option<String> {
        None
    }

    fn write(&mut self, _: &str) -> Result<(), StorageError> {
        Err(StorageError)
    }
}

#[test]
fn full_storage_is_reported_and_the_complaint_is_still_sent_from_memory() {
    let (mut outbox, _) = Outbox::open(FullStorage, Policy::default(), NOW, 1);
    assert_eq!(outbox.add(Entry::new("c1", "key-1", BODY, "7890", NOW), NOW, 1), Err(StorageError));
    assert!(outbox.unsaved());
    assert_eq!(outbox.plan(NOW).send_now, vec!["c1".to_string()]);
}

#[test]
fn a_request_that_never_comes_back_is_retried_after_the_stale_limit() {
    let mut outbox = with_one_complaint();
    outbox.apply("c1", Event::AttemptStarted, NOW, 1);
    let stale = NOW + Policy::default().stale_sending_ms;
    assert_eq!(outbox.plan(NOW).wake_at, Some(stale), "the timer is set to notice it");
    assert_eq!(outbox.broadcast(Event::Tick, stale, 1).send_now, vec!["c1".to_string()]);
}

#[test]
fn the_stored_text_is_plain_lines() {
    let mut outbox = with_one_complaint();
    outbox.apply("c1", Event::AttemptStarted, NOW, 1);
    let text = outbox.storage().text.clone().unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], HEADER);
    assert_eq!(lines.len(), 2, "newlines and tabs in the body are escaped");
    assert!(lines[1].starts_with("E\tc1\tkey-1\t1790000000000\t1\t1790000000000\t7890\t{"), "{}", lines[1]);
    assert!(lines[1].contains(r#"\n\t"description":"a\\\\b"}"#), "{}", lines[1]);
}

/// One `localStorage` seen by two tabs.
#[derive(Clone, Default)]
struct SharedStorage(std::rc::Rc<std::cell::RefCell<Option<String>>>);

impl Storage for SharedStorage {
    fn read(&self) -> Option<String> {
        self.0.borrow().clone()
    }

    fn write(&mut self, text: &str) -> Result<(), StorageError> {
        *self.0.borrow_mut() = Some(text.to_string());
        Ok(())
    }
}

#[test]
fn two_tabs_writing_the_same_storage_lose_nothing() {
    let shared = SharedStorage::default();
    let (mut tab_a, _) = Outbox::open(shared.clone(), Policy::default(), NOW, 1);
    let (mut tab_b, _) = Outbox::open(shared.clone(), Policy::default(), NOW, 2);
    tab_a.add(Entry::new("a1", "key-a", BODY, "1111", NOW), NOW, 1).unwrap();
    // Tab B never read a1, and writes its own complaint over the same storage.
    tab_b.add(Entry::new("b1", "key-b", BODY, "2222", NOW), NOW, 2).unwrap();
    tab_b.apply("b1", Event::AttemptStarted, NOW, 2);
    tab_b.apply("b1", Event::Response(Reply::read(201, None, RECEIPT)), NOW, 2);
    tab_a.apply("a1", Event::AttemptStarted, NOW, 1);
    let (reopened, _) = Outbox::open(shared.clone(), Policy::default(), NOW, 3);
    let ids: Vec<&str> = reopened.entries().iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["a1", "b1"]);
    assert!(matches!(reopened.get("b1").unwrap().state, State::Delivered(_)), "tab A kept tab B's receipt");
    // What a tab deletes stays deleted when it merges the other's entries.
    tab_b.forget("b1");
    tab_b.broadcast(Event::Tick, NOW, 2);
    assert!(Outbox::open(shared, Policy::default(), NOW, 3).0.get("b1").is_none());
}
