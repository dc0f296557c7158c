//! The coordination API (ADR 21): working groups, their meetings, action items, and a
//! group's overdue items by agency.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use sinergi_app::AppError;
use sinergi_core::coordination::{
    ActionItem, ActionItemPatchBody, Group, GroupPatchBody, Meeting, MeetingPatchBody,
    NewActionItemBody, NewGroupBody, NewMeetingBody,
};
use sinergi_core::ids::{ActionItemId, AgencyId, GroupId, MeetingId};
use sinergi_core::input::Body as _;
use utoipa_axum::routes;

use super::types::{
    ActionItemList, ActionItemView, AttendeeView, GroupList, GroupPersonView, GroupView,
    MeetingList, MeetingView, OverdueAgencyView, OverdueList,
};
use crate::api_common::{file_response, if_match, parse_json, route, ApiRoute};
use crate::auth::Authed;
use crate::openapi::{P401, P403, P404, P412, P422};
use crate::problem::{ApiError, ApiResult};
use crate::AppState;

/// The coordination routes, relative to `/api/v1`.
pub(crate) fn routes() -> Vec<ApiRoute> {
    vec![
        route(routes!(list_groups, create_group)),
        route(routes!(get_group, patch_group)),
        route(routes!(list_meetings, create_meeting)),
        route(routes!(group_overdue)),
        route(routes!(get_meeting, patch_meeting)),
        route(routes!(list_action_items, create_action_item)),
        route(routes!(minutes_pdf)),
        route(routes!(attendance_pdf)),
        route(routes!(my_calendar)),
        route(routes!(get_action_item, patch_action_item)),
    ]
}

pub(crate) fn group_id(s: &str) -> ApiResult<GroupId> {
    GroupId::parse(s).ok_or(ApiError(AppError::NotFound))
}

pub(crate) fn meeting_id(s: &str) -> ApiResult<MeetingId> {
    MeetingId::parse(s).ok_or(ApiError(AppError::NotFound))
}

pub(crate) fn action_item_id(s: &str) -> ApiResult<ActionItemId> {
    ActionItemId::parse(s).ok_or(ApiError(AppError::NotFound))
}

/// Every agency's code by id.
pub(crate) async fn agency_codes(st: &AppState) -> ApiResult<HashMap<AgencyId, String>> {
    Ok(st
        .app
        .agencies()
        .await?
        .into_iter()
        .map(|a| (a.id, a.code.to_string()))
        .collect())
}

pub(crate) async fn group_view(
    st: &AppState,
    g: &Group,
    codes: &HashMap<AgencyId, String>,
) -> ApiResult<GroupView> {
    let mut people = Vec::with_capacity(g.people.len());
    for p in &g.people {
        let user = match p.user_id {
            Some(u) => st.app.user_by_id(u).await?.map(|u| u.username.to_string()),
            None => None,
        };
        people.push(GroupPersonView {
            agency: codes.get(&p.agency_id).cloned(),
            user,
            name: p.name.clone(),
            role: p.role.as_str().into(),
        });
    }
    Ok(GroupView {
        id: g.id.0,
        name: g.name.clone(),
        kind: g.kind.as_str().into(),
        legal_basis: g.legal_basis.clone(),
        agreement: g.agreement_id.map(|a| a.0),
        owner: codes.get(&g.owner_agency_id).cloned(),
        members: g
            .agencies
            .iter()
            .filter_map(|a| codes.get(a).cloned())
            .collect(),
        people,
        period_from: g.period_from.to_string(),
        period_until: g.period_until.map(|d| d.to_string()),
        version: g.version,
        created_at: g.created_at.to_rfc3339(),
        updated_at: g.updated_at.to_rfc3339(),
    })
}

pub(crate) fn meeting_view(m: &Meeting, codes: &HashMap<AgencyId, String>) -> MeetingView {
    let zone = m.zone();
    MeetingView {
        id: m.id.0,
        group: m.group_id.0,
        starts_at: m.starts_at.with_timezone(&zone.offset()).to_rfc3339(),
        zone: zone.abbreviation().into(),
        region: m.region.clone(),
        place: m.place.clone(),
        online_link: m.online_link.clone(),
        organiser: codes.get(&m.organiser_agency_id).cloned(),
        invited: m
            .invited
            .iter()
            .filter_map(|a| codes.get(a).cloned())
            .collect(),
        agenda: m.agenda.clone(),
        attendance: m
            .attendance
            .iter()
            .map(|a| AttendeeView {
                name: a.name.clone(),
                agency: codes.get(&a.agency_id).cloned(),
                position: a.position.clone(),
            })
            .collect(),
        minutes: m.minutes.clone(),
        decisions: m.decisions.clone(),
        version: m.version,
        created_at: m.created_at.to_rfc3339(),
        updated_at: m.updated_at.to_rfc3339(),
    }
}

pub(crate) fn item_view(i: &ActionItem, codes: &HashMap<AgencyId, String>) -> ActionItemView {
    ActionItemView {
        id: i.id.0,
        group: i.group_id.0,
        meeting: i.meeting_id.0,
        what: i.what.clone(),
        agency: codes.get(&i.agency_id).cloned(),
        person: i.person.clone(),
        due: i.due.to_string(),
        status: i.status.as_str().into(),
        evidence: i.evidence.clone(),
        links: i.links.clone(),
        closed_at: i.closed_at.map(|t| t.to_rfc3339()),
        version: i.version,
        created_at: i.created_at.to_rfc3339(),
        updated_at: i.updated_at.to_rfc3339(),
    }
}

fn etag(version: i64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).unwrap_or(HeaderValue::from_static("\"0\""))
}

/// An answer with the record's ETag (and, for a new record, its address).
fn tagged(status: StatusCode, body: impl serde::Serialize, version: i64, location: Option<String>) -> Response {
    let mut resp = (status, Json(body)).into_response();
    resp.headers_mut().insert(header::ETAG, etag(version));
    if let Some(loc) = location.and_then(|l| HeaderValue::from_str(&l).ok()) {
        resp.headers_mut().insert(header::LOCATION, loc);
    }
    resp
}

#[utoipa::path(get, path = "/groups", tag = "coordination",
    summary = "Working groups your agency is a member of",
    responses((status = 200, description = "Groups, by name", body = GroupList),
        (status = 401, response = P401)))]
async fn list_groups(State(st): State<AppState>, a: Authed) -> ApiResult<Json<GroupList>> {
    let codes = agency_codes(&st).await?;
    let mut groups = Vec::new();
    for g in st.app.groups_for(&a.actor).await? {
        groups.push(group_view(&st, &g, &codes).await?);
    }
    Ok(Json(GroupList { groups }))
}

#[utoipa::path(post, path = "/groups", tag = "coordination",
    summary = "Form a working group (Pokja, Satgas, Tim Terpadu) owned by your agency",
    request_body = NewGroupBody,
    responses((status = 201, description = "The group, with an ETag", body = GroupView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 422, response = P422)))]
async fn create_group(
    State(st): State<AppState>,
    a: Authed,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    if !a.actor.may(sinergi_core::permission::Action::ManageGroups) {
        return Err(ApiError(AppError::Forbidden(
            "only coordinators and administrators form working groups".into(),
        )));
    }
    let body = NewGroupBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let g = st.app.create_group(&a.actor, &body).await?;
    let view = group_view(&st, &g, &agency_codes(&st).await?).await?;
    Ok(tagged(
        StatusCode::CREATED,
        view,
        g.version,
        Some(format!("/api/v1/groups/{}", g.id)),
    ))
}

#[utoipa::path(get, path = "/groups/{id}", tag = "coordination",
    summary = "A working group with its members and people",
    params(("id" = String, Path, description = "The group's UUID")),
    responses((status = 200, description = "The group, with an ETag", body = GroupView),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn get_group(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let g = st.app.group_for(&a.actor, group_id(&id)?).await?;
    let view = group_view(&st, &g, &agency_codes(&st).await?).await?;
    Ok(tagged(StatusCode::OK, view, g.version, None))
}

#[utoipa::path(patch, path = "/groups/{id}", tag = "coordination",
    summary = "Change a working group (its members, people, period …)",
    params(("id" = String, Path, description = "The group's UUID"),
        ("If-Match" = Option<String>, Header, description = "The ETag from GET; a stale one is refused")),
    request_body = GroupPatchBody,
    responses((status = 200, description = "The changed group", body = GroupView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 412, response = P412),
        (status = 422, response = P422)))]
async fn patch_group(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let id = group_id(&id)?;
    let body = GroupPatchBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let g = st
        .app
        .update_group(&a.actor, id, if_match(&headers), &body)
        .await?;
    let view = group_view(&st, &g, &agency_codes(&st).await?).await?;
    Ok(tagged(StatusCode::OK, view, g.version, None))
}

#[utoipa::path(get, path = "/groups/{id}/meetings", tag = "coordination",
    summary = "A group's meetings, the earliest first",
    params(("id" = String, Path, description = "The group's UUID")),
    responses((status = 200, description = "The meetings", body = MeetingList),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn list_meetings(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<MeetingList>> {
    let meetings = st.app.meetings_of(&a.actor, group_id(&id)?).await?;
    let codes = agency_codes(&st).await?;
    Ok(Json(MeetingList {
        meetings: meetings.iter().map(|m| meeting_view(m, &codes)).collect(),
    }))
}

#[utoipa::path(post, path = "/groups/{id}/meetings", tag = "coordination",
    summary = "Record a meeting of the group; the open items of its earlier meetings are carried into it",
    params(("id" = String, Path, description = "The group's UUID")),
    request_body = NewMeetingBody,
    responses((status = 201, description = "The meeting, with an ETag", body = MeetingView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 422, response = P422)))]
async fn create_meeting(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let id = group_id(&id)?;
    let body = NewMeetingBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let m = st.app.create_meeting(&a.actor, id, &body).await?;
    Ok(tagged(
        StatusCode::CREATED,
        meeting_view(&m, &agency_codes(&st).await?),
        m.version,
        Some(format!("/api/v1/meetings/{}", m.id)),
    ))
}

#[utoipa::path(get, path = "/groups/{id}/overdue", tag = "coordination",
    summary = "A group's overdue action items, by the agency that owes them",
    params(("id" = String, Path, description = "The group's UUID")),
    responses((status = 200, description = "Open items due before today, by agency", body = OverdueList),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn group_overdue(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<OverdueList>> {
    let overdue = st.app.overdue_by_agency(&a.actor, group_id(&id)?).await?;
    let codes = agency_codes(&st).await?;
    Ok(Json(OverdueList {
        agencies: overdue
            .iter()
            .map(|o| OverdueAgencyView {
                agency: codes.get(&o.agency_id).cloned(),
                items: o.items.iter().map(|i| item_view(i, &codes)).collect(),
            })
            .collect(),
    }))
}

#[utoipa::path(get, path = "/meetings/{id}", tag = "coordination",
    summary = "A meeting with its agenda, attendance, minutes and decisions",
    params(("id" = String, Path, description = "The meeting's UUID")),
    responses((status = 200, description = "The meeting, with an ETag", body = MeetingView),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn get_meeting(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let (m, _) = st.app.meeting_for(&a.actor, meeting_id(&id)?).await?;
    Ok(tagged(
        StatusCode::OK,
        meeting_view(&m, &agency_codes(&st).await?),
        m.version,
        None,
    ))
}

#[utoipa::path(patch, path = "/meetings/{id}", tag = "coordination",
    summary = "Record a meeting's attendance, minutes and decisions (or change its time, place, agenda)",
    params(("id" = String, Path, description = "The meeting's UUID"),
        ("If-Match" = Option<String>, Header, description = "The ETag from GET; a stale one is refused")),
    request_body = MeetingPatchBody,
    responses((status = 200, description = "The changed meeting", body = MeetingView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 412, response = P412),
        (status = 422, response = P422)))]
async fn patch_meeting(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let id = meeting_id(&id)?;
    let body = MeetingPatchBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let m = st
        .app
        .update_meeting(&a.actor, id, if_match(&headers), &body)
        .await?;
    Ok(tagged(
        StatusCode::OK,
        meeting_view(&m, &agency_codes(&st).await?),
        m.version,
        None,
    ))
}

#[utoipa::path(get, path = "/meetings/{id}/action-items", tag = "coordination",
    summary = "A meeting's action items, and the open items carried into it from earlier meetings",
    params(("id" = String, Path, description = "The meeting's UUID")),
    responses((status = 200, description = "The items", body = ActionItemList),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn list_action_items(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<ActionItemList>> {
    let items = st.app.meeting_items(&a.actor, meeting_id(&id)?).await?;
    let codes = agency_codes(&st).await?;
    Ok(Json(ActionItemList {
        action_items: items.own.iter().map(|i| item_view(i, &codes)).collect(),
        carried_items: items.carried.iter().map(|i| item_view(i, &codes)).collect(),
    }))
}

#[utoipa::path(post, path = "/meetings/{id}/action-items", tag = "coordination",
    summary = "Set an action item: owed by a member agency, due on or after the meeting's date",
    params(("id" = String, Path, description = "The meeting's UUID")),
    request_body = NewActionItemBody,
    responses((status = 201, description = "The item, with an ETag", body = ActionItemView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 422, response = P422)))]
async fn create_action_item(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let id = meeting_id(&id)?;
    let body = NewActionItemBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let item = st.app.create_action_item(&a.actor, id, &body).await?;
    Ok(tagged(
        StatusCode::CREATED,
        item_view(&item, &agency_codes(&st).await?),
        item.version,
        Some(format!("/api/v1/action-items/{}", item.id)),
    ))
}

#[utoipa::path(get, path = "/action-items/{id}", tag = "coordination",
    summary = "An action item",
    params(("id" = String, Path, description = "The item's UUID")),
    responses((status = 200, description = "The item, with an ETag", body = ActionItemView),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn get_action_item(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let (item, _) = st.app.action_item_for(&a.actor, action_item_id(&id)?).await?;
    Ok(tagged(
        StatusCode::OK,
        item_view(&item, &agency_codes(&st).await?),
        item.version,
        None,
    ))
}

#[utoipa::path(patch, path = "/action-items/{id}", tag = "coordination",
    summary = "Change an action item's status (open, done, dropped), evidence or links",
    params(("id" = String, Path, description = "The item's UUID"),
        ("If-Match" = Option<String>, Header, description = "The ETag from GET; a stale one is refused")),
    request_body = ActionItemPatchBody,
    responses((status = 200, description = "The changed item", body = ActionItemView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 412, response = P412),
        (status = 422, response = P422)))]
async fn patch_action_item(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let id = action_item_id(&id)?;
    let body = ActionItemPatchBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let item = st
        .app
        .update_action_item(&a.actor, id, if_match(&headers), &body)
        .await?;
    Ok(tagged(
        StatusCode::OK,
        item_view(&item, &agency_codes(&st).await?),
        item.version,
        None,
    ))
}

/// The language of a printable document.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct LangQuery {
    /// `id` (the default) or `en`.
    pub lang: Option<String>,
}

fn pdf_lang(q: Result<Query<LangQuery>, QueryRejection>) -> ApiResult<crate::i18n::Lang> {
    match q.ok().and_then(|Query(q)| q.lang).as_deref() {
        None | Some("id") => Ok(crate::i18n::Lang::Id),
        Some("en") => Ok(crate::i18n::Lang::En),
        Some(_) => Err(ApiError(AppError::field("lang", "must be id or en"))),
    }
}

/// Every agency by id.
pub(crate) async fn agencies_by_id(
    st: &AppState,
) -> ApiResult<HashMap<AgencyId, sinergi_core::agency::Agency>> {
    Ok(st
        .app
        .agencies()
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect())
}

/// The minutes of a meeting the actor sees, as PDF bytes.
pub(crate) async fn minutes_bytes(
    st: &AppState,
    actor: &sinergi_core::access::Actor,
    id: MeetingId,
    lang: crate::i18n::Lang,
) -> Result<Vec<u8>, AppError> {
    let (m, g) = st.app.meeting_for(actor, id).await?;
    let items = st.app.meeting_items(actor, id).await?;
    let all = agencies_by_id(st).await.map_err(|e| e.0)?;
    Ok(super::pdf::minutes_pdf(
        &g,
        &m,
        &items.own,
        &items.carried,
        &all,
        lang,
    ))
}

/// The attendance list of a meeting the actor sees, as PDF bytes.
pub(crate) async fn attendance_bytes(
    st: &AppState,
    actor: &sinergi_core::access::Actor,
    id: MeetingId,
    lang: crate::i18n::Lang,
) -> Result<Vec<u8>, AppError> {
    let (m, g) = st.app.meeting_for(actor, id).await?;
    let all = agencies_by_id(st).await.map_err(|e| e.0)?;
    Ok(super::pdf::attendance_pdf(&g, &m, &all, lang))
}

#[utoipa::path(get, path = "/meetings/{id}/minutes.pdf", tag = "coordination",
    summary = "The meeting's minutes as a printable PDF (A4)",
    params(("id" = String, Path, description = "The meeting's UUID"), LangQuery),
    responses((status = 200, description = "The PDF", content_type = "application/pdf", body = [u8]),
        (status = 401, response = P401), (status = 404, response = P404),
        (status = 422, response = P422)))]
async fn minutes_pdf(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    q: Result<Query<LangQuery>, QueryRejection>,
) -> ApiResult<Response> {
    let id = meeting_id(&id)?;
    let lang = pdf_lang(q)?;
    let bytes = minutes_bytes(&st, &a.actor, id, lang).await?;
    Ok(file_response(
        bytes,
        "application/pdf",
        &format!("notulen-{id}.pdf"),
        "inline",
    ))
}

#[utoipa::path(get, path = "/meetings/{id}/attendance.pdf", tag = "coordination",
    summary = "The attendance list to sign (daftar hadir) as a printable PDF (A4)",
    params(("id" = String, Path, description = "The meeting's UUID"), LangQuery),
    responses((status = 200, description = "The PDF", content_type = "application/pdf", body = [u8]),
        (status = 401, response = P401), (status = 404, response = P404),
        (status = 422, response = P422)))]
async fn attendance_pdf(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    q: Result<Query<LangQuery>, QueryRejection>,
) -> ApiResult<Response> {
    let id = meeting_id(&id)?;
    let lang = pdf_lang(q)?;
    let bytes = attendance_bytes(&st, &a.actor, id, lang).await?;
    Ok(file_response(
        bytes,
        "application/pdf",
        &format!("daftar-hadir-{id}.pdf"),
        "inline",
    ))
}

#[utoipa::path(get, path = "/me/calendar.ics", tag = "coordination",
    summary = "Your calendar (iCalendar, RFC 5545): the meetings of your agency's groups and the due dates of the open items it owes",
    params(LangQuery),
    responses((status = 200, description = "The calendar", content_type = "text/calendar", body = String),
        (status = 401, response = P401), (status = 422, response = P422)))]
async fn my_calendar(
    State(st): State<AppState>,
    a: Authed,
    q: Result<Query<LangQuery>, QueryRejection>,
) -> ApiResult<Response> {
    let lang = pdf_lang(q)?;
    let entries = st.app.calendar_for(&a.actor).await?;
    let codes = agency_codes(&st).await?;
    Ok(super::calendar::ics_response(super::calendar::ics(
        &entries,
        &codes,
        lang,
        st.app.now(),
    )))
}
