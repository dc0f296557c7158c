//! The patrols API: joint patrols with their members, legs (tracks) and computed effort,
//! GPX import and export.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use sinergi_app::patrols::{GpxImport, PatrolExport};
use sinergi_app::AppError;
use sinergi_core::access::Actor;
use sinergi_core::ids::PatrolId;
use sinergi_core::input::Body as _;
use sinergi_core::patrol::body::{NewPatrolBody, PatrolPatchBody};
use sinergi_core::patrol::effort::{distance, hours};
use sinergi_core::patrol::{Leg, Patrol};
use sinergi_core::sharing::{Form, Precision};
use utoipa::IntoParams;
use utoipa_axum::routes;

use super::types::{
    EffortView, PatrolAccessView, GpxImportView, ImportWarning, LegView, MemberView, PatrolList, PatrolView,
    WaypointView,
};
use crate::api_common::{file_response, if_match, parse_json, query_error, route, ApiRoute};
use crate::auth::Authed;
use crate::openapi::{P401, P403, P404, P412, P413, P422, P428};
use crate::problem::{ApiError, ApiResult};
use crate::AppState;

/// The patrol routes, relative to `/api/v1`.
pub(crate) fn routes() -> Vec<ApiRoute> {
    vec![
        route(routes!(list_patrols, create_patrol)),
        route(routes!(export_patrols)),
        route(routes!(get_patrol, patch_patrol)),
        route(routes!(patrol_gpx)),
        route(routes!(import_gpx)),
    ]
    .into_iter()
    .chain(super::findings::routes())
    .collect()
}

fn patrol_id(s: &str) -> ApiResult<PatrolId> {
    PatrolId::parse(s).ok_or(ApiError(AppError::NotFound))
}

/// A patrol as the API shows it, with its legs and effort.
pub(crate) async fn patrol_view(
    st: &AppState,
    p: &Patrol,
    legs: &[Leg],
    form: &Form,
) -> ApiResult<PatrolView> {
    let agencies = st.app.agencies().await?;
    let code = |id: &sinergi_core::ids::AgencyId| {
        agencies
            .iter()
            .find(|a| a.id == *id)
            .map(|a| a.code.to_string())
    };
    let mut members = Vec::with_capacity(p.members.len());
    for m in &p.members {
        let user = match m.user_id {
            Some(u) => st.app.user_by_id(u).await?.map(|u| u.username.to_string()),
            None => None,
        };
        members.push(MemberView {
            agency: code(&m.agency_id),
            user,
            name: m.name.clone(),
            role: m.role.as_str().to_string(),
        });
    }
    let effort = st.app.effort_of(p, legs).await?;
    Ok(PatrolView {
        id: p.id.0,
        title: p.title.clone(),
        agency: code(&p.owner_agency_id),
        mandate: p.mandate.as_str().into(),
        transport: p.transport.as_str().into(),
        status: p.status.as_str().into(),
        sensitivity: p.sensitivity.as_str().into(),
        planned_start: p.planned_start.to_string(),
        planned_end: p.planned_end.to_string(),
        area: p.area.clone(),
        members,
        legs: legs
            .iter()
            .map(|l| LegView {
                id: l.id.0,
                date: l.date.to_string(),
                source: l.source.as_str().into(),
                points: l.track.point_count(),
                distance_km: distance(&l.track),
                hours: hours(&l.track),
                track_sha256: l.track_sha256.clone(),
            })
            .collect(),
        effort: EffortView {
            distance_km: effort.distance_km,
            hours: effort.hours,
            patrol_days: effort.patrol_days,
            person_days: effort.person_days,
            cells: effort.cells.len(),
            area_km2: effort.area_km2(),
        },
        access: match form {
            Form::Full => PatrolAccessView {
                form: "full".into(),
                precision_m: None,
                region_only: false,
            },
            Form::Shared { precision, .. } => PatrolAccessView {
                form: "shared".into(),
                precision_m: match precision {
                    Precision::Grid(m) => Some(*m),
                    _ => None,
                },
                region_only: *precision == Precision::Region,
            },
        },
        version: p.version,
        created_at: p.created_at.to_rfc3339(),
        updated_at: p.updated_at.to_rfc3339(),
    })
}

fn etag(p: &Patrol) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{}\"", p.version)).unwrap_or(HeaderValue::from_static("\"0\""))
}

#[utoipa::path(get, path = "/patrols", tag = "patrols",
    summary = "Patrols your agency organises or takes part in (and those below it)",
    responses((status = 200, description = "Patrols, newest first", body = PatrolList),
        (status = 401, response = P401)))]
async fn list_patrols(State(st): State<AppState>, a: Authed) -> ApiResult<Json<PatrolList>> {
    let mut patrols = Vec::new();
    for (p, legs, form) in st.app.patrols_delivered_for(&a.actor).await? {
        patrols.push(patrol_view(&st, &p, &legs, &form).await?);
    }
    Ok(Json(PatrolList { patrols }))
}

#[utoipa::path(post, path = "/patrols", tag = "patrols",
    summary = "Plan a patrol, with members from several agencies",
    request_body = NewPatrolBody,
    responses((status = 201, description = "The patrol", body = PatrolView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 422, response = P422)))]
async fn create_patrol(
    State(st): State<AppState>,
    a: Authed,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let body = NewPatrolBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let p = st.app.create_patrol(&a.actor, &body).await?;
    let view = patrol_view(&st, &p, &[], &Form::Full).await?;
    let mut resp = (StatusCode::CREATED, Json(view)).into_response();
    resp.headers_mut().insert(header::ETAG, etag(&p));
    if let Ok(loc) = HeaderValue::from_str(&format!("/api/v1/patrols/{}", p.id)) {
        resp.headers_mut().insert(header::LOCATION, loc);
    }
    Ok(resp)
}

#[utoipa::path(get, path = "/patrols/{id}", tag = "patrols",
    summary = "A patrol with its legs and effort",
    params(("id" = String, Path, description = "The patrol's UUID")),
    responses((status = 200, description = "The patrol, with an ETag", body = PatrolView),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn get_patrol(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let (p, legs, form) = st.app.patrol_delivered(&a.actor, patrol_id(&id)?).await?;
    let mut resp = Json(patrol_view(&st, &p, &legs, &form).await?).into_response();
    resp.headers_mut().insert(header::ETAG, etag(&p));
    Ok(resp)
}

#[utoipa::path(patch, path = "/patrols/{id}", tag = "patrols",
    summary = "Change a patrol (its status, members, dates …)",
    params(("id" = String, Path, description = "The patrol's UUID"),
        ("If-Match" = String, Header, description = "The ETag from GET")),
    request_body = PatrolPatchBody,
    responses((status = 200, description = "The changed patrol", body = PatrolView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 412, response = P412),
        (status = 422, response = P422), (status = 428, response = P428)))]
async fn patch_patrol(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let id = patrol_id(&id)?;
    let body = PatrolPatchBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let p = st
        .app
        .update_patrol(&a.actor, id, if_match(&headers), &body)
        .await?;
    let (p, legs, form) = st.app.patrol_delivered(&a.actor, p.id).await?;
    let mut resp = Json(patrol_view(&st, &p, &legs, &form).await?).into_response();
    resp.headers_mut().insert(header::ETAG, etag(&p));
    Ok(resp)
}

#[utoipa::path(get, path = "/patrols/{id}/track.gpx", tag = "patrols",
    summary = "A patrol's tracks as GPX 1.1",
    params(("id" = String, Path, description = "The patrol's UUID")),
    responses((status = 200, description = "GPX 1.1", body = String, content_type = "application/gpx+xml"),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn patrol_gpx(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = patrol_id(&id)?;
    let gpx = st.app.patrol_gpx(&a.actor, id).await?;
    Ok(file_response(
        gpx.into_bytes(),
        "application/gpx+xml",
        &format!("patroli-{id}.gpx"),
        "attachment",
    ))
}

/// The format of a patrol export.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct PatrolExportQuery {
    /// geojson (default), csv or kml
    pub format: Option<String>,
}

#[utoipa::path(get, path = "/patrols/export", tag = "patrols",
    summary = "The patrols you see with their effort: GeoJSON (tracks as MultiLineString), CSV or KML",
    params(PatrolExportQuery),
    responses(
        (status = 200, description = "GeoJSON FeatureCollection", body = String, content_type = "application/geo+json"),
        (status = 401, response = P401), (status = 422, response = P422)))]
async fn export_patrols(
    State(st): State<AppState>,
    a: Authed,
    q: Result<Query<PatrolExportQuery>, QueryRejection>,
) -> ApiResult<Response> {
    let Query(q) = q.map_err(query_error)?;
    let format = match q.format.as_deref() {
        None => PatrolExport::GeoJson,
        Some(f) => PatrolExport::parse(f).ok_or_else(|| {
            ApiError(AppError::field("format", "must be geojson, csv or kml"))
        })?,
    };
    let text = st.app.export_patrols(&a.actor, format).await?;
    Ok(file_response(
        text.into_bytes(),
        format.content_type(),
        &format!("patroli.{}", format.extension()),
        "attachment",
    ))
}

/// Which patrol an import adds to.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct GpxImportQuery {
    /// The patrol's UUID; without it, a new patrol of your agency is made from the file.
    pub patrol: Option<String>,
}

/// What an import stored, as the API shows it.
pub(crate) async fn import_view(
    st: &AppState,
    actor: &Actor,
    r: &GpxImport,
) -> ApiResult<GpxImportView> {
    let (p, legs, form) = st.app.patrol_delivered(actor, r.patrol.id).await?;
    Ok(GpxImportView {
        patrol: patrol_view(st, &p, &legs, &form).await?,
        created_patrol: r.created_patrol,
        legs: r.legs.iter().map(|l| l.id.0).collect(),
        duplicates: r.duplicates.iter().map(|l| l.0).collect(),
        warnings: r
            .warnings
            .iter()
            .map(|w| ImportWarning {
                field: w.field.clone(),
                message: w.message.to_string(),
            })
            .collect(),
        waypoints: r
            .waypoints
            .iter()
            .map(|w| WaypointView {
                lon: w.lon,
                lat: w.lat,
                name: w.name.clone(),
                description: w.desc.clone(),
                time: w.time.map(|t| t.to_rfc3339()),
            })
            .collect(),
    })
}

#[utoipa::path(post, path = "/imports/gpx", tag = "patrols",
    summary = "Import a handheld GPS's GPX file: each track a leg of the patrol; the same track twice is stored once",
    params(GpxImportQuery),
    request_body(content = String, content_type = "application/gpx+xml", description = "GPX 1.1 or 1.0"),
    responses((status = 201, description = "What was stored", body = GpxImportView),
        (status = 200, description = "Every track was stored before; nothing was added", body = GpxImportView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 413, response = P413),
        (status = 422, response = P422)))]
async fn import_gpx(
    State(st): State<AppState>,
    a: Authed,
    q: Result<Query<GpxImportQuery>, QueryRejection>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let Query(q) = q.map_err(query_error)?;
    let patrol = q.patrol.as_deref().map(patrol_id).transpose()?;
    let bytes = body.map_err(|rej| {
        if rej.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError(AppError::PayloadTooLarge("the file is too large".into()))
        } else {
            ApiError(AppError::field("body", rej.body_text()))
        }
    })?;
    let r = st.app.import_gpx(&a.actor, patrol, &bytes, st.app.now()).await?;
    let status = if r.legs.is_empty() && !r.created_patrol {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(import_view(&st, &a.actor, &r).await?)).into_response())
}
