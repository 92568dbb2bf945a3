//! Raw front matter -> typed fields, one key at a time: each value checked (enums, dates,
//! intervals, references with their spans), each problem a diagnostic at the value.

use super::*;

pub(super) struct Resolver<'a> {
    pub(super) file: FileId,
    pub(super) split: &'a Split<'a>,
    pub(super) diagnostics: Vec<Diagnostic>,
}

impl Resolver<'_> {
    pub(super) fn span(&self, yaml_range: std::ops::Range<usize>) -> Span {
        Span {
            file: self.file,
            range: self.split.yaml_start + yaml_range.start..self.split.yaml_start + yaml_range.end,
        }
    }

    /// Where a key's value is written, or the opening `---` when the key is absent.
    pub(super) fn value_span(&self, key: &str) -> Span {
        match value_range(self.split.yaml, key) {
            Some(r) => self.span(r),
            None => Span {
                file: self.file,
                range: 0..3,
            },
        }
    }

    pub(super) fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    pub(super) fn required(
        &mut self,
        value: Option<Text>,
        key: &str,
        what: &str,
    ) -> Option<String> {
        match value
            .map(|v| v.0.trim().to_string())
            .filter(|v| !v.is_empty())
        {
            Some(v) => Some(v),
            None => {
                let span = self.value_span(key);
                self.diagnostics.push(
                    Diagnostic::error(
                        Code::MissingField,
                        format!("the front matter has no `{key}`"),
                    )
                    .at(span)
                    .hint(format!("add `{key}:`, {what}")),
                );
                None
            }
        }
    }

    pub(super) fn check_id(&mut self, id: &str) {
        if !is_valid_id(id) {
            let span = self.value_span("id");
            self.diagnostics.push(
                Diagnostic::error(
                    Code::InvalidId,
                    format!("`{id}` is not a valid document id"),
                )
                .at(span)
                .hint("use letters, digits, `-`, `_` and `.` only, e.g. `POL-AC-001`"),
            );
        } else if let Some(scripts) = mixed_scripts(id) {
            let span = self.value_span("id");
            let odd = unusual_characters(id);
            self.diagnostics.push(
                Diagnostic::warning(
                    Code::MixedScriptId,
                    format!("the id `{id}` mixes the {} scripts", scripts.join(" and ")),
                )
                .at(span)
                .hint(format!(
                    "letters of another script can look the same and make a different id; write the id in one script (it holds {})",
                    odd.join(", ")
                )),
            );
        }
    }

    pub(super) fn choice<T: Copy>(
        &mut self,
        value: &Text,
        key: &str,
        all: &[T],
        name: fn(T) -> &'static str,
    ) -> Option<T> {
        let v = value.0.trim();
        if let Some(found) = all.iter().find(|x| name(**x).eq_ignore_ascii_case(v)) {
            return Some(*found);
        }
        let names: Vec<&str> = all.iter().map(|x| name(*x)).collect();
        let hint = match did_you_mean(v, names.iter().copied()) {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!("`{key}` is one of: {}", names.join(", ")),
        };
        let span = self.value_span(key);
        self.diagnostics.push(
            Diagnostic::error(Code::InvalidValue, format!("`{v}` is not a valid {key}"))
                .at(span)
                .hint(hint),
        );
        None
    }

    pub(super) fn interval(&mut self, value: &Text, key: &str) -> Option<Interval> {
        let parsed = Interval::parse(&value.0);
        if parsed.is_none() {
            let span = self.value_span(key);
            self.diagnostics.push(
                Diagnostic::error(
                    Code::InvalidInterval,
                    format!("`{}` is not a review interval", value.0.trim()),
                )
                .at(span)
                .hint(
                    "write a number and a unit, e.g. `12 months`, `1 year`, `6 weeks` or `90 days`",
                ),
            );
        }
        parsed
    }

    /// The next review date and the key it comes from: `review_by` when written, else
    /// `last_reviewed` (or, failing that, `approved_on` or `effective`) plus `review_interval`.
    pub(super) fn review_due(
        &mut self,
        review_by: Option<NaiveDate>,
        last_reviewed: Option<NaiveDate>,
        interval: Option<Interval>,
        approved_on: Option<NaiveDate>,
        effective: Option<NaiveDate>,
    ) -> (Option<NaiveDate>, &'static str) {
        let written = |key| value_range(self.split.yaml, key).is_some();
        let (base, base_key) = match (last_reviewed, approved_on, effective) {
            (Some(d), _, _) => (Some(d), "last_reviewed"),
            (None, Some(d), _) => (Some(d), "approved_on"),
            (None, None, Some(d)) => (Some(d), "effective"),
            _ => (None, "last_reviewed"),
        };
        let computed = match (base, interval) {
            (Some(b), Some(i)) => i.after(b),
            _ => None,
        };
        if interval.is_some() && base.is_none() && review_by.is_none() {
            let span = self.value_span("review_interval");
            self.diagnostics.push(
                Diagnostic::warning(
                    Code::IntervalWithoutDate,
                    "`review_interval` is set, but there is no date to count it from",
                )
                .at(span)
                .hint("add `last_reviewed: YYYY-MM-DD` (the date of the last review)"),
            );
        }
        if last_reviewed.is_some() && interval.is_none() && !written("review_by") {
            let span = self.value_span("last_reviewed");
            self.diagnostics.push(
                Diagnostic::warning(
                    Code::NoReviewInterval,
                    "`last_reviewed` is set, but without `review_interval` no next review date follows",
                )
                .at(span)
                .hint("add `review_interval: 12 months` (or write the date as `review_by`)"),
            );
        }
        match (review_by, computed) {
            (Some(rb), Some(c)) if rb != c => {
                let span = self.value_span("review_by");
                self.diagnostics.push(
                    Diagnostic::warning(
                        Code::ReviewDatesDisagree,
                        format!(
                            "`review_by` is {rb}, but `{base_key}` plus `review_interval` gives {c}"
                        ),
                    )
                    .at(span)
                    .hint("keep one of them: `review_by` is used"),
                );
                (Some(rb), "review_by")
            }
            (Some(rb), _) => (Some(rb), "review_by"),
            (None, Some(c)) => (Some(c), base_key),
            (None, None) => (None, "review_by"),
        }
    }

    pub(super) fn date(&mut self, value: Option<Text>, key: &str) -> Option<NaiveDate> {
        let v = value?.0;
        let v = v.trim();
        if v.is_empty() {
            return None;
        }
        let parsed = (v.len() == 10)
            .then(|| NaiveDate::parse_from_str(v, "%Y-%m-%d").ok())
            .flatten();
        if parsed.is_none() {
            let span = self.value_span(key);
            self.diagnostics.push(
                Diagnostic::error(
                    Code::InvalidDate,
                    format!("`{v}` is not a valid date for `{key}`"),
                )
                .at(span)
                .hint("write dates as YYYY-MM-DD, e.g. 2026-01-15"),
            );
        }
        parsed
    }

    pub(super) fn refs(&mut self, values: Option<Vec<Text>>, key: &str) -> Vec<Ref> {
        let values: Vec<String> = values
            .unwrap_or_default()
            .into_iter()
            .map(|v| v.0.trim().to_string())
            .collect();
        let targets: Vec<&str> = values.iter().map(String::as_str).collect();
        let ranges = item_ranges(self.split.yaml, key, &targets);
        let fallback = self.value_span(key);
        values
            .iter()
            .zip(ranges)
            .filter(|(v, _)| !v.is_empty())
            .map(|(v, r)| Ref {
                target: v.clone(),
                span: r.map_or_else(|| fallback.clone(), |r| self.span(r)),
            })
            .collect()
    }
}
