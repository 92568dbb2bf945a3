//! The OSCAL JSON read, as far as the import needs it; everything else is skipped.

use super::*;

#[derive(Deserialize)]
pub(super) struct Document {
    pub(super) catalog: Catalog,
}

/// `catalog`: its `controls` and `groups` kept together in document order.
pub(super) struct Catalog {
    pub(super) uuid: Option<String>,
    pub(super) metadata: Option<Metadata>,
    pub(super) children: Vec<Child>,
}

#[derive(Default, Deserialize)]
pub(super) struct Metadata {
    pub(super) title: Option<String>,
    pub(super) version: Option<String>,
    #[serde(rename = "last-modified")]
    pub(super) last_modified: Option<String>,
    #[serde(rename = "oscal-version")]
    pub(super) oscal_version: Option<String>,
    #[serde(default)]
    parties: Vec<Party>,
    #[serde(default, rename = "responsible-parties")]
    responsible_parties: Vec<ResponsibleParty>,
    #[serde(default)]
    links: Vec<Link>,
}

#[derive(Deserialize)]
pub(super) struct Party {
    pub(super) uuid: String,
    name: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct ResponsibleParty {
    #[serde(rename = "role-id")]
    role_id: String,
    #[serde(default, rename = "party-uuids")]
    party_uuids: Vec<String>,
}

#[derive(Deserialize)]
pub(super) struct Link {
    href: Option<String>,
    rel: Option<String>,
    text: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct Prop {
    name: String,
    value: String,
    ns: Option<String>,
    pub(super) class: Option<String>,
}

impl Prop {
    /// Whether this is OSCAL's property `name` (not a namesake in someone's namespace).
    fn is(&self, name: &str) -> bool {
        self.name == name
            && self
                .ns
                .as_deref()
                .is_none_or(|ns| ns.trim_end_matches('/') == OSCAL_NS)
    }
}

impl Metadata {
    /// The names of the parties in the role `publisher`, else `creator`.
    pub(super) fn publisher(&self) -> Option<String> {
        let names: HashMap<&str, &str> = (self.parties.iter())
            .filter_map(|p| Some((p.uuid.as_str(), p.name.as_deref()?.trim())))
            .filter(|(_, n)| !n.is_empty())
            .collect();
        ["publisher", "creator"].iter().find_map(|role| {
            let mut found: Vec<&str> = Vec::new();
            let parties = self
                .responsible_parties
                .iter()
                .filter(|r| r.role_id == *role);
            for uuid in parties.flat_map(|r| &r.party_uuids) {
                if let Some(name) = names.get(uuid.as_str()) {
                    if !found.contains(name) {
                        found.push(name);
                    }
                }
            }
            (!found.is_empty()).then(|| plain(&found.join(", ")))
        })
    }

    /// The catalog's licence link: its text and address.
    pub(super) fn licence(&self) -> Option<String> {
        let link = self.links.iter().find(|l| {
            l.rel.as_deref().is_some_and(|r| {
                r.eq_ignore_ascii_case("license") || r.eq_ignore_ascii_case("licence")
            })
        })?;
        let text = link.text.as_deref().map(plain).filter(|t| !t.is_empty());
        let href = link
            .href
            .as_deref()
            .map(str::trim)
            .filter(|h| !h.is_empty());
        match (text, href) {
            (Some(text), Some(href)) => Some(format!("{text} ({href})")),
            (Some(text), None) => Some(text),
            (None, Some(href)) => Some(href.to_string()),
            (None, None) => None,
        }
    }
}

/// A group or a control, which the catalog's tree holds in document order.
pub(super) struct Child {
    group: bool,
    pub(super) node: Node,
}

impl Child {
    pub(super) fn what(&self) -> &'static str {
        if self.group {
            "group"
        } else {
            "control"
        }
    }
}

pub(super) struct Node {
    pub(super) id: Option<String>,
    pub(super) class: Option<String>,
    pub(super) title: Option<String>,
    props: Vec<Prop>,
    pub(super) children: Vec<Child>,
}

impl Node {
    pub(super) fn is_withdrawn(&self) -> bool {
        (self.props.iter())
            .any(|p| p.is("status") && p.value.trim().eq_ignore_ascii_case("withdrawn"))
    }

    /// Its `label`: one without a `class` first (NIST gives 800-53A's `AC-01` a class).
    pub(super) fn label(&self) -> Option<&str> {
        let labels = || (self.props.iter()).filter(|p| p.is("label") && !p.value.trim().is_empty());
        let p = labels()
            .find(|p| p.class.is_none())
            .or_else(|| labels().next())?;
        Some(p.value.trim())
    }

    /// This node and everything under it.
    pub(super) fn size(&self) -> usize {
        1 + self.children.iter().map(|c| c.node.size()).sum::<usize>()
    }
}

/// Reads `groups` and `controls` members, wherever they stand, into one list in document order
/// (serde_json's maps would lose the order between the two); other members are skipped.
pub(super) fn child_lists<'de, A: MapAccess<'de>>(
    key: &str,
    map: &mut A,
    children: &mut Vec<Child>,
) -> Result<bool, A::Error> {
    let group = match key {
        "groups" => true,
        "controls" => false,
        _ => return Ok(false),
    };
    let nodes: Vec<Node> = map.next_value()?;
    children.extend(nodes.into_iter().map(|node| Child { group, node }));
    Ok(true)
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NodeVisitor;
        impl<'de> Visitor<'de> for NodeVisitor {
            type Value = Node;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an OSCAL group or control")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
                let mut node = Node {
                    id: None,
                    class: None,
                    title: None,
                    props: Vec::new(),
                    children: Vec::new(),
                };
                while let Some(key) = map.next_key::<String>()? {
                    if child_lists(&key, &mut map, &mut node.children)? {
                        continue;
                    }
                    match key.as_str() {
                        "id" => node.id = map.next_value()?,
                        "class" => node.class = map.next_value()?,
                        "title" => node.title = map.next_value()?,
                        "props" => {
                            node.props = map.next_value::<Option<Vec<Prop>>>()?.unwrap_or_default()
                        }
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(node)
            }
        }
        deserializer.deserialize_map(NodeVisitor)
    }
}

impl<'de> Deserialize<'de> for Catalog {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct CatalogVisitor;
        impl<'de> Visitor<'de> for CatalogVisitor {
            type Value = Catalog;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an OSCAL catalog")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Catalog, A::Error> {
                let mut catalog = Catalog {
                    uuid: None,
                    metadata: None,
                    children: Vec::new(),
                };
                while let Some(key) = map.next_key::<String>()? {
                    if child_lists(&key, &mut map, &mut catalog.children)? {
                        continue;
                    }
                    match key.as_str() {
                        "uuid" => catalog.uuid = map.next_value()?,
                        "metadata" => catalog.metadata = map.next_value()?,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(catalog)
            }
        }
        deserializer.deserialize_map(CatalogVisitor)
    }
}
