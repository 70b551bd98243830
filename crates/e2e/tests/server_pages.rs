//! The pages the server draws with the widget's own components, in headless Chromium:
//!  - take-over: with the wasm held back until the test releases it, the `#app` the server drew
//!    is the markup the widget draws in its place (start screens, the first step of every guide,
//!    a deep step with answers, a date question, an escalation, not-found, the check page, an
//!    embedded page); the focus (on an answer link), a date typed meanwhile and the scroll
//!    position survive the handover;
//!  - no JavaScript (scripts disabled before any navigation): every outcome of every guide is
//!    reached by clicking answer links from the start screen; a date question is answered by
//!    typing a date and submitting the form (the branch's page) and refused when empty (its
//!    message); the complaint form is refused when empty, then filed once though sent twice,
//!    answered with its receipt page;
//!  - old links: every `https://<host>/#/…` link of the staff guide as it was
//!    (crates/guide/tests/fixtures/staff-links-hash-form.md), opened with scripts, ends on its
//!    step at its path, without `#`, taken over by the widget;
//!  - the axe-core audit of pages without JavaScript (start, a step, a refused date, a refused
//!    complaint form, not-found),
//!    in both languages.
//!
//! Needs dist/ (or JMO_DIST) and axe-core in .tools/. The per-node checks over plain HTTP are in
//! crates/server/tests/pages.rs.

use std::time::{Duration, Instant};

use jmo_e2e::chromiumoxide::cdp::browser_protocol::emulation::SetScriptExecutionDisabledParams;
use jmo_e2e::chromiumoxide::cdp::browser_protocol::page::{AddScriptToEvaluateOnNewDocumentParams, NavigateParams};
use jmo_e2e::chromiumoxide::Page;
use jmo_e2e::*;
use jmo_guide::date::Date;
use jmo_guide::link::{Link, Opened};
use jmo_guide::walk::Walk;
use jmo_guide::{Guide, Language, NodeKind};
use jmo_testkit::{Launch, Server};

/// One check at a time: each drives its own Chromium and server on a small machine.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Installed before the page's scripts: the widget's wasm is instantiated only after
/// `__release()`; any later module (the complaint form's) only after `__releaseModules()`, so
/// the page compared is the widget's first render.
const HOLD: &str = r#"(() => {
  const gate = new Promise(r => { window.__release = r; });
  const later = new Promise(r => { window.__releaseModules = r; });
  let calls = 0;
  for (const name of ['instantiateStreaming', 'instantiate']) {
    const real = WebAssembly[name];
    WebAssembly[name] = (...args) => (calls++ === 0 ? gate : later).then(() => real.apply(WebAssembly, args));
  }
})();"#;

/// `#app` as a string: tags, sorted attributes, merged text; with the document's language and
/// title. The inside of a `.form-slot` is left out: the complaint form module fills it (with its
/// loading message at once) once the widget runs. An input's `value` is left out too: it is what
/// was typed (checked apart), which the server draws as an attribute and the widget as a property.
const SNAPSHOT: &str = r#"(() => {
  const copy = document.getElementById('app').cloneNode(true);
  copy.normalize();
  const snap = n => n.nodeType === 3 ? JSON.stringify(n.data) : n.nodeType !== 1 ? '' :
    '<' + n.localName + [...n.attributes].filter(a => !(a.name === 'value' && n.localName === 'input'))
      .map(a => ` ${a.name}=${JSON.stringify(a.value)}`).sort().join('') + '>'
      + (n.classList.contains('form-slot') ? '' : [...n.childNodes].map(snap).join('')) + '</' + n.localName + '>';
  return document.documentElement.lang + ' | ' + document.title + ' | ' + snap(copy);
})()"#;

fn heading_js(title: &str) -> String {
    format!("document.getElementById('screen-title')?.textContent.trim() === {}", js_str(title.trim()))
}

fn here_is(address: &str) -> String {
    format!("location.pathname + location.search === {} && location.hash === ''", js_str(address))
}

/// Today in Jakarta (WIB, UTC+7), as the server and the widget count it.
fn today() -> Date {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    Date::in_jakarta(now)
}

/// A text of the step pages (`[steps.<key>]` in ui.toml).
fn step_text(content: &jmo_guide::load::Content, key: &str, lang: Language) -> String {
    content.catalog.texts.iter().find(|(k, _)| k == key).map(|(_, t)| t.get(lang).to_owned()).unwrap_or_else(|| panic!("no steps.{key}"))
}

fn link_to(guide: &Guide, walk: &Walk, lang: Language) -> String {
    Link::to_step(guide, walk).with_lang(Some(lang)).encode()
}

/// The first date question of the shipped guides, and the shortest way to it.
fn date_question(content: &jmo_guide::load::Content) -> (&Guide, Walk) {
    content
        .catalog
        .guides
        .iter()
        .find_map(|g| {
            let index = g.nodes.iter().position(|n| n.kind == NodeKind::Date)?;
            Some((g, Walk::shortest_to(g, index)?))
        })
        .expect("a guide with a date question")
}

// ---------------------------------------------------------------------------------------------
// Take-over

/// Loads `address` with the wasm held back; waits until the server's page is parsed.
async fn open_held(page: &Page, server: &Server, address: &str) {
    page.execute(NavigateParams::new("about:blank")).await.unwrap();
    page.execute(NavigateParams::new(server.url(address))).await.unwrap();
    wait_for(page, "document.readyState !== 'loading' && !!document.querySelector('#app > .page') && typeof window.__release === 'function'", address)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

/// Whether the complaint form's name field has form.css's look (`min-height: 44px`), and the
/// stylesheets fetched after the HTML.
const FORM_STYLED: &str = "[getComputedStyle(document.getElementById('field-name')).minHeight === '44px', \
    performance.getEntriesByType('resource').filter(r => r.name.endsWith('.css')).map(r => r.name)]";

async fn snapshot(page: &Page) -> String {
    eval(page, SNAPSHOT).await.unwrap().as_str().expect("a snapshot").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_widget_takes_over_the_servers_page_with_identical_markup_keeping_focus_typing_and_scroll() {
    let _one = ONE_AT_A_TIME.lock().await;
    let dist = dist_dir();
    let content = content();
    let catalog = &content.catalog;
    let started = Instant::now();

    // (name, address, heading)
    let mut sample: Vec<(String, String, String)> = Vec::new();
    for lang in Language::ALL {
        sample.push((format!("start ({})", lang.as_str()), format!("/?lang={}", lang.as_str()), catalog.start.title.get(lang).to_owned()));
    }
    for (i, guide) in guides(catalog).into_iter().enumerate() {
        let lang = Language::ALL[i % 2];
        let walk = Walk::start(guide);
        sample.push((format!("{} first step", guide.id), Link { guide: Some(guide.id.to_string()), ..Link::start() }.with_lang(Some(lang)).encode(), walk.current_node(guide).title.get(lang).to_owned()));
    }
    // The deepest step before an outcome (its answers listed), in English.
    let (guide, deep) = guides(catalog)
        .into_iter()
        .flat_map(|g| walks_to_outcomes(g).into_iter().map(move |w| (g, w.back())))
        .max_by_key(|(_, w)| w.answers().len())
        .unwrap();
    sample.push((format!("deep step {}/{}", guide.id, deep.current_node(guide).id), link_to(guide, &deep, Language::En), deep.current_node(guide).title.get(Language::En).to_owned()));
    let (date_guide, date_walk) = date_question(&content);
    let date_address = link_to(date_guide, &date_walk, Language::Id);
    sample.push(("date question".into(), date_address.clone(), date_walk.current_node(date_guide).title.get(Language::Id).to_owned()));
    let (guide, escalation) = jmo_testkit::guides::first_escalation(catalog);
    sample.push(("escalation".into(), link_to(guide, &escalation, Language::Id), escalation.current_node(guide).title.get(Language::Id).to_owned()));
    sample.push(("not found".into(), "/no-such-guide?lang=en".into(), shell_text(&content, "not_found_title", Language::En)));
    // (Its heading is the form module's, drawn once the widget runs: the server holds its place.)
    sample.push(("check page".into(), "/check?lang=id".into(), String::new()));
    let login = catalog.guide("login").unwrap();
    sample.push(("embedded".into(), Link::to_step(login, &Walk::start(login)).with_lang(Some(Language::En)).with_embed(true).encode(), Walk::start(login).current_node(login).title.get(Language::En).to_owned()));

    let photos = tempfile::tempdir().unwrap();
    let photo = photos.path().join("kartu-kpj.png");
    write_png(&photo, 1200, 900);
    let mut server = Launch::new().widget_dir(&dist).start();
    let chrome = Chrome::launch().await;
    let page = chrome.page().await;
    // Short, so most pages scroll.
    set_screen(&page, 360, 420).await.unwrap();
    page.execute(AddScriptToEvaluateOnNewDocumentParams::new(HOLD)).await.unwrap();
    watch_take_over(&page).await.unwrap();

    within(Duration::from_secs(150), "the take-over checks", async {
        let mut focused = 0;
        let mut scrolled = 0;
        for (name, address, heading) in &sample {
            open_held(&page, &server, address).await;
            if !heading.is_empty() {
                assert_eq!(eval(&page, &heading_js(heading)).await.unwrap(), true, "{name}: the server's page does not show {heading:?}");
            }
            let before = snapshot(&page).await;

            // What a participant may do before the wasm arrives: focus an answer, scroll.
            let focus = eval(&page, "(a => a ? (a.focus(), a.getAttribute('href')) : null)([...document.querySelectorAll('#app a.choice')].at(-1))").await.unwrap();
            eval(&page, "(() => { const y = Math.min(90, document.documentElement.scrollHeight - innerHeight); if (y >= 10) scrollTo(0, y); return 1; })()").await.unwrap();
            let mut typed = None;
            if address == &date_address {
                eval(&page, "(document.getElementById('date-input').focus(), 1)").await.unwrap();
                type_digits(&page, "03142025").await.unwrap();
                typed = Some(eval(&page, "document.getElementById('date-input').value").await.unwrap());
                assert_eq!(typed, Some(serde_json::json!("2025-03-14")), "{name}: typing the date");
            }

            // The server's complaint form works before the module is here: what is typed into it
            // goes over into the module's form, focus included.
            let escalation_typed = name == "escalation";
            if escalation_typed {
                // A photo chosen there too, before the typing (which leaves the focus in the name).
                choose_files(&page, "#field-attachments", &[&photo]).await.unwrap();
                type_text(&page, "#field-name", "Siti Aminah").await.unwrap();
            }

            let scroll = eval(&page, "scrollY").await.unwrap();
            eval(&page, "(window.__release(), 1)").await.unwrap();
            wait_taken_over(&page, name).await.unwrap_or_else(|e| panic!("{e}"));
            let after = snapshot(&page).await;
            assert_eq!(before, after, "{name} ({address}): the server's page (left) differs from the widget's (right)");
            assert_eq!(eval(&page, "document.getElementById('app').children.length").await.unwrap(), 1, "{name}: something of the server's page was left behind");
            assert_eq!(eval(&page, &here_is(address)).await.unwrap(), true, "{name}: the address changed");

            if escalation_typed {
                let server_form = eval(&page, "[!!document.querySelector('.form-slot #complaint-form[method=post]'), document.getElementById('field-name').value, document.activeElement?.id]").await.unwrap();
                assert_eq!(server_form, serde_json::json!([true, "Siti Aminah", "field-name"]), "{name}: the server's form, as it was, until the module is here");
                eval(&page, "(window.__releaseModules(), 1)").await.unwrap();
                wait_for(&page, "!!document.querySelector('.form-slot #complaint-form:not([method])')", "the module's form in place of the server's").await.unwrap_or_else(|e| panic!("{e}"));
                let kept = eval(&page, "[document.getElementById('field-name').value, document.activeElement?.id, document.querySelectorAll('#complaint-form').length]").await.unwrap();
                assert_eq!(kept, serde_json::json!(["Siti Aminah", "field-name", 1]), "{name}: what was typed into the server's form");
                assert_eq!(eval(&page, FORM_STYLED).await.unwrap(), serde_json::json!([true, []]), "{name}: the module's form lost the styles the server's page brought");
                // The photo chosen in the server's form is the module's first, made smaller and uploaded.
                wait_for(&page, "document.querySelectorAll('.image-item').length === 1 && !!document.querySelector('.image-item img')", "the photo chosen before the module came, in its form")
                    .await
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
            } else if let Some(typed) = typed {
                let kept = eval(&page, "[document.getElementById('date-input').value, document.activeElement?.id]").await.unwrap();
                assert_eq!(kept, serde_json::json!([typed, "date-input"]), "{name}: the typed date or its focus was lost in the take-over");
            } else if let Some(href) = focus.as_str() {
                let same = eval(&page, &format!("(a => a !== window.__jmoServerPage && a.matches('#app a.choice') && a.getAttribute('href') === {})(document.activeElement)", js_str(href))).await.unwrap();
                let on = eval(&page, "document.activeElement?.outerHTML.slice(0, 100) ?? null").await.unwrap();
                assert_eq!(same, true, "{name}: the focus left the answer {href} in the take-over (now on {on})");
                focused += 1;
            }
            if let Some(y) = scroll.as_f64().filter(|y| *y > 0.0) {
                let now = eval(&page, "scrollY").await.unwrap().as_f64().unwrap_or(-1.0);
                assert!((now - y).abs() < 1.0, "{name}: scrolled to {y} before the take-over, {now} after");
                scrolled += 1;
            }
        }
        // A date the server refused (the form posted natively, before the wasm took over): the
        // widget keeps its message and the field's value.
        open_held(&page, &server, &date_address).await;
        eval(&page, "(document.getElementById('date-input').value = '2999-01-01', document.querySelector('form.date-form').submit(), 1)").await.unwrap();
        wait_for(&page, "document.readyState !== 'loading' && !!document.getElementById('date-error') && typeof window.__release === 'function'", "the refused date's page")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let before = snapshot(&page).await;
        eval(&page, "(window.__release(), 1)").await.unwrap();
        wait_taken_over(&page, "refused date").await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(before, snapshot(&page).await, "refused date: the server's page (left) differs from the widget's (right)");
        let shown = eval(&page, "[document.getElementById('date-error')?.textContent, document.getElementById('date-input').value]").await.unwrap();
        assert_eq!(shown, serde_json::json!([step_text(&content, "date_in_future", Language::Id), "2999-01-01"]), "refused date after the take-over");

        // "Check my complaint" sent before the form module was here: the module starts from what
        // the server answered, with what was typed.
        open_held(&page, &server, "/check?lang=en").await;
        eval(&page, "(document.getElementById('check-ticket').value = 'JMO-7K3M-9QX2-ABCD-EF01', document.getElementById('check-last4').value = '1234', document.getElementById('check-form').submit(), 1)").await.unwrap();
        wait_for(&page, "document.readyState !== 'loading' && document.getElementById('check-result')?.dataset.lookup === 'not_found' && typeof window.__release === 'function'", "the server's answer to the check")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        eval(&page, "(window.__release(), 1)").await.unwrap();
        wait_taken_over(&page, "checked").await.unwrap_or_else(|e| panic!("{e}"));
        eval(&page, "(window.__releaseModules(), 1)").await.unwrap();
        wait_for(&page, "!!document.querySelector('.form-slot #check-form:not([method])')", "the module's check form in place of the server's").await.unwrap_or_else(|e| panic!("{e}"));
        let kept = eval(&page, "[document.getElementById('check-ticket').value, document.getElementById('check-last4').value, document.getElementById('check-result').textContent.trim()]").await.unwrap();
        assert_eq!(serde_json::json!([kept[0], kept[1]]), serde_json::json!(["JMO-7K3M-9QX2-ABCD-EF01", "1234"]), "what was typed into the server's check form");
        assert!(kept[2].as_str().unwrap().starts_with("No complaint was found"), "the server's answer after the take-over: {kept}");

        println!(
            "take-over: {} pages identical before and after (and a refused date's), focus kept on {focused}, scroll on {scrolled}, a typed date on 1 ({:.1} s)",
            sample.len(),
            started.elapsed().as_secs_f64()
        );
    })
    .await;
    chrome.close().await;
    server.stop();
}

// ---------------------------------------------------------------------------------------------
// Without JavaScript

/// A tab with scripts disabled before it loads anything.
async fn no_js_page(chrome: &Chrome) -> Page {
    let page = chrome.page().await;
    page.execute(SetScriptExecutionDisabledParams::new(true)).await.unwrap();
    set_screen(&page, 412, 823).await.unwrap();
    page
}

/// Clicks `selector` (which must lead to another page) and waits for `address` with `heading`.
async fn click_to(page: &Page, selector: &str, address: &str, heading: &str, what: &str) {
    within(STEP_TIMEOUT, &format!("{what}: clicking {selector}"), mouse_click(page, selector)).await.unwrap_or_else(|e| panic!("{what}: {e}"));
    wait_for(page, &format!("document.readyState === 'complete' && {} && {}", here_is(address), heading_js(heading)), what).await.unwrap_or_else(|e| panic!("{e}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_javascript_every_outcome_is_reached_by_links_and_a_date_is_answered_by_a_form() {
    let _one = ONE_AT_A_TIME.lock().await;
    let dist = dist_dir();
    let content = content();
    let catalog = &content.catalog;
    let started = Instant::now();
    let mut server = Launch::new().widget_dir(&dist).start();
    let chrome = Chrome::launch().await;
    let page = no_js_page(&chrome).await;

    within(Duration::from_secs(150), "the walks without JavaScript", async {
        let (mut outcomes, mut clicks) = (0, 0);
        for (i, guide) in guides(catalog).into_iter().enumerate() {
            let lang = Language::ALL[i % 2];
            // The shortest walk to each outcome (walks_to_outcomes is shortest first).
            let mut seen = std::collections::HashSet::new();
            let walks: Vec<Walk> = walks_to_outcomes(guide).into_iter().filter(|w| seen.insert(w.current())).collect();
            for walk in &walks {
                let start = format!("/?lang={}", lang.as_str());
                load(&page, &server.url(&start)).await.unwrap();
                wait_for(&page, &heading_js(catalog.start.title.get(lang)), "the start screen").await.unwrap();
                assert_eq!(eval(&page, "typeof window.wasmBindings").await.unwrap(), "undefined", "scripts ran");
                let entry = Link { guide: Some(guide.id.to_string()), ..Link::start() }.with_lang(Some(lang)).encode();
                let mut at = Walk::start(guide);
                click_to(&page, &format!("a.choice[href={}]", js_str(&entry)), &entry, at.current_node(guide).title.get(lang), &format!("{} from the start screen", guide.id)).await;
                clicks += 1;
                for answer in walk.answers() {
                    let node = at.current_node(guide);
                    let option = &node.options[answer.option];
                    at = at.choose_index(guide, answer.option).unwrap();
                    let next = at.current_node(guide);
                    let what = format!("{}/{} → {} ({})", guide.id, node.id, next.id, lang.as_str());
                    click_to(&page, &format!("a.choice[data-option={}]", js_str(&option.id)), &link_to(guide, &at, lang), next.title.get(lang), &what).await;
                    clicks += 1;
                }
                assert!(at.current_node(guide).kind.is_outcome());
                // Nothing on the page offers what only a script can do (the copy buttons).
                let dead = eval(&page, "[...document.querySelectorAll('#app button')].filter(b => b.type !== 'submit' && b.getClientRects().length).map(b => b.textContent)").await.unwrap();
                assert_eq!(dead, serde_json::json!([]), "{}: buttons that do nothing without JavaScript", guide.id);
                outcomes += 1;
            }
        }
        println!("no JavaScript: {outcomes} outcomes of {} guides reached in {clicks} link clicks", guides(catalog).len());

        // A date question: a date typed and the form submitted → the branch's page; today and a
        // date long ago, one language each; empty → the same page with the message (422).
        let (guide, walk) = date_question(&content);
        let node = walk.current_node(guide);
        let today = today();
        for (lang, date) in [(Language::Id, today), (Language::En, Date { year: 2020, month: 1, day: 15 })] {
            let address = link_to(guide, &walk, lang);
            load(&page, &server.url(&address)).await.unwrap();
            wait_for(&page, &heading_js(node.title.get(lang)), "the date question").await.unwrap();
            eval(&page, "(document.getElementById('date-input').focus(), 1)").await.unwrap();
            type_digits(&page, &format!("{:02}{:02}{:04}", date.month, date.day, date.year)).await.unwrap();
            let typed = eval(&page, "document.getElementById('date-input').value").await.unwrap();
            assert_eq!(typed.as_str(), Some(date.to_string().as_str()), "typing the date (an en-US browser)");
            press(&page, Key::Enter).await.unwrap();
            let branch = walk.date_option_in(guide, &catalog.calendar, date, today).expect("a branch for the date");
            let next = walk.choose_index(guide, branch).unwrap();
            let (to, heading) = (link_to(guide, &next, lang), next.current_node(guide).title.get(lang));
            wait_for(&page, &format!("document.readyState === 'complete' && {} && {}", here_is(&to), heading_js(heading)), &format!("the branch of {date:?}")).await.unwrap();
            let url = eval(&page, "location.href").await.unwrap();
            assert!(!url.as_str().unwrap().contains(&date.year.to_string()), "the date is in the address {url}");

            // Submitted empty: the question again, at its address, with the message.
            load(&page, &server.url(&address)).await.unwrap();
            wait_for(&page, "!!document.getElementById('date-input')", "the date question").await.unwrap();
            eval(&page, "(window.__old = document.body, document.getElementById('date-input').focus(), 1)").await.unwrap();
            press(&page, Key::Enter).await.unwrap();
            let message = step_text(&content, "date_missing", lang);
            wait_for(
                &page,
                &format!(
                    "document.body !== window.__old && document.readyState === 'complete' && {} && {} \
                     && document.getElementById('date-error')?.textContent.trim() === {} && document.getElementById('date-input').getAttribute('aria-invalid') === 'true'",
                    here_is(&address),
                    heading_js(node.title.get(lang)),
                    js_str(&message)
                ),
                "the message of an empty date",
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        }
        println!("no JavaScript: the date question answered in both languages, and refused when empty ({:.1} s)", started.elapsed().as_secs_f64());
    })
    .await;
    chrome.close().await;
    server.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_javascript_a_complaint_is_filed_once_however_often_it_is_sent_and_a_refused_one_shows_its_messages() {
    let _one = ONE_AT_A_TIME.lock().await;
    let dist = dist_dir();
    let content = content();
    let catalog = &content.catalog;
    let started = Instant::now();
    let mut server = Launch::new().widget_dir(&dist).start();
    let chrome = Chrome::launch().await;
    let page = no_js_page(&chrome).await;
    let (guide, walk) = jmo_testkit::guides::first_escalation(catalog);
    let address = link_to(guide, &walk, Language::Id);

    within(Duration::from_secs(90), "the complaint form without JavaScript", async {
        load(&page, &server.url(&address)).await.unwrap();
        wait_for(&page, "document.readyState === 'complete' && !!document.getElementById('complaint-form')", "the server's complaint form").await.unwrap();
        // The photo field is the browser's own there (nothing else would list the chosen files).
        let file_shown = eval(&page, "document.getElementById('field-attachments').getBoundingClientRect().width > 50").await.unwrap();
        assert_eq!(file_shown, true, "the file input is hidden without JavaScript");
        // Styled by what came with the HTML (form.css inlined, allowed by the CSP): no stylesheet
        // fetched after it.
        let styled = eval(&page, FORM_STYLED).await.unwrap();
        assert_eq!(styled, serde_json::json!([true, []]), "the server's form is not styled by the page itself, or fetched styles");

        // Sent empty: the same page, with the summary and each field's message.
        let old = "(window.__old = document.body, 1)";
        eval(&page, old).await.unwrap();
        mouse_click(&page, "#complaint-submit").await.unwrap();
        wait_for(&page, &format!("document.body !== window.__old && document.readyState === 'complete' && !!document.getElementById('error-summary') && !!document.getElementById('field-nik-error') && {}", here_is(&address)), "the refused form").await.unwrap_or_else(|e| panic!("{e}"));

        for (selector, text) in [("#field-name", "Siti Aminah"), ("#field-nik", "3201015705900001"), ("#field-phone", "0812-3456-7890"), ("#field-description", "Kode OTP tidak pernah masuk ke HP saya sejak kemarin.")] {
            type_text(&page, selector, text).await.unwrap();
        }
        mouse_click(&page, "label[for=field-consent]").await.unwrap();
        // Pressed twice before the answer arrives: the browser sends the form twice.
        eval(&page, "(b => (b.click(), b.click(), 1))(document.getElementById('complaint-submit'))").await.unwrap();
        wait_for(&page, "document.readyState === 'complete' && location.pathname.startsWith('/received/') && !!document.getElementById('complaint-ticket')", "the receipt").await.unwrap_or_else(|e| panic!("{e}"));
        let ticket = eval(&page, "document.getElementById('complaint-ticket').textContent").await.unwrap();
        let url = eval(&page, "location.href").await.unwrap();
        for personal in ["3201015705900001", "Siti", "7890"] {
            assert!(!url.as_str().unwrap().contains(personal), "{personal} in the address {url}");
        }
        // Reloading the receipt sends nothing again.
        load(&page, url.as_str().unwrap()).await.unwrap();
        wait_for(&page, "!!document.getElementById('complaint-ticket')", "the receipt again").await.unwrap();
        let stored = jmo_testkit::db::stored_complaints(&server.sqlite_file().unwrap()).await.unwrap();
        assert_eq!(stored.len(), 1, "filed once");
        assert_eq!(serde_json::json!(stored[0].ticket), ticket);

        // Its status, checked with a form too: the ticket and the digits never in the address.
        load(&page, &server.url("/check?lang=id")).await.unwrap();
        wait_for(&page, "document.readyState === 'complete' && !!document.querySelector('#check-form[method=post]')", "the server's check form").await.unwrap();
        type_text(&page, "#check-ticket", &ticket.as_str().unwrap().to_lowercase()).await.unwrap();
        type_text(&page, "#check-last4", "7890").await.unwrap();
        eval(&page, old).await.unwrap();
        mouse_click(&page, "#check-submit").await.unwrap();
        wait_for(&page, "document.body !== window.__old && document.readyState === 'complete' && document.getElementById('check-result')?.dataset.lookup === 'found'", "the complaint's status").await.unwrap_or_else(|e| panic!("{e}"));
        let shown = eval(&page, "[document.getElementById('check-result').textContent, location.href]").await.unwrap();
        let (result, url) = (shown[0].as_str().unwrap(), shown[1].as_str().unwrap());
        assert!(result.contains(ticket.as_str().unwrap()) && result.contains("Diterima, menunggu petugas"), "the status: {result}");
        assert!(!url.contains("7890") && !url.to_lowercase().contains(&ticket.as_str().unwrap().to_lowercase()), "the address {url}");
        println!("no JavaScript: a complaint refused, then filed once though sent twice, then its status checked ({:.1} s)", started.elapsed().as_secs_f64());
    })
    .await;
    chrome.close().await;
    server.stop();
}

// ---------------------------------------------------------------------------------------------
// Old links

/// Every `https://<host>/…` link of a Markdown document, as `/…`.
fn staff_links(file: &str) -> Vec<String> {
    let doc = std::fs::read_to_string(workspace_root().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    doc.split("https://<host>/").skip(1).map(|rest| format!("/{}", rest.split('`').next().unwrap())).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_old_hash_link_of_the_staff_guide_opens_its_step_at_its_path() {
    let _one = ONE_AT_A_TIME.lock().await;
    let dist = dist_dir();
    let content = content();
    let catalog = &content.catalog;
    let links = staff_links("crates/guide/tests/fixtures/staff-links-hash-form.md");
    assert!(links.len() >= 20 && links.iter().all(|l| l.starts_with("/#/")), "{links:?}");
    let started = Instant::now();
    let mut server = Launch::new().widget_dir(&dist).start();
    let chrome = Chrome::launch().await;
    let page = chrome.page().await;
    set_screen(&page, 412, 823).await.unwrap();
    watch_take_over(&page).await.unwrap();
    // Each link as a participant opens it on a new device: nothing remembered, before the page's
    // own script runs (the widget remembers the language last shown, and index.html's script
    // opens a link without `lang=` in it; a page still taking over when the test moves on would
    // otherwise store its language for the next link).
    page.execute(AddScriptToEvaluateOnNewDocumentParams::new("try { localStorage.clear() } catch (e) {}")).await.unwrap();

    within(Duration::from_secs(150), "the old links", async {
        let mut taken_over = 0;
        for (i, old) in links.iter().enumerate() {
            let path = &old[2..];
            let link = Link::decode(path).unwrap_or_else(|e| panic!("{old}: {e:?}"));
            let lang = link.lang.unwrap_or(Language::Id);
            let heading = match catalog.open(&link) {
                Opened::Start => catalog.start.title.get(lang).to_owned(),
                Opened::Step { guide, walk, .. } => walk.current_node(&catalog.guides[guide]).title.get(lang).to_owned(),
                Opened::NotFound => panic!("{old} opens nothing in the guide model"),
            };
            page.execute(NavigateParams::new("about:blank")).await.unwrap();
            let entries = eval(&page, "history.length").await.unwrap().as_u64().unwrap();
            page.execute(NavigateParams::new(server.url(old))).await.unwrap();
            // The widget taking over (wasm and guides, ~2 s a page here) on every third link.
            if i % 3 == 0 {
                wait_taken_over(&page, old).await.unwrap_or_else(|e| panic!("{e}"));
                taken_over += 1;
            }
            let at = format!("document.documentElement.lang === {} && {} && {}", js_str(lang.as_str()), here_is(path), heading_js(&heading));
            wait_for(&page, &at, &format!("{old} to show {heading:?} at {path}")).await.unwrap_or_else(|e| panic!("{e}"));
            // Replaced, not added: back leaves the link instead of returning to `/#/…`.
            let now = eval(&page, "history.length").await.unwrap().as_u64().unwrap();
            // (A tab keeps 50 entries at most.)
            assert_eq!(now, (entries + 1).min(50), "{old}: the old link stays in the history");
        }
        println!(
            "old links: {} links of the staff guide's hash form open their step at its path, {taken_over} of them waited until the widget took over ({:.1} s)",
            links.len(),
            started.elapsed().as_secs_f64()
        );
    })
    .await;
    chrome.close().await;
    server.stop();
}

// ---------------------------------------------------------------------------------------------
// Accessibility without JavaScript

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_without_javascript_pass_axe_wcag_22_aa_in_both_languages() {
    let _one = ONE_AT_A_TIME.lock().await;
    let dist = dist_dir();
    let axe = axe_source();
    let content = content();
    let catalog = &content.catalog;
    let started = Instant::now();
    let mut server = Launch::new().widget_dir(&dist).start();
    let chrome = Chrome::launch().await;
    let page = no_js_page(&chrome).await;
    let (date_guide, date_walk) = date_question(&content);
    let login = catalog.guide("login").unwrap();
    let (escalation_guide, escalation) = jmo_testkit::guides::first_escalation(catalog);

    let violations = within(Duration::from_secs(120), "the audit without JavaScript", async {
        let mut violations = Vec::new();
        let mut audited = 0;
        for lang in Language::ALL {
            let code = lang.as_str();
            let step = link_to(login, &Walk::start(login).choose_index(login, 0).unwrap(), lang);
            for (name, address) in [("start", format!("/?lang={code}")), ("a step", step), ("not found", format!("/no-such-guide?lang={code}")), ("refused date", link_to(date_guide, &date_walk, lang)), ("refused complaint", link_to(escalation_guide, &escalation, lang)), ("check", format!("/check?lang={code}"))] {
                let name = format!("{name} without JavaScript ({code})");
                load(&page, &server.url(&address)).await.unwrap();
                wait_for(&page, "!!document.getElementById('screen-title')", &name).await.unwrap();
                if name.starts_with("refused date") {
                    eval(&page, "(window.__old = document.body, document.getElementById('date-input').focus(), 1)").await.unwrap();
                    press(&page, Key::Enter).await.unwrap();
                    wait_for(&page, "document.body !== window.__old && document.readyState === 'complete' && !!document.getElementById('date-error')", &name).await.unwrap();
                }
                // The server's complaint form, sent empty: every field with its message.
                if name.starts_with("refused complaint") {
                    eval(&page, "(window.__old = document.body, 1)").await.unwrap();
                    mouse_click(&page, "#complaint-submit").await.unwrap();
                    wait_for(&page, "document.body !== window.__old && document.readyState === 'complete' && !!document.getElementById('error-summary')", &name).await.unwrap();
                }
                // The check form, sent empty: answered with its message.
                if name.starts_with("check") {
                    eval(&page, "(window.__old = document.body, 1)").await.unwrap();
                    mouse_click(&page, "#check-submit").await.unwrap();
                    wait_for(&page, "document.body !== window.__old && document.readyState === 'complete' && !!document.getElementById('check-result')?.dataset.lookup", &name).await.unwrap();
                }
                assert_eq!(eval(&page, "typeof window.wasmBindings").await.unwrap(), "undefined", "{name}: scripts ran");
                // axe needs timers and promises: scripts on for the audit only (the page's own
                // scripts, skipped while it loaded, do not run afterwards).
                page.execute(SetScriptExecutionDisabledParams::new(false)).await.unwrap();
                eval(&page, &axe).await.unwrap();
                let (found, _) = run_axe(&page, &name).await;
                violations.extend(found);
                assert_eq!(eval(&page, "typeof window.wasmBindings").await.unwrap(), "undefined", "{name}: the page's scripts ran for the audit");
                page.execute(SetScriptExecutionDisabledParams::new(true)).await.unwrap();
                audited += 1;
            }
        }
        println!("axe-core without JavaScript: {audited} pages ({:.1} s)", started.elapsed().as_secs_f64());
        violations
    })
    .await;
    chrome.close().await;
    server.stop();
    assert!(violations.is_empty(), "{} accessibility violation(s):\n{}", violations.len(), violations.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_date_entered_in_page_shows_the_day_it_leads_to_on_the_next_step_and_never_leaves_the_page() {
    let _one = ONE_AT_A_TIME.lock().await;
    let dist = dist_dir();
    let content = content();
    let catalog = &content.catalog;
    let mut server = Launch::new().widget_dir(&dist).start();
    let chrome = Chrome::launch().await;
    let page = chrome.page().await;
    watch_take_over(&page).await.unwrap();
    // The JHT question "when did you stop working?": under a month, the claim opens a month on.
    let guide = catalog.guide("jht").expect("the JHT guide");
    let at = guide.nodes.iter().position(|n| n.kind == NodeKind::Date && n.options.iter().any(|o| !o.date_text.is_empty())).expect("a date question with a date text");
    let walk = Walk::shortest_to(guide, at).unwrap();
    let node = walk.current_node(guide);
    let branch = node.options.iter().find(|o| !o.date_text.is_empty()).unwrap();
    let entered = today().add_days(-10);
    // Written the way content/calendar.toml names the months.
    let months: Vec<String> = ["id", "en"]
        .iter()
        .map(|lang| {
            let path = workspace_root().join("content/calendar.toml");
            let table: toml::Table = std::fs::read_to_string(&path).unwrap().parse().unwrap();
            table["months"][*lang].as_str().unwrap().split_whitespace().nth(entered.add_months(1).month as usize - 1).unwrap().to_owned()
        })
        .collect();

    within(Duration::from_secs(90), "the computed date", async {
        for (lang, month) in [(Language::Id, &months[0]), (Language::En, &months[1])] {
            load(&page, &server.url(&link_to(guide, &walk, lang))).await.unwrap();
            wait_taken_over(&page, "the date question").await.unwrap();
            wait_for(&page, &heading_js(node.title.get(lang)), "the date question").await.unwrap();
            eval(&page, "(document.getElementById('date-input').focus(), 1)").await.unwrap();
            type_digits(&page, &format!("{:02}{:02}{:04}", entered.month, entered.day, entered.year)).await.unwrap();
            press(&page, Key::Enter).await.unwrap();
            let next = walk.choose(guide, &branch.id).unwrap();
            wait_for(&page, &heading_js(next.current_node(guide).title.get(lang)), "the branch's step").await.unwrap();
            let day = entered.add_months(1);
            let expected = branch.date_text.get(lang).replace("{date}", &format!("{} {month} {}", day.day, day.year));
            let shown = eval(&page, "document.querySelector('.date-result')?.textContent ?? ''").await.unwrap();
            assert_eq!(shown.as_str(), Some(expected.as_str()), "the computed date in {lang:?}");
            let url = eval(&page, "location.href").await.unwrap();
            assert!(!url.as_str().unwrap().contains(&entered.year.to_string()), "the date is in the address {url}");
            // Opened again from its link, the step cannot know the date: no sentence, no guess.
            load(&page, url.as_str().unwrap()).await.unwrap();
            wait_for(&page, &heading_js(next.current_node(guide).title.get(lang)), "the step reloaded").await.unwrap();
            assert_eq!(eval(&page, "document.querySelectorAll('.date-result').length").await.unwrap(), serde_json::json!(0));
        }
    })
    .await;
    chrome.close().await;
    server.stop();
}
