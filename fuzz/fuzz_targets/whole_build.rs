//! A whole build of a book written from the input: files separated by `\0`, the first one being
//! book.toml, the second soa.yaml, the rest documents. Checked, then rendered in memory.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policybook::pipeline;

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("content/sub")).unwrap();
    for (i, part) in data.split(|b| *b == 0).take(8).enumerate() {
        let path = match i {
            0 => root.join("book.toml"),
            1 => root.join("soa.yaml"),
            n if n % 2 == 0 => root.join(format!("content/d{n}.md")),
            n => root.join(format!("content/sub/d{n}.md")),
        };
        std::fs::write(path, part).unwrap();
    }
    let as_of = chrono_free_date();
    let Ok(checked) = pipeline::check(root, as_of, &mut Default::default(), pipeline::Purpose::Render, None) else { return };
    if checked.errors() == 0 {
        let _ = pipeline::site_files(&checked, &policybook::progress::Progress::none());
    }
});

fn chrono_free_date() -> policybook::NaiveDate {
    policybook::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}
