//! Splits the `---` front-matter block off a Markdown file and parses it strictly.
//!
//! The split works line by line and remembers where the YAML starts, so that every YAML
//! error and every value can be pointed at in the Markdown file, not in the YAML block.

use std::ops::Range;

use serde::Deserialize;

use crate::diagnostic::Code;
use crate::diagnostic::{offset_of, unknown_field_hint, Diagnostic, FileId, Span};
use crate::yaml::{self, Extra, Text, NOT_TEXT};

/// The front matter exactly as written: every field optional, every scalar a string.
/// [`crate::document`] decides what is required and what the values mean.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFrontMatter {
    pub id: Option<Text>,
    pub title: Option<Text>,
    #[serde(rename = "type")]
    pub kind: Option<Text>,
    pub owner: Option<Text>,
    pub approver: Option<Text>,
    pub version: Option<Text>,
    pub status: Option<Text>,
    pub classification: Option<Text>,
    pub effective: Option<Text>,
    pub review_by: Option<Text>,
    pub approved_on: Option<Text>,
    pub last_reviewed: Option<Text>,
    pub review_interval: Option<Text>,
    pub clauses: Option<Vec<Text>>,
    pub controls: Option<Vec<Text>>,
    pub related: Option<Vec<Text>>,
    /// Ids of the risk register's risks the document addresses.
    pub risks: Option<Vec<Text>>,
    pub tags: Option<Vec<Text>>,
    /// Who must read and acknowledge it: ids of the book's `[audiences]`.
    pub audience: Option<Vec<Text>>,
    /// The organisation's own fields (Zola's `[extra]`): any YAML, shown and given to templates.
    pub extra: Option<Extra>,
    /// Old site paths of this page (Hugo's and Zola's `aliases`): each gets a redirect page.
    pub aliases: Option<Vec<Text>>,
}

/// A file cut in two: its YAML and its Markdown body, with their byte offsets in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    pub yaml: &'a str,
    pub yaml_start: usize,
    pub body: &'a str,
    pub body_start: usize,
}

/// Front matter that was parsed, with the block's place so values can be located later.
#[derive(Debug)]
pub struct Parsed<'a> {
    pub raw: RawFrontMatter,
    pub split: Split<'a>,
}

/// Cuts `text` into front matter and body.
pub fn split(text: &str, file: FileId) -> Result<Split<'_>, Diagnostic> {
    let first_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if text[..first_end].trim_end() != "---" {
        if let Some(diagnostic) = front_matter_too_low(text, file) {
            return Err(diagnostic);
        }
        let hint = if text.trim().is_empty() {
            "the file is empty; start it with a front-matter block (see the README)"
        } else {
            "start the file with a `---` line, then `id:` and `title:`, then a closing `---`"
        };
        return Err(Diagnostic::error(
            Code::MissingFrontMatter,
            "this document has no front matter",
        )
        .at(Span {
            file,
            range: 0..first_end.min(3),
        })
        .hint(hint));
    }
    let yaml_start = first_end;
    let mut offset = yaml_start;
    for line in text[yaml_start..].split_inclusive('\n') {
        let t = line.trim_end();
        if t == "---" || t == "..." {
            let body_start = offset + line.len();
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_start,
                body: &text[body_start..],
                body_start,
            });
        }
        offset += line.len();
    }
    Err(Diagnostic::error(
        Code::UnterminatedFrontMatter,
        "the front matter is never closed",
    )
    .at(Span { file, range: 0..3 })
    .hint("add a line with `---` after the last front-matter key"))
}

/// The diagnostic for front matter that starts after blank lines, when that is what `text`
/// holds: a `---` line after nothing but blank lines, and a closing `---` after it. It is
/// not read (Hugo, Jekyll and mdBook would show it as text), so the author is told where.
fn front_matter_too_low(text: &str, file: FileId) -> Option<Diagnostic> {
    let mut offset = 0;
    let mut blank = 0;
    let mut lines = text.split_inclusive('\n');
    for line in lines.by_ref() {
        if line.trim().is_empty() {
            blank += 1;
            offset += line.len();
            continue;
        }
        if blank == 0 || line.trim_end() != "---" {
            return None;
        }
        break;
    }
    let closed = lines.any(|l| matches!(l.trim_end(), "---" | "..."));
    if !closed {
        return None;
    }
    let lines = if blank == 1 { "line" } else { "lines" };
    Some(
        Diagnostic::error(
            Code::MissingFrontMatter,
            format!(
                "front matter must start on the first line; remove the {blank} blank {lines} before it"
            ),
        )
        .at(Span {
            file,
            range: offset..offset + 3,
        })
        .hint("the `---` that opens the front matter must be the file's first line"),
    )
}

/// Splits and parses the front matter of `text`.
pub fn parse(text: &str, file: FileId) -> Result<Parsed<'_>, Diagnostic> {
    let split = split(text, file)?;
    if split.yaml.trim().is_empty() {
        return Ok(Parsed {
            raw: RawFrontMatter::default(),
            split,
        });
    }
    if let Some(tab) = leading_tab(split.yaml) {
        let at = split.yaml_start + tab;
        return Err(Diagnostic::error(
            Code::YamlSyntax,
            "a tab is used for indentation in the front matter",
        )
        .at(Span {
            file,
            range: at..at + 1,
        })
        .hint("YAML indents with spaces only; replace the tab with spaces"));
    }
    match yaml::from_str::<RawFrontMatter>(split.yaml) {
        Ok(raw) => Ok(Parsed { raw, split }),
        Err(e) => Err(yaml_diagnostic(&split, file, e)),
    }
}

/// Turns a YAML error into a diagnostic located in the Markdown file, with a hint.
fn yaml_diagnostic(split: &Split, file: FileId, e: yaml::YamlError) -> Diagnostic {
    let mut at = offset_of(split.yaml, e.line, e.column);
    let token = token_at(split.yaml, at);
    let span = |at: usize, len: usize| Span {
        file,
        range: split.yaml_start + at..split.yaml_start + at + len,
    };
    let message = e
        .message
        .replace("struct RawFrontMatter", "a mapping of keys");
    if let Some((field, hint)) = unknown_field_hint(&message) {
        if let Some(r) = key_range(split.yaml, &field, 0) {
            at = r.start;
        }
        return Diagnostic::error(
            Code::UnknownKey,
            format!("unknown front-matter key `{field}`"),
        )
        .at(span(at, field.len()))
        .hint(hint);
    }
    if let Some(field) = between(&message, "duplicate field `", "`") {
        let at = key_range(split.yaml, field, 1).map_or(at, |r| r.start);
        return Diagnostic::error(
            Code::DuplicateKey,
            format!("the key `{field}` appears twice"),
        )
        .at(span(at, field.len()))
        .hint("keep one of them");
    }
    if message.contains(NOT_TEXT) {
        let what = message.split(": ").next().unwrap_or("value");
        let what = what.split('[').next().unwrap_or(what);
        return Diagnostic::error(
            Code::UnquotedValue,
            format!("`{token}` is read by YAML as a {}, not as text", if message.contains("boolean") { "boolean" } else { "number" }),
        )
        .at(span(at, token.len()))
        .hint(format!(
            "quote it, `\"{token}\"`, so that `{what}` keeps exactly what you wrote (YAML turns 1.10 into 1.1)"
        ));
    }
    let hint = if message.contains("invalid type: string") && message.contains("sequence") {
        "this key takes a list: write `[\"a\", \"b\"]` or one `- item` per line".to_string()
    } else if message.contains("invalid type: sequence") || message.contains("invalid type: map") {
        "this key takes a single value, not a list or mapping".to_string()
    } else {
        "check the YAML syntax near here; values with `:` or `#` need quotes".to_string()
    };
    Diagnostic::error(Code::YamlSyntax, format!("invalid front matter: {message}"))
        .at(span(at, token.len().max(1)))
        .hint(hint)
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let i = s.find(start)? + start.len();
    let j = s[i..].find(end)? + i;
    Some(&s[i..j])
}

fn leading_tab(yaml: &str) -> Option<usize> {
    let mut offset = 0;
    for line in yaml.split_inclusive('\n') {
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        if let Some(i) = line[..indent].find('\t') {
            if !line.trim().is_empty() {
                return Some(offset + i);
            }
        }
        offset += line.len();
    }
    None
}

/// The scalar token at `at`, for quoting it back to the user.
fn token_at(yaml: &str, at: usize) -> &str {
    let at = at.min(yaml.len());
    let rest = &yaml[at..];
    let end = rest
        .find([',', ']', '}', '#', '\n', '\r'])
        .unwrap_or(rest.len());
    rest[..end].trim_end()
}

/// Byte range of the `nth` (0-based) top-level `key:` in `yaml`.
pub fn key_range(yaml: &str, key: &str, nth: usize) -> Option<Range<usize>> {
    let mut offset = 0;
    let mut seen = 0;
    for line in yaml.split_inclusive('\n') {
        if line
            .strip_prefix(key)
            .is_some_and(|rest| rest.trim_start_matches(' ').starts_with(':'))
        {
            if seen == nth {
                return Some(offset..offset + key.len());
            }
            seen += 1;
        }
        offset += line.len();
    }
    None
}

/// Byte range of the value written after top-level `key:`, or of the key when the value
/// starts on a later line.
pub fn value_range(yaml: &str, key: &str) -> Option<Range<usize>> {
    let k = key_range(yaml, key, 0)?;
    let line_end = yaml[k.end..].find('\n').map_or(yaml.len(), |i| k.end + i);
    let after_colon = yaml[k.end..line_end].find(':').map(|i| k.end + i + 1)?;
    let value = yaml[after_colon..line_end].trim();
    if value.is_empty() {
        return Some(k);
    }
    let start = after_colon + yaml[after_colon..line_end].find(value).unwrap_or(0);
    Some(start..start + value.len())
}

/// Byte ranges of each of `items` in the list under top-level `key:`, in order.
pub fn item_ranges(yaml: &str, key: &str, items: &[&str]) -> Vec<Option<Range<usize>>> {
    let Some(k) = key_range(yaml, key, 0) else {
        return vec![None; items.len()];
    };
    // The list runs until the next line that starts a top-level key.
    let mut end = yaml.len();
    let mut offset = yaml[k.end..]
        .find('\n')
        .map_or(yaml.len(), |i| k.end + i + 1);
    for line in yaml[offset..].split_inclusive('\n') {
        let first = line.chars().next().unwrap_or(' ');
        if !first.is_whitespace() && first != '-' && first != '#' {
            end = offset;
            break;
        }
        offset += line.len();
    }
    let region = &yaml[k.end..end];
    let mut cursor = 0;
    items
        .iter()
        .map(|item| {
            let found = find_token(region, item, cursor)?;
            cursor = found + item.len();
            Some(k.end + found..k.end + found + item.len())
        })
        .collect()
}

/// Position of `token` in `s` at or after `from`, standing alone (not part of a longer id).
fn find_token(s: &str, token: &str, from: usize) -> Option<usize> {
    if token.is_empty() {
        return None;
    }
    let is_sep = |c: Option<char>| c.is_none_or(|c| c.is_whitespace() || "[],'\"{}#".contains(c));
    let mut start = from;
    while let Some(i) = s.get(start..)?.find(token) {
        let at = start + i;
        let before = s[..at].chars().next_back();
        let after = s[at + token.len()..].chars().next();
        if is_sep(before) && is_sep(after) {
            return Some(at);
        }
        start = at + token.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_keeps_offsets() {
        let text = "---\nid: A\n---\n# Body\n";
        let s = split(text, 0).unwrap();
        assert_eq!(s.yaml, "id: A\n");
        assert_eq!(s.yaml_start, 4);
        assert_eq!(s.body, "# Body\n");
        assert_eq!(&text[s.body_start..], "# Body\n");
    }

    #[test]
    fn split_handles_crlf() {
        let s = split("---\r\nid: A\r\n---\r\nbody", 0).unwrap();
        assert_eq!(s.yaml, "id: A\r\n");
        assert_eq!(s.body, "body");
    }

    #[test]
    fn front_matter_after_blank_lines_is_pointed_at() {
        let e = split("\n \n---\nid: A\n---\nBody\n", 0).unwrap_err();
        assert_eq!(e.code, "missing-front-matter");
        assert_eq!(
            e.message,
            "front matter must start on the first line; remove the 2 blank lines before it"
        );
        assert_eq!(e.span.unwrap().range, 3..6);
        let e = split("\r\n---\r\nid: A\r\n---\r\n", 0).unwrap_err();
        assert!(
            e.message.contains("the 1 blank line before"),
            "{}",
            e.message
        );
        assert_eq!(e.span.unwrap().range, 2..5);
        // A thematic break after blank lines is not front matter.
        let e = split("\n---\nText\n", 0).unwrap_err();
        assert_eq!(e.message, "this document has no front matter");
    }

    #[test]
    fn split_reports_missing_and_unterminated() {
        assert_eq!(
            split("# Title\n", 0).unwrap_err().code,
            "missing-front-matter"
        );
        assert_eq!(split("", 0).unwrap_err().code, "missing-front-matter");
        assert_eq!(
            split("---\nid: A\n", 0).unwrap_err().code,
            "unterminated-front-matter"
        );
    }

    #[test]
    fn yaml_errors_point_into_the_markdown_file() {
        let text = "---\nid: A\ntitle: T\nversion: 1.10\n---\n";
        let d = parse(text, 0).unwrap_err();
        assert_eq!(d.code, "unquoted-value");
        let span = d.span.unwrap();
        assert_eq!(&text[span.range.clone()], "1.10");
        assert!(d.hint.unwrap().contains("\"1.10\""));
    }

    #[test]
    fn unknown_and_duplicate_keys() {
        let text = "---\nid: A\ntitel: T\n---\n";
        let d = parse(text, 0).unwrap_err();
        assert_eq!(d.code, "unknown-key");
        assert_eq!(&text[d.span.unwrap().range], "titel");
        assert_eq!(d.hint.as_deref(), Some("did you mean `title`?"));
        let text = "---\nid: A\ntitle: T\nid: B\n---\n";
        let d = parse(text, 0).unwrap_err();
        assert_eq!(d.code, "duplicate-key");
        assert_eq!(d.span.unwrap().range.start, text.rfind("id:").unwrap());
    }

    #[test]
    fn tabs_are_refused_with_a_hint() {
        let d = parse("---\nclauses:\n\t- '5.2'\n---\n", 0).unwrap_err();
        assert_eq!(d.code, "yaml-syntax");
        assert!(d.hint.unwrap().contains("spaces"));
    }

    #[test]
    fn items_are_found_as_whole_tokens() {
        let yaml = "controls: [\"A.5.15\", A.5.1]\nrelated:\n  - POL-1\n  - POL-10\ntags: []\n";
        let r = item_ranges(yaml, "controls", &["A.5.15", "A.5.1"]);
        assert_eq!(&yaml[r[0].clone().unwrap()], "A.5.15");
        assert_eq!(r[1].clone().unwrap().start, yaml.find("A.5.1]").unwrap());
        let r = item_ranges(yaml, "related", &["POL-10"]);
        assert_eq!(r[0].clone().unwrap().start, yaml.find("POL-10").unwrap());
        assert_eq!(value_range(yaml, "tags").map(|r| &yaml[r]), Some("[]"));
    }
}
