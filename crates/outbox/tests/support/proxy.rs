//! A fault-injecting TCP proxy on loopback between the outbox's transport and the server. Per
//! connection it reads the whole request, then (by a seeded draw) passes it on, drops the
//! connection before or after the server has the request, stalls past the client's time limit
//! in the middle of the request or before relaying the answer, or answers 503 itself. While the server is down (between a
//! kill -9 and its restart) connections are dropped, like a refused connection.

use super::http;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug, Default)]
pub struct Faults {
    pub passed: AtomicU64,
    pub dropped_before: AtomicU64,
    pub dropped_after: AtomicU64,
    pub stalled_body: AtomicU64,
    pub stalled_after: AtomicU64,
    pub answered_503: AtomicU64,
    /// No server to connect to (between a kill and the restart).
    pub server_down: AtomicU64,
    /// The server was killed with this request in flight.
    pub cut_by_kill: AtomicU64,
}

impl Faults {
    pub fn injected(&self) -> u64 {
        [
            &self.dropped_before,
            &self.dropped_after,
            &self.stalled_body,
            &self.stalled_after,
            &self.answered_503,
            &self.server_down,
            &self.cut_by_kill,
        ]
            .iter()
            .map(|c| c.load(Relaxed))
            .sum()
    }
}

pub struct Proxy {
    pub addr: SocketAddr,
    pub upstream: Arc<Mutex<Option<SocketAddr>>>,
    pub faults: Arc<Faults>,
    /// Faults are drawn only while this is set.
    pub enabled: Arc<AtomicBool>,
}

pub struct Config {
    /// Per mille of connections for each fault.
    pub drop_before: u64,
    pub drop_after: u64,
    pub stall_body: u64,
    pub stall_after: u64,
    pub answer_503: u64,
    /// Longer than the client's time limit.
    pub stall: Duration,
    pub seed: u64,
}

enum Fault {
    Pass,
    DropBefore,
    DropAfter,
    StallBody,
    StallAfter,
    Answer503 { retry_after: bool },
}

fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Proxy {
    pub fn start(config: Config) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("proxy bind");
        let addr = listener.local_addr().unwrap();
        let upstream = Arc::new(Mutex::new(None));
        let faults = Arc::new(Faults::default());
        let enabled = Arc::new(AtomicBool::new(true));
        let config = Arc::new(config);
        let (up, f, en) = (upstream.clone(), faults.clone(), enabled.clone());
        std::thread::spawn(move || {
            for (n, conn) in listener.incoming().enumerate() {
                let Ok(client) = conn else { continue };
                let draw = splitmix(config.seed ^ n as u64) % 1000;
                let c = &config;
                let fault = if !en.load(Relaxed) {
                    Fault::Pass
                } else if draw < c.drop_before {
                    Fault::DropBefore
                } else if draw < c.drop_before + c.drop_after {
                    Fault::DropAfter
                } else if draw < c.drop_before + c.drop_after + c.stall_body {
                    Fault::StallBody
                } else if draw < c.drop_before + c.drop_after + c.stall_body + c.stall_after {
                    Fault::StallAfter
                } else if draw < c.drop_before + c.drop_after + c.stall_body + c.stall_after + c.answer_503 {
                    Fault::Answer503 { retry_after: draw.is_multiple_of(4) }
                } else {
                    Fault::Pass
                };
                let (up, f, stall) = (up.clone(), f.clone(), c.stall);
                std::thread::spawn(move || handle(client, fault, up, f, stall));
            }
        });
        Proxy { addr, upstream, faults, enabled }
    }

    pub fn set_upstream(&self, addr: Option<SocketAddr>) {
        *self.upstream.lock().unwrap() = addr;
    }
}

fn read_request(stream: &mut TcpStream) -> Option<Vec<u8>> {
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let len = head.lines().find_map(|l| l.strip_prefix("content-length:")).and_then(|v| v.trim().parse::<usize>().ok()).unwrap_or(0);
            if buf.len() >= end + 4 + len {
                return Some(buf);
            }
        }
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// Sends the request to the server and reads its whole answer; `Err(true)` if the server died
/// before answering, `Err(false)` if there was none to connect to. With `stall`, the body follows the head only after that long, like a
/// slow uplink: the server holds the idempotency key meanwhile.
fn forward(request: &[u8], upstream: &Mutex<Option<SocketAddr>>, stall: Option<Duration>) -> Result<Vec<u8>, bool> {
    let addr = (*upstream.lock().unwrap()).ok_or(false)?;
    let mut server = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).map_err(|_| false)?;
    exchange(&mut server, request, stall).ok_or(true)
}

fn exchange(server: &mut TcpStream, request: &[u8], stall: Option<Duration>) -> Option<Vec<u8>> {
    let head_end = request.windows(4).position(|w| w == b"\r\n\r\n").map_or(request.len(), |p| p + 4);
    server.write_all(&request[..head_end]).ok()?;
    if let Some(stall) = stall {
        std::thread::sleep(stall);
    }
    server.write_all(&request[head_end..]).ok()?;
    server.set_read_timeout(Some(Duration::from_secs(20))).ok()?;
    let mut answer = Vec::new();
    server.read_to_end(&mut answer).ok()?;
    http::parse(&answer, true).is_some().then_some(answer)
}

fn handle(mut client: TcpStream, fault: Fault, upstream: Arc<Mutex<Option<SocketAddr>>>, f: Arc<Faults>, stall: Duration) {
    let Some(request) = read_request(&mut client) else { return };
    let forwarded = |slow_body: Option<Duration>| {
        match forward(&request, &upstream, slow_body) {
            Ok(answer) => Some(answer),
            Err(cut) => {
                (if cut { &f.cut_by_kill } else { &f.server_down }).fetch_add(1, Relaxed);
                None
            }
        }
    };
    match fault {
        Fault::Pass => {
            if let Some(answer) = forwarded(None) {
                f.passed.fetch_add(1, Relaxed);
                let _ = client.write_all(&answer);
            }
        }
        Fault::DropBefore => {
            f.dropped_before.fetch_add(1, Relaxed);
        }
        // The server stores the complaint; the client never hears of it.
        Fault::DropAfter => {
            if forwarded(None).is_some() {
                f.dropped_after.fetch_add(1, Relaxed);
            }
        }
        // The body reaches the server after the client gave up and is retrying: the retries meet
        // the key still in use (409) until this request is stored.
        Fault::StallBody => {
            if let Some(answer) = forwarded(Some(stall)) {
                f.stalled_body.fetch_add(1, Relaxed);
                let _ = client.write_all(&answer);
            }
        }
        Fault::StallAfter => {
            if let Some(answer) = forwarded(None) {
                f.stalled_after.fetch_add(1, Relaxed);
                std::thread::sleep(stall);
                let _ = client.write_all(&answer);
            }
        }
        Fault::Answer503 { retry_after } => {
            f.answered_503.fetch_add(1, Relaxed);
            let body = r#"{"errors":[{"code":"overloaded"}]}"#;
            let extra = if retry_after { "Retry-After: 1\r\n" } else { "" };
            let _ = write!(
                client,
                "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    }
    let _ = client.shutdown(Shutdown::Both);
}
