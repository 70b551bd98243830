//! The complaint form in headless Chromium against hostile inputs (tests/hostile-inputs.txt, the
//! list the API test uses): each goes into every text field; the fields the contract refuses get
//! their error (exactly those: the same check runs natively on what the inputs hold), and nothing typed ever reaches
//! the page as markup or runs as script.
//!
//! Consent stays unticked, so no complaint is sent: this is about what the page does with input.

use std::time::Duration;

use jmo_contract::Language;
use jmo_e2e::*;
use jmo_testkit::Launch;
use jmo_contract::EscalationContext;
use jmo_form::draft::{check, Draft, Field};

#[path = "../../../tests/hostile/read.rs"]
mod read;

const FIELDS: [Field; 6] = [Field::Name, Field::Nik, Field::KpjCard, Field::Phone, Field::Email, Field::Description];

/// The fields the contract refuses with these values in the form (consent aside).
fn expected_errors(values: &serde_json::Value, ctx: &EscalationContext) -> Vec<&'static str> {
    let mut draft = Draft::fresh();
    for field in FIELDS {
        draft.set(field, values[field.dom_id()].as_str().unwrap_or_default().to_owned());
    }
    let request = draft.request(ctx, Vec::new(), Language::Id, 420);
    let problems = check(&request, 1_795_000_000).err().unwrap_or_default();
    let mut ids: Vec<&str> = problems.iter().filter_map(|p| p.field).filter(|f| FIELDS.contains(f)).map(Field::dom_id).collect();
    ids.sort_unstable();
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_inputs_in_the_form_are_refused_with_a_field_error_or_kept_inert() {
    let dist = dist_dir();
    let inputs = read::hostile_inputs();
    assert!(inputs.len() > 100, "the list is too short to be a test");
    let content = content();
    let other = content.catalog.guides.iter().find(|g| g.id == "other").expect("the other guide");
    let escalation = &other.nodes[0];
    let ctx = EscalationContext::decode(&format!("/other/{}?v={}&c=other&u=normal", escalation.id, content.catalog.version));

    let mut server = Launch::new().widget_dir(&dist).start();
    let chrome = Chrome::launch().await;
    let page = chrome.page().await;
    let checked = within(Duration::from_secs(240), "the hostile inputs", async {
        load(&page, &server.url("/other")).await.unwrap();
        wait_for(&page, FORM_SHOWN, "the complaint form").await.unwrap();
        // Any script a payload managed to run would set this; count the page's elements too.
        eval(&page, "window.__pwned = 0; window.alert = window.confirm = window.prompt = () => { window.__pwned++; }; 1").await.unwrap();
        let mut checked = 0;
        for input in &inputs {
            let js = format!(
                "(async () => {{ const v = {v}; const tick = () => new Promise(r => setTimeout(r, 0)); const before = document.querySelectorAll('*').length - document.querySelectorAll('#error-summary, #error-summary *, .field-error').length; \
                   for (const id of {ids}) {{ const e = document.getElementById(id); e.value = v; e.dispatchEvent(new InputEvent('input', {{ bubbles: true }})); }} \
                   await tick(); document.getElementById('complaint-submit').click(); await tick(); \
                   const after = document.querySelectorAll('*').length - document.querySelectorAll('#error-summary, #error-summary *, .field-error').length; \
                   const invalid = [...document.querySelectorAll('[aria-invalid=true]')].map(e => e.id).filter(id => id !== 'field-consent').sort(); \
                   const values = Object.fromEntries({ids}.map(id => [id, document.getElementById(id).value])); \
                   const described = invalid.every(id => {{ const m = document.getElementById(id + '-error'); return !!m && m.textContent.length > 0 && document.getElementById(id).getAttribute('aria-describedby').includes(id + '-error'); }}); \
                   return {{ invalid, values, extra: after - before, pwned: window.__pwned, described, markup: !!document.querySelector('main script, main iframe, main svg, .form-slot img, .form-slot a[href^=javascript]') }}; }})()",
                v = js_str(input),
                ids = serde_json::to_string(&FIELDS.map(Field::dom_id)).unwrap(),
            );
            let result = eval(&page, &js).await.unwrap();
            let what = label(input);
            let shown: Vec<String> = serde_json::from_value(result["invalid"].clone()).unwrap();
            // (A browser drops line breaks from one-line inputs, so the check runs on what it holds.)
            assert_eq!(shown, expected_errors(&result["values"], &ctx), "{what}: the fields marked invalid differ from the contract's check");
            assert_eq!(result["described"], true, "{what}: an invalid field has no error message tied to it");
            assert_eq!(result["pwned"], 0, "{what}: a script ran");
            assert_eq!(result["markup"], false, "{what}: markup reached the page");
            assert_eq!(result["extra"], 0, "{what}: the page gained elements other than error messages");
            checked += 1;
        }
        // Nothing was sent: consent was never given.
        let sent = eval(&page, "performance.getEntriesByType('resource').filter(e => e.name.includes('/api/v1/complaints')).length").await.unwrap();
        assert_eq!(sent, 0, "a complaint went to the server");
        checked
    })
    .await;
    chrome.close().await;
    server.stop();
    println!("hostile inputs: {checked} inputs × {} form fields, each refused with its field error or kept inert", FIELDS.len());
}

/// A short, printable name for an input in failure messages.
fn label(input: &str) -> String {
    let head: String = input.chars().take(40).collect();
    format!("{head:?} ({} chars)", input.chars().count())
}
