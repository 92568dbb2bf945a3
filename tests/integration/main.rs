//! The integration suite: one test binary driving the real `policybook` binary on fixture books.

mod architecture;
mod audiences;
mod audit;
mod build;
mod check;
mod codes;
mod common;
mod crosswalk_import;
mod example;
mod framework_import;
mod frameworks;
mod git;
mod hostile;
mod import;
mod init;
mod iso2013;
mod languages;
mod markdown;
mod mdbook;
mod profiles;
mod properties;
mod reviews;
mod risks;
mod serve;
mod variables;
