//! The agency's workspace in headless Chromium against the real server on a SQLite file: a
//! supervisor added on the command line signs in with the keyboard alone, the browser keeps the
//! session cookie with its flags (on http://127.0.0.1, as `cargo xtask run` serves it), the queue
//! shows a complaint filed through the API and opens it, the guide results show a walk and its
//! map, every page passes axe (WCAG 2.2 AA) in
//! both languages, on a tablet and at 200 % text, and signing out ends the session.

use chromiumoxide::cdp::browser_protocol::network::GetCookiesParams;
use jmo_e2e::*;
use jmo_testkit::Launch;
use serde_json::{json, Value};
use std::time::Duration;

const PASSWORD: &str = "pelangi tujuh warna di atas genteng";

fn complaint() -> String {
    json!({
        "guide": {"guide_id": "login", "content_version": "2025.1", "escalation_node": "contact_agency", "path": [{"node": "start", "answer": "cannot_login"}]},
        "category": "balance", "urgency": "normal",
        "reporter": {"name": "Siti Rahayu", "nik": "3201014507900003", "birth_date": "1990-07-05", "phone": "0812-3456-7890"},
        "reply_channel": "whatsapp", "description": "Saldo JHT saya tidak bertambah sejak Juni.",
        "attachments": [], "consent": {"personal_data": true}, "client": {"language": "id"}
    })
    .to_string()
}

async fn heading(page: &chromiumoxide::Page) -> String {
    eval(page, "document.querySelector('h1')?.textContent.trim() ?? ''").await.unwrap().as_str().unwrap_or_default().to_owned()
}

async fn audit(page: &chromiumoxide::Page, name: &str) -> Vec<String> {
    eval(page, &axe_source()).await.unwrap();
    run_axe(page, name).await.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_signs_in_with_the_keyboard_and_every_workspace_page_passes_axe() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/workspace.db", dir.path().display());
    let added = Launch::new().database(&url).run(&["staff", "add", "siti", "--name", "Siti Aminah", "--role", "supervisor"], &format!("{PASSWORD}\n"));
    assert_eq!(added.code, Some(0), "{}", added.output());
    let mut server = Launch::new().database(&url).start();
    let filed = jmo_testkit::http::request(
        server.addr,
        "POST",
        "/api/v1/complaints",
        &[("Content-Type", "application/json"), ("Idempotency-Key", "6f1c2a0e-3b4d-4e5f-8a9b-0c1d2e3f4a5b")],
        &complaint(),
        Duration::from_secs(10),
    )
    .unwrap();
    assert_eq!(filed.status, 201, "{}", filed.body);
    let ticket = serde_json::from_str::<Value>(&filed.body).unwrap()["ticket"].as_str().unwrap().to_owned();
    // A walk left on the login guide's first question, for the results page to show.
    let content = content();
    let login = content.catalog.guide("login").unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let report = json!({
        "step": jmo_guide::link::Link::to_step(login, &jmo_guide::walk::Walk::start(login)).encode(), "version": &*content.catalog.version,
        "outcome": "left", "delivered": false, "lang": "id", "embedding": "web",
        "day": jmo_contract::Date::in_jakarta(now).to_string(), "nonce": "e2e-workspace-walk-0001",
    });
    let counted = jmo_testkit::http::request(server.addr, "POST", "/api/v1/walks", &[("Content-Type", "text/plain")], &report.to_string(), Duration::from_secs(10)).unwrap();
    assert_eq!(counted.status, 202, "{}", counted.body);

    let chrome = Chrome::launch().await;
    let page = chrome.page().await;
    set_screen(&page, 1280, 800).await.unwrap();
    let base = server.base.clone();
    let mut violations = Vec::new();
    within(Duration::from_secs(120), "the workspace walk", async {
        load(&page, &format!("{base}/staff")).await.unwrap();
        wait_for(&page, "location.pathname === '/staff/login'", "the way to the sign-in page").await.unwrap();
        assert_eq!(heading(&page).await, "Masuk ke ruang kerja");
        violations.extend(audit(&page, "sign-in (id)").await);

        // The keyboard only: the field, the password, Enter.
        type_text(&page, "#username", "siti").await.unwrap();
        press(&page, Key::Tab).await.unwrap();
        let focused = eval(&page, "document.activeElement.id").await.unwrap();
        assert_eq!(focused, json!("password"), "Tab from the username goes to the password");
        eval(&page, &format!("document.execCommand('insertText', false, {})", js_str(PASSWORD))).await.unwrap();
        press(&page, Key::Enter).await.unwrap();
        if let Err(e) = wait_for(&page, "location.pathname === '/staff' && document.querySelector('h1')?.textContent.trim() === 'Antrean pengaduan'", "the queue").await {
            let shown = eval(&page, "document.body.innerText").await.unwrap();
            panic!("{e}\nthe page shows: {shown}");
        }
        let queue = eval(&page, "document.querySelector('main').innerText").await.unwrap().as_str().unwrap_or_default().to_owned();
        assert!(queue.contains(&ticket) && queue.contains("Saldo JHT"), "{queue}");
        assert!(!queue.contains("Siti Rahayu") && !queue.contains("3201014507900003"), "the queue shows personal data: {queue}");
        violations.extend(audit(&page, "queue (id)").await);

        // The complaint itself, from its link in the queue: personal data, for staff only.
        click(&page, &format!("a[href^='/staff/complaints/{ticket}']")).await.unwrap();
        wait_for(&page, &format!("document.querySelector('h1')?.textContent.includes({})", js_str(&ticket)), "the complaint page").await.unwrap();
        let shown = eval(&page, "document.querySelector('main').innerText").await.unwrap().as_str().unwrap_or_default().to_owned();
        assert!(shown.contains("Siti Rahayu") && shown.contains("3201014507900003") && shown.contains("Saldo JHT saya"), "{shown}");
        violations.extend(audit(&page, "complaint (id)").await);
        set_screen(&page, 768, 1024).await.unwrap();
        violations.extend(audit(&page, "complaint (id, tablet)").await);
        let overflow = eval(&page, "document.documentElement.scrollWidth - document.documentElement.clientWidth").await.unwrap();
        assert!(overflow.as_i64().unwrap_or(1) <= 0, "the complaint page scrolls sideways on a tablet by {overflow}");
        set_screen(&page, 1280, 800).await.unwrap();
        click(&page, ".back a").await.unwrap();
        wait_for(&page, "location.pathname === '/staff' && document.readyState === 'complete' && document.querySelector('h1')?.textContent.trim() === 'Antrean pengaduan'", "back to the queue").await.unwrap();

        // What the walks came to: a supervisor's page, its tables, the map.
        click(&page, ".places a[href^='/staff/walks']").await.unwrap();
        if let Err(e) = wait_for(&page, "document.querySelector('h1')?.textContent.trim() === 'Hasil panduan'", "the guide results").await {
            let shown = eval(&page, "location.href + ' | ' + document.querySelector('h1')?.textContent + ' | ' + document.querySelector('.places')?.outerHTML").await.unwrap();
            panic!("{e}\n{shown}");
        }
        wait_for(&page, "(img => !!img && img.complete && img.naturalWidth > 0)(document.querySelector('.map img'))", "the login guide's map").await.unwrap();
        violations.extend(audit(&page, "guide results (id)").await);
        click(&page, ".places a[href^='/staff?']").await.unwrap();
        wait_for(&page, "location.pathname === '/staff'", "back to the queue").await.unwrap();

        // The cookie as the browser keeps it.
        let cookies = page.execute(GetCookiesParams::default()).await.unwrap();
        let session = cookies.result.cookies.iter().find(|c| c.name == "jmo_staff").expect("the session cookie");
        assert!(session.http_only && session.secure, "{session:?}");
        assert_eq!(format!("{:?}", session.same_site), "Some(Strict)", "{session:?}");
        assert_eq!(eval(&page, "document.cookie").await.unwrap(), json!(""), "scripts can read the session cookie");

        // English, and 200 % text: still no violation, nothing cut off sideways.
        click(&page, "a[hreflang=en]").await.unwrap();
        wait_for(&page, "document.documentElement.lang === 'en'", "the queue in English").await.unwrap();
        assert_eq!(heading(&page).await, "Complaint queue");
        set_text_size(&page, 200).await.unwrap();
        violations.extend(audit(&page, "queue (en, 200 % text)").await);
        let overflow = eval(&page, "document.documentElement.scrollWidth - document.documentElement.clientWidth").await.unwrap();
        assert!(overflow.as_i64().unwrap_or(1) <= 0, "the page scrolls sideways at 200 % text by {overflow}");

        // Signing out ends the session.
        click(&page, ".who button").await.unwrap();
        wait_for(&page, "location.pathname === '/staff/login' && !!document.querySelector('.note')", "the signed-out note").await.unwrap();
        violations.extend(audit(&page, "signed out (en, 200 % text)").await);
        load(&page, &format!("{base}/staff")).await.unwrap();
        wait_for(&page, "location.pathname === '/staff/login'", "the sign-in page again").await.unwrap();
    })
    .await;
    chrome.close().await;
    server.stop();
    assert!(violations.is_empty(), "axe found {} violation(s):\n{}", violations.len(), violations.join("\n"));
}
