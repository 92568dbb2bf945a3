//! A text rewritten before Markdown is parsed (book variables substituted, MkDocs admonitions
//! turned into block quotes), with the way back to the text as written.
//!
//! Diagnostics must point at the file as the author sees it, so every rewrite records where it
//! replaced what, and [`Rewritten::original`] maps a byte offset or range of the rewritten text
//! back to the original one.

use std::borrow::Cow;
use std::ops::Range;

/// One replacement: `original` bytes of the text as written became `rewritten` bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Replacement {
    original: Range<usize>,
    rewritten: Range<usize>,
}

/// A rewritten text and its replacements, in order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Rewritten<'a> {
    pub text: Cow<'a, str>,
    replacements: Vec<Replacement>,
}

impl<'a> Rewritten<'a> {
    /// The text as written, unchanged.
    pub(crate) fn unchanged(text: &'a str) -> Self {
        Rewritten {
            text: Cow::Borrowed(text),
            replacements: Vec::new(),
        }
    }

    /// Whether nothing was replaced.
    pub(crate) fn is_unchanged(&self) -> bool {
        self.replacements.is_empty()
    }

    /// The offset in the text as written of `offset` in the rewritten text. Inside a
    /// replacement, the start of what it replaced.
    pub(crate) fn original_offset(&self, offset: usize) -> usize {
        let after = self
            .replacements
            .partition_point(|r| r.rewritten.start <= offset);
        match after.checked_sub(1).map(|i| &self.replacements[i]) {
            None => offset,
            Some(r) if offset < r.rewritten.end => r.original.start,
            Some(r) => offset - r.rewritten.end + r.original.end,
        }
    }

    /// [`Rewritten::original_offset`] of both ends; a range inside one replacement becomes
    /// the whole of what it replaced, and one ending inside a replacement ends with it.
    pub(crate) fn original(&self, range: Range<usize>) -> Range<usize> {
        let start = self.original_offset(range.start);
        let end = if range.end > range.start {
            // A range ending inside a replacement takes all of what it replaced.
            let last = range.end - 1;
            let after = self
                .replacements
                .partition_point(|r| r.rewritten.start <= last);
            match after.checked_sub(1).map(|i| &self.replacements[i]) {
                Some(r) if last < r.rewritten.end => r.original.end,
                _ => self.original_offset(last) + 1,
            }
        } else {
            start
        };
        // Replacements that are not empty do not overlap: only the last one starting at or
        // before `range.start` can hold it (a binary search, so a body with many replacements
        // and many problems stays linear).
        let after = self
            .replacements
            .partition_point(|r| r.rewritten.start <= range.start);
        match after.checked_sub(1).map(|i| &self.replacements[i]) {
            Some(r) if range.start < r.rewritten.end && range.end <= r.rewritten.end => {
                r.original.clone()
            }
            _ => start..end.max(start),
        }
    }
}

/// Builds a [`Rewritten`] from left to right: copy what stays, replace what changes.
#[derive(Debug)]
pub(crate) struct Builder<'a> {
    source: &'a str,
    /// How far the source has been copied or replaced.
    done: usize,
    text: String,
    replacements: Vec<Replacement>,
}

impl<'a> Builder<'a> {
    pub(crate) fn new(source: &'a str) -> Self {
        Builder {
            source,
            done: 0,
            text: String::new(),
            replacements: Vec::new(),
        }
    }

    /// Replaces `original` (a range of the source at or after everything handled so far)
    /// with `with`; the source between is copied as it is.
    pub(crate) fn replace(&mut self, original: Range<usize>, with: &str) {
        debug_assert!(original.start >= self.done && original.end >= original.start);
        self.text.push_str(&self.source[self.done..original.start]);
        let start = self.text.len();
        self.text.push_str(with);
        self.replacements.push(Replacement {
            original: original.clone(),
            rewritten: start..self.text.len(),
        });
        self.done = original.end;
    }

    /// The rewritten text: the source itself, borrowed, when nothing was replaced.
    pub(crate) fn finish(mut self) -> Rewritten<'a> {
        if self.replacements.is_empty() {
            return Rewritten::unchanged(self.source);
        }
        self.text.push_str(&self.source[self.done..]);
        Rewritten {
            text: Cow::Owned(self.text),
            replacements: self.replacements,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_back_around_and_inside_replacements() {
        let source = "Hi {{name}}, see [x](bad.md).";
        let mut b = Builder::new(source);
        b.replace(3..11, "Brightwater Logistics");
        let r = b.finish();
        assert_eq!(r.text, "Hi Brightwater Logistics, see [x](bad.md).");
        let link = r.text.find("[x]").unwrap();
        let mapped = r.original(link..link + "[x](bad.md)".len());
        assert_eq!(&source[mapped], "[x](bad.md)");
        assert_eq!(r.original_offset(1), 1);
        assert_eq!(
            r.original(5..9),
            3..11,
            "inside a replacement: all it replaced"
        );
    }

    #[test]
    fn nothing_replaced_borrows() {
        let r = Builder::new("text").finish();
        assert!(r.is_unchanged());
        assert!(matches!(r.text, Cow::Borrowed("text")));
        assert_eq!(r.original(1..3), 1..3);
    }

    #[test]
    fn insertions_and_deletions_shift_what_follows() {
        let source = "a\n\nb [l](x)";
        let mut b = Builder::new(source);
        b.replace(2..2, ">");
        let r = b.finish();
        assert_eq!(r.text, "a\n>\nb [l](x)");
        let l = r.text.find("[l]").unwrap();
        assert_eq!(&source[r.original(l..l + 6)], "[l](x)");
        let mut b = Builder::new(source);
        b.replace(0..3, "");
        let r = b.finish();
        assert_eq!(&source[r.original(2..8)], "[l](x)");
    }

    #[test]
    fn ranges_inside_one_of_many_replacements() {
        let source = "{{a}}-{{b}}-{{c}}";
        let mut b = Builder::new(source);
        b.replace(0..5, "AAA");
        b.replace(6..6, "");
        b.replace(6..11, "BBB");
        b.replace(12..17, "");
        let r = b.finish();
        assert_eq!(r.text, "AAA-BBB-");
        assert_eq!(r.original(4..6), 6..11);
        assert_eq!(r.original(1..2), 0..5);
        assert_eq!(&source[r.original(2..5)], "{{a}}-{{b}}");
        assert_eq!(r.original(8..8), 17..17);
    }
}
