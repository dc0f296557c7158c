//! The forms API (ADR 33): publish an XLSForm workbook as a form or its next version,
//! list the forms you see, read one with its versions, download a version's XForm.

use std::collections::HashMap;

use axum::extract::multipart::MultipartRejection;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Multipart, OriginalUri, Path, State};
use axum::http::HeaderMap;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use sinergi_app::forms::FormView as AppForm;
use sinergi_app::AppError;
use sinergi_core::form::{Form, FormId, FormVersion};
use sinergi_core::ids::AgencyId;
use utoipa_axum::routes;

use super::types::{
    FormDeviceList, FormDeviceView, FormList, FormSummary, FormVersionView, FormView,
    LinkFormDeviceRequest, LinkedFormDevice,
};
use crate::api_common::{multipart_error, parse_json, route, ApiRoute, FileUpload};
use crate::auth::Authed;
use crate::features::plans::api::agency_codes;
use crate::openapi::{P401, P403, P404, P409, P413, P422};
use crate::problem::{ApiError, ApiResult};
use crate::AppState;

/// The form routes, relative to `/api/v1`.
pub(crate) fn routes() -> Vec<ApiRoute> {
    vec![
        route(routes!(list_forms, publish_form)),
        route(routes!(get_form)),
        route(routes!(download_xform)),
        route(routes!(list_devices, link_device)),
        route(routes!(revoke_device)),
    ]
    .into_iter()
    .chain(super::submissions::routes())
    .chain(super::paper::routes())
    .chain(super::fill::routes())
    .chain(super::media::routes())
    .chain(super::exports::routes())
    .collect()
}

fn device_view(d: &sinergi_core::form::FormDevice) -> FormDeviceView {
    FormDeviceView {
        id: d.id.0,
        name: d.name.clone(),
        linked_at: d.created_at.to_rfc3339(),
        revoked_at: d.revoked_at.map(|t| t.to_rfc3339()),
    }
}

#[utoipa::path(get, path = "/form-devices", tag = "forms",
    summary = "Your devices linked for ODK Collect, the newest first, revoked ones too",
    responses((status = 200, description = "The devices", body = FormDeviceList),
        (status = 401, response = P401)))]
async fn list_devices(State(st): State<AppState>, a: Authed) -> ApiResult<Json<FormDeviceList>> {
    let list = st.app.form_devices(&a.actor).await?;
    Ok(Json(FormDeviceList {
        devices: list.iter().map(device_view).collect(),
    }))
}

#[utoipa::path(post, path = "/form-devices", tag = "forms",
    summary = "Link a device for ODK Collect: the answer's server URL acts as you and is shown only once",
    request_body = LinkFormDeviceRequest,
    responses((status = 201, description = "The device and its server URL", body = LinkedFormDevice),
        (status = 401, response = P401), (status = 422, response = P422)))]
async fn link_device(
    State(st): State<AppState>,
    a: Authed,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let v = parse_json(body)?;
    let name = v
        .get("name")
        .and_then(|n| n.as_str())
        .ok_or_else(|| ApiError(AppError::field("name", "is required")))?;
    let (d, secret) = st.app.link_form_device(&a.actor, name).await?;
    let origin = crate::features::ogc::api::origin(&st, &uri, &headers);
    let server_url = format!("{origin}/openrosa/key/{secret}");
    let mut resp = (
        StatusCode::CREATED,
        Json(LinkedFormDevice {
            device: device_view(&d),
            collect_settings: super::openrosa::collect_settings(&server_url, "Sinergi"),
            server_url,
        }),
    )
        .into_response();
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(resp)
}

#[utoipa::path(delete, path = "/form-devices/{id}", tag = "forms",
    summary = "Revoke one of your devices: its server URL stops working at once",
    params(("id" = String, Path, description = "The device's UUID")),
    responses((status = 204, description = "Revoked"),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn revoke_device(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = sinergi_core::form::FormDeviceId::parse(&id).ok_or(ApiError(AppError::NotFound))?;
    st.app.revoke_form_device(&a.actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) fn form_id(s: &str) -> ApiResult<FormId> {
    FormId::parse(s).ok_or(ApiError(AppError::NotFound))
}

/// A form version named in a path: the form's UUID and the version's number; none
/// (answered as not found) when either does not parse.
pub(crate) fn version_ref(id: &str, number: &str) -> Option<(FormId, i32)> {
    Some((FormId::parse(id)?, number.parse().ok()?))
}

pub(crate) fn xform_href(form: FormId, number: i32) -> String {
    format!("/api/v1/forms/{form}/versions/{number}/form.xml")
}

pub(crate) async fn form_view(
    st: &AppState,
    v: &AppForm,
    codes: &HashMap<AgencyId, String>,
) -> ApiResult<FormView> {
    let f = &v.form;
    let mut versions = Vec::with_capacity(v.versions.len());
    for x in &v.versions {
        versions.push(version_view(st, x).await?);
    }
    Ok(FormView {
        id: f.id.0,
        form_id: f.xml_id.clone(),
        title: f.title.clone(),
        owner: codes.get(&f.owner_agency_id).cloned(),
        current_version: f.current_version,
        created_at: f.created_at.to_rfc3339(),
        updated_at: f.updated_at.to_rfc3339(),
        may_publish: v.may_publish,
        versions,
    })
}

async fn version_view(st: &AppState, x: &FormVersion) -> ApiResult<FormVersionView> {
    let by = st.app.user_by_id(x.published_by).await?;
    Ok(FormVersionView {
        number: x.number,
        version: x.version.clone(),
        title: x.title.clone(),
        languages: x.languages.clone(),
        file_name: x.file_name.clone(),
        workbook_sha256: x.workbook_sha256.clone(),
        published_by: by.map(|u| u.username.as_str().to_string()),
        published_at: x.published_at.to_rfc3339(),
        xform: xform_href(x.form_id, x.number),
    })
}

fn summary(f: &Form, codes: &HashMap<AgencyId, String>) -> FormSummary {
    FormSummary {
        id: f.id.0,
        form_id: f.xml_id.clone(),
        title: f.title.clone(),
        owner: codes.get(&f.owner_agency_id).cloned(),
        current_version: f.current_version,
        updated_at: f.updated_at.to_rfc3339(),
    }
}

#[utoipa::path(get, path = "/forms", tag = "forms",
    summary = "The forms of your agency, those below it and those above it, by title; and the forms whose answers other agencies share with yours under agreements (their submissions under /forms/{id}/submissions, as shared)",
    responses((status = 200, description = "The forms", body = FormList),
        (status = 401, response = P401)))]
async fn list_forms(State(st): State<AppState>, a: Authed) -> ApiResult<Json<FormList>> {
    let forms = st.app.forms(&a.actor).await?;
    let shared = st.app.shared_forms(&a.actor).await?;
    let codes = agency_codes(&st).await?;
    Ok(Json(FormList {
        forms: forms.iter().map(|f| summary(f, &codes)).collect(),
        shared: shared.iter().map(|f| summary(f, &codes)).collect(),
    }))
}

#[utoipa::path(post, path = "/forms", tag = "forms",
    summary = "Publish an XLSForm workbook (.xlsx, part `file`): a new form of your agency, or the next version of the form with its form_id; every problem is named by sheet, row and column (`survey[12].relevant`)",
    request_body(content = FileUpload, content_type = "multipart/form-data"),
    responses((status = 201, description = "The form with the new version", body = FormView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 409, response = P409), (status = 413, response = P413),
        (status = 422, response = P422)))]
async fn publish_form(
    State(st): State<AppState>,
    a: Authed,
    mp: Result<Multipart, MultipartRejection>,
) -> ApiResult<Response> {
    let mut mp = mp.map_err(|e| ApiError(AppError::field("body", e.body_text())))?;
    let mut file = None;
    while let Some(field) = mp.next_field().await.map_err(|e| multipart_error(&e))? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("form.xlsx").to_string();
        let bytes = field.bytes().await.map_err(|e| multipart_error(&e))?;
        file = Some((name, bytes));
    }
    let (name, bytes) =
        file.ok_or_else(|| ApiError(AppError::field("file", "a part named \"file\" is required")))?;
    let (form, _) = st.app.publish_form(&a.actor, &bytes, &name).await?;
    let v = st.app.form_view(&a.actor, form.id).await?;
    let codes = agency_codes(&st).await?;
    let body = form_view(&st, &v, &codes).await?;
    let mut resp = (StatusCode::CREATED, Json(body)).into_response();
    if let Ok(loc) = HeaderValue::from_str(&format!("/api/v1/forms/{}", form.id)) {
        resp.headers_mut().insert(header::LOCATION, loc);
    }
    Ok(resp)
}

#[utoipa::path(get, path = "/forms/{id}", tag = "forms",
    summary = "A form with its versions, the newest first",
    params(("id" = String, Path, description = "The form's UUID")),
    responses((status = 200, description = "The form", body = FormView),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn get_form(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<FormView>> {
    let v = st.app.form_view(&a.actor, form_id(&id)?).await?;
    let codes = agency_codes(&st).await?;
    Ok(Json(form_view(&st, &v, &codes).await?))
}

#[utoipa::path(get, path = "/forms/{id}/versions/{number}/form.xml", tag = "forms",
    summary = "The ODK XForm of one version of a form",
    params(("id" = String, Path, description = "The form's UUID"),
        ("number" = i32, Path, description = "The version's number (1, 2, …)")),
    responses((status = 200, description = "The XForm", content_type = "text/xml", body = String),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn download_xform(
    State(st): State<AppState>,
    a: Authed,
    Path((id, number)): Path<(String, String)>,
) -> ApiResult<Response> {
    let (id, number) = version_ref(&id, &number).ok_or(ApiError(AppError::NotFound))?;
    let v = st.app.form_version(&a.actor, id, number).await?;
    let mut resp = v.xml.into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/xml; charset=utf-8"),
    );
    Ok(resp)
}
