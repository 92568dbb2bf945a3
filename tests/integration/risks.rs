//! The risk and exception registers: each check at its file:line:col, the ids that must
//! resolve (in the registers, soa.yaml, front matter and bodies), and the register as CSV.

use crate::common::{git, json_report, located, Book};

const RISKS: &str = "\
# The risk register of the small book.
scales:
  accept-at-or-below: 6
risks:
  R-001:
    title: Ransomware on the file server
    owner: CISO
    likelihood: likely
    impact: major
    treatment: mitigate
    controls: [A.5.1, nist-csf-2.0:PR.DS-11]
    documents: [POL-001]
    residual: { likelihood: unlikely, impact: moderate }
    review_by: 2027-06-01
    plan:
      - { action: Offline backups, owner: IT, due: 2026-12-31, status: in-progress }
  R-002:
    title: Supplier outage
    owner: CFO
    likelihood: possible
    impact: minor
    treatment: accept
    accepted: { by: CEO, on: 2026-02-01 }
    documents: [PRC-001]
";

/// The `small` fixture (as of 2026-11-22) with a register; `edit` changes its text.
fn book(edit: &dyn Fn(&str) -> String) -> Book {
    let book = Book::fixture("small");
    book.write("registers/risks.yaml", &edit(RISKS));
    book
}

fn found(book: &Book) -> Vec<(String, String, u64, u64)> {
    let report = json_report(&book.run(&["check", "--as-of", "2026-11-22", "--format", "json"]));
    located(&report)
        .into_iter()
        .filter(|d| {
            d.1.starts_with("registers/") || d.0.contains("risk") || d.0 == "unknown-reference"
        })
        .collect()
}

fn at(code: &str, file: &str, line: u64, column: u64) -> (String, String, u64, u64) {
    (code.into(), file.into(), line, column)
}

#[test]
fn a_good_register_gives_no_diagnostic() {
    assert_eq!(found(&book(&|t| t.to_string())), []);
}

#[test]
fn unknown_ids_in_a_register_are_located_with_a_did_you_mean() {
    let book = book(&|t| {
        t.replace(
            "[A.5.1, nist-csf-2.0:PR.DS-11]",
            "[A.5.51, nist-csf:PR.DS-11]",
        )
        .replace("documents: [POL-001]", "documents: [POL-01]")
    });
    assert_eq!(
        found(&book),
        [
            at("unknown-control", "registers/risks.yaml", 11, 16),
            at("unknown-framework", "registers/risks.yaml", 11, 24),
            at("unknown-document", "registers/risks.yaml", 12, 17),
        ]
    );
}

#[test]
fn acceptance_is_required_for_accept_and_above_the_line() {
    // R-002 accepted by nobody; R-001's residual rated above the line.
    let book = book(&|t| {
        t.replace("    accepted: { by: CEO, on: 2026-02-01 }\n", "")
            .replace(
                "residual: { likelihood: unlikely, impact: moderate }",
                "residual: { likelihood: likely, impact: moderate }",
            )
    });
    assert_eq!(
        found(&book),
        [
            at("risk-not-accepted", "registers/risks.yaml", 5, 3),
            at("risk-not-accepted", "registers/risks.yaml", 17, 3),
        ]
    );
}

#[test]
fn passed_dates_are_warnings_and_errors_under_strict() {
    let book = book(&|t| {
        t.replace("due: 2026-12-31", "due: 2026-10-31")
            .replace("review_by: 2027-06-01", "review_by: 2026-06-01")
    });
    book.write(
        "registers/exceptions.yaml",
        "exceptions:\n  EX-1:\n    title: Old scanners\n    controls: [A.8.24]\n    risks: [R-001]\n    reason: vendor\n    requested_by: Ops\n    approved_by: CISO\n    approved_on: 2026-01-10\n    expires: 2026-06-30\n  EX-2:\n    title: Shared login\n    documents: [PRC-001]\n    risks: [R-009]\n    reason: none\n    expires: 2027-06-30\n",
    );
    assert_eq!(
        found(&book),
        [
            at("exception-expired", "registers/exceptions.yaml", 10, 14),
            at("exception-not-approved", "registers/exceptions.yaml", 11, 3),
            at("unknown-risk", "registers/exceptions.yaml", 14, 13),
            at("risk-review-overdue", "registers/risks.yaml", 14, 16),
            at("action-overdue", "registers/risks.yaml", 16, 19),
        ]
    );
    let strict = book.run(&["check", "--as-of", "2026-11-22", "--strict"]);
    assert_eq!(strict.code, 1);
}

#[test]
fn a_risk_treated_by_an_excluded_control_is_an_error_with_a_note_at_the_soa() {
    let book = book(&|t| t.to_string());
    book.write(
        "soa.yaml",
        "controls:\n  A.5.1:\n    applicable: false\n    justification: \"No policies (R-001 aside)\"\n",
    );
    let report = json_report(&book.run(&["check", "--as-of", "2026-11-22", "--format", "json"]));
    let d = (report["diagnostics"].as_array().unwrap().iter())
        .find(|d| d["code"] == "risk-control-excluded")
        .expect("reported");
    assert_eq!(
        (d["file"].as_str(), d["line"].as_u64(), d["column"].as_u64()),
        (Some("registers/risks.yaml"), Some(11), Some(16))
    );
    assert!(
        d.to_string().contains("soa.yaml"),
        "a note at the SoA entry: {d}"
    );
}

#[test]
fn risk_ids_in_the_soa_front_matter_and_bodies_must_resolve() {
    let book = book(&|t| t.to_string());
    book.write(
        "soa.yaml",
        "controls:\n  A.5.1:\n    applicable: true\n    justification: \"Risk assessment (R-001 ransomware, R-007 fraud)\"\n",
    );
    book.write(
        "content/risky.md",
        "---\nid: RSK-1\ntitle: Risky\nstatus: draft\nrisks: [R-001, R-03]\n---\nSee [[R-002]] and [[R-004]].\n",
    );
    assert_eq!(
        found(&book),
        [
            at("unknown-risk", "content/risky.md", 5, 16),
            at("unknown-risk", "content/risky.md", 7, 19),
            at("unknown-risk", "soa.yaml", 2, 3),
        ]
    );
}

#[test]
fn a_register_in_csv_reads_as_the_same_register() {
    let yaml = book(&|t| {
        // No plan: a CSV register has none.
        t.split("    plan:").next().unwrap().to_string() + &t[t.find("  R-002:").unwrap()..]
    });
    let csv = Book::fixture("small");
    csv.write(
        "registers/risks.csv",
        "# The risk register of the small book.\n\
         id,title,owner,likelihood,impact,treatment,controls,documents,residual_likelihood,residual_impact,accepted_by,accepted_on,review_by\n\
         R-001,Ransomware on the file server,CISO,likely,major,mitigate,A.5.1; nist-csf-2.0:PR.DS-11,POL-001,unlikely,moderate,,,2027-06-01\n\
         R-002,Supplier outage,CFO,possible,minor,accept,,PRC-001,,,CEO,2026-02-01,\n",
    );
    let model = |b: &Book| {
        b.run(&["build", "--as-of", "2026-11-22"]);
        let json: serde_json::Value =
            serde_json::from_str(&b.read("book/exports/model.json")).unwrap();
        json["documents"].to_string()
    };
    assert_eq!(found(&csv), []);
    assert_eq!(model(&yaml), model(&csv));
    // A bad row is located at its line.
    csv.write(
        "registers/risks.csv",
        "id,title,owner,likelihood,impact,treatment\nR-001,Ransomware,CISO,likely,major,mitigate\nR-002,Outage,CFO,sometimes,minor,accept\n",
    );
    assert!(
        found(&csv).contains(&at("invalid-register", "registers/risks.csv", 3, 1)),
        "{:?}",
        found(&csv)
    );
}

#[test]
fn bad_values_are_located() {
    let book = book(&|t| {
        t.replace("treatment: mitigate", "treatment: mitigated")
            .replace("impact: minor", "impact: small")
            .replace("on: 2026-02-01", "on: 2026-02-30")
    });
    assert_eq!(
        found(&book),
        [
            at("invalid-register", "registers/risks.yaml", 10, 16),
            at("invalid-register", "registers/risks.yaml", 21, 13),
            at("invalid-date", "registers/risks.yaml", 23, 30),
        ]
    );
}

#[test]
fn diff_reports_a_re_scored_risk_a_new_one_and_an_expired_exception() {
    let book = book(&|t| t.to_string());
    book.write(
        "registers/exceptions.yaml",
        "exceptions:\n  EX-1:\n    title: Old scanners\n    controls: [A.8.24]\n    reason: vendor\n    approved_by: CISO\n    approved_on: 2026-01-10\n    expires: 2027-06-30\n",
    );
    git(&book.root, "2026-11-01", "Ann", &["init", "-q"]);
    git(&book.root, "2026-11-01", "Ann", &["add", "-A"]);
    git(
        &book.root,
        "2026-11-01",
        "Ann",
        &["commit", "-q", "-m", "v1"],
    );
    book.write(
        "registers/risks.yaml",
        &RISKS.replace("likelihood: likely\n    impact: major", "likelihood: likely\n    impact: severe").replace(
            "    documents: [PRC-001]\n",
            "    documents: [PRC-001]\n  R-003:\n    title: Lost laptop\n    owner: IT\n    likelihood: rare\n    impact: minor\n    treatment: mitigate\n",
        ),
    );
    book.write(
        "registers/exceptions.yaml",
        &book
            .read("registers/exceptions.yaml")
            .replace("2027-06-30", "2026-06-30"),
    );
    let text = book.run(&["diff", "HEAD", "--as-of", "2026-11-22"]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(
        text.stdout.contains("3 risks and exceptions changed"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("R-001 Ransomware on the file server (risk, changed): inherent: likely x major = 16 → likely x severe = 20"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("R-003 Lost laptop (risk, added)"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout
            .contains("EX-1 Old scanners (exception, expired): expires: 2027-06-30 → 2026-06-30"),
        "{}",
        text.stdout
    );
    let json = book.run(&["diff", "HEAD", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(report["registers"][0]["fields"][0]["field"], "inherent");
}

#[test]
fn book_toml_sets_the_scales_of_a_csv_register_and_a_yaml_register_overrides_them() {
    let book = Book::fixture("small");
    let toml = book.read("book.toml");
    book.write(
        "book.toml",
        &format!("{toml}\n[registers.scales]\nlikelihood = [\"low\", \"medium\", \"high\"]\nimpact = [\"low\", \"medium\", \"high\"]\naccept-at-or-below = 2\n"),
    );
    let rows = "id,title,owner,likelihood,impact,treatment,accepted_by,accepted_on\n\
                R-001,Ransomware,CISO,high,medium,mitigate,CEO,2026-02-01\n\
                R-002,Outage,CFO,low,low,mitigate,,\n";
    book.write("registers/risks.csv", rows);
    // high x medium = 6, accepted; low x low = 1, under the line.
    assert_eq!(found(&book), []);
    book.run(&["build", "--as-of", "2026-11-22"]);
    let json: serde_json::Value =
        serde_json::from_str(&book.read("book/exports/model.json")).unwrap();
    assert_eq!(json["risks"][0]["inherent"]["score"], 6);
    assert_eq!(json["risks"][0]["inherent"]["level"], "high");
    // medium x medium = 4 is above the book's line of 2.
    book.write(
        "registers/risks.csv",
        &format!("{rows}R-003,Fraud,CFO,medium,medium,mitigate,,\n"),
    );
    assert_eq!(
        found(&book),
        [at("risk-not-accepted", "registers/risks.csv", 4, 1)]
    );

    // A YAML register's own `scales:` wins, key by key: its likelihood, the book's impact.
    std::fs::remove_file(book.root.join("registers/risks.csv")).unwrap();
    book.write(
        "registers/risks.yaml",
        "scales:\n  likelihood: [never, sometimes]\nrisks:\n  R-001:\n    title: Ransomware\n    owner: CISO\n    likelihood: sometimes\n    impact: high\n    treatment: mitigate\n    accepted: { by: CEO, on: 2026-02-01 }\n",
    );
    assert_eq!(found(&book), []);

    // A scale of one word is an error at its line in book.toml.
    book.write(
        "book.toml",
        &format!("{toml}\n[registers.scales]\nimpact = [\"all\"]\n"),
    );
    let report = json_report(&book.run(&["check", "--as-of", "2026-11-22", "--format", "json"]));
    let line = toml.lines().count() as u64 + 3;
    assert!(
        located(&report).contains(&at("config-invalid", "book.toml", line, 1)),
        "{:?}",
        located(&report)
    );
}

#[test]
fn an_id_written_twice_and_a_scale_word_written_twice_are_errors() {
    let book = book(&|t| {
        let first = &t[t.find("  R-001:").unwrap()..t.find("  R-002:").unwrap()];
        format!("{t}{first}")
    });
    let line = RISKS.lines().count() as u64 + 1;
    assert_eq!(
        found(&book),
        [at("invalid-register", "registers/risks.yaml", line, 3)]
    );
    let book = book_with_scales("scales:\n  impact: [minor, major, minor]\n");
    assert_eq!(
        found(&book),
        [at("invalid-register", "registers/risks.yaml", 2, 12)]
    );
}

fn book_with_scales(scales: &str) -> Book {
    let book = Book::fixture("small");
    book.write(
        "registers/risks.yaml",
        &format!("{scales}risks:\n  R-1:\n    title: T\n    owner: O\n    likelihood: rare\n    impact: minor\n    treatment: mitigate\n"),
    );
    book
}
