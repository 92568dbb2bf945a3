use super::*;
use crate::catalog::Catalog;
use std::collections::HashSet;

fn builtin(id: &str) -> Framework {
    Framework::builtin(id).unwrap_or_else(|| panic!("{id} is built in"))
}
/// Ids unique, each parent listed before its child, and `order` its index.
fn assert_tree(f: &Framework) {
    let ids: HashSet<&str> = f.requirements.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids.len(), f.requirements.len(), "{}: ids are unique", f.id);
    for (i, r) in f.requirements.iter().enumerate() {
        assert_eq!(r.order, i);
        assert_eq!(f.requirement(&r.id), Some(i));
        if let Some(p) = r.parent {
            assert!(p < i, "{}: {} comes after its parent", f.id, r.id);
        }
    }
}
/// `id` exists, with this title, under `parent`.
fn assert_node(f: &Framework, id: &str, title: &str, parent: Option<&str>) {
    let r = &f.requirements[f.requirement(id).unwrap_or_else(|| panic!("{id} exists"))];
    assert_eq!(r.title.as_deref(), Some(title), "{id}");
    assert_eq!(
        r.parent.map(|p| f.requirements[p].id.as_str()),
        parent,
        "{id}"
    );
}
#[test]
fn every_builtin_framework_parses_into_a_tree() {
    let ids: Vec<&str> = builtin_ids().collect();
    assert_eq!(
        ids,
        [
            "iso27001-2022",
            "nist-csf-2.0",
            "iso27001-2013",
            "iso42001-2023"
        ]
    );
    for id in ids {
        let f = builtin(id);
        assert_eq!(f.id, id);
        assert!(!f.name.is_empty() && !f.licence.is_empty(), "{id}");
        assert_tree(&f);
        assert!(f.requirements.iter().all(|r| r.title.is_some()), "{id}");
    }
    assert!(Framework::builtin("soc2").is_none());
}
#[test]
fn iso27001_2022_has_41_clauses_4_themes_93_controls() {
    let f = builtin("iso27001-2022");
    assert_eq!(f.count("clause"), 41);
    assert_eq!(f.count("theme"), 4);
    assert_eq!(f.count("control"), 93);
    assert_eq!(f.requirements.len(), 138);
    assert_node(&f, "A.5", "Organizational controls", None);
    assert_node(&f, "A.8.24", "Use of cryptography", Some("A.8"));
    assert_node(
        &f,
        "6.1.2",
        "Information security risk assessment",
        Some("6.1"),
    );
}
#[test]
fn nist_csf_2_has_6_functions_22_categories_106_subcategories() {
    let f = builtin("nist-csf-2.0");
    assert_eq!(f.count("function"), 6);
    assert_eq!(f.count("category"), 22);
    assert_eq!(f.count("subcategory"), 106);
    assert_eq!(f.requirements.len(), 134);
    let functions: Vec<&str> = (f.requirements.iter())
        .filter(|r| r.kind == "function")
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(functions, ["GV", "ID", "PR", "DE", "RS", "RC"]);
    for r in &f.requirements {
        let parent = r.parent.map(|p| &f.requirements[p]);
        match r.kind.as_str() {
            "function" => assert!(parent.is_none()),
            "category" => assert_eq!(parent.unwrap().kind, "function", "{}", r.id),
            "subcategory" => {
                let parent = parent.unwrap();
                assert_eq!(parent.kind, "category", "{}", r.id);
                assert!(r.id.starts_with(&format!("{}-", parent.id)), "{}", r.id);
            }
            other => panic!("unexpected kind {other}"),
        }
    }
    assert_node(&f, "PR", "Protect", None);
    assert_node(&f, "GV.OC", "Organizational Context", Some("GV"));
    assert_node(
        &f,
        "PR.AA",
        "Identity Management, Authentication, and Access Control",
        Some("PR"),
    );
    assert_node(
        &f,
        "PR.AA-01",
        "Identities and credentials for authorized users, services, and hardware are \
         managed by the organization",
        Some("PR.AA"),
    );
    assert_node(&f, "RS.MI-02", "Incidents are eradicated", Some("RS.MI"));
    // Withdrawn in 2.0: not listed.
    for gone in ["ID.AM-06", "ID.BE", "PR.AC-01", "DE.AE-01", "PR.PT"] {
        assert!(f.requirement(gone).is_none(), "{gone}");
    }
}
#[test]
fn iso27001_2013_has_14_clauses_35_objectives_114_controls() {
    let f = builtin("iso27001-2013");
    assert_eq!(f.count("clause"), 14);
    assert_eq!(f.count("objective"), 35);
    assert_eq!(f.count("control"), 114);
    assert_eq!(f.requirements.len(), 163);
    // The tree follows the numbering: A.9.2.1 under A.9.2 under A.9.
    for r in &f.requirements {
        let expected = r.id.rsplit_once('.').map(|(p, _)| p).filter(|p| *p != "A");
        let parent = r.parent.map(|p| f.requirements[p].id.as_str());
        assert_eq!(parent, expected, "{}", r.id);
    }
    let per_clause: Vec<usize> = (5..=18)
        .map(|c| {
            let prefix = format!("A.{c}.");
            (f.requirements.iter())
                .filter(|r| r.kind == "control" && r.id.starts_with(&prefix))
                .count()
        })
        .collect();
    assert_eq!(per_clause, [2, 7, 6, 10, 14, 2, 15, 14, 7, 13, 5, 7, 4, 8]);
    assert_node(&f, "A.9", "Access control", None);
    assert_node(&f, "A.9.2", "User access management", Some("A.9"));
    assert_node(
        &f,
        "A.9.2.1",
        "User registration and de-registration",
        Some("A.9.2"),
    );
    assert_node(
        &f,
        "A.12.6.1",
        "Management of technical vulnerabilities",
        Some("A.12.6"),
    );
    assert_node(
        &f,
        "A.18.2.3",
        "Technical compliance review",
        Some("A.18.2"),
    );
}
#[test]
fn iso42001_2023_has_clauses_4_to_10_and_38_annex_a_controls() {
    let f = builtin("iso42001-2023");
    assert_eq!(f.count("objective"), 9);
    assert_eq!(f.count("group"), 2);
    assert_eq!(f.count("control"), 38);
    let top: Vec<&str> = (f.requirements.iter())
        .filter(|r| r.kind == "clause" && r.parent.is_none())
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(top, ["4", "5", "6", "7", "8", "9", "10"]);
    // The clauses share 27001:2022's numbering (harmonized structure), plus 6.1.4 and 8.4.
    let clauses: HashSet<&str> = (f.requirements.iter())
        .filter(|r| r.kind == "clause")
        .map(|r| r.id.as_str())
        .collect();
    let catalog = Catalog::iso27001_2022();
    let iso27001: HashSet<&str> = catalog.clauses.iter().map(|c| c.id.as_str()).collect();
    let extra: Vec<&str> = {
        let mut v: Vec<&str> = clauses.difference(&iso27001).copied().collect();
        v.sort();
        v
    };
    assert_eq!(extra, ["6.1.4", "8.4"]);
    assert!(iso27001.is_subset(&clauses));
    let per_objective: Vec<usize> = (2..=10)
        .map(|o| {
            let prefix = format!("A.{o}.");
            (f.requirements.iter())
                .filter(|r| r.kind == "control" && r.id.starts_with(&prefix))
                .count()
        })
        .collect();
    assert_eq!(per_objective, [3, 2, 5, 4, 9, 5, 4, 3, 3]);
    assert_node(&f, "6.1.2", "AI risk assessment", Some("6.1"));
    assert_node(&f, "A.6", "AI system life cycle", None);
    assert_node(&f, "A.6.2", "AI system life cycle", Some("A.6"));
    assert_node(
        &f,
        "A.6.2.4",
        "AI system verification and validation",
        Some("A.6.2"),
    );
    assert_node(&f, "A.10.2", "Allocating responsibilities", Some("A.10"));
}
#[test]
fn a_parent_must_be_listed_before_its_child() {
    let text = "name: T\nversion: \"1\"\npublisher: P\nlicence: L\nrequirements:\n  \
                - { id: B, parent: A, kind: control }\n  - { id: A, kind: clause }\n";
    let err = Framework::parse("t", text).unwrap_err();
    assert_eq!(
        err.problem,
        FrameworkProblem::UnknownParent {
            id: "B".into(),
            parent: "A".into(),
            later_line: Some(7),
        }
    );
    // At B's `parent` value.
    assert_eq!((err.line, err.column), (6, 22));
    assert_eq!(&text[err.range.clone()], "A");
    assert_eq!(
        err.to_string(),
        "`B` names the parent `A`, which is listed after it (line 7)"
    );
    assert_eq!(
        err.hint.as_deref(),
        Some("move `A` above `B`: parents come before their children")
    );
}
#[test]
fn a_duplicate_id_is_refused_by_name_with_both_lines() {
    let text = "name: T\nversion: \"1\"\npublisher: P\nlicence: L\nrequirements:\n  \
                - { id: A, title: One, kind: clause }\n  - { id: A, kind: clause }\n";
    let err = Framework::parse("t", text).unwrap_err();
    assert_eq!(
        err.problem,
        FrameworkProblem::DuplicateId {
            id: "A".into(),
            first_line: 6
        }
    );
    assert_eq!((err.line, err.column), (7, 11));
    assert_eq!(err.to_string(), "`A` is listed twice (first on line 6)");
}
#[test]
fn numbers_and_unknown_fields_are_yaml_errors() {
    let number = "name: T\nversion: 1.10\npublisher: P\nlicence: L\nrequirements: []\n";
    assert!(matches!(
        Framework::parse("t", number),
        Err(FrameworkError { problem: FrameworkProblem::Yaml(m), line: 2, column: 10, .. })
            if m.contains(yaml::NOT_TEXT)
    ));
    let unknown = "name: T\nversion: \"1\"\npublisher: P\nlicence: L\nrequirements:\n  \
                   - { id: A, kind: clause, colour: red }\n";
    assert!(matches!(
        Framework::parse("t", unknown),
        Err(FrameworkError {
            problem: FrameworkProblem::Yaml(_),
            line: 6,
            ..
        })
    ));
}
#[test]
fn a_missing_or_blank_title_is_none() {
    let text = "name: T\nversion: \"1\"\npublisher: P\nlicence: L\nrequirements:\n  \
                - { id: A, kind: clause }\n  - { id: B, title: \" \", parent: A, kind: control }\n";
    let f = Framework::parse("t", text).unwrap();
    assert_eq!(f.requirements[0].title, None);
    assert_eq!(f.requirements[1].title, None);
    assert_eq!(f.requirements[1].parent, Some(0));
}

/// The error `parse` gives for `text`, which must be refused.
fn yaml_error(text: &str) -> FrameworkError {
    match Framework::parse("t", text) {
        Ok(_) => panic!("accepted: {text}"),
        Err(e) => e,
    }
}
fn csv_error(text: &str) -> FrameworkError {
    match Framework::parse_csv("t", text) {
        Ok(_) => panic!("accepted: {text}"),
        Err(e) => e,
    }
}
/// Kind of each requirement, in order.
fn kinds(f: &Framework) -> Vec<(&str, &str)> {
    (f.requirements.iter())
        .map(|r| (r.id.as_str(), r.kind.as_str()))
        .collect()
}
const SOC2: &str = "# frameworks/soc2.yaml (the file name is the framework's id)\n\
    name: SOC 2 Trust Services Criteria\n\
    version: \"2017 (rev. 2022)\"\n\
    publisher: AICPA\n\
    licence: ids and our own short titles\n\
    requirements:\n  \
      - { id: CC6, title: Logical and physical access controls }\n  \
      - { id: CC6.1, title: Logical access security, parent: CC6 }\n";
#[test]
fn a_book_file_may_leave_out_kind_a_parent_is_a_group() {
    let f = Framework::parse("soc2", SOC2).unwrap();
    assert_eq!(f.id, "soc2");
    assert_eq!(f.name, "SOC 2 Trust Services Criteria");
    assert_eq!(f.version, "2017 (rev. 2022)");
    assert_eq!(f.publisher, "AICPA");
    assert_eq!(f.licence, "ids and our own short titles");
    assert_eq!(kinds(&f), [("CC6", "group"), ("CC6.1", "requirement")]);
    assert_node(&f, "CC6.1", "Logical access security", Some("CC6"));
    // A kind written wins over both defaults; a blank one is left out.
    let text = "name: T\nlicence: L\nrequirements:\n  - { id: A, kind: principle }\n  \
                - { id: B, parent: A, kind: \" \" }\n  - { id: C, parent: B, kind: point }\n";
    let f = Framework::parse("t", text).unwrap();
    assert_eq!(
        kinds(&f),
        [("A", "principle"), ("B", "group"), ("C", "point")]
    );
}
#[test]
fn version_and_publisher_may_be_left_out_name_and_licence_not() {
    let f = Framework::parse("t", "name: T\nlicence: L\nrequirements: []\n").unwrap();
    assert_eq!((f.version.as_str(), f.publisher.as_str()), ("", ""));
    let err = yaml_error("# ours\n\nname: T\nversion: \"1\"\nrequirements: []\n");
    assert_eq!(err.problem, FrameworkProblem::MissingField("licence"));
    assert_eq!(err.to_string(), "the framework file has no `licence`");
    // At the first line of the mapping, after the comments.
    assert_eq!((err.line, err.column), (3, 1));
    assert!(err
        .hint
        .unwrap()
        .contains("`licence: ids and our own short titles`"));
    let err = yaml_error("licence: L\nname: \"  \"\nrequirements: []\n");
    assert_eq!(err.problem, FrameworkProblem::MissingField("name"));
    assert_eq!((err.line, err.column), (2, 7));
}
#[test]
fn ids_may_be_any_script_but_not_hold_whitespace_or_a_colon() {
    let text = "name: T\nlicence: L\nrequirements:\n  - { id: \"Ä.1(a)/b_c-d\" }\n  \
                - { id: 附录A.1 }\n  - { id: \"٣.٢\" }\n";
    let f = Framework::parse("t", text).unwrap();
    assert_eq!(f.requirements.len(), 3);
    let err =
        yaml_error("name: T\nlicence: L\nrequirements:\n  - { id: A }\n  - { id: \"soc2:CC6\" }\n");
    assert_eq!(
        err.problem,
        FrameworkProblem::BadId {
            id: "soc2:CC6".into(),
            found: ':'
        }
    );
    assert_eq!((err.line, err.column), (5, 12));
    assert_eq!(err.to_string(), "the id `soc2:CC6` contains `:`");
    assert!(err.hint.unwrap().contains("`soc2:CC6.1`"));
    let err = yaml_error("name: T\nlicence: L\nrequirements:\n  - { id: \"CC 6\" }\n");
    assert_eq!(err.to_string(), "the id `CC 6` contains whitespace");
    assert_eq!((err.line, err.column), (4, 12));
    let err = yaml_error("name: T\nlicence: L\nrequirements:\n  - { id: A#1 }\n");
    assert_eq!(err.to_string(), "the id `A#1` contains `#`");
    let err = yaml_error("name: T\nlicence: L\nrequirements:\n  - { title: X, id: \"\" }\n");
    assert_eq!(err.problem, FrameworkProblem::EmptyId);
    assert_eq!((err.line, err.column), (4, 22));
}
#[test]
fn block_style_errors_point_at_the_value_not_at_look_alikes_in_titles_or_comments() {
    let text = "name: T\n\
                licence: L\n\
                requirements:\n\
                \x20 # id: CC7, parent: CC6 (a comment)\n\
                \x20 - id: CC6\n\
                \x20 - title: \"the id: CC7, parent: CC8\" # parent: CC9\n\
                \x20   # id: CC10\n\
                \x20   id: 'CC6.1'\n\
                \x20   parent: CC7\n";
    let err = yaml_error(text);
    assert_eq!(
        err.problem,
        FrameworkProblem::UnknownParent {
            id: "CC6.1".into(),
            parent: "CC7".into(),
            later_line: None
        }
    );
    assert_eq!((err.line, err.column), (9, 13));
    assert_eq!(err.hint.as_deref(), Some("did you mean `CC6`?"));
    let duplicate = "name: T\nlicence: L\nrequirements:\n  - id: A\n  - title: x\n    id: \"A\"\n";
    let err = yaml_error(duplicate);
    assert_eq!((err.line, err.column, err.range.clone()), (6, 10, 65..66));
    assert_eq!(
        err.problem,
        FrameworkProblem::DuplicateId {
            id: "A".into(),
            first_line: 4
        }
    );
}
#[test]
fn yaml_errors_keep_serde_yaml_places_with_a_hint() {
    let err = yaml_error("name: T\nlicence: L\nrequirements:\n  - { id: 5.1 }\n");
    assert_eq!((err.line, err.column), (4, 11));
    assert!(err.hint.unwrap().contains("quote it"));
    let err = yaml_error("name: T\nlicense: L\nrequirements: []\n");
    assert!(matches!(err.problem, FrameworkProblem::Yaml(ref m) if m.contains("license")));
    assert_eq!(err.line, 2);
    assert_eq!(err.hint.as_deref(), Some("did you mean `licence`?"));
    let err = yaml_error("name: T\nlicence: L\n");
    assert!(err.hint.unwrap().starts_with("list them: `requirements:`"));
}
#[test]
fn places_are_right_in_a_file_with_crlf_line_ends() {
    let text = SOC2
        .replace('\n', "\r\n")
        .replace("parent: CC6 }", "parent: CC5 }");
    let err = yaml_error(&text);
    assert_eq!((err.line, err.column), (8, 58));
    assert_eq!(&text[err.range.clone()], "CC5");
    let err = csv_error("# licence: L\r\nid,parent\r\nA,\r\nB,Z\r\n");
    assert_eq!((err.line, err.column), (4, 3));
}

const CSV: &str = "# name: SOC 2 Trust Services Criteria\n\
    # Version: 2017 (rev. 2022)\n\
    #publisher:AICPA\n\
    # licence: ids and our own short titles\n\
    # Source: our auditor's list, March 2025: a note, not a fact.\n\
    \n\
    id,title,parent\n\
    CC6,Logical and physical access controls,\n\
    # a comment between rows\n\
    CC6.1,\"Logical access security: software, \"\"infrastructure\"\"\",CC6\n\
    CC6.2,,CC6\n\
    CC7,System operations\n";
#[test]
fn a_csv_file_has_its_facts_in_its_comment_header() {
    let f = Framework::parse_csv("soc2", CSV).unwrap();
    assert_eq!(f.name, "SOC 2 Trust Services Criteria");
    assert_eq!(f.version, "2017 (rev. 2022)");
    assert_eq!(f.publisher, "AICPA");
    assert_eq!(f.licence, "ids and our own short titles");
    assert_eq!(
        kinds(&f),
        [
            ("CC6", "group"),
            ("CC6.1", "requirement"),
            ("CC6.2", "requirement"),
            ("CC7", "requirement")
        ]
    );
    assert_tree(&f);
    assert_node(
        &f,
        "CC6.1",
        "Logical access security: software, \"infrastructure\"",
        Some("CC6"),
    );
    assert_eq!(f.requirements[2].title, None);
    assert_eq!(f.requirements[3].parent, None);
    // No name: the id. A UTF-8 BOM (spreadsheets write one) is not part of the header.
    let f = Framework::parse_csv("ours", "\u{feff}# licence: L\nID,Title\nA,One\n").unwrap();
    assert_eq!(f.name, "ours");
    assert_eq!(f.requirements[0].title.as_deref(), Some("One"));
}
#[test]
fn a_csv_header_names_its_columns_in_any_order_and_case() {
    let text = "# licence: L\nKind, PARENT ,id,Title\nprinciple,,P1,First\n,P1,P1.a,\n";
    let f = Framework::parse_csv("t", text).unwrap();
    assert_eq!(kinds(&f), [("P1", "principle"), ("P1.a", "requirement")]);
    assert_eq!(f.requirements[1].parent, Some(0));
    assert_eq!(f.requirements[0].title.as_deref(), Some("First"));
}
#[test]
fn a_bad_csv_header_names_the_allowed_columns() {
    let err = csv_error("# licence: L\nid,titel,parent\nA,One,\n");
    assert_eq!(err.problem, FrameworkProblem::UnknownColumn("titel".into()));
    assert_eq!((err.line, err.column), (2, 4));
    assert_eq!(
        err.hint.as_deref(),
        Some("did you mean `title`? The columns are `id`, `title`, `parent` and `kind`, in any order")
    );
    let err = csv_error("# licence: L\nid,title,notes\n");
    assert_eq!(
        err.hint.as_deref(),
        Some("the columns are `id`, `title`, `parent` and `kind`, in any order")
    );
    let err = csv_error("# licence: L\ntitle,parent\nOne,\n");
    assert_eq!(err.problem, FrameworkProblem::MissingIdColumn);
    assert_eq!((err.line, err.column), (2, 1));
    let err = csv_error("# licence: L\nid,title,ID\n");
    assert_eq!(err.problem, FrameworkProblem::DuplicateColumn("id".into()));
    assert_eq!((err.line, err.column), (2, 10));
}
#[test]
fn a_csv_unknown_parent_is_placed_at_its_cell() {
    let err = csv_error(CSV.replace("\nCC6.2,,CC6\n", "\nCC6.2,,CC5\n").as_str());
    assert_eq!(
        err.problem,
        FrameworkProblem::UnknownParent {
            id: "CC6.2".into(),
            parent: "CC5".into(),
            later_line: None
        }
    );
    assert_eq!((err.line, err.column), (11, 8));
    assert_eq!(err.hint.as_deref(), Some("did you mean `CC6`?"));
    let err = csv_error("# licence: L\nid,parent\nA.1,A\nA,\n");
    assert_eq!(
        err.to_string(),
        "`A.1` names the parent `A`, which is listed after it (line 4)"
    );
    assert_eq!((err.line, err.column), (3, 5));
}
#[test]
fn a_csv_duplicate_names_both_lines() {
    let err = csv_error("# licence: L\nid,title\nA,One\nB,Two\n  A ,Three\n");
    assert_eq!(
        err.problem,
        FrameworkProblem::DuplicateId {
            id: "A".into(),
            first_line: 3
        }
    );
    assert_eq!((err.line, err.column), (5, 3));
    assert_eq!(err.to_string(), "`A` is listed twice (first on line 3)");
}
#[test]
fn a_csv_needs_a_licence_once_and_rows_no_longer_than_the_header() {
    let err = csv_error("# name: T\n\nid,title\nA,One\n");
    assert_eq!(err.problem, FrameworkProblem::MissingField("licence"));
    assert_eq!((err.line, err.column), (3, 1));
    assert!(err
        .hint
        .unwrap()
        .contains("`# licence: ids and our own short titles`"));
    let err = csv_error("# license: CC0\nid,title\n");
    assert_eq!(
        err.hint.as_deref(),
        Some("write `# licence: ...` (spelt as in the YAML files) above the header row")
    );
    let err = csv_error("# licence: L\n# Name: A\n# name: B\nid\n");
    assert_eq!(
        err.problem,
        FrameworkProblem::DuplicateField {
            field: "name",
            first_line: 2
        }
    );
    assert_eq!((err.line, err.column), (3, 3));
    let err = csv_error("# licence: L\nid,title\nA,Access, and more\n");
    assert_eq!(err.problem, FrameworkProblem::ExtraCell { columns: 2 });
    assert_eq!((err.line, err.column), (3, 11));
    let err = csv_error("# licence: L\nid,title\n,Nameless\n");
    assert_eq!((err.problem, err.line), (FrameworkProblem::EmptyId, 3));
    let err = csv_error("# licence: L\nid\nsoc2:A\n");
    assert_eq!((err.line, err.column), (3, 1));
}
#[test]
fn a_bom_moves_the_byte_range_not_the_column() {
    let text = "\u{feff}# licence: L\nid\nA\nA\n";
    let err = csv_error(text);
    assert_eq!((err.line, err.column), (4, 1));
    assert_eq!(&text[err.range.clone()], "A");
    assert_eq!(err.range.start, text.rfind('A').unwrap());
}
