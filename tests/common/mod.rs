//! Helpers shared by the store, reload, CLI and crash tests: temporary copies of the shipped
//! knowledge folder (the repository's own is never touched), file snapshots and the journal.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use talks_bot::knowledge::{Citation, Fact};
use talks_bot::store::{Change, Entry, JOURNAL_FILE};
use talks_bot::{Actor, Store, StoreError};

/// The repository's knowledge folder (read only).
pub fn shipped() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge")
}

/// A temporary copy of the shipped knowledge folder, without a journal or hidden files.
pub fn copy_knowledge() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("temp dir");
    copy_dir(&shipped(), &tmp.path().join("knowledge"));
    tmp
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || name == "journal.jsonl" {
            continue;
        }
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to.join(&*name));
        } else {
            fs::copy(entry.path(), to.join(&*name)).unwrap();
        }
    }
}

/// An empty folder for the whole test binary, to run `talks-bot` in: no `config.toml` there,
/// so a developer's own configuration never reaches a test.
pub fn empty_dir() -> &'static Path {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("temp dir"))
        .path()
}

/// `talks-bot` over the shipped knowledge, run in [`empty_dir`] (hermetic: the defaults, not
/// whatever `config.toml` the repository root holds), without `RUST_LOG`, and with `$USER`
/// set (a change says who, and CI may have no `$USER`).
pub fn talks_bot() -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_talks-bot"));
    command
        .current_dir(empty_dir())
        .env_remove("RUST_LOG")
        .env("USER", "operator")
        .arg("--knowledge")
        .arg(shipped());
    command
}

/// The journal's entries, oldest first (none if there is no journal yet).
pub fn journal_lines(dir: &Path) -> Vec<Entry> {
    fs::read_to_string(dir.join(JOURNAL_FILE))
        .unwrap_or_default()
        .lines()
        .map(|line| serde_json::from_str(line).expect("journal line"))
        .collect()
}

/// Every file under `dir` (relative path to bytes), hidden files included.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    fn walk(root: &Path, dir: &Path, files: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                walk(root, &path, files);
            } else {
                files.insert(
                    path.strip_prefix(root).unwrap().to_path_buf(),
                    fs::read(&path).unwrap(),
                );
            }
        }
    }
    walk(dir, dir, &mut files);
    files
}

/// A new, valid fact citing a source without stored text (so no quote).
pub fn new_fact(id: &str) -> Fact {
    Fact {
        id: id.to_string(),
        topic: "The meeting".into(),
        question: "What colour were the chairs at the Moscow meeting?".into(),
        alternates: vec![
            "chair colour".into(),
            "what were the chairs like".into(),
            "moscow meeting furniture".into(),
        ],
        keywords: vec!["chairs".into(), "furniture".into()],
        answer: "According to TASS, the delegates sat on chairs.\n".into(),
        as_of: Some("2024-03-01".into()),
        related: vec!["meeting-dates".into()],
        sources: vec![Citation {
            source: "tass-2024-02-29-lavrov".into(),
            quote: None,
            note: None,
        }],
        events: Vec::new(),
    }
}

/// Undoes the latest change to `id` that is not undone yet (what `fact undo ID` does).
pub fn undo_latest(
    store: &Store,
    id: &str,
    actor: Actor,
    reason: Option<&str>,
) -> Result<Change, StoreError> {
    let target = store.undo_target(id)?;
    store.undo(id, target.seq, actor, reason)
}
