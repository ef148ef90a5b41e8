//! Writing facts and sources as TOML in the layout of the shipped files (see
//! `knowledge/README.md`), so that a file the store rewrites reads like one written by hand and
//! loads back equal. A fact file someone wrote by hand (comments, another order or spacing) is
//! edited in place instead ([`update_fact_toml`], with toml_edit): what a change does not touch
//! keeps its text, comments and layout.

use std::fmt::Write as _;

use toml_edit::{Array, ArrayOfTables, DocumentMut, Item, Table, Value};

use crate::knowledge::{Fact, Source};

/// The text of a fact file that holds `fact`, written over `old` (the file as it is now, if
/// there is one). A file in the house layout (what [`fact_to_toml`] writes) gets the house
/// layout; any other file is edited in place: keys whose values did not change keep their
/// text, every comment and blank line stays, an array keeps the comments of the elements it
/// keeps, and new or changed values are written as the house layout writes them. The result
/// always loads back equal to `fact` (if an in-place edit could not promise that, the house
/// layout is written).
pub fn update_fact_toml(old: Option<&str>, fact: &Fact) -> String {
    let house = fact_to_toml(fact);
    let Some(old) = old else { return house };
    let in_house_layout = toml::from_str::<Fact>(old).is_ok_and(|f| fact_to_toml(&f) == old);
    let (false, Ok(mut doc), Ok(new)) = (
        in_house_layout,
        old.parse::<DocumentMut>(),
        house.parse::<DocumentMut>(),
    ) else {
        return house;
    };
    merge_table(doc.as_table_mut(), new.as_table());
    let text = doc.to_string();
    match toml::from_str::<Fact>(&text) {
        Ok(back) if back == *fact => text,
        _ => house,
    }
}

/// Makes `old` hold what `new` holds, keeping `old`'s text wherever the value is the same.
fn merge_table(old: &mut Table, new: &Table) {
    old.retain(|key, _| new.contains_key(key));
    let mut inserted = false;
    for (key, item) in new.iter() {
        match old.get_mut(key) {
            Some(slot) => merge_item(slot, item),
            None => {
                old.insert(key, item.clone());
                inserted = true;
            }
        }
    }
    if inserted {
        // A new key goes where the house layout puts it, not at the end.
        let order = |key: &str| new.iter().position(|(k, _)| k == key);
        old.sort_values_by(|a, _, b, _| order(a.get()).cmp(&order(b.get())));
    }
}

fn merge_item(old: &mut Item, new: &Item) {
    match (&mut *old, new) {
        (Item::Value(Value::Array(old)), Item::Value(Value::Array(new))) => merge_array(old, new),
        (Item::Value(old), Item::Value(new)) => {
            if !same_value(old, new) {
                let decor = old.decor().clone();
                *old = new.clone();
                *old.decor_mut() = decor;
            }
        }
        (Item::ArrayOfTables(old), Item::ArrayOfTables(new)) => merge_tables(old, new),
        (old, new) => *old = new.clone(),
    }
}

/// `[[sources]]`: entry by entry; new entries go after the last one.
fn merge_tables(old: &mut ArrayOfTables, new: &ArrayOfTables) {
    let mut next = old
        .iter()
        .filter_map(Table::position)
        .max()
        .map_or(0, |p| p + 1);
    for (i, table) in new.iter().enumerate() {
        match old.get_mut(i) {
            Some(slot) => merge_table(slot, table),
            None => {
                let mut table = table.clone();
                table.set_position(next);
                next += 1;
                old.push(table);
            }
        }
    }
    while old.len() > new.len() {
        old.remove(old.len() - 1);
    }
}

/// An array: the elements that stay keep their text and comments, in the new order.
fn merge_array(old: &mut Array, new: &Array) {
    if same_array(old, new) {
        return;
    }
    if old.is_empty() {
        let decor = old.decor().clone();
        *old = new.clone();
        *old.decor_mut() = decor;
        return;
    }
    let multi_line = old.iter().any(|v| {
        v.decor()
            .prefix()
            .and_then(|p| p.as_str())
            .is_some_and(|p| p.contains('\n'))
    });
    let mut kept: Vec<Option<Value>> = old.iter().cloned().map(Some).collect();
    let values: Vec<Value> = new
        .iter()
        .map(|value| {
            kept.iter_mut()
                .find(|k| k.as_ref().is_some_and(|k| same_value(k, value)))
                .and_then(Option::take)
                .unwrap_or_else(|| value.clone())
        })
        .collect();
    old.clear();
    for value in values {
        old.push_formatted(value);
    }
    if multi_line {
        old.set_trailing_comma(true);
    } else {
        old.fmt();
    }
}

fn same_array(a: &Array, b: &Array) -> bool {
    a.len() == b.len() && a.iter().zip(b.iter()).all(|(a, b)| same_value(a, b))
}

/// Whether two values are equal as data (whatever their quoting, spacing or comments).
fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(a), Value::String(b)) => a.value() == b.value(),
        (Value::Array(a), Value::Array(b)) => same_array(a, b),
        (Value::InlineTable(a), Value::InlineTable(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(key, a)| b.get(key).is_some_and(|b| same_value(a, b)))
        }
        (a, b) => {
            let bare = |v: &Value| {
                let mut v = v.clone();
                v.decor_mut().clear();
                v.to_string()
            };
            bare(a) == bare(b)
        }
    }
}

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

    const HAND_WRITTEN: &str = r#"# Reviewed by the editors, March 2024.
id = "x"
topic = "The meeting"   # the topic used in /topics
question = 'Who came?'
alternates = [
  # the ways people ask on the server
  "who attended",
  "which factions came", # most common
  "who was there",
  "who came to moscow",
]
keywords = ["factions",  "delegations"]

# Keep this answer neutral.
answer = """
Fourteen factions came.
"""

[[sources]]
source = "s"   # the main source
quote = "q"
"#;

    fn hand_written() -> Fact {
        toml::from_str(HAND_WRITTEN).unwrap()
    }

    #[test]
    fn a_hand_written_file_keeps_its_comments_and_layout() {
        let mut fact = hand_written();
        fact.answer = "Fourteen factions took part.\n".into();
        fact.alternates.insert(1, "who took part".into());
        fact.alternates.retain(|a| a != "who came to moscow");
        fact.keywords.push("participants".into());
        fact.as_of = Some("2024-03-01".into());
        fact.sources[0].note = Some("a note".into());
        let text = update_fact_toml(Some(HAND_WRITTEN), &fact);
        let back: Fact = toml::from_str(&text).unwrap();
        assert_eq!(back, fact, "{text}");
        for kept in [
            "# Reviewed by the editors, March 2024.\nid = \"x\"\n",
            "topic = \"The meeting\"   # the topic used in /topics\n",
            "question = 'Who came?'\n",
            "  # the ways people ask on the server\n  \"who attended\",\n",
            "\"which factions came\", # most common\n  \"who was there\",\n]",
            "\n# Keep this answer neutral.\nanswer = \"\"\"\nFourteen factions took part.\n\"\"\"",
            "source = \"s\"   # the main source\n",
            "keywords = [\"factions\", \"delegations\", \"participants\"]\n",
        ] {
            assert!(text.contains(kept), "{kept:?} is lost:\n{text}");
        }
        assert!(!text.contains("who came to moscow"), "{text}");
        // A new key goes where the house layout puts it: as_of after the answer.
        let (answer, as_of) = (
            text.find("answer =").unwrap(),
            text.find("as_of =").unwrap(),
        );
        assert!(
            answer < as_of && as_of < text.find("[[sources]]").unwrap(),
            "{text}"
        );
    }

    #[test]
    fn an_unchanged_fact_leaves_the_file_as_it_is() {
        assert_eq!(
            update_fact_toml(Some(HAND_WRITTEN), &hand_written()),
            HAND_WRITTEN
        );
    }

    #[test]
    fn a_file_in_the_house_layout_stays_in_it_and_sources_come_and_go() {
        let mut fact = fact("plain\n");
        let old = fact_to_toml(&fact);
        fact.sources.push(Citation {
            source: "t".into(),
            quote: None,
            note: Some("n".into()),
        });
        assert_eq!(update_fact_toml(Some(&old), &fact), fact_to_toml(&fact));
        assert_eq!(update_fact_toml(None, &fact), fact_to_toml(&fact));
        // In a hand-written file, a source is added after the last and removed from the end.
        let mut hand = hand_written();
        hand.sources.push(fact.sources[1].clone());
        let two = update_fact_toml(Some(HAND_WRITTEN), &hand);
        assert_eq!(toml::from_str::<Fact>(&two).unwrap(), hand, "{two}");
        assert!(two.contains("# the main source"), "{two}");
        hand.sources.remove(1);
        let one = update_fact_toml(Some(&two), &hand);
        assert_eq!(one, HAND_WRITTEN);
    }

    #[test]
    fn a_file_that_is_not_toml_is_replaced_by_the_house_layout() {
        let fact = hand_written();
        assert_eq!(update_fact_toml(Some("id = ["), &fact), fact_to_toml(&fact));
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
