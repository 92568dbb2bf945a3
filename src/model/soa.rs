//! `soa.yaml` -> the Statement of Applicability: one decision per Annex A control.
//!
//! The documents implementing each control are never typed here: they come from the
//! documents' front matter. Without a `soa.yaml` the SoA is derived (every control applicable,
//! implemented where an approved document addresses it), and says so.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::catalog::Catalog;
use crate::diagnostic::Code;
use crate::diagnostic::{did_you_mean, offset_of, unknown_field_hint, Diagnostic, FileId, Span};
use crate::yaml::{self, Text};

pub(crate) const SOA_FILE: &str = "soa.yaml";

/// Reads `soa.yaml` from the book's `root` into `sources` and parses it; without the file,
/// the SoA derived from the documents. `Err` when the file exists but cannot be read.
pub(crate) fn read(
    root: &std::path::Path,
    catalog: &Catalog,
    sources: &mut crate::diagnostic::Sources,
) -> anyhow::Result<(Soa, Vec<Diagnostic>)> {
    let path = root.join(SOA_FILE);
    if !path.is_file() {
        return Ok((derived(catalog), Vec::new()));
    }
    let bytes =
        std::fs::read(&path).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    let (text, bad_utf8) = crate::text::decode(bytes);
    let file = sources.add(SOA_FILE.into(), text);
    let mut diagnostics = Vec::new();
    if let Some(at) = bad_utf8 {
        diagnostics.push(
            Diagnostic::error(Code::InvalidUtf8, "soa.yaml is not valid UTF-8")
                .at(Span {
                    file,
                    range: at..at,
                })
                .hint("save the file as UTF-8"),
        );
    }
    let (soa, found) = parse(sources.text(file), file, catalog);
    diagnostics.extend(found);
    Ok((soa, diagnostics))
}

/// How far a control is implemented.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Implementation {
    Implemented,
    Partial,
    Planned,
    NotImplemented,
}

impl Implementation {
    pub const ALL: [Implementation; 4] = [
        Implementation::Implemented,
        Implementation::Partial,
        Implementation::Planned,
        Implementation::NotImplemented,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Implementation::Implemented => "implemented",
            Implementation::Partial => "partial",
            Implementation::Planned => "planned",
            Implementation::NotImplemented => "not-implemented",
        }
    }
}

/// The decision recorded for one control.
#[derive(Debug, Clone)]
pub struct Decision {
    pub applicable: bool,
    pub justification: Option<String>,
    pub status: Option<Implementation>,
    pub owner: Option<String>,
    pub notes: Option<String>,
    /// Where the control's entry is in soa.yaml.
    pub span: Option<Span>,
}

/// The SoA of a book.
#[derive(Debug, Clone)]
pub struct Soa {
    /// soa.yaml in `Sources`; `None` for a derived SoA.
    pub file: Option<FileId>,
    pub version: Option<String>,
    pub owner: Option<String>,
    pub approver: Option<String>,
    /// Per control (catalog order); `None` when soa.yaml has no entry for it.
    pub decisions: Vec<Option<Decision>>,
    /// The `controls:` key in soa.yaml, where a missing entry belongs.
    pub controls_span: Option<Span>,
}

impl Soa {
    pub fn is_derived(&self) -> bool {
        self.file.is_none()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSoa {
    version: Option<Text>,
    owner: Option<Text>,
    approver: Option<Text>,
    controls: BTreeMap<String, RawDecision>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDecision {
    applicable: bool,
    justification: Option<Text>,
    status: Option<Text>,
    owner: Option<Text>,
    notes: Option<Text>,
}

/// Parses soa.yaml (text in `file`). On a YAML error the SoA has no decisions.
pub(crate) fn parse(text: &str, file: FileId, catalog: &Catalog) -> (Soa, Vec<Diagnostic>) {
    let mut soa = Soa {
        file: Some(file),
        version: None,
        owner: None,
        approver: None,
        decisions: vec![None; catalog.controls.len()],
        controls_span: crate::load::front_matter::key_range(text, "controls", 0)
            .map(|range| Span { file, range }),
    };
    let raw: RawSoa = match yaml::from_str(text) {
        Ok(raw) => raw,
        Err(e) => return (soa, vec![yaml_error(text, file, e)]),
    };
    let (keys, repeated) = key_ranges(text);
    let span_of = |key: &str| {
        keys.get(key).map(|r| Span {
            file,
            range: r.clone(),
        })
    };
    let mut diagnostics: Vec<Diagnostic> = repeated
        .into_iter()
        .map(|(key, range)| {
            Diagnostic::error(
                Code::SoaDuplicateControl,
                format!("{key} appears twice in soa.yaml"),
            )
            .at(Span { file, range })
            .hint("keep one entry per control; merge the two")
        })
        .collect();
    let text_of = |t: Option<Text>| t.map(|t| t.0.trim().to_string()).filter(|t| !t.is_empty());
    soa.version = text_of(raw.version);
    soa.owner = text_of(raw.owner);
    soa.approver = text_of(raw.approver);
    for (key, d) in raw.controls {
        let span = span_of(&key);
        let Some(c) = catalog.control(key.trim()) else {
            diagnostics.push(
                Diagnostic::error(
                    Code::SoaUnknownControl,
                    format!("`{key}` in soa.yaml is not an ISO/IEC 27001:2022 Annex A control"),
                )
                .at_opt(span)
                .hint(catalog.control_hint(&key)),
            );
            continue;
        };
        let status = match d.status.map(|s| s.0.trim().to_string()) {
            None => None,
            Some(s) => match Implementation::ALL
                .iter()
                .find(|i| i.as_str().eq_ignore_ascii_case(&s))
            {
                Some(i) => Some(*i),
                None => {
                    let names: Vec<&str> = Implementation::ALL.iter().map(|i| i.as_str()).collect();
                    let hint = match did_you_mean(&s, names.iter().copied()) {
                        Some(best) => format!("did you mean `{best}`?"),
                        None => format!("`status` is one of: {}", names.join(", ")),
                    };
                    diagnostics.push(
                        Diagnostic::error(
                            Code::SoaInvalidStatus,
                            format!("`{s}` is not a valid implementation status for {key}"),
                        )
                        .at_opt(span.clone())
                        .hint(hint),
                    );
                    None
                }
            },
        };
        soa.decisions[c] = Some(Decision {
            applicable: d.applicable,
            justification: text_of(d.justification),
            status,
            owner: text_of(d.owner),
            notes: text_of(d.notes),
            span,
        });
    }
    (soa, diagnostics)
}

/// The SoA of a book without soa.yaml: every control applicable, no decisions recorded.
pub(crate) fn derived(catalog: &Catalog) -> Soa {
    Soa {
        file: None,
        version: None,
        owner: None,
        approver: None,
        decisions: vec![None; catalog.controls.len()],
        controls_span: None,
    }
}

fn yaml_error(text: &str, file: FileId, e: yaml::YamlError) -> Diagnostic {
    let at = offset_of(text, e.line, e.column);
    let span = Span {
        file,
        range: at..at,
    };
    if let Some((field, hint)) = unknown_field_hint(&e.message) {
        return Diagnostic::error(
            Code::SoaInvalid,
            format!("unknown key `{field}` in soa.yaml"),
        )
        .at(span)
        .hint(hint);
    }
    let hint = if e.message.contains("expected a boolean") {
        "write `applicable: true` or `applicable: false`"
    } else if e.message.contains("missing field `applicable`") {
        "every control's entry needs `applicable: true` or `applicable: false`"
    } else if e.message.contains("missing field `controls`") {
        "soa.yaml needs a `controls:` mapping, e.g. `controls:` then `  A.5.1: { applicable: true, status: implemented }`"
    } else if e.message.contains("duplicate") {
        "each control may appear once; merge the two entries"
    } else {
        "see the soa.yaml reference in the README"
    };
    Diagnostic::error(Code::SoaInvalid, format!("invalid soa.yaml: {}", e.message))
        .at(span)
        .hint(hint)
}

/// A key of soa.yaml's `controls:` mapping and where it is written.
type KeyAt = (String, Range<usize>);

/// Byte range of each key of the `controls:` mapping (first occurrence), by key text, and the
/// ranges of keys that appear again (YAML parsers keep the last silently).
fn key_ranges(text: &str) -> (HashMap<String, Range<usize>>, Vec<KeyAt>) {
    let mut first = HashMap::new();
    let mut repeated = Vec::new();
    let mut offset = 0;
    let mut in_controls = false;
    let mut indent_of_keys: Option<usize> = None;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let blank = trimmed.trim().is_empty() || trimmed.starts_with('#');
        if !blank && indent == 0 {
            in_controls = trimmed.starts_with("controls:");
            indent_of_keys = None;
        } else if in_controls && !blank {
            let level = *indent_of_keys.get_or_insert(indent);
            if indent == level {
                if let Some((key, _)) = trimmed.split_once(':') {
                    let key_text = key.trim_end();
                    let unquoted = key_text.trim_matches(['"', '\'']).to_string();
                    let range = offset + indent..offset + indent + key_text.len();
                    match first.entry(unquoted) {
                        std::collections::hash_map::Entry::Occupied(e) => {
                            repeated.push((e.key().clone(), range))
                        }
                        std::collections::hash_map::Entry::Vacant(e) => {
                            e.insert(range);
                        }
                    }
                }
            }
        }
        offset += line.len();
    }
    (first, repeated)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_(text: &str) -> (Soa, Vec<Diagnostic>) {
        parse(text, 0, &Catalog::iso27001_2022())
    }

    #[test]
    fn decisions_are_read_and_located() {
        let text = "version: \"2\"\ncontrols:\n  A.5.1:\n    applicable: true\n    justification: Risk assessment\n    status: implemented\n  \"A.7.5\": { applicable: false, justification: No premises }\n";
        let (soa, d) = parse_(text);
        assert!(d.is_empty(), "{d:?}");
        let c = Catalog::iso27001_2022();
        let a51 = soa.decisions[c.control("A.5.1").unwrap()].as_ref().unwrap();
        assert!(a51.applicable);
        assert_eq!(a51.status, Some(Implementation::Implemented));
        assert_eq!(&text[a51.span.clone().unwrap().range], "A.5.1");
        let a75 = soa.decisions[c.control("A.7.5").unwrap()].as_ref().unwrap();
        assert!(!a75.applicable);
        assert_eq!(&text[a75.span.clone().unwrap().range], "\"A.7.5\"");
        assert_eq!(soa.version.as_deref(), Some("2"));
    }

    #[test]
    fn unknown_controls_and_bad_values_are_reported() {
        let (_, d) = parse_("controls:\n  A.9.2.1: { applicable: true }\n  A.5.2: { applicable: true, status: implmented }\n");
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!(d[0].code, "soa-invalid-status");
        assert_eq!(d[0].hint.as_deref(), Some("did you mean `implemented`?"));
        assert_eq!(d[1].code, "soa-unknown-control");
        assert!(d[1].hint.as_deref().unwrap().contains("2013"));
        let (_, d) = parse_("controls:\n  A.5.1: { applicable: yes }\n");
        assert_eq!(d[0].code, "soa-invalid");
        assert!(d[0].hint.as_deref().unwrap().contains("true"));
        let text = "controls:\n  A.5.1: { applicable: true }\n  A.5.1: { applicable: false }\n";
        let (_, d) = parse_(text);
        assert_eq!(d[0].code, "soa-duplicate-control");
        assert_eq!(
            d[0].span.as_ref().unwrap().range.start,
            text.rfind("A.5.1").unwrap()
        );
    }
}
