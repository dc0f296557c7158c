//! Saved areas edited on their version, watched in their new shape by the engine.

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::json;

use super::*;

/// The kinds and statuses of the alerts of one area, oldest first.
async fn area_alerts(s: &Server, token: &str, fence: &str) -> Vec<(String, String)> {
    let (st, page) = s
        .get(token, &format!("/api/v1/alerts?area={fence}&limit=100"))
        .await;
    assert_eq!(st, StatusCode::OK, "{page}");
    let mut out: Vec<(String, String)> = page["alerts"]
        .as_array()
        .expect("alerts")
        .iter()
        .map(|a| {
            (
                a["kind"].as_str().unwrap_or("").to_string(),
                a["status"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    out.reverse();
    out
}

/// A saved area is edited over the API on the version it was read at: its shape, name,
/// kind and region change, the edit is audited, and the engine watches the new shape at
/// once while the alerts raised for the old one stay open. A name the agency already has
/// (case and spacing aside) is refused naming `name`, on create and on edit; a stale or
/// missing `If-Match` changes nothing.
#[tokio::test]
async fn a_saved_area_is_edited_on_its_version_and_the_engine_watches_the_new_shape() {
    let dir = Arc::new(tempfile::tempdir().expect("tempdir"));
    let s = start(dir, true).await;
    set_up_tracking(
        &s,
        "koordinator.wk",
        "POLRES-LAMTIM",
        &["WK-1".into()],
        &[(105.78, -5.02)],
    )
    .await;
    let k = s.token("koordinator.wk").await;
    let (_, list) = s.get(&k, "/api/v1/fences").await;
    let fence = list["features"][0].clone();
    let id = fence["id"].as_str().expect("id").to_string();
    let path = format!("/api/v1/fences/{id}");
    assert_eq!(fence["properties"]["version"], 1, "{fence}");

    // The same name again, in other case and spacing, is refused; another agency may
    // use it.
    let name = fence["properties"]["name"]
        .as_str()
        .expect("name")
        .to_string();
    let shouted = format!("  {}  ", name.to_uppercase().replace(' ', "   "));
    let circle = json!({"type": "Circle", "center": [105.6, -5.1], "radius_m": 500});
    let (st, e) = s
        .post(
            &k,
            "/api/v1/fences",
            json!({"name": shouted, "kind": "village", "shape": circle}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["errors"][0]["field"], "name", "{e}");
    let bnn = s.token("orang.bnn").await;
    let (st, other) = s
        .post(
            &bnn,
            "/api/v1/fences",
            json!({"name": name, "kind": "village", "shape": circle}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{other}");

    // Read with its version as the ETag.
    let r = s
        .http
        .get(format!("{}{path}", s.url))
        .bearer_auth(&k)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers().get("etag").and_then(|v| v.to_str().ok()),
        Some("\"1\"")
    );

    // The herd walks into the village: one enter alert, open.
    let (st, r) = s
        .post(
            &k,
            "/api/v1/observations",
            json!([
                fix("WK-1", 40, 105.70, -5.02),
                fix("WK-1", 30, 105.78, -5.02)
            ]),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    assert_eq!(
        area_alerts(&s, &k, &id).await,
        vec![("enter".to_string(), "open".to_string())]
    );

    // No If-Match, a stale one, a field officer, another agency: nothing changes.
    let moved = json!({"shape": {"type": "Circle", "center": [105.90, -5.02], "radius_m": 1000}});
    let (st, _, e) = s.patch(&k, &path, None, moved.clone()).await;
    assert_eq!(st.as_u16(), 428, "{e}");
    let (st, _, e) = s.patch(&k, &path, Some("\"7\""), moved.clone()).await;
    assert_eq!(st, StatusCode::PRECONDITION_FAILED, "{e}");
    let petugas = s.token("petugas.wk").await;
    let (st, _, _) = s.patch(&petugas, &path, Some("\"1\""), moved.clone()).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _, _) = s.patch(&bnn, &path, Some("\"1\""), moved.clone()).await;
    assert_eq!(
        st,
        StatusCode::NOT_FOUND,
        "another agency's area is not there"
    );
    let (st, _, e) = s
        .patch(&k, &path, Some("\"1\""), json!({"colour": "red"}))
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["errors"][0]["field"], "colour", "{e}");

    // The village moves east.
    let (st, etag, f) = s.patch(&k, &path, Some("\"1\""), moved).await;
    assert_eq!(st, StatusCode::OK, "{f}");
    assert_eq!(etag.as_deref(), Some("\"2\""));
    assert_eq!(f["properties"]["version"], 2);
    assert_eq!(f["properties"]["shape"]["center"], json!([105.9, -5.02]));
    // The alert raised for the old shape stays open.
    assert_eq!(
        area_alerts(&s, &k, &id).await,
        vec![("enter".to_string(), "open".to_string())]
    );
    // The engine knows the new shape at once: where the village was is outside now (no
    // exit is made up for the move), and walking into where it is raises an entry.
    let (st, r) = s
        .post(
            &k,
            "/api/v1/observations",
            json!([fix("WK-1", 20, 105.781, -5.02)]),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    assert_eq!(
        r["results"][0]["alerts"].as_array().map_or(0, Vec::len),
        0,
        "{r}"
    );
    let (st, r) = s
        .post(
            &k,
            "/api/v1/observations",
            json!([fix("WK-1", 10, 105.90, -5.02)]),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    assert_eq!(
        r["results"][0]["alerts"].as_array().map(Vec::len),
        Some(1),
        "{r}"
    );
    assert_eq!(
        area_alerts(&s, &k, &id).await,
        vec![
            ("enter".to_string(), "open".to_string()),
            ("enter".to_string(), "open".to_string())
        ]
    );

    // From a region found by name, with a new name and kind; the region is recorded.
    let village = s
        .app
        .gazetteer()
        .search("Labuhan Ratu IX", 1)
        .first()
        .map(|r| r.code.clone())
        .expect("the village is shipped");
    let (st, etag, f) = s
        .patch(
            &k,
            &path,
            Some("\"2\""),
            json!({"name": "Labuhan Ratu IX (1 km)", "kind": "village", "region": village, "radius_m": 1000}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{f}");
    assert_eq!(etag.as_deref(), Some("\"3\""));
    assert_eq!(f["properties"]["region_code"], json!(village));
    assert_eq!(f["properties"]["name"], "Labuhan Ratu IX (1 km)");
    // A radius alone says nothing about where.
    let (st, _, e) = s
        .patch(&k, &path, Some("\"3\""), json!({"radius_m": 500}))
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["errors"][0]["field"], "radius_m", "{e}");

    // A second area may not take the first one's name by an edit either.
    let (st, second) = s
        .post(
            &k,
            "/api/v1/fences",
            json!({"name": "Kebun PTPN", "kind": "plantation", "shape": circle}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{second}");
    let second_path = format!("/api/v1/fences/{}", second["id"].as_str().expect("id"));
    let (st, _, e) = s
        .patch(
            &k,
            &second_path,
            Some("\"1\""),
            json!({"name": "labuhan ratu ix  (1 KM)"}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["errors"][0]["field"], "name", "{e}");
    // Its own name in other letters is still its own.
    let (st, _, e) = s
        .patch(
            &k,
            &second_path,
            Some("\"1\""),
            json!({"name": "KEBUN PTPN"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{e}");

    // A line watched by a cross rule stays a line.
    let road = json!({"type": "LineString", "coordinates": [[105.6, -5.3], [105.7, -5.3]]});
    let (st, line) = s
        .post(
            &k,
            "/api/v1/fences",
            json!({"name": "Jalan lintas timur", "kind": "road", "shape": road}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{line}");
    let (st, rule) = s
        .post(
            &k,
            "/api/v1/rules",
            json!({"name": "Gajah menyeberang jalan", "fences": [line["id"]],
            "trigger": {"type": "cross"}, "recipients": {"agencies": ["BTNWK"]}}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{rule}");
    let (st, _, e) = s
        .patch(
            &k,
            &format!("/api/v1/fences/{}", line["id"].as_str().expect("id")),
            Some("\"1\""),
            json!({"kind": "other", "shape": circle}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["errors"][0]["field"], "shape", "{e}");

    // Each edit is in the trail, with what changed.
    let entries = s
        .app
        .store
        .audit_entries(&sinergi_store::AuditFilter {
            record_id: Some(id.clone()),
            ascending: true,
            limit: 100,
            ..Default::default()
        })
        .await
        .expect("audit");
    let changed: Vec<String> = entries
        .iter()
        .filter_map(|e| e.detail["changed"].as_str().map(str::to_string))
        .collect();
    assert_eq!(
        changed,
        vec![
            "shape,region_code".to_string(),
            "name,shape,region_code".to_string()
        ]
    );
}
