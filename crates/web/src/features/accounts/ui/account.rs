//! The account security page, for every signed-in user: the second factor (set it up with
//! an authenticator app through a QR code, confirm it with the first code, turn it off
//! with a current code where that is allowed) and signing out everywhere. A system
//! administrator without a second factor is sent here by the `Page` extractor and told
//! why.
//!
//! The app decides everything: whether a code matches, who must keep the second factor.
//! These handlers must never act without a valid `_csrf` field and never show a secret
//! except right after the user asked for a new one (or typed a code for it): once the
//! second factor is on, its secret is never shown again.

use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{context, Value};
use sinergi_app::auth::SecondFactorStatus;
use sinergi_app::AppError;
use sinergi_core::totp::TotpSecret;

use crate::auth::SESSION_COOKIE;
use crate::ui::format::home_zone;
use crate::i18n::{core_message, k, tr, tr_args, Lang};
use crate::ui::render::{page_ctx, render};
use crate::ui::{cookie_attrs, with_cookie};
use crate::ui::{show_time, FormData, Page, UNPROCESSABLE};
use crate::AppState;

/// The issuer name authenticator apps show beside the account.
const ISSUER: &str = "Sinergi";

/// A started set-up as the page shows it.
struct Shown {
    secret: String,
    otpauth_uri: String,
}

/// What the page shows besides the stored state.
#[derive(Default)]
struct View {
    status: Option<StatusCode>,
    notice: Option<String>,
    /// A message about the page as a whole (a refused action).
    message: Option<String>,
    /// The set-up to show: the QR code and the secret to type by hand.
    enrolment: Option<Shown>,
    confirm_error: Option<String>,
    disable_error: Option<String>,
    /// The private calendar address just issued, shown this once.
    calendar_url: Option<String>,
    /// When the user's private calendar address was issued, as shown.
    calendar_since: Option<String>,
    /// The user's e-mail address for reminders (ADR 28), and why a new one was refused.
    email: Option<String>,
    email_error: Option<String>,
    /// The user's devices linked for ODK Collect: (name, linked, revoked), the newest
    /// first.
    devices: Vec<(String, String, Option<String>)>,
}

/// The secret in groups of four characters, as people type it.
fn grouped(secret: &str) -> String {
    secret
        .chars()
        .collect::<Vec<_>>()
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The QR code of `uri` as an inline SVG element (without the XML prolog, which has no
/// place inside HTML). The SVG is made by the `qrcode` crate from fixed markup and path
/// data; no text of the URI appears in it, so it is safe to insert as it is.
pub(crate) fn qr_svg(uri: &str) -> Option<String> {
    let code = qrcode::QrCode::new(uri.as_bytes()).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    let start = svg.find("<svg")?;
    Some(svg[start..].to_string())
}

fn page_view(page: &Page, sf: &SecondFactorStatus, view: View, mail_enabled: bool) -> Response {
    let lang = page.lang;
    let enrolment = view.enrolment.as_ref().map(|e| {
        context! {
            svg => qr_svg(&e.otpauth_uri).map(Value::from_safe_string),
            secret => e.secret.as_str(),
            grouped => grouped(&e.secret),
        }
    });
    let since = sf.enabled_at.map(|t| {
        tr_args(
            lang,
            k!("sec_on_since"),
            &[("time", &show_time(home_zone(page), t))],
        )
    });
    render(
        view.status.unwrap_or(StatusCode::OK),
        "akun_keamanan.html",
        context! {
            sf => context! {
                enabled => sf.enabled,
                pending => sf.pending,
                mandatory => sf.mandatory,
            },
            since => since,
            enrolment => enrolment,
            notice => view.notice,
            message => view.message,
            confirm_error => view.confirm_error,
            disable_error => view.disable_error,
            username => page.authed.user.username.as_str(),
            calendar_url => view.calendar_url,
            calendar_since => view.calendar_since,
            email => view.email,
            email_error => view.email_error,
            mail_enabled => mail_enabled,
            devices => view.devices.iter().map(|(name, linked, revoked)| context! {
                name => name, linked => linked, revoked => revoked,
            }).collect::<Vec<_>>(),
            ..page_ctx(page, "security")
        },
    )
}

/// Renders the page with the user's current second-factor state.
async fn show(st: &AppState, page: &Page, mut view: View) -> Response {
    match st.app.calendar_token_issued(&page.authed.actor).await {
        Ok(t) => {
            view.calendar_since = t.map(|t| show_time(home_zone(page), t));
        }
        Err(e) => return page.error(e),
    }
    match st.app.form_devices(&page.authed.actor).await {
        Ok(list) => {
            let zone = home_zone(page);
            view.devices = list
                .iter()
                .map(|d| {
                    (
                        d.name.clone(),
                        show_time(zone, d.created_at),
                        d.revoked_at.map(|t| show_time(zone, t)),
                    )
                })
                .collect();
        }
        Err(e) => return page.error(e),
    }
    if view.email_error.is_none() {
        match st.app.email_of(page.authed.user.id).await {
            Ok(e) => view.email = e,
            Err(e) => return page.error(e),
        }
    }
    match st.app.second_factor(&page.authed.user).await {
        Ok(sf) => page_view(page, &sf, view, st.app.mail_configured()),
        Err(e) => page.error(e),
    }
}

fn notice_of(lang: Lang, pesan: Option<&str>) -> Option<String> {
    let key = match pesan? {
        "aktif" => k!("sec_notice_on"),
        "mati" => k!("sec_notice_off"),
        "kalender-dicabut" => k!("cal_notice_revoked"),
        "surel" => k!("mail_notice_saved"),
        _ => return None,
    };
    Some(tr(lang, key))
}

/// `GET /akun/keamanan`.
pub(crate) async fn security(
    State(st): State<AppState>,
    page: Page,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let f = FormData(q.map(|Query(v)| v).unwrap_or_default());
    let view = View {
        notice: notice_of(page.lang, f.get("pesan")),
        ..Default::default()
    };
    show(&st, &page, view).await
}

/// `POST /akun/keamanan/mulai`: a new secret (replacing one not yet confirmed), shown
/// at once as a QR code; it is not kept anywhere the page could show it again.
pub(crate) async fn start(
    State(st): State<AppState>,
    page: Page,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    if let Err(resp) = page.checked_form(body) {
        return resp;
    }
    match st.app.start_enrolment(&page.authed.user).await {
        Ok(e) => {
            let view = View {
                enrolment: Some(Shown {
                    secret: e.secret,
                    otpauth_uri: e.otpauth_uri,
                }),
                ..Default::default()
            };
            show(&st, &page, view).await
        }
        Err(AppError::Conflict(_)) => {
            let view = View {
                status: Some(StatusCode::CONFLICT),
                message: Some(tr(page.lang, k!("sec_already_on"))),
                ..Default::default()
            };
            show(&st, &page, view).await
        }
        Err(e) => page.error(e),
    }
}

/// `POST /akun/keamanan/konfirmasi` with `code` (and, from the page that showed the QR
/// code, `secret`, so a mistyped code can be typed again with the same QR code in view).
pub(crate) async fn confirm(
    State(st): State<AppState>,
    page: Page,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let lang = page.lang;
    let code = f.text("code");
    match st
        .app
        .confirm_enrolment(&page.authed.actor, &page.authed.user, &code)
        .await
    {
        Ok(()) => Redirect::to("/akun/keamanan?pesan=aktif").into_response(),
        Err(AppError::Validation(v)) => {
            let msg = v
                .errors
                .iter()
                .map(|e| core_message(lang, &e.message))
                .next()
                .unwrap_or_default();
            // The QR code again, rebuilt from the secret the page itself showed. Only the
            // stored secret is ever checked; a changed field would only show a code that
            // does not work.
            let enrolment = TotpSecret::parse_base32(&f.text("secret"))
                .ok()
                .map(|s| Shown {
                    secret: s.to_base32(),
                    otpauth_uri: s.otpauth_uri(ISSUER, page.authed.user.username.as_str()),
                });
            let view = View {
                status: Some(UNPROCESSABLE),
                enrolment,
                confirm_error: Some(msg),
                ..Default::default()
            };
            show(&st, &page, view).await
        }
        Err(AppError::Conflict(_)) => {
            let view = View {
                status: Some(StatusCode::CONFLICT),
                message: Some(tr(lang, k!("sec_confirm_conflict"))),
                ..Default::default()
            };
            show(&st, &page, view).await
        }
        Err(e) => page.error(e),
    }
}

/// `POST /akun/keamanan/matikan` with a current `code`.
pub(crate) async fn disable(
    State(st): State<AppState>,
    page: Page,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let lang = page.lang;
    let code = f.text("code");
    match st
        .app
        .disable_own_second_factor(&page.authed.actor, &page.authed.user, &code)
        .await
    {
        Ok(()) => Redirect::to("/akun/keamanan?pesan=mati").into_response(),
        Err(AppError::Validation(_)) => {
            let view = View {
                status: Some(UNPROCESSABLE),
                disable_error: Some(tr(lang, k!("sec_code_wrong"))),
                ..Default::default()
            };
            show(&st, &page, view).await
        }
        Err(AppError::Conflict(_)) => {
            let view = View {
                status: Some(StatusCode::CONFLICT),
                message: Some(tr(lang, k!("sec_cannot_disable"))),
                ..Default::default()
            };
            show(&st, &page, view).await
        }
        Err(e) => page.error(e),
    }
}

/// `POST /akun/keamanan/keluar-semua`: ends every session and token of the user,
/// this one too, and returns to the sign-in form.
pub(crate) async fn sign_out_everywhere(
    State(st): State<AppState>,
    page: Page,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    if let Err(resp) = page.checked_form(body) {
        return resp;
    }
    let username = page.authed.user.username.as_str().to_string();
    if let Err(e) = st.app.revoke_sessions(&page.authed.actor, &username).await {
        return page.error(e);
    }
    with_cookie(
        Redirect::to("/masuk?pesan=keluar-semua").into_response(),
        &format!("{SESSION_COOKIE}={}; Max-Age=0", cookie_attrs(&st)),
    )
}

// ---- one's own password ----------------------------------------------------------------

/// The password form's fields with what was typed and the errors by field. What was typed
/// is given back after a refusal, so a long password need not be typed again; the page is
/// never cached.
fn password_page(
    page: &Page,
    status: StatusCode,
    typed: &FormData,
    errors: &[(String, String)],
) -> Response {
    let lang = page.lang;
    let error = |name: &str| {
        errors
            .iter()
            .filter(|(f, _)| f == name)
            .map(|(_, m)| m.clone())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let field = |name: &str,
                 label: &str,
                 autocomplete: &str,
                 hint: Option<String>,
                 minlength: Option<u32>| {
        context! {
            name => name,
            label => tr(lang, label),
            autocomplete => autocomplete,
            value => typed.get(name).unwrap_or(""),
            hint => hint,
            minlength => minlength,
            error => Some(error(name)).filter(|e| !e.is_empty()),
        }
    };
    let fields = vec![
        field(
            "current_password",
            k!("pw_current"),
            "current-password",
            None,
            None,
        ),
        field(
            "new_password",
            k!("pw_new"),
            "new-password",
            Some(tr(lang, k!("pw_rules"))),
            Some(10),
        ),
        field(
            "confirm_password",
            k!("pw_confirm"),
            "new-password",
            None,
            Some(10),
        ),
    ];
    render(
        status,
        "akun_kata_sandi.html",
        context! {
            fields => fields,
            must_change => page.authed.user.must_change_password,
            ..page_ctx(page, "")
        },
    )
}

/// `GET /akun/kata-sandi`.
pub(crate) async fn password_form(page: Page) -> Response {
    password_page(&page, StatusCode::OK, &FormData(Vec::new()), &[])
}

/// `POST /akun/kata-sandi`: every session ends, so the browser signs in again with the new
/// password.
pub(crate) async fn change_password(
    State(st): State<AppState>,
    page: Page,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let lang = page.lang;
    let current = f.get("current_password").unwrap_or("");
    let new = f.get("new_password").unwrap_or("");
    if new != f.get("confirm_password").unwrap_or("") {
        let errors = [("confirm_password".to_string(), tr(lang, k!("pw_mismatch")))];
        return password_page(&page, UNPROCESSABLE, &f, &errors);
    }
    match st
        .app
        .change_own_password(&page.authed.user, current, new)
        .await
    {
        Ok(()) => {
            let resp = Redirect::to("/masuk?pesan=sandi-diganti").into_response();
            with_cookie(
                resp,
                &format!("{SESSION_COOKIE}=; Max-Age=0{}", cookie_attrs(&st)),
            )
        }
        Err(AppError::Validation(v)) => {
            let errors: Vec<(String, String)> = v
                .errors
                .iter()
                .map(|e| (e.field.clone(), core_message(lang, &e.message)))
                .collect();
            password_page(&page, UNPROCESSABLE, &f, &errors)
        }
        Err(e) => page.error(e),
    }
}

/// `POST /akun/kalender`: issues the user's private calendar address (replacing an
/// earlier one, which stops working) and shows it this once; only its hash is kept.
pub(crate) async fn calendar_issue(
    State(st): State<AppState>,
    page: Page,
    headers: axum::http::HeaderMap,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    if let Err(resp) = page.checked_form(body) {
        return resp;
    }
    match st.app.issue_calendar_token(&page.authed.actor).await {
        Ok(token) => {
            let host = headers
                .get(axum::http::header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("localhost");
            let scheme = headers
                .get("x-forwarded-proto")
                .and_then(|h| h.to_str().ok())
                .filter(|p| *p == "https" || *p == "http")
                .unwrap_or("http");
            let view = View {
                notice: Some(tr(page.lang, k!("cal_notice_issued"))),
                calendar_url: Some(format!("{scheme}://{host}/kalender/{token}.ics")),
                ..Default::default()
            };
            show(&st, &page, view).await
        }
        Err(e) => page.error(e),
    }
}

/// `POST /akun/kalender/cabut`: revokes the user's private calendar address.
pub(crate) async fn calendar_revoke(
    State(st): State<AppState>,
    page: Page,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    if let Err(resp) = page.checked_form(body) {
        return resp;
    }
    match st.app.revoke_calendar_token(&page.authed.actor).await {
        Ok(_) => Redirect::to("/akun/keamanan?pesan=kalender-dicabut").into_response(),
        Err(e) => page.error(e),
    }
}

/// `POST /akun/surel`: sets the user's e-mail address for reminders, or removes it when
/// the field is left empty.
pub(crate) async fn set_email(
    State(st): State<AppState>,
    page: Page,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let typed = f.text("surel").trim().to_string();
    let input = if typed.is_empty() {
        serde_json::json!({"email": null})
    } else {
        serde_json::json!({"email": typed})
    };
    let body = <sinergi_core::user::EmailBody as sinergi_core::input::Body>::read(&input)
        .unwrap_or_default();
    match st.app.set_own_email(&page.authed.actor, &body).await {
        Ok(_) => Redirect::to("/akun/keamanan?pesan=surel#surel").into_response(),
        Err(AppError::Validation(e)) => {
            let message = e
                .errors
                .first()
                .map(|x| core_message(page.lang, &x.message))
                .unwrap_or_default();
            let view = View {
                status: Some(UNPROCESSABLE),
                email: Some(typed),
                email_error: Some(format!("{}: {message}", tr(page.lang, k!("mail_address")))),
                ..Default::default()
            };
            show(&st, &page, view).await
        }
        Err(e) => page.error(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_shown_in_groups_of_four() {
        assert_eq!(grouped("ABCDEFGHIJ"), "ABCD EFGH IJ");
        assert_eq!(grouped(""), "");
    }

    #[test]
    fn the_qr_code_is_an_inline_svg_element() {
        let svg = qr_svg("otpauth://totp/Sinergi:ana?secret=JBSWY3DPEHPK3PXP&issuer=Sinergi")
            .expect("svg");
        assert!(svg.starts_with("<svg"));
        assert!(svg.ends_with("</svg>"));
        assert!(!svg.contains("otpauth"));
    }
}
