//! A book as it was at a git revision, written out to a folder without touching the working
//! tree, so that `build --at` and `diff` run the ordinary pipeline on it.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use git2::{ObjectType, TreeWalkMode, TreeWalkResult};

use crate::history;

/// A book checked out from git into a folder.
pub(crate) struct Snapshot {
    /// The book's root inside the folder it was written to.
    pub root: PathBuf,
    /// The commit the revision names.
    pub commit: String,
    /// The commit's date (the committer's, in their time zone): when this state was recorded.
    pub date: NaiveDate,
    /// False when the book's folder did not exist at the revision (nothing was written).
    pub existed: bool,
}

impl Snapshot {
    /// True when the revision has what makes a folder a book: book.toml or content/.
    pub(crate) fn is_book(&self) -> bool {
        self.existed
            && (self.root.join(crate::config::CONFIG_FILE).is_file()
                || self.root.join("content").is_dir())
    }
}

/// Writes the files under the book root `root` as they were at `rev` into `into`. Symbolic
/// links and submodules are left out; so are tree entries no checkout would write.
pub(crate) fn checkout(root: &Path, rev: &str, into: &Path) -> anyhow::Result<Snapshot> {
    let repo = history::repository(root).ok().flatten().ok_or_else(|| {
        anyhow::anyhow!(
            "{} is not in a git repository, so there is no revision `{rev}` to read",
            crate::diagnostic::display_path(root)
        )
    })?;
    let prefix = history::prefix_in(&repo, root)
        .ok_or_else(|| anyhow::anyhow!("cannot place {} in its git repository", root.display()))?;
    let commit = history::commit_at(&repo, rev)?;
    let mut snapshot = Snapshot {
        root: into.to_path_buf(),
        commit: commit.id().to_string(),
        date: history::local_date(commit.committer().when()),
        existed: true,
    };
    let Some(tree) = history::folder_tree(&repo, commit.tree()?, &prefix) else {
        snapshot.existed = false;
        return Ok(snapshot);
    };
    let mut failed: Option<anyhow::Error> = None;
    tree.walk(TreeWalkMode::PreOrder, |dir, entry| {
        let name = entry.name().unwrap_or_default();
        let safe = |n: &str| {
            !n.is_empty() && n != "." && n != ".." && n != ".git" && !n.contains(['/', '\\'])
        };
        if !safe(name) || !dir.split('/').filter(|d| !d.is_empty()).all(safe) {
            return TreeWalkResult::Skip;
        }
        let target = into.join(dir).join(name);
        let written = match entry.kind() {
            Some(ObjectType::Tree) => std::fs::create_dir_all(&target).map_err(anyhow::Error::from),
            Some(ObjectType::Blob) if entry.filemode() != 0o120000 => entry
                .to_object(&repo)
                .map_err(anyhow::Error::from)
                .and_then(|o| {
                    let blob = o.peel_to_blob()?;
                    std::fs::write(&target, blob.content())?;
                    Ok(())
                }),
            _ => Ok(()), // symbolic links, submodules
        };
        match written {
            Ok(()) => TreeWalkResult::Ok,
            Err(e) => {
                failed = Some(e.context(format!("cannot write {}", target.display())));
                TreeWalkResult::Abort
            }
        }
    })
    .or_else(|e| if failed.is_some() { Ok(()) } else { Err(e) })?;
    if let Some(e) = failed {
        return Err(e);
    }
    Ok(snapshot)
}
