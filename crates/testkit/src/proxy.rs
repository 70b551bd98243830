//! A loopback HTTP/1.1 proxy in front of the server: clients (Chromium, the outbox's transport)
//! talk to it as if it were the server. One request per connection (forwarded with
//! `Connection: close`), every request recorded with what was done to it. Complaints
//! (`POST /api/v1/complaints`) get a [`Fault`]: one set by the test ([`FaultProxy::set_fault`])
//! or one drawn per connection from a seed ([`FaultProxy::set_random_faults`]); every other
//! request goes through. The server behind it may be killed, stopped and started again: while
//! there is none, connections are closed without an answer, as a refused connection would be.

use crate::http;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What the proxy does to a complaint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Forwarded to the server, its answer relayed.
    Pass,
    /// Read, then the connection is closed without an answer, as when the server is unreachable.
    Drop,
    /// Forwarded; the server stores the complaint and answers, but the answer is lost (the
    /// connection is closed instead), as when the network or server dies mid-submission.
    LoseAnswer,
    /// The head is forwarded at once and the body only after this long, like a slow uplink:
    /// the server holds the idempotency key meanwhile.
    StallBody(Duration),
    /// Forwarded; the answer is relayed only after this long.
    StallAnswer(Duration),
    /// `503 Service Unavailable` from the proxy itself (with `Retry-After: 1` or without),
    /// without reaching the server.
    Unavailable { retry_after: bool },
}

/// Faults drawn per connection: per mille of connections for each, the rest pass.
#[derive(Clone, Copy, Debug)]
pub struct RandomFaults {
    pub drop: u64,
    pub lose_answer: u64,
    pub stall_body: u64,
    pub stall_answer: u64,
    /// About a quarter of them with `Retry-After: 1`.
    pub unavailable: u64,
    /// How long a stall lasts (longer than the client's time limit, to make it one).
    pub stall: Duration,
    pub seed: u64,
}

impl RandomFaults {
    /// The fault of connection number `n`: the same seed gives the same faults.
    fn draw(&self, n: u64) -> Fault {
        let draw = splitmix(self.seed ^ n) % 1000;
        let mut bound = 0;
        for (per_mille, fault) in [
            (self.drop, Fault::Drop),
            (self.lose_answer, Fault::LoseAnswer),
            (self.stall_body, Fault::StallBody(self.stall)),
            (self.stall_answer, Fault::StallAnswer(self.stall)),
            (self.unavailable, Fault::Unavailable { retry_after: draw.is_multiple_of(4) }),
        ] {
            bound += per_mille;
            if draw < bound {
                return fault;
            }
        }
        Fault::Pass
    }
}

fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// What happened to a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Forwarded and answered.
    Passed,
    /// [`Fault::Drop`].
    Dropped,
    /// [`Fault::LoseAnswer`]: the server answered, the client never heard.
    LostAnswer,
    /// [`Fault::StallBody`], then answered.
    StalledBody,
    /// [`Fault::StallAnswer`], then answered.
    StalledAnswer,
    /// [`Fault::Unavailable`]: 503 from the proxy.
    Unavailable,
    /// No server to connect to (stopped, or between a kill and the restart).
    ServerDown,
    /// The server went away with this request in flight: no whole answer.
    CutOff,
}

/// One request the proxy saw.
#[derive(Clone, Debug)]
pub struct SeenRequest {
    pub method: String,
    pub path: String,
    pub content_type: Option<String>,
    pub content_length: Option<u64>,
    pub idempotency_key: Option<String>,
    /// The body as the client sent it.
    pub body: Vec<u8>,
    pub outcome: Outcome,
    /// The status of the answer the client got (none: no answer).
    pub status: Option<u16>,
}

#[derive(Clone, Copy)]
enum Mode {
    Fixed(Fault),
    Random(RandomFaults),
}

struct Shared {
    closed: AtomicBool,
    upstream: Mutex<Option<SocketAddr>>,
    mode: Mutex<Mode>,
    seen: Mutex<Vec<SeenRequest>>,
    changed: tokio::sync::Notify,
}

/// The proxy; it stops accepting when dropped.
pub struct FaultProxy {
    pub addr: SocketAddr,
    /// `http://<addr>`.
    pub base: String,
    shared: Arc<Shared>,
}

impl FaultProxy {
    /// A proxy to `upstream`, letting everything pass.
    pub fn start(upstream: SocketAddr) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        let addr = listener.local_addr().unwrap();
        let shared = Arc::new(Shared {
            closed: AtomicBool::new(false),
            upstream: Mutex::new(Some(upstream)),
            mode: Mutex::new(Mode::Fixed(Fault::Pass)),
            seen: Mutex::new(Vec::new()),
            changed: tokio::sync::Notify::new(),
        });
        let accepting = shared.clone();
        std::thread::spawn(move || {
            for (n, stream) in listener.incoming().enumerate() {
                // The proxy is closed: stop accepting (a last connection wakes this up).
                if accepting.closed.load(SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    let shared = accepting.clone();
                    std::thread::spawn(move || handle(stream, n as u64, &shared));
                }
            }
        });
        FaultProxy { addr, base: format!("http://{addr}"), shared }
    }

    /// `path` through the proxy, e.g. `/#/login?lang=en`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Where requests go from now on; `None`: there is no server.
    pub fn set_upstream(&self, upstream: Option<SocketAddr>) {
        *self.shared.upstream.lock().unwrap() = upstream;
    }

    /// Every complaint from now on gets `fault`.
    pub fn set_fault(&self, fault: Fault) {
        *self.shared.mode.lock().unwrap() = Mode::Fixed(fault);
    }

    /// Every complaint from now on gets a fault drawn for its connection.
    pub fn set_random_faults(&self, faults: RandomFaults) {
        *self.shared.mode.lock().unwrap() = Mode::Random(faults);
    }

    /// Every request seen so far, in the order they were done with.
    pub fn seen(&self) -> Vec<SeenRequest> {
        self.shared.seen.lock().unwrap().clone()
    }

    /// The complaints (`POST /api/v1/complaints`) seen so far.
    pub fn complaint_posts(&self) -> Vec<SeenRequest> {
        self.seen().into_iter().filter(|r| r.method == "POST" && r.path == "/api/v1/complaints").collect()
    }

    /// How many requests ended with `outcome`.
    pub fn count(&self, outcome: Outcome) -> usize {
        self.shared.seen.lock().unwrap().iter().filter(|r| r.outcome == outcome).count()
    }

    /// Waits (30 s at most) until `done` holds for the requests seen.
    pub async fn wait_until(&self, what: &str, done: impl Fn(&[SeenRequest]) -> bool) -> Result<(), String> {
        const LIMIT: Duration = Duration::from_secs(30);
        let deadline = Instant::now() + LIMIT;
        loop {
            let notified = self.shared.changed.notified();
            if done(&self.seen()) {
                return Ok(());
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                let seen: Vec<String> = self.seen().iter().map(|r| format!("{} {} → {:?}", r.method, r.path, r.outcome)).collect();
                return Err(format!("waited {LIMIT:?} for {what}; the proxy saw:\n{}", seen.join("\n")));
            }
            let _ = tokio::time::timeout(left.min(Duration::from_millis(200)), notified).await;
        }
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        // Wake the accepting thread so it sees the proxy is closed.
        self.shared.closed.store(true, SeqCst);
        let _ = TcpStream::connect(self.addr);
    }
}

/// The head (up to and with its blank line) and the body (`Content-Length` long).
fn read_request(client: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    // Browsers open connections ahead of time and may leave them unused for a while.
    client.set_read_timeout(Some(Duration::from_secs(120))).ok()?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4) {
            let head = String::from_utf8_lossy(&buf[..end]).into_owned();
            let len: usize = header(&head, "content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
            if buf.len() >= end + len {
                let body = buf[end..end + len].to_vec();
                return Some((head, body));
            }
        } else if buf.len() > 64 * 1024 {
            return None;
        }
        match client.read(&mut chunk) {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

fn header(head: &str, name: &str) -> Option<String> {
    head.split("\r\n").skip(1).find_map(|l| l.split_once(':').filter(|(k, _)| k.trim().eq_ignore_ascii_case(name)).map(|(_, v)| v.trim().to_owned()))
}

fn handle(mut client: TcpStream, n: u64, shared: &Shared) {
    let Some((head, body)) = read_request(&mut client) else { return };
    let request_line = head.split("\r\n").next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let (method, path) = (parts.next().unwrap_or_default().to_owned(), parts.next().unwrap_or_default().to_owned());
    let is_complaint = method == "POST" && path.split('?').next() == Some("/api/v1/complaints");
    let fault = match *shared.mode.lock().unwrap() {
        _ if !is_complaint => Fault::Pass,
        Mode::Fixed(fault) => fault,
        Mode::Random(faults) => faults.draw(n),
    };
    // What the client gets, and after how long: sent once the outcome is recorded, so a client
    // that has its answer (or lost its connection) finds its request in [`FaultProxy::seen`].
    let (outcome, reply, delay) = match fault {
        Fault::Drop => (Outcome::Dropped, None, None),
        Fault::Unavailable { retry_after } => {
            let body = r#"{"errors":[{"code":"overloaded"}]}"#;
            let extra = if retry_after { "Retry-After: 1\r\n" } else { "" };
            let answer = format!(
                "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            (Outcome::Unavailable, Some(answer.into_bytes()), None)
        }
        Fault::Pass | Fault::LoseAnswer | Fault::StallBody(_) | Fault::StallAnswer(_) => {
            let upstream = *shared.upstream.lock().unwrap();
            let stall_body = match fault {
                Fault::StallBody(stall) => Some(stall),
                _ => None,
            };
            match (forward(upstream, &method, &head, &body, stall_body), fault) {
                (Err(outcome), _) => (outcome, None, None),
                (Ok(_), Fault::LoseAnswer) => (Outcome::LostAnswer, None, None),
                (Ok(answer), Fault::StallAnswer(stall)) => (Outcome::StalledAnswer, Some(answer), Some(stall)),
                (Ok(answer), Fault::StallBody(_)) => (Outcome::StalledBody, Some(answer), None),
                (Ok(answer), _) => (Outcome::Passed, Some(answer), None),
            }
        }
    };
    shared.seen.lock().unwrap().push(SeenRequest {
        method,
        path,
        content_type: header(&head, "content-type"),
        content_length: header(&head, "content-length").and_then(|v| v.parse().ok()),
        idempotency_key: header(&head, "idempotency-key"),
        body,
        outcome,
        status: reply.as_deref().and_then(status_of),
    });
    shared.changed.notify_waiters();
    if let Some(delay) = delay {
        std::thread::sleep(delay);
    }
    if let Some(reply) = reply {
        let _ = client.write_all(&reply);
    }
    let _ = client.shutdown(Shutdown::Both);
}

/// The same request, made the last on its connection, and the server's whole answer.
fn forward(upstream: Option<SocketAddr>, method: &str, head: &str, body: &[u8], stall_body: Option<Duration>) -> Result<Vec<u8>, Outcome> {
    let addr = upstream.ok_or(Outcome::ServerDown)?;
    let mut server = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).map_err(|_| Outcome::ServerDown)?;
    let mut forwarded = String::new();
    for line in head.split("\r\n").filter(|l| !l.is_empty()) {
        let name = line.split(':').next().unwrap_or_default().trim();
        if name.eq_ignore_ascii_case("connection") || name.eq_ignore_ascii_case("keep-alive") {
            continue;
        }
        forwarded.push_str(line);
        forwarded.push_str("\r\n");
    }
    forwarded.push_str("Connection: close\r\n\r\n");
    server.write_all(forwarded.as_bytes()).map_err(|_| Outcome::CutOff)?;
    if let Some(stall) = stall_body {
        std::thread::sleep(stall);
    }
    server.write_all(body).map_err(|_| Outcome::CutOff)?;
    let _ = server.set_read_timeout(Some(Duration::from_secs(120)));
    let mut answer = Vec::new();
    server.read_to_end(&mut answer).map_err(|_| Outcome::CutOff)?;
    whole_answer(method, &answer).then_some(answer).ok_or(Outcome::CutOff)
}

/// The status code of an HTTP answer (`HTTP/1.1 202 Accepted` → 202).
fn status_of(answer: &[u8]) -> Option<u16> {
    let line = answer.split(|&b| b == b'\r').next()?;
    std::str::from_utf8(line).ok()?.split(' ').nth(1)?.parse().ok()
}

/// True when `answer` is a whole HTTP answer (head, and all of its body when it has one).
fn whole_answer(method: &str, answer: &[u8]) -> bool {
    let Some(end) = answer.windows(4).position(|w| w == b"\r\n\r\n") else { return false };
    let status = String::from_utf8_lossy(&answer[..end]).split(' ').nth(1).and_then(|s| s.parse::<u16>().ok());
    match status {
        None => false,
        Some(s) if method == "HEAD" || s < 200 || s == 204 || s == 304 => true,
        Some(_) => http::is_whole(answer),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_answers_are_told_from_cut_ones() {
        let png = b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 4\r\n\r\n\x89PNG";
        assert!(whole_answer("GET", png));
        assert!(!whole_answer("GET", &png[..png.len() - 1]));
        assert!(whole_answer("GET", b"HTTP/1.1 304 Not Modified\r\nContent-Length: 4\r\n\r\n"));
        assert!(whole_answer("HEAD", b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n"));
        assert!(!whole_answer("POST", b"HTTP/1.1 201 Created\r\nContent-Le"));
        assert!(!whole_answer("POST", b""));
    }

    #[test]
    fn the_draw_follows_the_per_mille() {
        let faults = RandomFaults { drop: 100, lose_answer: 100, stall_body: 100, stall_answer: 100, unavailable: 100, stall: Duration::ZERO, seed: 1 };
        let passed = (0..10_000).filter(|&n| faults.draw(n) == Fault::Pass).count();
        assert!((4_500..5_500).contains(&passed), "{passed}");
        assert_eq!((0..100).map(|n| faults.draw(n)).collect::<Vec<_>>(), (0..100).map(|n| faults.draw(n)).collect::<Vec<_>>());
    }
}
