//! A fact's version: a hash of its file's bytes, so an edit made outside the store (an editor,
//! a `git pull`) changes the version just as the store's own edits do.

use std::fmt;
use std::str::FromStr;

/// The version of a fact file: FNV-1a (64 bits) of its bytes, shown as 16 hex digits.
///
/// FNV-1a is written here rather than taken from a crate (sha2 and the like) because a version
/// only has to tell two states of one small file apart when two moderators race: nobody gains
/// anything by forging a collision, 64 bits make an accidental one negligible, and the function
/// is eight lines that never change.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Version(u64);

impl Version {
    /// The version of a file with these bytes.
    pub fn of(bytes: &[u8]) -> Version {
        const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
        const PRIME: u64 = 0x0000_0100_0000_01b3;
        let mut hash = OFFSET;
        for &byte in bytes {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(PRIME);
        }
        Version(hash)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

impl fmt::Debug for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Version({self})")
    }
}

/// A version that is not 16 hex digits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a fact version: a version is the 16 hex digits `talks-bot fact show` prints")]
pub struct BadVersion(pub String);

impl FromStr for Version {
    type Err = BadVersion;

    fn from_str(text: &str) -> Result<Version, BadVersion> {
        let text = text.trim();
        if text.len() != 16 {
            return Err(BadVersion(text.to_string()));
        }
        u64::from_str_radix(text, 16)
            .map(Version)
            .map_err(|_| BadVersion(text.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_reference_values() {
        // Published FNV-1a 64 test vectors.
        assert_eq!(Version::of(b"").to_string(), "cbf29ce484222325");
        assert_eq!(Version::of(b"a").to_string(), "af63dc4c8601ec8c");
        assert_eq!(Version::of(b"foobar").to_string(), "85944171f73967e8");
    }

    #[test]
    fn versions_parse_back() {
        let v = Version::of(b"id = \"x\"\n");
        assert_eq!(v.to_string().parse::<Version>(), Ok(v));
        assert!("xyz".parse::<Version>().is_err());
        assert!("0123456789abcdeg".parse::<Version>().is_err());
    }
}
