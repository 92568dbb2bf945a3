//! Tests of the OLIR and OSCAL readers and of the written crosswalk.

use super::*;
use crate::catalog::crosswalk::Row;

const OLIR: &str = include_str!("../../../tests/fixtures/crosswalk/olir-small.csv");
const MAPPING: &str = include_str!("../../../tests/fixtures/crosswalk/mapping-small.json");

fn builtin(id: &str) -> Framework {
    Framework::builtin(id).unwrap_or_else(|| panic!("{id} is built in"))
}

fn run(text: &str, licence: Option<&str>) -> Result<Imported, ImportError> {
    let (csf, iso) = (builtin("nist-csf-2.0"), builtin("iso27001-2022"));
    import(
        text,
        &Options {
            file_name: "file.csv",
            from: &csf,
            to: &iso,
            source: None,
            licence,
        },
    )
}

/// The rows of a written crosswalk as `(from, to, relationship)`.
fn rows(csv: &str) -> Vec<(String, String, &'static str)> {
    let walk = Crosswalk::parse(csv).unwrap_or_else(|e| panic!("{e}\n{csv}"));
    (walk.rows.into_iter())
        .map(
            |Row {
                 from,
                 to,
                 relationship,
                 ..
             }| (from, to, relationship.as_str()),
        )
        .collect()
}

fn owned(rows: &[(&str, &str, &'static str)]) -> Vec<(String, String, &'static str)> {
    (rows.iter())
        .map(|(f, t, r)| (f.to_string(), t.to_string(), *r))
        .collect()
}

#[test]
fn olir_relationships_are_turned_from_reference_to_focal_into_from_to() {
    // IR 8278A: `subset of` says the reference element is part of the focal one.
    assert_eq!(olir::said("subset of"), Said::Is(Relationship::Superset));
    assert_eq!(olir::said("Superset  Of"), Said::Is(Relationship::Subset));
    assert_eq!(olir::said("equal"), Said::Is(Relationship::Equal));
    assert_eq!(olir::said("equal to"), Said::Is(Relationship::Equal));
    assert_eq!(
        olir::said("intersects-with"),
        Said::Is(Relationship::Intersect)
    );
    assert_eq!(olir::said("related to"), Said::Is(Relationship::Related));
    assert_eq!(olir::said(""), Said::Is(Relationship::Related));
    assert_eq!(olir::said("not related to"), Said::NotRelated);
    assert_eq!(olir::said("no relationship"), Said::NotRelated);
    assert_eq!(olir::said("supports"), Said::Unknown("supports".into()));
}

#[test]
fn the_small_olir_csv_reads_past_its_title_row_and_multi_line_headers() {
    let read = olir::read(OLIR, "olir-small.csv").unwrap();
    assert_eq!(
        read.title.as_deref(),
        Some("Cybersecurity Framework v2.0 to ISO/IEC 27001:2022 (small example for policybook's tests)")
    );
    // 11 rows after the header: the blank DE.CM-01 row pairs nothing.
    assert_eq!(read.entries.len(), 10);
    assert_eq!(read.unpaired, 1);
    assert_eq!(
        read.entries[0].from,
        "PR.AA-01: Identities and credentials for authorized users, services, and hardware are managed by the organization"
    );
    assert_eq!(read.entries[3].said, Said::Is(Relationship::Intersect));
    assert!(read.direction.is_some());
}

#[test]
fn the_small_olir_csv_becomes_these_rows() {
    let imported = run(OLIR, Some("ours")).unwrap();
    assert_eq!(
        rows(&imported.csv),
        owned(&[
            ("nist-csf-2.0:PR.AA-01", "iso27001-2022:A.5.16", "superset"),
            ("nist-csf-2.0:PR.AA-01", "iso27001-2022:A.5.17", "subset"),
            ("nist-csf-2.0:GV.PO-01", "iso27001-2022:A.5.1", "equal"),
            ("nist-csf-2.0:PR.AA-05", "iso27001-2022:A.5.15", "intersect"),
            ("nist-csf-2.0:GV.OC-03", "iso27001-2022:5.2", "related"),
        ])
    );
    assert_eq!(
        imported.unknown,
        ["nist-csf-2.0:XX.YY-99", "iso27001-2022:A.9.9.9"]
    );
    assert_eq!(imported.skipped.len(), 5, "{:?}", imported.skipped);
    assert!(
        imported.csv.contains("\n# Licence: ours\n"),
        "{}",
        imported.csv
    );
}

#[test]
fn a_concept_crosswalk_without_a_relationship_column_is_related() {
    let text =
        "Focal Document Element,Reference Document Element\nGV.PO-01,A.5.1\nGV.PO-01,A.5.1\n";
    let imported = run(text, Some("L")).unwrap();
    assert_eq!(
        rows(&imported.csv),
        owned(&[("nist-csf-2.0:GV.PO-01", "iso27001-2022:A.5.1", "related")])
    );
    assert!(
        imported.csv.contains("concept crosswalk"),
        "{}",
        imported.csv
    );
    assert!(!imported.csv.contains("is written superset"));
}

#[test]
fn what_is_not_an_olir_csv_is_refused() {
    let err = run("id,title\nA,B\n", Some("L")).unwrap_err();
    assert!(err.message.contains("is not an OLIR CSV"), "{err}");
    let err = run("", Some("L")).unwrap_err();
    assert!(err.message.contains("is not an OLIR CSV"), "{err}");
}

#[test]
fn the_small_mapping_collection_becomes_one_row_per_source_and_target() {
    let read = oscal::read(MAPPING, "mapping-small.json").unwrap();
    assert_eq!(
        read.licence.as_deref(),
        Some("CC0 1.0 (https://creativecommons.org/publicdomain/zero/1.0/)")
    );
    // 2 + 1 + 2 + 1 + 1 + 1 pairs.
    assert_eq!(read.entries.len(), 8);
    let imported = run(MAPPING, None).unwrap();
    assert_eq!(
        rows(&imported.csv),
        owned(&[
            ("nist-csf-2.0:PR.AA-01", "iso27001-2022:A.5.16", "superset"),
            ("nist-csf-2.0:PR.AA-01", "iso27001-2022:A.5.17", "superset"),
            ("nist-csf-2.0:GV.PO-01", "iso27001-2022:A.5.1", "equal"),
            ("nist-csf-2.0:PR.AA-05", "iso27001-2022:A.5.15", "subset"),
            ("nist-csf-2.0:DE.CM-01", "iso27001-2022:A.8.16", "intersect"),
        ])
    );
    assert_eq!(imported.unknown, ["nist-csf-2.0:pr.aa-05_smt"]);
    assert!(imported
        .csv
        .contains("\n# Mapping collection uuid: 5f0c2a9e-8d1b-4c3e-9a7f-2b6d4e8c1a05\n"));
}

#[test]
fn oscal_relationships_read_as_tokens_or_objects() {
    assert_eq!(oscal::said("equivalent-to"), Said::Is(Relationship::Equal));
    assert_eq!(oscal::said("subset-of"), Said::Is(Relationship::Subset));
    assert_eq!(oscal::said("superset-of"), Said::Is(Relationship::Superset));
    assert_eq!(oscal::said("no-relationship"), Said::NotRelated);
    let other_ns = MAPPING.replace(
        "{ \"type\": \"equivalent-to\" }",
        "{ \"type\": \"equivalent-to\", \"ns\": \"https://example.org/ns\" }",
    );
    let read = oscal::read(&other_ns, "m.json").unwrap();
    assert_eq!(
        read.entries[2].said,
        Said::Unknown("equivalent-to (https://example.org/ns)".into())
    );
}

#[test]
fn what_is_not_a_mapping_collection_is_refused_by_name() {
    let err = run(r#"{"catalog": {"uuid": "x"}}"#, Some("L")).unwrap_err();
    assert!(err.message.contains("is a catalog in OSCAL"), "{err}");
    assert!(err.hint.unwrap().contains("framework import"));
    let err = run("{ \"mapping-collection\": ", Some("L")).unwrap_err();
    assert!(err.message.contains("is not JSON"), "{err}");
    let err = run(r#"{"other": 1}"#, Some("L")).unwrap_err();
    assert!(
        err.message.contains("no top-level `mapping-collection`"),
        "{err}"
    );
    // Odd shapes are no panic: wrong types are simply nothing to map.
    let odd = r#"{"mapping-collection": {"mappings": [{"maps": [{"relationship": 3, "sources": "x", "targets": [1]}]}, 7]}}"#;
    let err = run(odd, Some("L")).unwrap_err();
    assert!(
        err.message
            .starts_with("nothing in file.csv could be written"),
        "{err}"
    );
}

#[test]
fn the_licence_is_never_guessed() {
    let err = run(OLIR, None).unwrap_err();
    assert!(
        err.message.contains("does not say under what licence"),
        "{err}"
    );
    let unlicensed = MAPPING.replace("\"rel\": \"license\"", "\"rel\": \"related\"");
    assert!(run(&unlicensed, None).is_err());
    let imported = run(&unlicensed, Some("Public domain")).unwrap();
    assert!(imported.csv.contains("\n# Licence: Public domain\n"));
}

#[test]
fn nothing_matched_is_refused_with_a_hint_about_from_and_to() {
    let (csf, iso) = (builtin("nist-csf-2.0"), builtin("iso27001-2022"));
    let swapped = Options {
        file_name: "olir-small.csv",
        from: &iso,
        to: &csf,
        source: None,
        licence: Some("L"),
    };
    let err = import(OLIR, &swapped).unwrap_err();
    assert!(
        err.message
            .starts_with("nothing in olir-small.csv could be written"),
        "{err}"
    );
    assert!(err
        .hint
        .unwrap()
        .contains("`--from` names the framework of the focal elements"));
}

#[test]
fn ids_match_exactly_or_but_for_case_never_more() {
    let csf = builtin("nist-csf-2.0");
    let lookup = Lookup::new(&csf);
    assert_eq!(lookup.find("PR.AA-01"), Some("PR.AA-01"));
    assert_eq!(lookup.find(" pr.aa-01 "), Some("PR.AA-01"));
    assert_eq!(
        lookup.find("PR.AA-01: Identities and ..."),
        Some("PR.AA-01")
    );
    assert_eq!(lookup.find("PR.AA-01 Identities"), Some("PR.AA-01"));
    assert_eq!(lookup.find("PR.AA-1"), None);
    assert_eq!(lookup.find("PR.AA"), Some("PR.AA"));
    assert_eq!(lookup.find(""), None);
}

#[test]
fn the_written_file_is_the_same_every_time_and_its_source_is_quoted() {
    let (csf, iso) = (builtin("nist-csf-2.0"), builtin("iso27001-2022"));
    let options = Options {
        file_name: "f.csv",
        from: &csf,
        to: &iso,
        source: Some("Ours, \"2026\""),
        licence: Some("L\nwith a line break"),
    };
    let a = import(OLIR, &options).unwrap().csv;
    assert_eq!(a, import(OLIR, &options).unwrap().csv);
    assert!(a.contains(",\"Ours, \"\"2026\"\"\"\n"), "{a}");
    assert!(a.contains("\n# Licence: L with a line break\n"), "{a}");
    let walk = Crosswalk::parse(&a).unwrap();
    assert_eq!(walk.rows[0].source.as_deref(), Some("Ours, \"2026\""));
}

#[test]
fn names_are_checked() {
    assert!(check_name("nist-csf-2.0-to-iso27001-2022").is_ok());
    assert!(check_name("../x").is_err());
    assert!(check_name("Mine").is_err());
    assert!(check_name("").is_err());
    assert_eq!(default_name("a", "b"), "a-to-b");
}
