//! Reading lists and acknowledgements: who must read what (`[audiences]` and `audience:`),
//! each list's page, and `acknowledgements.csv` whose fingerprints change with the text alone.

use crate::common::{json_report, located, Book};

const AUDIENCES: &str =
    "\n[audiences]\nall = \"All staff\"\nengineering = \"Engineering\"\nhr = \"People team\"\n";

/// A book of a policy for everyone, an engineering standard, an HR procedure and a draft.
fn book() -> Book {
    let book = Book::empty();
    book.write(
        "book.toml",
        &format!("[book]\ntitle = \"Readers\"\n{AUDIENCES}"),
    );
    let doc = |id: &str, kind: &str, status: &str, audience: &str, body: &str| {
        format!("---\nid: {id}\ntitle: Title of {id}\ntype: {kind}\nversion: \"1.0\"\nstatus: {status}\neffective: 2026-01-01\naudience: {audience}\n---\n{body}\n")
    };
    book.write(
        "content/pol.md",
        &doc(
            "POL-1",
            "policy",
            "approved",
            "[all]",
            "Everyone reads this.",
        ),
    );
    book.write(
        "content/std.md",
        &doc(
            "STD-1",
            "standard",
            "approved",
            "[engineering]",
            "Engineers read this.",
        ),
    );
    book.write(
        "content/prc.md",
        &doc(
            "PRC-1",
            "procedure",
            "approved",
            "[hr, engineering]",
            "Both read this.",
        ),
    );
    book.write(
        "content/draft.md",
        &doc("PRC-2", "procedure", "draft", "[hr]", "Not yet."),
    );
    book
}

fn build(book: &Book) -> String {
    let run = book.run(&["build", "--as-of", "2026-11-22"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    book.read("book/exports/acknowledgements.csv")
}

/// The document ids of a reading list's page, in their order.
fn listed(book: &Book, audience: &str) -> Vec<String> {
    let page = book.read(&format!("book/audiences/{audience}.html"));
    page.split("<span class=\"id\">")
        .skip(1)
        .map(|s| s[..s.find('<').unwrap()].to_string())
        .collect()
}

#[test]
fn each_audience_reads_its_approved_documents_policies_first_and_those_for_all() {
    let book = book();
    let csv = build(&book);
    assert_eq!(listed(&book, "all"), ["POL-1"]);
    assert_eq!(listed(&book, "engineering"), ["POL-1", "STD-1", "PRC-1"]);
    // The draft is not on the list until it is approved.
    assert_eq!(listed(&book, "hr"), ["POL-1", "PRC-1"]);
    let index = book.read("book/audiences.html");
    assert!(index.contains("href=\"audiences/engineering.html\">Engineering</a>"));
    assert!(book.read("book/index.html").contains(">Reading lists</a>"));
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(
        rows[0],
        "audience,document_id,title,version,effective,page,body_sha256"
    );
    assert_eq!(rows.len(), 1 + 1 + 3 + 2);
    assert!(rows[2].starts_with("engineering,POL-1,Title of POL-1,1.0,2026-01-01,docs/pol.html,"));
}

#[test]
fn a_fingerprint_changes_when_the_text_changes_and_only_then() {
    let book = book();
    let fingerprints = |csv: &str| -> Vec<String> {
        csv.lines()
            .skip(1)
            .map(|l| {
                format!(
                    "{} {}",
                    &l[..l.find(',').unwrap()],
                    l.rsplit(',').next().unwrap()
                )
            })
            .collect()
    };
    let first = fingerprints(&build(&book));
    // A new version number, owner and review date with the same text: nothing to confirm again.
    let std = book.read("content/std.md");
    book.write(
        "content/std.md",
        &std.replace("version: \"1.0\"", "version: \"1.1\"\nowner: CTO"),
    );
    let csv = build(&book);
    assert_eq!(fingerprints(&csv), first);
    assert!(csv.contains(",STD-1,Title of STD-1,1.1,"));
    // A changed sentence: only that document's rows change.
    book.write(
        "content/std.md",
        &book
            .read("content/std.md")
            .replace("Engineers read this.", "Engineers read this twice."),
    );
    let after = fingerprints(&build(&book));
    let changed: Vec<&String> = after.iter().filter(|f| !first.contains(f)).collect();
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert!(csv.lines().any(|l| l.starts_with("engineering,STD-1,")));
    assert_eq!(after.len(), first.len());
}

#[test]
fn an_undeclared_audience_and_an_id_that_cannot_name_a_page_are_errors() {
    let book = book();
    book.write(
        "content/std.md",
        &book
            .read("content/std.md")
            .replace("audience: [engineering]", "audience: [enginering]"),
    );
    let check = |book: &Book| {
        located(&json_report(&book.run(&[
            "check",
            "--as-of",
            "2026-11-22",
            "--format",
            "json",
        ])))
    };
    let found = check(&book);
    assert!(
        found.contains(&("unknown-audience".into(), "content/std.md".into(), 8, 12)),
        "{found:?}"
    );
    assert_eq!(book.run(&["build", "--as-of", "2026-11-22"]).code, 1);
    book.write(
        "book.toml",
        &format!("[book]\ntitle = \"Readers\"\n{AUDIENCES}\"../x\" = \"Escape\"\n"),
    );
    let found = check(&book);
    assert!(
        found.contains(&("config-invalid".into(), "book.toml".into(), 8, 1)),
        "{found:?}"
    );
    assert_eq!(book.run(&["build", "--as-of", "2026-11-22"]).code, 1);
}

#[test]
fn a_book_without_audiences_has_no_reading_lists() {
    let book = Book::fixture("small");
    assert_eq!(book.run(&["build", "--as-of", "2026-11-22"]).code, 0);
    assert!(!book.root.join("book/audiences.html").exists());
    assert!(!book.root.join("book/exports/acknowledgements.csv").exists());
    assert!(!book.read("book/index.html").contains("Reading lists"));
    // An `audience:` with no `[audiences]` says how to declare them.
    book.write(
        "content/procedures/incident-procedure.md",
        &book
            .read("content/procedures/incident-procedure.md")
            .replacen("status:", "audience: [engineering]\nstatus:", 1),
    );
    let run = book.run(&["check", "--as-of", "2026-11-22"]);
    assert!(
        run.stderr.contains("error[unknown-audience]"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("[audiences]"), "{}", run.stderr);
}
