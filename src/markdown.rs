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

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd,
};
use serde::Serialize;

use crate::admonition::{self, Admonition};
use crate::highlight::{code_block, escape_html};
use crate::paths::nfc;

/// Something a body can link to by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    Document(usize),
    Clause(usize),
    Control(usize),
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

fn parser_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_WIKILINKS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// A heading waiting for its id until every explicit `{#id}` of the body is known.
struct PendingHeading {
    /// Where its HTML goes in the events.
    event: usize,
    level: u8,
    explicit: Option<String>,
    classes: Vec<String>,
    text: String,
    inner_html: String,
    range: Range<usize>,
}

/// The opening HTML of a callout, and its closing tag.
fn callout_open(
    kind: &str,
    classes: &[String],
    title: Option<&str>,
    open: Option<bool>,
) -> (String, &'static str) {
    let mut class = String::from("callout callout-");
    class.push_str(&escape_html(&class_name(kind)));
    for c in classes {
        let c = class_name(c);
        if !c.is_empty() {
            class.push(' ');
            class.push_str(&escape_html(&c));
        }
    }
    let title = title.map(escape_html);
    match open {
        Some(open) => {
            let title = match title.filter(|t| !t.is_empty()) {
                Some(t) => t,
                None => escape_html(&capitalised(kind)),
            };
            let open = if open { " open" } else { "" };
            (
                format!("<details class=\"{class}\"{open}><summary class=\"callout-title\">{title}</summary>\n"),
                "</details>\n",
            )
        }
        None => {
            let title = match title {
                Some(t) if t.is_empty() => String::new(),
                Some(t) => format!("<p class=\"callout-title\">{t}</p>\n"),
                None => format!(
                    "<p class=\"callout-title\">{}</p>\n",
                    escape_html(&capitalised(kind))
                ),
            };
            (
                format!("<aside class=\"{class}\" role=\"note\">{title}"),
                "</aside>\n",
            )
        }
    }
}

/// A class name from an admonition kind or heading class: lowercase letters, digits, `-`, `_`.
fn class_name(word: &str) -> String {
    word.chars()
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn alert_kind(kind: BlockQuoteKind) -> &'static str {
    match kind {
        BlockQuoteKind::Note => "note",
        BlockQuoteKind::Tip => "tip",
        BlockQuoteKind::Important => "important",
        BlockQuoteKind::Warning => "warning",
        BlockQuoteKind::Caution => "caution",
    }
}

/// A heading class kept on the page: ASCII letters, digits, `-` and `_`.
fn safe_class(class: &str) -> bool {
    !class.is_empty()
        && class
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Renders `body`, resolving its links through `resolver`. Ranges in the result are byte
/// ranges of `body` as written (admonitions are rewritten before parsing, and mapped back).
pub fn render(body: &str, resolver: &dyn Resolve, options: RenderOptions) -> Rendered {
    let admonitions = admonition::rewrite(body);
    let source: &str = &admonitions.text.text;
    let mut out = Rendered::default();
    let mut events: Vec<Event> = Vec::new();
    let mut own_anchors: Vec<(String, Range<usize>)> = Vec::new();
    // Open links, so their closing tags can be rewritten too (a dropped link loses its </a>).
    let mut link_kept: Vec<bool> = Vec::new();
    // Open block quotes: the closing tag of those that became callouts.
    let mut quotes: Vec<Option<&'static str>> = Vec::new();
    let mut heading: Option<(PendingHeading, Vec<Event>)> = None;
    let mut pending: Vec<PendingHeading> = Vec::new();
    let mut code: Option<(String, String)> = None;
    let mut shown_html_as_text = false;
    // Open images: whether each was dropped (its `src` unusable), its alt text kept as text.
    let mut images_dropped: Vec<bool> = Vec::new();

    for (event, range) in Parser::new_ext(source, parser_options()).into_offset_iter() {
        let event = match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(lang) => lang.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
                continue;
            }
            Event::Text(text) if code.is_some() => {
                if let Some((_, buf)) = code.as_mut() {
                    buf.push_str(&text);
                }
                continue;
            }
            Event::End(TagEnd::CodeBlock) => {
                let (lang, text) = code.take().unwrap_or_default();
                let lang = if options.highlight {
                    lang
                } else {
                    String::new()
                };
                Event::Html(code_block(&text, &lang).into())
            }
            Event::Text(t) => {
                out.text.push_str(&t);
                out.text.push(' ');
                Event::Text(t)
            }
            Event::Code(t) => {
                out.text.push_str(&t);
                out.text.push(' ');
                Event::Code(t)
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                if let Some(what) = script_in_html(&html) {
                    out.problems.push(LinkProblem {
                        range: range.clone(),
                        problem: Problem::ScriptHtml(what),
                    });
                } else if !options.allow_html && !shown_html_as_text {
                    shown_html_as_text = true;
                    out.problems.push(LinkProblem {
                        range: range.clone(),
                        problem: Problem::HtmlAsText,
                    });
                }
                if options.allow_html {
                    Event::Html(html)
                } else {
                    Event::Text(html)
                }
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let link = resolve_link(
                    link_type,
                    &dest_url,
                    resolver,
                    &range,
                    &mut out,
                    &mut own_anchors,
                );
                link_kept.push(link.is_some());
                match link {
                    Some((href, resolved_title)) => Event::Start(Tag::Link {
                        link_type,
                        dest_url: href.into(),
                        title: resolved_title.map_or(title, CowStr::from),
                        id,
                    }),
                    None => continue,
                }
            }
            Event::End(TagEnd::Link) => {
                if link_kept.pop().unwrap_or(false) {
                    Event::End(TagEnd::Link)
                } else {
                    continue;
                }
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let src = resolve_image(&dest_url, resolver, &range, &mut out);
                // No `<img src="">`: an image that cannot be shown leaves its alt text.
                images_dropped.push(src.is_empty());
                if src.is_empty() {
                    continue;
                }
                Event::Start(Tag::Image {
                    link_type,
                    dest_url: src.into(),
                    title,
                    id,
                })
            }
            Event::End(TagEnd::Image) => {
                if images_dropped.pop().unwrap_or(false) {
                    continue;
                }
                Event::End(TagEnd::Image)
            }
            Event::Start(Tag::BlockQuote(kind)) => {
                let callout = match (admonitions.at(range.start), kind) {
                    (Some(a), _) => Some(admonition_callout(a, &mut out)),
                    (None, Some(kind)) => Some(callout_open(alert_kind(kind), &[], None, None)),
                    (None, None) => None,
                };
                match callout {
                    Some((open, close)) => {
                        quotes.push(Some(close));
                        Event::Html(open.into())
                    }
                    None => {
                        quotes.push(None);
                        Event::Start(Tag::BlockQuote(kind))
                    }
                }
            }
            Event::End(TagEnd::BlockQuote(kind)) => match quotes.pop().flatten() {
                Some(close) => Event::Html(close.into()),
                None => Event::End(TagEnd::BlockQuote(kind)),
            },
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                let mut kept = Vec::new();
                for class in classes {
                    if safe_class(&class) {
                        kept.push(class.to_string());
                    } else {
                        out.problems.push(LinkProblem {
                            range: range.clone(),
                            problem: Problem::HeadingAttribute(format!(".{class}")),
                        });
                    }
                }
                for (name, value) in attrs {
                    out.problems.push(LinkProblem {
                        range: range.clone(),
                        problem: Problem::HeadingAttribute(match value {
                            Some(v) => format!("{name}={v}"),
                            None => name.to_string(),
                        }),
                    });
                }
                let explicit = id
                    .map(|id| nfc(&id).into_owned())
                    .filter(|id| !id.is_empty());
                heading = Some((
                    PendingHeading {
                        event: 0,
                        level: level as u8,
                        explicit,
                        classes: kept,
                        text: String::new(),
                        inner_html: String::new(),
                        range: range.clone(),
                    },
                    Vec::new(),
                ));
                continue;
            }
            Event::End(TagEnd::Heading(_)) => {
                let Some((mut h, inner)) = heading.take() else {
                    continue;
                };
                h.text = plain_text(&inner);
                pulldown_cmark::html::push_html(&mut h.inner_html, inner.into_iter());
                h.event = events.len();
                pending.push(h);
                // Replaced by the heading's HTML once its id is known.
                Event::Html(CowStr::Borrowed(""))
            }
            other => other,
        };
        match heading.as_mut() {
            Some((_, inner)) => inner.push(event),
            None => events.push(event),
        }
    }
    name_headings(pending, &mut events, &mut out);
    for (anchor, range) in own_anchors {
        if !out.headings.iter().any(|h| h.id == anchor) {
            out.problems.push(LinkProblem {
                range,
                problem: Problem::MissingAnchor(anchor),
            });
        }
    }
    if !admonitions.text.is_unchanged() {
        for p in &mut out.problems {
            p.range = admonitions.text.original(p.range.clone());
        }
        for a in &mut out.anchors {
            a.range = admonitions.text.original(a.range.clone());
        }
    }
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    out.html = if options.allow_html {
        sanitize(&html)
    } else {
        html
    };
    // CommonMark: U+0000 is replaced by U+FFFD (pulldown-cmark passes it through).
    let headings = out.headings.iter_mut().map(|h| &mut h.text);
    for text in [&mut out.html, &mut out.text].into_iter().chain(headings) {
        crate::text::replace_nul(text);
    }
    // Every body is kept until its pages are written: no spare capacity.
    out.html.shrink_to_fit();
    out.text.shrink_to_fit();
    out
}

/// What in a piece of raw HTML would run script, if anything: a `<script>`, `<iframe>`,
/// `<object>` or `<embed>` element, an event handler attribute (`onclick=`), or a
/// `javascript:` URL. Browsers ignore case and whitespace inside a scheme, so this does too.
fn script_in_html(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    for element in ["script", "iframe", "object", "embed"] {
        let open = format!("<{element}");
        let mut rest = lower.as_str();
        while let Some(at) = rest.find(&open) {
            let after = rest[at + open.len()..].chars().next();
            if after.is_none_or(|c| c.is_ascii_whitespace() || c == '>' || c == '/') {
                return Some(format!("a `<{element}>` element"));
            }
            rest = &rest[at + open.len()..];
        }
    }
    // An attribute `on...=` inside a tag.
    let mut in_tag = false;
    let bytes = lower.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'<' => in_tag = true,
            b'>' => in_tag = false,
            b'o' if in_tag
                && i > 0
                && (bytes[i - 1].is_ascii_whitespace() || bytes[i - 1] == b'/')
                && bytes.get(i + 1) == Some(&b'n') =>
            {
                let name: String = lower[i..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                let after = lower[i + name.len()..].trim_start();
                if name.len() > 2 && after.starts_with('=') {
                    return Some(format!("the event handler `{name}`"));
                }
            }
            _ => {}
        }
    }
    let squeezed: String = lower
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .collect();
    [
        "javascript:",
        "vbscript:",
        "&#106;avascript:",
        "&#x6a;avascript:",
    ]
    .iter()
    .any(|scheme| squeezed.contains(scheme))
    .then(|| "a `javascript:` URL".to_string())
}

/// The callout an admonition opens (its own title goes into the search text).
fn admonition_callout(a: &Admonition, out: &mut Rendered) -> (String, &'static str) {
    if let Some(title) = a.title.as_deref().filter(|t| !t.is_empty()) {
        out.text.push_str(title);
        out.text.push(' ');
    }
    callout_open(&a.kind, &a.classes, a.title.as_deref(), a.collapsible)
}

/// Gives every heading its id: explicit `{#id}`s first (a repeated one is a problem and gets
/// a counter), then slugs of the others' text, skipping every id already taken.
fn name_headings(pending: Vec<PendingHeading>, events: &mut [Event], out: &mut Rendered) {
    let mut slugs = Slugger::default();
    let mut ids: Vec<Option<String>> = Vec::with_capacity(pending.len());
    for h in &pending {
        ids.push(h.explicit.as_ref().and_then(|id| {
            if slugs.taken.insert(id.clone()) {
                Some(id.clone())
            } else {
                None
            }
        }));
    }
    for (h, id) in pending.into_iter().zip(ids) {
        let id = match (id, &h.explicit) {
            (Some(id), _) => id,
            (None, Some(explicit)) => {
                let instead = slugs.unique(explicit.clone());
                out.problems.push(LinkProblem {
                    range: h.range.clone(),
                    problem: Problem::DuplicateHeadingId {
                        id: explicit.clone(),
                        instead: instead.clone(),
                    },
                });
                instead
            }
            (None, None) => slugs.slug(&nfc(&h.text)),
        };
        let n = h.level;
        let class = if h.classes.is_empty() {
            String::new()
        } else {
            format!(" class=\"{}\"", escape_html(&h.classes.join(" ")))
        };
        let html = format!(
            "<h{n} id=\"{id}\"{class}>{inner} <a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this section\">#</a></h{n}>\n",
            id = escape_html(&id),
            inner = h.inner_html,
        );
        if let Some(e) = events.get_mut(h.event) {
            *e = Event::Html(html.into());
        }
        out.headings.push(Heading {
            level: n,
            id,
            text: h.text,
        });
    }
}

/// Raw HTML a book allows still must not run script: ammonia keeps formatting and removes
/// `<script>`, event handlers, `style` and URLs with other schemes than http(s), mailto and tel.
fn sanitize(html: &str) -> String {
    let mut b = ammonia::Builder::default();
    b.add_generic_attributes(&["class", "id", "title", "aria-label", "aria-hidden", "role"])
        .add_tags(&[
            "kbd",
            "mark",
            "details",
            "summary",
            "figure",
            "figcaption",
            "input",
        ])
        .add_tag_attributes("input", &["type", "checked", "disabled"])
        .add_tag_attributes("details", &["open"])
        .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
        .link_rel(None)
        // An empty address is no address: `<a>` stays a placeholder, see below for `<img>`.
        .attribute_filter(|_, attribute, value| {
            let empty = matches!(attribute, "src" | "href") && value.trim().is_empty();
            (!empty).then_some(value.into())
        });
    without_sourceless_images(&b.clean(html).to_string())
}

/// `html` (as ammonia writes it: attributes in double quotes) without the `<img>` elements
/// that have no `src` left, whose address was removed as unsafe or was empty.
fn without_sourceless_images(html: &str) -> String {
    if !html.contains("<img") {
        return html.to_string();
    }
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("<img") {
        out.push_str(&rest[..at]);
        let tag = &rest[at..];
        // The tag ends at the first `>` outside a quoted value.
        let mut quoted = false;
        let end = tag
            .char_indices()
            .find(|&(_, c)| {
                if c == '"' {
                    quoted = !quoted;
                }
                c == '>' && !quoted
            })
            .map_or(tag.len(), |(i, _)| i + 1);
        let element = &tag[..end];
        let name_ends = element[4..].starts_with([' ', '>', '/']);
        if !name_ends || element.contains(" src=\"") {
            out.push_str(element);
        }
        rest = &tag[end..];
    }
    out.push_str(rest);
    out
}

/// Resolves one link; `None` drops the link (its text stays).
fn resolve_link(
    link_type: LinkType,
    dest: &str,
    resolver: &dyn Resolve,
    range: &Range<usize>,
    out: &mut Rendered,
    own_anchors: &mut Vec<(String, Range<usize>)>,
) -> Option<(String, Option<String>)> {
    if let LinkType::WikiLink { .. } = link_type {
        let name = dest.trim();
        return match resolver.wiki(name) {
            Some(r) => {
                out.targets.extend(r.target);
                Some((r.href, Some(r.title)))
            }
            None => {
                let marker = format!("{PROBLEM_HREF}{}", out.problems.len());
                out.problems.push(LinkProblem {
                    range: range.clone(),
                    problem: Problem::UnknownName(name.to_string()),
                });
                Some((marker, Some(String::new())))
            }
        };
    }
    match classify(dest) {
        Url::Unsafe => {
            out.problems.push(LinkProblem {
                range: range.clone(),
                problem: Problem::UnsafeUrl(dest.to_string()),
            });
            None
        }
        Url::External => Some((dest.to_string(), None)),
        Url::Relative { path, fragment } => {
            if path.is_empty() {
                let Some(f) = fragment else {
                    return Some((dest.to_string(), None));
                };
                let f = nfc(f);
                own_anchors.push((f.to_string(), range.clone()));
                let href = match f {
                    Cow::Borrowed(_) => dest.to_string(),
                    Cow::Owned(f) => format!("#{f}"),
                };
                return Some((href, None));
            }
            let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
            let problem = match resolver.path(&decoded) {
                PathLink::Document(doc, href) => {
                    out.targets.push(Target::Document(doc));
                    let href = match fragment.map(nfc) {
                        Some(f) => {
                            let href = format!("{href}#{f}");
                            out.anchors.push(AnchorRef {
                                document: doc,
                                anchor: f.into_owned(),
                                range: range.clone(),
                            });
                            href
                        }
                        None => href,
                    };
                    return Some((href, None));
                }
                PathLink::Asset(href) => {
                    let href = match fragment {
                        Some(f) => format!("{href}#{f}"),
                        None => href,
                    };
                    return Some((href, None));
                }
                PathLink::Missing => Problem::MissingFile(decoded.into_owned()),
                PathLink::FolderWithoutIndex => Problem::FolderWithoutIndex(decoded.into_owned()),
                PathLink::Outside => Problem::Outside(decoded.into_owned()),
            };
            let marker = format!("{PROBLEM_HREF}{}", out.problems.len());
            out.problems.push(LinkProblem {
                range: range.clone(),
                problem,
            });
            Some((marker, Some(String::new())))
        }
    }
}

fn resolve_image(
    dest: &str,
    resolver: &dyn Resolve,
    range: &Range<usize>,
    out: &mut Rendered,
) -> String {
    let problem = match classify(dest) {
        Url::Unsafe
            if dest
                .trim_start()
                .to_ascii_lowercase()
                .starts_with("data:image/")
                && !dest.contains("svg") =>
        {
            return dest.to_string()
        }
        Url::Unsafe => Problem::UnsafeUrl(dest.to_string()),
        Url::External => return dest.to_string(),
        Url::Relative { path, .. } => {
            let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
            match resolver.path(&decoded) {
                PathLink::Asset(href) => return href,
                PathLink::Document(..) | PathLink::Missing | PathLink::FolderWithoutIndex => {
                    Problem::MissingFile(decoded.into_owned())
                }
                PathLink::Outside => Problem::Outside(decoded.into_owned()),
            }
        }
    };
    out.problems.push(LinkProblem {
        range: range.clone(),
        problem,
    });
    String::new()
}

enum Url<'a> {
    External,
    Unsafe,
    Relative {
        path: &'a str,
        fragment: Option<&'a str>,
    },
}

/// Schemes a policy may link to. Anything else (javascript:, vbscript:, data:) is dropped.
const SAFE_SCHEMES: &[&str] = &["http", "https", "mailto", "tel", "ftp", "ftps", "sftp"];

fn classify(dest: &str) -> Url<'_> {
    // Browsers ignore ASCII whitespace and control characters inside a scheme ("java\tscript:").
    let squeezed: String = dest
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .take(32)
        .collect::<String>()
        .to_ascii_lowercase();
    if let Some(colon) = squeezed.find(':') {
        let scheme = &squeezed[..colon];
        let before_path = !scheme.contains(['/', '?', '#']);
        if before_path && !scheme.is_empty() {
            return if SAFE_SCHEMES.contains(&scheme) {
                Url::External
            } else {
                Url::Unsafe
            };
        }
    }
    if dest.starts_with("//") || dest.starts_with('/') {
        // Site-absolute paths cannot be checked, and break under a sub-path or file://.
        return Url::External;
    }
    let (rest, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (dest, None),
    };
    let path = rest.split('?').next().unwrap_or(rest);
    Url::Relative { path, fragment }
}

fn plain_text(events: &[Event]) -> String {
    let mut s = String::new();
    for e in events {
        match e {
            Event::Text(t) | Event::Code(t) => s.push_str(t),
            Event::SoftBreak | Event::HardBreak => s.push(' '),
            _ => {}
        }
    }
    s.trim().to_string()
}

/// GitHub-style heading ids, de-duplicated with a counter per base id that skips ids
/// already taken (by explicit `{#id}`s, or a counted id that is another heading's text).
#[derive(Default)]
pub struct Slugger {
    seen: HashMap<String, usize>,
    taken: HashSet<String>,
}

impl Slugger {
    pub fn slug(&mut self, text: &str) -> String {
        self.unique(slugify(text))
    }

    /// `base`, or `base-1`, `base-2`, ... : the first not taken yet.
    fn unique(&mut self, base: String) -> String {
        let n = self.seen.entry(base.clone()).or_insert(0);
        loop {
            *n += 1;
            let id = if *n == 1 {
                base.clone()
            } else {
                format!("{base}-{}", *n - 1)
            };
            if self.taken.insert(id.clone()) {
                return id;
            }
        }
    }
}

/// Lowercase; letters, digits, `-` and `_` kept; spaces become `-`; everything else dropped.
pub fn slugify(text: &str) -> String {
    let slug: String = text
        .trim()
        .chars()
        .flat_map(char::to_lowercase)
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect();
    if slug.is_empty() {
        "section".into()
    } else {
        slug
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Book;

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

    fn render_(body: &str) -> Rendered {
        render(body, &Book, RenderOptions::default())
    }

    #[test]
    fn wiki_links_resolve_and_unknown_ones_are_returned() {
        let r = render_("See [[A.5.15]] and [[A.5.51|this]].\n");
        assert!(
            r.html
                .contains(r#"<a href="../controls/A.5.15.html" title="Access control">A.5.15</a>"#),
            "{}",
            r.html
        );
        assert_eq!(r.targets, vec![Target::Control(14)]);
        assert_eq!(r.problems.len(), 1);
        assert_eq!(r.problems[0].problem, Problem::UnknownName("A.5.51".into()));
        assert_eq!(
            &"See [[A.5.15]] and [[A.5.51|this]].\n"[r.problems[0].range.clone()],
            "[[A.5.51|this]]"
        );
        assert!(
            r.html
                .contains(r##"<a href="#policybook-problem-0">this</a>"##),
            "the text of a broken link stays, marked for the model to explain: {}",
            r.html
        );
    }

    #[test]
    fn md_links_are_rewritten_and_checked() {
        let r = render_(
            "[a](other.md#scope) [b](missing.md) [c](../../etc/passwd) ![l](img/logo.png)\n",
        );
        assert!(r.html.contains(r#"href="other.html#scope""#), "{}", r.html);
        assert_eq!(r.anchors[0].anchor, "scope");
        assert_eq!(
            r.problems[0].problem,
            Problem::MissingFile("missing.md".into())
        );
        assert_eq!(
            r.problems[1].problem,
            Problem::Outside("../../etc/passwd".into())
        );
        assert!(
            r.html.contains(r#"src="@@root@@/docs/img/logo.png""#),
            "{}",
            r.html
        );
    }

    #[test]
    fn raw_html_is_text_unless_allowed() {
        let r = render_("<script>alert(1)</script>\n\nHi <b onclick=x>there</b>\n");
        assert!(!r.html.contains("<script>"), "{}", r.html);
        assert!(r.html.contains("&lt;script&gt;"));
        assert!(!r.html.contains("<b "));
        let r = render(
            "<b>ok</b>\n",
            &Book,
            RenderOptions {
                allow_html: true,
                highlight: true,
            },
        );
        assert!(r.html.contains("<b>ok</b>"));
        let r = render(
            "<b onclick=\"x()\">ok</b><script>alert(1)</script><a href=\"javascript:x\">l</a><img src=x onerror=alert(1)>\n\n[[A.5.15]]\n",
            &Book,
            RenderOptions { allow_html: true, highlight: true },
        );
        for bad in ["onclick", "<script", "javascript:", "onerror"] {
            assert!(!r.html.contains(bad), "{bad} in {}", r.html);
        }
        assert!(r.html.contains("<b>ok</b>"));
        assert!(
            r.html.contains("href=\"../controls/A.5.15.html\""),
            "our links survive: {}",
            r.html
        );
    }

    #[test]
    fn script_urls_never_reach_the_page() {
        for url in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "java&#x09;script:alert(1)",
            "&#106;avascript:alert(1)",
            "vbscript:x",
            "data:text/html,<script>x</script>",
        ] {
            let r = render_(&format!("[click]({url})\n"));
            assert!(
                !r.html.to_lowercase().contains("script:"),
                "{url}: {}",
                r.html
            );
            assert!(!r.html.contains("data:text"), "{url}: {}", r.html);
            assert!(
                matches!(r.problems[0].problem, Problem::UnsafeUrl(_)),
                "{url}"
            );
            assert!(r.html.contains("click"));
        }
        let r = render_("[ok](https://example.org) [m](mailto:a@b.c)\n");
        assert!(r.problems.is_empty());
    }

    #[test]
    fn headings_get_unique_ids_and_anchors_are_checked() {
        let r = render_("## 1. Scope\n\n## Scope\n\n## Scope\n\n[x](#1-scope) [y](#nope)\n");
        let ids: Vec<&str> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["1-scope", "scope", "scope-1"]);
        assert_eq!(r.problems.len(), 1);
        assert_eq!(r.problems[0].problem, Problem::MissingAnchor("nope".into()));
    }

    #[test]
    fn wiki_syntax_in_code_is_left_alone() {
        let r = render_("`[[A.9.9]]`\n\n```text\n[[A.9.9]] {{ x }}\n```\n");
        assert!(r.problems.is_empty());
        assert!(r.html.contains("{{ x }}"));
    }

    #[test]
    fn sanitised_html_has_no_empty_or_missing_address() {
        let r = render(
            "<img src=\"javascript:alert(1)\" alt=\"a>b\"> <img src=\"\"> <img src=\"https://x.org/a.png\"> <a href=\"javascript:x\">l</a> <a href=\"\">m</a> <imgx>\n",
            &Book,
            RenderOptions {
                allow_html: true,
                highlight: false,
            },
        );
        assert!(
            !r.html.contains("src=\"\"") && !r.html.contains("href=\"\""),
            "{}",
            r.html
        );
        assert_eq!(r.html.matches("<img").count(), 1, "{}", r.html);
        assert!(
            r.html.contains("<img src=\"https://x.org/a.png\">"),
            "{}",
            r.html
        );
        assert!(r.html.contains("<a>l</a> <a>m</a>"), "{}", r.html);
    }

    #[test]
    fn raw_html_that_would_run_script_is_named() {
        for (html, what) in [
            ("<script>x</script>", "a `<script>` element"),
            ("<SCRIPT\nsrc=x>", "a `<script>` element"),
            ("<iframe src=x>", "a `<iframe>` element"),
            ("<object data=x>", "a `<object>` element"),
            ("<embed/src=x>", "a `<embed>` element"),
            (
                "<img src=x onerror=alert(1)>",
                "the event handler `onerror`",
            ),
            ("<b/onclick = \"x\">", "the event handler `onclick`"),
            ("<a href=\"JaVa\tScRiPt:x\">", "a `javascript:` URL"),
            ("<a href=\"&#106;avascript:x\">", "a `javascript:` URL"),
        ] {
            assert_eq!(script_in_html(html).as_deref(), Some(what), "{html}");
        }
        for harmless in [
            "<b>on</b>",
            "<scripture>",
            "<objection>",
            "<p class=online>",
            "<!-- on=1 -->",
            "<a href=\"https://x.org/javascript\">",
        ] {
            assert_eq!(script_in_html(harmless), None, "{harmless}");
        }
    }

    #[test]
    fn slugify_matches_the_documented_rule() {
        assert_eq!(slugify("4. Access reviews"), "4-access-reviews");
        assert_eq!(slugify("Rôles & responsabilités"), "rôles--responsabilités");
        assert_eq!(slugify("!!!"), "section");
    }

    #[test]
    fn explicit_heading_ids_and_classes() {
        let src = "## Scope\n\n### Covered experiences {#covered-experiences .wide}\n\n## Other {#scope}\n\n[a](#covered-experiences) [b](#scope) [c](#scope-1)\n";
        let r = render_(src);
        let ids: Vec<&str> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(
            ids,
            ["scope-1", "covered-experiences", "scope"],
            "explicit ids come first"
        );
        assert_eq!(r.headings[1].text, "Covered experiences");
        assert!(
            r.html.contains("<h3 id=\"covered-experiences\" class=\"wide\">Covered experiences <a class=\"anchor\" href=\"#covered-experiences\""),
            "{}",
            r.html
        );
        assert!(!r.html.contains('{'), "{}", r.html);
        assert!(r.problems.is_empty(), "{:?}", r.problems);
    }

    #[test]
    fn other_heading_attributes_are_dropped_with_a_problem() {
        let src = "# T {#t onclick=alert(1) .ok .bad\"x data-x=1}\n\n# U {#t}\n";
        let r = render_(src);
        assert!(!r.html.contains("onclick"), "{}", r.html);
        assert!(!r.html.contains("data-x"), "{}", r.html);
        assert!(r.html.contains("<h1 id=\"t\" class=\"ok\">"), "{}", r.html);
        let problems: Vec<&Problem> = r.problems.iter().map(|p| &p.problem).collect();
        assert_eq!(
            problems,
            [
                &Problem::HeadingAttribute(".bad\"x".into()),
                &Problem::HeadingAttribute("onclick=alert(1)".into()),
                &Problem::HeadingAttribute("data-x=1".into()),
                &Problem::DuplicateHeadingId {
                    id: "t".into(),
                    instead: "t-1".into()
                },
            ]
        );
        assert_eq!(r.problems[0].range.start, 0);
        assert_eq!(&src[r.problems[3].range.clone()], "# U {#t}\n");
    }

    #[test]
    fn hostile_heading_ids_are_escaped() {
        for src in [
            "# A {#\"><script>alert(1)</script>}\n",
            "# A {#x\"onmouseover=\"y}\n",
            "# B {#a\n",
            "# C {\n",
            "# D {}\n",
            "# E {#}\n",
            "# {#only}\n",
        ] {
            let r = render_(src);
            assert!(!r.html.contains("<script"), "{src}: {}", r.html);
            assert!(!r.html.contains("\"onmouseover"), "{src}: {}", r.html);
        }
        assert_eq!(render_("# {#only}\n").headings[0].id, "only");
        assert_eq!(render_("# C {\n").headings[0].text, "C {");
    }

    #[test]
    fn anchors_compare_in_nfc() {
        // "Café" typed with a combining accent in the link, precomposed in the heading.
        let r = render_(
            "## Caf\u{e9}\n\n[x](#caf\u{65}\u{301}) [y](other.md#r\u{e9}sum\u{65}\u{301})\n",
        );
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        assert!(r.html.contains("href=\"#caf\u{e9}\""), "{}", r.html);
        assert_eq!(r.anchors[0].anchor, "r\u{e9}sum\u{e9}");
        let r = render_("## Caf\u{65}\u{301}\n");
        assert_eq!(r.headings[0].id, "caf\u{e9}");
    }

    #[test]
    fn github_alerts_become_callouts() {
        let r = render_("> [!WARNING]\n> Keys expire.\n\n> plain quote\n");
        assert!(
            r.html.starts_with("<aside class=\"callout callout-warning\" role=\"note\"><p class=\"callout-title\">Warning</p>\n<p>Keys expire.</p>\n</aside>\n"),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("<blockquote>\n<p>plain quote</p>\n</blockquote>"),
            "{}",
            r.html
        );
        for (kind, title) in [
            ("NOTE", "Note"),
            ("TIP", "Tip"),
            ("IMPORTANT", "Important"),
            ("CAUTION", "Caution"),
        ] {
            let r = render_(&format!("> [!{kind}]\n> x\n"));
            let class = kind.to_lowercase();
            assert!(
                r.html.contains(&format!(
                    "callout-{class}\" role=\"note\"><p class=\"callout-title\">{title}</p>"
                )),
                "{}",
                r.html
            );
        }
    }

    #[test]
    fn admonitions_become_callouts_with_problems_where_written() {
        let src = "Intro.\n\n!!! danger \"Do <not> skip\"\n    See [x](missing.md).\n\n!!! tldr\n    Short.\n\n!!! note \"\"\n    Untitled.\n\n??? question \"Why?\"\n    Because.\n\n???+ Custom-Kind\n    Open.\n\nAfter.\n";
        let r = render_(src);
        assert_eq!(
            r.html,
            "<p>Intro.</p>\n\
<aside class=\"callout callout-danger\" role=\"note\"><p class=\"callout-title\">Do &lt;not&gt; skip</p>\n<p>See <a href=\"#policybook-problem-0\">x</a>.</p>\n</aside>\n\
<aside class=\"callout callout-tldr\" role=\"note\"><p class=\"callout-title\">Tldr</p>\n<p>Short.</p>\n</aside>\n\
<aside class=\"callout callout-note\" role=\"note\">\n<p>Untitled.</p>\n</aside>\n\
<details class=\"callout callout-question\"><summary class=\"callout-title\">Why?</summary>\n<p>Because.</p>\n</details>\n\
<details class=\"callout callout-custom-kind\" open><summary class=\"callout-title\">Custom-kind</summary>\n<p>Open.</p>\n</details>\n\
<p>After.</p>\n"
        );
        assert_eq!(r.problems.len(), 1);
        assert_eq!(&src[r.problems[0].range.clone()], "[x](missing.md)");
    }

    #[test]
    fn nested_admonitions_and_alerts_close_in_order() {
        let src = "!!! note\n    Outer.\n\n    > [!TIP]\n    > Inner tip.\n\n    !!! warning\n        Deep [d](#nope).\n\n    Outer again.\n";
        let r = render_(src);
        assert_eq!(r.html.matches("<aside").count(), 3, "{}", r.html);
        assert_eq!(r.html.matches("</aside>").count(), 3, "{}", r.html);
        assert!(
            r.html.ends_with("<p>Outer again.</p>\n</aside>\n"),
            "{}",
            r.html
        );
        assert_eq!(&src[r.problems[0].range.clone()], "[d](#nope)");
    }

    #[test]
    fn bodies_without_new_syntax_render_as_before() {
        let src = "# Title\n\n> quote\n\nText with {braces} and !!! marks.\n";
        let r = render_(src);
        assert_eq!(
            r.html,
            "<h1 id=\"title\">Title <a class=\"anchor\" href=\"#title\" aria-label=\"Link to this section\">#</a></h1>\n<blockquote>\n<p>quote</p>\n</blockquote>\n<p>Text with {braces} and !!! marks.</p>\n"
        );
    }

    #[test]
    fn callouts_and_heading_classes_survive_allowed_html() {
        let r = render(
            "## T {#t .wide}\n\n???+ note \"Open\"\n    Body.\n\n> [!TIP]\n> Tip.\n",
            &Book,
            RenderOptions {
                allow_html: true,
                highlight: true,
            },
        );
        for kept in [
            "<h2 id=\"t\" class=\"wide\">",
            "<details class=\"callout callout-note\" open=\"\"><summary class=\"callout-title\">Open</summary>",
            "<aside class=\"callout callout-tip\" role=\"note\"><p class=\"callout-title\">Tip</p>",
        ] {
            assert!(r.html.contains(kept), "{kept} in {}", r.html);
        }
    }

    #[test]
    fn problem_ranges_stay_inside_the_body_as_written() {
        let pieces = [
            "!!! note \"é\"\n",
            "??? tip\n",
            "    ",
            "\t",
            "[é](missing.md) ",
            "[[A.5.99]]",
            "## Ü {#x onclick=é}\n",
            "> [!NOTE]\n",
            "```\n",
            "\n",
            "é\r\n",
            "[x](#ñ)",
        ];
        // Every sequence of four pieces: 12^4 bodies.
        for n in 0..pieces.len().pow(4) {
            let mut body = String::new();
            let mut k = n;
            for _ in 0..4 {
                body.push_str(pieces[k % pieces.len()]);
                k /= pieces.len();
            }
            let r = render_(&body);
            for p in &r.problems {
                assert!(
                    p.range.start <= p.range.end
                        && p.range.end <= body.len()
                        && body.is_char_boundary(p.range.start)
                        && body.is_char_boundary(p.range.end),
                    "{body:?}: {p:?}"
                );
            }
        }
    }
}
