//! The pages of the frameworks a book uses besides ISO/IEC 27001:2022 (which has its clause and
//! control pages): `frameworks.html`, and per framework its overview with coverage bars and the
//! tree of requirements, one page per requirement, and the document x requirement matrix in
//! parts. Also what the overview, gaps and document pages show of those frameworks.
//!
//! Every page here is built from a `...Shown` value that is both its data and, under `serve`,
//! its key (see `incremental::page_key`), so a page renders again exactly when what it shows
//! changes. A book that uses no framework gets none of these pages and nothing else changes.

use super::*;
use crate::catalog::registry::{Frameworks, ReqRef};
use crate::model::coverage::{Counts, State};

mod requirement;
#[cfg(test)]
pub(super) mod tests;

use requirement::*;

/// A page of a used framework, or the list of them.
#[derive(Clone, Copy)]
pub(super) enum FrameworkPage {
    List,
    /// Index into `model.coverage.frameworks`.
    Index(usize),
    Requirement(ReqRef),
    /// Part `n` (0-based) of the matrix of coverage entry `c`.
    Matrix(usize, usize),
}

/// Per used framework (in `model.coverage.frameworks` order): the matrix rows, documents that
/// name or derive any of its requirements, sorted by id.
pub(super) fn framework_rows(model: &Model, by_id: &[usize]) -> Vec<Vec<usize>> {
    (model.coverage.frameworks.iter())
        .map(|c| {
            let mut any = vec![false; model.documents.len()];
            for (docs, derived) in c.documents.iter().zip(&c.derived) {
                docs.iter().for_each(|&d| any[d] = true);
                derived.iter().for_each(|d| any[d.document] = true);
            }
            by_id.iter().copied().filter(|&d| any[d]).collect()
        })
        .collect()
}

/// The pages of every used framework (none when the book uses none).
pub(super) fn framework_pages(model: &Model, plan: &Plan) -> Vec<FrameworkPage> {
    let coverage = &model.coverage.frameworks;
    if coverage.is_empty() {
        return Vec::new();
    }
    let mut pages = vec![FrameworkPage::List];
    for (c, cov) in coverage.iter().enumerate() {
        pages.push(FrameworkPage::Index(c));
        pages.extend((0..matrix_parts(plan, c)).map(|n| FrameworkPage::Matrix(c, n)));
        pages.extend(
            (0..cov.state.len())
                .map(|requirement| ReqRef {
                    framework: cov.framework,
                    requirement,
                })
                .filter(|&r| !shadowed(&model.frameworks, r))
                .map(FrameworkPage::Requirement),
        );
    }
    pages
}

/// Whether a redirect at site path `path` would take the place of a framework page.
pub(super) fn takes_framework_page(model: &Model, path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    !model.coverage.frameworks.is_empty()
        && (lower == "frameworks.html" || lower.starts_with("frameworks/"))
}

fn matrix_parts(plan: &Plan, c: usize) -> usize {
    plan.frameworks[c].len().div_ceil(MATRIX_ROWS).max(1)
}

/// A requirement whose page name is that of its framework's overview or matrix (`index`,
/// `matrix`, `matrix-2`, ...): it gets no page of its own, and links to it land there.
fn shadowed(frameworks: &Frameworks, r: ReqRef) -> bool {
    let slug = frameworks.slugs[r.framework][r.requirement].to_lowercase();
    let numbered = slug
        .strip_prefix("matrix-")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    slug == "index" || slug == "matrix" || numbered
}

impl FrameworkPage {
    pub(super) fn path(self, model: &Model) -> String {
        let frameworks = &model.frameworks;
        match self {
            FrameworkPage::List => "frameworks.html".into(),
            FrameworkPage::Index(c) => {
                let fw = model.coverage.frameworks[c].framework;
                format!("{}/index.html", frameworks.folder(fw))
            }
            FrameworkPage::Requirement(r) => frameworks.page(r),
            FrameworkPage::Matrix(c, n) => {
                let fw = model.coverage.frameworks[c].framework;
                part_path(&format!("{}/matrix", frameworks.folder(fw)), n + 1)
            }
        }
    }

    /// The page's path and its key: a hash of what it shows.
    pub(super) fn key(self, model: &Model, views: &Views, plan: &Plan, site: u64) -> (String, u64) {
        let path = self.path(model);
        let key = match self {
            FrameworkPage::List => page_key(site, &path, &list_shown(model)),
            FrameworkPage::Index(c) => page_key(site, &path, &index_shown(model, views, c)),
            FrameworkPage::Requirement(r) => {
                page_key(site, &path, &requirement_shown(model, views, r))
            }
            FrameworkPage::Matrix(c, n) => {
                page_key(site, &path, &matrix_shown(model, views, plan, c, n))
            }
        };
        (path, key)
    }

    pub(super) fn page(self, model: &Model, views: &Views, plan: &Plan) -> Page {
        let path = self.path(model);
        let name = |c: usize| &model.frameworks.list[model.coverage.frameworks[c].framework].name;
        let (template, title, data) = match self {
            FrameworkPage::List => (
                "frameworks.html",
                model.settings.strings.get("title.frameworks").to_string(),
                Data::of(&list_shown(model)),
            ),
            FrameworkPage::Index(c) => (
                "framework.html",
                name(c).clone(),
                Data::of(&index_shown(model, views, c)),
            ),
            FrameworkPage::Requirement(r) => {
                let f = &model.frameworks.list[r.framework];
                let req = model.frameworks.requirement(r);
                let title = match &req.title {
                    Some(t) => format!("{} {} {t}", f.name, req.id),
                    None => format!("{} {}", f.name, req.id),
                };
                let data = Data::of(&requirement_shown(model, views, r));
                ("requirement.html", title, data)
            }
            FrameworkPage::Matrix(c, n) => {
                let total = matrix_parts(plan, c);
                let strings = &model.settings.strings;
                let title = strings.text("title.framework_matrix", &[("name", name(c))]);
                let title = if total > 1 {
                    part_title(strings, &title, n, total)
                } else {
                    title
                };
                let data = Data::of(&matrix_shown(model, views, plan, c, n));
                ("matrix-framework.html", title, data)
            }
        };
        Page {
            path,
            template,
            nav: "frameworks",
            title,
            data,
        }
    }
}

/// A requirement of any framework as a link: `framework` is the framework's id.
#[derive(Serialize, Hash, Clone)]
pub(super) struct ReqRow<'a> {
    framework: &'a str,
    id: &'a str,
    title: &'a str,
    kind: &'a str,
    /// Encoded site path of its page; `None` for one without a page (a framework the book
    /// does not use).
    path: Option<String>,
    /// Where it stands, for a requirement of a used framework.
    state: Option<State>,
}

/// The row of requirement `r`.
pub(super) fn req_row(model: &Model, r: ReqRef) -> ReqRow<'_> {
    let frameworks = &model.frameworks;
    let req = frameworks.requirement(r);
    let coverage = model.coverage.of_framework(r.framework);
    ReqRow {
        framework: &frameworks.list[r.framework].id,
        id: &req.id,
        title: req.title.as_deref().unwrap_or(""),
        kind: &req.kind,
        path: req_path(model, r),
        state: coverage.map(|c| c.state[r.requirement]),
    }
}

/// Where a requirement's page is: ISO/IEC 27001:2022's are its clause and control pages (and
/// the controls page for a theme); another framework's are its own, when the book uses it.
fn req_path(model: &Model, r: ReqRef) -> Option<String> {
    let frameworks = &model.frameworks;
    let req = frameworks.requirement(r);
    let path = if r.framework == 0 {
        let cat = &model.catalog;
        let themes = cat.clauses.len()..cat.clauses.len() + cat.themes.len();
        if r.requirement < cat.clauses.len() {
            paths::clause_file(&req.id)
        } else if themes.contains(&r.requirement) {
            let theme = &cat.themes[r.requirement - themes.start];
            return Some(format!("controls.html#{}", paths::encode(&theme.id)));
        } else {
            paths::control_file(&req.id)
        }
    } else if model.coverage.of_framework(r.framework).is_some() {
        frameworks.page(r)
    } else {
        return None;
    };
    Some(paths::encode(&path))
}

/// Leaves in each state, and the share covered (directly or derived) of those in scope.
#[derive(Serialize, Hash)]
pub(super) struct CountsView {
    covered: usize,
    derived: usize,
    excluded: usize,
    uncovered: usize,
    all: usize,
    percent: usize,
    /// Bar widths out of 100: covered directly, derived, excluded.
    widths: (usize, usize, usize),
}

fn counts_view(c: Counts) -> CountsView {
    let width = |n: usize| (n * 100).checked_div(c.all).unwrap_or(0);
    CountsView {
        covered: c.covered,
        derived: c.derived,
        excluded: c.excluded,
        uncovered: c.all - c.covered - c.derived - c.excluded,
        all: c.all,
        percent: c.percent(),
        widths: (width(c.covered), width(c.derived), width(c.excluded)),
    }
}

/// A used framework in a list (frameworks page, overview): its coverage over all leaves.
#[derive(Serialize, Hash)]
pub(super) struct FrameworkSummary<'a> {
    id: &'a str,
    name: &'a str,
    version: &'a str,
    publisher: &'a str,
    path: String,
    /// Listed in `[frameworks] use`.
    declared: bool,
    counts: CountsView,
}

/// Every used framework, in the book's order.
pub(super) fn summaries(model: &Model) -> Vec<FrameworkSummary<'_>> {
    let frameworks = &model.frameworks;
    (model.coverage.frameworks.iter())
        .map(|c| {
            let f = &frameworks.list[c.framework];
            FrameworkSummary {
                id: &f.id,
                name: &f.name,
                version: &f.version,
                publisher: &f.publisher,
                path: paths::encode(&format!("{}/index.html", frameworks.folder(c.framework))),
                declared: frameworks.declared.contains(&c.framework),
                counts: counts_view(c.counts(frameworks, None)),
            }
        })
        .collect()
}

/// What `frameworks.html` shows.
#[derive(Serialize, Hash)]
pub(super) struct ListShown<'a> {
    frameworks: Vec<FrameworkSummary<'a>>,
}

fn list_shown(model: &Model) -> ListShown<'_> {
    ListShown {
        frameworks: summaries(model),
    }
}

/// The framework a page belongs to, with where its data comes from.
#[derive(Serialize, Hash)]
struct FrameworkInfo<'a> {
    id: &'a str,
    name: &'a str,
    version: &'a str,
    publisher: &'a str,
    licence: &'a str,
    /// Defined by a file of the book rather than built in.
    own: bool,
    declared: bool,
    index: String,
    /// The matrix's first part.
    matrix: String,
}

fn info(model: &Model, fw: usize) -> FrameworkInfo<'_> {
    let frameworks = &model.frameworks;
    let f = &frameworks.list[fw];
    let folder = frameworks.folder(fw);
    FrameworkInfo {
        id: &f.id,
        name: &f.name,
        version: &f.version,
        publisher: &f.publisher,
        licence: &f.licence,
        own: frameworks.own[fw],
        declared: frameworks.declared.contains(&fw),
        index: paths::encode(&format!("{folder}/index.html")),
        matrix: paths::encode(&part_path(&format!("{folder}/matrix"), 1)),
    }
}

/// A top-level group's coverage bar.
#[derive(Serialize, Hash)]
struct GroupCounts<'a> {
    req: ReqRow<'a>,
    counts: CountsView,
}

/// A row of a framework's tree.
#[derive(Serialize, Hash)]
struct TreeRow<'a> {
    req: ReqRow<'a>,
    depth: usize,
    leaf: bool,
    /// Documents that name it (the first [`SOA_DOCS`]), and how many more.
    documents: Vec<DocRow<'a>>,
    more: usize,
    /// Approved documents that cover it through crosswalk rows.
    derived: usize,
    /// Why it is out of scope, when it is.
    excluded: Option<&'a str>,
}

/// What a framework's overview shows.
#[derive(Serialize, Hash)]
pub(super) struct IndexShown<'a> {
    framework: FrameworkInfo<'a>,
    counts: CountsView,
    groups: Vec<GroupCounts<'a>>,
    tree: Vec<TreeRow<'a>>,
}

fn index_shown<'a>(model: &'a Model, views: &Views<'a>, c: usize) -> IndexShown<'a> {
    let cov = &model.coverage.frameworks[c];
    let fw = cov.framework;
    let frameworks = &model.frameworks;
    let f = &frameworks.list[fw];
    let at = |requirement| ReqRef {
        framework: fw,
        requirement,
    };
    let groups = (f.requirements.iter().enumerate())
        .filter(|(i, r)| r.parent.is_none() && !cov.leaf[*i])
        .map(|(i, _)| GroupCounts {
            req: req_row(model, at(i)),
            counts: counts_view(cov.counts(frameworks, Some(i))),
        })
        .collect();
    let mut depth = vec![0usize; f.requirements.len()];
    let tree = (f.requirements.iter().enumerate())
        .map(|(i, r)| {
            depth[i] = r.parent.map_or(0, |p| depth[p] + 1);
            let docs = &cov.documents[i];
            let shown = docs.len().min(SOA_DOCS);
            TreeRow {
                req: req_row(model, at(i)),
                depth: depth[i],
                leaf: cov.leaf[i],
                documents: views.docs_of(&docs[..shown]),
                more: docs.len() - shown,
                derived: cov.derived[i].len(),
                excluded: frameworks.exclusion(at(i)),
            }
        })
        .collect();
    IndexShown {
        framework: info(model, fw),
        counts: counts_view(cov.counts(frameworks, None)),
        groups,
        tree,
    }
}

/// A cell of a framework matrix: `direct` (the document names the requirement), `derived`
/// (with the path, for its title) or empty.
#[derive(Serialize, Hash)]
struct Cell {
    mark: &'static str,
    path: String,
}

#[derive(Serialize, Hash)]
struct Row<'a> {
    doc: DocRow<'a>,
    cells: Vec<Cell>,
}

/// One table of a framework matrix: a top-level group's leaves as columns.
#[derive(Serialize, Hash)]
struct GroupMatrix<'a> {
    /// The anchor of its section.
    anchor: String,
    title: String,
    columns: Vec<ReqRow<'a>>,
    rows: Vec<Row<'a>>,
}

/// What a part of a framework matrix shows.
#[derive(Serialize, Hash)]
pub(super) struct MatrixShown<'a> {
    framework: FrameworkInfo<'a>,
    groups: Vec<GroupMatrix<'a>>,
    pager: Pager,
}

fn matrix_shown<'a>(
    model: &'a Model,
    views: &Views<'a>,
    plan: &Plan,
    c: usize,
    n: usize,
) -> MatrixShown<'a> {
    let cov = &model.coverage.frameworks[c];
    let fw = cov.framework;
    let f = &model.frameworks.list[fw];
    let at = |requirement| ReqRef {
        framework: fw,
        requirement,
    };
    // Each leaf under its top-level requirement; top-level leaves together at the end.
    let top = |mut i: usize| {
        while let Some(p) = f.requirements[i].parent {
            i = p;
        }
        i
    };
    let mut groups: Vec<(Option<usize>, Vec<usize>)> = Vec::new();
    let mut loose = Vec::new();
    for i in (0..f.requirements.len()).filter(|&i| cov.leaf[i]) {
        let t = top(i);
        if t == i {
            loose.push(i);
        } else if let Some(g) = groups.iter_mut().find(|(g, _)| *g == Some(t)) {
            g.1.push(i);
        } else {
            groups.push((Some(t), vec![i]));
        }
    }
    if !loose.is_empty() {
        groups.push((None, loose));
    }
    let rows_all = &plan.frameworks[c];
    let start = (n * MATRIX_ROWS).min(rows_all.len());
    let rows = &rows_all[start..(start + MATRIX_ROWS).min(rows_all.len())];
    let groups = groups
        .into_iter()
        .map(|(t, leaves)| {
            let (anchor, title) = match t {
                Some(t) => {
                    let r = &f.requirements[t];
                    let slug = &model.frameworks.slugs[fw][t];
                    let title = match &r.title {
                        Some(title) => format!("{} {title}", r.id),
                        None => r.id.clone(),
                    };
                    (format!("group-{slug}"), title)
                }
                None => (
                    "group-other".to_string(),
                    model
                        .settings
                        .strings
                        .get("text.other_requirements")
                        .to_string(),
                ),
            };
            let rows = (rows.iter())
                .filter_map(|&d| {
                    let mut any = false;
                    let cells = (leaves.iter())
                        .map(|&i| {
                            if cov.documents[i].binary_search(&d).is_ok() {
                                any = true;
                                return Cell {
                                    mark: "direct",
                                    path: String::new(),
                                };
                            }
                            match cov.derived[i].iter().find(|x| x.document == d) {
                                Some(x) => {
                                    any = true;
                                    Cell {
                                        mark: "derived",
                                        path: derived_doc(model, views, at(i), d, &x.path).text,
                                    }
                                }
                                None => Cell {
                                    mark: "",
                                    path: String::new(),
                                },
                            }
                        })
                        .collect();
                    any.then(|| Row {
                        doc: views.docs[d].clone(),
                        cells,
                    })
                })
                .collect();
            GroupMatrix {
                anchor,
                title,
                columns: leaves.iter().map(|&i| req_row(model, at(i))).collect(),
                rows,
            }
        })
        .collect();
    let base = format!("{}/matrix", model.frameworks.folder(fw));
    MatrixShown {
        framework: info(model, fw),
        groups,
        pager: Pager::new(&base, n, matrix_parts(plan, c)),
    }
}

/// A document's requirements of one framework, for its page.
#[derive(Serialize, Hash)]
pub(super) struct DocRequirements<'a> {
    name: &'a str,
    requirements: Vec<ReqRow<'a>>,
}

/// The requirements document `i` names, grouped by framework in the book's order (empty for a
/// document that names none).
pub(super) fn doc_requirements(model: &Model, i: usize) -> Vec<DocRequirements<'_>> {
    let named = &model.documents[i].requirements;
    let mut fws: Vec<usize> = named.iter().map(|r| r.framework).collect();
    fws.sort_unstable();
    fws.dedup();
    fws.into_iter()
        .map(|fw| {
            let mut mine: Vec<ReqRef> = named
                .iter()
                .copied()
                .filter(|r| r.framework == fw)
                .collect();
            mine.sort_unstable();
            DocRequirements {
                name: &model.frameworks.list[fw].name,
                requirements: mine.into_iter().map(|r| req_row(model, r)).collect(),
            }
        })
        .collect()
}

/// A framework of `[frameworks] use` on the gaps page: its uncovered leaves and its exclusions.
#[derive(Serialize, Hash)]
pub(super) struct FrameworkGaps<'a> {
    name: &'a str,
    path: String,
    uncovered: Vec<ReqRow<'a>>,
    excluded: Vec<(ReqRow<'a>, &'a str)>,
}

pub(super) fn framework_gaps(model: &Model) -> Vec<FrameworkGaps<'_>> {
    let frameworks = &model.frameworks;
    (frameworks.declared.iter())
        .filter_map(|&fw| {
            let cov = model.coverage.of_framework(fw)?;
            let at = |requirement| ReqRef {
                framework: fw,
                requirement,
            };
            Some(FrameworkGaps {
                name: &frameworks.list[fw].name,
                path: paths::encode(&format!("{}/index.html", frameworks.folder(fw))),
                uncovered: (0..cov.state.len())
                    .filter(|&i| cov.leaf[i] && cov.state[i] == State::Uncovered)
                    .map(|i| req_row(model, at(i)))
                    .collect(),
                excluded: (frameworks.excluded.iter())
                    .filter(|(r, _)| r.framework == fw)
                    .map(|(&r, reason)| (req_row(model, r), reason.as_str()))
                    .collect(),
            })
        })
        .collect()
}
