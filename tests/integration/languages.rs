//! The reader's language: the theme's words from the string table of `[book] language`,
//! overridden by a theme's `strings/<lang>.toml` and by `[output.html.strings]`; dates as the
//! language writes them; search in a language without spaces.

use crate::common::{json_report, located, Book};

const DOC: &str = "---\nid: POL-1\ntitle: Richtlinie zur Zugriffskontrolle\ntype: policy\nowner: IT\napprover: CISO\nversion: \"1.0\"\nstatus: approved\napproved_on: 2026-03-01\neffective: 2026-12-04\nreview_by: 2027-12-04\ncontrols: [\"A.5.15\"]\n---\n## Zweck\n\nZugriff nur nach Bedarf.\n";

fn book(toml: &str) -> Book {
    let book = Book::empty();
    book.write("book.toml", toml);
    book.write("content/pol.md", DOC);
    book
}

fn build(book: &Book) {
    let run = book.run(&["build", "--as-of", "2026-11-22"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn a_german_book_has_german_navigation_headings_and_dates() {
    let book = book("[book]\ntitle = \"ISMS\"\nlanguage = \"de-DE\"\n");
    build(&book);
    let page = book.read("book/docs/pol.html");
    for words in [
        "<html lang=\"de-DE\"",
        ">Übersicht</a>",
        ">Dokumente</a>",
        "aria-label=\"Dokumentenlenkung\"",
        "<th scope=\"row\">Gültig ab</th><td>4. Dezember 2026</td>",
        "<th scope=\"row\">Freigegeben am</th><td>1. März 2026</td>",
        "<h2>Rückverfolgbarkeit</h2>",
        "<h3>Umgesetzte Maßnahmen nach Anhang A</h3>",
        "Richtlinie</p>",
        "freigegeben</span>",
    ] {
        assert!(page.contains(words), "{words} not in {page}");
    }
    let soa = book.read("book/soa.html");
    assert!(
        soa.contains("<h1>Erklärung zur Anwendbarkeit</h1>"),
        "{soa}"
    );
    assert!(soa.contains("<title>Erklärung zur Anwendbarkeit · ISMS</title>"));
    let search = book.read("book/static/search.js");
    assert!(search.contains("\"search_failed\":\"Der Suchindex konnte nicht geladen werden.\""));
    assert!(!search.contains("policybook:strings"));
    // The index's stop words are German ones: "und" is left out, "zugriff" kept.
    let index = book.read("book/search-index.js");
    assert!(
        index.contains("\"zugriff\"") && !index.contains("\"und\""),
        "{index}"
    );
}

#[test]
fn the_book_overrides_a_string_and_the_theme_overrides_it_first() {
    let book = book(
        "[book]\ntitle = \"ISMS\"\nlanguage = \"de\"\n\n[output.html]\ntheme = \"corp\"\n\n[output.html.strings]\n\"nav.documents\" = \"Regelwerk\"\n\n[output.html.strings.doc]\nhistory = \"Versionen\"\n",
    );
    book.write(
        "themes/corp/strings/de.toml",
        "[nav]\ndocuments = \"Vom Theme\"\noverview = \"Start\"\n",
    );
    build(&book);
    let page = book.read("book/index.html");
    assert!(
        page.contains(">Regelwerk</a>"),
        "book.toml wins over the theme"
    );
    assert!(
        page.contains(">Start</a>"),
        "the theme wins over the built-in table"
    );
    assert!(!page.contains("Vom Theme"));
}

#[test]
fn an_unknown_language_is_a_warning_at_its_key_and_english_is_used() {
    let book = book("[book]\ntitle = \"ISMS\"\nlanguage = \"nl\"\n");
    let run = book.run(&["check", "--format", "json", "--as-of", "2026-11-22"]);
    let report = json_report(&run);
    assert!(
        located(&report).contains(&("unknown-language".into(), "book.toml".into(), 3, 1)),
        "{report}"
    );
    let d = (report["diagnostics"].as_array().unwrap().iter())
        .find(|d| d["code"] == "unknown-language")
        .unwrap();
    assert_eq!(d["severity"], "warning");
    let hint = d["hint"].as_str().unwrap();
    assert!(hint.contains("en, de, fr, es, ja"), "{hint}");
    build(&book);
    assert!(book.read("book/index.html").contains(">Documents</a>"));
    // A theme that translates the words for the language: no warning, its words.
    let book = book_with_theme("nl");
    let run = book.run(&["check", "--format", "json", "--as-of", "2026-11-22"]);
    assert!(!run.stdout.contains("unknown-language"), "{}", run.stdout);
    build(&book);
    assert!(book.read("book/index.html").contains(">Documenten</a>"));
}

fn book_with_theme(lang: &str) -> Book {
    let book = book(&format!(
        "[book]\ntitle = \"ISMS\"\nlanguage = \"{lang}\"\n\n[output.html]\ntheme = \"own\"\n"
    ));
    book.write(
        &format!("themes/own/strings/{lang}.toml"),
        "[nav]\ndocuments = \"Documenten\"\n",
    );
    book
}

#[test]
fn an_unknown_string_id_is_a_warning_with_a_did_you_mean() {
    let book = book(
        "[book]\ntitle = \"ISMS\"\n\n[output.html.strings]\n\"nav.documnets\" = \"Policies\"\n",
    );
    book.write("themes/x/strings/en.toml", "");
    let run = book.run(&["check", "--format", "json", "--as-of", "2026-11-22"]);
    let report = json_report(&run);
    assert!(
        located(&report).contains(&("unknown-string".into(), "book.toml".into(), 5, 1)),
        "{report}"
    );
    let d = (report["diagnostics"].as_array().unwrap().iter())
        .find(|d| d["code"] == "unknown-string")
        .unwrap();
    assert_eq!(d["severity"], "warning");
    assert_eq!(d["hint"], "did you mean `nav.documents`?");
    // In a theme's file, at its line.
    let book = book_with_theme("de");
    book.write(
        "themes/own/strings/de.toml",
        "[nav]\n\noverveiw = \"Start\"\n",
    );
    let run = book.run(&["check", "--format", "json", "--as-of", "2026-11-22"]);
    let report = json_report(&run);
    assert!(
        located(&report).contains(&(
            "unknown-string".into(),
            "themes/own/strings/de.toml".into(),
            3,
            1
        )),
        "{report}"
    );
}

#[test]
fn the_japanese_book_is_in_japanese_and_its_search_finds_japanese_words() {
    let book = Book::fixture("japanese");
    let run = book.run(&["build", "--as-of", "2026-11-22"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = book.read("book/docs/policies/access-control-policy.html");
    for words in [
        "<html lang=\"ja\"",
        ">概要</a>",
        ">適用宣言書</a>",
        "2026年3月1日",
        "承認済み",
    ] {
        assert!(page.contains(words), "{words}");
    }
    let soa = book.read("book/soa.html");
    assert!(soa.contains("<h1>適用宣言書</h1>"));
    assert!(soa.contains("<th scope=\"col\">管理策</th>"));
    // The index holds CJK runs as pairs of characters: アクセス制御 is アク, クセ, セス, ス制, 制御.
    let index = book.read("book/search-index.js");
    for pair in ["アク", "クセ", "セス", "ス制", "制御", "情報", "報セ"] {
        assert!(index.contains(&format!("\"{pair}\":")), "{pair}");
    }
    assert!(
        !index.contains("\"アクセス制御規程\":"),
        "a run is never one term"
    );
    // Kinds in the results are Japanese.
    assert!(index.contains("\"方針\""));
}

#[test]
fn callout_titles_and_heading_anchors_are_in_the_books_language() {
    let book = book("[book]\ntitle = \"ISMS\"\nlanguage = \"de\"\n");
    let doc = DOC.replace(
        "Zugriff nur nach Bedarf.\n",
        "Zugriff nur nach Bedarf.\n\n> [!WARNING]\n> Konten laufen ab.\n\n!!! tip\n    Passwortmanager nutzen.\n\n!!! note \"Eigener Titel\"\n    Bleibt.\n",
    );
    book.write("content/pol.md", &doc);
    build(&book);
    let page = book.read("book/docs/pol.html");
    for words in [
        "<p class=\"callout-title\">Warnung</p>",
        "<p class=\"callout-title\">Tipp</p>",
        "<p class=\"callout-title\">Eigener Titel</p>",
        "aria-label=\"Link zu diesem Abschnitt\">#</a>",
    ] {
        assert!(page.contains(words), "{words} not in {page}");
    }
}
