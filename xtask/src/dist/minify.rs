//! The release build's second pass: wasm-opt with what Trunk does not pass, terser on scripts.

use std::path::Path;
use std::process::Command;

use crate::tools;

/// wasm-opt again, after Trunk's `-Oz`, with what Trunk does not pass: low memory is unused
/// (Rust puts the stack there, growing down from 1 MB, so only an overflowing stack could reach
/// the first kilobyte), run the passes until nothing changes, and drop the producers and
/// target-features sections. About 1 KB gzip off the widget.
pub(super) fn optimize_wasm(wasm: &Path) -> Result<(), String> {
    let wasm_opt = tools::npm_tool("wasm-opt")?;
    let out = wasm.with_extension("wasm.opt");
    let mut c = Command::new(&wasm_opt);
    c.arg(wasm).args(["-Oz", "--low-memory-unused", "--converge", "--strip-producers", "--strip-target-features", "-o"]).arg(&out);
    run(c, &format!("wasm-opt on {}", wasm.display()))?;
    std::fs::rename(&out, wasm).map_err(|e| format!("{}: {e}", wasm.display()))
}

/// Minifies a script in place with terser: an ES module (wasm-bindgen's glue: its top-level
/// names are private to it, only the exports keep their names) or a classic script.
pub(super) fn minify_js(path: &Path, module: bool) -> Result<(), String> {
    let terser = tools::npm_tool("terser")?;
    let out = path.with_extension("min.js");
    let mut c = Command::new(&terser);
    c.arg(path).args(["--compress", "passes=2", "--mangle"]);
    if module {
        c.args(["--module", "--toplevel"]);
    }
    c.arg("--output").arg(&out);
    run(c, &format!("terser on {}", path.display()))?;
    std::fs::rename(&out, path).map_err(|e| format!("{}: {e}", path.display()))
}

fn run(mut command: Command, what: &str) -> Result<(), String> {
    command.env("PATH", tools::path_env());
    let output = command.output().map_err(|e| format!("{what}: could not start: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!("{what} failed ({}):\n{}", output.status, String::from_utf8_lossy(&output.stderr)))
    }
}
