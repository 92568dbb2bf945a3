//! mdBook compatibility: mdBook's names for policybook's settings (`src`, `build-dir`), its
//! layout and theme folder, and one `config-unused` note for each of its keys that means
//! nothing here. Kept apart because it is about another tool's book, not policybook's own
//! settings.

use crate::diagnostic::{Code, Diagnostic, Sources, Span};

use super::{BookSettings, HtmlConfig, SearchConfig};

/// mdBook's names for policybook's settings: `[book] src` for `content-dir`, `[build]
/// build-dir` for `output-dir`; an mdBook theme folder (Handlebars templates) is set aside.
pub(super) fn mdbook_names(settings: &mut BookSettings, sources: &Sources) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let src = settings.config.book.src.take();
    let build_dir = settings.config.build.build_dir.take();
    for (value, alias, table, name) in [
        (src, "src", "book", "content-dir"),
        (build_dir, "build-dir", "build", "output-dir"),
    ] {
        let Some(value) = value else { continue };
        let explicit = settings
            .table_key_span(sources, Some("build"), name)
            .is_some();
        let build = &mut settings.config.build;
        let target = if name == "content-dir" {
            &mut build.content_dir
        } else {
            &mut build.output_dir
        };
        if explicit && *target != value {
            out.push(
                Diagnostic::error(
                    Code::ConfigInvalid,
                    format!("`{alias}` and `{name}` name different folders"),
                )
                .at_opt(settings.table_key_span(sources, Some(table), alias))
                .hint(format!(
                    "`{alias}` is mdBook's name for `{name}`: keep one of them"
                )),
            );
        } else {
            *target = value;
        }
    }
    // An mdBook keeps its chapters in `src/` (with `SUMMARY.md`) unless told otherwise.
    let named = settings
        .table_key_span(sources, Some("build"), "content-dir")
        .is_some()
        || settings
            .table_key_span(sources, Some("book"), "src")
            .is_some();
    let mdbook_src = settings.root.join("src");
    if !named
        && !settings
            .root
            .join(&settings.config.build.content_dir)
            .is_dir()
        && mdbook_src.join("SUMMARY.md").is_file()
    {
        settings.config.build.content_dir = "src".into();
        out.push(
            Diagnostic::note_level(
                Code::MdbookLayout,
                "reading the documents from `src/`, where mdBook keeps them (there is no `content/`)",
            )
            .at_opt(settings.file.map(|file| Span { file, range: 0..0 }))
            .hint("set `src = \"src\"` under [book] (or `content-dir` under [build]) to say so"),
        );
    }
    // An mdBook theme is a folder of Handlebars templates, which policybook cannot use.
    let html = &settings.config.output.html;
    if let Some(theme) = html.theme.clone() {
        let ours = settings.root.join("themes").join(&theme);
        let theirs = settings.root.join(&theme);
        if !ours.is_dir() && theirs.is_dir() && theme != "default" {
            out.push(
                Diagnostic::note_level(
                    Code::ConfigUnused,
                    format!("`{theme}` is an mdBook theme folder (Handlebars templates and their CSS); policybook uses its built-in theme"),
                )
                .at_opt(settings.table_key_span(sources, Some("output.html"), "theme"))
                .hint("to change policybook's look, see `policybook init --theme` in the README"),
            );
            settings.config.output.html.theme = None;
        }
    }
    out
}

/// One note for each mdBook key that was given and that policybook does not use.
pub(super) fn unused(settings: &BookSettings, sources: &Sources) -> Vec<Diagnostic> {
    let c = &settings.config;
    let mut found: Vec<(String, Option<Span>, String)> = Vec::new();
    let mut key = |table: &str, key: &str, why: &str| {
        found.push((
            if table.is_empty() {
                key.to_string()
            } else {
                format!("{table}.{key}")
            },
            settings.table_key_span(sources, Some(table), key),
            why.to_string(),
        ))
    };
    let book_keys = [("multilingual", c.book.multilingual.is_some())];
    for (k, set) in book_keys {
        if set {
            key("book", k, "an mdBook setting");
        }
    }
    let build_keys = [
        ("create-missing", c.build.create_missing.is_some()),
        (
            "use-default-preprocessors",
            c.build.use_default_preprocessors.is_some(),
        ),
        ("extra-watch-dirs", c.build.extra_watch_dirs.is_some()),
    ];
    for (k, set) in build_keys {
        if set {
            key("build", k, "an mdBook setting");
        }
    }
    for k in c.output.html.unused() {
        key("output.html", k, "an mdBook setting");
    }
    for k in c.output.html.search.unused() {
        key("output.html.search", k, "a setting of mdBook's search");
    }
    if c.output.html.print.page_break.is_some() {
        key(
            "output.html.print",
            "page-break",
            "the print view always starts each document on a new page",
        );
    }
    let mut out: Vec<Diagnostic> = found
        .into_iter()
        .map(|(name, span, why)| {
            Diagnostic::note_level(
                Code::ConfigUnused,
                format!("`{name}` is not used by policybook ({why})"),
            )
            .at_opt(span)
            .hint("it is accepted so that an mdBook's book.toml works as it is; remove it if this book is only built by policybook")
        })
        .collect();
    for name in c.preprocessor.keys() {
        out.push(
            Diagnostic::note_level(
                Code::ConfigUnused,
                format!("the mdBook preprocessor `{name}` is not run by policybook"),
            )
            .at_opt(settings.table_span(sources, &format!("preprocessor.{name}")))
            .hint("policybook never runs a preprocessor's `command`; what it adds to pages will not be there"),
        );
    }
    for name in c.output.others.keys() {
        out.push(
            Diagnostic::note_level(
                Code::ConfigUnused,
                format!("the mdBook renderer `[output.{name}]` is not used by policybook"),
            )
            .at_opt(settings.table_span(sources, &format!("output.{name}")))
            .hint(
                "policybook writes its HTML site only; see `policybook export` for other formats",
            ),
        );
    }
    if c.rust.is_some() {
        out.push(
            Diagnostic::note_level(
                Code::ConfigUnused,
                "`[rust]` is not used by policybook (an mdBook setting for Rust examples)",
            )
            .at_opt(settings.table_span(sources, "rust"))
            .hint("it is accepted so that an mdBook's book.toml works as it is"),
        );
    }
    out
}

impl HtmlConfig {
    /// The mdBook keys of `[output.html]` that were given and mean nothing here.
    fn unused(&self) -> Vec<&'static str> {
        let keys = [
            ("default-theme", &self.default_theme),
            ("preferred-dark-theme", &self.preferred_dark_theme),
            ("smart-punctuation", &self.smart_punctuation),
            ("curly-quotes", &self.curly_quotes),
            ("definition-lists", &self.definition_lists),
            ("admonitions", &self.admonitions),
            ("mathjax-support", &self.mathjax_support),
            ("math", &self.math),
            ("copy-fonts", &self.copy_fonts),
            ("google-analytics", &self.google_analytics),
            ("additional-js", &self.additional_js),
            ("git-repository-icon", &self.git_repository_icon),
            ("input-404", &self.input_404),
            ("hash-files", &self.hash_files),
            ("sidebar-header-nav", &self.sidebar_header_nav),
            ("live-reload-endpoint", &self.live_reload_endpoint),
            ("fold", &self.fold),
            ("playground", &self.playground),
            ("code", &self.code),
            ("command", &self.command),
            ("optional", &self.optional),
        ];
        given(&keys)
    }
}

/// The names of `keys` whose value was given.
fn given(keys: &[(&'static str, &Option<toml::Value>)]) -> Vec<&'static str> {
    keys.iter()
        .filter(|(_, v)| v.is_some())
        .map(|(k, _)| *k)
        .collect()
}

impl SearchConfig {
    fn unused(&self) -> Vec<&'static str> {
        let keys = [
            ("limit-results", &self.limit_results),
            ("teaser-word-count", &self.teaser_word_count),
            ("use-boolean-and", &self.use_boolean_and),
            ("boost-title", &self.boost_title),
            ("boost-hierarchy", &self.boost_hierarchy),
            ("boost-paragraph", &self.boost_paragraph),
            ("expand", &self.expand),
            ("heading-split-level", &self.heading_split_level),
            ("copy-js", &self.copy_js),
            ("chapter", &self.chapter),
        ];
        given(&keys)
    }
}

#[cfg(test)]
mod tests {
    use crate::config::{load, CONFIG_FILE};
    use crate::diagnostic::{Code, Sources};

    #[test]
    fn an_mdbook_theme_folder_is_noted_not_an_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("theme/css")).unwrap();
        std::fs::write(dir.path().join("theme/css/general.css"), "").unwrap();
        std::fs::write(
            dir.path().join(CONFIG_FILE),
            "[output.html]\ntheme = \"theme\"\n",
        )
        .unwrap();
        let mut sources = Sources::default();
        let (s, d) = load(dir.path(), &mut sources).unwrap();
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            (d[0].code, d[0].severity),
            (Code::ConfigUnused, crate::diagnostic::Severity::Note)
        );
        assert_eq!(s.config.output.html.theme, None);
    }
}
