//! Model -> every file of the site, in memory: pages from tera templates, static files, assets.
//!
//! Pages are rendered in parallel from shared views; nothing per page grows with the size of the
//! book except the page's own content. Templates autoescape everything; only document bodies,
//! which the Markdown pass has already made safe, are inserted raw.

mod audiences;
mod changes;
mod frameworks;
mod incremental;
mod pages;
mod plan;
mod print;
mod risks;
mod traceability;
mod trust;
pub(crate) mod views;

pub(crate) use incremental::{render_bodies, PageCache};
pub(crate) use pages::redirects;

use audiences::*;
use changes::*;
use frameworks::*;
use incremental::*;
use pages::*;
use plan::*;
use print::*;
use risks::*;
use traceability::*;
use trust::*;

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::diagnostic::Code;
use crate::diagnostic::{display_path, Diagnostic};
use crate::document::{DocKind, Status};
use crate::highlight::escape_html;
use crate::model::Model;
use crate::outcome::Outcome;
use crate::paths;
use crate::progress::Progress;
use crate::site::{Contents, OutputFile, Sink};
use crate::strings::Strings;
use crate::strings::SCRIPT_MARKER;
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

    /// Data that goes straight into the context: each field of `value` is a variable. For pages
    /// keyed by their inputs (see `incremental`), never by their data.
    fn of<T: Serialize>(value: &T) -> Data {
        Data::Context(Context::from_serialize(value).unwrap_or_default())
    }

    fn insert<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        match self {
            Data::Context(ctx) => ctx.insert(key, value),
            Data::Json(fields) => {
                fields.push((key, serde_json::to_vec(value).unwrap_or_default()));
            }
        }
    }

    /// A hash of the data (that of nothing when it is not kept as JSON).
    fn key(&self) -> u64 {
        match self {
            Data::Json(fields) => crate::key::of(fields),
            Data::Context(_) => crate::key::of(&()),
        }
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

/// Renders the whole site into memory, reusing pages of `previous` (rendered with the same
/// theme) whose data has not changed. With a `previous` cache (even an empty one), also returns
/// the cache for the next round; without, pages are not hashed at all. The book's errors here
/// are template problems (a book's theme override, usually).
pub(crate) fn render_cached(
    model: &Model,
    theme: &Theme,
    previous: Option<&PageCache>,
    progress: &Progress,
) -> Outcome<(Vec<OutputFile>, PageCache)> {
    let files = std::sync::Mutex::new(Vec::new());
    let sink = |f: OutputFile| {
        files.lock().unwrap_or_else(|e| e.into_inner()).push(f);
        Ok(())
    };
    let cache = match render_to(model, theme, previous, progress, &sink) {
        Ok(Outcome::Done(cache)) => cache,
        Ok(Outcome::BookErrors(problems)) => return Outcome::BookErrors(problems),
        Err(e) => {
            return Outcome::BookErrors(vec![Diagnostic::error(
                Code::RenderFailed,
                format!("{e:#}"),
            )])
        }
    };
    let mut files = files.into_inner().unwrap_or_else(|e| e.into_inner());
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Outcome::Done((files, cache))
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
/// memory at once. `Err` is a failure of the sink; the book's errors are template problems.
pub(crate) fn render_to(
    model: &Model,
    theme: &Theme,
    previous: Option<&PageCache>,
    progress: &Progress,
    sink: &Sink,
) -> anyhow::Result<Outcome<PageCache>> {
    let strings = &model.settings.strings;
    let site = site_view(model);
    let site_json = serde_json::to_value(&site).unwrap_or_default();
    let words_key = crate::key::of(&(strings, site_json.to_string()));
    let cached = previous.and_then(|p| p.tera.clone());
    let tera = match cached.filter(|(_, k)| *k == words_key) {
        Some((t, _)) => t,
        None => match templates(theme, strings, &site_json) {
            Ok(t) => Arc::new(t),
            Err(d) => return Ok(Outcome::BookErrors(d)),
        },
    };
    let views = Views::new(model, previous.is_some());
    let words = Words::new(&model.settings.strings);
    let splice = builtin(theme, "print.html");
    let print = print_parts(model);
    let plan = Plan::new(model);
    let site_key = previous.map_or(0, |_| {
        crate::key::of(&(
            serde_json::to_vec(&site).unwrap_or_default(),
            &model.settings.strings,
        ))
    });
    let book = previous.map_or(0, |_| book_key(model, &views, site_key));
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
        None => (plan.lists().into_iter()).map(|l| l.path(&plan)).collect(),
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
                    document_page_key(model, &views, *i, site_key),
                )),
                (Some(_), PageSpec::Print(parts, n)) => Some((
                    part_path("print", n + 1),
                    print_page_key(model, parts, *n, site_key),
                )),
                (Some(_), PageSpec::Clause(i)) => {
                    let path = paths::clause_file(&model.catalog.clauses[*i].id);
                    let key = page_key(site_key, &path, &clause_shown(model, &views, *i));
                    Some((path, key))
                }
                (Some(_), PageSpec::Control(i)) => {
                    let path = paths::control_file(&model.catalog.controls[*i].id);
                    let key = page_key(site_key, &path, &control_shown(model, &views, *i));
                    Some((path, key))
                }
                (Some(_), PageSpec::List(List::Documents)) => {
                    let path = List::Documents.path(&plan);
                    let key = page_key(site_key, &path, &documents_shown(model, &views));
                    Some((path, key))
                }
                (Some(_), PageSpec::Framework(p)) => Some(p.key(model, &views, &plan, site_key)),
                (Some(_), PageSpec::Risk(p)) => Some(p.key(model, &views, site_key)),
                (Some(_), PageSpec::List(list)) => {
                    part_key(model, &views, &plan, *list, site_key).map(|k| (list.path(&plan), k))
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
                (Some(_), None) => crate::key::of(&(
                    page.template,
                    page.nav,
                    &page.title,
                    site_key,
                    page.data.key(),
                )),
            };
            let reused = previous
                .and_then(|p| p.get(&page.path))
                .filter(|(k, _)| *k == key)
                .map(|(_, bytes)| bytes.clone());
            let path = page.path.clone();
            let bytes: Arc<[u8]> = match reused {
                Some(bytes) => bytes,
                None => {
                    let (bytes, layout) = render_page(&tera, theme, &site, &words, page, bodies)
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
        cache.tera = Some((tera.clone(), words_key));
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
        return Ok(Outcome::BookErrors(errors));
    }
    let script_words = model.settings.strings.script();
    for (name, bytes) in &theme.statics {
        // The registers' stylesheet and script are written only for a book that keeps one.
        if RISK_STATICS.contains(&name.as_str()) && !has_register(model) {
            continue;
        }
        sink(OutputFile {
            path: format!("static/{name}"),
            contents: Contents::Bytes(with_words(name, bytes, &script_words).into()),
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
            contents: Contents::Bytes(
                redirect_page(&site, &model.settings.strings, &to)
                    .into_bytes()
                    .into(),
            ),
            path,
        })?;
    }
    if let Some(cname) = &html.cname {
        sink(OutputFile {
            path: "CNAME".into(),
            contents: Contents::Bytes(format!("{cname}\n").into_bytes().into()),
        })?;
    }
    Ok(Outcome::Done(cache))
}

/// A static file as written: a script's [`SCRIPT_MARKER`] replaced by the book's words.
fn with_words(name: &str, bytes: &[u8], words: &str) -> Vec<u8> {
    let marker = SCRIPT_MARKER.as_bytes();
    if !name.ends_with(".js") || !bytes.windows(marker.len()).any(|w| w == marker) {
        return bytes.to_vec();
    }
    String::from_utf8_lossy(bytes)
        .replace(SCRIPT_MARKER, words)
        .into_bytes()
}

/// The theme's words as the templates' `t`, lent to one page at a time: moved into its
/// context and taken back after, so that no page copies them (see [`Words::lend`]).
struct Words {
    spare: std::sync::Mutex<Vec<Context>>,
    value: serde_json::Value,
}

impl Words {
    fn new(strings: &crate::strings::Strings) -> Words {
        Words {
            spare: std::sync::Mutex::new(Vec::new()),
            value: strings.tera(),
        }
    }

    /// Renders with `t` in `ctx`, moving a spare copy in and out (one copy per thread at most).
    fn lend<R>(&self, ctx: &mut Context, render: impl FnOnce(&Context) -> R) -> R {
        let spare = self.spare.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let words = spare.unwrap_or_else(|| {
            let mut one = serde_json::Map::new();
            one.insert("t".into(), self.value.clone());
            Context::from_value(serde_json::Value::Object(one)).unwrap_or_default()
        });
        ctx.extend(words);
        let out = render(ctx);
        if let Some(value) = ctx.remove("t") {
            let mut one = serde_json::Map::new();
            one.insert("t".into(), value);
            if let Ok(back) = Context::from_value(serde_json::Value::Object(one)) {
                self.spare
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(back);
            }
        }
        out
    }
}

/// A template's source with each `{{ t.ID | safe }}` replaced by the string's value, as tera
/// would write it, and each `{{ t.ID | fill(name=site.FIELD, ...) }}` by the value filled in
/// with the site's (the same on every page): the theme's words cost nothing per page. Values
/// holding tera's own delimiters are kept as `{% raw %}`; a template that gives `t` or `site`
/// another value (a loop, `set`, a macro argument other than `t=t`) is left as it is.
fn fold_words(src: &str, strings: &Strings, site: &serde_json::Value) -> String {
    const OPEN: &str = "{{ t.";
    const CLOSE: &str = " | safe }}";
    const FILL: &str = " | fill(";
    let rebinds = [
        "for t in",
        "for t,",
        "set t ",
        "set t=",
        "set_global t",
        "for site ",
        "set site",
        "set_global site",
    ]
    .iter()
    .any(|p| src.contains(p))
        || src.match_indices("t=").any(|(at, _)| {
            let before = src[..at].chars().next_back();
            let is_arg = !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.');
            is_arg && !src[at..].starts_with("t=t)") && !src[at..].starts_with("t=t,")
        });
    if rebinds {
        return src.to_string();
    }
    let mut out = String::with_capacity(src.len());
    let mut rest = src;
    while let Some(at) = rest.find(OPEN) {
        out.push_str(&rest[..at]);
        let after = &rest[at + OPEN.len()..];
        let id_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.'))
            .unwrap_or(after.len());
        let (id, tail) = after.split_at(id_len);
        let value = strings.value(id);
        let filled = value.and_then(|v| {
            let args = tail.strip_prefix(FILL)?;
            let end = args.find(") }}")?;
            let mut pairs = Vec::new();
            for pair in args[..end].split(", ") {
                let (name, field) = pair.split_once("=site.")?;
                let field = site.get(field).filter(|f| f.is_string() || f.is_number())?;
                pairs.push((name, shown(field)));
            }
            let text = crate::strings::fill(v, |n| {
                (pairs.iter())
                    .find(|(name, _)| *name == n)
                    .map(|(_, v)| v.clone())
            });
            Some((text, FILL.len() + end + ") }}".len()))
        });
        if let Some((text, used)) = filled {
            push_raw(&mut out, &text);
            rest = &tail[used..];
            continue;
        }
        match value.filter(|_| tail.starts_with(CLOSE)) {
            Some(v) => {
                push_raw(&mut out, v);
                rest = &tail[CLOSE.len()..];
            }
            None => {
                out.push_str(OPEN);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Appends `text` to a template's source as text, in `{% raw %}` when tera would read it.
fn push_raw(out: &mut String, text: &str) {
    if ["{{", "{%", "{#"].iter().any(|d| text.contains(d)) {
        out.push_str("{% raw %}");
        out.push_str(text);
        out.push_str("{% endraw %}");
    } else {
        out.push_str(text);
    }
}

/// `{{ t.x | fill(name=value) }}`: the string's `{name}`s filled in with the values, escaped.
struct Fill;

impl tera::Filter for Fill {
    fn filter(
        &self,
        value: &serde_json::Value,
        args: &HashMap<String, serde_json::Value>,
    ) -> tera::Result<serde_json::Value> {
        let text = value.as_str().unwrap_or_default();
        Ok(serde_json::Value::String(crate::strings::fill(
            text,
            |name| args.get(name).map(shown),
        )))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// A value as tera writes it, escaped.
fn shown(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => escape_html(s),
        serde_json::Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => i.to_string(),
            (_, Some(u), _) => u.to_string(),
            (_, _, Some(f)) => f.to_string(),
            _ => n.to_string(),
        },
        serde_json::Value::Bool(b) => b.to_string(),
        serde_json::Value::Null => String::new(),
        other => escape_html(&other.to_string()),
    }
}

/// Static files of the theme that only the registers' pages use.
const RISK_STATICS: [&str; 2] = ["risks.css", "risks.js"];

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
    words: &Words,
    page: Page,
    bodies: Vec<String>,
) -> Result<(Arc<[u8]>, Layout), Diagnostic> {
    let mut ctx = page.data.into_context();
    ctx.insert("site", site);
    ctx.insert("root", &paths::root_of(&page.path));
    ctx.insert("page_path", &paths::encode(&page.path));
    ctx.insert("nav", page.nav);
    ctx.insert("page_title", &page.title);
    let html = words
        .lend(&mut ctx, |ctx| tera.render(page.template, ctx))
        .map_err(|e| template_error(theme, page.template, &e))?;
    if bodies.is_empty() {
        return Ok((html.into_bytes().into(), Layout::new()));
    }
    let pieces: Vec<&str> = html.split(BODY_MARKER).collect();
    if pieces.len() != bodies.len() + 1 {
        return Err(Diagnostic::error(
            Code::RenderFailed,
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

fn templates(
    theme: &Theme,
    strings: &Strings,
    site: &serde_json::Value,
) -> Result<Tera, Vec<Diagnostic>> {
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html"]);
    tera.set_escape_fn(escape_html);
    tera.register_filter("fill", Fill);
    let folded: Vec<(&str, String)> = theme
        .templates
        .iter()
        .map(|(name, (src, _))| (name.as_str(), fold_words(src, strings, site)))
        .collect();
    let list: Vec<(&str, &str)> = (folded.iter())
        .map(|(name, src)| (*name, src.as_str()))
        .collect();
    tera.add_raw_templates(list).map_err(|e| {
        vec![Diagnostic::error(
            Code::TemplateError,
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
        Code::TemplateError,
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
        frameworks: !model.coverage.frameworks.is_empty(),
        risks: has_register(model),
        audiences: !model.audience_docs.is_empty(),
        profile: model.profile.as_ref().map(|p| {
            let total = model.redactions.as_ref().map_or(0, |r| r.documents.len());
            (p.name.as_str(), model.documents.len(), total)
        }),
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
    Framework(FrameworkPage),
    Risk(RiskPage),
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
            PageSpec::Framework(p) => p.page(model, views, plan),
            PageSpec::Risk(p) => p.page(model, views),
        };
        (page, Vec::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestBook;

    #[test]
    fn plain_strings_are_folded_into_templates_and_nothing_else_is() {
        let mut strings = Strings::for_language("de");
        assert!(strings.set("nav.skip", "{{ not a tag }}"));
        let src = "<a>{{ t.nav.documents | safe }}</a>{{ t.nav.skip | safe }}{{ t.doc.source | fill(source=x) }}{{ t.nope | safe }}{{ t.status[s] | safe }}{{ m::x(t=t) }}";
        let site = serde_json::json!({"edition": "ISO <27001>", "authors": ["A"]});
        let sited = "{{ t.footer.mapped | fill(edition=site.edition) }}{{ t.footer.by | fill(authors=site.authors | join(sep=\", \")) }}";
        assert_eq!(
            fold_words(sited, &strings, &site),
            "abgebildet auf ISO &lt;27001&gt;{{ t.footer.by | fill(authors=site.authors | join(sep=\", \")) }}"
        );
        assert_eq!(
            fold_words(src, &strings, &site),
            "<a>Dokumente</a>{% raw %}{{ not a tag }}{% endraw %}{{ t.doc.source | fill(source=x) }}{{ t.nope | safe }}{{ t.status[s] | safe }}{{ m::x(t=t) }}"
        );
        for rebinding in [
            "{% for t in tags %}{{ t.nav.documents | safe }}{% endfor %}",
            "{% set t = 1 %}{{ t.nav.documents | safe }}",
            "{{ m::x(t=other) }}{{ t.nav.documents | safe }}",
        ] {
            assert_eq!(fold_words(rebinding, &strings, &site), rebinding);
        }
    }

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
        // A body holding the marker (the sanitiser drops HTML comments today; the splice must
        // not depend on it).
        let sneaky = format!("Before {BODY_MARKER} after.");
        let checked = TestBook::new()
            .toml("[output.html]\nallow-html = true\n")
            .doc_with("A", "status: draft", &sneaky)
            .doc_with("B", "status: draft", "Plain.")
            .checked();
        let files = crate::pipeline::site_files(&checked, &Progress::none())
            .unwrap()
            .done()
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
