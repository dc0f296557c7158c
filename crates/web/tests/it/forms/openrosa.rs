//! ODK Collect's side of OpenRosa: a device linked through the API fetches the form list
//! and the forms the way Collect does (its `deviceID` query, a malformed `Date` header,
//! gzip), checks each hash against the bytes downloaded, sees a new version, and is
//! refused once revoked.

use reqwest::StatusCode;
use serde_json::{json, Value};

use super::workbook;
use crate::harness::jambi::*;

pub(super) async fn publish(s: &Server, token: &str, bytes: Vec<u8>) -> Value {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name("kotan.xlsx"),
    );
    let r = s
        .post(token, "/api/v1/forms")
        .multipart(form)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json().await.expect("json")
}

pub(super) async fn link(s: &Server, token: &str) -> (String, String) {
    let r = s
        .post(token, "/api/v1/form-devices")
        .json(&json!({"name": "HP lapangan"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(
        r.headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    let v: Value = r.json().await.expect("json");
    let server = v["server_url"].as_str().expect("url").to_string();
    // The QR code's text configures Collect with the same URL.
    let settings = collect_settings(v["collect_settings"].as_str().expect("settings"));
    assert_eq!(settings["general"]["server_url"], server.as_str());
    (v["device"]["id"].as_str().expect("id").to_string(), server)
}

/// The settings ODK Collect reads from a QR code: base64, then zlib, then JSON.
pub(crate) fn collect_settings(text: &str) -> Value {
    use base64::Engine as _;
    use std::io::Read as _;
    let raw = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .expect("base64");
    let mut json = String::new();
    flate2::read::ZlibDecoder::new(&raw[..])
        .read_to_string(&mut json)
        .expect("zlib");
    serde_json::from_str(&json).expect("JSON")
}

/// A GET as ODK Collect sends it.
pub(super) async fn collect(s: &Server, url: &str) -> reqwest::Response {
    s.http
        .get(format!("{url}?deviceID=collect%3AK2xBEXAMPLE"))
        .header("X-OpenRosa-Version", "1.0")
        .header("Date", "Mon, 7 Dec 2026 10:00:00 GMT+07:00")
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .expect("send")
}

/// The body as Collect's HTTP stack reads it: gunzipped when the server compressed it.
pub(super) async fn body(r: reqwest::Response) -> Vec<u8> {
    use std::io::Read as _;
    let gzip = r
        .headers()
        .get("content-encoding")
        .and_then(|v| v.to_str().ok())
        == Some("gzip");
    let raw = r.bytes().await.expect("body");
    if !gzip {
        return raw.to_vec();
    }
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(&raw[..])
        .read_to_end(&mut out)
        .expect("a complete gzip stream");
    out
}

pub(super) async fn text(r: reqwest::Response) -> String {
    String::from_utf8(body(r).await).expect("UTF-8")
}

pub(super) fn between<'a>(s: &'a str, a: &str, b: &str) -> Vec<&'a str> {
    s.split(a)
        .skip(1)
        .filter_map(|x| x.split(b).next())
        .collect()
}

#[tokio::test]
async fn odk_collect_lists_and_downloads_the_forms_its_user_sees() {
    let s = spawn().await;
    let k = s.token("koordinator").await;
    publish(&s, &k, workbook("2021", "Nama responden", None)).await;
    let (device, server) = link(&s, &k).await;
    assert!(
        server.starts_with(&format!("{}/openrosa/key/", s.url)),
        "{server}"
    );

    let r = collect(&s, &format!("{server}/formList")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()
            .get("x-openrosa-version")
            .and_then(|v| v.to_str().ok()),
        Some("1.0")
    );
    assert!(r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/xml")));
    let list = text(r).await;
    assert!(
        list.contains("<xforms xmlns=\"http://openrosa.org/xforms/xformsList\">"),
        "{list}"
    );
    assert_eq!(between(&list, "<formID>", "</formID>"), ["kotan_jambi"]);
    assert_eq!(between(&list, "<version>", "</version>"), ["2021"]);
    let hash = between(&list, "<hash>", "</hash>")[0].to_string();
    let url = between(&list, "<downloadUrl>", "</downloadUrl>")[0].to_string();
    assert!(url.starts_with(&server), "absolute: {url}");
    let r = collect(&s, &url).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()
            .get("x-openrosa-version")
            .and_then(|v| v.to_str().ok()),
        Some("1.0")
    );
    let bytes = body(r).await;
    use md5::{Digest, Md5};
    assert_eq!(hash, format!("md5:{}", hex::encode(Md5::digest(&bytes))));
    assert!(String::from_utf8_lossy(&bytes).contains("version=\"2021\""));

    // A new version replaces the old one in the list, with its own hash.
    publish(&s, &k, workbook("2022", "Nama lengkap", None)).await;
    let list = text(collect(&s, &format!("{server}/formList")).await).await;
    assert_eq!(between(&list, "<version>", "</version>"), ["2022"]);
    assert_ne!(between(&list, "<hash>", "</hash>")[0], hash);

    // A field officer of the agency fills its forms; another agency's device sees none.
    let petugas = s.token("petugas").await;
    let (_, theirs) = link(&s, &petugas).await;
    let list = text(collect(&s, &format!("{theirs}/formList")).await).await;
    assert_eq!(between(&list, "<formID>", "</formID>"), ["kotan_jambi"]);
    let polisi = s.token("polisi").await;
    let (_, outside) = link(&s, &polisi).await;
    let list = text(collect(&s, &format!("{outside}/formList")).await).await;
    assert!(between(&list, "<formID>", "</formID>").is_empty(), "{list}");
    let r = collect(&s, &url.replace(&server, &outside)).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // Revoked: refused at once, with an OpenRosa message; a made-up link too.
    let r = s
        .http
        .delete(format!("{}/api/v1/form-devices/{device}", s.url))
        .bearer_auth(&k)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    for url in [
        format!("{server}/formList"),
        url.clone(),
        format!("{}/openrosa/key/{}/formList", s.url, "0".repeat(64)),
        format!("{}/openrosa/key/pendek/formList", s.url),
    ] {
        let r = collect(&s, &url).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{url}");
        assert_eq!(
            r.headers()
                .get("x-openrosa-version")
                .and_then(|v| v.to_str().ok()),
            Some("1.0")
        );
        assert!(text(r).await.contains("<OpenRosaResponse"));
    }
    let devices: Value = s
        .get(&k, "/api/v1/form-devices")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert!(devices["devices"][0]["revoked_at"].is_string(), "{devices}");
    // A nameless device is refused naming the field.
    let r = s
        .post(&k, "/api/v1/form-devices")
        .json(&json!({"name": "  "}))
        .send()
        .await
        .expect("send");
    let p = problem(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(p["errors"][0]["field"], "name");
}
