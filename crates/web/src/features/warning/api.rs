//! The early-warning API: fixes in (JSON, Movebank CSV, FIRMS CSV), subjects, devices,
//! fences, rules and webhooks, alerts with their response, and the live alert stream
//! (Server-Sent Events).

use std::convert::Infallible;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures_util::stream::{self, Stream, StreamExt};
use serde::Deserialize as _;
use serde_json::{json, Value};
use sinergi_app::events::{LiveEvent, Missed};
use sinergi_app::warning::{AlertListFilter, AlertView};
use sinergi_app::AppError;
use sinergi_core::geometry::round_coord;
use sinergi_core::input::Body;
use sinergi_core::warning::body::{
    AlertStep, FenceChanges, NewDeployment, NewDevice, NewFence, NewRule, NewSubject, NewWebhook,
};
use sinergi_core::warning::{AlertId, AlertStatus, Fence, FenceId, Rule, RuleId, SubjectId};
use utoipa_axum::routes;

use super::types::{
    ActiveFlag, AlertDetail, AlertDto, AlertList, AlertQuery, DeployAnswer, DeploymentView,
    DeviceList, DeviceView, DeviceWithDeployments, DryRun, FenceCollection, FenceFeature,
    FixRequest, HeldFixView, HeldList, ImportView, IngestView, RecipientsView, RuleList, RuleView,
    SubjectList, SubjectView, TrackFeature, TrackProperties, TrackQuery, WebhookList, WebhookView,
};
use crate::api_common::{if_match, parse_json, query_error, route, ApiRoute};
use crate::auth::Authed;
use crate::openapi::{P401, P403, P404, P409, P412, P413, P422, P428, P503};
use crate::problem::{ApiError, ApiResult};
use crate::AppState;

/// The early-warning routes, relative to `/api/v1`.
pub(crate) fn routes() -> Vec<ApiRoute> {
    vec![
        route(routes!(post_observations)),
        route(routes!(held)),
        route(routes!(import_movebank)),
        route(routes!(import_firms)),
        route(routes!(list_subjects, create_subject)),
        route(routes!(track)),
        route(routes!(track_movebank)),
        route(routes!(track_gpx)),
        route(routes!(list_devices, create_device)),
        route(routes!(deploy)),
        route(routes!(list_fences, create_fence)),
        route(routes!(get_fence, patch_fence)),
        route(routes!(fence_active)),
        route(routes!(list_rules, create_rule)),
        route(routes!(rule_active)),
        route(routes!(list_webhooks, create_webhook)),
        route(routes!(list_alerts)),
        route(routes!(stream_alerts)),
        route(routes!(get_alert)),
        route(routes!(acknowledge)),
        route(routes!(act)),
        route(routes!(close)),
    ]
}

fn csv_text(body: Result<Bytes, BytesRejection>) -> ApiResult<String> {
    let bytes = body.map_err(|rej| {
        if rej.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError(AppError::PayloadTooLarge("the file is too large".into()))
        } else {
            ApiError(AppError::field("body", rej.body_text()))
        }
    })?;
    String::from_utf8(bytes.to_vec()).map_err(|e| {
        ApiError(AppError::field(
            "body",
            format!("the file is not UTF-8 text: {e}"),
        ))
    })
}

#[utoipa::path(post, path = "/observations", tag = "tracking",
    summary = "Fixes in: a JSON array; per fix stored, held (a device that is unknown, not deployed, or another agency's: held for your agency, never joining another agency's animal), duplicate or refused with the reason; idempotent on (device, recorded_at, sender's claim). One audit entry per batch. 503 (with Retry-After) when an earlier batch could not be stored and the engine is being rebuilt: nothing of this batch was stored; send it again",
    request_body(content = Vec<FixRequest>, description = "Up to 50,000 fixes"),
    responses((status = 200, description = "Per-fix results and counts", body = IngestView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 413, response = P413), (status = 422, response = P422),
        (status = 503, response = P503)))]
async fn post_observations(
    State(st): State<AppState>,
    a: Authed,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<IngestView>> {
    let bytes = body.map_err(|rej| {
        if rej.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError(AppError::PayloadTooLarge(
                "the request body is too large".into(),
            ))
        } else {
            ApiError(AppError::field("body", rej.body_text()))
        }
    })?;
    let inputs = sinergi_core::observation::parse_fix_batch_bytes(&bytes, st.app.now())
        .map_err(|msg| AppError::field("body", msg))?;
    let report = st.app.ingest_fixes(Some(&a.actor), inputs, "http").await?;
    Ok(Json(IngestView::from(&report)))
}

#[utoipa::path(get, path = "/observations/held", tag = "tracking",
    summary = "Fixes held for an unknown, undeployed or another agency's device: `{held: [...]}`, each with `submitted_by` (user name or `operator`) and `submitted_by_agency` where you may know them (your agency's, or below it); other agencies' held fixes rounded to 0.1° without their sender",
    responses((status = 200, description = "Held fixes", body = HeldList),
        (status = 401, response = P401), (status = 403, response = P403)))]
async fn held(State(st): State<AppState>, a: Authed) -> ApiResult<Json<HeldList>> {
    let held = st.app.held_fixes(&a.actor).await?;
    Ok(Json(HeldList {
        held: held.iter().map(HeldFixView::from).collect(),
    }))
}

#[utoipa::path(post, path = "/imports/movebank", tag = "tracking",
    summary = "Import a Movebank CSV export (hyphen or underscore column names); bad rows named by line",
    params(DryRun),
    request_body(content = String, content_type = "text/csv", description = "Movebank CSV"),
    responses((status = 200, description = "Counts and row errors", body = ImportView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 413, response = P413), (status = 422, response = P422)))]
async fn import_movebank(
    State(st): State<AppState>,
    a: Authed,
    q: Result<Query<DryRun>, QueryRejection>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<ImportView>> {
    let Query(q) = q.map_err(query_error)?;
    let text = csv_text(body)?;
    let r = st
        .app
        .import_movebank(Some(&a.actor), &text, q.dry_run.unwrap_or(false))
        .await?;
    Ok(Json(ImportView::from(&r)))
}

#[utoipa::path(post, path = "/imports/firms", tag = "tracking",
    summary = "Import NASA FIRMS VIIRS/MODIS hotspots; each new one inside a watched area raises a fire alert",
    params(DryRun),
    request_body(content = String, content_type = "text/csv", description = "FIRMS CSV"),
    responses((status = 200, description = "Counts and row errors", body = ImportView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 413, response = P413), (status = 422, response = P422)))]
async fn import_firms(
    State(st): State<AppState>,
    a: Authed,
    q: Result<Query<DryRun>, QueryRejection>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<ImportView>> {
    let Query(q) = q.map_err(query_error)?;
    let text = csv_text(body)?;
    let r = st
        .app
        .import_firms(Some(&a.actor), &text, q.dry_run.unwrap_or(false))
        .await?;
    Ok(Json(ImportView::from(&r)))
}

#[utoipa::path(get, path = "/subjects", tag = "tracking", summary = "Tracked subjects of your agency",
    responses((status = 200, description = "Subjects", body = SubjectList),
        (status = 401, response = P401)))]
async fn list_subjects(State(st): State<AppState>, a: Authed) -> ApiResult<Json<SubjectList>> {
    let subjects = st.app.subjects_for(&a.actor).await?;
    Ok(Json(SubjectList {
        subjects: subjects.iter().map(SubjectView::from).collect(),
    }))
}

#[utoipa::path(post, path = "/subjects", tag = "tracking",
    summary = "Add a subject (an elephant, a herd, a ranger team)",
    request_body = NewSubject,
    responses((status = 201, description = "The subject", body = SubjectView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 422, response = P422)))]
async fn create_subject(
    State(st): State<AppState>,
    a: Authed,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let body = NewSubject::read(&parse_json(body)?).map_err(AppError::from)?;
    let s = st.app.create_subject(&a.actor, &body).await?;
    Ok((StatusCode::CREATED, Json(SubjectView::from(&s))).into_response())
}

fn instant(field: &str, s: Option<&str>) -> ApiResult<Option<chrono::DateTime<chrono::Utc>>> {
    match s {
        None => Ok(None),
        Some(s) => chrono::DateTime::parse_from_rfc3339(s)
            .map(|t| Some(t.with_timezone(&chrono::Utc)))
            .map_err(|_| {
                ApiError(AppError::field(
                    field,
                    "an RFC 3339 time, e.g. 2025-06-01T18:00:00+07:00",
                ))
            }),
    }
}

/// A subject's track as a GeoJSON LineString feature plus its points.
#[utoipa::path(get, path = "/subjects/{id}/track", tag = "tracking",
    summary = "A subject's track as a GeoJSON LineString feature",
    params(("id" = String, Path, description = "The subject's UUID"), TrackQuery),
    responses((status = 200, description = "Track", body = TrackFeature),
        (status = 401, response = P401), (status = 404, response = P404),
        (status = 422, response = P422)))]
async fn track(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    q: Result<Query<TrackQuery>, QueryRejection>,
) -> ApiResult<Json<TrackFeature>> {
    let Query(q) = q.map_err(query_error)?;
    let TrackWindow {
        subject,
        fixes,
        since,
        until,
    } = subject_fixes(&st, &a, &id, &q, 5000).await?;
    let coords: Vec<[f64; 2]> = fixes
        .iter()
        .map(|f| [round_coord(f.lon), round_coord(f.lat)])
        .collect();
    // A LineString needs two positions (RFC 7946): one fix is a Point, none no geometry.
    let geometry = match coords.as_slice() {
        [] => Value::Null,
        [one] => json!({"type": "Point", "coordinates": one}),
        _ => json!({"type": "LineString", "coordinates": coords}),
    };
    Ok(Json(TrackFeature {
        kind: "Feature".into(),
        id: subject.id.0,
        geometry,
        properties: TrackProperties {
            name: subject.name,
            species: subject.species,
            times: fixes.iter().map(|f| f.recorded_at.to_rfc3339()).collect(),
            battery: fixes.iter().map(|f| f.battery).collect(),
            since: since.to_rfc3339(),
            until: until.to_rfc3339(),
        },
    }))
}

/// A subject the actor's agency tracks, and its fixes over a window.
struct TrackWindow {
    subject: sinergi_core::warning::Subject,
    fixes: Vec<sinergi_app::StoredFix>,
    since: chrono::DateTime<chrono::Utc>,
    until: chrono::DateTime<chrono::Utc>,
}

/// The subject and its fixes over the query's window: the last 7 days by default, at
/// most `default_limit` fixes unless the query asks (never more than 50,000).
async fn subject_fixes(
    st: &AppState,
    a: &Authed,
    id: &str,
    q: &TrackQuery,
    default_limit: u32,
) -> ApiResult<TrackWindow> {
    let id = SubjectId::parse(id).ok_or(ApiError(AppError::NotFound))?;
    let subject = st
        .app
        .subjects_for(&a.actor)
        .await?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or(AppError::NotFound)?;
    let now = st.app.now();
    let until = instant("until", q.until.as_deref())?.unwrap_or(now);
    let since = instant("since", q.since.as_deref())?.unwrap_or(until - chrono::Duration::days(7));
    let fixes = st
        .app
        .track(id, since, until, q.limit.unwrap_or(default_limit).clamp(1, 50_000))
        .await?;
    Ok(TrackWindow {
        subject,
        fixes,
        since,
        until,
    })
}

#[utoipa::path(get, path = "/subjects/{id}/track.csv", tag = "tracking",
    summary = "A subject's fixes as a Movebank CSV file (imported again, it adds nothing)",
    params(("id" = String, Path, description = "The subject's UUID"), TrackQuery),
    responses((status = 200, description = "Movebank CSV", body = String, content_type = "text/csv"),
        (status = 401, response = P401), (status = 404, response = P404),
        (status = 422, response = P422)))]
async fn track_movebank(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    q: Result<Query<TrackQuery>, QueryRejection>,
) -> ApiResult<Response> {
    let Query(q) = q.map_err(query_error)?;
    let TrackWindow { subject, fixes, .. } = subject_fixes(&st, &a, &id, &q, 50_000).await?;
    let text = sinergi_core::observation::write_movebank(fixes.iter().map(|f| {
        sinergi_core::observation::MovebankRow {
            recorded_at: f.recorded_at,
            lon: f.lon,
            lat: f.lat,
            accuracy_m: f.accuracy_m,
            battery: f.battery,
            tag: &f.serial,
            individual: &subject.name,
        }
    }));
    Ok(crate::api_common::file_response(
        text.into_bytes(),
        "text/csv; charset=utf-8",
        &format!("{}.movebank.csv", subject.name),
        "attachment",
    ))
}

#[utoipa::path(get, path = "/subjects/{id}/track.gpx", tag = "tracking",
    summary = "A subject's fixes as a GPX 1.1 track, for GIS tools and handheld GPS units",
    params(("id" = String, Path, description = "The subject's UUID"), TrackQuery),
    responses((status = 200, description = "GPX 1.1", body = String, content_type = "application/gpx+xml"),
        (status = 401, response = P401), (status = 404, response = P404),
        (status = 422, response = P422)))]
async fn track_gpx(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    q: Result<Query<TrackQuery>, QueryRejection>,
) -> ApiResult<Response> {
    use sinergi_core::patrol::gpx::{write_gpx, GpxTrack};
    use sinergi_core::patrol::track::{Track, TrackPoint};
    let Query(q) = q.map_err(query_error)?;
    let TrackWindow {
        subject, mut fixes, ..
    } = subject_fixes(&st, &a, &id, &q, 50_000).await?;
    fixes.sort_by_key(|f| f.recorded_at);
    let points: Vec<TrackPoint> = fixes
        .iter()
        .map(|f| TrackPoint {
            lon: f.lon,
            lat: f.lat,
            ele: None,
            time: f.recorded_at,
        })
        .collect();
    let text = write_gpx(
        &[GpxTrack {
            name: Some(subject.name.clone()),
            track: Track {
                segments: vec![points],
            },
            lines: Vec::new(),
        }],
        &[],
    );
    Ok(crate::api_common::file_response(
        text.into_bytes(),
        "application/gpx+xml",
        &format!("{}.gpx", subject.name),
        "attachment",
    ))
}

#[utoipa::path(get, path = "/devices", tag = "tracking",
    summary = "Devices of your agency with their deployments",
    responses((status = 200, description = "Devices", body = DeviceList),
        (status = 401, response = P401)))]
async fn list_devices(State(st): State<AppState>, a: Authed) -> ApiResult<Json<DeviceList>> {
    let devices = st.app.devices_for(&a.actor).await?;
    let deployments = st.app.deployments().await?;
    let devices = devices
        .iter()
        .map(|d| DeviceWithDeployments {
            device: DeviceView::from(d),
            deployments: deployments
                .iter()
                .filter(|x| x.device_id == d.id)
                .map(DeploymentView::from)
                .collect(),
        })
        .collect();
    Ok(Json(DeviceList { devices }))
}

#[utoipa::path(post, path = "/devices", tag = "tracking", summary = "Add a device",
    request_body = NewDevice,
    responses((status = 201, description = "The device", body = DeviceView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 422, response = P422)))]
async fn create_device(
    State(st): State<AppState>,
    a: Authed,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let body = NewDevice::read(&parse_json(body)?).map_err(AppError::from)?;
    let d = st.app.create_device(&a.actor, &body).await?;
    Ok((StatusCode::CREATED, Json(DeviceView::from(&d))).into_response())
}

#[utoipa::path(post, path = "/devices/{serial}/deploy", tag = "tracking",
    summary = "Put a device on a subject from a time; held fixes since then are attached if the device's agency (or one above it) or the operator sent them",
    params(("serial" = String, Path, description = "The device's serial")),
    request_body = NewDeployment,
    responses((status = 201, description = "The deployment", body = DeployAnswer),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 422, response = P422)))]
async fn deploy(
    State(st): State<AppState>,
    a: Authed,
    Path(serial): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let body = NewDeployment::read(&parse_json(body)?).map_err(AppError::from)?;
    let (d, attached) = st.app.deploy_device(&a.actor, &serial, &body).await?;
    Ok((
        StatusCode::CREATED,
        Json(DeployAnswer {
            deployment: DeploymentView::from(&d),
            held_fixes_attached: attached,
        }),
    )
        .into_response())
}

/// One fence as GeoJSON with its version as the `ETag` (what `If-Match` names).
fn fence_response(status: StatusCode, f: &Fence) -> Response {
    let mut resp = (status, Json(FenceFeature::from(f))).into_response();
    let headers = resp.headers_mut();
    headers.insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/geo+json"),
    );
    if let Ok(tag) = axum::http::HeaderValue::from_str(&format!("\"{}\"", f.version)) {
        headers.insert(axum::http::header::ETAG, tag);
    }
    resp
}

fn fence_id(s: &str) -> ApiResult<FenceId> {
    // A malformed id names no fence: answered as a missing one.
    FenceId::parse(s).ok_or(ApiError(AppError::NotFound))
}

#[utoipa::path(get, path = "/fences/{id}", tag = "alerts",
    summary = "One fence of your agency (or one below it) as a GeoJSON Feature; `properties.version` is also the ETag",
    params(("id" = String, Path, description = "The fence's UUID")),
    responses((status = 200, description = "The fence, with an ETag", body = FenceFeature, content_type = "application/geo+json"),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn get_fence(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let f = st.app.fence_for(&a.actor, fence_id(&id)?).await?;
    Ok(fence_response(StatusCode::OK, &f))
}

/// `PATCH /fences/{id}` with `If-Match: "version"` (from the `ETag` or the `version`
/// property) and any of `name`, `kind`, `shape` or `region` (+ `radius_m`).
#[utoipa::path(patch, path = "/fences/{id}", tag = "alerts",
    summary = "Edit a fence: any of name, kind, and shape or region (with radius_m for a circle round its centre), read as when adding one. If-Match names the version edited (428 without it, 412 when it is stale). A name another fence of the agency has (case and spacing ignored) is refused (422, field name); a line a cross rule watches stays a line (422, field shape). Audited; the engine is rebuilt with the new shape; alerts already raised for the fence stay as they are",
    params(("id" = String, Path, description = "The fence's UUID"),
        ("If-Match" = String, Header, description = "The fence's ETag (its version), e.g. \"3\"")),
    request_body(content = FenceChanges, description = "Fence changes"),
    responses((status = 200, description = "The changed fence, with its new ETag", body = FenceFeature, content_type = "application/geo+json"),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 412, response = P412),
        (status = 422, response = P422), (status = 428, response = P428)))]
async fn patch_fence(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let id = fence_id(&id)?;
    let body = FenceChanges::read(&parse_json(body)?).map_err(AppError::from)?;
    let f = st
        .app
        .update_fence(&a.actor, id, if_match(&headers), &body)
        .await?;
    Ok(fence_response(StatusCode::OK, &f))
}

#[utoipa::path(get, path = "/fences", tag = "alerts", summary = "Fences of your agency (GeoJSON)",
    responses((status = 200, description = "FeatureCollection", body = FenceCollection, content_type = "application/geo+json"),
        (status = 401, response = P401)))]
async fn list_fences(State(st): State<AppState>, a: Authed) -> ApiResult<Response> {
    let fences = st.app.fences_for(&a.actor).await?;
    let mut resp = Json(FenceCollection {
        kind: "FeatureCollection".into(),
        features: fences.iter().map(FenceFeature::from).collect(),
    })
    .into_response();
    resp.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/geo+json"),
    );
    Ok(resp)
}

#[utoipa::path(post, path = "/fences", tag = "alerts",
    summary = "Add a fence: a GeoJSON shape or circle, or a region code (with radius_m for a circle round its centre). The name must be new to your agency (case and spacing ignored; 422, field name)",
    request_body = NewFence,
    responses((status = 201, description = "The fence, with an ETag", body = FenceFeature, content_type = "application/geo+json"),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 422, response = P422)))]
async fn create_fence(
    State(st): State<AppState>,
    a: Authed,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let body = NewFence::read(&parse_json(body)?).map_err(AppError::from)?;
    let f = st.app.create_fence(&a.actor, &body).await?;
    Ok(fence_response(StatusCode::CREATED, &f))
}

fn active_flag(v: &Value) -> ApiResult<bool> {
    match ActiveFlag::deserialize(v).map(|f| f.active) {
        Ok(sinergi_core::input::Field::Given(on)) => Ok(on),
        _ => Err(ApiError(AppError::field("active", "true or false"))),
    }
}

#[utoipa::path(post, path = "/fences/{id}/active", tag = "alerts", summary = "Switch a fence on or off",
    params(("id" = String, Path, description = "The fence's UUID")),
    request_body = ActiveFlag,
    responses((status = 204, description = "Done"),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 422, response = P422)))]
async fn fence_active(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<StatusCode> {
    let id = FenceId::parse(&id).ok_or(ApiError(AppError::NotFound))?;
    let active = active_flag(&parse_json(body)?)?;
    st.app.set_fence_active(&a.actor, id, active).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn rule_view(st: &AppState, r: &Rule) -> ApiResult<RuleView> {
    let agencies = st.app.agencies().await?;
    let code = |id: &sinergi_core::ids::AgencyId| {
        agencies
            .iter()
            .find(|a| a.id == *id)
            .map(|a| a.code.to_string())
    };
    let text = |v: Value| v.as_str().map(str::to_string).unwrap_or_default();
    Ok(RuleView {
        id: r.id.0,
        name: r.name.clone(),
        agency: code(&r.owner_agency_id),
        active: r.active,
        fences: r.spec.fences.iter().map(|f| f.0).collect(),
        subjects: json!(r.spec.subjects),
        trigger: json!(r.spec.trigger),
        severity: text(json!(r.spec.severity)),
        hysteresis_m: r.spec.hysteresis_m,
        quiet_period_min: r.spec.quiet_period_s / 60,
        active_hours: json!(r.spec.active_hours),
        recipients: RecipientsView {
            agencies: r.spec.recipients.agencies.iter().map(code).collect(),
            users: r.spec.recipients.users.iter().map(|u| u.0).collect(),
            contacts: json!(r.spec.recipients.contacts),
        },
        channels: r.spec.channels.iter().map(|c| text(json!(c))).collect(),
        created_at: r.created_at.to_rfc3339(),
    })
}

#[utoipa::path(get, path = "/rules", tag = "alerts", summary = "Alert rules of your agency",
    responses((status = 200, description = "Rules", body = RuleList),
        (status = 401, response = P401)))]
async fn list_rules(State(st): State<AppState>, a: Authed) -> ApiResult<Json<RuleList>> {
    let mut out = Vec::new();
    for r in st.app.rules_for(&a.actor).await? {
        out.push(rule_view(&st, &r).await?);
    }
    Ok(Json(RuleList { rules: out }))
}

#[utoipa::path(post, path = "/rules", tag = "alerts",
    summary = "Add a rule: fences, subjects, trigger (enter, exit, proximity, dwell, cross, hotspot_inside), severity, hysteresis, quiet period, active hours, recipients, channels",
    request_body = NewRule,
    responses((status = 201, description = "The rule", body = RuleView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 422, response = P422)))]
async fn create_rule(
    State(st): State<AppState>,
    a: Authed,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let body = NewRule::read(&parse_json(body)?).map_err(AppError::from)?;
    let r = st.app.create_rule(&a.actor, &body).await?;
    Ok((StatusCode::CREATED, Json(rule_view(&st, &r).await?)).into_response())
}

#[utoipa::path(post, path = "/rules/{id}/active", tag = "alerts", summary = "Switch a rule on or off",
    params(("id" = String, Path, description = "The rule's UUID")),
    request_body = ActiveFlag,
    responses((status = 204, description = "Done"),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 422, response = P422)))]
async fn rule_active(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<StatusCode> {
    let id = RuleId::parse(&id).ok_or(ApiError(AppError::NotFound))?;
    let active = active_flag(&parse_json(body)?)?;
    st.app.set_rule_active(&a.actor, id, active).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/webhooks", tag = "alerts", summary = "Webhooks of your agency",
    responses((status = 200, description = "Webhooks", body = WebhookList),
        (status = 401, response = P401)))]
async fn list_webhooks(State(st): State<AppState>, a: Authed) -> ApiResult<Json<WebhookList>> {
    let hooks = st.app.webhooks_for(&a.actor).await?;
    Ok(Json(WebhookList {
        webhooks: hooks.iter().map(WebhookView::from).collect(),
    }))
}

#[utoipa::path(post, path = "/webhooks", tag = "alerts",
    summary = "Register a webhook; the HMAC-SHA256 secret is returned once. A host in a private network (loopback, private, link-local, multicast, or a name resolving only to such) is refused (422, field url) unless the server allows it (webhook_allow_private); redirects are not followed",
    request_body = NewWebhook,
    responses((status = 201, description = "The webhook with its secret", body = WebhookView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 422, response = P422)))]
async fn create_webhook(
    State(st): State<AppState>,
    a: Authed,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let body = NewWebhook::read(&parse_json(body)?).map_err(AppError::from)?;
    let w = st.app.create_webhook(&a.actor, &body).await?;
    // The secret is shown once, to the administrator who registered the webhook.
    let mut v = WebhookView::from(&w);
    v.secret = Some(w.secret.clone());
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

#[utoipa::path(get, path = "/alerts", tag = "alerts",
    summary = "Alerts you see, newest first: `{alerts, next_before}`; a full page gives `next_before`, the stream position to pass as `before` for the next page",
    params(AlertQuery),
    responses((status = 200, description = "Alerts", body = AlertList),
        (status = 401, response = P401), (status = 422, response = P422)))]
async fn list_alerts(
    State(st): State<AppState>,
    a: Authed,
    q: Result<Query<AlertQuery>, QueryRejection>,
) -> ApiResult<Json<AlertList>> {
    let Query(q) = q.map_err(query_error)?;
    let since = instant("since", q.since.as_deref())?;
    let status =
        match q.status.as_deref() {
            None => None,
            Some(s) => Some(AlertStatus::parse(s).ok_or_else(|| {
                ApiError(AppError::field("status", "open, acknowledged or closed"))
            })?),
        };
    let area = match q.area.as_deref() {
        None => None,
        Some(s) => {
            Some(FenceId::parse(s).ok_or_else(|| ApiError(AppError::field("area", "a fence id")))?)
        }
    };
    let subject = match q.subject.as_deref() {
        None => None,
        Some(s) => Some(
            SubjectId::parse(s)
                .ok_or_else(|| ApiError(AppError::field("subject", "a subject id")))?,
        ),
    };
    let limit = q.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError(AppError::field("limit", "between 1 and 1000")));
    }
    let alerts = st
        .app
        .alerts_for(
            &a.actor,
            AlertListFilter {
                since,
                status,
                fence: area,
                subject,
                before: q.before,
                limit,
            },
        )
        .await?;
    // A full page may have more behind it: `next` asks for the page after.
    let next = (alerts.len() == limit as usize)
        .then(|| alerts.last().map(|v| v.alert.seq))
        .flatten();
    Ok(Json(AlertList {
        alerts: alerts.iter().map(AlertDto::from).collect(),
        next_before: next,
    }))
}

fn alert_id(s: &str) -> ApiResult<AlertId> {
    AlertId::parse(s).ok_or(ApiError(AppError::NotFound))
}

#[utoipa::path(get, path = "/alerts/{id}", tag = "alerts",
    summary = "An alert with its response log and deliveries",
    params(("id" = String, Path, description = "The alert's UUID")),
    responses((status = 200, description = "The alert", body = AlertDetail),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn get_alert(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<AlertDetail>> {
    let (view, actions, deliveries) = st.app.alert_for(&a.actor, alert_id(&id)?).await?;
    Ok(Json(AlertDetail::of(&view, &actions, &deliveries)))
}

async fn respond(
    st: AppState,
    a: Authed,
    id: String,
    step: &str,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<AlertDto>> {
    // An empty body says nothing, as `{}` does.
    let v = match body {
        Ok(b) if b.is_empty() => json!({}),
        other => parse_json(other)?,
    };
    let body = AlertStep::read(&v).map_err(AppError::from)?;
    let view = st
        .app
        .respond_to_alert(&a.actor, alert_id(&id)?, step, &body)
        .await?;
    Ok(Json(AlertDto::from(&view)))
}

#[utoipa::path(post, path = "/alerts/{id}/acknowledge", tag = "alerts",
    summary = "Acknowledge: someone is responding",
    params(("id" = String, Path, description = "The alert's UUID")),
    request_body(content = Option<AlertStep>, description = "An optional note (the body may be empty)"),
    responses((status = 200, description = "The alert", body = AlertDto),
        (status = 401, response = P401), (status = 404, response = P404),
        (status = 409, response = P409), (status = 422, response = P422)))]
async fn acknowledge(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<AlertDto>> {
    respond(st, a, id, "acknowledge", body).await
}

#[utoipa::path(post, path = "/alerts/{id}/actions", tag = "alerts",
    summary = "Log a response action (drive_away, patrol_dispatched, villagers_warned, false_alarm, fire_suppressed, note)",
    params(("id" = String, Path, description = "The alert's UUID")),
    request_body = AlertStep,
    responses((status = 200, description = "The alert", body = AlertDto),
        (status = 401, response = P401), (status = 404, response = P404),
        (status = 409, response = P409), (status = 422, response = P422)))]
async fn act(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<AlertDto>> {
    respond(st, a, id, "action", body).await
}

#[utoipa::path(post, path = "/alerts/{id}/close", tag = "alerts",
    summary = "Close with an outcome (resolved, no_damage, damage, false_alarm, casualty)",
    params(("id" = String, Path, description = "The alert's UUID")),
    request_body = AlertStep,
    responses((status = 200, description = "The alert", body = AlertDto),
        (status = 401, response = P401), (status = 404, response = P404),
        (status = 409, response = P409), (status = 422, response = P422)))]
async fn close(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<AlertDto>> {
    respond(st, a, id, "close", body).await
}

fn sse_event(v: &AlertView) -> Event {
    Event::default()
        .id(v.alert.seq.to_string())
        .event("alert")
        .data(json!(AlertDto::from(v)).to_string())
}

/// `GET /api/v1/alerts/stream`: every new alert the caller sees, as it is committed. A
/// reconnecting client sends `Last-Event-ID` and first gets what it missed.
#[utoipa::path(get, path = "/alerts/stream", tag = "alerts",
    summary = "New alerts as Server-Sent Events (event `alert`, id = stream position; send Last-Event-ID to resume) and responses to them (event `update`)",
    params(("Last-Event-ID" = Option<String>, Header, description = "The last stream position received")),
    responses((status = 200, description = "text/event-stream: each event's data is an alert", content_type = "text/event-stream", body = String),
        (status = 401, response = P401)))]
async fn stream_alerts(
    State(st): State<AppState>,
    a: Authed,
    headers: HeaderMap,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    // Subscribe before reading the backlog so nothing falls between the two.
    let rx = st.app.events.subscribe().await;
    let last: Option<i64> = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok());
    let backlog = match last {
        Some(seq) => st.app.alerts_after(&a.actor, seq, 1000).await?,
        None => Vec::new(),
    };
    let mut high = backlog.last().map(|v| v.alert.seq).or(last).unwrap_or(0);
    let first = stream::iter(backlog.into_iter().map(|v| Ok(sse_event(&v))));
    let app = st.app.clone();
    let actor = a.actor.clone();
    let live = stream::unfold(rx, move |mut rx| {
        let app = app.clone();
        let actor = actor.clone();
        async move {
            loop {
                match rx.next().await {
                    Some(Ok(LiveEvent::Alert(live))) => {
                        if let Ok(Some(v)) = app.visible_alert(&actor, &live.alert).await {
                            return Some(((v, live.update), rx));
                        }
                    }
                    // Events of other kinds.
                    Some(Ok(_)) => {}
                    // Too slow: the client reconnects with Last-Event-ID and catches up.
                    Some(Err(Missed)) => return None,
                    None => return None,
                }
            }
        }
    })
    .filter_map(move |(v, update)| {
        let out = if update {
            // A response: no stream position of its own, so a resume is not disturbed.
            Some(Ok(Event::default()
                .event("update")
                .data(json!(AlertDto::from(&v)).to_string())))
        } else if v.alert.seq > high {
            high = v.alert.seq;
            Some(Ok(sse_event(&v)))
        } else {
            None
        };
        async move { out }
    });
    Ok(Sse::new(first.chain(live)).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
