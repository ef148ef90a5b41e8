//! What `serve` counts, for Prometheus: the metric names and the one function that records
//! each, through the `metrics` facade (a no-op until [`endpoint`] installs the exporter, so the
//! core may record without knowing whether anyone reads). The health of the gateway shards of
//! this process is kept here too, for `/healthz`.
//!
//! | metric | kind | labels |
//! |---|---|---|
//! | `talks_bot_questions_total` | counter | `origin` (mention, dm, channel, command, message_command, button), `outcome` (answered, unsure, declined, help, empty) |
//! | `talks_bot_answer_seconds` | histogram | |
//! | `talks_bot_shards_connected` | gauge | |
//! | `talks_bot_shards_expected` | gauge | |
//! | `talks_bot_knowledge_facts` | gauge | |
//! | `talks_bot_reloads_total` | counter | `result` (ok, failed) |

pub mod endpoint;

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

pub const QUESTIONS: &str = "talks_bot_questions_total";
pub const ANSWER_SECONDS: &str = "talks_bot_answer_seconds";
pub const SHARDS_CONNECTED: &str = "talks_bot_shards_connected";
pub const SHARDS_EXPECTED: &str = "talks_bot_shards_expected";
pub const KNOWLEDGE_FACTS: &str = "talks_bot_knowledge_facts";
pub const RELOADS: &str = "talks_bot_reloads_total";

/// The buckets of [`ANSWER_SECONDS`]: matching takes microseconds, so they start at 10 µs.
pub const ANSWER_BUCKETS: &[f64] = &[
    0.000_01, 0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025,
    0.05, 0.1,
];

/// A question answered (or declined): where it came from, its outcome, how long it took.
pub fn question(origin: &'static str, outcome: &'static str, took: Duration) {
    metrics::counter!(QUESTIONS, "origin" => origin, "outcome" => outcome).increment(1);
    metrics::histogram!(ANSWER_SECONDS).record(took.as_secs_f64());
}

/// A reload of the knowledge folder (by the watcher or `/fact reload`).
pub fn reload(ok: bool) {
    let result = if ok { "ok" } else { "failed" };
    metrics::counter!(RELOADS, "result" => result).increment(1);
}

/// The facts the bot answers from now.
pub fn knowledge_facts(facts: usize) {
    metrics::gauge!(KNOWLEDGE_FACTS).set(facts as f64);
}

/// The gateway shards of this process: how many are connected, of how many it runs (0 while
/// that is not known yet, as before Discord said how many shards to run).
pub fn shards(connected: u32, expected: u32) {
    HEALTH.connected.store(connected, Ordering::Relaxed);
    HEALTH.expected.store(expected, Ordering::Relaxed);
    metrics::gauge!(SHARDS_CONNECTED).set(f64::from(connected));
    metrics::gauge!(SHARDS_EXPECTED).set(f64::from(expected));
}

/// Whether every shard of this process is connected (and there is at least one).
pub fn healthy() -> bool {
    let (connected, expected) = (
        HEALTH.connected.load(Ordering::Relaxed),
        HEALTH.expected.load(Ordering::Relaxed),
    );
    expected > 0 && connected >= expected
}

/// The shard counts `/healthz` reads: one bot a process, like the metrics registry itself.
struct Health {
    connected: AtomicU32,
    expected: AtomicU32,
}

static HEALTH: Health = Health {
    connected: AtomicU32::new(0),
    expected: AtomicU32::new(0),
};
