//! MkDocs admonitions (`!!! kind "title"` and the collapsible `???` / `???+`, each followed by
//! a body indented by four spaces) turned into block quotes before Markdown is parsed.
//!
//! Admonitions are not CommonMark, so they are rewritten with [`Builder`]: the
//! `!!!` line becomes an empty `>` line and each body line loses its four spaces to a `> `
//! marker. The renderer recognises the block quotes that began as admonitions by the line
//! they start on ([`Admonitions::at`]), and diagnostics map back to the file as written with
//! [`Rewritten::original`]. Lines inside fenced code are never taken for admonitions.

use crate::rewrite::{Builder, Rewritten};

/// One admonition as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Admonition {
    /// The first word after `!!!`: `note`, `warning`, ... (lowercase).
    pub kind: String,
    /// Further words after the kind (MkDocs allows `!!! note inline end`), lowercase.
    pub classes: Vec<String>,
    /// The quoted title: `None` without one, `Some("")` for `""` (no title shown).
    pub title: Option<String>,
    /// `None` for `!!!`; `Some(open)` for `???` (closed) and `???+` (open).
    pub collapsible: Option<bool>,
}

/// A body with its admonitions rewritten into block quotes.
#[derive(Debug, Default)]
pub(crate) struct Admonitions<'a> {
    pub text: Rewritten<'a>,
    /// Each admonition and the range of its `>` line in the rewritten text, in order.
    headers: Vec<(std::ops::Range<usize>, Admonition)>,
}

impl Admonitions<'_> {
    /// The admonition whose block quote starts at `offset` of the rewritten text, if any.
    pub(crate) fn at(&self, offset: usize) -> Option<&Admonition> {
        let i = self.headers.partition_point(|(r, _)| r.end < offset);
        self.headers
            .get(i)
            .filter(|(r, _)| r.start <= offset && offset <= r.end)
            .map(|(_, a)| a)
    }
}

/// An open code fence: the nesting level it is in, its character and length.
struct Fence {
    level: usize,
    ch: u8,
    len: usize,
}

/// Rewrites the admonitions of `source`; without any, the text is borrowed unchanged.
pub(crate) fn rewrite(source: &str) -> Admonitions<'_> {
    if !source.contains("!!!") && !source.contains("???") {
        return Admonitions {
            text: Rewritten::unchanged(source),
            headers: Vec::new(),
        };
    }
    let mut b = Out {
        builder: Builder::new(source),
        delta: 0,
    };
    let mut headers = Vec::new();
    // Open admonitions: only their number matters (each adds four columns of indentation).
    let mut depth = 0usize;
    let mut fence: Option<Fence> = None;
    // Blank lines seen while an admonition is open: they belong to it only if it continues.
    let mut blanks: Vec<std::ops::Range<usize>> = Vec::new();
    let mut start = 0;
    while start < source.len() {
        let end = source[start..]
            .find('\n')
            .map_or(source.len(), |i| start + i);
        let line = &source[start..end];
        let next = (end + 1).min(source.len());
        if line.trim().is_empty() {
            if depth > 0 {
                blanks.push(start..end);
            }
            start = next;
            continue;
        }
        let (levels, body_at) = indentation(line, depth);
        let body_at = start + body_at;
        if levels < depth {
            depth = levels;
            if fence.as_ref().is_some_and(|f| f.level > depth) {
                fence = None;
            }
            if blanks.is_empty() {
                // Keep the line out of the admonition's last paragraph (no lazy continuation).
                let mut sep = markers(depth).trim_end().to_string();
                sep.push('\n');
                b.replace(start..start, &sep);
            }
        }
        for blank in blanks.drain(..) {
            if depth > 0 {
                b.replace(blank, markers(depth).trim_end());
            }
        }
        let rest = &source[body_at..end];
        if let Some(f) = &fence {
            if closes(rest, f) {
                fence = None;
            }
            if depth > 0 {
                b.replace(start..body_at, &markers(depth));
            }
        } else if let Some((ch, len)) = opens(rest) {
            fence = Some(Fence {
                level: depth,
                ch,
                len,
            });
            if depth > 0 {
                b.replace(start..body_at, &markers(depth));
            }
        } else if let Some(admonition) = header(rest) {
            depth += 1;
            let with = markers(depth);
            let with = with.trim_end();
            let at = start.saturating_add_signed(b.delta);
            b.replace(start..start + line.trim_end_matches('\r').len(), with);
            headers.push((at..at + with.len(), admonition));
        } else if depth > 0 {
            b.replace(start..body_at, &markers(depth));
        }
        start = next;
    }
    Admonitions {
        text: b.builder.finish(),
        headers,
    }
}

/// The builder, and how much longer the rewritten text is than what it has replaced so far.
struct Out<'a> {
    builder: Builder<'a>,
    delta: isize,
}

impl Out<'_> {
    fn replace(&mut self, range: std::ops::Range<usize>, with: &str) {
        self.delta += with.len() as isize - range.len() as isize;
        self.builder.replace(range, with);
    }
}

/// `> ` once per level.
fn markers(levels: usize) -> String {
    "> ".repeat(levels)
}

/// How many of `depth` open admonitions `line` continues (four columns of indentation each,
/// a tab reaching the next multiple of four), and the byte where its content starts.
fn indentation(line: &str, depth: usize) -> (usize, usize) {
    let mut columns = 0;
    let mut at = 0;
    let mut levels = 0;
    for (i, c) in line.char_indices() {
        if levels == depth {
            break;
        }
        columns = match c {
            ' ' => columns + 1,
            '\t' => columns + 4 - columns % 4,
            _ => break,
        };
        if columns >= 4 * (levels + 1) {
            levels = columns / 4;
            levels = levels.min(depth);
            at = i + 1;
        }
    }
    (levels, at)
}

/// A code fence opening: up to three spaces, then three or more backticks or tildes.
fn opens(rest: &str) -> Option<(u8, usize)> {
    let t = rest.trim_start_matches(' ');
    if rest.len() - t.len() > 3 {
        return None;
    }
    let ch = *t.as_bytes().first()?;
    if ch != b'`' && ch != b'~' {
        return None;
    }
    let len = t.bytes().take_while(|&b| b == ch).count();
    // A backtick fence's info string has no backticks.
    (len >= 3 && !(ch == b'`' && t[len..].contains('`'))).then_some((ch, len))
}

fn closes(rest: &str, fence: &Fence) -> bool {
    let t = rest.trim_start_matches(' ');
    if rest.len() - t.len() > 3 {
        return false;
    }
    let len = t.bytes().take_while(|&b| b == fence.ch).count();
    len >= fence.len && t[len..].trim().is_empty()
}

/// `!!! kind more "title"`, `??? kind` or `???+ kind` (up to three spaces before).
fn header(rest: &str) -> Option<Admonition> {
    let t = rest.trim_start_matches(' ');
    if rest.len() - t.len() > 3 {
        return None;
    }
    let t = t.trim_end();
    let (collapsible, after) = if let Some(a) = t.strip_prefix("???+") {
        (Some(true), a)
    } else if let Some(a) = t.strip_prefix("???") {
        (Some(false), a)
    } else if let Some(a) = t.strip_prefix("!!!") {
        (None, a)
    } else {
        return None;
    };
    let (words, title) = match after.find('"') {
        Some(q) => {
            let quoted = &after[q..];
            if quoted.len() < 2 || !quoted.ends_with('"') {
                return None;
            }
            (&after[..q], Some(quoted[1..quoted.len() - 1].to_string()))
        }
        None => (after, None),
    };
    let mut words = words.split_whitespace().map(|w| {
        w.chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
            .then(|| w.to_lowercase())
    });
    let kind = words.next()??;
    let classes = words.collect::<Option<Vec<_>>>()?;
    // `!!! note "t"` needs the space before the title.
    if title.is_some() && !after[..after.find('"')?].ends_with(char::is_whitespace) {
        return None;
    }
    Some(Admonition {
        kind,
        classes,
        title,
        collapsible,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(a: &Admonitions) -> Vec<String> {
        a.headers.iter().map(|(_, a)| a.kind.clone()).collect()
    }

    #[test]
    fn an_admonition_becomes_a_block_quote() {
        let src = "Intro.\n\n!!! warning \"Mind the gap\"\n    Body [x](bad.md).\n\n    More.\n\nAfter.\n";
        let a = rewrite(src);
        assert_eq!(
            a.text.text,
            "Intro.\n\n>\n> Body [x](bad.md).\n>\n> More.\n\nAfter.\n"
        );
        let h = &a.headers[0].1;
        assert_eq!(h.kind, "warning");
        assert_eq!(h.title.as_deref(), Some("Mind the gap"));
        assert_eq!(a.at(a.text.text.find(">\n").unwrap()), Some(h));
        let l = a.text.text.find("[x]").unwrap();
        let back = a.text.original(l..l + "[x](bad.md)".len());
        assert_eq!(&src[back], "[x](bad.md)");
    }

    #[test]
    fn nested_collapsible_and_following_text() {
        let src =
            "???+ note\n    Outer.\n\n    !!! tip \"\"\n        Inner.\n    Back out.\nOutside.\n";
        let a = rewrite(src);
        assert_eq!(
            a.text.text,
            ">\n> Outer.\n>\n> >\n> > Inner.\n>\n> Back out.\n\nOutside.\n"
        );
        assert_eq!(kinds(&a), ["note", "tip"]);
        assert_eq!(a.headers[0].1.collapsible, Some(true));
        assert_eq!(a.headers[1].1.title.as_deref(), Some(""));
    }

    #[test]
    fn fenced_code_stays_code() {
        let src = "```md\n!!! note\n    not an admonition\n```\n\n!!! note\n    ```\n    !!! tip\n    ```\n";
        let a = rewrite(src);
        assert_eq!(kinds(&a), ["note"]);
        assert!(a
            .text
            .text
            .starts_with("```md\n!!! note\n    not an admonition\n```\n"));
        assert!(
            a.text.text.ends_with(">\n> ```\n> !!! tip\n> ```\n"),
            "{}",
            a.text.text
        );
    }

    #[test]
    fn hostile_headers_do_not_match_or_panic() {
        for src in [
            "!!!",
            "!!!\n",
            "!!! \"\"",
            "??? \"x",
            "!!! <script>",
            "!!! note\"x\"",
            "    !!! note",
            "!!!!!!",
            "\t!!! note\n\t\tx",
            "!!! é\n    ü\n\t\u{a0}",
        ] {
            let a = rewrite(src);
            let _ = a.at(0);
            let _ = a.text.original(0..a.text.text.len());
        }
        assert!(rewrite("!!!").headers.is_empty());
        assert!(rewrite("!!! <script>").headers.is_empty());
        assert!(rewrite("    !!! note").headers.is_empty());
        let deep: String = (0..200)
            .map(|i| format!("{}!!! note\n", "    ".repeat(i)))
            .collect();
        assert_eq!(rewrite(&deep).headers.len(), 200);
    }

    #[test]
    fn nothing_to_rewrite_borrows() {
        let a = rewrite("# Title\n\nText?! Really?\n");
        assert!(a.text.is_unchanged());
    }
}
