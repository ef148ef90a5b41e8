//! The fact form moderators fill in on Discord, and the custom ids of the moderation modals and
//! buttons. Pure: no I/O, no Discord calls, so it is tested here.
//!
//! Discord allows five text inputs in a modal, so the form folds the fact's fields into five:
//!
//! 1. **Question, then other wordings**: the first line is the question, each further line an
//!    alternate wording (at least three are needed).
//! 2. **Answer**.
//! 3. **Topic, then keywords**: the first line is the topic, each further line a keyword (commas
//!    separate keywords too).
//! 4. **Sources**: one block per source, blocks separated by an empty line. A block's first line
//!    is a source id from `knowledge/sources/` or a URL; the following lines are the quote (the
//!    source's exact words); a line starting with `note:` is the citation's note.
//! 5. **Reason** (optional): why, for the journal and the log channel.
//!
//! Fields the form does not show (`as_of`, `related`) are kept as they are when editing.

use serenity::{CreateActionRow, CreateInputText, CreateModal, InputTextStyle};

use poise::serenity_prelude as serenity;

use crate::knowledge::{Citation, Fact};
use crate::store::Version;
use crate::text::cut;

/// Discord's limits for modals.
pub mod limits {
    pub const TITLE: usize = 45;
    pub const INPUT_VALUE: usize = 4000;
    pub const INPUT_LABEL: usize = 45;
    pub const CUSTOM_ID: usize = 100;
}

/// Every moderation custom id starts with this.
pub const PREFIX: &str = "tbm:";

/// The custom ids of the form's inputs, in order.
pub const INPUT_IDS: [&str; 5] = ["question", "answer", "topic", "sources", "reason"];

const LABELS: [&str; 5] = [
    "Question, then other wordings (1 per line)",
    "Answer",
    "Topic, then keywords (1 per line)",
    "Sources: id or URL, then quote; blank line",
    "Reason for the change (optional)",
];

const PLACEHOLDERS: [&str; 5] = [
    "Who took part in the Moscow meeting?\nWhich factions attended?\nWho was at the talks?\n…",
    "The answer, in neutral words, resting on the sources below.",
    "Participants\nfactions\ndelegations",
    "tass-2024-02-29\nThe exact words of the source.\n\nhttps://example.org/article",
    "e.g. corrected the date",
];

/// The five texts of the form, as typed (or pre-filled).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormText {
    pub question: String,
    pub answer: String,
    pub topic: String,
    pub sources: String,
    pub reason: String,
}

impl FormText {
    /// The form pre-filled from a fact (the reason empty).
    pub fn from_fact(fact: &Fact) -> FormText {
        let answer = fact.answer.trim().to_string();
        let mut question = fact.question.clone();
        for alternate in &fact.alternates {
            question.push('\n');
            question.push_str(alternate);
        }
        let mut topic = fact.topic.clone();
        for keyword in &fact.keywords {
            topic.push('\n');
            topic.push_str(keyword);
        }
        let sources = fact
            .sources
            .iter()
            .map(|citation| {
                let mut block = citation.source.clone();
                if let Some(quote) = &citation.quote {
                    for line in quote.lines().filter(|l| !l.trim().is_empty()) {
                        block.push('\n');
                        block.push_str(line.trim());
                    }
                }
                if let Some(note) = &citation.note {
                    block.push_str("\nnote: ");
                    block.push_str(&note.split_whitespace().collect::<Vec<_>>().join(" "));
                }
                block
            })
            .collect::<Vec<_>>()
            .join("\n\n");
        FormText {
            question,
            answer,
            topic,
            sources,
            reason: String::new(),
        }
    }

    /// The texts in input order.
    pub fn values(&self) -> [&str; 5] {
        [
            &self.question,
            &self.answer,
            &self.topic,
            &self.sources,
            &self.reason,
        ]
    }

    /// The form from submitted `(input custom id, value)` pairs; unknown ids are ignored.
    pub fn from_inputs<'a>(inputs: impl IntoIterator<Item = (&'a str, &'a str)>) -> FormText {
        let mut text = FormText::default();
        for (id, value) in inputs {
            let slot = match id {
                "question" => &mut text.question,
                "answer" => &mut text.answer,
                "topic" => &mut text.topic,
                "sources" => &mut text.sources,
                "reason" => &mut text.reason,
                _ => continue,
            };
            *slot = value.to_string();
        }
        text
    }

    /// Whether every text fits in a Discord text input; the message names the one that does not.
    pub fn fits(&self) -> Result<(), String> {
        for (value, label) in self.values().into_iter().zip(LABELS) {
            let chars = value.chars().count();
            if chars > limits::INPUT_VALUE {
                return Err(format!(
                    "the field \"{label}\" would be {chars} characters, more than the {} a Discord form allows",
                    limits::INPUT_VALUE
                ));
            }
        }
        Ok(())
    }

    /// The reason, if one was given.
    pub fn reason(&self) -> Option<&str> {
        Some(self.reason.trim()).filter(|r| !r.is_empty())
    }

    /// The fact the form describes, with id `id`; `as_of`, `related` and `events` come from `keep` (the
    /// fact being edited). The error says what to fix in the form; everything else (lengths,
    /// sources, quotes, mentions) is checked by the store like any other change.
    pub fn to_fact(&self, id: &str, keep: Option<&Fact>) -> Result<Fact, String> {
        let mut questions = non_empty_lines(&self.question);
        if questions.is_empty() {
            return Err(
                "the question is empty: write it on the first line of the first field".into(),
            );
        }
        let question = questions.remove(0);
        let mut topics = non_empty_lines(&self.topic);
        if topics.is_empty() {
            return Err(
                "the topic is empty: write it on the first line of the \"Topic\" field".into(),
            );
        }
        let topic = topics.remove(0);
        let keywords = topics
            .iter()
            .flat_map(|line| line.split(','))
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(str::to_string)
            .collect();
        let sources = parse_sources(&self.sources)?;
        Ok(Fact {
            id: id.to_string(),
            topic,
            question,
            alternates: questions,
            keywords,
            answer: answer_text(&self.answer),
            as_of: keep.and_then(|f| f.as_of.clone()),
            related: keep.map(|f| f.related.clone()).unwrap_or_default(),
            sources,
            events: keep.map(|f| f.events.clone()).unwrap_or_default(),
        })
    }
}

/// The answer as the shipped files hold it: trimmed, ending with a line break (empty if empty).
fn answer_text(typed: &str) -> String {
    let answer = typed.trim();
    if answer.is_empty() {
        String::new()
    } else {
        format!("{answer}\n")
    }
}

fn non_empty_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// Reads the "Sources" field: blocks separated by empty lines; each a source id or URL, then
/// the quote, and maybe a `note:` line.
fn parse_sources(text: &str) -> Result<Vec<Citation>, String> {
    let mut citations = Vec::new();
    let mut block: Vec<&str> = Vec::new();
    let lines = text.lines().map(str::trim).chain(std::iter::once(""));
    for line in lines {
        if !line.is_empty() {
            block.push(line);
            continue;
        }
        if block.is_empty() {
            continue;
        }
        let source = block[0].to_string();
        if source.contains(char::is_whitespace) {
            return Err(format!(
                "the source `{}` is not a source id or a URL: put the id or URL alone on the first line of each block, and the quote on the lines after it",
                cut(&source, 60)
            ));
        }
        let mut quote = Vec::new();
        let mut note = None;
        for line in &block[1..] {
            match line
                .get(..5)
                .filter(|head| head.eq_ignore_ascii_case("note:"))
            {
                Some(_) => note = Some(line[5..].trim().to_string()).filter(|n| !n.is_empty()),
                None => quote.push(*line),
            }
        }
        citations.push(Citation {
            source,
            quote: Some(quote.join("\n")).filter(|q| !q.is_empty()),
            note,
        });
        block.clear();
    }
    if citations.is_empty() {
        return Err("no source: every fact needs one; give a source id or a URL in the \"Sources\" field, with the quote below it".into());
    }
    Ok(citations)
}

/// What a moderation modal or button is for; carried in its custom id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModId {
    /// The form of `/fact add`.
    Add,
    /// The form of `/fact edit`, started from version `base` of fact `id`.
    Edit { id: String, base: Version },
    /// Reopens the form with the text kept under `key`.
    Reopen { key: String },
    /// Confirms removing fact `id` at version `base`; the reason, if any, is kept under `reason`.
    Remove {
        id: String,
        base: Version,
        reason: Option<String>,
    },
    /// Confirms undoing journal change `seq` to fact `id`; the reason, if any, under `reason`.
    Undo {
        id: String,
        seq: u64,
        reason: Option<String>,
    },
    /// Cancels a removal or an undo.
    Cancel,
    /// The form of "New fact" in the review queue, for entry `key` (resolved when it is saved).
    AddFor { key: String },
    /// Page `page` (from 0) of a paged view.
    Page { view: View, page: usize },
    /// The review queue's "Add as a phrasing of…" menu for entry `key` (the fact is the value
    /// chosen).
    Phrasing { key: String },
    /// Adds entry `key`'s question as a phrasing of `id`, which members picked for it.
    Accept { key: String, id: String },
    /// Takes entry `key` out of the review queue.
    Dismiss { key: String },
    /// Opens the fact form for entry `key`'s question.
    NewFact { key: String },
}

/// What a paged view shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum View {
    /// `/fact list`, of the topic whose key is given (a hash of its name), or of every topic.
    List { topic: Option<String> },
    /// `/fact history id`.
    History { id: String },
    /// `/fact unanswered`: the review queue, one entry a page.
    Queue,
}

impl ModId {
    /// The custom id, or `None` if it would be over Discord's 100 characters (very long fact ids).
    pub fn custom_id(&self) -> Option<String> {
        let id = match self {
            ModId::Add => format!("{PREFIX}add"),
            ModId::Edit { id, base } => format!("{PREFIX}edit:{base}:{id}"),
            ModId::Reopen { key } => format!("{PREFIX}reopen:{key}"),
            ModId::Remove {
                id,
                base,
                reason: None,
            } => format!("{PREFIX}rm:{base}:{id}"),
            ModId::Remove {
                id,
                base,
                reason: Some(key),
            } => format!("{PREFIX}rm:{base}:{id}:{key}"),
            ModId::Undo {
                id,
                seq,
                reason: None,
            } => format!("{PREFIX}undo:{seq}:{id}"),
            ModId::Undo {
                id,
                seq,
                reason: Some(key),
            } => format!("{PREFIX}undo:{seq}:{id}:{key}"),
            ModId::Cancel => format!("{PREFIX}cancel"),
            ModId::AddFor { key } => format!("{PREFIX}addq:{key}"),
            ModId::Page { view, page } => match view {
                View::List { topic: None } => format!("{PREFIX}pg:list:{page}"),
                View::List { topic: Some(key) } => format!("{PREFIX}pg:list:{page}:{key}"),
                View::History { id } => format!("{PREFIX}pg:hist:{page}:{id}"),
                View::Queue => format!("{PREFIX}pg:queue:{page}"),
            },
            ModId::Phrasing { key } => format!("{PREFIX}qsel:{key}"),
            ModId::Accept { key, id } => format!("{PREFIX}qacc:{key}:{id}"),
            ModId::Dismiss { key } => format!("{PREFIX}qdis:{key}"),
            ModId::NewFact { key } => format!("{PREFIX}qnew:{key}"),
        };
        (id.chars().count() <= limits::CUSTOM_ID).then_some(id)
    }

    /// Reads a custom id; `None` for anything else. Ids and keys are only checked for shape: the
    /// caller looks them up.
    pub fn parse(custom_id: &str) -> Option<ModId> {
        let rest = custom_id.strip_prefix(PREFIX)?;
        let parts: Vec<&str> = rest.split(':').collect();
        // Fact ids and draft keys are both ids in shape (see `content::is_id`).
        let word = crate::knowledge::content::is_id;
        match parts.as_slice() {
            ["add"] => Some(ModId::Add),
            ["cancel"] => Some(ModId::Cancel),
            ["edit", base, id] if word(id) => Some(ModId::Edit {
                id: id.to_string(),
                base: base.parse().ok()?,
            }),
            ["reopen", key] if word(key) => Some(ModId::Reopen {
                key: key.to_string(),
            }),
            ["rm", base, id] if word(id) => Some(ModId::Remove {
                id: id.to_string(),
                base: base.parse().ok()?,
                reason: None,
            }),
            ["rm", base, id, key] if word(id) && word(key) => Some(ModId::Remove {
                id: id.to_string(),
                base: base.parse().ok()?,
                reason: Some(key.to_string()),
            }),
            ["undo", seq, id] if word(id) => Some(ModId::Undo {
                id: id.to_string(),
                seq: seq.parse().ok()?,
                reason: None,
            }),
            ["undo", seq, id, key] if word(id) && word(key) => Some(ModId::Undo {
                id: id.to_string(),
                seq: seq.parse().ok()?,
                reason: Some(key.to_string()),
            }),
            ["addq", key] if word(key) => Some(ModId::AddFor {
                key: key.to_string(),
            }),
            ["pg", kind, page, rest @ ..] => {
                let page = page.parse().ok()?;
                let view = match (*kind, rest) {
                    ("list", []) => View::List { topic: None },
                    ("list", [key]) if word(key) => View::List {
                        topic: Some(key.to_string()),
                    },
                    ("hist", [id]) if word(id) => View::History { id: id.to_string() },
                    ("queue", []) => View::Queue,
                    _ => return None,
                };
                Some(ModId::Page { view, page })
            }
            ["qsel", key] if word(key) => Some(ModId::Phrasing {
                key: key.to_string(),
            }),
            ["qacc", key, id] if word(key) && word(id) => Some(ModId::Accept {
                key: key.to_string(),
                id: id.to_string(),
            }),
            ["qdis", key] if word(key) => Some(ModId::Dismiss {
                key: key.to_string(),
            }),
            ["qnew", key] if word(key) => Some(ModId::NewFact {
                key: key.to_string(),
            }),
            _ => None,
        }
    }
}

/// The fact form as a modal titled `title` (cut to fit), pre-filled with `text`. The caller
/// checks [`FormText::fits`] first: Discord refuses a longer pre-filled value.
pub fn modal(custom_id: String, title: &str, text: &FormText) -> CreateModal {
    let rows = INPUT_IDS
        .iter()
        .zip(LABELS)
        .zip(PLACEHOLDERS)
        .zip(text.values())
        .enumerate()
        .map(|(i, (((id, label), placeholder), value))| {
            let style = if i == 4 {
                InputTextStyle::Short
            } else {
                InputTextStyle::Paragraph
            };
            let mut input = CreateInputText::new(style, label, *id)
                .placeholder(cut(placeholder, 100))
                .required(i != 4)
                .max_length(if i == 4 {
                    500
                } else {
                    limits::INPUT_VALUE as u16
                });
            if !value.is_empty() {
                input = input.value(value);
            }
            CreateActionRow::InputText(input)
        })
        .collect();
    CreateModal::new(custom_id, cut(title, limits::TITLE)).components(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact() -> Fact {
        Fact {
            id: "meeting-dates".into(),
            topic: "Dates".into(),
            question: "When was the meeting?".into(),
            alternates: vec![
                "When did it start?".into(),
                "What dates?".into(),
                "How long?".into(),
            ],
            keywords: vec!["dates".into(), "february".into()],
            answer: "From 29 February to 1 March 2024.\n".into(),
            as_of: Some("2024-03-01".into()),
            related: vec!["venue".into()],
            sources: vec![
                Citation {
                    source: "tass-1".into(),
                    quote: Some("The meeting began on 29 February".into()),
                    note: None,
                },
                Citation {
                    source: "reuters-2".into(),
                    quote: None,
                    note: Some("gives 1 March".into()),
                },
            ],
            events: Vec::new(),
        }
    }

    #[test]
    fn a_fact_survives_the_form() {
        let fact = fact();
        let text = FormText::from_fact(&fact);
        assert!(text.fits().is_ok());
        assert_eq!(text.to_fact("meeting-dates", Some(&fact)).unwrap(), fact);
        assert_eq!(
            text.sources,
            "tass-1\nThe meeting began on 29 February\n\nreuters-2\nnote: gives 1 March"
        );
    }

    #[test]
    fn typed_text_is_read_leniently() {
        let text = FormText {
            question: "\n  Who came? \nwho attended\n\nwhich groups\n".into(),
            answer: " Fourteen factions. ".into(),
            topic: "Participants\nfactions, groups\n delegations ".into(),
            sources:
                "\n\nhttps://example.org/a\nfirst line\nsecond line\n\n\nsrc-2\nNOTE: a note\n"
                    .into(),
            reason: "  ".into(),
        };
        let fact = text.to_fact("who-came", None).unwrap();
        assert_eq!(fact.question, "Who came?");
        assert_eq!(fact.alternates, ["who attended", "which groups"]);
        assert_eq!(fact.keywords, ["factions", "groups", "delegations"]);
        assert_eq!(fact.answer, "Fourteen factions.\n");
        assert_eq!(fact.sources.len(), 2);
        assert_eq!(
            fact.sources[0].quote.as_deref(),
            Some("first line\nsecond line")
        );
        assert_eq!(fact.sources[1].note.as_deref(), Some("a note"));
        assert_eq!(fact.sources[1].quote, None);
        assert_eq!(text.reason(), None);
        assert!(fact.related.is_empty() && fact.as_of.is_none());
    }

    #[test]
    fn form_mistakes_are_named() {
        let good = FormText::from_fact(&fact());
        let missing = |edit: fn(&mut FormText)| {
            let mut text = good.clone();
            edit(&mut text);
            text.to_fact("x", None).unwrap_err()
        };
        assert!(missing(|t| t.question = " \n".into()).contains("question"));
        assert!(missing(|t| t.topic.clear()).contains("topic"));
        assert!(missing(|t| t.sources = "\n \n".into()).contains("no source"));
        assert!(missing(|t| t.sources = "TASS said this".into()).contains("not a source id"));
        let mut long = good.clone();
        long.answer = "a".repeat(4001);
        assert!(long.fits().unwrap_err().contains("Answer"));
    }

    #[test]
    fn custom_ids_round_trip_and_fit() {
        let base: Version = "0123456789abcdef".parse().unwrap();
        for id in [
            ModId::Add,
            ModId::Cancel,
            ModId::Edit {
                id: "meeting-dates".into(),
                base,
            },
            ModId::Reopen { key: "k1a".into() },
            ModId::Remove {
                id: "meeting-dates".into(),
                base,
                reason: None,
            },
            ModId::Remove {
                id: "meeting-dates".into(),
                base,
                reason: Some("k2".into()),
            },
            ModId::AddFor {
                key: base.to_string(),
            },
            ModId::Page {
                view: View::Queue,
                page: 3,
            },
            ModId::Page {
                view: View::List { topic: None },
                page: 0,
            },
            ModId::Page {
                view: View::List {
                    topic: Some(base.to_string()),
                },
                page: 1,
            },
            ModId::Page {
                view: View::History {
                    id: "meeting-dates".into(),
                },
                page: 2,
            },
            ModId::Phrasing {
                key: base.to_string(),
            },
            ModId::Accept {
                key: base.to_string(),
                id: "meeting-dates".into(),
            },
            ModId::Dismiss {
                key: base.to_string(),
            },
            ModId::NewFact {
                key: base.to_string(),
            },
        ] {
            let text = id.custom_id().unwrap();
            assert!(text.len() <= 100 && text.starts_with(PREFIX));
            assert_eq!(ModId::parse(&text), Some(id));
        }
        let long = ModId::Edit {
            id: "x".repeat(90),
            base,
        };
        assert_eq!(long.custom_id(), None);
        for bad in [
            "tb:up:x",
            "tbm:edit:nothex:x",
            "tbm:edit:0123456789abcdef:Bad_Id",
            "tbm:rm:0123456789abcdef",
            "tbm:what",
        ] {
            assert_eq!(ModId::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn labels_and_titles_fit() {
        for label in LABELS {
            assert!(label.chars().count() <= limits::INPUT_LABEL, "{label}");
        }
        for placeholder in PLACEHOLDERS {
            assert!(placeholder.chars().count() <= 100, "{placeholder}");
        }
        let modal = modal("tbm:add".into(), &"t".repeat(80), &FormText::default());
        let json = serde_json::to_value(&modal).unwrap();
        assert_eq!(json["title"].as_str().unwrap().chars().count(), 45);
        assert_eq!(json["components"].as_array().unwrap().len(), 5);
    }
}
