//! Profiles: one book built for the public, staff and the auditor. What each build holds, that
//! nothing it leaves out reaches any of its files, `redactions.json` checked against the full
//! bundle, and `check --profile` finding text planted through each way out.

use crate::common::{broken_links, git, json_report, located, tree, Book};

const SECRETS: [&str; 5] = [
    "break-glass administrator password is sealed",
    "on-call platform lead together with the CISO",
    "hardware module in rack 14",
    "split it into five shares",
    "custodians meet in the cage at 07:00",
];

fn build(book: &Book, profile: Option<&str>) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut args = vec!["build", "--as-of", "2026-11-22", "-d", "out"];
    if let Some(p) = profile {
        args.extend(["--profile", p]);
    }
    let run = book.run(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let site = tree(&book.root.join("out"));
    assert!(broken_links(&book.root.join("out")).is_empty());
    site
}

/// Every file of the site as text, XLSX parts unzipped.
fn all_text(site: &std::collections::BTreeMap<String, Vec<u8>>) -> String {
    let mut out = String::new();
    for (path, bytes) in site {
        if path.ends_with(".xlsx") {
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
            for i in 0..zip.len() {
                let mut part = String::new();
                let _ = std::io::Read::read_to_string(&mut zip.by_index(i).unwrap(), &mut part);
                out.push_str(&part);
            }
        } else {
            out.push_str(&String::from_utf8_lossy(bytes));
        }
        out.push('\n');
    }
    out
}

fn documents(site: &std::collections::BTreeMap<String, Vec<u8>>) -> Vec<&str> {
    site.keys()
        .filter(|p| p.starts_with("docs/") && p.ends_with(".html"))
        .map(String::as_str)
        .collect()
}

#[test]
fn each_profile_holds_exactly_its_documents_and_sections() {
    let book = Book::fixture("profiles");
    let full = build(&book, None);
    assert_eq!(documents(&full).len(), 4);
    let text = all_text(&full);
    for s in SECRETS {
        assert!(text.contains(s), "the full build shows {s}");
    }
    let public = build(&book, Some("public"));
    assert_eq!(
        documents(&public),
        [
            "docs/policies/acceptable-use.html",
            "docs/policies/information-security-policy.html"
        ]
    );
    let text = all_text(&public);
    for s in SECRETS
        .iter()
        .chain(&["Emergency access", "Who may open it"])
    {
        assert!(!text.contains(s), "`{s}` leaked into the public build");
    }
    assert!(!public.contains_key("docs/procedures/key-ceremony-checklist.txt"));
    let page = String::from_utf8_lossy(&public["docs/policies/information-security-policy.html"])
        .into_owned();
    assert!(page.contains("A confidential section is not published here."));
    assert!(page.contains("A restricted section is not published here."));
    let aup = String::from_utf8_lossy(&public["docs/policies/acceptable-use.html"]).into_owned();
    // Links to a left-out document and to a left-out heading: text and a note.
    assert_eq!(aup.matches("(not published here)").count(), 3, "{aup}");
    assert!(!aup.contains("key-ceremony.html") && !aup.contains("#emergency-access"));
    // The trust page.
    let index = String::from_utf8_lossy(&public["index.html"]).into_owned();
    assert!(index.contains("IS 765432") && index.contains("Published policies (2)"));
    assert!(index.contains("mailto:security@northwind.example"));

    let staff = build(&book, Some("staff"));
    assert_eq!(documents(&staff).len(), 3);
    let text = all_text(&staff);
    assert!(text.contains("Call the on-call number"));
    assert!(!text.contains("five shares") && !text.contains("rack 14"));
    assert!(!String::from_utf8_lossy(&staff["index.html"]).contains("Published policies"));

    // include = { audience = ["engineering"] }, up to confidential.
    let engineering = build(&book, Some("engineering"));
    assert_eq!(
        documents(&engineering),
        [
            "docs/procedures/incident-response.html",
            "docs/procedures/key-ceremony.html"
        ]
    );
    assert!(engineering.contains_key("docs/procedures/key-ceremony-checklist.txt"));
    assert_eq!(build(&book, Some("auditor")).len(), full.len());
}

#[test]
fn redactions_json_is_verified_against_the_full_bundle() {
    let book = Book::fixture("profiles");
    for (profile, zip) in [(None, "full.zip"), (Some("public"), "public.zip")] {
        let mut args = vec!["bundle", "--as-of", "2026-11-22", "-o", zip];
        args.extend(profile.iter().flat_map(|p| ["--profile", *p]));
        let run = book.run(&args);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let run = book.run(&["verify", "public.zip", "--against", "full.zip"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("minus exactly the 2 document(s) and 2 section(s)"),
        "{}",
        run.stdout
    );
    // A public build is no reference: it is not the full text.
    let run = book.run(&["verify", "full.zip", "--against", "public.zip"]);
    assert_eq!(run.code, 1, "{}", run.stdout);

    // redactions.json lists hashes, never the removed text or heading.
    let build = book.run(&[
        "build",
        "--as-of",
        "2026-11-22",
        "--profile",
        "public",
        "-d",
        "p",
    ]);
    assert_eq!(build.code, 0);
    let record = book.read("p/redactions.json");
    let json: serde_json::Value = serde_json::from_str(&record).unwrap();
    assert_eq!(json["profile"], "public");
    let sections = json["sections"].as_array().unwrap();
    assert_eq!(sections.len(), 2);
    assert!(sections
        .iter()
        .all(|s| s["sha256"].as_str().unwrap().len() == 64 && s["published"] == false));
    assert!(!record.contains("Emergency"));

    // The same profile built from a changed source does not match the full bundle.
    let policy = book.read("content/policies/information-security-policy.md");
    book.write(
        "content/policies/information-security-policy.md",
        &policy.replace("sealed in the safe", "kept in the safe"),
    );
    let run = book.run(&[
        "bundle",
        "--as-of",
        "2026-11-22",
        "--profile",
        "public",
        "-o",
        "later.zip",
    ]);
    assert_eq!(run.code, 0);
    let run = book.run(&["verify", "later.zip", "--against", "full.zip"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains("POL-001: its source differs"),
        "{}",
        run.stdout
    );
}

/// `check --profile public` on the fixture with `plant` applied: its leak messages, and the
/// text of the public build's `file`.
fn leaks(plant: &dyn Fn(&Book), file: &str) -> (Vec<String>, String) {
    let book = Book::fixture("profiles");
    plant(&book);
    let site = build(&book, Some("public"));
    let shown = site
        .get(file)
        .map(|bytes| all_text(&[(file.to_string(), bytes.clone())].into_iter().collect()))
        .unwrap_or_default();
    let run = book.run(&[
        "check",
        "--as-of",
        "2026-11-22",
        "--profile",
        "public",
        "--format",
        "json",
    ]);
    let report = json_report(&run);
    let found: Vec<String> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "profile-leak")
        .map(|d| d["message"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        run.code,
        if found.is_empty() { 0 } else { 1 },
        "{}",
        run.stdout
    );
    (found, shown)
}

/// A way to put the planted text into the book.
type Plant = Box<dyn Fn(&Book)>;

const PLANTED: &str =
    "The break-glass administrator password is sealed in the safe of the Hamburg server room";

fn append(book: &Book, rel: &str, text: &str) {
    let old = book.read(rel);
    book.write(rel, &format!("{old}\n{text}\n"));
}

#[test]
fn check_profile_finds_text_planted_through_each_way_out() {
    assert!(
        leaks(&|_| {}, "index.html").0.is_empty(),
        "the fixture as it is leaks nothing"
    );
    let aup = "content/policies/acceptable-use.md";
    let cases: Vec<(&str, Plant, &str)> = vec![
        (
            "page and print",
            Box::new(|b| append(b, aup, &format!("{PLANTED}."))),
            "print.html",
        ),
        // At the start of the body, in the search index's teaser.
        (
            "search index",
            Box::new(|b| {
                let t = b.read(aup).replace(
                    "# Acceptable use\n",
                    &format!("{PLANTED}.\n\n# Acceptable use\n"),
                );
                b.write(aup, &t);
            }),
            "search-index.js",
        ),
        (
            "spreadsheet",
            Box::new(|b| {
                b.write("soa.yaml", &format!("version: \"1\"\ncontrols:\n  A.5.1:\n    applicable: true\n    justification: Needed\n    status: implemented\n    owner: \"{PLANTED}\"\n"));
            }),
            "exports/soa.xlsx",
        ),
        (
            "title in JSON",
            Box::new(|b| {
                let t = b.read(aup).replace(
                    "title: Acceptable Use Policy",
                    &format!("title: \"{PLANTED}\""),
                );
                b.write(aup, &t);
            }),
            "exports/model.json",
        ),
        (
            "title in CSV",
            Box::new(|b| {
                let t = b.read(aup).replace(
                    "title: Acceptable Use Policy",
                    &format!("title: \"{PLANTED}\""),
                );
                b.write(aup, &t);
            }),
            "exports/traceability.csv",
        ),
        (
            "attachment",
            Box::new(|b| {
                b.write("content/policies/handout.txt", &format!("{PLANTED}.\n"));
                append(b, aup, "The [handout](handout.txt) summarises the rules.");
            }),
            "docs/policies/handout.txt",
        ),
        (
            "link text",
            Box::new(|b| append(b, aup, &format!("See [{PLANTED}](https://example.org/)."))),
            "docs/policies/acceptable-use.html",
        ),
        (
            "heading in the table of contents",
            Box::new(|b| append(b, aup, &format!("## {PLANTED}\n\nText."))),
            "docs/policies/acceptable-use.html",
        ),
    ];
    for (way, plant, file) in cases {
        let (found, shown) = leaks(&*plant, file);
        assert!(
            shown.contains("break-glass administrator password is sealed"),
            "{way}: the planted text does not reach {file}"
        );
        assert!(
            found
                .iter()
                .any(|m| m.contains("break-glass administrator password is sealed")),
            "{way}: no leak reported: {found:?}"
        );
    }
}

#[test]
fn unknown_classification_and_profile_names_are_explained() {
    let book = Book::fixture("profiles");
    let p = "content/procedures/incident-response.md";
    let t = book.read(p).replace(
        "status: approved",
        "status: approved\nclassification: Confidentail",
    );
    book.write(p, &t);
    let run = book.run(&["check", "--as-of", "2026-11-22", "--format", "json"]);
    let found = located(&json_report(&run));
    assert!(
        found.contains(&(
            "unknown-classification".into(),
            "content/procedures/incident-response.md".into(),
            9,
            17
        )),
        "{found:?}"
    );
    assert!(run.stdout.contains("did you mean `confidential`?"));
    // Counted as the highest level: not in the staff build.
    let staff = build(&book, Some("staff"));
    assert_eq!(documents(&staff).len(), 2);

    let run = book.run(&["build", "--profile", "publc"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("did you mean `public`?"),
        "{}",
        run.stderr
    );
    book.write(
        "book.toml",
        &book.read("book.toml").replace(
            "max-classification = \"internal\"",
            "max-classification = \"secret\"",
        ),
    );
    let run = book.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    assert!(
        located(&json_report(&run))
            .iter()
            .any(|(c, f, l, _)| c == "config-invalid" && f == "book.toml" && *l == 19),
        "{}",
        run.stdout
    );
}

#[test]
fn what_changed_since_an_approved_version_is_a_page_and_a_profile_redacts_it_too() {
    let book = Book::fixture("profiles");
    git(&book.root, "2026-06-01", "Ann", &["init", "-q"]);
    git(&book.root, "2026-06-01", "Ann", &["add", "-A"]);
    git(
        &book.root,
        "2026-06-01",
        "Ann",
        &["commit", "-q", "-m", "Version 3.0"],
    );
    let p = "content/policies/information-security-policy.md";
    let text = book
        .read(p)
        .replace("version: \"3.0\"", "version: \"3.1\"")
        .replace("every quarter", "every month")
        .replace("sealed in the safe", "kept in the vault");
    book.write(p, &text);
    git(
        &book.root,
        "2026-06-01",
        "Ann",
        &["commit", "-q", "-am", "Version 3.1"],
    );

    let full = build(&book, None);
    let page = "changes/docs/policies/information-security-policy.html";
    let changes = String::from_utf8_lossy(&full[page]).into_owned();
    assert!(changes.contains("Since version 3.0"), "{changes}");
    assert!(
        changes.contains("<del>quarter.</del><ins>month.</ins>"),
        "{changes}"
    );
    assert!(
        changes.contains("<ins>vault</ins>"),
        "the full build shows every change: {changes}"
    );
    let list = String::from_utf8_lossy(&full["audiences/all.html"]).into_owned();
    assert!(
        list.contains("changes/docs/policies/information-security-policy.html\">What changed</a>"),
        "{list}"
    );
    // Documents without an earlier approved version have none.
    assert!(!full.contains_key("changes/docs/policies/acceptable-use.html"));

    let public = build(&book, Some("public"));
    let changes = String::from_utf8_lossy(&public[page]).into_owned();
    assert!(changes.contains("<ins>month.</ins>"), "{changes}");
    for secret in ["vault", "sealed in the safe", "Emergency access"] {
        assert!(
            !changes.contains(secret),
            "`{secret}` leaked through the changes page"
        );
    }
    let run = book.run(&["check", "--as-of", "2026-11-22", "--profile", "public"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}
