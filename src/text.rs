//! Text files as policybook reads them: UTF-8, a byte order mark dropped (Windows editors
//! write one), and where the text stops being UTF-8, for a located diagnostic. One reader for
//! book.toml, soa.yaml and the documents.

/// Text of a file without its UTF-8 byte-order mark; on invalid UTF-8, the lossy text and
/// the byte offset (in that text) of the first bad byte.
pub fn decode(bytes: Vec<u8>) -> (String, Option<usize>) {
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    match String::from_utf8(bytes) {
        Ok(text) => (text, None),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            (
                String::from_utf8_lossy(e.as_bytes()).into_owned(),
                Some(valid),
            )
        }
    }
}

/// Replaces every U+0000 in `text` with U+FFFD, as CommonMark asks: no page, title or value
/// carries a NUL (YAML's `"\0"`, TOML's `"\u0000"` and a raw byte all write one).
pub(crate) fn replace_nul(text: &mut String) {
    if text.contains('\0') {
        *text = text.replace('\0', "\u{FFFD}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_strips_bom_and_finds_bad_bytes() {
        assert_eq!(
            decode(b"\xEF\xBB\xBF---\n".to_vec()),
            ("---\n".into(), None)
        );
        let (text, at) = decode(b"ab\ncd\xFFe".to_vec());
        assert_eq!(at, Some(5));
        assert!(text.starts_with("ab\ncd"));
    }

    #[test]
    fn nul_becomes_the_replacement_character() {
        let mut text = String::from("a\0b");
        replace_nul(&mut text);
        assert_eq!(text, "a\u{FFFD}b");
    }
}
