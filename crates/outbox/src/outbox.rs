//! The participant's outbox: the entries, each kept in the caller's storage after every change
//! (an item per complaint, so that two tabs never overwrite each other's), and the plan of what
//! to send now and when to wake up next.

use std::collections::BTreeMap;

use crate::entry::{Entry, State};
use crate::machine::{schedule, step, Action, Event};
use crate::policy::{mix, Policy};
use crate::store::{self, Loaded};

/// Where the outbox lives between page loads: named texts, like `localStorage` in the browser.
/// The outbox keeps one item per complaint (their names: [`store`]).
pub trait Storage {
    /// The names of every stored item (the outbox's and others'); none if it cannot be read.
    fn keys(&self) -> Vec<String>;
    /// The item's text, or `None` if there is none (or it cannot be read).
    fn get(&self, key: &str) -> Option<String>;
    /// Stores the item. Fails when storage is full or unavailable.
    fn set(&mut self, key: &str, text: &str) -> Result<(), StorageError>;
    fn remove(&mut self, key: &str);
}

/// The storage refused a write (quota exceeded, private mode…). The entries stay in memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StorageError;

/// What to do now, for the caller's event loop.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Entries to send now (apply [`Event::AttemptStarted`] to each first).
    pub send_now: Vec<String>,
    /// The earliest time something else becomes due.
    pub wake_at: Option<u64>,
}

/// What opening the outbox found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Opened {
    pub entries: usize,
    /// Unreadable items (or lines of earlier versions' single item) that were removed.
    pub damaged: usize,
    /// Earlier versions' single item was not an outbox at all, and was removed.
    pub unreadable: bool,
    /// Entries past their retention that were removed.
    pub expired: usize,
}

pub struct Outbox<S: Storage> {
    storage: S,
    policy: Policy,
    entries: Vec<Entry>,
    /// Ids whose item is not (or not as it is now) in storage: added here and not yet written, or
    /// the write failed. Every other entry's item was written, so its absence means another tab
    /// removed it.
    unstored: Vec<String>,
}

impl<S: Storage> Outbox<S> {
    /// Reads the stored entries (moving those of earlier versions' single item into items of their
    /// own) and applies [`Event::Load`] to each: requests cut off by the app's death are retried,
    /// old entries expire, damaged items are counted and removed.
    pub fn open(storage: S, policy: Policy, now: u64, random: u32) -> (Outbox<S>, Opened) {
        let mut outbox = Outbox { storage, policy, entries: Vec::new(), unstored: Vec::new() };
        let mut opened = outbox.move_legacy();
        let damaged = outbox.read_items();
        for key in &damaged {
            outbox.storage.remove(key);
        }
        opened.damaged += damaged.len();
        let before = outbox.entries.len();
        outbox.broadcast(Event::Load, now, random);
        opened.entries = outbox.entries.len();
        opened.expired = before - opened.entries;
        (outbox, opened)
    }

    /// Reads the entries again as another tab left them, without applying any event (nothing is
    /// written). Kept as they are here: entries this page could keep only in memory, receipts
    /// and refusals (final whatever the other tab last wrote), and requests of this page on their
    /// way (`Sending` here) for complaints not settled there. A complaint the other tab has just
    /// saved is about to be sent by it: here it counts as on its way since `now` (sent from here
    /// only if that goes stale).
    pub fn reload(&mut self, now: u64) {
        let ours = core::mem::take(&mut self.entries);
        self.read_items();
        for theirs in self.entries.iter_mut().filter(|e| e.state == State::Saved) {
            if !ours.iter().any(|mine| mine.id == theirs.id) {
                theirs.state = State::Sending { since: now };
            }
        }
        for mine in ours {
            let unstored = self.unstored.contains(&mine.id);
            match self.entries.iter_mut().find(|e| e.id == mine.id) {
                Some(theirs) if !theirs.is_settled() && (mine.is_settled() || matches!(mine.state, State::Sending { .. })) => *theirs = mine,
                Some(_) => {}
                None if unstored => self.entries.push(mine),
                None => {}
            }
        }
        self.unstored.retain(|id| self.entries.iter().any(|e| e.id == *id));
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id == id)
    }

    pub fn storage(&self) -> &S {
        &self.storage
    }

    /// A write to storage failed: what is on screen is not (all) stored.
    pub fn unsaved(&self) -> bool {
        !self.unstored.is_empty()
    }

    /// Saves a new complaint before anything goes on the network. On `Err` it is kept in memory
    /// only (still delivered while the page stays open; the participant should be told); the
    /// action is then `Nothing` until the next plan. An entry with an existing id replaces it.
    pub fn add(&mut self, entry: Entry, now: u64, random: u32) -> Result<Action, StorageError> {
        let id = entry.id.clone();
        self.entries.retain(|e| e.id != id);
        self.entries.push(entry);
        self.mark_unstored(&id);
        if !self.store(&id) {
            return Err(StorageError);
        }
        Ok(self.apply(&id, Event::Saved, now, random).unwrap_or(Action::Nothing))
    }

    /// Applies one event to one entry and stores the result; `None` if there is no such entry
    /// (here, or any more in storage: another tab removed it).
    pub fn apply(&mut self, id: &str, event: Event, now: u64, random: u32) -> Option<Action> {
        let i = self.entries.iter().position(|e| e.id == id)?;
        let before = self.entries[i].clone();
        let (after, action) = step(before.clone(), event, now, random, &self.policy);
        if action == Action::Remove {
            self.forget(id);
        } else if after != before {
            self.entries[i] = after;
            self.store(id);
            self.get(id)?;
        }
        Some(action)
    }

    /// Applies an event that concerns every entry (`Online`, `Visible`, `Tick`, `Load`) and
    /// returns the plan.
    pub fn broadcast(&mut self, event: Event, now: u64, random: u32) -> Plan {
        let ids: Vec<String> = self.entries.iter().map(|e| e.id.clone()).collect();
        for (i, id) in ids.iter().enumerate() {
            self.apply(id, event.clone(), now, mix(random, i));
        }
        self.plan(now)
    }

    /// What is due now and when to look again.
    pub fn plan(&self, now: u64) -> Plan {
        let mut plan = Plan::default();
        for e in &self.entries {
            match schedule(e, now, &self.policy) {
                Action::SendNow => plan.send_now.push(e.id.clone()),
                Action::WaitUntil(t) => plan.wake_at = Some(plan.wake_at.map_or(t, |w| w.min(t))),
                Action::Nothing | Action::Remove => {}
            }
            if let State::Sending { since } = e.state {
                // Wake up to notice a request that never came back.
                let t = since.saturating_add(self.policy.stale_sending_ms);
                plan.wake_at = Some(plan.wake_at.map_or(t, |w| w.min(t)));
            }
        }
        plan
    }

    /// Deletes an entry for good — after delivery, the ticket, due time and last 4 digits.
    pub fn forget(&mut self, id: &str) -> bool {
        let before = self.entries.len();
        self.entries.retain(|e| e.id != id);
        self.unstored.retain(|u| u != id);
        let found = self.entries.len() != before;
        if found {
            self.storage.remove(&store::key(id));
        }
        found
    }
}

impl<S: Storage> Outbox<S> {
    /// Writes one entry's item, unless another tab has moved on: an item that is gone was removed
    /// there (this entry goes too), one delivered there is taken as it is. False if the write failed.
    fn store(&mut self, id: &str) -> bool {
        let key = store::key(id);
        if !self.unstored.iter().any(|u| u == id) {
            match self.storage.get(&key) {
                None => {
                    self.entries.retain(|e| e.id != id);
                    return true;
                }
                Some(text) => match store::decode(&text) {
                    Some(theirs) if matches!(theirs.state, State::Delivered(_)) && theirs.id == id => {
                        if let Some(ours) = self.entries.iter_mut().find(|e| e.id == id) {
                            if !ours.is_settled() {
                                *ours = theirs;
                                return true;
                            }
                        }
                    }
                    _ => {}
                },
            }
        }
        let Some(entry) = self.get(id) else { return true };
        let written = self.storage.set(&key, &store::encode(entry)).is_ok();
        if written {
            self.unstored.retain(|u| u != id);
        } else {
            self.mark_unstored(id);
        }
        written
    }

    fn mark_unstored(&mut self, id: &str) {
        if !self.unstored.iter().any(|u| u == id) {
            self.unstored.push(id.to_string());
        }
    }

    /// Replaces the entries with the stored items, oldest first; returns the names of the damaged ones.
    fn read_items(&mut self) -> Vec<String> {
        let mut damaged = Vec::new();
        self.entries.clear();
        for key in self.storage.keys() {
            let Some(id) = store::id_of(&key) else { continue };
            match self.storage.get(&key).and_then(|t| store::decode(&t)).filter(|e| e.id == id) {
                Some(entry) => self.entries.push(entry),
                None => damaged.push(key),
            }
        }
        self.entries.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        damaged
    }

    /// Earlier versions' single item: each complaint in it moves into an item of its own (unless
    /// one is there already); the old item goes once all are written.
    fn move_legacy(&mut self) -> Opened {
        let Some(text) = self.storage.get(store::LEGACY_KEY) else { return Opened::default() };
        let Loaded { entries, damaged, unreadable } = store::decode_legacy(&text);
        let mut moved = true;
        for entry in entries {
            let key = store::key(&entry.id);
            if self.storage.get(&key).is_none() {
                moved &= self.storage.set(&key, &store::encode(&entry)).is_ok();
            }
        }
        if moved {
            self.storage.remove(store::LEGACY_KEY);
        }
        Opened { damaged, unreadable, ..Opened::default() }
    }
}

/// Storage in memory: for tests, and for a browser without `localStorage`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemoryStorage {
    pub items: BTreeMap<String, String>,
}

impl Storage for MemoryStorage {
    fn keys(&self) -> Vec<String> {
        self.items.keys().cloned().collect()
    }

    fn get(&self, key: &str) -> Option<String> {
        self.items.get(key).cloned()
    }

    fn set(&mut self, key: &str, text: &str) -> Result<(), StorageError> {
        self.items.insert(key.to_string(), text.to_string());
        Ok(())
    }

    fn remove(&mut self, key: &str) {
        self.items.remove(key);
    }
}
