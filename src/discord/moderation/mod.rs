//! `/fact`: moderators add, edit, remove and undo facts from Discord, through the same
//! [`Store`] as the CLI (`talks-bot fact ...`), and read the fact base's state (show, history,
//! list, unanswered questions, reload).
//!
//! - **Who may**: members with a role from `[discord] moderator_roles`, or the Manage Server
//!   (or Administrator) permission, read from the member the interaction carries. `/fact` is
//!   registered with `default_member_permissions = MANAGE_GUILD`, which server admins can
//!   override, so the check runs again on every command, form submission and button press;
//!   anyone else gets a short ephemeral refusal and nothing changes.
//! - **Forms**: `/fact add` and `/fact edit` open a modal (see [`form`] for how its five inputs
//!   map to a fact). The edit form's custom id carries the version it started from, so an edit
//!   based on a stale version is refused with what changed. A refused change keeps its text
//!   ([`drafts`]): the refusal offers a button that reopens the form pre-filled.
//! - **Each accepted change** is swapped into the running engine by the store at once, and
//!   announced in `[discord] moderator_log_channel`.
//! - **Files changed on disk** are picked up by [`watch`] (started by `serve`), whose failures
//!   go to the log channel too; `/fact reload` reloads on demand.
//!
//! Store calls block on fsync, so they run on `spawn_blocking`; a form submission or button is
//! deferred first, so Discord's three seconds never run out.

pub(crate) mod access;
pub(crate) mod commands;
pub mod drafts;
pub mod form;
pub(crate) mod interactions;
pub(crate) mod log_channel;

use std::sync::Arc;
use std::time::Duration;

use poise::serenity_prelude as serenity;

use crate::engine::SharedEngine;
use crate::store::{Actor, Store};

use drafts::Drafts;

pub use access::{may_moderate, REFUSAL};
pub use commands::fact;
pub use interactions::{on_modal, on_press};
pub use log_channel::{announce, change_text, post_log, watch};

/// What moderators are told when the knowledge folder could not be opened for writing.
pub const UNAVAILABLE: &str =
    "Editing facts is not available: the bot could not open its knowledge folder for writing. The log says why.";
/// What a button or form from an older version, or an unknown one, answers.
const GONE: &str = "That no longer works. Run the command again.";

/// The moderation state `Data` holds.
#[derive(Debug)]
pub struct Moderation {
    /// None when the knowledge folder could not be opened for writing (the commands say so).
    pub store: Option<Arc<Store>>,
    pub drafts: Drafts,
}

impl Moderation {
    pub fn new(store: Option<Arc<Store>>) -> Moderation {
        Moderation {
            store,
            drafts: Drafts::new(),
        }
    }
}

/// Opens the store over the engine's knowledge folder, swapping changes into `engine`; `None`
/// (logged) if it cannot be opened.
pub async fn open_store(engine: &SharedEngine, lock_timeout: Duration) -> Option<Arc<Store>> {
    let dir = engine.load().knowledge().dir().to_path_buf();
    let shared = engine.clone();
    let opened = tokio::task::spawn_blocking(move || Store::open_with(dir, lock_timeout)).await;
    match opened {
        Ok(Ok(store)) => {
            if !store.recovered_at_open().is_clean() {
                tracing::warn!(recovery = ?store.recovered_at_open(), "the store completed an interrupted change");
            }
            Some(Arc::new(store.with_engine(shared)))
        }
        Ok(Err(error)) => {
            tracing::error!(%error, "cannot open the knowledge folder for writing; /fact changes are off");
            None
        }
        Err(error) => {
            tracing::error!(%error, "opening the store failed");
            None
        }
    }
}

/// Whether a custom id is one of this module's (the event handler routes by it).
pub fn owns(custom_id: &str) -> bool {
    custom_id.starts_with(form::PREFIX)
}

fn actor(user: &serenity::User) -> Actor {
    Actor::discord(user.id.get(), user.name.clone())
}
