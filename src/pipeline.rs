//! The stages in order: config -> load -> documents -> model -> check -> render -> output.
//!
//! `check` runs everything that `build` validates and writes nothing, so the two always agree
//! on whether a book is valid. Book problems come back as diagnostics; `Err` is reserved for
//! failures of the machine (I/O, an unusable output folder).

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::catalog::{book, Catalog};
use crate::config::{self, BookSettings};
use crate::diagnostic::Code;
use crate::diagnostic::{Diagnostic, Sources};
use crate::model::{soa, BodyCache, Inputs, Model};
use crate::outcome::Outcome;
use crate::profile::{Profile, Record};
use crate::progress::{Progress, Timings};
use crate::site::{Contents, OutputFile};
use crate::{check, document, history, load, output, render, theme};

/// The outcome of validating a book.
pub struct Checked {
    pub sources: Sources,
    /// `None` when the book could not be read far enough to build a model.
    pub model: Option<Model>,
    pub diagnostics: Vec<Diagnostic>,
    /// Documents left out of the model because they could not be read or parsed: file and
    /// path relative to the content folder.
    pub unparsed: Vec<(crate::diagnostic::FileId, PathBuf)>,
    /// The source texts the build's profile left out: what no output may show.
    pub removed: Vec<String>,
    /// The titles of the documents it left out: links to them keep them as their text.
    pub removed_titles: Vec<String>,
}

impl Checked {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_warning()).count()
    }

    pub fn documents(&self) -> usize {
        self.model.as_ref().map_or(0, |m| m.documents.len())
    }
}

/// The date that "overdue" is measured against: `--as-of`, else SOURCE_DATE_EPOCH (so that
/// reproducible builds stay reproducible), else today (UTC).
pub fn as_of(explicit: Option<NaiveDate>) -> anyhow::Result<NaiveDate> {
    as_of_or(explicit, chrono::Utc::now().date_naive())
}

/// [`as_of()`] with another date than today when neither `--as-of` nor SOURCE_DATE_EPOCH
/// says (a revision's date for `build --at`).
pub fn as_of_or(explicit: Option<NaiveDate>, otherwise: NaiveDate) -> anyhow::Result<NaiveDate> {
    if let Some(d) = explicit {
        return Ok(d);
    }
    if let Ok(epoch) = std::env::var("SOURCE_DATE_EPOCH") {
        let seconds: i64 = epoch.trim().parse().map_err(|_| {
            anyhow::anyhow!("SOURCE_DATE_EPOCH must be a number of seconds, not `{epoch}`")
        })?;
        return chrono::DateTime::from_timestamp(seconds, 0)
            .map(|t| t.date_naive())
            .ok_or_else(|| anyhow::anyhow!("SOURCE_DATE_EPOCH `{epoch}` is out of range"));
    }
    Ok(otherwise)
}

/// What `serve` and `watch` keep from one build to the next: file contents, parsed front
/// matter and rendered bodies, each reused only while its input is unchanged. A one-off build
/// starts from empty caches.
#[derive(Default)]
pub struct Caches {
    reads: load::ReadCache,
    parsed: document::ParseCache,
    bodies: BodyCache,
    history: Option<std::sync::Arc<crate::history::History>>,
    /// The files the watcher saw change since the last check, when that is all that changed:
    /// for the next check only (see [`load::load`]).
    changed: Option<Vec<PathBuf>>,
}

impl Caches {
    /// Tells the next [`check()`] that only `files` changed since the last one.
    pub fn only_changed(&mut self, files: Vec<PathBuf>) {
        self.changed = Some(files);
    }

    /// Keeps the bodies `model` rendered for the next check.
    pub fn keep_bodies(&mut self, model: &Model) {
        self.bodies = model.body_cache();
    }

    /// Keeps a body rendered again after an edit (see [`Model::set_body`]).
    pub fn keep_body(&mut self, node: &crate::model::Node) {
        self.bodies.insert(
            node.body_key,
            (
                node.body.clone(),
                node.variable_warnings.clone(),
                node.assets.clone(),
            ),
        );
    }

    /// A document's text as the next check would read it (see [`load::read_document`]).
    pub fn read_document(&self, path: &Path) -> Option<std::sync::Arc<str>> {
        load::read_document(path, &self.reads)
    }
}

/// What a check is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Diagnostics alone (`check`, `diff`): without the work only pages need (highlighting
    /// code, reading the git history), so the model cannot be rendered.
    Validate,
    /// A model to render (`build`, `serve`, `bundle`).
    Render,
}

/// Reads and validates the book at `root`; reviews are overdue relative to `as_of`. Reuses
/// what an earlier check of the same book left in `caches`, and leaves this one's there (the
/// rendered bodies are the caller's to keep, with [`Caches::keep_bodies`]). With a
/// `profile` (of book.toml's `[profiles]`), what it leaves out is taken out before the model
/// is built; a name the book does not declare is an `Err`.
pub fn check(
    root: &Path,
    as_of: NaiveDate,
    caches: &mut Caches,
    purpose: Purpose,
    profile: Option<&str>,
) -> anyhow::Result<Checked> {
    let highlight = purpose == Purpose::Render;
    let bodies = std::mem::take(&mut caches.bodies);
    let changed = caches.changed.take();
    let mut timings = Timings::start();
    let mut sources = Sources::default();
    let (settings, mut diagnostics) = config::load(root, &mut sources)?;
    let stop = |sources: Sources, mut diagnostics: Vec<Diagnostic>| {
        sources.sort(&mut diagnostics);
        Ok(Checked {
            sources,
            model: None,
            diagnostics,
            unparsed: Vec::new(),
            removed: Vec::new(),
            removed_titles: Vec::new(),
        })
    };
    if diagnostics.iter().any(Diagnostic::is_error) {
        return stop(sources, diagnostics);
    }
    let profile = profile
        .map(|name| Profile::named(&settings, name))
        .transpose()
        .map_err(|e| anyhow::anyhow!(e))?;
    let content_dir = settings.content_dir();
    if !content_dir.is_dir() {
        let shown = settings.config.build.content_dir.display().to_string();
        diagnostics.push(
            Diagnostic::error(
                Code::MissingContent,
                format!("the content folder `{shown}` does not exist"),
            )
            .at_opt(settings.key_span(&sources, "content-dir"))
            .hint(
                "create it and put the book's Markdown documents in it, or run `policybook init`",
            ),
        );
        return stop(sources, diagnostics);
    }
    // The git history is read beside loading and parsing, which need nothing from it.
    let history_job = (highlight && settings.config.output.html.git_history).then(|| {
        let previous = caches.history.take();
        let dir = content_dir.clone();
        std::thread::Builder::new()
            .name("git-history".into())
            .spawn(move || {
                let mut timings = Timings::start();
                let read = history::read_cached(&dir, previous);
                timings.lap("git history");
                read
            })
            .expect("a thread can be started")
    });
    let shown_as = &settings.config.build.content_dir;
    let (content, found) = load::load(
        &content_dir,
        shown_as,
        &mut sources,
        &mut caches.reads,
        changed,
    )?;
    diagnostics.extend(found);
    timings.lap("load");
    let (documents, broken, found) =
        document::parse_all(&content.documents, &sources, &mut caches.parsed);
    diagnostics.extend(found);
    let unparsed = broken.iter().map(|b| (b.file, b.rel.clone())).collect();
    timings.lap("parse");
    let mut applied = crate::profile::apply(&settings, profile.as_ref(), documents, &mut sources);
    diagnostics.append(&mut applied.diagnostics);
    let documents = std::mem::take(&mut applied.documents);
    let catalog = Catalog::iso27001_2022();
    let (soa, found) = soa::read(root, &catalog, &mut sources)?;
    diagnostics.extend(found);
    let (frameworks, found) = book::read(&settings, &mut sources)?;
    diagnostics.extend(found);
    let (mut registers, found) = crate::registers::read(&settings, &mut sources)?;
    diagnostics.extend(found);
    applied.registers(&settings, &mut registers, &sources);
    let record = applied.record;
    let removed = applied.removed_texts;
    let inputs = Inputs {
        settings,
        catalog,
        frameworks,
        registers,
        content,
        documents,
        broken,
        soa,
        as_of,
        bodies,
        highlight,
        redacted: std::sync::Arc::new(applied.redacted),
    };
    let (mut model, found) = Model::build(inputs, &sources);
    diagnostics.extend(found);
    model.redactions = record.map(Record::finish);
    let justifications_shown = applied.justifications_shown;
    model.profile = profile;
    timings.lap("model");
    if let Some(job) = history_job {
        let (history, found) = job
            .join()
            .map_err(|_| anyhow::anyhow!("reading the git history failed"))??;
        caches.history = Some(history.clone());
        model.history = history;
        diagnostics.extend(found);
        timings.lap("git wait");
    }
    let has_errors = diagnostics.iter().any(Diagnostic::is_error);
    diagnostics.extend(check::run(&model, &sources, has_errors));
    if !justifications_shown {
        // After the SoA was checked: its reasons are above the profile's level.
        for d in model.soa.decisions.iter_mut().flatten() {
            d.justification = None;
            d.notes = None;
        }
    }
    sources.sort(&mut diagnostics);
    timings.lap("check");
    Ok(Checked {
        sources,
        model: Some(model),
        diagnostics,
        unparsed,
        removed,
        removed_titles: applied.removed_titles,
    })
}

/// What a build wrote.
pub struct Built {
    pub dest: PathBuf,
    pub files: usize,
    pub pages: usize,
}

/// Where `build` writes: `dest` if given (relative to the working folder), else `output-dir`,
/// or for a profile `output-dir` with the profile's name after a `-` (`book-public`), so
/// that the full site and a profile's are never written over each other.
pub fn output_dir(settings: &BookSettings, dest: Option<&Path>, profile: Option<&str>) -> PathBuf {
    if let Some(dest) = dest {
        return dest.to_path_buf();
    }
    let full = settings.output_dir();
    match (profile, full.file_name()) {
        (Some(p), Some(name)) => {
            let mut name = name.to_os_string();
            name.push(format!("-{p}"));
            full.with_file_name(name)
        }
        _ => full,
    }
}

/// Every file of the site, in memory: pages, static files, assets and exports. The book's
/// errors are a template's problems; `Err` is an I/O failure.
pub fn site_files(
    checked: &Checked,
    progress: &Progress,
) -> anyhow::Result<Outcome<Vec<OutputFile>>> {
    let model = checked
        .model
        .as_ref()
        .ok_or_else(|| anyhow::anyhow!("the book has errors"))?;
    let theme = theme::load(model.settings.theme_dir().as_deref())?;
    let mut files = match render::render_cached(model, &theme, None, progress) {
        Outcome::Done((files, _)) => files,
        Outcome::BookErrors(problems) => return Ok(Outcome::BookErrors(problems)),
    };
    files.extend(extras(model, None)?);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Outcome::Done(files))
}

/// Renders a checked book and swaps the site in at `dest` (default: the book's output folder).
/// Pages are written as they are rendered, so the site is never whole in memory.
pub fn build(
    checked: &Checked,
    dest: Option<&Path>,
    progress: &Progress,
) -> anyhow::Result<Outcome<Built>> {
    let model = checked
        .model
        .as_ref()
        .ok_or_else(|| anyhow::anyhow!("the book has errors"))?;
    let settings = &model.settings;
    let dest = output::guard(
        &output_dir(
            settings,
            dest,
            model.profile.as_ref().map(|p| p.name.as_str()),
        ),
        &settings.root,
        &settings.content_dir(),
    )?;
    let mut timings = Timings::start();
    let theme = theme::load(settings.theme_dir().as_deref())?;
    let staging = output::Staging::begin(&dest)?;
    timings.lap("staging");
    let files = std::sync::atomic::AtomicUsize::new(0);
    let pages = std::sync::atomic::AtomicUsize::new(0);
    let sink = |f: OutputFile| {
        files.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if f.path.ends_with(".html") {
            pages.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        staging.put(&f)
    };
    // The search index and exports need no page: they are built beside the pages, so that
    // neither core waits while the other finishes, and written as each is made.
    let (rendered, extras) = rayon::join(
        || render::render_to(model, &theme, None, progress, &sink),
        || extras_to(model, None, &mut |f| sink(f)),
    );
    if let Outcome::BookErrors(problems) = rendered? {
        return Ok(Outcome::BookErrors(problems));
    }
    extras?;
    timings.lap("render");
    staging.commit()?;
    timings.lap("commit");
    progress.finish();
    Ok(Outcome::Done(Built {
        dest,
        files: files.into_inner(),
        pages: pages.into_inner(),
    }))
}

/// The files derived from the whole book that no page needs in order to be shown: the search
/// index and the exports. `serve` publishes pages first and these right after; it keeps the
/// `search` cache between rebuilds.
pub fn extras(
    model: &Model,
    search: Option<&mut crate::search::Cache>,
) -> anyhow::Result<Vec<OutputFile>> {
    let mut files = Vec::new();
    extras_to(model, search, &mut |f| {
        files.push(f);
        Ok(())
    })?;
    Ok(files)
}

/// [`extras`], each passed to `sink` as soon as it is made rather than all kept until the end.
pub fn extras_to(
    model: &Model,
    search: Option<&mut crate::search::Cache>,
    sink: &mut dyn FnMut(OutputFile) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut timings = Timings::start();
    if model.settings.config.output.html.search.enable {
        sink(search_index(model, search))?;
        timings.lap("search index");
    }
    crate::export::each(model, sink)?;
    if let Some(record) = &model.redactions {
        sink(OutputFile {
            path: crate::profile::record::FILE.into(),
            contents: Contents::Bytes(record.to_json().into_bytes().into()),
        })?;
    }
    sink(OutputFile {
        path: "reviews.ics".into(),
        contents: Contents::Bytes(crate::export::ics::reviews(model).into_bytes().into()),
    })?;
    timings.lap("exports");
    Ok(())
}

/// The search index, the one file of the [`extras`] that shows bodies.
pub fn search_index(model: &Model, search: Option<&mut crate::search::Cache>) -> OutputFile {
    OutputFile {
        path: "search-index.js".into(),
        contents: Contents::Bytes(crate::search::index(model, search).into()),
    }
}
