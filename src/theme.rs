//! The built-in theme, embedded in the binary, and a book's overrides by file name.
//!
//! The default theme's files live in `themes/default/` in the repository and are compiled in
//! through one table, so the binary works anywhere. A book's `themes/<name>/` may replace any
//! of them, or add files, by giving the same relative path.

use std::collections::BTreeMap;
use std::path::Path;

/// `(relative path, contents)` of every file of the default theme.
macro_rules! embed {
    ($path:literal) => {
        (
            $path,
            include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/themes/default/",
                $path
            )) as &[u8],
        )
    };
}

pub(crate) const DEFAULT_THEME: &[(&str, &[u8])] = &[
    embed!("templates/base.html"),
    embed!("templates/chain.html"),
    embed!("templates/clause.html"),
    embed!("templates/clauses.html"),
    embed!("templates/control.html"),
    embed!("templates/controls.html"),
    embed!("templates/document.html"),
    embed!("templates/gaps.html"),
    embed!("templates/reviews.html"),
    embed!("templates/documents.html"),
    embed!("templates/framework.html"),
    embed!("templates/frameworks.html"),
    embed!("templates/index.html"),
    embed!("templates/macros.html"),
    embed!("templates/matrix-clauses.html"),
    embed!("templates/matrix-controls.html"),
    embed!("templates/matrix-framework.html"),
    embed!("templates/print.html"),
    embed!("templates/requirement.html"),
    embed!("templates/risk.html"),
    embed!("templates/risks.html"),
    embed!("templates/risk-exceptions.html"),
    embed!("templates/risk-plan.html"),
    embed!("templates/risk-chain.html"),
    embed!("templates/audiences.html"),
    embed!("templates/reading-list.html"),
    embed!("templates/trust.html"),
    embed!("templates/changes.html"),
    embed!("templates/soa.html"),
    embed!("templates/traceability.html"),
    embed!("static/risks.css"),
    embed!("static/risks.js"),
    embed!("static/search.js"),
    embed!("static/style.css"),
    embed!("static/syntax.css"),
];

/// The theme a build uses: templates by name and static files by path under `static/`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Theme {
    /// Template name (e.g. `document.html`) -> (source, where it came from for diagnostics).
    pub templates: BTreeMap<String, (String, String)>,
    /// Path under `static/` -> bytes.
    pub statics: BTreeMap<String, Vec<u8>>,
}

/// The default theme, with the files of `overrides` (a `themes/<name>/` folder) on top.
pub(crate) fn load(overrides: Option<&Path>) -> anyhow::Result<Theme> {
    let mut theme = Theme::default();
    for (path, bytes) in DEFAULT_THEME {
        add(
            &mut theme,
            path,
            bytes.to_vec(),
            format!("built-in theme {path}"),
        )?;
    }
    if let Some(dir) = overrides {
        for entry in walkdir::WalkDir::new(dir)
            .follow_links(false)
            .sort_by_file_name()
        {
            let entry = entry?;
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry
                .path()
                .strip_prefix(dir)?
                .to_string_lossy()
                .replace('\\', "/");
            if rel.split('/').any(|p| p.starts_with('.')) {
                continue;
            }
            let bytes = std::fs::read(entry.path())
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", entry.path().display()))?;
            let origin = crate::diagnostic::display_path(entry.path());
            add(&mut theme, &rel, bytes, origin)?;
        }
    }
    Ok(theme)
}

fn add(theme: &mut Theme, rel: &str, bytes: Vec<u8>, origin: String) -> anyhow::Result<()> {
    if let Some(name) = rel.strip_prefix("templates/") {
        let text =
            String::from_utf8(bytes).map_err(|_| anyhow::anyhow!("{origin} is not valid UTF-8"))?;
        theme.templates.insert(name.to_string(), (text, origin));
    } else if let Some(name) = rel.strip_prefix("static/") {
        theme.statics.insert(name.to_string(), bytes);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file added to themes/default but not to the table (or the reverse) fails here.
    #[test]
    fn table_matches_the_files_on_disk() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
        let mut on_disk: Vec<String> = walkdir::WalkDir::new(&root)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                e.path()
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        on_disk.sort();
        let mut table: Vec<String> = DEFAULT_THEME.iter().map(|(p, _)| p.to_string()).collect();
        table.sort();
        assert_eq!(table, on_disk);
    }

    #[test]
    fn overrides_replace_by_name() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("static")).unwrap();
        std::fs::write(dir.path().join("static/style.css"), "body{}").unwrap();
        std::fs::write(dir.path().join("static/logo.svg"), "<svg/>").unwrap();
        let theme = load(Some(dir.path())).unwrap();
        assert_eq!(theme.statics["style.css"], b"body{}");
        assert!(theme.statics.contains_key("logo.svg"));
        assert!(theme.templates.contains_key("document.html"));
    }
}
