//! `policybook crosswalk import`: a published mapping between two frameworks as a book's
//! `crosswalks/<name>.csv`.
//!
//! Two shapes are read, told apart by their content (JSON or not):
//! - a NIST OLIR CSV ([`olir`]): the NIST IR 8278A Rev. 1 Informative Reference template,
//!   one row per focal / reference element pair;
//! - an OSCAL mapping collection ([`oscal`]), OSCAL 1.2: `mappings[].maps[]`, each map
//!   relating its `sources` to its `targets`.
//!
//! The rules, so that the same file always gives the same crosswalk:
//! - `from` is an element of `--from` (OLIR's focal document, OSCAL's sources), `to` one of
//!   `--to`; rows are written in the file's order, each pair and relationship once;
//! - every id is looked up in its framework: written in the framework's own spelling when it
//!   matches an id exactly or but for case, else left out and reported (never guessed);
//! - a row that says its elements are not related is left out and counted, as is one whose
//!   relationship is not a set-theory relationship policybook knows;
//! - the licence is never guessed: `--licence`, else the OSCAL metadata's `license` link, else
//!   the import is refused.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::crosswalk::{Crosswalk, Relationship};
use super::framework::Framework;
pub(crate) use super::oscal::ImportError;

pub(crate) mod olir;
pub(crate) mod oscal;

/// How many unknown ids the report and the header name before "and N more".
const NAMED_UNKNOWN: usize = 5;

/// What the importer needs besides the file's text.
pub(crate) struct Options<'a> {
    /// The file's name, for the header and as the default `source`.
    pub file_name: &'a str,
    /// The framework of the focal (OLIR) or source (OSCAL) elements.
    pub from: &'a Framework,
    /// The framework of the reference (OLIR) or target (OSCAL) elements.
    pub to: &'a Framework,
    /// `--source`: the `source` column; else the file's title, else its name.
    pub source: Option<&'a str>,
    /// `--licence`: wins over the file's own licence link.
    pub licence: Option<&'a str>,
}

/// What a file says, before its ids are checked.
#[derive(Debug, Default)]
pub(crate) struct Read {
    /// "a NIST OLIR CSV", "an OSCAL mapping collection".
    pub format: &'static str,
    /// Its title, when it has one.
    pub title: Option<String>,
    /// Its licence, when it states one.
    pub licence: Option<String>,
    /// `(what, value)` lines for the written header: the document's uuid, version, ...
    pub facts: Vec<(&'static str, String)>,
    /// A note on how the file's relationships were turned around, for the header.
    pub direction: Option<&'static str>,
    pub entries: Vec<Entry>,
    /// Rows that lack a focal or a reference element (nothing to map).
    pub unpaired: usize,
}

/// One pair as the file states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    pub from: String,
    pub to: String,
    pub said: Said,
}

/// What a file says of a pair, in policybook's direction (`from` to `to`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Said {
    Is(Relationship),
    /// `not related to`, `no-relationship`: left out, counted.
    NotRelated,
    /// A word policybook does not know as a relationship: left out, counted, named.
    Unknown(String),
}

/// A mapping turned into a crosswalk file.
#[derive(Debug)]
pub(crate) struct Imported {
    /// The crosswalk file's text (read back by [`Crosswalk::parse`] before it is returned).
    pub csv: String,
    pub rows: usize,
    /// Rows per relationship, in the order of [`Relationship`].
    pub counts: BTreeMap<Relationship, usize>,
    /// What was left out and why, one phrase each ("1 `not related to` row").
    pub skipped: Vec<String>,
    /// Ids in neither framework (qualified, as written), in order of first appearance; the
    /// rows naming them are left out (and counted in `skipped`).
    pub unknown: Vec<String>,
}

pub(crate) fn refuse(message: String, hint: Option<&str>) -> ImportError {
    ImportError {
        message,
        hint: hint.map(str::to_string),
    }
}

/// Reads the mapping in `text` (OSCAL JSON or an OLIR CSV) and writes it as a crosswalk.
pub(crate) fn import(text: &str, options: &Options) -> Result<Imported, ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let read = if text.trim_start().starts_with('{') {
        oscal::read(text, options.file_name)?
    } else {
        olir::read(text, options.file_name)?
    };
    let licence = match options.licence.map(str::trim).filter(|l| !l.is_empty()) {
        Some(l) => l.to_string(),
        None => read.licence.clone().ok_or_else(|| {
            refuse(
                format!("{} does not say under what licence it is published", options.file_name),
                Some("pass the terms the mapping is published under, as its publisher states them: `--licence \"...\"` (policybook never guesses a licence)"),
            )
        })?,
    };
    let source = (options.source.map(str::trim).filter(|s| !s.is_empty()))
        .map(str::to_string)
        .or_else(|| read.title.clone())
        .unwrap_or_else(|| options.file_name.to_string());
    let checked = check(&read, options);
    if checked.pairs.is_empty() {
        let mut message = format!(
            "nothing in {} could be written: no pair has both ids in `{}` and `{}`",
            options.file_name, options.from.id, options.to.id
        );
        if !checked.unknown.is_empty() {
            message.push_str(&format!(" (unknown: {})", named(&checked.unknown)));
        }
        let (from_role, to_role) = roles(read.format);
        let hint = format!(
            "`--from` names the framework of the {from_role} elements and `--to` that of the {to_role} ones; check that they are the right frameworks, and the right way round"
        );
        return Err(refuse(message, Some(&hint)));
    }
    let mut counts: BTreeMap<Relationship, usize> = BTreeMap::new();
    for (_, _, r) in &checked.pairs {
        *counts.entry(*r).or_default() += 1;
    }
    let skipped = checked.skipped(&read);
    let csv = write(
        &read, options, &checked, &counts, &skipped, &source, &licence,
    )?;
    if let Err(e) = Crosswalk::parse(&csv) {
        return Err(refuse(
            format!(
                "the crosswalk made from {} does not read back ({e}); this is a bug in policybook",
                options.file_name
            ),
            Some("please report it with the file"),
        ));
    }
    Ok(Imported {
        csv,
        rows: checked.pairs.len(),
        counts,
        skipped,
        unknown: checked.unknown,
    })
}

/// The entries with their ids checked.
#[derive(Default)]
struct Checked {
    /// `(from id, to id, relationship)` in the frameworks' spelling, in the file's order.
    pairs: Vec<(String, String, Relationship)>,
    duplicates: usize,
    not_related: usize,
    /// Unknown relationship words, in order of first appearance, with their rows.
    unknown_words: Vec<(String, usize)>,
    unknown: Vec<String>,
    unknown_rows: usize,
}

impl Checked {
    /// What was left out, for the header and the report.
    fn skipped(&self, read: &Read) -> Vec<String> {
        let rows = |n: usize| if n == 1 { "row" } else { "rows" };
        let mut out = Vec::new();
        if self.not_related > 0 {
            out.push(format!(
                "{} {} saying the elements are not related",
                self.not_related,
                rows(self.not_related)
            ));
        }
        for (word, n) in &self.unknown_words {
            out.push(format!(
                "{n} {} with the relationship `{}`, which is no set-theory relationship",
                rows(*n),
                comment(word)
            ));
        }
        if read.unpaired > 0 {
            let (from_role, to_role) = roles(read.format);
            out.push(format!(
                "{} {} without both a {from_role} and a {to_role} element",
                read.unpaired,
                rows(read.unpaired)
            ));
        }
        if self.unknown_rows > 0 {
            out.push(format!(
                "{} {} naming ids that are not in their framework",
                self.unknown_rows,
                rows(self.unknown_rows)
            ));
        }
        if self.duplicates > 0 {
            out.push(format!(
                "{} duplicate {}",
                self.duplicates,
                rows(self.duplicates)
            ));
        }
        out
    }
}

fn check(read: &Read, options: &Options) -> Checked {
    let (from_ids, to_ids) = (Lookup::new(options.from), Lookup::new(options.to));
    let mut checked = Checked::default();
    let mut seen: HashSet<(String, String, Relationship)> = HashSet::new();
    let mut unknown_seen: HashSet<String> = HashSet::new();
    for entry in &read.entries {
        let relationship = match &entry.said {
            Said::Is(r) => *r,
            Said::NotRelated => {
                checked.not_related += 1;
                continue;
            }
            Said::Unknown(word) => {
                match checked.unknown_words.iter_mut().find(|(w, _)| w == word) {
                    Some((_, n)) => *n += 1,
                    None => checked.unknown_words.push((word.clone(), 1)),
                }
                continue;
            }
        };
        let from = from_ids.find(&entry.from);
        let to = to_ids.find(&entry.to);
        let (Some(from), Some(to)) = (from, to) else {
            checked.unknown_rows += 1;
            for (found, fw, written) in [
                (from, options.from, &entry.from),
                (to, options.to, &entry.to),
            ] {
                let qualified = format!("{}:{}", fw.id, written.trim());
                if found.is_none() && unknown_seen.insert(qualified.clone()) {
                    checked.unknown.push(qualified);
                }
            }
            continue;
        };
        let key = (from.to_string(), to.to_string(), relationship);
        if seen.insert(key.clone()) {
            checked.pairs.push(key);
        } else {
            checked.duplicates += 1;
        }
    }
    checked
}

/// A framework's ids, exactly and but for case.
struct Lookup<'a> {
    framework: &'a Framework,
    folded: HashMap<String, &'a str>,
}

impl<'a> Lookup<'a> {
    fn new(framework: &'a Framework) -> Lookup<'a> {
        let mut folded = HashMap::new();
        for r in &framework.requirements {
            folded.entry(r.id.to_lowercase()).or_insert(r.id.as_str());
        }
        Lookup { framework, folded }
    }

    /// The framework's id for `written`: the whole cell, else (for `PR.AA-01: Identities
    /// and ...`) the part before its first `:`, else the part before its first whitespace.
    fn find(&self, written: &str) -> Option<&'a str> {
        let written = written.trim();
        let before_colon = written.split(':').next().unwrap_or("").trim();
        let first_word = written.split_whitespace().next().unwrap_or("");
        [written, before_colon, first_word]
            .into_iter()
            .filter(|c| !c.is_empty())
            .find_map(|candidate| self.one(candidate))
    }

    fn one(&self, id: &str) -> Option<&'a str> {
        if let Some(i) = self.framework.requirement(id) {
            return Some(self.framework.requirements[i].id.as_str());
        }
        self.folded.get(&id.to_lowercase()).copied()
    }
}

/// What the file calls the elements of `--from` and `--to`.
fn roles(format: &str) -> (&'static str, &'static str) {
    if format == olir::FORMAT {
        ("focal", "reference")
    } else {
        ("source", "target")
    }
}

/// "`a:1`, `a:2` and 3 more".
pub(crate) fn named(ids: &[String]) -> String {
    let shown: Vec<String> = (ids.iter().take(NAMED_UNKNOWN))
        .map(|id| format!("`{}`", comment(id)))
        .collect();
    let mut text = shown.join(", ");
    if ids.len() > NAMED_UNKNOWN {
        text.push_str(&format!(" and {} more", ids.len() - NAMED_UNKNOWN));
    }
    text
}

/// "equal: 1, subset: 2".
pub(crate) fn counts_text(counts: &BTreeMap<Relationship, usize>) -> String {
    let parts: Vec<String> = (counts.iter())
        .map(|(r, n)| format!("{}: {n}", r.as_str()))
        .collect();
    parts.join(", ")
}

/// The crosswalk file: a comment header saying where it came from, under what licence and
/// what was left out, then the rows.
fn write(
    read: &Read,
    options: &Options,
    checked: &Checked,
    counts: &BTreeMap<Relationship, usize>,
    skipped: &[String],
    source: &str,
    licence: &str,
) -> Result<String, ImportError> {
    let (from, to) = (options.from, options.to);
    let (from_role, to_role) = roles(read.format);
    let mut lines = vec![
        format!(
            "# {}: imported from {} by `policybook crosswalk import`.",
            comment(read.title.as_deref().unwrap_or(options.file_name)),
            read.format
        ),
        "#".to_string(),
        format!("# Source file: {}", comment(options.file_name)),
    ];
    for (what, value) in &read.facts {
        lines.push(format!("# {what}: {}", comment(value)));
    }
    lines.push(format!(
        "# From: {} ({}), the {from_role} elements; to: {} ({}), the {to_role} elements.",
        from.id,
        comment(&from.name),
        to.id,
        comment(&to.name)
    ));
    if let Some(direction) = read.direction {
        lines.push(format!("# {direction}"));
    }
    lines.push(format!("# Licence: {}", comment(licence)));
    lines.push(format!(
        "# Rows: {} ({})",
        checked.pairs.len(),
        counts_text(counts)
    ));
    if skipped.is_empty() {
        lines.push("# Left out: nothing.".to_string());
    } else {
        lines.push(format!("# Left out: {}.", skipped.join("; ")));
    }
    if !checked.unknown.is_empty() {
        lines.push(format!(
            "# Ids not in their framework: {}.",
            named(&checked.unknown)
        ));
    }
    let mut out = String::new();
    for line in lines {
        out.push_str(&line);
        out.push('\n');
    }
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let bug = |e: csv::Error| refuse(format!("cannot write the crosswalk: {e}"), None);
    writer
        .write_record(["from", "to", "relationship", "source"])
        .map_err(bug)?;
    for (f, t, r) in &checked.pairs {
        writer
            .write_record([
                format!("{}:{f}", from.id).as_str(),
                format!("{}:{t}", to.id).as_str(),
                r.as_str(),
                source,
            ])
            .map_err(bug)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| refuse(format!("cannot write the crosswalk: {e}"), None))?;
    out.push_str(&String::from_utf8_lossy(&bytes));
    Ok(out)
}

/// `s` on one line: safe inside a `#` comment, and as a message.
pub(crate) fn comment(s: &str) -> String {
    let one: String = s
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
                ' '
            } else {
                c
            }
        })
        .collect();
    one.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The default name of the written file: `<from>-to-<to>`.
pub(crate) fn default_name(from: &str, to: &str) -> String {
    format!("{from}-to-{to}")
}

/// A crosswalk name must be a plain file name: `[a-z0-9][a-z0-9.-]*`.
pub(crate) fn check_name(name: &str) -> Result<(), ImportError> {
    if super::registry::is_file_id(name) {
        return Ok(());
    }
    Err(refuse(
        format!("`{}` cannot be a crosswalk name: it names the file, so it is lowercase ASCII letters, digits, `.` and `-`, starting with a letter or digit", comment(name)),
        Some("pass one with `--id`, e.g. `--id csf-to-iso`"),
    ))
}

#[cfg(test)]
mod tests;
