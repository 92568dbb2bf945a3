//! A book in a temporary folder for the crate's unit tests, written the way a user writes one
//! (Markdown documents with front matter, other files, `soa.yaml`, `book.toml`) and read by the
//! real pipeline. The integration tests, which run the binary, have their own `Book`.
//!
//! ```text
//! let book = TestBook::new().doc("A", "See [[B]].").doc_with("B", "status: draft", "Text.");
//! let model = book.model();
//! ```

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::engine::Engine;
use crate::model::Model;
use crate::pipeline::{self, Checked};

/// The date a test book is read on: what its reviews are overdue against.
pub(crate) const AS_OF: NaiveDate = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();

/// A book being written: each method writes its files at once.
pub(crate) struct TestBook {
    dir: tempfile::TempDir,
    /// Where [`TestBook::doc`] writes, relative to the root.
    folder: PathBuf,
}

impl TestBook {
    /// An empty `content` folder and no `book.toml` (so the defaults hold).
    pub(crate) fn new() -> TestBook {
        let book = TestBook {
            dir: tempfile::tempdir().unwrap(),
            folder: PathBuf::from("content"),
        };
        std::fs::create_dir_all(book.path("content")).unwrap();
        book
    }

    /// Document `id`, approved and traced (see [`document`]), as `<id in lowercase>.md` in the
    /// content folder (or in the folder of [`TestBook::folder`]).
    pub(crate) fn doc(self, id: &str, body: &str) -> TestBook {
        self.doc_with(id, "", body)
    }

    /// [`TestBook::doc`] with other front matter `fields` (YAML lines; see [`document`]).
    pub(crate) fn doc_with(self, id: &str, fields: &str, body: &str) -> TestBook {
        self.edit(id, fields, body);
        self
    }

    /// Later documents go to `content/<rel>`.
    pub(crate) fn folder(mut self, rel: &str) -> TestBook {
        self.folder = Path::new("content").join(rel);
        self
    }

    /// Any file, at `rel` from the book's root, with its folders.
    pub(crate) fn file(self, rel: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> TestBook {
        self.write(rel, contents);
        self
    }

    /// `soa.yaml`, the Statement of Applicability.
    pub(crate) fn soa(self, yaml: &str) -> TestBook {
        self.file(crate::model::soa::SOA_FILE, yaml)
    }

    /// `book.toml`: a `[book]` title, then `extra`.
    pub(crate) fn toml(self, extra: &str) -> TestBook {
        self.file(
            crate::config::CONFIG_FILE,
            format!("[book]\ntitle = \"T\"\n{extra}"),
        )
    }

    /// [`TestBook::doc_with`] for a book in use: an edit between two builds.
    pub(crate) fn edit(&self, id: &str, fields: &str, body: &str) {
        let rel = self.folder.join(format!("{}.md", id.to_lowercase()));
        self.write(rel, document(id, fields, body));
    }

    /// [`TestBook::file`] for a book in use.
    pub(crate) fn write(&self, rel: impl AsRef<Path>, contents: impl AsRef<[u8]>) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }

    pub(crate) fn root(&self) -> &Path {
        self.dir.path()
    }

    /// `rel` from the book's root.
    pub(crate) fn path(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.root().join(rel)
    }

    /// The book read and checked on [`AS_OF`], as `policybook check` does.
    pub(crate) fn checked(&self) -> Checked {
        pipeline::check(
            self.root(),
            AS_OF,
            &mut pipeline::Caches::default(),
            pipeline::Purpose::Render,
            None,
        )
        .unwrap()
    }

    pub(crate) fn model(&self) -> Model {
        self.checked().model.expect("the book has a model")
    }

    /// An engine for `serve` and `watch` on this book, on [`AS_OF`].
    pub(crate) fn engine(&self) -> Engine {
        Engine::new(self.root().to_path_buf(), AS_OF, None)
    }
}

/// The text of document `id`: front matter that raises no warning (approved by the CEO on
/// 2026-01-01, version "1", addressing clause 5.2, titled `id`), then `body`. Each line of
/// `fields` replaces the default of its key in place (one given without a value, `approver:`,
/// leaves it out); other lines follow the defaults as written.
pub(crate) fn document(id: &str, fields: &str, body: &str) -> String {
    let title = format!("title: {id}");
    let defaults = [
        title.as_str(),
        "status: approved",
        "approver: CEO",
        "approved_on: 2026-01-01",
        "version: \"1\"",
        "clauses: [\"5.2\"]",
    ];
    let key = |line: &str| line.split(':').next().unwrap_or_default().to_string();
    let is_default = |line: &&str| defaults.iter().any(|d| key(d) == key(line));
    let mut front = format!("id: {id}\n");
    for default in defaults {
        let line = fields.lines().find(|l| key(l) == key(default));
        match line.unwrap_or(default) {
            given if given.trim_end().ends_with(':') => {}
            given => front.push_str(&format!("{given}\n")),
        }
    }
    for line in fields.lines().filter(|l| !is_default(l)) {
        front.push_str(&format!("{line}\n"));
    }
    format!("---\n{front}---\n{body}\n")
}
