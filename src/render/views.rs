//! Plain serializable views of the model, the only data templates see.
//!
//! Paths in views are site paths, percent-encoded; templates prefix them with `root` (the way
//! back to the site root from the page being rendered), so one view serves every page.

use serde::Serialize;

use crate::model::Model;
use crate::paths;

/// The book, as every page shows it.
#[derive(Serialize)]
pub(crate) struct SiteView<'a> {
    pub title: &'a str,
    pub organization: Option<&'a str>,
    pub description: Option<&'a str>,
    pub language: &'a str,
    pub edition: &'a str,
    pub generator: String,
    /// Site paths of the book's own stylesheets and logo (`static/book/...`).
    pub extra_css: Vec<String>,
    pub logo: Option<String>,
    pub authors: Vec<&'a str>,
    /// `ltr` or `rtl`, when the book says.
    pub text_direction: Option<&'a str>,
    /// Where the site is published, ending in `/`: pages name their canonical address.
    pub site_url: Option<String>,
    /// The book's repository, linked from the header.
    pub repository: Option<&'a str>,
    /// The search box and index are on.
    pub search: bool,
    /// The print view is written.
    pub print: bool,
    /// The book uses frameworks besides ISO/IEC 27001:2022: the navigation links their list.
    pub frameworks: bool,
    /// The book keeps a risk or exception register: the navigation links the register.
    pub risks: bool,
    /// The book declares `[audiences]`: the navigation links their reading lists.
    pub audiences: bool,
    /// Built for a profile: its name, and the documents it shows of the book's.
    pub profile: Option<(&'a str, usize, usize)>,
}

/// A document as a row in a list.
#[derive(Serialize, Clone, Hash)]
pub(crate) struct DocRow<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub path: String,
    pub kind: &'a str,
    pub status: &'a str,
    /// `kind` and `status` in the book's language (see [`crate::strings`]).
    pub kind_label: &'a str,
    pub status_label: &'a str,
    pub version: &'a str,
    pub owner: &'a str,
    pub review_by: String,
}

/// A clause or control as a row in a list.
#[derive(Serialize, Clone, Hash)]
pub(crate) struct ItemRow<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub path: String,
    pub depth: usize,
    /// Documents that list it in their front matter.
    pub count: usize,
    pub covered: bool,
    /// False for an Annex A control the SoA excludes (always true for clauses).
    pub applicable: bool,
}

/// A document's front matter, for its document-control block.
#[derive(Serialize, Hash)]
pub(crate) struct DocView<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub kind: Option<&'a str>,
    /// `kind` and `status` in the book's language (see [`crate::strings`]).
    pub kind_label: Option<&'a str>,
    pub status_label: &'a str,
    pub owner: Option<&'a str>,
    pub approver: Option<&'a str>,
    pub version: Option<&'a str>,
    pub status: &'a str,
    pub classification: Option<&'a str>,
    pub effective: Option<String>,
    pub review_by: Option<String>,
    pub approved_on: Option<String>,
    pub last_reviewed: Option<String>,
    pub review_interval: Option<String>,
    /// Its review date is before the as-of date.
    pub overdue: bool,
    pub tags: &'a [String],
    pub source: String,
    /// The organisation's own fields as written, for templates.
    pub extra: &'a crate::yaml::Extra,
    /// The same, one line per field, for the document-control block.
    pub extra_rows: Vec<(&'a str, String)>,
    /// Where a reader proposes a change (from `edit-url-template`).
    pub edit_url: Option<String>,
}

/// A document's kind in the book's language.
fn kind_label(strings: &crate::strings::Strings, kind: crate::document::DocKind) -> &str {
    strings.get(&format!("kind.{}", kind.as_str()))
}

/// A document's status in the book's language.
fn status_label(strings: &crate::strings::Strings, status: crate::document::Status) -> &str {
    strings.get(&format!("status.{}", status.as_str()))
}

/// The document-control block's view of a document.
pub(crate) fn doc_view<'a>(model: &'a Model, n: &'a crate::model::Node) -> DocView<'a> {
    let d = &n.doc;
    DocView {
        id: &d.id,
        title: &d.title,
        kind: d.kind.map(|k| k.as_str()),
        kind_label: d.kind.map(|k| kind_label(&model.settings.strings, k)),
        status_label: status_label(&model.settings.strings, d.status),
        owner: d.owner.as_deref(),
        approver: d.approver.as_deref(),
        version: d.version.as_deref(),
        status: d.status.as_str(),
        classification: d.classification.as_deref(),
        effective: model.settings.strings.date_opt(d.effective),
        review_by: model.settings.strings.date_opt(d.review_by),
        approved_on: model.settings.strings.date_opt(d.approved_on),
        last_reviewed: model.settings.strings.date_opt(d.last_reviewed),
        review_interval: d.review_interval.map(|x| x.to_string()),
        overdue: d.review_by.is_some_and(|r| r < model.as_of)
            && d.status != crate::document::Status::Retired,
        tags: &d.tags,
        source: crate::diagnostic::display_path(
            &model.settings.config.build.content_dir.join(&d.rel),
        ),
        extra: &d.extra,
        extra_rows: d
            .extra
            .0
            .iter()
            .map(|(k, v)| (k.as_str(), v.display()))
            .collect(),
        edit_url: edit_url(model, d),
    }
}

/// The `edit-url-template` with `{path}` filled in: the document's source path from the book
/// root, as in the repository (percent-encoded, `/` kept).
pub(crate) fn edit_url(model: &Model, d: &crate::document::Document) -> Option<String> {
    let template = model
        .settings
        .config
        .output
        .html
        .edit_url_template
        .as_ref()?;
    let source = model.settings.config.build.content_dir.join(&d.rel);
    let path: Vec<String> = source
        .components()
        .filter(|c| matches!(c, std::path::Component::Normal(_)))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(template.replace("{path}", &paths::encode(&path.join("/"))))
}

/// A count with a name, for the dashboard.
#[derive(Serialize)]
pub(crate) struct Count {
    pub name: String,
    pub count: usize,
}

/// Covered out of total, with a rounded-down percentage.
#[derive(Serialize)]
pub(crate) struct Coverage {
    pub title: String,
    pub id: String,
    pub covered: usize,
    pub total: usize,
    pub percent: usize,
}

impl Coverage {
    pub(crate) fn new(id: &str, title: &str, covered: usize, total: usize) -> Coverage {
        Coverage {
            id: id.into(),
            title: title.into(),
            covered,
            total,
            percent: (covered * 100).checked_div(total).unwrap_or(0),
        }
    }
}

/// Views built once and shared by many pages.
pub(crate) struct Views<'a> {
    /// Pages keep their data as JSON to be hashed (see `render::Data`): under `serve`.
    pub keyed: bool,
    pub docs: Vec<DocRow<'a>>,
    pub clauses: Vec<ItemRow<'a>>,
    pub controls: Vec<ItemRow<'a>>,
    /// The theme's words in the book's language.
    pub strings: &'a crate::strings::Strings,
}

impl<'a> Views<'a> {
    pub(crate) fn new(model: &'a Model, keyed: bool) -> Views<'a> {
        let docs = model
            .documents
            .iter()
            .map(|n| {
                let d = &n.doc;
                DocRow {
                    id: &d.id,
                    title: &d.title,
                    path: paths::encode(&n.page),
                    kind: d.kind.map_or("", |k| k.as_str()),
                    status: d.status.as_str(),
                    kind_label: d
                        .kind
                        .map_or("", |k| kind_label(&model.settings.strings, k)),
                    status_label: status_label(&model.settings.strings, d.status),
                    version: d.version.as_deref().unwrap_or(""),
                    owner: d.owner.as_deref().unwrap_or(""),
                    review_by: model
                        .settings
                        .strings
                        .date_opt(d.review_by)
                        .unwrap_or_default(),
                }
            })
            .collect();
        let clauses = model
            .catalog
            .clauses
            .iter()
            .enumerate()
            .map(|(i, c)| ItemRow {
                id: &c.id,
                title: &c.title,
                path: paths::encode(&paths::clause_file(&c.id)),
                depth: c.depth,
                count: model.clause_docs[i].len(),
                covered: model.clause_covered(i),
                applicable: true,
            })
            .collect();
        let controls = model
            .catalog
            .controls
            .iter()
            .enumerate()
            .map(|(i, c)| ItemRow {
                id: &c.id,
                title: &c.title,
                path: paths::encode(&paths::control_file(&c.id)),
                depth: 0,
                count: model.control_docs[i].len(),
                covered: model.control_covered(i),
                applicable: model.applicability(i).applicable,
            })
            .collect();
        Views {
            strings: &model.settings.strings,
            keyed,
            docs,
            clauses,
            controls,
        }
    }

    pub(crate) fn docs_of(&self, indices: &[usize]) -> Vec<DocRow<'a>> {
        indices.iter().map(|&i| self.docs[i].clone()).collect()
    }

    /// The first `cap` of [`Views::docs_of`], and how many more there are: a control that a
    /// large book's every procedure names would otherwise fill a row with hundreds of links.
    pub(crate) fn docs_capped(&self, indices: &[usize], cap: usize) -> (Vec<DocRow<'a>>, usize) {
        let shown = indices.len().min(cap);
        (self.docs_of(&indices[..shown]), indices.len() - shown)
    }

    pub(crate) fn clauses_of(&self, indices: &[usize]) -> Vec<ItemRow<'a>> {
        indices.iter().map(|&i| self.clauses[i].clone()).collect()
    }

    pub(crate) fn controls_of(&self, indices: &[usize]) -> Vec<ItemRow<'a>> {
        indices.iter().map(|&i| self.controls[i].clone()).collect()
    }

    pub(crate) fn clause_refs(&self, indices: &[usize]) -> Vec<ItemRef<'a>> {
        indices.iter().map(|&i| (&self.clauses[i]).into()).collect()
    }

    pub(crate) fn control_refs(&self, indices: &[usize]) -> Vec<ItemRef<'a>> {
        indices
            .iter()
            .map(|&i| (&self.controls[i]).into())
            .collect()
    }
}

/// A clause or control as a matrix column, in a chain or in a document's references: what
/// those pages show and no more,
/// so that a document count changing elsewhere does not make every part of them render again.
#[derive(Serialize, Clone, Hash)]
pub(crate) struct ItemRef<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub path: String,
    pub depth: usize,
    pub covered: bool,
    pub applicable: bool,
}

impl<'a> From<&ItemRow<'a>> for ItemRef<'a> {
    fn from(r: &ItemRow<'a>) -> Self {
        ItemRef {
            id: r.id,
            title: r.title,
            path: r.path.clone(),
            depth: r.depth,
            covered: r.covered,
            applicable: r.applicable,
        }
    }
}

/// A row of a matrix: a document and one mark per column.
#[derive(Serialize)]
pub(crate) struct MatrixRow<'a> {
    pub doc: DocRow<'a>,
    pub cells: Vec<bool>,
}

/// A column group header of the clause matrix (clause 6 spanning its subclauses).
#[derive(Serialize)]
pub(crate) struct Group<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub path: String,
    pub span: usize,
}

/// One theme's table in the document x control matrix.
#[derive(Serialize)]
pub(crate) struct ThemeMatrix<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub columns: Vec<ItemRef<'a>>,
    pub rows: Vec<MatrixRow<'a>>,
}

/// A row of a chain table: a clause (or control), each document addressing it, and what
/// each of those documents addresses on the other side.
#[derive(Serialize)]
pub(crate) struct ChainRow<'a> {
    pub item: ItemRef<'a>,
    pub docs: Vec<ChainDoc<'a>>,
}

#[derive(Serialize)]
pub(crate) struct ChainDoc<'a> {
    pub doc: DocRow<'a>,
    pub targets: Vec<ItemRef<'a>>,
}

/// A folder of documents on the documents page.
#[derive(Serialize, Hash)]
pub(crate) struct Section<'a> {
    pub name: String,
    pub docs: Vec<DocRow<'a>>,
}
