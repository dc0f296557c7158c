//! The JSON/GeoJSON API under `/api/v1`, assembled from every domain's routes
//! (`features/<domain>/api.rs`). Handlers only translate HTTP to use cases and back; every
//! decision is made in the app and core crates.

use axum::extract::DefaultBodyLimit;
use axum::routing::MethodRouter;
use axum::Router;

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
            || path == "/reports/batch"
            || path.ends_with("/media/{name}")
        {
            upload_limit
        } else {
            json_limit
        };
        r = r.route(path, handler.layer(DefaultBodyLimit::max(limit)));
    }
    r
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::sync::Arc;

    use axum::body::Body;
    use axum::http::{Method, Request, StatusCode};
    use sinergi_app::{App, AppConfig, SystemClock};
    use tower::ServiceExt;

    use super::*;

    const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

    /// The route table is the one source of both the router and the document: every
    /// routed path and method is documented, every documented one is routed, and no
    /// other method answers.
    #[tokio::test]
    async fn every_route_is_documented_and_every_documented_operation_routed() {
        let doc = serde_json::to_value(crate::openapi::spec()).expect("document");
        let paths = doc["paths"].as_object().expect("paths");
        let documented: BTreeSet<(String, String)> = paths
            .iter()
            .filter_map(|(p, item)| Some((p.strip_prefix("/api/v1")?, item)))
            .flat_map(|(p, item)| {
                METHODS
                    .iter()
                    .filter(|m| item.get(**m).is_some())
                    .map(move |m| (p.to_string(), m.to_string()))
            })
            .collect();
        let table: BTreeSet<&str> = route_table().into_iter().map(|(p, _)| p).collect();
        let documented_paths: BTreeSet<&str> = documented.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(table, documented_paths, "paths routed and documented");

        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let store = sinergi_store::open(&url).await.expect("store");
        let app = App::new(
            store,
            Arc::new(SystemClock),
            AppConfig::new(dir.path().to_path_buf()),
        )
        .await
        .expect("app");
        let router = routes(1024, 1024).with_state(crate::AppState {
            app: Arc::new(app),
            secure_cookies: false,
        });
        let mut routed = BTreeSet::new();
        for path in &table {
            let concrete = path
                .replace("{id}", "01970000-0000-7000-8000-000000000001")
                .replace("{code}", "15")
                .replace("{username}", "someone")
                .replace("{serial}", "X1")
                .replace("{document}", "01970000-0000-7000-8000-000000000002")
                .replace("{referral}", "01970000-0000-7000-8000-000000000003");
            for m in METHODS {
                let req = Request::builder()
                    .method(Method::from_bytes(m.to_uppercase().as_bytes()).expect("method"))
                    .uri(&concrete)
                    .body(Body::empty())
                    .expect("request");
                let answer = router.clone().oneshot(req).await.expect("answer");
                if answer.status() != StatusCode::METHOD_NOT_ALLOWED {
                    routed.insert((path.to_string(), m.to_string()));
                }
            }
        }
        assert_eq!(routed, documented, "operations routed and documented");
    }
}
