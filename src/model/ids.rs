//! Document ids as people mean them: compared without case or Unicode form, indexed, and
//! checked for duplicates and look-alikes (the same skeleton, or scripts mixed).

use super::*;

/// Case- and normalisation-insensitive form of an id: `POL-1`, `pol-1` and a decomposed
/// `é` all collide, because on many file systems and in people's heads they are the same.
pub(super) fn id_key(id: &str) -> String {
    if id.is_ascii() {
        return id.to_ascii_lowercase(); // NFKC leaves ASCII as it is
    }
    id.nfkc().collect::<String>().to_lowercase()
}

pub(super) fn index_ids(
    documents: &[Arc<Document>],
    catalog: &Catalog,
    diagnostics: &mut Vec<Diagnostic>,
) -> HashMap<String, usize> {
    let mut by_id = HashMap::with_capacity(documents.len());
    let mut by_key: HashMap<String, usize> = HashMap::with_capacity(documents.len());
    for (i, d) in documents.iter().enumerate() {
        if catalog.control(&d.id).is_some() || catalog.clause(&d.id).is_some() {
            diagnostics.push(
                Diagnostic::error(
                    Code::AmbiguousId,
                    format!(
                        "the document id `{}` is also an ISO 27001 clause or control id",
                        d.id
                    ),
                )
                .at(d.id_span.clone())
                .hint("give the document an id of its own, e.g. with a prefix like `POL-`"),
            );
        }
        match by_key.get(&id_key(&d.id)) {
            Some(&first) => {
                let other = &documents[first];
                let how = if other.id == d.id {
                    ""
                } else {
                    " (ids that differ only in case or Unicode form count as the same)"
                };
                diagnostics.push(
                    Diagnostic::error(
                        Code::DuplicateId,
                        format!("the id `{}` is already used by another document{how}", d.id),
                    )
                    .at(d.id_span.clone())
                    .note(
                        other.id_span.clone(),
                        format!("`{}` is first used here", other.id),
                    )
                    .hint("every document needs an id of its own; rename one of them"),
                );
            }
            None => {
                by_key.insert(id_key(&d.id), i);
                by_id.insert(d.id.clone(), i);
            }
        }
    }
    confusable_ids(documents, catalog, &by_key, diagnostics);
    by_id
}

/// The confusable skeleton (Unicode TR #39) of an id, ignoring case: ids with the same
/// skeleton look alike (`pol-002`, and `pоl-002` with a Cyrillic `о`).
pub(super) fn id_skeleton(key: &str) -> String {
    unicode_security::skeleton(key).collect()
}

/// Ids that are not the same (see [`id_key`]) but look the same: each is reported at its own
/// place, with a note at the others, so that `--format json` names every file involved.
pub(super) fn confusable_ids(
    documents: &[Arc<Document>],
    catalog: &Catalog,
    by_key: &HashMap<String, usize>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    // One skeleton per distinct id, in document order, for a deterministic report.
    let mut firsts: Vec<(usize, &str)> = by_key.iter().map(|(k, &i)| (i, k.as_str())).collect();
    firsts.sort_unstable();
    let mut by_skeleton: HashMap<String, Vec<usize>> = HashMap::with_capacity(firsts.len());
    for (i, key) in firsts {
        let id = &documents[i].id;
        if catalog.control(id).is_some() || catalog.clause(id).is_some() {
            continue; // `ambiguous-id` already
        }
        by_skeleton.entry(id_skeleton(key)).or_default().push(i);
    }
    let mut groups: Vec<&Vec<usize>> = by_skeleton.values().filter(|g| g.len() > 1).collect();
    groups.sort_unstable();
    for group in groups {
        for &i in group {
            let d = &documents[i];
            let others: Vec<&Arc<Document>> = group
                .iter()
                .filter(|&&j| j != i)
                .map(|&j| &documents[j])
                .collect();
            let names: Vec<String> = others.iter().map(|o| format!("`{}`", o.id)).collect();
            // The characters that are not what they seem, in every id of the group.
            let holds: Vec<String> = group
                .iter()
                .filter_map(|&j| {
                    let id = &documents[j].id;
                    let odd = crate::document::unusual_characters(id);
                    (!odd.is_empty()).then(|| format!("`{id}` holds {}", odd.join(", ")))
                })
                .collect();
            let holds = if holds.is_empty() {
                String::new()
            } else {
                format!(" ({})", holds.join("; "))
            };
            let mut found = Diagnostic::error(
                Code::ConfusableId,
                format!(
                    "the id `{}` looks the same as {} of another document",
                    d.id,
                    names.join(", ")
                ),
            )
            .at(d.id_span.clone())
            .hint(format!(
                "ids that differ only in look-alike characters send links to the wrong document; rename one of them{holds}"
            ));
            for o in others {
                found = found.note(o.id_span.clone(), format!("`{}` is used here", o.id));
            }
            diagnostics.push(found);
        }
    }
}
