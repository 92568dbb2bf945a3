//! What a document id may be made of: the characters that survive `[[id]]` links and file
//! names, and the ones a reader cannot tell apart by eye (look-alikes, mixed scripts).

/// The first five characters of `id` outside ASCII, each with its code point: what a reader
/// cannot tell apart by eye.
pub fn unusual_characters(id: &str) -> Vec<String> {
    id.chars()
        .filter(|c| !c.is_ascii())
        .take(5)
        .map(|c| format!("`{c}` (U+{:04X})", u32::from(c)))
        .collect()
}

/// True for the characters a document id may hold: they must survive `[[id]]` and file names.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.chars().all(|c| {
            c.is_alphanumeric()
                || c == '-'
                || c == '_'
                || c == '.'
                // Accents typed as combining marks (macOS file names, some keyboards).
                || unicode_normalization::char::is_combining_mark(c)
        })
        && !id.starts_with('.')
}

/// The scripts `id` mixes, in the order they first appear, when it is not written in one
/// writing system: `pоl-002` with a Cyrillic `о` mixes Latin and Cyrillic. Digits, `-`, `_`
/// and `.` go with every script, and Japanese (Han, Hiragana and Katakana), Chinese with
/// Bopomofo and Korean with Han each count as one, also beside Latin: Unicode TR #39 calls
/// such identifiers "highly restrictive".
pub fn mixed_scripts(id: &str) -> Option<Vec<&'static str>> {
    use unicode_script::{Script, UnicodeScript};
    use unicode_security::mixed_script::AugmentedScriptSet;
    use unicode_security::MixedScript;

    if id.is_ascii() || id.is_single_script() {
        return None;
    }
    let mut beyond_latin = AugmentedScriptSet::default();
    for c in id.chars() {
        let set = AugmentedScriptSet::for_char(c);
        if !set.base.contains_script(Script::Latin) {
            beyond_latin.intersect_with(set);
        }
    }
    if beyond_latin.jpan || beyond_latin.kore || beyond_latin.hanb {
        return None;
    }
    let mut scripts: Vec<&'static str> = Vec::new();
    for c in id.chars() {
        let script = c.script();
        if !matches!(script, Script::Common | Script::Inherited | Script::Unknown)
            && !scripts.contains(&script.full_name())
        {
            scripts.push(script.full_name());
        }
    }
    (scripts.len() > 1).then_some(scripts)
}
