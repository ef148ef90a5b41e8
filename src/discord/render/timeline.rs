//! The timeline on Discord: an embed listing the events in date order with their fact ids,
//! each day a Discord timestamp (shown in every member's own language and time zone), and
//! the picture attached as a PNG.

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
pub fn when(date: EventDate) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    match date.precision() {
        Precision::Day => format!("<t:{}:D>", date.day_number() * 86_400 + 12 * 3600),
        Precision::Month => format!(
            "{} {}",
            MONTHS[usize::from(date.month().unwrap_or(1)) - 1],
            date.year()
        ),
        Precision::Year => date.year().to_string(),
    }
}

fn span(date: EventDate, end: Option<EventDate>) -> String {
    match end {
        Some(end) => format!("{} – {}", when(date), when(end)),
        None => when(date),
    }
}

/// One event as a line: its dates, its label in bold, its fact id; other dates after it.
fn line(entry: &Entry<'_>) -> String {
    let mut line = format!(
        "{} · **{}** · `{}`",
        span(entry.date, entry.end),
        entry.event.label.trim(),
        entry.fact.id
    );
    for other in &entry.others {
        let _ = write!(
            line,
            " (also dated {} by {})",
            span(other.date, other.end),
            outlets(&other.sources)
        );
    }
    line
}

/// The timeline as a reply: the heading, the events (as many as fit, saying how many did not),
/// and the picture when there is one.
pub fn timeline(
    timeline: &Timeline<'_>,
    heading: &str,
    picture: Option<Vec<u8>>,
    voice: Voice,
) -> Reply {
    let mut description = String::new();
    let mut shown = 0;
    for entry in timeline.entries() {
        let line = line(entry);
        if description.chars().count() + line.chars().count() + 1 > DESCRIPTION_ROOM {
            break;
        }
        description.push_str(&line);
        description.push('\n');
        shown += 1;
    }
    let left = timeline.len() - shown;
    if left > 0 {
        let _ = write!(
            description,
            "…and {left} more{}.",
            if picture.is_some() {
                ", all in the picture"
            } else {
                ""
            }
        );
    }
    if timeline.is_empty() {
        description = "No dated events in that range.".into();
    }
    let embed = EmbedParts {
        title: Some(heading.to_string()),
        description: Some(description),
        footer: Some(format!(
            "{} event{} · ask me about one for its sources",
            timeline.len(),
            if timeline.len() == 1 { "" } else { "s" }
        )),
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

    #[test]
    fn days_are_timestamps_at_noon_utc() {
        let day = EventDate::parse("2024-02-29").unwrap();
        assert_eq!(when(day), "<t:1709208000:D>");
        assert_eq!(when(EventDate::parse("2024-04").unwrap()), "April 2024");
        assert_eq!(when(EventDate::parse("2024").unwrap()), "2024");
    }
}
