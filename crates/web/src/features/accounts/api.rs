//! The accounts API: API tokens and sign-out, the signed-in user, the second factor,
//! passwords, sessions, agencies and users.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use sinergi_app::auth::SessionKind;
use sinergi_app::AppError;
use sinergi_core::agency::{Agency, NewAgency};
use sinergi_core::input::Body as _;
use sinergi_core::letter::body::ReportingLineBody;
use sinergi_core::user::{EmailBody, User};
use sinergi_core::ValidationErrors;
use utoipa_axum::routes;

use super::types::{
    AgencyRef, EmailView, ReportingLineView,
    AgencyList, AgencyRequest, AgencyView, CodeRequest, Enrolment, Me, PasswordChange,
    PasswordReset, SecondFactor, TokenRequest, TokenResponse, UserList, UserPatch, UserRequest,
    UserView,
};
use crate::api_common::{from_body, parse_json, route, ApiRoute};
use crate::auth::{Authed, ClientAddr};
use crate::openapi::{P401, P403, P404, P409, P422, P429};
use crate::problem::ApiResult;
use crate::AppState;

/// The accounts routes, relative to `/api/v1`.
pub(crate) fn routes() -> Vec<ApiRoute> {
    vec![
        route(routes!(token)),
        route(routes!(logout)),
        route(routes!(me)),
        route(routes!(totp_status, totp_start, totp_disable)),
        route(routes!(totp_confirm)),
        route(routes!(change_own_password)),
        route(routes!(totp_reset)),
        route(routes!(revoke_sessions)),
        route(routes!(list_agencies, create_agency)),
        route(routes!(list_users, create_user)),
        route(routes!(update_user)),
        route(routes!(reset_password)),
        route(routes!(get_own_email, put_own_email)),
        route(routes!(put_user_email)),
        route(routes!(get_reporting_line, put_reporting_line)),
    ]
}

// ---- auth ------------------------------------------------------------------------------

#[utoipa::path(post, path = "/auth/token", tag = "auth", security(()),
    summary = "Sign in and get an API token",
    request_body = TokenRequest,
    responses((status = 200, description = "A bearer token", body = TokenResponse),
        (status = 401, response = P401), (status = 422, response = P422),
        (status = 429, response = P429)))]
async fn token(
    State(st): State<AppState>,
    ClientAddr(from): ClientAddr,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<TokenResponse>> {
    let v = parse_json(body)?;
    let req: TokenRequest = from_body(v)?;
    let mut errs = ValidationErrors::new();
    let kind = match req.scope.as_deref() {
        None | Some("read_write") => SessionKind::Api,
        Some("read") => SessionKind::ApiRead,
        Some(_) => {
            errs.push("scope", "must be read or read_write");
            SessionKind::Api
        }
    };
    if let Some(d) = req.expires_in_days {
        if !(1..=30).contains(&d) {
            errs.push("expires_in_days", "must be from 1 to 30");
        }
    }
    if !errs.is_empty() {
        return Err(errs.into());
    }
    let issued = st
        .app
        .sign_in_for(
            from,
            &req.username,
            &req.password,
            req.totp.as_deref(),
            kind,
            req.expires_in_days.map(|d| d * 24),
        )
        .await?;
    Ok(Json(TokenResponse {
        token: issued.token,
        token_type: "Bearer".into(),
        scope: if kind == SessionKind::ApiRead {
            "read"
        } else {
            "read_write"
        }
        .into(),
        expires_at: issued.expires_at.to_rfc3339(),
    }))
}

#[utoipa::path(post, path = "/auth/logout", tag = "auth",
    summary = "Revoke the token or session used",
    responses((status = 204, description = "Revoked"), (status = 401, response = P401)))]
async fn logout(State(st): State<AppState>, a: Authed) -> ApiResult<StatusCode> {
    st.app.sign_out(&a.token).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn user_view(u: &User, agency: Option<&Agency>) -> UserView {
    UserView {
        id: u.id.0,
        username: u.username.to_string(),
        display_name: u.display_name.clone(),
        agency: agency.map(|a| a.code.to_string()),
        role: u.role.as_str().to_string(),
        active: u.active,
        must_change_password: u.must_change_password,
    }
}

#[utoipa::path(get, path = "/me", tag = "auth", summary = "The signed-in user",
    responses((status = 200, description = "User", body = Me), (status = 401, response = P401)))]
async fn me(State(st): State<AppState>, a: Authed) -> ApiResult<Json<Me>> {
    let agency = st.app.agency(a.user.agency_id).await?;
    Ok(Json(Me {
        user: user_view(&a.user, agency.as_ref()),
        agency_name: agency.map(|a| a.name),
        session_expires_at: a.session.expires_at.to_rfc3339(),
    }))
}

// ---- agencies and users ----------------------------------------------------------------

pub fn agency_view(a: &Agency, all: &[Agency]) -> AgencyView {
    let parent = a.parent_id.and_then(|p| all.iter().find(|x| x.id == p));
    AgencyView {
        id: a.id.0,
        code: a.code.to_string(),
        name: a.name.clone(),
        kind: a.kind.as_str().to_string(),
        parent: parent.map(|p| p.code.to_string()),
        jurisdiction: a.jurisdiction.clone(),
    }
}

#[utoipa::path(get, path = "/agencies", tag = "agencies", summary = "All agencies",
    responses((status = 200, description = "Agencies", body = AgencyList),
        (status = 401, response = P401)))]
async fn list_agencies(State(st): State<AppState>, _a: Authed) -> ApiResult<Json<AgencyList>> {
    let all = st.app.agencies().await?;
    Ok(Json(AgencyList {
        agencies: all.iter().map(|a| agency_view(a, &all)).collect(),
    }))
}

#[utoipa::path(post, path = "/agencies", tag = "agencies", summary = "Add an agency",
    request_body = AgencyRequest,
    responses((status = 201, description = "The agency", body = AgencyView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 409, response = P409), (status = 422, response = P422)))]
async fn create_agency(
    State(st): State<AppState>,
    a: Authed,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let req: AgencyRequest = from_body(parse_json(body)?)?;
    let new = NewAgency::parse(
        &req.code,
        &req.name,
        &req.kind,
        req.parent.as_deref(),
        &req.jurisdiction,
    )?;
    let created = st.app.create_agency(Some(&a.actor), new).await?;
    let all = st.app.agencies().await?;
    Ok((StatusCode::CREATED, Json(agency_view(&created, &all))).into_response())
}

#[utoipa::path(get, path = "/users", tag = "users", summary = "Users the caller administers",
    responses((status = 200, description = "Users", body = UserList),
        (status = 401, response = P401)))]
async fn list_users(State(st): State<AppState>, a: Authed) -> ApiResult<Json<UserList>> {
    let users = st.app.users_visible_to(&a.actor).await?;
    let all = st.app.agencies().await?;
    let users = users
        .iter()
        .map(|u| user_view(u, all.iter().find(|x| x.id == u.agency_id)))
        .collect();
    Ok(Json(UserList { users }))
}

#[utoipa::path(post, path = "/users", tag = "users", summary = "Add a user",
    request_body = UserRequest,
    responses((status = 201, description = "The user", body = UserView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 409, response = P409), (status = 422, response = P422)))]
async fn create_user(
    State(st): State<AppState>,
    a: Authed,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let req: UserRequest = from_body(parse_json(body)?)?;
    let u = st
        .app
        .create_user(
            Some(&a.actor),
            &req.username,
            &req.display_name,
            &req.agency,
            &req.role,
            &req.password,
        )
        .await?;
    let agency = st.app.agency(u.agency_id).await?;
    Ok((StatusCode::CREATED, Json(user_view(&u, agency.as_ref()))).into_response())
}

/// Changes a user's display name or role (agency administrators, for their agencies).
#[utoipa::path(patch, path = "/users/{username}", tag = "users",
    summary = "Change a user's display name or role",
    params(("username" = String, Path, description = "User name")),
    request_body = UserPatch,
    responses((status = 200, description = "The user", body = UserView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 409, response = P409),
        (status = 422, response = P422)))]
async fn update_user(
    State(st): State<AppState>,
    a: Authed,
    Path(username): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<UserView>> {
    let req: UserPatch = from_body(parse_json(body)?)?;
    let u = st
        .app
        .update_user(
            Some(&a.actor),
            &username,
            req.display_name.as_deref(),
            req.role.as_deref(),
        )
        .await?;
    let agency = st.app.agency(u.agency_id).await?;
    Ok(Json(user_view(&u, agency.as_ref())))
}

/// Sets a new password for a user who lost theirs; they choose their own at next sign-in.
#[utoipa::path(post, path = "/users/{username}/password", tag = "users",
    summary = "Set a new password for a user who lost theirs; they choose their own at the next sign-in, and their sessions end",
    params(("username" = String, Path, description = "User name")),
    request_body = PasswordReset,
    responses((status = 204, description = "Set"),
        (status = 401, response = P401), (status = 404, response = P404),
        (status = 409, response = P409), (status = 422, response = P422)))]
async fn reset_password(
    State(st): State<AppState>,
    a: Authed,
    Path(username): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<StatusCode> {
    let req: PasswordReset = from_body(parse_json(body)?)?;
    st.app
        .reset_password(Some(&a.actor), &username, &req.password, true)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Replaces the caller's own password; every session, this token's too, ends.
#[utoipa::path(post, path = "/me/password", tag = "auth",
    summary = "Replace your own password (every session ends; sign in again)",
    request_body = PasswordChange,
    responses((status = 204, description = "Changed"),
        (status = 401, response = P401), (status = 422, response = P422)))]
async fn change_own_password(
    State(st): State<AppState>,
    a: Authed,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<StatusCode> {
    let req: PasswordChange = from_body(parse_json(body)?)?;
    st.app
        .change_own_password(&a.user, &req.current_password, &req.new_password)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Ends every session and token of a user (`me` for oneself).
#[utoipa::path(post, path = "/users/{username}/sessions/revoke", tag = "auth",
    summary = "End every session and token of a user (`me` for yourself)",
    params(("username" = String, Path, description = "User name, or me")),
    responses((status = 204, description = "Ended"),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn revoke_sessions(
    State(st): State<AppState>,
    a: Authed,
    Path(username): Path<String>,
) -> ApiResult<StatusCode> {
    let name = if username == "me" {
        a.user.username.to_string()
    } else {
        username
    };
    st.app.revoke_sessions(&a.actor, &name).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- second factor ---------------------------------------------------------------------

#[utoipa::path(get, path = "/me/totp", tag = "auth", summary = "Your second-factor state",
    responses((status = 200, description = "enabled, pending, mandatory", body = SecondFactor),
        (status = 401, response = P401)))]
async fn totp_status(State(st): State<AppState>, a: Authed) -> ApiResult<Json<SecondFactor>> {
    Ok(Json(SecondFactor::from(
        st.app.second_factor(&a.user).await?,
    )))
}

#[utoipa::path(post, path = "/me/totp", tag = "auth",
    summary = "Start setting up a second factor: a new secret and otpauth URI",
    responses((status = 201, description = "secret and otpauth_uri", body = Enrolment),
        (status = 401, response = P401), (status = 409, response = P409)))]
async fn totp_start(
    State(st): State<AppState>,
    a: Authed,
) -> ApiResult<(StatusCode, Json<Enrolment>)> {
    let e = st.app.start_enrolment(&a.user).await?;
    Ok((
        StatusCode::CREATED,
        Json(Enrolment {
            secret: e.secret,
            otpauth_uri: e.otpauth_uri,
        }),
    ))
}

#[utoipa::path(post, path = "/me/totp/confirm", tag = "auth",
    summary = "Confirm the second factor with the first code the app shows",
    request_body = CodeRequest,
    responses((status = 200, description = "The second-factor state", body = SecondFactor),
        (status = 401, response = P401), (status = 409, response = P409),
        (status = 422, response = P422)))]
async fn totp_confirm(
    State(st): State<AppState>,
    a: Authed,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<SecondFactor>> {
    let req: CodeRequest = from_body(parse_json(body)?)?;
    st.app
        .confirm_enrolment(&a.actor, &a.user, &req.code)
        .await?;
    let user = st
        .app
        .user_by_id(a.user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(SecondFactor::from(st.app.second_factor(&user).await?)))
}

#[utoipa::path(delete, path = "/me/totp", tag = "auth",
    summary = "Turn off your second factor (not allowed for system admins)",
    request_body = CodeRequest,
    responses((status = 204, description = "Turned off"),
        (status = 401, response = P401), (status = 409, response = P409),
        (status = 422, response = P422)))]
async fn totp_disable(
    State(st): State<AppState>,
    a: Authed,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<StatusCode> {
    let req: CodeRequest = from_body(parse_json(body)?)?;
    st.app
        .disable_own_second_factor(&a.actor, &a.user, &req.code)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/users/{username}/totp/reset", tag = "users",
    summary = "Clear a user's second factor (lost phone) and end their sessions",
    params(("username" = String, Path, description = "User name")),
    responses((status = 204, description = "Cleared"),
        (status = 401, response = P401), (status = 404, response = P404),
        (status = 409, response = P409)))]
async fn totp_reset(
    State(st): State<AppState>,
    a: Authed,
    Path(username): Path<String>,
) -> ApiResult<StatusCode> {
    st.app
        .reset_second_factor(Some(&a.actor), &username)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- e-mail for reminders and reporting lines (ADR 28) -----------------------------------

fn email_view(st: &AppState, email: Option<String>) -> EmailView {
    EmailView {
        email,
        mail_enabled: st.app.mail_configured(),
    }
}

#[utoipa::path(get, path = "/me/email", tag = "auth",
    summary = "Your e-mail address for reminders",
    responses((status = 200, description = "The address", body = EmailView),
        (status = 401, response = P401)))]
async fn get_own_email(State(st): State<AppState>, a: Authed) -> ApiResult<Json<EmailView>> {
    let email = st.app.email_of(a.user.id).await?;
    Ok(Json(email_view(&st, email)))
}

#[utoipa::path(put, path = "/me/email", tag = "auth",
    summary = "Set (or, with null, remove) your e-mail address for reminders",
    request_body = EmailBody,
    responses((status = 200, description = "The address", body = EmailView),
        (status = 401, response = P401), (status = 422, response = P422)))]
async fn put_own_email(
    State(st): State<AppState>,
    a: Authed,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<EmailView>> {
    let body = EmailBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let email = st.app.set_own_email(&a.actor, &body).await?;
    Ok(Json(email_view(&st, email)))
}

#[utoipa::path(put, path = "/users/{username}/email", tag = "users",
    summary = "Set (or, with null, remove) the e-mail address of a user you administer",
    params(("username" = String, Path, description = "User name")),
    request_body = EmailBody,
    responses((status = 200, description = "The address", body = EmailView),
        (status = 401, response = P401), (status = 404, response = P404),
        (status = 422, response = P422)))]
async fn put_user_email(
    State(st): State<AppState>,
    a: Authed,
    Path(username): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<EmailView>> {
    let body = EmailBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let email = st
        .app
        .set_user_email(Some(&a.actor), &username, &body)
        .await?;
    Ok(Json(email_view(&st, email)))
}

pub(crate) async fn reporting_line_view(st: &AppState, agency: &Agency) -> ApiResult<ReportingLineView> {
    let chain = st.app.reporting_chain(agency.id).await?;
    let set_apart_from_parent = chain.first().map(|s| s.id) != agency.parent_id;
    Ok(ReportingLineView {
        agency: agency.code.to_string(),
        chain: chain
            .into_iter()
            .map(|a| AgencyRef {
                code: a.code.to_string(),
                name: a.name,
            })
            .collect(),
        set_apart_from_parent,
    })
}

#[utoipa::path(get, path = "/agencies/{code}/reporting-line", tag = "agencies",
    summary = "Whom an agency reports to: the route a letter follows upward",
    params(("code" = String, Path, description = "The agency's code")),
    responses((status = 200, description = "Its reporting line", body = ReportingLineView),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn get_reporting_line(
    State(st): State<AppState>,
    _a: Authed,
    Path(code): Path<String>,
) -> ApiResult<Json<ReportingLineView>> {
    let agency = st
        .app
        .agencies()
        .await?
        .into_iter()
        .find(|x| x.code.as_str() == code.trim())
        .ok_or(AppError::NotFound)?;
    Ok(Json(reporting_line_view(&st, &agency).await?))
}

#[utoipa::path(put, path = "/agencies/{code}/reporting-line", tag = "agencies",
    summary = "Set whom an agency reports to (its administrators), or null for its parent",
    params(("code" = String, Path, description = "The agency's code")),
    request_body = ReportingLineBody,
    responses((status = 200, description = "Its reporting line", body = ReportingLineView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 422, response = P422)))]
async fn put_reporting_line(
    State(st): State<AppState>,
    a: Authed,
    Path(code): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<ReportingLineView>> {
    let body = ReportingLineBody::read(&parse_json(body)?).map_err(AppError::from)?;
    st.app
        .set_reporting_line(Some(&a.actor), &code, &body)
        .await?;
    let agency = st
        .app
        .agencies()
        .await?
        .into_iter()
        .find(|x| x.code.as_str() == code.trim())
        .ok_or(AppError::NotFound)?;
    Ok(Json(reporting_line_view(&st, &agency).await?))
}
