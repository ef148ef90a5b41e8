//! The custom ids of the answer buttons (votes, follow-ups, suggestions, "None of these",
//! "Delete", "On the timeline"): made and read here only. Each carries the language of the
//! answer it sits under, so that
//! what a press brings (the follow-up's answer, the thanks) is in that language:
//! `tb:up:fr:meeting-dates`. Ids without a language (buttons sent before there was one) are
//! read as English.

use super::limits;
use crate::knowledge::content;
use crate::text::Lang;

/// What a button does when pressed; carried in its custom id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// A vote on the answer with this fact.
    Vote {
        helpful: bool,
        fact_id: String,
        lang: Lang,
    },
    /// Answer with this fact (a follow-up question or a "did you mean" suggestion).
    Ask { fact_id: String, lang: Lang },
    /// None of the suggestions fit.
    NoneOfThese { lang: Lang },
    /// Delete this answer: the member `asker` who asked (or a moderator) may, for a while.
    Delete { asker: u64, lang: Lang },
    /// Show the timeline with this fact's events highlighted.
    Timeline { fact_id: String, lang: Lang },
}

impl Action {
    /// The language of the answer the button is on.
    pub fn lang(&self) -> Lang {
        match self {
            Action::Vote { lang, .. }
            | Action::Ask { lang, .. }
            | Action::NoneOfThese { lang }
            | Action::Delete { lang, .. }
            | Action::Timeline { lang, .. } => *lang,
        }
    }

    /// The custom id, or `None` if it would be over Discord's 100 characters.
    pub fn custom_id(&self) -> Option<String> {
        let id = match self {
            Action::Vote {
                helpful,
                fact_id,
                lang,
            } => {
                let kind = if *helpful { "up" } else { "down" };
                format!("tb:{kind}:{lang}:{fact_id}")
            }
            Action::Ask { fact_id, lang } => format!("tb:ask:{lang}:{fact_id}"),
            Action::NoneOfThese { lang } => format!("tb:none:{lang}"),
            Action::Delete { asker, lang } => format!("tb:del:{lang}:{asker}"),
            Action::Timeline { fact_id, lang } => format!("tb:tl:{lang}:{fact_id}"),
        };
        (id.chars().count() <= limits::CUSTOM_ID).then_some(id)
    }

    /// Reads a custom id; `None` for anything this bot did not make. The fact id is not
    /// trusted: the caller checks that it names a fact.
    pub fn parse(custom_id: &str) -> Option<Action> {
        let rest = custom_id.strip_prefix("tb:")?;
        let parts: Vec<&str> = rest.split(':').collect();
        let lang = |code: &str| Lang::from_code(code).filter(|l| l.code() == code);
        let fact = |id: &str| content::is_id(id).then(|| id.to_string());
        let (kind, lang, fact_id) = match parts[..] {
            ["none"] => return Some(Action::NoneOfThese { lang: Lang::EN }),
            ["none", code] => return lang(code).map(|lang| Action::NoneOfThese { lang }),
            [kind, id] => (kind, Lang::EN, fact(id)?),
            [kind, code, id] => (kind, lang(code)?, fact(id)?),
            _ => return None,
        };
        match kind {
            "up" | "down" => Some(Action::Vote {
                helpful: kind == "up",
                fact_id,
                lang,
            }),
            "ask" => Some(Action::Ask { fact_id, lang }),
            "del" => fact_id
                .parse()
                .ok()
                .map(|asker| Action::Delete { asker, lang }),
            "tl" => Some(Action::Timeline { fact_id, lang }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_ids_round_trip_and_strangers_are_refused() {
        let fr = Lang::from_code("fr").unwrap();
        let ar = Lang::from_code("ar").unwrap();
        for action in [
            Action::Vote {
                helpful: true,
                fact_id: "meeting-dates".into(),
                lang: Lang::EN,
            },
            Action::Vote {
                helpful: false,
                fact_id: "meeting-dates".into(),
                lang: fr,
            },
            Action::Ask {
                fact_id: "lavrov-opening-2".into(),
                lang: ar,
            },
            Action::NoneOfThese { lang: fr },
            Action::Delete {
                asker: 42,
                lang: ar,
            },
            Action::Timeline {
                fact_id: "meeting-dates".into(),
                lang: ar,
            },
        ] {
            assert_eq!(Action::parse(&action.custom_id().unwrap()), Some(action));
        }
        assert_eq!(
            Action::Ask {
                fact_id: "x".into(),
                lang: fr
            }
            .custom_id()
            .as_deref(),
            Some("tb:ask:fr:x")
        );
        for id in [
            "",
            "tb:",
            "tb:up:",
            "tb:ask:../x",
            "tb:none:x",
            "tb:none:fr:x",
            "tb:ask:de:x",
            "tb:ask:FR:x",
            "tb:ask:fr:x:y",
            "other:up:x",
            "tb:boom:x",
            "tb:boom:fr:x",
            "tb:ask:a b",
            "tb:ask:Lavrov_Opening",
            "tb:del:x",
            "tb:del:fr:x",
            "tb:del:",
            "tb:del:fr:",
            "tb:tl:",
            "tb:tl:../x",
            "tb:tl:de:meeting-dates",
        ] {
            assert_eq!(Action::parse(id), None, "{id}");
        }
        assert_eq!(
            Action::Ask {
                fact_id: "x".repeat(100),
                lang: Lang::EN
            }
            .custom_id(),
            None
        );
    }

    #[test]
    fn buttons_sent_before_languages_are_read_as_english() {
        assert_eq!(
            Action::parse("tb:up:meeting-dates"),
            Some(Action::Vote {
                helpful: true,
                fact_id: "meeting-dates".into(),
                lang: Lang::EN
            })
        );
        assert_eq!(
            Action::parse("tb:none"),
            Some(Action::NoneOfThese { lang: Lang::EN })
        );
        assert_eq!(
            Action::parse("tb:tl:meeting-dates"),
            Some(Action::Timeline {
                fact_id: "meeting-dates".into(),
                lang: Lang::EN
            })
        );
    }
}
