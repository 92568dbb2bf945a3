//! An mdBook's `book.toml` and layout work as they are: mdBook's keys are honoured where they
//! mean something here and noted where they do not; front matter's `extra` and `aliases`.

use crate::common::{json_report, located, Book};

const AS_OF: &str = "2026-11-22";

#[test]
fn the_book_toml_of_mdbooks_own_guide_checks_with_notes_and_no_error() {
    let book = Book::fixture("mdbook-guide");
    let run = book.run(&["check", "--as-of", AS_OF, "--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    let report = json_report(&run);
    assert_eq!(report["errors"], 0);
    // One note per unused key, at its line: [rust], smart-punctuation, math, hash-files,
    // [output.html.playground], [output.html.code.hidelines], seven search settings,
    // the preprocessor and extra-watch-dirs.
    let lines: Vec<u64> = located(&report)
        .into_iter()
        .filter(|(code, file, _, _)| code == "config-unused" && file == "book.toml")
        .map(|(_, _, line, _)| line)
        .collect();
    assert_eq!(
        lines,
        [9, 13, 14, 18, 20, 24, 28, 29, 30, 31, 32, 33, 34, 39, 43]
    );
    let messages: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["message"].as_str())
        .collect();
    assert!(messages.contains(&"the mdBook preprocessor `guide-helper` is not run by policybook"));
    let codes: Vec<String> = located(&report).into_iter().map(|l| l.0).collect();
    assert_eq!(
        codes.iter().filter(|c| *c == "mdbook-layout").count(),
        2,
        "src/ is read and SUMMARY.md is not a document: {codes:?}"
    );
}

#[test]
fn mdbook_keys_that_mean_something_are_honoured() {
    let book = Book::fixture("mdbook-guide");
    let run = book.run(&["build", "--as-of", AS_OF]);
    assert_eq!(run.code, 0, "{run:?}");
    let page = book.read("book/docs/policies/access-control.html");
    assert!(
        page.contains(r#"<meta name="author" content="Mathieu David, Michael-F-Bryan">"#),
        "{page}"
    );
    assert!(
        page.contains(r#"<link rel="canonical" href="/mdBook/docs/policies/access-control.html">"#)
    );
    assert!(page.contains(r#"<a class="repository" href="https://github.com/rust-lang/mdBook/tree/master/guide">Repository</a>"#));
    assert!(
        page.contains(r#"<a class="edit" href="https://github.com/rust-lang/mdBook/edit/master/guide/src/policies/access-control.md">Propose a change</a>"#),
        "{page}"
    );
    assert!(page.contains("· by Mathieu David, Michael-F-Bryan ·"));
    // [output.html.redirect]: the old page sends the reader on, relative to itself.
    let moved = book.read("book/format/config.html");
    assert!(
        moved.contains(r#"<meta http-equiv="refresh" content="0; url=configuration/index.html">"#),
        "{moved}"
    );
    // Front matter: aliases and extra.
    let alias = book.read("book/policies/infosec.html");
    assert!(
        alias.contains(r#"url=../docs/policies/information-security.html""#),
        "{alias}"
    );
    let alias = book.read("book/security-policy/index.html");
    assert!(
        alias.contains(r#"url=../docs/policies/information-security.html""#),
        "{alias}"
    );
    let policy = book.read("book/docs/policies/information-security.html");
    assert!(policy.contains(r#"<tr class="extra"><th scope="row">department</th><td colspan="3">Security Office</td></tr>"#), "{policy}");
    assert!(policy.contains(
        r#"<th scope="row">frameworks</th><td colspan="3">SOC 2 CC1.1, NIST CSF GV.PO-01</td>"#
    ));
    assert!(!book.root.join("book/docs/SUMMARY.html").exists());
    assert!(
        book.root.join("book/print.html").exists()
            && book.root.join("book/search-index.js").exists()
    );
}

#[test]
fn print_search_css_direction_and_cname_follow_book_toml() {
    let book = Book::fixture("small");
    let toml = book.read("book.toml");
    book.write("branding/extra.css", "body { color: #111 }\n");
    book.write(
        "book.toml",
        &format!("{toml}\n[output.html]\nadditional-css = [\"branding/extra.css\"]\ncname = \"isms.example.com\"\n\n[output.html.print]\nenable = false\n\n[output.html.search]\nenable = false\n"),
    );
    let toml = book
        .read("book.toml")
        .replace("[book]\n", "[book]\ntext-direction = \"rtl\"\n");
    book.write("book.toml", &toml);
    let run = book.run(&["build", "--as-of", AS_OF]);
    assert_eq!(run.code, 0, "{run:?}");
    let index = book.read("book/index.html");
    assert!(index.contains(r#" dir="rtl""#), "{index}");
    assert!(index.contains(r#"<link rel="stylesheet" href="static/book/extra.css">"#));
    assert!(!index.contains("search-input") && !index.contains("search.js"));
    assert!(!index.contains("print.html"));
    assert!(!book.root.join("book/print.html").exists());
    assert!(!book.root.join("book/search-index.js").exists());
    assert_eq!(book.read("book/CNAME"), "isms.example.com\n");
    assert_eq!(
        book.read("book/static/book/extra.css"),
        "body { color: #111 }\n"
    );
}

#[test]
fn keys_mdbook_does_not_know_stay_errors_and_bad_values_are_explained() {
    let book = Book::fixture("small");
    let base = book.read("book.toml");
    let check = |extra: &str| {
        book.write("book.toml", &format!("{base}\n{extra}"));
        json_report(&book.run(&["check", "--as-of", AS_OF, "--format", "json"]))
    };
    let report = check("[output.html]\ngit-repository-ulr = \"https://x.org\"\n");
    let d = &report["diagnostics"][0];
    assert_eq!(d["code"], "config-unknown-key");
    assert_eq!(d["hint"], "did you mean `git-repository-url`?");
    let report = check("[output.html]\ngit-repository-url = \"javascript:alert(1)\"\n");
    assert_eq!(report["diagnostics"][0]["code"], "config-invalid");
    let report = check("[output.html.redirect]\n\"/old.html\" = \"javascript:alert(1)\"\n");
    let d = &report["diagnostics"][0];
    assert_eq!(
        (d["code"].as_str(), d["line"].as_u64()),
        (
            Some("config-invalid"),
            Some(base.lines().count() as u64 + 3)
        )
    );
    let report = check("[output.html.redirect]\n\"/index.html\" = \"elsewhere.html\"\n");
    assert!(
        located(&report).iter().any(|l| l.0 == "page-collision"),
        "{report}"
    );
}

#[test]
fn src_is_content_dir_and_aliases_must_not_take_a_page() {
    let book = Book::fixture("mdbook-guide");
    std::fs::rename(book.root.join("src"), book.root.join("policies-src")).unwrap();
    let toml = book.read("book.toml").replace(
        "language = \"en\"\n",
        "language = \"en\"\nsrc = \"policies-src\"\n",
    );
    book.write("book.toml", &toml);
    let page = "policies-src/policies/access-control.md";
    let text = book.read(page).replace(
        "related: [POL-IS-001]\n",
        "related: [POL-IS-001]\naliases: [/docs/policies/information-security.html]\n",
    );
    book.write(page, &text);
    let run = book.run(&["check", "--as-of", AS_OF, "--format", "json"]);
    assert_eq!(run.code, 1, "{run:?}");
    let report = json_report(&run);
    let errors: Vec<_> = located(&report)
        .into_iter()
        .filter(|l| l.0 == "page-collision")
        .collect();
    assert_eq!(
        errors,
        [("page-collision".to_string(), page.to_string(), 13, 11)]
    );
    let toml = toml.replace("[build]\n", "[build]\ncontent-dir = \"content\"\n");
    book.write("book.toml", &toml);
    let report = json_report(&book.run(&["check", "--format", "json"]));
    assert_eq!(report["diagnostics"][0]["code"], "config-invalid");
    assert!(report["diagnostics"][0]["message"]
        .as_str()
        .unwrap()
        .contains("`src` and `content-dir`"));
}
