//! The store: the one place that changes `knowledge/`. Both front ends (the CLI's
//! `talks-bot fact ...` and Discord's `/fact ...`) call it, one call per action.
//!
//! Every change
//! - is checked exactly like `talks-bot check` on the base it would produce, and refused with
//!   the problems listed if it does not pass;
//! - carries the version (a hash of the file, see [`Version`]) it was based on, and is refused
//!   with a field-by-field diff if the fact changed since;
//! - runs under an exclusive file lock on `knowledge/.lock` (several processes may share the
//!   folder) and an in-process mutex (many tasks may share one [`Store`]);
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
//! Recovery runs when a store is opened and at the start of every change, under the lock: it
//! deletes temporaries a crash left, cuts a torn last journal line, and if `.pending.json`
//! exists it completes that change (rewrites its files, appends its journal entry unless the
//! journal already ends with it) and removes the marker. So after a kill at any point, once a
//! store has opened the folder, every file is either before or after the change and the
//! journal's last entry for each fact is what its file holds. Without the marker, recovery
//! never guesses from file contents, so a `git pull` or an editor is never "rolled forward".

mod diff;
mod fsio;
mod journal;
mod toml_out;
mod version;

use std::collections::HashSet;
use std::fmt;
use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

use crate::engine::{Engine, SharedEngine};
use crate::knowledge::{check, Fact, KnowledgeBase, LoadError, Problem, Source};
use crate::text::contains_mention;

pub use diff::{changes_text, diff_facts, FieldChange};
pub use journal::{rfc3339, Action, Actor, Entry};
pub use toml_out::{fact_to_toml, source_to_toml};
pub use version::{BadVersion, Version};

/// The journal, in the knowledge folder.
pub const JOURNAL_FILE: &str = "journal.jsonl";
/// The lock file writers take, in the knowledge folder.
pub const LOCK_FILE: &str = ".lock";
/// The change being written, in the knowledge folder, while it is written.
pub const PENDING_FILE: &str = ".pending.json";
/// The longest reason a change may carry, in characters.
pub const MAX_REASON_CHARS: usize = 500;
/// The longest topic a fact may have, in characters.
pub const MAX_TOPIC_CHARS: usize = 100;
/// How many problems or changed fields an error message lists at most.
const LISTED: usize = 15;

/// Why a change was refused, or could not be made. [`StoreError::is_refusal`] tells the
/// moderator's mistakes and races (say so, nothing changed) from failures (log them).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("`{id}` is not a fact id: use lower-case letters, digits and '-'")]
    BadId { id: String },
    #[error("there is no fact `{id}`")]
    NotFound { id: String },
    #[error("a fact `{id}` already exists; choose another id, or edit that fact")]
    AlreadyExists { id: String },
    #[error("the fact says `id = \"{found}\"` but you are editing `{id}`; ids cannot change: add a new fact and remove this one")]
    IdMismatch { id: String, found: String },
    #[error("{}", stale_text(id, base, current, changes, *since_base))]
    Stale {
        id: String,
        /// The version the change was based on.
        base: Version,
        /// The version on disk now.
        current: Version,
        /// What changed: since `base` when the journal knows it (`since_base`), otherwise how the
        /// current fact differs from the one submitted.
        changes: Vec<FieldChange>,
        since_base: bool,
    },
    #[error("{}", invalid_text(id, problems))]
    Invalid { id: String, problems: Vec<Problem> },
    #[error("`{id}` is listed under `related` by {}; take it out of those facts first", by.join(", "))]
    StillRelated { id: String, by: Vec<String> },
    #[error("{}", outside_text(id, *seq, changes))]
    ChangedOutside {
        id: String,
        /// The journaled change undo would revert.
        seq: u64,
        /// How the file differs from what that change wrote (empty if it was removed or added).
        changes: Vec<FieldChange>,
    },
    #[error(
        "nothing to undo for `{id}`: the journal has no change to it that is not already undone"
    )]
    NothingToUndo { id: String },
    #[error("nothing changed: `{id}` is already exactly like that")]
    Unchanged { id: String },
    #[error("the reason {0}")]
    BadReason(String),
    #[error("the fact cannot be read: {0}")]
    Parse(String),
    #[error(transparent)]
    Missing(LoadError),
    #[error("cannot read or write `{}`: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("the journal `{}` is damaged at line {line}: {message}; repair or move it aside", path.display())]
    Journal {
        path: PathBuf,
        line: usize,
        message: String,
    },
}

impl StoreError {
    /// True when nothing is wrong with the system: the change itself was refused (invalid, stale,
    /// unknown id...) and the message tells the user what to do.
    pub fn is_refusal(&self) -> bool {
        !matches!(
            self,
            StoreError::Missing(_) | StoreError::Io { .. } | StoreError::Journal { .. }
        )
    }

    fn io(path: &Path, source: io::Error) -> StoreError {
        StoreError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

fn stale_text(
    id: &str,
    base: &Version,
    current: &Version,
    changes: &[FieldChange],
    since_base: bool,
) -> String {
    let mut text =
        format!("`{id}` was changed by someone else since you loaded it (your version {base}, now {current}).");
    if changes.is_empty() {
        text.push_str(
            " The change was made outside the store, so the differences cannot be listed.",
        );
    } else if since_base {
        text.push_str(&format!(
            " What changed since your version:\n{}",
            changes_text(changes, LISTED)
        ));
    } else {
        text.push_str(&format!(
            " The change was made outside the store; the fact now differs from yours in:\n{}",
            changes_text(changes, LISTED)
        ));
    }
    text.push_str("\nLoad the fact again and redo your change on the current version.");
    text
}

fn outside_text(id: &str, seq: u64, changes: &[FieldChange]) -> String {
    let mut text = format!(
        "`{id}` was changed outside the store since journal change #{seq}, so undo cannot tell what to restore; \
         edit the fact instead."
    );
    if !changes.is_empty() {
        text.push_str(&format!(
            " It differs from #{seq} in:\n{}",
            changes_text(changes, LISTED)
        ));
    }
    text
}

fn invalid_text(id: &str, problems: &[Problem]) -> String {
    let own = format!("{id}.toml");
    let mut lines: Vec<String> = problems
        .iter()
        .take(LISTED)
        .map(|p| {
            let is_own = p
                .file
                .file_name()
                .is_some_and(|n| n.to_string_lossy() == own);
            match (&p.field, is_own) {
                (Some(field), true) => format!("  - {field}: {}", p.message),
                _ => format!("  - {p}"),
            }
        })
        .collect();
    if problems.len() > LISTED {
        lines.push(format!("  - and {} more", problems.len() - LISTED));
    }
    format!(
        "the change to `{id}` was refused; fix this and try again:\n{}",
        lines.join("\n")
    )
}

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
    lock: Mutex<File>,
    clock: Clock,
    engine: Option<SharedEngine>,
    recovered: Recovery,
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
struct Locked<'a>(MutexGuard<'a, File>);

impl Drop for Locked<'_> {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

/// A change worked out under the lock, ready to be written.
struct Plan {
    entry: Entry,
    candidate: KnowledgeBase,
}

impl Store {
    /// Opens a knowledge folder (it must hold `facts/` and `sources/`), creating its lock file,
    /// and completes any change a crash interrupted (see [`Store::recovered_at_open`]).
    pub fn open(dir: impl Into<PathBuf>) -> Result<Store, StoreError> {
        let dir = dir.into();
        if !dir.join("facts").is_dir() || !dir.join("sources").is_dir() {
            return Err(StoreError::Missing(LoadError::Missing { path: dir }));
        }
        let lock_path = dir.join(LOCK_FILE);
        let lock = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&lock_path)
            .map_err(|e| StoreError::io(&lock_path, e))?;
        let mut store = Store {
            dir,
            lock: Mutex::new(lock),
            clock: Arc::new(SystemTime::now),
            engine: None,
            recovered: Recovery::default(),
        };
        let (_locked, recovery, _) = store.begin()?;
        drop(_locked);
        store.recovered = recovery;
        Ok(store)
    }

    /// Swaps every accepted change into `engine` before the call returns, so the bot answers
    /// from it at once (the file watcher would pick it up too, a moment later).
    pub fn with_engine(mut self, engine: SharedEngine) -> Store {
        self.engine = Some(engine);
        self
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
        let sources_added = url_sources(&mut fact, kb.sources(), &actor);
        let candidate = candidate(&kb, None, Some(&fact), &sources_added);
        validate(&id, &candidate, Some(&fact), problems)?;
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
        if fact_to_toml(&fact) == current.toml {
            return Err(StoreError::Unchanged { id: id.to_string() });
        }
        let candidate = candidate(&kb, Some(id), Some(&fact), &sources_added);
        validate(id, &candidate, Some(&fact), problems)?;
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

    /// Removes fact `id`, if it is still at version `base`. Refused while other facts list it
    /// under `related` (the store never edits facts the moderator did not name).
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
        validate(id, &candidate, None, problems)?;
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

    /// Reverts the latest change to `id` that is not already undone, as a new journaled change:
    /// an edit is edited back, an add removed, a remove restored. Undoing again steps further
    /// back. Refused if the file changed outside the store since that change.
    #[tracing::instrument(level = "info", skip_all, fields(fact = id, actor = %actor))]
    pub fn undo(&self, id: &str, actor: Actor, reason: Option<&str>) -> Result<Change, StoreError> {
        let reason = clean_reason(reason)?;
        check_id(id)?;
        let (_locked, _, last_seq) = self.begin()?;
        let entries = self.read_journal()?;
        let target = undo_target(&entries, id)
            .ok_or_else(|| StoreError::NothingToUndo { id: id.to_string() })?;
        let path = self.fact_path(id);
        let on_disk = fsio::read_optional(&path).map_err(|e| StoreError::io(&path, e))?;
        let expected = target.after.as_ref().map(fact_to_toml);
        if on_disk.as_deref() != expected.as_deref().map(str::as_bytes) {
            let changes = match (on_disk, &target.after) {
                (Some(bytes), Some(after)) => diff_facts(after, &parse_shown(&path, bytes)?.fact),
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
        validate(id, &candidate, restored.as_ref(), problems)?;
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

    /// Takes the locks, runs recovery, and tells the last journal seq.
    fn begin(&self) -> Result<(Locked<'_>, Recovery, u64), StoreError> {
        let guard = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        guard
            .lock()
            .map_err(|e| StoreError::io(&self.dir.join(LOCK_FILE), e))?;
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
            match serde_json::from_slice::<Entry>(&bytes) {
                Ok(entry) => {
                    self.write_files(&entry, true)?;
                    if last_seq < entry.seq {
                        journal::append(&journal_path, &entry).map_err(io_journal)?;
                        last_seq = entry.seq;
                    }
                    report.completed = Some(entry.seq);
                }
                // Cannot happen (the marker is renamed into place whole); nothing was written
                // after it, so dropping it loses nothing.
                Err(e) => tracing::error!(error = %e, "unreadable pending change dropped"),
            }
            fsio::remove_durably(&pending_path).map_err(|e| StoreError::io(&pending_path, e))?;
        }
        Ok((report, last_seq))
    }

    /// Writes the files of a change: new sources, then the fact. With `if_different`, files that
    /// already hold the right bytes are left alone (recovery).
    fn write_files(&self, entry: &Entry, if_different: bool) -> Result<(), StoreError> {
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
            Some(fact) => write(&path, fact_to_toml(fact)),
            None => fsio::remove_durably(&path).map_err(|e| StoreError::io(&path, e)),
        }
    }

    /// Writes a planned change durably, in the order the module doc gives.
    fn commit(&self, plan: Plan) -> Result<Change, StoreError> {
        let Plan { entry, candidate } = plan;
        let pending = self.pending_path();
        phase("pending", &entry.fact);
        let json = serde_json::to_vec(&entry)
            .map_err(|e| StoreError::io(&pending, io::Error::other(e)))?;
        fsio::write_atomic(&pending, &json).map_err(|e| StoreError::io(&pending, e))?;
        self.write_files(&entry, false)?;
        phase("journal", &entry.fact);
        let journal_path = self.journal_path();
        journal::append(&journal_path, &entry).map_err(|e| StoreError::io(&journal_path, e))?;
        phase("clear-pending", &entry.fact);
        fsio::remove_durably(&pending).map_err(|e| StoreError::io(&pending, e))?;
        phase("done", &entry.fact);
        tracing::info!(seq = entry.seq, action = %entry.action, fact = %entry.fact, actor = %entry.actor, "fact changed");
        if let Some(engine) = &self.engine {
            let settings = engine.load().settings();
            engine.store(Arc::new(Engine::new(candidate, settings)));
        }
        let version = entry
            .after
            .as_ref()
            .map(|f| Version::of(fact_to_toml(f).as_bytes()));
        Ok(Change { entry, version })
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

fn check_id(id: &str) -> Result<(), StoreError> {
    if id.is_empty()
        || id.len() > 100
        || !id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(StoreError::BadId { id: id.to_string() });
    }
    Ok(())
}

fn clean_reason(reason: Option<&str>) -> Result<Option<String>, StoreError> {
    let Some(reason) = reason.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    let chars = reason.chars().count();
    if chars > MAX_REASON_CHARS {
        return Err(StoreError::BadReason(format!(
            "is {chars} characters; the limit is {MAX_REASON_CHARS}"
        )));
    }
    if contains_mention(reason) {
        return Err(StoreError::BadReason(
            "contains mention syntax (@everyone, @here or <@...>), which could ping people".into(),
        ));
    }
    Ok(Some(reason.to_string()))
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

/// The base a change would produce: fact `replace` taken out, `fact` put in (in its place, or
/// at the end), `sources` added.
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

/// Runs `check` on the candidate base, plus what `check` leaves to the store (the topic), and
/// refuses the change if anything is wrong anywhere in it.
fn validate(
    id: &str,
    candidate: &KnowledgeBase,
    fact: Option<&Fact>,
    mut problems: Vec<Problem>,
) -> Result<(), StoreError> {
    problems.extend(check(candidate));
    if let Some(fact) = fact {
        let problem = |field: &str, message: String| Problem {
            file: candidate.dir().join("facts").join(format!("{id}.toml")),
            line: None,
            field: Some(field.into()),
            message,
        };
        let chars = fact.topic.chars().count();
        if chars > MAX_TOPIC_CHARS {
            problems.push(problem(
                "topic",
                format!("{chars} characters; the limit is {MAX_TOPIC_CHARS}"),
            ));
        }
        if contains_mention(&fact.topic) {
            problems.push(problem(
                "topic",
                "the text contains mention syntax (@everyone, @here or <@...>), which could ping people".into(),
            ));
        }
    }
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

/// Turns citations that give a URL instead of a source id into sources: an existing source with
/// that URL if there is one, otherwise a new source (id from the host and path, outlet the host,
/// no stored text, so a quote on it is refused by the check). Returns the sources to create.
fn url_sources(fact: &mut Fact, existing: &[Source], actor: &Actor) -> Vec<Source> {
    let mut added: Vec<Source> = Vec::new();
    for citation in &mut fact.sources {
        let url = citation.source.trim();
        if !(url.starts_with("https://") || url.starts_with("http://"))
            || url.contains(char::is_whitespace)
        {
            continue;
        }
        let url = url.to_string();
        if let Some(source) = existing.iter().chain(&added).find(|s| s.url == url) {
            citation.source = source.id.clone();
            continue;
        }
        let (host, path) = split_url(&url);
        let stem = slug(&format!("{host} {path}"));
        let taken = |id: &str| existing.iter().chain(&added).any(|s| s.id == id);
        let mut id = stem.clone();
        let mut n = 2;
        while taken(&id) {
            id = format!("{stem}-{n}");
            n += 1;
        }
        added.push(Source {
            id: id.clone(),
            outlet: host,
            title: None,
            date: None,
            url,
            text: None,
            description: Some(format!(
                "Given as a URL by {actor} with fact `{}`; no stored text, so its citations carry no quote.",
                fact.id
            )),
            body: None,
        });
        citation.source = id;
    }
    added
}

/// An id from a question's significant words, at most 40 characters, numbered while `taken`.
pub fn suggest_id(question: &str, taken: impl Fn(&str) -> bool) -> String {
    const SKIP: &[&str] = &[
        "a", "an", "and", "are", "at", "did", "do", "does", "for", "how", "in", "is", "of", "on",
        "the", "to", "was", "were", "what", "when", "where", "which", "who", "whom", "why",
    ];
    let words = words(question);
    let mut stem = String::new();
    for word in words
        .iter()
        .map(String::as_str)
        .filter(|w| !SKIP.contains(w))
    {
        if !stem.is_empty() && stem.len() + 1 + word.len() > 40 {
            break;
        }
        if !stem.is_empty() {
            stem.push('-');
        }
        stem.push_str(&word[..word.len().min(40)]);
    }
    if stem.is_empty() {
        stem.push_str("fact");
    }
    let mut id = stem.clone();
    let mut n = 2;
    while taken(&id) {
        id = format!("{stem}-{n}");
        n += 1;
    }
    id
}

/// The host (lower case, without `www.`, user and port) and the path of a URL.
fn split_url(url: &str) -> (String, String) {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = authority.rsplit('@').next().unwrap_or(authority);
    let host = host.split(':').next().unwrap_or(host).to_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    (host, path.to_string())
}

/// Lower-case runs of ASCII letters and digits.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect()
}

/// An id from free text: its words joined with '-', at most 60 characters, cut at a '-'.
fn slug(text: &str) -> String {
    let mut out = words(text).join("-");
    if out.len() > 60 {
        let cut = out[..60].rfind('-').filter(|&i| i > 20).unwrap_or(60);
        out.truncate(cut);
    }
    if out.is_empty() {
        out.push_str("source");
    }
    out
}

/// Marks a step of a change for tracing (the crash test reads these to tell where a kill hit).
fn phase(name: &'static str, fact: &str) {
    tracing::trace!(target: "talks_bot::store::phase", phase = name, fact, "store phase");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_become_source_ids() {
        assert_eq!(
            split_url("https://www.TASS.com:443/politics/1753879?x=1#y"),
            ("tass.com".into(), "politics/1753879".into())
        );
        assert_eq!(
            split_url("http://user@example.org"),
            ("example.org".into(), "".into())
        );
        assert_eq!(
            slug("tass.com politics/1753879"),
            "tass-com-politics-1753879"
        );
        assert_eq!(slug("..."), "source");
        let long = slug(&format!("example.com {}", "word/".repeat(30)));
        assert!(long.len() <= 60 && !long.ends_with('-'), "{long}");
    }

    #[test]
    fn ids_are_suggested_from_questions() {
        assert_eq!(
            suggest_id("Who is Mikhail Bogdanov?", |_| false),
            "mikhail-bogdanov"
        );
        assert_eq!(
            suggest_id("When did the talks start?", |id| id == "talks-start"),
            "talks-start-2"
        );
        assert_eq!(suggest_id("???", |_| false), "fact");
        let long = suggest_id(&"Palestinian ".repeat(10), |_| false);
        assert!(long.len() <= 40 && check_id(&long).is_ok(), "{long}");
    }

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
        assert!(clean_reason(Some(&"x".repeat(501))).is_err());
    }
}
