//! Problems found in a book, with where they are and what to do about them.
//!
//! A [`Diagnostic`] is a value, never an `Err` that stops the pipeline: every stage collects
//! them so that a user sees all of their mistakes at once. [`Sources`] keeps the text of every
//! file read, so a diagnostic can carry a byte span and be shown with its line and a caret.
//!
//! The types are here; [`Sources`] and positions in its text are in `sources`, and the
//! ways diagnostics are shown each have their part: `report` (for people), `github`
//! (workflow annotations) and [`termcolor_like`] (where a report is written). `hints` finds
//! the did-you-means that many hints give, and `code` lists every code.

mod code;
mod github;
mod hints;
mod report;
mod sources;
pub mod termcolor_like;

pub use code::Code;
pub use hints::{did_you_mean, unknown_field_hint};
pub use report::{digest, Digest, Entry, SHOWN_PER_CODE};
pub use sources::{display_path, line_col, offset_of, Located, Source, Sources};

use std::ops::Range;

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
