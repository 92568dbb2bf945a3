//! The reports of a [`BookDiff`]: for the terminal (a redline in colour), for a pull-request
//! comment (Markdown, long redlines folded) and as a standalone HTML page.

use std::fmt::Write;

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
    format!(
        "{} added, {} removed, {} changed; {} clauses and {} controls changed coverage; {} SoA decisions changed",
        d.added.len(),
        d.removed.len(),
        d.changed.len(),
        d.clauses.len(),
        d.controls.len(),
        d.soa.len()
    )
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

pub fn text(d: &BookDiff, color: bool) -> String {
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
    o
}

/// GitHub refuses comments over 65,536 characters; a report that long is cut to fit.
const COMMENT_LIMIT: usize = 60_000;

/// `markdown`, short enough to post: without the text changes if need be, then cut at a line,
/// saying so either way.
pub fn markdown_for_comment(d: &BookDiff) -> String {
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
    o
}

/// A standalone page (no script, no external resource) with the same content as [`text`].
pub fn html(d: &BookDiff) -> String {
    let e = |s: &str| escape_html(s);
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>ISMS changes from {} to {}</title>\n<style>\n{}\n</style>\n</head>\n<body>\n<main>\n<h1>ISMS changes from <code>{}</code> to <code>{}</code></h1>\n<p>{}</p>\n",
        e(&d.from), e(&d.to), HTML_STYLE, e(&d.from), e(&d.to), e(&counts(d))
    );
    for note in errors_note(d) {
        let _ = writeln!(o, "<p class=\"note\">{}</p>", e(&note));
    }
    if d.is_empty() {
        o.push_str("<p>No document, coverage or SoA decision changed.</p>\n");
    }
    let doc_rows = |o: &mut String, what: &str, list: &[diff::DocSummary]| {
        if list.is_empty() {
            return;
        }
        let _ = writeln!(o, "<h2>Documents {what} ({})</h2>\n<table><thead><tr><th scope=\"col\">Document</th><th scope=\"col\">Title</th><th scope=\"col\">Status</th><th scope=\"col\">File</th></tr></thead><tbody>", list.len());
        for a in list {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
                e(&a.id),
                e(&a.title),
                e(&a.status),
                e(&a.path)
            );
        }
        o.push_str("</tbody></table>\n");
    };
    doc_rows(&mut o, "added", &d.added);
    doc_rows(&mut o, "removed", &d.removed);
    if !d.changed.is_empty() {
        let _ = writeln!(o, "<h2>Documents changed ({})</h2>", d.changed.len());
    }
    for c in &d.changed {
        let _ = writeln!(
            o,
            "<section>\n<h3>{} {}</h3>\n<p class=\"file\"><code>{}</code></p>",
            e(&c.id),
            e(&c.title),
            e(&c.path)
        );
        if let Some(from) = &c.moved_from {
            let _ = writeln!(o, "<p>Moved from <code>{}</code>.</p>", e(from));
        }
        if !c.fields.is_empty() {
            o.push_str("<table><thead><tr><th scope=\"col\">Field</th><th scope=\"col\">Before</th><th scope=\"col\">After</th></tr></thead><tbody>\n");
            for f in &c.fields {
                let _ = writeln!(
                    o,
                    "<tr><td>{}</td><td><del>{}</del></td><td><ins>{}</ins></td></tr>",
                    e(f.field),
                    e(or_dash(&f.before)),
                    e(or_dash(&f.after))
                );
            }
            o.push_str("</tbody></table>\n");
        }
        if !c.redline.is_empty() {
            o.push_str("<div class=\"redline\">");
            for s in &c.redline {
                let _ = match s.kind {
                    Kind::Same => write!(o, "{}", e(&s.text)),
                    Kind::Removed => write!(o, "<del>{}</del>", e(&s.text)),
                    Kind::Added => write!(o, "<ins>{}</ins>", e(&s.text)),
                };
            }
            o.push_str("</div>\n");
        }
        o.push_str("</section>\n");
    }
    for (title, list) in [("Clauses", &d.clauses), ("Annex A controls", &d.controls)] {
        if !list.is_empty() {
            let _ = writeln!(o, "<h2>{title} whose coverage changed ({})</h2>\n<table><thead><tr><th scope=\"col\">Id</th><th scope=\"col\">Title</th><th scope=\"col\">Change</th></tr></thead><tbody>", list.len());
            for c in list {
                let _ = writeln!(
                    o,
                    "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                    e(&c.id),
                    e(&c.title),
                    e(&coverage_line(c))
                );
            }
            o.push_str("</tbody></table>\n");
        }
    }
    if !d.soa.is_empty() {
        let _ = writeln!(o, "<h2>SoA decisions changed ({})</h2>\n<table><thead><tr><th scope=\"col\">Control</th><th scope=\"col\">Field</th><th scope=\"col\">Before</th><th scope=\"col\">After</th></tr></thead><tbody>", d.soa.len());
        for s in &d.soa {
            for f in &s.fields {
                let _ = writeln!(o, "<tr><td>{} {}</td><td>{}</td><td><del>{}</del></td><td><ins>{}</ins></td></tr>", e(&s.control), e(&s.title), e(f.field), e(or_dash(&f.before)), e(or_dash(&f.after)));
            }
        }
        o.push_str("</tbody></table>\n");
    }
    let _ = writeln!(
        o,
        "<p class=\"note\">Generated by policybook {}.</p>\n</main>\n</body>\n</html>",
        env!("CARGO_PKG_VERSION")
    );
    o
}

const HTML_STYLE: &str = "body { font: 16px/1.5 system-ui, sans-serif; margin: 0; color: #1d2430; background: #fff; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { border: 1px solid #d9dee7; padding: .3rem .6rem; text-align: left; vertical-align: top; }
th { background: #f4f6f9; }
del { background: #ffe1e1; color: #8a1111; }
ins { background: #dcf5e1; color: #0d5a23; text-decoration: underline; }
.redline { white-space: pre-wrap; border: 1px solid #d9dee7; border-radius: 6px; padding: .8rem 1rem; background: #fafbfc; }
.note, .file { color: #5b6473; }
@media (prefers-color-scheme: dark) {
  body { color: #e3e7ee; background: #14181f; }
  th { background: #1b2029; } th, td, .redline { border-color: #2c3440; }
  .redline { background: #1b2029; }
  del { background: #4a1d1d; color: #ffd0d0; } ins { background: #16391f; color: #c8f5d2; }
  .note, .file { color: #9aa4b2; }
}";

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
        }
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
