//! What every conversion of a body shares: the Markdown parse that finds code (never
//! converted), the first H1 (when it becomes the title) and link destinations, and the edits
//! made by byte range. The conversions per syntax sit in their own modules.

use std::collections::BTreeMap;
use std::ops::Range;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Byte ranges of code blocks and code spans: nothing inside them is converted.
pub(crate) fn code_ranges(body: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) | Event::Code(_) => ranges.push(range),
            _ => {}
        }
    }
    ranges
}

pub(super) fn inside(ranges: &[Range<usize>], at: usize) -> bool {
    ranges.iter().any(|r| r.contains(&at))
}

/// The first level-1 heading outside code: its text (without a `{#id}` attribute) and the
/// range to remove (the heading and its line end).
pub(crate) fn first_h1(body: &str) -> Option<(String, Range<usize>)> {
    let mut in_h1: Option<(usize, String)> = None;
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            }) => in_h1 = Some((range.start, String::new())),
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, text)) = in_h1.as_mut() {
                    text.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(HeadingLevel::H1)) => {
                let (start, text) = in_h1.take()?;
                let mut end = range.end;
                let bytes = body.as_bytes();
                while end < bytes.len() && (bytes[end] == b'\n' || bytes[end] == b'\r') {
                    end += 1;
                }
                let text = text.trim().to_string();
                if text.is_empty() {
                    return None;
                }
                return Some((text, start..end));
            }
            _ => {}
        }
    }
    None
}

/// What converting shortcodes did to one body.
#[derive(Debug, Default)]
pub(crate) struct Conversion {
    pub converted: BTreeMap<String, usize>,
    pub left: BTreeMap<String, usize>,
    pub unresolved_refs: Vec<String>,
}

/// Removes the indentation common to every non-blank line.
pub(super) fn dedent(text: &str) -> String {
    let common = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches([' ', '\t']).len())
        .min()
        .unwrap_or(0);
    let mut out = String::new();
    for line in text.lines() {
        out.push_str(line.get(common..).unwrap_or(line.trim_start()));
        out.push('\n');
    }
    // Keep no trailing blank lines inside a callout.
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// Every inline link and image destination outside code: `(range of the destination, url)`.
pub(crate) fn link_destinations(body: &str) -> Vec<(Range<usize>, String)> {
    let mut found = Vec::new();
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        let url = match event {
            Event::Start(Tag::Link { dest_url, .. })
            | Event::Start(Tag::Image { dest_url, .. }) => dest_url.to_string(),
            _ => continue,
        };
        if url.is_empty() {
            continue;
        }
        let text = &body[range.clone()];
        // The destination follows the last `](` of an inline link.
        let Some(open) = text.rfind("](") else {
            continue;
        };
        let start = range.start + open + 2;
        let after = &body[start..range.end];
        let skip = after.len() - after.trim_start().len();
        let start = start + skip;
        let after = &body[start..range.end];
        let (start, len) = if let Some(rest) = after.strip_prefix('<') {
            match rest.find('>') {
                Some(e) if rest[..e] == *url => (start + 1, e),
                _ => continue,
            }
        } else if after.starts_with(url.as_str()) {
            (start, url.len())
        } else {
            continue;
        };
        found.push((start..start + len, url));
    }
    // Reference definitions: `[label]: /url`.
    let code = code_ranges(body);
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        let t = line.trim_start();
        let lead = line.len() - t.len();
        if lead < 4 && t.starts_with('[') && !inside(&code, offset) {
            if let Some(close) = t.find("]:") {
                let after = &t[close + 2..];
                let sp = after.len() - after.trim_start().len();
                let url: String = after
                    .trim_start()
                    .chars()
                    .take_while(|c| !c.is_whitespace())
                    .collect();
                if !url.is_empty() && !url.starts_with('<') {
                    let start = offset + lead + close + 2 + sp;
                    found.push((start..start + url.len(), url));
                }
            }
        }
        offset += line.len();
    }
    found.sort_by_key(|(r, _)| r.start);
    found.dedup_by_key(|(r, _)| r.start);
    found
}

/// Replaces byte ranges of `body` (sorted, not overlapping) by new text.
pub(crate) fn splice(body: &str, edits: &[(Range<usize>, String)]) -> String {
    let mut out = String::with_capacity(body.len());
    let mut at = 0;
    for (range, text) in edits {
        if range.start < at {
            continue;
        }
        out.push_str(&body[at..range.start]);
        out.push_str(text);
        at = range.end;
    }
    out.push_str(&body[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_found_with_their_ranges() {
        let b = "[a](/x/y/) and ![i](<p q.png>)\n\n[r]: /ref/\n";
        let l = link_destinations(b);
        let urls: Vec<&str> = l.iter().map(|(r, _)| &b[r.clone()]).collect();
        assert_eq!(urls, ["/x/y/", "p q.png", "/ref/"]);
    }
}
