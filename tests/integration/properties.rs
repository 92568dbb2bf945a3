//! Properties over random books: same input, byte-identical site, exports and bundle wherever
//! and whenever it is built; `check` and `build` agree on whether a book is valid.

use proptest::prelude::*;

use crate::common::{tree, Book};

const CLAUSES: &[&str] = &["4.3", "5.2", "6.1.2", "6.1.3", "7.5.1", "9.2", "10.2"];
const CONTROLS: &[&str] = &[
    "A.5.1", "A.5.15", "A.6.3", "A.7.4", "A.8.5", "A.8.24", "A.8.34",
];

#[derive(Debug, Clone)]
struct Doc {
    title: String,
    clauses: Vec<usize>,
    controls: Vec<usize>,
    related: Vec<usize>,
    paragraphs: Vec<String>,
    status: &'static str,
}

fn doc_strategy(n: usize) -> impl Strategy<Value = Doc> {
    (
        "[A-Za-zÀ-ÿ ]{1,30}",
        proptest::sample::subsequence((0..CLAUSES.len()).collect::<Vec<_>>(), 0..3),
        proptest::sample::subsequence((0..CONTROLS.len()).collect::<Vec<_>>(), 0..4),
        proptest::sample::subsequence((0..n).collect::<Vec<_>>(), 0..n.min(3)),
        proptest::collection::vec("[a-zA-Z0-9 ,.;:!?()'\"&<>#*_`-]{0,80}", 0..4),
        proptest::sample::select(vec!["draft", "in-review", "approved", "retired"]),
    )
        .prop_map(
            |(title, clauses, controls, related, paragraphs, status)| Doc {
                title: title.trim().to_string(),
                clauses,
                controls,
                related,
                paragraphs,
                status,
            },
        )
}

fn book_strategy() -> impl Strategy<Value = (Vec<Doc>, bool)> {
    (1usize..6).prop_flat_map(|n| (proptest::collection::vec(doc_strategy(n), n), any::<bool>()))
}

/// The Markdown files of a book; with `break_it`, one `related` id points nowhere.
fn files(docs: &[Doc], break_it: bool) -> Vec<(String, String)> {
    docs.iter()
        .enumerate()
        .map(|(i, d)| {
            let quoted = |ids: Vec<&str>| ids.iter().map(|x| format!("\"{x}\"")).collect::<Vec<_>>().join(", ");
            let title = if d.title.is_empty() { format!("Document {i}") } else { d.title.clone() };
            let mut text = format!(
                "---\nid: DOC-{i}\ntitle: \"{title}\"\nstatus: {}\napprover: Board\nversion: \"1.{i}0\"\nclauses: [{}]\ncontrols: [{}]\nrelated: [{}]\n---\n\n## Section {i}\n\n",
                d.status,
                quoted(d.clauses.iter().map(|&c| CLAUSES[c]).collect()),
                quoted(d.controls.iter().map(|&c| CONTROLS[c]).collect()),
                d.related
                    .iter()
                    .map(|r| format!("DOC-{r}"))
                    // The broken reference goes in the front matter: in the body, a random `<?`
                    // opens an HTML block that rightly swallows everything after it.
                    .chain((break_it && i == docs.len() - 1).then(|| "DOC-404".to_string()))
                    .collect::<Vec<_>>()
                    .join(", "),
            );
            for (k, p) in d.paragraphs.iter().enumerate() {
                let link = match k % 3 {
                    0 => format!("[[DOC-{}]]", (i + k) % docs.len()),
                    1 => format!("[[{}]]", CONTROLS[k % CONTROLS.len()]),
                    _ => format!("[[{}]]", CLAUSES[k % CLAUSES.len()]),
                };
                text.push_str(&format!("{p} {link}\n\n"));
            }
            (format!("content/part{}/doc{i}.md", i % 2), text)
        })
        .collect()
}

fn write(book: &Book, files: &[(String, String)]) {
    book.write("book.toml", "[book]\ntitle = \"Random\"\n");
    for (path, text) in files {
        book.write(path, text);
    }
}

fn run_with_epoch(book: &Book, args: &[&str]) -> i32 {
    std::process::Command::new(env!("CARGO_BIN_EXE_policybook"))
        .args(args)
        .current_dir(&book.root)
        .env("SOURCE_DATE_EPOCH", "1795000000")
        .output()
        .unwrap()
        .status
        .code()
        .unwrap_or(-1)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn random_books_build_reproducibly_and_check_agrees_with_build((docs, break_it) in book_strategy()) {
        let files = files(&docs, break_it);
        let (a, b) = (Book::empty(), Book::empty());
        write(&a, &files);
        write(&b, &files);
        let check = run_with_epoch(&a, &["check"]);
        let build_a = run_with_epoch(&a, &["build"]);
        prop_assert_eq!(check == 0, build_a == 0, "check exited {}, build {}", check, build_a);
        prop_assert_eq!(build_a == 0, !break_it);
        if build_a == 0 {
            std::thread::sleep(std::time::Duration::from_millis(1100));
            prop_assert_eq!(run_with_epoch(&b, &["build"]), 0);
            prop_assert!(tree(&a.root.join("book")) == tree(&b.root.join("book")), "sites differ");
            prop_assert_eq!(run_with_epoch(&a, &["bundle", "-o", "../b.zip"]), 0);
            prop_assert_eq!(run_with_epoch(&b, &["bundle", "-o", "../b.zip"]), 0);
            let za = std::fs::read(a.outside().join("b.zip")).unwrap();
            let zb = std::fs::read(b.outside().join("b.zip")).unwrap();
            prop_assert!(za == zb, "bundles differ");
        }
    }
}
