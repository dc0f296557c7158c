//! Report exports as GeoJSON or CSV, written a record at a time so an export of any size
//! runs in constant memory. The command line and the HTTP API share these writers.

use serde_json::{json, Value};
use sinergi_core::geometry::round_coord;
use sinergi_core::report::Report;
use sinergi_core::sharing::Form;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    GeoJson,
    Csv,
}

impl ExportFormat {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "geojson" => Some(ExportFormat::GeoJson),
            "csv" => Some(ExportFormat::Csv),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::GeoJson => "application/geo+json",
            ExportFormat::Csv => "text/csv; charset=utf-8",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::GeoJson => "geojson",
            ExportFormat::Csv => "csv",
        }
    }
}

pub const CSV_COLUMNS: [&str; 20] = [
    "id",
    "type",
    "title",
    "description",
    "occurred_at",
    "lon",
    "lat",
    "geometry",
    "region_code",
    "owner_agency",
    "author",
    "sensitivity",
    "status",
    "version",
    "created_at",
    "updated_at",
    "attributes",
    "access",
    "withheld",
    "location_precision_m",
];

pub use sinergi_core::spreadsheet::csv_cell;

/// Produces the bytes of an export piece by piece.
pub struct ExportWriter {
    format: ExportFormat,
    rows: u64,
}

impl ExportWriter {
    pub fn new(format: ExportFormat) -> Self {
        ExportWriter { format, rows: 0 }
    }

    pub fn begin(&self) -> Vec<u8> {
        match self.format {
            ExportFormat::GeoJson => b"{\"type\":\"FeatureCollection\",\"features\":[\n".to_vec(),
            ExportFormat::Csv => csv_line(CSV_COLUMNS.iter().map(|s| s.to_string())),
        }
    }

    /// One record in the form the reader receives; a shared copy says what was withheld
    /// and at which precision its location is given, in both formats.
    pub fn row(&mut self, r: &Report, form: &Form) -> Vec<u8> {
        self.rows += 1;
        let (access, withheld, precision) = match form {
            Form::Full => ("full", String::new(), json!(0)),
            Form::Shared {
                withheld,
                precision,
            } => ("shared", withheld.join(","), precision.to_json()),
        };
        match self.format {
            ExportFormat::GeoJson => {
                let mut out = if self.rows > 1 {
                    b",\n".to_vec()
                } else {
                    Vec::new()
                };
                let mut f = r.to_feature();
                if let Form::Shared { .. } = form {
                    f["properties"]["access"] = json!(form);
                }
                out.extend_from_slice(f.to_string().as_bytes());
                out
            }
            ExportFormat::Csv => {
                let (lon, lat) = r.geometry.representative_point();
                let precision = match precision {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                csv_line(
                    [
                        r.id.to_string(),
                        csv_cell(&r.type_key),
                        csv_cell(&r.title),
                        csv_cell(&r.description),
                        r.occurred_at.to_rfc3339(),
                        format!("{}", round_coord(lon)),
                        format!("{}", round_coord(lat)),
                        r.geometry.to_geojson().to_string(),
                        csv_cell(r.region_code.as_deref().unwrap_or_default()),
                        csv_cell(&r.owner_agency_code),
                        csv_cell(&r.author_username),
                        r.sensitivity.as_str().into(),
                        r.status.as_str().into(),
                        r.version.to_string(),
                        r.created_at.to_rfc3339(),
                        r.updated_at.to_rfc3339(),
                        Value::Object(r.attributes.clone()).to_string(),
                        access.into(),
                        csv_cell(&withheld),
                        precision,
                    ]
                    .into_iter(),
                )
            }
        }
    }

    pub fn end(&self) -> Vec<u8> {
        match self.format {
            ExportFormat::GeoJson => b"\n]}\n".to_vec(),
            ExportFormat::Csv => Vec::new(),
        }
    }
}

fn csv_line(fields: impl Iterator<Item = String>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail; an error here would only come from a bug in csv.
    let _ = w.write_record(fields.collect::<Vec<_>>());
    w.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised() {
        for bad in [
            "=HYPERLINK(\"x\",\"klik\")",
            "+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            assert!(csv_cell(bad).starts_with('\''), "{bad}");
        }
        for good in ["Jerat di blok 3", "", "12", "{\"a\":1}"] {
            assert_eq!(csv_cell(good), good);
        }
    }
}
