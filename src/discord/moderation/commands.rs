//! The `/fact` slash commands: each checks the member, makes one store call off the async
//! threads and answers privately.

use std::sync::Arc;
use std::time::Instant;

use poise::serenity_prelude as serenity;
use serenity::{
    AutocompleteChoice, ButtonStyle, CreateActionRow, CreateAutocompleteResponse, CreateButton,
    CreateEmbed, CreateEmbedFooter, CreateInteractionResponse,
};

use super::super::data::{user_error, Context, Error};
use super::super::render::{limits, no_pings};
use super::access::{may_moderate, REFUSAL};
use super::drafts::Pending;
use super::form::{self, FormText, ModId};
use super::interactions::title;
use super::log_channel::change_text;
use super::UNAVAILABLE;
use crate::reload::{self};
use crate::store::{Entry, Store, StoreError};
use crate::text::cut;

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
    may_moderate(member, ctx.guild_id(), &ctx.data().config)
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
pub(super) async fn blocking<T: Send + 'static>(
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
    if error.is_refusal() || error.is_busy() {
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
    let reason = keep_reason(ctx, reason);
    let confirm = ModId::Remove {
        id: id.clone(),
        base: shown.version,
        reason,
    };
    let text = format!(
        "Remove `{id}` (“{}”)? Members stop getting this answer at once; `/fact undo {id}` brings it back.",
        cut(&shown.fact.question, 300)
    );
    confirm_with_buttons(ctx, &text, confirm, "Remove").await
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

/// Undo the latest change to a fact (asks you to confirm)
#[poise::command(slash_command, guild_only)]
pub async fn undo(
    ctx: Context<'_>,
    #[description = "The fact's id"]
    #[autocomplete = "complete_fact_id"]
    id: String,
    #[description = "Why, for the journal and the log channel"] reason: Option<String>,
) -> Result<(), Error> {
    let (id, target) = read_fact(ctx, &id, Store::undo_target).await?;
    let reason = keep_reason(ctx, reason);
    // The button carries the change it undoes: two moderators pressing undo on one change
    // revert it once, and the second is told it was already undone.
    let confirm = ModId::Undo {
        id: id.clone(),
        seq: target.seq,
        reason,
    };
    let text = format!(
        "Undo this change to `{id}`? {}",
        cut(&change_text(&target), 1500)
    );
    confirm_with_buttons(ctx, &text, confirm, "Undo").await
}

/// Keeps a non-empty reason for the confirmation button (which has no room for it).
fn keep_reason(ctx: Context<'_>, reason: Option<String>) -> Option<String> {
    reason.filter(|r| !r.trim().is_empty()).map(|r| {
        ctx.data()
            .moderation
            .drafts
            .put(ctx.author().id.get(), Pending::Reason(r), Instant::now())
    })
}

/// Asks privately to confirm `action` with a button labelled `label`, or cancel.
async fn confirm_with_buttons(
    ctx: Context<'_>,
    text: &str,
    action: ModId,
    label: &str,
) -> Result<(), Error> {
    let confirm = action.custom_id().ok_or_else(|| {
        user_error("That id is too long for a Discord button; use `talks-bot fact` instead.")
    })?;
    let buttons = CreateActionRow::Buttons(vec![
        CreateButton::new(confirm)
            .label(label)
            .style(ButtonStyle::Danger),
        CreateButton::new(ModId::Cancel.custom_id().unwrap_or_default())
            .label("Cancel")
            .style(ButtonStyle::Secondary),
    ]);
    ctx.send(
        poise::CreateReply::default()
            .content(cut(text, limits::CONTENT))
            .components(vec![buttons])
            .ephemeral(true)
            .allowed_mentions(no_pings()),
    )
    .await?;
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
    let tally = ctx.data().feedback.unanswered().await?;
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
    if !is_moderator(ctx) {
        return CreateAutocompleteResponse::new();
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_fitted_whole() {
        let lines: Vec<String> = (0..10).map(|i| format!("line {i}")).collect();
        let (text, left) = fit_lines(&lines, 20);
        assert_eq!(text, "line 0\nline 1\nline 2");
        assert_eq!(left, 7);
        assert_eq!(fit_lines(&lines[..1], 20), ("line 0".into(), 0));
    }
}
