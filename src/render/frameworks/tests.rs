use crate::progress::Progress;
use crate::site::Contents;
use crate::testing::TestBook;

/// A SOC 2-like framework of the book's own: two groups of two criteria.
pub(crate) const SOC2: &str = "name: SOC 2 Trust Services Criteria\nversion: \"2017\"\n\
publisher: AICPA\nlicence: ids and short titles only\nrequirements:\n\
  - { id: CC6, title: Logical and Physical Access, kind: category }\n\
  - { id: CC6.1, title: Logical access security, parent: CC6, kind: criterion }\n\
  - { id: CC6.2, title: User registration, parent: CC6, kind: criterion }\n\
  - { id: CC7, title: System Operations, kind: category }\n\
  - { id: CC7.1, title: Vulnerability detection, parent: CC7, kind: criterion }\n\
  - { id: CC7.2, title: Monitoring of components, parent: CC7, kind: criterion }\n";

/// A.5.15 contains CC6.1 (coverage flows); A.8.8 only overlaps CC7.1 (it does not).
pub(crate) const CROSSWALK: &str = "# For the tests: made up.\nfrom,to,relationship,source\n\
iso27001-2022:A.5.15,soc2:CC6.1,superset,Test mapping\n\
iso27001-2022:A.8.8,soc2:CC7.1,intersect,Test mapping\n";

/// A book that answers to SOC 2: POL-1 covers CC6.1 through A.5.15, POL-2 names CC6.2 and a
/// NIST CSF subcategory, POL-3 links CC7.1 in its body; CC7.2 is excluded.
pub(crate) fn book() -> TestBook {
    TestBook::new()
        .toml(
            "[frameworks]\nuse = [\"soc2\"]\n[frameworks.excluded]\n\
             \"soc2:CC7.2\" = \"No monitoring in scope <yet>\"\n",
        )
        .file("frameworks/soc2.yaml", SOC2)
        .file("crosswalks/iso-soc2.csv", CROSSWALK)
        .doc_with("POL-1", "controls: [\"A.5.15\", \"A.8.8\"]", "Access.")
        .doc_with(
            "POL-2",
            "controls: [\"soc2:CC6.2\", \"nist-csf-2.0:PR.AA-01\"]",
            "Users.",
        )
        .doc_with("POL-3", "status: draft", "See [[soc2:CC7.1]].")
}

/// Every page of `book` by path.
pub(crate) fn site(book: &TestBook) -> std::collections::BTreeMap<String, String> {
    let files = crate::pipeline::site_files(&book.checked(), &Progress::none())
        .unwrap()
        .done()
        .unwrap();
    files
        .into_iter()
        .filter_map(|f| match f.contents {
            Contents::Bytes(b) if f.path.ends_with(".html") => {
                Some((f.path, String::from_utf8(b.to_vec()).unwrap()))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn a_used_framework_has_its_overview_requirement_pages_and_matrix() {
    let site = site(&book());
    for path in [
        "frameworks.html",
        "frameworks/soc2/index.html",
        "frameworks/soc2/matrix.html",
        "frameworks/soc2/CC6.html",
        "frameworks/soc2/CC6.1.html",
        "frameworks/soc2/CC7.2.html",
        "frameworks/nist-csf-2.0/index.html",
        "frameworks/nist-csf-2.0/PR.AA-01.html",
    ] {
        assert!(site.contains_key(path), "{path}");
    }
    // ISO/IEC 27001:2022 has its clause and control pages, and the 2013 edition is not used.
    assert!(!site.keys().any(|p| p.starts_with("frameworks/iso27001-20")));
    let overview = &site["frameworks/soc2/index.html"];
    assert!(
        overview.contains("SOC 2 Trust Services Criteria"),
        "{overview}"
    );
    assert!(overview.contains("AICPA") && overview.contains("ids and short titles only"));
    assert!(overview.contains("this book&#x27;s own file") || overview.contains("own file"));
    // 4 leaves: CC6.1 derived, CC6.2 covered, CC7.1 uncovered, CC7.2 excluded.
    assert!(
        overview.contains("1 covered directly · 1 derived · 1 excluded · 1 uncovered"),
        "{overview}"
    );
    assert!(overview.contains("href=\"../../frameworks/soc2/CC6.1.html\""));
    assert!(overview.contains("state-derived") && overview.contains("state-covered"));
    let nav = "<a href=\"../../frameworks.html\" aria-current=\"page\">Frameworks</a>";
    assert!(
        overview.contains(nav),
        "the navigation links the frameworks"
    );
}

#[test]
fn a_derived_requirement_shows_its_path_with_links_to_each_step() {
    let site = site(&book());
    let page = &site["frameworks/soc2/CC6.1.html"];
    assert!(page.contains("state-derived"), "{page}");
    let text = "POL-1 → iso27001-2022 A.5.15 → soc2 CC6.1 (superset, Test mapping)";
    assert!(page.contains(&format!("title=\"{text}\"")), "{page}");
    // The ISO step links to the control's own page.
    assert!(
        page.contains("href=\"../../controls/A.5.15.html\""),
        "{page}"
    );
    assert!(page.contains("href=\"../../docs/pol-1.html\""), "{page}");
    // Breadcrumb: framework, then CC6.
    assert!(
        page.contains("href=\"../../frameworks/soc2/CC6.html\""),
        "{page}"
    );
}

#[test]
fn an_overlapping_row_is_related_not_counted_and_an_exclusion_gives_its_reason() {
    let site = site(&book());
    let page = &site["frameworks/soc2/CC7.1.html"];
    assert!(page.contains("related only, not counted"), "{page}");
    assert!(page.contains("state-uncovered"), "{page}");
    // Its body link is listed, and POL-1's A.8.8 is no derivation.
    assert!(page.contains("Also mentioned in") && page.contains("POL-3"));
    assert!(page.contains("No approved document covers it through a crosswalk."));
    let excluded = &site["frameworks/soc2/CC7.2.html"];
    assert!(
        excluded.contains("No monitoring in scope &lt;yet&gt;"),
        "escaped"
    );
    assert!(excluded.contains("state-excluded"));
    let gaps = &site["gaps.html"];
    assert!(gaps.contains("requirements nothing covers (1)"), "{gaps}");
    assert!(gaps.contains("CC7.1</span> Vulnerability detection"));
    assert!(
        gaps.contains("CC7.2</span> Monitoring of components</a></td><td>No monitoring in scope")
    );
    // NIST CSF is named by a document, not answered to: no gaps of its own.
    assert!(!gaps.contains("Cybersecurity Framework"));
}

#[test]
fn the_matrix_marks_direct_and_derived_cells() {
    let site = site(&book());
    let matrix = &site["frameworks/soc2/matrix.html"];
    assert!(matrix.contains("<caption>"), "{matrix}");
    let derived = "title=\"POL-1 → iso27001-2022 A.5.15 → soc2 CC6.1 (superset, Test mapping)\">◐";
    assert!(matrix.contains(derived), "{matrix}");
    assert!(matrix.contains("title=\"POL-2 names CC6.2\">●"), "{matrix}");
    // POL-3 only links CC7.1: no row.
    assert!(!matrix.contains(">POL-3<"));
}

#[test]
fn documents_overview_and_list_show_the_frameworks() {
    let site = site(&book());
    let doc = &site["docs/pol-2.html"];
    assert!(
        doc.contains("<h3>SOC 2 Trust Services Criteria</h3>"),
        "{doc}"
    );
    assert!(
        doc.contains("href=\"../frameworks/soc2/CC6.2.html\""),
        "{doc}"
    );
    assert!(doc.contains("href=\"../frameworks/nist-csf-2.0/PR.AA-01.html\""));
    assert!(!site["docs/pol-1.html"].contains("frameworks/"));
    let index = &site["index.html"];
    assert!(
        index.contains("href=\"frameworks/soc2/index.html\""),
        "{index}"
    );
    assert!(index.contains("href=\"frameworks/nist-csf-2.0/index.html\""));
    let list = &site["frameworks.html"];
    assert!(list.contains("SOC 2 Trust Services Criteria") && list.contains("NIST"));
}

#[test]
fn a_book_without_frameworks_has_no_framework_page_or_link() {
    let site = site(&TestBook::new().doc("A", "Text."));
    assert!(!site.keys().any(|p| p.starts_with("frameworks")));
    assert!(site.values().all(|html| !html.contains("frameworks")));
}

#[test]
fn a_redirect_never_takes_the_place_of_a_framework_page() {
    let alias = "aliases: [\"/frameworks.html\", \"/frameworks/soc2/CC6.1.html\"]";
    let with = site(&book().doc_with("OLD", alias, "Moved."));
    assert!(with["frameworks.html"].contains("<h1>Frameworks</h1>"));
    assert!(with["frameworks/soc2/CC6.1.html"].contains("Logical access security"));
    // Without frameworks the paths stay policybook's: a framework added later would take them.
    let without = site(&TestBook::new().doc_with("OLD", alias, "Moved."));
    assert!(!without.contains_key("frameworks.html"));
}
