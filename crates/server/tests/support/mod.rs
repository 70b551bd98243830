//! Test harness: the real `jmo-selfhelp-server` binary started by the workspace's test kit
//! (`jmo_testkit`: a child process on loopback with its JSON logs captured) against a fresh
//! SQLite file or a database on a throwaway PostgreSQL server (`jmo_testkit::Postgres`, which
//! `tests/postgres.rs` starts).
#![allow(dead_code)]

pub mod scenarios;
pub mod staff;

pub use jmo_testkit::Launch;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const STAFF_TOKEN: &str = "staff-test-token";
pub const PHONE_LAST4: &str = "7890";
/// The data key the tests' servers seal personal data with.
pub const DATA_KEY: &str = "5e5f0d2c8a4b7e1f9c3d6a0b2e4f8c1d7a9b3e5f0c2d4a6b8e1f3c5d7a9b0e2f";

/// How these tests start the binary cargo built for them: `DATABASE_URL`, a staff token, no rate
/// limits (tests send many requests from one address; the rate-limit test sets its own) and the
/// kit's defaults (free loopback port, `RUST_LOG=info`, no widget). For a start that must be
/// refused: `launch(url).refused()`.
pub fn launch(database_url: &str) -> Launch {
    Launch::new().binary(env!("CARGO_BIN_EXE_jmo-selfhelp-server")).database(database_url).envs(&[
        ("STAFF_TOKEN", STAFF_TOKEN),
        ("COMPLAINTS_PER_MINUTE", "0"),
        ("LOOKUPS_PER_MINUTE", "0"),
        ("UPLOADS_PER_MINUTE", "0"),
        ("WALKS_PER_MINUTE", "0"),
    ])
}

/// The kit's [`jmo_testkit::Server`] (`addr`, `base`, `database_url`, `url()`, `logs()`,
/// `kill9()`, `stop()`, `restart()`), started with [`launch`]'s defaults.
pub struct Server(jmo_testkit::Server);

impl Server {
    /// Starts the binary on `database_url` with the tests' defaults; `env` adds or overrides variables.
    pub fn start(database_url: &str, env: &[(&str, &str)]) -> Server {
        Server(launch(database_url).envs(env).start())
    }
}

impl std::ops::Deref for Server {
    type Target = jmo_testkit::Server;
    fn deref(&self) -> &jmo_testkit::Server {
        &self.0
    }
}

impl std::ops::DerefMut for Server {
    fn deref_mut(&mut self) -> &mut jmo_testkit::Server {
        &mut self.0
    }
}

/// A fresh SQLite database in its own temporary folder (kept alive by the returned guard).
pub fn sqlite_db() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/jmo.db", dir.path().display());
    (dir, url)
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().timeout(Duration::from_secs(30)).build().unwrap()
}

pub fn new_key() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A complete, valid complaint.
pub fn complaint() -> Value {
    json!({
        "guide": {"guide_id": "login", "content_version": "2025.1", "escalation_node": "contact_agency",
                  "path": [{"node": "start", "answer": "cannot_login"}, {"node": "reset_password", "answer": "tried"}]},
        "category": "login",
        "urgency": "normal",
        "reporter": {"name": "Siti Aminah", "nik": "3201015705900001", "birth_date": "1990-05-17",
                     "email": "siti@example.co.id", "phone": "0812-3456-7890"},
        "reply_channel": "whatsapp",
        "description": "Tidak bisa login sejak kemarin walau kata sandi benar.",
        "incident_at": "2025-03-01T08:30:00+07:00",
        "attachments": [],
        "consent": {"personal_data": true, "notice_version": "v1"},
        "client": {"language": "id", "app_version": "1.0.0", "embedding": "web"}
    })
}

pub async fn post_complaint(s: &Server, key: &str, body: &Value) -> reqwest::Response {
    client().post(s.url("/api/v1/complaints")).header("Idempotency-Key", key).json(body).send().await.unwrap()
}

pub async fn lookup(s: &Server, ticket: &str, last4: &str) -> reqwest::Response {
    client().get(s.url(&format!("/api/v1/complaints/{ticket}?phone_last4={last4}"))).send().await.unwrap()
}

pub async fn error_codes(res: reqwest::Response) -> Vec<(String, String)> {
    let body: Value = res.json().await.expect("JSON error body");
    body["errors"]
        .as_array()
        .expect("errors array")
        .iter()
        .map(|e| (e["field"].as_str().unwrap_or("").to_string(), e["code"].as_str().unwrap().to_string()))
        .collect()
}

pub fn png_bytes(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x * 7) as u8, (y * 5) as u8, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

pub fn webp_bytes(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbaImage::from_fn(w, h, |x, _| image::Rgba([x as u8, 10, 200, 255]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::WebP).unwrap();
    out.into_inner()
}

/// A JPEG carrying an EXIF segment with a GPS-like canary string, as a phone photo would.
pub fn jpeg_with_exif(canary: &str) -> Vec<u8> {
    let img = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 3, y as u8 * 4, 120]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    let jpeg = out.into_inner();
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend_from_slice(b"MM\0\x2a\0\0\0\x08\0\0"); // a minimal big-endian TIFF header
    payload.extend_from_slice(canary.as_bytes());
    let len = (payload.len() + 2) as u16;
    let mut with_exif = vec![0xFF, 0xD8, 0xFF, 0xE1];
    with_exif.extend_from_slice(&len.to_be_bytes());
    with_exif.extend_from_slice(&payload);
    with_exif.extend_from_slice(&jpeg[2..]);
    with_exif
}

pub async fn upload(s: &Server, bytes: Vec<u8>, file_name: &str, mime: &str) -> reqwest::Response {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_string()).mime_str(mime).unwrap();
    let form = reqwest::multipart::Form::new().part("file", part);
    client().post(s.url("/api/v1/attachments")).multipart(form).send().await.unwrap()
}
