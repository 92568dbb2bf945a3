//! The pages of the risk and exception registers: `risks.html` (the register, sortable and
//! filterable, with heat maps of the inherent and residual ratings), a page per risk
//! (`risks/<id>.html`), the treatment plan (`risks/treatment-plan.html`) and the exceptions
//! register (`risks/exceptions.html`). Also what the control, document, SoA and traceability
//! pages show of the risks.
//!
//! Every page here is built from a `...Shown` value that is both its data and, under `serve`,
//! its key (see `incremental::page_key`), so a page renders again exactly when what it shows
//! changes. A book without `registers/` gets none of these pages and nothing else changes.

use super::*;
use crate::registers::{Rating, Registers, Scales};

mod detail;
mod heat;
#[cfg(test)]
pub(super) mod tests;

use detail::*;
use heat::*;

/// Where the treatment plan and the exceptions register are, beside the risks' pages.
const PLAN_PATH: &str = "risks/treatment-plan.html";
const EXCEPTIONS_PATH: &str = "risks/exceptions.html";

/// Days before its expiry that an exception is listed as expiring.
pub(super) const EXPIRING_DAYS: i64 = 30;

/// True when the book keeps a register (`registers/risks.yaml` or `registers/exceptions.yaml`).
pub(super) fn has_register(model: &Model) -> bool {
    !model.registers.files.is_empty()
}

/// A page of the registers.
#[derive(Clone, Copy)]
pub(super) enum RiskPage {
    Register,
    /// Index into `model.registers.risks`.
    Risk(usize),
    Plan,
    Exceptions,
}

/// A risk whose page would take the place of the plan's or the exceptions' page gets none.
fn shadowed(id: &str) -> bool {
    let lower = id.to_ascii_lowercase();
    lower == "treatment-plan" || lower == "exceptions"
}

/// The pages of the registers (none when the book keeps none).
pub(super) fn risk_pages(model: &Model) -> Vec<RiskPage> {
    if !has_register(model) {
        return Vec::new();
    }
    let mut pages = vec![RiskPage::Register, RiskPage::Plan, RiskPage::Exceptions];
    pages.extend(
        (0..model.registers.risks.len())
            .filter(|&k| !shadowed(&model.registers.risks[k].id))
            .map(RiskPage::Risk),
    );
    pages
}

/// Whether a redirect at site path `path` would take the place of a register page.
pub(super) fn takes_risk_page(model: &Model, path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    has_register(model) && (lower == "risks.html" || lower.starts_with("risks/"))
}

impl RiskPage {
    pub(super) fn path(self, model: &Model) -> String {
        match self {
            RiskPage::Register => "risks.html".into(),
            RiskPage::Risk(k) => paths::risk_file(&model.registers.risks[k].id),
            RiskPage::Plan => PLAN_PATH.into(),
            RiskPage::Exceptions => EXCEPTIONS_PATH.into(),
        }
    }

    /// The page's path and its key: a hash of what it shows.
    pub(super) fn key(self, model: &Model, views: &Views, site: u64) -> (String, u64) {
        let path = self.path(model);
        let key = match self {
            RiskPage::Register => page_key(site, &path, &register_shown(model)),
            RiskPage::Risk(k) => page_key(site, &path, &risk_shown(model, views, k)),
            RiskPage::Plan => page_key(site, &path, &plan_shown(model)),
            RiskPage::Exceptions => page_key(site, &path, &exceptions_shown(model, views)),
        };
        (path, key)
    }

    pub(super) fn page(self, model: &Model, views: &Views) -> Page {
        let (template, title, data) = match self {
            RiskPage::Register => (
                "risks.html",
                model.settings.strings.get("title.risks").to_string(),
                Data::of(&register_shown(model)),
            ),
            RiskPage::Risk(k) => {
                let r = &model.registers.risks[k];
                (
                    "risk.html",
                    format!("{} {}", r.id, r.title),
                    Data::of(&risk_shown(model, views, k)),
                )
            }
            RiskPage::Plan => (
                "risk-plan.html",
                model.settings.strings.get("title.risk_plan").to_string(),
                Data::of(&plan_shown(model)),
            ),
            RiskPage::Exceptions => (
                "risk-exceptions.html",
                model
                    .settings
                    .strings
                    .get("title.risk_exceptions")
                    .to_string(),
                Data::of(&exceptions_shown(model, views)),
            ),
        };
        Page {
            path: self.path(model),
            template,
            nav: "risks",
            title,
            data,
        }
    }
}

/// A likelihood x impact rating, in words and as a score with its level.
#[derive(Serialize, Hash, Clone)]
pub(super) struct RatingView<'a> {
    likelihood: &'a str,
    impact: &'a str,
    score: usize,
    level: &'static str,
}

pub(super) fn rating_view(scales: &Scales, r: Rating) -> RatingView<'_> {
    fn word(words: &[String], rank: usize) -> &str {
        rank.checked_sub(1)
            .and_then(|i| words.get(i))
            .map_or("", String::as_str)
    }
    RatingView {
        likelihood: word(&scales.likelihood, r.likelihood),
        impact: word(&scales.impact, r.impact),
        score: r.score(),
        level: scales.level(r.score()).as_str(),
    }
}

/// A risk as a link: on control, document, plan and exception pages.
#[derive(Serialize, Hash, Clone)]
pub(super) struct RiskRef<'a> {
    id: &'a str,
    title: &'a str,
    /// Encoded site path of its page; `None` for a risk without one (see [`shadowed`]).
    path: Option<String>,
    /// The rating that stands (residual, else inherent).
    score: usize,
    level: &'static str,
}

pub(super) fn risk_ref(registers: &Registers, k: usize) -> RiskRef<'_> {
    let r = &registers.risks[k];
    let current = r.current();
    RiskRef {
        id: &r.id,
        title: &r.title,
        path: (!shadowed(&r.id)).then(|| paths::encode(&paths::risk_file(&r.id))),
        score: current.score(),
        level: registers.scales.level(current.score()).as_str(),
    }
}

pub(super) fn risk_refs<'a>(model: &'a Model, ks: &[usize]) -> Vec<RiskRef<'a>> {
    ks.iter().map(|&k| risk_ref(&model.registers, k)).collect()
}

/// The risks control `c` treats (empty without a register).
pub(super) fn control_risks(model: &Model, c: usize) -> Vec<RiskRef<'_>> {
    (model.risk_links.control_risks.get(c)).map_or_else(Vec::new, |ks| risk_refs(model, ks))
}

/// The risks document `d` addresses (empty without a register).
pub(super) fn document_risks(model: &Model, d: usize) -> Vec<RiskRef<'_>> {
    (model.risk_links.document_risks.get(d)).map_or_else(Vec::new, |ks| risk_refs(model, ks))
}

/// A piece of a SoA justification: text, linked to a risk's page when it is a risk id.
#[derive(Serialize, Hash)]
pub(super) struct Piece<'a> {
    text: &'a str,
    path: Option<String>,
}

/// Control `c`'s justification cut at the risk ids it names, each id linked to its page; empty
/// when it names none (the templates then show the justification as before). The pieces are
/// plain text: the templates escape each one.
pub(super) fn justification_pieces(model: &Model, c: usize) -> Vec<Piece<'_>> {
    let links = match model.risk_links.justification_risks.get(c) {
        Some(l) if !l.is_empty() => l,
        _ => return Vec::new(),
    };
    let Some(text) = model.applicability(c).justification else {
        return Vec::new();
    };
    let mut pieces = Vec::new();
    let mut done = 0;
    for (range, k) in links {
        let Some(id) = text.get(range.clone()) else {
            continue;
        };
        if range.start < done {
            continue;
        }
        if range.start > done {
            pieces.push(Piece {
                text: &text[done..range.start],
                path: None,
            });
        }
        pieces.push(Piece {
            text: id,
            path: risk_ref(&model.registers, *k).path,
        });
        done = range.end;
    }
    if done < text.len() {
        pieces.push(Piece {
            text: &text[done..],
            path: None,
        });
    }
    pieces
}

/// A row of the register table.
#[derive(Serialize, Hash)]
struct RegisterRow<'a> {
    risk: RiskRef<'a>,
    owner: &'a str,
    treatment: &'static str,
    inherent: RatingView<'a>,
    residual: Option<RatingView<'a>>,
    review_by: String,
    review_overdue: bool,
    controls: usize,
}

/// What `risks.html` shows.
#[derive(Serialize, Hash)]
pub(super) struct RegisterShown<'a> {
    rows: Vec<RegisterRow<'a>>,
    owners: Vec<&'a str>,
    treatments: Vec<&'static str>,
    levels: Vec<&'static str>,
    heat: Vec<HeatMap<'a>>,
    accept_at_or_below: usize,
    max_score: usize,
    open_actions: usize,
    exceptions: usize,
    as_of: String,
}

pub(super) fn register_shown(model: &Model) -> RegisterShown<'_> {
    let reg = &model.registers;
    let rows: Vec<RegisterRow> = (reg.risks.iter().enumerate())
        .map(|(k, r)| RegisterRow {
            risk: risk_ref(reg, k),
            owner: &r.owner,
            treatment: r.treatment.as_str(),
            inherent: rating_view(&reg.scales, r.inherent),
            residual: r.residual.map(|x| rating_view(&reg.scales, x)),
            review_by: r
                .review_by
                .as_ref()
                .map_or(String::new(), |d| model.settings.strings.date(d.0)),
            review_overdue: r.review_by.as_ref().is_some_and(|d| d.0 < model.as_of),
            controls: model.risk_links.controls.get(k).map_or(0, Vec::len)
                + model.risk_links.requirements.get(k).map_or(0, Vec::len),
        })
        .collect();
    let mut owners: Vec<&str> = reg.risks.iter().map(|r| r.owner.as_str()).collect();
    owners.sort_unstable();
    owners.dedup();
    let treatments = (crate::registers::Treatment::ALL.iter())
        .filter(|t| reg.risks.iter().any(|r| r.treatment == **t))
        .map(|t| t.as_str())
        .collect();
    let levels = ["low", "medium", "high"]
        .into_iter()
        .filter(|l| rows.iter().any(|r| r.risk.level == *l))
        .collect();
    RegisterShown {
        owners,
        treatments,
        levels,
        heat: heat_maps(model),
        accept_at_or_below: reg.scales.accept_at_or_below,
        max_score: reg.scales.max_score(),
        open_actions: (reg.risks.iter().flat_map(|r| &r.plan))
            .filter(|a| a.status != crate::registers::Status::Done)
            .count(),
        exceptions: reg.exceptions.len(),
        as_of: model.settings.strings.date(model.as_of),
        rows,
    }
}

/// A control of a risk's chain on the traceability page: the documents implementing it.
#[derive(Serialize, Hash)]
struct ChainControl<'a> {
    control: ItemRef<'a>,
    documents: Vec<DocRow<'a>>,
    /// Documents not shown (see [`SOA_DOCS`]); the control's page lists them all.
    more: usize,
}

/// A risk's row of the risk -> control -> document chain.
#[derive(Serialize, Hash)]
struct RiskChain<'a> {
    risk: RiskRef<'a>,
    controls: Vec<ChainControl<'a>>,
    requirements: Vec<ReqRow<'a>>,
    documents: Vec<DocRow<'a>>,
}

/// Part `n` of `total` of the chain from each risk through its controls to the documents
/// implementing them.
pub(super) fn risk_chain_page(model: &Model, views: &Views, n: usize, total: usize) -> Page {
    let risks = model.registers.risks.len();
    let shown = (n * RISK_CHAIN_ROWS).min(risks)..((n + 1) * RISK_CHAIN_ROWS).min(risks);
    part_page("traceability/risks", n, total, views, |data| {
        data.insert("rows", &risk_chain(model, views, shown));
        (
            "risk-chain.html",
            "traceability",
            views.strings.get("title.risk_chain").into(),
        )
    })
}

/// The chain from each risk of `shown` through its controls to the documents implementing them.
fn risk_chain<'a>(
    model: &'a Model,
    views: &Views<'a>,
    shown: std::ops::Range<usize>,
) -> Vec<RiskChain<'a>> {
    let links = &model.risk_links;
    shown
        .map(|k| RiskChain {
            risk: risk_ref(&model.registers, k),
            controls: (links.controls[k].iter())
                .map(|&c| {
                    let (documents, more) = views.docs_capped(&model.control_docs[c], SOA_DOCS);
                    ChainControl {
                        control: (&views.controls[c]).into(),
                        documents,
                        more,
                    }
                })
                .collect(),
            requirements: (links.requirements[k].iter())
                .map(|&r| req_row(model, r))
                .collect(),
            documents: views.docs_of(&links.documents[k]),
        })
        .collect()
}
