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

    fn stats(outcome: Outcome) -> Stats {
        match outcome {
            Outcome::Done(Rebuilt { stats, .. }) => stats,
            Outcome::BookErrors(Failed { report, .. }) => panic!("{report}"),
        }
    }

    #[test]
    fn pages_rendered_for_the_cache_are_those_of_a_build() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let Outcome::Done(Rebuilt { files, .. }) =
            Engine::new(root.clone(), as_of).rebuild().unwrap()
        else {
            panic!("the sample book builds")
        };
        let checked = pipeline::check(
            &root,
            as_of,
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
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content")).unwrap();
        let doc = |id: &str, body: &str| {
            format!("---\nid: {id}\ntitle: {id}\nstatus: approved\napprover: CEO\nversion: \"1\"\nclauses: [\"5.2\"]\n---\n{body}\n")
        };
        std::fs::write(root.join("content/a.md"), doc("A", "First.")).unwrap();
        std::fs::write(root.join("content/b.md"), doc("B", "See [[A]].")).unwrap();
        let mut engine = Engine::new(
            root.to_path_buf(),
            NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
        );
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
        std::fs::write(root.join("content/a.md"), doc("A", "First, edited.")).unwrap();
        assert_eq!(stats(engine.rebuild().unwrap()).rendered, 2);
        // A body link to a control shows on the control's page too.
        std::fs::write(root.join("content/a.md"), doc("A", "See [[A.5.15]].")).unwrap();
        assert_eq!(stats(engine.rebuild().unwrap()).rendered, 3);
        std::fs::write(root.join("content/a.md"), doc("A", "First, edited.")).unwrap();
        assert_eq!(stats(engine.rebuild().unwrap()).rendered, 3);
        // A title edit shows wherever A is listed, but not on clause 6's pages, say.
        std::fs::write(
            root.join("content/a.md"),
            doc("A", "First, edited.").replace("title: A", "title: Renamed"),
        )
        .unwrap();
        let s = stats(engine.rebuild().unwrap());
        assert!(s.rendered > 2 && s.rendered < s.pages / 2, "{s:?}");
    }

    #[test]
    fn a_control_gaining_a_document_re_renders_only_the_matrix_part_that_shows_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content")).unwrap();
        let doc = |i: usize, controls: &str| {
            format!("---\nid: D-{i:03}\ntitle: D {i}\nstatus: approved\napprover: CEO\napproved_on: 2026-01-01\nversion: \"1\"\ncontrols: [{controls}]\n---\nText.\n")
        };
        // More documents than one part of the matrix holds, so it comes in two parts.
        for i in 0..250 {
            let controls = if i == 249 {
                "\"A.5.1\", \"A.5.2\""
            } else {
                "\"A.5.1\""
            };
            std::fs::write(root.join(format!("content/d{i:03}.md")), doc(i, controls)).unwrap();
        }
        let mut engine = Engine::new(
            root.to_path_buf(),
            NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
        );
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
        std::fs::write(root.join("content/d000.md"), doc(0, "\"A.5.1\", \"A.5.2\"")).unwrap();
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
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content/policies")).unwrap();
        let doc = |id: &str, body: &str| {
            format!("---\nid: {id}\ntitle: Doc {id}\nstatus: approved\napprover: CEO\napproved_on: 2026-01-01\nversion: \"1\"\nclauses: [\"5.2\"]\n---\n{body}\n")
        };
        let path = |name: &str| root.join("content/policies").join(name);
        std::fs::write(
            path("a.md"),
            doc("A", "# Scope\n\nSee [[B]] and [[A.5.15]]."),
        )
        .unwrap();
        std::fs::write(path("b.md"), doc("B", "# Scope\n\n## Roles\n\nText.")).unwrap();
        std::fs::write(path("c.md"), doc("C", "See [B's scope](b.md#scope).")).unwrap();
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let mut engine = Engine::new(root.to_path_buf(), as_of);
        site(engine.rebuild().unwrap());
        let content = |name: &str| vec![(ChangeKind::Content, path(name))];
        let whole = || site(Engine::new(root.to_path_buf(), as_of).rebuild().unwrap()).1;

        // A new paragraph, same links: A's page and its print part, nothing read but a.md.
        std::fs::write(
            path("a.md"),
            doc("A", "# Scope\n\nSee [[B]] and [[A.5.15]].\n\nMore *text*."),
        )
        .unwrap();
        let (stats, patched) = site(engine.rebuild_after(&content("a.md")).unwrap());
        assert!(stats.patched, "{stats:?}");
        assert_eq!(stats.rendered, 2);
        assert!(patched == whole(), "the patched site is the whole build's");
        assert!(String::from_utf8_lossy(&patched["print.html"]).contains("<em>text</em>"));

        // A heading no other document links to may change; one that is linked to may not.
        std::fs::write(path("b.md"), doc("B", "# Scope\n\n## Duties\n\nText.")).unwrap();
        let (stats, patched) = site(engine.rebuild_after(&content("b.md")).unwrap());
        assert!(stats.patched);
        assert!(patched == whole());
        std::fs::write(path("b.md"), doc("B", "# Purpose\n\n## Duties\n\nText.")).unwrap();
        match engine.rebuild_after(&content("b.md")).unwrap() {
            Outcome::BookErrors(Failed { report, .. }) => {
                assert!(report.contains("broken-anchor"), "{report}")
            }
            Outcome::Done(Rebuilt { .. }) => panic!("C's link to B#scope is broken now"),
        }
        // After a failed build, the next one reads the whole book: other files may have
        // changed while it was broken.
        std::fs::write(path("b.md"), doc("B", "# Scope\n\n## Duties\n\nText.")).unwrap();
        std::fs::write(
            path("c.md"),
            doc("C", "See [B's scope](b.md#scope). Edited while broken."),
        )
        .unwrap();
        let both = [content("b.md"), content("c.md")].concat();
        let (stats, built) = site(engine.rebuild_after(&both).unwrap());
        assert!(!stats.patched);
        let w = whole();
        let differ: Vec<&String> = w.keys().filter(|k| built.get(*k) != w.get(*k)).collect();
        assert!(built == w, "{differ:?}");

        // A new link, a front-matter edit, a new file: the whole book is read again.
        std::fs::write(path("a.md"), doc("A", "See [[B]], [[C]] and [[A.5.15]].")).unwrap();
        let (stats, built) = site(engine.rebuild_after(&content("a.md")).unwrap());
        assert!(!stats.patched);
        assert!(built == whole());
        std::fs::write(
            path("a.md"),
            doc("A", "See [[B]], [[C]] and [[A.5.15]].").replace("Doc A", "Doc Ä"),
        )
        .unwrap();
        assert!(
            !site(engine.rebuild_after(&content("a.md")).unwrap())
                .0
                .patched
        );
        std::fs::write(path("d.md"), doc("D", "New.")).unwrap();
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
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content/policies")).unwrap();
        let doc = |body: &str| {
            format!("---\nid: A\ntitle: Doc A\nstatus: draft\nclauses: [\"5.2\"]\n---\n{body}\n")
        };
        let path = |name: &str| root.join("content/policies").join(name);
        std::fs::write(path("a.md"), doc("No picture yet.")).unwrap();
        std::fs::write(path("diagram.png"), b"\x89PNG").unwrap();
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let mut engine = Engine::new(root.to_path_buf(), as_of);
        let copy = "docs/policies/diagram.png";
        assert!(!site(engine.rebuild().unwrap()).1.contains_key(copy));
        let content = vec![(ChangeKind::Content, path("a.md"))];
        let whole = || site(Engine::new(root.to_path_buf(), as_of).rebuild().unwrap()).1;

        // The first link to the file publishes it: not a patch, the whole build.
        std::fs::write(path("a.md"), doc("No picture yet. ![d](diagram.png)")).unwrap();
        let (stats, built) = site(engine.rebuild_after(&content).unwrap());
        assert!(!stats.patched);
        assert_eq!(built.get(copy).map(Vec::as_slice), Some(&b"\x89PNG"[..]));
        assert!(built == whole());
        // Other text beside the same link is a patch, and the file stays.
        std::fs::write(path("a.md"), doc("A picture: ![d](diagram.png)")).unwrap();
        let (stats, built) = site(engine.rebuild_after(&content).unwrap());
        assert!(stats.patched);
        assert!(built.contains_key(copy));
        assert!(built == whole());
        // The link gone, so is the file.
        std::fs::write(path("a.md"), doc("A picture: none.")).unwrap();
        let (stats, built) = site(engine.rebuild_after(&content).unwrap());
        assert!(!stats.patched);
        assert!(!built.contains_key(copy));
        assert!(built == whole());
    }

    #[test]
    fn a_preview_keeps_the_files_a_kept_page_links_to() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content")).unwrap();
        let a =
            "---\nid: A\ntitle: Doc A\nstatus: draft\nclauses: [\"5.2\"]\n---\n![d](diagram.png)\n";
        std::fs::write(root.join("content/a.md"), a).unwrap();
        std::fs::write(root.join("content/diagram.png"), b"\x89PNG").unwrap();
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let mut engine = Engine::new(root.to_path_buf(), as_of).previewing();
        assert!(site(engine.rebuild().unwrap())
            .1
            .contains_key("docs/diagram.png"));
        std::fs::write(root.join("content/a.md"), a.replace("Doc A", "[")).unwrap();
        let changed = vec![(ChangeKind::Content, root.join("content/a.md"))];
        let (_, kept) = site(engine.rebuild_after(&changed).unwrap());
        assert!(kept.contains_key("docs/a.html"), "{:?}", kept.keys());
        assert!(kept.contains_key("docs/diagram.png"), "{:?}", kept.keys());
    }

    #[test]
    fn changed_variables_render_bodies_again_and_their_warnings_are_never_patched_away() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content")).unwrap();
        let config =
            |name: &str| format!("[book]\ntitle = \"T\"\n\n[variables]\nname = \"{name}\"\n");
        std::fs::write(root.join("book.toml"), config("Acme")).unwrap();
        let doc = |body: &str| {
            format!("---\nid: A\ntitle: A\nstatus: approved\napprover: CEO\napproved_on: 2026-01-01\nversion: \"1\"\nclauses: [\"5.2\"]\n---\n{body}\n")
        };
        let a = root.join("content/a.md");
        std::fs::write(&a, doc("Made by {{name}}.")).unwrap();
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let mut engine = Engine::new(root.to_path_buf(), as_of);
        let page = |files: &std::collections::BTreeMap<String, Vec<u8>>| {
            String::from_utf8_lossy(&files["docs/a.html"]).into_owned()
        };
        let (first, files) = site(engine.rebuild().unwrap());
        assert!(page(&files).contains("<p>Made by Acme.</p>"));
        let whole = || site(Engine::new(root.to_path_buf(), as_of).rebuild().unwrap()).1;

        std::fs::write(root.join("book.toml"), config("Brightwater")).unwrap();
        let changed = [(ChangeKind::Config, root.join("book.toml"))];
        let (_, files) = site(engine.rebuild_after(&changed).unwrap());
        assert!(
            page(&files).contains("<p>Made by Brightwater.</p>"),
            "the cached body is not reused"
        );
        assert!(files == whole());

        let edit = [(ChangeKind::Content, a.clone())];
        std::fs::write(&a, doc("Made by {{nme}}.")).unwrap();
        let (stats, files) = site(engine.rebuild_after(&edit).unwrap());
        assert!(!stats.patched, "a new warning needs the whole build");
        assert_eq!(stats.warnings, first.warnings + 1);
        assert!(page(&files).contains("<p>Made by {{nme}}.</p>"));
        std::fs::write(&a, doc("Made by {{name}}, again.")).unwrap();
        let (stats, _) = site(engine.rebuild_after(&edit).unwrap());
        assert!(!stats.patched, "so does a warning gone");
        assert_eq!(stats.warnings, first.warnings);
        std::fs::write(&a, doc("Made by {{name}}, once more.")).unwrap();
        let (stats, files) = site(engine.rebuild_after(&edit).unwrap());
        assert!(stats.patched);
        assert!(page(&files).contains("<p>Made by Brightwater, once more.</p>"));
        assert!(files == whole());
    }

    #[test]
    fn front_matter_edits_give_the_site_a_whole_build_gives() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content")).unwrap();
        let doc = |i: usize, title: &str, controls: &str| {
            format!("---\nid: D-{i:03}\ntitle: {title}\nstatus: approved\napprover: CEO\napproved_on: 2026-01-01\nversion: \"1\"\nclauses: [\"6.1\"]\ncontrols: [{controls}]\n---\nText {i}.\n")
        };
        // Enough documents for two parts of each matrix, and more per control than the SoA shows.
        for i in 0..450 {
            let controls = if i % 2 == 0 {
                "\"A.5.1\""
            } else {
                "\"A.5.1\", \"A.8.2\""
            };
            let text = doc(i, &format!("Doc {i}"), controls);
            std::fs::write(root.join(format!("content/d{i:03}.md")), text).unwrap();
        }
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let mut engine = Engine::new(root.to_path_buf(), as_of);
        site(engine.rebuild().unwrap());
        let whole = || site(Engine::new(root.to_path_buf(), as_of).rebuild().unwrap()).1;
        let change = |i: usize| {
            vec![(
                ChangeKind::Content,
                root.join(format!("content/d{i:03}.md")),
            )]
        };
        for (i, title, controls) in [
            (3, "Doc 3", "\"A.5.1\", \"A.8.34\""),
            (420, "Doc 420", "\"A.8.33\""),
            (7, "Renamed", "\"A.5.1\""),
        ] {
            std::fs::write(
                root.join(format!("content/d{i:03}.md")),
                doc(i, title, controls),
            )
            .unwrap();
            let (stats, built) = site(engine.rebuild_after(&change(i)).unwrap());
            assert!(!stats.patched);
            assert!(stats.rendered < stats.pages / 4, "{stats:?}");
            let w = whole();
            let differ: Vec<&String> = w.keys().filter(|k| built.get(*k) != w.get(*k)).collect();
            assert!(built == w, "after editing D-{i:03}: {differ:?}");
        }
        // Status and clauses: the SoA, the control and clause pages, the documents page.
        let text = doc(9, "Doc 9", "\"A.8.2\"")
            .replace("status: approved", "status: draft")
            .replace("[\"6.1\"]", "[\"5.2\"]");
        std::fs::write(root.join("content/d009.md"), text).unwrap();
        let (_, built) = site(engine.rebuild_after(&change(9)).unwrap());
        assert!(built == whole(), "after D-009's status and clauses");
        // A deleted document: the folder is walked again, not just the changed file read.
        std::fs::remove_file(root.join("content/d100.md")).unwrap();
        let (_, built) = site(engine.rebuild_after(&change(100)).unwrap());
        assert!(!built.contains_key("docs/d100.html"));
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
