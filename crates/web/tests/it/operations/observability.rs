//! Operations: a request id on every answer (kept from a client or proxy when well formed,
//! the same in a problem's `request_id`), and `/metrics` refused to anonymous callers and
//! listing the counters after some traffic.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::harness;

const PASSWORD: &str = "kata-sandi-uji-123";

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

#[tokio::test]
async fn metrics_are_refused_anonymously_and_list_the_counters_after_traffic() {
    let closed = harness::spawn(|_| {}).await;
    let r = closed
        .http
        .get(format!("{}/metrics", closed.url))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "no token configured");
    let r = closed
        .http
        .get(format!("{}/metrics", closed.url))
        .bearer_auth("")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    let s = harness::spawn(|c| c.metrics.token = Some("rahasia-metrik".into())).await;
    let metrics = |token: Option<&str>| {
        let mut rb = s.http.get(format!("{}/metrics", s.url));
        if let Some(t) = token {
            rb = rb.bearer_auth(t);
        }
        rb.send()
    };
    assert_eq!(
        metrics(None).await.expect("send").status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        metrics(Some("rahasia")).await.expect("send").status(),
        StatusCode::UNAUTHORIZED
    );
    // A user's API token does not open it either.
    harness::agency_and_user(&s, "BNN", "petugas", "field_officer", PASSWORD).await;
    let token = s.token("petugas", PASSWORD).await;
    assert_eq!(
        metrics(Some(&token)).await.expect("send").status(),
        StatusCode::UNAUTHORIZED
    );

    // Some traffic: a page, an API list, a fix for a collar nobody registered (held).
    for _ in 0..3 {
        s.http
            .get(format!("{}/healthz", s.url))
            .send()
            .await
            .expect("send");
    }
    let r = s
        .http
        .get(format!("{}/api/v1/reports?limit=5&q=rahasia", s.url))
        .bearer_auth(&token)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    #[allow(clippy::disallowed_methods)]
    let at = chrono::Utc::now().to_rfc3339();
    let r = s
        .http
        .post(format!("{}/api/v1/observations", s.url))
        .bearer_auth(&token)
        .json(&json!([{"device": "KALUNG-99", "recorded_at": at, "lon": 105.8, "lat": -5.0}]))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK, "{:?}", r.text().await);

    let r = metrics(Some("rahasia-metrik")).await.expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/plain")));
    let text = r.text().await.expect("text");
    let value = |prefix: &str| -> f64 {
        text.lines()
            .filter(|l| l.starts_with(prefix))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .sum()
    };
    let healthz = "sinergi_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"}";
    assert!(value(healthz) >= 3.0, "{text}");
    let list =
        "sinergi_http_requests_total{method=\"GET\",route=\"/api/v1/reports\",status=\"200\"}";
    assert!(value(list) >= 1.0, "{text}");
    assert!(
        text.contains(
            "sinergi_http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/v1/reports\""
        ),
        "{text}"
    );
    assert!(
        !text.contains("rahasia"),
        "no query string reaches the metrics"
    );
    assert!(value("sinergi_fixes_ingested_total") >= 1.0, "{text}");
    for name in [
        "sinergi_alerts_raised_total",
        "sinergi_delivery_failures_total",
        "sinergi_delivery_outbox_backlog",
        "sinergi_db_pool_connections{pool=\"write\",state=\"max\"}",
    ] {
        assert!(text.contains(name), "{name} missing:\n{text}");
    }

    // Public when configured so.
    let open = harness::spawn(|c| c.metrics.public = true).await;
    let r = open
        .http
        .get(format!("{}/metrics", open.url))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
}
