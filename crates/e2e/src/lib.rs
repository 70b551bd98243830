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
    /// The throw-away database of [`Server::start`]; `None` when the caller owns the file
    /// ([`Server::start_at`]).
    _db: Option<tempfile::TempDir>,
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
        Server { base: format!("http://{}", running.addr), running: Some(running), _db: Some(db) }
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
/// notice), the complaint form (on every escalation), its error state, a delivered complaint, the
/// check screen and the not-found page.
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
                // An escalation shows the complaint form once its module has loaded.
                let action = matches!(node.kind, NodeKind::Escalate(_)).then(|| ("0".to_owned(), FORM_SHOWN.to_owned()));
                pages.push(PageSpec { name: name.clone(), lang, fragment: fragment.clone(), heading: node.title.get(lang).to_owned(), action });
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
        // The complaint form refused (empty), then filled in and delivered, and the check screen.
        let other = catalog.guides.iter().find(|g| g.id == "other").expect("the `other` guide");
        let escalation = Link::to_step(other, &Walk::start(other)).with_lang(Some(lang)).encode();
        let escalation_title = other.nodes[0].title.get(lang).to_owned();
        pages.push(PageSpec {
            name: format!("complaint form errors ({code})"),
            lang,
            fragment: escalation.clone(),
            heading: escalation_title.clone(),
            action: Some((format!("(async () => {{ await {WAIT_FORM}; document.getElementById('complaint-submit').click(); }})()"), "document.activeElement && document.activeElement.id === 'error-summary'".into())),
        });
        pages.push(PageSpec {
            name: format!("complaint delivered ({code})"),
            lang,
            fragment: escalation,
            heading: escalation_title,
            action: Some((format!("(async () => {{ await {WAIT_FORM}; {FILL_FORM}; document.getElementById('complaint-submit').click(); }})()"), "!!document.querySelector('[data-complaint-state=delivered]')".into())),
        });
        pages.push(PageSpec {
            name: format!("check my complaint ({code})"),
            lang,
            fragment: format!("#/check?lang={code}"),
            heading: form_text("check_heading", lang),
            action: None,
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

/// True once an escalation's complaint form has loaded.
pub const FORM_SHOWN: &str = "!!document.getElementById('complaint-form') || !!document.querySelector('.complaint-status')";
/// A promise that resolves once the complaint form is on the page.
const WAIT_FORM: &str = "new Promise(r => { const t = setInterval(() => { if (document.getElementById('complaint-form')) { clearInterval(t); r(); } }, 20); })";
/// Fills the complaint form with valid details, as typing would (input events).
pub const FILL_FORM: &str = "(() => { const set = (id, v) => { const e = document.getElementById(id); e.value = v; e.dispatchEvent(new InputEvent('input', { bubbles: true })); }; \
    set('field-name', 'Siti Rahayu'); set('field-nik', '3201014507900003'); set('field-phone', '0812 3456 7890'); \
    set('field-description', 'Aplikasi JMO tertutup sendiri setiap kali dibuka.'); \
    const c = document.getElementById('field-consent'); if (!c.checked) c.click(); })()";

/// A text of the complaint form (`[text.<key>]` in content/form.toml).
pub fn form_text(key: &str, lang: Lang) -> String {
    let source = std::fs::read_to_string(workspace_root().join("content/form.toml")).expect("content/form.toml");
    let section = source.split(&format!("[text.{key}]")).nth(1).unwrap_or_else(|| panic!("no [text.{key}] in content/form.toml"));
    let line = section.lines().find(|l| l.starts_with(&format!("{} = ", lang.code()))).expect("a text per language");
    line.split_once(" = ").map(|(_, v)| v.trim().trim_matches('"').to_owned()).unwrap_or_default()
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

// ---------------------------------------------------------------------------------------------
// For the complaint tests: a server that can go away and come back on the same port with the
// same database, reading that database on its own, a proxy in front that injects faults, and
// input the way a participant gives it (mouse clicks, typed text, a chosen file).

/// A loopback address free right now (bound, then released), for [`Server::start_at`].
pub fn free_addr() -> std::net::SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local address")
}

impl Server {
    /// The real server on `addr`, with its SQLite database in `db_file` (created if missing)
    /// and extra configuration `env` (`STAFF_TOKEN`…). Stopping it and calling this again with
    /// the same `addr` and `db_file` brings the same server back, as a restart would.
    pub async fn start_at(widget_dir: &Path, addr: std::net::SocketAddr, db_file: &Path, env: &[(&str, &str)]) -> Server {
        let db_url = format!("sqlite://{}", db_file.display());
        let widget = widget_dir.display().to_string();
        let listen = addr.to_string();
        let env: Vec<(String, String)> = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let config = jmo_selfhelp_server::Config::from_lookup(|key| match key {
                "LISTEN_ADDR" => Some(listen.clone()),
                "DATABASE_URL" => Some(db_url.clone()),
                "WIDGET_DIR" => Some(widget.clone()),
                _ => env.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()),
            })
            .expect("server config");
            match jmo_selfhelp_server::start(config, std::future::pending()).await {
                Ok(running) => return Server { base: format!("http://{}", running.addr), running: Some(running), _db: None },
                // The port of a server just stopped may take a moment to be free again.
                Err(jmo_selfhelp_server::StartError::Bind(e)) if Instant::now() < deadline => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => panic!("starting the server on {addr}: {e}"),
            }
        }
    }
}

/// A complaint as the database holds it.
#[derive(Debug, Clone)]
pub struct StoredComplaint {
    pub ticket: String,
    pub idempotency_key: String,
    pub category: String,
    pub status: String,
    pub phone_last4: String,
    /// The normalised complaint the server stored (reporter, guide trail, description…).
    pub payload: serde_json::Value,
    pub attachments: Vec<StoredAttachment>,
}

/// An image attached to a complaint, as stored.
#[derive(Debug, Clone)]
pub struct StoredAttachment {
    pub id: String,
    pub content_type: String,
    pub bytes: i64,
    pub width: i64,
    pub height: i64,
    pub data: Vec<u8>,
}

/// Every complaint in the SQLite file `db_file`, oldest first, with its attachments — read over
/// a connection of its own, not through the server (which may be stopped).
pub async fn stored_complaints(db_file: &Path) -> Result<Vec<StoredComplaint>> {
    use sqlx::{ConnectOptions, Connection, Row};
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(db_file).create_if_missing(false);
    let mut conn = options.connect().await.map_err(|e| format!("opening {}: {e}", db_file.display()))?;
    let rows = sqlx::query(
        "SELECT ticket, idempotency_key, category, status, phone_last4, payload FROM complaints ORDER BY received_at, ticket",
    )
    .fetch_all(&mut conn)
    .await
    .map_err(|e| format!("reading complaints: {e}"))?;
    let mut complaints = Vec::new();
    for row in rows {
        let get = |name: &str| -> Result<String> { row.try_get::<String, _>(name).map_err(|e| format!("complaints.{name}: {e}")) };
        let ticket = get("ticket")?;
        let payload = serde_json::from_str(&get("payload")?).map_err(|e| format!("complaints.payload of {ticket}: {e}"))?;
        let attachments = sqlx::query(
            "SELECT id, content_type, bytes, width, height, data FROM attachments WHERE complaint_ticket = ? ORDER BY created_at, id",
        )
        .bind(&ticket)
        .fetch_all(&mut conn)
        .await
        .map_err(|e| format!("reading attachments: {e}"))?
        .into_iter()
        .map(|a| {
            Ok(StoredAttachment {
                id: a.try_get("id").map_err(|e| e.to_string())?,
                content_type: a.try_get("content_type").map_err(|e| e.to_string())?,
                bytes: a.try_get("bytes").map_err(|e| e.to_string())?,
                width: a.try_get("width").map_err(|e| e.to_string())?,
                height: a.try_get("height").map_err(|e| e.to_string())?,
                data: a.try_get("data").map_err(|e| e.to_string())?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        complaints.push(StoredComplaint {
            idempotency_key: get("idempotency_key")?,
            category: get("category")?,
            status: get("status")?,
            phone_last4: get("phone_last4")?,
            ticket,
            payload,
            attachments,
        });
    }
    let _ = conn.close().await;
    Ok(complaints)
}

/// What [`FaultProxy`] does to complaints (`POST /api/v1/complaints`); every other request
/// always goes through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Forwarded to the server.
    Pass,
    /// The connection is closed without an answer, as when the server is unreachable.
    Drop,
    /// `503 Service Unavailable` with `Retry-After: 1`, without reaching the server.
    Unavailable,
    /// Forwarded; the server stores the complaint and answers, but the answer is lost (the
    /// connection is closed instead), as when the network or server dies mid-submission.
    LoseAnswer,
}

/// One request the proxy saw.
#[derive(Clone, Debug)]
pub struct SeenRequest {
    pub method: String,
    pub path: String,
    pub content_type: Option<String>,
    pub content_length: Option<u64>,
    pub idempotency_key: Option<String>,
    /// What the proxy did: `pass`, `drop`, `503`, `lose-answer`, or `no-server` (forwarding
    /// failed: the server was down).
    pub outcome: &'static str,
}

struct ProxyShared {
    closed: std::sync::atomic::AtomicBool,
    fault: std::sync::Mutex<Fault>,
    seen: std::sync::Mutex<Vec<SeenRequest>>,
    changed: tokio::sync::Notify,
}

/// A loopback HTTP/1.1 proxy in front of a server (the browser talks to it as if it were the
/// server): one request per connection (answers are made `Connection: close`), so each
/// complaint can be passed, dropped, answered 503 or have its answer lost, and every request
/// is recorded. The server behind it may be stopped and started again on its address.
pub struct FaultProxy {
    pub base: String,
    shared: std::sync::Arc<ProxyShared>,
}

impl FaultProxy {
    pub fn start(upstream: std::net::SocketAddr) -> FaultProxy {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let shared = std::sync::Arc::new(ProxyShared {
            closed: std::sync::atomic::AtomicBool::new(false),
            fault: std::sync::Mutex::new(Fault::Pass),
            seen: std::sync::Mutex::new(Vec::new()),
            changed: tokio::sync::Notify::new(),
        });
        let accepting = shared.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                // The proxy is closed: stop accepting (a last connection wakes this up).
                if accepting.closed.load(std::sync::atomic::Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    let shared = accepting.clone();
                    std::thread::spawn(move || proxy_one(stream, upstream, &shared));
                }
            }
        });
        FaultProxy { base, shared }
    }

    /// `path` through the proxy, e.g. `/#/login?lang=en`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn set_fault(&self, fault: Fault) {
        *self.shared.fault.lock().unwrap() = fault;
    }

    /// Every request seen so far, in order.
    pub fn seen(&self) -> Vec<SeenRequest> {
        self.shared.seen.lock().unwrap().clone()
    }

    /// The complaints (`POST /api/v1/complaints`) seen so far.
    pub fn complaint_posts(&self) -> Vec<SeenRequest> {
        self.seen().into_iter().filter(|r| r.method == "POST" && r.path == "/api/v1/complaints").collect()
    }

    /// Waits until `done` holds for the requests seen.
    pub async fn wait_until(&self, what: &str, done: impl Fn(&[SeenRequest]) -> bool) -> Result<()> {
        let deadline = Instant::now() + STEP_TIMEOUT;
        loop {
            let notified = self.shared.changed.notified();
            if done(&self.seen()) {
                return Ok(());
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                let seen: Vec<String> = self.seen().iter().map(|r| format!("{} {} → {}", r.method, r.path, r.outcome)).collect();
                return Err(format!("waited {STEP_TIMEOUT:?} for {what}; the proxy saw:\n{}", seen.join("\n")));
            }
            let _ = tokio::time::timeout(left.min(Duration::from_millis(200)), notified).await;
        }
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        // Wake the accepting thread so it sees the proxy is closed.
        self.shared.closed.store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(addr) = self.base.strip_prefix("http://") {
            let _ = std::net::TcpStream::connect(addr);
        }
    }
}

fn proxy_one(mut client: std::net::TcpStream, upstream: std::net::SocketAddr, shared: &ProxyShared) {
    use std::io::{Read, Write};
    let _ = client.set_read_timeout(Some(Duration::from_secs(120)));
    let mut head = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    let end = loop {
        if let Some(i) = head.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if head.len() > 64 * 1024 {
            return;
        }
        match client.read(&mut buf) {
            // A connection opened ahead of time and never used.
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    };
    let rest = head.split_off(end);
    let text = String::from_utf8_lossy(&head).into_owned();
    let mut lines = text.split("\r\n");
    let request_line = lines.next().unwrap_or_default().to_owned();
    let mut parts = request_line.split(' ');
    let (method, path) = (parts.next().unwrap_or_default().to_owned(), parts.next().unwrap_or_default().to_owned());
    let header = |name: &str| {
        text.split("\r\n").skip(1).find_map(|l| l.split_once(':').filter(|(k, _)| k.trim().eq_ignore_ascii_case(name)).map(|(_, v)| v.trim().to_owned()))
    };
    let is_complaint = method == "POST" && path.split('?').next() == Some("/api/v1/complaints");
    let fault = if is_complaint { *shared.fault.lock().unwrap() } else { Fault::Pass };
    let record = |outcome: &'static str| {
        shared.seen.lock().unwrap().push(SeenRequest {
            method: method.clone(),
            path: path.clone(),
            content_type: header("content-type"),
            content_length: header("content-length").and_then(|v| v.parse().ok()),
            idempotency_key: header("idempotency-key"),
            outcome,
        });
        shared.changed.notify_waiters();
    };
    match fault {
        Fault::Drop => {
            record("drop");
            let _ = client.shutdown(std::net::Shutdown::Both);
            return;
        }
        Fault::Unavailable => {
            record("503");
            let body = r#"{"errors":[{"code":"overloaded"}]}"#;
            let answer = format!(
                "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = client.write_all(answer.as_bytes());
            let _ = client.shutdown(std::net::Shutdown::Both);
            return;
        }
        Fault::Pass | Fault::LoseAnswer => {}
    }
    let Ok(mut server) = std::net::TcpStream::connect_timeout(&upstream, Duration::from_secs(5)) else {
        record("no-server");
        let _ = client.shutdown(std::net::Shutdown::Both);
        return;
    };
    // The same request, made the last on its connection.
    let mut forwarded = String::new();
    forwarded.push_str(&request_line);
    forwarded.push_str("\r\n");
    for line in text.split("\r\n").skip(1).filter(|l| !l.is_empty()) {
        let name = line.split(':').next().unwrap_or_default().trim();
        if name.eq_ignore_ascii_case("connection") || name.eq_ignore_ascii_case("keep-alive") {
            continue;
        }
        forwarded.push_str(line);
        forwarded.push_str("\r\n");
    }
    forwarded.push_str("Connection: close\r\n\r\n");
    if server.write_all(forwarded.as_bytes()).and_then(|_| server.write_all(&rest)).is_err() {
        record("no-server");
        let _ = client.shutdown(std::net::Shutdown::Both);
        return;
    }
    // The rest of the body (and nothing else: the answer closes the connection).
    let (Ok(mut from_client), Ok(mut to_server)) = (client.try_clone(), server.try_clone()) else { return };
    std::thread::spawn(move || {
        let mut buf = [0u8; 16 * 1024];
        while let Ok(n) = from_client.read(&mut buf) {
            if n == 0 || to_server.write_all(&buf[..n]).is_err() {
                break;
            }
        }
    });
    let _ = server.set_read_timeout(Some(Duration::from_secs(120)));
    let mut answered = false;
    loop {
        match server.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                answered = true;
                if fault == Fault::Pass && client.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        }
    }
    record(match (fault, answered) {
        (_, false) => "no-server",
        (Fault::LoseAnswer, true) => "lose-answer",
        _ => "pass",
    });
    let _ = client.shutdown(std::net::Shutdown::Both);
    let _ = server.shutdown(std::net::Shutdown::Both);
}

/// Clicks the element matching `selector` with the mouse, at its middle (scrolled into view).
pub async fn click(page: &Page, selector: &str) -> Result<()> {
    let element = page.find_element(selector).await.map_err(|e| format!("finding {selector}: {e}"))?;
    element.click().await.map_err(|e| format!("clicking {selector}: {e}"))?;
    Ok(())
}

/// Types `text` into the field `selector` as a keyboard would: a click to focus it, its current
/// text selected, then the text inserted (one `input` event), replacing what was there.
pub async fn type_text(page: &Page, selector: &str, text: &str) -> Result<()> {
    use chromiumoxide::cdp::browser_protocol::input::InsertTextParams;
    click(page, selector).await?;
    let focused = format!("(el => !!el && document.activeElement === el && (el.select(), true))(document.querySelector({}))", js_str(selector));
    if eval(page, &focused).await? != serde_json::Value::Bool(true) {
        return Err(format!("clicking {selector} did not focus it"));
    }
    if text.is_empty() {
        let clear = format!(
            "(el => {{ el.value = ''; el.dispatchEvent(new InputEvent('input', {{ bubbles: true, inputType: 'deleteContentBackward' }})); return 1; }})(document.querySelector({}))",
            js_str(selector)
        );
        eval(page, &clear).await?;
    } else {
        page.execute(InsertTextParams::new(text)).await.map_err(|e| format!("typing into {selector}: {e}"))?;
    }
    Ok(())
}

/// Chooses `files` in the file input `selector`, as the file picker does (`input` and `change`
/// events follow).
pub async fn choose_files(page: &Page, selector: &str, files: &[&Path]) -> Result<()> {
    use chromiumoxide::cdp::browser_protocol::dom::SetFileInputFilesParams;
    let element = page.find_element(selector).await.map_err(|e| format!("finding {selector}: {e}"))?;
    let mut params = SetFileInputFilesParams::new(files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>());
    params.backend_node_id = Some(element.backend_node_id);
    page.execute(params).await.map_err(|e| format!("choosing files in {selector}: {e}"))?;
    Ok(())
}
