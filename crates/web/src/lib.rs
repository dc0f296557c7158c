//! Sinergi's HTTP edge: the JSON/GeoJSON API (`/api/v1`), the OpenAPI document, the
//! server-rendered web UI and its embedded static files. This is the only crate that
//! knows HTTP; it decides nothing itself and asks the app crate for every answer.

pub mod api;
pub mod api_common;
pub mod assets;
pub mod auth;
pub(crate) mod features;
pub mod i18n;
pub mod maps;
pub mod observe;
pub mod openapi;
pub(crate) mod print;
pub mod problem;
pub mod pwa;
pub mod ui;

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use sinergi_app::App;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;

/// A form's printable paper sheet (ADR 37) as PDF, in Indonesian or English, with the
/// file name to save it under: what `sinergi form paper` writes.
pub fn paper_sheet_pdf(
    sheet: &sinergi_app::submissions::PaperSheet,
    english: bool,
) -> (Vec<u8>, String) {
    let lang = if english {
        i18n::Lang::En
    } else {
        i18n::Lang::Id
    };
    features::forms::paper::sheet_bytes(sheet, lang)
}

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    pub app: Arc<App>,
    /// Marks cookies `Secure`; on when Sinergi is served over HTTPS.
    pub secure_cookies: bool,
}

/// The largest JSON body accepted; attachments have their own, larger limit.
pub const JSON_BODY_LIMIT: usize = 1024 * 1024;

pub fn router(state: AppState) -> Router {
    let attachment_limit = state.app.config.max_attachment_bytes + 64 * 1024;
    // The new-report form carries its photos along with the report's fields.
    let report_form_limit = state
        .app
        .config
        .max_attachment_bytes
        .saturating_mul(ui::PHOTO_FORM_BUDGET)
        + 64 * 1024;
    // An online base map's tiles are the only images from elsewhere (ADR 19).
    let tile_origin = state
        .app
        .config
        .maps
        .tile_url
        .as_deref()
        .and_then(maps::tile_origin);
    // The recorder is in place before the first request counts.
    observe::metrics_handle();
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(observe::metrics))
        .route("/api/openapi.json", get(openapi::document))
        .nest(
            "/api/v1",
            api::routes(JSON_BODY_LIMIT, attachment_limit)
                .fallback(api_not_found)
                .layer(axum::middleware::map_response(
                    problem::framework_errors_as_problems,
                ))
                // API answers carry records, attachments and exports the caller's role
                // decides: no browser or shared cache may keep them.
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("no-store"),
                )),
        )
        .merge(assets::routes())
        .merge(pwa::routes())
        .merge(maps::routes())
        .merge(ui::routes(report_form_limit).layer(DefaultBodyLimit::max(attachment_limit)))
        // Tells the access log and the metrics which route matched (not the path as sent).
        .route_layer(axum::middleware::from_fn(observe::record_route))
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            content_security_policy(tile_origin.as_deref()),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        // Outermost: the request id, its span, the access log line and request metrics.
        .layer(axum::middleware::from_fn(observe::observe))
        .with_state(state)
}

/// The Content-Security-Policy: everything from Sinergi itself, and images also from the
/// online base map's server when one is configured.
fn content_security_policy(tile_origin: Option<&str>) -> HeaderValue {
    let images = match tile_origin {
        Some(origin) => format!("'self' data: blob: {origin}"),
        None => "'self' data: blob:".to_string(),
    };
    let csp = format!(
        "default-src 'self'; img-src {images}; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'"
    );
    HeaderValue::from_str(&csp).unwrap_or_else(|_| {
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'",
        )
    })
}

/// Every path the router serves besides static files, with its parameters in braces
/// (`/laporan/{id}`): `/healthz`, the OpenAPI document, every API route and every page.
/// Tests walk it so that no route goes unchecked.
pub fn route_paths() -> Vec<String> {
    let mut v = vec![
        "/healthz".to_string(),
        "/metrics".to_string(),
        "/api/openapi.json".to_string(),
    ];
    v.extend(
        api::route_table()
            .into_iter()
            .map(|(path, _)| format!("/api/v1{path}")),
    );
    v.extend(ui::shell_routes().into_iter().map(|(p, _)| p.to_string()));
    v.extend(features::ui_paths().into_iter().map(str::to_string));
    v
}

async fn healthz(State(st): State<AppState>) -> impl IntoResponse {
    match st.app.health().await {
        Ok(database) => (
            StatusCode::OK,
            axum::Json(serde_json::json!({"status": "ok", "database": database})),
        ),
        Err(e) => {
            tracing::error!(error = %e, "health check: database does not answer");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(serde_json::json!({"status": "unavailable"})),
            )
        }
    }
}

async fn api_not_found() -> problem::ApiError {
    problem::ApiError(sinergi_app::AppError::NotFound)
}
