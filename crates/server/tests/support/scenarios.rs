//! Behaviours that depend on the database, run against SQLite and PostgreSQL alike.

use super::*;
use reqwest::StatusCode;
use sqlx::Row;
use std::collections::HashSet;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A complaint is accepted with an unguessable ticket and a 24-hour due time, and the participant
/// can look it up with the last 4 phone digits; any wrong detail gives one and the same 404.
pub async fn file_and_look_up(s: &Server) {
    let res = post_complaint(s, &new_key(), &complaint()).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert!(res.headers()["location"].to_str().unwrap().starts_with("/api/v1/complaints/JMO-"));
    let receipt: jmo_contract::ComplaintReceipt = res.json().await.unwrap();
    assert_eq!(jmo_contract::ticket::normalize_ticket(&receipt.ticket).as_deref(), Some(receipt.ticket.as_str()));
    let received = jmo_contract::Timestamp::parse(&receipt.received_at).unwrap();
    let due = jmo_contract::Timestamp::parse(&receipt.response_due_at).unwrap();
    assert_eq!(due.unix() - received.unix(), 24 * 3600);

    let res = lookup(s, &receipt.ticket, PHONE_LAST4).await;
    assert_eq!(res.status(), StatusCode::OK);
    let status: jmo_contract::TicketStatus = res.json().await.unwrap();
    assert_eq!(status.status, jmo_contract::ComplaintStatus::Received);
    assert_eq!(status.response_due_at, receipt.response_due_at);
    // Typed loosely by a person: lower case, O for 0.
    let sloppy = receipt.ticket.to_lowercase().replace('0', "o");
    assert_eq!(lookup(s, &sloppy, PHONE_LAST4).await.status(), StatusCode::OK);

    let mut other = receipt.ticket.clone().into_bytes();
    let last = other.len() - 1;
    other[last] = if other[last] == b'A' { b'B' } else { b'A' };
    let other = String::from_utf8(other).unwrap();
    let wrong_digits = lookup(s, &receipt.ticket, "0000").await;
    let wrong_ticket = lookup(s, &other, PHONE_LAST4).await;
    let nonsense = lookup(s, "not-a-ticket", PHONE_LAST4).await;
    let mut bodies = HashSet::new();
    for res in [wrong_digits, wrong_ticket, nonsense] {
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        bodies.insert(res.text().await.unwrap());
    }
    assert_eq!(bodies.len(), 1, "404 bodies differ: {bodies:?}");
    let res = lookup(s, &receipt.ticket, "78x0").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_codes(res).await, [("phone_last4".into(), "invalid_format".into())]);
    let res = client().get(s.url(&format!("/api/v1/complaints/{}", receipt.ticket))).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}

/// IETF Idempotency-Key semantics: replay, mismatch, missing and malformed keys.
pub async fn idempotency(s: &Server) {
    let key = new_key();
    let first = post_complaint(s, &key, &complaint()).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first_body = first.text().await.unwrap();

    // The same body, differently spaced and with the key quoted as a structured field: the
    // original answer, byte for byte.
    let reordered = serde_json::to_string_pretty(&complaint()).unwrap();
    let replay = client()
        .post(s.url("/api/v1/complaints"))
        .header("Idempotency-Key", format!("\"{}\"", key.to_uppercase()))
        .header("Content-Type", "application/json; charset=utf-8")
        .body(reordered)
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), StatusCode::CREATED);
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    assert_eq!(replay.text().await.unwrap(), first_body);

    let mut changed = complaint();
    changed["description"] = "Sebenarnya masalahnya berbeda sekarang.".into();
    let res = post_complaint(s, &key, &changed).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_codes(res).await, [("".into(), "idempotency_key_reused".into())]);

    let res = client().post(s.url("/api/v1/complaints")).json(&complaint()).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_codes(res).await, [("".into(), "idempotency_key_missing".into())]);
    let res = post_complaint(s, "not-a-uuid", &complaint()).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_codes(res).await, [("".into(), "idempotency_key_invalid".into())]);

    // Only one complaint was stored for all of that.
    let list: Vec<Value> = staff_get(s, "/api/v1/staff/complaints").await.json().await.unwrap();
    assert_eq!(list.len(), 1);
}

/// While a request with a key is still being received, a second one with that key gets 409; the
/// first then completes normally.
pub async fn conflict_while_processing(s: &Server) {
    let key = new_key();
    let body = serde_json::to_vec(&complaint()).unwrap();
    let head = format!(
        "POST /api/v1/complaints HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nIdempotency-Key: {key}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        s.addr,
        body.len()
    );
    // No fixed wait for the server to take the slow request in: until it has, the key is free,
    // and a probe with the key and a body that is not JSON answers 400 and stores nothing; once
    // it has, 409. A slow request that arrived while a probe held the key was refused itself:
    // it is sent again.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let mut slow: Option<tokio::net::TcpStream> = None;
    loop {
        let answered = slow.as_ref().is_some_and(|c| !matches!(c.try_read(&mut [0u8; 64]), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock));
        if slow.is_none() || answered {
            let mut c = tokio::net::TcpStream::connect(s.addr).await.unwrap();
            c.write_all(head.as_bytes()).await.unwrap();
            c.write_all(&body[..10]).await.unwrap();
            c.flush().await.unwrap();
            slow = Some(c);
        }
        let probe = client().post(s.url("/api/v1/complaints")).header("Idempotency-Key", &key).header("Content-Type", "application/json").body("{").send().await.unwrap();
        if probe.status() == StatusCode::CONFLICT {
            break;
        }
        assert_eq!(probe.status(), StatusCode::BAD_REQUEST);
        assert!(std::time::Instant::now() < deadline, "the first request never claimed its key");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut slow = slow.unwrap();

    let res = post_complaint(s, &key, &complaint()).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(error_codes(res).await, [("".into(), "idempotency_key_in_use".into())]);

    slow.write_all(&body[10..]).await.unwrap();
    let mut answer = String::new();
    slow.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    let res = post_complaint(s, &key, &complaint()).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(res.headers()["idempotent-replayed"], "true");
}

/// Bad input gets 400/413/415/422 with machine codes at dotted paths, never a 5xx.
pub async fn rejects_bad_input(s: &Server) {
    let mut c = complaint();
    c["reporter"]["nik"] = "3201013202900001".into();
    c["reporter"]["phone"] = "021 5551234".into();
    c["category"] = "billing".into();
    c["consent"]["personal_data"] = false.into();
    c["guide"]["path"][1]["answer"] = "".into();
    let res = post_complaint(s, &new_key(), &c).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let codes = error_codes(res).await;
    for expected in [
        ("reporter.nik", "nik_birth_date"),
        ("reporter.phone", "phone_not_mobile"),
        ("category", "invalid_choice"),
        ("consent.personal_data", "consent_required"),
        ("guide.path[1].answer", "required"),
    ] {
        assert!(codes.contains(&(expected.0.into(), expected.1.into())), "{expected:?} not in {codes:?}");
    }

    let mut c = complaint();
    c["reporter"]["birth_date"] = "1990-05-18".into();
    let res = post_complaint(s, &new_key(), &c).await;
    assert_eq!(error_codes(res).await, [("reporter.nik".into(), "nik_birth_date_mismatch".into())]);

    let mut c = complaint();
    c["reporter"]["nik"] = 3201015705900001u64.into();
    let res = post_complaint(s, &new_key(), &c).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_codes(res).await, [("reporter.nik".into(), "invalid_type".into())]);

    let send = |body: Vec<u8>, content_type: &'static str| {
        client()
            .post(s.url("/api/v1/complaints"))
            .header("Idempotency-Key", new_key())
            .header("Content-Type", content_type)
            .body(body)
            .send()
    };
    let res = send(b"{\"guide\": {".to_vec(), "application/json").await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_codes(res).await, [("".into(), "malformed_json".into())]);
    let res = send(b"[1,2]".to_vec(), "application/json").await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = send(serde_json::to_vec(&complaint()).unwrap(), "text/plain").await.unwrap();
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(error_codes(res).await, [("".into(), "unsupported_media_type".into())]);
    let mut huge = complaint();
    huge["description"] = "x".repeat(70 * 1024).into();
    let res = send(serde_json::to_vec(&huge).unwrap(), "application/json").await.unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(error_codes(res).await, [("".into(), "body_too_large".into())]);
    let res = send(b"{}".to_vec(), "application/json").await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error_codes(res).await.contains(&("reporter.nik".into(), "required".into())));
    let res = client().get(s.url("/api/v1/nothing-here")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(error_codes(res).await, [("".into(), "not_found".into())]);
    let res = client().delete(s.url("/api/v1/complaints")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(error_codes(res).await, [("".into(), "method_not_allowed".into())]);
}

/// Attachments are typed by their bytes and re-encoded as JPEG without metadata; at most 3 per
/// complaint, each used once.
pub async fn attachments(s: &Server) {
    // A PNG named .jpg and sent as image/jpeg is read as a PNG (and stored as JPEG, like all).
    let res = upload(s, png_bytes(40, 30), "photo.jpg", "image/jpeg").await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let png: jmo_contract::AttachmentReceipt = res.json().await.unwrap();
    assert_eq!((png.content_type.as_str(), png.width, png.height), ("image/jpeg", 40, 30));

    // HTML renamed .png is refused by its bytes.
    let html = b"<!doctype html><html><script>alert(1)</script></html>".to_vec();
    let res = upload(s, html, "cute-cat.png", "image/png").await;
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(error_codes(res).await, [("".into(), "image_type_unsupported".into())]);

    // 6 MB: too large, whatever it is.
    let mut big = png_bytes(8, 8);
    big.resize(6 * 1024 * 1024, 0);
    let res = upload(s, big.clone(), "big.png", "image/png").await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(error_codes(res).await, [("".into(), "body_too_large".into())]);
    let res = client().post(s.url("/api/v1/attachments")).header("Content-Type", "image/png").body(big).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);

    // A PNG signature with nothing behind it.
    let res = upload(s, png_bytes(20, 20)[..60].to_vec(), "broken.png", "image/png").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_codes(res).await, [("".into(), "image_corrupt".into())]);

    // EXIF (with a GPS-like canary) is gone after re-encoding; raw bodies work too.
    let canary = "GPS-CANARY-6.2088S-106.8456E";
    let jpeg = jpeg_with_exif(canary);
    assert!(jpeg.windows(canary.len()).any(|w| w == canary.as_bytes()));
    let res = client().post(s.url("/api/v1/attachments")).header("Content-Type", "image/jpeg").body(jpeg).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let jpg: jmo_contract::AttachmentReceipt = res.json().await.unwrap();
    assert_eq!(jpg.content_type, "image/jpeg");
    let stored = staff_get(s, &format!("/api/v1/staff/attachments/{}", jpg.id)).await;
    assert_eq!(stored.headers()["content-type"], "image/jpeg");
    let stored = stored.bytes().await.unwrap();
    assert!(stored.starts_with(&[0xFF, 0xD8]));
    assert!(!stored.windows(canary.len()).any(|w| w == canary.as_bytes()), "EXIF survived");
    assert!(!stored.windows(6).any(|w| w == b"Exif\0\0"), "EXIF header survived");

    let res = upload(s, webp_bytes(16, 16), "sticker.webp", "image/webp").await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let webp: jmo_contract::AttachmentReceipt = res.json().await.unwrap();
    assert_eq!(webp.content_type, "image/jpeg");

    // Four is one too many.
    let mut c = complaint();
    c["attachments"] = json!([png.id, jpg.id, webp.id, new_key()]);
    let res = post_complaint(s, &new_key(), &c).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_codes(res).await, [("attachments".into(), "too_many".into())]);

    // An id nobody uploaded.
    c["attachments"] = json!([png.id, new_key()]);
    let res = post_complaint(s, &new_key(), &c).await;
    assert_eq!(error_codes(res).await, [("attachments[1]".into(), "attachment_unknown".into())]);

    c["attachments"] = json!([png.id, jpg.id, webp.id]);
    let key = new_key();
    let res = post_complaint(s, &key, &c).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let receipt: jmo_contract::ComplaintReceipt = res.json().await.unwrap();
    // The replay is not confused by the attachments now belonging to the complaint.
    assert_eq!(post_complaint(s, &key, &c).await.status(), StatusCode::CREATED);
    let detail: Value = staff_get(s, &format!("/api/v1/staff/complaints/{}", receipt.ticket)).await.json().await.unwrap();
    let mut linked: Vec<String> = detail["attachments"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
    linked.sort();
    let mut expected = vec![png.id.clone(), jpg.id.clone(), webp.id.clone()];
    expected.sort();
    assert_eq!(linked, expected);

    // An attachment belongs to one complaint only.
    c["attachments"] = json!([jpg.id]);
    let res = post_complaint(s, &new_key(), &c).await;
    assert_eq!(error_codes(res).await, [("attachments[0]".into(), "attachment_unknown".into())]);
}

pub async fn staff_status(s: &Server, path: &str) -> StatusCode {
    client().get(s.url(path)).bearer_auth(STAFF_TOKEN).send().await.unwrap().status()
}

pub async fn staff_get(s: &Server, path: &str) -> reqwest::Response {
    let res = client().get(s.url(path)).bearer_auth(STAFF_TOKEN).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "GET {path}");
    res
}

/// Staff endpoints need the bearer token; disruptions appear in and leave the public status;
/// a status change shows in the participant's lookup.
pub async fn staff_and_disruptions(s: &Server) {
    let status: jmo_contract::ServiceStatus = client().get(s.url("/api/v1/status")).send().await.unwrap().json().await.unwrap();
    assert!(status.disruptions.is_empty());

    let disruption = json!({"family": "login", "title": {"id": "Gangguan login", "en": "Login disruption"},
                            "message": {"id": "Kami sedang memperbaikinya.", "en": "We are fixing it."}});
    let url = s.url("/api/v1/staff/disruptions");
    assert_eq!(client().post(&url).json(&disruption).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    let res = client().post(&url).bearer_auth("wrong").json(&disruption).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(res.headers()["www-authenticate"], "Bearer");
    assert_eq!(error_codes(res).await, [("".into(), "unauthorized".into())]);
    for path in ["/api/v1/staff/complaints", "/api/v1/staff/attachments/0b6f4f3e-9a39-4c36-9d4e-5f8b1f2a3c4d"] {
        assert_eq!(client().get(s.url(path)).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    }

    let res = client().post(&url).bearer_auth(STAFF_TOKEN).json(&json!({"family": "weather"})).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = client().post(&url).bearer_auth(STAFF_TOKEN).json(&disruption).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: jmo_contract::Disruption = res.json().await.unwrap();
    let status: jmo_contract::ServiceStatus = client().get(s.url("/api/v1/status")).send().await.unwrap().json().await.unwrap();
    assert_eq!(status.disruptions, vec![created.clone()]);
    assert_eq!(status.disruptions[0].family, jmo_contract::Category::Login);

    let end = s.url(&format!("/api/v1/staff/disruptions/{}", created.id));
    assert_eq!(client().delete(&end).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    assert_eq!(client().delete(&end).bearer_auth(STAFF_TOKEN).send().await.unwrap().status(), StatusCode::NO_CONTENT);
    assert_eq!(client().delete(&end).bearer_auth(STAFF_TOKEN).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    let status: jmo_contract::ServiceStatus = client().get(s.url("/api/v1/status")).send().await.unwrap().json().await.unwrap();
    assert!(status.disruptions.is_empty());

    let receipt: jmo_contract::ComplaintReceipt = post_complaint(s, &new_key(), &complaint()).await.json().await.unwrap();
    let patch = s.url(&format!("/api/v1/staff/complaints/{}", receipt.ticket));
    let body = json!({"status": "in_progress"});
    assert_eq!(client().patch(&patch).json(&body).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    let res = client().patch(&patch).bearer_auth(STAFF_TOKEN).json(&json!({"status": "done"})).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = client().patch(&patch).bearer_auth(STAFF_TOKEN).json(&body).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = lookup(s, &receipt.ticket, PHONE_LAST4).await;
    let status: jmo_contract::TicketStatus = res.json().await.unwrap();
    assert_eq!(status.status, jmo_contract::ComplaintStatus::InProgress);
    let res = client().patch(s.url("/api/v1/staff/complaints/JMO-0000-0000-0000-0000")).bearer_auth(STAFF_TOKEN).json(&body).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    let detail: Value = staff_get(s, &format!("/api/v1/staff/complaints/{}", receipt.ticket)).await.json().await.unwrap();
    assert_eq!(detail["complaint"]["reporter"]["phone"], "+6281234567890");
    assert_eq!(detail["complaint"]["guide"]["path"][1]["node"], "reset_password");
    assert_eq!(detail["complaint"]["reply_channel"], "whatsapp");
}

/// Complaints answered 201 survive `kill -9` of the server while others are still in flight.
pub async fn survives_kill9(database_url: &str) {
    let env = [("COMPLAINTS_PER_MINUTE", "0"), ("LOOKUPS_PER_MINUTE", "0")];
    let mut server = Server::start(database_url, &env);
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let (enough_tx, mut enough_rx) = tokio::sync::mpsc::channel::<()>(1);
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..16 {
        let (base, acknowledged, enough) = (server.base.clone(), acknowledged.clone(), enough_tx.clone());
        tasks.spawn(async move {
            let client = client();
            for _ in 0..40 {
                let res = client
                    .post(format!("{base}/api/v1/complaints"))
                    .header("Idempotency-Key", new_key())
                    .json(&complaint())
                    .send()
                    .await;
                let Ok(res) = res else { return };
                if res.status() != StatusCode::CREATED {
                    return;
                }
                let Ok(receipt) = res.json::<jmo_contract::ComplaintReceipt>().await else { return };
                let mut acked = acknowledged.lock().unwrap();
                acked.push(receipt.ticket);
                if acked.len() == 200 {
                    let _ = enough.try_send(());
                }
            }
        });
    }
    drop(enough_tx);
    let _ = enough_rx.recv().await;
    // Killed mid-stream: the other 15 clients have requests in flight.
    server.kill9();
    let at_kill = acknowledged.lock().unwrap().len();
    while tasks.join_next().await.is_some() {}
    let acknowledged = acknowledged.lock().unwrap().clone();
    eprintln!("kill -9 after {at_kill} acknowledged complaints; {} in all", acknowledged.len());
    assert!(acknowledged.len() >= 200, "only {} acknowledged", acknowledged.len());

    let server = Server::start(database_url, &env);
    let list: Vec<Value> = staff_get(&server, "/api/v1/staff/complaints?limit=1000").await.json().await.unwrap();
    let stored: HashSet<String> = list.iter().map(|c| c["ticket"].as_str().unwrap().to_string()).collect();
    let lost: Vec<&String> = acknowledged.iter().filter(|t| !stored.contains(*t)).collect();
    assert!(lost.is_empty(), "{} of {} acknowledged complaints lost: {lost:?}", lost.len(), acknowledged.len());
    for ticket in acknowledged.iter().take(5) {
        assert_eq!(lookup(&server, ticket, PHONE_LAST4).await.status(), StatusCode::OK);
    }
}

/// Complaints are never refused because another connection happened to commit in the middle of
/// their batch. While complaints arrive (some claiming uploads made a moment before), everything
/// else that writes does so at the same time: uploads, staff status changes, disruptions started
/// and ended, rows written straight into the database as fast as it takes them, and further
/// server instances on the same database whose start-up purge deletes expired idempotency keys. Every request must succeed, and each complaint must be stored once.
pub async fn concurrent_writers_never_refuse_a_complaint(s: Arc<Server>, complaints: usize) {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
    sqlx::any::install_default_drivers();
    let db = sqlx::any::AnyPoolOptions::new().max_connections(2).connect(&s.database_url).await.unwrap();
    let done = Arc::new(AtomicBool::new(false));
    let tickets = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut others = tokio::task::JoinSet::new();

    // Rows committed straight into the database, back to back: expired idempotency keys for the
    // purges to delete. (Not attachments: a row without the server's seal is plain text from
    // before sealing, which each new instance would seal again.)
    let side_writes = Arc::new(AtomicUsize::new(0));
    {
        let (db, done, side_writes) = (db.clone(), done.clone(), side_writes.clone());
        others.spawn(async move {
            while !done.load(SeqCst) {
                sqlx::query("INSERT INTO idempotency_keys (idempotency_key, fingerprint, ticket, response, created_at) VALUES ($1, 'x', 'x', 'x', 0)")
                    .bind(new_key())
                    .execute(&db)
                    .await
                    .unwrap();
                side_writes.fetch_add(1, SeqCst);
            }
        });
    }
    // Uploads through the API.
    for _ in 0..2 {
        let (s, done) = (s.clone(), done.clone());
        others.spawn(async move {
            while !done.load(SeqCst) {
                let res = upload(&s, png_bytes(24, 16), "photo.png", "image/png").await;
                assert_eq!(res.status(), StatusCode::CREATED, "upload: {}", res.text().await.unwrap());
            }
        });
    }
    // Staff: every complaint moved to in progress as it arrives, disruptions started and ended.
    {
        let (s, done, tickets) = (s.clone(), done.clone(), tickets.clone());
        others.spawn(async move {
            let disruption = json!({"family": "login", "title": {"id": "Gangguan login", "en": "Login disruption"},
                                    "message": {"id": "Kami sedang memperbaikinya.", "en": "We are fixing it."}});
            let mut moved = 0;
            while !done.load(SeqCst) {
                let res = client().post(s.url("/api/v1/staff/disruptions")).bearer_auth(STAFF_TOKEN).json(&disruption).send().await.unwrap();
                assert_eq!(res.status(), StatusCode::CREATED, "disruption: {}", res.text().await.unwrap());
                let created: jmo_contract::Disruption = res.json().await.unwrap();
                let end = s.url(&format!("/api/v1/staff/disruptions/{}", created.id));
                assert_eq!(client().delete(&end).bearer_auth(STAFF_TOKEN).send().await.unwrap().status(), StatusCode::NO_CONTENT);
                let pending: Vec<String> = tickets.lock().unwrap()[moved..].to_vec();
                for ticket in pending {
                    let patch = s.url(&format!("/api/v1/staff/complaints/{ticket}"));
                    let res = client().patch(&patch).bearer_auth(STAFF_TOKEN).json(&json!({"status": "in_progress"})).send().await.unwrap();
                    assert_eq!(res.status(), StatusCode::OK, "status change: {}", res.text().await.unwrap());
                    moved += 1;
                }
            }
        });
    }
    // More instances on the same database: each runs the migrations and a purge as it starts.
    {
        let (url, done) = (s.database_url.clone(), done.clone());
        others.spawn_blocking(move || {
            while !done.load(SeqCst) {
                let mut second = Server::start(&url, &[]);
                std::thread::sleep(Duration::from_millis(150));
                second.stop();
            }
        });
    }

    // The participants: each complaint waits for its 201, half of them with a fresh upload.
    let mut participants = tokio::task::JoinSet::new();
    let per_client = complaints.div_ceil(8);
    for n in 0..8 {
        let (s, tickets) = (s.clone(), tickets.clone());
        participants.spawn(async move {
            for i in 0..per_client {
                let mut c = complaint();
                if (n + i) % 2 == 0 {
                    let res = upload(&s, png_bytes(16, 16), "bukti.png", "image/png").await;
                    let status = res.status();
                    let body = res.text().await.unwrap();
                    assert_eq!(status, StatusCode::CREATED, "upload {n}/{i} refused: {body}");
                    let a: jmo_contract::AttachmentReceipt = serde_json::from_str(&body).unwrap();
                    c["attachments"] = json!([a.id]);
                }
                let res = post_complaint(&s, &new_key(), &c).await;
                let status = res.status();
                let body = res.text().await.unwrap();
                assert_eq!(status, StatusCode::CREATED, "complaint {n}/{i} refused: {body}");
                let receipt: jmo_contract::ComplaintReceipt = serde_json::from_str(&body).unwrap();
                tickets.lock().unwrap().push(receipt.ticket);
            }
        });
    }
    while let Some(r) = participants.join_next().await {
        if let Err(e) = r {
            done.store(true, SeqCst);
            std::panic::resume_unwind(e.into_panic());
        }
    }
    done.store(true, SeqCst);
    while let Some(r) = others.join_next().await {
        if let Err(e) = r {
            std::panic::resume_unwind(e.into_panic());
        }
    }
    assert!(side_writes.load(SeqCst) > 0, "the direct writers never ran");
    let tickets = tickets.lock().unwrap().clone();
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM complaints").fetch_one(&db).await.unwrap();
    assert_eq!(stored as usize, tickets.len());
    assert_eq!(tickets.iter().collect::<HashSet<_>>().len(), tickets.len());
    db.close().await;
}

/// What [`sealed_then_erased`] saw stored before the erasure, for a search of the files.
pub struct Erased {
    pub ticket: String,
    /// `complaints.personal` and `attachments.data` as stored (ciphertext).
    pub sealed: Vec<Vec<u8>>,
    /// The attachment as staff downloaded it (plain image).
    pub image: Vec<u8>,
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// UU 27/2022 at rest: the complaint's personal content and its attachment are stored sealed
/// (no NIK, name, e-mail, phone or image bytes in the rows), the lookup still works; a staff
/// erasure request removes them now, keeps the anonymous record and is audited.
pub async fn sealed_then_erased(s: &Server) -> Erased {
    sqlx::any::install_default_drivers();
    let image = upload(s, png_bytes(48, 32), "ktp.png", "image/png").await;
    assert_eq!(image.status(), StatusCode::CREATED);
    let image: jmo_contract::AttachmentReceipt = image.json().await.unwrap();
    let mut c = complaint();
    c["attachments"] = json!([image.id]);
    let res = post_complaint(s, &new_key(), &c).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let ticket = res.json::<jmo_contract::ComplaintReceipt>().await.unwrap().ticket;
    assert_eq!(lookup(s, &ticket, PHONE_LAST4).await.status(), StatusCode::OK);
    let plain_image = staff_get(s, &format!("/api/v1/staff/attachments/{}", image.id)).await.bytes().await.unwrap().to_vec();
    assert!(plain_image.starts_with(&[0xFF, 0xD8]), "stored as JPEG");

    let db = sqlx::any::AnyPoolOptions::new().max_connections(1).connect(&s.database_url).await.unwrap();
    let row = sqlx::query("SELECT personal, key_id, lookup_hash FROM complaints WHERE ticket = $1").bind(&ticket).fetch_one(&db).await.unwrap();
    let personal: Vec<u8> = row.try_get("personal").unwrap();
    let lookup_hash: String = row.try_get("lookup_hash").unwrap();
    let stored_image: Vec<u8> = sqlx::query_scalar("SELECT data FROM attachments WHERE id = $1").bind(&image.id).fetch_one(&db).await.unwrap();
    for plain in ["3201015705900001", "Siti Aminah", "siti@example.co.id", "81234567890", "1990-05-17", "Tidak bisa login"] {
        assert!(!contains(&personal, plain.as_bytes()), "{plain:?} stored in plain text");
    }
    assert_eq!(lookup_hash.len(), 64, "a keyed hash, not the digits");
    assert!(!contains(&stored_image, &plain_image[8..40]) && !stored_image.starts_with(&[0xFF, 0xD8]), "the image is stored in the clear");

    // Only staff, only an existing complaint.
    let erase = |ticket: String, token: &'static str| {
        let url = s.url(&format!("/api/v1/staff/complaints/{ticket}/erase"));
        async move { client().post(url).bearer_auth(token).send().await.unwrap() }
    };
    assert_eq!(erase(ticket.clone(), "wrong").await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(erase("JMO-0000-0000-0000-0000".into(), STAFF_TOKEN).await.status(), StatusCode::NOT_FOUND);
    let res = erase(ticket.clone(), STAFF_TOKEN).await;
    assert_eq!(res.status(), StatusCode::OK);
    let left: Value = res.json().await.unwrap();
    assert_eq!(left["complaint"], Value::Null);
    assert_eq!(left["attachments"], json!([]));
    assert_eq!((left["category"].as_str(), left["status"].as_str()), (Some("login"), Some("received")));
    assert!(left["erased_at"].is_string() && left["received_at"].is_string());
    assert_eq!(lookup(s, &ticket, PHONE_LAST4).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(staff_status(s, &format!("/api/v1/staff/attachments/{}", image.id)).await, StatusCode::NOT_FOUND);
    let detail: Value = staff_get(s, &format!("/api/v1/staff/complaints/{ticket}")).await.json().await.unwrap();
    assert_eq!(detail["complaint"], Value::Null);

    let row = sqlx::query("SELECT personal, key_id, lookup_hash, erased_at FROM complaints WHERE ticket = $1").bind(&ticket).fetch_one(&db).await.unwrap();
    assert!(row.try_get::<Option<Vec<u8>>, _>("personal").unwrap().is_none());
    assert!(row.try_get::<Option<String>, _>("lookup_hash").unwrap().is_none());
    assert!(row.try_get::<Option<i64>, _>("erased_at").unwrap().is_some());
    let attachments: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM attachments WHERE complaint_ticket = $1").bind(&ticket).fetch_one(&db).await.unwrap();
    let keys: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM idempotency_keys WHERE ticket = $1").bind(&ticket).fetch_one(&db).await.unwrap();
    assert_eq!((attachments, keys), (0, 0));
    // Reads of it before are audited too (`complaint_viewed`, `attachment_opened`); the erasure is one event.
    let audit = sqlx::query("SELECT actor, action, client_ip FROM audit_events WHERE ticket = $1 AND action NOT IN ('complaint_viewed', 'attachment_opened')").bind(&ticket).fetch_all(&db).await.unwrap();
    assert_eq!(audit.len(), 1, "one erasure, one audit event");
    let field = |name: &str| audit[0].try_get::<Option<String>, _>(name).unwrap();
    assert_eq!(
        (field("actor").as_deref(), field("action").as_deref(), field("client_ip").as_deref()),
        (Some("staff-token"), Some("erase_on_request"), Some("127.0.0.1"))
    );
    db.close().await;
    Erased { ticket, sealed: vec![personal, stored_image], image: plain_image }
}

pub async fn error_body(res: reqwest::Response) -> Value {
    res.json().await.expect("a JSON error body")
}

/// Every error item has a code and a message in Indonesian and English.
pub fn assert_localized(body: &Value) {
    for e in body["errors"].as_array().expect("errors") {
        assert!(e["code"].as_str().is_some_and(|c| !c.is_empty()), "{body}");
        assert!(e["message"]["id"].as_str().is_some_and(|m| !m.is_empty()), "no Indonesian message: {body}");
        assert!(e["message"]["en"].as_str().is_some_and(|m| !m.is_empty()), "no English message: {body}");
    }
}

pub fn codes_of(body: &Value) -> Vec<(String, String)> {
    body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap_or("").to_string(), e["code"].as_str().unwrap().to_string()))
        .collect()
}


pub async fn post_lookup(s: &Server, ticket: &str, last4: &str, forwarded: Option<&str>) -> reqwest::Response {
    let mut req = client().post(s.url("/api/v1/complaints/lookup")).json(&json!({"ticket": ticket, "phone_last4": last4}));
    if let Some(f) = forwarded {
        req = req.header("X-Forwarded-For", f);
    }
    req.send().await.unwrap()
}

/// An upload sent with `Complaint-Key: <the complaint's Idempotency-Key>` can be claimed by that
/// complaint only; an unknown, already claimed or foreign one is refused with 422.
pub async fn upload_claimed_only_by_its_complaint(s: &Server) {
    let (mine, other) = (new_key(), new_key());
    let res = client()
        .post(s.url("/api/v1/attachments"))
        .header("Content-Type", "image/png")
        .header("Complaint-Key", &mine)
        .body(png_bytes(12, 12))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let id = res.json::<jmo_contract::AttachmentReceipt>().await.unwrap().id;
    let mut c = complaint();
    c["attachments"] = json!([id]);
    let res = post_complaint(s, &other, &c).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = error_body(res).await;
    assert_eq!(codes_of(&body), [("attachments[0]".into(), "attachment_unknown".into())]);
    assert_localized(&body);
    // The refused complaint left nothing behind: its key is still free, the image unclaimed.
    assert_eq!(post_complaint(s, &mine, &c).await.status(), StatusCode::CREATED);
    assert_eq!(post_complaint(s, &mine, &c).await.status(), StatusCode::CREATED, "replay");
    let res = post_complaint(s, &new_key(), &c).await;
    assert_eq!(error_codes(res).await, [("attachments[0]".into(), "attachment_unknown".into())]);
    let res = client().post(s.url("/api/v1/attachments")).header("Complaint-Key", "nope").body(png_bytes(4, 4)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}

/// `POST /api/v1/complaints/lookup`: ticket and digits in the body, `no-store`. After 10 wrong
/// attempts on a ticket — spread over two server instances on one database — the ticket is
/// locked for both, even with the right digits: 429 `lookup_locked`, localized, with Retry-After.
pub async fn lookups_lock_per_ticket_across_instances(url: &str) {
    // Per-client lockout off here: this test is about the ticket.
    let env = [("LOOKUP_FAILURES_PER_CLIENT", "0")];
    let (a, b) = (Server::start(url, &env), Server::start(url, &env));
    let res = post_complaint(&a, &new_key(), &complaint()).await;
    let ticket = res.json::<jmo_contract::ComplaintReceipt>().await.unwrap().ticket;
    let res = post_lookup(&b, &ticket, PHONE_LAST4, None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-store");
    assert_eq!(res.json::<jmo_contract::TicketStatus>().await.unwrap().ticket, ticket);
    let res = post_lookup(&a, &ticket, "12x4", None).await;
    assert_eq!(error_codes(res).await, [("phone_last4".into(), "invalid_format".into())]);
    let res = client().post(a.url("/api/v1/complaints/lookup")).json(&json!({"ticket": ticket})).send().await.unwrap();
    assert_eq!(error_codes(res).await, [("phone_last4".into(), "required".into())]);
    for i in 0..10 {
        let s = if i % 2 == 0 { &a } else { &b };
        let res = post_lookup(s, &ticket.to_lowercase(), &format!("{:04}", i), None).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "attempt {i}");
    }
    for s in [&a, &b] {
        let res = post_lookup(s, &ticket, PHONE_LAST4, None).await;
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        let wait: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((3000..=3600).contains(&wait), "Retry-After {wait}");
        let body = error_body(res).await;
        assert_eq!(codes_of(&body), [("".into(), "lookup_locked".into())]);
        assert_localized(&body);
        // The older GET form counts and is locked the same way.
        assert_eq!(lookup(s, &ticket, PHONE_LAST4).await.status(), StatusCode::TOO_MANY_REQUESTS);
    }
    // Another ticket is not locked.
    let res = post_complaint(&b, &new_key(), &complaint()).await;
    let other = res.json::<jmo_contract::ComplaintReceipt>().await.unwrap().ticket;
    assert_eq!(post_lookup(&a, &other, PHONE_LAST4, None).await.status(), StatusCode::OK);
}

/// A walk report as the widget sends it, for `walk` through `guide`.
fn walk_report(guide: &jmo_guide::Guide, walk: &jmo_guide::walk::Walk, nonce: &str) -> Value {
    use jmo_guide::NodeKind;
    let outcome = match walk.current_node(guide).kind {
        NodeKind::Resolved => "resolved",
        NodeKind::Escalate(_) => "escalated",
        _ => "left",
    };
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let today = jmo_contract::Date::in_jakarta(now);
    json!({
        "step": jmo_guide::link::Link::to_step(guide, walk).encode(),
        "version": &*jmo_selfhelp::content::bundled().version,
        "outcome": outcome,
        "delivered": false,
        "lang": "id",
        "embedding": "web",
        "day": today.to_string(),
        "nonce": nonce,
    })
}

/// Posts a walk report as `navigator.sendBeacon` does (`text/plain`).
pub async fn post_walk(s: &Server, body: &str) -> StatusCode {
    client().post(s.url("/api/v1/walks")).header("content-type", "text/plain;charset=UTF-8").body(body.to_owned()).send().await.unwrap().status()
}

async fn walk_stats(s: &Server) -> Value {
    staff_get(s, "/api/v1/staff/walks?guide=login").await.json().await.unwrap()
}

/// Walk reports: each possible one counted once (a resend by nonce is not), the counts per guide,
/// node and answer and the deflection rate add up; a few hundred forged or malformed reports are
/// refused with a 4xx and change nothing; step pages drawn are counted, pages fetched ahead not.
pub async fn walks_are_counted_once_and_forgeries_not_at_all(s: &Server) {
    use jmo_guide::walk::Walk;
    use jmo_guide::NodeKind;
    let catalog = jmo_selfhelp::content::bundled();
    let guide = catalog.guide("login").unwrap();
    let reach = |kind: fn(&NodeKind) -> bool| {
        let at = guide.nodes.iter().position(|n| kind(&n.kind)).unwrap();
        Walk::shortest_to(guide, at).unwrap()
    };
    let resolved = reach(|k| matches!(k, NodeKind::Resolved));
    let escalated = reach(|k| matches!(k, NodeKind::Escalate(_)));
    let left = Walk::start(guide);

    let mut delivered = walk_report(guide, &escalated, "escalated-and-delivered-0001");
    delivered["delivered"] = json!(true);
    let good = [
        walk_report(guide, &resolved, "resolved-walk-number-0001"),
        walk_report(guide, &resolved, "resolved-walk-number-0002"),
        walk_report(guide, &escalated, "escalated-walk-number-0001"),
        delivered,
        walk_report(guide, &left, "left-on-the-first-question"),
    ];
    for report in &good {
        assert_eq!(post_walk(s, &report.to_string()).await, StatusCode::ACCEPTED, "{report}");
    }
    // Sent again (an answer lost on the way): accepted, not counted again.
    assert_eq!(post_walk(s, &good[0].to_string()).await, StatusCode::ACCEPTED);
    // As JSON too, from the app's webview in English.
    let mut as_json = walk_report(guide, &resolved, "resolved-walk-sent-as-json");
    as_json["lang"] = json!("en");
    as_json["embedding"] = json!("app");
    let res = client().post(s.url("/api/v1/walks")).json(&as_json).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);

    let stats = walk_stats(s).await;
    let total = &stats["guides"][0]["total"];
    assert_eq!(stats["guides"].as_array().unwrap().len(), 1, "{stats}");
    assert_eq!(
        [&total["walks"], &total["resolved"], &total["escalated"], &total["delivered"], &total["left"]],
        [&json!(6), &json!(3), &json!(2), &json!(1), &json!(1)],
        "{stats}"
    );
    assert!((total["deflection"].as_f64().unwrap() - 0.6).abs() < 1e-9, "{stats}");
    let node = |id: &str| stats["guides"][0]["nodes"].as_array().unwrap().iter().find(|n| n["node"] == json!(id)).cloned().unwrap_or_default();
    assert_eq!(node(&guide.start)["visits"], json!(6), "{stats}");
    assert_eq!(node(&resolved.current_node(guide).id)["ended"]["resolved"], json!(3));
    assert_eq!(node(&escalated.current_node(guide).id)["ended"]["escalated"], json!(2));
    let first = &resolved.answers()[0];
    let answer = &guide.nodes[first.node].options[first.option].id;
    let edge = stats["guides"][0]["edges"].as_array().unwrap().iter().find(|e| e["node"] == json!(&*guide.start) && e["answer"] == json!(&**answer)).cloned();
    assert!(edge.is_some_and(|e| e["walks"].as_u64().unwrap() >= 3), "{stats}");
    let keyed = |list: &str| -> Vec<(String, u64)> {
        stats["guides"][0][list].as_array().unwrap().iter().map(|k| (k["key"].as_str().unwrap().to_owned(), k["outcomes"]["walks"].as_u64().unwrap())).collect()
    };
    assert_eq!(keyed("languages"), [("en".to_owned(), 1), ("id".to_owned(), 5)], "{stats}");
    assert_eq!(keyed("embeddings"), [("app".to_owned(), 1), ("web".to_owned(), 5)], "{stats}");
    let versions = stats["guides"][0]["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0]["version"], json!(&*catalog.version));

    // Forgeries: every field broken in turn, a few hundred in all.
    let base = walk_report(guide, &resolved, "placeholder-nonce-000000");
    let mut forged: Vec<String> = Vec::new();
    let variants: Vec<(&str, Value)> = vec![
        ("step", json!("/login/no_such_node")),
        ("step", json!("/no_such_guide/start")),
        ("step", json!(format!("/login/{}?a=nowhere.yes", resolved.current_node(guide).id))),
        ("step", json!(format!("{}&lang=en", base["step"].as_str().unwrap()))),
        ("step", json!("/")),
        ("step", json!("/check")),
        ("step", json!("javascript:alert(1)")),
        ("step", json!("/login/".to_owned() + &"x".repeat(3000))),
        ("step", json!(42)),
        ("outcome", json!("escalated")),
        ("outcome", json!("left")),
        ("outcome", json!("exploded")),
        ("delivered", json!(true)),
        ("delivered", json!("yes")),
        ("version", json!("0000000000")),
        ("version", json!("")),
        ("lang", json!("fr")),
        ("embedding", json!("tv")),
        ("day", json!("2999-01-01")),
        ("day", json!("2020-01-01")),
        ("day", json!("kemarin")),
        ("nonce", json!("short")),
        ("nonce", json!("has spaces and <tags> in it")),
        ("nonce", json!(null)),
        ("name", json!("Siti Rahayu")),
        ("nik", json!("3201014507900003")),
    ];
    for (i, (field, value)) in variants.iter().enumerate() {
        for n in 0..8 {
            let mut r = base.clone();
            r[*field] = value.clone();
            if *field != "nonce" {
                r["nonce"] = json!(format!("forged-report-{i:03}-{n:03}-xyz"));
            }
            forged.push(r.to_string());
        }
    }
    let mut missing = base.clone();
    missing.as_object_mut().unwrap().remove("step");
    forged.push(missing.to_string());
    // Not JSON, or not an object.
    for body in ["", "{", "null", "[]", "\"step\"", "{\"step\":\"/login\"}", "\u{0}\u{1}", &"{".repeat(10_000)] {
        forged.push(body.to_owned());
    }
    assert!(forged.len() >= 200);
    for body in &forged {
        let status = post_walk(s, body).await;
        assert!(status.is_client_error(), "a forged report was answered {status}: {}", &body[..body.len().min(200)]);
    }
    // Too large for a report.
    let huge = client().post(s.url("/api/v1/walks")).body(vec![b' '; 64 * 1024]).send().await.unwrap().status();
    assert_eq!(huge, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(walk_stats(s).await, stats, "forged reports changed the counts");

    // A step page drawn counts as a page of its node; one fetched ahead by the browser does not.
    let page = jmo_guide::link::Link::to_step(guide, &resolved).encode();
    assert_eq!(client().get(s.url(&page)).send().await.unwrap().status(), StatusCode::OK);
    client().get(s.url(&page)).header("sec-purpose", "prefetch").send().await.unwrap();
    let after = walk_stats(s).await;
    assert_eq!(after["guides"][0]["total"]["pages"], json!(1), "{after}");
    assert_eq!(after["guides"][0]["total"]["walks"], json!(6), "a page is not a walk");
    let ended = after["guides"][0]["nodes"].as_array().unwrap().iter().find(|n| n["node"] == json!(&*resolved.current_node(guide).id)).cloned().unwrap();
    assert_eq!(ended["ended"]["pages"], json!(1));

    // Staff only.
    let res = client().get(s.url("/api/v1/staff/walks")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = client().get(s.url("/api/v1/staff/walks?from=2026-13-01")).bearer_auth(STAFF_TOKEN).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}

/// The workspace's queue on a fresh database: complaints routed to their unit by category, in
/// due order, counted with the overdue ones.
pub async fn queue_by_unit(url: &str) {
    let s = Server::start(url, &[]);
    let mut balance = complaint();
    balance["category"] = json!("balance");
    for body in [complaint(), balance.clone(), complaint()] {
        assert_eq!(post_complaint(&s, &new_key(), &body).await.status(), StatusCode::CREATED);
    }
    drop(s);
    let keys = Arc::new(jmo_selfhelp_server::crypto::KeyRing::parse(DATA_KEY).unwrap());
    let store = jmo_selfhelp_server::store::Store::open(url, false, keys).await.unwrap();
    assert_eq!(store.unit_of("login").await.unwrap().as_deref(), Some("it"));
    assert_eq!(store.unit_of("balance").await.unwrap().as_deref(), Some("back_office"));
    let it = store.queue(Some("it"), 10).await.unwrap();
    assert_eq!(it.len(), 2);
    assert!(it.iter().all(|r| r.category == "login") && it[0].response_due_at <= it[1].response_due_at);
    assert_eq!(store.queue(Some("back_office"), 10).await.unwrap().len(), 1);
    assert_eq!(store.queue(None, 10).await.unwrap().len(), 3);
    assert_eq!(store.queue(None, 2).await.unwrap().len(), 2, "the limit");
    let now = it[0].received_at;
    assert_eq!(store.queue_size(Some("it"), now).await.unwrap(), (2, 0));
    assert_eq!(store.queue_size(None, now + 2 * 86_400).await.unwrap(), (3, 3), "all overdue two days on");
    store.close().await;
}
