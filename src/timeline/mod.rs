//! The timeline: every fact's dated events collected in date order, each with the sources that
//! give its dates and the other dates some sources give, filtered to a range or to the part
//! before or after the meeting, and shown as text, JSON ([`text`]) or a picture ([`picture`]).
//!
//! The picture is an SVG built here ([`layout`] places the marks and labels, [`svg`] writes
//! them) and rendered to PNG with resvg ([`png`]), with the fonts it needs compiled in
//! ([`fonts`]), so it looks the same on a machine without fonts.

pub mod fonts;
pub mod layout;
pub mod png;
pub mod svg;
pub mod text;

use crate::knowledge::{Event, EventDate, Fact, KnowledgeBase, Source};
use crate::text::Lang;
pub use crate::text::TimelineRequest;
pub use svg::Options;

/// Why a timeline could not be made as asked.
#[derive(Debug, thiserror::Error)]
pub enum TimelineError {
    #[error("{which}: {reason}")]
    BadDate {
        which: &'static str,
        given: String,
        reason: String,
    },
    #[error("from {from} is after to {to}; swap them")]
    Reversed { from: String, to: String },
    #[error("cannot draw the picture: {0}")]
    Picture(String),
}

/// One event on the timeline, with everything needed to show and cite it.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub fact: &'a Fact,
    pub event: &'a Event,
    /// The event's label in the timeline's language (see [`KnowledgeBase::event_label`]).
    pub label: &'a str,
    pub date: EventDate,
    pub end: Option<EventDate>,
    /// The sources that give these dates: the event's own list, else all the fact's.
    pub sources: Vec<&'a Source>,
    /// Dates other sources give, with the event's own filled in where an other date leaves
    /// one out.
    pub others: Vec<OtherEntry<'a>>,
}

/// A date some sources give instead of an entry's own.
#[derive(Debug, Clone)]
pub struct OtherEntry<'a> {
    pub date: EventDate,
    pub end: Option<EventDate>,
    pub sources: Vec<&'a Source>,
}

impl Entry<'_> {
    /// The first day the event may have started.
    pub fn first_day(&self) -> EventDate {
        self.date.first_day()
    }

    /// The last day the event may have lasted to, by its own dates.
    pub fn last_day(&self) -> EventDate {
        self.end.unwrap_or(self.date).last_day()
    }
}

/// A range of dates to show; either side may be open. An event is in the range when any of
/// its days is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Range {
    pub from: Option<EventDate>,
    pub to: Option<EventDate>,
}

impl Range {
    /// Reads `--from` and `--to` (ISO 8601: a day, a month or a year).
    pub fn parse(from: Option<&str>, to: Option<&str>) -> Result<Range, TimelineError> {
        let read = |which: &'static str, text: Option<&str>| {
            text.map(str::trim)
                .filter(|t| !t.is_empty())
                .map(|t| {
                    EventDate::parse(t).map_err(|reason| TimelineError::BadDate {
                        which,
                        given: t.to_string(),
                        reason,
                    })
                })
                .transpose()
        };
        let range = Range {
            from: read("from", from)?,
            to: read("to", to)?,
        };
        if let (Some(from), Some(to)) = (range.from, range.to) {
            if from.first_day() > to.last_day() {
                return Err(TimelineError::Reversed {
                    from: from.to_string(),
                    to: to.to_string(),
                });
            }
        }
        Ok(range)
    }

    /// Whether the range is open on both sides.
    pub fn is_all(&self) -> bool {
        self.from.is_none() && self.to.is_none()
    }

    fn holds(&self, entry: &Entry<'_>) -> bool {
        self.from
            .is_none_or(|from| entry.last_day() >= from.first_day())
            && self.to.is_none_or(|to| entry.first_day() <= to.last_day())
    }
}

/// The events of a base in date order (then by their end, then in file order).
#[derive(Debug, Clone, Default)]
pub struct Timeline<'a> {
    entries: Vec<Entry<'a>>,
    /// The focus event, kept when a filter leaves it out, for "before" and "after".
    focus: Option<Entry<'a>>,
}

impl<'a> Timeline<'a> {
    /// Every event of a base, labelled in English. Events whose dates do not read are left out
    /// (`check` refuses them, so a served base has none).
    pub fn of(kb: &'a KnowledgeBase) -> Timeline<'a> {
        Timeline::in_language(kb, Lang::EN)
    }

    /// Every event of a base, labelled in `lang` where its fact's translation labels it.
    pub fn in_language(kb: &'a KnowledgeBase, lang: Lang) -> Timeline<'a> {
        let mut entries = Vec::new();
        for fact in kb.facts() {
            let cited: Vec<&Source> = {
                let mut cited: Vec<&Source> = Vec::new();
                for c in &fact.sources {
                    if let Some(s) = kb.source(&c.source) {
                        if !cited.iter().any(|x| x.id == s.id) {
                            cited.push(s);
                        }
                    }
                }
                cited
            };
            let named = |ids: &[String]| -> Vec<&'a Source> {
                ids.iter().filter_map(|id| kb.source(id)).collect()
            };
            for event in &fact.events {
                let Ok(date) = EventDate::parse(&event.date) else {
                    continue;
                };
                let Ok(end) = event.end.as_deref().map(EventDate::parse).transpose() else {
                    continue;
                };
                let sources = if event.sources.is_empty() {
                    cited.clone()
                } else {
                    named(&event.sources)
                };
                let others = event
                    .other_dates
                    .iter()
                    .filter_map(|o| {
                        let other_date =
                            o.date.as_deref().map(EventDate::parse).transpose().ok()?;
                        let other_end = o.end.as_deref().map(EventDate::parse).transpose().ok()?;
                        Some(OtherEntry {
                            date: other_date.unwrap_or(date),
                            end: other_end.or(end),
                            sources: named(&o.sources),
                        })
                    })
                    .collect();
                entries.push(Entry {
                    fact,
                    event,
                    label: kb.event_label(lang, fact, event),
                    date,
                    end,
                    sources,
                    others,
                });
            }
        }
        // A stable sort keeps file order among events of one date.
        entries.sort_by_key(|e| (e.first_day(), e.date.precision(), e.last_day()));
        let focus = entries.iter().find(|e| e.event.focus).cloned();
        Timeline { entries, focus }
    }

    pub fn entries(&self) -> &[Entry<'a>] {
        &self.entries
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The event the timeline is about (the meeting), if the base marks one.
    pub fn focus(&self) -> Option<&Entry<'a>> {
        self.focus.as_ref()
    }

    /// The events in a range.
    pub fn between(mut self, range: Range) -> Timeline<'a> {
        self.entries.retain(|e| range.holds(e));
        self
    }

    /// The events asked for: all, those that ended before the focus began, or those that began
    /// after it ended. Without a focus, all.
    pub fn part(mut self, request: TimelineRequest) -> Timeline<'a> {
        let Some(focus) = self.focus.clone() else {
            return self;
        };
        match request {
            TimelineRequest::All => {}
            TimelineRequest::Before => self.entries.retain(|e| e.last_day() < focus.first_day()),
            TimelineRequest::After => self.entries.retain(|e| e.first_day() > focus.last_day()),
        }
        self
    }

    /// The picture as SVG.
    pub fn svg(&self, options: &svg::Options) -> String {
        svg::svg(&self.entries, options)
    }

    /// The picture as PNG.
    pub fn png(&self, options: &svg::Options) -> Result<Vec<u8>, TimelineError> {
        png::render(&self.svg(options))
    }

    /// The events as text, one a line (see [`text::to_text`]).
    pub fn to_text(&self, lang: Lang) -> String {
        text::to_text(&self.entries, lang)
    }

    /// The events as JSON (see [`text::to_json`]).
    pub fn to_json(&self) -> serde_json::Value {
        text::to_json(&self.entries)
    }

    /// The events of one fact (what the "On the timeline" button highlights).
    pub fn of_fact<'t>(&'t self, fact_id: &'t str) -> impl Iterator<Item = &'t Entry<'a>> + 't {
        self.entries.iter().filter(move |e| e.fact.id == fact_id)
    }
}

/// Whether a base has any event, and whether one is its focus, cheaply (the engine asks on
/// every question).
pub fn availability(kb: &KnowledgeBase) -> (bool, bool) {
    let mut any = false;
    for fact in kb.facts() {
        for event in &fact.events {
            any = true;
            if event.focus {
                return (true, true);
            }
        }
    }
    (any, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_read_and_checked() {
        let r = Range::parse(Some("2024-03"), Some("2024")).unwrap();
        assert_eq!(r.from.unwrap().to_string(), "2024-03");
        assert_eq!(r.to.unwrap().to_string(), "2024");
        assert!(Range::parse(None, None).unwrap().is_all());
        assert!(Range::parse(Some(" "), None).unwrap().is_all());
        let err = Range::parse(Some("March"), None).unwrap_err().to_string();
        assert!(err.starts_with("from: `March` is not a date"), "{err}");
        let err = Range::parse(Some("2024-04"), Some("2024-03-31"))
            .unwrap_err()
            .to_string();
        assert_eq!(err, "from 2024-04 is after to 2024-03-31; swap them");
        assert!(Range::parse(Some("2024-03"), Some("2024-03")).is_ok());
    }
}
