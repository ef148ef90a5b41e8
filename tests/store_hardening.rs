//! The store under failure and contention: a write that fails half-way, a lock held by
//! another process, a hostile change marker, two undos of one change, a made-up version, and
//! readers that need no lock. Offline, on temporary copies of the shipped knowledge folder.

mod common;

use std::fs::{self, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use talks_bot::knowledge::Citation;
use talks_bot::store::{Action, Entry, LOCK_FILE, PENDING_FILE};
use talks_bot::{Actor, Store, StoreError, Version};

use common::{copy_knowledge, journal_lines, new_fact, snapshot};

fn alice() -> Actor {
    Actor::discord(42, "alice")
}

/// Every file of the folder but the lock file (which the store creates when it opens).
fn files(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    let mut files = snapshot(dir);
    files.remove(Path::new(LOCK_FILE));
    files
}

fn binary(dir: &Path) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_talks-bot"));
    command
        .current_dir(dir.parent().unwrap())
        .arg("--knowledge")
        .arg(dir)
        .env_remove("RUST_LOG");
    command
}

#[test]
fn a_write_that_fails_after_the_marker_is_rolled_back_and_never_lands_later() {
    let tmp = copy_knowledge();
    let dir = tmp.path().join("knowledge");
    let store = Store::open(&dir).unwrap();
    // Two URL citations: the first source is written, the second cannot be (a folder stands
    // where its file would go), so the change fails after its marker, half-way.
    let mut fact = new_fact("half-written");
    fact.related.clear();
    fact.sources = ["https://ok.example/story", "https://blocked.example/story"]
        .into_iter()
        .map(|url| Citation {
            source: url.into(),
            quote: None,
            note: None,
        })
        .collect();
    fs::create_dir_all(dir.join("sources/blocked-example-story.toml/inside")).unwrap();
    let before = files(&dir);
    let error = store.add(fact, alice(), None).unwrap_err();
    assert!(!error.is_refusal(), "a failure, not a refusal: {error}");
    assert!(
        error.to_string().contains("blocked-example-story"),
        "{error}"
    );
    assert_eq!(files(&dir), before, "everything is as it was");
    assert!(!dir.join(PENDING_FILE).exists());
    drop(store);

    // The obstacle goes, the store opens again: the change reported as failed stays undone.
    fs::remove_dir_all(dir.join("sources/blocked-example-story.toml")).unwrap();
    let store = Store::open(&dir).unwrap();
    assert!(store.recovered_at_open().is_clean());
    assert!(matches!(
        store.show("half-written"),
        Err(StoreError::NotFound { .. })
    ));
    assert!(!dir.join("sources/ok-example-story.toml").exists());
    assert!(journal_lines(&dir).is_empty());
}

#[test]
fn a_held_lock_fails_a_writer_in_bounded_time_and_readers_go_on() {
    let tmp = copy_knowledge();
    let dir = tmp.path().join("knowledge");
    let early = Store::open_with(&dir, Duration::from_millis(200)).unwrap();
    // Another process is changing the folder (and never finishes).
    let held = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(LOCK_FILE))
        .unwrap();
    held.lock().unwrap();

    let error = Store::open_with(&dir, Duration::from_millis(200)).unwrap_err();
    assert!(error.is_busy(), "{error}");
    assert_eq!(
        error.to_string(),
        "the knowledge folder is being changed by another process; try again"
    );
    // Readers go on; a store opened before the lock was taken waits as long, then says the
    // same.
    let reader = Store::reader(&dir).unwrap();
    assert_eq!(
        reader.show("meeting-dates").unwrap().fact.id,
        "meeting-dates"
    );
    assert!(reader.history("meeting-dates").unwrap().is_empty());
    let version = early.show("meeting-dates").unwrap().version;
    assert!(early
        .remove("meeting-dates", version, alice(), None)
        .is_err_and(|e| e.is_busy()));

    // The CLI: reading works, a change fails with exit 2 and that message.
    let config = tmp.path().join("config.toml");
    fs::write(&config, "[store]\nlock_timeout_seconds = 0.2\n").unwrap();
    let show = binary(&dir)
        .args(["--config"])
        .arg(&config)
        .args(["fact", "show", "meeting-dates"])
        .output()
        .unwrap();
    assert!(show.status.success(), "{show:?}");
    let remove = binary(&dir)
        .args(["--config"])
        .arg(&config)
        .args(["fact", "remove", "meeting-dates"])
        .output()
        .unwrap();
    assert_eq!(remove.status.code(), Some(2), "{remove:?}");
    assert!(String::from_utf8_lossy(&remove.stderr)
        .contains("being changed by another process; try again"));
    held.unlock().unwrap();
    assert!(dir.join("facts/meeting-dates.toml").exists());
}

#[test]
fn readers_need_no_lock_file() {
    let tmp = copy_knowledge();
    let dir = tmp.path().join("knowledge");
    // The lock file cannot be created (as on a full disk): a dangling link where it goes.
    std::os::unix::fs::symlink(tmp.path().join("no/such/folder"), dir.join(LOCK_FILE)).unwrap();
    assert!(Store::open(&dir).is_err());
    let reader = Store::reader(&dir).unwrap();
    assert!(reader.show("meeting-dates").is_ok());
    for args in [
        &["fact", "show", "meeting-dates"][..],
        &["fact", "history", "meeting-dates"],
    ] {
        // Run in the temporary folder, which has no config.toml: the defaults.
        let output = binary(&dir).args(args).output().unwrap();
        assert!(output.status.success(), "{args:?}: {output:?}");
    }
}

fn hostile_entry(fact: &str, source: Option<&str>) -> Entry {
    let mut after = new_fact(fact);
    after.related.clear();
    let mut sources_added = Vec::new();
    if let Some(id) = source {
        let mut source = talks_bot::knowledge::Source {
            id: id.into(),
            outlet: "x".into(),
            title: None,
            date: None,
            url: "https://x.example".into(),
            text: None,
            description: None,
            body: None,
        };
        if id == "with-text" {
            source.text = Some("../../../etc/passwd".into());
        }
        sources_added.push(source);
    }
    Entry {
        seq: 1,
        time: "2024-03-01T12:00:00Z".into(),
        actor: alice(),
        action: Action::Add,
        fact: fact.into(),
        before: None,
        after: Some(after),
        sources_added,
        undoes: None,
        reason: None,
    }
}

#[test]
fn a_hostile_pending_marker_is_reported_and_not_obeyed() {
    for (entry, named) in [
        (hostile_entry("../../escaped", None), "../../escaped"),
        (hostile_entry("fine-fact", Some("../escaped")), "../escaped"),
        (hostile_entry("fine-fact", Some("with-text")), "stored text"),
    ] {
        let tmp = copy_knowledge();
        let dir = tmp.path().join("knowledge");
        let marker = serde_json::to_vec(&entry).unwrap();
        fs::write(dir.join(PENDING_FILE), &marker).unwrap();
        let before = snapshot(tmp.path());
        let error = Store::open(&dir).unwrap_err();
        assert!(
            matches!(error, StoreError::BadPending { .. }) && !error.is_refusal(),
            "{error}"
        );
        let text = error.to_string();
        assert!(
            text.contains(PENDING_FILE) && text.contains(named),
            "{text}"
        );
        let mut after = snapshot(tmp.path());
        after.remove(&Path::new("knowledge").join(LOCK_FILE));
        assert_eq!(after, before, "nothing was written");
        assert!(!tmp.path().join("escaped.toml").exists());
        assert_eq!(fs::read(dir.join(PENDING_FILE)).unwrap(), marker, "kept");

        // Not a JSON entry at all: reported the same way.
        fs::write(dir.join(PENDING_FILE), b"{\"seq\": \"nope\"").unwrap();
        assert!(matches!(
            Store::open(&dir),
            Err(StoreError::BadPending { .. })
        ));
    }
}

#[test]
fn two_undos_of_one_change_revert_it_once() {
    let tmp = copy_knowledge();
    let dir = tmp.path().join("knowledge");
    let store = Arc::new(Store::open(&dir).unwrap());
    let shown = store.show("meeting-dates").unwrap();
    let mut fact = shown.fact.clone();
    fact.answer.push_str("Edited.\n");
    store
        .edit("meeting-dates", fact.clone(), shown.version, alice(), None)
        .unwrap();
    let second = fact.clone();
    let mut third = second.clone();
    third.answer.push_str("Again.\n");
    let v2 = store.show("meeting-dates").unwrap().version;
    store
        .edit("meeting-dates", third, v2, alice(), None)
        .unwrap();
    let target = store.undo_target("meeting-dates").unwrap();
    assert_eq!(target.seq, 2);

    // Two moderators press undo on change #2 at once: one in this process, one through a
    // store of its own (another process's).
    let other = Store::open(&dir).unwrap();
    let results: Vec<Result<_, StoreError>> = std::thread::scope(|scope| {
        let a = scope.spawn(|| store.undo("meeting-dates", 2, alice(), None));
        let b = scope.spawn(|| other.undo("meeting-dates", 2, Actor::discord(7, "bob"), None));
        vec![a.join().unwrap(), b.join().unwrap()]
    });
    let done = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(done, 1, "{results:?}");
    let refused = results.into_iter().find_map(Result::err).unwrap();
    assert!(
        matches!(refused, StoreError::AlreadyUndone { seq: 2, .. }),
        "{refused}"
    );
    assert!(refused.to_string().contains("already undone"));
    assert_eq!(journal_lines(&dir).len(), 3, "one undo");
    assert_eq!(store.show("meeting-dates").unwrap().fact, second);

    // Buttons for other changes: one undone already, one that is not a change to the fact,
    // and one that is no longer the latest (someone edited since) are refused.
    assert!(matches!(
        store.undo("meeting-dates", 99, alice(), None),
        Err(StoreError::NotAChange { seq: 99, .. })
    ));
    let edit = |text: &str| {
        let shown = store.show("meeting-dates").unwrap();
        let mut fact = shown.fact;
        fact.answer.push_str(text);
        store
            .edit("meeting-dates", fact, shown.version, alice(), None)
            .unwrap()
            .entry
            .seq
    };
    let four = edit("Four.\n");
    let five = edit("Five.\n");
    let moved = store
        .undo("meeting-dates", four, alice(), None)
        .unwrap_err();
    assert!(
        matches!(moved, StoreError::UndoMoved { latest, .. } if latest == five),
        "{moved}"
    );
    assert!(store.undo("meeting-dates", five, alice(), None).is_ok());
    assert_eq!(journal_lines(&dir).len(), 6);
}

#[test]
fn a_made_up_version_is_not_called_a_change_made_outside_the_store() {
    let tmp = copy_knowledge();
    let dir = tmp.path().join("knowledge");
    let store = Store::open(&dir).unwrap();
    let mut fact = store.show("meeting-dates").unwrap().fact;
    fact.answer.push_str("Edited.\n");
    let error = store
        .edit(
            "meeting-dates",
            fact,
            Version::of(b"made up"),
            alice(),
            None,
        )
        .unwrap_err();
    let text = error.to_string();
    assert!(matches!(error, StoreError::Stale { .. }), "{text}");
    assert!(!text.contains("made outside the store"), "{text}");
    assert!(text.contains("does not know the fact at version"), "{text}");
}
