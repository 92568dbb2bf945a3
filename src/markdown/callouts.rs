//! Callouts: GitHub alerts (`> [!NOTE]`) and MkDocs admonitions become `<aside>` or, when
//! collapsible, `<details>` with a title. Kept apart because their HTML and class names are
//! the same whichever syntax the body used.

use pulldown_cmark::BlockQuoteKind;

use crate::admonition::Admonition;
use crate::highlight::escape_html;

use super::{Rendered, Resolve};

/// The opening HTML of a callout, and its closing tag.
pub(super) fn callout_open(
    kind: &str,
    classes: &[String],
    title: Option<&str>,
    open: Option<bool>,
    words: &dyn Resolve,
) -> (String, &'static str) {
    // The title a callout has when it names none: its kind, in the book's language.
    let default_title = || match words.word(&format!("callout.{}", class_name(kind))) {
        Some(word) => escape_html(word),
        None => escape_html(&capitalised(kind)),
    };
    let mut class = String::from("callout callout-");
    class.push_str(&escape_html(&class_name(kind)));
    for c in classes {
        let c = class_name(c);
        if !c.is_empty() {
            class.push(' ');
            class.push_str(&escape_html(&c));
        }
    }
    let title = title.map(escape_html);
    match open {
        Some(open) => {
            let title = match title.filter(|t| !t.is_empty()) {
                Some(t) => t,
                None => default_title(),
            };
            let open = if open { " open" } else { "" };
            (
                format!("<details class=\"{class}\"{open}><summary class=\"callout-title\">{title}</summary>\n"),
                "</details>\n",
            )
        }
        None => {
            let title = match title {
                Some(t) if t.is_empty() => String::new(),
                Some(t) => format!("<p class=\"callout-title\">{t}</p>\n"),
                None => format!("<p class=\"callout-title\">{}</p>\n", default_title()),
            };
            (
                format!("<aside class=\"{class}\" role=\"note\">{title}"),
                "</aside>\n",
            )
        }
    }
}

/// A class name from an admonition kind or heading class: lowercase letters, digits, `-`, `_`.
fn class_name(word: &str) -> String {
    word.chars()
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// `word` with its first letter upper case (a callout's kind as its title, a level's label).
pub(crate) fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

pub(super) fn alert_kind(kind: BlockQuoteKind) -> &'static str {
    match kind {
        BlockQuoteKind::Note => "note",
        BlockQuoteKind::Tip => "tip",
        BlockQuoteKind::Important => "important",
        BlockQuoteKind::Warning => "warning",
        BlockQuoteKind::Caution => "caution",
    }
}

/// The callout an admonition opens (its own title goes into the search text).
pub(super) fn admonition_callout(
    a: &Admonition,
    out: &mut Rendered,
    words: &dyn Resolve,
) -> (String, &'static str) {
    if let Some(title) = a.title.as_deref().filter(|t| !t.is_empty()) {
        out.text.push_str(title);
        out.text.push(' ');
    }
    callout_open(
        &a.kind,
        &a.classes,
        a.title.as_deref(),
        a.collapsible,
        words,
    )
}

#[cfg(test)]
mod tests {
    use crate::markdown::tests::{render_, Book};
    use crate::markdown::{render, RenderOptions};

    #[test]
    fn github_alerts_become_callouts() {
        let r = render_("> [!WARNING]\n> Keys expire.\n\n> plain quote\n");
        assert!(
            r.html.starts_with("<aside class=\"callout callout-warning\" role=\"note\"><p class=\"callout-title\">Warning</p>\n<p>Keys expire.</p>\n</aside>\n"),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("<blockquote>\n<p>plain quote</p>\n</blockquote>"),
            "{}",
            r.html
        );
        for (kind, title) in [
            ("NOTE", "Note"),
            ("TIP", "Tip"),
            ("IMPORTANT", "Important"),
            ("CAUTION", "Caution"),
        ] {
            let r = render_(&format!("> [!{kind}]\n> x\n"));
            let class = kind.to_lowercase();
            assert!(
                r.html.contains(&format!(
                    "callout-{class}\" role=\"note\"><p class=\"callout-title\">{title}</p>"
                )),
                "{}",
                r.html
            );
        }
    }

    #[test]
    fn admonitions_become_callouts_with_problems_where_written() {
        let src = "Intro.\n\n!!! danger \"Do <not> skip\"\n    See [x](missing.md).\n\n!!! tldr\n    Short.\n\n!!! note \"\"\n    Untitled.\n\n??? question \"Why?\"\n    Because.\n\n???+ Custom-Kind\n    Open.\n\nAfter.\n";
        let r = render_(src);
        assert_eq!(
            r.html,
            "<p>Intro.</p>\n\
<aside class=\"callout callout-danger\" role=\"note\"><p class=\"callout-title\">Do &lt;not&gt; skip</p>\n<p>See <a href=\"#policybook-problem-0\">x</a>.</p>\n</aside>\n\
<aside class=\"callout callout-tldr\" role=\"note\"><p class=\"callout-title\">Tldr</p>\n<p>Short.</p>\n</aside>\n\
<aside class=\"callout callout-note\" role=\"note\">\n<p>Untitled.</p>\n</aside>\n\
<details class=\"callout callout-question\"><summary class=\"callout-title\">Why?</summary>\n<p>Because.</p>\n</details>\n\
<details class=\"callout callout-custom-kind\" open><summary class=\"callout-title\">Custom-kind</summary>\n<p>Open.</p>\n</details>\n\
<p>After.</p>\n"
        );
        assert_eq!(r.problems.len(), 1);
        assert_eq!(&src[r.problems[0].range.clone()], "[x](missing.md)");
    }

    #[test]
    fn nested_admonitions_and_alerts_close_in_order() {
        let src = "!!! note\n    Outer.\n\n    > [!TIP]\n    > Inner tip.\n\n    !!! warning\n        Deep [d](#nope).\n\n    Outer again.\n";
        let r = render_(src);
        assert_eq!(r.html.matches("<aside").count(), 3, "{}", r.html);
        assert_eq!(r.html.matches("</aside>").count(), 3, "{}", r.html);
        assert!(
            r.html.ends_with("<p>Outer again.</p>\n</aside>\n"),
            "{}",
            r.html
        );
        assert_eq!(&src[r.problems[0].range.clone()], "[d](#nope)");
    }

    #[test]
    fn callouts_and_heading_classes_survive_allowed_html() {
        let r = render(
            "## T {#t .wide}\n\n???+ note \"Open\"\n    Body.\n\n> [!TIP]\n> Tip.\n",
            &Book,
            RenderOptions {
                allow_html: true,
                highlight: true,
            },
        );
        for kept in [
            "<h2 id=\"t\" class=\"wide\">",
            "<details class=\"callout callout-note\" open=\"\"><summary class=\"callout-title\">Open</summary>",
            "<aside class=\"callout callout-tip\" role=\"note\"><p class=\"callout-title\">Tip</p>",
        ] {
            assert!(r.html.contains(kept), "{kept} in {}", r.html);
        }
    }
}
