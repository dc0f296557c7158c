//! A form version's media files (ADR 40), in the API and on the form's page: the files
//! its XForm names, which are uploaded, and the upload (multipart part `file`) under a
//! name the XForm names. ODK Collect reaches the same files through the version's
//! manifest (`openrosa.rs`).

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use serde::Serialize;
use sinergi_app::form_media::VersionMedia;
use sinergi_app::AppError;
use sinergi_core::form::media::FormMedia;
use sinergi_core::form::FormId;
use utoipa::ToSchema;
use utoipa_axum::routes;

use super::api::version_ref;
use super::submissions::path_part;
use crate::api_common::{file_response, multipart_error, route, ApiRoute, FileUpload};
use crate::auth::Authed;
use crate::openapi::{P401, P403, P404, P413, P415, P422};
use crate::problem::{ApiError, ApiResult};
use crate::i18n::{core_message, k, tr};
use crate::ui::upload::{form_with_file, FormUpload};
use crate::ui::{Page, UNPROCESSABLE};
use crate::AppState;

pub(crate) fn routes() -> Vec<ApiRoute> {
    vec![
        route(routes!(list_media)),
        route(routes!(get_media, put_media)),
    ]
}

/// A media file a version's XForm names.
#[derive(Serialize, ToSchema)]
pub struct MediaFileView {
    /// The file's name, as the XForm names it (`jr://images/NAME`).
    pub name: String,
    /// What the form shows it as: `image`, `audio` or `video`.
    pub kind: String,
    /// Whether a file is uploaded under the name: ODK Collect gets only uploaded files.
    pub uploaded: bool,
    pub content_type: Option<String>,
    pub size: Option<i64>,
    /// The MD5 of the file, hex, as the manifest gives it.
    pub md5: Option<String>,
    pub sha256: Option<String>,
    #[schema(format = DateTime)]
    pub uploaded_at: Option<String>,
    /// Where the file is downloaded, once uploaded.
    pub href: Option<String>,
}

/// The media files of a version.
#[derive(Serialize, ToSchema)]
pub struct MediaList {
    /// Every file the version's XForm names, by name.
    pub files: Vec<MediaFileView>,
    /// Whether you may upload them.
    pub may_upload: bool,
}

fn api_href(id: FormId, number: i32, name: &str) -> String {
    format!("/api/v1/forms/{id}/versions/{number}/media/{}", path_part(name))
}

fn file_view(
    name: &str,
    kind: &str,
    f: Option<&FormMedia>,
    href: impl Fn(&str) -> String,
) -> MediaFileView {
    MediaFileView {
        name: name.to_string(),
        kind: kind.to_string(),
        uploaded: f.is_some(),
        content_type: f.map(|f| f.content_type.clone()),
        size: f.map(|f| f.size),
        md5: f.map(|f| f.md5.clone()),
        sha256: f.map(|f| f.sha256.clone()),
        uploaded_at: f.map(|f| f.uploaded_at.to_rfc3339()),
        href: f.map(|f| href(&f.name)),
    }
}

fn list_view(v: &VersionMedia) -> MediaList {
    MediaList {
        files: v
            .entries
            .iter()
            .map(|e| {
                file_view(
                    &e.reference.name,
                    e.reference.kind.as_str(),
                    e.file.as_ref(),
                    |n| api_href(v.form.id, v.version.number, n),
                )
            })
            .collect(),
        may_upload: v.may_upload,
    }
}

fn version(id: &str, number: &str) -> ApiResult<(FormId, i32)> {
    version_ref(id, number).ok_or(ApiError(AppError::NotFound))
}

#[utoipa::path(get, path = "/forms/{id}/versions/{number}/media", tag = "forms",
    summary = "The media files a version of a form names (pictures, sounds, videos in its labels), each uploaded or not",
    params(("id" = String, Path, description = "The form's UUID"),
        ("number" = i32, Path, description = "The version's number (1, 2, …)")),
    responses((status = 200, description = "The files", body = MediaList),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn list_media(
    State(st): State<AppState>,
    a: Authed,
    Path((id, n)): Path<(String, String)>,
) -> ApiResult<Json<MediaList>> {
    let (id, n) = version(&id, &n)?;
    let v = st.app.version_media(&a.actor, id, n).await?;
    Ok(Json(list_view(&v)))
}

#[utoipa::path(get, path = "/forms/{id}/versions/{number}/media/{name}", tag = "forms",
    summary = "One media file of a version of a form",
    params(("id" = String, Path, description = "The form's UUID"),
        ("number" = i32, Path, description = "The version's number (1, 2, …)"),
        ("name" = String, Path, description = "The file's name as the XForm names it")),
    responses((status = 200, description = "The file", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn get_media(
    State(st): State<AppState>,
    a: Authed,
    Path((id, n, name)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    let (id, n) = version(&id, &n)?;
    let (m, bytes) = st.app.form_media_file(&a.actor, id, n, &name).await?;
    Ok(file_response(bytes, &m.content_type, &m.name, "inline"))
}

/// The bytes of the part named `file` of a multipart body.
async fn file_part(mp: Result<Multipart, MultipartRejection>) -> ApiResult<Vec<u8>> {
    let mut mp = mp.map_err(|e| ApiError(AppError::field("body", e.body_text())))?;
    let mut file = None;
    while let Some(field) = mp.next_field().await.map_err(|e| multipart_error(&e))? {
        if field.name() == Some("file") {
            file = Some(field.bytes().await.map_err(|e| multipart_error(&e))?.to_vec());
        }
    }
    file.ok_or_else(|| ApiError(AppError::field("file", "a part named \"file\" is required")))
}

#[utoipa::path(put, path = "/forms/{id}/versions/{number}/media/{name}", tag = "forms",
    summary = "Upload a media file of a version (part `file`) under a name its XForm names, of the kind it names (a JPEG/PNG/GIF/WebP picture, an MP3/Ogg/WAV/FLAC/AMR/M4A sound, an MP4/3GP/WebM video); replaces the file the name had",
    params(("id" = String, Path, description = "The form's UUID"),
        ("number" = i32, Path, description = "The version's number (1, 2, …)"),
        ("name" = String, Path, description = "The file's name as the XForm names it")),
    request_body(content = FileUpload, content_type = "multipart/form-data"),
    responses((status = 200, description = "The file as stored", body = MediaFileView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 413, response = P413),
        (status = 415, response = P415), (status = 422, response = P422)))]
async fn put_media(
    State(st): State<AppState>,
    a: Authed,
    Path((id, n, name)): Path<(String, String, String)>,
    mp: Result<Multipart, MultipartRejection>,
) -> ApiResult<Json<MediaFileView>> {
    let (id, n) = version(&id, &n)?;
    // A form the caller does not see answers 404 before its body is read, as one that
    // does not exist.
    st.app.version_media(&a.actor, id, n).await?;
    let bytes = file_part(mp).await?;
    let m = st.app.upload_form_media(&a.actor, id, n, &name, &bytes).await?;
    let kind = sinergi_core::form::media::kind_of_content_type(&m.content_type)
        .map(|k| k.as_str())
        .unwrap_or("");
    Ok(Json(file_view(&m.name, kind, Some(&m), |x| api_href(id, n, x))))
}

// ---- the form's page -------------------------------------------------------------------

/// The page's link to a media file.
pub(crate) fn page_href(id: FormId, number: i32, name: &str) -> String {
    format!("/formulir/{id}/versi/{number}/media/{}", path_part(name))
}

/// `GET /formulir/{id}/versi/{n}/media/{name}`: a media file, shown in the browser.
pub(crate) async fn page_file(
    State(st): State<AppState>,
    page: Page,
    Path((id, n, name)): Path<(String, String, String)>,
) -> Response {
    let Some((id, n)) = version_ref(&id, &n) else {
        return page.error(AppError::NotFound);
    };
    match st.app.form_media_file(&page.authed.actor, id, n, &name).await {
        Ok((m, bytes)) => file_response(bytes, &m.content_type, &m.name, "inline"),
        Err(e) => page.error(e),
    }
}

/// `POST /formulir/{id}/versi/{n}/media`: a file uploaded from the form's page under
/// the name chosen (`name`); back to the page's media section, or the page again with
/// what was wrong.
pub(crate) async fn page_upload(
    State(st): State<AppState>,
    page: Page,
    Path((id, n)): Path<(String, String)>,
    mp: Result<Multipart, MultipartRejection>,
) -> Response {
    let Some((id, n)) = version_ref(&id, &n) else {
        return page.error(AppError::NotFound);
    };
    let lang = page.lang;
    let (fields, file) = match form_with_file(&page, mp, "file").await {
        FormUpload::Fields(fields, file) => (fields, file),
        FormUpload::Answer(r) => return r,
        FormUpload::Refused(lines) => {
            return super::ui::detail_page(&st, &page, id, StatusCode::PAYLOAD_TOO_LARGE, lines)
                .await
        }
    };
    let Some((_, bytes)) = file else {
        let lines = vec![tr(lang, k!("no_file"))];
        return super::ui::detail_page(&st, &page, id, UNPROCESSABLE, lines).await;
    };
    let name = fields.get("name").unwrap_or("").to_string();
    let (status, lines) = match st
        .app
        .upload_form_media(&page.authed.actor, id, n, &name, &bytes)
        .await
    {
        Ok(_) => {
            return Redirect::to(&format!("/formulir/{id}#media")).into_response();
        }
        Err(AppError::Validation(v)) => (
            UNPROCESSABLE,
            v.errors
                .iter()
                .map(|e| core_message(lang, &e.message))
                .collect(),
        ),
        Err(AppError::PayloadTooLarge(_)) => (
            StatusCode::PAYLOAD_TOO_LARGE,
            vec![tr(lang, k!("file_too_large"))],
        ),
        Err(AppError::UnsupportedMediaType(_)) => (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            vec![tr(lang, k!("fm_media_type_refused"))],
        ),
        Err(e) => return page.error(e),
    };
    super::ui::detail_page(&st, &page, id, status, lines).await
}
