//! Walk reports under a flood of forgeries:
//!
//! ```sh
//! cargo run -p jmo-selfhelp-server --profile server --example walks-bench   # [--valid 2000 --forged 10000 --clients 32]
//! ```
//!
//! Starts the server in-process on a fresh SQLite file, sends `--valid` possible walk reports
//! (each a real walk of a guide, some sent twice) mixed with `--forged` forged or malformed ones
//! from `--clients` connections at once, and prints the reports a second, p50/p99 of each kind,
//! and whether the counts equal the valid walks exactly (forgeries counted: none; 5xx: none).

use jmo_guide::link::Link;
use jmo_guide::walk::Walk;
use jmo_guide::NodeKind;
use jmo_selfhelp_server::Config;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Every walk of every guide that reaches a node, and the report of it.
fn possible_reports(day: &str) -> Vec<serde_json::Value> {
    let catalog = jmo_selfhelp::content::bundled();
    let mut out = Vec::new();
    for guide in catalog.guides.iter() {
        for at in 0..guide.nodes.len() {
            let Some(walk) = Walk::shortest_to(guide, at) else { continue };
            let outcome = match walk.current_node(guide).kind {
                NodeKind::Resolved => "resolved",
                NodeKind::Escalate(_) => "escalated",
                _ => "left",
            };
            out.push(serde_json::json!({
                "step": Link::to_step(guide, &walk).encode(), "version": &*catalog.version, "outcome": outcome,
                "delivered": false, "lang": "id", "embedding": "web", "day": day, "nonce": "",
            }));
        }
    }
    out
}

/// The `n`-th forgery: a possible report with one field broken, or bytes that are no report.
fn forged(n: usize, base: &serde_json::Value) -> String {
    let mut r = base.clone();
    r["nonce"] = format!("forged-{n:012}-bench").into();
    match n % 10 {
        0 => r["step"] = "/login/no_such_node".into(),
        1 => r["step"] = format!("{}~nowhere.yes", r["step"].as_str().unwrap_or_default()).into(),
        2 => r["outcome"] = if r["outcome"] == "resolved" { "left" } else { "resolved" }.into(),
        3 => r["version"] = "0000000000".into(),
        4 => r["day"] = "2999-12-31".into(),
        5 => r["name"] = "Siti Rahayu".into(),
        6 => r["nonce"] = "<script>".into(),
        7 => return "{\"step\":".repeat(n % 50 + 1),
        8 => return String::from_utf8_lossy(&(0..(n % 500)).map(|i| (i * 31 + n) as u8).collect::<Vec<u8>>()).into_owned(),
        _ => r["delivered"] = true.into(),
    }
    if n % 10 == 9 && r["outcome"] == "escalated" {
        r["step"] = "/".into();
    }
    r.to_string()
}

fn pct(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize] as f64 / 1000.0
}

#[tokio::main]
async fn main() {
    let (valid, forgeries, clients) = (arg("--valid", 2000), arg("--forged", 10_000), arg("--clients", 32));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bench.db");
    let key = jmo_selfhelp_server::crypto::generate_key();
    let token = "walks-bench-staff-token".to_string();
    let config = Config::from_lookup(|k| {
        Some(match k {
            "LISTEN_ADDR" => "127.0.0.1:0".to_string(),
            "DATABASE_URL" => format!("sqlite://{}", db.display()),
            "WALKS_PER_MINUTE" => "0".to_string(),
            "STAFF_TOKEN" => token.clone(),
            "DATA_KEY" => key.clone(),
            _ => return None,
        })
    })
    .unwrap();
    let server = jmo_selfhelp_server::start(config, std::future::pending()).await.unwrap_or_else(|e| panic!("{e}"));
    let base = format!("http://{}", server.addr);
    let today = jmo_contract::Date::in_jakarta(jmo_selfhelp_server::clock::now().unix()).to_string();
    let possible = possible_reports(&today);

    // The requests, shuffled deterministically: valid ones (every 10th sent twice) among forgeries.
    let mut bodies: Vec<(bool, String)> = Vec::new();
    for i in 0..valid {
        let mut r = possible[i % possible.len()].clone();
        r["nonce"] = format!("valid-walk-{i:012}").into();
        bodies.push((true, r.to_string()));
        if i % 10 == 0 {
            bodies.push((true, r.to_string()));
        }
    }
    for n in 0..forgeries {
        bodies.push((false, forged(n, &possible[n % possible.len()])));
    }
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    for i in (1..bodies.len()).rev() {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        bodies.swap(i, (seed % (i as u64 + 1)) as usize);
    }
    let total = bodies.len();
    let bodies = Arc::new(bodies);
    let next = Arc::new(AtomicUsize::new(0));
    let times = Arc::new(Mutex::new((Vec::new(), Vec::new())));
    let statuses = Arc::new(Mutex::new(std::collections::BTreeMap::<(bool, u16), usize>::new()));
    let client = reqwest::Client::builder().no_proxy().timeout(Duration::from_secs(30)).build().unwrap();
    let url = format!("{base}/api/v1/walks");
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (bodies, next, times, statuses, client, url) = (bodies.clone(), next.clone(), times.clone(), statuses.clone(), client.clone(), url.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((is_valid, body)) = bodies.get(i) else { break };
                let t = Instant::now();
                let status = match client.post(&url).header("content-type", "text/plain;charset=UTF-8").body(body.clone()).send().await {
                    Ok(r) => r.status().as_u16(),
                    Err(_) => 0,
                };
                let us = t.elapsed().as_micros() as u64;
                {
                    let mut t = times.lock().unwrap();
                    if *is_valid { t.0.push(us) } else { t.1.push(us) }
                }
                *statuses.lock().unwrap().entry((*is_valid, status)).or_default() += 1;
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let elapsed = started.elapsed();
    let stats: serde_json::Value =
        client.get(format!("{base}/api/v1/staff/walks")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    let counted: u64 = stats["guides"].as_array().unwrap().iter().map(|g| g["total"]["walks"].as_u64().unwrap_or(0)).sum();

    let (mut valid_us, mut forged_us) = std::mem::take(&mut *times.lock().unwrap());
    valid_us.sort_unstable();
    forged_us.sort_unstable();
    println!("walks-bench: SQLite {}, server on {}, {} cores, {clients} clients", db.display(), server.addr,
        std::thread::available_parallelism().map_or(0, |n| n.get()));
    println!("{} requests ({valid} possible walks, {} resends, {forgeries} forged or malformed) in {:.2} s: {:.0} reports/s",
        total, valid.div_ceil(10), elapsed.as_secs_f64(), total as f64 / elapsed.as_secs_f64());
    println!("{:<28} {:>10} {:>10}", "", "p50 ms", "p99 ms");
    println!("{:<28} {:>10.2} {:>10.2}", "possible reports (202)", pct(&valid_us, 0.5), pct(&valid_us, 0.99));
    println!("{:<28} {:>10.2} {:>10.2}", "forged reports (4xx)", pct(&forged_us, 0.5), pct(&forged_us, 0.99));
    let statuses = statuses.lock().unwrap();
    let answers: Vec<String> = statuses.iter().map(|((v, s), n)| format!("{} {s}: {n}", if *v { "possible" } else { "forged" })).collect();
    println!("answers: {}", answers.join(", "));
    let server_errors: usize = statuses.iter().filter(|((_, s), _)| *s >= 500 || *s == 0).map(|(_, n)| n).sum();
    let forged_accepted: usize = statuses.iter().filter(|((v, s), _)| !*v && *s < 400).map(|(_, n)| n).sum();
    println!("walks counted: {counted} of {valid} possible ({})", if counted == valid as u64 { "exact" } else { "MISSED" });
    println!("forged reports accepted: {forged_accepted}; 5xx or no answer: {server_errors}");
    if counted != valid as u64 || forged_accepted > 0 || server_errors > 0 {
        std::process::exit(1);
    }
}
