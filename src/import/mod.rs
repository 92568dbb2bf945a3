//! `policybook import`: a folder of Markdown written for Hugo, MkDocs, Docusaurus, Jekyll,
//! mdBook, GitBook (or for nothing in particular) turned into a new book, with a report of
//! every decision.
//!
//! [`plan`] reads the source (never writing to it) and returns every file of the new book in
//! memory with the [`Report`]; [`write()`] puts them into an empty folder. The same source always
//! gives the same bytes: files are processed in sorted order and nothing records a time.

pub mod body;
pub mod fields;
pub mod report;
pub mod source;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::Serialize;

use crate::catalog::Catalog;
use crate::load::is_markdown;
use crate::paths::slash;
use source::{Site, Style};

/// Largest source file read.
const MAX_FILE: u64 = 10 * 1024 * 1024;

/// What to import, and the extra mappings file.
#[derive(Debug, Clone)]
pub struct Options {
    pub src: PathBuf,
    pub mapping: Option<PathBuf>,
}

/// The new book, in memory.
#[derive(Debug)]
pub struct Plan {
    /// `(path in the new book, bytes)`, sorted by path.
    pub files: Vec<(String, Vec<u8>)>,
    pub report: Report,
}

/// Everything `IMPORT-REPORT.md` and `--format json` say.
#[derive(Debug, Serialize)]
pub struct Report {
    pub source: String,
    pub style: String,
    pub content_folder: String,
    pub rules: Vec<String>,
    pub documents: Vec<DocReport>,
    pub files: Vec<FileNote>,
    pub variables: Vec<VariableNote>,
    pub mappings_file: Vec<String>,
    pub warnings: Vec<String>,
}

/// One source file that is not a document, and what became of it.
#[derive(Debug, Serialize)]
pub struct FileNote {
    pub path: String,
    pub decision: String,
}

/// A `{{name}}` placeholder put into `[variables]`.
#[derive(Debug, Serialize)]
pub struct VariableNote {
    pub name: String,
    pub value: String,
    pub documents: Vec<String>,
}

/// One document: every field with where it came from.
#[derive(Debug, Default, Serialize)]
pub struct DocReport {
    pub source: String,
    pub output: String,
    pub front_matter: String,
    pub id: String,
    pub id_from: String,
    pub title: String,
    pub title_from: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub type_from: String,
    pub status: String,
    pub status_from: String,
    pub owner: String,
    pub owner_from: String,
    pub fields: Vec<String>,
    pub clauses: Vec<String>,
    pub controls: Vec<String>,
    pub mapping_notes: Vec<String>,
    pub extra_keys: Vec<String>,
    pub dropped_keys: Vec<String>,
    /// How a Word or OpenDocument file became Markdown; empty for Markdown sources.
    pub converted: String,
    /// Images taken out of a Word or OpenDocument file, as paths in the new book.
    pub media_extracted: Vec<String>,
    pub shortcodes_converted: BTreeMap<String, usize>,
    pub shortcodes_left: BTreeMap<String, usize>,
    pub templates_left: BTreeMap<String, usize>,
    pub links_rewritten: Vec<String>,
    pub links_outside: Vec<String>,
    pub warnings: Vec<String>,
}

/// A page read from the source, before its body is rewritten.
struct Source {
    /// Relative to the content folder, `/`-separated.
    rel: String,
    /// Path in the new book's content folder.
    out: String,
    page: source::Page,
    fields: fields::Derived,
    report: DocReport,
}

fn is_office(name: &str) -> bool {
    let l = name.to_ascii_lowercase();
    l.ends_with(".docx") || l.ends_with(".odt")
}

/// Metadata of a site generator that is no page and no attachment.
fn is_site_metadata(name: &str) -> bool {
    matches!(
        name,
        "_category_.json" | "_category_.yml" | "_category_.yaml" | ".pages" | "SUMMARY.md"
    )
}

/// Jekyll's folders that hold templates and generated output, not content.
const JEKYLL_SKIP: &[&str] = &[
    "_site",
    "_layouts",
    "_includes",
    "_sass",
    "_data",
    "_plugins",
    "vendor",
];
const ALWAYS_SKIP: &[&str] = &[
    "node_modules",
    "public",
    "resources",
    "themes",
    "book",
    "site",
];

/// Reads `options.src` and plans the new book.
pub fn plan(options: &Options) -> anyhow::Result<Plan> {
    let src = &options.src;
    if !src.is_dir() {
        anyhow::bail!("{} is not a folder", src.display());
    }
    let site = source::detect(src);
    let content_root = if site.content.is_empty() {
        src.clone()
    } else {
        src.join(&site.content)
    };
    let catalog = Catalog::iso27001_2022();
    let mut report = Report {
        source: src
            .canonicalize()
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| src.display().to_string()),
        style: site.style.as_str().into(),
        content_folder: if site.content.is_empty() {
            ".".into()
        } else {
            site.content.clone()
        },
        rules: fields::RULES.iter().map(|s| s.to_string()).collect(),
        documents: Vec::new(),
        files: Vec::new(),
        variables: Vec::new(),
        mappings_file: Vec::new(),
        warnings: Vec::new(),
    };

    // Every file of the source, sorted, each with a decision.
    let mut pages: Vec<(String, String, String)> = Vec::new(); // (rel, out, text)
    let mut attachments: Vec<(String, PathBuf)> = Vec::new();
    // Word and OpenDocument files converted, by path in the content folder.
    let mut conversions: BTreeMap<String, Converted> = BTreeMap::new();
    let walker = walkdir::WalkDir::new(src)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    let mut skipped_dirs: Vec<String> = Vec::new();
    let mut walker = walker;
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                report
                    .warnings
                    .push(format!("could not read part of the source: {e}"));
                continue;
            }
        };
        if entry.depth() == 0 {
            continue;
        }
        let rel_src = slash(entry.path().strip_prefix(src).unwrap_or(entry.path()));
        let name = entry.file_name().to_string_lossy().into_owned();
        let in_content = entry.path().starts_with(&content_root);
        if entry.file_type().is_dir() {
            let skip = ALWAYS_SKIP.contains(&name.as_str()) && entry.depth() == 1 && !in_content
                || (site.style == Style::Jekyll && JEKYLL_SKIP.contains(&name.as_str()))
                || (!in_content && !content_root.starts_with(entry.path()));
            if skip {
                skipped_dirs.push(rel_src.clone());
                report.files.push(FileNote {
                    path: format!("{rel_src}/"),
                    decision: "skipped: not content (site templates, output, dependencies or files outside the content folder)".into(),
                });
                walker.skip_current_dir();
            }
            continue;
        }
        let note = |d: &str| FileNote {
            path: rel_src.clone(),
            decision: d.to_string(),
        };
        if entry.path_is_symlink() {
            report
                .files
                .push(note("skipped: a symbolic link is not followed"));
            continue;
        }
        if !entry.file_type().is_file() {
            report.files.push(note("skipped: not a regular file"));
            continue;
        }
        if crate::load::is_editor_leftover(&name) {
            report
                .files
                .push(note("skipped: an editor or system leftover"));
            continue;
        }
        if !in_content {
            let what = if site.config_files.contains(&rel_src) {
                "skipped: site configuration, read for titles, order and base path"
            } else {
                "skipped: outside the content folder"
            };
            report.files.push(note(what));
            continue;
        }
        let rel = slash(
            entry
                .path()
                .strip_prefix(&content_root)
                .unwrap_or(entry.path()),
        );
        if is_site_metadata(&name)
            || (site.style == Style::Jekyll && ["Gemfile", "Gemfile.lock"].contains(&name.as_str()))
        {
            report.files.push(note(
                "skipped: navigation metadata of the site generator, not a page",
            ));
            continue;
        }
        let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
        if is_markdown(Path::new(&name)) || is_office(&name) {
            if size > MAX_FILE {
                report.files.push(note("skipped: larger than 10 MiB"));
                continue;
            }
            let out = if is_office(&name) {
                let stem = rel.rsplit_once('.').map_or(rel.as_str(), |x| x.0);
                format!("{stem}.md")
            } else {
                rel.clone()
            };
            let text = if is_office(&name) {
                let file_stem = name.rsplit_once('.').map_or(name.as_str(), |x| x.0);
                match pandoc(entry.path(), &format!("{file_stem}-media")) {
                    Ok(c) => {
                        let text = c.text.clone();
                        conversions.insert(rel.clone(), c);
                        text
                    }
                    Err(why) => {
                        report.warnings.push(format!("{rel_src}: {why}"));
                        report.files.push(note(&format!("not imported: {why}")));
                        continue;
                    }
                }
            } else {
                match std::fs::read(entry.path()) {
                    Ok(bytes) => match String::from_utf8(bytes) {
                        Ok(t) => t,
                        Err(_) => {
                            report.files.push(note("skipped: not UTF-8 text"));
                            continue;
                        }
                    },
                    Err(e) => {
                        report
                            .files
                            .push(note(&format!("skipped: unreadable ({e})")));
                        continue;
                    }
                }
            };
            pages.push((rel, out, text));
        } else {
            attachments.push((rel, entry.path().to_path_buf()));
        }
    }
    // A .docx beside a .md of the same name would collide: the Markdown wins.
    let mut outs = BTreeSet::new();
    pages.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    pages.retain(|(rel, out, _)| {
        if outs.insert(out.to_ascii_lowercase()) {
            true
        } else {
            report.files.push(FileNote {
                path: rel.clone(),
                decision: format!("skipped: another page is already imported as content/{out}"),
            });
            false
        }
    });

    // Front matter: derived fields, ids made unique in sorted order.
    let mut sources: Vec<Source> = pages
        .into_iter()
        .map(|(rel, out, text)| {
            let page = source::read_page(&text);
            let derived = fields::derive(&rel, &page, &site, &catalog);
            Source {
                rel,
                out,
                page,
                fields: derived,
                report: DocReport::default(),
            }
        })
        .collect();
    fields::assign_ids(sources.iter_mut().map(|s| &mut s.fields), &catalog);

    // Where each page was published, to rewrite site-absolute links.
    let mut urls: BTreeMap<String, usize> = BTreeMap::new();
    for (i, s) in sources.iter().enumerate() {
        for key in fields::url_keys(&s.rel, &s.page.fields, site.style) {
            urls.entry(key).or_insert(i);
        }
    }
    let mut attachment_set: BTreeSet<String> = attachments.iter().map(|a| a.0.clone()).collect();
    let out_set: BTreeSet<String> = sources.iter().map(|s| s.out.clone()).collect();

    // Images extracted from converted files, beside their documents; a file of the source at
    // the same path wins.
    let mut extracted: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut media_notes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut media_files: Vec<(String, Vec<u8>)> = Vec::new();
    for s in &sources {
        let Some(c) = conversions.get_mut(&s.rel) else {
            continue;
        };
        let dir = s.out.rsplit_once('/').map_or("", |x| x.0);
        for (media_rel, bytes) in std::mem::take(&mut c.media) {
            let path = join(dir, &media_rel);
            if attachment_set.contains(&path) || out_set.contains(&path) {
                media_notes.entry(s.rel.clone()).or_default().push(format!(
                    "the image {media_rel} of the converted file is not written: the source already has content/{path}"
                ));
                continue;
            }
            attachment_set.insert(path.clone());
            extracted
                .entry(s.rel.clone())
                .or_default()
                .push(format!("content/{path}"));
            media_files.push((format!("content/{path}"), bytes));
        }
    }

    // Bodies.
    let mut variables: BTreeMap<String, (String, BTreeSet<String>)> = BTreeMap::new();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let outs: Vec<String> = sources.iter().map(|s| s.out.clone()).collect();
    for s in sources.iter_mut() {
        let mut body = s.page.body.clone();
        if s.fields.title_from == "the first H1 of the body" {
            if let Some((_, range)) = body::first_h1(&body) {
                body.replace_range(range, "");
            }
        }
        let from_dir = s.out.rsplit_once('/').map_or("", |x| x.0).to_string();
        let rel_dir = s.rel.rsplit_once('/').map_or("", |x| x.0).to_string();
        let resolve_ref = |arg: &str| -> Option<String> {
            let (path, anchor) = split_anchor(arg);
            let target = resolve_ref(path, &rel_dir, &outs, &sources_rels(&outs))?;
            Some(format!("{}{anchor}", relative(&from_dir, &target)))
        };
        let mut conv = body::Conversion::default();
        body = body::convert_admonitions(&body, &mut conv);
        body = body::convert_shortcodes(&body, &resolve_ref, &mut conv);
        if site.style == source::Style::Jekyll {
            body = body::without_base_url(&body);
        }
        let mut rep = DocReport {
            shortcodes_converted: conv.converted,
            shortcodes_left: conv.left,
            ..DocReport::default()
        };
        for r in conv.unresolved_refs {
            rep.links_outside.push(format!(
                "{{{{< ref \"{r}\" >}}}}: no imported page has this path; left as written"
            ));
        }
        // Links.
        let mut edits = Vec::new();
        let page_url = fields::page_url(&s.rel, site.style);
        for (range, url) in body::link_destinations(&body) {
            if url.starts_with('#')
                || url.contains("://")
                || url.starts_with("mailto:")
                || url.starts_with("tel:")
                || url.starts_with("//")
            {
                continue;
            }
            let (path, anchor) = split_anchor(&url);
            if path.is_empty() {
                continue;
            }
            let decoded = percent_encoding::percent_decode_str(path)
                .decode_utf8_lossy()
                .into_owned();
            if !path.starts_with('/') {
                // A relative link that already reaches a file of the new book stays.
                let joined = normalize(&format!("{rel_dir}/{decoded}"));
                let reaches = joined.as_deref().is_some_and(|j| {
                    let j = j.trim_end_matches('/');
                    attachment_set.contains(j)
                        || out_set.contains(j)
                        || ["_index.md", "index.md", "README.md"]
                            .iter()
                            .any(|x| out_set.contains(&join(j, x)))
                });
                if reaches {
                    continue;
                }
            }
            let key = if path.starts_with('/') {
                decoded.clone()
            } else {
                format!("{page_url}{decoded}")
            };
            let found = lookup(&urls, &key, &site);
            match found {
                Some(j) => {
                    let target = relative(&from_dir, &outs[j]);
                    let target = if target.contains(' ') {
                        format!("<{target}>")
                    } else {
                        target
                    };
                    rep.links_rewritten
                        .push(format!("{url} -> {target}{anchor}"));
                    edits.push((range, format!("{target}{anchor}")));
                }
                None if path.starts_with('/') => {
                    rep.links_outside.push(format!(
                        "{url}: no imported page is published there; left as written"
                    ));
                }
                None => {
                    let exists = normalize(&format!("{rel_dir}/{decoded}"))
                        .is_some_and(|j| attachment_set.contains(&j) || out_set.contains(&j));
                    if !exists {
                        rep.links_outside
                            .push(format!("{url}: reaches no imported file; left as written"));
                    }
                }
            }
        }
        body = body::splice(&body, &edits);
        rep.templates_left = body::template_tags(&body);
        for (name, tag) in body::placeholders(&body) {
            let entry = variables
                .entry(name)
                .or_insert_with(|| (tag, BTreeSet::new()));
            entry.1.insert(s.fields.id.clone());
        }
        let text = format!("---\n{}---\n{}", s.fields.yaml(), body);
        files.push((format!("content/{}", s.out), text.into_bytes()));
        rep.source = if site.content.is_empty() {
            s.rel.clone()
        } else {
            format!("{}/{}", site.content, s.rel)
        };
        rep.output = format!("content/{}", s.out);
        rep.front_matter = match &s.page.error {
            Some(e) => {
                rep.warnings.push(e.clone());
                format!("{} (unreadable)", s.page.format)
            }
            None => s.page.format.to_string(),
        };
        if let Some(c) = conversions.get(&s.rel) {
            rep.converted = c.note.clone();
            rep.media_extracted = extracted.remove(&s.rel).unwrap_or_default();
            rep.warnings
                .extend(media_notes.remove(&s.rel).unwrap_or_default());
        }
        s.report = rep;
    }

    // Mappings from --mapping.
    if let Some(path) = &options.mapping {
        report::apply_mapping_file(
            path,
            &mut sources_view(&mut sources),
            &catalog,
            &mut report.mappings_file,
        )?;
        // The front matter of mapped documents changes: write them again.
        for (i, s) in sources.iter().enumerate() {
            if s.fields.mapped_from_file {
                let text = String::from_utf8_lossy(&files[i].1).into_owned();
                let body_at = text[4..].find("\n---\n").map_or(text.len(), |x| x + 4 + 5);
                files[i].1 =
                    format!("---\n{}---\n{}", s.fields.yaml(), &text[body_at..]).into_bytes();
            }
        }
    }
    for s in &mut sources {
        s.fields.fill_report(&mut s.report);
    }

    // Attachments, beside their pages.
    for (rel, path) in &attachments {
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        files.push((format!("content/{rel}"), bytes));
        report.files.push(FileNote {
            path: if site.content.is_empty() {
                rel.clone()
            } else {
                format!("{}/{rel}", site.content)
            },
            decision: format!("copied to content/{rel}"),
        });
    }

    files.extend(media_files);

    // Variables: the site's configuration gives a value where it has one (Jekyll's
    // `_config.yml`); other organisation placeholders become TODO; other site-template names
    // keep their text.
    let organisation: Vec<&String> = variables
        .keys()
        .filter(|n| site.values.contains_key(*n) || !body::is_site_template_name(n))
        .collect();
    let mut toml_vars = String::new();
    if !organisation.is_empty() {
        toml_vars
            .push_str("\n# Placeholders found in the bodies: fill in each value.\n[variables]\n");
        for (name, (tag, docs)) in &variables {
            let value = if let Some(configured) = site.values.get(name) {
                configured.clone()
            } else if body::is_site_template_name(name) {
                tag.clone()
            } else {
                "TODO".into()
            };
            toml_vars.push_str(&format!("{} = {}\n", toml_str(name), toml_str(&value)));
            report.variables.push(VariableNote {
                name: name.clone(),
                value,
                documents: docs.iter().cloned().collect(),
            });
        }
    }
    let title = site.title.clone().unwrap_or_else(|| report.source.clone());
    // A language tag only (`ja`, `en-GB`): it becomes every page's `lang`.
    let language = site
        .language
        .as_deref()
        .filter(|l| {
            !l.is_empty()
                && l.len() <= 35
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        .map(|l| format!("language = {}\n", toml_str(l)))
        .unwrap_or_default();
    let book_toml = format!(
        "[book]\ntitle = {}\ndescription = {}\n{language}\n[build]\ncontent-dir = \"content\"\noutput-dir = \"book\"\n{toml_vars}",
        toml_str(&title),
        toml_str(&format!("Imported from {} ({}) by policybook import; see IMPORT-REPORT.md.", report.source, site.style.as_str())),
    );
    files.push(("book.toml".into(), book_toml.into_bytes()));
    files.push((".gitignore".into(), b"/book\n".to_vec()));

    report.documents = sources.into_iter().map(|s| s.report).collect();
    report.documents.sort_by(|a, b| a.source.cmp(&b.source));
    report.files.sort_by(|a, b| a.path.cmp(&b.path));
    files.push((
        "IMPORT-REPORT.md".into(),
        report::markdown(&report).into_bytes(),
    ));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let _ = skipped_dirs;
    Ok(Plan { files, report })
}

fn sources_rels(outs: &[String]) -> Vec<String> {
    outs.to_vec()
}

fn sources_view(sources: &mut [Source]) -> Vec<&mut fields::Derived> {
    sources.iter_mut().map(|s| &mut s.fields).collect()
}

/// `path#anchor` -> (`path`, `#anchor`); a query is dropped with the path.
fn split_anchor(url: &str) -> (&str, &str) {
    let (path, anchor) = match url.find('#') {
        Some(i) => (&url[..i], &url[i..]),
        None => (url, ""),
    };
    let path = path.split('?').next().unwrap_or(path);
    (path, anchor)
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// Resolves `.` and `..` in a `/`-separated path; `None` when it leaves the root.
fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// A relative link from folder `from_dir` to file `to` (both relative to the content folder).
pub fn relative(from_dir: &str, to: &str) -> String {
    let from: Vec<&str> = from_dir.split('/').filter(|p| !p.is_empty()).collect();
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = "../".repeat(from.len() - common);
    out.push_str(&to_parts[common.min(to_parts.len())..].join("/"));
    out
}

/// Finds the page a site URL (or a path relative to a page's URL) names.
fn lookup(urls: &BTreeMap<String, usize>, url: &str, site: &Site) -> Option<usize> {
    let mut candidates = vec![url.to_string()];
    for base in &site.bases {
        if let Some(rest) = url.strip_prefix(base.as_str()) {
            candidates.push(rest.to_string());
        }
    }
    candidates
        .iter()
        .filter_map(|c| normalize(c))
        .map(|c| fields::url_key(&c))
        .find_map(|k| urls.get(&k).copied())
}

/// Hugo's `ref` argument: a path from the content folder, from the page's folder, or a file
/// name found once in the set.
fn resolve_ref(path: &str, rel_dir: &str, _outs: &[String], all: &[String]) -> Option<String> {
    let path = path.trim();
    if path.is_empty() {
        return None;
    }
    let bases: Vec<String> = if let Some(abs) = path.strip_prefix('/') {
        vec![abs.to_string()]
    } else {
        vec![join(rel_dir, path), path.to_string()]
    };
    for b in &bases {
        let Some(b) = normalize(b) else { continue };
        let b = b.trim_end_matches('/').to_string();
        for cand in [
            b.clone(),
            format!("{b}.md"),
            join(&b, "_index.md"),
            join(&b, "index.md"),
        ] {
            if all.contains(&cand) {
                return Some(cand);
            }
        }
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    let name_md = if is_markdown(Path::new(name)) {
        name.to_string()
    } else {
        format!("{name}.md")
    };
    let found: Vec<&String> = all
        .iter()
        .filter(|o| o.rsplit('/').next() == Some(name_md.as_str()))
        .collect();
    (found.len() == 1).then(|| found[0].clone())
}

/// A TOML basic string, which is also a YAML double-quoted string (the same escapes; a byte
/// order mark escaped too, so no editor takes it for one).
pub fn toml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' || c == '\u{feff}' => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A Word or OpenDocument file converted to Markdown.
#[derive(Debug)]
struct Converted {
    /// GitHub-flavoured Markdown, with the file's metadata (title, author...) as YAML front
    /// matter.
    text: String,
    /// The images it holds, by path relative to the document's folder.
    media: Vec<(String, Vec<u8>)>,
    /// The report's line.
    note: String,
}

/// Converts a Word or OpenDocument file with pandoc, extracting its images into a private
/// temporary folder (never beside the source) under `media_dir`, the folder name the links use.
fn pandoc(path: &Path, media_dir: &str) -> Result<Converted, String> {
    let abs = path
        .canonicalize()
        .map_err(|e| format!("unreadable ({e})"))?;
    let tmp = tempfile::tempdir()
        .map_err(|e| format!("no temporary folder for pandoc's images ({e})"))?;
    let out = std::process::Command::new("pandoc")
        .args(["-t", "gfm+yaml_metadata_block", "-s", "--wrap=preserve"])
        .arg(format!("--extract-media={media_dir}"))
        .arg(&abs)
        .current_dir(tmp.path())
        .stdin(std::process::Stdio::null())
        .output();
    let text = match out {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(
            "needs pandoc to convert Word and OpenDocument files: install the Debian package `pandoc` (apt-get install pandoc) and import again".into(),
        ),
        Err(e) => return Err(format!("pandoc could not be run ({e})")),
        Ok(o) if !o.status.success() => return Err(format!(
            "pandoc could not convert it: {}",
            String::from_utf8_lossy(&o.stderr).lines().next().unwrap_or("").trim()
        )),
        Ok(o) => String::from_utf8_lossy(&o.stdout).into_owned(),
    };
    let text = markdown_images(&text, media_dir);
    let mut media = Vec::new();
    let root = tmp.path().join(media_dir);
    if root.is_dir() {
        for entry in walkdir::WalkDir::new(&root).sort_by_file_name() {
            let entry = entry.map_err(|e| format!("pandoc's images cannot be read ({e})"))?;
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = slash(
                entry
                    .path()
                    .strip_prefix(tmp.path())
                    .unwrap_or(entry.path()),
            );
            let bytes = std::fs::read(entry.path())
                .map_err(|e| format!("pandoc's image {rel} cannot be read ({e})"))?;
            media.push((rel, bytes));
        }
    }
    let kind = if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("odt"))
    {
        "an OpenDocument text"
    } else {
        "a Word document"
    };
    let images = match media.len() {
        0 => String::new(),
        1 => format!("; 1 image extracted into `{media_dir}/`"),
        n => format!("; {n} images extracted into `{media_dir}/`"),
    };
    Ok(Converted {
        text,
        media,
        note: format!("from {kind} with `pandoc -t gfm`{images}"),
    })
}

/// pandoc writes an image with a size as an HTML `<img>`, which policybook shows as text:
/// those pointing into `media_dir/` become Markdown images (the size is dropped).
fn markdown_images(text: &str, media_dir: &str) -> String {
    fn attr(tag: &str, name: &str) -> Option<String> {
        let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        let end = tag[at..].find('"')? + at;
        Some(
            tag[at..end]
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&"),
        )
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("<img ") {
        let Some(len) = rest[start..].find('>') else {
            break;
        };
        let tag = &rest[start..start + len + 1];
        out.push_str(&rest[..start]);
        match attr(tag, "src").filter(|s| s.starts_with(&format!("{media_dir}/"))) {
            Some(src) if !src.contains([' ', '(', ')', '<', '>']) => {
                let alt: String = attr(tag, "alt")
                    .unwrap_or_default()
                    .chars()
                    .map(|c| {
                        if matches!(c, '[' | ']' | '\n') {
                            ' '
                        } else {
                            c
                        }
                    })
                    .collect();
                out.push_str(&format!("![{alt}]({src})"));
            }
            _ => out.push_str(tag),
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    out
}

/// Writes a plan into `dest`, which must be empty or missing and outside `src`.
pub fn write(plan: &Plan, src: &Path, dest: &Path) -> anyhow::Result<()> {
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
pub fn check_dest(src: &Path, dest: &Path) -> anyhow::Result<()> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links_between_files() {
        assert_eq!(relative("a/b", "a/c/d.md"), "../c/d.md");
        assert_eq!(relative("", "x.md"), "x.md");
        assert_eq!(relative("a", "a/x.md"), "x.md");
        assert_eq!(relative("a/b", "x.md"), "../../x.md");
    }

    #[test]
    fn pandoc_images_become_markdown() {
        assert_eq!(
            markdown_images(
                "a <img src=\"p-media/media/i.png\" style=\"width:1in\" alt=\"A &amp; [b]\" /> <img src=\"x.png\" />",
                "p-media"
            ),
            "a ![A &  b ](p-media/media/i.png) <img src=\"x.png\" />"
        );
    }

    #[test]
    fn paths_normalize() {
        assert_eq!(normalize("a/./b/../c").as_deref(), Some("a/c"));
        assert_eq!(normalize("../x"), None);
    }
}
