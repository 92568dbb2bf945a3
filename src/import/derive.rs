//! Each policybook field of one page derived from what its source has, by the rules the report
//! prints first, so that every guess (id, title, type, status, owner, dates, other keys) can be
//! explained.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::fields::Derived;
use super::mappings::{collect_refs, key_names_iso};
use super::source::{Page, Site, Val};
use super::vocabulary::{dropped_reason, kind_word, status_word, DROPPED};
use crate::catalog::Catalog;

/// The rules of derivation, printed at the top of the report.
pub(super) const RULES: &[&str] = &[
    "id: the page's own `id` when it is a valid, unused document id; else the slug of its path (lower case, ASCII-folded, `-` between words and folders; `_index`, `index` and `README` take their folder's name), made unique ignoring case with `-2`, `-3`... in sorted path order",
    "title: the front matter's `title`; else the first H1 of the body (then removed from the body); else the title the site's navigation (mkdocs.yml nav, SUMMARY.md) gives it; else the file name",
    "type: a `type`/`doc_type`/`document_type`/`kind` field naming a type; else a tag or category naming one; else the title's last word (... Policy, Standard, Procedure, Plan, Guideline, Record, Register, Log); else a folder (`policies/` -> policy, ...); else `guideline`, the one type that does not ask for mapped clauses or controls",
    "status: `draft: true` -> draft; a `status` naming a policybook status or published/final/released/controlled/active -> approved, deprecated/archived/superseded/obsolete -> retired, review/pending -> in-review; `published: true` or `controlled: true` -> approved; else draft",
    "dates: `last_reviewed`/`reviewed`/`review_date`/`last_review` mean a review and become `last_reviewed`; `lastmod`/`last_update`/`last_modified_at`/`date` are edit or publication dates and become `last_reviewed` only when the page also states a review interval, else they stay under `extra`; `next_review`/`review_by`/`review_due` -> `review_by`",
    "owner: `owner`, `owners`, `author`, `authors` or `maintainer` (several joined by `, `); else `unassigned`, with a warning",
    "mappings: values of any front-matter key that read as ISO/IEC 27001 ids (`A.5.15`, `5.2`, `ISO27001:A.8.2`, `iso27001-2022/A.8.2`; bare numbers only under keys that name clauses, controls, ISO or 27001) become `clauses` and `controls`, checked against the built-in 2022 catalog; a 2013-edition control id becomes its 2022 control where there is exactly one (and says so), any other 2013 id is listed as not translated",
    "other keys: presentation and navigation keys of the site generators are dropped (listed per page); every other key goes under `extra:` unchanged",
];

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

/// Derives every field of one page except its final id (see [`assign_ids`](super::ids::assign_ids)).
pub(super) fn derive(rel: &str, page: &Page, site: &Site, catalog: &Catalog) -> Derived {
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
