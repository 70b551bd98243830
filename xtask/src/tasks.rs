//! The tasks behind `cargo xtask …`.

use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::size;
use crate::tools::{self, check, command, root, say};

fn cargo() -> std::process::Command {
    command(env!("CARGO"))
}

/// `trunk build --release` into dist/.
fn build_widget() -> Result<(), String> {
    tools::widget_build()?;
    say("building the widget (trunk build --release)");
    let mut c = command("trunk");
    c.args(["build", "--release"]).env("TRUNK_SKIP_VERSION_CHECK", "true");
    check(c, "trunk build")
}

pub fn run() -> Result<(), String> {
    build_widget()?;
    // The workspace draws the guides' maps with it; without it the rest works (the map says so).
    if let Err(e) = tools::graphviz() {
        say(&format!("Graphviz could not be installed, so the workspace cannot draw the guides' maps: {e}"));
    }
    let addr = std::env::var("LISTEN_ADDR").unwrap_or_else(|_| "127.0.0.1:8080".into());
    say(&format!("starting the intake server with the widget on http://{addr}/ (Ctrl+C stops it)"));
    let mut server = cargo();
    server.args(["run", "--quiet", "--profile", "server", "-p", "jmo-selfhelp-server", "--bin", "jmo-selfhelp-server"]);
    if std::env::var_os("WIDGET_DIR").is_none() {
        server.env("WIDGET_DIR", root().join("dist"));
    }
    // Development: without DATA_KEY(_FILE) the server makes a data key beside its database.
    server.env("JMO_DEV", "1");
    // The server's own default database, named here so that the hint below can give it.
    let database_url = std::env::var("DATABASE_URL").ok();
    if database_url.is_none() {
        server.env("DATABASE_URL", default_database_url());
    }
    say_how_to_add_the_first_admin(database_url.is_some());
    let mut child = server.spawn().map_err(|e| format!("starting the server: {e}"))?;
    let url = format!("http://{addr}/");
    let opener = std::thread::spawn(move || open_when_listening(&addr, &url));
    let status = child.wait().map_err(|e| e.to_string())?;
    let _ = opener.join();
    if status.success() { Ok(()) } else { Err(format!("the server stopped ({status})")) }
}

/// Where the server built by `run` keeps its SQLite file by default: beside its binary.
fn default_database_url() -> String {
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        // Relative to where cargo was started, as cargo reads it.
        Some(dir) => std::env::current_dir().unwrap_or_else(|_| root()).join(dir),
        None => root().join("target"),
    };
    format!("sqlite://{}", target.join("server").join("jmo-selfhelp.db").display())
}

/// No account exists on a first run, and there is no default one: the command that makes the
/// first admin, on the database this run serves (the server may keep running meanwhile).
fn say_how_to_add_the_first_admin(own_database_url: bool) {
    // A DATABASE_URL of the caller's own is inherited by the command, and may hold a password.
    let database = if own_database_url { String::new() } else { format!("DATABASE_URL='{}' ", default_database_url()) };
    say(&format!(
        "first run? There is no default staff account or password: create the first admin (it asks for the password \
         twice), in another terminal while this one serves if you like:\n    {database}JMO_DEV=1 cargo run --quiet \
         --profile server -p jmo-selfhelp-server -- staff add admin --name \"Administrator\" --role admin\n    \
         (`… -- staff list` shows the accounts)"
    ));
}

fn open_when_listening(addr: &str, url: &str) {
    // The first run compiles the server; wait for it patiently.
    let deadline = Instant::now() + Duration::from_secs(900);
    while TcpStream::connect(addr).is_err() {
        if Instant::now() > deadline {
            return;
        }
        std::thread::sleep(Duration::from_millis(300));
    }
    let has_display = std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some() || cfg!(target_os = "macos");
    let opener = if cfg!(target_os = "macos") { "open" } else { "xdg-open" };
    if has_display && command(opener).arg(url).status().is_ok_and(|s| s.success()) {
        say(&format!("opened {url} in your browser"));
    } else {
        say(&format!("open {url} in a browser"));
    }
}

pub fn test() -> Result<(), String> {
    tools::setup_all()?;
    check_content()?;

    // The widget first: the size budget fails fast, and end-to-end tests serve this dist/.
    build_widget()?;
    let sizes = size::measure(&root().join("dist"))?;
    print!("{}", size::report(&sizes));
    // A step page loads the first load and its guide: within the budget, the start screen is too.
    let step_page = size::step_page_gzip(&sizes);
    if step_page > size::FIRST_LOAD_BUDGET_GZIP {
        return Err(format!("a step page loads {step_page} bytes gzip before it changes in-page, over the {} byte budget", size::FIRST_LOAD_BUDGET_GZIP));
    }

    say("native tests: guide, contract, server (SQLite and PostgreSQL), delivery, end-to-end, xtask, the widget's state");
    let mut native = cargo();
    native.args(["test", "--workspace", "--exclude", "jmo-selfhelp"]);
    check(native, "native tests")?;
    // The widget's own state machine, natively (as the server builds it).
    let mut widget = cargo();
    widget.args(["test", "-p", "jmo-selfhelp", "--no-default-features", "--features", "ssr", "--lib"]);
    check(widget, "the widget's native tests")?;

    say("browser tests: the widget and the complaint form's browser glue in headless Chromium (wasm-bindgen-test)");
    let mut browser = cargo();
    browser
        .args(["test", "-p", "jmo-selfhelp", "-p", "jmo-form", "--target", "wasm32-unknown-unknown"])
        .env("CHROMEDRIVER", "/usr/bin/chromedriver")
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120");
    check(browser, "browser tests")?;

    say("all tests passed");
    Ok(())
}

/// Builds dist/ and prints its size report; with `JMO_DIST=<folder>`, reports on that already
/// built folder instead (as the end-to-end checks and the speed benchmark read it).
pub fn size() -> Result<(), String> {
    let dist = match std::env::var_os("JMO_DIST") {
        Some(dir) => std::path::PathBuf::from(dir),
        None => {
            build_widget()?;
            root().join("dist")
        }
    };
    print!("{}", size::report(&size::measure(&dist)?));
    Ok(())
}

/// `cargo xtask bench [lighthouse] [--strict]`: size, intake and pages benchmarks, speed on a
/// phone profile, Lighthouse, fuzzing; `lighthouse` runs only the Lighthouse part (building the
/// widget first unless `JMO_DIST` names a built one). Misses are printed as MISSED; `--strict`
/// makes the speed and Lighthouse parts fail on one.
pub fn bench() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(2).collect();
    let strict = args.iter().any(|a| a == "--strict");
    let only_lighthouse = args.iter().any(|a| a == "lighthouse");
    if let Some(other) = args.iter().find(|a| !matches!(a.as_str(), "lighthouse" | "--strict")) {
        return Err(format!("unknown argument `{other}`: cargo xtask bench [lighthouse] [--strict]"));
    }
    if only_lighthouse {
        if std::env::var_os("JMO_DIST").is_none() {
            build_widget()?;
        }
        return lighthouse(strict);
    }
    size()?;
    say("intake server benchmark (release build; loopback only)");
    let mut bench = cargo();
    bench.args(["run", "--quiet", "--profile", "server", "-p", "jmo-selfhelp-server", "--example", "intake-bench"]);
    check(bench, "server benchmark")?;
    say("pages benchmark: the server drawing a deep link with the widget's components (in-process and over HTTP)");
    let mut pages = cargo();
    pages.args(["run", "--quiet", "--profile", "server", "-p", "jmo-selfhelp-server", "--example", "pages-bench"]);
    check(pages, "pages benchmark")?;
    say("walk reports benchmark: 2,000 possible walks among 10,000 forged reports");
    let mut walks = cargo();
    walks.args(["run", "--quiet", "--profile", "server", "-p", "jmo-selfhelp-server", "--example", "walks-bench"]);
    check(walks, "walk reports benchmark")?;
    say("workspace queue benchmark: the queue page with 10,000 complaints waiting");
    let mut queue = cargo();
    queue.args(["run", "--quiet", "--profile", "server", "-p", "jmo-selfhelp-server", "--example", "queue-bench"]);
    check(queue, "queue benchmark")?;
    say("widget speed in headless Chromium: phone profile (CPU 4x slower, slow 4G), cold cache");
    let mut speed = cargo();
    speed.args(["run", "--quiet", "-p", "jmo-e2e", "--bin", "speed"]);
    if strict {
        speed.args(["--", "--strict"]);
    }
    check(speed, "speed benchmark")?;
    lighthouse(strict)?;
    fuzz(30)
}

/// Lighthouse's mobile preset on the start page and a deep link, against the static floor
/// (crates/e2e/src/bin/lighthouse.rs), on the server's release build.
fn lighthouse(strict: bool) -> Result<(), String> {
    tools::browser()?;
    let cli = tools::lighthouse()?;
    say("building the server (release: --profile server)");
    let mut server = cargo();
    server.args(["build", "--quiet", "--profile", "server", "-p", "jmo-selfhelp-server", "--bin", "jmo-selfhelp-server"]);
    check(server, "building the server")?;
    let target = std::env::var_os("CARGO_TARGET_DIR").map(std::path::PathBuf::from).unwrap_or_else(|| root().join("target"));
    say("Lighthouse 12 (mobile preset: simulated slow 4G, CPU 4x slower), performance only, 3 runs of each page");
    let mut run = cargo();
    run.args(["run", "--quiet", "-p", "jmo-e2e", "--bin", "lighthouse"]);
    if strict {
        run.args(["--", "--strict"]);
    }
    run.env("JMO_LIGHTHOUSE", cli).env("JMO_SERVER_BIN", target.join("server/jmo-selfhelp-server"));
    check(run, "Lighthouse benchmark")
}

/// Fuzz targets (fuzz/) in turn, each for `seconds`; a crash fails with its input saved under
/// fuzz/artifacts/<target>/ (keep it under fuzz/regressions/<target>/ and add a test).
pub fn fuzz(seconds: u32) -> Result<(), String> {
    tools::cargo_fuzz()?;
    let target_dir = root().join("target/fuzz");
    for target in ["contract", "contract_fields", "link", "content", "pack"] {
        say(&format!("fuzzing `{target}` for {seconds} s"));
        let corpus = target_dir.join("corpus").join(target);
        std::fs::create_dir_all(&corpus).map_err(|e| e.to_string())?;
        let mut run = cargo();
        run.args(["fuzz", "run", "-s", "none", "-a", target]).arg(&corpus).arg(format!("fuzz/seeds/{target}"));
        run.arg("--");
        let dict = root().join(format!("fuzz/dicts/{target}.dict"));
        if dict.exists() {
            run.arg(format!("-dict={}", dict.display()));
        }
        run.args([format!("-max_total_time={seconds}"), "-timeout=10".into(), "-print_final_stats=1".into()]);
        run.env("CARGO_TARGET_DIR", &target_dir);
        check(run, &format!("fuzz target {target}"))?;
        let regressions = root().join(format!("fuzz/regressions/{target}"));
        if regressions.is_dir() {
            let mut replay = cargo();
            replay.args(["fuzz", "run", "-s", "none", "-a", target]).arg(&regressions).args(["--", "-runs=0"]);
            replay.env("CARGO_TARGET_DIR", &target_dir);
            check(replay, &format!("replaying kept crashes of {target}"))?;
        }
    }
    Ok(())
}

pub fn check_content() -> Result<(), String> {
    match jmo_guide::load::load_checked(&root().join("content")) {
        Ok(content) => {
            let nodes: usize = content.catalog.guides.iter().map(|g| g.nodes.len()).sum();
            say(&format!("content ok: {} guides, {nodes} nodes, version {}", content.catalog.guides.len(), content.catalog.version));
            let new = jmo_guide::validate::unpublished(&content.catalog, &content.published);
            if !new.is_empty() {
                say(&format!("{} id(s) not yet in content/published.lock: run `cargo xtask lock-content` before publishing", new.len()));
            }
            Ok(())
        }
        Err(problems) => {
            for problem in &problems {
                eprintln!("{problem}");
            }
            Err(format!("content/ has {} problem(s)", problems.len()))
        }
    }
}

pub fn lock_content() -> Result<(), String> {
    let content = jmo_guide::load::load_checked(&root().join("content")).map_err(|problems| {
        problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n")
    })?;
    let new = jmo_guide::validate::unpublished(&content.catalog, &content.published);
    let mut entries = content.published;
    entries.extend(new.iter().cloned());
    std::fs::write(root().join("content/published.lock"), jmo_guide::load::render_lock(&entries)).map_err(|e| e.to_string())?;
    say(&format!("added {} id(s) to content/published.lock", new.len()));
    Ok(())
}
