//! The traceability pages: clause x document and document x control matrices, and the
//! clause -> document -> control chain and its reverse, each in parts.

use super::*;

/// The documents of matrix part `n`.
pub(super) fn matrix_rows(plan: &Plan, n: usize) -> &[usize] {
    let start = (n * MATRIX_ROWS).min(plan.by_id.len());
    let end = (start + MATRIX_ROWS).min(plan.by_id.len());
    &plan.by_id[start..end]
}

pub(super) fn clause_matrix(model: &Model, views: &Views, plan: &Plan, n: usize) -> Page {
    let cat = &model.catalog;
    let groups: Vec<Group> = cat
        .clauses
        .iter()
        .enumerate()
        .filter(|(_, c)| c.depth == 0)
        .map(|(i, c)| Group {
            id: &c.id,
            title: &c.title,
            path: views.clauses[i].path.clone(),
            // The clause itself plus everything under it (clauses are in document order).
            span: 1 + cat.clauses[i + 1..]
                .iter()
                .take_while(|x| x.depth > 0)
                .count(),
        })
        .collect();
    let rows: Vec<MatrixRow> = matrix_rows(plan, n)
        .iter()
        .map(|&d| {
            let mut cells = vec![false; cat.clauses.len()];
            for &c in &model.documents[d].clauses {
                cells[c] = true;
            }
            MatrixRow {
                doc: views.docs[d].clone(),
                cells,
            }
        })
        .collect();
    part_page(
        "traceability/clauses",
        n,
        plan.matrix_parts(),
        views,
        |data| {
            data.insert("groups", &groups);
            let columns: Vec<ItemRef> = views.clauses.iter().map(ItemRef::from).collect();
            data.insert("columns", &columns);
            data.insert("rows", &rows);
            (
                "matrix-clauses.html",
                "traceability",
                views.strings.get("title.clause_matrix").into(),
            )
        },
    )
}

pub(super) fn control_matrix(model: &Model, views: &Views, plan: &Plan, n: usize) -> Page {
    part_page(
        "traceability/controls",
        n,
        plan.matrix_parts(),
        views,
        |data| {
            let themes = control_matrix_part(model, views, matrix_rows(plan, n));
            data.insert("themes", &themes);
            (
                "matrix-controls.html",
                "traceability",
                views.strings.get("title.control_matrix").into(),
            )
        },
    )
}

/// The theme tables of the control matrix for the documents `order`.
pub(super) fn control_matrix_part<'a>(
    model: &'a Model,
    views: &Views<'a>,
    order: &[usize],
) -> Vec<ThemeMatrix<'a>> {
    let cat = &model.catalog;
    let themes: Vec<ThemeMatrix> = cat
        .themes
        .iter()
        .enumerate()
        .map(|(t, theme)| {
            let columns: Vec<usize> = (0..cat.controls.len())
                .filter(|&c| cat.controls[c].theme == t)
                .collect();
            let first = columns.first().copied().unwrap_or(0);
            let rows = order
                .iter()
                .filter_map(|&d| {
                    let mut cells = vec![false; columns.len()];
                    let mut any = false;
                    for &c in &model.documents[d].controls {
                        if cat.controls[c].theme == t {
                            cells[c - first] = true;
                            any = true;
                        }
                    }
                    any.then(|| MatrixRow {
                        doc: views.docs[d].clone(),
                        cells,
                    })
                })
                .collect();
            ThemeMatrix {
                id: &theme.id,
                title: &theme.title,
                columns: views.control_refs(&columns),
                rows,
            }
        })
        .collect();
    themes
}

pub(super) fn chain_page(model: &Model, views: &Views, parts: &[ChainPart], n: usize) -> Page {
    let rows = chain_rows(views, &views.clauses, &model.clause_docs, parts, n, |d| {
        views.control_refs(&sorted(&model.documents[d].controls))
    });
    chain(
        "traceability/chain",
        ("title.chain", "text.chain_lead"),
        ("text.chain_from", "text.chain_to"),
        rows,
        (n, parts.len().max(1)),
        views,
    )
}

pub(super) fn reverse_chain_page(
    model: &Model,
    views: &Views,
    parts: &[ChainPart],
    n: usize,
) -> Page {
    let rows = chain_rows(views, &views.controls, &model.control_docs, parts, n, |d| {
        views.clause_refs(&sorted(&model.documents[d].clauses))
    });
    chain(
        "traceability/reverse",
        ("title.reverse", "text.reverse_lead"),
        ("text.reverse_from", "text.reverse_to"),
        rows,
        (n, parts.len().max(1)),
        views,
    )
}

/// The rows of chain part `n`: per item (clause or control), the documents addressing it
/// there, each with its targets.
pub(super) fn chain_rows<'a>(
    views: &Views<'a>,
    items: &[ItemRow<'a>],
    docs_of: &[Vec<usize>],
    parts: &[ChainPart],
    n: usize,
    targets_of: impl Fn(usize) -> Vec<ItemRef<'a>>,
) -> Vec<ChainRow<'a>> {
    parts
        .get(n)
        .map_or(&[][..], |p| &p[..])
        .iter()
        .map(|(item, range)| ChainRow {
            item: (&items[*item]).into(),
            docs: docs_of[*item][range.clone()]
                .iter()
                .map(|&d| ChainDoc {
                    doc: views.docs[d].clone(),
                    targets: targets_of(d),
                })
                .collect(),
        })
        .collect()
}

/// Cuts a chain (one row per item, with `docs_of[item]`) into parts of about CHAIN_ROWS
/// documents; an item with more continues on the next part.
pub(super) fn chain_parts(docs_of: &[Vec<usize>]) -> Vec<ChainPart> {
    let mut parts: Vec<ChainPart> = vec![Vec::new()];
    let mut size = 0;
    for (item, docs) in docs_of.iter().enumerate() {
        let mut start = 0;
        loop {
            let room = CHAIN_ROWS - size;
            if docs.len() - start <= room {
                size += (docs.len() - start).max(1);
                parts
                    .last_mut()
                    .expect("one part")
                    .push((item, start..docs.len()));
                break;
            }
            parts
                .last_mut()
                .expect("one part")
                .push((item, start..start + room));
            start += room;
            parts.push(Vec::new());
            size = 0;
        }
        if size >= CHAIN_ROWS {
            parts.push(Vec::new());
            size = 0;
        }
    }
    parts.retain(|p| !p.is_empty());
    parts
}

pub(super) fn chain(
    base: &str,
    (title, description): (&str, &str),
    labels: (&str, &str),
    rows: Vec<ChainRow>,
    (n, total): (usize, usize),
    views: &Views,
) -> Page {
    let s = views.strings;
    part_page(base, n, total, views, |data| {
        data.insert("rows", &rows);
        data.insert("description", s.get(description));
        data.insert("from_label", s.get(labels.0));
        data.insert("to_label", s.get(labels.1));
        ("chain.html", "traceability", s.get(title).into())
    })
}

pub(super) fn sorted(indices: &[usize]) -> Vec<usize> {
    let mut v = indices.to_vec();
    v.sort_unstable();
    v
}

/// `a` without the entries of `b` (both sorted).
pub(super) fn without(a: &[usize], b: &[usize]) -> Vec<usize> {
    a.iter()
        .filter(|x| b.binary_search(x).is_err())
        .copied()
        .collect()
}
