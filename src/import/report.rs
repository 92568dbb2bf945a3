//! `IMPORT-REPORT.md` and `--format json`: every decision of an import, kept as it is made and
//! written out last, so that a reviewer can check each guess instead of trusting it.

use std::collections::BTreeMap;

use serde::Serialize;

/// Everything `IMPORT-REPORT.md` and `--format json` say.
#[derive(Debug, Serialize)]
pub(crate) struct Report {
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
pub(crate) struct FileNote {
    pub path: String,
    pub decision: String,
}

/// A `{{name}}` placeholder put into `[variables]`.
#[derive(Debug, Serialize)]
pub(crate) struct VariableNote {
    pub name: String,
    pub value: String,
    pub documents: Vec<String>,
}

/// One document: every field with where it came from.
#[derive(Debug, Default, Serialize)]
pub(crate) struct DocReport {
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
pub(crate) fn markdown(r: &Report) -> String {
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
