//! An answer's sources on Discord: one embed field per source (each source once, with every
//! quote and note the answer takes from it), the title as a masked link, and one row of link
//! buttons; the raw URL is never shown beside them.

use std::fmt::Write as _;

use poise::serenity_prelude::{CreateActionRow, CreateButton};

use super::bidi::Direction;
use super::limits;
use super::Voice;
use crate::answer::SourceGroup;
use crate::knowledge::{content, Source};
use crate::messages::fill;
use crate::text::cut;

/// At most this many sources are shown as fields of one answer.
pub const MAX_SOURCE_FIELDS: usize = 10;
/// Quotes longer than this are cut in source fields.
const MAX_QUOTE_CHARS: usize = 600;
/// Titles longer than this are cut in links.
const MAX_TITLE_CHARS: usize = 200;
/// What a field value leaves for the layout's direction controls (see `bidi`).
const VALUE_ROOM: usize = limits::FIELD_VALUE - 64;

/// One field per source: `[1] outlet` as the name; the title (a link), the date, the quotes and
/// the notes as the value. A note on a source without stored text is labelled as our summary.
pub fn source_fields(groups: &[SourceGroup<'_>], voice: Voice) -> Vec<(String, String)> {
    let dir = voice.dir;
    let mut fields: Vec<(String, String)> = groups
        .iter()
        .take(MAX_SOURCE_FIELDS)
        .enumerate()
        .map(|(i, group)| {
            let name = format!("[{}] {}", i + 1, dir.piece(group.source.outlet.trim()));
            (name, field_value(group, voice))
        })
        .collect();
    if groups.len() > MAX_SOURCE_FIELDS {
        let n = (groups.len() - MAX_SOURCE_FIELDS).to_string();
        let value = fill(&voice.m.discord.more_sources_value, &[("n", &n)]);
        fields.push((voice.m.discord.more_sources.clone(), dir.text(&value)));
    }
    fields
}

fn field_value(group: &SourceGroup<'_>, voice: Voice) -> String {
    let dir = voice.dir;
    let source = group.source;
    let mut value = title_link(source, dir);
    if let Some(date) = &source.date {
        let _ = write!(value, ", {}", dir.piece(date.trim()));
    }
    let mut lines: Vec<String> = Vec::new();
    for quote in &group.quotes {
        let quote = quote.split_whitespace().collect::<Vec<_>>().join(" ");
        lines.push(format!(
            "> {}",
            voice.m.quoted(&dir.piece(&cut(&quote, MAX_QUOTE_CHARS)))
        ));
    }
    for note in &group.notes {
        let note = dir.piece(note.trim());
        lines.push(if group.has_text() {
            format!("({note})")
        } else {
            format!("{}: {note}", dir.text(&voice.m.our_summary))
        });
    }
    // Every quote and note while they fit; the last that does not is cut to the room left.
    for line in lines {
        let room = VALUE_ROOM.saturating_sub(value.chars().count() + 1);
        if room < 40 {
            value.push_str("\n…");
            break;
        }
        value.push('\n');
        value.push_str(&cut(&line, room));
    }
    value
}

/// The source's title (or outlet) as a Markdown masked link to its URL; plain text when the
/// URL is not one Discord links.
fn title_link(source: &Source, dir: Direction) -> String {
    let text = source.title.as_deref().unwrap_or(&source.outlet).trim();
    let text: String = cut(text, MAX_TITLE_CHARS)
        .chars()
        .filter(|c| !matches!(c, '[' | ']'))
        .flat_map(|c| {
            let escape = matches!(c, '*' | '_' | '~' | '`' | '|' | '\\');
            escape.then_some('\\').into_iter().chain([c])
        })
        .collect();
    let text = dir.piece(&text);
    if !content::is_http_url(&source.url) {
        return text;
    }
    let url = source
        .url
        .replace('(', "%28")
        .replace(')', "%29")
        .replace(' ', "%20");
    format!("[{text}]({url})")
}

/// Link buttons to the sources (at most one row of five).
pub fn link_row(groups: &[SourceGroup<'_>]) -> Option<CreateActionRow> {
    let buttons: Vec<CreateButton> = groups
        .iter()
        .map(|g| g.source)
        .filter(|s| content::is_http_url(&s.url) && s.url.len() <= 512)
        .take(limits::BUTTONS_PER_ROW)
        .map(|s| {
            let label = cut(s.outlet.trim(), limits::BUTTON_LABEL).into_owned();
            CreateButton::new_link(&s.url).label(label)
        })
        .collect();
    (!buttons.is_empty()).then_some(CreateActionRow::Buttons(buttons))
}
