//! Static files embedded in the binary: Sinergi's own CSS and scripts, Leaflet and its
//! marker clustering (from npm, see package.json). The maps' boundaries and tiles are
//! `maps.rs`.

use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::AppState;

macro_rules! asset {
    ($path:literal) => {
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/", $path)).as_slice()
    };
}

/// (URL name, content type, bytes).
const FILES: &[(&str, &str, &[u8])] = &[
    (
        "leaflet.js",
        "text/javascript",
        asset!("../../node_modules/leaflet/dist/leaflet.js"),
    ),
    (
        "leaflet.css",
        "text/css",
        asset!("../../node_modules/leaflet/dist/leaflet.css"),
    ),
    (
        "images/marker-icon.png",
        "image/png",
        asset!("../../node_modules/leaflet/dist/images/marker-icon.png"),
    ),
    (
        "images/marker-icon-2x.png",
        "image/png",
        asset!("../../node_modules/leaflet/dist/images/marker-icon-2x.png"),
    ),
    (
        "images/marker-shadow.png",
        "image/png",
        asset!("../../node_modules/leaflet/dist/images/marker-shadow.png"),
    ),
    (
        "leaflet.markercluster.js",
        "text/javascript",
        asset!("../../node_modules/leaflet.markercluster/dist/leaflet.markercluster.js"),
    ),
    (
        "MarkerCluster.css",
        "text/css",
        asset!("../../node_modules/leaflet.markercluster/dist/MarkerCluster.css"),
    ),
    (
        "MarkerCluster.Default.css",
        "text/css",
        asset!("../../node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css"),
    ),
    ("sinergi.css", "text/css", asset!("static/sinergi.css")),
    ("sinergi.js", "text/javascript", asset!("static/sinergi.js")),
    ("map.js", "text/javascript", asset!("static/map.js")),
    (
        "peringatan.js",
        "text/javascript",
        asset!("static/peringatan.js"),
    ),
    ("patroli.js", "text/javascript", asset!("static/patroli.js")),
    ("favicon.svg", "image/svg+xml", asset!("static/favicon.svg")),
];

pub fn routes() -> Router<AppState> {
    Router::new().route("/static/{*path}", get(static_file))
}

async fn static_file(Path(path): Path<String>) -> Response {
    match FILES.iter().find(|(name, _, _)| *name == path) {
        Some((_, ct, bytes)) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(ct)),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=3600"),
                ),
            ],
            *bytes,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
