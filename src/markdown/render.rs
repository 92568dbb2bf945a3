//! The pass over pulldown-cmark's events: one loop that renders the body, collects its text
//! for search and hands each kind of event to the part that knows its rules (links, callouts,
//! headings, raw HTML), so that the order of events is decided in one place.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};

use crate::admonition;
use crate::highlight::code_block;
use crate::paths::nfc;

use super::callouts::{admonition_callout, alert_kind, callout_open};
use super::headings::{name_headings, plain_text, safe_class, PendingHeading};
use super::html::{sanitize, script_in_html};
use super::links::{resolve_image, resolve_link};
use super::{LinkProblem, Problem, RenderOptions, Rendered, Resolve};

/// What became of a link the body opened: its closing tag follows.
enum LinkFate {
    Kept,
    /// Unusable: its text stays, without a link.
    Dropped,
    /// To something the build's profile leaves out: its text, and a note.
    Redacted,
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

/// Renders `body`, resolving its links through `resolver`. Ranges in the result are byte
/// ranges of `body` as written (admonitions are rewritten before parsing, and mapped back).
pub fn render(body: &str, resolver: &dyn Resolve, options: RenderOptions) -> Rendered {
    let admonitions = admonition::rewrite(body);
    let source: &str = &admonitions.text.text;
    let mut out = Rendered::default();
    let mut events: Vec<Event> = Vec::new();
    let mut own_anchors: Vec<(String, Range<usize>)> = Vec::new();
    // Open links, so their closing tags can be rewritten too (a dropped link loses its </a>).
    let mut links_open: Vec<LinkFate> = Vec::new();
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
                let redacted = link
                    .as_ref()
                    .is_some_and(|(href, _)| href == super::REDACTED_HREF);
                links_open.push(match &link {
                    _ if redacted => LinkFate::Redacted,
                    Some(_) => LinkFate::Kept,
                    None => LinkFate::Dropped,
                });
                match link {
                    Some(_) if redacted => Event::Html("<span class=\"redacted-link\">".into()),
                    Some((href, resolved_title)) => Event::Start(Tag::Link {
                        link_type,
                        dest_url: href.into(),
                        title: resolved_title.map_or(title, CowStr::from),
                        id,
                    }),
                    None => continue,
                }
            }
            Event::End(TagEnd::Link) => match links_open.pop() {
                Some(LinkFate::Kept) => Event::End(TagEnd::Link),
                Some(LinkFate::Redacted) => Event::Html(
                    format!(
                        "</span> <span class=\"redacted-note\">{}</span>",
                        resolver.redacted_note()
                    )
                    .into(),
                ),
                Some(LinkFate::Dropped) | None => continue,
            },
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
                    (Some(a), _) => Some(admonition_callout(a, &mut out, resolver)),
                    (None, Some(kind)) => {
                        Some(callout_open(alert_kind(kind), &[], None, None, resolver))
                    }
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
    let anchor_label = resolver
        .word("heading.anchor")
        .unwrap_or("Link to this section");
    name_headings(pending, &mut events, &mut out, anchor_label);
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

#[cfg(test)]
mod tests {
    use crate::markdown::tests::render_;

    #[test]
    fn wiki_syntax_in_code_is_left_alone() {
        let r = render_("`[[A.9.9]]`\n\n```text\n[[A.9.9]] {{ x }}\n```\n");
        assert!(r.problems.is_empty());
        assert!(r.html.contains("{{ x }}"));
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
