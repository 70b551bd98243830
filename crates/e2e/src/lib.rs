//! End-to-end checks of the built widget (dist/) as it is really served — the intake server's
//! binary (started by `jmo-testkit`), its headers and precompressed files — in headless Chromium
//! driven through the DevTools protocol (`chromiumoxide`, the system's `/usr/bin/chromium`, no
//! browser download).
//!
//! The tests in `tests/` and the `speed` and `lighthouse` benchmark binaries share what is here:
//! the browser ([`browser`]), the screens to visit and the walks through the guides ([`pages`]),
//! input as a participant gives it ([`input`]), and the benchmarks' deep link and static floor
//! ([`bench`]). The server, the fault proxy and the database reader are
//! the workspace's test kit, `jmo_testkit`.

use std::path::{Path, PathBuf};
use std::time::Duration;

pub mod bench;
pub mod browser;
pub mod input;
pub mod pages;

pub use browser::*;
pub use chromiumoxide;
pub use input::*;
pub use pages::*;

pub type Result<T, E = String> = std::result::Result<T, E>;

/// The workspace root (where `content/` and `dist/` are).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("workspace root")
}

/// The built widget; stops with the way to build it when it is missing.
pub fn dist_dir() -> PathBuf {
    let dist = std::env::var_os("JMO_DIST").map(PathBuf::from).unwrap_or_else(|| workspace_root().join("dist"));
    assert!(
        dist.join("index.html").is_file(),
        "{} has no index.html: run `cargo xtask test`, which builds dist/ first (or `cargo xtask size` to build it alone)",
        dist.display()
    );
    dist
}

/// Runs a future with a clear message when it hangs.
pub async fn within<T>(limit: Duration, what: &str, f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(limit, f).await.unwrap_or_else(|_| panic!("{what} took longer than {limit:?}"))
}

