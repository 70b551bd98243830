//! End-to-end checks of the built widget (dist/) as it is really served — the intake server's
//! own router, headers and precompressed files — in headless Chromium driven through the
//! DevTools protocol (`chromiumoxide`, the system's `/usr/bin/chromium`, no browser download).
//!
//! The tests in `tests/` (accessibility audit, keyboard only, 320 px and 200 % text) and the
//! `speed` benchmark binary share what is here: starting the server on a free loopback port,
//! launching Chromium with a fresh profile, the list of pages to visit (from the guide model),
//! and small helpers to evaluate JavaScript, wait, type keys and emulate a device.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chromiumoxide::cdp::browser_protocol::emulation::{SetDeviceMetricsOverrideParams, SetTouchEmulationEnabledParams};
use chromiumoxide::cdp::browser_protocol::input::{DispatchKeyEventParams, DispatchKeyEventType};
use chromiumoxide::cdp::browser_protocol::page::{FontSizes, NavigateParams, SetFontSizesParams};
use chromiumoxide::cdp::js_protocol::runtime::EvaluateParams;
use chromiumoxide::{Browser, BrowserConfig, Page};
use futures::StreamExt;
use jmo_guide::link::Link;
use jmo_guide::walk::Walk;
use jmo_guide::{Catalog, Guide, Lang, NodeKind};

pub use chromiumoxide;

/// The Chromium the project installs (Debian package `chromium`).
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// Any await on the browser longer than this is a hang, not slowness.
pub const STEP_TIMEOUT: Duration = Duration::from_secs(30);

pub type Result<T, E = String> = std::result::Result<T, E>;

/// The workspace root (where `content/` and `dist/` are).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("workspace root")
}

/// The built widget; stops with the way to build it when it is missing.
pub fn dist_dir() -> PathBuf {
    let dist = std::env::var_os("JMO_DIST").map(PathBuf::from).unwrap_or_else(|| workspace_root().join("dist"));
    assert!(
        dist.join("index.html").is_file(),
        "{} has no index.html: run `cargo xtask test`, which builds dist/ first (or `cargo xtask size` to build it alone)",
        dist.display()
    );
    dist
}

/// The shipped content, loaded and checked by the guide model (the same files dist/ was built from).
pub fn content() -> jmo_guide::load::Content {
    jmo_guide::load::load_checked(&workspace_root().join("content")).unwrap_or_else(|problems| {
        panic!("content/ has problems:\n{}", problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n"))
    })
}

/// A shell text (`[shell.<key>]` in ui.toml).
pub fn shell_text(content: &jmo_guide::load::Content, key: &str, lang: Lang) -> String {
    content.shell_texts.iter().find(|(k, _)| k == key).map(|(_, t)| t.get(lang).to_owned()).unwrap_or_else(|| panic!("no shell text {key}"))
}

/// The real intake server (its library, the same router the binary runs) on a free loopback
/// port, serving `widget_dir`, with a throw-away SQLite file.
pub struct Server {
    pub base: String,
    running: Option<jmo_selfhelp_server::Running>,
    _db: tempfile::TempDir,
}

impl Server {
    pub async fn start(widget_dir: &Path) -> Server {
        let db = tempfile::tempdir().expect("temp dir");
        let db_url = format!("sqlite://{}", db.path().join("e2e.db").display());
        let widget = widget_dir.display().to_string();
        let config = jmo_selfhelp_server::Config::from_lookup(|key| match key {
            "LISTEN_ADDR" => Some("127.0.0.1:0".into()),
            "DATABASE_URL" => Some(db_url.clone()),
            "WIDGET_DIR" => Some(widget.clone()),
            _ => None,
        })
        .expect("server config");
        let running = jmo_selfhelp_server::start(config, std::future::pending()).await.unwrap_or_else(|e| panic!("starting the server: {e}"));
        Server { base: format!("http://{}", running.addr), running: Some(running), _db: db }
    }

    /// `path` on this server, e.g. `/#/login?lang=en`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn stop(mut self) {
        if let Some(running) = self.running.take() {
            let _ = running.stop().await;
        }
    }
}

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
    let deadline = Instant::now() + STEP_TIMEOUT;
    loop {
        // While a page load replaces the document, evaluation fails for a moment: keep trying.
        let value = match eval(page, js).await {
            Ok(value) => value,
            Err(e) if Instant::now() > deadline => return Err(e),
            Err(_) => serde_json::Value::Null,
        };
        if truthy(&value) {
            return Ok(());
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

/// A key press as a keyboard would send it (keyDown with its text, then keyUp).
pub async fn press(page: &Page, key: Key) -> Result<()> {
    let (key_name, code, vk, text) = match key {
        Key::Tab | Key::ShiftTab => ("Tab", "Tab", 9, None),
        Key::Enter => ("Enter", "Enter", 13, Some("\r")),
        Key::Space => (" ", "Space", 32, Some(" ")),
    };
    let modifiers = if key == Key::ShiftTab { 8 } else { 0 };
    for kind in [DispatchKeyEventType::KeyDown, DispatchKeyEventType::KeyUp] {
        let mut event = DispatchKeyEventParams::new(kind.clone());
        event.key = Some(key_name.into());
        event.code = Some(code.into());
        event.windows_virtual_key_code = Some(vk);
        event.native_virtual_key_code = Some(vk);
        event.modifiers = Some(modifiers);
        if kind == DispatchKeyEventType::KeyDown {
            event.text = text.map(str::to_owned);
            event.unmodified_text = text.map(str::to_owned);
        }
        page.execute(event).await.map_err(|e| format!("pressing {key:?}: {e}"))?;
    }
    Ok(())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    Tab,
    ShiftTab,
    Enter,
    Space,
}

/// One screen the checks visit: how to open it and how to know it is on screen.
#[derive(Clone, Debug)]
pub struct PageSpec {
    /// For messages: `login/otp_missing (en)`.
    pub name: String,
    pub lang: Lang,
    /// The link that opens it, `#/…` (with `lang=`).
    pub fragment: String,
    /// Expected text of the screen's heading (`#screen-title`).
    pub heading: String,
    /// JavaScript run after the heading shows, to reach a state of the screen (an error
    /// message, a filled form…), and an expression that is true once that state shows.
    pub action: Option<(String, String)>,
}

/// Every screen to check, in both languages: the start screen, every node of every shipped
/// guide (opened by its link), a date question's error state, an outdated link (with its
/// notice) and the not-found page. The complaint form, its error state and the delivered and
/// status screens go here as more entries once they exist.
pub fn all_pages(content: &jmo_guide::load::Content) -> Vec<PageSpec> {
    let catalog = &content.catalog;
    let mut pages = Vec::new();
    for lang in Lang::ALL {
        let code = lang.code();
        pages.push(PageSpec {
            name: format!("start ({code})"),
            lang,
            fragment: format!("#/?lang={code}"),
            heading: catalog.start.title.get(lang).to_owned(),
            action: None,
        });
        for guide in catalog.guides.iter() {
            for (index, node) in guide.nodes.iter().enumerate() {
                let walk = Walk::shortest_to(guide, index).expect("every node is reachable (content check)");
                let fragment = Link::to_step(guide, &walk).with_lang(Some(lang)).encode();
                let name = format!("{}/{} ({code})", guide.id, node.id);
                pages.push(PageSpec { name: name.clone(), lang, fragment: fragment.clone(), heading: node.title.get(lang).to_owned(), action: None });
                if node.kind == NodeKind::Date {
                    pages.push(PageSpec {
                        name: format!("{} date error ({code})", guide.id),
                        lang,
                        fragment,
                        heading: node.title.get(lang).to_owned(),
                        action: Some((
                            "document.querySelector('.date-form button[type=submit]').click()".into(),
                            "!!document.querySelector('#date-error')".into(),
                        )),
                    });
                }
            }
        }
        // A shared link whose answers no longer fit the guide: opens the step with a notice.
        let guide = &catalog.guides[0];
        let target = guide.nodes.iter().position(|n| n.kind == NodeKind::Resolved).unwrap_or(0);
        let mut stale = Link::to_step(guide, &Walk::shortest_to(guide, target).unwrap()).with_lang(Some(lang));
        stale.answers = vec![("no_such_question".into(), "no_such_answer".into())];
        pages.push(PageSpec {
            name: format!("{} outdated link ({code})", guide.id),
            lang,
            fragment: stale.encode(),
            heading: guide.nodes[target].title.get(lang).to_owned(),
            action: Some(("0".into(), "!!document.querySelector('.step .notice')".into())),
        });
        pages.push(PageSpec {
            name: format!("not found ({code})"),
            lang,
            fragment: format!("#/no-such-guide?lang={code}"),
            heading: shell_text(content, "not_found_title", lang),
            action: None,
        });
    }
    pages
}

/// Opens `spec` in the app already loaded in `page` by following its link (a fragment change,
/// as when a step link is opened in the app), and waits until its heading and state show.
pub async fn open_in_app(page: &Page, spec: &PageSpec) -> Result<()> {
    let js = format!(
        "(() => {{ const f = {f}; if (location.hash === f) {{ location.hash = '#/'; }} location.hash = f; return true; }})()",
        f = js_str(&spec.fragment)
    );
    eval(page, &js).await?;
    wait_shown(page, spec).await
}

/// Waits until `spec`'s heading is on screen in its language (and its action's state).
pub async fn wait_shown(page: &Page, spec: &PageSpec) -> Result<()> {
    let js = format!(
        "(() => {{ const h = document.getElementById('screen-title'); \
           return !!h && h.textContent.trim() === {heading} && document.documentElement.lang === {lang} \
             && location.hash === {f}; }})()",
        heading = js_str(spec.heading.trim()),
        lang = js_str(spec.lang.code()),
        f = js_str(&spec.fragment)
    );
    wait_for(page, &js, &format!("{} to show the heading {:?}", spec.name, spec.heading)).await?;
    if let Some((action, done)) = &spec.action {
        eval(page, action).await?;
        wait_for(page, done, &format!("{}: the state after `{action}`", spec.name)).await?;
    }
    Ok(())
}

/// The walks to every outcome of `guide` that pass through questions and steps only (no date
/// to type), shortest first.
pub fn walks_to_outcomes(guide: &Guide) -> Vec<Walk> {
    let mut found = Vec::new();
    let mut queue = std::collections::VecDeque::from([Walk::start(guide)]);
    while let Some(walk) = queue.pop_front() {
        let node = walk.current_node(guide);
        if node.kind.is_outcome() {
            found.push(walk);
            continue;
        }
        if node.kind == NodeKind::Date {
            continue;
        }
        for i in 0..node.options.len() {
            if let Ok(next) = walk.choose_index(guide, i) {
                queue.push_back(next);
            }
        }
    }
    found
}

/// The catalog's guides in the order of the start screen.
pub fn guides(catalog: &Catalog) -> Vec<&Guide> {
    catalog.start_guides().collect()
}

/// Runs a future with a clear message when it hangs.
pub async fn within<T>(limit: Duration, what: &str, f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(limit, f).await.unwrap_or_else(|_| panic!("{what} took longer than {limit:?}"))
}
