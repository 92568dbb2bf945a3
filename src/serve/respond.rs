//! What the server answers to each request: the site's files, the live-reload script and its
//! event stream, and a refusal for everything else.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use futures_util::stream;
use tokio::sync::watch;

use super::{Site, PREFIX};
use crate::site::Contents;

/// Longer request targets are refused (414): no page of a site needs one.
const MAX_URL: usize = 4096;
/// Open live-reload connections at most; more get 503.
const MAX_LISTENERS: usize = 64;
/// A comment line on an idle live-reload stream this often, so a closed tab is noticed.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
const RELOAD_JS: &str = include_str!("livereload.js");

#[derive(Clone)]
struct App {
    site: Site,
    /// Host names (with port) that requests may carry in `Host`.
    hosts: Arc<Vec<String>>,
}

pub(super) fn router(site: Site, hosts: Vec<String>) -> Router {
    Router::new().fallback(handle).with_state(App {
        site,
        hosts: Arc::new(hosts),
    })
}

/// The headers every answer carries: never cached, never sniffed.
fn answer(status: StatusCode, content_type: &str, body: impl Into<Body>) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-store"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        body.into(),
    )
        .into_response()
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    answer(status, "text/plain; charset=utf-8", text)
}

async fn handle(State(app): State<App>, request: Request) -> Response {
    let method = request.method();
    if method != Method::GET && method != Method::HEAD {
        let mut r = plain(StatusCode::METHOD_NOT_ALLOWED, "405 Method Not Allowed\n");
        r.headers_mut()
            .insert(header::ALLOW, header::HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    let headers = request.headers();
    // RFC 9112 section 3.2: a request without Host is malformed.
    let Some(host) = text_header(headers, header::HOST).map(str::to_ascii_lowercase) else {
        return plain(
            StatusCode::BAD_REQUEST,
            "400 Bad Request: the request has no Host header\n",
        );
    };
    if !app.hosts.contains(&host) {
        return plain(
            StatusCode::MISDIRECTED_REQUEST,
            "421 Misdirected Request: this server answers only to its own address\n",
        );
    }
    let target = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    if target.len() > MAX_URL {
        return plain(StatusCode::URI_TOO_LONG, "414 URI Too Long\n");
    }
    let path = request.uri().path();
    if path == format!("{PREFIX}livereload.js") {
        return answer(StatusCode::OK, "text/javascript; charset=utf-8", RELOAD_JS);
    }
    if path == format!("{PREFIX}events") {
        let origin_ok = match text_header(headers, header::ORIGIN) {
            None => true,
            Some(o) => app
                .hosts
                .iter()
                .any(|h| o.eq_ignore_ascii_case(&format!("http://{h}"))),
        };
        if !origin_ok {
            return plain(
                StatusCode::FORBIDDEN,
                "403 Forbidden: live reload is for this server's own pages\n",
            );
        }
        return events(app.site);
    }
    file(&app.site, path)
}

fn text_header(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// A file of the site: `/policies/` serves `/policies/index.html` when there is one.
fn file(site: &Site, path: &str) -> Response {
    let not_found = || plain(StatusCode::NOT_FOUND, "404 Not Found\n");
    let Some(file) = site_path(path) else {
        return not_found();
    };
    let files = site.files();
    let index = if file.is_empty() {
        "index.html".to_string()
    } else {
        format!("{file}/index.html")
    };
    let Some((name, contents)) = [file.as_str(), index.as_str()]
        .into_iter()
        .find_map(|name| files.get(name).map(|c| (name, c.clone())))
    else {
        return not_found();
    };
    let bytes: Vec<u8> = match contents {
        Contents::Bytes(b) => b.to_vec(),
        Contents::Copy(p) => match std::fs::read(p) {
            Ok(b) => b,
            Err(_) => return not_found(),
        },
    };
    let name = if name.is_empty() { "index.html" } else { name };
    let mime = mime_type(name);
    let body = if mime.starts_with("text/html") {
        inject_reload(bytes)
    } else {
        bytes
    };
    answer(StatusCode::OK, mime, body)
}

/// The site path a request path names, or `None` for anything that could leave the site:
/// `..` (also percent-encoded), backslashes, NUL, encoded slashes, or an absolute path.
fn site_path(path: &str) -> Option<String> {
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

/// Counts an open live-reload stream for as long as it lives.
struct Listener(Site);

impl Drop for Listener {
    fn drop(&mut self) {
        let mut s = self.0.state();
        s.listeners = s.listeners.saturating_sub(1);
    }
}

/// One live-reload stream's place: the version it last told its page about.
struct Stream {
    listener: Listener,
    changed: watch::Receiver<()>,
    seen: Option<u64>,
}

/// A server-sent-events stream: `reload` after each good build, `problem` after a failed one.
fn events(site: Site) -> Response {
    {
        let mut s = site.state();
        if s.listeners >= MAX_LISTENERS {
            return plain(
                StatusCode::SERVICE_UNAVAILABLE,
                "503 Too many live-reload connections\n",
            );
        }
        s.listeners += 1;
    }
    let start = Stream {
        changed: site.inner.changed.subscribe(),
        listener: Listener(site),
        seen: None,
    };
    let body = stream::unfold(start, |mut stream| async move {
        let event = next_event(&mut stream).await?;
        Some((Ok::<_, Infallible>(Bytes::from(event)), stream))
    });
    answer(StatusCode::OK, "text/event-stream", Body::from_stream(body))
}

/// Waits until the site changes, then gives one event; `None` once the server stops.
async fn next_event(stream: &mut Stream) -> Option<Vec<u8>> {
    loop {
        stream.changed.borrow_and_update();
        {
            let s = stream.listener.0.state();
            if s.stopped {
                return None;
            }
            match stream.seen {
                // First event: the current state, so a page opened on a broken book shows it.
                None => {
                    stream.seen = Some(s.version);
                    return Some(match &s.error {
                        Some(e) => sse("problem", e),
                        None => b": connected\n\n".to_vec(),
                    });
                }
                Some(v) if s.version != v => {
                    stream.seen = Some(s.version);
                    return Some(match &s.error {
                        Some(e) if !s.preview => sse("problem", e),
                        _ => sse("reload", &s.version.to_string()),
                    });
                }
                Some(_) => {}
            }
        }
        match tokio::time::timeout(KEEP_ALIVE, stream.changed.changed()).await {
            Err(_) => return Some(b": keep-alive\n\n".to_vec()),
            Ok(Err(_)) => return None,
            Ok(Ok(())) => {}
        }
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
}
