//! OGC API – Features at `/ogc`: through HTTP as a GIS client asks (`api.rs`), and with
//! GDAL's own `ogrinfo`/`ogr2ogr` when `SINERGI_OGRINFO` names `ogrinfo` (`gdal.rs`).
//! One world for both: BNNK-BATANGHARI's narcotics reports, one illegal-logging report, a
//! patrol with its track, an area and a collared elephant's fixes; a partner (POLDA-JAMBI)
//! receiving BNNP-JAMBI's narcotics reports at 1 km, and an agency with no agreement.

mod api;
mod gdal;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::harness;
use crate::harness::jambi::*;

/// Where each narcotics report is, the first at [`feature`]'s point.
pub fn spot(i: usize) -> (f64, f64) {
    if i == 0 {
        (103.2378, -1.7299)
    } else {
        (103.2 + 0.05 * i as f64, -1.6 - 0.03 * i as f64)
    }
}

pub const REPORTS: usize = 5;
pub const NARCOTICS: &str = "reports.narcotics_arrest";

pub struct World {
    pub s: Server,
    /// BNNK-BATANGHARI's field officer, who wrote every report.
    pub owner: String,
    /// The narcotics reports' ids, in the order of [`spot`].
    pub reports: Vec<String>,
    pub logging: String,
    pub patrol: String,
    pub fence: String,
    pub subject: String,
}

/// The world described in the module's comment; the agreement is made by [`share`].
pub async fn world() -> World {
    let s = spawn().await;
    harness::agencies(&s.app, "15", &[("BKSDA-JAMBI", "park_authority", None)]).await;
    harness::users(
        &s.app,
        PASSWORD,
        &[
            ("jagawana", "BKSDA-JAMBI", "field_officer"),
            ("admin.polda", "POLDA-JAMBI", "agency_admin"),
        ],
    )
    .await;
    let owner = s.token("petugas").await;
    let mut reports = Vec::new();
    for i in 0..REPORTS {
        let mut f = feature(&format!("Operasi Senyap {i}"), "internal");
        let (lon, lat) = spot(i);
        f["geometry"]["coordinates"] = json!([lon, lat]);
        f["properties"]["occurred_at"] = json!(format!("2025-05-{:02}T08:30:00+07:00", 10 + i));
        f["properties"]["attributes"]["suspect_names"] = json!("Budi");
        reports.push(created(&s, &owner, "/api/v1/reports", f).await);
    }
    let logging = created(
        &s,
        &owner,
        "/api/v1/reports",
        json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [103.5, -1.9]},
            "properties": {"type": "illegal_logging", "title": "Kayu gelondongan", "occurred_at": "2025-05-20T08:00:00+07:00",
                "sensitivity": "internal", "attributes": {}}}),
    )
    .await;
    let k = s.token("koordinator").await;
    let patrol = created(
        &s,
        &k,
        "/api/v1/patrols",
        json!({"title": "Patroli Sungai Bahar", "mandate": "forest_security", "transport": "foot",
            "planned_start": "2026-11-03", "planned_end": "2026-11-03", "sensitivity": "internal",
            "members": [{"agency": "BNNK-BATANGHARI", "user": "koordinator", "role": "leader"}]}),
    )
    .await;
    let mut pts = String::new();
    for i in 0..6 {
        pts.push_str(&format!(
            "<trkpt lat=\"{:.4}\" lon=\"{:.4}\"><time>2026-11-03T01:{:02}:00Z</time></trkpt>",
            -1.80 + f64::from(i) * 0.002,
            103.30 + f64::from(i) * 0.002,
            i * 5
        ));
    }
    let r = s
        .post(&k, &format!("/api/v1/imports/gpx?patrol={patrol}"))
        .header("Content-Type", "application/gpx+xml")
        .body(format!(
            "<gpx version=\"1.1\" creator=\"uji\"><trk><trkseg>{pts}</trkseg></trk></gpx>"
        ))
        .send()
        .await
        .expect("send");
    assert!(r.status().is_success(), "GPX import: {}", r.status());
    let fence = created(
        &s,
        &k,
        "/api/v1/fences",
        json!({"name": "Desa Bajubang", "kind": "village", "shape": {"type": "Polygon",
            "coordinates": [[[103.10, -1.90], [103.20, -1.90], [103.20, -1.80], [103.10, -1.80], [103.10, -1.90]]]}}),
    )
    .await;
    let subject = created(
        &s,
        &k,
        "/api/v1/subjects",
        json!({"name": "Melati", "species": "gajah_sumatera"}),
    )
    .await;
    created(&s, &k, "/api/v1/devices", json!({"serial": "KALUNG-OGC"})).await;
    let ago = |m: i64| (s.app.now() - chrono::Duration::minutes(m)).to_rfc3339();
    created(
        &s,
        &k,
        "/api/v1/devices/KALUNG-OGC/deploy",
        json!({"subject": subject, "start": ago(24 * 60)}),
    )
    .await;
    let fixes: Vec<Value> = (0..3)
        .map(|i| json!({"device": "KALUNG-OGC", "recorded_at": ago(180 - i * 60), "lon": 103.40 + 0.01 * i as f64, "lat": -1.60, "battery": 80}))
        .collect();
    let r = s
        .post(&k, "/api/v1/observations")
        .json(&Value::Array(fixes))
        .send()
        .await
        .expect("send");
    let stored: Value = r.json().await.expect("json");
    assert_eq!(stored["stored"], 3, "{stored}");
    World {
        s,
        owner,
        reports,
        logging,
        patrol,
        fence,
        subject,
    }
}

/// POSTs `body` and answers the new record's id.
async fn created(s: &Server, token: &str, path: &str, body: Value) -> String {
    let r = s.post(token, path).json(&body).send().await.expect("send");
    let status = r.status();
    let v: Value = r.json().await.expect("json");
    assert!(status.is_success(), "{path}: {status} {v}");
    v["id"].as_str().map(str::to_string).unwrap_or_default()
}

/// BNNP-JAMBI shares its (and its sub-agencies') internal narcotics reports with
/// POLDA-JAMBI, suspects' names withheld and locations snapped to 1 km.
pub async fn share(s: &Server) {
    let bnnp = s.token("admin.bnnp").await;
    let body = json!({"title": "PKS BNNP Jambi – Polda Jambi", "number": "PKS/01/2025",
        "parties": ["BNNP-JAMBI", "POLDA-JAMBI"], "valid_from": "2025-01-01", "valid_until": "2030-12-31",
        "clauses": [{"from": "BNNP-JAMBI", "to": ["POLDA-JAMBI"], "categories": ["narcotics"], "max_sensitivity": "internal",
            "withheld_fields": ["suspect_names"], "location_precision_m": 1000, "include_subagencies": true}]});
    let id = created(s, &bnnp, "/api/v1/agreements", body).await;
    for who in ["admin.bnnp", "admin.polda"] {
        let t = s.token(who).await;
        let r = s
            .post(&t, &format!("/api/v1/agreements/{id}/approve"))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), StatusCode::OK);
    }
}

/// GETs `path` (or a full URL, as a `next` link is) with the token.
pub async fn get(s: &Server, token: &str, path: &str) -> (StatusCode, String, Value) {
    let url = if path.starts_with("http") {
        path.to_string()
    } else {
        format!("{}{path}", s.url)
    };
    let r = s
        .http
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .expect("send");
    let status = r.status();
    let media = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body: Value = r.json().await.expect("json");
    (status, media, body)
}

/// The ids of a page's features.
pub fn ids(page: &Value) -> Vec<String> {
    page["features"]
        .as_array()
        .expect("features")
        .iter()
        .map(|f| f["id"].as_str().expect("id").to_string())
        .collect()
}
