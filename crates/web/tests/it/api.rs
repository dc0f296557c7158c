//! HTTP tests against a real server bound to port 0 with a fresh SQLite database each:
//! the API contract as a partner system or the web UI would meet it.

use std::sync::Arc;

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use sinergi_app::App;
use sinergi_core::agency::NewAgency;
use sinergi_core::totp::TotpSecret;

use crate::harness;

/// The wall clock in Unix seconds, for computing authenticator codes as a phone would.
#[allow(clippy::disallowed_methods)]
fn now_s() -> i64 {
    chrono::Utc::now().timestamp()
}

struct Server {
    url: String,
    app: Arc<App>,
    http: Client,
    _dir: tempfile::TempDir,
}

const PASSWORD: &str = "kata-sandi-uji-123";

/// Starts Sinergi with agencies BNN → BNNP-JAMBI → BNNK-BATANGHARI and POLDA-JAMBI, and
/// users: petugas (field officer, BNNK), koordinator (coordinator, BNNK), admin.bnnp
/// (agency admin, BNNP), analis (analyst, BNN), polisi (field officer, POLDA).
async fn spawn() -> Server {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = harness::app(dir.path(), |_| {}).await;
    harness::agencies(
        &app,
        "15",
        &[
            ("BNN", "narcotics_agency", None),
            ("BNNP-JAMBI", "narcotics_agency", Some("BNN")),
            ("BNNK-BATANGHARI", "narcotics_agency", Some("BNNP-JAMBI")),
            ("POLDA-JAMBI", "police", None),
        ],
    )
    .await;
    harness::users(
        &app,
        PASSWORD,
        &[
            ("petugas", "BNNK-BATANGHARI", "field_officer"),
            ("koordinator", "BNNK-BATANGHARI", "coordinator"),
            ("admin.bnnp", "BNNP-JAMBI", "agency_admin"),
            ("analis", "BNN", "analyst"),
            ("polisi", "POLDA-JAMBI", "field_officer"),
        ],
    )
    .await;
    let (url, _) = harness::listen(app.clone()).await;
    Server {
        url,
        app,
        http: Client::new(),
        _dir: dir,
    }
}

impl Server {
    async fn token(&self, user: &str) -> String {
        harness::api_token(&self.http, &self.url, user, PASSWORD).await
    }

    /// Sets up a second factor for the token's user, as an authenticator app would;
    /// returns the secret.
    async fn enrol(&self, token: &str) -> TotpSecret {
        let r = self
            .post(token, "/api/v1/me/totp")
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), StatusCode::CREATED);
        let v: Value = r.json().await.expect("json");
        let secret = TotpSecret::parse_base32(v["secret"].as_str().expect("secret")).expect("b32");
        assert!(v["otpauth_uri"]
            .as_str()
            .expect("uri")
            .starts_with("otpauth://totp/Sinergi:"));
        let r = self
            .post(token, "/api/v1/me/totp/confirm")
            .json(&json!({"code": secret.code_at(now_s())}))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), StatusCode::OK);
        secret
    }

    fn get(&self, token: &str, path: &str) -> reqwest::RequestBuilder {
        self.http
            .get(format!("{}{path}", self.url))
            .bearer_auth(token)
    }

    fn post(&self, token: &str, path: &str) -> reqwest::RequestBuilder {
        self.http
            .post(format!("{}{path}", self.url))
            .bearer_auth(token)
    }
}

fn feature(title: &str, sensitivity: &str) -> Value {
    json!({"type": "Feature",
        "geometry": {"type": "Point", "coordinates": [103.2378, -1.7299]},
        "properties": {"type": "narcotics_arrest", "title": title, "occurred_at": "2025-05-27T08:30:00+07:00",
            "sensitivity": sensitivity, "attributes": {"substance": "methamphetamine", "weight_g": 12.5}}})
}

async fn problem(r: reqwest::Response, status: StatusCode) -> Value {
    assert_eq!(r.status(), status);
    assert_eq!(
        r.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/problem+json")
    );
    let v: Value = r.json().await.expect("problem json");
    assert!(v["code"].is_string() && v["request_id"].is_string(), "{v}");
    v
}

fn fields(p: &Value) -> Vec<String> {
    p["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e["field"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn health_auth_and_sign_out() {
    let s = spawn().await;
    let r = s
        .http
        .get(format!("{}/healthz", s.url))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    let r = s
        .http
        .get(format!("{}/api/v1/reports", s.url))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::UNAUTHORIZED).await;
    let r = s
        .http
        .post(format!("{}/api/v1/auth/token", s.url))
        .json(&json!({"username": "petugas", "password": "wrong-password"}))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::UNAUTHORIZED).await;
    let r = s
        .http
        .post(format!("{}/api/v1/auth/token", s.url))
        .json(&json!({"username": "nobody", "password": "wrong-password"}))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::UNAUTHORIZED).await;
    let t = s.token("petugas").await;
    let me: Value = s
        .get(&t, "/api/v1/me")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(me["agency"], "BNNK-BATANGHARI");
    assert_eq!(me["role"], "field_officer");
    let r = s
        .post(&t, "/api/v1/auth/logout")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = s.get(&t, "/api/v1/me").send().await.expect("send");
    problem(r, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn repeated_failed_sign_ins_are_throttled() {
    let s = spawn().await;
    for _ in 0..5 {
        let r = s
            .http
            .post(format!("{}/api/v1/auth/token", s.url))
            .json(&json!({"username": "polisi", "password": "bad-password"}))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let r = s
        .http
        .post(format!("{}/api/v1/auth/token", s.url))
        .json(&json!({"username": "polisi", "password": PASSWORD}))
        .send()
        .await
        .expect("send");
    assert!(r.headers().contains_key("retry-after"));
    problem(r, StatusCode::TOO_MANY_REQUESTS).await;
}

#[tokio::test]
async fn create_is_idempotent_and_updates_need_the_current_version() {
    let s = spawn().await;
    let t = s.token("petugas").await;
    let mut f = feature("Penangkapan di Muara Bulian", "internal");
    f["id"] = json!("01970000-0000-7000-8000-0000000000aa");
    let r = s
        .post(&t, "/api/v1/reports")
        .json(&f)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);
    let created: Value = r.json().await.expect("json");
    let p = &created["properties"];
    assert_eq!(p["owner_agency"], "BNNK-BATANGHARI");
    assert_eq!(p["author"], "petugas");
    assert_eq!(p["status"], "new");
    assert_eq!(p["version"], 1);
    assert!(
        p["region_code"]
            .as_str()
            .expect("region")
            .starts_with("15.04"),
        "Muara Bulian is in Batanghari: {p}"
    );

    let r = s
        .post(&t, "/api/v1/reports")
        .json(&f)
        .send()
        .await
        .expect("send");
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "same id, same content: the stored report"
    );
    assert_eq!(s.app.store.report_total().await.expect("total"), 1);
    f["properties"]["title"] = json!("Judul lain");
    let r = s
        .post(&t, "/api/v1/reports")
        .json(&f)
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::CONFLICT).await;

    let path = "/api/v1/reports/01970000-0000-7000-8000-0000000000aa";
    let r = s.get(&t, path).send().await.expect("send");
    assert_eq!(
        r.headers().get("etag").and_then(|v| v.to_str().ok()),
        Some("\"1\"")
    );
    let r = s
        .http
        .patch(format!("{}{path}", s.url))
        .bearer_auth(&t)
        .json(&json!({"title": "Diperbarui"}))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::PRECONDITION_REQUIRED).await;
    let r = s
        .http
        .patch(format!("{}{path}", s.url))
        .bearer_auth(&t)
        .header("if-match", "\"1\"")
        .json(&json!({"title": "Diperbarui"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers().get("etag").and_then(|v| v.to_str().ok()),
        Some("\"2\"")
    );
    let r = s
        .http
        .patch(format!("{}{path}", s.url))
        .bearer_auth(&t)
        .header("if-match", "\"1\"")
        .json(&json!({"title": "Lagi"}))
        .send()
        .await
        .expect("send");
    let p = problem(r, StatusCode::PRECONDITION_FAILED).await;
    assert_eq!(p["current_version"], 2);

    // The author may not verify their own report; the coordinator may.
    let r = s
        .http
        .patch(format!("{}{path}", s.url))
        .bearer_auth(&t)
        .header("if-match", "\"2\"")
        .json(&json!({"status": "verified"}))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::FORBIDDEN).await;
    let k = s.token("koordinator").await;
    let r = s
        .http
        .patch(format!("{}{path}", s.url))
        .bearer_auth(&k)
        .header("if-match", "\"2\"")
        .json(&json!({"status": "verified", "note": "dicek di lapangan"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    let h: Value = s
        .get(&t, &format!("{path}/history"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let kinds: Vec<&str> = h["history"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["created", "updated", "status"]);
    assert_eq!(h["history"][2]["to_status"], "verified");
    assert_eq!(h["history"][2]["note"], "dicek di lapangan");
}

#[tokio::test]
async fn hidden_reports_answer_exactly_like_missing_ones() {
    let s = spawn().await;
    let t = s.token("petugas").await;
    let created: Value = s
        .post(&t, "/api/v1/reports")
        .json(&feature("Rahasia terbatas", "restricted"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let id = created["id"].as_str().expect("id");
    let p = s.token("polisi").await;
    let hidden = s
        .get(&p, &format!("/api/v1/reports/{id}"))
        .send()
        .await
        .expect("send");
    let missing = s
        .get(&p, "/api/v1/reports/01970000-0000-7000-8000-00000000ffff")
        .send()
        .await
        .expect("send");
    let a = problem(hidden, StatusCode::NOT_FOUND).await;
    let b = problem(missing, StatusCode::NOT_FOUND).await;
    assert_eq!(
        (a["title"].clone(), a["detail"].clone()),
        (b["title"].clone(), b["detail"].clone())
    );
    let r = s
        .http
        .patch(format!("{}/api/v1/reports/{id}", s.url))
        .bearer_auth(&p)
        .header("if-match", "\"1\"")
        .json(&json!({"title": "x"}))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::NOT_FOUND).await;
    let list: Value = s
        .get(&p, "/api/v1/reports")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(list["numberReturned"], 0);
    let counts: Value = s
        .get(&p, "/api/v1/reports/counts")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(counts["total"], 0);
    let csv = s
        .get(&p, "/api/v1/reports/export?format=csv")
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("text");
    assert_eq!(csv.lines().count(), 1, "header only: {csv}");
    // The agency above sees internal but not restricted reports; the owner's coordinator sees it.
    let admin = s.token("admin.bnnp").await;
    let r = s
        .get(&admin, &format!("/api/v1/reports/{id}"))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let k = s.token("koordinator").await;
    let r = s
        .get(&k, &format!("/api/v1/reports/{id}"))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn lists_filter_and_page() {
    let s = spawn().await;
    let t = s.token("petugas").await;
    for i in 0..7 {
        let mut f = feature(&format!("Laporan {i}"), "internal");
        f["properties"]["occurred_at"] = json!(format!("2025-05-{:02}T08:30:00+07:00", 10 + i));
        let r = s
            .post(&t, "/api/v1/reports")
            .json(&f)
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let mut f = feature("Di Jakarta", "public");
    f["geometry"] = json!({"type": "Point", "coordinates": [106.8034, -6.1873]});
    s.post(&t, "/api/v1/reports")
        .json(&f)
        .send()
        .await
        .expect("send");

    let page: Value = s
        .get(&t, "/api/v1/reports?region=15&limit=3")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(page["numberReturned"], 3);
    assert_eq!(page["features"][0]["properties"]["title"], "Laporan 6");
    let mut seen = 3;
    let mut next = page["links"]
        .as_array()
        .expect("links")
        .iter()
        .find(|l| l["rel"] == "next")
        .map(|l| l["href"].as_str().expect("href").to_string());
    while let Some(href) = next {
        let p: Value = s
            .get(&t, &href)
            .send()
            .await
            .expect("send")
            .json()
            .await
            .expect("json");
        seen += p["numberReturned"].as_u64().expect("n") as usize;
        next = p["links"]
            .as_array()
            .expect("links")
            .iter()
            .find(|l| l["rel"] == "next")
            .map(|l| l["href"].as_str().expect("href").to_string());
    }
    assert_eq!(
        seen, 7,
        "region=15 pages through every Jambi report and nothing else"
    );
    let p: Value = s
        .get(&t, "/api/v1/reports?bbox=106,-7,107,-6")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(p["numberReturned"], 1);
    let p: Value = s.get(&t, "/api/v1/reports?datetime=2025-05-12T00:00:00Z/2025-05-14T00:00:00Z&type=narcotics_arrest").send().await.expect("send").json().await.expect("json");
    assert_eq!(p["numberReturned"], 2);
    let p: Value = s
        .get(&t, "/api/v1/reports?q=jakarta&agency=BNNK-BATANGHARI")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(p["numberReturned"], 1);
    let r = s
        .get(
            &t,
            "/api/v1/reports?datetime=2025-06-01T00:00:00Z/2025-05-01T00:00:00Z",
        )
        .send()
        .await
        .expect("send");
    assert_eq!(
        fields(&problem(r, StatusCode::UNPROCESSABLE_ENTITY).await),
        ["datetime"]
    );
    let r = s
        .get(&t, "/api/v1/reports?agency=NOPE&status=lost&colour=red")
        .send()
        .await
        .expect("send");
    let p = problem(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(fields(&p), ["colour"], "unknown parameters are named");
    let r = s
        .get(&t, "/api/v1/reports?agency=NOPE")
        .send()
        .await
        .expect("send");
    assert_eq!(
        fields(&problem(r, StatusCode::UNPROCESSABLE_ENTITY).await),
        ["agency"]
    );
    let geo = s
        .get(&t, "/api/v1/reports/export?format=geojson&region=31")
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("text");
    let v: Value = serde_json::from_str(&geo).expect("export is valid GeoJSON");
    assert_eq!(v["features"].as_array().expect("features").len(), 1);
}

#[tokio::test]
async fn bad_input_is_refused_with_the_field_named_and_nothing_written() {
    let s = spawn().await;
    let t = s.token("petugas").await;
    let send = |body: String| {
        s.post(&t, "/api/v1/reports")
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let p = problem(
        send("{\"type\": \"Feature\",".into()).await.expect("send"),
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(fields(&p), ["body"]);
    assert!(p["errors"][0]["message"]
        .as_str()
        .expect("msg")
        .contains("line 1"));
    let mut f = feature("x", "internal");
    f["properties"]["type"] = json!("alien_landing");
    let p = problem(
        send(f.to_string()).await.expect("send"),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&p), ["properties.type"]);
    let mut f = feature("x", "internal");
    f["properties"]["attributes"] = json!({"substance": "chocolate", "weight_g": "heavy"});
    let p = problem(
        send(f.to_string()).await.expect("send"),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(
        fields(&p),
        [
            "properties.attributes.substance",
            "properties.attributes.weight_g"
        ]
    );
    let mut f = feature("x", "internal");
    f["geometry"] = json!({"type": "Polygon", "coordinates": [[[0.0, 0.0], [1.0, 1.0], [1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]]});
    let p = problem(
        send(f.to_string()).await.expect("send"),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&p), ["geometry.coordinates[0]"]);
    let mut f = feature("x", "internal");
    f["geometry"]["coordinates"] = json!([103.0, 95.0]);
    f["properties"]["sensitivity"] = json!("top");
    f["extra"] = json!(true);
    let p = problem(
        send(f.to_string()).await.expect("send"),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(
        fields(&p),
        ["extra", "geometry.coordinates", "properties.sensitivity"]
    );
    let big = format!("{{\"pad\": \"{}\"}}", "x".repeat(2 * 1024 * 1024));
    problem(
        send(big).await.expect("send"),
        StatusCode::PAYLOAD_TOO_LARGE,
    )
    .await;
    assert_eq!(
        s.app.store.report_total().await.expect("total"),
        0,
        "nothing was written"
    );

    let a = s.token("analis").await;
    let r = s
        .post(&a, "/api/v1/reports")
        .json(&feature("x", "internal"))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn attachments_are_checked_by_content() {
    let s = spawn().await;
    let t = s.token("petugas").await;
    let created: Value = s
        .post(&t, "/api/v1/reports")
        .json(&feature("Dengan foto", "internal"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let id = created["id"].as_str().expect("id");
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDRfake-but-signed".to_vec();
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(png.clone()).file_name("bukti.png"),
    );
    let r = s
        .post(&t, &format!("/api/v1/reports/{id}/attachments"))
        .multipart(form)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);
    let att: Value = r.json().await.expect("json");
    assert_eq!(att["content_type"], "image/png");
    let bytes = s
        .get(&t, att["href"].as_str().expect("href"))
        .send()
        .await
        .expect("send")
        .bytes()
        .await
        .expect("bytes");
    assert_eq!(bytes.as_ref(), png.as_slice());
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"#!/bin/sh\nrm -rf /".to_vec()).file_name("foto.jpg"),
    );
    let r = s
        .post(&t, &format!("/api/v1/reports/{id}/attachments"))
        .multipart(form)
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
    let list: Value = s
        .get(&t, &format!("/api/v1/reports/{id}/attachments"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(list["attachments"].as_array().expect("list").len(), 1);
    let p = s.token("polisi").await;
    let r = s
        .get(&p, att["href"].as_str().expect("href"))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn agencies_users_and_regions() {
    let s = spawn().await;
    let admin = s.token("admin.bnnp").await;
    let r = s.post(&admin, "/api/v1/agencies").json(&json!({"code": "BNNK-TANJABTIM", "name": "BNNK Tanjung Jabung Timur", "kind": "narcotics_agency", "parent": "BNNP-JAMBI", "jurisdiction": ["15.07"]})).send().await.expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = s.post(&admin, "/api/v1/agencies").json(&json!({"code": "POLRES-X", "name": "Polres", "kind": "police", "parent": "POLDA-JAMBI"})).send().await.expect("send");
    problem(r, StatusCode::FORBIDDEN).await;
    let r = s
        .post(&admin, "/api/v1/agencies")
        .json(&json!({"code": "bad code", "name": "", "kind": "spaceship"}))
        .send()
        .await
        .expect("send");
    assert_eq!(
        fields(&problem(r, StatusCode::UNPROCESSABLE_ENTITY).await),
        ["code", "name", "kind"]
    );
    let r = s.post(&admin, "/api/v1/users").json(&json!({"username": "baru", "agency": "BNNK-TANJABTIM", "role": "field_officer", "password": "hutan-lindung-77"})).send().await.expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = s.post(&admin, "/api/v1/users").json(&json!({"username": "raja", "agency": "BNNP-JAMBI", "role": "system_admin", "password": "hutan-lindung-77"})).send().await.expect("send");
    problem(r, StatusCode::FORBIDDEN).await;
    let r = s.post(&admin, "/api/v1/users").json(&json!({"username": "baru", "agency": "BNNP-JAMBI", "role": "analyst", "password": "short"})).send().await.expect("send");
    assert_eq!(
        fields(&problem(r, StatusCode::UNPROCESSABLE_ENTITY).await),
        ["password"]
    );
    let users: Value = s
        .get(&admin, "/api/v1/users")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let names: Vec<&str> = users["users"]
        .as_array()
        .expect("users")
        .iter()
        .filter_map(|u| u["username"].as_str())
        .collect();
    assert!(
        names.contains(&"baru") && names.contains(&"petugas") && !names.contains(&"polisi"),
        "{names:?}"
    );

    let r: Value = s
        .get(&admin, "/api/v1/regions/31.73.07.1006")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(r["name"], "Kota Bambu Selatan");
    assert_eq!(r["parent"], "31.73.07");
    let r: Value = s
        .get(&admin, "/api/v1/regions/15")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(r["level"], "province");
    assert!(r["children_count"].as_u64().expect("n") >= 11);
    let r: Value = s
        .get(&admin, "/api/v1/regions?q=kapuas%20hulu")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(r["regions"][0]["code"], "61.06");
    let r: Value = s
        .get(&admin, "/api/v1/regions?lon=105.771172&lat=-5.047289")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let chain: Vec<&str> = r["chain"]
        .as_array()
        .expect("chain")
        .iter()
        .filter_map(|x| x["code"].as_str())
        .collect();
    assert_eq!(chain, ["18", "18.07", "18.07.21", "18.07.21.2011"]);
    let r = s
        .get(&admin, "/api/v1/regions?lon=95&lat=-8")
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::NOT_FOUND).await;
    let r = s
        .get(&admin, "/api/v1/regions?lon=east&lat=-8")
        .send()
        .await
        .expect("send");
    assert_eq!(
        fields(&problem(r, StatusCode::UNPROCESSABLE_ENTITY).await),
        ["lon"]
    );
}

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

/// The browser flow: sign in through the form, then every change made with the session
/// cookie needs the session's CSRF token, and signing out ends the session.
#[tokio::test]
async fn cookie_sessions_need_the_csrf_token_for_changes() {
    let s = spawn().await;
    let http = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let cookie_of = |r: &reqwest::Response, name: &str| -> String {
        r.headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{name}=")))
            .map(|v| v.split(';').next().unwrap_or("").to_string())
            .unwrap_or_else(|| panic!("no {name} cookie"))
    };
    let form = http
        .get(format!("{}/masuk", s.url))
        .send()
        .await
        .expect("send");
    let login_cookie = cookie_of(&form, "sinergi_masuk");
    let html = form.text().await.expect("html");
    let login_csrf = html
        .split("name=\"_csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("login csrf")
        .to_string();
    let r = http
        .post(format!("{}/masuk", s.url))
        .header("cookie", &login_cookie)
        .form(&[
            ("_csrf", login_csrf.as_str()),
            ("username", "petugas"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let set = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("sinergi_session="))
        .expect("session cookie")
        .to_string();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
    let session = cookie_of(&r, "sinergi_session");

    let me: Value = http
        .get(format!("{}/api/v1/me", s.url))
        .header("cookie", &session)
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(me["username"], "petugas");
    let r = http
        .post(format!("{}/api/v1/reports", s.url))
        .header("cookie", &session)
        .json(&feature("Tanpa token", "internal"))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::FORBIDDEN).await;
    let home = http
        .get(format!("{}/laporan/baru", s.url))
        .header("cookie", &session)
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("html");
    let csrf = home
        .split("name=\"_csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("csrf")
        .to_string();
    let r = http
        .post(format!("{}/api/v1/reports", s.url))
        .header("cookie", &session)
        .header("x-csrf-token", &csrf)
        .json(&feature("Dengan token", "internal"))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(s.app.store.report_total().await.expect("total"), 1);

    let r = http
        .post(format!("{}/keluar", s.url))
        .header("cookie", &session)
        .form(&[("_csrf", "wrong")])
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = http
        .post(format!("{}/keluar", s.url))
        .header("cookie", &session)
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = http
        .get(format!("{}/api/v1/me", s.url))
        .header("cookie", &session)
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::UNAUTHORIZED).await;
    let r = http
        .get(format!("{}/laporan", s.url))
        .header("cookie", &session)
        .send()
        .await
        .expect("send");
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "signed-out pages go to the sign-in form"
    );
}

/// Sensitive reads, changes and sign-in failures leave entries administrators can read,
/// each limited to their own agencies.
#[tokio::test]
async fn the_audit_trail_records_sensitive_access_for_administrators() {
    let s = spawn().await;
    let t = s.token("petugas").await;
    let created: Value = s
        .post(&t, "/api/v1/reports")
        .json(&feature("Informan", "restricted"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let id = created["id"].as_str().expect("id").to_string();
    s.get(&t, &format!("/api/v1/reports/{id}"))
        .send()
        .await
        .expect("send");
    let r = s
        .http
        .post(format!("{}/api/v1/auth/token", s.url))
        .json(&json!({"username": "petugas", "password": "salah-sandi"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    let r = s.get(&t, "/api/v1/audit").send().await.expect("send");
    problem(r, StatusCode::FORBIDDEN).await;
    let admin = s.token("admin.bnnp").await;
    let v: Value = s
        .get(&admin, &format!("/api/v1/audit?record={id}"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let actions: Vec<&str> = v["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(
        actions,
        ["report_read", "report_create"],
        "BNNP's admin sees its sub-agency's entries"
    );
    let v: Value = s
        .get(&admin, "/api/v1/audit?action=sign_in_failed")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(v["entries"][0]["actor"], "petugas");
    let csv = s
        .get(&admin, "/api/v1/audit?format=csv&actor=petugas")
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("csv");
    assert!(
        csv.starts_with("seq,at,actor,action") && csv.contains("report_read"),
        "{csv}"
    );
    let r = s
        .get(&admin, "/api/v1/audit?action=dance&since=yesterday")
        .send()
        .await
        .expect("send");
    assert_eq!(
        fields(&problem(r, StatusCode::UNPROCESSABLE_ENTITY).await),
        ["since", "action"]
    );

    // Police see nothing of BNN's trail, even as administrators of their own agency.
    s.app
        .create_user(
            None,
            "admin.polda",
            "",
            "POLDA-JAMBI",
            "agency_admin",
            PASSWORD,
        )
        .await
        .expect("user");
    let p = s.token("admin.polda").await;
    let v: Value = s
        .get(&p, &format!("/api/v1/audit?record={id}"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(v["entries"].as_array().expect("entries").len(), 0);
    assert!(s
        .app
        .verify_audit_chain()
        .await
        .expect("verify")
        .broken
        .is_none());
}

/// System administrators write a signed checkpoint on demand and read the checkpoints
/// with the key they verify against; nobody else does either.
#[tokio::test]
async fn system_admins_write_and_read_signed_audit_checkpoints() {
    use sinergi_core::checkpoint::{Checkpoint, PublicKey};
    let s = spawn().await;
    s.app
        .create_user(None, "root", "", "BNN", "system_admin", PASSWORD)
        .await
        .expect("user");
    let admin = s.token("admin.bnnp").await;
    for r in [
        s.get(&admin, "/api/v1/audit/checkpoints"),
        s.post(&admin, "/api/v1/audit/checkpoints"),
    ] {
        problem(r.send().await.expect("send"), StatusCode::FORBIDDEN).await;
    }
    let root = s.token("root").await;
    s.enrol(&root).await;
    let head = s
        .app
        .store
        .audit_head()
        .await
        .expect("head")
        .expect("entries");
    let r = s
        .post(&root, "/api/v1/audit/checkpoints")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);
    let v: Value = r.json().await.expect("json");
    assert_eq!(v["written"], true);
    let written: Checkpoint = serde_json::from_value(v["checkpoint"].clone()).expect("checkpoint");
    assert_eq!((written.seq, written.hash.clone()), head);

    // Nothing new to sign: the same checkpoint again, nothing written.
    let r = s
        .post(&root, "/api/v1/audit/checkpoints")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.expect("json");
    assert_eq!(v["written"], false);

    let v: Value = s
        .get(&root, "/api/v1/audit/checkpoints")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let key = PublicKey::parse(v["public_key"].as_str().expect("key")).expect("hex key");
    assert_eq!(
        s.app.local_audit_public_key().expect("local key"),
        Some(key)
    );
    let listed: Vec<Checkpoint> =
        serde_json::from_value(v["checkpoints"].clone()).expect("checkpoints");
    assert_eq!(listed, std::slice::from_ref(&written));
    assert_eq!(listed[0].check_signature(&[key]), Ok(()));

    let report = s.app.verify_audit(vec![], false).await.expect("verify");
    assert!(report.is_ok(), "{report:?}");
    assert_eq!(report.newest_valid, Some(written));

    // A report written through the API is covered by its audited content hash; one
    // loaded in bulk (no audited write) is counted as not covered, not as a failure.
    let t = s.token("petugas").await;
    let created: Value = s
        .post(&t, "/api/v1/reports")
        .json(&feature("Gudang", "internal"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let id = sinergi_core::ids::ReportId::parse(created["id"].as_str().expect("id")).expect("uuid");
    let stored = s.app.store.report(id).await.expect("read").expect("stored");
    let copy = sinergi_core::report::Report {
        id: sinergi_core::ids::ReportId::new_at(stored.created_at, [7; 10]),
        ..stored
    };
    s.app
        .store
        .bulk_insert_reports(&[copy])
        .await
        .expect("bulk");
    let report = s.app.verify_audit(vec![], true).await.expect("verify");
    assert!(report.is_ok(), "{report:?}");
    let records = report.records.expect("records");
    assert_eq!(
        (records.checked, records.matching, records.not_covered),
        (2, 1, 1)
    );
}

/// An agreement decides what flows: nothing before every party approves, only the agreed
/// types and sensitivities with fields withheld and locations coarsened while active, and
/// nothing at all once revoked.
#[tokio::test]
async fn agreements_decide_what_flows_and_revocation_stops_it_at_once() {
    let s = spawn().await;
    s.app
        .create_user(
            None,
            "admin.polda",
            "",
            "POLDA-JAMBI",
            "agency_admin",
            PASSWORD,
        )
        .await
        .expect("user");
    let t = s.token("petugas").await;
    let mut shared = feature("Sabu di gudang", "internal");
    shared["properties"]["attributes"]["suspect_names"] = json!("Budi, Ani");
    let a: Value = s
        .post(&t, "/api/v1/reports")
        .json(&shared)
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let a_id = a["id"].as_str().expect("id").to_string();
    s.post(&t, "/api/v1/reports")
        .json(&feature("Tetap terbatas", "restricted"))
        .send()
        .await
        .expect("send");
    let polisi = s.token("polisi").await;
    let count = |body: Value| body["numberReturned"].as_u64().expect("n");
    let list = || async {
        s.get(&polisi, "/api/v1/reports")
            .send()
            .await
            .expect("send")
            .json::<Value>()
            .await
            .expect("json")
    };
    assert_eq!(count(list().await), 0);

    let bnnp = s.token("admin.bnnp").await;
    let body = json!({"title": "PKS BNNP Jambi – Polda Jambi", "number": "PKS/01/2025",
        "parties": ["BNNP-JAMBI", "POLDA-JAMBI"], "valid_from": "2025-01-01", "valid_until": "2030-12-31",
        "clauses": [{"from": "BNNP-JAMBI", "to": ["POLDA-JAMBI"], "categories": ["narcotics"], "max_sensitivity": "internal",
            "withheld_fields": ["suspect_names"], "location_precision_m": 1000, "include_subagencies": true}]});
    let r = s
        .post(&bnnp, "/api/v1/agreements")
        .json(&body)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);
    let ag: Value = r.json().await.expect("json");
    assert_eq!(ag["status"], "proposed");
    assert!(ag["what_flows_where"][0]
        .as_str()
        .expect("summary")
        .contains("BNNP-JAMBI (beserta sub-instansi) → POLDA-JAMBI"));
    let id = ag["id"].as_str().expect("id").to_string();
    let r = s
        .post(&polisi, &format!("/api/v1/agreements/{id}/approve"))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::FORBIDDEN).await;
    let r: Value = s
        .post(&bnnp, &format!("/api/v1/agreements/{id}/approve"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(r["status"], "proposed");
    assert_eq!(
        count(list().await),
        0,
        "nothing flows before every party approves"
    );
    let polda = s.token("admin.polda").await;
    let r: Value = s
        .post(&polda, &format!("/api/v1/agreements/{id}/approve"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(r["status"], "active");

    let page = list().await;
    assert_eq!(
        count(page.clone()),
        1,
        "only the internal narcotics report of BNNK (below BNNP) flows"
    );
    let f = &page["features"][0];
    assert_eq!(f["id"], a_id.as_str());
    assert!(
        f["properties"]["attributes"].get("suspect_names").is_none(),
        "{f}"
    );
    assert_eq!(
        f["properties"]["attributes"]["substance"],
        "methamphetamine"
    );
    assert_eq!(f["properties"]["access"]["precision"], 1000);
    assert_ne!(f["geometry"], a["geometry"], "the location is coarsened");
    assert_eq!(
        list().await["features"][0]["geometry"],
        f["geometry"],
        "the same cell every time"
    );
    let one: Value = s
        .get(&polisi, &format!("/api/v1/reports/{a_id}"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(one["geometry"], f["geometry"]);
    assert!(one["properties"]["attributes"]
        .get("suspect_names")
        .is_none());
    let counts: Value = s
        .get(&polisi, "/api/v1/reports/counts")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(counts["total"], 1);
    let csv = s
        .get(&polisi, "/api/v1/reports/export?format=csv")
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("csv");
    assert_eq!(csv.lines().count(), 2);
    assert!(!csv.contains("Budi"), "{csv}");
    let r = s
        .http
        .patch(format!("{}/api/v1/reports/{a_id}", s.url))
        .bearer_auth(&polisi)
        .header("if-match", "\"1\"")
        .json(&json!({"title": "x"}))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::FORBIDDEN).await;

    let r: Value = s
        .post(&polda, &format!("/api/v1/agreements/{id}/revoke"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(r["status"], "revoked");
    assert_eq!(count(list().await), 0, "revocation stops sharing at once");
    let r = s
        .get(&polisi, &format!("/api/v1/reports/{a_id}"))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::NOT_FOUND).await;
    let counts: Value = s
        .get(&polisi, "/api/v1/reports/counts")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(counts["total"], 0);

    let bad = json!({"title": "x", "number": "y", "parties": [], "valid_from": "2025-02-01", "valid_until": "2025-01-01",
        "clauses": [{"from": "BNNP-JAMBI", "to": ["BNNP-JAMBI"], "report_types": ["alien_landing"], "max_sensitivity": "internal"}]});
    let p = problem(
        s.post(&bnnp, "/api/v1/agreements")
            .json(&bad)
            .send()
            .await
            .expect("send"),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let f = fields(&p);
    for want in ["parties", "valid_until", "clauses[0].report_types"] {
        assert!(f.contains(&want.to_string()), "{want} in {f:?}");
    }
    let ghost = json!({"title": "x", "number": "y", "parties": ["BNNP-JAMBI", "NOPE"], "valid_from": "2025-01-01", "valid_until": "2026-01-01"});
    let p = problem(
        s.post(&bnnp, "/api/v1/agreements")
            .json(&ghost)
            .send()
            .await
            .expect("send"),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&p), ["parties[1]"]);
    let v: Value = s
        .get(&bnnp, "/api/v1/audit?action=agreement_approve")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(
        v["entries"].as_array().expect("entries").len(),
        1,
        "BNNP's admin sees BNNP's approval"
    );
}

/// A referral shares one record with one agency until it ends or is revoked.
#[tokio::test]
async fn referrals_share_one_report_until_revoked() {
    let s = spawn().await;
    let t = s.token("petugas").await;
    let r: Value = s
        .post(&t, "/api/v1/reports")
        .json(&feature("Dirujuk ke polisi", "restricted"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let id = r["id"].as_str().expect("id").to_string();
    let polisi = s.token("polisi").await;
    assert_eq!(
        s.get(&polisi, &format!("/api/v1/reports/{id}"))
            .send()
            .await
            .expect("send")
            .status(),
        StatusCode::NOT_FOUND
    );
    let k = s.token("koordinator").await;
    let until = (s.app.now() + chrono::Duration::days(3)).to_rfc3339();
    let r = s
        .post(&k, &format!("/api/v1/reports/{id}/referrals"))
        .json(&json!({"to": "BNNK-BATANGHARI", "reason": "x", "until": until}))
        .send()
        .await
        .expect("send");
    assert_eq!(
        fields(&problem(r, StatusCode::UNPROCESSABLE_ENTITY).await),
        ["to"]
    );
    let r = s
        .post(&k, &format!("/api/v1/reports/{id}/referrals"))
        .json(&json!({"to": "POLDA-JAMBI", "reason": "", "until": "2001-01-01T00:00:00Z"}))
        .send()
        .await
        .expect("send");
    assert_eq!(
        fields(&problem(r, StatusCode::UNPROCESSABLE_ENTITY).await),
        ["reason", "until"]
    );
    let r = s
        .post(&k, &format!("/api/v1/reports/{id}/referrals"))
        .json(&json!({"to": "POLDA-JAMBI", "reason": "Penyidikan bersama", "until": until}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);
    let referral: Value = r.json().await.expect("json");
    let got: Value = s
        .get(&polisi, &format!("/api/v1/reports/{id}"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(got["properties"]["title"], "Dirujuk ke polisi");
    let list: Value = s
        .get(&polisi, "/api/v1/reports")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(list["numberReturned"], 1);
    let r = s
        .post(&polisi, &format!("/api/v1/reports/{id}/referrals"))
        .json(&json!({"to": "BNN", "reason": "y", "until": until}))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::NOT_FOUND).await;
    let rid = referral["id"].as_str().expect("id");
    let r = s
        .http
        .delete(format!("{}/api/v1/reports/{id}/referrals/{rid}", s.url))
        .bearer_auth(&k)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        s.get(&polisi, &format!("/api/v1/reports/{id}"))
            .send()
            .await
            .expect("send")
            .status(),
        StatusCode::NOT_FOUND
    );
    let r = s
        .http
        .delete(format!("{}/api/v1/reports/{id}/referrals/{rid}", s.url))
        .bearer_auth(&k)
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::CONFLICT).await;

    // A public report's referrals are the owner's and the recipient's business only.
    let new = NewAgency::parse(
        "DINSOS-JAMBI",
        "Dinas Sosial",
        "local_government",
        None,
        &["15".to_string()],
    )
    .expect("agency");
    s.app.create_agency(None, new).await.expect("agency");
    s.app
        .create_user(None, "dinsos", "", "DINSOS-JAMBI", "coordinator", PASSWORD)
        .await
        .expect("user");
    let public: Value = s
        .post(&t, "/api/v1/reports")
        .json(&feature("Penyuluhan terbuka", "public"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let pid = public["id"].as_str().expect("id");
    let r = s
        .post(&k, &format!("/api/v1/reports/{pid}/referrals"))
        .json(&json!({"to": "POLDA-JAMBI", "reason": "Pelaku diduga jaringan", "until": until}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);
    let referrals_seen_by = |token: String| {
        let path = format!("/api/v1/reports/{pid}/referrals");
        let s = &s;
        async move {
            let v: Value = s
                .get(&token, &path)
                .send()
                .await
                .expect("send")
                .json()
                .await
                .expect("json");
            v["referrals"]
                .as_array()
                .map(Vec::len)
                .unwrap_or_else(|| panic!("{v}"))
        }
    };
    assert_eq!(referrals_seen_by(k.clone()).await, 1, "the owner");
    assert_eq!(referrals_seen_by(polisi.clone()).await, 1, "the recipient");
    assert_eq!(
        referrals_seen_by(s.token("dinsos").await).await,
        0,
        "a stranger"
    );
}

/// Emergency access opens one restricted report to one person for a few hours, needs a
/// justification and an allowed role, and is visible to the owner agency's administrators.
#[tokio::test]
async fn break_glass_is_justified_limited_and_audited() {
    let s = spawn().await;
    s.app
        .create_user(
            None,
            "kanit.polda",
            "",
            "POLDA-JAMBI",
            "coordinator",
            PASSWORD,
        )
        .await
        .expect("user");
    s.app
        .create_user(None, "root", "", "POLDA-JAMBI", "system_admin", PASSWORD)
        .await
        .expect("user");
    let t = s.token("petugas").await;
    let r: Value = s
        .post(&t, "/api/v1/reports")
        .json(&feature("Lokasi gudang", "restricted"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let id = r["id"].as_str().expect("id").to_string();
    let secret: Value = s
        .post(&t, "/api/v1/reports")
        .json(&feature("Informan", "secret"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let kanit = s.token("kanit.polda").await;
    let path = format!("/api/v1/reports/{id}/break-glass");
    let r = s
        .post(&kanit, &path)
        .json(&json!({"justification": "perlu"}))
        .send()
        .await
        .expect("send");
    assert_eq!(
        fields(&problem(r, StatusCode::UNPROCESSABLE_ENTITY).await),
        ["justification"]
    );
    let polisi = s.token("polisi").await;
    let r = s
        .post(&polisi, &path)
        .json(&json!({"justification": "Penggerebekan malam ini di lokasi yang sama"}))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::FORBIDDEN).await;
    let r = s
        .post(
            &kanit,
            &format!(
                "/api/v1/reports/{}/break-glass",
                secret["id"].as_str().expect("id")
            ),
        )
        .json(&json!({"justification": "Penggerebekan malam ini di lokasi yang sama"}))
        .send()
        .await
        .expect("send");
    // A hidden secret report answers exactly like a missing one.
    let hidden = problem(r, StatusCode::NOT_FOUND).await;
    let r = s
        .post(
            &kanit,
            "/api/v1/reports/01970000-0000-7000-8000-00000000dead/break-glass",
        )
        .json(&json!({"justification": "Penggerebekan malam ini di lokasi yang sama"}))
        .send()
        .await
        .expect("send");
    let missing = problem(r, StatusCode::NOT_FOUND).await;
    for k in ["title", "detail", "code", "status"] {
        assert_eq!(hidden[k], missing[k], "{k}");
    }
    assert_eq!(
        s.get(&kanit, &format!("/api/v1/reports/{id}"))
            .send()
            .await
            .expect("send")
            .status(),
        StatusCode::NOT_FOUND
    );
    let r = s
        .post(&kanit, &path)
        .json(&json!({"justification": "Penggerebekan malam ini di lokasi yang sama"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);
    let got = s
        .get(&kanit, &format!("/api/v1/reports/{id}"))
        .send()
        .await
        .expect("send");
    assert_eq!(got.status(), StatusCode::OK);
    let again = s
        .post(&kanit, &path)
        .json(&json!({"justification": "Penggerebekan malam ini di lokasi yang sama"}))
        .send()
        .await
        .expect("send");
    problem(again, StatusCode::CONFLICT).await;
    let admin = s.token("admin.bnnp").await;
    let v: Value = s
        .get(&admin, "/api/v1/audit?action=break_glass")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(
        v["entries"][0]["actor"], "kanit.polda",
        "the owner side's admin sees who opened it"
    );

    // The owner side's administrators were told, in the application: the report's agency
    // (BNNK) has no administrator, so the one above it (BNNP) is.
    let bnnp = s.token("admin.bnnp").await;
    let v: Value = s
        .get(&bnnp, "/api/v1/notifications")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(v["unread"], 1, "{v}");
    assert_eq!(v["notifications"][0]["kind"], "break_glass");
    assert_eq!(v["notifications"][0]["record_id"], id.as_str());
    assert_eq!(v["notifications"][0]["detail"]["by"], "kanit.polda");
    assert_eq!(
        v["notifications"][0]["detail"]["justification"],
        "Penggerebekan malam ini di lokasi yang sama"
    );
    let nid = v["notifications"][0]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let r = s
        .post(&kanit, &format!("/api/v1/notifications/{nid}/read"))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::NOT_FOUND).await;
    let r = s
        .post(&bnnp, &format!("/api/v1/notifications/{nid}/read"))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let v: Value = s
        .get(&bnnp, "/api/v1/notifications?unread=true")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(v["unread"], 0);
    assert_eq!(v["notifications"].as_array().map(Vec::len), Some(0));

    let root = s.token("root").await;
    // A system administrator does nothing before setting up a second factor.
    let r = s
        .http
        .put(format!("{}/api/v1/settings/break-glass", s.url))
        .bearer_auth(&root)
        .json(&json!({"roles": []}))
        .send()
        .await
        .expect("send");
    assert_eq!(
        problem(r, StatusCode::FORBIDDEN).await["code"],
        "totp_enrolment_required"
    );
    s.enrol(&root).await;
    let r = s
        .http
        .put(format!("{}/api/v1/settings/break-glass", s.url))
        .bearer_auth(&kanit)
        .json(&json!({"roles": ["field_officer"]}))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::FORBIDDEN).await;
    let r = s
        .http
        .put(format!("{}/api/v1/settings/break-glass", s.url))
        .bearer_auth(&root)
        .json(&json!({"roles": ["wizard"]}))
        .send()
        .await
        .expect("send");
    assert_eq!(
        fields(&problem(r, StatusCode::UNPROCESSABLE_ENTITY).await),
        ["roles[0]"]
    );
    let r = s
        .http
        .put(format!("{}/api/v1/settings/break-glass", s.url))
        .bearer_auth(&root)
        .json(&json!({"roles": []}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    let other: Value = s
        .post(&t, "/api/v1/reports")
        .json(&feature("Lain", "restricted"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let r = s
        .post(
            &kanit,
            &format!(
                "/api/v1/reports/{}/break-glass",
                other["id"].as_str().expect("id")
            ),
        )
        .json(&json!({"justification": "Penggerebekan malam ini di lokasi yang sama"}))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::FORBIDDEN).await;
}

/// Read-only tokens read but never change; tokens expire when asked; "sign out
/// everywhere" ends every session; weak passwords are refused.
#[tokio::test]
async fn token_scopes_revocation_and_password_rules() {
    let s = spawn().await;
    let r = s.http.post(format!("{}/api/v1/auth/token", s.url)).json(&json!({"username": "petugas", "password": PASSWORD, "scope": "read", "expires_in_days": 1})).send().await.expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.expect("json");
    assert_eq!(v["scope"], "read");
    let read = v["token"].as_str().expect("token").to_string();
    assert_eq!(
        s.get(&read, "/api/v1/reports")
            .send()
            .await
            .expect("send")
            .status(),
        StatusCode::OK
    );
    let r = s
        .post(&read, "/api/v1/reports")
        .json(&feature("Lewat token baca", "internal"))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::FORBIDDEN).await;
    let r = s.http.post(format!("{}/api/v1/auth/token", s.url)).json(&json!({"username": "petugas", "password": PASSWORD, "scope": "admin", "expires_in_days": 0})).send().await.expect("send");
    assert_eq!(
        fields(&problem(r, StatusCode::UNPROCESSABLE_ENTITY).await),
        ["scope", "expires_in_days"]
    );

    let other = s.token("petugas").await;
    let r = s
        .post(&other, "/api/v1/users/me/sessions/revoke")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    for t in [&read, &other] {
        assert_eq!(
            s.get(t, "/api/v1/me").send().await.expect("send").status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let k = s.token("koordinator").await;
    let admin = s.token("admin.bnnp").await;
    let r = s
        .post(&admin, "/api/v1/users/koordinator/sessions/revoke")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        s.get(&k, "/api/v1/me").send().await.expect("send").status(),
        StatusCode::UNAUTHORIZED
    );
    let polisi = s.token("polisi").await;
    let r = s
        .post(&polisi, "/api/v1/users/koordinator/sessions/revoke")
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::NOT_FOUND).await;

    for weak in ["password123!", "bismillah2025", "baru.sekali-2025"] {
        let r = s.post(&admin, "/api/v1/users").json(&json!({"username": "baru.sekali", "agency": "BNNP-JAMBI", "role": "analyst", "password": weak})).send().await.expect("send");
        assert_eq!(
            fields(&problem(r, StatusCode::UNPROCESSABLE_ENTITY).await),
            ["password"],
            "{weak}"
        );
    }
}

/// An unrelated agency's user learns nothing of another agency's restricted report from any
/// route that returns records: every record route answers exactly as for a missing id, and
/// lists, counts and exports leave it out. A new record route must be added here.
#[tokio::test]
async fn no_route_leaks_a_restricted_report_to_an_unrelated_agency() {
    let s = spawn().await;
    let t = s.token("petugas").await;
    let r: Value = s
        .post(&t, "/api/v1/reports")
        .json(&feature("Sangat terbatas", "restricted"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let id = r["id"].as_str().expect("id").to_string();
    let png = b"\x89PNG\r\n\x1a\nsigned".to_vec();
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(png).file_name("a.png"),
    );
    let att: Value = s
        .post(&t, &format!("/api/v1/reports/{id}/attachments"))
        .multipart(form)
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let att_id = att["id"].as_str().expect("id").to_string();
    let missing = "01970000-0000-7000-8000-00000000dead";
    let p = s.token("polisi").await;

    let record_routes: Vec<&str> = sinergi_web::api::route_table()
        .into_iter()
        .map(|(path, _)| path)
        .filter(|path| {
            path.contains("{id}")
                && (path.starts_with("/reports/") || path.starts_with("/attachments/"))
        })
        .collect();
    let checked = [
        "/reports/{id}",
        "/reports/{id}/history",
        "/reports/{id}/attachments",
        "/reports/{id}/referrals",
        "/attachments/{id}",
    ];
    let posts_only = [
        "/reports/{id}/break-glass",
        "/reports/{id}/referrals/{referral}",
    ];
    for route in &record_routes {
        assert!(
            checked.contains(route) || posts_only.contains(route),
            "{route} is not covered by this test"
        );
    }
    for route in checked {
        let real = route.replace(
            "{id}",
            if route.starts_with("/attachments") {
                &att_id
            } else {
                &id
            },
        );
        let ghost = route.replace("{id}", missing);
        let a = problem(
            s.get(&p, &format!("/api/v1{real}"))
                .send()
                .await
                .expect("send"),
            StatusCode::NOT_FOUND,
        )
        .await;
        let b = problem(
            s.get(&p, &format!("/api/v1{ghost}"))
                .send()
                .await
                .expect("send"),
            StatusCode::NOT_FOUND,
        )
        .await;
        for k in ["title", "detail", "code", "status"] {
            assert_eq!(a[k], b[k], "{route}: {k}");
        }
    }
    let list: Value = s
        .get(&p, "/api/v1/reports?q=terbatas")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(list["numberReturned"], 0);
    // Filters find nothing of it either, however they are narrowed.
    probe_filters(
        &s,
        &p,
        &id,
        (103.2378, -1.7299),
        r["properties"]["region_code"].as_str().expect("region"),
        Some("terbatas"),
        None,
    )
    .await;
    let counts: Value = s
        .get(&p, "/api/v1/reports/counts")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(counts["total"], 0);
    for format in ["csv", "geojson"] {
        let body = s
            .get(&p, &format!("/api/v1/reports/export?format={format}"))
            .send()
            .await
            .expect("send")
            .text()
            .await
            .expect("text");
        assert!(
            !body.contains("Sangat terbatas") && !body.contains(&id),
            "{format}: {body}"
        );
    }
    // Changes answer as for a missing record too, never 403.
    let r = s
        .http
        .patch(format!("{}/api/v1/reports/{id}", s.url))
        .bearer_auth(&p)
        .header("if-match", "\"1\"")
        .json(&json!({"title": "x"}))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::NOT_FOUND).await;
    let r = s
        .post(&p, &format!("/api/v1/reports/{id}/referrals"))
        .json(&json!({"to": "BNN", "reason": "x", "until": "2099-01-01T00:00:00Z"}))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn a_second_factor_guards_sign_in_and_system_admins_must_have_one() {
    let s = spawn().await;
    s.app
        .create_user(None, "root", "", "BNN", "system_admin", PASSWORD)
        .await
        .expect("user");
    let sign_in = |body: Value| {
        s.http
            .post(format!("{}/api/v1/auth/token", s.url))
            .json(&body)
            .send()
    };
    let root = s.token("root").await;
    let r = s.get(&root, "/api/v1/reports").send().await.expect("send");
    assert_eq!(
        problem(r, StatusCode::FORBIDDEN).await["code"],
        "totp_enrolment_required"
    );
    let me: Value = s
        .get(&root, "/api/v1/me/totp")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(me["enabled"], false);
    assert_eq!(me["mandatory"], true);
    let r = s.post(&root, "/api/v1/me/totp").send().await.expect("send");
    let v: Value = r.json().await.expect("json");
    let secret = TotpSecret::parse_base32(v["secret"].as_str().expect("secret")).expect("b32");
    let wrong = format!(
        "{:06}",
        (secret.code_at(now_s()).parse::<u32>().expect("n") + 1) % 1_000_000
    );
    let r = s
        .post(&root, "/api/v1/me/totp/confirm")
        .json(&json!({"code": wrong}))
        .send()
        .await
        .expect("send");
    assert_eq!(
        fields(&problem(r, StatusCode::UNPROCESSABLE_ENTITY).await),
        ["code"]
    );
    let r = s
        .post(&root, "/api/v1/me/totp/confirm")
        .json(&json!({"code": secret.code_at(now_s())}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    let r = s.get(&root, "/api/v1/reports").send().await.expect("send");
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "enrolled: the same session works"
    );
    let r = s.post(&root, "/api/v1/me/totp").send().await.expect("send");
    problem(r, StatusCode::CONFLICT).await;

    // Signing in now needs the code.
    let r = sign_in(json!({"username": "root", "password": PASSWORD}))
        .await
        .expect("send");
    assert_eq!(
        problem(r, StatusCode::UNAUTHORIZED).await["code"],
        "totp_required"
    );
    let r = sign_in(json!({"username": "root", "password": PASSWORD, "totp": wrong}))
        .await
        .expect("send");
    assert_eq!(
        problem(r, StatusCode::UNAUTHORIZED).await["code"],
        "unauthenticated"
    );
    let r = sign_in(json!({"username": "root", "password": "wrong-password", "totp": secret.code_at(now_s() + 30)}))
        .await
        .expect("send");
    assert_eq!(
        problem(r, StatusCode::UNAUTHORIZED).await["code"],
        "unauthenticated"
    );
    // The next step's code (accepted for clock drift) is later than the one used to enrol.
    let code = secret.code_at(now_s() + 30);
    let r = sign_in(json!({"username": "root", "password": PASSWORD, "totp": code}))
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    let r = sign_in(json!({"username": "root", "password": PASSWORD, "totp": code}))
        .await
        .expect("send");
    assert_eq!(
        problem(r, StatusCode::UNAUTHORIZED).await["code"],
        "unauthenticated",
        "a code works once"
    );
    let r = s
        .http
        .delete(format!("{}/api/v1/me/totp", s.url))
        .bearer_auth(&root)
        .json(&json!({"code": secret.code_at(now_s())}))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::CONFLICT).await;

    // Optional for others: a field officer turns it on, loses the phone, the agency's
    // administrator clears it and every session of theirs ends.
    let petugas = s.token("petugas").await;
    let lost = s.enrol(&petugas).await;
    let r = sign_in(json!({"username": "petugas", "password": PASSWORD}))
        .await
        .expect("send");
    assert_eq!(
        problem(r, StatusCode::UNAUTHORIZED).await["code"],
        "totp_required"
    );
    let polisi = s.token("polisi").await;
    let r = s
        .post(&polisi, "/api/v1/users/petugas/totp/reset")
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::NOT_FOUND).await;
    let admin = s.token("admin.bnnp").await;
    let r = s
        .post(&admin, "/api/v1/users/petugas/totp/reset")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = s.get(&petugas, "/api/v1/me").send().await.expect("send");
    problem(r, StatusCode::UNAUTHORIZED).await;
    let petugas = s.token("petugas").await;
    // Turning it off oneself needs a current code.
    let again = s.enrol(&petugas).await;
    assert_ne!(again, lost, "a new secret each time");
    let r = s
        .http
        .delete(format!("{}/api/v1/me/totp", s.url))
        .bearer_auth(&petugas)
        .json(&json!({"code": "000000x"}))
        .send()
        .await
        .expect("send");
    assert_eq!(
        fields(&problem(r, StatusCode::UNPROCESSABLE_ENTITY).await),
        ["code"]
    );
    let r = s
        .http
        .delete(format!("{}/api/v1/me/totp", s.url))
        .bearer_auth(&petugas)
        .json(&json!({"code": again.code_at(now_s() + 30)}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    s.token("petugas").await;

    let v: Value = s
        .get(&root, "/api/v1/audit?action=totp_enable")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let who: Vec<&str> = v["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["actor"].as_str())
        .collect();
    assert_eq!(who, ["petugas", "petugas", "root"]);
}

#[tokio::test]
async fn draft_agreements_are_edited_then_proposed_and_carry_their_documents() {
    let s = spawn().await;
    let bnnp = s.token("admin.bnnp").await;
    let mut body = json!({"title": "Draf PKS", "number": "PKS/02/2025", "status": "draft",
        "parties": ["BNNP-JAMBI", "POLDA-JAMBI"], "valid_from": "2025-01-01", "valid_until": "2030-12-31",
        "clauses": [{"from": "BNNP-JAMBI", "to": ["POLDA-JAMBI"], "categories": ["narcotics"], "max_sensitivity": "internal"}]});
    let r = s
        .post(&bnnp, "/api/v1/agreements")
        .json(&body)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);
    let ag: Value = r.json().await.expect("json");
    assert_eq!(ag["status"], "draft");
    let id = ag["id"].as_str().expect("id").to_string();
    let r = s
        .post(&bnnp, &format!("/api/v1/agreements/{id}/approve"))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::CONFLICT).await;
    body["title"] = json!("PKS BNNP Jambi – Polda Jambi");
    body["status"] = json!("bogus");
    let put = |token: &str, etag: &str, body: &Value| {
        s.http
            .put(format!("{}/api/v1/agreements/{id}", s.url))
            .bearer_auth(token)
            .header("if-match", etag)
            .json(body)
            .send()
    };
    let r = put(&bnnp, "\"1\"", &body).await.expect("send");
    assert_eq!(
        fields(&problem(r, StatusCode::UNPROCESSABLE_ENTITY).await),
        ["status"]
    );
    body["status"] = json!("draft");
    let polisi = s.token("polisi").await;
    let r = put(&polisi, "\"1\"", &body).await.expect("send");
    problem(r, StatusCode::FORBIDDEN).await;
    let r = put(&bnnp, "\"1\"", &body).await.expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    let ag: Value = r.json().await.expect("json");
    assert_eq!(
        (
            ag["title"].as_str(),
            ag["status"].as_str(),
            ag["version"].as_i64()
        ),
        (Some("PKS BNNP Jambi – Polda Jambi"), Some("draft"), Some(2))
    );
    let r = put(&bnnp, "\"1\"", &body).await.expect("send");
    problem(r, StatusCode::PRECONDITION_FAILED).await;
    let r = s
        .post(&bnnp, &format!("/api/v1/agreements/{id}/propose"))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.expect("json")["status"], "proposed");
    let r = put(&bnnp, "\"3\"", &body).await.expect("send");
    problem(r, StatusCode::CONFLICT).await;
    let r = s
        .post(&bnnp, &format!("/api/v1/agreements/{id}/propose"))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::CONFLICT).await;

    // The signed text: PDF by its bytes, stored once, readable by the parties only.
    let upload = |token: &str, name: &str, bytes: Vec<u8>| {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_string());
        s.post(token, &format!("/api/v1/agreements/{id}/documents"))
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
    };
    let pdf = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".to_vec();
    let r = upload(&bnnp, "naskah.pdf", b"bukan pdf".to_vec())
        .await
        .expect("send");
    problem(r, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
    let r = upload(&polisi, "naskah.pdf", pdf.clone())
        .await
        .expect("send");
    problem(r, StatusCode::FORBIDDEN).await;
    let r = upload(&bnnp, "naskah PKS.pdf", pdf.clone())
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);
    let doc: Value = r.json().await.expect("json");
    let r = upload(&bnnp, "salinan.pdf", pdf.clone())
        .await
        .expect("send");
    assert_eq!(
        r.json::<Value>().await.expect("json")["id"],
        doc["id"],
        "the same file once"
    );
    let ag: Value = s
        .get(&polisi, &format!("/api/v1/agreements/{id}"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(ag["documents"].as_array().map(Vec::len), Some(1));
    assert_eq!(ag["documents"][0]["filename"], "naskah PKS.pdf");
    let href = doc["href"].as_str().expect("href").to_string();
    let r = s.get(&polisi, &href).send().await.expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/pdf")
    );
    assert_eq!(r.bytes().await.expect("bytes").to_vec(), pdf);
    let analis = s.token("analis").await;
    let r = s.get(&analis, &href).send().await.expect("send");
    problem(r, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn exports_arrive_whole_when_the_client_accepts_gzip() {
    let s = spawn().await;
    let t = s.token("petugas").await;
    for i in 0..3 {
        let title = if i == 0 {
            "=HYPERLINK(\"http://contoh.test\",\"klik\")".to_string()
        } else {
            format!("Penangkapan {i}")
        };
        let r = s
            .post(&t, "/api/v1/reports")
            .json(&feature(&title, "internal"))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let csv_text = harness::gunzip_text(
        s.get(&t, "/api/v1/reports/export?format=csv")
            .header("accept-encoding", "gzip")
            .send()
            .await
            .expect("send"),
    )
    .await;
    let mut rd = csv::Reader::from_reader(csv_text.as_bytes());
    let titles: Vec<String> = rd
        .records()
        .map(|r| r.expect("csv row")[2].to_string())
        .collect();
    assert_eq!(titles.len(), 3, "{csv_text}");
    // A title that a spreadsheet would run as a formula is written as text.
    assert!(
        titles
            .iter()
            .all(|t| t.starts_with("Penangkapan") || t.starts_with("'=HYPERLINK")),
        "{titles:?}"
    );
    assert!(titles.iter().any(|t| t.starts_with("'=")));
    let geojson: Value = serde_json::from_str(
        &harness::gunzip_text(
            s.get(&t, "/api/v1/reports/export?format=geojson")
                .header("accept-encoding", "gzip")
                .send()
                .await
                .expect("send"),
        )
        .await,
    )
    .expect("whole GeoJSON");
    assert_eq!(geojson["features"].as_array().map(Vec::len), Some(3));

    // Records, exports and attachments are never kept by a browser or shared cache.
    let id = geojson["features"][0]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"\x89PNG\r\n\x1a\nfoto".to_vec()).file_name("a.png"),
    );
    let att: Value = s
        .post(&t, &format!("/api/v1/reports/{id}/attachments"))
        .multipart(form)
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    for path in [
        format!("/api/v1/reports/{id}"),
        "/api/v1/reports".to_string(),
        "/api/v1/reports/export?format=csv".to_string(),
        format!(
            "/api/v1/attachments/{}",
            att["id"].as_str().expect("attachment id")
        ),
    ] {
        let r = s.get(&t, &path).send().await.expect("send");
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert_eq!(r.headers()["cache-control"], "no-store", "{path}");
    }
}

/// Web pages are for browser sessions: an API token, above all a read-only one, can neither
/// open a form (and read its CSRF token) nor post one, nor with the token put in the cookie.
#[tokio::test]
async fn api_tokens_do_not_open_or_post_web_pages() {
    let s = spawn().await;
    let http = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let r = s.http.post(format!("{}/api/v1/auth/token", s.url)).json(&json!({"username": "petugas", "password": PASSWORD, "scope": "read", "expires_in_days": 1})).send().await.expect("send");
    let read = r.json::<Value>().await.expect("json")["token"]
        .as_str()
        .expect("token")
        .to_string();
    let full = s.token("petugas").await;
    for token in [&read, &full] {
        let r = http
            .get(format!("{}/laporan/baru", s.url))
            .bearer_auth(token)
            .send()
            .await
            .expect("send");
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "the form needs a session"
        );
        assert_eq!(r.headers()["location"], "/masuk");
        let r = http
            .get(format!("{}/laporan/baru", s.url))
            .header("cookie", format!("sinergi_session={token}"))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "a token is no session");
        let r = http
            .post(format!("{}/laporan", s.url))
            .bearer_auth(token)
            .form(&[
                ("_csrf", "x"),
                ("type", "narcotics_arrest"),
                ("title", "Lewat halaman"),
            ])
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], "/masuk");
    }
    let list: Value = s
        .get(&full, "/api/v1/reports")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(list["numberReturned"], 0);
}

/// The ids a list or export request returns.
async fn ids_in(s: &Server, token: &str, path: &str) -> Vec<String> {
    let r = s.get(token, path).send().await.expect("send");
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    let v: Value = r.json().await.expect("json");
    v["features"]
        .as_array()
        .expect("features")
        .iter()
        .filter_map(|f| f["id"].as_str().map(String::from))
        .collect()
}

/// Probes a record with every list filter the way someone hunting its hidden original
/// would: bisecting a box around the exact position 24 times, asking for the exact village,
/// searching withheld text. Every answer must follow the form the caller is shown (`shown`:
/// the delivered point and region code, `None` when the record is hidden), never the
/// stored one. Lists and exports alike.
async fn probe_filters(
    s: &Server,
    token: &str,
    id: &str,
    exact: (f64, f64),
    exact_region: &str,
    withheld_word: Option<&str>,
    shown: Option<((f64, f64), &str)>,
) {
    let inside =
        |b: [f64; 4], p: (f64, f64)| b[0] <= p.0 && p.0 <= b[2] && b[1] <= p.1 && p.1 <= b[3];
    let expect = |b: [f64; 4]| shown.is_some_and(|(p, _)| inside(b, p));
    let bbox = |b: [f64; 4]| format!("{},{},{},{}", b[0], b[1], b[2], b[3]);
    let mut b = [exact.0 - 0.5, exact.1 - 0.5, exact.0 + 0.5, exact.1 + 0.5];
    for step in 0..24 {
        let (lo, hi) = if step % 2 == 0 {
            let mid = (b[0] + b[2]) / 2.0;
            ([b[0], b[1], mid, b[3]], [mid, b[1], b[2], b[3]])
        } else {
            let mid = (b[1] + b[3]) / 2.0;
            ([b[0], b[1], b[2], mid], [b[0], mid, b[2], b[3]])
        };
        // Follow the half holding the exact position, as an attacker who had guessed right
        // would: the answers must still only reflect the shown position.
        let half = if inside(lo, exact) { lo } else { hi };
        let got = ids_in(s, token, &format!("/api/v1/reports?bbox={}", bbox(half))).await;
        assert_eq!(
            got.iter().any(|x| x == id),
            expect(half),
            "step {step}: bbox {} answered on the hidden position",
            bbox(half)
        );
        b = half;
    }
    let tiny = [
        exact.0 - 1e-5,
        exact.1 - 1e-5,
        exact.0 + 1e-5,
        exact.1 + 1e-5,
    ];
    for format in ["geojson", "csv"] {
        let body = s
            .get(
                token,
                &format!("/api/v1/reports/export?format={format}&bbox={}", bbox(tiny)),
            )
            .send()
            .await
            .expect("send")
            .text()
            .await
            .expect("text");
        assert_eq!(body.contains(id), expect(tiny), "{format} export: {body}");
    }
    // Region filters: every level of the stored code, matched against the shown code.
    let parts: Vec<&str> = exact_region.split('.').collect();
    for n in 1..=parts.len() {
        let prefix = parts[..n].join(".");
        let want = shown
            .is_some_and(|(_, code)| code == prefix || code.starts_with(&format!("{prefix}.")));
        let got = ids_in(s, token, &format!("/api/v1/reports?region={prefix}")).await;
        assert_eq!(got.iter().any(|x| x == id), want, "region={prefix}");
    }
    if let Some(word) = withheld_word {
        let got = ids_in(s, token, &format!("/api/v1/reports?q={word}")).await;
        assert!(!got.iter().any(|x| x == id), "q matched withheld text");
    }
}

/// Filters act on the form the caller receives, at every precision an agreement can give
/// (1 km, 10 km, region) and for a location-sensitive type (10 km whatever the clause says).
#[tokio::test]
async fn filters_cannot_recover_a_coarsened_location() {
    for (precision, kind) in [
        (json!(1000), "narcotics_arrest"),
        (json!(10000), "narcotics_arrest"),
        (json!("region"), "narcotics_arrest"),
        (json!(0), "wildlife_sighting"),
    ] {
        let s = spawn().await;
        s.app
            .create_user(
                None,
                "admin.polda",
                "",
                "POLDA-JAMBI",
                "agency_admin",
                PASSWORD,
            )
            .await
            .expect("user");
        let exact = (103.237_81, -1.729_93);
        let t = s.token("petugas").await;
        let mut f = feature("Temuan di kebun", "internal");
        f["geometry"]["coordinates"] = json!([exact.0, exact.1]);
        f["properties"]["type"] = json!(kind);
        f["properties"]["description"] = json!("Saksi melihat dekat pondokrahasia");
        if kind == "wildlife_sighting" {
            f["properties"]["attributes"] = json!({"species": "gajah_sumatera", "count": 3});
        }
        let r = s
            .post(&t, "/api/v1/reports")
            .json(&f)
            .send()
            .await
            .expect("send");
        assert_eq!(
            r.status(),
            StatusCode::CREATED,
            "{}",
            r.text().await.unwrap_or_default()
        );
        let stored: Value = r.json().await.expect("json");
        let id = stored["id"].as_str().expect("id").to_string();
        let exact_region = stored["properties"]["region_code"]
            .as_str()
            .expect("region")
            .to_string();
        assert_eq!(exact_region.split('.').count(), 4, "located to a village");

        let bnnp = s.token("admin.bnnp").await;
        let category = if kind == "wildlife_sighting" {
            "wildlife"
        } else {
            "narcotics"
        };
        let body = json!({"title": "PKS", "number": "PKS/02/2025",
            "parties": ["BNNP-JAMBI", "POLDA-JAMBI"], "valid_from": "2025-01-01", "valid_until": "2030-12-31",
            "clauses": [{"from": "BNNP-JAMBI", "to": ["POLDA-JAMBI"], "categories": [category], "max_sensitivity": "internal",
                "withheld_fields": ["description"], "location_precision_m": precision, "include_subagencies": true}]});
        let ag: Value = s
            .post(&bnnp, "/api/v1/agreements")
            .json(&body)
            .send()
            .await
            .expect("send")
            .json()
            .await
            .expect("json");
        let ag_id = ag["id"].as_str().expect("agreement id").to_string();
        for who in ["admin.bnnp", "admin.polda"] {
            let tok = s.token(who).await;
            let r = s
                .post(&tok, &format!("/api/v1/agreements/{ag_id}/approve"))
                .send()
                .await
                .expect("send");
            assert_eq!(r.status(), StatusCode::OK);
        }
        let polisi = s.token("polisi").await;
        let shown: Value = s
            .get(&polisi, &format!("/api/v1/reports/{id}"))
            .send()
            .await
            .expect("send")
            .json()
            .await
            .expect("json");
        let c = &shown["geometry"]["coordinates"];
        let shown_at = (c[0].as_f64().expect("lon"), c[1].as_f64().expect("lat"));
        assert_ne!(shown_at, exact, "{precision}: coarsened");
        let decimals = |v: f64| format!("{v}").split('.').nth(1).map_or(0, str::len);
        assert!(
            decimals(shown_at.0) <= 3 && decimals(shown_at.1) <= 3,
            "{precision}: {shown_at:?}"
        );
        let shown_region = shown["properties"]["region_code"]
            .as_str()
            .expect("shown region")
            .to_string();
        probe_filters(
            &s,
            &polisi,
            &id,
            exact,
            &exact_region,
            Some("pondokrahasia"),
            Some((shown_at, &shown_region)),
        )
        .await;
        // Exports say what the partner received, as the list does.
        let gj: Value = s
            .get(&polisi, "/api/v1/reports/export?format=geojson")
            .send()
            .await
            .expect("send")
            .json()
            .await
            .expect("geojson");
        let access = &gj["features"][0]["properties"]["access"];
        assert_eq!(access["form"], "shared", "{gj}");
        assert_eq!(access["withheld"], json!(["description"]));
        let want_precision = if kind == "wildlife_sighting" {
            json!(10000)
        } else {
            precision.clone()
        };
        assert_eq!(access["precision"], want_precision);
        let csv_text = s
            .get(&polisi, "/api/v1/reports/export?format=csv")
            .send()
            .await
            .expect("send")
            .text()
            .await
            .expect("csv");
        let mut rd = csv::Reader::from_reader(csv_text.as_bytes());
        let head = rd.headers().expect("header").clone();
        let row = rd.records().next().expect("a row").expect("csv");
        let col = |name: &str| {
            let i = head
                .iter()
                .position(|h| h == name)
                .unwrap_or_else(|| panic!("no column {name}"));
            row[i].to_string()
        };
        assert_eq!(col("access"), "shared");
        assert_eq!(col("withheld"), "description");
        assert_eq!(
            col("location_precision_m"),
            want_precision
                .as_str()
                .map_or_else(|| want_precision.to_string(), String::from)
        );
        assert!(col("description").is_empty());
        // The owner still filters on the exact record.
        probe_filters(
            &s,
            &t,
            &id,
            exact,
            &exact_region,
            None,
            Some((exact, &exact_region)),
        )
        .await;
    }
}

/// A client connecting from another loopback address, as another office would.
fn client_from(addr: &str) -> Client {
    Client::builder()
        .local_address(addr.parse::<std::net::IpAddr>().expect("address"))
        .build()
        .expect("client")
}

/// Guessing is slowed per address and overall, and cannot lock the owner out: five wrong
/// passwords from one address block that user name from that address only; an address that
/// keeps failing is answered 429 with Retry-After before any password is checked.
#[tokio::test]
async fn sign_in_limits_slow_guessers_without_locking_the_owner_out() {
    let s = spawn().await;
    let attempt = |http: Client, user: &'static str, password: &'static str| {
        let url = format!("{}/api/v1/auth/token", s.url);
        async move {
            http.post(url)
                .json(&json!({"username": user, "password": password}))
                .send()
                .await
                .expect("send")
        }
    };
    let stranger = client_from("127.0.0.2");
    for _ in 0..5 {
        let r = attempt(stranger.clone(), "polisi", "tebak-tebakan").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let r = attempt(stranger.clone(), "polisi", PASSWORD).await;
    problem(r, StatusCode::TOO_MANY_REQUESTS).await;
    // The owner, elsewhere, still signs in.
    let owner = client_from("127.0.0.3");
    let r = attempt(owner.clone(), "polisi", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::OK);

    // An address spraying many names runs out of attempts.
    let sprayer = client_from("127.0.0.4");
    let mut limited = None;
    for (i, user) in [
        "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9", "a10", "a11", "a12",
    ]
    .into_iter()
    .enumerate()
    {
        let r = attempt(sprayer.clone(), user, "tebak-tebakan").await;
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            let retry: u64 = r.headers()["retry-after"]
                .to_str()
                .expect("header")
                .parse()
                .expect("seconds");
            assert!((1..=60).contains(&retry), "{retry}");
            problem(r, StatusCode::TOO_MANY_REQUESTS).await;
            limited = Some(i);
            break;
        }
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        limited,
        Some(10),
        "ten failed attempts per address, then 429"
    );
    // Refused attempts were never checked, so they left no audit entries.
    let failed = s
        .app
        .store
        .audit_entries(&sinergi_store::AuditFilter {
            limit: 1000,
            ..Default::default()
        })
        .await
        .expect("audit")
        .iter()
        .filter(|e| e.action == "sign_in_failed")
        .count();
    assert_eq!(failed, 5 + 10);
    // Successful sign-ins from one address (an office behind one NAT) are not limited.
    for _ in 0..15 {
        assert_eq!(
            attempt(owner.clone(), "petugas", PASSWORD).await.status(),
            StatusCode::OK
        );
    }
}

/// Input that cannot be read is a 400; input that reads but cannot be true is a 422 naming
/// the field; every error, even one the router raises itself, is problem+json.
#[tokio::test]
async fn malformed_and_implausible_input_is_refused() {
    let s = spawn().await;
    let t = s.token("petugas").await;
    let r = s
        .post(&t, "/api/v1/reports")
        .header("content-type", "application/json")
        .body("{\"type\": \"Feature\",")
        .send()
        .await
        .expect("send");
    let p = problem(r, StatusCode::BAD_REQUEST).await;
    assert_eq!(p["code"], "malformed_request");
    assert_eq!(fields(&p), ["body"]);
    let r = s
        .post(&t, "/api/v1/reports")
        .json(&json!([1, 2]))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    let r = s
        .get(&t, "/api/v1/reports/%FF%FE")
        .send()
        .await
        .expect("send");
    assert!(r.status().is_client_error());
    let status = r.status();
    problem(r, status).await;
    let r = s
        .http
        .put(format!("{}/api/v1/reports", s.url))
        .bearer_auth(&t)
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::METHOD_NOT_ALLOWED).await;

    let cases: Vec<(Value, &str)> = vec![
        (
            json!({"properties": {"occurred_at": "0000-01-01T00:00:00+07:00"}}),
            "properties.occurred_at",
        ),
        (
            json!({"geometry": {"type": "Point", "coordinates": [0.0, 0.0]}}),
            "geometry.coordinates",
        ),
        (json!({"properties": {"title": "   "}}), "properties.title"),
        (
            json!({"properties": {"title": "\u{200b}"}}),
            "properties.title",
        ),
        (
            json!({"properties": {"title": "Dua\u{0000}baris"}}),
            "properties.title",
        ),
        (
            json!({"properties": {"attributes": {"substance": "methamphetamine", "weight_g": -1}}}),
            "properties.attributes.weight_g",
        ),
    ];
    for (change, field) in cases {
        let mut f = feature("Penangkapan", "internal");
        for part in ["geometry", "properties"] {
            if let Some(obj) = change.get(part).and_then(Value::as_object) {
                for (k, v) in obj {
                    f[part][k] = v.clone();
                }
            }
        }
        let r = s
            .post(&t, "/api/v1/reports")
            .json(&f)
            .send()
            .await
            .expect("send");
        let p = problem(r, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(fields(&p), [field], "{change}");
    }
    let list: Value = s
        .get(&t, "/api/v1/reports")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(list["numberReturned"], 0, "nothing was written");
}

/// An administrator adds a user (a capitalised name is lower-cased), edits them and resets
/// a lost password; a password an administrator typed must be replaced at first sign-in.
#[tokio::test]
async fn administrators_edit_users_and_reset_passwords() {
    let s = spawn().await;
    let admin = s.token("admin.bnnp").await;
    let r = s
        .post(&admin, "/api/v1/users")
        .json(&json!({"username": "Baru.Petugas", "agency": "BNNK-BATANGHARI", "role": "field_officer",
            "password": "sementara-dari-admin-1"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);
    let u: Value = r.json().await.expect("json");
    assert_eq!(u["username"], "baru.petugas");
    assert_eq!(u["must_change_password"], true);

    let sign_in = |password: &'static str| {
        let url = format!("{}/api/v1/auth/token", s.url);
        let http = s.http.clone();
        async move {
            let r = http
                .post(url)
                .json(&json!({"username": "BARU.petugas", "password": password}))
                .send()
                .await
                .expect("send");
            assert_eq!(r.status(), StatusCode::OK, "sign-in with {password}");
            r.json::<Value>().await.expect("json")["token"]
                .as_str()
                .expect("token")
                .to_string()
        }
    };
    let first = sign_in("sementara-dari-admin-1").await;
    let p = problem(
        s.get(&first, "/api/v1/reports").send().await.expect("send"),
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(p["code"], "password_change_required");
    assert_eq!(
        s.get(&first, "/api/v1/me")
            .send()
            .await
            .expect("send")
            .status(),
        StatusCode::OK
    );
    for (body, field) in [
        (
            json!({"current_password": "salah-sama-sekali", "new_password": "milik-saya-sendiri-7"}),
            "current_password",
        ),
        (
            json!({"current_password": "sementara-dari-admin-1", "new_password": "pendek"}),
            "new_password",
        ),
    ] {
        let r = s
            .post(&first, "/api/v1/me/password")
            .json(&body)
            .send()
            .await
            .expect("send");
        assert_eq!(
            fields(&problem(r, StatusCode::UNPROCESSABLE_ENTITY).await),
            [field]
        );
    }
    let r = s
        .post(&first, "/api/v1/me/password")
        .json(&json!({"current_password": "sementara-dari-admin-1", "new_password": "milik-saya-sendiri-7"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        s.get(&first, "/api/v1/me")
            .send()
            .await
            .expect("send")
            .status(),
        StatusCode::UNAUTHORIZED,
        "every session ended"
    );
    let own = sign_in("milik-saya-sendiri-7").await;
    assert_eq!(
        s.get(&own, "/api/v1/reports")
            .send()
            .await
            .expect("send")
            .status(),
        StatusCode::OK
    );

    // Editing: the administrator changes name and role; another agency's admin cannot see
    // the user; nobody grants a role above their own.
    let r = s
        .http
        .patch(format!("{}/api/v1/users/baru.petugas", s.url))
        .bearer_auth(&admin)
        .json(&json!({"display_name": "Petugas Baru Batanghari", "role": "coordinator"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    let edited: Value = r.json().await.expect("json");
    assert_eq!(edited["role"], "coordinator");
    assert_eq!(edited["display_name"], "Petugas Baru Batanghari");
    let r = s
        .http
        .patch(format!("{}/api/v1/users/baru.petugas", s.url))
        .bearer_auth(&admin)
        .json(&json!({"role": "system_admin"}))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::FORBIDDEN).await;
    let r = s
        .http
        .patch(format!("{}/api/v1/users/baru.petugas", s.url))
        .bearer_auth(&admin)
        .json(&json!({"role": "kepala"}))
        .send()
        .await
        .expect("send");
    assert_eq!(
        fields(&problem(r, StatusCode::UNPROCESSABLE_ENTITY).await),
        ["role"]
    );
    s.app
        .create_user(
            None,
            "admin.polda",
            "",
            "POLDA-JAMBI",
            "agency_admin",
            PASSWORD,
        )
        .await
        .expect("user");
    let stranger = s.token("admin.polda").await;
    let r = s
        .http
        .patch(format!("{}/api/v1/users/baru.petugas", s.url))
        .bearer_auth(&stranger)
        .json(&json!({"role": "analyst"}))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::NOT_FOUND).await;

    // A lost password: the administrator sets a temporary one; the user's sessions end and
    // the next sign-in must replace it again.
    let r = s
        .post(&admin, "/api/v1/users/baru.petugas/password")
        .json(&json!({"password": "sementara-kedua-22"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        s.get(&own, "/api/v1/me")
            .send()
            .await
            .expect("send")
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let again = sign_in("sementara-kedua-22").await;
    let me: Value = s
        .get(&again, "/api/v1/me")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(me["must_change_password"], true);
    let r = s
        .post(&stranger, "/api/v1/users/baru.petugas/password")
        .json(&json!({"password": "sementara-ketiga-33"}))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::NOT_FOUND).await;
}

/// A name typed at sign-in reaches the audit CSV as text, never as a spreadsheet formula.
#[tokio::test]
async fn the_audit_csv_does_not_carry_formulas() {
    let s = spawn().await;
    let r = s
        .http
        .post(format!("{}/api/v1/auth/token", s.url))
        .json(&json!({"username": "=HYPERLINK(\"http://contoh.test\",\"klik\")", "password": "x"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    s.app
        .create_user(None, "root", "", "POLDA-JAMBI", "system_admin", PASSWORD)
        .await
        .expect("user");
    let root = s.token("root").await;
    s.enrol(&root).await;
    let csv_text = s
        .get(&root, "/api/v1/audit?format=csv&action=sign_in_failed")
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("csv");
    let mut rd = csv::Reader::from_reader(csv_text.as_bytes());
    let head = rd.headers().expect("header").clone();
    let actor = head
        .iter()
        .position(|h| h == "actor")
        .expect("actor column");
    let actors: Vec<String> = rd
        .records()
        .map(|r| r.expect("row")[actor].to_string())
        .collect();
    assert!(!actors.is_empty(), "{csv_text}");
    assert!(actors.iter().all(|a| a.starts_with("'=")), "{actors:?}");
}
