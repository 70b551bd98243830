//! The outbox as the widget uses it: saved before sending, surviving reloads, forgetting, and
//! living with damaged or failing storage.

use std::collections::BTreeMap;

use jmo_outbox::store::{self, LEGACY_HEADER, LEGACY_KEY};
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
    let stored = all_text(outbox.storage());
    for personal in ["Siti", "3201015705900001", "description"] {
        assert!(!stored.contains(personal), "{personal} still stored: {stored}");
    }
    for kept in ["JMO-7K3M-9QX2-ABCD-EF01", "2026-11-25T05:00:00Z", "7890"] {
        assert!(stored.contains(kept), "{kept} missing: {stored}");
    }
    assert!(outbox.forget("c1"));
    assert!(outbox.storage().items.is_empty(), "nothing left on the device");
    assert!(!outbox.forget("c1"));
}

#[test]
fn old_entries_expire_on_open() {
    let outbox = with_one_complaint();
    let (reopened, opened) = Outbox::open(outbox.storage().clone(), Policy::default(), NOW + 7 * DAY, 1);
    assert_eq!((opened.entries, opened.expired), (0, 1));
    assert!(reopened.entries().is_empty());
    assert!(!all_text(reopened.storage()).contains("key-1"), "the expired complaint is deleted from storage");
}

#[test]
fn a_damaged_item_is_removed_and_reported_the_rest_kept() {
    let mut outbox = with_one_complaint();
    outbox.add(Entry::new("c2", "key-2", "body two", "1234", NOW), NOW, 2).unwrap();
    let mut storage = outbox.storage().clone();
    let item = storage.items.get_mut(&store::key("c1")).unwrap();
    *item = item.replacen("key-1", "kex-1", 1);
    storage.items.insert(store::key("c3"), "E\tc3\tcut off by a full di".into());
    let (reopened, opened) = Outbox::open(storage, Policy::default(), NOW, 1);
    assert_eq!((opened.entries, opened.damaged, opened.unreadable), (1, 2, false));
    assert_eq!(reopened.entries()[0].id, "c2");
    assert_eq!(reopened.storage().keys(), [store::key("c2")], "the damaged items are removed");
}

#[test]
fn an_old_single_item_that_is_not_an_outbox_is_reported_and_removed() {
    for junk in ["{\"some\":\"json\"}", "jmo-outbox 2\nE\tfuture", "\u{0}\u{ffff}"] {
        let (outbox, opened) = Outbox::open(legacy(junk), Policy::default(), NOW, 1);
        assert!(opened.unreadable && outbox.entries().is_empty(), "{junk:?}");
        assert!(outbox.storage().items.is_empty(), "{junk:?}");
    }
    let (_, opened) = Outbox::open(legacy(""), Policy::default(), NOW, 1);
    assert_eq!(opened, Default::default(), "an empty store is not damage");
    let (_, opened) = Outbox::open(MemoryStorage::default(), Policy::default(), NOW, 1);
    assert_eq!(opened, Default::default());
}

#[test]
fn complaints_kept_by_an_earlier_version_move_into_items_of_their_own() {
    let waiting = with_one_complaint().get("c1").unwrap().clone();
    let mut delivered = Entry::new("c2", "key-2", "", "1234", NOW);
    delivered.state = State::Delivered(jmo_outbox::ComplaintReceipt {
        ticket: "JMO-7K3M-9QX2-ABCD-EF01".into(),
        received_at: "2026-11-24T05:00:00Z".into(),
        response_due_at: "2026-11-25T05:00:00Z".into(),
    });
    let old = format!("{LEGACY_HEADER}\n{}\n{}\nE\tdamaged\n", store::encode(&waiting), store::encode(&delivered));
    let (outbox, opened) = Outbox::open(legacy(&old), Policy::default(), NOW, 1);
    assert_eq!((opened.entries, opened.damaged), (2, 1));
    assert_eq!(outbox.storage().keys(), [store::key("c1"), store::key("c2")], "the old item is gone");
    assert_eq!(outbox.get("c1").unwrap().body, BODY);
    assert_eq!(outbox.plan(NOW).send_now, ["c1"], "still sent with its key");
    assert!(matches!(&outbox.get("c2").unwrap().state, State::Delivered(r) if r.ticket == "JMO-7K3M-9QX2-ABCD-EF01"));
}

#[test]
fn the_widget_tells_that_complaints_are_kept_from_the_item_names() {
    let outbox = with_one_complaint();
    let storage = outbox.storage();
    let held = |s: &MemoryStorage| store::holds_complaints(&s.keys().join("\n"));
    assert!(held(storage));
    assert!(!held(&MemoryStorage::default()));
    let mut other = MemoryStorage::default();
    other.items.insert("jmo.lang".into(), "en".into());
    assert!(!held(&other), "other items of the widget are not complaints");
    assert!(held(&legacy(&format!("{LEGACY_HEADER}\n{}\n", store::encode(outbox.get("c1").unwrap())))));
    let emptied = legacy(&format!("{LEGACY_HEADER}\n"));
    assert!(held(&emptied), "an old outbox counts until the form has moved it");
    let (moved, _) = Outbox::open(emptied, Policy::default(), NOW, 1);
    assert!(!held(moved.storage()), "and once it has, an emptied one holds none");
    assert!(!store::holds_complaints("jmo.outbox.\nx.jmo.outbox.1\njmo.lang"), "only names of complaints count");
    assert!(store::holds_complaints("jmo.lang\njmo.outbox.5b0e"));
}

fn legacy(text: &str) -> MemoryStorage {
    MemoryStorage { items: BTreeMap::from([(LEGACY_KEY.to_string(), text.to_string())]) }
}

fn all_text(storage: &MemoryStorage) -> String {
    storage.items.iter().map(|(k, v)| format!("{k}={v}\n")).collect()
}

struct FullStorage;

impl Storage for FullStorage {
    fn keys(&self) -> Vec<String> {
        Vec::new()
    }

    fn get(&self, _: &str) -> Option<String> {
        None
    }

    fn set(&mut self, _: &str, _: &str) -> Result<(), StorageError> {
        Err(StorageError)
    }

    fn remove(&mut self, _: &str) {}
}

#[test]
fn full_storage_is_reported_and_the_complaint_is_still_sent_from_memory() {
    let (mut outbox, _) = Outbox::open(FullStorage, Policy::default(), NOW, 1);
    assert_eq!(outbox.add(Entry::new("c1", "key-1", BODY, "7890", NOW), NOW, 1), Err(StorageError));
    assert!(outbox.unsaved());
    assert_eq!(outbox.plan(NOW).send_now, vec!["c1".to_string()]);
    outbox.apply("c1", Event::AttemptStarted, NOW, 1);
    outbox.apply("c1", Event::NetworkError, NOW, 1);
    assert!(outbox.get("c1").is_some(), "a complaint never stored is not taken for one removed elsewhere");
    assert!(outbox.unsaved());
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
fn each_complaint_is_one_plain_line_in_an_item_of_its_own() {
    let mut outbox = with_one_complaint();
    outbox.apply("c1", Event::AttemptStarted, NOW, 1);
    assert_eq!(outbox.storage().keys(), ["jmo.outbox.c1"]);
    let line = outbox.storage().get("jmo.outbox.c1").unwrap();
    assert_eq!(line.lines().count(), 1, "newlines and tabs in the body are escaped");
    assert!(line.starts_with("E\tc1\tkey-1\t1790000000000\t1\t1790000000000\t7890\t{"), "{line}");
    assert!(line.contains(r#"\n\t"description":"a\\\\b"}"#), "{line}");
}

/// One `localStorage` seen by two tabs.
#[derive(Clone, Default)]
struct SharedStorage(std::rc::Rc<std::cell::RefCell<MemoryStorage>>);

impl Storage for SharedStorage {
    fn keys(&self) -> Vec<String> {
        self.0.borrow().keys()
    }

    fn get(&self, key: &str) -> Option<String> {
        self.0.borrow().get(key)
    }

    fn set(&mut self, key: &str, text: &str) -> Result<(), StorageError> {
        self.0.borrow_mut().set(key, text)
    }

    fn remove(&mut self, key: &str) {
        self.0.borrow_mut().remove(key)
    }
}

#[test]
fn two_tabs_writing_the_same_storage_lose_nothing() {
    let shared = SharedStorage::default();
    let (mut tab_a, _) = Outbox::open(shared.clone(), Policy::default(), NOW, 1);
    let (mut tab_b, _) = Outbox::open(shared.clone(), Policy::default(), NOW, 2);
    tab_a.add(Entry::new("a1", "key-a", BODY, "1111", NOW), NOW, 1).unwrap();
    // Tab B never read a1, and writes its own complaint over the same storage.
    tab_b.add(Entry::new("b1", "key-b", BODY, "2222", NOW + 1), NOW + 1, 2).unwrap();
    tab_b.apply("b1", Event::AttemptStarted, NOW, 2);
    tab_b.apply("b1", Event::Response(Reply::read(201, None, RECEIPT)), NOW, 2);
    tab_a.apply("a1", Event::AttemptStarted, NOW, 1);
    tab_a.broadcast(Event::Tick, NOW, 1);
    let (reopened, _) = Outbox::open(shared.clone(), Policy::default(), NOW, 3);
    let ids: Vec<&str> = reopened.entries().iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["a1", "b1"]);
    assert!(matches!(reopened.get("b1").unwrap().state, State::Delivered(_)), "tab A kept tab B's receipt");
    tab_a.reload(NOW);
    assert!(matches!(tab_a.get("b1").unwrap().state, State::Delivered(_)), "tab A reads tab B's complaint back");
    assert!(matches!(tab_a.get("a1").unwrap().state, State::Sending { .. }), "and keeps its own request in flight");
}

#[test]
fn what_one_tab_removes_the_other_does_not_bring_back() {
    let shared = SharedStorage::default();
    let (mut tab_a, _) = Outbox::open(shared.clone(), Policy::default(), NOW, 1);
    tab_a.add(Entry::new("a1", "key-a", BODY, "1111", NOW), NOW, 1).unwrap();
    tab_a.apply("a1", Event::AttemptStarted, NOW, 1);
    let (mut tab_b, _) = Outbox::open(shared.clone(), Policy::default(), NOW + 10, 2);
    tab_b.apply("a1", Event::AttemptStarted, NOW + 10, 2);
    // Tab A's request comes back delivered; the participant removes the receipt there at once.
    tab_a.apply("a1", Event::Response(Reply::read(201, None, RECEIPT)), NOW + 20, 1);
    assert!(tab_a.forget("a1"));
    // Tab B's attempt (same key: the server answers with the same ticket) and its timer.
    assert_eq!(tab_b.apply("a1", Event::Response(Reply::read(201, None, RECEIPT)), NOW + 30, 2), None);
    tab_b.broadcast(Event::Tick, NOW + 40, 2);
    assert!(tab_b.get("a1").is_none(), "tab B lets it go");
    assert!(shared.keys().is_empty(), "and nothing of it is written back: {:?}", shared.keys());
}

#[test]
fn a_receipt_one_tab_got_is_not_overwritten_by_the_others_retry() {
    let shared = SharedStorage::default();
    let (mut tab_a, _) = Outbox::open(shared.clone(), Policy::default(), NOW, 1);
    tab_a.add(Entry::new("a1", "key-a", BODY, "1111", NOW), NOW, 1).unwrap();
    tab_a.apply("a1", Event::AttemptStarted, NOW, 1);
    tab_a.apply("a1", Event::NetworkError, NOW, 1);
    let (mut tab_b, _) = Outbox::open(shared.clone(), Policy::default(), NOW + 10, 2);
    tab_b.apply("a1", Event::AttemptStarted, NOW + 10, 2);
    tab_b.apply("a1", Event::Response(Reply::read(201, None, RECEIPT)), NOW + 20, 2);
    // Tab A has not heard yet; its timer fires and it starts another attempt.
    assert_eq!(tab_a.broadcast(Event::Tick, NOW + 60_000, 1).send_now, ["a1"]);
    tab_a.apply("a1", Event::AttemptStarted, NOW + 60_000, 1);
    assert!(matches!(tab_a.get("a1").unwrap().state, State::Delivered(_)), "tab A takes the receipt instead of sending");
    assert!(tab_a.plan(NOW + 60_000).send_now.is_empty());
    let stored = store::decode(&shared.get(&store::key("a1")).unwrap()).unwrap();
    assert!(matches!(stored.state, State::Delivered(_)));
}

#[test]
fn reading_the_other_tab_back_never_undoes_a_receipt_nor_sends_what_it_is_sending() {
    let shared = SharedStorage::default();
    let (mut tab_a, _) = Outbox::open(shared.clone(), Policy::default(), NOW, 1);
    let (mut tab_b, _) = Outbox::open(shared.clone(), Policy::default(), NOW, 2);
    tab_a.add(Entry::new("a1", "key-a", BODY, "1111", NOW), NOW, 1).unwrap();
    // Tab B hears of a1 while tab A is about to send it: B does not send it too.
    tab_b.reload(NOW);
    assert!(tab_b.plan(NOW).send_now.is_empty(), "tab B sends tab A's new complaint");
    tab_a.apply("a1", Event::AttemptStarted, NOW, 1);
    tab_a.apply("a1", Event::Response(Reply::read(201, None, RECEIPT)), NOW + 50, 1);
    // Tab B writes its own complaint; tab A reads it back and still shows its receipt.
    tab_b.add(Entry::new("b1", "key-b", BODY, "2222", NOW + 60), NOW + 60, 2).unwrap();
    tab_a.reload(NOW + 60);
    assert!(matches!(tab_a.get("a1").unwrap().state, State::Delivered(_)));
    assert!(tab_a.plan(NOW + 60).send_now.is_empty(), "tab A leaves b1 to tab B");
    // Had tab A died before sending, tab B would have sent a1 once the attempt went stale.
    let stale = NOW + Policy::default().stale_sending_ms;
    let mut orphan = Entry::new("c1", "key-c", BODY, "3333", NOW);
    orphan.state = State::Saved;
    let mut storage = shared.clone();
    storage.set(&store::key("c1"), &store::encode(&orphan)).unwrap();
    tab_b.reload(NOW);
    assert!(tab_b.broadcast(Event::Tick, stale, 2).send_now.contains(&"c1".to_string()));
}
