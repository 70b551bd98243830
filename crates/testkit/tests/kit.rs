//! The kit on its own: the server started, stopped, restarted on its address and database, and
//! the proxy in front of it passing, faulting and recording complaints.

use jmo_testkit::http::{self, Failure};
use jmo_testkit::{Fault, FaultProxy, Launch, Outcome, RandomFaults};
use std::time::Duration;

const COMPLAINT: &str = "/api/v1/complaints";

fn post(proxy: &FaultProxy, key: &str) -> Result<http::Answer, Failure> {
    let headers = [("Content-Type", "application/json"), ("Idempotency-Key", key)];
    http::request(proxy.addr, "POST", COMPLAINT, &headers, "{}", Duration::from_secs(5))
}

#[test]
fn the_server_restarts_on_its_address_and_the_proxy_records_what_it_did() {
    let mut server = Launch::new().env("STAFF_TOKEN", "kit-test-token").start();
    assert!(server.logs().contains("\"message\":\"listening\""), "{}", server.logs());
    let db = server.sqlite_file().expect("the default database is a SQLite file");
    let proxy = FaultProxy::start(server.addr);

    // An empty complaint reaches the server, which refuses it.
    let key = "6f0c5a52-8a7e-4d55-9a55-000000000001";
    assert_eq!(post(&proxy, key).expect("an answer").status, 422);
    proxy.set_fault(Fault::Unavailable { retry_after: true });
    let answer = post(&proxy, key).expect("the proxy's answer");
    assert_eq!((answer.status, answer.header("retry-after")), (503, Some("1")));
    proxy.set_fault(Fault::Drop);
    assert_eq!(post(&proxy, key).unwrap_err(), Failure::Network);
    proxy.set_fault(Fault::LoseAnswer);
    assert_eq!(post(&proxy, key).unwrap_err(), Failure::Network);

    // Stopped, nothing answers; restarted, the same address and database answer again.
    proxy.set_fault(Fault::Pass);
    server.stop();
    assert!(!server.is_running());
    assert_eq!(post(&proxy, key).unwrap_err(), Failure::Network);
    server.restart();
    assert_eq!(server.sqlite_file().as_deref(), Some(db.as_path()));
    assert_eq!(http::request(server.addr, "GET", "/api/v1/openapi.json", &[], "", Duration::from_secs(5)).unwrap().status, 200);
    assert_eq!(post(&proxy, key).expect("an answer").status, 422);
    server.kill9();
    assert!(!server.is_running());

    let outcomes: Vec<Outcome> = proxy.complaint_posts().iter().map(|r| r.outcome).collect();
    use Outcome::*;
    assert_eq!(outcomes, [Passed, Unavailable, Dropped, LostAnswer, ServerDown, Passed]);
    assert!(proxy.seen().iter().all(|r| r.idempotency_key.as_deref() == Some(key) && r.content_length == Some(2)));
}

#[test]
fn random_faults_are_the_same_for_the_same_seed() {
    let server = Launch::new().start();
    let run = || {
        let proxy = FaultProxy::start(server.addr);
        let stall = Duration::from_millis(10);
        proxy.set_random_faults(RandomFaults { drop: 200, lose_answer: 200, stall_body: 100, stall_answer: 100, unavailable: 200, stall, seed: 7 });
        for n in 0..40 {
            let _ = post(&proxy, &format!("6f0c5a52-8a7e-4d55-9a55-{n:012}"));
        }
        proxy.complaint_posts().iter().map(|r| r.outcome).collect::<Vec<_>>()
    };
    let first = run();
    assert_eq!(first, run());
    for outcome in [Outcome::Passed, Outcome::Dropped, Outcome::LostAnswer, Outcome::Unavailable] {
        assert!(first.contains(&outcome), "no {outcome:?} in {first:?}");
    }
}

#[test]
fn a_one_shot_run_gets_its_arguments_and_stdin_and_reports_its_exit() {
    let version = Launch::new().run(&["--version"], "");
    assert_eq!(version.code, Some(0), "{}", version.output());
    assert!(version.stdout.starts_with("jmo-selfhelp-server "), "{}", version.stdout);
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("jmo.db").display());
    let weak = Launch::new().database(&url).run(&["staff", "add", "kit", "--name", "Kit", "--role", "admin"], "password123456\n");
    assert_eq!(weak.code, Some(1), "{}", weak.output());
    assert!(weak.stderr.contains("password_too_weak"), "{}", weak.stderr);
}
