//! Who must read what: each document's `audience:` resolved against book.toml's `[audiences]`,
//! and each audience's reading list.

use super::*;

/// `all`: an audience whose documents every other audience reads too.
pub(crate) const ALL: &str = "all";

impl Model {
    /// Per declared audience (in the order of `[audiences]`, by id), the approved documents
    /// its readers must read, in reading order: policies, then standards, procedures and the
    /// rest, each by id. Documents for `all` are on every list. An undeclared audience is an
    /// `unknown-audience` error at its place.
    pub(super) fn link_audiences(&self) -> (Vec<Vec<usize>>, Vec<Diagnostic>) {
        let declared: Vec<&str> = (self.settings.audiences().into_iter())
            .map(|a| a.0)
            .collect();
        let mut lists = vec![Vec::new(); declared.len()];
        let mut found = Vec::new();
        let all = declared.iter().position(|a| *a == ALL);
        for (i, node) in self.documents.iter().enumerate() {
            for r in &node.doc.audience {
                match declared.iter().position(|a| *a == r.target) {
                    Some(a) => {
                        if node.doc.status == Status::Approved {
                            lists[a].push(i);
                        }
                    }
                    None => found.push(unknown_audience(&declared, r)),
                }
            }
        }
        if let Some(all) = all {
            let everyone = lists[all].clone();
            for (a, list) in lists.iter_mut().enumerate() {
                if a != all {
                    list.extend(&everyone);
                }
            }
        }
        for list in &mut lists {
            let order = |i: usize| {
                let d = &self.documents[i].doc;
                (d.kind.map_or(usize::MAX, |k| k as usize), d.id.as_str())
            };
            list.sort_by(|&a, &b| order(a).cmp(&order(b)));
            list.dedup();
        }
        (lists, found)
    }
}

fn unknown_audience(declared: &[&str], r: &Ref) -> Diagnostic {
    let hint = if declared.is_empty() {
        format!(
            "declare who reads what in book.toml, e.g. `[audiences]` with `{} = \"...\"`",
            r.target
        )
    } else {
        match did_you_mean(&r.target, declared.iter().copied()) {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!(
                "the book's audiences are {}; add `{}` under `[audiences]` in book.toml",
                declared
                    .iter()
                    .map(|a| format!("`{a}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                r.target
            ),
        }
    };
    Diagnostic::error(
        Code::UnknownAudience,
        format!("`{}` is not one of the book's audiences", r.target),
    )
    .at(r.span.clone())
    .hint(hint)
}
