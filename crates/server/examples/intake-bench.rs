//! Intake benchmark: starts the server in-process on loopback with a fresh SQLite file, then
//!  1. drives concurrent clients for a fixed time (closed loop) → complaints/s, p50/p99 latency;
//!  2. inserts the same rows straight into the same database → the durable insert rate it can
//!     approach (in batches like the group-commit writer, and one commit per row);
//!  3. sends complaints at a fixed rate (open loop, latency from the scheduled send time, so a
//!     stall is not hidden) → p50/p99.
//!
//! Every request goes to 127.0.0.1 and the run is bounded in time.
//!
//! cargo run -p jmo-selfhelp-server --profile server --example intake-bench -- [--seconds 10]
//!     [--clients 64] [--rate 500] [--rate-seconds 10] [--synchronous normal|full]

use jmo_contract::{validate_complaint, ComplaintReceipt, ComplaintRequest, Context};
use jmo_selfhelp_server::intake::{insert_record, Record};
use jmo_selfhelp_server::{clock, Config};
use jmo_selfhelp_server::crypto::KeyRing;
use jmo_selfhelp_server::store::{SealedComplaint, Store};
use std::time::{Duration, Instant};

struct Args {
    seconds: u64,
    clients: usize,
    rate: u64,
    rate_seconds: u64,
    synchronous_full: bool,
}

fn args() -> Args {
    let mut a = Args { seconds: 10, clients: 64, rate: 500, rate_seconds: 10, synchronous_full: false };
    let argv: Vec<String> = std::env::args().skip(1).collect();
    for pair in argv.chunks(2) {
        let value = pair.get(1).map(String::as_str).unwrap_or("");
        let number = || value.parse::<u64>().unwrap_or_else(|_| panic!("{} needs a number", pair[0]));
        match pair[0].as_str() {
            "--seconds" => a.seconds = number().clamp(1, 120),
            "--clients" => a.clients = number().clamp(1, 1024) as usize,
            "--rate" => a.rate = number().clamp(1, 20_000),
            "--rate-seconds" => a.rate_seconds = number().clamp(1, 120),
            "--synchronous" => a.synchronous_full = value == "full",
            other => panic!("unknown argument {other}; see the comment at the top of intake-bench.rs"),
        }
    }
    a
}

fn body() -> serde_json::Value {
    serde_json::json!({
        "guide": {"guide_id": "login", "content_version": "2025.1", "escalation_node": "contact_agency",
                  "path": [{"node": "start", "answer": "cannot_login"}, {"node": "reset_password", "answer": "tried"},
                           {"node": "app_version", "answer": "latest"}]},
        "category": "login", "urgency": "normal",
        "reporter": {"name": "Siti Aminah", "nik": "3201015705900001", "birth_date": "1990-05-17",
                     "email": "siti@example.co.id", "phone": "0812-3456-7890"},
        "reply_channel": "whatsapp",
        "description": "Tidak bisa login sejak kemarin walau kata sandi benar; sudah coba atur ulang kata sandi dan perbarui aplikasi.",
        "attachments": [],
        "consent": {"personal_data": true, "notice_version": "v1"},
        "client": {"language": "id", "app_version": "1.0.0", "embedding": "web"}
    })
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i] as f64 / 1000.0
}

async fn post(client: &reqwest::Client, url: &str, body: &bytes::Bytes) -> bool {
    let res = client
        .post(url)
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
        .body(body.clone())
        .send()
        .await;
    match res {
        Ok(r) => {
            let ok = r.status() == reqwest::StatusCode::CREATED;
            let _ = r.bytes().await;
            ok
        }
        Err(_) => false,
    }
}

/// Closed loop: `clients` tasks, each sending the next complaint when the last is answered.
async fn closed_loop(url: &str, body: &bytes::Bytes, clients: usize, seconds: u64) -> (usize, usize, Vec<u64>, Duration) {
    let client = reqwest::Client::builder().no_proxy().pool_max_idle_per_host(clients).build().unwrap();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..clients {
        let (client, url, body) = (client.clone(), url.to_string(), body.clone());
        tasks.spawn(async move {
            let (mut ok, mut failed, mut lat) = (0usize, 0usize, Vec::new());
            while Instant::now() < deadline {
                let t = Instant::now();
                if post(&client, &url, &body).await {
                    ok += 1;
                    lat.push(t.elapsed().as_micros() as u64);
                } else {
                    failed += 1;
                }
            }
            (ok, failed, lat)
        });
    }
    let (mut ok, mut failed, mut lat) = (0, 0, Vec::new());
    while let Some(Ok((o, f, l))) = tasks.join_next().await {
        ok += o;
        failed += f;
        lat.extend(l);
    }
    let elapsed = start.elapsed();
    lat.sort_unstable();
    (ok, failed, lat, elapsed)
}

/// Open loop at a fixed rate; latency counts from when each request was due.
async fn fixed_rate(url: &str, body: &bytes::Bytes, rate: u64, seconds: u64) -> (usize, usize, Vec<u64>) {
    let client = reqwest::Client::builder().no_proxy().pool_max_idle_per_host(256).build().unwrap();
    let total = rate * seconds;
    let interval = Duration::from_nanos(1_000_000_000 / rate);
    let start = tokio::time::Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..total {
        let due = start + interval * i as u32;
        tokio::time::sleep_until(due).await;
        let (client, url, body) = (client.clone(), url.to_string(), body.clone());
        tasks.spawn(async move {
            let ok = post(&client, &url, &body).await;
            (ok, due.elapsed().as_micros() as u64)
        });
    }
    let (mut ok, mut failed, mut lat) = (0, 0, Vec::new());
    while let Some(Ok((good, l))) = tasks.join_next().await {
        if good {
            ok += 1;
            lat.push(l);
        } else {
            failed += 1;
        }
    }
    lat.sort_unstable();
    (ok, failed, lat)
}

fn record(keys: &KeyRing, complaint: &jmo_contract::ValidComplaint, i: usize) -> Record {
    let now = clock::now();
    let ticket = format!("JMO-RAW0-{:04}-{:04}-{:04}", i / 100_000_000 % 10_000, i / 10_000 % 10_000, i % 10_000);
    Record {
        sealed: SealedComplaint::new(keys, &ticket, complaint),
        idempotency_key: uuid::Uuid::new_v4().to_string(),
        fingerprint: format!("{i:064x}"),
        receipt: ComplaintReceipt {
            ticket,
            received_at: now.to_string(),
            response_due_at: now.to_string(),
        },
        received_at: now.unix(),
        response_due_at: now.unix() + 86_400,
        complaint: complaint.clone(),
    }
}

/// The same rows straight into the same database, `batch` rows per committed transaction.
/// The rows are sealed beforehand, as the request tasks seal them before the writer takes them.
async fn raw_inserts(store: &Store, complaint: &jmo_contract::ValidComplaint, rows: usize, batch: usize, offset: usize) -> f64 {
    let (pool, kind) = (store.pool(), store.kind);
    let records: Vec<Record> = (0..rows).map(|i| record(store.keys(), complaint, offset + i)).collect();
    let start = Instant::now();
    for chunk in records.chunks(batch) {
        let mut tx = pool.begin_with(kind.begin_write()).await.unwrap();
        for r in chunk {
            assert!(insert_record(&mut tx, r).await.unwrap());
        }
        tx.commit().await.unwrap();
    }
    rows as f64 / start.elapsed().as_secs_f64()
}

#[tokio::main]
async fn main() {
    let args = args();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bench.db");
    let data_key = jmo_selfhelp_server::crypto::generate_key();
    let config = Config::from_lookup(|k| {
        Some(match k {
            "LISTEN_ADDR" => "127.0.0.1:0".to_string(),
            "DATABASE_URL" => format!("sqlite://{}", db.display()),
            "SQLITE_SYNCHRONOUS" => if args.synchronous_full { "full" } else { "normal" }.to_string(),
            "COMPLAINTS_PER_MINUTE" | "LOOKUPS_PER_MINUTE" | "UPLOADS_PER_MINUTE" => "0".to_string(),
            "DATA_KEY" => data_key.clone(),
            "MAX_IN_FLIGHT" | "CONNECTIONS_PER_CLIENT" | "MAX_CONNECTIONS" => "100000".to_string(),
            _ => return None,
        })
    })
    .unwrap();
    let server = jmo_selfhelp_server::start(config, std::future::pending()).await.unwrap_or_else(|e| panic!("{e}"));
    let url = format!("http://{}/api/v1/complaints", server.addr);
    let json = body();
    let bytes = bytes::Bytes::from(serde_json::to_vec(&json).unwrap());
    let request: ComplaintRequest = serde_json::from_value(json).unwrap();
    let complaint = validate_complaint(&request, &Context::default()).unwrap();
    let sync = if args.synchronous_full { "FULL" } else { "NORMAL" };
    println!("intake-bench: SQLite {} (WAL, synchronous={sync}), server on {}, {} cores", db.display(), server.addr,
        std::thread::available_parallelism().map_or(0, |n| n.get()));

    // Warm-up: connections, statement caches, the file.
    let _ = closed_loop(&url, &bytes, args.clients, 1).await;

    let (ok, failed, lat, elapsed) = closed_loop(&url, &bytes, args.clients, args.seconds).await;
    let http_rate = ok as f64 / elapsed.as_secs_f64();

    let rows = ((http_rate as usize).max(1000) * 3).min(50_000);
    let raw_batched = raw_inserts(&server.store, &complaint, rows, 256, 0).await;
    let raw_single = raw_inserts(&server.store, &complaint, rows.min(5_000), 1, rows).await;

    let (rate_ok, rate_failed, rate_lat) = fixed_rate(&url, &bytes, args.rate, args.rate_seconds).await;

    println!();
    println!("{:<52} {:>12} {:>10} {:>10}", "", "rows/s", "p50 ms", "p99 ms");
    println!("{:<52} {:>12.0} {:>10.2} {:>10.2}", format!("HTTP POST /api/v1/complaints, {} clients, {}s", args.clients, args.seconds),
        http_rate, percentile(&lat, 0.50), percentile(&lat, 0.99));
    println!("{:<52} {:>12.0} {:>10} {:>10}", "direct inserts, same rows, 256 per commit", raw_batched, "-", "-");
    println!("{:<52} {:>12.0} {:>10} {:>10}", "direct inserts, same rows, 1 per commit", raw_single, "-", "-");
    println!("{:<52} {:>12.0} {:>10.2} {:>10.2}", format!("HTTP at a fixed {}/s for {}s (open loop)", args.rate, args.rate_seconds),
        rate_ok as f64 / args.rate_seconds as f64, percentile(&rate_lat, 0.50), percentile(&rate_lat, 0.99));
    println!();
    println!("closed loop: {ok} complaints stored (201), {failed} not; fixed rate: {rate_ok} stored, {rate_failed} not; \
              max latency at fixed rate {:.2} ms", rate_lat.last().map_or(f64::NAN, |v| *v as f64 / 1000.0));
    println!("HTTP intake reached {:.0}% of the batched direct-insert rate", 100.0 * http_rate / raw_batched);
    let _ = server.stop().await;
}
