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

pub mod drafts;
pub mod form;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use poise::serenity_prelude as serenity;
use serenity::{
    ActionRowComponent, AutocompleteChoice, ButtonStyle, ChannelId, ComponentInteraction,
    CreateActionRow, CreateAutocompleteResponse, CreateButton, CreateEmbed, CreateEmbedFooter,
    CreateInteractionResponse, CreateInteractionResponseMessage, CreateMessage,
    EditInteractionResponse, ModalInteraction, Permissions,
};

use super::data::{user_error, Context, Data, Error};
use super::events::APOLOGY;
use super::feedback::{Feedback, Vote};
use super::render::{limits, no_pings};
use crate::answer::Outcome;
use crate::config::DiscordConfig;
use crate::engine::SharedEngine;
use crate::reload::{self, OnReload, Watcher};
use crate::store::{changes_text, rfc3339, Action, Actor, Change, Entry, Store, StoreError};
use crate::text::cut;

use drafts::{Drafts, Pending};
use form::{FormText, ModId};

/// What a member without the right role or permission is told.
pub const REFUSAL: &str =
    "Only moderators can do that: members with a moderator role or the Manage Server permission.";
/// What moderators are told when the knowledge folder could not be opened for writing.
pub const UNAVAILABLE: &str =
    "Editing facts is not available: the bot could not open its knowledge folder for writing. The log says why.";
/// What a button or form from an older version, or an unknown one, answers.
const GONE: &str = "That no longer works. Run the command again.";
/// How many changed fields a message lists.
const LISTED: usize = 10;

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
pub async fn open_store(engine: &SharedEngine) -> Option<Arc<Store>> {
    let dir = engine.load().knowledge().dir().to_path_buf();
    let shared = engine.clone();
    let opened = tokio::task::spawn_blocking(move || Store::open(dir)).await;
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

/// Whether `member` may change facts: a moderator role, or Manage Server / Administrator in the
/// permissions Discord computed for this interaction. Outside a server there is no member: no.
pub fn may_moderate(member: Option<&serenity::Member>, moderator_roles: &[u64]) -> bool {
    let Some(member) = member else {
        return false;
    };
    member
        .permissions
        .is_some_and(|p| p.intersects(Permissions::MANAGE_GUILD | Permissions::ADMINISTRATOR))
        || member
            .roles
            .iter()
            .any(|role| moderator_roles.contains(&role.get()))
}

/// Whether a custom id is one of this module's (the event handler routes by it).
pub fn owns(custom_id: &str) -> bool {
    custom_id.starts_with(form::PREFIX)
}

fn actor(user: &serenity::User) -> Actor {
    Actor::discord(user.id.get(), user.name.clone())
}

// ---------------------------------------------------------------- commands

/// Moderators: add, change or remove facts
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MANAGE_GUILD",
    subcommands(
        "add",
        "edit",
        "remove",
        "show",
        "history",
        "undo",
        "list",
        "unanswered",
        "reload"
    ),
    subcommand_required
)]
pub async fn fact(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Whether the member running the command may change facts.
fn is_moderator(ctx: Context<'_>) -> bool {
    let member = match ctx {
        poise::Context::Application(app) => app.interaction.member.as_deref(),
        poise::Context::Prefix(_) => None,
    };
    may_moderate(member, &ctx.data().config.moderator_roles)
}

/// The store, if the member running the command may change facts.
fn moderator(ctx: Context<'_>) -> Result<Arc<Store>, Error> {
    if !is_moderator(ctx) {
        tracing::info!(user = %ctx.author().id, command = %ctx.command().qualified_name, "refused: not a moderator");
        return Err(user_error(REFUSAL));
    }
    ctx.data()
        .moderation
        .store
        .clone()
        .ok_or_else(|| user_error(UNAVAILABLE))
}

/// Runs a store call off the async threads.
async fn blocking<T: Send + 'static>(
    store: &Arc<Store>,
    call: impl FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    let store = store.clone();
    let dir = store.dir().to_path_buf();
    tokio::task::spawn_blocking(move || call(&store))
        .await
        .unwrap_or_else(|e| {
            Err(StoreError::Io {
                path: dir,
                source: std::io::Error::other(e.to_string()),
            })
        })
}

/// The start of the commands about one fact: checks the member may change facts, trims the id
/// and runs `call` on it off the async threads. Returns the trimmed id and what `call` found.
async fn read_fact<T: Send + 'static>(
    ctx: Context<'_>,
    id: &str,
    call: impl FnOnce(&Store, &str) -> Result<T, StoreError> + Send + 'static,
) -> Result<(String, T), Error> {
    let store = moderator(ctx)?;
    let id = id.trim().to_string();
    let found = {
        let id = id.clone();
        blocking(&store, move |s| call(s, &id))
            .await
            .map_err(command_error)?
    };
    Ok((id, found))
}

/// A store error as a command error: a refusal is shown as it is, a failure logged by
/// `on_error` and answered with an apology.
fn command_error(error: StoreError) -> Error {
    if error.is_refusal() {
        user_error(cut(&error.to_string(), limits::CONTENT).into_owned())
    } else {
        Box::new(error)
    }
}

/// Answers the command with a modal (its first and only response).
async fn open_modal(ctx: Context<'_>, modal: serenity::CreateModal) -> Result<(), Error> {
    let poise::Context::Application(app) = ctx else {
        return Err(user_error("This works only as a slash command."));
    };
    app.interaction
        .create_response(ctx.http(), CreateInteractionResponse::Modal(modal))
        .await?;
    app.has_sent_initial_response
        .store(true, std::sync::atomic::Ordering::SeqCst);
    Ok(())
}

async fn say(ctx: Context<'_>, text: &str) -> Result<(), Error> {
    ctx.send(
        poise::CreateReply::default()
            .content(cut(text, limits::CONTENT))
            .ephemeral(true)
            .allowed_mentions(no_pings()),
    )
    .await?;
    Ok(())
}

/// Answers privately with one embed, pinging nobody.
async fn say_embed(ctx: Context<'_>, embed: CreateEmbed) -> Result<(), Error> {
    ctx.send(
        poise::CreateReply::default()
            .embed(embed)
            .ephemeral(true)
            .allowed_mentions(no_pings()),
    )
    .await?;
    Ok(())
}

/// Add a fact (opens a form)
#[poise::command(slash_command, guild_only)]
pub async fn add(ctx: Context<'_>) -> Result<(), Error> {
    moderator(ctx)?;
    let custom_id = ModId::Add.custom_id().unwrap_or_default();
    open_modal(
        ctx,
        form::modal(custom_id, "Add a fact", &FormText::default()),
    )
    .await
}

/// Change a fact (opens its form, filled in)
#[poise::command(slash_command, guild_only)]
pub async fn edit(
    ctx: Context<'_>,
    #[description = "The fact's id"]
    #[autocomplete = "complete_fact_id"]
    id: String,
) -> Result<(), Error> {
    let (id, shown) = read_fact(ctx, &id, Store::show).await?;
    let text = FormText::from_fact(&shown.fact);
    text.fits().map_err(|too_long| {
        user_error(format!(
            "`{id}` is too long for a Discord form: {too_long}. Edit it with `talks-bot fact edit` instead."
        ))
    })?;
    let target = ModId::Edit {
        id: id.clone(),
        base: shown.version,
    };
    let custom_id = target.custom_id().ok_or_else(|| {
        user_error("That id is too long for a Discord form; use `talks-bot fact edit`.")
    })?;
    open_modal(ctx, form::modal(custom_id, &title(&target), &text)).await
}

/// Remove a fact (asks you to confirm)
#[poise::command(slash_command, guild_only)]
pub async fn remove(
    ctx: Context<'_>,
    #[description = "The fact's id"]
    #[autocomplete = "complete_fact_id"]
    id: String,
    #[description = "Why, for the journal and the log channel"] reason: Option<String>,
) -> Result<(), Error> {
    let (id, shown) = read_fact(ctx, &id, Store::show).await?;
    let reason = reason.filter(|r| !r.trim().is_empty()).map(|r| {
        ctx.data()
            .moderation
            .drafts
            .put(ctx.author().id.get(), Pending::Reason(r), Instant::now())
    });
    let confirm = ModId::Remove {
        id: id.clone(),
        base: shown.version,
        reason,
    }
    .custom_id()
    .ok_or_else(|| {
        user_error("That id is too long for a Discord button; use `talks-bot fact remove`.")
    })?;
    let text = format!(
        "Remove `{id}` (“{}”)? Members stop getting this answer at once; `/fact undo {id}` brings it back.",
        cut(&shown.fact.question, 300)
    );
    let buttons = CreateActionRow::Buttons(vec![
        CreateButton::new(confirm)
            .label("Remove")
            .style(ButtonStyle::Danger),
        CreateButton::new(ModId::Cancel.custom_id().unwrap_or_default())
            .label("Cancel")
            .style(ButtonStyle::Secondary),
    ]);
    ctx.send(
        poise::CreateReply::default()
            .content(cut(&text, limits::CONTENT))
            .components(vec![buttons])
            .ephemeral(true)
            .allowed_mentions(no_pings()),
    )
    .await?;
    Ok(())
}

/// Show a fact as stored, with its sources
#[poise::command(slash_command, guild_only)]
pub async fn show(
    ctx: Context<'_>,
    #[description = "The fact's id"]
    #[autocomplete = "complete_fact_id"]
    id: String,
) -> Result<(), Error> {
    let (id, shown) = read_fact(ctx, &id, Store::show).await?;
    const TOML_CHARS: usize = 3200;
    const SOURCES: usize = 8;
    let body = shown.toml.replace("```", "`\u{200b}``");
    let cut_body = cut(body.trim_end(), TOML_CHARS);
    let mut footer = format!("version {}", shown.version);
    if cut_body.len() != body.trim_end().len() {
        footer.push_str(&format!(
            " · cut to fit; `talks-bot fact show {id}` prints it all"
        ));
    }
    let mut embed = CreateEmbed::new()
        .title(cut(&format!("Fact `{id}`"), limits::TITLE))
        .description(format!("```toml\n{cut_body}\n```"));
    let engine = ctx.data().engine.load();
    let mut seen = Vec::new();
    for citation in &shown.fact.sources {
        if seen.contains(&citation.source) || seen.len() == SOURCES {
            continue;
        }
        seen.push(citation.source.clone());
        let (name, value) = match engine.knowledge().source(&citation.source) {
            Some(source) => {
                let mut value = source.url.clone();
                if let Some(title) = &source.title {
                    value = format!("{title}\n{value}");
                }
                if let Some(date) = &source.date {
                    value.push_str(&format!("\n{date}"));
                }
                if source.body.is_some() {
                    value.push_str("\ntext stored");
                }
                (format!("{} · {}", source.id, source.outlet), value)
            }
            None => (
                citation.source.clone(),
                "not in the served base".to_string(),
            ),
        };
        embed = embed.field(cut(&name, 80), cut(&value, 200), false);
    }
    embed = embed.footer(CreateEmbedFooter::new(cut(&footer, limits::FOOTER)));
    say_embed(ctx, embed).await
}

/// The changes made to a fact, newest first
#[poise::command(slash_command, guild_only)]
pub async fn history(
    ctx: Context<'_>,
    #[description = "The fact's id"]
    #[autocomplete = "complete_fact_id"]
    id: String,
) -> Result<(), Error> {
    let (id, entries) = read_fact(ctx, &id, Store::history).await?;
    say(ctx, &history_text(&id, &entries)).await
}

/// Undo the latest change to a fact
#[poise::command(slash_command, guild_only)]
pub async fn undo(
    ctx: Context<'_>,
    #[description = "The fact's id"]
    #[autocomplete = "complete_fact_id"]
    id: String,
    #[description = "Why, for the journal and the log channel"] reason: Option<String>,
) -> Result<(), Error> {
    let store = moderator(ctx)?;
    ctx.defer_ephemeral().await?;
    let id = id.trim().to_string();
    let who = actor(ctx.author());
    let change = blocking(&store, move |s| s.undo(&id, who, reason.as_deref()))
        .await
        .map_err(command_error)?;
    say(ctx, &format!("Done. {}", change_text(&change.entry))).await?;
    announce(ctx.http(), &ctx.data().config, &change.entry).await;
    Ok(())
}

/// List the facts, or those of one topic
#[poise::command(slash_command, guild_only)]
pub async fn list(
    ctx: Context<'_>,
    #[description = "Only this topic"]
    #[autocomplete = "complete_topic"]
    topic: Option<String>,
) -> Result<(), Error> {
    moderator(ctx)?;
    let engine = ctx.data().engine.load();
    let topics = engine.knowledge().topics();
    let wanted = topic.as_deref().map(str::trim).filter(|t| !t.is_empty());
    let mut lines = Vec::new();
    let mut count = 0;
    for (name, facts) in &topics {
        if wanted.is_some_and(|w| !w.eq_ignore_ascii_case(name)) {
            continue;
        }
        lines.push(format!("**{}**", cut(name, 100)));
        for fact in facts {
            count += 1;
            lines.push(format!("`{}` {}", fact.id, cut(&fact.question, 120)));
        }
    }
    if count == 0 {
        return Err(user_error(match wanted {
            Some(w) => format!("No facts have the topic “{}”.", cut(w, 100)),
            None => "The fact base has no facts.".to_string(),
        }));
    }
    let (description, left) = fit_lines(&lines, limits::DESCRIPTION - 100);
    let mut embed = CreateEmbed::new()
        .title(format!("{count} facts"))
        .description(description);
    if left > 0 {
        embed = embed.footer(CreateEmbedFooter::new(format!(
            "{left} more lines not shown; pick a topic to narrow the list"
        )));
    }
    say_embed(ctx, embed).await
}

/// Questions members found unanswered, most frequent first
#[poise::command(slash_command, guild_only)]
pub async fn unanswered(ctx: Context<'_>) -> Result<(), Error> {
    moderator(ctx)?;
    let path = ctx.data().feedback.path().to_path_buf();
    let text = tokio::task::spawn_blocking(move || read_optional_text(&path))
        .await
        .map_err(|e| -> Error { Box::new(e) })??;
    let tally = unanswered_tally(&text);
    if tally.is_empty() {
        return say(
            ctx,
            "No member has marked a question as unanswered or an answer as not helpful yet.",
        )
        .await;
    }
    let lines: Vec<String> = tally
        .iter()
        .map(|t| {
            let mut line = format!("**{}×** “{}”", t.count, cut(&t.question, 200));
            if !t.facts.is_empty() {
                let facts: Vec<String> = t.facts.iter().map(|f| format!("`{f}`")).collect();
                line.push_str(&format!(" — not helpful: {}", facts.join(", ")));
            }
            line
        })
        .collect();
    let (description, left) = fit_lines(&lines, limits::DESCRIPTION - 100);
    let mut embed = CreateEmbed::new()
        .title("Unanswered or unhelpful, most frequent first")
        .description(description);
    if left > 0 {
        embed = embed.footer(CreateEmbedFooter::new(format!("{left} more not shown")));
    }
    say_embed(ctx, embed).await
}

/// Reload the fact base from its files
#[poise::command(slash_command, guild_only)]
pub async fn reload(ctx: Context<'_>) -> Result<(), Error> {
    moderator(ctx)?;
    ctx.defer_ephemeral().await?;
    let engine = ctx.data().engine.clone();
    let dir = engine.load().knowledge().dir().to_path_buf();
    let result = tokio::task::spawn_blocking(move || reload::reload(&dir, &engine))
        .await
        .map_err(|e| -> Error { Box::new(e) })?;
    let text = match result {
        Ok(r) => format!(
            "Reloaded: {} facts and {} sources, answering from them now.",
            r.facts, r.sources
        ),
        Err(error) => {
            tracing::warn!(%error, "/fact reload: the files do not pass the check");
            format!("The files do not pass the check, so I keep answering from the last good base. Fix this:\n{error}")
        }
    };
    say(ctx, &text).await
}

async fn complete_fact_id(ctx: Context<'_>, partial: &str) -> CreateAutocompleteResponse {
    if !is_moderator(ctx) {
        return CreateAutocompleteResponse::new();
    }
    let engine = ctx.data().engine.load();
    let partial = partial.trim().to_lowercase();
    let choices = engine
        .knowledge()
        .facts()
        .iter()
        .filter(|f| f.id.contains(&partial) || f.question.to_lowercase().contains(&partial))
        .take(limits::CHOICES)
        .map(|f| {
            let name = format!("{} — {}", f.id, f.question);
            AutocompleteChoice::new(cut(&name, limits::CHOICE_NAME).into_owned(), f.id.clone())
        })
        .collect();
    CreateAutocompleteResponse::new().set_choices(choices)
}

async fn complete_topic(ctx: Context<'_>, partial: &str) -> CreateAutocompleteResponse {
    let engine = ctx.data().engine.load();
    let partial = partial.trim().to_lowercase();
    let choices = engine
        .knowledge()
        .topics()
        .keys()
        .filter(|t| t.to_lowercase().contains(&partial) && t.chars().count() <= 100)
        .take(limits::CHOICES)
        .map(|t| AutocompleteChoice::new(t.to_string(), t.to_string()))
        .collect();
    CreateAutocompleteResponse::new().set_choices(choices)
}

// ---------------------------------------------------------------- forms and buttons

/// The modal title for a form.
fn title(target: &ModId) -> String {
    match target {
        ModId::Edit { id, .. } => cut(&format!("Edit {id}"), form::limits::TITLE).into_owned(),
        _ => "Add a fact".to_string(),
    }
}

/// What became of a change.
enum Verdict {
    Done(Box<Change>),
    /// Nothing changed; the message says what to fix. The form to reopen, if there is one.
    Refused(String, Option<ModId>),
    /// Something failed on our side (logged).
    Failed(Option<ModId>),
}

/// A form was submitted.
pub async fn on_modal(
    ctx: &serenity::Context,
    data: &Data,
    submit: &ModalInteraction,
) -> Result<(), Error> {
    let target = match ModId::parse(&submit.data.custom_id) {
        Some(target @ (ModId::Add | ModId::Edit { .. })) => target,
        _ => return respond_modal(ctx, submit, GONE).await,
    };
    if !may_moderate(submit.member.as_ref(), &data.config.moderator_roles) {
        tracing::info!(user = %submit.user.id, "refused a form: not a moderator");
        return respond_modal(ctx, submit, REFUSAL).await;
    }
    let Some(store) = data.moderation.store.clone() else {
        return respond_modal(ctx, submit, UNAVAILABLE).await;
    };
    let text = FormText::from_inputs(submit.data.components.iter().flat_map(|row| {
        row.components.iter().filter_map(|c| match c {
            ActionRowComponent::InputText(input) => Some((
                input.custom_id.as_str(),
                input.value.as_deref().unwrap_or(""),
            )),
            _ => None,
        })
    }));
    let defer =
        CreateInteractionResponse::Defer(CreateInteractionResponseMessage::new().ephemeral(true));
    if let Err(error) = submit.create_response(&ctx.http, defer).await {
        tracing::error!(interaction = %submit.id, %error, "could not acknowledge a form");
        return Ok(());
    }
    let outcome = save_form(&store, target, text.clone(), actor(&submit.user)).await;
    let (content, button) = finish(ctx, data, submit.user.id.get(), outcome, Some(text)).await;
    let mut edit = EditInteractionResponse::new()
        .content(content)
        .allowed_mentions(no_pings());
    if let Some(button) = button {
        edit = edit.components(vec![CreateActionRow::Buttons(vec![button])]);
    }
    if let Err(error) = submit.edit_response(&ctx.http, edit).await {
        tracing::error!(interaction = %submit.id, %error, "could not answer a form");
    }
    Ok(())
}

/// Makes the change a form describes.
async fn save_form(store: &Arc<Store>, target: ModId, text: FormText, who: Actor) -> Verdict {
    enum Why {
        Form(String),
        Store(StoreError),
    }
    let for_retry = target.clone();
    let result = {
        let store = store.clone();
        tokio::task::spawn_blocking(move || match target {
            ModId::Edit { id, base } => {
                let current = store.show(&id).map_err(Why::Store)?;
                let fact = text.to_fact(&id, Some(&current.fact)).map_err(Why::Form)?;
                store
                    .edit(&id, fact, base, who, text.reason())
                    .map_err(Why::Store)
            }
            _ => {
                let mut fact = text.to_fact("", None).map_err(Why::Form)?;
                fact.id = store.suggest_id(&fact.question);
                store.add(fact, who, text.reason()).map_err(Why::Store)
            }
        })
        .await
    };
    match result {
        Ok(Ok(change)) => Verdict::Done(Box::new(change)),
        Ok(Err(Why::Form(problem))) => {
            Verdict::Refused(format!("Nothing was saved: {problem}."), Some(for_retry))
        }
        Ok(Err(Why::Store(error))) if error.is_refusal() => {
            // After a stale refusal the reopened form starts from the version now on disk: the
            // moderator has seen what changed and decides again.
            let retry = match (&error, for_retry) {
                (StoreError::Stale { current, .. }, ModId::Edit { id, .. }) => {
                    ModId::Edit { id, base: *current }
                }
                (_, target) => target,
            };
            Verdict::Refused(format!("Nothing was saved: {error}"), Some(retry))
        }
        Ok(Err(Why::Store(error))) => {
            tracing::error!(%error, "a change from a form failed");
            Verdict::Failed(Some(for_retry))
        }
        Err(error) => {
            tracing::error!(%error, "a change from a form panicked");
            Verdict::Failed(Some(for_retry))
        }
    }
}

/// The moderator's reply to an outcome (and a button to reopen the form, if its text was
/// kept); an accepted change is announced in the log channel.
async fn finish(
    ctx: &serenity::Context,
    data: &Data,
    user: u64,
    outcome: Verdict,
    text: Option<FormText>,
) -> (String, Option<CreateButton>) {
    let (message, retry) = match outcome {
        Verdict::Done(change) => {
            announce(&ctx.http, &data.config, &change.entry).await;
            let content = format!(
                "Done; members get the change at once. {}",
                change_text(&change.entry)
            );
            return (cut(&content, limits::CONTENT).into_owned(), None);
        }
        Verdict::Refused(message, retry) => (message, retry),
        Verdict::Failed(retry) => (APOLOGY.to_string(), retry),
    };
    let (Some(target), Some(text)) = (retry, text) else {
        return (cut(&message, limits::CONTENT).into_owned(), None);
    };
    let key = data
        .moderation
        .drafts
        .put(user, Pending::Form { target, text }, Instant::now());
    const KEPT: &str =
        "\n\nYour text is kept for 15 minutes: press the button to reopen the form with it.";
    let content = format!(
        "{}{KEPT}",
        cut(&message, limits::CONTENT - KEPT.chars().count())
    );
    let button = ModId::Reopen { key }.custom_id().map(|id| {
        CreateButton::new(id)
            .label("Reopen the form with my text")
            .style(ButtonStyle::Primary)
    });
    (content, button)
}

/// A moderation button was pressed.
pub async fn on_press(
    ctx: &serenity::Context,
    data: &Data,
    press: &ComponentInteraction,
) -> Result<(), Error> {
    let Some(action) = ModId::parse(&press.data.custom_id) else {
        return respond_press(ctx, press, GONE).await;
    };
    if !may_moderate(press.member.as_ref(), &data.config.moderator_roles) {
        tracing::info!(user = %press.user.id, "refused a button: not a moderator");
        return respond_press(ctx, press, REFUSAL).await;
    }
    let user = press.user.id.get();
    match action {
        ModId::Reopen { key } => {
            let Some(Pending::Form { target, text }) =
                data.moderation.drafts.get(&key, user, Instant::now())
            else {
                return respond_press(
                    ctx,
                    press,
                    "That form is no longer kept (forms are kept for 15 minutes). Run the command again.",
                )
                .await;
            };
            let (Some(custom_id), Ok(())) = (target.custom_id(), text.fits()) else {
                return respond_press(ctx, press, GONE).await;
            };
            let modal = form::modal(custom_id, &title(&target), &text);
            if let Err(error) = press
                .create_response(&ctx.http, CreateInteractionResponse::Modal(modal))
                .await
            {
                tracing::error!(interaction = %press.id, %error, "could not reopen a form");
            }
            Ok(())
        }
        ModId::Remove { id, base, reason } => {
            let reason = match reason {
                None => None,
                Some(key) => match data.moderation.drafts.get(&key, user, Instant::now()) {
                    Some(Pending::Reason(reason)) => Some(reason),
                    _ => {
                        return respond_press(
                            ctx,
                            press,
                            "This confirmation has expired. Run `/fact remove` again.",
                        )
                        .await
                    }
                },
            };
            let Some(store) = data.moderation.store.clone() else {
                return respond_press(ctx, press, UNAVAILABLE).await;
            };
            let defer = CreateInteractionResponse::Defer(
                CreateInteractionResponseMessage::new().ephemeral(true),
            );
            if let Err(error) = press.create_response(&ctx.http, defer).await {
                tracing::error!(interaction = %press.id, %error, "could not acknowledge a button");
                return Ok(());
            }
            let who = actor(&press.user);
            let outcome = match blocking(&store, move |s| {
                s.remove(&id, base, who, reason.as_deref())
            })
            .await
            {
                Ok(change) => Verdict::Done(Box::new(change)),
                Err(error) if error.is_refusal() => {
                    Verdict::Refused(format!("Nothing was removed: {error}"), None)
                }
                Err(error) => {
                    tracing::error!(%error, "a removal failed");
                    Verdict::Failed(None)
                }
            };
            let (content, _) = finish(ctx, data, user, outcome, None).await;
            let edit = EditInteractionResponse::new()
                .content(content)
                .allowed_mentions(no_pings());
            if let Err(error) = press.edit_response(&ctx.http, edit).await {
                tracing::error!(interaction = %press.id, %error, "could not answer a button");
            }
            Ok(())
        }
        ModId::Cancel => {
            let update = CreateInteractionResponse::UpdateMessage(
                CreateInteractionResponseMessage::new()
                    .content("Cancelled: nothing was removed.")
                    .components(Vec::new())
                    .allowed_mentions(no_pings()),
            );
            if let Err(error) = press.create_response(&ctx.http, update).await {
                tracing::error!(interaction = %press.id, %error, "could not answer a button");
            }
            Ok(())
        }
        ModId::Add | ModId::Edit { .. } => respond_press(ctx, press, GONE).await,
    }
}

fn ephemeral(text: &str) -> CreateInteractionResponse {
    CreateInteractionResponse::Message(
        CreateInteractionResponseMessage::new()
            .content(cut(text, limits::CONTENT))
            .ephemeral(true)
            .allowed_mentions(no_pings()),
    )
}

async fn respond_modal(
    ctx: &serenity::Context,
    submit: &ModalInteraction,
    text: &str,
) -> Result<(), Error> {
    if let Err(error) = submit.create_response(&ctx.http, ephemeral(text)).await {
        tracing::error!(interaction = %submit.id, %error, "could not answer a form");
    }
    Ok(())
}

async fn respond_press(
    ctx: &serenity::Context,
    press: &ComponentInteraction,
    text: &str,
) -> Result<(), Error> {
    if let Err(error) = press.create_response(&ctx.http, ephemeral(text)).await {
        tracing::error!(interaction = %press.id, custom_id = %press.data.custom_id, %error, "could not answer a button");
    }
    Ok(())
}

/// Notes a question the bot declined (or only offered suggestions for) in the feedback log,
/// for `/fact unanswered`. Greetings and empty messages are not noted; a failure is logged.
pub async fn note_unanswered(data: &Data, question: &str, user: u64) {
    let declined = matches!(
        data.engine.load().ask(question).outcome,
        Outcome::Declined | Outcome::Unsure
    );
    if !declined {
        return;
    }
    let feedback = Feedback {
        time: rfc3339(SystemTime::now()),
        fact_id: None,
        question: question.to_string(),
        vote: Vote::Declined,
        user_id: user.to_string(),
    };
    if let Err(error) = data.feedback.record(&feedback).await {
        tracing::error!(path = %data.feedback.path().display(), %error, "could not note a declined question");
    }
}

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

// ---------------------------------------------------------------- text

fn history_text(id: &str, entries: &[Entry]) -> String {
    if entries.is_empty() {
        return format!(
            "No journaled changes to `{id}`. (Edits made to the files directly are not journaled.)"
        );
    }
    let lines: Vec<String> = entries
        .iter()
        .rev()
        .map(|e| cut(&e.summary(), 300).into_owned())
        .collect();
    let head = format!("Changes to `{id}`, newest first:");
    let (body, left) = fit_lines(&lines, limits::CONTENT - head.len() - 60);
    let mut text = format!("{head}\n{body}");
    if left > 0 {
        text.push_str(&format!(
            "\n…and {left} older; `talks-bot fact history {id}` lists all"
        ));
    }
    text
}

/// As many whole lines as fit in `max` characters, and how many did not.
fn fit_lines(lines: &[String], max: usize) -> (String, usize) {
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        let needed = line.chars().count() + usize::from(!out.is_empty());
        if out.chars().count() + needed > max {
            return (out, lines.len() - i);
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(line);
    }
    (out, 0)
}

fn read_optional_text(path: &Path) -> std::io::Result<String> {
    match std::fs::read_to_string(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        other => other,
    }
}

/// One question members found unanswered or unhelpful.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unanswered {
    /// As first asked.
    pub question: String,
    /// How many members asked or marked it (one member counts once).
    pub count: usize,
    /// Facts whose answers to it were marked not helpful.
    pub facts: Vec<String>,
}

/// The feedback log's declined questions and its "None of these" and "Not helpful" votes,
/// grouped by question (compared case- and spacing-insensitively), counted once per member (a
/// decline followed by "None of these" is one), most frequent first, then most recent first.
/// Unreadable lines are skipped.
pub fn unanswered_tally(log: &str) -> Vec<Unanswered> {
    let mut groups: HashMap<String, (Unanswered, usize)> = HashMap::new();
    let mut counted: std::collections::HashSet<(String, String)> = Default::default();
    for (line_no, line) in log.lines().enumerate() {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let vote = value["vote"].as_str().unwrap_or("");
        if !matches!(vote, "unanswered" | "not_helpful" | "declined") {
            continue;
        }
        let question = value["question"].as_str().unwrap_or("").trim();
        let key = question
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        if key.is_empty() {
            continue;
        }
        let member = match value["user_id"].as_str() {
            Some(user) => user.to_string(),
            None => format!("line {line_no}"),
        };
        let first_from_member = counted.insert((key.clone(), member));
        let (entry, last) = groups.entry(key).or_insert_with(|| {
            (
                Unanswered {
                    question: question.to_string(),
                    count: 0,
                    facts: Vec::new(),
                },
                0,
            )
        });
        if first_from_member {
            entry.count += 1;
        }
        *last = line_no;
        if vote == "not_helpful" {
            if let Some(fact) = value["fact_id"].as_str() {
                if !entry.facts.iter().any(|f| f == fact) {
                    entry.facts.push(fact.to_string());
                }
            }
        }
    }
    let mut tally: Vec<(Unanswered, usize)> = groups.into_values().collect();
    tally.sort_by(|a, b| b.0.count.cmp(&a.0.count).then(b.1.cmp(&a.1)));
    tally.into_iter().map(|(u, _)| u).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use poise::serenity_prelude::Member;

    fn member(permissions: Option<Permissions>, roles: &[u64]) -> Member {
        let mut value = serde_json::json!({
            "user": {"id": "5", "username": "m", "discriminator": "0", "global_name": null, "avatar": null},
            "roles": roles.iter().map(|r| r.to_string()).collect::<Vec<_>>(),
            "joined_at": "2024-01-01T00:00:00.000000+00:00", "deaf": false, "mute": false, "flags": 0,
            "guild_id": "3000",
        });
        if let Some(p) = permissions {
            value["permissions"] = serde_json::json!(p.bits().to_string());
        }
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn moderators_are_told_by_role_or_permission() {
        let roles = [77];
        assert!(!may_moderate(None, &roles), "no member: a DM");
        assert!(!may_moderate(Some(&member(None, &[])), &roles));
        assert!(!may_moderate(
            Some(&member(
                Some(Permissions::SEND_MESSAGES | Permissions::MANAGE_MESSAGES),
                &[1]
            )),
            &roles
        ));
        assert!(may_moderate(Some(&member(None, &[1, 77])), &roles));
        assert!(may_moderate(
            Some(&member(Some(Permissions::MANAGE_GUILD), &[])),
            &roles
        ));
        assert!(may_moderate(
            Some(&member(Some(Permissions::ADMINISTRATOR), &[])),
            &[]
        ));
        assert!(!may_moderate(Some(&member(None, &[77])), &[]));
    }

    #[test]
    fn unanswered_questions_are_counted_most_frequent_first() {
        let log = [
            r#"{"time":"t","fact_id":null,"question":"Who paid?","vote":"unanswered","user_id":"1"}"#,
            r#"{"time":"t","fact_id":"dates","question":"when  was it","vote":"not_helpful","user_id":"1"}"#,
            r#"{"time":"t","fact_id":"dates","question":"When was it","vote":"helpful","user_id":"2"}"#,
            "not json",
            r#"{"time":"t","fact_id":null,"question":"who PAID?","vote":"unanswered","user_id":"3"}"#,
            r#"{"time":"t","fact_id":null,"question":"Who paid?","vote":"declined","user_id":"3"}"#,
            r#"{"time":"t","fact_id":"venue","question":"When was it","vote":"not_helpful","user_id":"4"}"#,
            r#"{"time":"t","fact_id":null,"question":"Why?","vote":"unanswered","user_id":"5"}"#,
            r#"{"time":"t","fact_id":null,"question":"","vote":"unanswered","user_id":"5"}"#,
        ]
        .join("\n");
        let tally = unanswered_tally(&log);
        assert_eq!(tally.len(), 3);
        assert_eq!(tally[0].count, 2);
        // Equal counts: the most recent first.
        assert_eq!(tally[0].question, "when  was it");
        assert_eq!(tally[0].facts, ["dates", "venue"]);
        assert_eq!(tally[1].question, "Who paid?");
        assert_eq!(tally[2].question, "Why?");
    }

    #[test]
    fn lines_are_fitted_whole() {
        let lines: Vec<String> = (0..10).map(|i| format!("line {i}")).collect();
        let (text, left) = fit_lines(&lines, 20);
        assert_eq!(text, "line 0\nline 1\nline 2");
        assert_eq!(left, 7);
        assert_eq!(fit_lines(&lines[..1], 20), ("line 0".into(), 0));
    }
}
