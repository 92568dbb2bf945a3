//! Front matter of an imported page: each policybook field derived from what the source has,
//! with where it came from, and written back as YAML that policybook's strict parser accepts.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::source::{Page, Site, Style, Val};
use super::DocReport;
use crate::catalog::Catalog;

/// The rules of derivation, printed at the top of the report.
pub const RULES: &[&str] = &[
    "id: the page's own `id` when it is a valid, unused document id; else the slug of its path (lower case, ASCII-folded, `-` between words and folders; `_index`, `index` and `README` take their folder's name), made unique ignoring case with `-2`, `-3`... in sorted path order",
    "title: the front matter's `title`; else the first H1 of the body (then removed from the body); else the title the site's navigation (mkdocs.yml nav, SUMMARY.md) gives it; else the file name",
    "type: a `type`/`doc_type`/`document_type`/`kind` field naming a type; else a tag or category naming one; else the title's last word (... Policy, Standard, Procedure, Plan, Guideline, Record, Register, Log); else a folder (`policies/` -> policy, ...); else `guideline`, the one type that does not ask for mapped clauses or controls",
    "status: `draft: true` -> draft; a `status` naming a policybook status or published/final/released/controlled/active -> approved, deprecated/archived/superseded/obsolete -> retired, review/pending -> in-review; `published: true` or `controlled: true` -> approved; else draft",
    "dates: `last_reviewed`/`reviewed`/`review_date`/`last_review` mean a review and become `last_reviewed`; `lastmod`/`last_update`/`last_modified_at`/`date` are edit or publication dates and become `last_reviewed` only when the page also states a review interval, else they stay under `extra`; `next_review`/`review_by`/`review_due` -> `review_by`",
    "owner: `owner`, `owners`, `author`, `authors` or `maintainer` (several joined by `, `); else `unassigned`, with a warning",
    "mappings: values of any front-matter key that read as ISO/IEC 27001 ids (`A.5.15`, `5.2`, `ISO27001:A.8.2`, `iso27001-2022/A.8.2`; bare numbers only under keys that name clauses, controls, ISO or 27001) become `clauses` and `controls`, checked against the built-in 2022 catalog; 2013-edition ids are listed as not translated (policybook has no 2013->2022 table)",
    "other keys: presentation and navigation keys of the site generators are dropped (listed per page); every other key goes under `extra:` unchanged",
];

/// Keys used by site generators for presentation and navigation only.
const DROPPED: &[&str] = &[
    "weight",
    "sidebar_position",
    "sidebar_label",
    "sidebar_class_name",
    "slug",
    "permalink",
    "url",
    "layout",
    "menu",
    "toc",
    "toc_max_heading_level",
    "toc_min_heading_level",
    "nav_order",
    "nav_exclude",
    "parent",
    "grand_parent",
    "has_children",
    "has_toc",
    "hide",
    "hide_title",
    "hide_table_of_contents",
    "template",
    "linkTitle",
    "pagination_label",
    "pagination_next",
    "pagination_prev",
    "custom_edit_url",
    "displayed_sidebar",
    "outputs",
    "cascade",
    "headless",
    "sitemap",
    "search_exclude",
    "comments",
    "show_toc",
    "bookCollapseSection",
    "bookToc",
    "bookHidden",
    "bookFlatSection",
    "geekdocHidden",
    "icon",
    "draft",
    "published",
    "controlled",
    "title",
    "id",
    "type",
    "doc_type",
    "document_type",
    "status",
    "tags",
    "categories",
    "aliases",
    "redirect_from",
    "owner",
    "owners",
    "author",
    "authors",
    "maintainer",
    "approver",
    "approved_by",
    "version",
    "classification",
    "effective",
    "effective_date",
    "last_reviewed",
    "reviewed",
    "review_date",
    "last_review",
    "review_interval",
    "review_cycle",
    "review_frequency",
    "next_review",
    "review_by",
    "review_due",
    "clauses",
    "controls",
];

/// Presentation keys, with why they are dropped.
fn dropped_reason(key: &str) -> Option<&'static str> {
    Some(match key {
        "weight" | "sidebar_position" | "nav_order" => {
            "page order in the old site's menu; policybook lists documents by id"
        }
        "slug" | "permalink" | "url" => "the old site's address; its links are rewritten to files",
        "layout" | "template" | "outputs" | "cascade" | "headless" | "sitemap" | "icon" => {
            "a template setting of the old site"
        }
        "sidebar_label"
        | "sidebar_class_name"
        | "linkTitle"
        | "menu"
        | "parent"
        | "grand_parent"
        | "has_children"
        | "nav_exclude"
        | "displayed_sidebar"
        | "pagination_label"
        | "pagination_next"
        | "pagination_prev"
        | "bookCollapseSection"
        | "bookFlatSection"
        | "bookHidden"
        | "geekdocHidden" => "navigation of the old site",
        "toc"
        | "toc_max_heading_level"
        | "toc_min_heading_level"
        | "has_toc"
        | "show_toc"
        | "hide"
        | "hide_title"
        | "hide_table_of_contents"
        | "bookToc"
        | "search_exclude"
        | "comments"
        | "custom_edit_url" => "a display option of the old site",
        _ => return None,
    })
}

/// A page's policybook fields and where each came from.
#[derive(Debug, Default)]
pub struct Derived {
    pub id: String,
    pub id_from: String,
    /// The source's own id, when it had a usable one.
    pub source_id: Option<String>,
    pub rel: String,
    pub title: String,
    pub title_from: String,
    pub kind: &'static str,
    pub kind_from: String,
    pub status: &'static str,
    pub status_from: String,
    pub owner: String,
    pub owner_from: String,
    pub approver: Option<String>,
    pub version: Option<String>,
    pub classification: Option<String>,
    pub effective: Option<String>,
    pub last_reviewed: Option<String>,
    pub review_interval: Option<String>,
    pub review_by: Option<String>,
    pub clauses: Vec<String>,
    pub controls: Vec<String>,
    pub tags: Vec<String>,
    pub aliases: Vec<String>,
    pub extra: Vec<(String, Val)>,
    pub mapped_from_file: bool,
    /// Report lines gathered while deriving.
    pub report: DocReport,
}

fn field<'a>(fields: &'a [(String, Val)], keys: &[&str]) -> Option<(&'a str, &'a Val)> {
    keys.iter().find_map(|k| {
        fields
            .iter()
            .find(|(f, v)| f.eq_ignore_ascii_case(k) && *v != Val::Null)
            .map(|(f, v)| (f.as_str(), v))
    })
}

/// A date `YYYY-MM-DD` from a text that starts with one (also a date-time).
fn date_of(v: &Val) -> Option<String> {
    let t = match v {
        Val::Map(m) => m
            .iter()
            .find(|(k, _)| k == "date")
            .and_then(|(_, v)| v.text())?,
        v => v.text()?,
    };
    let t = t.trim();
    let d = t.get(..10)?;
    NaiveDate::parse_from_str(d, "%Y-%m-%d")
        .ok()
        .map(|d| d.format("%Y-%m-%d").to_string())
}

fn kind_word(word: &str) -> Option<&'static str> {
    let w = word.trim().to_ascii_lowercase();
    let w = w.trim_end_matches(|c: char| !c.is_alphanumeric());
    Some(match w {
        "policy" | "policies" => "policy",
        "standard" | "standards" => "standard",
        "procedure" | "procedures" | "sop" | "sops" | "process" | "processes" | "runbook"
        | "runbooks" => "procedure",
        "guideline" | "guidelines" | "guide" | "guides" | "guidance" | "handbook" => "guideline",
        "plan" | "plans" => "plan",
        "record" | "records" | "register" | "registers" | "log" | "logs" => "record",
        _ => return None,
    })
}

fn status_word(word: &str) -> Option<&'static str> {
    Some(match word.trim().to_ascii_lowercase().as_str() {
        "approved" | "published" | "final" | "released" | "controlled" | "active" | "effective"
        | "current" => "approved",
        "draft" | "wip" | "proposed" | "new" => "draft",
        "in-review" | "in review" | "review" | "under review" | "pending" | "pending approval" => {
            "in-review"
        }
        "retired" | "deprecated" | "archived" | "superseded" | "obsolete" | "withdrawn" => {
            "retired"
        }
        _ => return None,
    })
}

/// Derives every field of one page except its final id (see [`assign_ids`]).
pub fn derive(rel: &str, page: &Page, site: &Site, catalog: &Catalog) -> Derived {
    let f = &page.fields;
    let mut d = Derived {
        rel: rel.to_string(),
        ..Derived::default()
    };
    let consumed: std::cell::RefCell<BTreeSet<String>> = Default::default();
    let take = |keys: &[&str]| -> Option<(String, Val)> {
        let (k, v) = field(f, keys)?;
        consumed.borrow_mut().insert(k.to_string());
        Some((k.to_string(), v.clone()))
    };

    // id
    if let Some((k, v)) = take(&["id"]) {
        match v.text() {
            Some(t)
                if crate::document::is_valid_id(t.trim())
                    && catalog.clause(t.trim()).is_none()
                    && catalog.control(t.trim()).is_none() =>
            {
                d.source_id = Some(t.trim().to_string());
            }
            other => d.report.warnings.push(format!(
                "the source's `{k}: {}` is not a valid policybook id; the path's slug is used",
                other.unwrap_or_default()
            )),
        }
    }

    // title
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let stem = name.rsplit_once('.').map_or(name, |x| x.0);
    if let Some(t) = take(&["title"])
        .and_then(|(_, v)| v.text())
        .filter(|t| !t.trim().is_empty())
    {
        d.title = t.trim().to_string();
        d.title_from = "front matter `title`".into();
    } else if let Some((t, _)) = super::body::first_h1(&page.body) {
        d.title = t;
        d.title_from = "the first H1 of the body".into();
    } else if let Some(t) = site.nav_titles.get(rel) {
        d.title = t.clone();
        d.title_from = "the site's navigation".into();
    } else {
        let base = if matches!(
            stem.to_ascii_lowercase().as_str(),
            "_index" | "index" | "readme"
        ) {
            rel.rsplit('/')
                .nth(1)
                .unwrap_or(&site_title_or(site))
                .to_string()
        } else {
            stem.to_string()
        };
        d.title = humanize(&base);
        d.title_from = "the file name".into();
    }

    // tags
    for (_, v) in [take(&["tags"]), take(&["categories"]), take(&["keywords"])]
        .into_iter()
        .flatten()
    {
        for t in v.texts() {
            let t = t.trim().to_string();
            if !t.is_empty() && !d.tags.contains(&t) {
                d.tags.push(t);
            }
        }
    }

    // type
    let typed = take(&["type", "doc_type", "document_type", "kind"]);
    if let Some((k, v)) = &typed {
        if let Some(kind) = v.text().and_then(|t| kind_word(&t)) {
            d.kind = kind;
            d.kind_from = format!("front matter `{k}`");
        }
    }
    if d.kind.is_empty() {
        if let Some(t) = d.tags.iter().find_map(|t| kind_word(t)) {
            d.kind = t;
            d.kind_from = "a tag or category".into();
        }
    }
    if d.kind.is_empty() {
        if let Some(kind) = d.title.split_whitespace().last().and_then(kind_word) {
            d.kind = kind;
            d.kind_from = "the title's last word".into();
        }
    }
    if d.kind.is_empty() {
        let folders: Vec<&str> = rel.split('/').collect();
        if let Some((folder, kind)) = folders[..folders.len() - 1]
            .iter()
            .rev()
            .find_map(|f| kind_word(f).map(|k| (f, k)))
        {
            d.kind = kind;
            d.kind_from = format!("the folder `{folder}/`");
        }
    }
    if d.kind.is_empty() {
        d.kind = "guideline";
        d.kind_from = "default: nothing names a type".into();
    }
    if let Some((k, v)) = typed {
        if v.text().and_then(|t| kind_word(&t)).is_none() {
            // Hugo's `type` picks a layout; keep it for the record.
            consumed.borrow_mut().remove(&k);
        }
    }

    // status
    let draft = take(&["draft"]);
    let status = take(&["status", "state"]);
    let published = take(&["published", "controlled"]);
    if let Some((k, v)) = draft.as_ref().filter(|(_, v)| v.truthy() == Some(true)) {
        let _ = v;
        d.status = "draft";
        d.status_from = format!("`{k}: true`");
    } else if let Some((k, s)) = status
        .as_ref()
        .and_then(|(k, v)| v.text().and_then(|t| status_word(&t)).map(|s| (k, s)))
    {
        d.status = s;
        d.status_from = format!("front matter `{k}`");
    } else if let Some((k, v)) = published.as_ref().filter(|(_, v)| v.truthy().is_some()) {
        d.status = if v.truthy() == Some(true) {
            "approved"
        } else {
            "draft"
        };
        d.status_from = format!("`{k}: {}`", v.truthy() == Some(true));
    } else {
        d.status = "draft";
        d.status_from = "default: the source does not mark it published or controlled".into();
    }
    if let Some((k, v)) = status {
        if v.text().and_then(|t| status_word(&t)).is_none() {
            consumed.borrow_mut().remove(&k);
        }
    }

    // people and plain fields
    if let Some((k, v)) = take(&[
        "owner",
        "owners",
        "author",
        "authors",
        "maintainer",
        "document_owner",
    ]) {
        let names: Vec<String> = match &v {
            Val::List(items) => items.iter().filter_map(person).collect(),
            v => person(v).into_iter().collect(),
        };
        if names.is_empty() {
            consumed.borrow_mut().remove(&k);
        } else {
            d.owner = names.join(", ");
            d.owner_from = format!("front matter `{k}`");
        }
    }
    if d.owner.is_empty() {
        d.owner = "unassigned".into();
        d.owner_from = "default".into();
        d.report
            .warnings
            .push("no owner in the source: `owner: unassigned`; name the document's owner".into());
    }
    let text_field =
        |keys: &[&str], d_field: &mut Option<String>, what: &str, fields: &mut Vec<String>| {
            if let Some((k, v)) = take(keys) {
                if let Some(t) = v.text().filter(|t| !t.trim().is_empty()) {
                    *d_field = Some(t.trim().to_string());
                    fields.push(format!("{what} from `{k}`"));
                }
            }
        };
    let mut notes = Vec::new();
    text_field(
        &["approver", "approved_by"],
        &mut d.approver,
        "approver",
        &mut notes,
    );
    text_field(&["version"], &mut d.version, "version", &mut notes);
    text_field(
        &["classification", "confidentiality"],
        &mut d.classification,
        "classification",
        &mut notes,
    );
    let mut interval = None;
    if let Some((k, v)) = take(&[
        "review_interval",
        "review_cycle",
        "review_frequency",
        "review_period",
    ]) {
        match v
            .text()
            .filter(|t| crate::document::Interval::parse(t).is_some())
        {
            Some(t) => {
                interval = Some(t.trim().to_string());
                notes.push(format!("review_interval from `{k}`"));
            }
            None => {
                d.report.warnings.push(format!(
                    "`{k}` is not an interval policybook reads; kept under extra"
                ));
                consumed_remove(&mut d.extra, &k, &v);
            }
        }
    }
    let date_field = |keys: &[&str],
                      what: &str,
                      d_field: &mut Option<String>,
                      notes: &mut Vec<String>,
                      d_extra: &mut Vec<(String, Val)>,
                      warns: &mut Vec<String>| {
        if let Some((k, v)) = take(keys) {
            match date_of(&v) {
                Some(date) => {
                    *d_field = Some(date);
                    notes.push(format!("{what} from `{k}`"));
                }
                None => {
                    warns.push(format!("`{k}` is not a YYYY-MM-DD date; kept under extra"));
                    d_extra.push((k, v));
                }
            }
        }
    };
    let mut warns = Vec::new();
    let mut extra_early = Vec::new();
    date_field(
        &["effective", "effective_date"],
        "effective",
        &mut d.effective,
        &mut notes,
        &mut extra_early,
        &mut warns,
    );
    date_field(
        &["next_review", "review_by", "review_due", "next_review_date"],
        "review_by",
        &mut d.review_by,
        &mut notes,
        &mut extra_early,
        &mut warns,
    );
    date_field(
        &[
            "last_reviewed",
            "reviewed",
            "review_date",
            "last_review",
            "reviewed_on",
        ],
        "last_reviewed",
        &mut d.last_reviewed,
        &mut notes,
        &mut extra_early,
        &mut warns,
    );
    if d.last_reviewed.is_none() && interval.is_some() {
        date_field(
            &["lastmod", "last_update", "last_modified_at", "date"],
            "last_reviewed (an edit date, with the page's review interval)",
            &mut d.last_reviewed,
            &mut notes,
            &mut extra_early,
            &mut warns,
        );
    }
    if d.last_reviewed.is_some() && interval.is_none() && d.review_by.is_none() {
        notes.push("the source gives a review date but no interval: add `review_interval`".into());
    }
    d.review_interval = interval;
    d.report.fields = notes;
    d.report.warnings.extend(warns);
    d.extra.extend(extra_early);

    // aliases
    for (k, v) in [take(&["aliases"]), take(&["redirect_from"])]
        .into_iter()
        .flatten()
    {
        for a in v.texts() {
            let a = a.trim().to_string();
            if crate::paths::redirect_file(&a).is_some() {
                if !d.aliases.contains(&a) {
                    d.aliases.push(a);
                }
            } else {
                d.report.warnings.push(format!(
                    "alias `{a}` from `{k}` is not a path inside the site; dropped"
                ));
            }
        }
    }

    // mappings, from every key
    let mut mapped_keys = BTreeSet::new();
    for (k, v) in f {
        if matches!(
            k.as_str(),
            "title" | "version" | "weight" | "date" | "lastmod" | "id" | "sidebar_position"
        ) {
            continue;
        }
        let hint = key_names_iso(k);
        let mut all = true;
        let mut any = false;
        collect_refs(v, hint, catalog, &mut d, &mut all, &mut any, k);
        if any && all {
            mapped_keys.insert(k.clone());
        }
    }

    // The rest: dropped or under extra.
    for (k, v) in f {
        if mapped_keys.contains(k) {
            consumed.borrow_mut().insert(k.clone());
            continue;
        }
        if consumed.borrow().contains(k) || d.extra.iter().any(|(e, _)| e == k) {
            if dropped_reason(k).is_some() {
                d.report
                    .dropped_keys
                    .push(format!("{k}: {}", dropped_reason(k).unwrap_or("")));
            }
            continue;
        }
        if k == "extra" {
            if let Val::Map(m) = v {
                for (ek, ev) in m {
                    d.extra.push((ek.clone(), ev.clone()));
                }
                continue;
            }
        }
        if *v == Val::Null {
            d.report.dropped_keys.push(format!("{k}: empty"));
            continue;
        }
        match dropped_reason(k) {
            Some(why) => d.report.dropped_keys.push(format!("{k}: {why}")),
            None => d.extra.push((k.clone(), v.clone())),
        }
    }
    let _ = DROPPED;
    d.extra.sort_by(|a, b| a.0.cmp(&b.0));
    d.extra.dedup_by(|a, b| a.0 == b.0);
    d.report.extra_keys = d.extra.iter().map(|(k, _)| k.clone()).collect();
    if let Some(n) = site.nav_order.get(rel) {
        d.report.fields.push(format!(
            "position {} in the site's navigation (not kept: policybook orders documents by id)",
            n + 1
        ));
    }
    d
}

fn consumed_remove(extra: &mut Vec<(String, Val)>, k: &str, v: &Val) {
    extra.push((k.to_string(), v.clone()));
}

fn site_title_or(site: &Site) -> String {
    site.title.clone().unwrap_or_else(|| "Home".into())
}

fn person(v: &Val) -> Option<String> {
    match v {
        Val::Map(m) => m
            .iter()
            .find(|(k, _)| k == "name")
            .and_then(|(_, v)| v.text()),
        v => v.text(),
    }
    .map(|s| s.trim().to_string())
    .filter(|s| !s.is_empty())
}

/// `access-control_policy` -> `Access control policy`.
fn humanize(stem: &str) -> String {
    let words = stem.replace(['-', '_'], " ");
    let words = words.trim();
    let mut c = words.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => "Untitled".into(),
    }
}

/// Whether a key's name says its values are ISO 27001 references (bare numbers allowed).
fn key_names_iso(k: &str) -> Option<&'static str> {
    let l = k.to_ascii_lowercase();
    if l.contains("control") || l.contains("annex") {
        Some("control")
    } else if l.contains("clause")
        || l.contains("iso")
        || l.contains("27001")
        || l.contains("requirement")
        || l.contains("mapping")
        || l.contains("compliance")
    {
        Some("any")
    } else {
        None
    }
}

/// Reads one reference; `Ok(Some((is_control, id)))`, `Err(note)` for a recognised but unusable
/// id, `Ok(None)` for a value that is no reference.
pub fn parse_ref(
    raw: &str,
    hint: Option<&str>,
    catalog: &Catalog,
) -> Result<Option<(bool, String)>, String> {
    let mut t = raw.trim().to_string();
    let lower = t.to_ascii_lowercase();
    let mut explicit = false;
    for prefix in [
        "iso/iec 27001:2022",
        "iso/iec 27001:2013",
        "iso 27001:2022",
        "iso 27001:2013",
        "iso27001:2022",
        "iso27001:2013",
        "iso27001-2022/",
        "iso27001-2013/",
        "iso27001/",
        "iso27001:",
        "iso 27001",
        "iso27001",
        "27001:",
    ] {
        if lower.starts_with(prefix) {
            explicit = true;
            if prefix.contains("2013") {
                t = format!(
                    "2013:{}",
                    t[prefix.len()..].trim_start_matches([':', '/', ' ', '-'])
                );
            } else {
                t = t[prefix.len()..]
                    .trim_start_matches([':', '/', ' ', '-'])
                    .to_string();
            }
            break;
        }
    }
    let edition_2013 = t.starts_with("2013:");
    let t = t.trim_start_matches("2013:").trim();
    let t = t
        .strip_prefix("Clause ")
        .or_else(|| t.strip_prefix("clause "))
        .unwrap_or(t)
        .trim();
    let (annex, rest) = match t.strip_prefix("A.").or_else(|| t.strip_prefix("a.")) {
        Some(r) => (true, r),
        None => match t
            .strip_prefix('A')
            .filter(|r| r.starts_with(|c: char| c.is_ascii_digit()))
        {
            Some(r) => (true, r),
            None => (false, t),
        },
    };
    let parts: Vec<&str> = rest.split('.').collect();
    if parts.is_empty()
        || parts.len() > 3
        || !parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Ok(None);
    }
    let first: u32 = parts[0].parse().unwrap_or(0);
    let is_control =
        annex || (hint == Some("control") && parts.len() >= 2 && (5..=8).contains(&first));
    if !annex && !explicit && hint.is_none() {
        return Ok(None);
    }
    if is_control {
        let id = format!("A.{rest}");
        if edition_2013 || parts.len() == 3 || (9..=18).contains(&first) {
            return Err(format!("`{raw}` is an ISO/IEC 27001:2013 control id: not translated (policybook has no 2013->2022 table); map it by hand"));
        }
        if catalog.control(&id).is_some() {
            return Ok(Some((true, id)));
        }
        return Err(format!(
            "`{raw}` is not an ISO/IEC 27001:2022 Annex A control: not mapped"
        ));
    }
    if edition_2013 {
        return Err(format!(
            "`{raw}` is an ISO/IEC 27001:2013 clause: not translated; map it by hand"
        ));
    }
    if !(4..=10).contains(&first) {
        return Ok(None);
    }
    if catalog.clause(rest).is_some() {
        return Ok(Some((false, rest.to_string())));
    }
    Err(format!(
        "`{raw}` is not an ISO/IEC 27001:2022 clause: not mapped"
    ))
}

#[allow(clippy::too_many_arguments)]
fn collect_refs(
    v: &Val,
    hint: Option<&'static str>,
    catalog: &Catalog,
    d: &mut Derived,
    all: &mut bool,
    any: &mut bool,
    key: &str,
) {
    match v {
        Val::List(items) => items
            .iter()
            .for_each(|i| collect_refs(i, hint, catalog, d, all, any, key)),
        Val::Map(m) => {
            for (k, v) in m {
                collect_refs(
                    v,
                    key_names_iso(k).or(hint),
                    catalog,
                    d,
                    all,
                    any,
                    &format!("{key}.{k}"),
                );
            }
        }
        Val::Str(s) => {
            // `A.5.15, A.5.16` in one string.
            for part in s.split([',', ';']).map(str::trim).filter(|p| !p.is_empty()) {
                match parse_ref(part, hint, catalog) {
                    Ok(Some((control, id))) => {
                        *any = true;
                        d.add_ref(control, id, &format!("front matter `{key}`"));
                    }
                    Ok(None) => *all = false,
                    Err(note) => {
                        *any = true;
                        d.report
                            .mapping_notes
                            .push(format!("{note} (front matter `{key}`)"));
                    }
                }
            }
        }
        Val::Num(n) if hint.is_some() => match parse_ref(n, hint, catalog) {
            Ok(Some((control, id))) => {
                *any = true;
                d.add_ref(
                    control,
                    id,
                    &format!("front matter `{key}` (a bare number)"),
                );
            }
            _ => *all = false,
        },
        _ => *all = false,
    }
}

impl Derived {
    /// Adds a clause or control once, noting where it came from.
    pub fn add_ref(&mut self, control: bool, id: String, from: &str) {
        let list = if control {
            &mut self.controls
        } else {
            &mut self.clauses
        };
        if !list.contains(&id) {
            list.push(id.clone());
            self.report.mapping_notes.push(format!("{id} from {from}"));
        }
    }

    /// Copies the derived fields into the page's report.
    pub fn fill_report(&self, r: &mut DocReport) {
        r.id = self.id.clone();
        r.id_from = self.id_from.clone();
        r.title = self.title.clone();
        r.title_from = self.title_from.clone();
        r.kind = self.kind.into();
        r.type_from = self.kind_from.clone();
        r.status = self.status.into();
        r.status_from = self.status_from.clone();
        r.owner = self.owner.clone();
        r.owner_from = self.owner_from.clone();
        r.fields = self.report.fields.clone();
        r.clauses = sorted_ids(&self.clauses);
        r.controls = sorted_ids(&self.controls);
        r.mapping_notes = self.report.mapping_notes.clone();
        r.extra_keys = self.report.extra_keys.clone();
        r.dropped_keys = self.report.dropped_keys.clone();
        let mut w = self.report.warnings.clone();
        w.append(&mut r.warnings);
        r.warnings = w;
    }

    /// The YAML front matter (without the `---` lines).
    pub fn yaml(&self) -> String {
        let mut y = String::new();
        let mut line = |k: &str, v: &str| y.push_str(&format!("{k}: {}\n", yq(v)));
        line("id", &self.id);
        line("title", &self.title);
        line("type", self.kind);
        line("status", self.status);
        line("owner", &self.owner);
        for (k, v) in [
            ("approver", &self.approver),
            ("version", &self.version),
            ("classification", &self.classification),
            ("effective", &self.effective),
            ("last_reviewed", &self.last_reviewed),
            ("review_interval", &self.review_interval),
            ("review_by", &self.review_by),
        ] {
            if let Some(v) = v {
                line(k, v);
            }
        }
        let mut list = |k: &str, items: &[String]| {
            if !items.is_empty() {
                let items: Vec<String> = items.iter().map(|i| yq(i)).collect();
                y.push_str(&format!("{k}: [{}]\n", items.join(", ")));
            }
        };
        list("clauses", &sorted_ids(&self.clauses));
        list("controls", &sorted_ids(&self.controls));
        list("tags", &self.tags);
        list("aliases", &self.aliases);
        if !self.extra.is_empty() {
            y.push_str("extra:\n");
            for (k, v) in &self.extra {
                write_val(&mut y, 1, k, v);
            }
        }
        y
    }
}

/// Ids in the standard's order (`A.5.2` before `A.5.10`).
fn sorted_ids(ids: &[String]) -> Vec<String> {
    let mut v = ids.to_vec();
    let key = |s: &String| -> Vec<u32> {
        s.trim_start_matches("A.")
            .split('.')
            .map(|p| p.parse().unwrap_or(0))
            .collect()
    };
    v.sort_by_key(key);
    v
}

/// A YAML double-quoted string: the escapes of TOML's basic strings, which YAML reads the same.
pub fn yq(s: &str) -> String {
    super::toml_str(s)
}

fn scalar(v: &Val) -> Option<String> {
    Some(match v {
        Val::Str(s) | Val::Date(s) => yq(s),
        Val::Num(n) => {
            // Keep numbers as numbers only when YAML reads them back the same way.
            if n.parse::<f64>().is_ok_and(|f| f.is_finite()) && !n.contains(['e', 'E']) {
                n.clone()
            } else {
                yq(n)
            }
        }
        Val::Bool(b) => b.to_string(),
        Val::Null => "null".into(),
        Val::List(items) if items.is_empty() => "[]".into(),
        Val::Map(m) if m.is_empty() => "{}".into(),
        _ => return None,
    })
}

fn write_val(y: &mut String, depth: usize, key: &str, v: &Val) {
    let pad = "  ".repeat(depth);
    if let Some(s) = scalar(v) {
        y.push_str(&format!("{pad}{}: {s}\n", yq(key)));
        return;
    }
    match v {
        Val::List(items) if items.iter().all(|i| scalar(i).is_some()) => {
            let items: Vec<String> = items.iter().filter_map(scalar).collect();
            y.push_str(&format!("{pad}{}: [{}]\n", yq(key), items.join(", ")));
        }
        Val::List(items) => {
            y.push_str(&format!("{pad}{}:\n", yq(key)));
            for i in items {
                match i {
                    Val::Map(m) if !m.is_empty() => {
                        y.push_str(&format!("{pad}  -\n"));
                        for (k, v) in m {
                            write_val(y, depth + 2, k, v);
                        }
                    }
                    Val::List(_) => {
                        y.push_str(&format!("{pad}  -\n"));
                        write_val_list_item(y, depth + 2, i);
                    }
                    other => {
                        y.push_str(&format!("{pad}  - {}\n", scalar(other).unwrap_or_default()))
                    }
                }
            }
        }
        Val::Map(m) => {
            y.push_str(&format!("{pad}{}:\n", yq(key)));
            for (k, v) in m {
                write_val(y, depth + 1, k, v);
            }
        }
        _ => {}
    }
}

/// A list nested in a list, written as a flow sequence of its text.
fn write_val_list_item(y: &mut String, depth: usize, v: &Val) {
    let pad = "  ".repeat(depth);
    let items: Vec<String> = v.texts().iter().map(|t| yq(t)).collect();
    y.push_str(&format!("{pad}[{}]\n", items.join(", ")));
}

/// ASCII-folded, lower-case, `-`-separated slug of a text.
pub fn slug(text: &str) -> String {
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
pub fn path_slug(rel: &str) -> String {
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
pub fn assign_ids<'a>(pages: impl Iterator<Item = &'a mut Derived>, catalog: &Catalog) {
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

/// The URL folder a page is published at, for resolving relative links in its body.
pub fn page_url(rel: &str, style: Style) -> String {
    let no_ext = rel.rsplit_once('.').map_or(rel, |x| x.0);
    let (dir, stem) = no_ext.rsplit_once('/').unwrap_or(("", no_ext));
    let index = matches!(
        stem.to_ascii_lowercase().as_str(),
        "_index" | "index" | "readme"
    );
    let prefix = if style == Style::Docusaurus {
        "/docs"
    } else {
        ""
    };
    match style {
        Style::Hugo | Style::MkDocs | Style::Docusaurus if !index => format!("{prefix}/{no_ext}/"),
        _ if dir.is_empty() => format!("{prefix}/"),
        _ => format!("{prefix}/{dir}/"),
    }
}

/// A lookup key for a site path: no slashes around it, no `.html`/`.md`, no `/index`, lower case.
pub fn url_key(path: &str) -> String {
    let p = path.trim_matches('/');
    let p = p
        .strip_suffix(".html")
        .or_else(|| p.strip_suffix(".md"))
        .or_else(|| p.strip_suffix(".markdown"))
        .unwrap_or(p);
    let p = if p == "index" || p == "_index" || p.eq_ignore_ascii_case("readme") {
        ""
    } else {
        p.strip_suffix("/index")
            .or_else(|| p.strip_suffix("/_index"))
            .or_else(|| p.strip_suffix("/README"))
            .unwrap_or(p)
    };
    p.to_lowercase()
}

/// Every site path a page could be linked by in its old site.
pub fn url_keys(rel: &str, fields: &[(String, Val)], style: Style) -> Vec<String> {
    let mut keys = vec![url_key(rel)];
    let dir = rel.rsplit_once('/').map_or("", |x| x.0);
    let hugo_like = rel.to_lowercase().replace(' ', "-");
    keys.push(url_key(&hugo_like));
    if style == Style::Docusaurus {
        keys.push(url_key(&format!("docs/{rel}")));
    }
    let get = |k: &str| {
        fields
            .iter()
            .find(|(f, _)| f == k)
            .and_then(|(_, v)| v.text())
    };
    for k in ["url", "permalink"] {
        if let Some(u) = get(k) {
            keys.push(url_key(&u));
        }
    }
    if let Some(s) = get("slug") {
        if let Some(abs) = s.strip_prefix('/') {
            keys.push(url_key(abs));
            keys.push(url_key(&format!("docs/{abs}")));
        } else {
            keys.push(url_key(&format!("{dir}/{s}")));
            keys.push(url_key(&format!("docs/{dir}/{s}")));
        }
    }
    for k in ["aliases", "redirect_from"] {
        if let Some((_, v)) = fields.iter().find(|(f, _)| f == k) {
            keys.extend(v.texts().iter().map(|a| url_key(a)));
        }
    }
    keys.sort();
    keys.dedup();
    keys
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

    #[test]
    fn references_are_read() {
        let c = Catalog::iso27001_2022();
        assert_eq!(
            parse_ref("A.5.15", None, &c),
            Ok(Some((true, "A.5.15".into())))
        );
        assert_eq!(
            parse_ref("ISO27001:A.8.2", None, &c),
            Ok(Some((true, "A.8.2".into())))
        );
        assert_eq!(
            parse_ref("iso27001-2022/A.8.2", None, &c),
            Ok(Some((true, "A.8.2".into())))
        );
        assert_eq!(
            parse_ref("5.2", Some("any"), &c),
            Ok(Some((false, "5.2".into())))
        );
        assert_eq!(parse_ref("5.2", None, &c), Ok(None));
        assert_eq!(
            parse_ref("5.15", Some("control"), &c),
            Ok(Some((true, "A.5.15".into())))
        );
        assert!(parse_ref("A.9.2.1", None, &c).unwrap_err().contains("2013"));
        assert_eq!(parse_ref("hello", Some("any"), &c), Ok(None));
    }

    #[test]
    fn yaml_quotes_every_string() {
        assert_eq!(yq("1.10"), "\"1.10\"");
        assert_eq!(yq("say \"hi\"\n"), "\"say \\\"hi\\\"\\n\"");
    }
}
