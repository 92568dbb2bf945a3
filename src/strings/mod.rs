//! The words the theme writes, in the reader's language: navigation, headings, table headers,
//! notes, dates, the search box's messages and the Rust renderer's own words (page titles,
//! labels).
//!
//! A table is a TOML file of string ids (`[nav] documents = "Documents"` is the id
//! `nav.documents`). English is complete and the base of every other; German, French, Spanish
//! and Japanese are built in (`en.toml`, `de.toml`, ... beside this file), chosen by
//! `[book] language` by its primary subtag (`de-CH` is German). A theme's
//! `strings/<lang>.toml` and then book.toml's `[output.html.strings]` override any id.
//!
//! Values are HTML, as the template text they stand for (`<code>` may be used; write `&amp;`
//! for `&`), except where the renderer uses them as plain text: page titles (`title.*`), words
//! written into labels it escapes itself, and the script's words (`js.*`). `{name}` is a
//! placeholder, filled in by templates with `fill(name=...)` (values escaped).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

/// The built-in tables: language code and TOML text. English first: it is the base.
const TABLES: [(&str, &str); 5] = [
    ("en", include_str!("en.toml")),
    ("de", include_str!("de.toml")),
    ("fr", include_str!("fr.toml")),
    ("es", include_str!("es.toml")),
    ("ja", include_str!("ja.toml")),
];

/// The codes of the built-in languages, for hints.
pub(crate) fn builtin_languages() -> Vec<&'static str> {
    TABLES.iter().map(|(code, _)| *code).collect()
}

/// The primary subtag of a language tag, lowercased: `en-GB` -> `en`.
pub(crate) fn primary(tag: &str) -> String {
    tag.split(['-', '_'])
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// True when `tag`'s primary subtag is a built-in language.
pub(crate) fn is_builtin(tag: &str) -> bool {
    let p = primary(tag);
    TABLES.iter().any(|(code, _)| *code == p)
}

/// A TOML table of strings, flattened into dotted ids, in the table's order; values that are
/// not strings are returned apart, by id.
pub(crate) fn flatten(table: &toml::Table) -> (Vec<(String, String)>, Vec<String>) {
    fn walk(
        prefix: &str,
        table: &toml::Table,
        out: &mut Vec<(String, String)>,
        bad: &mut Vec<String>,
    ) {
        for (key, value) in table {
            let id = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            match value {
                toml::Value::String(s) => out.push((id, s.clone())),
                toml::Value::Table(t) => walk(&id, t, out, bad),
                _ => bad.push(id),
            }
        }
    }
    let (mut out, mut bad) = (Vec::new(), Vec::new());
    walk("", table, &mut out, &mut bad);
    (out, bad)
}

fn parse(text: &str) -> Vec<(String, String)> {
    let table: toml::Table = toml::from_str(text).unwrap_or_default();
    flatten(&table).0
}

/// The string ids (those of English), sorted.
pub(crate) fn ids() -> Vec<String> {
    let mut ids: Vec<String> = parse(TABLES[0].1).into_iter().map(|(id, _)| id).collect();
    ids.sort();
    ids
}

/// The `{name}` placeholders of a value, in order.
#[cfg(test)]
pub(crate) fn placeholders(value: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = value;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close)
                if close > 0
                    && after[..close]
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_') =>
            {
                out.push(&after[..close]);
                rest = &after[close + 1..];
            }
            _ => rest = after,
        }
    }
    out
}

/// `value` with each `{name}` replaced by what `arg(name)` gives; an unknown name stays.
pub(crate) fn fill(value: &str, arg: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(value.len() + 16);
    let mut rest = value;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let name = after.find('}').map(|close| &after[..close]);
        match name.and_then(|n| arg(n).map(|v| (n, v))) {
            Some((n, v)) => {
                out.push_str(&v);
                rest = &after[n.len() + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The strings of one book: its language's table with the theme's and the book's overrides.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Strings {
    /// The language code of the table the values came from (`en` when the book's is unknown).
    code: String,
    values: BTreeMap<String, String>,
}

impl Default for Strings {
    fn default() -> Self {
        Strings::for_language("en")
    }
}

impl Strings {
    /// The built-in table for `tag` (English for a language that is not built in), complete:
    /// every id English has.
    pub(crate) fn for_language(tag: &str) -> Strings {
        let code = primary(tag);
        let mut values: BTreeMap<String, String> = parse(TABLES[0].1).into_iter().collect();
        let found = TABLES.iter().find(|(c, _)| *c == code);
        if let Some((_, text)) = found.filter(|(c, _)| *c != "en") {
            for (id, value) in parse(text) {
                if values.contains_key(&id) {
                    values.insert(id, value);
                }
            }
        }
        Strings {
            code: found.map_or("en", |(c, _)| c).to_string(),
            values,
        }
    }

    /// Sets `id` (false, and nothing set, when there is no such string).
    pub(crate) fn set(&mut self, id: &str, value: &str) -> bool {
        match self.values.get_mut(id) {
            Some(v) => {
                *v = value.replace('\0', "\u{FFFD}");
                true
            }
            None => false,
        }
    }

    /// The value of `id` (empty for an id that does not exist).
    pub(crate) fn get(&self, id: &str) -> &str {
        self.values.get(id).map_or("", String::as_str)
    }

    /// The strings the Markdown renderer writes into bodies, for the key of a rendered body.
    pub(crate) fn renderer_words(&self) -> Vec<(&str, &str)> {
        (self.values.iter())
            .filter(|(id, _)| {
                id.starts_with("callout.") || *id == "heading.anchor" || *id == "profile.link_note"
            })
            .map(|(id, v)| (id.as_str(), v.as_str()))
            .collect()
    }

    /// The value of `id`, when there is such a string.
    pub(crate) fn value(&self, id: &str) -> Option<&str> {
        self.values.get(id).map(String::as_str)
    }

    /// The value of `id` with its placeholders filled in by `args`, as plain text.
    pub(crate) fn text(&self, id: &str, args: &[(&str, &str)]) -> String {
        fill(self.get(id), |name| {
            args.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        })
    }

    /// A date as the language writes it (`date.format`, with `date.format_first` for the
    /// first of a month): English keeps `2026-12-04`.
    pub(crate) fn date(&self, d: NaiveDate) -> String {
        let format = if d.day() == 1 {
            self.get("date.format_first")
        } else {
            self.get("date.format")
        };
        if format == "{iso}" {
            return d.to_string();
        }
        let month = format!("month.m{}", d.month());
        fill(format, |name| match name {
            "iso" => Some(d.to_string()),
            "year" => Some(d.year().to_string()),
            "month" => Some(self.get(&month).to_string()),
            "m" => Some(d.month().to_string()),
            "mm" => Some(format!("{:02}", d.month())),
            "day" => Some(d.day().to_string()),
            "dd" => Some(format!("{:02}", d.day())),
            _ => None,
        })
    }

    /// An optional date, as [`Strings::date`] writes it.
    pub(crate) fn date_opt(&self, d: Option<NaiveDate>) -> Option<String> {
        d.map(|d| self.date(d))
    }

    /// The words too common to search for (`search.stop_words`, separated by spaces).
    pub(crate) fn stop_words(&self) -> Vec<&str> {
        self.get("search.stop_words").split_whitespace().collect()
    }

    /// Every string as the nested object templates see as `t` (`t.nav.documents`).
    pub(crate) fn tera(&self) -> serde_json::Value {
        let mut root = serde_json::Map::new();
        for (id, value) in &self.values {
            let mut at = &mut root;
            let mut parts = id.split('.').peekable();
            while let Some(part) = parts.next() {
                if parts.peek().is_none() {
                    at.insert(part.to_string(), serde_json::Value::String(value.clone()));
                    break;
                }
                let next = at
                    .entry(part.to_string())
                    .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
                if !next.is_object() {
                    break;
                }
                at = next.as_object_mut().expect("an object");
            }
        }
        serde_json::Value::Object(root)
    }

    /// The script's words (`js.*`, and the stop words), as a JavaScript object literal.
    pub(crate) fn script(&self) -> String {
        let words: BTreeMap<&str, &str> = self
            .values
            .iter()
            .filter_map(|(id, v)| id.strip_prefix("js.").map(|k| (k, v.as_str())))
            .chain(std::iter::once((
                "stop_words",
                self.get("search.stop_words"),
            )))
            .collect();
        serde_json::to_string(&words)
            .unwrap_or_else(|_| "{}".into())
            .replace('<', "\\u003c")
    }
}

/// Where the theme's scripts take their words: replaced by [`Strings::script`] when the site
/// is written.
pub(crate) const SCRIPT_MARKER: &str = "{/*policybook:strings*/}";

#[cfg(test)]
mod tests;
