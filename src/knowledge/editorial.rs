//! Editorial rules on answers, beyond the structural checks in `check.rs`:
//!
//! - An answer does not open with "Yes" or "No": one answer serves many phrasings of a
//!   question, and a bare yes or no reads wrongly for some of them ("Did Putin meet them?" and
//!   "Was Putin absent?" share an answer). Answers start with their subject instead.
//! - An answer is no newer than its `as_of`: a date written in the answer (`2024-03-14`,
//!   `14 March 2024`, `March 14, 2024`, or `March 2024`, which counts as the month's first day:
//!   the answer cannot hold before it)
//!   may not be later than the fact's `as_of`, and an answer that gives dates needs an `as_of`.
//!   A day and month without a year ("1 March") is not read.

use super::check::{reporter, Reporter};
use super::{Fact, FileKind, KnowledgeBase, Problem};

/// A calendar date, compared as (year, month, day).
type Date = (u32, u32, u32);

/// Adds the editorial problems of every fact in the base.
pub(crate) fn check_editorial(kb: &KnowledgeBase, problems: &mut Vec<Problem>) {
    for (i, fact) in kb.facts.iter().enumerate() {
        let at = reporter(kb, FileKind::Fact(i), || {
            kb.dir.join("facts").join(format!("{}.toml", fact.id))
        });
        check_fact(&at, fact, problems);
    }
}

fn check_fact(at: &Reporter<'_>, fact: &Fact, problems: &mut Vec<Problem>) {
    if let Some(word) = leading_yes_or_no(&fact.answer) {
        problems.push(at.problem(
            "answer",
            format!(
                "the answer starts with \"{word}\"; one answer serves many phrasings, so start with the subject instead"
            ),
        ));
    }
    let Some((latest, written)) = latest_date(&fact.answer) else {
        return;
    };
    match fact.as_of.as_deref() {
        None => problems.push(at.problem(
            "answer",
            format!(
                "the answer gives dates (the latest is \"{written}\") but the fact has no as_of; set as_of to the date the answer is known to hold, at least {}",
                iso(latest)
            ),
        )),
        Some(as_of) => {
            // A malformed as_of is reported by check.rs.
            if let Some(as_of_date) = parse_iso(as_of) {
                if latest > as_of_date {
                    problems.push(at.problem(
                        "as_of",
                        format!(
                            "the answer mentions \"{written}\", later than as_of {as_of}; set as_of to at least {}",
                            iso(latest)
                        ),
                    ));
                }
            }
        }
    }
}

/// "Yes" or "No" where the answer opens with one as a word of its own (followed by a space,
/// punctuation or nothing), in any case.
fn leading_yes_or_no(answer: &str) -> Option<&str> {
    let text = answer.trim_start();
    for word in ["yes", "no"] {
        let Some(head) = text.get(..word.len()) else {
            continue;
        };
        if !head.eq_ignore_ascii_case(word) {
            continue;
        }
        let next = text[word.len()..].chars().next();
        if next.is_none_or(|c| c.is_whitespace() || c.is_ascii_punctuation()) {
            return Some(head);
        }
    }
    None
}

/// The latest date written in a text, with the words that wrote it.
fn latest_date(text: &str) -> Option<(Date, String)> {
    dates_in(text).into_iter().max_by_key(|(date, _)| *date)
}

/// Every date written in a text: ISO dates, "1 March 2024" (also "1st March 2024" and the
/// last day of a range such as "21-23 July 2024"), "March 1, 2024", and "March 2024" as the
/// first day of that month. Month names are read capitalised, in full or abbreviated.
fn dates_in(text: &str) -> Vec<(Date, String)> {
    let tokens = tokens(text);
    let mut found = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let word = tokens[i];
        if let Some(date) = parse_iso(word) {
            found.push((date, word.to_string()));
            i += 1;
            continue;
        }
        let Some(month) = month_of(word) else {
            i += 1;
            continue;
        };
        let year_at = |j: usize| tokens.get(j).and_then(|t| year_of(t));
        // "1 March 2024", "21-23 July 2024"
        if let (Some(day), Some(year)) = (
            i.checked_sub(1).and_then(|j| day_of(tokens[j])),
            year_at(i + 1),
        ) {
            if day <= days_in_month(year, month) {
                let written = format!("{} {} {}", tokens[i - 1], word, tokens[i + 1]);
                found.push(((year, month, day), written));
            }
            i += 2;
            continue;
        }
        // "March 1, 2024"
        if let (Some(day), Some(year)) = (tokens.get(i + 1).and_then(|t| day_of(t)), year_at(i + 2))
        {
            if day <= days_in_month(year, month) {
                let written = format!("{} {}, {}", word, tokens[i + 1], tokens[i + 2]);
                found.push(((year, month, day), written));
            }
            i += 3;
            continue;
        }
        // "March 2024": some day of that month; the answer cannot hold before its first day.
        if let Some(year) = year_at(i + 1) {
            let written = format!("{} {}", word, tokens[i + 1]);
            found.push(((year, month, 1), written));
            i += 2;
            continue;
        }
        i += 1;
    }
    found
}

/// Words of a text split on whitespace, with the punctuation around them trimmed (a hyphen
/// inside a word stays, so "2024-03-01" and "21-23" are one token each).
fn tokens(text: &str) -> Vec<&str> {
    text.split(|c: char| c.is_whitespace() || matches!(c, '/' | '\u{2013}' | '\u{2014}'))
        .map(|t| t.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|t| !t.is_empty())
        .collect()
}

fn parse_iso(text: &str) -> Option<Date> {
    let b = text.as_bytes();
    let digits_at = |i: usize| b[i].is_ascii_digit();
    if b.len() != 10
        || b[4] != b'-'
        || b[7] != b'-'
        || !(0..10).all(|i| i == 4 || i == 7 || digits_at(i))
    {
        return None;
    }
    let year: u32 = text[0..4].parse().ok()?;
    let month: u32 = text[5..7].parse().ok()?;
    let day: u32 = text[8..10].parse().ok()?;
    ((1..=12).contains(&month) && (1..=days_in_month(year, month)).contains(&day))
        .then_some((year, month, day))
}

fn iso((year, month, day): Date) -> String {
    format!("{year:04}-{month:02}-{day:02}")
}

/// A month name, capitalised, in full or in its usual abbreviation ("Sept" too), by the
/// English month names of `src/text/`.
fn month_of(word: &str) -> Option<u32> {
    if word == "Sept" {
        return Some(9);
    }
    let mut chars = word.chars();
    let first = chars.next().filter(char::is_ascii_uppercase)?;
    let lower = format!("{}{}", first.to_ascii_lowercase(), chars.as_str());
    crate::text::Lang::EN
        .rules()
        .month_names()
        .iter()
        .position(|forms| {
            let name = forms[0];
            name == lower || (lower.len() == 3 && name.starts_with(&lower))
        })
        .map(|i| i as u32 + 1)
}

/// A day of the month: "1", "01", "1st", "23rd", or the last day of a range "21-23".
fn day_of(word: &str) -> Option<u32> {
    let last = word.rsplit('-').next()?;
    let digits = last.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let suffix = &last[digits.len()..];
    if !matches!(suffix, "" | "st" | "nd" | "rd" | "th") {
        return None;
    }
    let day: u32 = digits.parse().ok()?;
    (1..=31).contains(&day).then_some(day)
}

/// A four-digit year between 1900 and 2199.
fn year_of(word: &str) -> Option<u32> {
    if word.len() != 4 || !word.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let year: u32 = word.parse().ok()?;
    (1900..2200).contains(&year).then_some(year)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::Citation;

    fn fact(answer: &str, as_of: Option<&str>) -> Fact {
        Fact {
            id: "f".into(),
            topic: "t".into(),
            question: "q?".into(),
            alternates: vec!["a".into(), "b".into(), "c".into()],
            keywords: Vec::new(),
            answer: answer.into(),
            as_of: as_of.map(String::from),
            related: Vec::new(),
            sources: vec![Citation {
                source: "s".into(),
                quote: None,
                note: None,
            }],
            events: Vec::new(),
        }
    }

    fn messages(fact: Fact) -> Vec<String> {
        let kb = KnowledgeBase::from_parts("k", vec![fact], Vec::new(), Vec::new());
        let mut problems = Vec::new();
        check_editorial(&kb, &mut problems);
        problems.into_iter().map(|p| p.message).collect()
    }

    #[test]
    fn answers_do_not_open_with_yes_or_no() {
        for answer in ["Yes.", "No, it did not.", "yes it did", "  NO; never", "No"] {
            assert!(leading_yes_or_no(answer).is_some(), "{answer:?}");
        }
        for answer in [
            "Nobody said so.",
            "None of the sources.",
            "Not according to TASS.",
            "Yesterday it rained.",
            "Putin did not meet them.",
            "",
        ] {
            assert_eq!(leading_yes_or_no(answer), None, "{answer:?}");
        }
        let found = messages(fact("Yes. Hamas came.", None));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("starts with \"Yes\""), "{found:?}");
    }

    #[test]
    fn dates_written_in_every_accepted_form_are_read() {
        let read = |text: &str| {
            dates_in(text)
                .into_iter()
                .map(|(d, _)| d)
                .collect::<Vec<_>>()
        };
        assert_eq!(read("on 2024-03-01."), [(2024, 3, 1)]);
        assert_eq!(read("on 1 March 2024, then"), [(2024, 3, 1)]);
        assert_eq!(read("on Friday 1st March 2024"), [(2024, 3, 1)]);
        assert_eq!(read("on March 1, 2024."), [(2024, 3, 1)]);
        assert_eq!(read("in March 2024"), [(2024, 3, 1)]);
        assert_eq!(read("in February 2024"), [(2024, 2, 1)]);
        assert_eq!(read("talks on 21-23 July 2024"), [(2024, 7, 23)]);
        assert_eq!(
            read("13 Oct 2022 and Sept 2023"),
            [(2022, 10, 13), (2023, 9, 1)]
        );
        assert_eq!(
            read("29 February or 1 March 2024 (\"2024-02-20\")"),
            [(2024, 3, 1), (2024, 2, 20)]
        );
    }

    #[test]
    fn what_is_not_a_date_is_not_read() {
        for text in [
            "on 1 March, as announced",
            "in 2019 and 2024",
            "30,000 dead",
            "12 to 14 organisations",
            "may 2024 be better",
            "March on 5",
            "the 2024-13-01 code",
            "31 February 2024",
            "14 factions in 2024",
        ] {
            assert_eq!(dates_in(text), Vec::new(), "{text:?}");
        }
    }

    #[test]
    fn a_date_later_than_as_of_is_a_problem() {
        let found = messages(fact(
            "It opened on 29 February 2024; Mustafa was named on 14 March 2024.",
            Some("2024-02-29"),
        ));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("\"14 March 2024\", later than as_of 2024-02-29")
                && found[0].contains("at least 2024-03-14"),
            "{found:?}"
        );
        // "March 2024" may be any day of March: it holds from the 1st, not before.
        assert!(messages(fact(
            "Later, in March 2024, it said so.",
            Some("2024-03-14")
        ))
        .is_empty());
        let found = messages(fact(
            "Later, in March 2024, it said so.",
            Some("2024-02-20"),
        ));
        assert!(found[0].contains("at least 2024-03-01"), "{found:?}");
        assert!(messages(fact("On 14 March 2024 he was named.", Some("2024-03-14"))).is_empty());
        assert!(messages(fact("It had no dates.", None)).is_empty());
    }

    #[test]
    fn dates_without_as_of_are_a_problem() {
        let found = messages(fact("On 26 February 2024 it resigned.", None));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("no as_of"), "{found:?}");
    }

    #[test]
    fn a_malformed_as_of_is_left_to_the_structural_check() {
        assert!(messages(fact("On 26 February 2024 it resigned.", Some("soon"))).is_empty());
    }
}
