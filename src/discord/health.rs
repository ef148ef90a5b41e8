//! The gateway's health for `/healthz` and the metrics: once a second, how many shards of this
//! process are connected and how many it runs, and how many facts the bot answers from.

use std::sync::Arc;
use std::time::Duration;

use poise::serenity_prelude as serenity;
use serenity::{ConnectionStage, ShardManager};

use super::Shards;
use crate::engine::SharedEngine;

/// How often the shards are looked at.
pub const EVERY: Duration = Duration::from_secs(1);

/// Runs until aborted (by `serve`, on shutdown).
pub async fn watch(
    manager: Arc<ShardManager>,
    cache: Arc<serenity::Cache>,
    shards: Shards,
    engine: SharedEngine,
) {
    let mut tick = tokio::time::interval(EVERY);
    loop {
        tick.tick().await;
        let connected = manager
            .runners
            .lock()
            .await
            .values()
            .filter(|runner| matches!(runner.stage, ConnectionStage::Connected))
            .count();
        let expected = match shards {
            Shards::Range { start, end, .. } => end - start,
            // Autosharding runs every shard here; Discord says how many with the first READY.
            Shards::Auto => cache.shard_count(),
        };
        crate::metrics::shards(u32::try_from(connected).unwrap_or(u32::MAX), expected);
        crate::metrics::knowledge_facts(engine.load().knowledge().facts().len());
    }
}
