//! `/timeline [from] [to]` and the picture the "On the timeline" button shows: the events as
//! an embed with the PNG attached, in the member's language (the button's: its answer's). The
//! picture is drawn off the async runtime.

use std::sync::Arc;

use super::commands::{member_lang, take_cooldown};
use super::data::{user_error, Context, Error};
use super::events::apology;
use super::render::{self, Reply, Voice};
use crate::engine::Engine;
use crate::text::Lang;
use crate::timeline::{Options, Range, Timeline, TimelineError};

/// The timeline of the talks, as a list and a picture
#[poise::command(slash_command)]
pub async fn timeline(
    ctx: Context<'_>,
    #[description = "From this date: YYYY-MM-DD, YYYY-MM or YYYY"] from: Option<String>,
    #[description = "To this date: YYYY-MM-DD, YYYY-MM or YYYY"] to: Option<String>,
) -> Result<(), Error> {
    let lang = member_lang(ctx).unwrap_or(Lang::EN);
    take_cooldown(ctx, lang)?;
    let range = Range::parse(from.as_deref(), to.as_deref())
        .map_err(|error| user_error(refusal(&error, Voice::of(lang))))?;
    tracing::info!(origin = "command", from = ?range.from.map(|d| d.to_string()), to = ?range.to.map(|d| d.to_string()), "timeline");
    let reply = draw(ctx.data().engine.load_full(), range, None, lang).await;
    ctx.send(reply.to_command_reply(false)).await?;
    Ok(())
}

/// The timeline over `range`, with `highlight`'s events highlighted, as an embed in `lang`
/// with the picture; without the picture (logged) if it cannot be drawn.
pub async fn draw(
    engine: Arc<Engine>,
    range: Range,
    highlight: Option<String>,
    lang: Lang,
) -> Reply {
    let voice = Voice::of(lang);
    let drawn = tokio::task::spawn_blocking(move || {
        let kb = engine.knowledge();
        let timeline = Timeline::in_language(kb, lang).between(range);
        let heading = heading(
            kb,
            &range,
            highlight.as_deref().and_then(|id| kb.fact(id)),
            voice,
        );
        let options = Options {
            title: None,
            range,
            highlight,
        };
        let picture = match timeline.png(&options) {
            Ok(png) => Some(png),
            Err(error) => {
                tracing::error!(%error, "could not draw the timeline");
                None
            }
        };
        render::timeline(&timeline, &heading, picture, voice)
    })
    .await;
    drawn.unwrap_or_else(|error| {
        tracing::error!(%error, "drawing the timeline failed");
        voice.reply(apology(lang))
    })
}

/// What is wrong with the dates given, in the member's language.
fn refusal(error: &TimelineError, voice: Voice) -> String {
    let (d, dir) = (&voice.m.discord, voice.dir);
    match error {
        TimelineError::BadDate { which, given, .. } => voice.say(
            &d.timeline_bad_date,
            &[("option", which), ("given", &dir.piece(given))],
        ),
        TimelineError::Reversed { from, to } => voice.say(
            &d.timeline_reversed,
            &[("from", &dir.piece(from)), ("to", &dir.piece(to))],
        ),
        TimelineError::Picture(_) => apology(voice.lang).to_string(),
    }
}

/// The title: the highlighted fact's events, or the range shown.
fn heading(
    kb: &crate::knowledge::KnowledgeBase,
    range: &Range,
    highlight: Option<&crate::knowledge::Fact>,
    voice: Voice,
) -> String {
    let (d, dir) = (&voice.m.discord, voice.dir);
    if let Some(fact) = highlight {
        let labels: Vec<&str> = fact
            .events
            .iter()
            .map(|e| kb.event_label(voice.lang, fact, e))
            .collect();
        let events = dir.piece(&labels.join("; "));
        return voice.say(&d.timeline_on, &[("events", &events)]);
    }
    let date = |date| dir.piece(&render::timeline_date(date, voice));
    match (range.from, range.to) {
        (None, None) => dir.text(&voice.m.timeline),
        (Some(from), None) => voice.say(&d.timeline_from, &[("from", &date(from))]),
        (None, Some(to)) => voice.say(&d.timeline_to, &[("to", &date(to))]),
        (Some(from), Some(to)) => voice.say(
            &d.timeline_between,
            &[("from", &date(from)), ("to", &date(to))],
        ),
    }
}
