//! The slash and message commands, all listed in [`commands`]. Each reads its arguments, calls
//! the engine once and renders the result; the `///` comments are the help Discord shows.

use std::path::Path;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use poise::serenity_prelude as serenity;

use super::data::{user_error, Context, Data, Error};
use super::events::{answer_question, note_declined, question_text, Origin};
use super::render::{self, Reply};

/// The name of the moderators' command group (registered only in `moderation_guilds` when set).
pub const MODERATION_COMMAND: &str = "fact";

/// Every command the bot registers, in one place.
pub fn commands() -> Vec<poise::Command<Data, Error>> {
    vec![
        ask(),
        topics(),
        sources(),
        about(),
        help(),
        answer_message(),
        super::timeline::timeline(),
        super::moderation::fact(),
    ]
}

/// Ask a question about the intra-Palestinian meeting in Moscow (2024)
#[poise::command(slash_command)]
pub async fn ask(
    ctx: Context<'_>,
    #[description = "Your question, in your own words"]
    #[autocomplete = "complete_question"]
    question: String,
) -> Result<(), Error> {
    take_cooldown(ctx)?;
    // The submitted text is matched again: an autocomplete choice is only a suggestion.
    let (reply, handled) = answer_question(&ctx.data().engine.load(), &question, Origin::Command);
    ctx.send(reply.to_command_reply(false)).await?;
    note_declined(ctx.data(), handled, &question, ctx.author().id.get()).await;
    Ok(())
}

/// List the topics and questions I can answer
#[poise::command(slash_command)]
pub async fn topics(ctx: Context<'_>) -> Result<(), Error> {
    let reply = render::topics(ctx.data().engine.load().knowledge());
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
    let reply = {
        let engine = ctx.data().engine.load();
        match fact.as_deref().map(str::trim).filter(|f| !f.is_empty()) {
            None => render::sources(engine.knowledge(), None),
            Some(wanted) => {
                let answer = engine
                    .answer_fact(wanted)
                    .unwrap_or_else(|| engine.ask(wanted));
                if !answer.is_answered() {
                    return Err(user_error(
                        "I have no answer for that question; `/topics` lists what I know.",
                    ));
                }
                render::sources(engine.knowledge(), Some(&answer))
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
    let reply = render::about(engine.knowledge(), changed);
    ctx.send(reply.to_command_reply(true)).await?;
    Ok(())
}

/// How to ask me questions
#[poise::command(slash_command)]
pub async fn help(ctx: Context<'_>) -> Result<(), Error> {
    ctx.send(render::help().to_command_reply(true)).await?;
    Ok(())
}

/// Answer the question in this message
#[poise::command(context_menu_command = "Answer with talks-bot")]
pub async fn answer_message(ctx: Context<'_>, message: serenity::Message) -> Result<(), Error> {
    take_cooldown(ctx)?;
    let question = question_text(&message.content);
    if question.is_empty() {
        return Err(user_error("That message has no text I can read."));
    }
    let (reply, handled) =
        answer_question(&ctx.data().engine.load(), &question, Origin::MessageCommand);
    // An answer is for everyone; a refusal only for the member who asked for it.
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

pub(super) fn take_cooldown(ctx: Context<'_>) -> Result<(), Error> {
    ctx.data()
        .cooldowns
        .take(
            ctx.author().id.get(),
            ctx.channel_id().get(),
            Instant::now(),
        )
        .map_err(|refusal| user_error(refusal.wait.note()))
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

/// The reply for an error: the text of a user error, else an apology (details go to the log).
pub fn error_reply(error: &Error) -> Reply {
    match error.downcast_ref::<super::data::UserError>() {
        Some(user) => Reply::text(&user.0),
        None => Reply::text(super::events::APOLOGY),
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
        let shown = error_reply(&user_error("Please wait 3 s."));
        assert_eq!(shown.content.as_deref(), Some("Please wait 3 s."));
        let hidden: Error = "database exploded at 0xdeadbeef".into();
        assert_eq!(
            error_reply(&hidden).content.as_deref(),
            Some(super::super::events::APOLOGY)
        );
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
