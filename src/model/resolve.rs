//! Name and link resolution: what an id, a `[[name]]` or a path written in a document points
//! to, before the model exists (front matter) and after (bodies), with a did-you-mean when it
//! points nowhere.

use super::*;
use crate::catalog::crosswalk::{split_qualified, Iso27001_2013};
use crate::catalog::registry::{self, ISO27001_2022};
use crate::catalog::ControlLookup;

/// A document's front-matter references as indices, and what did not resolve.
pub(super) struct FrontMatterRefs {
    pub(super) clauses: Vec<usize>,
    pub(super) controls: Vec<usize>,
    pub(super) requirements: Vec<ReqRef>,
    pub(super) related: Vec<usize>,
    pub(super) diagnostics: Vec<Diagnostic>,
}

/// `clauses` and `controls` sorted by what they name: ISO/IEC 27001:2022 clauses and controls
/// (also written `iso27001-2022:...`), ISO/IEC 27001:2013 ids (for translation) and
/// requirements of other frameworks.
struct Sorted {
    clauses: Vec<Ref>,
    controls: Vec<Ref>,
    others: Vec<Ref>,
}

fn sort_refs(d: &Document) -> Sorted {
    let mut sorted = Sorted {
        clauses: Vec::new(),
        controls: Vec::new(),
        others: Vec::new(),
    };
    for (r, is_clause) in
        (d.clauses.iter().map(|r| (r, true))).chain(d.controls.iter().map(|r| (r, false)))
    {
        match split_qualified(&r.target).map(|(fw, id)| (fw.trim(), id.trim())) {
            Some((ISO27001_2022, id)) => {
                let unqualified = Ref {
                    target: id.to_string(),
                    span: r.span.clone(),
                };
                if is_clause {
                    sorted.clauses.push(unqualified);
                } else {
                    sorted.controls.push(unqualified);
                }
            }
            // A 2013 id is translated wherever it is written.
            Some((Iso27001_2013::ID, _)) => sorted.controls.push(r.clone()),
            Some(_) => sorted.others.push(r.clone()),
            None if is_clause => sorted.clauses.push(r.clone()),
            None => sorted.controls.push(r.clone()),
        }
    }
    sorted
}

/// Name lookups shared by front-matter and body resolution.
pub(super) struct Names<'a> {
    pub(super) catalog: &'a Catalog,
    pub(super) frameworks: &'a Frameworks,
    pub(super) by_id: &'a HashMap<String, usize>,
    pub(super) documents: &'a [Arc<Document>],
    pub(super) known_broken: &'a HashSet<&'a str>,
    /// Documents this build's profile leaves out: `related` may name them.
    pub(super) redacted: &'a crate::profile::Redacted,
    /// `allow-html` is set: raw HTML is sanitised, not shown as text.
    pub(super) allow_html: bool,
    /// Where the files whose front matter failed to parse are (relative to the content folder).
    pub(super) broken_paths: &'a HashSet<PathBuf>,
    /// For `[[R-099]]`: a name shaped like the register's risk ids is a missing risk.
    pub(super) registers: &'a crate::registers::Registers,
}

/// `duplicate-reference`: an entry of `clauses`, `controls` or `related` written a second time.
fn listed_twice(r: &Ref) -> Diagnostic {
    Diagnostic::warning(
        Code::DuplicateReference,
        format!("`{}` is listed twice", r.target),
    )
    .at(r.span.clone())
    .hint("remove the repeated entry")
}

impl Names<'_> {
    /// Resolves `clauses`, `controls` and `related`.
    pub(super) fn front_matter(&self, d: &Document) -> FrontMatterRefs {
        let mut diags = Vec::new();
        let mut lookup = |refs: &[Ref],
                          find: &dyn Fn(&str) -> Option<usize>,
                          on_miss: &dyn Fn(&Ref) -> Option<Diagnostic>| {
            let mut out: Vec<usize> = Vec::new();
            for r in refs {
                match find(&r.target) {
                    Some(i) if out.contains(&i) => diags.push(listed_twice(r)),
                    Some(i) => out.push(i),
                    None => diags.extend(on_miss(r)),
                }
            }
            out
        };
        let sorted = sort_refs(d);
        let clauses = lookup(&sorted.clauses, &|t| self.catalog.clause(t), &|r| {
            Some(
                Diagnostic::error(
                    Code::UnknownClause,
                    format!("`{}` is not an ISO/IEC 27001:2022 clause", r.target),
                )
                .at(r.span.clone())
                .hint(self.catalog.clause_hint(&r.target)),
            )
        });
        let related = lookup(&d.related, &|t| self.by_id.get(t).copied(), &|r| {
            if self.known_broken.contains(r.target.as_str())
                || self.redacted.ids.contains(&r.target)
            {
                return None;
            }
            Some(
                Diagnostic::error(
                    Code::UnknownDocument,
                    format!("no document has the id `{}`", r.target),
                )
                .at(r.span.clone())
                .hint(self.document_hint(&r.target)),
            )
        });
        let controls = self.controls(&sorted.controls, &mut diags);
        let mut requirements: Vec<ReqRef> = Vec::new();
        for r in &sorted.others {
            match self.frameworks.resolve(&r.target) {
                Ok(found) if requirements.contains(&found) => diags.push(listed_twice(r)),
                Ok(found) => requirements.push(found),
                Err(e) => diags.push(registry::unresolved(
                    self.frameworks,
                    &r.target,
                    e,
                    r.span.clone(),
                )),
            }
        }
        for (r, &j) in d.related.iter().zip(&related) {
            if self.documents[j].id == d.id {
                diags.push(
                    Diagnostic::warning(Code::SelfReference, "a document lists itself as related")
                        .at(r.span.clone())
                        .hint("remove it from `related`"),
                );
            }
        }
        FrontMatterRefs {
            clauses,
            controls,
            requirements,
            related,
            diagnostics: diags,
        }
    }

    /// Resolves `controls`: 2022 ids as written, ISO/IEC 27001:2013 ids through the
    /// correspondence where it names one 2022 control (with a warning). A control reached twice
    /// counts once: an entry written twice is a `duplicate-reference`, while a 2013 id whose 2022
    /// control the list also reaches otherwise says so in its own warning.
    fn controls(&self, refs: &[Ref], diags: &mut Vec<Diagnostic>) -> Vec<usize> {
        let catalog = self.catalog;
        let found: Vec<ControlLookup> = refs
            .iter()
            .map(|r| catalog.lookup_control(&r.target))
            .collect();
        let written: HashSet<usize> = (found.iter())
            .filter_map(|l| match l {
                ControlLookup::Found(i) => Some(*i),
                _ => None,
            })
            .collect();
        let mut out: Vec<usize> = Vec::new();
        for (k, (r, lookup)) in refs.iter().zip(&found).enumerate() {
            let resolves = matches!(
                lookup,
                ControlLookup::Found(_) | ControlLookup::Renumbered { .. }
            );
            if resolves && refs[..k].iter().any(|p| p.target == r.target) {
                diags.push(listed_twice(r));
                continue;
            }
            match lookup {
                ControlLookup::Found(i) => {
                    if !out.contains(i) {
                        out.push(*i);
                    }
                }
                ControlLookup::Renumbered {
                    old,
                    control,
                    merged,
                } => {
                    let label = catalog.control_label(*control);
                    let message = if *merged {
                        format!(
                            "`{old}` is an ISO/IEC 27001:2013 id: the 2022 edition merged it with \
                             other controls into {label}"
                        )
                    } else {
                        format!(
                            "`{old}` is the ISO/IEC 27001:2013 id of {label} in the 2022 edition"
                        )
                    };
                    let new = &catalog.controls[*control].id;
                    let hint = if written.contains(control) {
                        format!("remove it: the list has `{new}` too")
                    } else if out.contains(control) {
                        format!("remove it: an entry above stands for `{new}` already")
                    } else {
                        format!("write `{new}`")
                    };
                    diags.push(
                        Diagnostic::warning(Code::Control2013Id, message)
                            .at(r.span.clone())
                            .hint(hint),
                    );
                    if !out.contains(control) {
                        out.push(*control);
                    }
                }
                ControlLookup::Split {
                    old,
                    title,
                    candidates,
                } => {
                    diags.push(
                        Diagnostic::error(
                            Code::Control2013Ambiguous,
                            format!(
                                "`{old}` ({title}) is an ISO/IEC 27001:2013 id that corresponds \
                                 to several 2022 controls: {}",
                                catalog.control_labels(candidates)
                            ),
                        )
                        .at(r.span.clone())
                        .hint("write the one(s) this document implements"),
                    );
                }
                ControlLookup::Unknown2013(id) => diags.push(
                    Diagnostic::error(
                        Code::UnknownControl,
                        format!(
                            "`{}` is not an ISO/IEC 27001:2013 Annex A control",
                            r.target
                        ),
                    )
                    .at(r.span.clone())
                    .hint(catalog.control_2013_hint(id)),
                ),
                ControlLookup::Unknown => diags.push(
                    Diagnostic::error(
                        Code::UnknownControl,
                        format!(
                            "`{}` is not an ISO/IEC 27001:2022 Annex A control",
                            r.target
                        ),
                    )
                    .at(r.span.clone())
                    .hint(catalog.control_hint(&r.target)),
                ),
            }
        }
        out
    }

    fn document_hint(&self, wrong: &str) -> String {
        let key = id_key(wrong);
        if let Some(d) = self.documents.iter().find(|d| id_key(&d.id) == key) {
            return format!("did you mean `{}`? ids are case-sensitive", d.id);
        }
        match did_you_mean(wrong, self.documents.iter().map(|d| d.id.as_str())) {
            Some(best) => format!("did you mean `{best}`?"),
            None => "use the `id` from the other document's front matter".into(),
        }
    }

    /// The hint for a `[[name]]` that names nothing.
    fn name_hint(&self, name: &str) -> String {
        let mut chars = name.chars();
        let first = chars.next().unwrap_or(' ');
        let second = chars.next().unwrap_or(' ');
        if (first == 'A' || first == 'a') && (second == '.' || second.is_ascii_digit()) {
            self.catalog.control_hint(name)
        } else if first.is_ascii_digit() {
            self.catalog.clause_hint(name)
        } else {
            self.document_hint(name)
        }
    }

    /// The diagnostic for a relative link (written in folder `dir`) that leads to a file whose
    /// front matter has errors, directly or as a folder's index page: it exists, but is no
    /// document of the model, and saying it does not exist would mislead.
    fn broken_at(&self, dir: &Path, path: &str) -> Option<Diagnostic> {
        let target = link_target(dir, path)?;
        let message = if self.broken_paths.contains(target.as_path()) {
            format!(
                "`{path}` is a document whose front matter has errors (see its own diagnostics)"
            )
        } else {
            let index = FOLDER_INDEXES
                .iter()
                .map(|index| target.join(index))
                .find(|p| self.broken_paths.contains(p.as_path()))?;
            format!(
                "the folder `{path}` opens `{}`, a document whose front matter has errors (see its own diagnostics)",
                crate::diagnostic::display_path(&index)
            )
        };
        Some(
            Diagnostic::warning(Code::UnresolvedReference, message)
                .hint("fix that document's front matter first"),
        )
    }

    pub(super) fn link_problem(
        &self,
        d: &Document,
        problem: &Problem,
        range: std::ops::Range<usize>,
        by_path: &HashMap<PathBuf, usize>,
        body: &Rendered,
    ) -> Diagnostic {
        let span = body_span(d, range);
        match problem {
            Problem::UnknownName(name) => {
                if self.known_broken.contains(name.as_str()) {
                    return Diagnostic::warning(Code::UnresolvedReference, format!("`[[{name}]]` points at a document whose front matter has errors"))
                        .at(span)
                        .hint("fix that document's front matter first");
                }
                if split_qualified(name).is_some() {
                    return match self.frameworks.resolve(name) {
                        Err(e) => registry::unresolved(self.frameworks, name, e, span),
                        Ok(_) => Diagnostic::error(Code::UnknownReference, format!("`[[{name}]]` has no page of its own"))
                            .at(span)
                            .hint("link one of its controls, or the controls page"),
                    };
                }
                if self.registers.looks_like_risk(name) {
                    return super::risks::unknown_risk(self.registers, name, span);
                }
                Diagnostic::error(Code::UnknownReference, format!("`[[{name}]]` matches no document, clause or control"))
                    .at(span)
                    .hint(self.name_hint(name))
            }
            Problem::MissingFile(path) => {
                let dir = d.rel.parent().unwrap_or(Path::new(""));
                if let Some(broken) = self.broken_at(dir, path) {
                    return broken.at(span);
                }
                let wanted = Path::new(path).file_name();
                let hint = by_path
                    .keys()
                    .filter(|p| p.file_name() == wanted)
                    .min()
                    .map(|p| format!("did you mean `{}`?", relative_path(dir, p)))
                    .unwrap_or_else(|| "check the path: it is relative to this file's folder".into());
                Diagnostic::error(Code::BrokenLink, format!("the link target `{path}` does not exist"))
                    .at(span)
                    .hint(hint)
            }
            Problem::Outside(path) => Diagnostic::error(Code::LinkOutsideContent, format!("the link `{path}` points outside the content folder"))
                .at(span)
                .hint("link only to files inside the content folder; copy the file in if it belongs to the book"),
            Problem::MissingAnchor(anchor) => {
                let best = did_you_mean(anchor, body.headings.iter().map(|h| h.id.as_str()));
                Diagnostic::error(Code::BrokenAnchor, format!("this page has no heading with the anchor `#{anchor}`"))
                    .at(span)
                    .hint(match best {
                        Some(b) => format!("did you mean `#{b}`?"),
                        None => "anchors are heading texts in lowercase, with spaces as `-` and punctuation removed".into(),
                    })
            }
            Problem::FolderWithoutIndex(path) => {
                let dir = d.rel.parent().unwrap_or(Path::new(""));
                if let Some(broken) = self.broken_at(dir, path) {
                    return broken.at(span);
                }
                Diagnostic::error(Code::BrokenLink, format!("the folder `{path}` has no page to link to"))
                .at(span)
                .hint("a link to a folder opens its `_index.md`, `index.md` or `README.md` (the first there is); add one, or link to a file in the folder")
            }
            Problem::HeadingAttribute(attr) => {
                let shown: String = attr.chars().take(60).collect();
                Diagnostic::warning(Code::HeadingAttribute, format!("the heading attribute `{shown}` was dropped"))
                    .at(span)
                    .hint("headings keep only `{#id}` and `.class` names of letters, digits, `-` and `_`; remove the rest")
            }
            Problem::DuplicateHeadingId { id, instead } => Diagnostic::warning(Code::DuplicateHeadingId, format!("an earlier heading already has the id `{id}`; this one gets `{instead}`"))
                .at(span)
                .hint("give each heading an id of its own, so links to `#id` go where they mean to"),
            Problem::UnsafeUrl(url) => {
                let shown: String = url.chars().take(60).collect();
                Diagnostic::warning(Code::UnsafeLink, format!("the link `{shown}` could run code in a reader's browser and was removed"))
                    .at(span)
                    .hint("link to http:, https: or mailto: addresses, or to files of the book")
            }
            Problem::ScriptHtml(what) => {
                let fate = if self.allow_html {
                    "removed from the page (allow-html passes only harmless HTML)"
                } else {
                    "shown as text, never run"
                };
                Diagnostic::warning(Code::RawHtml, format!("raw HTML with {what}: {fate}"))
                    .at(span)
                    .hint("a policy page must not run code; write the content in Markdown, or link to the page that has it")
            }
            Problem::HtmlAsText => Diagnostic::note_level(Code::RawHtml, "raw HTML in this document is shown as text")
                .at(span)
                .hint("write it in Markdown, or set `allow-html = true` under [output.html] to pass harmless HTML through"),
        }
    }
}

/// Id, title and page of a document, for resolving `[[id]]` and path links.
pub(super) trait Named: Sync {
    fn named(&self, i: usize) -> (&str, &str, &str);
}

/// Documents as parsed, before the model exists.
pub(super) struct Parsed<'a> {
    pub(super) documents: &'a [Arc<Document>],
    pub(super) pages: &'a [String],
}

impl Named for Parsed<'_> {
    fn named(&self, i: usize) -> (&str, &str, &str) {
        let d = &self.documents[i];
        (&d.id, &d.title, &self.pages[i])
    }
}

impl Named for Vec<Node> {
    fn named(&self, i: usize) -> (&str, &str, &str) {
        let n = &self[i];
        (&n.doc.id, &n.doc.title, &n.page)
    }
}

/// Where a relative link's `path` (percent-decoded, no anchor) written in folder `dir` leads,
/// relative to the content folder; `None` when it climbs out of it.
pub(super) fn link_target(dir: &Path, path: &str) -> Option<PathBuf> {
    let mut parts: Vec<&str> = dir
        .components()
        .filter_map(|c| c.as_os_str().to_str())
        .collect();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    // Paths are looked up in NFC (see `paths::nfc_path`), however link and file were typed.
    Some(paths::nfc_path(&parts.iter().collect::<PathBuf>()))
}

/// The files a link to a folder opens, the first that exists.
pub(super) const FOLDER_INDEXES: [&str; 3] = ["_index.md", "index.md", "README.md"];

/// Resolves one document's body links.
pub(super) struct BodyResolver<'a> {
    pub(super) catalog: &'a Catalog,
    pub(super) frameworks: &'a Frameworks,
    pub(super) registers: &'a crate::registers::Registers,
    pub(super) by_id: &'a HashMap<String, usize>,
    pub(super) docs: &'a dyn Named,
    pub(super) dir: &'a Path,
    pub(super) by_path: &'a HashMap<PathBuf, usize>,
    /// Every non-Markdown file of the content folder: a link to any of them resolves.
    pub(super) assets: &'a HashSet<PathBuf>,
    /// The files of `assets` the body linked to, as the renderer asked.
    pub(super) linked: std::cell::RefCell<Vec<PathBuf>>,
    /// What this build's profile left out, and the id of the document being rendered.
    pub(super) redacted: &'a crate::profile::Redacted,
    pub(super) own_id: &'a str,
    /// The words the renderer writes itself, in the book's language.
    pub(super) strings: &'a crate::strings::Strings,
}

impl BodyResolver<'_> {
    /// The content files the body linked to, sorted, each once.
    pub(super) fn linked_assets(&self) -> Vec<PathBuf> {
        let mut linked = self.linked.take();
        linked.sort();
        linked.dedup();
        linked
    }
}

impl BodyResolver<'_> {
    /// `[[framework:id]]`: a requirement's page; ISO/IEC 27001:2022's own (`iso27001-2022:A.5.15`)
    /// are its clause and control pages.
    fn requirement(&self, name: &str) -> Option<Resolved> {
        let r = self.frameworks.resolve(name).ok()?;
        let requirement = self.frameworks.requirement(r);
        if r.framework == 0 {
            return match requirement.kind.as_str() {
                "clause" | "control" => self.wiki(&requirement.id),
                _ => None,
            };
        }
        let name = &self.frameworks.list[r.framework].name;
        Some(Resolved {
            target: Some(Target::Requirement {
                framework: r.framework,
                requirement: r.requirement,
            }),
            href: paths::site_href(&self.frameworks.page(r)),
            title: match &requirement.title {
                Some(title) => format!("{name} {} {title}", requirement.id),
                None => format!("{name} {}", requirement.id),
            },
        })
    }
}

impl Resolve for BodyResolver<'_> {
    fn wiki(&self, name: &str) -> Option<Resolved> {
        let catalog = self.catalog;
        if let Some(c) = catalog.control(name) {
            let control = &catalog.controls[c];
            return Some(Resolved {
                target: Some(Target::Control(c)),
                href: paths::site_href(&paths::control_file(&control.id)),
                title: format!("{} {}", control.id, control.title),
            });
        }
        if let Some(c) = catalog.clause(name) {
            let clause = &catalog.clauses[c];
            return Some(Resolved {
                target: Some(Target::Clause(c)),
                href: paths::site_href(&paths::clause_file(&clause.id)),
                title: format!("Clause {} {}", clause.id, clause.title),
            });
        }
        if let Some(found) = self.requirement(name) {
            return Some(found);
        }
        if let Some(k) = self.registers.risk(name) {
            let risk = &self.registers.risks[k];
            return Some(Resolved {
                target: Some(Target::Risk(k)),
                href: paths::site_href(&paths::risk_file(&risk.id)),
                title: format!("{} {}", risk.id, risk.title),
            });
        }
        let Some(&i) = self.by_id.get(name) else {
            return self.redacted.ids.contains(name).then(|| Resolved {
                target: None,
                href: crate::markdown::REDACTED_HREF.into(),
                title: String::new(),
            });
        };
        let (id, title, page) = self.docs.named(i);
        Some(Resolved {
            target: Some(Target::Document(i)),
            href: paths::site_href(page),
            title: format!("{id} {title}"),
        })
    }

    fn path(&self, path: &str) -> PathLink {
        let Some(target) = link_target(self.dir, path) else {
            return PathLink::Outside;
        };
        if let Some(&i) = self.by_path.get(&target) {
            return PathLink::Document(i, paths::site_href(self.docs.named(i).2));
        }
        if self.assets.contains(&target) {
            self.linked.borrow_mut().push(target.clone());
            return PathLink::Asset(paths::site_href(&paths::asset_file(&target)));
        }
        // A folder stands for its index page, as in Hugo and mdBook.
        for index in FOLDER_INDEXES {
            if let Some(&i) = self.by_path.get(&target.join(index)) {
                return PathLink::Document(i, paths::site_href(self.docs.named(i).2));
            }
        }
        let redacted = |p: &Path| self.redacted.paths.contains(p);
        if redacted(&target)
            || FOLDER_INDEXES
                .iter()
                .any(|index| redacted(&target.join(index)))
        {
            return PathLink::Redacted;
        }
        let named_folder = path.ends_with('/')
            || matches!(path.rsplit('/').next(), Some("." | ".." | ""))
            || self
                .by_path
                .keys()
                .chain(self.assets.iter())
                .any(|p| p.starts_with(&target));
        if named_folder {
            return PathLink::FolderWithoutIndex;
        }
        PathLink::Missing
    }

    fn redacted_note(&self) -> &str {
        self.strings.get("profile.link_note")
    }

    fn word(&self, id: &str) -> Option<&str> {
        self.strings.value(id)
    }

    fn redacted(&self, document: Option<usize>, anchor: &str) -> bool {
        let id = document.map_or(self.own_id, |i| self.docs.named(i).0);
        self.redacted.anchor(id, anchor)
    }
}
