//! The register files read into [`Registers`]' parts: YAML through
//! `marked_yaml`, which keeps where every value is, and the risk register as CSV.

use std::collections::HashMap;

use chrono::NaiveDate;
use marked_yaml::Spanned;
use serde::Deserialize;

use super::places::{Places, Text};
use super::*;
use crate::diagnostic::did_you_mean;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRisks {
    #[serde(default)]
    scales: Option<RawScales>,
    #[serde(default)]
    risks: HashMap<Text, RawRisk>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawScales {
    likelihood: Option<Vec<Text>>,
    impact: Option<Vec<Text>>,
    accept_at_or_below: Option<Spanned<usize>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRisk {
    title: Option<Text>,
    owner: Option<Text>,
    #[serde(default)]
    assets: Vec<Text>,
    threat: Option<Text>,
    vulnerability: Option<Text>,
    likelihood: Option<Text>,
    impact: Option<Text>,
    treatment: Option<Text>,
    #[serde(default)]
    controls: Vec<Text>,
    #[serde(default)]
    documents: Vec<Text>,
    residual: Option<RawRating>,
    accepted: Option<RawApproval>,
    review_by: Option<Text>,
    #[serde(default)]
    plan: Vec<RawAction>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRating {
    likelihood: Option<Text>,
    impact: Option<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawApproval {
    by: Option<Text>,
    on: Option<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAction {
    action: Text,
    owner: Option<Text>,
    due: Option<Text>,
    status: Option<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExceptions {
    #[serde(default)]
    exceptions: HashMap<Text, RawException>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawException {
    title: Option<Text>,
    #[serde(default)]
    controls: Vec<Text>,
    #[serde(default)]
    documents: Vec<Text>,
    #[serde(default)]
    risks: Vec<Text>,
    reason: Option<Text>,
    #[serde(default)]
    compensating_controls: Vec<Text>,
    compensating: Option<Text>,
    requested_by: Option<Text>,
    approved_by: Option<Text>,
    approved_on: Option<Text>,
    expires: Option<Text>,
}

fn text(t: &Option<Text>) -> Option<String> {
    t.as_ref()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
}

fn refs(list: &[Text], places: &Places) -> Vec<Ref> {
    (list.iter())
        .filter(|t| !t.trim().is_empty())
        .map(|t| Ref {
            target: t.trim().to_string(),
            span: places.of(t),
        })
        .collect()
}

/// A required text field: its value, or an error at the entry.
fn required(
    value: &Option<Text>,
    field: &str,
    entry: &str,
    at: &Span,
    diagnostics: &mut Vec<Diagnostic>,
) -> String {
    text(value).unwrap_or_else(|| {
        diagnostics.push(
            Diagnostic::error(Code::InvalidRegister, format!("{entry} has no `{field}`"))
                .at(at.clone())
                .hint(format!("add `{field}:` to {entry}")),
        );
        String::new()
    })
}

fn date(value: &Text, places: &Places, diagnostics: &mut Vec<Diagnostic>) -> Option<NaiveDate> {
    let v = value.trim();
    let parsed = (v.len() == 10)
        .then(|| NaiveDate::parse_from_str(v, "%Y-%m-%d").ok())
        .flatten();
    if parsed.is_none() {
        diagnostics.push(
            Diagnostic::error(Code::InvalidDate, format!("`{v}` is not a valid date"))
                .at(places.of(value))
                .hint("write dates as YYYY-MM-DD, e.g. 2026-01-15"),
        );
    }
    parsed
}

/// A word of a fixed list (`treatment`, `status`, a scale), case-insensitively.
fn word<T: Copy>(
    value: &Text,
    field: &str,
    choices: &[(T, &str)],
    places: &Places,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<T> {
    let v = value.trim();
    if let Some((t, _)) = choices.iter().find(|(_, w)| w.eq_ignore_ascii_case(v)) {
        return Some(*t);
    }
    let words: Vec<&str> = choices.iter().map(|(_, w)| *w).collect();
    let hint = match did_you_mean(v, words.iter().copied()) {
        Some(best) => format!("did you mean `{best}`?"),
        None => format!("`{field}` is one of: {}", words.join(", ")),
    };
    diagnostics.push(
        Diagnostic::error(
            Code::InvalidRegister,
            format!("`{v}` is not a valid `{field}`"),
        )
        .at(places.of(value))
        .hint(hint),
    );
    None
}

fn rank_choices(scale: &[String]) -> Vec<(usize, &str)> {
    scale
        .iter()
        .enumerate()
        .map(|(i, w)| (i + 1, w.as_str()))
        .collect()
}

fn rating(
    likelihood: &Text,
    impact: &Text,
    scales: &Scales,
    places: &Places,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Rating> {
    let l = word(
        likelihood,
        "likelihood",
        &rank_choices(&scales.likelihood),
        places,
        diagnostics,
    );
    let i = word(
        impact,
        "impact",
        &rank_choices(&scales.impact),
        places,
        diagnostics,
    );
    Some(Rating {
        likelihood: l?,
        impact: i?,
    })
}

/// A risk or exception id names its page: letters, digits, `-`, `_` and `.`.
fn valid_id(id: &str, at: &Span, diagnostics: &mut Vec<Diagnostic>) -> bool {
    let id = id.trim();
    let ok = !id.is_empty()
        && !id.starts_with('.')
        && id
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !ok {
        diagnostics.push(
            Diagnostic::error(Code::InvalidRegister, format!("`{id}` cannot be an id"))
                .at(at.clone())
                .hint("ids are letters, digits, `-`, `_` and `.`, e.g. `R-002`"),
        );
    }
    ok
}

/// `registers/risks.yaml`.
pub(super) fn risks_yaml(
    text_: &str,
    file: FileId,
    book_scales: &Scales,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Scales, Vec<Risk>) {
    let places = Places::new(text_, file);
    let raw: RawRisks = match strict_yaml(text_) {
        Ok(raw) => raw,
        Err(e) => {
            diagnostics.push(places.yaml_error(e, "the risk register"));
            return (Scales::default(), Vec::new());
        }
    };
    let scales = scales(raw.scales, book_scales, &places, diagnostics);
    let mut risks = Vec::new();
    for (id, r) in raw.risks {
        let span = places.of(&id);
        if !valid_id(&id, &span, diagnostics) {
            continue;
        }
        let entry = format!("risk `{}`", id.trim());
        let title = required(&r.title, "title", &entry, &span, diagnostics);
        let owner = required(&r.owner, "owner", &entry, &span, diagnostics);
        let inherent = match (&r.likelihood, &r.impact) {
            (Some(l), Some(i)) => rating(l, i, &scales, &places, diagnostics),
            _ => {
                diagnostics.push(
                    Diagnostic::error(
                        Code::InvalidRegister,
                        format!("{entry} has no `likelihood` and `impact`"),
                    )
                    .at(span.clone())
                    .hint("rate the risk before treatment: `likelihood:` and `impact:`, words of the scales"),
                );
                None
            }
        };
        let treatment = match &r.treatment {
            Some(t) => word(
                t,
                "treatment",
                &Treatment::ALL.map(|t| (t, t.as_str())),
                &places,
                diagnostics,
            ),
            None => {
                diagnostics.push(
                    Diagnostic::error(Code::InvalidRegister, format!("{entry} has no `treatment`"))
                        .at(span.clone())
                        .hint("add `treatment:` mitigate, accept, avoid or transfer"),
                );
                None
            }
        };
        let residual = r.residual.as_ref().and_then(|x| match (&x.likelihood, &x.impact) {
            (Some(l), Some(i)) => rating(l, i, &scales, &places, diagnostics),
            (l, i) => {
                let at = l.as_ref().or(i.as_ref()).map_or_else(|| span.clone(), |t| places.of(t));
                diagnostics.push(
                    Diagnostic::error(
                        Code::InvalidRegister,
                        format!("the residual rating of {entry} needs both `likelihood` and `impact`"),
                    )
                    .at(at)
                    .hint("write `residual: { likelihood: ..., impact: ... }`"),
                );
                None
            }
        });
        let accepted = r
            .accepted
            .as_ref()
            .map(|a| approval(a.by.as_ref(), a.on.as_ref(), &places, diagnostics));
        let review_by = r
            .review_by
            .as_ref()
            .and_then(|d| Some((date(d, &places, diagnostics)?, places.of(d))));
        let plan = (r.plan.iter())
            .map(|a| Action {
                action: a.action.trim().to_string(),
                owner: text(&a.owner),
                due: a.due.as_ref().and_then(|d| date(d, &places, diagnostics)),
                status: a
                    .status
                    .as_ref()
                    .and_then(|s| {
                        word(
                            s,
                            "status",
                            &Status::ALL.map(|s| (s, s.as_str())),
                            &places,
                            diagnostics,
                        )
                    })
                    .unwrap_or(Status::Open),
                span: places.of(&a.action),
            })
            .collect();
        let (Some(inherent), Some(treatment)) = (inherent, treatment) else {
            continue;
        };
        risks.push(Risk {
            id: id.trim().to_string(),
            span,
            title,
            owner,
            assets: r.assets.iter().map(|a| a.trim().to_string()).collect(),
            threat: text(&r.threat),
            vulnerability: text(&r.vulnerability),
            inherent,
            residual,
            treatment,
            controls: refs(&r.controls, &places),
            documents: refs(&r.documents, &places),
            accepted,
            review_by,
            plan,
        });
    }
    risks.sort_by(|a, b| a.id.cmp(&b.id));
    (scales, risks)
}

fn approval(
    by: Option<&Text>,
    on: Option<&Text>,
    places: &Places,
    diagnostics: &mut Vec<Diagnostic>,
) -> Approval {
    Approval {
        by: by.map(|b| b.trim().to_string()).unwrap_or_default(),
        on: on.and_then(|d| date(d, places, diagnostics)),
    }
}

/// A register file read with every value's place. An id written twice is an error, never
/// one of the two entries silently dropped.
fn strict_yaml<T: serde::de::DeserializeOwned>(
    text: &str,
) -> Result<T, marked_yaml::FromYamlError> {
    let options = marked_yaml::LoaderOptions::default().error_on_duplicate_keys(true);
    marked_yaml::from_yaml_with_options(0, text, options)
}

/// The register's `scales:` over the book's.
fn scales(
    raw: Option<RawScales>,
    book: &Scales,
    places: &Places,
    diagnostics: &mut Vec<Diagnostic>,
) -> Scales {
    let mut scales = book.clone();
    let Some(raw) = raw else {
        return scales;
    };
    for (list, into) in [
        (raw.likelihood, &mut scales.likelihood),
        (raw.impact, &mut scales.impact),
    ] {
        if let Some(list) = list {
            let written: Vec<&str> = list.iter().map(|w| w.as_str()).collect();
            if let Some(words) = crate::config::ScalesConfig::scale(&written) {
                *into = words;
            } else {
                diagnostics.push(
                    Diagnostic::error(
                        Code::InvalidRegister,
                        "a scale needs two or more different words",
                    )
                    .at(list
                        .first()
                        .map_or_else(|| places.whole(), |w| places.of(w)))
                    .hint("list the words from the lowest to the highest"),
                );
            }
        }
    }
    if let Some(line) = raw.accept_at_or_below {
        scales.accept_at_or_below = *line;
    }
    scales
}

/// `registers/exceptions.yaml`.
pub(super) fn exceptions_yaml(
    text_: &str,
    file: FileId,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Exception> {
    let places = Places::new(text_, file);
    let raw: RawExceptions = match strict_yaml(text_) {
        Ok(raw) => raw,
        Err(e) => {
            diagnostics.push(places.yaml_error(e, "the exceptions register"));
            return Vec::new();
        }
    };
    let mut out: Vec<Exception> = (raw.exceptions.into_iter())
        .filter_map(|(id, e)| {
            let span = places.of(&id);
            if !valid_id(&id, &span, diagnostics) {
                return None;
            }
            let entry = format!("exception `{}`", id.trim());
            let title = required(&e.title, "title", &entry, &span, diagnostics);
            let reason = required(&e.reason, "reason", &entry, &span, diagnostics);
            if e.controls.is_empty() && e.documents.is_empty() {
                diagnostics.push(
                    Diagnostic::error(
                        Code::InvalidRegister,
                        format!("{entry} names no control or document it departs from"),
                    )
                    .at(span.clone())
                    .hint("list them under `controls` or `documents`"),
                );
            }
            let expires = match &e.expires {
                Some(d) => date(d, &places, diagnostics).map(|x| (x, places.of(d))),
                None => {
                    diagnostics.push(
                        Diagnostic::error(
                            Code::InvalidRegister,
                            format!("{entry} has no `expires`"),
                        )
                        .at(span.clone())
                        .hint("every exception ends: add `expires: YYYY-MM-DD`"),
                    );
                    None
                }
            };
            let approved = e
                .approved_by
                .as_ref()
                .map(|by| approval(Some(by), e.approved_on.as_ref(), &places, diagnostics));
            Some(Exception {
                id: id.trim().to_string(),
                span,
                title,
                controls: refs(&e.controls, &places),
                documents: refs(&e.documents, &places),
                risks: refs(&e.risks, &places),
                reason,
                compensating_controls: refs(&e.compensating_controls, &places),
                compensating: text(&e.compensating),
                requested_by: text(&e.requested_by),
                approved,
                expires,
            })
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

/// `registers/risks.csv`: a row per risk, the columns of the YAML fields (`residual_likelihood`,
/// `accepted_by`, ...), lists `;`-separated. The default scales apply.
pub(super) fn risks_csv(
    text_: &str,
    file: FileId,
    book_scales: &Scales,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Scales, Vec<Risk>) {
    const COLUMNS: [&str; 16] = [
        "id",
        "title",
        "owner",
        "assets",
        "threat",
        "vulnerability",
        "likelihood",
        "impact",
        "treatment",
        "controls",
        "documents",
        "residual_likelihood",
        "residual_impact",
        "accepted_by",
        "accepted_on",
        "review_by",
    ];
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .flexible(true)
        .from_reader(text_.as_bytes());
    let error = |at: usize, message: String, hint: &str| {
        Diagnostic::error(Code::InvalidRegister, message)
            .at(Span {
                file,
                range: at..at,
            })
            .hint(hint.to_string())
    };
    let Ok(headers) = reader.headers().cloned() else {
        diagnostics.push(error(
            0,
            "the risk register has no header row".into(),
            "start with `id,title,owner,...`",
        ));
        return (Scales::default(), Vec::new());
    };
    let header_at = headers.position().map_or(0, |p| p.byte() as usize);
    let names: Vec<String> = headers.iter().map(|h| h.trim().to_lowercase()).collect();
    if let Some(bad) = names.iter().find(|n| !COLUMNS.contains(&n.as_str())) {
        diagnostics.push(error(
            header_at,
            format!("unknown column `{bad}` in the risk register"),
            &format!("the columns are {}", COLUMNS.join(", ")),
        ));
        return (Scales::default(), Vec::new());
    }
    // The register as YAML, then read as YAML: one set of rules for both forms. Each value
    // keeps its place through a map from the YAML's lines back to the CSV's.
    let column = |name: &str| names.iter().position(|n| n == name);
    let mut yaml = String::from("risks:\n");
    let mut origin: Vec<usize> = vec![0];
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let at = e.position().map_or(0, |p| p.byte() as usize);
                diagnostics.push(error(
                    at,
                    format!("the risk register: {e}"),
                    "check the quoting of that row",
                ));
                continue;
            }
        };
        let at = record.position().map_or(0, |p| p.byte() as usize);
        let cell = |name: &str| {
            column(name)
                .and_then(|i| record.get(i))
                .unwrap_or("")
                .trim()
        };
        let q = |s: &str| serde_json::to_string(s).unwrap_or_default();
        let list = |name: &str| {
            let items: Vec<String> = cell(name)
                .split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(q)
                .collect();
            format!("[{}]", items.join(", "))
        };
        let mut push = |line: String| {
            yaml.push_str(&line);
            yaml.push('\n');
            origin.push(at);
        };
        push(format!("  {}:", q(cell("id"))));
        for name in [
            "title",
            "owner",
            "threat",
            "vulnerability",
            "likelihood",
            "impact",
            "treatment",
            "review_by",
        ] {
            if !cell(name).is_empty() {
                push(format!("    {name}: {}", q(cell(name))));
            }
        }
        for name in ["assets", "controls", "documents"] {
            push(format!("    {name}: {}", list(name)));
        }
        if !cell("residual_likelihood").is_empty() || !cell("residual_impact").is_empty() {
            push(format!(
                "    residual: {{ likelihood: {}, impact: {} }}",
                q(cell("residual_likelihood")),
                q(cell("residual_impact"))
            ));
        }
        if !cell("accepted_by").is_empty() {
            let on = match cell("accepted_on") {
                "" => String::new(),
                on => format!(", on: {}", q(on)),
            };
            push(format!(
                "    accepted: {{ by: {}{on} }}",
                q(cell("accepted_by"))
            ));
        }
    }
    let mut found = Vec::new();
    let (scales, risks) = risks_yaml(&yaml, file, book_scales, &mut found);
    // Back to the CSV: a diagnostic's place is the start of its row.
    let line_of = |offset: usize| yaml[..offset.min(yaml.len())].matches('\n').count();
    let remap = |span: &mut Span| {
        let row = origin.get(line_of(span.range.start)).copied().unwrap_or(0);
        span.range = row..row;
    };
    for mut d in found {
        if let Some(span) = d.span.as_mut() {
            remap(span);
        }
        diagnostics.push(d);
    }
    let risks = risks
        .into_iter()
        .map(|mut r| {
            remap(&mut r.span);
            for x in r.controls.iter_mut().chain(r.documents.iter_mut()) {
                remap(&mut x.span);
            }
            if let Some((_, s)) = r.review_by.as_mut() {
                remap(s);
            }
            r
        })
        .collect();
    (scales, risks)
}
