use super::*;

const LICENSED: &str =
    r#""links": [{ "href": "https://example.org/l", "rel": "license", "text": "CC0" }]"#;

/// A catalog with these `metadata` members (besides its title) and these groups.
fn catalog(metadata: &str, groups: &str) -> String {
    format!(
        r#"{{ "catalog": {{ "uuid": "u-1", "metadata": {{ "title": "T", {metadata} }}, "groups": [{groups}] }} }}"#
    )
}
fn options() -> Options<'static> {
    Options {
        id: "t",
        source: "t.json",
        licence: None,
    }
}
fn run(json: &str) -> Result<Imported, ImportError> {
    import(json, &options())
}
fn refused(json: &str) -> ImportError {
    match run(json) {
        Ok(i) => panic!("imported: {}", i.yaml),
        Err(e) => e,
    }
}
/// `(id, parent id, kind)` of each requirement of the imported file, read back.
fn tree(imported: &Imported) -> Vec<(String, Option<String>, String)> {
    let f = Framework::parse("t", &imported.yaml).unwrap();
    (f.requirements.iter())
        .map(|r| {
            let parent = r.parent.map(|p| f.requirements[p].id.clone());
            (r.id.clone(), parent, r.kind.clone())
        })
        .collect()
}

#[test]
fn odd_ids_and_titles_read_back_exactly() {
    let titles = [
        "Boundary: \"edge\" devices #1",
        "- leading dash",
        "'single' and \"double\"",
        "back\\slash and \\n not a newline",
        "{ flow: mapping }",
        "[a, list]",
        "& anchor * alias ! tag % directive @ ` |> ?",
        "null",
        "true",
        "1.10",
        "~",
        "tab\there, line\nbreak, nel\u{85} ls\u{2028} ps\u{2029} bel\u{7}",
        "Zugriffskontrolle: «Übersicht» — 访问控制 # 1",
        " spaced ",
    ];
    let ids = [
        "-1", "1.10", "true", "null", "AC-2(1)", "A/B_c", "Ä.1", "(x)",
    ];
    let rows: Vec<Row> = (titles.iter().enumerate())
        .map(|(i, t)| Row {
            id: ids
                .get(i)
                .map_or_else(|| format!("R{i}"), |s| s.to_string()),
            title: Some(t.to_string()),
            parent: (i > 0).then(|| ids[0].to_string()),
            kind: if i % 2 == 0 { "family: x" } else { "#kind" }.to_string(),
        })
        .collect();
    let header = Header {
        name: "Name: \"quoted\" # not a comment",
        version: "1.10".into(),
        publisher: "P\nnext line",
        licence: "- CC0",
        source: "odd\nname.json",
        uuid: "u",
        oscal_version: "1.1.2",
        last_modified: "2024",
        withdrawn: 0,
        under_withdrawn: 0,
        kinds: &[("a\nb".to_string(), 1)],
        unusable_labels: &[("A B".to_string(), "a-b".to_string())],
    };
    let yaml = write_yaml(&header, &rows);
    let f = Framework::parse("t", &yaml)
        .unwrap_or_else(|e| panic!("line {}, column {}: {e}\n{yaml}", e.line, e.column));
    assert_eq!(f.name, header.name);
    assert_eq!(f.version, "1.10");
    assert_eq!(f.publisher, "P\nnext line");
    assert_eq!(f.licence, "- CC0");
    assert_eq!(f.requirements.len(), rows.len());
    for (r, row) in f.requirements.iter().zip(&rows) {
        assert_eq!(r.id, row.id);
        assert_eq!(r.title, row.title);
        assert_eq!(r.kind, row.kind);
        assert_eq!(r.parent.map(|p| f.requirements[p].id.clone()), row.parent);
    }
    // Nothing from the data broke out of the header's comments.
    let header_lines = yaml.lines().take_while(|l| !l.starts_with("name:"));
    assert!(
        header_lines.into_iter().all(|l| l.starts_with('#')),
        "{yaml}"
    );
}
#[test]
fn the_default_id_is_the_file_stem_slugged() {
    assert_eq!(
        default_id("NIST_SP-800-53_rev5_catalog.json"),
        "nist-sp-800-53-rev5-catalog"
    );
    assert_eq!(
        default_id("NIST_CSF_v2.0_catalog.json"),
        "nist-csf-v2.0-catalog"
    );
    assert_eq!(
        default_id("BSI  Grundschutz++ (2025).json"),
        "bsi-grundschutz-2025"
    );
    assert_eq!(default_id("_catalog_"), "catalog");
    assert!(check_id(&default_id("NIST_SP-800-53_rev5_catalog.json")).is_ok());
    assert!(check_id("nist-csf-2.0").is_ok());
    for bad in [
        "",
        "Nist",
        "-x",
        ".x",
        "a b",
        "a_b",
        "a:b",
        "über",
        &default_id("Über.json"),
    ] {
        let e = check_id(bad).unwrap_err();
        assert!(e.hint.unwrap().contains("--id"), "{bad}");
    }
}
#[test]
fn titles_lose_oscal_markup() {
    assert_eq!(
        plain("Use of {{ insert: param, ac-1_prm_1 }} <insert type=\"param\" id-ref=\"x\"/> keys"),
        "Use of keys"
    );
    assert_eq!(plain("a <b>bold</b>\n  move"), "a bold move");
    assert_eq!(plain("x < y { z }"), "x < y { z }");
}
#[test]
fn groups_and_controls_keep_document_order_and_kinds() {
    let json = format!(
        r#"{{ "catalog": {{ "metadata": {{ "title": "T", {LICENSED} }},
          "controls": [{{ "id": "c-1", "title": "First" }}],
          "groups": [{{ "id": "g", "controls": [{{ "id": "g-1", "class": "x" }}],
                       "groups": [{{ "id": "g.h", "class": "sub" }}] }}],
          "back-matter": {{}} }} }}"#
    );
    let imported = run(&json).unwrap();
    let g = Some("g".to_string());
    assert_eq!(
        tree(&imported),
        [
            ("c-1".into(), None, "control".into()),
            ("g".into(), None, "group".into()),
            ("g-1".into(), g.clone(), "x".into()),
            ("g.h".into(), g, "sub".into()),
        ]
    );
    assert_eq!(
        imported.kinds,
        [
            ("control".into(), 1),
            ("group".into(), 1),
            ("x".into(), 1),
            ("sub".into(), 1)
        ]
    );
    // A group without a title has none; the catalog without a version has no version line.
    let f = Framework::parse("t", &imported.yaml).unwrap();
    assert_eq!(f.requirements[1].title, None);
    assert_eq!(f.version, "");
}
#[test]
fn labels_are_ids_unless_unusable_and_withdrawn_items_are_counted() {
    let groups = r#"{ "id": "a", "props": [{ "name": "label", "value": "A", "ns": "https://other.example" }],
        "controls": [
          { "id": "a-1", "props": [{ "name": "label", "value": "A-01", "class": "long" }, { "name": "label", "value": "A-1" }] },
          { "id": "a-2", "props": [{ "name": "label", "value": "A 2" }] },
          { "id": "a-3", "props": [{ "name": "status", "value": "withdrawn" }],
            "controls": [{ "id": "a-3.1" }, { "id": "a-3.2", "props": [{ "name": "status", "value": "withdrawn" }] }] },
          { "id": "a-4", "props": [{ "name": "status", "value": "withdrawn", "ns": "https://other.example" }] }
        ] }"#;
    let imported = run(&catalog(LICENSED, groups)).unwrap();
    let ids: Vec<String> = tree(&imported).into_iter().map(|(id, _, _)| id).collect();
    assert_eq!(ids, ["a", "A-1", "a-2", "a-4"]);
    assert_eq!((imported.withdrawn, imported.under_withdrawn), (1, 2));
    assert!(imported.yaml.contains(
        "# The label \"A 2\" is no usable id (whitespace or `:`): `a-2` is listed by its OSCAL id.\n"
    ));
    assert!(imported
        .yaml
        .contains("; 1 withdrawn item and the 2 items under them.\n"));
}
#[test]
fn two_items_with_one_id_are_named_both() {
    let groups = r#"{ "id": "g", "controls": [
        { "id": "ac-2", "props": [{ "name": "label", "value": "AC-2" }] },
        { "id": "ac-2x", "props": [{ "name": "label", "value": "AC-2" }] } ] }"#;
    let e = refused(&catalog(LICENSED, groups));
    assert_eq!(
        e.message,
        "`AC-2` would be the id of both `ac-2` and `ac-2x` (their OSCAL ids; a requirement's id is its `label` where it has one)"
    );
}
#[test]
fn the_publisher_is_a_publisher_or_creator_party_else_the_title() {
    let parties = r#""parties": [{ "uuid": "p1", "type": "organization", "name": "Maker" },
                                  { "uuid": "p2", "type": "organization", "name": "Printer" }]"#;
    let with_roles = |roles: &str| {
        let metadata = format!(r#"{LICENSED}, {parties}, "responsible-parties": [{roles}]"#);
        let imported = run(&catalog(&metadata, r#"{ "id": "g" }"#)).unwrap();
        Framework::parse("t", &imported.yaml).unwrap().publisher
    };
    assert_eq!(
        with_roles(r#"{ "role-id": "creator", "party-uuids": ["p1"] }"#),
        "Maker"
    );
    assert_eq!(
        with_roles(
            r#"{ "role-id": "creator", "party-uuids": ["p1"] }, { "role-id": "publisher", "party-uuids": ["p2"] }"#
        ),
        "Printer"
    );
    assert_eq!(
        with_roles(r#"{ "role-id": "creator", "party-uuids": ["nobody"] }"#),
        "T"
    );
    assert_eq!(
        with_roles(r#"{ "role-id": "contact", "party-uuids": ["p1"] }"#),
        "T"
    );
}
#[test]
fn the_licence_is_given_or_linked_never_guessed() {
    let group = r#"{ "id": "g" }"#;
    let e = refused(&catalog(r#""version": "1""#, group));
    assert!(
        e.message.contains("does not say under what licence"),
        "{e:?}"
    );
    assert!(e.hint.unwrap().contains("--licence"));
    let given = Options {
        licence: Some("Public domain"),
        ..options()
    };
    let imported = import(&catalog(LICENSED, group), &given).unwrap();
    assert!(imported.yaml.contains("\nlicence: \"Public domain\"\n"));
    let imported = run(&catalog(LICENSED, group)).unwrap();
    assert!(imported
        .yaml
        .contains("\nlicence: \"CC0 (https://example.org/l)\"\n"));
}
#[test]
fn what_is_not_a_catalog_is_refused_by_name() {
    let e = refused("{\n  \"catalog\": [1,\n}");
    assert!(
        e.message
            .starts_with("t.json is not JSON (line 3, column 1): "),
        "{e:?}"
    );
    let e = refused("<?xml version=\"1.0\"?><catalog/>");
    assert!(e.hint.unwrap().contains("looks like XML"));
    let e = refused(r#"{ "profile": { "uuid": "x", "imports": [] } }"#);
    assert_eq!(
        e.message,
        "t.json is a profile (a selection of controls from other catalogs) in OSCAL, not a catalog"
    );
    assert!(e.hint.unwrap().contains("profile resolve"));
    let e = refused(r#"{ "component-definition": {} }"#);
    assert_eq!(
        e.message,
        "t.json is a component definition in OSCAL, not a catalog"
    );
    let e = refused(r#"{ "name": "x" }"#);
    assert!(
        e.message
            .contains("no top-level `catalog` object (its keys: name)"),
        "{e:?}"
    );
    let e = refused("[]");
    assert!(e.message.contains("not a JSON object"));
    let e = refused(r#"{ "catalog": { "metadata": { "title": 5 } } }"#);
    assert!(
        e.message
            .starts_with("t.json is not a valid OSCAL catalog (line 1, column "),
        "{e:?}"
    );
    let e = refused(&catalog(LICENSED, ""));
    assert!(e.message.contains("has no groups or controls"), "{e:?}");
    let e = refused(&catalog(LICENSED, r#"{ "title": "Nameless" }"#));
    assert!(
        e.message
            .contains("a group titled `Nameless` has neither an id nor a label"),
        "{e:?}"
    );
}
