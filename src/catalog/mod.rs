//! The ISO/IEC 27001:2022 catalog: clause ids and Annex A control ids with short titles.
//!
//! The data file is embedded in the binary so that policybook works anywhere. It holds ids,
//! titles and themes only: ISO's control text is copyrighted and stays out.

use std::collections::HashMap;

use serde::Deserialize;

use crate::yaml;

pub(crate) mod framework;

const ISO27001_2022: &str = include_str!("iso27001_2022.yaml");

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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalog {
    edition: String,
    clauses: Vec<(String, String)>,
    themes: Vec<RawTheme>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTheme {
    id: String,
    title: String,
    controls: Vec<(String, String)>,
}

impl Catalog {
    /// The built-in ISO/IEC 27001:2022 catalog.
    pub fn iso27001_2022() -> Catalog {
        let raw: RawCatalog =
            yaml::from_str(ISO27001_2022).expect("the embedded catalog is valid YAML");
        Catalog::from_raw(raw)
    }

    fn from_raw(raw: RawCatalog) -> Catalog {
        let mut clauses: Vec<Clause> = Vec::with_capacity(raw.clauses.len());
        let mut clause_index = HashMap::new();
        for (id, title) in raw.clauses {
            let parent = id
                .rsplit_once('.')
                .and_then(|(p, _)| clause_index.get(p).copied());
            let depth = id.matches('.').count();
            clause_index.insert(id.clone(), clauses.len());
            clauses.push(Clause {
                id,
                title,
                parent,
                depth,
            });
        }
        let mut themes = Vec::new();
        let mut controls = Vec::new();
        let mut control_index = HashMap::new();
        for (t, raw_theme) in raw.themes.into_iter().enumerate() {
            themes.push(Theme {
                id: raw_theme.id,
                title: raw_theme.title,
            });
            for (id, title) in raw_theme.controls {
                control_index.insert(id.clone(), controls.len());
                controls.push(Control {
                    id,
                    title,
                    theme: t,
                });
            }
        }
        Catalog {
            edition: raw.edition,
            clauses,
            themes,
            controls,
            clause_index,
            control_index,
        }
    }

    pub fn clause(&self, id: &str) -> Option<usize> {
        self.clause_index.get(id).copied()
    }

    pub fn control(&self, id: &str) -> Option<usize> {
        self.control_index.get(id).copied()
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
