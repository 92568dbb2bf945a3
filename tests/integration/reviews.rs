//! Review cadence: `review_by`, or `last_reviewed` with `review_interval`; the reviews page,
//! the calendar feed, the overdue banner and what `check` says; approval dates.

use crate::common::{json_report, located, Book};

/// What these tests are about; the rest (untraced documents, gaps) is tested elsewhere.
const CADENCE_CODES: [&str; 6] = [
    "review-overdue",
    "missing-approval-date",
    "invalid-interval",
    "review-dates-disagree",
    "no-review-interval",
    "interval-without-date",
];

/// The review-cadence problems of a `check --format json` run: (code, file, line, column).
fn cadence_problems(run: &crate::common::Run) -> Vec<(String, String, u64, u64)> {
    located(&json_report(run))
        .into_iter()
        .filter(|l| CADENCE_CODES.contains(&l.0.as_str()))
        .collect()
}

fn doc(id: &str, extra: &str) -> String {
    format!("---\nid: {id}\ntitle: Document {id}\nstatus: approved\napprover: CISO\nversion: \"1\"\n{extra}---\n\nText.\n")
}

fn cadence_book() -> Book {
    let book = Book::empty();
    book.write("book.toml", "[book]\ntitle = \"Cadence, Ltd\"\n");
    book.write(
        "content/a.md",
        &doc(
            "A-OVERDUE",
            "approved_on: 2025-09-01\nreview_by: 2026-10-01\n",
        ),
    );
    book.write(
        "content/b.md",
        &doc(
            "B-SOON",
            "approved_on: 2025-11-20\nlast_reviewed: 2025-12-01\nreview_interval: 12 months\n",
        ),
    );
    book.write(
        "content/c.md",
        &doc(
            "C-LATER",
            "approved_on: 2026-06-01\nreview_interval: 1 year\n",
        ),
    );
    book.write(
        "content/d.md",
        &doc("D-UNDATED", "approved_on: 2026-01-01\n"),
    );
    book.write(
        "content/e.md",
        "---\nid: E-RETIRED\ntitle: Old\nstatus: retired\nreview_by: 2020-01-01\n---\n",
    );
    book.write("content/f.md", &doc("F-NO-DATE", "review_by: 2027-03-31\n"));
    book
}

#[test]
fn reviews_are_scheduled_from_review_by_or_last_reviewed_plus_interval() {
    let book = cadence_book();
    let out = book.outside().join("site");
    let run = book.run(&[
        "build",
        "--as-of",
        "2026-11-22",
        "-d",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let page = std::fs::read_to_string(out.join("reviews.html")).unwrap();
    let section = |title: &str| -> Vec<String> {
        let start = page.find(title).unwrap_or_else(|| panic!("no {title}"));
        let rest = &page[start..];
        let end = rest[1..].find("<h2>").map_or(rest.len(), |e| e + 1);
        [
            "A-OVERDUE",
            "B-SOON",
            "C-LATER",
            "D-UNDATED",
            "E-RETIRED",
            "F-NO-DATE",
        ]
        .iter()
        .filter(|id| rest[..end].contains(&format!(">{id}</a>")))
        .map(|id| id.to_string())
        .collect()
    };
    assert_eq!(section("Overdue (1)"), ["A-OVERDUE"]);
    assert_eq!(section("Due within 30 days (1)"), ["B-SOON"]);
    assert_eq!(section("Later (2)"), ["C-LATER", "F-NO-DATE"]);
    assert!(
        page.find(">F-NO-DATE</a>").unwrap() < page.find(">C-LATER</a>").unwrap(),
        "later reviews are in date order"
    );
    assert_eq!(section("No review date (1)"), ["D-UNDATED"]);
    assert!(
        page.contains("2026-12-01"),
        "B is due a year after its last review"
    );
    assert!(
        page.contains("2027-06-01"),
        "C is due a year after its approval"
    );

    let ics = std::fs::read_to_string(out.join("reviews.ics")).unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
    let starts: Vec<&str> = ics
        .lines()
        .filter_map(|l| l.strip_prefix("DTSTART;VALUE=DATE:"))
        .map(str::trim_end)
        .collect();
    assert_eq!(starts, ["20261001", "20261201", "20270331", "20270601"]);
    assert!(ics.contains("UID:review-A-OVERDUE-20261001@policybook"));
    assert!(
        ics.contains("X-WR-CALNAME:Cadence\\, Ltd: reviews"),
        "{ics}"
    );
    assert!(
        ics.contains("DTSTAMP:20261122T000000Z"),
        "stamped with the as-of date, not the clock"
    );

    let model: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("exports/model.json")).unwrap())
            .unwrap();
    let b_record = model["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == "B-SOON")
        .unwrap();
    assert_eq!(b_record["last_reviewed"], "2025-12-01");
    assert_eq!(b_record["review_interval"], "1 year");
    assert_eq!(b_record["review_by"], "2026-12-01");
    assert_eq!(b_record["approved_on"], "2025-11-20");

    let a = std::fs::read_to_string(out.join("docs/a.html")).unwrap();
    assert!(a.contains("This document was due for review on 2026-10-01."));
    let b = std::fs::read_to_string(out.join("docs/b.html")).unwrap();
    assert!(!b.contains("was due for review"));
    assert!(
        b.contains("2026-12-01 (every 1 year; last reviewed 2025-12-01)"),
        "{b}"
    );
}

#[test]
fn check_warns_about_overdue_reviews_and_fails_under_strict() {
    let book = cadence_book();
    let run = book.run(&["check", "--as-of", "2026-11-22", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let found = cadence_problems(&run);
    assert_eq!(
        found,
        [
            ("review-overdue".into(), "content/a.md".into(), 8, 12),
            ("missing-approval-date".into(), "content/f.md".into(), 2, 5),
        ]
    );
    let strict = book.run(&["check", "--as-of", "2026-11-22", "--strict"]);
    assert_eq!(strict.code, 1);
    // A later as-of date makes the computed due date of B overdue too, located at last_reviewed.
    let later = book.run(&["check", "--as-of", "2026-12-02", "--format", "json"]);
    let overdue: Vec<_> = located(&json_report(&later))
        .into_iter()
        .filter(|l| l.0 == "review-overdue")
        .collect();
    assert_eq!(
        overdue[1],
        ("review-overdue".into(), "content/b.md".into(), 8, 16)
    );
}

#[test]
fn cadence_mistakes_are_explained() {
    let book = Book::empty();
    book.write(
        "content/bad.md",
        &doc(
            "BAD",
            "approved_on: 2026-01-01\nreview_interval: fortnightly\n",
        ),
    );
    book.write(
        "content/lonely.md",
        &doc(
            "LONELY",
            "approved_on: 2026-01-01\nlast_reviewed: 2026-01-01\n",
        ),
    );
    book.write(
        "content/both.md",
        &doc("BOTH", "approved_on: 2026-01-01\nlast_reviewed: 2026-01-01\nreview_interval: 6 months\nreview_by: 2027-01-01\n"),
    );
    book.write(
        "content/nobase.md",
        "---\nid: NOBASE\ntitle: T\nstatus: draft\nreview_interval: 2 years\n---\n",
    );
    let run = book.run(&["check", "--as-of", "2026-11-22", "--format", "json"]);
    assert_eq!(run.code, 1);
    let found = cadence_problems(&run);
    assert_eq!(
        found,
        [
            ("invalid-interval".into(), "content/bad.md".into(), 8, 18),
            (
                "review-dates-disagree".into(),
                "content/both.md".into(),
                10,
                12
            ),
            (
                "no-review-interval".into(),
                "content/lonely.md".into(),
                8,
                16
            ),
            (
                "interval-without-date".into(),
                "content/nobase.md".into(),
                5,
                18
            ),
        ]
    );
    let text = book.run(&["check", "--as-of", "2026-11-22"]);
    assert!(
        text.stderr.contains("e.g. `12 months`, `1 year`"),
        "{}",
        text.stderr
    );
    assert!(
        text.stderr
            .contains("`last_reviewed` plus `review_interval` gives 2026-07-01"),
        "{}",
        text.stderr
    );
}
