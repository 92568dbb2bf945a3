//! The reports of a [`BookDiff`]: for the terminal (a redline in colour), for a pull-request
//! comment (Markdown, long redlines folded) and as a standalone HTML page (the tera template
//! `report.html`, autoescaped like the site's pages).

use std::fmt::Write;

use serde::Serialize;
use tera::{Context, Tera};

use super::{BookDiff, FieldChange, Kind, Segment};
use crate::diff;
use crate::highlight::escape_html;

/// Words of unchanged text kept on each side of a change in the redline.
const CONTEXT_WORDS: usize = 12;

fn or_dash(s: &str) -> &str {
    if s.is_empty() {
        "—"
    } else {
        s
    }
}

fn counts(d: &BookDiff) -> String {
    let mut line = format!(
        "{} added, {} removed, {} changed; {} clauses and {} controls changed coverage; {} SoA decisions changed",
        d.added.len(),
        d.removed.len(),
        d.changed.len(),
        d.clauses.len(),
        d.controls.len(),
        d.soa.len()
    );
    if !d.registers.is_empty() {
        line.push_str(&format!(
            "; {} risks and exceptions changed",
            d.registers.len()
        ));
    }
    line
}

/// `R-002 Ransomware (risk, changed)`.
fn register_label(r: &diff::RegisterChange) -> String {
    format!("{} {} ({}, {})", r.id, r.title, r.kind, r.change)
}

fn errors_note(d: &BookDiff) -> Vec<String> {
    let mut v = Vec::new();
    for (label, n) in [(&d.from, d.from_errors), (&d.to, d.to_errors)] {
        if n > 0 {
            v.push(format!(
                "the book at {label} has {n} error{} (run `policybook check`); compared what could be read",
                if n == 1 { "" } else { "s" }
            ));
        }
    }
    v
}

fn coverage_line(c: &diff::CoverageChange) -> String {
    let mut parts = Vec::new();
    if !c.gained.is_empty() {
        parts.push(format!("+{}", c.gained.join(", +")));
    }
    if !c.lost.is_empty() {
        parts.push(format!("-{}", c.lost.join(", -")));
    }
    match (c.covered_before, c.covered_after) {
        (false, true) => parts.push("now covered".into()),
        (true, false) => parts.push("no longer covered".into()),
        _ => {}
    }
    parts.join("; ")
}

fn field_line(f: &FieldChange) -> String {
    format!(
        "{}: {} → {}",
        f.field,
        or_dash(&f.before),
        or_dash(&f.after)
    )
}

/// git's `--word-diff=plain` markers, `[-removed-]{+added+}`, in red and green on a terminal.
fn plain_redline(segments: &[Segment], color: bool) -> String {
    let (red, green, reset) = if color {
        ("\x1b[31m", "\x1b[32m", "\x1b[0m")
    } else {
        ("", "", "")
    };
    diff::with_context(segments, CONTEXT_WORDS)
        .iter()
        .map(|s| match s.kind {
            Kind::Same => s.text.clone(),
            Kind::Removed => format!("{red}[-{}-]{reset}", s.text),
            Kind::Added => format!("{green}{{+{}+}}{reset}", s.text),
        })
        .collect()
}

pub(crate) fn text(d: &BookDiff, color: bool) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "ISMS changes from {} to {}: {}", d.from, d.to, counts(d));
    for note in errors_note(d) {
        let _ = writeln!(o, "note: {note}");
    }
    if d.is_empty() {
        let _ = writeln!(o, "\nNo document, coverage or SoA decision changed.");
        return o;
    }
    for a in &d.added {
        let _ = writeln!(
            o,
            "\nadded    {} {} ({}, {})",
            a.id, a.title, a.path, a.status
        );
    }
    for r in &d.removed {
        let _ = writeln!(o, "\nremoved  {} {} ({})", r.id, r.title, r.path);
    }
    for c in &d.changed {
        let _ = writeln!(o, "\nchanged  {} {} ({})", c.id, c.title, c.path);
        if let Some(from) = &c.moved_from {
            let _ = writeln!(o, "  moved from {from}");
        }
        for f in &c.fields {
            let _ = writeln!(o, "  {}", field_line(f));
        }
        if !c.redline.is_empty() {
            let _ = writeln!(o, "  body:");
            for line in plain_redline(&c.redline, color).lines() {
                let _ = writeln!(o, "    {line}");
            }
        }
    }
    for (title, list) in [("Clauses", &d.clauses), ("Annex A controls", &d.controls)] {
        if !list.is_empty() {
            let _ = writeln!(o, "\n{title} whose coverage changed:");
            for c in list {
                let _ = writeln!(o, "  {} {}: {}", c.id, c.title, coverage_line(c));
            }
        }
    }
    if !d.soa.is_empty() {
        let _ = writeln!(o, "\nSoA decisions changed:");
        for s in &d.soa {
            let fields: Vec<String> = s.fields.iter().map(field_line).collect();
            let _ = writeln!(o, "  {} {}: {}", s.control, s.title, fields.join("; "));
        }
    }
    if !d.registers.is_empty() {
        let _ = writeln!(o, "\nRisks and exceptions changed:");
        for r in &d.registers {
            let fields: Vec<String> = r.fields.iter().map(field_line).collect();
            let _ = writeln!(o, "  {}: {}", register_label(r), fields.join("; "));
        }
    }
    o
}

/// GitHub refuses comments over 65,536 characters; a report that long is cut to fit.
const COMMENT_LIMIT: usize = 60_000;

/// `markdown`, short enough to post: without the text changes if need be, then cut at a line,
/// saying so either way.
pub(crate) fn markdown_for_comment(d: &BookDiff) -> String {
    let full = markdown(d, true);
    if full.len() <= COMMENT_LIMIT {
        return full;
    }
    let mut short = markdown(d, false);
    let note = "\n> **Note:** the text changes are left out to keep this comment short; run `policybook diff --format html` for the full report.\n";
    if short.len() + note.len() > COMMENT_LIMIT {
        let mut cut = COMMENT_LIMIT - 200;
        while !short.is_char_boundary(cut) {
            cut -= 1;
        }
        let at = short[..cut].rfind('\n').unwrap_or(0);
        short.truncate(at + 1);
        short.push_str("\n> **Note:** this report is cut short to fit in a comment; run `policybook diff --format html` for the full report.\n");
        return short;
    }
    short.push_str(note);
    short
}

/// Markdown for a pull-request comment: tables for the summary, `<del>`/`<ins>` in collapsed
/// blocks for the redlines. Text from the book is escaped, so it cannot break the comment.
fn markdown(d: &BookDiff, redlines: bool) -> String {
    let md = |s: &str| -> String {
        escape_html(s)
            .replace('|', "\\|")
            .replace('\n', " ")
            .replace('`', "\\`")
            .replace('*', "\\*")
            .replace('_', "\\_")
            .replace('[', "\\[")
            .replace(']', "\\]")
    };
    let mut o = String::new();
    let _ = writeln!(
        o,
        "### ISMS changes from `{}` to `{}`\n",
        md(&d.from),
        md(&d.to)
    );
    let _ = writeln!(o, "{}\n", counts(d));
    for note in errors_note(d) {
        let _ = writeln!(o, "> **Note:** {}\n", md(&note));
    }
    if d.is_empty() {
        let _ = writeln!(o, "No document, coverage or SoA decision changed.");
        return o;
    }
    if !d.added.is_empty() || !d.removed.is_empty() {
        let _ = writeln!(
            o,
            "| | Document | Title | Status | File |\n|---|---|---|---|---|"
        );
        for a in &d.added {
            let _ = writeln!(
                o,
                "| added | {} | {} | {} | {} |",
                md(&a.id),
                md(&a.title),
                a.status,
                md(&a.path)
            );
        }
        for r in &d.removed {
            let _ = writeln!(
                o,
                "| removed | {} | {} | {} | {} |",
                md(&r.id),
                md(&r.title),
                r.status,
                md(&r.path)
            );
        }
        o.push('\n');
    }
    for c in &d.changed {
        let _ = writeln!(o, "#### {} {}\n", md(&c.id), md(&c.title));
        if let Some(from) = &c.moved_from {
            let _ = writeln!(o, "Moved from {} to {}.\n", md(from), md(&c.path));
        }
        if !c.fields.is_empty() {
            let _ = writeln!(o, "| Field | Before | After |\n|---|---|---|");
            for f in &c.fields {
                let _ = writeln!(
                    o,
                    "| {} | {} | {} |",
                    f.field,
                    md(or_dash(&f.before)),
                    md(or_dash(&f.after))
                );
            }
            o.push('\n');
        }
        if redlines && !c.redline.is_empty() {
            // Inside `<pre>` the text stays as written: no line of it turns into Markdown.
            let _ = write!(o, "<details><summary>Text changes</summary>\n\n<pre>");
            for s in diff::with_context(&c.redline, CONTEXT_WORDS) {
                let t = escape_html(&s.text);
                let _ = match s.kind {
                    Kind::Same => write!(o, "{t}"),
                    Kind::Removed => write!(o, "<del>{t}</del>"),
                    Kind::Added => write!(o, "<ins>{t}</ins>"),
                };
            }
            let _ = writeln!(o, "</pre>\n\n</details>\n");
        }
    }
    for (title, list) in [("Clauses", &d.clauses), ("Annex A controls", &d.controls)] {
        if !list.is_empty() {
            let _ = writeln!(
                o,
                "#### {title} whose coverage changed\n\n| Id | Title | Change |\n|---|---|---|"
            );
            for c in list {
                let _ = writeln!(
                    o,
                    "| {} | {} | {} |",
                    md(&c.id),
                    md(&c.title),
                    md(&coverage_line(c))
                );
            }
            o.push('\n');
        }
    }
    if !d.soa.is_empty() {
        let _ = writeln!(
            o,
            "#### SoA decisions changed\n\n| Control | Field | Before | After |\n|---|---|---|---|"
        );
        for s in &d.soa {
            for f in &s.fields {
                let _ = writeln!(
                    o,
                    "| {} {} | {} | {} | {} |",
                    md(&s.control),
                    md(&s.title),
                    f.field,
                    md(or_dash(&f.before)),
                    md(or_dash(&f.after))
                );
            }
        }
    }
    if !d.registers.is_empty() {
        let _ = writeln!(
            o,
            "\n#### Risks and exceptions changed\n\n| Risk or exception | Field | Before | After |\n|---|---|---|---|"
        );
        for r in &d.registers {
            let label = md(&register_label(r));
            if r.fields.is_empty() {
                let _ = writeln!(o, "| {label} | | | |");
            }
            for f in &r.fields {
                let _ = writeln!(
                    o,
                    "| {label} | {} | {} | {} |",
                    f.field,
                    md(or_dash(&f.before)),
                    md(or_dash(&f.after))
                );
            }
        }
    }
    o
}

/// The HTML report's template: a standalone page, not part of a book's theme, so it is compiled
/// in beside the code that fills it rather than listed with the theme's overridable files.
const HTML_TEMPLATE: &str = include_str!("report.html");

/// What the HTML report's template shows: the diff with its summary lines worked out and
/// empty fields shown as dashes. Text only; the template escapes all of it.
#[derive(Serialize)]
struct HtmlView<'a> {
    from: &'a str,
    to: &'a str,
    counts: String,
    notes: Vec<String>,
    empty: bool,
    documents: [Table<'a, &'a diff::DocSummary>; 2],
    changed: Vec<ChangeView<'a>>,
    coverage: [Table<'a, CoverageView<'a>>; 2],
    soa: Vec<SoaView<'a>>,
    registers: Vec<RegisterView<'a>>,
    version: &'static str,
}

/// A table shown only when it has rows: documents added or removed, clauses or controls.
#[derive(Serialize)]
struct Table<'a, T> {
    what: &'a str,
    rows: Vec<T>,
}

#[derive(Serialize)]
struct ChangeView<'a> {
    id: &'a str,
    title: &'a str,
    path: &'a str,
    moved_from: Option<&'a str>,
    fields: Vec<FieldView<'a>>,
    redline: &'a [Segment],
}

#[derive(Serialize)]
struct FieldView<'a> {
    field: &'a str,
    before: &'a str,
    after: &'a str,
}

#[derive(Serialize)]
struct CoverageView<'a> {
    id: &'a str,
    title: &'a str,
    change: String,
}

#[derive(Serialize)]
struct SoaView<'a> {
    control: &'a str,
    title: &'a str,
    fields: Vec<FieldView<'a>>,
}

#[derive(Serialize)]
struct RegisterView<'a> {
    label: String,
    fields: Vec<FieldView<'a>>,
}

fn field_view(f: &FieldChange) -> FieldView<'_> {
    FieldView {
        field: f.field,
        before: or_dash(&f.before),
        after: or_dash(&f.after),
    }
}

fn html_view<'a>(d: &'a BookDiff) -> HtmlView<'a> {
    let coverage = |what: &'a str, list: &'a [diff::CoverageChange]| Table {
        what,
        rows: list
            .iter()
            .map(|c| CoverageView {
                id: &c.id,
                title: &c.title,
                change: coverage_line(c),
            })
            .collect(),
    };
    HtmlView {
        from: &d.from,
        to: &d.to,
        counts: counts(d),
        notes: errors_note(d),
        empty: d.is_empty(),
        documents: [
            Table {
                what: "added",
                rows: d.added.iter().collect(),
            },
            Table {
                what: "removed",
                rows: d.removed.iter().collect(),
            },
        ],
        changed: d
            .changed
            .iter()
            .map(|c| ChangeView {
                id: &c.id,
                title: &c.title,
                path: &c.path,
                moved_from: c.moved_from.as_deref(),
                fields: c.fields.iter().map(field_view).collect(),
                redline: &c.redline,
            })
            .collect(),
        coverage: [
            coverage("Clauses", &d.clauses),
            coverage("Annex A controls", &d.controls),
        ],
        soa: d
            .soa
            .iter()
            .map(|s| SoaView {
                control: &s.control,
                title: &s.title,
                fields: s.fields.iter().map(field_view).collect(),
            })
            .collect(),
        registers: d
            .registers
            .iter()
            .map(|r| RegisterView {
                label: register_label(r),
                fields: r.fields.iter().map(field_view).collect(),
            })
            .collect(),
        version: env!("CARGO_PKG_VERSION"),
    }
}

/// A standalone page (no script, no external resource) with the same content as [`text`],
/// rendered from `report.html` with every value escaped, as the site's pages are.
pub(crate) fn html(d: &BookDiff) -> anyhow::Result<String> {
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html"]);
    tera.set_escape_fn(escape_html);
    tera.add_raw_template("report.html", HTML_TEMPLATE)?;
    let context = Context::from_serialize(html_view(d))?;
    Ok(tera.render("report.html", &context)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::DocChange;

    fn report(changed: usize, words: usize) -> BookDiff {
        BookDiff {
            from: "v1".into(),
            to: "v2".into(),
            from_errors: 0,
            to_errors: 0,
            added: Vec::new(),
            removed: Vec::new(),
            changed: (0..changed)
                .map(|i| DocChange {
                    id: format!("DOC-{i}"),
                    title: "A document | with a pipe".into(),
                    path: format!("content/doc-{i}.md"),
                    moved_from: None,
                    fields: vec![FieldChange {
                        field: "version",
                        before: "1".into(),
                        after: "2".into(),
                    }],
                    redline: vec![
                        Segment {
                            kind: Kind::Removed,
                            text: "old ".repeat(words),
                        },
                        Segment {
                            kind: Kind::Added,
                            text: "new ".repeat(words),
                        },
                    ],
                })
                .collect(),
            clauses: Vec::new(),
            controls: Vec::new(),
            soa: Vec::new(),
            registers: Vec::new(),
        }
    }

    #[test]
    fn the_html_report_escapes_what_comes_from_the_book() {
        let hostile = r#"<script>alert('x')</script> & "quoted""#;
        let escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;";
        let mut d = report(1, 1);
        d.from = "v1<b>".into();
        d.added.push(diff::DocSummary {
            id: "POL-X-001".into(),
            title: hostile.into(),
            path: "content/a&b.md".into(),
            version: None,
            status: "draft".into(),
        });
        let c = &mut d.changed[0];
        c.title = hostile.into();
        c.moved_from = Some("content/<old>.md".into());
        c.fields[0].after = hostile.into();
        c.fields.push(FieldChange {
            field: "owner",
            before: "Ops".into(),
            after: String::new(),
        });
        c.redline.push(Segment {
            kind: Kind::Same,
            text: hostile.into(),
        });
        d.clauses.push(diff::CoverageChange {
            id: "5.2".into(),
            title: hostile.into(),
            gained: vec!["<PRC>".into()],
            lost: Vec::new(),
            covered_before: false,
            covered_after: true,
        });
        d.soa.push(diff::SoaChange {
            control: "A.5.1".into(),
            title: hostile.into(),
            fields: vec![FieldChange {
                field: "justification",
                before: String::new(),
                after: hostile.into(),
            }],
        });
        let page = html(&d).unwrap();
        assert!(!page.contains("<script"), "{page}");
        assert!(!page.contains("<b>") && !page.contains("<old>") && !page.contains("<PRC>"));
        for wanted in [
            "<title>ISMS changes from v1&lt;b&gt; to v2</title>",
            &format!("<tr><td>POL-X-001</td><td>{escaped}</td><td>draft</td><td><code>content/a&amp;b.md</code></td></tr>\n"),
            &format!("<h3>DOC-0 {escaped}</h3>\n"),
            "<p>Moved from <code>content/&lt;old&gt;.md</code>.</p>\n",
            &format!("<tr><td>version</td><td><del>1</del></td><td><ins>{escaped}</ins></td></tr>\n"),
            "<tr><td>owner</td><td><del>Ops</del></td><td><ins>—</ins></td></tr>\n",
            &format!("<del>old </del><ins>new </ins>{escaped}</div>\n"),
            &format!("<tr><td>5.2</td><td>{escaped}</td><td>+&lt;PRC&gt;; now covered</td></tr>\n"),
            &format!("<tr><td>A.5.1 {escaped}</td><td>justification</td><td><del>—</del></td><td><ins>{escaped}</ins></td></tr>\n"),
        ] {
            assert!(page.contains(wanted), "{wanted}\n\n{page}");
        }
        assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">\n"));
        assert!(page.ends_with("</main>\n</body>\n</html>\n"));
    }

    #[test]
    fn a_long_report_is_shortened_to_fit_a_comment() {
        let small = markdown_for_comment(&report(2, 10));
        assert!(small.contains("<del>old old"), "{small}");
        assert!(small.contains("A document \\| with a pipe"), "{small}");
        let long = markdown_for_comment(&report(50, 1000));
        assert!(long.len() <= COMMENT_LIMIT, "{}", long.len());
        assert!(!long.contains("<del>") && long.contains("text changes are left out"));
        let huge = markdown_for_comment(&report(5000, 1));
        assert!(huge.len() <= COMMENT_LIMIT, "{}", huge.len());
        assert!(huge.contains("cut short to fit"));
    }
}
