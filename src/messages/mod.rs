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
}

impl Messages {
    /// The notice for a question cut to `max` characters.
    pub fn truncated(&self, max: usize) -> String {
        self.truncated.replace("{max}", &max.to_string())
    }
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

    #[test]
    fn every_catalogue_is_complete_and_filled_in() {
        for lang in Lang::all() {
            let text = lang.rules().catalogue();
            let parsed: Result<Messages, _> = toml::from_str(text);
            let m = parsed.unwrap_or_else(|e| panic!("{lang}: {e}"));
            let Messages {
                help,
                decline,
                unsure,
                empty,
                truncated,
                sources,
                also_ask,
                our_summary,
                fact,
                as_of,
                stale,
                untranslated,
                timeline,
                timeline_before,
                timeline_after,
                timeline_none,
                other_date,
            } = &m;
            for (key, value) in [
                ("help", help),
                ("decline", decline),
                ("unsure", unsure),
                ("empty", empty),
                ("truncated", truncated),
                ("sources", sources),
                ("also_ask", also_ask),
                ("our_summary", our_summary),
                ("fact", fact),
                ("as_of", as_of),
                ("stale", stale),
                ("untranslated", untranslated),
                ("timeline", timeline),
                ("timeline_before", timeline_before),
                ("timeline_after", timeline_after),
                ("timeline_none", timeline_none),
                ("other_date", other_date),
            ] {
                assert!(!value.trim().is_empty(), "{lang}: {key} is empty");
                assert!(!crate::text::contains_mention(value), "{lang}: {key}");
            }
            assert!(
                truncated.contains("{max}"),
                "{lang}: truncated needs {{max}}"
            );
            assert!(m.truncated(1000).contains("1000"));
        }
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
