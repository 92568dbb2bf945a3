//! Walks the content folder: Markdown files become sources, everything else is an asset.
//!
//! The walk is sorted so every build sees files in the same order. Hidden files and folders
//! (editor swap files, `.git`) and editors' temporary and backup files (see
//! [`is_editor_leftover`]) are skipped; symbolic links are never followed, so a link that
//! points outside the book cannot pull foreign files into the site. Anything that is not a
//! regular file (a named pipe, a socket, a device) is skipped with a warning and never opened.

pub mod front_matter;

use std::path::{Path, PathBuf};

use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostic::Code;
use crate::diagnostic::{display_path, Diagnostic, FileId, Sources, Span};

/// Larger Markdown files are refused: no policy is 10 MB, and parsing one would stall a build.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// More Markdown files than this are refused: far beyond any ISMS, and a sign of a wrong folder.
pub const MAX_DOCUMENTS: usize = 100_000;

/// A Markdown file of the book, its text in [`Sources`].
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub file: FileId,
    /// Path relative to the content folder, e.g. `policies/access-control.md`.
    pub rel: PathBuf,
}

/// A non-Markdown file (image, PDF) copied into the site beside the pages that link to it.
#[derive(Debug, Clone)]
pub struct Asset {
    pub rel: PathBuf,
    pub abs: PathBuf,
}

/// Files read by an earlier build, with the size and modification time they had: `serve` and
/// `watch` read again only files that changed.
#[derive(Default)]
pub struct ReadCache {
    files: std::sync::Mutex<std::collections::HashMap<PathBuf, Seen>>,
    /// What the last walk found.
    walked: Option<Walk>,
}

/// What a walk of the content folder found: Markdown files and assets (relative), and its
/// diagnostics.
type Walk = (Vec<PathBuf>, Vec<Asset>, Vec<Diagnostic>);

/// A file as last read: size, modification time, text (when it was valid UTF-8).
type Seen = (u64, Option<std::time::SystemTime>, Arc<str>);

/// What the content folder holds.
#[derive(Debug, Default)]
pub struct Content {
    pub documents: Vec<SourceFile>,
    pub assets: Vec<Asset>,
}

/// True for the file extensions policybook reads as documents.
pub fn is_markdown(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
}

/// True for the name of a file an editor or operating system leaves beside the files it
/// handles: temporary files, backups, lock files and folder caches. policybook ignores them
/// outright (no document, no attachment, no diagnostic), and the watcher does not rebuild for
/// them. Names starting with `.` are skipped anyway (vim's `.x.md.swp`, `.swo`, `.swx`); the
/// hidden ones are listed here too so that this one rule describes every editor:
///
/// | name | left by |
/// |---|---|
/// | `x.md~` | Emacs, gedit, nano and others: backup |
/// | `#x.md#`, `.#x.md` | Emacs: auto-save and lock |
/// | `x.md.tmp`, any `*.tmp` | many editors and tools: atomic save in progress |
/// | `.x.md.swp`, `.swo`, `.swx` (and `x.swp`) | vim: swap files |
/// | `4913` | vim: its check that the folder is writable |
/// | `x.md___jb_tmp___`, `x.md___jb_old___` | JetBrains IDEs: safe write |
/// | `.~lock.x.odt#` | LibreOffice: lock file |
/// | `*.bak`, `*.orig`, `*.rej` | backups, merge and patch leftovers |
/// | `.DS_Store`, `Thumbs.db`, `desktop.ini` | macOS Finder, Windows Explorer |
pub fn is_editor_leftover(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let suffix = |s: &str| lower.len() > s.len() && lower.ends_with(s);
    name.ends_with('~')
        || (name.len() >= 2 && name.starts_with('#') && name.ends_with('#'))
        || name.starts_with(".#")
        || (name.starts_with(".~lock.") && name.ends_with('#'))
        || name == "4913"
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
        || [".tmp", ".swp", ".swo", ".swx", ".bak", ".orig", ".rej"]
            .iter()
            .any(|s| suffix(s))
        || [".ds_store", "thumbs.db", "desktop.ini"].contains(&lower.as_str())
}

/// Reads every file under `content_dir`; `shown_as` is how its paths appear in diagnostics.
/// Files that have not changed since `cache` last saw them are not read again; `changed`, when
/// the watcher knows it, lists every file that changed since, so the folder need not be
/// walked (unless one of them is new).
///
/// `Err` only when the folder itself cannot be read; a bad file is a diagnostic.
pub fn load(
    content_dir: &Path,
    shown_as: &Path,
    sources: &mut Sources,
    cache: &mut ReadCache,
    changed: Option<Vec<PathBuf>>,
) -> anyhow::Result<(Content, Vec<Diagnostic>)> {
    let known = |p: &PathBuf, walked: &Walk| {
        p.is_file()
            && p.strip_prefix(content_dir).is_ok_and(|rel| {
                walked.0.iter().any(|m| m == rel) || walked.1.iter().any(|a| a.rel == rel)
            })
    };
    if let (Some(changed), Some(walked)) = (&changed, &cache.walked) {
        if changed.iter().all(|p| known(p, walked)) {
            let (markdown, assets, mut diagnostics) = walked.clone();
            let unchanged = |abs: &Path| !changed.iter().any(|p| p == abs);
            let (content, found) = read_all(
                content_dir,
                shown_as,
                sources,
                markdown,
                assets,
                Some(cache),
                &unchanged,
            );
            diagnostics.extend(found);
            return Ok((content, diagnostics));
        }
    }
    load_at_most(content_dir, shown_as, sources, MAX_DOCUMENTS, Some(cache))
}

fn load_at_most(
    content_dir: &Path,
    shown_as: &Path,
    sources: &mut Sources,
    max_documents: usize,
    mut cache: Option<&mut ReadCache>,
) -> anyhow::Result<(Content, Vec<Diagnostic>)> {
    if let Some(cache) = cache.as_deref_mut() {
        cache.walked = None;
    }
    let mut diagnostics = Vec::new();
    if !content_dir.is_dir() {
        anyhow::bail!(
            "content folder {} not found (set `content-dir` under [build] in book.toml)",
            content_dir.display()
        );
    }
    let mut markdown = Vec::new();
    let mut content = Content::default();
    let walker = walkdir::WalkDir::new(content_dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().map(|p| p.to_path_buf()).unwrap_or_default();
                diagnostics.push(
                    Diagnostic::error(
                        Code::UnreadableFile,
                        format!("cannot read {}: {e}", shown(&path, content_dir, shown_as)),
                    )
                    .hint("check the file's permissions"),
                );
                continue;
            }
        };
        let rel = entry
            .path()
            .strip_prefix(content_dir)
            .unwrap_or(entry.path())
            .to_path_buf();
        if entry.path_is_symlink() {
            diagnostics.push(
                Diagnostic::warning(
                    Code::SymlinkSkipped,
                    format!(
                        "{} is a symbolic link and was not followed",
                        display_path(&shown_as.join(&rel))
                    ),
                )
                .hint("copy the file into the content folder if it belongs to the book"),
            );
            continue;
        }
        if entry.file_type().is_dir() {
            continue;
        }
        if is_editor_leftover(&entry.file_name().to_string_lossy()) {
            continue;
        }
        if !entry.file_type().is_file() {
            // A named pipe would block the build if opened; a socket or device is no page.
            diagnostics.push(
                Diagnostic::warning(
                    Code::NotAFile,
                    format!(
                        "{} is not a regular file: skipped",
                        display_path(&shown_as.join(&rel))
                    ),
                )
                .hint("remove it from the content folder; a named pipe, socket or device cannot be part of the book"),
            );
            continue;
        }
        if rel.as_os_str() == "SUMMARY.md" {
            diagnostics.push(
                Diagnostic::note_level(
                    Code::MdbookLayout,
                    format!(
                        "{} is mdBook's table of contents, not a document: policybook lists documents by itself",
                        display_path(&shown_as.join(&rel))
                    ),
                )
                .hint("keep it for mdBook, or delete it if this book is only built by policybook"),
            );
            continue;
        }
        if is_markdown(&rel) {
            markdown.push(rel);
        } else {
            content.assets.push(Asset {
                abs: entry.path().to_path_buf(),
                rel,
            });
        }
    }

    if markdown.len() > max_documents {
        diagnostics.push(
            Diagnostic::error(
                Code::TooManyFiles,
                format!("the content folder holds {} Markdown files; the limit is {max_documents}", markdown.len()),
            )
            .hint("check `content-dir` in book.toml: it may point at a folder far larger than the book"),
        );
        return Ok((content, diagnostics));
    }
    if let Some(cache) = cache.as_deref_mut() {
        cache.walked = Some((
            markdown.clone(),
            content.assets.clone(),
            diagnostics.clone(),
        ));
    }
    let (content, found) = read_all(
        content_dir,
        shown_as,
        sources,
        markdown,
        content.assets,
        cache.as_deref(),
        &|_| false,
    );
    diagnostics.extend(found);
    Ok((content, diagnostics))
}

/// Reads the Markdown files `markdown` (relative to `content_dir`) into `sources`; with a
/// cache, a file for which `unchanged` says so is taken from it without a look at the disk.
fn read_all(
    content_dir: &Path,
    shown_as: &Path,
    sources: &mut Sources,
    markdown: Vec<PathBuf>,
    assets: Vec<Asset>,
    cache: Option<&ReadCache>,
    unchanged: &(dyn Fn(&Path) -> bool + Sync),
) -> (Content, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut content = Content {
        documents: Vec::new(),
        assets,
    };
    let read: Vec<(PathBuf, Result<Text, String>)> = markdown
        .into_par_iter()
        .map(|rel| {
            let abs = content_dir.join(&rel);
            let kept = cache.filter(|_| unchanged(&abs)).and_then(|c| {
                let files = c.files.lock().unwrap_or_else(|e| e.into_inner());
                files.get(&abs).map(|(_, _, text)| (text.clone(), None))
            });
            let text = kept.map_or_else(|| read_text(&abs, cache), Ok);
            (rel, text)
        })
        .collect();
    for (rel, text) in read {
        let path = shown_as.join(&rel);
        match text {
            Err(e) => diagnostics.push(
                Diagnostic::error(
                    Code::UnreadableFile,
                    format!("cannot read {}: {e}", display_path(&path)),
                )
                .hint("check the file's permissions and size"),
            ),
            Ok((text, bad_utf8_at)) => {
                let file = sources.add_shared(path, text);
                if let Some(at) = bad_utf8_at {
                    diagnostics.push(
                        Diagnostic::error(Code::InvalidUtf8, "this file is not valid UTF-8")
                            .at(Span {
                                file,
                                range: at..at,
                            })
                            .hint("save the file as UTF-8; the invalid bytes are shown as �"),
                    );
                    continue;
                }
                content.documents.push(SourceFile { file, rel });
            }
        }
    }
    (content, diagnostics)
}

fn shown(path: &Path, content_dir: &Path, shown_as: &Path) -> String {
    display_path(&shown_as.join(path.strip_prefix(content_dir).unwrap_or(path)))
}

/// A file's text and where its first invalid UTF-8 byte was, if any (see [`crate::text::decode`]).
type Text = (Arc<str>, Option<usize>);

/// A file's [`Text`]. With a cache, a file of the same size and modification time is not
/// read again.
fn read_text(path: &Path, cache: Option<&ReadCache>) -> Result<Text, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        // Opening a named pipe would wait for a writer forever.
        return Err("not a regular file".into());
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!(
            "the file is {} MB; the limit is {} MB",
            meta.len() / (1024 * 1024),
            MAX_FILE_BYTES / (1024 * 1024)
        ));
    }
    let modified = meta.modified().ok();
    let files = cache.map(|c| &c.files);
    let seen = files.and_then(|f| {
        f.lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(path)
            .cloned()
    });
    if let Some((len, when, text)) = seen {
        if len == meta.len() && when == modified && modified.is_some() {
            return Ok((text, None));
        }
    }
    let (text, bad_utf8_at) = crate::text::decode(std::fs::read(path).map_err(|e| e.to_string())?);
    let text: Arc<str> = text.into();
    if let (Some(files), None) = (files, bad_utf8_at) {
        files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_path_buf(), (meta.len(), modified, text.clone()));
    }
    Ok((text, bad_utf8_at))
}

/// A document's text as [`load`] would read it (and `cache` remembers it), or `None`
/// when it cannot be read that way (missing, too large, not UTF-8): the whole book is then
/// read again to report it.
pub fn read_document(path: &Path, cache: &ReadCache) -> Option<Arc<str>> {
    match read_text(path, Some(cache)).ok()? {
        (text, None) => Some(text),
        (_, Some(_)) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The content folder `c` read by a first build, with the texts it read.
    fn load_fresh(c: &Path) -> (Content, Vec<Diagnostic>, Sources) {
        let mut sources = Sources::default();
        let (content, d) = load(
            c,
            Path::new("content"),
            &mut sources,
            &mut ReadCache::default(),
            None,
        )
        .unwrap();
        (content, d, sources)
    }

    #[test]
    fn too_many_files_is_a_diagnostic() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..4 {
            std::fs::write(dir.path().join(format!("{i}.md")), "x").unwrap();
        }
        let mut sources = Sources::default();
        let (content, d) =
            load_at_most(dir.path(), Path::new("content"), &mut sources, 3, None).unwrap();
        assert_eq!(d[0].code, "too-many-files");
        assert!(content.documents.is_empty(), "nothing is read");
    }

    #[test]
    fn editor_leftovers_are_recognised() {
        for (name, by) in [
            ("x.md~", "backup"),
            ("#x.md#", "Emacs auto-save"),
            (".#x.md", "Emacs lock"),
            ("x.md.tmp", "atomic save"),
            ("upload.TMP", "any .tmp"),
            (".x.md.swp", "vim swap"),
            (".x.md.swo", "vim swap"),
            (".x.md.swx", "vim swap"),
            ("4913", "vim's probe"),
            ("x.md___jb_tmp___", "JetBrains"),
            ("x.md___jb_old___", "JetBrains"),
            (".~lock.risks.ods#", "LibreOffice"),
            ("x.md.bak", "backup"),
            ("x.md.orig", "merge"),
            ("x.md.rej", "patch"),
            (".DS_Store", "Finder"),
            ("Thumbs.db", "Explorer"),
            ("desktop.ini", "Explorer"),
        ] {
            assert!(is_editor_leftover(name), "{name} ({by})");
        }
        for name in [
            "x.md",
            "diagram.png",
            "#1 plan.md",
            "49130",
            "4913.md",
            "tmp",
            "a.tmpl",
            "backup.md",
            "original.pdf",
            "thumbs.db.pdf",
            "#",
        ] {
            assert!(!is_editor_leftover(name), "{name}");
        }
    }

    #[test]
    fn editor_leftovers_are_not_loaded() {
        let dir = tempfile::tempdir().unwrap();
        let c = dir.path();
        for name in [
            "a.md~",
            "#a.md#",
            "a.md.tmp",
            "4913",
            "a.md___jb_tmp___",
            "a.md.orig",
        ] {
            std::fs::write(c.join(name), "---\nid: A\ntitle: A\n---\n").unwrap();
        }
        std::fs::write(c.join("a.md"), "a").unwrap();
        let (content, d, _) = load_fresh(c);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(content.documents.len(), 1);
        assert!(content.assets.is_empty(), "{:?}", content.assets);
    }

    #[cfg(unix)]
    #[test]
    fn a_named_pipe_is_a_warning_and_never_opened() {
        let dir = tempfile::tempdir().unwrap();
        let c = dir.path();
        let made = std::process::Command::new("mkfifo")
            .arg(c.join("pipe.md"))
            .status();
        if !made.is_ok_and(|s| s.success()) {
            return; // no mkfifo here
        }
        let (content, d, _) = load_fresh(c);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code, "not-a-file");
        assert_eq!(
            d[0].message,
            "content/pipe.md is not a regular file: skipped"
        );
        assert!(content.documents.is_empty() && content.assets.is_empty());
        assert!(read_text(&c.join("pipe.md"), None).is_err());
    }

    #[test]
    fn walk_is_sorted_and_skips_hidden_files() {
        let dir = tempfile::tempdir().unwrap();
        let c = dir.path();
        std::fs::create_dir_all(c.join("b")).unwrap();
        std::fs::create_dir_all(c.join(".git")).unwrap();
        std::fs::write(c.join("b/z.md"), "z").unwrap();
        std::fs::write(c.join("a.md"), "a").unwrap();
        std::fs::write(c.join(".a.md.swp"), "x").unwrap();
        std::fs::write(c.join(".git/x.md"), "x").unwrap();
        std::fs::write(c.join("b/logo.png"), "png").unwrap();
        let (content, d, sources) = load_fresh(c);
        assert!(d.is_empty(), "{d:?}");
        let rels: Vec<_> = content.documents.iter().map(|s| s.rel.clone()).collect();
        assert_eq!(rels, vec![PathBuf::from("a.md"), PathBuf::from("b/z.md")]);
        assert_eq!(content.assets.len(), 1);
        assert_eq!(
            sources.path(content.documents[1].file),
            Path::new("content/b/z.md")
        );
    }
}
