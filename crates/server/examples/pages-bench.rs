//! Pages benchmark: how fast the server draws a page of the guide with the widget's components.
//!  1. renders the deepest step of the longest guide in-process, one after another → median and
//!     p99 per page (the budget: ≤ 1 ms median);
//!  2. the same page over HTTP from the running server on loopback, with concurrent clients
//!     (closed loop, gzip asked for, as a phone would) → pages/s, p50/p99;
//!  3. every step of every guide in both languages (and the check page) as sent, gzip: the HTML
//!     and CSS that show a step (the CSS is inlined) against one TCP initial window (14 KB), and
//!     the pages that wait for a stylesheet after the HTML (none should: form.css is inlined too).
//!
//! cargo run -p jmo-selfhelp-server --profile server --example pages-bench -- [--seconds 5] [--clients 16]

use std::time::{Duration, Instant};

use jmo_guide::link::Link;
use jmo_guide::walk::Walk;
use jmo_selfhelp::state::Opening;
use jmo_selfhelp_server::Config;

fn arg(name: &str, default: u64) -> u64 {
    let argv: Vec<String> = std::env::args().collect();
    argv.iter().position(|a| a == name).and_then(|i| argv.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The deepest node of the guide with the longest shortest way: a deep link with many answers.
fn deep_link() -> String {
    let catalog = jmo_selfhelp::content::bundled();
    let mut best = (0, String::new());
    for guide in catalog.guides.iter() {
        for index in 0..guide.nodes.len() {
            if let Some(walk) = Walk::shortest_to(guide, index) {
                if walk.answers().len() >= best.0 {
                    best = (walk.answers().len(), Link::to_step(guide, &walk).with_lang(Some(jmo_guide::Language::Id)).encode());
                }
            }
        }
    }
    best.1
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main]
async fn main() {
    let seconds = arg("--seconds", 5).clamp(1, 60);
    let clients = arg("--clients", 16).clamp(1, 256) as usize;
    let address = deep_link();
    println!("deep link: {address}");

    let today = jmo_selfhelp_server::pages::today();
    let mut times = Vec::new();
    let until = Instant::now() + Duration::from_secs(seconds);
    while Instant::now() < until {
        let started = Instant::now();
        let page = jmo_selfhelp::ssr::render(Opening::new(address.clone(), today)).await;
        times.push(started.elapsed());
        assert!(page.found && page.body.contains("screen-title"));
    }
    times.sort();
    println!(
        "render in-process: {} pages, median {:.3} ms, p99 {:.3} ms ({:.0} pages/s on one task)",
        times.len(),
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
        times.len() as f64 / seconds as f64
    );

    let dir = tempfile_dir();
    let mut config = Config::from_lookup(|key| match key {
        "JMO_DEV" => Some("1".into()),
        "LISTEN_ADDR" => Some("127.0.0.1:0".into()),
        "DATABASE_URL" => Some(format!("sqlite://{}/bench.db", dir.display())),
        "WIDGET_DIR" => Some(concat!(env!("CARGO_MANIFEST_DIR"), "/../../dist").into()),
        "CONNECTIONS_PER_CLIENT" => Some("1024".into()),
        "RUST_LOG" => Some("warn".into()),
        _ => None,
    })
    .expect("bench configuration");
    config.max_in_flight = 4096;
    let running = jmo_selfhelp_server::start(config, std::future::pending()).await.expect("the server starts");
    let url = format!("http://{}{address}", running.addr);
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let until = Instant::now() + Duration::from_secs(seconds);
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (client, url) = (client.clone(), url.clone());
            tokio::spawn(async move {
                let mut times = Vec::new();
                while Instant::now() < until {
                    let started = Instant::now();
                    let res = client.get(&url).header("Accept-Encoding", "gzip").send().await.expect("an answer");
                    assert!(res.status().is_success());
                    let _ = res.bytes().await.expect("a body");
                    times.push(started.elapsed());
                }
                times
            })
        })
        .collect();
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    all.sort();
    println!(
        "over HTTP, {clients} clients: {:.0} pages/s, p50 {:.2} ms, p99 {:.2} ms (client and server share the machine)",
        all.len() as f64 / seconds as f64,
        percentile(&all, 0.5).as_secs_f64() * 1e3,
        percentile(&all, 0.99).as_secs_f64() * 1e3
    );
    page_sizes(&client, running.addr).await;
    let _ = running.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// One TCP initial window (10 segments of about 1.4 KB): what arrives in the first round trip.
const FIRST_WINDOW_BYTES: usize = 14 * 1024;

async fn page_sizes(client: &reqwest::Client, addr: std::net::SocketAddr) {
    let catalog = jmo_selfhelp::content::bundled();
    let mut addresses = Vec::new();
    for lang in jmo_guide::Language::ALL {
        addresses.push(format!("/?lang={}", lang.as_str()));
        addresses.push(format!("/check?lang={}", lang.as_str()));
        for guide in catalog.guides.iter() {
            for index in 0..guide.nodes.len() {
                if let Some(walk) = Walk::shortest_to(guide, index) {
                    addresses.push(Link::to_step(guide, &walk).with_lang(Some(lang)).encode());
                }
            }
        }
    }
    let mut sizes = Vec::new();
    let mut waiting_for_css = 0;
    for address in &addresses {
        let res = client.get(format!("http://{addr}{address}")).header("Accept-Encoding", "gzip").send().await.expect("an answer");
        assert!(res.status().is_success(), "{address}: {}", res.status());
        let body = res.bytes().await.expect("a body");
        let html = String::from_utf8_lossy(&gunzip(&body)).into_owned();
        if html.contains("rel=\"stylesheet\"") || html.contains("rel=stylesheet") {
            waiting_for_css += 1;
        }
        sizes.push((body.len(), address.clone()));
    }
    sizes.sort();
    let (largest, at) = sizes.last().cloned().unwrap_or_default();
    let over = sizes.iter().filter(|(n, _)| *n > FIRST_WINDOW_BYTES).count();
    println!(
        "pages as sent (gzip), {} pages: median {:.1} KB, largest {:.1} KB ({at}); {over} over the {} KB first window [{}]; {waiting_for_css} wait for a stylesheet after the HTML [{}]",
        sizes.len(),
        sizes[sizes.len() / 2].0 as f64 / 1024.0,
        largest as f64 / 1024.0,
        FIRST_WINDOW_BYTES / 1024,
        if over == 0 { "ok" } else { "MISSED" },
        if waiting_for_css == 0 { "ok" } else { "MISSED" },
    );
}

/// The page's text from its gzip body (the server compresses pages itself).
fn gunzip(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut decoder = flate2::read::GzDecoder::new(body);
    std::io::Read::read_to_end(&mut decoder, &mut out).map(|_| out).unwrap_or_else(|_| body.to_vec())
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("jmo-pages-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
