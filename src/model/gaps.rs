//! What an auditor would find missing: computed once from the model, shown by `check`, the
//! gaps page and `gaps.csv`, so the three always agree.

use serde::Serialize;

use super::soa::Implementation;
use super::Model;
use crate::document::Status;

/// Documented information that clauses 4 to 10 require, by the clause that requires it.
pub(crate) const REQUIRED_INFORMATION: &[(&str, &str)] = &[
    ("4.3", "the scope of the ISMS"),
    ("5.2", "the information security policy"),
    ("6.1.2", "the information security risk assessment process"),
    (
        "6.1.3",
        "the Statement of Applicability and the risk treatment plan",
    ),
    ("6.2", "the information security objectives"),
    ("7.2", "evidence of competence"),
    (
        "8.1",
        "evidence that operational processes are carried out as planned",
    ),
    (
        "8.2",
        "the results of information security risk assessments",
    ),
    ("8.3", "the results of information security risk treatment"),
    ("9.1", "evidence of the monitoring and measurement results"),
    ("9.2", "the audit programme and the audit results"),
    ("9.3", "the results of management reviews"),
    (
        "10.2",
        "the nonconformities, the actions taken and the results of corrective action",
    ),
];

/// A control's effective SoA entry: recorded in soa.yaml, or derived from the documents.
#[derive(Debug, Clone, Serialize, Hash)]
pub struct Applicability<'a> {
    pub applicable: bool,
    pub justification: Option<&'a str>,
    pub status: Option<Implementation>,
    pub owner: Option<&'a str>,
    pub notes: Option<&'a str>,
    /// False when soa.yaml has no entry (or there is no soa.yaml).
    pub decided: bool,
}

impl Applicability<'_> {
    /// The decision in one word: `excluded`, else the implementation (`undecided` without).
    pub fn state(&self) -> &'static str {
        if self.applicable {
            self.status.map_or("undecided", |s| s.as_str())
        } else {
            "excluded"
        }
    }
}

/// Everything missing or pending in the book, as indices into the model.
#[derive(Debug, Clone, Default, Hash)]
pub struct Gaps {
    /// Applicable controls that no approved document lists.
    pub uncovered_controls: Vec<usize>,
    /// Excluded controls without a justification.
    pub unjustified_exclusions: Vec<usize>,
    /// Excluded controls that approved documents claim to implement, with those documents.
    pub excluded_but_addressed: Vec<(usize, Vec<usize>)>,
    /// Controls soa.yaml has no entry for (empty without soa.yaml).
    pub undecided: Vec<usize>,
    /// Clauses no document in force addresses (the highest such clause of each subtree).
    pub uncovered_clauses: Vec<usize>,
    /// Indices into [`REQUIRED_INFORMATION`] that no document provides.
    pub missing_information: Vec<usize>,
    /// Documents in draft or in review.
    pub drafts: Vec<usize>,
    /// Documents in force whose review date is before the as-of date.
    pub overdue: Vec<usize>,
}

impl Gaps {
    pub fn is_empty(&self) -> bool {
        self.uncovered_controls.is_empty()
            && self.unjustified_exclusions.is_empty()
            && self.excluded_but_addressed.is_empty()
            && self.undecided.is_empty()
            && self.uncovered_clauses.is_empty()
            && self.missing_information.is_empty()
            && self.overdue.is_empty()
    }
}

impl Model {
    /// The approved documents that list control `c`.
    pub fn approved_docs_of_control(&self, c: usize) -> Vec<usize> {
        self.control_docs[c]
            .iter()
            .copied()
            .filter(|&d| self.documents[d].doc.status == Status::Approved)
            .collect()
    }

    /// Control `c`'s SoA entry, recorded or derived.
    pub fn applicability(&self, c: usize) -> Applicability<'_> {
        match &self.soa.decisions[c] {
            Some(d) => Applicability {
                applicable: d.applicable,
                justification: d.justification.as_deref(),
                status: d.status,
                owner: d.owner.as_deref(),
                notes: d.notes.as_deref(),
                decided: true,
            },
            None => Applicability {
                applicable: true,
                justification: None,
                status: Some(if self.approved_docs_of_control(c).is_empty() {
                    Implementation::NotImplemented
                } else {
                    Implementation::Implemented
                }),
                owner: None,
                notes: None,
                decided: false,
            },
        }
    }

    pub(super) fn compute_gaps(&self) -> Gaps {
        let mut gaps = Gaps::default();
        for c in 0..self.catalog.controls.len() {
            let entry = self.applicability(c);
            let approved = self.approved_docs_of_control(c);
            if entry.applicable && approved.is_empty() {
                gaps.uncovered_controls.push(c);
            }
            if !entry.applicable && entry.justification.is_none() {
                gaps.unjustified_exclusions.push(c);
            }
            if !entry.applicable && !approved.is_empty() {
                gaps.excluded_but_addressed.push((c, approved));
            }
            if !self.soa.is_derived() && !entry.decided {
                gaps.undecided.push(c);
            }
        }
        let by_registers = provided_by_registers(&self.registers);
        for (i, clause) in self.catalog.clauses.iter().enumerate() {
            let parent_covered = clause.parent.is_none_or(|p| self.clause_covered(p));
            // A clause whose documented information the registers provide is addressed.
            let by_register = by_registers.contains(&clause.id.as_str());
            if !self.clause_covered(i) && parent_covered && !by_register {
                gaps.uncovered_clauses.push(i);
            }
        }
        for (i, (clause, _)) in REQUIRED_INFORMATION.iter().enumerate() {
            if !by_registers.contains(clause)
                && !self
                    .catalog
                    .clause(clause)
                    .is_some_and(|c| self.clause_covered(c))
            {
                gaps.missing_information.push(i);
            }
        }
        for (i, n) in self.documents.iter().enumerate() {
            match n.doc.status {
                Status::Draft | Status::InReview => gaps.drafts.push(i),
                Status::Approved | Status::Retired => {}
            }
            let overdue = n.doc.review_by.is_some_and(|r| r < self.as_of);
            if overdue && n.doc.status != Status::Retired {
                gaps.overdue.push(i);
            }
        }
        gaps
    }
}

/// The clauses of [`REQUIRED_INFORMATION`] the registers provide: the risk register with any
/// risk, the results of risk assessment and its process (6.1.2, 8.2); a treatment plan with
/// any action, the plan and the results of treatment (6.1.3, 8.3).
fn provided_by_registers(registers: &crate::registers::Registers) -> Vec<&'static str> {
    let mut clauses = Vec::new();
    if !registers.risks.is_empty() {
        clauses.extend(["6.1.2", "8.2"]);
    }
    if registers.risks.iter().any(|r| !r.plan.is_empty()) {
        clauses.extend(["6.1.3", "8.3"]);
    }
    clauses
}
