//! What the bot says: an [`Answer`] with its fact, sources, suggestions and follow-ups, and the
//! front-end-neutral ways to show it (plain text for the terminal, JSON for scripts). The words
//! of the bot's fixed replies live here so every front end says the same thing.

use std::fmt::Write as _;

use serde_json::{json, Value};

use crate::knowledge::{Fact, KnowledgeBase, Source};
use crate::messages::messages;
use crate::text::{Lang, TimelineRequest, MAX_INPUT_CHARS};
use crate::timeline::Timeline;

/// What the bot says to a greeting or a request for help, before the front end's own hints.
pub const HELP_TEXT: &str = "I answer questions about the intra-Palestinian meeting held in Moscow under Russian \
auspices from 29 February 2024 (Hamas, Fatah, Islamic Jihad and other factions; opened by Sergei Lavrov) and its \
context, and every answer comes with its sources. Try \"Who took part?\", \"What did Lavrov say?\" or \"What came \
out of the meeting?\"";
/// What the bot says when it cannot answer.
pub const DECLINE_TEXT: &str =
    "I don't know that one. I only answer questions about the intra-Palestinian meeting \
in Moscow (February-March 2024) and its context, from facts with sources.";
/// What the bot says when it has candidates but is not sure.
pub const UNSURE_TEXT: &str = "I'm not sure I understood. Did you mean:";
/// What the bot says to an empty question.
pub const EMPTY_TEXT: &str =
    "Please ask a question in words, for example \"Who took part in the Moscow meeting?\"";

/// The notice added when a question was cut.
pub fn truncated_notice() -> String {
    format!("Your question was long, so I read only its first {MAX_INPUT_CHARS} characters.")
}

/// How a question was handled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome<'a> {
    /// A fact answers it.
    Answered(&'a Fact),
    /// Not sure: see the suggestions.
    Unsure,
    /// Nothing in the base answers it.
    Declined,
    /// A greeting or a request for help.
    Help,
    /// No words at all.
    Empty,
    /// Written in a language the bot does not read (its English name).
    Unsupported(&'static str),
    /// A request for the timeline, or the part of it asked for.
    Timeline(TimelineRequest),
}

impl Outcome<'_> {
    pub fn name(&self) -> &'static str {
        match self {
            Outcome::Answered(_) => "answered",
            Outcome::Unsure => "unsure",
            Outcome::Declined => "declined",
            Outcome::Help => "help",
            Outcome::Empty => "empty",
            Outcome::Unsupported(_) => "unsupported",
            Outcome::Timeline(_) => "timeline",
        }
    }
}

/// A source as cited by an answer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CitedSource<'a> {
    pub source: &'a Source,
    pub quote: Option<&'a str>,
    /// What this source says, where sources disagree.
    pub note: Option<&'a str>,
}

impl<'a> CitedSource<'a> {
    /// A fact's citations whose sources are in the base, in the fact's order.
    pub fn of(kb: &'a KnowledgeBase, fact: &'a Fact) -> Vec<CitedSource<'a>> {
        fact.sources
            .iter()
            .filter_map(|c| {
                kb.source(&c.source).map(|source| CitedSource {
                    source,
                    quote: c.quote.as_deref(),
                    note: c.note.as_deref(),
                })
            })
            .collect()
    }

    /// The citation as JSON: `source_id`, `title`, `outlet`, `date`, `url`, `quote`, `note`.
    pub fn to_json(&self) -> Value {
        json!({
            "source_id": self.source.id,
            "title": self.source.title,
            "outlet": self.source.outlet,
            "date": self.source.date,
            "url": self.source.url,
            "quote": self.quote,
            "note": self.note,
        })
    }
}

/// A source as an answer shows it: once, with everything the answer takes from it (each
/// quote, each note), in the order the fact first cites it.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceGroup<'a> {
    pub source: &'a Source,
    /// The source's exact words the answer rests on (only sources with stored text have them).
    pub quotes: Vec<&'a str>,
    /// What the source says, in our words. For a source without stored text this is our
    /// summary, not a quotation.
    pub notes: Vec<&'a str>,
}

impl<'a> SourceGroup<'a> {
    /// A fact's sources, each once, in the order of first citation; citations of sources the
    /// base lacks are left out.
    pub fn of(kb: &'a KnowledgeBase, fact: &'a Fact) -> Vec<SourceGroup<'a>> {
        let mut groups: Vec<SourceGroup<'a>> = Vec::new();
        for cited in CitedSource::of(kb, fact) {
            let at = match groups.iter().position(|g| g.source.id == cited.source.id) {
                Some(at) => at,
                None => {
                    groups.push(SourceGroup {
                        source: cited.source,
                        quotes: Vec::new(),
                        notes: Vec::new(),
                    });
                    groups.len() - 1
                }
            };
            let group = &mut groups[at];
            group.quotes.extend(cited.quote.map(str::trim));
            group.notes.extend(cited.note.map(str::trim));
        }
        groups
    }

    /// Whether the source's text is stored (so its quotes were checked against it); when it is
    /// not, its notes are our summary of it.
    pub fn has_text(&self) -> bool {
        self.source.body.is_some()
    }

    /// The group as JSON: `source_id`, `title`, `outlet`, `date`, `url`, `stored_text`,
    /// `quotes`, `notes`.
    pub fn to_json(&self) -> Value {
        json!({
            "source_id": self.source.id,
            "title": self.source.title,
            "outlet": self.source.outlet,
            "date": self.source.date,
            "url": self.source.url,
            "stored_text": self.has_text(),
            "quotes": self.quotes,
            "notes": self.notes,
        })
    }
}

/// The bot's reply to one question.
#[derive(Debug, Clone)]
pub struct Answer<'a> {
    /// The question as read: control and invisible characters removed, cut if too long.
    pub question: String,
    pub truncated: bool,
    pub outcome: Outcome<'a>,
    /// How sure the matcher is of the best fact, in [0, 1].
    pub confidence: f32,
    /// "Did you mean" candidates, when unsure.
    pub suggestions: Vec<&'a Fact>,
    /// Follow-up questions, when answered.
    pub related: Vec<&'a Fact>,
    /// The most likely fact, answered or not (what `confidence` is about).
    pub best: Option<&'a Fact>,
    /// The language the question was read in, and the reply is written in.
    pub language: Lang,
    kb: &'a KnowledgeBase,
}

impl<'a> Answer<'a> {
    pub(crate) fn new(kb: &'a KnowledgeBase, question: String, truncated: bool) -> Self {
        Answer {
            question,
            truncated,
            outcome: Outcome::Declined,
            confidence: 0.0,
            suggestions: Vec::new(),
            related: Vec::new(),
            best: None,
            language: Lang::EN,
            kb,
        }
    }

    pub fn fact(&self) -> Option<&'a Fact> {
        match self.outcome {
            Outcome::Answered(fact) => Some(fact),
            _ => None,
        }
    }

    pub fn is_answered(&self) -> bool {
        self.fact().is_some()
    }

    /// The sources of the answer, each once with its quotes and notes.
    pub fn sources(&self) -> Vec<SourceGroup<'a>> {
        self.fact()
            .map_or_else(Vec::new, |fact| SourceGroup::of(self.kb, fact))
    }

    /// The sources of the answer, in the fact's order, one entry per citation.
    pub fn citations(&self) -> Vec<CitedSource<'a>> {
        let Some(fact) = self.fact() else {
            return Vec::new();
        };
        CitedSource::of(self.kb, fact)
    }

    /// The fixed reply for an outcome without a fact, in the answer's language.
    pub fn message(&self) -> Option<String> {
        let m = messages(self.language);
        match self.outcome {
            Outcome::Answered(_) => None,
            Outcome::Unsure => Some(m.unsure.clone()),
            Outcome::Declined => Some(m.decline.clone()),
            Outcome::Help => Some(m.help.clone()),
            Outcome::Empty => Some(m.empty.clone()),
            Outcome::Unsupported(language) => Some(crate::messages::unsupported(language)),
            Outcome::Timeline(TimelineRequest::All) => Some(m.timeline.clone()),
            Outcome::Timeline(TimelineRequest::Before) => Some(m.timeline_before.clone()),
            Outcome::Timeline(TimelineRequest::After) => Some(m.timeline_after.clone()),
        }
    }

    /// The events a timeline answer lists (empty for any other outcome).
    pub fn timeline(&self) -> Timeline<'a> {
        match self.outcome {
            Outcome::Timeline(request) => {
                Timeline::in_language(self.kb, self.language).part(request)
            }
            _ => Timeline::default(),
        }
    }

    /// The answer's text in the answer's language: the fact's translation, or its English text
    /// with a note saying why (the translation is stale, or there is none yet).
    pub fn text(&self) -> Option<AnswerText<'a>> {
        let fact = self.fact()?;
        Some(AnswerText::of(self.kb, fact, self.language))
    }

    /// A fact's question as the reply shows it (a suggestion, a follow-up): in the answer's
    /// language where the fact has a translation, else in English.
    pub fn question_of(&self, fact: &'a Fact) -> &'a str {
        question_in(self.kb, fact, self.language)
    }

    /// The answer as one JSON object (the shape `talks-bot ask --json` prints).
    pub fn to_json(&self) -> Value {
        let fact = self.fact();
        let text = self.text();
        let pairs = |facts: &[&'a Fact]| -> Vec<Value> {
            facts
                .iter()
                .map(|f| json!({"fact_id": f.id, "question": self.question_of(f)}))
                .collect()
        };
        json!({
            "question": self.question,
            "answered": fact.is_some(),
            "outcome": self.outcome.name(),
            "fact_id": fact.map(|f| f.id.as_str()),
            "confidence": (f64::from(self.confidence) * 1000.0).round() / 1000.0,
            "language": self.language.code(),
            "answer": text.as_ref().map(|t| t.text.trim()),
            "translation": text.as_ref().and_then(|t| t.state.name()),
            "as_of": fact.and_then(|f| f.as_of.as_deref()),
            "message": self.message(),
            "truncated": self.truncated,
            "sources": self.sources().iter().map(SourceGroup::to_json).collect::<Vec<_>>(),
            "suggestions": pairs(&self.suggestions),
            "related": pairs(&self.related),
            "timeline": match self.outcome {
                Outcome::Timeline(request) => {
                    let mut value = self.timeline().to_json();
                    value["part"] = request.name().into();
                    value
                }
                _ => Value::Null,
            },
        })
    }

    /// The answer as plain text for a terminal, in the answer's language.
    pub fn to_text(&self) -> String {
        let m = messages(self.language);
        let mut out = String::new();
        if self.truncated {
            let _ = writeln!(out, "({})\n", m.truncated(MAX_INPUT_CHARS));
        }
        match (self.fact(), self.text()) {
            (Some(fact), Some(text)) => {
                if let Some(note) = text.note(self.language) {
                    let _ = writeln!(out, "({note})\n");
                }
                let _ = writeln!(out, "{}", text.text.trim());
                let _ = writeln!(out, "\n{}:", m.sources);
                for (i, group) in self.sources().iter().enumerate() {
                    let _ = writeln!(out, "  [{}] {}", i + 1, source_line(group.source));
                    for quote in &group.quotes {
                        let _ = writeln!(out, "      \"{quote}\"");
                    }
                    for note in &group.notes {
                        if group.has_text() {
                            let _ = writeln!(out, "      ({note})");
                        } else {
                            let _ = writeln!(out, "      {}: {note}", m.our_summary);
                        }
                    }
                }
                if !self.related.is_empty() {
                    let _ = writeln!(out, "\n{}:", m.also_ask);
                    for fact in &self.related {
                        let _ = writeln!(out, "  - {}", self.question_of(fact));
                    }
                }
                let _ = write!(
                    out,
                    "\n[{} {} | confidence {:.2}",
                    m.fact, fact.id, self.confidence
                );
                if let Some(as_of) = &fact.as_of {
                    let _ = write!(out, " | {} {as_of}", m.as_of);
                }
                let _ = writeln!(out, "]");
            }
            _ if matches!(self.outcome, Outcome::Timeline(_)) => {
                let _ = writeln!(out, "{}\n", self.message().unwrap_or_default());
                let _ = write!(out, "{}", self.timeline().to_text(self.language));
            }
            _ => {
                let _ = writeln!(out, "{}", self.message().unwrap_or_default());
                for fact in &self.suggestions {
                    let _ = writeln!(out, "  - {}", self.question_of(fact));
                }
            }
        }
        out
    }
}

/// Which text of a fact an answer shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextState {
    /// The English fact, to an English question.
    English,
    /// A translation made from the current English answer.
    Fresh,
    /// The English text: the translation is older than the English answer.
    Stale,
    /// The English text: there is no translation into the question's language.
    Missing,
}

impl TextState {
    /// The state as `ask --json` names it (`null` for English).
    pub fn name(self) -> Option<&'static str> {
        match self {
            TextState::English => None,
            TextState::Fresh => Some("fresh"),
            TextState::Stale => Some("stale"),
            TextState::Missing => Some("missing"),
        }
    }
}

/// An answer's text as shown, and whether it is the translation asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnswerText<'a> {
    pub text: &'a str,
    pub state: TextState,
}

impl<'a> AnswerText<'a> {
    /// A fact's answer in a language, falling back to English.
    pub fn of(kb: &'a KnowledgeBase, fact: &'a Fact, lang: Lang) -> AnswerText<'a> {
        if lang == Lang::EN {
            return AnswerText {
                text: &fact.answer,
                state: TextState::English,
            };
        }
        match kb.translation(lang, &fact.id) {
            Some(t) if !t.is_stale(fact) => AnswerText {
                text: &t.answer,
                state: TextState::Fresh,
            },
            Some(_) => AnswerText {
                text: &fact.answer,
                state: TextState::Stale,
            },
            None => AnswerText {
                text: &fact.answer,
                state: TextState::Missing,
            },
        }
    }

    /// The one-line note, in the asker's language, when the text is English for another
    /// reason than an English question.
    pub fn note(&self, lang: Lang) -> Option<&'static str> {
        let m = messages(lang);
        match self.state {
            TextState::Stale => Some(m.stale.as_str()),
            TextState::Missing => Some(m.untranslated.as_str()),
            TextState::English | TextState::Fresh => None,
        }
    }
}

/// A fact's question in a language where it has a translation, else in English.
pub fn question_in<'a>(kb: &'a KnowledgeBase, fact: &'a Fact, lang: Lang) -> &'a str {
    kb.translation(lang, &fact.id)
        .map_or(fact.question.as_str(), |t| t.question.as_str())
}

/// One line naming a source: outlet, title, date, link.
pub fn source_line(source: &Source) -> String {
    let mut line = source.outlet.clone();
    if let Some(title) = &source.title {
        let _ = write!(line, ", \"{title}\"");
    }
    if let Some(date) = &source.date {
        let _ = write!(line, ", {date}");
    }
    let _ = write!(line, ", {}", source.url);
    line
}
