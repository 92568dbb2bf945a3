//! One table a rule: small books, each with exactly what the rule alone reports on it, by code,
//! file, line and column (`""`, 0 and 0 for what has no place: the gaps of the book as a whole).

use super::*;
use crate::catalog::Catalog;
use crate::testing::{document, TestBook};

type Rule = fn(&Model, &Sources, &mut Vec<Diagnostic>);

/// A row: what the book is, the book, and what the rule reports on it, in order.
type Row = (
    &'static str,
    TestBook,
    Vec<(Code, &'static str, usize, usize)>,
);

/// Runs `rule` alone on each row's book and compares its diagnostics with the row's.
fn table(rule: Rule, rows: Vec<Row>) {
    for (what, book, expected) in rows {
        let checked = book.checked();
        let model = checked.model.as_ref().expect("the book has a model");
        let mut out = Vec::new();
        rule(model, &checked.sources, &mut out);
        let found: Vec<(Code, String, usize, usize)> = out
            .iter()
            .map(|d| {
                let at = checked.sources.locate(d);
                let file = at.file.unwrap_or_default();
                (d.code, file, at.line.unwrap_or(0), at.column.unwrap_or(0))
            })
            .collect();
        let expected: Vec<(Code, String, usize, usize)> = expected
            .into_iter()
            .map(|(code, file, line, column)| (code, file.to_string(), line, column))
            .collect();
        assert_eq!(found, expected, "{what}: {out:#?}");
    }
}

/// A book of one document, `A`, with front matter `fields` (see [`document`]).
fn book_of_a(fields: &str) -> TestBook {
    TestBook::new().doc_with("A", fields, "Text.")
}

/// soa.yaml with `entries` under `controls:` (from line 3) and every other control excluded
/// with a justification; a control named in a comment (`# A.8.34:`) is left undecided.
fn soa(entries: &str) -> String {
    let mut yaml = format!("version: \"1\"\ncontrols:\n{entries}");
    for c in Catalog::iso27001_2022().controls {
        if !entries.contains(&format!("{}:", c.id)) {
            yaml.push_str(&format!(
                "  {}: {{ applicable: false, justification: No }}\n",
                c.id
            ));
        }
    }
    yaml
}

/// A book whose one document addresses every clause but `clause` and every control but
/// `control` (`""` for none).
fn addressing_all_but(clause: &str, control: &str) -> TestBook {
    let catalog = Catalog::iso27001_2022();
    let list = |ids: Vec<&String>, but: &str| {
        let ids: Vec<String> = ids
            .into_iter()
            .filter(|id| *id != but)
            .map(|id| format!("\"{id}\""))
            .collect();
        ids.join(", ")
    };
    let clauses = list(catalog.clauses.iter().map(|c| &c.id).collect(), clause);
    let controls = list(catalog.controls.iter().map(|c| &c.id).collect(), control);
    let fields = format!("clauses: [{clauses}]\ncontrols: [{controls}]");
    TestBook::new().doc_with("ALL", &fields, "Text.")
}

#[test]
fn statement_of_applicability() {
    let listing = "controls: [\"A.5.1\"]";
    table(
        |m, _, out| super::statement_of_applicability(m, out),
        vec![
            ("no soa.yaml", book_of_a(""), vec![]),
            (
                "every control decided, justified and addressed",
                book_of_a(listing)
                    .soa(&soa("  A.5.1: { applicable: true, justification: Risk }\n")),
                vec![],
            ),
            (
                "excluded without a justification",
                TestBook::new().soa(&soa("  A.5.1: { applicable: false }\n")),
                vec![(Code::SoaMissingJustification, "soa.yaml", 3, 3)],
            ),
            (
                "applicable without a justification",
                book_of_a(listing).soa(&soa("  A.5.1: { applicable: true }\n")),
                vec![(Code::SoaMissingJustification, "soa.yaml", 3, 3)],
            ),
            (
                "excluded, but an approved document implements it",
                book_of_a(listing).soa(&soa("  A.5.1: { applicable: false, justification: No }\n")),
                vec![(Code::SoaExcludedButAddressed, "soa.yaml", 3, 3)],
            ),
            (
                "applicable, and only a draft lists it",
                book_of_a(&format!("{listing}\nstatus: draft"))
                    .soa(&soa("  A.5.1: { applicable: true, justification: Risk }\n")),
                vec![(Code::SoaUncovered, "soa.yaml", 3, 3)],
            ),
            (
                "one control undecided",
                TestBook::new().soa(&soa("  # A.8.34: not decided yet\n")),
                vec![(Code::SoaUndecided, "soa.yaml", 2, 1)],
            ),
            (
                "no `controls:` at all",
                TestBook::new().soa("version: \"1\"\n"),
                vec![(Code::SoaUndecided, "soa.yaml", 1, 1)],
            ),
        ],
    );
}

#[test]
fn overdue_reviews() {
    table(
        |m, _, out| super::overdue_reviews(m, out),
        vec![
            ("due later", book_of_a("review_by: 2027-01-01"), vec![]),
            ("due on the day", book_of_a("review_by: 2026-11-22"), vec![]),
            (
                "`review_by` passed",
                book_of_a("review_by: 2026-11-21"),
                vec![(Code::ReviewOverdue, "content/a.md", 9, 12)],
            ),
            (
                "`last_reviewed` and the interval passed",
                book_of_a("last_reviewed: 2025-06-01\nreview_interval: 12 months"),
                vec![(Code::ReviewOverdue, "content/a.md", 9, 16)],
            ),
            (
                "`approved_on` and the interval passed",
                book_of_a("review_interval: 6 months"),
                vec![(Code::ReviewOverdue, "content/a.md", 6, 14)],
            ),
            (
                "retired",
                book_of_a("status: retired\nreview_by: 2026-01-01"),
                vec![],
            ),
        ],
    );
}

#[test]
fn gaps() {
    table(
        |m, _, out| super::gaps(m, out),
        vec![
            ("everything addressed", addressing_all_but("", ""), vec![]),
            (
                "a clause addressed by no document",
                addressing_all_but("4.1", ""),
                vec![(Code::UncoveredClause, "", 0, 0)],
            ),
            (
                "a clause that requires documented information",
                addressing_all_but("4.3", ""),
                vec![(Code::MissingDocumentedInformation, "", 0, 0)],
            ),
            (
                "a control addressed by no document, no soa.yaml",
                addressing_all_but("", "A.8.34"),
                vec![(Code::UncoveredControls, "", 0, 0)],
            ),
            (
                "a control addressed by no document, and a soa.yaml (its rule says so)",
                addressing_all_but("", "A.8.34").soa("controls: {}\n"),
                vec![],
            ),
            (
                "a draft",
                addressing_all_but("", "").doc_with("B", "status: draft", "Text."),
                vec![(Code::NotApproved, "", 0, 0)],
            ),
        ],
    );
}

#[test]
fn unportable_names() {
    let a = || document("A", "", "Text.");
    table(
        |m, _, out| super::unportable_names(m, out),
        vec![
            (
                "portable names",
                TestBook::new()
                    .doc("A", "![d](a.png)")
                    .file("content/a.png", "png"),
                vec![],
            ),
            (
                "a device name",
                TestBook::new().file("content/con.md", a()),
                vec![(Code::UnportableName, "content/con.md", 1, 1)],
            ),
            (
                "a forbidden character in a folder's name",
                TestBook::new().file("content/a:b/a.md", a()),
                vec![(Code::UnportableName, "content/a:b/a.md", 1, 1)],
            ),
            (
                "a name ending in a dot",
                TestBook::new().file("content/a./a.md", a()),
                vec![(Code::UnportableName, "content/a./a.md", 1, 1)],
            ),
            (
                "a linked file",
                TestBook::new()
                    .doc("A", "![d](nul.png)")
                    .file("content/nul.png", "png"),
                vec![(Code::UnportableName, "", 0, 0)],
            ),
        ],
    );
}

#[test]
fn colliding_pages() {
    let b = || document("B", "", "Text.");
    table(
        |m, _, out| super::colliding_pages(m, out),
        vec![
            (
                "two names",
                TestBook::new().doc("A", "Text.").doc("B", "Text."),
                vec![],
            ),
            (
                "a.md and a.markdown",
                TestBook::new()
                    .doc("A", "Text.")
                    .file("content/a.markdown", b()),
                vec![(Code::PageCollision, "content/a.md", 2, 5)],
            ),
            (
                "names that differ in case",
                TestBook::new().doc("A", "Text.").file("content/A.md", b()),
                vec![(Code::PageCollision, "content/a.md", 2, 5)],
            ),
            (
                "a name in NFC and NFD",
                TestBook::new()
                    .file("content/caf\u{e9}.md", document("A", "", "Text."))
                    .file("content/cafe\u{301}.md", b()),
                vec![(Code::PageCollision, "content/caf\u{e9}.md", 2, 5)],
            ),
            (
                "a file where a page goes",
                TestBook::new()
                    .doc("A", "Text.")
                    .doc("B", "[raw](a.html)")
                    .file("content/a.html", "<p>"),
                vec![(Code::PageCollision, "", 0, 0)],
            ),
        ],
    );
}

#[test]
fn colliding_redirects() {
    let alias = |to: &str| format!("aliases: [\"{to}\"]");
    table(
        super::colliding_redirects,
        vec![
            (
                "an alias of a free path",
                TestBook::new()
                    .doc("A", "Text.")
                    .doc_with("B", &alias("/docs/old.html"), "Text."),
                vec![],
            ),
            (
                "an alias of another document's page",
                TestBook::new()
                    .doc("A", "Text.")
                    .doc_with("B", &alias("/docs/a.html"), "Text."),
                vec![(Code::PageCollision, "content/b.md", 9, 12)],
            ),
            (
                "an alias of policybook's own page",
                TestBook::new().doc_with("A", &alias("/index.html"), "Text."),
                vec![(Code::PageCollision, "content/a.md", 9, 12)],
            ),
            (
                "an alias taken by an earlier one",
                TestBook::new()
                    .doc_with("A", &alias("/old.html"), "Text.")
                    .doc_with("B", &alias("/old.html"), "Text."),
                vec![(Code::PageCollision, "content/b.md", 9, 12)],
            ),
            (
                "a redirect of book.toml to a page",
                TestBook::new()
                    .toml("[output.html.redirect]\n\"docs/a.html\" = \"b.html\"\n")
                    .doc("A", "Text."),
                vec![(Code::PageCollision, "book.toml", 4, 1)],
            ),
        ],
    );
}

#[test]
fn untraced_documents() {
    let at_id = vec![(Code::UntracedDocument, "content/a.md", 2, 5)];
    table(
        |m, _, out| super::untraced_documents(m, out),
        vec![
            ("a clause", book_of_a(""), vec![]),
            (
                "a control",
                book_of_a("clauses:\ncontrols: [\"A.5.1\"]"),
                vec![],
            ),
            ("neither", book_of_a("clauses:"), at_id.clone()),
            (
                "neither, a draft",
                book_of_a("clauses:\nstatus: draft"),
                at_id,
            ),
            (
                "neither, a record",
                book_of_a("clauses:\ntype: record"),
                vec![],
            ),
            (
                "neither, a guideline",
                book_of_a("clauses:\ntype: guideline"),
                vec![],
            ),
            (
                "neither, retired",
                book_of_a("clauses:\nstatus: retired"),
                vec![],
            ),
        ],
    );
}

#[test]
fn approved_without_control_fields() {
    table(
        |m, _, out| super::approved_without_control_fields(m, out),
        vec![
            ("all three", book_of_a(""), vec![]),
            (
                "no approver",
                book_of_a("approver:"),
                vec![(Code::MissingApprover, "content/a.md", 2, 5)],
            ),
            (
                "no approval date",
                book_of_a("approved_on:"),
                vec![(Code::MissingApprovalDate, "content/a.md", 2, 5)],
            ),
            (
                "no version",
                book_of_a("version:"),
                vec![(Code::MissingVersion, "content/a.md", 2, 5)],
            ),
            (
                "none",
                book_of_a("approver:\napproved_on:\nversion:"),
                vec![
                    (Code::MissingApprover, "content/a.md", 2, 5),
                    (Code::MissingApprovalDate, "content/a.md", 2, 5),
                    (Code::MissingVersion, "content/a.md", 2, 5),
                ],
            ),
            (
                "none, a draft",
                book_of_a("status: draft\napprover:\napproved_on:\nversion:"),
                vec![],
            ),
        ],
    );
}

#[test]
fn long_lists_of_ids_are_cut_and_counted() {
    let ids: Vec<String> = (1..=12).map(|i| format!("D-{i}")).collect();
    assert_eq!(first_of(&ids[..2], 10, "see x"), "D-1, D-2");
    assert_eq!(first_of(&ids[..10], 10, "see x"), ids[..10].join(", "));
    assert_eq!(
        first_of(&ids, 10, "see x"),
        "D-1, D-2, D-3, D-4, D-5, D-6, D-7, D-8, D-9, D-10, and 2 more (see x)"
    );
}
