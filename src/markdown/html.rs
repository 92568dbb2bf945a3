//! Raw HTML in a body: naming what in it would run script, and sanitising what a book allows
//! (`allow-html`). Kept apart because this is the one place that decides which HTML may
//! reach a page.

/// What in a piece of raw HTML would run script, if anything: a `<script>`, `<iframe>`,
/// `<object>` or `<embed>` element, an event handler attribute (`onclick=`), or a
/// `javascript:` URL. Browsers ignore case and whitespace inside a scheme, so this does too.
pub(super) fn script_in_html(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    for element in ["script", "iframe", "object", "embed"] {
        let open = format!("<{element}");
        let mut rest = lower.as_str();
        while let Some(at) = rest.find(&open) {
            let after = rest[at + open.len()..].chars().next();
            if after.is_none_or(|c| c.is_ascii_whitespace() || c == '>' || c == '/') {
                return Some(format!("a `<{element}>` element"));
            }
            rest = &rest[at + open.len()..];
        }
    }
    // An attribute `on...=` inside a tag.
    let mut in_tag = false;
    let bytes = lower.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'<' => in_tag = true,
            b'>' => in_tag = false,
            b'o' if in_tag
                && i > 0
                && (bytes[i - 1].is_ascii_whitespace() || bytes[i - 1] == b'/')
                && bytes.get(i + 1) == Some(&b'n') =>
            {
                let name: String = lower[i..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                let after = lower[i + name.len()..].trim_start();
                if name.len() > 2 && after.starts_with('=') {
                    return Some(format!("the event handler `{name}`"));
                }
            }
            _ => {}
        }
    }
    let squeezed: String = lower
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .collect();
    [
        "javascript:",
        "vbscript:",
        "&#106;avascript:",
        "&#x6a;avascript:",
    ]
    .iter()
    .any(|scheme| squeezed.contains(scheme))
    .then(|| "a `javascript:` URL".to_string())
}

/// Raw HTML a book allows still must not run script: ammonia keeps formatting and removes
/// `<script>`, event handlers, `style` and URLs with other schemes than http(s), mailto and tel.
pub(super) fn sanitize(html: &str) -> String {
    let mut b = ammonia::Builder::default();
    b.add_generic_attributes(&["class", "id", "title", "aria-label", "aria-hidden", "role"])
        .add_tags(&[
            "kbd",
            "mark",
            "details",
            "summary",
            "figure",
            "figcaption",
            "input",
        ])
        .add_tag_attributes("input", &["type", "checked", "disabled"])
        .add_tag_attributes("details", &["open"])
        .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
        .link_rel(None)
        // An empty address is no address: `<a>` stays a placeholder, see below for `<img>`.
        .attribute_filter(|_, attribute, value| {
            let empty = matches!(attribute, "src" | "href") && value.trim().is_empty();
            (!empty).then_some(value.into())
        });
    without_sourceless_images(&b.clean(html).to_string())
}

/// `html` (as ammonia writes it: attributes in double quotes) without the `<img>` elements
/// that have no `src` left, whose address was removed as unsafe or was empty.
fn without_sourceless_images(html: &str) -> String {
    if !html.contains("<img") {
        return html.to_string();
    }
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("<img") {
        out.push_str(&rest[..at]);
        let tag = &rest[at..];
        // The tag ends at the first `>` outside a quoted value.
        let mut quoted = false;
        let end = tag
            .char_indices()
            .find(|&(_, c)| {
                if c == '"' {
                    quoted = !quoted;
                }
                c == '>' && !quoted
            })
            .map_or(tag.len(), |(i, _)| i + 1);
        let element = &tag[..end];
        let name_ends = element[4..].starts_with([' ', '>', '/']);
        if !name_ends || element.contains(" src=\"") {
            out.push_str(element);
        }
        rest = &tag[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::tests::{render_, Book};
    use crate::markdown::{render, RenderOptions};

    #[test]
    fn raw_html_is_text_unless_allowed() {
        let r = render_("<script>alert(1)</script>\n\nHi <b onclick=x>there</b>\n");
        assert!(!r.html.contains("<script>"), "{}", r.html);
        assert!(r.html.contains("&lt;script&gt;"));
        assert!(!r.html.contains("<b "));
        let r = render(
            "<b>ok</b>\n",
            &Book,
            RenderOptions {
                allow_html: true,
                highlight: true,
            },
        );
        assert!(r.html.contains("<b>ok</b>"));
        let r = render(
            "<b onclick=\"x()\">ok</b><script>alert(1)</script><a href=\"javascript:x\">l</a><img src=x onerror=alert(1)>\n\n[[A.5.15]]\n",
            &Book,
            RenderOptions { allow_html: true, highlight: true },
        );
        for bad in ["onclick", "<script", "javascript:", "onerror"] {
            assert!(!r.html.contains(bad), "{bad} in {}", r.html);
        }
        assert!(r.html.contains("<b>ok</b>"));
        assert!(
            r.html.contains("href=\"../controls/A.5.15.html\""),
            "our links survive: {}",
            r.html
        );
    }

    #[test]
    fn sanitised_html_has_no_empty_or_missing_address() {
        let r = render(
            "<img src=\"javascript:alert(1)\" alt=\"a>b\"> <img src=\"\"> <img src=\"https://x.org/a.png\"> <a href=\"javascript:x\">l</a> <a href=\"\">m</a> <imgx>\n",
            &Book,
            RenderOptions {
                allow_html: true,
                highlight: false,
            },
        );
        assert!(
            !r.html.contains("src=\"\"") && !r.html.contains("href=\"\""),
            "{}",
            r.html
        );
        assert_eq!(r.html.matches("<img").count(), 1, "{}", r.html);
        assert!(
            r.html.contains("<img src=\"https://x.org/a.png\">"),
            "{}",
            r.html
        );
        assert!(r.html.contains("<a>l</a> <a>m</a>"), "{}", r.html);
    }

    #[test]
    fn raw_html_that_would_run_script_is_named() {
        for (html, what) in [
            ("<script>x</script>", "a `<script>` element"),
            ("<SCRIPT\nsrc=x>", "a `<script>` element"),
            ("<iframe src=x>", "a `<iframe>` element"),
            ("<object data=x>", "a `<object>` element"),
            ("<embed/src=x>", "a `<embed>` element"),
            (
                "<img src=x onerror=alert(1)>",
                "the event handler `onerror`",
            ),
            ("<b/onclick = \"x\">", "the event handler `onclick`"),
            ("<a href=\"JaVa\tScRiPt:x\">", "a `javascript:` URL"),
            ("<a href=\"&#106;avascript:x\">", "a `javascript:` URL"),
        ] {
            assert_eq!(script_in_html(html).as_deref(), Some(what), "{html}");
        }
        for harmless in [
            "<b>on</b>",
            "<scripture>",
            "<objection>",
            "<p class=online>",
            "<!-- on=1 -->",
            "<a href=\"https://x.org/javascript\">",
        ] {
            assert_eq!(script_in_html(harmless), None, "{harmless}");
        }
    }
}
