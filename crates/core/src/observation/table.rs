//! Reading the CSV files observations arrive in (Movebank, NASA FIRMS): a header row whose
//! names match loosely, strict field counts, a UTF-8 BOM and either line ending, and line
//! numbers that point at the row in the file.

use std::collections::HashMap;

use serde::Serialize;

use crate::error::{FieldError, Message};

/// One rejected CSV row (or the header, at its line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// 1-based line number in the file; the header is line 1. A row whose quoted field
    /// spans several lines is reported at the line where it starts.
    pub line: usize,
    pub message: String,
}

/// Header names are compared after lower-casing and replacing `-`, `:`, `.` and spaces
/// with `_`, so `location-long`, `location_long`, `Location.Long` (R's `read.csv`) and
/// `gps:hdop` / `gps_hdop` match.
pub(super) fn normalise_header(h: &str) -> String {
    h.trim().to_lowercase().replace(['-', ':', '.', ' '], "_")
}

/// One problem of a row: the column(s) it is in as written in the file (empty for the
/// whole row) and what is wrong.
pub(super) fn problem(column: impl Into<String>, message: Message) -> FieldError {
    FieldError {
        field: column.into(),
        message,
    }
}

/// A row's problems in one line: each after its column, joined by `; `.
fn row_message(problems: &[FieldError]) -> String {
    problems
        .iter()
        .map(|p| {
            if p.field.is_empty() {
                p.message.to_string()
            } else {
                format!("{}: {}", p.field, p.message)
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// What a required cell says when it is empty.
pub(super) fn empty() -> Message {
    crate::msg!("csv-cell-empty", "empty")
}

/// A located column: its index and its name as written in the file (used in messages).
#[derive(Debug, Clone)]
pub(super) struct Column {
    pub(super) index: usize,
    pub(super) name: String,
}

pub(super) struct Header {
    /// Normalised name → first column with that name.
    columns: HashMap<String, Column>,
    line: usize,
}

impl Header {
    fn new(record: &csv::StringRecord, line: usize) -> Self {
        let mut columns = HashMap::new();
        for (index, raw) in record.iter().enumerate() {
            columns
                .entry(normalise_header(raw))
                .or_insert_with(|| Column {
                    index,
                    name: raw.trim().to_string(),
                });
        }
        Header { columns, line }
    }

    pub(super) fn get(&self, key: &str) -> Option<&Column> {
        self.columns.get(key)
    }

    /// The first of `keys` present in the header.
    pub(super) fn first_of(&self, keys: &[&str]) -> Option<&Column> {
        keys.iter().find_map(|k| self.get(k))
    }
}

pub(super) fn cell<'r>(record: &'r csv::StringRecord, column: &Column) -> &'r str {
    record.get(column.index).unwrap_or("").trim()
}

/// A number cell: `Ok(None)` when empty.
pub(super) fn number_cell(
    record: &csv::StringRecord,
    column: &Column,
) -> Result<Option<f64>, FieldError> {
    let s = cell(record, column);
    if s.is_empty() {
        return Ok(None);
    }
    match s.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(Some(x)),
        Ok(_) => Err(problem(
            &column.name,
            crate::msg!(
                "csv-not-finite",
                "must be a finite number, got {value}",
                value = format!("{s:?}")
            ),
        )),
        Err(_) => Err(problem(
            &column.name,
            crate::msg!(
                "csv-not-number",
                "not a number: {value}",
                value = format!("{s:?}")
            ),
        )),
    }
}

/// An optional number column checked with `check`; errors are pushed with the column prefix.
pub(super) fn optional_number_cell(
    record: &csv::StringRecord,
    column: Option<&Column>,
    check: fn(f64) -> Result<f64, Message>,
    problems: &mut Vec<FieldError>,
) -> Option<f64> {
    let column = column?;
    match number_cell(record, column) {
        Ok(Some(x)) => match check(x) {
            Ok(x) => Some(x),
            Err(m) => {
                problems.push(problem(&column.name, m));
                None
            }
        },
        Ok(None) => None,
        Err(m) => {
            problems.push(m);
            None
        }
    }
}

/// Turns the byte offsets the csv reader reports into 1-based line numbers.
///
/// The reader's own line numbers are unreliable for this purpose: a record's position is
/// taken where parsing resumed after the previous record, i.e. before the `\n` of a CRLF
/// terminator and before skipped blank lines. The byte offset has the same quirk, so
/// line-break bytes at the offset are skipped before counting. Offsets arrive in
/// increasing order, so counting is incremental and linear in the file size.
struct LineCounter<'t> {
    text: &'t [u8],
    offset: usize,
    line: usize,
}

impl<'t> LineCounter<'t> {
    fn new(text: &'t str) -> Self {
        LineCounter {
            text: text.as_bytes(),
            offset: 0,
            line: 1,
        }
    }

    fn line_of(&mut self, position: Option<&csv::Position>) -> usize {
        let Some(position) = position else {
            return self.line;
        };
        let mut at = usize::try_from(position.byte())
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        while matches!(self.text.get(at), Some(b'\r' | b'\n')) {
            at += 1;
        }
        if at >= self.offset {
            let breaks = self.text[self.offset..at]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            self.line += breaks;
            self.offset = at;
        }
        self.line
    }
}

/// Reads `text` as CSV with a header row, strict field counts, an optional UTF-8 BOM and
/// either line ending. `on_header` resolves the columns or names the missing ones;
/// `on_row` turns one record into a value or a list of problems.
pub(super) fn read_csv<C, T>(
    text: &str,
    on_header: impl FnOnce(&Header) -> Result<C, Vec<String>>,
    mut on_row: impl FnMut(&C, &csv::StringRecord) -> Result<T, Vec<FieldError>>,
) -> (Vec<(usize, T)>, Vec<RowError>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let mut lines = LineCounter::new(text);
    let mut rows = Vec::new();
    let mut errors = Vec::new();

    let header = match reader.headers() {
        Ok(record) => Header::new(record, lines.line_of(record.position())),
        Err(e) => {
            errors.push(RowError {
                line: 1,
                message: crate::msg!(
                    "csv-header-unreadable",
                    "cannot read the header: {error}",
                    error = e
                )
                .into(),
            });
            return (rows, errors);
        }
    };
    let columns = match on_header(&header) {
        Ok(c) => c,
        Err(missing) => {
            let list = missing.join(", ");
            let message = if missing.len() == 1 {
                crate::msg!(
                    "csv-column-missing",
                    "missing column: {columns}",
                    columns = &list
                )
            } else {
                crate::msg!(
                    "csv-columns-missing",
                    "missing columns: {columns}",
                    columns = &list
                )
            };
            errors.push(RowError {
                line: header.line,
                message: message.into(),
            });
            return (rows, errors);
        }
    };

    for result in reader.records() {
        match result {
            Ok(record) => {
                let line = lines.line_of(record.position());
                match on_row(&columns, &record) {
                    Ok(value) => rows.push((line, value)),
                    Err(problems) => errors.push(RowError {
                        line,
                        message: row_message(&problems),
                    }),
                }
            }
            Err(e) => {
                let line = lines.line_of(e.position());
                let message = match e.kind() {
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => crate::msg!(
                        "csv-field-count",
                        "expected {expected} fields as in the header, found {found}",
                        expected = expected_len,
                        found = len
                    )
                    .into(),
                    _ => e.to_string(),
                };
                let fatal = !matches!(
                    e.kind(),
                    csv::ErrorKind::UnequalLengths { .. } | csv::ErrorKind::Utf8 { .. }
                );
                errors.push(RowError { line, message });
                if fatal {
                    break;
                }
            }
        }
    }
    (rows, errors)
}

/// A required, non-empty coordinate cell.
pub(super) fn coordinate(
    r: &csv::StringRecord,
    column: &Column,
    check: fn(f64) -> Result<f64, Message>,
    problems: &mut Vec<FieldError>,
) -> Option<f64> {
    match number_cell(r, column) {
        Ok(Some(x)) => match check(x) {
            Ok(x) => Some(x),
            Err(m) => {
                problems.push(problem(&column.name, m));
                None
            }
        },
        Ok(None) => {
            problems.push(problem(&column.name, empty()));
            None
        }
        Err(m) => {
            problems.push(m);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_normalisation() {
        assert_eq!(normalise_header(" Location-Long "), "location_long");
        assert_eq!(normalise_header("gps:hdop"), "gps_hdop");
        assert_eq!(
            normalise_header("eobs:battery-voltage"),
            "eobs_battery_voltage"
        );
        assert_eq!(normalise_header("location.lat"), "location_lat");
    }
}
