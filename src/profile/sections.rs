//! Sections of a body classified above their document: a top-level heading with a level as
//! a class (`## Keys {.confidential}`, down to the next heading of the same or a higher
//! level) and a fenced block (`::: confidential` ... `:::`). Found in the text as written and
//! rewritten before the body is parsed, so that a removed section reaches no output at all.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// One classified section of a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Section {
    /// Whole lines of the body, from the heading or the opening fence to the end of the
    /// section's last line (its newline included).
    pub range: Range<usize>,
    /// Index into the book's levels.
    pub level: usize,
    /// The heading's line as written, for a heading section.
    pub heading: Option<String>,
    /// For a fenced block: its opening and closing lines (the closing one absent when the
    /// block runs to the end of the body).
    pub fences: Option<(Range<usize>, Option<Range<usize>>)>,
}

/// The classified sections of `body`, in order of their start, with `levels` the book's
/// levels (a class or fence word that is no level is left alone).
pub(crate) fn find(body: &str, levels: &[String]) -> Vec<Section> {
    if !body.contains('{') && !body.contains(":::") {
        return Vec::new();
    }
    let level = |word: &str| crate::config::level_of(levels, word);
    // Top-level headings (level, line range, classification) and code blocks.
    let mut headings: Vec<(u8, Range<usize>, Option<usize>)> = Vec::new();
    let mut code: Vec<Range<usize>> = Vec::new();
    let options = Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_GFM;
    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading {
                level: h, classes, ..
            }) if at_line_start(body, range.start) => {
                let classified = classes.iter().filter_map(|c| level(c)).max();
                headings.push((h as u8, line_of(body, range.start), classified));
            }
            Event::Start(Tag::CodeBlock(_)) => code.push(range),
            Event::End(TagEnd::CodeBlock) => {}
            _ => {}
        }
    }
    let in_code = |at: usize| code.iter().any(|c| c.start <= at && at < c.end);
    let mut sections = Vec::new();
    // Fenced blocks: `:::` lines at the start of a line, outside code; any word opens one
    // (so that other `:::` blocks nest), only levels are classified.
    let mut open: Vec<(Range<usize>, Option<usize>)> = Vec::new();
    let mut start = 0;
    while start < body.len() {
        let end = body[start..]
            .find('\n')
            .map_or(body.len(), |i| start + i + 1);
        let line = body[start..end].trim_end();
        if line.starts_with(":::") && !in_code(start) {
            let word = line.trim_start_matches(':').trim();
            if word.is_empty() {
                if let Some((opening, Some(l))) = open.pop() {
                    sections.push(Section {
                        range: opening.start..end,
                        level: l,
                        heading: None,
                        fences: Some((opening, Some(start..end))),
                    });
                }
            } else if !word.contains(char::is_whitespace) {
                open.push((start..end, level(word)));
            }
        }
        start = end;
    }
    // A block never closed runs to the end: safer than publishing the rest.
    for (opening, classified) in open {
        if let Some(l) = classified {
            sections.push(Section {
                range: opening.start..body.len(),
                level: l,
                heading: None,
                fences: Some((opening, None)),
            });
        }
    }
    for (i, (h, line, classified)) in headings.iter().enumerate() {
        let Some(l) = classified else { continue };
        let end = headings[i + 1..]
            .iter()
            .find(|(next, _, _)| next <= h)
            .map_or(body.len(), |(_, next, _)| next.start);
        // A heading inside a classified block ends with the block.
        let end = sections
            .iter()
            .filter(|s| {
                s.fences.is_some() && s.range.start < line.start && line.start < s.range.end
            })
            .map(|s| s.range.end)
            .fold(end, usize::min);
        sections.push(Section {
            range: line.start..end,
            level: *l,
            heading: Some(body[line.clone()].trim_end().to_string()),
            fences: None,
        });
    }
    sections.sort_by_key(|s| (s.range.start, std::cmp::Reverse(s.range.end)));
    sections
}

/// `body` with every section above `max` replaced by a note (`note(level)`, one line, the
/// section's other lines kept as blank lines so that every later line keeps its number), and
/// with a `label`, the fences of the sections it keeps turned into one (without, kept as
/// written). Returns the text and the sections removed (outermost only).
pub(crate) fn rewrite<'a>(
    body: &str,
    sections: &'a [Section],
    max: usize,
    note: &dyn Fn(usize) -> String,
    label: Option<&dyn Fn(usize) -> String>,
) -> (String, Vec<&'a Section>) {
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let mut removed: Vec<&Section> = Vec::new();
    for s in sections {
        if removed
            .iter()
            .any(|r| r.range.start <= s.range.start && s.range.end <= r.range.end)
        {
            continue;
        }
        if s.level > max {
            let newlines = body[s.range.clone()].matches('\n').count();
            let mut with = format!("!!! redacted \"{}\"", note(s.level).replace('"', "'"));
            if newlines == 0 {
                // The last line of a body without a final newline.
                with.insert(0, '\n');
            }
            with.push_str(&"\n".repeat(newlines));
            edits.retain(|(r, _)| !(s.range.start <= r.start && r.end <= s.range.end));
            edits.push((s.range.clone(), with));
            removed.push(s);
        } else if let (Some((opening, closing)), Some(label)) = (&s.fences, label) {
            let newline = if body[opening.clone()].ends_with('\n') {
                "\n"
            } else {
                ""
            };
            let name = label(s.level).replace('"', "'");
            edits.push((
                opening.clone(),
                format!("!!! classified \"{name}\"{newline}"),
            ));
            if let Some(closing) = closing {
                let newline = if body[closing.clone()].ends_with('\n') {
                    "\n"
                } else {
                    ""
                };
                edits.push((closing.clone(), newline.to_string()));
            }
        }
    }
    if edits.is_empty() {
        return (body.to_string(), removed);
    }
    edits.sort_by_key(|(r, _)| r.start);
    let mut out = String::with_capacity(body.len());
    let mut at = 0;
    for (range, with) in edits {
        out.push_str(&body[at..range.start]);
        out.push_str(&with);
        at = range.end;
    }
    out.push_str(&body[at..]);
    (out, removed)
}

fn at_line_start(text: &str, at: usize) -> bool {
    at == 0 || text.as_bytes().get(at - 1) == Some(&b'\n')
}

/// The whole line that `at` is on, its newline included.
fn line_of(text: &str, at: usize) -> Range<usize> {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn levels() -> Vec<String> {
        ["public", "internal", "confidential", "restricted"]
            .map(String::from)
            .to_vec()
    }

    fn redact(body: &str, max: usize) -> String {
        let sections = find(body, &levels());
        rewrite(
            body,
            &sections,
            max,
            &|l| format!("A {} section is not published here.", levels()[l]),
            Some(&|l| levels()[l].to_string()),
        )
        .0
    }

    #[test]
    fn a_heading_section_runs_to_the_next_heading_of_its_level() {
        let body = "# T\n\nOpen.\n\n## Keys {.confidential}\n\nVault.\n\n### Detail\n\nMore.\n\n## Next\n\nOpen again.\n";
        let out = redact(body, 1);
        assert_eq!(
            out,
            "# T\n\nOpen.\n\n!!! redacted \"A confidential section is not published here.\"\n\n\n\n\n\n\n\n## Next\n\nOpen again.\n"
        );
        assert_eq!(out.lines().count(), body.lines().count());
        assert_eq!(redact(body, 2), body, "kept at its own level");
    }

    #[test]
    fn a_fenced_block_is_removed_or_labelled() {
        let body = "Intro.\n\n::: restricted\nThe safe code.\n:::\n\nAfter.\n";
        assert_eq!(
            redact(body, 2),
            "Intro.\n\n!!! redacted \"A restricted section is not published here.\"\n\n\n\nAfter.\n"
        );
        assert_eq!(
            redact(body, 3),
            "Intro.\n\n!!! classified \"restricted\"\nThe safe code.\n\n\nAfter.\n"
        );
    }

    #[test]
    fn code_other_fences_and_nested_headings_are_respected() {
        let body = "```\n## Not {.confidential}\n::: confidential\n```\n\n:::note\n::: confidential\nx\n:::\n:::\n\n> ## Quoted {.confidential}\n";
        let s = find(body, &levels());
        assert_eq!(s.len(), 1, "{s:?}");
        assert_eq!(&body[s[0].range.clone()], "::: confidential\nx\n:::\n");
    }

    #[test]
    fn an_unclosed_block_runs_to_the_end() {
        let body = "A\n\n::: confidential\nsecret\n\n## Later\n\nstill secret";
        let out = redact(body, 0);
        assert!(!out.contains("secret"), "{out}");
        assert_eq!(out.matches('\n').count(), body.matches('\n').count());
    }

    #[test]
    fn a_last_heading_without_newline_becomes_a_note() {
        let out = redact("Text\n## Secret heading {.restricted}", 1);
        assert!(out.starts_with("Text\n"));
        assert!(!out.contains("Secret heading"));
        assert!(out.contains("!!! redacted"));
    }
}
