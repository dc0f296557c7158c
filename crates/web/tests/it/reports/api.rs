//! Reports through the API: idempotent creation and versioned updates, hidden reports
//! answering like missing ones, lists and filters, refused input, attachments and exports.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::harness;
use crate::harness::jambi::*;

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
