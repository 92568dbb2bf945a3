//! What `framework import` and `crosswalk import` share: how a refusal is told, and how the
//! imported file is written without replacing one by accident.

use std::path::Path;

use crate::catalog::oscal::ImportError;

/// Exit code of an import refused for what the input is (not a catalog or mapping, no
/// licence, unknown framework, a file in the way); a file that cannot be read or written is an
/// error (exit 2).
const EXIT_REFUSED: u8 = 1;

/// Prints why the import was refused and what to do; the exit code for it.
pub(super) fn refused(e: &ImportError) -> u8 {
    eprintln!("error: {}", e.message);
    if let Some(hint) = &e.hint {
        eprintln!("hint: {hint}");
    }
    EXIT_REFUSED
}

/// The name of the file imported, as its provenance says it.
pub(super) fn file_name(file: &Path) -> String {
    file.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.display().to_string())
}

/// The refusal when `target` exists and `--force` was not given.
pub(super) fn in_the_way(target: &Path, force: bool) -> Option<ImportError> {
    (target.exists() && !force).then(|| ImportError {
        message: format!("{} exists; nothing was written", target.display()),
        hint: Some("pass `--force` to replace it, or `--id` to import beside it".into()),
    })
}

/// Writes the imported file, making its folder if the book has none yet.
pub(super) fn write(target: &Path, text: &str) -> anyhow::Result<()> {
    if let Some(folder) = target.parent() {
        std::fs::create_dir_all(folder)
            .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", folder.display()))?;
    }
    std::fs::write(target, text)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", target.display()))
}
