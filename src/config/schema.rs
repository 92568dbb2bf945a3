//! What `book.toml` may say: every section and key, with its default. Kept apart from
//! reading the file so that the schema (a contract with every book, mdBook's included) reads
//! as one list.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

use crate::variables::Variable;

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
    pub frameworks: FrameworksConfig,
    pub registers: RegistersConfig,
    /// `[audiences]`: who reads what, id -> name (`engineering = "Engineering"`). Documents
    /// name theirs in `audience:`; each gets a reading list.
    pub audiences: BTreeMap<String, String>,
    pub classification: ClassificationConfig,
    /// `[profiles.NAME]`: who a build is for (`build --profile NAME`).
    pub profiles: BTreeMap<String, ProfileConfig>,
    /// `[trust]`: what the public profile's trust page says besides the published documents.
    pub trust: Option<TrustConfig>,
}

/// `[classification]`: the book's classification levels, lowest first.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct ClassificationConfig {
    pub levels: Vec<String>,
    /// The level of a document without `classification:`: never the lowest by accident.
    #[serde(alias = "default-classification")]
    pub default: String,
    /// The level of the risk register and exceptions (`registers/`).
    pub registers: String,
    /// The level of the SoA's justifications: below it, a profile shows decisions and counts.
    pub soa_justifications: String,
}

impl Default for ClassificationConfig {
    fn default() -> Self {
        ClassificationConfig {
            levels: ["public", "internal", "confidential", "restricted"]
                .map(String::from)
                .to_vec(),
            default: "internal".into(),
            registers: "confidential".into(),
            soa_justifications: "internal".into(),
        }
    }
}

/// `[profiles.NAME]`: what one build shows. Empty, it shows everything.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct ProfileConfig {
    /// The highest level published; documents and sections above it are left out.
    pub max_classification: Option<String>,
    /// Only documents that match every list given here (any entry of a list).
    pub include: DocumentFilter,
    /// No document that matches any entry of any list here.
    pub exclude: DocumentFilter,
    /// Whether the index is the trust page; by default when `[trust]` exists and the profile
    /// publishes only the lowest level.
    pub trust_page: Option<bool>,
}

/// Documents by `type`, `tags` or `audience`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct DocumentFilter {
    #[serde(rename = "type", alias = "types")]
    pub types: Vec<String>,
    #[serde(alias = "tag")]
    pub tags: Vec<String>,
    #[serde(alias = "audiences")]
    pub audience: Vec<String>,
}

impl DocumentFilter {
    pub fn is_empty(&self) -> bool {
        self.types.is_empty() && self.tags.is_empty() && self.audience.is_empty()
    }
}

/// `[trust]`: the trust page's facts.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct TrustConfig {
    /// What the ISMS covers, in the organisation's words (defaults to `[book] description`).
    pub scope: Option<String>,
    /// Where customers ask (an e-mail address or a URL).
    pub contact: Option<String>,
    pub certifications: Vec<Certification>,
}

/// `[[trust.certifications]]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Certification {
    pub standard: String,
    pub certificate: Option<String>,
    pub issuer: Option<String>,
    pub valid_until: Option<toml::value::Datetime>,
    pub link: Option<String>,
}

/// `[registers]`: settings of the risk register that hold for every register file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct RegistersConfig {
    /// The book's risk scales; `scales:` in registers/risks.yaml overrides them key by key.
    pub scales: ScalesConfig,
}

/// `[registers.scales]`: likelihood and impact words from the lowest, and the acceptance line.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct ScalesConfig {
    pub likelihood: Option<Vec<String>>,
    pub impact: Option<Vec<String>>,
    pub accept_at_or_below: Option<usize>,
}

impl ScalesConfig {
    /// The words of a scale as written (here or in a register), trimmed; `None` unless they
    /// are two or more, none empty and none repeated.
    pub fn scale<S: AsRef<str>>(written: &[S]) -> Option<Vec<String>> {
        let words: Vec<String> = written
            .iter()
            .map(|w| w.as_ref().trim().to_string())
            .collect();
        let repeated = (1..words.len()).any(|i| words[..i].contains(&words[i]));
        (words.len() >= 2 && !words.iter().any(String::is_empty) && !repeated).then_some(words)
    }
}

/// `[frameworks]`: the frameworks besides ISO/IEC 27001:2022 that the organisation answers
/// to, and their requirements out of its scope.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct FrameworksConfig {
    /// Framework ids: each gets its pages even before a document names it, and `check` warns
    /// about its requirements that nothing covers.
    #[serde(rename = "use")]
    pub use_: Vec<String>,
    /// Qualified requirement id -> why it is out of scope (a group excludes what it holds).
    pub excluded: BTreeMap<String, String>,
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
    /// The `lang` attribute of every page, and the language of the theme's words (see
    /// `strings`).
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
    /// The theme's words overridden: string id (`nav.documents`, or a table `[...strings.nav]`)
    /// -> text.
    pub strings: toml::Table,
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
            strings: toml::Table::new(),
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
    /// The book's stylesheets: `extra-css`, then mdBook's `additional-css`.
    pub fn stylesheets(&self) -> impl Iterator<Item = &PathBuf> {
        self.extra_css.iter().chain(&self.additional_css)
    }
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
