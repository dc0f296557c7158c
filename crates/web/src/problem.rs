//! The one place application errors become HTTP answers: RFC 9457 problem details
//! (`application/problem+json`) with a stable `code`, the request id, and for validation
//! errors the list of fields. Internal errors are logged with their cause chain under the
//! request id and never shown to the client.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use sinergi_app::AppError;
use sinergi_core::ValidationErrors;

/// An error on its way to an HTTP client.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

impl From<ValidationErrors> for ApiError {
    fn from(e: ValidationErrors) -> Self {
        ApiError(AppError::Validation(e))
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// The stable code, HTTP status and title of each error kind.
pub fn describe(e: &AppError) -> (&'static str, StatusCode, &'static str) {
    match e {
        AppError::Validation(_) => (
            "validation_failed",
            StatusCode::UNPROCESSABLE_ENTITY,
            "The request has invalid fields",
        ),
        AppError::Malformed(_) => (
            "malformed_request",
            StatusCode::BAD_REQUEST,
            "The request could not be read",
        ),
        AppError::Unauthenticated => (
            "unauthenticated",
            StatusCode::UNAUTHORIZED,
            "Sign-in required",
        ),
        AppError::SecondFactorRequired { .. } => (
            "totp_required",
            StatusCode::UNAUTHORIZED,
            "Authenticator code required",
        ),
        AppError::SecondFactorEnrolmentRequired => (
            "totp_enrolment_required",
            StatusCode::FORBIDDEN,
            "Second factor must be set up",
        ),
        AppError::PasswordChangeRequired => (
            "password_change_required",
            StatusCode::FORBIDDEN,
            "Password must be changed",
        ),
        AppError::Forbidden(_) => ("forbidden", StatusCode::FORBIDDEN, "Not allowed"),
        AppError::NotFound => ("not_found", StatusCode::NOT_FOUND, "Not found"),
        AppError::Conflict(_) => ("conflict", StatusCode::CONFLICT, "Conflict"),
        AppError::PreconditionFailed { .. } => (
            "version_mismatch",
            StatusCode::PRECONDITION_FAILED,
            "The record has changed",
        ),
        AppError::PreconditionRequired => (
            "if_match_required",
            StatusCode::PRECONDITION_REQUIRED,
            "If-Match required",
        ),
        AppError::TooManyRequests { .. } => (
            "too_many_attempts",
            StatusCode::TOO_MANY_REQUESTS,
            "Too many attempts",
        ),
        AppError::UnsupportedMediaType(_) => (
            "unsupported_media_type",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Unsupported media type",
        ),
        AppError::PayloadTooLarge(_) => (
            "payload_too_large",
            StatusCode::PAYLOAD_TOO_LARGE,
            "Payload too large",
        ),
        AppError::Unavailable(_) => ("unavailable", StatusCode::SERVICE_UNAVAILABLE, "Try again"),
        AppError::Internal(_) => (
            "internal",
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal error",
        ),
    }
}

pub use crate::observe::{new_request_id, request_id};

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (code, status, title) = describe(&self.0);
        let request_id = request_id();
        let detail = match &self.0 {
            AppError::Internal(source) => {
                let mut chain = source.to_string();
                let mut cur = source.source();
                while let Some(c) = cur {
                    chain.push_str(": ");
                    chain.push_str(&c.to_string());
                    cur = c.source();
                }
                tracing::error!(request_id, error = %chain, "internal error");
                "Something went wrong on the server; quote the request id when reporting it."
                    .to_string()
            }
            AppError::SecondFactorRequired { .. } => {
                "The password is right; send it again with the six-digit code from the \
                 authenticator app in the `totp` field."
                    .to_string()
            }
            AppError::SecondFactorEnrolmentRequired => {
                "System administrators must set up a second factor first: \
                 POST /api/v1/me/totp, then POST /api/v1/me/totp/confirm with a code \
                 (or the page /akun/keamanan)."
                    .to_string()
            }
            AppError::PasswordChangeRequired => {
                "An administrator set this password: choose your own first with \
                 POST /api/v1/me/password (current_password, new_password), or on the page \
                 /akun/kata-sandi."
                    .to_string()
            }
            other => other.to_string(),
        };
        let mut body = json!({
            "type": format!("/problems/{code}"),
            "title": title,
            "status": status.as_u16(),
            "detail": detail,
            "code": code,
            "request_id": request_id,
        });
        if let AppError::Validation(v) | AppError::Malformed(v) = &self.0 {
            body["errors"] = json!(v.errors);
        }
        if let AppError::PreconditionFailed { current } = &self.0 {
            body["current_version"] = json!(current);
        }
        let mut resp = (status, body.to_string()).into_response();
        let h = resp.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Ok(v) = HeaderValue::from_str(&request_id) {
            h.insert("x-request-id", v);
        }
        if matches!(
            self.0,
            AppError::Unauthenticated | AppError::SecondFactorRequired { .. }
        ) {
            h.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"sinergi\""),
            );
        }
        if matches!(self.0, AppError::Unavailable(_)) {
            h.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        if let AppError::TooManyRequests { retry_after_s } = &self.0 {
            if let Ok(v) = HeaderValue::from_str(&retry_after_s.to_string()) {
                h.insert(header::RETRY_AFTER, v);
            }
        }
        resp
    }
}

/// Turns an error answer the framework wrote itself (a path that is not UTF-8, a method
/// the route does not take, a body of the wrong type) into a problem, so that every API
/// error is `application/problem+json`. Answers Sinergi wrote pass unchanged.
pub async fn framework_errors_as_problems(resp: Response) -> Response {
    let status = resp.status();
    let is_problem = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/problem+json"));
    if !(status.is_client_error() || status.is_server_error()) || is_problem {
        return resp;
    }
    let (code, title) = match status {
        StatusCode::NOT_FOUND => return ApiError(AppError::NotFound).into_response(),
        StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "Method not allowed"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("unsupported_media_type", "Unsupported media type"),
        StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "Payload too large"),
        s if s.is_server_error() => ("internal", "Internal error"),
        _ => ("malformed_request", "The request could not be read"),
    };
    let allow = resp.headers().get(header::ALLOW).cloned();
    let detail = match axum::body::to_bytes(resp.into_body(), 4096).await {
        Ok(b) if !b.is_empty() => String::from_utf8_lossy(&b).into_owned(),
        _ => title.to_string(),
    };
    let body = json!({
        "type": format!("/problems/{code}"),
        "title": title,
        "status": status.as_u16(),
        "detail": detail,
        "code": code,
        "request_id": request_id(),
    });
    let mut out = (status, body.to_string()).into_response();
    out.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    if let Some(a) = allow {
        out.headers_mut().insert(header::ALLOW, a);
    }
    out
}
