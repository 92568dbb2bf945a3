//! What the site generators' own words mean to policybook: which name a document type or a
//! status, and which front-matter keys only served the old site's presentation. Tables, kept
//! apart from the derivation that reads them.

/// Keys used by site generators for presentation and navigation only.
pub(super) const DROPPED: &[&str] = &[
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
pub(super) fn dropped_reason(key: &str) -> Option<&'static str> {
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

pub(super) fn kind_word(word: &str) -> Option<&'static str> {
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

pub(super) fn status_word(word: &str) -> Option<&'static str> {
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
