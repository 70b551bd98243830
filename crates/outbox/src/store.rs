//! How the outbox is kept in `localStorage` (or any store of named texts): one item per
//! complaint, named [`KEY_PREFIX`] + its id, so that no tab's write can replace another tab's
//! complaint. An item is one line of tab-separated, backslash-escaped fields ending in a
//! checksum. A damaged item — cut off by a full disk, edited by hand, written by a future version
//! — is skipped and counted, never a panic. Earlier versions kept every complaint in one item,
//! [`LEGACY_KEY`], behind a header line; the outbox moves those into items of their own.
//!
//! ```text
//! jmo.outbox.<id> = E  id  key  created  attempts  next  last4  body  S                    checksum
//!                   E  …                                               N  since            checksum
//!                   E  …                                               W  network|timeout|interrupted|503
//!                   E  …                                               D  ticket  received_at  due_at
//!                   E  …                                               R  status  (field  code)*
//! ```

use crate::entry::{Entry, Rejection, State, WaitReason};
use jmo_contract::fnv::Fnv;
use jmo_contract::{ComplaintReceipt, ErrorItem};

/// The start of every complaint's item name.
pub const KEY_PREFIX: &str = "jmo.outbox.";
/// The one item of earlier versions, holding every complaint.
pub const LEGACY_KEY: &str = "jmo.outbox";
/// The first line of [`LEGACY_KEY`].
pub const LEGACY_HEADER: &str = "jmo-outbox 1";

/// The item name of the complaint `id`.
pub fn key(id: &str) -> String {
    let mut key = String::from(KEY_PREFIX);
    key.push_str(id);
    key
}

/// The complaint id an item name stands for, if it is one.
pub fn id_of(key: &str) -> Option<&str> {
    key.strip_prefix(KEY_PREFIX).filter(|id| !id.is_empty())
}

/// Whether storage holds complaints, from the names of its items (`names`, a line each): how
/// the widget tells without loading the form. [`LEGACY_KEY`] counts too, even emptied: the form,
/// loaded then, moves what it holds and removes it. (Bytes, not `str` patterns: the widget's
/// first load has a 100 KB budget.)
pub fn holds_complaints(names: &str) -> bool {
    names.as_bytes().split(|&b| b == b'\n').any(|name| name.starts_with(LEGACY_KEY.as_bytes()) && name != b"jmo.outbox.")
}

/// What an item of earlier versions held.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Loaded {
    pub entries: Vec<Entry>,
    /// Lines that could not be read (and are dropped).
    pub damaged: usize,
    /// The whole text was not an outbox (wrong or missing header): nothing was read from it.
    pub unreadable: bool,
}

/// One complaint's item.
pub fn encode(entry: &Entry) -> String {
    let mut out = String::new();
    encode_entry(entry, &mut out);
    let sum = checksum(out.as_bytes());
    out.push('\t');
    out.push_str(&sum);
    out
}

/// The complaint in an item, if it is whole and readable.
pub fn decode(text: &str) -> Option<Entry> {
    decode_line(text.trim_end_matches(['\r', '\n']))
}

/// [`LEGACY_KEY`]'s text: a header line, then one line per complaint as [`encode`] writes them.
pub fn decode_legacy(text: &str) -> Loaded {
    let mut lines = text.split('\n');
    let mut loaded = Loaded::default();
    match lines.next().map(|l| l.trim_end_matches('\r')) {
        None | Some("") if text.trim().is_empty() => return loaded,
        Some(LEGACY_HEADER) => {}
        _ => {
            loaded.unreadable = true;
            return loaded;
        }
    }
    for line in lines.map(|l| l.trim_end_matches('\r')).filter(|l| !l.is_empty()) {
        match decode_line(line) {
            Some(e) if !loaded.entries.iter().any(|o| o.id == e.id) => loaded.entries.push(e),
            _ => loaded.damaged += 1,
        }
    }
    loaded
}

fn encode_entry(e: &Entry, out: &mut String) {
    let text = |out: &mut String, s: &str| {
        out.push('\t');
        escape(s, out);
    };
    let num = |out: &mut String, n: u64| {
        out.push('\t');
        push_number(out, n);
    };
    out.push('E');
    text(out, &e.id);
    text(out, &e.idempotency_key);
    num(out, e.created_at);
    num(out, e.attempts as u64);
    num(out, e.next_attempt_at);
    text(out, &e.phone_last4);
    text(out, &e.body);
    match &e.state {
        State::Saved => out.push_str("\tS"),
        State::Sending { since } => {
            out.push_str("\tN");
            num(out, *since);
        }
        State::Waiting { reason } => {
            out.push_str("\tW");
            match reason {
                WaitReason::Network => out.push_str("\tnetwork"),
                WaitReason::Timeout => out.push_str("\ttimeout"),
                WaitReason::Interrupted => out.push_str("\tinterrupted"),
                WaitReason::Status(s) => num(out, *s as u64),
            }
        }
        State::Delivered(r) => {
            out.push_str("\tD");
            text(out, &r.ticket);
            text(out, &r.received_at);
            text(out, &r.response_due_at);
        }
        State::Rejected(r) => {
            out.push_str("\tR");
            num(out, r.status as u64);
            for p in &r.problems {
                text(out, p.field.as_deref().unwrap_or(""));
                text(out, &p.code);
            }
        }
    }
}

/// Decimal digits without `core::fmt` (smaller in wasm).
fn push_number(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    digits[i..].iter().for_each(|d| out.push(*d as char));
}

/// A line's fields, read in order.
struct Fields<'a>(core::str::Split<'a, char>);

impl<'a> Fields<'a> {
    fn raw(&mut self) -> Option<&'a str> {
        self.0.next()
    }

    fn text(&mut self) -> Option<String> {
        unescape(self.0.next()?)
    }

    fn number(&mut self) -> Option<u64> {
        number(self.0.next()?)
    }
}

fn decode_line(line: &str) -> Option<Entry> {
    let (content, sum) = line.rsplit_once('\t')?;
    if checksum(content.as_bytes()) != sum {
        return None;
    }
    let mut f = Fields(content.split('\t'));
    if f.raw()? != "E" {
        return None;
    }
    let (id, idempotency_key) = (f.text()?, f.text()?);
    let (created_at, attempts, next_attempt_at) = (f.number()?, u32::try_from(f.number()?).ok()?, f.number()?);
    let (phone_last4, body) = (f.text()?, f.text()?);
    if id.is_empty() || idempotency_key.is_empty() || phone_last4.len() > 4 || !phone_last4.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let state = match f.raw()? {
        "S" => State::Saved,
        "N" => State::Sending { since: f.number()? },
        "W" => State::Waiting {
            reason: match f.raw()? {
                "network" => WaitReason::Network,
                "timeout" => WaitReason::Timeout,
                "interrupted" => WaitReason::Interrupted,
                s => WaitReason::Status(status(s)?),
            },
        },
        "D" => {
            let r = ComplaintReceipt { ticket: f.text()?, received_at: f.text()?, response_due_at: f.text()? };
            if r.ticket.is_empty() {
                return None;
            }
            State::Delivered(r)
        }
        "R" => {
            let status = status(f.raw()?)?;
            let mut problems = Vec::new();
            while let Some(field) = f.raw() {
                let field = unescape(field)?;
                problems.push(ErrorItem { field: (!field.is_empty()).then_some(field), code: f.text()? });
            }
            State::Rejected(Rejection { status, problems })
        }
        _ => return None,
    };
    if f.raw().is_some() {
        return None;
    }
    Some(Entry { id, idempotency_key, body, phone_last4, created_at, attempts, next_attempt_at, state })
}

/// A decimal number of ASCII digits only (no sign, no spaces), without overflow.
pub(crate) fn number(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 20 {
        return None;
    }
    s.bytes().try_fold(0u64, |acc, b| {
        let digit = b.is_ascii_digit().then(|| (b - b'0') as u64)?;
        acc.checked_mul(10)?.checked_add(digit)
    })
}

fn status(s: &str) -> Option<u16> {
    number(s).filter(|n| (100..=599).contains(n)).map(|n| n as u16)
}

fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}

fn unescape(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        out.push(match c {
            '\\' => match chars.next()? {
                '\\' => '\\',
                't' => '\t',
                'n' => '\n',
                'r' => '\r',
                _ => return None,
            },
            c => c,
        });
    }
    Some(out)
}

/// [`Fnv`] in hex: catches cut-off and hand-edited lines.
fn checksum(s: &[u8]) -> String {
    let h = Fnv::of(s);
    let mut out = String::with_capacity(16);
    for i in (0..16).rev() {
        out.push(char::from_digit((h >> (i * 4) & 0xf) as u32, 16).unwrap_or('0'));
    }
    out
}
