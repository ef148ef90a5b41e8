//! What users get from the engine over the shipped knowledge: sourced answers, honest
//! declines, help, neutrality where sources disagree, and the evaluation figures.

use std::path::Path;
use std::sync::OnceLock;

use talks_bot::answer::Outcome;
use talks_bot::eval::{evaluate, load_cases};
use talks_bot::{Engine, MatchSettings};

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        Engine::load(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge"),
            MatchSettings::default(),
        )
        .expect("the shipped knowledge loads")
    })
}

fn answered(question: &str) -> Option<String> {
    engine().ask(question).fact().map(|f| f.id.clone())
}

#[test]
fn answers_cite_outlet_title_date_link_and_quote() {
    let answer = engine().ask("When did the Moscow meeting start?");
    let fact = answer.fact().expect("answered");
    assert_eq!(fact.id, "meeting-dates");
    let citations = answer.citations();
    assert!(!citations.is_empty());
    let pluralia = citations
        .iter()
        .find(|c| c.source.id == "pluralia-moscow-meeting")
        .expect("cites Pluralia");
    assert_eq!(pluralia.source.outlet, "Pluralia");
    assert!(pluralia
        .source
        .url
        .starts_with("https://pluralia.forumverona.com/"));
    let quote = pluralia.quote.expect("a quote from the stored text");
    let body = talks_bot::knowledge::normalize_for_quote(pluralia.source.body.as_deref().unwrap());
    assert!(body.contains(&talks_bot::knowledge::normalize_for_quote(quote)));

    let json = answer.to_json();
    for key in [
        "question",
        "answered",
        "fact_id",
        "confidence",
        "answer",
        "sources",
        "suggestions",
        "related",
    ] {
        assert!(json.get(key).is_some(), "missing {key} in {json}");
    }
    let source = &json["sources"][0];
    for key in [
        "source_id",
        "title",
        "outlet",
        "date",
        "url",
        "stored_text",
        "quotes",
        "notes",
    ] {
        assert!(
            source.get(key).is_some(),
            "missing sources[0].{key} in {json}"
        );
    }
    // A source cited several times is shown once, with every quote under it.
    let ids: Vec<&str> = json["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["source_id"].as_str().unwrap())
        .collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(ids.len(), unique.len(), "each source once: {ids:?}");
    let cited_quotes = fact.sources.iter().filter(|c| c.quote.is_some()).count();
    let shown_quotes: usize = json["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["quotes"].as_array().unwrap().len())
        .sum();
    assert_eq!(cited_quotes, shown_quotes, "every quote is shown: {json}");
    assert!(
        !json["related"].as_array().unwrap().is_empty(),
        "follow-ups offered: {json}"
    );
}

#[test]
fn questions_that_merely_share_a_name_are_not_answered() {
    for question in [
        "What is Lavrov's favourite food?",
        "How old is Putin?",
        "Which hotel did the delegations use?",
        "what's the weather in Rome",
        "who won the 2022 world cup",
    ] {
        assert_eq!(
            answered(question),
            None,
            "{question:?} must not be answered"
        );
    }
}

#[test]
fn unsure_answers_offer_at_most_three_suggestions() {
    // "Moscow" alone could be any of the things that happened there. ("Lavrov" alone is
    // answered with his opening speech, as "what did Lavrov say?" is.)
    let answer = engine().ask("moscow");
    assert_eq!(
        answer.outcome,
        Outcome::Unsure,
        "one common name alone is too vague"
    );
    assert!(
        (1..=3).contains(&answer.suggestions.len()),
        "{:?}",
        answer.suggestions.len()
    );
    assert!(answer
        .suggestions
        .iter()
        .all(|f| f.question.to_lowercase().contains("moscow") || f.answer.contains("Moscow")));
}

#[test]
fn greetings_and_help_get_help_not_a_fact() {
    for question in ["hi", "Hello there!", "thanks!", "what can you do?", "help"] {
        assert_eq!(
            engine().ask(question).outcome,
            Outcome::Help,
            "{question:?}"
        );
    }
}

#[test]
fn name_variants_typos_and_casual_style_find_the_fact() {
    assert_eq!(
        answered("what did serghej lavrov say at the opening").as_deref(),
        Some("lavrov-opening")
    );
    assert_eq!(
        answered("where was al-Malki when he spoke about moscow").as_deref(),
        Some("al-maliki-location")
    );
    assert_eq!(
        answered("did abu mazen accept the resignation").as_deref(),
        Some("shtayyeh-resignation")
    );
    assert_eq!(
        answered("wen did the meetng end").as_deref(),
        Some("meeting-end-date")
    );
}

/// Where sources disagree, the answer says so and cites more than one source, each with a
/// note of what it says.
#[test]
fn disagreements_cite_each_side() {
    for id in [
        "meeting-end-date",
        "meeting-faction-count",
        "meeting-unprecedented",
        "shtayyeh-resignation",
    ] {
        let answer = engine().answer_fact(id).expect(id);
        let fact = answer.fact().unwrap();
        assert!(
            fact.answer.contains("differ") || fact.answer.contains("disagree"),
            "{id} says sources differ"
        );
        let citations = answer.citations();
        let outlets: std::collections::BTreeSet<_> =
            citations.iter().map(|c| c.source.id.as_str()).collect();
        assert!(outlets.len() >= 2, "{id} cites each side: {outlets:?}");
        assert!(
            citations.iter().filter(|c| c.note.is_some()).count() >= 2,
            "{id} notes what each side says"
        );
    }
}

/// The "terrorist" label is never asserted in the bot's own voice.
#[test]
fn the_contested_label_is_attributed() {
    for fact in engine().knowledge().facts() {
        for sentence in fact.answer.split(['.', '\n']) {
            let lower = sentence.to_lowercase();
            if lower.contains("terrorist") {
                let attributed = [
                    "pluralia",
                    "consider",
                    "label",
                    "according",
                    "west",
                    "\"",
                    "designat",
                    "its list",
                    " list ",
                ]
                .iter()
                .any(|w| lower.contains(w));
                assert!(
                    attributed,
                    "{}: unattributed use of the label: {sentence:?}",
                    fact.id
                );
            }
        }
    }
}

#[test]
fn the_same_question_always_gets_the_same_answer() {
    let other = Engine::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge"),
        MatchSettings::default(),
    )
    .unwrap();
    for question in [
        "who took part",
        "lavrov",
        "what did al-maliki expect",
        "2024",
        "hamas fatah",
    ] {
        let a = engine().ask(question).to_json();
        assert_eq!(a, engine().ask(question).to_json());
        assert_eq!(
            a,
            other.ask(question).to_json(),
            "a second engine over the same files agrees"
        );
    }
}

#[test]
fn autocomplete_offers_matching_questions() {
    let choices = engine().complete("lavr", 25);
    assert!(!choices.is_empty() && choices.len() <= 25);
    assert!(choices.iter().all(|c| engine().fact(c.fact_id).is_some()));
    assert!(choices.iter().any(|c| c.fact_id == "lavrov-opening"));
    assert_eq!(engine().complete("", 25).len(), 25);
}

fn eval_set(split: &str) -> Vec<talks_bot::eval::Case> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/eval/{split}.toml"));
    load_cases(&path).unwrap()
}

/// The test split, never tuned on, held to floors a few points under what it measured when the
/// model was last trained (see the README's "Measured"): a guard against regressions, not a
/// target to tune for.
#[test]
fn the_test_split_holds_its_floors() {
    let cases = eval_set("test");
    assert!(cases.len() >= 400, "{} cases", cases.len());
    let report = evaluate(engine(), &cases);
    println!("test split:\n{report}");
    assert!(report.answer_accuracy() >= 0.66, "{report}");
    assert!(report.decline_accuracy() >= 0.68, "{report}");
}

/// Every question of every split gets the outcome and confidence in the reviewed record,
/// tests/eval/outcomes/<split>.tsv, so that a change to matching shows, question by question,
/// what it fixed and what it broke. After a deliberate change, read the figures and rewrite the
/// record with `TALKS_BOT_BLESS=1 cargo test --test answers`, then review its diff.
#[test]
fn every_question_gets_the_reviewed_outcome() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/eval/outcomes");
    let bless = std::env::var_os("TALKS_BOT_BLESS").is_some();
    let mut problems = Vec::new();
    for split in ["train", "dev", "test"] {
        let got = evaluate(engine(), &eval_set(split)).outcome_lines();
        let path = dir.join(format!("{split}.tsv"));
        if bless {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path).unwrap_or_default();
        let (got, want): (Vec<&str>, Vec<&str>) = (got.lines().collect(), want.lines().collect());
        if got.len() != want.len() {
            problems.push(format!(
                "{split}: {} outcomes, the record has {}",
                got.len(),
                want.len()
            ));
        }
        for (g, w) in got.iter().zip(&want).filter(|(g, w)| g != w).take(10) {
            problems.push(format!("{split}:\n  now    {g}\n  record {w}"));
        }
    }
    assert!(
        problems.is_empty(),
        "outcomes differ from tests/eval/outcomes (TALKS_BOT_BLESS=1 rewrites it):\n{}",
        problems.join("\n")
    );
}

/// The shipped model is what `talks-bot train --train tests/eval/train.toml --dev
/// tests/eval/dev.toml` fits, so its figures can be reproduced and no weight is set by hand.
#[test]
fn the_shipped_model_is_what_training_gives() {
    let (model, summary) =
        talks_bot::eval::train::train(engine(), &eval_set("train"), &eval_set("dev"));
    assert!(summary.train_cases >= 1500 && summary.dev_cases >= 500);
    let written = talks_bot::matcher::Model::from_toml(&model.to_toml("")).unwrap();
    assert_eq!(
        &written,
        talks_bot::matcher::Model::shipped(),
        "retrain: talks-bot train --train tests/eval/train.toml --dev tests/eval/dev.toml \
         --out src/matcher/model.toml"
    );
}

#[test]
fn the_members_language_reads_a_question_too_short_to_tell() {
    use talks_bot::engine::Reading;
    use talks_bot::text::Lang;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/multilingual");
    // A name alone scores low in a three-fact base; what is tested here is the language.
    let settings = MatchSettings {
        threshold: 0.3,
        ..MatchSettings::default()
    };
    let engine = Engine::load(&dir, settings).expect("the fixture loads");
    for code in ["en", "it", "fr"] {
        let hint = Lang::from_code(code);
        let answer = engine.ask_with("Lavrov?", Reading { hint, force: None });
        assert_eq!(answer.language.code(), code);
        assert_eq!(
            answer.fact().map(|f| f.id.as_str()),
            Some("meeting-opening")
        );
    }
    // The text decides where it can: an Arabic question stays Arabic for a French member.
    let hint = Lang::from_code("fr");
    let answer = engine.ask_with("من افتتح الاجتماع؟", Reading { hint, force: None });
    assert_eq!(answer.language.code(), "ar");
    let answer = engine.ask_with("Who opened the meeting?", Reading { hint, force: None });
    assert_eq!(answer.language.code(), "en");
}

/// An engine that indexes the other languages on need (`ask`) answers exactly as one that
/// indexed them all at start (the bot, `eval`).
#[test]
fn an_engine_indexed_on_need_answers_as_one_indexed_at_start() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge");
    let lazy = Engine::load_lazily(&dir, MatchSettings::default()).unwrap();
    let questions = [
        "who opened the meeting?",
        "кто открыл встречу?",
        "من افتتح الاجتماع؟",
        "chi ha aperto la riunione?",
        "qui a ouvert la réunion ?",
        "naumkin?",
    ];
    for question in questions {
        let (a, b) = (lazy.ask(question), engine().ask(question));
        assert_eq!(a.outcome.name(), b.outcome.name(), "{question}");
        assert_eq!(
            a.fact().map(|f| &f.id),
            b.fact().map(|f| &f.id),
            "{question}"
        );
        assert_eq!(a.confidence, b.confidence, "{question}");
        assert_eq!(a.language, b.language, "{question}");
    }
    lazy.warm();
    lazy.warm();
    assert_eq!(
        lazy.ask(questions[1]).confidence,
        engine().ask(questions[1]).confidence
    );
}
