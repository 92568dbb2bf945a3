//! What one commit changed: its content folder's tree against its parent's, read entry by
//! entry so that unchanged subtrees are skipped, and which added files are renamed deleted
//! ones. Kept apart from the walk because it is git's tree format and rename rule, not
//! policybook's documents.

use std::collections::HashMap;
use std::path::Path;

use git2::{Delta, ObjectType, Repository};

/// Trees read from the repository, kept while consecutive commits share them: a commit's
/// "before" is usually the next commit's "after".
pub(super) struct Trees<'r> {
    pub(super) repo: &'r Repository,
    pub(super) prefix: &'r Path,
    /// Bounded: only the trees of the last few commits are ever asked for again.
    pub(super) parsed: HashMap<git2::Oid, git2::Tree<'r>>,
    /// Per commit, the id of its content folder's tree (`None` where it does not exist).
    pub(super) content: HashMap<git2::Oid, Option<git2::Oid>>,
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
    pub(super) fn content_of(
        &mut self,
        commit: &git2::Commit,
    ) -> anyhow::Result<Option<git2::Oid>> {
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
    pub(super) fn changes(
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
pub(super) fn renames(
    repo: &Repository,
    changed: &[(Delta, String, git2::Oid)],
) -> HashMap<String, String> {
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
