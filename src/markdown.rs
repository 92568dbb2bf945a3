//! One pulldown-cmark pass over a document body: renders HTML and collects what it links to.
//!
//! `[[A.5.15]]`, `[[7.5.1]]`, `[[POL-AC-001|text]]` and relative `.md` links are resolved
//! through [`Resolve`]; what does not resolve is returned (not reported) so the model can
//! turn it into diagnostics with did-you-means. Raw HTML is shown as text unless allowed,
//! and links with script-capable schemes never reach the page.

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{
    CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};
use serde::Serialize;

use crate::highlight::{code_block, escape_html};

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
}

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
}

/// Renders `body`, resolving its links through `resolver`.
pub fn render(body: &str, resolver: &dyn Resolve, options: RenderOptions) -> Rendered {
    let mut out = Rendered::default();
    let mut events: Vec<Event> = Vec::new();
    let mut slugs = Slugger::default();
    let mut own_anchors: Vec<(String, Range<usize>)> = Vec::new();
    // Open links, so their closing tags can be rewritten too (a dropped link loses its </a>).
    let mut link_kept: Vec<bool> = Vec::new();
    let mut heading: Option<(HeadingLevel, Vec<Event>)> = None;
    let mut code: Option<(String, String)> = None;

    for (event, range) in Parser::new_ext(body, parser_options()).into_offset_iter() {
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
            Event::Html(html) | Event::InlineHtml(html) if !options.allow_html => Event::Text(html),
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
                Event::Start(Tag::Image {
                    link_type,
                    dest_url: src.into(),
                    title,
                    id,
                })
            }
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some((level, Vec::new()));
                continue;
            }
            Event::End(TagEnd::Heading(_)) => {
                let Some((level, inner)) = heading.take() else {
                    continue;
                };
                let text = plain_text(&inner);
                let id = slugs.slug(&text);
                let mut inner_html = String::new();
                pulldown_cmark::html::push_html(&mut inner_html, inner.into_iter());
                let n = level as u8;
                out.headings.push(Heading {
                    level: n,
                    id: id.clone(),
                    text,
                });
                Event::Html(
                    format!(
                        "<h{n} id=\"{id}\">{inner_html} <a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this section\">#</a></h{n}>\n",
                        id = escape_html(&id)
                    )
                    .into(),
                )
            }
            other => other,
        };
        match heading.as_mut() {
            Some((_, inner)) => inner.push(event),
            None => events.push(event),
        }
    }
    for (anchor, range) in own_anchors {
        if !out.headings.iter().any(|h| h.id == anchor) {
            out.problems.push(LinkProblem {
                range,
                problem: Problem::MissingAnchor(anchor),
            });
        }
    }
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    out.html = if options.allow_html {
        sanitize(&html)
    } else {
        html
    };
    // Every body is kept until its pages are written: no spare capacity.
    out.html.shrink_to_fit();
    out.text.shrink_to_fit();
    out
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
        .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
        .link_rel(None);
    b.clean(html).to_string()
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
                out.problems.push(LinkProblem {
                    range: range.clone(),
                    problem: Problem::UnknownName(name.to_string()),
                });
                None
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
                if let Some(f) = fragment {
                    own_anchors.push((f.to_string(), range.clone()));
                }
                return Some((dest.to_string(), None));
            }
            let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
            let problem = match resolver.path(&decoded) {
                PathLink::Document(doc, href) => {
                    out.targets.push(Target::Document(doc));
                    if let Some(f) = fragment {
                        out.anchors.push(AnchorRef {
                            document: doc,
                            anchor: f.to_string(),
                            range: range.clone(),
                        });
                    }
                    let href = match fragment {
                        Some(f) => format!("{href}#{f}"),
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
                PathLink::Outside => Problem::Outside(decoded.into_owned()),
            };
            out.problems.push(LinkProblem {
                range: range.clone(),
                problem,
            });
            Some((dest.to_string(), None))
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
                PathLink::Document(..) | PathLink::Missing => {
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

/// GitHub-style heading ids, de-duplicated with a counter per base id (never by probing).
#[derive(Default)]
pub struct Slugger {
    seen: HashMap<String, usize>,
}

impl Slugger {
    pub fn slug(&mut self, text: &str) -> String {
        let base = slugify(text);
        let n = self.seen.entry(base.clone()).or_insert(0);
        *n += 1;
        if *n == 1 {
            base
        } else {
            format!("{base}-{}", *n - 1)
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
        assert!(r.html.contains("this"), "the text of a broken link stays");
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
    fn slugify_matches_the_documented_rule() {
        assert_eq!(slugify("4. Access reviews"), "4-access-reviews");
        assert_eq!(slugify("Rôles & responsabilités"), "rôles--responsabilités");
        assert_eq!(slugify("!!!"), "section");
    }
}
