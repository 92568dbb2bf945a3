//! Frameworks besides ISO/IEC 27001:2022: qualified ids in front matter and bodies, a book's
//! own framework and crosswalk, coverage derived along the crosswalk with its path, and the
//! errors of each at file:line:col.

use crate::common::{json_report, located, tree, Book};

/// The `small` fixture with a SOC 2 subset of the book's own, a crosswalk from ISO/IEC
/// 27001:2022 to it, and `content/map.md` naming `controls` (one per line from line 6).
fn book(controls: &[&str], body: &str) -> Book {
    let book = Book::fixture("small");
    book.write(
        "frameworks/soc2.yaml",
        "# SOC 2 criteria: ids from the AICPA TSC 2017, titles our own.\n\
         name: SOC 2 Trust Services Criteria\n\
         version: \"2017\"\n\
         publisher: AICPA\n\
         licence: ids and our own short titles\n\
         requirements:\n  \
           - { id: CC6, title: Logical and physical access, kind: group }\n  \
           - { id: CC6.1, title: Logical access security, parent: CC6, kind: criterion }\n  \
           - { id: CC6.2, title: User registration, parent: CC6, kind: criterion }\n  \
           - { id: CC6.3, title: Access removal, parent: CC6, kind: criterion }\n",
    );
    book.write(
        "crosswalks/iso-to-soc2.csv",
        "# Our mapping, 2026; licence: ours.\n\
         from,to,relationship,source\n\
         iso27001-2022:A.5.1,soc2:CC6.1,superset,our mapping\n\
         iso27001-2022:A.8.24,soc2:CC6.2,intersect,our mapping\n\
         soc2:CC6.1,nist-csf-2.0:GV.PO-01,equal,our mapping\n",
    );
    let list: String = controls.iter().map(|c| format!("  - {c}\n")).collect();
    book.write(
        "content/map.md",
        &format!(
            "---\nid: MAP-1\ntitle: Mapping\nstatus: approved\ncontrols:\n{list}---\n{body}\n"
        ),
    );
    book
}

fn diagnostics(book: &Book) -> Vec<(String, String, u64, u64)> {
    located(&json_report(&book.run(&["check", "--format", "json"])))
}

fn hints(book: &Book, code: &str) -> Vec<String> {
    let report = json_report(&book.run(&["check", "--format", "json"]));
    (report["diagnostics"].as_array().unwrap().iter())
        .filter(|d| d["code"] == code)
        .map(|d| format!("{} | {}", d["message"], d["hint"]))
        .collect()
}

fn at(code: &str, file: &str, line: u64, column: u64) -> (String, String, u64, u64) {
    (code.into(), file.into(), line, column)
}

#[test]
fn qualified_ids_resolve_and_their_mistakes_are_located() {
    let book = book(
        &[
            "nist-csf-2.0:PR.AA-01",
            "iso42001-2023:A.6.2.4",
            "soc2:CC6.3",
            "iso27001-2022:A.5.15",
            "nist-csf-2.0:PR.AA-1",
            "nist-csf:PR.AA-01",
        ],
        "See [[nist-csf-2.0:PR.AA-05]], [[soc2:CC6.9]] and [[iso42001-2023:5.2]].",
    );
    let found = diagnostics(&book);
    let errors: Vec<_> = (found.iter())
        .filter(|d| d.0.starts_with("unknown-"))
        .cloned()
        .collect();
    assert_eq!(
        errors,
        [
            at("unknown-requirement", "content/map.md", 10, 5),
            at("unknown-framework", "content/map.md", 11, 5),
            at("unknown-requirement", "content/map.md", 13, 32),
        ],
        "{found:?}"
    );
    let said = hints(&book, "unknown-requirement");
    assert!(
        said[0].contains("did you mean `nist-csf-2.0:PR.AA-01`?"),
        "{said:?}"
    );
    assert!(
        said[1].contains("`CC6.9` is not a requirement of SOC 2"),
        "{said:?}"
    );
    assert!(
        hints(&book, "unknown-framework")[0].contains("did you mean `nist-csf-2.0`?"),
        "{found:?}"
    );
}

#[test]
fn coverage_is_direct_or_derived_with_its_path_and_an_intersect_counts_for_nothing() {
    let book = book(&["nist-csf-2.0:PR.AA-01", "soc2:CC6.3"], "Text.");
    book.write(
        "book.toml",
        "[book]\ntitle = \"Small\"\n\n[frameworks]\nuse = [\"soc2\"]\n",
    );
    let built = book.run(&["build"]);
    assert_eq!(built.code, 0, "{}", built.stderr);
    let csv = book.read("book/exports/coverage-soc2.csv");
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(
        rows,
        [
            "requirement_id,requirement_title,kind,parent,state,direct_documents,derived_documents,crosswalk,excluded_because",
            "CC6,Logical and physical access,group,,uncovered,,,,",
            // POL-001 lists A.5.1, which contains CC6.1.
            "CC6.1,Logical access security,criterion,CC6,derived,,\"POL-001 -> iso27001-2022:A.5.1 -> soc2:CC6.1 (superset, our mapping)\",\"iso27001-2022:A.5.1 (superset, our mapping); nist-csf-2.0:GV.PO-01 (equal, our mapping)\",",
            // A.8.24 only overlaps CC6.2: related, not covered.
            "CC6.2,User registration,criterion,CC6,uncovered,,,\"iso27001-2022:A.8.24 (intersect, our mapping)\",",
            "CC6.3,Access removal,criterion,CC6,covered,MAP-1,,,",
        ]
    );
    // Two steps: A.5.1 -> CC6.1 -> GV.PO-01.
    let csf = book.read("book/exports/coverage-nist-csf-2.0.csv");
    let gv = csf.lines().find(|l| l.starts_with("GV.PO-01,")).unwrap();
    assert!(
        gv.contains("POL-001 -> iso27001-2022:A.5.1 -> soc2:CC6.1 (superset, our mapping) -> nist-csf-2.0:GV.PO-01 (equal, our mapping)"),
        "{gv}"
    );
    let model: serde_json::Value =
        serde_json::from_str(&book.read("book/exports/model.json")).unwrap();
    let map = (model["documents"].as_array().unwrap().iter())
        .find(|d| d["id"] == "MAP-1")
        .unwrap();
    assert_eq!(
        map["requirements"],
        serde_json::json!(["nist-csf-2.0:PR.AA-01", "soc2:CC6.3"])
    );
    let soc2 = (model["frameworks"].as_array().unwrap().iter())
        .find(|f| f["id"] == "soc2")
        .unwrap();
    assert_eq!(soc2["declared"], true);
    assert_eq!(
        soc2["requirements"][1]["derived"],
        serde_json::json!([{"document": "POL-001", "path": ["iso27001-2022:A.5.1", "soc2:CC6.1"]}])
    );
    let traceability = book.read("book/exports/traceability.csv");
    assert!(
        traceability.contains("MAP-1,Mapping,approved,CC6.3,Access removal,,soc2"),
        "{traceability}"
    );

    // In `use`, CC6.2 is a gap until it is excluded with a reason.
    let said = hints(&book, "uncovered-requirements");
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(
        said[0].contains("1 of the 3 requirements of SOC 2 Trust Services Criteria are covered by no approved document: CC6.2"),
        "{said:?}"
    );
    book.write(
        "book.toml",
        "[book]\ntitle = \"Small\"\n\n[frameworks]\nuse = [\"soc2\"]\n\n\
         [frameworks.excluded]\n\"soc2:CC6.2\" = \"no user accounts of our own\"\n",
    );
    assert!(hints(&book, "uncovered-requirements").is_empty());
    book.run(&["build"]);
    let csv = book.read("book/exports/coverage-soc2.csv");
    assert!(
        csv.contains("CC6.2,User registration,criterion,CC6,excluded,,,\"iso27001-2022:A.8.24 (intersect, our mapping)\",no user accounts of our own"),
        "{csv}"
    );
}

#[test]
fn a_draft_covers_nothing_and_a_framework_only_mapped_gets_no_warning() {
    let book = book(&["nist-csf-2.0:PR.AA-01"], "Text.");
    book.write(
        "content/map.md",
        "---\nid: MAP-1\ntitle: Mapping\nstatus: draft\ncontrols: [\"soc2:CC6.3\"]\n---\nText.\n",
    );
    book.run(&["build"]);
    let csv = book.read("book/exports/coverage-soc2.csv");
    assert!(
        csv.contains("CC6.3,Access removal,criterion,CC6,uncovered,MAP-1,,,"),
        "{csv}"
    );
    // soc2 is not in `use`: mapped, not answered to.
    assert!(hints(&book, "uncovered-requirements").is_empty());
}

#[test]
fn framework_files_crosswalks_and_settings_are_checked_at_their_place() {
    let book = book(&["soc2:CC6.1"], "Text.");
    book.write(
        "crosswalks/bad.csv",
        "from,to,relationship,source\niso27001-2022:A.5.1,soc2:CC6.1,same,x\n",
    );
    book.write(
        "crosswalks/unknown.csv",
        "# ours\nfrom,to,relationship\niso27001-2022:A.5.99,soc3:CC6.1,equal\n",
    );
    book.write("frameworks/nist-csf-2.0.yaml", "name: mine\n");
    book.write(
        "frameworks/broken.yaml",
        "name: B\nversion: \"1\"\npublisher: P\nlicence: L\nrequirements:\n  - { id: X, parent: Y }\n",
    );
    book.write(
        "book.toml",
        "[book]\ntitle = \"Small\"\n\n[frameworks]\nuse = [\"soc2\", \"nist-csf-20\"]\n\n\
         [frameworks.excluded]\n\"soc2:CC7\" = \"no such group\"\n\"iso27001-2022:A.5.1\" = \"SoA's job\"\n",
    );
    let found = diagnostics(&book);
    let framework_ones: Vec<_> = (found.iter())
        .filter(|d| !d.1.starts_with("content/"))
        .cloned()
        .collect();
    assert_eq!(
        framework_ones,
        [
            at("unknown-framework", "book.toml", 5, 16),
            at("unknown-requirement", "book.toml", 8, 1),
            at("invalid-framework", "book.toml", 9, 1),
            at("invalid-crosswalk", "crosswalks/bad.csv", 2, 32),
            at("unknown-requirement", "crosswalks/unknown.csv", 3, 1),
            at("unknown-framework", "crosswalks/unknown.csv", 3, 22),
            at("invalid-framework", "frameworks/broken.yaml", 6, 22),
            at("invalid-framework", "frameworks/nist-csf-2.0.yaml", 1, 1),
        ],
        "{found:?}"
    );
    assert_eq!(book.run(&["build"]).code, 1);
}

#[test]
fn a_crosswalk_pair_with_two_relationships_and_a_row_mapping_a_requirement_to_itself_are_warned() {
    let book = book(&["soc2:CC6.1"], "Text.");
    book.write(
        "crosswalks/ours.csv",
        "from,to,relationship,source
\
         iso27001-2022:A.5.15,soc2:CC6.1,equal,ours
\
         iso27001-2022:A.5.16,soc2:CC6.1,subset,ours
",
    );
    book.write(
        "crosswalks/theirs.csv",
        "from,to,relationship,source
\
         iso27001-2022:A.5.15,soc2:CC6.1,intersect,theirs
\
         iso27001-2022:A.5.16,soc2:CC6.1,subset,theirs
\
         soc2:CC6.1,soc2:CC6.1,equal,theirs
",
    );
    let crosswalk_ones: Vec<_> = (diagnostics(&book).into_iter())
        .filter(|d| d.1.starts_with("crosswalks/"))
        .collect();
    assert_eq!(
        crosswalk_ones,
        [
            at("invalid-crosswalk", "crosswalks/theirs.csv", 2, 1),
            at("invalid-crosswalk", "crosswalks/theirs.csv", 4, 1),
        ]
    );
    // Warnings: the book still builds.
    assert_eq!(book.run(&["build"]).code, 0);
}

#[test]
fn a_framework_in_csv_gives_the_same_site_as_in_yaml() {
    let book = book(&["soc2:CC6.3"], "See [[soc2:CC6.2]].");
    assert_eq!(book.run(&["build", "-d", "yaml"]).code, 0);
    std::fs::remove_file(book.root.join("frameworks/soc2.yaml")).unwrap();
    book.write(
        "frameworks/soc2.csv",
        "# name: SOC 2 Trust Services Criteria\n\
         # version: 2017\n\
         # publisher: AICPA\n\
         # licence: ids and our own short titles\n\
         # Ids from the AICPA TSC 2017, titles our own.\n\
         id,title,parent,kind\n\
         CC6,Logical and physical access,,group\n\
         CC6.1,Logical access security,CC6,criterion\n\
         CC6.2,User registration,CC6,criterion\n\
         CC6.3,Access removal,CC6,criterion\n",
    );
    assert_eq!(book.run(&["build", "-d", "csv"]).code, 0);
    let (yaml, csv) = (tree(&book.root.join("yaml")), tree(&book.root.join("csv")));
    assert!(
        yaml.keys().any(|k| k.contains("coverage-soc2.csv")),
        "{:?}",
        yaml.keys()
    );
    assert_eq!(yaml, csv);
    // A mistake in the CSV is located at its cell.
    book.write(
        "frameworks/soc2.csv",
        "# licence: ours\nid,title,parent\nCC6,Access,\nCC6.1,Logical,CC7\n",
    );
    let found = diagnostics(&book);
    assert!(
        found.contains(&at("invalid-framework", "frameworks/soc2.csv", 4, 15)),
        "{found:?}"
    );
}
