//! Form pages (ADR 33): the forms the visitor sees with the upload that publishes an
//! XLSForm workbook (`/formulir`), every problem of a refused workbook listed by sheet,
//! row and column; a form's page with its versions (`/formulir/{id}`) and each
//! version's XForm (`/formulir/{id}/versi/{n}/form.xml`).
//!
//! The app decides who sees and publishes what; the upload checks `_csrf` before it
//! reads the file.

use axum::extract::multipart::MultipartRejection;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Multipart, OriginalUri, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{context, Value};
use sinergi_app::AppError;
use sinergi_core::permission::Action;

use super::api::form_id;
use crate::i18n::{core_message, k, tr, tr_args, Lang};
use crate::ui::render::{page_ctx, render};
use crate::ui::upload::{form_with_file, FormUpload};
use crate::ui::{Page, UNPROCESSABLE};
use crate::AppState;

pub(crate) fn routes(
    limits: &crate::features::Limits,
) -> Vec<(&'static str, axum::routing::MethodRouter<AppState>)> {
    use axum::extract::DefaultBodyLimit;
    use axum::routing::{get, post};
    vec![
        ("/formulir", get(list).post(upload)),
        ("/formulir/perangkat", get(devices).post(link_device)),
        ("/formulir/perangkat/{id}/cabut", post(revoke_device)),
        ("/formulir/{id}", get(detail)),
        ("/formulir/{id}/versi/{n}/form.xml", get(xform)),
        ("/formulir/{id}/versi/{n}/media", post(super::media::page_upload)),
        ("/formulir/{id}/versi/{n}/media/{name}", get(super::media::page_file)),
        (
            "/formulir/{id}/kertas",
            get(super::paper::entry)
                .post(super::paper::enter)
                .layer(DefaultBodyLimit::max(limits.report_form)),
        ),
        ("/formulir/{id}/kertas.pdf", get(super::paper::sheet)),
        ("/formulir/{id}/isi", get(super::fill::page)),
        ("/formulir/{id}/kiriman", get(super::submissions_ui::list)),
        ("/formulir/{id}/kiriman.csv", get(super::submissions_ui::csv)),
        ("/formulir/{id}/kiriman.geojson", get(super::submissions_ui::geojson)),
        ("/formulir/{id}/kiriman.zip", get(super::submissions_ui::odk_zip)),
        ("/formulir/{id}/kiriman.xlsx", get(super::submissions_ui::xlsx)),
        ("/kiriman/{id}", get(super::submissions_ui::detail)),
        ("/kiriman/{id}/periksa", post(super::submissions_ui::review)),
        ("/kiriman/{id}/berkas/{name}", get(super::submissions_ui::file)),
        ("/openrosa/key/{token}/formList", get(super::openrosa::form_list)),
        (
            "/openrosa/key/{token}/forms/{id}/{number}/form.xml",
            get(super::openrosa::download),
        ),
        (
            "/openrosa/key/{token}/forms/{id}/{number}/manifest",
            get(super::openrosa::manifest),
        ),
        (
            "/openrosa/key/{token}/forms/{id}/{number}/media/{name}",
            get(super::openrosa::media_file),
        ),
        ("/openrosa/formList", get(super::openrosa::basic_form_list)),
        (
            "/openrosa/forms/{id}/{number}/manifest",
            get(super::openrosa::basic_manifest),
        ),
        (
            "/openrosa/forms/{id}/{number}/media/{name}",
            get(super::openrosa::basic_media_file),
        ),
        (
            "/openrosa/forms/{id}/{number}/form.xml",
            get(super::openrosa::basic_download),
        ),
        (
            "/openrosa/submission",
            axum::routing::head(super::openrosa::basic_submission_head).merge(
                post(super::openrosa::basic_submission_post)
                    .layer(DefaultBodyLimit::max(limits.report_form)),
            ),
        ),
        (
            "/openrosa/key/{token}/submission",
            axum::routing::head(super::openrosa::submission_head).merge(
                post(super::openrosa::submission_post)
                    .layer(DefaultBodyLimit::max(limits.report_form)),
            ),
        ),
    ]
}

pub(crate) fn back_path(path: &str) -> Option<String> {
    if path.starts_with("/formulir/perangkat/") {
        return Some("/formulir/perangkat".to_string());
    }
    // A review posted from a submission's page goes back to it.
    path.strip_prefix("/kiriman/")
        .and_then(|rest| rest.strip_suffix("/periksa"))
        .map(|id| format!("/kiriman/{id}"))
}

/// `GET /formulir/perangkat`: the visitor's linked devices (ODK Collect).
pub(crate) async fn devices(State(st): State<AppState>, page: Page) -> Response {
    devices_page(&st, &page, StatusCode::OK, None, Vec::new()).await
}

async fn devices_page(
    st: &AppState,
    page: &Page,
    status: StatusCode,
    new_url: Option<String>,
    errors: Vec<String>,
) -> Response {
    let settings = new_url
        .as_deref()
        .map(|u| super::openrosa::collect_settings(u, "Sinergi"));
    let qr = settings
        .as_deref()
        .and_then(crate::features::accounts::ui::account::qr_svg)
        .map(Value::from_safe_string);
    let list = match st.app.form_devices(&page.authed.actor).await {
        Ok(l) => l,
        Err(e) => return page.error(e),
    };
    let zone = crate::ui::format::home_zone(page);
    let rows: Vec<Value> = list
        .iter()
        .map(|d| {
            context! {
                id => d.id.to_string(), name => d.name.as_str(),
                created => zone.format(d.created_at),
                revoked => d.revoked_at.map(|t| zone.format(t)),
            }
        })
        .collect();
    render(
        status,
        "formulir_perangkat.html",
        context! {
            devices => rows,
            new_url => new_url,
            settings => settings,
            qr => qr,
            errors => errors,
            ..page_ctx(page, "forms")
        },
    )
}

/// `POST /formulir/perangkat`: links a device and shows its server URL once.
pub(crate) async fn link_device(
    State(st): State<AppState>,
    page: Page,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    match st.app.link_form_device(&page.authed.actor, &f.text("nama")).await {
        Ok((_, secret)) => {
            let origin = crate::features::ogc::api::origin(&st, &uri, &headers);
            let url = format!("{origin}/openrosa/key/{secret}");
            devices_page(&st, &page, StatusCode::OK, Some(url), Vec::new()).await
        }
        Err(AppError::Validation(v)) => {
            let lines = v
                .errors
                .iter()
                .map(|e| format!("{}: {}", tr(page.lang, k!("fm_device_name")), core_message(page.lang, &e.message)))
                .collect();
            devices_page(&st, &page, UNPROCESSABLE, None, lines).await
        }
        Err(e) => page.error(e),
    }
}

/// `POST /formulir/perangkat/{id}/cabut`.
pub(crate) async fn revoke_device(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    if let Err(r) = page.checked_form(body) {
        return r;
    }
    let Some(id) = sinergi_core::form::FormDeviceId::parse(&id) else {
        return page.error(AppError::NotFound);
    };
    match st.app.revoke_form_device(&page.authed.actor, id).await {
        Ok(()) => Redirect::to("/formulir/perangkat").into_response(),
        Err(e) => page.error(e),
    }
}

/// The label of a problem's place in the workbook: `survey, baris 12, kolom relevant`.
fn place(lang: Lang, field: &str) -> String {
    if field == "file" {
        return tr(lang, k!("fm_place_file"));
    }
    let (sheet, rest) = match field.find(['[', '.']) {
        Some(i) => (&field[..i], &field[i..]),
        None => (field, ""),
    };
    let row = rest
        .strip_prefix('[')
        .and_then(|r| r.split_once(']'))
        .map(|(n, _)| n.to_string());
    let column = rest.rsplit_once('.').map(|(_, c)| c.to_string());
    match (row, column) {
        (Some(r), Some(c)) => tr_args(
            lang,
            k!("fm_place_row_column"),
            &[("sheet", &sheet), ("row", &r), ("column", &c)],
        ),
        (Some(r), None) => tr_args(lang, k!("fm_place_row"), &[("sheet", &sheet), ("row", &r)]),
        (None, Some(c)) => tr_args(
            lang,
            k!("fm_place_column"),
            &[("sheet", &sheet), ("column", &c)],
        ),
        (None, None) => sheet.to_string(),
    }
}

/// `GET /formulir`.
pub(crate) async fn list(State(st): State<AppState>, page: Page) -> Response {
    list_page(&st, &page, StatusCode::OK, Vec::new()).await
}

async fn list_page(
    st: &AppState,
    page: &Page,
    status: StatusCode,
    problems: Vec<(String, String)>,
) -> Response {
    let forms = match st.app.forms(&page.authed.actor).await {
        Ok(f) => f,
        Err(e) => return page.error(e),
    };
    let shared = match st.app.shared_forms(&page.authed.actor).await {
        Ok(f) => f,
        Err(e) => return page.error(e),
    };
    let codes = match st.app.agencies().await {
        Ok(a) => a
            .into_iter()
            .map(|a| (a.id, a.code.to_string()))
            .collect::<std::collections::HashMap<_, _>>(),
        Err(e) => return page.error(e),
    };
    let zone = crate::ui::format::home_zone(page);
    let row = |f: &sinergi_core::form::Form| {
        context! {
            id => f.id.to_string(), form_id => f.xml_id.as_str(), title => f.title.as_str(),
            owner => codes.get(&f.owner_agency_id).cloned(),
            version => f.current_version,
            updated => zone.format(f.updated_at),
        }
    };
    let rows: Vec<Value> = forms.iter().map(row).collect();
    let shared: Vec<Value> = shared.iter().map(row).collect();
    render(
        status,
        "formulir_daftar.html",
        context! {
            forms => rows,
            shared => shared,
            may_publish => page.may(Action::PublishForms),
            problems => problems,
            ..page_ctx(page, "forms")
        },
    )
}

/// `POST /formulir`: publishes an uploaded workbook, then shows its form.
pub(crate) async fn upload(
    State(st): State<AppState>,
    page: Page,
    mp: Result<Multipart, MultipartRejection>,
) -> Response {
    let lang = page.lang;
    let (name, bytes) = match form_with_file(&page, mp, "file").await {
        FormUpload::Fields(_, Some(file)) => file,
        FormUpload::Fields(_, None) => {
            let p = vec![(tr(lang, k!("fm_place_file")), tr(lang, k!("no_file")))];
            return list_page(&st, &page, UNPROCESSABLE, p).await;
        }
        FormUpload::Answer(r) => return r,
        FormUpload::Refused(lines) => {
            let p = lines
                .into_iter()
                .map(|l| (tr(lang, k!("fm_place_file")), l))
                .collect();
            return list_page(&st, &page, StatusCode::PAYLOAD_TOO_LARGE, p).await;
        }
    };
    match st.app.publish_form(&page.authed.actor, &bytes, &name).await {
        Ok((form, _)) => Redirect::to(&format!("/formulir/{}", form.id)).into_response(),
        Err(AppError::Validation(v)) => {
            let p = v
                .errors
                .iter()
                .map(|e| (place(lang, &e.field), core_message(lang, &e.message)))
                .collect();
            list_page(&st, &page, UNPROCESSABLE, p).await
        }
        Err(AppError::Conflict(m)) => {
            let p = vec![(tr(lang, k!("fm_place_file")), m)];
            list_page(&st, &page, StatusCode::CONFLICT, p).await
        }
        Err(AppError::PayloadTooLarge(_)) => {
            let p = vec![(tr(lang, k!("fm_place_file")), tr(lang, k!("file_too_large")))];
            list_page(&st, &page, StatusCode::PAYLOAD_TOO_LARGE, p).await
        }
        Err(e) => page.error(e),
    }
}

/// `GET /formulir/{id}`.
pub(crate) async fn detail(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = form_id(&id) else {
        return page.error(AppError::NotFound);
    };
    detail_page(&st, &page, id, StatusCode::OK, Vec::new()).await
}

/// A form's page: its versions, and the media files of the newest with their upload
/// (and what was wrong with the last one, `media_errors`).
pub(crate) async fn detail_page(
    st: &AppState,
    page: &Page,
    id: sinergi_core::form::FormId,
    status: StatusCode,
    media_errors: Vec<String>,
) -> Response {
    let v = match st.app.form_view(&page.authed.actor, id).await {
        Ok(v) => v,
        Err(e) => return page.error(e),
    };
    let owner = match st.app.agency(v.form.owner_agency_id).await {
        Ok(a) => a.map(|a| (a.code.to_string(), a.name)),
        Err(e) => return page.error(e),
    };
    let zone = crate::ui::format::home_zone(page);
    let media = match st
        .app
        .version_media(&page.authed.actor, id, v.form.current_version)
        .await
    {
        Ok(m) => m,
        Err(e) => return page.error(e),
    };
    let media_rows: Vec<Value> = media
        .entries
        .iter()
        .map(|e| {
            context! {
                name => e.reference.name.as_str(),
                kind => tr(page.lang, match e.reference.kind {
                    sinergi_core::form::media::MediaKind::Image => k!("fm_media_image"),
                    sinergi_core::form::media::MediaKind::Audio => k!("fm_media_audio"),
                    sinergi_core::form::media::MediaKind::Video => k!("fm_media_video"),
                }),
                file => e.file.as_ref().map(|f| context! {
                    href => super::media::page_href(id, f.number, &f.name),
                    content_type => f.content_type.as_str(),
                    size => crate::ui::format::human_size(f.size),
                    md5 => f.md5.get(..12).unwrap_or(""),
                    at => zone.format(f.uploaded_at),
                }),
            }
        })
        .collect();
    let mut versions = Vec::new();
    for x in &v.versions {
        let by = match st.app.user_by_id(x.published_by).await {
            Ok(u) => u.map(|u| u.display_name),
            Err(e) => return page.error(e),
        };
        versions.push(context! {
            number => x.number, version => x.version.as_str(), title => x.title.as_str(),
            languages => x.languages.join(", "), file_name => x.file_name.as_str(),
            sha => x.workbook_sha256.get(..12).unwrap_or(""),
            by => by, at => zone.format(x.published_at),
            href => format!("/formulir/{}/versi/{}/form.xml", v.form.id, x.number),
        });
    }
    render(
        status,
        "formulir.html",
        context! {
            form => context! {
                id => v.form.id.to_string(), form_id => v.form.xml_id.as_str(),
                title => v.form.title.as_str(), version => v.form.current_version,
                owner => owner,
            },
            versions => versions,
            may_publish => v.may_publish,
            media => media_rows,
            may_upload_media => media.may_upload,
            media_errors => media_errors,
            ..page_ctx(page, "forms")
        },
    )
}

/// `GET /formulir/{id}/versi/{n}/form.xml`: the XForm of a version.
pub(crate) async fn xform(
    State(st): State<AppState>,
    page: Page,
    Path((id, n)): Path<(String, String)>,
) -> Response {
    let Some((id, n)) = super::api::version_ref(&id, &n) else {
        return page.error(AppError::NotFound);
    };
    match st.app.form_version(&page.authed.actor, id, n).await {
        Ok(v) => {
            let mut resp = v.xml.into_response();
            resp.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/xml; charset=utf-8"),
            );
            resp
        }
        Err(e) => page.error(e),
    }
}
