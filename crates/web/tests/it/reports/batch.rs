//! A phone's outbox sent at once: `POST /api/v1/reports/batch`.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::harness::gunzip_text;
use crate::harness::jambi::*;

fn with_id(id: &str, title: &str) -> Value {
    let mut f = feature(title, "internal");
    f["id"] = json!(id);
    f
}

async fn send(s: &Server, token: &str, features: Vec<Value>) -> reqwest::Response {
    s.post(token, "/api/v1/reports/batch")
        .header("Content-Type", "application/geo+json")
        .header("Accept-Encoding", "gzip")
        .json(&json!({"type": "FeatureCollection", "features": features}))
        .send()
        .await
        .expect("send")
}

async fn results(r: reqwest::Response) -> Vec<Value> {
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()
            .get("content-encoding")
            .and_then(|v| v.to_str().ok()),
        Some("gzip")
    );
    let v: Value = serde_json::from_str(&gunzip_text(r).await).expect("json");
    v["results"].as_array().expect("results").clone()
}

/// Each report of a batch is answered on its own and in order: stored, refused with its
/// fields named by position, or a conflict when its id holds another report; sending the
/// same batch again (answers lost on a bad network) adds nothing, and every stored report
/// has its history and its entry on the audit chain.
#[tokio::test]
async fn a_batch_answers_each_report_and_sending_it_again_adds_nothing() {
    let s = spawn().await;
    let t = s.token("petugas").await;
    let a = "01970000-0000-7000-8000-0000000b0001";
    let b = "01970000-0000-7000-8000-0000000b0002";
    let c = "01970000-0000-7000-8000-0000000b0003";
    let mut untitled = with_id(c, "x");
    untitled["properties"]
        .as_object_mut()
        .expect("properties")
        .remove("title");
    let batch = vec![
        with_id(a, "Penangkapan pertama"),
        with_id(b, "Penangkapan kedua"),
        untitled,
        // The same id twice with other content: the second is a conflict.
        with_id(a, "Isi lain"),
        json!("not a feature"),
    ];
    let first = results(send(&s, &t, batch.clone()).await).await;
    let statuses: Vec<u64> = first
        .iter()
        .map(|r| r["status"].as_u64().expect("status"))
        .collect();
    assert_eq!(statuses, [201, 201, 422, 409, 422]);
    assert_eq!(first[0]["id"], a);
    assert_eq!(first[0]["location"], format!("/api/v1/reports/{a}"));
    assert_eq!(first[0]["version"], 1);
    assert_eq!(
        fields(&first[2]["problem"]),
        ["features[2].properties.title"]
    );
    assert_eq!(first[2]["problem"]["code"], "validation_failed");
    assert_eq!(first[3]["problem"]["code"], "conflict");
    assert_eq!(fields(&first[4]["problem"]), ["features[4]"]);

    let again = results(send(&s, &t, batch).await).await;
    let statuses: Vec<u64> = again
        .iter()
        .map(|r| r["status"].as_u64().expect("status"))
        .collect();
    assert_eq!(statuses, [200, 200, 422, 409, 422]);
    assert_eq!(s.app.store.report_total().await.expect("total"), 2);
    let stored: Value = s
        .get(&t, &format!("/api/v1/reports/{a}"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(stored["properties"]["title"], "Penangkapan pertama");
    let history: Value = s
        .get(&t, &format!("/api/v1/reports/{b}/history"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(history["history"].as_array().map(Vec::len), Some(1));
    let chain = s.app.verify_audit_chain().await.expect("verify");
    assert!(chain.broken.is_none(), "{:?}", chain.broken);
    let created = s
        .app
        .store
        .audit_entries(&sinergi_store::AuditFilter {
            action: Some("report_create".into()),
            limit: 100,
            ..Default::default()
        })
        .await
        .expect("entries");
    assert_eq!(created.len(), 2, "one audit entry per stored report");
}

/// What is wrong with the batch itself refuses it whole, naming `features`; an analyst
/// may not record reports in a batch either.
#[tokio::test]
async fn a_bad_batch_is_refused_whole_and_stores_nothing() {
    let s = spawn().await;
    let t = s.token("petugas").await;
    for body in [
        json!({"type": "Feature", "features": []}),
        json!({"type": "FeatureCollection"}),
        json!({"type": "FeatureCollection", "features": []}),
        json!({"type": "FeatureCollection",
            "features": (0..101).map(|i| feature(&format!("r{i}"), "internal")).collect::<Vec<_>>()}),
    ] {
        let p = problem(
            s.post(&t, "/api/v1/reports/batch")
                .json(&body)
                .send()
                .await
                .expect("send"),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert_eq!(fields(&p), ["features"]);
    }
    problem(
        s.post(&t, "/api/v1/reports/batch")
            .header("Content-Type", "application/json")
            .body("{\"type\": \"FeatureCollection\", \"features\": [")
            .send()
            .await
            .expect("send"),
        StatusCode::BAD_REQUEST,
    )
    .await;
    let analyst = s.token("analis").await;
    problem(
        s.post(&analyst, "/api/v1/reports/batch")
            .json(
                &json!({"type": "FeatureCollection", "features": [feature("Analis", "internal")]}),
            )
            .send()
            .await
            .expect("send"),
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(s.app.store.report_total().await.expect("total"), 0);
}
