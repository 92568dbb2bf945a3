//! What changed in the ISMS between two states of a book: documents added, removed and
//! changed (front matter field by field, body word by word), the clauses and Annex A controls
//! whose coverage changed, and the SoA decisions that changed. Built from two models, so it
//! speaks of the ISMS, not of lines of text.

mod registers;
pub(crate) mod report;

pub(crate) use registers::RegisterChange;

use std::collections::BTreeMap;

use serde::Serialize;
use similar::{DiffTag, TextDiff};

use crate::diagnostic::Sources;
use crate::model::Model;

/// One side of the comparison, as built by the ordinary pipeline.
pub(crate) struct Side<'a> {
    /// How the user named it: a revision, or "working tree".
    pub label: String,
    pub model: &'a Model,
    pub sources: &'a Sources,
    /// Errors in the book at this side (the comparison is still made from what could be read).
    pub errors: usize,
}

#[derive(Debug, Serialize)]
pub(crate) struct BookDiff {
    pub from: String,
    pub to: String,
    pub from_errors: usize,
    pub to_errors: usize,
    pub added: Vec<DocSummary>,
    pub removed: Vec<DocSummary>,
    pub changed: Vec<DocChange>,
    pub clauses: Vec<CoverageChange>,
    pub controls: Vec<CoverageChange>,
    pub soa: Vec<SoaChange>,
    /// Risks and exceptions added, removed, changed or expired.
    pub registers: Vec<RegisterChange>,
}

impl BookDiff {
    pub(crate) fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.changed.is_empty()
            && self.clauses.is_empty()
            && self.controls.is_empty()
            && self.soa.is_empty()
            && self.registers.is_empty()
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct DocSummary {
    pub id: String,
    pub title: String,
    pub path: String,
    pub version: Option<String>,
    pub status: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct DocChange {
    pub id: String,
    pub title: String,
    pub path: String,
    /// The file's path before, when the document moved.
    pub moved_from: Option<String>,
    pub fields: Vec<FieldChange>,
    /// The body, word by word; empty when the body did not change.
    pub redline: Vec<Segment>,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub(crate) struct FieldChange {
    pub field: &'static str,
    pub before: String,
    pub after: String,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Kind {
    Same,
    Removed,
    Added,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub(crate) struct Segment {
    pub kind: Kind,
    pub text: String,
}

/// A clause or control whose addressing documents or coverage changed.
#[derive(Debug, Serialize)]
pub(crate) struct CoverageChange {
    pub id: String,
    pub title: String,
    pub gained: Vec<String>,
    pub lost: Vec<String>,
    /// Covered by a document in force, before and after.
    pub covered_before: bool,
    pub covered_after: bool,
}

#[derive(Debug, Serialize)]
pub(crate) struct SoaChange {
    pub control: String,
    pub title: String,
    pub fields: Vec<FieldChange>,
}

/// Compares two states of a book.
pub(crate) fn compare(from: &Side, to: &Side) -> BookDiff {
    let a = from.model;
    let b = to.model;
    let mut diff = BookDiff {
        from: from.label.clone(),
        to: to.label.clone(),
        from_errors: from.errors,
        to_errors: to.errors,
        added: Vec::new(),
        removed: Vec::new(),
        changed: Vec::new(),
        clauses: Vec::new(),
        controls: Vec::new(),
        soa: Vec::new(),
        registers: registers::compare(from.model, to.model),
    };
    let ids = |m: &Model| -> BTreeMap<String, usize> {
        m.documents
            .iter()
            .enumerate()
            .map(|(i, n)| (n.doc.id.clone(), i))
            .collect()
    };
    let (ids_a, ids_b) = (ids(a), ids(b));
    for (id, &i) in &ids_a {
        if !ids_b.contains_key(id) {
            diff.removed.push(summary(a, i));
        }
    }
    for (id, &j) in &ids_b {
        let Some(&i) = ids_a.get(id) else {
            diff.added.push(summary(b, j));
            continue;
        };
        let (da, db) = (&a.documents[i].doc, &b.documents[j].doc);
        let fields = field_changes(&doc_fields(a, i), &doc_fields(b, j));
        let (body_a, body_b) = (da.body(from.sources), db.body(to.sources));
        let redline = if body_a == body_b {
            Vec::new()
        } else {
            redline(body_a, body_b)
        };
        let moved_from = (da.rel != db.rel).then(|| path_of(a, i));
        if !fields.is_empty() || !redline.is_empty() || moved_from.is_some() {
            diff.changed.push(DocChange {
                id: id.clone(),
                title: db.title.clone(),
                path: path_of(b, j),
                moved_from,
                fields,
                redline,
            });
        }
    }
    let catalog = &b.catalog;
    for (c, clause) in catalog.clauses.iter().enumerate() {
        if let Some(change) = coverage(
            &clause.id,
            &clause.title,
            (a, &a.clause_docs[c], a.clause_covered(c)),
            (b, &b.clause_docs[c], b.clause_covered(c)),
        ) {
            diff.clauses.push(change);
        }
    }
    for (c, control) in catalog.controls.iter().enumerate() {
        if let Some(change) = coverage(
            &control.id,
            &control.title,
            (a, &a.control_docs[c], a.control_covered(c)),
            (b, &b.control_docs[c], b.control_covered(c)),
        ) {
            diff.controls.push(change);
        }
        let fields = field_changes(
            &decision_fields(&a.soa.decisions[c]),
            &decision_fields(&b.soa.decisions[c]),
        );
        if !fields.is_empty() {
            diff.soa.push(SoaChange {
                control: control.id.clone(),
                title: control.title.clone(),
                fields,
            });
        }
    }
    diff
}

fn path_of(m: &Model, i: usize) -> String {
    m.settings
        .config
        .build
        .content_dir
        .join(&m.documents[i].doc.rel)
        .to_string_lossy()
        .replace('\\', "/")
}

fn summary(m: &Model, i: usize) -> DocSummary {
    let d = &m.documents[i].doc;
    DocSummary {
        id: d.id.clone(),
        title: d.title.clone(),
        path: path_of(m, i),
        version: d.version.clone(),
        status: d.status.as_str().to_string(),
    }
}

/// The front-matter fields a reviewer cares about, as text.
fn doc_fields(m: &Model, i: usize) -> Vec<(&'static str, String)> {
    let d = &m.documents[i].doc;
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let date = |v: Option<chrono::NaiveDate>| v.map(|d| d.to_string()).unwrap_or_default();
    let refs = |r: &[crate::document::Ref]| {
        let mut v: Vec<&str> = r.iter().map(|x| x.target.as_str()).collect();
        v.sort_unstable();
        v.join(", ")
    };
    vec![
        ("title", d.title.clone()),
        (
            "type",
            d.kind.map(|k| k.as_str().to_string()).unwrap_or_default(),
        ),
        ("version", opt(&d.version)),
        ("status", d.status.as_str().to_string()),
        ("owner", opt(&d.owner)),
        ("approver", opt(&d.approver)),
        ("approved_on", date(d.approved_on)),
        ("classification", opt(&d.classification)),
        ("effective", date(d.effective)),
        ("review due", date(d.review_by)),
        ("clauses", refs(&d.clauses)),
        ("controls", refs(&d.controls)),
        ("related", refs(&d.related)),
    ]
}

fn decision_fields(d: &Option<crate::model::soa::Decision>) -> Vec<(&'static str, String)> {
    let Some(d) = d else {
        return vec![("decision", String::new())];
    };
    vec![
        ("decision", "recorded".to_string()),
        (
            "applicable",
            if d.applicable { "yes" } else { "no" }.to_string(),
        ),
        (
            "status",
            d.status.map(|s| s.as_str().to_string()).unwrap_or_default(),
        ),
        ("justification", d.justification.clone().unwrap_or_default()),
        ("owner", d.owner.clone().unwrap_or_default()),
    ]
}

fn field_changes(a: &[(&'static str, String)], b: &[(&'static str, String)]) -> Vec<FieldChange> {
    a.iter()
        .zip(b)
        .filter(|((_, x), (_, y))| x != y)
        .map(|((field, before), (_, after))| FieldChange {
            field,
            before: before.clone(),
            after: after.clone(),
        })
        .collect()
}

fn coverage(
    id: &str,
    title: &str,
    (a, docs_a, covered_a): (&Model, &[usize], bool),
    (b, docs_b, covered_b): (&Model, &[usize], bool),
) -> Option<CoverageChange> {
    let names = |m: &Model, docs: &[usize]| -> Vec<String> {
        let mut v: Vec<String> = docs
            .iter()
            .map(|&i| m.documents[i].doc.id.clone())
            .collect();
        v.sort();
        v
    };
    let (before, after) = (names(a, docs_a), names(b, docs_b));
    let gained: Vec<String> = after
        .iter()
        .filter(|x| !before.contains(x))
        .cloned()
        .collect();
    let lost: Vec<String> = before
        .iter()
        .filter(|x| !after.contains(x))
        .cloned()
        .collect();
    (!gained.is_empty() || !lost.is_empty() || covered_a != covered_b).then(|| CoverageChange {
        id: id.to_string(),
        title: title.to_string(),
        gained,
        lost,
        covered_before: covered_a,
        covered_after: covered_b,
    })
}

/// Changed runs of lines are compared word by word up to this many words (both sides).
const WORD_DIFF_LIMIT: usize = 20_000;

/// A word-level redline: lines are compared first (fast on long documents), then the words
/// of each replaced run of lines, so the result reads like a track-changes view.
///
/// Diffing is quadratic at worst (two long texts with nothing in common), so the line diff
/// has a time limit, past which it settles for a coarser result, and runs of changed lines
/// longer than `WORD_DIFF_LIMIT` words are shown as removed and added whole.
pub(crate) fn redline(old: &str, new: &str) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    let lines = TextDiff::configure()
        .timeout(std::time::Duration::from_secs(2))
        .diff_lines(old, new);
    let old_lines: Vec<&str> = lines.iter_old_slices().collect();
    let new_lines: Vec<&str> = lines.iter_new_slices().collect();
    for op in lines.ops() {
        let (tag, a, b) = op.as_tag_tuple();
        let before: String = old_lines[a].concat();
        let after: String = new_lines[b].concat();
        match tag {
            DiffTag::Equal => push(&mut out, Kind::Same, &before),
            DiffTag::Delete => push(&mut out, Kind::Removed, &before),
            DiffTag::Insert => push(&mut out, Kind::Added, &after),
            DiffTag::Replace
                if before.split_whitespace().count() + after.split_whitespace().count()
                    > WORD_DIFF_LIMIT =>
            {
                push(&mut out, Kind::Removed, &before);
                push(&mut out, Kind::Added, &after);
            }
            DiffTag::Replace => {
                let words = TextDiff::from_words(before.as_str(), after.as_str());
                for change in words.iter_all_changes() {
                    let kind = match change.tag() {
                        similar::ChangeTag::Equal => Kind::Same,
                        similar::ChangeTag::Delete => Kind::Removed,
                        similar::ChangeTag::Insert => Kind::Added,
                    };
                    push(&mut out, kind, change.value());
                }
            }
        }
    }
    out
}

fn push(out: &mut Vec<Segment>, kind: Kind, text: &str) {
    if text.is_empty() {
        return;
    }
    match out.last_mut() {
        Some(last) if last.kind == kind => last.text.push_str(text),
        _ => out.push(Segment {
            kind,
            text: text.to_string(),
        }),
    }
}

/// Shortens unchanged runs to the words next to a change, so a one-word edit in a long
/// policy shows as one line, not the whole policy.
pub(crate) fn with_context(segments: &[Segment], words: usize) -> Vec<Segment> {
    let n = segments.len();
    segments
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let count = s.text.split_whitespace().count();
            let text = match (s.kind, i == 0, i + 1 == n) {
                (Kind::Same, true, true) => String::new(),
                (Kind::Same, true, false) if count > words => {
                    format!("… {}", tail(&s.text, words).trim_start())
                }
                (Kind::Same, false, true) if count > words => {
                    format!("{} …", head(&s.text, words).trim_end())
                }
                (Kind::Same, false, false) if count > 2 * words => format!(
                    "{} … {}",
                    head(&s.text, words).trim_end(),
                    tail(&s.text, words).trim_start()
                ),
                _ => s.text.clone(),
            };
            Segment { kind: s.kind, text }
        })
        .collect()
}

/// The start of `text` up to the end of its `n`th word.
fn head(text: &str, n: usize) -> &str {
    let mut seen = 0;
    let mut in_word = false;
    for (at, c) in text.char_indices() {
        if c.is_whitespace() {
            if in_word {
                seen += 1;
                if seen == n {
                    return &text[..at];
                }
            }
            in_word = false;
        } else {
            in_word = true;
        }
    }
    text
}

/// The end of `text` from the start of its `n`th word from the end.
fn tail(text: &str, n: usize) -> &str {
    let mut seen = 0;
    let mut in_word = false;
    for (at, c) in text.char_indices().rev() {
        if c.is_whitespace() {
            if in_word {
                seen += 1;
                if seen == n {
                    return &text[at + c.len_utf8()..];
                }
            }
            in_word = false;
        } else {
            in_word = true;
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(s: &[Segment]) -> String {
        s.iter()
            .map(|s| match s.kind {
                Kind::Same => s.text.clone(),
                Kind::Removed => format!("[-{}-]", s.text),
                Kind::Added => format!("{{+{}+}}", s.text),
            })
            .collect()
    }

    #[test]
    fn redline_marks_changed_words_only() {
        let r = redline(
            "Passwords are 12 characters.\nKeep this line.\n",
            "Passwords are 14 characters.\nKeep this line.\nA new line.\n",
        );
        assert_eq!(
            show(&r),
            "Passwords are [-12-]{+14+} characters.\nKeep this line.\n{+A new line.\n+}"
        );
        assert!(redline("same\n", "same\n")
            .iter()
            .all(|s| s.kind == Kind::Same));
    }

    #[test]
    fn long_rewritten_runs_are_shown_removed_and_added_whole() {
        // Words from a small vocabulary in different orders: many matches, no alignment.
        let words = |seed: u64| -> String {
            let mut x = seed;
            (0..30_000)
                .map(|i| {
                    x = x
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    let w = format!("w{}", (x >> 33) % 50);
                    if i % 10 == 9 {
                        w + "\n"
                    } else {
                        w + " "
                    }
                })
                .collect()
        };
        let (old, new) = (words(1), words(2));
        let r = redline(&old, &new);
        let removed: String = r
            .iter()
            .filter(|s| s.kind == Kind::Removed)
            .map(|s| s.text.as_str())
            .collect();
        let added: String = r
            .iter()
            .filter(|s| s.kind == Kind::Added)
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!((removed, added), (old, new));
    }

    #[test]
    fn context_keeps_the_words_around_a_change() {
        let long = "a ".repeat(100);
        let r = redline(&format!("{long}old {long}"), &format!("{long}new {long}"));
        let shown = show(&with_context(&r, 3));
        assert_eq!(shown, "… a a a [-old-]{+new+} a a a …");
    }
}
