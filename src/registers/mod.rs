//! The risk and exception registers: `registers/risks.yaml` (or `.csv`) and
//! `registers/exceptions.yaml`, read beside the documents so that the SoA's justifications,
//! the controls and the documents can be checked against the risks they treat.
//!
//! This module reads the files into [`Registers`], every value with its place; what the ids
//! name is resolved by the model (see `model::risks`), and the rules are in `check`.

mod parse;
mod places;

use std::path::Path;

use chrono::NaiveDate;

use crate::config::BookSettings;
use crate::diagnostic::{Code, Diagnostic, FileId, Sources, Span};
use crate::document::Ref;

/// Where a book keeps its registers, beside `book.toml`.
pub(crate) const DIR: &str = "registers";

/// Likelihood and impact words in rising order, and the acceptance line.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Scales {
    pub likelihood: Vec<String>,
    pub impact: Vec<String>,
    /// A score (likelihood rank x impact rank, ranks from 1) at or below this is acceptable.
    pub accept_at_or_below: usize,
}

impl Default for Scales {
    fn default() -> Scales {
        let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect();
        Scales {
            likelihood: words(&["rare", "unlikely", "possible", "likely", "almost-certain"]),
            impact: words(&["negligible", "minor", "moderate", "major", "severe"]),
            accept_at_or_below: 6,
        }
    }
}

impl Scales {
    /// `[registers.scales]` of book.toml over the defaults (a scale of fewer than two words is
    /// reported where the settings are checked, and left out here).
    fn of_book(book: &crate::config::ScalesConfig) -> Scales {
        let mut scales = Scales::default();
        for (words, into) in [
            (&book.likelihood, &mut scales.likelihood),
            (&book.impact, &mut scales.impact),
        ] {
            if let Some(words) = words
                .as_deref()
                .and_then(crate::config::ScalesConfig::scale)
            {
                *into = words;
            }
        }
        if let Some(line) = book.accept_at_or_below {
            scales.accept_at_or_below = line;
        }
        scales
    }

    /// The highest score the scales allow.
    pub(crate) fn max_score(&self) -> usize {
        self.likelihood.len() * self.impact.len()
    }

    /// `low` at or below the acceptance line, `high` above half the highest score, else
    /// `medium`.
    pub(crate) fn level(&self, score: usize) -> Level {
        if score <= self.accept_at_or_below {
            Level::Low
        } else if score * 2 > self.max_score() {
            Level::High
        } else {
            Level::Medium
        }
    }
}

/// A band of scores, for filters and colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Level {
    Low,
    Medium,
    High,
}

impl Level {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
        }
    }
}

/// A likelihood and an impact, as ranks from 1 on the scales.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Rating {
    pub likelihood: usize,
    pub impact: usize,
}

impl Rating {
    pub(crate) fn score(self) -> usize {
        self.likelihood * self.impact
    }
}

/// What is done about a risk (ISO/IEC 27001 6.1.3 a).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Treatment {
    Mitigate,
    Accept,
    Avoid,
    Transfer,
}

impl Treatment {
    pub(crate) const ALL: [Treatment; 4] = [
        Treatment::Mitigate,
        Treatment::Accept,
        Treatment::Avoid,
        Treatment::Transfer,
    ];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Treatment::Mitigate => "mitigate",
            Treatment::Accept => "accept",
            Treatment::Avoid => "avoid",
            Treatment::Transfer => "transfer",
        }
    }
}

/// Who accepted a risk or approved an exception, and when.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub(crate) struct Approval {
    pub by: String,
    pub on: Option<NaiveDate>,
}

/// Where a plan action stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Status {
    Open,
    InProgress,
    Done,
}

impl Status {
    pub(crate) const ALL: [Status; 3] = [Status::Open, Status::InProgress, Status::Done];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::InProgress => "in-progress",
            Status::Done => "done",
        }
    }
}

/// One action of the risk treatment plan (6.1.3 e).
#[derive(Debug, Clone)]
pub(crate) struct Action {
    pub action: String,
    pub owner: Option<String>,
    pub due: Option<NaiveDate>,
    pub status: Status,
    /// The action's entry, for diagnostics.
    pub span: Span,
}

/// A risk of the register.
#[derive(Debug, Clone)]
pub(crate) struct Risk {
    pub id: String,
    /// The id where it is written.
    pub span: Span,
    pub title: String,
    pub owner: String,
    pub assets: Vec<String>,
    pub threat: Option<String>,
    pub vulnerability: Option<String>,
    /// Before treatment.
    pub inherent: Rating,
    /// After treatment, when assessed.
    pub residual: Option<Rating>,
    pub treatment: Treatment,
    /// ISO/IEC 27001:2022 controls or qualified requirements, as written.
    pub controls: Vec<Ref>,
    pub documents: Vec<Ref>,
    pub accepted: Option<Approval>,
    pub review_by: Option<(NaiveDate, Span)>,
    pub plan: Vec<Action>,
}

impl Risk {
    /// The rating that stands after treatment: the residual one, else the inherent one.
    pub(crate) fn current(&self) -> Rating {
        self.residual.unwrap_or(self.inherent)
    }
}

/// A granted departure from a control or a document.
#[derive(Debug, Clone)]
pub(crate) struct Exception {
    pub id: String,
    pub span: Span,
    pub title: String,
    pub controls: Vec<Ref>,
    pub documents: Vec<Ref>,
    pub risks: Vec<Ref>,
    pub reason: String,
    pub compensating_controls: Vec<Ref>,
    pub compensating: Option<String>,
    pub requested_by: Option<String>,
    pub approved: Option<Approval>,
    pub expires: Option<(NaiveDate, Span)>,
}

/// Both registers of a book; empty when it keeps none.
#[derive(Debug, Clone, Default)]
pub(crate) struct Registers {
    pub scales: Scales,
    /// Sorted by id.
    pub risks: Vec<Risk>,
    /// Sorted by id.
    pub exceptions: Vec<Exception>,
    /// The register files read, as the book names them (`registers/risks.yaml`).
    pub files: Vec<String>,
}

impl Registers {
    pub(crate) fn is_empty(&self) -> bool {
        self.risks.is_empty() && self.exceptions.is_empty()
    }

    pub(crate) fn risk(&self, id: &str) -> Option<usize> {
        self.risks.binary_search_by(|r| r.id.as_str().cmp(id)).ok()
    }

    /// `word` is shaped like the register's risk ids (a prefix some risk has, `-`, digits),
    /// so where it names nothing it is a risk missing from the register.
    pub(crate) fn looks_like_risk(&self, word: &str) -> bool {
        word.rsplit_once('-').is_some_and(|(prefix, n)| {
            !n.is_empty()
                && n.bytes().all(|b| b.is_ascii_digit())
                && (self.risks.iter())
                    .any(|r| r.id.rsplit_once('-').is_some_and(|(p, _)| p == prefix))
        })
    }
}

/// Reads `registers/` of the book at `settings.root`.
pub(crate) fn read(
    settings: &BookSettings,
    sources: &mut Sources,
) -> anyhow::Result<(Registers, Vec<Diagnostic>)> {
    let root = &settings.root;
    let mut registers = Registers::default();
    let mut diagnostics = Vec::new();
    let risks = ["risks.yaml", "risks.yml", "risks.csv"]
        .into_iter()
        .map(|name| format!("{DIR}/{name}"))
        .filter(|rel| root.join(rel).is_file())
        .collect::<Vec<_>>();
    if risks.len() > 1 {
        let file = add(root, &risks[1], sources, &mut diagnostics)?;
        diagnostics.push(
            Diagnostic::error(
                Code::InvalidRegister,
                format!(
                    "the risk register is both `{}` and `{}`",
                    risks[0], risks[1]
                ),
            )
            .at(Span { file, range: 0..0 })
            .hint("keep one file for the register"),
        );
    }
    if let Some(rel) = risks.first() {
        let file = add(root, rel, sources, &mut diagnostics)?;
        let book_scales = Scales::of_book(&settings.config.registers.scales);
        let (scales, list) = if rel.ends_with(".csv") {
            parse::risks_csv(sources.text(file), file, &book_scales, &mut diagnostics)
        } else {
            parse::risks_yaml(sources.text(file), file, &book_scales, &mut diagnostics)
        };
        registers.scales = scales;
        registers.risks = list;
        registers.files.push(rel.clone());
    }
    let exceptions = format!("{DIR}/exceptions.yaml");
    if root.join(&exceptions).is_file() {
        let file = add(root, &exceptions, sources, &mut diagnostics)?;
        registers.exceptions = parse::exceptions_yaml(sources.text(file), file, &mut diagnostics);
        registers.files.push(exceptions);
    }
    Ok((registers, diagnostics))
}

/// Reads a register file into `sources`.
fn add(
    root: &Path,
    rel: &str,
    sources: &mut Sources,
    diagnostics: &mut Vec<Diagnostic>,
) -> anyhow::Result<FileId> {
    let bytes =
        std::fs::read(root.join(rel)).map_err(|e| anyhow::anyhow!("cannot read {rel}: {e}"))?;
    let (text, bad_utf8) = crate::text::decode(bytes);
    let file = sources.add(rel.into(), text);
    if let Some(at) = bad_utf8 {
        diagnostics.push(
            Diagnostic::error(Code::InvalidUtf8, format!("{rel} is not valid UTF-8"))
                .at(Span {
                    file,
                    range: at..at,
                })
                .hint("save the file as UTF-8"),
        );
    }
    Ok(file)
}
