//! Speed of the built widget as a participant on a mid-range phone would feel it, measured in
//! headless Chromium through the DevTools protocol, side by side with a plain static HTML page
//! that shows the same questions (the floor no framework can beat).
//!
//! cargo run -p jmo-e2e --bin speed -- [--runs 5] [--cpu 4] [--strict] [--loads-only | --steps-only]
//! (The debug build is fine: everything measured happens in Chromium.) `JMO_DIST` picks the
//! built widget (default dist/); `JMO_SPEED_DEBUG=1` also lists each load's requests and the
//! slowest step transitions. `--loads-only` / `--steps-only` skip the other half (while tuning).
//!
//! Profile: CPU slowed 4× (Emulation.setCPUThrottlingRate), network 150 ms latency, 1.6 Mbps
//! down, 750 kbps up (Network.emulateNetworkConditions), a 412×823 touch screen, and a cold
//! cache for every load (a fresh browser context each time). Both sites are served by the real
//! server on loopback (the widget from dist/, the static pages from a temporary folder).
//!
//!  - time to first question: navigation start → the screen's heading and its answer links
//!    are on screen and hit-testable (elementFromPoint), taken at the frame that paints them;
//!  - the same for a deep link into the middle of the longest guide;
//!  - both again with JavaScript off (Emulation.setScriptExecutionDisabled before navigating;
//!    the probe runs in an isolated world): the server's page as Opera Mini or a failed script
//!    download leaves it;
//!  - step transition: the click's event time → the next step's heading in the DOM with style
//!    and layout computed, for every answer link of every step of every guide (median, p95);
//!    for the static pages that is a page load of the next page (warm cache);
//!  - JS heap after load (HeapProfiler.collectGarbage, then Runtime.getHeapUsage), plus the
//!    widget's wasm memory; bytes transferred until the first question;
//!  - complaint form ready: from a guide's first step (cold cache, the widget taken over, then
//!    [`READING`] on it), the answers to the nearest escalation; the last click's event time →
//!    the form module's own form in the page. Side by side: the same walk with the module kept
//!    from loading until that click (Network.setBlockedURLs), as it was before the widget fetched
//!    it ahead at idle.
//!
//! Prints a table; with `--strict` exits 1 when a target is missed.

use std::fmt::Write as _;
use std::time::Duration;

use jmo_e2e::chromiumoxide::cdp::browser_protocol::emulation::{SetCpuThrottlingRateParams, SetScriptExecutionDisabledParams};
#[allow(deprecated)]
use jmo_e2e::chromiumoxide::cdp::browser_protocol::network::{BlockPattern, ConnectionType, EmulateNetworkConditionsParams, EnableParams, SetBlockedUrLsParams};
use jmo_e2e::chromiumoxide::cdp::browser_protocol::page::{AddScriptToEvaluateOnNewDocumentParams, NavigateParams};
use jmo_e2e::chromiumoxide::cdp::browser_protocol::target::{CreateBrowserContextParams, CreateTargetParams};
use jmo_e2e::chromiumoxide::cdp::js_protocol::heap_profiler::CollectGarbageParams;
use jmo_e2e::chromiumoxide::cdp::js_protocol::profiler;
use jmo_e2e::chromiumoxide::cdp::js_protocol::runtime::GetHeapUsageParams;
use jmo_e2e::chromiumoxide::layout::Point;
use jmo_e2e::chromiumoxide::Page;
use jmo_e2e::bench::{deep_link, median, verdict, write_static_site};
use jmo_e2e::*;
use jmo_testkit::{Launch, Server};
use jmo_guide::link::Link;
use jmo_guide::walk::Walk;
use jmo_guide::{Catalog, Guide, Language, Node, NodeKind};

const CPU_SLOWDOWN: f64 = 4.0;
const LATENCY_MS: f64 = 150.0;
const DOWN_BYTES_PER_S: f64 = 1_600_000.0 / 8.0;
const UP_BYTES_PER_S: f64 = 750_000.0 / 8.0;
/// How long the form-ready walk stays on the guide's first step, as a participant reads it.
const READING: Duration = Duration::from_secs(4);
/// The complaint form's target once an escalation opens (issue 17).
const FORM_READY_MS: f64 = 300.0;

/// Installed in every page before its own scripts: records when the expected screen's answers
/// can be clicked, and how long each click takes to show the next step.
const PROBE: &str = r#"
(() => {
  const m = window.__m = { ttfq: null, transitions: [] };
  addEventListener('TrunkApplicationStarted', e => { window.__wasm = e.detail && e.detail.wasm; });
  const heading = () => document.getElementById('screen-title');
  const clickable = () => {
    const h = heading();
    if (!h || h.textContent.trim() !== window.__expect) return false;
    const links = document.querySelectorAll('a.choice');
    if (!links.length) return false;
    // Styled: every stylesheet has arrived (they block painting anyway).
    if ([...document.querySelectorAll('link[rel=stylesheet]')].some(l => !l.sheet)) return false;
    const a = links[0], r = a.getBoundingClientRect();
    if (r.width < 1 || r.height < 1 || r.top >= innerHeight) return false;
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + Math.min(r.height / 2, (innerHeight - r.top) / 2));
    return !!hit && a.contains(hit);
  };
  const abs = () => performance.timeOrigin + performance.now();
  addEventListener('hashchange', () => { m.hash = abs(); }, true);
  // A click on an answer: remember when, and what was on screen (across a page load too).
  document.addEventListener('click', e => {
    const h = heading();
    const next = sessionStorage.getItem('__next');
    if (next) sessionStorage.setItem('__click', JSON.stringify({ t: performance.timeOrigin + e.timeStamp, run: abs(), from: location.href, next }));
  }, true);
  const check = () => {
    if (m.ttfq === null && window.__expect && clickable()) {
      m.ttfq = -1;
      requestAnimationFrame(t => { m.ttfq = t; document.documentElement.dataset.jmoTtfq = t; });
    }
    const pending = sessionStorage.getItem('__click');
    if (pending) {
      const c = JSON.parse(pending), h = heading();
      if (h && location.href !== c.from && h.textContent.trim() === c.next) {
        const dom = abs();
        h.getBoundingClientRect(); // style and layout of the new step
        m.transitions.push({ total: abs() - c.t, run: c.run - c.t, dom: dom - c.t, hash: m.hash ? m.hash - c.t : null });
        m.hash = null;
        sessionStorage.removeItem('__click');
        sessionStorage.removeItem('__next');
      }
    }
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true, characterData: true });
  document.addEventListener('DOMContentLoaded', check);
  document.addEventListener('load', check, true); // stylesheets
})();
"#;

struct Args {
    runs: usize,
    cpu: f64,
    strict: bool,
    loads: bool,
    steps: bool,
}

fn args() -> Args {
    let mut a = Args { runs: 5, cpu: CPU_SLOWDOWN, strict: false, loads: true, steps: true };
    let mut argv = std::env::args().skip(1);
    while let Some(arg) = argv.next() {
        match arg.as_str() {
            "--runs" => a.runs = argv.next().and_then(|v| v.parse().ok()).filter(|&n| (1..=50).contains(&n)).expect("--runs needs 1..50"),
            "--cpu" => a.cpu = argv.next().and_then(|v| v.parse().ok()).filter(|&n| (1.0..=20.0).contains(&n)).expect("--cpu needs 1..20"),
            "--strict" => a.strict = true,
            "--loads-only" => a.steps = false,
            "--steps-only" => a.loads = false,
            other => panic!("unknown argument {other}; see the comment at the top of crates/e2e/src/bin/speed.rs"),
        }
    }
    a
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args = args();
    let dist = dist_dir();
    let content = content();
    let catalog = &content.catalog;
    let static_dir = tempfile::tempdir().expect("temp dir");
    write_static_site(static_dir.path(), &dist);

    let mut app = Launch::new().widget_dir(&dist).start();
    let mut plain = Launch::new().widget_dir(static_dir.path()).start();
    let chrome = Chrome::launch().await;

    // The deep link: the middle of the longest way through a guide (with its answers).
    let deep = deep_link(catalog);

    let start_title = catalog.start.title.get(Language::Id).to_owned();
    let cases = [("start", "/".to_owned(), start_title), ("deep", deep.address.clone(), deep.title())];
    // samples[case][0 = widget, 1 = static page, 2 = widget with JavaScript off]
    let mut samples: [[Vec<Load>; 3]; 2] = Default::default();
    let runs = if args.loads { args.runs } else { 0 };
    eprintln!("measuring {runs} cold loads of each page…");
    for run in 0..runs {
        for (c, (_, path, title)) in cases.iter().enumerate() {
            for (s, (url, mode)) in [(app.url(path), Mode::Widget), (plain.url(path), Mode::Static), (app.url(path), Mode::NoScript)].into_iter().enumerate() {
                let sample = within(Duration::from_secs(120), &format!("loading {url}"), cold_load(&chrome, &url, title, args.cpu, mode))
                    .await
                    .unwrap_or_else(|e| panic!("run {}: {url}: {e}", run + 1));
                samples[c][s].push(sample);
            }
        }
    }

    // form_ready[0 = fetched ahead (today), 1 = fetched at the escalation (before)]
    let mut form_ready: [Vec<f64>; 2] = Default::default();
    let (walk_guide, walk) = nearest_escalation(catalog);
    if runs > 0 {
        eprintln!("measuring {runs} walks to a complaint form…");
    }
    for run in 0..runs {
        for (i, ahead) in [true, false].into_iter().enumerate() {
            let ms = within(Duration::from_secs(120), "the walk to a complaint form", walk_to_form(&chrome, args.cpu, &app, &catalog.guides[walk_guide], &walk, ahead))
                .await
                .unwrap_or_else(|e| panic!("run {}: the walk to a complaint form: {e}", run + 1));
            form_ready[i].push(ms);
        }
    }

    let mut edges = if args.steps { edges(catalog) } else { Vec::new() };
    // `JMO_SPEED_EDGES=login/` measures only the clicks from the steps whose `guide/node` contains it.
    if let Ok(only) = std::env::var("JMO_SPEED_EDGES") {
        edges.retain(|&(g, n, _)| format!("{}/{}", catalog.guides[g].id, catalog.guides[g].nodes[n].id).contains(&only));
    }
    eprintln!("measuring {} step transitions…", edges.len());
    let app_steps = within(Duration::from_secs(600), "the widget's transitions", transitions_app(&chrome, args.cpu, &app, catalog, &edges)).await;
    let static_steps = within(Duration::from_secs(600), "the static transitions", transitions_static(&chrome, args.cpu, &plain, catalog, &edges)).await;
    if std::env::var_os("JMO_SPEED_DEBUG").is_some() {
        let mut slowest: Vec<(f64, String)> = app_steps.iter().zip(&edges).map(|(t, &(g, n, o))| {
            let guide = &catalog.guides[g];
            let (from, next) = step_pair(guide, n, o);
            (t.total, format!("{}/{} → {} (dom {:.1} ms)", guide.id, from.id, next.id, t.dom))
        }).collect();
        slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (ms, name) in slowest.iter().take(12) {
            eprintln!("  {ms:>6.1} ms  {name}");
        }
    }
    chrome.close().await;
    app.stop();
    plain.stop();

    // The report.
    let version = std::process::Command::new(CHROMIUM).arg("--version").output().ok().map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned()).unwrap_or_default();
    let mut out = String::new();
    let _ = writeln!(out, "\nJMO Self-Help speed — {version}, headless, DevTools protocol");
    let _ = writeln!(
        out,
        "profile: CPU {}× slower, network {LATENCY_MS} ms latency / 1.6 Mbps down / 750 kbps up, cold cache, 412×823 touch screen; median of {} runs",
        args.cpu,
        args.runs
    );
    let _ = writeln!(out, "deep link: {} ({} on the longest way)", deep.address, deep.place());
    let _ = writeln!(out);
    let _ = writeln!(out, "{:<44} {:>11} {:>12} {:>7}   target", "", "widget", "static page", "ratio");
    let mut missed = Vec::new();
    if runs > 0 {
        for (c, (name, ..)) in cases.iter().enumerate() {
            let app_ms = median(samples[c][0].iter().map(|l| l.ttfq_ms).collect());
            let static_ms = median(samples[c][1].iter().map(|l| l.ttfq_ms).collect());
            let ratio = app_ms / static_ms;
            let label = if *name == "start" { "time to first question (start screen)" } else { "time to first question (deep link)" };
            let ok = app_ms <= 2000.0 && ratio <= 1.5;
            if !ok {
                missed.push(label);
            }
            let _ = writeln!(out, "{label:<44} {:>8.0} ms {:>9.0} ms {ratio:>6.2}×   ≤ 2000 ms and ≤ 1.5× {}", app_ms, static_ms, verdict(ok));
            let spread = |s: &[Load]| format!("{:.0}–{:.0}", min(s.iter().map(|l| l.ttfq_ms)), max(s.iter().map(|l| l.ttfq_ms)));
            let _ = writeln!(out, "{:<44} {:>11} {:>12}", "  (range over runs, ms)", spread(&samples[c][0]), spread(&samples[c][1]));
            let off_ms = median(samples[c][2].iter().map(|l| l.ttfq_ms).collect());
            let _ = writeln!(out, "{:<44} {:>8.0} ms {:>9.0} ms {:>6.2}×   (the widget's page, scripts disabled)", "  with JavaScript off", off_ms, static_ms, off_ms / static_ms);
            let _ = writeln!(out, "{:<44} {:>11}", "  (range over runs, ms)", spread(&samples[c][2]));
        }
    }
    if runs > 0 {
        let (ahead, before) = (median(form_ready[0].clone()), median(form_ready[1].clone()));
        let ok = ahead <= FORM_READY_MS;
        if !ok {
            missed.push("complaint form ready");
        }
        let guide = &catalog.guides[walk_guide];
        let _ = writeln!(out, "{:<44} {:>8.0} ms {:>12}          ≤ {FORM_READY_MS} ms {}", "complaint form ready, escalation opened", ahead, "–", verdict(ok));
        let _ = writeln!(
            out,
            "  (walk: {}'s first step, {} s reading, {} answers to {})",
            guide.id,
            READING.as_secs(),
            walk.answers().len(),
            walk.current_node(guide).id
        );
        let spread = |s: &[f64]| format!("{:.0}–{:.0}", min(s.iter().copied()), max(s.iter().copied()));
        let _ = writeln!(out, "{:<44} {:>11}", "  (range over runs, ms)", spread(&form_ready[0]));
        let _ = writeln!(out, "{:<44} {:>8.0} ms {:>12} {:>6.2}×   (before: the module fetched only then)", "  fetched at the escalation", before, "", before / ahead);
        let _ = writeln!(out, "{:<44} {:>11}", "  (range over runs, ms)", spread(&form_ready[1]));
    }
    // Only what was measured (`--loads-only` / `--steps-only` skip a half).
    if !app_steps.is_empty() {
        let total = |v: &[Transition]| v.iter().map(|t| t.total).collect::<Vec<_>>();
        let (app_total, static_total) = (total(&app_steps), total(&static_steps));
        for (name, p) in [("step transition, median", 0.5), ("step transition, p95", 0.95)] {
            let a = percentile(&app_total, p);
            let s = percentile(&static_total, p);
            let target = if p > 0.9 { format!("≤ 16 ms {}", verdict(a <= 16.0)) } else { String::new() };
            if p > 0.9 && a > 16.0 {
                missed.push("step transition p95");
            }
            let _ = writeln!(out, "{:<44} {:>8.1} ms {:>9.1} ms {:>6.2}×   {target}", format!("{name} ({} clicks)", app_steps.len()), a, s, a / s);
        }
        let _ = writeln!(out, "{:<44} {:>8.1} ms {:>9.1} ms", "step transition, slowest", max(app_total.iter().copied()), max(static_total.iter().copied()));
        let part = |f: fn(&Transition) -> f64| percentile(&app_steps.iter().map(f).collect::<Vec<_>>(), 0.5);
        let _ = writeln!(
            out,
            "  widget, median from the click's event time: listeners run {:.1} ms → hashchange {:.1} ms → DOM updated {:.1} ms → style+layout {:.1} ms",
            part(|t| t.run),
            part(|t| t.hash),
            part(|t| t.dom),
            part(|t| t.total)
        );
    }
    if runs > 0 {
        for (c, (name, ..)) in cases.iter().enumerate() {
            let heap_app = median(samples[c][0].iter().map(|l| l.heap_mb).collect());
            let heap_static = median(samples[c][1].iter().map(|l| l.heap_mb).collect());
            let wasm = median(samples[c][0].iter().map(|l| l.wasm_mb).collect());
            // The page's memory is its JS heap and the widget's wasm memory: both count.
            let ok = heap_app + wasm <= 5.0;
            if !ok {
                missed.push("JS heap");
            }
            let _ = writeln!(out, "{:<44} {:>8.2} MB {:>9.2} MB {:>6.2}×   ≤ 5 MB with wasm {}", format!("JS heap after load ({name})"), heap_app, heap_static, heap_app / heap_static, verdict(ok));
            let _ = writeln!(out, "{:<44} {:>8.2} MB {:>12}          (JS heap + wasm: {:.2} MB)", "  + the widget's wasm memory", wasm, "–", heap_app + wasm);
            let kb_app = median(samples[c][0].iter().map(|l| l.kb).collect());
            let kb_static = median(samples[c][1].iter().map(|l| l.kb).collect());
            let _ = writeln!(out, "{:<44} {:>8.1} KB {:>9.1} KB {:>6.1}×", format!("bytes transferred, whole load ({name})"), kb_app, kb_static, kb_app / kb_static);
            let kb_off = median(samples[c][2].iter().map(|l| l.kb).collect());
            let _ = writeln!(out, "{:<44} {:>8.1} KB {:>9.1} KB {:>6.1}×", "  with JavaScript off", kb_off, kb_static, kb_off / kb_static);
        }
    }
    let _ = writeln!(out);
    if missed.is_empty() {
        let _ = writeln!(out, "all speed targets met");
    } else {
        let _ = writeln!(out, "targets missed: {}", missed.join(", "));
    }
    print!("{out}");
    if args.strict && !missed.is_empty() {
        std::process::exit(1);
    }
}

#[derive(Debug)]
struct Load {
    ttfq_ms: f64,
    heap_mb: f64,
    wasm_mb: f64,
    kb: f64,
}

/// A page in a fresh browser context (cold cache), throttled like a mid-range phone on slow 4G.
// Network.emulateNetworkConditions is marked deprecated in the protocol (in favour of
// emulateNetworkConditionsByRule) but is what DevTools' own throttling presets still use.
#[allow(deprecated)]
async fn throttled_page(chrome: &Chrome, cpu: f64, probe: bool) -> Result<(Page, jmo_e2e::chromiumoxide::cdp::browser_protocol::browser::BrowserContextId)> {
    let context = chrome.browser.create_browser_context(CreateBrowserContextParams::default()).await.map_err(|e| e.to_string())?;
    let target = CreateTargetParams::builder().url("about:blank").browser_context_id(context.clone()).build().map_err(|e| e.to_string())?;
    let page = chrome.browser.new_page(target).await.map_err(|e| e.to_string())?;
    set_screen(&page, 412, 823).await?;
    page.execute(EnableParams::default()).await.map_err(|e| e.to_string())?;
    let mut network = EmulateNetworkConditionsParams::new(false, LATENCY_MS, DOWN_BYTES_PER_S, UP_BYTES_PER_S);
    network.connection_type = Some(ConnectionType::Cellular4g);
    page.execute(network).await.map_err(|e| e.to_string())?;
    page.execute(SetCpuThrottlingRateParams::new(cpu)).await.map_err(|e| e.to_string())?;
    if probe {
        page.execute(AddScriptToEvaluateOnNewDocumentParams::new(PROBE)).await.map_err(|e| e.to_string())?;
    }
    Ok((page, context))
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Mode {
    Widget,
    /// The static floor (a page without scripts).
    Static,
    /// The widget's page with JavaScript disabled (Emulation.setScriptExecutionDisabled).
    NoScript,
}

async fn cold_load(chrome: &Chrome, url: &str, title: &str, cpu: f64, mode: Mode) -> Result<Load> {
    let (page, context) = throttled_page(chrome, cpu, mode != Mode::NoScript).await?;
    let expect = format!("window.__expect = {};", js_str(title));
    if mode == Mode::NoScript {
        page.execute(SetScriptExecutionDisabledParams::new(true)).await.map_err(|e| e.to_string())?;
        // The page's own world runs nothing now: the probe runs in a world of its own (same DOM,
        // same clock) and leaves its figure on <html> for the page's world to read.
        let mut probe = AddScriptToEvaluateOnNewDocumentParams::new(format!("{expect}\n{PROBE}"));
        probe.world_name = Some("jmo-speed-probe".into());
        page.execute(probe).await.map_err(|e| e.to_string())?;
    } else {
        page.execute(AddScriptToEvaluateOnNewDocumentParams::new(expect)).await.map_err(|e| e.to_string())?;
    }
    page.execute(NavigateParams::new(url)).await.map_err(|e| e.to_string())?;
    wait_for(&page, "document.documentElement.dataset.jmoTtfq > 0", "the first question").await?;
    let ttfq_ms = eval(&page, "Number(document.documentElement.dataset.jmoTtfq)").await?.as_f64().unwrap_or(f64::NAN);
    if std::env::var_os("JMO_SPEED_DEBUG").is_some() {
        let entries = eval(&page, "performance.getEntries().filter(e => 'transferSize' in e).map(e => `${e.name} ${e.transferSize} start ${Math.round(e.startTime)} request ${Math.round(e.requestStart)} end ${Math.round(e.responseEnd)}`).join('\\n')").await?;
        eprintln!("{url}: first question at {ttfq_ms:.0} ms\n{}", entries.as_str().unwrap_or(""));
    }
    // "After load": the page is complete and, for the widget, the guides are downloaded.
    wait_for(&page, "document.readyState === 'complete'", "the load event").await?;
    if mode == Mode::Widget {
        wait_for(&page, "performance.getEntriesByType('resource').some(e => e.name.includes('/content-') && e.responseEnd > 0)", "the guides").await?;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let kb = eval(&page, "performance.getEntries().filter(e => 'transferSize' in e).reduce((s, e) => s + e.transferSize, 0) / 1000").await?.as_f64().unwrap_or(0.0);
    page.execute(CollectGarbageParams::default()).await.map_err(|e| e.to_string())?;
    let heap = page.execute(GetHeapUsageParams::default()).await.map_err(|e| e.to_string())?;
    let wasm = eval(&page, "window.__wasm && window.__wasm.memory ? window.__wasm.memory.buffer.byteLength : 0").await?.as_f64().unwrap_or(0.0);
    let _ = page.close().await;
    let _ = chrome.browser.dispose_browser_context(context).await;
    Ok(Load { ttfq_ms, heap_mb: heap.used_size / 1_000_000.0, wasm_mb: wasm / 1_000_000.0, kb })
}

/// The escalation fewest answers away from its guide's first step (at least one).
fn nearest_escalation(catalog: &Catalog) -> (usize, Walk) {
    let mut walks = Vec::new();
    for (g, guide) in catalog.guides.iter().enumerate() {
        for (n, node) in guide.nodes.iter().enumerate() {
            if let (NodeKind::Escalate(_), Some(walk)) = (&node.kind, Walk::shortest_to(guide, n)) {
                walks.push((g, walk));
            }
        }
    }
    walks.retain(|(_, w)| !w.answers().is_empty());
    walks.into_iter().min_by_key(|(_, w)| w.answers().len()).expect("a guide ends in an escalation")
}

/// Records the last click's event time and when the form module's complaint form is in the page.
const FORM_PROBE: &str = "addEventListener('click', e => { window.__clickAt = e.timeStamp; window.__formAt = 0; }, true);
new MutationObserver(() => { if (window.__clickAt && !window.__formAt && document.querySelector('#complaint-form:not([method])')) window.__formAt = performance.now(); })
  .observe(document, { subtree: true, childList: true });";

/// A participant on the phone profile opening a guide's first step (cold cache), reading it, then
/// answering their way to `walk`'s escalation in-page: the last click → the module's form, in ms.
/// `ahead`: as the widget does it (the module fetched at idle on the guide's page); otherwise the
/// module cannot load before that last click, as before.
async fn walk_to_form(chrome: &Chrome, cpu: f64, server: &Server, guide: &Guide, walk: &Walk, ahead: bool) -> Result<f64> {
    let (page, context) = throttled_page(chrome, cpu, false).await?;
    let block = |on: bool| {
        let mut p = SetBlockedUrLsParams::default();
        p.url_patterns = Some(if on { vec![BlockPattern::new("*://*:*/complaint_form*", true)] } else { Vec::new() });
        p
    };
    if !ahead {
        page.execute(block(true)).await.map_err(|e| e.to_string())?;
    }
    watch_take_over(&page).await?;
    page.execute(AddScriptToEvaluateOnNewDocumentParams::new(FORM_PROBE)).await.map_err(|e| e.to_string())?;
    let first = Link::to_step(guide, &Walk::start(guide)).with_lang(Some(Language::Id)).encode();
    page.execute(NavigateParams::new(server.url(&first))).await.map_err(|e| e.to_string())?;
    wait_taken_over(&page, &first).await?;
    tokio::time::sleep(READING).await;
    let mut at = Walk::start(guide);
    for (i, answer) in walk.answers().iter().enumerate() {
        if !ahead && i + 1 == walk.answers().len() {
            page.execute(block(false)).await.map_err(|e| e.to_string())?;
        }
        click_option(&page, &guide.nodes[answer.node].options[answer.option].id).await?;
        at = at.choose_index(guide, answer.option).map_err(|e| format!("{e:?}"))?;
        let title = at.current_node(guide).title.get(Language::Id);
        let shown = format!("(document.getElementById('screen-title')?.textContent || '').trim() === {}", js_str(title));
        wait_for(&page, &shown, title).await?;
    }
    wait_for(&page, "window.__formAt > 0", "the complaint form").await?;
    let ms = eval(&page, "window.__formAt - window.__clickAt").await?.as_f64().unwrap_or(f64::NAN);
    let _ = page.close().await;
    let _ = chrome.browser.dispose_browser_context(context).await;
    Ok(ms)
}

/// Every answer link of every question and step: (guide, node, option).
fn edges(catalog: &Catalog) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    for (g, guide) in catalog.guides.iter().enumerate() {
        for (n, node) in guide.nodes.iter().enumerate() {
            if matches!(node.kind, NodeKind::Question | NodeKind::Step) {
                out.extend((0..node.options.len()).map(|o| (g, n, o)));
            }
        }
    }
    out
}

async fn click_option(page: &Page, option: &str) -> Result<()> {
    let js = format!(
        "(() => {{ const a = document.querySelector('a.choice[data-option=\"{option}\"]'); if (!a) return null; \
           a.scrollIntoView({{ block: 'center' }}); const r = a.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; }})()"
    );
    let at = eval(page, &js).await?;
    let (x, y) = (at[0].as_f64().ok_or(format!("no answer {option} on screen"))?, at[1].as_f64().unwrap_or(0.0));
    page.click(Point { x, y }).await.map_err(|e| e.to_string())?;
    Ok(())
}

/// One click → next step: total, and when the fragment changed and the DOM was updated.
#[derive(Clone, Copy, Debug)]
struct Transition {
    total: f64,
    /// The click's event time → its first listener runs (input delivery).
    run: f64,
    hash: f64,
    dom: f64,
}

async fn next_transition(page: &Page, count: usize, what: &str) -> Result<Transition> {
    wait_for(page, &format!("window.__m && window.__m.transitions.length > {count}"), what).await?;
    let t = eval(page, &format!("window.__m.transitions[{count}]")).await?;
    let get = |k: &str| t[k].as_f64().unwrap_or(f64::NAN);
    Ok(Transition { total: get("total"), run: get("run"), hash: get("hash"), dom: get("dom") })
}

async fn transitions_app(chrome: &Chrome, cpu: f64, server: &Server, catalog: &Catalog, edges: &[(usize, usize, usize)]) -> Vec<Transition> {
    let (page, _context) = throttled_page(chrome, cpu, true).await.expect("page");
    load(&page, &server.url("/")).await.expect("the widget");
    wait_for(&page, "performance.getEntriesByType('resource').some(e => e.name.includes('/content-') && e.responseEnd > 0)", "the guides").await.expect("guides");
    let profiling = std::env::var_os("JMO_SPEED_PROFILE").is_some();
    if profiling {
        page.execute(profiler::EnableParams::default()).await.expect("profiler");
        page.execute(profiler::SetSamplingIntervalParams::new(50)).await.expect("profiler");
        page.execute(profiler::StartParams::default()).await.expect("profiler");
    }
    let mut times = Vec::new();
    for &(g, n, o) in edges {
        let guide = &catalog.guides[g];
        let (from, next) = step_pair(guide, n, o);
        let spec = PageSpec {
            name: format!("{}/{}", guide.id, from.id),
            lang: Language::Id,
            address: Link::to_step(guide, &Walk::shortest_to(guide, n).unwrap()).with_lang(Some(Language::Id)).encode(),
            heading: from.title.get(Language::Id).to_owned(),
            action: None,
        };
        open_in_app(&page, &spec).await.unwrap_or_else(|e| panic!("{e}"));
        // Let the opening settle (its own probe entry, focus) before the measured click.
        eval(&page, "new Promise(r => requestAnimationFrame(() => setTimeout(r, 30)))").await.unwrap();
        arm(&page, next).await;
        click_option(&page, &from.options[o].id).await.unwrap_or_else(|e| panic!("{}: {e}", spec.name));
        let t = next_transition(&page, 0, &format!("{} → {}", spec.name, next.id)).await.unwrap_or_else(|e| panic!("{e}"));
        let shown = eval(&page, "document.getElementById('screen-title').textContent.trim()").await.unwrap();
        assert_eq!(shown.as_str(), Some(next.title.get(Language::Id).trim()), "{} → {}: wrong step", spec.name, next.id);
        times.push(t);
    }
    if profiling {
        let profile = page.execute(profiler::StopParams::default()).await.expect("profiler").result.profile;
        print_profile(&profile);
    }
    let _ = page.close().await;
    times
}

/// `JMO_SPEED_PROFILE=1`: where the page spent its time during the transitions (self time per
/// function; build the wasm with its names section to see Rust names).
fn print_profile(profile: &profiler::Profile) {
    let mut self_us: std::collections::HashMap<i64, f64> = Default::default();
    for (node, delta) in profile.samples.iter().flatten().zip(profile.time_deltas.iter().flatten()) {
        *self_us.entry(*node).or_default() += *delta as f64;
    }
    let mut by_name: std::collections::HashMap<String, f64> = Default::default();
    for node in &profile.nodes {
        let f = &node.call_frame;
        let name = if f.function_name.is_empty() { format!("(anonymous) {}", f.url.rsplit('/').next().unwrap_or("")) } else { f.function_name.clone() };
        *by_name.entry(name).or_default() += self_us.get(&node.id).copied().unwrap_or(0.0);
    }
    let total: f64 = by_name.iter().filter(|(n, _)| n.as_str() != "(idle)").map(|(_, t)| t).sum();
    let mut rows: Vec<_> = by_name.into_iter().collect();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1));
    eprintln!("profile: {:.0} ms busy", total / 1000.0);
    for (name, us) in rows.iter().take(40) {
        eprintln!("  {:>8.1} ms {:>5.1}%  {}", us / 1000.0, 100.0 * us / total, name.chars().take(150).collect::<String>());
    }
}

async fn transitions_static(chrome: &Chrome, cpu: f64, server: &Server, catalog: &Catalog, edges: &[(usize, usize, usize)]) -> Vec<Transition> {
    let (page, _context) = throttled_page(chrome, cpu, true).await.expect("page");
    let mut times = Vec::new();
    for &(g, n, o) in edges {
        let guide = &catalog.guides[g];
        let (from, next) = step_pair(guide, n, o);
        load(&page, &server.url(&Link::to_step(guide, &Walk::shortest_to(guide, n).unwrap()).with_lang(Some(Language::Id)).encode())).await.unwrap();
        eval(&page, "new Promise(r => requestAnimationFrame(() => setTimeout(r, 30)))").await.unwrap();
        arm(&page, next).await;
        click_option(&page, &from.options[o].id).await.unwrap();
        let t = next_transition(&page, 0, &format!("static {}/{} → {}", guide.id, from.id, next.id)).await.unwrap_or_else(|e| panic!("{e}"));
        times.push(t);
    }
    let _ = page.close().await;
    times
}

/// Clears earlier measurements and names the step the next click should show.
async fn arm(page: &Page, next: &Node) {
    let js = format!(
        "(window.__m.transitions = [], sessionStorage.removeItem('__click'), sessionStorage.setItem('__next', {}), 1)",
        js_str(next.title.get(Language::Id).trim())
    );
    eval(page, &js).await.unwrap();
}

fn step_pair(guide: &Guide, n: usize, o: usize) -> (&Node, &Node) {
    let from = &guide.nodes[n];
    let next = guide.node(&from.options[o].next).expect("checked content");
    (from, next)
}

fn percentile(v: &[f64], p: f64) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    if v.is_empty() {
        return f64::NAN;
    }
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

fn min(v: impl Iterator<Item = f64>) -> f64 {
    v.fold(f64::INFINITY, f64::min)
}

fn max(v: impl Iterator<Item = f64>) -> f64 {
    v.fold(f64::NEG_INFINITY, f64::max)
}
