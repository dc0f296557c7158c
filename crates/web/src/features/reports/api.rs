//! The reports API: registry reports with their history, counts and export, attachments,
//! the report-type catalogue and the region gazetteer.

use axum::body::{Body, Bytes};
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use futures_util::{stream, StreamExt};
use serde::Deserialize;
use serde_json::{json, Value};
use sinergi_app::export::{ExportFormat, ExportWriter};
use sinergi_app::reports::ReportPage;
use sinergi_app::AppError;
use sinergi_core::ids::{AttachmentId, ReportId};
use sinergi_core::query::{Cursor, RawReportQuery};
use sinergi_core::report::Report;
use sinergi_core::sharing::Form;
use sinergi_core::ValidationErrors;
use sinergi_regions::Region;
use sinergi_store::Attachment;

use crate::api_common::{
    file_response, if_match, multipart_error, parse_id, parse_json, query_error, route, urlencode,
    ApiRoute,
};
use crate::auth::Authed;
use crate::problem::{ApiError, ApiResult};
use crate::AppState;

/// The reports routes, relative to `/api/v1`.
pub(crate) fn routes() -> Vec<ApiRoute> {
    vec![
        route("/report-types", get(report_types)),
        route("/reports", get(list_reports).post(create_report)),
        route("/reports/counts", get(report_counts)),
        route("/reports/export", get(export_reports)),
        route("/reports/{id}", get(get_report).patch(patch_report)),
        route("/reports/{id}/history", get(report_history)),
        route(
            "/reports/{id}/attachments",
            get(list_attachments).post(upload_attachment),
        ),
        route("/attachments/{id}", get(download_attachment)),
        route("/regions", get(regions)),
        route("/regions/{code}", get(region)),
    ]
}

fn etag(r: &Report) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{}\"", r.version))
        .unwrap_or(HeaderValue::from_static("\"0\""))
}

fn feature_response(status: StatusCode, r: &Report) -> Response {
    let mut resp = (status, Json(r.to_feature())).into_response();
    resp.headers_mut().insert(header::ETAG, etag(r));
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/geo+json"),
    );
    resp
}

// ---- reports ---------------------------------------------------------------------------

async fn report_types(State(st): State<AppState>, _a: Authed) -> Json<Value> {
    Json(json!({ "report_types": *st.app.report_types() }))
}

async fn create_report(
    State(st): State<AppState>,
    a: Authed,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let v = parse_json(body)?;
    let (r, created) = st.app.create_report(&a.actor, &v).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let mut resp = feature_response(status, &r);
    if let Ok(loc) = HeaderValue::from_str(&format!("/api/v1/reports/{}", r.id)) {
        resp.headers_mut().insert(header::LOCATION, loc);
    }
    Ok(resp)
}

async fn get_report(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let (r, form) = st.app.report_with_form(&a.actor, parse_id(&id)?).await?;
    let mut resp = feature_response(StatusCode::OK, &r);
    if let Form::Shared { .. } = form {
        // A shared copy says so, and how it was reduced.
        let mut v = r.to_feature();
        v["properties"]["access"] = json!(form);
        *resp.body_mut() = axum::body::Body::from(v.to_string());
        resp.headers_mut().remove(header::CONTENT_LENGTH);
    }
    Ok(resp)
}

async fn patch_report(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let id = parse_id(&id)?;
    let v = parse_json(body)?;
    let r = st
        .app
        .patch_report(&a.actor, id, if_match(&headers), &v)
        .await?;
    Ok(feature_response(StatusCode::OK, &r))
}

async fn report_history(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let events = st.app.report_history(&a.actor, parse_id(&id)?).await?;
    Ok(Json(json!({ "history": events })))
}

/// Builds the `next` link by replacing the cursor in the request's own query.
fn next_link(path: &str, raw: &RawReportQuery, next: &Cursor) -> String {
    let mut q = raw.clone();
    q.cursor = Some(next.encode());
    let pairs: Vec<(&str, &Option<String>)> = vec![
        ("bbox", &q.bbox),
        ("datetime", &q.datetime),
        ("type", &q.type_key),
        ("region", &q.region),
        ("agency", &q.agency),
        ("status", &q.status),
        ("q", &q.q),
        ("limit", &q.limit),
        ("cursor", &q.cursor),
    ];
    let qs: Vec<String> = pairs
        .into_iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={}", urlencode(v))))
        .collect();
    format!("{path}?{}", qs.join("&"))
}

pub fn page_json(page: &ReportPage, path: &str, raw: &RawReportQuery) -> Value {
    let features: Vec<Value> = page
        .reports
        .iter()
        .zip(&page.forms)
        .map(|(r, form)| {
            let mut f = r.to_feature();
            if let Form::Shared { .. } = form {
                f["properties"]["access"] = json!(form);
            }
            f
        })
        .collect();
    let mut links = vec![
        json!({"rel": "self", "type": "application/geo+json", "href": next_link_self(path, raw)}),
    ];
    if let Some(n) = &page.next {
        links.push(
            json!({"rel": "next", "type": "application/geo+json", "href": next_link(path, raw, n)}),
        );
    }
    json!({
        "type": "FeatureCollection",
        "numberReturned": features.len(),
        "features": features,
        "links": links,
    })
}

fn next_link_self(path: &str, raw: &RawReportQuery) -> String {
    match &raw.cursor {
        Some(c) => match Cursor::decode(c) {
            Some(cur) => next_link(path, raw, &cur),
            None => path.to_string(),
        },
        None => {
            let link = next_link(
                path,
                raw,
                &Cursor {
                    occurred_at_ms: 0,
                    id: ReportId(uuid::Uuid::nil()),
                },
            );
            // Drop the placeholder cursor again: the first page has none.
            link.split("&cursor=")
                .next()
                .unwrap_or(path)
                .split("?cursor=")
                .next()
                .unwrap_or(path)
                .to_string()
        }
    }
}

async fn list_reports(
    State(st): State<AppState>,
    a: Authed,
    q: Result<Query<RawReportQuery>, QueryRejection>,
) -> ApiResult<Response> {
    let Query(raw) = q.map_err(query_error)?;
    let filter = st.app.parse_report_query(&raw).await?;
    let page = st.app.list_reports(&a.actor, filter).await?;
    let mut resp = Json(page_json(&page, "/api/v1/reports", &raw)).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/geo+json"),
    );
    Ok(resp)
}

async fn report_counts(State(st): State<AppState>, a: Authed) -> ApiResult<Json<Value>> {
    let counts = st.app.count_reports(&a.actor).await?;
    let rows: Vec<Value> = counts
        .iter()
        .map(|c| json!({"type": c.type_key, "status": c.status.as_str(), "count": c.count}))
        .collect();
    let total: i64 = counts.iter().map(|c| c.count).sum();
    Ok(Json(json!({"total": total, "counts": rows})))
}

#[derive(Default)]
struct ExportParams {
    format: Option<String>,
    query: RawReportQuery,
}

/// Streams every report the caller may see that matches the filters, as GeoJSON or CSV.
async fn export_reports(
    State(st): State<AppState>,
    a: Authed,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> ApiResult<Response> {
    let Query(pairs) = q.map_err(query_error)?;
    let mut params = ExportParams::default();
    let mut errs = ValidationErrors::new();
    for (k, v) in pairs {
        let slot = match k.as_str() {
            "format" => &mut params.format,
            "bbox" => &mut params.query.bbox,
            "datetime" => &mut params.query.datetime,
            "type" => &mut params.query.type_key,
            "region" => &mut params.query.region,
            "agency" => &mut params.query.agency,
            "status" => &mut params.query.status,
            "q" => &mut params.query.q,
            _ => {
                errs.push(k, "unknown parameter");
                continue;
            }
        };
        *slot = Some(v);
    }
    let format = ExportFormat::parse(params.format.as_deref().unwrap_or("geojson"));
    if format.is_none() {
        errs.push("format", "must be geojson or csv");
    }
    let (Some(format), true) = (format, errs.is_empty()) else {
        return Err(errs.into());
    };
    let mut filter = st.app.parse_report_query(&params.query).await?;
    filter.limit = 500;
    st.app
        .audit_export(Some(&a.actor), format.extension(), &filter)
        .await?;
    let mut writer = ExportWriter::new(format);
    let head = Bytes::from(writer.begin());
    let app = st.app.clone();
    let actor = a.actor.clone();
    // Pages are fetched one at a time as the client reads, so memory stays flat.
    let pages = stream::unfold(Some(filter), move |state| {
        let app = app.clone();
        let actor = actor.clone();
        async move {
            let filter = state?;
            match app.list_reports(&actor, filter.clone()).await {
                Ok(page) => {
                    let next = page_next(filter, &page);
                    Some((Ok(page), next))
                }
                Err(e) => {
                    tracing::error!(error = %e, "export failed mid-stream");
                    Some((Err(std::io::Error::other("export failed")), None))
                }
            }
        }
    });
    let mut finished = false;
    // Fused: a compressing body polls its source again after the end, and a finished
    // `unfold` must never be polled again.
    let body = stream::once(async move { Ok::<Bytes, std::io::Error>(head) }).chain(
        pages.fuse().map(move |page| {
            let page = page?;
            let mut buf = Vec::new();
            for (r, form) in page.reports.iter().zip(&page.forms) {
                buf.extend(writer.row(r, form));
            }
            if page.next.is_none() && !finished {
                finished = true;
                buf.extend(writer.end());
            }
            Ok(Bytes::from(buf))
        }),
    );
    let mut resp = Response::new(Body::from_stream(body));
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"laporan.{}\"",
        format.extension()
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(resp)
}

fn page_next(
    mut filter: sinergi_core::query::ReportFilter,
    page: &ReportPage,
) -> Option<sinergi_core::query::ReportFilter> {
    filter.cursor = Some(page.next?);
    Some(filter)
}

// ---- attachments -----------------------------------------------------------------------

fn attachment_json(a: &Attachment) -> Value {
    json!({
        "id": a.id,
        "report_id": a.report_id,
        "filename": a.filename,
        "content_type": a.content_type,
        "size": a.size,
        "sha256": a.sha256,
        "created_at": a.created_at.to_rfc3339(),
        "href": format!("/api/v1/attachments/{}", a.id),
    })
}

async fn list_attachments(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let list = st.app.attachments(&a.actor, parse_id(&id)?).await?;
    Ok(Json(
        json!({"attachments": list.iter().map(attachment_json).collect::<Vec<_>>()}),
    ))
}

/// Accepts `multipart/form-data` with one part named `file`.
async fn upload_attachment(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<Response> {
    let id = parse_id(&id)?;
    let mut mp = mp.map_err(|e| ApiError(AppError::field("body", e.body_text())))?;
    let mut stored = None;
    while let Some(field) = mp.next_field().await.map_err(|e| multipart_error(&e))? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("lampiran").to_string();
        let bytes = field.bytes().await.map_err(|e| multipart_error(&e))?;
        stored = Some(st.app.add_attachment(&a.actor, id, &name, &bytes).await?);
    }
    let att = stored
        .ok_or_else(|| ApiError(AppError::field("file", "a part named \"file\" is required")))?;
    Ok((StatusCode::CREATED, Json(attachment_json(&att))).into_response())
}

async fn download_attachment(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = AttachmentId::parse(&id).ok_or(ApiError(AppError::NotFound))?;
    let (att, bytes) = st.app.attachment_content(&a.actor, id).await?;
    Ok(file_response(
        bytes,
        &att.content_type,
        &att.filename,
        "inline",
    ))
}

// ---- regions ---------------------------------------------------------------------------

pub fn region_json(st: &AppState, r: &Region) -> Value {
    let g = st.app.gazetteer();
    // The regions it lies in, nearest first, so a match can be told from its namesakes
    // ("Labuhan Ratu IX — village, Labuhan Ratu, Kabupaten Lampung Timur").
    let mut parents = Vec::new();
    let mut up = r.parent.as_deref().and_then(|c| g.get(c));
    while let Some(p) = up {
        parents.push(json!({"code": p.code, "name": p.name, "level": p.level.as_str()}));
        up = p.parent.as_deref().and_then(|c| g.get(c));
    }
    json!({
        "code": r.code,
        "name": r.name,
        "level": r.level.as_str(),
        "parent": r.parent,
        "parents": parents,
        "children_count": st.app.gazetteer().children_count(&r.code),
        "centroid": {"type": "Point", "coordinates": [r.lon, r.lat]},
        "time_zone": sinergi_core::time::Zone::for_region(&r.code).abbreviation(),
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegionQuery {
    q: Option<String>,
    lon: Option<String>,
    lat: Option<String>,
    limit: Option<u32>,
}

async fn regions(
    State(st): State<AppState>,
    _a: Authed,
    q: Result<Query<RegionQuery>, QueryRejection>,
) -> ApiResult<Json<Value>> {
    let Query(q) = q.map_err(query_error)?;
    let g = st.app.gazetteer();
    match (&q.q, &q.lon, &q.lat) {
        (Some(text), None, None) => {
            let limit = q.limit.unwrap_or(20).clamp(1, 200) as usize;
            let found: Vec<Value> = g
                .search(text, limit)
                .into_iter()
                .map(|r| region_json(&st, r))
                .collect();
            Ok(Json(json!({"regions": found})))
        }
        (None, Some(lon), Some(lat)) => {
            let mut errs = ValidationErrors::new();
            let lon = lon
                .parse::<f64>()
                .ok()
                .filter(|x| (-180.0..=180.0).contains(x));
            let lat = lat
                .parse::<f64>()
                .ok()
                .filter(|x| (-90.0..=90.0).contains(x));
            if lon.is_none() {
                errs.push("lon", "must be a longitude from -180 to 180");
            }
            if lat.is_none() {
                errs.push("lat", "must be a latitude from -90 to 90");
            }
            let (Some(lon), Some(lat)) = (lon, lat) else {
                return Err(errs.into());
            };
            let loc = g
                .locate(lon, lat)
                .ok_or_else(|| ApiError(AppError::NotFound))?;
            let chain: Vec<Value> = loc
                .chain()
                .into_iter()
                .map(|r| region_json(&st, r))
                .collect();
            Ok(Json(
                json!({"approximate": loc.approximate, "chain": chain, "code": loc.most_specific().code}),
            ))
        }
        _ => Err(ApiError(AppError::field(
            "q",
            "give either q=NAME, or both lon= and lat=",
        ))),
    }
}

async fn region(
    State(st): State<AppState>,
    _a: Authed,
    Path(code): Path<String>,
) -> ApiResult<Json<Value>> {
    let r = st
        .app
        .gazetteer()
        .get(&code)
        .ok_or(ApiError(AppError::NotFound))?;
    Ok(Json(region_json(&st, r)))
}
