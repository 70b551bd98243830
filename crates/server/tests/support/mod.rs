//! Test harness: the real `jmo-selfhelp-server` binary started as a child process on loopback,
//! with its JSON logs captured, against a fresh SQLite file or a database on a PostgreSQL
//! server this harness starts itself.
#![allow(dead_code)]

pub mod postgres;
pub mod scenarios;

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

pub const STAFF_TOKEN: &str = "staff-test-token";
pub const PHONE_LAST4: &str = "7890";

pub struct Server {
    child: Child,
    pub base: String,
    pub addr: std::net::SocketAddr,
    pub database_url: String,
    logs: Arc<Mutex<String>>,
}

impl Server {
    /// Starts the binary with `DATABASE_URL` and test defaults; `env` adds or overrides variables.
    pub fn start(database_url: &str, env: &[(&str, &str)]) -> Server {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_jmo-selfhelp-server"));
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("LISTEN_ADDR", "127.0.0.1:0")
            .env("DATABASE_URL", database_url)
            .env("STAFF_TOKEN", STAFF_TOKEN)
            .env("RUST_LOG", "info")
            // Tests send many requests from one address; the rate-limit test sets its own.
            .env("COMPLAINTS_PER_MINUTE", "0")
            .env("LOOKUPS_PER_MINUTE", "0")
            .env("UPLOADS_PER_MINUTE", "0")
            .env("WIDGET_DIR", "/nonexistent-widget-dir")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("start jmo-selfhelp-server");
        let logs = Arc::new(Mutex::new(String::new()));
        let (addr_tx, addr_rx) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        let sink = logs.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                {
                    let mut logs = sink.lock().unwrap();
                    logs.push_str(&line);
                    logs.push('\n');
                }
                if line.contains("\"message\":\"listening\"") {
                    let v: Value = serde_json::from_str(&line).unwrap_or_default();
                    if let Some(addr) = v["addr"].as_str() {
                        let _ = addr_tx.send(addr.to_string());
                    }
                }
            }
        });
        let mut stderr = child.stderr.take().unwrap();
        let sink = logs.clone();
        std::thread::spawn(move || {
            let mut buf = String::new();
            let _ = stderr.read_to_string(&mut buf);
            sink.lock().unwrap().push_str(&buf);
        });
        let addr = match addr_rx.recv_timeout(Duration::from_secs(30)) {
            Ok(a) => a,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                std::thread::sleep(Duration::from_millis(100));
                panic!("server did not start; logs:\n{}", logs.lock().unwrap());
            }
        };
        let addr: std::net::SocketAddr = addr.parse().unwrap();
        Server { child, base: format!("http://{addr}"), addr, database_url: database_url.to_string(), logs }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn logs(&self) -> String {
        self.logs.lock().unwrap().clone()
    }

    /// SIGKILL: no shutdown code runs.
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM and wait, so the logs are complete.
    pub fn stop(&mut self) {
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        for _ in 0..100 {
            if let Ok(Some(_)) = self.child.try_wait() {
                std::thread::sleep(Duration::from_millis(50));
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.kill9();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill9();
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
