//! One report: its delivered form, history and attachments, with the status change, the
//! attachment upload and (from the sharing pages) the referral section.

use axum::extract::multipart::MultipartRejection;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use minijinja::{context, Value};
use serde_json::json;
use sinergi_app::AppError;
use sinergi_core::access;
use sinergi_core::ids::ReportId;
use sinergi_core::input::Field;
use sinergi_core::report::{Report, ReportPatchBody, ReportPropertiesPatch};
use sinergi_core::report_types::{FieldKind, ReportType};
use sinergi_core::sharing::{cell_bounds, Form as Delivered, Precision};
use sinergi_core::time::Zone;

use super::values::{self};
use super::*;
use crate::features::sharing::ui::break_glass as emergency;
use crate::features::sharing::ui::referrals as sharing;
use crate::ui::format::human_size;
use crate::i18n::{core_message, k, tr, tr_args, Lang};
use crate::ui::render::{csrf_page, json_for_script, page_ctx, render};
use crate::ui::{
    bad_form, report_zone, sensitivity_label, show_time, status_label, status_options, FormData,
    Page, UNPROCESSABLE,
};
use crate::AppState;

// ---- detail ------------------------------------------------------------------------------

/// What a detail page shows besides the report: a notice after a successful action, or
/// the errors of a refused status change, upload or referral.
#[derive(Default)]
pub(crate) struct DetailExtra {
    pub status: Option<StatusCode>,
    pub notice: Option<String>,
    pub stale: bool,
    pub status_errors: Vec<String>,
    pub upload_errors: Vec<String>,
    pub referral: sharing::ReferralForm,
}

/// An attribute value in words: choice labels, yes/no, times in the report's zone.
fn attribute_text(
    lang: Lang,
    ty: Option<&ReportType>,
    key: &str,
    v: &serde_json::Value,
    zone: Zone,
) -> String {
    let field = ty.and_then(|t| t.field(key));
    let choice = |s: &str| {
        field
            .and_then(|f| f.options.iter().find(|c| c.value == s))
            .map(|c| lang.pick(&c.label_id, &c.label_en).to_string())
            .unwrap_or_else(|| s.to_string())
    };
    match v {
        serde_json::Value::Bool(b) => tr(lang, if *b { k!("yes") } else { k!("no") }),
        serde_json::Value::Array(items) => items
            .iter()
            .map(|i| match i.as_str() {
                Some(s) => choice(s),
                None => i.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", "),
        serde_json::Value::String(s) => match field.map(|f| f.kind) {
            Some(FieldKind::Select) => choice(s),
            Some(FieldKind::Datetime) => DateTime::parse_from_rfc3339(s)
                .map(|t| show_time(zone, t.with_timezone(&Utc)))
                .unwrap_or_else(|_| s.clone()),
            _ => s.clone(),
        },
        other => other.to_string(),
    }
}

fn changed_label(lang: Lang, field: &str) -> String {
    let key = match field {
        "title" => k!("title"),
        "description" => k!("description"),
        "occurred_at" => k!("occurred_at"),
        "geometry" => k!("location"),
        "sensitivity" => k!("sensitivity"),
        "attributes" => k!("attributes"),
        "region_code" => k!("region"),
        other => return crate::i18n::field_or_other(lang, other),
    };
    tr(lang, key)
}

/// How precisely the viewer got the report's location.
fn precision_of(form: &Delivered) -> Precision {
    match form {
        Delivered::Full => Precision::Exact,
        Delivered::Shared { precision, .. } => *precision,
    }
}

/// Decimal places of a coordinate that a grid of `metres` justifies: 0.1° is about
/// 11 km, 0.01° about 1.1 km.
fn decimals_for(metres: u32) -> usize {
    match metres {
        m if m >= 10_000 => 1,
        m if m >= 1000 => 2,
        _ => 3,
    }
}

/// A rough radius of a region around its centre, in metres: the farthest of its
/// villages' centres plus a kilometre (the gazetteer has centres, not boundaries, below
/// the regency level). For drawing a region-only location as an area, never as a pin.
pub(crate) fn region_radius_m(st: &AppState, code: Option<&str>) -> f64 {
    const FALLBACK_M: f64 = 10_000.0;
    let g = st.app.gazetteer();
    let Some(region) = code.and_then(|c| g.get(c)) else {
        return FALLBACK_M;
    };
    let mut stack = vec![region.code.as_str()];
    let mut farthest: f64 = 0.0;
    let mut seen = 0usize;
    while let Some(c) = stack.pop() {
        for child in g.children(c) {
            seen += 1;
            if seen > 5000 {
                break;
            }
            let dy = (child.lat - region.lat) * 111_320.0;
            let dx = (child.lon - region.lon) * 111_320.0 * region.lat.to_radians().cos();
            farthest = farthest.max((dx * dx + dy * dy).sqrt());
            stack.push(child.code.as_str());
        }
    }
    if seen == 0 {
        return FALLBACK_M;
    }
    (farthest + 1000.0).clamp(2000.0, 60_000.0)
}

/// A grid cell's centre as "lat, lon (± n km)", rounded to what the cell justifies.
fn rounded_text(lang: Lang, lon: f64, lat: f64, metres: u32) -> String {
    let d = decimals_for(metres);
    tr_args(
        lang,
        k!("loc_rounded"),
        &[
            ("coords", &format!("{lat:.d$}, {lon:.d$}")),
            ("n", &crate::ui::format::km(metres)),
        ],
    )
}

/// The location as text. A coarsened one is never shown more precisely than it is: the
/// grid cell's centre rounded to what the cell justifies with "± n km", or the region's
/// centre by name.
fn location_text(st: &AppState, lang: Lang, r: &Report, precision: Precision) -> String {
    match precision {
        Precision::Exact => exact_location_text(lang, r),
        Precision::Grid(m) => {
            let (lon, lat) = r.geometry.representative_point();
            rounded_text(lang, lon, lat, m)
        }
        Precision::Region => match r
            .region_code
            .as_deref()
            .and_then(|c| st.app.gazetteer().get(c))
        {
            Some(region) => tr_args(lang, k!("loc_region_centre"), &[("name", &region.name)]),
            None => tr(lang, k!("loc_region_unknown")),
        },
    }
}

/// What the report page's map draws: the geometry, or for a coarsened location the area
/// it stands for (the grid cell, or a circle round the region's centre) as a Feature
/// marked `coarse`, so that no pin suggests a precise place.
fn map_geometry(st: &AppState, r: &Report, precision: Precision) -> serde_json::Value {
    let (lon, lat) = r.geometry.representative_point();
    let ring: Vec<[f64; 2]> = match precision {
        Precision::Exact => return r.geometry.to_geojson(),
        Precision::Grid(m) => {
            let (w, s, e, n) = cell_bounds(lon, lat, m);
            vec![[w, s], [e, s], [e, n], [w, n], [w, s]]
        }
        Precision::Region => {
            let radius = region_radius_m(st, r.region_code.as_deref());
            let dy = radius / 111_320.0;
            let dx = dy / lat.to_radians().cos().max(0.01);
            (0..=64)
                .map(|i| {
                    let a = f64::from(i % 64) / 64.0 * std::f64::consts::TAU;
                    [lon + dx * a.cos(), lat + dy * a.sin()]
                })
                .collect()
        }
    };
    let kind = if matches!(precision, Precision::Region) {
        "region"
    } else {
        "grid"
    };
    json!({
        "type": "Feature",
        "properties": {"coarse": kind},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    })
}

fn exact_location_text(lang: Lang, r: &Report) -> String {
    match (
        r.geometry.kind(),
        r.geometry.to_geojson()["coordinates"].as_array(),
    ) {
        ("Point", _) => {
            let (lon, lat) = r.geometry.representative_point();
            format!("{lat:.5}, {lon:.5}")
        }
        ("LineString", Some(c)) => format!(
            "{} ({} {})",
            tr(lang, k!("geom_line")),
            c.len(),
            tr(lang, k!("points"))
        ),
        _ => tr(lang, k!("geom_polygon")),
    }
}

pub(crate) async fn detail_page(
    st: &AppState,
    page: &Page,
    id: ReportId,
    extra: DetailExtra,
) -> Response {
    let lang = page.lang;
    let actor = &page.authed.actor;
    let (r, delivered) = match st.app.report_with_form(actor, id).await {
        Ok(x) => x,
        Err(AppError::NotFound) => return emergency::report_not_found(st, page, id).await,
        Err(e) => return page.error(e),
    };
    // A copy delivered under an agreement (or coarsened for a location-sensitive type) is
    // read-only here: no edit, status or upload controls.
    let read_only = matches!(delivered, Delivered::Shared { .. });
    let history = match st.app.report_history(actor, id).await {
        Ok(h) => h,
        Err(e) => return page.error(e),
    };
    let attachments = match st.app.attachments(actor, id).await {
        Ok(a) => a,
        Err(e) => return page.error(e),
    };
    let owner = match st.app.agency(r.owner_agency_id).await {
        Ok(a) => a,
        Err(e) => return page.error(e),
    };
    let types = st.app.report_types();
    let ty = types.iter().find(|t| t.key == r.type_key);
    let zone = report_zone(r.region_code.as_deref(), &r.occurred_at);
    let g = st.app.gazetteer();
    let mut chain = Vec::new();
    let mut code = r.region_code.clone();
    while let Some(c) = code {
        match g.get(&c) {
            Some(region) => {
                chain.push(context! { code => region.code.as_str(), name => region.name.as_str() });
                code = region.parent.clone();
            }
            None => break,
        }
    }
    chain.reverse();
    // Attributes in the order the type lists them, then any the type no longer knows.
    let mut keys: Vec<&String> = ty
        .map(|t| {
            t.fields
                .iter()
                .map(|f| &f.key)
                .filter(|k| r.attributes.contains_key(*k))
                .collect()
        })
        .unwrap_or_default();
    for k in r.attributes.keys() {
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    let attrs: Vec<Value> = keys
        .iter()
        .filter_map(|key| {
            let v = r.attributes.get(*key)?;
            let field = ty.and_then(|t| t.field(key));
            Some(context! {
                label => field.map(|f| lang.pick(&f.label_id, &f.label_en).to_string()).unwrap_or_else(|| key.to_string()),
                value => attribute_text(lang, ty, key, v, zone),
                personal => field.is_some_and(|f| f.personal),
            })
        })
        .collect();
    let history: Vec<Value> = history
        .iter()
        .map(|h| {
            let kind_key = match h.kind.as_str() {
                "created" => k!("ev_created"),
                "status" => k!("ev_status"),
                _ => k!("ev_updated"),
            };
            context! {
                time => show_time(zone, h.at),
                actor => h.actor_username.as_str(),
                kind => h.kind.as_str(),
                kind_label => tr(lang, kind_key),
                from => h.from_status.map(|s| s.as_str()),
                from_label => h.from_status.map(|s| status_label(lang, s)),
                to => h.to_status.map(|s| s.as_str()),
                to_label => h.to_status.map(|s| status_label(lang, s)),
                changed => h.changed.iter().map(|c| changed_label(lang, c)).collect::<Vec<_>>().join(", "),
                note => h.note.as_deref(),
            }
        })
        .collect();
    let attachments: Vec<Value> = attachments
        .iter()
        .map(|a| {
            context! {
                href => format!("/api/v1/attachments/{}", a.id),
                image => a.content_type.starts_with("image/"),
                filename => a.filename.as_str(),
                content_type => a.content_type.as_str(),
                size => human_size(a.size),
                time => show_time(zone, a.created_at),
            }
        })
        .collect();
    let access = r.access();
    let in_hierarchy = access::can_view(actor, &access);
    let shared_notice = sharing::delivered_notice(lang, &delivered, &types, ty, in_hierarchy);
    let shared_section = match sharing::section(st, page, &r, zone, &extra.referral).await {
        Ok(s) => s,
        Err(e) => return page.error(e),
    };
    let author = if r.author_username.is_empty() {
        tr(lang, k!("withheld_value"))
    } else {
        r.author_username.clone()
    };
    let view = context! {
        id => r.id.to_string(),
        title => r.title.as_str(),
        description => r.description.as_str(),
        type_label => type_label(&types, &r.type_key, lang),
        status => r.status.as_str(),
        status_label => status_label(lang, r.status),
        sensitivity => r.sensitivity.as_str(),
        sensitivity_label => sensitivity_label(lang, r.sensitivity),
        time => show_time(zone, r.occurred_at.with_timezone(&Utc)),
        iso => r.occurred_at.to_rfc3339(),
        region_chain => chain,
        region_code => r.region_code.as_deref(),
        location => location_text(st, lang, &r, precision_of(&delivered)),
        coarse => match precision_of(&delivered) {
            Precision::Exact => None,
            Precision::Grid(m) => Some(tr_args(lang, k!("loc_map_grid"), &[("n", &crate::ui::format::km(m))])),
            Precision::Region => Some(tr(lang, k!("loc_map_region"))),
        },
        agency_name => owner.as_ref().map(|a| a.name.clone()).unwrap_or_default(),
        agency_code => owner.as_ref().map(|a| a.code.to_string()).unwrap_or_else(|| r.owner_agency_code.clone()),
        author => author,
        version => r.version,
        created => show_time(zone, r.created_at),
        updated => show_time(zone, r.updated_at),
    };
    render(
        extra.status.unwrap_or(StatusCode::OK),
        "laporan_detail.html",
        context! {
            r => view,
            attrs => attrs,
            history => history,
            attachments => attachments,
            geometry_json => json_for_script(&map_geometry(st, &r, precision_of(&delivered))),
            can_edit => !read_only && access::can_edit(actor, &access),
            can_status => !read_only && access::can_change_status(actor, &access),
            shared_notice => shared_notice,
            read_only => read_only,
            sharing => shared_section,
            statuses => status_options(lang),
            notice => extra.notice,
            stale => extra.stale,
            status_errors => extra.status_errors,
            upload_errors => extra.upload_errors,
            ..page_ctx(page, "reports")
        },
    )
}

pub(crate) async fn detail(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let Some(id) = ReportId::parse(&id) else {
        return page.error(AppError::NotFound);
    };
    let f = FormData(q.map(|Query(v)| v).unwrap_or_default());
    let notice = pesan_notice(page.lang, f.get("pesan"));
    detail_page(
        &st,
        &page,
        id,
        DetailExtra {
            notice,
            ..Default::default()
        },
    )
    .await
}

/// `POST /laporan/{id}/status` with `status`, `note` and the `version` the form showed.
pub(crate) async fn change_status(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let Some(id) = ReportId::parse(&id) else {
        return page.error(AppError::NotFound);
    };
    // A version that is not a number can never match, which is the honest answer.
    let version = f.text("version").parse::<i64>().unwrap_or(-1);
    let body = ReportPatchBody {
        flat: ReportPropertiesPatch {
            status: Field::Given(f.text("status")),
            note: Field::Given(f.text("note")),
            ..Default::default()
        },
        ..Default::default()
    };
    match st
        .app
        .patch_report(&page.authed.actor, id, Some(version), &body)
        .await
    {
        Ok(_) => Redirect::to(&format!("/laporan/{id}?pesan=status")).into_response(),
        Err(AppError::PreconditionFailed { .. }) => {
            let extra = DetailExtra {
                status: Some(StatusCode::CONFLICT),
                stale: true,
                ..Default::default()
            };
            detail_page(&st, &page, id, extra).await
        }
        Err(AppError::Validation(v)) => {
            let msgs = v
                .errors
                .iter()
                .map(|e| {
                    let field = values::form_field(&e.field);
                    format!(
                        "{}: {}",
                        field_label(page.lang, &field, None),
                        core_message(page.lang, &e.message)
                    )
                })
                .collect();
            let extra = DetailExtra {
                status: Some(UNPROCESSABLE),
                status_errors: msgs,
                ..Default::default()
            };
            detail_page(&st, &page, id, extra).await
        }
        Err(e) => page.error(e),
    }
}

/// `POST /laporan/{id}/lampiran`, multipart with `_csrf` first and then `file`. The CSRF
/// token is checked before the file is read, so a forged upload costs no disk or memory.
pub(crate) async fn upload(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    mp: Result<Multipart, MultipartRejection>,
) -> Response {
    let Some(id) = ReportId::parse(&id) else {
        return page.error(AppError::NotFound);
    };
    let Ok(mut mp) = mp else {
        return bad_form(&page);
    };
    let lang = page.lang;
    let too_large = || DetailExtra {
        status: Some(StatusCode::PAYLOAD_TOO_LARGE),
        upload_errors: vec![tr(lang, k!("file_too_large"))],
        ..Default::default()
    };
    let mut csrf: Option<String> = None;
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match mp.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("_csrf") => csrf = field.text().await.ok(),
                Some("file") => {
                    if !page.csrf_ok(csrf.as_deref()) {
                        return csrf_page(&page);
                    }
                    let name = field.file_name().unwrap_or("").to_string();
                    match field.bytes().await {
                        Ok(b) => file = Some((name, b.to_vec())),
                        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                            return detail_page(&st, &page, id, too_large()).await;
                        }
                        Err(_) => return bad_form(&page),
                    }
                }
                _ => {}
            },
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return detail_page(&st, &page, id, too_large()).await;
            }
            Err(_) => return bad_form(&page),
        }
    }
    if !page.csrf_ok(csrf.as_deref()) {
        return csrf_page(&page);
    }
    let refuse = |status: StatusCode, msgs: Vec<String>| DetailExtra {
        status: Some(status),
        upload_errors: msgs,
        ..Default::default()
    };
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        let extra = refuse(UNPROCESSABLE, vec![tr(lang, k!("no_file"))]);
        return detail_page(&st, &page, id, extra).await;
    };
    match st
        .app
        .add_attachment(&page.authed.actor, id, &name, &bytes)
        .await
    {
        Ok(_) => Redirect::to(&format!("/laporan/{id}?pesan=lampiran")).into_response(),
        Err(AppError::UnsupportedMediaType(_)) => {
            let extra = refuse(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                vec![tr(lang, k!("file_type_refused"))],
            );
            detail_page(&st, &page, id, extra).await
        }
        Err(AppError::PayloadTooLarge(_)) => detail_page(&st, &page, id, too_large()).await,
        Err(AppError::Validation(v)) => {
            let msgs = v
                .errors
                .iter()
                .map(|e| core_message(lang, &e.message))
                .collect();
            detail_page(&st, &page, id, refuse(UNPROCESSABLE, msgs)).await
        }
        Err(e) => page.error(e),
    }
}

// ---- referrals ---------------------------------------------------------------------------

/// The report page again when a referral form was refused, else the sharing page's answer.
async fn after_referral(st: &AppState, page: &Page, outcome: sharing::Outcome) -> Response {
    match outcome {
        sharing::Outcome::Done(resp) => resp,
        sharing::Outcome::Again(id, status, referral) => {
            let extra = DetailExtra {
                status: Some(status),
                referral,
                ..Default::default()
            };
            detail_page(st, page, id, extra).await
        }
    }
}

/// `POST /laporan/{id}/rujukan`: refers the report (the sharing pages read the form).
pub(crate) async fn refer(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let outcome = sharing::refer(&st, &page, &id, body).await;
    after_referral(&st, &page, outcome).await
}

/// `POST /laporan/{id}/rujukan/{referral}/cabut`: ends a referral at once.
pub(crate) async fn revoke_referral(
    State(st): State<AppState>,
    page: Page,
    Path((id, referral)): Path<(String, String)>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let outcome = sharing::revoke_referral(&st, &page, &id, &referral, body).await;
    after_referral(&st, &page, outcome).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rounded_location_shows_no_more_digits_than_its_cell_justifies() {
        assert_eq!(
            rounded_text(Lang::Id, 101.432_04, -1.931_37, 10_000),
            "-1.9, 101.4 (± 10 km)"
        );
        assert_eq!(
            rounded_text(Lang::En, 101.432_04, -1.931_37, 1000),
            "-1.93, 101.43 (± 1 km)"
        );
    }
}
