//! The floor for the benchmark: the least any generator must do with the same crates. Reads
//! every Markdown file under CONTENT, renders it with pulldown-cmark, writes one HTML file each
//! under OUT, in parallel. `cargo run --release --example floor -- CONTENT OUT`

use std::path::{Path, PathBuf};

use rayon::prelude::*;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (content, out) = (Path::new(&args[1]), PathBuf::from(&args[2]));
    let files: Vec<PathBuf> = walkdir::WalkDir::new(content)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.path().to_path_buf())
        .collect();
    let dirs: std::collections::BTreeSet<PathBuf> = files
        .iter()
        .filter_map(|f| f.strip_prefix(content).ok()?.parent().map(|p| out.join(p)))
        .collect();
    for d in dirs {
        std::fs::create_dir_all(d).expect("create a folder");
    }
    files.par_iter().for_each(|f| {
        let text = std::fs::read_to_string(f).expect("read a file");
        let mut html = String::with_capacity(text.len() * 3 / 2);
        pulldown_cmark::html::push_html(
            &mut html,
            pulldown_cmark::Parser::new_ext(&text, pulldown_cmark::Options::ENABLE_TABLES),
        );
        let target = out
            .join(f.strip_prefix(content).expect("inside"))
            .with_extension("html");
        std::fs::write(target, html).expect("write a file");
    });
    eprintln!("floor: {} files", files.len());
}
