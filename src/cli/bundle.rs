//! `policybook bundle` and `policybook verify`: the auditor's offline copy and its check.

use crate::outcome::Outcome;
use std::path::PathBuf;

use super::{valid_model, Color, DatedBookArg, EXIT_BOOK_ERRORS};
use crate::bundle::{self, BuildInfo};
use crate::pipeline;
use crate::profile::record::{self, Record};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub book: DatedBookArg,

    /// The zip to write (default: `<output-dir>.zip` in the book's folder, e.g. book.zip).
    #[arg(short = 'o', long = "out")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// The bundle to check.
    pub file: PathBuf,

    /// A full (no profile) bundle of the same revision: checks that FILE, built for a profile,
    /// left out exactly the parts its `redactions.json` lists, with the same SHA-256.
    #[arg(long, value_name = "FULL.zip")]
    pub against: Option<PathBuf>,
}

pub(super) fn run(args: Args, color: Color) -> anyhow::Result<u8> {
    let checked = args.book.check()?;
    let Some(model) = valid_model(&checked, color, "bundle")? else {
        return Ok(EXIT_BOOK_ERRORS);
    };
    let settings = &model.settings;
    let out = args.out.clone().unwrap_or_else(|| {
        let mut name = settings
            .config
            .build
            .output_dir
            .file_name()
            .unwrap_or_default()
            .to_os_string();
        if let Some(p) = &model.profile {
            name.push(format!("-{}", p.name));
        }
        name.push(".zip");
        settings.root.join(name)
    });
    let abs = std::path::absolute(&out)?;
    for protected in [settings.content_dir(), settings.root.join("themes")] {
        if let Ok(p) = std::path::absolute(&protected) {
            if abs.starts_with(&p) {
                anyhow::bail!(
                    "refusing to write {} inside the book's sources",
                    out.display()
                );
            }
        }
    }
    let files = match pipeline::site_files(&checked, &crate::progress::Progress::none())? {
        Outcome::Done(files) => files,
        Outcome::BookErrors(problems) => {
            super::print_diagnostics(&checked.sources, &problems, color)?;
            return Ok(EXIT_BOOK_ERRORS);
        }
    };
    let info = BuildInfo {
        catalog_edition: model.catalog.edition.clone(),
        build_date: model.as_of,
        git_commit: bundle::git_commit(&settings.root),
        documents: model.documents.len(),
    };
    let entries = bundle::write(&files, info, &out)?;
    eprintln!(
        "wrote {} ({} files, {} documents); check it with `policybook verify {}` or, unzipped, `sha256sum -c SHA256SUMS`",
        out.display(),
        entries,
        model.documents.len(),
        out.display()
    );
    Ok(0)
}

pub(super) fn verify(args: VerifyArgs) -> anyhow::Result<u8> {
    let intact = verify_one(&args.file)?;
    let Some(full) = &args.against else {
        return Ok(intact);
    };
    if intact != 0 || verify_one(full)? != 0 {
        return Ok(EXIT_BOOK_ERRORS);
    }
    let record = |path: &std::path::Path| -> anyhow::Result<Record> {
        let bytes = bundle::entry(path, record::FILE)?.ok_or_else(|| {
            anyhow::anyhow!(
                "{} has no {}: its book declares no [profiles]",
                path.display(),
                record::FILE
            )
        })?;
        serde_json::from_slice(&bytes).map_err(|e| {
            anyhow::anyhow!("{} in {} cannot be read: {e}", record::FILE, path.display())
        })
    };
    let (ours, theirs) = (record(&args.file)?, record(full)?);
    let problems = record::compare(&ours, &theirs);
    let mut report = String::new();
    for p in &problems {
        report.push_str(&format!("redaction: {p}\n"));
    }
    let left_out = |r: &Record| {
        (
            r.documents.iter().filter(|d| !d.published).count(),
            r.sections.iter().filter(|s| !s.published).count(),
        )
    };
    let (docs, sections) = left_out(&ours);
    if problems.is_empty() {
        report.push_str(&format!(
            "{}: the `{}` build of the same book as {}, minus exactly the {docs} document(s) and {sections} section(s) above `{}` that it lists\n",
            args.file.display(),
            ours.profile.as_deref().unwrap_or("full"),
            full.display(),
            ours.max_classification,
        ));
        super::stdout(&report)?;
        Ok(0)
    } else {
        report.push_str(&format!(
            "{}: its redactions do NOT match {}: {} problem(s)\n",
            args.file.display(),
            full.display(),
            problems.len()
        ));
        super::stdout(&report)?;
        Ok(EXIT_BOOK_ERRORS)
    }
}

/// One bundle against its own manifest.
fn verify_one(file: &std::path::Path) -> anyhow::Result<u8> {
    let args = VerifyArgs {
        file: file.to_path_buf(),
        against: None,
    };
    let v = bundle::verify(&args.file)?;
    let mut report = String::new();
    for (what, list) in [
        ("added", &v.added),
        ("removed", &v.removed),
        ("altered", &v.altered),
    ] {
        for name in list {
            report.push_str(&format!("{what}: {name}\n"));
        }
    }
    let m = v.manifest.as_ref().expect("verify returns the manifest");
    if v.is_intact() {
        report.push_str(&format!(
            "{}: intact ({} files, {} documents, built {} by {}{})\n",
            args.file.display(),
            m.files.len(),
            m.documents,
            m.build_date,
            m.generator,
            m.git_commit
                .as_ref()
                .map(|c| format!(" from commit {c}"))
                .unwrap_or_default()
        ));
        super::stdout(&report)?;
        Ok(0)
    } else {
        let n = v.added.len() + v.removed.len() + v.altered.len();
        report.push_str(&format!(
            "{}: NOT intact: {n} file(s) differ from the manifest\n",
            args.file.display()
        ));
        super::stdout(&report)?;
        Ok(EXIT_BOOK_ERRORS)
    }
}
