//! Syntax highlighting of fenced code with syntect: one CSS class per kind of token
//! (`hl-comment`, `hl-string`, ...) in the HTML; the colours are the theme's `static/syntax.css`.
//!
//! The syntax set is loaded once per process (it takes milliseconds, not microseconds) and
//! shared by every rendering thread. Highlighted lines are remembered per thread (see
//! `Lines`): parsing is most of the cost, and books repeat lines.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::OnceLock;

use syntect::parsing::{ParseState, Scope, ScopeStack, ScopeStackOp, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// Escapes text for HTML element content and attribute values.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_escaped(&mut out, text);
    out
}

/// Appends `text` to `out`, escaped for HTML.
fn push_escaped(out: &mut String, text: &str) {
    // Every value on every page passes here: copy the runs between special characters whole.
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
}

/// A `<pre>` block for `code`, highlighted when `lang` names a known syntax.
pub(crate) fn code_block(code: &str, lang: &str) -> String {
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

/// What a token is, as far as its colour goes: one class of `syntax.css` each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Comment,
    String,
    Constant,
    Keyword,
    Entity,
    Function,
    Variable,
    Invalid,
}

impl Kind {
    fn class(self) -> &'static str {
        match self {
            Kind::Comment => "hl-comment",
            Kind::String => "hl-string",
            Kind::Constant => "hl-constant",
            Kind::Keyword => "hl-keyword",
            Kind::Entity => "hl-entity",
            Kind::Function => "hl-function",
            Kind::Variable => "hl-variable",
            Kind::Invalid => "hl-invalid",
        }
    }

    /// The kind of the token under `stack`: that of the innermost scope naming one, as CSS
    /// colours nested elements. A flat span per run of one kind is a fraction of the bytes of
    /// one nested span per scope (syntect's classed HTML), and looks the same.
    fn of(stack: &[Scope]) -> Option<Kind> {
        let atoms = Atoms::get();
        stack.iter().rev().find_map(|&scope| atoms.kind(scope))
    }
}

/// The atom numbers of the scope names that decide a kind (TextMate's naming conventions).
struct Atoms {
    comment: u16,
    string: u16,
    constant: u16,
    keyword: u16,
    storage: u16,
    entity: u16,
    support: u16,
    function: u16,
    variable: u16,
    invalid: u16,
    punctuation: u16,
}

impl Atoms {
    fn get() -> &'static Atoms {
        static ATOMS: OnceLock<Atoms> = OnceLock::new();
        ATOMS.get_or_init(|| {
            let atom = |name: &str| Scope::new(name).map_or(0, |s| s.atom_at(0));
            Atoms {
                comment: atom("comment"),
                string: atom("string"),
                constant: atom("constant"),
                keyword: atom("keyword"),
                storage: atom("storage"),
                entity: atom("entity"),
                support: atom("support"),
                function: atom("function"),
                variable: atom("variable"),
                invalid: atom("invalid"),
                punctuation: atom("punctuation"),
            }
        })
    }

    /// A scope's kind is named by its first atom (`string.quoted.double`,
    /// `entity.name.function`), or for punctuation and support by what follows
    /// (`punctuation.definition.comment`, `support.function.builtin`).
    fn kind(&self, scope: Scope) -> Option<Kind> {
        let len = scope.len() as usize;
        let atoms: [u16; 8] = std::array::from_fn(|i| if i < len { scope.atom_at(i) } else { 0 });
        let (&first, rest) = atoms[..len].split_first()?;
        let function = rest.contains(&self.function);
        if first == self.punctuation || first == self.support {
            if first == self.support && function {
                return Some(Kind::Function);
            }
            return rest.iter().find_map(|&atom| self.named(atom, function));
        }
        self.named(first, function)
    }

    fn named(&self, atom: u16, function: bool) -> Option<Kind> {
        Some(match atom {
            a if a == self.comment => Kind::Comment,
            a if a == self.string => Kind::String,
            a if a == self.constant => Kind::Constant,
            a if a == self.keyword || a == self.storage => Kind::Keyword,
            a if a == self.entity && function => Kind::Function,
            a if a == self.entity => Kind::Entity,
            a if a == self.variable => Kind::Variable,
            a if a == self.invalid => Kind::Invalid,
            _ => return None,
        })
    }
}

thread_local! {
    static LINES: RefCell<Lines> = RefCell::default();
}

/// Forgets the lines this thread highlighted and remembered: they are worth their memory
/// only while bodies are being rendered.
pub(crate) fn forget_lines() {
    LINES.with(|lines| *lines.borrow_mut() = Lines::default());
}

/// Lines highlighted before, by a hash of syntax and text. A line parsed from the same parser
/// state and scope stack comes out the same, so the result is reused; this is what syntect's
/// `ClassedHTMLGenerator` does, one line at a time.
#[derive(Default)]
struct Lines {
    seen: HashMap<u64, Vec<Line>>,
    /// The state each syntax starts in, shared by the first lines of its blocks.
    starts: HashMap<String, State>,
}

/// A parser state and scope stack between two lines. Shared: the state after one line is the
/// state before the next, and a remembered line is continued from without copying it.
type State = Rc<(ParseState, ScopeStack)>;

struct Line {
    text: Box<str>,
    before: State,
    after: State,
    html: Box<str>,
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
        let mut state = self
            .starts
            .entry(syntax.name.clone())
            .or_insert_with(|| Rc::new((ParseState::new(syntax), ScopeStack::new())))
            .clone();
        let mut html = String::with_capacity(code.len() * 2);
        for text in LinesWithEndings::from(code) {
            let same = self
                .seen
                .entry(crate::key::of(&(&syntax.name, text)))
                .or_default();
            if let Some(line) = same.iter().find(|l| &*l.text == text && l.before == state) {
                html.push_str(&line.html);
                state = line.after.clone();
                continue;
            }
            let mut next = (*state).clone();
            let ops = next.0.parse_line(text, set).ok()?;
            let out = line_html(text, &ops, &mut next.1)?;
            html.push_str(&out);
            let after = Rc::new(next);
            same.push(Line {
                text: text.into(),
                before: state,
                after: after.clone(),
                html: out.into_boxed_str(),
            });
            state = after;
        }
        Some(html)
    }
}

/// One line of code as HTML: a span per run of tokens of one kind, closed before the line's end
/// so that lines can be reused on their own. Whitespace between two tokens of a kind stays in
/// their run.
fn line_html(text: &str, ops: &[(usize, ScopeStackOp)], stack: &mut ScopeStack) -> Option<String> {
    let mut tokens = Vec::with_capacity(ops.len() + 1);
    let mut start = 0;
    for (at, op) in ops {
        if *at > start {
            tokens.push((start..*at, Kind::of(stack.as_slice())));
            start = *at;
        }
        stack.apply(op).ok()?;
    }
    tokens.push((start..text.len(), Kind::of(stack.as_slice())));

    // The line's end stays outside every span.
    let end = text.trim_end_matches(['\n', '\r']).len();
    let mut html = String::with_capacity(text.len() * 2);
    let mut open: Option<Kind> = None;
    // Where whitespace after the open run began, until it is known whether the run goes on.
    let mut gap: Option<usize> = None;
    for (range, kind) in tokens {
        let range = range.start.min(end)..range.end.min(end);
        let piece = text.get(range.clone())?;
        if piece.is_empty() {
            continue;
        }
        if open.is_some() && piece.trim().is_empty() {
            gap.get_or_insert(range.start);
            continue;
        }
        if kind != open && open.take().is_some() {
            html.push_str("</span>");
        }
        if let Some(from) = gap.take() {
            push_escaped(&mut html, text.get(from..range.start)?);
        }
        if open.is_none() {
            if let Some(kind) = kind {
                html.push_str("<span class=\"");
                html.push_str(kind.class());
                html.push_str("\">");
            }
            open = kind;
        }
        push_escaped(&mut html, piece);
    }
    if open.is_some() {
        html.push_str("</span>");
    }
    push_escaped(&mut html, text.get(gap.unwrap_or(end)..)?);
    Some(html)
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
    fn tokens_get_one_flat_span_per_run_of_a_kind() {
        let html = code_block("retention_days: 365  # keep\nname: \"a b\"\n", "yaml");
        assert_eq!(
            html,
            "<pre class=\"code\"><code class=\"language-yaml\">\
             <span class=\"hl-entity\">retention_days</span>: \
             <span class=\"hl-constant\">365</span>  <span class=\"hl-comment\"># keep</span>\n\
             <span class=\"hl-entity\">name</span>: <span class=\"hl-string\">&quot;a b&quot;</span>\n\
             </code></pre>\n"
        );
        let html = code_block("fn main() { let x = 1; }\n", "rust");
        assert!(
            html.contains("<span class=\"hl-keyword\">fn</span>"),
            "{html}"
        );
        assert!(
            html.contains("<span class=\"hl-function\">main</span>"),
            "{html}"
        );
    }

    #[test]
    fn every_line_closes_its_spans() {
        let code = "#!/bin/sh\nset -eu\necho \"a\nb $HOME\"\n# done\n";
        let html = code_block(code, "bash");
        for line in html.lines() {
            assert_eq!(
                line.matches("<span").count(),
                line.matches("</span>").count(),
                "{line}"
            );
        }
        assert!(html.contains("hl-string"), "{html}");
    }

    #[test]
    fn remembered_lines_highlight_as_fresh_ones() {
        let code = "#!/bin/sh\nset -eu\necho \"a\nset -eu\nb\"\nset -eu\necho b\necho b\n";
        for lang in ["bash", "yaml", "json"] {
            let syntax = syntaxes().find_syntax_by_token(lang).unwrap();
            let mut state = (ParseState::new(syntax), ScopeStack::new());
            let mut expected = String::new();
            for line in LinesWithEndings::from(code) {
                let ops = state.0.parse_line(line, syntaxes()).unwrap();
                expected.push_str(&line_html(line, &ops, &mut state.1).unwrap());
            }
            let mut lines = Lines::default();
            let first = lines.highlight(code, syntax, syntaxes()).unwrap();
            let again = lines.highlight(code, syntax, syntaxes()).unwrap();
            assert_eq!(first, expected, "{lang}");
            assert_eq!(again, expected, "{lang}, from remembered lines");
        }
    }
}
