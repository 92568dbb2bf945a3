//! `book.toml` -> [`Config`]: strict, defaulted, validated in one place.
//!
//! Every section and key has a default, so a folder with only `content/` is a book. Every key
//! that mdBook documents is accepted, so an mdBook's `book.toml` works as it is: those that mean
//! something here are honoured, the others get one `config-unused` note each. Any other key is
//! an error with its line and a did-you-mean, never silently ignored.
//!
//! The keys and their defaults are in `schema`; reading the file and checking its values in
//! `load`; mdBook's names for policybook's settings, and the notes for its keys that mean
//! nothing here, in `mdbook`. [`BookSettings`], here, is what the rest of policybook gets.

mod load;
mod mdbook;
mod schema;

pub(crate) use load::load;
pub(crate) use schema::{Config, DocumentFilter, HtmlConfig, ScalesConfig, SearchConfig};

use std::path::PathBuf;

use crate::diagnostic::{FileId, Sources, Span};

pub(crate) const CONFIG_FILE: &str = "book.toml";

/// Where `word` stands among the classification `levels` (0 is the lowest); case is ignored,
/// as people write `Confidential` and `confidential` alike.
pub(crate) fn level_of(levels: &[String], word: &str) -> Option<usize> {
    levels
        .iter()
        .position(|l| l.eq_ignore_ascii_case(word.trim()))
}

/// An audience's id names its reading list's page: letters, digits, `-` and `_`.
pub(crate) fn audience_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
}

/// A loaded book configuration with the book's root folder.
#[derive(Debug, Clone)]
pub struct BookSettings {
    pub root: PathBuf,
    pub config: Config,
    /// The `book.toml` in [`Sources`], when there is one, for diagnostics.
    pub file: Option<FileId>,
    /// The theme's words in the book's language, with the theme's and the book's overrides.
    pub(crate) strings: crate::strings::Strings,
}

impl BookSettings {
    /// The audiences of `[audiences]` that have reading lists (id and name, by id): those
    /// whose id can name a page (the others are `config-invalid`).
    pub(crate) fn audiences(&self) -> Vec<(&str, &str)> {
        (self.config.audiences.iter())
            .filter(|(id, _)| audience_id(id))
            .map(|(id, name)| (id.as_str(), name.as_str()))
            .collect()
    }

    pub fn content_dir(&self) -> PathBuf {
        self.root.join(&self.config.build.content_dir)
    }

    pub fn output_dir(&self) -> PathBuf {
        self.root.join(&self.config.build.output_dir)
    }

    pub fn theme_dir(&self) -> Option<PathBuf> {
        self.config
            .output
            .html
            .theme
            .as_ref()
            .filter(|t| t.as_str() != "default")
            .map(|t| self.root.join("themes").join(t))
    }

    /// Span of `key = ...` in book.toml, for diagnostics about a setting's value.
    pub fn key_span(&self, sources: &Sources, key: &str) -> Option<Span> {
        self.table_key_span(sources, None, key)
    }

    /// Span of `key` in `[table]` (`output.html.search`), or with no table its first
    /// `key = ...` anywhere; a sub-table `[table.key]` is found by its header.
    pub fn table_key_span(
        &self,
        sources: &Sources,
        table: Option<&str>,
        key: &str,
    ) -> Option<Span> {
        let file = self.file?;
        let text = sources.text(file);
        let header = |t: &str| -> Option<String> {
            let inner = t.strip_prefix('[')?.split(']').next()?;
            Some(
                inner
                    .split('.')
                    .map(|p| p.trim().trim_matches('"').trim_matches('\''))
                    .collect::<Vec<_>>()
                    .join("."),
            )
        };
        let mut current = String::new();
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let t = line.trim_start();
            let start = offset + (line.len() - t.len());
            let span = Span {
                file,
                range: start..start + t.trim_end().len(),
            };
            offset += line.len();
            if t.starts_with('[') {
                current = header(t).unwrap_or_default();
                let full = table.map_or(key.to_string(), |table| format!("{table}.{key}"));
                if current == full || current.starts_with(&format!("{full}.")) {
                    return Some(span);
                }
                continue;
            }
            let in_table = table.is_none_or(|table| current == table);
            let bare = t
                .strip_prefix(key)
                .or_else(|| t.strip_prefix(&format!("\"{key}\"")));
            if in_table
                && bare.is_some_and(|rest| {
                    let rest = rest.trim_start();
                    rest.starts_with('=') || rest.starts_with('.')
                })
            {
                return Some(span);
            }
        }
        None
    }

    /// The span of `[table]`'s header, or of the first key under it.
    pub(crate) fn table_span(&self, sources: &Sources, table: &str) -> Option<Span> {
        let (parent, last) = match table.rsplit_once('.') {
            Some((p, l)) => (Some(p), l),
            None => (None, table),
        };
        self.table_key_span(sources, parent, last)
            .or_else(|| self.file.map(|file| Span { file, range: 0..0 }))
    }
}
