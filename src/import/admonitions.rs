//! Docusaurus admonitions (`:::tip` ... `:::`) become the callouts policybook renders: a GitHub
//! alert without a title, an MkDocs admonition with one.

use super::body::{code_ranges, dedent, inside, Conversion};

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
pub(super) fn convert_admonitions(body: &str, out: &mut Conversion) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
