//! The site as files: what every stage that makes, writes, serves or bundles the site passes
//! around. A leaf: it depends on nothing else of policybook.

use std::path::PathBuf;
use std::sync::Arc;

/// What one output file holds.
#[derive(Debug, Clone)]
pub enum Contents {
    /// Shared, so that `serve` can keep pages across rebuilds without copying them.
    Bytes(Arc<[u8]>),
    /// A content asset, copied from disk when the site is written.
    Copy(PathBuf),
}

/// One file of the site: its path under the output folder (with `/`) and contents.
#[derive(Debug, Clone)]
pub struct OutputFile {
    pub path: String,
    pub contents: Contents,
}

/// Where rendered files go: collected in memory, or written out as they come.
pub(crate) type Sink<'a> = dyn Fn(OutputFile) -> anyhow::Result<()> + Sync + 'a;
