//! The workspace's queue with 10,000 complaints waiting:
//!
//! ```sh
//! cargo run -p jmo-selfhelp-server --profile server --example queue-bench   # [--complaints 10000 --runs 50]
//! ```
//!
//! Starts the server in-process on a fresh SQLite file, stores `--complaints` sealed complaints
//! straight into it (due times a second apart), signs a supervisor in over HTTP, then times
//! `GET /staff` (the whole page: session, query, rendering, over loopback) and the queue's query
//! alone (`Store::queue`), `--runs` times each, and prints p50/p99 of both against the 200 ms
//! target.

use jmo_contract::{validate_complaint, ComplaintReceipt, ComplaintRequest, Context};
use jmo_selfhelp_server::accounts::{ChangedBy, NewAccount, StoredPassword};
use jmo_selfhelp_server::crypto::KeyRing;
use jmo_selfhelp_server::intake::{insert_record, Record};
use jmo_selfhelp_server::store::{SealedComplaint, Store};
use jmo_selfhelp_server::{clock, Config};
use std::sync::Arc;
use std::time::Instant;

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
}

const PASSWORD: &str = "pelangi tujuh warna di atas genteng";
const TARGET_MS: f64 = 200.0;

fn complaint() -> jmo_contract::ValidComplaint {
    let request: ComplaintRequest = serde_json::from_value(serde_json::json!({
        "guide": {"guide_id": "login", "content_version": "2025.1", "escalation_node": "contact_agency", "path": [{"node": "start", "answer": "cannot_login"}]},
        "category": "login", "urgency": "normal",
        "reporter": {"name": "Siti Aminah", "nik": "3201015705900001", "birth_date": "1990-05-17", "phone": "0812-3456-7890"},
        "reply_channel": "whatsapp", "description": "Tidak bisa login.",
        "attachments": [], "consent": {"personal_data": true}, "client": {"language": "id"}
    }))
    .unwrap();
    validate_complaint(&request, &Context::default()).unwrap()
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[tokio::main]
async fn main() {
    let (complaints, runs) = (arg("--complaints", 10_000), arg("--runs", 50).max(1));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bench.db");
    let url = format!("sqlite://{}", db.display());
    let key = jmo_selfhelp_server::crypto::generate_key();
    let config = Config::from_lookup(|k| {
        Some(match k {
            "LISTEN_ADDR" => "127.0.0.1:0".to_string(),
            "DATABASE_URL" => url.clone(),
            "STAFF_SIGN_INS_PER_MINUTE" => "0".to_string(),
            "DATA_KEY" => key.clone(),
            _ => return None,
        })
    })
    .unwrap();
    let server = jmo_selfhelp_server::start(config, std::future::pending()).await.unwrap_or_else(|e| panic!("{e}"));
    let keys = Arc::new(KeyRing::parse(&key).unwrap());
    let store = Store::open(&url, false, keys.clone()).await.unwrap();

    let sealed = complaint();
    let now = clock::now();
    let started = Instant::now();
    for chunk in (0..complaints).collect::<Vec<_>>().chunks(500) {
        let mut tx = store.pool().begin_with(store.kind.begin_write()).await.unwrap();
        for &i in chunk {
            let ticket = format!("JMO-QB00-{:04}-{:04}-{:04}", i / 100_000_000 % 10_000, i / 10_000 % 10_000, i % 10_000);
            let record = Record {
                sealed: SealedComplaint::new(&keys, &ticket, &sealed),
                idempotency_key: uuid::Uuid::new_v4().to_string(),
                fingerprint: format!("{i:064x}"),
                receipt: ComplaintReceipt { ticket, received_at: now.to_string(), response_due_at: now.to_string() },
                received_at: now.unix() - i as i64,
                response_due_at: now.unix() - i as i64 + 86_400,
                complaint: sealed.clone(),
            };
            assert!(insert_record(&mut tx, &record).await.unwrap());
        }
        tx.commit().await.unwrap();
    }
    let stored = started.elapsed();
    let account = NewAccount::new("siti", "Siti Aminah", "supervisor", None).unwrap();
    store.add_staff_account(&account, &StoredPassword::hash(PASSWORD).unwrap(), clock::now(), ChangedBy::CLI).await.unwrap();

    let client = reqwest::Client::builder().no_proxy().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let base = format!("http://{}", server.addr);
    let signed = client
        .post(format!("{base}/staff/login"))
        .header("origin", &base)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("username=siti&password={}", PASSWORD.replace(' ', "+")))
        .send()
        .await
        .unwrap();
    assert_eq!(signed.status(), 303, "signing in");
    let cookie = signed.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();

    let mut page_ms = Vec::new();
    let mut bytes = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let res = client.get(format!("{base}/staff")).header("cookie", &cookie).send().await.unwrap();
        assert_eq!(res.status(), 200);
        bytes = res.bytes().await.unwrap().len();
        page_ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let mut query_ms = Vec::new();
    let mut rows = 0;
    for _ in 0..runs {
        let t = Instant::now();
        rows = store.queue(None, jmo_selfhelp_server::workspace::QUEUE_LIMIT).await.unwrap().len();
        query_ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    page_ms.sort_by(f64::total_cmp);
    query_ms.sort_by(f64::total_cmp);
    println!(
        "queue-bench: SQLite {}, {complaints} complaints waiting (stored in {:.1} s), {} cores, {runs} runs each",
        db.display(),
        stored.as_secs_f64(),
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!("{:<52} {:>10} {:>10}", "", "p50 ms", "p99 ms");
    println!("{:<52} {:>10.2} {:>10.2}", format!("GET /staff (the page: {rows} rows shown, {} KB)", bytes / 1000), pct(&page_ms, 0.5), pct(&page_ms, 0.99));
    println!("{:<52} {:>10.2} {:>10.2}", "the queue's query alone (Store::queue)", pct(&query_ms, 0.5), pct(&query_ms, 0.99));
    let verdict = if pct(&page_ms, 0.5) <= TARGET_MS { "met" } else { "MISSED" };
    println!("target: the page within {TARGET_MS} ms (p50): {verdict}");
    store.close().await;
}
