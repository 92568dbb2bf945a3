//! Serve's rebuilds checked against whole builds: every edit gives the files a build of the
//! edited book writes, and renders no more pages than the edit changes.

use super::*;
use crate::testing::{TestBook, AS_OF};

fn stats(outcome: Outcome) -> Stats {
    match outcome {
        Outcome::Done(Rebuilt { stats, .. }) => stats,
        Outcome::BookErrors(Failed { report, .. }) => panic!("{report}"),
    }
}

#[test]
fn pages_rendered_for_the_cache_are_those_of_a_build() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let Outcome::Done(Rebuilt { files, .. }) =
        Engine::new(root.clone(), AS_OF, None).rebuild().unwrap()
    else {
        panic!("the sample book builds")
    };
    let checked = pipeline::check(
        &root,
        AS_OF,
        &mut Default::default(),
        pipeline::Purpose::Render,
        None,
    )
    .unwrap();
    let built = pipeline::site_files(&checked, &crate::progress::Progress::none())
        .unwrap()
        .done()
        .unwrap();
    let bytes = |f: &OutputFile| match &f.contents {
        Contents::Bytes(b) => b.to_vec(),
        Contents::Copy(p) => p.to_string_lossy().as_bytes().to_vec(),
    };
    let built: std::collections::HashMap<&str, Vec<u8>> =
        built.iter().map(|f| (f.path.as_str(), bytes(f))).collect();
    assert!(files.len() > 50);
    for f in &files {
        assert!(built.get(f.path.as_str()) == Some(&bytes(f)), "{}", f.path);
    }
}

#[test]
fn an_edit_re_renders_only_the_pages_it_affects() {
    let book = TestBook::new().doc("A", "First.").doc("B", "See [[A]].");
    let mut engine = book.engine();
    let first = stats(engine.rebuild().unwrap());
    assert_eq!(
        first.rendered, first.pages,
        "everything is rendered the first time"
    );
    assert_eq!(
        stats(engine.rebuild().unwrap()).rendered,
        0,
        "nothing changed"
    );
    // A body edit: the document's page and the print page.
    book.edit("A", "", "First, edited.");
    assert_eq!(stats(engine.rebuild().unwrap()).rendered, 2);
    // A body link to a control shows on the control's page too.
    book.edit("A", "", "See [[A.5.15]].");
    assert_eq!(stats(engine.rebuild().unwrap()).rendered, 3);
    book.edit("A", "", "First, edited.");
    assert_eq!(stats(engine.rebuild().unwrap()).rendered, 3);
    // A title edit shows wherever A is listed, but not on clause 6's pages, say.
    book.edit("A", "title: Renamed", "First, edited.");
    let s = stats(engine.rebuild().unwrap());
    assert!(s.rendered > 2 && s.rendered < s.pages / 2, "{s:?}");
}

#[test]
fn a_control_gaining_a_document_re_renders_only_the_matrix_part_that_shows_it() {
    // More documents than one part of the matrix holds, so it comes in two parts.
    let book = (0..250).fold(TestBook::new(), |book, i| {
        let controls = if i == 249 {
            "\"A.5.1\", \"A.5.2\""
        } else {
            "\"A.5.1\""
        };
        let fields = format!("clauses:\ncontrols: [{controls}]");
        book.doc_with(&format!("D-{i:03}"), &fields, "Text.")
    });
    let mut engine = book.engine();
    stats(engine.rebuild().unwrap());
    let keys = |e: &Engine| -> Vec<(String, u64)> {
        let mut k: Vec<(String, u64)> = e
            .pages
            .iter()
            .filter(|(p, _)| p.starts_with("traceability/controls"))
            .map(|(p, (key, _))| (p.clone(), *key))
            .collect();
        k.sort();
        k
    };
    let before = keys(&engine);
    assert_eq!(before.len(), 2, "{before:?}");
    // D-000 (first part) now addresses A.5.2 too; A.5.2 was covered already.
    book.edit(
        "D-000",
        "clauses:\ncontrols: [\"A.5.1\", \"A.5.2\"]",
        "Text.",
    );
    stats(engine.rebuild().unwrap());
    let after = keys(&engine);
    let part = |k: &[(String, u64)], path: &str| k.iter().find(|(p, _)| p == path).unwrap().1;
    let (first, second) = ("traceability/controls.html", "traceability/controls-2.html");
    assert_ne!(
        part(&before, first),
        part(&after, first),
        "the part with D-000's row changed"
    );
    assert_eq!(
        part(&before, second),
        part(&after, second),
        "the other part did not"
    );
}

/// Every file of an outcome, as bytes by path.
fn site(outcome: Outcome) -> (Stats, std::collections::BTreeMap<String, Vec<u8>>) {
    match outcome {
        Outcome::Done(Rebuilt { files, stats, .. }) => (
            stats,
            files
                .into_iter()
                .map(|f| {
                    let bytes = match f.contents {
                        Contents::Bytes(b) => b.to_vec(),
                        Contents::Copy(p) => std::fs::read(p).unwrap(),
                    };
                    (f.path, bytes)
                })
                .collect(),
        ),
        Outcome::BookErrors(Failed { report, .. }) => panic!("{report}"),
    }
}

#[test]
fn a_body_edit_renders_two_pages_and_gives_the_site_a_whole_build_gives() {
    let book = TestBook::new()
        .folder("policies")
        .doc("A", "# Scope\n\nSee [[B]] and [[A.5.15]].")
        .doc("B", "# Scope\n\n## Roles\n\nText.")
        .doc("C", "See [B's scope](b.md#scope).");
    let mut engine = book.engine();
    site(engine.rebuild().unwrap());
    let content = |name: &str| {
        vec![(
            ChangeKind::Content,
            book.path("content/policies").join(name),
        )]
    };
    let whole = || site(book.engine().rebuild().unwrap()).1;

    // A new paragraph, same links: A's page and its print part, nothing read but a.md.
    book.edit(
        "A",
        "",
        "# Scope\n\nSee [[B]] and [[A.5.15]].\n\nMore *text*.",
    );
    let (stats, patched) = site(engine.rebuild_after(&content("a.md")).unwrap());
    assert!(stats.patched, "{stats:?}");
    assert_eq!(stats.rendered, 2);
    assert!(patched == whole(), "the patched site is the whole build's");
    assert!(String::from_utf8_lossy(&patched["print.html"]).contains("<em>text</em>"));

    // A heading no other document links to may change; one that is linked to may not.
    book.edit("B", "", "# Scope\n\n## Duties\n\nText.");
    let (stats, patched) = site(engine.rebuild_after(&content("b.md")).unwrap());
    assert!(stats.patched);
    assert!(patched == whole());
    book.edit("B", "", "# Purpose\n\n## Duties\n\nText.");
    match engine.rebuild_after(&content("b.md")).unwrap() {
        Outcome::BookErrors(Failed { report, .. }) => {
            assert!(report.contains("broken-anchor"), "{report}")
        }
        Outcome::Done(Rebuilt { .. }) => panic!("C's link to B#scope is broken now"),
    }
    // After a failed build, the next one reads the whole book: other files may have
    // changed while it was broken.
    book.edit("B", "", "# Scope\n\n## Duties\n\nText.");
    book.edit("C", "", "See [B's scope](b.md#scope). Edited while broken.");
    let both = [content("b.md"), content("c.md")].concat();
    let (stats, built) = site(engine.rebuild_after(&both).unwrap());
    assert!(!stats.patched);
    let w = whole();
    let differ: Vec<&String> = w.keys().filter(|k| built.get(*k) != w.get(*k)).collect();
    assert!(built == w, "{differ:?}");

    // A new link, a front-matter edit, a new file: the whole book is read again.
    book.edit("A", "", "See [[B]], [[C]] and [[A.5.15]].");
    let (stats, built) = site(engine.rebuild_after(&content("a.md")).unwrap());
    assert!(!stats.patched);
    assert!(built == whole());
    book.edit("A", "title: Ä", "See [[B]], [[C]] and [[A.5.15]].");
    assert!(
        !site(engine.rebuild_after(&content("a.md")).unwrap())
            .0
            .patched
    );
    book.edit("D", "", "New.");
    let (stats, built) = site(engine.rebuild_after(&content("d.md")).unwrap());
    assert!(!stats.patched);
    assert!(
        built.contains_key("docs/policies/d.html"),
        "{:?}",
        built.keys()
    );
}

#[test]
fn a_file_is_published_while_an_edited_body_links_to_it() {
    let book = TestBook::new()
        .folder("policies")
        .doc_with("A", "status: draft", "No picture yet.")
        .file("content/policies/diagram.png", b"\x89PNG");
    let mut engine = book.engine();
    let copy = "docs/policies/diagram.png";
    assert!(!site(engine.rebuild().unwrap()).1.contains_key(copy));
    let content = vec![(ChangeKind::Content, book.path("content/policies/a.md"))];
    let whole = || site(book.engine().rebuild().unwrap()).1;

    // The first link to the file publishes it: not a patch, the whole build.
    book.edit("A", "status: draft", "No picture yet. ![d](diagram.png)");
    let (stats, built) = site(engine.rebuild_after(&content).unwrap());
    assert!(!stats.patched);
    assert_eq!(built.get(copy).map(Vec::as_slice), Some(&b"\x89PNG"[..]));
    assert!(built == whole());
    // Other text beside the same link is a patch, and the file stays.
    book.edit("A", "status: draft", "A picture: ![d](diagram.png)");
    let (stats, built) = site(engine.rebuild_after(&content).unwrap());
    assert!(stats.patched);
    assert!(built.contains_key(copy));
    assert!(built == whole());
    // The link gone, so is the file.
    book.edit("A", "status: draft", "A picture: none.");
    let (stats, built) = site(engine.rebuild_after(&content).unwrap());
    assert!(!stats.patched);
    assert!(!built.contains_key(copy));
    assert!(built == whole());
}

#[test]
fn a_preview_keeps_the_files_a_kept_page_links_to() {
    let book = TestBook::new()
        .doc_with("A", "status: draft", "![d](diagram.png)")
        .file("content/diagram.png", b"\x89PNG");
    let mut engine = book.engine().previewing();
    assert!(site(engine.rebuild().unwrap())
        .1
        .contains_key("docs/diagram.png"));
    book.edit("A", "title: [\nstatus: draft", "![d](diagram.png)");
    let changed = vec![(ChangeKind::Content, book.path("content/a.md"))];
    let (_, kept) = site(engine.rebuild_after(&changed).unwrap());
    assert!(kept.contains_key("docs/a.html"), "{:?}", kept.keys());
    assert!(kept.contains_key("docs/diagram.png"), "{:?}", kept.keys());
}

#[test]
fn changed_variables_render_bodies_again_and_their_warnings_are_never_patched_away() {
    let book = TestBook::new()
        .toml("\n[variables]\nname = \"Acme\"\n")
        .doc("A", "Made by {{name}}.");
    let mut engine = book.engine();
    let page = |files: &std::collections::BTreeMap<String, Vec<u8>>| {
        String::from_utf8_lossy(&files["docs/a.html"]).into_owned()
    };
    let (first, files) = site(engine.rebuild().unwrap());
    assert!(page(&files).contains("<p>Made by Acme.</p>"));
    let whole = || site(book.engine().rebuild().unwrap()).1;

    let config = "[book]\ntitle = \"T\"\n\n[variables]\nname = \"Brightwater\"\n";
    book.write("book.toml", config);
    let changed = [(ChangeKind::Config, book.path("book.toml"))];
    let (_, files) = site(engine.rebuild_after(&changed).unwrap());
    assert!(
        page(&files).contains("<p>Made by Brightwater.</p>"),
        "the cached body is not reused"
    );
    assert!(files == whole());

    let edit = [(ChangeKind::Content, book.path("content/a.md"))];
    book.edit("A", "", "Made by {{nme}}.");
    let (stats, files) = site(engine.rebuild_after(&edit).unwrap());
    assert!(!stats.patched, "a new warning needs the whole build");
    assert_eq!(stats.warnings, first.warnings + 1);
    assert!(page(&files).contains("<p>Made by {{nme}}.</p>"));
    book.edit("A", "", "Made by {{name}}, again.");
    let (stats, _) = site(engine.rebuild_after(&edit).unwrap());
    assert!(!stats.patched, "so does a warning gone");
    assert_eq!(stats.warnings, first.warnings);
    book.edit("A", "", "Made by {{name}}, once more.");
    let (stats, files) = site(engine.rebuild_after(&edit).unwrap());
    assert!(stats.patched);
    assert!(page(&files).contains("<p>Made by Brightwater, once more.</p>"));
    assert!(files == whole());
}

#[test]
fn front_matter_edits_give_the_site_a_whole_build_gives() {
    let fields = |controls: &str| format!("clauses: [\"6.1\"]\ncontrols: [{controls}]");
    // Enough documents for two parts of each matrix, and more per control than the SoA shows.
    let book = (0..450).fold(TestBook::new(), |book, i| {
        let controls = if i % 2 == 0 {
            "\"A.5.1\""
        } else {
            "\"A.5.1\", \"A.8.2\""
        };
        book.doc_with(
            &format!("D-{i:03}"),
            &fields(controls),
            &format!("Text {i}."),
        )
    });
    let mut engine = book.engine();
    site(engine.rebuild().unwrap());
    let whole = || site(book.engine().rebuild().unwrap()).1;
    let change = |i: usize| {
        vec![(
            ChangeKind::Content,
            book.path(format!("content/d-{i:03}.md")),
        )]
    };
    for (i, fields) in [
        (3, fields("\"A.5.1\", \"A.8.34\"")),
        (420, fields("\"A.8.33\"")),
        (7, fields("\"A.5.1\"") + "\ntitle: Renamed"),
    ] {
        book.edit(&format!("D-{i:03}"), &fields, &format!("Text {i}."));
        let (stats, built) = site(engine.rebuild_after(&change(i)).unwrap());
        assert!(!stats.patched);
        assert!(stats.rendered < stats.pages / 4, "{stats:?}");
        let w = whole();
        let differ: Vec<&String> = w.keys().filter(|k| built.get(*k) != w.get(*k)).collect();
        assert!(built == w, "after editing D-{i:03}: {differ:?}");
    }
    // Status and clauses: the SoA, the control and clause pages, the documents page.
    let fields = "status: draft\nclauses: [\"5.2\"]\ncontrols: [\"A.8.2\"]";
    book.edit("D-009", fields, "Text 9.");
    let (_, built) = site(engine.rebuild_after(&change(9)).unwrap());
    assert!(built == whole(), "after D-009's status and clauses");
    // A deleted document: the folder is walked again, not just the changed file read.
    std::fs::remove_file(book.path("content/d-100.md")).unwrap();
    let (_, built) = site(engine.rebuild_after(&change(100)).unwrap());
    assert!(!built.contains_key("docs/d-100.html"));
    assert!(built == whole());
    let soa = String::from_utf8(whole()["soa.html"].clone()).unwrap();
    let row = soa
        .split("id=\"A.5.1\"")
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap();
    assert_eq!(row.matches("class=\"chip").count(), 12, "{row}");
    assert!(row.contains(">and 435 more</a>"), "{row}");
}

#[test]
fn a_body_edit_brings_the_acknowledgements_a_whole_build_gives() {
    let book = TestBook::new()
        .toml("[audiences]\nall = \"All staff\"\n")
        .folder("policies")
        .doc_with("A", "audience: [all]", "Read me.")
        .doc_with("B", "audience: [all]", "Me too.");
    let mut engine = book.engine();
    stats(engine.rebuild().unwrap());
    let acknowledgements = |files: Vec<OutputFile>| -> Vec<u8> {
        let file = files
            .into_iter()
            .find(|f| f.path == "exports/acknowledgements.csv")
            .expect("acknowledgements.csv");
        match file.contents {
            Contents::Bytes(b) => b.to_vec(),
            Contents::Copy(_) => unreachable!("made in memory"),
        }
    };
    let before = acknowledgements(engine.extras().unwrap());
    book.edit("A", "audience: [all]", "Read me, changed.");
    let changes = vec![(ChangeKind::Content, book.path("content/policies/a.md"))];
    assert!(stats(engine.rebuild_after(&changes).unwrap()).patched);
    let patched = acknowledgements(engine.extras_job(true)().unwrap());
    let mut fresh = book.engine();
    stats(fresh.rebuild().unwrap());
    let whole = acknowledgements(fresh.extras().unwrap());
    assert_ne!(patched, before, "A's fingerprint changed");
    assert_eq!(patched, whole);
}
