//! `policybook import`: fixture repositories written for other tools become books that
//! `check` accepts, byte-identically on every import, without the source being touched.

use crate::common::{json_report, run_in, tree, Book};

/// Imports `tests/fixtures/<name>` into a fresh folder; returns the folder's holder, the
/// destination path and the JSON report.
fn import(name: &str, dest: &str) -> (Book, std::path::PathBuf, serde_json::Value) {
    let book = Book::fixture(name);
    let (out, report) = import_book(&book, dest);
    (book, out, report)
}

/// Imports `book`'s folder into `dest` beside it; returns the destination and the JSON report.
fn import_book(book: &Book, dest: &str) -> (std::path::PathBuf, serde_json::Value) {
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
    (out, report)
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
        ("import-mdbook", 6),
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
    // `A.9.2.1`, a 2013 id, is written as its 2022 control, and the report says so.
    assert_eq!(
        d["controls"],
        serde_json::json!(["A.5.15", "A.5.16", "A.5.18"])
    );
    assert_eq!(d["clauses"], serde_json::json!(["5.2"]));
    assert!(
        d["mapping_notes"].to_string().contains(
            "`A.9.2.1` is an ISO/IEC 27001:2013 control id: written as `A.5.16` (Identity management)"
        ),
        "{d}"
    );
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
    assert!(
        text.contains("version: \"1.10\""),
        "the version as written: {text}"
    );
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
}

#[test]
fn docusaurus_admonitions_become_callouts() {
    let (_b, out, report) = import("import-docusaurus", "out");
    let p = doc(&report, "policies/passwords.md");
    assert_eq!(
        p["shortcodes_converted"],
        serde_json::json!({":::danger": 1, ":::note": 1, ":::tip": 1, ":::warning": 1})
    );
    assert_eq!(p["shortcodes_left"], serde_json::json!({}));
    let b = doc(&report, "policies/backup-plan.md");
    assert_eq!(
        b["shortcodes_converted"],
        serde_json::json!({":::caution": 1, ":::info": 1})
    );
    let text = std::fs::read_to_string(out.join("content/policies/passwords.md")).unwrap();
    for converted in [
        "\n> [!TIP]\n> Use a password manager.\n\nMinimum 14 characters.\n",
        "\n!!! warning \"Shared accounts\"\n    Never share a password, not even with IT.\n",
        "\n!!! danger \"Leaked passwords\"\n    If a password may have leaked, change it at once.\n\n    Then tell the service desk.\n\n> [!NOTE]\n> Passphrases count as passwords.\n",
        // An admonition shown as an example in a code block stays as written.
        "```md\n:::info\nThis example stays as written.\n:::\n```\n",
    ] {
        assert!(text.contains(converted), "{converted:?} not in {text}");
    }
    let text = std::fs::read_to_string(out.join("content/policies/backup-plan.md")).unwrap();
    assert!(
        text.contains("- Restore tests:\n\n  > [!NOTE]\n  > Restore one backup every quarter.\n"),
        "{text}"
    );
    assert!(
        text.contains("!!! caution \"Offsite copies\"\n    Keep one copy offsite.\n"),
        "{text}"
    );
    let md = std::fs::read_to_string(out.join("IMPORT-REPORT.md")).unwrap();
    assert!(
        md.contains("- shortcodes converted: `:::danger` × 1, `:::note` × 1, `:::tip` × 1, `:::warning` × 1\n"),
        "{md}"
    );
    assert_eq!(check_errors(&out), Vec::<String>::new());
    let build = run_in(&out, &["build"]);
    assert_eq!(build.code, 0, "{build:?}");
    let page = std::fs::read_to_string(out.join("book/docs/policies/passwords.html")).unwrap();
    for class in [
        "callout callout-tip",
        "callout callout-warning",
        "callout callout-danger",
        "callout callout-note",
    ] {
        assert!(page.contains(class), "{class} not in {page}");
    }
    assert!(page.contains("Shared accounts"), "{page}");
    assert!(!page.contains(":::tip"), "{page}");
    let page = std::fs::read_to_string(out.join("book/docs/policies/backup-plan.html")).unwrap();
    assert!(page.contains("callout callout-caution"), "{page}");
    assert!(page.contains("callout callout-note"), "{page}");
}

#[test]
fn an_mdbook_keeps_its_chapters_and_takes_titles_from_h1_or_summary() {
    let (_b, out, report) = import("import-mdbook", "out");
    assert_eq!(report["style"], "mdBook");
    assert_eq!(report["content_folder"], "src");
    let outputs: Vec<&str> = docs(&report)
        .iter()
        .map(|d| d["output"].as_str().unwrap())
        .collect();
    assert_eq!(
        outputs,
        [
            "content/README.md",
            "content/glossary.md",
            "content/policies/access-control.md",
            "content/policies/access/passwords.md",
            "content/policies/information-security.md",
            "content/procedures/incident-response.md",
        ]
    );
    let summary = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "src/SUMMARY.md")
        .unwrap();
    assert_eq!(
        summary["decision"],
        "skipped: navigation metadata of the site generator, not a page"
    );
    assert!(!out.join("content/SUMMARY.md").exists());

    let p = doc(&report, "policies/access/passwords.md");
    assert_eq!(p["title"], "Password Standard");
    assert_eq!(p["title_from"], "the first H1 of the body");
    assert_eq!(p["type"], "standard");
    assert_eq!(p["id"], "policies-access-passwords");
    let a = doc(&report, "policies/access-control.md");
    assert_eq!(a["title"], "Access Control");
    assert_eq!(a["title_from"], "the site's navigation");
    assert_eq!(a["type"], "policy");
    assert_eq!(a["type_from"], "the folder `policies/`");
    assert_eq!(doc(&report, "src/glossary.md")["title"], "Glossary");
    let i = doc(&report, "procedures/incident-response.md");
    assert_eq!(i["type"], "procedure");

    let text =
        std::fs::read_to_string(out.join("content/policies/information-security.md")).unwrap();
    assert!(!text.contains("# Information Security Policy"), "{text}");
    assert!(text.contains("\n---\nFabrikam protects"), "{text}");
    assert!(
        text.contains("[access control rules](access-control.md)"),
        "{text}"
    );
    let toml = std::fs::read_to_string(out.join("book.toml")).unwrap();
    assert!(
        toml.contains("title = \"Fabrikam Security Handbook\""),
        "{toml}"
    );
    assert!(
        toml.contains("language = \"en-GB\"\n"),
        "the source's language: {toml}"
    );
    assert_eq!(check_errors(&out), Vec::<String>::new());
    let run = run_in(&out, &["build", "--as-of", "2026-11-22"]);
    assert_eq!(run.code, 0, "{run:?}");
    let index = std::fs::read_to_string(out.join("book/index.html")).unwrap();
    assert!(
        index.contains("<html lang=\"en-GB\""),
        "pages carry the language"
    );
}

#[test]
fn plain_markdown_ids_are_slugs_of_paths() {
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

/// Whether pandoc can be run here.
fn has_pandoc() -> bool {
    std::process::Command::new("pandoc")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A 4×4 red PNG.
const PNG: &[u8] = &[
    137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 4, 0, 0, 0, 4, 8, 2, 0,
    0, 0, 38, 147, 9, 41, 0, 0, 0, 16, 73, 68, 65, 84, 120, 156, 99, 248, 207, 192, 0, 71, 12, 196,
    113, 0, 174, 147, 15, 241, 208, 95, 35, 158, 0, 0, 0, 0, 73, 69, 78, 68, 174, 66, 96, 130,
];

#[test]
fn a_word_document_is_converted_with_pandoc_and_its_images_extracted() {
    if !has_pandoc() {
        eprintln!("skipped: pandoc is not installed (Debian package `pandoc`); CI installs it");
        return;
    }
    let book = Book::empty();
    // The Word document is made by pandoc itself, from Markdown kept outside the source.
    let work = book.outside().join("word");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::write(work.join("logo.png"), PNG).unwrap();
    std::fs::write(
        work.join("remote.md"),
        "# Remote Working Policy\n\n## Purpose\n\nStaff who work remotely protect company information.\n\n## Rules\n\n- Use the VPN.\n- Lock the screen when away.\n\n| Device | Rule |\n|---|---|\n| Laptop | Encrypted disk |\n\n![Company logo](logo.png)\n",
    )
    .unwrap();
    let made = std::process::Command::new("pandoc")
        .args(["remote.md", "-o"])
        .arg(book.root.join("remote-working.docx"))
        .current_dir(&work)
        .output()
        .unwrap();
    assert!(made.status.success(), "{made:?}");
    book.write(
        "access-control.md",
        "---\ntitle: Access Control Policy\nowner: CISO\ncontrols: [A.5.15]\n---\n\nAccess is granted on need.\n",
    );

    let (out, report) = import_book(&book, "out");
    assert_eq!(docs(&report).len(), 2, "{report}");
    let d = doc(&report, "remote-working.docx");
    assert_eq!(d["output"], "content/remote-working.md");
    assert_eq!(d["title"], "Remote Working Policy");
    assert_eq!(d["title_from"], "the first H1 of the body");
    assert_eq!(d["type"], "policy");
    assert_eq!(
        d["converted"],
        "from a Word document with `pandoc -t gfm`; 1 image extracted into `remote-working-media/`"
    );
    let media = d["media_extracted"].as_array().unwrap();
    assert_eq!(media.len(), 1, "{d}");
    let media = media[0].as_str().unwrap();
    assert!(
        media.starts_with("content/remote-working-media/media/") && media.ends_with(".png"),
        "{media}"
    );
    assert_eq!(std::fs::read(out.join(media)).unwrap(), PNG);

    let text = std::fs::read_to_string(out.join("content/remote-working.md")).unwrap();
    assert!(
        text.starts_with("---\nid: \"remote-working\"\ntitle: \"Remote Working Policy\"\n"),
        "{text}"
    );
    assert!(!text.contains("# Remote Working Policy"), "{text}");
    assert!(text.contains("## Purpose"), "{text}");
    assert!(text.contains("Staff who work remotely"), "{text}");
    assert!(text.contains("Lock the screen when away."), "{text}");
    assert!(text.contains("| Laptop | Encrypted disk |"), "{text}");
    let link = media.trim_start_matches("content/");
    assert!(text.contains(&format!("![Company logo]({link})")), "{text}");
    let md = std::fs::read_to_string(out.join("IMPORT-REPORT.md")).unwrap();
    assert!(
        md.contains("### `remote-working.docx` -> `content/remote-working.md`\n\n- converted: from a Word document with `pandoc -t gfm`; 1 image extracted into `remote-working-media/`\n"),
        "{md}"
    );
    assert_eq!(check_errors(&out), Vec::<String>::new());
    let check = run_in(&out, &["check", "--format", "json"]);
    let diagnostics = json_report(&check)["diagnostics"].to_string();
    assert!(!diagnostics.contains("unlinked-file"), "{diagnostics}");
    assert!(!diagnostics.contains("raw-html"), "{diagnostics}");
    let (again, _) = import_book(&book, "again");
    assert_eq!(tree(&out), tree(&again), "not byte-identical");
}

#[test]
fn word_files_need_pandoc() {
    let book = Book::fixture("import-plain");
    std::fs::write(
        book.root.join("Policies/legacy.docx"),
        b"PK\x03\x04 not really",
    )
    .unwrap();
    // A PATH without pandoc, whether or not this machine has it.
    let empty = book.outside().join("no-tools");
    std::fs::create_dir_all(&empty).unwrap();
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_policybook"))
        .args(["import", "book-src", "out"])
        .current_dir(book.outside())
        .env("NO_COLOR", "1")
        .env("PATH", &empty)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("Debian package `pandoc`"), "{stderr}");
    let md = std::fs::read_to_string(book.outside().join("out/IMPORT-REPORT.md")).unwrap();
    assert!(
        md.contains("`Policies/legacy.docx`: not imported: needs pandoc"),
        "{md}"
    );
    assert!(!book
        .outside()
        .join("out/content/Policies/legacy.md")
        .exists());
    // With pandoc, a file that is no Word document is reported, not imported.
    if has_pandoc() {
        let run = run_in(&book.outside(), &["import", "book-src", "out2"]);
        assert_eq!(run.code, 0, "{run:?}");
        assert!(
            run.stderr.contains("pandoc could not convert it"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn jekyll_config_values_and_base_url_links() {
    let (_book, out, report) = import("import-jekyll", "out");
    let book_toml = std::fs::read_to_string(out.join("book.toml")).unwrap();
    assert!(
        book_toml.contains("\"site.company\" = \"Initech Corp\""),
        "{book_toml}"
    );
    let index = std::fs::read_to_string(out.join("content/index.md")).unwrap();
    assert!(
        index.contains("[encryption policy](policies/encryption.md)"),
        "{index}"
    );
    let d = doc(&report, "index.md");
    assert!(
        d["links_rewritten"]
            .to_string()
            .contains("policies/encryption.md"),
        "{d}"
    );
    let run = run_in(&out, &["build", "--as-of", "2026-11-22"]);
    assert_eq!(run.code, 0, "{run:?}");
    let page = std::fs::read_to_string(out.join("book/docs/index.html")).unwrap();
    assert!(
        page.contains("Initech Corp keeps its data encrypted."),
        "{page}"
    );
    assert!(
        page.contains("href=\"../docs/policies/encryption.html\""),
        "{page}"
    );
}
