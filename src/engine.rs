//! Repeated builds of one book, for `serve` and `watch`: the pipeline again on every change,
//! with what did not change kept from the last build.
//!
//! Two caches make a rebuild after one edit cheap: rendered Markdown bodies (by body text and
//! everything its links resolve against) and rendered pages (by a hash of the page's data), so
//! an edit re-renders its own body and only the pages whose data it changed.

use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use crate::diagnostic::Sources;
use crate::pipeline::{self, Checked};
use crate::render::{self, OutputFile, PageCache};
use crate::{search, theme};

/// One book, rebuilt on demand.
pub struct Engine {
    pub root: PathBuf,
    pub as_of: NaiveDate,
    caches: pipeline::Caches,
    pages: PageCache,
    theme_hash: u64,
    /// The last good build, for [`Engine::extras`].
    last: Option<std::sync::Arc<Checked>>,
    /// Indexed documents, shared with the extras jobs.
    search: std::sync::Arc<std::sync::Mutex<search::Cache>>,
}

/// What a rebuild produced.
pub enum Outcome {
    Built {
        files: Vec<OutputFile>,
        stats: Stats,
        /// The warnings of the first build, rendered for the terminal (empty afterwards).
        warnings: String,
    },
    /// The book has errors: rendered diagnostics for the terminal and the browser overlay.
    Failed { report: String, errors: usize },
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
            search: Default::default(),
        }
    }

    /// Reads the book again and builds the site in memory.
    pub fn rebuild(&mut self) -> anyhow::Result<Outcome> {
        let started = Instant::now();
        let checked = pipeline::check_cached(&self.root, self.as_of, &mut self.caches)?;
        if checked.errors() > 0 {
            return Ok(Outcome::Failed {
                report: plain(&checked.sources, &checked.diagnostics),
                errors: checked.errors(),
            });
        }
        let model = checked
            .model
            .as_ref()
            .expect("a book without errors has a model");
        let mut timings = pipeline::Timings::start();
        self.caches.bodies = model.body_cache();
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
            Ok(rendered) => rendered,
            Err(problems) => {
                return Ok(Outcome::Failed {
                    report: plain(&checked.sources, &problems),
                    errors: problems.len(),
                })
            }
        };
        timings.lap("render");
        let rendered = pages
            .iter()
            .filter(|(path, (key, _))| self.pages.get(path).map(|(k, _)| k) != Some(key))
            .count();
        self.pages = pages;
        files.sort_by(|a, b| a.path.cmp(&b.path));
        timings.lap("pages");
        let warnings = checked.warnings();
        let stats = Stats {
            documents: model.documents.len(),
            pages: self.pages.len(),
            rendered,
            warnings,
            elapsed: started.elapsed(),
        };
        // Warnings are shown once, after the first build; rendering thousands costs time.
        let warnings = if self.last.is_none() {
            warnings_report(&checked)
        } else {
            String::new()
        };
        self.last = Some(std::sync::Arc::new(checked));
        Ok(Outcome::Built {
            files,
            stats,
            warnings,
        })
    }

    /// The search index and exports of the last good build: computed after its pages, so an
    /// edit shows in the browser before the whole-book files are ready.
    pub fn extras(&self) -> anyhow::Result<Vec<OutputFile>> {
        self.extras_job()()
    }

    /// [`Engine::extras`] as a job that can run on another thread while the next edit builds.
    pub fn extras_job(&self) -> impl FnOnce() -> anyhow::Result<Vec<OutputFile>> + Send + 'static {
        let last = self.last.clone();
        let search = self.search.clone();
        move || match last.as_ref().and_then(|c| c.model.as_ref()) {
            Some(model) => {
                let mut search = search.lock().unwrap_or_else(|e| e.into_inner());
                render::extras(model, &mut search)
            }
            None => Ok(Vec::new()),
        }
    }

    /// [`Engine::extras_job`] for a thread of its own, which yields the processor to the next
    /// rebuild: pages first, the search index and exports when there is time.
    pub fn background_extras_job(
        &self,
    ) -> impl FnOnce() -> anyhow::Result<Vec<OutputFile>> + Send + 'static {
        let job = self.extras_job();
        move || {
            #[cfg(target_os = "linux")]
            let _ = rustix::process::setpriority_process(Some(rustix::thread::gettid()), 10);
            job()
        }
    }
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

/// Diagnostics rendered without colour.
pub fn plain(sources: &Sources, diagnostics: &[crate::diagnostic::Diagnostic]) -> String {
    let mut out = String::new();
    let _ = sources.render(diagnostics, &mut out);
    out
}

fn hash_theme(theme: &theme::Theme) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    theme.templates.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(outcome: Outcome) -> Stats {
        match outcome {
            Outcome::Built { stats, .. } => stats,
            Outcome::Failed { report, .. } => panic!("{report}"),
        }
    }

    #[test]
    fn pages_rendered_for_the_cache_are_those_of_a_build() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let Outcome::Built { files, .. } = Engine::new(root.clone(), as_of).rebuild().unwrap()
        else {
            panic!("the sample book builds")
        };
        let checked = pipeline::check(&root, as_of).unwrap();
        let built = pipeline::site_files(&checked, &crate::progress::Progress::none())
            .unwrap()
            .unwrap();
        let bytes = |f: &OutputFile| match &f.contents {
            render::Contents::Bytes(b) => b.to_vec(),
            render::Contents::Copy(p) => p.to_string_lossy().as_bytes().to_vec(),
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
        for i in 0..450 {
            let controls = if i == 449 {
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
}
