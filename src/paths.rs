//! Where each page lives in the site, as relative URLs.
//!
//! Every link in the site is relative (`root` + path), so the site works from any web server,
//! under any sub-path, and from `file://`. Paths are percent-encoded once, here, so that file
//! names with spaces, `#`, `?` or `%` still link correctly.

use std::path::Path;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Everything but unreserved characters and `/` is encoded, so a path is also safe in HTML.
const PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

/// Documents and the files beside them live under this folder, apart from generated pages.
pub const DOCS_DIR: &str = "docs";

pub fn encode(path: &str) -> String {
    utf8_percent_encode(path, PATH).to_string()
}

/// Site path (unencoded) of a document's page: `docs/policies/access-control.html`.
pub fn document_file(rel: &Path) -> String {
    let rel = rel.with_extension("html");
    format!("{DOCS_DIR}/{}", slash(&rel))
}

/// Site path (unencoded) of a content asset: `docs/policies/diagram.png`.
pub fn asset_file(rel: &Path) -> String {
    format!("{DOCS_DIR}/{}", slash(rel))
}

pub fn clause_file(id: &str) -> String {
    format!("clauses/{id}.html")
}

pub fn control_file(id: &str) -> String {
    format!("controls/{id}.html")
}

/// `../` once per folder level of `file`, so that `root + path` reaches any page from it.
pub fn root_of(file: &str) -> String {
    "../".repeat(file.matches('/').count())
}

/// Stands for "the way back to the site root" in rendered document bodies. A body appears on
/// its own page and in `print.html` at different depths; [`rebase`] fills in the real prefix.
pub const ROOT_TOKEN: &str = "@@root@@/";

/// An href to site path `to` from wherever the HTML ends up (see [`ROOT_TOKEN`]).
pub fn site_href(to: &str) -> String {
    format!("{ROOT_TOKEN}{}", encode(to))
}

/// Replaces [`ROOT_TOKEN`] at the start of `href` and `src` attributes with `root`.
pub fn rebase(html: &str, root: &str) -> String {
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
pub fn href(from: &str, to: &str) -> String {
    format!("{}{}", root_of(from), encode(to))
}

fn slash(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
