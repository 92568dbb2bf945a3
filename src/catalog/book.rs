//! Reading a book's own frameworks (`frameworks/*.yaml|csv`), crosswalks (`crosswalks/*.csv`)
//! and `[frameworks]` settings into the [`Frameworks`] it can name, each problem a diagnostic
//! at its place.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::crosswalk::{Crosswalk, Relationship};
use super::framework;
use super::registry::{
    unresolved, unresolved_nowhere, Frameworks, Link, ReqRef, CROSSWALKS_DIR, FRAMEWORKS_DIR,
    ISO27001_2022,
};
use crate::config::BookSettings;
use crate::diagnostic::{Code, Diagnostic, FileId, Sources, Span};

/// The files of `dir` (relative to the book root) with one of `extensions`, sorted by name;
/// others are reported as ignored.
fn files_in(
    root: &Path,
    dir: &str,
    extensions: &[&str],
    code: Code,
    diagnostics: &mut Vec<Diagnostic>,
) -> anyhow::Result<Vec<PathBuf>> {
    let path = root.join(dir);
    if !path.is_dir() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    let entries = std::fs::read_dir(&path)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
        let name = PathBuf::from(dir).join(entry.file_name());
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        let ext = name.extension().and_then(|e| e.to_str()).unwrap_or("");
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if is_file && extensions.contains(&ext.to_ascii_lowercase().as_str()) {
            files.push(name);
        } else if !hidden {
            diagnostics.push(
                Diagnostic::warning(
                    code,
                    format!(
                        "`{}` is not read: `{dir}/` holds {} files",
                        crate::diagnostic::display_path(&name),
                        extensions.join(" or ")
                    ),
                )
                .hint("move it elsewhere, or give it one of those extensions"),
            );
        }
    }
    files.sort();
    Ok(files)
}

/// Adds a book file to `sources`: its id and text.
fn read_source(
    root: &Path,
    rel: &Path,
    sources: &mut Sources,
    diagnostics: &mut Vec<Diagnostic>,
) -> anyhow::Result<FileId> {
    let bytes = std::fs::read(root.join(rel))
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", rel.display()))?;
    let (text, bad_utf8) = crate::text::decode(bytes);
    let file = sources.add(rel.to_path_buf(), text);
    if let Some(at) = bad_utf8 {
        diagnostics.push(
            Diagnostic::error(Code::InvalidUtf8, "this file is not valid UTF-8")
                .at(Span {
                    file,
                    range: at..at,
                })
                .hint("save the file as UTF-8"),
        );
    }
    Ok(file)
}

/// Reads the book's frameworks, crosswalks and `[frameworks]` settings.
pub(crate) fn read(
    settings: &BookSettings,
    sources: &mut Sources,
) -> anyhow::Result<(Frameworks, Vec<Diagnostic>)> {
    let root = &settings.root;
    let mut diagnostics = Vec::new();
    let mut frameworks = Frameworks::builtin();
    let builtin = frameworks.list.len();
    let mut seen: HashMap<String, PathBuf> = HashMap::new();
    for rel in files_in(
        root,
        FRAMEWORKS_DIR,
        &["yaml", "yml", "csv"],
        Code::InvalidFramework,
        &mut diagnostics,
    )? {
        let file = read_source(root, &rel, sources, &mut diagnostics)?;
        let at_start = Span { file, range: 0..0 };
        let id = rel
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("")
            .to_string();
        if !super::registry::is_file_id(&id) {
            diagnostics.push(
                Diagnostic::error(
                    Code::InvalidFramework,
                    format!("`{id}` cannot be a framework id: the file name is the id"),
                )
                .at(at_start)
                .hint(
                    "name the file with lowercase letters, digits, `.` and `-`, e.g. `soc2.yaml`",
                ),
            );
            continue;
        }
        if let Some(i) = frameworks.get(&id).filter(|&i| i < builtin) {
            diagnostics.push(
                Diagnostic::error(
                    Code::InvalidFramework,
                    format!(
                        "`{id}` is the id of a built-in framework ({})",
                        frameworks.list[i].name
                    ),
                )
                .at(at_start)
                .hint("name the file differently: built-in frameworks need no file"),
            );
            continue;
        }
        if let Some(first) = seen.get(&id) {
            diagnostics.push(
                Diagnostic::error(
                    Code::InvalidFramework,
                    format!(
                        "`{id}` is defined twice: here and in `{}`",
                        crate::diagnostic::display_path(first)
                    ),
                )
                .at(at_start)
                .hint("keep one file per framework"),
            );
            continue;
        }
        seen.insert(id.clone(), rel.clone());
        let text = sources.text(file);
        let csv = rel
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        match framework::parse_file(&id, text, csv) {
            Ok(f) => frameworks.add_own(f),
            Err(e) => {
                let mut d = Diagnostic::error(Code::InvalidFramework, e.to_string()).at(Span {
                    file,
                    range: e.range.clone(),
                });
                if let Some(hint) = e.hint {
                    d = d.hint(hint);
                }
                diagnostics.push(d);
            }
        }
    }
    read_crosswalks(root, sources, &mut frameworks, &mut diagnostics)?;
    read_settings(settings, sources, &mut frameworks, &mut diagnostics);
    Ok((frameworks, diagnostics))
}

/// The book's `crosswalks/*.csv`, each row's ends resolved.
fn read_crosswalks(
    root: &Path,
    sources: &mut Sources,
    frameworks: &mut Frameworks,
    diagnostics: &mut Vec<Diagnostic>,
) -> anyhow::Result<()> {
    let mut crosswalked = Vec::new();
    // Each pair's first row: the same pair again with another relationship contradicts it.
    let mut first: HashMap<(ReqRef, ReqRef), (Relationship, Span)> = HashMap::new();
    for rel in files_in(
        root,
        CROSSWALKS_DIR,
        &["csv"],
        Code::InvalidCrosswalk,
        diagnostics,
    )? {
        let file = read_source(root, &rel, sources, diagnostics)?;
        let text = sources.text(file);
        let walk = match Crosswalk::parse(text) {
            Ok(walk) => walk,
            Err(e) => {
                diagnostics.push(
                    Diagnostic::error(Code::InvalidCrosswalk, e.message)
                        .at(Span {
                            file,
                            range: e.range,
                        })
                        .hint(
                            "a crosswalk is CSV: `#` comment lines saying where it comes from, \
                             then `from,to,relationship,source` with qualified ids",
                        ),
                );
                continue;
            }
        };
        let name = crate::diagnostic::display_path(&rel);
        for row in walk.rows {
            let mut ends = [None, None];
            for (k, written) in [&row.from, &row.to].into_iter().enumerate() {
                let span = Span {
                    file,
                    range: row.at[k].clone(),
                };
                match frameworks.resolve(written) {
                    Ok(r) => ends[k] = Some(r),
                    Err(e) => diagnostics.push(unresolved(frameworks, written, e, span)),
                }
            }
            let [Some(from), Some(to)] = ends else {
                continue;
            };
            let at = Span {
                file,
                range: row.at[0].start..row.at[1].end,
            };
            if from == to {
                diagnostics.push(
                    Diagnostic::warning(
                        Code::InvalidCrosswalk,
                        format!("`{}` is mapped to itself", row.from),
                    )
                    .at(at.clone())
                    .hint("remove the row, or name the requirement of the other framework"),
                );
            }
            match first.get(&(from, to)) {
                Some((earlier, place)) if *earlier != row.relationship => diagnostics.push(
                    Diagnostic::warning(
                        Code::InvalidCrosswalk,
                        format!(
                            "`{}` -> `{}` is `{}` here and `{}` in an earlier row",
                            row.from,
                            row.to,
                            row.relationship.as_str(),
                            earlier.as_str()
                        ),
                    )
                    .at(at.clone())
                    .note(place.clone(), "the earlier row")
                    .hint("keep one relationship for the pair: the mapping cannot be both"),
                ),
                Some(_) => {}
                None => {
                    first.insert((from, to), (row.relationship, at.clone()));
                }
            }
            crosswalked.extend([from.framework, to.framework]);
            frameworks.links.push(Link {
                from,
                to,
                relationship: row.relationship,
                source: row.source.unwrap_or_else(|| name.clone()),
            });
        }
    }
    crosswalked.sort_unstable();
    crosswalked.dedup();
    frameworks.crosswalked = crosswalked;
    Ok(())
}

/// `[frameworks] use` and `[frameworks.excluded]`.
fn read_settings(
    settings: &BookSettings,
    sources: &Sources,
    frameworks: &mut Frameworks,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let config = &settings.config.frameworks;
    let use_span = settings.table_key_span(sources, Some("frameworks"), "use");
    // The entry itself, `"soc2"`, when it is found after `use =`.
    let entry_span = |id: &str| -> Option<Span> {
        let span = use_span.clone()?;
        let text = sources.text(span.file);
        let quoted = format!("\"{id}\"");
        let at = span.range.start + text[span.range.start..].find(&quoted)?;
        Some(Span {
            file: span.file,
            range: at..at + quoted.len(),
        })
    };
    for id in &config.use_ {
        match frameworks.get(id.trim()) {
            Some(0) => diagnostics.push(
                Diagnostic::warning(
                    Code::InvalidFramework,
                    "ISO/IEC 27001:2022 is always used: its Annex A has the SoA and its own pages",
                )
                .at_opt(use_span.clone())
                .hint(format!("remove `{ISO27001_2022}` from `use`")),
            ),
            Some(i) if frameworks.declared.contains(&i) => {}
            Some(i) => frameworks.declared.push(i),
            None => diagnostics.push(
                Diagnostic::error(
                    Code::UnknownFramework,
                    format!("`use` names `{id}`, which is not a framework of this book"),
                )
                .at_opt(entry_span(id).or_else(|| use_span.clone()))
                .hint(frameworks.framework_hint(id)),
            ),
        }
    }
    for (written, reason) in &config.excluded {
        let span = settings.table_key_span(sources, Some("frameworks.excluded"), written);
        match frameworks.resolve(written) {
            Ok(r) if r.framework == 0 => diagnostics.push(
                Diagnostic::error(
                    Code::InvalidFramework,
                    "ISO/IEC 27001:2022 controls are excluded in the Statement of Applicability",
                )
                .at_opt(span)
                .hint("record the exclusion and its justification in soa.yaml"),
            ),
            Ok(_) if reason.trim().is_empty() => diagnostics.push(
                Diagnostic::error(
                    Code::InvalidFramework,
                    format!("the exclusion of `{written}` gives no reason"),
                )
                .at_opt(span)
                .hint("write why it is out of scope, as the SoA does for a control"),
            ),
            Ok(r) => {
                frameworks.excluded.insert(r, reason.trim().to_string());
            }
            Err(e) => {
                let d = match span {
                    Some(span) => unresolved(frameworks, written, e, span),
                    None => unresolved_nowhere(frameworks, written, e),
                };
                diagnostics.push(d);
            }
        }
    }
}
