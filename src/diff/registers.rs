//! What changed in the risk and exception registers: risks added, removed, re-scored or
//! treated differently; exceptions new, gone, changed or expired since the earlier side.

use super::{field_changes, FieldChange};
use crate::model::Model;
use crate::registers::{Exception, Rating, Risk, Scales};

/// A risk or an exception that changed.
#[derive(Debug, serde::Serialize)]
pub(crate) struct RegisterChange {
    /// `risk` or `exception`.
    pub kind: &'static str,
    pub id: String,
    pub title: String,
    /// `added`, `removed`, `changed` or `expired`.
    pub change: &'static str,
    pub fields: Vec<FieldChange>,
}

fn rating(scales: &Scales, r: Option<Rating>) -> String {
    r.map_or_else(String::new, |r| {
        format!(
            "{} x {} = {}",
            scales.likelihood[r.likelihood - 1],
            scales.impact[r.impact - 1],
            r.score()
        )
    })
}

/// The ids of `refs`, as a diff shows a list.
fn list(refs: &[crate::document::Ref]) -> String {
    refs.iter()
        .map(|r| r.target.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn risk_fields(scales: &Scales, r: &Risk) -> Vec<(&'static str, String)> {
    vec![
        ("title", r.title.clone()),
        ("owner", r.owner.clone()),
        ("inherent", rating(scales, Some(r.inherent))),
        ("treatment", r.treatment.as_str().to_string()),
        ("residual", rating(scales, r.residual)),
        ("controls", list(&r.controls)),
        ("documents", list(&r.documents)),
        (
            "accepted",
            r.accepted.as_ref().map_or_else(String::new, |a| {
                format!(
                    "{} {}",
                    a.by,
                    a.on.map(|d| d.to_string()).unwrap_or_default()
                )
                .trim()
                .to_string()
            }),
        ),
        (
            "review_by",
            r.review_by
                .as_ref()
                .map(|(d, _)| d.to_string())
                .unwrap_or_default(),
        ),
    ]
}

fn exception_fields(e: &Exception) -> Vec<(&'static str, String)> {
    vec![
        ("title", e.title.clone()),
        ("controls", list(&e.controls)),
        ("documents", list(&e.documents)),
        (
            "approved",
            e.approved
                .as_ref()
                .map_or_else(String::new, |a| a.by.clone()),
        ),
        (
            "expires",
            e.expires
                .as_ref()
                .map(|(d, _)| d.to_string())
                .unwrap_or_default(),
        ),
    ]
}

/// The changes from `a` to `b`, risks first, each list by id.
pub(super) fn compare(a: &Model, b: &Model) -> Vec<RegisterChange> {
    let (ra, rb) = (&a.registers, &b.registers);
    let mut out = Vec::new();
    let change = |kind, id: &str, title: &str, change, fields| RegisterChange {
        kind,
        id: id.to_string(),
        title: title.to_string(),
        change,
        fields,
    };
    let empty = |fields: Vec<(&'static str, String)>| -> Vec<(&'static str, String)> {
        fields
            .into_iter()
            .map(|(f, _)| (f, String::new()))
            .collect()
    };
    let mut ids: Vec<&str> = (ra.risks.iter().chain(&rb.risks))
        .map(|r| r.id.as_str())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        let before = ra.risk(id).map(|k| &ra.risks[k]);
        let after = rb.risk(id).map(|k| &rb.risks[k]);
        match (before, after) {
            (Some(x), None) => out.push(change("risk", id, &x.title, "removed", Vec::new())),
            (None, Some(y)) => {
                let fields = risk_fields(&rb.scales, y);
                out.push(change(
                    "risk",
                    id,
                    &y.title,
                    "added",
                    field_changes(&empty(fields.clone()), &fields),
                ));
            }
            (Some(x), Some(y)) => {
                let fields =
                    field_changes(&risk_fields(&ra.scales, x), &risk_fields(&rb.scales, y));
                if !fields.is_empty() {
                    out.push(change("risk", id, &y.title, "changed", fields));
                }
            }
            (None, None) => {}
        }
    }
    let find = |list: &'_ [Exception], id: &str| list.iter().find(|e| e.id == id).cloned();
    let mut ids: Vec<&str> = (ra.exceptions.iter().chain(&rb.exceptions))
        .map(|e| e.id.as_str())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        let expired =
            |e: &Exception, m: &Model| e.expires.as_ref().is_some_and(|(d, _)| *d < m.as_of);
        match (find(&ra.exceptions, id), find(&rb.exceptions, id)) {
            (Some(x), None) => out.push(change("exception", id, &x.title, "removed", Vec::new())),
            (None, Some(y)) => {
                let fields = exception_fields(&y);
                out.push(change(
                    "exception",
                    id,
                    &y.title,
                    "added",
                    field_changes(&empty(fields.clone()), &fields),
                ));
            }
            (Some(x), Some(y)) => {
                let fields = field_changes(&exception_fields(&x), &exception_fields(&y));
                let what = if expired(&y, b) && !expired(&x, a) {
                    "expired"
                } else {
                    "changed"
                };
                if !fields.is_empty() || what == "expired" {
                    out.push(change("exception", id, &y.title, what, fields));
                }
            }
            (None, None) => {}
        }
    }
    out
}
