//! Markdown written for Hugo, MkDocs, GitHub and mdBook: heading attributes, callouts and links
//! to folders, on a handbook laid out the way those tools lay one out.

use crate::common::{broken_links, json_report, located, Book};

fn page(book: &Book, rel: &str) -> String {
    book.read(&format!("book/{rel}"))
}

/// The `<div class="body">` of a built page.
fn body(html: &str) -> &str {
    let start = html.find("<div class=\"body\">").expect("a body");
    let end = start + html[start..].find("\n</div>").expect("its end");
    &html[start..end]
}

#[test]
fn a_handbook_from_another_tool_builds_on_first_contact() {
    let book = Book::fixture("handbook");
    let run = book.run(&["build", "--as-of", "2026-11-22"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(!run.stderr.contains("error"), "{}", run.stderr);
    assert!(!run.stderr.contains("heading-attribute"), "{}", run.stderr);
    let site = book.root.join("book");
    assert_eq!(broken_links(&site), Vec::<String>::new());

    let policy = page(&book, "docs/policies/acceptable-use.html");
    let b = body(&policy);
    // Explicit ids, with the attribute block gone from the text and classes kept.
    assert!(b.contains("<h2 id=\"scope\">Scope <a class=\"anchor\" href=\"#scope\" aria-label=\"Link to this section\">#</a></h2>"), "{b}");
    assert!(b.contains("<h3 id=\"covered-experiences\" class=\"key-section\">Covered experiences <a class=\"anchor\" href=\"#covered-experiences\""), "{b}");
    assert!(!b.contains("{#"), "{b}");
    // The table of contents lists the explicit ids.
    assert!(policy.contains("href=\"#covered-experiences\""), "{policy}");
    // Callouts: a GitHub alert, a titled admonition and an open collapsible one.
    assert!(b.contains("<aside class=\"callout callout-warning\" role=\"note\"><p class=\"callout-title\">Warning</p>\n<p>Never share a password, not even with the service desk.</p>\n</aside>"), "{b}");
    assert!(b.contains("<aside class=\"callout callout-tip\" role=\"note\"><p class=\"callout-title\">Good habit</p>\n<p>Lock your screen when you leave your desk. See <a href=\"../../docs/guides/README.html\">the guides</a>.</p>\n</aside>"), "{b}");
    assert!(b.contains("<details class=\"callout callout-question\" open><summary class=\"callout-title\">Can I use my own phone?</summary>"), "{b}");
    // An admonition written inside a code fence stays code.
    assert!(
        b.contains("<code class=\"language-markdown\">!!! note\n    This is how"),
        "{b}"
    );
    // A link typed with a decomposed é finds the precomposed heading, and points at its NFC id.
    assert!(b.contains("<h2 id=\"résumés-et-données\">"), "{b}");
    assert!(
        b.contains("<a href=\"#r%C3%A9sum%C3%A9s-et-donn%C3%A9es\">the section on résumés</a>"),
        "{b}"
    );

    // Folder links: `_index.md` before `README.md`, with or without a slash, and with anchors.
    let home = page(&book, "docs/_index.html");
    let b = body(&home);
    assert!(
        b.contains("<a href=\"../docs/policies/_index.html\">policies</a>"),
        "{b}"
    );
    assert!(
        b.contains("<a href=\"../docs/guides/README.html\">guides</a>"),
        "{b}"
    );
    assert!(
        b.contains(
            "<a href=\"../docs/guides/onboarding/index.html#first-day\">onboarding guide</a>"
        ),
        "{b}"
    );
    assert!(b.contains("<aside class=\"callout callout-note\" role=\"note\"><p class=\"callout-title\">Note</p>"), "{b}");
    let onboarding = page(&book, "docs/guides/onboarding/index.html");
    let b = body(&onboarding);
    assert!(
        b.contains("<a href=\"../../../docs/_index.html\">whole handbook</a>"),
        "{b}"
    );
    // `!!! note ""`: a callout without a title.
    assert!(b.contains("<aside class=\"callout callout-note\" role=\"note\">\n<p>Questions go to the people team.</p>"), "{b}");
    assert!(body(&page(&book, "docs/policies/_index.html"))
        .contains("<a href=\"../../docs/_index.html\">Back to the start</a>"));
}

const MISTAKES: &str = r#"---
id: HB-POL-002
title: Mistakes
status: draft
---

## Intro {#intro .ok onclick=alert(1)}

## Again {#intro}

!!! warning "Careful"
    First line.

        code inside

    See [the rules](missing.md) and [[A.5.99]].

Folder [without index](../nowhere/) and [bad anchor](../guides/#nope).
"#;

#[test]
fn mistakes_are_reported_where_they_are_written() {
    let book = Book::fixture("handbook");
    book.write("content/policies/mistakes.md", MISTAKES);
    let run = book.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1, "{run:?}");
    let report = json_report(&run);
    let file = "content/policies/mistakes.md";
    let mine: Vec<(String, u64, u64)> = located(&report)
        .into_iter()
        .filter(|l| l.1 == file && l.0 != "untraced-document")
        .map(|(code, _, line, col)| (code, line, col))
        .collect();
    let expected = [
        ("heading-attribute", 7, 1),
        ("duplicate-heading-id", 9, 1),
        // Inside the admonition: at the line and column as written, despite the rewrite.
        ("broken-link", 16, 9),
        ("unknown-reference", 16, 37),
        ("broken-link", 18, 8),
        ("broken-anchor", 18, 41),
    ];
    let expected: Vec<(String, u64, u64)> = expected
        .iter()
        .map(|(c, l, col)| (c.to_string(), *l, *col))
        .collect();
    assert_eq!(mine, expected);
    let diags = report["diagnostics"].as_array().unwrap();
    let find = |code: &str, line: u64| {
        diags
            .iter()
            .find(|d| d["code"] == code && d["file"] == file && d["line"] == line)
            .unwrap_or_else(|| panic!("{code} at {line}"))
    };
    let attr = find("heading-attribute", 7);
    assert_eq!(attr["severity"], "warning");
    assert!(
        attr["message"]
            .as_str()
            .unwrap()
            .contains("`onclick=alert(1)`"),
        "{attr}"
    );
    assert!(attr["hint"].as_str().unwrap().contains("{#id}"), "{attr}");
    let dup = find("duplicate-heading-id", 9);
    assert!(
        dup["message"].as_str().unwrap().contains("`intro-1`"),
        "{dup}"
    );
    let folder = find("broken-link", 18);
    assert!(
        folder["message"]
            .as_str()
            .unwrap()
            .contains("`../nowhere/`"),
        "{folder}"
    );
    assert_eq!(
        folder["hint"],
        "a link to a folder opens its `_index.md`, `index.md` or `README.md` (the first there is); add one, or link to a file in the folder"
    );
    let anchor = find("broken-anchor", 18);
    assert!(
        anchor["message"].as_str().unwrap().contains("`HB-GDE`"),
        "{anchor}"
    );

    // The dropped attribute never reaches the page; the rest builds once the errors are gone.
    book.write(
        "content/policies/mistakes.md",
        &MISTAKES
            .replace("[the rules](missing.md) and [[A.5.99]]", "the rules")
            .replace("[without index](../nowhere/)", "nothing")
            .replace("#nope", "#guides"),
    );
    let run = book.run(&["build", "--as-of", "2026-11-22"]);
    assert_eq!(run.code, 0, "{run:?}");
    let html = page(&book, "docs/policies/mistakes.html");
    assert!(
        body(&html).starts_with("<div class=\"body\">\n<h2 id=\"intro\" class=\"ok\">Intro "),
        "{html}"
    );
    assert!(body(&html).contains("<h2 id=\"intro-1\">Again "), "{html}");
    assert!(!html.contains("onclick"), "{html}");
    assert!(
        body(&html).contains("<pre class=\"code\"><code>code inside\n</code></pre>"),
        "{html}"
    );
}

#[test]
fn hostile_markdown_never_panics_and_stays_escaped() {
    let book = Book::fixture("handbook");
    let mut text = String::from("---\nid: HB-X\ntitle: X\nstatus: draft\n---\n\n# A {#\"><script>alert(1)</script>}\n\n# B {\n\n!!!\n\n!!! \"\"\n\n??? <img>\n\n");
    for i in 0..60 {
        text.push_str(&format!("{}!!! note \"<b>{i}</b>\"\n", "    ".repeat(i)));
    }
    text.push_str("\n> [!NOTE]\n> > [!WARNING]\n> > deep\n");
    book.write("content/hostile.md", &text);
    let run = book.run(&["build", "--as-of", "2026-11-22"]);
    assert_eq!(run.code, 0, "{run:?}");
    let html = page(&book, "docs/hostile.html");
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(!html.contains("<b>"), "{html}");
    assert_eq!(
        html.matches("<aside class=\"callout callout-note\"")
            .count(),
        61
    );
}
