//! The traceability graph: documents, clauses and controls, linked both ways.
//!
//! Built once per build from the parsed documents and the catalog; every index (id -> document,
//! clause -> documents, document -> documents that reference it) is computed here and then only
//! read, by `check`, by the renderer and by exports. References that do not resolve come back
//! as diagnostics with a did-you-mean.

pub(crate) mod audiences;
mod body;
pub(crate) mod coverage;
pub(crate) mod gaps;
mod ids;
pub(crate) mod redirects;
mod resolve;
pub(crate) mod reviews;
pub(crate) mod risks;
pub(crate) mod soa;

use body::*;
use ids::*;
use resolve::*;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use chrono::NaiveDate;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use unicode_normalization::UnicodeNormalization;

use crate::catalog::registry::{Frameworks, ReqRef};
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
    /// Requirements of other frameworks named in `clauses` or `controls` (`nist-csf-2.0:...`).
    pub(crate) requirements: Vec<ReqRef>,
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
pub(crate) type CachedBody = (Arc<Rendered>, Vec<variables::Warning>, Vec<PathBuf>);

/// Rendered bodies by [`Node::body_key`], kept between rebuilds by `serve` and `watch`.
pub(crate) type BodyCache = HashMap<u64, CachedBody>;

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
    /// Every framework the book can name, ISO/IEC 27001:2022 first, and the crosswalks.
    pub(crate) frameworks: Arc<Frameworks>,
    /// Coverage of each framework the book uses besides ISO/IEC 27001:2022.
    pub(crate) coverage: coverage::Coverage,
    /// The risk and exception registers (empty when the book keeps none).
    pub(crate) registers: Arc<crate::registers::Registers>,
    /// What the registers' ids resolve to.
    pub(crate) risk_links: risks::RiskLinks,
    /// Per audience of `[audiences]` (by id): its reading list (see [`audiences`]).
    pub(crate) audience_docs: Vec<Vec<usize>>,
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
    /// The profile this model was built for (`None`: the full build).
    pub(crate) profile: Option<crate::profile::Profile>,
    /// `redactions.json`, when the book declares profiles.
    pub(crate) redactions: Option<crate::profile::Record>,
}

/// Everything a body's rendering depends on besides its text.
#[derive(Debug, Clone, Default)]
pub struct BodyLinks {
    by_path: HashMap<PathBuf, usize>,
    assets: HashSet<PathBuf>,
    options: RenderOptions,
    redacted: Arc<crate::profile::Redacted>,
    /// A hash of all of the above (and of every document's id), part of each body's key.
    signature: u64,
}

/// Everything the model is built from.
pub struct Inputs {
    pub settings: BookSettings,
    pub catalog: Catalog,
    pub(crate) frameworks: Frameworks,
    pub(crate) registers: crate::registers::Registers,
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
    /// What the build's profile left out, that links may still name.
    pub(crate) redacted: Arc<crate::profile::Redacted>,
}

impl Model {
    /// Resolves documents against each other and the catalog, and renders their bodies.
    pub fn build(inputs: Inputs, sources: &Sources) -> (Model, Vec<Diagnostic>) {
        let Inputs {
            settings,
            catalog,
            frameworks,
            registers,
            content,
            documents,
            broken,
            soa,
            as_of,
            bodies: previous,
            highlight,
            redacted,
        } = inputs;
        let mut diagnostics = Vec::new();
        let by_id = index_ids(&documents, &catalog, &mut diagnostics);
        let known_broken: HashSet<&str> = broken.iter().filter_map(|b| b.id.as_deref()).collect();
        let broken_paths: HashSet<PathBuf> =
            broken.iter().map(|b| paths::nfc_path(&b.rel)).collect();
        let names = Names {
            catalog: &catalog,
            frameworks: &frameworks,
            by_id: &by_id,
            documents: &documents,
            known_broken: &known_broken,
            redacted: &redacted,
            allow_html: settings.config.output.html.allow_html,
            broken_paths: &broken_paths,
            registers: &registers,
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
        frameworks.signature().hash(&mut signature);
        // The words bodies are rendered with (callout titles, anchor labels, link notes).
        settings.strings.renderer_words().hash(&mut signature);
        if !redacted.is_empty() {
            let mut ids: Vec<&String> = redacted.ids.iter().collect();
            ids.sort();
            let mut anchors: Vec<(&String, Vec<&String>)> = (redacted.anchors.iter())
                .map(|(id, a)| {
                    let mut a: Vec<&String> = a.iter().collect();
                    a.sort();
                    (id, a)
                })
                .collect();
            anchors.sort();
            (ids, anchors).hash(&mut signature);
        }
        for r in &registers.risks {
            (&r.id, &r.title).hash(&mut signature);
        }
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
                    frameworks: &frameworks,
                    registers: &registers,
                    by_id: &by_id,
                    docs: &Parsed {
                        documents: &documents,
                        pages: &pages,
                    },
                    dir: d.rel.parent().unwrap_or(Path::new("")),
                    by_path: &by_path,
                    assets: &asset_paths,
                    linked: Default::default(),
                    redacted: &redacted,
                    own_id: &d.id,
                    strings: &settings.strings,
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
                requirements,
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
                    Target::Document(_) | Target::Requirement { .. } | Target::Risk(_) => {}
                }
            }
            nodes.push(Node {
                page: pages[i].clone(),
                doc,
                clauses,
                controls,
                requirements,
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
        let partial = !redacted.is_empty();
        let assets = published_assets(content.assets, &nodes, &settings, partial, &mut diagnostics);
        let mut model = Model {
            soa,
            as_of,
            gaps: gaps::Gaps::default(),
            frameworks: Arc::new(frameworks),
            coverage: coverage::Coverage::default(),
            registers: Arc::default(),
            risk_links: risks::RiskLinks::default(),
            audience_docs: Vec::new(),
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
            profile: None,
            redactions: None,
            links: BodyLinks {
                by_path,
                assets: asset_paths,
                options,
                redacted,
                signature,
            },
        };
        model.coverage = coverage::Coverage::of(&model);
        let (risk_links, found) = model.link_risks(&registers);
        diagnostics.extend(found);
        model.risk_links = risk_links;
        model.registers = Arc::new(registers);
        let (audience_docs, found) = model.link_audiences();
        diagnostics.extend(found);
        model.audience_docs = audience_docs;
        // After the registers: they provide documented information (see `gaps`).
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
