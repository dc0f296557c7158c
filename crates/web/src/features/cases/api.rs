//! The cases API (ADR 27, ADR 31): cases and their steps, facts, persons (protected
//! identities opened only for a purpose), transfers, the overdue list, the enforcement
//! funnel and the victim counts.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use sinergi_app::cases::{self as app_cases, CaseDue, CaseFilter, PersonView as AppPerson};
use sinergi_app::AppError;
use sinergi_core::case::{
    decrypt_purpose, service_input, share_input, transfer_decision, transfer_input, Case,
    CaseFactsBody, CaseId, CaseInput, DecryptBody, FactsPatch, NewCaseBody, OffenceKind,
    PersonBody, PersonId, PersonInput, PersonShare, PersonShareBody, ServiceBody, Stage,
    StageBody, StageEvent, StepInput, Transfer, TransferBody, TransferDecisionBody, TransferId,
    Urgency,
};
use sinergi_core::agency::Agency;
use sinergi_core::ids::{AgencyId, UserId};
use sinergi_core::input::Body as _;
use sinergi_core::user::Role;
use utoipa_axum::routes;

use super::types::{
    NumberFormatView,
    OpenedIdentityList,
    TaskList, TaskView,
    CustodyView, EvidenceList, EvidenceView,
    CaseList, CasePartyView, CaseView, DeadlineView, DecryptRolesView, FunnelRowView, FunnelView,
    OpenedIdentityView, PersonList, PersonShareView, PersonView, ServiceCountView, ServiceView,
    StageEventList,
    StageEventView, StageTimeView, TransferList, TransferView, VictimCountView, VictimCountsView,
};
use crate::api_common::{parse_json, route, ApiRoute};
use crate::auth::Authed;
use crate::features::plans::api::agency_codes;
use crate::openapi::{P401, P403, P404, P409, P412, P422};
use crate::problem::{ApiError, ApiResult};
use crate::AppState;

/// The case routes, relative to `/api/v1`.
pub(crate) fn routes() -> Vec<ApiRoute> {
    vec![
        route(routes!(list_cases, create_case)),
        route(routes!(overdue)),
        route(routes!(funnel)),
        route(routes!(victims)),
        route(routes!(get_case, patch_case)),
        route(routes!(summary_pdf)),
        route(routes!(list_steps, record_step)),
        route(routes!(list_persons, add_person)),
        route(routes!(open_identity)),
        route(routes!(open_identities)),
        route(routes!(erase_identity)),
        route(routes!(share_identity)),
        route(routes!(unshare_identity)),
        route(routes!(set_service)),
        route(routes!(list_evidence, add_evidence)),
        route(routes!(record_custody)),
        route(routes!(request_task)),
        route(routes!(my_tasks)),
        route(routes!(answer_task)),
        route(routes!(request_transfer)),
        route(routes!(incoming_transfers)),
        route(routes!(decide_transfer)),
        route(routes!(get_decrypt_roles, put_decrypt_roles)),
        route(routes!(get_number_format, put_number_format)),
    ]
}

pub(crate) fn case_id(s: &str) -> ApiResult<CaseId> {
    CaseId::parse(s).ok_or(ApiError(AppError::NotFound))
}

pub(crate) fn person_id(s: &str) -> ApiResult<PersonId> {
    PersonId::parse(s).ok_or(ApiError(AppError::NotFound))
}

pub(crate) fn urgency_str(u: Urgency) -> &'static str {
    match u {
        Urgency::Pending => "pending",
        Urgency::DueSoon => "due_soon",
        Urgency::Overdue => "overdue",
    }
}

pub(crate) fn case_view(c: &Case, codes: &HashMap<AgencyId, String>, today: chrono::NaiveDate) -> CaseView {
    let code = |a: &AgencyId| codes.get(a).cloned().unwrap_or_default();
    CaseView {
        id: c.id.0,
        number: c.number.clone(),
        owner: code(&c.owner_agency_id),
        law: c.law.as_str().into(),
        title: c.title.clone(),
        summary: c.summary.clone(),
        offence_kind: c.offence.kind.as_str().into(),
        offence_law: c.offence.law.clone(),
        offence_article: c.offence.article.clone(),
        max_penalty_years: c.offence.max_penalty_years,
        region: c.region_code.clone(),
        opened_on: c.opened_on.to_string(),
        stage: c.stage.as_str().into(),
        stage_since: c.stage_since.to_string(),
        returns: c.returns,
        verdict: c.verdict.map(|v| v.as_str().into()),
        child_suspect: c.facts.child_suspect,
        assessed_user: c.facts.assessed_user,
        repeat_offence: c.facts.repeat_offence,
        victim_agreement: c.facts.victim_agreement,
        rj_excluded_offence: c.facts.rj_excluded_offence,
        illness: c.facts.illness,
        detention: c.dates.detention.and_then(|d| serde_json::to_value(d).ok()),
        appeal_decided_on: c.dates.appeal_decided_on.map(|d| d.to_string()),
        deadlines: c
            .deadlines()
            .into_iter()
            .map(|d| DeadlineView {
                kind: d.kind.as_str().into(),
                due_on: d.due_on.to_string(),
                urgency: urgency_str(sinergi_core::case::classify(
                    d.due_on,
                    today,
                    app_cases::SOON_DAYS,
                ))
                .into(),
                basis: d.basis.into(),
                extension_days: d.extension_days,
            })
            .collect(),
        reports: c.reports.iter().map(|r| r.0).collect(),
        parties: c
            .parties
            .iter()
            .map(|p| CasePartyView {
                agency: code(&p.agency_id),
                role: p.role.as_str().into(),
            })
            .collect(),
        version: c.version,
        created_at: c.created_at.to_rfc3339(),
        updated_at: c.updated_at.to_rfc3339(),
    }
}

fn due_view(d: &CaseDue, codes: &HashMap<AgencyId, String>, st: &AppState) -> CaseView {
    case_view(&d.case, codes, st.app.today_for_region(&d.case.region_code))
}

pub(crate) fn event_view(e: &StageEvent, names: &HashMap<UserId, String>) -> StageEventView {
    StageEventView {
        id: e.id.0,
        from: e.from.as_str().into(),
        to: e.to.as_str().into(),
        document_number: e.document.number.clone(),
        document_date: e.document.date.to_string(),
        notes: e.document.notes.clone(),
        verdict: e.verdict.map(|v| v.as_str().into()),
        scan: e.scan.map(|s| s.0),
        recorded_by: names.get(&e.recorded_by).cloned(),
        recorded_at: e.recorded_at.to_rfc3339(),
    }
}

pub(crate) fn person_view(p: &AppPerson) -> PersonView {
    let x = &p.person;
    PersonView {
        id: x.id.0,
        role: x.role.as_str().into(),
        label: p.label.clone(),
        code: p.code.clone(),
        name: p.suspect_name.clone(),
        child: x.child,
        origin_region: x.victim.origin_region.clone(),
        destination_country: x.victim.destination_country.clone(),
        repatriated_on: x.victim.repatriated_on.map(|d| d.to_string()),
        border_post: x.victim.border_post.clone(),
        services: x
            .services
            .iter()
            .map(|s| ServiceView {
                service: s.service.as_str().into(),
                status: s.status.as_str().into(),
                since: s.since.to_string(),
            })
            .collect(),
        protected: x.sealed.is_some(),
        erased: x.sealed.as_ref().is_some_and(|s| s.is_shredded()),
        may_open: p.may_open,
        shared_with: p
            .shared_with
            .iter()
            .map(|(s, a)| share_view(s, a))
            .collect(),
        may_share_with: p
            .may_share_with
            .iter()
            .map(|a| a.code.as_str().to_string())
            .collect(),
        shared_with_you: p.shared_with_reader,
    }
}

fn share_view(s: &PersonShare, a: &Agency) -> PersonShareView {
    PersonShareView {
        person: s.person_id.0,
        agency: a.code.as_str().to_string(),
        agency_name: a.name.clone(),
        agreement: s.agreement_id.0,
        purpose: s.purpose.clone(),
        shared_at: s.shared_at.to_rfc3339(),
    }
}

pub(crate) fn transfer_view(
    t: &Transfer,
    number: Option<String>,
    codes: &HashMap<AgencyId, String>,
) -> TransferView {
    let code = |a: &AgencyId| codes.get(a).cloned().unwrap_or_default();
    TransferView {
        id: t.id.0,
        case: t.case_id.0,
        case_number: number,
        from: code(&t.from_agency_id),
        to: code(&t.to_agency_id),
        note: t.note.clone(),
        status: t.status.as_str().into(),
        requested_at: t.requested_at.to_rfc3339(),
        decided_at: t.decided_at.map(|d| d.to_rfc3339()),
        decision_note: t.decision_note.clone(),
    }
}

fn etag(version: i64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).unwrap_or(HeaderValue::from_static("\"0\""))
}

fn created(body: impl serde::Serialize, version: Option<i64>, location: String) -> Response {
    let mut resp = (StatusCode::CREATED, Json(body)).into_response();
    if let Some(v) = version {
        resp.headers_mut().insert(header::ETAG, etag(v));
    }
    if let Ok(loc) = HeaderValue::from_str(&location) {
        resp.headers_mut().insert(header::LOCATION, loc);
    }
    resp
}

/// The filters of the case lists.
#[derive(serde::Deserialize, utoipa::IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub(crate) struct CaseQueryParams {
    /// A Kemendagri code prefix: `15` (a province), `15.01` (a regency).
    pub region: Option<String>,
    /// wildlife, forestry, trafficking, narcotics or other.
    pub offence: Option<String>,
    /// A stage code, e.g. `p21`.
    pub stage: Option<String>,
    /// The year the cases were opened.
    pub year: Option<String>,
    /// At most this many (1–200, default 50).
    pub limit: Option<u32>,
    /// Skip this many.
    pub offset: Option<u32>,
}

/// Reads the filters, naming each that is wrong.
pub(crate) fn case_filter(q: &CaseQueryParams) -> Result<CaseFilter, AppError> {
    let mut errs = sinergi_core::ValidationErrors::new();
    let nonempty = |s: &Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    let mut f = CaseFilter::default();
    if let Some(r) = nonempty(&q.region) {
        if r.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())) {
            f.region = Some(r);
        } else {
            errs.push(
                "region",
                sinergi_core::msg!(
                    "case-region-invalid",
                    "must be a Kemendagri region code such as 15.01"
                ),
            );
        }
    }
    if let Some(o) = nonempty(&q.offence) {
        match OffenceKind::parse(&o) {
            Some(k) => f.offence = Some(k),
            None => errs.push(
                "offence",
                sinergi_core::msg!(
                    "case-keyword-invalid",
                    "must be one of {values}",
                    values = "wildlife, forestry, trafficking, narcotics, other"
                ),
            ),
        }
    }
    if let Some(s) = nonempty(&q.stage) {
        match Stage::parse(&s) {
            Some(s) => f.stage = Some(s),
            None => errs.push(
                "stage",
                sinergi_core::msg!("case-stage-code-invalid", "is not a stage of a case"),
            ),
        }
    }
    if let Some(y) = nonempty(&q.year) {
        match y.parse::<i32>() {
            Ok(y) if (1945..=2100).contains(&y) => f.year = Some(y),
            _ => errs.push(
                "year",
                sinergi_core::msg!("case-year-invalid", "must be a year such as 2025"),
            ),
        }
    }
    if errs.is_empty() {
        Ok(f)
    } else {
        Err(AppError::Validation(errs))
    }
}

fn paging(q: &CaseQueryParams) -> Result<(u32, u32), AppError> {
    let limit = q.limit.unwrap_or(50);
    if !(1..=app_cases::MAX_PAGE).contains(&limit) {
        return Err(AppError::field(
            "limit",
            sinergi_core::msg!(
                "case-limit-invalid",
                "must be a whole number from 1 to {max}",
                max = app_cases::MAX_PAGE
            ),
        ));
    }
    Ok((limit, q.offset.unwrap_or(0)))
}

fn params(q: Result<Query<CaseQueryParams>, QueryRejection>) -> ApiResult<CaseQueryParams> {
    q.map(|Query(q)| q).map_err(crate::api_common::query_error)
}

#[utoipa::path(get, path = "/cases", tag = "cases",
    summary = "The cases you see (your agency's, those below it, and those your agency is on), the latest opened first",
    params(CaseQueryParams),
    responses((status = 200, description = "The cases", body = CaseList),
        (status = 401, response = P401), (status = 422, response = P422)))]
async fn list_cases(
    State(st): State<AppState>,
    a: Authed,
    q: Result<Query<CaseQueryParams>, QueryRejection>,
) -> ApiResult<Json<CaseList>> {
    let q = params(q)?;
    let f = case_filter(&q)?;
    let (limit, offset) = paging(&q)?;
    let (cases, total) = st.app.cases(&a.actor, &f, limit, offset).await?;
    let codes = agency_codes(&st).await?;
    Ok(Json(CaseList {
        cases: cases.iter().map(|c| due_view(c, &codes, &st)).collect(),
        total,
    }))
}

#[utoipa::path(post, path = "/cases", tag = "cases",
    summary = "Open a case for your agency from reports you can see; it follows the procedure code in force on the day it opened",
    request_body = NewCaseBody,
    responses((status = 201, description = "The case, numbered, with an ETag", body = CaseView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 409, response = P409), (status = 422, response = P422)))]
async fn create_case(
    State(st): State<AppState>,
    a: Authed,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let body = NewCaseBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let region = body.region.given().cloned().unwrap_or_default();
    let input = CaseInput::from_body(&body, st.app.today_for_region(&region))
        .map_err(AppError::from)?;
    let c = st.app.open_case(&a.actor, input).await?;
    let codes = agency_codes(&st).await?;
    Ok(created(
        case_view(&c, &codes, st.app.today_for_region(&c.region_code)),
        Some(c.version),
        format!("/api/v1/cases/{}", c.id),
    ))
}

#[utoipa::path(get, path = "/cases/overdue", tag = "cases",
    summary = "The cases you see whose earliest deadline is due within 3 days or past, the soonest first",
    params(CaseQueryParams),
    responses((status = 200, description = "The cases", body = CaseList),
        (status = 401, response = P401), (status = 422, response = P422)))]
async fn overdue(
    State(st): State<AppState>,
    a: Authed,
    q: Result<Query<CaseQueryParams>, QueryRejection>,
) -> ApiResult<Json<CaseList>> {
    let q = params(q)?;
    let f = case_filter(&q)?;
    let cases = st.app.overdue_cases(&a.actor, &f).await?;
    let codes = agency_codes(&st).await?;
    Ok(Json(CaseList {
        total: cases.len() as i64,
        cases: cases.iter().map(|c| due_view(c, &codes, &st)).collect(),
    }))
}

pub(crate) fn funnel_view(f: &app_cases::Funnel) -> FunnelView {
    FunnelView {
        rows: f
            .rows
            .iter()
            .map(|(r, code)| FunnelRowView {
                agency: code.clone(),
                region: r.region_code.clone(),
                offence_kind: r.offence.as_str().into(),
                year: r.year,
                reports: r.reports,
                cases: r.cases,
                p21: r.p21,
                verdicts: r.verdicts,
                convicted: r.convicted,
                stopped: r.stopped,
                conviction_rate: (r.verdicts > 0).then(|| r.convicted as f64 / r.verdicts as f64),
            })
            .collect(),
        stage_times: f
            .stage_times
            .iter()
            .map(|t| StageTimeView {
                stage: t.stage.as_str().into(),
                steps: t.steps,
                mean_days: (t.mean_days * 10.0).round() / 10.0,
            })
            .collect(),
    }
}

#[utoipa::path(get, path = "/cases/funnel", tag = "cases",
    summary = "The enforcement funnel of the cases you see: reports, cases, P-21, verdicts, convictions by agency, regency, offence and year, and the mean days in each stage",
    params(CaseQueryParams),
    responses((status = 200, description = "The funnel", body = FunnelView),
        (status = 401, response = P401), (status = 422, response = P422)))]
async fn funnel(
    State(st): State<AppState>,
    a: Authed,
    q: Result<Query<CaseQueryParams>, QueryRejection>,
) -> ApiResult<Json<FunnelView>> {
    let f = case_filter(&params(q)?)?;
    let funnel = st.app.case_funnel(&a.actor, &f).await?;
    Ok(Json(funnel_view(&funnel)))
}

pub(crate) fn victims_view(v: &app_cases::VictimCounts) -> VictimCountsView {
    VictimCountsView {
        total: v.total,
        rows: v
            .rows
            .iter()
            .map(|r| VictimCountView {
                origin_region: r.origin_region.clone(),
                destination_country: r.destination_country.clone(),
                month: r.month.clone(),
                victims: app_cases::suppressed(r.victims),
                children: app_cases::suppressed(r.children),
            })
            .collect(),
        services: v
            .services
            .iter()
            .map(|s| ServiceCountView {
                service: s.service.as_str().into(),
                status: s.status.as_str().into(),
                victims: app_cases::suppressed(s.victims),
            })
            .collect(),
    }
}

#[utoipa::path(get, path = "/cases/victims", tag = "cases",
    summary = "Victims of the cases you see, counted by origin regency, destination country and month of return, and their referrals by service; no name, and cells of 1–2 shown as null",
    params(CaseQueryParams),
    responses((status = 200, description = "The counts", body = VictimCountsView),
        (status = 401, response = P401), (status = 422, response = P422)))]
async fn victims(
    State(st): State<AppState>,
    a: Authed,
    q: Result<Query<CaseQueryParams>, QueryRejection>,
) -> ApiResult<Json<VictimCountsView>> {
    let f = case_filter(&params(q)?)?;
    let v = st.app.victim_counts(&a.actor, &f).await?;
    Ok(Json(victims_view(&v)))
}

#[utoipa::path(get, path = "/cases/{id}", tag = "cases",
    summary = "A case with its deadlines",
    params(("id" = String, Path, description = "The case's UUID")),
    responses((status = 200, description = "The case, with an ETag", body = CaseView),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn get_case(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let v = st.app.case_view(&a.actor, case_id(&id)?).await?;
    let codes = agency_codes(&st).await?;
    let mut resp = Json(case_view(&v.case, &codes, v.today)).into_response();
    resp.headers_mut().insert(header::ETAG, etag(v.case.version));
    Ok(resp)
}

#[utoipa::path(patch, path = "/cases/{id}", tag = "cases",
    summary = "Change a case's facts (child suspect, assessed user, repeat offence, victim's agreement, detention …); `version` must be the one you read",
    params(("id" = String, Path, description = "The case's UUID")),
    request_body = CaseFactsBody,
    responses((status = 200, description = "The changed case", body = CaseView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 412, response = P412),
        (status = 422, response = P422)))]
async fn patch_case(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let id = case_id(&id)?;
    let body = CaseFactsBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let v = st.app.case_view(&a.actor, id).await?;
    let patch = FactsPatch::from_body(&body, v.today).map_err(AppError::from)?;
    let c = st.app.update_case_facts(&a.actor, id, patch).await?;
    let codes = agency_codes(&st).await?;
    let mut resp = Json(case_view(&c, &codes, v.today)).into_response();
    resp.headers_mut().insert(header::ETAG, etag(c.version));
    Ok(resp)
}

async fn user_names(st: &AppState, ids: impl Iterator<Item = UserId>) -> ApiResult<HashMap<UserId, String>> {
    let mut out = HashMap::new();
    for id in ids {
        if let std::collections::hash_map::Entry::Vacant(e) = out.entry(id) {
            if let Some(u) = st.app.user_by_id(id).await? {
                e.insert(u.username.to_string());
            }
        }
    }
    Ok(out)
}

#[utoipa::path(get, path = "/cases/{id}/steps", tag = "cases",
    summary = "A case's recorded steps, in order, and the stages its law allows next",
    params(("id" = String, Path, description = "The case's UUID")),
    responses((status = 200, description = "The steps", body = StageEventList),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn list_steps(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<StageEventList>> {
    let v = st.app.case_view(&a.actor, case_id(&id)?).await?;
    let names = user_names(&st, v.events.iter().map(|e| e.recorded_by)).await?;
    Ok(Json(StageEventList {
        events: v.events.iter().map(|e| event_view(e, &names)).collect(),
        next: v.next.iter().map(|s| s.as_str().to_string()).collect(),
    }))
}

#[utoipa::path(post, path = "/cases/{id}/steps", tag = "cases",
    summary = "Record a step of a case to its next stage with its document; a step the case's law does not allow is refused with the reason",
    params(("id" = String, Path, description = "The case's UUID")),
    request_body = StageBody,
    responses((status = 201, description = "The step", body = StageEventView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 412, response = P412),
        (status = 422, response = P422)))]
async fn record_step(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let id = case_id(&id)?;
    let body = StageBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let s = StepInput::from_body(&body).map_err(AppError::from)?;
    let (c, e) = st.app.record_step(&a.actor, id, s).await?;
    let names = user_names(&st, std::iter::once(e.recorded_by)).await?;
    Ok(created(
        event_view(&e, &names),
        Some(c.version),
        format!("/api/v1/cases/{id}/steps"),
    ))
}

#[utoipa::path(get, path = "/cases/{id}/persons", tag = "cases",
    summary = "The persons of a case by role and label; a victim's, witness's or informant's identity is never here (see …/open)",
    params(("id" = String, Path, description = "The case's UUID")),
    responses((status = 200, description = "The persons", body = PersonList),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn list_persons(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<PersonList>> {
    let v = st.app.case_view(&a.actor, case_id(&id)?).await?;
    Ok(Json(PersonList {
        persons: v.persons.iter().map(person_view).collect(),
    }))
}

#[utoipa::path(post, path = "/cases/{id}/persons", tag = "cases",
    summary = "Add a person to a case; a victim's, witness's or informant's identifying fields are sealed with the owning agency's key before they are stored",
    params(("id" = String, Path, description = "The case's UUID")),
    request_body = PersonBody,
    responses((status = 201, description = "The person, without the sealed fields", body = PersonView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 409, response = P409),
        (status = 422, response = P422)))]
async fn add_person(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let id = case_id(&id)?;
    let body = PersonBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let today = st.app.case_view(&a.actor, id).await?.today;
    let input = PersonInput::from_body(&body, today).map_err(AppError::from)?;
    let p = st.app.add_person(&a.actor, id, input).await?;
    Ok(created(
        person_view(&p),
        None,
        format!("/api/v1/cases/{id}/persons"),
    ))
}

#[utoipa::path(post, path = "/cases/{id}/persons/{person}/open", tag = "cases",
    summary = "Open a protected identity for a stated purpose (audited): users of the owning agency in the roles it named; an informant's only by the handler",
    params(("id" = String, Path, description = "The case's UUID"),
        ("person" = String, Path, description = "The person's UUID")),
    request_body = DecryptBody,
    responses((status = 200, description = "The identity", body = OpenedIdentityView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 409, response = P409),
        (status = 422, response = P422)))]
async fn open_identity(
    State(st): State<AppState>,
    a: Authed,
    Path((id, person)): Path<(String, String)>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let (id, person) = (case_id(&id)?, person_id(&person)?);
    let body = DecryptBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let purpose = decrypt_purpose(&body).map_err(AppError::from)?;
    let o = st.app.open_identity(&a.actor, id, person, purpose).await?;
    let mut resp = Json(opened_view(&o)).into_response();
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(resp)
}

#[utoipa::path(delete, path = "/cases/{id}/persons/{person}/identity", tag = "cases",
    summary = "Erase a protected identity by destroying its key (crypto-shredding); the person's role and counts stay on the case",
    params(("id" = String, Path, description = "The case's UUID"),
        ("person" = String, Path, description = "The person's UUID")),
    responses((status = 204, description = "Erased"),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 409, response = P409)))]
async fn erase_identity(
    State(st): State<AppState>,
    a: Authed,
    Path((id, person)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    st.app
        .shred_person(&a.actor, case_id(&id)?, person_id(&person)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/cases/{id}/persons/{person}/shares", tag = "cases",
    summary = "Share one protected identity with an agency on the case, for a stated purpose (audited), when an agreement in force names that kind of person from your agency to it; that agency's named roles then open it with their own key",
    params(("id" = String, Path, description = "The case's UUID"),
        ("person" = String, Path, description = "The person's UUID")),
    request_body = PersonShareBody,
    responses((status = 201, description = "The share", body = PersonShareView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 409, response = P409),
        (status = 422, response = P422)))]
async fn share_identity(
    State(st): State<AppState>,
    a: Authed,
    Path((id, person)): Path<(String, String)>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let (id, person) = (case_id(&id)?, person_id(&person)?);
    let body = PersonShareBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let (agency, purpose) = share_input(&body).map_err(AppError::from)?;
    let s = st
        .app
        .share_person(&a.actor, id, person, agency, purpose)
        .await?;
    let to = st
        .app
        .agency(s.agency_id)
        .await?
        .ok_or(ApiError(AppError::NotFound))?;
    Ok(created(
        share_view(&s, &to),
        None,
        format!(
            "/api/v1/cases/{id}/persons/{person}/shares/{}",
            to.code.as_str()
        ),
    ))
}

#[utoipa::path(delete, path = "/cases/{id}/persons/{person}/shares/{agency}", tag = "cases",
    summary = "Withdraw a shared identity from an agency: it opens nothing there any more (audited)",
    params(("id" = String, Path, description = "The case's UUID"),
        ("person" = String, Path, description = "The person's UUID"),
        ("agency" = String, Path, description = "The receiving agency's code")),
    responses((status = 204, description = "Withdrawn"),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404)))]
async fn unshare_identity(
    State(st): State<AppState>,
    a: Authed,
    Path((id, person, agency)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    st.app
        .unshare_person(&a.actor, case_id(&id)?, person_id(&person)?, &agency)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(put, path = "/cases/{id}/persons/{person}/services", tag = "cases",
    summary = "Set where a victim's referral to a service stands",
    params(("id" = String, Path, description = "The case's UUID"),
        ("person" = String, Path, description = "The person's UUID")),
    request_body = ServiceBody,
    responses((status = 204, description = "Set"),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 422, response = P422)))]
async fn set_service(
    State(st): State<AppState>,
    a: Authed,
    Path((id, person)): Path<(String, String)>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<StatusCode> {
    let (id, person) = (case_id(&id)?, person_id(&person)?);
    let body = ServiceBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let (service, status) = service_input(&body).map_err(AppError::from)?;
    st.app
        .set_service(&a.actor, id, person, service, status)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/cases/{id}/transfers", tag = "cases",
    summary = "Ask another agency, joined to yours by an agreement in force, to take the case over",
    params(("id" = String, Path, description = "The case's UUID")),
    request_body = TransferBody,
    responses((status = 201, description = "The request", body = TransferView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 409, response = P409),
        (status = 422, response = P422)))]
async fn request_transfer(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let id = case_id(&id)?;
    let body = TransferBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let (to, note) = transfer_input(&body).map_err(AppError::from)?;
    let t = st.app.request_transfer(&a.actor, id, to, note).await?;
    let codes = agency_codes(&st).await?;
    Ok(created(
        transfer_view(&t, None, &codes),
        None,
        "/api/v1/case-transfers".into(),
    ))
}

#[utoipa::path(get, path = "/case-transfers", tag = "cases",
    summary = "The transfers waiting for your agency's answer, the oldest first",
    responses((status = 200, description = "The transfers", body = TransferList),
        (status = 401, response = P401)))]
async fn incoming_transfers(State(st): State<AppState>, a: Authed) -> ApiResult<Json<TransferList>> {
    let list = st.app.incoming_transfers(&a.actor).await?;
    let codes = agency_codes(&st).await?;
    Ok(Json(TransferList {
        transfers: list
            .iter()
            .map(|(t, c, _)| transfer_view(t, Some(c.number.clone()), &codes))
            .collect(),
    }))
}

#[utoipa::path(post, path = "/case-transfers/{id}/decision", tag = "cases",
    summary = "Accept (the case becomes your agency's) or refuse (with a reason) a transfer",
    params(("id" = String, Path, description = "The transfer's UUID")),
    request_body = TransferDecisionBody,
    responses((status = 200, description = "The answered transfer", body = TransferView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 409, response = P409),
        (status = 422, response = P422)))]
async fn decide_transfer(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<TransferView>> {
    let id = TransferId::parse(&id).ok_or(ApiError(AppError::NotFound))?;
    let body = TransferDecisionBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let (accept, note) = transfer_decision(&body).map_err(AppError::from)?;
    let t = st.app.decide_transfer(&a.actor, id, accept, note).await?;
    let codes = agency_codes(&st).await?;
    Ok(Json(transfer_view(&t, None, &codes)))
}

#[utoipa::path(get, path = "/case-settings/decrypt-roles", tag = "cases",
    summary = "The roles whose users open your agency's protected identities",
    responses((status = 200, description = "The roles", body = DecryptRolesView),
        (status = 401, response = P401)))]
async fn get_decrypt_roles(State(st): State<AppState>, a: Authed) -> ApiResult<Json<DecryptRolesView>> {
    let roles = st.app.case_decrypt_roles(&a.actor).await?;
    Ok(Json(DecryptRolesView {
        roles: roles.iter().map(|r| r.as_str().to_string()).collect(),
    }))
}

/// The roles to name.
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DecryptRolesBody {
    /// Role names: field_officer, coordinator, analyst, agency_admin.
    pub roles: Vec<String>,
}

#[utoipa::path(put, path = "/case-settings/decrypt-roles", tag = "cases",
    summary = "Name the roles whose users open your agency's protected identities (agency administrators)",
    request_body = DecryptRolesBody,
    responses((status = 200, description = "The roles", body = DecryptRolesView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 422, response = P422)))]
async fn put_decrypt_roles(
    State(st): State<AppState>,
    a: Authed,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<DecryptRolesView>> {
    let v = parse_json(body)?;
    let roles = parse_roles(&v)?;
    st.app.set_case_decrypt_roles(&a.actor, roles.clone()).await?;
    Ok(Json(DecryptRolesView {
        roles: roles.iter().map(|r| r.as_str().to_string()).collect(),
    }))
}

pub(crate) fn parse_roles(v: &serde_json::Value) -> Result<Vec<Role>, AppError> {
    let bad = || {
        AppError::field(
            "roles",
            sinergi_core::msg!(
                "case-roles-invalid",
                "must be a list of role names: field_officer, coordinator, analyst, agency_admin"
            ),
        )
    };
    let body: DecryptRolesBody = serde_json::from_value(v.clone()).map_err(|_| bad())?;
    let mut out = Vec::new();
    for r in &body.roles {
        let role = Role::parse(r).ok_or_else(bad)?;
        if !out.contains(&role) {
            out.push(role);
        }
    }
    Ok(out)
}

/// The language of a printable document.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct PdfLang {
    /// `id` (the default) or `en`.
    pub lang: Option<String>,
}

#[utoipa::path(get, path = "/cases/{id}/summary.pdf", tag = "cases",
    summary = "The case's printable summary (A4): offence, law, stage, deadlines, steps, agencies, persons by role and label (never a protected identity), transfers",
    params(("id" = String, Path, description = "The case's UUID"), PdfLang),
    responses((status = 200, description = "The PDF", content_type = "application/pdf", body = [u8]),
        (status = 401, response = P401), (status = 404, response = P404),
        (status = 422, response = P422)))]
async fn summary_pdf(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    q: Result<Query<PdfLang>, QueryRejection>,
) -> ApiResult<Response> {
    let id = case_id(&id)?;
    let lang = match q.ok().and_then(|Query(q)| q.lang).as_deref() {
        None | Some("id") => crate::i18n::Lang::Id,
        Some("en") => crate::i18n::Lang::En,
        Some(_) => return Err(ApiError(AppError::field("lang", sinergi_core::msg!("case-lang-invalid", "must be id or en")))),
    };
    let v = st.app.case_view(&a.actor, id).await?;
    Ok(crate::api_common::file_response(
        super::pdf::summary_pdf(&v, lang),
        "application/pdf",
        &format!("case-summary-{id}.pdf"),
        "inline",
    ))
}

pub(crate) fn evidence_view(e: &sinergi_core::case::Evidence) -> EvidenceView {
    EvidenceView {
        id: e.id.0,
        description: e.description.clone(),
        quantity: e.quantity.clone(),
        holder: e.last().map(|l| l.holder.clone()),
        chain: e
            .chain
            .iter()
            .map(|s| CustodyView {
                seq: s.seq,
                action: s.action.as_str().into(),
                on: s.on.to_string(),
                holder: s.holder.clone(),
                document_number: s.document_number.clone(),
                note: s.note.clone(),
                recorded_at: s.recorded_at.to_rfc3339(),
            })
            .collect(),
    }
}

#[utoipa::path(get, path = "/cases/{id}/evidence", tag = "cases",
    summary = "A case's evidence items, each with its chain of custody in order",
    params(("id" = String, Path, description = "The case's UUID")),
    responses((status = 200, description = "The items", body = EvidenceList),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn list_evidence(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<EvidenceList>> {
    let v = st.app.case_view(&a.actor, case_id(&id)?).await?;
    Ok(Json(EvidenceList {
        evidence: v.evidence.iter().map(evidence_view).collect(),
    }))
}

#[utoipa::path(post, path = "/cases/{id}/evidence", tag = "cases",
    summary = "Add an evidence item with its seizure (the first step of its chain of custody)",
    params(("id" = String, Path, description = "The case's UUID")),
    request_body = sinergi_core::case::EvidenceBody,
    responses((status = 201, description = "The item", body = EvidenceView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 409, response = P409),
        (status = 422, response = P422)))]
async fn add_evidence(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let id = case_id(&id)?;
    let body = sinergi_core::case::EvidenceBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let today = st.app.case_view(&a.actor, id).await?.today;
    let input = sinergi_core::case::EvidenceInput::from_body(&body, today).map_err(AppError::from)?;
    let e = st.app.add_evidence(&a.actor, id, input).await?;
    Ok(created(evidence_view(&e), None, format!("/api/v1/cases/{id}/evidence")))
}

#[utoipa::path(post, path = "/cases/{id}/evidence/{item}/custody", tag = "cases",
    summary = "Record the next step of an item's chain of custody: not before the last step, never after it was returned or destroyed",
    params(("id" = String, Path, description = "The case's UUID"),
        ("item" = String, Path, description = "The item's UUID")),
    request_body = sinergi_core::case::CustodyBody,
    responses((status = 201, description = "The item with its chain", body = EvidenceView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 409, response = P409),
        (status = 422, response = P422)))]
async fn record_custody(
    State(st): State<AppState>,
    a: Authed,
    Path((id, item)): Path<(String, String)>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let id = case_id(&id)?;
    let item = sinergi_core::case::EvidenceId::parse(&item).ok_or(ApiError(AppError::NotFound))?;
    let body = sinergi_core::case::CustodyBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let input = sinergi_core::case::CustodyInput::from_body(&body).map_err(AppError::from)?;
    let e = st.app.record_custody(&a.actor, id, item, input).await?;
    Ok(created(evidence_view(&e), None, format!("/api/v1/cases/{id}/evidence")))
}

pub(crate) fn task_view(t: &sinergi_core::case::CaseTask, c: &Case, codes: &HashMap<AgencyId, String>) -> TaskView {
    let code = |a: &AgencyId| codes.get(a).cloned().unwrap_or_default();
    TaskView {
        id: t.id.0,
        case: c.id.0,
        case_number: c.number.clone(),
        case_title: c.title.clone(),
        from: code(&t.from_agency_id),
        to: code(&t.to_agency_id),
        kind: t.kind.as_str().into(),
        what: t.what.clone(),
        due_on: t.due_on.map(|d| d.to_string()),
        status: t.status.as_str().into(),
        result: t.result.clone(),
        requested_at: t.requested_at.to_rfc3339(),
        answered_at: t.answered_at.map(|d| d.to_rfc3339()),
    }
}

#[utoipa::path(post, path = "/cases/{id}/tasks", tag = "cases",
    summary = "Ask another agency, joined to yours by an agreement in force, to do a task for the case (a lab test, a tracing)",
    params(("id" = String, Path, description = "The case's UUID")),
    request_body = sinergi_core::case::TaskBody,
    responses((status = 201, description = "The task", body = TaskView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 422, response = P422)))]
async fn request_task(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let id = case_id(&id)?;
    let body = sinergi_core::case::TaskBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let v = st.app.case_view(&a.actor, id).await?;
    let input = sinergi_core::case::TaskInput::from_body(&body, v.today).map_err(AppError::from)?;
    let t = st.app.request_task(&a.actor, id, input).await?;
    let codes = agency_codes(&st).await?;
    Ok(created(task_view(&t, &v.case, &codes), None, "/api/v1/case-tasks".into()))
}

#[utoipa::path(get, path = "/case-tasks", tag = "cases",
    summary = "The tasks asked of your agency, the open ones first, each with the case's number and title (never its persons)",
    responses((status = 200, description = "The tasks", body = TaskList),
        (status = 401, response = P401)))]
async fn my_tasks(State(st): State<AppState>, a: Authed) -> ApiResult<Json<TaskList>> {
    let list = st.app.my_tasks(&a.actor).await?;
    let codes = agency_codes(&st).await?;
    Ok(Json(TaskList {
        tasks: list.iter().map(|(t, c, _)| task_view(t, c, &codes)).collect(),
    }))
}

#[utoipa::path(post, path = "/case-tasks/{id}/answer", tag = "cases",
    summary = "Answer a task asked of your agency: done with the result, or refused with the reason",
    params(("id" = String, Path, description = "The task's UUID")),
    request_body = sinergi_core::case::TaskAnswerBody,
    responses((status = 200, description = "The answered task", body = TaskView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 409, response = P409),
        (status = 422, response = P422)))]
async fn answer_task(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<TaskView>> {
    let id = sinergi_core::case::TaskId::parse(&id).ok_or(ApiError(AppError::NotFound))?;
    let body = sinergi_core::case::TaskAnswerBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let (status, result) = sinergi_core::case::task_answer(&body).map_err(AppError::from)?;
    let t = st.app.answer_task(&a.actor, id, status, result).await?;
    let c = st.app.store.case(t.case_id).await.map_err(AppError::from)?.ok_or(ApiError(AppError::NotFound))?;
    let codes = agency_codes(&st).await?;
    Ok(Json(task_view(&t, &c, &codes)))
}

fn opened_view(o: &app_cases::OpenedIdentity) -> OpenedIdentityView {
    let get = |k: &str| o.fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.to_string());
    OpenedIdentityView {
        person: o.person.0,
        name: get("name"),
        identity_number: get("identity_number"),
        contact: get("contact"),
        address: get("address"),
        photo_type: photo_type_of(get("photo").as_deref()),
        photo: get("photo"),
    }
}

/// The media type of a base64-encoded photo.
pub(crate) fn photo_type_of(b64: Option<&str>) -> Option<String> {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD.decode(b64?).ok()?;
    sinergi_core::case::photo_type(&bytes).map(str::to_string)
}

#[utoipa::path(post, path = "/cases/{id}/identities", tag = "cases",
    summary = "Open, for one stated purpose, every protected identity of the case you may open (preparing a case file); each opening audited",
    params(("id" = String, Path, description = "The case's UUID")),
    request_body = DecryptBody,
    responses((status = 200, description = "The identities you may open (none: an empty list)", body = OpenedIdentityList),
        (status = 401, response = P401), (status = 404, response = P404),
        (status = 422, response = P422)))]
async fn open_identities(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let id = case_id(&id)?;
    let body = DecryptBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let purpose = decrypt_purpose(&body).map_err(AppError::from)?;
    let list = st.app.open_identities(&a.actor, id, purpose).await?;
    let mut resp = Json(OpenedIdentityList {
        identities: list.iter().map(opened_view).collect(),
    })
    .into_response();
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(resp)
}

#[utoipa::path(get, path = "/case-settings/number-format", tag = "cases",
    summary = "Your agency's case-number format",
    responses((status = 200, description = "The format", body = NumberFormatView),
        (status = 401, response = P401)))]
async fn get_number_format(State(st): State<AppState>, a: Authed) -> ApiResult<Json<NumberFormatView>> {
    Ok(Json(NumberFormatView {
        format: st.app.case_number_format(&a.actor).await?,
    }))
}

/// A case-number format to set.
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NumberFormatBody {
    /// E.g. `BP/{nomor}/{bulan}/{tahun}/PPNS-TNKS`.
    pub format: String,
}

#[utoipa::path(put, path = "/case-settings/number-format", tag = "cases",
    summary = "Set your agency's case-number format (agency administrators); numbered cases keep their numbers",
    request_body = NumberFormatBody,
    responses((status = 200, description = "The format", body = NumberFormatView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 422, response = P422)))]
async fn put_number_format(
    State(st): State<AppState>,
    a: Authed,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<NumberFormatView>> {
    let v = parse_json(body)?;
    let body: NumberFormatBody = serde_json::from_value(v).map_err(|_| {
        AppError::field(
            "format",
            sinergi_core::msg!("case-format-required", "a format such as LP/A/{{nomor}}/{{bulan}}/{{tahun}}/{{kode}} is required"),
        )
    })?;
    let format = st.app.set_case_number_format(&a.actor, &body.format).await?;
    Ok(Json(NumberFormatView { format }))
}
