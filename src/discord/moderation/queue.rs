//! The review queue (`/fact unanswered`): what members asked that the bot could not answer (or
//! answered unhelpfully), one entry a page, most asked first. Each entry offers
//! **Add as a phrasing of…** (a menu of the likely facts, best first: the question becomes an
//! alternate of the fact chosen, through the store like any edit), **Accept** for a "did you
//! mean" suggestion members picked for it, **New fact** (the fact form with the question filled
//! in) and **Dismiss**. A dismissed or resolved entry leaves the queue (a line in the feedback
//! log says so), and the bot answers an accepted phrasing at once.

use poise::serenity_prelude as serenity;
use serenity::{
    ButtonStyle, ComponentInteraction, ComponentInteractionDataKind, CreateActionRow, CreateButton,
    CreateEmbed, CreateEmbedFooter, CreateInteractionResponse, CreateSelectMenu,
    CreateSelectMenuKind, CreateSelectMenuOption,
};

use super::super::data::{Data, Error};
use super::super::feedback::{Feedback, Unanswered, Vote};
use super::super::render::limits;
use super::commands::blocking;
use super::form::{self, FormText, ModId, View};
use super::interactions::{respond_press, update};
use super::log_channel::announce;
use super::pages::{nav, Paged};
use super::{actor, UNAVAILABLE};
use crate::engine::Engine;
use crate::store::StoreError;
use crate::text::cut;

/// How many facts the "Add as a phrasing of…" menu offers at most (Discord's limit).
const MENU_OPTIONS: usize = 25;
/// How many of the entries after this one are listed under it.
const NEXT_LISTED: usize = 10;

/// The queue at entry `page` (clamped), with its buttons.
pub fn view(engine: &Engine, queue: &[Unanswered], page: usize) -> Paged {
    let Some(last) = queue.len().checked_sub(1) else {
        return Paged::default().with_content(
            "The review queue is empty: no question members asked is waiting for an answer.",
        );
    };
    let page = page.min(last);
    let entry = &queue[page];
    let mut description = entry_line(entry);
    description.push_str(&format!(
        "\nLast asked {} UTC.",
        entry
            .last
            .get(..16)
            .unwrap_or(&entry.last)
            .replace('T', " ")
    ));
    if !entry.facts.is_empty() {
        let facts: Vec<String> = entry.facts.iter().map(|f| format!("`{f}`")).collect();
        description.push_str(&format!("\nNot helpful: {}", facts.join(", ")));
    }
    if !entry.picked.is_empty() {
        let picked: Vec<String> = entry
            .picked
            .iter()
            .map(|(f, n)| format!("`{f}` ({n})"))
            .collect();
        description.push_str(&format!(
            "\nMembers picked “did you mean”: {}",
            picked.join(", ")
        ));
    }
    let next: Vec<String> = queue[page + 1..]
        .iter()
        .take(NEXT_LISTED)
        .map(entry_line)
        .collect();
    if !next.is_empty() {
        description.push_str(&format!("\n\n**Next in the queue**\n{}", next.join("\n")));
    }
    let embed = CreateEmbed::new()
        .title("Unanswered or unhelpful, most frequent first")
        .description(cut(&description, limits::DESCRIPTION - 100))
        .footer(CreateEmbedFooter::new(format!(
            "Entry {} of {}",
            page + 1,
            queue.len()
        )));
    let mut components = Vec::new();
    if let Some(menu) = menu(engine, entry) {
        components.push(CreateActionRow::SelectMenu(menu));
    }
    components.push(CreateActionRow::Buttons(buttons(engine, entry)));
    components.extend(nav(&View::Queue, page, queue.len()));
    Paged {
        content: None,
        embed: Some(embed),
        components,
    }
}

fn entry_line(entry: &Unanswered) -> String {
    format!("**{}×** “{}”", entry.count, cut(&entry.question, 200))
}

/// "Add as a phrasing of…": the facts members picked for it first, then the likely ones, best
/// first.
fn menu(engine: &Engine, entry: &Unanswered) -> Option<CreateSelectMenu> {
    let facts = engine.knowledge().facts();
    let likely = engine
        // Read as the bot read it when it was asked (the log keeps no language).
        .candidates(&entry.question, None)
        .into_iter()
        .map(|s| (&facts[s.fact], Some(s.confidence)));
    let picked = entry
        .picked
        .iter()
        .filter_map(|(id, _)| engine.fact(id))
        .map(|f| (f, None));
    let mut options: Vec<CreateSelectMenuOption> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for (fact, confidence) in picked.chain(likely) {
        if seen.contains(&fact.id.as_str()) || options.len() == MENU_OPTIONS {
            continue;
        }
        seen.push(&fact.id);
        let note = match confidence {
            Some(c) => format!("{} · confidence {c:.2}", fact.id),
            None => format!("{} · picked by members", fact.id),
        };
        options.push(
            CreateSelectMenuOption::new(cut(&fact.question, 100), fact.id.clone())
                .description(cut(&note, 100)),
        );
    }
    if options.is_empty() {
        return None;
    }
    let id = ModId::Phrasing {
        key: entry.key.clone(),
    }
    .custom_id()?;
    Some(
        CreateSelectMenu::new(id, CreateSelectMenuKind::String { options })
            .placeholder("Add as a phrasing of…"),
    )
}

fn buttons(engine: &Engine, entry: &Unanswered) -> Vec<CreateButton> {
    let key = entry.key.clone();
    let mut buttons = Vec::new();
    if let Some((id, n)) = entry
        .picked
        .iter()
        .find(|(id, _)| engine.fact(id).is_some())
    {
        let accept = ModId::Accept {
            key: key.clone(),
            id: id.clone(),
        };
        if let Some(custom_id) = accept.custom_id() {
            let label = format!("Accept as a phrasing of {id} ({n})");
            buttons.push(
                CreateButton::new(custom_id)
                    .label(cut(&label, limits::BUTTON_LABEL))
                    .style(ButtonStyle::Success),
            );
        }
    }
    let new_fact = ModId::NewFact { key: key.clone() };
    let dismiss = ModId::Dismiss { key };
    for (action, label, style) in [
        (new_fact, "New fact", ButtonStyle::Primary),
        (dismiss, "Dismiss", ButtonStyle::Secondary),
    ] {
        if let Some(custom_id) = action.custom_id() {
            buttons.push(CreateButton::new(custom_id).label(label).style(style));
        }
    }
    buttons
}

/// A press of one of the queue's components (the moderator has been checked).
pub async fn on_press(
    ctx: &serenity::Context,
    data: &Data,
    press: &ComponentInteraction,
    action: ModId,
) -> Result<(), Error> {
    let queue = data.feedback.unanswered().await?;
    let page_of = |key: &str| queue.iter().position(|e| e.key == key);
    let (key, page) = match &action {
        ModId::Page { page, .. } => {
            return update(ctx, press, view(&data.engine.load(), &queue, *page)).await
        }
        ModId::Phrasing { key }
        | ModId::Accept { key, .. }
        | ModId::Dismiss { key }
        | ModId::NewFact { key } => match page_of(key) {
            Some(page) => (key.clone(), page),
            None => {
                let gone = "That question is no longer in the queue (dismissed or resolved).";
                let fresh = view(&data.engine.load(), &queue, 0).with_content(gone);
                return update(ctx, press, fresh).await;
            }
        },
        _ => return Ok(()),
    };
    let entry = queue[page].clone();
    match action {
        ModId::Dismiss { .. } => {
            resolve(
                data,
                press.user.id.get(),
                &entry.question,
                Vote::Dismissed,
                None,
            )
            .await;
            let queue = data.feedback.unanswered().await?;
            let text = format!("Dismissed “{}”.", cut(&entry.question, 200));
            update(
                ctx,
                press,
                view(&data.engine.load(), &queue, page).with_content(text),
            )
            .await
        }
        ModId::NewFact { .. } => {
            let text = FormText {
                question: format!("{}\n", entry.question),
                ..FormText::default()
            };
            let target = ModId::AddFor { key };
            let (Some(custom_id), Ok(())) = (target.custom_id(), text.fits()) else {
                return respond_press(ctx, press, "That question is too long for the form.").await;
            };
            let modal = form::modal(custom_id, "Add a fact", &text);
            if let Err(error) = press
                .create_response(&ctx.http, CreateInteractionResponse::Modal(modal))
                .await
            {
                tracing::error!(interaction = %press.id, %error, "could not open the fact form");
            }
            Ok(())
        }
        ModId::Phrasing { .. } | ModId::Accept { .. } => {
            let id = match (&action, &press.data.kind) {
                (ModId::Accept { id, .. }, _) => id.clone(),
                (_, ComponentInteractionDataKind::StringSelect { values }) => {
                    match values.first() {
                        Some(id) => id.clone(),
                        None => return Ok(()),
                    }
                }
                _ => return Ok(()),
            };
            add_phrasing(ctx, data, press, &entry, &id, page).await
        }
        _ => Ok(()),
    }
}

/// Adds the entry's question as a phrasing of fact `id`, through the store: checked, journaled,
/// announced, answered from at once. The entry is then resolved and the queue shown again.
async fn add_phrasing(
    ctx: &serenity::Context,
    data: &Data,
    press: &ComponentInteraction,
    entry: &Unanswered,
    id: &str,
    page: usize,
) -> Result<(), Error> {
    let Some(store) = data.moderation.store.clone() else {
        return respond_press(ctx, press, UNAVAILABLE).await;
    };
    // The store fsyncs: acknowledge first, then edit the queue message.
    if let Err(error) = press
        .create_response(&ctx.http, CreateInteractionResponse::Acknowledge)
        .await
    {
        tracing::error!(interaction = %press.id, %error, "could not acknowledge a queue button");
        return Ok(());
    }
    let (who, question, fact) = (actor(&press.user), entry.question.clone(), id.to_string());
    let reason = format!(
        "a phrasing members asked ({}×), from the review queue",
        entry.count
    );
    let changed = blocking(&store, move |s| {
        s.add_phrasing(&fact, &question, who, Some(&reason))
    })
    .await;
    let text = match changed {
        Ok(change) => {
            announce(&ctx.http, &data.config, &change.entry).await;
            resolve(
                data,
                press.user.id.get(),
                &entry.question,
                Vote::Resolved,
                Some(id.to_string()),
            )
            .await;
            format!(
                "Added “{}” as a phrasing of `{id}`; members get that answer at once.",
                cut(&entry.question, 200)
            )
        }
        Err(StoreError::Unchanged { .. }) => {
            resolve(
                data,
                press.user.id.get(),
                &entry.question,
                Vote::Resolved,
                Some(id.to_string()),
            )
            .await;
            format!("`{id}` already has that phrasing; the question leaves the queue.")
        }
        Err(error) if error.is_refusal() || error.is_busy() => {
            format!("Nothing was saved: {error}")
        }
        Err(error) => {
            tracing::error!(%error, "adding a phrasing from the queue failed");
            super::super::events::apology(crate::text::Lang::EN).to_string()
        }
    };
    let queue = data.feedback.unanswered().await?;
    let paged = view(&data.engine.load(), &queue, page).with_content(text);
    if let Err(error) = press.edit_response(&ctx.http, paged.edit()).await {
        tracing::error!(interaction = %press.id, %error, "could not update the queue");
    }
    Ok(())
}

/// Notes in the feedback log that moderator `user` took `question` out of the queue.
pub async fn resolve(data: &Data, user: u64, question: &str, vote: Vote, fact: Option<String>) {
    let line = Feedback::now(vote, user, question, fact);
    if let Err(error) = data.feedback.record(&line).await {
        tracing::error!(path = %data.feedback.path().display(), %error, "could not note a queue decision");
    }
}

/// The queue entry `key` names now, if it is still queued (for "New fact", once saved).
pub async fn entry(data: &Data, key: &str) -> Option<Unanswered> {
    let queue = data.feedback.unanswered().await.ok()?;
    queue.into_iter().find(|e| e.key == key)
}
