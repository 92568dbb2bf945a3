//! `policybook import`: a new book from a folder of Markdown written for another tool.

use std::path::PathBuf;

use clap::ValueEnum;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder to import (Hugo, MkDocs, Docusaurus, Jekyll, mdBook, GitBook or plain
    /// Markdown); it is only read.
    pub src: PathBuf,

    /// The new book's folder, new or empty (default: SRC-policybook beside SRC).
    pub dest: Option<PathBuf>,

    /// Extra clause and control mappings: CSV `document,reference` or JSON `{document: [ids]}`;
    /// a document is named by its id, path or title.
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,

    /// Print the report and write nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// `json` prints the report as JSON on standard output.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

pub(super) fn run(args: Args) -> anyhow::Result<u8> {
    let dest = match &args.dest {
        Some(d) => d.clone(),
        None => {
            let trimmed = args.src.components().collect::<PathBuf>();
            let name = trimmed
                .canonicalize()
                .ok()
                .and_then(|p| p.file_name().map(|n| n.to_os_string()))
                .ok_or_else(|| anyhow::anyhow!("{} is not a folder", args.src.display()))?;
            let mut name = name;
            name.push("-policybook");
            trimmed
                .canonicalize()
                .ok()
                .and_then(|p| p.parent().map(|p| p.join(&name)))
                .unwrap_or_else(|| PathBuf::from(name))
        }
    };
    if !args.dry_run {
        crate::import::check_dest(&args.src, &dest)?;
    }
    let plan = crate::import::plan(&crate::import::Options {
        src: args.src.clone(),
        mapping: args.mapping.clone(),
    })?;
    match args.format {
        Format::Json => super::stdout(&(serde_json::to_string_pretty(&plan.report)? + "\n"))?,
        Format::Human if args.dry_run => {
            super::stdout(&crate::import::report::markdown(&plan.report))?
        }
        Format::Human => {}
    }
    for w in &plan.report.warnings {
        eprintln!("warning: {w}");
    }
    if args.dry_run {
        eprintln!(
            "dry run: {} documents would be imported into {}; nothing was written",
            plan.report.documents.len(),
            dest.display()
        );
        return Ok(0);
    }
    crate::import::write(&plan, &args.src, &dest)?;
    eprintln!(
        "imported {} documents into {} (see {}); next: `policybook check {}`",
        plan.report.documents.len(),
        dest.display(),
        dest.join("IMPORT-REPORT.md").display(),
        dest.display()
    );
    Ok(0)
}
