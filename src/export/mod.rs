//! Exports of the model for spreadsheets and other tools: `soa.csv`, `soa.xlsx`,
//! `traceability.csv`, `gaps.csv` and `model.json`, written under `exports/` on every build, and
//! for a book with registers `risks.csv`, `risks.xlsx`, `treatment-plan.csv` and `exceptions.csv`,
//! and for a book with `[audiences]` `acknowledgements.csv`.
//!
//! Every export reads the model; none re-parses a document. Spreadsheet cells that a
//! spreadsheet program would run as a formula are neutralised.

mod acknowledgements;
pub(crate) mod ics;
mod json;
mod risks;
mod table;
mod xlsx;

use crate::model::Model;
use crate::site::{Contents, OutputFile};

pub(crate) use json::model_json;
pub(crate) use table::Table;

/// Folder of the exports inside the site.
pub(crate) const DIR: &str = "exports";

/// Every export, as files named `exports/<name>`, passed to `sink` one at a time as each is
/// made, so that a build holds no more than one of them beside its pages.
pub(crate) fn each(
    model: &Model,
    sink: &mut dyn FnMut(OutputFile) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut put = |name: &str, bytes: Vec<u8>| {
        sink(OutputFile {
            path: format!("{DIR}/{name}"),
            contents: Contents::Bytes(bytes.into()),
        })
    };
    put("gaps.csv", table::gaps(model).to_csv()?)?;
    put("model.json", model_json(model)?)?;
    let soa = table::soa(model);
    put("soa.csv", soa.to_csv()?)?;
    put(
        "soa.xlsx",
        xlsx::workbook("Statement of Applicability", "SoA", &soa, model.as_of)?,
    )?;
    drop(soa);
    for c in &model.coverage.frameworks {
        let id = &model.frameworks.list[c.framework].id;
        put(
            &format!("coverage-{id}.csv"),
            table::coverage(model, c).to_csv()?,
        )?;
    }
    // The registers' exports, for a book that keeps one.
    if !model.registers.files.is_empty() {
        let register = risks::risks(model);
        put("risks.csv", register.to_csv()?)?;
        put(
            "risks.xlsx",
            xlsx::workbook("Risk register", "Risks", &register, model.as_of)?,
        )?;
        put("treatment-plan.csv", risks::treatment_plan(model).to_csv()?)?;
        put("exceptions.csv", risks::exceptions(model).to_csv()?)?;
    }
    put("traceability.csv", table::traceability(model).to_csv()?)?;
    match acknowledgements(model)? {
        Some(file) => sink(file),
        None => Ok(()),
    }
}

/// `acknowledgements.csv` for a book with `[audiences]`: the one export that shows bodies (by
/// their fingerprint), so `serve` makes it again after an edit to bodies alone.
pub(crate) fn acknowledgements(model: &Model) -> anyhow::Result<Option<OutputFile>> {
    if model.audience_docs.is_empty() {
        return Ok(None);
    }
    Ok(Some(OutputFile {
        path: format!("{DIR}/acknowledgements.csv"),
        contents: Contents::Bytes(acknowledgements::acknowledgements(model).to_csv()?.into()),
    }))
}
