//! Operations: a request id on every answer, kept from a client or proxy when well formed,
//! and the same in a problem's `request_id`.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::harness;

fn id_of(r: &reqwest::Response) -> String {
    r.headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .expect("x-request-id")
        .to_string()
}

#[tokio::test]
async fn every_answer_carries_a_request_id_and_a_well_formed_one_is_kept() {
    let s = harness::spawn(|_| {}).await;
    let get = |path: &str| s.http.get(format!("{}{path}", s.url));
    // Generated: a UUID, new for every request, on pages, files and API answers alike.
    let mut seen = std::collections::HashSet::new();
    for path in [
        "/healthz",
        "/healthz",
        "/masuk",
        "/api/openapi.json",
        "/tidak-ada",
    ] {
        let r = get(path).send().await.expect("send");
        let id = id_of(&r);
        assert_eq!(id.len(), 32, "{path}: {id}");
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit()), "{path}: {id}");
        assert!(seen.insert(id), "{path}: a fresh id each time");
    }
    // Kept when a proxy sends a well-formed one.
    let r = get("/healthz")
        .header("x-request-id", "lb-7f3a.42:1")
        .send()
        .await
        .expect("send");
    assert_eq!(id_of(&r), "lb-7f3a.42:1");
    // Replaced when not.
    for bad in ["a b", "<script>", &"x".repeat(65)] {
        let r = get("/healthz")
            .header("x-request-id", bad)
            .send()
            .await
            .expect("send");
        let id = id_of(&r);
        assert_ne!(id, bad);
        assert_eq!(id.len(), 32, "{id}");
    }
    // A problem names the same id as the header: the router's own errors too.
    for (method, path, status) in [
        (
            reqwest::Method::GET,
            "/api/v1/reports",
            StatusCode::UNAUTHORIZED,
        ),
        (
            reqwest::Method::GET,
            "/api/v1/tidak-ada",
            StatusCode::NOT_FOUND,
        ),
        (
            reqwest::Method::DELETE,
            "/api/v1/auth/token",
            StatusCode::METHOD_NOT_ALLOWED,
        ),
    ] {
        for given in [None, Some("trace-0042")] {
            let mut rb = s.http.request(method.clone(), format!("{}{path}", s.url));
            if let Some(g) = given {
                rb = rb.header("x-request-id", g);
            }
            let r = rb.send().await.expect("send");
            assert_eq!(r.status(), status, "{path}");
            let id = id_of(&r);
            if let Some(g) = given {
                assert_eq!(id, g);
            }
            let v: Value = r.json().await.expect("problem");
            assert_eq!(v["request_id"], json!(id), "{path}: {v}");
        }
    }
}
