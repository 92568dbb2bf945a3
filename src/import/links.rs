//! Where each page was published in its old site, and how a link from one file of the new book
//! reaches another: the two are needed together to rewrite a site's links into relative paths
//! that survive the move.

use std::collections::BTreeMap;
use std::path::Path;

use super::source::{Site, Style, Val};
use crate::load::is_markdown;

/// The URL folder a page is published at, for resolving relative links in its body.
pub(super) fn page_url(rel: &str, style: Style) -> String {
    let no_ext = rel.rsplit_once('.').map_or(rel, |x| x.0);
    let (dir, stem) = no_ext.rsplit_once('/').unwrap_or(("", no_ext));
    let index = matches!(
        stem.to_ascii_lowercase().as_str(),
        "_index" | "index" | "readme"
    );
    let prefix = if style == Style::Docusaurus {
        "/docs"
    } else {
        ""
    };
    match style {
        Style::Hugo | Style::MkDocs | Style::Docusaurus if !index => format!("{prefix}/{no_ext}/"),
        _ if dir.is_empty() => format!("{prefix}/"),
        _ => format!("{prefix}/{dir}/"),
    }
}

/// A lookup key for a site path: no slashes around it, no `.html`/`.md`, no `/index`, lower case.
fn url_key(path: &str) -> String {
    let p = path.trim_matches('/');
    let p = p
        .strip_suffix(".html")
        .or_else(|| p.strip_suffix(".md"))
        .or_else(|| p.strip_suffix(".markdown"))
        .unwrap_or(p);
    let p = if p == "index" || p == "_index" || p.eq_ignore_ascii_case("readme") {
        ""
    } else {
        p.strip_suffix("/index")
            .or_else(|| p.strip_suffix("/_index"))
            .or_else(|| p.strip_suffix("/README"))
            .unwrap_or(p)
    };
    p.to_lowercase()
}

/// Every site path a page could be linked by in its old site.
pub(super) fn url_keys(rel: &str, fields: &[(String, Val)], style: Style) -> Vec<String> {
    let mut keys = vec![url_key(rel)];
    let dir = rel.rsplit_once('/').map_or("", |x| x.0);
    let hugo_like = rel.to_lowercase().replace(' ', "-");
    keys.push(url_key(&hugo_like));
    if style == Style::Docusaurus {
        keys.push(url_key(&format!("docs/{rel}")));
    }
    let get = |k: &str| {
        fields
            .iter()
            .find(|(f, _)| f == k)
            .and_then(|(_, v)| v.text())
    };
    for k in ["url", "permalink"] {
        if let Some(u) = get(k) {
            keys.push(url_key(&u));
        }
    }
    if let Some(s) = get("slug") {
        if let Some(abs) = s.strip_prefix('/') {
            keys.push(url_key(abs));
            keys.push(url_key(&format!("docs/{abs}")));
        } else {
            keys.push(url_key(&format!("{dir}/{s}")));
            keys.push(url_key(&format!("docs/{dir}/{s}")));
        }
    }
    for k in ["aliases", "redirect_from"] {
        if let Some((_, v)) = fields.iter().find(|(f, _)| f == k) {
            keys.extend(v.texts().iter().map(|a| url_key(a)));
        }
    }
    keys.sort();
    keys.dedup();
    keys
}

/// `path#anchor` -> (`path`, `#anchor`); a query is dropped with the path.
pub(super) fn split_anchor(url: &str) -> (&str, &str) {
    let (path, anchor) = match url.find('#') {
        Some(i) => (&url[..i], &url[i..]),
        None => (url, ""),
    };
    let path = path.split('?').next().unwrap_or(path);
    (path, anchor)
}

pub(super) fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// Resolves `.` and `..` in a `/`-separated path; `None` when it leaves the root.
pub(super) fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// A relative link from folder `from_dir` to file `to` (both relative to the content folder).
pub(super) fn relative(from_dir: &str, to: &str) -> String {
    let from: Vec<&str> = from_dir.split('/').filter(|p| !p.is_empty()).collect();
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = "../".repeat(from.len() - common);
    out.push_str(&to_parts[common.min(to_parts.len())..].join("/"));
    out
}

/// Finds the page a site URL (or a path relative to a page's URL) names.
pub(super) fn lookup(urls: &BTreeMap<String, usize>, url: &str, site: &Site) -> Option<usize> {
    let mut candidates = vec![url.to_string()];
    for base in &site.bases {
        if let Some(rest) = url.strip_prefix(base.as_str()) {
            candidates.push(rest.to_string());
        }
    }
    candidates
        .iter()
        .filter_map(|c| normalize(c))
        .map(|c| url_key(&c))
        .find_map(|k| urls.get(&k).copied())
}

/// Hugo's `ref` argument: a path from the content folder, from the page's folder, or a file
/// name found once in the set.
pub(super) fn resolve_ref(
    path: &str,
    rel_dir: &str,
    _outs: &[String],
    all: &[String],
) -> Option<String> {
    let path = path.trim();
    if path.is_empty() {
        return None;
    }
    let bases: Vec<String> = if let Some(abs) = path.strip_prefix('/') {
        vec![abs.to_string()]
    } else {
        vec![join(rel_dir, path), path.to_string()]
    };
    for b in &bases {
        let Some(b) = normalize(b) else { continue };
        let b = b.trim_end_matches('/').to_string();
        for cand in [
            b.clone(),
            format!("{b}.md"),
            join(&b, "_index.md"),
            join(&b, "index.md"),
        ] {
            if all.contains(&cand) {
                return Some(cand);
            }
        }
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    let name_md = if is_markdown(Path::new(name)) {
        name.to_string()
    } else {
        format!("{name}.md")
    };
    let found: Vec<&String> = all
        .iter()
        .filter(|o| o.rsplit('/').next() == Some(name_md.as_str()))
        .collect();
    (found.len() == 1).then(|| found[0].clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links_between_files() {
        assert_eq!(relative("a/b", "a/c/d.md"), "../c/d.md");
        assert_eq!(relative("", "x.md"), "x.md");
        assert_eq!(relative("a", "a/x.md"), "x.md");
        assert_eq!(relative("a/b", "x.md"), "../../x.md");
    }

    #[test]
    fn paths_normalize() {
        assert_eq!(normalize("a/./b/../c").as_deref(), Some("a/c"));
        assert_eq!(normalize("../x"), None);
    }
}
