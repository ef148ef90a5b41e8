//! Per-user and per-channel cooldowns: how often a member may ask, and how often the bot
//! answers in one channel; and a light per-member rate limit for autocomplete. The clock is
//! passed in, so the rules are tested without waiting.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::messages::{fill, messages};
use crate::text::Lang;

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
    /// A short note for the member in their language, e.g. "Please wait 3 s before asking
    /// again."
    pub fn note(&self, lang: Lang) -> String {
        let texts = &messages(lang).discord;
        let (template, left) = match self {
            Wait::User(left) => (&texts.wait_user, left),
            Wait::Channel(left) => (&texts.wait_channel, left),
        };
        fill(template, &[("seconds", &left.as_secs().max(1).to_string())])
    }
}

/// A question refused by a cooldown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    pub wait: Wait,
    /// The first refusal in this cooldown window (for the member, or the channel): the one a
    /// member is told about; the others are dropped quietly.
    pub first: bool,
}

/// When a user asked and a channel was answered, and whether a refusal was shown since.
#[derive(Debug, Clone, Copy)]
struct Last {
    at: Instant,
    refused: bool,
}

/// The last time each user asked and each channel was answered.
#[derive(Debug)]
pub struct Cooldowns {
    user: Duration,
    channel: Duration,
    last: Mutex<HashMap<Key, Last>>,
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
    pub fn take(&self, user: u64, channel: u64, now: Instant) -> Result<(), Refusal> {
        self.ask(user, channel, now, true)
    }

    /// Whether a question from `user` in `channel` would be taken at `now`, without taking it
    /// (for messages that are answered only if they match; take it when they do).
    pub fn check(&self, user: u64, channel: u64, now: Instant) -> Result<(), Refusal> {
        self.ask(user, channel, now, false)
    }

    fn ask(&self, user: u64, channel: u64, now: Instant, take: bool) -> Result<(), Refusal> {
        let mut last = self
            .last
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let waits = [
            (
                Key::User(user),
                self.user,
                Wait::User as fn(Duration) -> Wait,
            ),
            (Key::Channel(channel), self.channel, Wait::Channel),
        ];
        for (key, cooldown, wait) in waits {
            let Some(then) = last.get_mut(&key) else {
                continue;
            };
            let passed = now.saturating_duration_since(then.at);
            if passed < cooldown {
                let first = take && !then.refused;
                if take {
                    then.refused = true;
                }
                return Err(Refusal {
                    wait: wait(cooldown - passed),
                    first,
                });
            }
        }
        if !take {
            return Ok(());
        }
        if last.len() >= PRUNE_AT {
            let longest = self.user.max(self.channel);
            last.retain(|_, then| now.saturating_duration_since(then.at) < longest);
        }
        let fresh = Last {
            at: now,
            refused: false,
        };
        if !self.user.is_zero() {
            last.insert(Key::User(user), fresh);
        }
        if !self.channel.is_zero() {
            last.insert(Key::Channel(channel), fresh);
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

/// A light per-member rate limit: at most one call per `every` (autocomplete requests, which
/// Discord sends as a member types).
#[derive(Debug)]
pub struct RateLimit {
    every: Duration,
    last: Mutex<HashMap<u64, Instant>>,
}

impl RateLimit {
    pub fn new(every: Duration) -> Self {
        RateLimit {
            every,
            last: Mutex::new(HashMap::new()),
        }
    }

    /// True when `user` may make a call at `now` (and it is counted).
    pub fn allow(&self, user: u64, now: Instant) -> bool {
        let mut last = self
            .last
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(then) = last.get(&user) {
            if now.saturating_duration_since(*then) < self.every {
                return false;
            }
        }
        if last.len() >= PRUNE_AT {
            let every = self.every;
            last.retain(|_, then| now.saturating_duration_since(*then) < every);
        }
        last.insert(user, now);
        true
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
            Err(Refusal {
                wait: Wait::User(_),
                first: true
            })
        ));
        assert!(matches!(
            cooldowns.take(1, 10, t0 + Duration::from_secs(2)),
            Err(Refusal { first: false, .. })
        ));
        assert!(cooldowns.take(2, 10, t0 + Duration::from_secs(1)).is_ok());
        assert!(cooldowns.take(1, 10, t0 + Duration::from_secs(3)).is_ok());
    }

    #[test]
    fn a_channel_is_answered_at_most_once_per_cooldown() {
        let cooldowns = Cooldowns::new(0.0, 5.0);
        let t0 = Instant::now();
        assert!(cooldowns.take(1, 10, t0).is_ok());
        assert!(cooldowns.check(2, 10, t0 + Duration::from_secs(2)).is_err());
        let wait = cooldowns
            .take(2, 10, t0 + Duration::from_secs(2))
            .unwrap_err()
            .wait;
        assert_eq!(wait, Wait::Channel(Duration::from_secs(3)));
        assert!(wait.note(Lang::EN).contains("3 s"));
        let ru = Lang::from_code("ru").unwrap();
        assert!(wait.note(ru).contains("через 3 с"), "{}", wait.note(ru));
        assert!(cooldowns.take(2, 11, t0 + Duration::from_secs(2)).is_ok());
    }

    #[test]
    fn a_check_takes_nothing() {
        let cooldowns = Cooldowns::new(3.0, 0.0);
        let t0 = Instant::now();
        assert!(cooldowns.check(1, 10, t0).is_ok());
        assert!(cooldowns.check(1, 10, t0).is_ok());
        assert!(cooldowns.take(1, 10, t0).is_ok());
        assert!(cooldowns.check(1, 10, t0).is_err());
    }

    #[test]
    fn the_rate_limit_allows_one_call_per_period() {
        let limit = RateLimit::new(Duration::from_millis(200));
        let t0 = Instant::now();
        assert!(limit.allow(1, t0));
        assert!(!limit.allow(1, t0 + Duration::from_millis(100)));
        assert!(limit.allow(2, t0 + Duration::from_millis(100)));
        assert!(limit.allow(1, t0 + Duration::from_millis(200)));
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
