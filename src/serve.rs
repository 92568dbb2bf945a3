//! A local HTTP server for the site in memory, with live reload.
//!
//! It serves only the files of the last good build, answers GET and HEAD only, refuses Host
//! headers that are not this server's (DNS rebinding) and live-reload connections from other
//! origins, and never sends `Access-Control-Allow-Origin`. HTML pages get one extra script tag,
//! at serve time only: `build` output carries no live-reload code.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response, Server, StatusCode};

use crate::site::{Contents, OutputFile};

/// Path prefix of the server's own endpoints; no page of a book can live there.
pub(crate) const PREFIX: &str = "/__policybook/";
const RELOAD_JS: &str = include_str!("serve/livereload.js");
/// Longer request targets are refused (414): no page of a site needs one.
const MAX_URL: usize = 4096;
/// Open live-reload connections at most; more get 503.
const MAX_LISTENERS: usize = 64;

/// The first line of the overlay (the live-reload script shows it as the title).
const FAILED_HEADLINE: &str = "The book has errors; this is the last good version of the page.";
const PREVIEW_HEADLINE: &str = "The book has errors, listed below. Pages show your latest text with broken references marked; `policybook build` refuses the book until the errors are fixed.";

/// What the server shows: the last good site, and the current problem if the last rebuild failed.
#[derive(Default)]
struct State {
    version: u64,
    files: Arc<BTreeMap<String, Contents>>,
    /// The build each of the search index and exports came from (see [`Site::add`]).
    extras: BTreeMap<String, u64>,
    error: Option<String>,
    /// The pages published are a preview of a book with errors (see [`Site::preview`]): open
    /// pages reload to show them, then show `error` over them.
    preview: bool,
    listeners: usize,
    stopped: bool,
}

/// Shared between the build loop and the server's threads.
#[derive(Default, Clone)]
pub(crate) struct Site {
    inner: Arc<(Mutex<State>, Condvar)>,
}

impl Site {
    /// Publishes a new build; open pages reload.
    /// Publishes a new build's pages; open pages reload. The previous build's search index and
    /// exports stay until [`Site::add`] brings this build's. Returns the new version.
    pub(crate) fn publish(&self, files: Vec<OutputFile>) -> u64 {
        let (lock, cvar) = &*self.inner;
        let mut s = lock.lock().unwrap_or_else(|e| e.into_inner());
        let mut map: BTreeMap<String, Contents> =
            files.into_iter().map(|f| (f.path, f.contents)).collect();
        for (path, contents) in s.files.iter() {
            if path == "search-index.js" || path.starts_with("exports/") {
                map.entry(path.clone()).or_insert_with(|| contents.clone());
            }
        }
        s.files = Arc::new(map);
        s.error = None;
        s.preview = false;
        s.version += 1;
        cvar.notify_all();
        s.version
    }

    /// Publishes the pages of a book that has errors, as [`Site::publish`] does, with its
    /// diagnostics shown over every page once it has reloaded.
    pub(crate) fn preview(&self, files: Vec<OutputFile>, report: String) -> u64 {
        let version = self.publish(files);
        let (lock, _) = &*self.inner;
        let mut s = lock.lock().unwrap_or_else(|e| e.into_inner());
        s.error = Some(format!("{PREVIEW_HEADLINE}\n{report}"));
        s.preview = true;
        version
    }

    /// Adds files of build `version` to the current site without reloading pages (the search
    /// index and exports, which follow the pages of a build). A file already there from a
    /// later build is kept: jobs finish in any order, and an edit to bodies alone computes
    /// only the search index, leaving the exports of the build before it.
    pub(crate) fn add(&self, files: Vec<OutputFile>, version: u64) {
        let (lock, _) = &*self.inner;
        let mut s = lock.lock().unwrap_or_else(|e| e.into_inner());
        let mut map = (*s.files).clone();
        for f in files {
            if s.extras.get(&f.path).is_some_and(|&v| v > version) {
                continue;
            }
            s.extras.insert(f.path.clone(), version);
            map.insert(f.path, f.contents);
        }
        s.files = Arc::new(map);
    }

    /// Shows a failed rebuild's diagnostics over open pages; the last good site stays served.
    pub(crate) fn fail(&self, report: String) {
        let (lock, cvar) = &*self.inner;
        let mut s = lock.lock().unwrap_or_else(|e| e.into_inner());
        s.error = Some(format!("{FAILED_HEADLINE}\n{report}"));
        s.preview = false;
        s.version += 1;
        cvar.notify_all();
    }

    pub(crate) fn stop(&self) {
        let (lock, cvar) = &*self.inner;
        lock.lock().unwrap_or_else(|e| e.into_inner()).stopped = true;
        cvar.notify_all();
    }

    fn snapshot(&self) -> (u64, Arc<BTreeMap<String, Contents>>) {
        let s = self.inner.0.lock().unwrap_or_else(|e| e.into_inner());
        (s.version, s.files.clone())
    }
}

/// A bound server, ready to run.
pub(crate) struct Bound {
    server: Server,
    pub addr: SocketAddr,
    /// Host names (with port) that requests may carry in `Host`.
    allowed_hosts: Vec<String>,
}

/// Binds `host:port`. With `port` `None`, tries 3000 to 3019 and takes the first free one.
pub(crate) fn bind(host: &str, port: Option<u16>) -> anyhow::Result<Bound> {
    let ports: Vec<u16> = match port {
        Some(p) => vec![p],
        None => (3000..3020).collect(),
    };
    let mut last_error = None;
    for p in ports {
        match Server::http((host, p)) {
            Ok(server) => {
                let addr = server
                    .server_addr()
                    .to_ip()
                    .ok_or_else(|| anyhow::anyhow!("the server has no IP address"))?;
                let mut names = vec![
                    "localhost".to_string(),
                    "127.0.0.1".to_string(),
                    "[::1]".to_string(),
                    host.to_string(),
                ];
                if addr.ip().is_ipv6() {
                    names.push(format!("[{}]", addr.ip()));
                } else {
                    names.push(addr.ip().to_string());
                }
                let allowed_hosts = names
                    .into_iter()
                    .map(|n| format!("{n}:{}", addr.port()))
                    .collect();
                return Ok(Bound {
                    server,
                    addr,
                    allowed_hosts,
                });
            }
            Err(e) => last_error = Some(e),
        }
    }
    let e = last_error.map(|e| e.to_string()).unwrap_or_default();
    match port {
        Some(p) => anyhow::bail!("cannot listen on {host}:{p} ({e}); is another server using the port? Choose another with -p"),
        None => anyhow::bail!("cannot listen on {host}, ports 3000 to 3019 ({e}); choose a port with -p"),
    }
}

impl Bound {
    /// Answers requests until the site is stopped. Live-reload connections get a thread each.
    pub(crate) fn run(self, site: Site) {
        let server = Arc::new(self.server);
        let hosts = Arc::new(self.allowed_hosts);
        loop {
            if site.inner.0.lock().map(|s| s.stopped).unwrap_or(true) {
                return;
            }
            let request = match server.recv_timeout(Duration::from_millis(200)) {
                Ok(Some(r)) => r,
                Ok(None) => continue,
                Err(_) => return,
            };
            handle(request, &site, &hosts);
        }
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
}

fn plain_response(status: u16, text: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_string(text)
        .with_status_code(StatusCode(status))
        .with_header(header("Content-Type", "text/plain; charset=utf-8"))
        .with_header(header("X-Content-Type-Options", "nosniff"))
        .with_header(header("Cache-Control", "no-store"))
}

fn request_header<'a>(request: &'a Request, name: &'static str) -> Option<&'a str> {
    request
        .headers()
        .iter()
        .find(|h| h.field.equiv(name))
        .map(|h| h.value.as_str())
}

/// Answers one request.
fn handle(request: Request, site: &Site, hosts: &[String]) {
    let method = request.method().clone();
    if method != Method::Get && method != Method::Head {
        let r = plain_response(405, "405 Method Not Allowed\n")
            .with_header(header("Allow", "GET, HEAD"));
        let _ = request.respond(r);
        return;
    }
    // RFC 9112 section 3.2: a request without Host is malformed.
    let Some(host) = request_header(&request, "Host").map(str::to_ascii_lowercase) else {
        let _ = request.respond(plain_response(
            400,
            "400 Bad Request: the request has no Host header\n",
        ));
        return;
    };
    if !hosts.contains(&host) {
        let _ = request.respond(plain_response(
            421,
            "421 Misdirected Request: this server answers only to its own address\n",
        ));
        return;
    }
    if request.url().len() > MAX_URL {
        let _ = request.respond(plain_response(414, "414 URI Too Long\n"));
        return;
    }
    let url = request.url().to_string();
    let path = url.split(['?', '#']).next().unwrap_or("");
    if path == format!("{PREFIX}livereload.js") {
        let r = Response::from_string(RELOAD_JS)
            .with_header(header("Content-Type", "text/javascript; charset=utf-8"))
            .with_header(header("Cache-Control", "no-store"))
            .with_header(header("X-Content-Type-Options", "nosniff"));
        let _ = request.respond(r);
        return;
    }
    if path == format!("{PREFIX}events") {
        let origin_ok = match request_header(&request, "Origin") {
            None => true,
            Some(o) => hosts
                .iter()
                .any(|h| o.eq_ignore_ascii_case(&format!("http://{h}"))),
        };
        if !origin_ok {
            let _ = request.respond(plain_response(
                403,
                "403 Forbidden: live reload is for this server's own pages\n",
            ));
            return;
        }
        events(request, site);
        return;
    }
    let Some(file) = site_path(path) else {
        let _ = request.respond(plain_response(404, "404 Not Found\n"));
        return;
    };
    let (_, files) = site.snapshot();
    let found = files.get(&file).or_else(|| {
        // `/policies/` serves `/policies/index.html` when there is one.
        files.get(&format!(
            "{}index.html",
            if file.is_empty() {
                String::new()
            } else {
                format!("{file}/")
            }
        ))
    });
    let (name, contents) = match found {
        Some(c) => (file.clone(), c.clone()),
        None => match files
            .get(&format!("{file}/index.html"))
            .or_else(|| (file.is_empty()).then(|| files.get("index.html")).flatten())
        {
            Some(c) => (format!("{file}/index.html"), c.clone()),
            None => {
                let _ = request.respond(plain_response(404, "404 Not Found\n"));
                return;
            }
        },
    };
    let name = if file.is_empty() {
        "index.html".to_string()
    } else {
        name
    };
    let bytes: Vec<u8> = match contents {
        Contents::Bytes(b) => b.to_vec(),
        Contents::Copy(p) => match std::fs::read(p) {
            Ok(b) => b,
            Err(_) => {
                let _ = request.respond(plain_response(404, "404 Not Found\n"));
                return;
            }
        },
    };
    let mime = mime_type(&name);
    let body = if mime.starts_with("text/html") {
        inject_reload(bytes)
    } else {
        bytes
    };
    let r = Response::from_data(body)
        .with_header(header("Content-Type", mime))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("X-Content-Type-Options", "nosniff"));
    let _ = request.respond(r);
}

/// The site path a request path names, or `None` for anything that could leave the site:
/// `..` (also percent-encoded), backslashes, NUL, encoded slashes, or an absolute path.
pub(crate) fn site_path(path: &str) -> Option<String> {
    let path = path.strip_prefix('/')?;
    if path.starts_with('/') {
        return None;
    }
    let mut parts = Vec::new();
    for raw in path.split('/') {
        let decoded = percent_encoding::percent_decode_str(raw)
            .decode_utf8()
            .ok()?;
        if decoded.contains(['/', '\\', '\0']) || decoded == ".." || decoded == "." {
            return None;
        }
        if decoded.contains(':') && parts.is_empty() {
            return None; // `C:` and other drive or scheme prefixes
        }
        if !decoded.is_empty() {
            parts.push(decoded.into_owned());
        }
    }
    Some(parts.join("/"))
}

fn mime_type(path: &str) -> &'static str {
    let ext = path.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "pdf" => "application/pdf",
        "csv" => "text/csv; charset=utf-8",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "txt" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Adds the live-reload script before `</body>`.
fn inject_reload(mut html: Vec<u8>) -> Vec<u8> {
    let tag = format!("<script src=\"{PREFIX}livereload.js\"></script>\n");
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    html.splice(at..at, tag.into_bytes());
    html
}

/// A server-sent-events stream: `reload` after each good build, `problem` after a failed one.
fn events(request: Request, site: &Site) {
    {
        let mut s = site.inner.0.lock().unwrap_or_else(|e| e.into_inner());
        if s.listeners >= MAX_LISTENERS {
            drop(s);
            let _ = request.respond(plain_response(
                503,
                "503 Too many live-reload connections\n",
            ));
            return;
        }
        s.listeners += 1;
    }
    let site = site.clone();
    std::thread::spawn(move || {
        // Written by hand on the raw connection: a response body would be buffered, and
        // events must reach the browser as they happen.
        let mut writer = request.into_writer();
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n";
        let mut stream = EventStream {
            site: site.clone(),
            seen: None,
            pending: Vec::new(),
        };
        if writer
            .write_all(head.as_bytes())
            .and_then(|_| writer.flush())
            .is_ok()
        {
            let mut buf = [0u8; 4096];
            loop {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        if writer
                            .write_all(&buf[..n])
                            .and_then(|_| writer.flush())
                            .is_err()
                        {
                            break;
                        }
                    }
                }
            }
        }
        let mut s = site.inner.0.lock().unwrap_or_else(|e| e.into_inner());
        s.listeners = s.listeners.saturating_sub(1);
    });
}

/// Blocks until the site changes, then yields one event; ends when the server stops.
struct EventStream {
    site: Site,
    seen: Option<u64>,
    pending: Vec<u8>,
}

impl Read for EventStream {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.pending.is_empty() {
            let (lock, cvar) = &*self.site.inner;
            let mut s = lock.lock().unwrap_or_else(|e| e.into_inner());
            if s.stopped {
                return Ok(0);
            }
            match self.seen {
                None => {
                    // First event: the current state, so a page opened on a broken book shows it.
                    self.seen = Some(s.version);
                    self.pending = match &s.error {
                        Some(e) => sse("problem", e),
                        None => b": connected\n\n".to_vec(),
                    };
                }
                Some(v) if s.version != v => {
                    self.seen = Some(s.version);
                    self.pending = match &s.error {
                        Some(e) if !s.preview => sse("problem", e),
                        _ => sse("reload", &s.version.to_string()),
                    };
                }
                Some(_) => {
                    let (guard, timeout) = cvar
                        .wait_timeout(s, Duration::from_secs(15))
                        .unwrap_or_else(|e| e.into_inner());
                    s = guard;
                    if timeout.timed_out() && !s.stopped {
                        self.pending = b": keep-alive\n\n".to_vec();
                    }
                }
            }
        }
        let n = buf.len().min(self.pending.len());
        buf[..n].copy_from_slice(&self.pending[..n]);
        self.pending.drain(..n);
        Ok(n)
    }
}

fn sse(event: &str, data: &str) -> Vec<u8> {
    let mut out = format!("event: {event}\n");
    for line in data.lines() {
        out.push_str("data: ");
        out.push_str(line);
        out.push('\n');
    }
    out.push('\n');
    out.into_bytes()
}

/// True when `host` names this machine only (loopback), the default for `serve`.
pub(crate) fn is_loopback(host: &str) -> bool {
    host == "localhost" || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_could_leave_the_site_are_refused() {
        assert_eq!(site_path("/"), Some(String::new()));
        assert_eq!(site_path("/docs/a%20b.html"), Some("docs/a b.html".into()));
        assert_eq!(
            site_path("/controls/A.5.1.html"),
            Some("controls/A.5.1.html".into())
        );
        for bad in [
            "/../etc/passwd",
            "/docs/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/%2e%2e/etc/passwd",
            "/docs/%2f..%2fetc",
            "/..%5c..%5cetc",
            "/docs\\..\\etc",
            "//etc/passwd",
            "/C:/Windows",
            "/a%00b",
            "relative",
            "/%ff%fe",
        ] {
            assert_eq!(site_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn reload_script_goes_before_the_body_end() {
        let html = inject_reload(b"<html><body><p>x</p></body></html>".to_vec());
        let html = String::from_utf8(html).unwrap();
        assert!(
            html.ends_with("<script src=\"/__policybook/livereload.js\"></script>\n</body></html>"),
            "{html}"
        );
    }

    #[test]
    fn events_are_framed() {
        assert_eq!(
            sse("problem", "a\nb"),
            b"event: problem\ndata: a\ndata: b\n\n"
        );
    }

    #[test]
    fn files_added_late_do_not_replace_those_of_a_later_build() {
        let site = Site::default();
        let file = |text: &str| OutputFile {
            path: "exports/soa.csv".into(),
            contents: Contents::Bytes(text.as_bytes().into()),
        };
        let shown = |site: &Site| match site.snapshot().1.get("exports/soa.csv") {
            Some(Contents::Bytes(b)) => String::from_utf8(b.to_vec()).unwrap(),
            _ => String::new(),
        };
        let v1 = site.publish(Vec::new());
        let v2 = site.publish(Vec::new());
        site.add(vec![file("two")], v2);
        site.add(vec![file("one")], v1);
        assert_eq!(shown(&site), "two", "build 1's job finished last");
        // A body edit's build (3) computes no exports: build 2's stay, and a late job of
        // build 2 is still taken.
        let v3 = site.publish(Vec::new());
        assert_eq!(shown(&site), "two");
        site.add(vec![file("two, again")], v2);
        assert_eq!(shown(&site), "two, again");
        assert!(v3 > v2);
    }
}
