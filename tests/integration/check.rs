//! `policybook check`: every kind of mistake reported at once, located, with a hint.

use crate::common::{json_report, located, Book};

#[test]
fn every_mistake_is_reported_at_once_with_file_line_and_column() {
    let book = Book::fixture("mistakes");
    let run = book.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1, "{run:?}");
    let report = json_report(&run);
    let expected = [
        ("unquoted-value", "content/bare-version.md", 4, 10),
        ("broken-anchor", "content/dangling-anchor.md", 8, 5),
        ("broken-link", "content/dangling-link.md", 8, 5),
        ("unknown-reference", "content/dangling-wiki.md", 8, 22),
        ("duplicate-id", "content/duplicate-b.md", 2, 5),
        ("invalid-date", "content/invalid-date.md", 5, 12),
        ("invalid-value", "content/invalid-status.md", 4, 9),
        ("missing-field", "content/missing-title.md", 1, 1),
        ("missing-front-matter", "content/no-front-matter.md", 1, 1),
        ("control-2013-ambiguous", "content/old-control.md", 6, 5),
        ("unknown-clause", "content/unknown-clause.md", 5, 19),
        ("unknown-control", "content/unknown-control.md", 5, 23),
        ("unknown-key", "content/unknown-key.md", 3, 1),
        ("unknown-document", "content/unknown-related.md", 6, 11),
        ("unsafe-link", "content/unsafe-link.md", 8, 1),
        ("unterminated-front-matter", "content/unterminated.md", 1, 1),
    ];
    let expected: Vec<(String, String, u64, u64)> = expected
        .iter()
        .map(|(c, f, l, col)| (c.to_string(), f.to_string(), *l, *col))
        .collect();
    // Gaps of the book as a whole (uncovered clauses, ...) have no place and come last.
    let placed: Vec<_> = located(&report)
        .into_iter()
        .filter(|l| !l.1.is_empty() && l.0 != "not-approved")
        .collect();
    assert_eq!(placed, expected);
    assert_eq!(report["errors"], 15);
    let hints: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"].is_string() && d["code"] != "not-approved")
        .map(|d| d["hint"].as_str().unwrap_or(""))
        .collect();
    assert!(hints[0].contains("\"1.10\""), "quote hint: {}", hints[0]);
    assert_eq!(hints[1], "did you mean `#scope`?");
    assert_eq!(hints[3], "did you mean `GOOD-001`?");
    assert_eq!(hints[9], "write the one(s) this document implements");
    assert_eq!(hints[10], "did you mean `6.1.1`?");
    assert_eq!(hints[11], "did you mean `A.5.15`?");
    assert_eq!(hints[12], "did you mean `title`?");
    assert!(!book.root.join("book").exists(), "check writes nothing");
}

#[test]
fn human_output_is_rustc_style() {
    let book = Book::fixture("mistakes");
    let run = book.run(&["check"]);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!("mistakes_human", run.stderr);
}

#[test]
fn warnings_fail_only_under_strict() {
    let book = Book::fixture("small");
    book.write(
        "content/extra.md",
        "---\nid: EXTRA\ntitle: Extra\nstatus: draft\nclauses: [\"5.2\"]\n---\n[x](javascript:void(0))\n",
    );
    let run = book.run(&["check"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.contains("warning[unsafe-link]"),
        "{}",
        run.stderr
    );
    assert_eq!(book.run(&["check", "--strict"]).code, 1);
}

#[test]
fn a_valid_book_has_no_errors_and_no_problem_in_its_files() {
    let book = Book::fixture("small");
    let run = book.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    let report = json_report(&run);
    assert_eq!(report["documents"], 2);
    assert_eq!(report["errors"], 0);
    // A two-document book has gaps (uncovered clauses and controls), and nothing in its files
    // but the script its policy holds on purpose (shown as text, and said so).
    let placed: Vec<_> = located(&report)
        .into_iter()
        .filter(|l| !l.1.is_empty())
        .collect();
    assert_eq!(
        placed,
        [(
            "raw-html".to_string(),
            "content/policies/security-policy.md".to_string(),
            24,
            1
        )],
        "{report}"
    );
}

#[test]
fn config_mistakes_are_located_in_book_toml() {
    let book = Book::fixture("small");
    book.write(
        "book.toml",
        "[book]\ntitle = \"x\"\n\n[build]\nouput-dir = \"site\"\n",
    );
    let run = book.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    let report = json_report(&run);
    assert_eq!(
        located(&report),
        vec![(
            "config-unknown-key".to_string(),
            "book.toml".to_string(),
            5,
            1
        )]
    );
    assert_eq!(
        report["diagnostics"][0]["hint"],
        "did you mean `output-dir`?"
    );

    book.write("book.toml", "[book\ntitle = 1\n");
    let report = json_report(&book.run(&["check", "--format", "json"]));
    assert_eq!(report["diagnostics"][0]["code"], "config-invalid");
    assert_eq!(report["diagnostics"][0]["line"], 1);
}

#[test]
fn missing_content_folder_is_a_book_error() {
    let book = Book::empty();
    book.write("book.toml", "[build]\ncontent-dir = \"docs\"\n");
    let report = json_report(&book.run(&["check", "--format", "json"]));
    assert_eq!(
        located(&report),
        vec![("missing-content".to_string(), "book.toml".to_string(), 2, 1)]
    );
}

#[test]
fn usage_and_io_failures_exit_2() {
    let book = Book::empty();
    assert_eq!(book.run(&["check", "no/such/folder"]).code, 2);
    assert_eq!(
        book.run(&["check"]).code,
        2,
        "an empty folder is not a book"
    );
    assert_eq!(book.run(&["check", "--format", "yaml"]).code, 2);
    assert_eq!(book.run(&["frobnicate"]).code, 2);
}

#[test]
fn references_to_a_broken_document_are_not_reported_twice() {
    let book = Book::fixture("small");
    // Break the procedure's front matter; the policy still references PRC-001.
    let text = book
        .read("content/procedures/incident-procedure.md")
        .replace("version: \"2.0\"", "version: 2.0");
    book.write("content/procedures/incident-procedure.md", &text);
    let report = json_report(&book.run(&["check", "--format", "json"]));
    let codes: Vec<String> = located(&report).into_iter().map(|l| l.0).collect();
    assert!(codes.contains(&"unquoted-value".to_string()), "{codes:?}");
    assert!(
        !codes.contains(&"unknown-document".to_string()),
        "{codes:?}"
    );
    assert!(
        !codes.contains(&"unknown-reference".to_string()),
        "{codes:?}"
    );
}

#[test]
fn files_that_would_overwrite_each_other_are_refused() {
    let book = Book::fixture("small");
    let doc =
        |id: &str| format!("---\nid: {id}\ntitle: T\nstatus: draft\nclauses: [\"5.2\"]\n---\nx\n");
    // The asset is published (and so collides) because a page links to it.
    book.write(
        "content/policies/Security-Policy.markdown",
        &doc("CASE-1").replace("x\n", "[x](../procedures/incident-procedure.html)\n"),
    );
    book.write(
        "content/procedures/incident-procedure.html",
        "<p>an asset</p>",
    );
    let report = json_report(&book.run(&["check", "--format", "json"]));
    let codes: Vec<(String, String, u64, u64)> = located(&report);
    assert_eq!(
        codes.iter().filter(|c| c.0 == "page-collision").count(),
        2,
        "{codes:?}"
    );
}

#[test]
fn repeated_warnings_are_counted_and_errors_come_first() {
    let book = Book::fixture("small");
    for i in 0..8 {
        book.write(
            &format!("content/policies/p{i}.md"),
            &format!("---\nid: P-{i}\ntitle: Policy {i}\nstatus: approved\nversion: \"1\"\napproved_on: 2026-01-01\ncontrols: [\"A.5.1\"]\n---\nText.\n"),
        );
    }
    book.write(
        "content/policies/zz-last.md",
        "---\nid: ZZ\ntitle: Last\nstatus: draft\n---\nSee [the plan](plan.md).\n",
    );
    let run = book.run(&["check", "--as-of", "2026-11-22"]);
    assert_eq!(run.code, 1, "{run:?}");
    let report = &run.stderr;
    assert!(report.starts_with("error[broken-link]"), "{report}");
    assert_eq!(
        report.matches("warning[missing-approver]").count(),
        3,
        "{report}"
    );
    assert!(
        report.contains("... and 5 more warnings like this (missing-approver); run `policybook check --verbose` to see all"),
        "{report}"
    );
    let table = report.split("problems by code:\n").nth(1).unwrap();
    assert!(table.starts_with("  error    broken-link"), "{table}");
    assert!(table.contains("  warning  missing-approver "), "{table}");
    let all = book.run(&["check", "--as-of", "2026-11-22", "--verbose"]);
    assert_eq!(all.stderr.matches("warning[missing-approver]").count(), 8);
    assert!(!all.stderr.contains("more warnings like this"));
    let json = json_report(&book.run(&["check", "--as-of", "2026-11-22", "--format", "json"]));
    let approvers = located(&json)
        .into_iter()
        .filter(|l| l.0 == "missing-approver")
        .count();
    assert_eq!(approvers, 8, "json lists every diagnostic");
}

#[test]
fn document_control_rules_are_located() {
    let book = Book::fixture("small");
    book.write(
        "content/policies/rules.md",
        "---\nid: RULES\ntitle: Rules\ntype: policy\napprover: Board\napproved_on: 2026-01-01\nstatus: approved\neffective: 2026-06-01\nreview_by: 2026-03-01\ncontrols: [\"A.5.1\", \"A.5.1\"]\n---\nText.\n",
    );
    book.write(
        "content/policies/no-status.md",
        "---\nid: NO-STATUS\ntitle: No status\ntype: guideline\n---\nText.\n",
    );
    let report = json_report(&book.run(&["check", "--as-of", "2026-02-01", "--format", "json"]));
    let found = located(&report);
    for expected in [
        ("missing-status", "content/policies/no-status.md", 2, 1),
        ("missing-version", "content/policies/rules.md", 2, 5),
        (
            "review-before-effective",
            "content/policies/rules.md",
            9,
            12,
        ),
        ("duplicate-reference", "content/policies/rules.md", 10, 22),
    ] {
        let expected = (
            expected.0.to_string(),
            expected.1.to_string(),
            expected.2,
            expected.3,
        );
        assert!(found.contains(&expected), "{expected:?} in {found:?}");
    }
}
