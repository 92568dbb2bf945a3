//! Reading `book.toml`: the file into [`BookSettings`] and everything deserializing cannot
//! check (files exist, addresses are addresses, names are names) into diagnostics. Kept
//! apart from the schema because this is where a book's mistakes are found and explained.

use std::path::{Path, PathBuf};

use crate::diagnostic::Code;
use crate::diagnostic::{unknown_field_hint, Diagnostic, FileId, Sources, Span};
use crate::strings::{self as words, Strings};
use crate::variables;

use super::mdbook::{mdbook_names, unused};
use super::{BookSettings, Config, CONFIG_FILE};

/// Reads `book.toml` from `root` (defaults when there is none).
///
/// `Err` is an I/O failure; problems with the file's content come back as diagnostics.
pub(crate) fn load(
    root: &Path,
    sources: &mut Sources,
) -> anyhow::Result<(BookSettings, Vec<Diagnostic>)> {
    let path = root.join(CONFIG_FILE);
    let default_title = root
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "ISMS".into());
    if !path.exists() {
        let mut config = Config::default();
        config.book.title = default_title;
        let mut settings = BookSettings {
            root: root.to_path_buf(),
            config,
            file: None,
            strings: Strings::default(),
        };
        let diagnostics = strings(&mut settings, sources)?;
        return Ok((settings, diagnostics));
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
        strings: Strings::default(),
    };
    diagnostics.extend(mdbook_names(&mut settings, sources));
    diagnostics.extend(validate(&settings, sources));
    diagnostics.extend(unused(&settings, sources));
    diagnostics.extend(strings(&mut settings, sources)?);
    Ok((settings, diagnostics))
}

/// The book's strings: the built-in table of its language, then the theme's
/// `strings/<lang>.toml`, then `[output.html.strings]`. A language with no table (built in or
/// the theme's) falls back to English with a warning; an id the theme has not is a warning
/// with a did-you-mean. `Err` is a theme file that cannot be read.
fn strings(settings: &mut BookSettings, sources: &mut Sources) -> anyhow::Result<Vec<Diagnostic>> {
    let mut out = Vec::new();
    let tag = settings.config.book.language.clone();
    let code = words::primary(&tag);
    let mut strings = Strings::for_language(&tag);
    let theme_file = settings
        .theme_dir()
        .map(|dir| dir.join("strings").join(format!("{code}.toml")))
        .filter(|p| !code.is_empty() && p.is_file());
    if !words::is_builtin(&tag) && theme_file.is_none() {
        out.push(
            Diagnostic::warning(
                Code::UnknownLanguage,
                format!("policybook has no words for the language `{tag}`: the theme's words are in English"),
            )
            .at_opt(settings.table_key_span(sources, Some("book"), "language"))
            .hint(format!(
                "the built-in languages are {}; or translate the theme's words in `themes/<name>/strings/{code}.toml`",
                words::builtin_languages().join(", ")
            )),
        );
    }
    let ids = words::ids();
    let apply = |strings: &mut Strings,
                 table: &toml::Table,
                 span: &dyn Fn(&str) -> Option<Span>,
                 out: &mut Vec<Diagnostic>| {
        let (values, bad) = words::flatten(table);
        for id in bad {
            out.push(
                Diagnostic::warning(
                    Code::ConfigInvalid,
                    format!("the string `{id}` is not text"),
                )
                .at_opt(span(&id))
                .hint("write the value in quotes: `id = \"...\"`"),
            );
        }
        for (id, value) in values {
            if !strings.set(&id, &value) {
                let hint = match crate::diagnostic::did_you_mean(&id, ids.iter().map(String::as_str)) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => "the ids are those of the built-in table (src/strings/en.toml in policybook's repository)".into(),
                };
                out.push(
                    Diagnostic::warning(
                        Code::UnknownString,
                        format!("the theme has no string `{id}`"),
                    )
                    .at_opt(span(&id))
                    .hint(hint),
                );
            }
        }
    };
    if let Some(path) = theme_file {
        let text = std::fs::read(&path)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
        let (text, _) = crate::text::decode(text);
        let rel = path
            .strip_prefix(&settings.root)
            .unwrap_or(&path)
            .to_path_buf();
        let file = sources.add(rel, text);
        match toml::from_str::<toml::Table>(sources.text(file)) {
            Ok(table) => {
                let span = |id: &str| key_in(sources, file, id);
                apply(&mut strings, &table, &span, &mut out);
            }
            Err(e) => out.push(
                Diagnostic::error(
                    Code::ConfigInvalid,
                    format!("{}: {}", display(sources, file), e.message().trim()),
                )
                .at(Span {
                    file,
                    range: e.span().unwrap_or(0..0),
                })
                .hint("a strings file is TOML: `[nav]` then `documents = \"...\"`"),
            ),
        }
    }
    let table = std::mem::take(&mut settings.config.output.html.strings);
    let span = |id: &str| {
        let (table, key) = match id.rsplit_once('.') {
            Some((group, key)) => (format!("output.html.strings.{group}"), key),
            None => ("output.html.strings".to_string(), id),
        };
        settings
            .table_key_span(sources, Some(&table), key)
            .or_else(|| settings.table_key_span(sources, Some("output.html.strings"), id))
    };
    apply(&mut strings, &table, &span, &mut out);
    settings.config.output.html.strings = table;
    settings.strings = strings;
    Ok(out)
}

/// The span of the line that sets `id` (its last part) in a strings file, by its table.
fn key_in(sources: &Sources, file: FileId, id: &str) -> Option<Span> {
    let (group, key) = id.rsplit_once('.').unwrap_or(("", id));
    let text = sources.text(file);
    let mut current = String::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        let start = offset + (line.len() - line.trim_start().len());
        offset += line.len();
        if let Some(h) = t.strip_prefix('[') {
            current = h.trim_end_matches(']').trim().to_string();
            continue;
        }
        let name = t.split('=').next().unwrap_or("").trim().trim_matches('"');
        if t.contains('=')
            && ((current == group && name == key) || (current.is_empty() && name == id))
        {
            return Some(Span {
                file,
                range: start..start + t.len(),
            });
        }
    }
    None
}

fn display(sources: &Sources, file: FileId) -> String {
    crate::diagnostic::display_path(sources.path(file))
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

/// `[classification]` and `[profiles]`: every level named is one of the levels, and each
/// profile's filters name types and audiences that exist.
fn classification(settings: &BookSettings, sources: &Sources) -> Vec<Diagnostic> {
    let c = &settings.config;
    let levels = &c.classification.levels;
    let mut out = Vec::new();
    let listed = levels.join("`, `");
    let level_hint =
        |word: &str| match crate::diagnostic::did_you_mean(word, levels.iter().map(String::as_str))
        {
            Some(best) => format!("did you mean `{best}`? The levels are `{listed}`"),
            None => format!(
                "the levels are `{listed}` (lowest first), from `levels` under [classification]"
            ),
        };
    let empty_or_repeated = levels.is_empty()
        || levels.iter().any(|l| !super::audience_id(l))
        || (1..levels.len()).any(|i| {
            levels[..i]
                .iter()
                .any(|l| l.eq_ignore_ascii_case(&levels[i]))
        });
    if empty_or_repeated {
        out.push(
            Diagnostic::error(
                Code::ConfigInvalid,
                "classification levels must be one or more different words",
            )
            .at_opt(settings.table_key_span(sources, Some("classification"), "levels"))
            .hint("list them lowest first, each of letters, digits, `-` and `_`: `levels = [\"public\", \"internal\", \"confidential\"]`"),
        );
        return out;
    }
    let cl = &c.classification;
    let keys = [
        ("classification", "default", &cl.default),
        ("classification", "registers", &cl.registers),
        (
            "classification",
            "soa-justifications",
            &cl.soa_justifications,
        ),
    ];
    let mut named: Vec<(String, &str, &String)> = keys
        .iter()
        .map(|(t, k, v)| (t.to_string(), *k, *v))
        .collect();
    for (name, p) in &c.profiles {
        if !super::audience_id(name) {
            out.push(
                Diagnostic::error(
                    Code::ConfigInvalid,
                    format!("`{name}` cannot be a profile's name"),
                )
                .at_opt(settings.table_span(sources, &format!("profiles.{name}")))
                .hint("name profiles with letters, digits, `-` and `_`: `[profiles.public]`"),
            );
        }
        if let Some(max) = &p.max_classification {
            named.push((format!("profiles.{name}"), "max-classification", max));
        }
        for (part, filter) in [("include", &p.include), ("exclude", &p.exclude)] {
            let table = format!("profiles.{name}.{part}");
            for t in &filter.types {
                if !crate::document::DocKind::ALL
                    .iter()
                    .any(|k| k.as_str() == t)
                {
                    out.push(
                        Diagnostic::error(Code::ConfigInvalid, format!("`{t}` is not a document type"))
                            .at_opt(settings.table_key_span(sources, Some(&table), "type"))
                            .hint("the types are `policy`, `standard`, `procedure`, `guideline`, `plan` and `record`"),
                    );
                }
            }
            for a in &filter.audience {
                if a != "all" && !c.audiences.contains_key(a) {
                    out.push(
                        Diagnostic::error(
                            Code::ConfigInvalid,
                            format!("`{a}` is not an audience of [audiences]"),
                        )
                        .at_opt(settings.table_key_span(sources, Some(&table), "audience"))
                        .hint("name an audience declared under [audiences], or declare it there"),
                    );
                }
            }
        }
    }
    for (table, key, value) in named {
        if super::level_of(levels, value).is_none() {
            out.push(
                Diagnostic::error(
                    Code::ConfigInvalid,
                    format!("`{value}` is not a classification level"),
                )
                .at_opt(settings.table_key_span(sources, Some(&table), key))
                .hint(level_hint(value)),
            );
        }
    }
    out
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
    for id in c.audiences.keys() {
        if !super::audience_id(id) {
            out.push(
                Diagnostic::error(
                    Code::ConfigInvalid,
                    format!("`{id}` cannot be an audience's id"),
                )
                .at_opt(settings.table_key_span(sources, Some("audiences"), id))
                .hint("write the id with letters, digits, `-` and `_` (it names the reading list's page), and the name as its value: `engineering = \"Engineering\"`"),
            );
        }
    }
    out.extend(classification(settings, sources));
    let scales = &c.registers.scales;
    for (key, words) in [
        ("likelihood", &scales.likelihood),
        ("impact", &scales.impact),
    ] {
        if words
            .as_ref()
            .is_some_and(|w| super::ScalesConfig::scale(w).is_none())
        {
            out.push(
                Diagnostic::error(
                    Code::ConfigInvalid,
                    "a risk scale needs two or more different words",
                )
                .at_opt(settings.table_key_span(sources, Some("registers.scales"), key))
                .hint("list the words from the lowest to the highest"),
            );
        }
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
