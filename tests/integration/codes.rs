//! Diagnostic codes are a contract with people and CI filters: the README lists every one, and
//! every one is produced by some test.

use std::collections::BTreeSet;

use policybook::diagnostic::Code;

use crate::common::repo_root;

#[test]
fn the_readme_lists_every_code_and_only_those() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let start = readme
        .find("Diagnostic codes:")
        .expect("the README lists the codes");
    let list = &readme[start..start + readme[start..].find("\n\n").unwrap()];
    let listed: BTreeSet<&str> = list.split('`').skip(1).step_by(2).collect();
    let known: BTreeSet<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    let unlisted: Vec<_> = known.difference(&listed).collect();
    let unknown: Vec<_> = listed.difference(&known).collect();
    assert!(
        unlisted.is_empty() && unknown.is_empty(),
        "codes the README does not list: {unlisted:?}; listed codes that do not exist: {unknown:?}"
    );
}

/// The text of every test: the integration tests, the `mod tests` of `src/` and its `tests.rs`
/// files.
fn test_code() -> String {
    let mut text = String::new();
    let mut stack = vec![
        repo_root().join("src"),
        repo_root().join("tests/integration"),
    ];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("codes.rs") {
                let file = std::fs::read_to_string(&path).unwrap();
                match file.find("#[cfg(test)]\nmod tests") {
                    Some(at) => text.push_str(&file[at..]),
                    None if path.starts_with(repo_root().join("tests"))
                        || path.ends_with("tests.rs") =>
                    {
                        text.push_str(&file)
                    }
                    None => {}
                }
            }
        }
    }
    text
}

/// Codes that no book can produce, and why: they guard policybook's own invariants.
const INTERNAL: &[(&str, &str)] = &[(
    "render-failed",
    "a print part whose rendered template lost its body markers, or a sink that failed in memory",
)];

#[test]
fn every_code_is_named_by_a_test() {
    let tests = test_code();
    for (name, _) in INTERNAL {
        assert!(Code::ALL.iter().any(|c| c.as_str() == *name), "{name}");
    }
    let untested: Vec<&str> = Code::ALL
        .iter()
        .filter(|c| !INTERNAL.iter().any(|(name, _)| *name == c.as_str()))
        .filter(|c| {
            let name = c.as_str();
            // As JSON and tests write it ("broken-link"), as people read it (error[broken-link]).
            let forms = [
                format!("\"{name}\""),
                format!("[{name}]"),
                format!("Code::{c:?}"),
            ];
            !forms.iter().any(|form| tests.contains(form.as_str()))
        })
        .map(|c| c.as_str())
        .collect();
    assert!(untested.is_empty(), "codes no test names: {untested:?}");
}
