//! A table as an XLSX workbook: bold frozen header row, autofilter, sensible column widths.
//! Cells are always written as text, so nothing in them runs as a formula. The document's
//! creation date is the build's as-of date, so the same input gives the same bytes.

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};

use super::Table;

pub(super) fn workbook(
    title: &str,
    sheet_name: &str,
    table: &Table,
    as_of: NaiveDate,
) -> anyhow::Result<Vec<u8>> {
    let mut book = Workbook::new();
    let created = ExcelDateTime::from_ymd(
        as_of.year().clamp(1900, 9999) as u16,
        as_of.month() as u8,
        as_of.day() as u8,
    )?;
    book.set_properties(
        &DocProperties::new()
            .set_title(title)
            .set_creation_datetime(&created),
    );
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name)?;
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    for (col, name) in table.header.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *name, &bold)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        for (col, cell) in row.iter().enumerate() {
            sheet.write_string_with_format(r as u32 + 1, col as u16, cell, &wrap)?;
        }
    }
    for col in 0..table.header.len() {
        let longest = table
            .rows
            .iter()
            .map(|r| r[col].chars().count())
            .chain(std::iter::once(table.header[col].len()))
            .max()
            .unwrap_or(10);
        sheet.set_column_width(col as u16, (longest as f64 + 2.0).clamp(8.0, 60.0))?;
    }
    sheet.set_freeze_panes(1, 0)?;
    let last_col = table.header.len().saturating_sub(1) as u16;
    sheet.autofilter(0, 0, table.rows.len() as u32, last_col)?;
    Ok(book.save_to_buffer()?)
}
