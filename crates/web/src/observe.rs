//! Operations at the HTTP edge: a request id on every request and answer, an access log
//! line per request, and the Prometheus metrics at `/metrics`.
//!
//! - **Request id.** A well-formed `X-Request-Id` from the client or a proxy (1 to 64 of
//!   `A-Z a-z 0-9 - _ . :`) is kept, anything else is replaced by a new UUID. The id is
//!   sent back as `X-Request-Id`, is a field of the `request` span every log line of the
//!   request is written in, and is the `request_id` of a problem answer.
//! - **Access log.** One `info` line per request (target `sinergi_web::access`): method,
//!   the matched route template (never the path as sent, nor its query string, which may
//!   carry tokens), status and the time to the answer's head in milliseconds.
//! - **Metrics.** `sinergi_http_requests_total{method,route,status}` and
//!   `sinergi_http_request_duration_seconds{method,route}` here; the app records fixes,
//!   alerts and deliveries; `/metrics` adds the outbox backlog and the database pool
//!   before rendering. Anonymous callers get 401 unless `metrics_public` is set; otherwise
//!   `Authorization: Bearer <metrics_token>` opens it.

use std::sync::{Arc, OnceLock};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sha2::{Digest, Sha256};
use tracing::Instrument;

use crate::AppState;

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

/// The outermost layer: request id, span, access log line and request metrics.
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
    let (method, route) = (method.to_string(), route.to_string());
    metrics::counter!(
        "sinergi_http_requests_total",
        "method" => method.clone(),
        "route" => route.clone(),
        "status" => status.to_string()
    )
    .increment(1);
    metrics::histogram!(
        "sinergi_http_request_duration_seconds",
        "method" => method,
        "route" => route
    )
    .record(elapsed.as_secs_f64());
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

/// The process's metrics recorder, installed on first use. When another recorder was
/// installed first, Sinergi's metrics go to that one and `/metrics` shows none.
pub fn metrics_handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let latency = [
            0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
        ];
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &latency)
            .unwrap_or_else(|_| PrometheusBuilder::new());
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("a metrics recorder was already installed; /metrics stays empty");
        }
        sinergi_app::operations::start_at_zero();
        handle
    })
}

/// `GET /metrics`: the Prometheus text format, for the configured token or, when
/// `metrics_public` is set, anyone.
pub async fn metrics(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let cfg = &st.app.config;
    if !cfg.metrics.public && !bearer_matches(&headers, cfg.metrics.token.as_deref()) {
        return crate::problem::ApiError(sinergi_app::AppError::Unauthenticated).into_response();
    }
    st.app.record_gauges().await;
    let handle = metrics_handle();
    handle.run_upkeep();
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        handle.render(),
    )
        .into_response()
}

/// Compares the bearer token with the configured one by their digests, so the time taken
/// does not depend on how much of it was right.
fn bearer_matches(headers: &HeaderMap, token: Option<&str>) -> bool {
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return false;
    };
    let Some(given) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return false;
    };
    Sha256::digest(given.trim().as_bytes()) == Sha256::digest(token.as_bytes())
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

    #[test]
    fn the_metrics_token_must_match_whole() {
        let mut h = HeaderMap::new();
        assert!(!bearer_matches(&h, Some("rahasia")));
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer rahasia"),
        );
        assert!(bearer_matches(&h, Some("rahasia")));
        assert!(!bearer_matches(&h, Some("rahasia2")));
        assert!(!bearer_matches(&h, None));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer "));
        assert!(!bearer_matches(&h, Some("")));
    }
}
