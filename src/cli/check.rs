//! `policybook check`: every validation `build` does, nothing written.

use serde::Serialize;

use super::{counts, print_diagnostics, Color, DatedBookArg, EXIT_BOOK_ERRORS};
use crate::diagnostic::Located;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub book: DatedBookArg,

    /// Treat warnings as errors.
    #[arg(long)]
    pub strict: bool,

    /// How to print diagnostics: `human` (to stderr), `json` (to stdout, for tools) or
    /// `github` (GitHub Actions annotations on stdout, shown on the lines of a pull request).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Github,
}

#[derive(Serialize)]
struct Report<'a> {
    documents: usize,
    errors: usize,
    warnings: usize,
    diagnostics: Vec<Located<'a>>,
}

pub(super) fn run(args: Args, color: Color) -> anyhow::Result<u8> {
    let checked = args.book.validate()?;
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
            super::stdout(&(serde_json::to_string_pretty(&report)? + "\n"))?;
        }
        Format::Github => {
            let annotations: String = checked
                .diagnostics
                .iter()
                .map(|d| checked.sources.github_annotation(d) + "\n")
                .collect();
            super::stdout(&annotations)?;
            eprintln!(
                "checked {} documents: {}",
                checked.documents(),
                counts(errors, warnings)
            );
        }
        Format::Human => {
            print_diagnostics(&checked.sources, &checked.diagnostics, color)?;
            if errors == 0 && warnings == 0 {
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
