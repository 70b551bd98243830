//! Finishing a Trunk build (run as Trunk's post_build hook): the downloadable guide pack, and
//! the inline loader script moved into a file so a strict Content-Security-Policy can forbid
//! inline scripts.

use std::path::Path;

pub fn finish(staging: &Path) -> Result<(), String> {
    let content = jmo_guide::load::load_checked(&crate::tools::root().join("content"))
        .map_err(|problems| problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n"))?;
    let pack_name = format!("content-{}.txt", content.catalog.version);
    write(&staging.join(&pack_name), &jmo_guide::pack::pack(&content.catalog))?;

    let index_path = staging.join("index.html");
    let index = std::fs::read_to_string(&index_path).map_err(|e| format!("{}: {e}", index_path.display()))?;
    let index = externalize_inline_scripts(staging, &index)?;
    write(&index_path, &index)?;
    precompress(staging)
}

/// Writes `.br` and `.gz` next to every text and wasm file, for the server to send as they are.
fn precompress(dir: &Path) -> Result<(), String> {
    for entry in std::fs::read_dir(dir).map_err(|e| e.to_string())? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let compressible = matches!(path.extension().and_then(|e| e.to_str()), Some("html" | "js" | "wasm" | "css" | "txt"));
        if !compressible {
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let with = |ext: &str| format!("{}.{ext}", path.display());
        std::fs::write(with("gz"), crate::size::gzip_bytes(&bytes)).map_err(|e| e.to_string())?;
        std::fs::write(with("br"), crate::size::brotli_bytes(&bytes)).map_err(|e| e.to_string())?;
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
