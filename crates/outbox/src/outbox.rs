//! The participant's outbox: the entries, kept in the caller's storage after every change, and
//! the plan of what to send now and when to wake up next.

use crate::entry::{Entry, State};
use crate::machine::{schedule, step, Action, Event};
use crate::policy::{mix, Policy};
use crate::store::{self, Loaded};

/// Where the outbox lives between page loads (`localStorage` in the browser).
pub trait Storage {
    /// The stored text, or `None` if there is none (or it cannot be read).
    fn read(&self) -> Option<String>;
    /// Replaces the stored text. Fails when storage is full or unavailable.
    fn write(&mut self, text: &str) -> Result<(), StorageError>;
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
    /// Unreadable lines that were dropped.
    pub damaged: usize,
    /// The stored text was not an outbox at all and was replaced.
    pub unreadable: bool,
    /// Entries past their retention that were removed.
    pub expired: usize,
}

pub struct Outbox<S: Storage> {
    storage: S,
    policy: Policy,
    entries: Vec<Entry>,
    /// Ids this outbox deleted, so that merging another tab's writes does not bring them back.
    removed: Vec<String>,
    /// The last write failed: what is on screen is not (all) stored.
    unsaved: bool,
}

impl<S: Storage> Outbox<S> {
    /// Reads the stored entries and applies [`Event::Load`] to each: requests cut off by the
    /// app's death are retried, old entries expire, damage is counted and dropped.
    pub fn open(storage: S, policy: Policy, now: u64, random: u32) -> (Outbox<S>, Opened) {
        let Loaded { entries, damaged, unreadable } = storage.read().map(|t| store::decode(&t)).unwrap_or_default();
        let mut outbox = Outbox { storage, policy, entries, removed: Vec::new(), unsaved: false };
        let before = outbox.entries.len();
        outbox.broadcast(Event::Load, now, random);
        let opened = Opened { entries: outbox.entries.len(), damaged, unreadable, expired: before - outbox.entries.len() };
        if damaged > 0 || unreadable {
            outbox.persist();
        }
        (outbox, opened)
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

    /// The last write to storage failed.
    pub fn unsaved(&self) -> bool {
        self.unsaved
    }

    /// Saves a new complaint before anything goes on the network. On `Err` it is kept in memory
    /// only (still delivered while the page stays open; the participant should be told); the
    /// action is then `Nothing` until the next plan. An entry with an existing id replaces it.
    pub fn add(&mut self, entry: Entry, now: u64, random: u32) -> Result<Action, StorageError> {
        let id = entry.id.clone();
        self.entries.retain(|e| e.id != id);
        self.removed.retain(|r| *r != id);
        self.entries.push(entry);
        if !self.persist() {
            return Err(StorageError);
        }
        Ok(self.apply(&id, Event::Saved, now, random).unwrap_or(Action::Nothing))
    }

    /// Applies one event to one entry and stores the result; `None` if there is no such entry.
    pub fn apply(&mut self, id: &str, event: Event, now: u64, random: u32) -> Option<Action> {
        let i = self.entries.iter().position(|e| e.id == id)?;
        let before = self.entries[i].clone();
        let (after, action) = step(before.clone(), event, now, random, &self.policy);
        if action == Action::Remove {
            self.removed.push(self.entries.remove(i).id);
        } else if after != before {
            self.entries[i] = after;
        } else {
            return Some(action);
        }
        self.persist();
        Some(action)
    }

    /// Applies an event that concerns every entry (`Online`, `Visible`, `Tick`, `Load`) and
    /// returns the plan.
    pub fn broadcast(&mut self, event: Event, now: u64, random: u32) -> Plan {
        let mut changed = false;
        let old = core::mem::take(&mut self.entries);
        for (i, entry) in old.into_iter().enumerate() {
            let before = entry.clone();
            let (after, action) = step(entry, event.clone(), now, mix(random, i), &self.policy);
            changed |= action == Action::Remove || after != before;
            if action == Action::Remove {
                self.removed.push(after.id);
            } else {
                self.entries.push(after);
            }
        }
        if changed {
            self.persist();
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
        let found = self.entries.len() != before;
        if found {
            self.removed.push(id.to_string());
            self.persist();
        }
        found
    }

    fn persist(&mut self) -> bool {
        self.merge_stored();
        self.unsaved = self.storage.write(&store::encode(&self.entries)).is_err();
        !self.unsaved
    }
}

impl<S: Storage> Outbox<S> {
    /// Another tab (same `localStorage`) may have written since this one read: keep the entries
    /// it added and the receipts it got, so that neither tab's write erases the other's complaint.
    fn merge_stored(&mut self) {
        let Some(text) = self.storage.read() else { return };
        for theirs in store::decode(&text).entries {
            match self.entries.iter_mut().find(|e| e.id == theirs.id) {
                Some(ours) if matches!(theirs.state, State::Delivered(_)) && !ours.is_settled() => *ours = theirs,
                Some(_) => {}
                None if !self.removed.contains(&theirs.id) => self.entries.push(theirs),
                None => {}
            }
        }
    }
}

/// Storage in memory: for tests, and for a browser without `localStorage`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemoryStorage {
    pub text: Option<String>,
}

impl Storage for MemoryStorage {
    fn read(&self) -> Option<String> {
        self.text.clone()
    }

    fn write(&mut self, text: &str) -> Result<(), StorageError> {
        self.text = Some(text.to_string());
        Ok(())
    }
}
