//! Links and images: what a destination is (external, unsafe or relative) and what a
//! `[[name]]` or a relative path resolves to through the book. Kept apart from the pass
//! because which schemes are safe and how a broken link is marked are rules of their own.

use std::borrow::Cow;
use std::ops::Range;

use pulldown_cmark::LinkType;

use crate::paths::nfc;

use super::{
    AnchorRef, LinkProblem, PathLink, Problem, Rendered, Resolve, Target, PROBLEM_HREF,
    REDACTED_HREF,
};

/// Resolves one link; `None` drops the link (its text stays).
pub(super) fn resolve_link(
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
            Some(r) if r.href == REDACTED_HREF => Some((r.href, None)),
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
                if resolver.redacted(None, &f) {
                    return Some((REDACTED_HREF.into(), None));
                }
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
                        Some(f) if resolver.redacted(Some(doc), &f) => REDACTED_HREF.into(),
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
                PathLink::Redacted => return Some((REDACTED_HREF.into(), None)),
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

pub(super) fn resolve_image(
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
                PathLink::Document(..)
                | PathLink::Redacted
                | PathLink::Missing
                | PathLink::FolderWithoutIndex => Problem::MissingFile(decoded.into_owned()),
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

#[cfg(test)]
mod tests {
    use crate::markdown::tests::render_;
    use crate::markdown::{Problem, Target};

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
}
