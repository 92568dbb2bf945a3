//! Model -> every file of the site, in memory: pages from tera templates, static files, assets.
//!
//! Pages are rendered in parallel from shared views; nothing per page grows with the size of the
//! book except the page's own content. Templates autoescape everything; only document bodies,
//! which the Markdown pass has already made safe, are inserted raw.

pub mod views;

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::diagnostic::{display_path, Diagnostic};
use crate::document::{DocKind, Status};
use crate::highlight::escape_html;
use crate::model::Model;
use crate::paths;
use crate::progress::Progress;
use crate::site::{Contents, OutputFile, Sink};
use crate::theme::Theme;
use views::*;

/// A page to render: which template, at which path, with which page-specific data.
struct Page {
    path: String,
    template: &'static str,
    nav: &'static str,
    title: String,
    data: Data,
}

/// A page's data for its template. Under `serve` ([`Views::keyed`]) values are kept as JSON,
/// so that an unchanged page is recognised by a hash of its data without building the
/// template's context; otherwise they go straight into the context.
enum Data {
    Context(Context),
    Json(Vec<(&'static str, Vec<u8>)>),
}

impl Data {
    fn new(keyed: bool) -> Data {
        if keyed {
            Data::Json(Vec::new())
        } else {
            Data::Context(Context::new())
        }
    }

    fn insert<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        match self {
            Data::Context(ctx) => ctx.insert(key, value),
            Data::Json(fields) => {
                fields.push((key, serde_json::to_vec(value).unwrap_or_default()));
            }
        }
    }

    /// A hash of the data (0 when it is not kept as JSON).
    fn key(&self) -> u64 {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        if let Data::Json(fields) = self {
            fields.hash(&mut h);
        }
        h.finish()
    }

    fn into_context(self) -> Context {
        match self {
            Data::Context(ctx) => ctx,
            Data::Json(fields) => {
                let mut ctx = Context::new();
                for (key, json) in fields {
                    let value: serde_json::Value =
                        serde_json::from_slice(&json).unwrap_or_default();
                    ctx.insert(key, &value);
                }
                ctx
            }
        }
    }
}

/// Rendered pages by path, with a hash of the data each was rendered from. A page whose data
/// is unchanged is not rendered again: its output depends only on the templates and its data.
#[derive(Default)]
pub struct PageCache {
    pages: HashMap<String, (u64, Arc<[u8]>)>,
    /// What the lists, matrices, chains, SoA and gaps pages are made of (see [`book_key`]), and
    /// their paths: while it is unchanged, they are reused without building their data.
    book_key: u64,
    lists: Vec<String>,
    /// What [`render_bodies`] needs to render a document's pages again without the rest: the
    /// site's key, the print view's parts, the compiled templates.
    site_key: u64,
    print: Vec<Vec<usize>>,
    tera: Option<Arc<Tera>>,
    /// Where each print part's bodies sit in its bytes (with the built-in print template).
    layouts: HashMap<String, Layout>,
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
fn book_key(model: &Model, site_key: u64) -> u64 {
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

/// Renders the whole site. `Err` holds template problems (a book's theme override, usually).
pub fn render(model: &Model, theme: &Theme) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    render_cached(model, theme, None, &Progress::none()).map(|(files, _)| files)
}

/// Like [`render`], reusing pages of `previous` (rendered with the same theme) whose data has
/// not changed. With a `previous` cache (even an empty one), also returns the cache for the next
/// round; without, pages are not hashed at all.
pub fn render_cached(
    model: &Model,
    theme: &Theme,
    previous: Option<&PageCache>,
    progress: &Progress,
) -> Result<(Vec<OutputFile>, PageCache), Vec<Diagnostic>> {
    let files = std::sync::Mutex::new(Vec::new());
    let sink = |f: OutputFile| {
        files.lock().unwrap_or_else(|e| e.into_inner()).push(f);
        Ok(())
    };
    let cache = match render_to(model, theme, previous, progress, &sink) {
        Ok(result) => result?,
        Err(e) => return Err(vec![Diagnostic::error("render-failed", format!("{e:#}"))]),
    };
    let mut files = files.into_inner().unwrap_or_else(|e| e.into_inner());
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((files, cache))
}

/// A rendered page kept for the next round: path, data hash, bytes.
type Cached = (String, u64, Arc<[u8]>);

/// Why a page was not rendered.
enum Failure {
    Template(Diagnostic),
    Io(anyhow::Error),
}

/// Renders every page and static file of the site into `sink` (not the whole-book files of
/// [`crate::pipeline::extras`]), in
/// parallel, building each page's data only when it is rendered, so the whole site is never in
/// memory at once. `Err` is a failure of the sink; `Ok(Err)` holds template problems.
pub fn render_to(
    model: &Model,
    theme: &Theme,
    previous: Option<&PageCache>,
    progress: &Progress,
    sink: &Sink,
) -> anyhow::Result<Result<PageCache, Vec<Diagnostic>>> {
    let tera = match previous.and_then(|p| p.tera.clone()) {
        Some(t) => t,
        None => match templates(theme) {
            Ok(t) => Arc::new(t),
            Err(d) => return Ok(Err(d)),
        },
    };
    let views = Views::new(model, previous.is_some());
    let site = site_view(model);
    let splice = builtin(theme, "print.html");
    let print = print_parts(model);
    let plan = Plan::new(model);
    let site_key = previous.map_or(0, |_| {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        serde_json::to_vec(&site).unwrap_or_default().hash(&mut h);
        h.finish()
    });
    let book = previous.map_or(0, |_| book_key(model, site_key));
    // Unchanged list pages are passed on as they are, without building their data.
    let reuse_lists = previous.filter(|p| p.book_key == book && !p.lists.is_empty());
    let mut reused: Vec<Cached> = Vec::new();
    if let Some(p) = reuse_lists {
        for path in &p.lists {
            if let Some((key, bytes)) = p.get(path) {
                sink(OutputFile {
                    path: path.clone(),
                    contents: Contents::Bytes(bytes.clone()),
                })?;
                reused.push((path.clone(), *key, bytes.clone()));
            }
        }
    }
    let specs = pages(model, &plan, &print, reuse_lists.is_none());
    let lists: Vec<String> = match reuse_lists {
        Some(p) => p.lists.clone(),
        None => plan.lists().into_iter().map(List::path).collect(),
    };
    progress.stage("rendering", specs.len());
    // Where the print parts rendered now hold their bodies (see `render_bodies`).
    let layouts = std::sync::Mutex::new(HashMap::new());

    let rendered: Vec<Result<Option<Cached>, Failure>> = specs
        .into_par_iter()
        .map(|spec| {
            // Pages keyed by their inputs (documents, clauses, controls, the documents list,
            // print parts, matrix and chain parts) cost no data at all when unchanged.
            let cheap = match (previous, &spec) {
                (Some(_), PageSpec::Document(i)) => Some((
                    model.documents[*i].page.clone(),
                    document_page_key(model, *i, site_key),
                )),
                (Some(_), PageSpec::Print(parts, n)) => Some((
                    part_path("print", n + 1),
                    print_page_key(model, parts, *n, site_key),
                )),
                (Some(_), PageSpec::Clause(i)) => Some((
                    paths::clause_file(&model.catalog.clauses[*i].id),
                    clause_page_key(model, &views, *i, site_key),
                )),
                (Some(_), PageSpec::Control(i)) => Some((
                    paths::control_file(&model.catalog.controls[*i].id),
                    control_page_key(model, &views, *i, site_key),
                )),
                (Some(_), PageSpec::List(List::Documents)) => Some((
                    List::Documents.path(),
                    documents_page_key(model, &views, site_key),
                )),
                (Some(_), PageSpec::List(list)) => {
                    part_key(model, &views, &plan, *list, site_key).map(|k| (list.path(), k))
                }
                _ => None,
            };
            if let (Some(cache), Some((path, key))) = (previous, &cheap) {
                if let Some((k, bytes)) = cache.get(path).filter(|(k, _)| k == key) {
                    progress.inc();
                    sink(OutputFile {
                        path: path.clone(),
                        contents: Contents::Bytes(bytes.clone()),
                    })
                    .map_err(Failure::Io)?;
                    return Ok(Some((path.clone(), *k, bytes.clone())));
                }
            }
            let (page, bodies) = spec.materialize(model, &views, &plan, splice);
            progress.inc();
            let key = match (previous, cheap) {
                (None, _) => 0,
                (Some(_), Some((_, key))) => key,
                (Some(_), None) => {
                    let mut h = xxhash_rust::xxh3::Xxh3::new();
                    (
                        page.template,
                        page.nav,
                        &page.title,
                        site_key,
                        page.data.key(),
                    )
                        .hash(&mut h);
                    h.finish()
                }
            };
            let reused = previous
                .and_then(|p| p.get(&page.path))
                .filter(|(k, _)| *k == key)
                .map(|(_, bytes)| bytes.clone());
            let path = page.path.clone();
            let bytes: Arc<[u8]> = match reused {
                Some(bytes) => bytes,
                None => {
                    let (bytes, layout) = render_page(&tera, theme, &site, page, bodies)
                        .map_err(Failure::Template)?;
                    if previous.is_some() && !layout.is_empty() {
                        layouts
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .insert(path.clone(), layout);
                    }
                    bytes
                }
            };
            sink(OutputFile {
                path: path.clone(),
                contents: Contents::Bytes(bytes.clone()),
            })
            .map_err(Failure::Io)?;
            Ok(previous.map(|_| (path, key, bytes)))
        })
        .collect();
    let mut errors = Vec::new();
    let mut cache = PageCache::new();
    if previous.is_some() {
        cache.book_key = book;
        cache.lists = lists;
        cache.site_key = site_key;
        cache.print = print.clone();
        cache.tera = Some(tera.clone());
        let mut layouts = layouts.into_inner().unwrap_or_else(|e| e.into_inner());
        for n in 0..print.len() {
            let path = part_path("print", n + 1);
            if let Some(layout) = previous
                .and_then(|p| p.layouts.get(&path))
                .filter(|_| !layouts.contains_key(&path))
            {
                layouts.insert(path, layout.clone());
            }
        }
        cache.layouts = layouts;
        cache.pages.extend(
            reused
                .into_iter()
                .map(|(path, key, bytes)| (path, (key, bytes))),
        );
    }
    for r in rendered {
        match r {
            Ok(Some((path, key, bytes))) => {
                cache.pages.insert(path, (key, bytes));
            }
            Ok(None) => {}
            Err(Failure::Io(e)) => return Err(e),
            Err(Failure::Template(d)) => {
                if !errors.iter().any(|e: &Diagnostic| e.message == d.message) {
                    errors.push(d);
                }
            }
        }
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    for (name, bytes) in &theme.statics {
        sink(OutputFile {
            path: format!("static/{name}"),
            contents: Contents::Bytes(bytes.clone().into()),
        })?;
    }
    let html = &model.settings.config.output.html;
    for extra in html.stylesheets().chain(html.logo.iter()) {
        sink(OutputFile {
            path: book_static(extra),
            contents: Contents::Copy(model.settings.root.join(extra)),
        })?;
    }
    for asset in &model.assets {
        sink(OutputFile {
            path: paths::asset_file(&asset.rel),
            contents: Contents::Copy(asset.abs.clone()),
        })?;
    }
    for (path, to) in redirects(model) {
        sink(OutputFile {
            contents: Contents::Bytes(redirect_page(&site, &to).into_bytes().into()),
            path,
        })?;
    }
    if let Some(cname) = &html.cname {
        sink(OutputFile {
            path: "CNAME".into(),
            contents: Contents::Bytes(format!("{cname}\n").into_bytes().into()),
        })?;
    }
    Ok(Ok(cache))
}

/// Every redirect page of the site: site path -> where it sends the reader (relative to it,
/// or a web address). From `[output.html.redirect]` and documents' `aliases`; a path that
/// another page or file takes is left out (`check` reports it).
pub fn redirects(model: &Model) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (from, to) in &model.settings.config.output.html.redirect {
        if let Some(path) = paths::redirect_file(from).filter(|_| paths::is_safe_redirect(to)) {
            out.push((path, to.clone()));
        }
    }
    for n in &model.documents {
        for alias in &n.doc.aliases {
            if let Some(path) = paths::redirect_file(&alias.target) {
                let to = paths::href(&path, &n.page);
                out.push((path, to));
            }
        }
    }
    let taken: std::collections::HashSet<String> = model
        .documents
        .iter()
        .map(|n| n.page.to_lowercase())
        .chain(
            model
                .assets
                .iter()
                .map(|a| paths::asset_file(&a.rel).to_lowercase()),
        )
        .collect();
    out.retain(|(path, _)| !paths::is_generated(path) && !taken.contains(&path.to_lowercase()));
    out.sort();
    out.dedup_by(|a, b| a.0.to_lowercase() == b.0.to_lowercase());
    out
}

/// A page that sends the reader on to `to` at once: a meta refresh (no script, so the sites'
/// content security policy holds) and a link for readers whose browser does not follow it.
fn redirect_page(site: &SiteView, to: &str) -> String {
    let to = crate::highlight::escape_html(to);
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>Moved · {title}</title>\n<meta http-equiv=\"refresh\" content=\"0; url={to}\">\n<link rel=\"canonical\" href=\"{to}\">\n<meta name=\"robots\" content=\"noindex\">\n</head>\n<body>\n<p>This page has moved to <a href=\"{to}\">{to}</a>.</p>\n</body>\n</html>\n",
        lang = crate::highlight::escape_html(site.language),
        title = crate::highlight::escape_html(site.title),
    )
}

/// Stands for a body in a print part's template data; see [`print_page`]. An HTML comment,
/// which no escaped text can produce, so it cannot be forged by a title.
const BODY_MARKER: &str = "<!--policybook:body-->";

/// True when the theme's template `name` is the built-in one, not the book's own.
fn builtin(theme: &Theme, name: &str) -> bool {
    theme
        .templates
        .get(name)
        .is_some_and(|(_, origin)| origin.starts_with("built-in"))
}

/// Where the bodies sit in a print part's bytes, in the order of its documents.
type Layout = Vec<std::ops::Range<usize>>;

/// Renders one page's template with its data and the values every page has, and puts
/// `bodies` in place of the [`BODY_MARKER`]s, in order, saying where each went.
fn render_page(
    tera: &Tera,
    theme: &Theme,
    site: &SiteView,
    page: Page,
    bodies: Vec<String>,
) -> Result<(Arc<[u8]>, Layout), Diagnostic> {
    let mut ctx = page.data.into_context();
    ctx.insert("site", site);
    ctx.insert("root", &paths::root_of(&page.path));
    ctx.insert("page_path", &paths::encode(&page.path));
    ctx.insert("nav", page.nav);
    ctx.insert("page_title", &page.title);
    let html = tera
        .render(page.template, &ctx)
        .map_err(|e| template_error(theme, page.template, &e))?;
    if bodies.is_empty() {
        return Ok((html.into_bytes().into(), Layout::new()));
    }
    let pieces: Vec<&str> = html.split(BODY_MARKER).collect();
    if pieces.len() != bodies.len() + 1 {
        return Err(Diagnostic::error(
            "render-failed",
            format!(
                "{}: the documents' bodies could not be put in place",
                page.path
            ),
        ));
    }
    let size = html.len() + bodies.iter().map(String::len).sum::<usize>();
    let mut out = String::with_capacity(size);
    let mut layout = Layout::with_capacity(bodies.len());
    for (piece, body) in pieces.iter().zip(&bodies) {
        out.push_str(piece);
        layout.push(out.len()..out.len() + body.len());
        out.push_str(body);
    }
    out.push_str(pieces[bodies.len()]);
    Ok((out.into_bytes().into(), layout))
}

/// A print part with some of its bodies replaced: `bodies` holds the new body for each
/// position of `layout` that changed. Everything between the bodies stays as it was.
fn respliced(
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
fn clause_page_key(model: &Model, views: &Views, i: usize, site_key: u64) -> u64 {
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
fn control_page_key(model: &Model, views: &Views, i: usize, site_key: u64) -> u64 {
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
fn documents_page_key(model: &Model, views: &Views, site_key: u64) -> u64 {
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
fn part_key(model: &Model, views: &Views, plan: &Plan, list: List, site_key: u64) -> Option<u64> {
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
fn document_page_key(model: &Model, i: usize, site_key: u64) -> u64 {
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

fn templates(theme: &Theme) -> Result<Tera, Vec<Diagnostic>> {
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html"]);
    tera.set_escape_fn(escape_html);
    let list: Vec<(&str, &str)> = theme
        .templates
        .iter()
        .map(|(name, (src, _))| (name.as_str(), src.as_str()))
        .collect();
    tera.add_raw_templates(list).map_err(|e| {
        vec![Diagnostic::error(
            "template-error",
            format!("a theme template is invalid: {}", error_chain(&e)),
        )
        .hint("fix the template in your theme folder, or delete it to use the built-in one")]
    })?;
    Ok(tera)
}

fn template_error(theme: &Theme, template: &str, e: &tera::Error) -> Diagnostic {
    let origin = theme
        .templates
        .get(template)
        .map_or_else(|| template.to_string(), |(_, o)| o.clone());
    Diagnostic::error(
        "template-error",
        format!("rendering with {origin} failed: {}", error_chain(e)),
    )
    .hint("fix the template in your theme folder, or delete it to use the built-in one")
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.join(": ")
}

fn site_view(model: &Model) -> SiteView<'_> {
    let book = &model.settings.config.book;
    let html = &model.settings.config.output.html;
    SiteView {
        title: &book.title,
        organization: book.organization.as_deref(),
        description: book.description.as_deref(),
        language: &book.language,
        edition: &model.catalog.edition,
        generator: format!("policybook {}", env!("CARGO_PKG_VERSION")),
        extra_css: html
            .stylesheets()
            .map(|p| paths::encode(&book_static(p)))
            .collect(),
        logo: html.logo.as_ref().map(|p| paths::encode(&book_static(p))),
        authors: book.authors.iter().map(String::as_str).collect(),
        text_direction: book.text_direction.map(|d| d.as_str()),
        site_url: html.site_url.as_ref().map(|u| {
            if u.ends_with('/') {
                u.clone()
            } else {
                format!("{u}/")
            }
        }),
        repository: html.git_repository_url.as_deref(),
        search: html.search.enable,
        print: html.print.enable,
    }
}

/// Where a file the book adds through book.toml (stylesheet, logo) is published.
fn book_static(path: &std::path::Path) -> String {
    format!(
        "static/book/{}",
        path.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default()
    )
}

/// A page to render, described; its data is built only when it is rendered, so that no more
/// than the pages in flight are ever in memory.
enum PageSpec<'p> {
    List(List),
    Document(usize),
    Clause(usize),
    Control(usize),
    /// Part `n` (0-based) of the print view.
    Print(&'p [Vec<usize>], usize),
}

impl PageSpec<'_> {
    /// The page and, for a print part with `splice`, its bodies (see [`print_page`]).
    fn materialize(
        self,
        model: &Model,
        views: &Views,
        plan: &Plan,
        splice: bool,
    ) -> (Page, Vec<String>) {
        let page = match self {
            PageSpec::List(list) => list.page(model, views, plan),
            PageSpec::Print(parts, n) => return print_page(model, parts, n, splice),
            PageSpec::Document(i) => document_page(model, views, i),
            PageSpec::Clause(i) => clause_page(model, views, i),
            PageSpec::Control(i) => control_page(model, views, i),
        };
        (page, Vec::new())
    }
}

/// The pages that list the whole book: index, lists, matrices, chains, SoA, gaps. Matrices and
/// chains come in parts (numbered from 0), so that no page grows with the book.
#[derive(Clone, Copy)]
enum List {
    Index,
    Documents,
    Clauses,
    Controls,
    Traceability,
    Soa,
    Gaps,
    Reviews,
    ClauseMatrix(usize),
    ControlMatrix(usize),
    Chain(usize),
    ReverseChain(usize),
}

/// How the matrices and chains are cut into parts: indices only, cheap to compute.
struct Plan {
    /// Documents sorted by id: the rows of the matrices.
    by_id: Vec<usize>,
    chain: Vec<ChainPart>,
    reverse: Vec<ChainPart>,
}

/// One part of a chain: per clause (or control), the range of its documents shown there.
type ChainPart = Vec<(usize, std::ops::Range<usize>)>;

impl Plan {
    fn new(model: &Model) -> Plan {
        Plan {
            by_id: docs_by_id(model),
            chain: chain_parts(&model.clause_docs),
            reverse: chain_parts(&model.control_docs),
        }
    }

    fn matrix_parts(&self) -> usize {
        self.by_id.len().div_ceil(MATRIX_ROWS).max(1)
    }

    fn lists(&self) -> Vec<List> {
        let mut lists = vec![
            List::Index,
            List::Documents,
            List::Clauses,
            List::Controls,
            List::Traceability,
            List::Soa,
            List::Gaps,
            List::Reviews,
        ];
        lists.extend((0..self.matrix_parts()).map(List::ClauseMatrix));
        lists.extend((0..self.matrix_parts()).map(List::ControlMatrix));
        lists.extend((0..self.chain.len().max(1)).map(List::Chain));
        lists.extend((0..self.reverse.len().max(1)).map(List::ReverseChain));
        lists
    }
}

impl List {
    fn path(self) -> String {
        match self {
            List::Index => "index.html".into(),
            List::Documents => "documents.html".into(),
            List::Clauses => "clauses.html".into(),
            List::Controls => "controls.html".into(),
            List::Traceability => "traceability.html".into(),
            List::Soa => "soa.html".into(),
            List::Gaps => "gaps.html".into(),
            List::Reviews => "reviews.html".into(),
            List::ClauseMatrix(n) => part_path("traceability/clauses", n + 1),
            List::ControlMatrix(n) => part_path("traceability/controls", n + 1),
            List::Chain(n) => part_path("traceability/chain", n + 1),
            List::ReverseChain(n) => part_path("traceability/reverse", n + 1),
        }
    }

    fn page(self, model: &Model, views: &Views, plan: &Plan) -> Page {
        match self {
            List::Index => index_page(model, views),
            List::Documents => documents_page(model, views),
            List::Clauses => clauses_page(views),
            List::Controls => controls_page(model, views),
            List::Traceability => Page {
                path: "traceability.html".into(),
                template: "traceability.html",
                nav: "traceability",
                title: "Traceability".into(),
                data: Data::new(views.keyed),
            },
            List::Soa => soa_page(model, views),
            List::Gaps => gaps_page(model, views),
            List::Reviews => reviews_page(model, views),
            List::ClauseMatrix(n) => clause_matrix(model, views, plan, n),
            List::ControlMatrix(n) => control_matrix(model, views, plan, n),
            List::Chain(n) => chain_page(model, views, &plan.chain, n),
            List::ReverseChain(n) => reverse_chain_page(model, views, &plan.reverse, n),
        }
    }
}

fn pages<'p>(
    model: &Model,
    plan: &Plan,
    print: &'p [Vec<usize>],
    lists: bool,
) -> Vec<PageSpec<'p>> {
    let mut specs: Vec<PageSpec> = Vec::new();
    if lists {
        specs.extend(plan.lists().into_iter().map(PageSpec::List));
    }
    specs.extend((0..print.len()).map(|n| PageSpec::Print(print, n)));
    specs.extend((0..model.documents.len()).map(PageSpec::Document));
    specs.extend((0..model.catalog.clauses.len()).map(PageSpec::Clause));
    specs.extend((0..model.catalog.controls.len()).map(PageSpec::Control));
    specs
}

fn index_page(model: &Model, views: &Views) -> Page {
    #[derive(Serialize)]
    struct Stats {
        documents: usize,
        by_kind: Vec<Count>,
        by_status: Vec<Count>,
        clauses: Coverage,
        controls: Coverage,
        excluded: usize,
        themes: Vec<Coverage>,
        clause_groups: Vec<Coverage>,
        soa_derived: bool,
    }
    let docs = &model.documents;
    let mut by_kind: Vec<Count> = DocKind::ALL
        .iter()
        .map(|k| Count {
            name: k.as_str().into(),
            count: docs.iter().filter(|n| n.doc.kind == Some(*k)).count(),
        })
        .collect();
    by_kind.push(Count {
        name: "unspecified".into(),
        count: docs.iter().filter(|n| n.doc.kind.is_none()).count(),
    });
    by_kind.retain(|c| c.count > 0);
    let by_status: Vec<Count> = Status::ALL
        .iter()
        .map(|s| Count {
            name: s.as_str().into(),
            count: docs.iter().filter(|n| n.doc.status == *s).count(),
        })
        .filter(|c| c.count > 0)
        .collect();
    let cat = &model.catalog;
    let themes = cat
        .themes
        .iter()
        .enumerate()
        .map(|(t, theme)| {
            let rows: Vec<&ItemRow> = views
                .controls
                .iter()
                .zip(&cat.controls)
                .filter(|(v, c)| c.theme == t && v.applicable)
                .map(|(v, _)| v)
                .collect();
            let covered = rows.iter().filter(|c| c.covered).count();
            Coverage::new(&theme.id, &theme.title, covered, rows.len())
        })
        .collect();
    let clause_groups = cat
        .clauses
        .iter()
        .enumerate()
        .filter(|(_, c)| c.depth == 0)
        .map(|(i, c)| {
            let subtree: Vec<&ItemRow> = views.clauses[i + 1..]
                .iter()
                .take_while(|x| x.depth > 0)
                .collect();
            let covered = subtree.iter().filter(|x| x.covered).count();
            Coverage::new(
                &c.id,
                &format!("{} {}", c.id, c.title),
                covered,
                subtree.len(),
            )
        })
        .collect();
    let applicable: Vec<&ItemRow> = views.controls.iter().filter(|c| c.applicable).collect();
    let stats = Stats {
        documents: docs.len(),
        by_kind,
        by_status,
        clauses: Coverage::new(
            "clauses",
            "Clauses",
            views.clauses.iter().filter(|c| c.covered).count(),
            views.clauses.len(),
        ),
        controls: Coverage::new(
            "controls",
            "Applicable Annex A controls",
            applicable.iter().filter(|c| c.covered).count(),
            applicable.len(),
        ),
        excluded: views.controls.len() - applicable.len(),
        themes,
        clause_groups,
        soa_derived: model.soa.is_derived(),
    };
    let uncovered_clauses: Vec<&ItemRow> = views.clauses.iter().filter(|c| !c.covered).collect();
    let uncovered_controls: Vec<&ItemRow> = views
        .controls
        .iter()
        .filter(|c| c.applicable && !c.covered)
        .collect();
    let pending: Vec<&DocRow> = docs
        .iter()
        .zip(&views.docs)
        .filter(|(n, _)| matches!(n.doc.status, Status::Draft | Status::InReview))
        .map(|(_, v)| v)
        .collect();
    let mut data = Data::new(views.keyed);
    data.insert("stats", &stats);
    data.insert("uncovered_clauses", &uncovered_clauses);
    data.insert("uncovered_controls", &uncovered_controls);
    data.insert("pending", &pending);
    data.insert("overdue", &views.docs_of(&model.gaps.overdue));
    data.insert("as_of", &model.as_of.to_string());
    Page {
        path: "index.html".into(),
        template: "index.html",
        nav: "index",
        title: "Overview".into(),
        data,
    }
}

fn documents_page<'a>(model: &'a Model, views: &Views<'a>) -> Page {
    let mut sections: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, n) in model.documents.iter().enumerate() {
        let folder = n.doc.rel.parent().map(display_path).unwrap_or_default();
        sections.entry(folder).or_default().push(i);
    }
    let sections: Vec<Section> = sections
        .into_iter()
        .map(|(name, mut docs)| {
            docs.sort_by(|&a, &b| model.documents[a].doc.id.cmp(&model.documents[b].doc.id));
            Section {
                name,
                docs: views.docs_of(&docs),
            }
        })
        .collect();
    let mut data = Data::new(views.keyed);
    data.insert("sections", &sections);
    data.insert("total", &model.documents.len());
    Page {
        path: "documents.html".into(),
        template: "documents.html",
        nav: "documents",
        title: "Documents".into(),
        data,
    }
}

fn document_page(model: &Model, views: &Views, i: usize) -> Page {
    let n = &model.documents[i];
    let d = &n.doc;
    let doc = doc_view(model, n);
    // Keyed by its inputs (see `document_page_key`), never by its data.
    let mut data = Data::new(false);
    data.insert("doc", &doc);
    data.insert(
        "body",
        &paths::rebase(&n.body.html, &paths::root_of(&n.page)),
    );
    data.insert(
        "toc",
        &n.body
            .headings
            .iter()
            .filter(|h| h.level <= 3)
            .collect::<Vec<_>>(),
    );
    data.insert("clauses", &views.clauses_of(&n.clauses));
    data.insert("controls", &views.controls_of(&n.controls));
    data.insert("related", &views.docs_of(&n.related));
    data.insert("referenced_by", &views.docs_of(&model.referenced_by[i]));
    let revisions = model.history.of(&d.rel);
    data.insert("history", revisions);
    data.insert("in_git", &model.history.head.is_some());
    data.insert("versions", &crate::history::approved_versions(d, revisions));
    Page {
        path: n.page.clone(),
        template: "document.html",
        nav: "documents",
        title: format!("{} {}", d.id, d.title),
        data,
    }
}

fn doc_view<'a>(model: &'a Model, n: &'a crate::model::Node) -> DocView<'a> {
    let d = &n.doc;
    DocView {
        id: &d.id,
        title: &d.title,
        kind: d.kind.map(|k| k.as_str()),
        owner: d.owner.as_deref(),
        approver: d.approver.as_deref(),
        version: d.version.as_deref(),
        status: d.status.as_str(),
        classification: d.classification.as_deref(),
        effective: d.effective.map(|x| x.to_string()),
        review_by: d.review_by.map(|x| x.to_string()),
        approved_on: d.approved_on.map(|x| x.to_string()),
        last_reviewed: d.last_reviewed.map(|x| x.to_string()),
        review_interval: d.review_interval.map(|x| x.to_string()),
        overdue: d.review_by.is_some_and(|r| r < model.as_of) && d.status != Status::Retired,
        tags: &d.tags,
        source: display_path(&model.settings.config.build.content_dir.join(&d.rel)),
        extra: &d.extra,
        extra_rows: d
            .extra
            .0
            .iter()
            .map(|(k, v)| (k.as_str(), v.display()))
            .collect(),
        edit_url: edit_url(model, d),
    }
}

/// The `edit-url-template` with `{path}` filled in: the document's source path from the book
/// root, as in the repository (percent-encoded, `/` kept).
fn edit_url(model: &Model, d: &crate::document::Document) -> Option<String> {
    let template = model
        .settings
        .config
        .output
        .html
        .edit_url_template
        .as_ref()?;
    let source = model.settings.config.build.content_dir.join(&d.rel);
    let path: Vec<String> = source
        .components()
        .filter(|c| matches!(c, std::path::Component::Normal(_)))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(template.replace("{path}", &paths::encode(&path.join("/"))))
}

fn clauses_page(views: &Views) -> Page {
    let mut data = Data::new(views.keyed);
    data.insert("clauses", &views.clauses);
    Page {
        path: "clauses.html".into(),
        template: "clauses.html",
        nav: "clauses",
        title: "Clauses".into(),
        data,
    }
}

fn clause_page(model: &Model, views: &Views, i: usize) -> Page {
    let c = &model.catalog.clauses[i];
    let children: Vec<usize> = (0..model.catalog.clauses.len())
        .filter(|&j| model.catalog.clauses[j].parent == Some(i))
        .collect();
    let mut data = Data::new(views.keyed);
    data.insert("clause", &views.clauses[i]);
    data.insert("parent", &c.parent.map(|p| &views.clauses[p]));
    data.insert("children", &views.clauses_of(&children));
    data.insert("documents", &views.docs_of(&model.clause_docs[i]));
    data.insert(
        "mentions",
        &views.docs_of(&without(&model.clause_mentions[i], &model.clause_docs[i])),
    );
    Page {
        path: paths::clause_file(&c.id),
        template: "clause.html",
        nav: "clauses",
        title: format!("Clause {} {}", c.id, c.title),
        data,
    }
}

fn controls_page(model: &Model, views: &Views) -> Page {
    #[derive(Serialize)]
    struct ThemeList<'a> {
        id: &'a str,
        title: &'a str,
        covered: usize,
        total: usize,
        controls: Vec<ItemRow<'a>>,
    }
    let cat = &model.catalog;
    let themes: Vec<ThemeList> = cat
        .themes
        .iter()
        .enumerate()
        .map(|(t, theme)| {
            let controls: Vec<ItemRow> = views
                .controls
                .iter()
                .zip(&cat.controls)
                .filter(|(_, c)| c.theme == t)
                .map(|(v, _)| v.clone())
                .collect();
            ThemeList {
                id: &theme.id,
                title: &theme.title,
                covered: controls.iter().filter(|c| c.covered).count(),
                total: controls.len(),
                controls,
            }
        })
        .collect();
    let mut data = Data::new(views.keyed);
    data.insert("themes", &themes);
    Page {
        path: "controls.html".into(),
        template: "controls.html",
        nav: "controls",
        title: "Annex A controls".into(),
        data,
    }
}

fn control_page(model: &Model, views: &Views, i: usize) -> Page {
    let c = &model.catalog.controls[i];
    let theme = &model.catalog.themes[c.theme];
    let mut clauses: Vec<usize> = model.control_docs[i]
        .iter()
        .flat_map(|&d| model.documents[d].clauses.iter().copied())
        .collect();
    clauses.sort_unstable();
    clauses.dedup();
    let mut data = Data::new(views.keyed);
    data.insert("control", &views.controls[i]);
    data.insert("soa", &model.applicability(i));
    data.insert("soa_derived", &model.soa.is_derived());
    data.insert(
        "theme",
        &serde_json::json!({ "id": theme.id, "title": theme.title }),
    );
    data.insert("documents", &views.docs_of(&model.control_docs[i]));
    data.insert("clauses", &views.clauses_of(&clauses));
    data.insert(
        "mentions",
        &views.docs_of(&without(&model.control_mentions[i], &model.control_docs[i])),
    );
    Page {
        path: paths::control_file(&c.id),
        template: "control.html",
        nav: "controls",
        title: format!("{} {}", c.id, c.title),
        data,
    }
}

/// Rows of documents sorted by id, for matrices.
fn docs_by_id(model: &Model) -> Vec<usize> {
    let mut order: Vec<usize> = (0..model.documents.len()).collect();
    order.sort_by(|&a, &b| model.documents[a].doc.id.cmp(&model.documents[b].doc.id));
    order
}

/// Matrix rows (documents) per page: pages stay small however large the book, and an edit
/// renders little again.
const MATRIX_ROWS: usize = 200;
/// Documents shown per control in the SoA, approved ones first: more make a row no one reads
/// (and a page of megabytes in a large book); the control's page lists every one.
const SOA_DOCS: usize = 12;
/// Document rows per page of a chain.
const CHAIN_ROWS: usize = 500;
/// Rendered body bytes per print page.
const PRINT_BYTES: usize = 2_500_000;

/// Links between the parts of a page split to stay small.
#[derive(Serialize)]
struct Pager {
    current: usize,
    total: usize,
    parts: Vec<String>,
}

impl Pager {
    /// The pager of part `n` (0-based) of `total` parts of the page `base`.
    fn new(base: &str, n: usize, total: usize) -> Pager {
        Pager {
            current: n + 1,
            total,
            parts: (1..=total)
                .map(|p| paths::encode(&part_path(base, p)))
                .collect(),
        }
    }
}

/// Site path of part `n` (1-based) of a page split in parts: `base.html`, `base-2.html`, ...
fn part_path(base: &str, n: usize) -> String {
    if n == 1 {
        format!("{base}.html")
    } else {
        format!("{base}-{n}.html")
    }
}

/// Part `n` (0-based) of `total` of a page split in parts, with a pager; `make` fills the data.
fn part_page(
    base: &str,
    n: usize,
    total: usize,
    keyed: bool,
    make: impl FnOnce(&mut Data) -> (&'static str, &'static str, String),
) -> Page {
    let mut data = Data::new(keyed);
    let (template, nav, title) = make(&mut data);
    data.insert("pager", &Pager::new(base, n, total));
    Page {
        path: part_path(base, n + 1),
        template,
        nav,
        title: if total > 1 {
            format!("{title} ({} of {total})", n + 1)
        } else {
            title
        },
        data,
    }
}

/// The documents of matrix part `n`.
fn matrix_rows(plan: &Plan, n: usize) -> &[usize] {
    let start = (n * MATRIX_ROWS).min(plan.by_id.len());
    let end = (start + MATRIX_ROWS).min(plan.by_id.len());
    &plan.by_id[start..end]
}

fn clause_matrix(model: &Model, views: &Views, plan: &Plan, n: usize) -> Page {
    let cat = &model.catalog;
    let groups: Vec<Group> = cat
        .clauses
        .iter()
        .enumerate()
        .filter(|(_, c)| c.depth == 0)
        .map(|(i, c)| Group {
            id: &c.id,
            title: &c.title,
            path: views.clauses[i].path.clone(),
            // The clause itself plus everything under it (clauses are in document order).
            span: 1 + cat.clauses[i + 1..]
                .iter()
                .take_while(|x| x.depth > 0)
                .count(),
        })
        .collect();
    let rows: Vec<MatrixRow> = matrix_rows(plan, n)
        .iter()
        .map(|&d| {
            let mut cells = vec![false; cat.clauses.len()];
            for &c in &model.documents[d].clauses {
                cells[c] = true;
            }
            MatrixRow {
                doc: views.docs[d].clone(),
                cells,
            }
        })
        .collect();
    part_page(
        "traceability/clauses",
        n,
        plan.matrix_parts(),
        views.keyed,
        |data| {
            data.insert("groups", &groups);
            let columns: Vec<ItemRef> = views.clauses.iter().map(ItemRef::from).collect();
            data.insert("columns", &columns);
            data.insert("rows", &rows);
            (
                "matrix-clauses.html",
                "traceability",
                "Clause × document".into(),
            )
        },
    )
}

fn control_matrix(model: &Model, views: &Views, plan: &Plan, n: usize) -> Page {
    part_page(
        "traceability/controls",
        n,
        plan.matrix_parts(),
        views.keyed,
        |data| {
            let themes = control_matrix_part(model, views, matrix_rows(plan, n));
            data.insert("themes", &themes);
            (
                "matrix-controls.html",
                "traceability",
                "Document × Annex A control".into(),
            )
        },
    )
}

/// The theme tables of the control matrix for the documents `order`.
fn control_matrix_part<'a>(
    model: &'a Model,
    views: &Views<'a>,
    order: &[usize],
) -> Vec<ThemeMatrix<'a>> {
    let cat = &model.catalog;
    let themes: Vec<ThemeMatrix> = cat
        .themes
        .iter()
        .enumerate()
        .map(|(t, theme)| {
            let columns: Vec<usize> = (0..cat.controls.len())
                .filter(|&c| cat.controls[c].theme == t)
                .collect();
            let first = columns.first().copied().unwrap_or(0);
            let rows = order
                .iter()
                .filter_map(|&d| {
                    let mut cells = vec![false; columns.len()];
                    let mut any = false;
                    for &c in &model.documents[d].controls {
                        if cat.controls[c].theme == t {
                            cells[c - first] = true;
                            any = true;
                        }
                    }
                    any.then(|| MatrixRow {
                        doc: views.docs[d].clone(),
                        cells,
                    })
                })
                .collect();
            ThemeMatrix {
                id: &theme.id,
                title: &theme.title,
                columns: views.control_refs(&columns),
                rows,
            }
        })
        .collect();
    themes
}

fn chain_page(model: &Model, views: &Views, parts: &[ChainPart], n: usize) -> Page {
    let rows = chain_rows(views, &views.clauses, &model.clause_docs, parts, n, |d| {
        views.control_refs(&sorted(&model.documents[d].controls))
    });
    chain(
        "traceability/chain",
        "Clause → document → control",
        "For each clause 4–10: the documents that address it, and the Annex A controls each of those documents addresses.",
        ("Clause", "Annex A controls"),
        rows,
        (n, parts.len().max(1)),
        views.keyed,
    )
}

fn reverse_chain_page(model: &Model, views: &Views, parts: &[ChainPart], n: usize) -> Page {
    let rows = chain_rows(views, &views.controls, &model.control_docs, parts, n, |d| {
        views.clause_refs(&sorted(&model.documents[d].clauses))
    });
    chain(
        "traceability/reverse",
        "Control → document → clause",
        "For each Annex A control: the documents that address it, and the clauses each of those documents addresses.",
        ("Annex A control", "Clauses"),
        rows,
        (n, parts.len().max(1)),
        views.keyed,
    )
}

/// The rows of chain part `n`: per item (clause or control), the documents addressing it
/// there, each with its targets.
fn chain_rows<'a>(
    views: &Views<'a>,
    items: &[ItemRow<'a>],
    docs_of: &[Vec<usize>],
    parts: &[ChainPart],
    n: usize,
    targets_of: impl Fn(usize) -> Vec<ItemRef<'a>>,
) -> Vec<ChainRow<'a>> {
    parts
        .get(n)
        .map_or(&[][..], |p| &p[..])
        .iter()
        .map(|(item, range)| ChainRow {
            item: (&items[*item]).into(),
            docs: docs_of[*item][range.clone()]
                .iter()
                .map(|&d| ChainDoc {
                    doc: views.docs[d].clone(),
                    targets: targets_of(d),
                })
                .collect(),
        })
        .collect()
}

/// Cuts a chain (one row per item, with `docs_of[item]`) into parts of about CHAIN_ROWS
/// documents; an item with more continues on the next part.
fn chain_parts(docs_of: &[Vec<usize>]) -> Vec<ChainPart> {
    let mut parts: Vec<ChainPart> = vec![Vec::new()];
    let mut size = 0;
    for (item, docs) in docs_of.iter().enumerate() {
        let mut start = 0;
        loop {
            let room = CHAIN_ROWS - size;
            if docs.len() - start <= room {
                size += (docs.len() - start).max(1);
                parts
                    .last_mut()
                    .expect("one part")
                    .push((item, start..docs.len()));
                break;
            }
            parts
                .last_mut()
                .expect("one part")
                .push((item, start..start + room));
            start += room;
            parts.push(Vec::new());
            size = 0;
        }
        if size >= CHAIN_ROWS {
            parts.push(Vec::new());
            size = 0;
        }
    }
    parts.retain(|p| !p.is_empty());
    parts
}

fn chain(
    base: &str,
    title: &'static str,
    description: &str,
    labels: (&str, &str),
    rows: Vec<ChainRow>,
    (n, total): (usize, usize),
    keyed: bool,
) -> Page {
    part_page(base, n, total, keyed, |data| {
        data.insert("rows", &rows);
        data.insert("description", description);
        data.insert("from_label", labels.0);
        data.insert("to_label", labels.1);
        ("chain.html", "traceability", title.into())
    })
}

fn sorted(indices: &[usize]) -> Vec<usize> {
    let mut v = indices.to_vec();
    v.sort_unstable();
    v
}

/// `a` without the entries of `b` (both sorted).
fn without(a: &[usize], b: &[usize]) -> Vec<usize> {
    a.iter()
        .filter(|x| b.binary_search(x).is_err())
        .copied()
        .collect()
}

fn soa_page(model: &Model, views: &Views) -> Page {
    #[derive(Serialize)]
    struct Row<'a> {
        control: ItemRow<'a>,
        entry: crate::model::gaps::Applicability<'a>,
        status: &'a str,
        documents: Vec<DocRow<'a>>,
        pending: Vec<DocRow<'a>>,
        /// Documents not shown (see [`SOA_DOCS`]); the control's page lists them all.
        more: usize,
    }
    #[derive(Serialize)]
    struct ThemeRows<'a> {
        id: &'a str,
        title: &'a str,
        rows: Vec<Row<'a>>,
    }
    let cat = &model.catalog;
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let themes: Vec<ThemeRows> = cat
        .themes
        .iter()
        .enumerate()
        .map(|(t, theme)| ThemeRows {
            id: &theme.id,
            title: &theme.title,
            rows: (0..cat.controls.len())
                .filter(|&c| cat.controls[c].theme == t)
                .map(|c| {
                    let entry = model.applicability(c);
                    let status = if !entry.applicable {
                        "excluded"
                    } else {
                        entry.status.map_or("undecided", |s| s.as_str())
                    };
                    *counts.entry(status).or_default() += 1;
                    let approved = model.approved_docs_of_control(c);
                    let pending: Vec<usize> = model.control_docs[c]
                        .iter()
                        .copied()
                        .filter(|d| !approved.contains(d))
                        .collect();
                    let shown = approved.len().min(SOA_DOCS);
                    let shown_pending = pending.len().min(SOA_DOCS - shown);
                    Row {
                        control: views.controls[c].clone(),
                        entry,
                        status,
                        documents: views.docs_of(&approved[..shown]),
                        pending: views.docs_of(&pending[..shown_pending]),
                        more: approved.len() + pending.len() - shown - shown_pending,
                    }
                })
                .collect(),
        })
        .collect();
    let counts: Vec<Count> = [
        "implemented",
        "partial",
        "planned",
        "not-implemented",
        "undecided",
        "excluded",
    ]
    .iter()
    .filter_map(|k| {
        counts.get(k).map(|&n| Count {
            name: k.to_string(),
            count: n,
        })
    })
    .collect();
    let mut data = Data::new(views.keyed);
    data.insert("themes", &themes);
    data.insert("counts", &counts);
    data.insert("derived", &model.soa.is_derived());
    data.insert("version", &model.soa.version);
    data.insert("owner", &model.soa.owner);
    data.insert("approver", &model.soa.approver);
    Page {
        path: "soa.html".into(),
        template: "soa.html",
        nav: "soa",
        title: "Statement of Applicability".into(),
        data,
    }
}

/// Documents by review due date, with owners, and the calendar feed beside them.
fn reviews_page(model: &Model, views: &Views) -> Page {
    let schedule = model.review_schedule();
    let mut data = Data::new(views.keyed);
    data.insert("as_of", &model.as_of.to_string());
    data.insert("soon_days", &crate::model::reviews::DUE_SOON_DAYS);
    data.insert("overdue", &views.docs_of(&schedule.overdue));
    data.insert("soon", &views.docs_of(&schedule.soon));
    data.insert("later", &views.docs_of(&schedule.later));
    data.insert("undated", &views.docs_of(&schedule.undated));
    Page {
        path: "reviews.html".into(),
        template: "reviews.html",
        nav: "reviews",
        title: "Reviews".into(),
        data,
    }
}

fn gaps_page(model: &Model, views: &Views) -> Page {
    #[derive(Serialize)]
    struct Excluded<'a> {
        control: ItemRow<'a>,
        documents: Vec<DocRow<'a>>,
    }
    #[derive(Serialize)]
    struct Missing<'a> {
        clause: Option<ItemRow<'a>>,
        what: &'a str,
    }
    let g = &model.gaps;
    let missing: Vec<Missing> = g
        .missing_information
        .iter()
        .map(|&i| {
            let (clause, what) = crate::model::gaps::REQUIRED_INFORMATION[i];
            Missing {
                clause: model
                    .catalog
                    .clause(clause)
                    .map(|c| views.clauses[c].clone()),
                what,
            }
        })
        .collect();
    let excluded: Vec<Excluded> = g
        .excluded_but_addressed
        .iter()
        .map(|(c, docs)| Excluded {
            control: views.controls[*c].clone(),
            documents: views.docs_of(docs),
        })
        .collect();
    let mut data = Data::new(views.keyed);
    data.insert("as_of", &model.as_of.to_string());
    data.insert("derived", &model.soa.is_derived());
    data.insert(
        "uncovered_controls",
        &views.controls_of(&g.uncovered_controls),
    );
    data.insert("unjustified", &views.controls_of(&g.unjustified_exclusions));
    data.insert("excluded_but_addressed", &excluded);
    data.insert("undecided", &views.controls_of(&g.undecided));
    data.insert("uncovered_clauses", &views.clauses_of(&g.uncovered_clauses));
    data.insert("missing_information", &missing);
    data.insert("overdue", &views.docs_of(&g.overdue));
    data.insert("drafts", &views.docs_of(&g.drafts));
    Page {
        path: "gaps.html".into(),
        template: "gaps.html",
        nav: "gaps",
        title: "Gaps".into(),
        data,
    }
}

/// The whole ISMS on one page for "Save as PDF": documents in the order of the documents page.
/// The documents of the print view in order, cut into parts of at most PRINT_BYTES of bodies,
/// so no page grows with the book.
fn print_parts(model: &Model) -> Vec<Vec<usize>> {
    if !model.settings.config.output.html.print.enable {
        return Vec::new();
    }
    let mut order: Vec<usize> = (0..model.documents.len()).collect();
    // By folder (compared as paths are: component by component), then id.
    order.sort_by_cached_key(|&i| {
        let d = &model.documents[i].doc;
        let folder: Vec<&std::ffi::OsStr> = d
            .rel
            .parent()
            .map(|p| p.iter().collect())
            .unwrap_or_default();
        (folder, &d.id)
    });
    cut_print(model, order)
}

/// Documents in print order, cut into parts of at most PRINT_BYTES of bodies.
fn cut_print(model: &Model, order: Vec<usize>) -> Vec<Vec<usize>> {
    let mut parts: Vec<Vec<usize>> = Vec::new();
    let mut size = 0;
    for i in order {
        let len = model.documents[i].body.html.len();
        match parts.last_mut() {
            Some(part) if size + len <= PRINT_BYTES || size == 0 => {
                size += len;
                part.push(i);
            }
            _ => {
                size = len;
                parts.push(vec![i]);
            }
        }
    }
    if parts.is_empty() {
        parts.push(Vec::new());
    }
    parts
}

/// One part of the print view; the first also lists every document of every part.
///
/// With `splice`, the bodies are left out of the template's data, each replaced by
/// [`BODY_MARKER`], and returned to be put in place after rendering (see [`render_page`]):
/// copying megabytes through the template engine is most of the page's cost.
fn print_page(model: &Model, parts: &[Vec<usize>], n: usize, splice: bool) -> (Page, Vec<String>) {
    #[derive(Serialize)]
    struct Printed<'a> {
        doc: views::DocView<'a>,
        anchor: String,
        body: String,
    }
    #[derive(Serialize)]
    struct Entry<'a> {
        id: &'a str,
        title: &'a str,
        href: String,
    }
    let anchor = |i: usize| format!("doc-{}", model.documents[i].doc.id);
    let mut bodies = Vec::new();
    let docs: Vec<Printed> = parts[n]
        .iter()
        .map(|&i| {
            let node = &model.documents[i];
            let anchor = anchor(i);
            let mut body = print_body(&node.body.html, &anchor);
            if splice {
                bodies.push(std::mem::replace(&mut body, BODY_MARKER.into()));
            }
            Printed {
                doc: doc_view(model, node),
                anchor,
                body,
            }
        })
        .collect();
    // Keyed by its documents' keys (see `print_page_key`), never by its data.
    let mut data = Data::new(false);
    if n == 0 {
        let contents: Vec<Entry> = parts
            .iter()
            .enumerate()
            .flat_map(|(p, part)| {
                part.iter().map(move |&i| Entry {
                    id: &model.documents[i].doc.id,
                    title: &model.documents[i].doc.title,
                    href: format!(
                        "{}#{}",
                        paths::encode(&part_path("print", p + 1)),
                        paths::encode(&anchor(i))
                    ),
                })
            })
            .collect();
        data.insert("contents", &contents);
    }
    let total = parts.len();
    data.insert("docs", &docs);
    data.insert("parts", &total);
    data.insert("pager", &Pager::new("print", n, total));
    let page = Page {
        path: part_path("print", n + 1),
        template: "print.html",
        nav: "print",
        title: if total > 1 {
            format!("The whole ISMS ({} of {total})", n + 1)
        } else {
            "The whole ISMS".into()
        },
        data,
    };
    (page, bodies)
}

/// A body as the print view shows it: links rebased to the site root (see [`paths::rebase`]),
/// and heading ids and links to them prefixed with `anchor-`, since heading ids repeat across
/// documents. One pass, since the print view holds every body.
fn print_body(html: &str, anchor: &str) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut done = 0;
    let mut from = 0;
    // Every case is an attribute value: look at each `="` (`=` is rare in text).
    while let Some(i) = html[from..].find('=') {
        let at = from + i;
        from = at + 1;
        let (before, value) = (&html[..at], &html[at + 1..]);
        let Some(value) = value.strip_prefix('"') else {
            continue;
        };
        let mut prefix_from = if before.ends_with(" id") {
            Some(at + 2)
        } else if before.ends_with(" href") && value.starts_with('#') {
            Some(at + 3)
        } else {
            None
        };
        if prefix_from.is_none()
            && value.starts_with(paths::ROOT_TOKEN)
            && (before.ends_with("href") || before.ends_with("src"))
        {
            out.push_str(&html[done..at + 2]);
            done = at + 2 + paths::ROOT_TOKEN.len();
            from = done;
            if before.ends_with(" href") && html[done..].starts_with('#') {
                done += 1;
                out.push('#');
                prefix_from = Some(done);
            }
        }
        if let Some(end) = prefix_from {
            out.push_str(&html[done..end]);
            out.push_str(anchor);
            out.push('-');
            done = end;
            from = end;
        }
    }
    out.push_str(&html[done..]);
    out
}

/// What a part of the print view shows, cheaply: for each of its documents, the body and what
/// [`doc_view`] is made of; for the first part, the list of all documents.
fn print_page_key(model: &Model, parts: &[Vec<usize>], n: usize, site_key: u64) -> u64 {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn print_bodies_are_rebased_and_prefixed_in_one_pass() {
        let html = format!(
            "<h2 id=\"scope\">Scope</h2><p><a href=\"#scope\">up</a> <a href=\"{t}docs/b.html#x\">b</a> <img src=\"{t}assets/a.png\"> {t} @ <a href=\"{t}{t}c.html\">c</a> <a href=\"{t}#top\">t</a> <p data-id=\"x\" id=\"{t}y\" src=x></p>",
            t = paths::ROOT_TOKEN
        );
        let slow = paths::rebase(&html, "")
            .replace(" id=\"", " id=\"doc-A-")
            .replace(" href=\"#", " href=\"#doc-A-");
        assert_eq!(print_body(&html, "doc-A"), slow);
    }

    #[test]
    fn a_body_holding_the_splice_marker_is_printed_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::write(
            root.join("book.toml"),
            "[book]\ntitle = \"T\"\n[output.html]\nallow-html = true\n",
        )
        .unwrap();
        let doc = |id: &str, body: &str| {
            format!("---\nid: {id}\ntitle: {id}\nstatus: draft\nversion: \"1\"\n---\n{body}\n")
        };
        // A body holding the marker (the sanitiser drops HTML comments today; the splice must
        // not depend on it).
        let sneaky = format!("Before {BODY_MARKER} after.");
        std::fs::write(root.join("content/a.md"), doc("A", &sneaky)).unwrap();
        std::fs::write(root.join("content/b.md"), doc("B", "Plain.")).unwrap();
        let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let checked = crate::pipeline::check(root, as_of).unwrap();
        let files = crate::pipeline::site_files(&checked, &Progress::none())
            .unwrap()
            .unwrap();
        let page = |path: &str| {
            let f = files.iter().find(|f| f.path == path).unwrap();
            let Contents::Bytes(bytes) = &f.contents else {
                panic!("a page")
            };
            String::from_utf8(bytes.to_vec()).unwrap()
        };
        let (html, own) = (page("print.html"), page("docs/a.html"));
        let body = own.split("<div class=\"body\">").nth(1).unwrap();
        let body = body.split("</div>").next().unwrap();
        assert!(body.contains("Before"), "{body}");
        assert!(html.contains(body), "the body as its own page shows it");
        assert!(html.contains("Plain."), "the other body in its place");
        assert_eq!(
            html.matches("<article class=\"document print-doc\"")
                .count(),
            2
        );
    }
}
