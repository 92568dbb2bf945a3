//! `policybook build`: pages, links both ways, escaping, determinism and safe output.

use std::path::Path;

use crate::common::{broken_links, copy_tree, run_in, tree, Book};

fn built(book: &Book) -> std::path::PathBuf {
    let run = book.run(&["build"]);
    assert_eq!(run.code, 0, "{run:?}");
    book.root.join("book")
}

#[test]
fn document_page_snapshot() {
    let book = Book::fixture("small");
    let site = built(&book);
    let page = std::fs::read_to_string(site.join("docs/policies/security-policy.html")).unwrap();
    insta::assert_snapshot!("small_security_policy_page", page);
}

#[test]
fn documents_clauses_and_controls_link_both_ways() {
    let book = Book::fixture("small");
    let site = built(&book);
    let read = |p: &str| std::fs::read_to_string(site.join(p)).unwrap();
    let policy = read("docs/policies/security-policy.html");
    assert!(policy.contains(r#"href="../../controls/A.5.1.html""#));
    assert!(policy.contains(r#"href="../../clauses/5.2.html""#));
    // The body's relative .md link is rewritten to the page, anchor kept.
    assert!(
        policy.contains(r#"href="../../docs/procedures/incident-procedure.html#2-steps""#),
        "{policy}"
    );
    let control = read("controls/A.5.1.html");
    assert!(
        control.contains(r#"href="../docs/policies/security-policy.html""#),
        "control links back"
    );
    let clause = read("clauses/5.2.html");
    assert!(
        clause.contains(r#"href="../docs/policies/security-policy.html""#),
        "clause links back"
    );
    // A.5.25 is only mentioned in the procedure's body, not listed: it shows as a mention.
    let mentioned = read("controls/A.5.25.html");
    assert!(mentioned.contains("No document lists this control."));
    assert!(mentioned.contains("Also mentioned in"));
    let procedure = read("docs/procedures/incident-procedure.html");
    let referenced_by = &procedure[procedure.find("Referenced by").unwrap()..];
    assert!(
        referenced_by.contains("POL-001"),
        "backlink from the policy"
    );
    let chain = read("traceability/chain.html");
    assert!(
        chain.contains("A.8.24"),
        "chain lists the policy's controls under its clauses"
    );
    assert!(broken_links(&site).is_empty(), "{:?}", broken_links(&site));
}

#[test]
fn values_and_bodies_are_escaped_and_never_templates() {
    let book = Book::fixture("small");
    let site = built(&book);
    for (path, bytes) in tree(&site)
        .into_iter()
        .filter(|(p, _)| p.ends_with(".html"))
    {
        let text = String::from_utf8_lossy(&bytes);
        // The theme's own search script is the only script on any page.
        let own = text.matches("static/search.js\" defer></script>").count();
        assert_eq!(
            text.matches("<script").count(),
            own,
            "{path} contains a script tag"
        );
        assert_eq!(own, 1, "{path}");
    }
    let page = std::fs::read_to_string(site.join("docs/policies/security-policy.html")).unwrap();
    assert!(
        page.contains("Security Policy &lt;script&gt;alert(&quot;title&quot;)&lt;&#x2F;script&gt;")
            || page
                .contains("Security Policy &lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;"),
        "{page}"
    );
    assert!(
        page.contains("&lt;script&gt;alert(\"body\")&lt;/script&gt;"),
        "{page}"
    );
    assert!(
        page.contains("{{ customer_name }}"),
        "mustache placeholders stay text"
    );
    assert!(page.contains("{% raw %}"));
    assert!(page.contains("CISO &amp; Deputy"));
    assert!(
        page.contains(r#"<span class="hl-"#) || page.contains("class=\"hl-"),
        "code is highlighted with classes"
    );
    assert!(!page.contains("style=\""), "no inline styles");
}

#[test]
fn raw_html_passes_only_when_the_book_allows_it() {
    let book = Book::fixture("small");
    book.write(
        "content/policies/html.md",
        "---\nid: HTML-1\ntitle: Html\nstatus: draft\nclauses: [\"5.2\"]\n---\n<kbd>Ctrl</kbd>\n",
    );
    let site = built(&book);
    let page = std::fs::read_to_string(site.join("docs/policies/html.html")).unwrap();
    assert!(page.contains("&lt;kbd&gt;Ctrl&lt;/kbd&gt;"));
    let toml = book.read("book.toml");
    book.write(
        "book.toml",
        &format!("{toml}\n[output.html]\nallow-html = true\n"),
    );
    let site = built(&book);
    let page = std::fs::read_to_string(site.join("docs/policies/html.html")).unwrap();
    assert!(page.contains("<kbd>Ctrl</kbd>"));
}

#[test]
fn two_builds_are_byte_identical_wherever_the_book_is() {
    let a = Book::fixture("small");
    let first = tree(&built(&a));
    let second = tree(&built(&a));
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    assert!(first == second, "rebuild changed bytes");
    let b = Book::empty();
    copy_tree(&a.root.join("content"), &b.root.join("content"));
    std::fs::copy(a.root.join("book.toml"), b.root.join("book.toml")).unwrap();
    let elsewhere = tree(&built(&b));
    assert!(
        first == elsewhere,
        "a copy of the book in another folder builds differently"
    );
}

#[test]
fn a_failing_build_leaves_the_previous_site_untouched() {
    let book = Book::fixture("small");
    let site = built(&book);
    let before = tree(&site);
    book.write(
        "content/policies/broken.md",
        "---\nid: BROKEN\ntitle: [unclosed\n---\n",
    );
    let run = book.run(&["build"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("previous site was left untouched"));
    assert!(
        tree(&site) == before,
        "the site changed after a failed build"
    );
    let leftovers: Vec<_> = std::fs::read_dir(&book.root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("policybook"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_broken_theme_template_fails_without_touching_the_site() {
    let book = Book::fixture("small");
    let site = built(&book);
    let before = tree(&site);
    book.write("themes/corp/templates/document.html", "{% extends \"base.html\" %}{% block content %}{{ doc.nope | nosuchfilter }}{% endblock content %}");
    let toml = book.read("book.toml");
    book.write(
        "book.toml",
        &format!("{toml}\n[output.html]\ntheme = \"corp\"\n"),
    );
    let run = book.run(&["build"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("template-error"), "{}", run.stderr);
    assert!(tree(&site) == before);
}

#[test]
fn a_theme_overrides_templates_and_static_files_by_name() {
    let book = Book::fixture("small");
    book.write(
        "themes/corp/static/style.css",
        "body { color: rebeccapurple; }\n",
    );
    book.write(
        "themes/corp/static/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
    );
    book.write(
        "themes/corp/templates/clauses.html",
        "{% extends \"base.html\" %}{% block content %}<h1>Corporate clauses</h1>{% endblock content %}",
    );
    let toml = book.read("book.toml");
    book.write(
        "book.toml",
        &format!("{toml}\n[output.html]\ntheme = \"corp\"\n"),
    );
    let site = built(&book);
    assert_eq!(
        std::fs::read_to_string(site.join("static/style.css")).unwrap(),
        "body { color: rebeccapurple; }\n"
    );
    assert!(site.join("static/logo.svg").is_file());
    assert!(std::fs::read_to_string(site.join("clauses.html"))
        .unwrap()
        .contains("Corporate clauses"));
    // Templates the theme does not override come from the built-in theme.
    assert!(std::fs::read_to_string(site.join("index.html"))
        .unwrap()
        .contains("Coverage"));
}

#[test]
fn the_output_folder_guard_refuses_sources_and_foreign_folders() {
    let book = Book::fixture("small");
    let sources_before = tree(&book.root);
    let outside = book.outside();
    for dest in [".", "content", "content/site", "..", "/", "themes"] {
        let run = book.run(&["build", "-d", dest]);
        assert_eq!(run.code, 2, "-d {dest}: {run:?}");
        assert!(run.stderr.contains("refusing"), "-d {dest}: {}", run.stderr);
    }
    assert!(
        tree(&book.root) == sources_before,
        "a refused build changed the sources"
    );

    std::fs::create_dir_all(outside.join("mine")).unwrap();
    std::fs::write(outside.join("mine/notes.txt"), "keep me").unwrap();
    let run = book.run(&["build", "-d", "../mine"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        std::fs::read_to_string(outside.join("mine/notes.txt")).unwrap(),
        "keep me"
    );

    let run = book.run(&["build", "-d", "../site"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(outside.join("site/index.html").is_file());
    assert_eq!(
        book.run(&["build", "-d", "../site"]).code,
        0,
        "its own site may be replaced"
    );
}

#[test]
fn book_dir_argument_and_odd_file_names() {
    let book = Book::fixture("small");
    book.write(
        "content/policies/odd name #1 (v2) 100%.md",
        "---\nid: ODD-1\ntitle: Odd\nstatus: draft\nclauses: [\"5.2\"]\n---\n[back](security-policy.md)\n",
    );
    book.write(
        "content/policies/linker.md",
        "---\nid: LINK-1\ntitle: Linker\nstatus: draft\nclauses: [\"5.2\"]\n---\n[odd](odd%20name%20%231%20(v2)%20100%25.md) and [[ODD-1]] ![img](img/logo.png)\n",
    );
    std::fs::create_dir_all(book.root.join("content/policies/img")).unwrap();
    std::fs::write(book.root.join("content/policies/img/logo.png"), b"\x89PNG").unwrap();
    let run = run_in(&book.outside(), &["build", "book-src"]);
    assert_eq!(run.code, 0, "{run:?}");
    let site = book.root.join("book");
    assert!(site
        .join("docs/policies/odd name #1 (v2) 100%.html")
        .is_file());
    assert!(
        site.join("docs/policies/img/logo.png").is_file(),
        "assets are copied beside pages"
    );
    assert!(broken_links(&site).is_empty(), "{:?}", broken_links(&site));
    assert!(Path::new(&site).join(".policybook-site").is_file());
}

#[test]
fn init_theme_copies_the_built_in_theme_for_editing() {
    let book = Book::fixture("small");
    let run = book.run(&["init", "--theme", "corp"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("theme = \"corp\""), "{}", run.stderr);
    assert!(book
        .root
        .join("themes/corp/templates/document.html")
        .is_file());
    let css = book.read("themes/corp/static/style.css");
    book.write(
        "themes/corp/static/style.css",
        &format!("{css}\n/* corporate */\n"),
    );
    book.write("branding/extra.css", ".brand { letter-spacing: .02em; }\n");
    book.write(
        "branding/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
    );
    let toml = book.read("book.toml");
    book.write(
        "book.toml",
        &format!("{toml}\n[output.html]\ntheme = \"corp\"\nextra-css = [\"branding/extra.css\"]\nlogo = \"branding/logo.svg\"\n"),
    );
    let site = built(&book);
    assert!(std::fs::read_to_string(site.join("static/style.css"))
        .unwrap()
        .ends_with("/* corporate */\n"));
    assert!(site.join("static/book/extra.css").is_file());
    assert!(site.join("static/book/logo.svg").is_file());
    let page = std::fs::read_to_string(site.join("docs/policies/security-policy.html")).unwrap();
    assert!(page.contains(r#"<link rel="stylesheet" href="../../static/book/extra.css">"#));
    assert!(page.contains(r#"src="../../static/book/logo.svg""#));
    assert!(broken_links(&site).is_empty(), "{:?}", broken_links(&site));
    // A second init keeps the edited theme.
    assert_eq!(book.run(&["init", "--theme", "corp"]).code, 0);
    assert!(book
        .read("themes/corp/static/style.css")
        .ends_with("/* corporate */\n"));
    // A missing file is a located error.
    book.write(
        "book.toml",
        &book
            .read("book.toml")
            .replace("branding/logo.svg", "branding/nope.svg"),
    );
    let run = book.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("branding/nope.svg"), "{}", run.stdout);
}

/// Kills builds at many points; the output is always the whole previous site or the whole new
/// one, and a later build leaves no staging folder behind.
#[test]
fn a_killed_build_leaves_the_old_site_or_the_new_one_never_a_mix() {
    let book = Book::empty();
    book.write("book.toml", "[book]\ntitle = \"Kill\"\n");
    let write_docs = |marker: &str| {
        for i in 0..600 {
            book.write(
                &format!("content/d{i:03}.md"),
                &format!("---\nid: D-{i}\ntitle: Doc {i}\nstatus: draft\nclauses: [\"5.2\"]\n---\n{marker} {}\n", "text ".repeat(200)),
            );
        }
    };
    write_docs("OLD");
    let site = built(&book);
    let old = tree(&site);
    write_docs("NEW");
    // Kill at fractions of a whole build's time, so some kills land while the site is written.
    let started = std::time::Instant::now();
    assert_eq!(book.run(&["build", "-d", "../timing"]).code, 0);
    let whole = started.elapsed().as_millis() as u64;
    let pages: Vec<String> = old
        .keys()
        .filter(|p| p.starts_with("docs/"))
        .cloned()
        .collect();
    let mut saw_new = false;
    let mut mid_write = 0;
    for step in 0..30u64 {
        // Writing comes last: most kills aim at the second half of the build.
        let delay = if step < 5 {
            whole * step / 10
        } else {
            whole / 2 + whole * (step - 5) / 40
        };
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_policybook"))
            .args(["build"])
            .current_dir(&book.root)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
        let staging = std::fs::read_dir(&book.root).unwrap().any(|e| {
            e.unwrap()
                .file_name()
                .to_string_lossy()
                .contains("policybook-staging")
        });
        mid_write += usize::from(staging);
        let now = tree(&site);
        assert_eq!(
            now.keys().collect::<Vec<_>>(),
            old.keys().collect::<Vec<_>>(),
            "after {delay} ms"
        );
        let new = pages
            .iter()
            .filter(|p| String::from_utf8_lossy(&now[*p]).contains("NEW"))
            .count();
        assert!(
            new == 0 || new == pages.len(),
            "after {delay} ms: {new} of {} pages are new",
            pages.len()
        );
        if new == 0 {
            assert!(now == old, "after {delay} ms the old site changed");
        } else {
            saw_new = true;
        }
    }
    assert!(
        mid_write > 0,
        "no kill landed while the new site was being written"
    );
    eprintln!("killed {mid_write} builds while writing; the new site was complete after a kill: {saw_new}");
    built(&book);
    let leftovers: Vec<String> = std::fs::read_dir(&book.root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("policybook"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Matrices, chains and the print view are split into parts, so no page grows with the book.
#[test]
fn large_books_get_pages_in_parts() {
    let book = Book::empty();
    book.write("book.toml", "[book]\ntitle = \"Large\"\n");
    for i in 0..900 {
        book.write(
            &format!("content/d{i:03}.md"),
            &format!(
                "---\nid: D-{i:03}\ntitle: Doc {i}\nstatus: approved\napprover: CEO\nversion: \"1\"\nclauses: [\"5.2\"]\ncontrols: [\"A.5.{}\"]\n---\n{}\n",
                i % 37 + 1,
                "Policy text. ".repeat(300)
            ),
        );
    }
    let site = built(&book);
    let files = tree(&site);
    for part in [
        "traceability/clauses-5.html",
        "traceability/controls-5.html",
        "traceability/chain.html",
        "print-2.html",
    ] {
        assert!(files.contains_key(part), "{part}");
    }
    assert!(
        !files.contains_key("traceability/clauses-6.html"),
        "200 rows a part"
    );
    let clauses = String::from_utf8_lossy(&files["traceability/clauses-2.html"]);
    assert!(clauses.contains("Part 2 of 5"), "pager");
    let print = String::from_utf8_lossy(&files["print.html"]);
    assert!(
        print.contains("href=\"print-2.html#doc-D-"),
        "contents link into later parts"
    );
    let largest = files.iter().map(|(p, b)| (b.len(), p)).max().unwrap();
    assert!(largest.0 < 3_000_000, "largest page {largest:?}");
    assert!(
        broken_links(&site).is_empty(),
        "{:?}",
        broken_links(&site).first()
    );
}
