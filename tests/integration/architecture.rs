//! The modules of `src/` depend on each other in one direction: no module reaches, through
//! the `crate::` paths its code names, a module that reaches it back.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::common::repo_root;

/// Top-level module of `src/` -> the top-level modules its code (tests excluded) names.
fn dependencies() -> BTreeMap<String, BTreeSet<String>> {
    let src = repo_root().join("src");
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for entry in walkdir(&src) {
        let rel = entry.strip_prefix(&src).unwrap();
        let module = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        // A `tests.rs` (a module's `#[cfg(test)] mod tests;`) is all tests.
        if module == "main" || module == "lib" || entry.ends_with("tests.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&entry).unwrap();
        // Tests sit at the end of a file, in `#[cfg(test)] mod tests`; comments name no code.
        let code: String = text
            .split("#[cfg(test)]\nmod tests")
            .next()
            .unwrap()
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let targets = graph.entry(module.clone()).or_default();
        for (at, _) in code.match_indices("crate::") {
            let rest = &code[at + "crate::".len()..];
            let names: Vec<&str> = match rest.strip_prefix('{') {
                Some(group) => group
                    .split('}')
                    .next()
                    .unwrap()
                    .split(',')
                    .map(|n| n.trim().split("::").next().unwrap().trim())
                    .collect(),
                None => vec![rest
                    .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .next()
                    .unwrap()],
            };
            for name in names {
                if !name.is_empty() && name != module && name != "self" {
                    targets.insert(name.to_string());
                }
            }
        }
    }
    graph
}

fn walkdir(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walkdir(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// Modules from which `from` can be reached again (its cycle), empty when it is on none.
fn cycle_through(graph: &BTreeMap<String, BTreeSet<String>>, from: &str) -> BTreeSet<String> {
    let reach = |start: &str| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![start.to_string()];
        while let Some(m) = todo.pop() {
            for next in graph.get(&m).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    todo.push(next.clone());
                }
            }
        }
        seen
    };
    let forward = reach(from);
    forward
        .iter()
        .filter(|m| reach(m).contains(from))
        .cloned()
        .collect()
}

#[test]
fn modules_depend_on_each_other_in_one_direction() {
    let graph = dependencies();
    assert!(graph.len() > 20, "the modules were found: {graph:?}");
    let cycles: Vec<String> = graph
        .keys()
        .filter_map(|m| {
            let cycle = cycle_through(&graph, m);
            (!cycle.is_empty()).then(|| format!("{m} <-> {cycle:?}"))
        })
        .collect();
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

#[test]
fn the_cycle_check_finds_a_cycle() {
    let mut graph = BTreeMap::new();
    graph.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
    graph.insert("b".to_string(), BTreeSet::from(["c".to_string()]));
    graph.insert("c".to_string(), BTreeSet::from(["a".to_string()]));
    graph.insert("d".to_string(), BTreeSet::from(["a".to_string()]));
    assert_eq!(cycle_through(&graph, "a").len(), 3);
    assert!(cycle_through(&graph, "d").is_empty());
}
