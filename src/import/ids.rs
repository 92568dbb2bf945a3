//! Ids are unique across the new book, so they are given only once every page is derived: the
//! source's own ids first, then path slugs, in sorted path order so the same source always gets
//! the same ids.

use std::collections::BTreeSet;

use super::fields::Derived;
use crate::catalog::Catalog;

/// ASCII-folded, lower-case, `-`-separated slug of a text.
fn slug(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::new();
    for c in text.nfkd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        let folded: &str = match c {
            'ß' => "ss",
            'æ' | 'Æ' => "ae",
            'ø' | 'Ø' => "o",
            'œ' | 'Œ' => "oe",
            'ł' | 'Ł' => "l",
            'đ' | 'Đ' => "d",
            'þ' | 'Þ' => "th",
            _ => "",
        };
        if !folded.is_empty() {
            out.push_str(folded);
        } else if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// The slug of a page's path: folders and file name, `_index`/`index`/`README` as their folder.
fn path_slug(rel: &str) -> String {
    let no_ext = rel.rsplit_once('.').map_or(rel, |x| x.0);
    let mut parts: Vec<&str> = no_ext.split('/').collect();
    if !parts.is_empty()
        && matches!(
            parts[parts.len() - 1].to_ascii_lowercase().as_str(),
            "_index" | "index" | "readme"
        )
    {
        parts.pop();
        if parts.is_empty() {
            return "index".into();
        }
    }
    let s = slug(&parts.join(" "));
    if s.is_empty() {
        "page".into()
    } else {
        s
    }
}

/// Gives every page its final id: valid source ids first, then path slugs, unique ignoring case.
pub(super) fn assign_ids<'a>(pages: impl Iterator<Item = &'a mut Derived>, catalog: &Catalog) {
    let mut pages: Vec<&mut Derived> = pages.collect();
    let mut taken: BTreeSet<String> = BTreeSet::new();
    for p in pages.iter_mut() {
        if let Some(id) = p.source_id.clone() {
            if taken.insert(id.to_lowercase()) {
                p.id = id;
                p.id_from = "the source's `id`".into();
            } else {
                p.report.warnings.push(format!(
                    "the source's id `{id}` is used by an earlier page; the path's slug is used"
                ));
            }
        }
    }
    for p in pages.iter_mut().filter(|p| p.id.is_empty()) {
        let mut base = path_slug(&p.rel);
        if catalog.clause(&base).is_some()
            || catalog.control(&base).is_some()
            || !crate::document::is_valid_id(&base)
        {
            base = format!("doc-{base}");
        }
        let mut id = base.clone();
        let mut n = 2;
        while !taken.insert(id.to_lowercase()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        p.id_from = if id == base {
            "the path".into()
        } else {
            format!("the path, with `-{}` to make it unique", n - 1)
        };
        p.id = id;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_fold_and_join() {
        assert_eq!(
            path_slug("Politiques/Sécurité Générale.md"),
            "politiques-securite-generale"
        );
        assert_eq!(path_slug("policies/_index.md"), "policies");
        assert_eq!(path_slug("_index.md"), "index");
        assert_eq!(path_slug("Straße.md"), "strasse");
    }
}
