//! `policybook import`: a folder of Markdown written for Hugo, MkDocs, Docusaurus, Jekyll,
//! mdBook, GitBook (or for nothing in particular) turned into a new book, with a report of
//! every decision.
//!
//! [`plan`] reads the source (never writing to it) and returns every file of the new book in
//! memory with the [`Report`]; [`write()`] puts them into an empty folder. The same source always
//! gives the same bytes: files are processed in sorted order and nothing records a time.
//!
//! This file is the driver, one step after another; each step is a module of its own, and the
//! modules depend on one another in one direction only, towards `source` and `report`.

mod admonitions;
pub(crate) mod body;
mod book;
mod book_toml;
mod derive;
pub(crate) mod fields;
mod ids;
mod links;
mod mappings;
mod office;
mod quote;
pub(crate) mod report;
mod shortcodes;
pub(crate) mod source;
mod templates;
mod vocabulary;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::catalog::Catalog;
use crate::load::is_markdown;
use crate::paths::slash;
use links::{join, lookup, normalize, relative, resolve_ref, split_anchor};
use source::Style;

pub(crate) use book::{check_dest, write, Plan};
pub(crate) use report::{DocReport, FileNote, Report};

/// Largest source file read.
const MAX_FILE: u64 = 10 * 1024 * 1024;

/// What to import, and the extra mappings file.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    pub src: PathBuf,
    pub mapping: Option<PathBuf>,
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
pub(crate) fn plan(options: &Options) -> anyhow::Result<Plan> {
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
        rules: derive::RULES.iter().map(|s| s.to_string()).collect(),
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
    let mut conversions: BTreeMap<String, office::Converted> = BTreeMap::new();
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
                match office::pandoc(entry.path(), &format!("{file_stem}-media")) {
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
            let derived = derive::derive(&rel, &page, &site, &catalog);
            Source {
                rel,
                out,
                page,
                fields: derived,
                report: DocReport::default(),
            }
        })
        .collect();
    ids::assign_ids(sources.iter_mut().map(|s| &mut s.fields), &catalog);

    // Where each page was published, to rewrite site-absolute links.
    let mut urls: BTreeMap<String, usize> = BTreeMap::new();
    for (i, s) in sources.iter().enumerate() {
        for key in links::url_keys(&s.rel, &s.page.fields, site.style) {
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
        body = admonitions::convert_admonitions(&body, &mut conv);
        body = shortcodes::convert_shortcodes(&body, &resolve_ref, &mut conv);
        if site.style == source::Style::Jekyll {
            body = templates::without_base_url(&body);
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
        let page_url = links::page_url(&s.rel, site.style);
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
        rep.templates_left = templates::template_tags(&body);
        for (name, tag) in templates::placeholders(&body) {
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
        mappings::apply_mapping_file(
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

    let book_toml = book_toml::book_toml(&site, &variables, &mut report);
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
