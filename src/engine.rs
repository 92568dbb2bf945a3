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
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use crate::diagnostic::Sources;
use crate::model::Model;
use crate::pipeline::{self, Checked};
use crate::render::{self, PageCache};
use crate::site::{Contents, OutputFile};
use crate::watch::ChangeKind;
use crate::{load, search, theme};

/// One book, rebuilt on demand.
pub struct Engine {
    pub root: PathBuf,
    pub as_of: NaiveDate,
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
pub type Outcome = crate::outcome::Outcome<Rebuilt, Failed>;

/// A site built again.
pub struct Rebuilt {
    pub files: Vec<OutputFile>,
    pub stats: Stats,
    /// Diagnostics rendered for the terminal: a preview's errors and warnings, the first
    /// build's warnings, else nothing.
    pub report: String,
    /// The book's errors: more than none only for a preview ([`Engine::previewing`]).
    pub errors: usize,
}

/// The book has errors: rendered diagnostics for the terminal and the browser overlay.
pub struct Failed {
    pub report: String,
    pub errors: usize,
}

/// Figures of one rebuild.
#[derive(Debug, Clone, Copy)]
pub struct Stats {
    pub documents: usize,
    pub pages: usize,
    /// Pages whose data changed and were rendered again.
    pub rendered: usize,
    pub warnings: usize,
    pub elapsed: Duration,
    /// Only the edited documents were read and rendered again (see [`Engine::rebuild_after`]).
    pub patched: bool,
}

impl Engine {
    pub fn new(root: PathBuf, as_of: NaiveDate) -> Engine {
        Engine {
            root,
            as_of,
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
    pub fn previewing(mut self) -> Engine {
        self.preview = true;
        self
    }

    /// Builds the site again after `changes` (from the watcher): by applying them to the last
    /// build when they are edits to documents' bodies alone, else by [`Engine::rebuild`].
    pub fn rebuild_after(&mut self, changes: &[(ChangeKind, PathBuf)]) -> anyhow::Result<Outcome> {
        let started = Instant::now();
        match self.patch(changes) {
            Some(rendered) => {
                let last = self.last.as_ref().expect("a patch follows a good build");
                Ok(Outcome::Done(Rebuilt {
                    stats: Stats {
                        documents: last.model.documents.len(),
                        pages: self.pages.len(),
                        rendered,
                        warnings: last.warnings,
                        elapsed: started.elapsed(),
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
        if !self.current {
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
    pub fn rebuild(&mut self) -> anyhow::Result<Outcome> {
        let started = Instant::now();
        self.current = false;
        let mut checked = pipeline::check(
            &self.root,
            self.as_of,
            &mut self.caches,
            pipeline::Purpose::Render,
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
            elapsed: started.elapsed(),
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
    pub fn extras(&self) -> anyhow::Result<Vec<OutputFile>> {
        self.extras_job(false)()
    }

    /// [`Engine::extras`] as a job that can run on another thread while the next edit builds,
    /// at low priority: pages first, the search index and exports when there is time. With
    /// `search_only`, just the search index: what an edit to bodies alone changes.
    pub fn extras_job(
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
                Ok(vec![pipeline::search_index(&model, Some(&mut search))])
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
pub fn plain(sources: &Sources, diagnostics: &[crate::diagnostic::Diagnostic]) -> String {
    let mut out = String::new();
    let _ = sources.render_digest(diagnostics, false, &mut out);
    out
}

fn hash_theme(theme: &theme::Theme) -> u64 {
    crate::key::of(&theme.templates)
}

#[cfg(test)]
mod tests {
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
            Engine::new(root.clone(), AS_OF).rebuild().unwrap()
        else {
            panic!("the sample book builds")
        };
        let checked = pipeline::check(
            &root,
            AS_OF,
            &mut Default::default(),
            pipeline::Purpose::Render,
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
}
