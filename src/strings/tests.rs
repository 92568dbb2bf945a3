use super::*;

fn table(code: &str) -> BTreeMap<String, String> {
    let (_, text) = TABLES.iter().find(|(c, _)| *c == code).unwrap();
    let table: toml::Table = toml::from_str(text).unwrap_or_else(|e| panic!("{code}.toml: {e}"));
    let (values, bad) = flatten(&table);
    assert!(bad.is_empty(), "{code}.toml: not text: {bad:?}");
    values.into_iter().collect()
}

#[test]
fn every_language_has_exactly_the_ids_of_english() {
    let english = table("en");
    assert!(english.len() > 300, "{}", english.len());
    for (code, _) in &TABLES[1..] {
        let other = table(code);
        let missing: Vec<&String> = english.keys().filter(|k| !other.contains_key(*k)).collect();
        let extra: Vec<&String> = other.keys().filter(|k| !english.contains_key(*k)).collect();
        assert!(missing.is_empty(), "{code}.toml lacks {missing:?}");
        assert!(
            extra.is_empty(),
            "{code}.toml has ids English has not: {extra:?}"
        );
    }
}

#[test]
fn every_translation_has_the_placeholders_of_english() {
    let english = table("en");
    for (code, _) in &TABLES[1..] {
        for (id, value) in table(code) {
            let mut theirs = placeholders(&value);
            if id.starts_with("date.") {
                // A date's pattern is the language's own, from a fixed set of parts.
                let parts = ["iso", "year", "month", "m", "mm", "day", "dd"];
                assert!(
                    theirs.iter().all(|p| parts.contains(p)),
                    "{code} {id}: {value}"
                );
                continue;
            }
            let mut ours = placeholders(&english[&id]);
            ours.sort_unstable();
            theirs.sort_unstable();
            assert_eq!(ours, theirs, "{code}.toml `{id}` = {value:?}");
        }
    }
}

#[test]
fn no_translation_is_left_in_english_where_english_has_words() {
    // Each language translates the navigation and the document-control block.
    let english = table("en");
    for (code, _) in &TABLES[1..] {
        let other = table(code);
        for id in [
            "nav.overview",
            "nav.reviews",
            "doc.control",
            "doc.history",
            "common.soa",
        ] {
            assert_ne!(other[id], english[id], "{code} {id}");
        }
    }
}

#[test]
fn attribute_values_hold_no_quote() {
    // Strings used inside attributes (aria-label, placeholder, title) must not end them.
    for (code, _) in &TABLES {
        for (id, value) in table(code) {
            if value.contains('"') {
                assert!(
                    value.contains('<') || id.starts_with("print.") || id.starts_with("js."),
                    "{code} {id}: a quote outside markup"
                );
            }
        }
    }
}

#[test]
fn dates_are_written_the_way_each_language_writes_them() {
    let d = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
    let first = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    let cases = [
        ("en-GB", "2026-12-04", "2026-03-01"),
        ("de", "4. Dezember 2026", "1. März 2026"),
        ("fr-FR", "4 décembre 2026", "1er mars 2026"),
        ("es", "4 de diciembre de 2026", "1 de marzo de 2026"),
        ("ja-JP", "2026年12月4日", "2026年3月1日"),
    ];
    for (tag, day, first_day) in cases {
        let s = Strings::for_language(tag);
        assert_eq!(s.date(d), day, "{tag}");
        assert_eq!(s.date(first), first_day, "{tag}");
    }
}

#[test]
fn the_primary_subtag_chooses_the_table_and_an_unknown_one_falls_back_to_english() {
    assert!(is_builtin("DE-ch") && is_builtin("ja_JP") && is_builtin("en"));
    assert!(!is_builtin("nl") && !is_builtin(""));
    assert_eq!(
        Strings::for_language("DE-ch").get("nav.documents"),
        "Dokumente"
    );
    assert_eq!(
        Strings::for_language("ES").get("common.soa"),
        "Declaración de aplicabilidad"
    );
    assert_eq!(
        Strings::for_language("fr").get("common.soa"),
        "Déclaration d’applicabilité"
    );
    assert_eq!(Strings::for_language("ja").get("common.soa"), "適用宣言書");
    assert_eq!(Strings::for_language("ja").get("col.control"), "管理策");
    assert_eq!(Strings::for_language("de").get("col.control"), "Maßnahme");
    let dutch = Strings::for_language("nl-NL");
    assert_eq!(dutch, Strings::for_language("en"));
    assert_eq!(dutch.get("nav.documents"), "Documents");
}

#[test]
fn overrides_replace_known_ids_only() {
    let mut s = Strings::for_language("en");
    assert!(s.set("nav.documents", "Policies"));
    assert!(!s.set("nav.documnets", "Policies"));
    assert_eq!(s.get("nav.documents"), "Policies");
    assert_eq!(s.get("nav.documnets"), "");
}

#[test]
fn placeholders_are_filled_by_name_and_unknown_ones_stay() {
    let s = Strings::for_language("en");
    assert_eq!(
        s.text(
            "title.part",
            &[("title", "Chain"), ("n", "2"), ("total", "3")]
        ),
        "Chain (2 of 3)"
    );
    assert_eq!(
        fill("{a} {b} {a} {}", |n| (n == "a").then(|| "x".into())),
        "x {b} x {}"
    );
    assert_eq!(placeholders("{a} {b_c} { x} {}"), ["a", "b_c"]);
}

#[test]
fn templates_see_the_strings_nested_and_scripts_see_theirs() {
    let s = Strings::for_language("ja");
    let t = s.tera();
    assert_eq!(t["nav"]["documents"], "文書");
    assert_eq!(t["status"]["in-review"], "レビュー中");
    let script: serde_json::Value = serde_json::from_str(&s.script()).unwrap();
    assert_eq!(
        script["nothing_found"],
        "「{query}」に一致するものはありません。"
    );
    assert_eq!(script["stop_words"], "");
    let en: serde_json::Value = serde_json::from_str(&Strings::default().script()).unwrap();
    assert!(en["stop_words"].as_str().unwrap().starts_with("a an and"));
}

#[test]
fn stop_words_are_per_language() {
    assert!(Strings::for_language("de").stop_words().contains(&"und"));
    assert!(Strings::for_language("fr").stop_words().contains(&"les"));
    assert!(Strings::for_language("es").stop_words().contains(&"los"));
    assert!(Strings::for_language("ja").stop_words().is_empty());
}
