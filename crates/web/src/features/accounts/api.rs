//! The accounts API: API tokens and sign-out, the signed-in user, the second factor,
//! passwords, sessions, agencies and users.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use sinergi_app::auth::SessionKind;
use sinergi_app::AppError;
use sinergi_core::agency::{Agency, NewAgency};
use sinergi_core::user::User;
use sinergi_core::ValidationErrors;

use crate::api_common::{from_body, parse_json, route, ApiRoute};
use crate::auth::{Authed, ClientAddr};
use crate::problem::ApiResult;
use crate::AppState;

/// The accounts routes, relative to `/api/v1`.
pub(crate) fn routes() -> Vec<ApiRoute> {
    vec![
        route("/auth/token", post(token)),
        route("/auth/logout", post(logout)),
        route("/me", get(me)),
        route(
            "/me/totp",
            get(totp_status).post(totp_start).delete(totp_disable),
        ),
        route("/me/totp/confirm", post(totp_confirm)),
        route("/me/password", post(change_own_password)),
        route("/users/{username}/totp/reset", post(totp_reset)),
        route("/users/{username}/sessions/revoke", post(revoke_sessions)),
        route("/agencies", get(list_agencies).post(create_agency)),
        route("/users", get(list_users).post(create_user)),
        route("/users/{username}", patch(update_user)),
        route("/users/{username}/password", post(reset_password)),
    ]
}

// ---- auth ------------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenRequest {
    username: String,
    password: String,
    /// The six-digit code from the authenticator app, for accounts with a second factor.
    totp: Option<String>,
    /// `read_write` (default) or `read`.
    scope: Option<String>,
    /// 1 to 30 (the default).
    expires_in_days: Option<i64>,
}

async fn token(
    State(st): State<AppState>,
    ClientAddr(from): ClientAddr,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<Value>> {
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
    Ok(Json(json!({
        "token": issued.token,
        "token_type": "Bearer",
        "scope": if kind == SessionKind::ApiRead { "read" } else { "read_write" },
        "expires_at": issued.expires_at.to_rfc3339(),
    })))
}

async fn logout(State(st): State<AppState>, a: Authed) -> ApiResult<StatusCode> {
    st.app.sign_out(&a.token).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn user_json(u: &User, agency: Option<&Agency>) -> Value {
    json!({
        "id": u.id,
        "username": u.username,
        "display_name": u.display_name,
        "agency": agency.map(|a| a.code.as_str()),
        "role": u.role.as_str(),
        "active": u.active,
        "must_change_password": u.must_change_password,
    })
}

async fn me(State(st): State<AppState>, a: Authed) -> ApiResult<Json<Value>> {
    let agency = st
        .app
        .store
        .agency(a.user.agency_id)
        .await
        .map_err(AppError::from)?;
    let mut v = user_json(&a.user, agency.as_ref());
    v["agency_name"] = json!(agency.map(|a| a.name));
    v["session_expires_at"] = json!(a.session.expires_at.to_rfc3339());
    Ok(Json(v))
}

// ---- agencies and users ----------------------------------------------------------------

pub fn agency_json(a: &Agency, all: &[Agency]) -> Value {
    let parent = a.parent_id.and_then(|p| all.iter().find(|x| x.id == p));
    json!({
        "id": a.id,
        "code": a.code,
        "name": a.name,
        "kind": a.kind.as_str(),
        "parent": parent.map(|p| p.code.as_str()),
        "jurisdiction": a.jurisdiction,
    })
}

async fn list_agencies(State(st): State<AppState>, _a: Authed) -> ApiResult<Json<Value>> {
    let all = st.app.agencies().await?;
    Ok(Json(
        json!({"agencies": all.iter().map(|a| agency_json(a, &all)).collect::<Vec<_>>()}),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AgencyRequest {
    code: String,
    name: String,
    kind: String,
    parent: Option<String>,
    #[serde(default)]
    jurisdiction: Vec<String>,
}

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
    Ok((StatusCode::CREATED, Json(agency_json(&created, &all))).into_response())
}

async fn list_users(State(st): State<AppState>, a: Authed) -> ApiResult<Json<Value>> {
    let users = st.app.users_visible_to(&a.actor).await?;
    let all = st.app.agencies().await?;
    let rows: Vec<Value> = users
        .iter()
        .map(|u| user_json(u, all.iter().find(|x| x.id == u.agency_id)))
        .collect();
    Ok(Json(json!({"users": rows})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UserRequest {
    username: String,
    #[serde(default)]
    display_name: String,
    agency: String,
    role: String,
    password: String,
}

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
    let agency = st
        .app
        .store
        .agency(u.agency_id)
        .await
        .map_err(AppError::from)?;
    Ok((StatusCode::CREATED, Json(user_json(&u, agency.as_ref()))).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UserPatch {
    display_name: Option<String>,
    role: Option<String>,
}

/// Changes a user's display name or role (agency administrators, for their agencies).
async fn update_user(
    State(st): State<AppState>,
    a: Authed,
    Path(username): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<Value>> {
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
    let agency = st
        .app
        .store
        .agency(u.agency_id)
        .await
        .map_err(AppError::from)?;
    Ok(Json(user_json(&u, agency.as_ref())))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PasswordReset {
    password: String,
}

/// Sets a new password for a user who lost theirs; they choose their own at next sign-in.
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PasswordChange {
    current_password: String,
    new_password: String,
}

/// Replaces the caller's own password; every session, this token's too, ends.
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CodeRequest {
    code: String,
}

async fn totp_status(State(st): State<AppState>, a: Authed) -> ApiResult<Json<Value>> {
    Ok(Json(json!(st.app.second_factor(&a.user).await?)))
}

async fn totp_start(State(st): State<AppState>, a: Authed) -> ApiResult<(StatusCode, Json<Value>)> {
    let e = st.app.start_enrolment(&a.user).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"secret": e.secret, "otpauth_uri": e.otpauth_uri})),
    ))
}

async fn totp_confirm(
    State(st): State<AppState>,
    a: Authed,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<Value>> {
    let req: CodeRequest = from_body(parse_json(body)?)?;
    st.app
        .confirm_enrolment(&a.actor, &a.user, &req.code)
        .await?;
    let user = st
        .app
        .store
        .user(a.user.id)
        .await
        .map_err(AppError::from)?
        .ok_or(AppError::NotFound)?;
    Ok(Json(json!(st.app.second_factor(&user).await?)))
}

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
