//! Field-by-field differences between two versions of a fact: what a stale edit missed, what
//! a change did (for the moderator log).

use std::fmt;

use crate::knowledge::{Citation, Event, Fact};

/// How long a value may be in a diff line before it is cut.
const SHOWN_CHARS: usize = 80;

/// One field that differs. A list field (alternates, keywords, related, sources) gives one
/// change per item added or removed, with the other side `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl fmt::Display for FieldChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.before, &self.after) {
            (Some(before), Some(after)) => {
                write!(f, "{}: {} → {}", self.field, shown(before), shown(after))
            }
            (None, Some(after)) => write!(f, "{}: added {}", self.field, shown(after)),
            (Some(before), None) => write!(f, "{}: removed {}", self.field, shown(before)),
            (None, None) => write!(f, "{}: changed", self.field),
        }
    }
}

/// A value quoted and cut to a readable length.
fn shown(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > SHOWN_CHARS {
        let cut: String = flat.chars().take(SHOWN_CHARS - 1).collect();
        format!("\"{cut}…\"")
    } else {
        format!("\"{flat}\"")
    }
}

/// The parts of two long texts that differ, with a little context before and `…` where text
/// was left out, so a change deep inside an answer still shows.
fn excerpts(before: &str, after: &str) -> (String, String) {
    const CONTEXT: usize = 20;
    let a: Vec<char> = before.chars().collect();
    let b: Vec<char> = after.chars().collect();
    if a.len() <= SHOWN_CHARS && b.len() <= SHOWN_CHARS {
        return (before.to_string(), after.to_string());
    }
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let room = a.len().min(b.len()) - prefix;
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(room)
        .take_while(|(x, y)| x == y)
        .count();
    let start = prefix.saturating_sub(CONTEXT);
    let cut = |chars: &[char]| {
        let mut text = String::new();
        if start > 0 {
            text.push('…');
        }
        text.extend(&chars[start..chars.len() - suffix]);
        if suffix > 0 {
            text.push('…');
        }
        text
    };
    (cut(&a), cut(&b))
}

/// What differs from `before` to `after`, field by field in file order.
pub fn diff_facts(before: &Fact, after: &Fact) -> Vec<FieldChange> {
    let mut changes = Vec::new();
    let mut scalar = |field: &str, a: Option<&str>, b: Option<&str>| {
        if a != b {
            changes.push(FieldChange {
                field: field.into(),
                before: a.map(Into::into),
                after: b.map(Into::into),
            });
        }
    };
    scalar("id", Some(&before.id), Some(&after.id));
    scalar("topic", Some(&before.topic), Some(&after.topic));
    scalar("question", Some(&before.question), Some(&after.question));
    list(
        &mut changes,
        "alternates",
        &before.alternates,
        &after.alternates,
    );
    list(&mut changes, "keywords", &before.keywords, &after.keywords);
    if before.answer != after.answer {
        let (a, b) = excerpts(&before.answer, &after.answer);
        changes.push(FieldChange {
            field: "answer".into(),
            before: Some(a),
            after: Some(b),
        });
    }
    if before.as_of != after.as_of {
        changes.push(FieldChange {
            field: "as_of".into(),
            before: before.as_of.clone(),
            after: after.as_of.clone(),
        });
    }
    list(&mut changes, "related", &before.related, &after.related);
    let cite = |c: &Citation| {
        let mut text = c.source.clone();
        if let Some(quote) = &c.quote {
            text.push_str(&format!(" quote \"{quote}\""));
        }
        if let Some(note) = &c.note {
            text.push_str(&format!(" note \"{note}\""));
        }
        text
    };
    let before_sources: Vec<String> = before.sources.iter().map(cite).collect();
    let after_sources: Vec<String> = after.sources.iter().map(cite).collect();
    list(&mut changes, "sources", &before_sources, &after_sources);
    let before_events: Vec<String> = before.events.iter().map(event_line).collect();
    let after_events: Vec<String> = after.events.iter().map(event_line).collect();
    list(&mut changes, "events", &before_events, &after_events);
    changes
}

/// An event as one line of a diff: its dates, label, and the rest where set.
fn event_line(event: &Event) -> String {
    let mut text = event.date.clone();
    if let Some(end) = &event.end {
        text.push_str(&format!(" to {end}"));
    }
    text.push_str(&format!(" \"{}\"", event.label));
    if event.focus {
        text.push_str(" focus");
    }
    if !event.sources.is_empty() {
        text.push_str(&format!(" per {}", event.sources.join(", ")));
    }
    for other in &event.other_dates {
        let date = other.date.as_deref().unwrap_or(&event.date);
        let end = other.end.as_deref().or(event.end.as_deref());
        text.push_str(&format!(" (or {date}"));
        if let Some(end) = end {
            text.push_str(&format!(" to {end}"));
        }
        text.push_str(&format!(" per {})", other.sources.join(", ")));
    }
    text
}

/// Items removed from and added to a list (a reordering alone shows as one change).
fn list(changes: &mut Vec<FieldChange>, field: &str, before: &[String], after: &[String]) {
    let start = changes.len();
    for item in before.iter().filter(|item| !after.contains(item)) {
        changes.push(FieldChange {
            field: field.into(),
            before: Some(item.clone()),
            after: None,
        });
    }
    for item in after.iter().filter(|item| !before.contains(item)) {
        changes.push(FieldChange {
            field: field.into(),
            before: None,
            after: Some(item.clone()),
        });
    }
    if changes.len() == start && before != after {
        changes.push(FieldChange {
            field: field.into(),
            before: Some(before.join(", ")),
            after: Some(after.join(", ")),
        });
    }
}

/// Changes as indented lines, at most `limit` of them.
pub fn changes_text(changes: &[FieldChange], limit: usize) -> String {
    let mut lines: Vec<String> = changes
        .iter()
        .take(limit)
        .map(|c| format!("  - {c}"))
        .collect();
    if changes.len() > limit {
        lines.push(format!("  - and {} more", changes.len() - limit));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact() -> Fact {
        Fact {
            id: "x".into(),
            topic: "T".into(),
            question: "Q?".into(),
            alternates: vec!["a".into(), "b".into(), "c".into()],
            keywords: vec!["k".into()],
            answer: "A".into(),
            as_of: None,
            related: vec![],
            sources: vec![Citation {
                source: "s".into(),
                quote: None,
                note: None,
            }],
            events: Vec::new(),
        }
    }

    #[test]
    fn diffs_name_each_field() {
        let before = fact();
        let mut after = fact();
        after.answer = "B".repeat(200);
        after.keywords.push("new".into());
        after.alternates.retain(|a| a != "b");
        after.sources[0].note = Some("n".into());
        let changes = diff_facts(&before, &after);
        let text: Vec<String> = changes.iter().map(ToString::to_string).collect();
        assert_eq!(text[0], "alternates: removed \"b\"");
        assert_eq!(text[1], "keywords: added \"new\"");
        assert!(
            text[2].starts_with("answer: \"A\" → \"BBB") && text[2].ends_with("…\""),
            "{}",
            text[2]
        );
        assert_eq!(text[3], "sources: removed \"s\"");
        assert_eq!(text[4], "sources: added \"s note \"n\"\"");
        assert!(diff_facts(&before, &before).is_empty());
    }

    #[test]
    fn events_are_diffed() {
        let before = fact();
        let mut after = fact();
        after.events.push(Event {
            date: "2024-02-29".into(),
            end: Some("2024-03-01".into()),
            label: "Meeting".into(),
            focus: true,
            sources: vec!["s".into()],
            other_dates: vec![crate::knowledge::OtherDate {
                date: None,
                end: Some("2024-03-02".into()),
                sources: vec!["t".into()],
            }],
        });
        let changes = diff_facts(&before, &after);
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert_eq!(changes[0].field, "events");
        assert_eq!(changes[0].before, None);
        assert_eq!(
            changes[0].after.as_deref(),
            Some("2024-02-29 to 2024-03-01 \"Meeting\" focus per s (or 2024-02-29 to 2024-03-02 per t)")
        );
        let mut moved = after.clone();
        moved.events[0].date = "2024-02-28".into();
        let changes = diff_facts(&after, &moved);
        assert_eq!(changes.len(), 2, "{changes:?}");
        assert!(changes.iter().all(|c| c.field == "events"));
    }

    #[test]
    fn long_texts_show_where_they_differ() {
        let long = "word ".repeat(40);
        let (a, b) = excerpts(&format!("{long}old tail"), &format!("{long}new tail"));
        assert_eq!(a, "…word word word word old…");
        assert_eq!(b, "…word word word word new…");
        let (a, b) = excerpts(&long, &format!("{long}more"));
        assert_eq!(
            (a.as_str(), b.as_str()),
            ("…word word word word ", "…word word word word more")
        );
    }

    #[test]
    fn reordering_is_a_change() {
        let before = fact();
        let mut after = fact();
        after.alternates.reverse();
        assert_eq!(diff_facts(&before, &after).len(), 1);
    }
}
