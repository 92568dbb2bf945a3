//! Raw front matter -> [`Document`]: required fields present, enums and dates valid.
//!
//! References (clauses, controls, related) keep their spans here and are resolved against the
//! catalog and the other documents by [`crate::model`].

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;

use crate::diagnostic::Code;
use crate::diagnostic::{did_you_mean, Diagnostic, FileId, Sources, Span};
use crate::load::front_matter::{self, item_ranges, value_range, Split};
use crate::load::SourceFile;
use crate::yaml::Text;

mod fields;
mod id;

use fields::Resolver;
pub use id::{is_valid_id, mixed_scripts, unusual_characters};

/// What kind of documented information a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DocKind {
    Policy,
    Standard,
    Procedure,
    Guideline,
    Plan,
    Record,
}

impl DocKind {
    pub const ALL: [DocKind; 6] = [
        DocKind::Policy,
        DocKind::Standard,
        DocKind::Procedure,
        DocKind::Guideline,
        DocKind::Plan,
        DocKind::Record,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Policy => "policy",
            DocKind::Standard => "standard",
            DocKind::Procedure => "procedure",
            DocKind::Guideline => "guideline",
            DocKind::Plan => "plan",
            DocKind::Record => "record",
        }
    }
}

/// Where a document is in its approval life cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Draft,
    InReview,
    Approved,
    Retired,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Draft,
        Status::InReview,
        Status::Approved,
        Status::Retired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::InReview => "in-review",
            Status::Approved => "approved",
            Status::Retired => "retired",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How often a document is reviewed, e.g. `12 months`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Interval {
    Days(u32),
    Months(u32),
}

impl Interval {
    /// Reads `N days|weeks|months|years` (also `12m`, `1y`, `6 wk`, `90d`, `every 2 years`) and
    /// the words annually, semi-annually, quarterly, monthly, weekly, biennially.
    pub fn parse(text: &str) -> Option<Interval> {
        let lower = text.trim().to_ascii_lowercase();
        let t = lower.strip_prefix("every ").unwrap_or(&lower).trim();
        match t {
            "annually" | "annual" | "yearly" | "year" => return Some(Interval::Months(12)),
            "semi-annually" | "semiannually" | "half-yearly" | "twice a year" => {
                return Some(Interval::Months(6))
            }
            "quarterly" | "quarter" => return Some(Interval::Months(3)),
            "monthly" | "month" => return Some(Interval::Months(1)),
            "biennially" | "biennial" => return Some(Interval::Months(24)),
            "weekly" | "week" => return Some(Interval::Days(7)),
            _ => {}
        }
        // `12 months`, `12months`, `12m`, `1 y`, `6 wk`, `90d`.
        let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        let (n, unit) = t.split_at(digits);
        let n: u32 = n.parse().ok().filter(|n| (1..=1200).contains(n))?;
        match unit.trim() {
            "d" | "day" | "days" => Some(Interval::Days(n)),
            "w" | "wk" | "wks" | "week" | "weeks" => Some(Interval::Days(n * 7)),
            "m" | "mo" | "mos" | "month" | "months" => Some(Interval::Months(n)),
            "y" | "yr" | "yrs" | "year" | "years" => Some(Interval::Months(n * 12)),
            _ => None,
        }
    }

    /// The date one interval after `date` (month ends clamp: Jan 31 + 1 month = Feb 28).
    pub fn after(self, date: NaiveDate) -> Option<NaiveDate> {
        match self {
            Interval::Days(n) => date.checked_add_days(chrono::Days::new(u64::from(n))),
            Interval::Months(n) => date.checked_add_months(chrono::Months::new(n)),
        }
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (n, unit) = match *self {
            Interval::Months(n) if n % 12 == 0 => (n / 12, "year"),
            Interval::Months(n) => (n, "month"),
            Interval::Days(n) if n % 7 == 0 => (n / 7, "week"),
            Interval::Days(n) => (n, "day"),
        };
        write!(f, "{n} {unit}{}", if n == 1 { "" } else { "s" })
    }
}

/// A reference written in front matter, with where it was written.
#[derive(Debug, Clone)]
pub struct Ref {
    pub target: String,
    pub span: Span,
}

/// One document of the book, its front matter validated.
#[derive(Debug, Clone)]
pub struct Document {
    pub file: FileId,
    /// Path relative to the content folder.
    pub rel: PathBuf,
    pub id: String,
    pub id_span: Span,
    pub title: String,
    pub kind: Option<DocKind>,
    pub owner: Option<String>,
    pub approver: Option<String>,
    pub version: Option<String>,
    pub status: Status,
    pub classification: Option<String>,
    pub effective: Option<NaiveDate>,
    pub approved_on: Option<NaiveDate>,
    pub last_reviewed: Option<NaiveDate>,
    pub review_interval: Option<Interval>,
    /// When the next review is due: `review_by`, else `last_reviewed` plus `review_interval`.
    pub review_by: Option<NaiveDate>,
    /// Where the due date comes from (`review_by` or `last_reviewed`; the `---` line when
    /// neither is written).
    pub review_span: Span,
    pub clauses: Vec<Ref>,
    pub controls: Vec<Ref>,
    pub related: Vec<Ref>,
    /// `risks:`, ids of the risk register (see [`crate::registers`]).
    pub risks: Vec<Ref>,
    pub tags: Vec<String>,
    /// `audience:`, ids of the book's `[audiences]` who must read it.
    pub audience: Vec<Ref>,
    /// `extra:`, the organisation's own fields.
    pub extra: crate::yaml::Extra,
    /// `aliases:`, old site paths that redirect to this page, checked by
    /// [`crate::paths::redirect_file`].
    pub aliases: Vec<Ref>,
    /// Byte offset of the Markdown body in the file's text.
    pub body_start: usize,
    /// A hash of the body alone: a front-matter edit leaves the rendered body as it was.
    pub body_hash: u64,
}

impl Document {
    pub fn body<'a>(&self, sources: &'a Sources) -> &'a str {
        &sources.text(self.file)[self.body_start..]
    }
}

/// A file whose front matter could not be read, but whose `id:` line could: references to it
/// are not reported as dangling, which would only repeat the real error.
#[derive(Debug, Clone)]
pub struct Broken {
    pub id: Option<String>,
    /// The file, and its path relative to the content folder.
    pub file: FileId,
    pub rel: PathBuf,
}

/// One file's parse: the document (when usable; shared, so reusing it costs no copy) and
/// what was wrong with it.
pub type Parse = (Option<Arc<Document>>, Vec<Diagnostic>);

/// Parse results by file and text hash, kept between rebuilds by `serve` and `watch`.
pub type ParseCache = std::collections::HashMap<(FileId, u64), Parse>;

/// A hash of a file's text.
pub fn text_hash(text: &str) -> u64 {
    // Every file is hashed on every rebuild under `serve`: xxh3 reads 38 MB in a few ms.
    crate::key::of_bytes(text.as_bytes())
}

/// Parses every source's front matter, in parallel, keeping the sources' order, reusing results
/// for files whose text is unchanged; `cache` is replaced by the results of this round.
pub fn parse_all(
    files: &[SourceFile],
    sources: &Sources,
    cache: &mut ParseCache,
) -> (Vec<Arc<Document>>, Vec<Broken>, Vec<Diagnostic>) {
    let previous = std::mem::take(cache);
    let results: Vec<((FileId, u64), Parse)> = files
        .par_iter()
        .map(|f| {
            let key = (f.file, text_hash(sources.text(f.file)));
            let result = match previous.get(&key) {
                Some((doc, diags)) if doc.as_ref().is_none_or(|d| d.rel == f.rel) => {
                    (doc.clone(), diags.clone())
                }
                _ => {
                    let (doc, diags) = parse(f, sources);
                    (doc.map(Arc::new), diags)
                }
            };
            (key, result)
        })
        .collect();
    let results: Vec<Parse> = results
        .into_iter()
        .map(|(key, result)| {
            cache.insert(key, result.clone());
            result
        })
        .collect();
    let mut documents = Vec::with_capacity(results.len());
    let mut broken = Vec::new();
    let mut diagnostics = Vec::new();
    for (f, (doc, diags)) in files.iter().zip(results) {
        match doc {
            Some(d) => documents.push(d),
            None => broken.push(Broken {
                id: sniff_id(sources.text(f.file)),
                file: f.file,
                rel: f.rel.clone(),
            }),
        }
        diagnostics.extend(diags);
    }
    (documents, broken, diagnostics)
}

/// Reads one file's front matter into a [`Document`]; `None` when it cannot be used.
pub fn parse(source: &SourceFile, sources: &Sources) -> (Option<Document>, Vec<Diagnostic>) {
    let file = source.file;
    let text = sources.text(file);
    let parsed = match front_matter::parse(text, file) {
        Ok(p) => p,
        Err(d) => return (None, vec![d]),
    };
    let mut r = Resolver {
        file,
        split: &parsed.split,
        diagnostics: Vec::new(),
    };
    let raw = parsed.raw;
    let id = r.required(raw.id, "id", "a unique document id, e.g. `id: POL-AC-001`");
    let title = r.required(
        raw.title,
        "title",
        "the document's title, e.g. `title: Access Control Policy`",
    );
    if let Some(id) = &id {
        r.check_id(id);
    }
    let kind = raw
        .kind
        .and_then(|k| r.choice(&k, "type", &DocKind::ALL, DocKind::as_str));
    let status = match raw.status {
        Some(s) => r.choice(&s, "status", &Status::ALL, Status::as_str),
        None => {
            r.diagnostics.push(
                Diagnostic::warning(
                    Code::MissingStatus,
                    "this document has no status; it is treated as a draft",
                )
                .at(r.span(0..0))
                .hint("add `status: approved` (or draft, in-review, retired)"),
            );
            Some(Status::Draft)
        }
    };
    let effective = r.date(raw.effective, "effective");
    let approved_on = r.date(raw.approved_on, "approved_on");
    let last_reviewed = r.date(raw.last_reviewed, "last_reviewed");
    let review_interval = raw
        .review_interval
        .and_then(|v| r.interval(&v, "review_interval"));
    let written_review_by = r.date(raw.review_by, "review_by");
    let (review_by, review_key) = r.review_due(
        written_review_by,
        last_reviewed,
        review_interval,
        approved_on,
        effective,
    );
    if let (Some(e), Some(rb)) = (effective, review_by) {
        if rb < e {
            r.diagnostics.push(
                Diagnostic::warning(
                    Code::ReviewBeforeEffective,
                    format!("the review date {rb} is before the effective date {e}"),
                )
                .at_opt(value_range(r.split.yaml, "review_by").map(|x| r.span(x)))
                .hint("check the dates"),
            );
        }
    }
    let clauses = r.refs(raw.clauses, "clauses");
    let controls = r.refs(raw.controls, "controls");
    let related = r.refs(raw.related, "related");
    let risks = r.refs(raw.risks, "risks");
    let audience = r.refs(raw.audience, "audience");
    let tags = raw
        .tags
        .unwrap_or_default()
        .into_iter()
        .map(|t| t.0)
        .collect();
    let aliases = r.refs(raw.aliases, "aliases");
    for alias in &aliases {
        if let Some((name, why)) = crate::paths::unportable_redirect(&alias.target) {
            r.diagnostics.push(
                Diagnostic::error(
                    Code::UnportableName,
                    format!("the alias `{}` cannot be published: `{name}` is not a portable file name ({why})", alias.target),
                )
                .at(alias.span.clone())
                .hint(format!("rename `{name}` so the site and its bundle can be opened on Windows too")),
            );
        } else if crate::paths::redirect_file(&alias.target).is_none() {
            r.diagnostics.push(
                Diagnostic::error(
                    Code::InvalidValue,
                    format!("the alias `{}` is not a path inside the site", alias.target),
                )
                .at(alias.span.clone())
                .hint("give the page's old path from the site's root, e.g. `/docs/policies/old-name.html`"),
            );
        }
    }
    let empty = |t: Option<Text>| t.map(|t| t.0.trim().to_string()).filter(|t| !t.is_empty());
    let doc = match (id, title, status) {
        (Some(id), Some(title), Some(status)) if !r.has_errors() => Some(Document {
            file,
            rel: source.rel.clone(),
            id_span: r.value_span("id"),
            id,
            title,
            kind,
            owner: empty(raw.owner),
            approver: empty(raw.approver),
            version: empty(raw.version),
            status,
            classification: empty(raw.classification),
            effective,
            approved_on,
            last_reviewed,
            review_interval,
            review_by,
            review_span: r.value_span(review_key),
            clauses,
            controls,
            related,
            risks,
            tags,
            audience,
            extra: raw.extra.unwrap_or_default(),
            aliases,
            body_start: parsed.split.body_start,
            body_hash: text_hash(&text[parsed.split.body_start..]),
        }),
        _ => None,
    };
    (doc, r.diagnostics)
}

/// Finds an `id:` line without a YAML parser, for files whose front matter is broken.
fn sniff_id(text: &str) -> Option<String> {
    text.lines()
        .take(200)
        .find_map(|l| l.strip_prefix("id:"))
        .map(|v| v.trim().trim_matches(['"', '\'']).to_string())
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> (Option<Document>, Vec<Diagnostic>, Sources) {
        let mut sources = Sources::default();
        let file = sources.add("content/a.md".into(), text.into());
        let (d, diags) = parse(
            &SourceFile {
                file,
                rel: "a.md".into(),
            },
            &sources,
        );
        (d, diags, sources)
    }

    #[test]
    fn a_complete_document() {
        let (d, diags, _) = doc(
            "---\nid: POL-1\ntitle: Policy\ntype: policy\nversion: \"2.10\"\nstatus: approved\n\
             effective: 2026-01-15\nreview_by: 2027-01-15\nclauses: [\"5.2\"]\ncontrols:\n  - A.5.1\n---\nBody\n",
        );
        assert!(diags.is_empty(), "{diags:?}");
        let d = d.unwrap();
        assert_eq!(d.version.as_deref(), Some("2.10"));
        assert_eq!(d.status, Status::Approved);
        assert_eq!(d.kind, Some(DocKind::Policy));
        assert_eq!(d.controls[0].target, "A.5.1");
        assert_eq!(d.effective, NaiveDate::from_ymd_opt(2026, 1, 15));
    }

    #[test]
    fn missing_fields_and_bad_values_are_all_reported() {
        let (d, diags, sources) =
            doc("---\ntype: polcy\nstatus: aproved\neffective: 2026-02-30\n---\n");
        assert!(d.is_none());
        let codes: Vec<&str> = diags.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "missing-field",
                "missing-field",
                "invalid-value",
                "invalid-value",
                "invalid-date"
            ]
        );
        assert_eq!(diags[2].hint.as_deref(), Some("did you mean `policy`?"));
        assert_eq!(diags[3].hint.as_deref(), Some("did you mean `approved`?"));
        let loc = sources.locate(&diags[4]);
        assert_eq!((loc.line, loc.column), (Some(4), Some(12)));
    }

    #[test]
    fn invalid_id_characters() {
        let (_, diags, _) = doc("---\nid: POL 1\ntitle: T\nstatus: draft\n---\n");
        assert_eq!(diags[0].code, "invalid-id");
    }

    #[test]
    fn broken_front_matter_still_yields_its_id() {
        assert_eq!(
            sniff_id("---\nid: 'POL-9'\ntitle: [\n---\n"),
            Some("POL-9".into())
        );
    }

    #[test]
    fn intervals_parse_and_add_to_dates() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(Interval::parse("12 months"), Some(Interval::Months(12)));
        assert_eq!(Interval::parse(" 1 Year "), Some(Interval::Months(12)));
        assert_eq!(Interval::parse("annually"), Some(Interval::Months(12)));
        assert_eq!(Interval::parse("6 weeks"), Some(Interval::Days(42)));
        assert_eq!(Interval::parse("90 days"), Some(Interval::Days(90)));
        for bad in [
            "",
            "12",
            "months",
            "0 months",
            "-1 year",
            "fortnightly",
            "1.5 years",
            "9999 years",
        ] {
            assert_eq!(Interval::parse(bad), None, "{bad}");
        }
        assert_eq!(
            Interval::Months(1).after(d("2026-01-31")),
            Some(d("2026-02-28"))
        );
        assert_eq!(
            Interval::Months(12).after(d("2024-02-29")),
            Some(d("2025-02-28"))
        );
        assert_eq!(
            Interval::Days(90).after(d("2026-01-01")),
            Some(d("2026-04-01"))
        );
        assert_eq!(Interval::Months(24).to_string(), "2 years");
        assert_eq!(Interval::Days(7).to_string(), "1 week");
    }

    #[test]
    fn ids_in_one_writing_system_do_not_mix_scripts() {
        assert_eq!(
            mixed_scripts("p\u{43e}l-002"),
            Some(vec!["Latin", "Cyrillic"])
        );
        assert_eq!(mixed_scripts("POL-\u{3b1}"), Some(vec!["Latin", "Greek"]));
        for fine in [
            "POL-AC-001",
            "caf\u{e9}_2.1",
            "\u{43f}\u{43e}\u{43b}-002",
            "\u{3c0}\u{3bf}\u{3bb}.1",
            "\u{60c5}\u{5831}\u{30bb}\u{30ad}\u{30e5}\u{30ea}\u{30c6}\u{30a3}\u{306e}\u{65b9}\u{91dd}-1",
            "POL-\u{60c5}\u{5831}\u{3068}\u{30c7}\u{30fc}\u{30bf}",
            "\u{d55c}\u{ae00}\u{6f22}\u{5b57}-1",
        ] {
            assert_eq!(mixed_scripts(fine), None, "{fine}");
        }
    }
}
