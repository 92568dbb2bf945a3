//! `policybook check`: every validation `build` does, nothing written.

use serde::Serialize;

use super::{counts, existing_root, print_diagnostics, BookArg, Color, EXIT_BOOK_ERRORS};
use crate::diagnostic::Located;
use crate::pipeline;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub book: BookArg,

    /// The date reviews are due against, YYYY-MM-DD (default: SOURCE_DATE_EPOCH, else today).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<chrono::NaiveDate>,

    /// Treat warnings as errors.
    #[arg(long)]
    pub strict: bool,

    /// How to print diagnostics: `human` (to stderr) or `json` (to stdout, for CI).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
}

#[derive(Serialize)]
struct Report<'a> {
    documents: usize,
    errors: usize,
    warnings: usize,
    diagnostics: Vec<Located<'a>>,
}

pub fn run(args: Args, color: Color) -> anyhow::Result<u8> {
    existing_root(&args.book.dir)?;
    let as_of = pipeline::as_of(args.as_of)?;
    let mut checked = pipeline::check(&args.book.dir, as_of)?;
    if args.book.dir != std::path::Path::new(".") {
        checked.sources.show_paths_from(&args.book.dir);
    }
    let (errors, warnings) = (checked.errors(), checked.warnings());
    match args.format {
        Format::Json => {
            let report = Report {
                documents: checked.documents(),
                errors,
                warnings,
                diagnostics: checked
                    .diagnostics
                    .iter()
                    .map(|d| checked.sources.locate(d))
                    .collect(),
            };
            println!("{}", serde_json::to_string_pretty(&report)?);
        }
        Format::Human => {
            print_diagnostics(&checked.sources, &checked.diagnostics, color)?;
            if checked.diagnostics.is_empty() {
                eprintln!("checked {} documents: no problems", checked.documents());
            } else {
                eprintln!(
                    "checked {} documents: {}",
                    checked.documents(),
                    counts(errors, warnings)
                );
            }
        }
    }
    let failed = errors > 0 || (args.strict && warnings > 0);
    Ok(if failed { EXIT_BOOK_ERRORS } else { 0 })
}
