//! Did-you-means: the closest of the names a value could have been, for the hints of
//! unknown names and keys. Kept apart because every stage suggests names the same way.

/// Closest candidate to `wrong` by edit distance, if it is close enough to be a plausible typo.
pub fn did_you_mean<'a, I>(wrong: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let lower = wrong.to_lowercase();
    let limit = (lower.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| {
            let cl = c.to_lowercase();
            let distance = strsim::damerau_levenshtein(&lower, &cl);
            let length_gap = lower.len().abs_diff(cl.len());
            // Among equally distant candidates, prefer the one with the same letters (a swap).
            let unlikeness = ((1.0 - strsim::jaro_winkler(&lower, &cl)) * 1e6) as u64;
            ((distance, length_gap, unlikeness), c)
        })
        .filter(|((distance, _, _), _)| *distance <= limit)
        .min()
        .map(|(_, c)| c)
}

/// Reads serde's "unknown field `x`, expected one of `a`, `b`" and suggests the closest field.
pub fn unknown_field_hint(message: &str) -> Option<(String, String)> {
    let start = message.find("unknown field `")?;
    let rest = &message[start + "unknown field `".len()..];
    let (field, rest) = rest.split_once('`')?;
    let expected: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    let hint = match did_you_mean(field, expected.iter().copied()) {
        Some(best) => format!("did you mean `{best}`?"),
        None if expected.is_empty() => "remove this key".to_string(),
        None => format!("the keys allowed here are: {}", expected.join(", ")),
    };
    Some((field.to_string(), hint))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_field_suggests_closest() {
        let (field, hint) =
            unknown_field_hint("unknown field `titel`, expected one of `id`, `title`, `type`")
                .unwrap();
        assert_eq!(field, "titel");
        assert_eq!(hint, "did you mean `title`?");
        let (_, hint) =
            unknown_field_hint("unknown field `zzz`, expected one of `id`, `title`").unwrap();
        assert_eq!(hint, "the keys allowed here are: id, title");
    }

    #[test]
    fn did_you_mean_ignores_distant_candidates() {
        assert_eq!(did_you_mean("A.5.51", ["A.5.15", "A.8.1"]), Some("A.5.15"));
        assert_eq!(did_you_mean("quux", ["A.5.15", "A.8.1"]), None);
    }
}
