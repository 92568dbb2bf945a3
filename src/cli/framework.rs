//! `policybook framework`: work on the book's own frameworks (`frameworks/<id>.yaml`).

use std::path::PathBuf;

use super::data_import::{file_name, in_the_way, refused, write};
use crate::catalog::oscal;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: FrameworkCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum FrameworkCommand {
    /// Turn an OSCAL catalog (JSON: NIST SP 800-53, BSI Grundschutz++, ...) into the book's
    /// `frameworks/<id>.yaml`: ids, titles and the tree, without the control text.
    Import(ImportArgs),
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The OSCAL catalog, in JSON.
    pub file: PathBuf,

    /// The framework's id, which names the file and its pages (default: the file's name,
    /// lowercased: `NIST_SP-800-53_rev5_catalog.json` gives `nist-sp-800-53-rev5-catalog`).
    #[arg(long)]
    pub id: Option<String>,

    /// The book's root folder (where book.toml is).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub book: PathBuf,

    /// Under what terms the catalog is published, when its metadata has no licence link (or
    /// to state them in your own words).
    #[arg(long, alias = "license", value_name = "TEXT")]
    pub licence: Option<String>,

    /// Replace `frameworks/<id>.yaml` if it exists.
    #[arg(long)]
    pub force: bool,
}

pub(super) fn run(args: Args) -> anyhow::Result<u8> {
    match args.command {
        FrameworkCommand::Import(args) => import(args),
    }
}

fn import(args: ImportArgs) -> anyhow::Result<u8> {
    super::existing_root(&args.book)?;
    let source = file_name(&args.file);
    let id = match &args.id {
        Some(id) => id.clone(),
        None => oscal::default_id(&source),
    };
    if let Err(e) = oscal::check_id(&id) {
        return Ok(refused(&e));
    }
    let folder = args.book.join("frameworks");
    let target = folder.join(format!("{id}.yaml"));
    let csv = folder.join(format!("{id}.csv"));
    if csv.exists() {
        return Ok(refused(&oscal::ImportError {
            message: format!(
                "{} already defines the framework `{id}`; nothing was written",
                csv.display()
            ),
            hint: Some("import under another id with `--id`, or remove the CSV first".into()),
        }));
    }
    if let Some(e) = in_the_way(&target, args.force) {
        return Ok(refused(&e));
    }
    let json = std::fs::read_to_string(&args.file)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", args.file.display()))?;
    let options = oscal::Options {
        id: &id,
        source: &source,
        licence: args.licence.as_deref(),
    };
    let imported = match oscal::import(&json, &options) {
        Ok(imported) => imported,
        Err(e) => return Ok(refused(&e)),
    };
    write(&target, &imported.yaml)?;
    let kinds: Vec<String> = (imported.kinds.iter())
        .map(|(kind, n)| format!("{kind}: {n}"))
        .collect();
    eprintln!(
        "imported {} requirements ({}) from {} into {}; left out: the prose and {}",
        imported.requirements,
        kinds.join(", "),
        args.file.display(),
        target.display(),
        oscal::withdrawn_text(imported.withdrawn, imported.under_withdrawn),
    );
    Ok(0)
}
