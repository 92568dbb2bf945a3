//! What changed in a document since each version of it that was approved before: a word-level
//! redline of its text per earlier approved version, read from git. The page a reading list
//! links, so that a reader who acknowledged version 2.0 sees exactly what to read again.

use super::*;

/// One earlier approved version and the redline from it to today's text.
#[derive(Serialize, Hash)]
struct Since<'a> {
    version: &'a str,
    approved_on: Option<&'a str>,
    commit: &'a str,
    /// `(kind, text)`: `same`, `added` or `removed` words.
    segments: Vec<(&'static str, String)>,
}

/// Words of unchanged text kept around each change.
const CONTEXT_WORDS: usize = 12;

/// The documents that have a changes page, in order: an approved version before today's,
/// in git.
pub(super) fn documents_with_changes(model: &Model) -> Vec<usize> {
    (0..model.documents.len())
        .filter(|&i| !earlier_versions(model, i).is_empty())
        .collect()
}

/// The versions approved before today's text of document `i`, newest first, each with its
/// revision (whose blob holds its text), leaving out those above the build's profile.
fn earlier_versions(
    model: &Model,
    i: usize,
) -> Vec<(crate::history::ApprovedVersion, &crate::history::Revision)> {
    let doc = &model.documents[i].doc;
    let revisions = model.history.of(&doc.rel);
    if revisions.is_empty() {
        return Vec::new();
    }
    let current = (doc.status == crate::document::Status::Approved)
        .then_some(doc.version.as_deref())
        .flatten();
    crate::history::approved_versions(doc, revisions)
        .into_iter()
        .filter(|v| Some(v.version.as_str()) != current)
        .filter_map(|v| {
            let r = revisions
                .iter()
                .find(|r| Some(&r.short) == v.commit.as_ref() && r.blob.is_some())?;
            let profile = model.profile.as_ref();
            crate::profile::publishes(&model.settings, profile, r.classification.as_deref())
                .then_some((v, r))
        })
        .collect()
}

/// The Markdown body of `text` (a document file), as the build's profile publishes it.
fn body_of(model: &Model, text: &str) -> String {
    let body = crate::load::front_matter::split(text, 0).map_or(text, |s| s.body);
    crate::profile::published_body(&model.settings, model.profile.as_ref(), body)
}

/// `changes/<page>`: the redlines of document `i`.
pub(super) fn changes_page(model: &Model, views: &Views, i: usize) -> Page {
    let doc = &model.documents[i].doc;
    let content_dir = model.settings.content_dir();
    let current = std::fs::read_to_string(content_dir.join(&doc.rel)).unwrap_or_default();
    let current = body_of(model, &current);
    let repo = crate::history::repository(&content_dir).ok().flatten();
    let versions = earlier_versions(model, i);
    let since: Vec<Since> = versions
        .iter()
        .map(|(v, r)| {
            let old = (repo.as_ref())
                .zip(r.blob.as_deref())
                .and_then(|(repo, blob)| {
                    let oid = git2::Oid::from_str(blob).ok()?;
                    let blob = repo.find_blob(oid).ok()?;
                    Some(String::from_utf8_lossy(blob.content()).into_owned())
                })
                .unwrap_or_default();
            let segments = crate::diff::redline(&body_of(model, &old), &current);
            Since {
                version: &v.version,
                approved_on: v.approved_on.as_deref(),
                commit: &r.short,
                segments: crate::diff::with_context(&segments, CONTEXT_WORDS)
                    .into_iter()
                    .filter(|s| !s.text.is_empty())
                    .map(|s| {
                        let kind = match s.kind {
                            crate::diff::Kind::Same => "same",
                            crate::diff::Kind::Added => "added",
                            crate::diff::Kind::Removed => "removed",
                        };
                        (kind, s.text)
                    })
                    .collect(),
            }
        })
        .collect();
    let mut data = Data::new(views.keyed);
    data.insert("doc", &views.docs[i]);
    data.insert("since", &since);
    Page {
        path: changes_file(&doc.rel),
        template: "changes.html",
        nav: "documents",
        title: (model.settings.strings).text(
            "changes.page_title",
            &[("id", &doc.id), ("title", &doc.title)],
        ),
        data,
    }
}

/// Where a document's changes page is.
pub(super) fn changes_file(rel: &std::path::Path) -> String {
    format!("changes/{}", paths::document_file(rel))
}
