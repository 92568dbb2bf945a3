//! The traceability graph: documents, clauses and controls, linked both ways.
//!
//! Built once per build from the parsed documents and the catalog; every index (id -> document,
//! clause -> documents, document -> documents that reference it) is computed here and then only
//! read, by `check`, by the renderer and by exports. References that do not resolve come back
//! as diagnostics with a did-you-mean.

pub mod gaps;
pub mod redirects;
pub mod reviews;
pub mod soa;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use chrono::NaiveDate;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use unicode_normalization::UnicodeNormalization;

use crate::catalog::Catalog;
use crate::config::BookSettings;
use crate::diagnostic::Code;
use crate::diagnostic::{did_you_mean, Diagnostic, Sources, Span};
use crate::document::{Broken, Document, Ref, Status};
use crate::load::{Asset, Content};
use crate::markdown::{
    self, PathLink, Problem, RenderOptions, Rendered, Resolve, Resolved, Target,
};
use crate::paths;
use crate::variables::{self, Variable};

/// A document with its references resolved and its body rendered.
#[derive(Debug, Clone)]
pub struct Node {
    /// Shared, so that a model can be copied cheaply for an edit (see [`Model::set_body`]).
    pub doc: Arc<Document>,
    /// Site path of its page (unencoded), e.g. `docs/policies/access-control.html`.
    pub page: String,
    /// Indices into the catalog's clauses and controls, and into [`Model::documents`].
    pub clauses: Vec<usize>,
    pub controls: Vec<usize>,
    pub related: Vec<usize>,
    pub body: Arc<Rendered>,
    /// The body as rendered, when `body` has its broken links marked (see `mark_broken`):
    /// what is cached, since whether a link is broken can change while its body does not.
    pub unmarked: Option<Arc<Rendered>>,
    /// Identifies the body's rendering: its text and everything its links resolve against.
    pub body_key: u64,
    /// What filling in the book's variables found wrong in the body (ranges of the body as
    /// written).
    pub variable_warnings: Vec<variables::Warning>,
    /// The content files (not documents) its body links to, relative to the content folder,
    /// sorted: only files some body links to are published.
    pub assets: Vec<PathBuf>,
}

impl Node {
    /// Identifies the body as pages show it: [`Node::body_key`], and its marks when it has any.
    pub fn shown_key(&self) -> u64 {
        match &self.unmarked {
            None => self.body_key,
            Some(_) => crate::key::of_bytes(self.body.html.as_bytes()) ^ self.body_key,
        }
    }
}

/// A body rendered once: the HTML and what it links to, its variables' warnings, and the
/// content files it links to (see [`Node::assets`]).
pub type CachedBody = (Arc<Rendered>, Vec<variables::Warning>, Vec<PathBuf>);

/// Rendered bodies by [`Node::body_key`], kept between rebuilds by `serve` and `watch`.
pub type BodyCache = HashMap<u64, CachedBody>;

impl Model {
    /// The rendered bodies of this model, to reuse in the next rebuild.
    pub fn body_cache(&self) -> BodyCache {
        self.documents
            .iter()
            .map(|n| {
                let body = n.unmarked.as_ref().unwrap_or(&n.body).clone();
                let cached = (body, n.variable_warnings.clone(), n.assets.clone());
                (n.body_key, cached)
            })
            .collect()
    }
}

/// The whole book, resolved.
#[derive(Debug, Clone)]
pub struct Model {
    pub settings: BookSettings,
    pub catalog: Catalog,
    pub documents: Vec<Node>,
    /// The content files that some document's body links to: what the site publishes.
    pub assets: Vec<Asset>,
    pub by_id: HashMap<String, usize>,
    /// Per clause: the documents whose front matter lists it.
    pub clause_docs: Vec<Vec<usize>>,
    /// Per control: the documents whose front matter lists it.
    pub control_docs: Vec<Vec<usize>>,
    /// Per clause and control: documents whose body links to it with `[[...]]`.
    pub clause_mentions: Vec<Vec<usize>>,
    pub control_mentions: Vec<Vec<usize>>,
    /// Per document: the documents that link to it (body links or `related`).
    pub referenced_by: Vec<Vec<usize>>,
    pub soa: soa::Soa,
    /// The date "overdue" is measured against (`--as-of`, SOURCE_DATE_EPOCH, or today).
    pub as_of: NaiveDate,
    pub gaps: gaps::Gaps,
    /// Revisions of each document from git (empty outside git and when only checking).
    pub history: std::sync::Arc<crate::history::History>,
    /// What bodies' links resolve against, to render one body again after an edit.
    pub links: BodyLinks,
}

/// Everything a body's rendering depends on besides its text.
#[derive(Debug, Clone, Default)]
pub struct BodyLinks {
    by_path: HashMap<PathBuf, usize>,
    assets: HashSet<PathBuf>,
    options: RenderOptions,
    /// A hash of all of the above (and of every document's id), part of each body's key.
    signature: u64,
}

/// Everything the model is built from.
pub struct Inputs {
    pub settings: BookSettings,
    pub catalog: Catalog,
    pub content: Content,
    pub documents: Vec<Arc<Document>>,
    /// Files whose front matter failed to parse.
    pub broken: Vec<Broken>,
    pub soa: soa::Soa,
    pub as_of: NaiveDate,
    /// Bodies rendered by an earlier build of the same book (empty for a one-off build).
    pub bodies: BodyCache,
    /// Highlight fenced code (not needed when only checking).
    pub highlight: bool,
}

impl Model {
    /// Resolves documents against each other and the catalog, and renders their bodies.
    pub fn build(inputs: Inputs, sources: &Sources) -> (Model, Vec<Diagnostic>) {
        let Inputs {
            settings,
            catalog,
            content,
            documents,
            broken,
            soa,
            as_of,
            bodies: previous,
            highlight,
        } = inputs;
        let mut diagnostics = Vec::new();
        let by_id = index_ids(&documents, &catalog, &mut diagnostics);
        let known_broken: HashSet<&str> = broken.iter().filter_map(|b| b.id.as_deref()).collect();
        let broken_paths: HashSet<PathBuf> =
            broken.iter().map(|b| paths::nfc_path(&b.rel)).collect();
        let names = Names {
            catalog: &catalog,
            by_id: &by_id,
            documents: &documents,
            known_broken: &known_broken,
            allow_html: settings.config.output.html.allow_html,
            broken_paths: &broken_paths,
        };

        let resolved: Vec<FrontMatterRefs> = documents
            .par_iter()
            .map(|d| names.front_matter(d))
            .collect();

        let by_path: HashMap<PathBuf, usize> = documents
            .iter()
            .enumerate()
            .map(|(i, d)| (paths::nfc_path(&d.rel), i))
            .collect();
        let asset_paths: HashSet<PathBuf> = content
            .assets
            .iter()
            .map(|a| paths::nfc_path(&a.rel))
            .collect();
        let options = RenderOptions {
            allow_html: settings.config.output.html.allow_html,
            highlight,
        };
        let pages: Vec<String> = documents
            .par_iter()
            .map(|d| paths::document_file(&d.rel))
            .collect();
        // Everything a body's links resolve against; any change re-renders every body.
        let mut signature = crate::key::hasher();
        for d in &documents {
            (&d.id, &d.rel).hash(&mut signature);
        }
        let mut assets_sorted: Vec<&PathBuf> = asset_paths.iter().collect();
        assets_sorted.sort();
        (assets_sorted, options.allow_html, options.highlight).hash(&mut signature);
        // What the bodies' tags are filled with (nothing for a book without variables).
        let book_variables = settings.config.variables.as_ref();
        for (name, v) in book_variables.into_iter().flatten() {
            (name, &v.value).hash(&mut signature);
        }
        let signature = signature.finish();
        let body_keys: Vec<u64> = documents.iter().map(|d| body_key(signature, d)).collect();
        let rendered: Vec<CachedBody> = documents
            .par_iter()
            .zip(&body_keys)
            .map(|(d, key)| {
                if let Some(body) = previous.get(key) {
                    return body.clone();
                }
                let resolver = BodyResolver {
                    catalog: &catalog,
                    by_id: &by_id,
                    docs: &Parsed {
                        documents: &documents,
                        pages: &pages,
                    },
                    dir: d.rel.parent().unwrap_or(Path::new("")),
                    by_path: &by_path,
                    assets: &asset_paths,
                    linked: Default::default(),
                };
                let (body, warnings) =
                    render_text(d.body(sources), book_variables, &resolver, options);
                (Arc::new(body), warnings, resolver.linked_assets())
            })
            .collect();
        let mut bodies = Vec::with_capacity(rendered.len());
        let mut variable_warnings = Vec::with_capacity(rendered.len());
        let mut linked_assets = Vec::with_capacity(rendered.len());
        for (body, warnings, assets) in rendered {
            bodies.push(body);
            variable_warnings.push(warnings);
            linked_assets.push(assets);
        }
        // Remembered highlighted lines would otherwise stay in every thread while pages render.
        rayon::broadcast(|_| crate::highlight::forget_lines());

        // Links that lead nowhere, each with its diagnostic: (document, href as written, message).
        let mut broken: Vec<(usize, String, String)> = Vec::new();
        for (i, ((d, body), warnings)) in documents
            .iter()
            .zip(&bodies)
            .zip(&variable_warnings)
            .enumerate()
        {
            for w in warnings {
                diagnostics.push(variable_warning(d, w, sources, book_variables));
            }
            for (k, p) in body.problems.iter().enumerate() {
                let found = names.link_problem(d, &p.problem, p.range.clone(), &by_path, body);
                let href = match &p.problem {
                    Problem::MissingAnchor(anchor) => Some(format!("#{anchor}")),
                    Problem::UnknownName(_)
                    | Problem::MissingFile(_)
                    | Problem::Outside(_)
                    | Problem::FolderWithoutIndex(_) => {
                        Some(format!("{}{k}", markdown::PROBLEM_HREF))
                    }
                    _ => None,
                };
                if let Some(href) = href.filter(|_| found.is_error()) {
                    broken.push((i, href, found.message.clone()));
                }
                diagnostics.push(found);
            }
            for a in &body.anchors {
                let target = &bodies[a.document];
                if !target.headings.iter().any(|h| h.id == a.anchor) {
                    let best =
                        did_you_mean(&a.anchor, target.headings.iter().map(|h| h.id.as_str()));
                    let found = Diagnostic::error(
                        Code::BrokenAnchor,
                        format!("`{}` has no heading with the anchor `#{}`", documents[a.document].id, a.anchor),
                    )
                    .at(body_span(d, a.range.clone()))
                    .hint(match best {
                        Some(b) => format!("did you mean `#{b}`?"),
                        None => "anchors are heading texts in lowercase, with spaces as `-` and punctuation removed".into(),
                    });
                    let href = format!("{}#{}", paths::site_href(&pages[a.document]), a.anchor);
                    broken.push((i, href, found.message.clone()));
                    diagnostics.push(found);
                }
            }
        }
        let mut unmarked: Vec<Option<Arc<Rendered>>> = vec![None; bodies.len()];
        broken.sort();
        for group in broken.chunk_by(|a, b| a.0 == b.0) {
            let i = group[0].0;
            let marks: Vec<(&str, &str)> = group
                .iter()
                .map(|(_, href, message)| (href.as_str(), message.as_str()))
                .collect();
            let marked = Rendered {
                html: mark_broken(&bodies[i].html, &marks),
                ..(*bodies[i]).clone()
            };
            unmarked[i] = Some(std::mem::replace(&mut bodies[i], Arc::new(marked)));
        }

        let n = documents.len();
        let mut clause_docs = vec![Vec::new(); catalog.clauses.len()];
        let mut control_docs = vec![Vec::new(); catalog.controls.len()];
        let mut clause_mentions = vec![Vec::new(); catalog.clauses.len()];
        let mut control_mentions = vec![Vec::new(); catalog.controls.len()];
        let mut referenced_by: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut nodes = Vec::with_capacity(n);
        let parts = documents
            .into_iter()
            .zip(bodies)
            .zip(resolved)
            .zip(variable_warnings)
            .zip(unmarked)
            .zip(linked_assets);
        for (i, (((((doc, body), refs), variable_warnings), unmarked), assets)) in parts.enumerate()
        {
            let FrontMatterRefs {
                clauses,
                controls,
                related,
                diagnostics: found,
            } = refs;
            diagnostics.extend(found);
            for &c in &clauses {
                clause_docs[c].push(i);
            }
            for &c in &controls {
                control_docs[c].push(i);
            }
            for &r in &related {
                referenced_by[r].push(i);
            }
            for t in &body.targets {
                match *t {
                    Target::Document(j) if j != i => referenced_by[j].push(i),
                    Target::Clause(c) => clause_mentions[c].push(i),
                    Target::Control(c) => control_mentions[c].push(i),
                    Target::Document(_) => {}
                }
            }
            nodes.push(Node {
                page: pages[i].clone(),
                doc,
                clauses,
                controls,
                related,
                body,
                unmarked,
                body_key: body_keys[i],
                variable_warnings,
                assets,
            });
        }
        for list in clause_docs
            .iter_mut()
            .chain(&mut control_docs)
            .chain(&mut clause_mentions)
            .chain(&mut control_mentions)
            .chain(&mut referenced_by)
        {
            list.sort_unstable();
            list.dedup();
        }
        let assets = published_assets(content.assets, &nodes, &settings, &mut diagnostics);
        let mut model = Model {
            soa,
            as_of,
            gaps: gaps::Gaps::default(),
            history: Default::default(),
            settings,
            catalog,
            documents: nodes,
            assets,
            by_id,
            clause_docs,
            control_docs,
            clause_mentions,
            control_mentions,
            referenced_by,
            links: BodyLinks {
                by_path,
                assets: asset_paths,
                options,
                signature,
            },
        };
        model.gaps = model.compute_gaps();
        (model, diagnostics)
    }

    /// True when a clause, or any clause under it, is addressed by a document in force.
    pub fn clause_covered(&self, clause: usize) -> bool {
        self.in_force(&self.clause_docs[clause])
            || self
                .catalog
                .clauses
                .iter()
                .enumerate()
                .any(|(i, c)| c.parent == Some(clause) && self.clause_covered(i))
    }

    /// True when an approved document lists the control: what the SoA counts as addressed.
    pub fn control_covered(&self, control: usize) -> bool {
        !self.approved_docs_of_control(control).is_empty()
    }

    /// Whether any of `docs` is in force (not retired).
    fn in_force(&self, docs: &[usize]) -> bool {
        docs.iter()
            .any(|&d| self.documents[d].doc.status != Status::Retired)
    }
}

/// Case- and normalisation-insensitive form of an id: `POL-1`, `pol-1` and a decomposed
/// `é` all collide, because on many file systems and in people's heads they are the same.
fn id_key(id: &str) -> String {
    if id.is_ascii() {
        return id.to_ascii_lowercase(); // NFKC leaves ASCII as it is
    }
    id.nfkc().collect::<String>().to_lowercase()
}

fn index_ids(
    documents: &[Arc<Document>],
    catalog: &Catalog,
    diagnostics: &mut Vec<Diagnostic>,
) -> HashMap<String, usize> {
    let mut by_id = HashMap::with_capacity(documents.len());
    let mut by_key: HashMap<String, usize> = HashMap::with_capacity(documents.len());
    for (i, d) in documents.iter().enumerate() {
        if catalog.control(&d.id).is_some() || catalog.clause(&d.id).is_some() {
            diagnostics.push(
                Diagnostic::error(
                    Code::AmbiguousId,
                    format!(
                        "the document id `{}` is also an ISO 27001 clause or control id",
                        d.id
                    ),
                )
                .at(d.id_span.clone())
                .hint("give the document an id of its own, e.g. with a prefix like `POL-`"),
            );
        }
        match by_key.get(&id_key(&d.id)) {
            Some(&first) => {
                let other = &documents[first];
                let how = if other.id == d.id {
                    ""
                } else {
                    " (ids that differ only in case or Unicode form count as the same)"
                };
                diagnostics.push(
                    Diagnostic::error(
                        Code::DuplicateId,
                        format!("the id `{}` is already used by another document{how}", d.id),
                    )
                    .at(d.id_span.clone())
                    .note(
                        other.id_span.clone(),
                        format!("`{}` is first used here", other.id),
                    )
                    .hint("every document needs an id of its own; rename one of them"),
                );
            }
            None => {
                by_key.insert(id_key(&d.id), i);
                by_id.insert(d.id.clone(), i);
            }
        }
    }
    confusable_ids(documents, catalog, &by_key, diagnostics);
    by_id
}

/// The confusable skeleton (Unicode TR #39) of an id, ignoring case: ids with the same
/// skeleton look alike (`pol-002`, and `pоl-002` with a Cyrillic `о`).
fn id_skeleton(key: &str) -> String {
    unicode_security::skeleton(key).collect()
}

/// Ids that are not the same (see [`id_key`]) but look the same: each is reported at its own
/// place, with a note at the others, so that `--format json` names every file involved.
fn confusable_ids(
    documents: &[Arc<Document>],
    catalog: &Catalog,
    by_key: &HashMap<String, usize>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    // One skeleton per distinct id, in document order, for a deterministic report.
    let mut firsts: Vec<(usize, &str)> = by_key.iter().map(|(k, &i)| (i, k.as_str())).collect();
    firsts.sort_unstable();
    let mut by_skeleton: HashMap<String, Vec<usize>> = HashMap::with_capacity(firsts.len());
    for (i, key) in firsts {
        let id = &documents[i].id;
        if catalog.control(id).is_some() || catalog.clause(id).is_some() {
            continue; // `ambiguous-id` already
        }
        by_skeleton.entry(id_skeleton(key)).or_default().push(i);
    }
    let mut groups: Vec<&Vec<usize>> = by_skeleton.values().filter(|g| g.len() > 1).collect();
    groups.sort_unstable();
    for group in groups {
        for &i in group {
            let d = &documents[i];
            let others: Vec<&Arc<Document>> = group
                .iter()
                .filter(|&&j| j != i)
                .map(|&j| &documents[j])
                .collect();
            let names: Vec<String> = others.iter().map(|o| format!("`{}`", o.id)).collect();
            // The characters that are not what they seem, in every id of the group.
            let holds: Vec<String> = group
                .iter()
                .filter_map(|&j| {
                    let id = &documents[j].id;
                    let odd = crate::document::unusual_characters(id);
                    (!odd.is_empty()).then(|| format!("`{id}` holds {}", odd.join(", ")))
                })
                .collect();
            let holds = if holds.is_empty() {
                String::new()
            } else {
                format!(" ({})", holds.join("; "))
            };
            let mut found = Diagnostic::error(
                Code::ConfusableId,
                format!(
                    "the id `{}` looks the same as {} of another document",
                    d.id,
                    names.join(", ")
                ),
            )
            .at(d.id_span.clone())
            .hint(format!(
                "ids that differ only in look-alike characters send links to the wrong document; rename one of them{holds}"
            ));
            for o in others {
                found = found.note(o.id_span.clone(), format!("`{}` is used here", o.id));
            }
            diagnostics.push(found);
        }
    }
}

/// A document's front-matter references as indices, and what did not resolve.
struct FrontMatterRefs {
    clauses: Vec<usize>,
    controls: Vec<usize>,
    related: Vec<usize>,
    diagnostics: Vec<Diagnostic>,
}

/// Name lookups shared by front-matter and body resolution.
struct Names<'a> {
    catalog: &'a Catalog,
    by_id: &'a HashMap<String, usize>,
    documents: &'a [Arc<Document>],
    known_broken: &'a HashSet<&'a str>,
    /// `allow-html` is set: raw HTML is sanitised, not shown as text.
    allow_html: bool,
    /// Where the files whose front matter failed to parse are (relative to the content folder).
    broken_paths: &'a HashSet<PathBuf>,
}

impl Names<'_> {
    /// Resolves `clauses`, `controls` and `related`.
    fn front_matter(&self, d: &Document) -> FrontMatterRefs {
        let mut diags = Vec::new();
        let mut lookup = |refs: &[Ref],
                          find: &dyn Fn(&str) -> Option<usize>,
                          on_miss: &dyn Fn(&Ref) -> Option<Diagnostic>| {
            let mut out: Vec<usize> = Vec::new();
            for r in refs {
                match find(&r.target) {
                    Some(i) if out.contains(&i) => diags.push(
                        Diagnostic::warning(
                            Code::DuplicateReference,
                            format!("`{}` is listed twice", r.target),
                        )
                        .at(r.span.clone())
                        .hint("remove the repeated entry"),
                    ),
                    Some(i) => out.push(i),
                    None => diags.extend(on_miss(r)),
                }
            }
            out
        };
        let clauses = lookup(&d.clauses, &|t| self.catalog.clause(t), &|r| {
            Some(
                Diagnostic::error(
                    Code::UnknownClause,
                    format!("`{}` is not an ISO/IEC 27001:2022 clause", r.target),
                )
                .at(r.span.clone())
                .hint(self.catalog.clause_hint(&r.target)),
            )
        });
        let controls = lookup(&d.controls, &|t| self.catalog.control(t), &|r| {
            Some(
                Diagnostic::error(
                    Code::UnknownControl,
                    format!(
                        "`{}` is not an ISO/IEC 27001:2022 Annex A control",
                        r.target
                    ),
                )
                .at(r.span.clone())
                .hint(self.catalog.control_hint(&r.target)),
            )
        });
        let related = lookup(&d.related, &|t| self.by_id.get(t).copied(), &|r| {
            if self.known_broken.contains(r.target.as_str()) {
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
            related,
            diagnostics: diags,
        }
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

    fn link_problem(
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

/// The files of the content folder that a document's body links to, in walk order; every
/// other one gets an `unlinked-file` note and is not published.
fn published_assets(
    assets: Vec<Asset>,
    nodes: &[Node],
    settings: &BookSettings,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Asset> {
    let linked: HashSet<&Path> = nodes
        .iter()
        .flat_map(|n| n.assets.iter().map(PathBuf::as_path))
        .collect();
    let content = &settings.config.build.content_dir;
    let (published, unlinked): (Vec<Asset>, Vec<Asset>) = assets
        .into_iter()
        .partition(|a| linked.contains(a.rel.as_path()));
    for a in unlinked {
        diagnostics.push(
            Diagnostic::note_level(
                Code::UnlinkedFile,
                format!(
                    "{} is linked from no document, so it is not published",
                    crate::diagnostic::display_path(&content.join(&a.rel))
                ),
            )
            .hint("link to it from a document, or remove it from the content folder"),
        );
    }
    published
}

/// Fills the book's variables (when it has `[variables]`) into `body`, renders it, and maps the
/// ranges of what the renderer found back to `body` as written: the one place bodies render.
fn render_text(
    body: &str,
    book_variables: Option<&BTreeMap<String, Variable>>,
    resolver: &dyn Resolve,
    options: RenderOptions,
) -> (Rendered, Vec<variables::Warning>) {
    let Some(book_variables) = book_variables else {
        return (markdown::render(body, resolver, options), Vec::new());
    };
    let (text, warnings) = variables::substitute(body, book_variables);
    let mut rendered = markdown::render(&text.text, resolver, options);
    if !text.is_unchanged() {
        for p in &mut rendered.problems {
            p.range = text.original(p.range.clone());
        }
        for a in &mut rendered.anchors {
            a.range = text.original(a.range.clone());
        }
    }
    (rendered, warnings)
}

/// `html` with each link to one of `marks`' hrefs (as given to pulldown-cmark) marked as
/// broken, its diagnostic as its title: what `serve` shows of a book with errors.
fn mark_broken(html: &str, marks: &[(&str, &str)]) -> String {
    let mut html = html.to_string();
    let mut done: HashSet<&str> = HashSet::new();
    for &(href, message) in marks {
        if !done.insert(href) {
            continue;
        }
        let mut escaped = String::new();
        let _ = pulldown_cmark_escape::escape_href(&mut escaped, href);
        let mut title = String::new();
        let _ = pulldown_cmark_escape::escape_html(&mut title, message);
        html = html.replace(
            &format!("<a href=\"{escaped}\""),
            &format!("<a class=\"broken-ref\" title=\"{title}\" href=\"{escaped}\""),
        );
    }
    html
}

/// The diagnostic for a problem with a body's variables.
fn variable_warning(
    d: &Document,
    w: &variables::Warning,
    sources: &Sources,
    book_variables: Option<&BTreeMap<String, Variable>>,
) -> Diagnostic {
    let tag = d.body(sources).get(w.range.clone()).unwrap_or_default();
    let span = body_span(d, w.range.clone());
    match &w.problem {
        variables::Problem::Undefined(name) => {
            let names = book_variables.into_iter().flatten().map(|(n, _)| n.as_str());
            Diagnostic::warning(
                Code::UndefinedVariable,
                format!("`{name}` is not a variable of the book: `{tag}` is left as written"),
            )
            .at(span)
            .hint(match did_you_mean(name, names) {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!("define `{name}` under [variables] in book.toml"),
            })
        }
        variables::Problem::Unclosed(name) => Diagnostic::warning(
            Code::UnbalancedSection,
            format!("`{tag}` has no `{{{{/{name}}}}}`: the section is left as written"),
        )
        .at(span)
        .hint(format!("end the section with `{{{{/{name}}}}}`; sections close innermost first")),
        variables::Problem::Unopened(name) => Diagnostic::warning(
            Code::UnbalancedSection,
            format!("`{tag}` closes no open section: it is left as written"),
        )
        .at(span)
        .hint(format!("open the section with `{{{{#{name}}}}}` or `{{{{^{name}}}}}` before it, or remove this")),
    }
}

fn body_span(d: &Document, range: std::ops::Range<usize>) -> Span {
    Span {
        file: d.file,
        range: d.body_start + range.start..d.body_start + range.end,
    }
}

/// `to` (relative to the content folder) as seen from folder `from`, with `/` separators.
fn relative_path(from: &Path, to: &Path) -> String {
    let from: Vec<_> = from.components().collect();
    let to_parts: Vec<_> = to.components().collect();
    let common = from
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<String> = vec!["..".into(); from.len() - common];
    parts.extend(
        to_parts[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// Identifies a body's rendering: its text and everything its links resolve against.
fn body_key(signature: u64, d: &Document) -> u64 {
    crate::key::of(&(signature, &d.rel, d.body_hash))
}

impl Model {
    /// Renders document `i`'s body from `text` (its file's new text, with the same front
    /// matter), resolving links as [`Model::build`] did.
    pub fn render_body(&self, i: usize, text: &str) -> CachedBody {
        let d = &self.documents[i].doc;
        let resolver = BodyResolver {
            catalog: &self.catalog,
            by_id: &self.by_id,
            docs: &self.documents,
            dir: d.rel.parent().unwrap_or(Path::new("")),
            by_path: &self.links.by_path,
            assets: &self.links.assets,
            linked: Default::default(),
        };
        let (body, warnings) = render_text(
            &text[d.body_start..],
            self.settings.config.variables.as_ref(),
            &resolver,
            self.links.options,
        );
        (Arc::new(body), warnings, resolver.linked_assets())
    }

    /// The document at `rel` (relative to the content folder).
    pub fn document_at(&self, rel: &Path) -> Option<usize> {
        self.links.by_path.get(&paths::nfc_path(rel)).copied()
    }

    /// Gives document `i` a new body, rendered by [`Model::render_body`] from `text`.
    pub fn set_body(&mut self, i: usize, text: &str, (body, warnings, assets): CachedBody) {
        let signature = self.links.signature;
        let node = &mut self.documents[i];
        let doc = Arc::make_mut(&mut node.doc);
        doc.body_hash = crate::document::text_hash(&text[doc.body_start..]);
        node.body_key = body_key(signature, doc);
        node.body = body;
        node.unmarked = None;
        node.variable_warnings = warnings;
        node.assets = assets;
    }
}

/// Id, title and page of a document, for resolving `[[id]]` and path links.
trait Named: Sync {
    fn named(&self, i: usize) -> (&str, &str, &str);
}

/// Documents as parsed, before the model exists.
struct Parsed<'a> {
    documents: &'a [Arc<Document>],
    pages: &'a [String],
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
fn link_target(dir: &Path, path: &str) -> Option<PathBuf> {
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
const FOLDER_INDEXES: [&str; 3] = ["_index.md", "index.md", "README.md"];

/// Resolves one document's body links.
struct BodyResolver<'a> {
    catalog: &'a Catalog,
    by_id: &'a HashMap<String, usize>,
    docs: &'a dyn Named,
    dir: &'a Path,
    by_path: &'a HashMap<PathBuf, usize>,
    /// Every non-Markdown file of the content folder: a link to any of them resolves.
    assets: &'a HashSet<PathBuf>,
    /// The files of `assets` the body linked to, as the renderer asked.
    linked: std::cell::RefCell<Vec<PathBuf>>,
}

impl BodyResolver<'_> {
    /// The content files the body linked to, sorted, each once.
    fn linked_assets(&self) -> Vec<PathBuf> {
        let mut linked = self.linked.take();
        linked.sort();
        linked.dedup();
        linked
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
        let &i = self.by_id.get(name)?;
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_between_folders() {
        assert_eq!(
            relative_path(Path::new("a/b"), Path::new("a/c/x.md")),
            "../c/x.md"
        );
        assert_eq!(relative_path(Path::new(""), Path::new("x.md")), "x.md");
    }

    #[test]
    fn broken_links_are_marked_with_their_diagnostic() {
        let html = r##"<p><a href="@@root@@/docs/a.html#x&amp;y">one</a> <a href="#policybook-problem-0">two</a> <a href="ok.html">ok</a> <a href="#policybook-problem-0">again</a></p>"##;
        let marked = mark_broken(
            html,
            &[
                ("@@root@@/docs/a.html#x&y", "no <anchor> `#x&y`"),
                ("#policybook-problem-0", "matches nothing"),
                ("#policybook-problem-0", "said twice"),
            ],
        );
        assert_eq!(
            marked,
            r##"<p><a class="broken-ref" title="no &lt;anchor&gt; `#x&amp;y`" href="@@root@@/docs/a.html#x&amp;y">one</a> <a class="broken-ref" title="matches nothing" href="#policybook-problem-0">two</a> <a href="ok.html">ok</a> <a class="broken-ref" title="matches nothing" href="#policybook-problem-0">again</a></p>"##
        );
    }

    #[test]
    fn id_keys_fold_case_and_normal_form() {
        assert_eq!(id_key("POL-É"), id_key("pol-e\u{301}"));
    }

    #[test]
    fn look_alike_ids_share_a_skeleton() {
        let skeleton = |id: &str| id_skeleton(&id_key(id));
        assert_eq!(skeleton("pol-002"), skeleton("p\u{43e}l-002"));
        assert_eq!(skeleton("POL-002"), skeleton("P\u{41e}L-002"));
        assert_ne!(skeleton("pol-002"), skeleton("pol-003"));
        assert_ne!(skeleton("情報-1"), skeleton("情報-2"));
    }
}
