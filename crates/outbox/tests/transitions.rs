//! Every transition of the delivery state machine, node by node: "given an entry in this state,
//! when this happens, it ends in that state and the caller is told to do that".

use jmo_outbox::{step, Action, Entry, Event, Policy, ErrorItem, Progress, ComplaintReceipt, Rejection, Reply, State, WaitReason};

const NOW: u64 = 1_790_000_000_000;
const BODY: &str = r#"{"reporter":{"name":"Siti Aminah","nik":"3201015705900001","phone":"0812-3456-7890"}}"#;
const KEY: &str = "5b0e7c1e-3f4a-4c59-9a55-0d6d3a4c2f10";
const RECEIPT: &str =
    r#"{"ticket":"JMO-7K3M-9QX2-ABCD-EF01","received_at":"2026-11-24T05:00:00Z","response_due_at":"2026-11-25T05:00:00Z"}"#;
const DAY: u64 = 86_400_000;
const HALF: u32 = u32::MAX / 2;

fn policy() -> Policy {
    Policy { base_ms: 1_000, cap_ms: 60_000, ..Policy::default() }
}

/// An entry written a minute ago, tried twice, next attempt due in 5 s.
fn given(state: State) -> Entry {
    Entry { attempts: 2, next_attempt_at: NOW + 5_000, state, ..Entry::new("c1", KEY, BODY, "7890", NOW - 60_000) }
}

fn sending() -> State {
    State::Sending { since: NOW - 300 }
}

fn waiting(reason: WaitReason) -> State {
    State::Waiting { reason }
}

fn delivered() -> State {
    State::Delivered(ComplaintReceipt {
        ticket: "JMO-7K3M-9QX2-ABCD-EF01".into(),
        received_at: "2026-11-24T05:00:00Z".into(),
        response_due_at: "2026-11-25T05:00:00Z".into(),
    })
}

fn rejected() -> State {
    State::Rejected(Rejection { status: 422, problems: vec![ErrorItem { field: Some("reporter.nik".into()), code: "nik_birth_date".into() }] })
}

fn when(entry: Entry, event: Event) -> (Entry, Action) {
    step(entry, event, NOW, HALF, &policy())
}

fn answer(status: u16, retry_after: Option<&str>, body: &str) -> Event {
    Event::Response(Reply::read(status, retry_after, body))
}

fn all_events() -> Vec<Event> {
    vec![
        Event::Saved,
        Event::AttemptStarted,
        answer(201, None, RECEIPT),
        answer(503, Some("1"), ""),
        answer(422, None, r#"{"errors":[{"code":"x"}]}"#),
        Event::NetworkError,
        Event::Timeout,
        Event::Online,
        Event::Visible,
        Event::Tick,
        Event::Load,
    ]
}

// --- Saved -------------------------------------------------------------------------------------

#[test]
fn a_new_complaint_is_due_at_once_and_saving_it_means_send_now() {
    let e = Entry::new("c1", KEY, BODY, "7890", NOW);
    assert_eq!(e.state, State::Saved);
    assert_eq!(e.progress(), Progress::Sending);
    let (after, action) = when(e.clone(), Event::Saved);
    assert_eq!((after, action), (e, Action::SendNow));
}

#[test]
fn saved_and_attempt_started_is_sending_with_one_more_attempt() {
    let (e, action) = when(given(State::Saved), Event::AttemptStarted);
    assert_eq!(e.state, State::Sending { since: NOW });
    assert_eq!(e.attempts, 3);
    assert_eq!(action, Action::Nothing);
}

#[test]
fn saved_and_load_tick_online_or_visible_sends_once_due() {
    for event in [Event::Load, Event::Tick, Event::Online, Event::Visible] {
        let due = Entry { next_attempt_at: NOW, ..given(State::Saved) };
        assert_eq!(when(due.clone(), event.clone()), (due, Action::SendNow), "{event:?}");
    }
}

#[test]
fn saved_ignores_failures_of_no_attempt() {
    for event in [Event::NetworkError, Event::Timeout, answer(503, None, ""), answer(422, None, "")] {
        let (e, action) = when(given(State::Saved), event.clone());
        assert_eq!(e, given(State::Saved), "{event:?}");
        assert_eq!(action, Action::WaitUntil(NOW + 5_000));
    }
}

// --- Sending -----------------------------------------------------------------------------------

#[test]
fn sending_and_201_is_delivered_and_the_personal_data_is_gone() {
    let (e, action) = when(given(sending()), answer(201, None, RECEIPT));
    assert_eq!(e.state, delivered());
    assert_eq!(e.body, "", "name, NIK, phone… are dropped");
    assert_eq!(e.phone_last4, "7890", "the last 4 digits stay for the status lookup");
    assert_eq!(action, Action::Nothing);
    let Progress::Delivered(r) = e.progress() else { panic!() };
    assert_eq!((r.ticket.as_str(), r.response_due_at.as_str()), ("JMO-7K3M-9QX2-ABCD-EF01", "2026-11-25T05:00:00Z"));
}

#[test]
fn sending_and_422_is_rejected_with_the_codes_and_the_body_kept_for_fixing() {
    let body = r#"{"errors":[{"field":"reporter.nik","code":"nik_birth_date"}]}"#;
    let (e, action) = when(given(sending()), answer(422, None, body));
    assert_eq!(e.state, rejected());
    assert_eq!(e.body, BODY);
    assert_eq!(action, Action::Nothing, "a validation error is not retried");
    assert!(matches!(e.progress(), Progress::Rejected(r) if r.problems[0].code == "nik_birth_date"));
}

#[test]
fn sending_and_other_4xx_are_rejected() {
    for status in [400, 401, 403, 404, 405, 410, 413, 415] {
        let (e, action) = when(given(sending()), answer(status, None, "nope"));
        assert_eq!(e.state, State::Rejected(Rejection { status, problems: vec![] }), "{status}");
        assert_eq!(action, Action::Nothing);
    }
}

#[test]
fn sending_and_408_409_429_5xx_wait_and_retry_with_the_same_key() {
    for status in [408, 409, 429, 500, 502, 503, 504] {
        let (e, action) = when(given(sending()), answer(status, None, r#"{"errors":[{"code":"overloaded"}]}"#));
        assert_eq!(e.state, waiting(WaitReason::Status(status)), "{status}");
        assert_eq!(e.idempotency_key, KEY);
        assert_eq!(e.body, BODY);
        // The second attempt failed: full jitter up to base · 2 = 2 s, of which HALF picks 1 s.
        assert_eq!(e.next_attempt_at, NOW + 1_000);
        assert_eq!(action, Action::WaitUntil(NOW + 1_000));
        assert!(matches!(e.progress(), Progress::WaitingForServer { next_attempt_at } if next_attempt_at == NOW + 1_000));
    }
}

#[test]
fn sending_and_retry_after_is_honoured() {
    let (e, action) = when(given(sending()), answer(503, Some("30"), ""));
    assert_eq!(e.next_attempt_at, NOW + 30_000);
    assert_eq!(action, Action::WaitUntil(NOW + 30_000));
    let (e, _) = when(given(sending()), answer(429, Some("999999"), ""));
    assert_eq!(e.next_attempt_at, NOW + policy().max_retry_after_ms, "a huge Retry-After is capped");
}

#[test]
fn sending_and_a_2xx_that_is_not_a_receipt_is_retried() {
    let (e, _) = when(given(sending()), answer(200, None, "<html>Wi-Fi login</html>"));
    assert_eq!(e.state, waiting(WaitReason::Status(200)));
}

#[test]
fn sending_and_network_error_waits_for_the_connection() {
    let (e, action) = when(given(sending()), Event::NetworkError);
    assert_eq!(e.state, waiting(WaitReason::Network));
    assert_eq!(action, Action::WaitUntil(NOW + 1_000));
    assert!(matches!(e.progress(), Progress::WaitingForConnection { .. }));
}

#[test]
fn sending_and_timeout_waits_too() {
    let (e, action) = when(given(sending()), Event::Timeout);
    assert_eq!(e.state, waiting(WaitReason::Timeout));
    assert_eq!(action, Action::WaitUntil(NOW + 1_000));
}

#[test]
fn sending_found_on_load_means_the_app_died_mid_request_and_goes_again_with_the_same_key() {
    let (e, action) = when(given(sending()), Event::Load);
    assert_eq!(e.state, waiting(WaitReason::Interrupted));
    assert_eq!(e.idempotency_key, KEY);
    assert_eq!(e.progress(), Progress::Sending);
    assert_eq!(action, Action::SendNow);
}

#[test]
fn sending_and_tick_waits_for_the_answer_until_it_is_stale() {
    assert_eq!(when(given(sending()), Event::Tick), (given(sending()), Action::Nothing));
    let stale = given(State::Sending { since: NOW - policy().stale_sending_ms });
    let (e, action) = when(stale, Event::Tick);
    assert_eq!(e.state, waiting(WaitReason::Timeout));
    assert_eq!(action, Action::SendNow);
}

#[test]
fn sending_ignores_online_visible_and_saved() {
    for event in [Event::Online, Event::Visible, Event::Saved] {
        assert_eq!(when(given(sending()), event), (given(sending()), Action::Nothing));
    }
}

// --- Waiting -----------------------------------------------------------------------------------

#[test]
fn waiting_for_the_connection_and_online_or_visible_sends_now() {
    for reason in [WaitReason::Network, WaitReason::Timeout, WaitReason::Interrupted] {
        for event in [Event::Online, Event::Visible] {
            let (e, action) = when(given(waiting(reason)), event);
            assert_eq!((e.next_attempt_at, action), (NOW, Action::SendNow), "{reason:?}");
        }
    }
}

#[test]
fn waiting_for_the_server_keeps_its_schedule_when_online() {
    for event in [Event::Online, Event::Visible] {
        let e = given(waiting(WaitReason::Status(503)));
        assert_eq!(when(e.clone(), event), (e, Action::WaitUntil(NOW + 5_000)));
    }
}

#[test]
fn waiting_and_tick_or_load_sends_when_due() {
    for event in [Event::Tick, Event::Load] {
        let early = given(waiting(WaitReason::Network));
        assert_eq!(when(early.clone(), event.clone()).1, Action::WaitUntil(NOW + 5_000));
        let due = Entry { next_attempt_at: NOW, ..early };
        assert_eq!(when(due, event).1, Action::SendNow);
    }
}

#[test]
fn waiting_with_a_due_time_far_ahead_sends_now_because_the_clock_was_moved_back() {
    let e = Entry { next_attempt_at: NOW + 30 * DAY, ..given(waiting(WaitReason::Network)) };
    assert_eq!(when(e, Event::Tick).1, Action::SendNow);
}

#[test]
fn waiting_and_attempt_started_is_sending() {
    let (e, _) = when(given(waiting(WaitReason::Network)), Event::AttemptStarted);
    assert_eq!((e.state, e.attempts), (State::Sending { since: NOW }, 3));
}

#[test]
fn waiting_and_a_late_receipt_is_delivered_but_late_failures_change_nothing() {
    let (e, _) = when(given(waiting(WaitReason::Timeout)), answer(201, None, RECEIPT));
    assert_eq!(e.state, delivered());
    for event in [Event::NetworkError, Event::Timeout, answer(503, None, ""), answer(422, None, "")] {
        let w = given(waiting(WaitReason::Timeout));
        assert_eq!(when(w.clone(), event).0, w);
    }
}

// --- Delivered and Rejected --------------------------------------------------------------------

#[test]
fn delivered_is_final() {
    for event in all_events() {
        let e = Entry { body: String::new(), ..given(delivered()) };
        assert_eq!(when(e.clone(), event.clone()), (e, Action::Nothing), "{event:?}");
    }
}

#[test]
fn rejected_is_final_until_the_participant_fixes_it() {
    for event in all_events() {
        assert_eq!(when(given(rejected()), event.clone()), (given(rejected()), Action::Nothing), "{event:?}");
    }
}

#[test]
fn rejected_and_amended_is_a_new_complaint_under_a_new_key() {
    let fixed = BODY.replace("3201015705900001", "3201015705900002");
    let (e, action) = when(given(rejected()), Event::Amended { body: fixed.clone(), idempotency_key: "new-key".into() });
    assert_eq!((e.state, e.body, e.idempotency_key.as_str(), e.attempts), (State::Saved, fixed, "new-key", 0));
    assert_eq!(action, Action::SendNow);
}

#[test]
fn amended_means_nothing_unless_rejected() {
    for state in [State::Saved, sending(), waiting(WaitReason::Network), delivered()] {
        let (e, _) = when(given(state.clone()), Event::Amended { body: "x".into(), idempotency_key: "k2".into() });
        assert_eq!(e.idempotency_key, KEY, "{state:?}: never a new key for a complaint the server may have");
    }
}

// --- Expiry ------------------------------------------------------------------------------------

#[test]
fn undelivered_complaints_expire_after_seven_days_on_tick_or_load() {
    for state in [State::Saved, sending(), waiting(WaitReason::Network), rejected()] {
        for event in [Event::Tick, Event::Load] {
            let young = Entry { created_at: NOW - 7 * DAY + 1, ..given(state.clone()) };
            assert_ne!(when(young, event.clone()).1, Action::Remove, "{state:?}");
            let old = Entry { created_at: NOW - 7 * DAY, ..given(state.clone()) };
            assert_eq!(when(old, event.clone()).1, Action::Remove, "{state:?}");
        }
    }
}

#[test]
fn receipts_are_kept_longer() {
    let e = Entry { created_at: NOW - 8 * DAY, ..given(delivered()) };
    assert_eq!(when(e, Event::Tick).1, Action::Nothing);
    let e = Entry { created_at: NOW - 30 * DAY, ..given(delivered()) };
    assert_eq!(when(e, Event::Load).1, Action::Remove);
}

#[test]
fn expired_removes_from_any_state() {
    for state in [State::Saved, sending(), waiting(WaitReason::Timeout), delivered(), rejected()] {
        assert_eq!(when(given(state), Event::Expired).1, Action::Remove);
    }
}

#[test]
fn the_default_retention_is_seven_days_under_the_servers_eight_day_key_memory() {
    let p = Policy::default();
    assert!(p.retention_ms >= 7 * DAY && p.retention_ms < 8 * DAY);
}
