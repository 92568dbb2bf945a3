//! Books kept in git: revision history on document pages (renames followed, `Approved-by:`
//! trailers), approved versions, `build --at`, `diff`, shallow clones and books outside git.
//! Each test builds a throwaway repository with the `git` command.

use std::path::Path;
use std::process::Command;

use crate::common::{git, run_in, Book};

fn commit(dir: &Path, date: &str, author: &str, message: &str) {
    git(dir, date, author, &["add", "-A"]);
    git(dir, date, author, &["commit", "-q", "-m", message]);
}

fn access(version: &str, status: &str, approval: &str, controls: &str, length: u32) -> String {
    format!(
        "---\nid: POL-AC-001\ntitle: Access Control Policy\ntype: policy\nowner: CISO\nversion: \"{version}\"\nstatus: {status}\n{approval}controls: [{controls}]\nreview_by: 2027-06-01\n---\n\n# Passwords\n\nPasswords are at least {length} characters long and never shared.\n\nAccounts are reviewed every quarter.\n"
    )
}

const SOA_V1: &str = "controls:\n  A.5.15: { applicable: true, status: implemented, justification: Access is controlled }\n  A.8.13: { applicable: true, status: planned, justification: Backups protect data }\n";
const SOA_V2: &str = "controls:\n  A.5.15: { applicable: true, status: implemented, justification: Access is controlled }\n  A.8.13: { applicable: true, status: implemented, justification: Backups protect data }\n";

/// A repository with four commits: two documents added; one approved (with a trailer, tagged
/// v1.0); it is renamed; then it changes, one document is removed and another added.
fn history_book() -> Book {
    let book = Book::empty();
    let dir = book.root.clone();
    git(&dir, "2026-01-10", "Alice", &["init", "-q"]);
    book.write("book.toml", "[book]\ntitle = \"Git ISMS\"\n");
    book.write("soa.yaml", SOA_V1);
    book.write(
        "content/access.md",
        &access("0.9", "draft", "", "\"A.5.15\"", 12),
    );
    book.write(
        "content/backup.md",
        "---\nid: STD-BAK-001\ntitle: Backup Standard\nversion: \"1.0\"\nstatus: approved\napprover: CIO\napproved_on: 2026-01-05\ncontrols: [\"A.8.13\"]\n---\n\nBack up daily.\n",
    );
    commit(&dir, "2026-01-10", "Alice", "Add access control and backup");
    book.write(
        "content/access.md",
        &access(
            "1.0",
            "approved",
            "approver: Board\napproved_on: 2026-02-01\n",
            "\"A.5.15\"",
            12,
        ),
    );
    commit(
        &dir,
        "2026-02-01",
        "Bob",
        "Approve the access control policy\n\nApproved-by: Carol Chair <carol@example.com>\n",
    );
    git(&dir, "2026-02-01", "Bob", &["tag", "v1.0"]);
    std::fs::create_dir_all(dir.join("content/policies")).unwrap();
    git(
        &dir,
        "2026-03-01",
        "Alice",
        &[
            "mv",
            "content/access.md",
            "content/policies/access-control.md",
        ],
    );
    commit(
        &dir,
        "2026-03-01",
        "Alice",
        "Move the access control policy under policies",
    );
    book.write(
        "content/policies/access-control.md",
        &access(
            "1.1",
            "approved",
            "approver: Board\napproved_on: 2026-04-01\n",
            "\"A.5.15\", \"A.8.5\"",
            14,
        ),
    );
    std::fs::remove_file(dir.join("content/backup.md")).unwrap();
    book.write(
        "content/incident.md",
        "---\nid: PRC-INC-001\ntitle: Incident Procedure\nstatus: draft\ncontrols: [\"A.5.26\"]\n---\n\nCall the duty manager.\n",
    );
    book.write("soa.yaml", SOA_V2);
    commit(
        &dir,
        "2026-04-01",
        "Bob",
        "Access control 1.1: longer passwords; incident procedure",
    );
    book
}

/// Builds `book` (reviews due against 2026-05-01) into `out`; returns the page `name` there.
fn build_page(book: &Book, out: &Path, name: &str) -> String {
    let run = book.run(&[
        "build",
        "--as-of",
        "2026-05-01",
        "-d",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    std::fs::read_to_string(out.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn page_rows(html: &str, section: &str) -> Vec<String> {
    let start = html.find(section).unwrap_or_else(|| panic!("no {section}"));
    let body = &html[start..];
    let end = body.find("</table>").unwrap();
    body[..end]
        .split("<tr>")
        .skip(2) // before the table, the header row
        .map(|row| {
            let mut text = String::new();
            let mut tag = false;
            for c in row.chars() {
                match c {
                    '<' => tag = true,
                    '>' => {
                        tag = false;
                        text.push('|');
                    }
                    c if !tag => text.push(c),
                    _ => {}
                }
            }
            text.split('|')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect()
}

#[test]
fn document_pages_show_history_with_renames_trailers_and_approved_versions() {
    let book = history_book();
    let out = book.outside().join("site");
    let run = book.run(&[
        "build",
        "--as-of",
        "2026-05-01",
        "-d",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("shallow"), "{}", run.stderr);
    let page = std::fs::read_to_string(out.join("docs/policies/access-control.html")).unwrap();
    let rows = page_rows(&page, "Revision history");
    let short =
        |rev: &str| git(&book.root, "2026-05-01", "X", &["rev-parse", rev])[..8].to_string();
    assert_eq!(
        rows,
        vec![
            format!("2026-04-01 | {} | Bob | Access control 1.1: longer passwords; incident procedure | 1.1", short("HEAD")),
            format!("2026-03-01 | {} | Alice | Move the access control policy under policies | 1.0", short("HEAD~1")),
            format!("2026-02-01 | {} | Bob | Approve the access control policy | (as access.md) | 1.0 | Carol Chair &lt;carol@example.com&gt;", short("HEAD~2")),
            format!("2026-01-10 | {} | Alice | Add access control and backup | (as access.md) | 0.9", short("HEAD~3")),
        ]
    );
    let versions = page_rows(&page, "Approved versions");
    assert_eq!(
        versions,
        vec![
            format!("1.1 | 2026-04-01 | Board | {}", short("HEAD")),
            format!("1.0 | 2026-02-01 | Board | {}", short("v1.0")),
        ]
    );
    assert!(page.contains(&format!(
        "2026-04-01 (<a href=\"#history\"><code>{}</code></a>)",
        short("HEAD")
    )));
    // One revision for the document added last.
    let incident = std::fs::read_to_string(out.join("docs/incident.html")).unwrap();
    assert_eq!(page_rows(&incident, "Revision history").len(), 1);
}

#[test]
fn history_can_be_turned_off_in_book_toml() {
    let book = history_book();
    book.write(
        "book.toml",
        "[book]\ntitle = \"Git ISMS\"\n[output.html]\ngit-history = false\n",
    );
    let out = book.outside().join("site");
    let page = build_page(&book, &out, "docs/policies/access-control.html");
    assert!(!page.contains("Revision history"));
}

#[test]
fn build_at_a_tag_builds_the_book_as_it_was_without_touching_the_working_tree() {
    let book = history_book();
    book.write(
        "content/policies/access-control.md",
        "uncommitted edit, not even valid\n",
    );
    let status = git(&book.root, "2026-05-01", "X", &["status", "--porcelain"]);
    let out = book.outside().join("v1");
    let run = book.run(&["build", "--at", "v1.0", "-d", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("as it was at v1.0"), "{}", run.stderr);
    let page = std::fs::read_to_string(out.join("docs/access.html")).unwrap();
    assert!(page.contains("at least 12 characters"));
    assert!(!page.contains("14 characters"));
    assert_eq!(page_rows(&page, "Revision history").len(), 2);
    assert!(out.join("docs/backup.html").is_file());
    assert!(!out.join("docs/incident.html").exists());
    // Reviews are due against the revision's date by default: not overdue on 2026-02-01.
    let reviews = std::fs::read_to_string(out.join("reviews.html")).unwrap();
    assert!(reviews.contains("as of 2026-02-01"), "{reviews}");
    assert_eq!(
        git(&book.root, "2026-05-01", "X", &["status", "--porcelain"]),
        status,
        "the working tree changed"
    );
    assert_eq!(
        book.read("content/policies/access-control.md"),
        "uncommitted edit, not even valid\n"
    );
    // The default output folder is the book's own, beside the book, not in a temporary one.
    let run = book.run(&["build", "--at", "HEAD~3"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(book.root.join("book/docs/access.html").is_file());

    let run = book.run(&["build", "--at", "no-such-tag"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("cannot find the git revision `no-such-tag`"),
        "{}",
        run.stderr
    );
}

#[test]
fn diff_reports_documents_fields_redline_coverage_and_soa() {
    let book = history_book();
    let run = book.run(&[
        "diff",
        "v1.0",
        "HEAD",
        "--format",
        "json",
        "--as-of",
        "2026-05-01",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let d: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let ids = |key: &str| -> Vec<String> {
        d[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids("added"), ["PRC-INC-001"]);
    assert_eq!(ids("removed"), ["STD-BAK-001"]);
    assert_eq!(ids("changed"), ["POL-AC-001"]);
    let changed = &d["changed"][0];
    assert_eq!(changed["moved_from"], "content/access.md");
    assert_eq!(changed["path"], "content/policies/access-control.md");
    let fields: Vec<(String, String, String)> = changed["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["field"].as_str().unwrap().into(),
                f["before"].as_str().unwrap().into(),
                f["after"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        fields,
        [
            ("version".into(), "1.0".into(), "1.1".into()),
            (
                "approved_on".into(),
                "2026-02-01".into(),
                "2026-04-01".into()
            ),
            ("controls".into(), "A.5.15".into(), "A.5.15, A.8.5".into()),
        ]
    );
    let redline: Vec<(String, String)> = changed["redline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] != "same")
        .map(|s| {
            (
                s["kind"].as_str().unwrap().into(),
                s["text"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        redline,
        [
            ("removed".into(), "12".into()),
            ("added".into(), "14".into())
        ]
    );
    let controls: Vec<(String, serde_json::Value, serde_json::Value)> = d["controls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().into(),
                c["gained"].clone(),
                c["lost"].clone(),
            )
        })
        .collect();
    assert_eq!(
        controls,
        [
            (
                "A.5.26".into(),
                serde_json::json!(["PRC-INC-001"]),
                serde_json::json!([])
            ),
            (
                "A.8.5".into(),
                serde_json::json!(["POL-AC-001"]),
                serde_json::json!([])
            ),
            (
                "A.8.13".into(),
                serde_json::json!([]),
                serde_json::json!(["STD-BAK-001"])
            ),
        ]
    );
    assert_eq!(d["soa"][0]["control"], "A.8.13");
    assert_eq!(d["soa"][0]["fields"][0]["field"], "status");
    assert_eq!(d["soa"][0]["fields"][0]["before"], "planned");
    assert_eq!(d["soa"][0]["fields"][0]["after"], "implemented");

    let md = book.run(&["diff", "v1.0", "HEAD", "--format", "markdown"]);
    assert_eq!(md.code, 0, "{}", md.stderr);
    assert!(
        md.stdout.contains("| version | 1.0 | 1.1 |"),
        "{}",
        md.stdout
    );
    assert!(
        md.stdout.contains("<del>12</del><ins>14</ins>"),
        "{}",
        md.stdout
    );
    assert!(
        md.stdout.contains("| added | PRC-INC-001 |"),
        "{}",
        md.stdout
    );
    assert!(
        md.stdout
            .contains("| A.8.13 Information backup | status | planned | implemented |"),
        "{}",
        md.stdout
    );

    let text = book.run(&["diff", "v1.0", "HEAD"]);
    assert!(text.stdout.contains("[-12-]{+14+}"), "{}", text.stdout);
    assert!(
        text.stdout.contains("moved from content/access.md"),
        "{}",
        text.stdout
    );

    let page = book.outside().join("changes.html");
    let html = book.run(&[
        "diff",
        "v1.0",
        "HEAD",
        "--format",
        "html",
        "-o",
        page.to_str().unwrap(),
    ]);
    assert_eq!(html.code, 0, "{}", html.stderr);
    let page = std::fs::read_to_string(page).unwrap();
    assert!(page.contains("<del>12</del><ins>14</ins>"));
    assert!(!page.contains("<script"));
}

#[test]
fn diff_against_the_working_tree_sees_uncommitted_changes() {
    let book = history_book();
    let text = book.read("content/policies/access-control.md");
    book.write(
        "content/policies/access-control.md",
        &text.replace("every quarter", "every month <b>now</b>"),
    );
    let run = book.run(&["diff", "HEAD"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("to working tree: 0 added, 0 removed, 1 changed"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("[-quarter.-]{+month <b>now</b>.+}"),
        "{}",
        run.stdout
    );
    let md = book.run(&["diff", "HEAD", "--format", "markdown"]);
    assert!(
        md.stdout.contains("&lt;b&gt;now&lt;/b&gt;"),
        "text from the book is escaped: {}",
        md.stdout
    );
    let same = book.run(&["diff", "HEAD", "HEAD"]);
    assert!(
        same.stdout
            .contains("No document, coverage or SoA decision changed."),
        "{}",
        same.stdout
    );
}

#[test]
fn a_shallow_clone_builds_without_history_and_warns_once() {
    let book = history_book();
    let clone = book.outside().join("shallow");
    let url = format!("file://{}", book.root.display());
    git(
        &book.outside(),
        "2026-05-01",
        "X",
        &["clone", "-q", "--depth", "1", &url, clone.to_str().unwrap()],
    );
    let out = book.outside().join("site");
    let run = run_in(
        &clone,
        &[
            "build",
            "--as-of",
            "2026-05-01",
            "-d",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr.matches("warning[shallow-clone]").count(),
        1,
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("fetch-depth: 0"), "{}", run.stderr);
    let page = std::fs::read_to_string(out.join("docs/policies/access-control.html")).unwrap();
    assert!(!page.contains("Revision history"));
    // `check` reads no history, so a shallow clone does not fail `check --strict` on it.
    let check = run_in(&clone, &["check", "--as-of", "2026-05-01"]);
    assert!(!check.stderr.contains("shallow"), "{}", check.stderr);
}

#[test]
fn a_book_outside_git_builds_without_history_and_refuses_revisions() {
    let book = Book::fixture("small");
    let out = book.outside().join("site");
    let run = book.run(&[
        "build",
        "--as-of",
        "2026-05-01",
        "-d",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("shallow"));
    let pages: Vec<_> = walkdir::WalkDir::new(out.join("docs"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .collect();
    assert!(!pages.is_empty());
    for p in pages {
        let html = std::fs::read_to_string(p.path()).unwrap();
        assert!(!html.contains("Revision history"), "{}", p.path().display());
        assert!(!html.contains("not committed"), "{}", p.path().display());
    }
    let at = book.run(&["build", "--at", "HEAD"]);
    assert_eq!(at.code, 2);
    assert!(
        at.stderr.contains("is not in a git repository"),
        "{}",
        at.stderr
    );
    let diff = book.run(&["diff", "HEAD"]);
    assert_eq!(diff.code, 2);
    assert!(
        diff.stderr.contains("is not in a git repository"),
        "{}",
        diff.stderr
    );
}

#[test]
fn check_prints_github_annotations_on_the_lines_of_the_problems() {
    let book = Book::fixture("mistakes");
    let run = book.run(&["check", "--format", "github"]);
    assert_eq!(run.code, 1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines.iter().all(|l| l.starts_with("::")), "{}", run.stdout);
    assert!(
        lines.contains(&"::error file=content/invalid-date.md,line=5,col=12,endColumn=21,title=policybook invalid-date::`2026-13-01` is not a valid date for `effective`%0Ahint: write dates as YYYY-MM-DD, e.g. 2026-01-15"),
        "{}",
        run.stdout
    );
    // Paths are as seen from the working folder, as GitHub resolves them from the repository root.
    let outside = run_in(
        &book.outside(),
        &["check", "book-src", "--format", "github"],
    );
    assert!(
        outside
            .stdout
            .contains("file=book-src/content/invalid-date.md,line=5"),
        "{}",
        outside.stdout
    );
}

#[test]
fn a_document_renamed_and_edited_in_one_commit_keeps_its_history_and_new_commits_show_up() {
    let book = Book::empty();
    let dir = book.root.clone();
    git(&dir, "2026-01-10", "Alice", &["init", "-q"]);
    let text = |extra: &str| {
        let mut t = "---\nid: STD-X\ntitle: X Standard\nstatus: draft\n---\n\n".to_string();
        for i in 0..20 {
            t.push_str(&format!("Rule {i} of the standard.\n"));
        }
        t + extra
    };
    book.write("content/x.md", &text(""));
    commit(&dir, "2026-01-10", "Alice", "Add X");
    std::fs::remove_file(dir.join("content/x.md")).unwrap();
    book.write("content/standards/x-standard.md", &text("One more rule.\n"));
    commit(&dir, "2026-02-10", "Bob", "Rename and extend X");
    let out = book.outside().join("site");
    let page = |name: &str| build_page(&book, &out, name);
    let rows = page_rows(&page("docs/standards/x-standard.html"), "Revision history");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows[1].contains("Add X | (as x.md)"), "{rows:?}");
    // The history is kept in .git between builds; a new commit is still seen.
    assert!(dir.join(".git/policybook").is_dir());
    book.write(
        "content/standards/x-standard.md",
        &text("Two more rules.\n"),
    );
    commit(&dir, "2026-03-10", "Carol", "Tighten X");
    let rows = page_rows(&page("docs/standards/x-standard.html"), "Revision history");
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(rows[0].contains("Carol | Tighten X"), "{rows:?}");
    // Only the commits since the cached one are read; renames there still reach back.
    std::fs::remove_file(dir.join("content/standards/x-standard.md")).unwrap();
    book.write("content/standards/x-std.md", &text("Two more rules.\n"));
    commit(&dir, "2026-04-10", "Dan", "Shorter name");
    let incremental_page = page("docs/standards/x-std.html");
    let rows = page_rows(&incremental_page, "Revision history");
    assert_eq!(rows.len(), 4, "{rows:?}");
    assert!(rows[0].contains("Dan | Shorter name"), "{rows:?}");
    assert!(
        rows[1].contains("Carol | Tighten X | (as standards/x-standard.md)"),
        "{rows:?}"
    );
    assert!(rows[3].contains("Add X | (as x.md)"), "{rows:?}");
    // Read from the cache plus the new commits, or from all commits: the same page.
    std::fs::remove_dir_all(dir.join(".git/policybook")).unwrap();
    assert_eq!(page("docs/standards/x-std.html"), incremental_page);
    assert_eq!(git(&dir, "2026-05-01", "X", &["status", "--porcelain"]), "");
}

#[test]
fn a_book_added_in_a_pull_request_diffs_as_all_added() {
    let book = Book::empty();
    let dir = book.outside();
    git(&dir, "2026-01-10", "Alice", &["init", "-q"]);
    std::fs::write(dir.join("README.md"), "A repository before its ISMS.\n").unwrap();
    commit(&dir, "2026-01-10", "Alice", "Start");
    book.write("book.toml", "[book]\ntitle = \"New ISMS\"\n");
    book.write(
        "content/a.md",
        &access("1.0", "draft", "", "\"A.5.15\"", 12),
    );
    commit(&dir, "2026-02-10", "Alice", "Add the ISMS");
    let run = book.run(&["diff", "HEAD~1", "HEAD", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let d: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(d["added"][0]["id"], "POL-AC-001");
    assert_eq!(d["controls"][0]["id"], "A.5.15");
    let at = book.run(&["build", "--at", "HEAD~1"]);
    assert_eq!(at.code, 2);
    assert!(at.stderr.contains("there was no book in"), "{}", at.stderr);
}

#[test]
fn watch_shows_a_new_commit_in_the_history_without_an_edit() {
    use std::time::{Duration, Instant};
    let book = Book::empty();
    let dir = book.outside(); // the repository holds the book in a subfolder
    git(&dir, "2026-01-10", "Alice", &["init", "-q"]);
    book.write(
        "content/a.md",
        &access("1.0", "draft", "", "\"A.5.15\"", 12),
    );
    commit(&dir, "2026-01-10", "Alice", "Add the policy");
    let out = dir.join("site");
    let mut child = Command::new(env!("CARGO_BIN_EXE_policybook"))
        .args([
            "watch",
            "--as-of",
            "2026-05-01",
            "-d",
            out.to_str().unwrap(),
        ])
        .current_dir(&book.root)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let page = out.join("docs/a.html");
    let rows = || {
        std::fs::read_to_string(&page)
            .ok()
            .filter(|p| p.contains("Revision history"))
            .map_or(0, |p| page_rows(&p, "Revision history").len())
    };
    let wait_for = |n: usize| {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline && rows() != n {
            std::thread::sleep(Duration::from_millis(50));
        }
        rows()
    };
    let first = wait_for(1);
    // Edit, let the edit be rebuilt, then commit it: only HEAD moves, no file of the book.
    book.write(
        "content/a.md",
        &access("1.1", "draft", "", "\"A.5.15\"", 14),
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline
        && !std::fs::read_to_string(&page).is_ok_and(|p| p.contains("at least 14 characters"))
    {
        std::thread::sleep(Duration::from_millis(50));
    }
    let edited = rows();
    std::thread::sleep(Duration::from_millis(300));
    git(
        &dir,
        "2026-02-11",
        "Bob",
        &["commit", "-q", "-a", "-m", "Version 1.1"],
    );
    let after = wait_for(2);
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!((first, edited, after), (1, 1, 2));
}

/// A repository that belongs to another user: git refuses it (CVE-2022-24765), and so does
/// policybook, with a warning, building without history. Needs root to hand the folder over.
#[cfg(target_os = "linux")]
#[test]
fn a_repository_of_another_user_is_not_read_and_says_so() {
    if !rustix::process::geteuid().is_root() {
        eprintln!("skipped: only root can give the repository to another user");
        return;
    }
    let book = history_book();
    let status = Command::new("chown")
        .args(["-R", "12345:12345"])
        .arg(&book.root)
        .status()
        .unwrap();
    assert!(status.success());
    let out = book.outside().join("site");
    let run = run_in(
        &book.root,
        &[
            "build",
            "--as-of",
            "2026-05-01",
            "-d",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr.matches("warning[git-unsafe-repository]").count(),
        1,
        "{}",
        run.stderr
    );
    let page = std::fs::read_to_string(out.join("docs/policies/access-control.html")).unwrap();
    assert!(!page.contains("Revision history"), "no history was read");
}
