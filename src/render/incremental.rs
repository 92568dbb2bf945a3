//! What `serve` keeps between rebuilds so that an edit renders only the pages it changes: the
//! pages of the last round with a key each, computed from exactly what the page shows (its
//! data, or for the pages keyed by their inputs, the inputs listed here), and the layout of
//! each print part so that an edit to bodies alone only splices the new bodies in.

use super::*;

/// Rendered pages by path, with a hash of the data each was rendered from. A page whose data
/// is unchanged is not rendered again: its output depends only on the templates and its data.
#[derive(Default)]
pub(crate) struct PageCache {
    pub(super) pages: HashMap<String, (u64, Arc<[u8]>)>,
    /// What the lists, matrices, chains, SoA and gaps pages are made of (see [`book_key`]), and
    /// their paths: while it is unchanged, they are reused without building their data.
    pub(super) book_key: u64,
    pub(super) lists: Vec<String>,
    /// What [`render_bodies`] needs to render a document's pages again without the rest: the
    /// site's key, the print view's parts, the compiled templates.
    pub(super) site_key: u64,
    pub(super) print: Vec<Vec<usize>>,
    /// The compiled templates, with the strings they were compiled with (see `fold_words`).
    pub(super) tera: Option<(Arc<Tera>, u64)>,
    /// Where each print part's bodies sit in its bytes (with the built-in print template).
    pub(super) layouts: HashMap<String, Layout>,
}

impl PageCache {
    pub(crate) fn new() -> PageCache {
        PageCache::default()
    }

    pub(crate) fn get(&self, path: &str) -> Option<&(u64, Arc<[u8]>)> {
        self.pages.get(path)
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (&String, &(u64, Arc<[u8]>))> {
        self.pages.iter()
    }

    pub(crate) fn len(&self) -> usize {
        self.pages.len()
    }

    pub(crate) fn clear(&mut self) {
        *self = PageCache::default();
    }
}

/// A hash of what the list pages are made of: every document's row and references, every
/// clause's and control's row, the SoA, the gaps, the review schedule, the as-of date and the
/// site's settings (not bodies, and not related documents). Print parts are cut by body size;
/// the print pages are keyed on their own.
pub(super) fn book_key(model: &Model, views: &Views, site_key: u64) -> u64 {
    let references: Vec<(&[usize], &[usize])> = model
        .documents
        .iter()
        .map(|n| (&n.clauses[..], &n.controls[..]))
        .collect();
    let s = &model.soa;
    let soa = (
        (s.is_derived(), &s.version, &s.owner, &s.approver),
        (0..model.catalog.controls.len())
            .map(|c| model.applicability(c))
            .collect::<Vec<_>>(),
    );
    // The frameworks on the overview and gaps pages: coverage, names, titles and exclusions.
    let f = &model.frameworks;
    let about: Vec<(&str, &str, &str)> = (f.list.iter())
        .map(|x| (x.version.as_str(), x.publisher.as_str(), x.licence.as_str()))
        .collect();
    let frameworks = (
        &model.coverage,
        (f.signature(), about),
        &f.declared,
        &f.excluded,
    );
    // The SoA's links to risks and the traceability page's chain from each risk.
    let risks = (!model.registers.is_empty()).then(|| {
        (
            &model.risk_links,
            (model.registers.risks.iter())
                .map(|r| (&r.id, &r.title, r.current()))
                .collect::<Vec<_>>(),
        )
    });
    crate::key::of(&(
        (site_key, model.as_of),
        (risks, &model.audience_docs),
        (&views.docs, &views.clauses, &views.controls),
        references,
        (&model.gaps, model.review_schedule(), soa),
        frameworks,
    ))
}

/// A print part with some of its bodies replaced: `bodies` holds the new body for each
/// position of `layout` that changed. Everything between the bodies stays as it was.
pub(super) fn respliced(
    bytes: &[u8],
    layout: &[std::ops::Range<usize>],
    bodies: &[Option<String>],
) -> (Arc<[u8]>, Layout) {
    let mut out = Vec::with_capacity(bytes.len());
    let mut new_layout = Layout::with_capacity(layout.len());
    let mut done = 0;
    for (range, body) in layout.iter().zip(bodies) {
        out.extend_from_slice(&bytes[done..range.start]);
        let body = body.as_deref().map_or(&bytes[range.clone()], str::as_bytes);
        new_layout.push(out.len()..out.len() + body.len());
        out.extend_from_slice(body);
        done = range.end;
    }
    out.extend_from_slice(&bytes[done..]);
    (out.into(), new_layout)
}

/// After an edit that changed only the bodies of `docs` (their front matter, links and the
/// headings other documents link to are as before), renders again just the pages that show
/// those bodies: each document's page and the print parts holding it. `cache` is the one the
/// last [`render_cached`] left, and is brought up to date. `Done(None)` when more would change
/// (the print view would be cut differently, or there is no earlier render): render it all.
pub(crate) fn render_bodies(
    model: &Model,
    theme: &Theme,
    cache: &mut PageCache,
    docs: &[usize],
) -> Outcome<Option<Vec<OutputFile>>> {
    let Some((tera, _)) = cache.tera.clone() else {
        return Outcome::Done(None);
    };
    // A body edit may move where the print view is cut; then everything renders again.
    let order: Vec<usize> = cache.print.iter().flatten().copied().collect();
    if !cache.print.is_empty() && cut_print(model, order) != cache.print {
        return Outcome::Done(None);
    }
    let views = Views::new(model, false);
    let site = site_view(model);
    let words = Words::new(&model.settings.strings);
    let splice = builtin(theme, "print.html");
    // Each document's page, and each print part holding one of them (as `Err(part)`).
    let mut targets: Vec<Result<usize, usize>> = docs.iter().map(|&i| Ok(i)).collect();
    for (n, part) in cache.print.iter().enumerate() {
        if part.iter().any(|i| docs.contains(i)) {
            targets.push(Err(n));
        }
    }
    let cache_ref = &*cache;
    type Rendered = (String, u64, Result<(Arc<[u8]>, Layout), Diagnostic>);
    let rendered: Vec<Rendered> = targets
        .into_par_iter()
        .map(|target| {
            let (page, bodies, key) = match target {
                Ok(i) => (
                    document_page(model, &views, i),
                    Vec::new(),
                    document_page_key(model, &views, i, cache_ref.site_key),
                ),
                Err(n) => {
                    let part = &cache_ref.print[n];
                    let key = print_page_key(model, &cache_ref.print, n, cache_ref.site_key);
                    // Only bodies changed: the part's bytes with those bodies replaced.
                    let path = part_path("print", n + 1);
                    let kept = cache_ref.layouts.get(&path).zip(cache_ref.pages.get(&path));
                    if let Some((layout, (_, bytes))) = kept.filter(|(l, _)| l.len() == part.len())
                    {
                        let bodies: Vec<Option<String>> = part
                            .iter()
                            .map(|&i| {
                                docs.contains(&i).then(|| {
                                    print_body(&model.documents[i].body.html, &anchor(model, i))
                                })
                            })
                            .collect();
                        return (path, key, Ok(respliced(bytes, layout, &bodies)));
                    }
                    let (page, bodies) = print_page(model, &cache_ref.print, n, splice);
                    (page, bodies, key)
                }
            };
            let path = page.path.clone();
            (
                path,
                key,
                render_page(&tera, theme, &site, &words, page, bodies),
            )
        })
        .collect();
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for (path, key, bytes) in rendered {
        match bytes {
            Ok((bytes, layout)) => {
                if !layout.is_empty() {
                    cache.layouts.insert(path.clone(), layout);
                }
                cache.pages.insert(path.clone(), (key, bytes.clone()));
                files.push(OutputFile {
                    path,
                    contents: Contents::Bytes(bytes),
                });
            }
            Err(d) => errors.push(d),
        }
    }
    if !errors.is_empty() {
        return Outcome::BookErrors(errors);
    }
    Outcome::Done(Some(files))
}

/// The key of a page keyed by what it shows (a `...Shown` value of `pages`, which is also
/// its data, with its bodies' keys where it shows bodies) rather than by the JSON of its data:
/// cheaper, as nothing is serialized.
pub(super) fn page_key(site_key: u64, path: &str, shown: &impl Hash) -> u64 {
    crate::key::of(&(site_key, path, shown))
}

/// What a part of a matrix or chain shows, cheaply: its documents' rows and the clauses or
/// controls of each, and which clauses and controls are covered and applicable (the rest of
/// the columns and items comes from the catalog). `None` for other lists, which are keyed by
/// their data.
pub(super) fn part_key(
    model: &Model,
    views: &Views,
    plan: &Plan,
    list: List,
    site_key: u64,
) -> Option<u64> {
    let mut h = crate::key::hasher();
    let row = |h: &mut crate::key::Hasher, d: usize, of: &[usize]| {
        views.docs[d].hash(h);
        of.hash(h);
    };
    // Columns and items show whether each clause and control is covered and applicable.
    for item in views.clauses.iter().chain(&views.controls) {
        (item.covered, item.applicable).hash(&mut h);
    }
    match list {
        List::ClauseMatrix(n) | List::ControlMatrix(n) => {
            (site_key, list.path(plan), plan.matrix_parts()).hash(&mut h);
            let clauses = matches!(list, List::ClauseMatrix(_));
            for &d in matrix_rows(plan, n) {
                let n = &model.documents[d];
                row(&mut h, d, if clauses { &n.clauses } else { &n.controls });
            }
        }
        List::Chain(n) | List::ReverseChain(n) => {
            let forward = matches!(list, List::Chain(_));
            let (parts, docs_of) = if forward {
                (&plan.chain, &model.clause_docs)
            } else {
                (&plan.reverse, &model.control_docs)
            };
            (site_key, list.path(plan), parts.len()).hash(&mut h);
            for (item, range) in parts.get(n).map_or(&[][..], |p| &p[..]) {
                (item, range).hash(&mut h);
                for &d in &docs_of[*item][range.clone()] {
                    let n = &model.documents[d];
                    row(&mut h, d, if forward { &n.controls } else { &n.clauses });
                }
            }
        }
        _ => return None,
    }
    Some(h.finish())
}

/// A hash of everything a document's page shows: its body (by key), at its path, and all else
/// it shows (see [`DocumentShown`]).
pub(super) fn document_page_key(model: &Model, views: &Views, i: usize, site_key: u64) -> u64 {
    let n = &model.documents[i];
    page_key(
        site_key,
        &n.page,
        &(n.shown_key(), document_shown(model, views, i)),
    )
}

/// A hash of everything a part of the print view shows: its bodies (by key) and all else it
/// shows (see [`PartShown`]).
pub(super) fn print_page_key(model: &Model, parts: &[Vec<usize>], n: usize, site_key: u64) -> u64 {
    let bodies: Vec<u64> = parts[n]
        .iter()
        .map(|&i| model.documents[i].shown_key())
        .collect();
    page_key(
        site_key,
        &part_path("print", n + 1),
        &(bodies, part_shown(model, parts, n)),
    )
}

#[cfg(test)]
mod tests {
    use crate::engine::{Engine, Outcome, Rebuilt};
    use crate::outcome::Outcome::Done;
    use crate::site::{Contents, OutputFile};
    use crate::testing::TestBook;

    fn bytes(f: &OutputFile) -> Vec<u8> {
        match &f.contents {
            Contents::Bytes(b) => b.to_vec(),
            Contents::Copy(p) => std::fs::read(p).unwrap(),
        }
    }

    /// Rebuilds with the engine's caches and asserts every page is what a whole build writes.
    fn assert_serve_matches_build(engine: &mut Engine, book: &TestBook) {
        let outcome: Outcome = engine.rebuild().unwrap();
        let Done(Rebuilt { files, .. }) = outcome else {
            panic!("the book builds")
        };
        let built =
            crate::pipeline::site_files(&book.checked(), &crate::progress::Progress::none())
                .unwrap()
                .done()
                .unwrap();
        let built: std::collections::HashMap<&str, Vec<u8>> =
            built.iter().map(|f| (f.path.as_str(), bytes(f))).collect();
        assert!(files.len() > 100, "the pages of the book");
        for f in &files {
            assert!(
                built.get(f.path.as_str()) == Some(&bytes(f)),
                "{} differs from a whole build",
                f.path
            );
        }
    }

    /// Every field a page's template can show is part of its key: a book's own document
    /// template that shows what the built-in one does not (a control's coverage, front-matter
    /// fields of the document-control block) still gets the pages a whole build writes after
    /// each edit. With keys that listed a page's fields by hand, A's page went stale when C's
    /// approval changed A.5.3's coverage.
    #[test]
    fn pages_keyed_by_what_they_show_follow_edits_of_fields_only_a_theme_shows() {
        // A is a draft: control A.5.3, which only A lists, is not covered yet.
        let a = "status: draft\nrelated: [B]\ncontrols: [\"A.5.3\"]\nclassification: internal";
        let book = TestBook::new()
            .toml("[output.html]\ntheme = \"corp\"\n")
            .file(
                "themes/corp/templates/document.html",
                "{% extends \"base.html\" %}{% block content %}{{ doc.classification }} \
                 {{ doc.effective }}{% for c in controls %} {{ c.id }}:{{ c.covered }}{% endfor %}\
                 {% for d in related %} {{ d.id }}:{{ d.version }}{% endfor %}{% endblock content %}",
            )
            .doc_with("A", a, "Text.")
            .doc("B", "Text.")
            .doc_with("C", "clauses: [\"6.1\"]", "Text.");
        let mut engine = book.engine();
        assert_serve_matches_build(&mut engine, &book);
        // Shown only in A's document-control block.
        let a = a.replace("internal", "confidential");
        book.edit("A", &a, "Text.");
        assert_serve_matches_build(&mut engine, &book);
        book.edit("A", &format!("{a}\neffective: 2026-01-05"), "Text.");
        assert_serve_matches_build(&mut engine, &book);
        // C, approved, now addresses A.5.3 too: A's page shows it covered.
        book.edit("C", "clauses: [\"6.1\"]\ncontrols: [\"A.5.3\"]", "Text.");
        assert_serve_matches_build(&mut engine, &book);
        // B's version, shown on A's page among its related documents.
        book.edit("B", "version: \"2\"", "Text.");
        assert_serve_matches_build(&mut engine, &book);
    }

    /// The framework pages follow edits of the framework ids documents name, of a document's
    /// status (what derives coverage) and of the book's own framework file.
    #[test]
    fn framework_pages_follow_edits_of_the_requirements_documents_name() {
        use crate::render::frameworks::tests::{book, site, SOC2};
        let book = book();
        let mut engine = book.engine();
        assert_serve_matches_build(&mut engine, &book);
        // POL-2 names CC7.1 instead of CC6.2: both pages, the overview, matrix and gaps change.
        let fields = "controls: [\"soc2:CC7.1\", \"nist-csf-2.0:PR.AA-01\"]";
        book.edit("POL-2", fields, "Users.");
        assert_serve_matches_build(&mut engine, &book);
        let built = site(&book);
        assert!(built["frameworks/soc2/CC7.1.html"].contains("state-covered"));
        assert!(built["frameworks/soc2/CC6.2.html"].contains("state-uncovered"));
        // POL-1 becomes a draft: CC6.1 is no longer derived.
        book.edit("POL-1", "status: draft\ncontrols: [\"A.5.15\"]", "Access.");
        assert_serve_matches_build(&mut engine, &book);
        // A title in the book's framework file.
        book.write(
            "frameworks/soc2.yaml",
            SOC2.replace("User registration", "User registration and removal"),
        );
        assert_serve_matches_build(&mut engine, &book);
    }

    /// The registers' pages follow edits of the register: a risk scored again renders its
    /// page, the register (row and heat maps) and the pages that show its level again.
    #[test]
    fn risk_pages_follow_edits_of_the_register() {
        use crate::render::risks::tests::{book, files, RISKS};
        let book = book();
        let mut engine = book.engine();
        assert_serve_matches_build(&mut engine, &book);
        let rare = "    likelihood: rare\n    impact: minor\n";
        assert!(RISKS.contains(rare));
        book.write(
            "registers/risks.yaml",
            RISKS.replace(rare, "    likelihood: likely\n    impact: severe\n"),
        );
        assert_serve_matches_build(&mut engine, &book);
        let built = files(&book);
        let page = String::from_utf8(built["risks/R-006.html"].clone()).unwrap();
        assert!(page.contains("likely × severe = <span class=\"level level-high\">20 high</span>"));
        let register = String::from_utf8(built["risks.html"].clone()).unwrap();
        assert!(register.contains("aria-label=\"likely × severe: 1 risk (score 20, high)\""));
        // A title in the exceptions register.
        book.write(
            "registers/exceptions.yaml",
            crate::render::risks::tests::EXCEPTIONS
                .replace("Unencrypted backup drive", "Backup drive"),
        );
        assert_serve_matches_build(&mut engine, &book);
    }
}
