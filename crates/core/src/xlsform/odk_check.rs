//! The forms of `crates/core/tests/xlsforms/` (XLSForms written as Markdown tables, one
//! table per sheet) made into real `.xlsx` workbooks and converted; with
//! `SINERGI_PYXFORM_PYTHON` naming a Python with pyxform (and Java on the path),
//! `scripts/xlsform_check.py` converts the same workbooks with pyxform, compares the
//! XForms structurally and runs ODK Validate on Sinergi's (ADR 30). CI sets the variable
//! and the check fails there without it.

use std::path::{Path, PathBuf};
use std::process::Command;

use rust_xlsxwriter::Workbook;

use super::*;

/// One sheet of a form: its name and rows of cells (the first row is the header).
type Sheets = Vec<(String, Vec<Vec<String>>)>;

fn forms_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/xlsforms")
}

/// The cells of a Markdown table row `| a | b \| c |`.
fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|');
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let mut out = vec![String::new()];
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                out.last_mut().unwrap_or_else(|| unreachable!()).push('|');
                chars.next();
            }
            '|' => out.push(String::new()),
            _ => out.last_mut().unwrap_or_else(|| unreachable!()).push(c),
        }
    }
    out.into_iter().map(|c| c.trim().to_string()).collect()
}

/// The sheets of a form file: `## name` starts a sheet, table rows are its rows, the
/// table's `|---|` line and any other text are skipped.
fn sheets(text: &str) -> Sheets {
    let mut out: Sheets = Vec::new();
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("## ") {
            out.push((name.trim().to_string(), Vec::new()));
        } else if line.trim_start().starts_with('|') {
            let row = cells(line);
            if row
                .iter()
                .all(|c| !c.is_empty() && c.chars().all(|c| c == '-' || c == ':'))
            {
                continue;
            }
            if let Some((_, rows)) = out.last_mut() {
                rows.push(row);
            }
        }
    }
    out
}

/// Whether a cell is a number as a spreadsheet stores it (a whole number without a
/// leading zero, or a decimal not ending in 0).
fn numeric(cell: &str) -> bool {
    let (whole, fraction) = cell.split_once('.').unwrap_or((cell, ""));
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    digits(whole)
        && (whole == "0" || !whole.starts_with('0'))
        && (fraction.is_empty() || digits(fraction) && !fraction.ends_with('0'))
        && cell.len() < 15
}

fn workbook(sheets: &Sheets) -> Vec<u8> {
    let mut wb = Workbook::new();
    for (name, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(name).expect("sheet name");
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                if v.is_empty() {
                    continue;
                }
                // The header row stays text; numbers in it would not be column names.
                if r > 0 && numeric(v) {
                    ws.write_number(r, c, v.parse::<f64>().expect("a number"))
                } else {
                    ws.write_string(r, c, v)
                }
                .expect("cell");
            }
        }
    }
    wb.save_to_buffer().expect("workbook")
}

/// Every form: (file stem, sheets, workbook bytes, Sinergi's XForm).
fn forms() -> Vec<(String, Sheets, Vec<u8>, XForm)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(forms_dir())
        .expect("crates/core/tests/xlsforms")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .filter(|p| p.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("file name")
                .to_string();
            let text = std::fs::read_to_string(&path).expect("form file");
            let sheets = sheets(&text);
            let bytes = workbook(&sheets);
            let xform = convert(&bytes, &format!("{stem}.xlsx")).unwrap_or_else(|ps| {
                panic!(
                    "{stem}: Sinergi refused the form:\n{}",
                    ps.iter()
                        .map(|p| p.to_string())
                        .collect::<Vec<_>>()
                        .join("\n")
                )
            });
            (stem, sheets, bytes, xform)
        })
        .collect()
}

/// The values of a column in the rows of a sheet, by the column's key.
fn column<'a>(sheets: &'a Sheets, sheet: &str, wanted: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    for (name, rows) in sheets {
        if !name.eq_ignore_ascii_case(sheet) || rows.is_empty() {
            continue;
        }
        for (i, header) in rows[0].iter().enumerate() {
            if read::column_key(header) == wanted {
                out.extend(
                    rows[1..]
                        .iter()
                        .filter_map(|r| r.get(i))
                        .map(String::as_str),
                );
            }
        }
    }
    out
}

#[test]
fn the_odk_check_forms_convert_and_use_every_supported_type_column_and_function() {
    let forms = forms();
    assert!(forms.len() >= 10, "only {} forms", forms.len());
    let mut types = BTreeSet::new();
    let mut columns = BTreeSet::new();
    let mut functions = BTreeSet::new();
    let mut settings = BTreeSet::new();
    for (_, sheets, _, x) in &forms {
        for t in column(sheets, "survey", "type") {
            let t = t.split_whitespace().collect::<Vec<_>>();
            types.insert(match t.as_slice() {
                [begin_end, what] if matches!(*begin_end, "begin" | "end") => {
                    format!("{begin_end} {what}")
                }
                [first, ..] => first.to_string(),
                [] => String::new(),
            });
        }
        for (name, rows) in sheets {
            let Some(header) = rows.first() else { continue };
            for h in header {
                let key = read::column_key(h);
                let base = key.split("::").next().unwrap_or(&key).to_string();
                match name.as_str() {
                    "survey" => {
                        columns.insert(base);
                    }
                    "settings" => {
                        settings.insert(base);
                    }
                    _ => {}
                }
            }
        }
        for c in EXPRESSION_COLUMNS {
            for text in column(sheets, "survey", c) {
                functions.extend(called_functions(text));
            }
        }
        assert!(x.xml.contains("<h:body>"), "{}", x.form_id);
    }
    let supported_types = [
        "text",
        "integer",
        "decimal",
        "select_one",
        "select_multiple",
        "date",
        "time",
        "dateTime",
        "geopoint",
        "geotrace",
        "geoshape",
        "image",
        "note",
        "calculate",
        "acknowledge",
        "begin group",
        "end group",
        "begin repeat",
        "end repeat",
        "start",
        "end",
        "today",
        "deviceid",
    ];
    let missing: Vec<_> = supported_types
        .iter()
        .filter(|t| !types.contains(**t))
        .collect();
    assert!(missing.is_empty(), "no form uses the types {missing:?}");
    let supported_columns = [
        "type",
        "name",
        "label",
        "hint",
        "constraint_message",
        "required",
        "relevant",
        "constraint",
        "calculation",
        "choice_filter",
        "appearance",
        "default",
        "read_only",
        "media",
        "big-image",
    ];
    let missing: Vec<_> = supported_columns
        .iter()
        .filter(|c| !columns.contains(**c))
        .collect();
    assert!(missing.is_empty(), "no form uses the columns {missing:?}");
    let missing: Vec<_> = ["form_title", "form_id", "version", "default_language"]
        .iter()
        .filter(|c| !settings.contains(**c))
        .collect();
    assert!(missing.is_empty(), "no form uses the settings {missing:?}");
    let missing: Vec<_> = expr::SUPPORTED_FUNCTIONS
        .iter()
        .filter(|f| !functions.contains(**f))
        .collect();
    assert!(
        missing.is_empty(),
        "no form calls the functions {missing:?}"
    );
}

/// The names of the functions an expression calls (outside string literals).
fn called_functions(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quote = None;
    for c in text.chars() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' => {
                quote = Some(c);
                word.clear();
            }
            c if c.is_alphanumeric() || matches!(c, '_' | '-' | ':' | '.') => word.push(c),
            '(' if !word.is_empty() => out.push(std::mem::take(&mut word)),
            c if c.is_whitespace() && !word.is_empty() => {}
            _ => word.clear(),
        }
    }
    out
}

/// The Python with pyxform, or `None` outside CI when it is not configured.
fn pyxform_python() -> Option<String> {
    match std::env::var("SINERGI_PYXFORM_PYTHON") {
        Ok(p) if !p.is_empty() => Some(p),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => panic!(
            "CI must set SINERGI_PYXFORM_PYTHON to a Python with pyxform and Java (apt-get install default-jre-headless; pip install pyxform)"
        ),
        _ => {
            eprintln!("note: the XLSForm conversion was not compared with pyxform nor validated by ODK Validate: set SINERGI_PYXFORM_PYTHON to a Python with pyxform, with Java on the path (apt-get install default-jre-headless; pip install pyxform)");
            None
        }
    }
}

#[test]
fn the_xforms_match_pyxform_and_pass_odk_validate() {
    let Some(python) = pyxform_python() else {
        return;
    };
    let dir = std::env::temp_dir().join(format!(
        "sinergi-xlsform-check-{}-{:016x}",
        std::process::id(),
        rand::random::<u64>()
    ));
    std::fs::create_dir_all(&dir).expect("temporary directory");
    let mut args = Vec::new();
    for (stem, _, bytes, xform) in forms() {
        let xlsx = dir.join(format!("{stem}.xlsx"));
        let xml = dir.join(format!("{stem}.xml"));
        std::fs::write(&xlsx, bytes).expect("write workbook");
        std::fs::write(&xml, xform.xml).expect("write XForm");
        args.push(xlsx);
        args.push(xml);
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/xlsform_check.py");
    let out = Command::new(&python)
        .arg(&script)
        .args(&args)
        .output()
        .unwrap_or_else(|e| panic!("{python} {}: {e}", script.display()));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "Sinergi's XForms differ from pyxform's or fail ODK Validate (the files are in {}):\n{stdout}\n{stderr}",
        dir.display()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
