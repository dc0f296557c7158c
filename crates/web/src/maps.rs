//! The maps' geography, public like the static files (it holds no records):
//! `/boundaries?bbox=&zoom=`, the shipped boundaries of one view at the level that fits
//! the zoom, simplified for it (ADR 19), and `/tiles/{z}/{x}/{y}.{ext}`, the base map's
//! tiles from the administrator's MBTiles file (`[maps] basemap_file`).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use serde_json::{json, Value};
use sinergi_core::error::ValidationErrors;
use sinergi_regions::{pixel_degrees, Bbox, Level};

use crate::api_common::query_error;
use crate::i18n::{k, tr, Lang};
use crate::problem::ApiError;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/boundaries", get(boundaries))
        .route("/tiles/{z}/{x}/{file}", get(tile))
}

/// From this zoom the land is drawn as regencies (before: provinces).
pub const REGENCY_ZOOM: u8 = 7;
/// From this zoom district boundaries are added (where shipped).
pub const DISTRICT_ZOOM: u8 = 10;
/// From this zoom villages are added, as points at their centres (they have no shipped
/// boundaries).
pub const VILLAGE_ZOOM: u8 = 12;
/// The widest box answered, in 256-pixel tiles at the zoom asked: a view of a large
/// screen with half a screen around it fits; the whole country at a close zoom does not.
const MAX_TILES_ACROSS: f64 = 24.0;
const MAX_ZOOM: u8 = 20;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BoundaryQuery {
    bbox: Option<String>,
    zoom: Option<String>,
}

/// Reads `bbox=w,s,e,n` and `zoom=z`, naming each field at fault.
fn read_query(q: &BoundaryQuery) -> Result<(Bbox, u8), ValidationErrors> {
    let mut errs = ValidationErrors::new();
    let zoom = match q.zoom.as_deref().map(str::trim) {
        None | Some("") => {
            errs.push("zoom", "is required: a map zoom level from 0 to 20");
            None
        }
        Some(z) => match z.parse::<f64>() {
            Ok(z) if z.is_finite() && (0.0..=f64::from(MAX_ZOOM)).contains(&z) => {
                // A fractional zoom draws at the level below it.
                Some(z.floor() as u8)
            }
            _ => {
                errs.push("zoom", "must be a map zoom level from 0 to 20");
                None
            }
        },
    };
    let bbox = match q.bbox.as_deref() {
        None | Some("") => {
            errs.push("bbox", "is required: west,south,east,north in degrees");
            None
        }
        Some(text) => {
            let n: Vec<Option<f64>> = text
                .split(',')
                .map(|x| x.trim().parse::<f64>().ok().filter(|v| v.is_finite()))
                .collect();
            match n.as_slice() {
                [Some(w), Some(s), Some(e), Some(n)]
                    if (-180.0..=180.0).contains(w)
                        && (-180.0..=180.0).contains(e)
                        && (-90.0..=90.0).contains(s)
                        && (-90.0..=90.0).contains(n)
                        && w < e
                        && s < n =>
                {
                    Some(Bbox {
                        west: *w,
                        south: *s,
                        east: *e,
                        north: *n,
                    })
                }
                _ => {
                    errs.push(
                        "bbox",
                        "must be west,south,east,north in degrees, west below east and south below north",
                    );
                    None
                }
            }
        }
    };
    if let (Some(b), Some(z)) = (bbox, zoom) {
        let span = pixel_degrees(z) * 256.0 * MAX_TILES_ACROSS;
        if b.east - b.west > span || b.north - b.south > span {
            errs.push(
                "bbox",
                format!("is too large for zoom {z}: at most {span:.4} degrees across"),
            );
        }
    }
    match (bbox, zoom) {
        (Some(b), Some(z)) if errs.is_empty() => Ok((b, z)),
        _ => Err(errs),
    }
}

/// Rounds to what a pixel at the zoom can show (a few more digits than that would only
/// cost bytes).
fn rounder(zoom: u8) -> impl Fn(f64) -> f64 {
    let digits = (1.0 / pixel_degrees(zoom)).log10().ceil().clamp(2.0, 6.0);
    let scale = 10f64.powf(digits);
    move |x: f64| (x * scale).round() / scale
}

/// The boundaries of one map view as a GeoJSON FeatureCollection. Each feature has
/// `code`, `name`, `level` (`province`, `regency`, `district`, `village`) and, for
/// polygons, `label`: the region's centre `[lon, lat]` where its name goes. The land is
/// provinces below zoom 7 and regencies from there; districts are added from zoom 10
/// and villages (points) from zoom 12.
async fn boundaries(
    State(st): State<AppState>,
    q: Result<Query<BoundaryQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = q.map_err(query_error)?;
    let (bbox, zoom) = read_query(&q)?;
    let g = st.app.gazetteer();
    let round = rounder(zoom);
    let mut features = Vec::new();
    let mut levels = vec![if zoom < REGENCY_ZOOM {
        Level::Province
    } else {
        Level::Regency
    }];
    if zoom >= DISTRICT_ZOOM {
        levels.push(Level::District);
    }
    for level in levels {
        for o in g.outlines_in(level, bbox, zoom) {
            let coordinates: Vec<Vec<Vec<[f64; 2]>>> = o
                .polygons
                .iter()
                .map(|rings| {
                    rings
                        .iter()
                        .map(|ring| {
                            let mut r: Vec<[f64; 2]> =
                                ring.iter().map(|p| [round(p[0]), round(p[1])]).collect();
                            r.dedup();
                            r
                        })
                        .filter(|r| r.len() >= 4)
                        .collect::<Vec<_>>()
                })
                .filter(|rings: &Vec<Vec<[f64; 2]>>| !rings.is_empty())
                .collect();
            if coordinates.is_empty() {
                continue;
            }
            features.push(json!({
                "type": "Feature",
                "properties": {
                    "code": o.region.code,
                    "name": o.region.name,
                    "level": o.region.level.as_str(),
                    "label": [round(o.region.lon), round(o.region.lat)],
                },
                "geometry": {"type": "MultiPolygon", "coordinates": coordinates},
            }));
        }
    }
    if zoom >= VILLAGE_ZOOM {
        for r in g.centres_in(Level::Village, bbox) {
            features.push(json!({
                "type": "Feature",
                "properties": {"code": r.code, "name": r.name, "level": "village"},
                "geometry": {"type": "Point", "coordinates": [round(r.lon), round(r.lat)]},
            }));
        }
    }
    let body = json!({"type": "FeatureCollection", "features": features});
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/geo+json"),
            ),
            // The boundaries are compiled into the binary: the same view is the same answer.
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ),
        ],
        body.to_string(),
    )
        .into_response())
}

/// One base-map tile, `{y}` counted from the north as in XYZ URLs (the MBTiles file
/// counts from the south; the store turns it round). 404 for a tile the file does not
/// have, or when no base-map file is configured.
async fn tile(
    State(st): State<AppState>,
    Path((z, x, file)): Path<(String, String, String)>,
) -> Response {
    let Some((y, ext)) = file.split_once('.') else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let (Ok(z), Ok(x), Ok(y)) = (z.parse::<u8>(), x.parse::<u32>(), y.parse::<u32>()) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match st.app.basemap_tile(z, x, y).await {
        Ok(Some(tile)) if tile.format.extension() == ext => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(tile.format.content_type()),
                ),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=86400"),
                ),
            ],
            tile.data,
        )
            .into_response(),
        Ok(_) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => ApiError(e).into_response(),
    }
}

/// The tile layers a page's map offers (`kind`, `url`, `attribution`, `max_native_zoom`,
/// `min_native_zoom`, `bounds`), the first shown at start; empty for the shipped
/// boundaries alone.
pub fn tile_layers(st: &AppState) -> Value {
    Value::Array(
        st.app
            .tile_layers()
            .into_iter()
            .map(|l| {
                json!({
                    "kind": l.kind,
                    "url": l.url,
                    "attribution": l.attribution,
                    "max_native_zoom": l.max_native_zoom,
                    "min_native_zoom": l.min_native_zoom,
                    "bounds": l.bounds,
                })
            })
            .collect(),
    )
}

/// The origin of an XYZ tile URL for the Content-Security-Policy, e.g.
/// `https://tile.openstreetmap.org`; a `{s}` subdomain becomes `*`. `None` when the host
/// has another placeholder or characters a policy cannot hold.
pub fn tile_origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme != "https" && scheme != "http" {
        return None;
    }
    let host = rest.split('/').next()?.replace("{s}", "*");
    let ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '*'));
    ok.then(|| format!("{scheme}://{host}"))
}

/// The settings every map of a page reads from `#peta-dasar` (`templates/peta_dasar.html`):
/// the tile layers and the words of the place search and the layer switch.
pub(crate) fn page_settings(st: &AppState, lang: Lang) -> Value {
    json!({
        "layers": tile_layers(st),
        "text": {
            "search_label": tr(lang, k!("map_search_label")),
            "search_placeholder": tr(lang, k!("map_search_placeholder")),
            "search_button": tr(lang, k!("map_search_button")),
            "search_none": tr(lang, k!("map_search_none")),
            "search_failed": tr(lang, k!("map_search_failed")),
            "layer_local": tr(lang, k!("map_layer_local")),
            "layer_online": tr(lang, k!("map_layer_online")),
            "levels": {
                "province": tr(lang, k!("map_level_province")),
                "regency": tr(lang, k!("map_level_regency")),
                "district": tr(lang, k!("map_level_district")),
                "village": tr(lang, k!("map_level_village")),
            },
            "covers_villages": tr(lang, k!("map_covers_villages")),
            "covers_centre": tr(lang, k!("map_covers_centre")),
            "covers_none": tr(lang, k!("map_covers_none")),
            "covers_more": tr(lang, k!("map_covers_more")),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(bbox: &str, zoom: &str) -> Result<(Bbox, u8), Vec<String>> {
        read_query(&BoundaryQuery {
            bbox: Some(bbox.into()),
            zoom: Some(zoom.into()),
        })
        .map_err(|e| e.errors.into_iter().map(|f| f.field).collect())
    }

    #[test]
    fn a_tile_server_origin_for_the_policy() {
        assert_eq!(
            tile_origin("https://tile.openstreetmap.org/{z}/{x}/{y}.png").as_deref(),
            Some("https://tile.openstreetmap.org")
        );
        assert_eq!(
            tile_origin("https://{s}.tile.example.org:8443/{z}/{x}/{y}.png").as_deref(),
            Some("https://*.tile.example.org:8443")
        );
        assert_eq!(tile_origin("https://a b/{z}/{x}/{y}"), None);
        assert_eq!(tile_origin("ftp://x/{z}/{x}/{y}"), None);
    }

    #[test]
    fn the_query_names_the_field_at_fault() {
        assert_eq!(q("101,-2.5,102,-1.5", "10.75").map(|x| x.1), Ok(10));
        assert_eq!(q("101,-2.5,102", "10"), Err(vec!["bbox".into()]));
        assert_eq!(q("102,-2.5,101,-1.5", "10"), Err(vec!["bbox".into()]));
        assert_eq!(q("101,-2.5,102,-1.5", "x"), Err(vec!["zoom".into()]));
        assert_eq!(q("101,-2.5,102,-1.5", "21"), Err(vec!["zoom".into()]));
        assert_eq!(q("a,b,c,d", "-1"), Err(vec!["zoom".into(), "bbox".into()]));
        // The whole country at a street's zoom is refused.
        assert_eq!(q("95,-11,141,6", "14"), Err(vec!["bbox".into()]));
        assert!(q("95,-11,141,6", "4").is_ok());
    }
}
