//! `/timeline [from] [to]` and the picture the "On the timeline" button shows: the events as
//! an embed with the PNG attached. The picture is drawn off the async runtime.

use std::sync::Arc;

use super::commands::{member_lang, take_cooldown};
use super::data::{user_error, Context, Error};
use super::events::apology;
use super::render::{self, Reply, Voice};
use crate::engine::Engine;
use crate::messages::messages;
use crate::text::Lang;
use crate::timeline::{text::human_date, Options, Range, Timeline};

/// The timeline of the talks, as a list and a picture
#[poise::command(slash_command)]
pub async fn timeline(
    ctx: Context<'_>,
    #[description = "From this date: YYYY-MM-DD, YYYY-MM or YYYY"] from: Option<String>,
    #[description = "To this date: YYYY-MM-DD, YYYY-MM or YYYY"] to: Option<String>,
) -> Result<(), Error> {
    let lang = member_lang(ctx).unwrap_or(Lang::EN);
    take_cooldown(ctx, lang)?;
    let range = Range::parse(from.as_deref(), to.as_deref()).map_err(|e| {
        user_error(format!(
            "{e}. For example `/timeline from:2024-02 to:2024-03`."
        ))
    })?;
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
        let timeline = Timeline::of(kb).between(range);
        let heading = heading(&range, highlight.as_deref().and_then(|id| kb.fact(id)));
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

fn heading(range: &Range, highlight: Option<&crate::knowledge::Fact>) -> String {
    if let Some(fact) = highlight {
        let labels: Vec<&str> = fact.events.iter().map(|e| e.label.trim()).collect();
        return format!("On the timeline: {}", labels.join("; "));
    }
    match (range.from, range.to) {
        (None, None) => messages(Lang::EN).timeline.clone(),
        (Some(from), None) => format!("The timeline from {}", human_date(from, true)),
        (None, Some(to)) => format!("The timeline up to {}", human_date(to, true)),
        (Some(from), Some(to)) => format!(
            "The timeline from {} to {}",
            human_date(from, true),
            human_date(to, true)
        ),
    }
}
