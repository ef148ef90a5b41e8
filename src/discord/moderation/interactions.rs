//! The moderation forms and buttons: a submitted fact form, remove confirmations, reopening a
//! refused form.

use std::sync::Arc;
use std::time::Instant;

use poise::serenity_prelude as serenity;
use serenity::{
    ActionRowComponent, ButtonStyle, ComponentInteraction, CreateActionRow, CreateButton,
    CreateInteractionResponse, CreateInteractionResponseMessage, EditInteractionResponse,
    ModalInteraction,
};

use super::super::data::{Data, Error};
use super::super::events::apology;
use super::super::render::{limits, no_pings};
use super::access::{may_moderate, REFUSAL};
use super::commands::blocking;
use super::drafts::Pending;
use super::form::{self, FormText, ModId};
use super::log_channel::{announce, change_text};
use super::{actor, GONE, UNAVAILABLE};
use crate::store::{Actor, Change, Store, StoreError};
use crate::text::cut;

// ---------------------------------------------------------------- forms and buttons

/// The modal title for a form.
pub(super) fn title(target: &ModId) -> String {
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
    if !may_moderate(submit.member.as_ref(), submit.guild_id, &data.config) {
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
        Ok(Err(Why::Store(error))) if error.is_refusal() || error.is_busy() => {
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
        Verdict::Failed(retry) => (apology(crate::text::Lang::EN).to_string(), retry),
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
    if !may_moderate(press.member.as_ref(), press.guild_id, &data.config) {
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
            confirmed(
                ctx,
                data,
                press,
                reason,
                "removed",
                move |s, who, reason| s.remove(&id, base, who, reason),
            )
            .await
        }
        ModId::Undo { id, seq, reason } => {
            confirmed(ctx, data, press, reason, "undone", move |s, who, reason| {
                s.undo(&id, seq, who, reason)
            })
            .await
        }
        ModId::Cancel => {
            let update = CreateInteractionResponse::UpdateMessage(
                CreateInteractionResponseMessage::new()
                    .content("Cancelled: nothing was changed.")
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

/// A confirmed removal or undo: the kept reason looked up, the press deferred, the store call
/// made, the outcome answered (and announced).
async fn confirmed(
    ctx: &serenity::Context,
    data: &Data,
    press: &ComponentInteraction,
    reason: Option<String>,
    done: &'static str,
    call: impl FnOnce(&Store, Actor, Option<&str>) -> Result<Change, StoreError> + Send + 'static,
) -> Result<(), Error> {
    let user = press.user.id.get();
    let reason = match reason {
        None => None,
        Some(key) => match data.moderation.drafts.get(&key, user, Instant::now()) {
            Some(Pending::Reason(reason)) => Some(reason),
            _ => {
                return respond_press(
                    ctx,
                    press,
                    "This confirmation has expired. Run the command again.",
                )
                .await
            }
        },
    };
    let Some(store) = data.moderation.store.clone() else {
        return respond_press(ctx, press, UNAVAILABLE).await;
    };
    let defer =
        CreateInteractionResponse::Defer(CreateInteractionResponseMessage::new().ephemeral(true));
    if let Err(error) = press.create_response(&ctx.http, defer).await {
        tracing::error!(interaction = %press.id, %error, "could not acknowledge a button");
        return Ok(());
    }
    let who = actor(&press.user);
    let outcome = match blocking(&store, move |s| call(s, who, reason.as_deref())).await {
        Ok(change) => Verdict::Done(Box::new(change)),
        Err(error) if error.is_refusal() || error.is_busy() => {
            Verdict::Refused(format!("Nothing was {done}: {error}"), None)
        }
        Err(error) => {
            tracing::error!(%error, "a confirmed change failed");
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
