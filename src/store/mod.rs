//! The store: the one place that changes `knowledge/`. Both front ends (the CLI's
//! `talks-bot fact ...` and Discord's `/fact ...`) call it, one call per action.
//!
//! Every change
//! - is checked exactly like `talks-bot check` on the base it would produce, and refused with
//!   the problems listed if it does not pass;
//! - carries the version (a hash of the file, see [`Version`]) it was based on, and is refused
//!   with a field-by-field diff if the fact changed since;
//! - runs under an exclusive file lock on `knowledge/.lock` (several processes may share the
//!   folder) and an in-process mutex (many tasks may share one [`Store`]), each waited for at
//!   most the lock timeout ([`StoreError::Busy`] then); reading ([`Store::reader`], `show`,
//!   `history`) takes neither;
//! - is journaled in `knowledge/journal.jsonl` (see [`Entry`]) and written atomically.
//!
//! # Crash safety
//! A change is done in this order, each step durable (fsync) before the next:
//! 1. the journal entry is written to `knowledge/.pending.json` (temporary, fsync, rename,
//!    fsync the folder): from here on the change is decided;
//! 2. new source files, then the fact file, are replaced atomically (or the fact removed);
//! 3. the entry is appended to the journal (O_APPEND, one write, fsync);
//! 4. `.pending.json` is removed.
//!
//! If a step after 1 fails (disk full, an I/O error), the change is rolled back before the error
//! is returned: the files it overwrote are put back, the journal cut back to where it was, and
//! only then the marker removed; so a change reported as failed never lands later.
//!
//! Recovery runs when a store is opened and at the start of every change, under the lock: it
//! deletes temporaries a crash left, cuts a torn last journal line, and if `.pending.json`
//! exists it completes that change (rewrites its files, appends its journal entry unless the
//! journal already ends with it) and removes the marker. So after a kill at any point, once a
//! store has opened the folder, every file is either before or after the change and the
//! journal's last entry for each fact is what its file holds. Without the marker, recovery
//! never guesses from file contents, so a `git pull` or an editor is never "rolled forward".
//! A marker that does not parse, or names a path not made of ids, is reported
//! ([`StoreError::BadPending`]) and never obeyed.

mod diff;
mod error;
mod fsio;
mod git;
mod ids;
mod journal;
mod toml_out;
mod version;

use std::collections::HashSet;
use std::fmt;
use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use crate::engine::{Engine, SharedEngine};
use crate::knowledge::content::{self, Field};
use crate::knowledge::{check, Fact, KnowledgeBase, LoadError, Problem, Source};

use ids::{check_id, url_sources};

pub use diff::{changes_text, diff_facts, FieldChange};
pub use error::StoreError;
pub use ids::suggest_id;
pub use journal::{rfc3339, Action, Actor, Entry};
pub use toml_out::{fact_to_toml, source_to_toml, update_fact_toml};
pub use version::{BadVersion, Version};

/// The journal, in the knowledge folder.
pub const JOURNAL_FILE: &str = "journal.jsonl";
/// The lock file writers take, in the knowledge folder.
pub const LOCK_FILE: &str = ".lock";
/// The change being written, in the knowledge folder, while it is written.
pub const PENDING_FILE: &str = ".pending.json";
/// How long a change waits for another process to finish with the folder, by default.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(10);
pub use content::{MAX_REASON_CHARS, MAX_TOPIC_CHARS};
/// A fact as stored: its parsed value, the file's text and its version.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    pub fact: Fact,
    pub toml: String,
    pub version: Version,
}

/// A change that was made.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// What the journal recorded (seq, who, before, after, sources created).
    pub entry: Entry,
    /// The fact's new version; None when it was removed.
    pub version: Option<Version>,
    /// With `[store] git_commit`: why the change, which stands, could not be committed to git.
    pub git_error: Option<String>,
}

/// What recovery found and repaired.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recovery {
    /// The `seq` of an interrupted change that was completed.
    pub completed: Option<u64>,
    /// Bytes of a torn last journal line that were cut off.
    pub torn_journal_bytes: u64,
    /// Temporary files a crash left behind that were deleted.
    pub temps_removed: usize,
}

impl Recovery {
    pub fn is_clean(&self) -> bool {
        *self == Recovery::default()
    }
}

/// Where the time of a change comes from (the system clock, or a fixed one in tests).
pub type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// The fact store over one knowledge folder. `Send + Sync`: share it (`Arc<Store>`) between
/// tasks; changes are serialised inside. The calls block on file I/O (a few fsyncs), so an
/// async front end runs them with `spawn_blocking`.
pub struct Store {
    dir: PathBuf,
    /// The lock file, opened by the first change (so that reading never creates a file).
    lock: Mutex<Option<File>>,
    lock_timeout: Duration,
    clock: Clock,
    engine: Option<SharedEngine>,
    recovered: Recovery,
    /// `[store] git_commit`: the repository each change is committed to.
    git: Option<git::Repo>,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("dir", &self.dir)
            .field("engine", &self.engine.is_some())
            .finish()
    }
}

/// Holds the in-process mutex and the file lock; releases both when dropped.
struct Locked<'a>(MutexGuard<'a, Option<File>>);

impl Drop for Locked<'_> {
    fn drop(&mut self) {
        if let Some(file) = self.0.as_ref() {
            let _ = file.unlock();
        }
    }
}

/// A change worked out under the lock, ready to be written.
struct Plan {
    entry: Entry,
    candidate: KnowledgeBase,
}

/// A file as it was before a change: its bytes, `Some(None)` if it did not exist, `None` if it
/// could not be read as a file.
type Before = Option<Option<Vec<u8>>>;

/// How often a writer looks again while another holds the lock.
const LOCK_POLL: Duration = Duration::from_millis(10);

impl Store {
    /// Opens a knowledge folder (it must hold `facts/` and `sources/`), creating its lock file,
    /// and completes any change a crash interrupted (see [`Store::recovered_at_open`]). Waits
    /// at most [`DEFAULT_LOCK_TIMEOUT`] for another writer.
    pub fn open(dir: impl Into<PathBuf>) -> Result<Store, StoreError> {
        Store::open_with(dir, DEFAULT_LOCK_TIMEOUT)
    }

    /// [`Store::open`], with the longest wait for another writer (this one applies to every
    /// change made through the store too).
    pub fn open_with(dir: impl Into<PathBuf>, lock_timeout: Duration) -> Result<Store, StoreError> {
        let mut store = Store::reader(dir)?;
        store.lock_timeout = lock_timeout;
        let (locked, recovery, _) = store.begin()?;
        drop(locked);
        store.recovered = recovery;
        Ok(store)
    }

    /// Opens a knowledge folder for reading (`show`, `history`, `journal`): takes no lock,
    /// creates and writes nothing and does not recover, so it works while another process
    /// writes and on a full disk. Files are only ever replaced whole, so what it reads is a
    /// version that was on disk. A change made through it locks and recovers first as usual.
    pub fn reader(dir: impl Into<PathBuf>) -> Result<Store, StoreError> {
        let dir = dir.into();
        if !dir.join("facts").is_dir() || !dir.join("sources").is_dir() {
            return Err(StoreError::Missing(LoadError::Missing { path: dir }));
        }
        Ok(Store {
            dir,
            lock: Mutex::new(None),
            lock_timeout: DEFAULT_LOCK_TIMEOUT,
            clock: Arc::new(SystemTime::now),
            engine: None,
            recovered: Recovery::default(),
            git: None,
        })
    }

    /// Swaps every accepted change into `engine` before the call returns, so the bot answers
    /// from it at once (the file watcher would pick it up too, a moment later).
    pub fn with_engine(mut self, engine: SharedEngine) -> Store {
        self.engine = Some(engine);
        self
    }

    /// Commits every change (its fact file, the sources it created and the journal) to the git
    /// repository that holds the knowledge folder, with the member or operator as author and
    /// the reason as message. Refused if the folder is not in a git work tree.
    pub fn with_git_commits(mut self) -> Result<Store, StoreError> {
        self.git = Some(
            git::Repo::find(&self.dir).map_err(|message| StoreError::Git {
                dir: self.dir.clone(),
                message,
            })?,
        );
        Ok(self)
    }

    /// Takes the time of changes from `clock` instead of the system clock.
    pub fn with_clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Store {
        self.clock = Arc::new(clock);
        self
    }

    /// The knowledge folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// What recovery repaired when the store was opened (clean unless a writer crashed).
    pub fn recovered_at_open(&self) -> &Recovery {
        &self.recovered
    }

    /// Adds a new fact. Citations may give a URL instead of a source id: a source is then
    /// created for it (see [`Entry::sources_added`]).
    #[tracing::instrument(level = "info", skip_all, fields(fact = %fact.id, actor = %actor))]
    pub fn add(
        &self,
        mut fact: Fact,
        actor: Actor,
        reason: Option<&str>,
    ) -> Result<Change, StoreError> {
        let reason = clean_reason(reason)?;
        check_id(&fact.id)?;
        let (_locked, _, last_seq) = self.begin()?;
        let id = fact.id.clone();
        if fsio::read_optional(&self.fact_path(&id))
            .map_err(|e| StoreError::io(&self.fact_path(&id), e))?
            .is_some()
        {
            return Err(StoreError::AlreadyExists { id });
        }
        let (kb, problems) = self.load_base(&id)?;
        if kb.fact(&id).is_some() {
            return Err(StoreError::AlreadyExists { id });
        }
        translations_left(&id, &kb)?;
        let sources_added = url_sources(&mut fact, kb.sources(), &actor);
        let candidate = candidate(&kb, None, Some(&fact), &sources_added);
        validate(&id, &candidate, &kb, problems)?;
        let entry = self.entry(
            last_seq,
            actor,
            Action::Add,
            &id,
            None,
            Some(fact),
            sources_added,
            None,
            reason,
        );
        self.commit(Plan { entry, candidate })
    }

    /// Replaces fact `id` with `fact`, if the fact on disk is still at version `base`.
    #[tracing::instrument(level = "info", skip_all, fields(fact = id, actor = %actor))]
    pub fn edit(
        &self,
        id: &str,
        mut fact: Fact,
        base: Version,
        actor: Actor,
        reason: Option<&str>,
    ) -> Result<Change, StoreError> {
        let reason = clean_reason(reason)?;
        check_id(id)?;
        if fact.id != id {
            return Err(StoreError::IdMismatch {
                id: id.to_string(),
                found: fact.id,
            });
        }
        let (_locked, _, last_seq) = self.begin()?;
        let current = self.current(id)?;
        if current.version != base {
            return Err(self.stale(id, base, &current, Some(&fact)));
        }
        let (kb, problems) = self.load_base(id)?;
        let sources_added = url_sources(&mut fact, kb.sources(), &actor);
        if fact == current.fact {
            return Err(StoreError::Unchanged { id: id.to_string() });
        }
        let candidate = candidate(&kb, Some(id), Some(&fact), &sources_added);
        validate(id, &candidate, &kb, problems)?;
        let entry = self.entry(
            last_seq,
            actor,
            Action::Edit,
            id,
            Some(current.fact),
            Some(fact),
            sources_added,
            None,
            reason,
        );
        self.commit(Plan { entry, candidate })
    }

    /// Adds `phrasing` (spacing tidied) to fact `id`'s alternates: an edit like any other,
    /// checked and journaled, from the version on disk now. Refused as unchanged if the fact
    /// already has that phrasing (case aside).
    pub fn add_phrasing(
        &self,
        id: &str,
        phrasing: &str,
        actor: Actor,
        reason: Option<&str>,
    ) -> Result<Change, StoreError> {
        let shown = self.show(id)?;
        let phrasing = phrasing.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut fact = shown.fact;
        let known = std::iter::once(&fact.question)
            .chain(&fact.alternates)
            .any(|p| p.to_lowercase() == phrasing.to_lowercase());
        if known {
            return Err(StoreError::Unchanged { id: id.to_string() });
        }
        fact.alternates.push(phrasing);
        self.edit(id, fact, shown.version, actor, reason)
    }

    /// Removes fact `id`, if it is still at version `base`. Refused while other facts list it
    /// under `related` (the store never edits facts the moderator did not name). Its
    /// translations stay in the folder, unserved (the store never writes them), and serve
    /// again when the removal is undone.
    #[tracing::instrument(level = "info", skip_all, fields(fact = id, actor = %actor))]
    pub fn remove(
        &self,
        id: &str,
        base: Version,
        actor: Actor,
        reason: Option<&str>,
    ) -> Result<Change, StoreError> {
        let reason = clean_reason(reason)?;
        check_id(id)?;
        let (_locked, _, last_seq) = self.begin()?;
        let current = self.current(id)?;
        if current.version != base {
            return Err(self.stale(id, base, &current, None));
        }
        let (kb, problems) = self.load_base(id)?;
        still_related(id, &kb)?;
        let candidate = candidate(&kb, Some(id), None, &[]);
        validate(id, &candidate, &kb, problems)?;
        let entry = self.entry(
            last_seq,
            actor,
            Action::Remove,
            id,
            Some(current.fact),
            None,
            Vec::new(),
            None,
            reason,
        );
        self.commit(Plan { entry, candidate })
    }

    /// The change [`Store::undo`] would revert now: the latest change to `id` that is not
    /// already undone.
    pub fn undo_target(&self, id: &str) -> Result<Entry, StoreError> {
        check_id(id)?;
        undo_target(&self.read_journal()?, id)
            .cloned()
            .ok_or_else(|| StoreError::NothingToUndo { id: id.to_string() })
    }

    /// Reverts journal change `seq` to `id`, as a new journaled change: an edit is edited back,
    /// an add removed, a remove restored. Like an edit's version, `seq` is what the caller saw
    /// (from [`Store::undo_target`]): refused if that change was undone already (two
    /// moderators undoing one change revert it once) or is no longer the latest, and if the
    /// file changed outside the store since. Undoing again steps further back.
    #[tracing::instrument(level = "info", skip_all, fields(fact = id, seq, actor = %actor))]
    pub fn undo(
        &self,
        id: &str,
        seq: u64,
        actor: Actor,
        reason: Option<&str>,
    ) -> Result<Change, StoreError> {
        let reason = clean_reason(reason)?;
        check_id(id)?;
        let (_locked, _, last_seq) = self.begin()?;
        let entries = self.read_journal()?;
        let target = undo_target(&entries, id);
        let target = match target {
            Some(target) if target.seq == seq => target,
            _ => {
                let id = id.to_string();
                return Err(if entries.iter().any(|e| e.undoes == Some(seq)) {
                    StoreError::AlreadyUndone { id, seq }
                } else if !entries.iter().any(|e| e.seq == seq && e.fact == id) {
                    StoreError::NotAChange { id, seq }
                } else {
                    match target {
                        Some(latest) => StoreError::UndoMoved {
                            id,
                            seq,
                            latest: latest.seq,
                        },
                        None => StoreError::NothingToUndo { id },
                    }
                });
            }
        };
        let path = self.fact_path(id);
        let on_disk = fsio::read_optional(&path).map_err(|e| StoreError::io(&path, e))?;
        // Compared as facts: comments or spacing changed by hand are kept by the undo.
        let on_disk = on_disk.map(|bytes| parse_shown(&path, bytes)).transpose()?;
        if on_disk.as_ref().map(|shown| &shown.fact) != target.after.as_ref() {
            let changes = match (on_disk, &target.after) {
                (Some(shown), Some(after)) => diff_facts(after, &shown.fact),
                _ => Vec::new(),
            };
            return Err(StoreError::ChangedOutside {
                id: id.to_string(),
                seq: target.seq,
                changes,
            });
        }
        let (kb, problems) = self.load_base(id)?;
        let restored = target.before.clone();
        if restored.is_none() {
            still_related(id, &kb)?;
        }
        let candidate = candidate(
            &kb,
            target.after.as_ref().map(|_| id),
            restored.as_ref(),
            &[],
        );
        validate(id, &candidate, &kb, problems)?;
        let entry = self.entry(
            last_seq,
            actor,
            Action::Undo,
            id,
            target.after.clone(),
            restored,
            Vec::new(),
            Some(target.seq),
            reason,
        );
        self.commit(Plan { entry, candidate })
    }

    /// Every journaled change to `id`, oldest first.
    pub fn history(&self, id: &str) -> Result<Vec<Entry>, StoreError> {
        check_id(id)?;
        Ok(self
            .read_journal()?
            .into_iter()
            .filter(|e| e.fact == id)
            .collect())
    }

    /// The whole journal, oldest first.
    pub fn journal(&self) -> Result<Vec<Entry>, StoreError> {
        self.read_journal()
    }

    /// Fact `id` as stored: parsed, its file's text, and the version an edit must carry.
    pub fn show(&self, id: &str) -> Result<Shown, StoreError> {
        check_id(id)?;
        self.current(id)
    }

    /// An unused fact id made from a question (for front ends whose form has no id field):
    /// its significant words, lower case, joined with '-', numbered if taken.
    pub fn suggest_id(&self, question: &str) -> String {
        suggest_id(question, |id| self.fact_path(id).exists())
    }

    /// The longest a change waits for another process to finish with the folder.
    pub fn lock_timeout(&self) -> Duration {
        self.lock_timeout
    }

    /// The path of fact `id`'s file.
    pub fn fact_path(&self, id: &str) -> PathBuf {
        self.dir.join("facts").join(format!("{id}.toml"))
    }

    fn source_path(&self, id: &str) -> PathBuf {
        self.dir.join("sources").join(format!("{id}.toml"))
    }

    fn journal_path(&self) -> PathBuf {
        self.dir.join(JOURNAL_FILE)
    }

    fn pending_path(&self) -> PathBuf {
        self.dir.join(PENDING_FILE)
    }

    /// Takes the locks (waiting at most the lock timeout for each), runs recovery, and tells
    /// the last journal seq.
    fn begin(&self) -> Result<(Locked<'_>, Recovery, u64), StoreError> {
        let deadline = Instant::now() + self.lock_timeout;
        let busy = || StoreError::Busy {
            dir: self.dir.clone(),
        };
        let mut guard = loop {
            match self.lock.try_lock() {
                Ok(guard) => break guard,
                Err(std::sync::TryLockError::Poisoned(poisoned)) => break poisoned.into_inner(),
                Err(std::sync::TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(LOCK_POLL)
                }
                Err(std::sync::TryLockError::WouldBlock) => return Err(busy()),
            }
        };
        let lock_path = self.dir.join(LOCK_FILE);
        if guard.is_none() {
            let file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&lock_path)
                .map_err(|e| StoreError::io(&lock_path, e))?;
            *guard = Some(file);
        }
        let file = guard.as_ref().expect("opened above");
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(LOCK_POLL)
                }
                Err(TryLockError::WouldBlock) => return Err(busy()),
                Err(TryLockError::Error(e)) => return Err(StoreError::io(&lock_path, e)),
            }
        }
        let locked = Locked(guard);
        phase("recover", "");
        let (recovery, last_seq) = self.recover()?;
        if !recovery.is_clean() {
            tracing::warn!(?recovery, dir = %self.dir.display(), "completed a change a crash interrupted");
        }
        Ok((locked, recovery, last_seq))
    }

    /// See the module doc: temporaries, a torn journal tail, a pending change. Under the lock.
    fn recover(&self) -> Result<(Recovery, u64), StoreError> {
        let mut report = Recovery::default();
        for dir in [
            self.dir.clone(),
            self.dir.join("facts"),
            self.dir.join("sources"),
        ] {
            report.temps_removed +=
                fsio::remove_stale_temps(&dir).map_err(|e| StoreError::io(&dir, e))?;
        }
        let journal_path = self.journal_path();
        let io_journal = |e| StoreError::io(&journal_path, e);
        let (last, torn) = journal::last_line(&journal_path).map_err(io_journal)?;
        if torn > 0 {
            journal::truncate_tail(&journal_path, torn).map_err(io_journal)?;
            report.torn_journal_bytes = torn;
        }
        let mut last_seq = match last {
            None => 0,
            Some(line) => {
                #[derive(serde::Deserialize)]
                struct Seq {
                    seq: u64,
                }
                serde_json::from_str::<Seq>(&line)
                    .map_err(|e| StoreError::Journal {
                        line: std::fs::read_to_string(&journal_path)
                            .map_or(0, |t| t.lines().count()),
                        path: journal_path.clone(),
                        message: e.to_string(),
                    })?
                    .seq
            }
        };
        let pending_path = self.pending_path();
        if let Some(bytes) =
            fsio::read_optional(&pending_path).map_err(|e| StoreError::io(&pending_path, e))?
        {
            // The marker is renamed into place whole, so one that does not parse, or names a
            // path that is not made of ids, was not written by the store: report it, never obey
            // it (nothing is written from it).
            let entry = serde_json::from_slice::<Entry>(&bytes)
                .map_err(|e| e.to_string())
                .and_then(|entry| pending_is_valid(&entry).map(|()| entry))
                .map_err(|message| StoreError::BadPending {
                    path: pending_path.clone(),
                    message,
                })?;
            self.write_files(&entry, true)?;
            if last_seq < entry.seq {
                journal::append(&journal_path, &entry).map_err(io_journal)?;
                last_seq = entry.seq;
            }
            report.completed = Some(entry.seq);
            fsio::remove_durably(&pending_path).map_err(|e| StoreError::io(&pending_path, e))?;
        }
        Ok((report, last_seq))
    }

    /// Writes the files of a change: new sources, then the fact (edited in place, see
    /// [`update_fact_toml`]), and tells the fact's new version. With `if_different`, files that
    /// already hold the right bytes are left alone (recovery: editing the file in place again
    /// gives the same bytes, whether the crash came before or after it was written).
    fn write_files(
        &self,
        entry: &Entry,
        if_different: bool,
    ) -> Result<Option<Version>, StoreError> {
        let write = |path: &Path, text: String| -> Result<(), StoreError> {
            if if_different
                && fsio::read_optional(path).ok().flatten().as_deref() == Some(text.as_bytes())
            {
                return Ok(());
            }
            fsio::write_atomic(path, text.as_bytes()).map_err(|e| StoreError::io(path, e))
        };
        phase("write-sources", &entry.fact);
        for source in &entry.sources_added {
            write(&self.source_path(&source.id), source_to_toml(source))?;
        }
        phase("write-fact", &entry.fact);
        let path = self.fact_path(&entry.fact);
        match &entry.after {
            Some(fact) => {
                let old = fsio::read_optional(&path)
                    .ok()
                    .flatten()
                    .and_then(|bytes| String::from_utf8(bytes).ok());
                let text = update_fact_toml(old.as_deref(), fact);
                let version = Version::of(text.as_bytes());
                write(&path, text).map(|()| Some(version))
            }
            None => fsio::remove_durably(&path)
                .map(|()| None)
                .map_err(|e| StoreError::io(&path, e)),
        }
    }

    /// Writes a planned change durably, in the order the module doc gives. If a write fails
    /// after the marker (disk full, I/O error), the files and the journal are put back as they
    /// were and the marker removed before the error is returned, so a change reported as
    /// failed never lands later.
    fn commit(&self, plan: Plan) -> Result<Change, StoreError> {
        let Plan { entry, candidate } = plan;
        let pending = self.pending_path();
        let journal_path = self.journal_path();
        // What the change will overwrite, to put back if it fails half-way.
        let mut paths: Vec<PathBuf> = entry
            .sources_added
            .iter()
            .map(|s| self.source_path(&s.id))
            .collect();
        paths.push(self.fact_path(&entry.fact));
        // A path that cannot be read as a file (a folder in its place, say) is not ours: it
        // is left alone on the way back.
        let before: Vec<_> = paths
            .into_iter()
            .map(|path| {
                let bytes = fsio::read_optional(&path).ok();
                (path, bytes)
            })
            .collect();
        let journal_len = std::fs::metadata(&journal_path).map_or(0, |m| m.len());
        phase("pending", &entry.fact);
        let json = serde_json::to_vec(&entry)
            .map_err(|e| StoreError::io(&pending, io::Error::other(e)))?;
        fsio::write_atomic(&pending, &json).map_err(|e| StoreError::io(&pending, e))?;
        let written = self.write_files(&entry, false).and_then(|version| {
            phase("journal", &entry.fact);
            journal::append(&journal_path, &entry)
                .map(|()| version)
                .map_err(|e| StoreError::io(&journal_path, e))
        });
        let version = match written {
            Ok(version) => version,
            Err(error) => {
                tracing::error!(%error, fact = %entry.fact, "a change failed while it was written; putting the files back");
                return Err(match self.roll_back(&before, journal_len) {
                    Ok(()) => error,
                    Err(rollback) => match error {
                        StoreError::Io { path, source } => StoreError::Interrupted {
                            path,
                            source,
                            rollback,
                        },
                        other => other,
                    },
                });
            }
        };
        phase("clear-pending", &entry.fact);
        fsio::remove_durably(&pending).map_err(|e| StoreError::io(&pending, e))?;
        phase("done", &entry.fact);
        tracing::info!(seq = entry.seq, action = %entry.action, fact = %entry.fact, actor = %entry.actor, "fact changed");
        if let Some(engine) = &self.engine {
            let settings = engine.load().settings();
            engine.store(Arc::new(Engine::new(candidate, settings)));
        }
        let git_error = self.git.as_ref().and_then(|repo| {
            let mut paths: Vec<PathBuf> = entry
                .sources_added
                .iter()
                .map(|s| self.source_path(&s.id))
                .collect();
            paths.extend([self.fact_path(&entry.fact), journal_path]);
            let committed = repo.commit(&paths, &entry);
            if let Err(error) = &committed {
                tracing::error!(%error, seq = entry.seq, "the change stands but could not be committed to git");
            }
            committed.err()
        });
        Ok(Change {
            entry,
            version,
            git_error,
        })
    }

    /// Puts back the files of a change that failed half-way (each as it was, or removed if it
    /// was not there; anything that is not one of our files is left alone), cuts the journal
    /// back to `journal_len`, and only then removes the marker.
    fn roll_back(&self, before: &[(PathBuf, Before)], journal_len: u64) -> io::Result<()> {
        for (path, bytes) in before {
            let (Some(bytes), Ok(now)) = (bytes, fsio::read_optional(path)) else {
                // Not a file of ours: nothing we wrote is there.
                continue;
            };
            match (bytes, now) {
                (Some(old), Some(now)) if *old == now => {}
                (Some(old), _) => fsio::write_atomic(path, old)?,
                (None, Some(_)) => fsio::remove_durably(path)?,
                (None, None) => {}
            }
        }
        let journal_path = self.journal_path();
        if std::fs::metadata(&journal_path).is_ok_and(|m| m.len() > journal_len) {
            let file = OpenOptions::new().write(true).open(&journal_path)?;
            file.set_len(journal_len)?;
            file.sync_all()?;
        }
        fsio::remove_durably(&self.pending_path())
    }

    #[allow(clippy::too_many_arguments)]
    fn entry(
        &self,
        last_seq: u64,
        actor: Actor,
        action: Action,
        id: &str,
        before: Option<Fact>,
        after: Option<Fact>,
        sources_added: Vec<Source>,
        undoes: Option<u64>,
        reason: Option<String>,
    ) -> Entry {
        Entry {
            seq: last_seq + 1,
            time: rfc3339((self.clock)()),
            actor,
            action,
            fact: id.to_string(),
            before,
            after,
            sources_added,
            undoes,
            reason,
        }
    }

    fn current(&self, id: &str) -> Result<Shown, StoreError> {
        let path = self.fact_path(id);
        match fsio::read_optional(&path).map_err(|e| StoreError::io(&path, e))? {
            Some(bytes) => parse_shown(&path, bytes),
            None => Err(StoreError::NotFound { id: id.to_string() }),
        }
    }

    /// The refusal for a change based on a stale version: what changed since `base` if the
    /// journal has the fact at that version, else how the current fact differs from `proposed`.
    fn stale(
        &self,
        id: &str,
        base: Version,
        current: &Shown,
        proposed: Option<&Fact>,
    ) -> StoreError {
        let at_base = self.read_journal().ok().and_then(|entries| {
            entries
                .iter()
                .filter(|e| e.fact == id)
                .flat_map(|e| [&e.before, &e.after])
                .flatten()
                .find(|f| Version::of(fact_to_toml(f).as_bytes()) == base)
                .cloned()
        });
        let (changes, since_base) = match (&at_base, proposed) {
            (Some(old), _) => (diff_facts(old, &current.fact), true),
            (None, Some(proposed)) => (diff_facts(proposed, &current.fact), false),
            (None, None) => (Vec::new(), false),
        };
        StoreError::Stale {
            id: id.to_string(),
            base,
            current: current.version,
            changes,
            since_base,
        }
    }

    /// The base on disk and its load problems, less those of fact `id`'s own file (which the
    /// change replaces).
    fn load_base(&self, id: &str) -> Result<(KnowledgeBase, Vec<Problem>), StoreError> {
        phase("check", id);
        let (kb, problems) = KnowledgeBase::load_unchecked(&self.dir).map_err(|e| match e {
            LoadError::Io { path, source } => StoreError::Io { path, source },
            other => StoreError::Missing(other),
        })?;
        let own = self.fact_path(id);
        Ok((kb, problems.into_iter().filter(|p| p.file != own).collect()))
    }

    fn read_journal(&self) -> Result<Vec<Entry>, StoreError> {
        let path = self.journal_path();
        journal::read_all(&path)
            .map_err(|e| StoreError::io(&path, e))?
            .map_err(|bad| StoreError::Journal {
                path,
                line: bad.line,
                message: bad.message,
            })
    }
}

/// Reads a fact from TOML text, such as a file given to `talks-bot fact add`.
pub fn parse_fact(text: &str) -> Result<Fact, StoreError> {
    toml::from_str::<Fact>(text).map_err(|e| {
        let line = e
            .span()
            .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
        StoreError::Parse(match line {
            Some(line) => format!("line {line}: {}", e.message().trim()),
            None => e.message().trim().to_string(),
        })
    })
}

fn parse_shown(path: &Path, bytes: Vec<u8>) -> Result<Shown, StoreError> {
    let version = Version::of(&bytes);
    let toml = String::from_utf8(bytes)
        .map_err(|_| StoreError::Parse(format!("`{}` is not UTF-8 text", path.display())))?;
    let fact = parse_fact(&toml).map_err(|e| {
        StoreError::Parse(format!(
            "`{}`: {}",
            path.display(),
            e.to_string()
                .trim_start_matches("the fact cannot be read: ")
        ))
    })?;
    Ok(Shown {
        fact,
        toml,
        version,
    })
}

fn clean_reason(reason: Option<&str>) -> Result<Option<String>, StoreError> {
    let Some(reason) = reason.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    match content::text_problems(Field::Reason, reason).first() {
        Some(problem) => Err(StoreError::BadReason(format!(
            "is refused: {}",
            problem.trim_start_matches("the text ")
        ))),
        None => Ok(Some(reason.to_string())),
    }
}

/// Whether a pending change names only paths made of ids (its fact, the sources it creates)
/// and holds no stored text, so completing it can write nothing outside `facts/` and
/// `sources/`.
fn pending_is_valid(entry: &Entry) -> Result<(), String> {
    let not_id = |what: &str, id: &str| format!("{what} `{id}` is not an id");
    check_id(&entry.fact).map_err(|_| not_id("the fact", &entry.fact))?;
    for fact in [&entry.before, &entry.after].into_iter().flatten() {
        if fact.id != entry.fact {
            return Err(format!(
                "it names fact `{}` but holds fact `{}`",
                entry.fact, fact.id
            ));
        }
    }
    for source in &entry.sources_added {
        check_id(&source.id).map_err(|_| not_id("the source", &source.id))?;
        if source.text.is_some() {
            return Err(format!(
                "the new source `{}` names a stored text",
                source.id
            ));
        }
    }
    Ok(())
}

fn still_related(id: &str, kb: &KnowledgeBase) -> Result<(), StoreError> {
    let by: Vec<String> = kb
        .facts()
        .iter()
        .filter(|f| f.id != id && f.related.iter().any(|r| r == id))
        .map(|f| f.id.clone())
        .collect();
    if by.is_empty() {
        Ok(())
    } else {
        Err(StoreError::StillRelated {
            id: id.to_string(),
            by,
        })
    }
}

/// Refuses to give a new fact the id of a removed one whose translations are still in the
/// folder (they translate that fact, not this one), naming their files (relative to the
/// knowledge folder).
fn translations_left(id: &str, kb: &KnowledgeBase) -> Result<(), StoreError> {
    let files: Vec<String> = kb
        .translations()
        .iter()
        .filter(|t| t.fact == id)
        .map(|t| {
            let path = kb.translation_path(t.lang, id);
            let path = path.strip_prefix(kb.dir()).unwrap_or(&path);
            path.display().to_string()
        })
        .collect();
    if files.is_empty() {
        Ok(())
    } else {
        Err(StoreError::TranslationsLeft {
            id: id.to_string(),
            files,
        })
    }
}

/// The base a change would produce: fact `replace` taken out, `fact` put in (in its place, or
/// at the end), `sources` added. Without the translations: indexing them would hold the lock
/// several times longer, and the file watcher reloads the whole folder, translations
/// included, right after the change (see [`validate`] for how they are checked).
fn candidate(
    kb: &KnowledgeBase,
    replace: Option<&str>,
    fact: Option<&Fact>,
    sources: &[Source],
) -> KnowledgeBase {
    let mut facts = kb.facts().to_vec();
    let at = replace.and_then(|id| facts.iter().position(|f| f.id == id));
    match (at, fact) {
        (Some(i), Some(fact)) => facts[i] = fact.clone(),
        (Some(i), None) => {
            facts.remove(i);
        }
        (None, Some(fact)) => facts.push(fact.clone()),
        (None, None) => {}
    }
    let mut all_sources = kb.sources().to_vec();
    all_sources.extend(sources.iter().cloned());
    KnowledgeBase::from_parts(kb.dir(), facts, all_sources, kb.aliases().to_vec())
}

/// Runs `check` on the candidate base with fact `id`'s translations (from `kb`, the base on
/// disk) and refuses the change if anything is wrong anywhere in it (`problems`: those
/// loading found). The change can affect no other translation (each is checked against its
/// own fact), and checking all of them (names, numbers, months in every language) would make
/// each change, which holds the lock, several times slower.
fn validate(
    id: &str,
    candidate: &KnowledgeBase,
    kb: &KnowledgeBase,
    mut problems: Vec<Problem>,
) -> Result<(), StoreError> {
    let own = kb.translations().iter().filter(|t| t.fact == id).cloned();
    let checked = candidate.clone().with_translations(own.collect());
    problems.extend(check(&checked));
    if problems.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Invalid {
            id: id.to_string(),
            problems,
        })
    }
}

/// The change `undo` reverts: the latest entry for `id` that is not an undo and not undone.
fn undo_target<'a>(entries: &'a [Entry], id: &str) -> Option<&'a Entry> {
    let mut undone = HashSet::new();
    for entry in entries.iter().rev().filter(|e| e.fact == id) {
        if let Some(seq) = entry.undoes {
            undone.insert(seq);
        } else if !undone.contains(&entry.seq) {
            return Some(entry);
        }
    }
    None
}

/// Marks a step of a change for tracing (the crash test pauses its writer at these to kill it
/// at a chosen step).
fn phase(name: &'static str, fact: &str) {
    tracing::trace!(target: "talks_bot::store::phase", phase = name, fact, "store phase");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undo_walks_back_past_undone_changes() {
        let entry = |seq: u64, undoes: Option<u64>| Entry {
            seq,
            time: String::new(),
            actor: Actor::Cli { user: "t".into() },
            action: if undoes.is_some() {
                Action::Undo
            } else {
                Action::Edit
            },
            fact: "x".into(),
            before: None,
            after: None,
            sources_added: vec![],
            undoes,
            reason: None,
        };
        let entries = vec![
            entry(1, None),
            entry(2, None),
            entry(3, None),
            entry(4, Some(3)),
        ];
        assert_eq!(undo_target(&entries, "x").map(|e| e.seq), Some(2));
        let entries = vec![entry(1, None), entry(2, Some(1))];
        assert_eq!(undo_target(&entries, "x").map(|e| e.seq), None);
        assert_eq!(undo_target(&entries, "y").map(|e| e.seq), None);
    }

    #[test]
    fn a_store_can_be_shared_between_tasks() {
        fn shareable<T: Send + Sync + 'static>() {}
        shareable::<Store>();
        shareable::<StoreError>();
    }

    #[test]
    fn reasons_are_checked() {
        assert_eq!(clean_reason(Some("  ")).unwrap(), None);
        assert_eq!(clean_reason(Some(" typo ")).unwrap(), Some("typo".into()));
        assert!(clean_reason(Some("hi @everyone")).is_err());
        assert!(clean_reason(Some("bell\u{7}")).is_err());
        assert!(clean_reason(Some(&"x".repeat(501))).is_err());
    }
}
