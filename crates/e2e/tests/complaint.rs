//! The complaint form end to end: the built widget and its lazily loaded form module, served by
//! the real intake server on a real SQLite file, in headless Chromium, with a small proxy in
//! front of the server (`FaultProxy`) that records every request and can drop complaints,
//! answer them 503 or lose the server's answer.
//!
//!  - A guide walked by clicking ends in a delivered complaint: the ticket on screen is the row
//!    in the database, with the answers taken attached; the device keeps only the receipt.
//!  - The KPJ mismatch escalation asks for both KPJ numbers.
//!  - Bad inputs show their messages from content/form.toml, in Indonesian and in English,
//!    with an error summary and ARIA, and nothing is sent.
//!  - The server goes away mid-submission, is down when the complaint is sent, or answers 503
//!    for a while: the complaint waits, then is delivered exactly once.
//!  - A reload while the complaint waits resumes it and delivers it once.
//!  - An image is downscaled and re-encoded in the browser, uploaded and attached.
//!  - "Check my complaint" finds the status by ticket and last 4 digits, and not otherwise.
//!  - A disruption for the guide's family shows on the form, which still files.
//!  - Two tabs sending and removing complaints at the same moment lose none and bring none back.
//!  - Each walk — resolved, left midway, escalated with its complaint delivered, resolved while
//!    the server is unreachable — leaves exactly one anonymous report, which staff see counted.
//!
//! Needs dist/ (or `JMO_DIST`) with the form module, and Chromium.

use std::time::Duration;

use chromiumoxide::Page;
use jmo_e2e::*;
use jmo_testkit::{stored_complaints, Fault, FaultProxy, Launch, Outcome, SeenRequest, Server, StoredComplaint};
use jmo_guide::link::Link;
use jmo_guide::walk::Walk;
use jmo_guide::{Category, Guide, Language, NodeKind};
use serde_json::{json, Value};

/// One scenario at a time: each drives its own Chromium and server on a small machine.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const STAFF_TOKEN: &str = "e2e-staff-token-5c1d0b7a9e2f4c68";
/// No scenario may take longer than this.
const SCENARIO_LIMIT: Duration = Duration::from_secs(100);

/// What a participant types into the form.
struct Person {
    name: &'static str,
    nik: &'static str,
    phone: &'static str,
    description: &'static str,
}

const SITI: Person = Person {
    name: "Siti Rahayu",
    nik: "3201014507900003",
    phone: "0812 3456 7890",
    description: "Kode OTP tidak pernah masuk sejak kemarin sore.",
};
/// The last 4 digits of SITI's phone, which the device keeps for status lookups.
const SITI_LAST4: &str = "7890";

// ---------------------------------------------------------------------------------------------
// The rig: server (restartable, same port and file), proxy, Chromium, content and texts.

struct Rig {
    /// The real server on its SQLite file, restarted on the same address and file.
    server: Server,
    proxy: FaultProxy,
    chrome: Chrome,
    page: Page,
    /// Leaked (one per scenario), so guides borrowed from it do not hold the rig.
    content: &'static jmo_guide::load::Content,
    form_texts: toml::Table,
}

impl Rig {
    async fn new() -> Rig {
        let dist = dist_dir();
        assert!(
            dist.join("complaint_form_bg.wasm").is_file(),
            "{} has no form module (complaint_form_bg.wasm): rebuild it",
            dist.display()
        );
        let server = Launch::new().widget_dir(&dist).env("STAFF_TOKEN", STAFF_TOKEN).start();
        let proxy = FaultProxy::start(server.addr);
        let chrome = Chrome::launch().await;
        let page = chrome.page().await;
        set_screen(&page, 412, 823).await.unwrap();
        let path = workspace_root().join("content/form.toml");
        let form_texts = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).parse().expect("content/form.toml");
        Rig { server, proxy, chrome, page, content: Box::leak(Box::new(content())), form_texts }
    }

    /// The server goes away (stops listening; its database stays).
    fn stop_server(&mut self) {
        self.server.stop();
    }

    /// The server comes back on the same port with the same database file.
    fn start_server(&mut self) {
        assert!(!self.server.is_running(), "the server is already running");
        self.server.restart();
    }

    async fn close(mut self) {
        self.stop_server();
        let Rig { chrome, .. } = self;
        chrome.close().await;
    }

    /// The complaints in the database file.
    async fn rows(&self) -> Vec<StoredComplaint> {
        stored_complaints(&self.server.sqlite_file().unwrap()).await.unwrap_or_else(|e| panic!("{e}"))
    }

    fn url(&self, path: &str) -> String {
        self.proxy.url(path)
    }

    /// `[text.<key>]` of content/form.toml.
    fn text(&self, key: &str, lang: Language) -> String {
        self.form_texts["text"]
            .get(key)
            .and_then(|t| t.get(lang.as_str()))
            .and_then(|t| t.as_str())
            .unwrap_or_else(|| panic!("content/form.toml has no [text.{key}] {}", lang.as_str()))
            .to_owned()
    }

    /// What content/form.toml says for `field` (a contract path) refused with `code`: the
    /// field's own text (`[error."<field>".<code>]`), else the code's (`[error.<code>]`).
    fn error(&self, field: &str, code: &str, lang: Language) -> String {
        let errors = &self.form_texts["error"];
        let own = errors.get(field).and_then(|f| f.get(code)).and_then(|t| t.get(lang.as_str()));
        let generic = errors.get(code).and_then(|t| t.get(lang.as_str()));
        own.or(generic).and_then(|t| t.as_str()).unwrap_or_else(|| panic!("content/form.toml has no text for {field} {code}")).to_owned()
    }
}

/// Runs one scenario with its own rig, one at a time, within [`SCENARIO_LIMIT`].
macro_rules! scenario {
    (|$rig:ident| $body:block) => {{
        let _one = ONE_AT_A_TIME.lock().await;
        #[allow(unused_mut)]
        let mut $rig = Rig::new().await;
        within(SCENARIO_LIMIT, "the scenario", async { $body }).await;
        $rig.close().await;
    }};
}

// ---------------------------------------------------------------------------------------------
// Steps a participant takes.

/// The shortest walk through `guide_id` (questions and steps only) to an escalation for which
/// `wanted` holds, with at least `min_answers` answers.
fn escalation_walk(
    content: &'static jmo_guide::load::Content,
    guide_id: &str,
    min_answers: usize,
    wanted: impl Fn(Category) -> bool,
) -> (&'static Guide, Walk) {
    let guide = content.catalog.guide(guide_id).unwrap_or_else(|| panic!("no guide {guide_id}"));
    let walk = walks_to_outcomes(guide)
        .into_iter()
        .find(|w| {
            w.answers().len() >= min_answers
                && matches!(&w.current_node(guide).kind, NodeKind::Escalate(e) if e.category.is_some_and(&wanted))
        })
        .unwrap_or_else(|| panic!("{guide_id} has no such escalation"));
    (guide, walk)
}

fn category_of(guide: &Guide, walk: &Walk) -> Category {
    match &walk.current_node(guide).kind {
        NodeKind::Escalate(e) => e.category.expect("an escalation's category"),
        _ => panic!("not an escalation"),
    }
}

async fn heading_is(page: &Page, title: &str, what: &str) {
    let js = format!("document.getElementById('screen-title')?.textContent.trim() === {}", js_str(title.trim()));
    wait_for(page, &js, what).await.unwrap_or_else(|e| panic!("{e}"));
}

/// The form of the escalation on screen, loaded and ready to type into.
async fn form_shows(page: &Page) {
    wait_for(page, &format!("!!document.querySelector('{MODULE_FORM} #field-name')"), "the complaint form").await.unwrap_or_else(|e| panic!("{e}"));
}

/// Opens the start screen and walks `walk` through `guide` by clicking the guide and each
/// answer, as a participant would; ends on the escalation with its form loaded.
async fn walk_by_clicking(rig: &Rig, guide: &Guide, walk: &Walk) {
    click_through(rig, guide, walk).await;
    form_shows(&rig.page).await;
}

/// Opens the start screen and walks `walk` through `guide` by clicking the guide and each
/// answer; ends when the step the walk leads to is on screen.
async fn click_through(rig: &Rig, guide: &Guide, walk: &Walk) {
    load(&rig.page, &rig.url("/")).await.unwrap();
    click_on_from_start(rig, guide, walk).await;
}

/// [`click_through`] from the start screen already on screen: in-page only.
async fn click_on_from_start(rig: &Rig, guide: &Guide, walk: &Walk) {
    let page = &rig.page;
    let lang = Language::Id;
    heading_is(page, rig.content.catalog.start.title.get(lang), "the start screen").await;
    let href = Link { guide: Some(guide.id.to_string()), ..Link::start() }.with_lang(Some(lang)).encode();
    let link = format!("a.choice[href={}]", js_str(&href));
    wait_for(page, &format!("!!document.querySelector({})", js_str(&link)), "the guide's link").await.unwrap();
    // In-page from here on (a click on a page being taken over would find its node gone).
    wait_guide_file(page, &guide.id, lang).await.unwrap();
    click(page, &link).await.unwrap();
    let mut at = Walk::start(guide);
    for answer in walk.answers() {
        let node = at.current_node(guide);
        heading_is(page, node.title.get(lang), &format!("the step {}", node.id)).await;
        let option = &node.options[answer.option];
        click(page, &format!("a.choice[data-option={}]", js_str(&option.id))).await.unwrap_or_else(|e| panic!("{}: {e}", node.id));
        at = at.choose_index(guide, answer.option).unwrap();
    }
    heading_is(page, at.current_node(guide).title.get(lang), &format!("the step {}", at.current_node(guide).id)).await;
}

/// Opens the escalation at the end of `walk` by its link (a new page load).
async fn open_escalation(rig: &Rig, guide: &Guide, walk: &Walk) {
    load(&rig.page, &rig.url(&Link::to_step(guide, walk).encode())).await.unwrap();
    heading_is(&rig.page, walk.current_node(guide).title.get(Language::Id), "the escalation").await;
    form_shows(&rig.page).await;
}

/// Types the person's details and ticks the consent box (does not send).
async fn fill(page: &Page, p: &Person) {
    type_text(page, "#field-name", p.name).await.unwrap();
    type_text(page, "#field-nik", p.nik).await.unwrap();
    type_text(page, "#field-phone", p.phone).await.unwrap();
    type_text(page, "#field-description", p.description).await.unwrap();
    click(page, "#field-consent").await.unwrap();
    let ticked = eval(page, "document.getElementById('field-consent').checked").await.unwrap();
    assert_eq!(ticked, Value::Bool(true), "clicking the consent box did not tick it");
}

async fn send(page: &Page) {
    click(page, "#complaint-submit").await.unwrap();
}

async fn switch_language(page: &Page, lang: Language) {
    click(page, &format!("a.lang[lang={}]", lang.as_str())).await.unwrap();
    wait_for(page, &format!("document.documentElement.lang === {}", js_str(lang.as_str())), "the language switch").await.unwrap();
}

/// `JMO-` and four groups of four Crockford base-32 characters.
fn is_ticket(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("JMO-") else { return false };
    let groups: Vec<&str> = rest.split('-').collect();
    groups.len() == 4 && groups.iter().all(|g| g.len() == 4 && g.bytes().all(|b| b"0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains(&b)))
}

/// Waits until a complaint shows as delivered, and returns its ticket as shown.
async fn delivered_ticket(page: &Page) -> String {
    let js = "document.querySelector('[data-complaint-state=delivered] #complaint-ticket')?.textContent.trim() ?? ''";
    wait_for(page, js, "the complaint to show as delivered with its ticket").await.unwrap_or_else(|e| panic!("{e}"));
    let ticket = eval(page, js).await.unwrap().as_str().unwrap_or_default().to_owned();
    assert!(is_ticket(&ticket), "the ticket on screen is {ticket:?}, not JMO-XXXX-XXXX-XXXX-XXXX");
    ticket
}

/// Waits until the complaint shows as waiting, with `heading` and the "you can close this
/// page" note and a button to try now.
async fn waits_with(rig: &Rig, heading: &str) {
    let note = rig.text("status_waiting_note", Language::Id);
    let retry = rig.text("status_retry_now", Language::Id);
    let js = format!(
        "(s => !!s && s.querySelector('#complaint-status')?.textContent.trim() === {heading} \
           && s.textContent.includes({note}) \
           && [...s.querySelectorAll('button')].some(b => b.textContent.trim() === {retry}))(document.querySelector('[data-complaint-state=waiting]'))",
        heading = js_str(heading),
        note = js_str(&note),
        retry = js_str(&retry)
    );
    if let Err(e) = wait_for(&rig.page, &js, &format!("the complaint to wait, saying {heading:?} and that the page can be closed")).await {
        let shown = eval(&rig.page, "[...document.querySelectorAll('[data-complaint-state]')].map(s => s.dataset.complaintState + ': ' + s.innerText).join('\\n')").await;
        panic!("{e}\nthe complaint shows: {shown:?}");
    }
}

/// Presses "Try sending now" on the waiting complaint (found and pressed in one step in the page:
/// between attempts the complaint shows as sending for a moment, without the button). Its own
/// retry timer (full jitter: its next attempt may come at once) can deliver it first once the
/// server is reachable again; then there is nothing to press, and the caller's checks (delivered
/// once) are what matter.
async fn try_sending_now(page: &Page) {
    let js = "(() => { const b = document.querySelector('[data-complaint-state=waiting] button'); \
        if (b) { b.click(); return 'pressed'; } \
        return document.querySelector('[data-complaint-state=delivered]') ? 'delivered' : null; })()";
    let pressed = wait_value(page, js, "the waiting complaint's \"Try sending now\" (or the complaint delivered)").await.unwrap_or_else(|e| panic!("{e}"));
    if pressed == "delivered" {
        println!("the complaint's own retry delivered it before \"Try sending now\" could be pressed");
    }
}

/// JavaScript: every outbox item in `localStorage`, `name=text` a line.
fn outbox_items_js() -> String {
    format!(
        "Object.keys(localStorage).filter(k => k.startsWith({prefix}) || k === {legacy}).sort().map(k => k + '=' + localStorage.getItem(k)).join('\\n')",
        prefix = js_str(jmo_outbox::store::KEY_PREFIX),
        legacy = js_str(jmo_outbox::store::LEGACY_KEY)
    )
}

async fn outbox_text(page: &Page) -> String {
    eval(page, &outbox_items_js()).await.unwrap().as_str().unwrap_or_default().to_owned()
}

/// After delivery the device keeps the ticket and the phone's last 4 digits, nothing personal.
async fn only_the_receipt_is_kept(page: &Page, p: &Person, ticket: &str) {
    // The outbox is written when the answer is handled, just before the screen shows it.
    let js = format!("({}).includes({})", outbox_items_js(), js_str(ticket));
    wait_for(page, &js, "the receipt in the outbox").await.unwrap();
    let stored = outbox_text(page).await;
    assert!(stored.contains(SITI_LAST4), "the outbox lost the phone's last 4 digits: {stored}");
    let phone_digits: String = p.phone.chars().filter(char::is_ascii_digit).collect();
    for personal in [p.name, p.nik, p.phone, &phone_digits, &phone_digits[1..], p.description, "Siti", "reporter"] {
        assert!(!stored.contains(personal), "after delivery the outbox still holds {personal:?}:\n{stored}");
    }
}

fn trail_of(guide: &Guide, walk: &Walk) -> Value {
    Value::Array(walk.pairs(guide).map(|(node, answer)| json!({ "node": node, "answer": answer })).collect())
}

// ---------------------------------------------------------------------------------------------
// Delivered, with the path in the database

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guide_walked_by_clicking_ends_in_a_delivered_complaint_with_its_path_in_the_database() {
    scenario!(|rig| {
        let (guide, walk) = escalation_walk(rig.content, "login", 2, |_| true);
        walk_by_clicking(&rig, guide, &walk).await;
        fill(&rig.page, &SITI).await;
        send(&rig.page).await;
        let ticket = delivered_ticket(&rig.page).await;
        let heading = eval(&rig.page, "document.querySelector('#complaint-status').textContent.trim()").await.unwrap();
        assert_eq!(heading, Value::String(rig.text("status_delivered", Language::Id)));
        // With the time a reply is due.
        let due = rig.text("status_due", Language::Id);
        let due_prefix = due.split("{due}").next().unwrap();
        let section = eval(&rig.page, "document.querySelector('[data-complaint-state=delivered]').innerText").await.unwrap();
        assert!(section.as_str().is_some_and(|t| t.contains(due_prefix) && !t.contains("{due}")), "no reply due time: {section}");

        let rows = rig.rows().await;
        assert_eq!(rows.len(), 1, "one complaint sent, {} in the database", rows.len());
        let row = &rows[0];
        assert_eq!(row.ticket, ticket, "the ticket on screen is not the one in the database");
        let trail = &row.payload["guide"];
        assert_eq!(trail["guide_id"], json!(guide.id.to_string()), "{trail}");
        assert_eq!(trail["escalation_node"], json!(walk.current_node(guide).id.to_string()), "{trail}");
        assert_eq!(trail["path"], trail_of(guide, &walk), "the answers taken are not attached as walked");
        assert_eq!(row.category, category_of(guide, &walk).as_str());
        let reporter = &row.payload["reporter"];
        assert_eq!(reporter["name"], json!(SITI.name));
        assert_eq!(reporter["nik"], json!(SITI.nik));
        assert_eq!(row.phone_last4, SITI_LAST4);
        assert_eq!(row.payload["description"], json!(SITI.description));
        assert_eq!(row.payload["client"]["language"], json!("id"));
        assert_eq!(row.status, "received");

        let posts = rig.proxy.complaint_posts();
        assert_eq!(posts.len(), 1, "one complaint, {} requests: {posts:?}", posts.len());
        assert_eq!(posts[0].idempotency_key.as_deref(), Some(row.idempotency_key.as_str()));
        only_the_receipt_is_kept(&rig.page, &SITI, &ticket).await;
        println!("delivered {ticket} from {}/{} after {} answers", guide.id, walk.current_node(guide).id, walk.answers().len());
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kpj_mismatch_escalation_asks_for_both_kpj_numbers() {
    scenario!(|rig| {
        let (guide, walk) = escalation_walk(rig.content, "kpj", 1, |c| c == Category::KpjMismatch);
        walk_by_clicking(&rig, guide, &walk).await;
        let page = &rig.page;
        let required = rig.text("required_mark", Language::Id);
        for id in ["field-kpj_card", "field-kpj_app"] {
            let js = format!(
                "(el => !!el && el.getAttribute('aria-required') === 'true' && el.getAttribute('inputmode') === 'numeric' \
                   && document.querySelector('label[for={id}]').textContent.includes({required}))(document.getElementById('{id}'))",
                required = js_str(&required)
            );
            assert_eq!(eval(page, &js).await.unwrap(), Value::Bool(true), "#{id} is missing or not marked required");
        }
        fill(page, &SITI).await;
        send(page).await;
        wait_for(page, "document.activeElement?.id === 'error-summary'", "the error summary").await.unwrap();
        let listed = eval(page, "[...document.querySelectorAll('#error-summary li a')].map(a => [a.getAttribute('href'), a.textContent.trim()])").await.unwrap();
        let expected = json!([
            ["#field-kpj_card", rig.error("reporter.kpj_card", "required", Language::Id)],
            ["#field-kpj_app", rig.error("reporter.kpj_app", "required", Language::Id)],
        ]);
        assert_eq!(listed, expected, "without the KPJ numbers");
        type_text(page, "#field-kpj_card", "1234 5678 901").await.unwrap();
        type_text(page, "#field-kpj_app", "10987654321").await.unwrap();
        send(page).await;
        let ticket = delivered_ticket(page).await;
        let rows = rig.rows().await;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].ticket, ticket);
        assert_eq!(rows[0].category, "kpj_mismatch");
        assert_eq!(rows[0].payload["reporter"]["kpj_card"], json!("12345678901"));
        assert_eq!(rows[0].payload["reporter"]["kpj_app"], json!("10987654321"));
        assert_eq!(rows[0].payload["guide"]["path"], trail_of(guide, &walk));
    });
}

// ---------------------------------------------------------------------------------------------
// Bad inputs

/// What the error state of the form shows, checked against `expected` (field id, message) in
/// page order: the summary (focused if `focused`), a link per problem to its field, and each
/// field marked invalid and described by its message; no other field marked.
async fn problems_shown(rig: &Rig, lang: Language, expected: &[(&str, String)], focused: bool, what: &str) {
    let page = &rig.page;
    let title = rig.text("error_summary_title", lang);
    let first = &expected[0];
    // The messages are rendered (in this language) when the first one shows.
    let ready = format!(
        "document.getElementById('error-summary-title')?.textContent.trim() === {} && document.getElementById('{}-error')?.textContent.trim() === {}",
        js_str(&title),
        first.0,
        js_str(&first.1)
    );
    wait_for(page, &ready, &format!("{what}: the error summary in {}", lang.as_str())).await.unwrap_or_else(|e| panic!("{e}"));
    if focused {
        wait_for(page, "document.activeElement?.id === 'error-summary'", &format!("{what}: the focus on the error summary")).await.unwrap();
    }
    let shown = eval(
        page,
        "({ items: [...document.querySelectorAll('#error-summary li')].map(li => [li.querySelector('a')?.getAttribute('href') ?? null, li.textContent.trim()]), \
            invalid: [...document.querySelectorAll('[aria-invalid=true]')].map(el => el.id), \
            fields: Object.fromEntries([...document.querySelectorAll('#complaint-form [id^=field-]')].filter(el => el.matches('input, textarea')).map(el => [el.id, { \
                describedby: el.getAttribute('aria-describedby') ?? '', \
                error: document.getElementById(el.id + '-error')?.textContent.trim() ?? null }])) })",
    )
    .await
    .unwrap();
    let items: Vec<(Option<String>, String)> = serde_json::from_value(shown["items"].clone()).unwrap();
    let want: Vec<(Option<String>, String)> = expected.iter().map(|(id, text)| (Some(format!("#{id}")), text.clone())).collect();
    assert_eq!(items, want, "{what} ({}): the error summary", lang.as_str());
    let invalid: Vec<String> = serde_json::from_value(shown["invalid"].clone()).unwrap();
    let want_invalid: Vec<String> = expected.iter().map(|(id, _)| id.to_string()).collect();
    assert_eq!(invalid, want_invalid, "{what} ({}): the fields marked aria-invalid", lang.as_str());
    for (id, text) in expected {
        let field = &shown["fields"][id];
        let describedby: Vec<&str> = field["describedby"].as_str().unwrap_or_default().split_whitespace().collect();
        assert!(describedby.contains(&format!("{id}-error").as_str()), "{what}: #{id} is not described by its error: {field}");
        assert_eq!(field["error"], json!(text), "{what} ({}): the message next to #{id}", lang.as_str());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_inputs_show_their_messages_in_both_languages_and_nothing_is_sent() {
    scenario!(|rig| {
        let (guide, walk) = escalation_walk(rig.content, "login", 1, |_| true);
        open_escalation(&rig, guide, &walk).await;
        let page = &rig.page;
        let empty = |lang: Language| {
            vec![
                ("field-name", rig.error("reporter.name", "required", lang)),
                ("field-nik", rig.error("reporter.nik", "required", lang)),
                ("field-phone", rig.error("reporter.phone", "required", lang)),
                ("field-description", rig.error("description", "required", lang)),
                ("field-consent", rig.error("consent.personal_data", "consent_required", lang)),
            ]
        };

        // An empty form, in Indonesian.
        send(page).await;
        problems_shown(&rig, Language::Id, &empty(Language::Id), true, "an empty form").await;
        // Each summary entry takes the participant to its field.
        click(page, "#error-summary a[href='#field-phone']").await.unwrap();
        wait_for(page, "document.activeElement?.id === 'field-phone'", "the focus on the phone field after its summary link").await.unwrap();

        // The same messages in English after the switch in the header.
        switch_language(page, Language::En).await;
        problems_shown(&rig, Language::En, &empty(Language::En), false, "an empty form after switching to English").await;
        send(page).await;
        problems_shown(&rig, Language::En, &empty(Language::En), true, "an empty form sent in English").await;

        // Wrong NIK, landline and email (asked for as the reply channel).
        type_text(page, "#field-name", SITI.name).await.unwrap();
        type_text(page, "#field-nik", "320101170590000").await.unwrap();
        type_text(page, "#field-phone", "021 5551234").await.unwrap();
        click(page, "#field-reply_channel-email").await.unwrap();
        type_text(page, "#field-email", "siti@").await.unwrap();
        type_text(page, "#field-description", SITI.description).await.unwrap();
        click(page, "#field-consent").await.unwrap();
        send(page).await;
        let wrong = |lang: Language| {
            vec![
                ("field-nik", rig.error("reporter.nik", "nik_format", lang)),
                ("field-phone", rig.error("reporter.phone", "phone_not_mobile", lang)),
                ("field-email", rig.error("reporter.email", "email_format", lang)),
            ]
        };
        problems_shown(&rig, Language::En, &wrong(Language::En), true, "a short NIK, a landline, a bad email").await;

        // Other mistakes, in Indonesian.
        switch_language(page, Language::Id).await;
        problems_shown(&rig, Language::Id, &wrong(Language::Id), false, "the same after switching back to Indonesian").await;
        type_text(page, "#field-nik", "0001011705900001").await.unwrap();
        type_text(page, "#field-phone", "08123").await.unwrap();
        send(page).await;
        let other = vec![
            ("field-nik", rig.error("reporter.nik", "nik_province", Language::Id)),
            ("field-phone", rig.error("reporter.phone", "phone_format", Language::Id)),
            ("field-email", rig.error("reporter.email", "email_format", Language::Id)),
        ];
        problems_shown(&rig, Language::Id, &other, true, "an unknown province, a short phone number").await;
        // The texts really differ by code (the check above could not pass with one generic text).
        assert_ne!(other[0].1, wrong(Language::Id)[0].1);
        assert_ne!(other[1].1, wrong(Language::Id)[1].1);

        // Nothing left the browser, and nothing is stored.
        let posts = rig.proxy.complaint_posts();
        assert!(posts.is_empty(), "a refused form sent {} request(s): {posts:?}", posts.len());
        assert!(rig.rows().await.is_empty(), "a refused form reached the database");
        assert!(!rig.proxy.seen().iter().any(|r| r.method == "POST"), "a refused form made a POST: {:?}", rig.proxy.seen());
        assert_eq!(outbox_text(page).await, "", "a refused complaint was put in the outbox");
    });
}

// ---------------------------------------------------------------------------------------------
// The server goes away, is down, or is busy

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_goes_away_mid_submission_and_the_complaint_is_delivered_once_when_it_is_back() {
    scenario!(|rig| {
        // Start screen → "something else" → its escalation.
        let (guide, walk) = escalation_walk(rig.content, "other", 0, |_| true);
        walk_by_clicking(&rig, guide, &walk).await;
        fill(&rig.page, &SITI).await;

        // The server receives and stores the complaint, but its answer never arrives: the
        // server dies right after.
        rig.proxy.set_fault(Fault::LoseAnswer);
        send(&rig.page).await;
        rig.proxy
            .wait_until("a complaint stored whose answer was lost", |seen| seen.iter().any(|r| r.path == "/api/v1/complaints" && r.outcome == Outcome::LostAnswer))
            .await
            .unwrap();
        rig.stop_server();
        rig.proxy.set_fault(Fault::Pass);
        let stored = rig.rows().await;
        assert_eq!(stored.len(), 1, "the server stored the complaint before it went away");

        waits_with(&rig, &rig.text("status_waiting_connection", Language::Id)).await;
        // It keeps trying on its own while the server is away.
        let before = rig.proxy.complaint_posts().len();
        rig.proxy
            .wait_until("another attempt while the server is away", |seen| {
                seen.iter().filter(|r| r.path == "/api/v1/complaints").count() > before
            })
            .await
            .unwrap();

        // The server comes back; the phone says it is online again.
        rig.start_server();
        eval(&rig.page, "window.dispatchEvent(new Event('online')), 1").await.unwrap();
        let ticket = delivered_ticket(&rig.page).await;
        let rows = rig.rows().await;
        assert_eq!(rows.len(), 1, "delivered more than once: {:?}", rows.iter().map(|r| &r.ticket).collect::<Vec<_>>());
        assert_eq!(ticket, stored[0].ticket, "the ticket shown is not the complaint stored before the server went away");
        let posts = rig.proxy.complaint_posts();
        assert!(posts.len() >= 3, "{posts:?}");
        assert!(
            posts.iter().all(|p| p.idempotency_key.as_deref() == Some(rows[0].idempotency_key.as_str())),
            "the retries did not all carry the complaint's idempotency key: {posts:?}"
        );
        only_the_receipt_is_kept(&rig.page, &SITI, &ticket).await;
        println!("lost answer, server away and back: {} attempts, one row", posts.len());
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_is_down_when_the_complaint_is_sent_and_try_now_delivers_it_once_after_a_restart() {
    scenario!(|rig| {
        let (guide, walk) = escalation_walk(rig.content, "login", 1, |_| true);
        open_escalation(&rig, guide, &walk).await;
        fill(&rig.page, &SITI).await;
        rig.stop_server();
        send(&rig.page).await;
        waits_with(&rig, &rig.text("status_waiting_connection", Language::Id)).await;
        // Saved on the device before anything went out: the complaint survives the page.
        assert!(outbox_text(&rig.page).await.contains(SITI.nik), "the waiting complaint is not saved on the device");
        assert!(rig.rows().await.is_empty());

        // The server binary takes a moment to come back (more on a busy machine): meanwhile the
        // proxy drops every connection, so the device's own retry timer cannot deliver it first
        // and "Try sending now" is what does.
        rig.proxy.set_fault(Fault::Drop);
        rig.start_server();
        waits_with(&rig, &rig.text("status_waiting_connection", Language::Id)).await;
        rig.proxy.set_fault(Fault::Pass);
        try_sending_now(&rig.page).await;
        let ticket = delivered_ticket(&rig.page).await;
        let rows = rig.rows().await;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].ticket, ticket);
        assert_eq!(rows[0].payload["guide"]["path"], trail_of(guide, &walk));
        only_the_receipt_is_kept(&rig.page, &SITI, &ticket).await;
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_answers_503_for_a_while_and_the_complaint_is_delivered_once_by_itself() {
    scenario!(|rig| {
        let (guide, walk) = escalation_walk(rig.content, "login", 1, |_| true);
        open_escalation(&rig, guide, &walk).await;
        fill(&rig.page, &SITI).await;
        rig.proxy.set_fault(Fault::Unavailable { retry_after: true });
        send(&rig.page).await;
        waits_with(&rig, &rig.text("status_waiting_server", Language::Id)).await;
        // Retried on its own timer (backoff, Retry-After: 1), no one touching the page.
        rig.proxy
            .wait_until("two answers 503", |seen| seen.iter().filter(|r| r.outcome == Outcome::Unavailable).count() >= 2)
            .await
            .unwrap();
        rig.proxy.set_fault(Fault::Pass);
        let ticket = delivered_ticket(&rig.page).await;
        let rows = rig.rows().await;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].ticket, ticket);
        let posts = rig.proxy.complaint_posts();
        assert_eq!(posts.iter().filter(|p| p.outcome == Outcome::Passed).count(), 1, "{posts:?}");
        let keys: std::collections::BTreeSet<_> = posts.iter().map(|p| p.idempotency_key.clone()).collect();
        assert_eq!(keys.len(), 1, "the retries changed the idempotency key: {posts:?}");
        println!("503 ×{}, then delivered by the retry timer", posts.len() - 1);
    });
}

// ---------------------------------------------------------------------------------------------
// Reloads while waiting

/// Submits with complaints dropped on the way (the server unreachable for them; the page itself
/// still loads), then waits for the waiting state.
async fn submit_while_unreachable(rig: &Rig) -> (&'static Guide, Walk) {
    let (guide, walk) = escalation_walk(rig.content, "login", 1, |_| true);
    open_escalation(rig, guide, &walk).await;
    fill(&rig.page, &SITI).await;
    rig.proxy.set_fault(Fault::Drop);
    send(&rig.page).await;
    waits_with(rig, &rig.text("status_waiting_connection", Language::Id)).await;
    assert!(outbox_text(&rig.page).await.contains(SITI.nik), "the waiting complaint is not saved on the device");
    (guide, walk)
}

/// After a reload: the complaint is sent again on load (while still unreachable), shows as
/// waiting, then is delivered once the server can be reached and the participant asks.
async fn resumes_after_reload(rig: &Rig, before: usize, guide: &Guide, walk: &Walk) {
    rig.proxy
        .wait_until("the complaint sent again after the reload", |seen| seen.iter().filter(|r| r.path == "/api/v1/complaints").count() > before)
        .await
        .unwrap();
    waits_with(rig, &rig.text("status_waiting_connection", Language::Id)).await;
    rig.proxy.set_fault(Fault::Pass);
    try_sending_now(&rig.page).await;
    let ticket = delivered_ticket(&rig.page).await;
    let rows = rig.rows().await;
    assert_eq!(rows.len(), 1, "delivered {} times", rows.len());
    assert_eq!(rows[0].ticket, ticket);
    assert_eq!(rows[0].payload["guide"]["path"], trail_of(guide, walk));
    only_the_receipt_is_kept(&rig.page, &SITI, &ticket).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_while_the_complaint_waits_resumes_it_and_delivers_it_once() {
    scenario!(|rig| {
        let (guide, walk) = submit_while_unreachable(&rig).await;
        // Back to the start screen, then the page is reloaded (the app closed and opened again).
        follow_in_app(&rig.page, "/").await.unwrap();
        heading_is(&rig.page, rig.content.catalog.start.title.get(Language::Id), "the start screen").await;
        let before = rig.proxy.complaint_posts().len();
        load(&rig.page, &rig.url("/")).await.unwrap();
        heading_is(&rig.page, rig.content.catalog.start.title.get(Language::Id), "the start screen after the reload").await;
        wait_for(&rig.page, "!!document.querySelector('.complaints [data-complaint-state]')", "the complaint in the list after the reload").await.unwrap();
        resumes_after_reload(&rig, before, guide, &walk).await;
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_of_the_escalation_page_while_the_complaint_waits_shows_it_and_delivers_it_once() {
    scenario!(|rig| {
        let (guide, walk) = submit_while_unreachable(&rig).await;
        // The participant reloads the page they are on.
        let before = rig.proxy.complaint_posts().len();
        let url = rig.page.url().await.unwrap().unwrap_or_default();
        load(&rig.page, &url).await.unwrap();
        heading_is(&rig.page, walk.current_node(guide).title.get(Language::Id), "the escalation after the reload").await;
        form_shows(&rig.page).await;
        wait_for(&rig.page, "!!document.querySelector('[data-complaint-state]')", "the waiting complaint on the reloaded escalation page")
            .await
            .unwrap_or_else(|e| {
                let resent = rig.proxy.complaint_posts().len() - before;
                panic!("{e}\n(the page shows an empty form and nothing of the complaint waiting on this device; attempts to send it since the reload: {resent})")
            });
        resumes_after_reload(&rig, before, guide, &walk).await;
    });
}

// ---------------------------------------------------------------------------------------------
// Two tabs

const BUDI: Person = Person {
    name: "Budi Santoso",
    nik: "3578011203850002",
    phone: "0857 1122 3344",
    description: "Saldo JHT tidak muncul di aplikasi setelah pindah kerja.",
};

/// The tickets of the receipts a page shows, sorted.
async fn receipts_shown(page: &Page) -> Vec<String> {
    let js = "[...document.querySelectorAll('[data-complaint-state=delivered] #complaint-ticket')].map(t => t.textContent.trim()).sort()";
    let shown = eval(page, js).await.unwrap();
    shown.as_array().map(|a| a.iter().filter_map(|t| t.as_str().map(str::to_owned)).collect()).unwrap_or_default()
}

/// Waits until the page shows exactly these receipts.
async fn shows_receipts(page: &Page, tickets: &[&str], what: &str) {
    let mut wanted: Vec<&str> = tickets.to_vec();
    wanted.sort();
    let js = format!(
        "JSON.stringify([...document.querySelectorAll('[data-complaint-state=delivered] #complaint-ticket')].map(t => t.textContent.trim()).sort()) === {}",
        js_str(&serde_json::to_string(&wanted).unwrap())
    );
    if let Err(e) = wait_for(page, &js, what).await {
        panic!("{e}\nshown: {:?}, wanted: {wanted:?}", receipts_shown(page).await);
    }
}

/// JavaScript that presses "remove from this device" on the receipt of `ticket`.
fn remove_receipt_js(ticket: &str, label: &str) -> String {
    format!(
        "(() => {{ const s = [...document.querySelectorAll('[data-complaint-state=delivered]')]
              .find(s => s.querySelector('#complaint-ticket')?.textContent.trim() === {ticket});
           const b = s && [...s.querySelectorAll('button')].find(b => b.textContent.trim() === {label});
           if (b) {{ b.click(); return 'pressed'; }} return null; }})()",
        ticket = js_str(ticket),
        label = js_str(label)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_tabs_sending_and_removing_at_the_same_time_lose_no_complaint_and_bring_none_back() {
    scenario!(|rig| {
        let (guide, walk) = escalation_walk(rig.content, "login", 1, |_| true);
        let other = rig.chrome.page().await;
        set_screen(&other, 412, 823).await.unwrap();
        let url = rig.url(&Link::to_step(guide, &walk).encode());
        // Typing goes to the tab in front (a hidden tab draws no frames, so takes no input).
        for (page, person) in [(&rig.page, &SITI), (&other, &BUDI)] {
            page.bring_to_front().await.unwrap();
            load(page, &url).await.unwrap();
            heading_is(page, walk.current_node(guide).title.get(Language::Id), "the escalation").await;
            form_shows(page).await;
            fill(page, person).await;
        }
        // What each tab shows of its complaint, every change recorded.
        let record = "window.shown = []; new MutationObserver(() => { \
            const s = [...document.querySelectorAll('[data-complaint-state]')].map(s => s.dataset.complaintState).join(','); \
            shown[shown.length - 1] !== s && shown.push(s); }).observe(document.body, { subtree: true, childList: true, attributes: true }), 1";
        for page in [&rig.page, &other] {
            eval(page, record).await.unwrap();
        }
        // Both tabs send at once (pressed from script: one of them is hidden): each stores its
        // complaint in the same localStorage.
        let press = "document.querySelector('#complaint-submit').click(), 1";
        let (a, b) = futures::join!(eval(&rig.page, press), eval(&other, press));
        a.unwrap();
        b.unwrap();
        let (siti, budi) = futures::join!(delivered_ticket(&rig.page), delivered_ticket(&other));
        let rows = rig.rows().await;
        assert_eq!(rows.len(), 2, "{:?}", rows.iter().map(|r| &r.ticket).collect::<Vec<_>>());
        shows_receipts(&rig.page, &[&siti], "the first tab's receipt").await;
        shows_receipts(&other, &[&budi], "the second tab's receipt").await;
        for page in [&rig.page, &other] {
            // Reading the other tab's writes back never turns a receipt into "sending" again.
            let shown: Vec<String> = serde_json::from_value(eval(page, "shown").await.unwrap()).unwrap();
            let delivered = shown.iter().position(|s| s == "delivered").expect("shown as delivered");
            assert!(shown[delivered..].iter().all(|s| s == "delivered"), "a tab showed its complaint as {shown:?}");
        }
        let stored = outbox_text(&rig.page).await;
        assert!(stored.contains(&siti) && stored.contains(&budi), "a receipt is missing from the device:\n{stored}");

        // Each tab removes its own receipt at the same moment.
        let label = rig.text("status_forget", Language::Id);
        let (remove_siti, remove_budi) = (remove_receipt_js(&siti, &label), remove_receipt_js(&budi, &label));
        let (a, b) = futures::join!(
            wait_value(&rig.page, &remove_siti, "the first receipt's remove button"),
            wait_value(&other, &remove_budi, "the second receipt's remove button")
        );
        a.unwrap();
        b.unwrap();
        shows_receipts(&rig.page, &[], "no receipt left in the first tab").await;
        shows_receipts(&other, &[], "no receipt left in the second tab").await;
        // The tabs' timers and events run on; nothing comes back.
        for page in [&rig.page, &other] {
            eval(page, "window.dispatchEvent(new Event('online')), 1").await.unwrap();
        }
        tokio::time::sleep(Duration::from_millis(1_500)).await;
        let stored = outbox_text(&rig.page).await;
        assert!(stored.is_empty(), "removed in both tabs, yet the device still holds:\n{stored}");
        for page in [&rig.page, &other] {
            page.bring_to_front().await.unwrap();
            load(page, &url).await.unwrap();
            form_shows(page).await;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        for page in [&rig.page, &other] {
            assert_eq!(receipts_shown(page).await, Vec::<String>::new(), "a removed receipt came back after a reload");
        }
        assert_eq!(rig.rows().await.len(), 2, "each complaint filed once");
        other.close().await.ok();
    });
}

// ---------------------------------------------------------------------------------------------
// Attachments

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_image_is_made_smaller_in_the_browser_and_attached_to_the_complaint() {
    scenario!(|rig| {
        let dir = tempfile::tempdir().expect("temp dir");
        let photo = dir.path().join("kartu-kpj.png");
        let original = write_png(&photo, 2000, 1500);
        let (guide, walk) = escalation_walk(rig.content, "login", 1, |_| true);
        open_escalation(&rig, guide, &walk).await;
        let page = &rig.page;
        fill(page, &SITI).await;
        choose_files(page, "#field-attachments", &[&photo]).await.unwrap();
        let ready = rig.text("image_ready", Language::Id);
        let ready_prefix = ready.split('{').next().unwrap().to_owned();
        let js = format!(
            "[...document.querySelectorAll('.image-item [role=status]')].map(s => s.textContent.trim()).filter(t => t.startsWith({})).length === 1 \
               && !!document.querySelector('.image-item img')",
            js_str(&ready_prefix)
        );
        if let Err(e) = wait_for(page, &js, "the image ready, with its preview").await {
            let shown = eval(page, "[...document.querySelectorAll('.images')].map(el => el.innerText).join(' | ')").await;
            panic!("{e}\nthe images field shows: {shown:?}\nrequests: {:?}", rig.proxy.seen().iter().filter(|r| r.path.starts_with("/api")).collect::<Vec<_>>());
        }
        send(page).await;
        let ticket = delivered_ticket(page).await;

        // What went over the network: a JPEG, much smaller than the photo.
        let uploads: Vec<SeenRequest> = rig.proxy.seen().into_iter().filter(|r| r.method == "POST" && r.path == "/api/v1/attachments").collect();
        assert_eq!(uploads.len(), 1, "{uploads:?}");
        assert_eq!(uploads[0].content_type.as_deref(), Some("image/jpeg"), "the upload was not re-encoded in the browser");
        let sent = uploads[0].content_length.expect("the upload's length");
        assert!(sent * 10 < original, "the browser uploaded {sent} bytes of a {original}-byte photo");

        let rows = rig.rows().await;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].ticket, ticket);
        let attachments = &rows[0].attachments;
        assert_eq!(attachments.len(), 1, "attachments of {ticket}: {attachments:?}");
        let image = &attachments[0];
        assert_eq!(rows[0].payload["attachments"], json!([image.id]));
        assert_eq!(image.content_type, "image/jpeg");
        assert!(image.data.starts_with(&[0xFF, 0xD8, 0xFF]), "the stored image is not a JPEG");
        assert_eq!((image.width, image.height), (1600, 1200), "downscaled to 1600 px on the long side");
        assert_eq!(image.bytes as usize, image.data.len());
        assert!((image.bytes as u64) * 10 < original, "stored {} bytes of a {original}-byte photo", image.bytes);
        println!("attachment: {original} B PNG 2000×1500 → uploaded {sent} B JPEG → stored {} B {}×{}", image.bytes, image.width, image.height);
    });
}

// ---------------------------------------------------------------------------------------------
// Check my complaint

/// Submits the check form and waits until its result shows text (not "checking…").
async fn check_result(rig: &Rig) -> String {
    let page = &rig.page;
    eval(page, "document.getElementById('check-result').textContent = '', 1").await.ok();
    click(page, "#check-submit").await.unwrap();
    let checking = rig.text("checking", Language::Id);
    let js = format!("(t => t !== '' && t !== {})(document.getElementById('check-result')?.textContent.trim() ?? '')", js_str(&checking));
    wait_for(page, &js, "the result of the check").await.unwrap();
    eval(page, "document.getElementById('check-result').textContent.trim()").await.unwrap().as_str().unwrap_or_default().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_my_complaint_finds_it_by_ticket_and_last_4_digits_and_not_otherwise() {
    scenario!(|rig| {
        let (guide, walk) = escalation_walk(rig.content, "login", 1, |_| true);
        open_escalation(&rig, guide, &walk).await;
        let page = &rig.page;
        fill(page, &SITI).await;
        send(page).await;
        let ticket = delivered_ticket(page).await;

        click(page, "[data-complaint-state=delivered] a[href='/check?lang=id']").await.unwrap();
        heading_is(page, &rig.text("check_heading", Language::Id), "the check screen").await;
        // The module's form (the server's plain one, `method=post`, shows until it is here).
        wait_for(page, "!!document.querySelector('#check-form:not([method]) #check-submit')", "the check form").await.unwrap();
        let prefilled = eval(page, "[document.getElementById('check-ticket').value, document.getElementById('check-last4').value]").await.unwrap();
        assert_eq!(prefilled, json!([ticket, SITI_LAST4]), "the check form is not prefilled from the delivered complaint");

        let found = check_result(&rig).await;
        assert!(found.contains(&ticket), "{found}");
        assert!(found.contains(&rig.text("state_received", Language::Id)), "the status is not shown: {found}");

        // Staff take it up; the participant sees it, typing the ticket as read out (lower case).
        let patched = eval(
            page,
            &format!(
                "fetch('/api/v1/staff/complaints/{ticket}', {{ method: 'PATCH', headers: {{ 'Authorization': 'Bearer {STAFF_TOKEN}', 'Content-Type': 'application/json' }}, \
                   body: JSON.stringify({{ status: 'in_progress' }}) }}).then(r => r.status)"
            ),
        )
        .await
        .unwrap();
        assert!(patched.as_u64().is_some_and(|s| (200..300).contains(&s)), "staff PATCH answered {patched}");
        type_text(page, "#check-ticket", &ticket.to_lowercase()).await.unwrap();
        let found = check_result(&rig).await;
        assert!(found.contains(&rig.text("state_in_progress", Language::Id)), "the new status is not shown: {found}");

        // Wrong digits: not found, and it does not say which part is wrong.
        type_text(page, "#check-ticket", &ticket).await.unwrap();
        type_text(page, "#check-last4", "0000").await.unwrap();
        let not_found = check_result(&rig).await;
        assert_eq!(not_found, rig.text("check_not_found", Language::Id));
        assert!(!not_found.contains(&ticket));
    });
}

// ---------------------------------------------------------------------------------------------
// A known disruption

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disruption_for_the_guides_family_shows_on_the_form_which_still_files() {
    scenario!(|rig| {
        let (guide, walk) = escalation_walk(rig.content, "login", 1, |c| c == Category::Login);
        let page = &rig.page;
        load(page, &rig.url("/")).await.unwrap();
        heading_is(page, rig.content.catalog.start.title.get(Language::Id), "the start screen").await;
        let open = |family: &str, title_id: &str, title_en: &str| {
            let body = json!({
                "family": family,
                "title": { "id": title_id, "en": title_en },
                "message": { "id": format!("Pesan untuk {family}."), "en": format!("Message about {family}.") },
            });
            format!(
                "fetch('/api/v1/staff/disruptions', {{ method: 'POST', headers: {{ 'Authorization': 'Bearer {STAFF_TOKEN}', 'Content-Type': 'application/json' }}, \
                   body: {} }}).then(r => r.status)",
                js_str(&body.to_string())
            )
        };
        for (family, id, en) in [("login", "Kode OTP terlambat masuk", "OTP codes arrive late"), ("balance", "Saldo JHT belum diperbarui", "JHT balances are not updated")] {
            let status = eval(page, &open(family, id, en)).await.unwrap();
            assert_eq!(status, json!(201), "opening the {family} disruption");
        }

        follow_in_app(page, &Link::to_step(guide, &walk).encode()).await.unwrap();
        form_shows(page).await;
        let notice = "document.querySelector('#complaint-form')?.closest('section')?.querySelector('.disruption')?.textContent ?? ''";
        wait_for(page, &format!("({notice}).includes('Kode OTP terlambat masuk')"), "the login disruption on the form").await.unwrap();
        let shown = eval(page, notice).await.unwrap().as_str().unwrap_or_default().to_owned();
        for part in [rig.text("disruption_heading", Language::Id), "Pesan untuk login.".into(), rig.text("disruption_note", Language::Id)] {
            assert!(shown.contains(&part), "the disruption notice lacks {part:?}: {shown}");
        }
        assert!(!shown.contains("Saldo JHT"), "another family's disruption is shown: {shown}");

        switch_language(page, Language::En).await;
        wait_for(page, &format!("({notice}).includes('OTP codes arrive late')"), "the disruption in English").await.unwrap();
        let shown = eval(page, notice).await.unwrap().as_str().unwrap_or_default().to_owned();
        assert!(shown.contains(&rig.text("disruption_note", Language::En)) && shown.contains("Message about login."), "{shown}");

        // The participant can still file.
        fill(page, &SITI).await;
        send(page).await;
        let ticket = delivered_ticket(page).await;
        let rows = rig.rows().await;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].ticket, ticket);
        assert_eq!(rows[0].payload["client"]["language"], json!("en"));
    });
}

// ---------------------------------------------------------------------------------------------
// What walks report (docs/learning.md)

/// The walk reports the proxy saw, in order: `(body as JSON, status the browser got)`.
fn walk_reports(rig: &Rig) -> Vec<(Value, Option<u16>)> {
    rig.proxy
        .seen()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path == "/api/v1/walks")
        .map(|r| (serde_json::from_slice(&r.body).unwrap_or_else(|e| panic!("a walk report is not JSON ({e}): {:?}", String::from_utf8_lossy(&r.body))), r.status))
        .collect()
}

/// The walk reports the server counted (answered 202), each once, in the order first counted: a
/// device resends a report whose answer it did not hear (the server counts its nonce once).
fn counted_in_order(seen: &[SeenRequest]) -> Vec<Value> {
    let mut counted: Vec<Value> = Vec::new();
    for r in seen.iter().filter(|r| r.path == "/api/v1/walks" && r.status == Some(202)) {
        let Ok(body) = serde_json::from_slice::<Value>(&r.body) else { continue };
        if !counted.iter().any(|c| c["nonce"] == body["nonce"]) {
            counted.push(body);
        }
    }
    counted
}

/// Waits until `n` walks were counted, and returns the `n`th.
async fn counted_reports(rig: &Rig, n: usize, what: &str) -> Value {
    rig.proxy.wait_until(what, |seen| counted_in_order(seen).len() >= n).await.unwrap_or_else(|e| panic!("{e}\nreports seen: {:?}", walk_reports(rig)));
    let counted = counted_in_order(&rig.proxy.seen());
    assert_eq!(counted.len(), n, "more walks reported than made: {counted:?}");
    counted[n - 1].clone()
}

fn assert_report(report: &Value, guide: &Guide, walk: &Walk, outcome: &str, delivered: bool) {
    let mut fields: Vec<&str> = report.as_object().expect("a report is an object").keys().map(String::as_str).collect();
    fields.sort_unstable();
    assert_eq!(fields, ["day", "delivered", "embedding", "lang", "nonce", "outcome", "step", "version"], "{report}");
    assert_eq!(report["step"], json!(Link::to_step(guide, walk).encode()), "{report}");
    assert_eq!((&report["outcome"], &report["delivered"], &report["embedding"], &report["lang"]), (&json!(outcome), &json!(delivered), &json!("web"), &json!("id")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_walk_leaves_one_anonymous_report_and_the_counts_add_up() {
    scenario!(|rig| {
        let guide = rig.content.catalog.guide("login").unwrap();
        let to_resolution = walks_to_outcomes(guide).into_iter().find(|w| matches!(w.current_node(guide).kind, NodeKind::Resolved)).expect("login has a resolution");
        let (_, to_escalation) = escalation_walk(rig.content, "login", 2, |_| true);
        let midway = Walk::start(guide).choose_index(guide, to_escalation.answers()[0].option).unwrap();
        assert!(!midway.current_node(guide).kind.is_outcome());

        // Resolved: reported as soon as the resolution shows.
        click_through(&rig, guide, &to_resolution).await;
        let report = counted_reports(&rig, 1, "the resolved walk's report").await;
        assert_report(&report, guide, &to_resolution, "resolved", false);

        // Left midway: reported when the page goes.
        click_through(&rig, guide, &midway).await;
        load(&rig.page, &rig.url("/")).await.unwrap();
        let report = counted_reports(&rig, 2, "the abandoned walk's report").await;
        assert_report(&report, guide, &midway, "left", false);

        // Escalated, and the complaint delivered.
        walk_by_clicking(&rig, guide, &to_escalation).await;
        fill(&rig.page, &SITI).await;
        send(&rig.page).await;
        delivered_ticket(&rig.page).await;
        let report = counted_reports(&rig, 3, "the delivered walk's report").await;
        assert_report(&report, guide, &to_escalation, "escalated", true);

        // Resolved while the server cannot be reached: kept on the device, sent on the next visit.
        load(&rig.page, &rig.url("/")).await.unwrap();
        wait_guide_file(&rig.page, &guide.id, Language::Id).await.unwrap();
        rig.stop_server();
        click_on_from_start(&rig, guide, &to_resolution).await;
        let kept = "localStorage.getItem('jmo.walk-reports') ?? ''";
        wait_for(&rig.page, &format!("({kept}).includes('resolved')"), "the report kept on the device").await.unwrap();
        rig.start_server();
        load(&rig.page, &rig.url("/")).await.unwrap();
        let report = counted_reports(&rig, 4, "the kept report, once the server is back").await;
        assert_report(&report, guide, &to_resolution, "resolved", false);
        wait_for(&rig.page, &format!("({kept}) === ''"), "the device to forget the delivered report").await.unwrap();

        // Nothing the participant typed left the page in anything but the complaint itself.
        let phone_digits: String = SITI.phone.chars().filter(char::is_ascii_digit).collect();
        for request in rig.proxy.seen().iter().filter(|r| r.path != "/api/v1/complaints") {
            let body = String::from_utf8_lossy(&request.body);
            for personal in [SITI.name, SITI.nik, SITI.phone, &phone_digits, SITI.description, "Siti"] {
                assert!(!body.contains(personal) && !request.path.contains(personal), "{} {} carries {personal:?}: {body}", request.method, request.path);
            }
        }

        // The counts staff see are those walks.
        let js = format!("fetch('/api/v1/staff/walks?guide=login', {{ headers: {{ 'Authorization': 'Bearer {STAFF_TOKEN}' }} }}).then(r => r.json())");
        let stats = eval(&rig.page, &js).await.unwrap();
        let total = &stats["guides"][0]["total"];
        assert_eq!(
            [&total["walks"], &total["resolved"], &total["escalated"], &total["delivered"], &total["left"]],
            [&json!(4), &json!(2), &json!(1), &json!(1), &json!(1)],
            "{stats}"
        );
        let deflection = total["deflection"].as_f64().unwrap();
        assert!((deflection - 2.0 / 3.0).abs() < 1e-9, "deflection {deflection}");
        let node = |id: &str| stats["guides"][0]["nodes"].as_array().unwrap().iter().find(|n| n["node"] == json!(id)).cloned().unwrap_or_else(|| panic!("no node {id}: {stats}"));
        assert_eq!(node(&to_resolution.current_node(guide).id)["ended"]["resolved"], json!(2));
        assert_eq!(node(&midway.current_node(guide).id)["ended"]["left"], json!(1));
        assert_eq!(node(&to_escalation.current_node(guide).id)["ended"]["delivered"], json!(1));
        assert_eq!(node(&guide.start)["visits"], json!(4), "every walk passed the first question");
    });
}
