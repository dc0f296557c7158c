//! The create and edit forms of a report (the new-report form carries its photos).

use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{context, Value};
use serde_json::json;
use sinergi_app::AppError;
use sinergi_core::access;
use sinergi_core::ids::ReportId;
use sinergi_core::input::Body as _;
use sinergi_core::report::{
    NewReport, NewReportBody, Report, ReportPatch, ReportPatchBody, Sensitivity,
};
use sinergi_core::report_types::ReportType;
use sinergi_regions::Level;

use super::detail::{detail_page, DetailExtra};
use super::values::{self, ReportValues};
use super::*;
use crate::ui::format::{self, home_zone};
use crate::i18n::{core_message, k, tr, tr_args, Lang};
use crate::ui::render::{csrf_page, json_for_script, page_ctx, render};
use crate::ui::{bad_form, sensitivity_label, FormData, Page, UNPROCESSABLE};
use crate::AppState;

// ---- create and edit forms ---------------------------------------------------------------

/// What the form page needs besides the values.
struct FormView<'a> {
    values: ReportValues,
    errors: Errors,
    stale: bool,
    conflict_href: Option<String>,
    /// The report being edited; `None` on the create form.
    editing: Option<&'a Report>,
    /// Photos were sent with a refused form and must be chosen again.
    photos_lost: bool,
}

/// The report types as the form's script reads them, labels in the visitor's language.
fn types_json(types: &[ReportType], lang: Lang) -> serde_json::Value {
    serde_json::Value::Array(types.iter().map(|t| type_json(t, lang)).collect())
}

fn type_json(t: &ReportType, lang: Lang) -> serde_json::Value {
    json!({
        "key": t.key,
        "label": lang.pick(&t.label_id, &t.label_en),
        "fields": t.fields.iter().map(|f| json!({
            "key": f.key,
            "label": lang.pick(&f.label_id, &f.label_en),
            "kind": f.kind,
            "required": f.required,
            "personal": f.personal,
            "options": f.options.iter().map(|c| json!({
                "value": c.value,
                "label": lang.pick(&c.label_id, &c.label_en),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// Where the form's map starts: the point already given, else the user's agency's first
/// region of responsibility, else all of Indonesia.
fn map_center(st: &AppState, page: &Page, v: &ReportValues) -> Value {
    if let (Ok(lon), Ok(lat)) = (v.lon.parse::<f64>(), v.lat.parse::<f64>()) {
        return context! { lon => lon, lat => lat, zoom => 12 };
    }
    let region = page
        .agency
        .as_ref()
        .and_then(|a| a.jurisdiction.first())
        .and_then(|c| st.app.gazetteer().get(c));
    match region {
        Some(r) => {
            let zoom = match r.level {
                Level::Province => 7,
                Level::Regency => 9,
                Level::District => 11,
                Level::Village => 13,
            };
            context! { lon => r.lon, lat => r.lat, zoom => zoom }
        }
        None => context! { lon => 118.0, lat => -2.5, zoom => 4 },
    }
}

fn form_page(st: &AppState, page: &Page, view: FormView<'_>, status: StatusCode) -> Response {
    let lang = page.lang;
    let types = st.app.report_types();
    let ty = types.iter().find(|t| t.key == view.values.type_key);
    let fields = ty
        .map(|t| type_json(t, lang)["fields"].clone())
        .unwrap_or(json!([]));
    let zones: Vec<Value> = format::ZONES
        .iter()
        .map(|(value, key)| context! { value => *value, label => tr(lang, key) })
        .collect();
    let sensitivities: Vec<Value> = Sensitivity::ALL
        .iter()
        .map(|s| context! { key => s.as_str(), label => sensitivity_label(lang, *s) })
        .collect();
    let (mode, action, nav) = match view.editing {
        Some(r) => ("edit", format!("/laporan/{}/ubah", r.id), "reports"),
        None => ("create", "/laporan".to_string(), "new"),
    };
    let geometry_note = view
        .editing
        .filter(|r| r.geometry.kind() != "Point")
        .map(|_| tr(lang, k!("geometry_kept")));
    render(
        status,
        "laporan_form.html",
        context! {
            mode => mode,
            action => action,
            v => Value::from_serialize(&view.values),
            types => type_options(&types, lang),
            type_label => type_label(&types, &view.values.type_key, lang),
            fields => Value::from_serialize(&fields),
            types_json => json_for_script(&types_json(&types, lang)),
            zones => zones,
            sensitivities => sensitivities,
            center => map_center(st, page, &view.values),
            errors => view.errors.by_field,
            summary => view.errors.summary(),
            stale => view.stale,
            conflict_href => view.conflict_href,
            report_id => view.editing.map(|r| r.id.to_string()),
            geometry_note => geometry_note,
            photos_lost => view.photos_lost,
            max_photos => MAX_PHOTOS,
            photo_limit_bytes => st.app.config.max_attachment_bytes,
            photo_total_bytes => st.app.config.max_attachment_bytes.saturating_mul(PHOTO_FORM_BUDGET),
            photo_hint => tr_args(lang, k!("photos_hint"), &[("n", &MAX_PHOTOS.to_string()), ("mb", &megabytes(st.app.config.max_attachment_bytes))]),
            ..page_ctx(page, nav)
        },
    )
}

/// `GET /laporan/baru[?jenis=KEY][&id=…&lon=…&lat=…&waktu=…&judul=…]`.
pub(crate) async fn new_form(
    State(st): State<AppState>,
    page: Page,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    if !access::can_create_report(&page.authed.actor) {
        return page.error(AppError::Forbidden("analysts cannot record reports".into()));
    }
    let f = FormData(q.map(|Query(v)| v).unwrap_or_default());
    let jenis = f.text("jenis");
    let type_key = if st.app.report_type(&jenis).is_some() {
        jenis
    } else {
        String::new()
    };
    let zone = format::zone_value(home_zone(&page));
    let now = st.app.now();
    // A patrol's observation point is recorded through this form with its id, place,
    // time and name filled in (`/laporan/baru?id=…&lon=…&lat=…&waktu=…&judul=…`): the
    // report then has the observation's id, which confirms it.
    let given_id = ReportId::parse(&f.text("id")).map(|id| id.to_string());
    let coordinate = |key: &str, limit: f64| {
        f.text(key)
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && v.abs() <= limit)
            .map(|v| v.to_string())
            .unwrap_or_default()
    };
    let occurred = chrono::DateTime::parse_from_rfc3339(&f.text("waktu"))
        .ok()
        .filter(|t| *t <= now)
        .unwrap_or_else(|| now.fixed_offset());
    let values = ReportValues {
        id: given_id.unwrap_or_else(|| new_report_id(&st)),
        type_key,
        title: f.text("judul").chars().take(200).collect(),
        occurred_local: format::rfc3339_to_local(&occurred, zone),
        zone: zone.to_string(),
        sensitivity: Sensitivity::Internal.as_str().to_string(),
        lon: coordinate("lon", 180.0),
        lat: coordinate("lat", 90.0),
        ..Default::default()
    };
    let view = FormView {
        values,
        errors: Errors::new(page.lang),
        stale: false,
        conflict_href: None,
        editing: None,
        photos_lost: false,
    };
    form_page(&st, &page, view, StatusCode::OK)
}

/// The name of the form's photo inputs (the camera and the gallery one).
pub(crate) const PHOTO_FIELD: &str = "foto";

/// The most photos one submission of the report form takes; more can be added on the
/// report page afterwards.
pub(crate) const MAX_PHOTOS: usize = 10;

/// How many times the largest attachment a whole report form with its photos may be
/// (its body limit, set in `routes`): every photo is held in memory until all are
/// checked, so this bounds what one submission costs.
pub const PHOTO_FORM_BUDGET: usize = 3;

/// A photo sent with the report form, as read.
struct Photo {
    name: String,
    bytes: Vec<u8>,
}

/// A submitted report form: its fields, the photos chosen, and what went wrong while
/// reading them.
struct Submitted {
    form: FormData,
    photos: Vec<Photo>,
    /// The body passed its limit; the fields before the photos were read.
    too_large: bool,
    /// More than [`MAX_PHOTOS`] photos were chosen.
    too_many: bool,
}

/// Reads the report form: `multipart/form-data` (the page's form, with photos) or
/// urlencoded (a form without them). The CSRF token is checked before any photo is
/// read, so a forged submission costs no memory. The error is the page to send back.
#[allow(clippy::result_large_err)]
async fn read_report_form(
    st: &AppState,
    page: &Page,
    req: axum::extract::Request,
) -> Result<Submitted, Response> {
    use axum::extract::FromRequest;
    let multipart = req
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        let body = Form::<Vec<(String, String)>>::from_request(req, st).await;
        let form = page.checked_form(body)?;
        return Ok(Submitted {
            form,
            photos: Vec::new(),
            too_large: false,
            too_many: false,
        });
    }
    let Ok(mut mp) = Multipart::from_request(req, st).await else {
        return Err(bad_form(page));
    };
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut photos = Vec::new();
    let (mut too_large, mut too_many) = (false, false);
    loop {
        let field = match mp.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                too_large = true;
                break;
            }
            Err(_) => return Err(bad_form(page)),
        };
        let name = field.name().unwrap_or("").to_string();
        if name != PHOTO_FIELD {
            match field.text().await {
                Ok(text) => pairs.push((name, text)),
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    too_large = true;
                    break;
                }
                Err(_) => return Err(bad_form(page)),
            }
            continue;
        }
        let csrf = pairs
            .iter()
            .find(|(k, _)| k == "_csrf")
            .map(|(_, v)| v.as_str());
        if !page.csrf_ok(csrf) {
            return Err(csrf_page(page));
        }
        let file_name = field.file_name().unwrap_or("").to_string();
        if photos.len() >= MAX_PHOTOS {
            // Read past, not kept: the form is refused anyway (unless this is an input
            // left empty).
            too_many |= !file_name.is_empty();
            let mut field = field;
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) => too_many |= !chunk.is_empty(),
                    Ok(None) => break,
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                        too_large = true;
                        break;
                    }
                    Err(_) => return Err(bad_form(page)),
                }
            }
            if too_large {
                break;
            }
            continue;
        }
        match field.bytes().await {
            // An input left empty sends a part without a name or bytes.
            Ok(b) if b.is_empty() && file_name.is_empty() => {}
            Ok(b) => photos.push(Photo {
                name: file_name,
                bytes: b.to_vec(),
            }),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                too_large = true;
                break;
            }
            Err(_) => return Err(bad_form(page)),
        }
    }
    let form = FormData(pairs);
    if !page.csrf_ok(form.get("_csrf")) {
        return Err(csrf_page(page));
    }
    Ok(Submitted {
        form,
        photos,
        too_large,
        too_many,
    })
}

/// Whole megabytes, for the size limits the form names.
fn megabytes(bytes: usize) -> String {
    (bytes / (1024 * 1024)).to_string()
}

/// Checks every photo with the app's attachment checks (the same as an upload on the
/// report page) and names each refused one, and the limits of the whole submission.
fn check_photos(st: &AppState, lang: Lang, sub: &Submitted, errors: &mut Errors) {
    let label = tr(lang, k!("photos"));
    let max = st.app.config.max_attachment_bytes;
    if sub.too_large {
        let msg = tr_args(
            lang,
            k!("photos_total_too_large"),
            &[("n", &megabytes(max.saturating_mul(PHOTO_FORM_BUDGET)))],
        );
        errors.push(PHOTO_FIELD.into(), label.clone(), msg);
    }
    if sub.too_many {
        let msg = tr_args(
            lang,
            k!("photos_too_many"),
            &[("n", &MAX_PHOTOS.to_string())],
        );
        errors.push(PHOTO_FIELD.into(), label.clone(), msg);
    }
    for p in &sub.photos {
        let why = match st.app.check_attachment(&p.bytes) {
            Ok(_) => continue,
            Err(AppError::UnsupportedMediaType(_)) => tr(lang, k!("file_type_refused")),
            Err(AppError::PayloadTooLarge(_)) => {
                tr_args(lang, k!("photo_too_large"), &[("n", &megabytes(max))])
            }
            Err(AppError::Validation(v)) => v
                .errors
                .iter()
                .map(|e| core_message(lang, &e.message))
                .collect::<Vec<_>>()
                .join("; "),
            Err(_) => tr(lang, k!("file_type_refused")),
        };
        let name = if p.name.trim().is_empty() {
            tr(lang, k!("photo_unnamed"))
        } else {
            p.name.clone()
        };
        errors.push(PHOTO_FIELD.into(), label.clone(), format!("{name}: {why}"));
    }
}

/// `POST /laporan`: creates the report with the photos chosen, or re-renders the form
/// with every problem named. The hidden client id makes a repeated submission return the
/// report already made (its photos are attached once: an identical file on the same
/// report is the one already there).
///
/// Photos are all checked (type by their bytes, size) together with the fields before
/// anything is written, so a refused photo leaves no report behind and a refused report
/// no files; the report is then created and each photo attached through the app's
/// attachment use case. Only a failure of the server itself while attaching (the disk,
/// the database) can leave a saved report with some photos missing: its page then says
/// which, and the upload form there takes them again.
pub(crate) async fn create(
    State(st): State<AppState>,
    page: Page,
    req: axum::extract::Request,
) -> Response {
    let sub = match read_report_form(&st, &page, req).await {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    if !access::can_create_report(&page.authed.actor) {
        return page.error(AppError::Forbidden("analysts cannot record reports".into()));
    }
    let f = &sub.form;
    let mut values = ReportValues::from_form(f);
    if ReportId::parse(&values.id).is_none() {
        values.id = new_report_id(&st);
    }
    // A file input cannot be filled again by the server: a re-rendered form asks for
    // the photos again.
    let photos_lost = !sub.photos.is_empty() || sub.too_large || sub.too_many;
    let types = st.app.report_types();
    let ty = types.iter().find(|t| t.key == values.type_key);
    let mut errors = Errors::new(page.lang);
    let view = |values: ReportValues, errors: Errors, conflict_href: Option<String>| FormView {
        values,
        errors,
        stale: false,
        conflict_href,
        editing: None,
        photos_lost,
    };
    // The "change type" button (for browsers without JavaScript) only re-renders.
    if f.get("_aksi") == Some("jenis") {
        return form_page(&st, &page, view(values, errors, None), StatusCode::OK);
    }
    let (feature, local) = values::feature(ty, &values);
    errors.local(&local, ty);
    // The form's values are always an object, so reading the body cannot fail.
    let body = NewReportBody::read(&feature).unwrap_or_default();
    if let Err(v) = NewReport::from_body(&body, &types, st.app.now()) {
        errors.domain(&v, ty);
    }
    check_photos(&st, page.lang, &sub, &mut errors);
    if !errors.is_empty() {
        let status = if sub.too_large {
            StatusCode::PAYLOAD_TOO_LARGE
        } else {
            UNPROCESSABLE
        };
        return form_page(&st, &page, view(values, errors, None), status);
    }
    let report = match st.app.create_report(&page.authed.actor, &body).await {
        Ok((r, _)) => r,
        Err(AppError::Validation(v)) => {
            errors.domain(&v, ty);
            return form_page(&st, &page, view(values, errors, None), UNPROCESSABLE);
        }
        Err(AppError::Conflict(_)) => {
            // The id was used for a report with other content: point to it, and give
            // the form a fresh id so that saving again makes a new report.
            let href = format!("/laporan/{}", values.id);
            errors.summary.push((0, tr(page.lang, k!("id_conflict"))));
            values.id = new_report_id(&st);
            return form_page(
                &st,
                &page,
                view(values, errors, Some(href)),
                StatusCode::CONFLICT,
            );
        }
        Err(e) => return page.error(e),
    };
    let mut failed = Vec::new();
    for p in &sub.photos {
        if let Err(e) = st
            .app
            .add_attachment(&page.authed.actor, report.id, &p.name, &p.bytes)
            .await
        {
            tracing::error!(error = %e, report = %report.id, "attaching a photo of a new report failed");
            failed.push(p.name.clone());
        }
    }
    if failed.is_empty() {
        return Redirect::to(&format!("/laporan/{}?pesan=dibuat", report.id)).into_response();
    }
    let extra = DetailExtra {
        status: Some(StatusCode::CREATED),
        notice: Some(tr(page.lang, k!("notice_created"))),
        upload_errors: vec![tr_args(
            page.lang,
            k!("photos_not_attached"),
            &[("files", &failed.join(", "))],
        )],
        ..Default::default()
    };
    detail_page(&st, &page, report.id, extra).await
}

/// Loads a report for editing: 404 when not visible, 403 when visible but not editable.
async fn editable(st: &AppState, page: &Page, id: &str) -> Result<(Report, ReportType), Response> {
    let id = ReportId::parse(id).ok_or_else(|| page.error(AppError::NotFound))?;
    let r = st
        .app
        .report(&page.authed.actor, id)
        .await
        .map_err(|e| page.error(e))?;
    if !access::can_edit(&page.authed.actor, &r.access()) {
        return Err(page.error(AppError::Forbidden(
            "not the author or a coordinator of the owner agency".into(),
        )));
    }
    let ty = st
        .app
        .report_type(&r.type_key)
        .ok_or_else(|| page.error(AppError::NotFound))?;
    Ok((r, ty))
}

/// `GET /laporan/{id}/ubah`.
pub(crate) async fn edit_form(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
) -> Response {
    let (r, _) = match editable(&st, &page, &id).await {
        Ok(x) => x,
        Err(resp) => return resp,
    };
    let view = FormView {
        values: ReportValues::from_report(&r),
        errors: Errors::new(page.lang),
        stale: false,
        conflict_href: None,
        editing: Some(&r),
        photos_lost: false,
    };
    form_page(&st, &page, view, StatusCode::OK)
}

/// `POST /laporan/{id}/ubah` with the `version` the form was made from: the change is
/// saved only if nobody changed the report in between (If-Match semantics).
pub(crate) async fn edit(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let (r, ty) = match editable(&st, &page, &id).await {
        Ok(x) => x,
        Err(resp) => return resp,
    };
    let mut values = ReportValues::from_form(&f);
    values.type_key = r.type_key.clone();
    values.id = r.id.to_string();
    let version = values.version.parse::<i64>().unwrap_or(-1);
    let (body, local) = values::patch(&ty, &values);
    let body = ReportPatchBody::read(&body).unwrap_or_default();
    let mut errors = Errors::new(page.lang);
    errors.local(&local, Some(&ty));
    if let Err(v) = ReportPatch::from_body(&body, &ty, st.app.now()) {
        errors.domain(&v, Some(&ty));
    }
    let view = |errors, stale| FormView {
        values: values.clone(),
        errors,
        stale,
        conflict_href: None,
        editing: Some(&r),
        photos_lost: false,
    };
    if !errors.is_empty() {
        return form_page(&st, &page, view(errors, false), UNPROCESSABLE);
    }
    match st
        .app
        .patch_report(&page.authed.actor, r.id, Some(version), &body)
        .await
    {
        Ok(_) => Redirect::to(&format!("/laporan/{}?pesan=diubah", r.id)).into_response(),
        Err(AppError::PreconditionFailed { .. }) => {
            form_page(&st, &page, view(errors, true), StatusCode::CONFLICT)
        }
        Err(AppError::Validation(v)) => {
            errors.domain(&v, Some(&ty));
            form_page(&st, &page, view(errors, false), UNPROCESSABLE)
        }
        Err(e) => page.error(e),
    }
}
