//! Which pages the site has: the list pages, and how long lists (matrices, chains) are cut
//! into parts so that no page grows with the book.

use super::*;

/// The pages that list the whole book: index, lists, matrices, chains, SoA, gaps. Matrices and
/// chains come in parts (numbered from 0), so that no page grows with the book.
#[derive(Clone, Copy)]
pub(super) enum List {
    Index,
    Documents,
    Clauses,
    Controls,
    Traceability,
    Soa,
    Gaps,
    Reviews,
    ClauseMatrix(usize),
    ControlMatrix(usize),
    Chain(usize),
    ReverseChain(usize),
    RiskChain(usize),
    Audiences,
    Reading(usize),
    /// What changed in a document since its earlier approved versions (index into
    /// [`Plan::changes`]).
    Changes(usize),
}

/// How the matrices and chains are cut into parts: indices only, cheap to compute.
pub(super) struct Plan {
    /// Documents sorted by id: the rows of the matrices.
    pub(super) by_id: Vec<usize>,
    pub(super) chain: Vec<ChainPart>,
    pub(super) reverse: Vec<ChainPart>,
    /// Per used framework: the rows of its matrix (see [`framework_rows`]).
    pub(super) frameworks: Vec<Vec<usize>>,
    /// Parts of the risk -> control -> document chain (none without a risk register).
    pub(super) risk_parts: usize,
    /// Ids of `[audiences]`: each has a reading list.
    pub(super) audience_ids: Vec<String>,
    /// Documents with an approved version before today's text in git, in order, each with
    /// its page of what changed since.
    pub(super) changes: Vec<(usize, String)>,
}

/// One part of a chain: per clause (or control), the range of its documents shown there.
pub(super) type ChainPart = Vec<(usize, std::ops::Range<usize>)>;

impl Plan {
    pub(super) fn new(model: &Model) -> Plan {
        let by_id = docs_by_id(model);
        Plan {
            frameworks: framework_rows(model, &by_id),
            by_id,
            chain: chain_parts(&model.clause_docs),
            reverse: chain_parts(&model.control_docs),
            risk_parts: model.registers.risks.len().div_ceil(RISK_CHAIN_ROWS),
            audience_ids: (model.settings.audiences().into_iter())
                .map(|(id, _)| id.to_string())
                .collect(),
            changes: (documents_with_changes(model).into_iter())
                .map(|i| (i, changes_file(&model.documents[i].doc.rel)))
                .collect(),
        }
    }

    pub(super) fn matrix_parts(&self) -> usize {
        self.by_id.len().div_ceil(MATRIX_ROWS).max(1)
    }

    pub(super) fn lists(&self) -> Vec<List> {
        let mut lists = vec![
            List::Index,
            List::Documents,
            List::Clauses,
            List::Controls,
            List::Traceability,
            List::Soa,
            List::Gaps,
            List::Reviews,
        ];
        lists.extend((0..self.matrix_parts()).map(List::ClauseMatrix));
        lists.extend((0..self.matrix_parts()).map(List::ControlMatrix));
        lists.extend((0..self.chain.len().max(1)).map(List::Chain));
        lists.extend((0..self.reverse.len().max(1)).map(List::ReverseChain));
        lists.extend((0..self.risk_parts).map(List::RiskChain));
        if !self.audience_ids.is_empty() {
            lists.push(List::Audiences);
            lists.extend((0..self.audience_ids.len()).map(List::Reading));
        }
        lists.extend((0..self.changes.len()).map(List::Changes));
        lists
    }
}

impl List {
    pub(super) fn path(self, plan: &Plan) -> String {
        match self {
            List::Index => "index.html".into(),
            List::Documents => "documents.html".into(),
            List::Clauses => "clauses.html".into(),
            List::Controls => "controls.html".into(),
            List::Traceability => "traceability.html".into(),
            List::Soa => "soa.html".into(),
            List::Gaps => "gaps.html".into(),
            List::Reviews => "reviews.html".into(),
            List::ClauseMatrix(n) => part_path("traceability/clauses", n + 1),
            List::ControlMatrix(n) => part_path("traceability/controls", n + 1),
            List::Chain(n) => part_path("traceability/chain", n + 1),
            List::ReverseChain(n) => part_path("traceability/reverse", n + 1),
            List::RiskChain(n) => part_path("traceability/risks", n + 1),
            List::Audiences => "audiences.html".into(),
            List::Reading(a) => paths::audience_file(&plan.audience_ids[a]),
            List::Changes(k) => plan.changes[k].1.clone(),
        }
    }

    pub(super) fn page(self, model: &Model, views: &Views, plan: &Plan) -> Page {
        match self {
            List::Index if model.profile.as_ref().is_some_and(|p| p.trust_page) => {
                trust_page(model, views)
            }
            List::Index => index_page(model, views),
            List::Documents => documents_page(model, views),
            List::Clauses => clauses_page(views),
            List::Controls => controls_page(model, views),
            List::Traceability => {
                let mut data = Data::new(views.keyed);
                data.insert("risk_chain", &(plan.risk_parts > 0));
                Page {
                    path: "traceability.html".into(),
                    template: "traceability.html",
                    nav: "traceability",
                    title: views.strings.get("title.traceability").into(),
                    data,
                }
            }
            List::Soa => soa_page(model, views),
            List::Gaps => gaps_page(model, views),
            List::Reviews => reviews_page(model, views),
            List::ClauseMatrix(n) => clause_matrix(model, views, plan, n),
            List::ControlMatrix(n) => control_matrix(model, views, plan, n),
            List::Chain(n) => chain_page(model, views, &plan.chain, n),
            List::ReverseChain(n) => reverse_chain_page(model, views, &plan.reverse, n),
            List::RiskChain(n) => risk_chain_page(model, views, n, plan.risk_parts),
            List::Audiences => audiences_page(model, views),
            List::Reading(a) => reading_list_page(model, views, plan, a),
            List::Changes(k) => changes_page(model, views, plan.changes[k].0),
        }
    }
}

pub(super) fn pages<'p>(
    model: &Model,
    plan: &Plan,
    print: &'p [Vec<usize>],
    lists: bool,
) -> Vec<PageSpec<'p>> {
    let mut specs: Vec<PageSpec> = Vec::new();
    if lists {
        specs.extend(plan.lists().into_iter().map(PageSpec::List));
    }
    specs.extend((0..print.len()).map(|n| PageSpec::Print(print, n)));
    specs.extend((0..model.documents.len()).map(PageSpec::Document));
    specs.extend((0..model.catalog.clauses.len()).map(PageSpec::Clause));
    specs.extend((0..model.catalog.controls.len()).map(PageSpec::Control));
    specs.extend(
        framework_pages(model, plan)
            .into_iter()
            .map(PageSpec::Framework),
    );
    specs.extend(risk_pages(model).into_iter().map(PageSpec::Risk));
    specs
}

/// Rows of documents sorted by id, for matrices.
pub(super) fn docs_by_id(model: &Model) -> Vec<usize> {
    let mut order: Vec<usize> = (0..model.documents.len()).collect();
    order.sort_by(|&a, &b| model.documents[a].doc.id.cmp(&model.documents[b].doc.id));
    order
}

/// Matrix rows (documents) per page: pages stay small however large the book, and an edit
/// renders little again.
pub(super) const MATRIX_ROWS: usize = 200;

/// Documents shown per control in the SoA, approved ones first: more make a row no one reads
/// (and a page of megabytes in a large book); the control's page lists every one.
pub(super) const SOA_DOCS: usize = 12;

/// Document rows per page of a chain.
pub(super) const CHAIN_ROWS: usize = 500;

/// Risks per page of the risk -> control -> document chain.
pub(super) const RISK_CHAIN_ROWS: usize = 100;

/// Links between the parts of a page split to stay small.
#[derive(Serialize, Hash)]
pub(super) struct Pager {
    pub(super) current: usize,
    pub(super) total: usize,
    pub(super) parts: Vec<String>,
}

impl Pager {
    /// The pager of part `n` (0-based) of `total` parts of the page `base`.
    pub(super) fn new(base: &str, n: usize, total: usize) -> Pager {
        Pager {
            current: n + 1,
            total,
            parts: (1..=total)
                .map(|p| paths::encode(&part_path(base, p)))
                .collect(),
        }
    }
}

/// Site path of part `n` (1-based) of a page split in parts: `base.html`, `base-2.html`, ...
pub(super) fn part_path(base: &str, n: usize) -> String {
    if n == 1 {
        format!("{base}.html")
    } else {
        format!("{base}-{n}.html")
    }
}

/// The title of part `n` (0-based) of `total`: `Clause × document (2 of 3)`.
pub(super) fn part_title(strings: &Strings, title: &str, n: usize, total: usize) -> String {
    let (n, total) = ((n + 1).to_string(), total.to_string());
    strings.text(
        "title.part",
        &[("title", title), ("n", &n), ("total", &total)],
    )
}

/// Part `n` (0-based) of `total` of a page split in parts, with a pager; `make` fills the data.
pub(super) fn part_page(
    base: &str,
    n: usize,
    total: usize,
    views: &Views,
    make: impl FnOnce(&mut Data) -> (&'static str, &'static str, String),
) -> Page {
    let mut data = Data::new(views.keyed);
    let (template, nav, title) = make(&mut data);
    data.insert("pager", &Pager::new(base, n, total));
    Page {
        path: part_path(base, n + 1),
        template,
        nav,
        title: if total > 1 {
            part_title(views.strings, &title, n, total)
        } else {
            title
        },
        data,
    }
}
