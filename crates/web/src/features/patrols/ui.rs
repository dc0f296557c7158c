//! Patrol pages (`/patroli`): the patrols the user's agency organises or takes part in,
//! with their computed effort; a form to plan a joint patrol with members from several
//! agencies; one patrol's page with its members, legs, effort, its tracks on a map, the
//! status buttons, a GPX upload into it and its GPX download; and a GPX upload that makes
//! a new patrol from a handheld GPS's file.
//!
//! The app decides who sees and changes what; every POST checks `_csrf` first (a GPX
//! upload before its file is read).

use axum::extract::multipart::MultipartRejection;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{context, Value};
use serde_json::{json, Map};
use sinergi_app::AppError;
use sinergi_core::ids::PatrolId;
use sinergi_core::input::Body as _;
use sinergi_core::patrol::body::{NewPatrolBody, PatrolPatchBody};
use sinergi_core::patrol::{Mandate, PatrolStatus, Transport};
use sinergi_core::permission::Action;
use sinergi_core::ValidationErrors;

use super::api::patrol_view;
use super::types::PatrolView;
use crate::api_common::file_response;
use crate::i18n::{core_message, field_or_other, k, tr, tr_args, Lang};
use crate::ui::render::{json_for_script, page_ctx, render};
use crate::ui::upload::{form_file as gpx_file, Upload};
use crate::ui::{FormData, Page, UNPROCESSABLE};
use crate::AppState;

/// Rows of members the new-patrol form offers.
const MEMBER_ROWS: usize = 8;

pub(crate) fn routes(
    _: &crate::features::Limits,
) -> Vec<(&'static str, axum::routing::MethodRouter<AppState>)> {
    use axum::routing::{get, post};
    vec![
        ("/patroli", get(list)),
        ("/patroli/baru", get(new_form).post(create)),
        ("/patroli/impor-gpx", post(import_new)),
        ("/patroli/{id}", get(detail)),
        ("/patroli/{id}/status", post(set_status)),
        ("/patroli/{id}/gpx", post(import_into)),
        ("/patroli/{id}/jejak.gpx", get(download_gpx)),
        ("/patroli/ringkasan", get(super::found_ui::summary)),
        ("/patroli/{id}/laporan.pdf", get(super::report_pdf::page_pdf)),
        ("/patroli/{id}/pengamatan/{observation}", post(super::found_ui::decide)),
        ("/patroli/{id}/temuan", post(super::found_ui::link)),
        ("/patroli/{id}/rekam", get(record)),
    ]
}

pub(crate) fn back_path(path: &str) -> Option<String> {
    if path == "/patroli/baru" || path == "/patroli/impor-gpx" {
        return Some("/patroli".into());
    }
    let rest = path.strip_prefix("/patroli/")?;
    let id = rest.split('/').next()?;
    (rest.contains('/')).then(|| format!("/patroli/{id}"))
}

pub(super) fn mandate_label(lang: Lang, m: &str) -> String {
    let key = match m {
        "forest_security" => k!("p_mandate_forest_security"),
        "fire_prevention" => k!("p_mandate_fire_prevention"),
        "wildlife_protection" => k!("p_mandate_wildlife_protection"),
        "joint_operation" => k!("p_mandate_joint_operation"),
        other => return other.to_string(),
    };
    tr(lang, key)
}

pub(super) fn transport_label(lang: Lang, t: &str) -> String {
    let key = match t {
        "foot" => k!("p_transport_foot"),
        "vehicle" => k!("p_transport_vehicle"),
        "boat" => k!("p_transport_boat"),
        "motorbike" => k!("p_transport_motorbike"),
        other => return other.to_string(),
    };
    tr(lang, key)
}

pub(super) fn status_label(lang: Lang, s: &str) -> String {
    let key = match s {
        "planned" => k!("p_status_planned"),
        "under_way" => k!("p_status_under_way"),
        "done" => k!("p_status_done"),
        other => return other.to_string(),
    };
    tr(lang, key)
}

pub(super) fn role_label(lang: Lang, r: &str) -> String {
    match r {
        "leader" => tr(lang, k!("p_role_leader")),
        _ => tr(lang, k!("p_role_member")),
    }
}

/// One decimal, with the language's decimal mark.
pub(super) fn one_decimal(lang: Lang, x: f64) -> String {
    let s = format!("{x:.1}");
    match lang {
        Lang::Id => s.replace('.', ","),
        Lang::En => s,
    }
}

/// A patrol as the pages show it.
fn row(lang: Lang, p: &PatrolView) -> Value {
    context! {
        id => p.id.to_string(),
        title => p.title.as_str(),
        agency => p.agency.as_deref().unwrap_or("—"),
        mandate => mandate_label(lang, &p.mandate),
        transport => transport_label(lang, &p.transport),
        status => p.status.as_str(),
        status_label => status_label(lang, &p.status),
        dates => format!("{} – {}", p.planned_start, p.planned_end),
        area => p.area.as_deref().unwrap_or("—"),
        members => p.members.len(),
        distance => one_decimal(lang, p.effort.distance_km),
        hours => one_decimal(lang, p.effort.hours),
        patrol_days => p.effort.patrol_days,
        person_days => p.effort.person_days,
        cells => p.effort.cells,
        area_km2 => one_decimal(lang, p.effort.area_km2),
    }
}

/// Messages shown at the top of a page, in the user's language, each with its field.
pub(super) fn error_lines(lang: Lang, e: &ValidationErrors) -> Vec<String> {
    e.errors
        .iter()
        .map(|e| {
            let msg = core_message(lang, &e.message);
            if e.field.is_empty() {
                msg
            } else {
                format!("{}: {msg}", field_or_other(lang, &e.field))
            }
        })
        .collect()
}

/// `GET /patroli`.
pub(crate) async fn list(
    State(st): State<AppState>,
    page: Page,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let f = FormData(q.map(|Query(v)| v).unwrap_or_default());
    list_page(&st, &page, StatusCode::OK, Vec::new(), f.get("pesan").map(String::from)).await
}

async fn list_page(
    st: &AppState,
    page: &Page,
    status: StatusCode,
    upload_errors: Vec<String>,
    notice: Option<String>,
) -> Response {
    let lang = page.lang;
    let patrols = match st.app.patrols_delivered_for(&page.authed.actor).await {
        Ok(p) => p,
        Err(e) => return page.error(e),
    };
    let mut rows = Vec::with_capacity(patrols.len());
    for (p, legs, form) in patrols {
        match patrol_view(st, &p, &legs, &form).await {
            Ok(v) => rows.push(row(lang, &v)),
            Err(e) => return page.error(e.0),
        }
    }
    let notice = notice.and_then(|n| match n.as_str() {
        "impor" => Some(tr(lang, k!("p_notice_imported"))),
        _ => None,
    });
    render(
        status,
        "patroli.html",
        context! {
            patrols => rows,
            upload_errors => upload_errors,
            notice => notice,
            can_record => can_record(page),
            ..page_ctx(page, "patrols")
        },
    )
}

/// The values of the new-patrol form, as typed.
#[derive(Debug, Clone, Default, serde::Serialize)]
struct NewValues {
    judul: String,
    mandat: String,
    moda: String,
    mulai: String,
    selesai: String,
    wilayah: String,
    kerahasiaan: String,
    anggota: Vec<MemberValues>,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
struct MemberValues {
    instansi: String,
    pengguna: String,
    nama: String,
    peran: String,
}

fn choices(lang: Lang) -> Value {
    context! {
        mandates => Mandate::ALL.iter().map(|m| (m.as_str(), mandate_label(lang, m.as_str()))).collect::<Vec<_>>(),
        transports => Transport::ALL.iter().map(|t| (t.as_str(), transport_label(lang, t.as_str()))).collect::<Vec<_>>(),
    }
}

async fn form_page(
    st: &AppState,
    page: &Page,
    status: StatusCode,
    values: &NewValues,
    errors: Vec<String>,
) -> Response {
    // The agencies that may join: the organiser's own line and its partners under
    // agreements in force (any other is refused on saving).
    let partners: Vec<(String, String)> = match st.app.patrol_partner_agencies(&page.authed.actor).await {
        Ok(list) => list
            .into_iter()
            .map(|a| (a.code.to_string(), a.name))
            .collect(),
        Err(e) => return page.error(e),
    };
    render(
        status,
        "patroli_baru.html",
        context! {
            values => Value::from_serialize(values),
            errors => errors,
            choices => choices(page.lang),
            partners => partners,
            ..page_ctx(page, "patrols")
        },
    )
}

/// Whether the user may plan patrols and upload their tracks for their agency.
fn can_record(page: &Page) -> bool {
    page.authed.actor.may(Action::RecordPatrols)
}

/// `GET /patroli/baru`: the organiser's agency and the user as leader are filled in.
pub(crate) async fn new_form(State(st): State<AppState>, page: Page) -> Response {
    if !can_record(&page) {
        return page.error(AppError::Forbidden(
            "analysts do not record patrols".into(),
        ));
    }
    let agency = match st.app.agency(page.authed.actor.agency_id).await {
        Ok(a) => a.map(|a| a.code.to_string()).unwrap_or_default(),
        Err(e) => return page.error(e),
    };
    let mut anggota = vec![MemberValues::default(); MEMBER_ROWS];
    anggota[0] = MemberValues {
        instansi: agency,
        pengguna: page.authed.user.username.to_string(),
        nama: page.authed.user.display_name.to_string(),
        peran: "leader".into(),
    };
    let values = NewValues {
        mandat: "forest_security".into(),
        moda: "foot".into(),
        kerahasiaan: "internal".into(),
        anggota,
        ..Default::default()
    };
    form_page(&st, &page, StatusCode::OK, &values, Vec::new()).await
}

/// `POST /patroli/baru`.
pub(crate) async fn create(
    State(st): State<AppState>,
    page: Page,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let mut values = NewValues {
        judul: f.text("judul"),
        mandat: f.text("mandat"),
        moda: f.text("moda"),
        mulai: f.text("mulai"),
        selesai: f.text("selesai"),
        wilayah: f.text("wilayah"),
        kerahasiaan: f.text("kerahasiaan"),
        anggota: Vec::new(),
    };
    let mut members = Vec::new();
    for i in 0..MEMBER_ROWS {
        let m = MemberValues {
            instansi: f.text(&format!("anggota_{i}_instansi")),
            pengguna: f.text(&format!("anggota_{i}_pengguna")),
            nama: f.text(&format!("anggota_{i}_nama")),
            peran: f.text(&format!("anggota_{i}_peran")),
        };
        if !(m.instansi.is_empty() && m.pengguna.is_empty() && m.nama.is_empty()) {
            let mut o = Map::new();
            o.insert("agency".into(), json!(m.instansi));
            if !m.pengguna.is_empty() {
                o.insert("user".into(), json!(m.pengguna));
            }
            if !m.nama.is_empty() {
                o.insert("name".into(), json!(m.nama));
            }
            o.insert(
                "role".into(),
                json!(if m.peran == "leader" { "leader" } else { "member" }),
            );
            members.push(serde_json::Value::Object(o));
        }
        values.anggota.push(m);
    }
    let mut input = json!({
        "title": values.judul, "mandate": values.mandat, "transport": values.moda,
        "planned_start": values.mulai, "planned_end": values.selesai,
        "sensitivity": values.kerahasiaan, "members": members,
    });
    if !values.wilayah.is_empty() {
        input["area"] = json!(values.wilayah);
    }
    // The form builds an object, which always reads.
    let body = NewPatrolBody::read(&input).unwrap_or_default();
    match st.app.create_patrol(&page.authed.actor, &body).await {
        Ok(p) => Redirect::to(&format!("/patroli/{}", p.id)).into_response(),
        Err(AppError::Validation(e)) => {
            form_page(&st, &page, UNPROCESSABLE, &values, error_lines(page.lang, &e)).await
        }
        Err(e) => page.error(e),
    }
}

/// `GET /patroli/{id}`.
pub(crate) async fn detail(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let Some(id) = PatrolId::parse(&id) else {
        return page.error(AppError::NotFound);
    };
    let f = FormData(q.map(|Query(v)| v).unwrap_or_default());
    let notice = match f.get("pesan") {
        Some("impor") => Some(tr(page.lang, k!("p_notice_imported"))),
        Some("sama") => Some(tr(page.lang, k!("p_notice_duplicate"))),
        Some("status") => Some(tr(page.lang, k!("p_notice_status"))),
        Some("pengamatan") => Some(tr(page.lang, k!("p_notice_observation"))),
        Some("temuan") => Some(tr(page.lang, k!("p_notice_finding"))),
        _ => None,
    };
    detail_page(&st, &page, id, StatusCode::OK, Vec::new(), notice).await
}

pub(super) async fn detail_page(
    st: &AppState,
    page: &Page,
    id: PatrolId,
    status: StatusCode,
    errors: Vec<String>,
    notice: Option<String>,
) -> Response {
    let lang = page.lang;
    let (p, legs, form) = match st.app.patrol_delivered(&page.authed.actor, id).await {
        Ok(x) => x,
        Err(e) => return page.error(e),
    };
    let view = match patrol_view(st, &p, &legs, &form).await {
        Ok(v) => v,
        Err(e) => return page.error(e.0),
    };
    let members: Vec<Value> = view
        .members
        .iter()
        .map(|m| {
            context! {
                name => if m.name.is_empty() { tr(lang, k!("p_member_withheld")) } else { m.name.clone() },
                agency => m.agency.as_deref().unwrap_or("—"),
                user => m.user.as_deref().unwrap_or(""),
                role => role_label(lang, &m.role),
            }
        })
        .collect();
    let leg_rows: Vec<Value> = view
        .legs
        .iter()
        .map(|l| {
            context! {
                date => l.date.as_str(),
                source => if l.source == "gpx" { "GPX" } else { "GPS" },
                points => l.points,
                distance => one_decimal(lang, l.distance_km),
                hours => one_decimal(lang, l.hours),
            }
        })
        .collect();
    let segments: Vec<Vec<[f64; 2]>> = legs
        .iter()
        .flat_map(|l| l.track.segments.iter())
        .map(|s| s.iter().map(|pt| [pt.lon, pt.lat]).collect())
        .collect();
    let found = match super::found_ui::patrol_sections(st, page, &p).await {
        Ok(v) => v,
        Err(e) => return page.error(e),
    };
    let next: Vec<(&str, String)> = PatrolStatus::ALL
        .iter()
        .filter(|s| **s != p.status && p.status.check_transition(**s).is_ok())
        .map(|s| (s.as_str(), status_label(lang, s.as_str())))
        .collect();
    render(
        status,
        "patroli_detail.html",
        context! {
            patrol => row(lang, &view),
            version => view.version,
            members => members,
            legs => leg_rows,
            next_status => if view.access.form == "shared" { Vec::new() } else { next },
            found => found,
            shared_note => (view.access.form == "shared").then(|| match view.access.precision_m {
                Some(m) => tr_args(lang, k!("p_shared_grid"), &[("m", &m)]),
                None if view.access.region_only => tr(lang, k!("p_shared_region")),
                None => tr(lang, k!("p_shared_exact")),
            }),
            errors => errors,
            notice => notice,
            map_json => json_for_script(&json!({ "segments": segments })),
            has_track => !segments.is_empty(),
            can_record => can_record(page),
            summary => tr_args(lang, k!("p_effort_summary"), &[
                ("km", &one_decimal(lang, view.effort.distance_km)),
                ("days", &view.effort.patrol_days),
                ("cells", &view.effort.cells),
            ]),
            ..page_ctx(page, "patrols")
        },
    )
}

/// `GET /patroli/{id}/rekam`: records the patrol's track on the phone (`static/rekam.js`):
/// start, pause, waypoints with a photo, stop; the points are kept on the phone as they
/// come and the track is sent as GPX through the outbox. The report types without
/// required attributes are offered for a waypoint's photo, which becomes a report.
pub(crate) async fn record(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = PatrolId::parse(&id) else {
        return page.error(AppError::NotFound);
    };
    if !can_record(&page) {
        return page.error(AppError::Forbidden(
            "analysts do not record patrols".into(),
        ));
    }
    let (p, _) = match st.app.patrol_for(&page.authed.actor, id).await {
        Ok(x) => x,
        Err(e) => return page.error(e),
    };
    let lang = page.lang;
    let types: Vec<Value> = st
        .app
        .report_types()
        .iter()
        .filter(|t| t.fields.iter().all(|f| !f.required))
        .map(|t| context! { key => t.key.as_str(), label => lang.pick(&t.label_id, &t.label_en) })
        .collect();
    render(
        StatusCode::OK,
        "patroli_rekam.html",
        context! {
            patrol_id => p.id.to_string(),
            patrol_title => p.title.as_str(),
            types => types,
            ..page_ctx(&page, "patrols")
        },
    )
}

/// `POST /patroli/{id}/status`.
pub(crate) async fn set_status(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let Some(id) = PatrolId::parse(&id) else {
        return page.error(AppError::NotFound);
    };
    // A version that is not a number can never match, which is the honest answer.
    let version = f.text("version").parse::<i64>().unwrap_or(-1);
    let body = PatrolPatchBody::read(&json!({ "status": f.text("status") })).unwrap_or_default();
    match st
        .app
        .update_patrol(&page.authed.actor, id, Some(version), &body)
        .await
    {
        Ok(_) => Redirect::to(&format!("/patroli/{id}?pesan=status")).into_response(),
        Err(AppError::Validation(e)) => {
            let lines = error_lines(page.lang, &e);
            detail_page(&st, &page, id, UNPROCESSABLE, lines, None).await
        }
        Err(AppError::PreconditionFailed { .. }) => {
            let lines = vec![tr(page.lang, k!("p_stale"))];
            detail_page(&st, &page, id, StatusCode::CONFLICT, lines, None).await
        }
        Err(e) => page.error(e),
    }
}

/// `POST /patroli/{id}/gpx`: the file's tracks become legs of this patrol.
pub(crate) async fn import_into(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    mp: Result<Multipart, MultipartRejection>,
) -> Response {
    let Some(id) = PatrolId::parse(&id) else {
        return page.error(AppError::NotFound);
    };
    let bytes = match gpx_file(&page, mp).await {
        Upload::File(b) => b,
        Upload::Answer(resp) => return resp,
        Upload::Refused(lines) => {
            return detail_page(&st, &page, id, UNPROCESSABLE, lines, None).await;
        }
    };
    match st.app.import_gpx(&page.authed.actor, Some(id), &bytes, st.app.now()).await {
        Ok(r) if r.legs.is_empty() => {
            Redirect::to(&format!("/patroli/{id}?pesan=sama")).into_response()
        }
        Ok(_) => Redirect::to(&format!("/patroli/{id}?pesan=impor")).into_response(),
        Err(AppError::Validation(e)) => {
            let lines = error_lines(page.lang, &e);
            detail_page(&st, &page, id, UNPROCESSABLE, lines, None).await
        }
        Err(e) => page.error(e),
    }
}

/// `POST /patroli/impor-gpx`: a new patrol of the user's agency from the file.
pub(crate) async fn import_new(
    State(st): State<AppState>,
    page: Page,
    mp: Result<Multipart, MultipartRejection>,
) -> Response {
    let bytes = match gpx_file(&page, mp).await {
        Upload::File(b) => b,
        Upload::Answer(resp) => return resp,
        Upload::Refused(lines) => return list_page(&st, &page, UNPROCESSABLE, lines, None).await,
    };
    match st.app.import_gpx(&page.authed.actor, None, &bytes, st.app.now()).await {
        Ok(r) => Redirect::to(&format!("/patroli/{}?pesan=impor", r.patrol.id)).into_response(),
        Err(AppError::Validation(e)) => {
            let lines = error_lines(page.lang, &e);
            list_page(&st, &page, UNPROCESSABLE, lines, None).await
        }
        Err(e) => page.error(e),
    }
}

/// `GET /patroli/{id}/jejak.gpx`.
pub(crate) async fn download_gpx(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = PatrolId::parse(&id) else {
        return page.error(AppError::NotFound);
    };
    match st.app.patrol_gpx(&page.authed.actor, id).await {
        Ok(gpx) => file_response(
            gpx.into_bytes(),
            "application/gpx+xml",
            &format!("patroli-{id}.gpx"),
            "attachment",
        ),
        Err(e) => page.error(e),
    }
}
