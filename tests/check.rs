//! `talks-bot check` on the shipped knowledge and on fixtures that hold one of each problem.

use std::path::{Path, PathBuf};
use std::process::Command;

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
fn shipped_knowledge_passes_every_check() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge");
    let problems = all_problems(&dir);
    assert!(
        problems.is_empty(),
        "problems in the shipped knowledge:\n{problems:#?}"
    );
    let kb = KnowledgeBase::load(&dir).unwrap();
    assert!(
        kb.facts().len() >= 50,
        "expected the full base, found {} facts",
        kb.facts().len()
    );
    assert!(kb
        .source("pluralia-moscow-meeting")
        .and_then(|s| s.body.as_ref())
        .is_some());
}

#[test]
fn the_small_fixture_is_valid() {
    assert_eq!(all_problems(&fixture("small")), Vec::new());
}

/// Each problem the broken fixture holds is reported once, with file, line and field.
#[test]
fn every_kind_of_problem_is_reported_with_its_place() {
    let problems = all_problems(&fixture("broken"));
    let expect: &[(&str, Option<usize>, Option<&str>, &str)] = &[
        ("syntax-error.toml", Some(2), None, "invalid basic string"),
        (
            "unknown-field.toml",
            Some(6),
            None,
            "unknown field `colour`",
        ),
        ("no-source.toml", None, Some("sources"), "has no source"),
        (
            "bad-refs.toml",
            Some(6),
            Some("related[0]"),
            "no fact has the id `no-such-fact`",
        ),
        (
            "bad-refs.toml",
            Some(9),
            Some("sources[0].source"),
            "no source has the id `no-such-source`",
        ),
        (
            "bad-refs.toml",
            Some(13),
            Some("sources[1].quote"),
            "not in the stored text",
        ),
        (
            "bad-refs.toml",
            Some(17),
            Some("sources[2].quote"),
            "cannot be verified",
        ),
        (
            "too-long.toml",
            Some(5),
            Some("answer"),
            "the limit is 1500",
        ),
        (
            "duplicate-b.toml",
            Some(1),
            Some("id"),
            "duplicate fact id `duplicate-a`",
        ),
        (
            "duplicate-b.toml",
            Some(1),
            Some("id"),
            "differs from the file name",
        ),
        (
            "duplicate-b.toml",
            Some(5),
            Some("answer"),
            "mention syntax",
        ),
        (
            "aliases.toml",
            Some(7),
            Some("alias[1].spellings[0]"),
            "a spelling may mean one name only",
        ),
    ];
    for &(file, line, field, message) in expect {
        let found = problems.iter().any(|p| {
            p.file.file_name().is_some_and(|n| n == file)
                && p.line == line
                && p.field.as_deref() == field
                && p.message.contains(message)
        });
        assert!(
            found,
            "missing problem {file}:{line:?} {field:?} {message:?} in:\n{problems:#?}"
        );
    }
    assert_eq!(
        problems.len(),
        expect.len(),
        "unexpected extra problems:\n{problems:#?}"
    );
}

#[test]
fn a_broken_base_is_never_served() {
    let err = KnowledgeBase::load(&fixture("broken"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("12 problem(s)"), "{err}");
    assert!(
        err.contains("talks-bot check"),
        "the error says how to list them: {err}"
    );
}

#[test]
fn the_check_command_lists_problems_and_fails() {
    let output = Command::new(env!("CARGO_BIN_EXE_talks-bot"))
        .args(["--knowledge"])
        .arg(fixture("broken"))
        .arg("check")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("bad-refs.toml:13: sources[1].quote: the quote is not in the stored text"),
        "{stdout}"
    );
    assert!(stdout.contains("12 problem(s)"), "{stdout}");

    let output = Command::new(env!("CARGO_BIN_EXE_talks-bot"))
        .args(["--knowledge"])
        .arg(fixture("small"))
        .arg("check")
        .output()
        .unwrap();
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("ok: 2 facts, 2 sources"));
}

#[test]
fn a_missing_folder_names_the_path_and_the_fix() {
    let output = Command::new(env!("CARGO_BIN_EXE_talks-bot"))
        .args(["--knowledge", "/nonexistent/knowledge", "ask", "who came?"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("/nonexistent/knowledge"), "{stderr}");
    assert!(stderr.contains("--knowledge DIR"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one clear line: {stderr}");
}

/// The editorial rules (src/knowledge/editorial.rs): an answer does not open with Yes or No,
/// and is no newer than its `as_of`; each problem is reported with file, line and field.
#[test]
fn editorial_rules_are_reported_with_their_place() {
    let problems = all_problems(&fixture("editorial"));
    let expect: &[(&str, Option<usize>, Option<&str>, &str)] = &[
        (
            "opens-with-yes.toml",
            Some(5),
            Some("answer"),
            "starts with \"Yes\"",
        ),
        (
            "newer-than-as-of.toml",
            Some(8),
            Some("as_of"),
            "\"June 4, 2021\", later than as_of 2021-05-03",
        ),
        (
            "dates-without-as-of.toml",
            Some(5),
            Some("answer"),
            "no as_of; set as_of to the date the answer is known to hold, at least 2021-05-03",
        ),
    ];
    for &(file, line, field, message) in expect {
        let found = problems.iter().any(|p| {
            p.file.file_name().is_some_and(|n| n == file)
                && p.line == line
                && p.field.as_deref() == field
                && p.message.contains(message)
        });
        assert!(
            found,
            "missing problem {file}:{line:?} {field:?} {message:?} in:\n{problems:#?}"
        );
    }
    assert_eq!(
        problems.len(),
        expect.len(),
        "within-as-of.toml has none:\n{problems:#?}"
    );
}
