//! The timeline: events in the knowledge and their check, the events collected in date order
//! with their sources, the text, JSON and picture, and asking for it.

use std::path::{Path, PathBuf};

use talks_bot::knowledge::{check, KnowledgeBase, Problem};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn all_problems(dir: &Path) -> Vec<Problem> {
    let (kb, mut problems) = KnowledgeBase::load_unchecked(dir).expect("the folder loads");
    problems.extend(check(&kb));
    problems
}

#[test]
fn the_timeline_fixture_passes_check() {
    assert_eq!(all_problems(&fixture("timeline")), Vec::new());
}

/// Every kind of event problem is reported once, with its file, line and field.
#[test]
fn event_problems_are_reported_with_their_place() {
    let problems = all_problems(&fixture("events-broken"));
    let expect: &[(&str, usize, Option<&str>, &str)] = &[
        (
            "unknown-event-field.toml",
            15,
            None,
            "unknown field `colour`",
        ),
        (
            "bad-events.toml",
            16,
            Some("events[0].date"),
            "`1 March 2024` is not a date",
        ),
        (
            "bad-events.toml",
            21,
            Some("events[1].end"),
            "the end 2024-03-04 is not after the date 2024-03-05",
        ),
        (
            "bad-events.toml",
            25,
            Some("events[2].date"),
            "later than the fact's as_of 2024-03-10",
        ),
        (
            "bad-events.toml",
            30,
            Some("events[3].label"),
            "66 characters; a label is at most 60",
        ),
        (
            "bad-events.toml",
            32,
            Some("events[4].sources"),
            "name the sources that give its own dates",
        ),
        (
            "bad-events.toml",
            38,
            Some("events[4].other_dates[0].sources[0]"),
            "`gazette` is not among the fact's sources",
        ),
        (
            "second-focus.toml",
            20,
            Some("events[1].focus"),
            "the timeline has one focus",
        ),
    ];
    let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(problems.len(), expect.len(), "{shown:#?}");
    for (problem, (file, line, field, message)) in problems.iter().zip(expect) {
        assert!(problem.file.ends_with(file), "{problem}");
        assert_eq!(problem.line, Some(*line), "{problem}");
        assert_eq!(problem.field.as_deref(), *field, "{problem}");
        assert!(problem.message.contains(message), "{problem}");
    }
}
