//! The timeline on Discord, in the reply's language: an embed listing the events in date
//! order with their fact ids, each day a Discord timestamp (shown in every member's own
//! language and time zone), months in the reply's words, and the picture attached as a PNG.
//! The labels are the facts' own (English), placed as pieces in right-to-left text.

use std::fmt::Write as _;

use super::embed::EmbedParts;
use super::{Reply, Voice};
use crate::knowledge::{EventDate, Precision};
use crate::timeline::{text::outlets, Entry, Timeline};

/// The attachment's file name.
pub const PICTURE: &str = "timeline.png";
/// The largest attachment the bot sends: well under Discord's 10 MiB.
pub const MAX_PICTURE_BYTES: usize = 8 * 1024 * 1024;

const ORANGE: u32 = 0xbc_4c_00;
/// Room kept in the description for the line saying how many events were left out.
const DESCRIPTION_ROOM: usize = super::limits::DESCRIPTION - 100;

/// A date as Discord shows it: a timestamp for a day (noon UTC, so that the day is the same
/// in every time zone from UTC-11 to UTC+11), the month or year in words otherwise.
pub fn when(date: EventDate, voice: Voice) -> String {
    match date.precision() {
        Precision::Day => format!("<t:{}:D>", date.day_number() * 86_400 + 12 * 3600),
        _ => in_words(date, voice),
    }
}

/// A date in words where a timestamp does not show (a title): the day in ISO 8601, a month
/// as its name and year, a year as it is.
pub fn in_words(date: EventDate, voice: Voice) -> String {
    match (date.precision(), date.month()) {
        (Precision::Month, Some(month)) => {
            format!("{} {}", voice.m.discord.month(month), date.year())
        }
        (Precision::Year, _) => date.year().to_string(),
        _ => date.to_string(),
    }
}

fn span(date: EventDate, end: Option<EventDate>, voice: Voice) -> String {
    match end {
        Some(end) => format!("{} – {}", when(date, voice), when(end, voice)),
        None => when(date, voice),
    }
}

/// One event as a line: its dates, its label in bold, its fact id; other dates after it. The
/// template is laid out in the reply's direction and the data placed in it as pieces.
fn line(entry: &Entry<'_>, voice: Voice) -> String {
    let dir = voice.dir;
    let mut line = format!(
        "{} · **{}** · {}",
        dir.piece(&span(entry.date, entry.end, voice)),
        dir.piece(entry.label),
        dir.piece(&format!("`{}`", entry.fact.id))
    );
    for other in &entry.others {
        let also = voice.say(
            &voice.m.discord.timeline_also,
            &[
                ("dates", &dir.piece(&span(other.date, other.end, voice))),
                ("outlets", &dir.piece(&outlets(&other.sources))),
            ],
        );
        let _ = write!(line, " ({also})");
    }
    line
}

/// The timeline as a reply: the heading (laid out by the caller), the events (as many as fit, saying how many did not),
/// and the picture when there is one.
pub fn timeline(
    timeline: &Timeline<'_>,
    heading: &str,
    picture: Option<Vec<u8>>,
    voice: Voice,
) -> Reply {
    let d = &voice.m.discord;
    let mut description = String::new();
    let mut shown = 0;
    for entry in timeline.entries() {
        let line = line(entry, voice);
        if description.chars().count() + line.chars().count() + 1 > DESCRIPTION_ROOM {
            break;
        }
        description.push_str(&line);
        description.push('\n');
        shown += 1;
    }
    let left = timeline.len() - shown;
    if left > 0 {
        let more = if picture.is_some() {
            &d.timeline_more
        } else {
            &d.timeline_more_no_picture
        };
        description.push_str(&voice.say(more, &[("n", &left.to_string())]));
    }
    if timeline.is_empty() {
        description = voice.dir.text(&voice.m.timeline_none);
    }
    let footer = voice.say(&d.timeline_footer, &[("n", &timeline.len().to_string())]);
    let embed = EmbedParts {
        title: Some(heading.to_string()),
        description: Some(description),
        footer: Some(footer),
        ..EmbedParts::new(voice.lang, ORANGE)
    }
    .build();
    let mut reply = Reply::embed(embed);
    if let Some(png) = picture.filter(|p| p.len() <= MAX_PICTURE_BYTES) {
        reply.files.push((PICTURE.to_string(), png));
    }
    reply
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Lang;

    #[test]
    fn days_are_timestamps_at_noon_utc_and_months_words_of_the_language() {
        let en = Voice::of(Lang::EN);
        let ru = Voice::of(Lang::from_code("ru").unwrap());
        let day = EventDate::parse("2024-02-29").unwrap();
        assert_eq!(when(day, en), "<t:1709208000:D>");
        assert_eq!(when(day, ru), "<t:1709208000:D>");
        assert_eq!(in_words(day, ru), "2024-02-29");
        let april = EventDate::parse("2024-04").unwrap();
        assert_eq!(when(april, en), "April 2024");
        assert_eq!(when(april, ru), "апрель 2024");
        assert_eq!(when(EventDate::parse("2024").unwrap(), en), "2024");
    }
}
