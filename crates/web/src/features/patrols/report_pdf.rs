//! A patrol's printable report (PDF): what it was, its effort, its tracks and covered
//! cells on a map, its members, legs and findings with their rates, in the reader's
//! language and the patrol's zone — what a park files after a patrol and what a partner
//! agency receives. It shows the patrol as the reader receives it (a shared patrol's
//! coarsened tracks, no names), from the same views as the page.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use sinergi_app::AppError;
use sinergi_core::access::Actor;
use sinergi_core::ids::PatrolId;
use sinergi_core::patrol::effort::cells;
use sinergi_core::patrol::Leg;
use sinergi_core::pdf::{Font, Rgb, PAGE_WIDTH};
use sinergi_core::time::Zone;
use utoipa::IntoParams;

use super::api::patrol_view;
use super::found_ui::{two_decimals, type_label};
use super::types::PatrolView;
use super::ui::one_decimal;
use crate::api_common::file_response;
use crate::auth::Authed;
use crate::i18n::{k, tr, tr_args, Lang};
use crate::openapi::{P401, P404};
use crate::problem::{ApiError, ApiResult};
use crate::ui::Page as WebPage;
use crate::print::{Writer, MARGIN};
use crate::AppState;

const GREEN: Rgb = Rgb(0.18, 0.49, 0.20);
const LIGHT: Rgb = Rgb(0.78, 0.90, 0.79);
const GREY: Rgb = Rgb(0.45, 0.45, 0.45);

/// Draws the tracks and their covered cells into a box `height` tall across the page.
fn map(w: &mut Writer, legs: &[Leg], lang: Lang, height: f64) {
    let points: Vec<(f64, f64)> = legs
        .iter()
        .flat_map(|l| l.track.points())
        .map(|p| (p.lon, p.lat))
        .collect();
    if points.is_empty() {
        return;
    }
    w.room(height + 20.0);
    let width = PAGE_WIDTH - 2.0 * MARGIN;
    let top = w.y - 6.0;
    let bottom = top - height;
    let (mut w0, mut s0, mut e0, mut n0) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for (x, y) in &points {
        w0 = w0.min(*x);
        e0 = e0.max(*x);
        s0 = s0.min(*y);
        n0 = n0.max(*y);
    }
    // A little room round the tracks; at least about 1 km across.
    let pad = ((e0 - w0).max(n0 - s0) * 0.08).max(0.005);
    let (w0, s0, e0, n0) = (w0 - pad, s0 - pad, e0 + pad, n0 + pad);
    let k = ((s0 + n0) / 2.0).to_radians().cos();
    let scale = (width / ((e0 - w0) * k)).min(height / (n0 - s0));
    let used_w = (e0 - w0) * k * scale;
    let used_h = (n0 - s0) * scale;
    let ox = MARGIN + (width - used_w) / 2.0;
    let oy = bottom + (height - used_h) / 2.0;
    let at = |lon: f64, lat: f64| (ox + (lon - w0) * k * scale, oy + (lat - s0) * scale);
    w.page.rect(MARGIN, bottom, width, height, None, Some(GREY));
    let mut all = std::collections::BTreeSet::new();
    for l in legs {
        all.extend(cells(&l.track));
    }
    for c in &all {
        let [cw, cs, ce, cn] = c.bounds();
        let (x0, y0) = at(cw, cs);
        let (x1, y1) = at(ce, cn);
        w.page.rect(x0, y0, x1 - x0, y1 - y0, Some(LIGHT), None);
    }
    for l in legs {
        for seg in &l.track.segments {
            let line: Vec<(f64, f64)> = seg.iter().map(|p| at(p.lon, p.lat)).collect();
            w.page.line(&line, 1.2, GREEN);
        }
    }
    // A scale bar: the round kilometres nearest a fifth of the box.
    let km_per_pt = 111.32 / scale;
    let target = width / 5.0 * km_per_pt;
    let bar_km = [0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0]
        .into_iter()
        .min_by(|a, b| (a - target).abs().total_cmp(&(b - target).abs()))
        .unwrap_or(1.0);
    let bar = bar_km / km_per_pt;
    w.page.line(
        &[(MARGIN + 10.0, bottom + 10.0), (MARGIN + 10.0 + bar, bottom + 10.0)],
        2.0,
        Rgb(0.0, 0.0, 0.0),
    );
    w.page.text(
        MARGIN + 14.0 + bar,
        bottom + 7.0,
        8.0,
        Font::Regular,
        &format!("{} km", one_decimal(lang, bar_km)),
    );
    w.y = bottom - 4.0;
    w.text(8.0, Font::Regular, &tr(lang, k!("p_pdf_map_note")));
}

/// The report of a patrol as `actor` receives it.
pub(crate) async fn patrol_pdf(
    st: &AppState,
    actor: &Actor,
    lang: Lang,
    id: PatrolId,
) -> Result<Vec<u8>, AppError> {
    let (p, legs, form) = st.app.patrol_delivered(actor, id).await?;
    let view: PatrolView = patrol_view(st, &p, &legs, &form).await.map_err(|e| e.0)?;
    let found = st.app.patrol_findings(actor, id).await?;
    let zone = p.area.as_deref().map_or(Zone::Wib, Zone::for_region);
    let offset = zone.offset();
    let now = st.app.now().with_timezone(&offset);
    let mut w = Writer::new(
        &view.title,
        format!("Sinergi · {} · {}", tr(lang, k!("p_pdf_title")), view.title),
    );
    let printed = format!(
        "{} · {} {} {}",
        tr(lang, k!("p_pdf_title")),
        tr(lang, k!("p_pdf_printed")),
        now.format("%Y-%m-%d %H:%M"),
        zone.abbreviation()
    );
    w.text(9.0, Font::Regular, &printed);
    w.gap(4.0);
    w.text(16.0, Font::Bold, &view.title);
    w.gap(6.0);
    let area = view.area.as_deref().map_or_else(
        || "—".to_string(),
        |code| {
            st.app
                .gazetteer()
                .get(code)
                .map_or_else(|| code.to_string(), |r| format!("{} ({code})", r.name))
        },
    );
    let facts = [
        (k!("p_organiser"), view.agency.clone().unwrap_or_else(|| "—".into())),
        (k!("p_field_mandate"), super::ui::mandate_label(lang, &view.mandate)),
        (k!("p_field_transport"), super::ui::transport_label(lang, &view.transport)),
        (k!("p_field_status"), super::ui::status_label(lang, &view.status)),
        (k!("p_field_dates"), format!("{} – {}", view.planned_start, view.planned_end)),
        (k!("p_field_area"), area),
    ];
    for (key, value) in facts {
        w.row(10.0, Font::Regular, &[0.0, 0.3], &[tr(lang, key), value]);
    }
    if view.access.form == "shared" {
        w.gap(4.0);
        let note = match view.access.precision_m {
            Some(m) => tr_args(lang, k!("p_shared_grid"), &[("m", &m)]),
            None if view.access.region_only => tr(lang, k!("p_shared_region")),
            None => tr(lang, k!("p_shared_exact")),
        };
        w.text(9.0, Font::Regular, &note);
    }

    w.gap(10.0);
    w.text(12.0, Font::Bold, &tr(lang, k!("p_effort")));
    let e = &view.effort;
    for (key, value) in [
        (k!("p_distance"), one_decimal(lang, e.distance_km)),
        (k!("p_hours"), one_decimal(lang, e.hours)),
        (k!("p_patrol_days"), e.patrol_days.to_string()),
        (k!("p_person_days"), e.person_days.to_string()),
        (k!("p_cells"), format!("{} ({} km²)", e.cells, one_decimal(lang, e.area_km2))),
    ] {
        w.row(10.0, Font::Regular, &[0.0, 0.3], &[tr(lang, key), value]);
    }
    w.gap(8.0);
    map(&mut w, &legs, lang, 260.0);

    w.gap(10.0);
    w.text(12.0, Font::Bold, &tr(lang, k!("p_findings")));
    if found.by_type.is_empty() {
        w.text(10.0, Font::Regular, &tr(lang, k!("p_pdf_no_findings")));
    } else {
        let cols = [0.0, 0.45, 0.6, 0.8];
        w.row(9.0, Font::Bold, &cols, &[
            tr(lang, k!("p_finding_type")),
            tr(lang, k!("p_finding_count")),
            tr(lang, k!("p_per_100_km")),
            tr(lang, k!("p_per_patrol_day")),
        ]);
        for (key, r) in &found.by_type {
            w.row(10.0, Font::Regular, &cols, &[
                type_label(st, lang, key),
                r.count.to_string(),
                r.per_100_km.map_or_else(|| "—".into(), |x| one_decimal(lang, x)),
                r.per_patrol_day.map_or_else(|| "—".into(), |x| two_decimals(lang, x)),
            ]);
        }
        w.gap(4.0);
        for f in &found.findings {
            w.text(9.0, Font::Regular, &format!(
                "• {} — {} · {} {}",
                f.title,
                type_label(st, lang, &f.type_key),
                f.occurred_at.with_timezone(&offset).format("%Y-%m-%d %H:%M"),
                zone.abbreviation()
            ));
        }
    }

    w.gap(10.0);
    w.text(12.0, Font::Bold, &tr(lang, k!("p_members")));
    for m in &view.members {
        let name = if m.name.is_empty() {
            tr(lang, k!("p_member_withheld"))
        } else {
            m.name.clone()
        };
        w.row(10.0, Font::Regular, &[0.0, 0.5, 0.78], &[
            name,
            m.agency.clone().unwrap_or_else(|| "—".into()),
            super::ui::role_label(lang, &m.role),
        ]);
    }

    w.gap(10.0);
    w.text(12.0, Font::Bold, &tr(lang, k!("p_tracks")));
    if view.legs.is_empty() {
        w.text(10.0, Font::Regular, &tr(lang, k!("p_no_tracks")));
    } else {
        let cols = [0.0, 0.25, 0.45, 0.65, 0.82];
        w.row(9.0, Font::Bold, &cols, &[
            tr(lang, k!("p_leg_date")),
            tr(lang, k!("p_leg_source")),
            tr(lang, k!("p_leg_points")),
            tr(lang, k!("p_distance")),
            tr(lang, k!("p_hours")),
        ]);
        for l in &view.legs {
            w.row(10.0, Font::Regular, &cols, &[
                l.date.clone(),
                if l.source == "gpx" { "GPX".into() } else { "GPS".into() },
                l.points.to_string(),
                one_decimal(lang, l.distance_km),
                one_decimal(lang, l.hours),
            ]);
        }
    }
    Ok(w.finish())
}

/// `GET /patroli/{id}/laporan.pdf`.
pub(crate) async fn page_pdf(State(st): State<AppState>, page: WebPage, Path(id): Path<String>) -> Response {
    let Some(id) = PatrolId::parse(&id) else {
        return page.error(AppError::NotFound);
    };
    match patrol_pdf(&st, &page.authed.actor, page.lang, id).await {
        Ok(bytes) => file_response(bytes, "application/pdf", &format!("laporan-patroli-{id}.pdf"), "inline"),
        Err(e) => page.error(e),
    }
}

/// The language of a report.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReportQuery {
    /// id (Bahasa Indonesia, the default) or en.
    pub lang: Option<String>,
}

#[utoipa::path(get, path = "/patrols/{id}/report.pdf", tag = "patrols",
    summary = "A patrol's printable report: effort, tracks and cells on a map, findings with their rates, members and legs",
    params(("id" = String, Path, description = "The patrol's UUID"), ReportQuery),
    responses((status = 200, description = "PDF", body = String, content_type = "application/pdf"),
        (status = 401, response = P401), (status = 404, response = P404)))]
pub(crate) async fn api_pdf(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    q: Result<Query<ReportQuery>, QueryRejection>,
) -> ApiResult<Response> {
    let Query(q) = q.map_err(crate::api_common::query_error)?;
    let lang = match q.lang.as_deref() {
        None | Some("id") => Lang::Id,
        Some("en") => Lang::En,
        Some(_) => return Err(ApiError(AppError::field("lang", "must be id or en"))),
    };
    let id = PatrolId::parse(&id).ok_or(ApiError(AppError::NotFound))?;
    let bytes = patrol_pdf(&st, &a.actor, lang, id).await?;
    Ok(file_response(bytes, "application/pdf", &format!("laporan-patroli-{id}.pdf"), "inline"))
}
