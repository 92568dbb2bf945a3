//! Rules over the resolved model: problems that are not parse or reference errors.
//!
//! Each rule is one small function from `&Model` to diagnostics, so each can be tested and
//! reasoned about alone. Reference resolution lives in [`crate::model`], where the indices are.

use std::collections::HashMap;

use crate::diagnostic::Code;
use crate::diagnostic::{display_path, Diagnostic, Sources, Span};
use crate::document::{DocKind, Status};
use crate::model::redirects::Origin;
use crate::model::Model;

mod registers;

/// Runs every rule. The book-wide gaps (uncovered clauses and controls, missing documented
/// information, drafts) are left out while the book has errors: they would bury the errors,
/// and are often caused by them.
pub(crate) fn run(model: &Model, sources: &Sources, book_has_errors: bool) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // A profile's model holds part of the book: the SoA and coverage are the whole book's
    // business, checked by its full build.
    let whole_book = model.profile.is_none();
    untraced_documents(model, &mut out);
    approved_without_control_fields(model, &mut out);
    unportable_names(model, &mut out);
    colliding_pages(model, &mut out);
    colliding_redirects(model, sources, &mut out);
    if whole_book {
        statement_of_applicability(model, &mut out);
    }
    overdue_reviews(model, &mut out);
    registers::run(model, &mut out);
    if !book_has_errors && whole_book {
        gaps(model, &mut out);
        uncovered_requirements(model, sources, &mut out);
    }
    out
}

/// Per framework of `[frameworks] use`: its requirements that nothing covers or excludes.
/// Frameworks a document merely names are mapped, not answered to: they get no warning.
fn uncovered_requirements(model: &Model, sources: &Sources, out: &mut Vec<Diagnostic>) {
    use crate::model::coverage::State;
    let frameworks = &model.frameworks;
    for &fw in &frameworks.declared {
        let Some(coverage) = model.coverage.of_framework(fw) else {
            continue;
        };
        let f = &frameworks.list[fw];
        let ids: Vec<&str> = (coverage.state.iter().enumerate())
            .filter(|&(i, s)| coverage.leaf[i] && *s == State::Uncovered)
            .map(|(i, _)| f.requirements[i].id.as_str())
            .collect();
        if ids.is_empty() {
            continue;
        }
        const SHOWN: usize = 12;
        let more = match ids.len().saturating_sub(SHOWN) {
            0 => String::new(),
            n => format!(" and {n} more"),
        };
        out.push(
            Diagnostic::warning(
                Code::UncoveredRequirements,
                format!(
                    "{} of the {} requirements of {} are covered by no approved document: {}{more}",
                    ids.len(),
                    coverage.leaf.iter().filter(|l| **l).count(),
                    f.name,
                    ids[..ids.len().min(SHOWN)].join(", "),
                ),
            )
            .at_opt(
                model
                    .settings
                    .table_key_span(sources, Some("frameworks"), "use"),
            )
            .hint(format!(
                "list them as `{}:<id>` under `controls` of the approved documents that \
                 address them, map them from ISO controls in `crosswalks/`, or exclude them \
                 with a reason under [frameworks.excluded]; the gaps page lists them all",
                f.id,
            )),
        );
    }
}

/// Decisions in soa.yaml that contradict the documents or lack a justification (6.1.3 d).
fn statement_of_applicability(model: &Model, out: &mut Vec<Diagnostic>) {
    let soa = &model.soa;
    let g = &model.gaps;
    let control = |c: usize| &model.catalog.controls[c];
    let span = |c: usize| soa.decisions[c].as_ref().and_then(|d| d.span.clone());
    for &c in &g.unjustified_exclusions {
        out.push(
            Diagnostic::error(
                Code::SoaMissingJustification,
                format!("{} is excluded without a justification", control(c).id),
            )
            .at_opt(span(c))
            .hint("add `justification:` saying why the control does not apply (clause 6.1.3 d)"),
        );
    }
    for (c, docs) in &g.excluded_but_addressed {
        let id = &control(*c).id;
        let mut d = Diagnostic::error(
            Code::SoaExcludedButAddressed,
            format!("{id} is excluded in soa.yaml, but approved documents say they implement it"),
        )
        .at_opt(span(*c))
        .hint("make it applicable, or remove it from those documents' `controls`");
        for &doc in docs {
            let n = &model.documents[doc].doc;
            if let Some(r) = n.controls.iter().find(|r| &r.target == id) {
                d = d.note(r.span.clone(), format!("{} lists {id}", n.id));
            }
        }
        out.push(d);
    }
    for (c, decision) in soa.decisions.iter().enumerate() {
        if let Some(d) = decision {
            if d.applicable && d.justification.is_none() {
                out.push(
                    Diagnostic::warning(Code::SoaMissingJustification, format!("{} is applicable but has no justification", control(c).id))
                        .at_opt(d.span.clone())
                        .hint("say why it is included: risk assessment, legal, contractual or business need"),
                );
            }
        }
    }
    let Some(file) = soa.file else {
        return;
    };
    for &c in &g.uncovered_controls {
        if soa.decisions[c].is_some() {
            out.push(
                Diagnostic::warning(
                    Code::SoaUncovered,
                    format!(
                        "{} is applicable, but no approved document addresses it",
                        control(c).id
                    ),
                )
                .at_opt(span(c))
                .hint(format!(
                    "list {} under `controls` in the approved document that implements it",
                    control(c).id
                )),
            );
        }
    }
    if !g.undecided.is_empty() {
        let ids: Vec<&str> = g
            .undecided
            .iter()
            .map(|&c| control(c).id.as_str())
            .collect();
        let (message, hint) = match ids.as_slice() {
            [one] => (
                format!("{one} {} has no decision in soa.yaml", control(g.undecided[0]).title),
                format!("add `{one}: {{ applicable: true, justification: ..., status: ... }}` under `controls`"),
            ),
            _ => (
                format!("{} controls have no decision in soa.yaml: {}", ids.len(), ids.join(", ")),
                "add an entry under `controls` for each: `A.x.y: { applicable: true, justification: ..., status: ... }`".to_string(),
            ),
        };
        out.push(
            Diagnostic::warning(Code::SoaUndecided, message)
                .at(soa
                    .controls_span
                    .clone()
                    .unwrap_or(Span { file, range: 0..0 }))
                .hint(hint),
        );
    }
}

/// Documents in force past their review date (A.5.1 asks for reviews at planned intervals).
fn overdue_reviews(model: &Model, out: &mut Vec<Diagnostic>) {
    let g = &model.gaps;
    for &i in &g.overdue {
        let d = &model.documents[i].doc;
        let due = d.review_by.map(|x| x.to_string()).unwrap_or_default();
        out.push(
            Diagnostic::warning(
                Code::ReviewOverdue,
                format!(
                    "`{}` was due for review on {due} (as of {})",
                    d.id, model.as_of
                ),
            )
            .at(d.review_span.clone())
            .hint(
                if d.last_reviewed.is_some() || d.review_interval.is_some() {
                    "review the document and set `last_reviewed` to the date of the review"
                } else {
                    "review the document and set a new `review_by`"
                },
            ),
        );
    }
}

/// What an auditor would ask about: uncovered clauses, missing documented information,
/// overdue reviews and documents not yet approved.
fn gaps(model: &Model, out: &mut Vec<Diagnostic>) {
    let g = &model.gaps;
    let required: Vec<&str> = g
        .missing_information
        .iter()
        .map(|&i| crate::model::gaps::REQUIRED_INFORMATION[i].0)
        .collect();
    for &c in &g.uncovered_clauses {
        let clause = &model.catalog.clauses[c];
        if required.contains(&clause.id.as_str()) {
            continue; // reported below, with what the clause requires
        }
        out.push(
            Diagnostic::warning(
                Code::UncoveredClause,
                format!(
                    "clause {} {} is addressed by no document",
                    clause.id, clause.title
                ),
            )
            .hint(format!(
                "list \"{}\" under `clauses` in the documents that address it",
                clause.id
            )),
        );
    }
    for &i in &g.missing_information {
        let (clause, what) = crate::model::gaps::REQUIRED_INFORMATION[i];
        out.push(
            Diagnostic::warning(
                Code::MissingDocumentedInformation,
                format!("clause {clause} requires documented information ({what}), and no document provides it"),
            )
            .hint(format!("add \"{clause}\" to `clauses` of the document that holds it, or write one")),
        );
    }
    if model.soa.is_derived() && !g.uncovered_controls.is_empty() {
        let ids: Vec<&str> = g
            .uncovered_controls
            .iter()
            .map(|&c| model.catalog.controls[c].id.as_str())
            .collect();
        out.push(
            Diagnostic::warning(
                Code::UncoveredControls,
                format!(
                    "{} Annex A controls are addressed by no approved document: {}",
                    ids.len(),
                    ids.join(", ")
                ),
            )
            .hint(
                "there is no soa.yaml, so every control counts as applicable; \
                 record exclusions in soa.yaml, or address the controls in approved documents",
            ),
        );
    }
    if !g.drafts.is_empty() {
        let ids: Vec<String> = g
            .drafts
            .iter()
            .map(|&i| {
                let d = &model.documents[i].doc;
                format!("{} ({})", d.id, d.status)
            })
            .collect();
        out.push(Diagnostic::note_level(
            Code::NotApproved,
            format!(
                "{} not approved yet: {}",
                plural(ids.len(), "document is", "documents are"),
                first_of(
                    &ids,
                    LISTED,
                    "the gaps page and exports/gaps.csv list them all"
                )
            ),
        ));
    }
}

/// Ids named in one note before the rest are counted: a line that names thousands helps no one.
const LISTED: usize = 10;

/// The first `max` of `ids`, then how many more and where to find them.
fn first_of(ids: &[String], max: usize, where_all: &str) -> String {
    if ids.len() <= max {
        return ids.join(", ");
    }
    format!(
        "{}, and {} more ({where_all})",
        ids[..max].join(", "),
        ids.len() - max
    )
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Documents and files whose path holds a name that Windows cannot hold (see
/// [`crate::paths::unportable_name`]): the site and its bundle could not be copied or unzipped
/// there.
fn unportable_names(model: &Model, out: &mut Vec<Diagnostic>) {
    let content = &model.settings.config.build.content_dir;
    let docs = model.documents.iter().map(|n| {
        let span = Span {
            file: n.doc.file,
            range: 0..0,
        };
        (&n.doc.rel, Some(span))
    });
    let assets = model.assets.iter().map(|a| (&a.rel, None));
    for (rel, span) in docs.chain(assets) {
        let found = rel.components().find_map(|c| {
            let name = c.as_os_str().to_string_lossy();
            crate::paths::unportable_name(&name).map(|why| (name.into_owned(), why))
        });
        let Some((name, why)) = found else {
            continue;
        };
        let shown = display_path(&content.join(rel));
        out.push(
            Diagnostic::error(
                Code::UnportableName,
                format!(
                    "{shown} cannot be published: `{name}` is not a portable file name ({why})"
                ),
            )
            .at_opt(span)
            .hint(format!(
                "rename `{name}` so the site and its bundle can be opened on Windows too"
            )),
        );
    }
}

/// Two sources that would be written to the same file (`a.md` and `a.markdown`, an asset
/// `a.html` beside `a.md`, names that differ only in case, which collide on macOS and Windows,
/// or `café.md` in NFC and NFD, which are the same name on macOS and one page in the site):
/// one would silently replace the other.
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
                    Code::PageCollision,
                    format!("{source} and {first} would both be written to {page} (names that differ only in case or Unicode form collide on many systems)"),
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

/// A redirect (an alias in front matter, or `[output.html.redirect]`) at a path that a page, a
/// file or another redirect of the site already takes: it would replace what is there.
fn colliding_redirects(model: &Model, sources: &Sources, out: &mut Vec<Diagnostic>) {
    let settings = &model.settings;
    for r in model.redirects() {
        let Some(first) = &r.taken_by else { continue };
        let span = match r.origin {
            Origin::Alias { span } => Some(span.clone()),
            Origin::Config(from) => {
                settings.table_key_span(sources, Some("output.html.redirect"), from)
            }
        };
        out.push(
            Diagnostic::error(
                Code::PageCollision,
                format!(
                    "{} would be written to {}, which is {first}",
                    r.what, r.path
                ),
            )
            .at_opt(span)
            .hint("remove the redirect, or give it the old path of a page that no longer exists"),
        );
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
                Diagnostic::warning(Code::UntracedDocument, format!("`{}` addresses no clause and no control", d.id))
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
                    Code::MissingApprover,
                    format!("`{}` is approved but names no approver", d.id),
                )
                .at(d.id_span.clone())
                .hint("add `approver:` with the role that approved it"),
            );
        }
        if d.approved_on.is_none() {
            out.push(
                Diagnostic::warning(
                    Code::MissingApprovalDate,
                    format!("`{}` is approved but has no approval date", d.id),
                )
                .at(d.id_span.clone())
                .hint("add `approved_on: YYYY-MM-DD` with the date it was approved"),
            );
        }
        if d.version.is_none() {
            out.push(
                Diagnostic::warning(
                    Code::MissingVersion,
                    format!("`{}` is approved but has no version", d.id),
                )
                .at(d.id_span.clone())
                .hint("add `version: \"1.0\"` (in quotes)"),
            );
        }
    }
}

#[cfg(test)]
mod tests;
