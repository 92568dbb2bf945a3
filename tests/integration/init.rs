//! `policybook init`: a new book that builds cleanly, never overwriting anything.

use crate::common::{run_in, Book};

#[test]
fn init_makes_a_book_that_checks_and_builds_cleanly() {
    let book = Book::empty();
    let run = run_in(&book.outside(), &["init", "book-src"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(book.root.join("book.toml").is_file());
    assert!(book.read(".gitignore").contains("/book"));
    let check = book.run(&["check", "--format", "json"]);
    assert_eq!(check.code, 0, "{check:?}");
    let report = crate::common::json_report(&check);
    assert_eq!(report["documents"], 5);
    assert_eq!(report["errors"], 0);
    // A starter ISMS is honest about what it lacks: gaps are warnings, its files are clean.
    let in_files = crate::common::located(&report)
        .into_iter()
        .filter(|l| !l.1.is_empty() && l.0 != "not-approved")
        .count();
    assert_eq!(in_files, 0, "{report}");
    assert_eq!(book.run(&["build"]).code, 0);
    assert!(book.root.join("book/index.html").is_file());
}

#[test]
fn init_never_overwrites() {
    let book = Book::empty();
    book.write("content/policies/access-control-policy.md", "mine");
    let run = book.run(&["init"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        book.read("content/policies/access-control-policy.md"),
        "mine"
    );
    assert!(run.stderr.contains("kept existing"), "{}", run.stderr);

    let toml = book.read("book.toml");
    book.write("book.toml", &format!("{toml}\n# edited\n"));
    let again = book.run(&["init"]);
    assert_eq!(again.code, 2, "{again:?}");
    assert!(book.read("book.toml").ends_with("# edited\n"));
}
