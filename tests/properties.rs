//! Property tests: the normaliser and the matcher never panic, whatever the input, and give
//! the same result every time.

use std::path::Path;
use std::sync::OnceLock;

use proptest::prelude::*;
use talks_bot::text::{clean_input, fold, Analyzer, MAX_INPUT_CHARS};
use talks_bot::{Engine, MatchSettings};

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        Engine::load(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge"),
            MatchSettings::default(),
        )
        .unwrap()
    })
}

/// Text that mixes what users really send: words of the domain, typos, punctuation, emoji,
/// other scripts, control and invisible characters.
fn messy_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("lavrov".to_string()),
        Just("Abu Mazen's".to_string()),
        Just("al-Malki".to_string()),
        Just("when".to_string()),
        Just("@everyone".to_string()),
        Just("<@123>".to_string()),
        Just("\u{200B}".to_string()),
        Just("\u{202E}".to_string()),
        Just("👋🏽".to_string()),
        Just("موسكو".to_string()),
        Just("30,000".to_string()),
        "[a-z]{1,12}",
        "\\PC{0,8}",
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..12).prop_map(|pieces| pieces.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn normalising_never_panics_and_is_stable(text in messy_text()) {
        let analyzer = Analyzer::default();
        let terms = analyzer.terms(&text);
        prop_assert_eq!(&terms, &analyzer.terms(&text));
        for term in &terms {
            prop_assert!(!term.text.is_empty());
            prop_assert!(term.text.chars().all(char::is_alphanumeric), "{:?}", term.text);
        }
        let folded = fold(&text);
        prop_assert_eq!(fold(&folded), folded.clone(), "folding is idempotent");
    }

    #[test]
    fn cleaning_bounds_the_length_and_drops_control_characters(text in messy_text()) {
        let cleaned = clean_input(&text);
        prop_assert!(cleaned.text.chars().count() <= MAX_INPUT_CHARS);
        prop_assert!(!cleaned.text.chars().any(|c| c.is_control()));
        prop_assert_eq!(cleaned.text.trim(), cleaned.text.as_str());
    }

    #[test]
    fn answering_never_panics_and_is_deterministic(text in messy_text()) {
        let first = engine().ask(&text);
        let second = engine().ask(&text);
        prop_assert_eq!(first.to_json(), second.to_json());
        prop_assert!((0.0..=1.0).contains(&first.confidence));
        prop_assert!(first.suggestions.len() <= 3 && first.related.len() <= 3);
        if let Some(fact) = first.fact() {
            prop_assert!(!first.citations().is_empty(), "{} answered without a source", fact.id);
        }
    }

    #[test]
    fn autocomplete_never_panics_and_respects_the_limit(text in messy_text(), limit in 0usize..30) {
        let choices = engine().complete(&text, limit);
        prop_assert!(choices.len() <= limit);
    }
}
