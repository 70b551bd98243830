//! Index.html as the build leaves it: its inline scripts, the boot files inert until the first
//! paint, and no integrity hash left behind.

use std::path::Path;

use jmo_contract::fnv::Fnv;

use super::files::write;
use super::minify::minify_js;

/// Index.html's inline scripts, in one pass: each inline module `<script type="module">`
/// (Trunk's loader) moves into a file of its own, so the page keeps one small inline script only
/// (index.html's, allowed by its hash), which starts it; in release builds that classic script is
/// minified with terser (Trunk's minifier leaves it as written, comments and all; the server
/// hashes what it serves). Tolerant of how the tags are written (minified HTML drops the quotes).
pub(super) fn inline_scripts(staging: &Path, index: &str, minify: bool) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = index;
    while let Some(start) = rest.find("<script") {
        let tag_end = rest[start..].find('>').map(|i| start + i).ok_or("unclosed <script> tag")?;
        let close = rest[tag_end..].find("</script>").map(|i| tag_end + i).ok_or("unclosed <script>")?;
        let (tag, script) = (&rest[start..=tag_end], &rest[tag_end + 1..close]);
        out.push_str(&rest[..start]);
        if tag.contains("src=") || script.trim().is_empty() {
            out.push_str(&rest[start..close + "</script>".len()]);
        } else if tag.contains("module") {
            let script = script.trim();
            let name = format!("loader-{:016x}.js", Fnv::of(script.as_bytes()));
            write(&staging.join(&name), script)?;
            // Inert until the first paint, like the preloads (`boot_after_first_paint`).
            out.push_str(&format!("<link data-boot=\"module\" href=\"/{name}\">"));
        } else {
            out.push_str(tag);
            out.push_str(&if minify { minified(staging, script)? } else { script.to_owned() });
            out.push_str("</script>");
        }
        rest = &rest[close + "</script>".len()..];
    }
    out.push_str(rest);
    Ok(out)
}

fn minified(staging: &Path, script: &str) -> Result<String, String> {
    let path = staging.join("inline-script.tmp.js");
    write(&path, script)?;
    minify_js(&path, false)?;
    let minified = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    std::fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(minified.trim_end().trim_end_matches(';').to_owned())
}

/// Keeps the widget's boot files from being fetched before the page has painted, so the question
/// the server drew is shown as soon as its HTML is here (the wasm is downloaded after, not beside
/// it): each `preload`/`modulepreload` link's `rel` becomes `data-boot` (index.html's inline
/// script puts it back after the first paint). Drops the `modulepreload` of wasm-bindgen's
/// snippets (the JS the Rust code imports): the glue imports them, and over HTTP/1.1 a browser
/// opens six connections to a host, which these small files took from the loader and the wasm.
pub(super) fn boot_after_first_paint(index: &str) -> String {
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
pub(super) fn refuse_integrity(index: &str) -> Result<(), String> {
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
        let dir = std::env::temp_dir().join(format!("xtask-index-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let index = "<script>if(location.hash)x()</script><script type=module>import init from '/w.js';init()</script><script src=/a.js></script>";
        let out = inline_scripts(&dir, index, false).unwrap();
        let name = format!("loader-{:016x}.js", Fnv::of(b"import init from '/w.js';init()"));
        assert_eq!(out, format!("<script>if(location.hash)x()</script><link data-boot=\"module\" href=\"/{name}\"><script src=/a.js></script>"));
        assert_eq!(std::fs::read_to_string(dir.join(&name)).unwrap(), "import init from '/w.js';init()");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
