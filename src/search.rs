//! The client-side search index: documents (id, title, headings, body), clauses and controls.
//!
//! Written as `search-index.js`, a script that sets `window.POLICYBOOK_SEARCH`, so that it
//! loads from `file://` too (browsers refuse `fetch` there). The theme's `search.js` loads it
//! on first use, so pages do not pay for it. To stay compact it is an inverted index: for each
//! term, the items that contain it with a field weight, delta-encoded in base 36.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::Hasher;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use crate::model::{Model, Node};
use crate::paths;
use crate::strings::Strings;

/// Field weights, from the strongest: id, title, heading, body.
const ID: u8 = 8;
const TITLE: u8 = 4;
const HEADING: u8 = 2;
const BODY: u8 = 1;
// Written as one digit in the index (in base 36, the same as decimal).
const _: () = assert!(ID < 10 && TITLE < 10 && HEADING < 10 && BODY < 10);

/// Length of the text shown under a result.
const SUMMARY_CHARS: usize = 160;

/// True for a character of a script written without spaces between words (Han, Hiragana,
/// Katakana, Hangul): a run of them is indexed as its overlapping pairs of characters
/// (`情報セキュリティ` as `情報`, `報セ`, `セキ`, ...), and the search box splits a query the same
/// way, so that any word of two or more characters inside the run is found.
fn is_cjk(c: char) -> bool {
    // Every character below Hiragana (all of Latin, Greek, Cyrillic...) in one comparison.
    c >= '\u{3040}'
        && matches!(c as u32,
        0x3040..=0x30FF      // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xF900..=0xFAFF    // compatibility ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xFF66..=0xFF9F    // half-width Katakana
        | 0x20000..=0x2FFFF) // CJK extensions B and later
}

#[derive(Serialize)]
struct Index<'a> {
    /// `[page, id, title, kind, summary]` per item.
    items: Vec<&'a [String; 5]>,
    /// term -> postings: `item-delta weight` pairs, each in base 36, separated by spaces.
    terms: BTreeMap<&'a str, String>,
}

/// Splits text into lowercase search terms. Dotted ids (`A.8.24`, `6.1.2`) stay whole.
#[cfg(test)]
fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    each_term(text, &Stop::new(STOP_WORDS.to_vec()), |t| {
        out.push(t.to_string())
    });
    out
}

/// The English stop words, for tests.
#[cfg(test)]
const STOP_WORDS: [&str; 27] = [
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "is",
    "it", "its", "of", "on", "or", "that", "the", "this", "to", "was", "were", "will", "with",
];

/// The words search leaves out (the language's `search.stop_words`). Those of up to 8 bytes
/// (nearly all) are kept as numbers, so that a term is compared with each in one instruction.
struct Stop<'a> {
    short: Vec<u64>,
    long: Vec<&'a str>,
    longest: usize,
}

/// Up to 8 bytes as one number (terms hold no NUL, so no two differ only in padding).
fn packed(word: &str) -> Option<u64> {
    let bytes = word.as_bytes();
    (bytes.len() <= 8).then(|| {
        let mut b = [0u8; 8];
        b[..bytes.len()].copy_from_slice(bytes);
        u64::from_le_bytes(b)
    })
}

impl<'a> Stop<'a> {
    fn new(words: Vec<&'a str>) -> Stop<'a> {
        let longest = words.iter().map(|w| w.len()).max().unwrap_or(0);
        let short = words.iter().filter_map(|w| packed(w)).collect();
        let long = words.into_iter().filter(|w| w.len() > 8).collect();
        Stop {
            short,
            long,
            longest,
        }
    }

    /// Most terms are longer than any stop word: those are not compared at all.
    fn contains(&self, term: &str) -> bool {
        if term.len() > self.longest {
            return false;
        }
        match packed(term) {
            Some(n) => self.short.contains(&n),
            None => self.long.contains(&term),
        }
    }
}

/// Calls `f` with each search term of `text`, in order, from one reused buffer; `stop` are
/// the words left out.
fn each_term(text: &str, stop: &Stop, mut f: impl FnMut(&str)) {
    let mut current = String::new();
    // The previous character of a run of CJK characters (see [`is_cjk`]).
    let mut cjk: Option<char> = None;
    let mut pair = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if is_cjk(c) {
            if !current.is_empty() {
                if !stop.contains(&current) {
                    f(&current);
                }
                current.clear();
            }
            if let Some(before) = cjk {
                pair.clear();
                pair.push(before);
                pair.push(c);
                f(&pair);
            } else if !chars.peek().copied().is_some_and(is_cjk) {
                // A run of one character is its own term.
                pair.clear();
                pair.push(c);
                f(&pair);
            }
            cjk = Some(c);
            continue;
        }
        cjk = None;
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
            if !stop.contains(&current) {
                f(&current);
            }
            current.clear();
        }
    }
    if !current.is_empty() && !stop.contains(&current) {
        f(&current);
    }
}

/// A dot continues a term when it joins digits (`8.24`) or a one-letter prefix (`a.8`).
fn is_id_like(current: &str, next: char) -> bool {
    let last_part = current.rsplit('.').next().unwrap_or(current);
    (last_part.chars().all(|c| c.is_ascii_digit()) || last_part.len() == 1) && next.is_ascii_digit()
}

/// A map by search term. Terms are short and the index hashes millions of them: a
/// multiply-rotate hash (as rustc's FxHash) instead of SipHash, which guards against
/// adversarial keys that a book's own words are not.
type Terms<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<TermHasher>>;

#[derive(Default)]
struct TermHasher(u64);

impl Hasher for TermHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word))
                .wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// The distinct terms of a text: their letters in one buffer, and each term's place in it with
/// its strongest weight, first appearance first. A few allocations per document, where a map
/// of owned terms made one per term.
struct DistinctTerms {
    letters: String,
    terms: Vec<(u32, u32, u8)>,
}

/// Each term of `texts` once, with its strongest weight.
fn unique_terms(texts: &[(&str, u8)], stop: &Stop) -> DistinctTerms {
    let bytes: usize = texts.iter().map(|(t, _)| t.len()).sum();
    let mut letters = String::with_capacity(bytes);
    let mut every: Vec<(u32, u32, u8)> = Vec::with_capacity(bytes / 6);
    for &(text, weight) in texts {
        each_term(text, stop, |t| {
            let start = letters.len() as u32;
            letters.push_str(t);
            every.push((start, letters.len() as u32, weight));
        });
    }
    let mut terms: Vec<(u32, u32, u8)> = Vec::with_capacity(every.len() / 2);
    let mut seen: Terms<&str, usize> =
        Terms::with_capacity_and_hasher(every.len() / 2, Default::default());
    for (start, end, weight) in every {
        let term = &letters[start as usize..end as usize];
        match seen.entry(term) {
            std::collections::hash_map::Entry::Occupied(at) => {
                let kept = &mut terms[*at.get()].2;
                *kept = (*kept).max(weight);
            }
            std::collections::hash_map::Entry::Vacant(at) => {
                at.insert(terms.len());
                terms.push((start, end, weight));
            }
        }
    }
    drop(seen);
    DistinctTerms { letters, terms }
}

fn document_item(n: &Node, strings: &Strings) -> [String; 5] {
    let d = &n.doc;
    // The first SUMMARY_CHARS characters of the words joined by single spaces.
    let mut summary = String::new();
    let mut chars = 0;
    for word in n.body.text.split_whitespace() {
        if chars >= SUMMARY_CHARS {
            break;
        }
        if !summary.is_empty() {
            summary.push(' ');
            chars += 1;
        }
        summary.push_str(word);
        chars += word.chars().count();
    }
    let summary: String = summary.chars().take(SUMMARY_CHARS).collect();
    [
        paths::encode(&n.page),
        d.id.clone(),
        d.title.clone(),
        match d.kind {
            Some(k) => strings.get(&format!("kind.{}", k.as_str())).into(),
            None => strings.get("text.search_document").into(),
        },
        summary,
    ]
}

fn document_texts(n: &Node) -> Vec<(&str, u8)> {
    let mut texts = vec![(n.doc.id.as_str(), ID), (n.doc.title.as_str(), TITLE)];
    texts.extend(n.body.headings.iter().map(|h| (h.text.as_str(), HEADING)));
    texts.push((n.body.text.as_str(), BODY));
    texts
}

/// Everything a document's item and terms come from.
fn document_key(n: &Node) -> u64 {
    crate::key::of(&(n.body_key, &n.page, &n.doc.id, &n.doc.title, n.doc.kind))
}

/// Indexed documents, kept by `serve` from one rebuild to the next: splitting bodies into
/// terms is most of the index's cost, and an edit changes one document.
#[derive(Default)]
pub struct Cache {
    /// Every term seen, numbered.
    numbers: Terms<String, u32>,
    names: Vec<Box<str>>,
    /// By [`document_key`].
    documents: HashMap<u64, Entry>,
}

/// An item (`[page, id, title, kind, summary]`) and its terms by number, with their weights.
type Entry = (Arc<[String; 5]>, Vec<(u32, u8)>);

impl Cache {
    fn number(&mut self, term: &str) -> u32 {
        if let Some(&n) = self.numbers.get(term) {
            return n;
        }
        let n = self.names.len() as u32;
        self.names.push(term.into());
        self.numbers.insert(term.to_string(), n);
        n
    }

    fn numbered(&mut self, distinct: DistinctTerms) -> Vec<(u32, u8)> {
        let DistinctTerms { letters, terms } = distinct;
        terms
            .into_iter()
            .map(|(start, end, w)| (self.number(&letters[start as usize..end as usize]), w))
            .collect()
    }
}

/// Documents indexed in parallel per batch, numbered between batches.
const BATCH: usize = 256;

/// The search index of the site, as the contents of `search-index.js`. With a `cache` (kept
/// by `serve`), only the documents it does not hold are indexed, and it keeps this book's;
/// without, each document's terms are let go of as soon as they are posted.
pub(crate) fn index(model: &Model, cache: Option<&mut Cache>) -> Vec<u8> {
    let mut local = Cache::default();
    let keep = cache.is_some();
    let cache = cache.unwrap_or(&mut local);
    let docs = &model.documents;
    let strings = &model.settings.strings;
    let stop = Stop::new(strings.stop_words());
    // Items and terms depend on the words too: a change of language indexes every document again.
    let words = crate::key::of(strings);
    let keys: Vec<u64> = docs
        .par_iter()
        .map(|n| crate::key::of(&(document_key(n), words)))
        .collect();
    let mut postings = Postings::default();
    let catalog_items = model.catalog.clauses.len() + model.catalog.controls.len();
    let mut items: Vec<Arc<[String; 5]>> = Vec::with_capacity(docs.len() + catalog_items);
    let order: Vec<usize> = (0..docs.len()).collect();
    for batch in order.chunks(BATCH) {
        let fresh: Vec<_> = batch
            .par_iter()
            .map(|&i| {
                (!cache.documents.contains_key(&keys[i])).then(|| {
                    (
                        document_item(&docs[i], strings),
                        unique_terms(&document_texts(&docs[i]), &stop),
                    )
                })
            })
            .collect();
        for (&i, fresh) in batch.iter().zip(fresh) {
            let item = match fresh {
                Some((item, terms)) => {
                    let terms = cache.numbered(terms);
                    postings.add(items.len(), &terms);
                    let item = Arc::new(item);
                    if keep {
                        cache.documents.insert(keys[i], (item.clone(), terms));
                    }
                    item
                }
                None => {
                    let (item, terms) = &cache.documents[&keys[i]];
                    postings.add(items.len(), terms);
                    item.clone()
                }
            };
            items.push(item);
        }
    }
    if keep {
        let live: HashSet<u64> = keys.iter().copied().collect();
        cache.documents.retain(|k, _| live.contains(k));
    }

    let clauses = model.catalog.clauses.iter().map(|c| {
        let page = paths::clause_file(&c.id);
        (
            &c.id,
            &c.title,
            strings.get("text.search_clause"),
            page,
            None,
        )
    });
    let controls = model.catalog.controls.iter().map(|c| {
        // `5.15` finds A.5.15 too.
        let short = c.id.trim_start_matches("A.");
        (
            &c.id,
            &c.title,
            strings.get("text.search_control"),
            paths::control_file(&c.id),
            Some(short),
        )
    });
    for (id, title, kind, page, short) in clauses.chain(controls) {
        let mut texts = vec![(id.as_str(), ID)];
        texts.extend(short.map(|s| (s, ID)));
        texts.push((title.as_str(), TITLE));
        let terms = cache.numbered(unique_terms(&texts, &stop));
        postings.add(items.len(), &terms);
        items.push(Arc::new([
            paths::encode(&page),
            id.clone(),
            title.clone(),
            kind.into(),
            String::new(),
        ]));
    }

    let terms: BTreeMap<&str, String> = postings
        .lists
        .into_iter()
        .enumerate()
        .filter(|(_, (_, encoded))| !encoded.is_empty())
        .map(|(t, (_, encoded))| (&*cache.names[t], encoded))
        .collect();
    let size = terms
        .iter()
        .map(|(t, p)| t.len() + p.len() + 6)
        .sum::<usize>()
        + items
            .iter()
            .flat_map(|i| i.iter())
            .map(|s| s.len() + 3)
            .sum::<usize>();
    let index = Index {
        items: items.iter().map(|i| &**i).collect(),
        terms,
    };
    const START: &[u8] = b"window.POLICYBOOK_SEARCH=";
    let mut out = Vec::with_capacity(START.len() + size + size / 16 + 64);
    out.extend_from_slice(START);
    let mut json = serde_json::Serializer::with_formatter(&mut out, ScriptSafe);
    if index.serialize(&mut json).is_err() {
        out.truncate(START.len());
        out.extend_from_slice(b"{}");
    }
    out.extend_from_slice(b";\n");
    out
}

/// Each term's postings, by term number: the last item posted and the list so far, encoded as
/// `item-delta weight` pairs in base 36. Items are posted in order, so each list is sorted.
#[derive(Default)]
struct Postings {
    lists: Vec<(usize, String)>,
}

impl Postings {
    fn add(&mut self, item: usize, terms: &[(u32, u8)]) {
        for &(t, w) in terms {
            let t = t as usize;
            if self.lists.len() <= t {
                self.lists.resize_with(t + 1, Default::default);
            }
            let (previous, encoded) = &mut self.lists[t];
            if !encoded.is_empty() {
                encoded.push(' ');
            }
            push_base36(encoded, item - *previous);
            *previous = item;
            encoded.push(' ');
            push_base36(encoded, usize::from(w));
        }
    }
}

/// Compact JSON with every `<` escaped: `</script` cannot end anything in a script file, but
/// the index stays safe wherever it is embedded.
struct ScriptSafe;

impl serde_json::ser::Formatter for ScriptSafe {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut parts = fragment.split('<');
        writer.write_all(parts.next().unwrap_or("").as_bytes())?;
        for part in parts {
            writer.write_all(b"\\u003c")?;
            writer.write_all(part.as_bytes())?;
        }
        Ok(())
    }
}

fn push_base36(out: &mut String, n: usize) {
    let mut digits = [0u8; 16];
    let mut at = digits.len();
    let mut n = n;
    loop {
        at -= 1;
        digits[at] = DIGITS[n % 36];
        n /= 36;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[at..] {
        out.push(char::from(d));
    }
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
    use crate::testing::TestBook;

    #[test]
    fn cjk_runs_are_indexed_as_pairs_of_characters_and_latin_words_stay_whole() {
        assert_eq!(
            terms("アクセス制御規程 (ISMS) と A.5.15"),
            [
                "アク", "クセ", "セス", "ス制", "制御", "御規", "規程", "isms", "と", "a.5.15"
            ]
        );
        assert_eq!(terms("情報ISMS文書"), ["情報", "isms", "文書"]);
        assert_eq!(
            terms("Access-Control Policy"),
            ["access", "control", "policy"]
        );
    }

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
    fn a_cached_index_is_the_index_of_the_book_as_it_is_now() {
        let book = TestBook::new()
            .doc_with("A", "title: A policy", "# Scope\n\nBackups are kept.")
            .doc_with("B", "title: B policy", "# Scope\n\nSee [[A]].");
        let mut cache = Cache::default();
        let first = index(&book.model(), Some(&mut cache));
        assert_eq!(first, index(&book.model(), None));
        book.edit("A", "title: A policy", "# Scope\n\nLogs are kept.");
        let second = index(&book.model(), Some(&mut cache));
        assert_ne!(first, second);
        assert_eq!(second, index(&book.model(), None));
        let text = String::from_utf8(second).unwrap();
        assert!(text.contains("\"logs\"") && !text.contains("\"backups\""));
    }

    #[test]
    fn the_index_is_a_script_with_no_angle_bracket() {
        let book =
            TestBook::new().doc_with("A", "title: \"</script><b>x\"\nstatus: draft", "A <i> tag.");
        let model = book.model();
        let text = String::from_utf8(index(&model, None)).unwrap();
        assert!(text.starts_with("window.POLICYBOOK_SEARCH={") && text.ends_with("};\n"));
        assert!(!text.contains('<'), "{text}");
        assert!(text.contains(r"\u003c/script>\u003cb>x"), "{text}");
        let json = &text["window.POLICYBOOK_SEARCH=".len()..text.len() - 2];
        let value: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(value["items"][0][2], "</script><b>x");
    }

    #[test]
    fn base36_counts() {
        assert_eq!(base36(0), "0");
        assert_eq!(base36(35), "z");
        assert_eq!(base36(36), "10");
    }
}
