//! Where each requirement of a framework YAML file is, so that its errors point at the value
//! (serde_yaml places only its own errors).

use super::*;

/// Byte offset of the first line that is neither blank nor a comment (where a missing key goes).
pub(super) fn first_content_line(text: &str) -> usize {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if !t.is_empty() && !t.starts_with('#') {
            return offset;
        }
        offset += line.len();
    }
    0
}

/// Where one entry of `requirements:` is written: its `id` and `parent` values (the entry's
/// dash, or the `requirements` key, when they cannot be found).
pub(super) struct Place {
    pub(super) id: Range<usize>,
    pub(super) parent: Range<usize>,
}

/// The places of the `count` entries of the top-level `requirements:` list, found by reading
/// the text (serde_yaml tells where its own errors are, not where values are). A list written
/// in flow style (`[...]`) places every entry at the key.
pub(super) fn requirement_places(text: &str, count: usize) -> Vec<Place> {
    let key = key_range(text, "requirements", 0).unwrap_or(0..0);
    let fallback = || Place {
        id: key.clone(),
        parent: key.clone(),
    };
    let items = list_items(text, key.end);
    if items.len() != count {
        return (0..count).map(|_| fallback()).collect();
    }
    items
        .iter()
        .map(|item| {
            let dash = item.start..item.start + 1;
            let keys = flow_keys(text, item.clone());
            let find = |name: &str| {
                (keys.iter())
                    .find(|(k, _)| *k == name)
                    .map_or(dash.clone(), |(_, v)| v.clone())
            };
            Place {
                id: find("id"),
                parent: find("parent"),
            }
        })
        .collect()
}

/// Byte ranges of the items (`- ...`) of the block list that follows a top-level key ending at
/// `after`: from each item's dash to the next one.
pub(super) fn list_items(text: &str, after: usize) -> Vec<Range<usize>> {
    let mut offset = text[after..]
        .find('\n')
        .map_or(text.len(), |i| after + i + 1);
    let mut starts = Vec::new();
    let mut indent = None;
    let mut end = text.len();
    for line in text[offset..].split_inclusive('\n') {
        let first = line.chars().next().unwrap_or(' ');
        if !first.is_whitespace() && first != '-' && first != '#' {
            end = offset;
            break;
        }
        let trimmed = line.trim_start_matches(' ');
        let depth = line.len() - trimmed.len();
        let is_item = trimmed
            .strip_prefix('-')
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\n', '\r', '\t']));
        if is_item && indent.is_none_or(|i| i == depth) {
            indent = Some(depth);
            starts.push(offset + depth);
        }
        offset += line.len();
    }
    (starts.iter().enumerate())
        .map(|(i, &s)| s..starts.get(i + 1).copied().unwrap_or(end))
        .collect()
}

/// The keys of a mapping written in `range` (flow `{ k: v }` or block `k: v` lines) with the
/// byte range of each value (inside its quotes, if quoted). Quotes and comments are skipped,
/// so a title that contains `id:` is not taken for a key.
pub(super) fn flow_keys(text: &str, range: Range<usize>) -> Vec<(&str, Range<usize>)> {
    let bytes = text.as_bytes();
    let end = range.end;
    let mut keys = Vec::new();
    // Just after the item's dash, a `{`, a `,` or a line's indentation: a key may start here.
    let mut key_position = true;
    let mut i = range.start + 1;
    while i < end {
        match bytes[i] {
            b' ' | b'\t' | b'\r' => i += 1,
            b'\n' => {
                key_position = true;
                i += 1;
            }
            b'#' if i == 0 || bytes[i - 1].is_ascii_whitespace() => {
                i = text[i..end].find('\n').map_or(end, |n| i + n);
            }
            b'{' | b',' => {
                key_position = true;
                i += 1;
            }
            b'"' | b'\'' => {
                i = quoted_end(bytes, i, end);
                key_position = false;
            }
            b if key_position && (b.is_ascii_alphabetic() || b == b'_') => {
                let word_end = (i..end)
                    .find(|&j| {
                        !(bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_' || bytes[j] == b'-')
                    })
                    .unwrap_or(end);
                let mut j = word_end;
                while j < end && bytes[j] == b' ' {
                    j += 1;
                }
                let is_key = j < end
                    && bytes[j] == b':'
                    && (j + 1 == end || b" \t\r\n,}".contains(&bytes[j + 1]));
                key_position = false;
                if !is_key {
                    i = word_end;
                    continue;
                }
                let (value, next) = value_after(text, j + 1, end);
                keys.push((&text[i..word_end], value));
                i = next;
            }
            _ => {
                key_position = false;
                i += 1;
            }
        }
    }
    keys
}

/// The value after a key's colon at `from` (inside quotes, if quoted) and where to read on.
pub(super) fn value_after(text: &str, from: usize, end: usize) -> (Range<usize>, usize) {
    let bytes = text.as_bytes();
    let mut i = from;
    while i < end && (bytes[i] == b' ' || bytes[i] == b'\t') {
        i += 1;
    }
    if i < end && (bytes[i] == b'"' || bytes[i] == b'\'') {
        let close = quoted_end(bytes, i, end);
        let inner_end = if close > i + 1 && close <= end {
            close - 1
        } else {
            close
        };
        return (i + 1..inner_end.max(i + 1), close);
    }
    let mut j = i;
    while j < end && !b",}]\n\r".contains(&bytes[j]) && !(bytes[j] == b'#' && bytes[j - 1] == b' ')
    {
        j += 1;
    }
    let value_end = i + text[i..j].trim_end().len();
    (i..value_end, j)
}

/// Just past the closing quote of the quoted scalar opening at `start` (or `end`).
pub(super) fn quoted_end(bytes: &[u8], start: usize, end: usize) -> usize {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < end {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b if b == quote => return i + 1,
            _ => i += 1,
        }
    }
    end
}
