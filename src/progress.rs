//! How far a build is: a progress bar for long builds, on a terminal only (never in CI logs or
//! piped output), and with `POLICYBOOK_TIMINGS` the time and memory of each stage.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

/// Books smaller than this build too fast for a bar to help.
const MIN_DOCUMENTS: usize = 500;

/// A bar, or nothing (library use, small books, CI, pipes).
#[derive(Default)]
pub struct Progress(Option<ProgressBar>);

impl Progress {
    /// No progress shown.
    pub fn none() -> Progress {
        Progress(None)
    }

    /// A bar on stderr when it is a terminal, outside CI, for a book of `documents`.
    pub fn for_terminal(documents: usize) -> Progress {
        let show = documents >= MIN_DOCUMENTS
            && std::io::stderr().is_terminal()
            && std::env::var_os("CI").is_none();
        Progress(show.then(ProgressBar::hidden))
    }

    /// Starts a stage of `len` steps.
    pub fn stage(&self, message: &'static str, len: usize) {
        if let Some(bar) = &self.0 {
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            bar.set_message(message);
            bar.set_length(len as u64);
            bar.set_position(0);
        }
    }

    pub fn inc(&self) {
        if let Some(bar) = &self.0 {
            bar.inc(1);
        }
    }

    /// Removes the bar, so the summary line stands alone.
    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

/// With `POLICYBOOK_TIMINGS` set, prints how long each stage took, for profiling.
pub struct Timings {
    enabled: bool,
    last: std::time::Instant,
}

impl Timings {
    pub fn start() -> Timings {
        Timings {
            enabled: std::env::var_os("POLICYBOOK_TIMINGS").is_some(),
            last: std::time::Instant::now(),
        }
    }

    pub fn lap(&mut self, stage: &str) {
        if self.enabled {
            eprintln!(
                "timing: {stage:<12} {:>7.1} ms{}",
                self.last.elapsed().as_secs_f64() * 1000.0,
                resident().map_or(String::new(), |mb| format!(", {mb} MB resident")),
            );
            self.last = std::time::Instant::now();
        }
    }
}

/// The process's resident memory in MB, where the system tells it (`/proc` on Linux).
fn resident() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}
