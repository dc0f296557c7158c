//! Text written into CSV files that people open in a spreadsheet.

/// A text cell that a spreadsheet will not run: a cell starting with `=`, `+`, `-`, `@`,
/// a tab or a carriage return is a formula (or becomes one) in Excel, LibreOffice and
/// Google Sheets, so it gets a leading apostrophe, as OWASP recommends for CSV injection.
/// Apply to every cell whose text comes from people; numbers Sinergi writes itself stay
/// numbers.
pub fn csv_cell(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_string(),
    }
}
