//! The campaigns API (ADR 35): set one up, list those you see, read one with its table,
//! rates and who is late.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::Value;
use sinergi_app::campaigns::{CampaignView, NewCampaign};
use sinergi_app::AppError;
use sinergi_core::campaign::{Campaign, CampaignId, Rates};
use sinergi_core::ids::AgencyId;
use sinergi_core::index::{Band, Component, IndexDef};
use sinergi_core::ValidationErrors;
use utoipa_axum::routes;

use super::types::{
    BandView, CampaignDetail, CampaignList, CampaignSummary, CellView, ComponentView,
    IndexCellView, IndexList, IndexMeanView, IndexRowView, IndexView, LateView,
    NewCampaignRequest, NewIndexRequest, PeriodView, RatesView, UnitRowView, UnitView,
};
use crate::api_common::{parse_json, route, ApiRoute};
use crate::auth::Authed;
use crate::features::plans::api::agency_codes;
use crate::openapi::{P401, P403, P404, P422};
use crate::problem::{ApiError, ApiResult};
use crate::AppState;

/// The campaign routes, relative to `/api/v1`.
pub(crate) fn routes() -> Vec<ApiRoute> {
    vec![
        route(routes!(list_campaigns, create_campaign)),
        route(routes!(get_campaign)),
        route(routes!(list_indices, create_index)),
    ]
    .into_iter()
    .chain(super::map::routes())
    .collect()
}

/// The indices of a campaign view, computed, as the API answers them.
pub(crate) fn index_views(
    v: &CampaignView,
    results: &[sinergi_app::campaigns::IndexResult],
) -> Vec<IndexView> {
    use sinergi_app::campaigns::IndexCell;
    results
        .iter()
        .map(|r| {
            let def = &r.index.def;
            let band = |b: Option<usize>| b.and_then(|i| def.bands.get(i)).map(|b| b.label.clone());
            IndexView {
                id: r.index.id.0,
                name: def.name.clone(),
                components: def
                    .components
                    .iter()
                    .map(|c| ComponentView {
                        field: c.field.clone(),
                        weight: c.weight,
                        label: c.label.clone(),
                    })
                    .collect(),
                bands: def
                    .bands
                    .iter()
                    .map(|b| BandView {
                        from: b.from,
                        to: b.to,
                        label: b.label.clone(),
                    })
                    .collect(),
                units: v
                    .rows
                    .iter()
                    .zip(&r.cells)
                    .map(|(row, cells)| IndexRowView {
                        unit: UnitView {
                            region: row.unit.region_code.clone(),
                            region_name: row.region_name.clone(),
                            agency: row.agency_code.clone(),
                        },
                        scores: v
                            .periods
                            .iter()
                            .zip(cells)
                            .map(|(p, c)| match c {
                                Some(IndexCell::Scored { score, band: b }) => IndexCellView {
                                    period: p.label(),
                                    score: Some(*score),
                                    band: band(*b),
                                    reason: None,
                                },
                                Some(IndexCell::NoScore(n)) => IndexCellView {
                                    period: p.label(),
                                    score: None,
                                    band: None,
                                    reason: Some(
                                        sinergi_core::index::no_score_message(n).as_str().to_string(),
                                    ),
                                },
                                None => IndexCellView {
                                    period: p.label(),
                                    score: None,
                                    band: None,
                                    reason: None,
                                },
                            })
                            .collect(),
                    })
                    .collect(),
                means: v
                    .periods
                    .iter()
                    .zip(&r.means)
                    .map(|(p, m)| IndexMeanView {
                        period: p.label(),
                        mean: m.map(|m| m.0),
                        band: m.and_then(|m| band(def.band(m.0))),
                        units: m.map(|m| m.1).unwrap_or(0),
                    })
                    .collect(),
            }
        })
        .collect()
}

#[utoipa::path(get, path = "/campaigns/{id}/indices", tag = "forms",
    summary = "A campaign's composite indices (IKOTAN and others) computed over the answers you see: each unit's score and band per period, and each period's mean",
    params(("id" = String, Path, description = "The campaign's UUID")),
    responses((status = 200, description = "The indices", body = IndexList),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn list_indices(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<IndexList>> {
    let id = CampaignId::parse(&id).ok_or(ApiError(AppError::NotFound))?;
    let v = st.app.campaign_view(&a.actor, id).await?;
    let results = st.app.campaign_indices(&v).await?;
    Ok(Json(IndexList {
        indices: index_views(&v, &results),
    }))
}

/// Reads an index's JSON body, naming every field with the wrong type.
fn new_index(v: &Value) -> Result<IndexDef, AppError> {
    let mut errs = ValidationErrors::new();
    let name = text(v, "name", &mut errs);
    let number = |x: Option<&Value>, field: String, errs: &mut ValidationErrors| match x {
        Some(Value::Number(n)) if n.as_f64().is_some() => n.as_f64().unwrap_or(0.0),
        _ => {
            errs.push(field, "must be a number");
            0.0
        }
    };
    let mut components = Vec::new();
    match v.get("components") {
        Some(Value::Array(list)) => {
            for (i, c) in list.iter().enumerate() {
                let field = match c.get("field") {
                    Some(Value::String(s)) => s.clone(),
                    _ => {
                        errs.push(format!("components[{i}].field"), "must be text");
                        String::new()
                    }
                };
                let weight = number(c.get("weight"), format!("components[{i}].weight"), &mut errs);
                let label = c.get("label").and_then(Value::as_str).unwrap_or("").to_string();
                components.push(Component {
                    field,
                    weight,
                    label,
                });
            }
        }
        _ => errs.push("components", "must be a list"),
    }
    let mut bands = Vec::new();
    match v.get("bands") {
        Some(Value::Array(list)) => {
            for (i, b) in list.iter().enumerate() {
                let from = number(b.get("from"), format!("bands[{i}].from"), &mut errs);
                let to = number(b.get("to"), format!("bands[{i}].to"), &mut errs);
                let label = match b.get("label") {
                    Some(Value::String(s)) => s.clone(),
                    _ => {
                        errs.push(format!("bands[{i}].label"), "must be text");
                        String::new()
                    }
                };
                bands.push(Band { from, to, label });
            }
        }
        _ => errs.push("bands", "must be a list"),
    }
    if errs.is_empty() {
        Ok(IndexDef {
            name,
            components,
            bands,
        })
    } else {
        Err(AppError::Validation(errs))
    }
}

#[utoipa::path(post, path = "/campaigns/{id}/indices", tag = "forms",
    summary = "Define a composite index over a campaign's answers: questions scored 0–100 with weights summing to 100 %, and bands from 0 to 100; coordinators of the campaign's agency",
    params(("id" = String, Path, description = "The campaign's UUID")),
    request_body = NewIndexRequest,
    responses((status = 201, description = "The campaign's indices, the new one among them", body = IndexList),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 422, response = P422)))]
async fn create_index(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let id = CampaignId::parse(&id).ok_or(ApiError(AppError::NotFound))?;
    let v = parse_json(body)?;
    let def = new_index(&v)?;
    st.app.create_campaign_index(&a.actor, id, def).await?;
    let view = st.app.campaign_view(&a.actor, id).await?;
    let results = st.app.campaign_indices(&view).await?;
    Ok((
        StatusCode::CREATED,
        Json(IndexList {
            indices: index_views(&view, &results),
        }),
    )
        .into_response())
}

pub(crate) fn rates(r: &Rates) -> RatesView {
    RatesView {
        expected: r.expected,
        received: r.received,
        on_time: r.on_time,
        reporting_rate: r.reporting_rate(),
        on_time_rate: r.on_time_rate(),
    }
}

pub(crate) fn summary(c: &Campaign, codes: &HashMap<AgencyId, String>) -> CampaignSummary {
    let label = |start| {
        sinergi_core::campaign::Period {
            periodicity: c.periodicity,
            start,
        }
        .label()
    };
    CampaignSummary {
        id: c.id.0,
        title: c.title.clone(),
        form: c.form_id.0,
        periodicity: c.periodicity.as_str().to_string(),
        first_period: label(c.first_period),
        last_period: label(c.last_period),
        units: c.units.len(),
        owner: codes.get(&c.owner_agency_id).cloned(),
    }
}

pub(crate) fn detail(v: &CampaignView, codes: &HashMap<AgencyId, String>) -> CampaignDetail {
    let c = &v.campaign;
    let periods: Vec<PeriodView> = v
        .periods
        .iter()
        .zip(&v.by_period)
        .map(|(p, r)| PeriodView {
            label: p.label(),
            start: p.start.to_string(),
            due: c.due_date(p).to_string(),
            rates: rates(r),
        })
        .collect();
    let mut late = Vec::new();
    for (pi, p) in v.periods.iter().enumerate() {
        for row in &v.rows {
            if row.cells[pi].state == sinergi_core::campaign::CellState::Missing {
                late.push(LateView {
                    region: row.unit.region_code.clone(),
                    region_name: row.region_name.clone(),
                    agency: row.agency_code.clone(),
                    period: p.label(),
                    due: c.due_date(p).to_string(),
                });
            }
        }
    }
    CampaignDetail {
        campaign: summary(c, codes),
        form_id: v.form.xml_id.clone(),
        due_days: c.due_days,
        grace_days: c.grace_days,
        remind_days: c.remind_days,
        escalate_days: c.escalate_days,
        period_field: c.period_field.clone(),
        region_field: c.region_field.clone(),
        all_units: v.whole,
        periods,
        units: v
            .rows
            .iter()
            .map(|row| UnitRowView {
                unit: UnitView {
                    region: row.unit.region_code.clone(),
                    region_name: row.region_name.clone(),
                    agency: row.agency_code.clone(),
                },
                cells: v
                    .periods
                    .iter()
                    .zip(&row.cells)
                    .map(|(p, cell)| CellView {
                        period: p.label(),
                        state: cell.state.as_str().to_string(),
                        answered_at: cell.answered_at.map(|t| t.to_rfc3339()),
                        submission: cell.submission.map(|s| s.0),
                        paper: cell.paper,
                    })
                    .collect(),
                rates: rates(&row.rates),
            })
            .collect(),
        overall: rates(&v.overall),
        late,
    }
}

#[utoipa::path(get, path = "/campaigns", tag = "forms",
    summary = "The campaigns you see: your agency's and those below it, and those your agency answers",
    responses((status = 200, description = "The campaigns", body = CampaignList),
        (status = 401, response = P401)))]
async fn list_campaigns(State(st): State<AppState>, a: Authed) -> ApiResult<Json<CampaignList>> {
    let list = st.app.campaigns(&a.actor).await?;
    let codes = agency_codes(&st).await?;
    Ok(Json(CampaignList {
        campaigns: list.iter().map(|c| summary(c, &codes)).collect(),
    }))
}

/// Reads a text field: absent or null is empty, anything but text is named.
fn text(v: &Value, name: &str, errs: &mut ValidationErrors) -> String {
    match v.get(name) {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => {
            errs.push(name, "must be text");
            String::new()
        }
    }
}

fn whole(v: &Value, name: &str, errs: &mut ValidationErrors) -> i64 {
    match v.get(name) {
        None | Some(Value::Null) => 0,
        Some(Value::Number(n)) if n.as_i64().is_some() => n.as_i64().unwrap_or(0),
        Some(_) => {
            errs.push(
                name,
                sinergi_core::msg!(
                    "campaign-days",
                    "must be a whole number of days from 0 to 366"
                ),
            );
            0
        }
    }
}

/// Reads a campaign's JSON body, naming every field that has the wrong type.
pub(crate) fn new_campaign(v: &Value) -> Result<NewCampaign, AppError> {
    let mut errs = ValidationErrors::new();
    let mut n = NewCampaign {
        form: text(v, "form", &mut errs),
        title: text(v, "title", &mut errs),
        periodicity: text(v, "periodicity", &mut errs),
        first_period: text(v, "first_period", &mut errs),
        last_period: text(v, "last_period", &mut errs),
        due_days: whole(v, "due_days", &mut errs),
        grace_days: whole(v, "grace_days", &mut errs),
        remind_days: v
            .get("remind_days")
            .filter(|x| !x.is_null())
            .map(|_| whole(v, "remind_days", &mut errs)),
        escalate_days: v
            .get("escalate_days")
            .filter(|x| !x.is_null())
            .map(|_| whole(v, "escalate_days", &mut errs)),
        period_field: text(v, "period_field", &mut errs),
        region_field: Some(text(v, "region_field", &mut errs)),
        units: Vec::new(),
    };
    match v.get("units") {
        Some(Value::Array(list)) => {
            for (i, u) in list.iter().enumerate() {
                let field = format!("units[{i}]");
                match (u.get("region"), u.get("agency")) {
                    (Some(Value::String(r)), Some(Value::String(a))) => {
                        n.units.push((r.clone(), a.clone()))
                    }
                    _ => errs.push(
                        field,
                        sinergi_core::msg!(
                            "campaign-unit-shape",
                            "must be an object with the texts region and agency"
                        ),
                    ),
                }
            }
        }
        None | Some(Value::Null) => {}
        Some(_) => errs.push("units", "must be a list"),
    }
    if errs.is_empty() {
        Ok(n)
    } else {
        Err(AppError::Validation(errs))
    }
}

#[utoipa::path(post, path = "/campaigns", tag = "forms",
    summary = "Set up a campaign for a form your agency may publish: respondent units (a region answered by an agency) for a run of periods, due a number of days after each period",
    request_body = NewCampaignRequest,
    responses((status = 201, description = "The campaign", body = CampaignDetail),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 422, response = P422)))]
async fn create_campaign(
    State(st): State<AppState>,
    a: Authed,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let v = parse_json(body)?;
    let n = new_campaign(&v)?;
    let c = st.app.create_campaign(&a.actor, &n).await?;
    let view = st.app.campaign_view(&a.actor, c.id).await?;
    let codes = agency_codes(&st).await?;
    let mut resp = (StatusCode::CREATED, Json(detail(&view, &codes))).into_response();
    if let Ok(loc) = HeaderValue::from_str(&format!("/api/v1/campaigns/{}", c.id)) {
        resp.headers_mut().insert(header::LOCATION, loc);
    }
    Ok(resp)
}

#[utoipa::path(get, path = "/campaigns/{id}", tag = "forms",
    summary = "A campaign: each unit's answer per period (on time, late, missing, open), the reporting and on-time rates by unit, period and overall, and who is late",
    params(("id" = String, Path, description = "The campaign's UUID")),
    responses((status = 200, description = "The campaign", body = CampaignDetail),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn get_campaign(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<CampaignDetail>> {
    let id = CampaignId::parse(&id).ok_or(ApiError(AppError::NotFound))?;
    let v = st.app.campaign_view(&a.actor, id).await?;
    let codes = agency_codes(&st).await?;
    Ok(Json(detail(&v, &codes)))
}
