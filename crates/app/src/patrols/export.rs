//! The patrols a user sees, exported for a GIS or a spreadsheet: GeoJSON (each patrol a
//! Feature whose geometry is its tracks), CSV (a row per patrol with its effort) and KML
//! (a Placemark per patrol). Every figure is computed as on the patrol's page; text
//! people typed is escaped for its format (and neutralised as a spreadsheet formula).

use serde_json::{json, Value};
use sinergi_core::access::Actor;
use sinergi_core::agency::Agency;
use sinergi_core::ids::PatrolId;
use sinergi_core::patrol::effort::Effort;
use sinergi_core::patrol::gpx::escape_into;
use sinergi_core::patrol::{Leg, Patrol};

use crate::export::csv_cell;
use crate::{App, AppError, AppResult};

/// The formats patrols are exported in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatrolExport {
    GeoJson,
    Csv,
    Kml,
}

impl PatrolExport {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "geojson" => Some(Self::GeoJson),
            "csv" => Some(Self::Csv),
            "kml" => Some(Self::Kml),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::GeoJson => "application/geo+json",
            Self::Csv => "text/csv; charset=utf-8",
            Self::Kml => "application/vnd.google-earth.kml+xml",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::GeoJson => "geojson",
            Self::Csv => "csv",
            Self::Kml => "kml",
        }
    }
}

/// One patrol with what its export shows.
struct Row {
    patrol: Patrol,
    agency: String,
    legs: Vec<Leg>,
    effort: Effort,
}

/// The CSV columns, in order.
pub const CSV_COLUMNS: [&str; 17] = [
    "id",
    "title",
    "agency",
    "mandate",
    "transport",
    "status",
    "planned_start",
    "planned_end",
    "area",
    "members",
    "legs",
    "distance_km",
    "hours",
    "patrol_days",
    "person_days",
    "cells_1km",
    "area_km2",
];

/// Three decimals: metres, and hours to the nearest 4 seconds.
fn num(x: f64) -> String {
    format!("{x:.3}")
}

impl App {
    /// Every patrol the actor sees, in `format`.
    pub async fn export_patrols(&self, actor: &Actor, format: PatrolExport) -> AppResult<String> {
        let rows = self.export_rows(actor).await?;
        match format {
            PatrolExport::GeoJson => Ok(geojson(&rows).to_string()),
            PatrolExport::Csv => csv(&rows),
            PatrolExport::Kml => Ok(kml(&rows)),
        }
    }

    /// Every patrol the actor sees as the GeoJSON export's Feature (its tracks as a
    /// MultiLineString, its effort in the properties), in the order of
    /// [`App::patrols_for`].
    pub async fn patrol_features(&self, actor: &Actor) -> AppResult<Vec<Value>> {
        Ok(self.export_rows(actor).await?.iter().map(feature).collect())
    }

    /// One patrol the actor sees as the GeoJSON export's Feature; not found when the
    /// actor may not see it.
    pub async fn patrol_feature(&self, actor: &Actor, id: PatrolId) -> AppResult<Value> {
        let (patrol, legs) = self.patrol_for(actor, id).await?;
        let agencies = self.agencies().await?;
        Ok(feature(&self.export_row(&agencies, patrol, legs).await?))
    }

    async fn export_rows(&self, actor: &Actor) -> AppResult<Vec<Row>> {
        let agencies = self.agencies().await?;
        let mut rows = Vec::new();
        for (patrol, legs) in self.patrols_with_legs_for(actor).await? {
            rows.push(self.export_row(&agencies, patrol, legs).await?);
        }
        Ok(rows)
    }

    async fn export_row(
        &self,
        agencies: &[Agency],
        patrol: Patrol,
        legs: Vec<Leg>,
    ) -> AppResult<Row> {
        let effort = self.effort_of(&patrol, &legs).await?;
        let agency = agencies
            .iter()
            .find(|a| a.id == patrol.owner_agency_id)
            .map(|a| a.code.to_string())
            .unwrap_or_default();
        Ok(Row {
            patrol,
            agency,
            legs,
            effort,
        })
    }
}

fn lines(legs: &[Leg]) -> Vec<Vec<[f64; 2]>> {
    legs.iter()
        .flat_map(|l| l.track.segments.iter())
        .filter(|s| s.len() >= 2)
        .map(|s| s.iter().map(|p| [p.lon, p.lat]).collect())
        .collect()
}

/// A patrol as a GeoJSON Feature: its tracks as a MultiLineString (none without tracks).
fn feature(r: &Row) -> Value {
    let p = &r.patrol;
    let segments = lines(&r.legs);
    json!({
        "type": "Feature",
        "id": p.id.to_string(),
        "geometry": if segments.is_empty() {
            Value::Null
        } else {
            json!({"type": "MultiLineString", "coordinates": segments})
        },
        "properties": {
            "title": p.title,
            "agency": r.agency,
            "mandate": p.mandate.as_str(),
            "transport": p.transport.as_str(),
            "status": p.status.as_str(),
            "planned_start": p.planned_start.to_string(),
            "planned_end": p.planned_end.to_string(),
            "area": p.area,
            "members": p.members.len(),
            "legs": r.legs.len(),
            "distance_km": r.effort.distance_km,
            "hours": r.effort.hours,
            "patrol_days": r.effort.patrol_days,
            "person_days": r.effort.person_days,
            "cells_1km": r.effort.cells.len(),
            "area_km2": r.effort.area_km2(),
        }
    })
}

fn geojson(rows: &[Row]) -> Value {
    let features: Vec<Value> = rows.iter().map(feature).collect();
    json!({"type": "FeatureCollection", "features": features})
}

fn csv(rows: &[Row]) -> AppResult<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let io = |e: csv::Error| AppError::Internal(Box::new(e));
    w.write_record(CSV_COLUMNS).map_err(io)?;
    for r in rows {
        let p = &r.patrol;
        w.write_record([
            p.id.to_string(),
            csv_cell(&p.title),
            csv_cell(&r.agency),
            p.mandate.as_str().to_string(),
            p.transport.as_str().to_string(),
            p.status.as_str().to_string(),
            p.planned_start.to_string(),
            p.planned_end.to_string(),
            p.area.clone().unwrap_or_default(),
            p.members.len().to_string(),
            r.legs.len().to_string(),
            num(r.effort.distance_km),
            num(r.effort.hours),
            r.effort.patrol_days.to_string(),
            r.effort.person_days.to_string(),
            r.effort.cells.len().to_string(),
            num(r.effort.area_km2()),
        ])
        .map_err(io)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| AppError::Internal(Box::new(e.into_error())))?;
    String::from_utf8(bytes).map_err(|e| AppError::Internal(Box::new(e)))
}

fn kml(rows: &[Row]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document><name>Sinergi</name>\n",
    );
    for r in rows {
        let p = &r.patrol;
        out.push_str("<Placemark id=\"");
        out.push_str(&p.id.to_string());
        out.push_str("\"><name>");
        escape_into(&mut out, &p.title);
        out.push_str("</name><ExtendedData>");
        let data = [
            ("agency", r.agency.clone()),
            ("mandate", p.mandate.as_str().to_string()),
            ("status", p.status.as_str().to_string()),
            ("planned_start", p.planned_start.to_string()),
            ("planned_end", p.planned_end.to_string()),
            ("distance_km", num(r.effort.distance_km)),
            ("hours", num(r.effort.hours)),
            ("patrol_days", r.effort.patrol_days.to_string()),
            ("person_days", r.effort.person_days.to_string()),
            ("cells_1km", r.effort.cells.len().to_string()),
        ];
        for (k, v) in data {
            out.push_str("<Data name=\"");
            out.push_str(k);
            out.push_str("\"><value>");
            escape_into(&mut out, &v);
            out.push_str("</value></Data>");
        }
        out.push_str("</ExtendedData><MultiGeometry>");
        for seg in lines(&r.legs) {
            out.push_str("<LineString><coordinates>");
            for (i, [lon, lat]) in seg.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(&format!("{lon},{lat}"));
            }
            out.push_str("</coordinates></LineString>");
        }
        out.push_str("</MultiGeometry></Placemark>\n");
    }
    out.push_str("</Document></kml>\n");
    out
}
