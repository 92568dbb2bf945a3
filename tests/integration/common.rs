//! Test harness: fixture books copied to temporary folders, the binary run on them, and
//! helpers to compare folder trees and check every link of a built site.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

pub(crate) fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A book in a temporary folder.
pub(crate) struct Book {
    _dir: TempDir,
    pub root: PathBuf,
}

/// What a run of the binary did.
#[derive(Debug)]
pub(crate) struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Book {
    /// A copy of `tests/fixtures/<name>`.
    pub(crate) fn fixture(name: &str) -> Book {
        let book = Book::empty();
        copy_tree(&repo_root().join("tests/fixtures").join(name), &book.root);
        book
    }

    /// An empty folder (`root` is a subfolder, so tests can write beside it).
    pub(crate) fn empty() -> Book {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("book-src");
        std::fs::create_dir_all(&root).unwrap();
        Book { _dir: dir, root }
    }

    pub(crate) fn write(&self, rel: &str, text: &str) {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    pub(crate) fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// Runs `policybook ARGS` with the book root as working folder.
    pub(crate) fn run(&self, args: &[&str]) -> Run {
        run_in(&self.root, args)
    }

    /// The folder around the book root, for output folders outside it.
    pub(crate) fn outside(&self) -> PathBuf {
        self.root.parent().unwrap().to_path_buf()
    }
}

pub(crate) fn run_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_policybook"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        !run.stderr.contains("panicked"),
        "policybook panicked: {}",
        run.stderr
    );
    run
}

pub(crate) fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file under `dir` with its bytes, keyed by relative path.
pub(crate) fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Every `href`/`src` of every page that points inside the site and does not resolve to a file
/// (or to an element id, for `#anchors`). External links are not followed.
pub(crate) fn broken_links(site: &Path) -> Vec<String> {
    let files = tree(site);
    let ids: BTreeMap<&String, Vec<String>> = files
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, bytes)| (p, attribute_values(&String::from_utf8_lossy(bytes), "id")))
        .collect();
    let mut broken = Vec::new();
    for (page, bytes) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        let html = String::from_utf8_lossy(bytes);
        for attr in ["href", "src"] {
            for link in attribute_values(&html, attr) {
                if link.contains("://") || link.starts_with("mailto:") || link.is_empty() {
                    continue;
                }
                let (path, anchor) = match link.split_once('#') {
                    Some((p, a)) => (p.to_string(), Some(a.to_string())),
                    None => (link.clone(), None),
                };
                let target = if path.is_empty() {
                    page.clone()
                } else {
                    let decoded = percent_encoding::percent_decode_str(&path)
                        .decode_utf8_lossy()
                        .into_owned();
                    normalize(Path::new(page).parent().unwrap(), &decoded)
                };
                if !files.contains_key(&target) {
                    broken.push(format!("{page}: {link} (no file {target})"));
                } else if let Some(a) = anchor {
                    let a = percent_encoding::percent_decode_str(&a)
                        .decode_utf8_lossy()
                        .into_owned();
                    if !ids.get(&target).is_some_and(|ids| ids.contains(&a)) {
                        broken.push(format!("{page}: {link} (no id {a} in {target})"));
                    }
                }
            }
        }
    }
    broken
}

fn normalize(base: &Path, rel: &str) -> String {
    let mut parts: Vec<String> = base
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    for p in rel.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p.to_string()),
        }
    }
    parts.join("/")
}

/// Values of `name="..."` attributes, with the entities policybook emits decoded.
pub(crate) fn attribute_values(html: &str, name: &str) -> Vec<String> {
    let needle = format!(" {name}=\"");
    html.match_indices(&needle)
        .filter_map(|(i, _)| {
            let rest = &html[i + needle.len()..];
            rest.find('"').map(|end| {
                rest[..end]
                    .replace("&quot;", "\"")
                    .replace("&#39;", "'")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&amp;", "&")
            })
        })
        .collect()
}

/// The `--format json` report of `check`, parsed.
pub(crate) fn json_report(run: &Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", run.stdout))
}

/// `(code, file, line, column)` of every diagnostic in a JSON report.
pub(crate) fn located(report: &serde_json::Value) -> Vec<(String, String, u64, u64)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap_or("").to_string(),
                d["line"].as_u64().unwrap_or(0),
                d["column"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

/// Runs git in `dir` with a fixed identity and date, ignoring the user's configuration.
pub(crate) fn git(dir: &Path, date: &str, author: &str, args: &[&str]) -> String {
    let out = Command::new("git")
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", author)
        .env(
            "GIT_AUTHOR_EMAIL",
            format!("{}@example.com", author.to_lowercase()),
        )
        .env("GIT_COMMITTER_NAME", author)
        .env(
            "GIT_COMMITTER_EMAIL",
            format!("{}@example.com", author.to_lowercase()),
        )
        .env("GIT_AUTHOR_DATE", format!("{date}T10:00:00+00:00"))
        .env("GIT_COMMITTER_DATE", format!("{date}T10:00:00+00:00"))
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
