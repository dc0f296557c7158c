//! What every API handler shares: the JSON body and query-string readers that name the
//! field at fault, `If-Match`, files in and out, and the route-table entry type.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::BTreeSet;
use std::sync::{Mutex, OnceLock, PoisonError};

use axum::routing::MethodRouter;
use serde_json::Value;
use sinergi_app::AppError;
use sinergi_core::ids::ReportId;
use sinergi_core::ValidationErrors;

use utoipa::openapi::path::Paths;
use utoipa::openapi::{RefOr, Schema};
use utoipa_axum::router::UtoipaMethodRouter;

use crate::problem::{ApiError, ApiResult};
use crate::AppState;

/// One path of the API, relative to `/api/v1`: its handlers and their OpenAPI
/// description, both made by [`utoipa_axum::routes!`] from the handlers' `#[utoipa::path]`
/// attributes, so a method is routed exactly when it is documented.
pub struct ApiRoute {
    pub path: &'static str,
    pub handlers: MethodRouter<AppState>,
    /// This path's item (its operations), keyed by the path.
    pub doc: Paths,
    /// The schemas the operations refer to.
    pub schemas: Vec<(String, RefOr<Schema>)>,
}

/// An entry of a domain's route table: `route(routes!(list, create))`. Every handler given
/// must document the same path.
pub fn route((schemas, doc, handlers): UtoipaMethodRouter<AppState>) -> ApiRoute {
    let mut keys = doc.paths.keys();
    let path = match (keys.next(), keys.next()) {
        (Some(p), None) => intern(p),
        _ => panic!("a route table entry documents exactly one path"),
    };
    ApiRoute {
        path,
        handlers,
        doc,
        schemas,
    }
}

/// The path as a `&'static str`, kept once per distinct path.
fn intern(path: &str) -> &'static str {
    static PATHS: OnceLock<Mutex<BTreeSet<&'static str>>> = OnceLock::new();
    let mut seen = PATHS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    if let Some(p) = seen.get(path) {
        return p;
    }
    let p: &'static str = Box::leak(path.to_owned().into_boxed_str());
    seen.insert(p);
    p
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

/// A value of a `detail` object: audit and notification details hold strings and integers
/// only.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum DetailValue {
    Text(String),
    Integer(i64),
}

/// A `multipart/form-data` upload: one part named `file`.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct FileUpload {
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}
