//! `policybook init`: a new book with a starter ISMS that builds cleanly.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

use super::BookArg;

/// `(path in the new book, contents)` of the starter book.
macro_rules! starter {
    ($path:literal, $src:literal) => {
        (
            $path,
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/starter/", $src)),
        )
    };
}

const STARTER: &[(&str, &str)] = &[
    starter!("book.toml", "book.toml"),
    starter!(".gitignore", "gitignore"),
    starter!("content/isms/isms-scope.md", "content/isms/isms-scope.md"),
    starter!(
        "content/policies/information-security-policy.md",
        "content/policies/information-security-policy.md"
    ),
    starter!(
        "content/policies/access-control-policy.md",
        "content/policies/access-control-policy.md"
    ),
    starter!(
        "content/procedures/risk-management-procedure.md",
        "content/procedures/risk-management-procedure.md"
    ),
    starter!(
        "content/procedures/incident-management-procedure.md",
        "content/procedures/incident-management-procedure.md"
    ),
];

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub book: BookArg,

    /// Copy the built-in theme into themes/NAME/ for editing (default name: custom). Works in an
    /// existing book too.
    #[arg(long, value_name = "NAME", num_args = 0..=1, default_missing_value = "custom")]
    pub theme: Option<String>,
}

pub(super) fn run(args: Args) -> anyhow::Result<u8> {
    let root = &args.book.dir;
    if let Some(name) = &args.theme {
        let valid = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_');
        if !valid || name == "default" {
            anyhow::bail!("`{name}` cannot be a theme name: use letters, digits, `-` and `_` (and not `default`)");
        }
        if !root.join("book.toml").exists() {
            write_starter(root)?;
        }
        let dir = root.join("themes").join(name);
        let (written, skipped) = write_files(
            &dir,
            crate::theme::DEFAULT_THEME.iter().map(|(p, b)| (*p, *b)),
        )?;
        for p in &skipped {
            eprintln!("kept existing {}", p.display());
        }
        eprintln!(
            "copied the built-in theme into {} ({} files); to use it, set `theme = \"{name}\"` under [output.html] in book.toml",
            dir.display(),
            written.len()
        );
        return Ok(0);
    }
    if root.join("book.toml").exists() {
        anyhow::bail!(
            "{} already has a book.toml; nothing was changed",
            root.display()
        );
    }
    let (written, skipped) = write_starter(root)?;
    for p in &skipped {
        eprintln!("kept existing {}", p.display());
    }
    eprintln!(
        "created a new book in {} ({} files); next: `policybook build {}`",
        root.display(),
        written.len(),
        root.display()
    );
    Ok(0)
}

/// Writes the starter files that do not exist yet; never replaces a file.
fn write_starter(root: &Path) -> anyhow::Result<(Vec<PathBuf>, Vec<PathBuf>)> {
    write_files(root, STARTER.iter().map(|(p, t)| (*p, t.as_bytes())))
}

/// Writes `files` under `root`, keeping any file that already exists.
fn write_files<'a>(
    root: &Path,
    files: impl Iterator<Item = (&'a str, &'a [u8])>,
) -> anyhow::Result<(Vec<PathBuf>, Vec<PathBuf>)> {
    let mut written = Vec::new();
    let mut skipped = Vec::new();
    for (rel, text) in files {
        let path = root.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut f) => {
                std::io::Write::write_all(&mut f, text)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                written.push(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => skipped.push(path),
            Err(e) => return Err(e).with_context(|| format!("cannot create {}", path.display())),
        }
    }
    Ok((written, skipped))
}
