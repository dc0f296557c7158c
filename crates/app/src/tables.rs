//! Tables written as CSV or XLSX (ADR 26): every coordination export (a group's action
//! items and meetings, a plan's tree, the overdue-by-agency table) builds one [`Table`]
//! and writes it with [`Table::write`], so the two formats never drift apart.
//!
//! Text from people goes through [`csv_cell`] in CSV (a leading `=`, `+`, `-`, `@` gets an
//! apostrophe, so a spreadsheet does not run it); in XLSX every text is written as a
//! string cell, which a spreadsheet never evaluates. Numbers Sinergi computes stay
//! numbers in both.

use crate::export::csv_cell;

/// The formats a table is exported in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    Csv,
    Xlsx,
}

impl TableFormat {
    pub fn parse(s: &str) -> Option<TableFormat> {
        match s.trim() {
            "csv" => Some(TableFormat::Csv),
            "xlsx" => Some(TableFormat::Xlsx),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            TableFormat::Csv => "text/csv; charset=utf-8",
            TableFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            TableFormat::Csv => "csv",
            TableFormat::Xlsx => "xlsx",
        }
    }
}

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text, possibly typed by a person.
    Text(String),
    /// A number Sinergi computed or stored as a number.
    Number(f64),
    Empty,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    pub fn opt_text(s: Option<impl Into<String>>) -> Cell {
        s.map_or(Cell::Empty, |s| Cell::Text(s.into()))
    }

    pub fn number(n: impl Into<f64>) -> Cell {
        Cell::Number(n.into())
    }

    pub fn opt_number(n: Option<f64>) -> Cell {
        n.map_or(Cell::Empty, Cell::Number)
    }

    fn csv(&self) -> String {
        match self {
            Cell::Text(s) => csv_cell(s),
            Cell::Number(n) => format_number(*n),
            Cell::Empty => String::new(),
        }
    }
}

/// A number as CSV writes it: whole numbers without a decimal point, others rounded to
/// two decimals.
fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{:.2}", n)
    }
}

/// A table: its sheet name, the column names and the rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The XLSX sheet's name (at most 31 characters, no `[]:*?/\`).
    pub sheet: String,
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn new(sheet: &str, columns: &[&'static str]) -> Table {
        Table {
            sheet: sheet.to_string(),
            columns: columns.to_vec(),
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<Cell>) {
        self.rows.push(row);
    }

    /// The table's bytes in `format`.
    pub fn write(&self, format: TableFormat) -> Result<Vec<u8>, String> {
        match format {
            TableFormat::Csv => self.to_csv(),
            TableFormat::Xlsx => self.to_xlsx(),
        }
    }

    pub fn to_csv(&self) -> Result<Vec<u8>, String> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(&self.columns).map_err(|e| e.to_string())?;
        for row in &self.rows {
            w.write_record(row.iter().map(Cell::csv))
                .map_err(|e| e.to_string())?;
        }
        w.into_inner().map_err(|e| e.to_string())
    }

    pub fn to_xlsx(&self) -> Result<Vec<u8>, String> {
        use rust_xlsxwriter::{Format, Workbook};
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        let name: String = self
            .sheet
            .chars()
            .filter(|c| !"[]:*?/\\".contains(*c))
            .take(31)
            .collect();
        if !name.is_empty() {
            sheet.set_name(&name).map_err(|e| e.to_string())?;
        }
        let bold = Format::new().set_bold();
        for (c, name) in self.columns.iter().enumerate() {
            sheet
                .write_string_with_format(0, c as u16, *name, &bold)
                .map_err(|e| e.to_string())?;
        }
        for (r, row) in self.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Text(s) => sheet.write_string(r, c, s).map(|_| ()),
                    Cell::Number(n) => sheet.write_number(r, c, *n).map(|_| ()),
                    Cell::Empty => Ok(()),
                }
                .map_err(|e| e.to_string())?;
            }
        }
        book.save_to_buffer().map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_formats_hold_the_same_cells() {
        let mut t = Table::new("Tindak lanjut", &["what", "count"]);
        t.push(vec![Cell::text("=HYPERLINK(\"x\")"), Cell::number(3)]);
        t.push(vec![Cell::text("Pelatihan GIS"), Cell::Number(2.5)]);
        let csv = String::from_utf8(t.to_csv().expect("csv")).expect("utf-8");
        assert_eq!(
            csv,
            "what,count\n\"'=HYPERLINK(\"\"x\"\")\",3\nPelatihan GIS,2.50\n"
        );
        let xlsx = t.to_xlsx().expect("xlsx");
        assert_eq!(&xlsx[..2], b"PK", "a zip file");
    }
}
