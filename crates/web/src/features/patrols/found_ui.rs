//! The pages of what patrols found: on a patrol's page its findings with their rates and
//! its observations (each recorded as a report through the report form, which takes the
//! observation's id, or dismissed); `/patroli/ringkasan`, the effort and findings of the
//! patrols one sees over a period, by month, agency, area or leader, with the coverage
//! map of the period.

use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{context, Value};
use serde_json::json;
use sinergi_app::AppError;
use sinergi_core::ids::{PatrolId, ReportId};
use sinergi_core::patrol::body::{FindingLinkBody, ObservationDecisionBody};
use sinergi_core::patrol::observation::ObservationState;
use sinergi_core::patrol::summary::{read_query, GroupBy};
use sinergi_core::patrol::Patrol;
use sinergi_core::time::Zone;

use super::findings::{coverage_geojson, summary_view};
use super::types::{RateView, SummaryRowView};
use crate::api_common::urlencode;
use crate::i18n::{k, tr, Lang};
use crate::ui::format::{home_zone, zone_value};
use crate::ui::render::{json_for_script, page_ctx, render};
use crate::ui::{FormData, Page};
use crate::AppState;

use super::ui::{error_lines, one_decimal};

/// A report type's name in the user's language (its key when unknown).
pub(super) fn type_label(st: &AppState, lang: Lang, key: &str) -> String {
    st.app.report_type(key).map_or_else(
        || key.to_string(),
        |t| match lang {
            Lang::Id => t.label_id.clone(),
            Lang::En => t.label_en.clone(),
        },
    )
}

fn rate_rows(st: &AppState, lang: Lang, rates: &[RateView]) -> Vec<Value> {
    rates
        .iter()
        .map(|r| {
            context! {
                label => type_label(st, lang, &r.report_type),
                count => r.count,
                per_100_km => r.per_100_km.map_or_else(|| "—".to_string(), |x| one_decimal(lang, x)),
                per_patrol_day => r.per_patrol_day.map_or_else(|| "—".to_string(), |x| two_decimals(lang, x)),
            }
        })
        .collect()
}

pub(super) fn two_decimals(lang: Lang, x: f64) -> String {
    let s = format!("{x:.2}");
    match lang {
        Lang::Id => s.replace('.', ","),
        Lang::En => s,
    }
}

/// The findings and observations sections of a patrol's page.
pub(super) async fn patrol_sections(
    st: &AppState,
    page: &Page,
    p: &Patrol,
) -> Result<Value, AppError> {
    let lang = page.lang;
    let actor = &page.authed.actor;
    let zone = p
        .area
        .as_deref()
        .map_or_else(|| home_zone(page), Zone::for_region);
    let offset = zone.offset();
    let local = |t: chrono::DateTime<chrono::Utc>| {
        format!(
            "{} {}",
            t.with_timezone(&offset).format("%Y-%m-%d %H:%M"),
            zone.abbreviation()
        )
    };
    let found = st.app.patrol_findings(actor, p.id).await?;
    let findings: Vec<Value> = found
        .findings
        .iter()
        .map(|f| {
            context! {
                href => format!("/laporan/{}", f.report_id),
                title => f.title.as_str(),
                kind => type_label(st, lang, &f.type_key),
                when => local(f.occurred_at),
            }
        })
        .collect();
    let rates: Vec<RateView> = found
        .by_type
        .iter()
        .map(|(key, r)| RateView {
            report_type: key.clone(),
            count: r.count,
            per_100_km: r.per_100_km,
            per_patrol_day: r.per_patrol_day,
        })
        .collect();
    let observations: Vec<Value> = st
        .app
        .patrol_observations(actor, p.id)
        .await?
        .into_iter()
        .map(|(o, state)| {
            let mut record = vec![
                format!("id={}", o.id),
                format!("lon={:.6}", o.lon),
                format!("lat={:.6}", o.lat),
            ];
            if let Some(t) = o.observed_at {
                record.push(format!("waktu={}", urlencode(&t.to_rfc3339())));
            }
            if let Some(n) = &o.name {
                record.push(format!("judul={}", urlencode(n)));
            }
            context! {
                id => o.id.to_string(),
                name => o.name.clone().unwrap_or_default(),
                description => o.description.clone().unwrap_or_default(),
                when => o.observed_at.map(local).unwrap_or_default(),
                position => format!("{:.5}, {:.5}", o.lat, o.lon),
                state => state.as_str(),
                state_label => match state {
                    ObservationState::Pending => tr(lang, k!("p_obs_pending")),
                    ObservationState::Confirmed => tr(lang, k!("p_obs_confirmed")),
                    ObservationState::Dismissed => tr(lang, k!("p_obs_dismissed")),
                },
                record_href => format!("/laporan/baru?{}", record.join("&")),
                report_href => format!("/laporan/{}", o.id),
            }
        })
        .collect();
    let can_record = actor.may(sinergi_core::permission::Action::RecordPatrols)
        && p.agencies().contains(&actor.agency_id);
    Ok(context! {
        findings => findings,
        rates => rate_rows(st, lang, &rates),
        observations => observations,
        can_record_findings => can_record,
    })
}

/// `POST /patroli/{id}/pengamatan/{observation}`: `abaikan=1` dismisses, `abaikan=0`
/// takes the dismissal back.
pub(crate) async fn decide(
    State(st): State<AppState>,
    page: Page,
    Path((id, observation)): Path<(String, String)>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let (Some(id), Some(obs)) = (PatrolId::parse(&id), ReportId::parse(&observation)) else {
        return page.error(AppError::NotFound);
    };
    let body = ObservationDecisionBody {
        dismissed: sinergi_core::input::Field::Given(f.get("abaikan") != Some("0")),
        ..Default::default()
    };
    let dismissed = match body.check() {
        Ok(d) => d,
        Err(e) => return page.error(AppError::Validation(e)),
    };
    match st
        .app
        .dismiss_observation(&page.authed.actor, id, obs, dismissed)
        .await
    {
        Ok(()) => Redirect::to(&format!("/patroli/{id}?pesan=pengamatan#pengamatan")).into_response(),
        Err(e) => page.error(e),
    }
}

/// `POST /patroli/{id}/temuan`: links the report named by `laporan` (its id or its
/// address) to the patrol.
pub(crate) async fn link(
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
    // People paste the report's address as often as its id.
    let typed = f.text("laporan");
    let report = typed
        .trim()
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("")
        .to_string();
    let body = FindingLinkBody {
        report: sinergi_core::input::Field::Given(report),
        ..Default::default()
    };
    let result = match body.check() {
        Ok(report) => st.app.link_finding(&page.authed.actor, id, report).await,
        Err(e) => Err(AppError::Validation(e)),
    };
    match result {
        Ok(_) => Redirect::to(&format!("/patroli/{id}?pesan=temuan#temuan")).into_response(),
        Err(AppError::Validation(e)) => {
            let lines = error_lines(page.lang, &e);
            super::ui::detail_page(&st, &page, id, crate::ui::UNPROCESSABLE, lines, None).await
        }
        Err(AppError::NotFound) => {
            let lines = vec![tr(page.lang, k!("p_link_not_found"))];
            super::ui::detail_page(&st, &page, id, StatusCode::NOT_FOUND, lines, None).await
        }
        Err(e) => page.error(e),
    }
}

fn group_label(lang: Lang, g: GroupBy) -> String {
    tr(
        lang,
        match g {
            GroupBy::Month => k!("p_group_month"),
            GroupBy::Agency => k!("p_group_agency"),
            GroupBy::Area => k!("p_group_area"),
            GroupBy::Leader => k!("p_group_leader"),
            GroupBy::Patrol => k!("p_group_patrol"),
        },
    )
}

/// `GET /patroli/ringkasan[?dari=&sampai=&kelompok=]`.
pub(crate) async fn summary(
    State(st): State<AppState>,
    page: Page,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let lang = page.lang;
    let f = FormData(q.map(|Query(v)| v).unwrap_or_default());
    let today = st
        .app
        .now()
        .with_timezone(&home_zone(&page).offset())
        .date_naive();
    let (values, status, errors, result) = match read_query(
        f.get("dari"),
        f.get("sampai"),
        f.get("kelompok"),
        today,
    ) {
        Ok((from, to, group)) => {
            let s = match st
                .app
                .patrol_summary(&page.authed.actor, group, from, to)
                .await
            {
                Ok(s) => s,
                Err(e) => return page.error(e),
            };
            let view = match summary_view(&st, &s, group, from, to).await {
                Ok(v) => v,
                Err(e) => return page.error(e.0),
            };
            let cells: Vec<_> = s.total.effort.cells.iter().copied().collect();
            (
                (from.to_string(), to.to_string(), group),
                StatusCode::OK,
                Vec::new(),
                Some((view, cells)),
            )
        }
        Err(e) => (
            (
                f.text("dari"),
                f.text("sampai"),
                f.get("kelompok")
                    .and_then(GroupBy::parse)
                    .unwrap_or(GroupBy::Month),
            ),
            crate::ui::UNPROCESSABLE,
            error_lines(lang, &e),
            None,
        ),
    };
    let patrol_titles: std::collections::HashMap<String, String> = if values.2 == GroupBy::Patrol {
        match st.app.patrols_for(&page.authed.actor).await {
            Ok(ps) => ps.into_iter().map(|p| (p.id.to_string(), p.title)).collect(),
            Err(e) => return page.error(e),
        }
    } else {
        Default::default()
    };
    let row = |r: &SummaryRowView| {
        let label = match values.2 {
            GroupBy::Area if r.key.is_empty() => tr(lang, k!("p_no_area")),
            GroupBy::Area => st
                .app
                .gazetteer()
                .get(&r.key)
                .map_or_else(|| r.key.clone(), |g| format!("{} ({})", g.name, r.key)),
            GroupBy::Patrol => patrol_titles.get(&r.key).cloned().unwrap_or_else(|| r.key.clone()),
            _ => r.key.clone(),
        };
        context! {
            label => label,
            href => (values.2 == GroupBy::Patrol).then(|| format!("/patroli/{}", r.key)),
            patrols => r.patrols,
            distance => one_decimal(lang, r.distance_km),
            hours => one_decimal(lang, r.hours),
            patrol_days => r.patrol_days,
            person_days => r.person_days,
            cells => r.cells,
            area_km2 => one_decimal(lang, r.area_km2),
            findings => r.findings,
            per_100_km => r.per_100_km.map_or_else(|| "—".to_string(), |x| one_decimal(lang, x)),
            per_patrol_day => r.per_patrol_day.map_or_else(|| "—".to_string(), |x| two_decimals(lang, x)),
            by_type => rate_rows(&st, lang, &r.by_type),
        }
    };
    let (rows, total, coverage) = match &result {
        Some((view, cells)) => (
            view.rows.iter().map(row).collect::<Vec<_>>(),
            Some(row(&view.total)),
            json_for_script(&json!({ "coverage": coverage_geojson(cells) })),
        ),
        None => (Vec::new(), None, json_for_script(&json!({ "coverage": null }))),
    };
    render(
        status,
        "patroli_ringkasan.html",
        context! {
            from => values.0,
            to => values.1,
            group => values.2.as_str(),
            groups => GroupBy::ALL.iter().map(|g| (g.as_str(), group_label(lang, *g))).collect::<Vec<_>>(),
            group_label => group_label(lang, values.2),
            rows => rows,
            total => total,
            errors => errors,
            map_json => coverage,
            zone => zone_value(home_zone(&page)),
            ..page_ctx(&page, "patrols")
        },
    )
}
