//! The server binary against a fresh SQLite file per test: the API scenarios, plus what does not
//! depend on the database (headers, CORS, limits, overload, static files, logs).

mod support;

use reqwest::StatusCode;
use serde_json::{json, Value};
use support::*;
use tokio::io::AsyncWriteExt;

fn server(env: &[(&str, &str)]) -> (tempfile::TempDir, Server) {
    let (dir, url) = sqlite_db();
    let s = Server::start(&url, env);
    (dir, s)
}

#[tokio::test]
async fn file_and_look_up() {
    let (_db, s) = server(&[]);
    scenarios::file_and_look_up(&s).await;
}

#[tokio::test]
async fn idempotency() {
    let (_db, s) = server(&[]);
    scenarios::idempotency(&s).await;
}

#[tokio::test]
async fn conflict_while_processing() {
    let (_db, s) = server(&[]);
    scenarios::conflict_while_processing(&s).await;
}

#[tokio::test]
async fn rejects_bad_input() {
    let (_db, s) = server(&[]);
    scenarios::rejects_bad_input(&s).await;
}

#[tokio::test]
async fn attachments() {
    let (_db, s) = server(&[]);
    scenarios::attachments(&s).await;
}

#[tokio::test]
async fn walks_are_counted_once_and_forgeries_not_at_all() {
    let (_db, s) = server(&[]);
    scenarios::walks_are_counted_once_and_forgeries_not_at_all(&s).await;
}

#[tokio::test]
async fn queue_by_unit() {
    let (_db, url) = sqlite_db();
    scenarios::queue_by_unit(&url).await;
}

#[tokio::test]
async fn staff_and_disruptions() {
    let (_db, s) = server(&[]);
    scenarios::staff_and_disruptions(&s).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn survives_kill9() {
    let (_db, url) = sqlite_db();
    scenarios::survives_kill9(&url).await;
}

/// `JMO_RACE_COMPLAINTS` raises the count for a longer soak (the default keeps it about a second).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writers_never_refuse_a_complaint() {
    let (_db, url) = sqlite_db();
    let s = std::sync::Arc::new(Server::start(&url, &[]));
    let count = std::env::var("JMO_RACE_COMPLAINTS").ok().and_then(|v| v.parse().ok()).unwrap_or(120);
    scenarios::concurrent_writers_never_refuse_a_complaint(s, count).await;
}

#[tokio::test]
async fn creates_the_sqlite_file_and_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new/sub/folder/jmo.db");
    let s = Server::start(&format!("sqlite://{}", path.display()), &[]);
    assert_eq!(post_complaint(&s, &new_key(), &complaint()).await.status(), StatusCode::CREATED);
    assert!(path.exists());
    assert!(s.logs().contains("\"database\":\"sqlite "));
}

#[tokio::test]
async fn security_headers_on_every_response_and_cors_by_list() {
    let widget = tempfile::tempdir().unwrap();
    std::fs::write(widget.path().join("index.html"), "<!doctype html><title>JMO</title>").unwrap();
    let (_db, s) = server(&[
        ("ALLOWED_ORIGINS", "https://www.bpjsketenagakerjaan.go.id, https://partner.example"),
        ("FRAME_ANCESTORS", "'self' https://www.bpjsketenagakerjaan.go.id"),
        ("WIDGET_DIR", widget.path().to_str().unwrap()),
    ]);
    let c = client();
    let responses = [
        c.get(s.url("/")).send().await.unwrap(),
        c.get(s.url("/api/v1/status")).send().await.unwrap(),
        c.get(s.url("/missing.js")).send().await.unwrap(),
        c.post(s.url("/api/v1/complaints")).json(&json!({})).send().await.unwrap(),
        c.get(s.url("/api/v1/staff/complaints")).send().await.unwrap(),
    ];
    for res in responses {
        let h = res.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval'"), "{csp}");
        assert!(csp.contains("frame-ancestors 'self' https://www.bpjsketenagakerjaan.go.id"), "{csp}");
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["referrer-policy"], "no-referrer");
    }

    let preflight = |origin: &'static str| {
        c.request(reqwest::Method::OPTIONS, s.url("/api/v1/complaints"))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "content-type, idempotency-key")
            .send()
    };
    let ok = preflight("https://partner.example").await.unwrap();
    assert_eq!(ok.headers()["access-control-allow-origin"], "https://partner.example");
    assert!(ok.headers()["access-control-allow-headers"].to_str().unwrap().contains("idempotency-key"));
    let refused = preflight("https://evil.example").await.unwrap();
    assert!(refused.headers().get("access-control-allow-origin").is_none());
    let res = c.get(s.url("/api/v1/status")).header("Origin", "https://evil.example").send().await.unwrap();
    assert!(res.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn serves_the_widget() {
    let widget = tempfile::tempdir().unwrap();
    std::fs::write(widget.path().join("index.html"), "<!doctype html><title>Bantuan Mandiri JMO</title>").unwrap();
    std::fs::write(widget.path().join("app.js"), "console.log('jmo')").unwrap();
    let (_db, s) = server(&[("WIDGET_DIR", widget.path().to_str().unwrap())]);
    let res = client().get(s.url("/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(res.text().await.unwrap().contains("Bantuan Mandiri JMO"));
    let res = client().get(s.url("/app.js")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"].to_str().unwrap().contains("javascript"));
    let res = client().get(s.url("/../../etc/passwd")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn serves_precompressed_widget_files_and_caches_only_hashed_ones() {
    let widget = tempfile::tempdir().unwrap();
    let dir = widget.path();
    std::fs::write(dir.join("index.html"), "<!doctype html><title>JMO</title>").unwrap();
    std::fs::write(dir.join("host.js"), "export const x = 1;").unwrap();
    std::fs::write(dir.join("host.js.br"), b"brotli-bytes").unwrap();
    std::fs::write(dir.join("app-0123456789abcdef_bg.wasm"), b"\0asm").unwrap();
    std::fs::write(dir.join("app-0123456789abcdef_bg.wasm.gz"), b"gzip-bytes").unwrap();
    let (_db, s) = server(&[("WIDGET_DIR", dir.to_str().unwrap())]);

    let res = client().get(s.url("/host.js")).header("Accept-Encoding", "br, gzip").send().await.unwrap();
    assert_eq!(res.headers()["content-encoding"], "br");
    assert_eq!(res.headers()["cache-control"], "no-cache", "unhashed files are always revalidated");
    assert_eq!(res.bytes().await.unwrap().as_ref(), b"brotli-bytes");
    let res = client().get(s.url("/")).header("Accept-Encoding", "br").send().await.unwrap();
    assert_eq!(res.headers()["cache-control"], "no-cache", "pages are always revalidated");

    let res = client().get(s.url("/app-0123456789abcdef_bg.wasm")).header("Accept-Encoding", "gzip").send().await.unwrap();
    assert_eq!(res.headers()["content-encoding"], "gzip");
    assert_eq!(res.headers()["content-type"], "application/wasm");
    assert_eq!(res.headers()["cache-control"], "public, max-age=31536000, immutable");

    let res = client().get(s.url("/app-0123456789abcdef_bg.wasm")).send().await.unwrap();
    assert!(res.headers().get("content-encoding").is_none(), "no encoding unless asked for");
    assert_eq!(res.bytes().await.unwrap().as_ref(), b"\0asm");
}

#[tokio::test]
async fn rate_limits_answer_429_with_retry_after() {
    let (_db, s) = server(&[("LOOKUPS_PER_MINUTE", "3"), ("COMPLAINTS_PER_MINUTE", "2"), ("WALKS_PER_MINUTE", "2")]);
    for _ in 0..3 {
        assert_eq!(lookup(&s, "JMO-0000-0000-0000-0000", "1234").await.status(), StatusCode::NOT_FOUND);
    }
    let res = lookup(&s, "JMO-0000-0000-0000-0000", "1234").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=61).contains(&wait), "{wait}");
    assert_eq!(error_codes(res).await, [("".into(), "rate_limited".into())]);

    for _ in 0..2 {
        assert_eq!(post_complaint(&s, &new_key(), &complaint()).await.status(), StatusCode::CREATED);
    }
    assert_eq!(post_complaint(&s, &new_key(), &complaint()).await.status(), StatusCode::TOO_MANY_REQUESTS);
    // A flood of walk reports, even malformed ones, is cut off too.
    for _ in 0..2 {
        assert_eq!(scenarios::post_walk(&s, "{}").await, StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert_eq!(scenarios::post_walk(&s, "{}").await, StatusCode::TOO_MANY_REQUESTS);
    // Other endpoints are not affected.
    assert_eq!(client().get(s.url("/api/v1/status")).send().await.unwrap().status(), StatusCode::OK);
}

#[tokio::test]
async fn overload_answers_503_at_once() {
    let (_db, s) = server(&[("MAX_IN_FLIGHT", "1")]);
    let head = |key: String| {
        format!(
            "POST /api/v1/complaints HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nIdempotency-Key: {key}\r\nContent-Length: 100\r\n\r\n{{",
            s.addr
        )
    };
    let probe = || async {
        let started = std::time::Instant::now();
        let res = client().get(s.url("/api/v1/status")).send().await.unwrap();
        // Refused or served, the answer never waits for the slot.
        assert!(started.elapsed() < std::time::Duration::from_secs(2), "an answer waited {:?}", started.elapsed());
        res
    };
    // One request occupies the only slot by sending its body slowly. No fixed wait for the server
    // to take it in (a busy machine may take longer): probe until refused, and start the slow
    // request again if a probe held the slot when it arrived (it was refused itself).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut slow: Option<tokio::net::TcpStream> = None;
    let refused = loop {
        let answered = slow.as_ref().is_some_and(|c| !matches!(c.try_read(&mut [0u8; 64]), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock));
        if slow.is_none() || answered {
            let mut c = tokio::net::TcpStream::connect(s.addr).await.unwrap();
            c.write_all(head(new_key()).as_bytes()).await.unwrap();
            slow = Some(c);
        }
        let res = probe().await;
        if res.status() == StatusCode::SERVICE_UNAVAILABLE {
            break res;
        }
        assert_eq!(res.status(), StatusCode::OK);
        assert!(std::time::Instant::now() < deadline, "the slow request never held the slot");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert_eq!(refused.headers()["retry-after"], "1");
    assert_eq!(error_codes(refused).await, [("".into(), "overloaded".into())]);
    // The slot is free again once the slow client goes away.
    drop(slow);
    loop {
        let res = probe().await;
        if res.status() == StatusCode::OK {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "still {} after the slow client left", res.status());
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn openapi_describes_every_endpoint() {
    let (_db, s) = server(&[]);
    let doc: Value = client().get(s.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with('3'));
    let paths = doc["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/v1/complaints", "post"),
        ("/api/v1/complaints/{ticket}", "get"),
        ("/api/v1/attachments", "post"),
        ("/api/v1/status", "get"),
        ("/api/v1/staff/complaints/{ticket}", "patch"),
        ("/api/v1/staff/disruptions", "post"),
        ("/api/v1/staff/disruptions/{id}", "delete"),
        ("/api/v1/walks", "post"),
        ("/api/v1/staff/walks", "get"),
    ] {
        assert!(paths[path][method].is_object(), "{method} {path} missing");
    }
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for name in ["ComplaintRequest", "ComplaintReceipt", "ErrorBody", "Category", "TicketStatus", "WalkReport", "WalkStats"] {
        assert!(schemas.contains_key(name), "schema {name} missing");
    }
    assert_eq!(doc["components"]["schemas"]["Category"]["enum"], json!(["login", "kpj_mismatch", "balance", "jht_claim", "other"]));
}

/// Arbitrary bytes, paths, methods and headers: never a 5xx, always JSON errors from the API.
#[tokio::test]
async fn garbage_never_yields_a_5xx() {
    let (_db, s) = server(&[]);
    let c = client();
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let paths = ["/api/v1/complaints", "/api/v1/attachments", "/api/v1/complaints/JMO-%00%ff", "/api/v1/staff/disruptions",
                 "/api/v1/complaints/x?phone_last4=%zz", "/api/%2e%2e/%2e%2e", "/api/v1/staff/complaints?limit=-5&status=%00",
                 "/api/v1/walks", "/api/v1/staff/walks?from=%ff&to=9999-99-99"];
    let types = ["application/json", "multipart/form-data; boundary=x", "multipart/form-data", "image/png", "text/html", ""];
    for i in 0..150 {
        let len = (next() % 3000) as usize;
        let mut body: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        if i % 3 == 0 {
            body = serde_json::to_vec(&complaint()).unwrap();
            let at = (next() as usize) % body.len();
            body[at] = next() as u8;
        }
        let path = paths[i % paths.len()];
        let mut req = c.post(s.url(path)).body(body).bearer_auth(STAFF_TOKEN);
        if !types[i % types.len()].is_empty() {
            req = req.header("Content-Type", types[i % types.len()]);
        }
        if i % 2 == 0 {
            req = req.header("Idempotency-Key", new_key());
        }
        let res = req.send().await.unwrap();
        assert!(res.status().as_u16() < 500, "{} for POST {path}", res.status());
        let res = c.get(s.url(path)).send().await.unwrap();
        assert!(res.status().as_u16() < 500, "{} for GET {path}", res.status());
    }
}

/// Personal data never reaches the logs, even at trace level; the ticket does.
#[tokio::test]
async fn logs_never_contain_personal_data() {
    let (_db, s) = server(&[("RUST_LOG", "trace")]);
    let mut c = complaint();
    c["category"] = "kpj_mismatch".into();
    c["reply_channel"] = "email".into();
    c["reporter"] = json!({"name": "Zzyzxcanary Qwertyuiop", "nik": "3174054107890123", "birth_date": "1989-07-01",
                           "kpj_card": "55566677788", "kpj_app": "55566677799",
                           "email": "zzyzx.canary@example.org", "phone": "+62 813 9988 7766"});
    let res = post_complaint(&s, &new_key(), &c).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let receipt: jmo_contract::ComplaintReceipt = res.json().await.unwrap();
    assert_eq!(lookup(&s, &receipt.ticket, "7766").await.status(), StatusCode::OK);
    assert_eq!(lookup(&s, &receipt.ticket, "0000").await.status(), StatusCode::NOT_FOUND);
    // Rejected input must not be echoed into the logs either.
    let mut bad = c.clone();
    bad["reporter"]["email"] = "zzyzx.canary@@example.org".into();
    bad["reporter"]["nik"] = "3174054107890124x".into();
    assert_eq!(post_complaint(&s, &new_key(), &bad).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let broken = r#"{"reporter": {"name": "Zzyzxcanary", "nik": "3174054107890123""#;
    let res = client().post(s.url("/api/v1/complaints")).header("Idempotency-Key", new_key())
        .header("Content-Type", "application/json").body(broken).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let staff: Value = scenarios::staff_get(&s, &format!("/api/v1/staff/complaints/{}", receipt.ticket)).await.json().await.unwrap();
    assert_eq!(staff["complaint"]["reporter"]["nik"], "3174054107890123");

    let mut s = s;
    s.stop();
    let logs = s.logs();
    assert!(logs.contains(&receipt.ticket), "the ticket should be logged");
    // Every request's duration is logged as a number (`"micros":7766`): a slow one is not the
    // phone's last digits, so the durations are left out of the search.
    let lower: String = logs
        .to_lowercase()
        .split("\"micros\":")
        .enumerate()
        .map(|(i, part)| if i == 0 { part } else { part.trim_start_matches(|c: char| c.is_ascii_digit()) })
        .collect();
    for canary in ["zzyzx", "qwertyuiop", "3174054107890123", "317405410789012", "55566677788", "55566677799",
                   "81399887766", "813 9988", "9988 7766", "7766"] {
        assert!(!lower.contains(canary), "log contains {canary:?}:\n{logs}");
    }
}

#[test]
fn help_lists_the_configuration() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jmo-selfhelp-server")).arg("--help").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for var in ["LISTEN_ADDR", "DATABASE_URL", "ALLOWED_ORIGINS", "STAFF_TOKEN", "WIDGET_DIR", "FRAME_ANCESTORS"] {
        assert!(text.contains(var), "{var} missing from --help");
    }
}
