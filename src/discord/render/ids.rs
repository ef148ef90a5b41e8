//! The custom ids of the answer buttons (votes, follow-ups, suggestions, "None of these", "On
//! the timeline"): made and read here only.

use super::limits;
use crate::knowledge::content;

/// What a button does when pressed; carried in its custom id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// A vote on the answer with this fact.
    Vote { helpful: bool, fact_id: String },
    /// Answer with this fact (a follow-up question or a "did you mean" suggestion).
    Ask { fact_id: String },
    /// None of the suggestions fit.
    NoneOfThese,
    /// Show the timeline with this fact's events highlighted.
    Timeline { fact_id: String },
}

impl Action {
    /// The custom id, or `None` if it would be over Discord's 100 characters.
    pub fn custom_id(&self) -> Option<String> {
        let id = match self {
            Action::Vote {
                helpful: true,
                fact_id,
            } => format!("tb:up:{fact_id}"),
            Action::Vote {
                helpful: false,
                fact_id,
            } => format!("tb:down:{fact_id}"),
            Action::Ask { fact_id } => format!("tb:ask:{fact_id}"),
            Action::NoneOfThese => "tb:none".to_string(),
            Action::Timeline { fact_id } => format!("tb:tl:{fact_id}"),
        };
        (id.chars().count() <= limits::CUSTOM_ID).then_some(id)
    }

    /// Reads a custom id; `None` for anything this bot did not make. The fact id is not
    /// trusted: the caller checks that it names a fact.
    pub fn parse(custom_id: &str) -> Option<Action> {
        let rest = custom_id.strip_prefix("tb:")?;
        let (kind, fact) = rest.split_once(':').unwrap_or((rest, ""));
        let valid_fact = content::is_id(fact);
        match kind {
            "up" | "down" if valid_fact => Some(Action::Vote {
                helpful: kind == "up",
                fact_id: fact.to_string(),
            }),
            "ask" if valid_fact => Some(Action::Ask {
                fact_id: fact.to_string(),
            }),
            "none" if fact.is_empty() => Some(Action::NoneOfThese),
            "tl" if valid_fact => Some(Action::Timeline {
                fact_id: fact.to_string(),
            }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_ids_round_trip_and_strangers_are_refused() {
        for action in [
            Action::Vote {
                helpful: true,
                fact_id: "meeting-dates".into(),
            },
            Action::Vote {
                helpful: false,
                fact_id: "meeting-dates".into(),
            },
            Action::Ask {
                fact_id: "lavrov-opening-2".into(),
            },
            Action::NoneOfThese,
            Action::Timeline {
                fact_id: "meeting-dates".into(),
            },
        ] {
            assert_eq!(Action::parse(&action.custom_id().unwrap()), Some(action));
        }
        for id in [
            "",
            "tb:",
            "tb:up:",
            "tb:ask:../x",
            "tb:none:x",
            "other:up:x",
            "tb:boom:x",
            "tb:ask:a b",
            "tb:ask:Lavrov_Opening",
            "tb:tl:",
            "tb:tl:../x",
        ] {
            assert_eq!(Action::parse(id), None, "{id}");
        }
        assert_eq!(
            Action::Ask {
                fact_id: "x".repeat(100)
            }
            .custom_id(),
            None
        );
    }
}
