//! Embedding, end to end in headless Chromium: the demo host page (`embed/demo-host.html` with
//! `jmo-embed.js`) served from other loopback origins than the widget's real server.
//!  - On an allowed origin: the iframe follows the widget's height as the steps change, the page
//!    gets `ready`, `step`… `resolved` in order with ids only, and a context with language `en`
//!    switches the widget (the prefill stays out of every URL).
//!  - Messages from an origin not on `EMBED_ORIGINS` are ignored: a forged context from another
//!    frame, and a parent that may frame the widget but is not on the list.
//!  - A page on an origin not in `frame-ancestors` cannot frame the widget at all.
//!
//! Needs dist/ (with `jmo-embed.js`, which index.html copies in) — `JMO_DIST` points elsewhere.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chromiumoxide::cdp::browser_protocol::log::{EnableParams as LogEnable, EventEntryAdded};
use chromiumoxide::cdp::browser_protocol::network::{EnableParams as NetworkEnable, EventRequestWillBeSent};
use chromiumoxide::cdp::js_protocol::runtime::EvaluateParams;
use chromiumoxide::Page;
use futures::StreamExt;
use jmo_e2e::*;
use jmo_testkit::{Launch, Server};
use jmo_guide::link::Link;
use jmo_guide::walk::Walk;
use jmo_guide::{Language, NodeKind};
use serde_json::Value;

/// One scenario at a time: each drives its own Chromium and servers on a small machine.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Where the demo page loads the host script from; the tests put the widget server's address in.
const DEMO_WIDGET: &str = "http://127.0.0.1:8080";

// ---------------------------------------------------------------------------------------------
// Servers: the widget's real server with an embed configuration, and a tiny static host server.

/// The widget's real server, with an embed configuration `env`.
const STAFF_TOKEN: &str = "embed-test-staff-token-7f3a";

/// The walks of `embedding` the server counted, once there are any (reports arrive on their own).
async fn walks_by_embedding(widget: &Server, embedding: &str) -> serde_json::Value {
    let auth = format!("Bearer {STAFF_TOKEN}");
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    loop {
        let answer = jmo_testkit::http::request(widget.addr, "GET", "/api/v1/staff/walks", &[("Authorization", &auth)], "", Duration::from_secs(5));
        let stats: serde_json::Value = answer.ok().and_then(|a| serde_json::from_str(&a.body).ok()).unwrap_or_default();
        let found = stats["guides"].as_array().into_iter().flatten().flat_map(|g| g["embeddings"].as_array().into_iter().flatten()).find(|e| e["key"] == embedding);
        if let Some(found) = found {
            return found["outcomes"].clone();
        }
        assert!(std::time::Instant::now() < deadline, "no walk counted as {embedding}: {stats}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn start_widget(dist: &Path, env: &[(&str, String)]) -> Server {
    env.iter().fold(Launch::new().widget_dir(dist), |launch, (k, v)| launch.env(k, v)).start()
}

type Pages = Arc<Mutex<HashMap<String, String>>>;

/// Static HTML pages on `n` loopback ports (n origins), the same pages on each.
fn host_server(n: usize) -> (Vec<String>, Pages) {
    let pages: Pages = Arc::default();
    let origins = (0..n)
        .map(|_| {
            let listener = TcpListener::bind("127.0.0.1:0").expect("bind a host port");
            let origin = format!("http://{}", listener.local_addr().unwrap());
            let pages = pages.clone();
            std::thread::spawn(move || {
                for stream in listener.incoming().flatten() {
                    let pages = pages.clone();
                    std::thread::spawn(move || serve(stream, &pages));
                }
            });
            origin
        })
        .collect();
    (origins, pages)
}

fn serve(mut stream: TcpStream, pages: &Pages) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut request = Vec::new();
    let mut buf = [0u8; 4096];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 65536 {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    let head = String::from_utf8_lossy(&request);
    let path = head.split_whitespace().nth(1).unwrap_or("/").split('?').next().unwrap_or("/").to_owned();
    let page = pages.lock().unwrap().get(&path).cloned();
    let (status, body) = match page {
        Some(body) => ("200 OK", body),
        None => ("404 Not Found", "not found".to_owned()),
    };
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes());
}

/// The demo host page, taking the host script (and so the widget) from `widget`.
fn demo_page(widget: &str) -> String {
    let path = workspace_root().join("embed/demo-host.html");
    let html = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(html.contains(DEMO_WIDGET), "the demo page no longer loads the script from {DEMO_WIDGET}");
    html.replace(DEMO_WIDGET, widget)
}

/// dist/ must ship the host script, as it is in embed/.
fn check_dist_ships_the_host_script(dist: &Path) {
    let shipped = std::fs::read_to_string(dist.join("jmo-embed.js"))
        .unwrap_or_else(|e| panic!("{}/jmo-embed.js: {e} (index.html copies embed/jmo-embed.js into dist/; rebuild)", dist.display()));
    let source = std::fs::read_to_string(workspace_root().join("embed/jmo-embed.js")).unwrap();
    assert_eq!(shipped, source, "dist/jmo-embed.js differs from embed/jmo-embed.js: rebuild dist/");
}

// ---------------------------------------------------------------------------------------------
// The widget's frame, reached through the DevTools protocol (its origin is not the page's).

/// Evaluates `js` in the child frame whose URL starts with `prefix`.
async fn eval_in_frame(page: &Page, prefix: &str, js: &str) -> Result<Value> {
    // While the frame loads another page its old context goes away: try again in the new one.
    let deadline = Instant::now() + STEP_TIMEOUT;
    loop {
        match eval_in_frame_once(page, prefix, js).await {
            Err(e) if e.contains("Cannot find context") && Instant::now() < deadline => tokio::time::sleep(Duration::from_millis(50)).await,
            result => return result,
        }
    }
}

async fn eval_in_frame_once(page: &Page, prefix: &str, js: &str) -> Result<Value> {
    let main = page.mainframe().await.map_err(|e| e.to_string())?;
    for id in page.frames().await.map_err(|e| e.to_string())? {
        if Some(&id) == main.as_ref() {
            continue;
        }
        let url = page.frame_url(id.clone()).await.ok().flatten().unwrap_or_default();
        if !url.starts_with(prefix) {
            continue;
        }
        let context = page.frame_execution_context(id).await.map_err(|e| e.to_string())?.ok_or("the frame has no context yet")?;
        let params = EvaluateParams::builder().expression(js).context_id(context).await_promise(true).return_by_value(true).build()?;
        let result = tokio::time::timeout(STEP_TIMEOUT, page.evaluate_expression(params)).await.map_err(|_| format!("timed out: {js}"))?;
        return Ok(result.map_err(|e| format!("{js}: {e}"))?.value().cloned().unwrap_or(Value::Null));
    }
    Err(format!("no frame at {prefix}"))
}

/// Waits until `js` is true in the frame at `prefix`.
async fn wait_in_frame(page: &Page, prefix: &str, js: &str, what: &str) -> Result<()> {
    let deadline = Instant::now() + STEP_TIMEOUT;
    loop {
        let last = match eval_in_frame(page, prefix, js).await {
            Ok(Value::Bool(true)) => return Ok(()),
            Ok(v) => v.to_string(),
            Err(e) => e,
        };
        if Instant::now() > deadline {
            let shows = eval_in_frame(page, prefix, "document.getElementById('screen-title')?.textContent + ' at ' + location.href").await;
            return Err(format!("waited {STEP_TIMEOUT:?} in the widget's frame for {what} (last: {last}); it shows {shows:?}"));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn heading_is(title: &str, lang: Language) -> String {
    format!(
        "document.getElementById('screen-title')?.textContent.trim() === {} && document.documentElement.lang === {}",
        js_str(title.trim()),
        js_str(lang.as_str())
    )
}

/// The events the host page received (`jmo:*` DOM events), resize left out.
async fn host_events(page: &Page) -> Vec<Value> {
    let all = eval(page, "window.jmoEvents || []").await.unwrap();
    all.as_array().unwrap().iter().filter(|e| e["type"] != "resize").cloned().collect()
}

/// Waits until the iframe is exactly as tall as the widget's page; returns that height.
async fn wait_fitted(page: &Page, prefix: &str, what: &str) -> f64 {
    let deadline = Instant::now() + STEP_TIMEOUT;
    loop {
        let outer = eval(page, "document.querySelector('iframe').getBoundingClientRect().height").await.unwrap().as_f64().unwrap_or(0.0);
        let inner = eval_in_frame(page, prefix, "Math.ceil(document.documentElement.getBoundingClientRect().height)").await;
        let fits = eval_in_frame(page, prefix, "document.documentElement.scrollHeight <= innerHeight").await;
        if let (Ok(inner), Ok(Value::Bool(true))) = (&inner, &fits) {
            if inner.as_f64() == Some(outer) {
                return outer;
            }
        }
        assert!(Instant::now() < deadline, "{what}: the iframe ({outer} px) never fitted the widget ({inner:?}, fits: {fits:?})");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_an_allowed_origin_the_frame_fits_each_step_and_the_host_hears_every_event_in_order() {
    let _one = ONE_AT_A_TIME.lock().await;
    let dist = dist_dir();
    check_dist_ships_the_host_script(&dist);
    let content = content();
    let guide = content.catalog.guide("login").expect("the login guide");
    // The shortest way to a resolution through questions and steps: the steps to click through.
    let resolved = walks_to_outcomes(guide).into_iter().find(|w| w.current_node(guide).kind == NodeKind::Resolved).expect("a resolution");
    let mut walks = vec![resolved.clone()];
    while !walks.last().unwrap().is_at_start() {
        let back = walks.last().unwrap().back();
        walks.push(back);
    }
    walks.reverse();
    assert!(walks.len() >= 3, "want at least two moves, got {}", walks.len());

    let (hosts, pages) = host_server(1);
    let mut widget = start_widget(&dist, &[("EMBED_ORIGINS", hosts[0].clone()), ("STAFF_TOKEN", STAFF_TOKEN.into())]);
    pages.lock().unwrap().insert("/demo-host.html".into(), demo_page(&widget.base));
    let chrome = Chrome::launch().await;
    let page = chrome.page().await;
    page.execute(NetworkEnable::default()).await.unwrap();
    let mut requests = page.event_listener::<EventRequestWillBeSent>().await.unwrap();
    let prefix = format!("{}/", widget.base);

    within(Duration::from_secs(180), "the embedded walk", async {
        load(&page, &format!("{}/demo-host.html", hosts[0])).await.unwrap();
        // The iframe as the script made it.
        let frame = eval(
            &page,
            "(() => { const f = document.querySelector('iframe'); const s = getComputedStyle(f); \
               return { src: f.src, title: f.title, loading: f.loading, scrolling: f.getAttribute('scrolling'), border: s.borderTopWidth, \
                        fullWidth: f.getBoundingClientRect().width === f.parentElement.clientWidth }; })()",
        )
        .await
        .unwrap();
        assert_eq!(frame["src"], format!("{}/login?lang=id&embed=1", widget.base), "{frame}");
        assert_eq!((&frame["title"], &frame["loading"], &frame["scrolling"], &frame["border"]), (&"Bantuan Mandiri JMO".into(), &"eager".into(), &"no".into(), &"0px".into()));
        assert_eq!(frame["fullWidth"], true, "{frame}");

        let mut heights = Vec::new();
        for (i, walk) in walks.iter().enumerate() {
            let node = walk.current_node(guide);
            if i > 0 {
                // Follow the answer's link inside the frame, as a participant would.
                let href = Link::to_step(guide, walk).with_lang(Some(Language::Id)).with_embed(true).encode();
                let clicked = eval_in_frame(&page, &prefix, &format!("(() => {{ const a = document.querySelector('a[href=\"' + {} + '\"]'); a && a.click(); return !!a; }})()", js_str(&href)))
                    .await
                    .unwrap();
                assert_eq!(clicked, true, "no link to {href} on {}", walks[i - 1].current_node(guide).id);
            }
            wait_in_frame(&page, &prefix, &heading_is(node.title.get(Language::Id), Language::Id), &format!("step {}", node.id)).await.unwrap();
            let expected = format!("(() => (window.jmoEvents || []).some(e => e.type === 'step' && e.detail.node === {}))()", js_str(&node.id));
            wait_for(&page, &expected, &format!("the host to hear step {}", node.id)).await.unwrap();
            heights.push(wait_fitted(&page, &prefix, &format!("step {}", node.id)).await);
        }
        let last = walks.last().unwrap().current_node(guide);
        wait_for(&page, "(window.jmoEvents || []).some(e => e.type === 'resolved')", "the host to hear the resolution").await.unwrap();

        // The walk's report says it ran in a frame.
        let embedded = walks_by_embedding(&widget, "embed").await;
        assert_eq!((embedded["walks"].as_u64(), embedded["resolved"].as_u64()), (Some(1), Some(1)), "{embedded}");

        // ready, then each step in order, then the resolution: ids only.
        let mut expected = vec![serde_json::json!({"type": "ready", "detail": {}})];
        for walk in &walks {
            expected.push(serde_json::json!({"type": "step", "detail": {"guide": "login", "node": walk.current_node(guide).id}}));
        }
        expected.push(serde_json::json!({"type": "resolved", "detail": {"guide": "login", "node": last.id}}));
        assert_eq!(host_events(&page).await, expected);
        let resizes = eval(&page, "jmoEvents.filter(e => e.type === 'resize').map(e => Object.keys(e.detail).join() + ':' + typeof e.detail.height)").await.unwrap();
        assert!(resizes.as_array().unwrap().iter().all(|r| r == "height:number"), "{resizes}");
        heights.dedup();
        assert!(heights.len() > 1, "the iframe kept one height ({heights:?}) over {} different steps", walks.len());
        println!("iframe heights over the walk: {heights:?}");

        // The host's context: English, with a name and KPJ number prefilled.
        eval(&page, "document.getElementById('english').click()").await.unwrap();
        wait_in_frame(&page, &prefix, &heading_is(last.title.get(Language::En), Language::En), "the English heading").await.unwrap();
        wait_fitted(&page, &prefix, "after the language switch").await;
        let kept = eval_in_frame(&page, &prefix, "JSON.stringify(window.__jmoHost.c.prefill)").await.unwrap();
        assert_eq!(kept, r#"{"name":"Siti Aminah","kpj":"12345678901"}"#);
        let frame_url = eval_in_frame(&page, &prefix, "location.href").await.unwrap();
        assert!(frame_url.as_str().unwrap().contains("lang=en"), "{frame_url}");
        // Nothing personal in any address: the frame's, the page's, or any request made.
        let mut urls = vec![frame_url.as_str().unwrap().to_owned(), page.url().await.unwrap().unwrap_or_default()];
        while let Ok(Some(request)) = tokio::time::timeout(Duration::from_millis(200), requests.next()).await {
            urls.push(request.request.url.clone());
        }
        for url in &urls {
            assert!(!url.contains("Siti") && !url.contains("Aminah") && !url.contains("12345678901"), "personal data in {url}");
        }
        // No second `step` for the same step in another language.
        assert_eq!(host_events(&page).await.len(), expected.len());
    })
    .await;
    chrome.close().await;
    widget.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_from_origins_not_on_the_list_are_ignored() {
    let _one = ONE_AT_A_TIME.lock().await;
    let dist = dist_dir();
    check_dist_ships_the_host_script(&dist);
    let content = content();
    let start = {
        let guide = content.catalog.guide("login").unwrap();
        Walk::start(guide).current_node(guide).title.clone()
    };
    // [0] the host on the list, [1] another origin.
    let (hosts, pages) = host_server(2);
    let mut widget = start_widget(&dist, &[("EMBED_ORIGINS", hosts[0].clone())]);
    // A deployment that lets [1] frame the widget, yet does not list it for messages.
    let mut lenient = start_widget(
        &dist,
        &[("EMBED_ORIGINS", hosts[0].clone()), ("FRAME_ANCESTORS", format!("'self' {} {}", hosts[0], hosts[1]))],
    );
    {
        let mut pages = pages.lock().unwrap();
        pages.insert("/demo-host.html".into(), demo_page(&widget.base));
        pages.insert("/lenient-host.html".into(), demo_page(&lenient.base));
        // Another origin's frame inside the host page, forging a context for the widget.
        pages.insert(
            "/forger.html".into(),
            "<!doctype html><title>forger</title><script>\
               parent.frames[0].postMessage({protocol: 'jmo-selfhelp', version: 1, type: 'context', language: 'en', prefill: {name: 'Forged'}}, '*');\
             </script>"
                .into(),
        );
    }
    let chrome = Chrome::launch().await;
    let page = chrome.page().await;
    // Records, in the widget's frame, the origin of every message that reached it (after the
    // widget's own listener, which was added first).
    const RECORD: &str = "(() => { window.seen = []; addEventListener('message', e => seen.push(e.origin)); return true; })()";

    within(Duration::from_secs(120), "the forged messages", async {
        // A forged context from a frame of another origin on the allowed host's page.
        let prefix = format!("{}/", widget.base);
        load(&page, &format!("{}/demo-host.html", hosts[0])).await.unwrap();
        wait_for(&page, "(window.jmoEvents || []).some(e => e.type === 'ready')", "ready").await.unwrap();
        wait_in_frame(&page, &prefix, &heading_is(start.get(Language::Id), Language::Id), "the first question").await.unwrap();
        eval_in_frame(&page, &prefix, RECORD).await.unwrap();
        const STATE: &str = "JSON.stringify([document.documentElement.lang, location.pathname + location.search, window.__jmoHost.c])";
        let before = eval_in_frame(&page, &prefix, STATE).await.unwrap();
        assert!(before.as_str().unwrap().contains(r#""language":"id""#), "{before}");
        eval(&page, &format!("(() => {{ const f = document.createElement('iframe'); f.src = {}; document.body.append(f); return 1; }})()", js_str(&format!("{}/forger.html", hosts[1]))))
            .await
            .unwrap();
        wait_in_frame(&page, &prefix, &format!("seen.includes({})", js_str(&hosts[1])), "the forged message to arrive").await.unwrap();
        assert_eq!(eval_in_frame(&page, &prefix, STATE).await.unwrap(), before, "the forged context was taken");
        // The real host still can.
        eval(&page, "JmoSelfHelp.setContext({ language: 'en' })").await.unwrap();
        wait_in_frame(&page, &prefix, &heading_is(start.get(Language::En), Language::En), "the host's context").await.unwrap();

        // A parent that may frame the widget but is not on the list: the widget says nothing to
        // it and takes nothing from it.
        let prefix = format!("{}/", lenient.base);
        load(&page, &format!("{}/lenient-host.html", hosts[1])).await.unwrap();
        wait_in_frame(&page, &prefix, &heading_is(start.get(Language::Id), Language::Id), "the widget in an unlisted parent").await.unwrap();
        // The list has arrived and the parent was not on it.
        wait_in_frame(&page, &prefix, "window.__jmoHost.q === 0 && !window.__jmoHost.o", "the allow-list check").await.unwrap();
        eval_in_frame(&page, &prefix, RECORD).await.unwrap();
        let context = "{ protocol: 'jmo-selfhelp', version: 1, type: 'context', language: 'en' }";
        eval(&page, &format!("document.querySelector('iframe').contentWindow.postMessage({context}, {}), 1", js_str(&lenient.base))).await.unwrap();
        wait_in_frame(&page, &prefix, &format!("seen.includes({})", js_str(&hosts[1])), "the unlisted parent's message to arrive").await.unwrap();
        let state = eval_in_frame(&page, &prefix, "[document.documentElement.lang, String(window.__jmoHost.c)]").await.unwrap();
        assert_eq!(state, serde_json::json!(["id", "undefined"]), "the unlisted parent's context was taken");
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(eval(&page, "window.jmoEvents.length").await.unwrap(), 0, "the widget talked to an unlisted parent");
    })
    .await;
    chrome.close().await;
    widget.stop();
    lenient.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_on_an_origin_not_in_frame_ancestors_cannot_frame_the_widget() {
    let _one = ONE_AT_A_TIME.lock().await;
    let dist = dist_dir();
    check_dist_ships_the_host_script(&dist);
    // [0] listed, [1] not.
    let (hosts, pages) = host_server(2);
    let mut widget = start_widget(&dist, &[("EMBED_ORIGINS", hosts[0].clone())]);
    pages.lock().unwrap().insert("/demo-host.html".into(), demo_page(&widget.base));
    let chrome = Chrome::launch().await;
    let page = chrome.page().await;
    page.execute(LogEnable::default()).await.unwrap();
    let mut log = page.event_listener::<EventEntryAdded>().await.unwrap();
    let prefix = format!("{}/", widget.base);

    within(Duration::from_secs(120), "the framing checks", async {
        // Listed: the frame holds the widget.
        load(&page, &format!("{}/demo-host.html", hosts[0])).await.unwrap();
        wait_in_frame(&page, &prefix, "!!document.getElementById('screen-title')", "the widget in a listed page").await.unwrap();

        // Not listed: the browser refuses to show the widget in the frame.
        load(&page, &format!("{}/demo-host.html", hosts[1])).await.unwrap();
        let refusal = tokio::time::timeout(STEP_TIMEOUT, async {
            while let Some(entry) = log.next().await {
                if entry.entry.text.contains("frame-ancestors") {
                    return entry.entry.text.clone();
                }
            }
            String::new()
        })
        .await
        .expect("no frame-ancestors refusal in the console");
        assert!(refusal.contains(&widget.base) && refusal.contains(&format!("frame-ancestors 'self' {}", hosts[0])), "{refusal}");
        // What the frame holds is the browser's error page, not the widget.
        let main = page.mainframe().await.unwrap();
        let children: Vec<_> = page.frames().await.unwrap().into_iter().filter(|f| Some(f) != main.as_ref()).collect();
        assert_eq!(children.len(), 1);
        let deadline = Instant::now() + STEP_TIMEOUT;
        let context = loop {
            match page.frame_execution_context(children[0].clone()).await.unwrap() {
                Some(context) => break context,
                None if Instant::now() < deadline => tokio::time::sleep(Duration::from_millis(20)).await,
                None => panic!("the refused frame never got a document"),
            }
        };
        let params = EvaluateParams::builder().expression("[location.href, !!document.getElementById('app')]").context_id(context).build().unwrap();
        let inside = page.evaluate_expression(params).await.unwrap().value().cloned().unwrap_or_default();
        assert!(!inside[0].as_str().unwrap_or(&widget.base).starts_with(&widget.base) && inside[1] == false, "the widget is in the frame: {inside}");
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(eval(&page, "window.jmoEvents.length").await.unwrap(), 0, "the refused frame sent events");
    })
    .await;
    chrome.close().await;
    widget.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_prefilled_name_reaches_the_form_and_never_appears_in_any_url() {
    let _one = ONE_AT_A_TIME.lock().await;
    let dist = dist_dir();
    let (hosts, pages) = host_server(1);
    let mut widget = start_widget(&dist, &[("EMBED_ORIGINS", hosts[0].clone())]);
    // The `other` guide leads straight to an escalation, where the form asks for the name.
    pages.lock().unwrap().insert("/demo-host.html".into(), demo_page(&widget.base).replace("data-guide=\"login\"", "data-guide=\"other\""));
    let chrome = Chrome::launch().await;
    let page = chrome.page().await;
    page.execute(NetworkEnable::default()).await.unwrap();
    let mut requests = page.event_listener::<EventRequestWillBeSent>().await.unwrap();
    let prefix = format!("{}/", widget.base);

    within(Duration::from_secs(120), "the prefill", async {
        load(&page, &format!("{}/demo-host.html", hosts[0])).await.unwrap();
        wait_for(&page, "(window.jmoEvents || []).some(e => e.type === 'ready')", "ready").await.unwrap();
        eval(&page, "document.getElementById('english').click()").await.unwrap();
        let prefilled = "document.documentElement.lang === 'en' && document.getElementById('field-name')?.value === 'Siti Aminah'";
        wait_in_frame(&page, &prefix, prefilled, "the prefilled name in the English form").await.unwrap();
        let mut urls = vec![
            eval_in_frame(&page, &prefix, "location.href").await.unwrap().as_str().unwrap_or_default().to_owned(),
            page.url().await.unwrap().unwrap_or_default(),
        ];
        while let Ok(Some(request)) = tokio::time::timeout(Duration::from_millis(300), requests.next()).await {
            urls.push(request.request.url.clone());
        }
        for url in &urls {
            assert!(!url.contains("Siti") && !url.contains("Aminah") && !url.contains("12345678901"), "personal data in {url}");
        }
    })
    .await;
    chrome.close().await;
    widget.stop();
}
