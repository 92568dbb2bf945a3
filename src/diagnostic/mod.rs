//! Problems found in a book, with where they are and what to do about them.
//!
//! A [`Diagnostic`] is a value, never an `Err` that stops the pipeline: every stage collects
//! them so that a user sees all of their mistakes at once. [`Sources`] keeps the text of every
//! file read, so a diagnostic can carry a byte span and be shown with its line and a caret.

mod code;

pub use code::Code;

use std::ops::Range;
use std::path::{Path, PathBuf};

use codespan_reporting::diagnostic::{Diagnostic as Report, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term;
use serde::Serialize;

/// How bad a problem is: errors fail `check` and `build`, warnings fail only under `--strict`,
/// notes (a document still in draft, say) are information and never fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Note,
}

/// Escapes the message part of a GitHub Actions workflow command.
fn escape_workflow_data(v: &str) -> String {
    v.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Index of a file in [`Sources`].
pub type FileId = usize;

/// A place in a source file: a byte range in its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub file: FileId,
    pub range: Range<usize>,
}

/// One problem with the book.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable kebab-case name, e.g. `unknown-control`, for people and for CI filters.
    pub code: Code,
    pub span: Option<Span>,
    pub message: String,
    pub hint: Option<String>,
    /// Other places that explain this one (the first definition of a duplicate id, say).
    pub notes: Vec<(Span, String)>,
}

impl Diagnostic {
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            span: None,
            message: message.into(),
            hint: None,
            notes: Vec::new(),
        }
    }

    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    pub fn note_level(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Note,
            ..Diagnostic::error(code, message)
        }
    }

    pub fn at(mut self, span: Span) -> Self {
        self.span = Some(span);
        self
    }

    pub fn at_opt(mut self, span: Option<Span>) -> Self {
        self.span = span;
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn hint_opt(mut self, hint: Option<String>) -> Self {
        self.hint = hint;
        self
    }

    pub fn note(mut self, span: Span, text: impl Into<String>) -> Self {
        self.notes.push((span, text.into()));
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    pub fn is_warning(&self) -> bool {
        self.severity == Severity::Warning
    }
}

/// One source file's path (as shown to the user, relative to the book root) and text.
#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    /// Shared with the read cache of `serve`, so an unchanged file is not copied per rebuild.
    pub text: std::sync::Arc<str>,
}

/// The text of every file the build read, so that diagnostics can quote it.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    files: Vec<Source>,
    /// Prepended to paths when rendering for people, so paths work from their shell's folder.
    shown_from: PathBuf,
}

/// A diagnostic resolved to file, line and column, as `--format json` prints it.
#[derive(Debug, Serialize)]
pub struct Located<'a> {
    pub severity: Severity,
    pub code: &'a str,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: &'a str,
    pub hint: Option<&'a str>,
}

impl Sources {
    pub fn add(&mut self, path: PathBuf, text: String) -> FileId {
        self.add_shared(path, text.into())
    }

    /// [`Sources::add`] for a text that is shared already.
    pub fn add_shared(&mut self, path: PathBuf, text: std::sync::Arc<str>) -> FileId {
        self.files.push(Source { path, text });
        self.files.len() - 1
    }

    /// Replaces a file's text (after an edit that changed nothing else).
    pub fn replace(&mut self, id: FileId, text: std::sync::Arc<str>) {
        self.files[id].text = text;
    }

    /// Shows paths in rendered diagnostics as seen from the folder the user ran the command in.
    pub fn show_paths_from(&mut self, book_dir: &Path) {
        self.shown_from = book_dir.to_path_buf();
    }

    pub fn get(&self, id: FileId) -> &Source {
        &self.files[id]
    }

    pub fn path(&self, id: FileId) -> &Path {
        &self.files[id].path
    }

    pub fn text(&self, id: FileId) -> &str {
        &self.files[id].text
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, file: FileId, offset: usize) -> (usize, usize) {
        line_col(&self.files[file].text, offset)
    }

    /// Resolves a diagnostic to file, line and column.
    pub fn locate<'a>(&self, d: &'a Diagnostic) -> Located<'a> {
        let (file, line, column) = match &d.span {
            Some(span) => {
                let (line, col) = self.line_col(span.file, span.range.start);
                (
                    Some(display_path(self.path(span.file))),
                    Some(line),
                    Some(col),
                )
            }
            None => (None, None, None),
        };
        Located {
            severity: d.severity,
            code: d.code.as_str(),
            file,
            line,
            column,
            message: &d.message,
            hint: d.hint.as_deref(),
        }
    }

    /// A GitHub Actions workflow command (`::error file=…,line=…::message`), so the problem is
    /// shown on its line in a pull request. Paths are as seen from the working folder, which
    /// in a workflow is the repository's root.
    pub fn github_annotation(&self, d: &Diagnostic) -> String {
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let property = |v: &str| {
            escape_workflow_data(v)
                .replace(':', "%3A")
                .replace(',', "%2C")
        };
        let mut props = vec![format!(
            "title={}",
            property(&format!("policybook {}", d.code))
        )];
        if let Some(span) = &d.span {
            let (line, col) = self.line_col(span.file, span.range.start);
            let (end_line, end_col) = self.line_col(span.file, span.range.end);
            let path = display_path(&self.shown_from.join(self.path(span.file)));
            props.insert(0, format!("file={}", property(&path)));
            props.insert(1, format!("line={line}"));
            props.insert(2, format!("col={col}"));
            if end_line == line && end_col > col {
                props.insert(3, format!("endColumn={}", end_col - 1));
            } else if end_line > line {
                props.insert(3, format!("endLine={end_line}"));
            }
        }
        let mut message = d.message.clone();
        if let Some(hint) = &d.hint {
            message.push_str("\nhint: ");
            message.push_str(hint);
        }
        format!(
            "::{level} {}::{}",
            props.join(","),
            escape_workflow_data(&message)
        )
    }

    /// Sorts diagnostics by file, position, severity and code, those without a place last. The
    /// sort is stable, so problems without a place keep the order the checks found them in (clause order, say).
    pub fn sort(&self, diagnostics: &mut [Diagnostic]) {
        // Files ranked by path once, rather than paths compared for every pair of diagnostics.
        let mut order: Vec<FileId> = (0..self.files.len()).collect();
        order.sort_by(|&a, &b| self.files[a].path.cmp(&self.files[b].path));
        let mut rank = vec![0; order.len()];
        for (r, &f) in order.iter().enumerate() {
            rank[f] = r;
        }
        diagnostics.sort_by_key(|d| {
            (
                d.span.is_none(),
                d.span.as_ref().map(|s| (rank[s.file], s.range.start)),
                d.severity,
                d.code,
            )
        });
    }

    /// Renders diagnostics for people, rustc-style (`error[code]: message`, `--> file:line:col`,
    /// the line, a caret, the hint), in [`digest`]'s order: errors first, at most
    /// [`SHOWN_PER_CODE`] of each code unless `all`, each code's rest counted on one line, and a
    /// table of counts by code at the end when there is more than one diagnostic.
    pub fn render_digest(
        &self,
        diagnostics: &[Diagnostic],
        all: bool,
        out: &mut dyn termcolor_like::Sink,
    ) -> std::io::Result<()> {
        let digest = digest(diagnostics, all);
        let mut files = SimpleFiles::new();
        for f in &self.files {
            files.add(display_path(&self.shown_from.join(&f.path)), &*f.text);
        }
        let config = term::Config::default();
        for entry in &digest.entries {
            match entry {
                Entry::Shown(d) => out.emit(&config, &files, &self.to_report(d))?,
                Entry::Omitted {
                    severity,
                    code,
                    count,
                } => out.line(&format!(
                    "... and {count} more {} like this ({code}); run `policybook check --verbose` to see all\n\n",
                    severity.plural(*count)
                ))?,
            }
        }
        if diagnostics.len() > 1 {
            out.line(&summary_table(&digest.counts))?;
        }
        Ok(())
    }

    fn to_report(&self, d: &Diagnostic) -> Report<FileId> {
        let report = match d.severity {
            Severity::Error => Report::error(),
            Severity::Warning => Report::warning(),
            Severity::Note => Report::note(),
        };
        let mut labels = Vec::new();
        if let Some(span) = &d.span {
            labels.push(Label::primary(
                span.file,
                clamp(self.text(span.file), &span.range),
            ));
        }
        for (span, text) in &d.notes {
            labels.push(
                Label::secondary(span.file, clamp(self.text(span.file), &span.range))
                    .with_message(text.clone()),
            );
        }
        let mut notes = Vec::new();
        if let Some(hint) = &d.hint {
            notes.push(format!("help: {hint}"));
        }
        report
            .with_code(d.code)
            .with_message(d.message.clone())
            .with_labels(labels)
            .with_notes(notes)
    }
}

/// How many diagnostics of one code the human report shows before it counts the rest.
pub const SHOWN_PER_CODE: usize = 3;

/// One line of a human report: a diagnostic in full, or how many more of a code are not shown.
#[derive(Debug)]
pub enum Entry<'a> {
    Shown(&'a Diagnostic),
    Omitted {
        severity: Severity,
        code: Code,
        count: usize,
    },
}

/// Diagnostics in the order people read them, and their counts by code.
#[derive(Debug)]
pub struct Digest<'a> {
    pub entries: Vec<Entry<'a>>,
    /// Severity, code and how many, errors first, codes in order of first appearance.
    pub counts: Vec<(Severity, Code, usize)>,
}

/// Errors first, then warnings, then notes. Unless `all`, the diagnostics of each code are
/// kept together (codes in the order they first appear, each in the order given) and only
/// the first [`SHOWN_PER_CODE`] are shown: one mistake repeated in 176 documents must not bury
/// the error that matters. With `all`, every diagnostic in the order given, errors first.
pub fn digest(diagnostics: &[Diagnostic], all: bool) -> Digest<'_> {
    let mut counts: Vec<(Severity, Code, usize)> = Vec::new();
    let mut groups: Vec<Vec<&Diagnostic>> = Vec::new();
    for severity in [Severity::Error, Severity::Warning, Severity::Note] {
        for d in diagnostics.iter().filter(|d| d.severity == severity) {
            match counts
                .iter()
                .position(|(s, code, _)| *s == severity && *code == d.code)
            {
                Some(i) => {
                    counts[i].2 += 1;
                    groups[i].push(d);
                }
                None => {
                    counts.push((severity, d.code, 1));
                    groups.push(vec![d]);
                }
            }
        }
    }
    let entries = if all {
        [Severity::Error, Severity::Warning, Severity::Note]
            .iter()
            .flat_map(|&severity| diagnostics.iter().filter(move |d| d.severity == severity))
            .map(Entry::Shown)
            .collect()
    } else {
        let mut entries = Vec::new();
        for (group, &(severity, code, count)) in groups.iter().zip(&counts) {
            entries.extend(group.iter().take(SHOWN_PER_CODE).map(|d| Entry::Shown(d)));
            if count > SHOWN_PER_CODE {
                entries.push(Entry::Omitted {
                    severity,
                    code,
                    count: count - SHOWN_PER_CODE,
                });
            }
        }
        entries
    };
    Digest { entries, counts }
}

/// The table that ends a human report: how many diagnostics of each code.
fn summary_table(counts: &[(Severity, Code, usize)]) -> String {
    let width = counts
        .iter()
        .map(|(_, code, _)| code.as_str().len())
        .max()
        .unwrap_or(0);
    let mut out = String::from("problems by code:\n");
    for (severity, code, count) in counts {
        out.push_str(&format!(
            "  {:<8} {:<width$} {count:>6}\n",
            severity.name(),
            code.as_str()
        ));
    }
    out.push('\n');
    out
}

impl Severity {
    fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }

    /// "error", "errors", ... as `count` needs.
    fn plural(self, count: usize) -> String {
        format!("{}{}", self.name(), if count == 1 { "" } else { "s" })
    }
}

/// Output targets for rendered diagnostics: a colour terminal or a plain string.
pub mod termcolor_like {
    use codespan_reporting::diagnostic::Diagnostic as Report;
    use codespan_reporting::files::SimpleFiles;
    use codespan_reporting::term::{self, termcolor::StandardStream, Config};

    use super::FileId;

    /// Somewhere a rendered diagnostic can go.
    pub trait Sink {
        fn emit(
            &mut self,
            config: &Config,
            files: &SimpleFiles<String, &str>,
            report: &Report<FileId>,
        ) -> std::io::Result<()>;

        /// A line of plain text between diagnostics.
        fn line(&mut self, text: &str) -> std::io::Result<()>;
    }

    impl Sink for StandardStream {
        fn emit(
            &mut self,
            config: &Config,
            files: &SimpleFiles<String, &str>,
            report: &Report<FileId>,
        ) -> std::io::Result<()> {
            use std::io::Write as _;
            use term::termcolor::{Buffer, WriteColor as _};
            let mut out = self.lock();
            // A Windows console takes colours through calls, not escape codes.
            if out.is_synchronous() {
                return term::emit_to_write_style(&mut out, config, files, report)
                    .map_err(std::io::Error::other);
            }
            // stderr is unbuffered and codespan writes piece by piece: one system call per
            // diagnostic instead of a hundred.
            let mut buffer = if out.supports_color() {
                Buffer::ansi()
            } else {
                Buffer::no_color()
            };
            term::emit_to_write_style(&mut buffer, config, files, report)
                .map_err(std::io::Error::other)?;
            out.write_all(buffer.as_slice())
        }

        fn line(&mut self, text: &str) -> std::io::Result<()> {
            use std::io::Write as _;
            self.lock().write_all(text.as_bytes())
        }
    }

    impl Sink for String {
        fn emit(
            &mut self,
            config: &Config,
            files: &SimpleFiles<String, &str>,
            report: &Report<FileId>,
        ) -> std::io::Result<()> {
            term::emit_to_string(self, config, files, report).map_err(std::io::Error::other)
        }

        fn line(&mut self, text: &str) -> std::io::Result<()> {
            self.push_str(text);
            Ok(())
        }
    }
}

/// A path as shown to users: forward slashes on every platform.
pub fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// 1-based line and column (in characters) of a byte offset into `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// Byte offset of 1-based `line` and `column` (in characters) in `text`, clamped to the text.
pub fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line.max(1) {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let line_text = &text[start..];
    let line_end = line_text.find('\n').unwrap_or(line_text.len());
    let col_offset = line_text[..line_end]
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line_end, |(i, _)| i);
    start + col_offset
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Keeps a label's range inside the text and on character boundaries, so rendering never fails.
fn clamp(text: &str, range: &Range<usize>) -> Range<usize> {
    let start = floor_char_boundary(text, range.start.min(text.len()));
    let mut end = floor_char_boundary(text, range.end.min(text.len())).max(start);
    // A label never spans lines: the caret marks the first line only.
    if let Some(nl) = text[start..end].find('\n') {
        end = start + nl;
    }
    start..end
}

/// Closest candidate to `wrong` by edit distance, if it is close enough to be a plausible typo.
pub fn did_you_mean<'a, I>(wrong: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let lower = wrong.to_lowercase();
    let limit = (lower.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| {
            let cl = c.to_lowercase();
            let distance = strsim::damerau_levenshtein(&lower, &cl);
            let length_gap = lower.len().abs_diff(cl.len());
            // Among equally distant candidates, prefer the one with the same letters (a swap).
            let unlikeness = ((1.0 - strsim::jaro_winkler(&lower, &cl)) * 1e6) as u64;
            ((distance, length_gap, unlikeness), c)
        })
        .filter(|((distance, _, _), _)| *distance <= limit)
        .min()
        .map(|(_, c)| c)
}

/// Reads serde's "unknown field `x`, expected one of `a`, `b`" and suggests the closest field.
pub fn unknown_field_hint(message: &str) -> Option<(String, String)> {
    let start = message.find("unknown field `")?;
    let rest = &message[start + "unknown field `".len()..];
    let (field, rest) = rest.split_once('`')?;
    let expected: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    let hint = match did_you_mean(field, expected.iter().copied()) {
        Some(best) => format!("did you mean `{best}`?"),
        None if expected.is_empty() => "remove this key".to_string(),
        None => format!("the keys allowed here are: {}", expected.join(", ")),
    };
    Some((field.to_string(), hint))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let text = "ab\ncé\nx";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, 6), (2, 3));
        assert_eq!(line_col(text, 7), (3, 1));
        assert_eq!(offset_of(text, 2, 3), 6);
        assert_eq!(offset_of(text, 9, 1), text.len());
    }

    #[test]
    fn unknown_field_suggests_closest() {
        let (field, hint) =
            unknown_field_hint("unknown field `titel`, expected one of `id`, `title`, `type`")
                .unwrap();
        assert_eq!(field, "titel");
        assert_eq!(hint, "did you mean `title`?");
        let (_, hint) =
            unknown_field_hint("unknown field `zzz`, expected one of `id`, `title`").unwrap();
        assert_eq!(hint, "the keys allowed here are: id, title");
    }

    #[test]
    fn the_human_report_puts_errors_first_and_counts_repeats() {
        let mut ds: Vec<Diagnostic> = (0..5)
            .map(|i| Diagnostic::warning(Code::MissingApprover, format!("w{i}")))
            .collect();
        ds.insert(2, Diagnostic::error(Code::BrokenAnchor, "e"));
        ds.push(Diagnostic::note_level(Code::ConfigUnused, "n"));
        let digest = digest(&ds, false);
        let shown: Vec<String> = digest
            .entries
            .iter()
            .map(|e| match e {
                Entry::Shown(d) => d.message.clone(),
                Entry::Omitted { code, count, .. } => format!("+{count} {code}"),
            })
            .collect();
        assert_eq!(shown, ["e", "w0", "w1", "w2", "+2 missing-approver", "n"]);
        assert_eq!(
            digest.counts,
            [
                (Severity::Error, Code::BrokenAnchor, 1),
                (Severity::Warning, Code::MissingApprover, 5),
                (Severity::Note, Code::ConfigUnused, 1)
            ]
        );
        let all = super::digest(&ds, true);
        assert_eq!(all.entries.len(), 7);
        assert!(matches!(all.entries[0], Entry::Shown(d) if d.is_error()));
        let mut out = String::new();
        Sources::default()
            .render_digest(&ds, false, &mut out)
            .unwrap();
        assert!(out.contains("... and 2 more warnings like this (missing-approver); run `policybook check --verbose` to see all"), "{out}");
        assert!(out.ends_with("problems by code:\n  error    broken-anchor         1\n  warning  missing-approver      5\n  note     config-unused         1\n\n"), "{out}");
    }

    #[test]
    fn did_you_mean_ignores_distant_candidates() {
        assert_eq!(did_you_mean("A.5.51", ["A.5.15", "A.8.1"]), Some("A.5.15"));
        assert_eq!(did_you_mean("quux", ["A.5.15", "A.8.1"]), None);
    }

    #[test]
    fn render_shows_file_line_and_hint() {
        let mut sources = Sources::default();
        let id = sources.add("content/a.md".into(), "---\nid: X\n---\nbody\n".into());
        let d = Diagnostic::error(Code::UnknownControl, "unknown control `A.5.51`")
            .at(Span {
                file: id,
                range: 4..9,
            })
            .hint("did you mean `A.5.15`?");
        let mut out = String::new();
        sources.render_digest(&[d], true, &mut out).unwrap();
        assert!(
            out.contains("error[unknown-control]: unknown control `A.5.51`"),
            "{out}"
        );
        assert!(out.contains("content/a.md:2:1"), "{out}");
        assert!(out.contains("help: did you mean `A.5.15`?"), "{out}");
    }
}
