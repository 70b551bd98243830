//! The start screen prerendered into index.html (xtask finish-dist) against the widget, in
//! headless Chromium, with the wasm held back until the test releases it:
//!  - it is the same markup the widget renders for the start link, so the widget replaces it
//!    without a visible change (and keeps the focus where it was);
//!  - it only shows when it fits: a step link, English (from the link or remembered), embed mode
//!    and the check screen show the loading message instead, and a step link downloads the
//!    guides at once;
//!  - its answer links and language buttons work before the wasm has arrived.
//!
//! Needs dist/ (or JMO_DIST) built by Trunk with the finish-dist hook.

use std::time::Duration;

use jmo_e2e::chromiumoxide::cdp::browser_protocol::page::{AddScriptToEvaluateOnNewDocumentParams, NavigateParams};
use jmo_e2e::chromiumoxide::Page;
use jmo_e2e::*;
use jmo_testkit::{Launch, Server};
use jmo_guide::Lang;

/// Installed before the page's scripts: wasm instantiation waits for `__release()`.
const HOLD: &str = r#"(() => {
  const gate = new Promise(r => { window.__release = r; });
  for (const name of ['instantiateStreaming', 'instantiate']) {
    const real = WebAssembly[name];
    WebAssembly[name] = (...args) => gate.then(() => real.apply(WebAssembly, args));
  }
})();"#;

/// The subtree as a string: tags, sorted attributes (not `hidden`), merged text.
const SNAPSHOT: &str = r#"(el => {
  if (!el) return null;
  const copy = el.cloneNode(true);
  copy.normalize();
  const snap = n => n.nodeType === 3 ? JSON.stringify(n.data) : n.nodeType !== 1 ? '' :
    '<' + n.localName + [...n.attributes].filter(a => a.name !== 'hidden').map(a => ` ${a.name}=${JSON.stringify(a.value)}`).sort().join('') + '>'
      + [...n.childNodes].map(snap).join('') + '</' + n.localName + '>';
  return snap(copy);
})"#;

const SHOWN: &str = "(() => { const p = document.querySelector('#app > .page'), b = document.querySelector('#app > .boot'); \
    return !!p && !p.hidden && p.getBoundingClientRect().height > 0 && !!b && b.hidden; })()";
const LOADING_SHOWN: &str = "(() => { const p = document.querySelector('#app > .page'), b = document.querySelector('#app > .boot'); \
    return !!p && p.hidden && !!b && !b.hidden && b.getBoundingClientRect().height > 0; })()";
const STARTED: &str = "!!window.wasmBindings && !document.querySelector('#app > .boot')";

/// Loads `path` with the wasm held back; waits until the page is parsed (the boot script ran).
async fn open_held(page: &Page, server: &Server, path: &str) {
    page.execute(NavigateParams::new("about:blank")).await.unwrap();
    page.execute(NavigateParams::new(server.url(path))).await.unwrap();
    wait_for(page, "document.readyState !== 'loading' && !!document.getElementById('app') && typeof window.__release === 'function'", path)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

async fn snapshot(page: &Page) -> String {
    let value = eval(page, &format!("{SNAPSHOT}(document.querySelector('#app > .page'))")).await.unwrap();
    value.as_str().unwrap_or_else(|| panic!("no #app > .page to compare")).to_owned()
}

async fn release(page: &Page, what: &str) {
    eval(page, "(window.__release(), 1)").await.unwrap();
    wait_for(page, STARTED, &format!("{what}: the widget to start")).await.unwrap_or_else(|e| panic!("{e}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_prerendered_start_screen_is_the_widgets_and_shows_only_when_it_fits() {
    let dist = dist_dir();
    let content = content();
    let catalog = &content.catalog;
    let mut server = Launch::new().widget_dir(&dist).start();
    let chrome = Chrome::launch().await;
    let page = chrome.page().await;
    set_screen(&page, 412, 823).await.unwrap();
    page.execute(AddScriptToEvaluateOnNewDocumentParams::new(HOLD)).await.unwrap();

    within(Duration::from_secs(180), "the prerender checks", async {
        // The same markup as the widget's, before and after it takes over.
        for path in ["/", "/#/?lang=id", "/#top"] {
            open_held(&page, &server, path).await;
            assert_eq!(eval(&page, SHOWN).await.unwrap(), true, "{path}: the prerendered start screen is not shown");
            let heading = eval(&page, "document.getElementById('screen-title').textContent").await.unwrap();
            assert_eq!(heading.as_str(), Some(catalog.start.title.get(Lang::Id)), "{path}");
            let before = snapshot(&page).await;
            release(&page, path).await;
            let after = snapshot(&page).await;
            assert_eq!(before, after, "{path}: the prerendered start screen (left) differs from the widget's (right)");
            let children = eval(&page, "document.getElementById('app').children.length").await.unwrap();
            assert_eq!(children, 1, "{path}: the widget left something of the prerender behind");
        }

        // Where it does not fit, the loading message shows instead (nothing of the wrong screen).
        for path in ["/#/login", "/#/login/no_such_step?lang=en", "/#/?lang=en", "/#/?embed=1", "/#/check", "/#/?lang=xx", "/#/?a=x.y"] {
            open_held(&page, &server, path).await;
            assert_eq!(eval(&page, LOADING_SHOWN).await.unwrap(), true, "{path}: the prerendered start screen shows");
        }
        // A step link downloads the guides beside the wasm; the start screen does not need them.
        open_held(&page, &server, "/#/login").await;
        let preload = eval(&page, "!!document.querySelector('link[rel=preload][as=fetch][href*=\"/content-\"], link[rel=preload][as=fetch][href^=\"./content-\"]')").await.unwrap();
        assert_eq!(preload, true, "no preload of the guides for a step link");
        open_held(&page, &server, "/").await;
        let preload = eval(&page, "!!document.querySelector('link[rel=preload][href*=\"content-\"]')").await.unwrap();
        assert_eq!(preload, false, "the start screen preloads the guides");

        // The language remembered on this device counts, unless the link names one.
        eval(&page, "(localStorage.setItem('jmo.lang', 'en'), 1)").await.unwrap();
        open_held(&page, &server, "/").await;
        assert_eq!(eval(&page, LOADING_SHOWN).await.unwrap(), true, "/ with English remembered: the Indonesian prerender shows");
        open_held(&page, &server, "/#/?lang=id").await;
        assert_eq!(eval(&page, SHOWN).await.unwrap(), true, "/#/?lang=id with English remembered");
        eval(&page, "(localStorage.clear(), 1)").await.unwrap();

        // Before the wasm arrives, an answer link shows the loading message, then its guide.
        let guide = catalog.start_guides().next().expect("a guide on the start screen");
        open_held(&page, &server, "/").await;
        eval(&page, &format!("(document.querySelector('a.choice[href=\"#/{}\"]').click(), 1)", guide.id)).await.unwrap();
        wait_for(&page, LOADING_SHOWN, "the loading message after an answer").await.unwrap();
        release(&page, "an answer followed early").await;
        let first = guide.node(&guide.start).expect("the guide's first step").title.get(Lang::Id);
        wait_for(&page, &format!("document.getElementById('screen-title')?.textContent.trim() === {}", js_str(first.trim())), "the guide after the widget started")
            .await
            .unwrap();

        // The focus stays on the same control across the handover.
        open_held(&page, &server, "/").await;
        eval(&page, "(window.__old = document.querySelectorAll('a.choice')[2], window.__old.focus(), 1)").await.unwrap();
        release(&page, "focus handover").await;
        let same = eval(&page, "(a => a !== window.__old && a.matches('a.choice') && a.getAttribute('href') === window.__old.getAttribute('href'))(document.activeElement)").await.unwrap();
        assert_eq!(same, true, "the focus was lost when the widget replaced the prerender");

        // The language buttons work before the wasm: English is remembered and shown by the widget.
        open_held(&page, &server, "/#/?lang=id").await;
        eval(&page, "(document.querySelector('button.lang[lang=en]').focus(), document.querySelector('button.lang[lang=en]').click(), 1)").await.unwrap();
        wait_for(&page, LOADING_SHOWN, "the loading message after choosing English").await.unwrap();
        assert_eq!(eval(&page, "localStorage.getItem('jmo.lang')").await.unwrap(), "en");
        assert_eq!(eval(&page, "location.hash").await.unwrap(), "#/", "the link's lang= was not dropped");
        release(&page, "English chosen early").await;
        wait_for(&page, "document.documentElement.lang === 'en'", "English").await.unwrap();
        let heading = eval(&page, "document.getElementById('screen-title').textContent").await.unwrap();
        assert_eq!(heading.as_str(), Some(catalog.start.title.get(Lang::En)));
        let focused = eval(&page, "document.activeElement.matches('button.lang[lang=en]')").await.unwrap();
        assert_eq!(focused, true, "the focus left the English button");
        eval(&page, "(localStorage.clear(), 1)").await.unwrap();
    })
    .await;
    chrome.close().await;
    server.stop();
}
