//! The server under abuse, black-box against the real binary (`jmo-testkit`, a SQLite file,
//! loopback HTTP): bounded image decoding, uploads kept for late complaints and claimed only by
//! theirs, ticket lookups locked after failures (across two instances on one database), the
//! client address behind trusted proxies (IPv6 by /64), connection caps and timeouts, in-flight
//! budgets, and `Cache-Control: no-store` on API answers.

mod support;

use reqwest::StatusCode;
use serde_json::json;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};
use support::scenarios::{assert_localized, codes_of, error_body, post_lookup};
use support::*;

/// A WebP file whose header says `w` × `h` (lossless, VP8L) followed by a few bytes of nothing:
/// what a hostile client sends to make a server allocate `w * h * 4` bytes.
fn webp_header_only(w: u32, h: u32) -> Vec<u8> {
    let bits: u32 = (w - 1) | ((h - 1) << 14);
    let mut vp8l = vec![0x2f];
    vp8l.extend_from_slice(&bits.to_le_bytes());
    vp8l.extend_from_slice(&[0u8; 27]);
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&((4 + 8 + vp8l.len()) as u32).to_le_bytes());
    out.extend_from_slice(b"WEBP");
    out.extend_from_slice(b"VP8L");
    out.extend_from_slice(&(vp8l.len() as u32).to_le_bytes());
    out.extend_from_slice(&vp8l);
    out
}

/// Images: the header's size is checked before decoding (an 8000 × 8000 WebP of a few bytes is
/// refused at once, as is a real PNG of 4097 px), and every stored image is a JPEG no larger than
/// the upload limit — a lossless WebP does not grow into a PNG.
#[tokio::test]
async fn images_are_bounded_and_stored_as_jpeg() {
    let (_db, url) = sqlite_db();
    let s = Server::start(&url, &[]);
    let started = Instant::now();
    let res = upload(&s, webp_header_only(8000, 8000), "huge.webp", "image/webp").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let body = error_body(res).await;
    assert_eq!(codes_of(&body), [("file".into(), "image_too_large".into())]);
    assert_localized(&body);
    assert!(started.elapsed() < Duration::from_secs(2), "refusing took {:?}", started.elapsed());
    // Just over a side, a real image.
    let res = upload(&s, png_bytes(4097, 4), "wide.png", "image/png").await;
    assert_eq!(codes_of(&error_body(res).await), [("file".into(), "image_too_large".into())]);
    // 4096 × 4096 announced is allowed by the header check (and then does not decode: corrupt).
    let res = upload(&s, webp_header_only(4096, 4096), "big.webp", "image/webp").await;
    assert_eq!(codes_of(&error_body(res).await), [("".into(), "image_corrupt".into())]);

    // A noisy lossless WebP: stored as a JPEG, smaller than the limit.
    let noise = image::RgbaImage::from_fn(400, 300, |x, y| {
        let v = (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503)).wrapping_mul(2_246_822_519);
        image::Rgba([v as u8, (v >> 8) as u8, (v >> 16) as u8, if x < 20 { 0 } else { 255 }])
    });
    let mut webp = std::io::Cursor::new(Vec::new());
    noise.write_to(&mut webp, image::ImageFormat::WebP).unwrap();
    let res = upload(&s, webp.into_inner(), "noise.webp", "image/webp").await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let receipt: jmo_contract::AttachmentReceipt = res.json().await.unwrap();
    assert_eq!((receipt.content_type.as_str(), receipt.width, receipt.height), ("image/jpeg", 400, 300));
    assert!(receipt.bytes <= 5 * 1024 * 1024);
    let stored = client().get(s.url(&format!("/api/v1/staff/attachments/{}", receipt.id))).bearer_auth(STAFF_TOKEN).send().await.unwrap();
    assert_eq!(stored.headers()["content-type"], "image/jpeg");
    let bytes = stored.bytes().await.unwrap();
    assert!(bytes.starts_with(&[0xFF, 0xD8]) && bytes.len() as u64 == receipt.bytes);
    // The transparent strip was put on white.
    let decoded = image::load_from_memory(&bytes).unwrap().to_rgb8();
    assert!(decoded.get_pixel(5, 5).0.iter().all(|c| *c > 200), "{:?}", decoded.get_pixel(5, 5));
}

/// An upload is kept 10 days for its complaint — longer than the device's outbox retries one
/// (7 days) — and removed after; the clock is moved with JMO_CLOCK_FILE and the purge runs at
/// start.
#[tokio::test]
async fn unclaimed_uploads_wait_for_a_late_complaint_then_go() {
    let (dir, url) = sqlite_db();
    let clock = dir.path().join("clock");
    std::fs::write(&clock, "0").unwrap();
    let clock_env = clock.display().to_string();
    let mut s = Server::start(&url, &[("JMO_DEV", "1"), ("JMO_CLOCK_FILE", clock_env.as_str())]);
    let up = || async { upload(&s, png_bytes(20, 10), "a.png", "image/png").await.json::<jmo_contract::AttachmentReceipt>().await.unwrap() };
    let (late, never) = (up().await, up().await);
    let day = 86_400;
    std::fs::write(&clock, (8 * day).to_string()).unwrap();
    s.restart();
    let mut c = complaint();
    c["attachments"] = json!([late.id]);
    let res = post_complaint(&s, &new_key(), &c).await;
    assert_eq!(res.status(), StatusCode::CREATED, "a complaint 8 days late lost its image");
    std::fs::write(&clock, (11 * day).to_string()).unwrap();
    s.restart();
    c["attachments"] = json!([never.id]);
    let res = post_complaint(&s, &new_key(), &c).await;
    assert_eq!(error_codes(res).await, [("attachments[0]".into(), "attachment_unknown".into())]);
    let file = s.sqlite_file().unwrap();
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", file.display())).await.unwrap();
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM attachments").fetch_one(&pool).await.unwrap();
    assert_eq!(left, 1, "only the claimed upload remains");
}


/// An upload sent with `Complaint-Key` is claimed only by that complaint (also run on PostgreSQL).
#[tokio::test]
async fn an_upload_is_claimed_only_by_its_complaint() {
    let (_db, url) = sqlite_db();
    scenarios::upload_claimed_only_by_its_complaint(&Server::start(&url, &[])).await;
}

/// Ticket lockouts hold across two instances on one SQLite file (and on PostgreSQL, in
/// tests/postgres.rs).
#[tokio::test]
async fn lookups_lock_per_ticket_across_two_instances() {
    let (_db, url) = sqlite_db();
    scenarios::lookups_lock_per_ticket_across_instances(&url).await;
}



/// Behind a trusted proxy the client is the right-most untrusted X-Forwarded-For entry, and an
/// IPv6 client counts by its /64: 30 failed lookups from one /64 (on 30 different tickets) lock
/// every address in it, not its neighbour /64; forging entries to the left changes nothing.
#[tokio::test]
async fn lookups_lock_per_client_address_and_ipv6_by_64() {
    let (_db, url) = sqlite_db();
    let s = Server::start(&url, &[("TRUSTED_PROXIES", "127.0.0.1/32, 10.0.0.0/8")]);
    for i in 0..30u32 {
        let forwarded = format!("198.51.100.{i}, 2001:db8:1:2:{i:x}::1, 10.1.1.1");
        let res = post_lookup(&s, &format!("JMO-AAAA-AAAA-AAAA-{i:04}"), "1234", Some(&forwarded)).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "attempt {i}");
    }
    let res = post_lookup(&s, "JMO-BBBB-BBBB-BBBB-BBBB", "1234", Some("2001:db8:1:2:ffff:ffff:ffff:ffff")).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().contains_key("retry-after"));
    assert_eq!(codes_of(&error_body(res).await), [("".into(), "lookup_locked".into())]);
    let res = post_lookup(&s, "JMO-BBBB-BBBB-BBBB-BBBB", "1234", Some("2001:db8:1:3::1")).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "the neighbouring /64 is not locked");
    // The TCP peer itself (no header) is another client.
    assert_eq!(post_lookup(&s, "JMO-BBBB-BBBB-BBBB-BBBB", "1234", None).await.status(), StatusCode::NOT_FOUND);
}

/// Rate limits count by the client address: from a trusted proxy the right-most untrusted
/// X-Forwarded-For entry (forged entries to its left are ignored), IPv6 by /64; from any other
/// peer the header is ignored.
#[tokio::test]
async fn forwarded_for_is_believed_only_from_trusted_proxies() {
    let (_db, url) = sqlite_db();
    let limited = [("LOOKUPS_PER_MINUTE", "2"), ("TRUSTED_PROXIES", "127.0.0.1")];
    let s = Server::start(&url, &limited);
    let status = |res: reqwest::Response| res.status();
    let get = |f: &'static str| {
        let s = &s;
        async move { client().get(s.url("/api/v1/complaints/JMO-AAAA?phone_last4=1234")).header("X-Forwarded-For", f).send().await.unwrap() }
    };
    assert_eq!(status(get("1.1.1.1, 203.0.113.7").await), StatusCode::NOT_FOUND);
    assert_eq!(status(get("2.2.2.2, 203.0.113.7").await), StatusCode::NOT_FOUND);
    let res = get("3.3.3.3, 203.0.113.7").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS, "a forged left-hand entry escaped the limit");
    assert!(res.headers().contains_key("retry-after"));
    assert_localized(&error_body(res).await);
    assert_eq!(status(get("203.0.113.8").await), StatusCode::NOT_FOUND);
    assert_eq!(status(get("2001:db8:5:6::1").await), StatusCode::NOT_FOUND);
    assert_eq!(status(get("2001:db8:5:6:aaaa::2").await), StatusCode::NOT_FOUND);
    assert_eq!(status(get("[2001:db8:5:6::3]:4711").await), StatusCode::TOO_MANY_REQUESTS, "same /64");
    assert_eq!(status(get("2001:db8:5:7::1").await), StatusCode::NOT_FOUND, "another /64");

    // Not trusted: the header is ignored, every request is the loopback peer's.
    let (_db2, url2) = sqlite_db();
    let t = Server::start(&url2, &[("LOOKUPS_PER_MINUTE", "2")]);
    let mut statuses = Vec::new();
    for f in ["203.0.113.1", "203.0.113.2", "203.0.113.3"] {
        statuses.push(client().get(t.url("/api/v1/complaints/JMO-AAAA?phone_last4=1234")).header("X-Forwarded-For", f).send().await.unwrap().status());
    }
    assert_eq!(statuses, [StatusCode::NOT_FOUND, StatusCode::NOT_FOUND, StatusCode::TOO_MANY_REQUESTS]);
    // The old switch is refused with a pointer to the new one.
    let (_, message) = launch(&url2).env("TRUST_FORWARDED_FOR", "true").refused();
    assert!(message.contains("TRUSTED_PROXIES"), "{message}");
}

/// Every API answer — success, error, staff — is `Cache-Control: no-store`.
#[tokio::test]
async fn api_answers_are_no_store() {
    let (_db, url) = sqlite_db();
    let s = Server::start(&url, &[]);
    let res = post_complaint(&s, &new_key(), &complaint()).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(res.headers()["cache-control"], "no-store");
    for path in ["/api/v1/status", "/api/v1/openapi.json", "/api/v1/nothing", "/api/v1/staff/complaints", "/api/v1/complaints/JMO-AAAA?phone_last4=1"] {
        let res = client().get(s.url(path)).send().await.unwrap();
        assert_eq!(res.headers().get("cache-control").map(|v| v.to_str().unwrap()), Some("no-store"), "{path}");
    }
    let res = client().get(s.url("/api/v1/staff/complaints")).bearer_auth(STAFF_TOKEN).send().await.unwrap();
    assert_eq!((res.status(), res.headers()["cache-control"].to_str().unwrap()), (StatusCode::OK, "no-store"));
    let doc: serde_json::Value = client().get(s.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert!(doc["paths"]["/api/v1/complaints/lookup"]["post"].is_object(), "the POST lookup is not described");
    assert!(doc["components"]["schemas"]["LookupRequest"].is_object(), "no LookupRequest schema");
    // Staff paths that do not percent-decode answer the JSON error too, not plain text.
    for path in ["/api/v1/staff/complaints/%FF%FE", "/api/v1/staff/attachments/%C3%28", "/api/v1/staff/complaints/%E2%82/erase"] {
        let req = if path.ends_with("erase") { client().post(s.url(path)) } else { client().get(s.url(path)) };
        let res = req.bearer_auth(STAFF_TOKEN).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(res.headers()["cache-control"], "no-store");
        let body = error_body(res).await;
        assert_eq!(codes_of(&body), [("".into(), "not_found".into())], "{path}");
        assert_localized(&body);
    }
}

fn connect(addr: SocketAddr, from: [u8; 4]) -> TcpStream {
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    socket.bind(&SocketAddr::from((from, 0)).into()).unwrap();
    socket.connect_timeout(&addr.into(), Duration::from_secs(5)).unwrap();
    let stream: TcpStream = socket.into();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    stream
}

/// Reads until the peer closes or the read times out; returns what came and when it ended.
fn read_to_close(stream: &mut TcpStream) -> (String, Duration, bool) {
    let started = Instant::now();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let closed = loop {
        match stream.read(&mut chunk) {
            Ok(0) => break true,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break true,
            Err(_) => break false,
        }
    };
    (String::from_utf8_lossy(&buf).into_owned(), started.elapsed(), closed)
}

/// Connections: a cap per client address (a fifth connection from one address gets a JSON 503
/// at once, another address still gets in), trickled headers are cut off after the header-read
/// timeout, a stalled body is answered 408 after the body idle timeout, and a silent connection
/// is closed after the idle timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_are_capped_per_address_and_timed_out() {
    let (_db, url) = sqlite_db();
    let s = Server::start(
        &url,
        &[("CONNECTIONS_PER_CLIENT", "4"), ("HEADER_READ_TIMEOUT_SECS", "1"), ("BODY_IDLE_TIMEOUT_SECS", "1"), ("IDLE_TIMEOUT_SECS", "2")],
    );
    let addr = s.addr;
    tokio::task::spawn_blocking(move || {
        let held: Vec<TcpStream> = (0..4).map(|_| connect(addr, [127, 0, 0, 1])).collect();
        std::thread::sleep(Duration::from_millis(200));
        let mut fifth = connect(addr, [127, 0, 0, 1]);
        let (answer, took, closed) = read_to_close(&mut fifth);
        assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
        assert!(answer.contains("retry-after: 1") && answer.contains("\"too_many_connections\"") && answer.contains("\"en\""), "{answer}");
        assert!(closed && took < Duration::from_secs(2));
        let mut other = connect(addr, [127, 0, 0, 2]);
        other.write_all(b"GET /api/v1/status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
        let (answer, _, _) = read_to_close(&mut other);
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        drop(held);

        // Slowloris: a header byte every 200 ms is cut off after about a second.
        let mut slow = connect(addr, [127, 0, 0, 3]);
        slow.write_all(b"GET /api/v1/status HTTP/1.1\r\nHost: x\r\n").unwrap();
        let started = Instant::now();
        let mut cut = false;
        while started.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(200));
            if slow.write_all(b"X-A: b\r\n").is_err() {
                cut = true;
                break;
            }
            let mut probe = [0u8; 1];
            slow.set_nonblocking(true).unwrap();
            let r = slow.read(&mut probe);
            slow.set_nonblocking(false).unwrap();
            if matches!(r, Ok(0)) || matches!(&r, Err(e) if e.kind() != std::io::ErrorKind::WouldBlock) {
                cut = true;
                break;
            }
        }
        assert!(cut && started.elapsed() < Duration::from_secs(3), "trickled headers kept for {:?}", started.elapsed());

        // The HTTP/2 preface, a byte every 200 ms: closed too (no request within the timeout).
        let mut slow = connect(addr, [127, 0, 0, 6]);
        let started = Instant::now();
        let mut cut = false;
        for b in b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".iter().cycle().take(200) {
            std::thread::sleep(Duration::from_millis(200));
            if slow.write_all(&[*b]).is_err() {
                cut = true;
                break;
            }
            let mut probe = [0u8; 64];
            slow.set_nonblocking(true).unwrap();
            let r = slow.read(&mut probe);
            slow.set_nonblocking(false).unwrap();
            if matches!(r, Ok(0)) || matches!(&r, Err(e) if e.kind() != std::io::ErrorKind::WouldBlock) {
                cut = true;
                break;
            }
        }
        assert!(cut && started.elapsed() < Duration::from_secs(3), "a trickled HTTP/2 preface kept for {:?}", started.elapsed());

        // A body that stops: 408 after about a second, as JSON.
        let mut stalled = connect(addr, [127, 0, 0, 4]);
        stalled.write_all(b"POST /api/v1/attachments HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nContent-Length: 100000\r\n\r\n").unwrap();
        stalled.write_all(&[0x89, b'P', b'N', b'G']).unwrap();
        let (answer, took, _) = read_to_close(&mut stalled);
        assert!(answer.starts_with("HTTP/1.1 408") && answer.contains("\"request_timeout\""), "{answer}");
        assert!(took < Duration::from_secs(4), "{took:?}");

        // A connection that says nothing after its request is closed after the idle timeout.
        let mut quiet = connect(addr, [127, 0, 0, 5]);
        quiet.write_all(b"GET /api/v1/status HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let (answer, took, closed) = read_to_close(&mut quiet);
        assert!(answer.starts_with("HTTP/1.1 200") && closed, "{answer}");
        assert!(took < Duration::from_secs(5), "{took:?}");
    })
    .await
    .unwrap();
}

/// 300 connections from 100 loopback addresses trickle uploads: the uploads' own budget
/// (UPLOADS_IN_FLIGHT) fills, the rest are answered 503 with Retry-After at once, and complaints
/// are still accepted with 201 meanwhile. (The 1,000-connection run is `examples/abuse-bench.rs`.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trickling_uploads_do_not_starve_complaints() {
    let (_db, url) = sqlite_db();
    let s = Server::start(&url, &[("UPLOADS_IN_FLIGHT", "8"), ("CONNECTIONS_PER_CLIENT", "3"), ("BODY_IDLE_TIMEOUT_SECS", "30")]);
    let addr = s.addr;
    let trickling = tokio::task::spawn_blocking(move || {
        let mut streams = Vec::new();
        for i in 0..300u32 {
            let from = [127, 0, 1, (i % 100) as u8 + 1];
            let mut t = connect(addr, from);
            t.write_all(b"POST /api/v1/attachments HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nContent-Length: 4000000\r\n\r\n\x89PNG").unwrap();
            streams.push(t);
        }
        streams
    })
    .await
    .unwrap();
    let started = Instant::now();
    for _ in 0..10 {
        let res = post_complaint(&s, &new_key(), &complaint()).await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    let took = started.elapsed();
    assert!(took < Duration::from_secs(5), "10 complaints took {took:?} while uploads trickled");
    let refused = tokio::task::spawn_blocking(move || {
        let mut refused = 0;
        for mut t in trickling {
            t.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
            let mut buf = [0u8; 512];
            if let Ok(n) = t.read(&mut buf) {
                let head = String::from_utf8_lossy(&buf[..n]);
                if head.starts_with("HTTP/1.1 503") && head.to_ascii_lowercase().contains("retry-after") {
                    refused += 1;
                }
            }
        }
        refused
    })
    .await
    .unwrap();
    assert!(refused >= 290, "only {refused} of 300 trickling uploads were refused at once");
}
