//! The front-matter splitter and parser, and the diagnostics they produce, on any bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policybook::diagnostic::Sources;
use policybook::document;
use policybook::load::SourceFile;
use policybook::text;

fuzz_target!(|data: &[u8]| {
    let (text, _) = text::decode(data.to_vec());
    let mut sources = Sources::default();
    let file = sources.add("content/fuzz.md".into(), text);
    let (_, diagnostics) = document::parse(&SourceFile { file, rel: "fuzz.md".into() }, &sources);
    for d in &diagnostics {
        let _ = sources.locate(d);
    }
    let mut out = String::new();
    let _ = sources.render_digest(&diagnostics, true, &mut out);
});
