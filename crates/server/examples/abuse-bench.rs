//! Complaint latency while 1,000 connections from 50 loopback addresses trickle uploads (one
//! byte a second; a refused or cut-off one connects again after `--reconnect-ms`, 1000 by
//! default, 0 for a connection flood):
//!
//! ```sh
//! cargo run -p jmo-selfhelp-server --profile server --example abuse-bench   # [--seconds 10 --rate 500 --connections 1000]
//! ```
//!
//! Starts the server in-process on a fresh SQLite file with the default limits (uploads in
//! flight 32, connections per address 64), sends complaints at a fixed rate for a while
//! without the trickle, then with it, and prints p50/p99 of both and how the uploads fared.

use jmo_selfhelp_server::Config;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn body() -> serde_json::Value {
    serde_json::json!({
        "guide": {"guide_id": "login", "content_version": "2025.1", "escalation_node": "contact_agency",
                  "path": [{"node": "start", "answer": "cannot_login"}]},
        "category": "login", "urgency": "normal",
        "reporter": {"name": "Siti Aminah", "nik": "3201015705900001", "birth_date": "1990-05-17", "phone": "0812-3456-7890"},
        "reply_channel": "whatsapp", "description": "Tidak bisa login.",
        "attachments": [], "consent": {"personal_data": true}, "client": {"language": "id"}
    })
}

#[derive(Default)]
struct Trickle {
    connected: AtomicU64,
    refused_503: AtomicU64,
    other_answers: AtomicU64,
    cut_off: AtomicU64,
}

async fn trickler(addr: SocketAddr, from: [u8; 4], stats: Arc<Trickle>, until: Instant, reconnect: Duration) {
    let mut first = true;
    while Instant::now() < until {
        if !first {
            tokio::time::sleep(reconnect).await;
        }
        first = false;
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        if socket.bind(SocketAddr::from((from, 0))).is_err() {
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        }
        let Ok(mut stream) = socket.connect(addr).await else {
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        stats.connected.fetch_add(1, Ordering::Relaxed);
        let head = b"POST /api/v1/attachments HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\nContent-Length: 5000000\r\n\r\n";
        if stream.write_all(head).await.is_err() {
            stats.cut_off.fetch_add(1, Ordering::Relaxed);
            continue;
        }
        let mut buf = [0u8; 1024];
        loop {
            if Instant::now() >= until {
                return;
            }
            tokio::select! {
                r = stream.read(&mut buf) => {
                    match r {
                        Ok(n) if n > 0 => {
                            if buf[..n].starts_with(b"HTTP/1.1 503") { stats.refused_503.fetch_add(1, Ordering::Relaxed); }
                            else { stats.other_answers.fetch_add(1, Ordering::Relaxed); }
                        }
                        _ => { stats.cut_off.fetch_add(1, Ordering::Relaxed); }
                    }
                    break;
                }
                _ = tokio::time::sleep(Duration::from_secs(1)) => {
                    if stream.write_all(b"\xff").await.is_err() {
                        stats.cut_off.fetch_add(1, Ordering::Relaxed);
                        break;
                    }
                }
            }
        }
    }
}

/// Complaints at `rate`/s for `seconds`; latencies (µs) of the 201s, sorted, and the failures.
async fn fixed_rate(url: &str, rate: u64, seconds: u64) -> (Vec<u64>, u64) {
    // Participants come from many addresses: 32 clients on 127.0.3.1–32, so the load generator
    // is not itself held to one address's connection cap.
    let clients: Vec<reqwest::Client> = (1..=32u8)
        .map(|i| {
            reqwest::Client::builder()
                .no_proxy()
                .local_address(std::net::IpAddr::from([127, 0, 3, i]))
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap()
        })
        .collect();
    let body = bytes::Bytes::from(serde_json::to_vec(&body()).unwrap());
    let start = Instant::now();
    let total = rate * seconds;
    let mut tasks = Vec::with_capacity(total as usize);
    for i in 0..total {
        let at = start + Duration::from_micros(i * 1_000_000 / rate);
        tokio::time::sleep_until(at.into()).await;
        let (client, body, url) = (clients[i as usize % clients.len()].clone(), body.clone(), url.to_string());
        tasks.push(tokio::spawn(async move {
            let res = client
                .post(&url)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
                .body(body)
                .send()
                .await;
            let status = res.as_ref().map(|r| r.status().as_u16()).unwrap_or(0);
            (status == 201, at.elapsed().as_micros() as u64, status)
        }));
    }
    let (mut lat, mut failed) = (Vec::new(), 0);
    let mut why = std::collections::BTreeMap::new();
    for t in tasks {
        match t.await {
            Ok((true, us, _)) => lat.push(us),
            Ok((false, _, status)) => {
                failed += 1;
                *why.entry(status).or_insert(0u64) += 1;
            }
            Err(_) => failed += 1,
        }
    }
    if !why.is_empty() {
        println!("  not stored, by status (0: no answer): {why:?}");
    }
    lat.sort_unstable();
    (lat, failed)
}

fn pct(v: &[u64], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v[((v.len() - 1) as f64 * p).round() as usize] as f64 / 1000.0
}

#[tokio::main]
async fn main() {
    let (seconds, rate, connections) = (arg("--seconds", 10), arg("--rate", 500), arg("--connections", 1000));
    // How long a refused or cut-off trickler waits before it connects again (0: at once, a
    // connection flood rather than a trickle).
    let reconnect = Duration::from_millis(arg("--reconnect-ms", 1000));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bench.db");
    let key = jmo_selfhelp_server::crypto::generate_key();
    let config = Config::from_lookup(|k| {
        Some(match k {
            "LISTEN_ADDR" => "127.0.0.1:0".to_string(),
            "DATABASE_URL" => format!("sqlite://{}", db.display()),
            "COMPLAINTS_PER_MINUTE" | "LOOKUPS_PER_MINUTE" | "UPLOADS_PER_MINUTE" => "0".to_string(),
            "DATA_KEY" => key.clone(),
            _ => return None,
        })
    })
    .unwrap();
    let server = jmo_selfhelp_server::start(config, std::future::pending()).await.unwrap_or_else(|e| panic!("{e}"));
    let url = format!("http://{}/api/v1/complaints", server.addr);
    println!("abuse-bench: server on {}, {} cores, complaints at {rate}/s for {seconds} s", server.addr,
        std::thread::available_parallelism().map_or(0, |n| n.get()));
    let _ = fixed_rate(&url, 100, 1).await;
    let (quiet, quiet_failed) = fixed_rate(&url, rate, seconds).await;

    let stats = Arc::new(Trickle::default());
    let until = Instant::now() + Duration::from_secs(seconds + 3);
    for i in 0..connections {
        let from = [127, 0, 2, (i % 50) as u8 + 1];
        tokio::spawn(trickler(server.addr, from, stats.clone(), until, reconnect));
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (busy, busy_failed) = fixed_rate(&url, rate, seconds).await;

    println!();
    println!("{:<60} {:>8} {:>8} {:>8} {:>8}", "", "201", "not", "p50 ms", "p99 ms");
    println!("{:<60} {:>8} {:>8} {:>8.2} {:>8.2}", format!("complaints at {rate}/s, no trickle"), quiet.len(), quiet_failed, pct(&quiet, 0.5), pct(&quiet, 0.99));
    println!("{:<60} {:>8} {:>8} {:>8.2} {:>8.2}", format!("complaints at {rate}/s, {connections} connections trickling uploads (reconnect {} ms)", reconnect.as_millis()),
        busy.len(), busy_failed, pct(&busy, 0.5), pct(&busy, 0.99));
    println!();
    println!(
        "trickling uploads: {} connections made, {} answered 503 at once (upload budget or connection cap), {} other answers, {} cut off",
        stats.connected.load(Ordering::Relaxed),
        stats.refused_503.load(Ordering::Relaxed),
        stats.other_answers.load(Ordering::Relaxed),
        stats.cut_off.load(Ordering::Relaxed)
    );
    let _ = server.stop().await;
}
