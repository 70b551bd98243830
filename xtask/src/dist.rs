//! Finishing a Trunk build (run as Trunk's post_build hook), in the staging folder:
//!  - the files of the guides the widget downloads, one per guide and language;
//!  - in release builds, a second, stricter wasm-opt pass, short names between each wasm and its
//!    glue, and terser on wasm-bindgen's JS glue and snippets (Trunk's own JS minifier gives up
//!    on them): the first load has a 100 KB budget;
//!  - index.html's inline script minified (release builds), and Trunk's inline loader module
//!    moved into a file (the server allows the page's other inline script and style by their
//!    hashes; it draws every page into `#app`, see docs/rendering.md);
//!  - the widget's glue and wasm named after their final bytes (they are cached for good);
//!  - nothing fetched before the first paint: the loader, the glue's `modulepreload` and the
//!    wasm's `preload` become inert `<link data-boot=…>` tags that index.html's inline script
//!    turns back on once the page has painted (no `modulepreload` of the snippets at all: the
//!    glue imports them; the connections are better spent on the loader and the wasm);
//!  - no `integrity` hash left behind (Trunk's would no longer match the rewritten files);
//!  - brotli and gzip copies of every text and wasm file.
//!
//! [`files`]: the outputs, their names and compressed copies; [`index_html`]: the page's tags and
//! inline scripts; [`minify`]: wasm-opt and terser; [`short_names`]: the wasm's import and export
//! names.

mod files;
mod index_html;
mod minify;
mod short_names;

use std::path::Path;

use crate::tools;
use files::{files_under, precompress, rename_by_final_content, wasm_bindgen_outputs, write};
use index_html::{boot_after_first_paint, inline_scripts, refuse_integrity};
use minify::{minify_js, optimize_wasm};
use short_names::shorten_names;

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
            shorten_names(&js, &wasm)?;
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
    let index = inline_scripts(staging, &index, release)?;
    let index = boot_after_first_paint(&index);
    refuse_integrity(&index)?;
    write(&index_path, &index)?;
    precompress(staging)
}
