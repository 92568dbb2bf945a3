//! What a risk's page, the treatment plan and the exceptions register show.

use super::*;
use crate::registers::{Approval, Status};

/// A risk's assessment, treatment and acceptance.
#[derive(Serialize, Hash)]
struct RiskDetail<'a> {
    id: &'a str,
    title: &'a str,
    owner: &'a str,
    assets: &'a [String],
    threat: Option<&'a str>,
    vulnerability: Option<&'a str>,
    treatment: &'static str,
    inherent: RatingView<'a>,
    residual: Option<RatingView<'a>>,
    accepted: Option<&'a Approval>,
    review_by: Option<String>,
    review_overdue: bool,
}

/// A control treating a risk: its SoA decision and the documents implementing it.
#[derive(Serialize, Hash)]
struct RiskControl<'a> {
    control: ItemRow<'a>,
    applicable: bool,
    /// `implemented`, ..., `undecided`, or `excluded`.
    status: &'static str,
    documents: Vec<DocRow<'a>>,
    /// Documents not shown (see [`SOA_DOCS`]); the control's page lists them all.
    more: usize,
}

/// An action of the treatment plan, with its risk.
#[derive(Serialize, Hash)]
struct ActionRow<'a> {
    risk: RiskRef<'a>,
    action: &'a str,
    owner: &'a str,
    due: String,
    status: &'static str,
    overdue: bool,
}

/// An exception as a link.
#[derive(Serialize, Hash)]
struct ExceptionRef<'a> {
    id: &'a str,
    title: &'a str,
    path: String,
    expires: String,
    state: &'static str,
}

/// What a risk's page shows.
#[derive(Serialize, Hash)]
pub(super) struct RiskShown<'a> {
    risk: RiskDetail<'a>,
    controls: Vec<RiskControl<'a>>,
    requirements: Vec<ReqRow<'a>>,
    documents: Vec<DocRow<'a>>,
    plan: Vec<ActionRow<'a>>,
    exceptions: Vec<ExceptionRef<'a>>,
    accept_at_or_below: usize,
    as_of: String,
}

fn action_row<'a>(model: &'a Model, k: usize, a: &'a crate::registers::Action) -> ActionRow<'a> {
    ActionRow {
        risk: risk_ref(&model.registers, k),
        action: &a.action,
        owner: a.owner.as_deref().unwrap_or(""),
        due: a
            .due
            .map_or(String::new(), |d| model.settings.strings.date(d)),
        status: a.status.as_str(),
        overdue: a.status != Status::Done && a.due.is_some_and(|d| d < model.as_of),
    }
}

/// `expired` before the as-of date, `expiring` within [`EXPIRING_DAYS`] of it, else empty.
fn expiry_state(model: &Model, e: &crate::registers::Exception) -> &'static str {
    match e.expires.as_ref().map(|x| x.0) {
        Some(d) if d < model.as_of => "expired",
        Some(d) if (d - model.as_of).num_days() <= EXPIRING_DAYS => "expiring",
        _ => "",
    }
}

fn exception_ref(model: &Model, x: usize) -> ExceptionRef<'_> {
    let e = &model.registers.exceptions[x];
    ExceptionRef {
        id: &e.id,
        title: &e.title,
        path: format!(
            "{}#{}",
            paths::encode(EXCEPTIONS_PATH),
            paths::encode(&e.id)
        ),
        expires: e
            .expires
            .as_ref()
            .map_or(String::new(), |d| model.settings.strings.date(d.0)),
        state: expiry_state(model, e),
    }
}

pub(super) fn risk_shown<'a>(model: &'a Model, views: &Views<'a>, k: usize) -> RiskShown<'a> {
    let reg = &model.registers;
    let r = &reg.risks[k];
    let links = &model.risk_links;
    let controls = (links.controls[k].iter())
        .map(|&c| {
            let entry = model.applicability(c);
            let (documents, more) = views.docs_capped(&model.control_docs[c], SOA_DOCS);
            RiskControl {
                control: views.controls[c].clone(),
                applicable: entry.applicable,
                status: if !entry.applicable {
                    "excluded"
                } else {
                    entry.status.map_or("undecided", |s| s.as_str())
                },
                documents,
                more,
            }
        })
        .collect();
    RiskShown {
        risk: RiskDetail {
            id: &r.id,
            title: &r.title,
            owner: &r.owner,
            assets: &r.assets,
            threat: r.threat.as_deref(),
            vulnerability: r.vulnerability.as_deref(),
            treatment: r.treatment.as_str(),
            inherent: rating_view(&reg.scales, r.inherent),
            residual: r.residual.map(|x| rating_view(&reg.scales, x)),
            accepted: r.accepted.as_ref(),
            review_by: r
                .review_by
                .as_ref()
                .map(|d| model.settings.strings.date(d.0)),
            review_overdue: r.review_by.as_ref().is_some_and(|d| d.0 < model.as_of),
        },
        controls,
        requirements: (links.requirements[k].iter())
            .map(|&q| req_row(model, q))
            .collect(),
        documents: views.docs_of(&links.documents[k]),
        plan: r.plan.iter().map(|a| action_row(model, k, a)).collect(),
        exceptions: (links.risk_exceptions[k].iter())
            .map(|&x| exception_ref(model, x))
            .collect(),
        accept_at_or_below: reg.scales.accept_at_or_below,
        as_of: model.settings.strings.date(model.as_of),
    }
}

/// What the treatment plan shows: actions not done by due date (overdue first, undated
/// last), then the done ones.
#[derive(Serialize, Hash)]
pub(super) struct PlanShown<'a> {
    open: Vec<ActionRow<'a>>,
    done: Vec<ActionRow<'a>>,
    overdue: usize,
    as_of: String,
}

pub(super) fn plan_shown(model: &Model) -> PlanShown<'_> {
    let mut all: Vec<(usize, &crate::registers::Action)> = (model.registers.risks.iter())
        .enumerate()
        .flat_map(|(k, r)| r.plan.iter().map(move |a| (k, a)))
        .collect();
    // Stable: actions of one risk on one day stay in the register's order.
    all.sort_by_key(|(k, a)| (a.due.is_none(), a.due, *k));
    let (done, open): (Vec<_>, Vec<_>) =
        all.into_iter().partition(|(_, a)| a.status == Status::Done);
    let open: Vec<ActionRow> = open
        .into_iter()
        .map(|(k, a)| action_row(model, k, a))
        .collect();
    PlanShown {
        overdue: open.iter().filter(|a| a.overdue).count(),
        open,
        done: done
            .into_iter()
            .map(|(k, a)| action_row(model, k, a))
            .collect(),
        as_of: model.settings.strings.date(model.as_of),
    }
}

/// An exception of the register, in full.
#[derive(Serialize, Hash)]
struct ExceptionRow<'a> {
    id: &'a str,
    title: &'a str,
    reason: &'a str,
    controls: Vec<ItemRow<'a>>,
    documents: Vec<DocRow<'a>>,
    risks: Vec<RiskRef<'a>>,
    compensating_controls: Vec<ItemRow<'a>>,
    compensating: Option<&'a str>,
    requested_by: Option<&'a str>,
    approved: Option<&'a Approval>,
    expires: String,
    state: &'static str,
}

/// What the exceptions register shows: expired and expiring ones first.
#[derive(Serialize, Hash)]
pub(super) struct ExceptionsShown<'a> {
    exceptions: Vec<ExceptionRow<'a>>,
    expired: usize,
    expiring: usize,
    expiring_days: i64,
    as_of: String,
}

pub(super) fn exceptions_shown<'a>(model: &'a Model, views: &Views<'a>) -> ExceptionsShown<'a> {
    let reg = &model.registers;
    let links = &model.risk_links;
    let mut order: Vec<usize> = (0..reg.exceptions.len()).collect();
    let rank = |x: usize| match expiry_state(model, &reg.exceptions[x]) {
        "expired" => 0,
        "expiring" => 1,
        _ => 2,
    };
    order.sort_by_key(|&x| (rank(x), x));
    let exceptions: Vec<ExceptionRow> = order
        .into_iter()
        .map(|x| {
            let e = &reg.exceptions[x];
            ExceptionRow {
                id: &e.id,
                title: &e.title,
                reason: &e.reason,
                controls: views.controls_of(&links.exception_controls[x]),
                documents: views.docs_of(&links.exception_documents[x]),
                risks: risk_refs(model, &links.exception_risks[x]),
                compensating_controls: views.controls_of(&links.compensating[x]),
                compensating: e.compensating.as_deref(),
                requested_by: e.requested_by.as_deref(),
                approved: e.approved.as_ref(),
                expires: e
                    .expires
                    .as_ref()
                    .map_or(String::new(), |d| model.settings.strings.date(d.0)),
                state: expiry_state(model, e),
            }
        })
        .collect();
    ExceptionsShown {
        expired: exceptions.iter().filter(|e| e.state == "expired").count(),
        expiring: exceptions.iter().filter(|e| e.state == "expiring").count(),
        exceptions,
        expiring_days: EXPIRING_DAYS,
        as_of: model.settings.strings.date(model.as_of),
    }
}
