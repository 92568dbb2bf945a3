//! The new book, in memory, and the one place it is written: a new or empty folder outside the
//! source, so that an import can never overwrite anything.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

use super::report::Report;

/// The new book, in memory.
#[derive(Debug)]
pub(crate) struct Plan {
    /// `(path in the new book, bytes)`, sorted by path.
    pub files: Vec<(String, Vec<u8>)>,
    pub report: Report,
}

/// Writes a plan into `dest`, which must be empty or missing and outside `src`.
pub(crate) fn write(plan: &Plan, src: &Path, dest: &Path) -> anyhow::Result<()> {
    check_dest(src, dest)?;
    for (rel, bytes) in &plan.files {
        let path = dest.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        std::io::Write::write_all(&mut f, bytes)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// Refuses a destination that is not empty, or that is inside the source (or holds it).
pub(crate) fn check_dest(src: &Path, dest: &Path) -> anyhow::Result<()> {
    let abs = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir()
                .map(|d| d.join(p))
                .unwrap_or_else(|_| p.to_path_buf())
        };
        // The deepest existing ancestor, canonical, and the rest as given.
        let mut existing = p.clone();
        let mut rest = Vec::new();
        while !existing.exists() {
            match (existing.file_name(), existing.parent()) {
                (Some(n), Some(parent)) => {
                    rest.push(n.to_os_string());
                    existing = parent.to_path_buf();
                }
                _ => break,
            }
        }
        let mut out = existing.canonicalize().unwrap_or(existing);
        for n in rest.iter().rev() {
            out.push(n);
        }
        out
    };
    let (s, d) = (abs(src), abs(dest));
    if d.starts_with(&s) || s.starts_with(&d) {
        anyhow::bail!(
            "{} is inside the source folder {} (or holds it): import never writes into the source; give a folder beside it",
            dest.display(),
            src.display()
        );
    }
    if dest.exists() {
        if !dest.is_dir() {
            anyhow::bail!(
                "{} exists and is not a folder; nothing was written",
                dest.display()
            );
        }
        let mut entries =
            std::fs::read_dir(dest).with_context(|| format!("cannot read {}", dest.display()))?;
        if entries.next().is_some() {
            anyhow::bail!(
                "{} is not empty; import writes only into a new or empty folder, nothing was written",
                dest.display()
            );
        }
    }
    Ok(())
}
