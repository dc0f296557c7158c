//! Agency and user administration pages, for agency and system administrators. The pages
//! only offer what the policy would allow (the parents and agencies the admin
//! administers, the roles they may grant); the app checks every change again.
//!
//! These handlers must never act without a valid `_csrf` field, never echo a password
//! back into a form, and never list users outside the admin's agencies.

use std::collections::{BTreeMap, HashMap};

use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{context, Value};
use sinergi_app::AppError;
use sinergi_core::access;
use sinergi_core::agency::{Agency, AgencyKind, NewAgency};
use sinergi_core::ids::AgencyId;
use sinergi_core::user::Role;
use sinergi_core::ValidationErrors;

use crate::i18n::{core_message, k, tr, Lang};
use crate::ui::render::{page_ctx, render};
use crate::ui::{bad_form, kind_label, role_label, FormData, Page, UNPROCESSABLE};
use crate::AppState;

fn forbidden() -> AppError {
    AppError::Forbidden("administrators only".into())
}

/// Validation errors as (by field, summary) for the admin forms.
fn split_errors(
    lang: Lang,
    v: &ValidationErrors,
    label: impl Fn(&str) -> String,
) -> (BTreeMap<String, Vec<String>>, Vec<String>) {
    let mut by_field: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut summary = Vec::new();
    for e in &v.errors {
        // `jurisdiction[2]` belongs to the one jurisdiction input.
        let field = e.field.split('[').next().unwrap_or(&e.field).to_string();
        let msg = core_message(lang, &e.message);
        summary.push(format!("{}: {msg}", label(&field)));
        by_field.entry(field).or_default().push(msg);
    }
    (by_field, summary)
}

/// Agencies the actor administers, as select options.
fn administered(page: &Page, all: &[Agency]) -> Vec<Value> {
    let mut list: Vec<&Agency> = all
        .iter()
        .filter(|a| access::can_administer_agency(&page.authed.actor, a.id))
        .collect();
    list.sort_by(|a, b| a.code.cmp(&b.code));
    list.iter()
        .map(|a| context! { code => a.code.as_str(), label => format!("{} — {}", a.code, a.name) })
        .collect()
}

// ---- agencies ----------------------------------------------------------------------------

/// Agencies in tree order (each followed by its children, siblings by code) with depth.
fn tree(all: &[Agency]) -> Vec<(&Agency, usize)> {
    let ids: Vec<AgencyId> = all.iter().map(|a| a.id).collect();
    let mut children: HashMap<Option<AgencyId>, Vec<&Agency>> = HashMap::new();
    for a in all {
        // An agency whose parent is unknown is shown at the top rather than lost.
        let parent = a.parent_id.filter(|p| ids.contains(p));
        children.entry(parent).or_default().push(a);
    }
    for list in children.values_mut() {
        list.sort_by(|a, b| a.code.cmp(&b.code));
    }
    let mut out = Vec::with_capacity(all.len());
    let mut stack: Vec<(&Agency, usize)> = children
        .get(&None)
        .map(|l| l.iter().rev().map(|a| (*a, 0)).collect())
        .unwrap_or_default();
    while let Some((a, depth)) = stack.pop() {
        out.push((a, depth));
        if out.len() > all.len() {
            break;
        }
        if let Some(kids) = children.get(&Some(a.id)) {
            stack.extend(kids.iter().rev().map(|k| (*k, depth + 1)));
        }
    }
    out
}

#[derive(Default, serde::Serialize)]
struct AgencyValues {
    code: String,
    name: String,
    kind: String,
    parent: String,
    jurisdiction: String,
}

async fn agencies_page(
    st: &AppState,
    page: &Page,
    status: StatusCode,
    values: AgencyValues,
    errors: (BTreeMap<String, Vec<String>>, Vec<String>),
    notice: Option<String>,
) -> Response {
    agencies_page_with(st, page, status, values, errors, notice, None).await
}

async fn agencies_page_with(
    st: &AppState,
    page: &Page,
    status: StatusCode,
    values: AgencyValues,
    errors: (BTreeMap<String, Vec<String>>, Vec<String>),
    notice: Option<String>,
    line_error: Option<String>,
) -> Response {
    let lang = page.lang;
    let all = match st.app.agencies().await {
        Ok(a) => a,
        Err(e) => return page.error(e),
    };
    let lines = match st.app.reporting_lines().await {
        Ok(l) => l,
        Err(e) => return page.error(e),
    };
    let g = st.app.gazetteer();
    let rows: Vec<Value> = tree(&all)
        .into_iter()
        .map(|(a, depth)| {
            let jurisdiction: Vec<String> = a
                .jurisdiction
                .iter()
                .map(|c| {
                    g.get(c)
                        .map(|r| format!("{} ({c})", r.name))
                        .unwrap_or_else(|| c.clone())
                })
                .collect();
            context! {
                code => a.code.as_str(),
                name => a.name.as_str(),
                kind_label => kind_label(lang, a.kind),
                depth => depth.min(6),
                jurisdiction => jurisdiction.join(", "),
                reports_to => lines
                    .iter()
                    .find(|(x, _)| *x == a.id)
                    .and_then(|(_, sup)| all.iter().find(|b| b.id == *sup))
                    .map(|b| format!("{} ({})", b.name, b.code)),
            }
        })
        .collect();
    let kinds: Vec<Value> = AgencyKind::ALL
        .iter()
        .map(|k| context! { key => k.as_str(), label => kind_label(lang, *k) })
        .collect();
    render(
        status,
        "admin_instansi.html",
        context! {
            agencies => rows,
            kinds => kinds,
            parents => administered(page, &all),
            everyone => all.iter().map(|a| context! { code => a.code.as_str(), label => format!("{} ({})", a.name, a.code) }).collect::<Vec<_>>(),
            line_error => line_error,
            can_create_top => page.may(sinergi_core::permission::Action::AdministerAgenciesEverywhere),
            v => Value::from_serialize(&values),
            errors => errors.0,
            summary => errors.1,
            notice => notice,
            ..page_ctx(page, "agencies")
        },
    )
}

fn notice_of(
    lang: Lang,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Option<String> {
    let f = FormData(q.map(|Query(v)| v).unwrap_or_default());
    let key = match f.get("pesan")? {
        "instansi" => k!("notice_agency"),
        "atasan" => k!("notice_reporting_line"),
        "pengguna" => k!("notice_user"),
        "aktif" => k!("notice_activated"),
        "nonaktif" => k!("notice_deactivated"),
        "reset-2fa" => k!("notice_2fa_reset"),
        "sandi" => k!("notice_password_reset"),
        _ => return None,
    };
    Some(tr(lang, key))
}

pub(crate) async fn agencies(
    State(st): State<AppState>,
    page: Page,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    if !page.may(sinergi_core::permission::Action::AdministerAgencies) {
        return page.error(forbidden());
    }
    let notice = notice_of(page.lang, q);
    let values = AgencyValues {
        kind: AgencyKind::Police.as_str().into(),
        ..Default::default()
    };
    agencies_page(
        &st,
        &page,
        StatusCode::OK,
        values,
        Default::default(),
        notice,
    )
    .await
}

fn agency_label(lang: Lang, field: &str) -> String {
    let key = match field {
        "code" => k!("agency_code"),
        "name" => k!("agency_name"),
        "kind" => k!("agency_kind"),
        "parent" => k!("parent_agency"),
        "jurisdiction" => k!("jurisdiction_codes"),
        other => return crate::i18n::field_or_other(lang, other),
    };
    tr(lang, key)
}

/// `POST /admin/instansi/atasan`: whom an administered agency reports to (ADR 28); the
/// empty choice lets it report to its parent again.
pub(crate) async fn set_reporting_line(
    State(st): State<AppState>,
    page: Page,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    if !page.may(sinergi_core::permission::Action::AdministerAgencies) {
        return page.error(forbidden());
    }
    let superior = f.text("superior");
    let input = if superior.is_empty() {
        serde_json::json!({"superior": null})
    } else {
        serde_json::json!({"superior": superior})
    };
    let body = <sinergi_core::letter::body::ReportingLineBody as sinergi_core::input::Body>::read(&input)
        .unwrap_or_default();
    match st
        .app
        .set_reporting_line(Some(&page.authed.actor), &f.text("agency"), &body)
        .await
    {
        Ok(_) => Redirect::to("/admin/instansi?pesan=atasan").into_response(),
        Err(AppError::Validation(v)) => {
            let message = v
                .errors
                .first()
                .map(|x| crate::i18n::core_message(page.lang, &x.message))
                .unwrap_or_default();
            let values = AgencyValues {
                kind: AgencyKind::Police.as_str().into(),
                ..Default::default()
            };
            agencies_page_with(
                &st,
                &page,
                UNPROCESSABLE,
                values,
                Default::default(),
                None,
                Some(message),
            )
            .await
        }
        Err(e) => page.error(e),
    }
}

/// `POST /admin/instansi` with code, name, kind, parent and comma-separated region codes.
pub(crate) async fn create_agency(
    State(st): State<AppState>,
    page: Page,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    if !page.may(sinergi_core::permission::Action::AdministerAgencies) {
        return page.error(forbidden());
    }
    let lang = page.lang;
    let values = AgencyValues {
        code: f.text("code").to_uppercase(),
        name: f.text("name"),
        kind: f.text("kind"),
        parent: f.text("parent"),
        jurisdiction: f.text("jurisdiction"),
    };
    let jurisdiction: Vec<String> = values
        .jurisdiction
        .split([',', ' ', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let parent = Some(values.parent.as_str()).filter(|p| !p.is_empty());
    let result = match NewAgency::parse(
        &values.code,
        &values.name,
        &values.kind,
        parent,
        &jurisdiction,
    ) {
        Ok(new) => st.app.create_agency(Some(&page.authed.actor), new).await,
        Err(v) => Err(AppError::Validation(v)),
    };
    match result {
        Ok(_) => Redirect::to("/admin/instansi?pesan=instansi").into_response(),
        Err(AppError::Validation(v)) => {
            let errors = split_errors(lang, &v, |f| agency_label(lang, f));
            agencies_page(&st, &page, UNPROCESSABLE, values, errors, None).await
        }
        Err(AppError::Conflict(m)) => {
            let errors = (
                BTreeMap::new(),
                vec![format!("{}: {m}", tr(lang, k!("err_409_title")))],
            );
            agencies_page(&st, &page, StatusCode::CONFLICT, values, errors, None).await
        }
        Err(e) => page.error(e),
    }
}

// ---- users -------------------------------------------------------------------------------

#[derive(Default, serde::Serialize)]
struct UserValues {
    username: String,
    display_name: String,
    agency: String,
    role: String,
    /// Given back after a refused form, so it need not be typed again (the page is never
    /// cached).
    password: String,
}

struct UsersView {
    status: StatusCode,
    values: UserValues,
    errors: (BTreeMap<String, Vec<String>>, Vec<String>),
    notice: Option<String>,
    action_error: Option<String>,
}

async fn users_page(st: &AppState, page: &Page, view: UsersView) -> Response {
    let lang = page.lang;
    let actor = &page.authed.actor;
    let (users, all) = match (
        st.app.users_visible_to(actor).await,
        st.app.agencies().await,
    ) {
        (Ok(u), Ok(a)) => (u, a),
        (Err(e), _) | (_, Err(e)) => return page.error(e),
    };
    let by_id: HashMap<AgencyId, &Agency> = all.iter().map(|a| (a.id, a)).collect();
    let mut users = users;
    users.sort_by(|a, b| {
        let code = |u: &sinergi_core::user::User| {
            by_id
                .get(&u.agency_id)
                .map(|a| a.code.to_string())
                .unwrap_or_default()
        };
        code(a)
            .cmp(&code(b))
            .then_with(|| a.username.as_str().cmp(b.username.as_str()))
    });
    let rows: Vec<Value> = users
        .iter()
        .map(|u| {
            let agency = by_id.get(&u.agency_id);
            context! {
                username => u.username.as_str(),
                display_name => u.display_name.as_str(),
                agency_code => agency.map(|a| a.code.to_string()).unwrap_or_default(),
                agency_name => agency.map(|a| a.name.clone()).unwrap_or_default(),
                role_label => role_label(lang, u.role),
                active => u.active,
                totp => u.totp_enabled,
                is_self => u.id == page.authed.user.id,
            }
        })
        .collect();
    let roles: Vec<Value> = Role::ALL
        .iter()
        .filter(|r| {
            **r != Role::SystemAdmin || page.may(sinergi_core::permission::Action::GrantSystemAdmin)
        })
        .map(|r| context! { key => r.as_str(), label => role_label(lang, *r) })
        .collect();
    render(
        view.status,
        "admin_pengguna.html",
        context! {
            users => rows,
            agencies => administered(page, &all),
            roles => roles,
            v => Value::from_serialize(&view.values),
            errors => view.errors.0,
            summary => view.errors.1,
            notice => view.notice,
            action_error => view.action_error,
            ..page_ctx(page, "users")
        },
    )
}

fn default_user_values(page: &Page) -> UserValues {
    UserValues {
        agency: page
            .agency
            .as_ref()
            .map(|a| a.code.to_string())
            .unwrap_or_default(),
        role: Role::FieldOfficer.as_str().into(),
        ..Default::default()
    }
}

pub(crate) async fn users(
    State(st): State<AppState>,
    page: Page,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    if !page.may(sinergi_core::permission::Action::AdministerAgencies) {
        return page.error(forbidden());
    }
    let view = UsersView {
        status: StatusCode::OK,
        values: default_user_values(&page),
        errors: Default::default(),
        notice: notice_of(page.lang, q),
        action_error: None,
    };
    users_page(&st, &page, view).await
}

fn user_label(lang: Lang, field: &str) -> String {
    let key = match field {
        "username" => k!("username"),
        "display_name" => k!("display_name"),
        "agency" => k!("agency"),
        "role" => k!("role"),
        "password" => k!("initial_password"),
        other => return crate::i18n::field_or_other(lang, other),
    };
    tr(lang, key)
}

/// `POST /admin/pengguna` with username, display_name, agency, role and password.
pub(crate) async fn create_user(
    State(st): State<AppState>,
    page: Page,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    if !page.may(sinergi_core::permission::Action::AdministerAgencies) {
        return page.error(forbidden());
    }
    let lang = page.lang;
    let values = UserValues {
        username: f.text("username"),
        display_name: f.text("display_name"),
        agency: f.text("agency"),
        role: f.text("role"),
        password: f.get("password").unwrap_or("").to_string(),
    };
    let password = values.password.clone();
    let result = st
        .app
        .create_user(
            Some(&page.authed.actor),
            &values.username,
            &values.display_name,
            &values.agency,
            &values.role,
            &password,
        )
        .await;
    match result {
        Ok(_) => Redirect::to("/admin/pengguna?pesan=pengguna").into_response(),
        Err(AppError::Validation(v)) => {
            let errors = split_errors(lang, &v, |f| user_label(lang, f));
            let view = UsersView {
                status: UNPROCESSABLE,
                values,
                errors,
                notice: None,
                action_error: None,
            };
            users_page(&st, &page, view).await
        }
        Err(e) => page.error(e),
    }
}

/// `POST /admin/pengguna/{username}/aktif` with `aktif=1` or `aktif=0`.
pub(crate) async fn set_active(
    State(st): State<AppState>,
    page: Page,
    Path(username): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    if !page.may(sinergi_core::permission::Action::AdministerAgencies) {
        return page.error(forbidden());
    }
    let active = match f.text("aktif").as_str() {
        "1" => true,
        "0" => false,
        _ => return bad_form(&page),
    };
    match st
        .app
        .set_user_active(Some(&page.authed.actor), &username, active)
        .await
    {
        Ok(_) => {
            let pesan = if active { "aktif" } else { "nonaktif" };
            Redirect::to(&format!("/admin/pengguna?pesan={pesan}")).into_response()
        }
        Err(AppError::Conflict(_)) => {
            let view = UsersView {
                status: StatusCode::CONFLICT,
                values: default_user_values(&page),
                errors: Default::default(),
                notice: None,
                action_error: Some(tr(page.lang, k!("self_deactivate"))),
            };
            users_page(&st, &page, view).await
        }
        Err(e) => page.error(e),
    }
}

/// `POST /admin/pengguna/{username}/reset-2fa`: clears the user's second factor (a lost
/// phone) and ends their sessions; they set it up again at their next sign-in.
pub(crate) async fn reset_second_factor(
    State(st): State<AppState>,
    page: Page,
    Path(username): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    if let Err(resp) = page.checked_form(body) {
        return resp;
    }
    if !page.may(sinergi_core::permission::Action::AdministerAgencies) {
        return page.error(forbidden());
    }
    match st
        .app
        .reset_second_factor(Some(&page.authed.actor), &username)
        .await
    {
        Ok(()) => Redirect::to("/admin/pengguna?pesan=reset-2fa").into_response(),
        Err(AppError::Conflict(_)) => {
            let view = UsersView {
                status: StatusCode::CONFLICT,
                values: default_user_values(&page),
                errors: Default::default(),
                notice: None,
                action_error: Some(tr(page.lang, k!("no_2fa_to_reset"))),
            };
            users_page(&st, &page, view).await
        }
        Err(e) => page.error(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sinergi_core::agency::AgencyCode;
    use uuid::Uuid;

    fn agency(n: u128, code: &str, parent: Option<u128>) -> Agency {
        Agency {
            id: AgencyId(Uuid::from_u128(n)),
            code: AgencyCode::parse(code).expect("code"),
            name: code.to_string(),
            kind: AgencyKind::Police,
            parent_id: parent.map(|p| AgencyId(Uuid::from_u128(p))),
            jurisdiction: vec![],
        }
    }

    #[test]
    fn agencies_are_listed_as_an_indented_tree() {
        let all = vec![
            agency(3, "POLRES-KERINCI", Some(2)),
            agency(1, "BNN", None),
            agency(2, "POLDA-JAMBI", None),
            agency(4, "BNNP-JAMBI", Some(1)),
            agency(5, "ORPHAN", Some(99)),
        ];
        let order: Vec<(String, usize)> = tree(&all)
            .into_iter()
            .map(|(a, d)| (a.code.to_string(), d))
            .collect();
        assert_eq!(
            order,
            [
                ("BNN".to_string(), 0),
                ("BNNP-JAMBI".to_string(), 1),
                ("ORPHAN".to_string(), 0),
                ("POLDA-JAMBI".to_string(), 0),
                ("POLRES-KERINCI".to_string(), 1),
            ]
        );
    }
}
