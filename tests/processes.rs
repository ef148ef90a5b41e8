//! Several processes sharing one knowledge folder: four child processes (this test binary run
//! again) each make ten edits to the same fact, retrying on a stale version. The file lock must
//! make every edit land exactly once, in one unbroken journal chain.

mod common;

use std::process::{Command, Stdio};

use talks_bot::knowledge::KnowledgeBase;
use talks_bot::{Actor, Store, StoreError};

const CHILD_DIR: &str = "TALKS_BOT_EDIT_CHILD_DIR";
const CHILD_NAME: &str = "TALKS_BOT_EDIT_CHILD_NAME";
const PROCESSES: usize = 4;
const EDITS: usize = 10;
const FACT: &str = "meeting-organiser";

#[test]
#[ignore = "a child process of processes_share_one_folder: runs only when spawned by it"]
fn edit_child() {
    let (Ok(dir), Ok(name)) = (std::env::var(CHILD_DIR), std::env::var(CHILD_NAME)) else {
        return;
    };
    // Four processes queue for one lock, each change checking the whole base: on a loaded
    // 2-core machine a wait can pass the default timeout, which is not what this tests.
    let store = Store::open_with(&dir, std::time::Duration::from_secs(120)).expect("open");
    for i in 0..EDITS {
        loop {
            let shown = store.show(FACT).expect("show");
            let mut fact = shown.fact;
            fact.keywords.push(format!("{name}-{i}"));
            match store.edit(
                FACT,
                fact,
                shown.version,
                Actor::Cli { user: name.clone() },
                None,
            ) {
                Ok(_) => break,
                Err(StoreError::Stale { .. }) => continue,
                Err(e) => panic!("{name} edit {i}: {e}"),
            }
        }
    }
}

#[test]
fn processes_share_one_folder_without_losing_an_edit() {
    let tmp = common::copy_knowledge();
    let dir = tmp.path().join("knowledge");
    let original = Store::open(&dir).unwrap().show(FACT).unwrap().fact;
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..PROCESSES)
        .map(|p| {
            Command::new(&exe)
                .args([
                    "--exact",
                    "edit_child",
                    "--ignored",
                    "--test-threads=1",
                    "--nocapture",
                ])
                .env(CHILD_DIR, &dir)
                .env(CHILD_NAME, format!("p{p}"))
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    let fact = Store::open(&dir).unwrap().show(FACT).unwrap().fact;
    for p in 0..PROCESSES {
        for i in 0..EDITS {
            assert!(
                fact.keywords.contains(&format!("p{p}-{i}")),
                "p{p}-{i} lost"
            );
        }
    }
    assert_eq!(
        fact.keywords.len(),
        original.keywords.len() + PROCESSES * EDITS
    );
    let journal = common::journal_lines(&dir);
    assert_eq!(journal.len(), PROCESSES * EDITS);
    let mut previous = Some(original);
    for (i, entry) in journal.iter().enumerate() {
        assert_eq!(entry.seq, i as u64 + 1);
        assert_eq!(entry.before, previous, "seq {}", entry.seq);
        previous = entry.after.clone();
    }
    assert!(KnowledgeBase::load(&dir).is_ok());
}
