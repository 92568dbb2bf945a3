//! The walk over the book's commits: each commit's changes read in parallel, then the
//! documents followed through them (renames included) into their revisions, with the front
//! matter each revision had. Kept apart because it is the one costly part of reading history.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use git2::{Delta, ObjectType, Repository, Sort, TreeWalkResult};

use crate::load::{front_matter, is_markdown};

use super::git::{folder_tree, local_date};
use super::trees::{renames, Trees};
use super::{History, Revision};

/// Walks the commits from `start` back, newest first. With a `base` (a history read at an
/// ancestor of `start`), only the commits since are walked and the base continues each
/// document's history from there.
pub(super) fn walk(
    repo: &Repository,
    start: &git2::Commit,
    prefix: &Path,
    base: Option<(git2::Oid, History)>,
) -> anyhow::Result<History> {
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
    let Some(content_tree) = folder_tree(repo, start.tree()?, prefix) else {
        return Ok(History {
            head: Some(start.id().to_string()),
            ..Default::default()
        });
    };
    content_tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
        let name = entry.name().unwrap_or_default();
        if entry.kind() == Some(ObjectType::Blob) && is_markdown(Path::new(name)) {
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

    let mut revwalk = repo.revwalk()?;
    revwalk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME)?;
    revwalk.push(start.id())?;
    if let Some((head, _)) = &base {
        revwalk.hide(*head)?;
    }
    let commits: Vec<git2::Oid> = revwalk.collect::<Result<_, _>>()?;
    // What each commit changed is independent of the others, so it is read in parallel, on
    // threads of its own (the build's other stages must not queue behind it in the shared
    // pool), each with its own repository handle and a contiguous run of commits whose
    // trees follow each other; following the documents through the changes is then a short
    // pass in order.
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let chunk = commits.len().div_ceil(workers).max(256);
    let git_dir = repo.path().to_path_buf();
    let read: Vec<Vec<CommitChanges>> = std::thread::scope(|scope| {
        let jobs: Vec<_> = commits
            .chunks(chunk)
            .map(|ids| {
                let (git_dir, prefix_str) = (&git_dir, &prefix_str);
                scope.spawn(move || -> anyhow::Result<Vec<CommitChanges>> {
                    let repo = Repository::open(git_dir)?;
                    let mut trees = Trees {
                        repo: &repo,
                        prefix,
                        parsed: HashMap::new(),
                        content: HashMap::new(),
                    };
                    let mut out = Vec::new();
                    for id in ids {
                        if let Some(c) = commit_changes(&repo, &mut trees, *id, prefix_str)? {
                            out.push(c);
                        }
                    }
                    Ok(out)
                })
            })
            .collect();
        jobs.into_iter()
            .map(|j| {
                j.join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("reading git history failed")))
            })
            .collect::<anyhow::Result<_>>()
    })?;

    let mut files: HashMap<PathBuf, Vec<Revision>> = HashMap::new();
    for c in read.into_iter().flatten() {
        if tracked.is_empty() {
            break;
        }
        for (status, new_path, fields) in c.changed {
            let Some(doc) = tracked.get(&new_path).cloned() else {
                continue;
            };
            let path = under(&new_path)
                .filter(|p| *p != doc)
                .map(|p| p.to_string_lossy().into_owned());
            let field = |k: &str| fields.get(k).cloned();
            files.entry(doc.clone()).or_default().push(Revision {
                commit: c.id.clone(),
                short: c.id[..8].to_string(),
                date: c.date,
                author: c.author.clone(),
                subject: c.subject.clone(),
                approved_by: c.approved_by.clone(),
                path,
                version: field("version"),
                status: field("status"),
                approver: field("approver"),
                approved_on: field("approved_on"),
                classification: field("classification"),
                blob: field("blob"),
            });
            if status == Delta::Added {
                tracked.remove(&new_path);
                if let Some(old) = c.renamed.get(&new_path) {
                    tracked.insert(old.clone(), doc);
                }
            }
        }
    }
    if let Some((_, mut earlier)) = base {
        for (path, doc) in tracked {
            let Some(then) = under(&path) else { continue };
            for mut r in earlier.files.remove(&then).unwrap_or_default() {
                let was = r.path.take().map_or_else(|| then.clone(), PathBuf::from);
                r.path = (was != doc).then(|| was.to_string_lossy().into_owned());
                files.entry(doc.clone()).or_default().push(r);
            }
        }
    }
    Ok(History {
        files,
        head: Some(start.id().to_string()),
    })
}

/// What one commit changed in the content folder: the files added or modified, each with its
/// front matter as it was then, and which added files are renamed deleted ones.
struct CommitChanges {
    id: String,
    date: NaiveDate,
    author: String,
    subject: String,
    approved_by: Vec<String>,
    changed: Vec<(Delta, String, HashMap<&'static str, String>)>,
    renamed: HashMap<String, String>,
}

/// Reads one commit's [`CommitChanges`]; `None` for merges and commits that did not touch
/// the content folder.
fn commit_changes(
    repo: &Repository,
    trees: &mut Trees,
    id: git2::Oid,
    prefix: &str,
) -> anyhow::Result<Option<CommitChanges>> {
    let commit = repo.find_commit(id)?;
    if commit.parent_count() > 1 {
        return Ok(None);
    }
    let after = trees.content_of(&commit)?;
    let before = match commit.parent(0) {
        Ok(p) => trees.content_of(&p)?,
        Err(_) => None,
    };
    if after == before {
        return Ok(None);
    }
    let mut changed = Vec::new();
    trees.changes(before, after, prefix, &mut changed)?;
    let renamed = renames(repo, &changed);
    let changed = changed
        .into_iter()
        .filter(|(status, path, _)| *status != Delta::Deleted && is_markdown(Path::new(path)))
        .map(|(status, path, blob)| {
            let text = repo
                .find_blob(blob)
                .map(|b| String::from_utf8_lossy(b.content()).into_owned())
                .unwrap_or_default();
            let mut fields = sniff(&text);
            fields.insert("blob", blob.to_string());
            (status, path, fields)
        })
        .collect();
    let (date, author, subject, approved_by) = commit_meta(&commit);
    Ok(Some(CommitChanges {
        id: id.to_string(),
        date,
        author,
        subject,
        approved_by,
        changed,
        renamed,
    }))
}

/// Date, author, subject and `Approved-by:` trailers of a commit.
fn commit_meta(commit: &git2::Commit) -> (NaiveDate, String, String, Vec<String>) {
    let author = commit.author();
    let date = local_date(author.when());
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
    const KEYS: [&str; 5] = [
        "version",
        "status",
        "approver",
        "approved_on",
        "classification",
    ];
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
