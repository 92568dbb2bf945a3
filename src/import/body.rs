//! What `policybook import` changes in a body: Hugo shortcodes with a Markdown equivalent, the
//! first H1 when it becomes the title, site-absolute links to imported pages; and what it only
//! counts: other shortcodes, Go/Jinja/Liquid tags and `{{name}}` placeholders.

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
pub fn code_ranges(body: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) | Event::Code(_) => ranges.push(range),
            _ => {}
        }
    }
    ranges
}

fn inside(ranges: &[Range<usize>], at: usize) -> bool {
    ranges.iter().any(|r| r.contains(&at))
}

/// The first level-1 heading outside code: its text (without a `{#id}` attribute) and the
/// range to remove (the heading and its line end).
pub fn first_h1(body: &str) -> Option<(String, Range<usize>)> {
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

/// One `{{< name args >}}` or `{{% name args %}}` tag.
#[derive(Debug, Clone)]
struct Shortcode {
    range: Range<usize>,
    name: String,
    closing: bool,
    positional: Vec<String>,
    named: BTreeMap<String, String>,
}

/// Finds the shortcode tag starting at `at`, if one does.
fn shortcode_at(body: &str, at: usize) -> Option<Shortcode> {
    let rest = &body[at..];
    let close = if rest.starts_with("{{<") {
        ">}}"
    } else if rest.starts_with("{{%") {
        "%}}"
    } else {
        return None;
    };
    let end = rest[3..].find(close)? + 3;
    let inner = rest[3..end].trim();
    if inner.starts_with("/*") {
        return None;
    }
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(i) => (true, i.trim_start()),
        None => (false, inner),
    };
    let words = split_args(inner);
    let name = words.first()?.clone();
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_alphanumeric() || "-_/.".contains(c))
    {
        return None;
    }
    let mut positional = Vec::new();
    let mut named = BTreeMap::new();
    for w in &words[1..] {
        match w.split_once('=') {
            Some((k, v)) if !k.is_empty() && k.chars().all(|c| c.is_alphanumeric() || c == '_') => {
                named.insert(k.to_string(), unquote(v));
            }
            _ => positional.push(unquote(w)),
        }
    }
    Some(Shortcode {
        range: at..at + end + 3,
        name,
        closing,
        positional,
        named,
    })
}

/// Splits shortcode arguments on blanks, keeping quoted strings whole.
fn split_args(s: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    for c in s.chars() {
        match quote {
            Some(q) if c == q => {
                quote = None;
                cur.push(c);
            }
            Some(_) => cur.push(c),
            None if c == '"' || c == '\'' || c == '`' => {
                quote = Some(c);
                cur.push(c);
            }
            None if c.is_whitespace() => {
                if !cur.is_empty() {
                    words.push(std::mem::take(&mut cur));
                }
            }
            None => cur.push(c),
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

fn unquote(s: &str) -> String {
    for q in ['"', '\'', '`'] {
        if s.len() >= 2 && s.starts_with(q) && s.ends_with(q) {
            return s[1..s.len() - 1].to_string();
        }
    }
    s.to_string()
}

/// What converting shortcodes did to one body.
#[derive(Debug, Default)]
pub struct Conversion {
    pub converted: BTreeMap<String, usize>,
    pub left: BTreeMap<String, usize>,
    pub unresolved_refs: Vec<String>,
}

const DETAILS: &[&str] = &["details", "expand", "collapse", "spoiler"];
const CALLOUTS: &[&str] = &[
    "alert",
    "notice",
    "hint",
    "callout",
    "admonition",
    "note",
    "tip",
    "info",
    "warning",
    "danger",
    "caution",
    "important",
    "blocks/alert",
];
const LABELS: &[&str] = &["label", "badge", "pill", "tag", "kbd"];

/// The GitHub alert kind for a shortcode's kind word.
fn alert_kind(word: &str) -> &'static str {
    match word.to_ascii_lowercase().as_str() {
        "tip" | "success" | "green" | "hint" | "check" => "TIP",
        "important" | "purple" | "primary" => "IMPORTANT",
        "warning" | "warn" | "orange" | "yellow" | "attention" => "WARNING",
        "danger" | "error" | "caution" | "red" | "alert" => "CAUTION",
        _ => "NOTE",
    }
}

/// Resolves a `ref`/`relref` argument to a link target from the current document.
pub type RefResolver<'a> = dyn Fn(&str) -> Option<String> + 'a;

/// Converts the shortcodes of `body` that have a Markdown equivalent; counts the others.
pub fn convert_shortcodes(body: &str, resolve: &RefResolver, out: &mut Conversion) -> String {
    let code = code_ranges(body);
    let mut result = String::with_capacity(body.len());
    let mut i = 0;
    let mut copied = 0;
    while let Some(off) = body[i..].find("{{") {
        let at = i + off;
        if inside(&code, at) {
            i = at + 2;
            continue;
        }
        let Some(sc) = shortcode_at(body, at) else {
            i = at + 2;
            continue;
        };
        if sc.closing {
            *out.left.entry(format!("/{}", sc.name)).or_default() += 1;
            i = sc.range.end;
            continue;
        }
        let name = sc.name.to_ascii_lowercase();
        let replacement: Option<(String, usize)> =
            if DETAILS.contains(&name.as_str()) || CALLOUTS.contains(&name.as_str()) {
                block(body, &sc, &name, resolve, out)
            } else if name == "ref" || name == "relref" {
                let arg = sc
                    .positional
                    .first()
                    .or_else(|| sc.named.get("path"))
                    .cloned()
                    .unwrap_or_default();
                match resolve(&arg) {
                    Some(target) => Some((target, sc.range.end)),
                    None => {
                        out.unresolved_refs.push(arg);
                        None
                    }
                }
            } else if LABELS.contains(&name.as_str()) {
                sc.positional
                    .first()
                    .or_else(|| sc.named.get("text"))
                    .or_else(|| sc.named.get("title"))
                    .or_else(|| sc.named.get("label"))
                    .map(|t| (t.clone(), sc.range.end))
            } else {
                None
            };
        match replacement {
            Some((text, end)) => {
                *out.converted.entry(sc.name.clone()).or_default() += 1;
                result.push_str(&body[copied..at]);
                result.push_str(&text);
                copied = end;
                i = end;
            }
            None => {
                *out.left.entry(sc.name.clone()).or_default() += 1;
                i = sc.range.end;
            }
        }
    }
    result.push_str(&body[copied..]);
    result
}

/// A block shortcode alone on its lines: the Markdown replacing it and where it ends.
fn block(
    body: &str,
    open: &Shortcode,
    name: &str,
    resolve: &RefResolver,
    out: &mut Conversion,
) -> Option<(String, usize)> {
    let line_start = body[..open.range.start].rfind('\n').map_or(0, |i| i + 1);
    let indent = &body[line_start..open.range.start];
    if !indent.trim().is_empty() {
        return None;
    }
    let open_line_end = body[open.range.end..]
        .find('\n')
        .map_or(body.len(), |i| open.range.end + i + 1);
    if !body[open.range.end..open_line_end].trim().is_empty() {
        return None;
    }
    // The matching close, counting nested opens of the same name.
    let mut depth = 0;
    let mut i = open_line_end;
    let close = loop {
        let off = body[i..].find("{{")?;
        let at = i + off;
        match shortcode_at(body, at) {
            Some(sc) if sc.name.eq_ignore_ascii_case(name) && sc.closing => {
                if depth == 0 {
                    break sc;
                }
                depth -= 1;
                i = sc.range.end;
            }
            Some(sc) if sc.name.eq_ignore_ascii_case(name) => {
                depth += 1;
                i = sc.range.end;
            }
            Some(sc) => i = sc.range.end,
            None => i = at + 2,
        }
    };
    let close_line_start = body[..close.range.start].rfind('\n').map_or(0, |i| i + 1);
    if !body[close_line_start..close.range.start].trim().is_empty() {
        return None;
    }
    let close_line_end = body[close.range.end..]
        .find('\n')
        .map_or(body.len(), |i| close.range.end + i + 1);
    if !body[close.range.end..close_line_end].trim().is_empty() {
        return None;
    }
    let inner_src = &body[open_line_end..close_line_start.max(open_line_end)];
    let inner = convert_shortcodes(inner_src, resolve, out);
    let inner = dedent(&inner);
    let title = open
        .named
        .get("title")
        .or_else(|| open.named.get("summary"))
        .cloned();
    let mut md = String::new();
    if DETAILS.contains(&name) {
        let title = title
            .or_else(|| open.positional.first().cloned())
            .unwrap_or_else(|| "Details".into());
        md.push_str(&format!(
            "{indent}??? note \"{}\"\n",
            title.replace('"', "'")
        ));
        for line in inner.lines() {
            if line.trim().is_empty() {
                md.push('\n');
            } else {
                md.push_str(&format!("{indent}    {line}\n"));
            }
        }
    } else {
        let word = open
            .named
            .get("type")
            .or_else(|| open.named.get("color"))
            .or_else(|| open.named.get("style"))
            .or_else(|| open.named.get("context"))
            .or_else(|| open.positional.first())
            .map_or(name, String::as_str);
        let word = if CALLOUTS[..5].contains(&name) || name == "blocks/alert" {
            word
        } else {
            name
        };
        let title = title.or_else(|| {
            // Hugo Learn: `{{% notice info "Title" %}}`.
            (CALLOUTS[..5].contains(&name) && open.positional.len() > 1)
                .then(|| open.positional[1].clone())
        });
        md.push_str(&format!("{indent}> [!{}]\n", alert_kind(word)));
        if let Some(t) = title.filter(|t| !t.trim().is_empty()) {
            md.push_str(&format!("{indent}> **{}**\n{indent}>\n", t.trim()));
        }
        for line in inner.lines() {
            if line.trim().is_empty() {
                md.push_str(&format!("{indent}>\n"));
            } else {
                md.push_str(&format!("{indent}> {line}\n"));
            }
        }
    }
    Some((md, close_line_end))
}

/// Docusaurus's admonition kinds.
const DOCUSAURUS: &[&str] = &["note", "tip", "info", "caution", "warning", "danger"];

/// The opening line of a Docusaurus admonition: `:::kind`, `:::kind[Title]` or
/// `:::kind Title`, as (number of colons, kind, title).
fn admonition_open(line: &str) -> Option<(usize, String, Option<String>)> {
    let t = line.trim();
    let colons = t.len() - t.trim_start_matches(':').len();
    if colons < 3 {
        return None;
    }
    let rest = t[colons..].trim_start();
    let kind_len = rest
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(rest.len());
    let kind = rest[..kind_len].to_ascii_lowercase();
    if !DOCUSAURUS.contains(&kind.as_str()) {
        return None;
    }
    let after = &rest[kind_len..];
    let title = if after.is_empty() {
        None
    } else if let Some(inner) = after.strip_prefix('[') {
        Some(inner.strip_suffix(']')?.trim().to_string())
    } else if after.starts_with(char::is_whitespace) {
        Some(after.trim().to_string())
    } else {
        return None;
    };
    Some((colons, kind, title.filter(|t| !t.is_empty())))
}

/// The GitHub alert for an untitled Docusaurus admonition (`caution` is Docusaurus's amber
/// warning, `danger` its red one).
fn docusaurus_alert(kind: &str) -> &'static str {
    match kind {
        "tip" => "TIP",
        "warning" | "caution" => "WARNING",
        "danger" => "CAUTION",
        _ => "NOTE",
    }
}

/// Converts Docusaurus admonitions (`:::tip` ... `:::`) outside code into callouts: a GitHub
/// alert (`> [!TIP]`) without a title, an MkDocs admonition (`!!! tip "Title"`) with one.
/// Unclosed ones are left and counted.
pub fn convert_admonitions(body: &str, out: &mut Conversion) -> String {
    let code = code_ranges(body);
    let mut lines: Vec<(usize, &str)> = Vec::new();
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        lines.push((offset, line));
        offset += line.len();
    }
    let mut result = String::with_capacity(body.len());
    let mut i = 0;
    while i < lines.len() {
        let (off, line) = lines[i];
        let open = if inside(&code, off) {
            None
        } else {
            admonition_open(line)
        };
        let Some((colons, kind, title)) = open else {
            result.push_str(line);
            i += 1;
            continue;
        };
        // The matching close: a line of as many colons, counting nested opens of as many.
        let mut depth = 0;
        let mut close = None;
        for (j, (o, l)) in lines.iter().enumerate().skip(i + 1) {
            if inside(&code, *o) {
                continue;
            }
            let t = l.trim();
            if !t.is_empty() && t.len() == colons && t.chars().all(|c| c == ':') {
                if depth == 0 {
                    close = Some(j);
                    break;
                }
                depth -= 1;
            } else if admonition_open(l).is_some_and(|o| o.0 == colons) {
                depth += 1;
            }
        }
        let Some(close) = close else {
            *out.left.entry(format!(":::{kind}")).or_default() += 1;
            result.push_str(line);
            i += 1;
            continue;
        };
        let inner: String = lines[i + 1..close].iter().map(|x| x.1).collect();
        let inner = convert_admonitions(&dedent(&inner), out);
        let inner = inner.trim_start_matches(['\n', '\r']);
        let indent = &line[..line.len() - line.trim_start().len()];
        if !result.is_empty() && !result.ends_with("\n\n") {
            if !result.ends_with('\n') {
                result.push('\n');
            }
            result.push('\n');
        }
        match title {
            Some(t) => {
                result.push_str(&format!("{indent}!!! {kind} \"{}\"\n", t.replace('"', "'")));
                for l in inner.lines() {
                    if l.trim().is_empty() {
                        result.push('\n');
                    } else {
                        result.push_str(&format!("{indent}    {l}\n"));
                    }
                }
            }
            None => {
                result.push_str(&format!("{indent}> [!{}]\n", docusaurus_alert(&kind)));
                for l in inner.lines() {
                    if l.trim().is_empty() {
                        result.push_str(&format!("{indent}>\n"));
                    } else {
                        result.push_str(&format!("{indent}> {l}\n"));
                    }
                }
            }
        }
        *out.converted.entry(format!(":::{kind}")).or_default() += 1;
        i = close + 1;
        if lines.get(i).is_some_and(|(_, l)| !l.trim().is_empty()) {
            result.push('\n');
        }
    }
    result
}

/// Removes the indentation common to every non-blank line.
fn dedent(text: &str) -> String {
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

/// Template tags left in a body: `{% tag %}` (Liquid, Jinja) and `{{ .Go }}` / `{{ x | f }}`
/// (Go templates, Liquid output), counted by kind and first word. Shortcodes are not counted.
pub fn template_tags(body: &str) -> BTreeMap<String, usize> {
    let code = code_ranges(body);
    let mut counts = BTreeMap::new();
    let mut i = 0;
    while let Some(off) = body[i..].find(['{']) {
        let at = i + off;
        let rest = &body[at..];
        i = at + 1;
        if inside(&code, at) {
            continue;
        }
        let (close, kind) = if rest.starts_with("{%") {
            ("%}", "liquid/jinja")
        } else if rest.starts_with("{{") && !rest.starts_with("{{<") && !rest.starts_with("{{%") {
            ("}}", "go/liquid")
        } else {
            continue;
        };
        let Some(end) = rest[2..].find(close) else {
            continue;
        };
        let inner = rest[2..2 + end].trim_matches(|c: char| c == '-' || c.is_whitespace());
        if kind == "go/liquid" && mustache_name(inner).is_some() {
            i = at + 2 + end + 2;
            continue;
        }
        let word: String = inner
            .split_whitespace()
            .next()
            .unwrap_or("")
            .chars()
            .take(40)
            .collect();
        *counts.entry(format!("{kind} `{word}`")).or_default() += 1;
        i = at + 2 + end + 2;
    }
    counts
}

/// The name of a `{{name}}` placeholder as policybook's `[variables]` reads it (also
/// `{{&name}}`, `{{#name}}`, `{{^name}}`, `{{/name}}`), given the text between the braces.
fn mustache_name(inner: &str) -> Option<&str> {
    let inner = inner.trim();
    let inner = inner
        .strip_prefix(['&', '#', '^', '/', '{'])
        .unwrap_or(inner)
        .trim_end_matches('}')
        .trim();
    crate::variables::is_valid_name(inner).then_some(inner)
}

/// Every name policybook would read as a variable in `body` (outside code), with the tag as
/// first written.
pub fn placeholders(body: &str) -> Vec<(String, String)> {
    let code = code_ranges(body);
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(off) = body[i..].find("{{") {
        let at = i + off;
        i = at + 2;
        if inside(&code, at) || body[at..].starts_with("{{<") || body[at..].starts_with("{{%") {
            continue;
        }
        let rest = &body[at + 2..];
        let Some(end) = rest.find("}}") else {
            continue;
        };
        let mut tag_end = at + 2 + end + 2;
        if body[tag_end..].starts_with('}') {
            tag_end += 1;
        }
        if let Some(name) = mustache_name(&rest[..end]) {
            found.push((name.to_string(), body[at..tag_end].to_string()));
        }
        i = tag_end;
    }
    found
}

/// A placeholder name that a template engine would fill from the site, not the organisation:
/// Go's `.Site.Title`, Liquid's `page.title`.
pub fn is_site_template_name(name: &str) -> bool {
    let first = name.split('.').next().unwrap_or("");
    name.starts_with('.')
        || (name.contains('.')
            && matches!(
                first,
                "page"
                    | "site"
                    | "include"
                    | "layout"
                    | "jekyll"
                    | "paginator"
                    | "content"
                    | "config"
            ))
}

/// A Jekyll page links to its site as `[x]({{ site.baseurl }}/policies/a.html)`: with the
/// tag (whose spaces would keep Markdown from reading a link at all) taken out, the link is a
/// site path like any other, which the import then rewrites to the page's file.
pub fn without_base_url(body: &str) -> String {
    let mut out = body.to_string();
    for tag in [
        "{{ site.url }}{{ site.baseurl }}",
        "{{site.url}}{{site.baseurl}}",
        "{{ site.baseurl }}",
        "{{site.baseurl}}",
    ] {
        out = out.replace(&format!("]({tag}/"), "](/");
        out = out.replace(&format!("]: {tag}/"), "]: /");
    }
    out
}

/// Every inline link and image destination outside code: `(range of the destination, url)`.
pub fn link_destinations(body: &str) -> Vec<(Range<usize>, String)> {
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
pub fn splice(body: &str, edits: &[(Range<usize>, String)]) -> String {
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

    fn convert(body: &str) -> (String, Conversion) {
        let mut c = Conversion::default();
        let resolve = |x: &str| (x == "other.md").then(|| "../other.md".to_string());
        (convert_shortcodes(body, &resolve, &mut c), c)
    }

    #[test]
    fn details_become_collapsed_admonitions() {
        let (out, c) =
            convert("A\n\n{{< details \"Why\" >}}\nBecause.\n\nReally.\n{{< /details >}}\nB\n");
        assert_eq!(
            out,
            "A\n\n??? note \"Why\"\n    Because.\n\n    Really.\nB\n"
        );
        assert_eq!(c.converted["details"], 1);
    }

    #[test]
    fn notices_become_alerts_and_refs_links() {
        let (out, c) = convert("{{% notice warning %}}\nDo not.\n{{% /notice %}}\nSee [x]({{< ref \"other.md\" >}}) {{< label \"New\" >}} {{< youtube abc >}}\n");
        assert_eq!(
            out,
            "> [!WARNING]\n> Do not.\nSee [x](../other.md) New {{< youtube abc >}}\n"
        );
        assert_eq!(c.left["youtube"], 1);
        assert_eq!(c.converted.len(), 3);
    }

    #[test]
    fn docusaurus_admonitions_become_callouts() {
        let mut c = Conversion::default();
        let body = "A\n:::tip\nUse a manager.\n:::\nB\n\n:::danger[Leaks]\nChange it.\n\nAt once.\n:::\n\n::::info Nested\n:::caution\nInner.\n:::\n::::\n\n```\n:::note\n:::\n```\n\n:::warning\nnever closed\n";
        let out = convert_admonitions(body, &mut c);
        assert_eq!(
            out,
            "A\n\n> [!TIP]\n> Use a manager.\n\nB\n\n!!! danger \"Leaks\"\n    Change it.\n\n    At once.\n\n!!! info \"Nested\"\n    > [!WARNING]\n    > Inner.\n\n```\n:::note\n:::\n```\n\n:::warning\nnever closed\n"
        );
        assert_eq!(c.converted.values().sum::<usize>(), 4);
        assert_eq!(c.left[":::warning"], 1);
        assert!(admonition_open(":::tipsy").is_none());
        assert!(admonition_open(":::tip[x").is_none());
    }

    #[test]
    fn code_is_left_alone() {
        let (out, c) = convert("```\n{{< details \"x\" >}}\n{{< /details >}}\n```\n");
        assert!(out.contains("{{< details"));
        assert!(c.converted.is_empty());
    }

    #[test]
    fn placeholders_and_templates() {
        let b = "Hi {{company}} and {{ page.title }} {% include x.html %} `{{code}}`\n";
        let p = placeholders(b);
        assert_eq!(p.len(), 2);
        assert!(is_site_template_name("page.title"));
        assert!(!is_site_template_name("company"));
        let t = template_tags(b);
        assert_eq!(t.get("liquid/jinja `include`"), Some(&1));
    }

    #[test]
    fn jekyll_base_url_tags_leave_site_paths() {
        assert_eq!(
            without_base_url("[a]({{ site.baseurl }}/p/a.html) [b]({{site.baseurl}}/b.html)\n[c]: {{ site.baseurl }}/c.html\n{{ site.baseurl }} stays"),
            "[a](/p/a.html) [b](/b.html)\n[c]: /c.html\n{{ site.baseurl }} stays"
        );
    }

    #[test]
    fn links_are_found_with_their_ranges() {
        let b = "[a](/x/y/) and ![i](<p q.png>)\n\n[r]: /ref/\n";
        let l = link_destinations(b);
        let urls: Vec<&str> = l.iter().map(|(r, _)| &b[r.clone()]).collect();
        assert_eq!(urls, ["/x/y/", "p q.png", "/ref/"]);
    }
}
