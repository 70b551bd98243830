//! Embedding configuration: `EMBED_ORIGINS` is the one list of host pages, given to the widget at
//! `/embed-origins.json` and to browsers as CSP `frame-ancestors`; a bad entry stops the server.

mod support;

use reqwest::StatusCode;
use serde_json::{json, Value};
use support::*;

fn server(env: &[(&str, &str)]) -> (tempfile::TempDir, Server) {
    let (dir, url) = sqlite_db();
    let s = Server::start(&url, env);
    (dir, s)
}

#[tokio::test]
async fn the_embed_origins_reach_the_csp_and_the_widget() {
    let widget = tempfile::tempdir().unwrap();
    std::fs::write(widget.path().join("index.html"), "<!doctype html><title>JMO</title>").unwrap();
    let (_db, s) = server(&[
        ("EMBED_ORIGINS", "https://www.bpjsketenagakerjaan.go.id, http://127.0.0.1:8000/ ,https://Partner.Example:443"),
        ("WIDGET_DIR", widget.path().to_str().unwrap()),
    ]);
    let c = client();
    for path in ["/", "/index.html", "/embed-origins.json", "/api/v1/status"] {
        let res = c.get(s.url(path)).send().await.unwrap();
        let csp = res.headers()["content-security-policy"].to_str().unwrap().to_owned();
        assert!(
            csp.ends_with("frame-ancestors 'self' https://www.bpjsketenagakerjaan.go.id http://127.0.0.1:8000 https://partner.example"),
            "{path}: {csp}"
        );
        // The rest of the policy is untouched.
        assert!(csp.starts_with("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self';"), "{path}: {csp}");
        assert!(csp.contains("connect-src 'self'") && csp.contains("object-src 'none'"), "{path}: {csp}");
    }

    let res = c.get(s.url("/embed-origins.json")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/json");
    assert_eq!(res.headers()["cache-control"], "no-cache");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body, json!({"origins": ["https://www.bpjsketenagakerjaan.go.id", "http://127.0.0.1:8000", "https://partner.example"]}));
}

#[tokio::test]
async fn without_embed_origins_only_the_widget_itself_may_frame_it() {
    let (_db, s) = server(&[]);
    let res = client().get(s.url("/embed-origins.json")).send().await.unwrap();
    let csp = res.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.ends_with("frame-ancestors 'self'"), "{csp}");
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"origins": []}));
}

#[tokio::test]
async fn an_explicit_frame_ancestors_overrides_the_list_for_framing_only() {
    let (_db, s) = server(&[("EMBED_ORIGINS", "https://a.example"), ("FRAME_ANCESTORS", "'self' https://a.example https://b.example")]);
    let res = client().get(s.url("/embed-origins.json")).send().await.unwrap();
    let csp = res.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.ends_with("frame-ancestors 'self' https://a.example https://b.example"), "{csp}");
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"origins": ["https://a.example"]}));
}

#[test]
fn a_bad_embed_origin_stops_the_server_at_startup() {
    let (_db, url) = sqlite_db();
    for bad in ["https://*.bpjsketenagakerjaan.go.id", "https://www.bpjsketenagakerjaan.go.id/bantuan", "www.bpjsketenagakerjaan.go.id", "*"] {
        let (code, logs) = launch(&url).env("EMBED_ORIGINS", &format!("https://ok.example, {bad}")).refused();
        assert_eq!(code, Some(2), "{bad}: {logs}");
        assert!(logs.contains("invalid configuration") && logs.contains("EMBED_ORIGINS") && logs.contains("scheme://host[:port]"), "{bad}: {logs}");
        assert!(!logs.contains("\"listening\""), "{bad}: {logs}");
    }
}

#[test]
fn help_lists_embed_origins() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jmo-selfhelp-server")).arg("--help").output().unwrap();
    assert!(String::from_utf8(out.stdout).unwrap().contains("EMBED_ORIGINS"));
}
