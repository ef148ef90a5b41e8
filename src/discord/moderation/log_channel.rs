//! The moderator log channel: accepted changes, and reloads of files changed on disk.

use std::sync::Arc;

use poise::serenity_prelude as serenity;
use serenity::{ChannelId, CreateMessage};

use super::super::render::{limits, no_pings};
use crate::config::DiscordConfig;
use crate::engine::SharedEngine;
use crate::reload::{OnReload, Watcher};
use crate::store::{changes_text, Action, Entry};
use crate::text::cut;

/// How many changed fields a message lists.
const LISTED: usize = 10;

// ---------------------------------------------------------------- the log channel

/// A change in a few lines: the journal summary, then what it did.
pub fn change_text(entry: &Entry) -> String {
    let mut text = entry.summary();
    match (entry.action, &entry.before, &entry.after) {
        (_, None, Some(after)) => {
            text.push_str(&format!("\n  question: {}", cut(&after.question, 300)))
        }
        (_, Some(before), None) => {
            text.push_str(&format!("\n  was: {}", cut(&before.question, 300)))
        }
        _ => {
            let changes = entry.changes();
            if !changes.is_empty() {
                text.push('\n');
                text.push_str(&changes_text(&changes, LISTED));
            }
        }
    }
    for source in &entry.sources_added {
        text.push_str(&format!(
            "\n  new source `{}`: {}",
            source.id,
            cut(&source.url, 300)
        ));
    }
    if entry.action == Action::Undo && entry.after.is_none() && entry.before.is_some() {
        text.push_str("\n  (the undone change had added it)");
    }
    text
}

/// Posts `text` in the moderator log channel, if one is configured; failures are logged.
pub async fn post_log(http: &serenity::Http, config: &DiscordConfig, text: &str) {
    let Some(channel) = config.moderator_log_channel else {
        return;
    };
    post(http, channel, text).await;
}

async fn post(http: &serenity::Http, channel: u64, text: &str) {
    let message = CreateMessage::new()
        .content(cut(text, limits::CONTENT))
        .allowed_mentions(no_pings());
    if let Err(error) = ChannelId::new(channel).send_message(http, message).await {
        tracing::error!(%channel, %error, "could not post in the moderator log channel");
    }
}

/// Announces an accepted change in the log channel.
pub async fn announce(http: &serenity::Http, config: &DiscordConfig, entry: &Entry) {
    post_log(http, config, &change_text(entry)).await;
}

/// Starts watching the engine's knowledge folder: changed files are reloaded, and a reload that
/// fails the check (the bot keeps serving the last good base) is posted in the log channel, as
/// is the next good reload after it. `None` (logged) if watching cannot start.
pub fn watch(
    engine: SharedEngine,
    http: Arc<serenity::Http>,
    channel: Option<u64>,
) -> Option<Watcher> {
    let dir = engine.load().knowledge().dir().to_path_buf();
    let runtime = tokio::runtime::Handle::current();
    let mut failing = false;
    let on_reload: OnReload = Box::new(move |result| {
        let text = match result {
            Err(error) => {
                failing = true;
                Some(format!(
                    "The knowledge files changed on disk but do not pass the check, so I keep answering from the last good base. Fix this:\n{error}"
                ))
            }
            Ok(r) if failing => {
                failing = false;
                Some(format!(
                    "The knowledge files pass the check again: reloaded {} facts and {} sources.",
                    r.facts, r.sources
                ))
            }
            Ok(_) => None,
        };
        if let (Some(text), Some(channel)) = (text, channel) {
            let http = http.clone();
            runtime.spawn(async move { post(&http, channel, &text).await });
        }
    });
    match Watcher::start(&dir, engine, on_reload) {
        Ok(watcher) => Some(watcher),
        Err(error) => {
            tracing::error!(dir = %dir.display(), %error, "cannot watch the knowledge folder; use /fact reload after changing files");
            None
        }
    }
}
