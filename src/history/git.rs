//! The repository and what names things in it: where the book's repository is, the content
//! folder's path inside it, the commit a revision names, a commit's date. Kept apart because
//! `build --at`, `diff` (through `revision`) and `serve` open the repository the same way.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use git2::Repository;

use crate::diagnostic::Code;
use crate::diagnostic::Diagnostic;

/// The repository holding `dir`, if any (a bare repository has no working tree to build).
/// `Err` when there is one that git refuses to read.
pub(crate) fn repository(dir: &Path) -> Result<Option<Repository>, Diagnostic> {
    // Objects are read, never written: checking each one's hash again only costs time.
    git2::opts::strict_hash_verification(false);
    match Repository::discover(dir) {
        Ok(r) => Ok(r.workdir().is_some().then_some(r)),
        Err(e) if e.code() == git2::ErrorCode::Owner => Err(Diagnostic::warning(
            Code::GitUnsafeRepository,
            "git refuses to read this repository (it belongs to another user), so document pages show no revision history",
        )
        .hint("if you trust it, run `git config --global --add safe.directory <path>`")),
        Err(_) => Ok(None),
    }
}

/// `dir` relative to the repository's working tree. `dir` need not exist any more (a content
/// folder read at an old revision): its nearest existing ancestor places it.
pub(crate) fn prefix_in(repo: &Repository, dir: &Path) -> Option<PathBuf> {
    let workdir = repo.workdir()?.canonicalize().ok()?;
    let mut rest = Vec::new();
    let mut existing = dir;
    let base = loop {
        if let Ok(c) = existing.canonicalize() {
            break c;
        }
        rest.push(existing.file_name()?);
        existing = existing.parent()?;
    };
    let mut full = base;
    full.extend(rest.iter().rev());
    full.strip_prefix(&workdir).ok().map(Path::to_path_buf)
}

/// The warning for a shallow clone, whose history would be cut short.
pub(super) fn shallow_warning() -> Diagnostic {
    Diagnostic::warning(
        Code::ShallowClone,
        "the book is in a shallow git clone, so document pages show no revision history",
    )
    .hint(
        "fetch the full history (`git fetch --unshallow`; in GitHub Actions, `fetch-depth: 0` on actions/checkout)",
    )
}

/// The tree of `folder` (relative to the repository root) in `tree`; `None` where there is no
/// such folder.
pub(crate) fn folder_tree<'r>(
    repo: &'r Repository,
    tree: git2::Tree<'r>,
    folder: &Path,
) -> Option<git2::Tree<'r>> {
    if folder.as_os_str().is_empty() {
        return Some(tree);
    }
    let entry = tree.get_path(folder).ok()?;
    repo.find_tree(entry.id()).ok()
}

/// The commit a revision (tag, branch, commit, `HEAD~3`) names.
pub(crate) fn commit_at<'r>(repo: &'r Repository, rev: &str) -> anyhow::Result<git2::Commit<'r>> {
    repo.revparse_single(rev)
        .and_then(|o| o.peel_to_commit())
        .map_err(|e| anyhow::anyhow!("cannot find the git revision `{rev}`: {}", e.message()))
}

/// The calendar date of a git time stamp, in the time zone it was recorded in.
pub(crate) fn local_date(when: git2::Time) -> NaiveDate {
    let local = when.seconds() + i64::from(when.offset_minutes()) * 60;
    chrono::DateTime::from_timestamp(local, 0)
        .map(|t| t.date_naive())
        .unwrap_or_default()
}
