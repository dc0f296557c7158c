//! The reports API: registry reports with their history, counts and export, attachments,
//! the report-type catalogue and the region gazetteer.

use axum::body::{Body, Bytes};
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures_util::{stream, StreamExt};
use sinergi_app::export::{ExportFormat, ExportWriter};
use sinergi_app::reports::ReportPage;
use sinergi_app::{AppError, AppResult};
use sinergi_app::Attachment;
use sinergi_core::ids::{AttachmentId, ReportId};
use sinergi_core::query::{Cursor, RawReportQuery};
use sinergi_core::input::Body as _;
use sinergi_core::report::{NewReportBody, Report, ReportPatchBody};
use sinergi_core::sharing::Form;
use sinergi_core::ValidationErrors;
use sinergi_regions::Region;
use utoipa_axum::routes;

use super::types::{
    BatchResult, BatchResults, ReportBatch, MAX_BATCH, AttachmentList, AttachmentView, Centroid, CountRow, Counts, CoveredRequest,
    CoveredVillages, History, HistoryEntry, Link,
    RegionChain, RegionList, RegionQuery, RegionRef, RegionView, ReportCollection,
    ReportFeature, ReportListQuery, ReportTypes,
};
use crate::api_common::{
    file_response, from_body, if_match, multipart_error, parse_id, parse_json, query_error, route, urlencode,
    ApiRoute, FileUpload,
};
use crate::auth::Authed;
use crate::openapi::{P401, P403, P404, P409, P412, P413, P415, P422, P428};
use crate::problem::{ApiError, ApiResult};
use crate::AppState;

/// The reports routes, relative to `/api/v1`.
pub(crate) fn routes() -> Vec<ApiRoute> {
    vec![
        route(routes!(report_types)),
        route(routes!(list_reports, create_report)),
        route(routes!(create_reports)),
        route(routes!(report_counts)),
        route(routes!(export_reports)),
        route(routes!(get_report, patch_report)),
        route(routes!(report_history)),
        route(routes!(list_attachments, upload_attachment)),
        route(routes!(download_attachment)),
        route(routes!(regions)),
        route(routes!(covered_villages)),
        route(routes!(region)),
    ]
}

fn etag(r: &Report) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{}\"", r.version))
        .unwrap_or(HeaderValue::from_static("\"0\""))
}

fn feature_response(status: StatusCode, r: &Report, form: Option<&Form>) -> Response {
    let mut resp = (status, Json(ReportFeature::of(r, form))).into_response();
    resp.headers_mut().insert(header::ETAG, etag(r));
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/geo+json"),
    );
    resp
}

// ---- reports ---------------------------------------------------------------------------

#[utoipa::path(get, path = "/report-types", tag = "reports",
    summary = "The report-type catalogue",
    responses((status = 200, description = "Types with their attribute fields", body = ReportTypes),
        (status = 401, response = P401)))]
async fn report_types(State(st): State<AppState>, _a: Authed) -> Json<ReportTypes> {
    Json(ReportTypes::of(&st.app.report_types()))
}

#[utoipa::path(post, path = "/reports", tag = "reports",
    summary = "Create a report (idempotent on a client-chosen id)",
    request_body(content(
        (NewReportBody = "application/geo+json"),
        (NewReportBody = "application/json"),
    )),
    responses(
        (status = 201, description = "The stored report", body = ReportFeature, content_type = "application/geo+json"),
        (status = 200, description = "The same id and content were sent before; the stored report", body = ReportFeature, content_type = "application/geo+json"),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 409, response = P409), (status = 413, response = P413),
        (status = 422, response = P422)))]
async fn create_report(
    State(st): State<AppState>,
    a: Authed,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let body = NewReportBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let (r, created) = st.app.create_report(&a.actor, &body).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let mut resp = feature_response(status, &r, None);
    if let Ok(loc) = HeaderValue::from_str(&format!("/api/v1/reports/{}", r.id)) {
        resp.headers_mut().insert(header::LOCATION, loc);
    }
    Ok(resp)
}

#[utoipa::path(post, path = "/reports/batch", tag = "reports",
    summary = "Create many reports at once (a phone's outbox), each idempotent on its id",
    description = "At most 100 features, stored in one transaction. Each feature gets its own \
        result, in order: 201 stored, 200 already stored with the same content, or the status and \
        problem it would have had alone (fields named `features[i]…`); a refused feature stores \
        nothing and does not stop the others.",
    request_body(content(
        (ReportBatch = "application/geo+json"),
        (ReportBatch = "application/json"),
    )),
    responses(
        (status = 200, description = "One result per feature, in order", body = BatchResults),
        (status = 400, response = crate::openapi::P400),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 413, response = P413), (status = 422, response = P422)))]
async fn create_reports(
    State(st): State<AppState>,
    a: Authed,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<BatchResults>> {
    // The role first: a role that may not record reports learns nothing from its body.
    if !sinergi_core::access::can_create_report(&a.actor) {
        return Err(AppError::Forbidden("analysts cannot record reports".into()).into());
    }
    let v = parse_json(body)?;
    let features = match (v.get("type").and_then(|t| t.as_str()), v.get("features")) {
        (Some("FeatureCollection"), Some(serde_json::Value::Array(f))) => f,
        _ => {
            return Err(AppError::field(
                "features",
                sinergi_core::msg!(
                    "batch-not-collection",
                    "the body must be a FeatureCollection with a list of features"
                ),
            )
            .into())
        }
    };
    if features.is_empty() || features.len() > MAX_BATCH {
        return Err(AppError::field(
            "features",
            sinergi_core::msg!(
                "batch-size",
                "send between 1 and {max} features at once",
                max = MAX_BATCH
            ),
        )
        .into());
    }
    // Features that cannot be read are answered on their own; the rest go together.
    let mut bodies = Vec::with_capacity(features.len());
    let mut unread: Vec<(usize, AppError)> = Vec::new();
    let mut positions = Vec::with_capacity(features.len());
    for (i, f) in features.iter().enumerate() {
        match NewReportBody::read(f) {
            Ok(b) => {
                bodies.push(b);
                positions.push(i);
            }
            Err(e) => unread.push((i, AppError::Validation(e))),
        }
    }
    let outcomes = st.app.create_reports(&a.actor, &bodies).await?;
    let mut results: Vec<(usize, AppResult<(Report, bool)>)> =
        positions.into_iter().zip(outcomes).collect();
    results.extend(unread.into_iter().map(|(i, e)| (i, Err(e))));
    results.sort_by_key(|(i, _)| *i);
    let results = results
        .into_iter()
        .map(|(index, r)| match r {
            Ok((r, created)) => BatchResult {
                index,
                status: if created { 201 } else { 200 },
                id: Some(r.id.0),
                version: Some(r.version),
                location: Some(format!("/api/v1/reports/{}", r.id)),
                problem: None,
            },
            Err(e) => {
                let e = match e {
                    AppError::Validation(v) => AppError::Validation(v.prefixed(&format!("features[{index}]"))),
                    other => other,
                };
                let (status, problem) = crate::problem::problem_json(&e);
                BatchResult {
                    index,
                    status: status.as_u16(),
                    id: features[index]
                        .get("id")
                        .and_then(|v| v.as_str())
                        .and_then(|s| uuid::Uuid::parse_str(s).ok()),
                    version: None,
                    location: None,
                    problem: Some(problem),
                }
            }
        })
        .collect();
    Ok(Json(BatchResults { results }))
}

#[utoipa::path(get, path = "/reports/{id}", tag = "reports", summary = "A report",
    params(("id" = String, Path, description = "The report's UUID")),
    responses((status = 200, description = "The report, with an ETag", body = ReportFeature, content_type = "application/geo+json"),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn get_report(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let (r, form) = st.app.report_with_form(&a.actor, parse_id(&id)?).await?;
    // A shared copy says so, and how it was reduced.
    Ok(feature_response(StatusCode::OK, &r, Some(&form)))
}

#[utoipa::path(patch, path = "/reports/{id}", tag = "reports", summary = "Change a report",
    params(("id" = String, Path, description = "The report's UUID"),
        ("If-Match" = String, Header, description = "The ETag from GET")),
    request_body = ReportPatchBody,
    responses((status = 200, description = "The changed report", body = ReportFeature, content_type = "application/geo+json"),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 412, response = P412),
        (status = 422, response = P422), (status = 428, response = P428)))]
async fn patch_report(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let id = parse_id(&id)?;
    let body = ReportPatchBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let r = st
        .app
        .patch_report(&a.actor, id, if_match(&headers), &body)
        .await?;
    Ok(feature_response(StatusCode::OK, &r, None))
}

#[utoipa::path(get, path = "/reports/{id}/history", tag = "reports", summary = "A report's history",
    params(("id" = String, Path, description = "The report's UUID")),
    responses((status = 200, description = "Events, oldest first", body = History),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn report_history(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<History>> {
    let events = st.app.report_history(&a.actor, parse_id(&id)?).await?;
    Ok(Json(History {
        history: events.iter().map(HistoryEntry::from).collect(),
    }))
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

pub fn page_collection(page: &ReportPage, path: &str, raw: &RawReportQuery) -> ReportCollection {
    let features: Vec<ReportFeature> = page
        .reports
        .iter()
        .zip(&page.forms)
        .map(|(r, form)| ReportFeature::of(r, Some(form)))
        .collect();
    let mut links = vec![Link::geojson("self", next_link_self(path, raw))];
    if let Some(n) = &page.next {
        links.push(Link::geojson("next", next_link(path, raw, n)));
    }
    ReportCollection {
        kind: "FeatureCollection".into(),
        number_returned: features.len(),
        features,
        links,
    }
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

#[utoipa::path(get, path = "/reports", tag = "reports",
    summary = "List reports (OGC API – Features parameters)",
    params(ReportListQuery),
    responses((status = 200, description = "A page", body = ReportCollection, content_type = "application/geo+json"),
        (status = 401, response = P401), (status = 422, response = P422)))]
async fn list_reports(
    State(st): State<AppState>,
    a: Authed,
    q: Result<Query<RawReportQuery>, QueryRejection>,
) -> ApiResult<Response> {
    let Query(raw) = q.map_err(query_error)?;
    let filter = st.app.parse_report_query(&raw).await?;
    let page = st.app.list_reports(&a.actor, filter).await?;
    let mut resp = Json(page_collection(&page, "/api/v1/reports", &raw)).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/geo+json"),
    );
    Ok(resp)
}

#[utoipa::path(get, path = "/reports/counts", tag = "reports",
    summary = "Counts by type and status of the reports the caller may see",
    responses((status = 200, description = "Counts", body = Counts),
        (status = 401, response = P401)))]
async fn report_counts(State(st): State<AppState>, a: Authed) -> ApiResult<Json<Counts>> {
    let counts = st.app.count_reports(&a.actor).await?;
    let rows = counts
        .iter()
        .map(|c| CountRow {
            type_key: c.type_key.clone(),
            status: c.status.as_str().to_string(),
            count: c.count,
        })
        .collect();
    let total: i64 = counts.iter().map(|c| c.count).sum();
    Ok(Json(Counts {
        total,
        counts: rows,
    }))
}

#[derive(Default)]
struct ExportParams {
    format: Option<String>,
    query: RawReportQuery,
}

/// Streams every report the caller may see that matches the filters, as GeoJSON or CSV.
#[utoipa::path(get, path = "/reports/export", tag = "reports",
    summary = "Export every matching report",
    params(
        ("format" = Option<String>, Query, description = "geojson (default) or csv"),
        ("bbox" = Option<String>, Query, description = "minLon,minLat,maxLon,maxLat (WGS84), or six numbers with heights (minLon,minLat,minHeight,maxLon,maxLat,maxHeight), whose 2D part is used"),
        ("datetime" = Option<String>, Query, description = "An RFC 3339 instant or interval start/end; `..` for an open end"),
        ("type" = Option<String>, Query, description = "Report type key"),
        ("region" = Option<String>, Query, description = "Kemendagri code; matches the region and everything inside it"),
        ("agency" = Option<String>, Query, description = "Owner agency code"),
        ("status" = Option<String>, Query, description = "new, verified, in_progress or closed"),
        ("q" = Option<String>, Query, description = "Words in title or description"),
    ),
    responses((status = 200, description = "GeoJSON or CSV, streamed",
            content((ReportCollection = "application/geo+json"), (String = "text/csv"))),
        (status = 401, response = P401), (status = 422, response = P422)))]
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

fn attachment_view(a: &Attachment) -> AttachmentView {
    AttachmentView {
        id: a.id.0,
        report_id: a.report_id.0,
        filename: a.filename.clone(),
        content_type: a.content_type.clone(),
        size: a.size,
        sha256: a.sha256.clone(),
        created_at: a.created_at.to_rfc3339(),
        href: format!("/api/v1/attachments/{}", a.id),
    }
}

#[utoipa::path(get, path = "/reports/{id}/attachments", tag = "reports",
    summary = "A report's attachments",
    params(("id" = String, Path, description = "The report's UUID")),
    responses((status = 200, description = "Attachments", body = AttachmentList),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn list_attachments(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<AttachmentList>> {
    let list = st.app.attachments(&a.actor, parse_id(&id)?).await?;
    Ok(Json(AttachmentList {
        attachments: list.iter().map(attachment_view).collect(),
    }))
}

/// Accepts `multipart/form-data` with one part named `file`.
#[utoipa::path(post, path = "/reports/{id}/attachments", tag = "reports",
    summary = "Attach a photo or document (JPEG, PNG, WebP, GIF, PDF)",
    params(("id" = String, Path, description = "The report's UUID")),
    request_body(content = FileUpload, content_type = "multipart/form-data"),
    responses((status = 201, description = "The attachment", body = AttachmentView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 413, response = P413),
        (status = 415, response = P415), (status = 422, response = P422)))]
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
    Ok((StatusCode::CREATED, Json(attachment_view(&att))).into_response())
}

#[utoipa::path(get, path = "/attachments/{id}", tag = "reports", summary = "An attachment's bytes",
    params(("id" = String, Path, description = "The attachment's UUID")),
    responses((status = 200, description = "The file", content_type = "application/octet-stream", body = [u8]),
        (status = 401, response = P401), (status = 404, response = P404)))]
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

pub fn region_view(st: &AppState, r: &Region) -> RegionView {
    let g = st.app.gazetteer();
    // The regions it lies in, nearest first, so a match can be told from its namesakes
    // ("Labuhan Ratu IX — village, Labuhan Ratu, Kabupaten Lampung Timur").
    let mut parents = Vec::new();
    let mut up = r.parent.as_deref().and_then(|c| g.get(c));
    while let Some(p) = up {
        parents.push(RegionRef {
            code: p.code.clone(),
            name: p.name.clone(),
            level: p.level.as_str().to_string(),
        });
        up = p.parent.as_deref().and_then(|c| g.get(c));
    }
    RegionView {
        code: r.code.clone(),
        name: r.name.clone(),
        level: r.level.as_str().to_string(),
        parent: r.parent.clone(),
        parents,
        children_count: st.app.gazetteer().children_count(&r.code),
        centroid: Centroid::point(r.lon, r.lat),
        bbox: g.extent(&r.code).map(|b| [b.west, b.south, b.east, b.north]),
        time_zone: sinergi_core::time::Zone::for_region(&r.code)
            .abbreviation()
            .to_string(),
    }
}

#[utoipa::path(get, path = "/regions", tag = "regions",
    summary = "Search regions by name, or find the regions containing a point",
    params(RegionQuery),
    responses((status = 200, description = "Regions (code, name, level, parent, `parents`: the regions it lies in, nearest first), or the chain province → village for a point",
            body = RegionList),
        (status = 401, response = P401), (status = 404, response = P404),
        (status = 422, response = P422)))]
async fn regions(
    State(st): State<AppState>,
    _a: Authed,
    q: Result<Query<RegionQuery>, QueryRejection>,
) -> ApiResult<Json<RegionList>> {
    let Query(q) = q.map_err(query_error)?;
    let g = st.app.gazetteer();
    match (&q.q, &q.lon, &q.lat) {
        (Some(text), None, None) => {
            let limit = q.limit.unwrap_or(20).clamp(1, 200) as usize;
            let regions = g
                .search(text, limit)
                .into_iter()
                .map(|r| region_view(&st, r))
                .collect();
            Ok(Json(RegionList::Found { regions }))
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
            let chain = loc
                .chain()
                .into_iter()
                .map(|r| region_view(&st, r))
                .collect();
            Ok(Json(RegionList::Located(RegionChain {
                approximate: loc.approximate,
                chain,
                code: loc.most_specific().code.clone(),
            })))
        }
        _ => Err(ApiError(AppError::field(
            "q",
            "give either q=NAME, or both lon= and lat=",
        ))),
    }
}

/// The most villages listed in one answer (the count says how many there are).
const COVERED_LIST_MAX: usize = 100;
/// The most corners a shape may have.
const COVERED_POINTS_MAX: usize = 20_000;

/// Reads a GeoJSON Polygon or MultiPolygon into polygons of rings.
fn covered_shape(g: &serde_json::Value) -> ApiResult<Vec<Vec<Vec<[f64; 2]>>>> {
    let bad = |m: &'static str| ApiError(AppError::field("geometry", m));
    let polygons: Vec<Vec<Vec<[f64; 2]>>> = match g.get("type").and_then(|t| t.as_str()) {
        Some("Polygon") => vec![serde_json::from_value(g["coordinates"].clone())
            .map_err(|_| bad("coordinates must be rings of [longitude, latitude] positions"))?],
        Some("MultiPolygon") => serde_json::from_value(g["coordinates"].clone())
            .map_err(|_| bad("coordinates must be polygons of rings of [longitude, latitude] positions"))?,
        _ => return Err(bad("must be a GeoJSON Polygon or MultiPolygon")),
    };
    let rings = || polygons.iter().flatten();
    if polygons.is_empty() || polygons.iter().any(Vec::is_empty) || rings().any(|r| r.len() < 4) {
        return Err(bad("each ring needs at least four positions, the last equal to the first"));
    }
    if rings().map(Vec::len).sum::<usize>() > COVERED_POINTS_MAX {
        return Err(bad("has more than 20000 positions"));
    }
    if rings()
        .flatten()
        .any(|p| !(-180.0..=180.0).contains(&p[0]) || !(-90.0..=90.0).contains(&p[1]))
    {
        return Err(bad("positions must be longitude -180 to 180, latitude -90 to 90"));
    }
    Ok(polygons)
}

#[utoipa::path(post, path = "/regions/covered", tag = "regions",
    summary = "The villages a shape covers (by village centre), for the area editor",
    request_body = CoveredRequest,
    responses((status = 200, description = "The villages whose centre lies inside the shape", body = CoveredVillages),
        (status = 401, response = P401), (status = 422, response = P422)))]
async fn covered_villages(
    State(st): State<AppState>,
    _a: Authed,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<CoveredVillages>> {
    let req: CoveredRequest = from_body(parse_json(body)?)?;
    let polygons = covered_shape(&req.geometry)?;
    let g = st.app.gazetteer();
    let mut found: Vec<&Region> = polygons
        .iter()
        .flat_map(|rings| g.villages_within(rings))
        .collect();
    found.sort_by(|a, b| a.code.cmp(&b.code));
    found.dedup_by(|a, b| a.code == b.code);
    let centre = if found.is_empty() {
        // The mean of the first outside ring's corners (without the closing one).
        let ring = &polygons[0][0];
        let corners = &ring[..ring.len() - 1];
        let n = corners.len() as f64;
        let (lon, lat) = corners
            .iter()
            .fold((0.0, 0.0), |(x, y), p| (x + p[0] / n, y + p[1] / n));
        g.locate(lon, lat)
            .map(|loc| region_view(&st, loc.most_specific()))
    } else {
        None
    };
    Ok(Json(CoveredVillages {
        count: found.len(),
        villages: found
            .iter()
            .take(COVERED_LIST_MAX)
            .map(|r| region_view(&st, r))
            .collect(),
        centre,
    }))
}

#[utoipa::path(get, path = "/regions/{code}", tag = "regions", summary = "One region by Kemendagri code",
    params(("code" = String, Path, description = "Kemendagri code, e.g. 15.01")),
    responses((status = 200, description = "The region", body = RegionView),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn region(
    State(st): State<AppState>,
    _a: Authed,
    Path(code): Path<String>,
) -> ApiResult<Json<RegionView>> {
    let r = st
        .app
        .gazetteer()
        .get(&code)
        .ok_or(ApiError(AppError::NotFound))?;
    Ok(Json(region_view(&st, r)))
}
