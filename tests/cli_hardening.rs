//! The binary against unlucky operators and hostile input: a closed pipe for every command,
//! standard input over its limit or not UTF-8, over-long lines, and the `--json` fields that
//! only some answers fill. Hermetic: run in an empty folder over the shipped knowledge.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use talks_bot::cli::input::{MAX_INPUT_BYTES, MAX_LINE_BYTES};
use talks_bot::knowledge::KnowledgeBase;

fn run(mut command: Command, input: &[u8]) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // The child may stop reading early (that is what some of these tests check).
    let _ = stdin.write_all(input);
    drop(stdin);
    child.wait_with_output().unwrap()
}

fn with_args(args: &[&str]) -> Command {
    let mut command = common::talks_bot();
    command.args(args);
    command
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn every_command_exits_quietly_on_a_closed_pipe() {
    let tmp = common::copy_knowledge();
    let knowledge = tmp.path().join("knowledge");
    let fact_file = tmp.path().join("new.toml");
    std::fs::write(
        &fact_file,
        talks_bot::store::fact_to_toml(&{
            let mut fact = common::new_fact("pipe-test");
            fact.related.clear();
            fact
        }),
    )
    .unwrap();
    let eval = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/eval/dev.toml");
    let eval = eval.to_str().unwrap();
    let fact_file = fact_file.to_str().unwrap();
    let cases: Vec<(Vec<&str>, &[u8])> = vec![
        (vec!["ask", "who took part?"], b""),
        (vec!["ask", "--json", "who took part?"], b""),
        (vec!["ask", "--explain", "lavrov speech"], b""),
        (vec!["ask", "-"], b"who took part?\n"),
        (
            vec!["ask", "--json", "-"],
            b"who took part?\nwho opened it?\n",
        ),
        (vec!["chat"], b"who took part?\n/topics\n/sources\n"),
        (vec!["check"], b""),
        (vec!["facts"], b""),
        (vec!["facts", "--json"], b""),
        (vec!["eval", eval], b""),
        (vec!["fact", "show", "meeting-dates"], b""),
        (vec!["fact", "history", "meeting-dates"], b""),
        (vec!["fact", "add", "--file", fact_file], b""),
        (vec!["--help"], b""),
    ];
    for (args, input) in cases {
        // The reading end is closed before the command starts: every write fails at once.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let mut command = Command::new(env!("CARGO_BIN_EXE_talks-bot"));
        command
            .current_dir(common::empty_dir())
            .env_remove("RUST_LOG")
            .arg("--knowledge")
            .arg(&knowledge)
            .args(&args);
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(writer)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let _ = stdin.write_all(input);
        drop(stdin);
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.code().is_some_and(|c| c == 0 || c == 1),
            "{args:?}: {output:?}"
        );
        let err = stderr(&output);
        assert!(
            !err.contains("panicked") && !err.contains("Broken pipe"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn standard_input_over_its_limit_is_refused_with_the_limit_named() {
    let big = vec![b'a'; MAX_INPUT_BYTES + 1];
    for args in [&["ask", "-"][..], &["fact", "add", "--file", "-"]] {
        let output = run(with_args(args), &big);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {output:?}");
        let err = stderr(&output);
        assert!(
            err.contains("over the limit of 1048576 bytes (1 MiB)"),
            "{args:?}: {err}"
        );
    }
    // Exactly at the limit is read (and answered, cut to 1,000 characters as always).
    let at_limit = "who took part ".repeat(MAX_INPUT_BYTES / 14);
    let output = run(with_args(&["ask", "-"]), at_limit.as_bytes());
    assert!(output.status.success(), "{}", stderr(&output));
}

#[test]
fn standard_input_that_is_not_utf8_is_named_so() {
    for args in [&["ask", "-"][..], &["fact", "add", "--file", "-"]] {
        let output = run(with_args(args), b"who took part \xff\xfe?");
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let err = stderr(&output);
        assert!(
            err.contains("the input is not UTF-8 text"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("cannot write the output"), "{err}");
    }
}

#[test]
fn an_over_long_line_is_reported_and_the_next_one_answered() {
    let mut input = vec![b'x'; MAX_LINE_BYTES + 10];
    input.extend_from_slice(b"\nwho took part?\n");
    let output = run(with_args(&["ask", "--json", "-"]), &input);
    assert!(output.status.success());
    let lines: Vec<Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0]["error"].as_str().unwrap().contains("65536 bytes"));
    assert_eq!(lines[1]["fact_id"], "meeting-participants");

    let output = run(with_args(&["chat"]), &input);
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("over 65536 bytes"), "{text}");
    assert!(text.contains("[fact meeting-participants"), "{text}");
}

fn ask_json(question: &str) -> Value {
    let output = with_args(&["ask", "--json", question]).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn json_carries_as_of_and_truncated_when_they_apply() {
    let kb = KnowledgeBase::load(&common::shipped()).unwrap();
    let answer = ask_json("Who is Abu Mazen?");
    let fact = kb.fact(answer["fact_id"].as_str().unwrap()).unwrap();
    let as_of = fact.as_of.as_deref().expect("a fact with as_of");
    assert_eq!(answer["as_of"], as_of);
    assert_eq!(answer["truncated"], false);
    let long = format!("who took part in the meeting {}", "and then ".repeat(200));
    let answer = ask_json(&long);
    assert_eq!(answer["truncated"], true, "{answer}");
}

#[test]
fn a_combining_mark_does_not_split_a_word() {
    let plain = ask_json("who opened the meeting?");
    let marked = ask_json("who ope\u{353}ned the meeting?");
    assert_eq!(marked["fact_id"], plain["fact_id"]);
    assert_eq!(marked["confidence"], plain["confidence"]);
}

#[test]
fn absurd_shard_counts_are_refused_at_once() {
    for (shards, total, says) in [
        ("0..4294967295", "4294967295", "out of range"),
        ("0..1", "0", "--total 0"),
        ("0..4096", "8192", "at most 256"),
    ] {
        let output = with_args(&["serve", "--shards", shards, "--total", total])
            .env("DISCORD_TOKEN", "not-used")
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{shards} of {total}");
        let err = stderr(&output);
        assert!(err.contains(says), "{shards} of {total}: {err}");
    }
}
