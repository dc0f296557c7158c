//! The one place application errors become HTTP answers: RFC 9457 problem details
//! (`application/problem+json`) with a stable `code`, the request id, and for validation
//! errors the list of fields. Internal errors are logged with their cause chain under the
//! request id and never shown to the client.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use sinergi_app::AppError;
use sinergi_core::ValidationErrors;

use crate::i18n::k;

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

/// One kind of error: its stable `code` (problem+json), HTTP status, English title, and
/// the catalogue keys of the error page's heading and text (none for the kinds the UI
/// answers with a redirect to the page that resolves them).
#[derive(Debug)]
pub struct ErrorKind {
    pub code: &'static str,
    pub status: StatusCode,
    pub title: &'static str,
    pub page: Option<(&'static str, &'static str)>,
}

const fn kind(
    code: &'static str,
    status: StatusCode,
    title: &'static str,
    page: Option<(&'static str, &'static str)>,
) -> ErrorKind {
    ErrorKind {
        code,
        status,
        title,
        page,
    }
}

/// Every error kind: the one table of codes, statuses and messages.
pub const ERRORS: &[ErrorKind] = &[
    kind(
        "validation_failed",
        StatusCode::UNPROCESSABLE_ENTITY,
        "The request has invalid fields",
        Some((k!("err_400_title"), k!("err_400_text"))),
    ),
    kind(
        "malformed_request",
        StatusCode::BAD_REQUEST,
        "The request could not be read",
        Some((k!("err_400_title"), k!("err_400_text"))),
    ),
    kind(
        "unauthenticated",
        StatusCode::UNAUTHORIZED,
        "Sign-in required",
        None,
    ),
    kind(
        "totp_required",
        StatusCode::UNAUTHORIZED,
        "Authenticator code required",
        None,
    ),
    kind(
        "totp_enrolment_required",
        StatusCode::FORBIDDEN,
        "Second factor must be set up",
        None,
    ),
    kind(
        "password_change_required",
        StatusCode::FORBIDDEN,
        "Password must be changed",
        None,
    ),
    kind(
        "forbidden",
        StatusCode::FORBIDDEN,
        "Not allowed",
        Some((k!("err_403_title"), k!("err_403_text"))),
    ),
    kind(
        "not_found",
        StatusCode::NOT_FOUND,
        "Not found",
        Some((k!("err_404_title"), k!("err_404_text"))),
    ),
    kind(
        "conflict",
        StatusCode::CONFLICT,
        "Conflict",
        Some((k!("err_409_title"), k!("err_409_text"))),
    ),
    kind(
        "version_mismatch",
        StatusCode::PRECONDITION_FAILED,
        "The record has changed",
        Some((k!("err_409_title"), k!("stale_report"))),
    ),
    kind(
        "if_match_required",
        StatusCode::PRECONDITION_REQUIRED,
        "If-Match required",
        Some((k!("err_409_title"), k!("stale_report"))),
    ),
    kind(
        "too_many_attempts",
        StatusCode::TOO_MANY_REQUESTS,
        "Too many attempts",
        Some((k!("err_400_title"), k!("err_429_text"))),
    ),
    kind(
        "unsupported_media_type",
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "Unsupported media type",
        Some((k!("err_400_title"), k!("err_415_text"))),
    ),
    kind(
        "payload_too_large",
        StatusCode::PAYLOAD_TOO_LARGE,
        "Payload too large",
        Some((k!("err_400_title"), k!("err_413_text"))),
    ),
    kind(
        "method_not_allowed",
        StatusCode::METHOD_NOT_ALLOWED,
        "Method not allowed",
        Some((k!("err_400_title"), k!("err_400_text"))),
    ),
    kind(
        "unavailable",
        StatusCode::SERVICE_UNAVAILABLE,
        "Try again",
        Some((k!("err_500_title"), k!("err_503_text"))),
    ),
    kind(
        "internal",
        StatusCode::INTERNAL_SERVER_ERROR,
        "Internal error",
        Some((k!("err_500_title"), k!("err_500_text"))),
    ),
];

/// The error kind of `code`, from [`ERRORS`].
pub fn error_kind(code: &str) -> &'static ErrorKind {
    ERRORS
        .iter()
        .find(|k| k.code == code)
        .unwrap_or_else(|| panic!("{code} is not in the table of errors"))
}

/// The kind of an application error.
pub fn describe(e: &AppError) -> &'static ErrorKind {
    error_kind(match e {
        AppError::Validation(_) => "validation_failed",
        AppError::Malformed(_) => "malformed_request",
        AppError::Unauthenticated => "unauthenticated",
        AppError::SecondFactorRequired { .. } => "totp_required",
        AppError::SecondFactorEnrolmentRequired => "totp_enrolment_required",
        AppError::PasswordChangeRequired => "password_change_required",
        AppError::Forbidden(_) => "forbidden",
        AppError::NotFound => "not_found",
        AppError::Conflict(_) => "conflict",
        AppError::PreconditionFailed { .. } => "version_mismatch",
        AppError::PreconditionRequired => "if_match_required",
        AppError::TooManyRequests { .. } => "too_many_attempts",
        AppError::UnsupportedMediaType(_) => "unsupported_media_type",
        AppError::PayloadTooLarge(_) => "payload_too_large",
        AppError::Unavailable(_) => "unavailable",
        AppError::Internal(_) => "internal",
    })
}

use crate::observe::request_id;

/// The problem document of an error, with its status: what an answer carries as its
/// body, and what a batch answer carries for each refused item.
pub fn problem_json(e: &AppError) -> (StatusCode, serde_json::Value) {
    let &ErrorKind {
        code,
        status,
        title,
        ..
    } = describe(e);
    let request_id = request_id();
    let detail = match e {
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
    if let AppError::Validation(v) | AppError::Malformed(v) = e {
        body["errors"] = json!(v.errors);
    }
    if let AppError::PreconditionFailed { current } = e {
        body["current_version"] = json!(current);
    }
    (status, body)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = problem_json(&self.0);
        let request_id = body["request_id"].as_str().unwrap_or_default().to_string();
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
    let ErrorKind { code, title, .. } = error_kind(match status {
        StatusCode::NOT_FOUND => return ApiError(AppError::NotFound).into_response(),
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        s if s.is_server_error() => "internal",
        _ => "malformed_request",
    });
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{has_message, Lang};

    /// Codes are unique, and every message of the table is in both languages.
    #[test]
    fn every_error_code_has_its_messages_in_both_languages() {
        let mut seen = std::collections::HashSet::new();
        for kind in ERRORS {
            assert!(
                seen.insert(kind.code),
                "{} is twice in the table",
                kind.code
            );
            if let Some((heading, message)) = kind.page {
                for lang in Lang::ALL {
                    assert!(
                        has_message(lang, heading),
                        "{}: {heading} in {lang:?}",
                        kind.code
                    );
                    assert!(
                        has_message(lang, message),
                        "{}: {message} in {lang:?}",
                        kind.code
                    );
                }
            }
        }
    }
}
