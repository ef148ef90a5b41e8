//! The checks behind `talks-bot check`: everything that must hold before a base is served.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use super::content::{self, Field};
use super::{FileKind, KnowledgeBase, Problem, MIN_ALTERNATES};
use crate::text::match_key;

/// Every problem in a loaded base, in file order. Empty means the base may be served.
pub fn check(kb: &KnowledgeBase) -> Vec<Problem> {
    let mut problems = Vec::new();
    check_facts(kb, &mut problems);
    check_sources(kb, &mut problems);
    check_aliases(kb, &mut problems);
    super::translation::check_translations(kb, &mut problems);
    problems
}

/// Folds text for comparing a quote with a stored source: runs of whitespace become one space,
/// typographic quote marks, apostrophes and dashes become their plain forms.
pub fn normalize_for_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        let c = match c {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '`' | '\u{00B4}' => {
                '\''
            }
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
            | '\u{00BB}' => '"',
            '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
            c => c,
        };
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    out
}

/// Where problems of one file are reported.
pub(crate) struct Reporter<'a> {
    path: PathBuf,
    raw: &'a str,
}

impl Reporter<'_> {
    pub(crate) fn problem(&self, field: &str, message: impl Into<String>) -> Problem {
        let segments: Vec<&str> = field
            .split(['.', '[', ']'])
            .filter(|s| !s.is_empty())
            .collect();
        Problem {
            file: self.path.clone(),
            line: line_of(self.raw, &segments),
            field: Some(field.to_string()),
            message: message.into(),
        }
    }
}

pub(crate) fn reporter(
    kb: &KnowledgeBase,
    kind: FileKind,
    fallback: impl FnOnce() -> PathBuf,
) -> Reporter<'_> {
    match kb.file_of(kind) {
        Some(file) => Reporter {
            path: file.path.clone(),
            raw: &file.raw,
        },
        None => Reporter {
            path: fallback(),
            raw: "",
        },
    }
}

fn check_facts(kb: &KnowledgeBase, problems: &mut Vec<Problem>) {
    let mut first_seen: HashMap<&str, PathBuf> = HashMap::new();
    // Each stored source text normalised once, however many citations quote it.
    let mut bodies: HashMap<&str, String> = HashMap::new();
    for (i, fact) in kb.facts.iter().enumerate() {
        let at = reporter(kb, FileKind::Fact(i), || {
            kb.dir.join("facts").join(format!("{}.toml", fact.id))
        });
        check_id(&at, "id", &fact.id, problems);
        match first_seen.get(fact.id.as_str()) {
            Some(earlier) => problems.push(at.problem(
                "id",
                format!(
                    "duplicate fact id `{}` (also in {})",
                    fact.id,
                    earlier.display()
                ),
            )),
            None => {
                first_seen.insert(&fact.id, at.path.clone());
            }
        }
        check_text(&at, "topic", &fact.topic, Field::Topic, problems);
        check_text(&at, "question", &fact.question, Field::Question, problems);
        if fact.alternates.len() < MIN_ALTERNATES {
            problems.push(at.problem(
                "alternates",
                format!(
                    "{} alternate phrasing(s); write at least {MIN_ALTERNATES}",
                    fact.alternates.len()
                ),
            ));
        }
        for (j, alternate) in fact.alternates.iter().enumerate() {
            check_text(
                &at,
                &format!("alternates[{j}]"),
                alternate,
                Field::Alternate,
                problems,
            );
        }
        for (j, keyword) in fact.keywords.iter().enumerate() {
            check_text(
                &at,
                &format!("keywords[{j}]"),
                keyword,
                Field::Keyword,
                problems,
            );
        }
        check_text(&at, "answer", &fact.answer, Field::Answer, problems);
        if let Some(as_of) = &fact.as_of {
            if !is_iso_date(as_of) {
                problems.push(at.problem(
                    "as_of",
                    format!("`{as_of}` is not a date written YYYY-MM-DD"),
                ));
            }
        }
        for (j, related) in fact.related.iter().enumerate() {
            if related == &fact.id {
                problems.push(at.problem(
                    &format!("related[{j}]"),
                    "a fact cannot be related to itself",
                ));
            } else if kb.fact(related).is_none() {
                problems.push(at.problem(
                    &format!("related[{j}]"),
                    format!("no fact has the id `{related}`"),
                ));
            }
        }
        if fact.sources.is_empty() {
            problems.push(at.problem(
                "sources",
                "the fact has no source; add at least one [[sources]] entry",
            ));
        }
        for (j, citation) in fact.sources.iter().enumerate() {
            let field = format!("sources[{j}]");
            let Some(source) = kb.source(&citation.source) else {
                problems.push(at.problem(
                    &format!("{field}.source"),
                    format!(
                        "no source has the id `{}` (see knowledge/sources/)",
                        citation.source
                    ),
                ));
                continue;
            };
            if let Some(note) = &citation.note {
                check_text(&at, &format!("{field}.note"), note, Field::Note, problems);
            }
            match (&source.body, &citation.quote) {
                (Some(_), None) => problems.push(at.problem(
                    &field,
                    format!("source `{}` has stored text, so the citation needs the quote the answer rests on", source.id),
                )),
                (None, Some(_)) => problems.push(at.problem(
                    &format!("{field}.quote"),
                    format!("source `{}` has no stored text, so the quote cannot be verified; remove it or store the text", source.id),
                )),
                (Some(body), Some(quote)) => {
                    let wanted = normalize_for_quote(quote);
                    let own = content::text_problems(Field::Quote, quote);
                    if !own.is_empty() {
                        for message in own {
                            problems.push(at.problem(&format!("{field}.quote"), message));
                        }
                    } else if !bodies
                        .entry(source.id.as_str())
                        .or_insert_with(|| normalize_for_quote(body))
                        .contains(&wanted)
                    {
                        problems.push(at.problem(
                            &format!("{field}.quote"),
                            format!("the quote is not in the stored text of `{}`: \"{quote}\"", source.id),
                        ));
                    }
                }
                (None, None) => {}
            }
        }
    }
    super::editorial::check_editorial(kb, problems);
    super::events::check_events(kb, problems);
}

fn check_sources(kb: &KnowledgeBase, problems: &mut Vec<Problem>) {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut urls: HashMap<&str, &str> = HashMap::new();
    for (i, source) in kb.sources.iter().enumerate() {
        let at = reporter(kb, FileKind::Source(i), || {
            kb.dir.join("sources").join(format!("{}.toml", source.id))
        });
        check_id(&at, "id", &source.id, problems);
        if seen.insert(&source.id, i).is_some() {
            problems.push(at.problem("id", format!("duplicate source id `{}`", source.id)));
        }
        if let Some(other) = urls.insert(&source.url, &source.id) {
            problems.push(at.problem(
                "url",
                format!(
                    "`{other}` has this URL too: one source a URL; cite `{other}` and remove this file"
                ),
            ));
        }
        check_text(&at, "outlet", &source.outlet, Field::Outlet, problems);
        if let Some(title) = &source.title {
            check_text(&at, "title", title, Field::Title, problems);
        }
        if let Some(date) = &source.date {
            check_text(&at, "date", date, Field::Date, problems);
        }
        for message in content::url_problems(&source.url) {
            problems.push(at.problem("url", message));
        }
        if let Some(description) = &source.description {
            check_text(
                &at,
                "description",
                description,
                Field::Description,
                problems,
            );
        }
    }
}

/// Claims a matching key for a name: what is wrong if another name or this one has it already.
/// `kind` is what the text is ("spelling", "description").
fn claim<'k>(
    owner: &mut BTreeMap<String, &'k str>,
    key: String,
    name: &'k str,
    text: &str,
    kind: &str,
) -> Option<String> {
    match owner.get(&key) {
        Some(&other) if other != name => Some(format!(
            "`{text}` matches as `{other}` already; a {kind} may mean one name only"
        )),
        Some(_) => Some(format!("`{text}` is listed twice")),
        None => {
            owner.insert(key, name);
            None
        }
    }
}

fn check_aliases(kb: &KnowledgeBase, problems: &mut Vec<Problem>) {
    let at = reporter(kb, FileKind::Aliases, || kb.dir.join("aliases.toml"));
    // Spellings are compared as the matcher sees them (stems, stop words dropped), so that
    // "organisation" and "organise" are caught as one spelling claimed by two names.
    let mut owner: BTreeMap<String, &str> = BTreeMap::new();
    for (i, alias) in kb.aliases.iter().enumerate() {
        let name_key = match_key(&alias.name);
        if name_key.is_empty() {
            problems.push(at.problem(
                &format!("alias[{i}].name"),
                "the name has no words the matcher can use",
            ));
        }
        if alias.spellings.is_empty() {
            problems.push(at.problem(&format!("alias[{i}].spellings"), "no spellings given"));
        }
        for (j, spelling) in alias.spellings.iter().enumerate() {
            let key = match_key(spelling);
            let field = format!("alias[{i}].spellings[{j}]");
            if key.is_empty() {
                problems.push(at.problem(
                    &field,
                    format!("`{spelling}` has no words the matcher can use"),
                ));
                continue;
            }
            if key == name_key {
                // A spelling the matcher already treats as the name ("al-Fatah" for "Fatah")
                // may stay as a record of how sources write it; the name itself may not.
                if crate::text::fold(spelling) == crate::text::fold(&alias.name) {
                    problems.push(at.problem(
                        &field,
                        format!("`{spelling}` is the name itself; remove it"),
                    ));
                }
                continue;
            }
            if let Some(message) = claim(&mut owner, key, &alias.name, spelling, "spelling") {
                problems.push(at.problem(&field, message));
            }
        }
    }
    // Descriptions are whole phrases: two words at least, each meaning one name only.
    for (i, alias) in kb.aliases.iter().enumerate() {
        for (j, description) in alias.descriptions.iter().enumerate() {
            let key = match_key(description);
            let field = format!("alias[{i}].descriptions[{j}]");
            if key.split(' ').filter(|w| !w.is_empty()).count() < 2 {
                problems.push(at.problem(
                    &field,
                    format!("`{description}` is not a phrase of two words or more the matcher can use; a single word is a spelling"),
                ));
                continue;
            }
            if let Some(message) = claim(&mut owner, key, &alias.name, description, "description") {
                problems.push(at.problem(&field, message));
            }
        }
    }
    // A name that is another name's spelling would itself be rewritten to that name.
    for (i, alias) in kb.aliases.iter().enumerate() {
        if let Some(&other) = owner.get(&match_key(&alias.name)) {
            if other != alias.name {
                problems.push(at.problem(
                    &format!("alias[{i}].name"),
                    format!(
                        "`{}` matches as a spelling of `{other}`, so it would be rewritten to it",
                        alias.name
                    ),
                ));
            }
        }
    }
}

fn check_id(at: &Reporter<'_>, field: &str, id: &str, problems: &mut Vec<Problem>) {
    let stem = at
        .path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned());
    if !content::is_id(id) {
        problems.push(at.problem(
            field,
            format!("`{id}` is not an id: use lower-case letters, digits and '-'"),
        ));
    } else if at.raw.is_empty() {
        // Built in memory: there is no file name to compare with.
    } else if stem.as_deref() != Some(id) {
        problems.push(at.problem(
            field,
            format!("the id `{id}` differs from the file name; rename the file to `{id}.toml`"),
        ));
    }
}

fn check_text(
    at: &Reporter<'_>,
    field: &str,
    text: &str,
    kind: Field,
    problems: &mut Vec<Problem>,
) {
    for message in content::text_problems(kind, text) {
        problems.push(at.problem(field, message));
    }
}

fn is_iso_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && (1..=12).contains(&text[5..7].parse::<u32>().unwrap_or(0))
        && (1..=31).contains(&text[8..10].parse::<u32>().unwrap_or(0))
}

/// The 1-based line of a field given as path segments (`["sources", "1", "quote"]`), or of the
/// nearest enclosing item found.
pub(crate) fn line_of(raw: &str, path: &[&str]) -> Option<usize> {
    let doc = toml_edit::ImDocument::parse(raw).ok()?;
    let mut item = doc.as_item();
    let mut line = None;
    for segment in path {
        let next = match segment.parse::<usize>() {
            Ok(index) => item.get(index),
            Err(_) => item.get(*segment),
        };
        let Some(next) = next else { break };
        item = next;
        if let Some(span) = item.span() {
            line = Some(super::load::line_at(raw, span.start));
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_fold_whitespace_and_marks() {
        assert_eq!(
            normalize_for_quote("Putin\u{2019}s  special\n envoy"),
            "Putin's special envoy"
        );
        assert_eq!(
            normalize_for_quote("\u{201C}miracles\u{201D}"),
            "\"miracles\""
        );
        assert_eq!(normalize_for_quote("  a \t b  "), "a b");
    }

    #[test]
    fn alias_spellings_are_compared_as_the_matcher_sees_them() {
        use crate::knowledge::Alias;
        let alias = |name: &str, spellings: &[&str]| Alias {
            name: name.into(),
            spellings: spellings.iter().map(|s| s.to_string()).collect(),
            descriptions: Vec::new(),
        };
        let kb = KnowledgeBase::from_parts(
            "k",
            Vec::new(),
            Vec::new(),
            vec![
                alias("faction", &["organisation"]),
                alias("organiser", &["organise"]),
                alias("Fatah", &["al-Fatah", "FATAH"]),
            ],
        );
        let problems = check(&kb);
        let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(problems.len(), 2, "{messages:#?}");
        assert!(
            messages[0].contains("`FATAH` is the name itself"),
            "{messages:#?}"
        );
        assert!(
            messages[1].contains("`organiser` matches as a spelling of `faction`"),
            "organiser and organisation stem alike: {messages:#?}"
        );
        // Descriptions: phrases, each of one name, never a spelling of another.
        let described = |name: &str, spelling: &str, descriptions: &[&str]| Alias {
            descriptions: descriptions.iter().map(|s| s.to_string()).collect(),
            ..alias(name, &[spelling])
        };
        let kb = KnowledgeBase::from_parts(
            "k",
            Vec::new(),
            Vec::new(),
            vec![
                alias("Sergei Lavrov", &["Sergey Lavrov"]),
                described(
                    "Vladimir Putin",
                    "Poutine",
                    &["Russian president", "Kremlin"],
                ),
                described(
                    "Dmitry Peskov",
                    "Peskoff",
                    &["Russian President", "Sergey Lavrov"],
                ),
            ],
        );
        let problems = check(&kb);
        let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert!(
            messages
                .iter()
                .any(|m| m.contains("`Kremlin` is not a phrase of two words")),
            "{messages:#?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("`Russian President` matches as `Vladimir Putin` already")),
            "{messages:#?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("`Sergey Lavrov` matches as `Sergei Lavrov` already")),
            "{messages:#?}"
        );
        assert!(
            problems.iter().all(|p| p
                .field
                .as_deref()
                .is_some_and(|f| f.contains("descriptions") || f.contains("spellings"))),
            "{problems:#?}"
        );
        let kb = KnowledgeBase::from_parts(
            "k",
            Vec::new(),
            Vec::new(),
            vec![alias("faction", &["organisation"])],
        );
        assert!(check(&kb).is_empty());
    }

    #[test]
    fn iso_dates() {
        assert!(is_iso_date("2024-02-29"));
        assert!(!is_iso_date("2024-13-01"));
        assert!(!is_iso_date("29 Feb 2024"));
        assert!(!is_iso_date("2024-2-29"));
    }

    #[test]
    fn lines_of_nested_fields() {
        let raw = "id = \"x\"\nanswer = \"a\"\n\n[[sources]]\nsource = \"s\"\n\n[[sources]]\nsource = \"t\"\nquote = \"q\"\n";
        assert_eq!(line_of(raw, &["answer"]), Some(2));
        assert_eq!(line_of(raw, &["sources", "1", "quote"]), Some(9));
        assert_eq!(line_of(raw, &["sources", "0", "source"]), Some(5));
        assert_eq!(line_of(raw, &["missing"]), None);
    }
}
