//! A requirement's page: where it sits, what covers it (directly, or derived along crosswalk
//! rows, with the path), and every crosswalk row that names it.

use super::*;
use crate::model::coverage::FrameworkCoverage;

/// One step of a derived path: the requirement reached, and the crosswalk row it was reached
/// by (none for the first, which the document names).
#[derive(Serialize, Hash)]
struct Step<'a> {
    req: ReqRow<'a>,
    /// The row's relationship read in the direction of the path (a `subset` row read from its
    /// `to` end is a `superset` step).
    relationship: Option<&'static str>,
    source: Option<&'a str>,
}

/// An approved document that covers a requirement through crosswalk rows.
#[derive(Serialize, Hash)]
pub(super) struct DerivedDoc<'a> {
    doc: DocRow<'a>,
    steps: Vec<Step<'a>>,
    /// The path as one line: `POL-1 → iso27001-2022 A.5.15 → soc2 CC6.1 (superset, source)`.
    pub(super) text: String,
}

/// The steps from what document `doc` names to `target` along the crosswalk rows `path`.
pub(super) fn derived_doc<'a>(
    model: &'a Model,
    views: &Views<'a>,
    target: ReqRef,
    doc: usize,
    path: &[usize],
) -> DerivedDoc<'a> {
    let links = &model.frameworks.links;
    let mut at = target;
    let mut back: Vec<(ReqRef, usize, bool)> = Vec::with_capacity(path.len());
    for &k in path.iter().rev() {
        let l = &links[k];
        let forward = l.to == at && l.relationship.carries(true);
        back.push((at, k, forward));
        at = if forward { l.from } else { l.to };
    }
    let mut steps = vec![Step {
        req: req_row(model, at),
        relationship: None,
        source: None,
    }];
    for &(to, k, forward) in back.iter().rev() {
        let l = &links[k];
        let relationship = match (l.relationship.as_str(), forward) {
            ("subset", false) => "superset",
            ("superset", false) => "subset",
            (r, _) => r,
        };
        steps.push(Step {
            req: req_row(model, to),
            relationship: Some(relationship),
            source: Some(&l.source),
        });
    }
    let doc = views.docs[doc].clone();
    let mut text = doc.id.to_string();
    for s in &steps {
        text.push_str(&format!(" → {} {}", s.req.framework, s.req.id));
        if let (Some(r), Some(source)) = (s.relationship, s.source) {
            text.push_str(&format!(" ({r}, {source})"));
        }
    }
    DerivedDoc { doc, steps, text }
}

/// A crosswalk row touching a requirement, as written, with what it does for coverage.
#[derive(Serialize, Hash)]
struct Related<'a> {
    from: ReqRow<'a>,
    to: ReqRow<'a>,
    relationship: &'static str,
    source: &'a str,
    /// `both`, `here` (covering the other end covers this one), `there` (covering this one
    /// covers the other) or `none` (an overlap or a relation: not counted).
    carries: &'static str,
}

/// What a requirement's page shows.
#[derive(Serialize, Hash)]
pub(super) struct RequirementShown<'a> {
    framework: FrameworkInfo<'a>,
    /// Its ancestors, outermost first.
    parents: Vec<ReqRow<'a>>,
    requirement: ReqRow<'a>,
    leaf: bool,
    excluded: Option<&'a str>,
    children: Vec<ReqRow<'a>>,
    documents: Vec<DocRow<'a>>,
    derived: Vec<DerivedDoc<'a>>,
    mentions: Vec<DocRow<'a>>,
    related: Vec<Related<'a>>,
}

pub(super) fn requirement_shown<'a>(
    model: &'a Model,
    views: &Views<'a>,
    r: ReqRef,
) -> RequirementShown<'a> {
    let frameworks = &model.frameworks;
    let f = &frameworks.list[r.framework];
    let empty = FrameworkCoverage::default();
    let cov = model.coverage.of_framework(r.framework).unwrap_or(&empty);
    let list = |v: &[Vec<usize>]| v.get(r.requirement).cloned().unwrap_or_default();
    let mut parents = Vec::new();
    let mut at = f.requirements[r.requirement].parent;
    while let Some(p) = at {
        parents.push(req_row(
            model,
            ReqRef {
                requirement: p,
                ..r
            },
        ));
        at = f.requirements[p].parent;
    }
    parents.reverse();
    let documents = &list(&cov.documents);
    let derived = (cov
        .derived
        .get(r.requirement)
        .map_or(&[][..], Vec::as_slice)
        .iter())
    .map(|d| derived_doc(model, views, r, d.document, &d.path))
    .collect();
    let related = (frameworks.links.iter())
        .filter(|l| l.from == r || l.to == r)
        .map(|l| {
            let rel = l.relationship;
            let here = (l.to == r && rel.carries(true)) || (l.from == r && rel.carries(false));
            let there = (l.from == r && rel.carries(true)) || (l.to == r && rel.carries(false));
            Related {
                from: req_row(model, l.from),
                to: req_row(model, l.to),
                relationship: rel.as_str(),
                source: &l.source,
                carries: match (here, there) {
                    (true, true) => "both",
                    (true, false) => "here",
                    (false, true) => "there",
                    (false, false) => "none",
                },
            }
        })
        .collect();
    RequirementShown {
        framework: info(model, r.framework),
        parents,
        requirement: req_row(model, r),
        leaf: cov.leaf.get(r.requirement).copied().unwrap_or(true),
        excluded: frameworks.exclusion(r),
        children: (frameworks.children(r))
            .map(|c| req_row(model, c))
            .collect(),
        documents: views.docs_of(documents),
        derived,
        mentions: views.docs_of(&without(&list(&cov.mentions), documents)),
        related,
    }
}
