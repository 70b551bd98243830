//! Headless Chromium (the system's `/usr/bin/chromium`, a fresh profile) through the DevTools
//! protocol, and what every check does with a page: evaluate JavaScript, wait for a state, load
//! a URL, emulate a phone screen and the browser's text size.

use std::path::Path;
use std::time::{Duration, Instant};

use chromiumoxide::cdp::browser_protocol::emulation::{SetDeviceMetricsOverrideParams, SetTouchEmulationEnabledParams};
use chromiumoxide::cdp::browser_protocol::page::{FontSizes, NavigateParams, SetFontSizesParams};
use chromiumoxide::cdp::js_protocol::runtime::EvaluateParams;
use chromiumoxide::{Browser, BrowserConfig, Page};
use futures::StreamExt;

use crate::Result;

/// The Chromium the project installs (Debian package `chromium`).
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// Any await on the browser longer than this is a hang, not slowness.
pub const STEP_TIMEOUT: Duration = Duration::from_secs(30);

/// Headless Chromium with a fresh profile, closed (and its profile removed) on [`Chrome::close`].
pub struct Chrome {
    pub browser: Browser,
    handler: tokio::task::JoinHandle<()>,
    _profile: tempfile::TempDir,
}

impl Chrome {
    pub async fn launch() -> Chrome {
        assert!(Path::new(CHROMIUM).exists(), "{CHROMIUM} is missing: run `cargo xtask test`, which installs Chromium");
        let profile = tempfile::tempdir().expect("temp dir");
        let config = BrowserConfig::builder()
            .chrome_executable(CHROMIUM)
            .new_headless_mode()
            .no_sandbox()
            .user_data_dir(profile.path())
            // chromiumoxide's defaults already disable background networking, sync and first-run;
            // repeated here so the list in the brief holds whatever its defaults become.
            .args([
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ])
            .viewport(None)
            .window_size(412, 823)
            .launch_timeout(Duration::from_secs(60))
            .request_timeout(Duration::from_secs(60))
            .build()
            .expect("browser config");
        let (browser, mut handler) = Browser::launch(config).await.unwrap_or_else(|e| panic!("launching {CHROMIUM}: {e}"));
        let handler = tokio::spawn(async move { while handler.next().await.is_some() {} });
        Chrome { browser, handler, _profile: profile }
    }

    pub async fn page(&self) -> Page {
        self.browser.new_page("about:blank").await.expect("new tab")
    }

    pub async fn close(mut self) {
        let _ = self.browser.close().await;
        let _ = tokio::time::timeout(Duration::from_secs(10), self.browser.wait()).await;
        self.handler.abort();
    }
}

/// Evaluates `js` (an expression; promises are awaited) and returns its JSON value.
pub async fn eval(page: &Page, js: &str) -> Result<serde_json::Value> {
    let params = EvaluateParams::builder().expression(js).await_promise(true).return_by_value(true).build().map_err(|e| e.to_string())?;
    let run = page.evaluate_expression(params);
    let result = tokio::time::timeout(STEP_TIMEOUT, run).await.map_err(|_| format!("timed out evaluating {}", short(js)))?;
    let result = result.map_err(|e| format!("evaluating {}: {e}", short(js)))?;
    Ok(result.value().cloned().unwrap_or(serde_json::Value::Null))
}

fn short(js: &str) -> String {
    let one_line: String = js.split_whitespace().collect::<Vec<_>>().join(" ");
    one_line.chars().take(120).collect()
}

/// Waits until the expression `js` is truthy.
pub async fn wait_for(page: &Page, js: &str, what: &str) -> Result<()> {
    wait_value(page, js, what).await.map(|_| ())
}

/// Waits until the expression `js` is truthy; its value then.
pub async fn wait_value(page: &Page, js: &str, what: &str) -> Result<serde_json::Value> {
    let deadline = Instant::now() + STEP_TIMEOUT;
    loop {
        // While a page load replaces the document, evaluation fails for a moment: keep trying.
        let value = match eval(page, js).await {
            Ok(value) => value,
            Err(e) if Instant::now() > deadline => return Err(e),
            Err(_) => serde_json::Value::Null,
        };
        if truthy(&value) {
            return Ok(value);
        }
        if Instant::now() > deadline {
            let heading = eval(page, "document.querySelector('#screen-title')?.textContent ?? '(no heading)'").await.unwrap_or_default();
            return Err(format!("waited {STEP_TIMEOUT:?} for {what}; the page shows {heading} at {}", page.url().await.ok().flatten().unwrap_or_default()));
        }
        tokio::time::sleep(Duration::from_millis(15)).await;
    }
}

fn truthy(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Null => false,
        serde_json::Value::Bool(b) => *b,
        serde_json::Value::Number(n) => n.as_f64().is_some_and(|n| n != 0.0),
        serde_json::Value::String(s) => !s.is_empty(),
        _ => true,
    }
}

/// JSON string literal for embedding a Rust string in JavaScript.
pub fn js_str(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

/// Loads `url` as a new document (not a same-document fragment change).
pub async fn load(page: &Page, url: &str) -> Result<()> {
    // A URL differing only in its fragment would be a same-document navigation: go through a
    // blank page so every load is a real one.
    page.execute(NavigateParams::new("about:blank")).await.map_err(|e| e.to_string())?;
    page.execute(NavigateParams::new(url)).await.map_err(|e| format!("loading {url}: {e}"))?;
    wait_for(page, "document.readyState === 'complete'", "the page to load").await
}

/// Emulates a phone screen `width` × `height` CSS px (touch, mobile viewport).
pub async fn set_screen(page: &Page, width: i64, height: i64) -> Result<()> {
    page.execute(SetDeviceMetricsOverrideParams::new(width, height, 2.0, true)).await.map_err(|e| e.to_string())?;
    page.execute(SetTouchEmulationEnabledParams::new(true)).await.map_err(|e| e.to_string())?;
    Ok(())
}

/// The browser's default text size (what a participant's "text size" setting changes); 16 px is
/// 100 %, 32 px is 200 %. Everything in the stylesheet is in rem/em, so it scales with it.
pub async fn set_text_size(page: &Page, percent: i64) -> Result<()> {
    let mut sizes = FontSizes::builder().build();
    sizes.standard = Some(16 * percent / 100);
    sizes.fixed = Some(13 * percent / 100);
    page.execute(SetFontSizesParams::new(sizes)).await.map_err(|e| e.to_string())?;
    Ok(())
}


/// Installed before a page's own scripts (`Page.addScriptToEvaluateOnNewDocument`): remembers the
/// `#app > .page` the server drew, and sets `window.__jmoTakenOver` once the widget has put its
/// own in its place ([`wait_taken_over`]).
pub const WATCH_TAKE_OVER: &str = r#"(() => {
  const mo = new MutationObserver(() => {
    const p = document.querySelector('#app > .page');
    if (p && !window.__jmoServerPage) window.__jmoServerPage = p;
    if (p && p !== window.__jmoServerPage) { window.__jmoTakenOver = true; mo.disconnect(); }
  });
  mo.observe(document, { childList: true, subtree: true });
})();"#;

/// Makes every document `page` loads from now on record when the widget takes the server's page
/// over ([`WATCH_TAKE_OVER`]).
pub async fn watch_take_over(page: &Page) -> Result<()> {
    use chromiumoxide::cdp::browser_protocol::page::AddScriptToEvaluateOnNewDocumentParams;
    page.execute(AddScriptToEvaluateOnNewDocumentParams::new(WATCH_TAKE_OVER)).await.map_err(|e| e.to_string())?;
    Ok(())
}

/// Waits until a guide's file in `lang` (`content-<guide>-<lang>-<version>.txt`) has arrived: the
/// widget opens that guide in-page from then on (before, a link to it is a page load from the
/// server). After the start screen the files come in the background.
pub async fn wait_guide_file(page: &Page, guide: &str, lang: jmo_guide::Language) -> Result<()> {
    let file = format!("/content-{guide}-{}-", lang.as_str());
    let js = format!("performance.getEntriesByType('resource').some(e => e.name.includes({}))", js_str(&file));
    wait_for(page, &js, &format!("the file of the guide {guide} ({})", lang.as_str())).await
}

/// Waits until the widget has taken over the page the server drew (needs [`watch_take_over`]).
pub async fn wait_taken_over(page: &Page, what: &str) -> Result<()> {
    wait_for(page, "window.__jmoTakenOver === true", &format!("{what}: the widget to take the server's page over")).await
}

/// The rules the audits run: WCAG 2.0/2.1/2.2, levels A and AA.
pub const AXE_TAGS: &str = "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']";

/// axe-core's source (installed into `.tools/` by `cargo xtask test`), to evaluate in a page.
pub fn axe_source() -> String {
    let path = crate::workspace_root().join(".tools/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("{}: {e}. Run `cargo xtask test` (or `npm install --prefix .tools axe-core@4.14.1`)", path.display())
    })
}

/// Runs axe on the whole document; returns (violations as lines, ids of rules that applied).
pub async fn run_axe(page: &Page, name: &str) -> (Vec<String>, Vec<String>) {
    let js = format!(
        "axe.run(document, {{ runOnly: {{ type: 'tag', values: {AXE_TAGS} }}, resultTypes: ['violations'] }}).then(r => ({{ \
            violations: r.violations.flatMap(v => v.nodes.map(n => `${{v.id}} (${{v.impact}}): ${{v.help}} — at ${{n.target.join(' ')}}`)), \
            applied: r.violations.concat(r.passes).map(x => x.id) }}))"
    );
    let result = eval(page, &js).await.unwrap_or_else(|e| panic!("{name}: axe failed: {e}"));
    let list = |key: &str| -> Vec<String> {
        result[key].as_array().map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect()).unwrap_or_default()
    };
    (list("violations").into_iter().map(|v| format!("{name}: {v}")).collect(), list("applied"))
}
