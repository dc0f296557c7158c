//! Submissions shared with a partner agency under an agreement (ADR 39): a clause names
//! the form (`form:{form_id}`), withholds a group of questions and the submitter, and
//! coarsens places. The partner finds the form among those shared with it and reads the
//! answers as shared on every path — the list, one submission, the CSV, GeoJSON and ODK
//! zip exports (asked with gzip, as clients do) — never the withheld answers, the exact
//! place, the instance XML or the files; an agency outside the agreement gets nothing;
//! revoking the agreement ends it at once.

use reqwest::StatusCode;
use serde_json::{json, Value};
use sinergi_core::agency::NewAgency;

use crate::harness::jambi::*;

fn screening_workbook() -> Vec<u8> {
    sinergi_app::forms::workbook_of(&[
        (
            "survey",
            vec![
                vec!["type", "name", "label"],
                vec!["begin_group", "identitas", "Identitas"],
                vec!["text", "nama", "Nama"],
                vec!["text", "nik", "NIK"],
                vec!["end_group", "", ""],
                vec!["geopoint", "lokasi", "Lokasi"],
                vec!["integer", "jumlah", "Jumlah orang"],
                vec!["text", "catatan", "Catatan"],
            ],
        ),
        (
            "settings",
            vec![
                vec!["form_title", "form_id", "version"],
                vec!["Skrining Lapangan", "skrining_lapangan", "1"],
            ],
        ),
    ])
    .expect("workbook")
}

const EXACT: (f64, f64) = (103.61234, -1.61234);

#[tokio::test]
async fn a_partner_reads_shared_answers_withheld_and_coarsened_on_every_path() {
    let s = spawn().await;
    for (code, user) in [("POLDA-JAMBI", "admin.polda"), ("KEJATI-JAMBI", "jaksa")] {
        if code == "KEJATI-JAMBI" {
            let new = NewAgency::parse(
                code,
                "Kejati Jambi",
                "prosecutor",
                None,
                &["15".to_string()],
            )
            .expect("agency");
            s.app.create_agency(None, new).await.expect("agency");
        }
        s.app
            .create_user(None, user, "", code, "agency_admin", PASSWORD)
            .await
            .expect("user");
    }
    // BNNK Batanghari's coordinator publishes the form and answers it twice.
    let k = s.token("koordinator").await;
    let f: Value = s
        .post(&k, "/api/v1/forms")
        .multipart(reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(screening_workbook()).file_name("skrining.xlsx"),
        ))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let form = f["id"].as_str().expect("id").to_string();
    for (i, nama) in ["Siti Rahasia", "Budi Rahasia"].iter().enumerate() {
        let r = s
            .post(&k, &format!("/api/v1/forms/{form}/answers"))
            .json(
                &json!({"instance_id": format!("uuid:skrining-{i}"), "version": 1,
                "answers": {"identitas/nama": nama, "identitas/nik": "1504010101010001",
                    "lokasi": format!("{} {} 20 5", EXACT.1, EXACT.0),
                    "jumlah": 3 + i, "catatan": "Diskrining di pelabuhan"}}),
            )
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), StatusCode::CREATED, "{:?}", r.text().await);
    }
    let polisi = s.token("polisi").await;
    let jaksa = s.token("jaksa").await;
    let sub_list = |token: String| {
        let s = &s;
        let form = form.clone();
        async move {
            s.get(&token, &format!("/api/v1/forms/{form}/submissions"))
                .send()
                .await
                .expect("send")
        }
    };
    // Before any agreement the police get nothing.
    problem(sub_list(polisi.clone()).await, StatusCode::NOT_FOUND).await;

    // A clause naming a form that does not exist, or a question it does not have, is
    // refused naming the field.
    let bnnp = s.token("admin.bnnp").await;
    let body = |types: Value, withheld: Value| {
        json!({"title": "Berbagi hasil skrining", "number": "PKS/SKR/2026",
            "parties": ["BNNP-JAMBI", "POLDA-JAMBI"], "valid_from": "2025-01-01", "valid_until": "2030-12-31",
            "clauses": [{"from": "BNNP-JAMBI", "to": ["POLDA-JAMBI"], "report_types": types,
                "max_sensitivity": "internal", "withheld_fields": withheld,
                "location_precision_m": 10000, "include_subagencies": true}]})
    };
    for (b, field) in [
        (
            body(json!(["form:tidak_ada"]), json!([])),
            "clauses[0].report_types",
        ),
        (
            body(json!(["form:skrining_lapangan"]), json!(["alamat"])),
            "clauses[0].withheld_fields",
        ),
    ] {
        let r = s
            .post(&bnnp, "/api/v1/agreements")
            .json(&b)
            .send()
            .await
            .expect("send");
        let p = problem(r, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(p["errors"][0]["field"], field, "{p}");
    }
    let r = s
        .post(&bnnp, "/api/v1/agreements")
        .json(&body(
            json!(["form:skrining_lapangan"]),
            json!(["identitas", "author"]),
        ))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);
    let ag: Value = r.json().await.expect("json");
    let ag_id = ag["id"].as_str().expect("id").to_string();
    assert!(
        ag["what_flows_where"][0]
            .as_str()
            .expect("sentence")
            .contains("Skrining Lapangan"),
        "{ag}"
    );
    for t in [&bnnp, &s.token("admin.polda").await] {
        let r = s
            .post(t, &format!("/api/v1/agreements/{ag_id}/approve"))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), StatusCode::OK);
    }

    // The police find the form among those shared with them, not among their own.
    let list: Value = s
        .get(&polisi, "/api/v1/forms")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(list["forms"], json!([]));
    assert_eq!(list["shared"][0]["form_id"], "skrining_lapangan");

    // The list: both answers, the identity and submitter withheld, the place at a
    // 10 km cell's centre, saying so.
    let page: Value = sub_list(polisi.clone()).await.json().await.expect("json");
    assert_eq!(page["total"], 2);
    let subs = page["submissions"].as_array().expect("list");
    assert_eq!(subs.len(), 2);
    for sub in subs {
        assert_eq!(sub["access"]["form"], "shared");
        assert_eq!(sub["access"]["withheld"], json!(["identitas", "author"]));
        assert_eq!(sub["submitted_by"], "");
        assert!(sub["data"].get("identitas/nama").is_none(), "{sub}");
        assert!(sub["data"].get("identitas/nik").is_none(), "{sub}");
        assert_eq!(sub["data"]["catatan"], "Diskrining di pelabuhan");
        let [lon, lat] = [sub["location"][0].as_f64(), sub["location"][1].as_f64()];
        let (lon, lat) = (lon.expect("lon"), lat.expect("lat"));
        assert!((lon - EXACT.0).abs() < 0.1 && (lat - EXACT.1).abs() < 0.1);
        assert_ne!((lon, lat), EXACT);
        assert_eq!((lon * 100.0).round() / 100.0, lon, "two decimals at 10 km");
        let point = sub["data"]["lokasi"].as_str().expect("lokasi");
        assert_eq!(point, format!("{lat} {lon}"));
    }
    // The owner still sees everything.
    let own: Value = sub_list(k.clone()).await.json().await.expect("json");
    assert_eq!(
        own["submissions"][0]["data"]["identitas/nik"],
        "1504010101010001"
    );
    assert!(own["submissions"][0].get("access").is_none());

    // One submission: as shared, without instances, reviews or files.
    let id = subs[0]["id"].as_str().expect("id").to_string();
    let one: Value = s
        .get(&polisi, &format!("/api/v1/submissions/{id}"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(one["submission"]["access"]["form"], "shared");
    assert!(one["submission"]["data"].get("identitas/nama").is_none());
    assert_eq!(one["instances"], json!([]));
    assert_eq!(one["files"], json!([]));
    // A partner does not review.
    let r = s
        .post(&polisi, &format!("/api/v1/submissions/{id}/review"))
        .json(&json!({"state": "approved"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // The owner's XLSX holds the answers as text (the identity number keeps its digits)
    // and the version as a number.
    let r = s
        .get(&k, &format!("/api/v1/forms/{form}/submissions.xlsx"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("send");
    assert_eq!(
        r.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    );
    let bytes = crate::harness::gunzip_bytes(r).await;
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("an XLSX is a zip");
    let mut sheet = String::new();
    std::io::Read::read_to_string(
        &mut z.by_name("xl/worksheets/sheet1.xml").expect("sheet"),
        &mut sheet,
    )
    .expect("read");
    assert!(sheet.contains("Siti Rahasia"), "{sheet}");
    assert!(sheet.contains(">1504010101010001<"), "{sheet}");
    assert!(
        sheet.contains("identitas/nama") && sheet.contains("review_state"),
        "{sheet}"
    );
    assert!(!sheet.contains("<f>"), "no formulas");

    // Every export, asked with gzip: no withheld answer, no exact place.
    for (path, kind) in [
        ("submissions.csv", "csv"),
        ("submissions.geojson", "geojson"),
        ("submissions.zip", "zip"),
        ("submissions.xlsx", "zip"),
    ] {
        let r = s
            .get(&polisi, &format!("/api/v1/forms/{form}/{path}"))
            .header("accept-encoding", "gzip")
            .send()
            .await
            .expect("send");
        let bytes = crate::harness::gunzip_bytes(r).await;
        let text = if kind == "zip" {
            let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
            let mut all = String::new();
            for i in 0..z.len() {
                let mut f = z.by_index(i).expect("entry");
                std::io::Read::read_to_string(&mut f, &mut all).expect("read");
            }
            all
        } else {
            String::from_utf8(bytes).expect("utf-8")
        };
        for secret in ["Rahasia", "1504010101010001", "61234", "koordinator"] {
            assert!(!text.contains(secret), "{path} carries {secret}: {text}");
        }
        assert!(text.contains("Diskrining di pelabuhan"), "{path}: {text}");
    }

    // An agency outside the agreement: as if the form did not exist.
    problem(sub_list(jaksa.clone()).await, StatusCode::NOT_FOUND).await;
    let r = s
        .get(&jaksa, &format!("/api/v1/submissions/{id}"))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::NOT_FOUND).await;

    // The web page of the list says it is shared and shows no name.
    let browser = crate::harness::browser();
    let session = crate::harness::browser_sign_in(&browser, &s.url, "polisi", PASSWORD).await;
    for path in [
        format!("/formulir/{form}/kiriman"),
        format!("/kiriman/{id}"),
        "/formulir".into(),
    ] {
        let r = browser
            .get(format!("{}{path}", s.url))
            .header("cookie", format!("sinergi_session={session}"))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let html = r.text().await.expect("html");
        assert!(
            !html.contains("Rahasia") && !html.contains("1504010101010001"),
            "{html}"
        );
        assert!(
            html.contains("dibagikan") || html.contains("Dibagikan"),
            "{path}: {html}"
        );
    }

    // Revoked: nothing at once.
    let r = s
        .post(&bnnp, &format!("/api/v1/agreements/{ag_id}/revoke"))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK, "{:?}", r.text().await);
    problem(sub_list(polisi.clone()).await, StatusCode::NOT_FOUND).await;
    let list: Value = s
        .get(&polisi, "/api/v1/forms")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(list["shared"], json!([]));
}
