//! `policybook crosswalk`: work on the book's crosswalks (`crosswalks/<name>.csv`).

use std::path::{Path, PathBuf};

use super::data_import::{file_name, in_the_way, refused, write};
use crate::catalog::crosswalk_import::{self as import_, ImportError};
use crate::catalog::framework::{self, Framework};
use crate::catalog::registry::{Frameworks, CROSSWALKS_DIR, FRAMEWORKS_DIR};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: CrosswalkCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum CrosswalkCommand {
    /// Turn a NIST OLIR CSV or an OSCAL mapping collection (JSON) into the book's
    /// `crosswalks/<name>.csv`, every id checked against its framework.
    Import(ImportArgs),
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The mapping: a NIST OLIR template saved as CSV, or an OSCAL mapping collection in JSON.
    pub file: PathBuf,

    /// The framework of the OLIR focal document elements, or of the OSCAL sources
    /// (e.g. `nist-csf-2.0`).
    #[arg(long, value_name = "FW")]
    pub from: String,

    /// The framework of the OLIR reference document elements, or of the OSCAL targets
    /// (e.g. `iso27001-2022`, or one of the book's own).
    #[arg(long, value_name = "FW")]
    pub to: String,

    /// The book's root folder (where book.toml is).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub book: PathBuf,

    /// The crosswalk's name, which names the file (default: `<from>-to-<to>`).
    #[arg(long, value_name = "NAME")]
    pub id: Option<String>,

    /// The `source` column of every row (default: the mapping's title, else its file name).
    #[arg(long, value_name = "TEXT")]
    pub source: Option<String>,

    /// Under what terms the mapping is published, when the file does not say (or to state
    /// them in your own words).
    #[arg(long, alias = "license", value_name = "TEXT")]
    pub licence: Option<String>,

    /// Replace `crosswalks/<name>.csv` if it exists.
    #[arg(long)]
    pub force: bool,
}

pub(super) fn run(args: Args) -> anyhow::Result<u8> {
    match args.command {
        CrosswalkCommand::Import(args) => import(args),
    }
}

fn import(args: ImportArgs) -> anyhow::Result<u8> {
    super::existing_root(&args.book)?;
    let file_name = file_name(&args.file);
    let name = match &args.id {
        Some(name) => name.clone(),
        None => import_::default_name(args.from.trim(), args.to.trim()),
    };
    if let Err(e) = import_::check_name(&name) {
        return Ok(refused(&e));
    }
    let from = match framework(&args.book, args.from.trim(), "--from")? {
        Ok(f) => f,
        Err(e) => return Ok(refused(&e)),
    };
    let to = match framework(&args.book, args.to.trim(), "--to")? {
        Ok(f) => f,
        Err(e) => return Ok(refused(&e)),
    };
    let folder = args.book.join(CROSSWALKS_DIR);
    let target = folder.join(format!("{name}.csv"));
    if let Some(e) = in_the_way(&target, args.force) {
        return Ok(refused(&e));
    }
    let text = std::fs::read_to_string(&args.file)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", args.file.display()))?;
    let options = import_::Options {
        file_name: &file_name,
        from: &from,
        to: &to,
        source: args.source.as_deref(),
        licence: args.licence.as_deref(),
    };
    let imported = match import_::import(&text, &options) {
        Ok(imported) => imported,
        Err(e) => return Ok(refused(&e)),
    };
    write(&target, &imported.csv)?;
    let left_out = if imported.skipped.is_empty() {
        "nothing".to_string()
    } else {
        imported.skipped.join("; ")
    };
    eprintln!(
        "imported {} {} ({}) from {} into {}; left out: {left_out}",
        imported.rows,
        if imported.rows == 1 { "row" } else { "rows" },
        import_::counts_text(&imported.counts),
        args.file.display(),
        target.display(),
    );
    if !imported.unknown.is_empty() {
        let n = imported.unknown.len();
        eprintln!(
            "warning: {n} {} not in {} or {} and {} left out: {}",
            if n == 1 { "id is" } else { "ids are" },
            from.id,
            to.id,
            if n == 1 {
                "its rows were"
            } else {
                "their rows were"
            },
            import_::named(&imported.unknown),
        );
    }
    Ok(0)
}

/// The framework `id`: a built-in one, else the book's `frameworks/<id>.yaml|yml|csv`; `Err`
/// inside when there is none or its file does not read, `Err` outside when it cannot be read.
fn framework(book: &Path, id: &str, flag: &str) -> anyhow::Result<Result<Framework, ImportError>> {
    let builtin = Frameworks::builtin();
    if let Some(i) = builtin.get(id) {
        return Ok(Ok(builtin.list[i].clone()));
    }
    for ext in ["yaml", "yml", "csv"] {
        let path = book.join(FRAMEWORKS_DIR).join(format!("{id}.{ext}"));
        if id.is_empty() || id.contains(['/', '\\']) || !path.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
        return Ok(
            framework::parse_file(id, &text, ext == "csv").map_err(|e| ImportError {
                message: format!(
                    "{} does not read (line {}, column {}): {e}",
                    path.display(),
                    e.line,
                    e.column
                ),
                hint: Some("run `policybook check` and correct the framework first".into()),
            }),
        );
    }
    Ok(Err(ImportError {
        message: format!("{flag} names `{id}`, which is not a framework of this book"),
        hint: Some(builtin.framework_hint(id)),
    }))
}
