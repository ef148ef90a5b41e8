//! The bot's fixed texts (declines, "did you mean", labels such as "Sources") in every
//! language it reads: one TOML catalogue per language, `src/messages/<code>.toml`, compiled in.
//! Every catalogue has every key: serde refuses a missing or unknown one, and a test loads
//! them all, so a new text is a compile error here and a test failure until each language
//! has it.

use serde::Deserialize;

use crate::text::Lang;

/// One language's fixed texts.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Messages {
    /// What the bot says to a greeting or a request for help.
    pub help: String,
    /// What it says when it cannot answer.
    pub decline: String,
    /// What it says when it has candidates but is not sure (before the suggestions).
    pub unsure: String,
    /// What it says to an empty question.
    pub empty: String,
    /// The notice added when a question was cut; `{max}` is the number of characters read.
    truncated: String,
    /// Heading of the sources.
    pub sources: String,
    /// Heading of the follow-up questions.
    pub also_ask: String,
    /// Label of a note on a source whose text is not stored: our words, not a quotation.
    pub our_summary: String,
    /// "fact", in the footer.
    pub fact: String,
    /// "as of", in the footer.
    pub as_of: String,
    /// One line added when the answer is shown in English because its translation is stale.
    pub stale: String,
    /// One line added when the answer is shown in English because it has no translation.
    pub untranslated: String,
    /// How a quotation is marked in this language; `{text}` is the quotation.
    quoted: String,
    /// Heading of the whole timeline.
    pub timeline: String,
    /// Heading of the part of the timeline before the meeting.
    pub timeline_before: String,
    /// Heading of the part of the timeline after the meeting.
    pub timeline_after: String,
    /// What the bot says when no event is in the range asked for.
    pub timeline_none: String,
    /// Before another date some sources give for an event.
    pub other_date: String,
    /// What members see on Discord.
    pub discord: DiscordTexts,
}

impl Messages {
    /// The notice for a question cut to `max` characters.
    pub fn truncated(&self, max: usize) -> String {
        self.truncated.replace("{max}", &max.to_string())
    }

    /// A quotation marked as this language marks them (“…”, «…», « … »).
    pub fn quoted(&self, text: &str) -> String {
        fill(&self.quoted, &[("text", text)])
    }
}

/// The texts of the Discord front end; `{n}`, `{seconds}` and `{question}` are filled in with
/// [`fill`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiscordTexts {
    /// The embed's author line: `{question}` is the member's question.
    pub asked: String,
    /// Before the list of commands in the help reply.
    pub hints: String,
    /// Added to a decline.
    pub decline_hint: String,
    /// The title of the "did you mean" embed.
    pub did_you_mean: String,
    /// Its footer.
    pub press_a_question: String,
    /// Buttons.
    pub none_of_these: String,
    pub helpful: String,
    pub not_helpful: String,
    /// The field naming sources left out of an answer (`{n}` of them).
    pub more_sources: String,
    pub more_sources_value: String,
    /// Added to a footer when fields were dropped to fit (`{n}`).
    pub not_shown: String,
    /// After a vote, and after "None of these".
    pub thanks_vote: String,
    pub thanks_noted: String,
    /// A button names a fact that is gone, or is not one of ours.
    pub gone: String,
    pub old_button: String,
    /// Something failed on our side.
    pub apology: String,
    /// The "Delete" button under an answer, and what its press says: to someone other than
    /// the asker or a moderator, after the window (`{minutes}`), and when done.
    pub delete: String,
    pub delete_not_yours: String,
    pub delete_too_late: String,
    pub deleted: String,
    /// Cooldowns, for the member (`{seconds}`) and for the channel.
    pub wait_user: String,
    pub wait_channel: String,
    /// The message command on a message without text.
    pub no_text: String,
    /// `/sources fact:` for a question without an answer.
    pub no_answer: String,
    /// `/topics`.
    pub topics_title: String,
    pub topics_intro: String,
    /// `/sources`: the title (`{n}` sources), the title for one answer (`{question}`), how
    /// many facts cite a source (`{n}`), the footer.
    pub sources_title: String,
    pub sources_for: String,
    pub cited_by: String,
    pub sources_footer: String,
    /// `/about`: title, introduction, and its field names.
    pub about_title: String,
    pub about_intro: String,
    pub facts: String,
    pub topics: String,
    pub languages: String,
    pub changed: String,
    /// The button under an answer whose fact has events, and the title of the picture it
    /// shows (`{events}`: their labels).
    pub on_the_timeline: String,
    pub timeline_on: String,
    /// `/timeline` over a range: from (`{from}`), up to (`{to}`), or between them.
    pub timeline_from: String,
    pub timeline_to: String,
    pub timeline_between: String,
    /// After an event, another date some sources give (`{dates}`, by `{outlets}`).
    pub timeline_also: String,
    /// The events that did not fit in the list (`{n}`), with and without the picture.
    pub timeline_more: String,
    pub timeline_more_no_picture: String,
    /// The footer of the timeline (`{n}` events).
    pub timeline_footer: String,
    /// A `/timeline` date that does not read (`{option}`, `{given}`), and a range the wrong
    /// way round (`{from}`, `{to}`).
    pub timeline_bad_date: String,
    pub timeline_reversed: String,
    /// The twelve month names, January first, separated by spaces (a month in words).
    months: String,
    /// What Discord shows beside the slash commands.
    pub commands: CommandTexts,
}

/// The descriptions of the slash commands and their options, at most 100 characters each.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommandTexts {
    pub ask: String,
    pub ask_question: String,
    pub ask_private: String,
    pub topics: String,
    pub sources: String,
    pub sources_fact: String,
    pub about: String,
    pub help: String,
    pub timeline: String,
    pub timeline_from: String,
    pub timeline_to: String,
}

impl DiscordTexts {
    /// The name of month `month` (1 to 12) in this language; the number itself if the
    /// catalogue lacks it (a test checks every catalogue has twelve).
    pub fn month(&self, month: u8) -> std::borrow::Cow<'_, str> {
        match self
            .months
            .split_whitespace()
            .nth(usize::from(month).wrapping_sub(1))
        {
            Some(name) => name.into(),
            None => month.to_string().into(),
        }
    }
}

/// A template with its `{name}` placeholders filled in.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

static CATALOGUES: std::sync::LazyLock<Vec<Messages>> = std::sync::LazyLock::new(|| {
    Lang::all()
        .map(|lang| {
            toml::from_str(lang.rules().catalogue()).unwrap_or_else(|e| {
                panic!(
                    "src/messages/{}.toml is checked by a test: {e}",
                    lang.code()
                )
            })
        })
        .collect()
});

/// The fixed texts of a language.
pub fn messages(lang: Lang) -> &'static Messages {
    &CATALOGUES[lang.index()]
}

/// What the bot says, in English, to a question in a language it does not read: the
/// languages it reads, each in its own name.
pub fn unsupported(language: &str) -> String {
    let names: Vec<String> = Lang::all()
        .map(|l| {
            if l.name() == l.native_name() {
                l.name().to_string()
            } else {
                format!("{} ({})", l.native_name(), l.name())
            }
        })
        .collect();
    let (last, rest) = names.split_last().expect("at least one language");
    format!(
        "I can't read {language} yet. I read {} and {last}: please ask in one of them.",
        rest.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every text of a catalogue as (dotted key, text).
    fn texts(value: &toml::Value, prefix: &str, out: &mut Vec<(String, String)>) {
        match value {
            toml::Value::String(text) => out.push((prefix.to_string(), text.clone())),
            toml::Value::Table(table) => {
                for (key, value) in table {
                    let key = if prefix.is_empty() {
                        key.clone()
                    } else {
                        format!("{prefix}.{key}")
                    };
                    texts(value, &key, out);
                }
            }
            other => panic!("{prefix}: {other} is not a text"),
        }
    }

    /// The `{placeholders}` of a text.
    fn placeholders(text: &str) -> Vec<&str> {
        let mut found: Vec<&str> = text
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect();
        found.sort_unstable();
        found
    }

    #[test]
    fn every_catalogue_is_complete_and_filled_in() {
        let english: toml::Value = toml::from_str(Lang::EN.rules().catalogue()).unwrap();
        let mut english_texts = Vec::new();
        texts(&english, "", &mut english_texts);
        for lang in Lang::all() {
            let text = lang.rules().catalogue();
            // serde refuses a missing or unknown key, here and at start-up.
            let parsed: Result<Messages, _> = toml::from_str(text);
            let m = parsed.unwrap_or_else(|e| panic!("{lang}: {e}"));
            let mut all = Vec::new();
            texts(&toml::from_str(text).unwrap(), "", &mut all);
            assert_eq!(all.len(), english_texts.len(), "{lang}");
            for ((key, value), (english_key, english_value)) in all.iter().zip(&english_texts) {
                assert_eq!(key, english_key, "{lang}: the same keys as English");
                assert!(!value.trim().is_empty(), "{lang}: {key} is empty");
                assert!(!crate::text::contains_mention(value), "{lang}: {key}");
                assert_eq!(
                    placeholders(value),
                    placeholders(english_value),
                    "{lang}: {key} keeps English's placeholders"
                );
            }
            for (key, description) in [
                ("ask", &m.discord.commands.ask),
                ("ask_question", &m.discord.commands.ask_question),
                ("topics", &m.discord.commands.topics),
                ("sources", &m.discord.commands.sources),
                ("sources_fact", &m.discord.commands.sources_fact),
                ("about", &m.discord.commands.about),
                ("help", &m.discord.commands.help),
                ("timeline", &m.discord.commands.timeline),
                ("timeline_from", &m.discord.commands.timeline_from),
                ("timeline_to", &m.discord.commands.timeline_to),
            ] {
                let chars = description.chars().count();
                assert!(
                    chars <= 100,
                    "{lang}: discord.commands.{key} has {chars} characters, Discord takes 100"
                );
            }
            for (key, label) in [
                ("helpful", &m.discord.helpful),
                ("not_helpful", &m.discord.not_helpful),
                ("none_of_these", &m.discord.none_of_these),
                ("on_the_timeline", &m.discord.on_the_timeline),
            ] {
                assert!(
                    label.chars().count() <= 80,
                    "{lang}: discord.{key} is a button label"
                );
            }
            assert!(m.truncated(1000).contains("1000"));
            assert!(m.quoted("x").contains('x'));
            assert_eq!(
                m.discord.months.split_whitespace().count(),
                12,
                "{lang}: discord.months names twelve months"
            );
            assert_ne!(m.discord.month(12), "12", "{lang}");
        }
    }

    #[test]
    fn templates_are_filled() {
        assert_eq!(fill("{n} more; see {n}", &[("n", "3")]), "3 more; see 3");
        assert_eq!(fill("no {x}", &[("n", "3")]), "no {x}");
        assert_eq!(messages(Lang::EN).quoted("We met."), "“We met.”");
    }

    #[test]
    fn catalogues_differ_by_language() {
        let en = messages(Lang::EN);
        for lang in Lang::all().filter(|&l| l != Lang::EN) {
            assert_ne!(messages(lang).decline, en.decline, "{lang} is translated");
        }
    }

    #[test]
    fn the_unsupported_reply_names_every_language() {
        let text = unsupported("German");
        assert!(text.contains("German"));
        for lang in Lang::all() {
            assert!(text.contains(lang.native_name()), "{text}");
        }
    }
}
