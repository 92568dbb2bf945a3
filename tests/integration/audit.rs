//! The auditor's deliverables: SoA and its diagnostics, gaps, exports, print view and bundle.

use std::io::{Read, Write};
use std::path::Path;

use crate::common::{json_report, located, tree, Book};

const AS_OF: &str = "2026-11-22";

fn zip_entries(path: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut e = zip.by_index(i).unwrap();
            let mut bytes = Vec::new();
            e.read_to_end(&mut bytes).unwrap();
            (e.name().to_string(), bytes)
        })
        .collect()
}

fn rezip(entries: &std::collections::BTreeMap<String, Vec<u8>>, path: &Path) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, bytes) in entries {
        zip.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

#[test]
fn soa_mistakes_are_located_in_soa_yaml() {
    let book = Book::fixture("audit");
    let run = book.run(&["check", "--as-of", AS_OF, "--format", "json"]);
    assert_eq!(run.code, 1, "{run:?}");
    let report = json_report(&run);
    let located: Vec<_> = located(&report)
        .into_iter()
        .filter(|l| !l.1.is_empty())
        .collect();
    let expect = |code: &str, file: &str, line: u64| (code.to_string(), file.to_string(), line);
    let got: Vec<_> = located
        .iter()
        .map(|l| (l.0.clone(), l.1.clone(), l.2))
        .collect();
    assert_eq!(
        got,
        vec![
            expect("review-overdue", "content/policy.md", 10),
            expect("soa-undecided", "soa.yaml", 3),
            expect("soa-uncovered", "soa.yaml", 9),
            expect("soa-missing-justification", "soa.yaml", 17),
            expect("soa-excluded-but-addressed", "soa.yaml", 19),
            expect("soa-unknown-control", "soa.yaml", 22),
        ]
    );
    let codes: Vec<String> = crate::common::located(&report)
        .into_iter()
        .map(|l| l.0)
        .collect();
    // While the book has errors, book-wide gaps stay out of the way.
    assert!(!codes.contains(&"missing-documented-information".to_string()));
    assert_eq!(report["errors"], 3);
}

#[test]
fn strict_turns_gaps_into_failures() {
    let book = Book::fixture("audit");
    // Remove the errors; what is left are gaps (warnings) and notes.
    book.write(
        "soa.yaml",
        "controls:\n  A.5.1: { applicable: true, justification: Risk assessment, status: implemented }\n",
    );
    let run = book.run(&["check", "--as-of", AS_OF]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.contains("warning[review-overdue]"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("note[not-approved]"));
    for gap in [
        "warning[missing-documented-information]",
        "warning[uncovered-clause]",
        "warning[soa-undecided]",
    ] {
        assert!(run.stderr.contains(gap), "{gap}: {}", run.stderr);
    }
    let strict = book.run(&["check", "--as-of", AS_OF, "--strict"]);
    assert_eq!(strict.code, 1);
    // The review is not overdue a year earlier: as-of decides.
    let earlier = json_report(&book.run(&["check", "--as-of", "2026-01-02", "--format", "json"]));
    assert!(!located(&earlier).iter().any(|l| l.0 == "review-overdue"));
}

#[test]
fn source_date_epoch_fixes_the_as_of_date() {
    let book = Book::fixture("audit");
    let run = |epoch: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_policybook"))
            .args(["check", "--format", "json"])
            .current_dir(&book.root)
            .env("SOURCE_DATE_EPOCH", epoch)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(
        run("1790000000").contains("review-overdue"),
        "2026-09 is after the due date"
    );
    assert!(
        !run("1767225600").contains("review-overdue"),
        "2026-01-01 is before it"
    );
}

#[test]
fn derived_soa_says_so() {
    let book = Book::fixture("small");
    let run = book.run(&["build", "--as-of", AS_OF]);
    assert_eq!(run.code, 0, "{run:?}");
    let soa = book.read("book/soa.html");
    assert!(soa.contains("is <strong>derived</strong>"), "{soa}");
    assert_eq!(soa.matches("<tr id=\"A.").count(), 93);
    let check = json_report(&book.run(&["check", "--as-of", AS_OF, "--format", "json"]));
    assert!(located(&check).iter().any(|l| l.0 == "uncovered-controls"));
}

#[test]
fn exports_parse_back_and_neutralise_formulas() {
    let book = Book::fixture("audit");
    book.write(
        "soa.yaml",
        &book
            .read("soa.yaml")
            .replace("  A.9.2.1:\n    applicable: true\n", "")
            .replace("  A.7.13:\n    applicable: false\n", "")
            .replace("\"A.8.30\"", "\"A.8.29\""),
    );
    book.write(
        "content/policy.md",
        &book
            .read("content/policy.md")
            .replace("\"A.8.30\"", "\"A.8.29\""),
    );
    let run = book.run(&["build", "--as-of", AS_OF]);
    assert_eq!(run.code, 0, "{run:?}");
    let exports = book.root.join("book/exports");

    let mut soa = csv::Reader::from_path(exports.join("soa.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = soa.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 93);
    let a512 = rows.iter().find(|r| &r[0] == "A.7.12").unwrap();
    assert_eq!(&a512[3], "no");
    assert_eq!(&a512[5], "excluded");
    let a52 = rows.iter().find(|r| &r[0] == "A.5.2").unwrap();
    assert_eq!(&a52[5], "partial");
    assert_eq!(&a52[8], "'=cmd|' /C calc'!A0", "formula neutralised");
    let a51 = rows.iter().find(|r| &r[0] == "A.5.1").unwrap();
    assert_eq!(&a51[7], "POL-1");

    let mut trace = csv::Reader::from_path(exports.join("traceability.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = trace.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3, "one row per document-control link");
    assert!(rows[0][1].starts_with("'=HYPERLINK"), "{:?}", rows[0]);
    assert_eq!(&rows[0][5], "5.2; 4.3");

    let mut gaps = csv::Reader::from_path(exports.join("gaps.csv")).unwrap();
    let categories: Vec<String> = gaps.records().map(|r| r.unwrap()[0].to_string()).collect();
    for c in [
        "applicable-control-not-addressed",
        "control-undecided",
        "clause-not-addressed",
        "documented-information-missing",
        "review-overdue",
        "not-approved",
    ] {
        assert!(categories.iter().any(|x| x == c), "{c} in {categories:?}");
    }

    let model: serde_json::Value =
        serde_json::from_slice(&std::fs::read(exports.join("model.json")).unwrap()).unwrap();
    assert_eq!(model["controls"].as_array().unwrap().len(), 93);
    assert_eq!(model["clauses"].as_array().unwrap().len(), 41);
    assert_eq!(model["documents"][1]["id"], "POL-1");
    assert_eq!(
        model["documents"][1]["controls"],
        serde_json::json!(["A.5.1", "A.8.29"])
    );
    assert_eq!(model["soa"]["source"], "soa.yaml");
    let a712 = model["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "A.7.12")
        .unwrap();
    assert_eq!(a712["applicable"], false);

    let xlsx = zip_entries(&exports.join("soa.xlsx"));
    let sheet = String::from_utf8(xlsx["xl/worksheets/sheet1.xml"].clone()).unwrap();
    assert!(sheet.contains("state=\"frozen\""), "header row frozen");
    assert!(
        sheet.contains("<autoFilter ref=\"A1:J94\"/>"),
        "autofilter over 93 rows"
    );
    assert_eq!(sheet.matches("<row ").count(), 94, "header + 93 controls");
    assert!(!sheet.contains("<f>"), "no formulas, only text");
    let strings = String::from_utf8(xlsx["xl/sharedStrings.xml"].clone()).unwrap();
    assert!(strings.contains("=cmd|"), "the text is kept as text");

    // `policybook export` writes the same files.
    let run = book.run(&["export", "--as-of", AS_OF, "-o", "../exports"]);
    assert_eq!(run.code, 0, "{run:?}");
    let exported = tree(&book.outside().join("exports"));
    let built = tree(&exports);
    for name in [
        "gaps.csv",
        "model.json",
        "soa.csv",
        "soa.xlsx",
        "traceability.csv",
    ] {
        assert!(
            exported[name] == built[name],
            "{name} differs between build and export"
        );
    }
}

#[test]
fn print_view_has_every_document_and_unique_ids() {
    let book = Book::fixture("small");
    assert_eq!(book.run(&["build", "--as-of", AS_OF]).code, 0);
    let print = book.read("book/print.html");
    assert!(print.contains("id=\"doc-POL-001\""));
    assert!(print.contains("id=\"doc-PRC-001\""));
    assert_eq!(print.matches("class=\"doc-control\"").count(), 2);
    let ids = crate::common::attribute_values(&print, "id");
    let unique: std::collections::BTreeSet<_> = ids.iter().collect();
    assert_eq!(ids.len(), unique.len(), "duplicate ids on the print page");
    assert!(crate::common::broken_links(&book.root.join("book")).is_empty());
}

#[test]
fn bundles_are_reproducible_verifiable_and_tamper_evident() {
    let book = Book::fixture("small");
    let out = book.outside();
    for name in ["a.zip", "b.zip"] {
        let run = book.run(&["bundle", "--as-of", AS_OF, "-o", &format!("../{name}")]);
        assert_eq!(run.code, 0, "{run:?}");
    }
    let a = std::fs::read(out.join("a.zip")).unwrap();
    assert!(
        a == std::fs::read(out.join("b.zip")).unwrap(),
        "bundles differ"
    );

    let entries = zip_entries(&out.join("a.zip"));
    assert!(entries.contains_key("index.html"), "index.html at the root");
    assert!(entries.contains_key("exports/soa.csv"));
    let manifest: serde_json::Value = serde_json::from_slice(&entries["manifest.json"]).unwrap();
    assert_eq!(manifest["documents"], 2);
    assert_eq!(manifest["catalog_edition"], "ISO/IEC 27001:2022");
    assert_eq!(manifest["build_date"], AS_OF);

    // Unzipped, `sha256sum -c SHA256SUMS` accepts it.
    let unzipped = out.join("unzipped");
    for (name, bytes) in &entries {
        let p = unzipped.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    let status = std::process::Command::new("sha256sum")
        .args(["-c", "--quiet", "SHA256SUMS"])
        .current_dir(&unzipped)
        .status()
        .unwrap();
    assert!(status.success());
    assert!(crate::common::broken_links(&unzipped).is_empty());

    let verify = |name: &str| book.run(&["verify", &format!("../{name}")]);
    let ok = verify("a.zip");
    assert_eq!(ok.code, 0, "{ok:?}");
    assert!(ok.stdout.contains("intact"));

    let mut altered = entries.clone();
    altered
        .get_mut("docs/policies/security-policy.html")
        .unwrap()
        .extend_from_slice(b"<!-- changed -->");
    rezip(&altered, &out.join("altered.zip"));
    let run = verify("altered.zip");
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("altered: docs/policies/security-policy.html"),
        "{}",
        run.stdout
    );

    let mut added = entries.clone();
    added.insert("docs/extra.html".into(), b"<p>slipped in</p>".to_vec());
    rezip(&added, &out.join("added.zip"));
    let run = verify("added.zip");
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("added: docs/extra.html"),
        "{}",
        run.stdout
    );

    let mut removed = entries.clone();
    removed.remove("soa.html");
    rezip(&removed, &out.join("removed.zip"));
    let run = verify("removed.zip");
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("removed: soa.html"), "{}", run.stdout);

    std::fs::write(out.join("junk.zip"), b"not a zip").unwrap();
    assert_eq!(verify("junk.zip").code, 2);
}

/// Replaces every `from` in `bytes` with `to` (of the same length): a name or a size in both
/// the local header and the central directory.
fn patch(bytes: &mut [u8], from: &[u8], to: &[u8]) {
    assert_eq!(from.len(), to.len());
    let mut at = 0;
    let mut found = 0;
    while let Some(i) = bytes[at..].windows(from.len()).position(|w| w == from) {
        bytes[at + i..at + i + to.len()].copy_from_slice(to);
        at += i + to.len();
        found += 1;
    }
    assert!(found > 0, "nothing to patch");
}

/// A crafted archive: `entries` as written, then `edit` on its bytes.
fn crafted(dir: &Path, name: &str, entries: &[(&str, &[u8])], edit: impl Fn(&mut Vec<u8>)) {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (entry, bytes) in entries {
        zip.start_file(*entry, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    let mut bytes = zip.finish().unwrap().into_inner();
    edit(&mut bytes);
    std::fs::write(dir.join(name), bytes).unwrap();
}

#[test]
fn verify_refuses_crafted_archives_and_writes_nothing() {
    let book = Book::fixture("small");
    let dir = book.outside();
    let manifest = br#"{"generator":"x","catalog_edition":"x","build_date":"x","git_commit":null,"documents":0,"files":{}}"#;
    let zeros = vec![0u8; 4 << 20];
    crafted(
        &dir,
        "climb.zip",
        &[("manifest.json", manifest), ("../../evil.html", b"x")],
        |_| {},
    );
    crafted(
        &dir,
        "absolute.zip",
        &[("manifest.json", manifest), ("/etc/evil.html", b"x")],
        |_| {},
    );
    crafted(
        &dir,
        "backslash.zip",
        &[("manifest.json", manifest), ("..\\evil.html", b"x")],
        |_| {},
    );
    crafted(
        &dir,
        "twice.zip",
        &[
            ("manifest.json", manifest),
            ("a.html", b"1"),
            ("b.html", b"2"),
        ],
        |b| patch(b, b"b.html", b"a.html"),
    );
    // 4 MiB of zeros whose headers say 16 bytes: a lie that would let a bomb through.
    crafted(
        &dir,
        "liar.zip",
        &[("manifest.json", manifest), ("z.bin", &zeros)],
        |b| patch(b, &(4u32 << 20).to_le_bytes(), &16u32.to_le_bytes()),
    );
    // Headers that announce 4 GiB - 1: refused before a byte is inflated.
    crafted(
        &dir,
        "bomb.zip",
        &[("manifest.json", manifest), ("z.bin", &zeros)],
        |b| patch(b, &(4u32 << 20).to_le_bytes(), &u32::MAX.to_le_bytes()),
    );
    let mut with_link = zip::ZipWriter::new(std::fs::File::create(dir.join("link.zip")).unwrap());
    with_link
        .start_file("manifest.json", zip::write::SimpleFileOptions::default())
        .unwrap();
    with_link.write_all(manifest).unwrap();
    with_link
        .add_symlink(
            "index.html",
            "/etc/passwd",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
    with_link.finish().unwrap();
    let run = book.run(&["bundle", "--as-of", AS_OF, "-o", "../good.zip"]);
    assert_eq!(run.code, 0, "{run:?}");
    let good = std::fs::read(dir.join("good.zip")).unwrap();
    std::fs::write(dir.join("cut.zip"), &good[..good.len() / 2]).unwrap();

    let before = tree(&dir);
    for (name, says) in [
        ("climb.zip", "has a name that leaves the archive's folder"),
        (
            "absolute.zip",
            "has a name that leaves the archive's folder",
        ),
        (
            "backslash.zip",
            "has a name that leaves the archive's folder",
        ),
        ("twice.zip", "it holds two entries of one name"),
        (
            "liar.zip",
            "`z.bin` in the archive holds more bytes where its header says 16",
        ),
        (
            "bomb.zip",
            "says it holds 4294967295 bytes, more than 1073741824",
        ),
        ("link.zip", "`index.html` is a symbolic link"),
        ("cut.zip", "is not a zip archive (or it is cut short)"),
    ] {
        let run = book.run(&["verify", &format!("../{name}")]);
        assert_eq!(run.code, 2, "{name}: {run:?}");
        assert!(run.stderr.contains(says), "{name}: {}", run.stderr);
    }
    assert_eq!(tree(&dir), before, "verify wrote nothing");
}

#[cfg(unix)]
#[test]
fn bundles_are_as_readable_as_the_users_other_files() {
    use std::os::unix::fs::PermissionsExt;
    let book = Book::fixture("small");
    let run = book.run(&["bundle", "--as-of", AS_OF, "-o", "../shared.zip"]);
    assert_eq!(run.code, 0, "{run:?}");
    let probe = book.outside().join("probe");
    std::fs::write(&probe, b"").unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&book.outside().join("shared.zip")), mode(&probe));
}
