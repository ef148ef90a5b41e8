//! The state every command and event shares, and the `Context`/`Error` aliases poise needs.

use std::fmt;
use std::sync::Arc;

use crate::config::DiscordConfig;
use crate::engine::SharedEngine;

use super::cooldown::{Cooldowns, RateLimit};
use super::feedback::FeedbackLog;
use super::moderation::Moderation;

/// Shared by every command and event handler.
pub struct Data {
    /// The engine; take a snapshot with `load()` for each event, since moderators may swap it.
    pub engine: SharedEngine,
    pub config: Arc<DiscordConfig>,
    pub cooldowns: Cooldowns,
    /// Autocomplete requests per member.
    pub autocomplete: RateLimit,
    pub feedback: FeedbackLog,
    /// The store and kept drafts of `/fact`.
    pub moderation: Moderation,
}

/// An error of a command or event handler.
pub type Error = Box<dyn std::error::Error + Send + Sync>;
/// The context a command runs in.
pub type Context<'a> = poise::Context<'a, Data, Error>;

/// An error meant for the user: shown as it is, ephemeral, and not logged as a failure.
#[derive(Debug)]
pub struct UserError(pub String);

impl fmt::Display for UserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UserError {}

/// A user error as the command error type.
pub fn user_error(message: impl Into<String>) -> Error {
    Box::new(UserError(message.into()))
}
