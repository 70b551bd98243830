//! The size report of the built widget: raw, gzip and brotli of every shipped file, and the first
//! load (what the browser fetches before the start screen is usable) against its budget.

use std::io::Write;
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
    let index = std::fs::read_to_string(dist.join("index.html")).map_err(|e| format!("dist/index.html: {e}"))?;
    let mut sizes = Vec::new();
    for path in files {
        let bytes = std::fs::read(&path).map_err(|e| e.to_string())?;
        let name = path.strip_prefix(dist).unwrap_or(&path).display().to_string();
        // The page itself and everything it references are fetched before first use; the wasm is
        // referenced from the JS loader by the same hashed stem.
        let stem = name.split('.').next().unwrap_or(&name).trim_end_matches("_bg").to_owned();
        let first_load = name == "index.html" || index.contains(&name) || index.contains(&stem);
        sizes.push(FileSize { raw: bytes.len() as u64, gzip: gzip(&bytes), brotli: brotli(&bytes), first_load, name });
    }
    Ok(sizes)
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

pub fn gzip_bytes(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).expect("writing to memory");
    encoder.finish().expect("writing to memory")
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
    out += &format!("first-load budget: {} gzip\n", kb(FIRST_LOAD_BUDGET_GZIP));
    out
}

pub fn first_load_gzip(sizes: &[FileSize]) -> u64 {
    sizes.iter().filter(|f| f.first_load).map(|f| f.gzip).sum()
}
