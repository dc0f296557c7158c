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
use axum::routing::{get, post, MethodRouter};
use axum::Json;
use futures_util::stream::{self, Stream, StreamExt};
use serde::Deserialize;
use serde_json::{json, Value};
use sinergi_app::events::{LiveEvent, Missed};
use sinergi_app::warning::{AlertListFilter, AlertView};
use sinergi_app::AppError;
use sinergi_core::geometry::round_coord;
use sinergi_core::warning::{AlertId, AlertStatus, Fence, FenceId, Rule, RuleId, SubjectId};

use crate::api::{if_match, parse_json, query_error};
use crate::auth::Authed;
use crate::problem::{ApiError, ApiResult};
use crate::AppState;

/// The early-warning routes, relative to `/api/v1`.
pub fn route_table() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/observations", post(post_observations)),
        ("/observations/held", get(held)),
        ("/imports/movebank", post(import_movebank)),
        ("/imports/firms", post(import_firms)),
        ("/subjects", get(list_subjects).post(create_subject)),
        ("/subjects/{id}/track", get(track)),
        ("/devices", get(list_devices).post(create_device)),
        ("/devices/{serial}/deploy", post(deploy)),
        ("/fences", get(list_fences).post(create_fence)),
        ("/fences/{id}", get(get_fence).patch(patch_fence)),
        ("/fences/{id}/active", post(fence_active)),
        ("/rules", get(list_rules).post(create_rule)),
        ("/rules/{id}/active", post(rule_active)),
        ("/webhooks", get(list_webhooks).post(create_webhook)),
        ("/alerts", get(list_alerts)),
        ("/alerts/stream", get(stream_alerts)),
        ("/alerts/{id}", get(get_alert)),
        ("/alerts/{id}/acknowledge", post(acknowledge)),
        ("/alerts/{id}/actions", post(act)),
        ("/alerts/{id}/close", post(close)),
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DryRun {
    dry_run: Option<bool>,
}

async fn post_observations(
    State(st): State<AppState>,
    a: Authed,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<Value>> {
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
    Ok(Json(json!(report)))
}

async fn held(State(st): State<AppState>, a: Authed) -> ApiResult<Json<Value>> {
    Ok(Json(json!({"held": st.app.held_fixes(&a.actor).await?})))
}

async fn import_movebank(
    State(st): State<AppState>,
    a: Authed,
    q: Result<Query<DryRun>, QueryRejection>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<Value>> {
    let Query(q) = q.map_err(query_error)?;
    let text = csv_text(body)?;
    let r = st
        .app
        .import_movebank(Some(&a.actor), &text, q.dry_run.unwrap_or(false))
        .await?;
    Ok(Json(json!(r)))
}

async fn import_firms(
    State(st): State<AppState>,
    a: Authed,
    q: Result<Query<DryRun>, QueryRejection>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<Value>> {
    let Query(q) = q.map_err(query_error)?;
    let text = csv_text(body)?;
    let r = st
        .app
        .import_firms(Some(&a.actor), &text, q.dry_run.unwrap_or(false))
        .await?;
    Ok(Json(json!(r)))
}

async fn list_subjects(State(st): State<AppState>, a: Authed) -> ApiResult<Json<Value>> {
    Ok(Json(
        json!({"subjects": st.app.subjects_for(&a.actor).await?}),
    ))
}

async fn create_subject(
    State(st): State<AppState>,
    a: Authed,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let s = st.app.create_subject(&a.actor, &parse_json(body)?).await?;
    Ok((StatusCode::CREATED, Json(json!(s))).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TrackQuery {
    since: Option<String>,
    until: Option<String>,
    limit: Option<u32>,
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
async fn track(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    q: Result<Query<TrackQuery>, QueryRejection>,
) -> ApiResult<Json<Value>> {
    let Query(q) = q.map_err(query_error)?;
    let id = SubjectId::parse(&id).ok_or(ApiError(AppError::NotFound))?;
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
        .store
        .track(id, since, until, q.limit.unwrap_or(5000).clamp(1, 50_000))
        .await
        .map_err(AppError::from)?;
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
    Ok(Json(json!({
        "type": "Feature",
        "id": subject.id,
        "geometry": geometry,
        "properties": {
            "name": subject.name, "species": subject.species,
            "times": fixes.iter().map(|f| f.recorded_at.to_rfc3339()).collect::<Vec<_>>(),
            "battery": fixes.iter().map(|f| f.battery).collect::<Vec<_>>(),
            "since": since.to_rfc3339(), "until": until.to_rfc3339(),
        }
    })))
}

async fn list_devices(State(st): State<AppState>, a: Authed) -> ApiResult<Json<Value>> {
    let devices = st.app.devices_for(&a.actor).await?;
    let deployments = st.app.store.deployments().await.map_err(AppError::from)?;
    let out: Vec<Value> = devices
        .iter()
        .map(|d| {
            let deps: Vec<&sinergi_core::warning::Deployment> =
                deployments.iter().filter(|x| x.device_id == d.id).collect();
            json!({"device": d, "deployments": deps})
        })
        .collect();
    Ok(Json(json!({"devices": out})))
}

async fn create_device(
    State(st): State<AppState>,
    a: Authed,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let d = st.app.create_device(&a.actor, &parse_json(body)?).await?;
    Ok((StatusCode::CREATED, Json(json!(d))).into_response())
}

async fn deploy(
    State(st): State<AppState>,
    a: Authed,
    Path(serial): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let (d, attached) = st
        .app
        .deploy_device(&a.actor, &serial, &parse_json(body)?)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"deployment": d, "held_fixes_attached": attached})),
    )
        .into_response())
}

fn fence_json(f: &Fence) -> Value {
    json!({
        "type": "Feature",
        "id": f.id,
        "geometry": f.shape.to_geojson(),
        "properties": {
            "name": f.name, "kind": f.kind, "shape": f.shape.to_json(),
            "region_code": f.region_code, "active": f.active,
            "created_at": f.created_at.to_rfc3339(),
            "updated_at": f.updated_at.to_rfc3339(),
            "version": f.version,
        }
    })
}

/// One fence as GeoJSON with its version as the `ETag` (what `If-Match` names).
fn fence_response(status: StatusCode, f: &Fence) -> Response {
    let mut resp = (status, Json(fence_json(f))).into_response();
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
async fn patch_fence(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let id = fence_id(&id)?;
    let v = parse_json(body)?;
    let f = st
        .app
        .update_fence(&a.actor, id, if_match(&headers), &v)
        .await?;
    Ok(fence_response(StatusCode::OK, &f))
}

async fn list_fences(State(st): State<AppState>, a: Authed) -> ApiResult<Response> {
    let fences = st.app.fences_for(&a.actor).await?;
    let mut resp = Json(json!({
        "type": "FeatureCollection",
        "features": fences.iter().map(fence_json).collect::<Vec<_>>(),
    }))
    .into_response();
    resp.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/geo+json"),
    );
    Ok(resp)
}

async fn create_fence(
    State(st): State<AppState>,
    a: Authed,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let f = st.app.create_fence(&a.actor, &parse_json(body)?).await?;
    Ok(fence_response(StatusCode::CREATED, &f))
}

fn active_flag(v: &Value) -> ApiResult<bool> {
    v.get("active")
        .and_then(Value::as_bool)
        .ok_or_else(|| ApiError(AppError::field("active", "true or false")))
}

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

async fn rule_json(st: &AppState, r: &Rule) -> ApiResult<Value> {
    let agencies = st.app.agencies().await?;
    let code = |id: &sinergi_core::ids::AgencyId| {
        agencies
            .iter()
            .find(|a| a.id == *id)
            .map(|a| a.code.to_string())
    };
    Ok(json!({
        "id": r.id,
        "name": r.name,
        "agency": code(&r.owner_agency_id),
        "active": r.active,
        "fences": r.spec.fences,
        "subjects": r.spec.subjects,
        "trigger": r.spec.trigger,
        "severity": r.spec.severity,
        "hysteresis_m": r.spec.hysteresis_m,
        "quiet_period_min": r.spec.quiet_period_s / 60,
        "active_hours": r.spec.active_hours,
        "recipients": {
            "agencies": r.spec.recipients.agencies.iter().map(code).collect::<Vec<_>>(),
            "users": r.spec.recipients.users,
            "contacts": r.spec.recipients.contacts,
        },
        "channels": r.spec.channels,
        "created_at": r.created_at.to_rfc3339(),
    }))
}

async fn list_rules(State(st): State<AppState>, a: Authed) -> ApiResult<Json<Value>> {
    let mut out = Vec::new();
    for r in st.app.rules_for(&a.actor).await? {
        out.push(rule_json(&st, &r).await?);
    }
    Ok(Json(json!({"rules": out})))
}

async fn create_rule(
    State(st): State<AppState>,
    a: Authed,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let r = st.app.create_rule(&a.actor, &parse_json(body)?).await?;
    Ok((StatusCode::CREATED, Json(rule_json(&st, &r).await?)).into_response())
}

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

async fn list_webhooks(State(st): State<AppState>, a: Authed) -> ApiResult<Json<Value>> {
    Ok(Json(
        json!({"webhooks": st.app.webhooks_for(&a.actor).await?}),
    ))
}

async fn create_webhook(
    State(st): State<AppState>,
    a: Authed,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let w = st.app.create_webhook(&a.actor, &parse_json(body)?).await?;
    // The secret is shown once, to the administrator who registered the webhook.
    let mut v = json!(w);
    v["secret"] = json!(w.secret);
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AlertQuery {
    since: Option<String>,
    status: Option<String>,
    area: Option<String>,
    subject: Option<String>,
    before: Option<i64>,
    limit: Option<u32>,
}

async fn list_alerts(
    State(st): State<AppState>,
    a: Authed,
    q: Result<Query<AlertQuery>, QueryRejection>,
) -> ApiResult<Json<Value>> {
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
    Ok(Json(json!({"alerts": alerts, "next_before": next})))
}

fn alert_id(s: &str) -> ApiResult<AlertId> {
    AlertId::parse(s).ok_or(ApiError(AppError::NotFound))
}

async fn get_alert(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let (view, actions, deliveries) = st.app.alert_for(&a.actor, alert_id(&id)?).await?;
    let mut v = json!(view);
    v["actions"] = json!(actions);
    v["deliveries"] = json!(deliveries);
    Ok(Json(v))
}

async fn respond(
    st: AppState,
    a: Authed,
    id: String,
    step: &str,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<Value>> {
    let v = match body {
        Ok(b) if b.is_empty() => json!({}),
        other => parse_json(other)?,
    };
    let view = st
        .app
        .respond_to_alert(&a.actor, alert_id(&id)?, step, &v)
        .await?;
    Ok(Json(json!(view)))
}

async fn acknowledge(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<Value>> {
    respond(st, a, id, "acknowledge", body).await
}

async fn act(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<Value>> {
    respond(st, a, id, "action", body).await
}

async fn close(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<Value>> {
    respond(st, a, id, "close", body).await
}

fn sse_event(v: &AlertView) -> Event {
    Event::default()
        .id(v.alert.seq.to_string())
        .event("alert")
        .data(json!(v).to_string())
}

/// `GET /api/v1/alerts/stream`: every new alert the caller sees, as it is committed. A
/// reconnecting client sends `Last-Event-ID` and first gets what it missed.
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
                .data(json!(v).to_string())))
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
