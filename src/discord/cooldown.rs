//! Per-user and per-channel cooldowns: how often a member may ask, and how often the bot
//! answers in one channel. The clock is passed in, so the rules are tested without waiting.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Past this many remembered users and channels, expired entries are dropped.
const PRUNE_AT: usize = 4096;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    User(u64),
    Channel(u64),
}

/// Why a question was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    User(Duration),
    Channel(Duration),
}

impl Wait {
    /// A short note for the member, e.g. "Please wait 3 s before asking again."
    pub fn note(&self) -> String {
        match self {
            Wait::User(left) => format!(
                "Please wait {} s before asking again.",
                left.as_secs().max(1)
            ),
            Wait::Channel(left) => {
                format!(
                    "I answer here at most once every few seconds; try again in {} s.",
                    left.as_secs().max(1)
                )
            }
        }
    }
}

/// The last time each user asked and each channel was answered.
#[derive(Debug)]
pub struct Cooldowns {
    user: Duration,
    channel: Duration,
    last: Mutex<HashMap<Key, Instant>>,
}

impl Cooldowns {
    pub fn new(user_seconds: f64, channel_seconds: f64) -> Self {
        Cooldowns {
            user: Duration::from_secs_f64(user_seconds.max(0.0)),
            channel: Duration::from_secs_f64(channel_seconds.max(0.0)),
            last: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a question from `user` in `channel` at `now`, or says how long to wait. A question
    /// that is refused does not restart either cooldown.
    pub fn take(&self, user: u64, channel: u64, now: Instant) -> Result<(), Wait> {
        let mut last = self
            .last
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let left = |last: &HashMap<Key, Instant>, key: Key, cooldown: Duration| {
            let then = *last.get(&key)?;
            let passed = now.saturating_duration_since(then);
            (passed < cooldown).then(|| cooldown - passed)
        };
        if let Some(wait) = left(&last, Key::User(user), self.user) {
            return Err(Wait::User(wait));
        }
        if let Some(wait) = left(&last, Key::Channel(channel), self.channel) {
            return Err(Wait::Channel(wait));
        }
        if last.len() >= PRUNE_AT {
            let longest = self.user.max(self.channel);
            last.retain(|_, then| now.saturating_duration_since(*then) < longest);
        }
        if !self.user.is_zero() {
            last.insert(Key::User(user), now);
        }
        if !self.channel.is_zero() {
            last.insert(Key::Channel(channel), now);
        }
        Ok(())
    }

    /// How many users and channels are remembered.
    pub fn len(&self) -> usize {
        self.last.lock().map(|l| l.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_waits_between_questions_and_others_do_not() {
        let cooldowns = Cooldowns::new(3.0, 0.0);
        let t0 = Instant::now();
        assert!(cooldowns.take(1, 10, t0).is_ok());
        assert!(matches!(
            cooldowns.take(1, 10, t0 + Duration::from_secs(1)),
            Err(Wait::User(_))
        ));
        assert!(cooldowns.take(2, 10, t0 + Duration::from_secs(1)).is_ok());
        assert!(cooldowns.take(1, 10, t0 + Duration::from_secs(3)).is_ok());
    }

    #[test]
    fn a_channel_is_answered_at_most_once_per_cooldown() {
        let cooldowns = Cooldowns::new(0.0, 5.0);
        let t0 = Instant::now();
        assert!(cooldowns.take(1, 10, t0).is_ok());
        let wait = cooldowns
            .take(2, 10, t0 + Duration::from_secs(2))
            .unwrap_err();
        assert_eq!(wait, Wait::Channel(Duration::from_secs(3)));
        assert!(wait.note().contains("3 s"));
        assert!(cooldowns.take(2, 11, t0 + Duration::from_secs(2)).is_ok());
    }

    #[test]
    fn zero_cooldowns_remember_nothing() {
        let cooldowns = Cooldowns::new(0.0, 0.0);
        let t0 = Instant::now();
        for user in 0..100 {
            assert!(cooldowns.take(user, 1, t0).is_ok());
        }
        assert!(cooldowns.is_empty());
    }

    #[test]
    fn expired_entries_are_pruned() {
        let cooldowns = Cooldowns::new(1.0, 0.0);
        let t0 = Instant::now();
        for user in 0..PRUNE_AT as u64 {
            cooldowns.take(user, 1, t0).unwrap();
        }
        cooldowns
            .take(u64::MAX, 1, t0 + Duration::from_secs(2))
            .unwrap();
        assert_eq!(cooldowns.len(), 1);
    }
}
