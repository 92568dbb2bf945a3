//! Where each page lives in the site, as relative URLs.
//!
//! Every link in the site is relative (`root` + path), so the site works from any web server,
//! under any sub-path, and from `file://`. Paths are percent-encoded once, here, so that file
//! names with spaces, `#`, `?` or `%` still link correctly.
//!
//! Site paths are in Unicode Normalization Form C (NFC), whatever form the file names of the
//! book are written in (macOS writes `é` as `e` and a combining accent, NFD): one page has one
//! URL. Names that Windows cannot hold are refused by [`unportable_name`].

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use unicode_normalization::UnicodeNormalization;

/// Everything but unreserved characters and `/` is encoded, so a path is also safe in HTML.
const PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

/// Documents and the files beside them live under this folder, apart from generated pages.
pub(crate) const DOCS_DIR: &str = "docs";

pub(crate) fn encode(path: &str) -> String {
    utf8_percent_encode(path, PATH).to_string()
}

/// Site path (unencoded, NFC) of a document's page: `docs/policies/access-control.html`.
pub(crate) fn document_file(rel: &Path) -> String {
    let rel = rel.with_extension("html");
    format!("{DOCS_DIR}/{}", nfc(&slash(&rel)))
}

/// Site path (unencoded, NFC) of a content asset: `docs/policies/diagram.png`.
pub(crate) fn asset_file(rel: &Path) -> String {
    format!("{DOCS_DIR}/{}", nfc(&slash(rel)))
}

/// `text` in Unicode Normalization Form C, borrowed when it already is (ASCII always is).
pub(crate) fn nfc(text: &str) -> Cow<'_, str> {
    if text.is_ascii() || unicode_normalization::is_nfc(text) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.nfc().collect())
    }
}

/// A path relative to the content folder in NFC, as documents and assets are looked up by
/// links: a link written `café.md` reaches a file whose name macOS wrote decomposed.
pub(crate) fn nfc_path(rel: &Path) -> PathBuf {
    match rel.to_str() {
        Some(text) => match nfc(text) {
            Cow::Borrowed(_) => rel.to_path_buf(),
            Cow::Owned(n) => PathBuf::from(n),
        },
        None => rel.to_path_buf(),
    }
}

/// Why Windows cannot hold `name` (one file or folder name) in its file system, or `None`
/// when it can. A site or bundle holding such a name cannot be copied or unzipped there, so
/// policybook refuses these names rather than renaming them behind the author's back:
///
/// - the device names `CON`, `PRN`, `AUX`, `NUL`, `COM1` to `COM9`, `LPT1` to `LPT9` (also
///   with the superscript digits `¹`, `²` and `³`), `CONIN$` and `CONOUT$`, in any case and
///   with any extension (`con.md`, `Aux.policy.md`, `nul.png`);
/// - a name that ends in a dot or a space (Windows drops them, so `a.` becomes `a`);
/// - a name holding `<`, `>`, `:`, `"`, `|`, `?`, `*`, `\` or a control character.
pub(crate) fn unportable_name(name: &str) -> Option<&'static str> {
    if let Some(c) = name
        .chars()
        .find(|&c| c.is_control() || matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*' | '\\'))
    {
        return Some(if c.is_control() {
            "it holds a control character, which Windows forbids in file names"
        } else {
            "it holds one of `< > : \" | ? * \\`, which Windows forbids in file names"
        });
    }
    if name.ends_with(['.', ' ']) && name != "." && name != ".." {
        return Some("it ends in a dot or a space, which Windows drops from file names");
    }
    // Windows reads `con.md` and `con .tar.gz` as the device `CON`.
    let base = name
        .split('.')
        .next()
        .unwrap_or_default()
        .trim_end_matches(' ');
    let upper = base.to_ascii_uppercase();
    let device = match upper.as_str() {
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$" => true,
        _ => {
            let mut chars = upper.chars();
            let prefix: String = chars.by_ref().take(3).collect();
            let digit = chars.next();
            (prefix == "COM" || prefix == "LPT")
                && matches!(digit, Some('1'..='9' | '\u{b9}' | '\u{b2}' | '\u{b3}'))
                && chars.next().is_none()
        }
    };
    device.then_some(
        "it is the name of a Windows device, which Windows does not allow as a file name",
    )
}

/// The first file or folder name of `path` (`/`-separated) that Windows cannot hold, and why
/// (see [`unportable_name`]).
pub(crate) fn unportable_path(path: &str) -> Option<(&str, &'static str)> {
    path.split('/')
        .filter(|p| !p.is_empty())
        .find_map(|p| unportable_name(p).map(|why| (p, why)))
}

pub(crate) fn clause_file(id: &str) -> String {
    format!("clauses/{id}.html")
}

pub(crate) fn control_file(id: &str) -> String {
    format!("controls/{id}.html")
}

/// The page of a risk of the register: `risks/R-002.html`.
pub(crate) fn risk_file(id: &str) -> String {
    format!("risks/{id}.html")
}

/// The reading list of an audience of `[audiences]`.
pub(crate) fn audience_file(id: &str) -> String {
    format!("audiences/{id}.html")
}

/// `../` once per folder level of `file`, so that `root + path` reaches any page from it.
pub(crate) fn root_of(file: &str) -> String {
    "../".repeat(file.matches('/').count())
}

/// Stands for "the way back to the site root" in rendered document bodies. A body appears on
/// its own page and in `print.html` at different depths; [`rebase`] fills in the real prefix.
pub(crate) const ROOT_TOKEN: &str = "@@root@@/";

/// An href to site path `to` from wherever the HTML ends up (see [`ROOT_TOKEN`]).
pub(crate) fn site_href(to: &str) -> String {
    format!("{ROOT_TOKEN}{}", encode(to))
}

/// Replaces [`ROOT_TOKEN`] at the start of `href` and `src` attributes with `root`.
pub(crate) fn rebase(html: &str, root: &str) -> String {
    // One pass over the body: it is rebased for every page that shows it.
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(ROOT_TOKEN) {
        let (before, after) = rest.split_at(at);
        out.push_str(before);
        if before.ends_with("href=\"") || before.ends_with("src=\"") {
            out.push_str(root);
        } else {
            out.push_str(ROOT_TOKEN);
        }
        rest = &after[ROOT_TOKEN.len()..];
    }
    out.push_str(rest);
    out
}

/// The href from page `from` to page `to` (both unencoded site paths).
pub(crate) fn href(from: &str, to: &str) -> String {
    format!("{}{}", root_of(from), encode(to))
}

/// The site file of a redirect from `old` (an old page's path from the site root, as mdBook's
/// `[output.html.redirect]` and Hugo's `aliases` write it): `/a/b.html` -> `a/b.html`,
/// `/a/b/` or `/a/b` -> `a/b/index.html`, in NFC. `None` for a path that is not inside the
/// site, or that Windows cannot hold ([`unportable_redirect`] says why).
pub(crate) fn redirect_file(old: &str) -> Option<String> {
    redirect_path(old).filter(|path| unportable_path(path).is_none())
}

/// The name that makes a redirect from `old` unportable, and why: see [`unportable_name`].
pub(crate) fn unportable_redirect(old: &str) -> Option<(String, &'static str)> {
    let path = redirect_path(old)?;
    unportable_path(&path).map(|(name, why)| (name.to_string(), why))
}

fn redirect_path(old: &str) -> Option<String> {
    let trimmed = old.trim();
    if trimmed.contains(['#', '?', '\\', '"', '<', '>']) || trimmed.chars().any(char::is_control) {
        return None;
    }
    let parts: Vec<&str> = trimmed.split('/').filter(|p| !p.is_empty()).collect();
    if parts.is_empty()
        || parts
            .iter()
            .any(|p| *p == "." || *p == ".." || p.ends_with(['.', ' ']))
    {
        return None;
    }
    let path = nfc(&parts.join("/")).into_owned();
    let is_page = parts
        .last()
        .is_some_and(|l| l.ends_with(".html") || l.ends_with(".htm"));
    Some(if is_page && !trimmed.ends_with('/') {
        path
    } else {
        format!("{path}/index.html")
    })
}

/// Whether a redirect may send a reader to `to`: a page of the site (a relative path) or a
/// web address, never a script.
pub(crate) fn is_safe_redirect(to: &str) -> bool {
    if to.is_empty()
        || to.contains(['"', '<', '>', '\\'])
        || to.chars().any(|c| c.is_control() || c.is_whitespace())
    {
        return false;
    }
    let lower = to.to_ascii_lowercase();
    match lower.find(':') {
        Some(colon) if !lower[..colon].contains(['/', '?', '#']) => {
            lower.starts_with("http://") || lower.starts_with("https://")
        }
        _ => true,
    }
}

/// Paths the site's own pages and files use: a redirect must not take their place.
pub(crate) fn is_generated(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let first = lower.split('/').next().unwrap_or_default();
    let own_folders = [
        "clauses",
        "controls",
        "traceability",
        "frameworks",
        "static",
        "exports",
    ];
    let own_files = [
        "index.html",
        "documents.html",
        "clauses.html",
        "controls.html",
        "traceability.html",
        "soa.html",
        "gaps.html",
        "reviews.html",
        "frameworks.html",
        "search-index.js",
        "reviews.ics",
    ];
    (lower.contains('/') && own_folders.contains(&first))
        || own_files.contains(&lower.as_str())
        || (!lower.contains('/') && lower.starts_with("print"))
}

/// The `/`-separated form of a relative path, on every platform.
pub(crate) fn slash(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_stay_inside_the_site() {
        assert_eq!(
            redirect_file("/format/config.html").as_deref(),
            Some("format/config.html")
        );
        assert_eq!(
            redirect_file("old/policy/").as_deref(),
            Some("old/policy/index.html")
        );
        assert_eq!(redirect_file("/old").as_deref(), Some("old/index.html"));
        for bad in [
            "",
            "/",
            "../x.html",
            "a/../../x.html",
            "a/./b.html",
            "x.html#f",
            "con. /x",
        ] {
            assert_eq!(redirect_file(bad), None, "{bad}");
        }
        assert!(is_safe_redirect("../configuration/index.html"));
        assert!(is_safe_redirect("https://example.org/x"));
        for bad in [
            "javascript:alert(1)",
            "JaVaScript:x",
            "data:text/html,x",
            "a\"b",
            "x y",
        ] {
            assert!(!is_safe_redirect(bad), "{bad}");
        }
        assert!(is_generated("index.html") && is_generated("controls/A.5.1.html"));
        assert!(is_generated("frameworks/soc2/CC6.1.html") && is_generated("frameworks.html"));
        assert!(!is_generated("docs/policies/old.html") && !is_generated("old-page.html"));
    }

    #[test]
    fn pages_link_relatively_and_encode_odd_names() {
        let from = document_file(Path::new("policies/a b#1.md"));
        assert_eq!(from, "docs/policies/a b#1.html");
        assert_eq!(
            href(&from, &control_file("A.5.15")),
            "../../controls/A.5.15.html"
        );
        assert_eq!(href("index.html", &from), "docs/policies/a%20b%231.html");
        assert_eq!(encode("x\"<y>&'"), "x%22%3Cy%3E%26%27");
        let html = format!(
            "<a href=\"{}\">x</a> @@root@@/ <img src=\"{}\">",
            site_href("a b.html"),
            site_href("i.png")
        );
        assert_eq!(
            rebase(&html, "../"),
            "<a href=\"../a%20b.html\">x</a> @@root@@/ <img src=\"../i.png\">"
        );
    }

    #[test]
    fn names_windows_cannot_hold_are_found() {
        for bad in [
            "CON.md",
            "con",
            "Aux.policy.md",
            "nul.png",
            "NUL",
            "prn.txt",
            "com1.md",
            "LPT9",
            "COM\u{b9}.md",
            "lpt\u{b3}",
            "CONIN$.md",
            "con .md",
            "trailing.",
            "trailing ",
            "a:b.md",
            "what?.md",
            "a*b",
            "a|b",
            "<x>",
            "quote\".md",
            "back\\slash.md",
            "tab\t.md",
        ] {
            assert!(unportable_name(bad).is_some(), "{bad}");
        }
        for good in [
            "console.md",
            "contact.md",
            "auxiliary.png",
            "null.md",
            "com.md",
            "com10.md",
            "lpt0.md",
            "COM\u{2074}.md",
            "trailing-dot..md",
            "a b.md",
            "caf\u{e9}.md",
            "#1%.md",
            "index.html",
        ] {
            assert_eq!(unportable_name(good), None, "{good}");
        }
        assert_eq!(
            unportable_path("policies/nul/a.md").map(|(n, _)| n),
            Some("nul")
        );
        assert_eq!(unportable_path("policies/a.md"), None);
        assert_eq!(redirect_file("/old/con.html"), None);
        assert_eq!(redirect_file("/aux/"), None);
        assert_eq!(
            unportable_redirect("/aux/").map(|(n, _)| n).as_deref(),
            Some("aux")
        );
        assert_eq!(unportable_redirect("/old/x.html"), None);
    }

    #[test]
    fn site_paths_are_nfc() {
        let nfd = document_file(Path::new("caf\u{65}\u{301}/r\u{e9}sum\u{65}\u{301}.md"));
        assert_eq!(nfd, "docs/caf\u{e9}/r\u{e9}sum\u{e9}.html");
        assert_eq!(
            nfd,
            document_file(Path::new("caf\u{e9}/r\u{e9}sum\u{e9}.md"))
        );
        assert_eq!(asset_file(Path::new("e\u{301}.png")), "docs/\u{e9}.png");
        assert_eq!(
            redirect_file("/old/e\u{301}.html").as_deref(),
            Some("old/\u{e9}.html")
        );
        assert_eq!(
            nfc_path(Path::new("a/e\u{301}.md")),
            PathBuf::from("a/\u{e9}.md")
        );
        assert!(matches!(nfc("plain"), Cow::Borrowed(_)));
    }
}
