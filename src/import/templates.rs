//! Template tags of the old site (Go, Liquid, Jinja): `{{name}}` placeholders become the book's
//! variables, Jekyll's base URL is taken out of links, and every other tag is only counted,
//! since no Markdown replaces it.

use std::collections::BTreeMap;

use super::body::{code_ranges, inside};

/// Template tags left in a body: `{% tag %}` (Liquid, Jinja) and `{{ .Go }}` / `{{ x | f }}`
/// (Go templates, Liquid output), counted by kind and first word. Shortcodes are not counted.
pub(super) fn template_tags(body: &str) -> BTreeMap<String, usize> {
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
pub(super) fn placeholders(body: &str) -> Vec<(String, String)> {
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
pub(super) fn is_site_template_name(name: &str) -> bool {
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
pub(super) fn without_base_url(body: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
