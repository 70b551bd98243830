//! Installing the pinned tools when they are absent. Versions are those that work with rustc 1.95
//! on these machines (../shared/TOOLCHAIN.md); each step says what it does before doing it.

use std::path::{Path, PathBuf};
use std::process::Command;

pub const TRUNK_VERSION: &str = "0.21.14";
/// Must equal the `wasm-bindgen` pinned in Cargo.toml exactly.
pub const WASM_BINDGEN_VERSION: &str = "0.2.130";
pub const BINARYEN_VERSION: &str = "132";
/// libFuzzer through cargo-fuzz; with `-s none` it needs no nightly toolchain.
pub const CARGO_FUZZ_VERSION: &str = "0.13.2";
/// The accessibility rules the end-to-end audit runs in the page.
pub const AXE_CORE_VERSION: &str = "4.14.1";
/// Minifies wasm-bindgen's JS glue after each build (Trunk's own minifier gives up on it).
pub const TERSER_VERSION: &str = "5.51.4";
/// Page-speed audit run by `cargo xtask bench`: the newest 12.x, the last line that runs on
/// Node 20 (13 needs Node 22).
pub const LIGHTHOUSE_VERSION: &str = "12.8.2";

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}

/// Where npm-installed tools go (ignored by git).
pub fn tools_dir() -> PathBuf {
    root().join(".tools")
}

/// PATH with cargo's and our own tool folders first, for every child process.
pub fn path_env() -> String {
    let home = std::env::var("HOME").unwrap_or_else(|_| "/root".into());
    let cargo_bin = std::env::var("CARGO_HOME").map(|h| format!("{h}/bin")).unwrap_or_else(|_| format!("{home}/.cargo/bin"));
    let npm_bin = tools_dir().join("node_modules/.bin");
    format!("{}:{}:{}", npm_bin.display(), cargo_bin, std::env::var("PATH").unwrap_or_default())
}

pub fn command(program: &str) -> Command {
    let mut command = Command::new(program);
    command.env("PATH", path_env()).current_dir(root());
    command
}

pub fn check(mut command: Command, what: &str) -> Result<(), String> {
    let status = command.status().map_err(|e| format!("{what}: could not start: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what} failed ({status})"))
    }
}

fn output_of(program: &str, args: &[&str]) -> Option<String> {
    let output = command(program).args(args).output().ok()?;
    output.status.success().then(|| String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr))
}

pub fn say(message: &str) {
    eprintln!("==> {message}");
}

pub fn wasm_target() -> Result<(), String> {
    let installed = output_of("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if installed.lines().any(|l| l.trim() == "wasm32-unknown-unknown") {
        return Ok(());
    }
    say("installing the wasm32-unknown-unknown Rust target");
    let mut c = command("rustup");
    c.args(["target", "add", "wasm32-unknown-unknown"]);
    check(c, "rustup target add")
}

fn cargo_tool(binary: &str, krate: &str, version: &str, locked: bool) -> Result<(), String> {
    if output_of(binary, &["--version"]).is_some_and(|v| v.contains(version)) {
        return Ok(());
    }
    say(&format!("installing {krate} {version} with cargo install (takes several minutes, once)"));
    let mut c = command("cargo");
    c.args(["install", krate, "--version", version]);
    if locked {
        c.arg("--locked");
    }
    check(c, &format!("cargo install {krate}"))
}

pub fn cargo_fuzz() -> Result<(), String> {
    cargo_tool("cargo-fuzz", "cargo-fuzz", CARGO_FUZZ_VERSION, true)
}

pub fn trunk() -> Result<(), String> {
    cargo_tool("trunk", "trunk", TRUNK_VERSION, true)
}

pub fn wasm_bindgen() -> Result<(), String> {
    // Without --locked: its lock file pins a crate version the registry no longer has.
    cargo_tool("wasm-bindgen", "wasm-bindgen-cli", WASM_BINDGEN_VERSION, false)
}

pub fn wasm_opt() -> Result<(), String> {
    if output_of("wasm-opt", &["--version"]).is_some_and(|v| v.contains(&format!("version {BINARYEN_VERSION}"))) {
        return Ok(());
    }
    npm_package("binaryen", BINARYEN_VERSION, "wasm-opt")
}

pub fn terser() -> Result<(), String> {
    npm_package("terser", TERSER_VERSION, "the JS minifier")
}

/// Lighthouse in .tools/ (when missing) and its command.
pub fn lighthouse() -> Result<PathBuf, String> {
    npm_package("lighthouse", LIGHTHOUSE_VERSION, "Lighthouse, the page-speed audit")?;
    npm_tool("lighthouse")
}

/// An npm tool's command in .tools/ (`node_modules/.bin/<name>`), else the one on PATH; an
/// error naming how to install it when there is neither.
pub fn npm_tool(name: &str) -> Result<PathBuf, String> {
    let local = tools_dir().join("node_modules/.bin").join(name);
    if local.exists() {
        return Ok(local);
    }
    let on_path = std::env::var_os("PATH").into_iter().flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>()).map(|d| d.join(name)).find(|p| p.is_file());
    on_path.ok_or_else(|| format!("{name} is missing (looked in {} and on PATH): run `cargo xtask setup`", local.display()))
}

/// An npm package into .tools/ (not a global install), when that version is not there yet.
pub fn npm_package(name: &str, version: &str, what: &str) -> Result<(), String> {
    let manifest = tools_dir().join("node_modules").join(name).join("package.json");
    let installed = std::fs::read_to_string(&manifest).unwrap_or_default();
    // `version` may be a prefix ("132" matches "132.0.0"). For binaryen the caller already found
    // its wasm-opt missing or wrong, so it is installed again whatever the manifest says.
    if name != "binaryen" && installed.contains(&format!("\"version\": \"{version}")) {
        return Ok(());
    }
    say(&format!("installing {what} ({name} {version}) from npm into .tools/"));
    std::fs::create_dir_all(tools_dir()).map_err(|e| e.to_string())?;
    let mut c = command("npm");
    c.args(["install", "--no-audit", "--no-fund", "--prefix"]).arg(tools_dir()).arg(format!("{name}@{version}"));
    check(c, &format!("npm install {name}"))
}

/// Debian packages, installed when one of their files is missing.
fn apt(packages: &[(&str, &str)]) -> Result<(), String> {
    let missing: Vec<&str> = packages.iter().filter(|(file, _)| glob_first(file).is_none()).map(|(_, p)| *p).collect();
    if missing.is_empty() {
        return Ok(());
    }
    say(&format!("installing Debian packages: {}", missing.join(" ")));
    let is_root = output_of("id", &["-u"]).is_some_and(|id| id.trim() == "0");
    let apt_get = |args: &[&str]| {
        let mut c = if is_root { command("apt-get") } else { let mut c = command("sudo"); c.args(["-n", "apt-get"]); c };
        c.env("DEBIAN_FRONTEND", "noninteractive").args(args);
        c
    };
    check(apt_get(&["update", "-q"]), "apt-get update")?;
    let mut install = vec!["install", "-y", "-q", "--no-install-recommends"];
    install.extend(&missing);
    check(apt_get(&install), "apt-get install").map_err(|e| {
        format!("{e}; install them by hand with: sudo apt-get install -y {}", missing.join(" "))
    })
}

/// The first path matching a pattern with one `*` segment (e.g. /usr/lib/postgresql/*/bin/postgres).
pub fn glob_first(pattern: &str) -> Option<PathBuf> {
    let Some((before, after)) = pattern.split_once('*') else {
        return Path::new(pattern).exists().then(|| PathBuf::from(pattern));
    };
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(before).ok()?.flatten().map(|e| e.path()).collect();
    dirs.sort();
    dirs.into_iter().rev().map(|d| PathBuf::from(format!("{}{after}", d.display()))).find(|p| p.exists())
}

pub fn browser() -> Result<(), String> {
    apt(&[("/usr/bin/chromium", "chromium"), ("/usr/bin/chromedriver", "chromium-driver")])?;
    npm_package("axe-core", AXE_CORE_VERSION, "the accessibility audit's rules")
}

/// Graphviz's `dot`, which lays out the guides' maps (`cargo xtask map`, the workspace's).
pub fn graphviz() -> Result<(), String> {
    apt(&[("/usr/bin/dot", "graphviz")])
}

pub fn postgres() -> Result<(), String> {
    apt(&[("/usr/lib/postgresql/*/bin/postgres", "postgresql")])
}

/// What building the widget needs.
pub fn widget_build() -> Result<(), String> {
    wasm_target()?;
    wasm_bindgen()?;
    wasm_opt()?;
    terser()?;
    trunk()
}

pub fn setup_all() -> Result<(), String> {
    widget_build()?;
    browser()?;
    graphviz()?;
    postgres()
}
