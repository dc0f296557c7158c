//! A campaign on the map (issue 12): each unit's region drawn from the shipped
//! boundaries, with its reporting and on-time rates and, per index, the band of its
//! latest scored period — `GET /api/v1/campaigns/{id}/map` (GeoJSON, what QGIS or
//! GDAL read) and the map on the campaign's page, coloured by rate or by band. Only the
//! rows the caller sees are drawn (a unit's agency sees its own).

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use sinergi_app::campaigns::CampaignView;
use sinergi_app::AppError;
use sinergi_core::campaign::{CampaignId, Rates};
use utoipa_axum::routes;

use super::types::IndexView;
use crate::api_common::{route, ApiRoute};
use crate::auth::Authed;
use crate::features::plans::api::agency_codes;
use crate::openapi::{P401, P404};
use crate::problem::{ApiError, ApiResult};
use crate::AppState;

pub(crate) fn routes() -> Vec<ApiRoute> {
    vec![route(routes!(campaign_map))]
}

/// The zoom the regions' outlines are simplified for: a province's regencies on a
/// phone-sized map.
const OUTLINE_ZOOM: u8 = 8;

/// The class a reporting rate is coloured by: `90` (90 % or more), `75`, `50`, `0`, or
/// `none` when no period is due yet.
pub(crate) fn rate_class(r: &Rates) -> &'static str {
    match r.reporting_rate() {
        None => "none",
        Some(x) if x >= 90.0 => "90",
        Some(x) if x >= 75.0 => "75",
        Some(x) if x >= 50.0 => "50",
        Some(_) => "0",
    }
}

/// The campaign's units as a GeoJSON FeatureCollection.
pub(crate) fn features(
    st: &AppState,
    v: &CampaignView,
    codes: &std::collections::HashMap<sinergi_core::ids::AgencyId, String>,
    indices: &[IndexView],
) -> Value {
    let g = st.app.gazetteer();
    let mut out = Vec::new();
    for row in &v.rows {
        let code = row.unit.region_code.as_str();
        let Some(region) = g.get(code) else { continue };
        let geometry = g
            .extent(code)
            .and_then(|bbox| {
                g.outlines_in(region.level, bbox, OUTLINE_ZOOM)
                    .into_iter()
                    .find(|o| o.region.code == code)
            })
            .map(|o| json!({"type": "MultiPolygon", "coordinates": o.polygons}))
            // A region without a shipped boundary is drawn at its centre.
            .unwrap_or_else(|| json!({"type": "Point", "coordinates": [region.lon, region.lat]}));
        let mut bands = serde_json::Map::new();
        for x in indices {
            let latest = x
                .units
                .iter()
                .find(|u| u.unit.region == code && Some(&u.unit.agency) == codes.get(&row.unit.agency_id))
                .and_then(|u| u.scores.iter().rev().find(|s| s.score.is_some()));
            if let Some(s) = latest {
                let position = x
                    .bands
                    .iter()
                    .position(|b| Some(&b.label) == s.band.as_ref());
                bands.insert(
                    x.name.clone(),
                    json!({"period": s.period, "score": s.score, "band": s.band, "band_index": position}),
                );
            }
        }
        out.push(json!({
            "type": "Feature",
            "geometry": geometry,
            "properties": {
                "region": code,
                "region_name": row.region_name,
                "agency": row.agency_code,
                "expected": row.rates.expected,
                "received": row.rates.received,
                "on_time": row.rates.on_time,
                "reporting_rate": row.rates.reporting_rate(),
                "on_time_rate": row.rates.on_time_rate(),
                "rate_class": rate_class(&row.rates),
                "indices": bands,
            }
        }));
    }
    json!({"type": "FeatureCollection", "features": out})
}

#[utoipa::path(get, path = "/campaigns/{id}/map", tag = "forms",
    summary = "A campaign's units on the map: each unit's region (GeoJSON MultiPolygon from the shipped boundaries) with its reporting and on-time rates and, per index, its latest score and band",
    params(("id" = String, Path, description = "The campaign's UUID")),
    responses((status = 200, description = "GeoJSON FeatureCollection of units", body = String, content_type = "application/geo+json"),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn campaign_map(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = CampaignId::parse(&id).ok_or(ApiError(AppError::NotFound))?;
    let v = st.app.campaign_view(&a.actor, id).await?;
    let codes = agency_codes(&st).await?;
    let results = st.app.campaign_indices(&v).await?;
    let indices = super::api::index_views(&v, &results);
    let body = features(&st, &v, &codes, &indices).to_string();
    Ok((
        [(header::CONTENT_TYPE, HeaderValue::from_static("application/geo+json"))],
        body,
    )
        .into_response())
}
