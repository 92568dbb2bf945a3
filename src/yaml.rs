//! The one place that talks to serde_yaml (archived upstream, so kept behind this wall).
//!
//! YAML's traps are handled here on purpose: [`Text`] accepts only strings, so a bare
//! `version: 1.10` or `clauses: [6.1]` is rejected instead of silently becoming `1.1`.

use std::fmt;

use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde::Deserialize;

/// A YAML problem, with a 1-based line and column relative to the YAML text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct YamlError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Message prefix of a [`Text`] that got a number or a boolean; callers turn it into a "quote it" hint.
pub(crate) const NOT_TEXT: &str = "expected text in quotes, found";

/// Parses `text` strictly into `T`.
pub(crate) fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    serde_yaml::from_str(text).map_err(|e| {
        let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
        YamlError {
            line,
            column,
            message: clean_message(&e.to_string()),
        }
    })
}

/// serde_yaml appends " at line N column M" to messages; we report the place ourselves.
fn clean_message(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// `text` with U+0000 (which YAML's `"\0"` writes) as U+FFFD, so no page carries it.
fn valid_text(mut text: String) -> String {
    crate::text::replace_nul(&mut text);
    text
}

/// A scalar that must be a string in the YAML, never a number, boolean or null.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Text(pub String);

impl Text {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;

        impl Visitor<'_> for TextVisitor {
            type Value = Text;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("text")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(valid_text(v.to_string())))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<Text, E> {
                Ok(Text(valid_text(v)))
            }

            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Text, E> {
                Err(E::custom(format!("{NOT_TEXT} the boolean {v}")))
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
                Err(E::custom(format!("{NOT_TEXT} the number {v}")))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
                Err(E::custom(format!("{NOT_TEXT} the number {v}")))
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text, E> {
                Err(E::custom(format!("{NOT_TEXT} the number {v}")))
            }
        }

        deserializer.deserialize_any(TextVisitor)
    }
}

/// A value of a document's `extra:` mapping: the organisation's own fields, any YAML. Scalars
/// are kept as text (a bare number as YAML reads it: quote `"1.10"` to keep it exactly).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ExtraValue {
    Text(String),
    List(Vec<ExtraValue>),
    Map(Extra),
    Null,
}

/// `extra:`: keys in the order written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Extra(pub Vec<(String, ExtraValue)>);

impl ExtraValue {
    /// One line for people: lists joined by commas, mappings as `key: value` pairs.
    pub fn display(&self) -> String {
        match self {
            ExtraValue::Text(t) => t.clone(),
            ExtraValue::Null => "—".into(),
            ExtraValue::List(items) => items
                .iter()
                .map(ExtraValue::display)
                .collect::<Vec<_>>()
                .join(", "),
            ExtraValue::Map(m) => {
                m.0.iter()
                    .map(|(k, v)| format!("{k}: {}", v.display()))
                    .collect::<Vec<_>>()
                    .join("; ")
            }
        }
    }
}

impl serde::Serialize for ExtraValue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ExtraValue::Text(t) => s.serialize_str(t),
            ExtraValue::List(items) => items.serialize(s),
            ExtraValue::Map(m) => m.serialize(s),
            ExtraValue::Null => s.serialize_none(),
        }
    }
}

impl serde::Serialize for Extra {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

struct ExtraVisitor;

impl<'de> Visitor<'de> for ExtraVisitor {
    type Value = ExtraValue;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<ExtraValue, E> {
        Ok(ExtraValue::Text(valid_text(v.to_string())))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<ExtraValue, E> {
        Ok(ExtraValue::Text(v.to_string()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<ExtraValue, E> {
        Ok(ExtraValue::Text(v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<ExtraValue, E> {
        Ok(ExtraValue::Text(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<ExtraValue, E> {
        Ok(ExtraValue::Text(v.to_string()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<ExtraValue, E> {
        Ok(ExtraValue::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<ExtraValue, E> {
        Ok(ExtraValue::Null)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<ExtraValue, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<ExtraValue>()? {
            items.push(item);
        }
        Ok(ExtraValue::List(items))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<ExtraValue, A::Error> {
        let mut entries: Vec<(String, ExtraValue)> = Vec::new();
        while let Some(key) = map.next_key::<ExtraValue>()? {
            let key = key.display();
            let value = map.next_value::<ExtraValue>()?;
            if entries.iter().any(|(k, _)| *k == key) {
                return Err(de::Error::custom(format!("duplicate field `{key}`")));
            }
            entries.push((key, value));
        }
        Ok(ExtraValue::Map(Extra(entries)))
    }
}

impl<'de> Deserialize<'de> for ExtraValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ExtraVisitor)
    }
}

impl<'de> Deserialize<'de> for Extra {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match ExtraValue::deserialize(deserializer)? {
            ExtraValue::Map(m) => Ok(m),
            ExtraValue::Null => Ok(Extra::default()),
            _ => Err(de::Error::custom(
                "`extra` must be a mapping of your own fields, e.g. `extra:` then `  department: Finance` on the next line",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct T {
        version: Option<Text>,
        clauses: Option<Vec<Text>>,
    }

    #[test]
    fn quoted_version_is_kept_exactly() {
        let t: T = from_str("version: \"1.10\"\nclauses: ['6.1']\n").unwrap();
        assert_eq!(t.version.unwrap().0, "1.10");
        assert_eq!(t.clauses.unwrap()[0].0, "6.1");
    }

    #[test]
    fn bare_numbers_are_rejected_where_they_stand() {
        let e = from_str::<T>("version: 1.10\n").unwrap_err();
        assert!(e.message.contains(NOT_TEXT), "{e:?}");
        assert_eq!((e.line, e.column), (1, 10));
        let e = from_str::<T>("version: '1'\nclauses: [5.2, 6.1]\n").unwrap_err();
        assert!(e.message.contains(NOT_TEXT), "{e:?}");
        assert_eq!(e.line, 2);
    }

    #[test]
    fn unknown_and_duplicate_keys_are_errors() {
        let e = from_str::<T>("versoin: '1'\n").unwrap_err();
        assert!(e.message.contains("unknown field `versoin`"), "{e:?}");
        assert_eq!(e.line, 1);
        let e = from_str::<T>("version: '1'\nversion: '2'\n").unwrap_err();
        // serde_yaml places a duplicate at its mapping; front_matter finds the second key.
        assert!(e.message.contains("duplicate field `version`"), "{e:?}");
    }

    #[test]
    fn booleans_are_not_text() {
        let e = from_str::<T>("version: true\n").unwrap_err();
        assert!(e.message.contains("boolean"), "{e:?}");
        // YAML 1.2: `yes` and `on` are plain strings.
        let t: T = from_str("version: yes\n").unwrap();
        assert_eq!(t.version.unwrap().0, "yes");
    }

    #[test]
    fn extra_keeps_any_yaml_in_order() {
        #[derive(Debug, Deserialize)]
        struct E {
            extra: Extra,
        }
        let e: E = from_str(
            "extra:\n  zone: EU\n  reviewers: [Ann, Bo]\n  sla: {hours: 4}\n  audited: true\n",
        )
        .unwrap();
        let keys: Vec<&str> = e.extra.0.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["zone", "reviewers", "sla", "audited"]);
        assert_eq!(e.extra.0[1].1.display(), "Ann, Bo");
        assert_eq!(e.extra.0[2].1.display(), "hours: 4");
        assert_eq!(e.extra.0[3].1.display(), "true");
        assert!(from_str::<E>("extra: [a]\n").is_err());
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut y = String::from("a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n");
        for i in 0..9 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("b{}", i - 1)
            };
            y.push_str(&format!(
                "b{i}: &b{i} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
            ));
        }
        assert!(from_str::<serde_yaml::Value>(&y).is_err());
    }
}
