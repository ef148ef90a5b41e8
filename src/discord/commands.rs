//! The slash and message commands, all listed in [`commands`]. Each reads its arguments, calls
//! the engine once and renders the result. What Discord shows beside a command and its options
//! comes from the message catalogues (`discord.commands`), in English and in every language
//! Discord has a locale for; the `///` comments say the same for readers of the code. The
//! member's locale is the hint for a question too short to tell its language, and the
//! language of the replies that have no question (`/topics`, `/help`...).

use std::path::Path;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use poise::serenity_prelude as serenity;

use super::data::{user_error, Context, Data, Error};
use super::events::{answer_question, apology, note_outcome, question_text, Origin};
use super::render::{self, Reply};
use crate::engine::Reading;
use crate::messages::{messages, CommandTexts};
use crate::text::Lang;

/// The name of the moderators' command group (registered only in `moderation_guilds` when set).
pub const MODERATION_COMMAND: &str = "fact";

/// Every command the bot registers, in one place.
pub fn commands() -> Vec<poise::Command<Data, Error>> {
    let mut commands = vec![
        ask(),
        topics(),
        sources(),
        about(),
        help(),
        answer_message(),
        super::timeline::timeline(),
        super::moderation::fact(),
    ];
    for command in &mut commands {
        localize(command);
    }
    commands
}

/// The catalogue texts of a command and of its options, by name: `None` for the commands
/// whose texts stay English (`/fact` is for moderators; poise does not localise the name of a
/// message command).
#[allow(clippy::type_complexity)]
fn texts_of(
    name: &str,
) -> Option<(
    fn(&CommandTexts) -> &String,
    Vec<(&'static str, fn(&CommandTexts) -> &String)>,
)> {
    Some(match name {
        "ask" => (
            |c| &c.ask,
            vec![
                ("question", |c: &CommandTexts| &c.ask_question),
                ("private", |c: &CommandTexts| &c.ask_private),
            ],
        ),
        "topics" => (|c| &c.topics, vec![]),
        "sources" => (
            |c| &c.sources,
            vec![("fact", |c: &CommandTexts| &c.sources_fact)],
        ),
        "about" => (|c| &c.about, vec![]),
        "help" => (|c| &c.help, vec![]),
        "timeline" => (
            |c| &c.timeline,
            vec![
                ("from", |c: &CommandTexts| &c.timeline_from),
                ("to", |c: &CommandTexts| &c.timeline_to),
            ],
        ),
        _ => return None,
    })
}

/// Sets a command's description and its options' from the catalogues: English as the
/// default, and a localisation for each Discord locale of every other language (Discord has
/// no Arabic locale, so Arabic members see English there).
fn localize(command: &mut poise::Command<Data, Error>) {
    use std::borrow::Cow;
    let Some((description, options)) = texts_of(&command.name) else {
        return;
    };
    let localized = |text: fn(&CommandTexts) -> &String| {
        Lang::all()
            .filter(|&l| l != Lang::EN)
            .flat_map(|lang| {
                let text: &'static str = text(&messages(lang).discord.commands);
                lang.rules()
                    .discord_locales()
                    .iter()
                    .map(move |&locale| (Cow::Borrowed(locale), Cow::Borrowed(text)))
            })
            .collect::<Vec<_>>()
    };
    let english = &messages(Lang::EN).discord.commands;
    command.description = Some(Cow::Borrowed(description(english).as_str()));
    command.description_localizations = Cow::Owned(localized(description));
    for (name, text) in options {
        if let Some(parameter) = command.parameters.iter_mut().find(|p| p.name == name) {
            parameter.description = Some(Cow::Borrowed(text(english).as_str()));
            parameter.description_localizations = Cow::Owned(localized(text));
        }
    }
}

/// The language a member's Discord locale names, if the bot reads it.
pub(super) fn member_lang(ctx: Context<'_>) -> Option<Lang> {
    ctx.locale().and_then(Lang::from_discord_locale)
}

/// The language of the replies that have no question: the member's, else English.
pub fn reply_lang(ctx: Context<'_>) -> Lang {
    member_lang(ctx).unwrap_or(Lang::EN)
}

/// The language to refuse a question in before reading it (a cooldown): its script's
/// language if that tells (Arabic, Russian), else the member's. Cheap, unlike reading it.
pub(super) fn refusal_lang(question: &str, hint: Option<Lang>) -> Lang {
    crate::text::detect::script_language(question)
        .or(hint)
        .unwrap_or(Lang::EN)
}

/// Ask a question about the intra-Palestinian meeting in Moscow (2024)
#[poise::command(slash_command)]
pub async fn ask(
    ctx: Context<'_>,
    #[description = "Your question, in your own words"]
    #[autocomplete = "complete_question"]
    question: String,
    #[description = "Only you see the answer (declines and suggestions are private unless false)"]
    private: Option<bool>,
) -> Result<(), Error> {
    let hint = member_lang(ctx);
    take_cooldown(ctx, refusal_lang(&question, hint))?;
    // The submitted text is matched again: an autocomplete choice is only a suggestion.
    let reading = Reading { hint, force: None };
    let (reply, handled) = answer_question(
        &ctx.data().engine.load(),
        &question,
        reading,
        Origin::Command,
    );
    // Only the asker needs a decline or "did you mean"; an answer is public unless asked.
    let private = private.unwrap_or(!handled.answered);
    let reply = if private {
        reply
    } else {
        reply.deletable_by(ctx.author().id.get(), handled.lang)
    };
    ctx.send(reply.to_command_reply(private)).await?;
    note_outcome(ctx.data(), handled, &question, ctx.author().id.get()).await;
    Ok(())
}

/// List the topics and questions I can answer
#[poise::command(slash_command)]
pub async fn topics(ctx: Context<'_>) -> Result<(), Error> {
    let reply = render::topics(ctx.data().engine.load().knowledge(), reply_lang(ctx));
    ctx.send(reply.to_command_reply(true)).await?;
    Ok(())
}

/// List my sources, or the sources of one answer
#[poise::command(slash_command)]
pub async fn sources(
    ctx: Context<'_>,
    #[description = "A question, to list only the sources of its answer"]
    #[autocomplete = "complete_question"]
    fact: Option<String>,
) -> Result<(), Error> {
    let hint = member_lang(ctx);
    let reply = {
        let engine = ctx.data().engine.load();
        match fact.as_deref().map(str::trim).filter(|f| !f.is_empty()) {
            None => render::sources(engine.knowledge(), reply_lang(ctx)),
            Some(wanted) => {
                let lang = hint.unwrap_or(Lang::EN);
                let answer = engine
                    .answer_fact_in(wanted, lang)
                    .unwrap_or_else(|| engine.ask_with(wanted, Reading { hint, force: None }));
                match render::answer_sources(&answer) {
                    Some(reply) => reply,
                    None => {
                        let texts = &messages(answer.language).discord;
                        return Err(user_error(texts.no_answer.clone()));
                    }
                }
            }
        }
    };
    ctx.send(reply.to_command_reply(true)).await?;
    Ok(())
}

/// What I know: facts, sources, and when the knowledge last changed
#[poise::command(slash_command)]
pub async fn about(ctx: Context<'_>) -> Result<(), Error> {
    let engine = ctx.data().engine.load_full();
    let dir = engine.knowledge().dir().to_path_buf();
    let changed = tokio::task::spawn_blocking(move || last_changed(&dir))
        .await
        .ok()
        .flatten();
    let reply = render::about(engine.knowledge(), changed, reply_lang(ctx));
    ctx.send(reply.to_command_reply(true)).await?;
    Ok(())
}

/// How to ask me questions
#[poise::command(slash_command)]
pub async fn help(ctx: Context<'_>) -> Result<(), Error> {
    ctx.send(render::help(reply_lang(ctx)).to_command_reply(true))
        .await?;
    Ok(())
}

/// Answer the question in this message
#[poise::command(context_menu_command = "Answer with talks-bot")]
pub async fn answer_message(ctx: Context<'_>, message: serenity::Message) -> Result<(), Error> {
    let hint = member_lang(ctx);
    let question = question_text(&message.content);
    take_cooldown(ctx, refusal_lang(&question, hint))?;
    if question.is_empty() {
        let texts = &messages(hint.unwrap_or(Lang::EN)).discord;
        return Err(user_error(texts.no_text.clone()));
    }
    let reading = Reading { hint, force: None };
    let (reply, handled) = answer_question(
        &ctx.data().engine.load(),
        &question,
        reading,
        Origin::MessageCommand,
    );
    // An answer is for everyone (and its asker may delete it); a refusal only for the member
    // who asked for it.
    let reply = if handled.answered {
        reply.deletable_by(ctx.author().id.get(), handled.lang)
    } else {
        reply
    };
    ctx.send(reply.to_command_reply(!handled.answered)).await?;
    Ok(())
}

/// Autocomplete for questions: fact questions and alternates that fit what has been typed.
async fn complete_question(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    // Autocomplete comes with every keystroke: a light per-member limit, and the text cut
    // like a question, keep one member's typing from costing the others.
    if !ctx
        .data()
        .autocomplete
        .allow(ctx.author().id.get(), Instant::now())
    {
        return serenity::CreateAutocompleteResponse::new();
    }
    let partial = crate::text::clean_input(partial);
    let engine = ctx.data().engine.load();
    let completions = engine.complete(&partial.text, render::limits::CHOICES);
    render::choices(completions.iter().map(|c| c.text))
}

pub(super) fn take_cooldown(ctx: Context<'_>, lang: Lang) -> Result<(), Error> {
    ctx.data()
        .cooldowns
        .take(
            ctx.author().id.get(),
            ctx.channel_id().get(),
            Instant::now(),
        )
        .map_err(|refusal| user_error(refusal.wait.note(lang)))
}

/// When any file of the knowledge folder last changed, in Unix seconds.
fn last_changed(dir: &Path) -> Option<u64> {
    let mut newest: Option<SystemTime> = None;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).ok()?.flatten() {
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() {
                stack.push(entry.path());
            } else if let Ok(modified) = meta.modified() {
                newest = newest.max(Some(modified));
            }
        }
    }
    newest?.duration_since(UNIX_EPOCH).ok().map(|d| d.as_secs())
}

/// The reply for an error: the text of a user error (written in the member's language where
/// it arose), else an apology in `lang` (details go to the log).
pub fn error_reply(error: &Error, lang: Lang) -> Reply {
    match error.downcast_ref::<super::data::UserError>() {
        // Laid out in the direction of the text's own script (an Arabic cooldown note).
        Some(user) => {
            let written_in = crate::text::detect::script_language(&user.0).unwrap_or(lang);
            render::Voice::of(written_in).reply(&user.0)
        }
        None => render::Voice::of(lang).reply(apology(lang)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_file_time_is_found() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(last_changed(dir.path()), None);
        std::fs::create_dir(dir.path().join("facts")).unwrap();
        std::fs::write(dir.path().join("facts/a.toml"), "x").unwrap();
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let found = last_changed(dir.path()).unwrap();
        assert!(found.abs_diff(now) < 60, "{found} vs {now}");
    }

    #[test]
    fn user_errors_show_and_others_do_not() {
        let shown = error_reply(&user_error("Please wait 3 s."), Lang::EN);
        assert_eq!(shown.content.as_deref(), Some("Please wait 3 s."));
        let hidden: Error = "database exploded at 0xdeadbeef".into();
        assert_eq!(
            error_reply(&hidden, Lang::EN).content.as_deref(),
            Some(apology(Lang::EN))
        );
        let it = Lang::from_code("it").unwrap();
        assert_eq!(
            error_reply(&hidden, it).content.as_deref(),
            Some(apology(it))
        );
        assert_ne!(apology(it), apology(Lang::EN));
    }

    #[test]
    fn every_command_has_a_short_description() {
        for command in commands() {
            assert!(
                !command.name.is_empty() && command.name.chars().count() <= 32,
                "{}",
                command.name
            );
            if command.slash_action.is_some() {
                let description = command.description.as_deref().unwrap_or("");
                assert!(
                    (1..=100).contains(&description.chars().count()),
                    "{}",
                    command.name
                );
                for parameter in &command.parameters {
                    assert!(
                        parameter.description.is_some(),
                        "{}.{}",
                        command.name,
                        parameter.name
                    );
                }
            }
        }
    }
}
