//! Revision history from git: one walk over the book's commits gives every document its
//! revisions (renames followed) and the front matter each revision had, so document pages can
//! show who changed what, when, who approved it, and which versions were approved.
//!
//! Merge commits are skipped (their changes are the commits they merge). A book outside git
//! has no history; a shallow clone has none either (it would be wrong), and says so once.
//!
//! The types and [`read`] are here; opening the repository and naming commits is in `git`,
//! the walk over the commits in `walk` (with `trees`, what each commit changed and which
//! files it renamed), and the copy kept between builds in `cache`.

mod cache;
mod git;
mod trees;
mod walk;

pub(crate) use git::{commit_at, folder_tree, local_date, prefix_in, repository};

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;

use cache::{cache_file, cached, store};
use git::shallow_warning;
use walk::walk;

/// One commit that changed a document.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Revision {
    pub commit: String,
    /// The first 8 hex digits: stable for a given commit, unlike git's shortest unique prefix.
    pub short: String,
    /// The author's date, in the author's time zone.
    pub date: NaiveDate,
    pub author: String,
    pub subject: String,
    /// Values of `Approved-by:` trailers in the commit message.
    pub approved_by: Vec<String>,
    /// The document's path at this revision, relative to the content folder, when it differs
    /// from its path today (the document was renamed since).
    pub path: Option<String>,
    /// The front matter as it was at this revision (read leniently: display only).
    pub version: Option<String>,
    pub status: Option<String>,
    pub approver: Option<String>,
    pub approved_on: Option<String>,
    pub classification: Option<String>,
    /// The file's git blob at this revision (hex): its text, for what changed since.
    pub blob: Option<String>,
}

/// Every document's revisions, newest first, by path relative to the content folder.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct History {
    pub files: HashMap<PathBuf, Vec<Revision>>,
    /// The commit the walk started from (for caching between rebuilds).
    pub head: Option<String>,
}

impl History {
    pub fn of(&self, rel: &Path) -> &[Revision] {
        self.files.get(rel).map_or(&[], Vec::as_slice)
    }
}

/// One approved version of a document, for the version table of its document-control block.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub(crate) struct ApprovedVersion {
    pub version: String,
    pub approved_on: Option<String>,
    pub approver: Option<String>,
    /// The commit that first recorded this version as approved (none for uncommitted work).
    pub commit: Option<String>,
}

/// The versions a document was approved in, newest first: today's front matter when approved,
/// then every earlier approved version its history records (each at the commit that first
/// recorded it approved).
pub(crate) fn approved_versions(
    doc: &crate::document::Document,
    revisions: &[Revision],
) -> Vec<ApprovedVersion> {
    let mut versions: Vec<ApprovedVersion> = Vec::new();
    for r in revisions.iter().rev() {
        let (Some(version), Some("approved")) = (&r.version, r.status.as_deref()) else {
            continue;
        };
        let approver = r
            .approver
            .clone()
            .or_else(|| r.approved_by.first().cloned());
        match versions.iter_mut().find(|v| &v.version == version) {
            Some(v) => {
                // A later commit may complete an approval recorded earlier.
                v.approved_on = v.approved_on.take().or_else(|| r.approved_on.clone());
                v.approver = v.approver.take().or(approver);
            }
            None => versions.push(ApprovedVersion {
                version: version.clone(),
                approved_on: r.approved_on.clone(),
                approver,
                commit: Some(r.short.clone()),
            }),
        }
    }
    if let (Some(version), crate::document::Status::Approved) = (&doc.version, doc.status) {
        let current = ApprovedVersion {
            version: version.clone(),
            approved_on: doc.approved_on.map(|d| d.to_string()),
            approver: doc.approver.clone(),
            commit: None,
        };
        match versions.iter_mut().find(|v| &v.version == version) {
            Some(v) => {
                v.approved_on = current.approved_on.or(v.approved_on.take());
                v.approver = current.approver.or(v.approver.take());
            }
            None => versions.push(current),
        }
    }
    versions.reverse();
    versions
}

/// Reads the history of the documents in `content_dir` as of `at` (a revision; HEAD when
/// `None`). No repository, an unborn branch or a content folder outside the working tree give
/// an empty history; a shallow clone gives an empty history and a warning.
pub(crate) fn read(
    content_dir: &Path,
    at: Option<&str>,
) -> anyhow::Result<(History, Vec<Diagnostic>)> {
    let Some(dir) = content_dir.ancestors().find(|d| d.is_dir()) else {
        return Ok(Default::default());
    };
    let repo = match repository(dir) {
        Ok(Some(repo)) => repo,
        Ok(None) => return Ok(Default::default()),
        Err(warning) => return Ok((History::default(), vec![warning])),
    };
    if repo.is_shallow() {
        return Ok((History::default(), vec![shallow_warning()]));
    }
    let Some(prefix) = prefix_in(&repo, content_dir) else {
        return Ok(Default::default());
    };
    let start = match at {
        Some(rev) => commit_at(&repo, rev)?,
        None => match repo.head().and_then(|h| h.peel_to_commit()) {
            Ok(c) => c,
            Err(_) => return Ok(Default::default()), // no commit yet
        },
    };
    let cache = cache_file(&repo, &prefix);
    let previous = cached(&cache);
    if previous.as_ref().and_then(|p| p.head.as_deref()) == Some(&start.id().to_string()) {
        return Ok((previous.expect("just matched"), Vec::new()));
    }
    // A history read at an ancestor of `start` only needs the commits since.
    let base = previous.and_then(|p| {
        let head = git2::Oid::from_str(p.head.as_deref()?).ok()?;
        repo.graph_descendant_of(start.id(), head)
            .unwrap_or(false)
            .then_some((head, p))
    });
    let history = walk(&repo, &start, &prefix, base)?;
    if at.is_none() {
        store(&cache, &history);
    }
    Ok((history, Vec::new()))
}

/// [`read`], reusing `previous` while HEAD has not moved (for rebuilds under `serve`).
pub(crate) fn read_cached(
    content_dir: &Path,
    previous: Option<Arc<History>>,
) -> anyhow::Result<(Arc<History>, Vec<Diagnostic>)> {
    let head = repository(content_dir)
        .ok()
        .flatten()
        .and_then(|r| Some(r.head().ok()?.target()?.to_string()));
    if let Some(p) = previous.filter(|p| p.head.is_some() && p.head == head) {
        return Ok((p, Vec::new()));
    }
    let (history, diagnostics) = read(content_dir, None)?;
    Ok((Arc::new(history), diagnostics))
}
