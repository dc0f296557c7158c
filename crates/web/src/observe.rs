//! Operations at the HTTP edge: a request id on every request and answer, and an access
//! log line per request.
//!
//! - **Request id.** A well-formed `X-Request-Id` from the client or a proxy (1 to 64 of
//!   `A-Z a-z 0-9 - _ . :`) is kept, anything else is replaced by a new UUID. The id is
//!   sent back as `X-Request-Id`, is a field of the `request` span every log line of the
//!   request is written in, and is the `request_id` of a problem answer.
//! - **Access log.** One `info` line per request (target `sinergi_web::access`): method,
//!   the matched route template (never the path as sent, nor its query string, which may
//!   carry tokens), status and the time to the answer's head in milliseconds.

use std::sync::{Arc, OnceLock};
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

/// The request header (and answer header) carrying the request id.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request being answered, or a new one outside a request.
pub fn request_id() -> String {
    REQUEST_ID
        .try_with(Clone::clone)
        .unwrap_or_else(|_| new_request_id())
}

/// A new request id: a random UUID.
pub fn new_request_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// Whether an incoming id may be kept: short, and only characters safe in a header, a log
/// line and a file name.
pub fn well_formed(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// Where the route layer leaves the matched route template for [`observe`].
#[derive(Clone)]
struct RouteSlot(Arc<OnceLock<String>>);

/// The outermost layer: request id, span and access log line.
pub async fn observe(mut req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| well_formed(v))
        .map(str::to_string)
        .unwrap_or_else(new_request_id);
    let slot = Arc::new(OnceLock::new());
    req.extensions_mut().insert(RouteSlot(slot.clone()));
    let method = req.method().clone();
    let span = tracing::info_span!("request", request_id = %id);
    let started = Instant::now();
    let mut resp = REQUEST_ID
        .scope(id.clone(), next.run(req).instrument(span.clone()))
        .await;
    let elapsed = started.elapsed();
    if let Ok(v) = HeaderValue::from_str(&id) {
        resp.headers_mut().insert(REQUEST_ID_HEADER, v);
    }
    let route = slot.get().map(String::as_str).unwrap_or("unmatched");
    let status = resp.status().as_u16();
    span.in_scope(|| {
        tracing::info!(
            target: "sinergi_web::access",
            method = %method,
            route,
            status,
            duration_ms = (elapsed.as_secs_f64() * 1000.0 * 10.0).round() / 10.0,
            "request"
        )
    });
    resp
}

/// A route layer: runs only on matched routes and tells [`observe`] the route template.
pub async fn record_route(req: Request, next: Next) -> Response {
    if let (Some(path), Some(slot)) = (
        req.extensions().get::<MatchedPath>(),
        req.extensions().get::<RouteSlot>(),
    ) {
        let _ = slot.0.set(path.as_str().to_string());
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_short_plain_ids_are_kept() {
        assert!(well_formed("0b5e3c8e-6a41-4c1f-9d2f-3f0d2c1f9a77"));
        assert!(well_formed("proxy.req:42_a"));
        assert!(!well_formed(""));
        assert!(!well_formed(&"a".repeat(65)));
        assert!(!well_formed("a b"));
        assert!(!well_formed("a\"b"));
        assert!(!well_formed("é"));
    }
}
