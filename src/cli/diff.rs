//! `policybook diff FROM [TO]`: what changed in the ISMS between two git revisions (or a
//! revision and the working tree), for the terminal, a pull-request comment or an HTML page.

use std::path::PathBuf;

use super::{print_diagnostics, Color, EXIT_BOOK_ERRORS};
use crate::diff;
use crate::pipeline;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The earlier revision: a tag, branch or commit (e.g. `v1.0`, `origin/main`, `HEAD~3`).
    pub from: String,
    /// The later revision (default: the working tree, uncommitted changes included).
    pub to: Option<String>,

    /// The book's root folder (where book.toml is).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub book: PathBuf,

    /// `text` for the terminal, `markdown` for a pull-request comment, `html` for a page,
    /// `json` for tools.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Write the report to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// The date reviews are due against, YYYY-MM-DD, for both sides (default: SOURCE_DATE_EPOCH,
    /// else today).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<chrono::NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Markdown,
    Html,
    Json,
}

pub(super) fn run(args: Args, color: Color) -> anyhow::Result<u8> {
    super::existing_root(&args.book)?;
    let as_of = pipeline::as_of(args.as_of)?;
    let folders = (tempfile::tempdir()?, tempfile::tempdir()?);
    let side_at = |rev: &str, folder: &std::path::Path| -> anyhow::Result<PathBuf> {
        let snapshot = crate::revision::checkout(&args.book, rev, folder)?;
        if !snapshot.is_book() {
            // Before the ISMS was added: an empty book, so everything shows as added.
            std::fs::create_dir_all(folder.join("content"))?;
        }
        Ok(snapshot.root)
    };
    let from_root = side_at(&args.from, folders.0.path())?;
    let to_root = match &args.to {
        Some(rev) => side_at(rev, folders.1.path())?,
        None => args.book.clone(),
    };
    let mut sides = Vec::new();
    for (root, label) in [
        (&from_root, args.from.clone()),
        (
            &to_root,
            args.to.clone().unwrap_or_else(|| "working tree".into()),
        ),
    ] {
        let mut checked = pipeline::check(
            root,
            as_of,
            &mut pipeline::Caches::default(),
            pipeline::Purpose::Validate,
            None,
        )?;
        checked.sources.show_paths_from(&args.book);
        if checked.model.is_none() {
            print_diagnostics(&checked.sources, &checked.diagnostics, color)?;
            eprintln!("diff failed: the book at {label} cannot be read (see above)");
            return Ok(EXIT_BOOK_ERRORS);
        }
        sides.push((checked, label));
    }
    let report = diff::compare(&side(&sides[0]), &side(&sides[1]));
    let text = match args.format {
        Format::Text => diff::report::text(&report, args.output.is_none() && color.for_stdout()),
        Format::Markdown => diff::report::markdown_for_comment(&report),
        Format::Html => diff::report::html(&report)?,
        Format::Json => serde_json::to_string_pretty(&report)? + "\n",
    };
    match &args.output {
        Some(path) => {
            std::fs::write(path, text)
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
            eprintln!("wrote {}", crate::diagnostic::display_path(path));
        }
        None => super::stdout(&text)?,
    }
    Ok(0)
}

fn side((checked, label): &(pipeline::Checked, String)) -> diff::Side<'_> {
    diff::Side {
        label: label.clone(),
        model: checked
            .model
            .as_ref()
            .expect("a book that could be read has a model"),
        sources: &checked.sources,
        errors: checked.errors(),
    }
}
