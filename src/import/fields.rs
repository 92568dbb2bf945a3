//! A page's policybook fields, each with where it came from: the one record that derivation,
//! id assignment and mappings fill in, and that is written out twice, as the page's front
//! matter and as its lines in the report.

use super::quote::{write_val, yq};
use super::report::DocReport;
use super::source::Val;

/// A page's policybook fields and where each came from.
#[derive(Debug, Default)]
pub(crate) struct Derived {
    pub id: String,
    pub id_from: String,
    /// The source's own id, when it had a usable one.
    pub source_id: Option<String>,
    pub rel: String,
    pub title: String,
    pub title_from: String,
    pub kind: &'static str,
    pub kind_from: String,
    pub status: &'static str,
    pub status_from: String,
    pub owner: String,
    pub owner_from: String,
    pub approver: Option<String>,
    pub version: Option<String>,
    pub classification: Option<String>,
    pub effective: Option<String>,
    pub last_reviewed: Option<String>,
    pub review_interval: Option<String>,
    pub review_by: Option<String>,
    pub clauses: Vec<String>,
    pub controls: Vec<String>,
    pub tags: Vec<String>,
    pub aliases: Vec<String>,
    pub extra: Vec<(String, Val)>,
    pub mapped_from_file: bool,
    /// Report lines gathered while deriving.
    pub report: DocReport,
}

impl Derived {
    /// Adds a clause or control once, noting where it came from.
    pub(crate) fn add_ref(&mut self, control: bool, id: String, from: &str) {
        let list = if control {
            &mut self.controls
        } else {
            &mut self.clauses
        };
        if !list.contains(&id) {
            list.push(id.clone());
            self.report.mapping_notes.push(format!("{id} from {from}"));
        }
    }

    /// Copies the derived fields into the page's report.
    pub(crate) fn fill_report(&self, r: &mut DocReport) {
        r.id = self.id.clone();
        r.id_from = self.id_from.clone();
        r.title = self.title.clone();
        r.title_from = self.title_from.clone();
        r.kind = self.kind.into();
        r.type_from = self.kind_from.clone();
        r.status = self.status.into();
        r.status_from = self.status_from.clone();
        r.owner = self.owner.clone();
        r.owner_from = self.owner_from.clone();
        r.fields = self.report.fields.clone();
        r.clauses = sorted_ids(&self.clauses);
        r.controls = sorted_ids(&self.controls);
        r.mapping_notes = self.report.mapping_notes.clone();
        r.extra_keys = self.report.extra_keys.clone();
        r.dropped_keys = self.report.dropped_keys.clone();
        let mut w = self.report.warnings.clone();
        w.append(&mut r.warnings);
        r.warnings = w;
    }

    /// The YAML front matter (without the `---` lines).
    pub(crate) fn yaml(&self) -> String {
        let mut y = String::new();
        let mut line = |k: &str, v: &str| y.push_str(&format!("{k}: {}\n", yq(v)));
        line("id", &self.id);
        line("title", &self.title);
        line("type", self.kind);
        line("status", self.status);
        line("owner", &self.owner);
        for (k, v) in [
            ("approver", &self.approver),
            ("version", &self.version),
            ("classification", &self.classification),
            ("effective", &self.effective),
            ("last_reviewed", &self.last_reviewed),
            ("review_interval", &self.review_interval),
            ("review_by", &self.review_by),
        ] {
            if let Some(v) = v {
                line(k, v);
            }
        }
        let mut list = |k: &str, items: &[String]| {
            if !items.is_empty() {
                let items: Vec<String> = items.iter().map(|i| yq(i)).collect();
                y.push_str(&format!("{k}: [{}]\n", items.join(", ")));
            }
        };
        list("clauses", &sorted_ids(&self.clauses));
        list("controls", &sorted_ids(&self.controls));
        list("tags", &self.tags);
        list("aliases", &self.aliases);
        if !self.extra.is_empty() {
            y.push_str("extra:\n");
            for (k, v) in &self.extra {
                write_val(&mut y, 1, k, v);
            }
        }
        y
    }
}

/// Ids in the standard's order (`A.5.2` before `A.5.10`).
fn sorted_ids(ids: &[String]) -> Vec<String> {
    let mut v = ids.to_vec();
    let key = |s: &String| -> Vec<u32> {
        s.trim_start_matches("A.")
            .split('.')
            .map(|p| p.parse().unwrap_or(0))
            .collect()
    };
    v.sort_by_key(key);
    v
}
