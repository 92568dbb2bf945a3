//! Syntax highlighting of fenced code with syntect: CSS classes in the HTML; the colours are
//! the theme's `static/syntax.css`.
//!
//! The syntax set is loaded once per process (it takes milliseconds, not microseconds) and
//! shared by every rendering thread. Highlighted lines are remembered per thread (see
//! `Lines`): parsing is most of the cost, and books repeat lines.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

use syntect::html::{line_tokens_to_classed_spans, ClassStyle};
use syntect::parsing::{ParseState, ScopeStack, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    // Every value on every page passes here: copy the runs between special characters whole.
    let mut out = String::with_capacity(text.len());
    let mut done = 0;
    for (i, b) in text.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[done..i]);
        out.push_str(entity);
        done = i + 1;
    }
    out.push_str(&text[done..]);
    out
}

/// A `<pre>` block for `code`, highlighted when `lang` names a known syntax.
pub fn code_block(code: &str, lang: &str) -> String {
    let lang = lang.split([' ', ',', '{']).next().unwrap_or("").trim();
    let set = syntaxes();
    let syntax = (!lang.is_empty())
        .then(|| set.find_syntax_by_token(lang))
        .flatten();
    let lang_class = if lang.is_empty() {
        String::new()
    } else {
        format!(" class=\"language-{}\"", escape_html(lang))
    };
    let body = syntax.and_then(|syntax| LINES.with_borrow_mut(|l| l.highlight(code, syntax, set)));
    let body = body.unwrap_or_else(|| escape_html(code));
    format!("<pre class=\"code\"><code{lang_class}>{body}</code></pre>\n")
}

thread_local! {
    static LINES: RefCell<Lines> = RefCell::default();
}

/// Forgets the lines this thread highlighted and remembered: they are worth their memory
/// only while bodies are being rendered.
pub fn forget_lines() {
    LINES.with(|lines| *lines.borrow_mut() = Lines::default());
}

/// Lines highlighted before, by a hash of syntax and text. A line parsed from the same parser
/// state and scope stack comes out the same, so the result is reused; this is what syntect's
/// `ClassedHTMLGenerator` does, one line at a time.
#[derive(Default)]
struct Lines {
    seen: HashMap<u64, Vec<Line>>,
}

struct Line {
    text: String,
    before: (ParseState, ScopeStack),
    after: (ParseState, ScopeStack),
    html: String,
    /// Spans opened minus spans closed.
    delta: isize,
}

/// Lines remembered per thread before starting afresh, to bound memory under `serve`.
const MAX_LINES: usize = 100_000;

impl Lines {
    /// Classed HTML for `code`, or `None` if syntect fails on it.
    fn highlight(
        &mut self,
        code: &str,
        syntax: &SyntaxReference,
        set: &SyntaxSet,
    ) -> Option<String> {
        if self.seen.len() > MAX_LINES {
            self.seen.clear();
        }
        let mut state = (ParseState::new(syntax), ScopeStack::new());
        let mut open: isize = 0;
        let mut html = String::with_capacity(code.len() * 3);
        for text in LinesWithEndings::from(code) {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            (&syntax.name, text).hash(&mut h);
            let same = self.seen.entry(h.finish()).or_default();
            if let Some(line) = same.iter().find(|l| l.text == text && l.before == state) {
                html.push_str(&line.html);
                open += line.delta;
                state = line.after.clone();
                continue;
            }
            let before = state.clone();
            let ops = state.0.parse_line(text, set).ok()?;
            let (out, delta) =
                line_tokens_to_classed_spans(text, &ops, CLASS_STYLE, &mut state.1).ok()?;
            html.push_str(&out);
            open += delta;
            same.push(Line {
                text: text.to_string(),
                before,
                after: state.clone(),
                html: out,
                delta,
            });
        }
        for _ in 0..open {
            html.push_str("</span>");
        }
        Some(html)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_languages_get_classes_unknown_are_escaped() {
        let html = code_block("key: value\n", "yaml");
        assert!(html.contains("hl-"), "{html}");
        assert!(html.contains("language-yaml"));
        let html = code_block("<script>\n", "nosuchlang");
        assert!(html.contains("&lt;script&gt;"));
        assert!(!html.contains("<script>"));
    }

    #[test]
    fn escaping_replaces_exactly_the_five_characters() {
        assert_eq!(
            escape_html("a&b<c>d\"e'f — é"),
            "a&amp;b&lt;c&gt;d&quot;e&#39;f — é"
        );
        assert_eq!(escape_html(""), "");
        assert_eq!(escape_html("<<"), "&lt;&lt;");
    }

    #[test]
    fn remembered_lines_highlight_as_syntect_does() {
        let code = "#!/bin/sh\nset -eu\necho \"a\nb\"\necho b\n";
        for lang in ["bash", "yaml", "json"] {
            let syntax = syntaxes().find_syntax_by_token(lang).unwrap();
            let mut generator = syntect::html::ClassedHTMLGenerator::new_with_class_style(
                syntax,
                syntaxes(),
                CLASS_STYLE,
            );
            for line in LinesWithEndings::from(code) {
                generator
                    .parse_html_for_line_which_includes_newline(line)
                    .unwrap();
            }
            let expected = generator.finalize();
            let mut lines = Lines::default();
            let first = lines.highlight(code, syntax, syntaxes()).unwrap();
            let again = lines.highlight(code, syntax, syntaxes()).unwrap();
            assert_eq!(first, expected, "{lang}");
            assert_eq!(again, expected, "{lang}, from remembered lines");
        }
    }
}
