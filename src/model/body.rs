//! A document's body: rendered with its links resolved and its variables filled in, marked
//! where a link is broken (for serve's preview), the files it publishes, and the edit API that
//! `serve` uses to render one body again without rebuilding the model.

use super::*;

/// The files of the content folder that a document's body links to, in walk order; every
/// other one is not published, and gets an `unlinked-file` note unless a profile left out
/// what linked to it (`partial`).
pub(super) fn published_assets(
    assets: Vec<Asset>,
    nodes: &[Node],
    settings: &BookSettings,
    partial: bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Asset> {
    let linked: HashSet<&Path> = nodes
        .iter()
        .flat_map(|n| n.assets.iter().map(PathBuf::as_path))
        .collect();
    let content = &settings.config.build.content_dir;
    let (published, unlinked): (Vec<Asset>, Vec<Asset>) = assets
        .into_iter()
        .partition(|a| linked.contains(a.rel.as_path()));
    for a in unlinked.into_iter().filter(|_| !partial) {
        diagnostics.push(
            Diagnostic::note_level(
                Code::UnlinkedFile,
                format!(
                    "{} is linked from no document, so it is not published",
                    crate::diagnostic::display_path(&content.join(&a.rel))
                ),
            )
            .hint("link to it from a document, or remove it from the content folder"),
        );
    }
    published
}

/// Fills the book's variables (when it has `[variables]`) into `body`, renders it, and maps the
/// ranges of what the renderer found back to `body` as written: the one place bodies render.
pub(super) fn render_text(
    body: &str,
    book_variables: Option<&BTreeMap<String, Variable>>,
    resolver: &dyn Resolve,
    options: RenderOptions,
) -> (Rendered, Vec<variables::Warning>) {
    let Some(book_variables) = book_variables else {
        return (markdown::render(body, resolver, options), Vec::new());
    };
    let (text, warnings) = variables::substitute(body, book_variables);
    let mut rendered = markdown::render(&text.text, resolver, options);
    if !text.is_unchanged() {
        for p in &mut rendered.problems {
            p.range = text.original(p.range.clone());
        }
        for a in &mut rendered.anchors {
            a.range = text.original(a.range.clone());
        }
    }
    (rendered, warnings)
}

/// `html` with each link to one of `marks`' hrefs (as given to pulldown-cmark) marked as
/// broken, its diagnostic as its title: what `serve` shows of a book with errors.
pub(super) fn mark_broken(html: &str, marks: &[(&str, &str)]) -> String {
    let mut html = html.to_string();
    let mut done: HashSet<&str> = HashSet::new();
    for &(href, message) in marks {
        if !done.insert(href) {
            continue;
        }
        let mut escaped = String::new();
        let _ = pulldown_cmark_escape::escape_href(&mut escaped, href);
        let mut title = String::new();
        let _ = pulldown_cmark_escape::escape_html(&mut title, message);
        html = html.replace(
            &format!("<a href=\"{escaped}\""),
            &format!("<a class=\"broken-ref\" title=\"{title}\" href=\"{escaped}\""),
        );
    }
    html
}

/// The diagnostic for a problem with a body's variables.
pub(super) fn variable_warning(
    d: &Document,
    w: &variables::Warning,
    sources: &Sources,
    book_variables: Option<&BTreeMap<String, Variable>>,
) -> Diagnostic {
    let tag = d.body(sources).get(w.range.clone()).unwrap_or_default();
    let span = body_span(d, w.range.clone());
    match &w.problem {
        variables::Problem::Undefined(name) => {
            let names = book_variables.into_iter().flatten().map(|(n, _)| n.as_str());
            Diagnostic::warning(
                Code::UndefinedVariable,
                format!("`{name}` is not a variable of the book: `{tag}` is left as written"),
            )
            .at(span)
            .hint(match did_you_mean(name, names) {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!("define `{name}` under [variables] in book.toml"),
            })
        }
        variables::Problem::Unclosed(name) => Diagnostic::warning(
            Code::UnbalancedSection,
            format!("`{tag}` has no `{{{{/{name}}}}}`: the section is left as written"),
        )
        .at(span)
        .hint(format!("end the section with `{{{{/{name}}}}}`; sections close innermost first")),
        variables::Problem::Unopened(name) => Diagnostic::warning(
            Code::UnbalancedSection,
            format!("`{tag}` closes no open section: it is left as written"),
        )
        .at(span)
        .hint(format!("open the section with `{{{{#{name}}}}}` or `{{{{^{name}}}}}` before it, or remove this")),
    }
}

pub(super) fn body_span(d: &Document, range: std::ops::Range<usize>) -> Span {
    Span {
        file: d.file,
        range: d.body_start + range.start..d.body_start + range.end,
    }
}

/// `to` (relative to the content folder) as seen from folder `from`, with `/` separators.
pub(super) fn relative_path(from: &Path, to: &Path) -> String {
    let from: Vec<_> = from.components().collect();
    let to_parts: Vec<_> = to.components().collect();
    let common = from
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<String> = vec!["..".into(); from.len() - common];
    parts.extend(
        to_parts[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// Identifies a body's rendering: its text and everything its links resolve against.
pub(super) fn body_key(signature: u64, d: &Document) -> u64 {
    crate::key::of(&(signature, &d.rel, d.body_hash))
}

impl Model {
    /// Renders document `i`'s body from `text` (its file's new text, with the same front
    /// matter), resolving links as [`Model::build`] did.
    pub fn render_body(&self, i: usize, text: &str) -> CachedBody {
        let d = &self.documents[i].doc;
        let resolver = BodyResolver {
            catalog: &self.catalog,
            frameworks: &self.frameworks,
            registers: &self.registers,
            by_id: &self.by_id,
            docs: &self.documents,
            dir: d.rel.parent().unwrap_or(Path::new("")),
            by_path: &self.links.by_path,
            assets: &self.links.assets,
            linked: Default::default(),
            redacted: &self.links.redacted,
            own_id: &d.id,
            strings: &self.settings.strings,
        };
        let (body, warnings) = render_text(
            &text[d.body_start..],
            self.settings.config.variables.as_ref(),
            &resolver,
            self.links.options,
        );
        (Arc::new(body), warnings, resolver.linked_assets())
    }

    /// The document at `rel` (relative to the content folder).
    pub fn document_at(&self, rel: &Path) -> Option<usize> {
        self.links.by_path.get(&paths::nfc_path(rel)).copied()
    }

    /// Gives document `i` a new body, rendered by [`Model::render_body`] from `text`.
    pub fn set_body(&mut self, i: usize, text: &str, (body, warnings, assets): CachedBody) {
        let signature = self.links.signature;
        let node = &mut self.documents[i];
        let doc = Arc::make_mut(&mut node.doc);
        doc.body_hash = crate::document::text_hash(&text[doc.body_start..]);
        node.body_key = body_key(signature, doc);
        node.body = body;
        node.unmarked = None;
        node.variable_warnings = warnings;
        node.assets = assets;
    }
}
