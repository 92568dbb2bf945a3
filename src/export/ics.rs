//! `reviews.ics`: the review due dates as an iCalendar feed (RFC 5545), so owners can
//! subscribe to them in their calendar. Deterministic: stamped with the as-of date, not now.

use std::fmt::Write;

use crate::model::Model;

/// One all-day event per document not retired that has a review date.
pub(crate) fn reviews(model: &Model) -> String {
    let schedule = model.review_schedule();
    let stamp = model.as_of.format("%Y%m%dT000000Z");
    let mut out = String::new();
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(
        &mut out,
        &format!("PRODID:-//policybook//{}//EN", env!("CARGO_PKG_VERSION")),
    );
    line(&mut out, "CALSCALE:GREGORIAN");
    line(
        &mut out,
        &format!(
            "X-WR-CALNAME:{}",
            escape(&format!("{}: reviews", model.settings.config.book.title))
        ),
    );
    for &i in schedule
        .overdue
        .iter()
        .chain(&schedule.soon)
        .chain(&schedule.later)
    {
        let d = &model.documents[i].doc;
        let Some(due) = d.review_by else { continue };
        let next = due.succ_opt().unwrap_or(due);
        let mut description = format!("Review of {} {}", d.id, d.title);
        if let Some(owner) = &d.owner {
            let _ = write!(description, "\nOwner: {owner}");
        }
        if let Some(v) = &d.version {
            let _ = write!(description, "\nVersion: {v}");
        }
        let _ = write!(description, "\nPage: {}", model.documents[i].page);
        line(&mut out, "BEGIN:VEVENT");
        line(&mut out, &format!("UID:{}", escape(&uid(&d.id, due))));
        line(&mut out, &format!("DTSTAMP:{stamp}"));
        line(
            &mut out,
            &format!("DTSTART;VALUE=DATE:{}", due.format("%Y%m%d")),
        );
        line(
            &mut out,
            &format!("DTEND;VALUE=DATE:{}", next.format("%Y%m%d")),
        );
        line(
            &mut out,
            &format!(
                "SUMMARY:{}",
                escape(&format!("Review due: {} {}", d.id, d.title))
            ),
        );
        line(&mut out, &format!("DESCRIPTION:{}", escape(&description)));
        line(&mut out, "TRANSP:TRANSPARENT");
        line(&mut out, "END:VEVENT");
    }
    line(&mut out, "END:VCALENDAR");
    out
}

/// Stable across builds and unique per document and due date, so calendars update in place.
fn uid(id: &str, due: chrono::NaiveDate) -> String {
    let safe: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("review-{safe}-{}@policybook", due.format("%Y%m%d"))
}

/// Escapes a TEXT value (backslash, semicolon, comma, newline).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Writes a content line folded at 75 octets (never inside a UTF-8 character), CRLF-ended.
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_fold_at_75_octets_without_splitting_characters() {
        let mut out = String::new();
        let long = format!("SUMMARY:{}", "é".repeat(60));
        line(&mut out, &long);
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded.trim_end(), long);
    }

    #[test]
    fn text_values_are_escaped() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
        assert_eq!(
            uid(
                "POL/1 x",
                chrono::NaiveDate::from_ymd_opt(2027, 1, 2).unwrap()
            ),
            "review-POL_1_x-20270102@policybook"
        );
    }
}
