//! Diagnostics as GitHub Actions workflow commands (`::error file=…,line=…::message`), so
//! that a pull request shows each problem on its line. Kept apart because it is GitHub's
//! format, with GitHub's escaping.

use super::{display_path, Diagnostic, Severity, Sources};

/// Escapes the message part of a GitHub Actions workflow command.
fn escape_workflow_data(v: &str) -> String {
    v.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

impl Sources {
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
}
