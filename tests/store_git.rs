//! `[store] git_commit = true`: each change through the store is committed to the git
//! repository holding the knowledge folder, with the member as author and the reason as
//! message. Against a real repository in a temporary folder (skipped, saying so, when the `git`
//! program is absent).

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use talks_bot::config::StoreConfig;
use talks_bot::{Actor, Store, StoreError};

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "setup")
        .env("GIT_AUTHOR_EMAIL", "setup@example.invalid")
        .env("GIT_COMMITTER_NAME", "setup")
        .env("GIT_COMMITTER_EMAIL", "setup@example.invalid")
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn have_git() -> bool {
    let found = Command::new("git").arg("--version").output().is_ok();
    if !found {
        eprintln!("skipped: the `git` program is not installed");
    }
    found
}

#[test]
fn each_change_is_a_commit_by_its_author_with_the_reason() {
    if !have_git() {
        return;
    }
    let tmp = common::copy_knowledge();
    let top = tmp.path();
    let dir = top.join("knowledge");
    git(top, &["init", "--quiet"]);
    // The store's own hidden files, ignored as the README says.
    fs::write(
        top.join(".gitignore"),
        "knowledge/.lock\nknowledge/.pending.json\nknowledge/**/.*.tmp\n",
    )
    .unwrap();
    git(top, &["add", "."]);
    git(top, &["commit", "--quiet", "-m", "the fact base"]);
    // Something unrelated staged by someone else stays out of the store's commits.
    fs::write(top.join("notes.txt"), "draft\n").unwrap();
    git(top, &["add", "notes.txt"]);

    let config = StoreConfig {
        git_commit: true,
        ..StoreConfig::default()
    };
    let store = config.open(&dir).unwrap();
    let alice = Actor::discord(42, "alice");
    let mut fact = common::new_fact("git-fact");
    let added = store
        .add(
            fact.clone(),
            alice.clone(),
            Some("asked twice in #questions"),
        )
        .unwrap();
    assert_eq!(added.git_error, None);
    fact.answer = "They sat on red chairs.\n".into();
    let edited = store
        .edit(
            "git-fact",
            fact,
            added.version.unwrap(),
            Actor::Cli { user: "bob".into() },
            None,
        )
        .unwrap();
    assert_eq!(edited.git_error, None);
    store
        .remove(
            "git-fact",
            edited.version.unwrap(),
            alice,
            Some("duplicate"),
        )
        .unwrap();

    let log = git(top, &["log", "--format=%an <%ae>|%cn|%s", "-4"]);
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(
        lines,
        [
            "alice <discord-42@talks-bot.invalid>|talks-bot|duplicate",
            "bob <bob@talks-bot.invalid>|talks-bot|edit git-fact",
            "alice <discord-42@talks-bot.invalid>|talks-bot|asked twice in #questions",
            "setup <setup@example.invalid>|setup|the fact base",
        ]
    );
    // Each commit holds the fact and the journal (the first change starts it), nothing else.
    let files = |rev: &str| git(top, &["show", "--name-status", "--format=", rev]);
    assert_eq!(
        files("HEAD~2").lines().collect::<Vec<_>>(),
        [
            "A\tknowledge/facts/git-fact.toml",
            "A\tknowledge/journal.jsonl"
        ]
    );
    assert_eq!(
        files("HEAD~1").lines().collect::<Vec<_>>(),
        [
            "M\tknowledge/facts/git-fact.toml",
            "M\tknowledge/journal.jsonl"
        ]
    );
    let removed = git(top, &["show", "--name-status", "--format=", "HEAD"]);
    assert!(
        removed.contains("D\tknowledge/facts/git-fact.toml"),
        "{removed}"
    );
    // The work tree is clean but for the unrelated file, still staged and not committed.
    assert_eq!(git(top, &["status", "--porcelain"]), "A  notes.txt\n");
    // The journal in git is the journal on disk: the base can be reverted like code.
    git(top, &["reset", "--quiet", "notes.txt"]);
    git(top, &["revert", "--no-edit", "HEAD"]);
    assert!(dir.join("facts/git-fact.toml").exists());
}

#[test]
fn git_commit_outside_a_repository_is_refused_at_open() {
    if !have_git() {
        return;
    }
    let tmp = common::copy_knowledge();
    let dir = tmp.path().join("knowledge");
    // A folder of its own with GIT_CEILING_DIRECTORIES so no repository above it counts.
    let error = Command::new("git")
        .arg("-C")
        .arg(&dir)
        .args(["rev-parse", "--show-toplevel"])
        .output()
        .unwrap();
    if error.status.success() {
        eprintln!("skipped: the temporary folder is inside a git repository");
        return;
    }
    let config = StoreConfig {
        git_commit: true,
        ..StoreConfig::default()
    };
    let error = config.open(&dir).unwrap_err();
    assert!(matches!(error, StoreError::Git { .. }), "{error}");
    assert!(
        error.to_string().contains("not in a git repository"),
        "{error}"
    );
    // Without git_commit the same folder opens.
    assert!(StoreConfig::default().open(&dir).is_ok());
    let _ = Store::reader(&dir).unwrap();
}
