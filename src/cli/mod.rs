//! The command line: one subcommand per file, shared arguments defined once here.

mod build;
mod check;
mod init;

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
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new book with a starter ISMS (never overwrites existing files).
    Init(init::Args),
    /// Build the site into the output folder.
    Build(build::Args),
    /// Validate the book and report every problem; writes nothing.
    Check(check::Args),
}

/// The book folder, shared by every subcommand.
#[derive(Debug, Clone, Args)]
pub struct BookArg {
    /// The book's root folder (where book.toml is).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

impl Color {
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
    match cli.command {
        Command::Init(args) => init::run(args),
        Command::Build(args) => build::run(args, cli.color),
        Command::Check(args) => check::run(args, cli.color),
    }
}

/// Prints diagnostics to stderr, rustc-style.
fn print_diagnostics(
    sources: &Sources,
    diagnostics: &[Diagnostic],
    color: Color,
) -> anyhow::Result<()> {
    let mut stderr = StandardStream::stderr(color.choice());
    sources.render(diagnostics, &mut stderr)?;
    Ok(())
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
