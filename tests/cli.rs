//! The `talks-bot` binary as people and scripts use it: ask, ask --json, the JSON-lines mode,
//! chat with piped input, facts and eval; and bad input of every kind.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

mod common;

/// The binary over the shipped knowledge, in an empty folder (no developer config.toml).
fn bot() -> Command {
    common::talks_bot()
}

fn run_with_input(args: &[&str], input: &[u8]) -> Output {
    let mut child = bot()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn ask_json(question: &str) -> Value {
    let output = bot().args(["ask", "--json", question]).output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("one JSON object")
}

#[test]
fn ask_prints_the_answer_with_its_sources() {
    let output = bot()
        .args(["ask", "Who", "opened", "the", "Moscow", "meeting?"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("Lavrov"), "{text}");
    assert!(text.contains("Sources:"), "{text}");
    assert!(
        text.contains("Pluralia") && text.contains("https://"),
        "{text}"
    );
    assert!(text.contains("[fact lavrov-opening"), "{text}");
}

#[test]
fn ask_json_has_the_documented_shape() {
    let answer = ask_json("how many factions took part");
    assert_eq!(answer["answered"], true);
    assert_eq!(answer["fact_id"], "meeting-faction-count");
    assert!(answer["confidence"].as_f64().unwrap() > 0.0);
    assert!(answer["sources"].as_array().unwrap().len() >= 2);
    assert!(answer["suggestions"].as_array().unwrap().is_empty());

    let declined = ask_json("what is the best pizza recipe");
    assert_eq!(declined["answered"], false);
    assert_eq!(declined["fact_id"], Value::Null);
    assert_eq!(declined["answer"], Value::Null);
    assert!(declined["sources"].as_array().unwrap().is_empty());
}

#[test]
fn json_lines_from_standard_input_keep_their_order() {
    let input = "who took part\n\nwhat is the weather in rome\n\u{200B}\nwhen did it end\n";
    let output = run_with_input(&["ask", "--json", "-"], input.as_bytes());
    assert!(output.status.success());
    let lines: Vec<Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5, "one object per line, blank ones too");
    assert_eq!(lines[0]["fact_id"], "meeting-participants");
    assert_eq!(lines[1]["outcome"], "empty");
    assert_eq!(lines[2]["answered"], false);
    assert_eq!(lines[3]["outcome"], "empty");
    assert_eq!(lines[4]["fact_id"], "meeting-end-date");
}

#[test]
fn invalid_utf8_on_standard_input_is_reported_per_line() {
    let output = run_with_input(
        &["ask", "--json", "-"],
        b"who took part\n\xff\xfe\nwhen did it end\n",
    );
    assert!(output.status.success());
    let lines: Vec<Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[1]["error"].as_str().unwrap().contains("UTF-8"));
    assert_eq!(lines[2]["fact_id"], "meeting-end-date");
}

#[test]
fn chat_works_with_piped_input() {
    let input = "/help\nwho took part?\n/topics\n/sources\n/bogus\nhello\n/quit\nwho opened it\n";
    let output = run_with_input(&["chat"], input.as_bytes());
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("/topics lists what I know"), "help: {text}");
    assert!(
        text.contains("Hamas") && text.contains("Sources:"),
        "an answer: {text}"
    );
    assert!(text.contains("The meeting ("), "topics: {text}");
    assert!(text.contains("https://tass.com/"), "sources: {text}");
    assert!(text.contains("Unknown command \"/bogus\""), "{text}");
    assert!(
        !text.contains("[fact lavrov-opening"),
        "nothing is answered after /quit: {text}"
    );
}

#[test]
fn facts_exports_every_fact_as_json() {
    let output = bot().args(["facts", "--json"]).output().unwrap();
    assert!(output.status.success());
    let facts: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    let count = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge/facts"))
        .unwrap()
        .count();
    assert_eq!(facts.len(), count);
    assert!(facts.iter().all(|f| f["sources"]
        .as_array()
        .is_some_and(|s| !s.is_empty() && s[0]["url"].is_string())));
}

#[test]
fn eval_prints_the_report_with_misses() {
    let output = bot()
        .arg("eval")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/eval/dev.toml"))
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    for part in [
        "== ",
        "answered right:",
        "declined right:",
        "calibration:",
        "by language:",
        "misses (",
    ] {
        assert!(text.contains(part), "{part:?} in {text}");
    }
}

#[test]
fn bad_input_gets_a_clear_message_never_a_panic() {
    let empty = ask_json("   ");
    assert_eq!(empty["outcome"], "empty");
    assert!(empty["message"].as_str().unwrap().contains("Please ask"));

    let control = ask_json("who\u{0001}\u{0007} took\u{200B} part\u{202E}?");
    assert_eq!(
        control["fact_id"], "meeting-participants",
        "control and invisible characters are dropped"
    );

    let emoji = ask_json("🇷🇺 who opened the meeting 🤔");
    assert_eq!(emoji["fact_id"], "lavrov-opening");

    let rtl = ask_json("من حضر الاجتماع في موسكو؟");
    assert_eq!(
        rtl["language"], "ar",
        "right-to-left text is read as Arabic: {rtl}"
    );
    let message = rtl["message"]
        .as_str()
        .or(rtl["answer"].as_str())
        .unwrap_or_default();
    assert!(
        message
            .chars()
            .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
        "and answered in Arabic: {rtl}"
    );

    let huge = "who took part in the meeting ".repeat(4000);
    let output = run_with_input(&["ask", "-"], huge.as_bytes());
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("read only its first 1000 characters"),
        "the cut is said: {}",
        &text[..200.min(text.len())]
    );
    assert!(text.contains("Sources:"));
}

#[test]
fn a_bad_config_is_refused_with_file_key_and_fix() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, "[matching]\nthreshold = 7\n").unwrap();
    let output = bot()
        .arg("--config")
        .arg(&path)
        .args(["ask", "who took part"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("config.toml")
            && stderr.contains("threshold")
            && stderr.contains("from 0 to 1"),
        "{stderr}"
    );
}
