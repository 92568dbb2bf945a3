//! ISO/IEC 27001:2013 control ids in `controls:`: counted as the one 2022 control they became,
//! with a warning, or an error listing the candidates where the control was split.

use crate::common::{json_report, Book};

/// The `small` fixture with `content/old.md` listing these controls (one per line from line 6).
fn book_with(controls: &[&str]) -> Book {
    let book = Book::fixture("small");
    let list: String = controls.iter().map(|c| format!("  - {c}\n")).collect();
    book.write(
        "content/old.md",
        &format!(
            "---\nid: OLD-1\ntitle: Old numbering\nstatus: draft\ncontrols:\n{list}---\nBody.\n"
        ),
    );
    book
}

/// The diagnostics `check` reports for `content/old.md`: (severity, code, line, column,
/// message, hint).
fn said(book: &Book) -> Vec<(String, String, u64, u64, String, String)> {
    let report = json_report(&book.run(&["check", "--format", "json"]));
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"] == "content/old.md")
        .map(|d| {
            let s = |k: &str| d[k].as_str().unwrap_or("").to_string();
            let n = |k: &str| d[k].as_u64().unwrap_or(0);
            (
                s("severity"),
                s("code"),
                n("line"),
                n("column"),
                s("message"),
                s("hint"),
            )
        })
        .collect()
}

fn diagnostic(
    severity: &str,
    code: &str,
    line: u64,
    column: u64,
    message: &str,
    hint: &str,
) -> (String, String, u64, u64, String, String) {
    (
        severity.into(),
        code.into(),
        line,
        column,
        message.into(),
        hint.into(),
    )
}

const A916: &str =
    "`A.9.2.1` is the ISO/IEC 27001:2013 id of `A.5.16` (Identity management) in the 2022 edition";

/// Builds the book and returns the page of control `id` and `OLD-1`'s entry in the model export.
fn built(book: &Book, id: &str) -> (String, serde_json::Value) {
    let run = book.run(&["build"]);
    assert_eq!(run.code, 0, "{run:?}");
    let page = book.read(&format!("book/controls/{id}.html"));
    let model: serde_json::Value =
        serde_json::from_str(&book.read("book/exports/model.json")).unwrap();
    let doc = model["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == "OLD-1")
        .unwrap()
        .clone();
    (page, doc)
}

/// `A.9.2.1`, written bare or qualified (its value then starts one column later, after the
/// quote), counts as `A.5.16` everywhere, with a warning at the value.
#[test]
fn a_2013_id_bare_or_qualified_counts_as_its_2022_control_with_a_warning() {
    for (written, column) in [("A.9.2.1", 5), ("\"iso27001-2013:A.9.2.1\"", 6)] {
        let book = book_with(&[written]);
        assert_eq!(
            said(&book),
            [diagnostic(
                "warning",
                "control-2013-id",
                6,
                column,
                A916,
                "write `A.5.16`"
            )],
            "{written}"
        );
        let (page, doc) = built(&book, "A.5.16");
        assert!(page.contains(r#"href="../docs/old.html""#), "{page}");
        assert_eq!(doc["controls"], serde_json::json!(["A.5.16"]));
    }
}

#[test]
fn a_2013_control_merged_into_a_2022_one_is_translated_and_says_so() {
    let book = book_with(&["A.12.1.2", "A.14.2.2"]);
    let merged = |old: &str| {
        format!(
            "`{old}` is an ISO/IEC 27001:2013 id: the 2022 edition merged it with other controls \
             into `A.8.32` (Change management)"
        )
    };
    assert_eq!(
        said(&book),
        [
            diagnostic(
                "warning",
                "control-2013-id",
                6,
                5,
                &merged("A.12.1.2"),
                "write `A.8.32`"
            ),
            diagnostic(
                "warning",
                "control-2013-id",
                7,
                5,
                &merged("A.14.2.2"),
                "remove it: an entry above stands for `A.8.32` already"
            ),
        ]
    );
    let (page, doc) = built(&book, "A.8.32");
    assert!(page.contains(r#"href="../docs/old.html""#), "{page}");
    assert_eq!(doc["controls"], serde_json::json!(["A.8.32"]));
}

#[test]
fn a_2013_id_beside_its_2022_id_is_one_reference() {
    let book = book_with(&["A.9.2.1", "A.5.16"]);
    assert_eq!(
        said(&book),
        [diagnostic(
            "warning",
            "control-2013-id",
            6,
            5,
            A916,
            "remove it: the list has `A.5.16` too"
        )]
    );
    let (page, doc) = built(&book, "A.5.16");
    assert_eq!(
        page.matches(r#"href="../docs/old.html""#).count(),
        1,
        "{page}"
    );
    assert_eq!(doc["controls"], serde_json::json!(["A.5.16"]));
    // The same 2013 id twice is a repeated entry, as for any id.
    let twice = book_with(&["A.9.2.1", "A.9.2.1"]);
    let codes: Vec<(String, u64)> = said(&twice).into_iter().map(|d| (d.1, d.2)).collect();
    assert_eq!(
        codes,
        [
            ("control-2013-id".to_string(), 6),
            ("duplicate-reference".to_string(), 7)
        ]
    );
}

#[test]
fn a_2013_control_split_across_2022_controls_is_an_error_with_the_candidates() {
    for (written, column) in [("A.18.2.3", 5), ("\"iso27001-2013:A.18.2.3\"", 6)] {
        let book = book_with(&["A.5.1", written]);
        assert_eq!(
            said(&book),
            [diagnostic(
                "error",
                "control-2013-ambiguous",
                7,
                column,
                "`A.18.2.3` (Technical compliance review) is an ISO/IEC 27001:2013 id that \
                 corresponds to several 2022 controls: `A.5.36` (Compliance with policies, rules \
                 and standards for information security), `A.8.8` (Management of technical \
                 vulnerabilities)",
                "write the one(s) this document implements"
            )],
            "{written}"
        );
        let run = book.run(&["build"]);
        assert_eq!(run.code, 1, "{run:?}");
        assert!(
            run.stderr.contains("error[control-2013-ambiguous]"),
            "{}",
            run.stderr
        );
        assert!(!book.root.join("book").exists(), "nothing is written");
    }
}

#[test]
fn an_unknown_qualified_2013_id_gets_a_did_you_mean_over_2013_ids() {
    // An id of neither edition, unqualified, stays unknown as before, with its 2013 hint.
    let book = book_with(&["iso27001-2013:A.14.2.10", "A.9.2.7"]);
    assert_eq!(
        said(&book),
        [
            diagnostic(
                "error",
                "unknown-control",
                6,
                5,
                "`iso27001-2013:A.14.2.10` is not an ISO/IEC 27001:2013 Annex A control",
                "did you mean `iso27001-2013:A.14.2.1`?"
            ),
            diagnostic(
                "error",
                "unknown-control",
                7,
                5,
                "`A.9.2.7` is not an ISO/IEC 27001:2022 Annex A control",
                "this looks like an ISO/IEC 27001:2013 control id; the 2022 edition numbers \
                 controls A.5.1 to A.8.34"
            ),
        ]
    );
    assert_eq!(book.run(&["build"]).code, 1);
}
