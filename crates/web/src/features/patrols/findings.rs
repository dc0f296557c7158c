//! The API of what patrols found: a patrol's observations (waypoints to confirm or
//! dismiss) and findings (reports linked to it), and the effort and findings of the
//! patrols one sees over a period, with its coverage map.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use sinergi_app::AppError;
use sinergi_core::access::Actor;
use sinergi_core::ids::{PatrolId, ReportId};
use sinergi_core::input::Body as _;
use sinergi_core::patrol::body::{FindingLinkBody, ObservationDecisionBody};
use sinergi_core::patrol::effort::FindingRate;
use sinergi_core::patrol::summary::{read_query, GroupBy, Summary, SummaryRow};
use utoipa::IntoParams;
use utoipa_axum::routes;

use super::types::{
    FindingView, FindingsView, ObservationList, ObservationView, RateView, SummaryRowView,
    SummaryView,
};
use crate::api_common::{parse_json, query_error, route, ApiRoute};
use crate::auth::Authed;
use crate::openapi::{P401, P403, P404, P422};
use crate::problem::{ApiError, ApiResult};
use crate::AppState;

pub(crate) fn routes() -> Vec<ApiRoute> {
    vec![
        route(routes!(list_observations)),
        route(routes!(decide_observation)),
        route(routes!(list_findings, link_finding)),
        route(routes!(patrol_summary)),
        route(routes!(patrol_coverage)),
        route(routes!(super::report_pdf::api_pdf)),
    ]
}

fn patrol_id(s: &str) -> ApiResult<PatrolId> {
    PatrolId::parse(s).ok_or(ApiError(AppError::NotFound))
}

fn rates(m: &std::collections::BTreeMap<String, FindingRate>) -> Vec<RateView> {
    m.iter()
        .map(|(k, r)| RateView {
            report_type: k.clone(),
            count: r.count,
            per_100_km: r.per_100_km,
            per_patrol_day: r.per_patrol_day,
        })
        .collect()
}

/// A patrol's observations as the API shows them.
pub(crate) async fn observations_view(
    st: &AppState,
    actor: &Actor,
    id: PatrolId,
) -> ApiResult<ObservationList> {
    let list = st.app.patrol_observations(actor, id).await?;
    Ok(ObservationList {
        observations: list
            .into_iter()
            .map(|(o, state)| ObservationView {
                id: o.id.0,
                lon: o.lon,
                lat: o.lat,
                time: o.observed_at.map(|t| t.to_rfc3339()),
                name: o.name,
                description: o.description,
                state: state.as_str().into(),
                report: (state == sinergi_core::patrol::observation::ObservationState::Confirmed)
                    .then(|| format!("/api/v1/reports/{}", o.id)),
            })
            .collect(),
    })
}

#[utoipa::path(get, path = "/patrols/{id}/observations", tag = "patrols",
    summary = "A patrol's observations: waypoints to confirm as reports (a report with the observation's id confirms it) or dismiss",
    params(("id" = String, Path, description = "The patrol's UUID")),
    responses((status = 200, description = "Observations, by time", body = ObservationList),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn list_observations(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<ObservationList>> {
    Ok(Json(observations_view(&st, &a.actor, patrol_id(&id)?).await?))
}

#[utoipa::path(post, path = "/patrols/{id}/observations/{observation}", tag = "patrols",
    summary = "Dismiss an observation, or take the dismissal back",
    params(("id" = String, Path, description = "The patrol's UUID"),
        ("observation" = String, Path, description = "The observation's UUID")),
    request_body = ObservationDecisionBody,
    responses((status = 204, description = "Done"),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 422, response = P422)))]
async fn decide_observation(
    State(st): State<AppState>,
    a: Authed,
    Path((id, observation)): Path<(String, String)>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<StatusCode> {
    let id = patrol_id(&id)?;
    let obs = ReportId::parse(&observation).ok_or(ApiError(AppError::NotFound))?;
    let body = ObservationDecisionBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let dismissed = body.check().map_err(AppError::from)?;
    st.app.dismiss_observation(&a.actor, id, obs, dismissed).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A patrol's findings as the API shows them.
pub(crate) async fn findings_view(
    st: &AppState,
    actor: &Actor,
    id: PatrolId,
) -> ApiResult<FindingsView> {
    let f = st.app.patrol_findings(actor, id).await?;
    Ok(FindingsView {
        findings: f
            .findings
            .iter()
            .map(|x| FindingView {
                report: x.report_id.0,
                report_type: x.type_key.clone(),
                title: x.title.clone(),
                occurred_at: x.occurred_at.to_rfc3339(),
                href: format!("/api/v1/reports/{}", x.report_id),
            })
            .collect(),
        by_type: rates(&f.by_type),
    })
}

#[utoipa::path(get, path = "/patrols/{id}/findings", tag = "patrols",
    summary = "A patrol's findings you may see, with findings per 100 km and per patrol-day by type",
    params(("id" = String, Path, description = "The patrol's UUID")),
    responses((status = 200, description = "Findings, newest first", body = FindingsView),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn list_findings(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<FindingsView>> {
    Ok(Json(findings_view(&st, &a.actor, patrol_id(&id)?).await?))
}

#[utoipa::path(post, path = "/patrols/{id}/findings", tag = "patrols",
    summary = "Link a report (one you see in full) to a patrol as its finding",
    params(("id" = String, Path, description = "The patrol's UUID")),
    request_body = FindingLinkBody,
    responses((status = 201, description = "Linked; the patrol's findings", body = FindingsView),
        (status = 200, description = "It was linked already; the patrol's findings", body = FindingsView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 422, response = P422)))]
async fn link_finding(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let id = patrol_id(&id)?;
    let body = FindingLinkBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let report = body.check().map_err(AppError::from)?;
    let fresh = st.app.link_finding(&a.actor, id, report).await?;
    let status = if fresh {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(findings_view(&st, &a.actor, id).await?)).into_response())
}

/// A summary's period and grouping.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct SummaryQuery {
    /// The first day (YYYY-MM-DD); the first of `to`'s month by default.
    pub from: Option<String>,
    /// The last day (YYYY-MM-DD), at most 366 days after `from`; today by default.
    pub to: Option<String>,
    /// month (default), agency, area, leader or patrol.
    pub group: Option<String>,
}

/// Reads the period, today being the server's date in WIB.
fn period(st: &AppState, q: &SummaryQuery) -> ApiResult<(chrono::NaiveDate, chrono::NaiveDate, GroupBy)> {
    let today = st
        .app
        .now()
        .with_timezone(&sinergi_core::time::Zone::Wib.offset())
        .date_naive();
    read_query(q.from.as_deref(), q.to.as_deref(), q.group.as_deref(), today)
        .map_err(|e| ApiError(AppError::Validation(e)))
}

/// A summary as the API shows it: agencies by code, everything else by its key.
pub(crate) async fn summary_view(
    st: &AppState,
    s: &Summary,
    group: GroupBy,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> ApiResult<SummaryView> {
    let agencies = st.app.agencies().await?;
    let row = |r: &SummaryRow| {
        let key = match group {
            GroupBy::Agency => agencies
                .iter()
                .find(|a| a.id.to_string() == r.key)
                .map_or_else(|| r.key.clone(), |a| a.code.to_string()),
            _ => r.key.clone(),
        };
        SummaryRowView {
            key,
            patrols: r.patrols,
            distance_km: r.effort.distance_km,
            hours: r.effort.hours,
            patrol_days: r.effort.patrol_days,
            person_days: r.effort.person_days,
            cells: r.effort.cells.len(),
            area_km2: r.effort.area_km2(),
            findings: r.findings,
            per_100_km: r.total.and_then(|t| t.per_100_km),
            per_patrol_day: r.total.and_then(|t| t.per_patrol_day),
            by_type: rates(&r.by_type),
        }
    };
    Ok(SummaryView {
        group: group.as_str().into(),
        from: from.to_string(),
        to: to.to_string(),
        rows: s.rows.iter().map(row).collect(),
        total: row(&s.total),
    })
}

#[utoipa::path(get, path = "/patrols/summary", tag = "patrols",
    summary = "Effort and findings of the patrols you see over a period, by month, agency, area, leader or patrol",
    params(SummaryQuery),
    responses((status = 200, description = "One row per group and the total", body = SummaryView),
        (status = 401, response = P401), (status = 422, response = P422)))]
async fn patrol_summary(
    State(st): State<AppState>,
    a: Authed,
    q: Result<Query<SummaryQuery>, QueryRejection>,
) -> ApiResult<Json<SummaryView>> {
    let Query(q) = q.map_err(query_error)?;
    let (from, to, group) = period(&st, &q)?;
    let s = st.app.patrol_summary(&a.actor, group, from, to).await?;
    Ok(Json(summary_view(&st, &s, group, from, to).await?))
}

/// The covered cells as a GeoJSON FeatureCollection of squares.
pub(crate) fn coverage_geojson(cells: &[sinergi_core::patrol::effort::Cell]) -> Value {
    let features: Vec<Value> = cells
        .iter()
        .map(|c| {
            let [w, s, e, n] = c.bounds();
            json!({
                "type": "Feature",
                "id": c.key(),
                "geometry": {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]},
                "properties": {"cell": c.key(), "area_km2": c.area_km2()},
            })
        })
        .collect();
    json!({"type": "FeatureCollection", "features": features})
}

/// A coverage period.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct CoverageQuery {
    /// The first day (YYYY-MM-DD); the first of `to`'s month by default.
    pub from: Option<String>,
    /// The last day (YYYY-MM-DD); today by default.
    pub to: Option<String>,
}

#[utoipa::path(get, path = "/patrols/coverage", tag = "patrols",
    summary = "The 1 km grid cells the patrols you see covered over a period (a coverage map)",
    params(CoverageQuery),
    responses((status = 200, description = "GeoJSON FeatureCollection of cells", body = String, content_type = "application/geo+json"),
        (status = 401, response = P401), (status = 422, response = P422)))]
async fn patrol_coverage(
    State(st): State<AppState>,
    a: Authed,
    q: Result<Query<CoverageQuery>, QueryRejection>,
) -> ApiResult<Response> {
    let Query(q) = q.map_err(query_error)?;
    let (from, to, _) = period(
        &st,
        &SummaryQuery {
            from: q.from,
            to: q.to,
            group: None,
        },
    )?;
    let cells = st.app.patrol_coverage(&a.actor, from, to).await?;
    let mut resp = Json(coverage_geojson(&cells)).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/geo+json"),
    );
    Ok(resp)
}
