//! `localStorage` as the outbox's [`Storage`], falling back to memory when it is missing or
//! throws (webviews with storage disabled, private modes, a full quota).

use jmo_outbox::{store, Storage, StorageError};

/// [`Storage`] on `localStorage`. An item it refuses is kept in memory instead and reported, so
/// [`jmo_outbox::Outbox::unsaved`] (and [`super::unsaved`]) tell the participant the complaint
/// lives only in this page. (Only refused items: an item written and then removed by another tab
/// must read as gone.)
pub struct LocalStore {
    local: Option<web_sys::Storage>,
    /// The items `localStorage` refused.
    memory: Vec<(String, String)>,
}

impl LocalStore {
    /// `window.localStorage`, if it can be had.
    pub fn new() -> LocalStore {
        LocalStore::with_storage(local_storage())
    }

    /// On a given `Storage` object (or none: memory only).
    pub fn with_storage(local: Option<web_sys::Storage>) -> LocalStore {
        LocalStore { local, memory: Vec::new() }
    }

    /// Whether a `localStorage` is attached at all (writes may still fail).
    pub fn has_local(&self) -> bool {
        self.local.is_some()
    }

    /// Whether it holds a complaint (by [`store::holds_complaints`], as the widget tells).
    pub fn holds_complaints(&self) -> bool {
        store::holds_complaints(&self.keys().join("\n"))
    }
}

impl Default for LocalStore {
    fn default() -> Self {
        LocalStore::new()
    }
}

impl Storage for LocalStore {
    fn keys(&self) -> Vec<String> {
        let local = self.local.as_ref().and_then(|local| {
            let length = local.length().ok()?;
            (0..length).map(|i| local.key(i).ok()).collect::<Option<Vec<_>>>()
        });
        let mut keys: Vec<String> = local.unwrap_or_default().into_iter().flatten().collect();
        let refused: Vec<String> = self.memory.iter().map(|(k, _)| k.clone()).filter(|k| !keys.contains(k)).collect();
        keys.extend(refused);
        keys
    }

    fn get(&self, key: &str) -> Option<String> {
        match self.local.as_ref().map(|local| local.get_item(key)) {
            Some(Ok(Some(text))) => Some(text),
            _ => self.memory.iter().find(|(k, _)| k == key).map(|(_, text)| text.clone()),
        }
    }

    fn set(&mut self, key: &str, text: &str) -> Result<(), StorageError> {
        self.memory.retain(|(k, _)| k != key);
        if self.local.as_ref().is_some_and(|local| local.set_item(key, text).is_ok()) {
            return Ok(());
        }
        self.memory.push((key.to_string(), text.to_string()));
        Err(StorageError)
    }

    fn remove(&mut self, key: &str) {
        self.memory.retain(|(k, _)| k != key);
        if let Some(local) = &self.local {
            let _ = local.remove_item(key);
        }
    }
}

fn local_storage() -> Option<web_sys::Storage> {
    // The getter itself throws when storage is disabled.
    web_sys::window()?.local_storage().ok().flatten()
}
