//! The frameworks a book can name: ISO/IEC 27001:2022 (the [`Catalog`]), the built-in ones and
//! the book's own under `frameworks/`, with the crosswalk rows among them (the built-in 2013 ->
//! 2022 correspondence and the book's `crosswalks/*.csv`).
//!
//! Read once per check; everything after it names a requirement by [`ReqRef`], indices into
//! [`Frameworks::list`], so that coverage can flow along crosswalk rows between any two
//! frameworks, ISO/IEC 27001:2022 included.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::crosswalk::{split_qualified, Crosswalk, Relationship};
use super::framework::{self, Framework, Requirement};
use super::Catalog;
use crate::diagnostic::{did_you_mean, Code, Diagnostic, Span};

/// The id that qualifies an ISO/IEC 27001:2022 clause or control: `iso27001-2022:A.5.15`.
pub(crate) const ISO27001_2022: &str = "iso27001-2022";
/// Where a book keeps its own frameworks and crosswalks, beside `book.toml`.
pub(crate) const FRAMEWORKS_DIR: &str = "frameworks";
pub(crate) const CROSSWALKS_DIR: &str = "crosswalks";

/// A requirement of one of the book's frameworks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub(crate) struct ReqRef {
    /// Index into [`Frameworks::list`].
    pub framework: usize,
    /// Index into that framework's requirements.
    pub requirement: usize,
}

/// A crosswalk row with both ends resolved.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Link {
    pub from: ReqRef,
    pub to: ReqRef,
    pub relationship: Relationship,
    /// Who says so: the row's `source`, else its file's.
    pub source: String,
}

/// Every framework the book can name, and how their requirements stand to each other.
#[derive(Debug, Clone)]
pub(crate) struct Frameworks {
    /// ISO/IEC 27001:2022 first, then the built-in frameworks, then the book's own by id.
    pub list: Vec<Framework>,
    /// Per framework: its requirements' page names (unique within the framework, safe in a
    /// path), in the requirements' order.
    pub slugs: Vec<Vec<String>>,
    /// Per framework: defined by a file of the book (not built in).
    pub own: Vec<bool>,
    pub links: Vec<Link>,
    /// The frameworks of `[frameworks] use`, in its order.
    pub declared: Vec<usize>,
    /// `[frameworks.excluded]`: requirements out of the book's scope, with the reason.
    pub excluded: BTreeMap<ReqRef, String>,
    /// Frameworks named by the book's own crosswalks.
    pub crosswalked: Vec<usize>,
    index: HashMap<String, usize>,
}

impl Frameworks {
    /// The framework called `id`.
    pub(crate) fn get(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    pub(crate) fn requirement(&self, r: ReqRef) -> &Requirement {
        &self.list[r.framework].requirements[r.requirement]
    }

    /// `nist-csf-2.0:PR.AA-01`.
    pub(crate) fn qualified(&self, r: ReqRef) -> String {
        format!("{}:{}", self.list[r.framework].id, self.requirement(r).id)
    }

    /// The site path of a requirement's page: `frameworks/nist-csf-2.0/PR.AA-01.html`.
    pub(crate) fn page(&self, r: ReqRef) -> String {
        format!(
            "{}/{}.html",
            self.folder(r.framework),
            self.slugs[r.framework][r.requirement]
        )
    }

    /// The site folder of a framework's pages: `frameworks/nist-csf-2.0`.
    pub(crate) fn folder(&self, framework: usize) -> String {
        format!("{FRAMEWORKS_DIR}/{}", self.list[framework].id)
    }

    /// The requirement that `written` (`framework:id`) names, or what to tell the user.
    pub(crate) fn resolve(&self, written: &str) -> Result<ReqRef, Unresolved> {
        let Some((fw, id)) = split_qualified(written) else {
            return Err(Unresolved::NotQualified);
        };
        let (fw, id) = (fw.trim(), id.trim());
        let Some(framework) = self.get(fw) else {
            return Err(Unresolved::Framework {
                hint: self.framework_hint(fw),
            });
        };
        let f = &self.list[framework];
        match f.requirement(id) {
            Some(requirement) => Ok(ReqRef {
                framework,
                requirement,
            }),
            None => Err(Unresolved::Requirement {
                framework,
                hint: requirement_hint(f, id),
            }),
        }
    }

    /// What to tell a user who wrote the framework id `wrong`.
    pub(crate) fn framework_hint(&self, wrong: &str) -> String {
        let ids = self.list.iter().map(|f| f.id.as_str());
        // `nist-csf` for `nist-csf-2.0`, `soc2` for `soc2-2017`: the id without its version.
        let lower = wrong.to_lowercase();
        let extended = (self.list.iter().map(|f| f.id.as_str()))
            .filter(|id| id.starts_with(&lower))
            .min_by_key(|id| id.len());
        match extended.or_else(|| did_you_mean(wrong, ids)) {
            Some(best) => format!("did you mean `{best}`?"),
            None => {
                let known: Vec<&str> = self.list.iter().map(|f| f.id.as_str()).collect();
                format!(
                    "the frameworks are {}; a book adds its own as `{FRAMEWORKS_DIR}/<id>.yaml`",
                    known.join(", ")
                )
            }
        }
    }

    /// A requirement's children, in order.
    pub(crate) fn children(&self, r: ReqRef) -> impl Iterator<Item = ReqRef> + '_ {
        let f = &self.list[r.framework];
        (f.requirements.iter().enumerate())
            .filter(move |(_, c)| c.parent == Some(r.requirement))
            .map(move |(i, _)| ReqRef {
                framework: r.framework,
                requirement: i,
            })
    }

    /// The reason a requirement is out of scope: its own exclusion or its nearest excluded
    /// ancestor's.
    pub(crate) fn exclusion(&self, r: ReqRef) -> Option<&str> {
        let f = &self.list[r.framework];
        let mut at = Some(r.requirement);
        while let Some(i) = at {
            let here = ReqRef {
                framework: r.framework,
                requirement: i,
            };
            if let Some(reason) = self.excluded.get(&here) {
                return Some(reason);
            }
            at = f.requirements[i].parent;
        }
        None
    }

    /// Identifies everything a body's `[[framework:id]]` link resolves against.
    pub(crate) fn signature(&self) -> u64 {
        let mut h = crate::key::hasher();
        for (f, slugs) in self.list.iter().zip(&self.slugs) {
            std::hash::Hash::hash(&(&f.id, &f.name, slugs), &mut h);
            for r in &f.requirements {
                std::hash::Hash::hash(&(&r.id, &r.title), &mut h);
            }
        }
        std::hash::Hasher::finish(&h)
    }
}

/// Why a qualified id names no requirement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Unresolved {
    /// No `framework:` prefix.
    NotQualified,
    Framework {
        hint: String,
    },
    Requirement {
        framework: usize,
        hint: String,
    },
}

/// Whether `id` can name a framework or crosswalk file (and a folder of the site): lowercase
/// ASCII letters, digits, `.` and `-`, starting with a letter or digit.
pub(crate) fn is_file_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
}

/// What to tell a user who wrote `wrong` as a requirement of `f`.
fn requirement_hint(f: &Framework, wrong: &str) -> String {
    let ids = f.requirements.iter().map(|r| r.id.as_str());
    if let Some(best) = did_you_mean(wrong, ids) {
        return format!("did you mean `{}:{best}`?", f.id);
    }
    // Case or spacing only: `pr.aa-01`.
    let folded = |s: &str| s.to_lowercase().replace(' ', "");
    if let Some(r) = (f.requirements.iter()).find(|r| folded(&r.id) == folded(wrong)) {
        return format!("write it as `{}:{}`", f.id, r.id);
    }
    match (f.requirements.first(), f.requirements.last()) {
        (Some(first), Some(last)) => format!(
            "{} has {} requirements, from `{}` to `{}`; see its page for the list",
            f.name,
            f.requirements.len(),
            first.id,
            last.id
        ),
        _ => format!("{} lists no requirements", f.name),
    }
}

impl Frameworks {
    /// The ISO/IEC 27001:2022 requirement of a catalog clause.
    pub(crate) fn iso_clause(&self, catalog: &Catalog, clause: usize) -> ReqRef {
        self.iso(&catalog.clauses[clause].id)
    }

    /// The ISO/IEC 27001:2022 requirement of a catalog control.
    pub(crate) fn iso_control(&self, catalog: &Catalog, control: usize) -> ReqRef {
        self.iso(&catalog.controls[control].id)
    }

    fn iso(&self, id: &str) -> ReqRef {
        ReqRef {
            framework: 0,
            requirement: (self.list[0].requirement(id))
                .unwrap_or_else(|| panic!("{id} is in the catalog and its framework file")),
        }
    }

    /// Only the built-in frameworks and crosswalk: what a book without `frameworks/`,
    /// `crosswalks/` and `[frameworks]` can name. Read once per process (`serve` checks often).
    pub(crate) fn builtin() -> Frameworks {
        static ONCE: std::sync::OnceLock<Frameworks> = std::sync::OnceLock::new();
        ONCE.get_or_init(Frameworks::read_builtin).clone()
    }

    fn read_builtin() -> Frameworks {
        // ISO/IEC 27001:2022 first: it is the one unqualified ids mean.
        let list: Vec<Framework> = std::iter::once(ISO27001_2022)
            .chain(framework::builtin_ids().filter(|&id| id != ISO27001_2022))
            .filter_map(Framework::builtin)
            .collect();
        let own = vec![false; list.len()];
        let mut frameworks = Frameworks::new(list, own);
        let walk = Crosswalk::iso27001_2013_to_2022();
        for row in walk.rows {
            let (Ok(from), Ok(to)) = (frameworks.resolve(&row.from), frameworks.resolve(&row.to))
            else {
                panic!("the built-in crosswalk names {} or {}", row.from, row.to);
            };
            frameworks.links.push(Link {
                from,
                to,
                relationship: row.relationship,
                source: "ISO/IEC 27002:2022 Annex B".into(),
            });
        }
        frameworks
    }

    /// Adds a framework of the book's own (its id checked free by the caller).
    pub(super) fn add_own(&mut self, f: Framework) {
        self.index.insert(f.id.clone(), self.list.len());
        self.slugs.push(slugs(&f));
        self.list.push(f);
        self.own.push(true);
    }

    fn new(list: Vec<Framework>, own: Vec<bool>) -> Frameworks {
        let index = (list.iter().enumerate())
            .map(|(i, f)| (f.id.clone(), i))
            .collect();
        let slugs = list.iter().map(slugs).collect();
        Frameworks {
            list,
            slugs,
            own,
            links: Vec::new(),
            declared: Vec::new(),
            excluded: BTreeMap::new(),
            crosswalked: Vec::new(),
            index,
        }
    }
}

/// Page names for a framework's requirements: the id where it is safe in a path (letters,
/// digits, `.`, `-`, `_`), other characters as `-`, and a number added where two would meet
/// or where the name is one of the framework's own pages (`index`, `matrix`, `matrix-2`).
fn slugs(f: &Framework) -> Vec<String> {
    let mut taken: HashMap<String, usize> = HashMap::new();
    (f.requirements.iter())
        .map(|r| {
            let mut slug = String::with_capacity(r.id.len());
            for c in r.id.chars() {
                let keep = c.is_alphanumeric() || matches!(c, '.' | '-' | '_');
                let c = if keep { c } else { '-' };
                if !(c == '-' && slug.ends_with('-')) {
                    slug.push(c);
                }
            }
            let mut slug = slug.trim_matches(['-', '.']).to_string();
            if slug.is_empty() {
                slug = "requirement".into();
            }
            let lower = slug.to_lowercase();
            let own_page = lower == "index"
                || lower.strip_prefix("matrix").is_some_and(|rest| {
                    rest.is_empty()
                        || rest
                            .strip_prefix('-')
                            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
                });
            let n = taken.entry(lower.clone()).or_insert(usize::from(own_page));
            *n += 1;
            if *n > 1 {
                slug = format!("{slug}-{n}");
                taken.insert(slug.to_lowercase(), 1);
            }
            slug
        })
        .collect()
}

/// The diagnostic for a qualified id that names nothing, at `span`.
pub(crate) fn unresolved(
    frameworks: &Frameworks,
    written: &str,
    e: Unresolved,
    span: Span,
) -> Diagnostic {
    unresolved_nowhere(frameworks, written, e).at(span)
}

pub(super) fn unresolved_nowhere(
    frameworks: &Frameworks,
    written: &str,
    e: Unresolved,
) -> Diagnostic {
    match e {
        Unresolved::NotQualified => Diagnostic::error(
            Code::UnknownRequirement,
            format!("`{written}` names no framework"),
        )
        .hint("write a requirement as `framework:id`, e.g. `nist-csf-2.0:PR.AA-01`"),
        Unresolved::Framework { hint } => {
            let fw = split_qualified(written).map_or(written, |(fw, _)| fw);
            Diagnostic::error(
                Code::UnknownFramework,
                format!("`{fw}` is not a framework of this book"),
            )
            .hint(hint)
        }
        Unresolved::Requirement { framework, hint } => Diagnostic::error(
            Code::UnknownRequirement,
            format!(
                "`{}` is not a requirement of {}",
                split_qualified(written).map_or(written, |(_, id)| id.trim()),
                frameworks.list[framework].name
            ),
        )
        .hint(hint),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso27001_2022_is_framework_zero_with_clauses_themes_and_controls() {
        let catalog = Catalog::iso27001_2022();
        let f = Frameworks::builtin();
        assert_eq!(f.list[0].id, ISO27001_2022);
        let a515 = f.resolve("iso27001-2022:A.5.15").unwrap();
        assert_eq!(
            a515,
            f.iso_control(&catalog, catalog.control("A.5.15").unwrap())
        );
        assert_eq!(f.requirement(a515).kind, "control");
        let parent = f.requirement(a515).parent.unwrap();
        assert_eq!(f.list[0].requirements[parent].id, "A.5");
        let c52 = f.resolve("iso27001-2022:5.2").unwrap();
        assert_eq!(c52, f.iso_clause(&catalog, catalog.clause("5.2").unwrap()));
        let ids: Vec<&str> = f.list.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "iso27001-2022",
                "nist-csf-2.0",
                "iso27001-2013",
                "iso42001-2023"
            ]
        );
        // The 2013 -> 2022 correspondence is there, resolved.
        assert_eq!(f.links.len(), 115);
    }

    #[test]
    fn qualified_ids_resolve_or_say_what_is_wrong() {
        let f = Frameworks::builtin();
        let r = f.resolve("nist-csf-2.0:PR.AA-01").unwrap();
        assert_eq!(f.qualified(r), "nist-csf-2.0:PR.AA-01");
        assert_eq!(f.page(r), "frameworks/nist-csf-2.0/PR.AA-01.html");
        assert_eq!(
            f.resolve("nist-csf-2:PR.AA-01"),
            Err(Unresolved::Framework {
                hint: "did you mean `nist-csf-2.0`?".into()
            })
        );
        assert_eq!(
            f.resolve("nist-csf-2.0:PR.AA-1"),
            Err(Unresolved::Requirement {
                framework: 1,
                hint: "did you mean `nist-csf-2.0:PR.AA-01`?".into()
            })
        );
        assert_eq!(f.resolve("A.5.15"), Err(Unresolved::NotQualified));
    }

    #[test]
    fn slugs_are_safe_and_unique() {
        let requirements = [
            "AC-2(1)", "AC-2 1", "ac-2-1", "§ 3/4", "::", "Index", "matrix-3", "matrix-x",
        ]
        .iter()
        .enumerate()
        .map(|(i, id)| Requirement {
            id: id.to_string(),
            title: None,
            parent: None,
            kind: "control".into(),
            order: i,
        })
        .collect();
        let f = Framework::new("t", "T", "1", "P", "L", requirements);
        assert_eq!(
            slugs(&f),
            [
                "AC-2-1",
                "AC-2-1-2",
                "ac-2-1-3",
                "3-4",
                "requirement",
                "Index-2",
                "matrix-3-2",
                "matrix-x"
            ]
        );
    }
}
