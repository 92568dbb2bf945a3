//! `policybook serve` and `policybook watch`: rebuild on every change; serve with live reload,
//! or write the site to disk.

use std::path::PathBuf;
use std::time::Instant;

use super::{DatedBookArg, EXIT_BOOK_ERRORS};
use crate::diagnostic::display_path;
use crate::engine::{Engine, Failed, Outcome, Rebuilt};
use crate::pipeline;
use crate::serve::{self, Site};
use crate::watch::{self, ChangeKind, Layout, WatcherKind};

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub book: DatedBookArg,

    /// Address to listen on. The default serves this machine only.
    #[arg(short = 'n', long = "hostname", default_value = "127.0.0.1")]
    pub host: String,

    /// Port to listen on (default: 3000, or the next free one up to 3019).
    #[arg(short = 'p', long)]
    pub port: Option<u16>,

    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,

    /// How to notice changes: `native` events, or `poll` for network and container file systems.
    #[arg(long, value_enum, default_value_t = WatcherKind::Native)]
    pub watcher: WatcherKind,
}

#[derive(Debug, clap::Args)]
pub struct WatchArgs {
    #[command(flatten)]
    pub book: DatedBookArg,

    /// Output folder (default: `output-dir` from book.toml).
    #[arg(short = 'd', long = "dest-dir")]
    pub dest: Option<PathBuf>,

    /// How to notice changes: `native` events, or `poll` for network and container file systems.
    #[arg(long, value_enum, default_value_t = WatcherKind::Native)]
    pub watcher: WatcherKind,
}

/// The engine and the folders the watcher must tell apart.
fn prepare(
    book: &DatedBookArg,
    dest: Option<&std::path::Path>,
) -> anyhow::Result<(Engine, Layout)> {
    super::existing_root(&book.book.dir)?;
    let as_of = pipeline::as_of(book.as_of)?;
    let root = std::path::absolute(&book.book.dir)?;
    let mut sources = crate::diagnostic::Sources::default();
    let (settings, _) = crate::config::load(&root, &mut sources)?;
    let head_log = crate::history::repository(&root)
        .ok()
        .flatten()
        .filter(|_| settings.config.output.html.git_history)
        .map(|repo| repo.path().join("logs").join("HEAD"))
        .filter(|log| log.is_file());
    let layout = Layout {
        content: settings.content_dir(),
        output: std::path::absolute(pipeline::output_dir(
            &settings,
            dest,
            book.profile.as_deref(),
        ))?,
        root: root.clone(),
        head_log,
    };
    Ok((Engine::new(root, as_of, book.profile.clone()), layout))
}

/// One line per rebuild, like `build`'s summary.
fn summary(outcome: &Outcome, started: Instant) -> String {
    match outcome {
        Outcome::Done(Rebuilt { stats, errors, .. }) => format!(
            "built {} documents ({} pages, {} rendered again) in {} ms{}{}",
            stats.documents,
            stats.pages,
            stats.rendered,
            started.elapsed().as_millis(),
            if stats.warnings > 0 {
                format!(", {} warnings", stats.warnings)
            } else {
                String::new()
            },
            if *errors > 0 {
                format!("; previewing a book with {errors} error(s), which `build` refuses until they are fixed")
            } else {
                String::new()
            }
        ),
        Outcome::BookErrors(Failed { errors, .. }) => format!(
            "the book has {errors} error(s); still serving the last good version ({} ms)",
            started.elapsed().as_millis()
        ),
    }
}

pub(super) fn serve(args: ServeArgs) -> anyhow::Result<u8> {
    let (engine, layout) = prepare(&args.book, None)?;
    let mut engine = engine.previewing();
    if !serve::is_loopback(&args.host) {
        eprintln!(
            "warning: serving on {}, which other machines may reach",
            args.host
        );
    }
    let bound = serve::bind(&args.host, args.port)?;
    let url = format!("http://{}/", bound.addr);
    let site = Site::default();
    let started = Instant::now();
    let outcome = engine.rebuild()?;
    report(&site, &engine, outcome, started);
    eprintln!(
        "serving {} at {url} (Ctrl-C to stop)",
        display_path(&engine.root)
    );
    let watcher = watch::watch(layout, args.watcher)?;
    let server_site = site.clone();
    std::thread::spawn(move || {
        if let Err(e) = bound.run(server_site) {
            eprintln!("error: the server stopped: {e:#}");
            std::process::exit(1);
        }
    });
    if args.open {
        open_browser(&url);
    }
    for changes in watcher.changes.iter() {
        let started = Instant::now();
        let changes = pending(changes, &watcher);
        let shown: Vec<String> = changes
            .iter()
            .filter(|(kind, p)| *kind == ChangeKind::Rescan || !p.is_dir())
            .filter_map(|(kind, p)| match kind {
                ChangeKind::History => Some("git HEAD (a commit)".to_string()),
                ChangeKind::Rescan => Some("many files (the watcher lost count)".to_string()),
                _ => p.strip_prefix(&engine.root).ok().map(display_path),
            })
            .take(3)
            .collect();
        eprintln!("changed: {}", shown.join(", "));
        match engine.rebuild_after(&changes) {
            Ok(outcome) => report(&site, &engine, outcome, started),
            Err(e) => {
                eprintln!("error: {e:#}");
                site.fail(format!("{e:#}"));
            }
        }
    }
    site.stop();
    Ok(0)
}

/// Publishes a rebuild: its pages first (open pages reload), then the search index and exports.
fn report(site: &Site, engine: &Engine, outcome: Outcome, started: Instant) {
    let line = summary(&outcome, started);
    match outcome {
        Outcome::Done(Rebuilt {
            files,
            report,
            stats,
            errors,
        }) => {
            eprint!("{report}");
            let version = if errors > 0 {
                site.preview(files, report)
            } else {
                site.publish(files)
            };
            eprintln!("{line}");
            // The search index and exports follow on another thread, so the next edit need
            // not wait for them.
            let job = engine.extras_job(stats.patched);
            let site = site.clone();
            std::thread::spawn(move || match job() {
                Ok(extras) => site.add(extras, version),
                Err(e) => eprintln!("error: {e:#}"),
            });
        }
        Outcome::BookErrors(Failed { report, .. }) => {
            eprint!("{report}");
            site.fail(report);
            eprintln!("{line}");
        }
    }
}

/// `first` with every batch of changes that arrived since, so that a burst of saves becomes
/// one rebuild.
fn pending(
    mut first: Vec<(ChangeKind, PathBuf)>,
    watcher: &watch::Watcher,
) -> Vec<(ChangeKind, PathBuf)> {
    while let Ok(more) = watcher.changes.try_recv() {
        first.extend(more);
    }
    first.sort();
    first.dedup();
    first
}

fn open_browser(url: &str) {
    let program = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(program)
        .arg(url)
        .spawn()
        .is_err()
    {
        eprintln!("could not open a browser; open {url} yourself");
    }
}

pub(super) fn watch(args: WatchArgs) -> anyhow::Result<u8> {
    let (mut engine, layout) = prepare(&args.book, args.dest.as_deref())?;
    let dest = crate::output::guard(&layout.output, &layout.root, &layout.content)?;
    // Writes one rebuild; false when the book has errors.
    let write = |engine: &mut Engine,
                 changes: &[(ChangeKind, PathBuf)],
                 started: Instant|
     -> anyhow::Result<bool> {
        let outcome = match changes {
            [] => engine.rebuild()?,
            changes => engine.rebuild_after(changes)?,
        };
        let line = summary(&outcome, started);
        match outcome {
            Outcome::Done(Rebuilt { mut files, .. }) => {
                files.extend(engine.extras()?);
                crate::output::write(&dest, &files)?;
                eprintln!("{line}; wrote {}", display_path(&dest));
                Ok(true)
            }
            Outcome::BookErrors(Failed { report, .. }) => {
                eprint!("{report}");
                eprintln!(
                    "the book has errors; {} was left as it was",
                    display_path(&dest)
                );
                Ok(false)
            }
        }
    };
    if !write(&mut engine, &[], Instant::now())? {
        return Ok(EXIT_BOOK_ERRORS);
    }
    let watcher = watch::watch(layout, args.watcher)?;
    eprintln!(
        "watching {} for changes (Ctrl-C to stop)",
        display_path(&engine.root)
    );
    for changes in watcher.changes.iter() {
        let changes = pending(changes, &watcher);
        if let Err(e) = write(&mut engine, &changes, Instant::now()) {
            eprintln!("error: {e:#}");
        }
    }
    Ok(0)
}
