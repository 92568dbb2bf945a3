//! Headings: their ids (explicit `{#id}`s first, then GitHub-style slugs of their text, never
//! one id twice) and their HTML with its anchor link. Kept apart because ids are a contract:
//! links from other documents and other tools' books rely on the same rule.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::Event;

use crate::highlight::escape_html;
use crate::paths::nfc;

use super::{Heading, LinkProblem, Problem, Rendered};

/// A heading waiting for its id until every explicit `{#id}` of the body is known.
pub(super) struct PendingHeading {
    /// Where its HTML goes in the events.
    pub(super) event: usize,
    pub(super) level: u8,
    pub(super) explicit: Option<String>,
    pub(super) classes: Vec<String>,
    pub(super) text: String,
    pub(super) inner_html: String,
    pub(super) range: Range<usize>,
}

/// A heading class kept on the page: ASCII letters, digits, `-` and `_`.
pub(super) fn safe_class(class: &str) -> bool {
    !class.is_empty()
        && class
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Gives every heading its id: explicit `{#id}`s first (a repeated one is a problem and gets
/// a counter), then slugs of the others' text, skipping every id already taken.
pub(super) fn name_headings(
    pending: Vec<PendingHeading>,
    events: &mut [Event],
    out: &mut Rendered,
    anchor_label: &str,
) {
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
            "<h{n} id=\"{id}\"{class}>{inner} <a class=\"anchor\" href=\"#{id}\" aria-label=\"{label}\">#</a></h{n}>\n",
            id = escape_html(&id),
            inner = h.inner_html,
            label = escape_html(anchor_label),
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

pub(super) fn plain_text(events: &[Event]) -> String {
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
    use crate::markdown::tests::render_;

    #[test]
    fn headings_get_unique_ids_and_anchors_are_checked() {
        let r = render_("## 1. Scope\n\n## Scope\n\n## Scope\n\n[x](#1-scope) [y](#nope)\n");
        let ids: Vec<&str> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["1-scope", "scope", "scope-1"]);
        assert_eq!(r.problems.len(), 1);
        assert_eq!(r.problems[0].problem, Problem::MissingAnchor("nope".into()));
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
}
