//! Watching a book for changes: file-system events mapped by a pure function to what they mean
//! for the book, and settled so that an editor's save (write, rename, delete of a swap file)
//! becomes one rebuild.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, ModifyKind};
use notify::{Event, EventKind, PollWatcher, RecommendedWatcher, RecursiveMode, Watcher as _};

use crate::catalog::registry;
use crate::config::CONFIG_FILE;
use crate::model::soa::SOA_FILE;

/// A batch is sent once no relevant event came for this long: an editor's save is a burst of
/// events a few milliseconds apart, and every millisecond here is a millisecond of waiting for
/// the page to change.
const QUIET: Duration = Duration::from_millis(8);
/// A batch is sent after this long even while events keep coming (a checkout of many files).
const MAX_WAIT: Duration = Duration::from_millis(300);

/// What a changed path means for the book.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum ChangeKind {
    /// A document or asset in the content folder.
    Content,
    /// `book.toml`.
    Config,
    /// `soa.yaml`.
    Soa,
    /// A file of the book's `frameworks/`, `crosswalks/` or `registers/`.
    BookData,
    /// A file of a theme.
    Theme,
    /// HEAD moved (a commit, checkout or reset): the revision history is read again.
    History,
    /// The watcher lost events (its queue overflowed): anything may have changed.
    Rescan,
    /// Nothing policybook reads: the output, editor swap and backup files, hidden files.
    Ignored,
}

/// Where the book keeps what it reads; paths are compared after making them absolute.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    pub root: PathBuf,
    pub content: PathBuf,
    pub output: PathBuf,
    /// The repository's log of HEAD (`.git/logs/HEAD`), written on every commit, when the
    /// book is in git and shows its history.
    pub head_log: Option<PathBuf>,
}

/// Classifies one changed path. Pure, so every editor's habits can be tested.
pub(crate) fn classify(layout: &Layout, path: &Path) -> ChangeKind {
    if layout.head_log.as_deref() == Some(path) {
        return ChangeKind::History;
    }
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return ChangeKind::Ignored;
    };
    // Hidden files and what editors leave beside a file they save (the load ignores them too).
    let noise = name.starts_with('.') || crate::load::is_editor_leftover(name);
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
    } else if [
        registry::FRAMEWORKS_DIR,
        registry::CROSSWALKS_DIR,
        crate::registers::DIR,
    ]
    .iter()
    .any(|dir| rel.starts_with(dir))
    {
        ChangeKind::BookData
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

/// A running watcher; changes arrive on `changes` as batches of relevant paths, sorted.
pub(crate) struct Watcher {
    _native: Option<RecommendedWatcher>,
    _poll: Option<PollWatcher>,
    pub changes: Receiver<Vec<(ChangeKind, PathBuf)>>,
}

/// Watches the book's root folder (recursively) and reports relevant changes.
pub(crate) fn watch(layout: Layout, kind: WatcherKind) -> anyhow::Result<Watcher> {
    let (raw_tx, raw_rx) = mpsc::channel();
    let (tx, rx) = mpsc::channel();
    let root = layout.root.clone();
    let head_log = layout.head_log.clone();
    let handler = move |result: notify::Result<Event>| {
        let Ok(event) = result else { return };
        if event.need_rescan() {
            let _ = raw_tx.send((ChangeKind::Rescan, layout.root.clone()));
            return;
        }
        if !changes_content(&event.kind) {
            return;
        }
        for p in event.paths {
            let kind = classify(&layout, &p);
            if kind != ChangeKind::Ignored {
                let _ = raw_tx.send((kind, p));
            }
        }
    };
    std::thread::Builder::new()
        .name("watch-settle".into())
        .spawn(move || settle(&raw_rx, &tx))?;
    let extra = head_log.filter(|l| !l.starts_with(&root));
    match kind {
        WatcherKind::Native => {
            let mut w = RecommendedWatcher::new(handler, notify::Config::default())?;
            w.watch(&root, RecursiveMode::Recursive)?;
            if let Some(log) = &extra {
                // Not fatal: without it, history is refreshed at the next edit.
                let _ = w.watch(log, RecursiveMode::NonRecursive);
            }
            Ok(Watcher {
                _native: Some(w),
                _poll: None,
                changes: rx,
            })
        }
        WatcherKind::Poll => {
            let config = notify::Config::default().with_poll_interval(Duration::from_millis(500));
            let mut w = PollWatcher::new(handler, config)?;
            w.watch(&root, RecursiveMode::Recursive)?;
            if let Some(log) = &extra {
                let _ = w.watch(log, RecursiveMode::NonRecursive);
            }
            Ok(Watcher {
                _native: None,
                _poll: Some(w),
                changes: rx,
            })
        }
    }
}

/// Gathers changes into batches: from the first change until [`QUIET`] passes without one
/// (at most [`MAX_WAIT`]). Blocks while nothing happens, so an idle watcher costs nothing.
fn settle(raw: &Receiver<(ChangeKind, PathBuf)>, out: &Sender<Vec<(ChangeKind, PathBuf)>>) {
    while let Ok(first) = raw.recv() {
        let started = Instant::now();
        let mut batch = vec![first];
        loop {
            let left = MAX_WAIT.saturating_sub(started.elapsed());
            match raw.recv_timeout(QUIET.min(left)) {
                Ok(change) => batch.push(change),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        batch.sort();
        batch.dedup();
        if out.send(batch).is_err() {
            return;
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
        assert_eq!(kind("/b/frameworks/soc2.yaml"), ChangeKind::BookData);
        assert_eq!(kind("/b/crosswalks/iso-to-soc2.csv"), ChangeKind::BookData);
        assert_eq!(kind("/b/registers/risks.yaml"), ChangeKind::BookData);
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
            "/b/content/policies/a.md___jb_tmp___",
            "/b/content/policies/a.md.tmp",
            "/b/content/policies/.~lock.a.ods#",
            "/b/content/img/Thumbs.db",
            "/b/content/.git/index",
            "/b/book/index.html",
            "/b/.book.policybook-staging-x/index.html",
            "/b/README.md",
            "/elsewhere/a.md",
        ] {
            assert_eq!(kind(noise), ChangeKind::Ignored, "{noise}");
        }
    }

    #[test]
    fn a_burst_of_events_is_one_batch_and_a_later_one_another() {
        let (raw_tx, raw_rx) = mpsc::channel();
        let (tx, rx) = mpsc::channel();
        let a = (ChangeKind::Content, PathBuf::from("/b/content/a.md"));
        let b = (ChangeKind::Config, PathBuf::from("/b/book.toml"));
        // An editor's save: the same file several times, another file, all queued at once.
        for change in [&a, &a, &b, &a] {
            raw_tx.send(change.clone()).unwrap();
        }
        let settler = std::thread::spawn(move || settle(&raw_rx, &tx));
        let first = rx.recv().unwrap();
        assert_eq!(first, vec![a.clone(), b.clone()], "sorted, without repeats");
        std::thread::sleep(QUIET * 20);
        raw_tx.send(b.clone()).unwrap();
        assert_eq!(rx.recv().unwrap(), vec![b]);
        drop(raw_tx);
        settler.join().unwrap();
        assert!(rx.recv().is_err(), "no batch without an event");
    }
}
