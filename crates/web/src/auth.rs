//! Who is calling: a bearer token (`Authorization: Bearer …`) or the browser session
//! cookie. A cookie-authenticated request that changes something must also carry the
//! session's CSRF token (form field `_csrf` for forms, header `X-CSRF-Token` for scripts),
//! so another site cannot act with the user's cookie.

use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::request::Parts;
use axum::http::{header, Method};
use sinergi_app::AppError;
use sinergi_app::SessionRow;
use sinergi_core::access::Actor;
use sinergi_core::user::User;

use crate::problem::ApiError;
use crate::AppState;

pub const SESSION_COOKIE: &str = "sinergi_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Authed {
    pub user: User,
    pub actor: Actor,
    pub session: SessionRow,
    /// The raw token presented, needed to sign out.
    pub token: String,
    pub via_cookie: bool,
}

pub fn cookie(parts: &Parts, name: &str) -> Option<String> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

fn bearer(parts: &Parts) -> Option<String> {
    let v = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
}

/// Resolves the caller without the CSRF check (the UI checks its form field itself).
pub async fn resolve(parts: &Parts, state: &AppState) -> Result<Authed, AppError> {
    let (token, via_cookie) = match bearer(parts) {
        Some(t) => (t, false),
        None => (
            cookie(parts, SESSION_COOKIE).ok_or(AppError::Unauthenticated)?,
            true,
        ),
    };
    let (user, actor, session) = state.app.authenticate(&token).await?;
    Ok(Authed {
        user,
        actor,
        session,
        token,
        via_cookie,
    })
}

/// Resolves the browser session of a web page. Pages take the session cookie only, and
/// only a browser session: an API token (which may be read-only) never reaches a page, so
/// it can neither read a form's CSRF token nor post one.
pub async fn resolve_browser(parts: &Parts, state: &AppState) -> Result<Authed, AppError> {
    let token = cookie(parts, SESSION_COOKIE).ok_or(AppError::Unauthenticated)?;
    let (user, actor, session) = state.app.authenticate(&token).await?;
    if session.kind != "browser" {
        return Err(AppError::Unauthenticated);
    }
    Ok(Authed {
        user,
        actor,
        session,
        token,
        via_cookie: true,
    })
}

impl FromRequestParts<AppState> for Authed {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let authed = resolve(parts, state).await?;
        let must_change = authed.user.must_change_password;
        let must_enrol = state.app.must_enrol(&authed.user);
        if must_change || must_enrol {
            let path = parts
                .extensions
                .get::<OriginalUri>()
                .map(|u| u.0.path().to_string())
                .unwrap_or_else(|| parts.uri.path().to_string());
            let leaving = path == "/api/v1/me" || path == "/api/v1/auth/logout";
            // An administrator-set password is replaced first, then a missing second
            // factor set up.
            if must_change && !leaving && path != "/api/v1/me/password" {
                return Err(ApiError(AppError::PasswordChangeRequired));
            }
            if must_enrol && !leaving && !path.starts_with("/api/v1/me/totp") {
                return Err(ApiError(AppError::SecondFactorEnrolmentRequired));
            }
        }
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if authed.session.kind == "api_read" && !safe {
            return Err(ApiError(AppError::Forbidden(
                "this token may only read".into(),
            )));
        }
        if authed.via_cookie && !safe {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !constant_time_eq(sent.as_bytes(), authed.session.csrf.as_bytes()) {
                return Err(ApiError(AppError::Forbidden(
                    "missing or wrong CSRF token".into(),
                )));
            }
        }
        Ok(authed)
    }
}

/// The client's address, for sign-in rate limits: the connection's peer, or behind a
/// trusted proxy (`trust_forwarded_for`) the last `X-Forwarded-For` entry. `None` when the
/// server was started without connection info.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub Option<std::net::IpAddr>);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if state.app.config.trust_forwarded_for {
            let forwarded = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .filter_map(|a| a.trim().parse().ok())
                .next_back();
            if forwarded.is_some() {
                return Ok(ClientAddr(forwarded));
            }
        }
        Ok(ClientAddr(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0.ip()),
        ))
    }
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
