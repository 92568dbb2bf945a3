//! `redactions.json`: every classified document and section of the book, with its level, the
//! SHA-256 of its source text and whether this build published it. A profile build and the
//! full build of the same revision list the same parts with the same hashes, so an auditor
//! can check ([`compare`]) that what a profile showed is the full text minus exactly the parts
//! it lists. Hashes only: a heading's text is classified with its section, so it is never
//! written out.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::sections::Section;
use super::Profile;
use crate::document::Document;

/// Its name at the root of a site and a bundle.
pub(crate) const FILE: &str = "redactions.json";

/// The file, as written into every build of a book that declares profiles.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case")]
pub(crate) struct Record {
    pub schema: u32,
    /// `None` for the full build.
    pub profile: Option<String>,
    pub max_classification: String,
    pub levels: Vec<String>,
    pub documents: Vec<DocumentEntry>,
    pub sections: Vec<SectionEntry>,
    pub registers: Vec<FileEntry>,
    pub soa_justifications: Published,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case")]
pub(crate) struct DocumentEntry {
    pub id: String,
    pub path: String,
    pub classification: String,
    /// Of the whole file as written.
    pub source_sha256: String,
    pub published: bool,
    /// Why it was left out: `classification` or `profile`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case")]
pub(crate) struct SectionEntry {
    pub document: String,
    /// The line of its heading or opening fence in the document's file.
    pub line: usize,
    pub classification: String,
    /// Of the heading's line as written (`None` for a fenced block).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub heading_sha256: Option<String>,
    /// Of the section's source text, heading or fences included.
    pub sha256: String,
    pub published: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case")]
pub(crate) struct FileEntry {
    pub file: String,
    pub classification: String,
    pub sha256: String,
    pub published: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case")]
pub(crate) struct Published {
    pub classification: String,
    pub published: bool,
}

pub(crate) fn sha256(text: &str) -> String {
    format!("{:x}", Sha256::digest(text.as_bytes()))
}

impl Record {
    pub(super) fn new(
        profile: Option<&Profile>,
        levels: &[String],
        max: usize,
        soa_justifications: Published,
    ) -> Record {
        Record {
            schema: 1,
            profile: profile.map(|p| p.name.clone()),
            max_classification: levels[max].clone(),
            levels: levels.to_vec(),
            documents: Vec::new(),
            sections: Vec::new(),
            registers: Vec::new(),
            soa_justifications,
        }
    }

    /// Records document `d` (its file's `text`) and its classified `sections`.
    pub(super) fn document(
        &mut self,
        d: &Document,
        text: &str,
        level: &str,
        left_out: Option<&str>,
        sections: &[Section],
        max: usize,
    ) {
        self.documents.push(DocumentEntry {
            id: d.id.clone(),
            path: crate::paths::slash(&d.rel),
            classification: level.to_string(),
            source_sha256: sha256(text),
            published: left_out.is_none(),
            reason: left_out.map(String::from),
        });
        let body = &text[d.body_start..];
        let first_line = text[..d.body_start].matches('\n').count() + 1;
        // A section inside one left out is left out with it.
        let mut out: Vec<std::ops::Range<usize>> = Vec::new();
        for s in sections {
            let inside = out
                .iter()
                .any(|r| r.start <= s.range.start && s.range.end <= r.end);
            let published = left_out.is_none() && s.level <= max && !inside;
            if !published {
                out.push(s.range.clone());
            }
            self.sections.push(SectionEntry {
                document: d.id.clone(),
                line: first_line + body[..s.range.start].matches('\n').count(),
                classification: self.levels[s.level].clone(),
                heading_sha256: s.heading.as_deref().map(sha256),
                sha256: sha256(&body[s.range.clone()]),
                published,
            });
        }
    }

    /// Records a register file and whether it was published.
    pub(crate) fn register(&mut self, file: String, text: &str, level: &str, published: bool) {
        self.registers.push(FileEntry {
            file,
            classification: level.to_string(),
            sha256: sha256(text),
            published,
        });
    }

    /// Sorted, so that the file does not depend on the order documents were read in.
    pub(crate) fn finish(mut self) -> Record {
        self.documents.sort_by(|a, b| a.id.cmp(&b.id));
        self.sections
            .sort_by(|a, b| (&a.document, a.line).cmp(&(&b.document, b.line)));
        self.registers.sort_by(|a, b| a.file.cmp(&b.file));
        self
    }

    pub(crate) fn to_json(&self) -> String {
        let mut json = serde_json::to_string_pretty(self).expect("a record serializes");
        json.push('\n');
        json
    }
}

/// What is wrong with a profile's `record` next to the full build's `full` of the same
/// revision: every difference, or nothing when the profile's build left out exactly the
/// parts above its level (and the documents its filters name), with the same hashes.
pub(crate) fn compare(record: &Record, full: &Record) -> Vec<String> {
    let mut problems = Vec::new();
    if full.profile.is_some() || full.documents.iter().any(|d| !d.published) {
        problems.push(format!(
            "the reference bundle is not a full build (it was built for the profile `{}`)",
            full.profile.as_deref().unwrap_or("?")
        ));
        return problems;
    }
    if record.levels != full.levels {
        problems.push("the two builds declare different classification levels".into());
        return problems;
    }
    let max = record
        .levels
        .iter()
        .position(|l| *l == record.max_classification)
        .unwrap_or(0);
    let level = |word: &str| {
        record
            .levels
            .iter()
            .position(|l| l == word)
            .unwrap_or(usize::MAX)
    };
    let by_id: std::collections::HashMap<&str, &DocumentEntry> =
        full.documents.iter().map(|d| (d.id.as_str(), d)).collect();
    for d in &record.documents {
        let Some(f) = by_id.get(d.id.as_str()) else {
            problems.push(format!("{}: not a document of the full build", d.id));
            continue;
        };
        if f.source_sha256 != d.source_sha256 {
            problems.push(format!(
                "{}: its source differs from the full build's (not the same revision?)",
                d.id
            ));
        }
        if f.classification != d.classification {
            problems.push(format!(
                "{}: classified `{}` here, `{}` in the full build",
                d.id, d.classification, f.classification
            ));
        }
        let above = level(&f.classification) > max;
        match (above, d.published, d.reason.as_deref()) {
            (true, true, _) => problems.push(format!(
                "{}: {} but published in a `{}` build",
                d.id, f.classification, record.max_classification
            )),
            (false, false, Some("classification")) => problems.push(format!(
                "{}: said to be above `{}` but it is {}",
                d.id, record.max_classification, f.classification
            )),
            _ => {}
        }
    }
    if record.documents.len() != full.documents.len() {
        problems.push(format!(
            "the full build has {} documents, this one lists {}",
            full.documents.len(),
            record.documents.len()
        ));
    }
    let key = |s: &SectionEntry| (s.document.clone(), s.line, s.sha256.clone());
    let listed: std::collections::HashSet<_> = record.sections.iter().map(key).collect();
    let published_docs: std::collections::HashSet<&str> = record
        .documents
        .iter()
        .filter(|d| d.published)
        .map(|d| d.id.as_str())
        .collect();
    for s in &full.sections {
        if !listed.contains(&key(s)) {
            problems.push(format!(
                "{} line {}: a {} section of the full build that this build does not list",
                s.document, s.line, s.classification
            ));
        }
    }
    for s in &record.sections {
        if !full
            .sections
            .iter()
            .any(|f| key(f) == key(s) && f.classification == s.classification)
        {
            problems.push(format!(
                "{} line {}: a section the full build does not have",
                s.document, s.line
            ));
        }
        if s.published && level(&s.classification) > max {
            problems.push(format!(
                "{} line {}: a {} section published in a `{}` build",
                s.document, s.line, s.classification, record.max_classification
            ));
        }
        if !s.published
            && level(&s.classification) <= max
            && published_docs.contains(s.document.as_str())
            && !record.sections.iter().any(|o| {
                !o.published
                    && o.document == s.document
                    && o.line < s.line
                    && level(&o.classification) > max
            })
        {
            problems.push(format!(
                "{} line {}: a {} section left out of a `{}` build",
                s.document, s.line, s.classification, record.max_classification
            ));
        }
    }
    for r in &record.registers {
        match full.registers.iter().find(|f| f.file == r.file) {
            Some(f) if f.sha256 != r.sha256 => {
                problems.push(format!("{}: differs from the full build's", r.file))
            }
            None => problems.push(format!("{}: not in the full build", r.file)),
            _ => {}
        }
        if r.published && level(&r.classification) > max {
            problems.push(format!("{}: {} but published", r.file, r.classification));
        }
    }
    if record.soa_justifications.published && level(&record.soa_justifications.classification) > max
    {
        problems.push("the SoA's justifications are published above the profile's level".into());
    }
    problems
}
