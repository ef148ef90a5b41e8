//! `talks-bot fact ...` end to end through the real binary, on temporary copies of the
//! knowledge folder: output, exit codes (0 done, 1 refused, 2 error) and the journal's actor.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use talks_bot::store::{fact_to_toml, Actor, Entry, JOURNAL_FILE};

fn run(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_talks-bot"))
        .arg("--knowledge")
        .arg(dir)
        .current_dir(dir.parent().unwrap()) // no config.toml there
        .args(args)
        .env("USER", "operator")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn add_show_edit_history_undo_remove_from_the_command_line() {
    let tmp = common::copy_knowledge();
    let dir = tmp.path().join("knowledge");
    let file = tmp.path().join("chairs.toml");
    std::fs::write(&file, fact_to_toml(&common::new_fact("chairs"))).unwrap();

    let out = run(
        &dir,
        &[
            "fact",
            "add",
            "--file",
            file.to_str().unwrap(),
            "--reason",
            "new question",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("added `chairs`: now version "),
        "{}",
        text(&out.stdout)
    );

    // show prints a version line and the file; the output, edited, goes back to edit.
    let out = run(&dir, &["fact", "show", "chairs"], None);
    assert_eq!(out.status.code(), Some(0));
    let shown = text(&out.stdout);
    assert!(shown.starts_with("# version: "), "{shown}");
    let edited = shown.replace("sat on chairs", "sat on red chairs");
    let out = run(
        &dir,
        &["fact", "edit", "chairs", "--file", "-"],
        Some(&edited),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("answer:"),
        "{}",
        text(&out.stdout)
    );

    // The same stale text again: refused (exit 1) with what changed, nothing written.
    let stale = shown.replace("sat on chairs", "sat on green chairs");
    let out = run(
        &dir,
        &["fact", "edit", "chairs", "--file", "-"],
        Some(&stale),
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.starts_with("refused: `chairs` was changed by someone else")
            && err.contains("red chairs"),
        "{err}"
    );

    // An invalid edit: refused with the field.
    let current = text(&run(&dir, &["fact", "show", "chairs"], None).stdout);
    let bad = current.replace("sat on red chairs", "sat on @everyone");
    let out = run(&dir, &["fact", "edit", "chairs", "--file", "-"], Some(&bad));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("answer: the text contains mention syntax"),
        "{}",
        text(&out.stderr)
    );

    let out = run(&dir, &["fact", "history", "chairs"], None);
    assert_eq!(out.status.code(), Some(0));
    let history = text(&out.stdout);
    assert!(
        history.starts_with("#1 add `chairs` by operator (cli)"),
        "{history}"
    );
    assert!(
        history.contains("#2 edit `chairs` by operator (cli)"),
        "{history}"
    );

    let out = run(
        &dir,
        &["fact", "undo", "chairs", "--reason", "too colourful"],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("undid #2 on `chairs`"),
        "{}",
        text(&out.stdout)
    );

    let out = run(
        &dir,
        &[
            "fact",
            "remove",
            "chairs",
            "--base-version",
            "0000000000000000",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1), "a wrong version is refused");
    let out = run(&dir, &["fact", "remove", "chairs"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(!dir.join("facts/chairs.toml").exists());

    let out = run(&dir, &["fact", "history", "chairs", "--json"], None);
    let entries: Vec<Entry> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(entries.len(), 4);
    assert!(entries.iter().all(|e| e.actor
        == Actor::Cli {
            user: "operator".into()
        }));
    assert_eq!(entries[2].reason.as_deref(), Some("too colourful"));
    assert_eq!(
        std::fs::read_to_string(dir.join(JOURNAL_FILE))
            .unwrap()
            .lines()
            .count(),
        4
    );
}

#[test]
fn exit_codes_tell_refusals_from_errors() {
    let tmp = common::copy_knowledge();
    let dir = tmp.path().join("knowledge");
    assert_eq!(
        run(&dir, &["fact", "show", "no-such-fact"], None)
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        run(&dir, &["fact", "add", "--file", "-"], Some("id = \"x\"\n"))
            .status
            .code(),
        Some(1)
    );
    let missing = tmp.path().join("nowhere");
    let out = run(&missing, &["fact", "show", "meeting-dates"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("not found"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        run(
            &dir,
            &["fact", "remove", "x", "--base-version", "nothex"],
            None
        )
        .status
        .code(),
        Some(2)
    );
}

/// `run` with the environment's names set as given (None: removed).
fn run_as(dir: &Path, args: &[&str], user: Option<&str>, logname: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_talks-bot"));
    command
        .arg("--knowledge")
        .arg(dir)
        .current_dir(dir.parent().unwrap())
        .args(args)
        .env_remove("USER")
        .env_remove("LOGNAME")
        .stdin(Stdio::null());
    for (var, value) in [("USER", user), ("LOGNAME", logname)] {
        if let Some(value) = value {
            command.env(var, value);
        }
    }
    command.output().unwrap()
}

#[test]
fn the_journal_records_who_and_a_change_without_a_name_is_refused() {
    let tmp = common::copy_knowledge();
    let dir = tmp.path().join("knowledge");
    let remove = ["fact", "remove", "hamas-bogdanov-side-meeting"];
    // No --as, no $USER, no $LOGNAME: refused (exit 1), nothing written.
    let before = common::snapshot(&dir);
    let out = run_as(&dir, &remove, None, None);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("give one with --as NAME"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        common::snapshot(&dir),
        before,
        "a refused change writes nothing"
    );
    // A name that breaks the content rules is refused too.
    let out = run_as(
        &dir,
        &[
            "fact",
            "--as",
            "@everyone",
            "remove",
            "hamas-bogdanov-side-meeting",
        ],
        None,
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("mention syntax"),
        "{}",
        text(&out.stderr)
    );
    // Reading needs no name.
    assert_eq!(
        run_as(
            &dir,
            &["fact", "show", "hamas-bogdanov-side-meeting"],
            None,
            None
        )
        .status
        .code(),
        Some(0)
    );

    // $LOGNAME when $USER is not set; --as (before or after the action) over both.
    let out = run_as(&dir, &remove, None, Some("logname-user"));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = run_as(
        &dir,
        &[
            "fact",
            "undo",
            "hamas-bogdanov-side-meeting",
            "--as",
            "Alice Moderator",
        ],
        Some("env-user"),
        Some("logname-user"),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = run_as(
        &dir,
        &["fact", "remove", "hamas-bogdanov-side-meeting"],
        Some("env-user"),
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let users: Vec<Actor> = common::journal_lines(&dir)
        .into_iter()
        .map(|e| e.actor)
        .collect();
    let cli = |user: &str| Actor::Cli { user: user.into() };
    assert_eq!(
        users,
        [cli("logname-user"), cli("Alice Moderator"), cli("env-user")]
    );
}
