//! The report for people: rustc-style diagnostics with the line and a caret, errors first,
//! repeats of one code counted rather than shown, and a table of counts by code. Kept apart
//! because what a person reads is ordered and trimmed, unlike the JSON and the annotations.

use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic as Report, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term;

use super::sources::floor_char_boundary;
use super::{display_path, termcolor_like, Code, Diagnostic, FileId, Severity, Sources};

impl Sources {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Entry, Span};

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
