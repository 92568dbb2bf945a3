//! policybook compiles an ISMS kept as Markdown with YAML front matter into a static site in
//! which every document, ISO/IEC 27001:2022 clause and Annex A control has a page, linked both
//! ways, with traceability matrices.
//!
//! The pipeline, one module per arrow ([`pipeline`] drives it; [`engine`] runs it again for
//! `serve` and `watch`, keeping what did not change):
//!
//! ```text
//! book.toml --config-----> BookSettings                    (mdBook's keys understood; [variables])
//! content/  --load-------> Vec<SourceFile> + files         (text::decode; text kept in
//!                                                           diagnostic::Sources)
//!           --document---> Vec<Document>                   (front matter parsed strictly)
//! soa.yaml  --model::soa-> Soa                             (or derived from the documents)
//! git       --history----> History                         (on its own thread, beside the above)
//! catalog   --catalog----> Catalog                         (built-in ISO/IEC 27001:2022)
//!           --model------> Model                           (references resolved, bodies filled in
//!                                                           by variables, rendered by markdown +
//!                                                           highlight, indices built both ways)
//!           --check------> Vec<Diagnostic>                 (all problems; errors stop build, not
//!                                                           serve's preview)
//!           --render-----> pages, statics, linked files    (tera templates from theme, in parallel,
//!                                                           streamed to a site::Sink)
//!   pipeline::extras ----> search index, exports           (beside the pages, on the other core)
//!           --output-----> book/                           (staging folder swapped in atomically)
//! ```
//!
//! `site` (the files of a site), `key` (the one hasher of cache keys), `paths`, `progress`,
//! `diagnostic` and `text` are leaves; `outcome` (a stage's result or the book's errors), `yaml`
//! and `highlight` stand on them alone; a test (`tests/integration/architecture.rs`) keeps the modules free
//! of import cycles. The filesystem is read by `config`, `load`, `model::soa`, `history`,
//! `theme` and `import`, and written by `output`, `bundle`, `import` and the `init` and
//! `export` commands.

mod admonition;
mod bundle;
mod catalog;
mod check;
pub mod cli;
mod config;
pub mod diagnostic;
mod diff;
pub mod document;
mod engine;
mod export;
mod highlight;
mod history;
mod import;
mod key;
pub mod load;
pub mod markdown;
mod model;
mod outcome;
mod output;
mod paths;
pub mod pipeline;
mod profile;
pub mod progress;
mod registers;
mod render;
mod revision;
mod rewrite;
mod search;
mod serve;
mod site;
mod strings;
#[cfg(test)]
mod testing;
pub mod text;
mod theme;
mod variables;
mod watch;
mod yaml;
/// The date type of `--as-of` dates, for callers of [`pipeline`].
pub use chrono::NaiveDate;
