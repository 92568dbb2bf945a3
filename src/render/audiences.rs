//! Reading lists: per audience of `[audiences]`, the approved documents its readers must read
//! and acknowledge, and the list of audiences.

use super::*;

/// A document of a reading list.
#[derive(Serialize, Hash)]
struct Reading<'a> {
    doc: DocRow<'a>,
    effective: String,
    /// The document's revision history (its page's `#history`), where git has one.
    history: bool,
    /// Its page of what changed since earlier approved versions, when it has one.
    changes: Option<String>,
}

/// An audience with its reading list's length, for the list of audiences.
#[derive(Serialize, Hash)]
struct AudienceRow<'a> {
    id: &'a str,
    name: &'a str,
    path: String,
    documents: usize,
}

fn audience_rows(model: &Model) -> Vec<AudienceRow<'_>> {
    (model.settings.audiences().into_iter())
        .zip(&model.audience_docs)
        .map(|((id, name), docs)| AudienceRow {
            id,
            name,
            path: paths::encode(&paths::audience_file(id)),
            documents: docs.len(),
        })
        .collect()
}

/// `audiences.html`: every audience and how many documents it must read.
pub(super) fn audiences_page(model: &Model, views: &Views) -> Page {
    let mut data = Data::new(views.keyed);
    data.insert("audiences", &audience_rows(model));
    Page {
        path: "audiences.html".into(),
        template: "audiences.html",
        nav: "audiences",
        title: model.settings.strings.get("title.audiences").into(),
        data,
    }
}

/// `audiences/<id>.html`: the reading list of audience `a`.
pub(super) fn reading_list_page(model: &Model, views: &Views, plan: &Plan, a: usize) -> Page {
    let (id, name) = model.settings.audiences()[a];
    let readings: Vec<Reading> = (model.audience_docs[a].iter())
        .map(|&d| {
            let doc = &model.documents[d].doc;
            Reading {
                doc: views.docs[d].clone(),
                effective: model
                    .settings
                    .strings
                    .date_opt(doc.effective)
                    .unwrap_or_default(),
                history: !model.history.of(&doc.rel).is_empty(),
                changes: (plan.changes.binary_search_by_key(&d, |(i, _)| *i))
                    .ok()
                    .map(|k| paths::encode(&plan.changes[k].1)),
            }
        })
        .collect();
    let mut data = Data::new(views.keyed);
    data.insert("audience", &(id, name));
    data.insert("readings", &readings);
    let all = crate::model::audiences::ALL;
    data.insert(
        "everyone",
        &(id != all && model.settings.config.audiences.contains_key(all)),
    );
    Page {
        path: paths::audience_file(id),
        template: "reading-list.html",
        nav: "audiences",
        title: model
            .settings
            .strings
            .text("title.reading_list", &[("name", name)]),
        data,
    }
}
