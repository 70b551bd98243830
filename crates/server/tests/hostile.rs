//! Hostile inputs (`tests/hostile-inputs.txt`) in every free-text and identifier field of a
//! complaint: each is either accepted and stored as exactly the text the contract's validator
//! makes of it (no escaping, stripping or other rewriting that could hide markup), or rejected
//! with a 422 naming that field. Never a 5xx, never anything but JSON (with `nosniff`) back.

mod support;

use jmo_contract::{validate_complaint, ComplaintReceipt, ComplaintRequest, Context, ErrorItem};
use reqwest::header::{HeaderMap, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use reqwest::StatusCode;
use serde_json::Value;
use std::time::Instant;
use support::*;

/// Where an input goes: its JSON pointer in the request, in the stored complaint, and the field
/// path the API names in its errors.
struct Field {
    pointer: &'static str,
    error_path: &'static str,
}

const FIELDS: &[Field] = &[
    Field { pointer: "/reporter/name", error_path: "reporter.name" },
    Field { pointer: "/reporter/nik", error_path: "reporter.nik" },
    Field { pointer: "/reporter/kpj_card", error_path: "reporter.kpj_card" },
    Field { pointer: "/reporter/kpj_app", error_path: "reporter.kpj_app" },
    Field { pointer: "/reporter/phone", error_path: "reporter.phone" },
    Field { pointer: "/reporter/email", error_path: "reporter.email" },
    Field { pointer: "/description", error_path: "description" },
    Field { pointer: "/guide/guide_id", error_path: "guide.guide_id" },
    Field { pointer: "/guide/content_version", error_path: "guide.content_version" },
    Field { pointer: "/guide/escalation_node", error_path: "guide.escalation_node" },
    Field { pointer: "/guide/path/0/node", error_path: "guide.path[0].node" },
    Field { pointer: "/guide/path/0/answer", error_path: "guide.path[0].answer" },
];

#[path = "../../../tests/hostile/read.rs"]
mod read;
use read::{hostile_inputs, unescape};

/// Puts `input` at `pointer`, creating the last key if absent (the test complaint has no KPJ).
fn set(body: &mut Value, pointer: &str, input: &str) {
    let mut at = body;
    for token in pointer.split('/').skip(1) {
        at = match token.parse::<usize>() {
            Ok(i) => &mut at[i],
            Err(_) => &mut at[token],
        };
    }
    *at = Value::String(input.to_string());
}

fn assert_inert_json(headers: &HeaderMap, what: &str) {
    let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    assert!(content_type.starts_with("application/json"), "{what}: content type {content_type:?}");
    assert_eq!(headers.get(X_CONTENT_TYPE_OPTIONS).map(|v| v.as_bytes()), Some(&b"nosniff"[..]), "{what}: no nosniff");
}

/// A short, printable name for an input in failure messages.
fn label(input: &str) -> String {
    let chars = input.chars().count();
    let head: String = input.chars().take(40).collect();
    if chars > 40 {
        format!("{:?}… ({chars} chars)", head)
    } else {
        format!("{head:?}")
    }
}

#[tokio::test]
async fn hostile_inputs_are_accepted_inertly_or_rejected_with_a_field_error() {
    let started = Instant::now();
    let inputs = hostile_inputs();
    assert!(inputs.len() >= 100, "only {} hostile inputs", inputs.len());
    let (_db, url) = sqlite_db();
    let s = Server::start(&url, &[]);
    let http = client();
    let (mut accepted, mut rejected, mut accepted_markup) = (0, 0, 0);
    // `HOSTILE_LIST=1` prints what each field accepted.
    let list = std::env::var_os("HOSTILE_LIST").is_some();

    for input in &inputs {
        for field in FIELDS {
            let what = format!("{} = {}", field.error_path, label(input));
            let mut body = complaint();
            set(&mut body, field.pointer, input);
            // What the contract, run here, makes of it: the server must agree.
            let request: ComplaintRequest = serde_json::from_value(body.clone()).unwrap();
            let expected = validate_complaint(&request, &Context::default());

            let res = http
                .post(s.url("/api/v1/complaints"))
                .header("Idempotency-Key", new_key())
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = res.status();
            assert!(!status.is_server_error(), "{what}: {status}");
            assert_inert_json(res.headers(), &what);
            let text = res.text().await.unwrap();
            match status {
                StatusCode::CREATED => {
                    accepted += 1;
                    accepted_markup += usize::from(input.contains('<'));
                    if list {
                        eprintln!("accepted {what}");
                    }
                    let valid = expected.unwrap_or_else(|e| panic!("{what}: server accepted what the contract rejects: {e:?}"));
                    let receipt: ComplaintReceipt = serde_json::from_str(&text).unwrap();
                    let detail = http
                        .get(s.url(&format!("/api/v1/staff/complaints/{}", receipt.ticket)))
                        .bearer_auth(STAFF_TOKEN)
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(detail.status(), StatusCode::OK, "{what}");
                    assert_inert_json(detail.headers(), &what);
                    let detail: Value = detail.json().await.unwrap();
                    // Exactly what validation produced, and nothing else rewritten on the way.
                    let valid = serde_json::to_value(&valid).unwrap();
                    let stored = &detail["complaint"];
                    assert_eq!(stored.pointer(field.pointer), valid.pointer(field.pointer), "{what}: stored text differs");
                    if let Some(Value::String(stored_text)) = stored.pointer(field.pointer) {
                        // Markup kept verbatim (escaping it would hide it from whoever reads it
                        // and double-escape it on display); text fields only trim and collapse spaces.
                        match field.pointer {
                            "/description" => assert_eq!(stored_text, input.trim(), "{what}"),
                            "/reporter/name" => {
                                assert_eq!(stored_text, &input.split_whitespace().collect::<Vec<_>>().join(" "), "{what}")
                            }
                            p if p.starts_with("/guide/") => assert_eq!(stored_text, input, "{what}"),
                            _ => {}
                        }
                    }
                }
                StatusCode::UNPROCESSABLE_ENTITY => {
                    rejected += 1;
                    let errors: Vec<ErrorItem> = serde_json::from_str::<jmo_contract::ErrorBody>(&text)
                        .unwrap_or_else(|e| panic!("{what}: error body {text:?}: {e}"))
                        .errors;
                    assert!(!errors.is_empty(), "{what}");
                    assert!(
                        errors.iter().all(|e| e.field.as_deref() == Some(field.error_path)),
                        "{what}: errors {errors:?} do not all name {}",
                        field.error_path
                    );
                    let contract_errors =
                        expected.err().unwrap_or_else(|| panic!("{what}: server rejected what the contract accepts: {errors:?}"));
                    assert_eq!(errors, contract_errors, "{what}: server and contract disagree");
                    // Errors carry codes and field paths, never the input back.
                    assert!(!text.contains('<') && !text.contains('>'), "{what}: markup in the error body {text}");
                }
                other => panic!("{what}: {other} {text}"),
            }
        }
    }
    eprintln!(
        "{} hostile inputs × {} fields: {accepted} accepted, {rejected} rejected, in {:.1} s",
        inputs.len(),
        FIELDS.len(),
        started.elapsed().as_secs_f64()
    );
    // Sane enough that some placements pass (markup among them, stored verbatim above), hostile
    // enough that some are refused.
    assert!(accepted > 0 && rejected > 0 && accepted_markup > 0);
}

#[test]
fn the_list_parses_and_covers_what_it_promises() {
    let inputs = hostile_inputs();
    let has = |pred: &dyn Fn(&str) -> bool| inputs.iter().any(|i| pred(i));
    assert!(has(&|i| i.chars().count() >= 10_000));
    assert!(has(&|i| i.contains('\u{202E}')));
    assert!(has(&|i| i.contains('\u{200D}')) && has(&|i| i.contains('\u{200B}')));
    assert!(has(&|i| i.contains('\0')));
    assert!(has(&|i| i.contains('\u{301}')));
    assert!(has(&|i| i.contains('\u{1F1EE}')) && has(&|i| i.contains('\u{1F3FD}')));
    assert!(has(&|i| i == "<script>alert(1)</script>"));
    assert!(has(&|i| i == "\"><img src=x onerror=alert(1)>"));
    assert!(has(&|i| i.starts_with("javascript:")));
    assert!(has(&|i| i == "'; DROP TABLE complaints;--"));
    assert!(has(&|i| i == "3201 0157 0590 0001"));
    assert!(has(&|i| i.starts_with('\u{FF13}')) && has(&|i| i.starts_with('\u{0663}')));
    assert!(has(&|i| i == "+62 812-3456-7890"));
    assert!(has(&|i| i.contains('@') && i.len() > 254));
    assert_eq!(unescape(r"a\\b\n\u{1F600}\0", 0), "a\\b\n\u{1F600}\0");
}
