//! The registers as exports: `risks.csv` and `risks.xlsx` (one row per risk),
//! `treatment-plan.csv` (one row per plan action), `exceptions.csv`, and the `risks` and
//! `exceptions` of `model.json`. Written only for a book that keeps a register.

use serde::Serialize;

use super::Table;
use crate::model::Model;
use crate::registers::{Approval, Exception, Rating, Risk, Status};

fn join<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> String {
    items
        .into_iter()
        .map(|s| s.as_ref().to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map_or(String::new(), |d| d.to_string())
}

/// A risk's controls (catalog ids, then other frameworks' qualified ids).
fn controls(model: &Model, k: usize) -> Vec<String> {
    let links = &model.risk_links;
    (links.controls[k].iter())
        .map(|&c| model.catalog.controls[c].id.clone())
        .chain((links.requirements[k].iter()).map(|&r| model.frameworks.qualified(r)))
        .collect()
}

fn doc_ids<'a>(model: &'a Model, docs: &[usize]) -> Vec<&'a str> {
    docs.iter()
        .map(|&d| model.documents[d].doc.id.as_str())
        .collect()
}

fn control_ids<'a>(model: &'a Model, cs: &[usize]) -> Vec<&'a str> {
    cs.iter()
        .map(|&c| model.catalog.controls[c].id.as_str())
        .collect()
}

/// Likelihood word, impact word, score, level.
fn rating_cells(model: &Model, r: Option<Rating>) -> [String; 4] {
    let Some(r) = r else {
        return Default::default();
    };
    let s = &model.registers.scales;
    let word = |w: &[String], rank: usize| rank.checked_sub(1).and_then(|i| w.get(i)).cloned();
    [
        word(&s.likelihood, r.likelihood).unwrap_or_default(),
        word(&s.impact, r.impact).unwrap_or_default(),
        r.score().to_string(),
        s.level(r.score()).as_str().to_string(),
    ]
}

/// One row per risk.
pub(super) fn risks(model: &Model) -> Table {
    let rows = (model.registers.risks.iter().enumerate())
        .map(|(k, r)| {
            let [l, i, score, level] = rating_cells(model, Some(r.inherent));
            let [rl, ri, rscore, rlevel] = rating_cells(model, r.residual);
            let accepted = r.accepted.as_ref();
            vec![
                r.id.clone(),
                r.title.clone(),
                r.owner.clone(),
                join(&r.assets),
                r.threat.clone().unwrap_or_default(),
                r.vulnerability.clone().unwrap_or_default(),
                l,
                i,
                score,
                level,
                r.treatment.as_str().to_string(),
                join(controls(model, k)),
                join(doc_ids(model, &model.risk_links.documents[k])),
                rl,
                ri,
                rscore,
                rlevel,
                accepted.map_or(String::new(), |a| a.by.clone()),
                date(accepted.and_then(|a| a.on)),
                date(r.review_by.as_ref().map(|d| d.0)),
            ]
        })
        .collect();
    Table {
        header: vec![
            "risk_id",
            "title",
            "owner",
            "assets",
            "threat",
            "vulnerability",
            "likelihood",
            "impact",
            "inherent_score",
            "inherent_level",
            "treatment",
            "controls",
            "documents",
            "residual_likelihood",
            "residual_impact",
            "residual_score",
            "residual_level",
            "accepted_by",
            "accepted_on",
            "review_by",
        ],
        rows,
    }
}

/// One row per action of the treatment plan, in the register's order.
pub(super) fn treatment_plan(model: &Model) -> Table {
    let rows = (model.registers.risks.iter())
        .flat_map(|r| r.plan.iter().map(move |a| (r, a)))
        .map(|(r, a)| {
            let overdue = a.status != Status::Done && a.due.is_some_and(|d| d < model.as_of);
            vec![
                r.id.clone(),
                a.action.clone(),
                a.owner.clone().unwrap_or_default(),
                date(a.due),
                a.status.as_str().to_string(),
                if overdue { "yes" } else { "no" }.to_string(),
            ]
        })
        .collect();
    Table {
        header: vec!["risk_id", "action", "owner", "due", "status", "overdue"],
        rows,
    }
}

/// One row per exception.
pub(super) fn exceptions(model: &Model) -> Table {
    let links = &model.risk_links;
    let rows = (model.registers.exceptions.iter().enumerate())
        .map(|(x, e)| {
            let approved = e.approved.as_ref();
            let expires = e.expires.as_ref().map(|d| d.0);
            vec![
                e.id.clone(),
                e.title.clone(),
                join(control_ids(model, &links.exception_controls[x])),
                join(doc_ids(model, &links.exception_documents[x])),
                join(risk_ids(model, &links.exception_risks[x])),
                e.reason.clone(),
                join(control_ids(model, &links.compensating[x])),
                e.compensating.clone().unwrap_or_default(),
                e.requested_by.clone().unwrap_or_default(),
                approved.map_or(String::new(), |a| a.by.clone()),
                date(approved.and_then(|a| a.on)),
                date(expires),
                if expires.is_some_and(|d| d < model.as_of) {
                    "yes"
                } else {
                    "no"
                }
                .to_string(),
            ]
        })
        .collect();
    Table {
        header: vec![
            "exception_id",
            "title",
            "controls",
            "documents",
            "risks",
            "reason",
            "compensating_controls",
            "compensating",
            "requested_by",
            "approved_by",
            "approved_on",
            "expires",
            "expired",
        ],
        rows,
    }
}

fn risk_ids<'a>(model: &'a Model, ks: &[usize]) -> Vec<&'a str> {
    ks.iter()
        .map(|&k| model.registers.risks[k].id.as_str())
        .collect()
}

/// A rating in `model.json`.
#[derive(Serialize)]
pub(super) struct RatingOut {
    likelihood: String,
    impact: String,
    score: usize,
    level: String,
}

fn rating_out(model: &Model, r: Rating) -> RatingOut {
    let [likelihood, impact, _, level] = rating_cells(model, Some(r));
    RatingOut {
        likelihood,
        impact,
        score: r.score(),
        level,
    }
}

#[derive(Serialize)]
pub(super) struct ActionOut<'a> {
    action: &'a str,
    owner: Option<&'a str>,
    due: Option<String>,
    status: Status,
    overdue: bool,
}

/// A risk in `model.json`.
#[derive(Serialize)]
pub(super) struct RiskOut<'a> {
    id: &'a str,
    title: &'a str,
    owner: &'a str,
    assets: &'a [String],
    threat: Option<&'a str>,
    vulnerability: Option<&'a str>,
    inherent: RatingOut,
    residual: Option<RatingOut>,
    treatment: crate::registers::Treatment,
    /// Annex A control ids, then other frameworks' qualified ids.
    controls: Vec<String>,
    documents: Vec<&'a str>,
    accepted: Option<&'a Approval>,
    review_by: Option<String>,
    plan: Vec<ActionOut<'a>>,
    exceptions: Vec<&'a str>,
}

pub(super) fn risks_out(model: &Model) -> Vec<RiskOut<'_>> {
    let links = &model.risk_links;
    (model.registers.risks.iter().enumerate())
        .map(|(k, r): (usize, &Risk)| RiskOut {
            id: &r.id,
            title: &r.title,
            owner: &r.owner,
            assets: &r.assets,
            threat: r.threat.as_deref(),
            vulnerability: r.vulnerability.as_deref(),
            inherent: rating_out(model, r.inherent),
            residual: r.residual.map(|x| rating_out(model, x)),
            treatment: r.treatment,
            controls: controls(model, k),
            documents: doc_ids(model, &links.documents[k]),
            accepted: r.accepted.as_ref(),
            review_by: r.review_by.as_ref().map(|d| d.0.to_string()),
            plan: (r.plan.iter())
                .map(|a| ActionOut {
                    action: &a.action,
                    owner: a.owner.as_deref(),
                    due: a.due.map(|d| d.to_string()),
                    status: a.status,
                    overdue: a.status != Status::Done && a.due.is_some_and(|d| d < model.as_of),
                })
                .collect(),
            exceptions: (links.risk_exceptions[k].iter())
                .map(|&x| model.registers.exceptions[x].id.as_str())
                .collect(),
        })
        .collect()
}

/// An exception in `model.json`.
#[derive(Serialize)]
pub(super) struct ExceptionOut<'a> {
    id: &'a str,
    title: &'a str,
    controls: Vec<&'a str>,
    documents: Vec<&'a str>,
    risks: Vec<&'a str>,
    reason: &'a str,
    compensating_controls: Vec<&'a str>,
    compensating: Option<&'a str>,
    requested_by: Option<&'a str>,
    approved: Option<&'a Approval>,
    expires: Option<String>,
    expired: bool,
}

pub(super) fn exceptions_out(model: &Model) -> Vec<ExceptionOut<'_>> {
    let links = &model.risk_links;
    (model.registers.exceptions.iter().enumerate())
        .map(|(x, e): (usize, &Exception)| ExceptionOut {
            id: &e.id,
            title: &e.title,
            controls: control_ids(model, &links.exception_controls[x]),
            documents: doc_ids(model, &links.exception_documents[x]),
            risks: risk_ids(model, &links.exception_risks[x]),
            reason: &e.reason,
            compensating_controls: control_ids(model, &links.compensating[x]),
            compensating: e.compensating.as_deref(),
            requested_by: e.requested_by.as_deref(),
            approved: e.approved.as_ref(),
            expires: e.expires.as_ref().map(|d| d.0.to_string()),
            expired: e.expires.as_ref().is_some_and(|d| d.0 < model.as_of),
        })
        .collect()
}
