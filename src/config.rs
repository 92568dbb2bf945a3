//! `book.toml` -> [`Config`]: strict, defaulted, validated in one place.
//!
//! Every section and key has a default, so a folder with only `content/` is a book. An unknown
//! key is an error with its line and a did-you-mean, never silently ignored.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostic::{unknown_field_hint, Diagnostic, FileId, Sources, Span};
use crate::variables::{self, Variable};

pub const CONFIG_FILE: &str = "book.toml";

/// The book's settings, read from `book.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    pub book: BookConfig,
    pub build: BuildConfig,
    pub output: OutputConfig,
    /// `[variables]`: values filled into document bodies (see [`crate::variables`]). `None`
    /// when the book has no such table: its bodies are then never treated as templates.
    pub variables: Option<BTreeMap<String, Variable>>,
}

/// `[book]`: what the site is called and who it belongs to.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct BookConfig {
    /// Shown in the header of every page and in the browser tab.
    pub title: String,
    /// The organisation whose ISMS this is.
    pub organization: Option<String>,
    /// One or two sentences for the index page.
    pub description: Option<String>,
    /// The `lang` attribute of every page.
    pub language: String,
}

impl Default for BookConfig {
    fn default() -> Self {
        BookConfig {
            title: "ISMS".into(),
            organization: None,
            description: None,
            language: "en".into(),
        }
    }
}

/// `[build]`: where the sources are and where the site goes, relative to the book root.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct BuildConfig {
    pub content_dir: PathBuf,
    pub output_dir: PathBuf,
}

impl Default for BuildConfig {
    fn default() -> Self {
        BuildConfig {
            content_dir: "content".into(),
            output_dir: "book".into(),
        }
    }
}

/// `[output]`: one table per output format; only `html` today.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct OutputConfig {
    pub html: HtmlConfig,
}

/// `[output.html]`: how the site looks and what Markdown may contain.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct HtmlConfig {
    /// A folder `themes/<theme>/` whose files override the built-in theme by name.
    pub theme: Option<String>,
    /// Pass raw HTML in Markdown through instead of showing it as text. Off by default so a
    /// document cannot run script in a reader's browser.
    pub allow_html: bool,
    /// Stylesheets of the book (paths relative to the book root), loaded after the theme's.
    pub extra_css: Vec<PathBuf>,
    /// An image shown in the header of every page (path relative to the book root).
    pub logo: Option<PathBuf>,
    /// Show each document's revision history from git (authors' names included).
    pub git_history: bool,
}

impl Default for HtmlConfig {
    fn default() -> Self {
        HtmlConfig {
            theme: None,
            allow_html: false,
            extra_css: Vec::new(),
            logo: None,
            git_history: true,
        }
    }
}

/// A loaded book configuration with the book's root folder.
#[derive(Debug, Clone)]
pub struct BookSettings {
    pub root: PathBuf,
    pub config: Config,
    /// The `book.toml` in [`Sources`], when there is one, for diagnostics.
    pub file: Option<FileId>,
}

impl BookSettings {
    pub fn content_dir(&self) -> PathBuf {
        self.root.join(&self.config.build.content_dir)
    }

    pub fn output_dir(&self) -> PathBuf {
        self.root.join(&self.config.build.output_dir)
    }

    pub fn theme_dir(&self) -> Option<PathBuf> {
        self.config
            .output
            .html
            .theme
            .as_ref()
            .filter(|t| t.as_str() != "default")
            .map(|t| self.root.join("themes").join(t))
    }

    /// Span of `key = ...` in book.toml, for diagnostics about a setting's value.
    pub fn key_span(&self, sources: &Sources, key: &str) -> Option<Span> {
        let file = self.file?;
        let text = sources.text(file);
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let t = line.trim_start();
            if t.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
            {
                let start = offset + (line.len() - t.len());
                return Some(Span {
                    file,
                    range: start..start + t.trim_end().len(),
                });
            }
            offset += line.len();
        }
        None
    }
}

/// Reads `book.toml` from `root` (defaults when there is none).
///
/// `Err` is an I/O failure; problems with the file's content come back as diagnostics.
pub fn load(root: &Path, sources: &mut Sources) -> anyhow::Result<(BookSettings, Vec<Diagnostic>)> {
    let path = root.join(CONFIG_FILE);
    let default_title = root
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "ISMS".into());
    if !path.exists() {
        let mut config = Config::default();
        config.book.title = default_title;
        let settings = BookSettings {
            root: root.to_path_buf(),
            config,
            file: None,
        };
        return Ok((settings, Vec::new()));
    }
    let text =
        std::fs::read(&path).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    let (text, utf8_error) = match String::from_utf8(text) {
        Ok(t) => (t, false),
        Err(e) => (String::from_utf8_lossy(e.as_bytes()).into_owned(), true),
    };
    let file = sources.add(PathBuf::from(CONFIG_FILE), text);
    let mut diagnostics = Vec::new();
    if utf8_error {
        diagnostics.push(
            Diagnostic::error("invalid-utf8", "book.toml is not valid UTF-8")
                .at(Span { file, range: 0..0 })
                .hint("save the file as UTF-8"),
        );
    }
    let config = match toml::from_str::<Config>(sources.text(file)) {
        Ok(config) => config,
        Err(e) => {
            diagnostics.push(config_error(file, &e));
            Config::default()
        }
    };
    let settings = BookSettings {
        root: root.to_path_buf(),
        config,
        file: Some(file),
    };
    diagnostics.extend(validate(&settings, sources));
    Ok((settings, diagnostics))
}

fn config_error(file: FileId, e: &toml::de::Error) -> Diagnostic {
    let message = e.message().trim().to_string();
    let span = Span {
        file,
        range: e.span().unwrap_or(0..0),
    };
    match unknown_field_hint(&message) {
        Some((field, hint)) => Diagnostic::error(
            "config-unknown-key",
            format!("unknown key `{field}` in book.toml"),
        )
        .at(span)
        .hint(hint),
        None if message.starts_with("a variable is") => {
            Diagnostic::error("config-invalid", format!("book.toml: {message}"))
                .at(span)
                .hint("write the value as a string (`key = \"...\"`), `true`/`false` or a number; a name with dots is quoted (`\"a.b\" = ...`)")
        }
        None => Diagnostic::error("config-invalid", format!("book.toml: {message}"))
            .at(span)
            .hint("see the book.toml reference in the README"),
    }
}

/// Checks what deserializing cannot: folders exist and are sensible.
fn validate(settings: &BookSettings, sources: &Sources) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let c = &settings.config;
    if c.book.title.trim().is_empty() {
        out.push(
            Diagnostic::error("config-invalid", "the book's title is empty")
                .at_opt(settings.key_span(sources, "title"))
                .hint("set `title` under [book]"),
        );
    }
    let html = &c.output.html;
    let files = html
        .extra_css
        .iter()
        .map(|p| ("extra-css", p))
        .chain(html.logo.iter().map(|p| ("logo", p)));
    let mut names = std::collections::HashSet::new();
    for (key, path) in files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let inside = !path.is_absolute()
            && !path
                .components()
                .any(|c| c == std::path::Component::ParentDir);
        if !inside || !settings.root.join(path).is_file() {
            out.push(
                Diagnostic::error(
                    "config-invalid",
                    format!(
                        "`{}` (from `{key}`) is not a file of the book",
                        path.display()
                    ),
                )
                .at_opt(settings.key_span(sources, key))
                .hint("give a path relative to the folder of book.toml, inside it"),
            );
        } else if !names.insert(name.clone()) {
            out.push(
                Diagnostic::error(
                    "config-invalid",
                    format!("two files named `{name}` in `extra-css` and `logo`"),
                )
                .at_opt(settings.key_span(sources, key))
                .hint("rename one of them: they are published side by side under static/book/"),
            );
        }
    }
    for (name, variable) in c.variables.iter().flatten() {
        if !variables::is_valid_name(name) {
            out.push(
                Diagnostic::error("config-invalid", format!("invalid variable name `{name}`"))
                    .at_opt(settings.file.map(|file| Span {
                        file,
                        range: variable.span.clone(),
                    }))
                    .hint("a variable's name is letters, digits, `_`, `-` and `.`"),
            );
        }
    }
    if let Some(theme) = &c.output.html.theme {
        let valid = !theme.is_empty()
            && theme
                .chars()
                .all(|ch| ch.is_alphanumeric() || ch == '-' || ch == '_');
        if !valid {
            out.push(
                Diagnostic::error("config-invalid", format!("invalid theme name `{theme}`"))
                    .at_opt(settings.key_span(sources, "theme"))
                    .hint("a theme is a folder name under themes/: letters, digits, `-` and `_`"),
            );
        } else if let Some(dir) = settings.theme_dir() {
            if !dir.is_dir() {
                out.push(
                    Diagnostic::error(
                        "config-invalid",
                        format!("theme folder themes/{theme} not found"),
                    )
                    .at_opt(settings.key_span(sources, "theme"))
                    .hint("create the folder, or remove `theme` to use the built-in theme"),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (BookSettings, Vec<Diagnostic>, Sources) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(CONFIG_FILE), text).unwrap();
        let mut sources = Sources::default();
        let (s, d) = load(dir.path(), &mut sources).unwrap();
        (s, d, sources)
    }

    #[test]
    fn defaults_fill_missing_sections() {
        let (s, d, _) = parse("[book]\ntitle = \"Acme ISMS\"\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(s.config.book.title, "Acme ISMS");
        assert_eq!(s.config.build.content_dir, PathBuf::from("content"));
        assert_eq!(s.config.build.output_dir, PathBuf::from("book"));
        assert!(!s.config.output.html.allow_html);
    }

    #[test]
    fn unknown_key_names_its_line_and_a_suggestion() {
        let (_, d, sources) = parse("[book]\ntitle = \"x\"\n\n[build]\nouput-dir = \"site\"\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code, "config-unknown-key");
        assert_eq!(d[0].hint.as_deref(), Some("did you mean `output-dir`?"));
        let loc = sources.locate(&d[0]);
        assert_eq!((loc.line, loc.column), (Some(5), Some(1)));
    }

    #[test]
    fn syntax_error_is_located() {
        let (_, d, sources) = parse("[book]\ntitle = \"x\nlanguage = \"en\"\n");
        assert_eq!(d[0].code, "config-invalid");
        assert_eq!(sources.locate(&d[0]).line, Some(2));
    }

    #[test]
    fn variables_are_strings_booleans_and_numbers() {
        let (s, d, _) = parse(
            "[book]\ntitle = \"x\"\n\n[variables]\ncompanyShortName = \"Brightwater\"\nhasSoc2 = true\nretention = 365\nratio = 1.50\n\"company.legal-name\" = \"B Ltd\"\n",
        );
        assert!(d.is_empty(), "{d:?}");
        let v = s.config.variables.unwrap();
        let text = |k: &str| v[k].value.text().to_string();
        assert_eq!(text("companyShortName"), "Brightwater");
        assert_eq!(text("hasSoc2"), "true");
        assert_eq!(text("retention"), "365");
        assert_eq!(text("ratio"), "1.5");
        assert_eq!(text("company.legal-name"), "B Ltd");
        let (s, _, _) = parse("[book]\ntitle = \"x\"\n");
        assert!(s.config.variables.is_none(), "no table, no templates");
    }

    #[test]
    fn other_variable_types_are_errors_at_their_line() {
        for (value, what) in [
            ("[\"a\"]", "an array"),
            ("{ a = 1 }", "a table"),
            ("2026-01-01", "a date or time"),
        ] {
            let (_, d, sources) = parse(&format!(
                "[book]\ntitle = \"x\"\n\n[variables]\nok = \"x\"\nbad = {value}\n"
            ));
            assert_eq!(d.len(), 1, "{d:?}");
            assert_eq!(d[0].code, "config-invalid");
            assert!(d[0].message.contains(what), "{}", d[0].message);
            assert!(d[0].hint.as_deref().unwrap().contains("string"));
            assert_eq!(sources.locate(&d[0]).line, Some(6), "{value}");
        }
        let (_, d, sources) = parse("[variables]\nok = 1\n\"a b\" = \"x\"\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("`a b`"));
        assert_eq!(sources.locate(&d[0]).line, Some(3));
    }

    #[test]
    fn missing_theme_folder_is_reported() {
        let (_, d, _) = parse("[output.html]\ntheme = \"corporate\"\n");
        assert_eq!(d[0].code, "config-invalid");
        assert!(d[0].message.contains("themes/corporate"));
    }
}
