//! `policybook build`: validate, render, and swap the new site in.

use std::path::PathBuf;
use std::time::Instant;

use super::{counts, print_diagnostics, Color, DatedBookArg, EXIT_BOOK_ERRORS};
use crate::diagnostic::display_path;
use crate::pipeline;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub book: DatedBookArg,

    /// Output folder (default: `output-dir` from book.toml, relative to the book).
    #[arg(short = 'd', long = "dest-dir")]
    pub dest: Option<PathBuf>,
}

pub fn run(args: Args, color: Color) -> anyhow::Result<u8> {
    let started = Instant::now();
    let checked = args.book.check()?;
    print_diagnostics(&checked.sources, &checked.diagnostics, color)?;
    if checked.errors() > 0 {
        eprintln!(
            "build failed: {}; the previous site was left untouched",
            counts(checked.errors(), checked.warnings())
        );
        return Ok(EXIT_BOOK_ERRORS);
    }
    let progress = crate::progress::Progress::for_terminal(checked.documents());
    match pipeline::build(&checked, args.dest.as_deref(), &progress)? {
        Err(problems) => {
            print_diagnostics(&checked.sources, &problems, color)?;
            eprintln!(
                "build failed: {}; the previous site was left untouched",
                counts(problems.len(), 0)
            );
            Ok(EXIT_BOOK_ERRORS)
        }
        Ok(built) => {
            let warnings = if checked.warnings() > 0 {
                format!(
                    ", {}",
                    counts(0, checked.warnings()).trim_start_matches("0 errors, ")
                )
            } else {
                String::new()
            };
            eprintln!(
                "built {} documents into {} ({} pages, {} files) in {:.2} s{}",
                checked.documents(),
                display_path(&built.dest),
                built.pages,
                built.files,
                started.elapsed().as_secs_f64(),
                warnings
            );
            Ok(0)
        }
    }
}
