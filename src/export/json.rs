//! `model.json`: the whole model (documents, clauses, controls, SoA, links) for other tools.
//! Its shape is documented in the README; `schema` is bumped when it changes.

use serde::Serialize;

use crate::catalog::registry::ReqRef;
use crate::model::coverage::State;
use crate::model::Model;

#[derive(Serialize)]
struct Export<'a> {
    schema: u32,
    generator: String,
    edition: &'a str,
    as_of: String,
    book: Book<'a>,
    documents: Vec<Document<'a>>,
    clauses: Vec<Clause<'a>>,
    controls: Vec<Control<'a>>,
    soa: Soa<'a>,
    /// The frameworks the book uses besides ISO/IEC 27001:2022.
    frameworks: Vec<FrameworkOut<'a>>,
    /// The crosswalk rows that touch them.
    crosswalk: Vec<LinkOut<'a>>,
    /// The risk register and the exceptions register (schema 3), for a book that keeps them.
    #[serde(skip_serializing_if = "Option::is_none")]
    risks: Option<Vec<super::risks::RiskOut<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    exceptions: Option<Vec<super::risks::ExceptionOut<'a>>>,
}

#[derive(Serialize)]
struct FrameworkOut<'a> {
    id: &'a str,
    name: &'a str,
    version: &'a str,
    publisher: &'a str,
    licence: &'a str,
    /// Defined by the book's `frameworks/` (not built in).
    own: bool,
    /// Listed in `[frameworks] use`.
    declared: bool,
    requirements: Vec<RequirementOut<'a>>,
}

#[derive(Serialize)]
struct RequirementOut<'a> {
    id: &'a str,
    title: Option<&'a str>,
    kind: &'a str,
    parent: Option<&'a str>,
    state: State,
    documents: Vec<&'a str>,
    derived: Vec<DerivedOut<'a>>,
    excluded: Option<&'a str>,
}

#[derive(Serialize)]
struct DerivedOut<'a> {
    document: &'a str,
    /// Qualified ids from the requirement the document names to this one.
    path: Vec<String>,
}

#[derive(Serialize)]
struct LinkOut<'a> {
    from: String,
    to: String,
    relationship: &'a str,
    source: &'a str,
}

#[derive(Serialize)]
struct Book<'a> {
    title: &'a str,
    organization: Option<&'a str>,
}

#[derive(Serialize)]
struct Document<'a> {
    id: &'a str,
    title: &'a str,
    #[serde(rename = "type")]
    kind: Option<&'a str>,
    status: &'a str,
    version: Option<&'a str>,
    owner: Option<&'a str>,
    approver: Option<&'a str>,
    classification: Option<&'a str>,
    effective: Option<String>,
    approved_on: Option<String>,
    last_reviewed: Option<String>,
    review_interval: Option<String>,
    /// When the next review is due (written, or computed from the interval).
    review_by: Option<String>,
    tags: &'a [String],
    source: String,
    page: &'a str,
    clauses: Vec<&'a str>,
    controls: Vec<&'a str>,
    /// Requirements of other frameworks, qualified (`nist-csf-2.0:PR.AA-01`).
    requirements: Vec<String>,
    related: Vec<&'a str>,
    /// Documents whose body or `related` links here.
    referenced_by: Vec<&'a str>,
    /// Clauses and controls the body links to with `[[...]]`.
    mentions: Vec<String>,
}

#[derive(Serialize)]
struct Clause<'a> {
    id: &'a str,
    title: &'a str,
    parent: Option<&'a str>,
    documents: Vec<&'a str>,
}

#[derive(Serialize)]
struct Control<'a> {
    id: &'a str,
    title: &'a str,
    theme: &'a str,
    documents: Vec<&'a str>,
    applicable: bool,
    justification: Option<&'a str>,
    implementation: Option<&'a str>,
    owner: Option<&'a str>,
    notes: Option<&'a str>,
    decided: bool,
}

#[derive(Serialize)]
struct Soa<'a> {
    source: &'a str,
    version: Option<&'a str>,
    owner: Option<&'a str>,
    approver: Option<&'a str>,
}

/// The model as pretty-printed JSON.
pub(crate) fn model_json(model: &Model) -> anyhow::Result<Vec<u8>> {
    let cat = &model.catalog;
    let doc_ids = |docs: &[usize]| -> Vec<&str> {
        docs.iter()
            .map(|&d| model.documents[d].doc.id.as_str())
            .collect()
    };
    let documents = model
        .documents
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let d = &n.doc;
            let mut mentions: Vec<String> = n
                .body
                .targets
                .iter()
                .filter_map(|t| match *t {
                    crate::markdown::Target::Clause(c) => Some(cat.clauses[c].id.clone()),
                    crate::markdown::Target::Control(c) => Some(cat.controls[c].id.clone()),
                    crate::markdown::Target::Requirement {
                        framework,
                        requirement,
                    } => Some(model.frameworks.qualified(ReqRef {
                        framework,
                        requirement,
                    })),
                    crate::markdown::Target::Risk(k) => Some(model.registers.risks[k].id.clone()),
                    crate::markdown::Target::Document(_) => None,
                })
                .collect();
            mentions.dedup();
            Document {
                id: &d.id,
                title: &d.title,
                kind: d.kind.map(|k| k.as_str()),
                status: d.status.as_str(),
                version: d.version.as_deref(),
                owner: d.owner.as_deref(),
                approver: d.approver.as_deref(),
                classification: d.classification.as_deref(),
                effective: d.effective.map(|x| x.to_string()),
                approved_on: d.approved_on.map(|x| x.to_string()),
                last_reviewed: d.last_reviewed.map(|x| x.to_string()),
                review_interval: d.review_interval.map(|x| x.to_string()),
                review_by: d.review_by.map(|x| x.to_string()),
                tags: &d.tags,
                source: crate::diagnostic::display_path(
                    &model.settings.config.build.content_dir.join(&d.rel),
                ),
                page: &n.page,
                clauses: n
                    .clauses
                    .iter()
                    .map(|&c| cat.clauses[c].id.as_str())
                    .collect(),
                controls: n
                    .controls
                    .iter()
                    .map(|&c| cat.controls[c].id.as_str())
                    .collect(),
                requirements: (n.requirements.iter())
                    .map(|&r| model.frameworks.qualified(r))
                    .collect(),
                related: doc_ids(&n.related),
                referenced_by: doc_ids(&model.referenced_by[i]),
                mentions,
            }
        })
        .collect();
    let clauses = cat
        .clauses
        .iter()
        .enumerate()
        .map(|(i, c)| Clause {
            id: &c.id,
            title: &c.title,
            parent: c.parent.map(|p| cat.clauses[p].id.as_str()),
            documents: doc_ids(&model.clause_docs[i]),
        })
        .collect();
    let controls = cat
        .controls
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let e = model.applicability(i);
            Control {
                id: &c.id,
                title: &c.title,
                theme: &cat.themes[c.theme].id,
                documents: doc_ids(&model.control_docs[i]),
                applicable: e.applicable,
                justification: e.justification,
                implementation: e.status.filter(|_| e.applicable).map(|s| s.as_str()),
                owner: e.owner,
                notes: e.notes,
                decided: e.decided,
            }
        })
        .collect();
    // Schema 3 adds `risks` and `exceptions`; a book without registers writes schema 2 as before.
    let registers = !model.registers.files.is_empty();
    let export = Export {
        schema: if registers { 3 } else { 2 },
        risks: registers.then(|| super::risks::risks_out(model)),
        exceptions: registers.then(|| super::risks::exceptions_out(model)),
        frameworks: frameworks_out(model, &doc_ids),
        crosswalk: crosswalk_out(model),
        generator: format!("policybook {}", env!("CARGO_PKG_VERSION")),
        edition: &cat.edition,
        as_of: model.as_of.to_string(),
        book: Book {
            title: &model.settings.config.book.title,
            organization: model.settings.config.book.organization.as_deref(),
        },
        documents,
        clauses,
        controls,
        soa: Soa {
            source: if model.soa.is_derived() {
                "derived"
            } else {
                "soa.yaml"
            },
            version: model.soa.version.as_deref(),
            owner: model.soa.owner.as_deref(),
            approver: model.soa.approver.as_deref(),
        },
    };
    let mut bytes = serde_json::to_vec_pretty(&export)?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Every framework the book uses, each requirement with its coverage.
fn frameworks_out<'a>(
    model: &'a Model,
    doc_ids: &dyn Fn(&[usize]) -> Vec<&'a str>,
) -> Vec<FrameworkOut<'a>> {
    let frameworks = &model.frameworks;
    (model.coverage.frameworks.iter())
        .map(|c| {
            let f = &frameworks.list[c.framework];
            let requirements = (f.requirements.iter().enumerate())
                .map(|(i, r)| {
                    let at = ReqRef {
                        framework: c.framework,
                        requirement: i,
                    };
                    RequirementOut {
                        id: &r.id,
                        title: r.title.as_deref(),
                        kind: &r.kind,
                        parent: r.parent.map(|p| f.requirements[p].id.as_str()),
                        state: c.state[i],
                        documents: doc_ids(&c.documents[i]),
                        derived: (c.derived[i].iter())
                            .map(|d| DerivedOut {
                                document: &model.documents[d.document].doc.id,
                                path: std::iter::once(frameworks.qualified(d.from))
                                    .chain(
                                        d.steps(frameworks).map(|(r, _)| frameworks.qualified(r)),
                                    )
                                    .collect(),
                            })
                            .collect(),
                        excluded: frameworks.exclusion(at),
                    }
                })
                .collect();
            FrameworkOut {
                id: &f.id,
                name: &f.name,
                version: &f.version,
                publisher: &f.publisher,
                licence: &f.licence,
                own: frameworks.own[c.framework],
                declared: frameworks.declared.contains(&c.framework),
                requirements,
            }
        })
        .collect()
}

/// The crosswalk rows with an end in a framework the book uses.
fn crosswalk_out(model: &Model) -> Vec<LinkOut<'_>> {
    let frameworks = &model.frameworks;
    let used = |r: ReqRef| model.coverage.of_framework(r.framework).is_some();
    (frameworks.links.iter())
        .filter(|l| used(l.from) || used(l.to))
        .map(|l| LinkOut {
            from: frameworks.qualified(l.from),
            to: frameworks.qualified(l.to),
            relationship: l.relationship.as_str(),
            source: &l.source,
        })
        .collect()
}
