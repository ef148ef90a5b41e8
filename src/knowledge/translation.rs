//! Facts in other languages: `knowledge/translations/<lang>/<fact-id>.toml`, one file per fact
//! and language, each holding the question, the alternates and the answer in that language and
//! the version of the English answer it was translated from. A file of its own keeps a
//! translation out of the way of edits to the English fact (the store and `/fact edit` never
//! touch it) and lets a translator of one language review only their files.
//!
//! When the English answer changes, its version changes and the translation is **stale**:
//! `check` warns, the fact lists show it, and the bot answers with the English text and a note
//! in the asker's language. A fresh translation must keep every number, month and name of the
//! English answer (names through the spellings in `aliases.toml`, in any script).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Alias, Fact, KnowledgeBase, Problem};
use crate::text::{fold, Lang};

/// The folder of translations, inside the knowledge folder.
pub const TRANSLATIONS_DIR: &str = "translations";
/// The fewest alternates a translation must have.
pub const MIN_TRANSLATED_ALTERNATES: usize = 8;

/// A fact in one other language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Translation {
    /// The version of the English answer this translates (see [`answer_version`]).
    pub from: String,
    pub question: String,
    #[serde(default)]
    pub alternates: Vec<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    pub answer: String,
    /// The fact's event labels in this language, each under the English label it translates
    /// (`[event_labels]`, `"Joint statement of the factions" = "..."`): a label whose English
    /// changes is no longer found, and the timeline shows the English until it is translated.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub event_labels: BTreeMap<String, String>,
    /// The language, from the folder.
    #[serde(skip, default = "english")]
    pub lang: Lang,
    /// The fact's id, from the file name.
    #[serde(skip)]
    pub fact: String,
}

fn english() -> Lang {
    Lang::EN
}

impl Translation {
    /// Whether the English answer changed since this was translated.
    pub fn is_stale(&self, fact: &Fact) -> bool {
        self.from != answer_version(&fact.answer)
    }
}

/// The version of an English answer, as a translation records it: FNV-1a (64 bits) of the
/// trimmed text, as 16 hex digits. `talks-bot facts --json` shows it for every fact.
pub fn answer_version(answer: &str) -> String {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = OFFSET;
    for &byte in answer.trim().as_bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(PRIME);
    }
    format!("{hash:016x}")
}

/// The translation files of a knowledge folder: (language, path), sorted; folders that are not
/// a language the bot reads are returned as problems.
pub(super) fn translation_files(dir: &Path) -> (Vec<(Lang, PathBuf)>, Vec<Problem>) {
    let root = dir.join(TRANSLATIONS_DIR);
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let Ok(entries) = std::fs::read_dir(&root) else {
        return (files, problems);
    };
    let mut folders: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    for folder in folders {
        let code = folder
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let lang = match Lang::from_code(&code) {
            Some(lang) if lang != Lang::EN => lang,
            _ => {
                problems.push(Problem {
                    file: folder.clone(),
                    line: None,
                    field: None,
                    message: format!(
                        "`{code}` is not a language to translate into: use one of {}",
                        Lang::all()
                            .filter(|&l| l != Lang::EN)
                            .map(Lang::code)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                });
                continue;
            }
        };
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.extension().is_some_and(|e| e == "toml")
                    && !p
                        .file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            })
            .collect();
        paths.sort();
        files.extend(paths.into_iter().map(|p| (lang, p)));
    }
    (files, problems)
}

/// What `check` finds wrong with the translations (they stop the base from being served).
pub(super) fn check_translations(kb: &KnowledgeBase, problems: &mut Vec<Problem>) {
    let names = Names::of(kb.aliases());
    let mut english: HashMap<&str, English> = HashMap::new();
    for t in &kb.translations {
        let path = kb.translation_path(t.lang, &t.fact);
        let raw = kb.raw_of(&path).unwrap_or("");
        let problem = |field: &str, message: String| Problem {
            file: path.clone(),
            line: super::check::line_of(raw, &[field]),
            field: Some(field.to_string()),
            message,
        };
        let Some(fact) = kb.fact(&t.fact) else {
            continue; // Not served; see `warnings`.
        };
        if t.from.len() != 16 || !t.from.bytes().all(|b| b.is_ascii_hexdigit()) {
            problems.push(problem(
                "from",
                format!(
                    "`{}` is not an answer version: use the 16 hex digits `talks-bot facts --json` shows as `answer_version`",
                    t.from
                ),
            ));
        }
        if t.alternates.len() < MIN_TRANSLATED_ALTERNATES {
            problems.push(problem(
                "alternates",
                format!(
                    "{} alternate phrasing(s); write at least {MIN_TRANSLATED_ALTERNATES} the way native speakers ask",
                    t.alternates.len()
                ),
            ));
        }
        for (english, label) in &t.event_labels {
            if !fact.events.iter().any(|e| e.label.trim() == english) {
                problems.push(problem(
                    "event_labels",
                    format!(
                        "no event of `{}` is labelled `{english}`: name each event by its English label, as written in the fact",
                        fact.id
                    ),
                ));
            }
            for message in super::events::label_problems(label) {
                problems.push(problem("event_labels", format!("`{english}`: {message}")));
            }
        }
        if t.is_stale(fact) {
            continue; // Kept but not served as the answer; see `warnings`.
        }
        for missing in missing_from(
            english
                .entry(fact.id.as_str())
                .or_insert_with(|| English::of(&fact.answer, &names)),
            &t.answer,
            t.lang,
            &names,
        ) {
            problems.push(problem(
                "answer",
                format!(
                    "the English answer has {missing}, which this translation does not: translations keep every number, month and name"
                ),
            ));
        }
    }
}

/// What `check` reports without failing: stale translations, facts without a translation in a
/// language that has others, events a translation does not label.
pub fn warnings(kb: &KnowledgeBase) -> Vec<Problem> {
    let mut warnings = Vec::new();
    for t in kb
        .translations
        .iter()
        .filter(|t| kb.fact(&t.fact).is_none())
    {
        warnings.push(Problem {
            file: kb.translation_path(t.lang, &t.fact),
            line: None,
            field: None,
            message: format!(
                "no fact has the id `{}` (a translation's file name is its fact's id), so this translation is not served: if the fact was removed, undoing the removal serves it again (`talks-bot fact undo {}`); else rename or delete the file",
                t.fact, t.fact
            ),
        });
    }
    let languages: BTreeSet<Lang> = kb.translations.iter().map(|t| t.lang).collect();
    for fact in kb.facts() {
        for &lang in &languages {
            let path = kb.translation_path(lang, &fact.id);
            let translation = kb.translation(lang, &fact.id);
            if let Some(t) = translation {
                for event in &fact.events {
                    let english = event.label.trim();
                    if !t.event_labels.contains_key(english) {
                        warnings.push(Problem {
                            file: path.clone(),
                            line: None,
                            field: Some("event_labels".into()),
                            message: format!(
                                "no {} label for the event `{english}`: the timeline shows it in English until `[event_labels]` has \"{english}\" = \"...\"",
                                lang.name()
                            ),
                        });
                    }
                }
            }
            match translation {
                Some(t) if t.is_stale(fact) => warnings.push(Problem {
                    file: path,
                    line: None,
                    field: Some("from".into()),
                    message: format!(
                        "stale: the English answer changed since this was translated; translate it again and set from = \"{}\" (until then the bot answers in English with a note)",
                        answer_version(&fact.answer)
                    ),
                }),
                Some(_) => {}
                None => warnings.push(Problem {
                    file: path,
                    line: None,
                    field: None,
                    message: format!(
                        "no {} translation of `{}`: {} questions will not find it",
                        lang.name(),
                        fact.id,
                        lang.name()
                    ),
                }),
            }
        }
    }
    warnings
}

/// The names of the alias groups (see [`is_name`]), each with its spellings folded once for
/// every translation that is checked against them.
pub struct Names(Vec<NameForms>);

struct NameForms {
    name: String,
    /// The folded Latin spellings, one of which an English answer writes when it names it.
    latin: Vec<String>,
    /// The words of every folded spelling, one of which a translation must begin to write.
    spellings: Vec<Vec<String>>,
}

impl Names {
    pub fn of(aliases: &[Alias]) -> Names {
        Names(
            aliases
                .iter()
                .filter(|a| is_name(a))
                .map(|alias| {
                    let all = || std::iter::once(&alias.name).chain(&alias.spellings);
                    NameForms {
                        name: alias.name.clone(),
                        latin: all().filter(|s| s.is_ascii()).map(|s| fold(s)).collect(),
                        spellings: all()
                            .map(|s| {
                                fold(s)
                                    .split(' ')
                                    .filter(|w| !w.is_empty())
                                    .map(str::to_string)
                                    .collect()
                            })
                            .collect(),
                    }
                })
                .collect(),
        )
    }
}

/// An English answer as translations are compared with it, read once for all of them: its
/// numbers, the months it dates by, and the names it writes.
pub struct English {
    numbers: BTreeSet<String>,
    /// Indexes into [`crate::text::language::MONTHS_EN`].
    months: Vec<usize>,
    /// Indexes into the [`Names`] it was read with.
    names: Vec<usize>,
}

impl English {
    pub fn of(answer: &str, names: &Names) -> English {
        let words = fold(answer);
        let padded = format!(" {words} ");
        English {
            numbers: numbers(answer),
            months: crate::text::language::MONTHS_EN
                .iter()
                .enumerate()
                .filter(|(_, name)| names_a_date(&words, name))
                .map(|(month, _)| month)
                .collect(),
            names: names
                .0
                .iter()
                .enumerate()
                .filter(|(_, forms)| forms.latin.iter().any(|s| contains_word(&padded, s)))
                .map(|(i, _)| i)
                .collect(),
        }
    }
}

/// The numbers, months and names of an English answer that a translation lacks, described
/// ("the number 14", "the month March", "the name Sergei Lavrov"). `names` are the ones
/// `english` was read with.
pub fn missing_from(english: &English, translated: &str, lang: Lang, names: &Names) -> Vec<String> {
    let mut missing = Vec::new();
    let have = numbers(translated);
    for number in &english.numbers {
        if !have.contains(number) {
            missing.push(format!("the number {number}"));
        }
    }
    // Read as its own language reads it: "l'OLP" is "olp" in French.
    let translated_words = crate::text::Analyzer::plain(lang).words(translated);
    if !english.months.is_empty() {
        // A form begins a word, and a form of two words begins two ("كانون الثاني").
        let padded = format!(" {}", translated_words.join(" "));
        for &month in &english.months {
            let forms = lang.rules().month_names()[month];
            if !forms.iter().any(|f| padded.contains(&format!(" {f}"))) {
                missing.push(format!(
                    "the month {}",
                    capitalise(crate::text::language::MONTHS_EN[month])
                ));
            }
        }
    }
    // A word may be inflected ("Лаврова" for "Лавров"): its first letters (five at most)
    // must begin a word of the translation.
    let found = |w: &str| {
        let stem = &w[..w.char_indices().nth(5).map_or(w.len(), |(i, _)| i)];
        translated_words.iter().any(|t| t.starts_with(stem))
    };
    for &i in &english.names {
        let forms = &names.0[i];
        // Every word of a spelling, or its last (the surname: "Лавров" for "Сергей Лавров").
        let translated_ok = forms.spellings.iter().any(|words| {
            !words.is_empty()
                && (words.iter().all(|w| found(w))
                    || words
                        .last()
                        .is_some_and(|w| w.chars().count() >= 4 && found(w)))
        });
        if !translated_ok {
            missing.push(format!("the name {}", forms.name));
        }
    }
    missing
}

/// Every number written in digits, of any script, with group separators removed:
/// "30,000", "30 000", "30.000" and "٣٠٠٠٠" are all 30000.
fn numbers(text: &str) -> BTreeSet<String> {
    let folded = fold(&group_digits(text));
    folded
        .split(' ')
        .filter_map(|w| {
            // Ordinals count as their number: "1st", "1er", "2nd".
            let digits: String = w.chars().take_while(char::is_ascii_digit).collect();
            let rest = w.len() - digits.len();
            (!digits.is_empty()
                && rest <= 3
                && w[digits.len()..].chars().all(|c| c.is_alphabetic()))
            .then_some(digits)
        })
        .map(|w| w.trim_start_matches('0').to_string())
        .map(|w| if w.is_empty() { "0".to_string() } else { w })
        .collect()
}

/// Joins digit groups separated by a space, dot, comma or narrow space ("30 000" -> "30000")
/// where the group after the separator has exactly three digits.
fn group_digits(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let digit = |c: char| c.is_ascii_digit() || ('\u{0660}'..='\u{0669}').contains(&c);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let separator = matches!(c, ' ' | '.' | ',' | '\u{202F}' | '\u{00A0}' | '\u{066C}');
        let joins = separator
            && i > 0
            && digit(chars[i - 1])
            && i + 3 < chars.len() + 1
            && chars[i + 1..].iter().take(3).all(|&d| digit(d))
            && chars.get(i + 4).is_none_or(|&d| !digit(d));
        if !joins {
            out.push(c);
        }
        i += 1;
    }
    out
}

/// Whether an alias group is a name (a person, group, place: capitalised, "Sergei Lavrov")
/// rather than everyday words the matcher treats alike ("bloodshed": "fighting", "violence")
/// or a month (dates are checked as dates).
fn is_name(alias: &Alias) -> bool {
    let folded = fold(&alias.name);
    alias.name.chars().next().is_some_and(char::is_uppercase)
        && !crate::text::language::MONTHS_EN.contains(&folded.as_str())
}

/// Whether folded text writes a month as part of a date: next to a number ("29 February",
/// "February 2024", "May 2011"), so that the verb "may" is not May.
fn names_a_date(folded: &str, month: &str) -> bool {
    let words: Vec<&str> = folded.split(' ').collect();
    let number = |w: Option<&&str>| {
        w.is_some_and(|w| w.chars().all(|c| c.is_ascii_digit()) && !w.is_empty())
    };
    words.iter().enumerate().any(|(i, w)| {
        *w == month
            && (number(words.get(i + 1)) || i.checked_sub(1).is_some_and(|j| number(words.get(j))))
    })
}

/// Whether `padded` (folded text between two spaces) holds the folded word or words `word`.
fn contains_word(padded: &str, word: &str) -> bool {
    !word.is_empty() && padded.contains(&format!(" {word} "))
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alias(name: &str, spellings: &[&str]) -> Alias {
        Alias {
            name: name.into(),
            spellings: spellings.iter().map(|s| s.to_string()).collect(),
            descriptions: Vec::new(),
        }
    }

    #[test]
    fn numbers_of_every_script_and_grouping() {
        let want: BTreeSet<String> = ["30000", "29", "2024"].map(String::from).into();
        assert_eq!(numbers("about 30,000 dead by 29 February 2024"), want);
        assert_eq!(numbers("environ 30 000 morts le 29 février 2024"), want);
        assert_eq!(numbers("circa 30.000 morti il 29 febbraio 2024"), want);
        assert_eq!(numbers("نحو ٣٠٠٠٠ قتيل في ٢٩ فبراير ٢٠٢٤"), want);
        let first: BTreeSet<String> = ["1"].map(String::from).into();
        assert_eq!(numbers("le 1er mars"), first);
        assert_eq!(numbers("on the 1st"), first);
    }

    #[test]
    fn a_translation_keeps_numbers_months_and_names() {
        let aliases = [alias(
            "Sergei Lavrov",
            &["Lavrov", "سيرغي لافروف", "Сергей Лавров"],
        )];
        let fr = Lang::from_code("fr").unwrap();
        let ru = Lang::from_code("ru").unwrap();
        let ar = Lang::from_code("ar").unwrap();
        let en = "Lavrov spoke on 29 February 2024.";
        assert!(missing_from(
            &English::of(en, &Names::of(&aliases)),
            "Lavrov a parlé le 29 février 2024.",
            fr,
            &Names::of(&aliases)
        )
        .is_empty());
        assert!(missing_from(
            &English::of(en, &Names::of(&aliases)),
            "Лавров выступил 29 февраля 2024 года.",
            ru,
            &Names::of(&aliases)
        )
        .is_empty());
        assert!(missing_from(
            &English::of(en, &Names::of(&aliases)),
            "تحدث لافروف في 29 فبراير 2024.",
            ar,
            &Names::of(&aliases)
        )
        .is_empty());
        let missing = missing_from(
            &English::of(en, &Names::of(&aliases)),
            "Lavrov a parlé le 28 mars 2024.",
            fr,
            &Names::of(&aliases),
        );
        assert_eq!(
            missing,
            ["the number 29", "the month February"],
            "a changed date is caught"
        );
        let missing = missing_from(
            &English::of(en, &Names::of(&aliases)),
            "Il a parlé le 29 février 2024.",
            fr,
            &Names::of(&aliases),
        );
        assert_eq!(missing, ["the name Sergei Lavrov"]);
    }

    #[test]
    fn only_dates_and_names_are_required() {
        let fr = Lang::from_code("fr").unwrap();
        let aliases = [
            alias("bloodshed", &["fighting", "violence"]),
            alias("February", &["feb"]),
        ];
        // "may" the verb is no month; an everyday word group is no name.
        let en = "The two may describe different rounds; the fighting went on.";
        assert!(missing_from(
            &English::of(en, &Names::of(&aliases)),
            "Les deux décrivent peut-être des tours différents.",
            fr,
            &Names::of(&aliases)
        )
        .is_empty());
        // A month in a date still is.
        let missing = missing_from(
            &English::of("It opened in February 2024.", &Names::of(&aliases)),
            "Elle s'est ouverte en 2024.",
            fr,
            &Names::of(&aliases),
        );
        assert_eq!(missing, ["the month February"]);
    }

    #[test]
    fn versions_ignore_surrounding_space_only() {
        assert_eq!(
            answer_version("An answer.\n"),
            answer_version("  An answer.")
        );
        assert_ne!(answer_version("An answer."), answer_version("An answer!"));
        assert_eq!(answer_version("x").len(), 16);
    }
}
