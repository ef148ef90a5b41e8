//! Hot reload: rebuild the engine from `knowledge/` off to the side and swap it into the
//! [`SharedEngine`] only if the new base passes the check, so readers never see a half-built
//! index and a broken file never replaces a good base. [`Watcher`] does it on its own when
//! files change (a `git pull`, an editor, another bot process's store); `/fact reload` and the
//! like call [`reload`]. The store swaps its own changes in directly (`Store::with_engine`).
//!
//! No async runtime here: the watcher runs on notify's thread and one thread of its own, joined
//! when the [`Watcher`] is dropped.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use notify::event::{AccessKind, AccessMode};
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher as _};

use crate::engine::{Engine, SharedEngine};
use crate::knowledge::{KnowledgeBase, LoadError};
use crate::store::JOURNAL_FILE;

/// How long the folder must be quiet after a change before it is reloaded: a `git pull` or an
/// editor's save touches several files in a burst.
pub const DEBOUNCE: Duration = Duration::from_millis(200);

/// A base that was swapped in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reloaded {
    pub facts: usize,
    pub sources: usize,
}

/// Loads and checks `dir`; if it passes, indexes it (with the current engine's settings) and
/// swaps it in. Otherwise the engine keeps serving what it had, and the error lists every
/// problem.
pub fn reload(dir: &Path, engine: &SharedEngine) -> Result<Reloaded, LoadError> {
    let reloaded = swap_in(dir, engine);
    crate::metrics::reload(reloaded.is_ok());
    reloaded
}

fn swap_in(dir: &Path, engine: &SharedEngine) -> Result<Reloaded, LoadError> {
    let kb = KnowledgeBase::load(dir)?;
    let settings = engine.load().settings();
    let fresh = Engine::new(kb, settings);
    let reloaded = Reloaded {
        facts: fresh.knowledge().facts().len(),
        sources: fresh.knowledge().sources().len(),
    };
    engine.store(Arc::new(fresh));
    Ok(reloaded)
}

enum Msg {
    Changed,
    Stop,
}

/// What a front end is told after each reload the watcher made (Discord posts failures to the
/// moderator log channel).
pub type OnReload = Box<dyn FnMut(&Result<Reloaded, LoadError>) + Send>;

/// Watches a knowledge folder and reloads the engine after each burst of changes. Stops (and
/// joins its thread) when dropped.
pub struct Watcher {
    stop: mpsc::Sender<Msg>,
    thread: Option<JoinHandle<()>>,
    _watcher: RecommendedWatcher,
}

impl std::fmt::Debug for Watcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watcher").finish_non_exhaustive()
    }
}

impl Watcher {
    /// Starts watching `dir` (recursively) with the default [`DEBOUNCE`].
    pub fn start(
        dir: &Path,
        engine: SharedEngine,
        on_reload: OnReload,
    ) -> Result<Watcher, notify::Error> {
        Watcher::start_with(dir, engine, DEBOUNCE, on_reload)
    }

    /// Starts watching with a given quiet period.
    pub fn start_with(
        dir: &Path,
        engine: SharedEngine,
        debounce: Duration,
        mut on_reload: OnReload,
    ) -> Result<Watcher, notify::Error> {
        let (tx, rx) = mpsc::channel::<Msg>();
        let events = tx.clone();
        let mut watcher =
            notify::recommended_watcher(move |event: notify::Result<Event>| match event {
                Ok(event) if relevant(&event) => {
                    let _ = events.send(Msg::Changed);
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "file watch error"),
            })?;
        watcher.watch(dir, RecursiveMode::Recursive)?;
        let dir: PathBuf = dir.to_path_buf();
        let thread = std::thread::Builder::new()
            .name("knowledge-watch".into())
            .spawn(move || loop {
                match rx.recv() {
                    Ok(Msg::Changed) => {}
                    Ok(Msg::Stop) | Err(_) => return,
                }
                loop {
                    match rx.recv_timeout(debounce) {
                        Ok(Msg::Changed) => continue,
                        Err(RecvTimeoutError::Timeout) => break,
                        Ok(Msg::Stop) | Err(RecvTimeoutError::Disconnected) => return,
                    }
                }
                let result = reload(&dir, &engine);
                match &result {
                    Ok(r) => tracing::info!(facts = r.facts, sources = r.sources, "knowledge reloaded"),
                    Err(e) => tracing::error!(error = %e, "knowledge changed on disk but does not pass the check; still serving the last good base"),
                }
                on_reload(&result);
            })
            .map_err(notify::Error::io)?;
        Ok(Watcher {
            stop: tx,
            thread: Some(thread),
            _watcher: watcher,
        })
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.stop.send(Msg::Stop);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A change to a file the base is made of: not a read, not the journal, not a hidden file (the
/// lock, the pending marker, temporaries, editors' swap files).
fn relevant(event: &Event) -> bool {
    match event.kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => {}
        EventKind::Access(_) => return false,
        _ => {}
    }
    event.paths.iter().any(|path| {
        path.file_name()
            .map(|n| n.to_string_lossy())
            .is_some_and(|name| !name.starts_with('.') && name != JOURNAL_FILE)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, ModifyKind};

    #[test]
    fn only_base_files_count() {
        let event = |kind, path: &str| Event::new(kind).add_path(PathBuf::from(path));
        let modify = EventKind::Modify(ModifyKind::Any);
        assert!(relevant(&event(modify, "k/facts/a.toml")));
        assert!(relevant(&event(
            EventKind::Create(CreateKind::File),
            "k/sources/b.txt"
        )));
        assert!(!relevant(&event(modify, "k/journal.jsonl")));
        assert!(!relevant(&event(modify, "k/facts/.a.toml.1-2.tmp")));
        assert!(!relevant(&event(modify, "k/.lock")));
        assert!(!relevant(&event(
            EventKind::Access(AccessKind::Open(AccessMode::Any)),
            "k/facts/a.toml"
        )));
    }
}
