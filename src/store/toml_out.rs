//! Writing facts and sources as TOML in the layout of the shipped files (see
//! `knowledge/README.md`), so that a file the store rewrites reads like one written by hand and
//! loads back equal.

use std::fmt::Write as _;

use crate::knowledge::{Fact, Source};

/// A fact as the text of `facts/<id>.toml`.
pub fn fact_to_toml(fact: &Fact) -> String {
    let mut out = String::new();
    line(&mut out, "id", &fact.id);
    line(&mut out, "topic", &fact.topic);
    line(&mut out, "question", &fact.question);
    if fact.alternates.is_empty() {
        out.push_str("alternates = []\n");
    } else {
        out.push_str("alternates = [\n");
        for alternate in &fact.alternates {
            let _ = writeln!(out, "  {},", basic(alternate));
        }
        out.push_str("]\n");
    }
    let _ = writeln!(out, "keywords = {}", inline_array(&fact.keywords));
    let _ = writeln!(out, "answer = \"\"\"\n{}\"\"\"", multi_line(&fact.answer));
    if let Some(as_of) = &fact.as_of {
        line(&mut out, "as_of", as_of);
    }
    if !fact.related.is_empty() {
        let _ = writeln!(out, "related = {}", inline_array(&fact.related));
    }
    for citation in &fact.sources {
        out.push_str("\n[[sources]]\n");
        line(&mut out, "source", &citation.source);
        if let Some(quote) = &citation.quote {
            line(&mut out, "quote", quote);
        }
        if let Some(note) = &citation.note {
            line(&mut out, "note", note);
        }
    }
    for event in &fact.events {
        out.push_str("\n[[events]]\n");
        line(&mut out, "date", &event.date);
        if let Some(end) = &event.end {
            line(&mut out, "end", end);
        }
        line(&mut out, "label", &event.label);
        if event.focus {
            out.push_str("focus = true\n");
        }
        if !event.sources.is_empty() {
            let _ = writeln!(out, "sources = {}", inline_array(&event.sources));
        }
        for other in &event.other_dates {
            out.push_str("\n[[events.other_dates]]\n");
            if let Some(date) = &other.date {
                line(&mut out, "date", date);
            }
            if let Some(end) = &other.end {
                line(&mut out, "end", end);
            }
            let _ = writeln!(out, "sources = {}", inline_array(&other.sources));
        }
    }
    out
}

/// A source as the text of `sources/<id>.toml`.
pub fn source_to_toml(source: &Source) -> String {
    let mut out = String::new();
    line(&mut out, "id", &source.id);
    line(&mut out, "outlet", &source.outlet);
    let optional = [("title", &source.title), ("date", &source.date)];
    for (key, value) in optional {
        if let Some(value) = value {
            line(&mut out, key, value);
        }
    }
    line(&mut out, "url", &source.url);
    let optional = [("text", &source.text), ("description", &source.description)];
    for (key, value) in optional {
        if let Some(value) = value {
            line(&mut out, key, value);
        }
    }
    out
}

fn line(out: &mut String, key: &str, value: &str) {
    let _ = writeln!(out, "{key} = {}", basic(value));
}

fn inline_array(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|s| basic(s)).collect();
    format!("[{}]", items.join(", "))
}

/// A TOML basic string, quoted, with everything that needs it escaped.
fn basic(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() && (c as u32) < 0x10000 => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The body of a TOML multi-line basic string (written after `"""` and a newline, which TOML
/// drops): newlines stay, a third quote in a row and a quote just before the closing delimiter
/// are escaped, as are backslashes and control characters.
fn multi_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut quotes = 0;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '"' {
            if quotes == 2 || chars.peek().is_none() {
                out.push_str("\\\"");
                quotes = 0;
            } else {
                out.push('"');
                quotes += 1;
            }
            continue;
        }
        quotes = 0;
        match c {
            '\\' => out.push_str("\\\\"),
            '\r' => out.push_str("\\r"),
            '\n' | '\t' => out.push(c),
            c if c.is_control() && (c as u32) < 0x10000 => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::{Citation, Event, OtherDate};

    fn fact(answer: &str) -> Fact {
        Fact {
            id: "x".into(),
            topic: "T \"quoted\" \\ back".into(),
            question: "Line\nbreak\ttab\u{1}?".into(),
            alternates: vec!["a".into(), "b\"".into(), "c".into()],
            keywords: vec![],
            answer: answer.into(),
            as_of: Some("2024-03-01".into()),
            related: vec!["y".into()],
            sources: vec![Citation {
                source: "s".into(),
                quote: Some("q \"x\"".into()),
                note: None,
            }],
            events: vec![
                Event {
                    date: "2024-02-29".into(),
                    end: Some("2024-03-01".into()),
                    label: "Meeting \"opens\"".into(),
                    focus: true,
                    sources: vec!["s".into()],
                    other_dates: vec![OtherDate {
                        date: None,
                        end: Some("2024-03-02".into()),
                        sources: vec!["t".into()],
                    }],
                },
                Event {
                    date: "2024-04".into(),
                    end: None,
                    label: "Later".into(),
                    focus: false,
                    sources: Vec::new(),
                    other_dates: Vec::new(),
                },
            ],
        }
    }

    #[test]
    fn awkward_text_loads_back_equal() {
        for answer in [
            "plain\n",
            "no newline at the end",
            "\nstarts with a newline\n",
            "ends with a quote \"",
            "three \"\"\" quotes and four \"\"\"\" and a \\ backslash\r\n",
            "\"\"\"",
            "",
            "tab\there and a bell \u{7}",
        ] {
            let fact = fact(answer);
            let text = fact_to_toml(&fact);
            let back: Fact =
                toml::from_str(&text).unwrap_or_else(|e| panic!("{answer:?}: {e}\n{text}"));
            assert_eq!(back, fact, "{text}");
        }
    }

    #[test]
    fn sources_load_back_equal() {
        let source = Source {
            id: "example-com-a".into(),
            outlet: "example.com".into(),
            title: None,
            date: Some("2024".into()),
            url: "https://example.com/a?b=\"c\"".into(),
            text: None,
            description: Some("given as a URL".into()),
            body: None,
        };
        let back: Source = toml::from_str(&source_to_toml(&source)).unwrap();
        assert_eq!(back, source);
    }
}
