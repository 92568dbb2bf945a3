//! One pulldown-cmark pass over a document body: renders HTML and collects what it links to.
//!
//! `[[A.5.15]]`, `[[7.5.1]]`, `[[POL-AC-001|text]]` and relative `.md` links are resolved
//! through [`Resolve`]; what does not resolve is returned (not reported) so the model can
//! turn it into diagnostics with did-you-means. Raw HTML is shown as text unless allowed,
//! and links with script-capable schemes never reach the page.
//!
//! Markdown from other tools builds too: heading attributes (`## Scope {#scope .wide}`),
//! GitHub alerts (`> [!NOTE]`) and MkDocs admonitions (`!!! warning "Title"`, rewritten into
//! block quotes by [`crate::admonition`] first) become callouts, and anchors compare in
//! Unicode NFC.
//!
//! The types a rendered body is made of are here; the pass over the events is in `render`,
//! and each kind of thing it meets has its own part: `links` (destinations and what they
//! resolve to), `headings` (ids and anchors), `callouts` (alerts and admonitions) and `html`
//! (raw HTML and its sanitising).

mod callouts;
mod headings;
mod html;
mod links;
mod render;

pub(crate) use callouts::capitalised;
pub use headings::{slugify, Slugger};
pub use render::render;

use std::ops::Range;

use serde::Serialize;

/// Something a body can link to by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    Document(usize),
    Clause(usize),
    Control(usize),
    /// A requirement of another framework: indices into the book's frameworks and that
    /// framework's requirements.
    Requirement {
        framework: usize,
        requirement: usize,
    },
    /// A risk of the risk register: its index.
    Risk(usize),
}

/// A resolved link: where it points and the title to show on hover.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub target: Option<Target>,
    pub href: String,
    pub title: String,
}

/// What the renderer asks of the book about the links it meets.
pub trait Resolve {
    /// `[[name]]`.
    fn wiki(&self, name: &str) -> Option<Resolved>;
    /// A relative link's path (percent-decoded, no anchor), relative to this document.
    fn path(&self, path: &str) -> PathLink;
    /// The heading `anchor` of `document` (`None`: this one) was left out of this build by
    /// its profile: a link to it is shown as text with a note.
    fn redacted(&self, _document: Option<usize>, _anchor: &str) -> bool {
        false
    }
    /// The note after a link to something left out (HTML, in the book's language).
    fn redacted_note(&self) -> &str {
        "(not published here)"
    }
    /// A word the renderer writes itself, in the book's language (`callout.note`,
    /// `heading.anchor`); `None` keeps the English one.
    fn word(&self, _id: &str) -> Option<&str> {
        None
    }
}

/// The outcome of resolving a relative link.
#[derive(Debug, Clone)]
pub enum PathLink {
    /// Another document's page (its index, and the href of its page).
    Document(usize, String),
    /// A file in the content folder, copied into the site (the href of the copy).
    Asset(String),
    /// Nothing there.
    Missing,
    /// A folder without `_index.md`, `index.md` or `README.md` to stand for it.
    FolderWithoutIndex,
    /// A path that climbs out of the content folder.
    Outside,
    /// A document this build's profile leaves out.
    Redacted,
}

/// A heading of the body, for anchors and the page's table of contents.
#[derive(Debug, Clone, Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// Why a link could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// `[[name]]` names nothing.
    UnknownName(String),
    /// A relative link to a file that does not exist.
    MissingFile(String),
    /// A relative link that leaves the content folder.
    Outside(String),
    /// `#anchor` on this page that no heading has.
    MissingAnchor(String),
    /// `javascript:` and the like: removed from the page.
    UnsafeUrl(String),
    /// A relative link to a folder that has no `_index.md`, `index.md` or `README.md`.
    FolderWithoutIndex(String),
    /// A heading attribute other than `#id` and safe `.class`es (as written): dropped.
    HeadingAttribute(String),
    /// A heading's explicit `{#id}` that an earlier heading already has (the id it got instead).
    DuplicateHeadingId { id: String, instead: String },
    /// Raw HTML that would run script (what it is: "a `<script>` element", ...): shown as
    /// text, or removed under `allow-html`, never run.
    ScriptHtml(String),
    /// The body's first raw HTML shown as text (`allow-html` is off); one per body.
    HtmlAsText,
}

/// The href of a link that resolves to nothing: `#policybook-problem-N`, N its index in
/// [`Rendered::problems`]. The model marks such links with their diagnostic (see
/// `model::mark_broken`); a book with them is never built, only previewed by `serve`.
pub const PROBLEM_HREF: &str = "#policybook-problem-";

/// The href of a link to something this build's profile leaves out: rendered as its text
/// and a note, never as a link. A resolver returns it for `[[name]]`.
pub const REDACTED_HREF: &str = "#policybook-redacted";

/// A link problem and where it is in the body (byte range).
#[derive(Debug, Clone)]
pub struct LinkProblem {
    pub range: Range<usize>,
    pub problem: Problem,
}

/// A link into another document at an anchor, to be checked once all headings are known.
#[derive(Debug, Clone)]
pub struct AnchorRef {
    pub document: usize,
    pub anchor: String,
    pub range: Range<usize>,
}

/// A rendered body.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub headings: Vec<Heading>,
    /// Everything the body links to by name or path, in order of appearance.
    pub targets: Vec<Target>,
    pub problems: Vec<LinkProblem>,
    pub anchors: Vec<AnchorRef>,
    /// The body's words without markup or code blocks, for the search index.
    pub text: String,
}

/// Rendering options from the book's config.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    pub allow_html: bool,
    /// Highlight fenced code. Off for `check`, which needs the links, not the colours.
    pub highlight: bool,
}

#[cfg(test)]
mod tests {
    //! The book that the tests of every part render against.

    use super::*;

    pub(super) struct Book;

    impl Resolve for Book {
        fn wiki(&self, name: &str) -> Option<Resolved> {
            (name == "A.5.15").then(|| Resolved {
                target: Some(Target::Control(14)),
                href: "../controls/A.5.15.html".into(),
                title: "Access control".into(),
            })
        }

        fn path(&self, path: &str) -> PathLink {
            match path {
                "other.md" => PathLink::Document(1, "other.html".into()),
                "img/logo.png" => PathLink::Asset("@@root@@/docs/img/logo.png".into()),
                p if p.starts_with("../") => PathLink::Outside,
                _ => PathLink::Missing,
            }
        }
    }

    pub(super) fn render_(body: &str) -> Rendered {
        render(body, &Book, RenderOptions::default())
    }
}
