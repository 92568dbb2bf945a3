//! The history kept between builds, inside the repository's own folder, so that a rebuild
//! walks only the commits since. Kept apart because a cache is a format of its own, with its
//! own version.

use std::path::{Path, PathBuf};

use git2::Repository;

use super::History;

/// Bumped whenever [`History`] or the walk changes, so that old caches are not read.
const CACHE_FORMAT: u32 = 3;

/// Where the history of the content folder at HEAD is kept between builds: inside the
/// repository's own folder (`.git/policybook/`), never in the working tree.
pub(super) fn cache_file(repo: &Repository, prefix: &Path) -> PathBuf {
    let key = crate::key::of(&(CACHE_FORMAT, prefix));
    repo.path()
        .join("policybook")
        .join(format!("history-{key:016x}.json"))
}

/// The history the last build kept, whatever commit it was read at.
pub(super) fn cached(file: &Path) -> Option<History> {
    let bytes = std::fs::read(file).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Keeps the history for the next build. A cache that cannot be written (a read-only
/// repository) only costs the next build the walk again.
pub(super) fn store(file: &Path, history: &History) {
    let write = || -> anyhow::Result<()> {
        let dir = file.parent().expect("the cache file is in a folder");
        std::fs::create_dir_all(dir)?;
        let mut temp = tempfile::NamedTempFile::new_in(dir)?;
        let mut out = std::io::BufWriter::new(&mut temp);
        serde_json::to_writer(&mut out, history)?;
        std::io::Write::flush(&mut out)?;
        drop(out);
        temp.persist(file)?;
        Ok(())
    };
    let _ = write();
}
