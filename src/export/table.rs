//! Tables of the model (header + rows of text), and their CSV form.

use crate::catalog::registry::{ReqRef, ISO27001_2022};
use crate::model::coverage::{FrameworkCoverage, State};
use crate::model::gaps::REQUIRED_INFORMATION;
use crate::model::Model;

/// A header and rows of text cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Table {
    pub header: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// CSV with a header row; every cell neutralised against formula injection.
    pub(crate) fn to_csv(&self) -> anyhow::Result<Vec<u8>> {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        w.write_record(&self.header)?;
        for row in &self.rows {
            w.write_record(row.iter().map(|c| neutralise(c)))?;
        }
        w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
    }
}

/// A cell starting with `=`, `+`, `-`, `@`, tab or carriage return is run as a formula by
/// spreadsheet programs; a leading `'` makes it text (OWASP's advice for CSV injection).
pub(crate) fn neutralise(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

/// The `state` column of `coverage-<framework>.csv`.
fn state_word(state: State) -> &'static str {
    match state {
        State::Covered => "covered",
        State::Derived => "derived",
        State::Excluded => "excluded",
        State::Uncovered => "uncovered",
    }
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

fn ids(model: &Model, docs: &[usize]) -> String {
    docs.iter()
        .map(|&d| model.documents[d].doc.id.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

/// One row per Annex A control: the SoA.
pub(super) fn soa(model: &Model) -> Table {
    let cat = &model.catalog;
    let rows = cat
        .controls
        .iter()
        .enumerate()
        .map(|(c, control)| {
            let e = model.applicability(c);
            vec![
                control.id.clone(),
                control.title.clone(),
                cat.themes[control.theme].title.clone(),
                yes_no(e.applicable),
                e.justification.unwrap_or("").to_string(),
                e.state().to_string(),
                e.owner.unwrap_or("").to_string(),
                ids(model, &model.approved_docs_of_control(c)),
                e.notes.unwrap_or("").to_string(),
                yes_no(e.decided),
            ]
        })
        .collect();
    Table {
        header: vec![
            "control_id",
            "control_title",
            "theme",
            "applicable",
            "justification",
            "implementation",
            "owner",
            "implemented_by",
            "notes",
            "decided_in_soa",
        ],
        rows,
    }
}

/// One row per document-control link, with the document's clauses.
pub(super) fn traceability(model: &Model) -> Table {
    let mut order: Vec<usize> = (0..model.documents.len()).collect();
    order.sort_by(|&a, &b| model.documents[a].doc.id.cmp(&model.documents[b].doc.id));
    let mut rows = Vec::new();
    for d in order {
        let n = &model.documents[d];
        let clauses: Vec<&str> = n
            .clauses
            .iter()
            .map(|&c| model.catalog.clauses[c].id.as_str())
            .collect();
        let mut controls = n.controls.clone();
        controls.sort_unstable();
        for c in controls {
            let control = &model.catalog.controls[c];
            rows.push(vec![
                n.doc.id.clone(),
                n.doc.title.clone(),
                n.doc.status.as_str().to_string(),
                control.id.clone(),
                control.title.clone(),
                clauses.join("; "),
                ISO27001_2022.to_string(),
            ]);
        }
        // Requirements of other frameworks, by framework and the framework's order.
        let mut requirements = n.requirements.clone();
        requirements.sort_unstable();
        for r in requirements {
            let requirement = model.frameworks.requirement(r);
            rows.push(vec![
                n.doc.id.clone(),
                n.doc.title.clone(),
                n.doc.status.as_str().to_string(),
                requirement.id.clone(),
                requirement.title.clone().unwrap_or_default(),
                clauses.join("; "),
                model.frameworks.list[r.framework].id.clone(),
            ]);
        }
    }
    Table {
        header: vec![
            "document_id",
            "document_title",
            "document_status",
            "control_id",
            "control_title",
            "clauses",
            "framework",
        ],
        rows,
    }
}

/// One row per requirement of a framework the book uses: how it is covered and by what.
pub(super) fn coverage(model: &Model, c: &FrameworkCoverage) -> Table {
    let frameworks = &model.frameworks;
    let f = &frameworks.list[c.framework];
    let mut rows = Vec::with_capacity(f.requirements.len());
    for (i, r) in f.requirements.iter().enumerate() {
        let at = ReqRef {
            framework: c.framework,
            requirement: i,
        };
        let derived: Vec<String> = c.derived[i].iter().map(|d| d.describe(model)).collect();
        let related: Vec<String> = (frameworks.links.iter())
            .filter(|l| l.from == at || l.to == at)
            .map(|l| {
                let other = if l.from == at { l.to } else { l.from };
                format!(
                    "{} ({}, {})",
                    frameworks.qualified(other),
                    l.relationship.as_str(),
                    l.source
                )
            })
            .collect();
        rows.push(vec![
            r.id.clone(),
            r.title.clone().unwrap_or_default(),
            r.kind.clone(),
            r.parent
                .map(|p| f.requirements[p].id.clone())
                .unwrap_or_default(),
            state_word(c.state[i]).to_string(),
            ids(model, &c.documents[i]),
            derived.join("; "),
            related.join("; "),
            frameworks.exclusion(at).unwrap_or("").to_string(),
        ]);
    }
    Table {
        header: vec![
            "requirement_id",
            "requirement_title",
            "kind",
            "parent",
            "state",
            "direct_documents",
            "derived_documents",
            "crosswalk",
            "excluded_because",
        ],
        rows,
    }
}

/// One row per gap, by category.
pub(super) fn gaps(model: &Model) -> Table {
    let g = &model.gaps;
    let cat = &model.catalog;
    let mut rows = Vec::new();
    let mut control_rows = |category: &str, list: &[usize], detail: &dyn Fn(usize) -> String| {
        for &c in list {
            rows.push(vec![
                category.to_string(),
                cat.controls[c].id.clone(),
                cat.controls[c].title.clone(),
                detail(c),
            ]);
        }
    };
    control_rows(
        "applicable-control-not-addressed",
        &g.uncovered_controls,
        &|_| "no approved document lists this control".into(),
    );
    control_rows(
        "exclusion-without-justification",
        &g.unjustified_exclusions,
        &|_| String::new(),
    );
    let excluded: Vec<usize> = g.excluded_but_addressed.iter().map(|(c, _)| *c).collect();
    control_rows("excluded-but-addressed", &excluded, &|c| {
        let docs = g
            .excluded_but_addressed
            .iter()
            .find(|(x, _)| *x == c)
            .map(|(_, d)| d.clone())
            .unwrap_or_default();
        ids(model, &docs)
    });
    control_rows("control-undecided", &g.undecided, &|_| {
        "no decision in soa.yaml".into()
    });
    for &c in &g.uncovered_clauses {
        rows.push(vec![
            "clause-not-addressed".into(),
            cat.clauses[c].id.clone(),
            cat.clauses[c].title.clone(),
            String::new(),
        ]);
    }
    for &i in &g.missing_information {
        let (clause, what) = REQUIRED_INFORMATION[i];
        let title = cat
            .clause(clause)
            .map(|c| cat.clauses[c].title.clone())
            .unwrap_or_default();
        rows.push(vec![
            "documented-information-missing".into(),
            clause.to_string(),
            title,
            what.to_string(),
        ]);
    }
    for &d in &g.overdue {
        let doc = &model.documents[d].doc;
        let due = doc.review_by.map(|x| x.to_string()).unwrap_or_default();
        rows.push(vec![
            "review-overdue".into(),
            doc.id.clone(),
            doc.title.clone(),
            format!("due {due}"),
        ]);
    }
    for &d in &g.drafts {
        let doc = &model.documents[d].doc;
        rows.push(vec![
            "not-approved".into(),
            doc.id.clone(),
            doc.title.clone(),
            doc.status.as_str().to_string(),
        ]);
    }
    Table {
        header: vec!["category", "id", "title", "detail"],
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_neutralised() {
        for bad in ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx"] {
            assert!(neutralise(bad).starts_with('\''), "{bad:?}");
        }
        assert_eq!(neutralise("Risk assessment"), "Risk assessment");
        assert_eq!(neutralise(""), "");
    }

    #[test]
    fn csv_quotes_and_neutralises() {
        let t = Table {
            header: vec!["a", "b"],
            rows: vec![vec!["=HYPERLINK(\"x\")".into(), "a, \"b\"".into()]],
        };
        let csv = String::from_utf8(t.to_csv().unwrap()).unwrap();
        assert_eq!(
            csv,
            "a,b\r\n\"'=HYPERLINK(\"\"x\"\")\",\"a, \"\"b\"\"\"\r\n"
        );
    }
}
