//! An OSCAL mapping collection (OSCAL 1.2, JSON): `{"mapping-collection": {...}}`.
//!
//! Its shape, from the OSCAL Control Mapping Model (`oscal_mapping_metaschema.xml` and
//! `oscal_mapping-common_metaschema.xml` in usnistgov/OSCAL): `uuid`, `metadata` (`title`,
//! `version`, `oscal-version`, `last-modified`, `links`), `provenance`, and `mappings`, each
//! with a `source-resource` and a `target-resource` (the two catalogs) and `maps`. A map has a
//! `relationship` (`equivalent-to`, `equal-to`, `subset-of`, `superset-of`, `intersects-with`;
//! `no-relationship` is read too), and `sources` and `targets`, each an item with a `type`
//! (`control` or `statement`) and an `id-ref`. It says how its sources stand to its targets,
//! policybook's own direction, so every source x target pair is one row as it stands.
//!
//! The relationship is read as a string or as an object with a `type` (or `value`) and an
//! optional `ns`; a relationship in another namespace than OSCAL's is not one policybook knows.
//! An `id-ref` is the catalog's OSCAL id (`gv.oc-01`, `ac-2.1`): it is matched to the
//! framework's ids but for case, so `gv.oc-01` is `GV.OC-01`.

use serde_json::Value;

use super::{comment, refuse, Entry, ImportError, Read, Said};
use crate::catalog::crosswalk::Relationship;

/// What the header and the messages call this shape.
pub(crate) const FORMAT: &str = "an OSCAL mapping collection";

/// OSCAL's own namespace: a relationship in it (or in none) means what OSCAL says.
const OSCAL_NS: &str = "http://csrc.nist.gov/ns/oscal";

/// What an OSCAL relationship token says (sources to targets, policybook's direction).
pub(crate) fn said(word: &str) -> Said {
    match word.trim().to_lowercase().as_str() {
        "equivalent-to" | "equal-to" => Said::Is(Relationship::Equal),
        "subset-of" => Said::Is(Relationship::Subset),
        "superset-of" => Said::Is(Relationship::Superset),
        "intersects-with" => Said::Is(Relationship::Intersect),
        "no-relationship" => Said::NotRelated,
        _ => Said::Unknown(comment(word)),
    }
}

/// A string field of `v`, trimmed, when it has one.
fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The array field of `v`, empty when it has none.
fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// A map's relationship: a token, or `{"type": token, "ns": uri}`.
fn relationship(map: &Value) -> Said {
    let Some(r) = map.get("relationship") else {
        return Said::Unknown("(none)".into());
    };
    if let Some(word) = r.as_str() {
        return said(word);
    }
    let word = text(r, "type").or_else(|| text(r, "value")).unwrap_or("");
    match text(r, "ns") {
        Some(ns) if ns.trim_end_matches('/') != OSCAL_NS => {
            Said::Unknown(comment(&format!("{word} ({ns})")))
        }
        _ => said(word),
    }
}

/// The licence a metadata's `license` link states: its text and address.
fn licence(metadata: &Value) -> Option<String> {
    let link = list(metadata, "links").iter().find(|l| {
        text(l, "rel")
            .is_some_and(|r| r.eq_ignore_ascii_case("license") || r.eq_ignore_ascii_case("licence"))
    })?;
    match (text(link, "text").map(comment), text(link, "href")) {
        (Some(t), Some(href)) => Some(format!("{t} ({})", comment(href))),
        (Some(t), None) => Some(t),
        (None, Some(href)) => Some(comment(href)),
        (None, None) => None,
    }
}

/// Reads the pairs of an OSCAL mapping collection.
pub(crate) fn read(json: &str, file_name: &str) -> Result<Read, ImportError> {
    let root: Value = serde_json::from_str(json).map_err(|e| {
        let message = e.to_string();
        let message = message
            .find(" at line ")
            .map_or(message.as_str(), |i| &message[..i]);
        refuse(
            format!(
                "{file_name} is not JSON (line {}, column {}): {message}",
                e.line(),
                e.column()
            ),
            None,
        )
    })?;
    let Some(collection) = root.get("mapping-collection").filter(|c| c.is_object()) else {
        if let Some((key, what)) = (crate::catalog::oscal::MODELS.iter())
            .filter(|(k, _)| *k != "mapping-collection")
            .find(|(k, _)| root.get(*k).is_some())
        {
            let hint = if *key == "catalog" {
                "a catalog is a framework: import it with `policybook framework import`"
            } else {
                "give an OSCAL mapping collection (`{\"mapping-collection\": {...}}`) or a NIST OLIR CSV"
            };
            return Err(refuse(
                format!("{file_name} is {what} in OSCAL, not a mapping collection"),
                Some(hint),
            ));
        }
        return Err(refuse(
            format!("{file_name} is not an OSCAL mapping collection: it has no top-level `mapping-collection` object"),
            Some("give an OSCAL mapping collection (`{\"mapping-collection\": {...}}`) or a NIST OLIR CSV"),
        ));
    };
    let metadata = collection.get("metadata").unwrap_or(&Value::Null);
    let mut read = Read {
        format: FORMAT,
        title: text(metadata, "title").map(comment),
        licence: licence(metadata),
        ..Read::default()
    };
    for (what, value) in [
        ("Mapping collection uuid", text(collection, "uuid")),
        ("Version", text(metadata, "version")),
        ("OSCAL version", text(metadata, "oscal-version")),
        ("Last modified", text(metadata, "last-modified")),
    ] {
        read.facts
            .push((what, value.map_or("(not given)".into(), str::to_string)));
    }
    let mut resources: Vec<(&'static str, String)> = Vec::new();
    for mapping in list(collection, "mappings") {
        for (what, key) in [
            ("Source resource", "source-resource"),
            ("Target resource", "target-resource"),
        ] {
            if let Some(href) = mapping.get(key).and_then(|r| text(r, "href")) {
                let fact = (what, href.to_string());
                if !resources.contains(&fact) {
                    resources.push(fact);
                }
            }
        }
        for map in list(mapping, "maps") {
            let said = relationship(map);
            for source in list(map, "sources") {
                for target in list(map, "targets") {
                    let (Some(from), Some(to)) = (text(source, "id-ref"), text(target, "id-ref"))
                    else {
                        read.unpaired += 1;
                        continue;
                    };
                    read.entries.push(Entry {
                        from: from.to_string(),
                        to: to.to_string(),
                        said: said.clone(),
                    });
                }
            }
        }
    }
    read.facts.extend(resources);
    Ok(read)
}
