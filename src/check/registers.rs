//! Rules over the risk and exception registers: treatment against the SoA, acceptance, and the
//! dates that pass (plan actions, reviews, exceptions).

use super::*;
use crate::registers::{Status, Treatment};

/// Runs every register rule.
pub(super) fn run(model: &Model, out: &mut Vec<Diagnostic>) {
    let registers = &model.registers;
    let line = registers.scales.accept_at_or_below;
    for (k, risk) in registers.risks.iter().enumerate() {
        for &c in &model.risk_links.controls[k] {
            let e = model.applicability(c);
            if e.applicable {
                continue;
            }
            let id = &model.catalog.controls[c].id;
            let at = (risk.controls.iter())
                .find(|r| r.target.ends_with(id.as_str()))
                .map_or_else(|| risk.span.clone(), |r| r.span.clone());
            let mut d = Diagnostic::error(
                Code::RiskControlExcluded,
                format!(
                    "{} is treated by {id}, which the Statement of Applicability excludes",
                    risk.id
                ),
            )
            .at(at)
            .hint(format!(
                "make {id} applicable in soa.yaml, or treat {} with other controls",
                risk.id
            ));
            if let Some(span) = model.soa.decisions[c].as_ref().and_then(|d| d.span.clone()) {
                d = d.note(span, format!("{id} is excluded here"));
            }
            out.push(d);
        }
        if risk.accepted.is_none() {
            let score = risk.current().score();
            if risk.treatment == Treatment::Accept {
                out.push(
                    Diagnostic::error(
                        Code::RiskNotAccepted,
                        format!("{} is treated by acceptance, but no one accepted it", risk.id),
                    )
                    .at(risk.span.clone())
                    .hint("add `accepted: { by: <risk owner or management>, on: YYYY-MM-DD }` (6.1.3 f)"),
                );
            } else if score > line {
                let which = if risk.residual.is_some() {
                    "residual"
                } else {
                    "inherent (no residual rating)"
                };
                out.push(
                    Diagnostic::error(
                        Code::RiskNotAccepted,
                        format!(
                            "{}'s {which} score {score} is above the acceptance line {line}, and no one accepted it",
                            risk.id
                        ),
                    )
                    .at(risk.span.clone())
                    .hint("treat it further, or record who accepted the residual risk: `accepted: { by: ..., on: YYYY-MM-DD }`"),
                );
            }
        }
        if let Some((date, span)) = &risk.review_by {
            if *date < model.as_of {
                out.push(
                    Diagnostic::warning(
                        Code::RiskReviewOverdue,
                        format!("{} was due for review on {date}", risk.id),
                    )
                    .at(span.clone())
                    .hint("review the risk and set the next `review_by`"),
                );
            }
        }
        for a in &risk.plan {
            let Some(due) = a
                .due
                .filter(|d| *d < model.as_of && a.status != Status::Done)
            else {
                continue;
            };
            out.push(
                Diagnostic::warning(
                    Code::ActionOverdue,
                    format!(
                        "the action \"{}\" for {} was due on {due} and is {}",
                        a.action,
                        risk.id,
                        a.status.as_str()
                    ),
                )
                .at(a.span.clone())
                .hint("finish it and set `status: done`, or agree a new `due` date"),
            );
        }
    }
    for e in &registers.exceptions {
        match &e.approved {
            Some(a) if !a.by.is_empty() && a.on.is_some() => {}
            _ => out.push(
                Diagnostic::error(
                    Code::ExceptionNotApproved,
                    format!("exception {} has no approval", e.id),
                )
                .at(e.span.clone())
                .hint("add `approved_by:` and `approved_on:`: an exception nobody approved is a nonconformity"),
            ),
        }
        if let Some((date, span)) = &e.expires {
            if *date < model.as_of {
                out.push(
                    Diagnostic::warning(
                        Code::ExceptionExpired,
                        format!("exception {} expired on {date}", e.id),
                    )
                    .at(span.clone())
                    .hint("end the departure, or renew the exception with a new approval and `expires`"),
                );
            }
        }
    }
}
