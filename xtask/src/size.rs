//! The size report of the built widget: raw, gzip and brotli of every shipped file, the first
//! load (what the browser fetches before the start screen is usable) against its budget, and a
//! step page: the first load and the file of its guide in its language (the largest one counted).
//! Gzip sizes are those of the `.gz` copies the server sends, written by [`gzip_bytes`] (zopfli).

use std::path::{Path, PathBuf};

/// First load budget, gzip, in bytes (100 KB).
pub const FIRST_LOAD_BUDGET_GZIP: u64 = 100 * 1000;

pub struct FileSize {
    pub name: String,
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
    pub first_load: bool,
}

pub fn measure(dist: &Path) -> Result<Vec<FileSize>, String> {
    let mut files = Vec::new();
    collect(dist, &mut files).map_err(|e| format!("reading {}: {e} (build the widget first)", dist.display()))?;
    files.sort();
    let first = first_load(dist, &files)?;
    let mut sizes = Vec::new();
    for path in files {
        let bytes = std::fs::read(&path).map_err(|e| e.to_string())?;
        let name = path.strip_prefix(dist).unwrap_or(&path).display().to_string();
        let first_load = first.contains(&path);
        sizes.push(FileSize { raw: bytes.len() as u64, gzip: gzip(&bytes), brotli: brotli(&bytes), first_load, name });
    }
    Ok(sizes)
}

/// What is fetched before the start screen changes in-page: the page, every file it references
/// (`/name` or `./name`: stylesheet, scripts, preloads), the wasm beside each of those scripts
/// (its loader fetches it), and, transitively, every module those scripts import statically
/// (`from"/…"`, `from"./…"`, `import"./…"`; not `import(…)`, which loads on demand, like the form).
fn first_load(dist: &Path, files: &[PathBuf]) -> Result<std::collections::BTreeSet<PathBuf>, String> {
    let index_path = dist.join("index.html");
    let index = std::fs::read_to_string(&index_path).map_err(|e| format!("{}: {e}", index_path.display()))?;
    let mut found: std::collections::BTreeSet<PathBuf> = files
        .iter()
        .filter(|path| {
            let name = path.strip_prefix(dist).unwrap_or(path).display().to_string();
            *path == &index_path || ["./", "=/", "\"/", "'/"].iter().any(|at| index.contains(&format!("{at}{name}")))
        })
        .cloned()
        .collect();
    let mut queue: Vec<PathBuf> = found.iter().cloned().collect();
    while let Some(path) = queue.pop() {
        let mut next = Vec::new();
        if let Some(stem) = path.to_str().and_then(|p| p.strip_suffix(".js")) {
            next.push(PathBuf::from(format!("{stem}_bg.wasm")));
            let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let dir = path.parent().unwrap_or(dist);
            next.extend(static_imports(&text).into_iter().map(|spec| match spec.strip_prefix('/') {
                Some(from_root) => normalize(&dist.join(from_root)),
                None => normalize(&dir.join(spec)),
            }));
        }
        for file in next {
            if files.contains(&file) && found.insert(file.clone()) {
                queue.push(file);
            }
        }
    }
    Ok(found)
}

/// The relative specifiers of a module's static imports and re-exports.
fn static_imports(js: &str) -> Vec<&str> {
    let mut specs = Vec::new();
    for keyword in ["from", "import"] {
        let mut rest = js;
        while let Some(i) = rest.find(keyword) {
            rest = &rest[i + keyword.len()..];
            let after = rest.trim_start();
            let Some(quote) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else { continue };
            if let Some(end) = after[1..].find(quote) {
                let spec = &after[1..1 + end];
                if spec.starts_with("./") || spec.starts_with("../") || (spec.starts_with('/') && !spec.starts_with("//")) {
                    specs.push(spec);
                }
            }
        }
    }
    specs
}

/// `a/./b/../c` → `a/c`, without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "gz" || e == "br") {
            // Precompressed copies of the files listed; the report computes their sizes itself.
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// Gzip as the build writes it for the server to send: zopfli, which any gzip reader reads.
pub fn gzip_bytes(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    zopfli::compress(zopfli::Options::default(), zopfli::Format::Gzip, bytes, &mut out).expect("writing to memory");
    out
}

pub fn brotli_bytes(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 22, ..Default::default() };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).expect("writing to memory");
    out
}

fn gzip(bytes: &[u8]) -> u64 {
    gzip_bytes(bytes).len() as u64
}

fn brotli(bytes: &[u8]) -> u64 {
    brotli_bytes(bytes).len() as u64
}

pub fn report(sizes: &[FileSize]) -> String {
    let kb = |n: u64| format!("{:.1} KB", n as f64 / 1000.0);
    let mut out = format!("{:<44} {:>10} {:>10} {:>10}  first load\n", "file", "raw", "gzip", "brotli");
    for f in sizes {
        out += &format!("{:<44} {:>10} {:>10} {:>10}  {}\n", f.name, kb(f.raw), kb(f.gzip), kb(f.brotli), if f.first_load { "yes" } else { "" });
    }
    let total = |pick: fn(&FileSize) -> u64, only_first: bool| sizes.iter().filter(|f| !only_first || f.first_load).map(pick).sum::<u64>();
    out += &format!("{:<44} {:>10} {:>10} {:>10}\n", "total", kb(total(|f| f.raw, false)), kb(total(|f| f.gzip, false)), kb(total(|f| f.brotli, false)));
    out += &format!("{:<44} {:>10} {:>10} {:>10}\n", "first load", kb(total(|f| f.raw, true)), kb(total(|f| f.gzip, true)), kb(total(|f| f.brotli, true)));
    // A step page is taken over once its guide is here in its language (one file); the others
    // come after, in the background.
    let guides: Vec<&FileSize> = sizes.iter().filter(|f| is_guide_file(&f.name)).collect();
    if let Some(largest) = largest_guide(sizes) {
        let all = |pick: fn(&FileSize) -> u64| guides.iter().map(|f| pick(f)).sum::<u64>();
        let label = format!("guides ({} files, in the background)", guides.len());
        out += &format!("{label:<44} {:>10} {:>10} {:>10}\n", kb(all(|f| f.raw)), kb(all(|f| f.gzip)), kb(all(|f| f.brotli)));
        let with = |pick: fn(&FileSize) -> u64| total(pick, true) + pick(largest);
        out += &format!("{:<44} {:>10} {:>10} {:>10}\n", "first load + largest guide (a step page)", kb(with(|f| f.raw)), kb(with(|f| f.gzip)), kb(with(|f| f.brotli)));
        out += &format!("  (the largest guide file: {}; {} bytes gzip in all)\n", largest.name, step_page_gzip(sizes));
    }
    out += &format!("first-load budget: {} gzip; a step page (first load + its guide): {} gzip\n", kb(FIRST_LOAD_BUDGET_GZIP), kb(FIRST_LOAD_BUDGET_GZIP));
    out
}

/// The files of the guides, one per guide and language (`content-<guide>-<lang>-<version>.txt`).
fn is_guide_file(name: &str) -> bool {
    name.starts_with("content-") && name.ends_with(".txt")
}

fn largest_guide(sizes: &[FileSize]) -> Option<&FileSize> {
    sizes.iter().filter(|f| is_guide_file(&f.name)).max_by_key(|f| f.gzip)
}

/// What a step page loads before it changes in-page, gzip: the first load and its guide's file
/// (the largest one).
pub fn step_page_gzip(sizes: &[FileSize]) -> u64 {
    first_load_gzip(sizes) + largest_guide(sizes).map_or(0, |f| f.gzip)
}

pub fn first_load_gzip(sizes: &[FileSize]) -> u64 {
    sizes.iter().filter(|f| f.first_load).map(|f| f.gzip).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_imports_not_dynamic_ones() {
        let js = r#"import{mount as e}from"./snippets/a/inline0.js";import * as h from './snippets/a/src/host.js';import"./side.js";
            let m=import(new URL("complaint_form.js",document.baseURI).href);Array.from("x");export{a}from"../up.js""#;
        assert_eq!(static_imports(js), ["./snippets/a/inline0.js", "./snippets/a/src/host.js", "../up.js", "./side.js"]);
    }

    #[test]
    fn a_step_page_counts_the_first_load_and_its_largest_guide_file() {
        let file = |name: &str, gzip: u64, first_load: bool| FileSize { name: name.into(), raw: gzip * 3, gzip, brotli: gzip, first_load };
        let sizes = [
            file("index.html", 2_000, true),
            file("w-1_bg.wasm", 90_000, true),
            file("content-login-id-0123456789ab.txt", 5_000, false),
            file("content-jht-en-0123456789ab.txt", 6_000, false),
            file("content-jht-en-0123456789ab.txt.gz", 9_000, false),
            file("complaint_form_bg.wasm", 150_000, false),
        ];
        assert_eq!(step_page_gzip(&sizes), 98_000);
        let report = report(&sizes);
        assert!(report.contains("guides (2 files, in the background)"), "{report}");
        assert!(report.contains("the largest guide file: content-jht-en-0123456789ab.txt; 98000 bytes gzip"), "{report}");
    }

    #[test]
    fn first_load_follows_the_page_its_scripts_and_their_imports() {
        let dist = std::env::temp_dir().join(format!("xtask-size-test-{}", std::process::id()));
        let file = |name: &str, text: &str| {
            let path = dist.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
            path
        };
        let files = vec![
            file("index.html", "<link href=./app.css rel=stylesheet><script src=/loader.js></script><p>form app.css</p>"),
            file("app.css", ""),
            file("loader.js", "import init from '/w-1.js';"),
            file("w-1.js", "import{m}from\"./snippets/w/inline0.js\";"),
            file("w-1_bg.wasm", ""),
            file("snippets/w/inline0.js", "import(new URL('form.js',document.baseURI).href)"),
            file("form.js", ""),
            file("form_bg.wasm", ""),
            file("form.css", ""),
        ];
        let first = first_load(&dist, &files).unwrap();
        let names: Vec<String> = first.iter().map(|p| p.strip_prefix(&dist).unwrap().display().to_string()).collect();
        assert_eq!(names, ["app.css", "index.html", "loader.js", "snippets/w/inline0.js", "w-1.js", "w-1_bg.wasm"]);
        std::fs::remove_dir_all(&dist).unwrap();
    }
}
