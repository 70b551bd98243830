//! Finishing a Trunk build (run as Trunk's post_build hook), in the staging folder:
//!  - the downloadable guide pack;
//!  - in release builds, a second, stricter wasm-opt pass and terser on wasm-bindgen's JS glue
//!    and snippets (Trunk's own JS minifier gives up on them): the first load has a 100 KB budget;
//!  - the start screen prerendered into `index.html`, so the first question shows and its answers
//!    work before the wasm arrives, with a small boot script deciding whether it fits the link;
//!  - the inline loader script moved into a file, so a strict Content-Security-Policy can forbid
//!    inline scripts;
//!  - the widget's glue and wasm named after their final bytes (they are cached for good);
//!  - no `modulepreload` of the snippets (the glue imports them; the connections are better
//!    spent on the boot script and the wasm);
//!  - the `integrity` hashes of what was rewritten, recomputed;
//!  - brotli and gzip copies of every text and wasm file.

use std::path::{Path, PathBuf};
use std::process::Command;

use jmo_guide::link::Link;
use jmo_guide::Lang;

use crate::tools;

pub fn finish(staging: &Path) -> Result<(), String> {
    let content = jmo_guide::load::load_checked(&tools::root().join("content"))
        .map_err(|problems| problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n"))?;
    let pack_name = format!("content-{}.txt", content.catalog.version);
    write(&staging.join(&pack_name), &jmo_guide::pack::pack(&content.catalog))?;

    // Release builds only: a debug build (`trunk serve`) keeps its names and readable JS.
    if std::env::var("TRUNK_PROFILE").map_or(true, |profile| profile == "release") {
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
    let index = rename_by_final_content(staging, &index)?;
    let boot_path = staging.join("boot.js");
    write(&boot_path, &BOOT_JS.replace("PACK", &format!("'./{pack_name}'")))?;
    minify_js(&boot_path, false)?;
    let boot = std::fs::read(&boot_path).map_err(|e| format!("{}: {e}", boot_path.display()))?;
    let boot_name = format!("boot-{:016x}.js", fnv(&boot));
    std::fs::rename(&boot_path, staging.join(&boot_name)).map_err(|e| format!("{boot_name}: {e}"))?;
    let index = insert_start_screen(&index, &start_screen_html(&content)?, &boot_name)?;
    let index = externalize_inline_scripts(staging, &index)?;
    let index = drop_snippet_preloads(&index);
    let index = update_integrity(staging, &index)?;
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

/// The start screen exactly as the widget renders it for `#/` in Indonesian (src/app.rs,
/// src/components/header.rs, src/components/start_screen.rs; crates/e2e/tests/prerender.rs
/// checks that they match), hidden until the boot script has checked that it fits the link.
fn start_screen_html(content: &jmo_guide::load::Content) -> Result<String, String> {
    let lang = Lang::Id;
    let shell = |key: &str| {
        content.shell_texts.iter().find(|(k, _)| k == key).map(|(_, t)| esc(t.get(lang))).ok_or(format!("content/ui.toml has no shell.{key}"))
    };
    // What the widget compiles in (build.rs): the catalog without the guides' steps.
    let head = jmo_guide::pack::head(&content.catalog);
    let start_href = Link::start().encode();
    let mut guides = String::new();
    for guide in head.start_guides() {
        let href = Link { guide: Some(guide.id.to_string()), ..Link::start() };
        guides += &format!(
            "<li><a class=\"choice\" href=\"{}\"><span class=\"choice-label\">{}</span>{}</a></li>",
            esc(&href.encode()),
            esc(guide.title.get(lang)),
            if guide.summary.is_empty() { String::new() } else { format!("<span class=\"choice-hint\">{}</span>", esc(guide.summary.get(lang))) }
        );
    }
    let intro: String = head.start.intro.paragraphs(lang).map(|p| format!("<p class=\"lead\">{}</p>", esc(p))).collect();
    let lang_button = |code: &str, pressed: bool, name: String| {
        format!("<button type=\"button\" class=\"lang\" lang=\"{code}\" aria-pressed=\"{pressed}\">{name}</button>")
    };
    Ok(format!(
        "<div class=\"page\" hidden>\
           <a class=\"skip-link\" href=\"#main\">{skip}</a>\
           <header class=\"header\"><a class=\"brand\" href=\"{start}\">{app}</a>\
             <div class=\"lang-switch\" role=\"group\" aria-label=\"{language}\">{id}{en}</div></header>\
           <main id=\"main\" tabindex=\"-1\"><section class=\"screen start\" aria-labelledby=\"screen-title\">\
             <h1 id=\"screen-title\" tabindex=\"-1\">{title}</h1>{intro}<ul class=\"choices\">{guides}</ul></section></main>\
           <footer class=\"footer\"><p>{privacy}</p><p><a href=\"{check}\">{check_link}</a></p></footer>\
         </div>",
        skip = shell("skip_to_content")?,
        start = esc(&start_href),
        app = shell("app_name")?,
        language = shell("language")?,
        id = lang_button("id", true, shell("lang_id_name")?),
        en = lang_button("en", false, shell("lang_en_name")?),
        title = esc(head.start.title.get(lang)),
        privacy = shell("privacy_note")?,
        // src/state.rs: CHECK_PAGE, the "check my complaint" screen.
        check = "#/check",
        check_link = shell("check_link")?,
    ))
}

/// Decides, before anything is painted, between the prerendered start screen and the "loading"
/// message: the prerender only fits a plain (not embedded) start link in Indonesian (from the
/// link, else the language stored on this device, as src/state.rs decides). Until the wasm takes
/// over it also keeps the prerender honest: the language buttons, a followed answer link (which
/// shows the loading message and starts downloading the guides), and focus carried over.
const BOOT_JS: &str = r##"(function () {
  var d = document, app = d.getElementById('app');
  var page = app && app.querySelector('.page'), boot = app && app.querySelector('.boot');
  if (!page || !boot) return;
  var focused = -1, started = false, preloaded = false;
  // What `#…` opens: { lang, embed } for a start link, 'step' for a guide, null for a bad link.
  function open(h) {
    var link = { lang: null, embed: false };
    if (h.slice(0, 2) !== '#/') return link;
    if (h.length > 2048) return null;
    var q = h.indexOf('?'), path = q < 0 ? h.slice(2) : h.slice(2, q), bad = false;
    (q < 0 ? '' : h.slice(q + 1)).split('&').forEach(function (p) {
      var i = p.indexOf('='), k = i < 0 ? p : p.slice(0, i), v = i < 0 ? '' : p.slice(i + 1);
      if (k === 'lang') { if (v === 'id' || v === 'en') link.lang = v; else bad = true; }
      if (k === 'embed') link.embed = v === '1';
      if (k === 'a' && v.replace(/~/g, '')) bad = true;
    });
    // A guide (or a bad link); `#/check` is the form module's screen.
    if (path.replace(/\//g, '')) return path === 'check' ? null : 'step';
    return bad ? null : link;
  }
  function stored() {
    try { var l = localStorage.getItem('jmo.lang'); return l === 'id' || l === 'en' ? l : null; } catch (e) { return null; }
  }
  function show(keep) {
    var link = open(location.hash);
    // Embedded, the widget adds a close button the prerender does not have: it waits for the wasm.
    var fits = !!link && link !== 'step' && !link.embed && (link.lang || stored() || 'id') === 'id';
    if (link === 'step' && !preloaded) {
      // The guides are needed at once: download them beside the wasm.
      preloaded = true;
      var l = d.createElement('link');
      l.rel = 'preload'; l.as = 'fetch'; l.crossOrigin = 'anonymous'; l.href = PACK;
      d.head.appendChild(l);
    }
    if (!fits && !keep) focused = -1;
    page.hidden = !fits;
    boot.hidden = fits;
  }
  show(true);
  addEventListener('hashchange', function () { if (!started) show(false); });
  page.addEventListener('focusin', function (e) { focused = [].indexOf.call(page.querySelectorAll('*'), e.target); });
  page.addEventListener('click', function (e) {
    var b = e.target.closest && e.target.closest('button.lang');
    if (!b) return;
    // As the widget's language switch does: remember it, and drop a `lang=` from the link.
    try { localStorage.setItem('jmo.lang', b.getAttribute('lang')); } catch (x) {}
    var link = open(location.hash);
    if (location.hash.indexOf('lang=') >= 0 && link && link !== 'step') history.replaceState(null, '', '#/');
    show(true);
  });
  addEventListener('TrunkApplicationStarted', function () {
    started = true;
    // The widget replaced the prerender with the same markup: keep the focus where it was.
    var a = d.activeElement;
    if (focused >= 0 && (!a || a === d.body) && app.querySelector('.start')) {
      var el = app.querySelector('.page').querySelectorAll('*')[focused];
      if (el && el.focus) el.focus();
    }
  });
})();
"##;

/// Puts the prerendered start screen and the boot script into `#app`, before its `<noscript>`:
/// the boot script runs once both it and the (hidden) loading message are parsed, and before the
/// first paint (it is fetched beside the stylesheet, which holds painting anyway).
fn insert_start_screen(index: &str, screen: &str, boot_name: &str) -> Result<String, String> {
    let app = ["<div id=app>", "<div id=\"app\">"].iter().find_map(|tag| index.find(tag)).ok_or("index.html has no <div id=\"app\">")?;
    let at = index[app..].find("<noscript").map(|i| app + i).ok_or("index.html: #app must keep its <noscript> message")?;
    let boot = &index[app..at];
    if !boot.contains("class=boot") && !boot.contains("class=\"boot\"") || !boot.contains("hidden") {
        return Err("index.html: #app must start with its loading message, `<p class=\"boot\" role=\"status\" hidden>`".into());
    }
    Ok(format!("{}{screen}<script src=\"./{boot_name}\"></script>{}", &index[..at], &index[at..]))
}

fn esc(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Drops Trunk's `modulepreload` of wasm-bindgen's snippets (the JS the Rust code imports): the
/// glue imports them, and it is preloaded itself. Over HTTP/1.1 a browser opens six connections
/// to a host, and these small files took the ones the boot script and the wasm need at once.
fn drop_snippet_preloads(index: &str) -> String {
    let mut out = String::with_capacity(index.len());
    let mut rest = index;
    while let Some(start) = rest.find("<link") {
        let end = rest[start..].find('>').map_or(rest.len(), |i| start + i + 1);
        let tag = &rest[start..end];
        out.push_str(&rest[..start]);
        let href = attr(tag, "href").map(|(f, t)| &tag[f..t]);
        let snippet = href.is_some_and(|h| h.trim_start_matches("./").starts_with("snippets/")) && tag.contains("modulepreload");
        if !snippet {
            out.push_str(tag);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Recomputes the `integrity="sha384-…"` of every tag whose file this hook rewrote (Trunk
/// computed them before): browsers refuse a preloaded script or wasm whose hash differs.
fn update_integrity(staging: &Path, index: &str) -> Result<String, String> {
    use base64::Engine as _;
    use sha2::Digest as _;
    let mut out = String::with_capacity(index.len());
    let mut rest = index;
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>').map(|i| start + i).ok_or("unclosed tag in index.html")?;
        let tag = &rest[start..=end];
        out.push_str(&rest[..start]);
        match (attr(tag, "integrity"), attr(tag, "href").or_else(|| attr(tag, "src"))) {
            (Some((from, to)), Some((href_from, href_to))) if tag[from..to].starts_with("sha384-") => {
                let file = tag[href_from..href_to].trim_start_matches("./");
                let path = staging.join(file);
                let bytes = std::fs::read(&path).map_err(|e| format!("integrity of {file}: {}: {e}", path.display()))?;
                let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha384::digest(&bytes));
                out.push_str(&tag[..from]);
                out.push_str("sha384-");
                out.push_str(&hash);
                out.push_str(&tag[to..]);
            }
            (Some(_), _) => return Err(format!("index.html: cannot recompute the integrity of {tag}")),
            _ => out.push_str(tag),
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
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

/// Moves each inline `<script>` (Trunk's loader) into its own file. Tolerant of how the tag is
/// written (minified HTML drops the quotes), and refuses to leave any inline script behind.
fn externalize_inline_scripts(staging: &Path, index: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = index;
    while let Some(start) = rest.find("<script") {
        let tag_end = rest[start..].find('>').map(|i| start + i).ok_or("unclosed <script> tag")?;
        let tag = &rest[start..=tag_end];
        let close = rest[tag_end..].find("</script>").map(|i| tag_end + i).ok_or("unclosed <script>")?;
        out.push_str(&rest[..start]);
        if tag.contains("src=") {
            out.push_str(&rest[start..close + "</script>".len()]);
        } else {
            let script = rest[tag_end + 1..close].trim();
            let name = format!("loader-{:016x}.js", fnv(script.as_bytes()));
            write(&staging.join(&name), script)?;
            let module = if tag.contains("module") { " type=\"module\"" } else { "" };
            out.push_str(&format!("<script{module} src=\"./{name}\"></script>"));
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
    fn drops_only_the_snippets_preloads() {
        let index = "<link href=./a.css rel=stylesheet><link crossorigin href=./w.js rel=modulepreload>\
                     <link crossorigin href=./snippets/w-1/src/host.js integrity=sha384-x rel=modulepreload><title>t</title>";
        assert_eq!(drop_snippet_preloads(index), "<link href=./a.css rel=stylesheet><link crossorigin href=./w.js rel=modulepreload><title>t</title>");
    }

    #[test]
    fn recomputes_integrity_of_rewritten_files() {
        let dir = tempdir();
        std::fs::write(dir.join("a.js"), "export const a = 1;\n").unwrap();
        let index = "<link crossorigin href=./a.js integrity=sha384-stale rel=modulepreload><p>x</p>";
        let out = update_integrity(&dir, index).unwrap();
        // `openssl dgst -sha384 -binary a.js | base64`
        assert_eq!(out, "<link crossorigin href=./a.js integrity=sha384-ahaEXmBsbkboBjx3r5Cwgp0YemMIe12Xuh6StMdeTQrr1ocwQmyv+hkfTwmx/5NP rel=modulepreload><p>x</p>");
        assert!(update_integrity(&dir, "<link href=./missing.js integrity=sha384-x>").is_err());
    }

    #[test]
    fn the_start_screen_goes_into_app_before_noscript() {
        let index = "<body><div id=app><p class=boot role=status hidden>Memuat</p><noscript>no js</noscript></div></body>";
        let out = insert_start_screen(index, "<div class=\"page\" hidden>S</div>", "boot-1.js").unwrap();
        assert_eq!(
            out,
            "<body><div id=app><p class=boot role=status hidden>Memuat</p><div class=\"page\" hidden>S</div>\
             <script src=\"./boot-1.js\"></script><noscript>no js</noscript></div></body>"
        );
        // A visible loading message would flash before the prerendered screen.
        assert!(insert_start_screen("<div id=app><p class=boot>M</p><noscript></noscript></div>", "", "b.js").is_err());
    }

    fn tempdir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-dist-test-{}-{:?}", std::process::id(), std::thread::current().id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
