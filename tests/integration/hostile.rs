//! Hostile inputs: each case is a small book (or a command against one) with its exact outcome.
//!
//! After every case nothing outside the output folder has changed, and no run panicked (the
//! harness fails on any panic message).

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::{broken_links, json_report, located, tree, Book};

/// What a case must produce.
enum Expect {
    /// `check` exits 1 with this error (code, file, line).
    Error(&'static str, &'static str, u64),
    /// `check` exits 0 and reports this warning (code, file, line; line 0: no place).
    Warning(&'static str, &'static str, u64),
    /// `check` exits 0 and reports this note (code, file, line).
    Note(&'static str, &'static str, u64),
    /// `build` succeeds; the page contains every `yes` and none of the `no` strings.
    Page(
        &'static str,
        &'static [&'static str],
        &'static [&'static str],
    ),
    /// `build` with these extra arguments exits with this code, its stderr containing the text.
    Refused(&'static [&'static str], i32, &'static str),
    /// `check` and `build` exit with this code, and `check` reports this diagnostic: severity,
    /// code, file, line, column (0, 0: no place) and message, all exactly.
    Said(Said),
    /// `build` succeeds; the site has every file of `has` and no path containing one of
    /// `lacks`, and of the codes in [`FILE_CODES`] `check` reports exactly `said` (code, message).
    Site {
        has: &'static [&'static str],
        lacks: &'static [&'static str],
        said: &'static [(&'static str, &'static str)],
    },
}

/// One diagnostic, exactly: severity, code, file, line, column, message.
type Said = (
    i32,
    &'static str,
    &'static str,
    &'static str,
    u64,
    u64,
    &'static str,
);

/// The codes about which files of the content folder are read and published.
const FILE_CODES: [&str; 5] = [
    "unlinked-file",
    "not-a-file",
    "duplicate-id",
    "symlink-skipped",
    "page-collision",
];

/// What editors and operating systems leave beside `content/doc.md`: none of it is part of
/// the book. Each would be a duplicate of `DOC-1` if read, an attachment if copied.
const LEFTOVERS: [&str; 17] = [
    "doc.md~",
    "#doc.md#",
    ".#doc.md",
    "doc.md.tmp",
    "upload.tmp",
    ".doc.md.swp",
    ".doc.md.swo",
    "4913",
    "doc.md___jb_tmp___",
    "doc.md___jb_old___",
    ".~lock.doc.md#",
    "doc.md.bak",
    "doc.md.orig",
    "doc.md.rej",
    ".DS_Store",
    "Thumbs.db",
    "desktop.ini",
];

struct Case {
    name: &'static str,
    files: Vec<(String, Vec<u8>)>,
    toml: &'static str,
    expect: Expect,
}

const FM: &str = "---\nid: DOC-1\ntitle: A document\nstatus: draft\nclauses: [\"5.2\"]\n---\n";

fn case(name: &'static str, files: &[(&str, &[u8])], expect: Expect) -> Case {
    Case {
        name,
        files: files
            .iter()
            .map(|(p, b)| (p.to_string(), b.to_vec()))
            .collect(),
        toml: "",
        expect,
    }
}

fn doc(name: &'static str, text: &str, expect: Expect) -> Case {
    case(name, &[("content/doc.md", text.as_bytes())], expect)
}

fn body(name: &'static str, markdown: &str, expect: Expect) -> Case {
    doc(name, &format!("{FM}{markdown}\n"), expect)
}

fn fm(yaml: &str) -> String {
    format!("---\n{yaml}\n---\nBody.\n")
}

fn cases() -> Vec<Case> {
    use Expect::*;
    let page = "book/docs/doc.html";
    let mut bomb = String::from("id: X\ntitle: T\na0: &a0 [x,x,x,x,x,x,x,x,x,x]\n");
    for i in 1..10 {
        let p = format!("*a{}", i - 1);
        bomb.push_str(&format!(
            "a{i}: &a{i} [{p},{p},{p},{p},{p},{p},{p},{p},{p},{p}]\n"
        ));
    }
    let deep = format!("id: X\ntitle: {}", "[".repeat(20_000));
    let long_line = format!("{FM}{}\n", "word ".repeat(1_800_000));
    let too_big = format!("{FM}{}\n", "x".repeat(11 * 1024 * 1024));
    let many: Vec<(String, Vec<u8>)> = (0..2000)
        .map(|i| {
            let next = (i + 1) % 2000;
            let text = format!("---\nid: D-{i}\ntitle: Document {i}\nstatus: approved\napprover: CEO\nversion: \"1\"\nclauses: [\"5.2\"]\ncontrols: [\"A.5.{}\"]\nrelated: [D-{next}]\n---\nSee [[D-{next}]].\n", i % 37 + 1);
            (format!("content/many/d{i:04}.md"), text.into_bytes())
        })
        .collect();
    vec![
        // Front matter.
        doc("no front matter", "# Just a heading\n", Error("missing-front-matter", "content/doc.md", 1)),
        doc("empty file", "", Error("missing-front-matter", "content/doc.md", 1)),
        doc("unterminated front matter", "---\nid: DOC-1\ntitle: T\n", Error("unterminated-front-matter", "content/doc.md", 1)),
        doc("tab indentation", &fm("id: DOC-1\ntitle: T\nclauses:\n\t- \"5.2\""), Error("yaml-syntax", "content/doc.md", 5)),
        doc("duplicate key", &fm("id: DOC-1\ntitle: T\nstatus: draft\nid: DOC-2"), Error("duplicate-key", "content/doc.md", 5)),
        doc("a string where a list belongs", &fm("id: DOC-1\ntitle: T\ncontrols: A.5.1"), Error("yaml-syntax", "content/doc.md", 4)),
        doc("a list where a string belongs", &fm("id: DOC-1\ntitle: [a, b]"), Error("yaml-syntax", "content/doc.md", 3)),
        doc("bare version 1.10", &fm("id: DOC-1\ntitle: T\nversion: 1.10"), Error("unquoted-value", "content/doc.md", 4)),
        doc("bare integer version", &fm("id: DOC-1\ntitle: T\nversion: 2"), Error("unquoted-value", "content/doc.md", 4)),
        doc("bare clause 6.1", &fm("id: DOC-1\ntitle: T\nclauses: [6.1]"), Error("unquoted-value", "content/doc.md", 4)),
        doc("boolean status", &fm("id: DOC-1\ntitle: T\nstatus: true"), Error("unquoted-value", "content/doc.md", 4)),
        doc("yes is text", &fm("id: DOC-1\ntitle: T\nstatus: draft\nclauses: [\"5.2\"]\nowner: yes\nclassification: off"), Page(page, &[">yes<", ">off<"], &[])),
        doc("impossible date", &fm("id: DOC-1\ntitle: T\neffective: 2026-02-30"), Error("invalid-date", "content/doc.md", 4)),
        doc("date in another format", &fm("id: DOC-1\ntitle: T\nreview_by: 15/01/2027"), Error("invalid-date", "content/doc.md", 4)),
        doc("unknown control", &fm("id: DOC-1\ntitle: T\ncontrols: [\"A.5.99\"]"), Error("unknown-control", "content/doc.md", 4)),
        doc("2013 control id", &fm("id: DOC-1\ntitle: T\ncontrols:\n  - A.9.2.1"), Warning("control-2013-id", "content/doc.md", 5)),
        doc("2013 control split in 2022", &fm("id: DOC-1\ntitle: T\ncontrols:\n  - A.18.2.3"), Error("control-2013-ambiguous", "content/doc.md", 5)),
        doc("unknown qualified 2013 id", &fm("id: DOC-1\ntitle: T\ncontrols:\n  - iso27001-2013:A.9.2.9"), Error("unknown-control", "content/doc.md", 5)),
        doc("unknown clause", &fm("id: DOC-1\ntitle: T\nclauses: [\"11.1\"]"), Error("unknown-clause", "content/doc.md", 4)),
        doc("unknown key", &fm("id: DOC-1\ntitle: T\nreviewer: Bob"), Error("unknown-key", "content/doc.md", 4)),
        doc("missing id", &fm("title: T"), Error("missing-field", "content/doc.md", 1)),
        doc("empty title", &fm("id: DOC-1\ntitle:"), Error("missing-field", "content/doc.md", 3)),
        doc("id with spaces", &fm("id: DOC 1\ntitle: T"), Error("invalid-id", "content/doc.md", 2)),
        doc("id that is a control id", &fm("id: A.5.1\ntitle: T"), Error("ambiguous-id", "content/doc.md", 2)),
        doc("front matter that is a list", &fm("- id\n- title"), Error("yaml-syntax", "content/doc.md", 2)),
        // Strict keys stop a billion-laughs document at its first anchor, before any expansion.
        doc("alias bomb", &fm(&bomb), Error("unknown-key", "content/doc.md", 4)),
        doc("deep nesting", &fm(&deep), Error("yaml-syntax", "content/doc.md", 3)),
        doc("front matter only", FM, Page(page, &["A document"], &[])),
        case("utf-8 byte order mark", &[("content/doc.md", format!("\u{feff}{FM}Body.\n").as_bytes())], Page(page, &["Body."], &[])),
        doc("crlf line endings", &format!("{FM}## Scope\n\n[x](#scope)\n").replace('\n', "\r\n"), Page(page, &["href=\"#scope\"", "id=\"scope\""], &[])),
        case("invalid utf-8", &[("content/doc.md", b"---\nid: DOC-1\ntitle: T\xff\xfe\n---\n")], Error("invalid-utf8", "content/doc.md", 3)),
        case(
            "ids differing only in case",
            &[("content/a.md", fm("id: POL-1\ntitle: A").as_bytes()), ("content/b.md", fm("id: pol-1\ntitle: B").as_bytes())],
            Error("duplicate-id", "content/b.md", 2),
        ),
        case(
            "ids differing only in a look-alike letter",
            &[("content/a.md", fm("id: pol-002\ntitle: A").as_bytes()), ("content/b.md", fm("id: p\u{43e}l-002\ntitle: B").as_bytes())],
            Error("confusable-id", "content/a.md", 2),
        ),
        doc("an id mixing scripts", &fm("id: DOC-\u{3b1}1\ntitle: T\nstatus: draft\nclauses: [\"5.2\"]"), Warning("mixed-script-id", "content/doc.md", 2)),
        doc("a Japanese id", &fm("id: \u{60c5}\u{5831}\u{30bb}\u{30ad}\u{30e5}\u{30ea}\u{30c6}\u{30a3}\u{306e}\u{65b9}\u{91dd}-1\ntitle: T\nstatus: draft\nclauses: [\"5.2\"]"), Page(page, &["\u{60c5}\u{5831}\u{30bb}"], &[])),
        case(
            "ids differing only in unicode normalisation",
            &[("content/a.md", fm("id: POL-\u{e9}\ntitle: A").as_bytes()), ("content/b.md", fm("id: POL-e\u{301}\ntitle: B").as_bytes())],
            Error("duplicate-id", "content/b.md", 2),
        ),
        // Markdown.
        body("raw script", "<script>alert(1)</script>", Page(page, &["&lt;script&gt;alert(1)&lt;/script&gt;"], &["<script>alert"])),
        body("event handler attribute", "<img src=x onerror=alert(1)>", Page(page, &["&lt;img src=x onerror=alert(1)&gt;"], &["<img src=x"])),
        body("raw script is a warning", "Text.\n\n<script>alert(1)</script>", Warning("raw-html", "content/doc.md", 9)),
        body("an event handler in raw html is a warning", "<img src=x onerror=alert(1)>", Warning("raw-html", "content/doc.md", 7)),
        body("an embed in raw html is a warning", "<EMBED src=x.swf>", Warning("raw-html", "content/doc.md", 7)),
        body("a javascript url in raw html is a warning", "<a href=\"java\tscript:alert(1)\">x</a>", Warning("raw-html", "content/doc.md", 7)),
        body("harmless raw html shown as text is a note", "Hello <b>there</b>", Note("raw-html", "content/doc.md", 7)),
        body("an object is not an objection", "<objection>noted</objection> <scripture>", Note("raw-html", "content/doc.md", 7)),
        body("U+0000 becomes U+FFFD", "a\u{0}b &#0; c", Page(page, &["a\u{FFFD}b \u{FFFD} c"], &["\u{0}"])),
        doc("U+0000 in front matter becomes U+FFFD", &fm("id: DOC-1\ntitle: \"Policy\\0 one\"\nstatus: draft\nclauses: [\"5.2\"]"), Page(page, &["Policy\u{FFFD} one"], &["\u{0}"])),
        Case {
            name: "U+0000 in book.toml becomes U+FFFD",
            files: vec![("content/doc.md".into(), format!("{FM}Body.\n").into_bytes())],
            toml: "organization = \"Acme\\u0000 Ltd\"\n",
            expect: Page(page, &["Acme\u{FFFD} Ltd"], &["\u{0}"]),
        },
        Case {
            name: "sanitised html keeps no empty or missing src",
            files: vec![("content/doc.md".into(), format!("{FM}<img src=\"javascript:alert(1)\"> <img src=\"\"> <a href=\"\">m</a> <img src=\"https://e.example/a.png\">\n").into_bytes())],
            toml: "[output.html]\nallow-html = true\n",
            expect: Page(page, &["<img src=\"https://e.example/a.png\">", "<a>m</a>"], &["src=\"\"", "href=\"\"", "<img>"]),
        },
        body("an unsafe image leaves no empty src", "![the logo](javascript:alert(1)) after", Page(page, &["<p>the logo after</p>"], &["src=\"\"", "<img"])),
        body("a missing image is an error, not an empty src", "![diagram](missing.png)", Error("broken-link", "content/doc.md", 7)),
        body("javascript link", "[x](javascript:alert(1))", Warning("unsafe-link", "content/doc.md", 7)),
        body("entity-encoded javascript link", "[x](&#106;avascript:alert(1))", Warning("unsafe-link", "content/doc.md", 7)),
        body("data link", "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", Warning("unsafe-link", "content/doc.md", 7)),
        body("javascript image", "![x](javascript:alert(1))", Warning("unsafe-link", "content/doc.md", 7)),
        body("unsafe links never reach the page", "[x](javascript:alert(1)) [y](JaVaScRiPt:alert(2))", Page(page, &["<p>x y</p>"], &["javascript:", "JaVaScRiPt"])),
        body("heading attributes other than id and class are dropped", "# Title {onclick=alert(1)}", Page(page, &["<h1 id=\"title\">Title <a"], &[" onclick=", "{onclick"])),
        body("a dropped heading attribute is a warning", "# Title {onclick=alert(1)}", Warning("heading-attribute", "content/doc.md", 7)),
        body("markup in a heading id is text", "# Title {#\"><script>alert(1)</script>}", Page(page, &["&lt;script&gt;alert(1)"], &["<script>alert"])),
        body("a quote in a heading id is escaped", "# Title {#a\"onmouseover=\"x .c}", Page(page, &["<h1 id=\"a&quot;onmouseover=&quot;x\" class=\"c\">"], &["\"onmouseover"])),
        body("a nest of admonitions", &"!!! note\n    ".repeat(500), Page(page, &["callout-note"], &[])),
        body("template syntax is text", "{{ config.secret }} {% include \"x\" %} {# c #}", Page(page, &["{{ config.secret }}", "{% include \"x\" %}", "{# c #}"], &[])),
        doc("html in front matter", &fm("id: DOC-1\ntitle: <img src=x onerror=alert(1)>\nstatus: draft\nclauses: [\"5.2\"]\nowner: \"<b>boss</b>\""), Page(page, &["&lt;img src=x onerror=alert(1)&gt;", "&lt;b&gt;boss&lt;/b&gt;"], &["<img src=x", "<b>boss"])),
        body("100,000 brackets", &"[".repeat(100_000), Page(page, &["[[["], &[])),
        body("100,000 quote levels", &format!("{} deep", ">".repeat(100_000)), Page(page, &["deep"], &[])),
        body("100,000 list levels", &"- ".repeat(100_000), Page(page, &["A document"], &[])),
        doc("a 9 MB single line", &long_line, Page(page, &["word word"], &[])),
        doc("a file over the size limit", &too_big, Error("unreadable-file", "", 0)),
        Case {
            name: "allowed raw html is sanitised",
            files: vec![("content/doc.md".into(), format!("{FM}<b onclick=\"x()\">bold</b><script>alert(1)</script><a href=\"javascript:x\">l</a><iframe src=\"https://e.example\"></iframe>\n").into_bytes())],
            toml: "[output.html]\nallow-html = true\n",
            expect: Page(page, &["<b>bold</b>"], &["onclick", "<script>alert", "javascript:", "<iframe"]),
        },
        Case {
            name: "script under allow-html is a warning too",
            files: vec![("content/doc.md".into(), format!("{FM}<iframe src=\"https://e.example\"></iframe>\n").into_bytes())],
            toml: "[output.html]\nallow-html = true\n",
            expect: Warning("raw-html", "content/doc.md", 7),
        },
        // References.
        body("unknown wiki link", "See [[POL-404]].", Error("unknown-reference", "content/doc.md", 7)),
        body("link to a missing document", "See [it](missing.md).", Error("broken-link", "content/doc.md", 7)),
        body("link to a missing anchor", "## Scope\n\nSee [it](#scoop).", Error("broken-anchor", "content/doc.md", 9)),
        body("link out of the content folder", "See [it](../../../etc/passwd).", Error("link-outside-content", "content/doc.md", 7)),
        body("missing image", "![diagram](img/none.png)", Error("broken-link", "content/doc.md", 7)),
        case(
            "the same id in two files",
            &[("content/a.md", fm("id: POL-1\ntitle: A").as_bytes()), ("content/b/a.md", fm("id: POL-1\ntitle: B").as_bytes())],
            Error("duplicate-id", "content/b/a.md", 2),
        ),
        case(
            "a cycle in related",
            &[
                ("content/a.md", fm("id: A-1\ntitle: A\nstatus: draft\nclauses: [\"5.2\"]\nrelated: [B-1]").as_bytes()),
                ("content/b.md", fm("id: B-1\ntitle: B\nstatus: draft\nclauses: [\"5.2\"]\nrelated: [A-1]").as_bytes()),
            ],
            Page("book/docs/a.html", &["B-1"], &[]),
        ),
        doc("a document related to itself", &fm("id: DOC-1\ntitle: T\nstatus: draft\nclauses: [\"5.2\"]\nrelated: [DOC-1]"), Warning("self-reference", "content/doc.md", 6)),
        // The file system.
        case(
            "names with spaces, unicode, # and %",
            &[
                ("content/a b/ünï #1%.md", fm("id: ODD-1\ntitle: Odd\nstatus: draft\nclauses: [\"5.2\"]").as_bytes()),
                ("content/index.md", format!("{FM}[odd](a%20b/%C3%BCn%C3%AF%20%231%25.md) [[ODD-1]]\n").replace("DOC-1", "IDX").as_bytes()),
            ],
            Page("book/docs/index.html", &["href=\"../docs/a%20b/%C3%BCn%C3%AF%20%231%25.html\""], &[]),
        ),
        // One name, two Unicode forms: macOS writes `é` as `e` and a combining accent (NFD).
        case(
            "café.md in NFC and in NFD",
            &[("content/cafe\u{301}.md", fm("id: CAFE-1\ntitle: A").as_bytes()), ("content/caf\u{e9}.md", fm("id: CAFE-2\ntitle: B").as_bytes())],
            Error("page-collision", "content/caf\u{e9}.md", 2),
        ),
        case(
            "a page from an NFD file name has an NFC path that links reach",
            &[
                ("content/cafe\u{301}.md", fm("id: CAFE-1\ntitle: Caf\u{e9}\nstatus: draft\nclauses: [\"5.2\"]").as_bytes()),
                ("content/index.md", format!("{FM}[nfc](caf%C3%A9.md) [nfd](cafe%CC%81.md) [raw](caf\u{e9}.md) [[CAFE-1]]\n").replace("DOC-1", "IDX").as_bytes()),
            ],
            Page("book/docs/index.html", &["<a href=\"../docs/caf%C3%A9.html\" title=\"CAFE-1 Caf\u{e9}\">CAFE-1<", "href=\"../docs/caf%C3%A9.html\">nfc<", "href=\"../docs/caf%C3%A9.html\">nfd<", "href=\"../docs/caf%C3%A9.html\">raw<"], &["cafe%CC%81", "broken-ref"]),
        ),
        // Names Windows cannot hold: the site and its bundle could not be unzipped there.
        case("a Windows device name", &[("content/CON.md", FM.as_bytes())], Error("unportable-name", "content/CON.md", 1)),
        case("a device name with two extensions", &[("content/Aux.policy.md", FM.as_bytes())], Error("unportable-name", "content/Aux.policy.md", 1)),
        case("a device name with a superscript digit", &[("content/COM\u{b9}.md", FM.as_bytes())], Error("unportable-name", "content/COM\u{b9}.md", 1)),
        case("a device name as a linked asset", &[("content/doc.md", format!("{FM}![logo](aux.png)\n").as_bytes()), ("content/aux.png", b"png")], Error("unportable-name", "", 0)),
        case("a device name as a folder", &[("content/nul/doc.md", FM.as_bytes())], Error("unportable-name", "content/nul/doc.md", 1)),
        case("a folder name ending in a dot", &[("content/old./doc.md", FM.as_bytes())], Error("unportable-name", "content/old./doc.md", 1)),
        case("a folder name ending in a space", &[("content/old /doc.md", FM.as_bytes())], Error("unportable-name", "content/old /doc.md", 1)),
        case("a file name with a character Windows forbids", &[("content/what?.md", FM.as_bytes())], Error("unportable-name", "content/what?.md", 1)),
        case("a dot before the extension is fine", &[("content/trailing-dot..md", FM.as_bytes())], Page("book/docs/trailing-dot..html", &["A document"], &[])),
        case("a name that only starts like a device is fine", &[("content/console.md", FM.as_bytes())], Page("book/docs/console.html", &["A document"], &[])),
        doc("an alias at a device name", &fm("id: DOC-1\ntitle: T\nstatus: draft\nclauses: [\"5.2\"]\naliases: [/old/con.html]"), Error("unportable-name", "content/doc.md", 6)),
        case(
            "names that collide on a case-insensitive file system",
            &[("content/Policy.md", fm("id: P-1\ntitle: A").as_bytes()), ("content/policy.md", fm("id: P-2\ntitle: B").as_bytes())],
            Error("page-collision", "content/policy.md", 2),
        ),
        Case { name: "two thousand documents", files: many, toml: "", expect: Page("book/docs/many/d1999.html", &["D-0"], &[]) },
        doc("output folder is the book root", FM, Refused(&["-d", "."], 2, "refusing")),
        // A marker left in the book root must not make the root look like a site to replace.
        case(
            "output folder is the book root, marked as a site",
            &[("content/doc.md", FM.as_bytes()), (".policybook-site", b"")],
            Refused(&["-d", "."], 2, "book's root folder"),
        ),
        doc("output folder is the content folder", FM, Refused(&["-d", "content"], 2, "refusing")),
        doc("output folder is the file-system root", FM, Refused(&["-d", "/"], 2, "refusing")),
        doc("output folder contains the book", FM, Refused(&["-d", ".."], 2, "refusing")),
        doc("output folder cannot be written", FM, Refused(&["-d", "/proc/policybook-site"], 2, "error")),
        // Attachments: only what a page links to is published.
        case(
            "an unlinked file is noted and not copied, a linked one is",
            &[
                ("content/doc.md", format!("{FM}![diagram](img/diagram.png)\n").as_bytes()),
                ("content/img/diagram.png", b"\x89PNG"),
                ("content/manual.pdf", b"%PDF-1.7"),
            ],
            Site {
                has: &["book/docs/img/diagram.png"],
                lacks: &["manual.pdf"],
                said: &[("unlinked-file", "content/manual.pdf is linked from no document, so it is not published")],
            },
        ),
        case(
            "a linked pdf is copied without a note",
            &[("content/doc.md", format!("{FM}[manual](manual.pdf)\n").as_bytes()), ("content/manual.pdf", b"%PDF-1.7")],
            Site { has: &["book/docs/manual.pdf"], lacks: &[], said: &[] },
        ),
        // Misleading diagnostics, made true.
        case(
            "a link to a document whose front matter is broken",
            &[
                ("content/doc.md", format!("{FM}See [the other](other.md).\n").as_bytes()),
                ("content/other.md", b"---\nid: OTHER-1\ntitle: [\n---\nBody.\n"),
            ],
            Said((1, "warning", "unresolved-reference", "content/doc.md", 7, 5, "`other.md` is a document whose front matter has errors (see its own diagnostics)")),
        ),
        case(
            "a link to a folder whose index has broken front matter",
            &[
                ("content/doc.md", format!("{FM}See [the guides](guides/).\n").as_bytes()),
                ("content/guides/index.md", b"---\nid: GUIDES\ntitle: [\n---\nBody.\n"),
            ],
            Said((1, "warning", "unresolved-reference", "content/doc.md", 7, 5, "the folder `guides/` opens `guides/index.md`, a document whose front matter has errors (see its own diagnostics)")),
        ),
        case(
            "a link to a folder, without its slash, whose index has broken front matter",
            &[
                ("content/doc.md", format!("{FM}See [the guides](guides).\n").as_bytes()),
                ("content/guides/README.md", b"---\nid: GUIDES\ntitle: [\n---\nBody.\n"),
            ],
            Said((1, "warning", "unresolved-reference", "content/doc.md", 7, 5, "the folder `guides` opens `guides/README.md`, a document whose front matter has errors (see its own diagnostics)")),
        ),
        doc(
            "blank lines before the front matter",
            &format!("\n\n{FM}Body.\n"),
            Said((1, "error", "missing-front-matter", "content/doc.md", 3, 1, "front matter must start on the first line; remove the 2 blank lines before it")),
        ),
        case(
            "a byte order mark and then front matter after a blank line",
            &[("content/doc.md", format!("\u{feff}\n{FM}Body.\n").as_bytes())],
            Said((1, "error", "missing-front-matter", "content/doc.md", 2, 1, "front matter must start on the first line; remove the 1 blank line before it")),
        ),
        Case {
            name: "an unknown key in book.toml",
            files: vec![("content/doc.md".into(), FM.as_bytes().to_vec())],
            toml: "[build]\noutput-directory = \"site\"\n",
            expect: Error("config-unknown-key", "book.toml", 4),
        },
    ]
}

#[cfg(unix)]
fn special_cases(book: &Book, name: &str) {
    let content = book.root.join("content");
    match name {
        "a symlink out of the book" => {
            std::os::unix::fs::symlink("/etc/passwd", content.join("passwd.md")).unwrap();
        }
        "a symlink loop" => {
            std::os::unix::fs::symlink("..", content.join("loop")).unwrap();
        }
        "a named pipe" => {
            let fifo = content.join("pipe.md");
            let made = std::process::Command::new("mkfifo").arg(&fifo).status();
            assert!(made.is_ok_and(|s| s.success()), "mkfifo failed");
            // Should policybook ever open the pipe, a writer comes by now and then so that its
            // read ends (and the case fails) instead of hanging the test.
            std::thread::spawn(move || {
                while fifo.exists() {
                    std::thread::sleep(std::time::Duration::from_secs(5));
                    let _ = std::fs::OpenOptions::new().write(true).open(&fifo);
                }
            });
        }
        _ => {}
    }
}

/// Everything under `dir` except the output folder, so a case can prove it touched nothing else.
fn outside_output(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    tree(dir)
        .into_iter()
        .filter(|(p, _)| !p.starts_with("book-src/book/"))
        .collect()
}

fn run_case(c: &Case) -> Result<(), String> {
    let book = Book::empty();
    book.write(
        "book.toml",
        &format!("[book]\ntitle = \"Hostile\"\n{}", c.toml),
    );
    for (path, bytes) in &c.files {
        let p = book.root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    #[cfg(unix)]
    special_cases(&book, c.name);
    let before = outside_output(&book.outside());
    let check = book.run(&["check", "--format", "json", "--as-of", "2026-11-22"]);
    let report = json_report(&check);
    let exact: Vec<(String, String, String, u64, u64, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let text = |k: &str| d[k].as_str().unwrap_or("").to_string();
            let number = |k: &str| d[k].as_u64().unwrap_or(0);
            let (line, column) = (number("line"), number("column"));
            let (severity, code, file) = (text("severity"), text("code"), text("file"));
            (severity, code, file, line, column, text("message"))
        })
        .collect();
    let diagnostics: Vec<(String, String, String, u64)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["severity"].as_str().unwrap_or("").to_string(),
                d["code"].as_str().unwrap_or("").to_string(),
                d["file"].as_str().unwrap_or("").to_string(),
                d["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    let has = |severity: &str, code: &str, file: &str, line: u64| {
        diagnostics
            .iter()
            .any(|d| d.0 == severity && d.1 == code && d.2 == file && d.3 == line)
    };
    let result = match &c.expect {
        Expect::Error(code, file, line) => {
            if check.code != 1 {
                Err(format!("check exited {}", check.code))
            } else if !has("error", code, file, *line) {
                Err(format!(
                    "no error {code} at {file}:{line} in {diagnostics:?}"
                ))
            } else {
                let build = book.run(&["build", "--as-of", "2026-11-22"]);
                if build.code != 1 || book.root.join("book").exists() {
                    Err(format!("build exited {} and wrote a site", build.code))
                } else {
                    Ok(())
                }
            }
        }
        Expect::Warning(code, file, line) | Expect::Note(code, file, line) => {
            let severity = match c.expect {
                Expect::Note(..) => "note",
                _ => "warning",
            };
            if check.code != 0 {
                Err(format!("check exited {}: {diagnostics:?}", check.code))
            } else if !has(severity, code, file, *line) {
                Err(format!(
                    "no {severity} {code} at {file}:{line} in {diagnostics:?}"
                ))
            } else {
                Ok(())
            }
        }
        Expect::Page(path, yes, no) => {
            let build = book.run(&["build", "--as-of", "2026-11-22"]);
            if check.code != 0 || build.code != 0 {
                Err(format!(
                    "check exited {}, build {}: {}",
                    check.code, build.code, build.stderr
                ))
            } else {
                let page = std::fs::read_to_string(book.root.join(path)).unwrap_or_default();
                let missing: Vec<_> = yes.iter().filter(|y| !page.contains(*y)).collect();
                let present: Vec<_> = no.iter().filter(|n| page.contains(*n)).collect();
                let broken = broken_links(&book.root.join("book"));
                if !missing.is_empty() || !present.is_empty() || !broken.is_empty() {
                    Err(format!(
                        "{path}: missing {missing:?}, present {present:?}, broken links {broken:?}"
                    ))
                } else {
                    Ok(())
                }
            }
        }
        Expect::Said((exit, severity, code, file, line, column, message)) => {
            let wanted = (
                severity.to_string(),
                code.to_string(),
                file.to_string(),
                *line,
                *column,
                message.to_string(),
            );
            let build = book.run(&["build", "--as-of", "2026-11-22"]);
            if check.code != *exit || build.code != *exit {
                Err(format!(
                    "check exited {}, build {}: {exact:?}",
                    check.code, build.code
                ))
            } else if !exact.contains(&wanted) {
                Err(format!("no {wanted:?} in {exact:?}"))
            } else if *exit != 0 && book.root.join("book").exists() {
                Err("a book with errors was written".into())
            } else {
                Ok(())
            }
        }
        Expect::Site { has, lacks, said } => {
            let build = book.run(&["build", "--as-of", "2026-11-22"]);
            let site = tree(&book.root.join("book"));
            let missing: Vec<_> = has
                .iter()
                .filter(|p| !book.root.join(p).is_file())
                .collect();
            let extra: Vec<_> = site
                .keys()
                .filter(|p| lacks.iter().any(|l| p.contains(l)))
                .collect();
            let found: Vec<(String, String)> = exact
                .iter()
                .filter(|d| FILE_CODES.contains(&d.1.as_str()))
                .map(|d| (d.1.clone(), d.5.clone()))
                .collect();
            let wanted: Vec<(String, String)> = said
                .iter()
                .map(|(c, m)| (c.to_string(), m.to_string()))
                .collect();
            let broken = broken_links(&book.root.join("book"));
            if check.code != 0 || build.code != 0 {
                Err(format!(
                    "check exited {}, build {}: {}",
                    check.code, build.code, build.stderr
                ))
            } else if !missing.is_empty() || !extra.is_empty() || !broken.is_empty() {
                Err(format!(
                    "missing {missing:?}, should not be there {extra:?}, broken links {broken:?}"
                ))
            } else if found != wanted {
                Err(format!("said {found:?}, not {wanted:?}"))
            } else {
                Ok(())
            }
        }
        Expect::Refused(args, code, text) => {
            let mut full = vec!["build", "--as-of", "2026-11-22"];
            full.extend_from_slice(args);
            let build = book.run(&full);
            if build.code != *code || !build.stderr.contains(text) {
                Err(format!(
                    "build {args:?} exited {}: {}",
                    build.code, build.stderr
                ))
            } else {
                Ok(())
            }
        }
    };
    let after = outside_output(&book.outside());
    if before != after {
        let changed: Vec<_> = after
            .keys()
            .filter(|k| before.get(*k) != after.get(*k))
            .chain(before.keys().filter(|k| !after.contains_key(*k)))
            .collect();
        return Err(format!("files outside the output changed: {changed:?}"));
    }
    result
}

#[test]
fn hostile_inputs_get_exact_answers_and_touch_nothing_else() {
    let mut all = cases();
    #[cfg(unix)]
    {
        all.push(case(
            "a symlink out of the book",
            &[("content/doc.md", FM.as_bytes())],
            Expect::Warning("symlink-skipped", "", 0),
        ));
        all.push(case(
            "a symlink loop",
            &[("content/doc.md", FM.as_bytes())],
            Expect::Warning("symlink-skipped", "", 0),
        ));
        all.push(case(
            "a named pipe",
            &[("content/doc.md", FM.as_bytes())],
            Expect::Said((
                0,
                "warning",
                "not-a-file",
                "",
                0,
                0,
                "content/pipe.md is not a regular file: skipped",
            )),
        ));
    }
    for name in LEFTOVERS {
        all.push(Case {
            name,
            files: vec![
                ("content/doc.md".into(), FM.as_bytes().to_vec()),
                (format!("content/{name}"), FM.as_bytes().to_vec()),
                (format!("content/sub/{name}"), FM.as_bytes().to_vec()),
            ],
            toml: "",
            expect: Expect::Site {
                has: &["book/docs/doc.html"],
                lacks: &[
                    "doc.md", "4913", "jb_", "lock", "DS_Store", "Thumbs", "desktop", "upload",
                    "sub",
                ],
                said: &[],
            },
        });
    }
    assert!(all.len() >= 60, "{} cases", all.len());
    let failures: Vec<String> = all
        .iter()
        .filter_map(|c| run_case(c).err().map(|e| format!("{}: {e}", c.name)))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}

#[test]
fn a_reader_that_stops_reading_does_not_make_a_report_panic() {
    let book = Book::fixture("mistakes");
    for args in [
        &["check", "--format", "json"][..],
        &["check", "--format", "github"][..],
    ] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_policybook"))
            .args(args)
            .current_dir(&book.root)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take()); // like `| head -0`
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
    }
}

/// A look-alike id is reported at both files, so a CI annotation reaches each author; the id
/// that mixes scripts is also a warning, and an id wholly in Japanese (Han, Katakana and
/// Hiragana), Latin with Japanese, or wholly in Cyrillic is not.
#[test]
fn look_alike_ids_are_reported_at_both_files() {
    let book = Book::empty();
    book.write("book.toml", "[book]\ntitle = \"Ids\"\n");
    let traced = "status: draft\nclauses: [\"5.2\"]";
    book.write(
        "content/a.md",
        &fm(&format!("id: pol-002\ntitle: A\n{traced}")),
    );
    book.write(
        "content/b.md",
        &fm(&format!("title: B\n{traced}\nid:   p\u{43e}l-002")),
    );
    book.write(
        "content/ja.md",
        &fm(&format!("id: \u{60c5}\u{5831}\u{30bb}\u{30ad}\u{30e5}\u{30ea}\u{30c6}\u{30a3}\u{306e}\u{65b9}\u{91dd}-1\ntitle: J\n{traced}")),
    );
    book.write(
        "content/ja-latin.md",
        &fm(&format!(
            "id: ISMS-\u{60c5}\u{5831}\u{30bb}\u{30ad}\u{30e5}\u{30ea}\u{30c6}\u{30a3}\ntitle: L\n{traced}"
        )),
    );
    book.write(
        "content/ru.md",
        &fm(&format!(
            "id: \u{43f}\u{43e}\u{43b}-002\ntitle: R\n{traced}"
        )),
    );
    let run = book.run(&["check", "--format", "json", "--as-of", "2026-11-22"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let mut ids: Vec<_> = located(&json_report(&run))
        .into_iter()
        .filter(|d| d.0.ends_with("-id"))
        .collect();
    ids.sort();
    let at =
        |code: &str, file: &str, line, column| (code.to_string(), file.to_string(), line, column);
    assert_eq!(
        ids,
        vec![
            at("confusable-id", "content/a.md", 2, 5),
            at("confusable-id", "content/b.md", 5, 7),
            at("mixed-script-id", "content/b.md", 5, 7),
        ]
    );
    let human = book.run(&["check", "--as-of", "2026-11-22"]);
    assert!(
        human
            .stderr
            .contains("the id `p\u{43e}l-002` looks the same as `pol-002`")
            && human.stderr.contains("`\u{43e}` (U+043E)"),
        "{}",
        human.stderr
    );
}
