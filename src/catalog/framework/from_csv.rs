//! A framework as CSV: the provenance header in `#` comments, a header row, a requirement per
//! row (see the module above for the format).

use super::*;

impl Framework {
    /// Reads a framework CSV file (a book's `frameworks/<id>.csv`): the provenance header in
    /// `#` comments, a header row, one requirement per row (see the module documentation).
    pub(crate) fn parse_csv(id: &str, text: &str) -> Result<Framework, FrameworkError> {
        let (base, text) = match text.strip_prefix('\u{feff}') {
            Some(rest) => ('\u{feff}'.len_utf8(), rest),
            None => (0, text),
        };
        let error = |range: Range<usize>, problem, hint: Option<String>| {
            FrameworkError::at(text, base, range, problem, hint)
        };
        let header =
            csv_header_fields(text).map_err(|(range, problem)| error(range, problem, None))?;
        let mut reader = csv::ReaderBuilder::new()
            .comment(Some(b'#'))
            .flexible(true)
            .from_reader(text.as_bytes());
        let csv_error = |e: csv::Error| {
            let at = e
                .position()
                .map_or(0, |p| p.byte() as usize)
                .min(text.len());
            let message = match e.kind() {
                csv::ErrorKind::Utf8 { .. } => "this row is not valid UTF-8".to_string(),
                _ => e.to_string(),
            };
            error(at..at, FrameworkProblem::Csv(message), None)
        };
        let headers = reader.headers().map_err(csv_error)?.clone();
        let header_at = header.row;
        let mut columns: [Option<usize>; 4] = [None; 4];
        for (i, cell) in headers.iter().enumerate() {
            let name = cell.trim().to_lowercase();
            let at = || csv_cell_range(text, header_at, i);
            match CSV_COLUMNS.iter().position(|c| *c == name) {
                Some(c) if columns[c].is_some() => {
                    return Err(error(
                        at(),
                        FrameworkProblem::DuplicateColumn(name),
                        Some("remove one of the two columns".into()),
                    ))
                }
                Some(c) => columns[c] = Some(i),
                None => {
                    let hint = match did_you_mean(&name, CSV_COLUMNS) {
                        Some(best) => format!(
                            "did you mean `{best}`? The columns are `id`, `title`, `parent` and `kind`, in any order"
                        ),
                        None => "the columns are `id`, `title`, `parent` and `kind`, in any order"
                            .to_string(),
                    };
                    return Err(error(
                        at(),
                        FrameworkProblem::UnknownColumn(name),
                        Some(hint),
                    ));
                }
            }
        }
        let [Some(id_column), title_column, parent_column, kind_column] = columns else {
            return Err(error(
                header_at..header_at,
                FrameworkProblem::MissingIdColumn,
                Some(
                    "the first line that is not a `#` comment is the header row, e.g. \
                     `id,title,parent`"
                        .into(),
                ),
            ));
        };
        let [name, version, publisher, licence] = header.fields;
        let Some(licence) = licence.filter(|l| !l.trim().is_empty()) else {
            let hint = if header.saw_license {
                "write `# licence: ...` (spelt as in the YAML files) above the header row"
            } else {
                "say under what terms the ids and titles may be used: add a comment line above \
                 the header row, e.g. `# licence: ids and our own short titles`"
            };
            return Err(error(
                header_at..header_at,
                FrameworkProblem::MissingField("licence"),
                Some(hint.into()),
            ));
        };
        let facts = Facts {
            name: name
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| id.to_string()),
            version: version.unwrap_or_default(),
            publisher: publisher.unwrap_or_default(),
            licence,
        };
        let mut entries = Vec::new();
        for record in reader.records() {
            let record = record.map_err(csv_error)?;
            let start = past_comments(text, record.position().map_or(0, |p| p.byte() as usize));
            if record.len() > headers.len() {
                return Err(error(
                    csv_cell_range(text, start, headers.len()),
                    FrameworkProblem::ExtraCell {
                        columns: headers.len(),
                    },
                    Some("a cell holding a comma is written in double quotes: `\"Access, and more\"`".into()),
                ));
            }
            let cell = |column: Option<usize>| {
                column
                    .and_then(|c| record.get(c))
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .map(str::to_string)
            };
            let at = |column: Option<usize>| match column {
                Some(c) => csv_cell_range(text, start, c),
                None => start..start,
            };
            entries.push(Entry {
                id: cell(Some(id_column)).unwrap_or_default(),
                title: cell(title_column),
                parent: cell(parent_column),
                kind: cell(kind_column),
                id_at: at(Some(id_column)),
                parent_at: at(parent_column),
            });
        }
        build(id, facts, entries, text, base)
    }
}

/// The provenance facts of a CSV's comment header ([`CSV_FIELDS`] order), and whether a
/// `# license:` line was seen (spelt as the YAML files do not).
pub(super) struct CsvHeader {
    fields: [Option<String>; 4],
    saw_license: bool,
    /// Byte offset of the header row.
    row: usize,
}

/// Reads the `# key: value` lines before the header row.
pub(super) fn csv_header_fields(text: &str) -> Result<CsvHeader, (Range<usize>, FrameworkProblem)> {
    let mut header = CsvHeader {
        fields: Default::default(),
        saw_license: false,
        row: text.len(),
    };
    let mut first_lines = [0usize; 4];
    let mut offset = 0;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let content = line.trim_end_matches(['\n', '\r']);
        if content.trim().is_empty() {
            offset += line.len();
            continue;
        }
        let Some(comment) = content.strip_prefix('#') else {
            header.row = offset;
            break;
        };
        if let Some((key, value)) = comment.split_once(':') {
            let key_name = key.trim().to_lowercase();
            if let Some(f) = CSV_FIELDS.iter().position(|f| *f == key_name) {
                if header.fields[f].is_some() {
                    let key_start = offset + 1 + (key.len() - key.trim_start().len());
                    return Err((
                        key_start..key_start + key.trim().len(),
                        FrameworkProblem::DuplicateField {
                            field: CSV_FIELDS[f],
                            first_line: first_lines[f],
                        },
                    ));
                }
                header.fields[f] = Some(value.trim().to_string());
                first_lines[f] = n + 1;
            } else if key_name == "license" {
                header.saw_license = true;
            }
        }
        offset += line.len();
    }
    Ok(header)
}

/// The first byte at or after `at` that starts neither a blank line nor a `#` comment line: the
/// csv crate places a record where it began reading, before the comments it skipped.
pub(super) fn past_comments(text: &str, at: usize) -> usize {
    let mut offset = at.min(text.len());
    while offset < text.len() {
        let line_end = text[offset..]
            .find('\n')
            .map_or(text.len(), |i| offset + i + 1);
        let line = &text[offset..line_end];
        if !(line.trim_end_matches(['\r', '\n']).is_empty() || line.starts_with('#')) {
            break;
        }
        offset = line_end;
    }
    offset
}

/// Byte range of cell `index` of the CSV record starting at `start` (the record's end when it
/// has fewer cells), without the spaces before it.
pub(super) fn csv_cell_range(text: &str, start: usize, index: usize) -> Range<usize> {
    let bytes = text.as_bytes();
    let mut i = start.min(bytes.len());
    let mut cell = 0;
    loop {
        while i < bytes.len() && bytes[i] == b' ' {
            i += 1;
        }
        let cell_start = i;
        if bytes.get(i) == Some(&b'"') {
            i += 1;
            while i < bytes.len() {
                match bytes[i] {
                    b'"' if bytes.get(i + 1) == Some(&b'"') => i += 2,
                    b'"' => {
                        i += 1;
                        break;
                    }
                    _ => i += 1,
                }
            }
        }
        while i < bytes.len() && !b",\n\r".contains(&bytes[i]) {
            i += 1;
        }
        if cell == index || bytes.get(i) != Some(&b',') {
            let cell_end = cell_start + text[cell_start..i].trim_end().len();
            return if cell == index {
                cell_start..cell_end
            } else {
                i..i
            };
        }
        i += 1;
        cell += 1;
    }
}
