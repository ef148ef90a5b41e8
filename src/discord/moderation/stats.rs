//! `/fact stats [fact]` and `/fact search text`, as embeds.

use poise::serenity_prelude as serenity;
use serenity::{CreateEmbed, CreateEmbedFooter};

use super::super::feedback::{FactStats, Stats};
use super::super::render::limits;
use super::pages::{paginate, PAGE_CHARS};
use crate::engine::Engine;
use crate::text::cut;

/// The days `/fact stats` looks back over.
pub const DAYS: u32 = 28;
/// How many facts the overview lists.
const TOP_FACTS: usize = 15;

/// The overview (every fact), or one fact's figures.
pub fn embed(engine: &Engine, stats: &Stats, fact: Option<&str>) -> CreateEmbed {
    let kb = engine.knowledge();
    let mut fields: Vec<(String, String)> = Vec::new();
    let title = match fact {
        Some(id) => {
            let counts = stats.facts.get(id).copied().unwrap_or_default();
            let question = kb
                .fact(id)
                .map_or("(not in the served base)", |f| &f.question);
            fields.push(("Fact".into(), format!("`{id}` {}", cut(question, 200))));
            fields.push(("Over the last 4 weeks".into(), counts_text(&counts)));
            format!("Stats for `{id}`")
        }
        None => {
            let mut ranked: Vec<(&String, &FactStats)> = stats.facts.iter().collect();
            ranked.sort_by(|a, b| b.1.answered.cmp(&a.1.answered).then(a.0.cmp(b.0)));
            let lines: Vec<String> = ranked
                .iter()
                .take(TOP_FACTS)
                .map(|(id, counts)| format!("`{id}` {}", counts_text(counts)))
                .collect();
            let text = if lines.is_empty() {
                "No answers yet in this period.".to_string()
            } else {
                lines.join("\n")
            };
            fields.push((
                format!("Most answered facts (of {})", stats.facts.len()),
                text,
            ));
            "Questions over the last 4 weeks".to_string()
        }
    };
    let totals = stats.days.iter().fold([0; 4], |mut t, d| {
        t[0] += d.answered;
        t[1] += d.declined;
        t[2] += d.unsure;
        t[3] += d.none_of_these;
        t
    });
    let per_day: Vec<String> = stats
        .days
        .iter()
        .rev()
        .filter(|d| d.answered + d.declined + d.unsure + d.none_of_these > 0)
        .map(|d| {
            format!(
                "`{}` {} answered · {} declined · {} unsure · {} “none of these”",
                d.date, d.answered, d.declined, d.unsure, d.none_of_these
            )
        })
        .collect();
    let description = format!(
        "**{}** answered · **{}** declined · **{}** unsure · **{}** “none of these”\n\n{}",
        totals[0],
        totals[1],
        totals[2],
        totals[3],
        if per_day.is_empty() {
            "Nothing was asked in this period.".to_string()
        } else {
            // The newest days, as many as fit.
            paginate(&per_day, PAGE_CHARS / 2).swap_remove(0)
        }
    );
    let mut embed = CreateEmbed::new()
        .title(cut(&title, limits::TITLE))
        .description(description)
        .footer(CreateEmbedFooter::new(
            "Per day, newest first, UTC; from the feedback log (its retention applies)",
        ));
    for (name, value) in fields {
        embed = embed.field(
            cut(&name, limits::FIELD_NAME),
            cut(&value, limits::FIELD_VALUE),
            false,
        );
    }
    embed
}

fn counts_text(counts: &FactStats) -> String {
    format!(
        "{} answered · {} helpful · {} not helpful",
        counts.answered, counts.helpful, counts.not_helpful
    )
}

/// `/fact search`: the facts with `text` in any field, as lines (`id`, where it was found, the
/// question).
pub fn search_lines(engine: &Engine, text: &str) -> Vec<String> {
    engine
        .knowledge()
        .search(text)
        .into_iter()
        .map(|(fact, field)| format!("`{}` ({field}) {}", fact.id, cut(&fact.question, 120)))
        .collect()
}
