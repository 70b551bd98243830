//! Issue 4's fault-injection test: 1,000 complaints, each on its own simulated phone with its own
//! outbox (this crate's real state machine and storage format), go to the real server binary
//! through a proxy that drops connections, stalls past the client's time limit and answers 503,
//! while the server is killed with SIGKILL and restarted on the same SQLite file, and the phones'
//! apps are restarted mid-request. A few complaints are first refused (422) and fixed by their
//! participant. Then the database, read through the staff API, must hold every complaint exactly
//! once, with the ticket and due time its phone was given.

use jmo_outbox::{Entry, Event, Outbox, Policy, Progress, ComplaintReceipt, Rejection, Reply, State};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::{Duration, Instant};
use jmo_testkit::http::{self, Failure};
use jmo_testkit::{Fault, FaultProxy, Launch, Outcome, RandomFaults, Server};

const STAFF_TOKEN: &str = "outbox-fault-test-staff-token";
const COMPLAINTS: usize = 1_000;
/// Of these, complaints first sent with an impossible NIK: rejected (not retried), then fixed by
/// the participant and sent again under a new key.
const FIXED: usize = 10;
const PHONES_PER_WORKER: usize = 42;
/// Complaints are written over this long, while the server is being killed.
const ARRIVALS: Duration = Duration::from_secs(8);
const KILLS: usize = 4;
const CLIENT_TIMEOUT: Duration = Duration::from_millis(1_000);
const DEADLINE: Duration = Duration::from_secs(90);
/// Per mille of requests that make the app "die" mid-request (the answer is lost, the outbox is
/// reopened from its stored text).
const APP_DEATHS: u64 = 20;

const FIRST_NAMES: &[&str] = &["Siti", "Budi", "Dewi", "Agus", "Rina", "Wayan", "Nur", "Yohanes", "Putu", "Ahmad", "Ketut", "Lestari"];
const LAST_NAMES: &[&str] = &["Aminah", "Santoso", "Lestari", "Pratama", "Wijaya", "Hutapea", "Siregar", "Nugroho", "Rahayu", "Saputra"];
const PROBLEMS: &[(&str, &str)] = &[
    ("login", "Tidak bisa login sejak kemarin walau kata sandi benar."),
    ("kpj_mismatch", "Nomor KPJ di kartu berbeda dengan nomor di aplikasi JMO."),
    ("balance", "Saldo JHT tidak muncul di aplikasi, hanya tanda putar."),
    ("jht_claim", "Klaim JHT sudah sebulan belum cair padahal dokumen lengkap."),
    ("other", "Aplikasi tertutup sendiri setiap kali membuka menu profil."),
];

/// The real server binary on `database_url`, on a new free port.
fn start_server(database_url: &str) -> Server {
    Launch::new()
        .database(database_url)
        .envs(&[
            ("STAFF_TOKEN", STAFF_TOKEN),
            ("RUST_LOG", "warn,jmo_selfhelp_server=info"),
            ("COMPLAINTS_PER_MINUTE", "0"),
            ("LOOKUPS_PER_MINUTE", "0"),
            ("UPLOADS_PER_MINUTE", "0"),
        ])
        .start()
}

fn policy() -> Policy {
    Policy { base_ms: 25, cap_ms: 800, stale_sending_ms: 5_000, ..Policy::default() }
}

/// The complaint of phone `n`, carrying a marker to find it in the database.
fn complaint(n: usize, valid: bool) -> (String, String, String) {
    let name = format!("{} {}", FIRST_NAMES[n % FIRST_NAMES.len()], LAST_NAMES[n / FIRST_NAMES.len() % LAST_NAMES.len()]);
    let (category, text) = PROBLEMS[n % PROBLEMS.len()];
    let marker = format!("uji-{n:05}");
    let phone = format!("0812-{:04}-{:04}", 1000 + n % 9000, n % 10_000);
    let nik = if valid { format!("320101570590{:04}", n % 9999 + 1) } else { "3201013202900001".to_string() };
    let mut body = json!({
        "guide": {"guide_id": "login", "content_version": "2025.1", "escalation_node": "contact_agency",
                  "path": [{"node": "start", "answer": "cannot_login"}, {"node": "reset_password", "answer": "tried"}]},
        "category": category,
        "urgency": if n.is_multiple_of(7) { "high" } else { "normal" },
        "reporter": {"name": name, "nik": nik, "birth_date": "1990-05-17", "email": format!("peserta{n}@example.co.id"), "phone": phone},
        "reply_channel": if n.is_multiple_of(3) { "email" } else { "whatsapp" },
        "description": format!("{text} ({marker})"),
        "attachments": [],
        "consent": {"personal_data": true, "notice_version": "v1"},
        "client": {"language": "id", "app_version": "1.0.0", "embedding": "web"}
    });
    if category == "kpj_mismatch" {
        body["reporter"]["kpj_card"] = json!(format!("{:011}", 10_000_000_000u64 + n as u64));
        body["reporter"]["kpj_app"] = json!(format!("{:011}", 20_000_000_000u64 + n as u64));
    }
    (marker, body.to_string(), format!("{:04}", n % 10_000))
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 16) as u32
    }

    fn per_mille(&mut self, p: u64) -> bool {
        (self.next() % 1000) < p as u32
    }
}

#[derive(Default)]
struct Counts {
    attempts: AtomicU64,
    network_errors: AtomicU64,
    timeouts: AtomicU64,
    replays: AtomicU64,
    conflicts_409: AtomicU64,
    status_503: AtomicU64,
    app_deaths: AtomicU64,
    reloads: AtomicU64,
}

struct Phone {
    n: usize,
    /// The corrected body, for a complaint first sent with a wrong NIK.
    fix: Option<String>,
    /// What the server said before the fix, and whether the body was still on the phone then.
    rejection: Option<(Rejection, bool)>,
    marker: String,
    body: String,
    last4: String,
    arrives: Duration,
    outbox: Option<Outbox<jmo_outbox::MemoryStorage>>,
}

struct Clock(Instant);

impl Clock {
    /// Milliseconds on a wall-clock-like scale.
    fn now(&self) -> u64 {
        1_790_000_000_000 + self.0.elapsed().as_millis() as u64
    }
}

/// One worker thread is a handful of phones, each sending one request at a time, like a browser tab.
fn run_phones(mut phones: Vec<Phone>, proxy: SocketAddr, clock: Arc<Clock>, counts: Arc<Counts>, seed: u64) -> Vec<Phone> {
    let policy = policy();
    let mut rng = Rng(seed | 1);
    let started = Instant::now();
    while started.elapsed() < DEADLINE {
        let mut wake = Duration::from_millis(20);
        let mut pending = false;
        for phone in phones.iter_mut() {
            if phone.outbox.is_none() {
                if started.elapsed() < phone.arrives {
                    pending = true;
                    continue;
                }
                let (mut outbox, _) = Outbox::open(jmo_outbox::MemoryStorage::default(), policy, clock.now(), rng.next());
                let id = format!("c{}", phone.n);
                let key = uuid_like(&mut rng);
                outbox.add(Entry::new(&id, &key, &phone.body, &phone.last4, clock.now()), clock.now(), rng.next()).expect("memory storage");
                phone.outbox = Some(outbox);
            }
            let outbox = phone.outbox.as_mut().unwrap();
            // The page's own triggers: timer, and now and then `online` / `visibilitychange`.
            let event = match rng.next() % 50 {
                0 => Event::Online,
                1 => Event::Visible,
                _ => Event::Tick,
            };
            let plan = outbox.broadcast(event, clock.now(), rng.next());
            for id in plan.send_now {
                let entry = outbox.get(&id).unwrap().clone();
                outbox.apply(&id, Event::AttemptStarted, clock.now(), rng.next());
                counts.attempts.fetch_add(1, Relaxed);
                let headers = [("Content-Type", "application/json"), ("Idempotency-Key", entry.idempotency_key.as_str())];
                let result = http::request(proxy, "POST", "/api/v1/complaints", &headers, &entry.body, CLIENT_TIMEOUT);
                let event = match &result {
                    Ok(a) => {
                        if a.header("idempotent-replayed") == Some("true") {
                            counts.replays.fetch_add(1, Relaxed);
                        }
                        match a.status {
                            409 => counts.conflicts_409.fetch_add(1, Relaxed),
                            503 => counts.status_503.fetch_add(1, Relaxed),
                            _ => 0,
                        };
                        Event::Response(Reply::read(a.status, a.header("retry-after"), &a.body))
                    }
                    Err(Failure::Network) => {
                        counts.network_errors.fetch_add(1, Relaxed);
                        Event::NetworkError
                    }
                    Err(Failure::Timeout) => {
                        counts.timeouts.fetch_add(1, Relaxed);
                        Event::Timeout
                    }
                };
                if rng.per_mille(APP_DEATHS) {
                    // The app died before the answer was handled: all that is left is what was stored.
                    counts.app_deaths.fetch_add(1, Relaxed);
                    let storage = outbox.storage().clone();
                    *outbox = Outbox::open(storage, policy, clock.now(), rng.next()).0;
                } else {
                    outbox.apply(&id, event, clock.now(), rng.next());
                    if let State::Rejected(r) = &outbox.get(&id).unwrap().state {
                        // The participant reads the reason, corrects the NIK and sends again.
                        let kept = outbox.storage().items.values().any(|item| item.contains(&phone.marker));
                        phone.rejection = Some((r.clone(), kept));
                        let body = phone.fix.take().expect("only the wrong NIKs are rejected");
                        let key = uuid_like(&mut rng);
                        outbox.apply(&id, Event::Amended { body, idempotency_key: key }, clock.now(), rng.next());
                    }
                }
            }
            if rng.per_mille(2) {
                // An ordinary reload of the page.
                counts.reloads.fetch_add(1, Relaxed);
                let storage = outbox.storage().clone();
                *outbox = Outbox::open(storage, policy, clock.now(), rng.next()).0;
            }
            let plan = outbox.plan(clock.now());
            if !plan.send_now.is_empty() {
                wake = Duration::ZERO;
            } else if let Some(t) = plan.wake_at {
                wake = wake.min(Duration::from_millis(t.saturating_sub(clock.now())));
            }
            pending |= outbox.entries().iter().any(|e| !e.is_settled());
        }
        if !pending {
            break;
        }
        std::thread::sleep(wake);
    }
    phones
}

/// A random UUID (v4 layout) from the test's seeded generator.
fn uuid_like(rng: &mut Rng) -> String {
    let b: Vec<u8> = (0..16).map(|_| rng.next() as u8).collect();
    let h: String = b.iter().enumerate().map(|(i, x)| format!("{:02x}", if i == 6 { x & 0x0f | 0x40 } else if i == 8 { x & 0x3f | 0x80 } else { *x })).collect();
    format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..])
}

fn staff(server: SocketAddr, method: &str, path: &str, body: &str) -> http::Answer {
    let auth = format!("Bearer {STAFF_TOKEN}");
    let headers = [("Authorization", auth.as_str()), ("Content-Type", "application/json")];
    let a = http::request(server, method, path, &headers, body, Duration::from_secs(30)).expect("staff API");
    assert!(a.status == 200, "{method} {path}: {} {}", a.status, a.body);
    a
}

/// Every complaint in the database as (marker, ticket, response due): lists the oldest 1,000 still
/// `received` and moves each to `in_progress`, until none is left, so that no row is missed
/// however many there are.
fn all_complaints(server: SocketAddr) -> Vec<(String, String, String)> {
    let mut rows = Vec::new();
    loop {
        let list: Vec<Value> = serde_json::from_str(&staff(server, "GET", "/api/v1/staff/complaints?status=received&limit=1000", "").body).unwrap();
        if list.is_empty() {
            return rows;
        }
        let batch: Vec<(String, String, String)> = list
            .iter()
            .map(|c| {
                let description = c["complaint"]["description"].as_str().unwrap_or_default();
                let marker = description.rsplit('(').next().unwrap_or_default().trim_end_matches(')').to_string();
                let field = |name: &str| c[name].as_str().unwrap().to_string();
                (marker, field("ticket"), field("response_due_at"))
            })
            .collect();
        std::thread::scope(|s| {
            for part in batch.chunks(batch.len().div_ceil(8)) {
                s.spawn(move || {
                    for (_, ticket, _) in part {
                        staff(server, "PATCH", &format!("/api/v1/staff/complaints/{ticket}"), r#"{"status":"in_progress"}"#);
                    }
                });
            }
        });
        rows.extend(batch);
    }
}

#[test]
fn a_thousand_complaints_through_faults_and_server_kills_arrive_exactly_once() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let database_url = format!("sqlite://{}/jmo.db", dir.path().display());
    jmo_testkit::server::binary();

    let mut server = start_server(&database_url);
    let proxy = FaultProxy::start(server.addr);
    proxy.set_random_faults(RandomFaults {
        drop: 60,
        lose_answer: 60,
        stall_body: 20,
        stall_answer: 20,
        unavailable: 60,
        stall: CLIENT_TIMEOUT + Duration::from_millis(300),
        seed: 0x5eed_1234,
    });

    let mut phones: Vec<Phone> = (0..COMPLAINTS)
        .map(|n| {
            let wrong_nik = n % (COMPLAINTS / FIXED) == 7;
            let (marker, body, last4) = complaint(n, !wrong_nik);
            let fix = wrong_nik.then(|| complaint(n, true).1);
            let arrives = ARRIVALS * n as u32 / COMPLAINTS as u32;
            Phone { n, fix, rejection: None, marker, body, last4, arrives, outbox: None }
        })
        .collect();
    assert_eq!(phones.iter().filter(|p| p.fix.is_some()).count(), FIXED);

    let clock = Arc::new(Clock(Instant::now()));
    let counts = Arc::new(Counts::default());
    let mut workers = Vec::new();
    let mut w = 0u64;
    while !phones.is_empty() {
        let rest = phones.split_off(phones.len().min(PHONES_PER_WORKER));
        let mine = std::mem::replace(&mut phones, rest);
        let (clock, counts, addr) = (clock.clone(), counts.clone(), proxy.addr);
        w += 1;
        workers.push(std::thread::spawn(move || run_phones(mine, addr, clock, counts, 0x9e37_79b9 * w)));
    }

    // kill -9 and restart while complaints are arriving.
    let mut restarts = 0;
    for k in 0..KILLS {
        std::thread::sleep(ARRIVALS / (KILLS as u32 + 1) - Duration::from_millis(150) + Duration::from_millis(37 * k as u64));
        server.kill9();
        proxy.set_upstream(None);
        std::thread::sleep(Duration::from_millis(150));
        server = start_server(&database_url);
        proxy.set_upstream(Some(server.addr));
        restarts += 1;
    }

    let phones: Vec<Phone> = workers.into_iter().flat_map(|w| w.join().unwrap()).collect();
    let delivery_time = clock.0.elapsed();
    proxy.set_fault(Fault::Pass);

    // Every phone has its receipt; the wrong NIKs were refused with the NIK's code first.
    let mut tickets: HashMap<String, ComplaintReceipt> = HashMap::new();
    for p in &phones {
        let outbox = p.outbox.as_ref().expect("complaint written");
        let e = &outbox.entries()[0];
        let stored: String = outbox.storage().items.values().cloned().collect();
        let State::Delivered(r) = &e.state else {
            panic!("phone {} ended {:?} after {} attempts", p.n, e.state, e.attempts);
        };
        assert!(r.ticket.starts_with("JMO-") && !r.response_due_at.is_empty());
        assert!(matches!(e.progress(), Progress::Delivered(_)));
        // Only the ticket, due time and last 4 digits stay on the phone.
        assert!(stored.contains(&r.ticket) && stored.contains(&p.last4));
        assert!(!stored.contains(&p.marker) && !stored.contains("320101") && !stored.contains("example.co.id"), "{stored}");
        if p.n % (COMPLAINTS / FIXED) == 7 {
            let (rejection, body_kept) = p.rejection.as_ref().expect("the wrong NIK was refused");
            assert_eq!(rejection.status, 422);
            assert!(rejection.problems.iter().any(|pr| pr.field.as_deref() == Some("reporter.nik")), "{rejection:?}");
            assert!(body_kept, "a rejected complaint stays on the phone for the participant to fix");
        }
        tickets.insert(p.marker.clone(), r.clone());
    }

    // The database: each delivered complaint exactly once, under the ticket its phone was given.
    let rows = all_complaints(server.addr);
    let mut seen: HashMap<&str, Vec<(&str, &str)>> = HashMap::new();
    for (marker, ticket, due) in &rows {
        seen.entry(marker).or_default().push((ticket, due));
    }
    let duplicates: usize = seen.values().map(|t| t.len() - 1).sum();
    let lost = tickets.keys().filter(|m| !seen.contains_key(m.as_str())).count();
    let strangers = seen.keys().filter(|m| !tickets.contains_key(**m)).count();

    let f = |outcome| proxy.count(outcome);
    let c = &counts;
    println!(
        "fault injection: {} complaints delivered ({} of them after a 422 and a fix) in {:.1} s ({:.1} s in all); {} attempts\n\
         proxy: {} passed, {} dropped before forwarding, {} dropped after the server answered, {} stalled mid-request (body late), \
         {} stalled before relaying the answer, {} answered 503 by the proxy, {} refused while the server was down, {} cut off by a kill\n\
         client saw: {} network errors, {} timeouts, {} 503, {} 409 (key in use), {} idempotent replays\n\
         server kill -9 + restart: {restarts}; app deaths mid-request: {}; page reloads: {}\n\
         database: {} rows, {} duplicates, {} lost, {} unknown",
        tickets.len(),
        phones.iter().filter(|p| p.rejection.is_some()).count(),
        delivery_time.as_secs_f64(),
        started.elapsed().as_secs_f64(),
        c.attempts.load(Relaxed),
        f(Outcome::Passed),
        f(Outcome::Dropped),
        f(Outcome::LostAnswer),
        f(Outcome::StalledBody),
        f(Outcome::StalledAnswer),
        f(Outcome::Unavailable),
        f(Outcome::ServerDown),
        f(Outcome::CutOff),
        c.network_errors.load(Relaxed),
        c.timeouts.load(Relaxed),
        c.status_503.load(Relaxed),
        c.conflicts_409.load(Relaxed),
        c.replays.load(Relaxed),
        c.app_deaths.load(Relaxed),
        c.reloads.load(Relaxed),
        rows.len(),
        duplicates,
        lost,
        strangers,
    );

    assert_eq!(tickets.len(), COMPLAINTS);
    assert_eq!((duplicates, lost, strangers), (0, 0, 0));
    assert_eq!(rows.len(), COMPLAINTS);
    for (marker, r) in &tickets {
        let stored = vec![(r.ticket.as_str(), r.response_due_at.as_str())];
        assert_eq!(seen[marker.as_str()], stored, "{marker}: the phone's ticket and due time are the stored ones");
    }
    // The faults really happened, and retries really met complaints the server already had.
    assert_eq!(restarts, KILLS);
    for (kind, outcome) in [
        ("dropped before", Outcome::Dropped),
        ("dropped after", Outcome::LostAnswer),
        ("stalled mid-request", Outcome::StalledBody),
        ("stalled after", Outcome::StalledAnswer),
        ("503", Outcome::Unavailable),
        ("server down", Outcome::ServerDown),
    ] {
        assert!(f(outcome) > 0, "no '{kind}' fault was injected");
    }
    assert!(c.replays.load(Relaxed) > 0, "no retry met a complaint the server already had");
    assert!(c.app_deaths.load(Relaxed) > 0, "no app died mid-request");
    // A 409 needs a retry to reach the server while the first attempt is still being stored
    // there: it depends on timing (how long a stall holds the request), so it is reported, not
    // required; the server's own tests cover the answer.
    if c.conflicts_409.load(Relaxed) == 0 {
        println!("no 409 (key in use) this run");
    }
}
