//! The build's files: wasm-bindgen's outputs, renamed after their final bytes, and the
//! compressed copies the server sends as they are.

use std::path::{Path, PathBuf};

use jmo_contract::fnv::Fnv;

/// The `(X.js, X_bg.wasm)` pairs wasm-bindgen wrote (the widget and the lazily loaded form).
pub(super) fn wasm_bindgen_outputs(dir: &Path) -> Result<Vec<(PathBuf, PathBuf)>, String> {
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
pub(super) fn rename_by_final_content(staging: &Path, index: &str) -> Result<String, String> {
    let mut index = index.to_owned();
    for (js, wasm) in wasm_bindgen_outputs(staging)? {
        let stem = js.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
        let Some((name, hash)) = stem.rsplit_once('-') else { continue };
        if hash.len() != 16 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            continue; // not content-hashed (the form's `complaint_form`): revalidated anyway
        }
        let read = |path: &Path| std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()));
        let (js_bytes, wasm_bytes) = (read(&js)?, read(&wasm)?);
        let new_stem = format!("{name}-{:016x}", Fnv::of(&[js_bytes.as_slice(), wasm_bytes.as_slice()].concat()));
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
pub(super) fn files_under(dir: &Path, ext: &str) -> Result<Vec<PathBuf>, String> {
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

/// Writes `.br` and `.gz` next to every text and wasm file (snippets/ included), for the server
/// to send as they are.
pub(super) fn precompress(dir: &Path) -> Result<(), String> {
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

pub(super) fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}


#[cfg(test)]
mod tests {
    use super::*;

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

    fn tempdir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-files-test-{}-{:?}", std::process::id(), std::thread::current().id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
