//! Emergency access ("akses darurat", break-glass): the page that explains the rule and
//! asks for a report id and a written justification. The system administrator's setting
//! of which roles may use it is in the accounts pages (`/admin/pengaturan`).
//!
//! The app decides everything: who may break glass, which reports it opens, and the audit
//! entry recorded under the owner agency. These pages only hide the form from roles the
//! app would refuse, show its refusals in words, and must never act on a POST without a
//! valid `_csrf` field.

use sinergi_core::agreement::BreakGlassBody;
use sinergi_core::input::Body as _;
use std::collections::BTreeMap;

use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{context, Value};
use serde::Serialize;
use serde_json::json;
use sinergi_app::agreements::BREAK_GLASS_HOURS;
use sinergi_app::AppError;
use sinergi_core::ids::ReportId;

use crate::api_common::urlencode;
use crate::i18n::{core_message, k, tr, tr_args};
use crate::ui::render::{page_ctx, render};
use crate::ui::{role_label, FormData, Page, UNPROCESSABLE};
use crate::AppState;

/// May the signed-in user use emergency access? The app's setting, used only to choose
/// what to show; a failure to read it shows nothing rather than failing the page.
pub(crate) async fn allowed(st: &AppState, page: &Page) -> bool {
    st.app
        .break_glass_roles()
        .await
        .map(|roles| roles.contains(&page.authed.user.role))
        .unwrap_or(false)
}

/// The 404 page of a report the user cannot see, with a link to ask for emergency access
/// to it when their role may.
pub(crate) async fn report_not_found(st: &AppState, page: &Page, id: ReportId) -> Response {
    let lang = page.lang;
    let link = if allowed(st, page).await {
        Some(context! {
            href => format!("/akses-darurat?laporan={}", urlencode(&id.to_string())),
            text => tr(lang, k!("eg_404_link")),
            hint => tr(lang, k!("eg_404_hint")),
        })
    } else {
        None
    };
    render(
        StatusCode::NOT_FOUND,
        "galat.html",
        context! {
            code => 404,
            heading => tr(lang, k!("err_404_title")),
            message => tr(lang, k!("err_404_text")),
            link => link,
            ..page_ctx(page, "")
        },
    )
}

/// The form as typed.
#[derive(Debug, Clone, Default, Serialize)]
struct Values {
    laporan: String,
    justification: String,
}

/// The form's state: the values, errors by field, a message that belongs to no field,
/// and a link to the report when the user can already see it.
#[derive(Debug, Default)]
struct Entry {
    values: Values,
    errors: BTreeMap<String, Vec<String>>,
    message: Option<String>,
    report_href: Option<String>,
}

fn form_page(page: &Page, status: StatusCode, s: Entry, may: bool) -> Response {
    let lang = page.lang;
    let hours = BREAK_GLASS_HOURS.to_string();
    render(
        status,
        "akses_darurat.html",
        context! {
            intro => tr_args(lang, k!("eg_intro"), &[("hours", &hours)]),
            rules => vec![
                tr_args(lang, k!("eg_rule_one"), &[("hours", &hours)]),
                tr(lang, k!("eg_rule_justification")),
                tr(lang, k!("eg_rule_audit")),
                tr(lang, k!("eg_rule_secret")),
            ],
            may => may,
            role_notice => tr_args(lang, k!("eg_role_not_allowed"), &[("role", &role_label(lang, page.authed.user.role))]),
            v => Value::from_serialize(&s.values),
            errors => s.errors,
            message => s.message,
            report_href => s.report_href,
            ..page_ctx(page, "")
        },
    )
}

/// `GET /akses-darurat?laporan=ID`.
pub(crate) async fn form(
    State(st): State<AppState>,
    page: Page,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let f = FormData(q.map(|Query(v)| v).unwrap_or_default());
    let may = allowed(&st, &page).await;
    let s = Entry {
        values: Values {
            laporan: f.text("laporan"),
            ..Default::default()
        },
        ..Default::default()
    };
    form_page(&page, StatusCode::OK, s, may)
}

/// `POST /akses-darurat` with `laporan` and `justification`: opens the report and goes
/// to it, or shows the form again with the refusal.
pub(crate) async fn open(
    State(st): State<AppState>,
    page: Page,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let lang = page.lang;
    let may = allowed(&st, &page).await;
    let mut s = Entry {
        values: Values {
            laporan: f.text("laporan"),
            justification: f.text("justification"),
        },
        ..Default::default()
    };
    let id = if s.values.laporan.is_empty() {
        s.errors
            .entry("laporan".into())
            .or_default()
            .push(tr(lang, k!("eg_id_required")));
        None
    } else {
        let id = ReportId::parse(&s.values.laporan);
        if id.is_none() {
            s.errors
                .entry("laporan".into())
                .or_default()
                .push(tr(lang, k!("eg_bad_id")));
        }
        id
    };
    let Some(id) = id else {
        // The justification is checked too, so both problems are named at once.
        if s.values.justification.chars().count() < 10 {
            s.errors
                .entry("justification".into())
                .or_default()
                .push(tr(lang, k!("eg_justification_short")));
        }
        return form_page(&page, UNPROCESSABLE, s, may);
    };
    let body = json!({ "justification": s.values.justification });
    match st
        .app
        .break_glass(&page.authed.actor, id, &BreakGlassBody::read(&body).unwrap_or_default())
        .await
    {
        Ok(_) => Redirect::to(&format!("/laporan/{id}")).into_response(),
        Err(AppError::Validation(v)) => {
            for e in &v.errors {
                let msg = if e.field == "justification" {
                    tr(lang, k!("eg_justification_short"))
                } else {
                    core_message(lang, &e.message)
                };
                match e.field.as_str() {
                    f @ ("justification" | "laporan") => {
                        s.errors.entry(f.to_string()).or_default().push(msg);
                    }
                    other => s.message = Some(format!("{other}: {msg}")),
                }
            }
            form_page(&page, UNPROCESSABLE, s, may)
        }
        Err(AppError::Forbidden(_)) => {
            // Only a role the setting leaves out is refused; a secret report answers like a
            // missing one.
            s.message = Some(tr_args(
                lang,
                k!("eg_role_not_allowed"),
                &[("role", &role_label(lang, page.authed.user.role))],
            ));
            form_page(&page, StatusCode::FORBIDDEN, s, may)
        }
        Err(AppError::NotFound) => {
            s.message = Some(tr(lang, k!("eg_not_found")));
            form_page(&page, StatusCode::NOT_FOUND, s, may)
        }
        Err(AppError::Conflict(_)) => {
            s.message = Some(tr(lang, k!("eg_already")));
            s.report_href = Some(format!("/laporan/{id}"));
            form_page(&page, StatusCode::CONFLICT, s, may)
        }
        Err(e) => page.error(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn the_rule_names_the_hours() {
        let text = tr_args(Lang::Id, k!("eg_rule_one"), &[("hours", &"4")]);
        assert!(text.contains('4'));
        assert!(!text.contains("{hours}"));
    }
}
