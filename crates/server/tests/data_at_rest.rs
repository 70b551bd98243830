//! Personal data at rest (UU 27/2022), against the server binary and the SQLite file itself:
//! sealed fields, the data key and its rotation, erasure on request and after the retention
//! period (with the clock moved), file permissions, TLS to PostgreSQL off loopback.

mod support;

use reqwest::StatusCode;
use scenarios::contains;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use support::*;

fn db_file(url: &str) -> PathBuf {
    PathBuf::from(url.strip_prefix("sqlite://").unwrap())
}

/// The database file, its WAL and its shared-memory index, as bytes on disk.
fn raw_files(url: &str) -> Vec<(String, Vec<u8>)> {
    let db = db_file(url);
    ["", "-wal", "-shm"]
        .iter()
        .filter_map(|suffix| {
            let path = format!("{}{suffix}", db.display());
            std::fs::read(&path).ok().map(|bytes| (path, bytes))
        })
        .collect()
}

fn assert_absent(url: &str, what: &str, needle: &[u8]) {
    for (path, bytes) in raw_files(url) {
        assert!(!contains(&bytes, needle), "{what} found in {path}");
    }
}

/// What `strings` would find: the reporter's details and the description.
const PLAIN: [&str; 7] = ["3201015705900001", "Siti Aminah", "siti@example.co.id", "6281234567890", "081234567890", "1990-05-17", "Tidak bisa login"];

/// A few slices of a ciphertext: enough to recognise any surviving copy of it.
fn slices(sealed: &[u8]) -> Vec<&[u8]> {
    let n = sealed.len();
    vec![&sealed[..24], &sealed[n / 2..n / 2 + 24], &sealed[n - 24..]]
}

async fn staff_json(s: &Server, path: &str) -> Value {
    scenarios::staff_get(s, path).await.json().await.unwrap()
}

async fn set_status(s: &Server, ticket: &str, status: &str) {
    let res = client()
        .patch(s.url(&format!("/api/v1/staff/complaints/{ticket}")))
        .bearer_auth(STAFF_TOKEN)
        .json(&serde_json::json!({ "status": status }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

async fn file(s: &Server) -> String {
    let res = post_complaint(s, &new_key(), &complaint()).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json::<jmo_contract::ComplaintReceipt>().await.unwrap().ticket
}

/// Runs the binary expecting it to refuse to start (no data key unless `env` gives one): its
/// exit code and output.
fn refused(env: &[(&str, &str)]) -> (i32, String) {
    let (code, logs) = jmo_testkit::Launch::new().binary(env!("CARGO_BIN_EXE_jmo-selfhelp-server")).unset("DATA_KEY").envs(env).refused();
    (code.unwrap_or(-1), logs)
}

/// No NIK, name, e-mail, phone, birth date, description or image bytes anywhere in the files,
/// while the lookup works; after an erasure request not even the ciphertext is left — in the
/// database file, its WAL or its shared-memory file. (Fails before sealing: the NIK was in the
/// file as JSON; and there was no erasure.)
#[tokio::test]
async fn sealed_in_the_file_and_erased_from_it() {
    let (_dir, url) = sqlite_db();
    let s = Server::start(&url, &[]);
    let other = file(&s).await;
    let erased = scenarios::sealed_then_erased(&s).await;
    for plain in PLAIN {
        assert_absent(&url, plain, plain.as_bytes());
    }
    assert_absent(&url, "image bytes", &erased.image[8..40]);
    for sealed in &erased.sealed {
        for slice in slices(sealed) {
            assert_absent(&url, "ciphertext of the erased complaint", slice);
        }
    }
    // The other complaint is untouched.
    let detail = staff_json(&s, &format!("/api/v1/staff/complaints/{other}")).await;
    assert_eq!(detail["complaint"]["reporter"]["nik"], "3201015705900001");
    assert_eq!(lookup(&s, &other, PHONE_LAST4).await.status(), StatusCode::OK);
    assert!(!erased.ticket.is_empty());
}

/// Outside development the server refuses to start without a data key; JMO_DEV=1 makes one
/// (owner-only) beside the database and keeps using it. (Fails before: it started without one.)
#[test]
fn needs_a_data_key() {
    let (dir, url) = sqlite_db();
    let (code, out) = refused(&[("DATABASE_URL", &url)]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("DATA_KEY_FILE") && out.contains("--generate-key"), "{out}");
    let (code, out) = refused(&[("DATABASE_URL", &url), ("DATA_KEY", "not-a-key")]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("64 hex digits"), "{out}");

    let dev = [("DATA_KEY", ""), ("JMO_DEV", "1")];
    let mut s = Server::start(&url, &dev);
    assert!(s.logs().contains("development: created a data key"));
    let key_file = dir.path().join("data-key");
    assert_eq!(mode(&key_file), 0o600);
    let ticket = tokio::runtime::Runtime::new().unwrap().block_on(file(&s));
    s.stop();
    let s = Server::start(&url, &dev);
    assert!(s.logs().contains("development: using the data key in this file"));
    let rt = tokio::runtime::Runtime::new().unwrap();
    assert_eq!(rt.block_on(lookup(&s, &ticket, PHONE_LAST4)).status(), StatusCode::OK);

    let generated = Command::new(env!("CARGO_BIN_EXE_jmo-selfhelp-server")).arg("--generate-key").output().unwrap();
    let key = String::from_utf8(generated.stdout).unwrap();
    assert!(key.trim().len() == 64 && key.trim().bytes().all(|b| b.is_ascii_hexdigit()), "{key}");
}

/// Rotation: with the new key first and the old one after it, the server seals everything again
/// with the new key at start; then the old key can go. A ring without the key the data needs is
/// refused at start rather than failing on every read. (Fails before: there were no keys.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_rotation_seals_everything_again() {
    let (_dir, url) = sqlite_db();
    let new_key = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
    let mut s = Server::start(&url, &[]);
    let image = upload(&s, png_bytes(20, 10), "a.png", "image/png").await;
    let image: jmo_contract::AttachmentReceipt = image.json().await.unwrap();
    let mut c = complaint();
    c["attachments"] = serde_json::json!([image.id]);
    let res = post_complaint(&s, &new_key_uuid(), &c).await;
    let ticket = res.json::<jmo_contract::ComplaintReceipt>().await.unwrap().ticket;
    let before = scenarios::staff_get(&s, &format!("/api/v1/staff/attachments/{}", image.id)).await.bytes().await.unwrap();
    s.stop();

    let ring = format!("{new_key}\n{DATA_KEY}");
    let mut s = Server::start(&url, &[("DATA_KEY", &ring)]);
    assert!(s.logs().contains("sealed again with the current data key"), "{}", s.logs());
    assert!(s.logs().contains("\"values\":2"), "{}", s.logs());
    s.stop();

    let s = Server::start(&url, &[("DATA_KEY", new_key)]);
    assert_eq!(lookup(&s, &ticket, PHONE_LAST4).await.status(), StatusCode::OK);
    assert_eq!(lookup(&s, &ticket, "0000").await.status(), StatusCode::NOT_FOUND);
    let detail = staff_json(&s, &format!("/api/v1/staff/complaints/{ticket}")).await;
    assert_eq!(detail["complaint"]["reporter"]["nik"], "3201015705900001");
    let after = scenarios::staff_get(&s, &format!("/api/v1/staff/attachments/{}", image.id)).await.bytes().await.unwrap();
    assert_eq!(before, after);
    drop(s);

    let (code, out) = refused(&[("DATABASE_URL", &url), ("DATA_KEY", DATA_KEY)]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("sealed with data key id"), "{out}");
}

fn new_key_uuid() -> String {
    new_key()
}

/// Retention: the personal data of a complaint resolved more than RETENTION_DAYS_AFTER_RESOLUTION
/// (365) days ago is erased — attachments too — at start and by the hourly purge, leaving the
/// anonymous record; unresolved complaints keep theirs. The clock is moved through JMO_CLOCK_FILE,
/// which a running server re-reads. (Fails before: nothing was ever erased.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resolved_complaints_are_erased_after_the_retention_period() {
    let (dir, url) = sqlite_db();
    let clock = dir.path().join("clock");
    std::fs::write(&clock, "0").unwrap();
    let clock_env = clock.display().to_string();
    let env = [("JMO_DEV", "1"), ("JMO_CLOCK_FILE", clock_env.as_str())];
    let mut s = Server::start(&url, &env);
    let image = upload(&s, png_bytes(30, 20), "b.png", "image/png").await;
    let image: jmo_contract::AttachmentReceipt = image.json().await.unwrap();
    let mut c = complaint();
    c["attachments"] = serde_json::json!([image.id]);
    let res = post_complaint(&s, &new_key(), &c).await;
    let resolved = res.json::<jmo_contract::ComplaintReceipt>().await.unwrap().ticket;
    let open = file(&s).await;
    set_status(&s, &resolved, "resolved").await;
    let detail = staff_json(&s, &format!("/api/v1/staff/complaints/{resolved}")).await;
    assert!(detail["resolved_at"].is_string());
    let sealed = sealed_values(&url, &resolved).await;

    // The running server follows the moved clock.
    let day = 86_400i64;
    std::fs::write(&clock, (364 * day).to_string()).unwrap();
    let res = post_complaint(&s, &new_key(), &complaint()).await;
    let receipt: jmo_contract::ComplaintReceipt = res.json().await.unwrap();
    let received = jmo_contract::Timestamp::parse(&receipt.received_at).unwrap().unix();
    let real = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    assert!((received - real - 364 * day).abs() < 60, "received_at ignores the clock file");
    s.stop();

    // 364 days after resolution: kept.
    let mut s = Server::start(&url, &env);
    let detail = staff_json(&s, &format!("/api/v1/staff/complaints/{resolved}")).await;
    assert_eq!(detail["complaint"]["reporter"]["nik"], "3201015705900001");
    s.stop();

    // 366 days: erased at start, with its attachment; the unresolved one is kept.
    std::fs::write(&clock, (366 * day).to_string()).unwrap();
    let s = Server::start(&url, &env);
    assert!(s.logs().contains("personal data erased after the retention period"), "{}", s.logs());
    let detail = staff_json(&s, &format!("/api/v1/staff/complaints/{resolved}")).await;
    assert_eq!(detail["complaint"], Value::Null);
    assert_eq!((detail["status"].as_str(), detail["category"].as_str()), (Some("resolved"), Some("login")));
    assert!(detail["erased_at"].is_string());
    assert_eq!(scenarios::staff_status(&s, &format!("/api/v1/staff/attachments/{}", image.id)).await, StatusCode::NOT_FOUND);
    assert_eq!(lookup(&s, &resolved, PHONE_LAST4).await.status(), StatusCode::NOT_FOUND);
    let kept = staff_json(&s, &format!("/api/v1/staff/complaints/{open}")).await;
    assert_eq!(kept["complaint"]["reporter"]["nik"], "3201015705900001");
    for slice in sealed.iter().flat_map(|s| slices(s)) {
        assert_absent(&url, "ciphertext of the expired complaint", slice);
    }
    // Idempotency keys are gone after 8 days, as before; the erasure is in the audit trail.
    let db = sqlx::sqlite::SqlitePoolOptions::new().max_connections(1).connect(&url).await.unwrap();
    let keys: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM idempotency_keys").fetch_one(&db).await.unwrap();
    assert_eq!(keys, 1, "only the key of the complaint filed 364 days later is left");
    let audit: Vec<(String, String)> = sqlx::query_as("SELECT actor, action FROM audit_events WHERE ticket = ? AND action <> 'complaint_viewed'").bind(&resolved).fetch_all(&db).await.unwrap();
    assert_eq!(audit, [("retention".to_string(), "erase_after_retention".to_string())]);
    // The staff reads of it before (its personal data) are in the trail too; after, none is one.
    let reads: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE ticket = ? AND action = 'complaint_viewed'").bind(&resolved).fetch_one(&db).await.unwrap();
    assert!(reads >= 1, "a staff read of the complaint before its erasure is not audited");
    db.close().await;
}

/// `complaints.personal` and the attachments' `data` of one complaint, as stored.
async fn sealed_values(url: &str, ticket: &str) -> Vec<Vec<u8>> {
    let db = sqlx::sqlite::SqlitePoolOptions::new().max_connections(1).connect(url).await.unwrap();
    let mut out: Vec<Vec<u8>> = sqlx::query_scalar("SELECT data FROM attachments WHERE complaint_ticket = ?").bind(ticket).fetch_all(&db).await.unwrap();
    out.push(sqlx::query_scalar("SELECT personal FROM complaints WHERE ticket = ?").bind(ticket).fetch_one(&db).await.unwrap());
    db.close().await;
    assert_eq!(out.len(), 2);
    out
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).permissions().mode() & 0o777
}

/// The SQLite file, its WAL and shared-memory file are readable by the owner only, whatever the
/// umask; a file created earlier with wider permissions is narrowed. (Fails before: 0644.)
#[tokio::test]
async fn sqlite_files_are_owner_only() {
    let (_dir, url) = sqlite_db();
    let s = Server::start(&url, &[]);
    file(&s).await;
    let db = db_file(&url);
    for suffix in ["", "-wal", "-shm"] {
        assert_eq!(mode(Path::new(&format!("{}{suffix}", db.display()))), 0o600, "{suffix}");
    }
    drop(s);

    let (_dir, url) = sqlite_db();
    std::fs::write(db_file(&url), b"").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(db_file(&url), std::fs::Permissions::from_mode(0o644)).unwrap();
    let _s = Server::start(&url, &[]);
    assert_eq!(mode(&db_file(&url)), 0o600);
}

/// A PostgreSQL URL off loopback that allows plain text is refused at start, and the startup
/// line says how the database is reached. (Fails before: it connected as told, in plain text.)
#[test]
fn postgres_off_loopback_needs_tls() {
    let (code, out) = refused(&[("DATABASE_URL", "postgres://jmo:pw@db.example.invalid/jmo?sslmode=prefer"), ("DATA_KEY", DATA_KEY)]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("sslmode=prefer") && out.contains("sslmode=require"), "{out}");
    let (_dir, url) = sqlite_db();
    let s = Server::start(&url, &[]);
    assert!(s.logs().contains("\"database_tls\":\"local file\""), "{}", s.logs());
}

/// A database from before sealing (migration 1, plain JSON and plain images) is migrated and
/// sealed at the first start: the lookup and staff views work, the file holds no plain text.
/// (Fails before: the plain text stayed.)
#[tokio::test]
async fn plain_text_from_before_is_sealed_at_start() {
    use sqlx::migrate::{Migration, MigrationType, Migrator};
    use sqlx::SqlSafeStr;
    let (_dir, url) = sqlite_db();
    let options: sqlx::sqlite::SqliteConnectOptions = format!("{url}?mode=rwc").parse().unwrap();
    let db = sqlx::sqlite::SqlitePoolOptions::new().max_connections(1).connect_with(options.journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)).await.unwrap();
    let init = Migration::new(1, "init".into(), MigrationType::Simple, include_str!("../migrations/0001_init.sql").into_sql_str(), false);
    Migrator::with_migrations(vec![init]).run(&db).await.unwrap();
    let request: jmo_contract::ComplaintRequest = serde_json::from_value(complaint()).unwrap();
    let valid = jmo_contract::validate_complaint(&request, &jmo_contract::Context::default()).unwrap();
    let ticket = &jmo_contract::ticket::ticket_from_bytes([7; 10]);
    const ATTACHMENT: &str = "0b9f3c2e-7d41-4a8e-9c55-2f1e6d3a8b70";
    sqlx::query(
        "INSERT INTO complaints (ticket, idempotency_key, category, urgency, reply_channel, status, phone_last4, received_at, response_due_at, updated_at, payload) \
         VALUES (?, 'k', 'login', 'normal', 'whatsapp', 'in_progress', '7890', 1, 2, 3, ?)",
    )
    .bind(ticket)
    .bind(serde_json::to_string(&valid).unwrap())
    .execute(&db)
    .await
    .unwrap();
    let image = png_bytes(33, 22);
    sqlx::query("INSERT INTO attachments (id, content_type, data, bytes, width, height, complaint_ticket, created_at) VALUES (?, 'image/png', ?, 1, 33, 22, ?, 1)")
        .bind(ATTACHMENT)
        .bind(&image)
        .bind(ticket)
        .execute(&db)
        .await
        .unwrap();
    db.close().await;
    assert!(raw_files(&url).iter().any(|(_, bytes)| contains(bytes, b"3201015705900001")), "the old file has the NIK in plain text");

    let s = Server::start(&url, &[]);
    assert!(s.logs().contains("sealed again with the current data key"), "{}", s.logs());
    assert_eq!(lookup(&s, ticket, PHONE_LAST4).await.status(), StatusCode::OK);
    let detail = staff_json(&s, &format!("/api/v1/staff/complaints/{ticket}")).await;
    assert_eq!(detail["complaint"]["reporter"]["nik"], "3201015705900001");
    assert_eq!(detail["status"], "in_progress");
    let stored = scenarios::staff_get(&s, &format!("/api/v1/staff/attachments/{ATTACHMENT}")).await.bytes().await.unwrap();
    assert_eq!(stored.as_ref(), image.as_slice());
    for plain in PLAIN {
        assert_absent(&url, plain, plain.as_bytes());
    }
    assert_absent(&url, "image bytes", &image[8..40]);
}
