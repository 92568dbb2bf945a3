//! Redirect pages: the old paths of moved pages (documents' `aliases`, `[output.html.redirect]`
//! of book.toml), and whether each path is free. One list, so that what `render` writes and
//! what `check` reports as a collision follow the same rule.

use std::collections::HashMap;

use crate::diagnostic::Span;
use crate::paths;

use super::Model;

/// Where a redirect is asked for.
pub enum Origin<'a> {
    /// A key of `[output.html.redirect]`, as written.
    Config(&'a str),
    /// An alias in the front matter of a document.
    Alias { span: &'a Span },
}

/// One redirect page of the site.
pub struct Redirect<'a> {
    /// Its site file (unencoded).
    pub path: String,
    /// Where it sends the reader (relative to it, or a web address); `None` when book.toml
    /// gives a target that is not safe (config reports it).
    pub to: Option<String>,
    pub origin: Origin<'a>,
    /// Who asks for it, for people: "an alias of `POL-1`".
    pub what: String,
    /// What already holds `path` (a page, a file, policybook's own page or an earlier
    /// redirect), for people; such a redirect is not written.
    pub taken_by: Option<String>,
}

impl Model {
    /// Every redirect asked for, book.toml's first, then documents' aliases in document order;
    /// one whose path is not inside the site is left out (config and the front matter report
    /// it).
    pub fn redirects(&self) -> Vec<Redirect<'_>> {
        let mut taken: HashMap<String, String> = self
            .documents
            .iter()
            .map(|n| (n.page.to_lowercase(), format!("the page of `{}`", n.doc.id)))
            .chain(self.assets.iter().map(|a| {
                let path = paths::asset_file(&a.rel);
                (path.to_lowercase(), format!("the file {path}"))
            }))
            .collect();
        let configured = self
            .settings
            .config
            .output
            .html
            .redirect
            .iter()
            .map(|(from, to)| {
                let to = paths::is_safe_redirect(to).then(|| to.clone());
                (
                    from.as_str(),
                    Origin::Config(from),
                    "a redirect of book.toml".to_string(),
                    to,
                )
            });
        let aliases = self.documents.iter().flat_map(|n| {
            n.doc.aliases.iter().map(move |a| {
                (
                    a.target.as_str(),
                    Origin::Alias { span: &a.span },
                    format!("an alias of `{}`", n.doc.id),
                    paths::redirect_file(&a.target).map(|path| paths::href(&path, &n.page)),
                )
            })
        });
        let mut out = Vec::new();
        for (from, origin, what, to) in configured.chain(aliases) {
            let Some(path) = paths::redirect_file(from) else {
                continue;
            };
            let taken_by = if paths::is_generated(&path) {
                Some(format!("policybook's own {path}"))
            } else {
                taken.get(&path.to_lowercase()).cloned()
            };
            if taken_by.is_none() {
                taken.insert(path.to_lowercase(), what.clone());
            }
            out.push(Redirect {
                path,
                to,
                origin,
                what,
                taken_by,
            });
        }
        out
    }
}
