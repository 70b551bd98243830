//! Property tests: backoff bounds, the stored text's round trip and damage, the state machine's
//! invariants over random event sequences, and answers that are not what the server sends.

use std::collections::BTreeMap;

use jmo_outbox::store::{decode, decode_legacy, encode, key, LEGACY_HEADER, LEGACY_KEY};
use jmo_outbox::{step, Action, Entry, Event, MemoryStorage, Outbox, Policy, ErrorItem, ComplaintReceipt, Rejection, Reply, State, WaitReason};
use proptest::prelude::*;

fn policy_strategy() -> impl Strategy<Value = Policy> {
    (1u64..1_000_000, 0u64..10_000_000_000, 0u64..100_000_000).prop_map(|(base, extra, max_ra)| Policy {
        base_ms: base,
        cap_ms: base + extra,
        max_retry_after_ms: max_ra,
        ..Policy::default()
    })
}

// Any text, weighted towards the characters the format must escape.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![".*", "[a-z\\\\\t\n\r\"{}:, ]{0,40}"]
}

fn state_strategy() -> impl Strategy<Value = State> {
    prop_oneof![
        Just(State::Saved),
        any::<u64>().prop_map(|since| State::Sending { since }),
        prop_oneof![
            Just(WaitReason::Network),
            Just(WaitReason::Timeout),
            Just(WaitReason::Interrupted),
            (100u16..600).prop_map(WaitReason::Status)
        ]
        .prop_map(|reason| State::Waiting { reason }),
        ("[^\\\\]+", text(), text()).prop_map(|(ticket, received_at, response_due_at)| State::Delivered(ComplaintReceipt {
            ticket,
            received_at,
            response_due_at
        })),
        (400u16..500, prop::collection::vec((prop::option::of("[^\\\\]+"), text()), 0..4)).prop_map(|(status, p)| {
            State::Rejected(Rejection { status, problems: p.into_iter().map(|(field, code)| ErrorItem { field, code }).collect() })
        }),
    ]
}

fn entry_strategy() -> impl Strategy<Value = Entry> {
    ("[^\\\\]+", ".+", text(), "[0-9]{0,4}", any::<u64>(), any::<u32>(), any::<u64>(), state_strategy()).prop_map(
        |(id, key, body, last4, created_at, attempts, next_attempt_at, state)| Entry {
            id,
            idempotency_key: key,
            body,
            phone_last4: last4,
            created_at,
            attempts,
            next_attempt_at,
            state,
        },
    )
}

fn entries_strategy() -> impl Strategy<Value = Vec<Entry>> {
    prop::collection::vec(entry_strategy(), 0..5).prop_map(|mut v| {
        for (i, e) in v.iter_mut().enumerate() {
            e.id = format!("{i}-{}", e.id);
        }
        v
    })
}

fn event_strategy() -> impl Strategy<Value = Event> {
    let reply = (prop_oneof![Just(201u16), Just(200), Just(409), Just(422), Just(429), Just(503), 100u16..600], prop::option::of("[0-9]{1,4}"), prop_oneof![
        Just(r#"{"ticket":"JMO-7K3M-9QX2-ABCD-EF01","received_at":"2026-11-24T05:00:00Z","response_due_at":"2026-11-25T05:00:00Z"}"#.to_string()),
        Just(r#"{"errors":[{"field":"reporter.nik","code":"nik_format"}]}"#.to_string()),
        ".*",
    ])
        .prop_map(|(status, ra, body)| Event::Response(Reply::read(status, ra.as_deref(), &body)));
    prop_oneof![
        Just(Event::Saved),
        Just(Event::AttemptStarted),
        Just(Event::AttemptStarted),
        reply,
        Just(Event::NetworkError),
        Just(Event::Timeout),
        Just(Event::Online),
        Just(Event::Visible),
        Just(Event::Tick),
        Just(Event::Load),
    ]
}

proptest! {
    #[test]
    fn backoff_stays_within_full_jitter_bounds(p in policy_strategy(), attempts in 0u32..200, random: u32, ra in prop::option::of(0u64..10_000_000_000)) {
        let ceiling = p.ceiling(attempts);
        prop_assert!(ceiling <= p.cap_ms);
        prop_assert!(ceiling >= p.base_ms.min(p.cap_ms));
        prop_assert!(p.ceiling(attempts + 1) >= ceiling, "never shrinks");
        if attempts > 0 && attempts < 40 {
            prop_assert_eq!(ceiling, (p.base_ms << (attempts - 1)).min(p.cap_ms));
        }
        let delay = p.retry_delay(attempts, random, None);
        prop_assert!(delay <= ceiling);
        let floor = ra.map_or(0, |r| r.min(p.max_retry_after_ms));
        let honoured = p.retry_delay(attempts, random, ra);
        prop_assert!(honoured >= floor && honoured <= ceiling.max(floor));
    }

    #[test]
    fn jitter_spans_zero_to_the_ceiling(p in policy_strategy(), attempts in 0u32..64) {
        prop_assert_eq!(p.retry_delay(attempts, 0, None), 0);
        let ceiling = p.ceiling(attempts);
        if ceiling < u32::MAX as u64 {
            prop_assert_eq!(p.retry_delay(attempts, u32::MAX, None), ceiling);
        }
    }

    #[test]
    fn the_store_round_trips(entries in entries_strategy()) {
        for e in &entries {
            prop_assert_eq!(decode(&encode(e)), Some(e.clone()));
        }
        let loaded = decode_legacy(&legacy(&entries));
        prop_assert_eq!(loaded.damaged, 0);
        prop_assert!(!loaded.unreadable);
        prop_assert_eq!(loaded.entries, entries);
    }

    #[test]
    fn a_cut_off_item_is_never_read(entries in entries_strategy(), cut in any::<prop::sample::Index>()) {
        for e in &entries {
            let text = encode(e);
            let mut at = cut.index(text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            prop_assert_eq!(decode(&text[..at]), None);
        }
        let text = legacy(&entries);
        let mut at = cut.index(text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let loaded = decode_legacy(&text[..at]);
        prop_assert!(loaded.entries.len() + loaded.damaged <= entries.len());
        prop_assert_eq!(&loaded.entries[..], &entries[..loaded.entries.len()], "a prefix of what was written");
    }

    #[test]
    fn a_damaged_item_never_yields_an_entry_that_was_not_written(
        entries in entries_strategy(), at in any::<prop::sample::Index>(), junk in ".{0,3}", remove in 0usize..4,
    ) {
        let text = legacy(&entries);
        let mut i = at.index(text.len() + 1);
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        let mut j = (i + remove).min(text.len());
        while !text.is_char_boundary(j) {
            j += 1;
        }
        let damaged = format!("{}{}{}", &text[..i], junk, &text[j..]);
        let from_lines = decode_legacy(&damaged).entries.into_iter();
        let from_items = damaged.split('\n').filter_map(decode);
        for e in from_lines.chain(from_items) {
            prop_assert!(entries.contains(&e), "invented {:?}", e);
        }
    }

    #[test]
    fn any_text_opens_without_panic(text in ".*", lines in prop::collection::vec(".*", 0..4)) {
        let joined = format!("jmo-outbox 1\n{}", lines.join("\n"));
        for t in [text, joined] {
            let loaded = decode_legacy(&t);
            prop_assert!(loaded.entries.is_empty() || !loaded.unreadable);
            let items = BTreeMap::from([(LEGACY_KEY.to_string(), t.clone()), (key("x"), t)]);
            let (outbox, opened) = Outbox::open(MemoryStorage { items }, Policy::default(), 1, 1);
            prop_assert!(outbox.entries().len() <= 4);
            prop_assert!(opened.damaged >= 1, "the item x cannot hold what an item x would");
        }
    }

    #[test]
    fn any_answer_is_read_without_panic(status: u16, retry_after in prop::option::of(".*"), body in ".*") {
        let reply = Reply::read(status, retry_after.as_deref(), &body);
        let _ = reply.verdict();
    }

    /// Over any sequence of events: the key never changes, the body is gone exactly when
    /// delivered, delivered stays delivered, a complaint is only rejected by a 4xx answer to an
    /// attempt, and the attempts are counted.
    #[test]
    fn the_machine_keeps_its_promises(events in prop::collection::vec((event_strategy(), 0u64..100_000, any::<u32>()), 0..40)) {
        let policy = Policy::default();
        let mut now = 1_790_000_000_000u64;
        let mut e = Entry::new("c1", "key-1", "{\"personal\":true}", "7890", now);
        let mut started = 0u32;
        for (event, dt, random) in events {
            now += dt;
            let before = e.clone();
            if event == Event::AttemptStarted && !before.is_settled() {
                started += 1;
            }
            let (after, action) = step(before.clone(), event.clone(), now, random, &policy);
            prop_assert_ne!(action, Action::Remove, "nothing expires within a few hours");
            prop_assert_eq!(&after.idempotency_key, "key-1");
            prop_assert_eq!(after.body.is_empty(), matches!(after.state, State::Delivered(_)));
            if matches!(before.state, State::Delivered(_)) {
                prop_assert_eq!(&after, &before);
            }
            if matches!(after.state, State::Rejected(_)) && !matches!(before.state, State::Rejected(_)) {
                let is_4xx = matches!(&event, Event::Response(r) if (400..500).contains(&r.status));
                let was_sending = matches!(before.state, State::Sending { .. });
                prop_assert!(was_sending && is_4xx, "rejected by {:?}", event);
            }
            if let State::Waiting { .. } = after.state {
                prop_assert!(after.next_attempt_at <= now + policy.cap_ms.max(policy.max_retry_after_ms));
            }
            if action == Action::SendNow {
                let may_send = matches!(after.state, State::Saved | State::Waiting { .. });
                prop_assert!(may_send, "send now while {:?}", after.state);
            }
            e = after;
        }
        prop_assert_eq!(e.attempts, started);
    }
}

/// Earlier versions' single item holding these entries.
fn legacy(entries: &[Entry]) -> String {
    entries.iter().fold(format!("{LEGACY_HEADER}\n"), |text, e| text + &encode(e) + "\n")
}
