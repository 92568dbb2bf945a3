//! The print view: every document on a page of its own, in parts of at most `PRINT_BYTES`,
//! with the bodies spliced in after the template is rendered (copying megabytes through the
//! template engine is most of the cost).

use super::*;

/// Stands for a body in a print part's template data; see [`print_page`]. An HTML comment,
/// which no escaped text can produce, so it cannot be forged by a title.
pub(super) const BODY_MARKER: &str = "<!--policybook:body-->";

/// Rendered body bytes per print page.
pub(super) const PRINT_BYTES: usize = 2_500_000;

/// The whole ISMS on one page for "Save as PDF": documents in the order of the documents page.
/// The documents of the print view in order, cut into parts of at most PRINT_BYTES of bodies,
/// so no page grows with the book.
pub(super) fn print_parts(model: &Model) -> Vec<Vec<usize>> {
    if !model.settings.config.output.html.print.enable {
        return Vec::new();
    }
    let mut order: Vec<usize> = (0..model.documents.len()).collect();
    // By folder (compared as paths are: component by component), then id.
    order.sort_by_cached_key(|&i| {
        let d = &model.documents[i].doc;
        let folder: Vec<&std::ffi::OsStr> = d
            .rel
            .parent()
            .map(|p| p.iter().collect())
            .unwrap_or_default();
        (folder, &d.id)
    });
    cut_print(model, order)
}

/// Documents in print order, cut into parts of at most PRINT_BYTES of bodies.
pub(super) fn cut_print(model: &Model, order: Vec<usize>) -> Vec<Vec<usize>> {
    let mut parts: Vec<Vec<usize>> = Vec::new();
    let mut size = 0;
    for i in order {
        let len = model.documents[i].body.html.len();
        match parts.last_mut() {
            Some(part) if size + len <= PRINT_BYTES || size == 0 => {
                size += len;
                part.push(i);
            }
            _ => {
                size = len;
                parts.push(vec![i]);
            }
        }
    }
    if parts.is_empty() {
        parts.push(Vec::new());
    }
    parts
}

/// What a part of the print view shows, each body standing as [`BODY_MARKER`]: its template's
/// data and, under `serve`, its key (with its bodies' keys; see
/// `incremental::print_page_key`) are both made from this one value.
#[derive(Serialize, Hash)]
pub(super) struct PartShown<'a> {
    docs: Vec<Printed<'a>>,
    /// Every document of every part, on the first part only.
    #[serde(skip_serializing_if = "Option::is_none")]
    contents: Option<Vec<Entry<'a>>>,
    parts: usize,
    pager: Pager,
}

#[derive(Serialize, Hash)]
struct Printed<'a> {
    doc: views::DocView<'a>,
    anchor: String,
    body: String,
}

#[derive(Serialize, Hash)]
struct Entry<'a> {
    id: &'a str,
    title: &'a str,
    href: String,
}

/// The id of document `i`'s section of the print view.
pub(super) fn anchor(model: &Model, i: usize) -> String {
    format!("doc-{}", model.documents[i].doc.id)
}

pub(super) fn part_shown<'a>(model: &'a Model, parts: &[Vec<usize>], n: usize) -> PartShown<'a> {
    let docs = parts[n]
        .iter()
        .map(|&i| Printed {
            doc: doc_view(model, &model.documents[i]),
            anchor: anchor(model, i),
            body: BODY_MARKER.into(),
        })
        .collect();
    let contents = (n == 0).then(|| {
        parts
            .iter()
            .enumerate()
            .flat_map(|(p, part)| {
                part.iter().map(move |&i| Entry {
                    id: &model.documents[i].doc.id,
                    title: &model.documents[i].doc.title,
                    href: format!(
                        "{}#{}",
                        paths::encode(&part_path("print", p + 1)),
                        paths::encode(&anchor(model, i))
                    ),
                })
            })
            .collect()
    });
    PartShown {
        docs,
        contents,
        parts: parts.len(),
        pager: Pager::new("print", n, parts.len()),
    }
}

/// One part of the print view; the first also lists every document of every part.
///
/// With `splice`, the bodies are left out of the template's data, each replaced by
/// [`BODY_MARKER`], and returned to be put in place after rendering (see [`render_page`]):
/// copying megabytes through the template engine is most of the page's cost.
pub(super) fn print_page(
    model: &Model,
    parts: &[Vec<usize>],
    n: usize,
    splice: bool,
) -> (Page, Vec<String>) {
    let mut shown = part_shown(model, parts, n);
    let mut bodies: Vec<String> = parts[n]
        .iter()
        .map(|&i| print_body(&model.documents[i].body.html, &anchor(model, i)))
        .collect();
    if !splice {
        for (printed, body) in shown.docs.iter_mut().zip(bodies.drain(..)) {
            printed.body = body;
        }
    }
    let total = parts.len();
    let page = Page {
        path: part_path("print", n + 1),
        template: "print.html",
        nav: "print",
        title: if total > 1 {
            part_title(
                &model.settings.strings,
                model.settings.strings.get("title.print"),
                n,
                total,
            )
        } else {
            model.settings.strings.get("title.print").into()
        },
        data: Data::of(&shown),
    };
    (page, bodies)
}

/// A body as the print view shows it: links rebased to the site root (see [`paths::rebase`]),
/// and heading ids and links to them prefixed with `anchor-`, since heading ids repeat across
/// documents. One pass, since the print view holds every body.
pub(super) fn print_body(html: &str, anchor: &str) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut done = 0;
    let mut from = 0;
    // Every case is an attribute value: look at each `="` (`=` is rare in text).
    while let Some(i) = html[from..].find('=') {
        let at = from + i;
        from = at + 1;
        let (before, value) = (&html[..at], &html[at + 1..]);
        let Some(value) = value.strip_prefix('"') else {
            continue;
        };
        let mut prefix_from = if before.ends_with(" id") {
            Some(at + 2)
        } else if before.ends_with(" href") && value.starts_with('#') {
            Some(at + 3)
        } else {
            None
        };
        if prefix_from.is_none()
            && value.starts_with(paths::ROOT_TOKEN)
            && (before.ends_with("href") || before.ends_with("src"))
        {
            out.push_str(&html[done..at + 2]);
            done = at + 2 + paths::ROOT_TOKEN.len();
            from = done;
            if before.ends_with(" href") && html[done..].starts_with('#') {
                done += 1;
                out.push('#');
                prefix_from = Some(done);
            }
        }
        if let Some(end) = prefix_from {
            out.push_str(&html[done..end]);
            out.push_str(anchor);
            out.push('-');
            done = end;
            from = end;
        }
    }
    out.push_str(&html[done..]);
    out
}
