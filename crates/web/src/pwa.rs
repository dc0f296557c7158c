//! The installable phone app: the web app manifest (`/manifest.webmanifest`) and the
//! service worker (`/sw.js`, served from the root so its scope is the whole site). The
//! worker's text is `pwa/sw.js` under a first line the server writes from the table of
//! content-hashed static files ([`crate::assets::table`]): a new build with any changed
//! file is a new worker, which browsers install on their next visit (ADR 18).

use std::sync::OnceLock;

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::json;

use crate::i18n::{k, tr, Lang};
use crate::AppState;

/// Sinergi's colours, as in `static/sinergi.css` (`--hijau`, `--latar`).
pub const THEME_COLOUR: &str = "#1d5c3f";
const BACKGROUND_COLOUR: &str = "#f6f8f7";

const WORKER: &str = include_str!("../pwa/sw.js");

/// Files no page kept for offline use needs (the report map's clustering, the live
/// warning board): left out of the install so a first visit downloads less; they are
/// still cached the first time a page uses them.
const NOT_PRECACHED: &[&str] = &[
    "leaflet.markercluster.js",
    "MarkerCluster.css",
    "MarkerCluster.Default.css",
    "peringatan.js",
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/manifest.webmanifest", get(manifest))
        .route("/sw.js", get(worker))
}

/// The worker's text: `var SINERGI = {…};` and `pwa/sw.js`, and its ETag.
pub fn worker_source() -> &'static (String, String) {
    static SOURCE: OnceLock<(String, String)> = OnceLock::new();
    SOURCE.get_or_init(|| {
        use sha2::{Digest, Sha256};
        let assets: serde_json::Map<String, serde_json::Value> = crate::assets::table()
            .iter()
            .map(|a| (a.name.to_string(), format!("/static/{}", a.hashed).into()))
            .collect();
        let mut h = Sha256::new();
        for a in crate::assets::table() {
            h.update(a.hashed.as_bytes());
        }
        h.update(WORKER.as_bytes());
        let version: String = h.finalize()[..6]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let offline = |lang| {
            json!({
                "title": tr(lang, k!("offline_page_title")),
                "text": tr(lang, k!("offline_page_text")),
                "outbox": tr(lang, k!("offline_page_outbox")),
            })
        };
        let precache: Vec<String> = crate::assets::table()
            .iter()
            .filter(|a| !NOT_PRECACHED.contains(&a.name))
            .map(|a| format!("/static/{}", a.hashed))
            .collect();
        let config = json!({
            "version": version,
            "assets": assets,
            "precache": precache,
            "outbox": crate::assets::url("outbox.js"),
            "offline": {"id": offline(Lang::Id), "en": offline(Lang::En)},
        });
        let text = format!("var SINERGI = {config};\n{WORKER}");
        (text, format!("\"{version}\""))
    })
}

/// `GET /sw.js`: never cached by HTTP, so a browser checks for a new worker every visit
/// (it asks with the ETag and gets 304 while the build is the same).
async fn worker(headers: HeaderMap) -> Response {
    let (text, etag) = worker_source();
    let etag_value = HeaderValue::from_str(etag).unwrap_or(HeaderValue::from_static("\"\""));
    let no_cache = HeaderValue::from_static("no-cache");
    if crate::assets::not_modified(&headers, etag) {
        return (
            StatusCode::NOT_MODIFIED,
            [
                (header::ETAG, etag_value),
                (header::CACHE_CONTROL, no_cache),
            ],
        )
            .into_response();
    }
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript"),
            ),
            (header::CACHE_CONTROL, no_cache),
            (header::ETAG, etag_value),
        ],
        text.clone(),
    )
        .into_response()
}

/// `GET /manifest.webmanifest`, in the visitor's language.
async fn manifest(headers: HeaderMap) -> Response {
    let lang = crate::ui::lang_of(&headers);
    let icon = |size: u32, purpose: &str| {
        json!({
            "src": crate::assets::url(&format!("icon-{size}.png")),
            "sizes": format!("{size}x{size}"),
            "type": "image/png",
            "purpose": purpose,
        })
    };
    let body = json!({
        "name": tr(lang, k!("app_name")),
        "short_name": "Sinergi",
        "description": tr(lang, k!("app_description")),
        "lang": lang.code(),
        "start_url": "/",
        "scope": "/",
        "id": "/",
        "display": "standalone",
        "orientation": "any",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [icon(192, "any"), icon(512, "any"), icon(192, "maskable"), icon(512, "maskable")],
    });
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/manifest+json"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body.to_string(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worker_precaches_every_hashed_file_and_names_the_outbox() {
        let (text, _) = worker_source();
        let first = text.lines().next().expect("a first line");
        let config: serde_json::Value = serde_json::from_str(
            first
                .strip_prefix("var SINERGI = ")
                .and_then(|s| s.strip_suffix(';'))
                .expect("the configuration line"),
        )
        .expect("JSON");
        for a in crate::assets::table() {
            assert_eq!(
                config["assets"][a.name],
                format!("/static/{}", a.hashed),
                "{}",
                a.name
            );
        }
        assert_eq!(
            config["outbox"].as_str(),
            crate::assets::url("outbox.js").as_deref()
        );
        // What the pages kept offline need is installed with the worker; the rest waits.
        let precache: Vec<&str> = config["precache"]
            .as_array()
            .expect("precache")
            .iter()
            .filter_map(|v| v.as_str())
            .collect();
        for name in [
            "sinergi.js",
            "outbox.js",
            "leaflet.js",
            "map.js",
            "kawal-desa.js",
            "rekam.js",
        ] {
            let url = crate::assets::url(name).expect("embedded");
            assert!(precache.contains(&url.as_str()), "{name}");
        }
        let cluster = crate::assets::url("leaflet.markercluster.js").expect("embedded");
        assert!(!precache.contains(&cluster.as_str()));
        assert!(!config["offline"]["en"]["title"]
            .as_str()
            .unwrap_or("⟦")
            .contains('⟦'));
    }
}
