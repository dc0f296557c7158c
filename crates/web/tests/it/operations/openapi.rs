//! The OpenAPI document against the route table.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::harness::jambi::*;

/// Every route in the router is in the OpenAPI document and every documented operation
/// exists: an unauthenticated call answers 401 (or 4xx for bad input), never 405.
#[tokio::test]
async fn every_route_is_documented() {
    let s = spawn().await;
    let spec: Value = s
        .http
        .get(format!("{}/api/openapi.json", s.url))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(spec["openapi"], "3.1.0");
    let paths = spec["paths"].as_object().expect("paths");
    for (path, _) in sinergi_web::api::route_table() {
        let full = format!("/api/v1{path}");
        let doc = paths
            .get(&full)
            .unwrap_or_else(|| panic!("{full} is not documented"));
        let concrete = full
            .replace("{id}", "01970000-0000-7000-8000-000000000001")
            .replace("{code}", "15");
        for method in ["get", "post", "patch", "put", "delete"] {
            let r = s
                .http
                .request(
                    method.to_uppercase().parse().expect("method"),
                    format!("{}{concrete}", s.url),
                )
                .send()
                .await
                .expect("send");
            let routed = r.status() != StatusCode::METHOD_NOT_ALLOWED;
            assert_eq!(
                routed,
                doc.get(method).is_some(),
                "{method} {full}: {}",
                r.status()
            );
        }
    }
    assert_eq!(
        paths.keys().filter(|p| p.starts_with("/api/v1")).count(),
        sinergi_web::api::route_table().len()
    );
    // What client generators need to type the models: every array says what it holds,
    // counts are integers, and the documented media type is the one answered.
    fn arrays_without_items(v: &Value, at: &str, out: &mut Vec<String>) {
        match v {
            Value::Object(o) => {
                if o.get("type") == Some(&json!("array")) && !o.contains_key("items") {
                    out.push(at.to_string());
                }
                for (k, x) in o {
                    arrays_without_items(x, &format!("{at}/{k}"), out);
                }
            }
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    arrays_without_items(x, &format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
    }
    let mut bare = Vec::new();
    arrays_without_items(&spec, "", &mut bare);
    assert!(bare.is_empty(), "arrays without items: {bare:?}");
    for (path, item) in paths {
        for (method, op) in item.as_object().expect("path item") {
            for p in op["parameters"].as_array().into_iter().flatten() {
                if p["name"] == "limit" {
                    assert_eq!(p["schema"]["type"], "integer", "{method} {path}");
                }
            }
        }
    }
    let t = s.token("petugas").await;
    let fences = s.get(&t, "/api/v1/fences").send().await.expect("send");
    let answered = fences.headers()["content-type"]
        .to_str()
        .expect("type")
        .to_string();
    assert!(
        spec["paths"]["/api/v1/fences"]["get"]["responses"]["200"]["content"]
            .get(&answered)
            .is_some(),
        "/fences answers {answered}"
    );
}
