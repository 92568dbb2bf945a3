//! Filling `[variables]` into a body: finding the tags, pairing the sections, writing the
//! result mapped back to the body as written. Kept apart from the values because this is the
//! template language, with its own rules about what stays as written and what is warned of.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag as MdTag};

use crate::rewrite::{Builder, Rewritten};

use super::{is_name_char, Variable};

/// Something in a body's tags that a writer should know about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// `{{name}}` or `{{#name}}` names no variable: left as written.
    Undefined(String),
    /// `{{#name}}` or `{{^name}}` without its `{{/name}}`: left as written.
    Unclosed(String),
    /// `{{/name}}` with no open `{{#name}}` before it: left as written.
    Unopened(String),
}

/// A [`Problem`] and the tag it is about (byte range of the body as written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub range: Range<usize>,
    pub problem: Problem,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `{{name}}`, `{{&name}}`, `{{{name}}}`.
    Insert,
    /// `{{#name}}` (`inverted: false`) or `{{^name}}`.
    Open { inverted: bool },
    /// `{{/name}}`.
    Close,
}

/// One tag of the body.
#[derive(Debug, Clone)]
struct Tag {
    range: Range<usize>,
    name: Range<usize>,
    kind: Kind,
}

/// Fills `variables` into `body`. Returns the rewritten body (the body itself, borrowed, when no
/// tag names a variable) and the warnings, ordered by position.
pub(crate) fn substitute<'a>(
    body: &'a str,
    variables: &BTreeMap<String, Variable>,
) -> (Rewritten<'a>, Vec<Warning>) {
    let lookup = |t: &Tag| variables.get(&body[t.name.clone()]).map(|v| &v.value);
    let mut tags = find_tags(body);
    if tags.is_empty() {
        return (Rewritten::unchanged(body), Vec::new());
    }
    // A tag naming nothing inside code is an example of a template, not a mistake.
    if tags.iter().any(|t| lookup(t).is_none()) {
        let code = code_ranges(body);
        tags.retain(|t| lookup(t).is_some() || !inside(&code, t.range.start));
    }

    let mut warnings = Vec::new();
    for t in &tags {
        if t.kind != Kind::Close && lookup(t).is_none() {
            warnings.push(Warning {
                range: t.range.clone(),
                problem: Problem::Undefined(body[t.name.clone()].to_string()),
            });
        }
    }

    // Pair sections: a close ends the innermost open section of its name; the sections opened
    // inside that one and still open are unclosed.
    let mut partner: Vec<Option<usize>> = vec![None; tags.len()];
    let mut stack: Vec<usize> = Vec::new();
    let mut open: HashMap<&str, usize> = HashMap::new();
    for (k, t) in tags.iter().enumerate() {
        let name = &body[t.name.clone()];
        match t.kind {
            Kind::Insert => {}
            Kind::Open { .. } => {
                stack.push(k);
                *open.entry(name).or_insert(0) += 1;
            }
            Kind::Close if open.get(name).copied().unwrap_or(0) > 0 => {
                while let Some(top) = stack.pop() {
                    let top_name = &body[tags[top].name.clone()];
                    if let Some(n) = open.get_mut(top_name) {
                        *n -= 1;
                    }
                    if top_name == name {
                        partner[top] = Some(k);
                        partner[k] = Some(top);
                        break;
                    }
                    warnings.push(unclosed(body, &tags[top]));
                }
            }
            Kind::Close => warnings.push(Warning {
                range: t.range.clone(),
                problem: Problem::Unopened(name.to_string()),
            }),
        }
    }
    warnings.extend(stack.iter().map(|&k| unclosed(body, &tags[k])));
    warnings.sort_by_key(|w| (w.range.start, w.range.end));

    let mut out = Builder::new(body);
    let mut kept = vec![false; tags.len()];
    // The end of a dropped section: tags before it are gone with it.
    let mut dropped_until = 0;
    for (k, t) in tags.iter().enumerate() {
        if t.range.start < dropped_until {
            continue;
        }
        match (t.kind, lookup(t), partner[k]) {
            (Kind::Insert, Some(value), _) => out.replace(t.range.clone(), value.text()),
            (Kind::Open { inverted }, Some(value), Some(close)) => {
                let here = standalone(body, &t.range);
                if value.is_set() != inverted {
                    kept[k] = true;
                    out.replace(here, "");
                } else {
                    let end = standalone(body, &tags[close].range).end;
                    out.replace(here.start..end, "");
                    dropped_until = end;
                }
            }
            (Kind::Close, _, Some(open)) if kept[open] => {
                out.replace(standalone(body, &t.range), "");
            }
            // Undefined, unpaired, or the close of a section whose tags stay as written.
            _ => {}
        }
    }
    (out.finish(), warnings)
}

fn unclosed(body: &str, t: &Tag) -> Warning {
    Warning {
        range: t.range.clone(),
        problem: Problem::Unclosed(body[t.name.clone()].to_string()),
    }
}

/// Every well-formed tag of `body`, in order. Each byte is looked at a bounded number of times.
fn find_tags(body: &str) -> Vec<Tag> {
    let mut tags = Vec::new();
    let mut at = 0;
    while let Some(found) = body.get(at..).and_then(|rest| rest.find("{{")) {
        let p = at + found;
        match parse_tag(body, p) {
            Some(tag) => {
                at = tag.range.end;
                tags.push(tag);
            }
            None => at = p + 1,
        }
    }
    tags
}

/// The tag starting with the `{{` at `p`, if it is one.
fn parse_tag(body: &str, p: usize) -> Option<Tag> {
    let bytes = body.as_bytes();
    let after = p + 2;
    if bytes.get(after) == Some(&b'{') {
        if let Some((name, end)) = name_then(body, after + 1, "}}}") {
            return Some(Tag {
                range: p..end,
                name,
                kind: Kind::Insert,
            });
        }
    }
    let (kind, from) = match bytes.get(after) {
        Some(b'&') => (Kind::Insert, after + 1),
        Some(b'#') => (Kind::Open { inverted: false }, after + 1),
        Some(b'^') => (Kind::Open { inverted: true }, after + 1),
        Some(b'/') => (Kind::Close, after + 1),
        _ => (Kind::Insert, after),
    };
    let (name, end) = name_then(body, from, "}}")?;
    Some(Tag {
        range: p..end,
        name,
        kind,
    })
}

/// At `from`: blanks, a name, blanks and `close`. The name's range and the end of `close`.
fn name_then(body: &str, from: usize, close: &str) -> Option<(Range<usize>, usize)> {
    let rest = body.get(from..)?;
    let start = from + blanks(rest);
    let name_len: usize = body[start..]
        .chars()
        .take_while(|&c| is_name_char(c))
        .map(char::len_utf8)
        .sum();
    if name_len == 0 {
        return None;
    }
    let end = start + name_len;
    let close_at = end + blanks(&body[end..]);
    body[close_at..]
        .starts_with(close)
        .then(|| (start..end, close_at + close.len()))
}

/// How many spaces and tabs `s` starts with.
fn blanks(s: &str) -> usize {
    s.bytes().take_while(|b| matches!(b, b' ' | b'\t')).count()
}

/// A section tag alone on its line (blanks around it) takes its whole line with it, as in
/// mustache, so `{{#flag}}` on a line of its own leaves no blank line in a list or paragraph.
fn standalone(body: &str, tag: &Range<usize>) -> Range<usize> {
    let before = &body.as_bytes()[..tag.start];
    let line_start = tag.start
        - before
            .iter()
            .rev()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count();
    if line_start > 0 && before[line_start - 1] != b'\n' {
        return tag.clone();
    }
    let rest = &body[tag.end..];
    let after = tag.end + blanks(rest);
    let tail = &body[after..];
    if tail.is_empty() {
        line_start..after
    } else if tail.starts_with('\n') {
        line_start..after + 1
    } else if tail.starts_with("\r\n") {
        line_start..after + 2
    } else {
        tag.clone()
    }
}

/// Byte ranges of the code spans and code blocks of `body`, in order.
fn code_ranges(body: &str) -> Vec<Range<usize>> {
    // The options of `markdown::render`: what is code there is code here.
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_WIKILINKS;
    Parser::new_ext(body, options)
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(MdTag::CodeBlock(_)) | Event::Code(_) => Some(range),
            _ => None,
        })
        .collect()
}

/// Whether `offset` is inside one of `ranges` (ordered, not overlapping).
fn inside(ranges: &[Range<usize>], offset: usize) -> bool {
    let after = ranges.partition_point(|r| r.start <= offset);
    after > 0 && offset < ranges[after - 1].end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::variables::Value;

    fn vars(pairs: &[(&str, Value)]) -> BTreeMap<String, Variable> {
        pairs
            .iter()
            .map(|(k, v)| {
                (
                    k.to_string(),
                    Variable {
                        value: v.clone(),
                        span: 0..0,
                    },
                )
            })
            .collect()
    }

    fn book() -> BTreeMap<String, Variable> {
        vars(&[
            ("companyShortName", Value::Text("Brightwater".into())),
            ("url", Value::Text("https://example.org/privacy".into())),
            ("hasSoc2", Value::Flag(true)),
            ("hasPci", Value::Flag(false)),
            ("empty", Value::Text(String::new())),
            ("retentionDays", Value::Number("365".into())),
            ("société", Value::Text("Société Générale".into())),
            ("loop", Value::Text("{{companyShortName}}".into())),
        ])
    }

    fn run(body: &str) -> (String, Vec<Warning>) {
        let (r, w) = substitute(body, &book());
        (r.text.into_owned(), w)
    }

    fn text(body: &str) -> String {
        let (t, w) = run(body);
        assert!(w.is_empty(), "{body:?}: {w:?}");
        t
    }

    #[test]
    fn every_insert_form() {
        assert_eq!(
            text("{{companyShortName}}, {{ companyShortName }}, {{&companyShortName}}, {{& companyShortName }}, {{{companyShortName}}}, {{{ companyShortName }}}."),
            "Brightwater, Brightwater, Brightwater, Brightwater, Brightwater, Brightwater."
        );
        assert_eq!(text("[p]({{&url}})"), "[p](https://example.org/privacy)");
        assert_eq!(text("{{hasPci}} {{retentionDays}}"), "false 365");
        assert_eq!(text("{{société}}"), "Société Générale");
    }

    #[test]
    fn values_are_not_scanned_again() {
        assert_eq!(text("{{loop}}"), "{{companyShortName}}");
    }

    #[test]
    fn spans_map_back_to_the_text_as_written() {
        let body = "Hi {{companyShortName}}, see [x](bad.md).";
        let (r, _) = substitute(body, &book());
        let link = r.text.find("[x]").unwrap();
        assert_eq!(&body[r.original(link..link + 11)], "[x](bad.md)");
    }

    #[test]
    fn sections_keep_or_drop_their_content() {
        assert_eq!(text("a{{#hasSoc2}}b{{/hasSoc2}}c"), "abc");
        assert_eq!(text("a{{#hasPci}}b{{/hasPci}}c"), "ac");
        assert_eq!(text("a{{^hasPci}}b{{/hasPci}}c"), "abc");
        assert_eq!(text("a{{^hasSoc2}}b{{/hasSoc2}}c"), "ac");
        assert_eq!(text("{{#empty}}x{{/empty}}{{^empty}}y{{/empty}}"), "y");
        assert_eq!(
            text("{{#companyShortName}}named {{companyShortName}}{{/companyShortName}}"),
            "named Brightwater"
        );
    }

    #[test]
    fn sections_span_lines_and_standalone_tags_take_their_line() {
        let body = "- one\n{{#hasSoc2}}\n- SOC 2\n{{/hasSoc2}}\n  {{#hasPci}}  \n- PCI\n{{/hasPci}}\n- last\n";
        assert_eq!(text(body), "- one\n- SOC 2\n- last\n");
        assert_eq!(text("{{#hasPci}}\nx\n{{/hasPci}}"), "");
        assert_eq!(
            text("a\r\n{{#hasSoc2}}\r\nb\r\n{{/hasSoc2}}\r\n"),
            "a\r\nb\r\n"
        );
    }

    #[test]
    fn sections_nest() {
        let body = "{{#hasSoc2}}A{{#hasPci}}B{{/hasPci}}{{^hasPci}}C{{#hasSoc2}}D{{/hasSoc2}}{{/hasPci}}{{/hasSoc2}}";
        assert_eq!(text(body), "ACD");
        let body = "{{#hasPci}}A{{#hasSoc2}}B{{missing}}{{/hasSoc2}}{{/hasPci}}E";
        let (t, w) = run(body);
        assert_eq!(t, "E");
        assert_eq!(
            w[0].problem,
            Problem::Undefined("missing".into()),
            "a typo is reported in every branch"
        );
    }

    #[test]
    fn unbalanced_sections_stay_as_written() {
        let (t, w) = run("{{#hasSoc2}} open");
        assert_eq!(t, "{{#hasSoc2}} open");
        assert_eq!(
            w,
            [Warning {
                range: 0..12,
                problem: Problem::Unclosed("hasSoc2".into())
            }]
        );
        let (t, w) = run("x {{/hasSoc2}} {{companyShortName}}");
        assert_eq!(t, "x {{/hasSoc2}} Brightwater");
        assert_eq!(w[0].problem, Problem::Unopened("hasSoc2".into()));
        // Mismatched: the inner open is unclosed, the outer pair still works.
        let (t, w) = run("{{#hasPci}}a{{#hasSoc2}}b{{/hasPci}}c");
        assert_eq!(t, "c");
        assert_eq!(w[0].problem, Problem::Unclosed("hasSoc2".into()));
        let (t, w) = run("{{#hasSoc2}}a{{/hasPci}}b{{/hasSoc2}}");
        assert_eq!(t, "a{{/hasPci}}b");
        assert_eq!(
            w,
            [Warning {
                range: 13..24,
                problem: Problem::Unopened("hasPci".into())
            }]
        );
    }

    #[test]
    fn undefined_names_warn_and_stay() {
        let body = "Dear {{companyShortNme}}, {{#isoCertified}}x{{/isoCertified}}";
        let (t, w) = run(body);
        assert_eq!(t, body);
        assert_eq!(w.len(), 2);
        assert_eq!(&body[w[0].range.clone()], "{{companyShortNme}}");
        assert_eq!(w[0].problem, Problem::Undefined("companyShortNme".into()));
        assert_eq!(w[1].problem, Problem::Undefined("isoCertified".into()));
    }

    #[test]
    fn code_substitutes_defined_names_and_keeps_quiet_about_others() {
        let body = "`{{companyShortName}} {{other}}`\n\n```text\n{{companyShortName}} {{#x}} {{other}}\n```\n\n    {{indented}} {{hasSoc2}}\n";
        let (t, w) = run(body);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(
            t,
            "`Brightwater {{other}}`\n\n```text\nBrightwater {{#x}} {{other}}\n```\n\n    {{indented}} true\n"
        );
    }

    #[test]
    fn other_mustache_tags_are_text() {
        let body = "{{! comment}} {{> partial}} {{=<% %>=}} {{}} {{ }} {{a b}} {{ & }} {{% x %}}";
        let (t, w) = run(body);
        assert_eq!(t, body);
        assert!(w.is_empty(), "{w:?}");
    }

    #[test]
    fn hostile_input_is_linear_and_harmless() {
        for body in [
            "{{",
            "}}",
            "{{}}",
            "{{{",
            "{{{}}}",
            "{{#a}}",
            "{{/",
            "{{#",
            "{{&",
            "{{é",
            "{{ 🦀 }}",
            "{{\u{301}}}",
        ] {
            let (t, _) = run(body);
            assert_eq!(t, body);
        }
        let started = std::time::Instant::now();
        for body in [
            "{{".repeat(100_000),
            "{".repeat(200_000),
            "{{#hasSoc2}}".repeat(50_000),
            "{{/hasSoc2}}".repeat(50_000),
            format!("{}{}", "{{#a}}".repeat(30_000), "{{/b}}".repeat(30_000)),
            format!(
                "{}{}",
                "{{#hasSoc2}}".repeat(30_000),
                "{{/hasSoc2}}".repeat(30_000)
            ),
            format!("{{{{{}", "a".repeat(200_000)),
            format!("{}x", "{{ ".repeat(50_000)),
            "{{companyShortName}}".repeat(50_000),
            "`{{nope}}` ".repeat(20_000),
        ] {
            let (r, w) = substitute(&body, &book());
            assert!(r.text.len() <= body.len() * 2);
            assert!(w.len() <= body.len());
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn no_tag_borrows_the_body() {
        let (r, w) = substitute("plain {{ text", &book());
        assert!(r.is_unchanged() && w.is_empty());
        let (r, _) = substitute("{{undefinedOnly}}", &book());
        assert!(r.is_unchanged());
    }
}
