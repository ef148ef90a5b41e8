//! The Discord front end (serenity and poise): slash commands, mentions, DMs and buttons over
//! the shared [`Engine`](crate::Engine). This module tree is the only part of the crate that
//! knows Discord. [`serve`] takes everything it needs (configuration with the API base, the
//! engine, the shutdown signal), so tests run it as it is against a fake Discord on loopback.

pub mod commands;
pub mod cooldown;
pub mod data;
pub mod events;
pub mod feedback;
pub mod health;
pub mod invite;
pub mod moderation;
pub mod render;
pub mod timeline;

use std::fmt;
use std::future::Future;
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use poise::serenity_prelude as serenity;
use serenity::{GatewayIntents, GuildId};

use crate::config::{DiscordConfig, MetricsConfig, Registration, Secret, StoreConfig};
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

/// The most shards a bot may have in all (`--total`).
pub const MAX_TOTAL_SHARDS: u32 = 65_536;
/// The most shards one process runs (`--shards`): each is one gateway connection.
pub const MAX_SHARDS_PER_PROCESS: u32 = 256;
/// How long `serve` waits for the gateway to close after a shutdown signal before it returns
/// anyway (with no shard connected, serenity's own shutdown returns without stopping the
/// client).
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

impl Shards {
    /// A range from `--shards START..END` and `--total N`; the message says what is wrong.
    /// Refused at once: a total of 0 or over [`MAX_TOTAL_SHARDS`], and a range of more than
    /// [`MAX_SHARDS_PER_PROCESS`] shards.
    pub fn range(spec: &str, total: u32) -> Result<Shards, String> {
        if !(1..=MAX_TOTAL_SHARDS).contains(&total) {
            return Err(format!(
                "--total {total} is out of range; a bot has 1 to {MAX_TOTAL_SHARDS} shards (Discord recommends one per 1,000 servers or so)"
            ));
        }
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
        if end - start > MAX_SHARDS_PER_PROCESS {
            return Err(format!(
                "the range {start}..{end} is {} shards; one process runs at most {MAX_SHARDS_PER_PROCESS}, so split it over several processes",
                end - start
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
    #[error(transparent)]
    Metrics(#[from] crate::metrics::endpoint::EndpointError),
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
    store: StoreConfig,
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
    if let Some(warning) = moderation::access::startup_warning(&config) {
        tracing::warn!("{warning}");
    }
    let store = moderation::open_store(&engine, &store).await;
    let watched = engine.clone();
    let measured = engine.clone();
    let log_channel = config.moderator_log_channel;
    let data = Data {
        engine,
        cooldowns: cooldown::Cooldowns::new(
            config.user_cooldown_seconds,
            config.channel_cooldown_seconds,
        ),
        autocomplete: cooldown::RateLimit::new(AUTOCOMPLETE_EVERY),
        feedback: feedback::FeedbackLog::new(
            config.feedback_log.clone(),
            config.feedback_retention_days,
        ),
        moderation: moderation::Moderation::new(store),
        config: Arc::new(config),
    };
    if let Err(error) = data.feedback.prune(SystemTime::now()).await {
        tracing::warn!(path = %data.feedback.path().display(), %error, "could not prune the feedback log");
    }
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
    let health = tokio::spawn(health::watch(
        manager.clone(),
        client.cache.clone(),
        shards,
        measured,
    ));
    let start = async {
        match shards {
            Shards::Auto => client.start_autosharded().await,
            // Serenity's range includes its end.
            Shards::Range { start, end, total } => {
                client.start_shard_range(start..end - 1, total).await
            }
        }
    };
    tokio::pin!(start);
    tokio::pin!(shutdown);
    let result = tokio::select! {
        result = &mut start => result,
        () = &mut shutdown => {
            tracing::info!("shutting down");
            manager.shutdown_all().await;
            // With no shard connected (Discord or the network down, shards re-queued),
            // `shutdown_all` returns at once and the client would go on retrying: give it a
            // moment to return, then stop regardless.
            match tokio::time::timeout(SHUTDOWN_GRACE, &mut start).await {
                Ok(result) => result,
                Err(_) => {
                    tracing::warn!("the gateway did not close in time; stopping anyway");
                    Ok(())
                }
            }
        }
    };
    health.abort();
    // Dropping the watcher joins its thread, which may be mid-reload: not on an async thread.
    let _ = tokio::task::spawn_blocking(move || drop(watcher)).await;
    Ok(result?)
}

/// The light per-member limit on autocomplete requests.
const AUTOCOMPLETE_EVERY: Duration = Duration::from_millis(200);

/// Registers the commands; a failure is logged and the bot goes on (mentions and DMs still work).
/// With `moderation_guilds` set, `/fact` is registered only in those servers (as guild
/// commands), and the other commands where `register` says.
async fn register(
    ctx: &serenity::Context,
    commands: &[poise::Command<Data, Error>],
    config: &DiscordConfig,
) {
    let home = &config.moderation_guilds;
    let (moderation, public): (Vec<_>, Vec<_>) = commands
        .iter()
        .partition(|c| c.name == commands::MODERATION_COMMAND);
    let everywhere: Vec<_> = if home.is_empty() {
        commands.iter().collect()
    } else {
        public
    };
    let main = match (config.register, config.guild_id) {
        (Registration::Guild, Some(guild)) => {
            let mut list = everywhere.clone();
            if home.contains(&guild) {
                list.extend(moderation.iter().copied());
            }
            poise::builtins::register_in_guild(ctx, list, GuildId::new(guild)).await
        }
        _ => poise::builtins::register_globally(ctx, everywhere.iter().copied()).await,
    };
    match main {
        Ok(()) => {
            tracing::info!(commands = everywhere.len(), where_ = ?config.register, "registered the commands")
        }
        Err(error) => tracing::error!(%error, "could not register the slash commands"),
    }
    for &guild in home {
        if config.register == Registration::Guild && config.guild_id == Some(guild) {
            continue;
        }
        match poise::builtins::register_in_guild(
            ctx,
            moderation.iter().copied(),
            GuildId::new(guild),
        )
        .await
        {
            Ok(()) => tracing::info!(%guild, "registered /fact in a moderation server"),
            Err(error) => {
                tracing::error!(%guild, %error, "could not register /fact in a moderation server")
            }
        }
    }
}

fn options() -> poise::FrameworkOptions<Data, Error> {
    poise::FrameworkOptions {
        commands: commands::commands(),
        event_handler: |framework, event| Box::pin(events::handle(framework, event)),
        on_error: |error| Box::pin(on_error(error)),
        // poise pings users and the replied user by default: nobody is pinged, ever.
        allowed_mentions: Some(render::no_pings()),
        // No prefix commands: with mention-as-prefix on, poise logs a warning with the text
        // of every message that mentions the bot (a member's question, at the default level).
        prefix_options: poise::PrefixFrameworkOptions {
            prefix: None,
            mention_as_prefix: false,
            ..Default::default()
        },
        ..Default::default()
    }
}

async fn on_error(error: poise::FrameworkError<'_, Data, Error>) {
    match error {
        poise::FrameworkError::Command { error, ctx, .. } => {
            if error.downcast_ref::<data::UserError>().is_none() {
                tracing::error!(command = %ctx.command().qualified_name, user = %ctx.author().id, %error, "command failed");
            }
            let lang = commands::reply_lang(ctx);
            let reply = commands::error_reply(&error, lang).to_command_reply(true);
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
/// With `metrics` set, `/metrics` and `/healthz` are served there first, before the gateway
/// is reached.
pub fn run(
    config: DiscordConfig,
    store: StoreConfig,
    metrics: &MetricsConfig,
    token: Secret,
    engine: SharedEngine,
    shards: Shards,
) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    runtime.block_on(async {
        // Listening from the start: a signal during start-up stops the bot cleanly.
        let shutdown = shutdown_signal();
        if let Some(addr) = metrics.listen {
            crate::metrics::endpoint::start(addr).await?;
        }
        serve(config, store, token, engine, shards, shutdown).await
    })
}

/// Completes on SIGINT (Ctrl-C) or, on Unix, SIGTERM. The handlers are installed when this is
/// called, not when the future is first polled: a signal that arrives while serving starts
/// (the gateway lookup, the first connection) is caught, not fatal. Call it inside the runtime.
pub fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let signals = {
        use tokio::signal::unix::{signal, SignalKind};
        (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        )
    };
    async move {
        #[cfg(unix)]
        {
            let wait = |stream: std::io::Result<tokio::signal::unix::Signal>,
                        name: &'static str| async move {
                match stream {
                    Ok(mut stream) => {
                        stream.recv().await;
                    }
                    Err(error) => {
                        tracing::error!(%error, "cannot listen for {name}");
                        std::future::pending::<()>().await;
                    }
                }
            };
            let (interrupt, terminate) = signals;
            tokio::select! {
                () = wait(interrupt, "SIGINT") => {},
                () = wait(terminate, "SIGTERM") => {},
            }
        }
        #[cfg(not(unix))]
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
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
        assert!(Shards::range("0..1", 0).unwrap_err().contains("--total 0"));
        assert!(Shards::range("0..4294967295", 4294967295)
            .unwrap_err()
            .contains("out of range"));
        assert!(Shards::range("0..4096", 8192)
            .unwrap_err()
            .contains("at most 256"));
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
