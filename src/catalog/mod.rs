//! The ISO/IEC 27001:2022 catalog: clause ids and Annex A control ids with short titles.
//!
//! The data is the built-in framework file `frameworks/iso27001-2022.yaml`, embedded in the
//! binary so that policybook works anywhere. It holds ids, titles and themes only: ISO's
//! control text is copyrighted and stays out.

use std::collections::HashMap;

pub(crate) mod book;
pub(crate) mod crosswalk;
pub(crate) mod crosswalk_import;
pub(crate) mod framework;
pub(crate) mod oscal;
pub(crate) mod registry;

use crosswalk::{Iso27001_2013, Relationship};
use framework::Framework;

/// A management-system clause (4 to 10) or one of its subclauses.
#[derive(Debug, Clone)]
pub struct Clause {
    pub id: String,
    pub title: String,
    /// Index of the enclosing clause (`6.1` for `6.1.2`, `6` for `6.1`); `None` for 4 to 10.
    pub parent: Option<usize>,
    /// 0 for a top-level clause, 1 for `6.1`, 2 for `6.1.2`.
    pub depth: usize,
}

/// One of the four Annex A themes.
#[derive(Debug, Clone)]
pub struct Theme {
    /// Short name used in URLs and data: `organizational`, `people`, `physical`, `technological`.
    pub id: String,
    pub title: String,
}

/// An Annex A control.
#[derive(Debug, Clone)]
pub struct Control {
    pub id: String,
    pub title: String,
    /// Index into [`Catalog::themes`].
    pub theme: usize,
}

/// What a control id written in front matter stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ControlLookup {
    /// A control of this (2022) edition: its index.
    Found(usize),
    /// An ISO/IEC 27001:2013 control id (`A.9.2.1` or `iso27001-2013:A.9.2.1`) whose control
    /// became exactly one 2022 control.
    Renumbered {
        /// The 2013 id, unqualified.
        old: &'static str,
        /// Index of the 2022 control.
        control: usize,
        /// The 2022 control also took in other 2013 controls (`subset` in the crosswalk).
        merged: bool,
    },
    /// An ISO/IEC 27001:2013 control id whose control was split across several 2022 controls.
    Split {
        old: &'static str,
        /// The 2013 control's title.
        title: &'static str,
        /// Indices of the 2022 controls, in the catalog's order.
        candidates: Vec<usize>,
    },
    /// `iso27001-2013:...` naming no 2013 Annex A control: the part after the colon.
    Unknown2013(String),
    /// Neither a 2022 control nor a 2013 control id.
    Unknown,
}

/// Every clause and control a book may reference, in the standard's order.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub edition: String,
    pub clauses: Vec<Clause>,
    pub themes: Vec<Theme>,
    pub controls: Vec<Control>,
    clause_index: HashMap<String, usize>,
    control_index: HashMap<String, usize>,
}

impl Catalog {
    /// The built-in ISO/IEC 27001:2022 catalog, read from its framework file.
    pub fn iso27001_2022() -> Catalog {
        let f = Framework::builtin(registry::ISO27001_2022)
            .expect("ISO/IEC 27001:2022 is a built-in framework");
        Catalog::from_framework(&f)
    }

    /// Clauses, themes and controls by their `kind`, each in the file's order. A theme's short
    /// name is the first word of its title in lowercase (`Organizational controls`).
    fn from_framework(f: &Framework) -> Catalog {
        let mut clauses: Vec<Clause> = Vec::new();
        let mut themes = Vec::new();
        let mut controls = Vec::new();
        // Requirement index -> index among clauses or themes.
        let mut position: HashMap<usize, usize> = HashMap::new();
        for (i, r) in f.requirements.iter().enumerate() {
            let title = r.title.clone().unwrap_or_default();
            match r.kind.as_str() {
                "clause" => {
                    position.insert(i, clauses.len());
                    clauses.push(Clause {
                        id: r.id.clone(),
                        title,
                        parent: r.parent.map(|p| position[&p]),
                        depth: r.id.matches('.').count(),
                    });
                }
                "theme" => {
                    position.insert(i, themes.len());
                    let id = title.split_whitespace().next().unwrap_or("").to_lowercase();
                    themes.push(Theme { id, title });
                }
                "control" => controls.push(Control {
                    id: r.id.clone(),
                    title,
                    theme: position[&r.parent.expect("a control has a theme")],
                }),
                other => panic!("ISO/IEC 27001:2022 has no requirement of the kind {other}"),
            }
        }
        let index = |ids: Vec<&String>| -> HashMap<String, usize> {
            ids.into_iter()
                .enumerate()
                .map(|(i, id)| (id.clone(), i))
                .collect()
        };
        Catalog {
            edition: format!("{}:{}", f.name, f.version),
            clause_index: index(clauses.iter().map(|c| &c.id).collect()),
            control_index: index(controls.iter().map(|c| &c.id).collect()),
            clauses,
            themes,
            controls,
        }
    }

    pub fn clause(&self, id: &str) -> Option<usize> {
        self.clause_index.get(id).copied()
    }

    pub fn control(&self, id: &str) -> Option<usize> {
        self.control_index.get(id).copied()
    }

    /// What `written` in a document's `controls` names: a 2022 control as written, else an
    /// ISO/IEC 27001:2013 control (bare, or qualified as `iso27001-2013:A.9.2.1`) through the
    /// 2013 to 2022 correspondence. Ids are matched exactly.
    pub(crate) fn lookup_control(&self, written: &str) -> ControlLookup {
        let qualified = crosswalk::split_qualified(written)
            .filter(|(fw, _)| *fw == Iso27001_2013::ID)
            .map(|(_, id)| id.trim());
        if qualified.is_none() {
            if let Some(i) = self.control(written) {
                return ControlLookup::Found(i);
            }
        }
        let id = qualified.unwrap_or(written);
        let old = Iso27001_2013::get();
        let Some(control) = old.control(id) else {
            return match qualified {
                Some(id) => ControlLookup::Unknown2013(id.to_string()),
                None => ControlLookup::Unknown,
            };
        };
        let successors = old.successors(&control.id);
        let mut candidates: Vec<usize> = (successors.iter())
            .map(|(new, _)| {
                self.control(new)
                    .unwrap_or_else(|| panic!("the crosswalk names `{new}`, not a 2022 control"))
            })
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        match candidates[..] {
            [] => ControlLookup::Unknown,
            [control_index] => ControlLookup::Renumbered {
                old: &control.id,
                control: control_index,
                merged: successors.iter().any(|(_, r)| *r == Relationship::Subset),
            },
            _ => ControlLookup::Split {
                old: &control.id,
                title: control.title.as_deref().unwrap_or(""),
                candidates,
            },
        }
    }

    /// `` `A.5.16` (Identity management) ``: a 2022 control by index, for messages.
    pub(crate) fn control_label(&self, i: usize) -> String {
        let c = &self.controls[i];
        format!("`{}` ({})", c.id, c.title)
    }

    /// [`Catalog::control_label`] of each control, joined with `, `.
    pub(crate) fn control_labels(&self, controls: &[usize]) -> String {
        let labels: Vec<String> = controls.iter().map(|&c| self.control_label(c)).collect();
        labels.join(", ")
    }

    /// What to tell a user who wrote `iso27001-2013:{wrong}`, which names no 2013 control.
    pub(crate) fn control_2013_hint(&self, wrong: &str) -> String {
        let old = Iso27001_2013::get();
        let prefix = Iso27001_2013::ID;
        if self.control(wrong).is_some() {
            return format!(
                "`{wrong}` is an ISO/IEC 27001:2022 control: write it without `{prefix}:`"
            );
        }
        if let Some(i) = old.framework.requirement(wrong) {
            let r = &old.framework.requirements[i];
            let within = format!("{wrong}.");
            if let Some(first) = old.control_ids().find(|c| c.starts_with(&within)) {
                let article = if r.kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
                    "an"
                } else {
                    "a"
                };
                return format!(
                    "`{wrong}` is {article} {} of ISO/IEC 27001:2013, not a control: list its \
                     controls, such as `{prefix}:{first}`",
                    r.kind
                );
            }
        }
        match crate::diagnostic::did_you_mean(wrong, old.control_ids()) {
            Some(best) => format!("did you mean `{prefix}:{best}`?"),
            None => "ISO/IEC 27001:2013 Annex A controls run from A.5.1.1 to A.18.2.3".into(),
        }
    }

    /// What to tell a user who wrote `wrong` where a clause id belongs.
    pub fn clause_hint(&self, wrong: &str) -> String {
        let trimmed = wrong.trim().trim_start_matches("Clause").trim();
        if let Some(i) = self.clause(trimmed) {
            return format!("write it as `{}`", self.clauses[i].id);
        }
        if self.control(wrong).is_some() {
            return format!("`{wrong}` is an Annex A control: list it under `controls`");
        }
        match crate::diagnostic::did_you_mean(wrong, self.clauses.iter().map(|c| c.id.as_str())) {
            Some(best) => format!("did you mean `{best}`?"),
            None => "clauses are 4 to 10 and their subclauses, e.g. `5.2` or `6.1.3`".into(),
        }
    }

    /// What to tell a user who wrote `wrong` where a control id belongs.
    pub fn control_hint(&self, wrong: &str) -> String {
        let normalized = normalize_control(wrong);
        if self.clause(wrong.trim()).is_some() {
            let mut hint = format!("`{wrong}` is a clause: list it under `clauses`");
            if self.control(&normalized).is_some() {
                hint.push_str(&format!(
                    ", or write `{normalized}` for the Annex A control"
                ));
            }
            return hint;
        }
        if let Some(i) = self.control(&normalized) {
            return format!("write it as `{}`", self.controls[i].id);
        }
        // A 2013 control (in a body, in soa.yaml, or written loosely as `a.9.2.1`): name what
        // it became.
        match self.lookup_control(&normalized) {
            ControlLookup::Renumbered { old, control, .. } => {
                let new = &self.controls[control].id;
                return format!(
                    "`{old}` is an ISO/IEC 27001:2013 control id, now {}: write `{new}`",
                    self.control_label(control)
                );
            }
            ControlLookup::Split {
                old, candidates, ..
            } => {
                return format!(
                    "`{old}` is an ISO/IEC 27001:2013 control id, now split into {}: write the \
                     one(s) meant",
                    self.control_labels(&candidates)
                );
            }
            _ => {}
        }
        // ISO/IEC 27001:2013 ids have three numbers (A.9.2.1) or themes A.10 to A.18.
        let parts: Vec<&str> = normalized.trim_start_matches("A.").split('.').collect();
        let theme: Option<u32> = parts.first().and_then(|p| p.parse().ok());
        if parts.len() == 3 || theme.is_some_and(|t| (9..=18).contains(&t)) {
            return "this looks like an ISO/IEC 27001:2013 control id; the 2022 edition numbers \
                    controls A.5.1 to A.8.34"
                .into();
        }
        match crate::diagnostic::did_you_mean(wrong, self.controls.iter().map(|c| c.id.as_str())) {
            Some(best) => format!("did you mean `{best}`?"),
            None => "Annex A controls run from A.5.1 to A.8.34".into(),
        }
    }
}

/// `a.5.15`, `A5.15` and `5.15` all mean `A.5.15`.
fn normalize_control(id: &str) -> String {
    let t = id.trim();
    let rest = t
        .strip_prefix("A.")
        .or_else(|| t.strip_prefix("a."))
        .or_else(|| t.strip_prefix('A'))
        .or_else(|| t.strip_prefix('a'))
        .unwrap_or(t);
    format!("A.{rest}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn annex_a_has_93_controls_in_four_themes() {
        let c = Catalog::iso27001_2022();
        assert_eq!(c.controls.len(), 93);
        let per_theme: Vec<usize> = (0..c.themes.len())
            .map(|t| c.controls.iter().filter(|x| x.theme == t).count())
            .collect();
        assert_eq!(per_theme, vec![37, 8, 14, 34]);
        let ids: HashSet<&str> = c.controls.iter().map(|x| x.id.as_str()).collect();
        assert_eq!(ids.len(), 93, "control ids are unique");
        for (t, prefix, n) in [(0, 5, 37), (1, 6, 8), (2, 7, 14), (3, 8, 34)] {
            for i in 1..=n {
                let id = format!("A.{prefix}.{i}");
                assert_eq!(c.controls[c.control(&id).unwrap()].theme, t, "{id}");
            }
        }
        assert_eq!(
            c.controls[c.control("A.5.15").unwrap()].title,
            "Access control"
        );
        assert_eq!(
            c.controls[c.control("A.8.24").unwrap()].title,
            "Use of cryptography"
        );
    }

    #[test]
    fn every_clause_is_present_with_its_parent() {
        let c = Catalog::iso27001_2022();
        let expected = [
            "4", "4.1", "4.2", "4.3", "4.4", "5", "5.1", "5.2", "5.3", "6", "6.1", "6.1.1",
            "6.1.2", "6.1.3", "6.2", "6.3", "7", "7.1", "7.2", "7.3", "7.4", "7.5", "7.5.1",
            "7.5.2", "7.5.3", "8", "8.1", "8.2", "8.3", "9", "9.1", "9.2", "9.2.1", "9.2.2", "9.3",
            "9.3.1", "9.3.2", "9.3.3", "10", "10.1", "10.2",
        ];
        let ids: Vec<&str> = c.clauses.iter().map(|x| x.id.as_str()).collect();
        assert_eq!(ids, expected);
        assert_eq!(c.clauses.iter().filter(|x| x.depth == 0).count(), 7);
        let c612 = &c.clauses[c.clause("6.1.2").unwrap()];
        assert_eq!(c.clauses[c612.parent.unwrap()].id, "6.1");
        assert!(c.clauses[c.clause("10").unwrap()].parent.is_none());
    }

    fn control_index(c: &Catalog, id: &str) -> usize {
        c.control(id)
            .unwrap_or_else(|| panic!("{id} is a 2022 control"))
    }

    #[test]
    fn a_2013_id_with_one_2022_successor_is_renumbered() {
        let c = Catalog::iso27001_2022();
        let a516 = control_index(&c, "A.5.16");
        let renumbered = ControlLookup::Renumbered {
            old: "A.9.2.1",
            control: a516,
            merged: false,
        };
        assert_eq!(c.lookup_control("A.9.2.1"), renumbered);
        assert_eq!(c.lookup_control("iso27001-2013:A.9.2.1"), renumbered);
        // Merged with other 2013 controls into one 2022 control: still one-to-one here.
        assert_eq!(
            c.lookup_control("A.12.1.2"),
            ControlLookup::Renumbered {
                old: "A.12.1.2",
                control: control_index(&c, "A.8.32"),
                merged: true,
            }
        );
        assert_eq!(c.lookup_control("A.5.16"), ControlLookup::Found(a516));
        assert_eq!(c.control_label(a516), "`A.5.16` (Identity management)");
    }

    #[test]
    fn a_2013_id_split_across_2022_controls_lists_the_candidates() {
        let c = Catalog::iso27001_2022();
        let split = ControlLookup::Split {
            old: "A.18.2.3",
            title: "Technical compliance review",
            candidates: vec![control_index(&c, "A.5.36"), control_index(&c, "A.8.8")],
        };
        assert_eq!(c.lookup_control("A.18.2.3"), split);
        assert_eq!(c.lookup_control("iso27001-2013:A.18.2.3"), split);
    }

    #[test]
    fn every_2013_control_but_one_is_one_to_one() {
        let c = Catalog::iso27001_2022();
        let old = crosswalk::Iso27001_2013::get();
        let (mut one, mut several) = (0, Vec::new());
        for id in old.control_ids() {
            match c.lookup_control(id) {
                ControlLookup::Renumbered { old, .. } if old == id => one += 1,
                ControlLookup::Split { old, .. } => several.push(old),
                other => panic!("{id}: {other:?}"),
            }
        }
        assert_eq!((one, several), (113, vec!["A.18.2.3"]));
    }

    #[test]
    fn what_is_no_2013_control_is_not_translated() {
        let c = Catalog::iso27001_2022();
        // A 2013 objective, a loose spelling, a made-up id: unknown, as before.
        for id in [
            "A.9.2",
            "a.9.2.1",
            "A.9.2.7",
            "A.5.99",
            "iso27001-2022:A.5.16",
        ] {
            assert_eq!(c.lookup_control(id), ControlLookup::Unknown, "{id}");
        }
        assert_eq!(
            c.lookup_control("iso27001-2013:A.14.2.10"),
            ControlLookup::Unknown2013("A.14.2.10".into())
        );
        assert_eq!(
            c.control_2013_hint("A.14.2.10"),
            "did you mean `iso27001-2013:A.14.2.1`?"
        );
        assert_eq!(
            c.control_2013_hint("A.9.2"),
            "`A.9.2` is an objective of ISO/IEC 27001:2013, not a control: list its controls, \
             such as `iso27001-2013:A.9.2.1`"
        );
        // A 2022 id qualified as 2013 is not a 2013 control.
        assert_eq!(
            c.lookup_control("iso27001-2013:A.5.16"),
            ControlLookup::Unknown2013("A.5.16".into())
        );
        assert_eq!(
            c.control_2013_hint("A.5.16"),
            "`A.5.16` is an ISO/IEC 27001:2022 control: write it without `iso27001-2013:`"
        );
        assert_eq!(
            c.control_hint("a.9.2.1"),
            "`A.9.2.1` is an ISO/IEC 27001:2013 control id, now `A.5.16` (Identity management): \
             write `A.5.16`"
        );
        assert!(c.control_hint("a.18.2.3").contains("split into `A.5.36`"));
    }

    #[test]
    fn hints_name_the_likely_intent() {
        let c = Catalog::iso27001_2022();
        assert_eq!(c.control_hint("A.5.51"), "did you mean `A.5.15`?");
        assert_eq!(c.control_hint("a.5.15"), "write it as `A.5.15`");
        assert_eq!(c.control_hint("5.15"), "write it as `A.5.15`");
        assert!(c.control_hint("A.9.2.1").contains("2013"));
        assert!(c.control_hint("A.12.4").contains("2013"));
        assert!(c.control_hint("5.2").contains("clause"));
        assert!(c.clause_hint("A.5.1").contains("control"));
        assert_eq!(c.clause_hint("6.1.4"), "did you mean `6.1.1`?");
    }
}
