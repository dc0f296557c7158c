//! The JSON/GeoJSON API under `/api/v1`, assembled from every domain's routes
//! (`features/<domain>/api.rs`). Handlers only translate HTTP to use cases and back; every
//! decision is made in the app and core crates.

use axum::extract::DefaultBodyLimit;
use axum::routing::MethodRouter;
use axum::Router;

pub use crate::api_common::urlencode;
use crate::AppState;

/// Every API route with its handlers, relative to `/api/v1`. The router is built from this
/// table, and a test checks that each path and method here is in the OpenAPI document and
/// nothing else answers.
pub fn route_table() -> Vec<(&'static str, MethodRouter<AppState>)> {
    crate::features::api_routes()
        .into_iter()
        .map(|r| (r.path, r.handlers))
        .collect()
}

/// The API router. Uploads get a larger body limit than JSON requests.
pub fn routes(json_limit: usize, upload_limit: usize) -> Router<AppState> {
    let mut r = Router::new();
    for (path, handler) in route_table() {
        let limit = if path.ends_with("/attachments")
            || path.ends_with("/documents")
            || path.starts_with("/imports/")
            || path == "/observations"
        {
            upload_limit
        } else {
            json_limit
        };
        r = r.route(path, handler.layer(DefaultBodyLimit::max(limit)));
    }
    r
}
