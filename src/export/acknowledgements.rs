//! `acknowledgements.csv`: per audience, each document to read and a SHA-256 of its rendered
//! body, the file an e-signature or training tool imports: it asks people to confirm a
//! document again only when that fingerprint changes, never for a new version number alone.

use sha2::{Digest, Sha256};

use super::Table;
use crate::model::Model;

pub(super) fn acknowledgements(model: &Model) -> Table {
    let site = (model.settings.config.output.html.site_url.as_deref())
        .map(|u| u.trim_end_matches('/').to_string() + "/");
    let mut rows = Vec::new();
    let declared = model.settings.audiences();
    for ((audience, _), docs) in declared.into_iter().zip(&model.audience_docs) {
        for &d in docs {
            let node = &model.documents[d];
            let doc = &node.doc;
            let page = crate::paths::encode(&node.page);
            rows.push(vec![
                audience.to_string(),
                doc.id.clone(),
                doc.title.clone(),
                doc.version.clone().unwrap_or_default(),
                doc.effective.map(|e| e.to_string()).unwrap_or_default(),
                site.as_ref().map_or(page.clone(), |s| format!("{s}{page}")),
                format!("{:x}", Sha256::digest(node.body.html.as_bytes())),
            ]);
        }
    }
    Table {
        header: vec![
            "audience",
            "document_id",
            "title",
            "version",
            "effective",
            "page",
            "body_sha256",
        ],
        rows,
    }
}
