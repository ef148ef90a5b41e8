//! `talks-bot check` on the shipped knowledge and on fixtures that hold one of each problem.

use std::path::{Path, PathBuf};
use std::process::Command;

use talks_bot::knowledge::{check, KnowledgeBase, Problem};

mod common;

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
        .current_dir(common::empty_dir())
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
        .current_dir(common::empty_dir())
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
        .current_dir(common::empty_dir())
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

// ---------------------------------------------------------------- hostile files

/// A temporary copy of the small fixture (in `knowledge/` of the returned folder).
fn small_copy() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("knowledge");
    for sub in ["facts", "sources"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
        for entry in std::fs::read_dir(fixture("small").join(sub)).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), dir.join(sub).join(entry.file_name())).unwrap();
        }
    }
    std::fs::copy(fixture("small/aliases.toml"), dir.join("aliases.toml")).unwrap();
    (tmp, dir)
}

/// The problems reported for `file`, as "line: message".
fn problems_of(dir: &Path, file: &str) -> Vec<String> {
    all_problems(dir)
        .into_iter()
        .filter(|p| p.file.ends_with(file))
        .map(|p| format!("{}: {}", p.line.unwrap_or(0), p.message))
        .collect()
}

#[test]
fn stored_texts_stay_inside_the_sources_folder() {
    let (tmp, dir) = small_copy();
    std::fs::write(tmp.path().join("secret.txt"), "the quote is here").unwrap();
    std::os::unix::fs::symlink(tmp.path().join("secret.txt"), dir.join("sources/link.txt"))
        .unwrap();
    std::fs::create_dir(dir.join("sources/folder.txt")).unwrap();
    std::fs::write(dir.join("sources/huge.txt"), vec![b'a'; (2 << 20) + 1]).unwrap();
    let cases = [
        ("dotdot", "../../secret.txt", "not a file name inside"),
        ("absolute", "/etc/hostname", "not a file name inside"),
        ("linked", "link.txt", "leads outside knowledge/sources/"),
        ("folder", "folder.txt", "not a regular file"),
        ("huge", "huge.txt", "the limit is 2097152"),
    ];
    for (id, text, _) in cases {
        std::fs::write(
            dir.join(format!("sources/{id}.toml")),
            format!("id = \"{id}\"\noutlet = \"X\"\nurl = \"https://example.org/{id}\"\ntext = \"{text}\"\n"),
        )
        .unwrap();
    }
    for (id, _, wanted) in cases {
        let problems = problems_of(&dir, &format!("{id}.toml"));
        assert_eq!(problems.len(), 1, "{id}: {problems:?}");
        assert!(
            problems[0].starts_with("4: ") && problems[0].contains(wanted),
            "{id}: {problems:?}"
        );
    }
}

#[test]
fn control_characters_and_other_hostile_text_are_check_problems() {
    let (_tmp, dir) = small_copy();
    std::fs::write(
        dir.join("facts/hostile.toml"),
        r#"id = "hostile"
topic = "The committee\u001B[2J"
question = "What did the chair ring?\u0007"
alternates = ["chair bell", "what rang", "the bell \u202Erang"]
keywords = ["bell", "\u200B"]
answer = "See [the Gazette](https://evil.example) for more."

[[sources]]
source = "radio"
note = "ping <@&123>"
"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("sources/hostile-source.toml"),
        "id = \"hostile-source\"\noutlet = \"X\"\ntitle = \"[Gazette](https://evil.example)\"\nurl = \"https://example.org/<@123>\"\n",
    )
    .unwrap();
    let fact = problems_of(&dir, "hostile.toml").join("\n");
    for wanted in [
        "2: the text holds the control character U+001B",
        "3: the text holds the control character U+0007",
        "direction override U+202E",
        "the text is empty",
        "6: the text holds a Markdown masked link",
        "mention syntax",
    ] {
        assert!(fact.contains(wanted), "{wanted}:\n{fact}");
    }
    let source = problems_of(&dir, "hostile-source.toml").join("\n");
    assert!(
        source.contains("3: the text holds a Markdown masked link"),
        "{source}"
    );
    assert!(
        source.contains("4: the text contains mention syntax"),
        "{source}"
    );
}

#[test]
fn an_unreadable_or_linked_file_is_reported_and_the_rest_still_checked() {
    let (_tmp, dir) = small_copy();
    std::fs::write(dir.join("facts/latin1.toml"), b"id = \"caf\xe9\"\n").unwrap();
    std::fs::write(dir.join("facts/no-source.toml"), "id = \"no-source\"\n").unwrap();
    std::os::unix::fs::symlink(dir.join("facts/gone.toml"), dir.join("facts/dangling.toml"))
        .unwrap();
    std::os::unix::fs::symlink(dir.join("facts/loop-b.toml"), dir.join("facts/loop-a.toml"))
        .unwrap();
    std::os::unix::fs::symlink(dir.join("facts/loop-a.toml"), dir.join("facts/loop-b.toml"))
        .unwrap();
    assert!(problems_of(&dir, "latin1.toml")[0].contains("not UTF-8"));
    assert!(
        !problems_of(&dir, "no-source.toml").is_empty(),
        "the others are still checked"
    );
    for link in ["dangling.toml", "loop-a.toml", "loop-b.toml"] {
        let problems = problems_of(&dir, link);
        assert!(
            problems.len() == 1 && problems[0].contains("points nowhere or loops"),
            "{link}: {problems:?}"
        );
    }
    let output = Command::new(env!("CARGO_BIN_EXE_talks-bot"))
        .current_dir(dir.parent().unwrap())
        .arg("--knowledge")
        .arg(&dir)
        .arg("check")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("latin1.toml") && stdout.contains("dangling.toml"),
        "{stdout}"
    );
}

#[test]
fn ask_and_chat_never_print_a_control_character_from_the_knowledge() {
    // A base that never passed the check (built in memory), with escapes in its text.
    let (kb, _) = KnowledgeBase::load_unchecked(&fixture("small")).unwrap();
    let mut facts = kb.facts().to_vec();
    for fact in &mut facts {
        fact.answer = format!("\u{1b}[2J{}\u{7}", fact.answer);
        fact.question.push('\u{1b}');
    }
    let kb = KnowledgeBase::from_parts(kb.dir(), facts, kb.sources().to_vec(), Vec::new());
    let engine = talks_bot::Engine::new(kb, talks_bot::MatchSettings::default());
    let mut out = Vec::new();
    talks_bot::cli::ask(
        &engine,
        Default::default(),
        "what did the chair say",
        false,
        &mut out,
    )
    .unwrap();
    talks_bot::cli::chat(
        &engine,
        &b"what did the chair say\n/topics\n"[..],
        &mut out,
        false,
    )
    .unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("rush"), "{text}");
    assert!(
        !text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t'),
        "{text:?}"
    );
}
