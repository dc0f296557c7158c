//! Reading the sheets of an XLSForm workbook into rows of named cells.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};

use super::problem::Problem;

/// One sheet: its header row's column keys and its non-blank rows.
#[derive(Debug, Clone, Default)]
pub(super) struct Sheet {
    /// Column keys in header order (see [`column_key`]).
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
}

/// One row: its number in the sheet (1-based, as a spreadsheet shows it) and its
/// non-empty cells by column key.
#[derive(Debug, Clone, Default)]
pub(super) struct Row {
    pub number: u32,
    pub cells: BTreeMap<String, String>,
}

impl Row {
    /// The trimmed text of a column, `None` when empty.
    pub fn get(&self, column: &str) -> Option<&str> {
        self.cells
            .get(column)
            .map(|s| s.as_str())
            .filter(|s| !s.is_empty())
    }
}

/// The key of a header: its base lowercased, spaces as `_` (`list name` is `list_name`),
/// and its language after `::` kept as written (`label::Bahasa Indonesia (id)`).
pub(super) fn column_key(header: &str) -> String {
    let norm = |s: &str| {
        s.trim()
            .to_lowercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join("_")
    };
    match header.split_once("::") {
        Some((base, lang)) => format!("{}::{}", norm(base), lang.trim()),
        None => norm(header),
    }
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Bool(b) => if *b { "true" } else { "false" }.to_string(),
        other => other.to_string().trim().to_string(),
    }
}

/// Every sheet of the workbook, by lowercased name.
pub(super) fn read_workbook(bytes: &[u8]) -> Result<BTreeMap<String, Sheet>, Problem> {
    let mut book: Xlsx<Cursor<&[u8]>> =
        open_workbook_from_rs(Cursor::new(bytes)).map_err(|e: calamine::XlsxError| {
            Problem::file(crate::msg!(
                "xlsform-not-xlsx",
                "the file is not an .xlsx workbook: {error}",
                error = e
            ))
        })?;
    let mut sheets = BTreeMap::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).map_err(|e| {
            Problem::file(crate::msg!(
                "xlsform-sheet-unreadable",
                "the sheet {sheet} cannot be read: {error}",
                sheet = name.clone(),
                error = e
            ))
        })?;
        let first_row = range.start().map(|(r, _)| r).unwrap_or(0);
        let mut rows = range.rows();
        let mut sheet = Sheet::default();
        let header: Vec<String> = match rows.next() {
            Some(cells) => cells.iter().map(|c| column_key(&cell_text(c))).collect(),
            None => Vec::new(),
        };
        sheet.columns = header.iter().filter(|h| !h.is_empty()).cloned().collect();
        for (i, cells) in rows.enumerate() {
            let mut row = Row {
                number: first_row + i as u32 + 2,
                cells: BTreeMap::new(),
            };
            for (key, cell) in header.iter().zip(cells) {
                let text = cell_text(cell);
                if key.is_empty() || text.is_empty() {
                    continue;
                }
                row.cells.entry(key.clone()).or_insert(text);
            }
            if !row.cells.is_empty() {
                sheet.rows.push(row);
            }
        }
        sheets.insert(name.trim().to_lowercase(), sheet);
    }
    Ok(sheets)
}
