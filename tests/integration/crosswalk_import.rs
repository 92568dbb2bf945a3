//! `policybook crosswalk import`: a NIST OLIR CSV or an OSCAL mapping collection into a book's
//! `crosswalks/<name>.csv`, read back by `policybook check`.

use crate::common::{repo_root, Book, Run};

/// A fixture of `tests/fixtures/crosswalk/`, copied beside the book as `name`.
fn fixture_beside(book: &Book, fixture: &str, name: &str) -> String {
    let from = repo_root().join("tests/fixtures/crosswalk").join(fixture);
    let to = book.outside().join(name);
    std::fs::copy(from, &to).unwrap();
    to.to_string_lossy().into_owned()
}

/// `crosswalk import FILE --from nist-csf-2.0 --to iso27001-2022 ARGS` in the book.
fn import(book: &Book, file: &str, args: &[&str]) -> Run {
    let mut all = vec![
        "crosswalk",
        "import",
        file,
        "--from",
        "nist-csf-2.0",
        "--to",
        "iso27001-2022",
    ];
    all.extend_from_slice(args);
    book.run(&all)
}

const DEFAULT: &str = "crosswalks/nist-csf-2.0-to-iso27001-2022.csv";

/// What `tests/fixtures/crosswalk/olir-small.csv` becomes with `--licence "Test data, CC0"`.
const OLIR_CSV: &str = r#"# Cybersecurity Framework v2.0 to ISO/IEC 27001:2022 (small example for policybook's tests): imported from a NIST OLIR CSV by `policybook crosswalk import`.
#
# Source file: olir-small.csv
# OLIR title: Cybersecurity Framework v2.0 to ISO/IEC 27001:2022 (small example for policybook's tests)
# From: nist-csf-2.0 (NIST Cybersecurity Framework), the focal elements; to: iso27001-2022 (ISO/IEC 27001), the reference elements.
# OLIR states how each reference element stands to its focal element; a row here says how `from` (focal) stands to `to` (reference), so `subset of` is written superset and `superset of` subset.
# Licence: Test data, CC0
# Rows: 5 (equal: 1, subset: 1, superset: 1, intersect: 1, related: 1)
# Left out: 1 row saying the elements are not related; 1 row with the relationship `supports`, which is no set-theory relationship; 1 row without both a focal and a reference element; 2 rows naming ids that are not in their framework; 1 duplicate row.
# Ids not in their framework: `nist-csf-2.0:XX.YY-99`, `iso27001-2022:A.9.9.9`.
from,to,relationship,source
nist-csf-2.0:PR.AA-01,iso27001-2022:A.5.16,superset,OLIR example
nist-csf-2.0:PR.AA-01,iso27001-2022:A.5.17,subset,OLIR example
nist-csf-2.0:GV.PO-01,iso27001-2022:A.5.1,equal,OLIR example
nist-csf-2.0:PR.AA-05,iso27001-2022:A.5.15,intersect,OLIR example
nist-csf-2.0:GV.OC-03,iso27001-2022:5.2,related,OLIR example
"#;

/// What `tests/fixtures/crosswalk/mapping-small.json` becomes.
const MAPPING_CSV: &str = r#"# CSF 2.0 to ISO/IEC 27001:2022, small example: imported from an OSCAL mapping collection by `policybook crosswalk import`.
#
# Source file: mapping-small.json
# Mapping collection uuid: 5f0c2a9e-8d1b-4c3e-9a7f-2b6d4e8c1a05
# Version: 1.0
# OSCAL version: 1.2.0
# Last modified: 2025-03-01T00:00:00+00:00
# Source resource: NIST_CSF_v2.0_catalog.json
# Target resource: #iso27001-2022
# From: nist-csf-2.0 (NIST Cybersecurity Framework), the source elements; to: iso27001-2022 (ISO/IEC 27001), the target elements.
# Licence: CC0 1.0 (https://creativecommons.org/publicdomain/zero/1.0/)
# Rows: 5 (equal: 1, subset: 1, superset: 2, intersect: 1)
# Left out: 1 row saying the elements are not related; 1 row naming ids that are not in their framework; 1 duplicate row.
# Ids not in their framework: `nist-csf-2.0:pr.aa-05_smt`.
from,to,relationship,source
nist-csf-2.0:PR.AA-01,iso27001-2022:A.5.16,superset,"CSF 2.0 to ISO/IEC 27001:2022, small example"
nist-csf-2.0:PR.AA-01,iso27001-2022:A.5.17,superset,"CSF 2.0 to ISO/IEC 27001:2022, small example"
nist-csf-2.0:GV.PO-01,iso27001-2022:A.5.1,equal,"CSF 2.0 to ISO/IEC 27001:2022, small example"
nist-csf-2.0:PR.AA-05,iso27001-2022:A.5.15,subset,"CSF 2.0 to ISO/IEC 27001:2022, small example"
nist-csf-2.0:DE.CM-01,iso27001-2022:A.8.16,intersect,"CSF 2.0 to ISO/IEC 27001:2022, small example"
"#;

/// `policybook check --format json` on the book: its crosswalk-related diagnostics.
fn crosswalk_diagnostics(book: &Book) -> Vec<String> {
    let run = book.run(&["check", "--format", "json"]);
    let report: serde_json::Value =
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout));
    (report["diagnostics"].as_array().unwrap().iter())
        .filter(|d| {
            let code = d["code"].as_str().unwrap_or("");
            let file = d["file"].as_str().unwrap_or("");
            file.starts_with("crosswalks")
                || [
                    "invalid-crosswalk",
                    "unknown-framework",
                    "unknown-requirement",
                ]
                .contains(&code)
        })
        .map(|d| d.to_string())
        .collect()
}

#[test]
fn the_small_olir_csv_becomes_this_crosswalk_which_policybook_reads_back() {
    let book = Book::fixture("small");
    let file = fixture_beside(&book, "olir-small.csv", "olir-small.csv");
    let run = import(
        &book,
        &file,
        &["--licence", "Test data, CC0", "--source", "OLIR example"],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(book.read(DEFAULT), OLIR_CSV);
    assert!(
        run.stderr.starts_with(
            "imported 5 rows (equal: 1, subset: 1, superset: 1, intersect: 1, related: 1) from "
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "\nwarning: 2 ids are not in nist-csf-2.0 or iso27001-2022 and their rows were left \
             out: `nist-csf-2.0:XX.YY-99`, `iso27001-2022:A.9.9.9`\n"
        ),
        "{}",
        run.stderr
    );
    // The imported file is a crosswalk policybook itself reads without a complaint.
    assert_eq!(crosswalk_diagnostics(&book), Vec::<String>::new());
    // ... and it is read: the book now uses nist-csf-2.0 through it.
    let run = book.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    book.write(
        DEFAULT,
        &OLIR_CSV.replace("iso27001-2022:A.5.1,equal", "iso27001-2022:A.5.99,equal"),
    );
    let broken = crosswalk_diagnostics(&book);
    assert_eq!(broken.len(), 1, "{broken:?}");
    assert!(broken[0].contains("unknown-requirement"), "{broken:?}");
}

#[test]
fn the_small_mapping_collection_becomes_this_crosswalk_which_policybook_reads_back() {
    let book = Book::fixture("small");
    let file = fixture_beside(&book, "mapping-small.json", "mapping-small.json");
    let run = import(&book, &file, &["--id", "csf-iso"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(book.read("crosswalks/csf-iso.csv"), MAPPING_CSV);
    assert!(
        run.stderr
            .contains("warning: 1 id is not in nist-csf-2.0 or iso27001-2022"),
        "{}",
        run.stderr
    );
    assert_eq!(crosswalk_diagnostics(&book), Vec::<String>::new());
}

#[test]
fn an_existing_file_is_replaced_only_with_force() {
    let book = Book::fixture("small");
    let file = fixture_beside(&book, "mapping-small.json", "mapping-small.json");
    book.write(DEFAULT, "mine\n");
    let run = import(&book, &file, &[]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains(
            "nist-csf-2.0-to-iso27001-2022.csv exists; nothing was written\nhint: pass `--force`"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(book.read(DEFAULT), "mine\n");
    let run = import(&book, &file, &["--force"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(book.read(DEFAULT), MAPPING_CSV);
}

#[test]
fn the_licence_comes_from_the_file_or_licence_never_a_guess() {
    let book = Book::fixture("small");
    let file = fixture_beside(&book, "olir-small.csv", "olir-small.csv");
    let run = import(&book, &file, &[]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("error: olir-small.csv does not say under what licence it is published\nhint: pass the terms"),
        "{}",
        run.stderr
    );
    assert!(!book.root.join("crosswalks").exists());
}

#[test]
fn frameworks_must_exist_and_a_book_framework_is_read_from_its_file() {
    let book = Book::fixture("small");
    let file = fixture_beside(&book, "olir-small.csv", "olir-small.csv");
    let run = book.run(&[
        "crosswalk",
        "import",
        &file,
        "--from",
        "nist-csf",
        "--to",
        "iso27001-2022",
        "--licence",
        "L",
    ]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains(
            "error: --from names `nist-csf`, which is not a framework of this book\nhint: did you mean `nist-csf-2.0`?"
        ),
        "{}",
        run.stderr
    );
    // The reference side as the book's own framework, in CSV, ids in another case.
    book.write(
        "frameworks/iso-lite.csv",
        "# licence: ids only\nid,title,parent\na.5,Organizational,\nA.5.1,Policies,a.5\nA.5.16,Identity management,a.5\n",
    );
    let run = book.run(&[
        "crosswalk",
        "import",
        &file,
        "--from",
        "nist-csf-2.0",
        "--to",
        "iso-lite",
        "--licence",
        "L",
        "--source",
        "S",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let written = book.read("crosswalks/nist-csf-2.0-to-iso-lite.csv");
    assert!(
        written.ends_with(
            "from,to,relationship,source\nnist-csf-2.0:PR.AA-01,iso-lite:A.5.16,superset,S\nnist-csf-2.0:GV.PO-01,iso-lite:A.5.1,equal,S\n"
        ),
        "{written}"
    );
    assert_eq!(crosswalk_diagnostics(&book), Vec::<String>::new());
}

#[test]
fn nothing_matched_is_refused_with_a_hint_about_from_and_to() {
    let book = Book::fixture("small");
    let file = fixture_beside(&book, "olir-small.csv", "olir-small.csv");
    let run = book.run(&[
        "crosswalk",
        "import",
        &file,
        "--from",
        "iso27001-2022",
        "--to",
        "nist-csf-2.0",
        "--licence",
        "L",
    ]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("error: nothing in olir-small.csv could be written: no pair has both ids in `iso27001-2022` and `nist-csf-2.0`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("hint: `--from` names the framework of the focal elements"),
        "{}",
        run.stderr
    );
    assert!(!book.root.join("crosswalks").exists());
}

#[test]
fn what_is_not_a_mapping_is_refused_with_exit_1_and_a_missing_file_is_exit_2() {
    let book = Book::fixture("small");
    let cases = [
        ("catalog.json", r#"{ "catalog": { "uuid": "x" } }"#, "error: catalog.json is a catalog in OSCAL, not a mapping collection\nhint: a catalog is a framework: import it with `policybook framework import`"),
        ("broken.json", "{ \"mapping-collection\": ", "error: broken.json is not JSON (line 1"),
        ("sheet.csv", "id,title\nA,B\n", "error: sheet.csv is not an OLIR CSV"),
    ];
    for (name, text, expected) in cases {
        let file = book.outside().join(name);
        std::fs::write(&file, text).unwrap();
        let run = import(&book, &file.to_string_lossy(), &["--licence", "L"]);
        assert_eq!(run.code, 1, "{name}: {run:?}");
        assert!(run.stderr.contains(expected), "{name}: {}", run.stderr);
    }
    let run = import(&book, "nowhere.json", &["--licence", "L"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("error: cannot read nowhere.json"),
        "{}",
        run.stderr
    );
    let run = book.run(&["crosswalk", "import", "x.csv", "--to", "iso27001-2022"]);
    assert_eq!(run.code, 2, "--from is required: {run:?}");
    let file = fixture_beside(&book, "olir-small.csv", "olir-small.csv");
    let run = import(&book, &file, &["--licence", "L", "--id", "../up"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("cannot be a crosswalk name"),
        "{}",
        run.stderr
    );
    assert!(!book.root.join("crosswalks").exists());
    assert!(!book.outside().join("up.csv").exists());
}
