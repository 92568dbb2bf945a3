pub mod catalog;
pub mod config;
pub mod diagnostic;
pub mod yaml;
pub mod load;
pub mod document;
pub mod highlight;
pub mod markdown;
