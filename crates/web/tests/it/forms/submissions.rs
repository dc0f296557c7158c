//! Submissions the way ODK Collect sends them: `HEAD` first, then a multipart post with
//! the instance and its photos, split across posts; the same instance again adds only
//! missing files; a different instance under the same id, an instance that does not
//! match its form, an unknown version and a file that is no photo are refused with
//! nothing stored; an edit (`deprecatedID`) becomes the newest instance. Then the
//! table, the CSV export and reviews, each for those who may see them.

use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::harness::jambi::*;

/// A BNNP questionnaire with a place and photos, version `version`.
fn workbook(version: &str) -> Vec<u8> {
    sinergi_app::forms::workbook_of(&[
        (
            "survey",
            vec![
                vec!["type", "name", "label"],
                vec!["text", "desa", "Desa"],
                vec!["integer", "peserta", "Jumlah peserta"],
                vec!["geopoint", "titik", "Lokasi kegiatan"],
                vec!["begin repeat", "dokumentasi", "Dokumentasi"],
                vec!["image", "foto", "Foto"],
                vec!["end repeat", "", ""],
            ],
        ),
        (
            "settings",
            vec![
                vec!["form_title", "form_id", "version"],
                vec!["Laporan Sosialisasi P4GN", "sosialisasi_p4gn", version],
            ],
        ),
    ])
    .expect("workbook")
}

fn instance(
    id: &str,
    deprecated: Option<&str>,
    desa: &str,
    peserta: &str,
    photos: &[&str],
) -> String {
    let photos: String = photos
        .iter()
        .map(|p| format!("<dokumentasi><foto>{p}</foto></dokumentasi>"))
        .collect();
    let dep = deprecated
        .map(|d| format!("<deprecatedID>{d}</deprecatedID>"))
        .unwrap_or_default();
    format!(
        "<?xml version='1.0' ?><data id=\"sosialisasi_p4gn\" version=\"2026.1\" xmlns:jr=\"http://openrosa.org/javarosa\" xmlns:orx=\"http://openrosa.org/xforms\">\
         <desa>{desa}</desa><peserta>{peserta}</peserta><titik>-1.6 103.6 20 5</titik>{photos}\
         <meta><instanceID>{id}</instanceID>{dep}</meta></data>"
    )
}

/// A JPEG as a phone's camera writes its first bytes.
fn jpeg(n: u8) -> Vec<u8> {
    let mut b = vec![
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00,
    ];
    b.extend(std::iter::repeat_n(n, 200));
    b
}

/// A submission post as Collect sends it.
async fn post(
    s: &Server,
    server: &str,
    xml: &str,
    files: &[(&str, Vec<u8>)],
    incomplete: bool,
) -> (StatusCode, String) {
    let mut form = Form::new().part(
        "xml_submission_file",
        Part::bytes(xml.as_bytes().to_vec())
            .file_name("submission.xml")
            .mime_str("text/xml")
            .expect("mime"),
    );
    for (name, bytes) in files {
        form = form.part(
            name.to_string(),
            Part::bytes(bytes.clone())
                .file_name(name.to_string())
                .mime_str("image/jpeg")
                .expect("mime"),
        );
    }
    if incomplete {
        form = form.text("*isIncomplete*", "yes");
    }
    let r = s
        .http
        .post(format!(
            "{server}/submission?deviceID=collect%3AK2xBEXAMPLE"
        ))
        .header("X-OpenRosa-Version", "1.0")
        .header("Date", "Mon, 7 Dec 2026 10:00:00 GMT+07:00")
        .multipart(form)
        .send()
        .await
        .expect("send");
    let status = r.status();
    assert_eq!(
        r.headers()
            .get("x-openrosa-version")
            .and_then(|v| v.to_str().ok()),
        Some("1.0")
    );
    (status, r.text().await.expect("text"))
}

async fn json_of(r: reqwest::RequestBuilder) -> (StatusCode, Value) {
    let r = r.send().await.expect("send");
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn odk_collect_submits_in_parts_edits_and_is_refused_what_does_not_fit() {
    let s = spawn().await;
    // The BNNP's form, filled by the BNNK below it.
    let bnnp = s.token("admin.bnnp").await;
    let r = s
        .post(&bnnp, "/api/v1/forms")
        .multipart(Form::new().part(
            "file",
            Part::bytes(workbook("2026.1")).file_name("p4gn.xlsx"),
        ))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);
    let form: Value = r.json().await.expect("json");
    let form_id = form["id"].as_str().expect("id").to_string();
    let petugas = s.token("petugas").await;
    let (_, v) = json_of(
        s.post(&petugas, "/api/v1/form-devices")
            .json(&json!({"name": "HP"})),
    )
    .await;
    let server = v["server_url"].as_str().expect("url").to_string();
    let list = s
        .http
        .get(format!("{server}/formList"))
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("text");
    assert!(
        list.contains("<formID>sosialisasi_p4gn</formID>"),
        "the BNNK fills its BNNP's form: {list}"
    );

    // HEAD first: 204 with the largest post accepted.
    let r = s
        .http
        .head(format!("{server}/submission"))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let accepted: usize = r
        .headers()
        .get("x-openrosa-accept-content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("X-OpenRosa-Accept-Content-Length");
    assert!(accepted >= 1024 * 1024);

    // A split upload: the instance with one photo, then again with the other.
    let xml = instance(
        "uuid:aaaa-1",
        None,
        "Muara Bulian",
        "45",
        &["1.jpg", "2.jpg"],
    );
    let (st, text) = post(&s, &server, &xml, &[("1.jpg", jpeg(1))], true).await;
    assert_eq!(st, StatusCode::CREATED, "{text}");
    assert!(
        text.contains("<OpenRosaResponse xmlns=\"http://openrosa.org/http/response\">"),
        "{text}"
    );
    let (st, _) = post(&s, &server, &xml, &[("2.jpg", jpeg(2))], false).await;
    assert_eq!(st, StatusCode::CREATED);
    // Sent once more (Collect retrying): still one submission.
    let (st, _) = post(
        &s,
        &server,
        &xml,
        &[("1.jpg", jpeg(1)), ("2.jpg", jpeg(2))],
        false,
    )
    .await;
    assert_eq!(st, StatusCode::CREATED);
    let path = format!("/api/v1/forms/{form_id}/submissions");
    let (st, page) = json_of(s.get(&bnnp, &path)).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(page["total"], 1);
    assert_eq!(page["columns"], json!(["desa", "peserta", "titik"]));
    let sub = &page["submissions"][0];
    assert_eq!(sub["instance_id"], "uuid:aaaa-1");
    assert_eq!(sub["agency"], "BNNK-BATANGHARI");
    assert_eq!(sub["submitted_by"], "petugas");
    assert_eq!(sub["review_state"], "received");
    assert_eq!(sub["location"], json!([103.6, -1.6]));
    assert_eq!(sub["data"]["dokumentasi"][1]["foto"], "2.jpg");
    let id = sub["id"].as_str().expect("id").to_string();
    let (_, detail) = json_of(s.get(&bnnp, &format!("/api/v1/submissions/{id}"))).await;
    let files = detail["files"].as_array().expect("files");
    assert_eq!(files.len(), 2);
    assert!(files.iter().all(|f| f["received"] == true), "{files:?}");
    let photo = s
        .get(&bnnp, files[1]["href"].as_str().expect("href"))
        .send()
        .await
        .expect("send");
    assert_eq!(photo.status(), StatusCode::OK);
    assert_eq!(photo.bytes().await.expect("bytes").to_vec(), jpeg(2));

    // Refused, nothing stored: another instance under the same id, an element the form
    // lacks, a wrong value, an unknown version, a file that is no photo.
    let (st, text) = post(
        &s,
        &server,
        &instance("uuid:aaaa-1", None, "Lain", "45", &[]),
        &[],
        false,
    )
    .await;
    assert_eq!(st, StatusCode::CONFLICT, "{text}");
    let extra = xml.replace("<peserta>", "<senjata>1</senjata><peserta>");
    let extra = extra.replace("uuid:aaaa-1", "uuid:bbbb-2");
    let (st, text) = post(&s, &server, &extra, &[], false).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert!(
        text.contains("senjata") && text.contains("xml_submission_file"),
        "{text}"
    );
    let (st, text) = post(
        &s,
        &server,
        &instance("uuid:cccc-3", None, "X", "banyak", &[]),
        &[],
        false,
    )
    .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert!(text.contains("peserta"), "{text}");
    let old = instance("uuid:dddd-4", None, "X", "1", &[])
        .replace("version=\"2026.1\"", "version=\"2019\"");
    let (st, text) = post(&s, &server, &old, &[], false).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert!(text.contains("2019"), "{text}");
    let (st, _) = post(
        &s,
        &server,
        &instance("uuid:eeee-5", None, "X", "1", &["a.jpg"]),
        &[("a.jpg", b"MZ not a photo".to_vec())],
        false,
    )
    .await;
    assert_eq!(st, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (_, page) = json_of(s.get(&bnnp, &path)).await;
    assert_eq!(page["total"], 1, "nothing of the refused posts was kept");

    // An edit made on the phone: the newest instance, the first kept as history.
    let edit = instance(
        "uuid:ffff-6",
        Some("uuid:aaaa-1"),
        "Muara Bulian",
        "47",
        &["1.jpg", "2.jpg"],
    );
    let (st, text) = post(&s, &server, &edit, &[], false).await;
    assert_eq!(st, StatusCode::CREATED, "{text}");
    let (_, detail) = json_of(s.get(&bnnp, &format!("/api/v1/submissions/{id}"))).await;
    assert_eq!(detail["submission"]["data"]["peserta"], "47");
    assert_eq!(detail["submission"]["edits"], 1);
    let instances: Vec<&str> = detail["instances"]
        .as_array()
        .expect("instances")
        .iter()
        .map(|i| i["instance_id"].as_str().expect("id"))
        .collect();
    assert_eq!(instances, ["uuid:aaaa-1", "uuid:ffff-6"]);
    // Editing the replaced instance again is refused.
    let stale = instance(
        "uuid:gggg-7",
        Some("uuid:aaaa-1"),
        "Muara Bulian",
        "50",
        &[],
    );
    let (st, _) = post(&s, &server, &stale, &[], false).await;
    assert_eq!(st, StatusCode::CONFLICT);

    // Who sees them: the submitter's agency, the form's agency and those above; not
    // the police.
    for (user, seen) in [("koordinator", true), ("analis", true), ("polisi", false)] {
        let t = s.token(user).await;
        let (st, page) = json_of(s.get(&t, &path)).await;
        if seen {
            assert_eq!(
                (st, page["total"].as_i64()),
                (StatusCode::OK, Some(1)),
                "{user}"
            );
        } else {
            assert_eq!(st, StatusCode::NOT_FOUND, "{user}");
            let (st, _) = json_of(s.get(&t, &format!("/api/v1/submissions/{id}"))).await;
            assert_eq!(st, StatusCode::NOT_FOUND, "{user}");
        }
    }

    // The CSV export, read the way a browser asks for it.
    let r = s
        .get(&bnnp, &format!("{path}.csv"))
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/csv")));
    assert_eq!(
        r.headers()
            .get("content-encoding")
            .and_then(|v| v.to_str().ok()),
        Some("gzip")
    );
    let mut csv = String::new();
    use std::io::Read as _;
    flate2::read::GzDecoder::new(&r.bytes().await.expect("body")[..])
        .read_to_string(&mut csv)
        .expect("a complete gzip stream");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("instance_id,received_at,submitted_by,agency,version,source,review_state,edits,longitude,latitude,desa,peserta,titik")
    );
    let row = lines.next().expect("a row");
    assert!(row.starts_with("uuid:aaaa-1,"), "{row}");
    assert!(
        row.ends_with(",petugas,BNNK-BATANGHARI,1,collect,received,1,103.6,-1.6,Muara Bulian,47,-1.6 103.6 20 5"),
        "{row}"
    );
    assert_eq!(lines.next(), None);
    let (st, problem) = json_of(s.get(&bnnp, &format!("{path}?review_state=done"))).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "review_state", "{problem}");

    // Reviews: the form's agency's administrators and coordinators, with a reason
    // for anything but approval.
    let review = format!("/api/v1/submissions/{id}/review");
    let k = s.token("koordinator").await;
    let (st, _) = json_of(s.post(&k, &review).json(&json!({"state": "approved"}))).await;
    assert_eq!(
        st,
        StatusCode::FORBIDDEN,
        "the submitter's agency does not review"
    );
    let (st, problem) = json_of(s.post(&bnnp, &review).json(&json!({"state": "has_issues"}))).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "comment");
    let (st, problem) = json_of(s.post(&bnnp, &review).json(&json!({"state": 3}))).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "state");
    let (st, detail) = json_of(
        s.post(&bnnp, &review)
            .json(&json!({"state": "has_issues", "comment": "Foto kedua buram"})),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(detail["submission"]["review_state"], "has_issues");
    assert_eq!(detail["reviews"][0]["comment"], "Foto kedua buram");
    assert_eq!(detail["reviews"][0]["reviewed_by"], "admin.bnnp");
    let (_, page) = json_of(s.get(&bnnp, &format!("{path}?review_state=has_issues"))).await;
    assert_eq!(page["total"], 1);
    let (_, page) = json_of(s.get(&bnnp, &format!("{path}?review_state=approved"))).await;
    assert_eq!(page["total"], 0);
}

/// Basic credentials as Collect sends them after a 401.
fn basic(user: &str, password: &str) -> String {
    use base64::Engine as _;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    )
}

#[tokio::test]
async fn odk_collect_signs_in_with_a_user_name_and_password_with_basic_over_https() {
    // Behind a TLS proxy that says so.
    let s = spawn_with(|c| c.trust_forwarded_for = true).await;
    let bnnp = s.token("admin.bnnp").await;
    let r = s
        .post(&bnnp, "/api/v1/forms")
        .multipart(Form::new().part(
            "file",
            Part::bytes(workbook("2026.1")).file_name("p4gn.xlsx"),
        ))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);
    let ask = |path: &str, auth: Option<String>, https: bool| {
        let mut r = s
            .http
            .get(format!("{}{path}?deviceID=collect%3AK2xBEXAMPLE", s.url))
            .header("X-OpenRosa-Version", "1.0");
        if https {
            r = r.header("X-Forwarded-Proto", "https");
        }
        if let Some(a) = auth {
            r = r.header("Authorization", a);
        }
        r
    };
    // First without credentials: 401 asking for Basic, as Collect expects.
    let r = ask("/openrosa/formList", None, true)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r
        .headers()
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("Basic realm=\"Sinergi\"")));
    assert_eq!(
        r.headers()
            .get("x-openrosa-version")
            .and_then(|v| v.to_str().ok()),
        Some("1.0")
    );
    let r = ask(
        "/openrosa/formList",
        Some(basic("petugas", "salah-sandi")),
        true,
    )
    .send()
    .await
    .expect("send");
    assert_eq!(
        r.status(),
        StatusCode::UNAUTHORIZED,
        "a wrong password is asked again"
    );
    let r = ask("/openrosa/formList", Some(basic("petugas", PASSWORD)), true)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    let list = r.text().await.expect("text");
    assert!(list.contains("<formID>sosialisasi_p4gn</formID>"), "{list}");
    let url = list
        .split("<downloadUrl>")
        .nth(1)
        .and_then(|x| x.split("</downloadUrl>").next())
        .expect("a download URL")
        .to_string();
    assert!(
        url.starts_with("https://") && url.contains("/openrosa/forms/"),
        "{url}"
    );
    let path = url
        .split_once("/openrosa/")
        .map(|(_, p)| format!("/openrosa/{p}"))
        .expect("path");
    let r = ask(&path, Some(basic("petugas", PASSWORD)), true)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.expect("xml").contains("sosialisasi_p4gn"));

    // Submitting: HEAD, then the post.
    let r = s
        .http
        .head(format!("{}/openrosa/submission", s.url))
        .header("X-Forwarded-Proto", "https")
        .header("Authorization", basic("petugas", PASSWORD))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let xml = instance("uuid:basic-1", None, "Pemayung", "12", &[]);
    let r = s
        .http
        .post(format!("{}/openrosa/submission", s.url))
        .header("X-Forwarded-Proto", "https")
        .header("Authorization", basic("petugas", PASSWORD))
        .multipart(Form::new().part(
            "xml_submission_file",
            Part::bytes(xml.into_bytes()).file_name("submission.xml"),
        ))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);

    // Over plain http Basic credentials are not read: Collect is asked for Digest.
    let r = ask(
        "/openrosa/formList",
        Some(basic("petugas", PASSWORD)),
        false,
    )
    .send()
    .await
    .expect("send");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r
        .headers()
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("Digest realm=\"Sinergi\"")));
    // An account with a second factor links a device instead.
    let k = s.token("koordinator").await;
    s.enrol(&k).await;
    let r = ask(
        "/openrosa/formList",
        Some(basic("koordinator", PASSWORD)),
        true,
    )
    .send()
    .await
    .expect("send");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.expect("text").contains("QR"));
}

/// Digest credentials as ODK Collect computes them for a challenge's nonce (RFC 7616
/// with MD5 and `qop=auth`).
fn digest(nonce: &str, user: &str, password: &str, method: &str, uri: &str) -> String {
    use md5::{Digest as _, Md5};
    let h = |s: String| hex::encode(Md5::digest(s.as_bytes()));
    let ha1 = h(format!("{user}:Sinergi:{password}"));
    let ha2 = h(format!("{method}:{uri}"));
    let (nc, cnonce) = ("00000001", "0a4f113b");
    let response = h(format!("{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}"));
    format!(
        "Digest username=\"{user}\", realm=\"Sinergi\", nonce=\"{nonce}\", uri=\"{uri}\", algorithm=MD5, response=\"{response}\", qop=auth, nc={nc}, cnonce=\"{cnonce}\""
    )
}

/// The nonce of a 401's Digest challenge.
fn challenge_nonce(r: &reqwest::Response) -> String {
    let h = r
        .headers()
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .expect("a challenge");
    assert!(h.starts_with("Digest realm=\"Sinergi\""), "{h}");
    assert!(h.contains("qop=\"auth\""), "{h}");
    h.split("nonce=\"")
        .nth(1)
        .and_then(|x| x.split('"').next())
        .expect("nonce")
        .to_string()
}

#[tokio::test]
async fn odk_collect_signs_in_with_digest_over_plain_http() {
    let s = spawn().await;
    let bnnp = s.token("admin.bnnp").await;
    let r = s
        .post(&bnnp, "/api/v1/forms")
        .multipart(Form::new().part(
            "file",
            Part::bytes(workbook("2026.1")).file_name("p4gn.xlsx"),
        ))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);
    let list = "/openrosa/formList?deviceID=collect%3AK2xBEXAMPLE";
    let get = |uri: &str, auth: Option<String>| {
        let mut r = s
            .http
            .get(format!("{}{uri}", s.url))
            .header("X-OpenRosa-Version", "1.0")
            .header("Date", "Mon, 7 Dec 2026 10:00:00 GMT+07:00");
        if let Some(a) = auth {
            r = r.header("Authorization", a);
        }
        r.send()
    };
    // Asked without credentials: 401 with a Digest challenge, as Collect expects.
    let r = get(list, None).await.expect("send");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let nonce = challenge_nonce(&r);
    // A wrong password is asked again; the right one lists the form.
    let r = get(
        list,
        Some(digest(&nonce, "petugas", "salah-sandi", "GET", list)),
    )
    .await
    .expect("send");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = get(list, Some(digest(&nonce, "petugas", PASSWORD, "GET", list)))
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    let text = r.text().await.expect("text");
    assert!(text.contains("<formID>sosialisasi_p4gn</formID>"), "{text}");
    let url = text
        .split("<downloadUrl>")
        .nth(1)
        .and_then(|x| x.split("</downloadUrl>").next())
        .expect("a download URL")
        .to_string();
    assert!(
        url.starts_with("http://") && url.contains("/openrosa/forms/"),
        "{url}"
    );
    let path = format!(
        "/openrosa/{}",
        url.split_once("/openrosa/").expect("path").1
    );
    // Credentials answer for one request: those of the list do not open the form.
    let r = get(
        &path,
        Some(digest(&nonce, "petugas", PASSWORD, "GET", list)),
    )
    .await
    .expect("send");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = get(
        &path,
        Some(digest(&nonce, "petugas", PASSWORD, "GET", &path)),
    )
    .await
    .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    // A nonce Sinergi issued too long ago is answered stale, with a new one.
    let key = s.app.digest_key().expect("key");
    let old = sinergi_core::digest::nonce(&key, s.app.now().timestamp() - 3600);
    let r = get(list, Some(digest(&old, "petugas", PASSWORD, "GET", list)))
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r
        .headers()
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.ends_with("stale=true")));

    // Submitting: HEAD, then the post, each with its own method and URI.
    let r = s
        .http
        .head(format!("{}/openrosa/submission", s.url))
        .header(
            "Authorization",
            digest(&nonce, "petugas", PASSWORD, "HEAD", "/openrosa/submission"),
        )
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let xml = instance("uuid:digest-1", None, "Pemayung", "12", &[]);
    let r = s
        .http
        .post(format!("{}/openrosa/submission", s.url))
        .header(
            "Authorization",
            digest(&nonce, "petugas", PASSWORD, "POST", "/openrosa/submission"),
        )
        .multipart(Form::new().part(
            "xml_submission_file",
            Part::bytes(xml.into_bytes()).file_name("submission.xml"),
        ))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);

    // A new password: the old one no longer signs in, the new one does.
    let (user, _) = s
        .app
        .store
        .user_credentials("petugas")
        .await
        .expect("read")
        .expect("user");
    s.app
        .change_own_password(&user, PASSWORD, "sandi-baru-yang-cukup-panjang")
        .await
        .expect("changed");
    let r = get(list, Some(digest(&nonce, "petugas", PASSWORD, "GET", list)))
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = get(
        list,
        Some(digest(
            &nonce,
            "petugas",
            "sandi-baru-yang-cukup-panjang",
            "GET",
            list,
        )),
    )
    .await
    .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    // The failures are in the audit log as sign-in failures over Digest.
    let failures = s
        .app
        .store
        .audit_entries(&sinergi_store::AuditFilter {
            agencies: None,
            actor: Some("petugas".into()),
            record_id: None,
            action: Some("sign_in_failed".into()),
            since: None,
            until: None,
            ascending: true,
            cursor: None,
            limit: 100,
        })
        .await
        .expect("audit");
    let via: Vec<&str> = failures
        .iter()
        .filter_map(|e| e.detail["via"].as_str())
        .collect();
    assert_eq!(via, ["openrosa-digest", "openrosa-digest"], "{failures:?}");
}

/// The exports beyond CSV, each of what the caller sees with the table's filters:
/// GeoJSON read back by GDAL, and ODK Central's csv.zip with a table per repeat.
#[tokio::test]
async fn submissions_export_as_geojson_and_as_odk_centrals_zip_with_repeats() {
    let s = spawn().await;
    let bnnp = s.token("admin.bnnp").await;
    let r = s
        .post(&bnnp, "/api/v1/forms")
        .multipart(Form::new().part(
            "file",
            Part::bytes(workbook("2026.1")).file_name("p4gn.xlsx"),
        ))
        .send()
        .await
        .expect("send");
    let form: Value = r.json().await.expect("json");
    let form_id = form["id"].as_str().expect("id").to_string();
    let petugas = s.token("petugas").await;
    let (_, v) = json_of(
        s.post(&petugas, "/api/v1/form-devices")
            .json(&json!({"name": "HP"})),
    )
    .await;
    let server = v["server_url"].as_str().expect("url").to_string();
    for (id, desa, photos) in [
        ("uuid:ex-1", "Muara Bulian", vec!["1.jpg", "2.jpg"]),
        ("uuid:ex-2", "=HYPERLINK(\"x\")", vec![]),
    ] {
        let files: Vec<(&str, Vec<u8>)> = photos.iter().map(|p| (*p, jpeg(1))).collect();
        let (st, text) = post(
            &s,
            &server,
            &instance(id, None, desa, "12", &photos),
            &files,
            false,
        )
        .await;
        assert_eq!(st, StatusCode::CREATED, "{text}");
    }

    // GeoJSON: a Feature per submission at its place (asked as GDAL asks, with gzip).
    let r = s
        .get(
            &bnnp,
            &format!("/api/v1/forms/{form_id}/submissions.geojson"),
        )
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/geo+json")
    );
    let text = crate::harness::gunzip_text(r).await;
    let fc: Value = serde_json::from_str(&text).expect("GeoJSON");
    let features = fc["features"].as_array().expect("features");
    assert_eq!(features.len(), 2);
    assert_eq!(features[0]["geometry"]["coordinates"], json!([103.6, -1.6]));
    assert_eq!(features[0]["properties"]["desa"], "Muara Bulian");
    assert_eq!(features[0]["properties"]["dokumentasi"][1]["foto"], "2.jpg");
    if let Ok(ogrinfo) = std::env::var("SINERGI_OGRINFO") {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("kiriman.geojson");
        std::fs::write(&path, &text).expect("write");
        let out = std::process::Command::new(ogrinfo)
            .args(["-so", "-al"])
            .arg(&path)
            .output()
            .expect("ogrinfo");
        let info = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && info.contains("Feature Count: 2") && info.contains("Point"),
            "{info}"
        );
    } else {
        assert!(std::env::var("CI").is_err(), "CI must set SINERGI_OGRINFO");
    }

    // ODK Central's csv.zip: the main table and the repeat's, joined by KEY.
    let r = s
        .get(&bnnp, &format!("/api/v1/forms/{form_id}/submissions.zip"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("send");
    let bytes = crate::harness::gunzip_bytes(r).await;
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut read = |name: &str| {
        let mut f = z
            .by_name(name)
            .unwrap_or_else(|_| panic!("{name} in the zip"));
        let mut s = String::new();
        std::io::Read::read_to_string(&mut f, &mut s).expect("read");
        s
    };
    let main = read("sosialisasi_p4gn.csv");
    let mut lines = main.lines();
    assert_eq!(
        lines.next(),
        Some("SubmissionDate,desa,peserta,titik-Latitude,titik-Longitude,titik-Altitude,titik-Accuracy,meta-instanceID,KEY,SubmitterID,SubmitterName,AttachmentsPresent,AttachmentsExpected,Status,ReviewState,DeviceID,Edits,FormVersion")
    );
    let first = lines.next().expect("a row");
    assert!(
        first.contains(
            ",Muara Bulian,12,-1.6,103.6,20,5,uuid:ex-1,uuid:ex-1,petugas,petugas,2,2,,,,0,2026.1"
        ),
        "{first}"
    );
    let second = lines.next().expect("a row");
    assert!(
        second.contains(",\"'=HYPERLINK(\"\"x\"\")\",12,"),
        "a formula is quoted: {second}"
    );
    let repeat = read("sosialisasi_p4gn-dokumentasi.csv");
    assert_eq!(
        repeat,
        "foto,PARENT_KEY,KEY\r\n1.jpg,uuid:ex-1,uuid:ex-1/dokumentasi[1]\r\n2.jpg,uuid:ex-1,uuid:ex-1/dokumentasi[2]\r\n"
    );

    // The table's filters apply: nothing approved yet.
    let r = s
        .get(
            &bnnp,
            &format!("/api/v1/forms/{form_id}/submissions.zip?review_state=approved"),
        )
        .send()
        .await
        .expect("send");
    let bytes = r.bytes().await.expect("bytes");
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a zip");
    let mut main = String::new();
    std::io::Read::read_to_string(
        &mut z.by_name("sosialisasi_p4gn.csv").expect("main"),
        &mut main,
    )
    .expect("read");
    assert_eq!(main.lines().count(), 1, "the header only");
    let r = s
        .get(
            &bnnp,
            &format!("/api/v1/forms/{form_id}/submissions.geojson?review_state=maybe"),
        )
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
