//! Typed configuration from `config.toml` (see `config.example.toml`). Unknown keys and bad
//! values are refused at start-up with the file, the key and how to fix it. The Discord token
//! may come from the environment (`DISCORD_TOKEN`) and is never printed.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::engine::MatchSettings;

/// The environment variable that holds the Discord bot token.
pub const TOKEN_ENV: &str = "DISCORD_TOKEN";
/// The file read when `--config` is not given, if it exists.
pub const DEFAULT_CONFIG: &str = "config.toml";

/// The whole configuration.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The knowledge folder; `--knowledge` overrides it. Relative paths are taken from the
    /// working directory.
    pub knowledge: Option<PathBuf>,
    pub matching: MatchSettings,
    pub store: StoreConfig,
    pub discord: DiscordConfig,
}

/// The `[store]` table: how changes to the fact base are made.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StoreConfig {
    /// Seconds a change waits for another process to finish with the knowledge folder before
    /// it fails with "try again".
    pub lock_timeout_seconds: f64,
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig {
            lock_timeout_seconds: crate::store::DEFAULT_LOCK_TIMEOUT.as_secs_f64(),
        }
    }
}

impl StoreConfig {
    pub fn lock_timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs_f64(self.lock_timeout_seconds.clamp(0.0, 600.0))
    }
}

/// A secret that never shows in logs or Debug output.
#[derive(Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself, for the one place that needs it (logging in to Discord).
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Where slash commands are registered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Registration {
    /// In every server the bot is in (production; Discord may take a while to show them).
    #[default]
    Global,
    /// In one server, `guild_id`, at once (development).
    Guild,
}

/// The `[discord]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DiscordConfig {
    /// The bot token; `DISCORD_TOKEN` in the environment takes precedence.
    pub token: Option<Secret>,
    /// For tests and proxies only: the Discord API base URL. When set, serenity's ratelimiter
    /// is turned off (it would ignore the base otherwise).
    pub api_base: Option<String>,
    pub register: Registration,
    /// The server for `register = "guild"`.
    pub guild_id: Option<u64>,
    /// Answer messages that mention the bot.
    pub answer_mentions: bool,
    /// Answer direct messages.
    pub answer_dms: bool,
    /// Channels where messages that read as questions are answered without a mention (needs
    /// the privileged Message Content intent).
    pub answer_channels: Vec<u64>,
    /// The bot's own servers: when set, `/fact` is registered only there, and only members
    /// there (with Manage Server or a moderator role) may moderate. When empty, only members
    /// with one of `moderator_roles` may moderate, in any server.
    pub moderation_guilds: Vec<u64>,
    /// Roles whose members may change facts (role ids are unique across Discord).
    pub moderator_roles: Vec<u64>,
    /// Where changes to facts are announced.
    pub moderator_log_channel: Option<u64>,
    /// Seconds a member waits between questions.
    pub user_cooldown_seconds: f64,
    /// Seconds between answers in one channel.
    pub channel_cooldown_seconds: f64,
    /// Where feedback votes and unanswered questions are recorded (JSON lines).
    pub feedback_log: PathBuf,
    /// Days a feedback line is kept; older lines are dropped.
    pub feedback_retention_days: u32,
}

impl Default for DiscordConfig {
    fn default() -> Self {
        DiscordConfig {
            token: None,
            api_base: None,
            register: Registration::Global,
            guild_id: None,
            answer_mentions: true,
            answer_dms: true,
            answer_channels: Vec::new(),
            moderation_guilds: Vec::new(),
            moderator_roles: Vec::new(),
            moderator_log_channel: None,
            user_cooldown_seconds: 3.0,
            channel_cooldown_seconds: 0.0,
            feedback_log: PathBuf::from("feedback.jsonl"),
            feedback_retention_days: 90,
        }
    }
}

/// Why the configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file `{}`: {source}; check the path given to --config", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}{}: {message}; see config.example.toml for every option", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Parse {
        path: PathBuf,
        line: Option<usize>,
        message: String,
    },
    #[error("{}: {key}: {message}", path.display())]
    Invalid {
        path: PathBuf,
        key: String,
        message: String,
    },
}

impl Config {
    /// Reads the configuration: the file given, else `config.toml` if it exists, else defaults.
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        let (path, required) = match path {
            Some(path) => (path.to_path_buf(), true),
            None => (PathBuf::from(DEFAULT_CONFIG), false),
        };
        if !required && !path.exists() {
            return Ok(Config::default());
        }
        let raw = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
            path: path.clone(),
            source,
        })?;
        Config::parse(&raw, &path)
    }

    /// Parses and validates configuration text; `path` is used in messages.
    pub fn parse(raw: &str, path: &Path) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(raw).map_err(|e| ConfigError::Parse {
            path: path.to_path_buf(),
            line: e
                .span()
                .map(|s| raw[..s.start.min(raw.len())].matches('\n').count() + 1),
            message: e.message().trim().to_string(),
        })?;
        config.validate(path)?;
        Ok(config)
    }

    fn validate(&self, path: &Path) -> Result<(), ConfigError> {
        let invalid = |key: &str, message: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            key: key.into(),
            message,
        };
        self.matching
            .validate()
            .map_err(|m| invalid("matching", m))?;
        if !(0.0..=600.0).contains(&self.store.lock_timeout_seconds) {
            return Err(invalid(
                "store.lock_timeout_seconds",
                format!(
                    "{} is out of range; use 0 to 600 seconds",
                    self.store.lock_timeout_seconds
                ),
            ));
        }
        let d = &self.discord;
        if d.register == Registration::Guild && d.guild_id.is_none() {
            return Err(invalid(
                "discord.guild_id",
                "register = \"guild\" needs guild_id = <server id>".into(),
            ));
        }
        for (key, value) in [
            ("discord.user_cooldown_seconds", d.user_cooldown_seconds),
            (
                "discord.channel_cooldown_seconds",
                d.channel_cooldown_seconds,
            ),
        ] {
            if !(0.0..=3600.0).contains(&value) {
                return Err(invalid(
                    key,
                    format!("{value} is out of range; use 0 to 3600 seconds"),
                ));
            }
        }
        if !(1..=3650).contains(&d.feedback_retention_days) {
            return Err(invalid(
                "discord.feedback_retention_days",
                format!(
                    "{} is out of range; use 1 to 3650 days",
                    d.feedback_retention_days
                ),
            ));
        }
        if let Some(base) = &d.api_base {
            if !crate::knowledge::content::is_http_url(base) {
                return Err(invalid(
                    "discord.api_base",
                    format!("`{base}` is not an http(s) URL; leave it out to use Discord itself"),
                ));
            }
        }
        Ok(())
    }

    /// The token: `DISCORD_TOKEN`, else `discord.token`; `None` when neither is set.
    pub fn token(&self, env: Option<String>) -> Option<Secret> {
        env.map(Secret::new)
            .filter(|s| !s.is_empty())
            .or_else(|| self.discord.token.clone().filter(|s| !s.is_empty()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_when_empty() {
        let config = Config::parse("", Path::new("c.toml")).unwrap();
        assert!(config.discord.answer_mentions);
        assert_eq!(config.matching, MatchSettings::default());
    }

    #[test]
    fn unknown_keys_are_refused_with_line() {
        let err = Config::parse(
            "[discord]\nanswer_dms = true\ntokn = \"x\"\n",
            Path::new("c.toml"),
        )
        .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("c.toml:3"), "{text}");
        assert!(text.contains("tokn"), "{text}");
    }

    #[test]
    fn bad_values_are_refused_with_key() {
        let err = Config::parse("[matching]\nthreshold = 2.0\n", Path::new("c.toml")).unwrap_err();
        assert!(err.to_string().contains("matching"), "{err}");
        let err =
            Config::parse("[discord]\nregister = \"guild\"\n", Path::new("c.toml")).unwrap_err();
        assert!(err.to_string().contains("guild_id"), "{err}");
    }

    #[test]
    fn token_from_env_wins_and_never_shows() {
        let config =
            Config::parse("[discord]\ntoken = \"file-token\"\n", Path::new("c.toml")).unwrap();
        assert_eq!(
            config.token(Some("env-token".into())).unwrap().expose(),
            "env-token"
        );
        assert_eq!(config.token(None).unwrap().expose(), "file-token");
        assert!(!format!("{config:?}").contains("file-token"));
    }
}
