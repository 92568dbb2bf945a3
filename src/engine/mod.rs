//! Repeated builds of one book, for `serve` and `watch`: the pipeline again on every change,
//! with what did not change kept from the last build.
//!
//! Two caches make a rebuild after one edit cheap: rendered Markdown bodies (by body text and
//! everything its links resolve against) and rendered pages (by a hash of the page's data), so
//! an edit re-renders its own body and only the pages whose data it changed.
//!
//! An edit to a document's body alone (the front matter as it was, the same links) needs less
//! still: [`Engine::rebuild_after`] reads only that file and renders only the pages showing the
//! body, without reading the book again.

use std::path::PathBuf;

use chrono::NaiveDate;

use crate::diagnostic::Sources;
use crate::model::Model;
use crate::pipeline::{self, Checked};
use crate::render::{self, PageCache};
use crate::site::{Contents, OutputFile};
use crate::watch::ChangeKind;
use crate::{load, search, theme};

/// One book, rebuilt on demand.
pub(crate) struct Engine {
    pub root: PathBuf,
    pub as_of: NaiveDate,
    /// `--profile`: every rebuild is for it.
    profile: Option<String>,
    caches: pipeline::Caches,
    pages: PageCache,
    theme_hash: u64,
    /// The last good build: its model (for [`Engine::extras`] and body edits), the texts it
    /// read, its files sorted by path, its theme and its figures.
    last: Option<Last>,
    /// The last rebuild succeeded, so `last` is the book as it is apart from the files changed
    /// since: only then can an edit be applied to it alone.
    current: bool,
    /// Indexed documents, shared with the extras jobs.
    search: std::sync::Arc<std::sync::Mutex<search::Cache>>,
    /// Render a book that has errors too (see [`Engine::previewing`]).
    preview: bool,
}

/// What the last good build left for the next edit.
struct Last {
    model: std::sync::Arc<Model>,
    sources: Sources,
    files: Vec<OutputFile>,
    theme: theme::Theme,
    warnings: usize,
}

/// What a rebuild produced: the site, or the book's problems.
pub(crate) type Outcome = crate::outcome::Outcome<Rebuilt, Failed>;

/// A site built again.
pub(crate) struct Rebuilt {
    pub files: Vec<OutputFile>,
    pub stats: Stats,
    /// Diagnostics rendered for the terminal: a preview's errors and warnings, the first
    /// build's warnings, else nothing.
    pub report: String,
    /// The book's errors: more than none only for a preview ([`Engine::previewing`]).
    pub errors: usize,
}

/// The book has errors: rendered diagnostics for the terminal and the browser overlay.
pub(crate) struct Failed {
    pub report: String,
    pub errors: usize,
}

/// Figures of one rebuild.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Stats {
    pub documents: usize,
    pub pages: usize,
    /// Pages whose data changed and were rendered again.
    pub rendered: usize,
    pub warnings: usize,
    /// Only the edited documents were read and rendered again (see [`Engine::rebuild_after`]).
    pub patched: bool,
}

impl Engine {
    pub(crate) fn new(root: PathBuf, as_of: NaiveDate, profile: Option<String>) -> Engine {
        Engine {
            root,
            as_of,
            profile,
            caches: pipeline::Caches::default(),
            pages: PageCache::new(),
            theme_hash: 0,
            last: None,
            current: false,
            search: Default::default(),
            preview: false,
        }
    }

    /// An engine for `serve`: a book with errors is rendered all the same, so that an author
    /// always sees their newest text. Every document that parses shows as it is now, each broken
    /// reference marked in place; a document whose front matter cannot be parsed keeps the page
    /// of the last build that had it, or gets a page naming its errors. `build` and `watch`
    /// never write such a book.
    pub(crate) fn previewing(mut self) -> Engine {
        self.preview = true;
        self
    }

    /// Builds the site again after `changes` (from the watcher): by applying them to the last
    /// build when they are edits to documents' bodies alone, else by [`Engine::rebuild`].
    pub(crate) fn rebuild_after(
        &mut self,
        changes: &[(ChangeKind, PathBuf)],
    ) -> anyhow::Result<Outcome> {
        match self.patch(changes) {
            Some(rendered) => {
                let last = self.last.as_ref().expect("a patch follows a good build");
                Ok(Outcome::Done(Rebuilt {
                    stats: Stats {
                        documents: last.model.documents.len(),
                        pages: self.pages.len(),
                        rendered,
                        warnings: last.warnings,
                        patched: true,
                    },
                    files: last.files.clone(),
                    report: String::new(),
                    errors: 0,
                }))
            }
            None => {
                // Only the changed files need a look, unless the set of files may have changed.
                let paths = changes.iter().all(|(kind, _)| *kind == ChangeKind::Content);
                if paths {
                    self.caches
                        .only_changed(changes.iter().map(|(_, p)| p.clone()).collect());
                }
                self.rebuild()
            }
        }
    }

    /// Applies edits to documents' bodies to the last good build, when that is all they are:
    /// each changed path is a document of that build whose front matter is byte for byte as it
    /// was, whose body links to the same things (documents, clauses, controls and files: a
    /// file is published only while a body links to it) and has no link problem nor variable
    /// warning,
    /// and which still has every heading other documents link to. Returns how many pages were
    /// rendered again, or `None` when the whole book must be read again.
    fn patch(&mut self, changes: &[(ChangeKind, PathBuf)]) -> Option<usize> {
        // A profile rewrites bodies as it reads them: an edit goes through the whole check.
        if !self.current || self.profile.is_some() {
            return None;
        }
        let last = self.last.as_mut()?;
        let content = last.model.settings.content_dir();
        let mut edits = Vec::new();
        for (kind, path) in changes {
            let rel = path.strip_prefix(&content).ok()?;
            if *kind != ChangeKind::Content || !load::is_markdown(rel) {
                return None;
            }
            let i = last.model.document_at(rel)?;
            if edits.iter().any(|(j, _, _)| *j == i) {
                continue;
            }
            let node = &last.model.documents[i];
            let text = self.caches.read_document(path)?;
            let front = &last.sources.text(node.doc.file)[..node.doc.body_start];
            if !text.starts_with(front) {
                return None;
            }
            let (body, warnings, assets) = last.model.render_body(i, &text);
            let old = &node.body;
            // Other documents' links to this one's headings must still find them.
            let anchors_hold =
                || {
                    last.model.documents.iter().all(|other| {
                        other.body.anchors.iter().all(|a| {
                            a.document != i || body.headings.iter().any(|h| h.id == a.anchor)
                        })
                    })
                };
            let same_anchors = |a: &crate::markdown::Rendered, b: &crate::markdown::Rendered| {
                a.anchors.len() == b.anchors.len()
                    && a.anchors
                        .iter()
                        .zip(&b.anchors)
                        .all(|(x, y)| x.document == y.document && x.anchor == y.anchor)
            };
            // A file linked for the first time, or no longer, is published or dropped.
            if body.targets != old.targets
                || assets != node.assets
                || !body.problems.is_empty()
                || !old.problems.is_empty()
                || !warnings.is_empty()
                || !node.variable_warnings.is_empty()
                || !same_anchors(&body, old)
                || !anchors_hold()
            {
                return None;
            }
            edits.push((i, text, (body, warnings, assets)));
        }
        if edits.is_empty() {
            return None;
        }
        let mut timings = crate::progress::Timings::start();
        // Copied only while the extras job of the last build still holds it (documents are
        // shared, so a copy is cheap). If rendering fails below, the whole book is built again.
        let model = std::sync::Arc::make_mut(&mut last.model);
        timings.lap("model");
        let docs: Vec<usize> = edits.iter().map(|(i, _, _)| *i).collect();
        let mut texts = Vec::new();
        for (i, text, body) in edits {
            model.set_body(i, &text, body);
            let node = &model.documents[i];
            self.caches.keep_body(node);
            texts.push((node.doc.file, text));
        }
        // A template that fails is reported by the whole build.
        let crate::outcome::Outcome::Done(Some(files)) =
            render::render_bodies(model, &last.theme, &mut self.pages, &docs)
        else {
            return None;
        };
        timings.lap("render");
        for (file, text) in texts {
            last.sources.replace(file, text);
        }
        let rendered = files.len();
        for f in files {
            match last.files.binary_search_by(|g| g.path.cmp(&f.path)) {
                Ok(at) => last.files[at] = f,
                Err(at) => last.files.insert(at, f),
            }
        }
        timings.lap("files");
        Some(rendered)
    }

    /// Reads the book again and builds the site in memory.
    pub(crate) fn rebuild(&mut self) -> anyhow::Result<Outcome> {
        self.current = false;
        let mut checked = pipeline::check(
            &self.root,
            self.as_of,
            &mut self.caches,
            pipeline::Purpose::Render,
            self.profile.as_deref(),
        )?;
        let errors = checked.errors();
        if errors > 0 && (!self.preview || checked.model.is_none()) {
            return Ok(Outcome::BookErrors(Failed {
                report: plain(&checked.sources, &checked.diagnostics),
                errors,
            }));
        }
        let model = checked
            .model
            .as_ref()
            .expect("a book without errors has a model");
        let mut timings = crate::progress::Timings::start();
        self.caches.keep_bodies(model);
        let theme = theme::load(model.settings.theme_dir().as_deref())?;
        let theme_hash = hash_theme(&theme);
        if theme_hash != self.theme_hash {
            self.pages.clear();
            self.theme_hash = theme_hash;
        }
        let (mut files, pages) = match render::render_cached(
            model,
            &theme,
            Some(&self.pages),
            &crate::progress::Progress::none(),
        ) {
            crate::outcome::Outcome::Done(rendered) => rendered,
            crate::outcome::Outcome::BookErrors(problems) => {
                return Ok(Outcome::BookErrors(Failed {
                    report: plain(&checked.sources, &problems),
                    errors: problems.len(),
                }))
            }
        };
        timings.lap("render");
        let rendered = pages
            .iter()
            .filter(|(path, (key, _))| self.pages.get(path).map(|(k, _)| k) != Some(key))
            .count();
        self.pages = pages;
        let mut unparsed_report = String::new();
        if errors > 0 {
            let last_files = self
                .last
                .as_ref()
                .map(|l| l.files.as_slice())
                .unwrap_or(&[]);
            unparsed_report = keep_unparsed(&checked, last_files, &mut files);
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        timings.lap("pages");
        let warnings = checked.warnings();
        let stats = Stats {
            documents: model.documents.len(),
            pages: self.pages.len(),
            rendered,
            warnings,
            patched: false,
        };
        // A preview lists every problem; otherwise warnings are shown once, after the first
        // build (rendering thousands costs time).
        let report = if errors > 0 {
            unparsed_report + &plain(&checked.sources, &checked.diagnostics)
        } else if self.last.is_none() {
            warnings_report(&checked)
        } else {
            String::new()
        };
        let model = checked
            .model
            .take()
            .expect("a book without errors has a model");
        self.last = Some(Last {
            model: std::sync::Arc::new(model),
            sources: checked.sources,
            files: files.clone(),
            theme,
            warnings,
        });
        // A preview is not the book as it should be: the next edit builds it all again.
        self.current = errors == 0;
        Ok(Outcome::Done(Rebuilt {
            files,
            stats,
            report,
            errors,
        }))
    }

    /// The search index and exports of the last good build: computed after its pages, so an
    /// edit shows in the browser before the whole-book files are ready.
    pub(crate) fn extras(&self) -> anyhow::Result<Vec<OutputFile>> {
        self.extras_job(false)()
    }

    /// [`Engine::extras`] as a job that can run on another thread while the next edit builds,
    /// at low priority: pages first, the search index and exports when there is time. With
    /// `search_only`, just what an edit to bodies alone changes: the search index, and the
    /// acknowledgements' fingerprints.
    pub(crate) fn extras_job(
        &self,
        search_only: bool,
    ) -> impl FnOnce() -> anyhow::Result<Vec<OutputFile>> + Send + 'static {
        let last = self.last.as_ref().map(|l| l.model.clone());
        let search = self.search.clone();
        move || {
            #[cfg(target_os = "linux")]
            let _ = rustix::process::setpriority_process(Some(rustix::thread::gettid()), 10);
            let Some(model) = last else {
                return Ok(Vec::new());
            };
            let mut search = search.lock().unwrap_or_else(|e| e.into_inner());
            if search_only {
                let mut files = vec![pipeline::search_index(&model, Some(&mut search))];
                files.extend(crate::export::acknowledgements(&model)?);
                Ok(files)
            } else {
                pipeline::extras(&model, Some(&mut search))
            }
        }
    }
}

/// In a preview, each document whose front matter cannot be parsed keeps its page from the
/// last build that had one, or gets a page that names its errors. Returns what the overlay
/// says of them.
fn keep_unparsed(checked: &Checked, last: &[OutputFile], files: &mut Vec<OutputFile>) -> String {
    let mut said = String::new();
    for (file, rel) in &checked.unparsed {
        let page = crate::paths::document_file(rel);
        let shown = crate::diagnostic::display_path(checked.sources.path(*file));
        let kept = last
            .binary_search_by(|f| f.path.as_str().cmp(&page))
            .ok()
            .map(|at| last[at].clone());
        match kept {
            Some(previous) => {
                said.push_str(&format!(
                    "{shown}: its front matter has errors; its page is the last good version\n"
                ));
                files.push(previous);
            }
            None => {
                said.push_str(&format!(
                    "{shown}: its front matter has errors, and it has no good version yet\n"
                ));
                let problems: Vec<_> = checked
                    .diagnostics
                    .iter()
                    .filter(|d| d.span.as_ref().is_some_and(|s| s.file == *file))
                    .cloned()
                    .collect();
                files.push(OutputFile {
                    contents: Contents::Bytes(
                        error_page(&page, &shown, &plain(&checked.sources, &problems))
                            .into_bytes()
                            .into(),
                    ),
                    path: page,
                });
            }
        }
    }
    // A kept page may show files only it linked to: while any page is kept, the files of the
    // content folder that the last build published stay (as long as they exist).
    if let Some(model) = checked
        .model
        .as_ref()
        .filter(|_| !checked.unparsed.is_empty())
    {
        let content = model.settings.content_dir();
        let present: std::collections::HashSet<String> =
            files.iter().map(|f| f.path.clone()).collect();
        let attachments = last.iter().filter(|f| match &f.contents {
            Contents::Copy(from) => from.starts_with(&content) && from.is_file(),
            Contents::Bytes(_) => false,
        });
        for f in attachments {
            if !present.contains(&f.path) {
                files.push(f.clone());
            }
        }
    }
    if !said.is_empty() {
        said.push('\n');
    }
    said
}

/// The page `serve` shows for a document that has never parsed: its errors, in place of it.
fn error_page(page: &str, source: &str, problems: &str) -> String {
    let esc = crate::highlight::escape_html;
    let root = crate::paths::root_of(page);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{source} cannot be shown</title>\n<link rel=\"stylesheet\" href=\"{root}static/style.css\">\n</head>\n<body>\n<main id=\"main\" class=\"unparsed\">\n<h1>{source} cannot be shown yet</h1>\n<p>Its front matter has errors. Fix them and this page shows the document.</p>\n<pre>{problems}</pre>\n<p><a href=\"{root}index.html\">The rest of the book</a></p>\n</main>\n</body>\n</html>\n",
        source = esc(source),
        problems = esc(problems),
    )
}

fn warnings_report(checked: &Checked) -> String {
    let shown: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_warning())
        .cloned()
        .collect();
    plain(&checked.sources, &shown)
}

/// Diagnostics rendered without colour, errors first and repeats counted.
pub(crate) fn plain(sources: &Sources, diagnostics: &[crate::diagnostic::Diagnostic]) -> String {
    let mut out = String::new();
    let _ = sources.render_digest(diagnostics, false, &mut out);
    out
}

fn hash_theme(theme: &theme::Theme) -> u64 {
    crate::key::of(&theme.templates)
}

#[cfg(test)]
mod tests;
