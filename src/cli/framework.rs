//! `policybook framework`: work on the book's own frameworks (`frameworks/<id>.yaml`).

use std::path::{Path, PathBuf};

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

/// Exit code of an import refused for what the input is (not JSON, not a catalog, no licence,
/// a file in the way); a file that cannot be read or written is an error (exit 2).
const EXIT_REFUSED: u8 = 1;

fn import(args: ImportArgs) -> anyhow::Result<u8> {
    super::existing_root(&args.book)?;
    let source = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| args.file.display().to_string());
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
    if target.exists() && !args.force {
        return Ok(refused(&oscal::ImportError {
            message: format!("{} exists; nothing was written", target.display()),
            hint: Some("pass `--force` to replace it, or `--id` to import beside it".into()),
        }));
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
    write(&folder, &target, &imported.yaml)?;
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

/// Prints why the import was refused and what to do; the exit code for it.
fn refused(e: &oscal::ImportError) -> u8 {
    eprintln!("error: {}", e.message);
    if let Some(hint) = &e.hint {
        eprintln!("hint: {hint}");
    }
    EXIT_REFUSED
}

/// Writes the framework file, making `frameworks/` if the book has none yet.
fn write(folder: &Path, target: &Path, text: &str) -> anyhow::Result<()> {
    std::fs::create_dir_all(folder)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", folder.display()))?;
    std::fs::write(target, text)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", target.display()))
}
