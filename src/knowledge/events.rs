//! Events: the dated things a fact records for the timeline, their dates, and the checks
//! `check` runs on them.
//!
//! ```toml
//! [[events]]
//! date = "2024-02-29"                      # ISO 8601: a day, a month (2024-04) or a year (2024)
//! end = "2024-03-01"                       # optional: the last day
//! label = "Meeting in Moscow"              # a few neutral words, at most 60 characters
//! focus = true                             # optional: the event the timeline is about
//! sources = ["ahram-2024-03-01-moscow-meeting-ends"]   # optional: which of the fact's sources
//!
//! [[events.other_dates]]                   # where sources disagree: the other date(s)
//! end = "2024-03-02"
//! sources = ["pluralia-moscow-meeting"]
//! ```
//!
//! What is checked: every date is ISO 8601 and exists; an end is later than its start; the
//! label is one line within the content rules (not empty, no mention syntax, no control
//! characters) and at most [`MAX_LABEL_CHARS`] characters; no date is later than the fact's
//! `as_of` (a fact with events needs one); the sources named are among the fact's own; an
//! event with other dates names the sources of its own dates, each other date names its
//! sources and differs from the event's, and no source is on both sides; at most one event
//! in the base is the focus.

use std::fmt;

use super::check::{reporter, Reporter};
use super::content::{text_problems, Field};
use super::{Event, Fact, FileKind, KnowledgeBase, Problem};

/// The longest event label, in characters: it must fit the picture in two short lines.
pub const MAX_LABEL_CHARS: usize = 60;

/// How precise a date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Precision {
    Year,
    Month,
    Day,
}

impl Precision {
    pub fn name(self) -> &'static str {
        match self {
            Precision::Year => "year",
            Precision::Month => "month",
            Precision::Day => "day",
        }
    }
}

/// A date written in ISO 8601 as precisely as it is known: a day, a month or a year. Dates
/// order by their first day, a month before the days in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EventDate {
    year: i32,
    /// 1-12, or 0 when only the year is known.
    month: u8,
    /// 1-31, or 0 when only the month is known.
    day: u8,
}

impl EventDate {
    /// Reads `YYYY-MM-DD`, `YYYY-MM` or `YYYY` (years 1000 to 9999); the error says what is
    /// wrong.
    pub fn parse(text: &str) -> Result<EventDate, String> {
        let wrong = || {
            format!("`{text}` is not a date: write it as YYYY-MM-DD, or YYYY-MM for a month, or YYYY for a year")
        };
        let parts: Vec<&str> = text.split('-').collect();
        let number = |part: &str, len: usize| -> Option<u32> {
            (part.len() == len && part.bytes().all(|b| b.is_ascii_digit()))
                .then(|| part.parse().ok())
                .flatten()
        };
        let year = parts
            .first()
            .and_then(|p| number(p, 4))
            .filter(|y| *y >= 1000)
            .ok_or_else(wrong)? as i32;
        let month = match parts.get(1) {
            None => 0,
            Some(p) => number(p, 2).ok_or_else(wrong)?,
        };
        let day = match parts.get(2) {
            None => 0,
            Some(p) => number(p, 2).ok_or_else(wrong)?,
        };
        if parts.len() > 3 {
            return Err(wrong());
        }
        if parts.len() >= 2 && !(1..=12).contains(&month) {
            return Err(format!("`{text}`: there is no month {month}"));
        }
        if parts.len() == 3 && !(1..=days_in_month(year, month as u8) as u32).contains(&day) {
            return Err(format!("`{text}`: that month has no day {day}"));
        }
        Ok(EventDate {
            year,
            month: month as u8,
            day: day as u8,
        })
    }

    /// A day.
    pub fn day(year: i32, month: u8, day: u8) -> Option<EventDate> {
        ((1..=12).contains(&month) && (1..=days_in_month(year, month)).contains(&day))
            .then_some(EventDate { year, month, day })
    }

    pub fn precision(self) -> Precision {
        match (self.month, self.day) {
            (0, _) => Precision::Year,
            (_, 0) => Precision::Month,
            _ => Precision::Day,
        }
    }

    pub fn year(self) -> i32 {
        self.year
    }

    /// The month (1-12), if known.
    pub fn month(self) -> Option<u8> {
        (self.month != 0).then_some(self.month)
    }

    /// The day of the month, if known.
    pub fn day_of_month(self) -> Option<u8> {
        (self.day != 0).then_some(self.day)
    }

    /// The first day the date may mean (the 1st of a month, 1 January of a year).
    pub fn first_day(self) -> EventDate {
        EventDate {
            year: self.year,
            month: self.month.max(1),
            day: self.day.max(1),
        }
    }

    /// The last day the date may mean (the end of its month or year).
    pub fn last_day(self) -> EventDate {
        let month = if self.month == 0 { 12 } else { self.month };
        let day = if self.day == 0 {
            days_in_month(self.year, month)
        } else {
            self.day
        };
        EventDate {
            year: self.year,
            month,
            day,
        }
    }

    /// Days since 1970-01-01 of the first day the date may mean.
    pub fn day_number(self) -> i64 {
        let d = self.first_day();
        days_from_civil(d.year, d.month, d.day)
    }

    /// The day `days` after 1970-01-01.
    pub fn from_day_number(days: i64) -> EventDate {
        let (year, month, day) = civil_from_days(days);
        EventDate { year, month, day }
    }
}

impl fmt::Display for EventDate {
    /// The date in ISO 8601, as precise as it is.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if self.month != 0 {
            write!(f, "-{:02}", self.month)?;
        }
        if self.day != 0 {
            write!(f, "-{:02}", self.day)?;
        }
        Ok(())
    }
}

pub(crate) fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(year: i32, month: u8, day: u8) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day number (the inverse of [`days_from_civil`]).
fn civil_from_days(days: i64) -> (i32, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year as i32, month, day)
}

/// Adds the problems of every fact's events.
pub(crate) fn check_events(kb: &KnowledgeBase, problems: &mut Vec<Problem>) {
    let mut focus: Option<String> = None;
    for (i, fact) in kb.facts.iter().enumerate() {
        if fact.events.is_empty() {
            continue;
        }
        let at = reporter(kb, FileKind::Fact(i), || {
            kb.dir.join("facts").join(format!("{}.toml", fact.id))
        });
        let as_of = fact
            .as_of
            .as_deref()
            .and_then(|a| EventDate::parse(a).ok())
            .filter(|a| a.precision() == Precision::Day);
        if fact.as_of.is_none() {
            problems.push(at.problem(
                "events",
                "the fact has events but no as_of; set as_of to the date the events are known to hold",
            ));
        }
        for (j, event) in fact.events.iter().enumerate() {
            let field = format!("events[{j}]");
            check_event(&at, &field, fact, event, as_of, problems);
            if event.focus {
                match &focus {
                    Some(other) => problems.push(at.problem(
                        &format!("{field}.focus"),
                        format!("{other} is the focus already; the timeline has one focus"),
                    )),
                    None => focus = Some(format!("{}'s {field}", fact.id)),
                }
            }
        }
    }
}

fn check_event(
    at: &Reporter<'_>,
    field: &str,
    fact: &Fact,
    event: &Event,
    as_of: Option<EventDate>,
    problems: &mut Vec<Problem>,
) {
    let date_problem = |name: &str, text: &str, problems: &mut Vec<Problem>| {
        let parsed = EventDate::parse(text);
        match parsed {
            Err(message) => {
                problems.push(at.problem(&format!("{field}.{name}"), message));
                None
            }
            Ok(date) => {
                if let Some(as_of) = as_of {
                    if date.first_day() > as_of {
                        problems.push(at.problem(
                            &format!("{field}.{name}"),
                            format!(
                                "{date} is later than the fact's as_of {as_of}; set as_of to at least {}",
                                date.first_day()
                            ),
                        ));
                    }
                }
                Some(date)
            }
        }
    };
    let date = date_problem("date", &event.date, problems);
    let end = event
        .end
        .as_deref()
        .and_then(|end| date_problem("end", end, problems));
    if let (Some(date), Some(end)) = (date, end) {
        if end.first_day() <= date.last_day() {
            problems.push(at.problem(
                &format!("{field}.end"),
                format!("the end {end} is not after the date {date}; remove it or correct it"),
            ));
        }
    }
    for message in label_problems(&event.label) {
        problems.push(at.problem(&format!("{field}.label"), message));
    }
    let cited = |id: &str| fact.sources.iter().any(|c| c.source == id);
    let check_ids = |name: &str, ids: &[String], problems: &mut Vec<Problem>| {
        for (k, id) in ids.iter().enumerate() {
            if !cited(id) {
                problems.push(at.problem(
                    &format!("{field}.{name}[{k}]"),
                    format!("`{id}` is not among the fact's sources; cite it in [[sources]] first"),
                ));
            } else if ids[..k].contains(id) {
                problems.push(at.problem(
                    &format!("{field}.{name}[{k}]"),
                    format!("`{id}` is listed twice"),
                ));
            }
        }
    };
    check_ids("sources", &event.sources, problems);
    if !event.other_dates.is_empty() && event.sources.is_empty() {
        problems.push(at.problem(
            &format!("{field}.sources"),
            "the event has other dates, so name the sources that give its own dates (each side cited)",
        ));
    }
    for (k, other) in event.other_dates.iter().enumerate() {
        let name = format!("other_dates[{k}]");
        let other_date = other
            .date
            .as_deref()
            .and_then(|d| date_problem(&format!("{name}.date"), d, problems));
        let other_end = other
            .end
            .as_deref()
            .and_then(|d| date_problem(&format!("{name}.end"), d, problems));
        if other.date.is_none() && other.end.is_none() {
            problems.push(at.problem(
                &format!("{field}.{name}"),
                "give the other date, the other end, or both",
            ));
        }
        if let (Some(date), Some(end)) = (other_date.or(date), other_end.or(end)) {
            if end.first_day() <= date.last_day() {
                problems.push(at.problem(
                    &format!("{field}.{name}"),
                    format!(
                        "the other dates run from {date} to {end}, which ends before it starts"
                    ),
                ));
            }
        }
        if (other.date.is_some() || other.end.is_some())
            && other_date == date.filter(|_| other.date.is_some())
            && other_end == end.filter(|_| other.end.is_some())
        {
            problems.push(at.problem(
                &format!("{field}.{name}"),
                "these are the event's own dates; an other date must differ",
            ));
        }
        if other.sources.is_empty() {
            problems.push(at.problem(
                &format!("{field}.{name}.sources"),
                "name the sources that give this date",
            ));
        }
        check_ids(&format!("{name}.sources"), &other.sources, problems);
        for (s, id) in other.sources.iter().enumerate() {
            if event.sources.contains(id) {
                problems.push(at.problem(
                    &format!("{field}.{name}.sources[{s}]"),
                    format!("`{id}` gives the event's own dates too; a source is on one side"),
                ));
            }
        }
    }
}

/// What is wrong with a label: the content rules of every text (its length included), and one
/// line.
pub(super) fn label_problems(label: &str) -> Vec<String> {
    let mut found = text_problems(Field::Label, label);
    if label.contains('\n') {
        found.push("the label holds a line break; a label is one line".to_string());
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::{Citation, OtherDate};

    fn date(text: &str) -> EventDate {
        EventDate::parse(text).unwrap()
    }

    #[test]
    fn dates_are_read_at_their_precision() {
        assert_eq!(date("2024-02-29").precision(), Precision::Day);
        assert_eq!(date("2024-04").precision(), Precision::Month);
        assert_eq!(date("2024").precision(), Precision::Year);
        assert_eq!(date("2024-04").to_string(), "2024-04");
        assert_eq!(date("2024-04").first_day().to_string(), "2024-04-01");
        assert_eq!(date("2024-04").last_day().to_string(), "2024-04-30");
        assert_eq!(date("2024-02").last_day().to_string(), "2024-02-29");
        assert_eq!(date("2023-02").last_day().to_string(), "2023-02-28");
        assert_eq!(date("2024").last_day().to_string(), "2024-12-31");
        for wrong in [
            "2023-02-29",
            "2024-13",
            "2024-00-10",
            "24-02-29",
            "2024-2-29",
            "2024-02-29T10:00",
            "29 February 2024",
            "2024-02-29-01",
            "",
            "0999",
        ] {
            assert!(EventDate::parse(wrong).is_err(), "{wrong:?}");
        }
    }

    #[test]
    fn a_month_sorts_before_its_days_and_after_the_month_before() {
        let mut dates = [
            date("2024-04-30"),
            date("2024-04"),
            date("2024-03-31"),
            date("2024"),
            date("2023-12-31"),
        ];
        dates.sort();
        let shown: Vec<String> = dates.iter().map(|d| d.to_string()).collect();
        assert_eq!(
            shown,
            ["2023-12-31", "2024", "2024-03-31", "2024-04", "2024-04-30"]
        );
    }

    #[test]
    fn day_numbers_round_trip() {
        assert_eq!(date("1970-01-01").day_number(), 0);
        assert_eq!(date("2024-02-29").day_number(), 19_782);
        assert_eq!(date("2024-03").day_number(), 19_783);
        for days in [-1000, 0, 19_782, 20_000, 30_000] {
            let d = EventDate::from_day_number(days);
            assert_eq!(d.day_number(), days, "{d}");
        }
        assert_eq!(EventDate::from_day_number(19_782).to_string(), "2024-02-29");
    }

    fn fact(events: Vec<Event>) -> Fact {
        Fact {
            id: "f".into(),
            topic: "t".into(),
            question: "q?".into(),
            alternates: vec!["a".into(), "b".into(), "c".into()],
            keywords: Vec::new(),
            answer: "An answer.".into(),
            as_of: Some("2024-03-31".into()),
            related: Vec::new(),
            sources: ["s", "t"]
                .iter()
                .map(|s| Citation {
                    source: s.to_string(),
                    quote: None,
                    note: None,
                })
                .collect(),
            events,
        }
    }

    fn event(date: &str, label: &str) -> Event {
        Event {
            date: date.into(),
            end: None,
            label: label.into(),
            focus: false,
            sources: Vec::new(),
            other_dates: Vec::new(),
        }
    }

    fn problems(facts: Vec<Fact>) -> Vec<String> {
        let kb = KnowledgeBase::from_parts("k", facts, Vec::new(), Vec::new());
        let mut found = Vec::new();
        check_events(&kb, &mut found);
        found
            .into_iter()
            .map(|p| format!("{}: {}", p.field.unwrap_or_default(), p.message))
            .collect()
    }

    #[test]
    fn a_good_event_passes() {
        let mut e = event("2024-02-29", "Meeting opens in Moscow");
        e.end = Some("2024-03-01".into());
        e.focus = true;
        e.sources = vec!["s".into()];
        e.other_dates = vec![OtherDate {
            date: None,
            end: Some("2024-03-02".into()),
            sources: vec!["t".into()],
        }];
        assert_eq!(
            problems(vec![fact(vec![e, event("2024-03", "Later")])]),
            Vec::<String>::new()
        );
    }

    #[test]
    fn bad_dates_and_labels_are_reported_with_their_field() {
        let mut late = event("2024-04-02", "After as_of");
        late.end = Some("2024-02-01".into());
        let found = problems(vec![fact(vec![
            event("2024-02-30", "No such day"),
            late,
            event("2024-03-01", ""),
            event("2024-03-01", &"x".repeat(61)),
            event("2024-03-01", "Ping @everyone"),
            event("2024-03-01", "Two\nlines"),
        ])]);
        let expect = [
            "events[0].date: `2024-02-30`: that month has no day 30",
            "events[1].date: 2024-04-02 is later than the fact's as_of 2024-03-31",
            "events[1].end: the end 2024-02-01 is not after the date 2024-04-02",
            "events[2].label: the text is empty",
            "events[3].label: 61 characters; the limit is 60",
            "events[4].label: the text contains mention syntax",
            "events[5].label: the label holds a line break",
        ];
        assert_eq!(found.len(), expect.len(), "{found:#?}");
        for (got, want) in found.iter().zip(expect) {
            assert!(got.starts_with(want), "{got:?} should start with {want:?}");
        }
    }

    #[test]
    fn a_month_is_later_than_as_of_only_from_its_first_day() {
        assert!(problems(vec![fact(vec![event("2024-03", "March")])]).is_empty());
        let found = problems(vec![fact(vec![event("2024-04", "April")])]);
        assert!(
            found[0].contains("set as_of to at least 2024-04-01"),
            "{found:?}"
        );
    }

    #[test]
    fn events_need_an_as_of() {
        let mut f = fact(vec![event("2024-03-01", "Joint statement")]);
        f.as_of = None;
        let found = problems(vec![f]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("events: the fact has events but no as_of"));
    }

    #[test]
    fn disagreements_cite_each_side() {
        let mut e = event("2024-02-26", "Abbas accepts the resignation");
        e.other_dates = vec![
            OtherDate {
                date: Some("2024-02-27".into()),
                end: None,
                sources: vec!["t".into(), "nowhere".into()],
            },
            OtherDate {
                date: None,
                end: None,
                sources: Vec::new(),
            },
            OtherDate {
                date: Some("2024-02-26".into()),
                end: None,
                sources: vec!["s".into()],
            },
        ];
        let found = problems(vec![fact(vec![e])]);
        let expect = [
            "events[0].sources: the event has other dates, so name the sources",
            "events[0].other_dates[0].sources[1]: `nowhere` is not among the fact's sources",
            "events[0].other_dates[1]: give the other date, the other end, or both",
            "events[0].other_dates[1].sources: name the sources that give this date",
            "events[0].other_dates[2]: these are the event's own dates",
        ];
        assert_eq!(found.len(), expect.len(), "{found:#?}");
        for (got, want) in found.iter().zip(expect) {
            assert!(got.starts_with(want), "{got:?} should start with {want:?}");
        }
        let mut e = event("2024-02-26", "Abbas accepts the resignation");
        e.sources = vec!["s".into()];
        e.other_dates = vec![OtherDate {
            date: Some("2024-02-27".into()),
            end: None,
            sources: vec!["s".into()],
        }];
        let found = problems(vec![fact(vec![e])]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("a source is on one side"), "{found:?}");
    }

    #[test]
    fn one_focus_in_the_base() {
        let mut a = event("2024-02-29", "Meeting");
        a.focus = true;
        let b = a.clone();
        let mut other = fact(vec![b]);
        other.id = "g".into();
        let found = problems(vec![fact(vec![a]), other]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("events[0].focus: f's events[0] is the focus already"),
            "{found:?}"
        );
    }
}
