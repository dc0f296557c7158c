//! The query parameters of `/ogc/collections/{id}/items`: `limit` (capped to the
//! maximum, not refused), `bbox` (4 numbers, or 6 with heights whose 2D part is used),
//! `datetime`, `cursor` (from a `next` link), `f` (json only), and `crs`/`bbox-crs` (CRS84
//! only). Anything else, or a value that cannot be read, is a 400 naming the parameter.

use sinergi_app::AppError;
use sinergi_core::geometry::Bbox;
use sinergi_core::query::Interval;
use sinergi_core::{msg, ValidationErrors};

use crate::api_common::urlencode;
use crate::problem::{ApiError, ApiResult};

/// Items per page when the client names no `limit`.
pub const DEFAULT_LIMIT: usize = 100;
/// The largest page; a larger `limit` is served at this size.
pub const MAX_LIMIT: usize = sinergi_core::query::MAX_LIMIT as usize;

/// The one coordinate reference system served: WGS 84 longitude, latitude.
pub const CRS84: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

/// The checked parameters of an items request, with the text of those a `next` link
/// repeats.
#[derive(Debug, Default)]
pub struct ItemsQuery {
    pub limit: usize,
    pub bbox: Option<Bbox>,
    pub datetime: Option<Interval>,
    pub cursor: Option<String>,
    bbox_text: Option<String>,
    datetime_text: Option<String>,
}

impl ItemsQuery {
    /// Checks every parameter, naming each one at fault.
    pub fn parse(pairs: &[(String, String)]) -> ApiResult<ItemsQuery> {
        let mut errs = ValidationErrors::new();
        let mut q = ItemsQuery {
            limit: DEFAULT_LIMIT,
            ..Default::default()
        };
        for (key, value) in pairs {
            let value = value.trim();
            match key.as_str() {
                "limit" => match value.parse::<u64>() {
                    Ok(n) if n >= 1 => q.limit = usize::try_from(n).unwrap_or(MAX_LIMIT).min(MAX_LIMIT),
                    _ => errs.push(
                        "limit",
                        msg!("ogc-limit-invalid", "must be a whole number of at least 1"),
                    ),
                },
                "bbox" => match Bbox::parse(value) {
                    Ok(b) => {
                        q.bbox = Some(b);
                        q.bbox_text = Some(value.to_string());
                    }
                    Err(m) => errs.push("bbox", m),
                },
                "datetime" => match Interval::parse(value) {
                    Ok(iv) => {
                        q.datetime = Some(iv);
                        q.datetime_text = Some(value.to_string());
                    }
                    Err(m) => errs.push("datetime", m),
                },
                "cursor" if !value.is_empty() => q.cursor = Some(value.to_string()),
                "cursor" => {}
                "f" => check_format(value, &mut errs),
                "crs" | "bbox-crs" => {
                    if value != CRS84 {
                        errs.push(
                            key,
                            msg!(
                                "ogc-crs-unknown",
                                "only {crs} is served",
                                crs = CRS84
                            ),
                        );
                    }
                }
                other => errs.push(
                    other,
                    msg!("ogc-parameter-unknown", "is not a parameter of this request"),
                ),
            }
        }
        if errs.is_empty() {
            Ok(q)
        } else {
            Err(ApiError(AppError::Malformed(errs)))
        }
    }

    /// The query string of this request at `cursor` (none: the first page).
    pub fn query_string(&self, cursor: Option<&str>) -> String {
        let mut parts = vec![format!("limit={}", self.limit)];
        if let Some(b) = &self.bbox_text {
            parts.push(format!("bbox={}", urlencode(b)));
        }
        if let Some(d) = &self.datetime_text {
            parts.push(format!("datetime={}", urlencode(d)));
        }
        if let Some(c) = cursor {
            parts.push(format!("cursor={}", urlencode(c)));
        }
        parts.join("&")
    }
}

/// The parameters of the pages other than items: `f=json` alone.
pub fn format_only(pairs: &[(String, String)]) -> ApiResult<()> {
    let mut errs = ValidationErrors::new();
    for (key, value) in pairs {
        match key.as_str() {
            "f" => check_format(value.trim(), &mut errs),
            other => errs.push(
                other,
                msg!("ogc-parameter-unknown", "is not a parameter of this request"),
            ),
        }
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(ApiError(AppError::Malformed(errs)))
    }
}

/// `f`: JSON (GeoJSON for items) is the one format served.
fn check_format(value: &str, errs: &mut ValidationErrors) {
    if !matches!(
        value,
        "json" | "geojson" | "application/json" | "application/geo+json"
    ) {
        errs.push("f", msg!("ogc-format-unknown", "only json is served"));
    }
}

/// A 400 naming `field`.
pub fn malformed(field: &str, m: sinergi_core::Message) -> ApiError {
    ApiError(AppError::Malformed(ValidationErrors::single(field, m)))
}
