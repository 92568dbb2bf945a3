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
use git2::{Delta, ObjectType, Repository, Sort, TreeWalkResult};
use serde::{Deserialize, Serialize};

use crate::diagnostic::Code;
use crate::diagnostic::Diagnostic;
use crate::load::{front_matter, is_markdown};

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
/// `Err` when there is one that git refuses to read.
pub fn repository(dir: &Path) -> Result<Option<Repository>, Diagnostic> {
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
        Code::ShallowClone,
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

/// Bumped whenever [`History`] or the walk changes, so that old caches are not read.
const CACHE_FORMAT: u32 = 2;

/// Where the history of the content folder at HEAD is kept between builds: inside the
/// repository's own folder (`.git/policybook/`), never in the working tree.
fn cache_file(repo: &Repository, prefix: &Path) -> PathBuf {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (CACHE_FORMAT, prefix).hash(&mut h);
    repo.path()
        .join("policybook")
        .join(format!("history-{:016x}.json", h.finish()))
}

/// The history the last build kept, whatever commit it was read at.
fn cached(file: &Path) -> Option<History> {
    let bytes = std::fs::read(file).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Keeps the history for the next build. A cache that cannot be written (a read-only
/// repository) only costs the next build the walk again.
fn store(file: &Path, history: &History) {
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

/// [`read`], reusing `previous` while HEAD has not moved (for rebuilds under `serve`).
pub fn read_cached(
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

/// Walks the commits from `start` back, newest first. With a `base` (a history read at an
/// ancestor of `start`), only the commits since are walked and the base continues each
/// document's history from there.
fn walk(
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
            (status, path, sniff(&text))
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

/// Trees read from the repository, kept while consecutive commits share them: a commit's
/// "before" is usually the next commit's "after".
struct Trees<'r> {
    repo: &'r Repository,
    prefix: &'r Path,
    /// Bounded: only the trees of the last few commits are ever asked for again.
    parsed: HashMap<git2::Oid, git2::Tree<'r>>,
    /// Per commit, the id of its content folder's tree (`None` where it does not exist).
    content: HashMap<git2::Oid, Option<git2::Oid>>,
}

impl<'r> Trees<'r> {
    const KEPT: usize = 256;

    fn get(&mut self, id: git2::Oid) -> anyhow::Result<git2::Tree<'r>> {
        if let Some(t) = self.parsed.get(&id) {
            return Ok(t.clone());
        }
        let tree = self.repo.find_tree(id)?;
        if self.parsed.len() >= Self::KEPT {
            self.parsed.clear();
        }
        self.parsed.insert(id, tree.clone());
        Ok(tree)
    }

    /// The id of the content folder's tree in a commit.
    fn content_of(&mut self, commit: &git2::Commit) -> anyhow::Result<Option<git2::Oid>> {
        if let Some(c) = self.content.get(&commit.id()) {
            return Ok(*c);
        }
        let root = commit.tree_id();
        let found = if self.prefix.as_os_str().is_empty() {
            Some(root)
        } else {
            // The entry's id is enough: the tree itself is read only if it changed.
            self.get(root)?
                .get_path(self.prefix)
                .ok()
                .filter(is_tree)
                .map(|e| e.id())
        };
        self.content.insert(commit.id(), found);
        Ok(found)
    }

    /// Files added, modified and deleted between two trees, as (status, path under `base`,
    /// blob: the new one, or the deleted one). Entries are merged in git's order and subtrees
    /// with the same id are skipped unread, so a commit costs what it changed, not the size
    /// of the book.
    fn changes(
        &mut self,
        old: Option<git2::Oid>,
        new: Option<git2::Oid>,
        base: &str,
        out: &mut Vec<(Delta, String, git2::Oid)>,
    ) -> anyhow::Result<()> {
        let old = old.map(|id| self.get(id)).transpose()?;
        let new = new.map(|id| self.get(id)).transpose()?;
        let mut olds = old.iter().flat_map(|t| t.iter()).peekable();
        let mut news = new.iter().flat_map(|t| t.iter()).peekable();
        let join = |e: &git2::TreeEntry| {
            let name = String::from_utf8_lossy(e.name_bytes());
            if base.is_empty() {
                name.into_owned()
            } else {
                format!("{base}/{name}")
            }
        };
        loop {
            let order = match (olds.peek(), news.peek()) {
                (None, None) => break,
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (Some(a), Some(b)) => git_order(a, b),
            };
            match order {
                std::cmp::Ordering::Less => {
                    let gone = olds.next().expect("peeked");
                    if is_tree(&gone) {
                        self.changes(Some(gone.id()), None, &join(&gone), out)?;
                    } else {
                        out.push((Delta::Deleted, join(&gone), gone.id()));
                    }
                }
                std::cmp::Ordering::Greater => {
                    let added = news.next().expect("peeked");
                    if is_tree(&added) {
                        self.changes(None, Some(added.id()), &join(&added), out)?;
                    } else {
                        out.push((Delta::Added, join(&added), added.id()));
                    }
                }
                std::cmp::Ordering::Equal => {
                    let (a, b) = (olds.next().expect("peeked"), news.next().expect("peeked"));
                    if a.id() == b.id() {
                        continue;
                    }
                    if is_tree(&b) {
                        self.changes(Some(a.id()), Some(b.id()), &join(&b), out)?;
                    } else {
                        out.push((Delta::Modified, join(&b), b.id()));
                    }
                }
            }
        }
        Ok(())
    }
}

fn is_tree(e: &git2::TreeEntry) -> bool {
    e.kind() == Some(ObjectType::Tree)
}

/// git's order of tree entries: by name, a tree's name read as if it ended in `/`.
fn git_order(a: &git2::TreeEntry, b: &git2::TreeEntry) -> std::cmp::Ordering {
    let (an, bn) = (a.name_bytes(), b.name_bytes());
    let n = an.len().min(bn.len());
    an[..n].cmp(&bn[..n]).then_with(|| {
        let end = |name: &[u8], e: &git2::TreeEntry| {
            name.get(n)
                .copied()
                .unwrap_or(if is_tree(e) { b'/' } else { 0 })
        };
        end(an, a).cmp(&end(bn, b))
    })
}

/// Renamed files in one commit's changes (new path -> old path): a deleted and an added file
/// with the same content, else the most similar pair sharing at least half their lines (git's
/// default threshold). Commits that add and delete many files are paired by content only.
fn renames(repo: &Repository, changed: &[(Delta, String, git2::Oid)]) -> HashMap<String, String> {
    const SIMILARITY_PAIRS: usize = 400;
    let mut deleted: Vec<(&str, git2::Oid)> = changed
        .iter()
        .filter(|c| c.0 == Delta::Deleted)
        .map(|c| (c.1.as_str(), c.2))
        .collect();
    let added: Vec<(&str, git2::Oid)> = changed
        .iter()
        .filter(|c| c.0 == Delta::Added)
        .map(|c| (c.1.as_str(), c.2))
        .collect();
    let mut found = HashMap::new();
    if deleted.is_empty() || added.is_empty() {
        return found;
    }
    let mut unmatched = Vec::new();
    for (path, id) in added {
        match deleted.iter().position(|d| d.1 == id) {
            Some(i) => {
                found.insert(path.to_string(), deleted.swap_remove(i).0.to_string());
            }
            None => unmatched.push((path, id)),
        }
    }
    if unmatched.len() * deleted.len() > SIMILARITY_PAIRS {
        return found;
    }
    let lines = |id: git2::Oid| -> HashMap<Vec<u8>, usize> {
        let mut counts = HashMap::new();
        if let Ok(blob) = repo.find_blob(id) {
            for line in blob.content().split(|b| *b == b'\n') {
                *counts.entry(line.to_vec()).or_insert(0) += 1;
            }
        }
        counts
    };
    let olds: Vec<(&str, HashMap<Vec<u8>, usize>)> =
        deleted.iter().map(|(p, id)| (*p, lines(*id))).collect();
    let mut taken = vec![false; olds.len()];
    for (path, id) in unmatched {
        let new = lines(id);
        let total_new: usize = new.values().sum();
        let best = olds
            .iter()
            .enumerate()
            .filter(|(i, _)| !taken[*i])
            .map(|(i, (_, old))| {
                let common: usize = new
                    .iter()
                    .map(|(l, n)| (*n).min(old.get(l).copied().unwrap_or(0)))
                    .sum();
                let total = total_new + old.values().sum::<usize>();
                (i, (200 * common).checked_div(total).unwrap_or(0))
            })
            .filter(|(_, score)| *score >= 50)
            .max_by_key(|(i, score)| (*score, std::cmp::Reverse(*i)));
        if let Some((i, _)) = best {
            taken[i] = true;
            found.insert(path.to_string(), olds[i].0.to_string());
        }
    }
    found
}

/// The tree of `folder` (relative to the repository root) in `tree`; `None` where there is no
/// such folder.
pub fn folder_tree<'r>(
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
pub fn commit_at<'r>(repo: &'r Repository, rev: &str) -> anyhow::Result<git2::Commit<'r>> {
    repo.revparse_single(rev)
        .and_then(|o| o.peel_to_commit())
        .map_err(|e| anyhow::anyhow!("cannot find the git revision `{rev}`: {}", e.message()))
}

/// The calendar date of a git time stamp, in the time zone it was recorded in.
pub fn local_date(when: git2::Time) -> NaiveDate {
    let local = when.seconds() + i64::from(when.offset_minutes()) * 60;
    chrono::DateTime::from_timestamp(local, 0)
        .map(|t| t.date_naive())
        .unwrap_or_default()
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
