//! `cargo xtask <task>`: the project's one entry point. Each task first installs what is missing
//! (pinned versions, see ../shared/TOOLCHAIN.md), saying what it does, then does its work.

mod dist;
mod map;
mod size;
mod tasks;
mod tools;

use std::process::ExitCode;

const HELP: &str = "\
usage: cargo xtask <task>

  run            install what is missing, build the widget, serve it on http://127.0.0.1:8080 and open a browser
  test           install what is missing and run every test (native, PostgreSQL, headless Chromium, size budget)
  bench          size report, intake, pages, walk-report and queue server benchmarks, speed on a phone profile, Lighthouse, 30 s of each fuzz target
  bench lighthouse [--strict]
                 Lighthouse's mobile preset only (start page and a deep link against static pages)
  fuzz [SECONDS] run each fuzz target (fuzz/) for SECONDS (default 60)
  size           build the widget and print the size report only
  map [GUIDE]    draw each guide (or GUIDE) as a graph from content/ with Graphviz: target/map/<guide>.svg
  check-content  check content/ and list every problem
  lock-content   add newly published guide and node ids to content/published.lock
  setup          only install what is missing
";

fn main() -> ExitCode {
    let task = std::env::args().nth(1).unwrap_or_default();
    let result = match task.as_str() {
        "run" => tasks::run(),
        "test" => tasks::test(),
        "bench" => tasks::bench(),
        "fuzz" => match std::env::args().nth(2).map(|s| s.parse::<u32>()) {
            None => tasks::fuzz(60),
            Some(Ok(seconds)) => tasks::fuzz(seconds),
            Some(Err(_)) => Err("usage: cargo xtask fuzz [SECONDS]".into()),
        },
        "size" => tasks::size(),
        "map" => map::map(std::env::args().nth(2).as_deref()),
        "check-content" => tasks::check_content(),
        "lock-content" => tasks::lock_content(),
        "setup" => tools::setup_all(),
        // Trunk's post_build hook (see Trunk.toml), not for people.
        "finish-dist" => match std::env::var_os("TRUNK_STAGING_DIR") {
            Some(dir) => dist::finish(std::path::Path::new(&dir)),
            None => Err("finish-dist runs as Trunk's post_build hook (TRUNK_STAGING_DIR is not set)".into()),
        },
        "help" | "--help" | "-h" => {
            print!("{HELP}");
            Ok(())
        }
        other => Err(format!("unknown task `{other}`\n\n{HELP}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}
