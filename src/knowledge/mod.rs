//! The fact base: facts, sources and aliases as they are stored in `knowledge/`.
//!
//! Loading ([`KnowledgeBase::load`]) reads every file and collects every problem it meets
//! instead of stopping at the first; [`check`] then validates what loaded (sources exist,
//! quotes are really in the stored text, lengths, ids). A base with problems is never served.

mod check;
pub mod content;
mod editorial;
pub mod events;
mod load;
pub mod translation;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use check::{check, normalize_for_quote};
pub use events::{EventDate, Precision, MAX_LABEL_CHARS};
pub use load::LoadError;
pub use translation::{answer_version, Translation};

pub use content::{MAX_ANSWER_CHARS, MAX_QUESTION_CHARS, MAX_TOPIC_CHARS};
/// The fewest alternates a fact must have.
pub const MIN_ALTERNATES: usize = 3;

/// One fact: a question people ask, the answer, and the sources it rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fact {
    pub id: String,
    pub topic: String,
    pub question: String,
    #[serde(default)]
    pub alternates: Vec<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    pub answer: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<String>,
    #[serde(default)]
    pub sources: Vec<Citation>,
    /// Dated events the fact records, for the timeline (see [`events`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<Event>,
}

/// Something that happened on a date, as a fact records it for the timeline. It is cited by
/// its fact's sources (or by those listed in `sources`); where sources give another date, the
/// event carries it in `other_dates`, each with the sources that give it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// ISO 8601, as precise as the sources are: `2024-02-29`, `2024-04` (a month), `2024`.
    pub date: String,
    /// The last day, for an event that lasts: `2024-03-01`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    /// What happened, in a few neutral words (at most [`MAX_LABEL_CHARS`] characters).
    pub label: String,
    /// The event the timeline is about (the Moscow meeting): highlighted in the picture, and
    /// what "before" and "after the meeting" are measured from. One in the whole base.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub focus: bool,
    /// The ids of the fact's sources that give these dates; empty means all of them. Required
    /// when `other_dates` is not empty, so that each side is cited.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// Dates other sources give for the same event.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_dates: Vec<OtherDate>,
}

/// A date that some sources give for an event instead of its own: another start, another end,
/// or both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OtherDate {
    /// Another first day; the event's own when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Another last day; the event's own when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    /// The ids of the fact's sources that give it (at least one).
    pub sources: Vec<String>,
}

/// A fact's reference to a source, with the quote the answer rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Citation {
    /// The id of a source in `knowledge/sources/`.
    pub source: String,
    /// The exact words of the source; required where the source text is stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    /// What this source says, where sources disagree.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A source document: where a fact comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub id: String,
    pub outlet: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    pub url: String,
    /// File name of the stored text, beside the source's own file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The stored text itself (its `# ` header skipped), loaded from `text`.
    #[serde(skip)]
    pub body: Option<String>,
}

/// Spellings that all mean one name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Alias {
    pub name: String,
    pub spellings: Vec<String>,
    /// Phrases of two words or more by which members name the same one without naming it
    /// ("Russia's top diplomat" for Sergei Lavrov), each true of it over the whole period the
    /// base covers. The matcher reads a whole phrase as the name; unlike a spelling, no word
    /// of it stands for a word of the name, and a translation need not write one to keep the
    /// name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub descriptions: Vec<String>,
}

/// A problem found in the knowledge files, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: PathBuf,
    /// 1-based line, where it is known.
    pub line: Option<usize>,
    /// The field at fault, e.g. `sources[1].quote`.
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": {field}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Everything in `knowledge/`, loaded.
#[derive(Debug, Clone, Default)]
pub struct KnowledgeBase {
    dir: PathBuf,
    facts: Vec<Fact>,
    sources: Vec<Source>,
    aliases: Vec<Alias>,
    translations: Vec<Translation>,
    fact_index: BTreeMap<String, usize>,
    source_index: BTreeMap<String, usize>,
    translation_index: BTreeMap<(crate::text::Lang, String), usize>,
    /// Each loaded file with its raw text, for locating problems by line.
    files: LoadedFiles,
}

/// The loaded files, found by path and by what they hold without a scan (a base of
/// thousands of files looks each up once per fact or translation it checks).
#[derive(Debug, Clone, Default)]
struct LoadedFiles {
    list: Vec<LoadedFile>,
    by_path: HashMap<PathBuf, usize>,
    by_kind: HashMap<FileKind, usize>,
}

impl LoadedFiles {
    fn push(&mut self, file: LoadedFile) {
        let i = self.list.len();
        self.by_path.entry(file.path.clone()).or_insert(i);
        self.by_kind.entry(file.kind).or_insert(i);
        self.list.push(file);
    }

    fn by_path(&self, path: &Path) -> Option<&LoadedFile> {
        self.by_path.get(path).map(|&i| &self.list[i])
    }

    fn by_kind(&self, kind: FileKind) -> Option<&LoadedFile> {
        self.by_kind.get(&kind).map(|&i| &self.list[i])
    }
}

#[derive(Debug, Clone)]
struct LoadedFile {
    path: PathBuf,
    raw: String,
    kind: FileKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum FileKind {
    Fact(usize),
    Source(usize),
    Aliases,
    Translation(usize),
}

impl KnowledgeBase {
    /// Builds a base from values in memory (tests, synthetic benches, the store's candidates).
    pub fn from_parts(
        dir: impl Into<PathBuf>,
        facts: Vec<Fact>,
        sources: Vec<Source>,
        aliases: Vec<Alias>,
    ) -> Self {
        let mut kb = KnowledgeBase {
            dir: dir.into(),
            facts,
            sources,
            aliases,
            ..Default::default()
        };
        kb.reindex();
        kb
    }

    fn reindex(&mut self) {
        // First occurrence wins, so that a duplicate id never hides the original.
        self.fact_index.clear();
        for (i, fact) in self.facts.iter().enumerate() {
            self.fact_index.entry(fact.id.clone()).or_insert(i);
        }
        self.source_index.clear();
        for (i, source) in self.sources.iter().enumerate() {
            self.source_index.entry(source.id.clone()).or_insert(i);
        }
        self.translation_index.clear();
        for (i, t) in self.translations.iter().enumerate() {
            self.translation_index
                .entry((t.lang, t.fact.clone()))
                .or_insert(i);
        }
    }

    /// Adds translations to a base built in memory (tests, the store's candidates).
    pub fn with_translations(mut self, translations: Vec<Translation>) -> Self {
        self.translations = translations;
        self.reindex();
        self
    }

    /// Every translation, by language then fact.
    pub fn translations(&self) -> &[Translation] {
        &self.translations
    }

    /// An event's label in a language: its translation where the fact's translation into that
    /// language has one for this label, else the English. Labels are translated apart from the
    /// answer, so a stale answer does not make its labels stale.
    pub fn event_label<'a>(
        &'a self,
        lang: crate::text::Lang,
        fact: &Fact,
        event: &'a Event,
    ) -> &'a str {
        let english = event.label.trim();
        self.translation(lang, &fact.id)
            .and_then(|t| t.event_labels.get(english))
            .map_or(english, |label| label.trim())
    }

    /// The translation of a fact into a language, if there is one.
    pub fn translation(&self, lang: crate::text::Lang, fact_id: &str) -> Option<&Translation> {
        self.translation_index
            .get(&(lang, fact_id.to_string()))
            .map(|&i| &self.translations[i])
    }

    /// Where the translation of a fact into a language lives (or would).
    pub fn translation_path(&self, lang: crate::text::Lang, fact_id: &str) -> PathBuf {
        self.dir
            .join(translation::TRANSLATIONS_DIR)
            .join(lang.code())
            .join(format!("{fact_id}.toml"))
    }

    /// The raw text of a loaded file, for locating problems by line.
    fn raw_of(&self, path: &Path) -> Option<&str> {
        self.files.by_path(path).map(|f| f.raw.as_str())
    }

    /// The folder this base was loaded from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn facts(&self) -> &[Fact] {
        &self.facts
    }

    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    pub fn aliases(&self) -> &[Alias] {
        &self.aliases
    }

    pub fn fact(&self, id: &str) -> Option<&Fact> {
        self.fact_index.get(id).map(|&i| &self.facts[i])
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        self.source_index.get(id).map(|&i| &self.sources[i])
    }

    /// Facts grouped by topic, topics and facts in a stable order (topic name, then file order).
    /// The facts with `text` in any field (id, topic, question, alternates, keywords, answer,
    /// `as_of`, related ids, cited sources, quotes and notes), compared as folded words (case,
    /// accents and punctuation aside), in file order, each with the first field it was found in.
    pub fn search(&self, text: &str) -> Vec<(&Fact, &'static str)> {
        let wanted = crate::text::fold(text);
        if wanted.is_empty() {
            return Vec::new();
        }
        let has = |field: &str| crate::text::fold(field).contains(&wanted);
        self.facts
            .iter()
            .filter_map(|fact| {
                let citations = fact.sources.iter();
                let fields: [(&'static str, bool); 10] = [
                    ("id", has(&fact.id)),
                    ("question", has(&fact.question)),
                    ("alternates", fact.alternates.iter().any(|a| has(a))),
                    ("keywords", fact.keywords.iter().any(|k| has(k))),
                    ("topic", has(&fact.topic)),
                    ("answer", has(&fact.answer)),
                    ("as_of", fact.as_of.as_deref().is_some_and(has)),
                    ("related", fact.related.iter().any(|r| has(r))),
                    ("sources", citations.clone().any(|c| has(&c.source))),
                    (
                        "quotes and notes",
                        citations
                            .flat_map(|c| [c.quote.as_deref(), c.note.as_deref()])
                            .flatten()
                            .any(has),
                    ),
                ];
                fields
                    .into_iter()
                    .find(|(_, found)| *found)
                    .map(|(field, _)| (fact, field))
            })
            .collect()
    }

    pub fn topics(&self) -> BTreeMap<&str, Vec<&Fact>> {
        let mut topics: BTreeMap<&str, Vec<&Fact>> = BTreeMap::new();
        for fact in &self.facts {
            topics.entry(fact.topic.as_str()).or_default().push(fact);
        }
        topics
    }

    /// The facts that cite a source.
    pub fn facts_citing<'a>(&'a self, source_id: &'a str) -> impl Iterator<Item = &'a Fact> + 'a {
        self.facts
            .iter()
            .filter(move |f| f.sources.iter().any(|c| c.source == source_id))
    }

    fn file_of(&self, kind: FileKind) -> Option<&LoadedFile> {
        self.files.by_kind(kind)
    }
}
