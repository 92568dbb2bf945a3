//! Frameworks as data: catalogs of requirement ids (a tree, in the framework's order) that a
//! book maps its documents to; their crosswalks are in [`super::crosswalk`], and the set a book
//! can name in [`super::registry`].
//!
//! A book may answer to more than one framework (NIST CSF 2.0 beside ISO 27001, or the 2013
//! numbering during a transition). Each built-in framework is one YAML file in `frameworks/`,
//! embedded in the binary and named by its id; its header says where the data comes from and how
//! it was checked. The files hold ids, short titles and the tree only: ISO's text stays out.
//! ISO/IEC 27001:2022 is one of them, read into the [`Catalog`](super::Catalog) too.
//!
//! # A book's own frameworks
//!
//! A book adds a framework (its SOC 2, a customer's catalog) as `frameworks/<id>.yaml` or
//! `frameworks/<id>.csv`; the file name is the framework's id. Both hold the same thing: some
//! facts about the framework and its requirements in order, each parent before its children.
//!
//! **YAML** ([`Framework::parse`]) is the format of the built-in files: `name` and `licence` are
//! required (whoever reuses the book must know under what terms the ids and titles came),
//! `version` and `publisher` optional (empty when absent). Each requirement has an `id`, and
//! optionally a `title`, a `parent` and a `kind`. `kind` may be left out in a book's own file:
//! a requirement some other one names as `parent` is a `group`, any other a `requirement`.
//!
//! **CSV** ([`Framework::parse_csv`]) is for lists kept in a spreadsheet:
//!
//! ```text
//! # name: SOC 2 Trust Services Criteria
//! # version: 2017 (rev. 2022)
//! # publisher: AICPA
//! # licence: ids and our own short titles
//! # Anything else in a comment is a note for people (where the list came from, say).
//! id,title,parent
//! CC6,Logical and physical access controls,
//! CC6.1,Logical access security,CC6
//! ```
//!
//! The `#` lines before the header row are the provenance header: a line `# key: value` whose
//! key (any case) is `name`, `version`, `publisher` or `licence` sets that fact, once; every
//! other comment line is a free note. `name` defaults to the id; `licence` is required, as in
//! YAML. The header row names the columns in any order and any case: `id` (required), `title`,
//! `parent` and `kind` (optional); any other column is refused, so a typo is not silently
//! dropped. One requirement per row; an empty cell is no title, no parent, or the default kind;
//! a row may stop early (missing cells are empty), not run long.
//!
//! Ids are letters of any script, digits, and `.`, `-`, `_`, `(`, `)`, `/`: never whitespace,
//! and never `:`, which separates a framework from a requirement in a qualified reference
//! (`soc2:CC6.1`).
//!
//! Every [`FrameworkError`] says where in the file the problem is (line, column and byte range),
//! what it is, and where useful how to fix it, so that the book's check can point at it.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::ops::Range;

use serde::Deserialize;

use crate::diagnostic::{did_you_mean, line_col, offset_of, unknown_field_hint};
use crate::load::front_matter::{key_range, value_range};
use crate::yaml::{self, Text, YamlError};

mod from_csv;
mod places;

use places::*;

/// The built-in frameworks: id (the file's name) and YAML text.
const BUILTIN: &[(&str, &str)] = &[
    (
        "iso27001-2022",
        include_str!("../frameworks/iso27001-2022.yaml"),
    ),
    (
        "nist-csf-2.0",
        include_str!("../frameworks/nist-csf-2.0.yaml"),
    ),
    (
        "iso27001-2013",
        include_str!("../frameworks/iso27001-2013.yaml"),
    ),
    (
        "iso42001-2023",
        include_str!("../frameworks/iso42001-2023.yaml"),
    ),
];

/// Kind of a requirement without one that some other requirement names as its parent.
pub(crate) const DEFAULT_GROUP_KIND: &str = "group";
/// Kind of any other requirement without one.
pub(crate) const DEFAULT_KIND: &str = "requirement";

/// The provenance facts a CSV's comment header may set, in the order they are written.
const CSV_FIELDS: [&str; 4] = ["name", "version", "publisher", "licence"];
/// The columns a CSV's header row may name.
const CSV_COLUMNS: [&str; 4] = ["id", "title", "parent", "kind"];
/// What may stand in an id besides letters and digits.
const ID_PUNCTUATION: &str = ".-_()/";

/// A catalog of requirements (functions, clauses, controls, ...) in the framework's own order.
#[derive(Debug, Clone)]
pub(crate) struct Framework {
    /// Short name used in data and URLs: `nist-csf-2.0`.
    pub id: String,
    pub name: String,
    /// Empty when the file does not say.
    pub version: String,
    /// Empty when the file does not say.
    pub publisher: String,
    /// Under what terms the data may be shipped.
    pub licence: String,
    pub requirements: Vec<Requirement>,
    index: HashMap<String, usize>,
}

/// One node of a framework's tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Requirement {
    pub id: String,
    /// `None` where no title is shipped.
    pub title: Option<String>,
    /// Index into [`Framework::requirements`] of the enclosing requirement.
    pub parent: Option<usize>,
    /// What the framework calls this level: `function`, `category`, `subcategory`, `clause`,
    /// `objective`, `group`, `control`, ...
    pub kind: String,
    /// Position in the file, from 0; the same as the index.
    pub order: usize,
}

/// Why a framework file was refused, and where: enough for a diagnostic with a caret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FrameworkError {
    /// 1-based line of the problem in the file.
    pub line: usize,
    /// 1-based column, in characters (as [`crate::diagnostic::line_col`] counts).
    pub column: usize,
    /// Byte range of the offending text (empty where something is missing).
    pub range: Range<usize>,
    pub problem: FrameworkProblem,
    /// What to do about it, when there is more to say than the message.
    pub hint: Option<String>,
}

/// What is wrong with a framework file; `Display` is the message, without the place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FrameworkProblem {
    /// The YAML could not be read (syntax, a number where text belongs, an unknown key).
    Yaml(String),
    /// The CSV could not be read.
    Csv(String),
    /// A required fact (`name` in YAML, `licence` in both) is absent or blank.
    MissingField(&'static str),
    EmptyId,
    /// An id with a character ids may not have (`found`: the first one).
    BadId {
        id: String,
        found: char,
    },
    /// `id` is listed a second time; `first_line` is where it was listed first.
    DuplicateId {
        id: String,
        first_line: usize,
    },
    /// `parent` is not an id listed before `id` (parents come before their children);
    /// `later_line` is where it is listed, if it is listed after `id`.
    UnknownParent {
        id: String,
        parent: String,
        later_line: Option<usize>,
    },
    /// A CSV header cell that is none of [`CSV_COLUMNS`].
    UnknownColumn(String),
    DuplicateColumn(String),
    /// The CSV header row has no `id` column.
    MissingIdColumn,
    /// A CSV row with more cells than the header has columns.
    ExtraCell {
        columns: usize,
    },
    /// A CSV provenance fact (`# name: ...`) given twice; `first_line` is the first.
    DuplicateField {
        field: &'static str,
        first_line: usize,
    },
}

impl fmt::Display for FrameworkProblem {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            FrameworkProblem::Yaml(message) | FrameworkProblem::Csv(message) => {
                f.write_str(message)
            }
            FrameworkProblem::MissingField(field) => {
                write!(f, "the framework file has no `{field}`")
            }
            FrameworkProblem::EmptyId => f.write_str("a requirement has an empty id"),
            FrameworkProblem::BadId { id, found } if found.is_whitespace() => {
                write!(f, "the id `{id}` contains whitespace")
            }
            FrameworkProblem::BadId { id, found } => {
                write!(f, "the id `{id}` contains `{found}`")
            }
            FrameworkProblem::DuplicateId { id, first_line } => {
                write!(f, "`{id}` is listed twice (first on line {first_line})")
            }
            FrameworkProblem::UnknownParent {
                id,
                parent,
                later_line: Some(line),
            } => write!(
                f,
                "`{id}` names the parent `{parent}`, which is listed after it (line {line})"
            ),
            FrameworkProblem::UnknownParent { id, parent, .. } => write!(
                f,
                "`{id}` names the parent `{parent}`, which is not listed before it"
            ),
            FrameworkProblem::UnknownColumn(name) if name.is_empty() => {
                f.write_str("a column of the header row has no name")
            }
            FrameworkProblem::UnknownColumn(name) => write!(f, "unknown column `{name}`"),
            FrameworkProblem::DuplicateColumn(name) => {
                write!(f, "the column `{name}` is named twice")
            }
            FrameworkProblem::MissingIdColumn => f.write_str("the header row has no `id` column"),
            FrameworkProblem::ExtraCell { columns } => write!(
                f,
                "this row has more cells than the header row's {columns} column{}",
                if *columns == 1 { "" } else { "s" }
            ),
            FrameworkProblem::DuplicateField { field, first_line } => write!(
                f,
                "`# {field}:` is given twice (first on line {first_line})"
            ),
        }
    }
}

impl fmt::Display for FrameworkError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.problem.fmt(f)
    }
}

impl FrameworkError {
    /// An error at `range` of `text`; `base` is how far `text` starts into the file (a BOM).
    fn at(
        text: &str,
        base: usize,
        range: Range<usize>,
        problem: FrameworkProblem,
        hint: Option<String>,
    ) -> FrameworkError {
        let (line, column) = line_col(text, range.start);
        FrameworkError {
            line,
            column,
            range: range.start + base..range.end + base,
            problem,
            hint,
        }
    }

    /// A YAML error where serde_yaml placed it, with the hint the message calls for.
    fn yaml(text: &str, e: YamlError) -> FrameworkError {
        let start = offset_of(text, e.line, e.column);
        let rest = &text[start..];
        let len = rest.find([',', '}', ']', '\n', '\r']).unwrap_or(rest.len());
        let end = start + rest[..len].trim_end().len();
        let hint = if e.message.contains(yaml::NOT_TEXT) {
            Some(
                "quote it, e.g. `id: \"5.1\"`: YAML would read 5.1 as a number (and 1.10 as 1.1)"
                    .to_string(),
            )
        } else if let Some((_, hint)) = unknown_field_hint(&e.message) {
            Some(hint)
        } else if e.message.contains("missing field `requirements`") {
            Some(
                "list them: `requirements:`, then one `- { id: CC6.1, title: ... }` per line"
                    .into(),
            )
        } else {
            Some("check the YAML syntax near here; a value with `: ` or ` #` needs quotes".into())
        };
        FrameworkError {
            line: e.line,
            column: e.column,
            range: start..end,
            problem: FrameworkProblem::Yaml(e.message),
            hint,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFramework {
    #[serde(default)]
    name: Option<Text>,
    #[serde(default)]
    version: Option<Text>,
    #[serde(default)]
    publisher: Option<Text>,
    #[serde(default)]
    licence: Option<Text>,
    requirements: Vec<RawRequirement>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRequirement {
    id: Text,
    #[serde(default)]
    title: Option<Text>,
    #[serde(default)]
    parent: Option<Text>,
    #[serde(default)]
    kind: Option<Text>,
}

/// A requirement as read from either format, with where its id and parent are written.
struct Entry {
    id: String,
    title: Option<String>,
    parent: Option<String>,
    kind: Option<String>,
    id_at: Range<usize>,
    parent_at: Range<usize>,
}

/// The facts about a framework other than its requirements.
struct Facts {
    name: String,
    version: String,
    publisher: String,
    licence: String,
}

impl Framework {
    /// The built-in framework called `id`, if there is one.
    pub(crate) fn builtin(id: &str) -> Option<Framework> {
        let (id, text) = BUILTIN.iter().find(|(name, _)| *name == id)?;
        match Framework::parse(id, text) {
            Ok(framework) => Some(framework),
            Err(e) => panic!(
                "the embedded framework {id} is invalid: line {}, column {}: {e}",
                e.line, e.column
            ),
        }
    }

    /// Reads a framework YAML file (built in, or a book's `frameworks/<id>.yaml`); `id` is the
    /// framework's id (its file name).
    pub(crate) fn parse(id: &str, text: &str) -> Result<Framework, FrameworkError> {
        let raw: RawFramework = yaml::from_str(text).map_err(|e| FrameworkError::yaml(text, e))?;
        let required = |field: &'static str, value: Option<Text>| match value {
            Some(v) if !v.0.trim().is_empty() => Ok(v.0),
            _ => {
                let at = value_range(text, field).unwrap_or_else(|| {
                    let start = first_content_line(text);
                    start..start
                });
                let example = match field {
                    "licence" => "licence: ids and our own short titles",
                    _ => "name: SOC 2 Trust Services Criteria",
                };
                let why = match field {
                    "licence" => "say under what terms the ids and titles may be used",
                    _ => "give the framework's full name",
                };
                Err(FrameworkError::at(
                    text,
                    0,
                    at,
                    FrameworkProblem::MissingField(field),
                    Some(format!("{why}, e.g. `{example}`")),
                ))
            }
        };
        let facts = Facts {
            name: required("name", raw.name)?,
            licence: required("licence", raw.licence)?,
            version: raw.version.map(|t| t.0).unwrap_or_default(),
            publisher: raw.publisher.map(|t| t.0).unwrap_or_default(),
        };
        let places = requirement_places(text, raw.requirements.len());
        let entries = (raw.requirements.into_iter().zip(places))
            .map(|(r, place)| Entry {
                id: r.id.0,
                title: r.title.map(|t| t.0),
                parent: r.parent.map(|t| t.0),
                kind: r.kind.map(|t| t.0),
                id_at: place.id,
                parent_at: place.parent,
            })
            .collect();
        build(id, facts, entries, text, 0)
    }

    /// Index of the requirement with this exact id.
    pub(crate) fn requirement(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// How many requirements are of this kind.
    #[cfg(test)]
    pub(crate) fn count(&self, kind: &str) -> usize {
        self.requirements.iter().filter(|r| r.kind == kind).count()
    }
}

impl Framework {
    /// A framework made in code, for tests.
    #[cfg(test)]
    pub(crate) fn new(
        id: &str,
        name: &str,
        version: &str,
        publisher: &str,
        licence: &str,
        requirements: Vec<Requirement>,
    ) -> Framework {
        let index = (requirements.iter().enumerate())
            .map(|(i, r)| (r.id.clone(), i))
            .collect();
        Framework {
            id: id.into(),
            name: name.into(),
            version: version.into(),
            publisher: publisher.into(),
            licence: licence.into(),
            requirements,
            index,
        }
    }
}

/// Reads a book's framework file: CSV when `csv`, else YAML.
pub(crate) fn parse_file(id: &str, text: &str, csv: bool) -> Result<Framework, FrameworkError> {
    if csv {
        Framework::parse_csv(id, text)
    } else {
        Framework::parse(id, text)
    }
}

/// Checks the entries (ids, parents) and makes the framework; errors point into `text`.
fn build(
    id: &str,
    facts: Facts,
    entries: Vec<Entry>,
    text: &str,
    base: usize,
) -> Result<Framework, FrameworkError> {
    let error = |range: Range<usize>, problem, hint: Option<String>| {
        FrameworkError::at(text, base, range, problem, hint)
    };
    let line_of = |range: &Range<usize>| line_col(text, range.start).0;
    let parents: HashSet<&str> = (entries.iter())
        .filter_map(|e| e.parent.as_deref().map(str::trim))
        .collect();
    let mut requirements: Vec<Requirement> = Vec::with_capacity(entries.len());
    let mut index: HashMap<String, usize> = HashMap::with_capacity(entries.len());
    for (order, entry) in entries.iter().enumerate() {
        let rid = entry.id.trim();
        if rid.is_empty() {
            return Err(error(
                entry.id_at.clone(),
                FrameworkProblem::EmptyId,
                Some("give every requirement an id".into()),
            ));
        }
        if let Some(found) = rid.chars().find(|&c| !id_char(c)) {
            let hint = if found == ':' {
                "a `:` separates a framework from a requirement (`soc2:CC6.1`), so an id cannot \
                 contain one"
            } else {
                "an id may contain letters, digits and `.`, `-`, `_`, `(`, `)`, `/`"
            };
            return Err(error(
                entry.id_at.clone(),
                FrameworkProblem::BadId {
                    id: rid.to_string(),
                    found,
                },
                Some(hint.into()),
            ));
        }
        let parent = match entry.parent.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(p) => match index.get(p) {
                Some(&i) => Some(i),
                None => {
                    let later = entries[order..].iter().find(|e| e.id.trim() == p);
                    let hint = match later {
                        Some(_) => {
                            format!("move `{p}` above `{rid}`: parents come before their children")
                        }
                        None => match did_you_mean(p, requirements.iter().map(|r| r.id.as_str())) {
                            Some(best) => format!("did you mean `{best}`?"),
                            None => format!("list `{p}` above `{rid}`, or correct the parent"),
                        },
                    };
                    return Err(error(
                        entry.parent_at.clone(),
                        FrameworkProblem::UnknownParent {
                            id: rid.to_string(),
                            parent: p.to_string(),
                            later_line: later.map(|e| line_of(&e.id_at)),
                        },
                        Some(hint),
                    ));
                }
            },
        };
        if let Some(&first) = index.get(rid) {
            let first_line = line_of(&entries[first].id_at);
            return Err(error(
                entry.id_at.clone(),
                FrameworkProblem::DuplicateId {
                    id: rid.to_string(),
                    first_line,
                },
                Some("give each requirement its own id, or remove one of the two".into()),
            ));
        }
        index.insert(rid.to_string(), order);
        let kind = match entry.kind.as_deref().map(str::trim) {
            Some(k) if !k.is_empty() => k.to_string(),
            _ if parents.contains(rid) => DEFAULT_GROUP_KIND.to_string(),
            _ => DEFAULT_KIND.to_string(),
        };
        requirements.push(Requirement {
            id: rid.to_string(),
            title: entry.title.clone().filter(|t| !t.trim().is_empty()),
            parent,
            kind,
            order,
        });
    }
    Ok(Framework {
        id: id.to_string(),
        name: facts.name,
        version: facts.version,
        publisher: facts.publisher,
        licence: facts.licence,
        requirements,
        index,
    })
}

/// Whether `c` may stand in a requirement id.
pub(crate) fn id_char(c: char) -> bool {
    c.is_alphanumeric() || ID_PUNCTUATION.contains(c)
}

/// Ids of the built-in frameworks, in a fixed order.
pub(crate) fn builtin_ids() -> impl Iterator<Item = &'static str> {
    BUILTIN.iter().map(|(id, _)| *id)
}

#[cfg(test)]
mod tests;
