//! The new book's `book.toml`: the site's configuration translated (title, language, values of
//! its variables) and every placeholder of the bodies declared, so that the book builds as it is.

use std::collections::{BTreeMap, BTreeSet};

use super::quote::toml_str;
use super::report::{Report, VariableNote};
use super::source::Site;
use super::templates::is_site_template_name;

/// The `book.toml` of the new book; each variable it declares is also noted in the report.
pub(super) fn book_toml(
    site: &Site,
    variables: &BTreeMap<String, (String, BTreeSet<String>)>,
    report: &mut Report,
) -> String {
    // Variables: the site's configuration gives a value where it has one (Jekyll's
    // `_config.yml`); other organisation placeholders become TODO; other site-template names
    // keep their text.
    let organisation: Vec<&String> = variables
        .keys()
        .filter(|n| site.values.contains_key(*n) || !is_site_template_name(n))
        .collect();
    let mut toml_vars = String::new();
    if !organisation.is_empty() {
        toml_vars
            .push_str("\n# Placeholders found in the bodies: fill in each value.\n[variables]\n");
        for (name, (tag, docs)) in variables {
            let value = if let Some(configured) = site.values.get(name) {
                configured.clone()
            } else if is_site_template_name(name) {
                tag.clone()
            } else {
                "TODO".into()
            };
            toml_vars.push_str(&format!("{} = {}\n", toml_str(name), toml_str(&value)));
            report.variables.push(VariableNote {
                name: name.clone(),
                value,
                documents: docs.iter().cloned().collect(),
            });
        }
    }
    let title = site.title.clone().unwrap_or_else(|| report.source.clone());
    // A language tag only (`ja`, `en-GB`): it becomes every page's `lang`.
    let language = site
        .language
        .as_deref()
        .filter(|l| {
            !l.is_empty()
                && l.len() <= 35
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        .map(|l| format!("language = {}\n", toml_str(l)))
        .unwrap_or_default();
    let book_toml = format!(
        "[book]\ntitle = {}\ndescription = {}\n{language}\n[build]\ncontent-dir = \"content\"\noutput-dir = \"book\"\n{toml_vars}",
        toml_str(&title),
        toml_str(&format!("Imported from {} ({}) by policybook import; see IMPORT-REPORT.md.", report.source, site.style.as_str())),
    );
    book_toml
}
