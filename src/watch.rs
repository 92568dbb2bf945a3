//! Watching a book for changes: file-system events mapped by a pure function to what they mean
//! for the book, debounced so that an editor's save (write, rename, delete of a swap file)
//! becomes one rebuild.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use notify_debouncer_full::notify::event::{AccessKind, AccessMode, ModifyKind};
use notify_debouncer_full::notify::{
    self, EventKind, PollWatcher, RecommendedWatcher, RecursiveMode,
};
use notify_debouncer_full::{new_debouncer_opt, DebounceEventResult, NoCache, RecommendedCache};

use crate::config::CONFIG_FILE;
use crate::model::soa::SOA_FILE;

/// What a changed path means for the book.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    /// A document or asset in the content folder.
    Content,
    /// `book.toml`.
    Config,
    /// `soa.yaml`.
    Soa,
    /// A file of a theme.
    Theme,
    /// HEAD moved (a commit, checkout or reset): the revision history is read again.
    History,
    /// Nothing policybook reads: the output, editor swap and backup files, hidden files.
    Ignored,
}

/// Where the book keeps what it reads; paths are compared after making them absolute.
#[derive(Debug, Clone)]
pub struct Layout {
    pub root: PathBuf,
    pub content: PathBuf,
    pub output: PathBuf,
    /// The repository's log of HEAD (`.git/logs/HEAD`), written on every commit, when the
    /// book is in git and shows its history.
    pub head_log: Option<PathBuf>,
}

/// Classifies one changed path. Pure, so every editor's habits can be tested.
pub fn classify(layout: &Layout, path: &Path) -> ChangeKind {
    if layout.head_log.as_deref() == Some(path) {
        return ChangeKind::History;
    }
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return ChangeKind::Ignored;
    };
    let noise = name.starts_with('.')
        || name.ends_with('~')
        || name.starts_with('#')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || name == "4913"; // vim's probe that a folder is writable
    if noise || path.starts_with(&layout.output) {
        return ChangeKind::Ignored;
    }
    let Ok(rel) = path.strip_prefix(&layout.root) else {
        return ChangeKind::Ignored;
    };
    let hidden = rel
        .components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
    if hidden {
        return ChangeKind::Ignored;
    }
    if path.starts_with(&layout.content) {
        ChangeKind::Content
    } else if rel == Path::new(CONFIG_FILE) {
        ChangeKind::Config
    } else if rel == Path::new(SOA_FILE) {
        ChangeKind::Soa
    } else if rel.starts_with("themes") {
        ChangeKind::Theme
    } else {
        ChangeKind::Ignored
    }
}

/// Creations, writes, renames and deletions; not reads (policybook's own reads of the book
/// would otherwise trigger rebuilds forever) nor access-time and permission changes.
fn changes_content(kind: &EventKind) -> bool {
    match kind {
        EventKind::Create(_) | EventKind::Remove(_) => true,
        EventKind::Modify(ModifyKind::Metadata(_)) => false,
        EventKind::Modify(_) => true,
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) | EventKind::Any | EventKind::Other => false,
    }
}

/// How to learn about changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum WatcherKind {
    /// The operating system's notifications (inotify, FSEvents, ...).
    Native,
    /// Looking at the files every half second: for network and container file systems.
    Poll,
}

/// A running watcher; changes arrive on `changes` as batches of relevant paths.
pub struct Watcher {
    _native: Option<notify_debouncer_full::Debouncer<RecommendedWatcher, RecommendedCache>>,
    _poll: Option<notify_debouncer_full::Debouncer<PollWatcher, NoCache>>,
    pub changes: Receiver<Vec<(ChangeKind, PathBuf)>>,
}

/// Watches the book's root folder (recursively) and reports relevant changes.
pub fn watch(layout: Layout, kind: WatcherKind) -> anyhow::Result<Watcher> {
    let (tx, rx) = mpsc::channel();
    let root = layout.root.clone();
    let head_log = layout.head_log.clone();
    let handler = move |result: DebounceEventResult| {
        let Ok(events) = result else { return };
        let mut changed: Vec<(ChangeKind, PathBuf)> = events
            .iter()
            .filter(|e| changes_content(&e.event.kind))
            .flat_map(|e| e.paths.iter())
            .map(|p| (classify(&layout, p), p.clone()))
            .filter(|(k, _)| *k != ChangeKind::Ignored)
            .collect();
        changed.sort();
        changed.dedup();
        if !changed.is_empty() {
            let _ = tx.send(changed);
        }
    };
    let debounce = Duration::from_millis(60);
    match kind {
        WatcherKind::Native => {
            let mut d = new_debouncer_opt::<_, RecommendedWatcher, RecommendedCache>(
                debounce,
                None,
                handler,
                RecommendedCache::new(),
                notify::Config::default(),
            )?;
            d.watch(&root, RecursiveMode::Recursive)?;
            if let Some(log) = head_log.as_deref().filter(|l| !l.starts_with(&root)) {
                // Not fatal: without it, history is refreshed at the next edit.
                let _ = d.watch(log, RecursiveMode::NonRecursive);
            }
            Ok(Watcher {
                _native: Some(d),
                _poll: None,
                changes: rx,
            })
        }
        WatcherKind::Poll => {
            let mut d = new_debouncer_opt::<_, PollWatcher, NoCache>(
                debounce,
                None,
                handler,
                NoCache,
                notify::Config::default().with_poll_interval(Duration::from_millis(500)),
            )?;
            d.watch(&root, RecursiveMode::Recursive)?;
            if let Some(log) = head_log.as_deref().filter(|l| !l.starts_with(&root)) {
                let _ = d.watch(log, RecursiveMode::NonRecursive);
            }
            Ok(Watcher {
                _native: None,
                _poll: Some(d),
                changes: rx,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout() -> Layout {
        Layout {
            root: "/b".into(),
            content: "/b/content".into(),
            output: "/b/book".into(),
            head_log: Some("/repo/.git/logs/HEAD".into()),
        }
    }

    #[test]
    fn editors_noise_is_ignored_and_sources_are_recognised() {
        let l = layout();
        let kind = |p: &str| classify(&l, Path::new(p));
        assert_eq!(kind("/b/content/policies/a.md"), ChangeKind::Content);
        assert_eq!(kind("/b/content/img/logo.png"), ChangeKind::Content);
        assert_eq!(kind("/b/book.toml"), ChangeKind::Config);
        assert_eq!(kind("/b/soa.yaml"), ChangeKind::Soa);
        assert_eq!(kind("/repo/.git/logs/HEAD"), ChangeKind::History);
        assert_eq!(
            kind("/b/themes/corp/templates/base.html"),
            ChangeKind::Theme
        );
        for noise in [
            "/b/content/policies/.a.md.swp",
            "/b/content/policies/a.md~",
            "/b/content/policies/#a.md#",
            "/b/content/policies/4913",
            "/b/content/.git/index",
            "/b/book/index.html",
            "/b/.book.policybook-staging-x/index.html",
            "/b/README.md",
            "/elsewhere/a.md",
        ] {
            assert_eq!(kind(noise), ChangeKind::Ignored, "{noise}");
        }
    }
}
