//! `check --profile`: would any text the profile leaves out still reach its output? Every
//! sentence of a removed document or section (four words or more) is looked for in every file
//! the build would write: pages as their text, the search index and JSON as their strings,
//! spreadsheets as their cells, attachments as they are. A hit means the same words are
//! published elsewhere (a lower-classified document quoting them, a title, a link text, an
//! attachment), and the profile's output is not what its level promises.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::site::{Contents, OutputFile};

/// One sentence of removed text found in an output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Leak {
    /// Index into the removed texts given to [`find`].
    pub removed: usize,
    /// The output file, relative to the site's root.
    pub file: String,
    /// The sentence as found (normalised).
    pub sentence: String,
    /// The published document (index into `published`) whose own text holds it, if one does.
    pub source: Option<usize>,
}

/// The shortest sentence looked for: shorter ones ("See the access policy.", a control's
/// title in a table) are too common to say anything.
const MIN_WORDS: usize = 6;
const MIN_CHARS: usize = 40;
/// Japanese and Chinese are written without spaces: a sentence of sixteen characters is long.
const MIN_CJK_CHARS: usize = 16;

/// Every leak of `removed` texts (Markdown source) into `files`, sorted by file.
///
/// No leak: a sentence that is part of a `known` text (the catalogs' titles, public by
/// nature), and one that two or more `published` sources (the texts of the documents the
/// build shows) hold too: boilerplate the organisation already publishes in several places,
/// such as a template set's enforcement clause. A sentence that one published document
/// shares with a left-out part is a leak through that document ([`Leak::source`]).
pub(crate) fn find(
    removed: &[String],
    known: &[&str],
    published: &[&str],
    files: &[OutputFile],
) -> Vec<Leak> {
    // A sentence is known when a known text makes up most of it ("A.5.1 Policies for
    // information security", a link's text that is a left-out document's title).
    let known: Vec<String> = (known.iter())
        .map(|k| normalise(k))
        .filter(|k| !k.is_empty())
        .collect();
    let titles = AhoCorasick::new(&known).expect("titles make an automaton");
    let is_known = |s: &str| {
        (titles.find_overlapping_iter(s)).any(|m| known[m.pattern().as_usize()].len() * 2 > s.len())
    };
    let mut sentences: Vec<String> = Vec::new();
    let mut owners: Vec<usize> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, text) in removed.iter().enumerate() {
        for s in sentences_of(&normalise(&markdown_text(text))) {
            if !is_known(&s) && seen.insert(s.clone()) {
                sentences.push(s);
                owners.push(i);
            }
        }
    }
    if sentences.is_empty() {
        return Vec::new();
    }
    let matcher: AhoCorasick = AhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostLongest)
        .build(&sentences)
        .expect("sentences make an automaton");
    // Where each sentence is published in a document's own text: once, or more often.
    let mut sources: Vec<Vec<usize>> = vec![Vec::new(); sentences.len()];
    for (d, text) in published.iter().enumerate() {
        for m in matcher.find_iter(&normalise(&markdown_text(text))) {
            let found = &mut sources[m.pattern().as_usize()];
            if found.last() != Some(&d) && found.len() < 2 {
                found.push(d);
            }
        }
    }
    let common = |p: usize| sources[p].len() >= 2;
    let mut leaks = Vec::new();
    for f in files {
        let bytes: std::borrow::Cow<[u8]> = match &f.contents {
            Contents::Bytes(b) => std::borrow::Cow::Borrowed(b),
            // An attachment: read as the site would copy it (unreadable, it is not copied).
            Contents::Copy(path) => std::fs::read(path).unwrap_or_default().into(),
        };
        let text = normalise(&file_text(&f.path, &bytes));
        let mut seen = std::collections::HashSet::new();
        for m in matcher.find_iter(&text) {
            let p = m.pattern().as_usize();
            if !common(p) && seen.insert(p) {
                leaks.push(Leak {
                    removed: owners[p],
                    source: sources[p].first().copied(),
                    file: f.path.clone(),
                    sentence: sentences[p].clone(),
                });
            }
        }
    }
    leaks.sort_by(|a, b| (&a.file, a.removed).cmp(&(&b.file, b.removed)));
    leaks
}

/// The readable text of a Markdown source: link targets, attributes, fences and markup gone.
fn markdown_text(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    for line in md.lines() {
        let t = line.trim().trim_start_matches("- ");
        // `key: value` (a register's YAML, a label in a body): the value is the text.
        let t = match t.split_once(": ") {
            Some((key, value))
                if !key.is_empty()
                    && key
                        .chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == '-') =>
            {
                value.trim_matches(['"', '\'', '>', '|'])
            }
            _ => t,
        };
        if t.starts_with(":::") || t.starts_with("```") || t.starts_with("~~~") {
            out.push('\n');
            continue;
        }
        // `## Heading {#id .class}` -> `Heading`.
        let t = match (t.starts_with('#'), t.rfind('{')) {
            (true, Some(at)) if t.ends_with('}') => &t[..at],
            _ => t,
        };
        let mut rest = t;
        // `[text](target)` -> `text`.
        while let Some(at) = rest.find("](") {
            out.push_str(&rest[..at]);
            rest = &rest[at + 2..];
            rest = rest.find(')').map_or("", |close| &rest[close + 1..]);
        }
        out.push_str(rest);
        out.push('\n');
    }
    out
}

/// Lowercase words separated by single spaces; markup and punctuation between words dropped,
/// sentence ends kept as `.` (and line ends as sentence ends).
fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_alphanumeric() || c == '-' || c == '\'' || c == '/' || c == ':' || c == '@' {
            if space && !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
            space = false;
            out.extend(c.to_lowercase());
        } else if matches!(c, '.' | '!' | '?' | '。' | '！' | '？' | '\n' | ';' | '|') {
            if !out.ends_with('.') && !out.is_empty() {
                if out.ends_with(' ') {
                    out.pop();
                }
                out.push('.');
            }
            space = true;
        } else {
            space = true;
        }
    }
    out
}

/// The sentences of normalised text long enough to mean something.
fn sentences_of(text: &str) -> Vec<String> {
    text.split('.')
        .map(str::trim)
        .filter(|s| {
            let cjk = s.chars().filter(|c| is_cjk(*c)).count();
            cjk >= MIN_CJK_CHARS
                || (s.chars().count() >= MIN_CHARS && s.split(' ').count() >= MIN_WORDS)
        })
        .map(String::from)
        .collect()
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30ff | 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xac00..=0xd7af | 0xf900..=0xfaff)
}

/// What a reader or a program gets out of an output file, as text.
fn file_text(path: &str, bytes: &[u8]) -> String {
    let ext = path.rsplit('.').next().unwrap_or("");
    match ext {
        "html" | "htm" | "xml" | "svg" => html_text(&String::from_utf8_lossy(bytes)),
        "js" | "json" => json_strings(&String::from_utf8_lossy(bytes)),
        "xlsx" | "docx" | "zip" => zipped_text(bytes),
        "csv" => String::from_utf8_lossy(bytes).replace("\"\"", "\""),
        _ => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// The text of HTML: tags gone (each a word break), entities decoded.
fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    // Attributes are text a reader sees too (title, alt): each its own line, after the text,
    // so that a link's target does not break the sentence around it.
    let mut attributes = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        rest = &rest[open..];
        let close = rest.find('>').unwrap_or(rest.len() - 1);
        let tag = &rest[..=close];
        for quoted in tag.split('"').skip(1).step_by(2) {
            attributes.push('\n');
            attributes.push_str(quoted);
        }
        // Inline tags join words; block tags (and `<br>`) end a line.
        let name = tag[1..].trim_start_matches('/');
        let inline = [
            "a ", "a>", "em", "strong", "code", "span", "b>", "i>", "mark", "abbr", "sub", "sup",
            "del", "s>",
        ]
        .iter()
        .any(|t| name.starts_with(t));
        out.push_str(if inline { "" } else { "\n" });
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out.push_str(&attributes);
    decode_entities(&out)
}

fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest[..rest.len().min(12)].find(';');
        let decoded = end.and_then(|end| {
            let name = &rest[1..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => {
                    let n = name.strip_prefix('#')?;
                    let code = match n.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => n.parse().ok()?,
                    };
                    char::from_u32(code)
                }
            }?;
            Some((c, end + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every string of the JSON in a `.json` or `.js` file (after `window.X=`), one per line;
/// the file as it is when it holds no JSON.
fn json_strings(text: &str) -> String {
    let start = text.find(['{', '[']).unwrap_or(0);
    let json = text[start..].trim_end().trim_end_matches(';');
    let Ok(value) = serde_json::from_str::<serde_json::Value>(json) else {
        return text.to_string();
    };
    let mut out = String::new();
    let mut stack = vec![&value];
    while let Some(v) = stack.pop() {
        match v {
            serde_json::Value::String(s) => {
                out.push_str(s);
                out.push('\n');
            }
            serde_json::Value::Array(items) => stack.extend(items.iter().rev()),
            serde_json::Value::Object(map) => {
                stack.extend(map.values().rev());
            }
            _ => {}
        }
    }
    out
}

/// The text of every XML part of a zip (an XLSX's cells and shared strings).
fn zipped_text(bytes: &[u8]) -> String {
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return String::from_utf8_lossy(bytes).into_owned();
    };
    let mut out = String::new();
    for i in 0..zip.len() {
        let Ok(mut entry) = zip.by_index(i) else {
            continue;
        };
        let mut part = String::new();
        if std::io::Read::read_to_string(&mut entry, &mut part).is_ok() {
            out.push_str(&html_text(&part));
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            contents: Contents::Bytes(text.as_bytes().to_vec().into()),
        }
    }

    const SECRET: &str = "## Vault {.confidential}\n\nThe **vault** combination is kept in [the safe](../x.md) of rack B7.\nShort line.\n| A.5.1 | Policies for information security and more |\n";

    #[test]
    fn a_sentence_is_found_through_markup_entities_and_json() {
        let removed = vec![SECRET.to_string()];
        let files = [
            file("a.html", "<p>The <em>vault</em> combination is kept in <a href=\"x\">the safe</a> of rack B7.</p>"),
            file("search-index.js", "window.S={\"items\":[[\"x\",\"The vault combination is kept in the safe of rack B7\"]]}"),
            file("t.csv", "id,text\n1,\"the vault combination is kept in the safe of rack b7, \"\"quoted\"\"\"\n"),
            file("clean.html", "<p>The vault is kept elsewhere.</p><p>Short line.</p><p>Policies for information security and more</p>"),
        ];
        let leaks = find(
            &removed,
            &["Policies for information security and more"],
            &[],
            &files,
        );
        let hit: Vec<&str> = leaks.iter().map(|l| l.file.as_str()).collect();
        assert_eq!(hit, ["a.html", "search-index.js", "t.csv"]);
    }

    #[test]
    fn short_sentences_and_markup_are_not_leaks() {
        assert!(sentences_of(&normalise(&markdown_text(
            "Short line.\n## Keys {.confidential}\n"
        )))
        .is_empty());
        let cjk = sentences_of(&normalise(
            "金庫の暗証番号はサーバールームのラックB7の金庫にある。",
        ));
        assert_eq!(cjk.len(), 1);
    }

    #[test]
    fn a_register_value_is_found_without_its_key() {
        let register = "risks:\n  - id: R-001\n    title: \"Ransomware encrypts the warehouse management servers\"\n".to_string();
        let files = [file(
            "docs/a.html",
            "<p>Ransomware encrypts the warehouse management servers.</p>",
        )];
        assert_eq!(find(&[register], &[], &[], &files).len(), 1);
    }

    #[test]
    fn boilerplate_of_several_published_documents_is_no_leak() {
        let enforcement =
            "Anyone found to have violated this policy may be subject to disciplinary action.";
        let secret = "The vault combination is kept in the safe of rack B7 downstairs.";
        let removed = vec![format!("{enforcement}\n\n{secret}\n")];
        let page = file("a.html", &format!("<p>{enforcement}</p><p>{secret}</p>"));
        let published = [enforcement, enforcement];
        let leaks = find(&removed, &[], &published, std::slice::from_ref(&page));
        assert_eq!(leaks.len(), 1);
        assert!(leaks[0].sentence.starts_with("the vault"));
        assert_eq!(leaks[0].source, None);
        let published = [enforcement, secret];
        let leaks = find(&removed, &[], &published, &[page]);
        assert_eq!(leaks.len(), 2);
        assert_eq!(
            leaks
                .iter()
                .find(|l| l.sentence.starts_with("the vault"))
                .unwrap()
                .source,
            Some(1)
        );
    }

    #[test]
    fn entities_are_decoded() {
        assert_eq!(
            decode_entities("a &amp; b &#x41;&#66; &bogus"),
            "a & b AB &bogus"
        );
    }
}
