//! Static files embedded in the binary: Sinergi's own CSS and scripts, Leaflet and its
//! marker clustering (from npm, see package.json). The maps' boundaries and tiles are
//! `maps.rs`.
//!
//! Every file is served twice: under a content-hashed name (`/static/sinergi.3f2a9c1b.js`,
//! [`url`]) that never changes meaning and is cached for a year (`immutable`), and under
//! its plain name (`/static/sinergi.js`) with a short cache, for old pages and links.
//! Both carry an ETag of the content and answer `If-None-Match` with 304; the router's
//! compression layer gzips text files (ADR 18).

use std::sync::OnceLock;

use axum::extract::Path;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
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
    ("outbox.js", "text/javascript", asset!("static/outbox.js")),
    ("offline.js", "text/javascript", asset!("static/offline.js")),
    (
        "kawal-desa.js",
        "text/javascript",
        asset!("static/kawal-desa.js"),
    ),
    ("rekam.js", "text/javascript", asset!("static/rekam.js")),
    (
        "kampanye.js",
        "text/javascript",
        asset!("static/kampanye.js"),
    ),
    (
        "formulir-isi.js",
        "text/javascript",
        asset!("static/formulir-isi.js"),
    ),
    (
        "formulir-logika.js",
        "text/javascript",
        asset!("static/formulir-logika.js"),
    ),
    ("icon-192.png", "image/png", asset!("static/icon-192.png")),
    ("icon-512.png", "image/png", asset!("static/icon-512.png")),
];

/// One embedded file with its content-hashed name.
pub struct Asset {
    /// The plain name (`sinergi.js`, `images/marker-icon.png`).
    pub name: &'static str,
    /// The name with the first 8 hex digits of its SHA-256 before the extension
    /// (`sinergi.3f2a9c1b.js`).
    pub hashed: String,
    pub content_type: &'static str,
    pub bytes: &'static [u8],
    /// The weak ETag of the content (weak: the compression layer may send the same
    /// content gzipped, which a strong tag would have to tell apart).
    pub etag: String,
}

/// Cache lifetime of a content-hashed URL: a year, never revalidated.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Cache lifetime of a plain name: five minutes, then revalidated by ETag.
const SHORT: &str = "public, max-age=300";

/// Every embedded file with its hashed name, computed once.
pub fn table() -> &'static [Asset] {
    static TABLE: OnceLock<Vec<Asset>> = OnceLock::new();
    TABLE.get_or_init(|| {
        use sha2::{Digest, Sha256};
        FILES
            .iter()
            .map(|&(name, content_type, bytes)| {
                let digest = Sha256::digest(bytes);
                let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
                let short = &hex[..8];
                let hashed = match name.rsplit_once('.') {
                    Some((stem, ext)) if !stem.ends_with('/') => format!("{stem}.{short}.{ext}"),
                    _ => format!("{name}.{short}"),
                };
                Asset {
                    name,
                    hashed,
                    content_type,
                    bytes,
                    etag: format!("W/\"{}\"", &hex[..32]),
                }
            })
            .collect()
    })
}

/// The content-hashed URL of the embedded file `name` (`/static/sinergi.3f2a9c1b.js`),
/// or `None` when no such file is embedded. Templates call it as `asset("sinergi.js")`.
pub fn url(name: &str) -> Option<String> {
    table()
        .iter()
        .find(|a| a.name == name)
        .map(|a| format!("/static/{}", a.hashed))
}

/// Whether `If-None-Match` names `etag` (or is `*`), compared weakly.
pub(crate) fn not_modified(headers: &HeaderMap, etag: &str) -> bool {
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_string();
    let want = bare(etag);
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim() == "*" || bare(t) == want)
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/static/{*path}", get(static_file))
}

async fn static_file(Path(path): Path<String>, headers: HeaderMap) -> Response {
    let found = table().iter().find_map(|a| {
        if a.hashed == path {
            Some((a, IMMUTABLE))
        } else if a.name == path {
            Some((a, SHORT))
        } else {
            None
        }
    });
    let Some((a, cache)) = found else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let etag = HeaderValue::from_str(&a.etag).unwrap_or(HeaderValue::from_static("\"\""));
    let cache = HeaderValue::from_static(cache);
    if not_modified(&headers, &a.etag) {
        return (
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, etag), (header::CACHE_CONTROL, cache)],
        )
            .into_response();
    }
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(a.content_type),
            ),
            (header::CACHE_CONTROL, cache),
            (header::ETAG, etag),
        ],
        a.bytes,
    )
        .into_response()
}
