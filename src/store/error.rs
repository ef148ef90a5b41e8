//! Why a change was refused or failed: [`StoreError`] and the prose of its messages.

use std::io;
use std::path::{Path, PathBuf};

use super::diff::{changes_text, FieldChange};
use super::version::Version;
use crate::knowledge::{LoadError, Problem};

/// How many problems or changed fields an error message lists at most.
pub(super) const LISTED: usize = 15;

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
    #[error("translations of a removed fact `{id}` are still in the folder ({}): undo that removal to bring the fact back with them, or delete those files before giving the id to a new fact", files.join(", "))]
    TranslationsLeft { id: String, files: Vec<String> },
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
    #[error("change #{seq} to `{id}` was already undone; nothing was changed")]
    AlreadyUndone { id: String, seq: u64 },
    #[error("`{id}` was changed since (#{latest}), so #{seq} is not its latest change; undo #{latest} first, or look at `history`")]
    UndoMoved { id: String, seq: u64, latest: u64 },
    #[error("journal change #{seq} is not a change to `{id}`")]
    NotAChange { id: String, seq: u64 },
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
    #[error("cannot write `{}`: {source}; undoing the partial change failed too ({rollback}), so it will be completed when the store next opens the folder", path.display())]
    Interrupted {
        path: PathBuf,
        #[source]
        source: io::Error,
        rollback: io::Error,
    },
    #[error("`[store] git_commit` is on, but {message} (the knowledge folder `{}`); run `git init` there, or turn git_commit off", dir.display())]
    Git { dir: PathBuf, message: String },
    #[error("the knowledge folder is being changed by another process; try again")]
    Busy { dir: PathBuf },
    #[error("the change in progress `{}` is not valid ({message}), so it was not completed; move it aside after checking the folder", path.display())]
    BadPending { path: PathBuf, message: String },
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
            StoreError::Missing(_)
                | StoreError::Io { .. }
                | StoreError::Interrupted { .. }
                | StoreError::Journal { .. }
                | StoreError::Busy { .. }
                | StoreError::BadPending { .. }
                | StoreError::Git { .. }
        )
    }

    /// True when another process held the folder for longer than the store waits: not the
    /// user's mistake and nothing broken, so the message is shown as it is.
    pub fn is_busy(&self) -> bool {
        matches!(self, StoreError::Busy { .. })
    }

    pub(super) fn io(path: &Path, source: io::Error) -> StoreError {
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
    if since_base {
        text.push_str(&format!(
            " What changed since your version:\n{}",
            changes_text(changes, LISTED)
        ));
    } else {
        // The journal never saw the fact at that version: a mistyped or made-up version, or
        // one from before an edit made outside the store. Say only what is known.
        text.push_str(&format!(
            " The journal does not know the fact at version {base}, so what changed since cannot be listed."
        ));
        if !changes.is_empty() {
            text.push_str(&format!(
                " The fact now differs from yours in:\n{}",
                changes_text(changes, LISTED)
            ));
        }
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
