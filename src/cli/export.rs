//! `policybook export`: the exports alone, into a folder of their own.

use std::path::PathBuf;

use super::{valid_model, Color, DatedBookArg, EXIT_BOOK_ERRORS};
use crate::diagnostic::display_path;
use crate::{export, output};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub book: DatedBookArg,

    /// Folder to write the exports to (replaced as a whole, like the site).
    #[arg(short = 'o', long = "out", default_value = "exports")]
    pub out: PathBuf,
}

pub(super) fn run(args: Args, color: Color) -> anyhow::Result<u8> {
    let checked = args.book.check()?;
    let Some(model) = valid_model(&checked, color, "export")? else {
        return Ok(EXIT_BOOK_ERRORS);
    };
    let settings = &model.settings;
    let dest = output::guard(&args.out, &settings.root, &settings.content_dir())?;
    let mut files = Vec::new();
    export::each(model, &mut |mut f| {
        f.path = f
            .path
            .trim_start_matches(&format!("{}/", export::DIR))
            .to_string();
        files.push(f);
        Ok(())
    })?;
    output::write(&dest, &files)?;
    let names: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    eprintln!("wrote {} to {}", names.join(", "), display_path(&dest));
    Ok(0)
}
