//! Personal data at rest (UU 27/2022): every personal value is sealed with XChaCha20-Poly1305
//! under a data key from configuration before it reaches the database, and what a lookup must
//! match (a ticket with the phone's last 4 digits) is stored only as a keyed hash.
//!
//! A sealed value is `MAGIC (4) | key id (4) | nonce (24) | ciphertext with tag`. The associated
//! data binds it to its column and row (`complaints.personal` + ticket, `attachments.data` + id),
//! so a ciphertext copied to another row or column does not open. A later table (staff notes,
//! replies and their recipients) names its own column in [`Column`].
//!
//! Rotation: the key ring is a list; the first key seals, every key opens. At start the server
//! re-seals whatever an older key sealed (see `Store::reseal`), after which the old key can go.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

const MAGIC: &[u8; 4] = b"JMO\x01";
const KEY_ID_LEN: usize = 4;
const NONCE_LEN: usize = 24;
const HEADER_LEN: usize = MAGIC.len() + KEY_ID_LEN + NONCE_LEN;

/// What a sealed value is, bound into its associated data.
#[derive(Debug, Clone, Copy)]
pub enum Column {
    /// `complaints.personal`: the normalised complaint as JSON; the row is the ticket.
    ComplaintPersonal,
    /// `attachments.data`: the re-encoded image; the row is the attachment id.
    AttachmentData,
}

impl Column {
    fn name(self) -> &'static str {
        match self {
            Column::ComplaintPersonal => "complaints.personal",
            Column::AttachmentData => "attachments.data",
        }
    }
}

struct DataKey {
    id: [u8; KEY_ID_LEN],
    id_hex: String,
    aead: XChaCha20Poly1305,
    /// HMAC key for lookup hashes, derived from the data key (HKDF-SHA256), never stored.
    lookup: [u8; 32],
}

/// The configured data keys: the first seals, all open.
pub struct KeyRing {
    keys: Vec<DataKey>,
}

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyRing").field("key_ids", &self.key_ids()).finish()
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum OpenError {
    /// Not a sealed value (no magic, too short).
    NotSealed,
    /// Sealed with a key id this ring does not hold.
    UnknownKey(String),
    /// The tag does not verify: altered, moved to another row, or a wrong key.
    Corrupt,
}

/// A fresh random key as the configuration takes it (64 hex digits).
pub fn generate_key() -> String {
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).expect("the OS random source");
    hex(&key)
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.is_ascii() {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok()).collect()
}

impl KeyRing {
    /// Keys as 64 hex digits each, separated by commas, spaces or lines (`#` starts a comment);
    /// the first is the current one.
    pub fn parse(text: &str) -> Result<KeyRing, String> {
        let mut keys: Vec<DataKey> = Vec::new();
        for word in text.lines().map(|l| l.split('#').next().unwrap_or("")).flat_map(|l| l.split([',', ' ', '\t'])) {
            let word = word.trim();
            if word.is_empty() {
                continue;
            }
            let bytes = unhex(word).filter(|b| b.len() == 32).ok_or_else(|| {
                "a data key must be 64 hex digits (32 random bytes), e.g. from `jmo-selfhelp-server --generate-key`".to_string()
            })?;
            let key = DataKey::new(&bytes);
            if keys.iter().any(|k| k.id == key.id) {
                return Err(format!("data key {} is listed twice", key.id_hex));
            }
            keys.push(key);
        }
        if keys.is_empty() {
            return Err("no data key given".into());
        }
        Ok(KeyRing { keys })
    }

    /// The id of the key that seals (8 hex digits, derived from the key; not secret).
    pub fn current_id(&self) -> &str {
        &self.keys[0].id_hex
    }

    pub fn key_ids(&self) -> Vec<&str> {
        self.keys.iter().map(|k| k.id_hex.as_str()).collect()
    }

    pub fn holds(&self, key_id: &str) -> bool {
        self.keys.iter().any(|k| k.id_hex == key_id)
    }

    pub fn seal(&self, column: Column, row: &str, plain: &[u8]) -> Vec<u8> {
        let key = &self.keys[0];
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).expect("the OS random source");
        let mut out = Vec::with_capacity(HEADER_LEN + plain.len() + 16);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&key.id);
        out.extend_from_slice(&nonce);
        let aad = associated_data(&key.id, column, row);
        let sealed = key
            .aead
            .encrypt(&XNonce::from(nonce), Payload { msg: plain, aad: &aad })
            .expect("XChaCha20-Poly1305 seals any length this server stores");
        out.extend_from_slice(&sealed);
        out
    }

    pub fn open(&self, column: Column, row: &str, sealed: &[u8]) -> Result<Vec<u8>, OpenError> {
        if sealed.len() < HEADER_LEN + 16 || &sealed[..MAGIC.len()] != MAGIC {
            return Err(OpenError::NotSealed);
        }
        let id = &sealed[MAGIC.len()..MAGIC.len() + KEY_ID_LEN];
        let key = self.keys.iter().find(|k| k.id == id).ok_or_else(|| OpenError::UnknownKey(hex(id)))?;
        let nonce: [u8; NONCE_LEN] = sealed[MAGIC.len() + KEY_ID_LEN..HEADER_LEN].try_into().map_err(|_| OpenError::NotSealed)?;
        let aad = associated_data(&key.id, column, row);
        key.aead.decrypt(&XNonce::from(nonce), Payload { msg: &sealed[HEADER_LEN..], aad: &aad }).map_err(|_| OpenError::Corrupt)
    }

    /// The id of the key that sealed `sealed`, if it is a sealed value.
    pub fn key_id_of(sealed: &[u8]) -> Option<String> {
        (sealed.len() >= HEADER_LEN && &sealed[..MAGIC.len()] == MAGIC).then(|| hex(&sealed[MAGIC.len()..MAGIC.len() + KEY_ID_LEN]))
    }

    /// HMAC-SHA256 of the ticket and the phone's last 4 digits under the current key (hex).
    pub fn lookup_hash(&self, ticket: &str, phone_last4: &str) -> String {
        lookup_hash(&self.keys[0], ticket, phone_last4)
    }

    /// Whether `stored` (made under `key_id`) is the lookup hash of this ticket and these digits,
    /// compared in constant time.
    pub fn lookup_matches(&self, key_id: &str, ticket: &str, phone_last4: &str, stored: &str) -> bool {
        match self.keys.iter().find(|k| k.id_hex == key_id) {
            Some(key) => bool::from(lookup_hash(key, ticket, phone_last4).as_bytes().ct_eq(stored.as_bytes())),
            None => false,
        }
    }
}

impl DataKey {
    fn new(bytes: &[u8]) -> DataKey {
        let digest = Sha256::new().chain_update(b"jmo-selfhelp data key id\0").chain_update(bytes).finalize();
        let id: [u8; KEY_ID_LEN] = digest[..KEY_ID_LEN].try_into().unwrap_or_default();
        let mut lookup = [0u8; 32];
        hkdf::Hkdf::<Sha256>::new(None, bytes)
            .expand(b"jmo-selfhelp lookup hash v1", &mut lookup)
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        DataKey {
            id,
            id_hex: hex(&id),
            aead: XChaCha20Poly1305::new_from_slice(bytes).expect("a 32-byte key"),
            lookup,
        }
    }
}

fn associated_data(key_id: &[u8], column: Column, row: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(MAGIC.len() + KEY_ID_LEN + 32 + row.len());
    aad.extend_from_slice(MAGIC);
    aad.extend_from_slice(key_id);
    aad.extend_from_slice(column.name().as_bytes());
    aad.push(0);
    aad.extend_from_slice(row.as_bytes());
    aad
}

fn lookup_hash(key: &DataKey, ticket: &str, phone_last4: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(&key.lookup).expect("HMAC takes any key length");
    mac.update(ticket.as_bytes());
    mac.update(b"\0");
    mac.update(phone_last4.as_bytes());
    hex(&mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_opens_and_binds_to_the_row() {
        let ring = KeyRing::parse(&generate_key()).unwrap();
        let sealed = ring.seal(Column::ComplaintPersonal, "JMO-A", b"3201015705900001");
        assert!(!sealed.windows(16).any(|w| w == b"3201015705900001"));
        assert_eq!(ring.open(Column::ComplaintPersonal, "JMO-A", &sealed).unwrap(), b"3201015705900001");
        assert_eq!(ring.open(Column::ComplaintPersonal, "JMO-B", &sealed), Err(OpenError::Corrupt));
        assert_eq!(ring.open(Column::AttachmentData, "JMO-A", &sealed), Err(OpenError::Corrupt));
        let mut altered = sealed.clone();
        *altered.last_mut().unwrap() ^= 1;
        assert_eq!(ring.open(Column::ComplaintPersonal, "JMO-A", &altered), Err(OpenError::Corrupt));
        assert_eq!(ring.open(Column::ComplaintPersonal, "JMO-A", b"{\"plain\":1}"), Err(OpenError::NotSealed));
        assert_eq!(KeyRing::key_id_of(&sealed).as_deref(), Some(ring.current_id()));
    }

    #[test]
    fn rotation_opens_with_older_keys_and_lookups_follow_the_row_key() {
        let (old, new) = (generate_key(), generate_key());
        let before = KeyRing::parse(&old).unwrap();
        let sealed = before.seal(Column::AttachmentData, "id-1", b"png");
        let hash = before.lookup_hash("JMO-A", "7890");
        let after = KeyRing::parse(&format!("{new}\n{old} # retired 2026-12")).unwrap();
        assert_ne!(after.current_id(), before.current_id());
        assert_eq!(after.open(Column::AttachmentData, "id-1", &sealed).unwrap(), b"png");
        assert!(after.lookup_matches(before.current_id(), "JMO-A", "7890", &hash));
        assert!(!after.lookup_matches(before.current_id(), "JMO-A", "7891", &hash));
        let only_new = KeyRing::parse(&new).unwrap();
        assert_eq!(only_new.open(Column::AttachmentData, "id-1", &sealed), Err(OpenError::UnknownKey(before.current_id().into())));
    }

    #[test]
    fn refuses_malformed_rings() {
        assert!(KeyRing::parse("").is_err());
        assert!(KeyRing::parse("abc").is_err());
        let k = generate_key();
        assert!(KeyRing::parse(&format!("{k},{k}")).is_err());
    }
}
