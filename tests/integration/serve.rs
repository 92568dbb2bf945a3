//! `policybook serve` over raw HTTP: only the site's files, only GET and HEAD, only to its own
//! address, live reload only for its own pages.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::Book;

struct Server {
    child: Child,
    port: u16,
    _book: Book,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start() -> Server {
    start_book(Book::fixture("small"))
}

fn start_book(book: Book) -> Server {
    start_with(book, &[])
}

/// `serve` of `book` with `extra` arguments.
fn start_with(book: Book, extra: &[&str]) -> Server {
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_policybook"))
        .args(["serve", "--as-of", "2026-11-22", "-p", &port.to_string()])
        .args(extra)
        .current_dir(&book.root)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut line = String::new();
    while Instant::now() < deadline {
        line.clear();
        if stderr.read_line(&mut line).unwrap_or(0) == 0 {
            break;
        }
        if line.starts_with("serving ") {
            std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
            return Server {
                child,
                port,
                _book: book,
            };
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("serve did not start: {line}");
}

/// Sends `request` as written and returns the status code and the whole response.
fn raw(port: u16, request: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, text)
}

fn get(port: u16, path: &str) -> (u16, String) {
    raw(
        port,
        &format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"),
    )
}

#[test]
fn serves_the_site_with_live_reload_and_nothing_else() {
    let server = start();
    let port = server.port;
    let (status, page) = get(port, "/");
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("<script src=\"/__policybook/livereload.js\"></script>"));
    assert!(!page
        .to_ascii_lowercase()
        .contains("access-control-allow-origin"));
    let (status, css) = get(port, "/static/style.css");
    assert_eq!(status, 200);
    assert!(css.contains("text/css"));
    assert_eq!(get(port, "/docs/policies/security-policy.html").0, 200);
    assert_eq!(get(port, "/docs/policies/").0, 404);

    for escape in [
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/docs/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2fetc%2fpasswd",
        "/%2fetc%2fpasswd",
        "/..\\..\\etc\\passwd",
        "/docs\\..\\..\\book.toml",
        "//etc/passwd",
        "/C:/Windows/win.ini",
        "/content/policies/security-policy.md",
        "/book.toml",
        "/%00",
    ] {
        let (status, body) = get(port, escape);
        assert_eq!(status, 404, "{escape}: {body}");
        assert!(
            !body.contains("root:") && !body.contains("[book]"),
            "{escape} leaked a file"
        );
    }
    let long = format!("/{}", "a".repeat(10_000));
    let (status, _) = get(port, &long);
    assert!(status == 414 || status == 400, "a 10 kB URL: {status}");

    for method in ["POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE"] {
        let (status, text) = raw(port, &format!("{method} / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
        assert_eq!(status, 405, "{method}: {text}");
        assert!(
            text.to_ascii_lowercase().contains("allow: get, head"),
            "{text}"
        );
    }
    let (status, head) = raw(
        port,
        &format!("HEAD / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"),
    );
    assert_eq!(status, 200);
    assert!(!head.contains("<html"), "HEAD has no body");

    // DNS rebinding: a page of another site whose name resolves to 127.0.0.1.
    let (status, _) = raw(
        port,
        &format!("GET / HTTP/1.1\r\nHost: attacker.example:{port}\r\nConnection: close\r\n\r\n"),
    );
    assert_eq!(status, 421);
    let (status, _) = raw(port, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
    assert_eq!(status, 400, "no Host header (RFC 9112: a bad request)");
    let (status, _) = raw(port, "GET / HTTP/1.0\r\n\r\n");
    assert_eq!(status, 400, "no Host header in HTTP/1.0 either");
    assert_eq!(
        raw(
            port,
            &format!("GET / HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n")
        )
        .0,
        200
    );

    // Live reload only for the server's own pages.
    let (status, _) = raw(port, &format!("GET /__policybook/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://attacker.example\r\nConnection: close\r\n\r\n"));
    assert_eq!(status, 403);
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(s, "GET /__policybook/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\n\r\n").unwrap();
    let mut buf = [0u8; 512];
    let n = s.read(&mut buf).unwrap();
    let head = String::from_utf8_lossy(&buf[..n]);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(head.contains("text/event-stream"));
}

#[test]
fn a_busy_port_is_explained() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let book = Book::fixture("small");
    let run = book.run(&["serve", "-p", &port]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("Choose another with -p"),
        "{}",
        run.stderr
    );
}

#[test]
fn watch_rebuilds_the_site_on_disk_after_a_save() {
    let book = Book::fixture("small");
    let out = book.outside().join("site");
    let mut child = Command::new(env!("CARGO_BIN_EXE_policybook"))
        .args([
            "watch",
            "--as-of",
            "2026-11-22",
            "-d",
            out.to_str().unwrap(),
        ])
        .current_dir(&book.root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let page = out.join("docs/policies/security-policy.html");
    let wait_for = |what: &dyn Fn() -> bool| {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline && !what() {
            std::thread::sleep(Duration::from_millis(50));
        }
        what()
    };
    let first = wait_for(&|| page.is_file());
    // An editor's atomic save: write a temporary file, then rename it over the document.
    let doc = book.root.join("content/policies/security-policy.md");
    let text = std::fs::read_to_string(&doc).unwrap();
    std::fs::write(
        doc.with_extension("md.tmp"),
        format!("{text}\nSaved by an editor.\n"),
    )
    .unwrap();
    std::fs::rename(doc.with_extension("md.tmp"), &doc).unwrap();
    let rebuilt = wait_for(&|| {
        std::fs::read_to_string(&page).is_ok_and(|p| p.contains("Saved by an editor."))
    });
    let _ = child.kill();
    let _ = child.wait();
    assert!(first, "the first build was written");
    assert!(rebuilt, "the save was rebuilt");
}

/// Polls `what` for up to 20 s.
fn wait_for(what: &dyn Fn() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline && !what() {
        std::thread::sleep(Duration::from_millis(50));
    }
    what()
}

/// The first event the live-reload stream sends a page that opens now.
fn first_event(port: u16) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(s, "GET /__policybook/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\n\r\n").unwrap();
    let mut text = String::new();
    let mut buf = [0u8; 8192];
    while !text.contains("\n\n") || !text.contains("event: ") && !text.contains(": connected") {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => text.push_str(&String::from_utf8_lossy(&buf[..n])),
        }
    }
    text
}

#[test]
fn serve_previews_a_book_with_errors_and_marks_what_is_broken() {
    let book = Book::fixture("small");
    let procedure = book.root.join("content/procedures/incident-procedure.md");
    let policy_page = "/docs/policies/security-policy.html";
    let server = start_book(book);
    let port = server.port;
    assert!(first_event(port).contains(": connected"));
    // The author renames a heading that the policy links to: their edit shows at once, the
    // policy's link to the old heading is marked, and the overlay lists the error.
    let text = std::fs::read_to_string(&procedure).unwrap();
    std::fs::write(&procedure, text.replace("## 2. Steps", "## 2. Actions")).unwrap();
    assert!(
        wait_for(&|| get(port, "/docs/procedures/incident-procedure.html")
            .1
            .contains("2. Actions")),
        "the edited page shows the edit"
    );
    let (_, policy) = get(port, policy_page);
    assert!(
        policy.contains(r##"<a class="broken-ref" title="`PRC-001` has no heading with the anchor `#2-steps`" href="../../docs/procedures/incident-procedure.html#2-steps">"##),
        "{policy}"
    );
    // Links to nothing are marked too, their text kept.
    server._book.write(
        "content/policies/links.md",
        "---\nid: LINKS\ntitle: Links\nstatus: draft\n---\nSee [[POL-999]] and [the plan](plan.md \"a plan\").\n",
    );
    assert!(wait_for(&|| get(port, "/docs/policies/links.html").0 == 200));
    let (_, links) = get(port, "/docs/policies/links.html");
    assert!(
        links.contains(r##"<a class="broken-ref" title="`[[POL-999]]` matches no document, clause or control" href="#policybook-problem-0">POL-999</a>"##),
        "{links}"
    );
    assert!(
        links.contains(r##"<a class="broken-ref" title="the link target `plan.md` does not exist" href="#policybook-problem-1">the plan</a>"##),
        "{links}"
    );
    std::fs::remove_file(server._book.root.join("content/policies/links.md")).unwrap();
    let event = first_event(port);
    assert!(event.contains("event: problem"), "{event}");
    assert!(
        event.contains("data: The book has errors, listed below."),
        "{event}"
    );
    assert!(event.contains("data: error[broken-anchor]"), "{event}");
    // A document whose front matter cannot be parsed keeps its last good page; one that never
    // had one gets a page naming its errors.
    let policy_md = server
        ._book
        .root
        .join("content/policies/security-policy.md");
    let text = std::fs::read_to_string(&policy_md).unwrap();
    std::fs::write(&policy_md, text.replacen("title: ", "title: [", 1)).unwrap();
    server._book.write(
        "content/policies/new.md",
        "---\nid: NEW\ntitle: [oops\n---\nNew.\n",
    );
    assert!(wait_for(&|| get(port, "/docs/policies/new.html").0 == 200));
    let (_, new) = get(port, "/docs/policies/new.html");
    assert!(
        new.contains("content/policies/new.md cannot be shown yet"),
        "{new}"
    );
    assert!(new.contains("error[yaml-syntax]"), "{new}");
    let (status, kept) = get(port, policy_page);
    assert_eq!(status, 200);
    assert!(
        kept.contains("broken-ref"),
        "the last good version is kept: {kept}"
    );
    let event = first_event(port);
    assert!(event.contains("data: content/policies/security-policy.md: its front matter has errors; its page is the last good version"), "{event}");
    // Fixed: a clean book is published without an overlay.
    std::fs::write(&policy_md, &text).unwrap();
    std::fs::remove_file(server._book.root.join("content/policies/new.md")).unwrap();
    std::fs::write(
        &procedure,
        std::fs::read_to_string(&procedure)
            .unwrap()
            .replace("## 2. Actions", "## 2. Steps"),
    )
    .unwrap();
    assert!(
        wait_for(&|| first_event(port).contains(": connected")),
        "no overlay once fixed"
    );
    assert_eq!(get(port, "/docs/policies/new.html").0, 404);
}

/// A browser opens several keep-alive connections at once for a page's styles, scripts and
/// images, and holds them open; the live-reload stream holds one more. Every request must
/// still be answered at once (the server once queued the fifth behind idle connections).
#[test]
fn many_open_connections_are_all_answered() {
    let server = start();
    let port = server.port;
    let mut events = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        events,
        "GET /__policybook/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"
    )
    .unwrap();
    for round in 0..3 {
        let connections: Vec<TcpStream> = (0..12)
            .map(|_| TcpStream::connect(("127.0.0.1", port)).unwrap())
            .collect();
        let answered: Vec<_> = connections
            .into_iter()
            .map(|mut s| {
                std::thread::spawn(move || {
                    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
                    write!(
                        s,
                        "GET /static/style.css HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"
                    )
                    .unwrap();
                    let mut buf = [0u8; 64];
                    let n = s.read(&mut buf).unwrap_or(0);
                    // Held open until every connection has its answer, as a browser does.
                    (String::from_utf8_lossy(&buf[..n]).into_owned(), s)
                })
            })
            .collect();
        let held: Vec<(String, TcpStream)> =
            answered.into_iter().map(|t| t.join().unwrap()).collect();
        let unanswered = held
            .iter()
            .filter(|(head, _)| !head.starts_with("HTTP/1.1 200"))
            .count();
        assert_eq!(
            unanswered, 0,
            "round {round}: {unanswered} of 12 requests got no answer in 5 s"
        );
    }
    drop(events);
}

#[test]
fn serve_with_a_profile_never_shows_what_it_leaves_out_even_after_an_edit() {
    let server = start_with(Book::fixture("profiles"), &["--profile", "public"]);
    let page = "/docs/policies/information-security-policy.html";
    let (status, body) = get(server.port, page);
    assert_eq!(status, 200);
    assert!(body.contains("A confidential section is not published here."));
    assert!(!body.contains("break-glass administrator password"));
    assert_eq!(
        get(server.port, "/docs/procedures/key-ceremony.html").0,
        404
    );
    // An edit inside the confidential section and one outside it.
    let file = server
        ._book
        .root
        .join("content/policies/information-security-policy.md");
    let text = std::fs::read_to_string(&file).unwrap().replace(
        "Only the on-call platform lead",
        "The vault log is countersigned. Only the on-call platform lead",
    ) + "\nPublished after an edit.\n";
    std::fs::write(&file, text).unwrap();
    assert!(
        wait_for(&|| get(server.port, page)
            .1
            .contains("Published after an edit.")),
        "the edit was served"
    );
    let (_, body) = get(server.port, page);
    assert!(!body.contains("vault log is countersigned"), "{body}");
    assert!(body.contains("A confidential section is not published here."));
}
