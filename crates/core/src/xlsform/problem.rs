//! A fault of a workbook, located by sheet, row and column.

use std::fmt;

use crate::error::Message;

/// One fault of a workbook, where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The sheet (`survey`, `choices`, `settings`), empty for the file as a whole.
    pub sheet: String,
    /// The row as the spreadsheet numbers it.
    pub row: Option<u32>,
    /// The column's header (`type`, `label::English (en)`).
    pub column: Option<String>,
    pub message: Message,
}

impl Problem {
    pub(super) fn file(message: Message) -> Self {
        Problem {
            sheet: String::new(),
            row: None,
            column: None,
            message,
        }
    }

    pub(super) fn at(
        sheet: &str,
        row: Option<u32>,
        column: Option<&str>,
        message: Message,
    ) -> Self {
        Problem {
            sheet: sheet.to_string(),
            row,
            column: column.map(str::to_string),
            message,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = self.message.as_str();
        match (self.sheet.is_empty(), self.row, &self.column) {
            (true, _, _) => write!(f, "{m}"),
            (false, Some(r), Some(c)) => write!(f, "{} row {r}, column {c}: {m}", self.sheet),
            (false, Some(r), None) => write!(f, "{} row {r}: {m}", self.sheet),
            (false, None, Some(c)) => write!(f, "{}, column {c}: {m}", self.sheet),
            (false, None, None) => write!(f, "{}: {m}", self.sheet),
        }
    }
}
