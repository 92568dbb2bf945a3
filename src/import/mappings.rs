//! ISO/IEC 27001 references, from any front-matter key or a `--mapping` file, become a page's
//! clauses and controls, checked against the catalog; what cannot be mapped is said, never
//! guessed.

use std::path::Path;

use anyhow::Context as _;

use super::fields::Derived;
use super::source::Val;
use crate::catalog::{Catalog, ControlLookup};

/// Whether a key's name says its values are ISO 27001 references (bare numbers allowed).
pub(super) fn key_names_iso(k: &str) -> Option<&'static str> {
    let l = k.to_ascii_lowercase();
    if l.contains("control") || l.contains("annex") {
        Some("control")
    } else if l.contains("clause")
        || l.contains("iso")
        || l.contains("27001")
        || l.contains("requirement")
        || l.contains("mapping")
        || l.contains("compliance")
    {
        Some("any")
    } else {
        None
    }
}

/// A reference read from a value: a 2022 clause or control id, and a note for the report when it
/// was written otherwise (a 2013 control id, translated).
#[derive(Debug, PartialEq)]
struct Found {
    control: bool,
    id: String,
    note: Option<String>,
}

impl Found {
    fn new(control: bool, id: impl Into<String>) -> Found {
        Found {
            control,
            id: id.into(),
            note: None,
        }
    }
}

/// Reads one reference; `Ok(Some(found))`, `Err(note)` for a recognised but unusable id,
/// `Ok(None)` for a value that is no reference.
fn parse_ref(raw: &str, hint: Option<&str>, catalog: &Catalog) -> Result<Option<Found>, String> {
    let mut t = raw.trim().to_string();
    let lower = t.to_ascii_lowercase();
    let mut explicit = false;
    for prefix in [
        "iso/iec 27001:2022",
        "iso/iec 27001:2013",
        "iso 27001:2022",
        "iso 27001:2013",
        "iso27001:2022",
        "iso27001:2013",
        "iso27001-2022/",
        "iso27001-2013/",
        "iso27001/",
        "iso27001:",
        "iso 27001",
        "iso27001",
        "27001:",
    ] {
        if lower.starts_with(prefix) {
            explicit = true;
            if prefix.contains("2013") {
                t = format!(
                    "2013:{}",
                    t[prefix.len()..].trim_start_matches([':', '/', ' ', '-'])
                );
            } else {
                t = t[prefix.len()..]
                    .trim_start_matches([':', '/', ' ', '-'])
                    .to_string();
            }
            break;
        }
    }
    let edition_2013 = t.starts_with("2013:");
    let t = t.trim_start_matches("2013:").trim();
    let t = t
        .strip_prefix("Clause ")
        .or_else(|| t.strip_prefix("clause "))
        .unwrap_or(t)
        .trim();
    let (annex, rest) = match t.strip_prefix("A.").or_else(|| t.strip_prefix("a.")) {
        Some(r) => (true, r),
        None => match t
            .strip_prefix('A')
            .filter(|r| r.starts_with(|c: char| c.is_ascii_digit()))
        {
            Some(r) => (true, r),
            None => (false, t),
        },
    };
    let parts: Vec<&str> = rest.split('.').collect();
    if parts.is_empty()
        || parts.len() > 3
        || !parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Ok(None);
    }
    let first: u32 = parts[0].parse().unwrap_or(0);
    let is_control =
        annex || (hint == Some("control") && parts.len() >= 2 && (5..=8).contains(&first));
    if !annex && !explicit && hint.is_none() {
        return Ok(None);
    }
    if is_control {
        let id = format!("A.{rest}");
        if edition_2013 || parts.len() == 3 || (9..=18).contains(&first) {
            return match catalog.lookup_control(&id) {
                // As `check` would read it (`control-2013-id`), written as the 2022 id.
                ControlLookup::Renumbered { control, .. } => Ok(Some(Found {
                    control: true,
                    id: catalog.controls[control].id.clone(),
                    note: Some(format!(
                        "`{raw}` is an ISO/IEC 27001:2013 control id: written as {}, its 2022 control",
                        catalog.control_label(control)
                    )),
                })),
                _ => Err(format!(
                    "`{raw}` is an ISO/IEC 27001:2013 control id with no one 2022 control: not translated; map it by hand"
                )),
            };
        }
        if catalog.control(&id).is_some() {
            return Ok(Some(Found::new(true, id)));
        }
        return Err(format!(
            "`{raw}` is not an ISO/IEC 27001:2022 Annex A control: not mapped"
        ));
    }
    if edition_2013 {
        return Err(format!(
            "`{raw}` is an ISO/IEC 27001:2013 clause: not translated; map it by hand"
        ));
    }
    if !(4..=10).contains(&first) {
        return Ok(None);
    }
    if catalog.clause(rest).is_some() {
        return Ok(Some(Found::new(false, rest)));
    }
    Err(format!(
        "`{raw}` is not an ISO/IEC 27001:2022 clause: not mapped"
    ))
}

#[allow(clippy::too_many_arguments)]
pub(super) fn collect_refs(
    v: &Val,
    hint: Option<&'static str>,
    catalog: &Catalog,
    d: &mut Derived,
    all: &mut bool,
    any: &mut bool,
    key: &str,
) {
    match v {
        Val::List(items) => items
            .iter()
            .for_each(|i| collect_refs(i, hint, catalog, d, all, any, key)),
        Val::Map(m) => {
            for (k, v) in m {
                collect_refs(
                    v,
                    key_names_iso(k).or(hint),
                    catalog,
                    d,
                    all,
                    any,
                    &format!("{key}.{k}"),
                );
            }
        }
        Val::Str(s) => {
            // `A.5.15, A.5.16` in one string.
            for part in s.split([',', ';']).map(str::trim).filter(|p| !p.is_empty()) {
                match parse_ref(part, hint, catalog) {
                    Ok(Some(found)) => {
                        *any = true;
                        if let Some(note) = &found.note {
                            d.report
                                .mapping_notes
                                .push(format!("{note} (front matter `{key}`)"));
                        }
                        d.add_ref(found.control, found.id, &format!("front matter `{key}`"));
                    }
                    Ok(None) => *all = false,
                    Err(note) => {
                        *any = true;
                        d.report
                            .mapping_notes
                            .push(format!("{note} (front matter `{key}`)"));
                    }
                }
            }
        }
        Val::Num(n) if hint.is_some() => match parse_ref(n, hint, catalog) {
            Ok(Some(Found { control, id, .. })) => {
                *any = true;
                d.add_ref(
                    control,
                    id,
                    &format!("front matter `{key}` (a bare number)"),
                );
            }
            _ => *all = false,
        },
        _ => *all = false,
    }
}

/// Reads `--mapping` (CSV `document,reference` or JSON `{document: [ids]}`) into the pages.
pub(super) fn apply_mapping_file(
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
            Ok(Some(Found { control, id, note })) => {
                let p = &mut pages[i];
                p.add_ref(control, id.clone(), "the mapping file");
                p.mapped_from_file = true;
                notes.push(format!("`{doc}` ({}) -> {id}", p.id));
                notes.extend(note.map(|note| format!("`{doc}`: {note}")));
            }
            Ok(None) => notes.push(format!(
                "`{doc}`, `{reference}`: not an ISO/IEC 27001 clause or control; ignored"
            )),
            Err(why) => notes.push(format!("`{doc}`: {why}")),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_read() {
        let c = Catalog::iso27001_2022();
        assert_eq!(
            parse_ref("A.5.15", None, &c),
            Ok(Some(Found::new(true, "A.5.15")))
        );
        assert_eq!(
            parse_ref("ISO27001:A.8.2", None, &c),
            Ok(Some(Found::new(true, "A.8.2")))
        );
        assert_eq!(
            parse_ref("iso27001-2022/A.8.2", None, &c),
            Ok(Some(Found::new(true, "A.8.2")))
        );
        assert_eq!(
            parse_ref("5.2", Some("any"), &c),
            Ok(Some(Found::new(false, "5.2")))
        );
        assert_eq!(parse_ref("5.2", None, &c), Ok(None));
        assert_eq!(
            parse_ref("5.15", Some("control"), &c),
            Ok(Some(Found::new(true, "A.5.15")))
        );
        assert_eq!(
            parse_ref("A.9.2.1", None, &c),
            Ok(Some(Found {
                control: true,
                id: "A.5.16".into(),
                note: Some(
                    "`A.9.2.1` is an ISO/IEC 27001:2013 control id: written as `A.5.16` \
                     (Identity management), its 2022 control"
                        .into()
                )
            }))
        );
        assert_eq!(
            parse_ref("iso27001:2013 A.18.2.3", None, &c).unwrap_err(),
            "`iso27001:2013 A.18.2.3` is an ISO/IEC 27001:2013 control id with no one 2022 \
             control: not translated; map it by hand"
        );
        assert_eq!(parse_ref("hello", Some("any"), &c), Ok(None));
    }
}
