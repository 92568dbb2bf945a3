//! The registers' pages and exports, on the book of `tests/fixtures/risks` (six risks, two
//! exceptions, a plan) read on [`crate::testing::AS_OF`] (2026-11-22).

use std::collections::BTreeMap;

use super::heat::heat_maps;
use crate::progress::Progress;
use crate::site::Contents;
use crate::testing::TestBook;

pub(crate) const RISKS: &str = include_str!("../../../tests/fixtures/risks/registers/risks.yaml");
pub(crate) const EXCEPTIONS: &str =
    include_str!("../../../tests/fixtures/risks/registers/exceptions.yaml");
const SOA: &str = include_str!("../../../tests/fixtures/risks/soa.yaml");

/// The fixture's register, SoA and two documents.
pub(crate) fn book() -> TestBook {
    TestBook::new()
        .soa(SOA)
        .file("registers/risks.yaml", RISKS)
        .file("registers/exceptions.yaml", EXCEPTIONS)
        .doc_with(
            "POL-001",
            "controls: [\"A.5.1\"]\nrisks: [R-001]",
            "The main risk is [[R-002]].",
        )
        .doc_with("POL-002", "controls: [\"A.5.15\", \"A.8.24\"]", "Access.")
}

/// Every file of a build of `book`, pages and exports, by path.
pub(crate) fn files(book: &TestBook) -> BTreeMap<String, Vec<u8>> {
    let checked = book.checked();
    let mut files = crate::pipeline::site_files(&checked, &Progress::none())
        .unwrap()
        .done()
        .unwrap();
    let model = checked.model.as_ref().unwrap();
    files.extend(crate::pipeline::extras(model, None).unwrap());
    files
        .into_iter()
        .filter_map(|f| match f.contents {
            Contents::Bytes(b) => Some((f.path, b.to_vec())),
            Contents::Copy(_) => None,
        })
        .collect()
}

fn page(files: &BTreeMap<String, Vec<u8>>, path: &str) -> String {
    String::from_utf8(files[path].clone()).unwrap()
}

#[test]
fn a_book_with_a_register_has_its_pages_nav_and_static_files() {
    let files = files(&book());
    for path in [
        "risks.html",
        "risks/R-001.html",
        "risks/R-006.html",
        "risks/treatment-plan.html",
        "risks/exceptions.html",
        "static/risks.js",
        "static/risks.css",
        "exports/risks.csv",
        "exports/risks.xlsx",
        "exports/treatment-plan.csv",
        "exports/exceptions.csv",
    ] {
        assert!(files.contains_key(path), "{path}");
    }
    let index = page(&files, "index.html");
    assert!(index.contains("<a href=\"risks.html\">Risks</a>"), "nav");
    let register = page(&files, "risks.html");
    assert!(register.contains("static/risks.js"));
    // Escaped title, every risk a row with its sort values and filter attributes.
    assert!(register.contains("Policies not known &lt;or&gt; followed"));
    assert_eq!(register.matches("<tr data-index=").count(), 6);
    assert!(register.contains("data-owner=\"Facilities\" data-treatment=\"transfer\""));
    assert!(register.contains("<option>IT Manager</option>"));
    // Rows work without script: the filter form is hidden until the script shows it.
    assert!(register.contains("<form id=\"risk-filters\" class=\"filters\" hidden>"));
}

#[test]
fn a_book_without_registers_has_no_risk_page_nav_or_file() {
    let files = files(&TestBook::new().doc("POL-1", "Text."));
    assert!(!files.keys().any(|p| p.contains("risk")), "no risk file");
    assert!(!page(&files, "index.html").contains(">Risks<"));
    let json = page(&files, "exports/model.json");
    assert!(json.contains("\"schema\": 2") && !json.contains("\"risks\""));
}

#[test]
fn heat_maps_count_the_risks_in_each_cell() {
    let model = book().model();
    let maps = heat_maps(&model);
    let count = |map: usize, likelihood: &str, impact: usize| {
        let row = (maps[map].rows.iter())
            .find(|r| r.likelihood == likelihood)
            .unwrap();
        row.cells[impact - 1].count
    };
    // Highest likelihood first.
    assert_eq!(maps[0].rows[0].likelihood, "almost-certain");
    // Inherent: R-001 likely x moderate, R-004 likely x major, R-002 almost-certain x major,
    // R-003 possible x moderate, R-005 possible x major, R-006 rare x minor.
    assert_eq!(count(0, "likely", 3), 1);
    assert_eq!(count(0, "likely", 4), 1);
    assert_eq!(count(0, "almost-certain", 4), 1);
    assert_eq!(count(0, "possible", 4), 1);
    assert_eq!(count(0, "rare", 2), 1);
    assert_eq!(count(0, "rare", 1), 0);
    // Residual: ... possible x major holds R-002; R-003 (no residual) stays
    // possible x moderate; R-005 moves to possible x minor.
    assert_eq!(count(1, "possible", 4), 1);
    assert_eq!(count(1, "possible", 3), 1);
    assert_eq!(count(1, "possible", 2), 1);
    assert_eq!(count(1, "unlikely", 3), 1);
    assert_eq!(count(1, "likely", 4), 1);
    let total: usize = (maps[1].rows.iter())
        .flat_map(|r| &r.cells)
        .map(|c| c.count)
        .sum();
    assert_eq!(total, 6);
    // On the page: the cell links to its list, which names its risks.
    let files = files(&book());
    let register = page(&files, "risks.html");
    assert!(register.contains(
        "<a href=\"#heat-inherent-4-4\" class=\"heat-high\" aria-label=\"likely × major: 1 risk (score 16, high)\">"
    ));
    let list = register
        .split("<li id=\"heat-residual-3-4\">")
        .nth(1)
        .unwrap();
    let list = list.split("</li>").next().unwrap();
    assert!(
        list.contains("risks/R-002.html") && !list.contains("R-005"),
        "{list}"
    );
    assert_eq!(
        register
            .matches("<svg class=\"heat\" role=\"group\"")
            .count(),
        2
    );
    assert!(register.contains("<table class=\"visually-hidden\">"));
}

#[test]
fn soa_justifications_link_their_risk_ids_and_escape_the_rest() {
    let files = files(&book());
    let soa = page(&files, "soa.html");
    assert!(
        soa.contains("Risk assessment &lt;2026&gt; (<a class=\"risk-id\" href=\"risks/R-001.html\">R-001</a>, <a class=\"risk-id\" href=\"risks/R-002.html\">R-002</a>) &amp; policy"),
        "{soa}"
    );
    assert!(
        soa.contains("Cryptography for <a class=\"risk-id\" href=\"risks/R-005.html\">R-005</a>")
    );
    let control = page(&files, "controls/A.5.1.html");
    assert!(control.contains("(<a class=\"risk-id\" href=\"../risks/R-001.html\">R-001</a>,"));
}

#[test]
fn controls_and_documents_list_their_risks_only_when_they_have_some() {
    let files = files(&book());
    let control = page(&files, "controls/A.5.15.html");
    let treated = control.split("<h2>Risks treated</h2>").nth(1).unwrap();
    for id in ["R-002", "R-003", "R-004"] {
        assert!(treated.contains(&format!("../risks/{id}.html")), "{id}");
    }
    assert!(!page(&files, "controls/A.5.2.html").contains("Risks treated"));
    // POL-001 names R-001 in its front matter, and the register names it for R-001.
    let doc = page(&files, "docs/pol-001.html");
    assert!(doc.contains("<h3>Risks addressed</h3>") && doc.contains("../risks/R-001.html"));
    let trace = page(&files, "traceability.html");
    assert!(trace.contains("Risk → control → document"));
}

#[test]
fn a_risk_page_shows_its_assessment_controls_plan_and_exceptions() {
    let files = files(&book());
    let r = page(&files, "risks/R-002.html");
    assert!(r.contains("almost-certain × major = <span class=\"level level-high\">20 high</span>"));
    assert!(r.contains("../controls/A.5.15.html"));
    assert!(r.contains("<span class=\"impl impl-partial\">partial</span>"));
    assert!(r.contains("Phishing-resistant MFA for admins"));
    assert!(r.contains("exceptions.html#EX-001"));
    assert!(r.contains("by CISO on 2026-04-01"));
    // R-006 treats nothing; A.7.4 is excluded, shown on no risk page as applicable.
    assert!(page(&files, "risks/R-006.html").contains("No Annex A control is named."));
}

#[test]
fn the_plan_lists_overdue_actions_first_then_the_done_ones() {
    let files = files(&book());
    let plan = page(&files, "risks/treatment-plan.html");
    let (todo, done) = plan.split_once("<h2>Done").unwrap();
    let at = |s: &str| todo.find(s).unwrap();
    // Annual attestation was due 2026-10-31: overdue on 2026-11-22.
    assert!(todo.contains("2026-10-31 (overdue)"));
    assert!(at("Annual attestation") < at("Automate leaver deprovisioning"));
    assert!(at("Automate leaver deprovisioning") < at("Phishing-resistant MFA"));
    assert!(done.contains("Publish the policies") && !todo.contains("Publish the policies"));
}

#[test]
fn the_exceptions_register_lists_expired_and_expiring_first() {
    let files = files(&book());
    let ex = page(&files, "risks/exceptions.html");
    // EX-002 expired on 2026-06-01; EX-001 expires on 2026-12-10, within 30 days.
    assert!(ex.find("id=\"EX-002\"").unwrap() < ex.find("id=\"EX-001\"").unwrap());
    assert!(ex.contains("2026-06-01 (expired)") && ex.contains("2026-12-10 (expiring)"));
    assert!(ex.contains("Devices are on an isolated network."));
}

#[test]
fn the_register_and_plan_provide_their_documented_information() {
    use crate::model::gaps::REQUIRED_INFORMATION;
    let missing = |model: &crate::model::Model| -> Vec<&str> {
        (model.gaps.missing_information.iter())
            .map(|&i| REQUIRED_INFORMATION[i].0)
            .collect()
    };
    let with = missing(&book().model());
    for clause in ["6.1.2", "6.1.3", "8.2", "8.3"] {
        assert!(!with.contains(&clause), "{clause}: {with:?}");
    }
    // Without a plan, only the register's two.
    let no_plan: String = RISKS
        .lines()
        .filter(|l| !l.contains("action:") && !l.trim_start().starts_with("plan:"))
        .collect::<Vec<_>>()
        .join("\n");
    let model = TestBook::new()
        .file("registers/risks.yaml", no_plan)
        .doc("POL-001", "Text.")
        .doc("POL-002", "Text.")
        .model();
    let without = missing(&model);
    assert!(!without.contains(&"6.1.2") && !without.contains(&"8.2"));
    assert!(
        without.contains(&"6.1.3") && without.contains(&"8.3"),
        "{without:?}"
    );
    // And a book without registers misses all four.
    let none = missing(&TestBook::new().doc("POL-1", "Text.").model());
    for clause in ["6.1.2", "6.1.3", "8.2", "8.3"] {
        assert!(none.contains(&clause));
    }
}

#[test]
fn the_registers_exports_have_their_headers_and_the_same_bytes_each_build() {
    let book = book();
    let (a, b) = (files(&book), files(&book));
    for path in [
        "exports/risks.csv",
        "exports/risks.xlsx",
        "exports/treatment-plan.csv",
        "exports/exceptions.csv",
        "exports/model.json",
        "risks.html",
    ] {
        assert!(a[path] == b[path], "{path} differs between builds");
    }
    let first = |path: &str| page(&a, path).lines().next().unwrap().to_string();
    assert_eq!(
        first("exports/risks.csv"),
        "risk_id,title,owner,assets,threat,vulnerability,likelihood,impact,inherent_score,\
         inherent_level,treatment,controls,documents,residual_likelihood,residual_impact,\
         residual_score,residual_level,accepted_by,accepted_on,review_by"
    );
    assert_eq!(
        first("exports/treatment-plan.csv"),
        "risk_id,action,owner,due,status,overdue"
    );
    assert_eq!(
        first("exports/exceptions.csv"),
        "exception_id,title,controls,documents,risks,reason,compensating_controls,compensating,\
         requested_by,approved_by,approved_on,expires,expired"
    );
    let risks = page(&a, "exports/risks.csv");
    assert!(risks.contains(
        "R-002,Phishing leads to account takeover,IT Manager,mailboxes,Phishing,Passwords alone,\
         almost-certain,major,20,high,mitigate,A.5.15; A.8.24,POL-002,possible,major,12,medium,\
         CISO,2026-04-01,2027-01-31"
    ));
    let plan = page(&a, "exports/treatment-plan.csv");
    assert!(plan.contains("R-001,Annual attestation,HR,2026-10-31,open,yes"));
    let json: serde_json::Value = serde_json::from_slice(&a["exports/model.json"]).unwrap();
    assert_eq!(json["schema"], 3);
    assert_eq!(json["risks"].as_array().unwrap().len(), 6);
    assert_eq!(json["risks"][1]["residual"]["score"], 12);
    assert_eq!(json["exceptions"][1]["expired"], true);
}

#[test]
fn spreadsheet_cells_of_the_register_are_neutralised() {
    let risks = RISKS.replace("title: Office break-in", "title: \"=HYPERLINK(1)\"");
    let book = book().file("registers/risks.yaml", risks);
    let csv = page(&files(&book), "exports/risks.csv");
    assert!(csv.contains("R-006,'=HYPERLINK(1),"), "{csv}");
}

#[test]
fn the_risk_chain_comes_in_parts_and_caps_the_documents_of_a_control() {
    let mut register = String::from("risks:\n");
    for k in 1..=150 {
        register.push_str(&format!(
            "  R-{k:03}:\n    title: Risk {k}\n    owner: CISO\n    likelihood: rare\n    impact: minor\n    treatment: mitigate\n    controls: [A.5.15]\n"
        ));
    }
    let mut book = TestBook::new().file("registers/risks.yaml", &register);
    for d in 1..=14 {
        book = book.doc_with(&format!("STD-{d:03}"), "controls: [\"A.5.15\"]", "Access.");
    }
    let files = files(&book);
    let trace = page(&files, "traceability.html");
    assert!(
        trace.contains("href=\"traceability/risks.html\""),
        "{trace}"
    );
    let first = page(&files, "traceability/risks.html");
    let second = page(&files, "traceability/risks-2.html");
    assert!(first.contains("R-100") && !first.contains("R-101"));
    assert!(second.contains("R-101") && second.contains("R-150"));
    assert!(!files.contains_key("traceability/risks-3.html"));
    // 14 documents implement A.5.15: the first 12 are shown, the control's page has them all.
    for shown in [&first, &page(&files, "risks/R-001.html")] {
        assert!(shown.contains("STD-012") && !shown.contains("STD-013"));
        assert!(shown.contains("and 2 more</a>"));
    }
}
