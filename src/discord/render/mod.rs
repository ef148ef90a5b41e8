//! How replies look on Discord, in the language of the question: embeds, buttons and plain
//! replies, cut to fit every Discord limit (a text over a limit is cut at a word with "…",
//! never rejected by Discord) and laid out for right-to-left languages. One job a file:
//! `limits` Discord's numbers, `ids` the buttons' custom ids, `reply` the reply and its
//! builders, `embed` fitting an embed, `bidi` right-to-left layout, `sources` an answer's
//! source fields and links, `answer` the reply to a question, `lists` `/topics`, `/sources`,
//! `/about`, `/help` and autocomplete, `timeline` the timeline's embed and picture. Every
//! fixed text comes from the message catalogue of the reply's language (`src/messages/`).

mod answer;
pub mod bidi;
mod embed;
mod ids;
pub mod limits;
mod lists;
mod reply;
mod sources;
mod timeline;

pub use answer::{answer, asked_question};
pub use ids::Action;
pub use lists::{about, answer_sources, choices, help, sources, topics};
pub use reply::{no_pings, Reply};
pub use timeline::{in_words as timeline_date, timeline, MAX_PICTURE_BYTES, PICTURE};

use crate::messages::{messages, Messages};
use crate::text::Lang;
use bidi::Direction;

/// How a reply speaks: its language, that language's texts, and its direction.
#[derive(Clone, Copy)]
pub struct Voice {
    pub lang: Lang,
    pub m: &'static Messages,
    pub dir: Direction,
}

impl Voice {
    pub fn of(lang: Lang) -> Voice {
        Voice {
            lang,
            m: messages(lang),
            dir: Direction::of(lang),
        }
    }

    /// A plain text reply in this voice: `text` is written in its language (Latin runs are
    /// isolated in right-to-left text), laid out and cut to fit.
    pub fn reply(&self, text: &str) -> Reply {
        Reply::text_in(&self.dir.text(text), self.dir)
    }

    /// A catalogue template filled in, laid out in this voice: its own words as text of this
    /// direction, each `{name}` replaced by its value as given (a piece the caller placed
    /// with [`Direction::piece`], a Discord timestamp), so that neither is laid out twice.
    pub fn say(&self, template: &str, values: &[(&str, &str)]) -> String {
        let mut out = String::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            let value = rest[open + 1..].find('}').and_then(|close| {
                let name = &rest[open + 1..open + 1 + close];
                let value = values.iter().find(|(n, _)| *n == name)?.1;
                Some((value, open + close + 2))
            });
            match value {
                Some((value, after)) => {
                    out.push_str(&self.dir.text(&rest[..open]));
                    out.push_str(value);
                    rest = &rest[after..];
                }
                None => {
                    out.push_str(&self.dir.text(&rest[..=open]));
                    rest = &rest[open + 1..];
                }
            }
        }
        out.push_str(&self.dir.text(rest));
        out
    }
}

#[cfg(test)]
#[path = "../../../tests/support/discord_limits.rs"]
mod discord_limits;

#[cfg(test)]
mod tests {
    use super::discord_limits::limit_violations;
    use super::*;
    use crate::engine::{Engine, MatchSettings};
    use crate::knowledge::{Citation, Fact, KnowledgeBase, Source};
    use poise::serenity_prelude as serenity;
    use serde_json::Value;

    fn assert_within_limits(body: &Value) {
        let problems = limit_violations(body);
        assert!(problems.is_empty(), "{problems:?}");
    }

    fn long_words(n: usize) -> String {
        let mut text = String::new();
        while text.chars().count() < n {
            text.push_str("Lavrov @everyone <@123> spoke at length about unity ");
        }
        text.chars().take(n).collect()
    }

    /// A fact at every length limit of the core, with many long sources.
    fn huge_engine() -> Engine {
        let sources: Vec<Source> = (0..30)
            .map(|i| Source {
                id: format!("s{i}"),
                outlet: long_words(300),
                title: Some(long_words(400)),
                date: Some("2024-02-29".into()),
                url: format!("https://example.org/{i}"),
                text: None,
                description: None,
                body: None,
            })
            .collect();
        let fact = |id: &str, related: Vec<String>| Fact {
            id: id.into(),
            topic: "t".into(),
            question: long_words(crate::knowledge::MAX_QUESTION_CHARS),
            alternates: vec![],
            keywords: vec![],
            answer: long_words(crate::knowledge::MAX_ANSWER_CHARS),
            as_of: Some("2024-03-01".into()),
            related,
            sources: (0..30)
                .map(|i| Citation {
                    source: format!("s{i}"),
                    quote: Some(long_words(900)),
                    note: Some(long_words(300)),
                })
                .collect(),
            events: Vec::new(),
        };
        let facts = vec![
            fact("big", vec!["big-2".into(), "big-3".into(), "big-4".into()]),
            fact("big-2", vec![]),
            fact("big-3", vec![]),
            fact("big-4", vec![]),
        ];
        Engine::new(
            KnowledgeBase::from_parts("k", facts, sources, vec![]),
            MatchSettings::default(),
        )
    }

    fn body(reply: &Reply) -> Value {
        let dummy: serenity::Message = serde_json::from_value(serde_json::json!({
            "id": "1", "channel_id": "2", "author": {"id": "3", "username": "u", "discriminator": "0",
            "global_name": null, "avatar": null}, "content": "", "timestamp": "2024-02-29T00:00:00Z",
            "edited_timestamp": null, "tts": false, "mention_everyone": false, "mentions": [],
            "mention_roles": [], "attachments": [], "embeds": [], "pinned": false, "type": 0
        }))
        .unwrap();
        serde_json::to_value(reply.to_message(&dummy)).unwrap()
    }

    #[test]
    fn an_answer_at_every_length_limit_fits_discord_in_every_language() {
        let engine = huge_engine();
        for lang in Lang::all() {
            let mut answer = engine.answer_fact_in("big", lang).unwrap();
            answer.question = long_words(1000);
            answer.truncated = true;
            assert_within_limits(&body(&super::answer(&answer)));
        }
        let mut answer = engine.answer_fact("big").unwrap();
        answer.question = long_words(1000);
        answer.truncated = true;
        let body = body(&super::answer(&answer));
        assert_within_limits(&body);
        let embed = &body["embeds"][0];
        assert!(embed["description"]
            .as_str()
            .unwrap()
            .contains("spoke at length"));
        assert!(embed["author"]["name"].as_str().unwrap().ends_with('…'));
        assert!(embed["footer"]["text"]
            .as_str()
            .unwrap()
            .starts_with("fact big · as of 2024-03-01"));
        assert_eq!(body["allowed_mentions"]["parse"], serde_json::json!([]));
        assert_eq!(body["allowed_mentions"]["replied_user"], false);
        // Links, votes, three follow-ups.
        assert_eq!(body["components"].as_array().unwrap().len(), 3);
    }

    #[test]
    fn lists_fit_discord() {
        let engine = huge_engine();
        let kb = engine.knowledge();
        for lang in Lang::all() {
            assert_within_limits(&body(&topics(kb, lang)));
            assert_within_limits(&body(&sources(kb, lang)));
            let answer = engine.answer_fact_in("big", lang).unwrap();
            assert_within_limits(&body(&answer_sources(&answer).unwrap()));
            assert_within_limits(&body(&about(kb, Some(1_709_164_800), lang)));
            assert_within_limits(&body(&help(lang)));
        }
    }

    #[test]
    fn say_fills_the_template_and_lays_out_only_its_own_words() {
        let en = Voice::of(Lang::EN);
        assert_eq!(
            en.say("Events: {n} · {x}", &[("n", "23")]),
            "Events: 23 · {x}"
        );
        let ar = Voice::of(Lang::from_code("ar").unwrap());
        let said = ar.say(
            "الأحداث: {n} · اسألني عن `/ask`",
            &[("n", "<t:1709208000:D>")],
        );
        assert!(said.starts_with("الأحداث: <t:1709208000:D> · "), "{said:?}");
        // The template's own Latin run is isolated; the value is left as given.
        assert!(
            said.contains('\u{2066}') || said.contains('\u{2068}'),
            "{said:?}"
        );
        assert_eq!(
            bidi::strip(&said),
            "الأحداث: <t:1709208000:D> · اسألني عن `/ask`"
        );
    }

    #[test]
    fn violations_are_reported() {
        let body = serde_json::json!({"content": "x".repeat(2001), "embeds": [{"title": "t".repeat(300)}]});
        assert_eq!(
            limit_violations(&body).len(),
            2,
            "{:?}",
            limit_violations(&body)
        );
    }

    #[test]
    fn choices_are_at_most_25_and_cut() {
        let long = "q ".repeat(200);
        let texts: Vec<&str> = (0..40).map(|_| long.as_str()).collect();
        let value = serde_json::to_value(choices(texts)).unwrap();
        let list = value["choices"].as_array().unwrap();
        assert_eq!(list.len(), 25);
        assert!(list
            .iter()
            .all(|c| c["name"].as_str().unwrap().chars().count() <= 100));
        assert!(list
            .iter()
            .all(|c| c["value"].as_str().unwrap().chars().count() <= 100));
    }
}
