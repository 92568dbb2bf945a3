//! The command line: one subcommand per file, shared arguments defined once here.

mod build;
mod bundle;
mod check;
mod crosswalk;
mod data_import;
mod diff;
mod export;
mod framework;
mod import;
mod init;
mod serve;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};

use crate::diagnostic::{Diagnostic, Sources};

/// Exit code for a run whose book has errors (or warnings under `--strict`).
pub const EXIT_BOOK_ERRORS: u8 = 1;

/// Compile an ISO/IEC 27001:2022 ISMS kept as Markdown into a cross-referenced static site.
#[derive(Debug, Parser)]
#[command(name = "policybook", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// When to colour diagnostics.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,

    /// Show every diagnostic: without it, each code's first three are shown and the rest counted.
    #[arg(long, short = 'v', global = true)]
    pub verbose: bool,
}

/// `--verbose`, read where diagnostics are printed.
static VERBOSE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new book with a starter ISMS (never overwrites existing files).
    Init(init::Args),
    /// Build the site into the output folder.
    Build(build::Args),
    /// Make a new book from a folder written for Hugo, MkDocs, Docusaurus, Jekyll, mdBook or
    /// GitBook, with a report of every decision; the folder is only read.
    Import(import::Args),
    /// Validate the book and report every problem; writes nothing.
    Check(check::Args),
    /// Write the exports (SoA, traceability, gaps, model JSON, framework coverage, risk registers) to a folder.
    Export(export::Args),
    /// Build the site into a reproducible zip with a manifest and SHA256SUMS, for an auditor.
    Bundle(bundle::Args),
    /// Report what changed in the ISMS between two git revisions (or a revision and the
    /// working tree): documents, their fields and text, coverage, SoA decisions.
    Diff(diff::Args),
    /// Check a bundle against its manifest: report files added, removed or altered.
    Verify(bundle::VerifyArgs),
    /// Build, serve on http://127.0.0.1:3000 and reload open pages after every change.
    Serve(serve::ServeArgs),
    /// Rebuild the site on disk after every change.
    Watch(serve::WatchArgs),
    /// Work on the book's own frameworks: `framework import` turns an OSCAL catalog into
    /// `frameworks/<id>.yaml`.
    Framework(framework::Args),
    /// Work on the book's crosswalks: `crosswalk import` turns a NIST OLIR CSV or an OSCAL
    /// mapping collection into `crosswalks/<name>.csv`.
    Crosswalk(crosswalk::Args),
}

/// The book folder, shared by every subcommand.
#[derive(Debug, Clone, Args)]
pub struct BookArg {
    /// The book's root folder (where book.toml is).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

/// A book and the date its reviews are due against.
#[derive(Debug, Clone, Args)]
pub struct DatedBookArg {
    #[command(flatten)]
    pub book: BookArg,

    /// The date reviews are due against, YYYY-MM-DD (default: SOURCE_DATE_EPOCH, else today).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<chrono::NaiveDate>,

    /// Build for a profile of book.toml's `[profiles]` (e.g. `public`): documents and sections
    /// above its classification, or outside its filters, are left out of every output.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
}

impl DatedBookArg {
    /// Reads and validates the book; diagnostics show paths as typed from the current folder.
    fn check(&self) -> anyhow::Result<crate::pipeline::Checked> {
        self.read(crate::pipeline::Purpose::Render)
    }

    /// [`Self::check`] for `policybook check`, which renders nothing.
    fn validate(&self) -> anyhow::Result<crate::pipeline::Checked> {
        self.read(crate::pipeline::Purpose::Validate)
    }

    fn read(&self, purpose: crate::pipeline::Purpose) -> anyhow::Result<crate::pipeline::Checked> {
        existing_root(&self.book.dir)?;
        let as_of = crate::pipeline::as_of(self.as_of)?;
        let mut caches = crate::pipeline::Caches::default();
        let mut checked = crate::pipeline::check(
            &self.book.dir,
            as_of,
            &mut caches,
            purpose,
            self.profile.as_deref(),
        )?;
        if self.book.dir != std::path::Path::new(".") {
            checked.sources.show_paths_from(&self.book.dir);
        }
        Ok(checked)
    }
}

/// Prints a checked book's diagnostics; its model when it has no errors, `None` when nothing
/// may be written.
fn valid_model<'a>(
    checked: &'a crate::pipeline::Checked,
    color: Color,
    what: &str,
) -> anyhow::Result<Option<&'a crate::model::Model>> {
    print_diagnostics(&checked.sources, &checked.diagnostics, color)?;
    if checked.errors() > 0 {
        eprintln!(
            "{what} failed: {}; nothing was written",
            counts(checked.errors(), checked.warnings())
        );
        return Ok(None);
    }
    Ok(checked.model.as_ref())
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

impl Color {
    /// Whether to colour what goes to standard output (`auto`: a terminal, and no NO_COLOR).
    fn for_stdout(self) -> bool {
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                std::io::IsTerminal::is_terminal(&std::io::stdout())
                    && std::env::var_os("NO_COLOR").is_none()
            }
        }
    }

    fn choice(self) -> ColorChoice {
        match self {
            Color::Always => ColorChoice::Always,
            Color::Never => ColorChoice::Never,
            Color::Auto
                if std::io::IsTerminal::is_terminal(&std::io::stderr())
                    && std::env::var_os("NO_COLOR").is_none() =>
            {
                ColorChoice::Auto
            }
            Color::Auto => ColorChoice::Never,
        }
    }
}

/// Runs the command; returns the process exit code (0 ok, 1 book errors). `Err` means exit 2.
pub fn run(cli: Cli) -> anyhow::Result<u8> {
    VERBOSE.store(cli.verbose, std::sync::atomic::Ordering::Relaxed);
    match cli.command {
        Command::Init(args) => init::run(args),
        Command::Build(args) => build::run(args, cli.color),
        Command::Import(args) => import::run(args),
        Command::Check(args) => check::run(args, cli.color),
        Command::Export(args) => export::run(args, cli.color),
        Command::Bundle(args) => bundle::run(args, cli.color),
        Command::Verify(args) => bundle::verify(args),
        Command::Diff(args) => diff::run(args, cli.color),
        Command::Serve(args) => serve::serve(args),
        Command::Watch(args) => serve::watch(args),
        Command::Framework(args) => framework::run(args),
        Command::Crosswalk(args) => crosswalk::run(args),
    }
}

/// Prints diagnostics to stderr, rustc-style, errors first and repeats counted (all of them
/// with `--verbose`).
fn print_diagnostics(
    sources: &Sources,
    diagnostics: &[Diagnostic],
    color: Color,
) -> anyhow::Result<()> {
    let mut stderr = StandardStream::stderr(color.choice());
    let all = VERBOSE.load(std::sync::atomic::Ordering::Relaxed);
    sources.render_digest(diagnostics, all, &mut stderr)?;
    Ok(())
}

/// Writes a report to standard output. A reader that stopped reading (`| head`) is not an
/// error: the rest of the report is not wanted.
fn stdout(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// "2 errors, 1 warning".
fn counts(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

/// The book root must exist; a missing one is a usage error, not a book error.
fn existing_root(dir: &std::path::Path) -> anyhow::Result<()> {
    if !dir.is_dir() {
        anyhow::bail!(
            "{} is not a folder (give the book's root folder, where book.toml is)",
            dir.display()
        );
    }
    if !dir.join(crate::config::CONFIG_FILE).is_file() && !dir.join("content").is_dir() {
        anyhow::bail!(
            "{} has no book.toml and no content/ folder: it does not look like a book (run `policybook init {}` to start one)",
            dir.display(),
            dir.display()
        );
    }
    Ok(())
}
