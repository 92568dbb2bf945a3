//! The repository's own example ISMS: checks clean and builds into a complete, linked site.

use std::path::Path;

use crate::common::{broken_links, repo_root, run_in, tree};

fn count(files: &[&String], prefix: &str) -> usize {
    files
        .iter()
        .filter(|p| p.starts_with(prefix) && p.ends_with(".html"))
        .count()
}

#[test]
fn example_checks_clean_but_for_its_two_deliberate_register_findings() {
    // A fixed date, so that the example's review dates do not expire under CI. The registers
    // show on purpose one overdue treatment action and one expired exception (EX-001):
    // exactly those two warnings, nothing else.
    let run = run_in(
        &repo_root(),
        &["check", "--as-of", "2026-11-22", "--format", "json"],
    );
    let report = crate::common::json_report(&run);
    let found: Vec<(String, String, u64)> = crate::common::located(&report)
        .into_iter()
        .filter(|d| d.0 != "not-approved")
        .map(|(code, file, line, _)| (code, file, line))
        .collect();
    assert_eq!(
        found,
        [
            (
                "exception-expired".into(),
                "registers/exceptions.yaml".into(),
                34
            ),
            ("action-overdue".into(), "registers/risks.yaml".into(), 418),
        ]
    );
    // Without the registers, `check --strict` is clean.
    let book = tempfile::tempdir().unwrap();
    crate::common::copy_tree(&repo_root().join("content"), &book.path().join("content"));
    for dir in ["frameworks", "crosswalks"] {
        crate::common::copy_tree(&repo_root().join(dir), &book.path().join(dir));
    }
    for file in ["book.toml", "soa.yaml"] {
        std::fs::copy(repo_root().join(file), book.path().join(file)).unwrap();
    }
    // The documents' `risks:` need the register, so keep it and drop only what it shows on
    // purpose: the expired exception and the overdue action.
    crate::common::copy_tree(
        &repo_root().join("registers"),
        &book.path().join("registers"),
    );
    std::fs::remove_file(book.path().join("registers/exceptions.yaml")).unwrap();
    let risks = std::fs::read_to_string(book.path().join("registers/risks.yaml")).unwrap();
    std::fs::write(
        book.path().join("registers/risks.yaml"),
        risks.replace(
            "due: 2026-09-30, status: in-progress",
            "due: 2026-12-31, status: in-progress",
        ),
    )
    .unwrap();
    let run = run_in(book.path(), &["check", "--strict", "--as-of", "2026-11-22"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("no problems"), "{}", run.stderr);
}

#[test]
fn example_builds_every_page_with_no_broken_link() {
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("site");
    let run = run_in(
        &repo_root(),
        &[
            "build",
            "--as-of",
            "2026-11-22",
            "-d",
            dest.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let site = tree(&dest);
    let files: Vec<&String> = site.keys().collect();
    let markdown = walkdir::WalkDir::new(repo_root().join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .count();
    assert!(markdown >= 25, "the example has {markdown} documents");
    assert_eq!(count(&files, "docs/"), markdown);
    assert_eq!(
        count(&files, "clauses/"),
        41,
        "7 clauses and their 34 subclauses"
    );
    assert_eq!(count(&files, "controls/"), 93);
    for page in [
        "index.html",
        "documents.html",
        "clauses.html",
        "controls.html",
        "traceability.html",
        "traceability/clauses.html",
        "traceability/controls.html",
        "traceability/chain.html",
        "traceability/reverse.html",
    ] {
        assert!(site.contains_key(page), "{page}");
    }
    let broken = broken_links(Path::new(&dest));
    assert!(broken.is_empty(), "{broken:#?}");
    let index = String::from_utf8_lossy(&site["index.html"]);
    assert!(index.contains("41/41"), "every clause addressed");
    // Every control is decided in soa.yaml, and every applicable one is addressed.
    let mut soa = csv::Reader::from_reader(site["exports/soa.csv"].as_slice());
    let rows: Vec<csv::StringRecord> = soa.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 93);
    assert!(
        rows.iter().all(|r| &r[9] == "yes"),
        "every control has a decision"
    );
    let applicable = rows.iter().filter(|r| &r[3] == "yes").count();
    assert!(
        applicable < 93,
        "the example excludes a few controls, with justification"
    );
    assert!(
        rows.iter().all(|r| !r[4].is_empty()),
        "every decision is justified"
    );
    assert!(
        index.contains(&format!("{applicable}/{applicable}")),
        "every applicable control addressed"
    );
    for page in ["soa.html", "gaps.html", "print.html"] {
        assert!(site.contains_key(page), "{page}");
    }
}
