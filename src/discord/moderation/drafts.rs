//! What a moderator typed or chose, kept for a while under a short key that fits in a custom
//! id: the form text of a refused change (so "Reopen the form" can bring it back), the reason of
//! a removal waiting for its confirm button. Each entry belongs to one member, lives
//! [`Drafts::TTL`], and the oldest go first when there are more than [`Drafts::CAP`].

use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::form::{FormText, ModId};

/// Something kept for a member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pending {
    /// A form and what it was for ([`ModId::Add`] or [`ModId::Edit`]).
    Form { target: ModId, text: FormText },
    /// The reason given with `/fact remove`.
    Reason(String),
}

#[derive(Debug)]
struct Kept {
    user: u64,
    at: Instant,
    pending: Pending,
}

/// The kept drafts of this process (lost on restart; the member then runs the command again).
#[derive(Debug)]
pub struct Drafts {
    entries: Mutex<(u64, HashMap<String, Kept>)>,
    /// Makes keys differ between processes, so a button from before a restart finds nothing.
    salt: u16,
}

impl Default for Drafts {
    fn default() -> Self {
        Drafts::new()
    }
}

impl Drafts {
    /// How long a draft is kept: an interaction token's lifetime.
    pub const TTL: Duration = Duration::from_secs(15 * 60);
    /// How many drafts are kept at most.
    pub const CAP: usize = 500;

    pub fn new() -> Drafts {
        let salt = RandomState::new().build_hasher().finish() as u16;
        Drafts {
            entries: Mutex::new((0, HashMap::new())),
            salt,
        }
    }

    /// Keeps `pending` for `user`; returns its key (lower-case letters and digits, a few chars).
    pub fn put(&self, user: u64, pending: Pending, now: Instant) -> String {
        let mut guard = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let (counter, entries) = &mut *guard;
        entries.retain(|_, kept| now.saturating_duration_since(kept.at) < Self::TTL);
        while entries.len() >= Self::CAP {
            let Some(oldest) = entries
                .iter()
                .min_by_key(|(_, kept)| kept.at)
                .map(|(key, _)| key.clone())
            else {
                break;
            };
            entries.remove(&oldest);
        }
        *counter += 1;
        let key = format!("{:x}{}", self.salt, base36(*counter));
        entries.insert(
            key.clone(),
            Kept {
                user,
                at: now,
                pending,
            },
        );
        key
    }

    /// What `user` kept under `key`, if it has not expired. Another member's key finds nothing.
    pub fn get(&self, key: &str, user: u64, now: Instant) -> Option<Pending> {
        let guard = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        guard
            .1
            .get(key)
            .filter(|kept| kept.user == user && now.saturating_duration_since(kept.at) < Self::TTL)
            .map(|kept| kept.pending.clone())
    }

    pub fn len(&self) -> usize {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .1
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn base36(mut n: u64) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(text: &str) -> Pending {
        Pending::Reason(text.into())
    }

    #[test]
    fn drafts_belong_to_their_member_and_expire() {
        let drafts = Drafts::new();
        let now = Instant::now();
        let key = drafts.put(7, reason("typo"), now);
        assert!(key.len() <= 20);
        assert!(key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
        assert_eq!(drafts.get(&key, 7, now), Some(reason("typo")));
        assert_eq!(drafts.get(&key, 7, now), Some(reason("typo")), "read twice");
        assert_eq!(drafts.get(&key, 8, now), None, "another member");
        assert_eq!(drafts.get(&key, 7, now + Drafts::TTL), None, "expired");
        assert_eq!(drafts.get("nope", 7, now), None);
        let other = drafts.put(7, reason("b"), now);
        assert_ne!(key, other);
    }

    #[test]
    fn the_oldest_go_first_past_the_cap() {
        let drafts = Drafts::new();
        let start = Instant::now();
        let first = drafts.put(1, reason("first"), start);
        for i in 1..=Drafts::CAP as u64 {
            drafts.put(1, reason("more"), start + Duration::from_millis(i));
        }
        assert_eq!(drafts.len(), Drafts::CAP);
        assert_eq!(drafts.get(&first, 1, start + Duration::from_secs(1)), None);
        // Expired entries are swept when the next one is kept.
        drafts.put(
            1,
            reason("late"),
            start + Drafts::TTL + Duration::from_secs(1),
        );
        assert_eq!(drafts.len(), 1);
    }
}
