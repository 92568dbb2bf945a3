//! `IMPORT-REPORT.md`, and the `--mapping` file.

use std::path::Path;

use anyhow::Context as _;

use super::fields::{parse_ref, Derived};
use super::Report;
use crate::catalog::Catalog;

fn list(out: &mut String, label: &str, items: &[String]) {
    if !items.is_empty() {
        out.push_str(&format!("- {label}:\n"));
        for i in items {
            out.push_str(&format!("  - {}\n", i.replace('\n', " ")));
        }
    }
}

fn counts(out: &mut String, label: &str, items: &std::collections::BTreeMap<String, usize>) {
    if !items.is_empty() {
        let parts: Vec<String> = items.iter().map(|(k, n)| format!("`{k}` × {n}")).collect();
        out.push_str(&format!("- {label}: {}\n", parts.join(", ")));
    }
}

/// The report as Markdown.
pub fn markdown(r: &Report) -> String {
    let mut o = String::new();
    o.push_str(&format!(
        "# Import report\n\nSource: `{}` ({}; pages read from `{}`). {} documents.\n\n",
        r.source,
        r.style,
        r.content_folder,
        r.documents.len()
    ));
    o.push_str("Check the new book with `policybook check`, then review each document's type, status, owner and mappings below.\n\n## Rules\n\n");
    for rule in &r.rules {
        o.push_str(&format!("- {rule}\n"));
    }
    if !r.warnings.is_empty() {
        o.push_str("\n## Warnings\n\n");
        for w in &r.warnings {
            o.push_str(&format!("- {w}\n"));
        }
    }
    o.push_str("\n## Documents\n");
    for d in &r.documents {
        o.push_str(&format!("\n### `{}` -> `{}`\n\n", d.source, d.output));
        if !d.converted.is_empty() {
            o.push_str(&format!("- converted: {}\n", d.converted));
        }
        list(&mut o, "images extracted", &d.media_extracted);
        o.push_str(&format!("- front matter: {}\n", d.front_matter));
        o.push_str(&format!("- id: `{}` (from {})\n", d.id, d.id_from));
        o.push_str(&format!("- title: {} (from {})\n", d.title, d.title_from));
        o.push_str(&format!("- type: {} (from {})\n", d.kind, d.type_from));
        o.push_str(&format!(
            "- status: {} (from {})\n",
            d.status, d.status_from
        ));
        o.push_str(&format!("- owner: {} (from {})\n", d.owner, d.owner_from));
        list(&mut o, "other fields", &d.fields);
        if !d.clauses.is_empty() {
            o.push_str(&format!("- clauses: {}\n", d.clauses.join(", ")));
        }
        if !d.controls.is_empty() {
            o.push_str(&format!("- controls: {}\n", d.controls.join(", ")));
        }
        list(&mut o, "mappings", &d.mapping_notes);
        if !d.extra_keys.is_empty() {
            o.push_str(&format!(
                "- kept under `extra`: {}\n",
                d.extra_keys
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        list(&mut o, "dropped keys", &d.dropped_keys);
        counts(&mut o, "shortcodes converted", &d.shortcodes_converted);
        counts(&mut o, "shortcodes left as written", &d.shortcodes_left);
        counts(&mut o, "template tags left as written", &d.templates_left);
        list(&mut o, "links rewritten", &d.links_rewritten);
        list(&mut o, "links outside the imported set", &d.links_outside);
        list(&mut o, "warnings", &d.warnings);
    }
    if !r.variables.is_empty() {
        o.push_str("\n## Variables\n\nPlaceholders found in the bodies, now in `[variables]` of `book.toml`. `TODO` values are to be filled in; a template tag of the old site keeps its own text as value, so it is shown as written.\n\n");
        for v in &r.variables {
            o.push_str(&format!(
                "- `{}` = `{}` (in {})\n",
                v.name,
                v.value,
                v.documents.join(", ")
            ));
        }
    }
    if !r.mappings_file.is_empty() {
        o.push_str("\n## Mapping file\n\n");
        for m in &r.mappings_file {
            o.push_str(&format!("- {m}\n"));
        }
    }
    o.push_str("\n## Other files\n\n");
    if r.files.is_empty() {
        o.push_str("None.\n");
    }
    for f in &r.files {
        o.push_str(&format!("- `{}`: {}\n", f.path, f.decision));
    }
    o
}

/// Reads `--mapping` (CSV `document,reference` or JSON `{document: [ids]}`) into the pages.
pub fn apply_mapping_file(
    path: &Path,
    pages: &mut [&mut Derived],
    catalog: &Catalog,
    notes: &mut Vec<String>,
) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the mapping file {}", path.display()))?;
    let mut rows: Vec<(String, String)> = Vec::new();
    let json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        || text.trim_start().starts_with('{');
    if json {
        let v: serde_json::Value = serde_json::from_str(&text)
            .with_context(|| format!("{} is not valid JSON", path.display()))?;
        let obj = v.as_object().with_context(|| {
            format!("{}: expected an object {{document: [ids]}}", path.display())
        })?;
        for (doc, ids) in obj {
            let ids: Vec<String> = match ids {
                serde_json::Value::Array(a) => a
                    .iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect(),
                serde_json::Value::String(s) => vec![s.clone()],
                _ => Vec::new(),
            };
            rows.extend(ids.into_iter().map(|i| (doc.clone(), i)));
        }
    } else {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        for (n, rec) in reader.records().enumerate() {
            let rec = rec.with_context(|| format!("{}: unreadable CSV", path.display()))?;
            let (Some(doc), Some(r)) = (rec.get(0), rec.get(1)) else {
                continue;
            };
            if n == 0 && doc.trim().eq_ignore_ascii_case("document") {
                continue;
            }
            rows.push((doc.trim().to_string(), r.trim().to_string()));
        }
    }
    for (doc, reference) in rows {
        let matching: Vec<usize> = pages
            .iter()
            .enumerate()
            .filter(|(_, p)| {
                p.id.eq_ignore_ascii_case(&doc)
                    || p.source_id
                        .as_deref()
                        .is_some_and(|s| s.eq_ignore_ascii_case(&doc))
                    || p.rel == doc.trim_start_matches("./")
                    || p.rel
                        .ends_with(&format!("/{}", doc.trim_start_matches("./")))
                    || p.title.eq_ignore_ascii_case(&doc)
            })
            .map(|(i, _)| i)
            .collect();
        let [i] = matching[..] else {
            notes.push(format!(
                "`{doc}`, `{reference}`: {}",
                if matching.is_empty() {
                    "no imported document has this id, path or title; ignored"
                } else {
                    "more than one document matches; ignored"
                }
            ));
            continue;
        };
        let hint = if reference.trim().starts_with(['A', 'a']) {
            None
        } else {
            Some("any")
        };
        match parse_ref(&reference, hint, catalog) {
            Ok(Some((control, id))) => {
                let p = &mut pages[i];
                p.add_ref(control, id.clone(), "the mapping file");
                p.mapped_from_file = true;
                notes.push(format!("`{doc}` ({}) -> {id}", p.id));
            }
            Ok(None) => notes.push(format!(
                "`{doc}`, `{reference}`: not an ISO/IEC 27001 clause or control; ignored"
            )),
            Err(why) => notes.push(format!("`{doc}`: {why}")),
        }
    }
    Ok(())
}
