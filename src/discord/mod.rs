//! The Discord front end (serenity and poise): slash commands, mentions, DMs and buttons over
//! the shared [`Engine`](crate::Engine). This module tree is the only part of the crate that
//! knows Discord. [`serve`] takes everything it needs (configuration with the API base, the
//! engine, the shutdown signal), so tests run it as it is against a fake Discord on loopback.

pub mod commands;
pub mod cooldown;
pub mod data;
pub mod events;
pub mod feedback;
pub mod moderation;
pub mod render;

use std::fmt;
use std::future::Future;
use std::str::FromStr;
use std::sync::Arc;

use poise::serenity_prelude as serenity;
use serenity::{GatewayIntents, GuildId};

use crate::config::{DiscordConfig, Registration, Secret};
use crate::engine::SharedEngine;

pub use data::{Context, Data, Error};

/// Which gateway shards this process runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Shards {
    /// As many as Discord recommends, all in this process.
    #[default]
    Auto,
    /// Shards `start..end` (end excluded) of `total`, so several processes can share the load.
    Range { start: u32, end: u32, total: u32 },
}

impl Shards {
    /// A range from `--shards START..END` and `--total N`; the message says what is wrong.
    pub fn range(spec: &str, total: u32) -> Result<Shards, String> {
        let (start, end) = spec.split_once("..").ok_or_else(|| {
            format!("`{spec}` is not a range; write START..END, e.g. 0..4 (END excluded)")
        })?;
        let number = |s: &str| {
            u32::from_str(s.trim()).map_err(|_| format!("`{s}` in `{spec}` is not a shard number"))
        };
        let (start, end) = (number(start)?, number(end)?);
        if start >= end {
            return Err(format!(
                "the range {start}..{end} is empty; END is excluded, so 0..1 runs shard 0"
            ));
        }
        if end > total {
            return Err(format!(
                "the range {start}..{end} goes past --total {total}; shard ids run from 0 to {}",
                total.saturating_sub(1)
            ));
        }
        Ok(Shards::Range { start, end, total })
    }
}

/// Why the bot stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("the Discord client failed: {0}")]
    Client(Box<serenity::Error>),
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
}

impl From<serenity::Error> for ServeError {
    fn from(error: serenity::Error) -> Self {
        ServeError::Client(Box::new(error))
    }
}

/// The gateway intents the configuration needs: Message Content (privileged) only when the bot
/// answers un-mentioned messages in configured channels. Mentions and DMs carry their text
/// without it.
pub fn intents(config: &DiscordConfig) -> GatewayIntents {
    let mut intents =
        GatewayIntents::GUILDS | GatewayIntents::GUILD_MESSAGES | GatewayIntents::DIRECT_MESSAGES;
    if !config.answer_channels.is_empty() {
        intents |= GatewayIntents::MESSAGE_CONTENT;
    }
    intents
}

/// Runs the bot until `shutdown` completes or the gateway fails.
pub async fn serve(
    config: DiscordConfig,
    token: Secret,
    engine: SharedEngine,
    shards: Shards,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let http = match &config.api_base {
        // Serenity ignores the base with its ratelimiter on, so a custom base turns it off.
        Some(base) => serenity::HttpBuilder::new(token.expose())
            .proxy(base.trim_end_matches('/'))
            .ratelimiter_disabled(true)
            .build(),
        None => serenity::HttpBuilder::new(token.expose()).build(),
    };
    let intents = intents(&config);
    let store = moderation::open_store(&engine).await;
    let watched = engine.clone();
    let log_channel = config.moderator_log_channel;
    let data = Data {
        engine,
        cooldowns: cooldown::Cooldowns::new(
            config.user_cooldown_seconds,
            config.channel_cooldown_seconds,
        ),
        feedback: feedback::FeedbackLog::new(config.feedback_log.clone()),
        moderation: moderation::Moderation::new(store),
        config: Arc::new(config),
    };
    let framework = poise::Framework::builder()
        .options(options())
        // No owner-only commands: skip the application lookup.
        .initialize_owners(false)
        .setup(move |ctx, ready, framework| {
            Box::pin(async move {
                tracing::info!(user = %ready.user.name, guilds = ready.guilds.len(), "connected to Discord");
                register(ctx, &framework.options().commands, &data.config).await;
                Ok(data)
            })
        })
        .build();
    let mut client = serenity::ClientBuilder::new_with_http(http, intents)
        .framework(framework)
        .await?;
    // Files changed on disk (a `git pull`, an editor, another process) are reloaded.
    let watcher = moderation::watch(watched, client.http.clone(), log_channel);
    let manager = client.shard_manager.clone();
    let stopper = tokio::spawn(async move {
        shutdown.await;
        tracing::info!("shutting down");
        manager.shutdown_all().await;
    });
    let result = match shards {
        Shards::Auto => client.start_autosharded().await,
        // Serenity's range includes its end.
        Shards::Range { start, end, total } => {
            client.start_shard_range(start..end - 1, total).await
        }
    };
    stopper.abort();
    // Dropping the watcher joins its thread, which may be mid-reload: not on an async thread.
    let _ = tokio::task::spawn_blocking(move || drop(watcher)).await;
    Ok(result?)
}

/// Registers the commands; a failure is logged and the bot goes on (mentions and DMs still work).
async fn register(
    ctx: &serenity::Context,
    commands: &[poise::Command<Data, Error>],
    config: &DiscordConfig,
) {
    let result = match (config.register, config.guild_id) {
        (Registration::Guild, Some(guild)) => {
            poise::builtins::register_in_guild(ctx, commands, GuildId::new(guild)).await
        }
        _ => poise::builtins::register_globally(ctx, commands).await,
    };
    match result {
        Ok(()) => {
            tracing::info!(commands = commands.len(), where_ = ?config.register, "registered the commands")
        }
        Err(error) => tracing::error!(%error, "could not register the slash commands"),
    }
}

fn options() -> poise::FrameworkOptions<Data, Error> {
    poise::FrameworkOptions {
        commands: commands::commands(),
        event_handler: |framework, event| Box::pin(events::handle(framework, event)),
        on_error: |error| Box::pin(on_error(error)),
        // poise pings users and the replied user by default: nobody is pinged, ever.
        allowed_mentions: Some(render::no_pings()),
        ..Default::default()
    }
}

async fn on_error(error: poise::FrameworkError<'_, Data, Error>) {
    match error {
        poise::FrameworkError::Command { error, ctx, .. } => {
            if error.downcast_ref::<data::UserError>().is_none() {
                tracing::error!(command = %ctx.command().qualified_name, user = %ctx.author().id, %error, "command failed");
            }
            let reply = commands::error_reply(&error).to_command_reply(true);
            if let Err(error) = ctx.send(reply).await {
                tracing::error!(command = %ctx.command().qualified_name, %error, "could not send the error message");
            }
        }
        poise::FrameworkError::EventHandler { error, event, .. } => {
            tracing::error!(event = event.snake_case_name(), %error, "event handler failed");
        }
        poise::FrameworkError::Setup { error, .. } => tracing::error!(%error, "setup failed"),
        other => {
            if let Err(error) = poise::builtins::on_error(other).await {
                tracing::error!(%error, "could not handle an error");
            }
        }
    }
}

/// Builds a tokio runtime and serves until SIGINT or SIGTERM: the binary's `serve` command.
pub fn run(
    config: DiscordConfig,
    token: Secret,
    engine: SharedEngine,
    shards: Shards,
) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    runtime.block_on(serve(config, token, engine, shards, shutdown_signal()))
}

/// Completes on SIGINT (Ctrl-C) or, on Unix, SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

impl fmt::Display for Shards {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Shards::Auto => f.write_str("autosharded"),
            Shards::Range { start, end, total } => write!(f, "shards {start}..{end} of {total}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_ranges_are_checked() {
        assert_eq!(
            Shards::range("0..2", 4),
            Ok(Shards::Range {
                start: 0,
                end: 2,
                total: 4
            })
        );
        assert_eq!(
            Shards::range("2..4", 4),
            Ok(Shards::Range {
                start: 2,
                end: 4,
                total: 4
            })
        );
        assert!(Shards::range("2..2", 4).unwrap_err().contains("empty"));
        assert!(Shards::range("0..5", 4).unwrap_err().contains("--total"));
        assert!(Shards::range("0-2", 4).unwrap_err().contains("START..END"));
        assert!(Shards::range("a..2", 4).unwrap_err().contains("`a`"));
    }

    #[test]
    fn message_content_is_requested_only_for_answer_channels() {
        let mut config = DiscordConfig::default();
        assert!(!intents(&config).contains(GatewayIntents::MESSAGE_CONTENT));
        assert!(intents(&config)
            .contains(GatewayIntents::DIRECT_MESSAGES | GatewayIntents::GUILD_MESSAGES));
        config.answer_channels = vec![1];
        assert!(intents(&config).contains(GatewayIntents::MESSAGE_CONTENT));
    }
}
