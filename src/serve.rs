//! A local HTTP server for the site in memory, with live reload.
//!
//! It serves only the files of the last good build, answers GET and HEAD only, refuses Host
//! headers that are not this server's (DNS rebinding) and live-reload connections from other
//! origins, and never sends `Access-Control-Allow-Origin`. HTML pages get one extra script tag,
//! at serve time only: `build` output carries no live-reload code.
//!
//! The build loop is synchronous; the server runs on its own asynchronous runtime (hyper
//! through axum), so any number of keep-alive connections and live-reload streams are
//! answered at once.

mod respond;

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::sync::{Arc, Mutex};

use tokio::sync::watch;

use crate::site::{Contents, OutputFile};

/// Path prefix of the server's own endpoints; no page of a book can live there.
pub(crate) const PREFIX: &str = "/__policybook/";

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

struct Shared {
    state: Mutex<State>,
    /// Wakes the live-reload streams after every change of `state.version` or `stopped`.
    changed: watch::Sender<()>,
}

impl Default for Shared {
    fn default() -> Self {
        Shared {
            state: Mutex::default(),
            changed: watch::Sender::new(()),
        }
    }
}

/// Shared between the build loop and the server.
#[derive(Default, Clone)]
pub(crate) struct Site {
    inner: Arc<Shared>,
}

impl Site {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.inner.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn notify(&self) {
        self.inner.changed.send_replace(());
    }

    /// Publishes a new build's pages; open pages reload. The previous build's search index and
    /// exports stay until [`Site::add`] brings this build's. Returns the new version.
    pub(crate) fn publish(&self, files: Vec<OutputFile>) -> u64 {
        let version = self.replace_pages(files, None);
        self.notify();
        version
    }

    /// Publishes the pages of a book that has errors, as [`Site::publish`] does, with its
    /// diagnostics shown over every page once it has reloaded.
    pub(crate) fn preview(&self, files: Vec<OutputFile>, report: String) -> u64 {
        let version = self.replace_pages(files, Some(format!("{PREVIEW_HEADLINE}\n{report}")));
        self.notify();
        version
    }

    /// The next version: `files` as its pages, `problem` over them.
    fn replace_pages(&self, files: Vec<OutputFile>, problem: Option<String>) -> u64 {
        let mut s = self.state();
        let mut map: BTreeMap<String, Contents> =
            files.into_iter().map(|f| (f.path, f.contents)).collect();
        for (path, contents) in s.files.iter() {
            if path == "search-index.js" || path.starts_with("exports/") {
                map.entry(path.clone()).or_insert_with(|| contents.clone());
            }
        }
        s.files = Arc::new(map);
        s.preview = problem.is_some();
        s.error = problem;
        s.version += 1;
        s.version
    }

    /// Adds files of build `version` to the current site without reloading pages (the search
    /// index and exports, which follow the pages of a build). A file already there from a
    /// later build is kept: jobs finish in any order, and an edit to bodies alone computes
    /// only the search index, leaving the exports of the build before it.
    pub(crate) fn add(&self, files: Vec<OutputFile>, version: u64) {
        let mut s = self.state();
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
        {
            let mut s = self.state();
            s.error = Some(format!("{FAILED_HEADLINE}\n{report}"));
            s.preview = false;
            s.version += 1;
        }
        self.notify();
    }

    pub(crate) fn stop(&self) {
        self.state().stopped = true;
        self.notify();
    }

    /// The files served now.
    fn files(&self) -> Arc<BTreeMap<String, Contents>> {
        self.state().files.clone()
    }
}

/// A bound server, ready to run.
pub(crate) struct Bound {
    listener: TcpListener,
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
        let listener = match TcpListener::bind((host, p)) {
            Ok(listener) => listener,
            Err(e) => {
                last_error = Some(e);
                continue;
            }
        };
        let addr = listener.local_addr()?;
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
            listener,
            addr,
            allowed_hosts,
        });
    }
    let e = last_error.map(|e| e.to_string()).unwrap_or_default();
    match port {
        Some(p) => anyhow::bail!("cannot listen on {host}:{p} ({e}); is another server using the port? Choose another with -p"),
        None => anyhow::bail!("cannot listen on {host}, ports 3000 to 3019 ({e}); choose a port with -p"),
    }
}

impl Bound {
    /// Answers requests until the site is stopped.
    pub(crate) fn run(self, site: Site) -> anyhow::Result<()> {
        self.listener.set_nonblocking(true)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(self.listener)?;
            let app = respond::router(site.clone(), self.allowed_hosts);
            let mut changed = site.inner.changed.subscribe();
            let stopped = async move {
                while !site.state().stopped {
                    if changed.changed().await.is_err() {
                        break;
                    }
                }
            };
            axum::serve(listener, app)
                .with_graceful_shutdown(stopped)
                .await?;
            Ok(())
        })
    }
}

/// True when `host` names this machine only (loopback), the default for `serve`.
pub(crate) fn is_loopback(host: &str) -> bool {
    host == "localhost" || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_added_late_do_not_replace_those_of_a_later_build() {
        let site = Site::default();
        let file = |text: &str| OutputFile {
            path: "exports/soa.csv".into(),
            contents: Contents::Bytes(text.as_bytes().into()),
        };
        let shown = |site: &Site| match site.files().get("exports/soa.csv") {
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
