//! Hugo shortcodes (`{{< name >}}`, `{{% name %}}`): those with a Markdown equivalent (details,
//! notices and alerts, `ref`, labels) are converted; every other one is left as written and
//! counted for the report.

use std::collections::BTreeMap;
use std::ops::Range;

use super::body::{code_ranges, dedent, inside, Conversion};

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
pub(super) type RefResolver<'a> = dyn Fn(&str) -> Option<String> + 'a;

/// Converts the shortcodes of `body` that have a Markdown equivalent; counts the others.
pub(super) fn convert_shortcodes(
    body: &str,
    resolve: &RefResolver,
    out: &mut Conversion,
) -> String {
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
    fn code_is_left_alone() {
        let (out, c) = convert("```\n{{< details \"x\" >}}\n{{< /details >}}\n```\n");
        assert!(out.contains("{{< details"));
        assert!(c.converted.is_empty());
    }
}
