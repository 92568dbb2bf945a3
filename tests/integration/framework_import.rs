//! `policybook framework import`: an OSCAL catalog into a book's `frameworks/<id>.yaml`.

use crate::common::{repo_root, Book, Run};

/// The fixture catalog, copied beside the book as `name` (so the default id follows it).
fn catalog_beside(book: &Book, name: &str) -> String {
    let from = repo_root().join("tests/fixtures/oscal/small-catalog.json");
    let to = book.outside().join(name);
    std::fs::copy(from, &to).unwrap();
    to.to_string_lossy().into_owned()
}

/// `framework import FILE ARGS` in the book.
fn import(book: &Book, file: &str, args: &[&str]) -> Run {
    let mut all = vec!["framework", "import", file];
    all.extend_from_slice(args);
    book.run(&all)
}

/// What `tests/fixtures/oscal/small-catalog.json` becomes: ids, titles and tree, no prose.
const SMALL_CATALOG_YAML: &str = r##"# Small Example Catalog: imported from an OSCAL catalog by `policybook framework import`.
#
# Source file: small-catalog.json
# Catalog uuid: 7d3f8a2e-1c4b-4e9a-b5d6-0f2a9c8e1b37
# OSCAL version: 1.1.2
# Last modified: 2024-05-01T12:00:00.000000-04:00
# Left out: all prose (statements, guidance, parameters and other parts); 2 withdrawn items and the 1 item under them.
# Requirements: 8 (family: 2, group: 2, SP800-53: 2, SP800-53-enhancement: 1, control: 1)
# Ids are the `label` properties where there is one (AC-2(1)), else the OSCAL ids; kinds are
# the OSCAL `class`, else group or control.
name: "Small Example Catalog"
version: "1.2.0"
publisher: "Example Standards Body"
licence: "CC0 1.0 (https://creativecommons.org/publicdomain/zero/1.0/)"
requirements:
  - { id: "ac", title: "Access Control", kind: "family" }
  - { id: "ac-acct", title: "Accounts: \"named\" and #shared", parent: "ac", kind: "group" }
  - { id: "AC-2", title: "Account Management", parent: "ac-acct", kind: "SP800-53" }
  - { id: "AC-2(1)", title: "Automated System Account Management", parent: "AC-2", kind: "SP800-53-enhancement" }
  - { id: "AC-1", title: "Policy and Procedures", parent: "ac", kind: "SP800-53" }
  - { id: "sc", title: "System and Communications Protection", kind: "family" }
  - { id: "SC-NET", title: "Networks", parent: "sc", kind: "group" }
  - { id: "SC-7", title: "Boundary Protection: \"edge\" devices #1", parent: "SC-NET", kind: "control" }
"##;

#[test]
fn the_small_oscal_catalog_becomes_ids_titles_and_tree_without_prose() {
    let book = Book::fixture("small");
    let file = catalog_beside(&book, "small-catalog.json");
    let run = import(&book, &file, &[]);
    assert_eq!(run.code, 0, "{run:?}");
    let written = book.read("frameworks/small-catalog.yaml");
    assert_eq!(written, SMALL_CATALOG_YAML);
    for prose in [
        "PROSE",
        "Define and document",
        "insert",
        "AC-02",
        "SC 7",
        "withdrawn\"",
    ] {
        assert!(!written.contains(prose), "{prose} leaked into:\n{written}");
    }
    // Withdrawn: AC-2(2), SC-3 and SC-3(1) under it.
    for gone in [
        "AC-2(2)",
        "SC-3",
        "Removal of Temporary",
        "Hardware Separation",
    ] {
        assert!(!written.contains(gone), "{gone}");
    }
    assert!(
        run.stderr.starts_with(
            "imported 8 requirements (family: 2, group: 2, SP800-53: 2, SP800-53-enhancement: 1, \
             control: 1) from "
        ),
        "{}",
        run.stderr
    );
    assert!(run
        .stderr
        .contains("2 withdrawn items and the 1 item under them"));
}

#[test]
fn id_names_the_file_and_book_names_the_folder() {
    let book = Book::fixture("small");
    let file = catalog_beside(&book, "NIST_SP-800-53_rev5_catalog.json");
    let root = book.root.to_string_lossy().into_owned();
    let run = crate::common::run_in(
        &book.outside(),
        &["framework", "import", &file, "--book", &root],
    );
    assert_eq!(run.code, 0, "{run:?}");
    let default = book.read("frameworks/nist-sp-800-53-rev5-catalog.yaml");
    assert_eq!(
        default,
        SMALL_CATALOG_YAML.replace("small-catalog.json", "NIST_SP-800-53_rev5_catalog.json")
    );
    let run = import(&book, &file, &["--id", "ours-1.0"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(book.read("frameworks/ours-1.0.yaml"), default);
}

#[test]
fn an_existing_file_is_replaced_only_with_force() {
    let book = Book::fixture("small");
    let file = catalog_beside(&book, "small-catalog.json");
    book.write("frameworks/small-catalog.yaml", "mine\n");
    let run = import(&book, &file, &[]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("small-catalog.yaml exists; nothing was written"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("hint: pass `--force` to replace it"),
        "{}",
        run.stderr
    );
    assert_eq!(book.read("frameworks/small-catalog.yaml"), "mine\n");
    let run = import(&book, &file, &["--force"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        book.read("frameworks/small-catalog.yaml"),
        SMALL_CATALOG_YAML
    );
    // A CSV of that id is in the way even with --force: one framework, one file.
    book.write("frameworks/small-catalog.csv", "# licence: L\nid\nA\n");
    let run = import(&book, &file, &["--force"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("small-catalog.csv already defines the framework `small-catalog`"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_licence_comes_from_the_catalog_or_licence_never_a_guess() {
    let book = Book::fixture("small");
    let text = std::fs::read_to_string(repo_root().join("tests/fixtures/oscal/small-catalog.json"))
        .unwrap()
        .replace("\"rel\": \"license\"", "\"rel\": \"related\"");
    let file = book.outside().join("unlicensed.json");
    std::fs::write(&file, text).unwrap();
    let file = file.to_string_lossy().into_owned();
    let run = import(&book, &file, &[]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("error: unlicensed.json does not say under what licence it is published"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("hint: pass the terms the catalog is published under"),
        "{}",
        run.stderr
    );
    assert!(!book.root.join("frameworks").exists());
    let run = import(
        &book,
        &file,
        &["--licence", "Public domain: a \"work\" of #gov"],
    );
    assert_eq!(run.code, 0, "{run:?}");
    let written = book.read("frameworks/unlicensed.yaml");
    assert!(
        written.contains("\nlicence: \"Public domain: a \\\"work\\\" of #gov\"\n"),
        "{written}"
    );
}

#[test]
fn what_is_not_an_oscal_catalog_is_refused_with_exit_1() {
    let book = Book::fixture("small");
    let cases = [
        ("broken.json", "{\n  \"catalog\": {\n    \"uuid\": \"x\",,\n", "error: broken.json is not JSON (line 3, column 17): "),
        ("profile.json", r#"{ "profile": { "uuid": "x", "imports": [] } }"#, "error: profile.json is a profile (a selection of controls from other catalogs) in OSCAL, not a catalog\nhint: only catalogs are imported: resolve the profile"),
        ("component.json", r#"{ "component-definition": { "uuid": "x" } }"#, "error: component.json is a component definition in OSCAL, not a catalog\n"),
        ("other.json", r#"{ "controls": [] }"#, "error: other.json is not an OSCAL catalog: it has no top-level `catalog` object (its keys: controls)\n"),
        ("catalog.xml", "<?xml version=\"1.0\"?>\n<catalog/>\n", "hint: this looks like XML"),
    ];
    for (name, text, expected) in cases {
        let file = book.outside().join(name);
        std::fs::write(&file, text).unwrap();
        let run = import(&book, &file.to_string_lossy(), &[]);
        assert_eq!(run.code, 1, "{name}: {run:?}");
        assert!(run.stderr.contains(expected), "{name}: {}", run.stderr);
    }
    assert!(!book.root.join("frameworks").exists());
}

#[test]
fn duplicate_ids_after_labels_and_bad_ids_are_refused() {
    let book = Book::fixture("small");
    let text = std::fs::read_to_string(repo_root().join("tests/fixtures/oscal/small-catalog.json"))
        .unwrap()
        .replace("\"value\": \"SC-7\"", "\"value\": \"AC-1\"");
    let file = book.outside().join("dup.json");
    std::fs::write(&file, text).unwrap();
    let run = import(&book, &file.to_string_lossy(), &[]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("error: `AC-1` would be the id of both `ac-1` and `sc-7`"),
        "{}",
        run.stderr
    );
    let file = catalog_beside(&book, "Über Katalog.json");
    let run = import(&book, &file, &[]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("error: `über-katalog` cannot be a framework id"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("hint: pass one with `--id`"),
        "{}",
        run.stderr
    );
    let run = import(&book, &file, &["--id", "Mine"]);
    assert_eq!(run.code, 1, "{run:?}");
    let run = import(&book, &file, &["--id", "ueber-katalog"]);
    assert_eq!(run.code, 0, "{run:?}");
}

#[test]
fn a_missing_catalog_or_book_is_a_usage_error() {
    let book = Book::fixture("small");
    let run = import(&book, "nowhere.json", &[]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("error: cannot read nowhere.json"),
        "{}",
        run.stderr
    );
    let file = catalog_beside(&book, "small-catalog.json");
    let empty = book.outside().join("not-a-book");
    std::fs::create_dir_all(&empty).unwrap();
    let run = import(&book, &file, &["--book", &empty.to_string_lossy()]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("does not look like a book"),
        "{}",
        run.stderr
    );
}
