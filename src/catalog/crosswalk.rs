//! Crosswalks: how requirements of one framework stand to those of another, each row with its
//! relationship, as data (`frameworks/*.csv`, each with its source in its header); and the one
//! put to work today, ISO/IEC 27001:2013 -> 2022, so that front matter may name a control by
//! its 2013 id.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use super::framework::{Framework, Requirement};

const ISO27001_2013_TO_2022: &str = include_str!("frameworks/iso27001-2013-to-2022.csv");

/// How a requirement of one framework stands to one of another (`from` to `to`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Relationship {
    /// The same requirement, renumbered or renamed.
    Equal,
    /// `from` is part of `to` (merged into it).
    Subset,
    /// `to` is part of `from` (split out of it).
    Superset,
    /// They overlap, neither containing the other.
    Intersect,
    /// They bear on each other, with no claim of overlap.
    Related,
}

impl Relationship {
    fn parse(word: &str) -> Option<Relationship> {
        Relationship::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(word))
    }

    const ALL: [Relationship; 5] = [
        Relationship::Equal,
        Relationship::Subset,
        Relationship::Superset,
        Relationship::Intersect,
        Relationship::Related,
    ];

    /// The word a crosswalk file writes: `equal`, `subset`, ...
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Relationship::Equal => "equal",
            Relationship::Subset => "subset",
            Relationship::Superset => "superset",
            Relationship::Intersect => "intersect",
            Relationship::Related => "related",
        }
    }

    /// Whether covering `from` covers `to` (`forward`), or covering `to` covers `from`: only
    /// where one contains the other; an overlap never carries coverage.
    pub(crate) fn carries(self, forward: bool) -> bool {
        match self {
            Relationship::Equal => true,
            Relationship::Superset => forward,
            Relationship::Subset => !forward,
            Relationship::Intersect | Relationship::Related => false,
        }
    }
}

/// Rows of `from,to,relationship` with framework-qualified ids (`iso27001-2013:A.9.2.1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Crosswalk {
    pub rows: Vec<Row>,
}

/// One line of a crosswalk: `from` stands to `to` as `relationship` says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Row {
    pub from: String,
    pub to: String,
    pub relationship: Relationship,
    /// Who says so (the `source` column), when the file has one.
    pub source: Option<String>,
    /// Under what terms (the `licence` column), when the file has one.
    pub licence: Option<String>,
    /// Byte offsets in the file of the `from` and `to` fields, for diagnostics.
    pub at: [std::ops::Range<usize>; 2],
}

/// A crosswalk line that could not be read: 1-based line in the file, the byte range of
/// what is wrong, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CrosswalkError {
    pub line: u64,
    pub range: std::ops::Range<usize>,
    pub message: String,
}

impl fmt::Display for CrosswalkError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl Crosswalk {
    /// ISO/IEC 27001:2013 Annex A to its 2022 successors (ISO/IEC 27002:2022 Annex B).
    pub(crate) fn iso27001_2013_to_2022() -> Crosswalk {
        match Crosswalk::parse(ISO27001_2013_TO_2022) {
            Ok(c) => c,
            Err(e) => panic!("the embedded crosswalk is invalid: {e}"),
        }
    }

    /// Reads a crosswalk CSV: `#` comment lines (where it comes from), then the header
    /// `from,to,relationship` with optional `source` and `licence` columns, in any order.
    pub(crate) fn parse(text: &str) -> Result<Crosswalk, CrosswalkError> {
        let mut reader = csv::ReaderBuilder::new()
            .comment(Some(b'#'))
            .flexible(true)
            .from_reader(text.as_bytes());
        let error = |line: u64, range: std::ops::Range<usize>, message: String| CrosswalkError {
            line,
            range,
            message,
        };
        let headers = reader
            .headers()
            .map_err(|e| error(1, 0..0, e.to_string()))?
            .clone();
        let header_at = headers.position().map_or(0, |p| p.byte() as usize);
        let header_line = headers.position().map_or(1, |p| p.line());
        let names: Vec<String> = headers.iter().map(|h| h.trim().to_lowercase()).collect();
        let column = |name: &str| names.iter().position(|h| h == name);
        const EXPECTED: &str = "the header must be `from,to,relationship`, with `source` and \
                                `licence` columns if wanted";
        let (Some(from_col), Some(to_col), Some(rel_col)) =
            (column("from"), column("to"), column("relationship"))
        else {
            return Err(error(header_line, header_at..header_at, EXPECTED.into()));
        };
        if let Some(other) = names.iter().find(|h| {
            !["from", "to", "relationship", "source", "licence", "license"].contains(&h.as_str())
        }) {
            return Err(error(
                header_line,
                header_at..header_at,
                format!("unknown column `{other}`: {EXPECTED}"),
            ));
        }
        let (source_col, licence_col) = (column("source"), column("licence").or(column("license")));
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| {
                let (line, at) = e
                    .position()
                    .map_or((0, 0), |p| (p.line(), p.byte() as usize));
                error(line, at..at, e.to_string())
            })?;
            let line = record.position().map_or(0, |p| p.line());
            let start = record.position().map_or(0, |p| p.byte() as usize);
            // Byte range of field `i` in `text`, found in the record's own line.
            let range_of = |i: usize| -> std::ops::Range<usize> {
                let (Some(value), Some(span)) = (record.get(i), record.range(i)) else {
                    return start..start;
                };
                let rest = &text[start.min(text.len())..];
                let skip = rest.find(value).unwrap_or(span.start);
                start + skip..start + skip + value.len()
            };
            let field = |i: usize| record.get(i).unwrap_or("").trim();
            let (from, to, word) = (field(from_col), field(to_col), field(rel_col));
            for (id, col) in [(from, from_col), (to, to_col)] {
                if split_qualified(id).is_none() {
                    return Err(error(
                        line,
                        range_of(col),
                        format!("`{id}` is not a qualified id like `iso27001-2013:A.9.2.1`"),
                    ));
                }
            }
            let relationship = Relationship::parse(word).ok_or_else(|| {
                error(
                    line,
                    range_of(rel_col),
                    format!(
                        "unknown relationship `{word}`: write equal, subset, superset, \
                         intersect or related"
                    ),
                )
            })?;
            let optional =
                |col: Option<usize>| col.map(field).filter(|v| !v.is_empty()).map(str::to_string);
            rows.push(Row {
                from: from.to_string(),
                to: to.to_string(),
                relationship,
                source: optional(source_col),
                licence: optional(licence_col),
                at: [range_of(from_col), range_of(to_col)],
            });
        }
        Ok(Crosswalk { rows })
    }
}

/// ISO/IEC 27001:2013 Annex A and what became of each of its controls in the 2022 edition.
#[derive(Debug)]
pub(crate) struct Iso27001_2013 {
    pub framework: Framework,
    /// Per 2013 control id: its 2022 successors (unqualified ids) as the crosswalk lists them.
    successors: HashMap<String, Vec<(String, Relationship)>>,
}

impl Iso27001_2013 {
    /// The framework id that qualifies a 2013 id: `iso27001-2013:A.9.2.1`.
    pub(crate) const ID: &'static str = "iso27001-2013";

    /// Read once from the embedded framework and crosswalk.
    pub(crate) fn get() -> &'static Iso27001_2013 {
        static ONCE: OnceLock<Iso27001_2013> = OnceLock::new();
        ONCE.get_or_init(|| {
            let framework =
                Framework::builtin(Self::ID).expect("iso27001-2013 is a built-in framework");
            let mut successors: HashMap<String, Vec<(String, Relationship)>> = HashMap::new();
            for Row {
                from,
                to,
                relationship,
                ..
            } in Crosswalk::iso27001_2013_to_2022().rows
            {
                let (Some((Self::ID, old)), Some(("iso27001-2022", new))) =
                    (split_qualified(&from), split_qualified(&to))
                else {
                    panic!("the embedded crosswalk has the row {from},{to}");
                };
                successors
                    .entry(old.to_string())
                    .or_default()
                    .push((new.to_string(), relationship));
            }
            Iso27001_2013 {
                framework,
                successors,
            }
        })
    }

    /// The 2013 Annex A control with this exact id (objectives and clauses are not controls).
    pub(crate) fn control(&self, id: &str) -> Option<&Requirement> {
        let r = &self.framework.requirements[self.framework.requirement(id)?];
        (r.kind == "control").then_some(r)
    }

    /// Every 2013 Annex A control id, in the standard's order.
    pub(crate) fn control_ids(&self) -> impl Iterator<Item = &str> {
        (self.framework.requirements.iter())
            .filter(|r| r.kind == "control")
            .map(|r| r.id.as_str())
    }

    /// The 2022 controls a 2013 control became, with how each stands to it; empty for an id
    /// that is not a 2013 control.
    pub(crate) fn successors(&self, id: &str) -> &[(String, Relationship)] {
        self.successors.get(id).map_or(&[], Vec::as_slice)
    }
}

/// `iso27001-2013:A.9.2.1` as (`iso27001-2013`, `A.9.2.1`); `None` if either side is empty.
pub(crate) fn split_qualified(id: &str) -> Option<(&str, &str)> {
    let (framework, requirement) = id.split_once(':')?;
    (!framework.is_empty() && !requirement.is_empty()).then_some((framework, requirement))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin(id: &str) -> Framework {
        Framework::builtin(id).unwrap_or_else(|| panic!("{id} is built in"))
    }
    use crate::catalog::Catalog;
    use std::collections::HashSet;

    #[test]
    fn the_2013_to_2022_crosswalk_covers_annex_a_both_ways() {
        let walk = Crosswalk::iso27001_2013_to_2022();
        let old = builtin("iso27001-2013");
        let new = Catalog::iso27001_2022();
        assert_eq!(walk.rows.len(), 115);
        let mut from_seen = HashSet::new();
        let mut to_seen = HashSet::new();
        for Row { from, to, .. } in &walk.rows {
            let (fw, id) = split_qualified(from).unwrap();
            assert_eq!(fw, "iso27001-2013");
            let i = old
                .requirement(id)
                .unwrap_or_else(|| panic!("{from} exists"));
            assert_eq!(old.requirements[i].kind, "control", "{from}");
            let (fw, id) = split_qualified(to).unwrap();
            assert_eq!(fw, "iso27001-2022");
            assert!(new.control(id).is_some(), "{to} exists");
            from_seen.insert(id_of(from));
            to_seen.insert(id_of(to));
        }
        // Every 2013 control has a successor: no exceptions.
        for r in old.requirements.iter().filter(|r| r.kind == "control") {
            assert!(from_seen.contains(r.id.as_str()), "{} has no row", r.id);
        }
        // The 2022 controls without a predecessor are the 11 new ones.
        let mut new_controls: Vec<&str> = (new.controls.iter())
            .map(|c| c.id.as_str())
            .filter(|id| !to_seen.contains(id))
            .collect();
        new_controls.sort();
        assert_eq!(
            new_controls,
            [
                "A.5.23", "A.5.30", "A.5.7", "A.7.4", "A.8.10", "A.8.11", "A.8.12", "A.8.16",
                "A.8.23", "A.8.28", "A.8.9"
            ]
        );
        let row = |from: &str, to: &str| {
            (walk.rows.iter())
                .find(|r| id_of(&r.from) == from && id_of(&r.to) == to)
                .map(|r| r.relationship)
        };
        assert_eq!(row("A.9.2.1", "A.5.16"), Some(Relationship::Equal));
        assert_eq!(row("A.9.2.5", "A.5.18"), Some(Relationship::Subset));
        assert_eq!(row("A.13.2.1", "A.5.14"), Some(Relationship::Subset));
        assert_eq!(row("A.18.2.3", "A.8.8"), Some(Relationship::Intersect));
        assert_eq!(row("A.18.2.3", "A.5.36"), Some(Relationship::Intersect));
    }
    #[test]
    fn crosswalk_relationships_follow_the_rule_in_the_header() {
        let walk = Crosswalk::iso27001_2013_to_2022();
        let count = |pick: &dyn Fn(&Row) -> &String, id: &String| {
            walk.rows.iter().filter(|row| pick(row) == id).count()
        };
        for row in &walk.rows {
            let targets = count(&|r| &r.from, &row.from);
            let sources = count(&|r| &r.to, &row.to);
            let expected = match (targets, sources) {
                (1, 1) => Relationship::Equal,
                (1, _) => Relationship::Subset,
                (_, 1) => Relationship::Superset,
                _ => Relationship::Intersect,
            };
            assert_eq!(row.relationship, expected, "{} -> {}", row.from, row.to);
        }
    }
    fn id_of(qualified: &str) -> &str {
        split_qualified(qualified).unwrap().1
    }
    #[test]
    fn crosswalk_lines_are_checked() {
        let ok = "# comment\nfrom,to,relationship\na:1,b:2,equal\n";
        let row = &Crosswalk::parse(ok).unwrap().rows[0];
        assert_eq!(
            (
                row.from.as_str(),
                row.to.as_str(),
                row.relationship,
                row.at.clone()
            ),
            ("a:1", "b:2", Relationship::Equal, [31..34, 35..38])
        );
        assert_eq!(&ok[row.at[1].clone()], "b:2");
        let sourced = "to,from,Relationship,source\nb:2,a:1,Related,our mapping\n";
        let row = &Crosswalk::parse(sourced).unwrap().rows[0];
        assert_eq!(
            (row.from.as_str(), row.relationship, row.source.as_deref()),
            ("a:1", Relationship::Related, Some("our mapping"))
        );
        let unknown_column = "from,to,relationship,note\n";
        assert!(Crosswalk::parse(unknown_column)
            .unwrap_err()
            .message
            .contains("`note`"));
        let bad = "from,to,relationship\na:1,b:2,equal\na:1,b:2,same\n";
        let err = Crosswalk::parse(bad).unwrap_err();
        assert_eq!(err.line, 3);
        assert_eq!(&bad[err.range.clone()], "same");
        assert!(err.message.contains("same"), "{err}");
        let unqualified = "from,to,relationship\nA.9.2.1,b:2,equal\n";
        assert!(Crosswalk::parse(unqualified)
            .unwrap_err()
            .message
            .contains("A.9.2.1"));
        assert!(Crosswalk::parse("a,b,c\n").is_err());
    }
}
