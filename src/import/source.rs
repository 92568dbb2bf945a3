//! Reading a source repository: which tool it was written for, where its pages are, and each
//! page's front matter in YAML, TOML or none, as one value type.

use std::collections::BTreeMap;
use std::path::Path;

/// The site generator a source folder was written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Style {
    Hugo,
    MkDocs,
    Docusaurus,
    Jekyll,
    MdBook,
    GitBook,
    Plain,
}

impl Style {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Style::Hugo => "Hugo",
            Style::MkDocs => "MkDocs",
            Style::Docusaurus => "Docusaurus",
            Style::Jekyll => "Jekyll",
            Style::MdBook => "mdBook",
            Style::GitBook => "GitBook",
            Style::Plain => "plain Markdown",
        }
    }
}

/// A front-matter value, whatever the source's format.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Val {
    Str(String),
    /// A number as the source's parser read it.
    Num(String),
    Bool(bool),
    /// A TOML date or date-time, as written.
    Date(String),
    List(Vec<Val>),
    Map(Vec<(String, Val)>),
    Null,
}

impl Val {
    /// A scalar as text (numbers and booleans as written); `None` for lists, maps and null.
    pub(crate) fn text(&self) -> Option<String> {
        match self {
            Val::Str(s) | Val::Num(s) | Val::Date(s) => Some(s.clone()),
            Val::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// Every scalar of a value, lists flattened, as text.
    pub(crate) fn texts(&self) -> Vec<String> {
        match self {
            Val::List(items) => items.iter().flat_map(Val::texts).collect(),
            Val::Map(_) | Val::Null => Vec::new(),
            v => v.text().into_iter().collect(),
        }
    }

    pub(crate) fn truthy(&self) -> Option<bool> {
        match self {
            Val::Bool(b) => Some(*b),
            Val::Str(s) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "yes" => Some(true),
                "false" | "no" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    fn from_yaml(v: serde_yaml::Value) -> Val {
        use serde_yaml::Value as Y;
        match v {
            Y::Null => Val::Null,
            Y::Bool(b) => Val::Bool(b),
            Y::Number(n) => Val::Num(n.to_string()),
            Y::String(s) => Val::Str(s),
            Y::Sequence(items) => Val::List(items.into_iter().map(Val::from_yaml).collect()),
            Y::Mapping(m) => Val::Map(
                m.into_iter()
                    .map(|(k, v)| (yaml_key(k), Val::from_yaml(v)))
                    .collect(),
            ),
            Y::Tagged(t) => Val::from_yaml(t.value),
        }
    }

    fn from_toml(v: toml::Value) -> Val {
        use toml::Value as T;
        match v {
            T::String(s) => Val::Str(s),
            T::Integer(i) => Val::Num(i.to_string()),
            T::Float(f) => Val::Num(f.to_string()),
            T::Boolean(b) => Val::Bool(b),
            T::Datetime(d) => Val::Date(d.to_string()),
            T::Array(items) => Val::List(items.into_iter().map(Val::from_toml).collect()),
            T::Table(t) => Val::Map(t.into_iter().map(|(k, v)| (k, Val::from_toml(v))).collect()),
        }
    }
}

fn yaml_key(k: serde_yaml::Value) -> String {
    match Val::from_yaml(k) {
        Val::Str(s) | Val::Num(s) => s,
        Val::Bool(b) => b.to_string(),
        _ => "?".into(),
    }
}

/// A page's front matter and body.
#[derive(Debug)]
pub(crate) struct Page {
    /// `yaml`, `toml` or `none`.
    pub format: &'static str,
    pub fields: Vec<(String, Val)>,
    pub body: String,
    /// Why front matter that was there could not be read.
    pub error: Option<String>,
}

/// Splits and parses a page's front matter (`---` YAML or `+++` TOML).
pub(crate) fn read_page(text: &str) -> Page {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_end = text.find('\n').map_or(text.len(), |i| i + 1);
    let fence = text[..first_end].trim_end();
    if fence != "---" && fence != "+++" {
        return Page {
            format: "none",
            fields: Vec::new(),
            body: text.to_string(),
            error: None,
        };
    }
    let mut offset = first_end;
    let mut close = None;
    for line in text[first_end..].split_inclusive('\n') {
        let t = line.trim_end();
        if t == fence || (fence == "---" && t == "...") {
            close = Some((offset, offset + line.len()));
            break;
        }
        offset += line.len();
    }
    let Some((end, body_start)) = close else {
        return Page {
            format: "none",
            fields: Vec::new(),
            body: text.to_string(),
            error: Some("the front matter is never closed; the file is kept as text".into()),
        };
    };
    let raw = &text[first_end..end];
    let body = text[body_start..].to_string();
    if fence == "+++" {
        return match toml::from_str::<toml::Table>(raw) {
            Ok(t) => Page {
                format: "toml",
                fields: as_written(
                    raw,
                    t.into_iter().map(|(k, v)| (k, Val::from_toml(v))).collect(),
                ),
                body,
                error: None,
            },
            Err(e) => Page {
                format: "toml",
                fields: Vec::new(),
                body,
                error: Some(format!(
                    "the TOML front matter cannot be read ({}); its fields are lost",
                    one_line(&e.to_string())
                )),
            },
        };
    }
    if raw.trim().is_empty() {
        return Page {
            format: "yaml",
            fields: Vec::new(),
            body,
            error: None,
        };
    }
    match serde_yaml::from_str::<serde_yaml::Value>(raw) {
        Ok(serde_yaml::Value::Mapping(m)) => Page {
            format: "yaml",
            fields: as_written(
                raw,
                m.into_iter()
                    .map(|(k, v)| (yaml_key(k), Val::from_yaml(v)))
                    .collect(),
            ),
            body,
            error: None,
        },
        Ok(serde_yaml::Value::Null) => Page {
            format: "yaml",
            fields: Vec::new(),
            body,
            error: None,
        },
        Ok(_) => Page {
            format: "yaml",
            fields: Vec::new(),
            body,
            error: Some("the YAML front matter is not a mapping; its fields are lost".into()),
        },
        Err(e) => Page {
            format: "yaml",
            fields: Vec::new(),
            body,
            error: Some(format!(
                "the YAML front matter cannot be read ({}); its fields are lost",
                one_line(&e.to_string())
            )),
        },
    }
}

fn one_line(s: &str) -> String {
    s.lines().next().unwrap_or("").trim().to_string()
}

/// What the source's configuration says: its style, content folder, title, base path and the
/// titles and order its navigation gives pages (by path relative to the content folder).
#[derive(Debug)]
pub(crate) struct Site {
    pub style: Style,
    /// Relative to the source root; empty for the root itself.
    pub content: String,
    pub title: Option<String>,
    /// The language the site says its pages are in (`ja`, `en-GB`), for the book's `lang`.
    pub language: Option<String>,
    /// URL path prefixes the site is published under (`/handbook`), stripped from links.
    pub bases: Vec<String>,
    pub nav_titles: BTreeMap<String, String>,
    pub nav_order: BTreeMap<String, usize>,
    /// Files that configure the site and are not content (relative to the source root).
    pub config_files: Vec<String>,
    /// Values the site's configuration gives its templates, by the name a page writes
    /// (`site.company` for Jekyll's `company:` in `_config.yml`).
    pub values: BTreeMap<String, String>,
}

/// Top-level numbers as the source wrote them: a parser reads `version: 1.10` as 1.1, and a
/// version must never change on the way in.
fn as_written(raw: &str, mut fields: Vec<(String, Val)>) -> Vec<(String, Val)> {
    for (key, value) in &mut fields {
        let Val::Num(parsed) = value else { continue };
        let written = raw.lines().find_map(|line| {
            let rest = line.strip_prefix(key.as_str())?.trim_start();
            let rest = rest.strip_prefix(':').or_else(|| rest.strip_prefix('='))?;
            let literal = rest.split('#').next()?.trim();
            let numeric = !literal.is_empty()
                && literal
                    .chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | '_' | 'e' | 'E'));
            numeric.then(|| literal.to_string())
        });
        if let Some(written) = written {
            *parsed = written;
        }
    }
    fields
}

fn read(path: &Path) -> Option<String> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() || meta.len() > 4 * 1024 * 1024 {
        return None;
    }
    std::fs::read_to_string(path).ok()
}

fn yaml_map(text: &str) -> Option<Vec<(String, Val)>> {
    match serde_yaml::from_str::<serde_yaml::Value>(text)
        .ok()
        .map(Val::from_yaml)?
    {
        Val::Map(m) => Some(m),
        _ => None,
    }
}

fn get<'a>(map: &'a [(String, Val)], key: &str) -> Option<&'a Val> {
    map.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// The path part of a site URL (`https://x.org/handbook/` -> `/handbook`).
fn url_path(url: &str) -> Option<String> {
    let rest = url
        .split_once("://")
        .map_or(url, |(_, r)| r.split_once('/').map_or("", |x| x.1));
    let p = rest.trim_matches('/');
    (!p.is_empty()).then(|| format!("/{p}"))
}

/// Detects the style of `root` and reads its configuration.
pub(crate) fn detect(root: &Path) -> Site {
    let mut site = Site {
        style: Style::Plain,
        content: String::new(),
        title: None,
        bases: Vec::new(),
        nav_titles: BTreeMap::new(),
        nav_order: BTreeMap::new(),
        language: None,
        config_files: Vec::new(),
        values: BTreeMap::new(),
    };
    let exists = |p: &str| root.join(p).exists();
    if let Some(name) = ["mkdocs.yml", "mkdocs.yaml"]
        .into_iter()
        .find(|p| exists(p))
    {
        site.style = Style::MkDocs;
        site.config_files.push(name.into());
        site.content = "docs".into();
        // mkdocs.yml often holds `!!python/name:` tags: read what can be read.
        if let Some(map) = read(&root.join(name)).and_then(|t| yaml_map(&t)) {
            if let Some(d) = get(&map, "docs_dir").and_then(Val::text) {
                site.content = d.trim_matches('/').to_string();
            }
            site.title = get(&map, "site_name").and_then(Val::text);
            site.language = match get(&map, "theme") {
                Some(Val::Map(theme)) => get(theme, "language").and_then(Val::text),
                _ => None,
            };
            if let Some(b) = get(&map, "site_url")
                .and_then(Val::text)
                .and_then(|u| url_path(&u))
            {
                site.bases.push(b);
            }
            if let Some(nav) = get(&map, "nav") {
                let mut n = 0;
                walk_nav(nav, None, &mut site, &mut n);
            }
        }
        return site;
    }
    if let Some(name) = [
        "docusaurus.config.js",
        "docusaurus.config.ts",
        "docusaurus.config.mjs",
    ]
    .into_iter()
    .find(|p| exists(p))
    {
        site.style = Style::Docusaurus;
        site.config_files.push(name.into());
        for f in ["sidebars.js", "sidebars.ts", "package.json"] {
            if exists(f) {
                site.config_files.push(f.into());
            }
        }
        site.content = if exists("docs") {
            "docs".into()
        } else {
            String::new()
        };
        site.bases.push("/docs".into());
        return site;
    }
    let hugo_config = [
        "hugo.toml",
        "hugo.yaml",
        "hugo.yml",
        "config.toml",
        "config.yaml",
        "config.yml",
    ]
    .into_iter()
    .find(|p| exists(p));
    if hugo_config.is_some() && exists("content") || exists("content/_index.md") {
        site.style = Style::Hugo;
        site.content = "content".into();
        if let Some(name) = hugo_config {
            site.config_files.push(name.into());
            let text = read(&root.join(name)).unwrap_or_default();
            let map = if name.ends_with(".toml") {
                toml::from_str::<toml::Table>(&text)
                    .ok()
                    .map(|t| t.into_iter().map(|(k, v)| (k, Val::from_toml(v))).collect())
            } else {
                yaml_map(&text)
            };
            if let Some(map) = map {
                site.title = get(&map, "title").and_then(Val::text);
                site.language = get(&map, "languageCode")
                    .or_else(|| get(&map, "defaultContentLanguage"))
                    .and_then(Val::text);
                if let Some(b) = get(&map, "baseURL")
                    .and_then(Val::text)
                    .and_then(|u| url_path(&u))
                {
                    site.bases.push(b);
                }
            }
        }
        return site;
    }
    if exists("_config.yml") {
        site.style = Style::Jekyll;
        site.config_files.push("_config.yml".into());
        if let Some(map) = read(&root.join("_config.yml")).and_then(|t| yaml_map(&t)) {
            site.title = get(&map, "title").and_then(Val::text);
            site.language = get(&map, "lang").and_then(Val::text);
            // `{{ site.company }}` in a page reads `company:` of _config.yml.
            for (key, value) in &map {
                let text = match value {
                    Val::Str(t) | Val::Num(t) | Val::Date(t) => Some(t.clone()),
                    Val::Bool(b) => Some(b.to_string()),
                    _ => None,
                };
                if let Some(text) = text {
                    site.values.insert(format!("site.{key}"), text);
                }
            }
            if let Some(b) = get(&map, "baseurl")
                .and_then(Val::text)
                .and_then(|u| url_path(&u))
            {
                site.bases.push(b);
            }
        }
        return site;
    }
    if exists("book.toml") && exists("src/SUMMARY.md") {
        site.style = Style::MdBook;
        site.content = "src".into();
        site.config_files.push("book.toml".into());
        if let Some(t) =
            read(&root.join("book.toml")).and_then(|t| toml::from_str::<toml::Table>(&t).ok())
        {
            let book = |key: &str| {
                t.get("book")
                    .and_then(|b| b.get(key))
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
            };
            site.title = book("title");
            site.language = book("language");
        }
        summary(
            &read(&root.join("src/SUMMARY.md")).unwrap_or_default(),
            &mut site,
        );
        return site;
    }
    if exists("SUMMARY.md") || exists(".gitbook.yaml") {
        site.style = Style::GitBook;
        summary(
            &read(&root.join("SUMMARY.md")).unwrap_or_default(),
            &mut site,
        );
        return site;
    }
    site
}

/// MkDocs `nav:` entries: `- path.md`, `- Title: path.md`, `- Section: [...]`.
fn walk_nav(v: &Val, title: Option<&str>, site: &mut Site, n: &mut usize) {
    match v {
        Val::List(items) => items.iter().for_each(|i| walk_nav(i, None, site, n)),
        Val::Map(m) => m.iter().for_each(|(k, v)| walk_nav(v, Some(k), site, n)),
        Val::Str(path) if !path.contains("://") => {
            let path = path.trim_start_matches("./").to_string();
            if let Some(t) = title {
                site.nav_titles
                    .entry(path.clone())
                    .or_insert_with(|| t.to_string());
            }
            site.nav_order.entry(path).or_insert(*n);
            *n += 1;
        }
        _ => {}
    }
}

/// `- [Title](path.md)` lines of a SUMMARY.md.
fn summary(text: &str, site: &mut Site) {
    let mut n = 0;
    for line in text.lines() {
        let t = line.trim_start().trim_start_matches(['-', '*', ' ']);
        let Some(rest) = t.strip_prefix('[') else {
            continue;
        };
        let Some((title, after)) = rest.split_once("](") else {
            continue;
        };
        let Some((path, _)) = after.split_once(')') else {
            continue;
        };
        let path = path.trim().trim_start_matches("./");
        if path.is_empty() || path.contains("://") {
            continue;
        }
        site.nav_titles
            .entry(path.to_string())
            .or_insert_with(|| title.to_string());
        site.nav_order.entry(path.to_string()).or_insert(n);
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_the_text_they_were_written_in() {
        let fields = vec![
            ("version".to_string(), Val::Num("1.1".into())),
            ("weight".to_string(), Val::Num("3".into())),
        ];
        let kept = as_written(
            "title: x\nversion: 1.10  # major.minor\nweight: 3\n",
            fields,
        );
        assert_eq!(kept[0].1, Val::Num("1.10".into()));
        let toml = as_written(
            "version = 2.50\n",
            vec![("version".into(), Val::Num("2.5".into()))],
        );
        assert_eq!(toml[0].1, Val::Num("2.50".into()));
    }

    #[test]
    fn reads_yaml_toml_and_none() {
        let p = read_page("---\ntitle: A\nversion: 1.10\n---\nBody\n");
        assert_eq!(p.format, "yaml");
        assert_eq!(p.fields[0], ("title".into(), Val::Str("A".into())));
        assert_eq!(p.body, "Body\n");
        let p = read_page("+++\ntitle = \"B\"\ndate = 2024-01-02\n+++\nBody\n");
        assert_eq!(p.format, "toml");
        assert_eq!(p.fields[0].1, Val::Date("2024-01-02".into()));
        let p = read_page("# Just text\n");
        assert_eq!(p.format, "none");
        let p = read_page("---\n: : :\n  - [\n---\nx\n");
        assert!(p.error.is_some());
    }
}
