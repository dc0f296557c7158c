//! The JSON/GeoJSON API under `/api/v1`. Handlers only translate HTTP to use cases and
//! back; every decision is made in the app and core crates.

use axum::body::{Body, Bytes};
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::DefaultBodyLimit;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, patch, post, MethodRouter};
use axum::{Json, Router};
use futures_util::{stream, StreamExt};
use serde::Deserialize;
use serde_json::{json, Value};
use sinergi_app::auth::SessionKind;
use sinergi_app::export::{csv_cell, ExportFormat, ExportWriter};
use sinergi_app::reports::ReportPage;
use sinergi_app::AppError;
use sinergi_app::Attachment;
use sinergi_core::agency::{Agency, NewAgency};
use sinergi_core::agreement::{Agreement, AgreementDocument};
use sinergi_core::ids::{AgreementId, AttachmentId, ReferralId, ReportId};
use sinergi_core::query::{Cursor, RawReportQuery};
use sinergi_core::report::Report;
use sinergi_core::sharing::Form;
use sinergi_core::user::User;
use sinergi_core::ValidationErrors;
use sinergi_regions::Region;

use crate::auth::{Authed, ClientAddr};
use crate::problem::{ApiError, ApiResult};
use crate::AppState;

/// Every API route with its handlers, relative to `/api/v1`. The router is built from this
/// table, and a test checks that each path and method here is in the OpenAPI document and
/// nothing else answers.
pub fn route_table() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/auth/token", post(token)),
        ("/auth/logout", post(logout)),
        ("/me", get(me)),
        (
            "/me/totp",
            get(totp_status).post(totp_start).delete(totp_disable),
        ),
        ("/me/totp/confirm", post(totp_confirm)),
        ("/me/password", post(change_own_password)),
        ("/users/{username}/totp/reset", post(totp_reset)),
        ("/notifications", get(list_notifications)),
        ("/notifications/read-all", post(read_all_notifications)),
        ("/notifications/{id}/read", post(read_notification)),
        ("/users/{username}/sessions/revoke", post(revoke_sessions)),
        ("/report-types", get(report_types)),
        ("/reports", get(list_reports).post(create_report)),
        ("/reports/counts", get(report_counts)),
        ("/reports/export", get(export_reports)),
        ("/reports/{id}", get(get_report).patch(patch_report)),
        ("/reports/{id}/history", get(report_history)),
        (
            "/reports/{id}/attachments",
            get(list_attachments).post(upload_attachment),
        ),
        ("/attachments/{id}", get(download_attachment)),
        ("/agencies", get(list_agencies).post(create_agency)),
        ("/users", get(list_users).post(create_user)),
        ("/users/{username}", patch(update_user)),
        ("/users/{username}/password", post(reset_password)),
        ("/regions", get(regions)),
        ("/audit", get(audit)),
        (
            "/audit/checkpoints",
            get(list_audit_checkpoints).post(write_audit_checkpoint),
        ),
        ("/agreements", get(list_agreements).post(create_agreement)),
        ("/agreements/{id}", get(get_agreement).put(put_agreement)),
        ("/agreements/{id}/propose", post(propose_agreement)),
        (
            "/agreements/{id}/documents",
            post(upload_agreement_document),
        ),
        (
            "/agreements/{id}/documents/{document}",
            get(download_agreement_document),
        ),
        ("/agreements/{id}/approve", post(approve_agreement)),
        ("/agreements/{id}/revoke", post(revoke_agreement)),
        (
            "/reports/{id}/referrals",
            get(list_referrals).post(create_referral),
        ),
        (
            "/reports/{id}/referrals/{referral}",
            delete(revoke_referral),
        ),
        ("/reports/{id}/break-glass", post(break_glass)),
        (
            "/settings/break-glass",
            get(get_break_glass).put(put_break_glass),
        ),
        ("/regions/{code}", get(region)),
    ]
    .into_iter()
    .chain(crate::api_warning::route_table())
    .collect()
}

/// The API router. Uploads get a larger body limit than JSON requests.
pub fn routes(json_limit: usize, upload_limit: usize) -> Router<AppState> {
    let mut r = Router::new();
    for (path, handler) in route_table() {
        let limit = if path.ends_with("/attachments")
            || path.ends_with("/documents")
            || path.starts_with("/imports/")
            || path == "/observations"
        {
            upload_limit
        } else {
            json_limit
        };
        r = r.route(path, handler.layer(DefaultBodyLimit::max(limit)));
    }
    r
}

/// Parses a JSON body, naming the line and column of a syntax error.
pub fn parse_json(body: Result<Bytes, BytesRejection>) -> ApiResult<Value> {
    let bytes = body.map_err(|rej| {
        if rej.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError(AppError::PayloadTooLarge(
                "the request body is too large".into(),
            ))
        } else {
            ApiError(AppError::field("body", rej.body_text()))
        }
    })?;
    serde_json::from_slice(&bytes).map_err(|e| {
        let v = ValidationErrors::single(
            "body",
            format!(
                "malformed JSON at line {}, column {}: {e}",
                e.line(),
                e.column()
            ),
        );
        // A syntax error (or a body cut short) is a malformed request; well-formed JSON
        // of the wrong shape goes on to validation (422).
        if e.is_syntax() || e.is_eof() {
            ApiError(AppError::Malformed(v))
        } else {
            ApiError(AppError::Validation(v))
        }
    })
}

/// Turns a query-string rejection into a validation problem naming the parameter.
pub fn query_error(rej: QueryRejection) -> ApiError {
    let text = rej.body_text();
    let detail = text
        .strip_prefix("Failed to deserialize query string: ")
        .unwrap_or(&text);
    // `unknown field `x`…` names it in backticks; a value of the wrong type as `x: …`.
    let named = detail.split('`').nth(1).or_else(|| {
        detail
            .split_once(": ")
            .map(|(name, _)| name)
            .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
    });
    ApiError(AppError::field(named.unwrap_or("query"), text.clone()))
}

fn parse_id(s: &str) -> ApiResult<ReportId> {
    // A malformed id cannot name any report: answer as for a missing one.
    ReportId::parse(s).ok_or(ApiError(AppError::NotFound))
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

// ---- auth ------------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenRequest {
    username: String,
    password: String,
    /// The six-digit code from the authenticator app, for accounts with a second factor.
    totp: Option<String>,
    /// `read_write` (default) or `read`.
    scope: Option<String>,
    /// 1 to 30 (the default).
    expires_in_days: Option<i64>,
}

async fn token(
    State(st): State<AppState>,
    ClientAddr(from): ClientAddr,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<Value>> {
    let v = parse_json(body)?;
    let req: TokenRequest = from_body(v)?;
    let mut errs = ValidationErrors::new();
    let kind = match req.scope.as_deref() {
        None | Some("read_write") => SessionKind::Api,
        Some("read") => SessionKind::ApiRead,
        Some(_) => {
            errs.push("scope", "must be read or read_write");
            SessionKind::Api
        }
    };
    if let Some(d) = req.expires_in_days {
        if !(1..=30).contains(&d) {
            errs.push("expires_in_days", "must be from 1 to 30");
        }
    }
    if !errs.is_empty() {
        return Err(errs.into());
    }
    let issued = st
        .app
        .sign_in_for(
            from,
            &req.username,
            &req.password,
            req.totp.as_deref(),
            kind,
            req.expires_in_days.map(|d| d * 24),
        )
        .await?;
    Ok(Json(json!({
        "token": issued.token,
        "token_type": "Bearer",
        "scope": if kind == SessionKind::ApiRead { "read" } else { "read_write" },
        "expires_at": issued.expires_at.to_rfc3339(),
    })))
}

async fn logout(State(st): State<AppState>, a: Authed) -> ApiResult<StatusCode> {
    st.app.sign_out(&a.token).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn user_json(u: &User, agency: Option<&Agency>) -> Value {
    json!({
        "id": u.id,
        "username": u.username,
        "display_name": u.display_name,
        "agency": agency.map(|a| a.code.as_str()),
        "role": u.role.as_str(),
        "active": u.active,
        "must_change_password": u.must_change_password,
    })
}

async fn me(State(st): State<AppState>, a: Authed) -> ApiResult<Json<Value>> {
    let agency = st.app.agency(a.user.agency_id).await?;
    let mut v = user_json(&a.user, agency.as_ref());
    v["agency_name"] = json!(agency.map(|a| a.name));
    v["session_expires_at"] = json!(a.session.expires_at.to_rfc3339());
    Ok(Json(v))
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

/// Reads `If-Match: "3"` (or `W/"3"`). A tag that names no version can never match.
pub(crate) fn if_match(h: &HeaderMap) -> Option<i64> {
    let v = h.get(header::IF_MATCH)?.to_str().ok()?.trim();
    let v = v.strip_prefix("W/").unwrap_or(v).trim_matches('"');
    Some(v.parse().unwrap_or(-1))
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

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
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

fn multipart_error(e: &axum::extract::multipart::MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError(AppError::PayloadTooLarge("the file is too large".into()))
    } else {
        ApiError(AppError::field("file", e.body_text()))
    }
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

/// A stored file with its type and (ASCII-safe) name.
fn file_response(
    bytes: Vec<u8>,
    content_type: &str,
    filename: &str,
    disposition: &str,
) -> Response {
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    let safe: String = filename
        .chars()
        .filter(|c| c.is_ascii_graphic() && *c != '"' || *c == ' ')
        .collect();
    if let Ok(v) = HeaderValue::from_str(&format!("{disposition}; filename=\"{safe}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    resp
}

// ---- agencies and users ----------------------------------------------------------------

pub fn agency_json(a: &Agency, all: &[Agency]) -> Value {
    let parent = a.parent_id.and_then(|p| all.iter().find(|x| x.id == p));
    json!({
        "id": a.id,
        "code": a.code,
        "name": a.name,
        "kind": a.kind.as_str(),
        "parent": parent.map(|p| p.code.as_str()),
        "jurisdiction": a.jurisdiction,
    })
}

async fn list_agencies(State(st): State<AppState>, _a: Authed) -> ApiResult<Json<Value>> {
    let all = st.app.agencies().await?;
    Ok(Json(
        json!({"agencies": all.iter().map(|a| agency_json(a, &all)).collect::<Vec<_>>()}),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AgencyRequest {
    code: String,
    name: String,
    kind: String,
    parent: Option<String>,
    #[serde(default)]
    jurisdiction: Vec<String>,
}

fn from_body<T: serde::de::DeserializeOwned>(v: Value) -> ApiResult<T> {
    serde_json::from_value(v).map_err(|e| {
        let text = e.to_string();
        let field = text.split('`').nth(1).unwrap_or("body").to_string();
        ApiError(AppError::field(&field, text))
    })
}

async fn create_agency(
    State(st): State<AppState>,
    a: Authed,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let req: AgencyRequest = from_body(parse_json(body)?)?;
    let new = NewAgency::parse(
        &req.code,
        &req.name,
        &req.kind,
        req.parent.as_deref(),
        &req.jurisdiction,
    )?;
    let created = st.app.create_agency(Some(&a.actor), new).await?;
    let all = st.app.agencies().await?;
    Ok((StatusCode::CREATED, Json(agency_json(&created, &all))).into_response())
}

async fn list_users(State(st): State<AppState>, a: Authed) -> ApiResult<Json<Value>> {
    let users = st.app.users_visible_to(&a.actor).await?;
    let all = st.app.agencies().await?;
    let rows: Vec<Value> = users
        .iter()
        .map(|u| user_json(u, all.iter().find(|x| x.id == u.agency_id)))
        .collect();
    Ok(Json(json!({"users": rows})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UserRequest {
    username: String,
    #[serde(default)]
    display_name: String,
    agency: String,
    role: String,
    password: String,
}

async fn create_user(
    State(st): State<AppState>,
    a: Authed,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let req: UserRequest = from_body(parse_json(body)?)?;
    let u = st
        .app
        .create_user(
            Some(&a.actor),
            &req.username,
            &req.display_name,
            &req.agency,
            &req.role,
            &req.password,
        )
        .await?;
    let agency = st.app.agency(u.agency_id).await?;
    Ok((StatusCode::CREATED, Json(user_json(&u, agency.as_ref()))).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UserPatch {
    display_name: Option<String>,
    role: Option<String>,
}

/// Changes a user's display name or role (agency administrators, for their agencies).
async fn update_user(
    State(st): State<AppState>,
    a: Authed,
    Path(username): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<Value>> {
    let req: UserPatch = from_body(parse_json(body)?)?;
    let u = st
        .app
        .update_user(
            Some(&a.actor),
            &username,
            req.display_name.as_deref(),
            req.role.as_deref(),
        )
        .await?;
    let agency = st.app.agency(u.agency_id).await?;
    Ok(Json(user_json(&u, agency.as_ref())))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PasswordReset {
    password: String,
}

/// Sets a new password for a user who lost theirs; they choose their own at next sign-in.
async fn reset_password(
    State(st): State<AppState>,
    a: Authed,
    Path(username): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<StatusCode> {
    let req: PasswordReset = from_body(parse_json(body)?)?;
    st.app
        .reset_password(Some(&a.actor), &username, &req.password, true)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PasswordChange {
    current_password: String,
    new_password: String,
}

/// Replaces the caller's own password; every session, this token's too, ends.
async fn change_own_password(
    State(st): State<AppState>,
    a: Authed,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<StatusCode> {
    let req: PasswordChange = from_body(parse_json(body)?)?;
    st.app
        .change_own_password(&a.user, &req.current_password, &req.new_password)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- audit -----------------------------------------------------------------------------

/// The audit trail, newest first, for administrators; `format=csv` for a spreadsheet.
async fn audit(
    State(st): State<AppState>,
    a: Authed,
    q: Result<Query<sinergi_app::audit::RawAuditQuery>, QueryRejection>,
) -> ApiResult<Response> {
    let Query(raw) = q.map_err(query_error)?;
    let csv = match raw.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(_) => return Err(ApiError(AppError::field("format", "must be json or csv"))),
    };
    let filter = st.app.audit_filter(&a.actor, &raw)?;
    let entries = st.app.audit_entries(&filter).await?;
    if csv {
        let mut w = csv_writer();
        let _ = w.write_record([
            "seq",
            "at",
            "actor",
            "action",
            "record_type",
            "record_id",
            "detail",
            "prev_hash",
            "hash",
        ]);
        for e in &entries {
            let _ = w.write_record([
                e.seq.to_string(),
                e.at.to_rfc3339(),
                csv_cell(&e.actor),
                csv_cell(&e.action),
                csv_cell(e.record_type.as_deref().unwrap_or_default()),
                csv_cell(e.record_id.as_deref().unwrap_or_default()),
                csv_cell(&e.detail.to_string()),
                e.prev_hash.clone(),
                e.hash.clone(),
            ]);
        }
        let body = w.into_inner().unwrap_or_default();
        return Ok((
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/csv; charset=utf-8"),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_static("attachment; filename=\"audit.csv\""),
                ),
            ],
            body,
        )
            .into_response());
    }
    let next = (entries.len() == filter.limit as usize)
        .then(|| entries.last().map(|e| e.seq))
        .flatten();
    Ok(Json(json!({"entries": entries, "next_cursor": next})).into_response())
}

/// The newest signed checkpoints and the key this server signs with (system admins).
async fn list_audit_checkpoints(State(st): State<AppState>, a: Authed) -> ApiResult<Json<Value>> {
    let (key, checkpoints) = st.app.audit_checkpoint_list(&a.actor, 100).await?;
    Ok(Json(
        json!({"public_key": key.to_string(), "checkpoints": checkpoints}),
    ))
}

/// Signs the newest entry now (system admins): 201 with the new checkpoint, or 200 with
/// the newest one when it already covers the newest entry.
async fn write_audit_checkpoint(State(st): State<AppState>, a: Authed) -> ApiResult<Response> {
    use sinergi_app::checkpoints::CheckpointOutcome;
    Ok(match st.app.checkpoint_audit(Some(&a.actor)).await? {
        CheckpointOutcome::Written(c) => (
            StatusCode::CREATED,
            Json(json!({"written": true, "checkpoint": c})),
        )
            .into_response(),
        CheckpointOutcome::Unchanged(c) => {
            Json(json!({"written": false, "checkpoint": c})).into_response()
        }
        CheckpointOutcome::Empty => {
            Json(json!({"written": false, "checkpoint": null})).into_response()
        }
    })
}

fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::Writer::from_writer(Vec::new())
}

// ---- agreements and referrals ----------------------------------------------------------

async fn agreement_json(st: &AppState, a: &Agreement) -> ApiResult<Value> {
    let agencies = st.app.agencies().await?;
    let code = |id: &sinergi_core::ids::AgencyId| {
        agencies
            .iter()
            .find(|x| x.id == *id)
            .map(|x| x.code.to_string())
    };
    let clauses: Vec<Value> = a
        .clauses
        .iter()
        .map(|c| {
            json!({
                "from": c.from.as_ref().map(code).unwrap_or(Some("*".into())),
                "to": c.to.iter().map(code).collect::<Vec<_>>(),
                "report_types": c.report_types,
                "categories": c.categories,
                "max_sensitivity": c.max_sensitivity.as_str(),
                "withheld_fields": c.withheld_fields,
                "location_precision_m": c.precision.to_json(),
                "include_subagencies": c.include_subagencies,
            })
        })
        .collect();
    Ok(json!({
        "id": a.id,
        "title": a.title,
        "number": a.number,
        "legal_basis": a.legal_basis,
        "parties": a.parties.iter().map(code).collect::<Vec<_>>(),
        "approved_by": a.approvals.iter().map(code).collect::<Vec<_>>(),
        "valid_from": a.valid_from.to_string(),
        "valid_until": a.valid_until.to_string(),
        "status": a.effective_status(st.app.now()).as_str(),
        "clauses": clauses,
        "documents": a.documents.iter().map(|d| agreement_document_json(a, d)).collect::<Vec<_>>(),
        "what_flows_where": st.app.agreement_summary(a).await?,
        "version": a.version,
        "created_at": a.created_at.to_rfc3339(),
        "updated_at": a.updated_at.to_rfc3339(),
    }))
}

fn agreement_id(s: &str) -> ApiResult<AgreementId> {
    AgreementId::parse(s).ok_or(ApiError(AppError::NotFound))
}

async fn list_agreements(State(st): State<AppState>, a: Authed) -> ApiResult<Json<Value>> {
    let mut out = Vec::new();
    for ag in st.app.agreements_for(&a.actor).await? {
        out.push(agreement_json(&st, &ag).await?);
    }
    Ok(Json(json!({"agreements": out})))
}

async fn create_agreement(
    State(st): State<AppState>,
    a: Authed,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let v = parse_json(body)?;
    let ag = st.app.create_agreement(&a.actor, &v).await?;
    Ok((StatusCode::CREATED, Json(agreement_json(&st, &ag).await?)).into_response())
}

async fn get_agreement(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let ag = st.app.agreement_for(&a.actor, agreement_id(&id)?).await?;
    Ok(Json(agreement_json(&st, &ag).await?))
}

fn agreement_document_json(a: &Agreement, d: &AgreementDocument) -> Value {
    json!({
        "id": d.id,
        "filename": d.filename,
        "content_type": d.content_type,
        "size": d.size,
        "sha256": d.sha256,
        "uploaded_at": d.uploaded_at.to_rfc3339(),
        "href": format!("/api/v1/agreements/{}/documents/{}", a.id, d.id),
    })
}

async fn put_agreement(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<Value>> {
    let v = parse_json(body)?;
    let ag = st
        .app
        .update_draft(&a.actor, agreement_id(&id)?, if_match(&headers), &v)
        .await?;
    Ok(Json(agreement_json(&st, &ag).await?))
}

async fn propose_agreement(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let ag = st
        .app
        .propose_agreement(&a.actor, agreement_id(&id)?)
        .await?;
    Ok(Json(agreement_json(&st, &ag).await?))
}

async fn upload_agreement_document(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<Response> {
    let id = agreement_id(&id)?;
    let mut mp = mp.map_err(|e| ApiError(AppError::field("body", e.body_text())))?;
    let mut stored = None;
    while let Some(field) = mp.next_field().await.map_err(|e| multipart_error(&e))? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("perjanjian").to_string();
        let bytes = field.bytes().await.map_err(|e| multipart_error(&e))?;
        stored = Some(
            st.app
                .add_agreement_document(&a.actor, id, &name, &bytes)
                .await?,
        );
    }
    let doc = stored
        .ok_or_else(|| ApiError(AppError::field("file", "a part named \"file\" is required")))?;
    let ag = st.app.agreement_for(&a.actor, id).await?;
    Ok((
        StatusCode::CREATED,
        Json(agreement_document_json(&ag, &doc)),
    )
        .into_response())
}

async fn download_agreement_document(
    State(st): State<AppState>,
    a: Authed,
    Path((id, doc)): Path<(String, String)>,
) -> ApiResult<Response> {
    let doc = doc.parse::<uuid::Uuid>().map_err(|_| AppError::NotFound)?;
    let (d, bytes) = st
        .app
        .agreement_document(&a.actor, agreement_id(&id)?, doc)
        .await?;
    Ok(file_response(
        bytes,
        &d.content_type,
        &d.filename,
        "attachment",
    ))
}

async fn approve_agreement(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let ag = st
        .app
        .approve_agreement(&a.actor, agreement_id(&id)?)
        .await?;
    Ok(Json(agreement_json(&st, &ag).await?))
}

async fn revoke_agreement(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let ag = st
        .app
        .revoke_agreement(&a.actor, agreement_id(&id)?)
        .await?;
    Ok(Json(agreement_json(&st, &ag).await?))
}

fn referral_json(r: &sinergi_app::ReferralRow, agencies: &[Agency]) -> Value {
    json!({
        "id": r.id,
        "report_id": r.report_id,
        "kind": r.kind,
        "to": r.to_agency.and_then(|id| agencies.iter().find(|x| x.id == id)).map(|x| x.code.as_str()),
        "reason": r.reason,
        "until": r.until.to_rfc3339(),
        "created_at": r.created_at.to_rfc3339(),
        "revoked_at": r.revoked_at.map(|t| t.to_rfc3339()),
    })
}

async fn list_referrals(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let rows = st.app.referrals(&a.actor, parse_id(&id)?).await?;
    let agencies = st.app.agencies().await?;
    let list: Vec<Value> = rows.iter().map(|r| referral_json(r, &agencies)).collect();
    Ok(Json(json!({ "referrals": list })))
}

async fn create_referral(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let v = parse_json(body)?;
    let row = st.app.refer_report(&a.actor, parse_id(&id)?, &v).await?;
    let agencies = st.app.agencies().await?;
    Ok((StatusCode::CREATED, Json(referral_json(&row, &agencies))).into_response())
}

async fn revoke_referral(
    State(st): State<AppState>,
    a: Authed,
    Path((id, referral)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let referral = ReferralId::parse(&referral).ok_or(ApiError(AppError::NotFound))?;
    st.app
        .revoke_referral(&a.actor, parse_id(&id)?, referral)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn break_glass(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let v = parse_json(body)?;
    let row = st.app.break_glass(&a.actor, parse_id(&id)?, &v).await?;
    let agencies = st.app.agencies().await?;
    Ok((StatusCode::CREATED, Json(referral_json(&row, &agencies))).into_response())
}

async fn get_break_glass(State(st): State<AppState>, _a: Authed) -> ApiResult<Json<Value>> {
    let roles = st.app.break_glass_roles().await?;
    let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    Ok(Json(
        json!({ "roles": names, "hours": sinergi_app::agreements::BREAK_GLASS_HOURS }),
    ))
}

async fn put_break_glass(
    State(st): State<AppState>,
    a: Authed,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<Value>> {
    let v = parse_json(body)?;
    let roles = st.app.set_break_glass_roles(&a.actor, &v).await?;
    let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    Ok(Json(
        json!({ "roles": names, "hours": sinergi_app::agreements::BREAK_GLASS_HOURS }),
    ))
}

/// Ends every session and token of a user (`me` for oneself).
async fn revoke_sessions(
    State(st): State<AppState>,
    a: Authed,
    Path(username): Path<String>,
) -> ApiResult<StatusCode> {
    let name = if username == "me" {
        a.user.username.to_string()
    } else {
        username
    };
    st.app.revoke_sessions(&a.actor, &name).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- second factor ---------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CodeRequest {
    code: String,
}

async fn totp_status(State(st): State<AppState>, a: Authed) -> ApiResult<Json<Value>> {
    Ok(Json(json!(st.app.second_factor(&a.user).await?)))
}

async fn totp_start(State(st): State<AppState>, a: Authed) -> ApiResult<(StatusCode, Json<Value>)> {
    let e = st.app.start_enrolment(&a.user).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"secret": e.secret, "otpauth_uri": e.otpauth_uri})),
    ))
}

async fn totp_confirm(
    State(st): State<AppState>,
    a: Authed,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<Value>> {
    let req: CodeRequest = from_body(parse_json(body)?)?;
    st.app
        .confirm_enrolment(&a.actor, &a.user, &req.code)
        .await?;
    let user = st
        .app
        .user_by_id(a.user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(json!(st.app.second_factor(&user).await?)))
}

async fn totp_disable(
    State(st): State<AppState>,
    a: Authed,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<StatusCode> {
    let req: CodeRequest = from_body(parse_json(body)?)?;
    st.app
        .disable_own_second_factor(&a.actor, &a.user, &req.code)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn totp_reset(
    State(st): State<AppState>,
    a: Authed,
    Path(username): Path<String>,
) -> ApiResult<StatusCode> {
    st.app
        .reset_second_factor(Some(&a.actor), &username)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- notifications ---------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NotificationQuery {
    unread: Option<bool>,
}

async fn list_notifications(
    State(st): State<AppState>,
    a: Authed,
    q: Result<Query<NotificationQuery>, QueryRejection>,
) -> ApiResult<Json<Value>> {
    let Query(q) = q.map_err(|e| AppError::field("unread", e.body_text()))?;
    let list = st
        .app
        .notifications(&a.actor, q.unread.unwrap_or(false))
        .await?;
    let unread = st.app.unread_notifications(&a.actor).await?;
    Ok(Json(json!({"unread": unread, "notifications": list})))
}

async fn read_notification(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = id
        .parse::<uuid::Uuid>()
        .map(sinergi_core::ids::NotificationId)
        .map_err(|_| AppError::NotFound)?;
    st.app.mark_notification_read(&a.actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn read_all_notifications(State(st): State<AppState>, a: Authed) -> ApiResult<Json<Value>> {
    let n = st.app.mark_all_notifications_read(&a.actor).await?;
    Ok(Json(json!({"marked": n})))
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
