//! FNV-1a (64 bit), the one fingerprint of bytes in the workspace: the guides' content version,
//! the build's file names, the checksum of an outbox item. It tells changed or damaged bytes
//! apart, not an adversary's.

/// The running hash: [`Fnv::add`] the bytes in order, then [`Fnv::value`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    pub fn add(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    pub fn value(self) -> u64 {
        self.0
    }

    /// The hash of `bytes`.
    pub fn of(bytes: &[u8]) -> u64 {
        let mut hash = Fnv::default();
        hash.add(bytes);
        hash.value()
    }
}

#[cfg(test)]
mod tests {
    use super::Fnv;

    #[test]
    fn the_published_test_vectors() {
        assert_eq!(Fnv::of(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(Fnv::of(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(Fnv::of(b"foobar"), 0x8594_4171_f739_67e8);
        let mut parts = Fnv::default();
        parts.add(b"foo");
        parts.add(b"bar");
        assert_eq!(parts.value(), Fnv::of(b"foobar"), "added in parts, the same");
    }
}
