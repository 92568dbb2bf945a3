//! Revision history from git: one walk over the book's commits gives every document its
//! revisions (renames followed) and the front matter each revision had, so document pages can
//! show who changed what, when, who approved it, and which versions were approved.
//!
//! Merge commits are skipped (their changes are the commits they merge). A book outside git
//! has no history; a shallow clone has none either (it would be wrong), and says so once.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use git2::{Delta, DiffFindOptions, DiffOptions, ObjectType, Repository, Sort, TreeWalkResult};
use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::load::front_matter;

/// One commit that changed a document.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
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
}

/// Every document's revisions, newest first, by path relative to the content folder.
#[derive(Debug, Default, Clone)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApprovedVersion {
    pub version: String,
    pub approved_on: Option<String>,
    pub approver: Option<String>,
    /// The commit that first recorded this version as approved (none for uncommitted work).
    pub commit: Option<String>,
}

/// The versions a document was approved in, newest first: today's front matter when approved,
/// then every earlier approved version its history records (each at the commit that first
/// recorded it approved).
pub fn approved_versions(
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

/// The repository holding `dir`, if any (a bare repository has no working tree to build).
pub fn repository(dir: &Path) -> Option<Repository> {
    Repository::discover(dir)
        .ok()
        .filter(|r| r.workdir().is_some())
}

/// `dir` relative to the repository's working tree. `dir` need not exist any more (a content
/// folder read at an old revision): its nearest existing ancestor places it.
pub fn prefix_in(repo: &Repository, dir: &Path) -> Option<PathBuf> {
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
fn shallow_warning() -> Diagnostic {
    Diagnostic::warning(
        "shallow-clone",
        "the book is in a shallow git clone, so document pages show no revision history",
    )
    .hint(
        "fetch the full history (`git fetch --unshallow`; in GitHub Actions, `fetch-depth: 0` on actions/checkout)",
    )
}

/// Reads the history of the documents in `content_dir` as of `at` (a revision; HEAD when
/// `None`). No repository, an unborn branch or a content folder outside the working tree give
/// an empty history; a shallow clone gives an empty history and a warning.
pub fn read(content_dir: &Path, at: Option<&str>) -> anyhow::Result<(History, Vec<Diagnostic>)> {
    let found = content_dir
        .ancestors()
        .find(|d| d.is_dir())
        .and_then(repository);
    let Some(repo) = found else {
        return Ok(Default::default());
    };
    if repo.is_shallow() {
        return Ok((History::default(), vec![shallow_warning()]));
    }
    let Some(prefix) = prefix_in(&repo, content_dir) else {
        return Ok(Default::default());
    };
    let start = match at {
        Some(rev) => repo
            .revparse_single(rev)
            .and_then(|o| o.peel_to_commit())
            .map_err(|e| {
                anyhow::anyhow!("cannot find the git revision `{rev}`: {}", e.message())
            })?,
        None => match repo.head().and_then(|h| h.peel_to_commit()) {
            Ok(c) => c,
            Err(_) => return Ok(Default::default()), // no commit yet
        },
    };
    let history = walk(&repo, &start, &prefix)?;
    Ok((history, Vec::new()))
}

/// [`read`], reusing `previous` while HEAD has not moved (for rebuilds under `serve`).
pub fn read_cached(
    content_dir: &Path,
    previous: &mut Option<Arc<History>>,
) -> anyhow::Result<(Arc<History>, Vec<Diagnostic>)> {
    let head = repository(content_dir).and_then(|r| {
        let head = r.head().ok()?.target()?.to_string();
        Some(head)
    });
    if let Some(p) = previous
        .as_ref()
        .filter(|p| p.head.is_some() && p.head == head)
    {
        return Ok((p.clone(), Vec::new()));
    }
    let (history, diagnostics) = read(content_dir, None)?;
    let history = Arc::new(history);
    *previous = Some(history.clone());
    Ok((history, diagnostics))
}

fn walk(repo: &Repository, start: &git2::Commit, prefix: &Path) -> anyhow::Result<History> {
    let git_path = |p: &Path| p.to_string_lossy().replace('\\', "/");
    let prefix_str = git_path(prefix);
    let under = |p: &str| -> Option<PathBuf> {
        if prefix_str.is_empty() {
            Some(PathBuf::from(p))
        } else {
            p.strip_prefix(&prefix_str)
                .and_then(|r| r.strip_prefix('/'))
                .map(PathBuf::from)
        }
    };
    // The path each document of `start` had at the commit being looked at, newest first.
    let mut tracked: HashMap<String, PathBuf> = HashMap::new();
    let tree = start.tree()?;
    let content_tree = if prefix_str.is_empty() {
        Some(tree)
    } else {
        tree.get_path(prefix)
            .ok()
            .and_then(|e| e.to_object(repo).ok())
            .and_then(|o| o.into_tree().ok())
    };
    let Some(content_tree) = content_tree else {
        return Ok(History {
            head: Some(start.id().to_string()),
            ..Default::default()
        });
    };
    content_tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
        let name = entry.name().unwrap_or_default();
        if entry.kind() == Some(ObjectType::Blob) && is_markdown(name) {
            let rel = format!("{dir}{name}");
            let full = if prefix_str.is_empty() {
                rel.clone()
            } else {
                format!("{prefix_str}/{rel}")
            };
            tracked.insert(full, PathBuf::from(rel));
        }
        TreeWalkResult::Ok
    })?;

    let mut files: HashMap<PathBuf, Vec<Revision>> = HashMap::new();
    let mut revwalk = repo.revwalk()?;
    revwalk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME)?;
    revwalk.push(start.id())?;
    let mut options = DiffOptions::new();
    if !prefix_str.is_empty() {
        options.pathspec(&prefix_str);
    }
    let mut find = DiffFindOptions::new();
    find.renames(true);
    for oid in revwalk {
        if tracked.is_empty() {
            break;
        }
        let commit = repo.find_commit(oid?)?;
        if commit.parent_count() > 1 {
            continue;
        }
        let parent_tree = match commit.parent(0) {
            Ok(p) => Some(p.tree()?),
            Err(_) => None,
        };
        let mut diff = repo.diff_tree_to_tree(
            parent_tree.as_ref(),
            Some(&commit.tree()?),
            Some(&mut options),
        )?;
        diff.find_similar(Some(&mut find))?;
        let mut meta: Option<(NaiveDate, String, String, Vec<String>)> = None;
        for delta in diff.deltas() {
            let Some(new_path) = delta.new_file().path().map(git_path) else {
                continue;
            };
            let Some(doc) = tracked.get(&new_path).cloned() else {
                continue;
            };
            if !matches!(
                delta.status(),
                Delta::Added | Delta::Modified | Delta::Renamed | Delta::Copied | Delta::Typechange
            ) {
                continue;
            }
            let (date, author, subject, approved_by) =
                meta.get_or_insert_with(|| commit_meta(&commit)).clone();
            let text = repo
                .find_blob(delta.new_file().id())
                .map(|b| String::from_utf8_lossy(b.content()).into_owned())
                .unwrap_or_default();
            let fields = sniff(&text);
            let path = under(&new_path)
                .filter(|p| *p != doc)
                .map(|p| p.to_string_lossy().into_owned());
            files.entry(doc.clone()).or_default().push(Revision {
                commit: commit.id().to_string(),
                short: commit.id().to_string()[..8].to_string(),
                date,
                author,
                subject,
                approved_by,
                path,
                version: fields.get("version").cloned(),
                status: fields.get("status").cloned(),
                approver: fields.get("approver").cloned(),
                approved_on: fields.get("approved_on").cloned(),
            });
            match delta.status() {
                Delta::Renamed => {
                    tracked.remove(&new_path);
                    if let Some(old) = delta.old_file().path().map(git_path) {
                        tracked.insert(old, doc);
                    }
                }
                Delta::Added => {
                    tracked.remove(&new_path);
                }
                _ => {}
            }
        }
    }
    Ok(History {
        files,
        head: Some(start.id().to_string()),
    })
}

fn is_markdown(name: &str) -> bool {
    Path::new(name)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("md"))
}

/// Date, author, subject and `Approved-by:` trailers of a commit.
fn commit_meta(commit: &git2::Commit) -> (NaiveDate, String, String, Vec<String>) {
    let author = commit.author();
    let when = author.when();
    let local = when.seconds() + i64::from(when.offset_minutes()) * 60;
    let date = chrono::DateTime::from_timestamp(local, 0)
        .map(|t| t.date_naive())
        .unwrap_or_default();
    let name = String::from_utf8_lossy(author.name_bytes()).into_owned();
    let message = String::from_utf8_lossy(commit.message_bytes()).into_owned();
    let subject = message
        .lines()
        .next()
        .unwrap_or_default()
        .trim()
        .to_string();
    let approved_by = git2::message_trailers_strs(&message)
        .map(|t| {
            t.iter()
                .filter(|(k, _)| k.eq_ignore_ascii_case("approved-by"))
                .map(|(_, v)| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .collect()
        })
        .unwrap_or_default();
    (date, name, subject, approved_by)
}

/// The top-level scalar fields of a file's front matter, read line by line. Old revisions are
/// shown, never validated, so this stays lenient and fast rather than strict.
fn sniff(text: &str) -> HashMap<&'static str, String> {
    const KEYS: [&str; 4] = ["version", "status", "approver", "approved_on"];
    let mut found = HashMap::new();
    let Ok(split) = front_matter::split(text, crate::diagnostic::FileId::default()) else {
        return found;
    };
    for line in split.yaml.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let Some(key) = KEYS.iter().find(|k| **k == key) else {
            continue;
        };
        let value = value.split(" #").next().unwrap_or_default().trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
            .unwrap_or(value)
            .trim();
        if !value.is_empty() {
            found.insert(*key, value.to_string());
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniff_reads_plain_and_quoted_scalars_of_the_front_matter_only() {
        let text = "---\nid: X\nversion: \"1.2\"\nstatus: approved # ok\napprover: 'Ann Lee'\n---\nversion: 9\n";
        let f = sniff(text);
        assert_eq!(f.get("version").map(String::as_str), Some("1.2"));
        assert_eq!(f.get("status").map(String::as_str), Some("approved"));
        assert_eq!(f.get("approver").map(String::as_str), Some("Ann Lee"));
        assert!(!f.contains_key("approved_on"));
        assert!(sniff("no front matter").is_empty());
    }
}
