//! Book variables: `{{companyShortName}}` in a document body, filled in from `[variables]` in
//! `book.toml` before the body's Markdown is parsed.
//!
//! Template policy sets are written once and published by many organisations, each with its own
//! name, addresses and certifications. The substitution is:
//!
//! - **opt-in**: a book without `[variables]` never gets here, and `{{ }}` in its bodies is text;
//! - **not a language**: `{{name}}`, `{{ name }}`, `{{&name}}` and `{{{name}}}` insert a value,
//!   `{{#flag}}...{{/flag}}` keeps its content when the flag is set and `{{^flag}}...{{/flag}}`
//!   when it is not; nothing else (no loops, partials, comments: they stay as written). A value
//!   is inserted as Markdown source and never scanned again for `{{`;
//! - **mapped back**: the result is a [`Rewritten`](crate::rewrite::Rewritten) text, so link problems and anchors found in
//!   it are reported at the line and column of the file as written; so are this module's own
//!   [`Warning`]s, returned as data for the model to turn into diagnostics.
//!
//! One pass over the body finds the tags, one pairs the sections with a stack, one writes the
//! result: linear in the body's length whatever it contains. Code regions (a pulldown-cmark pass
//! over the body as written) are only looked for when a tag names an undefined variable: inside
//! code, such a tag is an example of a template and stays silently as written.
//!
//! The values of `[variables]` and how `book.toml` gives them are here; filling them into a
//! body is in `substitute`.

mod substitute;

pub(crate) use substitute::{substitute, Problem, Warning};

use std::fmt;
use std::ops::Range;

use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

/// A variable's value, as `book.toml` gives it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Value {
    Text(String),
    Flag(bool),
    /// A number, formatted as TOML read it (`12`, `1.5`).
    Number(String),
}

impl Value {
    /// What `{{name}}` becomes.
    pub fn text(&self) -> &str {
        match self {
            Value::Text(s) | Value::Number(s) => s,
            Value::Flag(true) => "true",
            Value::Flag(false) => "false",
        }
    }

    /// Whether `{{#name}}` keeps its content: `true`, a non-empty text, a number other than 0.
    pub fn is_set(&self) -> bool {
        match self {
            Value::Text(s) => !s.is_empty(),
            Value::Flag(b) => *b,
            Value::Number(s) => s.parse::<f64>() != Ok(0.0),
        }
    }
}

/// A variable of `[variables]`: its value and where the value is in `book.toml`.
#[derive(Debug, Clone, PartialEq)]
pub struct Variable {
    pub value: Value,
    /// Byte range of the value in `book.toml`, for diagnostics about it.
    pub span: Range<usize>,
}

impl<'de> Deserialize<'de> for Variable {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = toml::Spanned::<Value>::deserialize(deserializer)?;
        Ok(Variable {
            span: spanned.span(),
            value: spanned.into_inner(),
        })
    }
}

/// What serde's errors say a variable may be.
const EXPECTED: &str = "a string, a boolean or a number";

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ValueVisitor;

        impl<'de> Visitor<'de> for ValueVisitor {
            type Value = Value;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(EXPECTED)
            }

            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
                Ok(Value::Flag(v))
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
                Ok(Value::Number(v.to_string()))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
                Ok(Value::Number(v.to_string()))
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
                // `{:?}` keeps the `.0` of `3.0`, as it was written.
                Ok(Value::Number(format!("{v:?}")))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
                Ok(Value::Text(v.to_string()))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
                Ok(Value::Text(v))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Value, A::Error> {
                Err(de::Error::custom(format!(
                    "a variable is {EXPECTED}, not an array"
                )))
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
                // toml hands dates and times over as a map with one private key.
                let key: Option<String> = map.next_key().ok().flatten();
                let what = match key {
                    Some(k) if k.starts_with("$__toml_private") => "a date or time",
                    _ => "a table",
                };
                Err(de::Error::custom(format!(
                    "a variable is {EXPECTED}, not {what}"
                )))
            }
        }

        deserializer.deserialize_any(ValueVisitor)
    }
}

/// Whether `name` may name a variable: letters, digits, `_`, `-` and `.`, at least one.
pub(crate) fn is_valid_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(is_name_char)
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_letters_digits_and_a_few_marks() {
        assert!(is_valid_name("company.short-name_2"));
        assert!(is_valid_name("société"));
        assert!(!is_valid_name(""));
        assert!(!is_valid_name("a b"));
        assert!(!is_valid_name("a}}"));
    }

    #[test]
    fn numbers_and_flags() {
        assert!(!Value::Number("0".into()).is_set());
        assert!(Value::Number("12".into()).is_set());
        assert!(!Value::Flag(false).is_set());
        assert!(Value::Text("x".into()).is_set());
    }
}
