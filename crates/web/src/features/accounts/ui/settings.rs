//! The system administrator's settings (`/admin/pengaturan`): which roles may use
//! emergency access. Only system administrators see or change them; the app checks again,
//! and a POST without a valid `_csrf` field is refused.

use sinergi_core::agreement::BreakGlassRolesBody;
use sinergi_core::input::Body as _;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{context, Value};
use serde_json::json;
use sinergi_app::agreements::BREAK_GLASS_HOURS;
use sinergi_app::AppError;
use sinergi_core::user::Role;

use crate::i18n::{core_message, k, tr, tr_args};
use crate::ui::render::{page_ctx, render};
use crate::ui::{role_label, FormData, Page, UNPROCESSABLE};
use crate::AppState;

// ---- the setting ---------------------------------------------------------------------

fn only_system_admin() -> AppError {
    AppError::Forbidden("only system administrators change settings".into())
}

fn settings_page(
    page: &Page,
    status: StatusCode,
    checked: &[String],
    errors: Vec<String>,
    notice: Option<String>,
) -> Response {
    let lang = page.lang;
    let roles: Vec<Value> = Role::ALL
        .iter()
        .map(|r| {
            context! {
                key => r.as_str(),
                label => role_label(lang, *r),
                checked => checked.iter().any(|c| c == r.as_str()),
            }
        })
        .collect();
    render(
        status,
        "admin_pengaturan.html",
        context! {
            roles => roles,
            errors => errors,
            notice => notice,
            hint => tr_args(lang, k!("settings_bg_hint"), &[("hours", &BREAK_GLASS_HOURS.to_string())]),
            ..page_ctx(page, "settings")
        },
    )
}

/// `GET /admin/pengaturan`: the roles that may use emergency access.
pub(crate) async fn settings(
    State(st): State<AppState>,
    page: Page,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    if !page.may(sinergi_core::permission::Action::ChangeSettings) {
        return page.error(only_system_admin());
    }
    let f = FormData(q.map(|Query(v)| v).unwrap_or_default());
    let notice = (f.get("pesan") == Some("disimpan")).then(|| tr(page.lang, k!("settings_saved")));
    let roles = match st.app.break_glass_roles().await {
        Ok(r) => r,
        Err(e) => return page.error(e),
    };
    let checked: Vec<String> = roles.iter().map(|r| r.as_str().to_string()).collect();
    settings_page(&page, StatusCode::OK, &checked, Vec::new(), notice)
}

/// `POST /admin/pengaturan` with one `roles` field per checked role.
pub(crate) async fn save_settings(
    State(st): State<AppState>,
    page: Page,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    if !page.may(sinergi_core::permission::Action::ChangeSettings) {
        return page.error(only_system_admin());
    }
    let lang = page.lang;
    let checked: Vec<String> =
        f.0.iter()
            .filter(|(k, _)| k == "roles")
            .map(|(_, v)| v.trim().to_string())
            .collect();
    match st
        .app
        .set_break_glass_roles(
            &page.authed.actor,
            // The form builds an object, which always reads.
            &BreakGlassRolesBody::read(&json!({ "roles": checked })).unwrap_or_default(),
        )
        .await
    {
        Ok(_) => Redirect::to("/admin/pengaturan?pesan=disimpan").into_response(),
        Err(AppError::Validation(v)) => {
            let errors = v
                .errors
                .iter()
                .map(|e| {
                    let value = e
                        .field
                        .strip_prefix("roles[")
                        .and_then(|r| r.strip_suffix(']'))
                        .and_then(|i| i.parse::<usize>().ok())
                        .and_then(|i| checked.get(i))
                        .map(|r| match Role::parse(r) {
                            Some(role) => crate::ui::role_label(lang, role),
                            None => r.clone(),
                        })
                        .unwrap_or_else(|| crate::i18n::field_or_other(lang, &e.field));
                    format!("{value}: {}", core_message(lang, &e.message))
                })
                .collect();
            settings_page(&page, UNPROCESSABLE, &checked, errors, None)
        }
        Err(e) => page.error(e),
    }
}
