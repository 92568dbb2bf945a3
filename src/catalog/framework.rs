//! Frameworks other than ISO/IEC 27001:2022: catalogs of requirement ids a book can map its
//! documents to (their crosswalks are in [`super::crosswalk`]).
//!
//! A book may answer to more than one framework (NIST CSF 2.0 beside ISO 27001, or the 2013
//! numbering during a transition). Each built-in framework is one YAML file in `frameworks/`,
//! embedded in the binary and named by its id; its header says where the data comes from and how
//! it was checked. The files hold ids, short titles and the tree only: ISO's text stays out.
//! [`Catalog`](super::Catalog) keeps serving the 2022 edition as before.
//!
//! [`super::crosswalk::Iso27001_2013`] puts the 2013 Annex A and the crosswalk to 2022 to work:
//! front matter may name a control by its 2013 id. The rest (other frameworks, coverage pages)
//! waits for the frameworks feature.
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

/// `policybook framework import`: OSCAL catalogs into a book's framework YAML. Declared here,
/// not in `catalog/mod.rs`, so that the file formats and their importer travel together.
#[path = "oscal.rs"]
pub(crate) mod oscal;

/// The built-in frameworks: id (the file's name) and YAML text.
const BUILTIN: &[(&str, &str)] = &[
    ("nist-csf-2.0", include_str!("frameworks/nist-csf-2.0.yaml")),
    (
        "iso27001-2013",
        include_str!("frameworks/iso27001-2013.yaml"),
    ),
    (
        "iso42001-2023",
        include_str!("frameworks/iso42001-2023.yaml"),
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
// `id`, `name`, `version`, `publisher`, `licence` are for the frameworks feature's pages; only tests read them yet.
#[allow(dead_code)]
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

    /// Reads a framework CSV file (a book's `frameworks/<id>.csv`): the provenance header in
    /// `#` comments, a header row, one requirement per row (see the module documentation).
    #[allow(dead_code)] // For the book's framework registry (`frameworks/<id>.csv`); only tests call it yet.
    pub(crate) fn parse_csv(id: &str, text: &str) -> Result<Framework, FrameworkError> {
        let (base, text) = match text.strip_prefix('\u{feff}') {
            Some(rest) => ('\u{feff}'.len_utf8(), rest),
            None => (0, text),
        };
        let error = |range: Range<usize>, problem, hint: Option<String>| {
            FrameworkError::at(text, base, range, problem, hint)
        };
        let header =
            csv_header_fields(text).map_err(|(range, problem)| error(range, problem, None))?;
        let mut reader = csv::ReaderBuilder::new()
            .comment(Some(b'#'))
            .flexible(true)
            .from_reader(text.as_bytes());
        let csv_error = |e: csv::Error| {
            let at = e
                .position()
                .map_or(0, |p| p.byte() as usize)
                .min(text.len());
            let message = match e.kind() {
                csv::ErrorKind::Utf8 { .. } => "this row is not valid UTF-8".to_string(),
                _ => e.to_string(),
            };
            error(at..at, FrameworkProblem::Csv(message), None)
        };
        let headers = reader.headers().map_err(csv_error)?.clone();
        let header_at = header.row;
        let mut columns: [Option<usize>; 4] = [None; 4];
        for (i, cell) in headers.iter().enumerate() {
            let name = cell.trim().to_lowercase();
            let at = || csv_cell_range(text, header_at, i);
            match CSV_COLUMNS.iter().position(|c| *c == name) {
                Some(c) if columns[c].is_some() => {
                    return Err(error(
                        at(),
                        FrameworkProblem::DuplicateColumn(name),
                        Some("remove one of the two columns".into()),
                    ))
                }
                Some(c) => columns[c] = Some(i),
                None => {
                    let hint = match did_you_mean(&name, CSV_COLUMNS) {
                        Some(best) => format!(
                            "did you mean `{best}`? The columns are `id`, `title`, `parent` and `kind`, in any order"
                        ),
                        None => "the columns are `id`, `title`, `parent` and `kind`, in any order"
                            .to_string(),
                    };
                    return Err(error(
                        at(),
                        FrameworkProblem::UnknownColumn(name),
                        Some(hint),
                    ));
                }
            }
        }
        let [Some(id_column), title_column, parent_column, kind_column] = columns else {
            return Err(error(
                header_at..header_at,
                FrameworkProblem::MissingIdColumn,
                Some(
                    "the first line that is not a `#` comment is the header row, e.g. \
                     `id,title,parent`"
                        .into(),
                ),
            ));
        };
        let [name, version, publisher, licence] = header.fields;
        let Some(licence) = licence.filter(|l| !l.trim().is_empty()) else {
            let hint = if header.saw_license {
                "write `# licence: ...` (spelt as in the YAML files) above the header row"
            } else {
                "say under what terms the ids and titles may be used: add a comment line above \
                 the header row, e.g. `# licence: ids and our own short titles`"
            };
            return Err(error(
                header_at..header_at,
                FrameworkProblem::MissingField("licence"),
                Some(hint.into()),
            ));
        };
        let facts = Facts {
            name: name
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| id.to_string()),
            version: version.unwrap_or_default(),
            publisher: publisher.unwrap_or_default(),
            licence,
        };
        let mut entries = Vec::new();
        for record in reader.records() {
            let record = record.map_err(csv_error)?;
            let start = past_comments(text, record.position().map_or(0, |p| p.byte() as usize));
            if record.len() > headers.len() {
                return Err(error(
                    csv_cell_range(text, start, headers.len()),
                    FrameworkProblem::ExtraCell {
                        columns: headers.len(),
                    },
                    Some("a cell holding a comma is written in double quotes: `\"Access, and more\"`".into()),
                ));
            }
            let cell = |column: Option<usize>| {
                column
                    .and_then(|c| record.get(c))
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .map(str::to_string)
            };
            let at = |column: Option<usize>| match column {
                Some(c) => csv_cell_range(text, start, c),
                None => start..start,
            };
            entries.push(Entry {
                id: cell(Some(id_column)).unwrap_or_default(),
                title: cell(title_column),
                parent: cell(parent_column),
                kind: cell(kind_column),
                id_at: at(Some(id_column)),
                parent_at: at(parent_column),
            });
        }
        build(id, facts, entries, text, base)
    }

    /// Index of the requirement with this exact id.
    pub(crate) fn requirement(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// How many requirements are of this kind.
    #[allow(dead_code)] // For the frameworks feature's coverage pages; only tests call it yet.
    pub(crate) fn count(&self, kind: &str) -> usize {
        self.requirements.iter().filter(|r| r.kind == kind).count()
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

/// Byte offset of the first line that is neither blank nor a comment (where a missing key goes).
fn first_content_line(text: &str) -> usize {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if !t.is_empty() && !t.starts_with('#') {
            return offset;
        }
        offset += line.len();
    }
    0
}

/// Where one entry of `requirements:` is written: its `id` and `parent` values (the entry's
/// dash, or the `requirements` key, when they cannot be found).
struct Place {
    id: Range<usize>,
    parent: Range<usize>,
}

/// The places of the `count` entries of the top-level `requirements:` list, found by reading
/// the text (serde_yaml tells where its own errors are, not where values are). A list written
/// in flow style (`[...]`) places every entry at the key.
fn requirement_places(text: &str, count: usize) -> Vec<Place> {
    let key = key_range(text, "requirements", 0).unwrap_or(0..0);
    let fallback = || Place {
        id: key.clone(),
        parent: key.clone(),
    };
    let items = list_items(text, key.end);
    if items.len() != count {
        return (0..count).map(|_| fallback()).collect();
    }
    items
        .iter()
        .map(|item| {
            let dash = item.start..item.start + 1;
            let keys = flow_keys(text, item.clone());
            let find = |name: &str| {
                (keys.iter())
                    .find(|(k, _)| *k == name)
                    .map_or(dash.clone(), |(_, v)| v.clone())
            };
            Place {
                id: find("id"),
                parent: find("parent"),
            }
        })
        .collect()
}

/// Byte ranges of the items (`- ...`) of the block list that follows a top-level key ending at
/// `after`: from each item's dash to the next one.
fn list_items(text: &str, after: usize) -> Vec<Range<usize>> {
    let mut offset = text[after..]
        .find('\n')
        .map_or(text.len(), |i| after + i + 1);
    let mut starts = Vec::new();
    let mut indent = None;
    let mut end = text.len();
    for line in text[offset..].split_inclusive('\n') {
        let first = line.chars().next().unwrap_or(' ');
        if !first.is_whitespace() && first != '-' && first != '#' {
            end = offset;
            break;
        }
        let trimmed = line.trim_start_matches(' ');
        let depth = line.len() - trimmed.len();
        let is_item = trimmed
            .strip_prefix('-')
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\n', '\r', '\t']));
        if is_item && indent.is_none_or(|i| i == depth) {
            indent = Some(depth);
            starts.push(offset + depth);
        }
        offset += line.len();
    }
    (starts.iter().enumerate())
        .map(|(i, &s)| s..starts.get(i + 1).copied().unwrap_or(end))
        .collect()
}

/// The keys of a mapping written in `range` (flow `{ k: v }` or block `k: v` lines) with the
/// byte range of each value (inside its quotes, if quoted). Quotes and comments are skipped,
/// so a title that contains `id:` is not taken for a key.
fn flow_keys(text: &str, range: Range<usize>) -> Vec<(&str, Range<usize>)> {
    let bytes = text.as_bytes();
    let end = range.end;
    let mut keys = Vec::new();
    // Just after the item's dash, a `{`, a `,` or a line's indentation: a key may start here.
    let mut key_position = true;
    let mut i = range.start + 1;
    while i < end {
        match bytes[i] {
            b' ' | b'\t' | b'\r' => i += 1,
            b'\n' => {
                key_position = true;
                i += 1;
            }
            b'#' if i == 0 || bytes[i - 1].is_ascii_whitespace() => {
                i = text[i..end].find('\n').map_or(end, |n| i + n);
            }
            b'{' | b',' => {
                key_position = true;
                i += 1;
            }
            b'"' | b'\'' => {
                i = quoted_end(bytes, i, end);
                key_position = false;
            }
            b if key_position && (b.is_ascii_alphabetic() || b == b'_') => {
                let word_end = (i..end)
                    .find(|&j| {
                        !(bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_' || bytes[j] == b'-')
                    })
                    .unwrap_or(end);
                let mut j = word_end;
                while j < end && bytes[j] == b' ' {
                    j += 1;
                }
                let is_key = j < end
                    && bytes[j] == b':'
                    && (j + 1 == end || b" \t\r\n,}".contains(&bytes[j + 1]));
                key_position = false;
                if !is_key {
                    i = word_end;
                    continue;
                }
                let (value, next) = value_after(text, j + 1, end);
                keys.push((&text[i..word_end], value));
                i = next;
            }
            _ => {
                key_position = false;
                i += 1;
            }
        }
    }
    keys
}

/// The value after a key's colon at `from` (inside quotes, if quoted) and where to read on.
fn value_after(text: &str, from: usize, end: usize) -> (Range<usize>, usize) {
    let bytes = text.as_bytes();
    let mut i = from;
    while i < end && (bytes[i] == b' ' || bytes[i] == b'\t') {
        i += 1;
    }
    if i < end && (bytes[i] == b'"' || bytes[i] == b'\'') {
        let close = quoted_end(bytes, i, end);
        let inner_end = if close > i + 1 && close <= end {
            close - 1
        } else {
            close
        };
        return (i + 1..inner_end.max(i + 1), close);
    }
    let mut j = i;
    while j < end && !b",}]\n\r".contains(&bytes[j]) && !(bytes[j] == b'#' && bytes[j - 1] == b' ')
    {
        j += 1;
    }
    let value_end = i + text[i..j].trim_end().len();
    (i..value_end, j)
}

/// Just past the closing quote of the quoted scalar opening at `start` (or `end`).
fn quoted_end(bytes: &[u8], start: usize, end: usize) -> usize {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < end {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b if b == quote => return i + 1,
            _ => i += 1,
        }
    }
    end
}

/// The provenance facts of a CSV's comment header ([`CSV_FIELDS`] order), and whether a
/// `# license:` line was seen (spelt as the YAML files do not).
struct CsvHeader {
    fields: [Option<String>; 4],
    saw_license: bool,
    /// Byte offset of the header row.
    row: usize,
}

/// Reads the `# key: value` lines before the header row.
fn csv_header_fields(text: &str) -> Result<CsvHeader, (Range<usize>, FrameworkProblem)> {
    let mut header = CsvHeader {
        fields: Default::default(),
        saw_license: false,
        row: text.len(),
    };
    let mut first_lines = [0usize; 4];
    let mut offset = 0;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let content = line.trim_end_matches(['\n', '\r']);
        if content.trim().is_empty() {
            offset += line.len();
            continue;
        }
        let Some(comment) = content.strip_prefix('#') else {
            header.row = offset;
            break;
        };
        if let Some((key, value)) = comment.split_once(':') {
            let key_name = key.trim().to_lowercase();
            if let Some(f) = CSV_FIELDS.iter().position(|f| *f == key_name) {
                if header.fields[f].is_some() {
                    let key_start = offset + 1 + (key.len() - key.trim_start().len());
                    return Err((
                        key_start..key_start + key.trim().len(),
                        FrameworkProblem::DuplicateField {
                            field: CSV_FIELDS[f],
                            first_line: first_lines[f],
                        },
                    ));
                }
                header.fields[f] = Some(value.trim().to_string());
                first_lines[f] = n + 1;
            } else if key_name == "license" {
                header.saw_license = true;
            }
        }
        offset += line.len();
    }
    Ok(header)
}

/// The first byte at or after `at` that starts neither a blank line nor a `#` comment line: the
/// csv crate places a record where it began reading, before the comments it skipped.
fn past_comments(text: &str, at: usize) -> usize {
    let mut offset = at.min(text.len());
    while offset < text.len() {
        let line_end = text[offset..]
            .find('\n')
            .map_or(text.len(), |i| offset + i + 1);
        let line = &text[offset..line_end];
        if !(line.trim_end_matches(['\r', '\n']).is_empty() || line.starts_with('#')) {
            break;
        }
        offset = line_end;
    }
    offset
}

/// Byte range of cell `index` of the CSV record starting at `start` (the record's end when it
/// has fewer cells), without the spaces before it.
fn csv_cell_range(text: &str, start: usize, index: usize) -> Range<usize> {
    let bytes = text.as_bytes();
    let mut i = start.min(bytes.len());
    let mut cell = 0;
    loop {
        while i < bytes.len() && bytes[i] == b' ' {
            i += 1;
        }
        let cell_start = i;
        if bytes.get(i) == Some(&b'"') {
            i += 1;
            while i < bytes.len() {
                match bytes[i] {
                    b'"' if bytes.get(i + 1) == Some(&b'"') => i += 2,
                    b'"' => {
                        i += 1;
                        break;
                    }
                    _ => i += 1,
                }
            }
        }
        while i < bytes.len() && !b",\n\r".contains(&bytes[i]) {
            i += 1;
        }
        if cell == index || bytes.get(i) != Some(&b',') {
            let cell_end = cell_start + text[cell_start..i].trim_end().len();
            return if cell == index {
                cell_start..cell_end
            } else {
                i..i
            };
        }
        i += 1;
        cell += 1;
    }
}

/// Ids of the built-in frameworks, in a fixed order.
#[allow(dead_code)] // For the frameworks feature's book setting; only tests call it yet.
pub(crate) fn builtin_ids() -> impl Iterator<Item = &'static str> {
    BUILTIN.iter().map(|(id, _)| *id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use std::collections::HashSet;

    fn builtin(id: &str) -> Framework {
        Framework::builtin(id).unwrap_or_else(|| panic!("{id} is built in"))
    }
    /// Ids unique, each parent listed before its child, and `order` its index.
    fn assert_tree(f: &Framework) {
        let ids: HashSet<&str> = f.requirements.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids.len(), f.requirements.len(), "{}: ids are unique", f.id);
        for (i, r) in f.requirements.iter().enumerate() {
            assert_eq!(r.order, i);
            assert_eq!(f.requirement(&r.id), Some(i));
            if let Some(p) = r.parent {
                assert!(p < i, "{}: {} comes after its parent", f.id, r.id);
            }
        }
    }
    /// `id` exists, with this title, under `parent`.
    fn assert_node(f: &Framework, id: &str, title: &str, parent: Option<&str>) {
        let r = &f.requirements[f.requirement(id).unwrap_or_else(|| panic!("{id} exists"))];
        assert_eq!(r.title.as_deref(), Some(title), "{id}");
        assert_eq!(
            r.parent.map(|p| f.requirements[p].id.as_str()),
            parent,
            "{id}"
        );
    }
    #[test]
    fn every_builtin_framework_parses_into_a_tree() {
        let ids: Vec<&str> = builtin_ids().collect();
        assert_eq!(ids, ["nist-csf-2.0", "iso27001-2013", "iso42001-2023"]);
        for id in ids {
            let f = builtin(id);
            assert_eq!(f.id, id);
            assert!(!f.name.is_empty() && !f.licence.is_empty(), "{id}");
            assert_tree(&f);
            assert!(f.requirements.iter().all(|r| r.title.is_some()), "{id}");
        }
        assert!(Framework::builtin("iso27001-2022").is_none());
    }
    #[test]
    fn nist_csf_2_has_6_functions_22_categories_106_subcategories() {
        let f = builtin("nist-csf-2.0");
        assert_eq!(f.count("function"), 6);
        assert_eq!(f.count("category"), 22);
        assert_eq!(f.count("subcategory"), 106);
        assert_eq!(f.requirements.len(), 134);
        let functions: Vec<&str> = (f.requirements.iter())
            .filter(|r| r.kind == "function")
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(functions, ["GV", "ID", "PR", "DE", "RS", "RC"]);
        for r in &f.requirements {
            let parent = r.parent.map(|p| &f.requirements[p]);
            match r.kind.as_str() {
                "function" => assert!(parent.is_none()),
                "category" => assert_eq!(parent.unwrap().kind, "function", "{}", r.id),
                "subcategory" => {
                    let parent = parent.unwrap();
                    assert_eq!(parent.kind, "category", "{}", r.id);
                    assert!(r.id.starts_with(&format!("{}-", parent.id)), "{}", r.id);
                }
                other => panic!("unexpected kind {other}"),
            }
        }
        assert_node(&f, "PR", "Protect", None);
        assert_node(&f, "GV.OC", "Organizational Context", Some("GV"));
        assert_node(
            &f,
            "PR.AA",
            "Identity Management, Authentication, and Access Control",
            Some("PR"),
        );
        assert_node(
            &f,
            "PR.AA-01",
            "Identities and credentials for authorized users, services, and hardware are \
             managed by the organization",
            Some("PR.AA"),
        );
        assert_node(&f, "RS.MI-02", "Incidents are eradicated", Some("RS.MI"));
        // Withdrawn in 2.0: not listed.
        for gone in ["ID.AM-06", "ID.BE", "PR.AC-01", "DE.AE-01", "PR.PT"] {
            assert!(f.requirement(gone).is_none(), "{gone}");
        }
    }
    #[test]
    fn iso27001_2013_has_14_clauses_35_objectives_114_controls() {
        let f = builtin("iso27001-2013");
        assert_eq!(f.count("clause"), 14);
        assert_eq!(f.count("objective"), 35);
        assert_eq!(f.count("control"), 114);
        assert_eq!(f.requirements.len(), 163);
        // The tree follows the numbering: A.9.2.1 under A.9.2 under A.9.
        for r in &f.requirements {
            let expected = r.id.rsplit_once('.').map(|(p, _)| p).filter(|p| *p != "A");
            let parent = r.parent.map(|p| f.requirements[p].id.as_str());
            assert_eq!(parent, expected, "{}", r.id);
        }
        let per_clause: Vec<usize> = (5..=18)
            .map(|c| {
                let prefix = format!("A.{c}.");
                (f.requirements.iter())
                    .filter(|r| r.kind == "control" && r.id.starts_with(&prefix))
                    .count()
            })
            .collect();
        assert_eq!(per_clause, [2, 7, 6, 10, 14, 2, 15, 14, 7, 13, 5, 7, 4, 8]);
        assert_node(&f, "A.9", "Access control", None);
        assert_node(&f, "A.9.2", "User access management", Some("A.9"));
        assert_node(
            &f,
            "A.9.2.1",
            "User registration and de-registration",
            Some("A.9.2"),
        );
        assert_node(
            &f,
            "A.12.6.1",
            "Management of technical vulnerabilities",
            Some("A.12.6"),
        );
        assert_node(
            &f,
            "A.18.2.3",
            "Technical compliance review",
            Some("A.18.2"),
        );
    }
    #[test]
    fn iso42001_2023_has_clauses_4_to_10_and_38_annex_a_controls() {
        let f = builtin("iso42001-2023");
        assert_eq!(f.count("objective"), 9);
        assert_eq!(f.count("group"), 2);
        assert_eq!(f.count("control"), 38);
        let top: Vec<&str> = (f.requirements.iter())
            .filter(|r| r.kind == "clause" && r.parent.is_none())
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(top, ["4", "5", "6", "7", "8", "9", "10"]);
        // The clauses share 27001:2022's numbering (harmonized structure), plus 6.1.4 and 8.4.
        let clauses: HashSet<&str> = (f.requirements.iter())
            .filter(|r| r.kind == "clause")
            .map(|r| r.id.as_str())
            .collect();
        let catalog = Catalog::iso27001_2022();
        let iso27001: HashSet<&str> = catalog.clauses.iter().map(|c| c.id.as_str()).collect();
        let extra: Vec<&str> = {
            let mut v: Vec<&str> = clauses.difference(&iso27001).copied().collect();
            v.sort();
            v
        };
        assert_eq!(extra, ["6.1.4", "8.4"]);
        assert!(iso27001.is_subset(&clauses));
        let per_objective: Vec<usize> = (2..=10)
            .map(|o| {
                let prefix = format!("A.{o}.");
                (f.requirements.iter())
                    .filter(|r| r.kind == "control" && r.id.starts_with(&prefix))
                    .count()
            })
            .collect();
        assert_eq!(per_objective, [3, 2, 5, 4, 9, 5, 4, 3, 3]);
        assert_node(&f, "6.1.2", "AI risk assessment", Some("6.1"));
        assert_node(&f, "A.6", "AI system life cycle", None);
        assert_node(&f, "A.6.2", "AI system life cycle", Some("A.6"));
        assert_node(
            &f,
            "A.6.2.4",
            "AI system verification and validation",
            Some("A.6.2"),
        );
        assert_node(&f, "A.10.2", "Allocating responsibilities", Some("A.10"));
    }
    #[test]
    fn a_parent_must_be_listed_before_its_child() {
        let text = "name: T\nversion: \"1\"\npublisher: P\nlicence: L\nrequirements:\n  \
                    - { id: B, parent: A, kind: control }\n  - { id: A, kind: clause }\n";
        let err = Framework::parse("t", text).unwrap_err();
        assert_eq!(
            err.problem,
            FrameworkProblem::UnknownParent {
                id: "B".into(),
                parent: "A".into(),
                later_line: Some(7),
            }
        );
        // At B's `parent` value.
        assert_eq!((err.line, err.column), (6, 22));
        assert_eq!(&text[err.range.clone()], "A");
        assert_eq!(
            err.to_string(),
            "`B` names the parent `A`, which is listed after it (line 7)"
        );
        assert_eq!(
            err.hint.as_deref(),
            Some("move `A` above `B`: parents come before their children")
        );
    }
    #[test]
    fn a_duplicate_id_is_refused_by_name_with_both_lines() {
        let text = "name: T\nversion: \"1\"\npublisher: P\nlicence: L\nrequirements:\n  \
                    - { id: A, title: One, kind: clause }\n  - { id: A, kind: clause }\n";
        let err = Framework::parse("t", text).unwrap_err();
        assert_eq!(
            err.problem,
            FrameworkProblem::DuplicateId {
                id: "A".into(),
                first_line: 6
            }
        );
        assert_eq!((err.line, err.column), (7, 11));
        assert_eq!(err.to_string(), "`A` is listed twice (first on line 6)");
    }
    #[test]
    fn numbers_and_unknown_fields_are_yaml_errors() {
        let number = "name: T\nversion: 1.10\npublisher: P\nlicence: L\nrequirements: []\n";
        assert!(matches!(
            Framework::parse("t", number),
            Err(FrameworkError { problem: FrameworkProblem::Yaml(m), line: 2, column: 10, .. })
                if m.contains(yaml::NOT_TEXT)
        ));
        let unknown = "name: T\nversion: \"1\"\npublisher: P\nlicence: L\nrequirements:\n  \
                       - { id: A, kind: clause, colour: red }\n";
        assert!(matches!(
            Framework::parse("t", unknown),
            Err(FrameworkError {
                problem: FrameworkProblem::Yaml(_),
                line: 6,
                ..
            })
        ));
    }
    #[test]
    fn a_missing_or_blank_title_is_none() {
        let text = "name: T\nversion: \"1\"\npublisher: P\nlicence: L\nrequirements:\n  \
                    - { id: A, kind: clause }\n  - { id: B, title: \" \", parent: A, kind: control }\n";
        let f = Framework::parse("t", text).unwrap();
        assert_eq!(f.requirements[0].title, None);
        assert_eq!(f.requirements[1].title, None);
        assert_eq!(f.requirements[1].parent, Some(0));
    }

    /// The error `parse` gives for `text`, which must be refused.
    fn yaml_error(text: &str) -> FrameworkError {
        match Framework::parse("t", text) {
            Ok(_) => panic!("accepted: {text}"),
            Err(e) => e,
        }
    }
    fn csv_error(text: &str) -> FrameworkError {
        match Framework::parse_csv("t", text) {
            Ok(_) => panic!("accepted: {text}"),
            Err(e) => e,
        }
    }
    /// Kind of each requirement, in order.
    fn kinds(f: &Framework) -> Vec<(&str, &str)> {
        (f.requirements.iter())
            .map(|r| (r.id.as_str(), r.kind.as_str()))
            .collect()
    }
    const SOC2: &str = "# frameworks/soc2.yaml (the file name is the framework's id)\n\
        name: SOC 2 Trust Services Criteria\n\
        version: \"2017 (rev. 2022)\"\n\
        publisher: AICPA\n\
        licence: ids and our own short titles\n\
        requirements:\n  \
          - { id: CC6, title: Logical and physical access controls }\n  \
          - { id: CC6.1, title: Logical access security, parent: CC6 }\n";
    #[test]
    fn a_book_file_may_leave_out_kind_a_parent_is_a_group() {
        let f = Framework::parse("soc2", SOC2).unwrap();
        assert_eq!(f.id, "soc2");
        assert_eq!(f.name, "SOC 2 Trust Services Criteria");
        assert_eq!(f.version, "2017 (rev. 2022)");
        assert_eq!(f.publisher, "AICPA");
        assert_eq!(f.licence, "ids and our own short titles");
        assert_eq!(kinds(&f), [("CC6", "group"), ("CC6.1", "requirement")]);
        assert_node(&f, "CC6.1", "Logical access security", Some("CC6"));
        // A kind written wins over both defaults; a blank one is left out.
        let text = "name: T\nlicence: L\nrequirements:\n  - { id: A, kind: principle }\n  \
                    - { id: B, parent: A, kind: \" \" }\n  - { id: C, parent: B, kind: point }\n";
        let f = Framework::parse("t", text).unwrap();
        assert_eq!(
            kinds(&f),
            [("A", "principle"), ("B", "group"), ("C", "point")]
        );
    }
    #[test]
    fn version_and_publisher_may_be_left_out_name_and_licence_not() {
        let f = Framework::parse("t", "name: T\nlicence: L\nrequirements: []\n").unwrap();
        assert_eq!((f.version.as_str(), f.publisher.as_str()), ("", ""));
        let err = yaml_error("# ours\n\nname: T\nversion: \"1\"\nrequirements: []\n");
        assert_eq!(err.problem, FrameworkProblem::MissingField("licence"));
        assert_eq!(err.to_string(), "the framework file has no `licence`");
        // At the first line of the mapping, after the comments.
        assert_eq!((err.line, err.column), (3, 1));
        assert!(err
            .hint
            .unwrap()
            .contains("`licence: ids and our own short titles`"));
        let err = yaml_error("licence: L\nname: \"  \"\nrequirements: []\n");
        assert_eq!(err.problem, FrameworkProblem::MissingField("name"));
        assert_eq!((err.line, err.column), (2, 7));
    }
    #[test]
    fn ids_may_be_any_script_but_not_hold_whitespace_or_a_colon() {
        let text = "name: T\nlicence: L\nrequirements:\n  - { id: \"Ä.1(a)/b_c-d\" }\n  \
                    - { id: 附录A.1 }\n  - { id: \"٣.٢\" }\n";
        let f = Framework::parse("t", text).unwrap();
        assert_eq!(f.requirements.len(), 3);
        let err = yaml_error(
            "name: T\nlicence: L\nrequirements:\n  - { id: A }\n  - { id: \"soc2:CC6\" }\n",
        );
        assert_eq!(
            err.problem,
            FrameworkProblem::BadId {
                id: "soc2:CC6".into(),
                found: ':'
            }
        );
        assert_eq!((err.line, err.column), (5, 12));
        assert_eq!(err.to_string(), "the id `soc2:CC6` contains `:`");
        assert!(err.hint.unwrap().contains("`soc2:CC6.1`"));
        let err = yaml_error("name: T\nlicence: L\nrequirements:\n  - { id: \"CC 6\" }\n");
        assert_eq!(err.to_string(), "the id `CC 6` contains whitespace");
        assert_eq!((err.line, err.column), (4, 12));
        let err = yaml_error("name: T\nlicence: L\nrequirements:\n  - { id: A#1 }\n");
        assert_eq!(err.to_string(), "the id `A#1` contains `#`");
        let err = yaml_error("name: T\nlicence: L\nrequirements:\n  - { title: X, id: \"\" }\n");
        assert_eq!(err.problem, FrameworkProblem::EmptyId);
        assert_eq!((err.line, err.column), (4, 22));
    }
    #[test]
    fn block_style_errors_point_at_the_value_not_at_look_alikes_in_titles_or_comments() {
        let text = "name: T\n\
                    licence: L\n\
                    requirements:\n\
                    \x20 # id: CC7, parent: CC6 (a comment)\n\
                    \x20 - id: CC6\n\
                    \x20 - title: \"the id: CC7, parent: CC8\" # parent: CC9\n\
                    \x20   # id: CC10\n\
                    \x20   id: 'CC6.1'\n\
                    \x20   parent: CC7\n";
        let err = yaml_error(text);
        assert_eq!(
            err.problem,
            FrameworkProblem::UnknownParent {
                id: "CC6.1".into(),
                parent: "CC7".into(),
                later_line: None
            }
        );
        assert_eq!((err.line, err.column), (9, 13));
        assert_eq!(err.hint.as_deref(), Some("did you mean `CC6`?"));
        let duplicate =
            "name: T\nlicence: L\nrequirements:\n  - id: A\n  - title: x\n    id: \"A\"\n";
        let err = yaml_error(duplicate);
        assert_eq!((err.line, err.column, err.range.clone()), (6, 10, 65..66));
        assert_eq!(
            err.problem,
            FrameworkProblem::DuplicateId {
                id: "A".into(),
                first_line: 4
            }
        );
    }
    #[test]
    fn yaml_errors_keep_serde_yaml_places_with_a_hint() {
        let err = yaml_error("name: T\nlicence: L\nrequirements:\n  - { id: 5.1 }\n");
        assert_eq!((err.line, err.column), (4, 11));
        assert!(err.hint.unwrap().contains("quote it"));
        let err = yaml_error("name: T\nlicense: L\nrequirements: []\n");
        assert!(matches!(err.problem, FrameworkProblem::Yaml(ref m) if m.contains("license")));
        assert_eq!(err.line, 2);
        assert_eq!(err.hint.as_deref(), Some("did you mean `licence`?"));
        let err = yaml_error("name: T\nlicence: L\n");
        assert!(err.hint.unwrap().starts_with("list them: `requirements:`"));
    }
    #[test]
    fn places_are_right_in_a_file_with_crlf_line_ends() {
        let text = SOC2
            .replace('\n', "\r\n")
            .replace("parent: CC6 }", "parent: CC5 }");
        let err = yaml_error(&text);
        assert_eq!((err.line, err.column), (8, 58));
        assert_eq!(&text[err.range.clone()], "CC5");
        let err = csv_error("# licence: L\r\nid,parent\r\nA,\r\nB,Z\r\n");
        assert_eq!((err.line, err.column), (4, 3));
    }

    const CSV: &str = "# name: SOC 2 Trust Services Criteria\n\
        # Version: 2017 (rev. 2022)\n\
        #publisher:AICPA\n\
        # licence: ids and our own short titles\n\
        # Source: our auditor's list, March 2025: a note, not a fact.\n\
        \n\
        id,title,parent\n\
        CC6,Logical and physical access controls,\n\
        # a comment between rows\n\
        CC6.1,\"Logical access security: software, \"\"infrastructure\"\"\",CC6\n\
        CC6.2,,CC6\n\
        CC7,System operations\n";
    #[test]
    fn a_csv_file_has_its_facts_in_its_comment_header() {
        let f = Framework::parse_csv("soc2", CSV).unwrap();
        assert_eq!(f.name, "SOC 2 Trust Services Criteria");
        assert_eq!(f.version, "2017 (rev. 2022)");
        assert_eq!(f.publisher, "AICPA");
        assert_eq!(f.licence, "ids and our own short titles");
        assert_eq!(
            kinds(&f),
            [
                ("CC6", "group"),
                ("CC6.1", "requirement"),
                ("CC6.2", "requirement"),
                ("CC7", "requirement")
            ]
        );
        assert_tree(&f);
        assert_node(
            &f,
            "CC6.1",
            "Logical access security: software, \"infrastructure\"",
            Some("CC6"),
        );
        assert_eq!(f.requirements[2].title, None);
        assert_eq!(f.requirements[3].parent, None);
        // No name: the id. A UTF-8 BOM (spreadsheets write one) is not part of the header.
        let f = Framework::parse_csv("ours", "\u{feff}# licence: L\nID,Title\nA,One\n").unwrap();
        assert_eq!(f.name, "ours");
        assert_eq!(f.requirements[0].title.as_deref(), Some("One"));
    }
    #[test]
    fn a_csv_header_names_its_columns_in_any_order_and_case() {
        let text = "# licence: L\nKind, PARENT ,id,Title\nprinciple,,P1,First\n,P1,P1.a,\n";
        let f = Framework::parse_csv("t", text).unwrap();
        assert_eq!(kinds(&f), [("P1", "principle"), ("P1.a", "requirement")]);
        assert_eq!(f.requirements[1].parent, Some(0));
        assert_eq!(f.requirements[0].title.as_deref(), Some("First"));
    }
    #[test]
    fn a_bad_csv_header_names_the_allowed_columns() {
        let err = csv_error("# licence: L\nid,titel,parent\nA,One,\n");
        assert_eq!(err.problem, FrameworkProblem::UnknownColumn("titel".into()));
        assert_eq!((err.line, err.column), (2, 4));
        assert_eq!(
            err.hint.as_deref(),
            Some("did you mean `title`? The columns are `id`, `title`, `parent` and `kind`, in any order")
        );
        let err = csv_error("# licence: L\nid,title,notes\n");
        assert_eq!(
            err.hint.as_deref(),
            Some("the columns are `id`, `title`, `parent` and `kind`, in any order")
        );
        let err = csv_error("# licence: L\ntitle,parent\nOne,\n");
        assert_eq!(err.problem, FrameworkProblem::MissingIdColumn);
        assert_eq!((err.line, err.column), (2, 1));
        let err = csv_error("# licence: L\nid,title,ID\n");
        assert_eq!(err.problem, FrameworkProblem::DuplicateColumn("id".into()));
        assert_eq!((err.line, err.column), (2, 10));
    }
    #[test]
    fn a_csv_unknown_parent_is_placed_at_its_cell() {
        let err = csv_error(CSV.replace("\nCC6.2,,CC6\n", "\nCC6.2,,CC5\n").as_str());
        assert_eq!(
            err.problem,
            FrameworkProblem::UnknownParent {
                id: "CC6.2".into(),
                parent: "CC5".into(),
                later_line: None
            }
        );
        assert_eq!((err.line, err.column), (11, 8));
        assert_eq!(err.hint.as_deref(), Some("did you mean `CC6`?"));
        let err = csv_error("# licence: L\nid,parent\nA.1,A\nA,\n");
        assert_eq!(
            err.to_string(),
            "`A.1` names the parent `A`, which is listed after it (line 4)"
        );
        assert_eq!((err.line, err.column), (3, 5));
    }
    #[test]
    fn a_csv_duplicate_names_both_lines() {
        let err = csv_error("# licence: L\nid,title\nA,One\nB,Two\n  A ,Three\n");
        assert_eq!(
            err.problem,
            FrameworkProblem::DuplicateId {
                id: "A".into(),
                first_line: 3
            }
        );
        assert_eq!((err.line, err.column), (5, 3));
        assert_eq!(err.to_string(), "`A` is listed twice (first on line 3)");
    }
    #[test]
    fn a_csv_needs_a_licence_once_and_rows_no_longer_than_the_header() {
        let err = csv_error("# name: T\n\nid,title\nA,One\n");
        assert_eq!(err.problem, FrameworkProblem::MissingField("licence"));
        assert_eq!((err.line, err.column), (3, 1));
        assert!(err
            .hint
            .unwrap()
            .contains("`# licence: ids and our own short titles`"));
        let err = csv_error("# license: CC0\nid,title\n");
        assert_eq!(
            err.hint.as_deref(),
            Some("write `# licence: ...` (spelt as in the YAML files) above the header row")
        );
        let err = csv_error("# licence: L\n# Name: A\n# name: B\nid\n");
        assert_eq!(
            err.problem,
            FrameworkProblem::DuplicateField {
                field: "name",
                first_line: 2
            }
        );
        assert_eq!((err.line, err.column), (3, 3));
        let err = csv_error("# licence: L\nid,title\nA,Access, and more\n");
        assert_eq!(err.problem, FrameworkProblem::ExtraCell { columns: 2 });
        assert_eq!((err.line, err.column), (3, 11));
        let err = csv_error("# licence: L\nid,title\n,Nameless\n");
        assert_eq!((err.problem, err.line), (FrameworkProblem::EmptyId, 3));
        let err = csv_error("# licence: L\nid\nsoc2:A\n");
        assert_eq!((err.line, err.column), (3, 1));
    }
    #[test]
    fn a_bom_moves_the_byte_range_not_the_column() {
        let text = "\u{feff}# licence: L\nid\nA\nA\n";
        let err = csv_error(text);
        assert_eq!((err.line, err.column), (4, 1));
        assert_eq!(&text[err.range.clone()], "A");
        assert_eq!(err.range.start, text.rfind('A').unwrap());
    }
}
