//! `book.toml` -> [`Config`]: strict, defaulted, validated in one place.
//!
//! Every section and key has a default, so a folder with only `content/` is a book. Every key
//! that mdBook documents is accepted, so an mdBook's `book.toml` works as it is: those that mean
//! something here are honoured, the others get one `config-unused` note each. Any other key is
//! an error with its line and a did-you-mean, never silently ignored.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostic::Code;
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
    /// mdBook's preprocessors: accepted, never run.
    pub preprocessor: BTreeMap<String, toml::Value>,
    /// mdBook's `[rust]` (the edition of Rust examples): accepted, not used.
    pub rust: Option<toml::Value>,
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
    /// Shown in the footer and as `<meta name="author">`.
    pub authors: Vec<String>,
    /// The `dir` attribute of every page.
    pub text_direction: Option<TextDirection>,
    /// mdBook's name for `[build] content-dir`.
    pub src: Option<PathBuf>,
    /// mdBook's, deprecated there: not used.
    pub multilingual: Option<toml::Value>,
}

impl Default for BookConfig {
    fn default() -> Self {
        BookConfig {
            title: "ISMS".into(),
            organization: None,
            description: None,
            language: "en".into(),
            authors: Vec::new(),
            text_direction: None,
            src: None,
            multilingual: None,
        }
    }
}

/// `[book] text-direction`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TextDirection {
    Ltr,
    Rtl,
}

impl TextDirection {
    pub fn as_str(self) -> &'static str {
        match self {
            TextDirection::Ltr => "ltr",
            TextDirection::Rtl => "rtl",
        }
    }
}

/// `[build]`: where the sources are and where the site goes, relative to the book root.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct BuildConfig {
    pub content_dir: PathBuf,
    pub output_dir: PathBuf,
    /// mdBook's name for `output-dir`.
    pub build_dir: Option<PathBuf>,
    /// mdBook's; not used.
    pub create_missing: Option<toml::Value>,
    pub use_default_preprocessors: Option<toml::Value>,
    pub extra_watch_dirs: Option<toml::Value>,
}

impl Default for BuildConfig {
    fn default() -> Self {
        BuildConfig {
            content_dir: "content".into(),
            output_dir: "book".into(),
            build_dir: None,
            create_missing: None,
            use_default_preprocessors: None,
            extra_watch_dirs: None,
        }
    }
}

/// `[output]`: `html` is policybook's site; any other table (an mdBook renderer such as
/// `[output.linkcheck]`) is accepted and not used.
#[derive(Debug, Clone, Default)]
pub struct OutputConfig {
    pub html: HtmlConfig,
    pub others: BTreeMap<String, toml::Value>,
}

impl<'de> Deserialize<'de> for OutputConfig {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Tables;

        impl<'de> serde::de::Visitor<'de> for Tables {
            type Value = OutputConfig;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a table of output formats, such as [output.html]")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<OutputConfig, A::Error> {
                let mut out = OutputConfig::default();
                // `html` is read as it streams, so its errors keep their place in the file.
                while let Some(name) = map.next_key::<String>()? {
                    if name == "html" {
                        out.html = map.next_value()?;
                    } else {
                        out.others.insert(name, map.next_value()?);
                    }
                }
                Ok(out)
            }
        }

        deserializer.deserialize_map(Tables)
    }
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
    /// mdBook's name for `extra-css`; both lists are used.
    pub additional_css: Vec<PathBuf>,
    /// Where the site is published (`https://isms.example.com/` or `/isms/`): every page
    /// names its canonical address under it.
    pub site_url: Option<String>,
    /// A link to the book's repository in the header of every page.
    pub git_repository_url: Option<String>,
    /// Each document page links to `{path}` (its source path from the book root) put in here:
    /// the way a reader proposes a change to a policy.
    pub edit_url_template: Option<String>,
    /// mdBook numbers its chapters unless this is set; policybook numbers nothing, so either
    /// value gives the same site.
    pub no_section_label: bool,
    /// Written to a `CNAME` file at the site's root, for GitHub Pages.
    pub cname: Option<String>,
    pub print: PrintConfig,
    pub search: SearchConfig,
    /// Old site path -> where it moved: a page at the old path sends the reader on.
    pub redirect: BTreeMap<String, String>,
    // mdBook's, accepted and not used (one note each).
    pub default_theme: Option<toml::Value>,
    pub preferred_dark_theme: Option<toml::Value>,
    pub smart_punctuation: Option<toml::Value>,
    pub curly_quotes: Option<toml::Value>,
    pub definition_lists: Option<toml::Value>,
    pub admonitions: Option<toml::Value>,
    pub mathjax_support: Option<toml::Value>,
    pub math: Option<toml::Value>,
    pub copy_fonts: Option<toml::Value>,
    pub google_analytics: Option<toml::Value>,
    pub additional_js: Option<toml::Value>,
    pub git_repository_icon: Option<toml::Value>,
    pub input_404: Option<toml::Value>,
    pub hash_files: Option<toml::Value>,
    pub sidebar_header_nav: Option<toml::Value>,
    pub live_reload_endpoint: Option<toml::Value>,
    pub fold: Option<toml::Value>,
    pub playground: Option<toml::Value>,
    pub code: Option<toml::Value>,
    pub command: Option<toml::Value>,
    pub optional: Option<toml::Value>,
}

impl Default for HtmlConfig {
    fn default() -> Self {
        HtmlConfig {
            theme: None,
            allow_html: false,
            extra_css: Vec::new(),
            logo: None,
            git_history: true,
            additional_css: Vec::new(),
            site_url: None,
            git_repository_url: None,
            edit_url_template: None,
            no_section_label: false,
            cname: None,
            print: PrintConfig::default(),
            search: SearchConfig::default(),
            redirect: BTreeMap::new(),
            default_theme: None,
            preferred_dark_theme: None,
            smart_punctuation: None,
            curly_quotes: None,
            definition_lists: None,
            admonitions: None,
            mathjax_support: None,
            math: None,
            copy_fonts: None,
            google_analytics: None,
            additional_js: None,
            git_repository_icon: None,
            input_404: None,
            hash_files: None,
            sidebar_header_nav: None,
            live_reload_endpoint: None,
            fold: None,
            playground: None,
            code: None,
            command: None,
            optional: None,
        }
    }
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

    /// The book's stylesheets: `extra-css`, then mdBook's `additional-css`.
    pub fn stylesheets(&self) -> impl Iterator<Item = &PathBuf> {
        self.extra_css.iter().chain(&self.additional_css)
    }
}

/// The names of `keys` whose value was given.
fn given(keys: &[(&'static str, &Option<toml::Value>)]) -> Vec<&'static str> {
    keys.iter()
        .filter(|(_, v)| v.is_some())
        .map(|(k, _)| *k)
        .collect()
}

/// `[output.html.print]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct PrintConfig {
    /// Write the print view (`print.html`, the whole ISMS on one page).
    pub enable: bool,
    /// mdBook's; policybook always starts each document on a new printed page.
    pub page_break: Option<toml::Value>,
}

impl Default for PrintConfig {
    fn default() -> Self {
        PrintConfig {
            enable: true,
            page_break: None,
        }
    }
}

/// `[output.html.search]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct SearchConfig {
    /// Give every page a search box, and write the search index.
    pub enable: bool,
    // mdBook's tuning of its own search: not used.
    pub limit_results: Option<toml::Value>,
    pub teaser_word_count: Option<toml::Value>,
    pub use_boolean_and: Option<toml::Value>,
    pub boost_title: Option<toml::Value>,
    pub boost_hierarchy: Option<toml::Value>,
    pub boost_paragraph: Option<toml::Value>,
    pub expand: Option<toml::Value>,
    pub heading_split_level: Option<toml::Value>,
    pub copy_js: Option<toml::Value>,
    pub chapter: Option<toml::Value>,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig {
            enable: true,
            limit_results: None,
            teaser_word_count: None,
            use_boolean_and: None,
            boost_title: None,
            boost_hierarchy: None,
            boost_paragraph: None,
            expand: None,
            heading_split_level: None,
            copy_js: None,
            chapter: None,
        }
    }
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
        self.table_key_span(sources, None, key)
    }

    /// Span of `key` in `[table]` (`output.html.search`), or with no table its first
    /// `key = ...` anywhere; a sub-table `[table.key]` is found by its header.
    pub fn table_key_span(
        &self,
        sources: &Sources,
        table: Option<&str>,
        key: &str,
    ) -> Option<Span> {
        let file = self.file?;
        let text = sources.text(file);
        let header = |t: &str| -> Option<String> {
            let inner = t.strip_prefix('[')?.split(']').next()?;
            Some(
                inner
                    .split('.')
                    .map(|p| p.trim().trim_matches('"').trim_matches('\''))
                    .collect::<Vec<_>>()
                    .join("."),
            )
        };
        let mut current = String::new();
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let t = line.trim_start();
            let start = offset + (line.len() - t.len());
            let span = Span {
                file,
                range: start..start + t.trim_end().len(),
            };
            offset += line.len();
            if t.starts_with('[') {
                current = header(t).unwrap_or_default();
                let full = table.map_or(key.to_string(), |table| format!("{table}.{key}"));
                if current == full || current.starts_with(&format!("{full}.")) {
                    return Some(span);
                }
                continue;
            }
            let in_table = table.is_none_or(|table| current == table);
            let bare = t
                .strip_prefix(key)
                .or_else(|| t.strip_prefix(&format!("\"{key}\"")));
            if in_table
                && bare.is_some_and(|rest| {
                    let rest = rest.trim_start();
                    rest.starts_with('=') || rest.starts_with('.')
                })
            {
                return Some(span);
            }
        }
        None
    }

    /// The span of `[table]`'s header, or of the first key under it.
    fn table_span(&self, sources: &Sources, table: &str) -> Option<Span> {
        let (parent, last) = match table.rsplit_once('.') {
            Some((p, l)) => (Some(p), l),
            None => (None, table),
        };
        self.table_key_span(sources, parent, last)
            .or_else(|| self.file.map(|file| Span { file, range: 0..0 }))
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
    let (text, bad_utf8) = crate::text::decode(text);
    let file = sources.add(PathBuf::from(CONFIG_FILE), text);
    let mut diagnostics = Vec::new();
    if let Some(at) = bad_utf8 {
        diagnostics.push(
            Diagnostic::error(Code::InvalidUtf8, "book.toml is not valid UTF-8")
                .at(Span {
                    file,
                    range: at..at,
                })
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
    let mut config = config;
    // U+0000 (TOML's "\u0000") never reaches a page.
    let book = &mut config.book;
    for text in std::iter::once(&mut book.title)
        .chain(book.organization.as_mut())
        .chain(book.description.as_mut())
        .chain(book.authors.iter_mut())
    {
        crate::text::replace_nul(text);
    }
    let mut settings = BookSettings {
        root: root.to_path_buf(),
        config,
        file: Some(file),
    };
    diagnostics.extend(mdbook_names(&mut settings, sources));
    diagnostics.extend(validate(&settings, sources));
    diagnostics.extend(unused(&settings, sources));
    Ok((settings, diagnostics))
}

/// mdBook's names for policybook's settings: `[book] src` for `content-dir`, `[build]
/// build-dir` for `output-dir`; an mdBook theme folder (Handlebars templates) is set aside.
fn mdbook_names(settings: &mut BookSettings, sources: &Sources) -> Vec<Diagnostic> {
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
fn unused(settings: &BookSettings, sources: &Sources) -> Vec<Diagnostic> {
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

fn config_error(file: FileId, e: &toml::de::Error) -> Diagnostic {
    let message = e.message().trim().to_string();
    let span = Span {
        file,
        range: e.span().unwrap_or(0..0),
    };
    match unknown_field_hint(&message) {
        Some((field, hint)) => Diagnostic::error(
            Code::ConfigUnknownKey,
            format!("unknown key `{field}` in book.toml"),
        )
        .at(span)
        .hint(hint),
        None if message.starts_with("a variable is") => {
            Diagnostic::error(Code::ConfigInvalid, format!("book.toml: {message}"))
                .at(span)
                .hint("write the value as a string (`key = \"...\"`), `true`/`false` or a number; a name with dots is quoted (`\"a.b\" = ...`)")
        }
        None => Diagnostic::error(Code::ConfigInvalid, format!("book.toml: {message}"))
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
            Diagnostic::error(Code::ConfigInvalid, "the book's title is empty")
                .at_opt(settings.key_span(sources, "title"))
                .hint("set `title` under [book]"),
        );
    }
    let html = &c.output.html;
    let files = html
        .extra_css
        .iter()
        .map(|p| ("extra-css", p))
        .chain(html.additional_css.iter().map(|p| ("additional-css", p)))
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
                    Code::ConfigInvalid,
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
                    Code::ConfigInvalid,
                    format!("two files named `{name}` in `extra-css`, `additional-css` and `logo`"),
                )
                .at_opt(settings.key_span(sources, key))
                .hint("rename one of them: they are published side by side under static/book/"),
            );
        }
    }
    let span = |key: &str| settings.table_key_span(sources, Some("output.html"), key);
    let urls = [
        ("git-repository-url", &html.git_repository_url),
        ("edit-url-template", &html.edit_url_template),
    ];
    for (key, url) in urls {
        if let Some(url) = url.as_deref().filter(|u| !is_web_address(u)) {
            out.push(
                Diagnostic::error(
                    Code::ConfigInvalid,
                    format!("`{key}` must be an http or https address, not `{url}`"),
                )
                .at_opt(span(key))
                .hint("write the whole address, e.g. `https://github.com/acme/isms`"),
            );
        }
    }
    if let Some(t) = html.edit_url_template.as_deref() {
        if is_web_address(t) && !t.contains("{path}") {
            out.push(
                Diagnostic::warning(
                    Code::ConfigInvalid,
                    "`edit-url-template` has no `{path}`: every page would link to the same address",
                )
                .at_opt(span("edit-url-template"))
                .hint("e.g. `https://github.com/acme/isms/edit/main/{path}`"),
            );
        }
    }
    if let Some(url) = html.site_url.as_deref() {
        if !(is_web_address(url) || url.starts_with('/')) || url.contains(['"', '<', '>', ' ']) {
            out.push(
                Diagnostic::error(
                    Code::ConfigInvalid,
                    format!("`site-url` must be an http or https address or a path starting with `/`, not `{url}`"),
                )
                .at_opt(span("site-url"))
                .hint("e.g. `https://isms.example.com/` or `/isms/`"),
            );
        }
    }
    if let Some(cname) = html.cname.as_deref() {
        let valid = !cname.is_empty()
            && cname.len() <= 253
            && cname
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '.');
        if !valid {
            out.push(
                Diagnostic::error(
                    Code::ConfigInvalid,
                    format!("`cname` `{cname}` is not a domain name"),
                )
                .at_opt(span("cname"))
                .hint("write the domain alone, e.g. `isms.example.com`"),
            );
        }
    }
    for (from, to) in &html.redirect {
        let at = settings.table_key_span(sources, Some("output.html.redirect"), from);
        if from.contains('#') {
            out.push(
                Diagnostic::note_level(
                    Code::ConfigUnused,
                    format!("the redirect from `{from}` is not written: a redirect of one heading needs script, which policybook's pages do not run"),
                )
                .at_opt(at)
                .hint("redirect the whole page instead, or keep the old heading's anchor with `{#old-anchor}`"),
            );
            continue;
        }
        if let Some((name, why)) = crate::paths::unportable_redirect(from) {
            out.push(
                Diagnostic::error(
                    Code::UnportableName,
                    format!("the redirect from `{from}` cannot be published: `{name}` is not a portable file name ({why})"),
                )
                .at_opt(at.clone())
                .hint(format!("rename `{name}` so the site and its bundle can be opened on Windows too")),
            );
        } else if crate::paths::redirect_file(from).is_none() {
            out.push(
                Diagnostic::error(
                    Code::ConfigInvalid,
                    format!("the redirect from `{from}` is not a path inside the site"),
                )
                .at_opt(at.clone())
                .hint(
                    "give the old page's path from the site's root, e.g. `/policies/old-name.html`",
                ),
            );
        }
        if !crate::paths::is_safe_redirect(to) {
            out.push(
                Diagnostic::error(
                    Code::ConfigInvalid,
                    format!("the redirect to `{to}` is neither a page of the site nor an http(s) address"),
                )
                .at_opt(at)
                .hint("give a path relative to the old page, or an https:// address"),
            );
        }
    }
    for (name, variable) in c.variables.iter().flatten() {
        if !variables::is_valid_name(name) {
            out.push(
                Diagnostic::error(
                    Code::ConfigInvalid,
                    format!("invalid variable name `{name}`"),
                )
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
                Diagnostic::error(Code::ConfigInvalid, format!("invalid theme name `{theme}`"))
                    .at_opt(settings.key_span(sources, "theme"))
                    .hint("a theme is a folder name under themes/: letters, digits, `-` and `_`"),
            );
        } else if let Some(dir) = settings.theme_dir() {
            if !dir.is_dir() {
                out.push(
                    Diagnostic::error(
                        Code::ConfigInvalid,
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

/// `http://` or `https://` and something after it.
fn is_web_address(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    ["http://", "https://"].iter().any(|scheme| {
        lower
            .strip_prefix(scheme)
            .is_some_and(|rest| !rest.is_empty())
    }) && !url.contains(['"', '<', '>', ' ', '\n'])
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

    #[test]
    fn a_byte_order_mark_is_no_problem() {
        let (s, d, _) = parse("\u{feff}[book]\ntitle = \"Notepad ISMS\"\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(s.config.book.title, "Notepad ISMS");
    }

    #[test]
    fn missing_theme_folder_is_reported() {
        let (_, d, _) = parse("[output.html]\ntheme = \"corporate\"\n");
        assert_eq!(d[0].code, "config-invalid");
        assert!(d[0].message.contains("themes/corporate"));
    }
}
