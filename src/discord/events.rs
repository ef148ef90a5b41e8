//! Events that are not commands: messages (mentions, DMs, configured channels) and button
//! presses (votes, follow-ups, "did you mean" suggestions, "None of these", "Delete"). Each event runs
//! in its own task (serenity spawns one per event), so a slow or failing one blocks nothing.

use std::time::{Duration, Instant};

use poise::serenity_prelude as serenity;
use serenity::{ComponentInteraction, CreateInteractionResponse, FullEvent, Interaction, Message};

use super::cooldown::Refusal;
use super::data::{Data, Error};
use super::feedback::{Feedback, Vote};
use super::moderation;
use super::render::{self, Action, Voice};
use crate::answer::{Answer, Outcome};
use crate::engine::{Engine, Reading};
use crate::messages::{fill, messages};
use crate::text::Lang;
use crate::timeline::Range;

/// What became of a question, without borrowing the engine snapshot (so it can be passed on
/// across an await).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handled {
    pub answered: bool,
    /// The language of the reply (for the labels added to it, such as "Delete").
    pub lang: Lang,
    /// What the feedback log notes: the fact answered (for `/fact stats`), a decline or only
    /// suggestions (for the review queue); nothing for greetings, help and empty messages.
    noted: Option<(Vote, Option<String>)>,
}

impl Handled {
    fn of(answer: &Answer<'_>) -> Handled {
        let noted = match answer.outcome {
            Outcome::Answered(fact) => Some((Vote::Answered, Some(fact.id.clone()))),
            Outcome::Declined => Some((Vote::Declined, None)),
            Outcome::Unsure => Some((Vote::Unsure, None)),
            _ => None,
        };
        Handled {
            answered: answer.is_answered(),
            lang: answer.language,
            noted,
        }
    }
}

/// The reaction a member over the cooldown gets on their message, once per cooldown window.
pub const WAIT_REACTION: char = '\u{23f3}';

/// How long after an answer its asker (or a moderator) may delete it with its button.
pub const DELETE_WINDOW: Duration = Duration::from_secs(5 * 60);

/// What a member sees when something failed on our side.
pub fn apology(lang: Lang) -> &'static str {
    &messages(lang).discord.apology
}

/// Where a question came from, for the logs.
#[derive(Debug, Clone, Copy)]
pub enum Origin {
    Mention,
    Dm,
    Channel,
    Command,
    MessageCommand,
    Button,
}

impl Origin {
    /// The `origin` label of the questions metric.
    pub fn name(self) -> &'static str {
        match self {
            Origin::Mention => "mention",
            Origin::Dm => "dm",
            Origin::Channel => "channel",
            Origin::Command => "command",
            Origin::MessageCommand => "message_command",
            Origin::Button => "button",
        }
    }
}

/// The poise event handler.
pub async fn handle(
    framework: poise::FrameworkContext<'_, Data, Error>,
    event: &FullEvent,
) -> Result<(), Error> {
    let ctx = framework.serenity_context;
    let data = framework.user_data;
    match event {
        FullEvent::Message { new_message } => on_message(ctx, data, new_message).await,
        FullEvent::InteractionCreate {
            interaction: Interaction::Component(press),
        } if moderation::owns(&press.data.custom_id) => {
            moderation::on_press(ctx, data, press).await
        }
        FullEvent::InteractionCreate {
            interaction: Interaction::Component(press),
        } => on_press(ctx, data, press).await,
        FullEvent::InteractionCreate {
            interaction: Interaction::Modal(submit),
        } => moderation::on_modal(ctx, data, submit).await,
        _ => Ok(()),
    }
}

/// Answers a question with a snapshot of the engine, logging the outcome (the question itself
/// only at debug level). The outcome is passed on (to [`note_outcome`]), never asked again.
pub fn answer_question(
    engine: &Engine,
    question: &str,
    reading: Reading,
    origin: Origin,
) -> (render::Reply, Handled) {
    let started = Instant::now();
    let answer = engine.ask_with(question, reading);
    log_answer(&answer, origin, started.elapsed());
    (render::answer(&answer), Handled::of(&answer))
}

/// Notes what became of a question in the feedback log: a question the bot declined (or only
/// offered suggestions for) for the review queue (`/fact unanswered`), and the fact of an
/// answer, without the question or the member, for `/fact stats`. Greetings, help and empty
/// messages are not noted; a failure is logged.
pub async fn note_outcome(data: &Data, handled: Handled, question: &str, user: u64) {
    let Some((vote, fact)) = handled.noted else {
        return;
    };
    let feedback = match vote {
        Vote::Answered => Feedback {
            user_id: String::new(),
            ..Feedback::now(vote, 0, "", fact)
        },
        _ => Feedback::now(vote, user, question, fact),
    };
    if let Err(error) = data.feedback.record(&feedback).await {
        tracing::error!(path = %data.feedback.path().display(), %error, "could not note a question's outcome");
    }
}

/// Logs a question's outcome and counts it (with the time `took` to answer it) in the metrics.
fn log_answer(answer: &Answer<'_>, origin: Origin, took: Duration) {
    crate::metrics::question(origin.name(), answer.outcome.name(), took);
    tracing::info!(
        origin = ?origin,
        outcome = %answer.outcome.name(),
        language = %answer.language,
        fact = %answer.fact().map_or("-", |f| f.id.as_str()),
        confidence = format_args!("{:.2}", answer.confidence),
        "question"
    );
    tracing::debug!(question = %answer.question, "question text");
}

async fn on_message(ctx: &serenity::Context, data: &Data, message: &Message) -> Result<(), Error> {
    if message.author.bot {
        return Ok(());
    }
    let me = ctx.cache.current_user().id;
    if message.author.id == me {
        return Ok(());
    }
    let config = &data.config;
    let mentioned = message.mentions.iter().any(|user| user.id == me);
    let origin = if message.guild_id.is_none() {
        if !config.answer_dms {
            return Ok(());
        }
        Origin::Dm
    } else if mentioned {
        if !config.answer_mentions {
            return Ok(());
        }
        Origin::Mention
    } else if config.answer_channels.contains(&message.channel_id.get()) {
        Origin::Channel
    } else {
        return Ok(());
    };
    let question = question_text(&message.content);
    if matches!(origin, Origin::Channel) && !looks_like_question(&question) {
        return Ok(());
    }
    // The cooldown comes before any matching: a member over it costs no work. Un-mentioned
    // messages get an answer or nothing (no refusals to people who did not ask us), and
    // chatter does not count against anyone's cooldown, so there it is only checked here and
    // taken once the message is known to be answered.
    let (user, channel) = (message.author.id.get(), message.channel_id.get());
    let cooldown = if matches!(origin, Origin::Channel) {
        data.cooldowns.check(user, channel, Instant::now())
    } else {
        data.cooldowns.take(user, channel, Instant::now())
    };
    if let Err(refusal) = cooldown {
        return over_cooldown(ctx, message, origin, refusal).await;
    }
    let (reply, handled) = {
        let engine = data.engine.load();
        let started = Instant::now();
        let answer = engine.ask(&question);
        let took = started.elapsed();
        if matches!(origin, Origin::Channel) {
            if !answer.is_answered() {
                return Ok(());
            }
            if let Err(refusal) = data.cooldowns.take(user, channel, Instant::now()) {
                return over_cooldown(ctx, message, origin, refusal).await;
            }
        }
        log_answer(&answer, origin, took);
        (
            render::answer(&answer).deletable_by(user, answer.language),
            Handled::of(&answer),
        )
    };
    if let Err(error) = message
        .channel_id
        .send_message(&ctx.http, reply.to_message(message))
        .await
    {
        tracing::error!(channel = %message.channel_id, message_id = %message.id, %error, "could not send a reply");
    }
    note_outcome(data, handled, &question, user).await;
    Ok(())
}

/// A message over the cooldown: the first one in the window (of a member who asked us) gets
/// a reaction, the rest nothing.
async fn over_cooldown(
    ctx: &serenity::Context,
    message: &Message,
    origin: Origin,
    refusal: Refusal,
) -> Result<(), Error> {
    tracing::debug!(user = %message.author.id, wait = ?refusal.wait, "cooldown: message not answered");
    if refusal.first && !matches!(origin, Origin::Channel) {
        // Straight to the API: `Message::react` would first look the server up in the cache.
        let react = message
            .channel_id
            .create_reaction(&ctx.http, message.id, WAIT_REACTION);
        if let Err(error) = react.await {
            tracing::warn!(channel = %message.channel_id, message_id = %message.id, %error, "could not react to a message over the cooldown");
        }
    }
    Ok(())
}

async fn on_press(
    ctx: &serenity::Context,
    data: &Data,
    press: &ComponentInteraction,
) -> Result<(), Error> {
    if let Some(Action::Delete { asker, lang }) = Action::parse(&press.data.custom_id) {
        return delete_answer(ctx, data, press, asker, lang).await;
    }
    let engine = data.engine.load_full();
    let action = Action::parse(&press.data.custom_id);
    // The answer's language, carried by the button; the member's locale for a stranger.
    let lang = action.as_ref().map_or_else(
        || Lang::from_discord_locale(&press.locale).unwrap_or(Lang::EN),
        Action::lang,
    );
    let voice = Voice::of(lang);
    let texts = &voice.m.discord;
    let (reply, ephemeral) = match action {
        // Not one of ours (or from an older version): say so rather than leave it spinning.
        None => (voice.reply(&texts.old_button), true),
        Some(Action::Vote { fact_id, .. }) if engine.fact(&fact_id).is_none() => {
            (voice.reply(&texts.gone), true)
        }
        Some(Action::Vote {
            helpful, fact_id, ..
        }) => {
            let vote = if helpful {
                Vote::Helpful
            } else {
                Vote::NotHelpful
            };
            let recorded = record(data, press, Some(fact_id), vote).await;
            let text = if recorded {
                &texts.thanks_vote
            } else {
                &texts.apology
            };
            (voice.reply(text), true)
        }
        Some(Action::NoneOfThese { .. }) => {
            let recorded = record(data, press, None, Vote::Unanswered).await;
            let text = if recorded {
                &texts.thanks_noted
            } else {
                &texts.apology
            };
            (voice.reply(text), true)
        }
        Some(Action::Delete { .. }) => unreachable!("handled above"),
        Some(Action::Timeline { fact_id, lang }) => {
            let cooldown =
                data.cooldowns
                    .take(press.user.id.get(), press.channel_id.get(), Instant::now());
            match (cooldown, engine.fact(&fact_id).is_some()) {
                (Err(refusal), _) => (voice.reply(&refusal.wait.note(lang)), true),
                (Ok(()), false) => (voice.reply(&texts.gone), true),
                (Ok(()), true) => {
                    tracing::info!(origin = "button", fact = %fact_id, "timeline");
                    let reply = super::timeline::draw(
                        engine.clone(),
                        Range::default(),
                        Some(fact_id),
                        lang,
                    )
                    .await;
                    (reply, false)
                }
            }
        }
        Some(Action::Ask { fact_id, lang }) => {
            let cooldown =
                data.cooldowns
                    .take(press.user.id.get(), press.channel_id.get(), Instant::now());
            let started = Instant::now();
            match (cooldown, engine.answer_fact_in(&fact_id, lang)) {
                (Err(refusal), _) => (voice.reply(&refusal.wait.note(lang)), true),
                (Ok(()), None) => (voice.reply(&texts.gone), true),
                (Ok(()), Some(answer)) => {
                    log_answer(&answer, Origin::Button, started.elapsed());
                    let reply = render::answer(&answer).deletable_by(press.user.id.get(), lang);
                    if is_suggestion(press) {
                        // "Did you mean" X for Q: Q is a candidate phrasing of X.
                        record(data, press, Some(fact_id), Vote::Picked).await;
                    }
                    (reply, false)
                }
            }
        }
    };
    let response = CreateInteractionResponse::Message(reply.to_interaction(ephemeral));
    if let Err(error) = press.create_response(&ctx.http, response).await {
        tracing::error!(interaction = %press.id, custom_id = %press.data.custom_id, %error, "could not answer a button");
    }
    Ok(())
}

/// "Delete" under an answer: the member who asked, or a moderator, within [`DELETE_WINDOW`] of
/// the answer; anyone else, or later, is told why not, privately.
async fn delete_answer(
    ctx: &serenity::Context,
    data: &Data,
    press: &ComponentInteraction,
    asker: u64,
    lang: Lang,
) -> Result<(), Error> {
    let voice = Voice::of(lang);
    let texts = &voice.m.discord;
    let may = press.user.id.get() == asker
        || moderation::may_moderate(press.member.as_ref(), press.guild_id, &data.config);
    let age =
        serenity::Timestamp::now().unix_timestamp() - press.message.timestamp.unix_timestamp();
    let too_late;
    let text = if !may {
        &texts.delete_not_yours
    } else if age > DELETE_WINDOW.as_secs() as i64 {
        let minutes = (DELETE_WINDOW.as_secs() / 60).to_string();
        too_late = fill(&texts.delete_too_late, &[("minutes", &minutes)]);
        &too_late
    } else {
        match press
            .channel_id
            .delete_message(&ctx.http, press.message.id)
            .await
        {
            Ok(()) => {
                tracing::info!(user = %press.user.id, message_id = %press.message.id, "answer deleted");
                &texts.deleted
            }
            Err(error) => {
                tracing::error!(message_id = %press.message.id, %error, "could not delete an answer");
                &texts.apology
            }
        }
    };
    let response = CreateInteractionResponse::Message(voice.reply(text).to_interaction(true));
    if let Err(error) = press.create_response(&ctx.http, response).await {
        tracing::error!(interaction = %press.id, %error, "could not answer a delete button");
    }
    Ok(())
}

/// Whether a pressed button is on a "did you mean" message (the one with "None of these"),
/// rather than a follow-up under an answer.
fn is_suggestion(press: &ComponentInteraction) -> bool {
    press.message.components.iter().any(|row| {
        row.components.iter().any(|c| match c {
            serenity::ActionRowComponent::Button(button) => matches!(
                &button.data,
                serenity::ButtonKind::NonLink { custom_id, .. }
                    if matches!(Action::parse(custom_id), Some(Action::NoneOfThese { .. }))
            ),
            _ => false,
        })
    })
}

/// Records a vote (replacing the member's earlier vote on the same answer) or a "None of
/// these" or a picked suggestion; false (and logged) when the log cannot be written.
async fn record(
    data: &Data,
    press: &ComponentInteraction,
    fact_id: Option<String>,
    vote: Vote,
) -> bool {
    let question = render::asked_question(&press.message).unwrap_or_default();
    let feedback = Feedback {
        answer: Some(press.message.id.to_string()),
        ..Feedback::now(vote, press.user.id.get(), &question, fact_id)
    };
    let written = match vote {
        Vote::Helpful | Vote::NotHelpful => data.feedback.vote(&feedback).await,
        _ => data.feedback.record(&feedback).await,
    };
    if let Err(error) = written {
        tracing::error!(path = %data.feedback.path().display(), %error, "could not write the feedback log");
        return false;
    }
    tracing::info!(vote = ?feedback.vote, fact = %feedback.fact_id.as_deref().unwrap_or("-"), "feedback");
    true
}

/// The question in a message: its text without mentions (`<@id>`, `<@!id>`, `<@&id>`, `<#id>`,
/// `@everyone`, `@here`), which say who is addressed, not what is asked.
pub fn question_text(content: &str) -> String {
    let mut out = String::with_capacity(content.len());
    let mut rest = content;
    while let Some(c) = rest.chars().next() {
        let mention_len = if c == '<' {
            let inner = &rest[1..];
            let body = inner
                .strip_prefix("@!")
                .or_else(|| inner.strip_prefix("@&"))
                .or_else(|| inner.strip_prefix('@'));
            let body = body.or_else(|| inner.strip_prefix('#'));
            body.and_then(|b| {
                let digits = b.bytes().take_while(u8::is_ascii_digit).count();
                (digits > 0 && b[digits..].starts_with('>'))
                    .then(|| rest.len() - b.len() + digits + 1)
            })
        } else if c == '@' {
            ["@everyone", "@here"]
                .into_iter()
                .find(|m| {
                    rest.get(..m.len())
                        .is_some_and(|head| head.eq_ignore_ascii_case(m))
                })
                .map(str::len)
        } else {
            None
        };
        match mention_len {
            Some(len) => {
                out.push(' ');
                rest = &rest[len..];
            }
            None => {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether an un-mentioned message in an answer channel reads as a question to answer.
pub fn looks_like_question(text: &str) -> bool {
    const STARTS: &[&str] = &[
        "who", "what", "when", "where", "why", "how", "which", "whom", "whose", "did", "does",
        "do", "is", "are", "was", "were", "can", "could", "will", "would", "has", "have", "had",
        "tell",
    ];
    let text = text.trim();
    let words = text.split_whitespace().count();
    let first = text.split_whitespace().next().unwrap_or("").to_lowercase();
    words >= 3
        && (text.ends_with('?')
            || STARTS.contains(&first.trim_matches(|c: char| !c.is_alphanumeric())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_are_not_part_of_the_question() {
        assert_eq!(question_text("<@1000> who took part?"), "who took part?");
        assert_eq!(question_text("who took part <@!1000>"), "who took part");
        assert_eq!(
            question_text("@everyone @HERE <@&555> <#9> <@42> who?"),
            "who?"
        );
        assert_eq!(
            question_text("mail a@b.c <@x> <@12"),
            "mail a@b.c <@x> <@12"
        );
        assert_eq!(question_text("é<@1>ü"), "é ü");
    }

    #[test]
    fn questions_are_told_from_chatter() {
        assert!(looks_like_question("Who took part in the Moscow meeting?"));
        assert!(looks_like_question("what did Lavrov say"));
        assert!(looks_like_question("the meeting was in Moscow, right?"));
        assert!(!looks_like_question("lol"));
        assert!(!looks_like_question("good morning everyone"));
        assert!(!looks_like_question("why?"));
    }
}
