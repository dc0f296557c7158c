use reqwest::StatusCode;
use serde_json::Value;

use super::workbook;
use crate::harness::jambi::*;

async fn publish(s: &Server, token: &str, bytes: Vec<u8>, name: &str) -> reqwest::Response {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
    );
    s.post(token, "/api/v1/forms")
        .multipart(form)
        .send()
        .await
        .expect("send")
}

fn fields(p: &Value) -> Vec<String> {
    p["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().unwrap_or("").to_string())
        .collect()
}

#[tokio::test]
async fn a_workbook_is_published_as_a_form_and_its_next_versions() {
    let s = spawn().await;
    let k = s.token("koordinator").await;
    let r = publish(
        &s,
        &k,
        workbook("2021", "Nama responden", None),
        "kotan.xlsx",
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let location = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("location")
        .to_string();
    let f: Value = r.json().await.expect("json");
    assert_eq!(f["form_id"], "kotan_jambi");
    assert_eq!(f["owner"], "BNNK-BATANGHARI");
    assert_eq!(f["current_version"], 1);
    assert_eq!(f["versions"][0]["version"], "2021");
    assert_eq!(f["versions"][0]["file_name"], "kotan.xlsx");
    assert_eq!(
        location,
        format!("/api/v1/forms/{}", f["id"].as_str().expect("id"))
    );
    let href = f["versions"][0]["xform"]
        .as_str()
        .expect("href")
        .to_string();
    let r = s.get(&k, &href).send().await.expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/xml")));
    let xml = r.text().await.expect("xml");
    assert!(
        xml.contains("id=\"kotan_jambi\"") && xml.contains("version=\"2021\""),
        "{xml}"
    );
    assert!(xml.contains("Nama responden"));

    // The same workbook again adds nothing; the same version string with other content
    // is refused naming the settings sheet's version.
    let r = publish(
        &s,
        &k,
        workbook("2021", "Nama responden", None),
        "kotan.xlsx",
    )
    .await;
    assert_eq!(problem(r, StatusCode::CONFLICT).await["status"], 409);
    let r = publish(&s, &k, workbook("2021", "Nama lengkap", None), "kotan.xlsx").await;
    let p = problem(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(fields(&p), ["settings.version"]);
    // A new version; the first stays as published.
    let r = publish(
        &s,
        &k,
        workbook("2022", "Nama lengkap", None),
        "kotan-2022.xlsx",
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let f: Value = r.json().await.expect("json");
    assert_eq!(f["current_version"], 2);
    let numbers: Vec<i64> = f["versions"]
        .as_array()
        .expect("versions")
        .iter()
        .map(|v| v["number"].as_i64().expect("n"))
        .collect();
    assert_eq!(numbers, [2, 1]);
    let first = s
        .get(&k, &href)
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("xml");
    assert_eq!(first, xml, "a published version never changes");

    // Faults of the workbook, each by sheet, row and column; nothing stored.
    let r = publish(
        &s,
        &k,
        workbook("2023", "Nama", Some("${tidak_ada} > 1")),
        "kotan.xlsx",
    )
    .await;
    let p = problem(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(fields(&p), ["survey[3].relevant"]);
    let r = publish(&s, &k, b"nama,umur\nBudi,40\n".to_vec(), "kotan.csv").await;
    let p = problem(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(fields(&p), ["file"]);
    let r = s
        .post(&k, "/api/v1/forms")
        .multipart(reqwest::multipart::Form::new().text("catatan", "tanpa berkas"))
        .send()
        .await
        .expect("send");
    let p = problem(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(fields(&p), ["file"]);
    let list: Value = s
        .get(&k, "/api/v1/forms")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(list["forms"].as_array().expect("forms").len(), 1);
    assert_eq!(list["forms"][0]["current_version"], 2);

    // A field officer does not publish; the agency above sees the form; another agency
    // neither sees it nor takes its id.
    let petugas = s.token("petugas").await;
    let r = publish(&s, &petugas, workbook("2030", "Nama", None), "kotan.xlsx").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let analis = s.token("analis").await;
    let seen: Value = s
        .get(&analis, "/api/v1/forms")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(seen["forms"][0]["form_id"], "kotan_jambi");
    crate::harness::users(&s.app, PASSWORD, &[("kasat", "POLDA-JAMBI", "coordinator")]).await;
    let kasat = s.token("kasat").await;
    let r = publish(&s, &kasat, workbook("2030", "Nama", None), "kotan.xlsx").await;
    let p = problem(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(fields(&p), ["settings.form_id"]);
    let r = s.get(&kasat, &location).send().await.expect("send");
    problem(r, StatusCode::NOT_FOUND).await;
    let theirs: Value = s
        .get(&kasat, "/api/v1/forms")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(theirs["forms"], serde_json::json!([]));
}
