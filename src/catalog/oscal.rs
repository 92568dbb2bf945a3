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

use super::{id_char, Framework};

/// OSCAL's own namespace: a property in it (or in none) means what OSCAL says it means.
const OSCAL_NS: &str = "http://csrc.nist.gov/ns/oscal";

/// The other OSCAL models, by root key: what a user gave instead of a catalog.
const OTHER_MODELS: &[(&str, &str)] = &[
    (
        "profile",
        "a profile (a selection of controls from other catalogs)",
    ),
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
    let mut chars = id.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if first_ok && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-".contains(c)) {
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
        if let Some((_, what)) = OTHER_MODELS.iter().find(|(k, _)| object.contains_key(*k)) {
            let hint = if object.contains_key("profile") {
                "only catalogs are imported: resolve the profile into a catalog first (e.g. `oscal-cli profile resolve`), then import that"
            } else {
                "only catalogs are imported: import the catalog it draws its controls from"
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

// The OSCAL JSON read, as far as the import needs it; everything else is skipped.

#[derive(Deserialize)]
struct Document {
    catalog: Catalog,
}

/// `catalog`: its `controls` and `groups` kept together in document order.
struct Catalog {
    uuid: Option<String>,
    metadata: Option<Metadata>,
    children: Vec<Child>,
}

#[derive(Default, Deserialize)]
struct Metadata {
    title: Option<String>,
    version: Option<String>,
    #[serde(rename = "last-modified")]
    last_modified: Option<String>,
    #[serde(rename = "oscal-version")]
    oscal_version: Option<String>,
    #[serde(default)]
    parties: Vec<Party>,
    #[serde(default, rename = "responsible-parties")]
    responsible_parties: Vec<ResponsibleParty>,
    #[serde(default)]
    links: Vec<Link>,
}

#[derive(Deserialize)]
struct Party {
    uuid: String,
    name: Option<String>,
}

#[derive(Deserialize)]
struct ResponsibleParty {
    #[serde(rename = "role-id")]
    role_id: String,
    #[serde(default, rename = "party-uuids")]
    party_uuids: Vec<String>,
}

#[derive(Deserialize)]
struct Link {
    href: Option<String>,
    rel: Option<String>,
    text: Option<String>,
}

#[derive(Deserialize)]
struct Prop {
    name: String,
    value: String,
    ns: Option<String>,
    class: Option<String>,
}

impl Prop {
    /// Whether this is OSCAL's property `name` (not a namesake in someone's namespace).
    fn is(&self, name: &str) -> bool {
        self.name == name
            && self
                .ns
                .as_deref()
                .is_none_or(|ns| ns.trim_end_matches('/') == OSCAL_NS)
    }
}

impl Metadata {
    /// The names of the parties in the role `publisher`, else `creator`.
    fn publisher(&self) -> Option<String> {
        let names: HashMap<&str, &str> = (self.parties.iter())
            .filter_map(|p| Some((p.uuid.as_str(), p.name.as_deref()?.trim())))
            .filter(|(_, n)| !n.is_empty())
            .collect();
        ["publisher", "creator"].iter().find_map(|role| {
            let mut found: Vec<&str> = Vec::new();
            let parties = self
                .responsible_parties
                .iter()
                .filter(|r| r.role_id == *role);
            for uuid in parties.flat_map(|r| &r.party_uuids) {
                if let Some(name) = names.get(uuid.as_str()) {
                    if !found.contains(name) {
                        found.push(name);
                    }
                }
            }
            (!found.is_empty()).then(|| plain(&found.join(", ")))
        })
    }

    /// The catalog's licence link: its text and address.
    fn licence(&self) -> Option<String> {
        let link = self.links.iter().find(|l| {
            l.rel.as_deref().is_some_and(|r| {
                r.eq_ignore_ascii_case("license") || r.eq_ignore_ascii_case("licence")
            })
        })?;
        let text = link.text.as_deref().map(plain).filter(|t| !t.is_empty());
        let href = link
            .href
            .as_deref()
            .map(str::trim)
            .filter(|h| !h.is_empty());
        match (text, href) {
            (Some(text), Some(href)) => Some(format!("{text} ({href})")),
            (Some(text), None) => Some(text),
            (None, Some(href)) => Some(href.to_string()),
            (None, None) => None,
        }
    }
}

/// A group or a control, which the catalog's tree holds in document order.
struct Child {
    group: bool,
    node: Node,
}

impl Child {
    fn what(&self) -> &'static str {
        if self.group {
            "group"
        } else {
            "control"
        }
    }
}

struct Node {
    id: Option<String>,
    class: Option<String>,
    title: Option<String>,
    props: Vec<Prop>,
    children: Vec<Child>,
}

impl Node {
    fn is_withdrawn(&self) -> bool {
        (self.props.iter())
            .any(|p| p.is("status") && p.value.trim().eq_ignore_ascii_case("withdrawn"))
    }

    /// Its `label`: one without a `class` first (NIST gives 800-53A's `AC-01` a class).
    fn label(&self) -> Option<&str> {
        let labels = || (self.props.iter()).filter(|p| p.is("label") && !p.value.trim().is_empty());
        let p = labels()
            .find(|p| p.class.is_none())
            .or_else(|| labels().next())?;
        Some(p.value.trim())
    }

    /// This node and everything under it.
    fn size(&self) -> usize {
        1 + self.children.iter().map(|c| c.node.size()).sum::<usize>()
    }
}

/// Reads `groups` and `controls` members, wherever they stand, into one list in document order
/// (serde_json's maps would lose the order between the two); other members are skipped.
fn child_lists<'de, A: MapAccess<'de>>(
    key: &str,
    map: &mut A,
    children: &mut Vec<Child>,
) -> Result<bool, A::Error> {
    let group = match key {
        "groups" => true,
        "controls" => false,
        _ => return Ok(false),
    };
    let nodes: Vec<Node> = map.next_value()?;
    children.extend(nodes.into_iter().map(|node| Child { group, node }));
    Ok(true)
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NodeVisitor;
        impl<'de> Visitor<'de> for NodeVisitor {
            type Value = Node;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an OSCAL group or control")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
                let mut node = Node {
                    id: None,
                    class: None,
                    title: None,
                    props: Vec::new(),
                    children: Vec::new(),
                };
                while let Some(key) = map.next_key::<String>()? {
                    if child_lists(&key, &mut map, &mut node.children)? {
                        continue;
                    }
                    match key.as_str() {
                        "id" => node.id = map.next_value()?,
                        "class" => node.class = map.next_value()?,
                        "title" => node.title = map.next_value()?,
                        "props" => {
                            node.props = map.next_value::<Option<Vec<Prop>>>()?.unwrap_or_default()
                        }
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(node)
            }
        }
        deserializer.deserialize_map(NodeVisitor)
    }
}

impl<'de> Deserialize<'de> for Catalog {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct CatalogVisitor;
        impl<'de> Visitor<'de> for CatalogVisitor {
            type Value = Catalog;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an OSCAL catalog")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Catalog, A::Error> {
                let mut catalog = Catalog {
                    uuid: None,
                    metadata: None,
                    children: Vec::new(),
                };
                while let Some(key) = map.next_key::<String>()? {
                    if child_lists(&key, &mut map, &mut catalog.children)? {
                        continue;
                    }
                    match key.as_str() {
                        "uuid" => catalog.uuid = map.next_value()?,
                        "metadata" => catalog.metadata = map.next_value()?,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(catalog)
            }
        }
        deserializer.deserialize_map(CatalogVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LICENSED: &str =
        r#""links": [{ "href": "https://example.org/l", "rel": "license", "text": "CC0" }]"#;

    /// A catalog with these `metadata` members (besides its title) and these groups.
    fn catalog(metadata: &str, groups: &str) -> String {
        format!(
            r#"{{ "catalog": {{ "uuid": "u-1", "metadata": {{ "title": "T", {metadata} }}, "groups": [{groups}] }} }}"#
        )
    }
    fn options() -> Options<'static> {
        Options {
            id: "t",
            source: "t.json",
            licence: None,
        }
    }
    fn run(json: &str) -> Result<Imported, ImportError> {
        import(json, &options())
    }
    fn refused(json: &str) -> ImportError {
        match run(json) {
            Ok(i) => panic!("imported: {}", i.yaml),
            Err(e) => e,
        }
    }
    /// `(id, parent id, kind)` of each requirement of the imported file, read back.
    fn tree(imported: &Imported) -> Vec<(String, Option<String>, String)> {
        let f = Framework::parse("t", &imported.yaml).unwrap();
        (f.requirements.iter())
            .map(|r| {
                let parent = r.parent.map(|p| f.requirements[p].id.clone());
                (r.id.clone(), parent, r.kind.clone())
            })
            .collect()
    }

    #[test]
    fn odd_ids_and_titles_read_back_exactly() {
        let titles = [
            "Boundary: \"edge\" devices #1",
            "- leading dash",
            "'single' and \"double\"",
            "back\\slash and \\n not a newline",
            "{ flow: mapping }",
            "[a, list]",
            "& anchor * alias ! tag % directive @ ` |> ?",
            "null",
            "true",
            "1.10",
            "~",
            "tab\there, line\nbreak, nel\u{85} ls\u{2028} ps\u{2029} bel\u{7}",
            "Zugriffskontrolle: «Übersicht» — 访问控制 # 1",
            " spaced ",
        ];
        let ids = [
            "-1", "1.10", "true", "null", "AC-2(1)", "A/B_c", "Ä.1", "(x)",
        ];
        let rows: Vec<Row> = (titles.iter().enumerate())
            .map(|(i, t)| Row {
                id: ids
                    .get(i)
                    .map_or_else(|| format!("R{i}"), |s| s.to_string()),
                title: Some(t.to_string()),
                parent: (i > 0).then(|| ids[0].to_string()),
                kind: if i % 2 == 0 { "family: x" } else { "#kind" }.to_string(),
            })
            .collect();
        let header = Header {
            name: "Name: \"quoted\" # not a comment",
            version: "1.10".into(),
            publisher: "P\nnext line",
            licence: "- CC0",
            source: "odd\nname.json",
            uuid: "u",
            oscal_version: "1.1.2",
            last_modified: "2024",
            withdrawn: 0,
            under_withdrawn: 0,
            kinds: &[("a\nb".to_string(), 1)],
            unusable_labels: &[("A B".to_string(), "a-b".to_string())],
        };
        let yaml = write_yaml(&header, &rows);
        let f = Framework::parse("t", &yaml)
            .unwrap_or_else(|e| panic!("line {}, column {}: {e}\n{yaml}", e.line, e.column));
        assert_eq!(f.name, header.name);
        assert_eq!(f.version, "1.10");
        assert_eq!(f.publisher, "P\nnext line");
        assert_eq!(f.licence, "- CC0");
        assert_eq!(f.requirements.len(), rows.len());
        for (r, row) in f.requirements.iter().zip(&rows) {
            assert_eq!(r.id, row.id);
            assert_eq!(r.title, row.title);
            assert_eq!(r.kind, row.kind);
            assert_eq!(r.parent.map(|p| f.requirements[p].id.clone()), row.parent);
        }
        // Nothing from the data broke out of the header's comments.
        let header_lines = yaml.lines().take_while(|l| !l.starts_with("name:"));
        assert!(
            header_lines.into_iter().all(|l| l.starts_with('#')),
            "{yaml}"
        );
    }
    #[test]
    fn the_default_id_is_the_file_stem_slugged() {
        assert_eq!(
            default_id("NIST_SP-800-53_rev5_catalog.json"),
            "nist-sp-800-53-rev5-catalog"
        );
        assert_eq!(
            default_id("NIST_CSF_v2.0_catalog.json"),
            "nist-csf-v2.0-catalog"
        );
        assert_eq!(
            default_id("BSI  Grundschutz++ (2025).json"),
            "bsi-grundschutz-2025"
        );
        assert_eq!(default_id("_catalog_"), "catalog");
        assert!(check_id(&default_id("NIST_SP-800-53_rev5_catalog.json")).is_ok());
        assert!(check_id("nist-csf-2.0").is_ok());
        for bad in [
            "",
            "Nist",
            "-x",
            ".x",
            "a b",
            "a_b",
            "a:b",
            "über",
            &default_id("Über.json"),
        ] {
            let e = check_id(bad).unwrap_err();
            assert!(e.hint.unwrap().contains("--id"), "{bad}");
        }
    }
    #[test]
    fn titles_lose_oscal_markup() {
        assert_eq!(
            plain(
                "Use of {{ insert: param, ac-1_prm_1 }} <insert type=\"param\" id-ref=\"x\"/> keys"
            ),
            "Use of keys"
        );
        assert_eq!(plain("a <b>bold</b>\n  move"), "a bold move");
        assert_eq!(plain("x < y { z }"), "x < y { z }");
    }
    #[test]
    fn groups_and_controls_keep_document_order_and_kinds() {
        let json = format!(
            r#"{{ "catalog": {{ "metadata": {{ "title": "T", {LICENSED} }},
              "controls": [{{ "id": "c-1", "title": "First" }}],
              "groups": [{{ "id": "g", "controls": [{{ "id": "g-1", "class": "x" }}],
                           "groups": [{{ "id": "g.h", "class": "sub" }}] }}],
              "back-matter": {{}} }} }}"#
        );
        let imported = run(&json).unwrap();
        let g = Some("g".to_string());
        assert_eq!(
            tree(&imported),
            [
                ("c-1".into(), None, "control".into()),
                ("g".into(), None, "group".into()),
                ("g-1".into(), g.clone(), "x".into()),
                ("g.h".into(), g, "sub".into()),
            ]
        );
        assert_eq!(
            imported.kinds,
            [
                ("control".into(), 1),
                ("group".into(), 1),
                ("x".into(), 1),
                ("sub".into(), 1)
            ]
        );
        // A group without a title has none; the catalog without a version has no version line.
        let f = Framework::parse("t", &imported.yaml).unwrap();
        assert_eq!(f.requirements[1].title, None);
        assert_eq!(f.version, "");
    }
    #[test]
    fn labels_are_ids_unless_unusable_and_withdrawn_items_are_counted() {
        let groups = r#"{ "id": "a", "props": [{ "name": "label", "value": "A", "ns": "https://other.example" }],
            "controls": [
              { "id": "a-1", "props": [{ "name": "label", "value": "A-01", "class": "long" }, { "name": "label", "value": "A-1" }] },
              { "id": "a-2", "props": [{ "name": "label", "value": "A 2" }] },
              { "id": "a-3", "props": [{ "name": "status", "value": "withdrawn" }],
                "controls": [{ "id": "a-3.1" }, { "id": "a-3.2", "props": [{ "name": "status", "value": "withdrawn" }] }] },
              { "id": "a-4", "props": [{ "name": "status", "value": "withdrawn", "ns": "https://other.example" }] }
            ] }"#;
        let imported = run(&catalog(LICENSED, groups)).unwrap();
        let ids: Vec<String> = tree(&imported).into_iter().map(|(id, _, _)| id).collect();
        assert_eq!(ids, ["a", "A-1", "a-2", "a-4"]);
        assert_eq!((imported.withdrawn, imported.under_withdrawn), (1, 2));
        assert!(imported.yaml.contains(
            "# The label \"A 2\" is no usable id (whitespace or `:`): `a-2` is listed by its OSCAL id.\n"
        ));
        assert!(imported
            .yaml
            .contains("; 1 withdrawn item and the 2 items under them.\n"));
    }
    #[test]
    fn two_items_with_one_id_are_named_both() {
        let groups = r#"{ "id": "g", "controls": [
            { "id": "ac-2", "props": [{ "name": "label", "value": "AC-2" }] },
            { "id": "ac-2x", "props": [{ "name": "label", "value": "AC-2" }] } ] }"#;
        let e = refused(&catalog(LICENSED, groups));
        assert_eq!(
            e.message,
            "`AC-2` would be the id of both `ac-2` and `ac-2x` (their OSCAL ids; a requirement's id is its `label` where it has one)"
        );
    }
    #[test]
    fn the_publisher_is_a_publisher_or_creator_party_else_the_title() {
        let parties = r#""parties": [{ "uuid": "p1", "type": "organization", "name": "Maker" },
                                      { "uuid": "p2", "type": "organization", "name": "Printer" }]"#;
        let with_roles = |roles: &str| {
            let metadata = format!(r#"{LICENSED}, {parties}, "responsible-parties": [{roles}]"#);
            let imported = run(&catalog(&metadata, r#"{ "id": "g" }"#)).unwrap();
            Framework::parse("t", &imported.yaml).unwrap().publisher
        };
        assert_eq!(
            with_roles(r#"{ "role-id": "creator", "party-uuids": ["p1"] }"#),
            "Maker"
        );
        assert_eq!(
            with_roles(
                r#"{ "role-id": "creator", "party-uuids": ["p1"] }, { "role-id": "publisher", "party-uuids": ["p2"] }"#
            ),
            "Printer"
        );
        assert_eq!(
            with_roles(r#"{ "role-id": "creator", "party-uuids": ["nobody"] }"#),
            "T"
        );
        assert_eq!(
            with_roles(r#"{ "role-id": "contact", "party-uuids": ["p1"] }"#),
            "T"
        );
    }
    #[test]
    fn the_licence_is_given_or_linked_never_guessed() {
        let group = r#"{ "id": "g" }"#;
        let e = refused(&catalog(r#""version": "1""#, group));
        assert!(
            e.message.contains("does not say under what licence"),
            "{e:?}"
        );
        assert!(e.hint.unwrap().contains("--licence"));
        let given = Options {
            licence: Some("Public domain"),
            ..options()
        };
        let imported = import(&catalog(LICENSED, group), &given).unwrap();
        assert!(imported.yaml.contains("\nlicence: \"Public domain\"\n"));
        let imported = run(&catalog(LICENSED, group)).unwrap();
        assert!(imported
            .yaml
            .contains("\nlicence: \"CC0 (https://example.org/l)\"\n"));
    }
    #[test]
    fn what_is_not_a_catalog_is_refused_by_name() {
        let e = refused("{\n  \"catalog\": [1,\n}");
        assert!(
            e.message
                .starts_with("t.json is not JSON (line 3, column 1): "),
            "{e:?}"
        );
        let e = refused("<?xml version=\"1.0\"?><catalog/>");
        assert!(e.hint.unwrap().contains("looks like XML"));
        let e = refused(r#"{ "profile": { "uuid": "x", "imports": [] } }"#);
        assert_eq!(e.message, "t.json is a profile (a selection of controls from other catalogs) in OSCAL, not a catalog");
        assert!(e.hint.unwrap().contains("profile resolve"));
        let e = refused(r#"{ "component-definition": {} }"#);
        assert_eq!(
            e.message,
            "t.json is a component definition in OSCAL, not a catalog"
        );
        let e = refused(r#"{ "name": "x" }"#);
        assert!(
            e.message
                .contains("no top-level `catalog` object (its keys: name)"),
            "{e:?}"
        );
        let e = refused("[]");
        assert!(e.message.contains("not a JSON object"));
        let e = refused(r#"{ "catalog": { "metadata": { "title": 5 } } }"#);
        assert!(
            e.message
                .starts_with("t.json is not a valid OSCAL catalog (line 1, column "),
            "{e:?}"
        );
        let e = refused(&catalog(LICENSED, ""));
        assert!(e.message.contains("has no groups or controls"), "{e:?}");
        let e = refused(&catalog(LICENSED, r#"{ "title": "Nameless" }"#));
        assert!(
            e.message
                .contains("a group titled `Nameless` has neither an id nor a label"),
            "{e:?}"
        );
    }
}
