//! Output targets for rendered diagnostics: a colour terminal or a plain string. Kept apart
//! so that the report is written the same way to both, and tests read it as a string.

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
