//! `policybook check`: every validation `build` does, nothing written.

use serde::Serialize;

use super::{counts, print_diagnostics, Color, DatedBookArg, EXIT_BOOK_ERRORS};
use crate::diagnostic::Located;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub book: DatedBookArg,

    /// Treat warnings as errors.
    #[arg(long)]
    pub strict: bool,

    /// How to print diagnostics: `human` (to stderr), `json` (to stdout, for tools) or
    /// `github` (GitHub Actions annotations on stdout, shown on the lines of a pull request).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Github,
}

/// `check --profile`: the profile's site made in memory and searched for every sentence the
/// profile leaves out; each one found is a `profile-leak` error.
fn with_leaks(mut checked: crate::pipeline::Checked) -> anyhow::Result<crate::pipeline::Checked> {
    if checked.errors() > 0 || checked.removed.is_empty() {
        return Ok(checked);
    }
    let progress = crate::progress::Progress::none();
    let files = match crate::pipeline::site_files(&checked, &progress)? {
        crate::outcome::Outcome::Done(files) => files,
        crate::outcome::Outcome::BookErrors(problems) => {
            checked.diagnostics.extend(problems);
            return Ok(checked);
        }
    };
    let model = checked
        .model
        .as_ref()
        .expect("a checked book without errors has a model");
    let profile = model.profile.as_ref().map_or("", |p| p.name.as_str());
    // Catalog titles are public; a left-out document's title stays as the text of links to it.
    let known: Vec<&str> = (model.frameworks.list.iter())
        .flat_map(|f| &f.requirements)
        .filter_map(|r| r.title.as_deref())
        .chain(checked.removed_titles.iter().map(String::as_str))
        .collect();
    let published: Vec<&str> = (model.documents.iter())
        .map(|n| checked.sources.text(n.doc.file))
        .collect();
    let leaks = crate::profile::leaks::find(&checked.removed, &known, &published, &files);
    // One diagnostic per sentence, at the published document that holds it when one does.
    let mut by_sentence: Vec<(&str, Option<usize>, Vec<&str>)> = Vec::new();
    for leak in &leaks {
        match by_sentence.iter_mut().find(|(s, _, _)| *s == leak.sentence) {
            Some((_, _, files)) => files.push(&leak.file),
            None => by_sentence.push((&leak.sentence, leak.source, vec![&leak.file])),
        }
    }
    let mut found = Vec::new();
    for (sentence, source, files) in by_sentence {
        let shown: String = sentence.chars().take(80).collect();
        let more = if files.len() > 3 {
            format!(" and {} more", files.len() - 3)
        } else {
            String::new()
        };
        let listed = files
            .iter()
            .take(3)
            .copied()
            .collect::<Vec<_>>()
            .join("`, `");
        let diagnostic = crate::diagnostic::Diagnostic::error(
            crate::diagnostic::Code::ProfileLeak,
            format!(
                "text the profile `{profile}` leaves out reaches its output: \"{shown}\" in `{listed}`{more}"
            ),
        );
        found.push(match source.map(|d| &model.documents[d].doc) {
            Some(doc) => diagnostic
                .at(doc.id_span.clone())
                .hint(format!("{} says it too, and is published at this level: reword it there, or classify that part of it as well", doc.id)),
            None => diagnostic.hint("no published document says it: it comes in through an attachment, a title, soa.yaml, a register or the theme; remove it there, or classify it"),
        });
    }
    checked.sources.sort(&mut found);
    checked.diagnostics.extend(found);
    Ok(checked)
}

#[derive(Serialize)]
struct Report<'a> {
    documents: usize,
    errors: usize,
    warnings: usize,
    diagnostics: Vec<Located<'a>>,
}

pub(super) fn run(args: Args, color: Color) -> anyhow::Result<u8> {
    let checked = match &args.book.profile {
        None => args.book.validate()?,
        Some(_) => with_leaks(args.book.check()?)?,
    };
    let (errors, warnings) = (checked.errors(), checked.warnings());
    match args.format {
        Format::Json => {
            let report = Report {
                documents: checked.documents(),
                errors,
                warnings,
                diagnostics: checked
                    .diagnostics
                    .iter()
                    .map(|d| checked.sources.locate(d))
                    .collect(),
            };
            super::stdout(&(serde_json::to_string_pretty(&report)? + "\n"))?;
        }
        Format::Github => {
            let annotations: String = checked
                .diagnostics
                .iter()
                .map(|d| checked.sources.github_annotation(d) + "\n")
                .collect();
            super::stdout(&annotations)?;
            eprintln!(
                "checked {} documents: {}",
                checked.documents(),
                counts(errors, warnings)
            );
        }
        Format::Human => {
            print_diagnostics(&checked.sources, &checked.diagnostics, color)?;
            if errors == 0 && warnings == 0 {
                eprintln!("checked {} documents: no problems", checked.documents());
            } else {
                eprintln!(
                    "checked {} documents: {}",
                    checked.documents(),
                    counts(errors, warnings)
                );
            }
        }
    }
    let failed = errors > 0 || (args.strict && warnings > 0);
    Ok(if failed { EXIT_BOOK_ERRORS } else { 0 })
}
