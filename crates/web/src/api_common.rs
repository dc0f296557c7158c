//! What every API handler shares: the JSON body and query-string readers that name the
//! field at fault, `If-Match`, files in and out, and the route-table entry type.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use serde_json::Value;
use sinergi_app::AppError;
use sinergi_core::ids::ReportId;
use sinergi_core::ValidationErrors;

use crate::problem::{ApiError, ApiResult};
use crate::AppState;

/// One path of the API, relative to `/api/v1`, with its handlers.
pub struct ApiRoute {
    pub path: &'static str,
    pub handlers: MethodRouter<AppState>,
}

/// An entry of a domain's route table.
pub fn route(path: &'static str, handlers: MethodRouter<AppState>) -> ApiRoute {
    ApiRoute { path, handlers }
}

/// Parses a JSON body, naming the line and column of a syntax error.
pub fn parse_json(body: Result<Bytes, BytesRejection>) -> ApiResult<Value> {
    let bytes = body.map_err(|rej| {
        if rej.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError(AppError::PayloadTooLarge(
                "the request body is too large".into(),
            ))
        } else {
            ApiError(AppError::field("body", rej.body_text()))
        }
    })?;
    serde_json::from_slice(&bytes).map_err(|e| {
        let v = ValidationErrors::single(
            "body",
            format!(
                "malformed JSON at line {}, column {}: {e}",
                e.line(),
                e.column()
            ),
        );
        // A syntax error (or a body cut short) is a malformed request; well-formed JSON
        // of the wrong shape goes on to validation (422).
        if e.is_syntax() || e.is_eof() {
            ApiError(AppError::Malformed(v))
        } else {
            ApiError(AppError::Validation(v))
        }
    })
}

/// Turns a query-string rejection into a validation problem naming the parameter.
pub fn query_error(rej: QueryRejection) -> ApiError {
    let text = rej.body_text();
    let detail = text
        .strip_prefix("Failed to deserialize query string: ")
        .unwrap_or(&text);
    // `unknown field `x`…` names it in backticks; a value of the wrong type as `x: …`.
    let named = detail.split('`').nth(1).or_else(|| {
        detail
            .split_once(": ")
            .map(|(name, _)| name)
            .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
    });
    ApiError(AppError::field(named.unwrap_or("query"), text.clone()))
}

pub fn parse_id(s: &str) -> ApiResult<ReportId> {
    // A malformed id cannot name any report: answer as for a missing one.
    ReportId::parse(s).ok_or(ApiError(AppError::NotFound))
}

/// Reads `If-Match: "3"` (or `W/"3"`). A tag that names no version can never match.
pub fn if_match(h: &HeaderMap) -> Option<i64> {
    let v = h.get(header::IF_MATCH)?.to_str().ok()?.trim();
    let v = v.strip_prefix("W/").unwrap_or(v).trim_matches('"');
    Some(v.parse().unwrap_or(-1))
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub fn multipart_error(e: &axum::extract::multipart::MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError(AppError::PayloadTooLarge("the file is too large".into()))
    } else {
        ApiError(AppError::field("file", e.body_text()))
    }
}

/// A stored file with its type and (ASCII-safe) name.
pub fn file_response(
    bytes: Vec<u8>,
    content_type: &str,
    filename: &str,
    disposition: &str,
) -> Response {
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    let safe: String = filename
        .chars()
        .filter(|c| c.is_ascii_graphic() && *c != '"' || *c == ' ')
        .collect();
    if let Ok(v) = HeaderValue::from_str(&format!("{disposition}; filename=\"{safe}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    resp
}

pub fn from_body<T: serde::de::DeserializeOwned>(v: Value) -> ApiResult<T> {
    serde_json::from_value(v).map_err(|e| {
        let text = e.to_string();
        let field = text.split('`').nth(1).unwrap_or("body").to_string();
        ApiError(AppError::field(&field, text))
    })
}
