//! The collections `/ogc` serves and how a page of each is read: one collection per
//! report type (`reports.<type>`), `patrols` (each patrol with its tracks), `areas` (the
//! early-warning fences) and `subject-tracks` (each subject's fixes as a line). Every read
//! goes through the app's use cases with the caller's actor, so the access policy,
//! coarsening and filters on the delivered form are the API's own (ADR 9, ADR 17).

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Map, Value};
use sinergi_app::{App, AppError};
use sinergi_core::access::Actor;
use sinergi_core::geometry::Bbox;
use sinergi_core::geometry::round_coord;
use sinergi_core::ids::{PatrolId, ReportId};
use sinergi_core::query::{Cursor, Interval, ReportFilter};
use sinergi_core::report::Report;
use sinergi_core::sharing::{Form, Precision};
use sinergi_core::warning::{FenceId, Subject, SubjectId};

use super::query::{malformed, ItemsQuery};
use crate::problem::{ApiError, ApiResult};

/// The prefix of the report-type collections: `reports.wildlife_sighting`.
const REPORTS_PREFIX: &str = "reports.";
/// A subject's track without `datetime`: the last seven days, as the API's track.
const TRACK_DAYS: i64 = 7;
/// The most fixes one subject's track carries, the oldest of the window first.
const TRACK_FIXES: u32 = 5_000;

/// One collection.
#[derive(Debug, Clone, PartialEq)]
pub enum Collection {
    /// The reports of one type.
    Reports(String),
    Patrols,
    Areas,
    SubjectTracks,
}

/// A collection's description in `/ogc/collections`.
pub struct Described {
    pub id: String,
    pub title: String,
    pub description: String,
}

/// One page of a collection's items.
pub struct ItemsPage {
    pub features: Vec<Value>,
    /// The cursor of the next page while more remain.
    pub next: Option<String>,
    /// How many items match in all, as delivered; `None` where counting means reading
    /// everything (the report collections).
    pub matched: Option<usize>,
}

impl Collection {
    /// Every collection, report types first, in the catalogue's order.
    pub fn all(app: &App) -> Vec<(Collection, Described)> {
        let mut out: Vec<(Collection, Described)> = app
            .report_types()
            .iter()
            .map(|t| {
                (
                    Collection::Reports(t.key.clone()),
                    Described {
                        id: format!("{REPORTS_PREFIX}{}", t.key),
                        title: t.label_id.clone(),
                        description: format!(
                            "Laporan: {} / Reports: {}",
                            t.label_id, t.label_en
                        ),
                    },
                )
            })
            .collect();
        for (c, id, title, description) in [
            (
                Collection::Patrols,
                "patrols",
                "Patroli",
                "Patroli gabungan beserta jejaknya / Joint patrols with their tracks",
            ),
            (
                Collection::Areas,
                "areas",
                "Area",
                "Area peringatan dini (pagar geografis) / Early-warning areas (fences)",
            ),
            (
                Collection::SubjectTracks,
                "subject-tracks",
                "Jejak satwa dan tim",
                "Jejak tiap subjek (tujuh hari terakhir, atau rentang datetime) / Each subject's track (the last seven days, or the datetime interval)",
            ),
        ] {
            out.push((
                c,
                Described {
                    id: id.into(),
                    title: title.into(),
                    description: description.into(),
                },
            ));
        }
        out
    }

    /// The collection called `id`, with its description; `NotFound` for any other.
    pub fn find(app: &App, id: &str) -> ApiResult<(Collection, Described)> {
        Collection::all(app)
            .into_iter()
            .find(|(_, d)| d.id == id)
            .ok_or(ApiError(AppError::NotFound))
    }

    /// One page of the items the actor receives that match `q`.
    pub async fn page(&self, app: &App, actor: &Actor, q: &ItemsQuery) -> ApiResult<ItemsPage> {
        match self {
            Collection::Reports(key) => reports_page(app, actor, key, q).await,
            Collection::Patrols => {
                untimed(q)?;
                let features = app.patrol_features(actor).await?;
                in_memory_page(features, q)
            }
            Collection::Areas => {
                untimed(q)?;
                let features = area_features(app, actor).await?;
                in_memory_page(features, q)
            }
            Collection::SubjectTracks => {
                let (since, until) = track_window(app, q.datetime);
                let mut features = Vec::new();
                for s in app.subjects_for(actor).await? {
                    if let Some(f) = subject_track(app, &s, since, until).await? {
                        features.push(f);
                    }
                }
                in_memory_page(features, q)
            }
        }
    }

    /// One item by its id as the actor receives it; `NotFound` when the actor may not see
    /// it, it is not of this collection, or the id names nothing.
    pub async fn item(&self, app: &App, actor: &Actor, fid: &str) -> ApiResult<Value> {
        let missing = || ApiError(AppError::NotFound);
        match self {
            Collection::Reports(key) => {
                let id = ReportId::parse(fid).ok_or_else(missing)?;
                let (r, form) = app.report_with_form(actor, id).await?;
                if &r.type_key != key {
                    return Err(missing());
                }
                Ok(report_feature(&r, &form))
            }
            Collection::Patrols => {
                let id = PatrolId::parse(fid).ok_or_else(missing)?;
                Ok(app.patrol_feature(actor, id).await?)
            }
            Collection::Areas => {
                let id = FenceId::parse(fid).ok_or_else(missing)?;
                let fence = app.fence_for(actor, id).await?;
                let agencies = app.agencies().await?;
                Ok(area_feature(&fence, &agencies))
            }
            Collection::SubjectTracks => {
                let id = SubjectId::parse(fid).ok_or_else(missing)?;
                let s = app
                    .subjects_for(actor)
                    .await?
                    .into_iter()
                    .find(|s| s.id == id)
                    .ok_or_else(missing)?;
                let (since, until) = track_window(app, None);
                subject_track(app, &s, since, until)
                    .await?
                    .ok_or_else(missing)
            }
        }
    }
}

/// A page of one report type through the API's list (`App::list_reports`): the store is
/// asked widened and `bbox`/`datetime` act on each record as delivered.
async fn reports_page(app: &App, actor: &Actor, key: &str, q: &ItemsQuery) -> ApiResult<ItemsPage> {
    let cursor = match &q.cursor {
        Some(c) => Some(Cursor::decode(c).ok_or_else(|| {
            malformed(
                "cursor",
                sinergi_core::msg!("ogc-cursor-invalid", "is not a cursor this server issued"),
            )
        })?),
        None => None,
    };
    let filter = ReportFilter {
        bbox: q.bbox,
        datetime: q.datetime,
        type_key: Some(key.to_string()),
        limit: u32::try_from(q.limit).unwrap_or(sinergi_core::query::MAX_LIMIT),
        cursor,
        ..Default::default()
    };
    let page = app.list_reports(actor, filter).await?;
    Ok(ItemsPage {
        features: page
            .reports
            .iter()
            .zip(&page.forms)
            .map(|(r, f)| report_feature(r, f))
            .collect(),
        next: page.next.map(|c| c.encode()),
        matched: None,
    })
}

/// A report as an OGC feature, in the form the caller receives it: flat properties a GIS
/// table can show (the type's attributes beside the report's own fields; an attribute
/// whose name a field already has is called `attributes.<name>`), and how the record was
/// reduced (`access`, `withheld`, `location_precision`).
pub fn report_feature(r: &Report, form: &Form) -> Value {
    let (access, withheld, precision) = match form {
        Form::Full => ("full", String::new(), "exact".to_string()),
        Form::Shared {
            withheld,
            precision,
        } => (
            "shared",
            withheld.join(","),
            match precision {
                Precision::Exact => "exact".to_string(),
                Precision::Grid(m) => m.to_string(),
                Precision::Region => "region".to_string(),
            },
        ),
    };
    let mut props = Map::new();
    for (k, v) in [
        ("type", json!(r.type_key)),
        ("title", json!(r.title)),
        ("description", json!(r.description)),
        ("occurred_at", json!(r.occurred_at.to_rfc3339())),
        ("sensitivity", json!(r.sensitivity.as_str())),
        ("status", json!(r.status.as_str())),
        ("region_code", json!(r.region_code)),
        ("owner_agency", json!(r.owner_agency_code)),
        ("author", json!(r.author_username)),
        ("version", json!(r.version)),
        (
            "created_at",
            json!(r
                .created_at
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
        ),
        (
            "updated_at",
            json!(r
                .updated_at
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
        ),
        ("access", json!(access)),
        ("withheld", json!(withheld)),
        ("location_precision", json!(precision)),
    ] {
        props.insert(k.to_string(), v);
    }
    for (k, v) in &r.attributes {
        let name = if props.contains_key(k) {
            format!("attributes.{k}")
        } else {
            k.clone()
        };
        props.insert(name, v.clone());
    }
    json!({
        "type": "Feature",
        "id": r.id.to_string(),
        "geometry": r.geometry.to_geojson(),
        "properties": props,
    })
}

/// `datetime` on a collection whose features have no time is refused.
fn untimed(q: &ItemsQuery) -> ApiResult<()> {
    if q.datetime.is_some() {
        return Err(malformed(
            "datetime",
            sinergi_core::msg!("ogc-datetime-untimed", "this collection's features have no time"),
        ));
    }
    Ok(())
}

/// The fences the actor sees (its agency and those below), each as a feature.
async fn area_features(app: &App, actor: &Actor) -> ApiResult<Vec<Value>> {
    let agencies = app.agencies().await?;
    Ok(app
        .fences_for(actor)
        .await?
        .iter()
        .map(|f| area_feature(f, &agencies))
        .collect())
}

fn area_feature(f: &sinergi_core::warning::Fence, agencies: &[sinergi_core::agency::Agency]) -> Value {
    let agency = agencies
        .iter()
        .find(|a| a.id == f.owner_agency_id)
        .map(|a| a.code.to_string())
        .unwrap_or_default();
    json!({
        "type": "Feature",
        "id": f.id.to_string(),
        // A circle as its polygon, as the API's fences.
        "geometry": f.shape.to_geojson(),
        "properties": {
            "name": f.name,
            "kind": f.kind,
            "agency": agency,
            "region_code": f.region_code,
            "active": f.active,
            "version": f.version,
            "created_at": f.created_at.to_rfc3339(),
            "updated_at": f.updated_at.to_rfc3339(),
        },
    })
}

/// The window of the subjects' tracks: `datetime` (an open start reaches back seven days
/// before its end), else the last seven days.
fn track_window(app: &App, datetime: Option<Interval>) -> (DateTime<Utc>, DateTime<Utc>) {
    let iv = datetime.unwrap_or(Interval {
        start: None,
        end: None,
    });
    let until = iv.end.unwrap_or_else(|| app.now());
    let since = iv.start.unwrap_or(until - Duration::days(TRACK_DAYS));
    (since, until)
}

/// A subject's fixes in the window as a line (one fix: a point); `None` without fixes.
async fn subject_track(
    app: &App,
    s: &Subject,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
) -> ApiResult<Option<Value>> {
    let fixes = app.track(s.id, since, until, TRACK_FIXES).await?;
    let coords: Vec<[f64; 2]> = fixes
        .iter()
        .map(|f| [round_coord(f.lon), round_coord(f.lat)])
        .collect();
    let geometry = match coords.as_slice() {
        [] => return Ok(None),
        [one] => json!({"type": "Point", "coordinates": one}),
        _ => json!({"type": "LineString", "coordinates": coords}),
    };
    Ok(Some(json!({
        "type": "Feature",
        "id": s.id.to_string(),
        "geometry": geometry,
        "properties": {
            "name": s.name,
            "species": s.species,
            "kind": s.kind,
            "fixes": fixes.len(),
            "first_fix": fixes.first().map(|f| f.recorded_at.to_rfc3339()),
            "last_fix": fixes.last().map(|f| f.recorded_at.to_rfc3339()),
            "since": since.to_rfc3339(),
            "until": until.to_rfc3339(),
        },
    })))
}

/// A page of a collection read whole (patrols, areas, subjects' tracks): ordered by id,
/// `bbox` on each feature's geometry as delivered (a feature without one is outside every
/// box), the cursor the last id of the page before.
fn in_memory_page(mut features: Vec<Value>, q: &ItemsQuery) -> ApiResult<ItemsPage> {
    let id_of = |f: &Value| f["id"].as_str().unwrap_or_default().to_string();
    features.sort_by_key(id_of);
    if let Some(b) = &q.bbox {
        features.retain(|f| geometry_bbox(&f["geometry"]).is_some_and(|g| b.intersects(&g)));
    }
    let matched = features.len();
    if let Some(c) = &q.cursor {
        if uuid::Uuid::parse_str(c).is_err() {
            return Err(malformed(
                "cursor",
                sinergi_core::msg!("ogc-cursor-invalid", "is not a cursor this server issued"),
            ));
        }
        features.retain(|f| id_of(f).as_str() > c.as_str());
    }
    let more = features.len() > q.limit;
    features.truncate(q.limit);
    let next = if more {
        features.last().map(id_of)
    } else {
        None
    };
    Ok(ItemsPage {
        features,
        next,
        matched: Some(matched),
    })
}

/// The bounding box of a GeoJSON geometry's positions; `None` for none.
pub fn geometry_bbox(g: &Value) -> Option<Bbox> {
    fn walk(v: &Value, b: &mut Option<Bbox>) {
        let Some(arr) = v.as_array() else { return };
        match (arr.first().and_then(Value::as_f64), arr.get(1).and_then(Value::as_f64)) {
            (Some(x), Some(y)) => {
                let p = b.get_or_insert(Bbox {
                    min_lon: x,
                    min_lat: y,
                    max_lon: x,
                    max_lat: y,
                });
                p.min_lon = p.min_lon.min(x);
                p.min_lat = p.min_lat.min(y);
                p.max_lon = p.max_lon.max(x);
                p.max_lat = p.max_lat.max(y);
            }
            _ => arr.iter().for_each(|c| walk(c, b)),
        }
    }
    let mut b = None;
    match g["type"].as_str() {
        Some("GeometryCollection") => {
            for part in g["geometries"].as_array().into_iter().flatten() {
                if let Some(pb) = geometry_bbox(part) {
                    walk(&json!([[pb.min_lon, pb.min_lat], [pb.max_lon, pb.max_lat]]), &mut b);
                }
            }
        }
        _ => walk(&g["coordinates"], &mut b),
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geometry_boxes() {
        let line = json!({"type": "MultiLineString", "coordinates": [[[103.0, -1.5], [103.2, -1.7]], [[102.9, -1.6], [103.1, -1.4]]]});
        let b = geometry_bbox(&line).expect("box");
        assert_eq!((b.min_lon, b.min_lat, b.max_lon, b.max_lat), (102.9, -1.7, 103.2, -1.4));
        let point = json!({"type": "Point", "coordinates": [103.0, -1.5]});
        assert_eq!(geometry_bbox(&point).map(|b| b.max_lat), Some(-1.5));
        assert!(geometry_bbox(&Value::Null).is_none());
    }
}
