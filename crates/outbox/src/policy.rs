//! How long to wait between attempts (exponential backoff with full jitter) and how long entries
//! are kept.

pub const SECOND: u64 = 1_000;
pub const DAY: u64 = 86_400 * SECOND;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// The ceiling of the first retry's delay; it doubles with every attempt…
    pub base_ms: u64,
    /// …up to this.
    pub cap_ms: u64,
    /// A server's `Retry-After` is honoured up to this long.
    pub max_retry_after_ms: u64,
    /// A request still `Sending` after this long is taken as lost and retried (same key).
    pub stale_sending_ms: u64,
    /// Undelivered complaints are dropped this long after they were written. At least 7 days
    /// (issue 4) and under the server's 8-day memory of idempotency keys, so that no retry can
    /// arrive after the server has forgotten the key and store the complaint twice.
    pub retention_ms: u64,
    /// Receipts (ticket, due time, last 4 digits) are dropped this long after the complaint was written.
    pub receipt_retention_ms: u64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            base_ms: SECOND,
            cap_ms: 5 * 60 * SECOND,
            max_retry_after_ms: 60 * 60 * SECOND,
            stale_sending_ms: 2 * 60 * SECOND,
            retention_ms: 7 * DAY,
            receipt_retention_ms: 30 * DAY,
        }
    }
}

impl Policy {
    /// The largest delay after `attempts` attempts: `min(cap, base · 2^(attempts-1))`.
    pub fn ceiling(&self, attempts: u32) -> u64 {
        let doublings = attempts.saturating_sub(1).min(63);
        if self.base_ms > self.cap_ms >> doublings {
            self.cap_ms
        } else {
            self.base_ms << doublings
        }
    }

    /// Full jitter: uniform in `0..=ceiling(attempts)`, picked by `random`. A `Retry-After`
    /// (clamped to `max_retry_after_ms`) is a floor.
    pub fn retry_delay(&self, attempts: u32, random: u32, retry_after_ms: Option<u64>) -> u64 {
        let ceiling = self.ceiling(attempts);
        let jitter = ((random as u128 * (ceiling as u128 + 1)) >> 32) as u64;
        let floor = retry_after_ms.map_or(0, |r| r.min(self.max_retry_after_ms));
        jitter.max(floor)
    }
}

/// Spreads one caller-supplied random number over many entries (splitmix-style), so one call
/// can schedule several entries without them retrying in lockstep.
pub fn mix(random: u32, index: usize) -> u32 {
    let mut z = (random as u64) << 32 | index as u64;
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (z ^ (z >> 31)) as u32
}
