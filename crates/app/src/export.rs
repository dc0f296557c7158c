//! Report exports as GeoJSON or CSV, written a record at a time so an export of any size
//! runs in constant memory. The command line and the HTTP API share these writers.

use serde_json::Value;
use sinergi_core::report::Report;

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

pub const CSV_COLUMNS: [&str; 17] = [
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
];

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

    pub fn row(&mut self, r: &Report) -> Vec<u8> {
        self.rows += 1;
        match self.format {
            ExportFormat::GeoJson => {
                let mut out = if self.rows > 1 {
                    b",\n".to_vec()
                } else {
                    Vec::new()
                };
                out.extend_from_slice(r.to_feature().to_string().as_bytes());
                out
            }
            ExportFormat::Csv => {
                let (lon, lat) = r.geometry.representative_point();
                csv_line(
                    [
                        r.id.to_string(),
                        r.type_key.clone(),
                        r.title.clone(),
                        r.description.clone(),
                        r.occurred_at.to_rfc3339(),
                        format!("{lon}"),
                        format!("{lat}"),
                        r.geometry.to_geojson().to_string(),
                        r.region_code.clone().unwrap_or_default(),
                        r.owner_agency_code.clone(),
                        r.author_username.clone(),
                        r.sensitivity.as_str().into(),
                        r.status.as_str().into(),
                        r.version.to_string(),
                        r.created_at.to_rfc3339(),
                        r.updated_at.to_rfc3339(),
                        Value::Object(r.attributes.clone()).to_string(),
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
