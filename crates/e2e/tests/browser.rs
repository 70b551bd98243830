//! The built widget, served by the real server, in headless Chromium:
//!  - every page passes axe-core's WCAG 2.0/2.1/2.2 A and AA rules, in both languages;
//!  - a whole guide can be completed to a resolution with the keyboard alone (the language
//!    switch, a link, with Enter too);
//!  - every page fits a 320 px wide screen, at normal and at 200 % text size, with nothing cut off.
//!
//! Needs dist/ (`cargo xtask test` builds it first) and axe-core in .tools/ (npm).
//! Each check first proves it can fail, on a deliberately broken copy of a page.

use std::time::Duration;

use jmo_e2e::*;
use jmo_testkit::Launch;
use jmo_guide::link::Link;
use jmo_guide::{Language, NodeKind};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_passes_axe_wcag_22_aa_in_both_languages() {
    let dist = dist_dir();
    let axe = axe_source();
    let content = content();
    let pages = all_pages(&content);
    let mut server = Launch::new().widget_dir(&dist).start();
    let chrome = Chrome::launch().await;
    let page = chrome.page().await;
    set_screen(&page, 412, 823).await.unwrap();
    // Each page is audited as the widget draws it: changed before the take-over, the server's
    // markup would be replaced under the audit.
    watch_take_over(&page).await.unwrap();

    let result = within(Duration::from_secs(240), "the audit", async {
        // The audit can fail: a missing alt text and faint text on a copy of the start page.
        load(&page, &server.url(&pages[0].address)).await.unwrap();
        wait_taken_over(&page, "the start page").await.unwrap();
        wait_shown(&page, &pages[0]).await.unwrap();
        eval(&page, &axe).await.unwrap();
        eval(
            &page,
            // (Styles set through the DOM: the server's CSP refuses inline style attributes.)
            "(() => { const m = document.querySelector('main'); \
               m.insertAdjacentHTML('beforeend', '<img src=\"data:image/gif;base64,R0lGODlhAQABAAAAACw=\"><p id=\"faint\">faint</p>'); \
               document.getElementById('faint').style.color = '#bbb'; return 1; })()",
        )
        .await
        .unwrap();
        let (broken, _) = run_axe(&page, "broken start page").await;
        assert!(broken.iter().any(|v| v.contains("image-alt")), "axe missed a missing alt text: {broken:?}");
        assert!(broken.iter().any(|v| v.contains("color-contrast")), "axe missed faint text: {broken:?}");

        let rules_in_set = eval(&page, &format!("axe.getRules({AXE_TAGS}).length")).await.unwrap().as_u64().unwrap_or(0);
        let mut violations = Vec::new();
        let mut applied = std::collections::BTreeSet::new();
        let mut loaded: Option<(Language, String)> = None;
        for spec in &pages {
            // A real page load for the first page of each language and guide (a deep link
            // opened from outside), then the other steps by their links inside the app.
            let guide = spec.address.trim_start_matches('/').split(['/', '?']).next().unwrap_or("").to_owned();
            if loaded.as_ref() != Some(&(spec.lang, guide.clone())) {
                load(&page, &server.url(&spec.address)).await.unwrap();
                wait_taken_over(&page, &spec.name).await.unwrap_or_else(|e| panic!("{e}"));
                wait_shown(&page, spec).await.unwrap_or_else(|e| panic!("{e}"));
                eval(&page, &axe).await.unwrap();
                loaded = Some((spec.lang, guide));
            } else {
                open_in_app(&page, spec).await.unwrap_or_else(|e| panic!("{e}"));
            }
            let (found, rules) = run_axe(&page, &spec.name).await;
            violations.extend(found);
            applied.extend(rules);
        }
        println!(
            "axe-core audit: {} pages ({} per language), {rules_in_set} rules in the WCAG 2.0/2.1/2.2 A+AA set, {} of them applied to some page",
            pages.len(),
            pages.len() / 2,
            applied.len()
        );
        violations
    })
    .await;
    chrome.close().await;
    server.stop();
    assert!(result.is_empty(), "{} accessibility violation(s):\n{}", result.len(), result.join("\n"));
}

/// What a participant would notice at this size: sideways scrolling, or text cut off.
const LAYOUT_PROBLEMS: &str = r#"(() => {
  const out = [];
  const root = document.documentElement;
  const vw = root.clientWidth;
  if (root.scrollWidth > vw) out.push(`the page scrolls sideways: ${root.scrollWidth} px of content in ${vw} px`);
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '')
    + ' "' + (el.textContent || '').trim().slice(0, 40) + '"';
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('.visually-hidden, noscript, script, style')) continue;
    const cs = getComputedStyle(el);
    if (cs.display === 'none' || cs.visibility === 'hidden') continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    // Out of the screen sideways (a skip link waiting above the page is fine).
    if (r.right > vw + 0.5 || r.left < -0.5) out.push(`${name(el)} sticks out of the ${vw} px screen (${Math.round(r.left)}..${Math.round(r.right)})`);
    // Cut off by its own box: overflow hidden or clip with more content than room. (A text
    // field's own value scrolls inside it, in every browser, under the caret: not a cut.)
    const cuts = v => v === 'hidden' || v === 'clip';
    if (el.matches('input[type=text], input[type=tel], input[type=email], input:not([type]), textarea') && el.value) continue;
    if (cuts(cs.overflowX) && el.scrollWidth > el.clientWidth + 1) out.push(`${name(el)} is cut off: ${el.scrollWidth} px of content in ${el.clientWidth} px`);
    if (cuts(cs.overflowY) && el.scrollHeight > el.clientHeight + 1) out.push(`${name(el)} is cut off: ${el.scrollHeight} px tall content in ${el.clientHeight} px`);
  }
  return out;
})()"#;

async fn layout_problems(page: &chromiumoxide::Page, what: &str) -> Vec<String> {
    let found = eval(page, LAYOUT_PROBLEMS).await.unwrap_or_else(|e| panic!("{what}: {e}"));
    found.as_array().into_iter().flatten().filter_map(|v| v.as_str()).map(|p| format!("{what}: {p}")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_fits_320_px_at_normal_and_200_percent_text() {
    let dist = dist_dir();
    let content = content();
    let pages = all_pages(&content);
    let mut server = Launch::new().widget_dir(&dist).start();
    let chrome = Chrome::launch().await;
    let page = chrome.page().await;
    // Checked as the widget draws them (see the audit above).
    watch_take_over(&page).await.unwrap();

    let problems = within(Duration::from_secs(240), "the layout checks", async {
        set_screen(&page, 320, 640).await.unwrap();
        load(&page, &server.url(&pages[0].address)).await.unwrap();
        wait_taken_over(&page, "the start page").await.unwrap();
        wait_shown(&page, &pages[0]).await.unwrap();

        // The check can fail: a box wider than the screen and a label cut off by its box.
        eval(
            &page,
            "(() => { document.querySelector('main').insertAdjacentHTML('beforeend', \
               '<div id=\"too-wide\">wide</div><p id=\"cut\">a label that does not fit</p>'); \
               document.getElementById('too-wide').style.width = '400px'; \
               Object.assign(document.getElementById('cut').style, { width: '60px', overflow: 'hidden', whiteSpace: 'nowrap' }); return 1; })()",
        )
        .await
        .unwrap();
        let broken = layout_problems(&page, "broken start page").await;
        assert!(broken.iter().any(|p| p.contains("scrolls sideways")), "missed sideways scrolling: {broken:?}");
        assert!(broken.iter().any(|p| p.contains("#cut") && p.contains("cut off")), "missed clipped text: {broken:?}");

        let mut problems = Vec::new();
        let mut checked = 0;
        for (percent, label) in [(100, "320 px"), (200, "320 px, 200 % text")] {
            set_text_size(&page, percent).await.unwrap();
            load(&page, &server.url(&pages[0].address)).await.unwrap();
            wait_taken_over(&page, "the start page").await.unwrap();
            wait_shown(&page, &pages[0]).await.unwrap();
            // The text really is twice as big (the setting is not silently ignored).
            let h1 = eval(&page, "parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)").await.unwrap().as_f64().unwrap();
            assert!(h1 >= 24.0 * percent as f64 / 100.0, "{label}: the heading is {h1} px");
            for spec in &pages {
                open_in_app(&page, spec).await.unwrap_or_else(|e| panic!("{e}"));
                let found = layout_problems(&page, &format!("{} at {label}", spec.name)).await;
                problems.extend(found);
                checked += 1;
            }
        }
        println!("layout: {checked} page views checked ({} pages at 320 px, at 100 % and 200 % text)", pages.len());
        problems
    })
    .await;
    chrome.close().await;
    server.stop();
    assert!(problems.is_empty(), "{} layout problem(s):\n{}", problems.len(), problems.join("\n"));
}

/// Presses Tab (or Shift+Tab) until `active` (a JS predicate on `el`) holds for the focused element.
async fn tab_to(page: &chromiumoxide::Page, active: &str, what: &str) {
    let check = format!("(el => !!el && ({active}))(document.activeElement)");
    for _ in 0..60 {
        if eval(page, &check).await.unwrap().as_bool() == Some(true) {
            return;
        }
        press(page, Key::Tab).await.unwrap();
    }
    let focused = eval(page, "document.activeElement?.outerHTML.slice(0, 120)").await.unwrap();
    panic!("60 presses of Tab never reached {what}; focus is on {focused}");
}

async fn focus_ring_shows(page: &chromiumoxide::Page) -> bool {
    let js = "(el => { const s = getComputedStyle(el); return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; })(document.activeElement)";
    eval(page, js).await.unwrap().as_bool() == Some(true)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_guide_to_a_resolution_with_the_keyboard_only() {
    let dist = dist_dir();
    let content = content();
    let catalog = &content.catalog;
    // The longest way to a resolution without a date to type, in the first guide that has one.
    let (guide, walk) = guides(catalog)
        .into_iter()
        .find_map(|g| {
            let walks = walks_to_outcomes(g);
            let resolved = walks.into_iter().filter(|w| w.current_node(g).kind == NodeKind::Resolved).max_by_key(|w| w.answers().len())?;
            Some((g, resolved))
        })
        .expect("a guide with a resolution");
    assert!(walk.answers().len() >= 2, "the walk is too short to be a test");

    let mut server = Launch::new().widget_dir(&dist).start();
    let chrome = Chrome::launch().await;
    let page = chrome.page().await;
    within(Duration::from_secs(120), "the keyboard walk", async {
        set_screen(&page, 412, 823).await.unwrap();
        watch_take_over(&page).await.unwrap();
        load(&page, &server.url("/")).await.unwrap();
        wait_for(&page, "!!document.querySelector('.start #screen-title')", "the start screen").await.unwrap();
        // The keyboard on the widget's page (what a key does while the widget takes the server's
        // page over is server_pages.rs's take-over test; it then carries the focus over).
        wait_taken_over(&page, "the start screen").await.unwrap();

        // Switch to English with Enter on its link.
        tab_to(&page, "el.matches('a.lang[lang=en]')", "the English link").await;
        assert!(focus_ring_shows(&page).await, "no visible focus ring on the language link");
        press(&page, Key::Enter).await.unwrap();
        if let Err(e) = wait_for(&page, "document.documentElement.lang === 'en' && location.search === '?lang=en'", "English after Enter").await {
            let focused = eval(&page, "document.activeElement?.outerHTML.slice(0, 120)").await;
            panic!("{e}; the focus is on {focused:?}");
        }
        let lang = Language::En;

        // Open the guide from the start screen with Enter, in-page: once its file is here
        // (fetched in the background after the start screen; a guide not here yet is a page load
        // from the server, where the focus starts at the top as on any new page).
        wait_guide_file(&page, &guide.id, lang).await.unwrap();
        let guide_href = Link { guide: Some(guide.id.to_string()), ..Link::start() }.with_lang(Some(lang)).encode();
        tab_to(&page, &format!("el.matches('a.choice') && el.getAttribute('href') === {}", js_str(&guide_href)), "the guide's link").await;
        assert!(focus_ring_shows(&page).await, "no visible focus ring on the guide's link");
        press(&page, Key::Enter).await.unwrap();

        let mut at = jmo_guide::walk::Walk::start(guide);
        for (i, answer) in walk.answers().iter().enumerate() {
            let node = at.current_node(guide);
            let title = node.title.get(lang);
            wait_for(
                &page,
                &format!("(h => !!h && h.textContent.trim() === {} && document.activeElement === h)(document.getElementById('screen-title'))", js_str(title)),
                &format!("step {} ({}) with the focus on its heading", i + 1, node.id),
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
            let option = &node.options[answer.option];
            let target = format!("el.matches('a.choice[data-option={}]')", option.id);
            tab_to(&page, &target, &format!("the answer {:?}", option.label.get(lang))).await;
            assert!(focus_ring_shows(&page).await, "no visible focus ring on {:?}", option.label.get(lang));
            if i == 0 {
                // Shift+Tab goes back the way Tab came.
                press(&page, Key::Tab).await.unwrap();
                press(&page, Key::ShiftTab).await.unwrap();
                let back = eval(&page, &format!("(el => {target})(document.activeElement)")).await.unwrap();
                assert_eq!(back, serde_json::Value::Bool(true), "Shift+Tab did not return to the answer");
            }
            press(&page, Key::Enter).await.unwrap();
            at = at.choose_index(guide, answer.option).unwrap();
        }
        let end = at.current_node(guide);
        wait_for(
            &page,
            &format!(
                "(h => !!h && h.textContent.trim() === {} && document.activeElement === h && !!document.querySelector('.badge.resolved'))(document.getElementById('screen-title'))",
                js_str(end.title.get(lang))
            ),
            "the resolution, with the focus on its heading",
        )
        .await
        .unwrap();
        println!("keyboard: {} to {} in {} steps, Tab/Shift+Tab/Enter/Space only", guide.id, end.id, walk.answers().len());
    })
    .await;
    chrome.close().await;
    server.stop();
}

/// Types text into the focused element, as a keyboard (or an input method) would.
async fn type_text(page: &chromiumoxide::Page, text: &str) {
    use chromiumoxide::cdp::browser_protocol::input::InsertTextParams;
    page.execute(InsertTextParams::new(text)).await.unwrap_or_else(|e| panic!("typing {text:?}: {e}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_complaint_from_the_start_screen_to_delivered_with_the_keyboard_only() {
    let dist = dist_dir();
    let mut server = Launch::new().widget_dir(&dist).start();
    let chrome = Chrome::launch().await;
    let page = chrome.page().await;
    within(Duration::from_secs(120), "the keyboard complaint", async {
        set_screen(&page, 412, 823).await.unwrap();
        load(&page, &server.url("/")).await.unwrap();
        wait_for(&page, "!!document.querySelector('.start #screen-title')", "the start screen").await.unwrap();
        // "Something else" goes straight to an escalation with the form.
        tab_to(&page, "el.matches('a.choice') && el.getAttribute('href') === '/other?lang=id'", "the `other` guide").await;
        press(&page, Key::Enter).await.unwrap();
        wait_for(&page, FORM_SHOWN, "the complaint form").await.unwrap();

        // Submitting it empty moves the focus to the list of problems.
        tab_to(&page, "el.id === 'complaint-submit'", "the send button").await;
        press(&page, Key::Enter).await.unwrap();
        wait_for(&page, "document.activeElement?.id === 'error-summary'", "the focus on the error summary").await.unwrap();
        // Each problem links to its field: Enter on the first one lands in the name field.
        tab_to(&page, "el.matches('#error-summary a')", "the first problem's link").await;
        press(&page, Key::Enter).await.unwrap();
        wait_for(&page, "document.activeElement?.id === 'field-name'", "the focus in the name field").await.unwrap();

        for (field, text) in [
            ("field-name", "Siti Rahayu"),
            ("field-nik", "3201014507900003"),
            ("field-phone", "0812 3456 7890"),
            ("field-description", "Aplikasi JMO tertutup sendiri setiap kali saya membukanya."),
        ] {
            tab_to(&page, &format!("el.id === '{field}'"), field).await;
            assert!(focus_ring_shows(&page).await, "no visible focus ring on {field}");
            type_text(&page, text).await;
        }
        tab_to(&page, "el.id === 'field-consent'", "the consent box").await;
        assert!(focus_ring_shows(&page).await, "no visible focus ring on the consent box");
        press(&page, Key::Space).await.unwrap();
        tab_to(&page, "el.id === 'complaint-submit'", "the send button").await;
        press(&page, Key::Enter).await.unwrap();
        wait_for(
            &page,
            "!!document.querySelector('[data-complaint-state=delivered]') && document.activeElement?.id === 'complaint-status' \
             && /^JMO(-[0-9A-Z]{4}){4}$/.test(document.getElementById('complaint-ticket')?.textContent ?? '')",
            "the delivered complaint with its ticket, focus on its status",
        )
        .await
        .unwrap();
        let ticket = eval(&page, "document.getElementById('complaint-ticket').textContent").await.unwrap();
        println!("keyboard: start screen → other → empty form refused → filled → delivered as {ticket}, keys only");
    })
    .await;
    chrome.close().await;
    server.stop();
}
