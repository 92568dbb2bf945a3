//! Frameworks other than ISO/IEC 27001:2022: catalogs of requirement ids a book can map its
//! documents to (their crosswalks are in [`super::crosswalk`]).
//!
//! A book may answer to more than one framework (NIST CSF 2.0 beside ISO 27001, or the 2013
//! numbering during a transition). Each built-in framework is one YAML file in `frameworks/`,
//! embedded in the binary and named by its id; its header says where the data comes from and how
//! it was checked. The files hold ids, short titles and the tree only: ISO's text stays out.
//! [`Catalog`](super::Catalog) keeps serving the 2022 edition as before.
//!
//! [`super::crosswalk::Iso27001_2013`] puts the 2013 Annex A and the crosswalk to 2022 to work:
//! front matter may name a control by its 2013 id. The rest (other frameworks, coverage pages)
//! waits for the frameworks feature.

use std::collections::HashMap;
use std::fmt;

use serde::Deserialize;

use crate::yaml::{self, Text, YamlError};

/// The built-in frameworks: id (the file's name) and YAML text.
const BUILTIN: &[(&str, &str)] = &[
    (
        "iso27001-2022",
        include_str!("frameworks/iso27001-2022.yaml"),
    ),
    ("nist-csf-2.0", include_str!("frameworks/nist-csf-2.0.yaml")),
    (
        "iso27001-2013",
        include_str!("frameworks/iso27001-2013.yaml"),
    ),
    (
        "iso42001-2023",
        include_str!("frameworks/iso42001-2023.yaml"),
    ),
];

/// A catalog of requirements (functions, clauses, controls, ...) in the framework's own order.
#[derive(Debug, Clone)]
// `id`, `name`, `version`, `publisher`, `licence` are for the frameworks feature's pages; only tests read them yet.
#[allow(dead_code)]
pub(crate) struct Framework {
    /// Short name used in data and URLs: `nist-csf-2.0`.
    pub id: String,
    pub name: String,
    pub version: String,
    pub publisher: String,
    /// Under what terms the data may be shipped.
    pub licence: String,
    pub requirements: Vec<Requirement>,
    index: HashMap<String, usize>,
}

/// One node of a framework's tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Requirement {
    pub id: String,
    /// `None` where no title is shipped.
    pub title: Option<String>,
    /// Index into [`Framework::requirements`] of the enclosing requirement.
    pub parent: Option<usize>,
    /// What the framework calls this level: `function`, `category`, `subcategory`, `clause`,
    /// `objective`, `group`, `control`, ...
    pub kind: String,
    /// Position in the file, from 0; the same as the index.
    pub order: usize,
}

/// Why a framework file was refused; each names the offending id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FrameworkError {
    Yaml(YamlError),
    EmptyId {
        position: usize,
    },
    DuplicateId(String),
    /// `parent` is not an id listed before `id` (parents come before their children).
    UnknownParent {
        id: String,
        parent: String,
    },
}

impl fmt::Display for FrameworkError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            FrameworkError::Yaml(e) => write!(f, "line {}: {}", e.line, e.message),
            FrameworkError::EmptyId { position } => {
                write!(f, "requirement {} has an empty id", position + 1)
            }
            FrameworkError::DuplicateId(id) => write!(f, "`{id}` is listed twice"),
            FrameworkError::UnknownParent { id, parent } => write!(
                f,
                "`{id}` names the parent `{parent}`, which is not listed before it"
            ),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFramework {
    name: Text,
    version: Text,
    publisher: Text,
    licence: Text,
    requirements: Vec<RawRequirement>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRequirement {
    id: Text,
    #[serde(default)]
    title: Option<Text>,
    #[serde(default)]
    parent: Option<Text>,
    kind: Text,
}

impl Framework {
    /// The built-in framework called `id`, if there is one.
    pub(crate) fn builtin(id: &str) -> Option<Framework> {
        let (id, text) = BUILTIN.iter().find(|(name, _)| *name == id)?;
        match Framework::parse(id, text) {
            Ok(framework) => Some(framework),
            Err(e) => panic!("the embedded framework {id} is invalid: {e}"),
        }
    }

    /// Reads a framework file; `id` is the framework's id (its file name).
    pub(crate) fn parse(id: &str, text: &str) -> Result<Framework, FrameworkError> {
        let raw: RawFramework = yaml::from_str(text).map_err(FrameworkError::Yaml)?;
        let mut requirements = Vec::with_capacity(raw.requirements.len());
        let mut index = HashMap::with_capacity(raw.requirements.len());
        for (order, r) in raw.requirements.into_iter().enumerate() {
            let rid = r.id.0.trim().to_string();
            if rid.is_empty() {
                return Err(FrameworkError::EmptyId { position: order });
            }
            let parent = match r.parent {
                None => None,
                Some(p) => match index.get(p.as_str().trim()) {
                    Some(&i) => Some(i),
                    None => {
                        return Err(FrameworkError::UnknownParent {
                            id: rid,
                            parent: p.0,
                        })
                    }
                },
            };
            if index.insert(rid.clone(), order).is_some() {
                return Err(FrameworkError::DuplicateId(rid));
            }
            requirements.push(Requirement {
                id: rid,
                title: r.title.map(|t| t.0).filter(|t| !t.trim().is_empty()),
                parent,
                kind: r.kind.0,
                order,
            });
        }
        Ok(Framework {
            id: id.to_string(),
            name: raw.name.0,
            version: raw.version.0,
            publisher: raw.publisher.0,
            licence: raw.licence.0,
            requirements,
            index,
        })
    }

    /// Index of the requirement with this exact id.
    pub(crate) fn requirement(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// How many requirements are of this kind.
    #[allow(dead_code)] // For the frameworks feature's coverage pages; only tests call it yet.
    pub(crate) fn count(&self, kind: &str) -> usize {
        self.requirements.iter().filter(|r| r.kind == kind).count()
    }
}

impl Framework {
    /// A framework made in code (ISO/IEC 27001:2022 from its catalog, tests).
    pub(crate) fn new(
        id: &str,
        name: &str,
        version: &str,
        publisher: &str,
        licence: &str,
        requirements: Vec<Requirement>,
    ) -> Framework {
        let index = (requirements.iter().enumerate())
            .map(|(i, r)| (r.id.clone(), i))
            .collect();
        Framework {
            id: id.into(),
            name: name.into(),
            version: version.into(),
            publisher: publisher.into(),
            licence: licence.into(),
            requirements,
            index,
        }
    }
}

/// Reads a book's framework file.
pub(crate) fn parse_file(id: &str, text: &str) -> Result<Framework, FrameworkError> {
    Framework::parse(id, text)
}

impl FrameworkError {
    /// 1-based line and column of the problem in the file.
    pub(crate) fn place(&self) -> (usize, usize) {
        match self {
            FrameworkError::Yaml(e) => (e.line, e.column),
            _ => (1, 1),
        }
    }

    /// What to do about it.
    pub(crate) fn hint(&self) -> String {
        "a framework file holds `name`, `version`, `publisher`, `licence` and `requirements` \
         (each with `id`, `title`, and `parent` for all but the top level)"
            .into()
    }
}

/// Ids of the built-in frameworks, in a fixed order.
#[allow(dead_code)] // For the frameworks feature's book setting; only tests call it yet.
pub(crate) fn builtin_ids() -> impl Iterator<Item = &'static str> {
    BUILTIN.iter().map(|(id, _)| *id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use std::collections::HashSet;

    fn builtin(id: &str) -> Framework {
        Framework::builtin(id).unwrap_or_else(|| panic!("{id} is built in"))
    }
    /// Ids unique, each parent listed before its child, and `order` its index.
    fn assert_tree(f: &Framework) {
        let ids: HashSet<&str> = f.requirements.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids.len(), f.requirements.len(), "{}: ids are unique", f.id);
        for (i, r) in f.requirements.iter().enumerate() {
            assert_eq!(r.order, i);
            assert_eq!(f.requirement(&r.id), Some(i));
            if let Some(p) = r.parent {
                assert!(p < i, "{}: {} comes after its parent", f.id, r.id);
            }
        }
    }
    /// `id` exists, with this title, under `parent`.
    fn assert_node(f: &Framework, id: &str, title: &str, parent: Option<&str>) {
        let r = &f.requirements[f.requirement(id).unwrap_or_else(|| panic!("{id} exists"))];
        assert_eq!(r.title.as_deref(), Some(title), "{id}");
        assert_eq!(
            r.parent.map(|p| f.requirements[p].id.as_str()),
            parent,
            "{id}"
        );
    }
    #[test]
    fn every_builtin_framework_parses_into_a_tree() {
        let ids: Vec<&str> = builtin_ids().collect();
        assert_eq!(
            ids,
            [
                "iso27001-2022",
                "nist-csf-2.0",
                "iso27001-2013",
                "iso42001-2023"
            ]
        );
        for id in ids {
            let f = builtin(id);
            assert_eq!(f.id, id);
            assert!(!f.name.is_empty() && !f.licence.is_empty(), "{id}");
            assert_tree(&f);
            assert!(f.requirements.iter().all(|r| r.title.is_some()), "{id}");
        }
        assert!(Framework::builtin("soc2").is_none());
    }
    #[test]
    fn iso27001_2022_has_41_clauses_4_themes_93_controls() {
        let f = builtin("iso27001-2022");
        assert_eq!(f.count("clause"), 41);
        assert_eq!(f.count("theme"), 4);
        assert_eq!(f.count("control"), 93);
        assert_eq!(f.requirements.len(), 138);
        assert_node(&f, "A.5", "Organizational controls", None);
        assert_node(&f, "A.8.24", "Use of cryptography", Some("A.8"));
        assert_node(
            &f,
            "6.1.2",
            "Information security risk assessment",
            Some("6.1"),
        );
    }
    #[test]
    fn nist_csf_2_has_6_functions_22_categories_106_subcategories() {
        let f = builtin("nist-csf-2.0");
        assert_eq!(f.count("function"), 6);
        assert_eq!(f.count("category"), 22);
        assert_eq!(f.count("subcategory"), 106);
        assert_eq!(f.requirements.len(), 134);
        let functions: Vec<&str> = (f.requirements.iter())
            .filter(|r| r.kind == "function")
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(functions, ["GV", "ID", "PR", "DE", "RS", "RC"]);
        for r in &f.requirements {
            let parent = r.parent.map(|p| &f.requirements[p]);
            match r.kind.as_str() {
                "function" => assert!(parent.is_none()),
                "category" => assert_eq!(parent.unwrap().kind, "function", "{}", r.id),
                "subcategory" => {
                    let parent = parent.unwrap();
                    assert_eq!(parent.kind, "category", "{}", r.id);
                    assert!(r.id.starts_with(&format!("{}-", parent.id)), "{}", r.id);
                }
                other => panic!("unexpected kind {other}"),
            }
        }
        assert_node(&f, "PR", "Protect", None);
        assert_node(&f, "GV.OC", "Organizational Context", Some("GV"));
        assert_node(
            &f,
            "PR.AA",
            "Identity Management, Authentication, and Access Control",
            Some("PR"),
        );
        assert_node(
            &f,
            "PR.AA-01",
            "Identities and credentials for authorized users, services, and hardware are \
             managed by the organization",
            Some("PR.AA"),
        );
        assert_node(&f, "RS.MI-02", "Incidents are eradicated", Some("RS.MI"));
        // Withdrawn in 2.0: not listed.
        for gone in ["ID.AM-06", "ID.BE", "PR.AC-01", "DE.AE-01", "PR.PT"] {
            assert!(f.requirement(gone).is_none(), "{gone}");
        }
    }
    #[test]
    fn iso27001_2013_has_14_clauses_35_objectives_114_controls() {
        let f = builtin("iso27001-2013");
        assert_eq!(f.count("clause"), 14);
        assert_eq!(f.count("objective"), 35);
        assert_eq!(f.count("control"), 114);
        assert_eq!(f.requirements.len(), 163);
        // The tree follows the numbering: A.9.2.1 under A.9.2 under A.9.
        for r in &f.requirements {
            let expected = r.id.rsplit_once('.').map(|(p, _)| p).filter(|p| *p != "A");
            let parent = r.parent.map(|p| f.requirements[p].id.as_str());
            assert_eq!(parent, expected, "{}", r.id);
        }
        let per_clause: Vec<usize> = (5..=18)
            .map(|c| {
                let prefix = format!("A.{c}.");
                (f.requirements.iter())
                    .filter(|r| r.kind == "control" && r.id.starts_with(&prefix))
                    .count()
            })
            .collect();
        assert_eq!(per_clause, [2, 7, 6, 10, 14, 2, 15, 14, 7, 13, 5, 7, 4, 8]);
        assert_node(&f, "A.9", "Access control", None);
        assert_node(&f, "A.9.2", "User access management", Some("A.9"));
        assert_node(
            &f,
            "A.9.2.1",
            "User registration and de-registration",
            Some("A.9.2"),
        );
        assert_node(
            &f,
            "A.12.6.1",
            "Management of technical vulnerabilities",
            Some("A.12.6"),
        );
        assert_node(
            &f,
            "A.18.2.3",
            "Technical compliance review",
            Some("A.18.2"),
        );
    }
    #[test]
    fn iso42001_2023_has_clauses_4_to_10_and_38_annex_a_controls() {
        let f = builtin("iso42001-2023");
        assert_eq!(f.count("objective"), 9);
        assert_eq!(f.count("group"), 2);
        assert_eq!(f.count("control"), 38);
        let top: Vec<&str> = (f.requirements.iter())
            .filter(|r| r.kind == "clause" && r.parent.is_none())
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(top, ["4", "5", "6", "7", "8", "9", "10"]);
        // The clauses share 27001:2022's numbering (harmonized structure), plus 6.1.4 and 8.4.
        let clauses: HashSet<&str> = (f.requirements.iter())
            .filter(|r| r.kind == "clause")
            .map(|r| r.id.as_str())
            .collect();
        let catalog = Catalog::iso27001_2022();
        let iso27001: HashSet<&str> = catalog.clauses.iter().map(|c| c.id.as_str()).collect();
        let extra: Vec<&str> = {
            let mut v: Vec<&str> = clauses.difference(&iso27001).copied().collect();
            v.sort();
            v
        };
        assert_eq!(extra, ["6.1.4", "8.4"]);
        assert!(iso27001.is_subset(&clauses));
        let per_objective: Vec<usize> = (2..=10)
            .map(|o| {
                let prefix = format!("A.{o}.");
                (f.requirements.iter())
                    .filter(|r| r.kind == "control" && r.id.starts_with(&prefix))
                    .count()
            })
            .collect();
        assert_eq!(per_objective, [3, 2, 5, 4, 9, 5, 4, 3, 3]);
        assert_node(&f, "6.1.2", "AI risk assessment", Some("6.1"));
        assert_node(&f, "A.6", "AI system life cycle", None);
        assert_node(&f, "A.6.2", "AI system life cycle", Some("A.6"));
        assert_node(
            &f,
            "A.6.2.4",
            "AI system verification and validation",
            Some("A.6.2"),
        );
        assert_node(&f, "A.10.2", "Allocating responsibilities", Some("A.10"));
    }
    #[test]
    fn a_parent_must_be_listed_before_its_child() {
        let text = "name: T\nversion: \"1\"\npublisher: P\nlicence: L\nrequirements:\n  \
                    - { id: B, parent: A, kind: control }\n  - { id: A, kind: clause }\n";
        assert_eq!(
            Framework::parse("t", text).unwrap_err(),
            FrameworkError::UnknownParent {
                id: "B".into(),
                parent: "A".into()
            }
        );
    }
    #[test]
    fn a_duplicate_id_is_refused_by_name() {
        let text = "name: T\nversion: \"1\"\npublisher: P\nlicence: L\nrequirements:\n  \
                    - { id: A, title: One, kind: clause }\n  - { id: A, kind: clause }\n";
        let err = Framework::parse("t", text).unwrap_err();
        assert_eq!(err, FrameworkError::DuplicateId("A".into()));
        assert_eq!(err.to_string(), "`A` is listed twice");
    }
    #[test]
    fn numbers_and_unknown_fields_are_yaml_errors() {
        let number = "name: T\nversion: 1.10\npublisher: P\nlicence: L\nrequirements: []\n";
        assert!(matches!(
            Framework::parse("t", number),
            Err(FrameworkError::Yaml(e)) if e.message.contains(yaml::NOT_TEXT)
        ));
        let unknown = "name: T\nversion: \"1\"\npublisher: P\nlicence: L\nrequirements:\n  \
                       - { id: A, kind: clause, colour: red }\n";
        assert!(matches!(
            Framework::parse("t", unknown),
            Err(FrameworkError::Yaml(_))
        ));
    }
    #[test]
    fn a_missing_or_blank_title_is_none() {
        let text = "name: T\nversion: \"1\"\npublisher: P\nlicence: L\nrequirements:\n  \
                    - { id: A, kind: clause }\n  - { id: B, title: \" \", parent: A, kind: control }\n";
        let f = Framework::parse("t", text).unwrap();
        assert_eq!(f.requirements[0].title, None);
        assert_eq!(f.requirements[1].title, None);
        assert_eq!(f.requirements[1].parent, Some(0));
    }
}
