//! The client-side search index: documents (id, title, headings, body), clauses and controls.
//!
//! Written as `search-index.js`, a script that sets `window.POLICYBOOK_SEARCH`, so that it
//! loads from `file://` too (browsers refuse `fetch` there). The theme's `search.js` loads it
//! on first use, so pages do not pay for it. To stay compact it is an inverted index: for each
//! term, the items that contain it with a field weight, delta-encoded in base 36.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use rayon::prelude::*;
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

/// Per term, the items that contain it with their strongest weight.
type Postings = HashMap<String, Vec<(usize, u8)>>;

/// Adds item `item`, made of `texts` with their weights, to `postings`.
fn add(postings: &mut Postings, item: usize, texts: &[(&str, u8)]) {
    let mut weights: HashMap<String, u8> = HashMap::new();
    for &(text, weight) in texts {
        for t in terms(text) {
            let w = weights.entry(t).or_insert(weight);
            *w = (*w).max(weight);
        }
    }
    for (t, w) in weights {
        postings.entry(t).or_default().push((item, w));
    }
}

fn document_item(n: &crate::model::Node) -> [String; 5] {
    let d = &n.doc;
    let summary: String = n
        .body
        .text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(SUMMARY_CHARS)
        .collect();
    [
        paths::encode(&n.page),
        d.id.clone(),
        d.title.clone(),
        d.kind.map_or("document", |k| k.as_str()).into(),
        summary,
    ]
}

fn document_texts(n: &crate::model::Node) -> Vec<(&str, u8)> {
    let mut texts = vec![(n.doc.id.as_str(), ID), (n.doc.title.as_str(), TITLE)];
    texts.extend(n.body.headings.iter().map(|h| (h.text.as_str(), HEADING)));
    texts.push((n.body.text.as_str(), BODY));
    texts
}

/// The search index of the site, as the contents of `search-index.js`. Documents are indexed
/// in parallel, each thread into postings of its own, merged at the end.
pub fn index(model: &Model) -> Vec<u8> {
    let docs = &model.documents;
    let mut items: Vec<[String; 5]> = docs.par_iter().map(document_item).collect();
    let mut postings = (0..docs.len())
        .into_par_iter()
        .fold(Postings::new, |mut p, i| {
            add(&mut p, i, &document_texts(&docs[i]));
            p
        })
        .reduce(Postings::new, |mut a, b| {
            for (term, mut list) in b {
                a.entry(term).or_default().append(&mut list);
            }
            a
        });
    for c in &model.catalog.clauses {
        add(
            &mut postings,
            items.len(),
            &[(&c.id, ID), (&c.title, TITLE)],
        );
        items.push([
            paths::encode(&paths::clause_file(&c.id)),
            c.id.clone(),
            c.title.clone(),
            "clause".into(),
            String::new(),
        ]);
    }
    for c in &model.catalog.controls {
        // `5.15` finds A.5.15 too.
        let texts = [
            (c.id.as_str(), ID),
            (c.id.trim_start_matches("A."), ID),
            (c.title.as_str(), TITLE),
        ];
        add(&mut postings, items.len(), &texts);
        items.push([
            paths::encode(&paths::control_file(&c.id)),
            c.id.clone(),
            c.title.clone(),
            "control".into(),
            String::new(),
        ]);
    }
    let terms = postings
        .into_iter()
        .map(|(term, mut list)| {
            list.sort_unstable();
            let mut encoded = String::with_capacity(list.len() * 4);
            let mut previous = 0;
            for (item, weight) in list {
                if !encoded.is_empty() {
                    encoded.push(' ');
                }
                push_base36(&mut encoded, item - previous);
                previous = item;
                let _ = write!(encoded, " {weight}");
            }
            (term, encoded)
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

fn push_base36(out: &mut String, n: usize) {
    let start = out.len();
    let mut n = n;
    loop {
        out.push(char::from(DIGITS[n % 36]));
        n /= 36;
        if n == 0 {
            break;
        }
    }
    // Digits were pushed least significant first; all are ASCII.
    let digits: String = out[start..].chars().rev().collect();
    out.truncate(start);
    out.push_str(&digits);
}

const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";

#[cfg(test)]
fn base36(n: usize) -> String {
    let mut out = String::new();
    push_base36(&mut out, n);
    out
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
