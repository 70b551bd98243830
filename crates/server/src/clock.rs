//! Wall-clock time as Unix seconds.

use jmo_contract::Timestamp;

pub const DAY_SECS: i64 = 86_400;

pub fn now() -> Timestamp {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    Timestamp(secs)
}
