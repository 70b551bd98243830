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
    let open_tag = "<script type=\"module\">";
    if let Some(start) = index.find(open_tag) {
        let body_start = start + open_tag.len();
        let end = index[body_start..].find("</script>").map(|i| body_start + i).ok_or("unclosed inline script")?;
        let script = index[body_start..end].trim();
        let loader_name = format!("loader-{:016x}.js", fnv(script.as_bytes()));
        write(&staging.join(&loader_name), script)?;
        let tag = format!("<script type=\"module\" src=\"./{loader_name}\"></script>");
        let index = format!("{}{tag}{}", &index[..start], &index[end + "</script>".len()..]);
        write(&index_path, &index)?;
    }
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

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}
