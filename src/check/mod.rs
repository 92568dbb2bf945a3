//! Rules over the resolved model: problems that are not parse or reference errors.
//!
//! Each rule is one small function from `&Model` to diagnostics, so each can be tested and
//! reasoned about alone. Reference resolution lives in [`crate::model`], where the indices are.

use std::collections::HashMap;

use crate::diagnostic::{display_path, Diagnostic};
use crate::document::{DocKind, Status};
use crate::model::Model;

/// Runs every rule.
pub fn run(model: &Model) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    untraced_documents(model, &mut out);
    approved_without_control_fields(model, &mut out);
    colliding_pages(model, &mut out);
    out
}

/// Two sources that would be written to the same file (`a.md` and `a.markdown`, an asset
/// `a.html` beside `a.md`, or names that differ only in case, which collide on macOS and
/// Windows): one would silently replace the other.
fn colliding_pages(model: &Model, out: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<String, String> = HashMap::new();
    let content = &model.settings.config.build.content_dir;
    let assets = model.assets.iter().map(|a| {
        (
            crate::paths::asset_file(&a.rel),
            display_path(&content.join(&a.rel)),
            None,
        )
    });
    let pages = model.documents.iter().map(|n| {
        (
            n.page.clone(),
            display_path(&content.join(&n.doc.rel)),
            Some(n.doc.id_span.clone()),
        )
    });
    for (page, source, span) in pages.chain(assets) {
        match seen.get(&page.to_lowercase()) {
            Some(first) => out.push(
                Diagnostic::error(
                    "page-collision",
                    format!("{source} and {first} would both be written to {page} (names that differ only in case collide on many systems)"),
                )
                .at_opt(span)
                .hint("rename one of the two files"),
            ),
            None => {
                seen.insert(page.to_lowercase(), source);
            }
        }
    }
}

/// A policy, standard, procedure or plan that names no clause and no control is invisible in
/// every traceability matrix: the auditor cannot tell what it is for.
fn untraced_documents(model: &Model, out: &mut Vec<Diagnostic>) {
    for n in &model.documents {
        let d = &n.doc;
        let exempt = matches!(d.kind, Some(DocKind::Record | DocKind::Guideline))
            || d.status == Status::Retired;
        if !exempt && d.clauses.is_empty() && d.controls.is_empty() {
            out.push(
                Diagnostic::warning("untraced-document", format!("`{}` addresses no clause and no control", d.id))
                    .at(d.id_span.clone())
                    .hint("add `clauses:` or `controls:` to its front matter, so it appears in the traceability matrices"),
            );
        }
    }
}

/// Clause 7.5.3 asks for version control and approval of documented information.
fn approved_without_control_fields(model: &Model, out: &mut Vec<Diagnostic>) {
    for n in &model.documents {
        let d = &n.doc;
        if d.status != Status::Approved {
            continue;
        }
        if d.approver.is_none() {
            out.push(
                Diagnostic::warning(
                    "missing-approver",
                    format!("`{}` is approved but names no approver", d.id),
                )
                .at(d.id_span.clone())
                .hint("add `approver:` with the role that approved it"),
            );
        }
        if d.version.is_none() {
            out.push(
                Diagnostic::warning(
                    "missing-version",
                    format!("`{}` is approved but has no version", d.id),
                )
                .at(d.id_span.clone())
                .hint("add `version: \"1.0\"` (in quotes)"),
            );
        }
    }
}
