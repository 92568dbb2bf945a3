//! `model.json`: the whole model (documents, clauses, controls, SoA, links) for other tools.
//! Its shape is documented in the README; `schema` is bumped when it changes.

use serde::Serialize;

use crate::catalog::registry::ReqRef;
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
    let export = Export {
        schema: 1,
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
