//! `policybook build`: validate, render, and swap the new site in.

use crate::outcome::Outcome;
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

    /// Build the book as it was at this git revision (tag, branch or commit), read from git
    /// without touching the working tree. Reviews are then due against the revision's date
    /// unless `--as-of` (or SOURCE_DATE_EPOCH) says otherwise.
    #[arg(long, value_name = "REV")]
    pub at: Option<String>,
}

pub(super) fn run(args: Args, color: Color) -> anyhow::Result<u8> {
    if let Some(rev) = &args.at {
        return run_at(&args, rev, color);
    }
    let started = Instant::now();
    let checked = args.book.check()?;
    finish(checked, args.dest.as_deref(), color, started)
}

/// `build --at REV`: the book written out of git to a temporary folder, built from there into
/// the output folder the book had at that revision (beside the book, not in the temporary one).
fn run_at(args: &Args, rev: &str, color: Color) -> anyhow::Result<u8> {
    let started = Instant::now();
    let root = &args.book.book.dir;
    super::existing_root(root)?;
    let folder = tempfile::Builder::new()
        .prefix(".policybook-at-")
        .tempdir()?;
    let snapshot = crate::revision::checkout(root, rev, folder.path())?;
    if !snapshot.is_book() {
        anyhow::bail!(
            "there was no book in {} at `{rev}` (no book.toml and no content/ folder)",
            crate::diagnostic::display_path(root)
        );
    }
    let as_of = pipeline::as_of_or(args.book.as_of, snapshot.date)?;
    let mut checked = pipeline::check(
        &snapshot.root,
        as_of,
        &mut pipeline::Caches::default(),
        pipeline::Purpose::Render,
        args.book.profile.as_deref(),
    )?;
    // Paths as in the working tree; the line below says which revision they were read at.
    checked.sources.show_paths_from(root);
    eprintln!(
        "building the book as it was at {rev} (commit {}, {})",
        &snapshot.commit[..12],
        snapshot.date
    );
    let Some(model) = checked.model.as_mut() else {
        return finish(checked, None, color, started);
    };
    let content_dir = root.join(&model.settings.config.build.content_dir);
    let dest = match &args.dest {
        Some(d) => d.clone(),
        None => root.join(&model.settings.config.build.output_dir),
    };
    crate::output::guard(&dest, root, &content_dir)?;
    if model.settings.config.output.html.git_history {
        let (history, found) = crate::history::read(&content_dir, Some(rev))?;
        model.history = std::sync::Arc::new(history);
        checked.diagnostics.extend(found);
    }
    finish(checked, Some(&dest), color, started)
}

fn finish(
    mut checked: pipeline::Checked,
    dest: Option<&std::path::Path>,
    color: Color,
    started: Instant,
) -> anyhow::Result<u8> {
    print_diagnostics(&checked.sources, &checked.diagnostics, color)?;
    if checked.errors() > 0 {
        eprintln!(
            "build failed: {}; the previous site was left untouched",
            counts(checked.errors(), checked.warnings())
        );
        return Ok(EXIT_BOOK_ERRORS);
    }
    let warnings = checked.warnings();
    // Printed: the files' texts and the diagnostics need not stay while the site is written
    // (a template's problems, the only ones left to find, point at no file of the book).
    checked.sources = Default::default();
    checked.diagnostics = Vec::new();
    let progress = crate::progress::Progress::for_terminal(checked.documents());
    match pipeline::build(&checked, dest, &progress)? {
        Outcome::BookErrors(problems) => {
            print_diagnostics(&checked.sources, &problems, color)?;
            eprintln!(
                "build failed: {}; the previous site was left untouched",
                counts(problems.len(), 0)
            );
            Ok(EXIT_BOOK_ERRORS)
        }
        Outcome::Done(built) => {
            let warnings = if warnings > 0 {
                format!(", {}", counts(0, warnings).trim_start_matches("0 errors, "))
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
