//! One user's page for an administrator: change the display name and role, and set a new
//! password when the user lost theirs (they choose their own at the next sign-in, and
//! every session of theirs ends). The app decides who may change whom; these handlers
//! must never act on a POST without a valid `_csrf` field.

use std::collections::BTreeMap;

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Serialize;
use sinergi_app::AppError;
use sinergi_core::user::{Role, User};

use crate::i18n::{core_message, k, tr};
use crate::ui::render::{page_ctx, render};
use crate::ui::{role_label, Page, UNPROCESSABLE};
use crate::AppState;

/// What the forms show: the stored values, or what was typed.
#[derive(Debug, Default, Serialize)]
struct Values {
    display_name: String,
    role: String,
    /// Given back after a refused reset, so it need not be typed again; the page is never
    /// cached.
    password: String,
}

struct View {
    status: StatusCode,
    values: Values,
    errors: BTreeMap<String, Vec<String>>,
    notice: Option<String>,
    message: Option<String>,
}

/// The user the administrator may manage, or the error page (404 for one they may not).
async fn managed(st: &AppState, page: &Page, username: &str) -> Result<User, Response> {
    if !page.may(sinergi_core::permission::Action::AdministerAgencies) {
        return Err(page.error(AppError::Forbidden(
            "only administrators manage users".into(),
        )));
    }
    let name = username.trim().to_lowercase();
    match st.app.users_visible_to(&page.authed.actor).await {
        Ok(users) => users
            .into_iter()
            .find(|u| u.username.as_str() == name)
            .ok_or_else(|| page.error(AppError::NotFound)),
        Err(e) => Err(page.error(e)),
    }
}

async fn show(st: &AppState, page: &Page, user: &User, view: View) -> Response {
    let lang = page.lang;
    let agency = match st.app.agency(user.agency_id).await {
        Ok(a) => a
            .map(|a| format!("{} ({})", a.name, a.code))
            .unwrap_or_default(),
        Err(e) => return page.error(e),
    };
    let roles: Vec<minijinja::Value> = Role::ALL
        .iter()
        .filter(|r| {
            **r != Role::SystemAdmin
                || page.may(sinergi_core::permission::Action::GrantSystemAdmin)
                || user.role == **r
        })
        .map(|r| context! { key => r.as_str(), label => role_label(lang, *r) })
        .collect();
    render(
        view.status,
        "admin_pengguna_ubah.html",
        context! {
            user => context! {
                username => user.username.as_str(),
                agency => agency,
                is_self => user.id == page.authed.user.id,
            },
            roles => roles,
            v => minijinja::Value::from_serialize(&view.values),
            errors => view.errors,
            notice => view.notice,
            message => view.message,
            ..page_ctx(page, "users")
        },
    )
}

fn stored(user: &User) -> Values {
    Values {
        display_name: user.display_name.clone(),
        role: user.role.as_str().to_string(),
        password: String::new(),
    }
}

/// `GET /admin/pengguna/{username}`.
pub(crate) async fn edit(
    State(st): State<AppState>,
    page: Page,
    Path(username): Path<String>,
) -> Response {
    let user = match managed(&st, &page, &username).await {
        Ok(u) => u,
        Err(resp) => return resp,
    };
    let view = View {
        status: StatusCode::OK,
        values: stored(&user),
        errors: BTreeMap::new(),
        notice: None,
        message: None,
    };
    show(&st, &page, &user, view).await
}

fn by_field(
    lang: crate::i18n::Lang,
    v: &sinergi_core::ValidationErrors,
) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for e in &v.errors {
        out.entry(e.field.clone())
            .or_default()
            .push(core_message(lang, &e.message));
    }
    out
}

/// `POST /admin/pengguna/{username}` with `display_name` and `role`.
pub(crate) async fn update(
    State(st): State<AppState>,
    page: Page,
    Path(username): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let user = match managed(&st, &page, &username).await {
        Ok(u) => u,
        Err(resp) => return resp,
    };
    let values = Values {
        display_name: f.text("display_name"),
        role: f.text("role"),
        password: String::new(),
    };
    let result = st
        .app
        .update_user(
            Some(&page.authed.actor),
            user.username.as_str(),
            Some(&values.display_name),
            Some(&values.role),
        )
        .await;
    let lang = page.lang;
    let (status, errors, message) = match result {
        Ok(changed) => {
            let view = View {
                status: StatusCode::OK,
                values: stored(&changed),
                errors: BTreeMap::new(),
                notice: Some(tr(lang, k!("notice_user_changed"))),
                message: None,
            };
            return show(&st, &page, &changed, view).await;
        }
        Err(AppError::Validation(v)) => (UNPROCESSABLE, by_field(lang, &v), None),
        Err(AppError::Forbidden(_)) => (
            StatusCode::FORBIDDEN,
            BTreeMap::new(),
            Some(tr(lang, k!("role_not_grantable"))),
        ),
        Err(AppError::Conflict(_)) => (
            StatusCode::CONFLICT,
            BTreeMap::new(),
            Some(tr(lang, k!("own_role_fixed"))),
        ),
        Err(e) => return page.error(e),
    };
    let view = View {
        status,
        values,
        errors,
        notice: None,
        message,
    };
    show(&st, &page, &user, view).await
}

/// `POST /admin/pengguna/{username}/kata-sandi` with `password`.
pub(crate) async fn reset_password(
    State(st): State<AppState>,
    page: Page,
    Path(username): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let user = match managed(&st, &page, &username).await {
        Ok(u) => u,
        Err(resp) => return resp,
    };
    let password = f.get("password").unwrap_or("").to_string();
    match st
        .app
        .reset_password(
            Some(&page.authed.actor),
            user.username.as_str(),
            &password,
            true,
        )
        .await
    {
        Ok(()) => Redirect::to("/admin/pengguna?pesan=sandi").into_response(),
        Err(AppError::Validation(v)) => {
            let view = View {
                status: UNPROCESSABLE,
                values: Values {
                    password,
                    ..stored(&user)
                },
                errors: by_field(page.lang, &v),
                notice: None,
                message: None,
            };
            show(&st, &page, &user, view).await
        }
        Err(e) => page.error(e),
    }
}
