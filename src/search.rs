//! The client-side search index: documents (id, title, headings, body), clauses and controls.
//!
//! Written as `search-index.js`, a script that sets `window.POLICYBOOK_SEARCH`, so that it
//! loads from `file://` too (browsers refuse `fetch` there). The theme's `search.js` loads it
//! on first use, so pages do not pay for it. To stay compact it is an inverted index: for each
//! term, the items that contain it with a field weight, delta-encoded in base 36.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::model::Model;
use crate::paths;

/// Field weights, from the strongest: id, title, heading, body.
const ID: u8 = 8;
const TITLE: u8 = 4;
const HEADING: u8 = 2;
const BODY: u8 = 1;

/// Length of the text shown under a result.
const SUMMARY_CHARS: usize = 160;

/// Words too common to help find anything.
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "is",
    "it", "its", "of", "on", "or", "that", "the", "this", "to", "was", "were", "will", "with",
];

#[derive(Serialize)]
struct Index {
    /// `[page, id, title, kind, summary]` per item.
    items: Vec<[String; 5]>,
    /// term -> postings: `item-delta weight` pairs, each in base 36, separated by spaces.
    terms: BTreeMap<String, String>,
}

/// Splits text into lowercase search terms. Dotted ids (`A.8.24`, `6.1.2`) stay whole.
pub fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied().unwrap_or(' ');
        // A dot continues a term only between alphanumerics, as in `a.8.24` (the current term
        // ends in an alphanumeric whenever it is not empty).
        let keep = c.is_alphanumeric()
            || (c == '.'
                && !current.is_empty()
                && next.is_alphanumeric()
                && is_id_like(&current, next));
        if keep {
            if c.is_ascii() {
                current.push(c.to_ascii_lowercase());
            } else {
                current.extend(c.to_lowercase());
            }
        } else if !current.is_empty() {
            let term = std::mem::take(&mut current);
            if !STOP_WORDS.contains(&term.as_str()) {
                out.push(term);
            }
        }
    }
    if !current.is_empty() && !STOP_WORDS.contains(&current.as_str()) {
        out.push(current);
    }
    out
}

/// A dot continues a term when it joins digits (`8.24`) or a one-letter prefix (`a.8`).
fn is_id_like(current: &str, next: char) -> bool {
    let last_part = current.rsplit('.').next().unwrap_or(current);
    (last_part.chars().all(|c| c.is_ascii_digit()) || last_part.len() == 1) && next.is_ascii_digit()
}

/// The search index of the site, as the contents of `search-index.js`.
pub fn index(model: &Model) -> Vec<u8> {
    let mut items: Vec<[String; 5]> = Vec::new();
    let mut postings: HashMap<String, Vec<(usize, u8)>> = HashMap::new();
    let add =
        |item: usize, text: &str, weight: u8, postings: &mut HashMap<String, Vec<(usize, u8)>>| {
            for t in terms(text) {
                let list = postings.entry(t).or_default();
                match list.last_mut() {
                    Some((i, w)) if *i == item => *w = (*w).max(weight),
                    _ => list.push((item, weight)),
                }
            }
        };
    for n in &model.documents {
        let d = &n.doc;
        let item = items.len();
        let summary: String = n
            .body
            .text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .take(SUMMARY_CHARS)
            .collect();
        items.push([
            paths::encode(&n.page),
            d.id.clone(),
            d.title.clone(),
            d.kind.map_or("document", |k| k.as_str()).into(),
            summary,
        ]);
        add(item, &d.id, ID, &mut postings);
        add(item, &d.title, TITLE, &mut postings);
        for h in &n.body.headings {
            add(item, &h.text, HEADING, &mut postings);
        }
        add(item, &n.body.text, BODY, &mut postings);
    }
    for c in &model.catalog.clauses {
        let item = items.len();
        items.push([
            paths::encode(&paths::clause_file(&c.id)),
            c.id.clone(),
            c.title.clone(),
            "clause".into(),
            String::new(),
        ]);
        add(item, &c.id, ID, &mut postings);
        add(item, &c.title, TITLE, &mut postings);
    }
    for c in &model.catalog.controls {
        let item = items.len();
        items.push([
            paths::encode(&paths::control_file(&c.id)),
            c.id.clone(),
            c.title.clone(),
            "control".into(),
            String::new(),
        ]);
        add(item, &c.id, ID, &mut postings);
        // `5.15` finds A.5.15 too.
        add(item, c.id.trim_start_matches("A."), ID, &mut postings);
        add(item, &c.title, TITLE, &mut postings);
    }
    let terms = postings
        .into_iter()
        .map(|(term, mut list)| {
            list.sort_unstable();
            let mut previous = 0;
            let encoded: Vec<String> = list
                .into_iter()
                .map(|(item, weight)| {
                    let delta = item - previous;
                    previous = item;
                    format!("{} {}", base36(delta), weight)
                })
                .collect();
            (term, encoded.join(" "))
        })
        .collect();
    let index = Index { items, terms };
    let json = serde_json::to_string(&index).unwrap_or_else(|_| "{}".into());
    // `</script` cannot end anything here (the file is a script, not inline), but keep `<`
    // escaped anyway so the index is safe wherever it is embedded.
    format!(
        "window.POLICYBOOK_SEARCH={};\n",
        json.replace('<', "\\u003c")
    )
    .into_bytes()
}

fn base36(mut n: usize) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    if n == 0 {
        return "0".into();
    }
    let mut out = Vec::new();
    while n > 0 {
        out.push(DIGITS[n % 36]);
        n /= 36;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_stay_whole_and_words_are_lowercased() {
        assert_eq!(
            terms("See A.8.24 and clause 6.1.2."),
            ["see", "a.8.24", "clause", "6.1.2"]
        );
        assert_eq!(
            terms("Access-Control Policy v2.1"),
            ["access", "control", "policy", "v2", "1"]
        );
        assert_eq!(terms("end. Next"), ["end", "next"]);
        assert_eq!(terms("Ünïcode Straße"), ["ünïcode", "straße"]);
    }

    #[test]
    fn base36_counts() {
        assert_eq!(base36(0), "0");
        assert_eq!(base36(35), "z");
        assert_eq!(base36(36), "10");
    }
}
