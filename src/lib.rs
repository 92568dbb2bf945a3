//! policybook compiles an ISMS kept as Markdown with YAML front matter into a static site in
//! which every document, ISO/IEC 27001:2022 clause and Annex A control has a page, linked both
//! ways, with traceability matrices.
//!
//! The pipeline, one module per arrow ([`pipeline`] drives it):
//!
//! ```text
//! book.toml --config-----> BookSettings
//! content/  --load-------> Vec<SourceFile> + assets        (text kept in diagnostic::Sources)
//!           --document---> Vec<Document>                   (front matter parsed strictly)
//! catalog   --catalog----> Catalog                         (built-in ISO/IEC 27001:2022)
//!           --model------> Model                           (references resolved, bodies rendered
//!                                                           by markdown + highlight, indices
//!                                                           built once, both directions)
//!           --check------> Vec<Diagnostic>                 (all problems, sorted; errors stop here)
//!           --render-----> Vec<OutputFile> in memory       (tera templates from theme, in parallel)
//!           --output-----> book/                           (staging folder swapped in atomically)
//! ```
//!
//! Only `config`, `load`, `theme` and `output` touch the filesystem.

pub mod admonition;
pub mod bundle;
pub mod catalog;
pub mod check;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod diff;
pub mod document;
pub mod engine;
pub mod export;
pub mod highlight;
pub mod history;
pub mod import;
pub mod load;
pub mod markdown;
pub mod model;
pub mod output;
pub mod paths;
pub mod pipeline;
pub mod progress;
pub mod render;
pub mod revision;
pub mod rewrite;
pub mod search;
pub mod serve;
pub mod site;
pub mod theme;
pub mod variables;
pub mod watch;
pub mod yaml;
/// The date type of `--as-of` dates, for callers of [`pipeline`].
pub use chrono::NaiveDate;
