//! Signing in and out of the browser UI, and the language switch. A successful sign-in
//! sets the `sinergi_session` cookie (HttpOnly, SameSite=Lax, Secure over HTTPS). For an
//! account with a second factor, the right password sets the short-lived `sinergi_2fa`
//! cookie holding the app's continuation instead, and `/masuk/kode` asks for the code
//! from the authenticator app.
//!
//! This module must never log or echo a password or a code, and never put the session
//! token or the continuation anywhere but their cookies. The sign-in and code forms carry
//! their own pre-session CSRF token (double-submit cookie), so another site cannot sign a
//! visitor in to its account.

use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine as _;
use minijinja::context;
use rand::RngCore;
use sinergi_app::auth::SessionKind;
use sinergi_app::AppError;

use crate::auth::{constant_time_eq, ClientAddr, SESSION_COOKIE};
use crate::i18n::{k, tr, tr_args, Lang};
use crate::ui::render::{anon_ctx, render};
use crate::ui::{cookie, cookie_attrs, lang_of, with_cookie, FormData, Page};
use crate::AppState;

/// The cookie holding the sign-in form's pre-session CSRF token.
const LOGIN_COOKIE: &str = "sinergi_masuk";

/// The cookie holding a password-checked sign-in that waits for its code: the app's
/// continuation, a dot, and the Unix second it expires (to tell "expired" from "wrong").
const SECOND_FACTOR_COOKIE: &str = "sinergi_2fa";

/// How long the continuation lives, as the app keeps it.
const SECOND_FACTOR_SECONDS: i64 = sinergi_app::auth::PENDING_MINUTES * 60;

fn random_token() -> String {
    let mut b = [0u8; 24];
    rand::thread_rng().fill_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

/// Renders the sign-in form with a fresh pre-session token (also set as a cookie).
fn form(
    st: &AppState,
    lang: Lang,
    status: StatusCode,
    username: &str,
    error: Option<String>,
) -> Response {
    form_with_notice(st, lang, status, username, error, None)
}

fn form_with_notice(
    st: &AppState,
    lang: Lang,
    status: StatusCode,
    username: &str,
    error: Option<String>,
    notice: Option<String>,
) -> Response {
    let token = random_token();
    let resp = render(
        status,
        "masuk.html",
        context! {
            login_csrf => token.as_str(),
            username => username,
            error => error,
            notice => notice,
            ..anon_ctx(lang, "/masuk")
        },
    );
    with_cookie(resp, &format!("{LOGIN_COOKIE}={token}{}", cookie_attrs(st)))
}

/// `GET /masuk`, optionally `?pesan=` naming why the visitor is here again. A visitor
/// who is already signed in goes straight home.
pub(crate) async fn sign_in_form(
    State(st): State<AppState>,
    parts: Parts,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    if crate::auth::resolve_browser(&parts, &st).await.is_ok() {
        return Redirect::to("/").into_response();
    }
    let lang = lang_of(&parts.headers);
    let f = FormData(q.map(|Query(v)| v).unwrap_or_default());
    let (error, notice) = match f.get("pesan") {
        Some("kode-kedaluwarsa") => (Some(tr(lang, k!("code_expired"))), None),
        Some("keluar-semua") => (None, Some(tr(lang, k!("signed_out_everywhere")))),
        Some("sandi-diganti") => (None, Some(tr(lang, k!("pw_changed")))),
        _ => (None, None),
    };
    form_with_notice(&st, lang, StatusCode::OK, "", error, notice)
}

/// `POST /masuk` with `username`, `password` and `_csrf`.
pub(crate) async fn sign_in(
    State(st): State<AppState>,
    ClientAddr(from): ClientAddr,
    headers: HeaderMap,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let lang = lang_of(&headers);
    let f = FormData(body.map(|Form(v)| v).unwrap_or_default());
    let username = f.text("username");
    let expected = cookie(&headers, LOGIN_COOKIE).unwrap_or_default();
    let sent = f.get("_csrf").unwrap_or("");
    if expected.is_empty() || !constant_time_eq(sent.as_bytes(), expected.as_bytes()) {
        let msg = tr(lang, k!("login_form_expired"));
        return form(&st, lang, StatusCode::FORBIDDEN, &username, Some(msg));
    }
    let password = f.get("password").unwrap_or("");
    match st
        .app
        .sign_in(from, &username, password, None, SessionKind::Browser)
        .await
    {
        Ok(issued) => {
            let resp = Redirect::to("/").into_response();
            let resp = with_cookie(
                resp,
                &format!("{SESSION_COOKIE}={}{}", issued.token, cookie_attrs(&st)),
            );
            with_cookie(
                resp,
                &format!("{LOGIN_COOKIE}={}; Max-Age=0", cookie_attrs(&st)),
            )
        }
        Err(AppError::SecondFactorRequired { pending }) => {
            let until = st.app.now().timestamp() + SECOND_FACTOR_SECONDS;
            let resp = Redirect::to("/masuk/kode").into_response();
            with_cookie(
                resp,
                &format!(
                    "{SECOND_FACTOR_COOKIE}={pending}.{until}{}; Max-Age={SECOND_FACTOR_SECONDS}",
                    cookie_attrs(&st)
                ),
            )
        }
        Err(AppError::Unauthenticated) => {
            let msg = tr(lang, k!("login_failed"));
            form(&st, lang, StatusCode::UNAUTHORIZED, &username, Some(msg))
        }
        Err(AppError::TooManyRequests { retry_after_s }) => {
            let msg = throttled(lang, retry_after_s);
            let resp = form(
                &st,
                lang,
                StatusCode::TOO_MANY_REQUESTS,
                &username,
                Some(msg),
            );
            with_retry_after(resp, retry_after_s)
        }
        Err(e) => crate::ui::render::error_page(lang, None, "/masuk", e),
    }
}

fn throttled(lang: Lang, retry_after_s: u64) -> String {
    let minutes = retry_after_s.div_ceil(60).max(1);
    tr_args(lang, k!("login_throttled"), &[("n", &minutes.to_string())])
}

fn with_retry_after(mut resp: Response, retry_after_s: u64) -> Response {
    if let Ok(v) = HeaderValue::from_str(&retry_after_s.to_string()) {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    resp
}

/// The waiting sign-in of the `sinergi_2fa` cookie: the continuation, if it has not
/// expired yet.
fn pending_sign_in(st: &AppState, headers: &HeaderMap) -> Option<String> {
    let value = cookie(headers, SECOND_FACTOR_COOKIE)?;
    let (pending, until) = value.rsplit_once('.')?;
    let until: i64 = until.parse().ok()?;
    (!pending.is_empty() && until > st.app.now().timestamp()).then(|| pending.to_string())
}

/// Back to the sign-in form, saying the code was not typed in time; the stale cookie goes.
fn code_expired(st: &AppState) -> Response {
    with_cookie(
        Redirect::to("/masuk?pesan=kode-kedaluwarsa").into_response(),
        &format!("{SECOND_FACTOR_COOKIE}={}; Max-Age=0", cookie_attrs(st)),
    )
}

/// Renders the code form with a fresh pre-session token (also set as a cookie).
fn code_page(st: &AppState, lang: Lang, status: StatusCode, error: Option<String>) -> Response {
    let token = random_token();
    let minutes = sinergi_app::auth::PENDING_MINUTES.to_string();
    let resp = render(
        status,
        "masuk_kode.html",
        context! {
            login_csrf => token.as_str(),
            error => error,
            intro => tr_args(lang, k!("code_intro"), &[("n", &minutes)]),
            ..anon_ctx(lang, "/masuk/kode")
        },
    );
    with_cookie(resp, &format!("{LOGIN_COOKIE}={token}{}", cookie_attrs(st)))
}

/// `GET /masuk/kode`: the second step of signing in to an account with a second factor.
pub(crate) async fn code_form(State(st): State<AppState>, parts: Parts) -> Response {
    if crate::auth::resolve_browser(&parts, &st).await.is_ok() {
        return Redirect::to("/").into_response();
    }
    if pending_sign_in(&st, &parts.headers).is_none() {
        return code_expired(&st);
    }
    code_page(&st, lang_of(&parts.headers), StatusCode::OK, None)
}

/// `POST /masuk/kode` with `code` and `_csrf`: finishes the sign-in the password began.
pub(crate) async fn code_submit(
    State(st): State<AppState>,
    ClientAddr(from): ClientAddr,
    headers: HeaderMap,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let lang = lang_of(&headers);
    let f = FormData(body.map(|Form(v)| v).unwrap_or_default());
    let expected = cookie(&headers, LOGIN_COOKIE).unwrap_or_default();
    let sent = f.get("_csrf").unwrap_or("");
    if expected.is_empty() || !constant_time_eq(sent.as_bytes(), expected.as_bytes()) {
        let msg = tr(lang, k!("login_form_expired"));
        return code_page(&st, lang, StatusCode::FORBIDDEN, Some(msg));
    }
    let Some(pending) = pending_sign_in(&st, &headers) else {
        return code_expired(&st);
    };
    let code: String = f
        .text("code")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        let msg = tr(lang, k!("code_format"));
        return code_page(&st, lang, crate::ui::UNPROCESSABLE, Some(msg));
    }
    match st.app.complete_sign_in(from, &pending, &code).await {
        Ok(issued) => {
            let resp = Redirect::to("/").into_response();
            let resp = with_cookie(
                resp,
                &format!("{SESSION_COOKIE}={}{}", issued.token, cookie_attrs(&st)),
            );
            let resp = with_cookie(
                resp,
                &format!("{SECOND_FACTOR_COOKIE}={}; Max-Age=0", cookie_attrs(&st)),
            );
            with_cookie(
                resp,
                &format!("{LOGIN_COOKIE}={}; Max-Age=0", cookie_attrs(&st)),
            )
        }
        Err(AppError::Unauthenticated) => {
            let msg = tr(lang, k!("code_wrong"));
            code_page(&st, lang, StatusCode::UNAUTHORIZED, Some(msg))
        }
        Err(AppError::TooManyRequests { retry_after_s }) => {
            let msg = throttled(lang, retry_after_s);
            let resp = code_page(&st, lang, StatusCode::TOO_MANY_REQUESTS, Some(msg));
            with_retry_after(resp, retry_after_s)
        }
        Err(e) => crate::ui::render::error_page(lang, None, "/masuk", e),
    }
}

/// `POST /keluar`: ends the session and clears the cookie.
pub(crate) async fn sign_out(
    State(st): State<AppState>,
    page: Page,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = FormData(body.map(|Form(v)| v).unwrap_or_default());
    if !page.csrf_ok(f.get("_csrf")) {
        return crate::ui::render::csrf_page(&page);
    }
    if let Err(e) = st.app.sign_out(&page.authed.token).await {
        return page.error(e);
    }
    with_cookie(
        Redirect::to("/masuk").into_response(),
        &format!("{SESSION_COOKIE}={}; Max-Age=0", cookie_attrs(&st)),
    )
}
