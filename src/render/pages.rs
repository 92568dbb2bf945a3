//! The data of each page of the site: dashboard, documents, clauses, controls, SoA, reviews,
//! gaps, and the redirect pages of moved documents.

use super::*;

/// Every redirect page of the site: site path -> where it sends the reader (relative to it,
/// or a web address), sorted by path. A redirect whose path another page or file takes is
/// left out (`check` reports it), and so is one in the place of the framework pages of a book
/// that has them (`check` does not report that yet).
pub(crate) fn redirects(model: &Model) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = model
        .redirects()
        .into_iter()
        .filter(|r| r.taken_by.is_none() && !takes_framework_page(model, &r.path))
        .filter(|r| !takes_risk_page(model, &r.path))
        .filter_map(|r| Some((r.path, r.to?)))
        .collect();
    out.sort();
    out
}

/// A page that sends the reader on to `to` at once: a meta refresh (no script, so the sites'
/// content security policy holds) and a link for readers whose browser does not follow it.
pub(super) fn redirect_page(site: &SiteView, strings: &Strings, to: &str) -> String {
    let to = crate::highlight::escape_html(to);
    let link = format!("<a href=\"{to}\">{to}</a>");
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{moved} · {title}</title>\n<meta http-equiv=\"refresh\" content=\"0; url={to}\">\n<link rel=\"canonical\" href=\"{to}\">\n<meta name=\"robots\" content=\"noindex\">\n</head>\n<body>\n<p>{body}</p>\n</body>\n</html>\n",
        lang = crate::highlight::escape_html(site.language),
        moved = crate::highlight::escape_html(strings.get("redirect.title")),
        title = crate::highlight::escape_html(site.title),
        body = crate::strings::fill(strings.get("redirect.moved"), |n| (n == "link").then(|| link.clone())),
    )
}

pub(super) fn index_page(model: &Model, views: &Views) -> Page {
    #[derive(Serialize)]
    struct Stats<'a> {
        documents: usize,
        by_kind: Vec<Count>,
        by_status: Vec<Count>,
        clauses: Coverage,
        controls: Coverage,
        excluded: usize,
        themes: Vec<Coverage>,
        clause_groups: Vec<Coverage>,
        soa_derived: bool,
        frameworks: Vec<FrameworkSummary<'a>>,
    }
    let docs = &model.documents;
    let mut by_kind: Vec<Count> = DocKind::ALL
        .iter()
        .map(|k| Count {
            name: k.as_str().into(),
            count: docs.iter().filter(|n| n.doc.kind == Some(*k)).count(),
        })
        .collect();
    by_kind.push(Count {
        name: "unspecified".into(),
        count: docs.iter().filter(|n| n.doc.kind.is_none()).count(),
    });
    by_kind.retain(|c| c.count > 0);
    let by_status: Vec<Count> = Status::ALL
        .iter()
        .map(|s| Count {
            name: s.as_str().into(),
            count: docs.iter().filter(|n| n.doc.status == *s).count(),
        })
        .filter(|c| c.count > 0)
        .collect();
    let cat = &model.catalog;
    let themes = cat
        .themes
        .iter()
        .enumerate()
        .map(|(t, theme)| {
            let rows: Vec<&ItemRow> = views
                .controls
                .iter()
                .zip(&cat.controls)
                .filter(|(v, c)| c.theme == t && v.applicable)
                .map(|(v, _)| v)
                .collect();
            let covered = rows.iter().filter(|c| c.covered).count();
            Coverage::new(&theme.id, &theme.title, covered, rows.len())
        })
        .collect();
    let clause_groups = cat
        .clauses
        .iter()
        .enumerate()
        .filter(|(_, c)| c.depth == 0)
        .map(|(i, c)| {
            let subtree: Vec<&ItemRow> = views.clauses[i + 1..]
                .iter()
                .take_while(|x| x.depth > 0)
                .collect();
            let covered = subtree.iter().filter(|x| x.covered).count();
            Coverage::new(
                &c.id,
                &format!("{} {}", c.id, c.title),
                covered,
                subtree.len(),
            )
        })
        .collect();
    let applicable: Vec<&ItemRow> = views.controls.iter().filter(|c| c.applicable).collect();
    let stats = Stats {
        documents: docs.len(),
        by_kind,
        by_status,
        clauses: Coverage::new(
            "clauses",
            "Clauses",
            views.clauses.iter().filter(|c| c.covered).count(),
            views.clauses.len(),
        ),
        controls: Coverage::new(
            "controls",
            "Applicable Annex A controls",
            applicable.iter().filter(|c| c.covered).count(),
            applicable.len(),
        ),
        excluded: views.controls.len() - applicable.len(),
        themes,
        clause_groups,
        soa_derived: model.soa.is_derived(),
        frameworks: summaries(model),
    };
    let uncovered_clauses: Vec<&ItemRow> = views.clauses.iter().filter(|c| !c.covered).collect();
    let uncovered_controls: Vec<&ItemRow> = views
        .controls
        .iter()
        .filter(|c| c.applicable && !c.covered)
        .collect();
    let pending: Vec<&DocRow> = docs
        .iter()
        .zip(&views.docs)
        .filter(|(n, _)| matches!(n.doc.status, Status::Draft | Status::InReview))
        .map(|(_, v)| v)
        .collect();
    let mut data = Data::new(views.keyed);
    data.insert("stats", &stats);
    data.insert("uncovered_clauses", &uncovered_clauses);
    data.insert("uncovered_controls", &uncovered_controls);
    data.insert("pending", &pending);
    data.insert("overdue", &views.docs_of(&model.gaps.overdue));
    data.insert("as_of", &model.settings.strings.date(model.as_of));
    Page {
        path: "index.html".into(),
        template: "index.html",
        nav: "index",
        title: model.settings.strings.get("title.overview").into(),
        data,
    }
}

/// What the documents page shows: its data and, under `serve`, its key.
#[derive(Serialize, Hash)]
pub(super) struct DocumentsShown<'a> {
    sections: Vec<Section<'a>>,
    total: usize,
}

pub(super) fn documents_shown<'a>(model: &'a Model, views: &Views<'a>) -> DocumentsShown<'a> {
    let mut sections: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, n) in model.documents.iter().enumerate() {
        let folder = n.doc.rel.parent().map(display_path).unwrap_or_default();
        sections.entry(folder).or_default().push(i);
    }
    let sections: Vec<Section> = sections
        .into_iter()
        .map(|(name, mut docs)| {
            docs.sort_by(|&a, &b| model.documents[a].doc.id.cmp(&model.documents[b].doc.id));
            Section {
                name,
                docs: views.docs_of(&docs),
            }
        })
        .collect();
    DocumentsShown {
        sections,
        total: model.documents.len(),
    }
}

pub(super) fn documents_page<'a>(model: &'a Model, views: &Views<'a>) -> Page {
    Page {
        path: "documents.html".into(),
        template: "documents.html",
        nav: "documents",
        title: model.settings.strings.get("title.documents").into(),
        data: Data::of(&documents_shown(model, views)),
    }
}

/// What a document's page shows besides its body: its template's data and, under `serve`, its
/// key (with the body's; see `incremental::document_page_key`) are both made from this one
/// value, so nothing the page shows can be left out of the key.
#[derive(Serialize, Hash)]
pub(super) struct DocumentShown<'a> {
    doc: DocView<'a>,
    /// As references, without their document counts: a count changing elsewhere does not
    /// make every page of a document addressing that clause or control render again.
    clauses: Vec<ItemRef<'a>>,
    controls: Vec<ItemRef<'a>>,
    related: Vec<DocRow<'a>>,
    referenced_by: Vec<DocRow<'a>>,
    /// Requirements of other frameworks it names, by framework.
    requirements: Vec<DocRequirements<'a>>,
    history: &'a [crate::history::Revision],
    /// Risks of the register it addresses.
    risks: Vec<RiskRef<'a>>,
    in_git: bool,
    versions: Vec<crate::history::ApprovedVersion>,
}

pub(super) fn document_shown<'a>(
    model: &'a Model,
    views: &Views<'a>,
    i: usize,
) -> DocumentShown<'a> {
    let n = &model.documents[i];
    let history = model.history.of(&n.doc.rel);
    DocumentShown {
        doc: doc_view(model, n),
        clauses: views.clause_refs(&n.clauses),
        controls: views.control_refs(&n.controls),
        related: views.docs_of(&n.related),
        referenced_by: views.docs_of(&model.referenced_by[i]),
        requirements: doc_requirements(model, i),
        history,
        risks: document_risks(model, i),
        in_git: model.history.head.is_some(),
        versions: crate::history::approved_versions(&n.doc, history)
            .into_iter()
            .map(|mut v| {
                // Read leniently from history: written as the language writes dates when a date.
                if let Some(d) = v.approved_on.as_deref().and_then(|d| d.parse().ok()) {
                    v.approved_on = Some(model.settings.strings.date(d));
                }
                v
            })
            .collect(),
    }
}

pub(super) fn document_page(model: &Model, views: &Views, i: usize) -> Page {
    let n = &model.documents[i];
    let shown = document_shown(model, views, i);
    let title = format!("{} {}", shown.doc.id, shown.doc.title);
    let mut data = Data::of(&shown);
    data.insert(
        "body",
        &paths::rebase(&n.body.html, &paths::root_of(&n.page)),
    );
    data.insert(
        "toc",
        &n.body
            .headings
            .iter()
            .filter(|h| h.level <= 3)
            .collect::<Vec<_>>(),
    );
    Page {
        path: n.page.clone(),
        template: "document.html",
        nav: "documents",
        title,
        data,
    }
}

pub(super) fn clauses_page(views: &Views) -> Page {
    let mut data = Data::new(views.keyed);
    data.insert("clauses", &views.clauses);
    Page {
        path: "clauses.html".into(),
        template: "clauses.html",
        nav: "clauses",
        title: views.strings.get("title.clauses").into(),
        data,
    }
}

/// What a clause's page shows: its data and, under `serve`, its key.
#[derive(Serialize, Hash)]
pub(super) struct ClauseShown<'a> {
    clause: ItemRow<'a>,
    parent: Option<ItemRow<'a>>,
    children: Vec<ItemRow<'a>>,
    documents: Vec<DocRow<'a>>,
    mentions: Vec<DocRow<'a>>,
}

pub(super) fn clause_shown<'a>(model: &Model, views: &Views<'a>, i: usize) -> ClauseShown<'a> {
    let children: Vec<usize> = (0..model.catalog.clauses.len())
        .filter(|&j| model.catalog.clauses[j].parent == Some(i))
        .collect();
    ClauseShown {
        clause: views.clauses[i].clone(),
        parent: model.catalog.clauses[i]
            .parent
            .map(|p| views.clauses[p].clone()),
        children: views.clauses_of(&children),
        documents: views.docs_of(&model.clause_docs[i]),
        mentions: views.docs_of(&without(&model.clause_mentions[i], &model.clause_docs[i])),
    }
}

pub(super) fn clause_page(model: &Model, views: &Views, i: usize) -> Page {
    let c = &model.catalog.clauses[i];
    Page {
        path: paths::clause_file(&c.id),
        template: "clause.html",
        nav: "clauses",
        title: model
            .settings
            .strings
            .text("title.clause", &[("id", &c.id), ("title", &c.title)]),
        data: Data::of(&clause_shown(model, views, i)),
    }
}

pub(super) fn controls_page(model: &Model, views: &Views) -> Page {
    #[derive(Serialize)]
    struct ThemeList<'a> {
        id: &'a str,
        title: &'a str,
        covered: usize,
        total: usize,
        controls: Vec<ItemRow<'a>>,
    }
    let cat = &model.catalog;
    let themes: Vec<ThemeList> = cat
        .themes
        .iter()
        .enumerate()
        .map(|(t, theme)| {
            let controls: Vec<ItemRow> = views
                .controls
                .iter()
                .zip(&cat.controls)
                .filter(|(_, c)| c.theme == t)
                .map(|(v, _)| v.clone())
                .collect();
            ThemeList {
                id: &theme.id,
                title: &theme.title,
                covered: controls.iter().filter(|c| c.covered).count(),
                total: controls.len(),
                controls,
            }
        })
        .collect();
    let mut data = Data::new(views.keyed);
    data.insert("themes", &themes);
    Page {
        path: "controls.html".into(),
        template: "controls.html",
        nav: "controls",
        title: model.settings.strings.get("title.controls").into(),
        data,
    }
}

/// What a control's page shows: its data and, under `serve`, its key.
#[derive(Serialize, Hash)]
pub(super) struct ControlShown<'a> {
    control: ItemRow<'a>,
    soa: crate::model::gaps::Applicability<'a>,
    soa_derived: bool,
    theme: ThemeRef<'a>,
    documents: Vec<DocRow<'a>>,
    clauses: Vec<ItemRow<'a>>,
    mentions: Vec<DocRow<'a>>,
    /// Risks of the register it treats.
    risks: Vec<RiskRef<'a>>,
    /// Its justification with the risk ids linked (empty when it names none).
    justification: Vec<Piece<'a>>,
}

/// The theme (group) of Annex A a control belongs to.
#[derive(Serialize, Hash)]
struct ThemeRef<'a> {
    id: &'a str,
    title: &'a str,
}

pub(super) fn control_shown<'a>(model: &'a Model, views: &Views<'a>, i: usize) -> ControlShown<'a> {
    let theme = &model.catalog.themes[model.catalog.controls[i].theme];
    let mut clauses: Vec<usize> = model.control_docs[i]
        .iter()
        .flat_map(|&d| model.documents[d].clauses.iter().copied())
        .collect();
    clauses.sort_unstable();
    clauses.dedup();
    ControlShown {
        control: views.controls[i].clone(),
        soa: model.applicability(i),
        soa_derived: model.soa.is_derived(),
        theme: ThemeRef {
            id: &theme.id,
            title: &theme.title,
        },
        documents: views.docs_of(&model.control_docs[i]),
        clauses: views.clauses_of(&clauses),
        mentions: views.docs_of(&without(&model.control_mentions[i], &model.control_docs[i])),
        risks: control_risks(model, i),
        justification: justification_pieces(model, i),
    }
}

pub(super) fn control_page(model: &Model, views: &Views, i: usize) -> Page {
    let c = &model.catalog.controls[i];
    Page {
        path: paths::control_file(&c.id),
        template: "control.html",
        nav: "controls",
        title: format!("{} {}", c.id, c.title),
        data: Data::of(&control_shown(model, views, i)),
    }
}

pub(super) fn soa_page(model: &Model, views: &Views) -> Page {
    #[derive(Serialize)]
    struct Row<'a> {
        control: ItemRow<'a>,
        entry: crate::model::gaps::Applicability<'a>,
        status: &'a str,
        documents: Vec<DocRow<'a>>,
        pending: Vec<DocRow<'a>>,
        /// Documents not shown (see [`SOA_DOCS`]); the control's page lists them all.
        more: usize,
        /// The justification with its risk ids linked (empty when it names none).
        justification: Vec<Piece<'a>>,
    }
    #[derive(Serialize)]
    struct ThemeRows<'a> {
        id: &'a str,
        title: &'a str,
        rows: Vec<Row<'a>>,
    }
    let cat = &model.catalog;
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let themes: Vec<ThemeRows> = cat
        .themes
        .iter()
        .enumerate()
        .map(|(t, theme)| ThemeRows {
            id: &theme.id,
            title: &theme.title,
            rows: (0..cat.controls.len())
                .filter(|&c| cat.controls[c].theme == t)
                .map(|c| {
                    let entry = model.applicability(c);
                    let status = entry.state();
                    *counts.entry(status).or_default() += 1;
                    let approved = model.approved_docs_of_control(c);
                    let pending: Vec<usize> = model.control_docs[c]
                        .iter()
                        .copied()
                        .filter(|d| !approved.contains(d))
                        .collect();
                    let shown = approved.len().min(SOA_DOCS);
                    let shown_pending = pending.len().min(SOA_DOCS - shown);
                    Row {
                        control: views.controls[c].clone(),
                        entry,
                        status,
                        documents: views.docs_of(&approved[..shown]),
                        pending: views.docs_of(&pending[..shown_pending]),
                        more: approved.len() + pending.len() - shown - shown_pending,
                        justification: justification_pieces(model, c),
                    }
                })
                .collect(),
        })
        .collect();
    let counts: Vec<Count> = [
        "implemented",
        "partial",
        "planned",
        "not-implemented",
        "undecided",
        "excluded",
    ]
    .iter()
    .filter_map(|k| {
        counts.get(k).map(|&n| Count {
            name: k.to_string(),
            count: n,
        })
    })
    .collect();
    let mut data = Data::new(views.keyed);
    data.insert("themes", &themes);
    data.insert("counts", &counts);
    data.insert("derived", &model.soa.is_derived());
    data.insert("version", &model.soa.version);
    data.insert("owner", &model.soa.owner);
    data.insert("approver", &model.soa.approver);
    data.insert("risk_styles", &has_register(model));
    Page {
        path: "soa.html".into(),
        template: "soa.html",
        nav: "soa",
        title: model.settings.strings.get("title.soa").into(),
        data,
    }
}

/// Documents by review due date, with owners, and the calendar feed beside them.
pub(super) fn reviews_page(model: &Model, views: &Views) -> Page {
    let schedule = model.review_schedule();
    let mut data = Data::new(views.keyed);
    data.insert("as_of", &model.settings.strings.date(model.as_of));
    data.insert("soon_days", &crate::model::reviews::DUE_SOON_DAYS);
    data.insert("overdue", &views.docs_of(&schedule.overdue));
    data.insert("soon", &views.docs_of(&schedule.soon));
    data.insert("later", &views.docs_of(&schedule.later));
    data.insert("undated", &views.docs_of(&schedule.undated));
    Page {
        path: "reviews.html".into(),
        template: "reviews.html",
        nav: "reviews",
        title: model.settings.strings.get("title.reviews").into(),
        data,
    }
}

pub(super) fn gaps_page(model: &Model, views: &Views) -> Page {
    #[derive(Serialize)]
    struct Excluded<'a> {
        control: ItemRow<'a>,
        documents: Vec<DocRow<'a>>,
    }
    #[derive(Serialize)]
    struct Missing<'a> {
        clause: Option<ItemRow<'a>>,
        what: &'a str,
    }
    let g = &model.gaps;
    let missing: Vec<Missing> = g
        .missing_information
        .iter()
        .map(|&i| {
            let (clause, what) = crate::model::gaps::REQUIRED_INFORMATION[i];
            Missing {
                clause: model
                    .catalog
                    .clause(clause)
                    .map(|c| views.clauses[c].clone()),
                what,
            }
        })
        .collect();
    let excluded: Vec<Excluded> = g
        .excluded_but_addressed
        .iter()
        .map(|(c, docs)| Excluded {
            control: views.controls[*c].clone(),
            documents: views.docs_of(docs),
        })
        .collect();
    let mut data = Data::new(views.keyed);
    data.insert("as_of", &model.settings.strings.date(model.as_of));
    data.insert("derived", &model.soa.is_derived());
    data.insert(
        "uncovered_controls",
        &views.controls_of(&g.uncovered_controls),
    );
    data.insert("unjustified", &views.controls_of(&g.unjustified_exclusions));
    data.insert("excluded_but_addressed", &excluded);
    data.insert("undecided", &views.controls_of(&g.undecided));
    data.insert("uncovered_clauses", &views.clauses_of(&g.uncovered_clauses));
    data.insert("missing_information", &missing);
    data.insert("overdue", &views.docs_of(&g.overdue));
    data.insert("drafts", &views.docs_of(&g.drafts));
    data.insert("frameworks", &framework_gaps(model));
    Page {
        path: "gaps.html".into(),
        template: "gaps.html",
        nav: "gaps",
        title: model.settings.strings.get("title.gaps").into(),
        data,
    }
}
