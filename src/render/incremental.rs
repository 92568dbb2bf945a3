//! What `serve` keeps between rebuilds so that an edit renders only the pages it changes: the
//! pages of the last round with a key each, computed from exactly what the page shows (its
//! data, or for the pages keyed by their inputs, the inputs listed here), and the layout of
//! each print part so that an edit to bodies alone only splices the new bodies in.

use super::*;

/// Rendered pages by path, with a hash of the data each was rendered from. A page whose data
/// is unchanged is not rendered again: its output depends only on the templates and its data.
#[derive(Default)]
pub struct PageCache {
    pub(super) pages: HashMap<String, (u64, Arc<[u8]>)>,
    /// What the lists, matrices, chains, SoA and gaps pages are made of (see [`book_key`]), and
    /// their paths: while it is unchanged, they are reused without building their data.
    pub(super) book_key: u64,
    pub(super) lists: Vec<String>,
    /// What [`render_bodies`] needs to render a document's pages again without the rest: the
    /// site's key, the print view's parts, the compiled templates.
    pub(super) site_key: u64,
    pub(super) print: Vec<Vec<usize>>,
    pub(super) tera: Option<Arc<Tera>>,
    /// Where each print part's bodies sit in its bytes (with the built-in print template).
    pub(super) layouts: HashMap<String, Layout>,
}

impl PageCache {
    pub fn new() -> PageCache {
        PageCache::default()
    }

    pub fn get(&self, path: &str) -> Option<&(u64, Arc<[u8]>)> {
        self.pages.get(path)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &(u64, Arc<[u8]>))> {
        self.pages.iter()
    }

    pub fn len(&self) -> usize {
        self.pages.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pages.is_empty()
    }

    pub fn clear(&mut self) {
        *self = PageCache::default();
    }
}

/// A hash of what the list pages show: every document's listed fields and references, the SoA,
/// the as-of date and the site's settings (not bodies, and not related documents).
pub(super) fn book_key(model: &Model, site_key: u64) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    (site_key, model.as_of, model.documents.len()).hash(&mut h);
    for n in &model.documents {
        let d = &n.doc;
        (
            &n.page,
            &d.id,
            &d.title,
            d.kind,
            d.status,
            &d.version,
            &d.owner,
            d.review_by,
        )
            .hash(&mut h);
        (&n.clauses, &n.controls).hash(&mut h);
        // Print parts are cut by body size; the print pages are keyed on their own.
    }
    format!(
        "{:?}{:?}{:?}{:?}",
        model.soa.decisions, model.soa.version, model.soa.owner, model.soa.approver
    )
    .hash(&mut h);
    h.finish()
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
/// last [`render_cached`] left, and is brought up to date. `Ok(None)` when more would change
/// (the print view would be cut differently, or there is no earlier render): render it all.
pub fn render_bodies(
    model: &Model,
    theme: &Theme,
    cache: &mut PageCache,
    docs: &[usize],
) -> Result<Option<Vec<OutputFile>>, Vec<Diagnostic>> {
    let Some(tera) = cache.tera.clone() else {
        return Ok(None);
    };
    // A body edit may move where the print view is cut; then everything renders again.
    let order: Vec<usize> = cache.print.iter().flatten().copied().collect();
    if !cache.print.is_empty() && cut_print(model, order) != cache.print {
        return Ok(None);
    }
    let views = Views::new(model, false);
    let site = site_view(model);
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
                    document_page_key(model, i, cache_ref.site_key),
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
                                    let anchor = format!("doc-{}", model.documents[i].doc.id);
                                    print_body(&model.documents[i].body.html, &anchor)
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
            (path, key, render_page(&tera, theme, &site, page, bodies))
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
        return Err(errors);
    }
    Ok(Some(files))
}

/// What clause `i`'s page shows, cheaply: its row, its parent's and children's, and the
/// documents addressing and mentioning it.
pub(super) fn clause_page_key(model: &Model, views: &Views, i: usize, site_key: u64) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    (site_key, "clause", i, &views.clauses[i]).hash(&mut h);
    for (j, c) in model.catalog.clauses.iter().enumerate() {
        if c.parent == Some(i) || model.catalog.clauses[i].parent == Some(j) {
            views.clauses[j].hash(&mut h);
        }
    }
    for &d in model.clause_docs[i].iter().chain(&model.clause_mentions[i]) {
        (d, &views.docs[d]).hash(&mut h);
    }
    h.finish()
}

/// What control `i`'s page shows, cheaply: its row and SoA entry, the documents addressing
/// and mentioning it, and the clauses those documents address.
pub(super) fn control_page_key(model: &Model, views: &Views, i: usize, site_key: u64) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    (site_key, "control", i, &views.controls[i]).hash(&mut h);
    (model.applicability(i), model.soa.is_derived()).hash(&mut h);
    for &d in model.control_docs[i]
        .iter()
        .chain(&model.control_mentions[i])
    {
        (d, &views.docs[d]).hash(&mut h);
        for &c in &model.documents[d].clauses {
            views.clauses[c].hash(&mut h);
        }
    }
    h.finish()
}

/// What the documents page shows, cheaply: every document's row and folder.
pub(super) fn documents_page_key(model: &Model, views: &Views, site_key: u64) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    (site_key, "documents", model.documents.len()).hash(&mut h);
    for (n, row) in model.documents.iter().zip(&views.docs) {
        (n.doc.rel.parent(), row).hash(&mut h);
    }
    h.finish()
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
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    let row = |h: &mut xxhash_rust::xxh3::Xxh3, d: usize, of: &[usize]| {
        views.docs[d].hash(h);
        of.hash(h);
    };
    // Columns and items show whether each clause and control is covered and applicable.
    for item in views.clauses.iter().chain(&views.controls) {
        (item.covered, item.applicable).hash(&mut h);
    }
    match list {
        List::ClauseMatrix(n) | List::ControlMatrix(n) => {
            (site_key, list.path(), plan.matrix_parts()).hash(&mut h);
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
            (site_key, list.path(), parts.len()).hash(&mut h);
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

/// A hash of everything a document's page shows: its body (by key), its front matter, the
/// documents it lists (related, referenced by) as they appear there, and the site's settings.
pub(super) fn document_page_key(model: &Model, i: usize, site_key: u64) -> u64 {
    let n = &model.documents[i];
    let d = &n.doc;
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    (
        site_key,
        n.shown_key(),
        &n.page,
        &d.id,
        &d.title,
        d.kind,
        &d.owner,
        &d.approver,
    )
        .hash(&mut h);
    model.settings.config.build.content_dir.hash(&mut h);
    model
        .settings
        .config
        .output
        .html
        .edit_url_template
        .hash(&mut h);
    (
        &d.version,
        d.status,
        &d.classification,
        d.effective,
        d.review_by,
        &d.tags,
        &d.rel,
        &d.extra,
    )
        .hash(&mut h);
    (
        d.review_by.is_some_and(|r| r < model.as_of),
        &n.clauses,
        &n.controls,
    )
        .hash(&mut h);
    (
        d.approved_on,
        d.last_reviewed,
        d.review_interval,
        model.history.of(&d.rel),
        model.history.head.is_some(),
    )
        .hash(&mut h);
    for &j in n.related.iter().chain(&model.referenced_by[i]) {
        let o = &model.documents[j];
        (
            j,
            &o.doc.id,
            &o.doc.title,
            o.doc.status,
            &o.doc.version,
            &o.doc.owner,
            &o.doc.review_by,
            o.doc.kind,
            &o.page,
        )
            .hash(&mut h);
    }
    h.finish()
}

/// What a part of the print view shows, cheaply: for each of its documents, the body and what
/// [`doc_view`] is made of; for the first part, the list of all documents.
pub(super) fn print_page_key(model: &Model, parts: &[Vec<usize>], n: usize, site_key: u64) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    (site_key, n, parts.len(), model.as_of).hash(&mut h);
    model.settings.config.build.content_dir.hash(&mut h);
    for &i in &parts[n] {
        let node = &model.documents[i];
        let d = &node.doc;
        (
            node.shown_key(),
            &d.id,
            &d.title,
            d.kind,
            &d.owner,
            &d.approver,
            &d.version,
        )
            .hash(&mut h);
        (
            d.status,
            &d.classification,
            d.effective,
            d.review_by,
            d.approved_on,
        )
            .hash(&mut h);
        (d.last_reviewed, d.review_interval, &d.tags, &d.rel).hash(&mut h);
    }
    if n == 0 {
        for (p, part) in parts.iter().enumerate() {
            for &i in part {
                (p, &model.documents[i].doc.id, &model.documents[i].doc.title).hash(&mut h);
            }
        }
    }
    h.finish()
}
