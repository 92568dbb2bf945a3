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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Relationship {
    /// The same requirement, renumbered or renamed.
    Equal,
    /// `from` is part of `to` (merged into it).
    Subset,
    /// `to` is part of `from` (split out of it).
    Superset,
    /// They overlap, neither containing the other.
    Intersect,
}

impl Relationship {
    fn parse(word: &str) -> Option<Relationship> {
        match word {
            "equal" => Some(Relationship::Equal),
            "subset" => Some(Relationship::Subset),
            "superset" => Some(Relationship::Superset),
            "intersect" => Some(Relationship::Intersect),
            _ => None,
        }
    }
}

/// Rows of `from,to,relationship` with framework-qualified ids (`iso27001-2013:A.9.2.1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Crosswalk {
    pub rows: Vec<(String, String, Relationship)>,
}

/// A crosswalk line that could not be read: 1-based line in the file and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CrosswalkError {
    pub line: u64,
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

    /// Reads a crosswalk CSV: `#` comment lines, then the header `from,to,relationship`.
    pub(crate) fn parse(text: &str) -> Result<Crosswalk, CrosswalkError> {
        let mut reader = csv::ReaderBuilder::new()
            .comment(Some(b'#'))
            .from_reader(text.as_bytes());
        let error = |line: u64, message: String| CrosswalkError { line, message };
        let headers = reader
            .headers()
            .map_err(|e| error(1, e.to_string()))?
            .clone();
        if headers != vec!["from", "to", "relationship"] {
            return Err(error(
                headers.position().map_or(1, |p| p.line()),
                "the header must be `from,to,relationship`".into(),
            ));
        }
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line());
                error(line, e.to_string())
            })?;
            let line = record.position().map_or(0, |p| p.line());
            let field = |i: usize| record.get(i).unwrap_or("").trim();
            let (from, to, word) = (field(0), field(1), field(2));
            for id in [from, to] {
                if split_qualified(id).is_none() {
                    return Err(error(
                        line,
                        format!("`{id}` is not a qualified id like `iso27001-2013:A.9.2.1`"),
                    ));
                }
            }
            let relationship = Relationship::parse(word).ok_or_else(|| {
                error(
                    line,
                    format!(
                        "unknown relationship `{word}`: write equal, subset, superset or intersect"
                    ),
                )
            })?;
            rows.push((from.to_string(), to.to_string(), relationship));
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
            for (from, to, relationship) in Crosswalk::iso27001_2013_to_2022().rows {
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
        for (from, to, _) in &walk.rows {
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
                .find(|(f, t, _)| id_of(f) == from && id_of(t) == to)
                .map(|(_, _, r)| *r)
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
        let count = |pick: &dyn Fn(&(String, String, Relationship)) -> &String, id: &String| {
            walk.rows.iter().filter(|row| pick(row) == id).count()
        };
        for row in &walk.rows {
            let targets = count(&|r| &r.0, &row.0);
            let sources = count(&|r| &r.1, &row.1);
            let expected = match (targets, sources) {
                (1, 1) => Relationship::Equal,
                (1, _) => Relationship::Subset,
                (_, 1) => Relationship::Superset,
                _ => Relationship::Intersect,
            };
            assert_eq!(row.2, expected, "{} -> {}", row.0, row.1);
        }
    }
    fn id_of(qualified: &str) -> &str {
        split_qualified(qualified).unwrap().1
    }
    #[test]
    fn crosswalk_lines_are_checked() {
        let ok = "# comment\nfrom,to,relationship\na:1,b:2,equal\n";
        assert_eq!(
            Crosswalk::parse(ok).unwrap().rows,
            [("a:1".into(), "b:2".into(), Relationship::Equal)]
        );
        let bad = "from,to,relationship\na:1,b:2,equal\na:1,b:2,same\n";
        let err = Crosswalk::parse(bad).unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.message.contains("same"), "{err}");
        let unqualified = "from,to,relationship\nA.9.2.1,b:2,equal\n";
        assert!(Crosswalk::parse(unqualified)
            .unwrap_err()
            .message
            .contains("A.9.2.1"));
        assert!(Crosswalk::parse("a,b,c\n").is_err());
    }
}
