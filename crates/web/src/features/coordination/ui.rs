//! Coordination pages (ADR 21): the working groups the user's agency is a member of
//! (`/pokja`), a form to form one, a group's page (members and people, meetings, overdue
//! action items by agency, a form to record a meeting) and a meeting's page (agenda,
//! attendance, minutes, decisions, its action items and those carried into it, with
//! forms to add each).
//!
//! The app decides who sees and changes what; every POST checks `_csrf` first. The forms
//! carry the record's version, so a change made against a stale page is refused (412).

use std::collections::HashMap;

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{context, Value};
use serde_json::json;
use sinergi_app::AppError;
use sinergi_core::coordination::{
    ActionItemPatchBody, Group, GroupKind, GroupRole, ItemStatus, Meeting, MeetingPatchBody,
    NewActionItemBody, NewGroupBody, NewMeetingBody,
};
use sinergi_core::ids::AgencyId;
use sinergi_core::input::Body as _;
use sinergi_core::permission::Action;
use sinergi_core::ValidationErrors;

use super::api::{action_item_id, agency_codes, group_id, meeting_id};
use crate::i18n::{core_message, field_or_other, k, tr, Lang};
use crate::ui::format::{home_zone, local_to_rfc3339, normalize_zone, zone_value, ZONES};
use crate::ui::render::{page_ctx, render};
use crate::ui::{FormData, Page, UNPROCESSABLE};
use crate::api_common::file_response;
use crate::AppState;

/// Rows of people the new-group form offers.
const PERSON_ROWS: usize = 6;

pub(crate) fn routes(
    _: &crate::features::Limits,
) -> Vec<(&'static str, axum::routing::MethodRouter<AppState>)> {
    use axum::routing::{get, post};
    vec![
        ("/pokja", get(list)),
        ("/pokja/baru", get(new_form).post(create)),
        ("/pokja/{id}", get(detail)),
        ("/pokja/{id}/rapat", post(create_meeting)),
        ("/rapat/{id}", get(meeting)),
        ("/rapat/{id}/notulen.pdf", get(minutes_pdf)),
        ("/rapat/{id}/daftar-hadir.pdf", get(attendance_pdf)),
        ("/rapat/{id}/hadir", post(add_attendee)),
        ("/rapat/{id}/notulen", post(save_minutes)),
        ("/rapat/{id}/keputusan", post(add_decision)),
        ("/rapat/{id}/tindak-lanjut", post(add_item)),
        ("/tindak-lanjut/{id}/status", post(set_status)),
        ("/kalender/{file}", get(super::calendar::by_token)),
    ]
}

pub(crate) fn back_path(path: &str) -> Option<String> {
    if path == "/pokja/baru" || path.starts_with("/tindak-lanjut/") {
        return Some("/pokja".into());
    }
    for prefix in ["/pokja/", "/rapat/"] {
        if let Some(rest) = path.strip_prefix(prefix) {
            let id = rest.split('/').next()?;
            return rest.contains('/').then(|| format!("{prefix}{id}"));
        }
    }
    None
}

pub(super) fn kind_label(lang: Lang, k: GroupKind) -> String {
    tr(
        lang,
        match k {
            GroupKind::Pokja => k!("co_kind_pokja"),
            GroupKind::Satgas => k!("co_kind_satgas"),
            GroupKind::TimTerpadu => k!("co_kind_tim_terpadu"),
        },
    )
}

fn role_label(lang: Lang, r: GroupRole) -> String {
    tr(
        lang,
        match r {
            GroupRole::Ketua => k!("co_role_ketua"),
            GroupRole::Wakil => k!("co_role_wakil"),
            GroupRole::Sekretaris => k!("co_role_sekretaris"),
            GroupRole::Anggota => k!("co_role_anggota"),
        },
    )
}

fn status_label(lang: Lang, s: ItemStatus) -> String {
    tr(
        lang,
        match s {
            ItemStatus::Open => k!("co_status_open"),
            ItemStatus::Done => k!("co_status_done"),
            ItemStatus::Dropped => k!("co_status_dropped"),
        },
    )
}

/// The name of a field an error names, for this domain's forms.
fn field_label(lang: Lang, field: &str) -> String {
    let base = field.split(['[', '.']).next().unwrap_or(field);
    let key = match base {
        "name" => k!("co_field_name"),
        "kind" => k!("co_field_kind"),
        "legal_basis" => k!("co_field_legal_basis"),
        "agreement" => k!("co_field_agreement"),
        "members" => k!("co_field_members"),
        "people" => k!("co_field_people"),
        "period_from" => k!("co_field_period_from"),
        "period_until" => k!("co_field_period_until"),
        "starts_at" => k!("co_field_starts_at"),
        "region" => k!("co_field_region"),
        "place" => k!("co_field_place"),
        "online_link" => k!("co_field_online_link"),
        "organiser" => k!("co_field_organiser"),
        "invited" => k!("co_field_invited"),
        "agenda" => k!("co_field_agenda"),
        "attendance" => k!("co_field_attendance"),
        "minutes" => k!("co_field_minutes"),
        "decisions" => k!("co_field_decisions"),
        "what" => k!("co_field_what"),
        "agency" => k!("co_field_agency"),
        "person" => k!("co_field_person"),
        "due" => k!("co_field_due"),
        "evidence" => k!("co_field_evidence"),
        "links" => k!("co_field_links"),
        "status" => k!("co_field_status"),
        _ => return field_or_other(lang, field),
    };
    tr(lang, key)
}

/// Messages shown at the top of a page, in the user's language, each with its field.
fn error_lines(lang: Lang, e: &ValidationErrors) -> Vec<String> {
    e.errors
        .iter()
        .map(|e| {
            let msg = core_message(lang, &e.message);
            if e.field.is_empty() {
                msg
            } else {
                format!("{}: {msg}", field_label(lang, &e.field))
            }
        })
        .collect()
}

/// Codes typed one a line or separated by commas or spaces.
fn codes(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Lines of a text area, without the empty ones.
fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn can_manage(page: &Page) -> bool {
    page.may(Action::ManageGroups)
}

fn code_of(codes: &HashMap<AgencyId, String>, id: &AgencyId) -> String {
    codes.get(id).cloned().unwrap_or_else(|| "—".into())
}

fn period(lang: Lang, g: &Group) -> String {
    match g.period_until {
        Some(u) => format!("{} – {}", g.period_from, u),
        None => format!("{} – {}", g.period_from, tr(lang, k!("co_open_ended"))),
    }
}

/// `GET /pokja`.
pub(crate) async fn list(State(st): State<AppState>, page: Page) -> Response {
    let lang = page.lang;
    let groups = match st.app.groups_for(&page.authed.actor).await {
        Ok(g) => g,
        Err(e) => return page.error(e),
    };
    let codes = match agency_codes(&st).await {
        Ok(c) => c,
        Err(e) => return page.error(e.0),
    };
    let rows: Vec<Value> = groups
        .iter()
        .map(|g| {
            context! {
                id => g.id.to_string(),
                name => g.name.as_str(),
                kind => kind_label(lang, g.kind),
                owner => code_of(&codes, &g.owner_agency_id),
                members => g.agencies.len(),
                period => period(lang, g),
            }
        })
        .collect();
    render(
        StatusCode::OK,
        "pokja.html",
        context! {
            groups => rows,
            can_manage => can_manage(&page),
            ..page_ctx(&page, "coordination")
        },
    )
}

/// The values of the new-group form, as typed.
#[derive(Debug, Clone, Default, serde::Serialize)]
struct GroupValues {
    nama: String,
    jenis: String,
    dasar_hukum: String,
    perjanjian: String,
    anggota: String,
    mulai: String,
    sampai: String,
    orang: Vec<PersonValues>,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
struct PersonValues {
    instansi: String,
    pengguna: String,
    nama: String,
    peran: String,
}

fn group_form(page: &Page, status: StatusCode, values: &GroupValues, errors: Vec<String>) -> Response {
    let lang = page.lang;
    render(
        status,
        "pokja_baru.html",
        context! {
            values => Value::from_serialize(values),
            errors => errors,
            kinds => GroupKind::ALL.iter().map(|k| (k.as_str(), kind_label(lang, *k))).collect::<Vec<_>>(),
            roles => GroupRole::ALL.iter().map(|r| (r.as_str(), role_label(lang, *r))).collect::<Vec<_>>(),
            ..page_ctx(page, "coordination")
        },
    )
}

/// `GET /pokja/baru`: the user's agency and the user as ketua are filled in.
pub(crate) async fn new_form(page: Page) -> Response {
    if !can_manage(&page) {
        return page.error(AppError::Forbidden(
            "only coordinators and administrators form working groups".into(),
        ));
    }
    let agency = page
        .agency
        .as_ref()
        .map(|a| a.code.to_string())
        .unwrap_or_default();
    let mut orang = vec![PersonValues::default(); PERSON_ROWS];
    orang[0] = PersonValues {
        instansi: agency,
        pengguna: page.authed.user.username.to_string(),
        nama: page.authed.user.display_name.to_string(),
        peran: "ketua".into(),
    };
    let values = GroupValues {
        jenis: "pokja".into(),
        orang,
        ..Default::default()
    };
    group_form(&page, StatusCode::OK, &values, Vec::new())
}

/// `POST /pokja/baru`.
pub(crate) async fn create(
    State(st): State<AppState>,
    page: Page,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let mut values = GroupValues {
        nama: f.text("nama"),
        jenis: f.text("jenis"),
        dasar_hukum: f.text("dasar_hukum"),
        perjanjian: f.text("perjanjian"),
        anggota: f.text("anggota"),
        mulai: f.text("mulai"),
        sampai: f.text("sampai"),
        orang: Vec::new(),
    };
    let mut people = Vec::new();
    for i in 0..PERSON_ROWS {
        let p = PersonValues {
            instansi: f.text(&format!("orang_{i}_instansi")),
            pengguna: f.text(&format!("orang_{i}_pengguna")),
            nama: f.text(&format!("orang_{i}_nama")),
            peran: f.text(&format!("orang_{i}_peran")),
        };
        if !(p.instansi.is_empty() && p.pengguna.is_empty() && p.nama.is_empty()) {
            let mut o = json!({"agency": p.instansi, "role": p.peran});
            if !p.pengguna.is_empty() {
                o["user"] = json!(p.pengguna);
            }
            if !p.nama.is_empty() {
                o["name"] = json!(p.nama);
            }
            people.push(o);
        }
        values.orang.push(p);
    }
    let mut input = json!({
        "name": values.nama, "kind": values.jenis, "legal_basis": values.dasar_hukum,
        "members": codes(&values.anggota), "people": people, "period_from": values.mulai,
    });
    if !values.sampai.is_empty() {
        input["period_until"] = json!(values.sampai);
    }
    if !values.perjanjian.is_empty() {
        input["agreement"] = json!(values.perjanjian);
    }
    // The form builds an object, which always reads.
    let body = NewGroupBody::read(&input).unwrap_or_default();
    match st.app.create_group(&page.authed.actor, &body).await {
        Ok(g) => Redirect::to(&format!("/pokja/{}", g.id)).into_response(),
        Err(AppError::Validation(e)) => {
            group_form(&page, UNPROCESSABLE, &values, error_lines(page.lang, &e))
        }
        Err(e) => page.error(e),
    }
}

/// The values of the new-meeting form, as typed.
#[derive(Debug, Clone, Default, serde::Serialize)]
struct MeetingValues {
    waktu: String,
    zona: String,
    wilayah: String,
    tempat: String,
    tautan: String,
    penyelenggara: String,
    diundang: String,
    agenda: String,
}

/// `GET /pokja/{id}`.
pub(crate) async fn detail(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    q: Result<axum::extract::Query<Vec<(String, String)>>, axum::extract::rejection::QueryRejection>,
) -> Response {
    // The latest meetings, or with `?rapat=semua` all of them (ADR 26).
    let all = q.is_ok_and(|axum::extract::Query(v)| v.iter().any(|(k, v)| k == "rapat" && v == "semua"));
    let values = MeetingValues {
        zona: zone_value(home_zone(&page)).into(),
        penyelenggara: page
            .agency
            .as_ref()
            .map(|a| a.code.to_string())
            .unwrap_or_default(),
        ..Default::default()
    };
    group_page(&st, &page, &id, StatusCode::OK, &values, Vec::new(), all).await
}

async fn group_page(
    st: &AppState,
    page: &Page,
    id: &str,
    status: StatusCode,
    values: &MeetingValues,
    errors: Vec<String>,
    all_meetings: bool,
) -> Response {
    let lang = page.lang;
    let Ok(id) = group_id(id) else {
        return page.error(AppError::NotFound);
    };
    let actor = &page.authed.actor;
    let g = match st.app.group_for(actor, id).await {
        Ok(g) => g,
        Err(e) => return page.error(e),
    };
    let limit = if all_meetings {
        i64::MAX
    } else {
        sinergi_app::dashboards::PAGE_MEETINGS
    };
    let (meetings, overdue, codes) = match (
        st.app.latest_meetings(actor, id, limit).await,
        st.app.overdue_by_agency(actor, id).await,
        agency_codes(st).await,
    ) {
        (Ok(m), Ok(o), Ok(c)) => (m, o, c),
        (Err(e), _, _) | (_, Err(e), _) => return page.error(e),
        (_, _, Err(e)) => return page.error(e.0),
    };
    let people: Vec<Value> = g
        .people
        .iter()
        .map(|p| {
            context! {
                name => p.name.as_str(),
                agency => code_of(&codes, &p.agency_id),
                role => role_label(lang, p.role),
            }
        })
        .collect();
    let (meetings, meetings_total) = meetings;
    let meeting_rows: Vec<Value> = meetings
        .iter()
        .rev()
        .map(|m| {
            context! {
                id => m.id.to_string(),
                when => m.zone().format(m.starts_at),
                place => m.place.clone().or_else(|| m.online_link.clone()).unwrap_or_default(),
                organiser => code_of(&codes, &m.organiser_agency_id),
                attendance => m.attendance.len(),
            }
        })
        .collect();
    let overdue_rows: Vec<Value> = overdue
        .iter()
        .map(|o| {
            context! {
                agency => code_of(&codes, &o.agency_id),
                count => o.items.len(),
                items => o.items.iter().map(|i| context! {
                    what => i.what.as_str(),
                    due => i.due.to_string(),
                    person => i.person.as_deref().unwrap_or(""),
                    meeting => i.meeting_id.to_string(),
                }).collect::<Vec<_>>(),
            }
        })
        .collect();
    render(
        status,
        "pokja_detail.html",
        context! {
            group => context! {
                id => g.id.to_string(),
                name => g.name.as_str(),
                kind => kind_label(lang, g.kind),
                legal_basis => lines(&g.legal_basis),
                agreement => g.agreement_id.map(|a| a.to_string()),
                owner => code_of(&codes, &g.owner_agency_id),
                period => period(lang, &g),
            },
            members => g.agencies.iter().map(|a| code_of(&codes, a)).collect::<Vec<_>>(),
            people => people,
            meetings_shown => meeting_rows.len(),
            meetings => meeting_rows,
            meetings_total => meetings_total,
            overdue => overdue_rows,
            can_record => g.may_record(actor),
            values => Value::from_serialize(values),
            zones => ZONES.iter().map(|(v, key)| (*v, tr(lang, key))).collect::<Vec<_>>(),
            errors => errors,
            ..page_ctx(page, "coordination")
        },
    )
}

/// `POST /pokja/{id}/rapat`.
pub(crate) async fn create_meeting(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let Ok(gid) = group_id(&id) else {
        return page.error(AppError::NotFound);
    };
    let values = MeetingValues {
        waktu: f.text("waktu"),
        zona: normalize_zone(&f.text("zona")).into(),
        wilayah: f.text("wilayah"),
        tempat: f.text("tempat"),
        tautan: f.text("tautan"),
        penyelenggara: f.text("penyelenggara"),
        diundang: f.text("diundang"),
        agenda: f.text("agenda"),
    };
    let starts = local_to_rfc3339(&values.waktu, &values.zona).unwrap_or_else(|| values.waktu.clone());
    let mut input = json!({
        "starts_at": starts, "place": values.tempat, "online_link": values.tautan,
        "region": values.wilayah, "invited": codes(&values.diundang), "agenda": lines(&values.agenda),
    });
    if !values.penyelenggara.is_empty() {
        input["organiser"] = json!(values.penyelenggara);
    }
    let body = NewMeetingBody::read(&input).unwrap_or_default();
    match st.app.create_meeting(&page.authed.actor, gid, &body).await {
        Ok(m) => Redirect::to(&format!("/rapat/{}", m.id)).into_response(),
        Err(AppError::Validation(e)) => {
            group_page(&st, &page, &id, UNPROCESSABLE, &values, error_lines(page.lang, &e), false).await
        }
        Err(e) => page.error(e),
    }
}

/// `GET /rapat/{id}/notulen.pdf`: the minutes, printable.
pub(crate) async fn minutes_pdf(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = meeting_id(&id) else {
        return page.error(AppError::NotFound);
    };
    match super::api::minutes_bytes(&st, &page.authed.actor, id, page.lang).await {
        Ok(bytes) => file_response(bytes, "application/pdf", &format!("notulen-{id}.pdf"), "inline"),
        Err(e) => page.error(e),
    }
}

/// `GET /rapat/{id}/daftar-hadir.pdf`: the attendance list to sign.
pub(crate) async fn attendance_pdf(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = meeting_id(&id) else {
        return page.error(AppError::NotFound);
    };
    match super::api::attendance_bytes(&st, &page.authed.actor, id, page.lang).await {
        Ok(bytes) => file_response(
            bytes,
            "application/pdf",
            &format!("daftar-hadir-{id}.pdf"),
            "inline",
        ),
        Err(e) => page.error(e),
    }
}

/// `GET /rapat/{id}`.
pub(crate) async fn meeting(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
) -> Response {
    meeting_page(&st, &page, &id, StatusCode::OK, Vec::new()).await
}

async fn meeting_page(
    st: &AppState,
    page: &Page,
    id: &str,
    status: StatusCode,
    errors: Vec<String>,
) -> Response {
    let lang = page.lang;
    let Ok(id) = meeting_id(id) else {
        return page.error(AppError::NotFound);
    };
    let actor = &page.authed.actor;
    let (m, g) = match st.app.meeting_for(actor, id).await {
        Ok(x) => x,
        Err(e) => return page.error(e),
    };
    let (items, codes) = match (st.app.meeting_items(actor, id).await, agency_codes(st).await) {
        (Ok(i), Ok(c)) => (i, c),
        (Err(e), _) => return page.error(e),
        (_, Err(e)) => return page.error(e.0),
    };
    let item_row = |i: &sinergi_core::coordination::ActionItem| {
        context! {
            id => i.id.to_string(),
            what => i.what.as_str(),
            agency => code_of(&codes, &i.agency_id),
            person => i.person.as_deref().unwrap_or(""),
            due => i.due.to_string(),
            status => i.status.as_str(),
            status_label => status_label(lang, i.status),
            evidence => i.evidence.as_deref().unwrap_or(""),
            links => i.links.clone(),
            version => i.version,
            meeting => i.meeting_id.to_string(),
        }
    };
    let own: Vec<Value> = items.own.iter().map(item_row).collect();
    let carried: Vec<Value> = items.carried.iter().map(item_row).collect();
    render(
        status,
        "rapat.html",
        context! {
            meeting => meeting_ctx(&m, &codes),
            group => context! {
                id => g.id.to_string(),
                name => g.name.as_str(),
                kind => kind_label(lang, g.kind),
            },
            members => g.agencies.iter().map(|a| code_of(&codes, a)).collect::<Vec<_>>(),
            items => own,
            carried => carried,
            statuses => ItemStatus::ALL.iter().map(|s| (s.as_str(), status_label(lang, *s))).collect::<Vec<_>>(),
            can_record => g.may_record(actor),
            errors => errors,
            ..page_ctx(page, "coordination")
        },
    )
}

fn meeting_ctx(m: &Meeting, codes: &HashMap<AgencyId, String>) -> Value {
    context! {
        id => m.id.to_string(),
        when => m.zone().format(m.starts_at),
        place => m.place.as_deref().unwrap_or(""),
        online_link => m.online_link.as_deref().unwrap_or(""),
        region => m.region.as_deref().unwrap_or(""),
        organiser => code_of(codes, &m.organiser_agency_id),
        invited => m.invited.iter().map(|a| code_of(codes, a)).collect::<Vec<_>>(),
        agenda => m.agenda.clone(),
        attendance => m.attendance.iter().map(|a| context! {
            name => a.name.as_str(),
            agency => code_of(codes, &a.agency_id),
            position => a.position.as_str(),
        }).collect::<Vec<_>>(),
        minutes => m.minutes.as_deref().unwrap_or(""),
        minutes_lines => lines(m.minutes.as_deref().unwrap_or("")),
        decisions => m.decisions.clone(),
        version => m.version,
    }
}

/// Applies a change built from the current meeting's record to it, with the form's
/// version; answers the meeting's page, with the errors when refused.
async fn change_meeting(
    st: &AppState,
    page: &Page,
    id: &str,
    f: &FormData,
    build: impl FnOnce(&Meeting, &HashMap<AgencyId, String>) -> serde_json::Value,
) -> Response {
    let Ok(mid) = meeting_id(id) else {
        return page.error(AppError::NotFound);
    };
    let (current, _) = match st.app.meeting_for(&page.authed.actor, mid).await {
        Ok(x) => x,
        Err(e) => return page.error(e),
    };
    let codes = match agency_codes(st).await {
        Ok(c) => c,
        Err(e) => return page.error(e.0),
    };
    let version = f.text("versi").parse::<i64>().ok();
    let body = MeetingPatchBody::read(&build(&current, &codes)).unwrap_or_default();
    match st
        .app
        .update_meeting(&page.authed.actor, mid, version, &body)
        .await
    {
        Ok(m) => Redirect::to(&format!("/rapat/{}", m.id)).into_response(),
        Err(AppError::Validation(e)) => {
            meeting_page(st, page, id, UNPROCESSABLE, error_lines(page.lang, &e)).await
        }
        Err(e) => page.error(e),
    }
}

/// The attendance as the API takes it.
fn attendance_json(m: &Meeting, codes: &HashMap<AgencyId, String>) -> Vec<serde_json::Value> {
    m.attendance
        .iter()
        .map(|a| json!({"name": a.name, "agency": code_of(codes, &a.agency_id), "position": a.position}))
        .collect()
}

/// `POST /rapat/{id}/hadir`: adds one person to the attendance list.
pub(crate) async fn add_attendee(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    change_meeting(&st, &page, &id, &f, |m, codes| {
        let mut list = attendance_json(m, codes);
        list.push(json!({"name": f.text("nama"), "agency": f.text("instansi"), "position": f.text("jabatan")}));
        json!({"attendance": list})
    })
    .await
}

/// `POST /rapat/{id}/notulen`: saves the minutes.
pub(crate) async fn save_minutes(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    change_meeting(&st, &page, &id, &f, |_, _| {
        json!({"minutes": f.get("notulen").unwrap_or("").trim()})
    })
    .await
}

/// `POST /rapat/{id}/keputusan`: adds a decision.
pub(crate) async fn add_decision(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    change_meeting(&st, &page, &id, &f, |m, _| {
        let mut list = m.decisions.clone();
        list.push(f.text("keputusan"));
        json!({"decisions": list})
    })
    .await
}

/// `POST /rapat/{id}/tindak-lanjut`: sets an action item.
pub(crate) async fn add_item(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let Ok(mid) = meeting_id(&id) else {
        return page.error(AppError::NotFound);
    };
    let mut input = json!({"what": f.text("apa"), "agency": f.text("instansi"), "due": f.text("tenggat")});
    for (form, key) in [("orang", "person"), ("bukti", "evidence")] {
        let v = f.text(form);
        if !v.is_empty() {
            input[key] = json!(v);
        }
    }
    let body = NewActionItemBody::read(&input).unwrap_or_default();
    match st.app.create_action_item(&page.authed.actor, mid, &body).await {
        Ok(_) => Redirect::to(&format!("/rapat/{mid}")).into_response(),
        Err(AppError::Validation(e)) => {
            meeting_page(&st, &page, &id, UNPROCESSABLE, error_lines(page.lang, &e)).await
        }
        Err(e) => page.error(e),
    }
}

/// `POST /tindak-lanjut/{id}/status`: changes an item's status; back to its meeting.
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
    let Ok(iid) = action_item_id(&id) else {
        return page.error(AppError::NotFound);
    };
    let version = f.text("versi").parse::<i64>().ok();
    let mut input = json!({"status": f.text("status")});
    if f.get("bukti").is_some() {
        input["evidence"] = json!(f.text("bukti"));
    }
    let body = ActionItemPatchBody::read(&input).unwrap_or_default();
    match st
        .app
        .update_action_item(&page.authed.actor, iid, version, &body)
        .await
    {
        Ok(item) => Redirect::to(&format!("/rapat/{}", item.meeting_id)).into_response(),
        Err(AppError::Validation(e)) => match st.app.action_item_for(&page.authed.actor, iid).await {
            Ok((item, _)) => {
                meeting_page(
                    &st,
                    &page,
                    &item.meeting_id.to_string(),
                    UNPROCESSABLE,
                    error_lines(page.lang, &e),
                )
                .await
            }
            Err(e) => page.error(e),
        },
        Err(e) => page.error(e),
    }
}
