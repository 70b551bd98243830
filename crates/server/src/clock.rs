//! Wall-clock time as Unix seconds: every time-based rule of the server (due times, retention,
//! purges, disruptions) asks [`now`]. In development and tests (`JMO_DEV=1`), `JMO_CLOCK_FILE`
//! names a file holding an offset in seconds that is added to the system clock; it is re-read
//! on every call, so a test moves the clock of a running server by rewriting the file.

use jmo_contract::Timestamp;
use std::path::PathBuf;
use std::sync::OnceLock;

pub const DAY_SECS: i64 = 86_400;

static OFFSET_FILE: OnceLock<PathBuf> = OnceLock::new();

/// Makes [`now`] add the offset written in `path` (whole seconds; absent or unreadable: 0).
/// Set once per process, at start.
pub fn use_offset_file(path: PathBuf) {
    let _ = OFFSET_FILE.set(path);
}

fn offset() -> i64 {
    OFFSET_FILE
        .get()
        .and_then(|p| std::fs::read_to_string(p).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(0)
}

pub fn now() -> Timestamp {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    Timestamp(secs + offset())
}
