//! Exports of the model for spreadsheets and other tools: `soa.csv`, `soa.xlsx`,
//! `traceability.csv`, `gaps.csv` and `model.json`, written under `exports/` on every build.
//!
//! Every export reads the model; none re-parses a document. Spreadsheet cells that a
//! spreadsheet program would run as a formula are neutralised.

pub mod ics;
mod json;
mod table;
mod xlsx;

use crate::model::Model;
use crate::render::{Contents, OutputFile};

pub use json::model_json;
pub use table::{neutralise, Table};

/// Folder of the exports inside the site.
pub const DIR: &str = "exports";

/// Every export, as files named `exports/<name>`.
pub fn all(model: &Model) -> anyhow::Result<Vec<OutputFile>> {
    let soa = table::soa(model);
    let files = vec![
        ("gaps.csv", table::gaps(model).to_csv()?),
        ("model.json", model_json(model)?),
        ("soa.csv", soa.to_csv()?),
        (
            "soa.xlsx",
            xlsx::workbook("Statement of Applicability", &soa, model.as_of)?,
        ),
        ("traceability.csv", table::traceability(model).to_csv()?),
    ];
    Ok(files
        .into_iter()
        .map(|(name, bytes)| OutputFile {
            path: format!("{DIR}/{name}"),
            contents: Contents::Bytes(bytes.into()),
        })
        .collect())
}
