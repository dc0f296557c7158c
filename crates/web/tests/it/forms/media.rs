//! A form's media files (ADR 40): a workbook whose labels show a picture and a sound
//! publishes a version that names them; its publisher uploads them (API, page) and ODK
//! Collect finds them through the form list's `manifestUrl`, each hash the MD5 of the
//! bytes its URL serves (asked with gzip, as Collect asks). Bad uploads are refused
//! naming the field, nothing stored; a new version carries the files it still names.

use md5::{Digest, Md5};
use reqwest::StatusCode;
use serde_json::Value;

use super::openrosa::{between, body, collect, link, publish, text};
use crate::harness::jambi::*;

/// A PNG's first bytes and a little more: enough for Sinergi to know it as a picture.
fn png(tag: &str) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    b.extend_from_slice(tag.as_bytes());
    b
}

fn mp3() -> Vec<u8> {
    let mut b = b"ID3\x04\0\0\0\0\0\0".to_vec();
    b.extend_from_slice(&[0xFF, 0xFB, 0x90, 0x64]);
    b
}

/// The KOTAN form with media: a picture on a question, a sound on another, a picture
/// on a choice.
fn workbook(version: &str) -> Vec<u8> {
    sinergi_app::forms::workbook_of(&[
        (
            "survey",
            vec![
                vec!["type", "name", "label", "media::image", "media::audio"],
                vec!["text", "nama", "Nama responden", "peta desa.png", ""],
                vec!["integer", "umur", "Umur", "", "petunjuk.mp3"],
                vec![
                    "select_one ya_tidak",
                    "sosialisasi",
                    "Pernah ikut sosialisasi?",
                    "",
                    "",
                ],
            ],
        ),
        (
            "choices",
            vec![
                vec!["list_name", "name", "label", "media::image"],
                vec!["ya_tidak", "ya", "Ya", "ya.png"],
                vec!["ya_tidak", "tidak", "Tidak", ""],
            ],
        ),
        (
            "settings",
            vec![
                vec!["form_title", "form_id", "version"],
                vec!["Kuesioner Ketahanan Keluarga", "kotan_jambi", version],
            ],
        ),
    ])
    .expect("workbook")
}

async fn upload(s: &Server, token: &str, path: &str, bytes: Vec<u8>) -> reqwest::Response {
    s.put(token, path)
        .multipart(reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name("apa saja.bin"),
        ))
        .send()
        .await
        .expect("send")
}

/// The manifest's files: (filename, hash, downloadUrl).
fn manifest_files(xml: &str) -> Vec<(String, String, String)> {
    between(xml, "<mediaFile>", "</mediaFile>")
        .into_iter()
        .map(|m| {
            let one = |t: &str| {
                between(m, &format!("<{t}>"), &format!("</{t}>"))[0].replace("&amp;", "&")
            };
            (one("filename"), one("hash"), one("downloadUrl"))
        })
        .collect()
}

#[tokio::test]
async fn odk_collect_downloads_the_media_files_a_publisher_uploaded() {
    let s = spawn().await;
    let k = s.token("koordinator").await;
    let f = publish(&s, &k, workbook("2021")).await;
    let id = f["id"].as_str().expect("id").to_string();
    let base = format!("/api/v1/forms/{id}/versions/1/media");

    // The version names three files, none uploaded yet.
    let list: Value = s
        .get(&k, &base)
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(list["may_upload"], true);
    let names: Vec<(&str, &str, bool)> = list["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| {
            (
                f["name"].as_str().expect("name"),
                f["kind"].as_str().expect("kind"),
                f["uploaded"].as_bool().expect("uploaded"),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("peta desa.png", "image", false),
            ("petunjuk.mp3", "audio", false),
            ("ya.png", "image", false)
        ]
    );

    // Collect is given the manifest's URL; empty until a file is uploaded.
    let (_, server) = link(&s, &k).await;
    let r = collect(&s, &format!("{server}/formList")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let list = text(r).await;
    let manifest = between(&list, "<manifestUrl>", "</manifestUrl>")[0].to_string();
    assert_eq!(manifest, format!("{server}/forms/{id}/1/manifest"));
    let r = collect(&s, &manifest).await;
    assert_eq!(r.status(), StatusCode::OK);
    let headers = r.headers().clone();
    assert_eq!(
        headers
            .get("x-openrosa-version")
            .and_then(|v| v.to_str().ok()),
        Some("1.0")
    );
    assert!(headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/xml")));
    let xml = text(r).await;
    assert!(
        xml.contains("<manifest xmlns=\"http://openrosa.org/xforms/xformsManifest\">"),
        "{xml}"
    );
    assert!(manifest_files(&xml).is_empty(), "{xml}");

    // Bad uploads: each refused naming what is wrong, nothing stored.
    let r = upload(&s, &k, &format!("{base}/lain.png"), png("a")).await;
    let p = problem(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(p["errors"][0]["field"], "name", "{p}");
    assert!(p["errors"][0]["message"]
        .as_str()
        .expect("message")
        .contains("petunjuk.mp3"));
    let r = upload(&s, &k, &format!("{base}/petunjuk.mp3"), png("a")).await;
    let p = problem(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(p["errors"][0]["field"], "file", "{p}");
    let r = upload(
        &s,
        &k,
        &format!("{base}/ya.png"),
        b"%PDF-1.7 bukan gambar".to_vec(),
    )
    .await;
    problem(r, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
    let r = upload(&s, &k, &format!("{base}/ya.png"), Vec::new()).await;
    let p = problem(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(p["errors"][0]["field"], "file", "{p}");
    let r = s
        .put(&k, &format!("{base}/ya.png"))
        .multipart(reqwest::multipart::Form::new().text("bukan", "berkas"))
        .send()
        .await
        .expect("send");
    let p = problem(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(p["errors"][0]["field"], "file", "{p}");
    // A field officer fills the form but does not publish it, nor upload its media.
    let petugas = s.token("petugas").await;
    let r = upload(&s, &petugas, &format!("{base}/ya.png"), png("a")).await;
    problem(r, StatusCode::FORBIDDEN).await;
    let list: Value = s
        .get(&k, &base)
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert!(list["files"]
        .as_array()
        .expect("files")
        .iter()
        .all(|f| f["uploaded"] == false));

    // Uploaded: in the manifest with the MD5 of the bytes its URL serves.
    let picture = png("peta pertama");
    let r = upload(&s, &k, &format!("{base}/peta%20desa.png"), picture.clone()).await;
    assert_eq!(r.status(), StatusCode::OK);
    let stored: Value = r.json().await.expect("json");
    assert_eq!(stored["content_type"], "image/png");
    assert_eq!(stored["md5"], hex::encode(Md5::digest(&picture)));
    let r = upload(&s, &k, &format!("{base}/petunjuk.mp3"), mp3()).await;
    assert_eq!(r.status(), StatusCode::OK);
    let files = manifest_files(&text(collect(&s, &manifest).await).await);
    assert_eq!(files.len(), 2, "{files:?}");
    for (name, hash, url) in &files {
        assert!(url.starts_with(&server), "absolute: {url}");
        let r = collect(&s, url).await;
        assert_eq!(r.status(), StatusCode::OK, "{url}");
        let headers = r.headers().clone();
        let bytes = body(r).await;
        assert_eq!(
            headers
                .get("x-openrosa-version")
                .and_then(|v| v.to_str().ok()),
            Some("1.0")
        );
        assert_eq!(
            hash,
            &format!("md5:{}", hex::encode(Md5::digest(&bytes))),
            "{name}"
        );
    }
    assert_eq!(files[0].0, "peta desa.png");
    assert_eq!(
        files[0].2,
        format!("{server}/forms/{id}/1/media/peta%20desa.png")
    );
    // The API serves the same bytes.
    let r = s
        .get(&k, &format!("{base}/peta%20desa.png"))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.expect("bytes").to_vec(), picture);

    // Uploaded again: replaced, so Collect sees a new hash and fetches it again.
    let newer = png("peta kedua");
    let r = upload(&s, &k, &format!("{base}/peta%20desa.png"), newer.clone()).await;
    assert_eq!(r.status(), StatusCode::OK);
    let files = manifest_files(&text(collect(&s, &manifest).await).await);
    assert_eq!(files.len(), 2);
    assert_eq!(
        files[0].1,
        format!("md5:{}", hex::encode(Md5::digest(&newer)))
    );

    // The next version carries the files it still names; the form list points at it.
    publish(&s, &k, workbook("2022")).await;
    let list = text(collect(&s, &format!("{server}/formList")).await).await;
    let manifest2 = between(&list, "<manifestUrl>", "</manifestUrl>")[0].to_string();
    assert_eq!(manifest2, format!("{server}/forms/{id}/2/manifest"));
    let carried = manifest_files(&text(collect(&s, &manifest2).await).await);
    let names: Vec<&str> = carried.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(names, ["peta desa.png", "petunjuk.mp3"]);
    assert_eq!(carried[0].1, files[0].1, "the same file");

    // Another agency's device reaches neither the manifest nor the files.
    let polisi = s.token("polisi").await;
    let (_, outside) = link(&s, &polisi).await;
    let outside = outside.as_str();
    for url in [
        manifest2.replace(&server, outside),
        carried[0].2.replace(&server, outside),
    ] {
        assert_eq!(
            collect(&s, &url).await.status(),
            StatusCode::NOT_FOUND,
            "{url}"
        );
    }
    // A form without media has no manifest URL.
    let plain = sinergi_app::forms::workbook_of(&[
        (
            "survey",
            vec![vec!["type", "name", "label"], vec!["text", "nama", "Nama"]],
        ),
        (
            "settings",
            vec![
                vec!["form_title", "form_id"],
                vec!["Tanpa media", "tanpa_media"],
            ],
        ),
    ])
    .expect("workbook");
    publish(&s, &k, plain).await;
    let list = text(collect(&s, &format!("{server}/formList")).await).await;
    let forms = between(&list, "<xform>", "</xform>");
    assert_eq!(forms.len(), 2, "{list}");
    for f in forms {
        assert_eq!(
            f.contains("<manifestUrl>"),
            f.contains("<formID>kotan_jambi</formID>"),
            "{f}"
        );
    }
}

#[tokio::test]
async fn a_publisher_uploads_media_on_the_forms_page() {
    let s = crate::harness::demo::spawn().await;
    let t = s.token("koordinator.tnks").await;
    let f = s
        .app
        .store
        .form_by_xml_id("patroli_triwulan_tnks")
        .await
        .expect("read")
        .expect("the Pokja's form");
    let path = format!("/formulir/{}", f.id);
    let (status, page) = s.page(&t, &path).await;
    assert_eq!(status, StatusCode::OK);
    crate::harness::demo::assert_indonesian(&path, &page);
    // The demo's map is uploaded and shown.
    let table = crate::harness::between(&page, "id=\"daftar-media\"", "</table>").expect("media");
    assert!(table.contains("peta-wilayah-tnks.png"), "{table}");
    assert!(table.contains("media-ada"), "{table}");
    let href = crate::harness::between(table, "<a href=\"", "\"").expect("link");
    let (status, _) = s.page(&t, href).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("id=\"form-unggah-media\""),
        "the upload is offered"
    );

    // A sound where the form shows a picture: refused on the page, in Indonesian.
    let upload = format!("/formulir/{}/versi/{}/media", f.id, f.current_version);
    let (status, refused) = s
        .multipart(
            &t,
            &upload,
            &[("name", "peta-wilayah-tnks.png")],
            ("file", "suara.mp3", b"ID3\x04\0\0\0\0\0\0".to_vec()),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let errors = crate::harness::between(&refused, "id=\"galat-media\"", "</div>").expect("errors");
    assert!(errors.contains("sebagai gambar"), "{errors}");
    // A picture: stored, back on the page's media section.
    let (status, location) = s
        .multipart(
            &t,
            &upload,
            &[("name", "peta-wilayah-tnks.png")],
            ("file", "peta.png", b"\x89PNG\r\n\x1a\npeta baru".to_vec()),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    assert_eq!(location, format!("{path}#media"));
    let (_, bytes) = s.page(&t, href).await;
    assert!(bytes.ends_with("peta baru"), "replaced");

    // A ranger of the park sees the form and its map, and is not offered the upload.
    let r = s.token("ranger.tnks").await;
    let (status, page) = s.page(&r, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("peta-wilayah-tnks.png"));
    assert!(!page.contains("id=\"form-unggah-media\""));
}
