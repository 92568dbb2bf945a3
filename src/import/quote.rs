//! One quoting for every string and front-matter value import writes as TOML or YAML, so that
//! each reads back exactly as the source had it, whatever characters it holds.

use super::source::Val;

/// A TOML basic string, which is also a YAML double-quoted string (the same escapes; a byte
/// order mark escaped too, so no editor takes it for one).
pub(super) fn toml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' || c == '\u{feff}' => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A YAML double-quoted string: the escapes of TOML's basic strings, which YAML reads the same.
pub(super) fn yq(s: &str) -> String {
    toml_str(s)
}

fn scalar(v: &Val) -> Option<String> {
    Some(match v {
        Val::Str(s) | Val::Date(s) => yq(s),
        Val::Num(n) => {
            // Keep numbers as numbers only when YAML reads them back the same way.
            if n.parse::<f64>().is_ok_and(|f| f.is_finite()) && !n.contains(['e', 'E']) {
                n.clone()
            } else {
                yq(n)
            }
        }
        Val::Bool(b) => b.to_string(),
        Val::Null => "null".into(),
        Val::List(items) if items.is_empty() => "[]".into(),
        Val::Map(m) if m.is_empty() => "{}".into(),
        _ => return None,
    })
}

pub(super) fn write_val(y: &mut String, depth: usize, key: &str, v: &Val) {
    let pad = "  ".repeat(depth);
    if let Some(s) = scalar(v) {
        y.push_str(&format!("{pad}{}: {s}\n", yq(key)));
        return;
    }
    match v {
        Val::List(items) if items.iter().all(|i| scalar(i).is_some()) => {
            let items: Vec<String> = items.iter().filter_map(scalar).collect();
            y.push_str(&format!("{pad}{}: [{}]\n", yq(key), items.join(", ")));
        }
        Val::List(items) => {
            y.push_str(&format!("{pad}{}:\n", yq(key)));
            for i in items {
                match i {
                    Val::Map(m) if !m.is_empty() => {
                        y.push_str(&format!("{pad}  -\n"));
                        for (k, v) in m {
                            write_val(y, depth + 2, k, v);
                        }
                    }
                    Val::List(_) => {
                        y.push_str(&format!("{pad}  -\n"));
                        write_val_list_item(y, depth + 2, i);
                    }
                    other => {
                        y.push_str(&format!("{pad}  - {}\n", scalar(other).unwrap_or_default()))
                    }
                }
            }
        }
        Val::Map(m) => {
            y.push_str(&format!("{pad}{}:\n", yq(key)));
            for (k, v) in m {
                write_val(y, depth + 1, k, v);
            }
        }
        _ => {}
    }
}

/// A list nested in a list, written as a flow sequence of its text.
fn write_val_list_item(y: &mut String, depth: usize, v: &Val) {
    let pad = "  ".repeat(depth);
    let items: Vec<String> = v.texts().iter().map(|t| yq(t)).collect();
    y.push_str(&format!("{pad}[{}]\n", items.join(", ")));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_quotes_every_string() {
        assert_eq!(yq("1.10"), "\"1.10\"");
        assert_eq!(yq("say \"hi\"\n"), "\"say \\\"hi\\\"\\n\"");
    }
}
