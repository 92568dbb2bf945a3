//! Who a build is for. A profile of `book.toml` (`[profiles.public]`) publishes documents and
//! sections up to a classification level, and may include or exclude documents by type, tag
//! or audience. What it leaves out is taken out of the documents' text before the model is
//! built, so that no page, export, search index or attachment downstream can show it; what
//! was taken out is listed with its SHA-256 in `redactions.json` (see [`record`]).

pub(crate) mod leaks;
pub(crate) mod record;
pub(crate) mod sections;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use crate::config::{level_of, BookSettings, DocumentFilter};
use crate::diagnostic::{Code, Diagnostic, Sources, Span};
use crate::document::Document;

use record::Published;
pub(crate) use record::Record;

/// A profile of the book, resolved against its levels.
#[derive(Debug, Clone)]
pub(crate) struct Profile {
    pub name: String,
    /// The highest level published (index into the book's levels).
    pub max: usize,
    include: DocumentFilter,
    exclude: DocumentFilter,
    /// The index is the trust page.
    pub trust_page: bool,
}

impl Profile {
    /// The profile `name` of the book; `Err` says which profiles there are.
    pub(crate) fn named(settings: &BookSettings, name: &str) -> Result<Profile, String> {
        let config = &settings.config;
        let Some(p) = config.profiles.get(name) else {
            let names: Vec<&str> = config.profiles.keys().map(String::as_str).collect();
            return Err(if names.is_empty() {
                format!("the book has no profiles, so there is no `{name}`: declare it as `[profiles.{name}]` in book.toml")
            } else {
                let best = crate::diagnostic::did_you_mean(name, names.iter().copied())
                    .map(|b| format!("did you mean `{b}`? "))
                    .unwrap_or_default();
                format!(
                    "the book has no profile `{name}`: {best}its profiles are `{}`",
                    names.join("`, `")
                )
            });
        };
        let levels = &config.classification.levels;
        let top = levels.len().saturating_sub(1);
        let max = p
            .max_classification
            .as_deref()
            .map_or(Some(top), |m| level_of(levels, m))
            .ok_or_else(|| {
                format!("the profile `{name}` names a level that book.toml does not declare")
            })?;
        Ok(Profile {
            name: name.to_string(),
            max,
            include: p.include.clone(),
            exclude: p.exclude.clone(),
            trust_page: p.trust_page.unwrap_or(config.trust.is_some() && max == 0),
        })
    }

    /// Why `d` is left out (`classification` or `profile`), or `None` when it is published.
    fn leaves_out(&self, d: &Document, level: usize) -> Option<&'static str> {
        if level > self.max {
            return Some("classification");
        }
        let kind = d.kind.map(|k| k.as_str());
        // Per list (type, tags, audience): whether it names the document.
        let matches = |f: &DocumentFilter| {
            [
                f.types.iter().any(|t| Some(t.as_str()) == kind),
                f.tags.iter().any(|t| d.tags.contains(t)),
                (f.audience.iter()).any(|a| d.audience.iter().any(|r| &r.target == a)),
            ]
        };
        let i = &self.include;
        let given = [
            !i.types.is_empty(),
            !i.tags.is_empty(),
            !i.audience.is_empty(),
        ];
        let named = matches(i);
        let included = (0..3).all(|k| !given[k] || named[k]);
        (!included || matches(&self.exclude).contains(&true)).then_some("profile")
    }
}

/// What links may point at without being broken: documents and headings that a profile
/// left out. A link to them is shown as plain text with a note.
#[derive(Debug, Default, Clone)]
pub(crate) struct Redacted {
    pub ids: HashSet<String>,
    /// Paths relative to the content folder (NFC).
    pub paths: HashSet<PathBuf>,
    /// Published document id -> anchors of the headings taken out of it.
    pub anchors: HashMap<String, HashSet<String>>,
}

impl Redacted {
    pub(crate) fn is_empty(&self) -> bool {
        self.ids.is_empty() && self.anchors.is_empty()
    }

    pub(crate) fn anchor(&self, id: &str, anchor: &str) -> bool {
        self.anchors.get(id).is_some_and(|a| a.contains(anchor))
    }
}

/// The documents of a build for `profile` (`None`: everything), their text rewritten.
pub(crate) struct Applied {
    pub documents: Vec<Arc<Document>>,
    pub redacted: Redacted,
    /// `redactions.json`, when the book declares profiles.
    pub record: Option<Record>,
    /// The texts taken out (documents' bodies and sections), for the leak check.
    pub removed_texts: Vec<String>,
    /// The titles of the documents left out.
    pub removed_titles: Vec<String>,
    pub registers_shown: bool,
    pub justifications_shown: bool,
    pub diagnostics: Vec<Diagnostic>,
}

impl Applied {
    /// Records the register files, and empties `registers` when the profile is below their
    /// level (links and `risks:` naming them are then shown as text with a note).
    pub(crate) fn registers(
        &mut self,
        settings: &BookSettings,
        registers: &mut crate::registers::Registers,
        sources: &Sources,
    ) {
        let level = &settings.config.classification.registers;
        for file in &registers.files {
            let id = (0..sources.len()).find(|&i| sources.path(i) == std::path::Path::new(file));
            let text = id.map_or("", |i| sources.text(i));
            if let Some(r) = self.record.as_mut() {
                r.register(file.clone(), text, level, self.registers_shown);
            }
            if !self.registers_shown {
                self.removed_texts.push(text.to_string());
            }
        }
        if !self.registers_shown {
            let ids = (registers.risks.iter().map(|r| r.id.clone()))
                .chain(registers.exceptions.iter().map(|e| e.id.clone()));
            self.redacted.ids.extend(ids);
            *registers = Default::default();
        }
    }
}

/// The note that stands where a section was taken out, in the book's language.
pub(crate) fn note(settings: &BookSettings, level: &str) -> String {
    settings
        .strings
        .text("profile.section_note", &[("level", level)])
}

/// Applies `profile` to the parsed `documents`: leaves out those above its level or outside
/// its filters, and rewrites the bodies of the others (see [`sections::rewrite`]) in
/// `sources`.
pub(crate) fn apply(
    settings: &BookSettings,
    profile: Option<&Profile>,
    documents: Vec<Arc<Document>>,
    sources: &mut Sources,
) -> Applied {
    let config = &settings.config;
    let levels = &config.classification.levels;
    let classifies = !config.profiles.is_empty() || profile.is_some();
    let top = levels.len().saturating_sub(1);
    let max = profile.map_or(top, |p| p.max);
    let level_at = |word: &str| level_of(levels, word).unwrap_or(top);
    let mut applied = Applied {
        documents: Vec::with_capacity(documents.len()),
        redacted: Redacted::default(),
        record: None,
        removed_texts: Vec::new(),
        removed_titles: Vec::new(),
        registers_shown: level_at(&config.classification.registers) <= max,
        justifications_shown: level_at(&config.classification.soa_justifications) <= max,
        diagnostics: Vec::new(),
    };
    let justifications = Published {
        classification: config.classification.soa_justifications.clone(),
        published: applied.justifications_shown,
    };
    let mut record = classifies.then(|| Record::new(profile, levels, max, justifications));
    for mut d in documents {
        let text = sources.text(d.file);
        let word = d.classification.as_deref();
        let level = document_level(settings, word).unwrap_or_else(|top| {
            if let Some(word) = word.filter(|_| classifies) {
                (applied.diagnostics).push(unknown_level(&d, text, word, levels));
            }
            top
        });
        let body = &text[d.body_start..];
        let sections = if classifies || body.contains(":::") {
            sections::find(body, levels)
        } else {
            Vec::new()
        };
        let left_out = profile.and_then(|p| p.leaves_out(&d, level));
        if let Some(r) = record.as_mut() {
            r.document(&d, text, &levels[level], left_out, &sections, max);
        }
        if left_out.is_some() {
            applied.removed_texts.push(body.to_string());
            applied.removed_titles.push(d.title.clone());
            applied.redacted.ids.insert(d.id.clone());
            applied
                .redacted
                .paths
                .insert(crate::paths::nfc_path(&d.rel));
            continue;
        }
        if sections.is_empty() {
            applied.documents.push(d);
            continue;
        }
        let (rewritten, removed) = rewrite(settings, body, &sections, max, true);
        for s in &removed {
            applied
                .removed_texts
                .push(body[s.range.clone()].to_string());
        }
        if !removed.is_empty() {
            let gone = removed_anchors(body, &rewritten);
            if !gone.is_empty() {
                applied.redacted.anchors.insert(d.id.clone(), gone);
            }
        }
        let mut new_text = String::with_capacity(d.body_start + rewritten.len());
        new_text.push_str(&text[..d.body_start]);
        new_text.push_str(&rewritten);
        let doc = Arc::make_mut(&mut d);
        doc.body_hash = crate::document::text_hash(&new_text[doc.body_start..]);
        sources.replace(doc.file, new_text.into());
        applied.documents.push(d);
    }
    applied.record = record;
    applied
}

/// A body (Markdown after the front matter) as a build for `profile` publishes it, fences
/// as written: what [`apply`] leaves of a document's text, for an older version of it.
pub(crate) fn published_body(
    settings: &BookSettings,
    profile: Option<&Profile>,
    body: &str,
) -> String {
    let levels = &settings.config.classification.levels;
    let max = profile.map_or(levels.len().saturating_sub(1), |p| p.max);
    let sections = sections::find(body, levels);
    rewrite(settings, body, &sections, max, false).0
}

/// [`sections::rewrite`] with the book's note for what is left out and, when `labelled`, a
/// label of the level's name on the blocks kept.
fn rewrite<'a>(
    settings: &BookSettings,
    body: &str,
    sections: &'a [sections::Section],
    max: usize,
    labelled: bool,
) -> (String, Vec<&'a sections::Section>) {
    let levels = &settings.config.classification.levels;
    let label = |l: usize| crate::markdown::capitalised(&levels[l]);
    let label: Option<&dyn Fn(usize) -> String> = labelled.then_some(&label);
    sections::rewrite(body, sections, max, &|l| note(settings, &levels[l]), label)
}

/// Where a document classified `word` stands among the book's levels (`None`: the book's
/// default level); `Err` with the highest level for a word that is none of them, as such a
/// document counts.
fn document_level(settings: &BookSettings, word: Option<&str>) -> Result<usize, usize> {
    let c = &settings.config.classification;
    let top = c.levels.len().saturating_sub(1);
    let default = level_of(&c.levels, &c.default).unwrap_or(top);
    word.map_or(Ok(default), |w| level_of(&c.levels, w).ok_or(top))
}

/// Whether a build for `profile` publishes a document classified `word` (`None`: the book's
/// default level).
pub(crate) fn publishes(
    settings: &BookSettings,
    profile: Option<&Profile>,
    word: Option<&str>,
) -> bool {
    profile.is_none_or(|p| document_level(settings, word).unwrap_or_else(|top| top) <= p.max)
}

/// The heading anchors of `full` that `redacted` no longer has.
fn removed_anchors(full: &str, redacted: &str) -> HashSet<String> {
    let anchors = |text: &str| -> HashSet<String> {
        crate::markdown::render(text, &Nothing, Default::default())
            .headings
            .into_iter()
            .map(|h| h.id)
            .collect()
    };
    let kept = anchors(redacted);
    anchors(full)
        .into_iter()
        .filter(|a| !kept.contains(a))
        .collect()
}

/// A resolver that finds nothing: for reading a body's headings alone.
struct Nothing;

impl crate::markdown::Resolve for Nothing {
    fn wiki(&self, _: &str) -> Option<crate::markdown::Resolved> {
        None
    }

    fn path(&self, _: &str) -> crate::markdown::PathLink {
        crate::markdown::PathLink::Missing
    }
}

/// `classification:` names no level of the book.
fn unknown_level(d: &Document, text: &str, word: &str, levels: &[String]) -> Diagnostic {
    let front = &text[..d.body_start];
    let span = front
        .find("classification:")
        .map(|at| {
            let value = at + "classification:".len();
            let line_end = front[value..].find('\n').map_or(front.len(), |i| value + i);
            let trimmed = front[value..line_end].trim();
            let start = value + front[value..line_end].find(trimmed).unwrap_or(0);
            start..start + trimmed.len()
        })
        .unwrap_or(0..0);
    let listed = levels.join("`, `");
    Diagnostic::warning(
        Code::UnknownClassification,
        format!("`{word}` is not a classification level of this book"),
    )
    .at(Span {
        file: d.file,
        range: span,
    })
    .hint(
        match crate::diagnostic::did_you_mean(word, levels.iter().map(String::as_str)) {
            Some(best) => format!("did you mean `{best}`? Until then it counts as the highest level, `{}`", levels[levels.len() - 1]),
            None => format!("the levels are `{listed}` (lowest first, [classification] in book.toml); until then it counts as the highest"),
        },
    )
}
