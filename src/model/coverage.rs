//! Coverage of every framework the book uses besides ISO/IEC 27001:2022: direct (an approved
//! document names the requirement) or derived (an approved document covers a requirement that
//! a crosswalk row says contains this one), each derived claim with the path it comes by.
//!
//! Computed once from the model, shown by the framework pages, the gaps page, `check` and the
//! exports, so all of them agree.

use std::collections::{BTreeMap, HashMap, VecDeque};

use super::Model;
use crate::catalog::registry::{Frameworks, Link, ReqRef};
use crate::document::Status;

/// Where a requirement stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum State {
    /// An approved document names it.
    Covered,
    /// Only through a crosswalk from what approved documents cover.
    Derived,
    /// Out of the book's scope (`[frameworks.excluded]`).
    Excluded,
    /// Nothing covers it.
    Uncovered,
}

/// An approved document that covers a requirement through crosswalk rows.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Derivation {
    pub document: usize,
    /// The requirement the document names (directly, approved).
    pub from: ReqRef,
    /// Indices into [`Frameworks::links`], from `from` to the covered requirement.
    pub path: Vec<usize>,
}

impl Derivation {
    /// Each requirement after `from` with the crosswalk row that leads to it.
    pub(crate) fn steps<'a>(
        &'a self,
        frameworks: &'a Frameworks,
    ) -> impl Iterator<Item = (ReqRef, &'a Link)> + 'a {
        let mut at = self.from;
        self.path.iter().map(move |&k| {
            let link = &frameworks.links[k];
            at = if link.from == at { link.to } else { link.from };
            (at, link)
        })
    }

    /// `POL-AC-001 -> iso27001-2022:A.5.15 -> soc2:CC6.1 (superset, our mapping)`.
    pub(crate) fn describe(&self, model: &Model) -> String {
        let frameworks = &model.frameworks;
        let mut text = format!(
            "{} -> {}",
            model.documents[self.document].doc.id,
            frameworks.qualified(self.from)
        );
        for (to, link) in self.steps(frameworks) {
            text.push_str(&format!(
                " -> {} ({}, {})",
                frameworks.qualified(to),
                link.relationship.as_str(),
                link.source
            ));
        }
        text
    }
}

/// One framework's coverage, per requirement (in the framework's order).
#[derive(Debug, Clone, Default, Hash)]
pub(crate) struct FrameworkCoverage {
    /// Index into [`Frameworks::list`].
    pub framework: usize,
    /// Documents whose front matter names the requirement (any status), sorted.
    pub documents: Vec<Vec<usize>>,
    /// Documents whose body links to it with `[[framework:id]]`, sorted.
    pub mentions: Vec<Vec<usize>>,
    pub derived: Vec<Vec<Derivation>>,
    pub state: Vec<State>,
    /// Whether the requirement has no children: only leaves are counted.
    pub leaf: Vec<bool>,
}

impl FrameworkCoverage {
    /// (covered directly, derived, excluded, all) over the leaves under `top` (or all leaves).
    pub(crate) fn counts(&self, frameworks: &Frameworks, top: Option<usize>) -> Counts {
        let f = &frameworks.list[self.framework];
        let mut counts = Counts::default();
        for (i, state) in self.state.iter().enumerate() {
            if !self.leaf[i] {
                continue;
            }
            if let Some(top) = top {
                let mut at = Some(i);
                while let Some(j) = at.filter(|&j| j != top) {
                    at = f.requirements[j].parent;
                }
                if at != Some(top) {
                    continue;
                }
            }
            counts.all += 1;
            match state {
                State::Covered => counts.covered += 1,
                State::Derived => counts.derived += 1,
                State::Excluded => counts.excluded += 1,
                State::Uncovered => {}
            }
        }
        counts
    }
}

/// How many leaves are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub(crate) struct Counts {
    pub covered: usize,
    pub derived: usize,
    pub excluded: usize,
    pub all: usize,
}

impl Counts {
    /// Covered directly or derived, as a whole percentage of the leaves in scope.
    pub(crate) fn percent(&self) -> usize {
        let in_scope = self.all - self.excluded;
        if in_scope == 0 {
            return 100;
        }
        (self.covered + self.derived) * 100 / in_scope
    }
}

/// The coverage of each framework the book uses, in [`Frameworks::list`] order.
#[derive(Debug, Clone, Default, Hash)]
pub(crate) struct Coverage {
    pub frameworks: Vec<FrameworkCoverage>,
}

impl Coverage {
    /// A framework is used when `[frameworks] use` lists it, the book defines it, its own
    /// crosswalks name it, or a document names or links one of its requirements.
    pub(crate) fn of(model: &Model) -> Coverage {
        let frameworks = &model.frameworks;
        let mut named: BTreeMap<ReqRef, Vec<usize>> = BTreeMap::new();
        let mut mentioned: BTreeMap<ReqRef, Vec<usize>> = BTreeMap::new();
        for (i, n) in model.documents.iter().enumerate() {
            for &r in &n.requirements {
                named.entry(r).or_default().push(i);
            }
            for t in &n.body.targets {
                if let crate::markdown::Target::Requirement {
                    framework,
                    requirement,
                } = *t
                {
                    let docs = mentioned
                        .entry(ReqRef {
                            framework,
                            requirement,
                        })
                        .or_default();
                    if docs.last() != Some(&i) {
                        docs.push(i);
                    }
                }
            }
        }
        let mut used: Vec<usize> = (frameworks.declared.iter().copied())
            .chain(frameworks.crosswalked.iter().copied())
            .chain((0..frameworks.list.len()).filter(|&f| frameworks.own[f]))
            .chain(named.keys().chain(mentioned.keys()).map(|r| r.framework))
            .filter(|&f| f != 0)
            .collect();
        used.sort_unstable();
        used.dedup();
        if used.is_empty() {
            return Coverage::default();
        }

        // What approved documents name, in every framework (ISO/IEC 27001:2022 included).
        let approved = |docs: &[usize]| -> Vec<usize> {
            (docs.iter().copied())
                .filter(|&d| model.documents[d].doc.status == Status::Approved)
                .collect()
        };
        let mut direct: BTreeMap<ReqRef, Vec<usize>> = BTreeMap::new();
        for (c, docs) in model.clause_docs.iter().enumerate() {
            direct.insert(frameworks.iso_clause(&model.catalog, c), approved(docs));
        }
        for (c, docs) in model.control_docs.iter().enumerate() {
            direct.insert(frameworks.iso_control(&model.catalog, c), approved(docs));
        }
        for (&r, docs) in &named {
            direct.insert(r, approved(docs));
        }
        direct.retain(|_, docs| !docs.is_empty());
        let derived = derive(frameworks, &direct, &used);

        let frameworks_coverage = used
            .into_iter()
            .map(|fw| {
                let f = &frameworks.list[fw];
                let n = f.requirements.len();
                let mut leaf = vec![true; n];
                for r in &f.requirements {
                    if let Some(p) = r.parent {
                        leaf[p] = false;
                    }
                }
                let at = |requirement| ReqRef {
                    framework: fw,
                    requirement,
                };
                let list = |map: &BTreeMap<ReqRef, Vec<usize>>, i| -> Vec<usize> {
                    map.get(&at(i)).cloned().unwrap_or_default()
                };
                let derived: Vec<Vec<Derivation>> = (0..n)
                    .map(|i| derived.get(&at(i)).cloned().unwrap_or_default())
                    .collect();
                let mut state: Vec<State> = (0..n)
                    .map(|i| {
                        if direct.contains_key(&at(i)) {
                            State::Covered
                        } else if !derived[i].is_empty() {
                            State::Derived
                        } else if frameworks.exclusion(at(i)).is_some() {
                            State::Excluded
                        } else {
                            State::Uncovered
                        }
                    })
                    .collect();
                // A group nothing names stands as its weakest child (children come after
                // their parent, so this runs from the leaves up).
                let mut weakest: Vec<Option<State>> = vec![None; n];
                for i in (0..n).rev() {
                    if let Some(w) = weakest[i].filter(|_| state[i] == State::Uncovered) {
                        state[i] = w;
                    }
                    if let Some(p) = f.requirements[i].parent {
                        let rank = |s: State| match s {
                            State::Uncovered => 0,
                            State::Derived => 1,
                            State::Covered => 2,
                            State::Excluded => 3,
                        };
                        if weakest[p].is_none_or(|w| rank(state[i]) < rank(w)) {
                            weakest[p] = Some(state[i]);
                        }
                    }
                }
                FrameworkCoverage {
                    framework: fw,
                    documents: (0..n).map(|i| list(&named, i)).collect(),
                    mentions: (0..n).map(|i| list(&mentioned, i)).collect(),
                    derived,
                    state,
                    leaf,
                }
            })
            .collect();
        Coverage {
            frameworks: frameworks_coverage,
        }
    }

    /// The coverage of framework `fw`, when the book uses it.
    pub(crate) fn of_framework(&self, fw: usize) -> Option<&FrameworkCoverage> {
        self.frameworks.iter().find(|c| c.framework == fw)
    }
}

/// Per requirement of a `used` framework: the approved documents that cover it only through
/// crosswalk rows, each by its shortest path (the first found, sources in order).
fn derive(
    frameworks: &Frameworks,
    direct: &BTreeMap<ReqRef, Vec<usize>>,
    used: &[usize],
) -> HashMap<ReqRef, Vec<Derivation>> {
    // Coverage flows from a requirement to those it contains.
    let mut next: HashMap<ReqRef, Vec<(ReqRef, usize)>> = HashMap::new();
    for (k, link) in frameworks.links.iter().enumerate() {
        if link.relationship.carries(true) {
            next.entry(link.from).or_default().push((link.to, k));
        }
        if link.relationship.carries(false) {
            next.entry(link.to).or_default().push((link.from, k));
        }
    }
    let mut derived: HashMap<ReqRef, Vec<Derivation>> = HashMap::new();
    for (&source, docs) in direct {
        // Breadth first, so each requirement is reached by its shortest path.
        let mut came_by: HashMap<ReqRef, (ReqRef, usize)> = HashMap::new();
        let mut queue = VecDeque::from([source]);
        while let Some(at) = queue.pop_front() {
            for &(to, link) in next.get(&at).map_or(&[][..], Vec::as_slice) {
                if to != source && !came_by.contains_key(&to) {
                    came_by.insert(to, (at, link));
                    queue.push_back(to);
                }
            }
        }
        let mut reached: Vec<&ReqRef> = came_by.keys().collect();
        reached.sort_unstable();
        for &target in reached {
            if !used.contains(&target.framework) {
                continue;
            }
            let mut path = Vec::new();
            let mut at = target;
            while at != source {
                let (from, link) = came_by[&at];
                path.push(link);
                at = from;
            }
            path.reverse();
            let already = direct.get(&target).map_or(&[][..], Vec::as_slice);
            let list = derived.entry(target).or_default();
            for &document in docs {
                if already.contains(&document) {
                    continue;
                }
                match list.iter_mut().find(|d| d.document == document) {
                    Some(d) if d.path.len() > path.len() => {
                        d.path = path.clone();
                        d.from = source;
                    }
                    Some(_) => {}
                    None => list.push(Derivation {
                        document,
                        from: source,
                        path: path.clone(),
                    }),
                }
            }
        }
    }
    for list in derived.values_mut() {
        list.sort_by(|a, b| (a.document, &a.path).cmp(&(b.document, &b.path)));
    }
    derived
}
