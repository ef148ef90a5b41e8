//! The timeline as text (one event a line, in date order, with its fact id) and as JSON, and
//! the ways dates are written for people.

use serde_json::{json, Value};

use super::{Entry, OtherEntry};
use crate::knowledge::{EventDate, Precision, Source};
use crate::messages::messages;
use crate::text::Lang;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The separator of a span of dates.
const DASH: &str = " \u{2013} ";

/// An event's dates in ISO 8601: `2024-02-29`, or `2024-02-29 – 2024-03-01`.
pub fn iso_span(date: EventDate, end: Option<EventDate>) -> String {
    match end {
        Some(end) => format!("{date}{DASH}{end}"),
        None => date.to_string(),
    }
}

/// A date for people, in English: `29 Feb 2024`, `Apr 2024`, `2024`; without the year when
/// `year` is false.
pub fn human_date(date: EventDate, year: bool) -> String {
    let mut out = String::new();
    if let Some(day) = date.day_of_month() {
        out.push_str(&format!("{day} "));
    }
    if let Some(month) = date.month() {
        out.push_str(MONTHS[usize::from(month) - 1]);
        if year {
            out.push(' ');
        }
    }
    if year || date.month().is_none() {
        out.push_str(&date.year().to_string());
    }
    out.trim_end().to_string()
}

/// An event's dates for people: `29 Feb 2024`, `13–14 Feb 2024`, `29 Feb – 1 Mar 2024`,
/// `Dec 2023 – Jan 2024`.
pub fn human_span(date: EventDate, end: Option<EventDate>) -> String {
    let Some(end) = end else {
        return human_date(date, true);
    };
    let days = date.precision() == Precision::Day && end.precision() == Precision::Day;
    if days && date.year() == end.year() && date.month() == end.month() {
        return format!(
            "{}\u{2013}{}",
            date.day_of_month().unwrap_or_default(),
            human_date(end, true)
        );
    }
    let same_year = date.year() == end.year();
    format!(
        "{}{DASH}{}",
        human_date(date, !same_year),
        human_date(end, true)
    )
}

/// An other date, said against the event's own: `or 15 Mar`, `or to 2 Mar`,
/// `or 28 Feb – 2 Mar`.
pub fn human_other(entry: &Entry<'_>, other: &OtherEntry<'_>) -> String {
    let year = other.date.year() != entry.date.year();
    if other.date == entry.date && other.end != entry.end {
        if let Some(end) = other.end {
            return format!("or to {}", human_date(end, end.year() != entry.date.year()));
        }
    }
    match other.end {
        Some(end) if other.end != entry.end || other.date != entry.date => format!(
            "or {}{DASH}{}",
            human_date(other.date, year),
            human_date(end, end.year() != entry.date.year())
        ),
        _ => format!("or {}", human_date(other.date, year)),
    }
}

/// The outlets of some sources, each once, in order: `Pluralia, Al-Monitor`.
pub fn outlets(sources: &[&Source]) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for s in sources {
        if !seen.contains(&s.outlet.as_str()) {
            seen.push(&s.outlet);
        }
    }
    seen.join(", ")
}

/// The events as text, one a line: the dates in ISO 8601, the label, the fact id in brackets;
/// other dates on a line of their own below, with the outlets that give them.
pub fn to_text(entries: &[Entry<'_>], lang: Lang) -> String {
    let m = messages(lang);
    if entries.is_empty() {
        return format!("{}\n", m.timeline_none);
    }
    let dates: Vec<String> = entries.iter().map(|e| iso_span(e.date, e.end)).collect();
    let width = dates.iter().map(|d| d.chars().count()).max().unwrap_or(0);
    let mut out = String::new();
    for (entry, date) in entries.iter().zip(&dates) {
        let pad = width - date.chars().count();
        out.push_str(&format!(
            "{date}{}  {}  [{}]\n",
            " ".repeat(pad),
            entry.label,
            entry.fact.id
        ));
        for other in &entry.others {
            out.push_str(&format!(
                "{}  {} {} ({})\n",
                " ".repeat(width),
                m.other_date,
                iso_span(other.date, other.end),
                outlets(&other.sources)
            ));
        }
    }
    out
}

fn source_json(source: &Source) -> Value {
    json!({
        "source_id": source.id,
        "outlet": source.outlet,
        "title": source.title,
        "date": source.date,
        "url": source.url,
    })
}

/// One event as JSON: `date`, `end`, `precision`, `label`, `fact_id`, `focus`, `sources`
/// (`source_id`, `outlet`, `title`, `date`, `url`) and `other_dates` (`date`, `end`,
/// `sources`).
pub fn entry_json(entry: &Entry<'_>) -> Value {
    json!({
        "date": entry.date.to_string(),
        "end": entry.end.map(|e| e.to_string()),
        "precision": entry.date.precision().name(),
        "label": entry.label,
        "fact_id": entry.fact.id,
        "focus": entry.event.focus,
        "sources": entry.sources.iter().map(|s| source_json(s)).collect::<Vec<_>>(),
        "other_dates": entry.others.iter().map(|o| json!({
            "date": o.date.to_string(),
            "end": o.end.map(|e| e.to_string()),
            "sources": o.sources.iter().map(|s| source_json(s)).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// The events as one JSON object: `{"events": [...]}`.
pub fn to_json(entries: &[Entry<'_>]) -> Value {
    json!({ "events": entries.iter().map(entry_json).collect::<Vec<_>>() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> EventDate {
        EventDate::parse(text).unwrap()
    }

    #[test]
    fn dates_for_people() {
        assert_eq!(human_span(d("2024-02-29"), None), "29 Feb 2024");
        assert_eq!(human_span(d("2024-04"), None), "Apr 2024");
        assert_eq!(human_span(d("2024"), None), "2024");
        assert_eq!(
            human_span(d("2024-02-29"), Some(d("2024-03-01"))),
            "29 Feb \u{2013} 1 Mar 2024"
        );
        assert_eq!(
            human_span(d("2024-02-13"), Some(d("2024-02-14"))),
            "13\u{2013}14 Feb 2024"
        );
        assert_eq!(
            human_span(d("2023-12-30"), Some(d("2024-01-02"))),
            "30 Dec 2023 \u{2013} 2 Jan 2024"
        );
        assert_eq!(
            human_span(d("2023-12"), Some(d("2024-01"))),
            "Dec 2023 \u{2013} Jan 2024"
        );
        assert_eq!(
            iso_span(d("2024-02-29"), Some(d("2024-03-01"))),
            "2024-02-29 \u{2013} 2024-03-01"
        );
    }
}
