//! The text of every file the build read, and positions in it (line and column of a byte
//! offset, and back). Kept apart from the renderers because every stage adds to it and the
//! checks ask it where things are, whatever report is written in the end.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{Diagnostic, FileId, Severity};

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
    pub(super) files: Vec<Source>,
    /// Prepended to paths when rendering for people, so paths work from their shell's folder.
    pub(super) shown_from: PathBuf,
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
                d.code.as_str(),
            )
        });
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

pub(super) fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Code, Span};

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

    /// Diagnostics at one place come in the order of their codes' names, as people read
    /// them (and as reports of earlier versions listed them), not in the enum's order.
    #[test]
    fn diagnostics_at_one_place_are_sorted_by_the_name_of_their_code() {
        let mut sources = Sources::default();
        let file = sources.add("content/a.md".into(), "---\nid: A\n---\n".into());
        let at = Span { file, range: 4..9 };
        let mut found = vec![
            Diagnostic::warning(Code::MissingApprover, "no approver").at(at.clone()),
            Diagnostic::warning(Code::MissingApprovalDate, "no date").at(at),
        ];
        sources.sort(&mut found);
        let codes: Vec<&str> = found.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, ["missing-approval-date", "missing-approver"]);
    }
}
