//! `policybook import`: fixture repositories written for other tools become books that
//! `check` accepts, byte-identically on every import, without the source being touched.

use crate::common::{json_report, repo_root, run_in, tree, Book};

/// Imports `tests/fixtures/<name>` into a fresh folder; returns the folder's holder, the
/// destination path and the JSON report.
fn import(name: &str, dest: &str) -> (Book, std::path::PathBuf, serde_json::Value) {
    let book = Book::fixture(name);
    let before = tree(&book.root);
    let out = book.outside().join(dest);
    let run = run_in(
        &book.outside(),
        &[
            "import",
            "book-src",
            out.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(tree(&book.root), before, "the source was changed");
    let report = json_report(&run);
    (book, out, report)
}

/// Errors of `check` on an imported book.
fn check_errors(dest: &std::path::Path) -> Vec<String> {
    let run = run_in(dest, &["check", "--format", "json"]);
    let report = json_report(&run);
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| d.to_string())
        .collect()
}

fn docs(report: &serde_json::Value) -> &Vec<serde_json::Value> {
    report["documents"].as_array().unwrap()
}

fn doc<'a>(report: &'a serde_json::Value, source_end: &str) -> &'a serde_json::Value {
    docs(report)
        .iter()
        .find(|d| d["source"].as_str().unwrap().ends_with(source_end))
        .unwrap_or_else(|| panic!("no {source_end} in {report}"))
}

#[test]
fn every_style_imports_to_a_book_check_accepts_and_again_identically() {
    for (name, pages) in [
        ("import-hugo", 4),
        ("import-mkdocs", 3),
        ("import-docusaurus", 3),
        ("import-jekyll", 4),
        ("import-plain", 4),
    ] {
        let (_book, out, report) = import(name, "first");
        assert_eq!(docs(&report).len(), pages, "{name}: {report}");
        let ids: std::collections::BTreeSet<String> = docs(&report)
            .iter()
            .map(|d| d["id"].as_str().unwrap().to_lowercase())
            .collect();
        assert_eq!(ids.len(), pages, "{name}: ids are unique");
        assert_eq!(check_errors(&out), Vec::<String>::new(), "{name}");
        let check = run_in(&out, &["check", "--format", "json"]);
        assert_eq!(json_report(&check)["documents"], pages, "{name}");
        // A second import of the same source, elsewhere, gives the same bytes.
        let (_b2, again, _) = import(name, "second");
        assert_eq!(tree(&out), tree(&again), "{name}: not byte-identical");
    }
}

#[test]
fn hugo_front_matter_shortcodes_and_links() {
    let (_book, out, report) = import("import-hugo", "out");
    let d = doc(&report, "policies/access-control.md");
    assert_eq!(d["front_matter"], "toml");
    assert_eq!(d["type"], "policy");
    assert_eq!(d["status"], "approved");
    assert_eq!(d["owner"], "Head of IT");
    assert_eq!(d["controls"], serde_json::json!(["A.5.15", "A.5.18"]));
    assert_eq!(d["clauses"], serde_json::json!(["5.2"]));
    assert!(d["mapping_notes"].to_string().contains("A.9.2.1"), "{d}");
    assert!(d["mapping_notes"].to_string().contains("2013"), "{d}");
    assert_eq!(d["shortcodes_converted"]["details"], 1);
    assert_eq!(d["shortcodes_converted"]["notice"], 1);
    assert_eq!(d["shortcodes_left"]["youtube"], 1);
    assert!(d["dropped_keys"].to_string().contains("draft") || d["status_from"].as_str().is_some());
    let text =
        std::fs::read_to_string(out.join("content/handbook/security/policies/access-control.md"))
            .unwrap();
    assert!(
        text.starts_with("---\nid: \"handbook-security-policies-access-control\"\n"),
        "{text}"
    );
    assert!(text.contains("version: \"1.1\""), "{text}");
    assert!(
        text.contains("> [!WARNING]\n> Shared accounts are forbidden."),
        "{text}"
    );
    assert!(
        text.contains("??? note \"Why MFA?\"\n    Passwords"),
        "{text}"
    );
    assert!(
        text.contains("(../procedures/incident-response.md#steps)"),
        "{text}"
    );
    let section = std::fs::read_to_string(out.join("content/handbook/security/_index.md")).unwrap();
    assert!(
        section.contains("[incident procedure](procedures/incident-response.md)"),
        "{section}"
    );
    let toml = std::fs::read_to_string(out.join("book.toml")).unwrap();
    assert!(toml.contains("\"company_name\" = \"TODO\""), "{toml}");
    let md = std::fs::read_to_string(out.join("IMPORT-REPORT.md")).unwrap();
    assert!(
        md.contains("incident-response.md~`: skipped: an editor"),
        "{md}"
    );
    assert!(!out
        .join("content/handbook/security/procedures/incident-response.md~")
        .exists());
}

#[test]
fn titles_types_and_owners_are_derived_and_reported() {
    let (_b, out, report) = import("import-mkdocs", "out");
    let d = doc(&report, "policies/infosec.md");
    assert_eq!(d["title"], "Information Security Policy");
    assert_eq!(d["title_from"], "the first H1 of the body");
    assert_eq!(d["controls"], serde_json::json!(["A.5.1"]));
    assert_eq!(d["clauses"], serde_json::json!(["5.2"]));
    let body = std::fs::read_to_string(out.join("content/policies/infosec.md")).unwrap();
    assert!(!body.contains("# Information Security Policy"), "{body}");
    assert!(out.join("content/policies/org.png").is_file());
    let au = doc(&report, "policies/acceptable-use.md");
    assert_eq!(au["owner"], "unassigned");
    assert!(au["warnings"].to_string().contains("no owner"), "{au}");

    let (_b, _out, report) = import("import-docusaurus", "out");
    let p = doc(&report, "policies/passwords.md");
    assert_eq!(p["id"], "password-standard");
    assert_eq!(p["type"], "standard");
    assert_eq!(p["controls"], serde_json::json!(["A.5.17", "A.8.5"]));
    assert_eq!(doc(&report, "backup-plan.md")["status"], "draft");

    let (_b, _out, report) = import("import-plain", "out");
    let ids: Vec<&str> = docs(&report)
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"policies-donnees-personnelles"), "{ids:?}");
    assert!(ids.contains(&"policies-risk-register-2"), "{ids:?}");
}

#[test]
fn refuses_a_non_empty_destination_and_dry_run_writes_nothing() {
    let book = Book::fixture("import-plain");
    let dest = book.outside().join("taken");
    std::fs::create_dir_all(&dest).unwrap();
    std::fs::write(dest.join("keep.txt"), "mine").unwrap();
    let run = run_in(&book.outside(), &["import", "book-src", "taken"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        std::fs::read_to_string(dest.join("keep.txt")).unwrap(),
        "mine"
    );
    let inside = run_in(&book.outside(), &["import", "book-src", "book-src/out"]);
    assert_eq!(inside.code, 2, "{inside:?}");
    let dry = run_in(&book.outside(), &["import", "book-src", "--dry-run"]);
    assert_eq!(dry.code, 0, "{dry:?}");
    assert!(dry.stdout.starts_with("# Import report"), "{}", dry.stdout);
    assert!(!book.outside().join("book-src-policybook").exists());
    let default = run_in(&book.outside(), &["import", "book-src"]);
    assert_eq!(default.code, 0, "{default:?}");
    assert!(book
        .outside()
        .join("book-src-policybook/book.toml")
        .is_file());
}

#[test]
fn a_mapping_file_adds_clauses_and_controls() {
    let book = Book::fixture("import-plain");
    std::fs::write(
        book.outside().join("map.csv"),
        "document,reference\npolicies-risk-register,6.1.2\nPolicies/Risk Register.md,A.5.9\nnobody,A.5.1\n",
    )
    .unwrap();
    let run = run_in(
        &book.outside(),
        &[
            "import",
            "book-src",
            "out",
            "--mapping",
            "map.csv",
            "--format",
            "json",
        ],
    );
    assert_eq!(run.code, 0, "{run:?}");
    let report = json_report(&run);
    let d = doc(&report, "Risk Register.md");
    assert_eq!(d["clauses"], serde_json::json!(["6.1.2"]));
    assert_eq!(d["controls"], serde_json::json!(["A.5.9"]));
    assert!(report["mappings_file"].to_string().contains("nobody"));
    assert_eq!(
        check_errors(&book.outside().join("out")),
        Vec::<String>::new()
    );
}

#[test]
fn word_files_need_pandoc() {
    let book = Book::fixture("import-plain");
    std::fs::write(
        book.root.join("Policies/legacy.docx"),
        b"PK\x03\x04 not really",
    )
    .unwrap();
    let run = run_in(&book.outside(), &["import", "book-src", "out"]);
    assert_eq!(run.code, 0, "{run:?}");
    let has_pandoc = std::process::Command::new("pandoc")
        .arg("--version")
        .output()
        .is_ok();
    if !has_pandoc {
        assert!(
            run.stderr.contains("Debian package `pandoc`"),
            "{}",
            run.stderr
        );
    }
    let _ = repo_root();
}
