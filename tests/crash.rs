//! The crash test: a child process writes changes through the store in a loop and is killed
//! with SIGKILL at chosen steps of a change, many times over. After each kill a store is opened on the
//! folder (which runs recovery) and the test checks that every fact file is exactly the version
//! the journal says it last became (so old or new, never half), that the journal is whole and
//! unbroken, that no temporary or pending marker is left, and that the base passes the check.
//!
//! A quarter of the time the folder is left as the kill left it, so the next child's own
//! recovery (which can be killed in turn) repairs it before the test checks.
//!
//! Kill placement is deterministic: the child is told a step and an occurrence
//! (`TALKS_BOT_CRASH_PAUSE=write-fact:2`); a tracing layer of its own reports every step of a
//! change on stderr (the store's `phase` events) and, at the chosen one, says `paused` and
//! stops there; the parent kills it then. Steps are visited in turn, so every step is hit in
//! every run, and the seed (printed, `TALKS_BOT_CRASH_SEED` to replay) chooses the rest: the
//! operations, the occurrences, which wrecks are left to the next child.
//!
//! The child is this test binary run again with `--exact crash_child_writer --ignored` and the
//! folder in an environment variable.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use talks_bot::knowledge::{Citation, KnowledgeBase};
use talks_bot::store::{
    fact_to_toml, parse_fact, source_to_toml, Entry, Recovery, JOURNAL_FILE, PENDING_FILE,
};
use talks_bot::{Actor, Store, StoreError};

const CHILD_DIR: &str = "TALKS_BOT_CRASH_CHILD_DIR";
const CHILD_SEED: &str = "TALKS_BOT_CRASH_CHILD_SEED";
const CHILD_PAUSE: &str = "TALKS_BOT_CRASH_PAUSE";
/// The seed when `TALKS_BOT_CRASH_SEED` is not set: every run is the same run.
const DEFAULT_SEED: u64 = 0x7a1c_5b07;
const KILLS: usize = 60;
const EDITED: [&str; 3] = ["meeting-dates", "lavrov-opening", "meeting-purpose"];

/// xorshift64*: small, seeded, good enough to spread kill times and operations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[test]
#[ignore = "the crash test's child process: runs only when crash_test spawns it"]
fn crash_child_writer() {
    let Ok(dir) = std::env::var(CHILD_DIR) else {
        return;
    };
    let pause = std::env::var(CHILD_PAUSE).ok().and_then(|p| {
        let (phase, n) = p.split_once(':')?;
        Some((phase.to_string(), n.parse::<usize>().ok()?))
    });
    {
        use tracing_subscriber::layer::SubscriberExt;
        let layer = PhaseLayer {
            pause,
            seen: std::sync::Mutex::new(BTreeMap::new()),
        };
        tracing::subscriber::set_global_default(tracing_subscriber::registry().with(layer))
            .expect("the child's subscriber");
    }
    let seed = std::env::var(CHILD_SEED)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let mut rng = Rng(seed | 1);
    let tag = format!("{:x}", seed % 0x10_0000);
    let store = Store::open(&dir).expect("open");
    let actor = Actor::Cli {
        user: "crash".into(),
    };
    for n in 0u64.. {
        let result = match rng.below(8) {
            0..=3 => {
                let id = EDITED[rng.below(EDITED.len() as u64) as usize];
                let shown = store.show(id).expect("show");
                let mut fact = shown.fact;
                let base = fact
                    .answer
                    .split(" [edit ")
                    .next()
                    .unwrap_or_default()
                    .trim_end()
                    .to_string();
                fact.answer = format!("{base} [edit {tag}-{n}]\n");
                store
                    .edit(
                        id,
                        fact,
                        shown.version,
                        actor.clone(),
                        Some("crash test edit"),
                    )
                    .map(drop)
            }
            4 => {
                let mut fact = common::new_fact(&format!("crash-extra-{tag}-{n}"));
                fact.related.clear();
                fact.sources = vec![Citation {
                    source: format!("https://crash.example/story/{tag}/{n}"),
                    quote: None,
                    note: None,
                }];
                store.add(fact, actor.clone(), None).map(drop)
            }
            5 => match extra_fact(Path::new(&dir)) {
                Some(id) => {
                    let version = store.show(&id).expect("show").version;
                    store.remove(&id, version, actor.clone(), None).map(drop)
                }
                None => Ok(()),
            },
            _ => {
                let id = EDITED[rng.below(EDITED.len() as u64) as usize];
                common::undo_latest(&store, id, actor.clone(), None).map(drop)
            }
        };
        match result {
            Ok(()) | Err(StoreError::NothingToUndo { .. }) => {}
            Err(e) => panic!("change {n}: {e}"),
        }
    }
}

/// The child's tracing layer: reports each store step on stderr as `phase=NAME`, and at the
/// chosen occurrence of the chosen step reports `paused phase=NAME` and stops the writer there
/// for good (the parent kills it).
struct PhaseLayer {
    pause: Option<(String, usize)>,
    seen: std::sync::Mutex<BTreeMap<String, usize>>,
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for PhaseLayer {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        if event.metadata().target() != "talks_bot::store::phase" {
            return;
        }
        struct Phase(String);
        impl tracing::field::Visit for Phase {
            fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
                if field.name() == "phase" {
                    self.0 = value.to_string();
                }
            }
            fn record_debug(&mut self, _: &tracing::field::Field, _: &dyn std::fmt::Debug) {}
        }
        let mut phase = Phase(String::new());
        event.record(&mut phase);
        let phase = phase.0;
        let count = {
            let mut seen = self.seen.lock().unwrap();
            let count = seen.entry(phase.clone()).or_default();
            *count += 1;
            *count
        };
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "phase={phase}");
        if self
            .pause
            .as_ref()
            .is_some_and(|(at, n)| *at == phase && *n == count)
        {
            let _ = writeln!(err, "paused phase={phase}");
            let _ = err.flush();
            drop(err);
            loop {
                std::thread::park();
            }
        }
    }
}

fn extra_fact(dir: &Path) -> Option<String> {
    fs::read_dir(dir.join("facts"))
        .ok()?
        .filter_map(Result::ok)
        .find_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.strip_prefix("crash-extra-")
                .and(name.strip_suffix(".toml").map(String::from))
        })
}

/// The kill-time statistics the test reports.
#[derive(Default, Debug)]
struct Stats {
    kills: usize,
    /// Where each kill landed: the step the child paused at.
    phases: BTreeMap<String, usize>,
    /// Kills after which recovery completed a pending change.
    completed: usize,
    torn_journal_lines: usize,
    temps_removed: usize,
    journal_entries: usize,
    /// Kills after which the folder was not checked, so the next child had to recover.
    left_to_the_next_child: usize,
}

#[test]
fn sigkill_at_every_step_of_a_change_leaves_old_or_new_and_a_matching_journal() {
    let tmp = common::copy_knowledge();
    let dir = tmp.path().join("knowledge");
    let original: BTreeMap<String, Vec<u8>> = fact_files(&dir);
    let seed = std::env::var("TALKS_BOT_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_SEED);
    eprintln!("crash test seed {seed} (TALKS_BOT_CRASH_SEED={seed} replays this run)");
    let mut rng = Rng(seed | 1);
    let exe = std::env::current_exe().unwrap();
    let mut stats = Stats::default();
    let started = Instant::now();

    for round in 0..KILLS {
        // Every step in turn; which occurrence of it, and the child's operations, by the seed.
        let target = TARGETS[round % TARGETS.len()];
        let occurrence = 1 + rng.below(3);
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                "crash_child_writer",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_DIR, &dir)
            .env(CHILD_SEED, rng.next().to_string())
            .env(CHILD_PAUSE, format!("{target}:{occurrence}"))
            .env_remove("RUST_LOG")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn the child");
        let lines = read_lines(child.stderr.take().unwrap());
        let mut log = Vec::new();
        // Wait for the event (the child paused at its step), not for a time; the bound only
        // turns a hang into a failure with the child's log.
        let paused = loop {
            match lines.recv_timeout(Duration::from_secs(60)) {
                Ok(line) => {
                    let paused = line.starts_with("paused ");
                    log.push(line);
                    if paused {
                        break true;
                    }
                }
                Err(_) => break false,
            }
        };
        child.kill().expect("SIGKILL"); // Child::kill sends SIGKILL on Unix
        let status = child.wait().unwrap();
        log.extend(lines.iter());
        assert!(
            paused,
            "seed {seed}, round {round}: the child never reached {target} #{occurrence}:\n{}",
            log.join("\n")
        );
        assert_eq!(
            status.signal(),
            Some(9),
            "seed {seed}, round {round}: the child stopped on its own:\n{}",
            log.join("\n")
        );
        *stats.phases.entry(target.to_string()).or_default() += 1;
        stats.kills += 1;

        // Now and then the next child, not the test, finds the wreck: it recovers on open, and
        // may itself be killed while it does.
        if round + 1 < KILLS && rng.below(4) == 0 {
            stats.left_to_the_next_child += 1;
            continue;
        }
        let recovery = verify(&dir, &original, round);
        stats.completed += usize::from(recovery.completed.is_some());
        stats.torn_journal_lines += usize::from(recovery.torn_journal_bytes > 0);
        stats.temps_removed += recovery.temps_removed;
    }
    stats.journal_entries = read_journal(&dir).len();
    eprintln!(
        "crash test (seed {seed}): {stats:#?} in {:?}",
        started.elapsed()
    );
    assert_eq!(stats.kills, KILLS);
    for target in TARGETS {
        assert!(
            stats
                .phases
                .get(target)
                .is_some_and(|&n| n >= KILLS / TARGETS.len()),
            "seed {seed}: every step was killed at: {stats:?}"
        );
    }
    assert!(
        stats.journal_entries >= KILLS / 3,
        "seed {seed}: the child made progress between kills: {stats:?}"
    );
    assert!(
        stats.completed > 0,
        "seed {seed}: recovery completed interrupted changes: {stats:?}"
    );
}

/// The steps a kill is aimed at (see `phase` in the store).
const TARGETS: [&str; 8] = [
    "recover",
    "check",
    "pending",
    "write-sources",
    "write-fact",
    "journal",
    "clear-pending",
    "done",
];

/// The lines a child writes on stderr, as they come (a thread reads the pipe until it closes).
fn read_lines(pipe: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

fn fact_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fs::read_dir(dir.join("facts"))
        .unwrap()
        .map(|e| e.unwrap())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let id = name.strip_suffix(".toml")?.to_string();
            (!name.starts_with('.')).then(|| (id, fs::read(e.path()).unwrap()))
        })
        .collect()
}

fn read_journal(dir: &Path) -> Vec<Entry> {
    let text = fs::read_to_string(dir.join(JOURNAL_FILE)).unwrap_or_default();
    assert!(
        text.is_empty() || text.ends_with('\n'),
        "the journal ends with a whole line"
    );
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("journal line {l:?}: {e}")))
        .collect()
}

/// Opens a store (recovery) and checks the folder: returns what recovery did.
fn verify(dir: &Path, original: &BTreeMap<String, Vec<u8>>, round: usize) -> Recovery {
    let store = Store::open(dir).unwrap_or_else(|e| panic!("round {round}: open: {e}"));
    let recovery = store.recovered_at_open().clone();
    drop(store);

    for sub in ["", "facts", "sources"] {
        for entry in fs::read_dir(dir.join(sub)).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            assert!(
                !name.ends_with(".tmp"),
                "round {round}: temporary {sub}/{name} left"
            );
            assert_ne!(name, PENDING_FILE, "round {round}: pending marker left");
        }
    }

    // Replay the journal from the original files: each entry starts where the one before it
    // left the fact, and the files are where the last entry for each left them.
    let journal = read_journal(dir);
    let mut expected: BTreeMap<String, Option<Vec<u8>>> = original
        .iter()
        .map(|(id, bytes)| (id.clone(), Some(bytes.clone())))
        .collect();
    for (i, entry) in journal.iter().enumerate() {
        assert_eq!(
            entry.seq,
            i as u64 + 1,
            "round {round}: journal seqs run 1, 2, 3..."
        );
        let state = expected.get(&entry.fact).cloned().flatten();
        let state_fact = state.map(|bytes| parse_fact(&String::from_utf8(bytes).unwrap()).unwrap());
        assert_eq!(
            state_fact, entry.before,
            "round {round}: entry #{} starts from the fact as it was",
            entry.seq
        );
        expected.insert(
            entry.fact.clone(),
            entry.after.as_ref().map(|f| fact_to_toml(f).into_bytes()),
        );
        for source in &entry.sources_added {
            let path = dir.join("sources").join(format!("{}.toml", source.id));
            assert_eq!(
                fs::read_to_string(&path).ok(),
                Some(source_to_toml(source)),
                "round {round}: {}",
                path.display()
            );
        }
    }
    let on_disk = fact_files(dir);
    for (id, bytes) in &expected {
        let text = |b: Option<&Vec<u8>>| b.map(|b| String::from_utf8_lossy(b).into_owned());
        assert_eq!(
            text(on_disk.get(id)),
            text(bytes.as_ref()),
            "round {round}: facts/{id}.toml is not what the journal says"
        );
    }
    for id in on_disk.keys() {
        assert!(
            expected.contains_key(id),
            "round {round}: facts/{id}.toml is in no journal entry"
        );
    }
    if let Err(e) = KnowledgeBase::load(dir) {
        panic!("round {round}: the base does not pass the check: {e}");
    }
    recovery
}
