//! What every handler shares.

use crate::intake::Intake;
use crate::store::Store;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub intake: Intake,
    pub staff_token: Option<Arc<str>>,
    /// Idempotency keys whose request is being handled right now (→ 409 for a second one).
    pub keys_in_flight: Arc<Mutex<HashSet<String>>>,
    /// Image decoding is CPU-heavy: at most this many at once.
    pub image_slots: Arc<Semaphore>,
    /// Failed status lookups allowed per ticket and per client address in an hour.
    pub lookup_failures_per_ticket: u64,
    pub lookup_failures_per_client: u64,
    /// A request body that moves no byte for this long is answered 408.
    pub body_idle_timeout: std::time::Duration,
    /// Step pages drawn, counted for the walk reports (written every minute).
    pub page_counts: crate::walks::PageCounts,
}

/// Holds an idempotency key as "in flight" until dropped.
pub struct KeyClaim {
    keys: Arc<Mutex<HashSet<String>>>,
    key: String,
}

impl AppState {
    pub fn claim_key(&self, key: &str) -> Option<KeyClaim> {
        let mut keys = self.keys_in_flight.lock().unwrap_or_else(|p| p.into_inner());
        keys.insert(key.to_string()).then(|| KeyClaim { keys: self.keys_in_flight.clone(), key: key.to_string() })
    }
}

impl Drop for KeyClaim {
    fn drop(&mut self) {
        self.keys.lock().unwrap_or_else(|p| p.into_inner()).remove(&self.key);
    }
}
