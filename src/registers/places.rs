//! Where a register's values are: marked_yaml's line and column turned into spans of the file.

use marked_yaml::Spanned;

use crate::diagnostic::{offset_of, Code, Diagnostic, FileId, Span};

pub(super) type Text = Spanned<String>;

/// Turns marked_yaml's places into spans of one file.
pub(super) struct Places<'a> {
    text: &'a str,
    file: FileId,
    /// Byte offset of each line's start: a register of thousands of risks has tens of
    /// thousands of places, and finding each from the file's start took seconds.
    line_starts: Vec<usize>,
}

impl<'a> Places<'a> {
    pub(super) fn new(text: &'a str, file: FileId) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Places {
            text,
            file,
            line_starts,
        }
    }

    /// Byte offset of 1-based `line` and `column` (in characters), as [`offset_of`] finds it.
    fn offset(&self, line: usize, column: usize) -> usize {
        match self.line_starts.get(line.saturating_sub(1)) {
            Some(&start) => start + offset_of(&self.text[start..], 1, column),
            None => self.text.len(),
        }
    }

    pub(super) fn at(&self, span: &marked_yaml::Span, len: usize) -> Span {
        let start = span
            .start()
            .map_or(0, |m| self.offset(m.line(), m.column()));
        let end = (start + len).min(self.text.len());
        Span {
            file: self.file,
            range: start..end,
        }
    }

    pub(super) fn of(&self, t: &Text) -> Span {
        self.at(t.span(), t.len())
    }

    pub(super) fn whole(&self) -> Span {
        Span {
            file: self.file,
            range: 0..0,
        }
    }

    pub(super) fn yaml_error(&self, e: marked_yaml::FromYamlError, what: &str) -> Diagnostic {
        let (marker, message) = match &e {
            marked_yaml::FromYamlError::ParseYaml(load) => (load_marker(load), e.to_string()),
            marked_yaml::FromYamlError::FromNode(node) => (node.start_mark(), node.to_string()),
        };
        let start = marker.map_or(0, |m| self.offset(m.line(), m.column()));
        Diagnostic::error(Code::InvalidRegister, format!("{what}: {message}"))
            .at(Span {
                file: self.file,
                range: start..start,
            })
            .hint(match &e {
                marked_yaml::FromYamlError::ParseYaml(marked_yaml::LoadError::DuplicateKey(_)) => {
                    "each id and key is written once: merge the two entries, or give one a new id"
                        .to_string()
                }
                _ => format!("see the README's \"Risks and exceptions\" for the shape of {what}"),
            })
    }
}

fn load_marker(e: &marked_yaml::LoadError) -> Option<marked_yaml::Marker> {
    use marked_yaml::LoadError::*;
    match e {
        TopLevelMustBeMapping(m)
        | TopLevelMustBeSequence(m)
        | UnexpectedAnchor(m)
        | MappingKeyMustBeScalar(m)
        | UnexpectedTag(m)
        | ScanError(m, _) => Some(*m),
        DuplicateKey(inner) => inner.key.span().start().copied(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_those_offset_of_finds() {
        let text = "risks:\n  R-1:\n    title: Zugriff für Außendienst\n\n    owner: 情報セキュリティ\nlast";
        let places = Places::new(text, 0);
        for line in 1..=8 {
            for column in 1..=40 {
                assert_eq!(
                    places.offset(line, column),
                    offset_of(text, line, column),
                    "{line}:{column}"
                );
            }
        }
    }
}
