//! Finishing a Trunk build (run as Trunk's post_build hook), in the staging folder:
//!  - the files of the guides the widget downloads, one per guide and language;
//!  - in release builds, a second, stricter wasm-opt pass and terser on wasm-bindgen's JS glue
//!    and snippets (Trunk's own JS minifier gives up on them): the first load has a 100 KB budget;
//!  - index.html's inline script minified (release builds), and Trunk's inline loader module moved into a file (the server allows the page's other inline
//!    script and style by their hashes; it draws every page into `#app`, see docs/rendering.md);
//!  - the widget's glue and wasm named after their final bytes (they are cached for good);
//!  - nothing fetched before the first paint: the loader, the glue's `modulepreload` and the
//!    wasm's `preload` become inert `<link data-boot=…>` tags that index.html's inline script
//!    turns back on once the page has painted (no `modulepreload` of the snippets at all: the
//!    glue imports them; the connections are better spent on the loader and the wasm);
//!  - no `integrity` hash left behind (Trunk's would no longer match the rewritten files);
//!  - brotli and gzip copies of every text and wasm file.

use std::path::{Path, PathBuf};
use std::process::Command;


use crate::tools;

pub fn finish(staging: &Path) -> Result<(), String> {
    let content = jmo_guide::load::load_checked(&tools::root().join("content"))
        .map_err(|problems| problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n"))?;
    for (name, packed) in jmo_guide::pack::part_files(&content.catalog) {
        write(&staging.join(name), &packed)?;
    }

    // Release builds only: a debug build (`trunk serve`) keeps its names and readable JS.
    let release = std::env::var("TRUNK_PROFILE").map_or(true, |profile| profile == "release");
    if release {
        for (js, wasm) in wasm_bindgen_outputs(staging)? {
            optimize_wasm(&wasm)?;
            minify_js(&js, true)?;
        }
        // The JS the Rust code imports (`#[wasm_bindgen(module = …)]`, `inline_js`): modules too.
        for js in files_under(&staging.join("snippets"), "js")? {
            minify_js(&js, true)?;
        }
    }

    let index_path = staging.join("index.html");
    let index = std::fs::read_to_string(&index_path).map_err(|e| format!("{}: {e}", index_path.display()))?;
    let index = if release { minify_inline_scripts(staging, &index)? } else { index };
    let index = rename_by_final_content(staging, &index)?;
    let index = externalize_inline_modules(staging, &index)?;
    let index = boot_after_first_paint(&index);
    refuse_integrity(&index)?;
    write(&index_path, &index)?;
    precompress(staging)
}

/// The `(X.js, X_bg.wasm)` pairs wasm-bindgen wrote (the widget and the lazily loaded form).
fn wasm_bindgen_outputs(dir: &Path) -> Result<Vec<(PathBuf, PathBuf)>, String> {
    let mut pairs = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let wasm = entry.map_err(|e| e.to_string())?.path();
        let name = wasm.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if let Some(stem) = name.strip_suffix("_bg.wasm") {
            let js = dir.join(format!("{stem}.js"));
            if js.is_file() {
                pairs.push((js, wasm));
            }
        }
    }
    pairs.sort();
    if pairs.is_empty() {
        return Err(format!("no wasm-bindgen output (X.js beside X_bg.wasm) in {}", dir.display()));
    }
    Ok(pairs)
}

/// Trunk names the widget's glue and wasm `<name>-<16 hex>` from what it built; this hook then
/// rewrote them. The server lets browsers keep such names forever, so they must name the final
/// bytes: a new terser or wasm-opt (or flags) with the same Rust code would otherwise ship new
/// bytes under a name phones have cached, and fail their integrity check. Renames each pair by a
/// hash of both files and replaces the old name in the page (its inline loader included) and in
/// the glue.
fn rename_by_final_content(staging: &Path, index: &str) -> Result<String, String> {
    let mut index = index.to_owned();
    for (js, wasm) in wasm_bindgen_outputs(staging)? {
        let stem = js.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
        let Some((name, hash)) = stem.rsplit_once('-') else { continue };
        if hash.len() != 16 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            continue; // not content-hashed (the form's `complaint_form`): revalidated anyway
        }
        let read = |path: &Path| std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()));
        let (js_bytes, wasm_bytes) = (read(&js)?, read(&wasm)?);
        let new_stem = format!("{name}-{:016x}", fnv(&[js_bytes.as_slice(), wasm_bytes.as_slice()].concat()));
        if !index.contains(&stem) {
            return Err(format!("index.html does not name {stem}"));
        }
        index = index.replace(&stem, &new_stem);
        let glue = String::from_utf8(js_bytes).map_err(|e| format!("{}: {e}", js.display()))?.replace(&stem, &new_stem);
        write(&staging.join(format!("{new_stem}.js")), &glue)?;
        std::fs::rename(&wasm, staging.join(format!("{new_stem}_bg.wasm"))).map_err(|e| format!("{}: {e}", wasm.display()))?;
        std::fs::remove_file(&js).map_err(|e| format!("{}: {e}", js.display()))?;
    }
    Ok(index)
}

/// Every `*.<ext>` file under `dir` (none when it does not exist).
fn files_under(dir: &Path, ext: &str) -> Result<Vec<PathBuf>, String> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return Ok(found) };
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            found.extend(files_under(&path, ext)?);
        } else if path.extension().is_some_and(|e| e == ext) {
            found.push(path);
        }
    }
    found.sort();
    Ok(found)
}

/// wasm-opt again, after Trunk's `-Oz`, with what Trunk does not pass: low memory is unused
/// (Rust puts the stack there, growing down from 1 MB, so only an overflowing stack could reach
/// the first kilobyte), run the passes until nothing changes, and drop the producers and
/// target-features sections. About 1 KB gzip off the widget.
fn optimize_wasm(wasm: &Path) -> Result<(), String> {
    let wasm_opt = tools::npm_tool("wasm-opt")?;
    let out = wasm.with_extension("wasm.opt");
    let mut c = Command::new(&wasm_opt);
    c.arg(wasm).args(["-Oz", "--low-memory-unused", "--converge", "--strip-producers", "--strip-target-features", "-o"]).arg(&out);
    run(c, &format!("wasm-opt on {}", wasm.display()))?;
    std::fs::rename(&out, wasm).map_err(|e| format!("{}: {e}", wasm.display()))
}

/// Minifies a script in place with terser: an ES module (wasm-bindgen's glue: its top-level
/// names are private to it, only the exports keep their names) or a classic script.
fn minify_js(path: &Path, module: bool) -> Result<(), String> {
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

/// Keeps the widget's boot files from being fetched before the page has painted, so the question
/// the server drew is shown as soon as its HTML is here (the wasm is downloaded after, not beside
/// it): each `preload`/`modulepreload` link's `rel` becomes `data-boot` (index.html's inline
/// script puts it back after the first paint). Drops the `modulepreload` of wasm-bindgen's
/// snippets (the JS the Rust code imports): the glue imports them, and over HTTP/1.1 a browser
/// opens six connections to a host, which these small files took from the loader and the wasm.
fn boot_after_first_paint(index: &str) -> String {
    let mut out = String::with_capacity(index.len());
    let mut rest = index;
    while let Some(start) = rest.find("<link") {
        let end = rest[start..].find('>').map_or(rest.len(), |i| start + i + 1);
        let tag = &rest[start..end];
        out.push_str(&rest[..start]);
        let href = attr(tag, "href").map(|(f, t)| &tag[f..t]);
        let rel = attr(tag, "rel").map(|(f, t)| (f, &tag[f..t]));
        let snippet = href.is_some_and(|h| h.trim_start_matches("./").trim_start_matches('/').starts_with("snippets/"));
        match rel {
            Some((_, "modulepreload")) if snippet => {}
            Some((value, "modulepreload" | "preload")) => {
                let name = tag[..value].rfind("rel=").unwrap_or(0);
                out.push_str(&tag[..name]);
                out.push_str("data-boot=");
                out.push_str(&tag[name + "rel=".len()..]);
            }
            _ => out.push_str(tag),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// No tag may keep an `integrity` hash: Trunk computes them before this hook rewrites the files
/// (browsers would refuse them). The widget's files are same-origin, named after their bytes and
/// allowed by the CSP's `'self'`, so index.html asks for none (`data-integrity="none"`): 130 bytes
/// of the first load's budget.
fn refuse_integrity(index: &str) -> Result<(), String> {
    match index.split('<').find(|tag| attr(&format!("<{tag}"), "integrity").is_some()) {
        Some(tag) => Err(format!("index.html: <{} has an integrity hash made before this hook rewrote its file (add data-integrity=\"none\")", tag.split('>').next().unwrap_or(tag))),
        None => Ok(()),
    }
}

/// Where the value of attribute `name` is in `tag` (quoted or not, as minified HTML writes it).
fn attr(tag: &str, name: &str) -> Option<(usize, usize)> {
    let bytes = tag.as_bytes();
    let mut from = 0;
    while let Some(i) = tag[from..].find(name).map(|i| from + i) {
        from = i + name.len();
        let starts_attr = i > 0 && bytes[i - 1].is_ascii_whitespace();
        if !starts_attr || bytes.get(from) != Some(&b'=') {
            continue;
        }
        let value = from + 1;
        return match bytes.get(value) {
            Some(&q @ (b'"' | b'\'')) => tag[value + 1..].find(q as char).map(|len| (value + 1, value + 1 + len)),
            _ => Some((value, tag[value..].find(|c: char| c.is_ascii_whitespace() || c == '>').map_or(tag.len(), |len| value + len))),
        };
    }
    None
}

/// Writes `.br` and `.gz` next to every text and wasm file (snippets/ included), for the server
/// to send as they are.
fn precompress(dir: &Path) -> Result<(), String> {
    for ext in ["html", "js", "wasm", "css", "txt"] {
        for path in files_under(dir, ext)? {
            let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let with = |ext: &str| format!("{}.{ext}", path.display());
            std::fs::write(with("gz"), crate::size::gzip_bytes(&bytes)).map_err(|e| e.to_string())?;
            std::fs::write(with("br"), crate::size::brotli_bytes(&bytes)).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// Minifies index.html's inline classic scripts with terser (Trunk's minifier leaves them as
/// written, comments and all; the server hashes what it serves).
fn minify_inline_scripts(staging: &Path, index: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = index;
    while let Some(start) = rest.find("<script") {
        let tag_end = rest[start..].find('>').map(|i| start + i).ok_or("unclosed <script> tag")?;
        let close = rest[tag_end..].find("</script>").map(|i| tag_end + i).ok_or("unclosed <script>")?;
        out.push_str(&rest[..=tag_end]);
        let (tag, script) = (&rest[start..=tag_end], &rest[tag_end + 1..close]);
        if tag.contains("src=") || tag.contains("module") || script.trim().is_empty() {
            out.push_str(script);
        } else {
            let path = staging.join("inline-script.tmp.js");
            write(&path, script)?;
            minify_js(&path, false)?;
            let minified = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            std::fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            out.push_str(minified.trim_end().trim_end_matches(';'));
        }
        out.push_str("</script>");
        rest = &rest[close + "</script>".len()..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Moves each inline module `<script type="module">` (Trunk's loader) into its own file, so the
/// page has one small inline script only (index.html's, allowed by its hash), which starts it.
/// Tolerant of how the tag is written (minified HTML drops the quotes).
fn externalize_inline_modules(staging: &Path, index: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = index;
    while let Some(start) = rest.find("<script") {
        let tag_end = rest[start..].find('>').map(|i| start + i).ok_or("unclosed <script> tag")?;
        let tag = &rest[start..=tag_end];
        let close = rest[tag_end..].find("</script>").map(|i| tag_end + i).ok_or("unclosed <script>")?;
        out.push_str(&rest[..start]);
        if tag.contains("src=") || !tag.contains("module") {
            out.push_str(&rest[start..close + "</script>".len()]);
        } else {
            let script = rest[tag_end + 1..close].trim();
            let name = format!("loader-{:016x}.js", fnv(script.as_bytes()));
            write(&staging.join(&name), script)?;
            // Inert until the first paint, like the preloads (`boot_after_first_paint`).
            out.push_str(&format!("<link data-boot=\"module\" href=\"/{name}\">"));
        }
        rest = &rest[close + "</script>".len()..];
    }
    out.push_str(rest);
    Ok(out)
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_attributes_quoted_or_not() {
        let tag = "<link crossorigin href=./a.js integrity=sha384-abc/+= rel=modulepreload>";
        let (f, t) = attr(tag, "integrity").unwrap();
        assert_eq!(&tag[f..t], "sha384-abc/+=");
        let (f, t) = attr(tag, "href").unwrap();
        assert_eq!(&tag[f..t], "./a.js");
        let tag = "<script type=\"module\" src=\"./x.js\" data-src=y>";
        let (f, t) = attr(tag, "src").unwrap();
        assert_eq!(&tag[f..t], "./x.js");
        assert_eq!(attr("<a href=#/>", "integrity"), None);
        assert_eq!(attr("<a data-href=x>", "href"), None);
    }

    #[test]
    fn hashed_outputs_are_renamed_after_their_final_bytes() {
        let dir = tempdir().join("rename");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("w-0123456789abcdef.js"), "fetch('w-0123456789abcdef_bg.wasm')").unwrap();
        std::fs::write(dir.join("w-0123456789abcdef_bg.wasm"), [0, 97, 115, 109]).unwrap();
        std::fs::write(dir.join("form.js"), "f").unwrap();
        std::fs::write(dir.join("form_bg.wasm"), "f").unwrap();
        let index = "<link href=./w-0123456789abcdef.js><script>import('./w-0123456789abcdef.js')</script>";
        let out = rename_by_final_content(&dir, index).unwrap();
        let stem = out.split("./").nth(1).unwrap().split(".js").next().unwrap().to_owned();
        assert!(stem.starts_with("w-") && stem != "w-0123456789abcdef", "{out}");
        assert_eq!(out, index.replace("w-0123456789abcdef", &stem));
        assert_eq!(std::fs::read_to_string(dir.join(format!("{stem}.js"))).unwrap(), format!("fetch('{stem}_bg.wasm')"));
        assert!(dir.join(format!("{stem}_bg.wasm")).is_file() && !dir.join("w-0123456789abcdef.js").exists());
        assert!(dir.join("form.js").is_file(), "names without a hash stay");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn boot_files_wait_for_the_first_paint_and_snippets_are_not_preloaded() {
        let index = "<link href=./a.css rel=stylesheet><link crossorigin href=./w.js rel=modulepreload>\
                     <link crossorigin href=./snippets/w-1/src/host.js integrity=sha384-x rel=modulepreload>\
                     <link as=fetch href=/w_bg.wasm rel=\"preload\" type=application/wasm><title>t</title>";
        assert_eq!(
            boot_after_first_paint(index),
            "<link href=./a.css rel=stylesheet><link crossorigin href=./w.js data-boot=modulepreload>\
             <link as=fetch href=/w_bg.wasm data-boot=\"preload\" type=application/wasm><title>t</title>"
        );
    }

    #[test]
    fn an_integrity_hash_left_behind_stops_the_build() {
        assert!(refuse_integrity("<link crossorigin href=./a.js integrity=sha384-stale rel=modulepreload><p>x</p>").is_err());
        assert!(refuse_integrity("<link crossorigin href=./a.js data-boot=modulepreload><p>integrity=</p>").is_ok());
    }

    #[test]
    fn only_inline_modules_move_into_files() {
        let dir = tempdir().join("modules");
        std::fs::create_dir_all(&dir).unwrap();
        let index = "<script>if(location.hash)x()</script><script type=module>import init from '/w.js';init()</script><script src=/a.js></script>";
        let out = externalize_inline_modules(&dir, index).unwrap();
        let name = format!("loader-{:016x}.js", fnv(b"import init from '/w.js';init()"));
        assert_eq!(out, format!("<script>if(location.hash)x()</script><link data-boot=\"module\" href=\"/{name}\"><script src=/a.js></script>"));
        assert_eq!(std::fs::read_to_string(dir.join(&name)).unwrap(), "import init from '/w.js';init()");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn tempdir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-dist-test-{}-{:?}", std::process::id(), std::thread::current().id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
