//! A NIST OLIR (Online Informative References) CSV: the NIST IR 8278A Rev. 1 OLIR template,
//! saved as CSV.
//!
//! One row per pair: `Focal Document Element` (an element of a NIST document: CSF 2.0,
//! SP 800-53, ...), `Reference Document Element` (an element of the other document), and for a
//! set theory relationship mapping `Rationale` and `Relationship`, one of `subset of`,
//! `intersects with`, `equal`, `superset of` or `not related to`, plus descriptions, comments
//! and a strength. A concept crosswalk has no `Relationship` column: its pairs are `related`,
//! as is a pair whose `Relationship` cell is empty. A focal element without a reference element
//! (the template's way to say it has none) is counted, not written.
//!
//! IR 8278A Rev. 1 defines the relationship as what the developer asserts *the Reference
//! Document Element* has *compared to the Focal Document Element*: `subset of` says the
//! reference element is part of the focal one. A crosswalk row says how `from` (the focal
//! element) stands to `to` (the reference element), so `subset of` is written `superset` and
//! `superset of` `subset`; `equal` and `intersects with` read the same both ways.
//!
//! Leniency, since these files come out of spreadsheets: header names in any case and spacing
//! (a line break inside a cell is a space, `(optional)` and the like are ignored), title rows
//! before the header (the first one is the mapping's title), and `equal to`, `subset-of` and
//! other spellings of the same words.

use super::{comment, refuse, Entry, ImportError, Read, Said};
use crate::catalog::crosswalk::Relationship;

/// What the header and the messages call this shape.
pub(crate) const FORMAT: &str = "a NIST OLIR CSV";

/// How many rows before the header may be titles.
const MAX_TITLE_ROWS: usize = 20;

const DIRECTION: &str = "OLIR states how each reference element stands to its focal element; a row here says how `from` (focal) stands to `to` (reference), so `subset of` is written superset and `superset of` subset.";

/// A header cell as compared: lowercase, single spaces, without `(...)` asides and `*`.
fn header_name(cell: &str) -> String {
    let mut out = String::with_capacity(cell.len());
    let mut depth = 0usize;
    for c in cell.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            '*' => {}
            c if depth == 0 => out.extend(c.to_lowercase()),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What an OLIR `Relationship` cell says, turned to `from` (focal) -> `to` (reference).
pub(crate) fn said(cell: &str) -> Said {
    let word: String = (cell.to_lowercase().chars())
        .map(|c| if c == '-' || c == '_' { ' ' } else { c })
        .collect();
    let word = word.split_whitespace().collect::<Vec<_>>().join(" ");
    match word.as_str() {
        "" => Said::Is(Relationship::Related),
        "equal" | "equal to" | "equals" | "equivalent" | "equivalent to" => {
            Said::Is(Relationship::Equal)
        }
        // The reference element is part of the focal one: focal contains reference.
        "subset of" | "subset" | "is subset of" => Said::Is(Relationship::Superset),
        "superset of" | "superset" | "is superset of" => Said::Is(Relationship::Subset),
        "intersects with" | "intersects" | "intersect" | "intersecting" => {
            Said::Is(Relationship::Intersect)
        }
        "not related to" | "not related" | "no relationship" | "unrelated" => Said::NotRelated,
        w if w.contains("related") => Said::Is(Relationship::Related),
        _ => Said::Unknown(comment(cell)),
    }
}

/// Reads the pairs of an OLIR CSV.
pub(crate) fn read(text: &str, file_name: &str) -> Result<Read, ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let mut title: Option<String> = None;
    let mut header: Option<Vec<String>> = None;
    let not_csv = |e: csv::Error| {
        let line = e.position().map_or(0, |p| p.line());
        refuse(
            format!("{file_name} is not a CSV file this can read (line {line}): {e}"),
            Some("save the OLIR workbook's mapping sheet as CSV (UTF-8), or give an OSCAL mapping collection in JSON"),
        )
    };
    for _ in 0..=MAX_TITLE_ROWS {
        let Some(record) = records.next() else { break };
        let record = record.map_err(not_csv)?;
        let names: Vec<String> = record.iter().map(header_name).collect();
        let has = |name: &str| names.iter().any(|n| n == name);
        if has("focal document element") && has("reference document element") {
            header = Some(names);
            break;
        }
        if title.is_none() {
            title = (record.iter().map(comment)).find(|cell| !cell.is_empty());
        }
    }
    let Some(names) = header else {
        return Err(refuse(
            format!("{file_name} is not an OLIR CSV: no header row names both `Focal Document Element` and `Reference Document Element` (in its first {} rows)", MAX_TITLE_ROWS + 1),
            Some("give the OLIR template's mapping sheet saved as CSV, with its header row, or an OSCAL mapping collection in JSON"),
        ));
    };
    let column = |name: &str| names.iter().position(|n| n == name);
    let (Some(focal), Some(reference)) = (
        column("focal document element"),
        column("reference document element"),
    ) else {
        return Err(refuse(format!("{file_name}: no OLIR columns"), None));
    };
    let relationship = column("relationship");
    let mut read = Read {
        format: FORMAT,
        title,
        facts: Vec::new(),
        direction: relationship.map(|_| DIRECTION),
        ..Read::default()
    };
    if let Some(title) = &read.title {
        read.facts.push(("OLIR title", title.clone()));
    }
    if relationship.is_none() {
        read.facts.push((
            "OLIR kind",
            "a concept crosswalk (no Relationship column): every pair is written as related"
                .to_string(),
        ));
    }
    for record in records {
        let record = record.map_err(not_csv)?;
        let cell = |i: usize| record.get(i).unwrap_or("").trim();
        let (from, to) = (cell(focal), cell(reference));
        if from.is_empty() && to.is_empty() {
            continue;
        }
        if from.is_empty() || to.is_empty() {
            read.unpaired += 1;
            continue;
        }
        read.entries.push(Entry {
            from: from.to_string(),
            to: to.to_string(),
            said: relationship.map_or(Said::Is(Relationship::Related), |i| said(cell(i))),
        });
    }
    Ok(read)
}
