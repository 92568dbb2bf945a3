//! `policybook framework import`: an OSCAL 1.x catalog (JSON) as a book's framework file.
//!
//! OSCAL is how NIST (SP 800-53, CSF), the BSI (Grundschutz++) and others publish their
//! catalogs. A book needs the ids, the titles and the tree to map its documents to, not the
//! control text: the prose stays out, so the written file is small, reviewable in a pull request,
//! and holds nothing the catalog's licence might not let the book republish.
//!
//! The rules, so that an import is predictable and the same file always gives the same YAML:
//! - groups and controls are taken in document order, enhancements (controls in controls)
//!   under their control;
//! - a requirement's id is its `label` property (`AC-2(1)`; one without a `class` first), else
//!   its OSCAL id; a label that is no usable id (whitespace, `:`) gives way to the OSCAL id;
//! - its kind is its `class` (`family`, `SP800-53-enhancement`), else `group` or `control`;
//! - anything marked `status: withdrawn` is left out, with what it holds, and counted;
//! - the facts come from `metadata`: name = title, version, publisher = the party with the role
//!   `publisher` (else `creator`), else the title; the licence is never guessed: `--licence`,
//!   else the text and address of a `metadata.links` entry with rel `license`, else the import
//!   is refused.

use std::collections::HashMap;
use std::fmt;

use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;

use super::framework::{id_char, Framework};

mod json;

use json::*;

/// OSCAL's own namespace: a property in it (or in none) means what OSCAL says it means.
const OSCAL_NS: &str = "http://csrc.nist.gov/ns/oscal";

/// OSCAL's models, by root key, as a refusal names them: what a user gave instead of the
/// one an importer reads (a catalog here, a mapping collection for `crosswalk import`).
pub(crate) const MODELS: &[(&str, &str)] = &[
    ("catalog", "a catalog"),
    ("profile", "a profile"),
    ("mapping-collection", "a mapping collection"),
    ("component-definition", "a component definition"),
    ("system-security-plan", "a system security plan"),
    ("assessment-plan", "an assessment plan"),
    ("assessment-results", "assessment results"),
    (
        "plan-of-action-and-milestones",
        "a plan of action and milestones",
    ),
];

/// What the importer needs besides the JSON.
pub(crate) struct Options<'a> {
    /// The framework's id: the written file's name.
    pub id: &'a str,
    /// The catalog's file name, for the written file's header.
    pub source: &'a str,
    /// `--licence`: wins over the catalog's own licence link.
    pub licence: Option<&'a str>,
}

/// A catalog turned into a framework file.
#[derive(Debug)]
pub(crate) struct Imported {
    /// The framework file's text (read back by [`Framework::parse`] before it is returned).
    pub yaml: String,
    pub requirements: usize,
    /// How many requirements of each kind, in order of first appearance.
    pub kinds: Vec<(String, usize)>,
    /// Groups and controls left out because they are marked withdrawn.
    pub withdrawn: usize,
    /// Groups and controls left out because they stand under a withdrawn one.
    pub under_withdrawn: usize,
}

/// Why a file was not imported: the message, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ImportError {
    pub message: String,
    pub hint: Option<String>,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.message)
    }
}

fn refuse(message: String, hint: Option<&str>) -> ImportError {
    ImportError {
        message,
        hint: hint.map(str::to_string),
    }
}

/// The default framework id for a catalog file: its stem lowercased, runs of anything but
/// letters, digits and `.` made one `-` (`NIST_SP-800-53_rev5_catalog.json` ->
/// `nist-sp-800-53-rev5-catalog`).
pub(crate) fn default_id(file_name: &str) -> String {
    let stem = file_name
        .rsplit_once('.')
        .map_or(file_name, |(stem, _)| stem);
    let mut id = String::with_capacity(stem.len());
    for c in stem.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() || c == '.' {
            id.push(c);
        } else if !id.ends_with('-') {
            id.push('-');
        }
    }
    id.trim_matches(['-', '.']).to_string()
}

/// A framework id must be a plain file name and URL segment: `[a-z0-9][a-z0-9.-]*`.
pub(crate) fn check_id(id: &str) -> Result<(), ImportError> {
    if super::registry::is_file_id(id) {
        return Ok(());
    }
    Err(refuse(
        format!("`{id}` cannot be a framework id: it names the file and the pages, so it is lowercase ASCII letters, digits, `.` and `-`, starting with a letter or digit"),
        Some("pass one with `--id`, e.g. `--id nist-800-53`"),
    ))
}

/// Turns the OSCAL catalog `json` into a framework file (see the module documentation).
pub(crate) fn import(json: &str, options: &Options) -> Result<Imported, ImportError> {
    let source = options.source;
    let root: serde_json::Value = serde_json::from_str(json).map_err(|e| {
        let start = json.trim_start();
        let hint = if start.starts_with('<') {
            Some("this looks like XML: only OSCAL's JSON form is imported; convert the catalog to JSON first (e.g. with oscal-cli)")
        } else if start.starts_with("---") || start.starts_with("catalog:") {
            Some("this looks like YAML: only OSCAL's JSON form is imported; convert the catalog to JSON first (e.g. with oscal-cli)")
        } else {
            None
        };
        refuse(
            format!(
                "{source} is not JSON (line {}, column {}): {}",
                e.line(),
                e.column(),
                without_place(&e.to_string())
            ),
            hint,
        )
    })?;
    let Some(object) = root.as_object() else {
        return Err(refuse(
            format!("{source} is not an OSCAL catalog: its top level is not a JSON object"),
            None,
        ));
    };
    if !object.get("catalog").is_some_and(|c| c.is_object()) {
        let hint =
            "only OSCAL catalogs are imported (a file whose top level is `{\"catalog\": {...}}`)";
        if let Some((key, what)) = (MODELS.iter())
            .filter(|(k, _)| *k != "catalog")
            .find(|(k, _)| object.contains_key(*k))
        {
            let (what, hint) = if *key == "profile" {
                (
                    "a profile (a selection of controls from other catalogs)",
                    "only catalogs are imported: resolve the profile into a catalog first (e.g. `oscal-cli profile resolve`), then import that",
                )
            } else {
                (
                    *what,
                    "only catalogs are imported: import the catalog it draws its controls from",
                )
            };
            return Err(refuse(
                format!("{source} is {what} in OSCAL, not a catalog"),
                Some(hint),
            ));
        }
        let keys: Vec<&str> = object.keys().map(String::as_str).take(5).collect();
        return Err(refuse(
            format!(
                "{source} is not an OSCAL catalog: it has no top-level `catalog` object (its keys: {})",
                if keys.is_empty() { "none".to_string() } else { keys.join(", ") }
            ),
            Some(hint),
        ));
    }
    drop(root);
    let document: Document = serde_json::from_str(json).map_err(|e| {
        refuse(
            format!(
                "{source} is not a valid OSCAL catalog (line {}, column {}): {}",
                e.line(),
                e.column(),
                without_place(&e.to_string())
            ),
            None,
        )
    })?;
    let catalog = document.catalog;
    let metadata = catalog.metadata.unwrap_or_default();

    let mut walk = Walk::default();
    for child in &catalog.children {
        walk.node(child, None)?;
    }
    if walk.requirements.is_empty() {
        return Err(refuse(
            format!(
                "{source} has no groups or controls to import (withdrawn ones: {})",
                walk.withdrawn
            ),
            None,
        ));
    }
    let title = metadata
        .title
        .as_deref()
        .map(plain)
        .filter(|t| !t.is_empty());
    let name = title.clone().unwrap_or_else(|| options.id.to_string());
    let publisher = metadata.publisher().unwrap_or_else(|| name.clone());
    let licence = match options.licence.map(str::trim).filter(|l| !l.is_empty()) {
        Some(l) => l.to_string(),
        None => metadata.licence().ok_or_else(|| {
            refuse(
                format!("{source} does not say under what licence it is published (no `metadata.links` entry with rel `license`)"),
                Some("pass the terms the catalog is published under, as its publisher states them: `--licence \"...\"` (policybook never guesses a licence)"),
            )
        })?,
    };
    let kinds = walk.kinds();
    let yaml = write_yaml(
        &Header {
            name: &name,
            version: metadata.version.as_deref().map(plain).unwrap_or_default(),
            publisher: &publisher,
            licence: &licence,
            source,
            uuid: catalog.uuid.as_deref().unwrap_or("(none)"),
            oscal_version: metadata.oscal_version.as_deref().unwrap_or("(not given)"),
            last_modified: metadata.last_modified.as_deref().unwrap_or("(not given)"),
            withdrawn: walk.withdrawn,
            under_withdrawn: walk.under_withdrawn,
            kinds: &kinds,
            unusable_labels: &walk.unusable_labels,
        },
        &walk.requirements,
    );
    if let Err(e) = Framework::parse(options.id, &yaml) {
        return Err(refuse(
            format!("the framework file made from {source} does not read back (line {}, column {}): {e}; this is a bug in policybook", e.line, e.column),
            Some("please report it with the catalog"),
        ));
    }
    Ok(Imported {
        yaml,
        requirements: walk.requirements.len(),
        kinds,
        withdrawn: walk.withdrawn,
        under_withdrawn: walk.under_withdrawn,
    })
}

/// serde_json's message without its " at line N column M" (the caller says where).
fn without_place(message: &str) -> &str {
    message.find(" at line ").map_or(message, |i| &message[..i])
}

/// A requirement as it will be written.
#[derive(Debug)]
struct Row {
    id: String,
    title: Option<String>,
    parent: Option<String>,
    kind: String,
}

/// The catalog's tree flattened, with what was left out.
#[derive(Default)]
struct Walk {
    requirements: Vec<Row>,
    /// Requirement id -> the OSCAL id it came from, to name both of a duplicate.
    seen: HashMap<String, String>,
    withdrawn: usize,
    under_withdrawn: usize,
    /// `(label, OSCAL id)` of labels that could not be ids.
    unusable_labels: Vec<(String, String)>,
}

impl Walk {
    fn node(&mut self, child: &Child, parent: Option<&str>) -> Result<(), ImportError> {
        let node = &child.node;
        if node.is_withdrawn() {
            self.withdrawn += 1;
            self.under_withdrawn += node.size() - 1;
            return Ok(());
        }
        let oscal_id = node.id.as_deref().map(str::trim).filter(|i| !i.is_empty());
        let label = node.label();
        let id = match (label, oscal_id) {
            (Some(label), _) if label.chars().all(id_char) => label.to_string(),
            (Some(label), Some(oscal_id)) => {
                self.unusable_labels
                    .push((label.to_string(), oscal_id.to_string()));
                oscal_id.to_string()
            }
            (_, Some(oscal_id)) => oscal_id.to_string(),
            (_, None) => {
                let title = node.title.as_deref().map(plain).unwrap_or_default();
                return Err(refuse(
                    format!("a {} titled `{title}` has neither an id nor a label, so it cannot be a requirement", child.what()),
                    Some("give it an `id` in a copy of the catalog, then import that"),
                ));
            }
        };
        if let Some(c) = id.chars().find(|&c| !id_char(c)) {
            return Err(refuse(
                format!("the OSCAL id `{id}` contains `{c}`, which a requirement id cannot hold"),
                None,
            ));
        }
        let from = oscal_id.unwrap_or(&id).to_string();
        if let Some(first) = self.seen.get(&id) {
            return Err(refuse(
                format!("`{id}` would be the id of both `{first}` and `{from}` (their OSCAL ids; a requirement's id is its `label` where it has one)"),
                Some("requirement ids must be unique: correct the labels in a copy of the catalog, then import that"),
            ));
        }
        self.seen.insert(id.clone(), from);
        let kind = node
            .class
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .unwrap_or(child.what())
            .to_string();
        self.requirements.push(Row {
            id: id.clone(),
            title: node.title.as_deref().map(plain).filter(|t| !t.is_empty()),
            parent: parent.map(str::to_string),
            kind,
        });
        for grandchild in &node.children {
            self.node(grandchild, Some(&id))?;
        }
        Ok(())
    }

    /// Requirements per kind, in order of first appearance.
    fn kinds(&self) -> Vec<(String, usize)> {
        let mut kinds: Vec<(String, usize)> = Vec::new();
        for r in &self.requirements {
            match kinds.iter_mut().find(|(k, _)| *k == r.kind) {
                Some((_, n)) => *n += 1,
                None => kinds.push((r.kind.clone(), 1)),
            }
        }
        kinds
    }
}

/// A title as plain text: OSCAL inline markup (`<insert .../>`, `{{ insert: param, x }}`,
/// other tags) dropped and whitespace made single spaces.
fn plain(markup: &str) -> String {
    let mut text = String::with_capacity(markup.len());
    let mut rest = markup;
    while let Some(i) = rest.find(['<', '{']) {
        text.push_str(&rest[..i]);
        let after = &rest[i..];
        let skip = if after.starts_with("{{") {
            after.find("}}").map(|j| j + 2)
        } else if after.starts_with('<')
            && after[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '/')
        {
            after.find('>').map(|j| j + 1)
        } else {
            None
        };
        match skip {
            Some(n) => {
                text.push(' ');
                rest = &after[n..];
            }
            None => {
                text.push_str(&after[..1]);
                rest = &after[1..];
            }
        }
    }
    text.push_str(rest);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What the written file's header says.
struct Header<'a> {
    name: &'a str,
    version: String,
    publisher: &'a str,
    licence: &'a str,
    source: &'a str,
    uuid: &'a str,
    oscal_version: &'a str,
    last_modified: &'a str,
    withdrawn: usize,
    under_withdrawn: usize,
    kinds: &'a [(String, usize)],
    unusable_labels: &'a [(String, String)],
}

/// The framework file: a comment header saying where it came from and what was left out, the
/// facts, one requirement per line. Every value is double-quoted, so no id or title (`: "`,
/// `#`, a leading `-`) can change what the YAML means.
fn write_yaml(h: &Header, rows: &[Row]) -> String {
    let mut out = String::new();
    let kinds: Vec<String> = (h.kinds.iter())
        .map(|(k, n)| format!("{}: {n}", comment(k)))
        .collect();
    let withdrawn = withdrawn_text(h.withdrawn, h.under_withdrawn);
    for line in [
        format!("# {}: imported from an OSCAL catalog by `policybook framework import`.", comment(h.name)),
        "#".to_string(),
        format!("# Source file: {}", comment(h.source)),
        format!("# Catalog uuid: {}", comment(h.uuid)),
        format!("# OSCAL version: {}", comment(h.oscal_version)),
        format!("# Last modified: {}", comment(h.last_modified)),
        format!("# Left out: all prose (statements, guidance, parameters and other parts); {withdrawn}."),
        format!("# Requirements: {} ({})", rows.len(), kinds.join(", ")),
        "# Ids are the `label` properties where there is one (AC-2(1)), else the OSCAL ids; kinds are".to_string(),
        "# the OSCAL `class`, else group or control.".to_string(),
    ] {
        out.push_str(&line);
        out.push('\n');
    }
    for (label, oscal_id) in h.unusable_labels {
        out.push_str(&format!(
            "# The label {} is no usable id (whitespace or `:`): `{}` is listed by its OSCAL id.\n",
            comment(&quote(label)),
            comment(oscal_id)
        ));
    }
    out.push_str(&format!("name: {}\n", quote(h.name)));
    if !h.version.is_empty() {
        out.push_str(&format!("version: {}\n", quote(&h.version)));
    }
    out.push_str(&format!("publisher: {}\n", quote(h.publisher)));
    out.push_str(&format!("licence: {}\n", quote(h.licence)));
    out.push_str("requirements:\n");
    for r in rows {
        out.push_str(&format!("  - {{ id: {}", quote(&r.id)));
        if let Some(title) = &r.title {
            out.push_str(&format!(", title: {}", quote(title)));
        }
        if let Some(parent) = &r.parent {
            out.push_str(&format!(", parent: {}", quote(parent)));
        }
        out.push_str(&format!(", kind: {} }}\n", quote(&r.kind)));
    }
    out
}

/// "2 withdrawn items and the 1 item under them", for the header and the command's report.
pub(crate) fn withdrawn_text(withdrawn: usize, under: usize) -> String {
    let noun = |n: usize| if n == 1 { "item" } else { "items" };
    let mut text = format!("{withdrawn} withdrawn {}", noun(withdrawn));
    if under > 0 {
        text.push_str(&format!(" and the {under} {} under them", noun(under)));
    }
    text
}

/// `s` as a YAML double-quoted scalar: `\` and `"` escaped, and every character YAML could
/// read as a line break or that a file should not carry (controls, NEL, LS, PS, BOM) as `\u`.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') => {
                out.push_str(&format!("\\u{:04X}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `s` safe inside a `#` comment line: no line break can end the comment early.
fn comment(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
