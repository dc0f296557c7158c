use reqwest::StatusCode;

use super::workbook;
use crate::harness::between;
use crate::harness::demo::{assert_indonesian, spawn};

#[tokio::test]
async fn a_coordinator_publishes_a_workbook_through_the_pages() {
    let s = spawn().await;
    let t = s.token("koordinator.bnnp.jambi").await;
    let (status, list) = s.page(&t, "/formulir").await;
    assert_eq!(status, StatusCode::OK);
    assert_indonesian("/formulir", &list);
    assert!(
        list.contains("id=\"tautan-formulir\""),
        "linked from the menu"
    );
    assert!(
        list.contains("id=\"form-unggah-formulir\""),
        "the upload is offered"
    );

    // A faulty workbook: every problem by sheet, row and column; nothing stored.
    let (status, page) = s
        .multipart(
            &t,
            "/formulir",
            &[],
            (
                "file",
                "kotan.xlsx",
                workbook("2021", "Nama", Some("${tidak_ada} > 1")),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let errors = between(&page, "id=\"galat-formulir\"", "</div>").expect("the problems");
    assert!(
        errors.contains("survey, baris 3, kolom relevant"),
        "{errors}"
    );
    assert!(errors.contains("tidak_ada"), "{errors}");
    assert!(page.contains("id=\"tidak-ada-formulir\""), "nothing stored");

    let (status, location) = s
        .multipart(
            &t,
            "/formulir",
            &[],
            (
                "file",
                "kotan.xlsx",
                workbook("2021", "Nama responden", None),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    let (status, page) = s.page(&t, &location).await;
    assert_eq!(status, StatusCode::OK);
    assert_indonesian(&location, &page);
    assert!(page.contains("Kuesioner Ketahanan Keluarga"));
    assert!(page.contains("id=\"versi-1\""));
    let xform = format!(
        "/formulir/{}",
        between(&page, "<a href=\"/formulir/", "\" download>form.xml").expect("the XForm link")
    );
    let (status, xml) = s.page(&t, &xform).await;
    assert_eq!(status, StatusCode::OK);
    assert!(xml.contains("version=\"2021\""), "{xml}");
    // The same workbook again: refused on the list page, nothing added.
    let (status, page) = s
        .multipart(
            &t,
            "/formulir",
            &[],
            (
                "file",
                "kotan.xlsx",
                workbook("2021", "Nama responden", None),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(page.contains("id=\"galat-formulir\""));
    // A phone linked for ODK Collect: its server URL shown once, then revoked.
    let (status, page) = s
        .form(
            &t,
            "/formulir/perangkat",
            &[("nama", "HP lapangan Muara Bulian")],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_indonesian("/formulir/perangkat", &page);
    let url = between(&page, "id=\"alamat-server\">", "</code>")
        .expect("the URL")
        .replace("&#x2f;", "/");
    assert!(url.contains("/openrosa/key/"), "{url}");
    let qr = between(&page, "id=\"qr-collect\"", "</figure>").expect("the QR code");
    assert!(qr.contains("<svg"), "{qr}");
    let text = between(&page, "id=\"pengaturan-collect\">", "</code>").expect("its text");
    let settings = super::openrosa::collect_settings(&text.replace("&#x2f;", "/"));
    assert_eq!(settings["general"]["server_url"], url.as_str());
    let (_, page) = s.page(&t, "/formulir/perangkat").await;
    assert!(!page.contains("/openrosa/key/"), "shown once");
    let id = between(&page, "id=\"perangkat-", "\"")
        .expect("the device")
        .to_string();
    let (status, _) = s
        .form(&t, &format!("/formulir/perangkat/{id}/cabut"), &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = s.page(&t, "/formulir/perangkat").await;
    assert!(page.contains("Dicabut"));
    // The account page shows the user's devices, revoked too, and links to them.
    let (status, account) = s.page(&t, "/akun/keamanan").await;
    assert_eq!(status, StatusCode::OK);
    assert_indonesian("/akun/keamanan", &account);
    let devices = between(&account, "id=\"perangkat-collect\"", "</section>").expect("devices");
    assert!(devices.contains("HP lapangan Muara Bulian"), "{devices}");
    assert!(devices.contains("Dicabut"), "{devices}");
    assert!(
        devices.contains("href=\"/formulir/perangkat\""),
        "{devices}"
    );

    // A field officer sees the list without the upload.
    let officer = s.token("petugas.bnnk.batanghari").await;
    let (_, list) = s.page(&officer, "/formulir").await;
    assert!(!list.contains("id=\"form-unggah-formulir\""));
}

#[tokio::test]
async fn a_coordinator_reads_reviews_and_downloads_the_submissions_of_a_form() {
    let s = spawn().await;
    let t = s.token("koordinator.bnnp.jambi").await;
    let (status, location) = s
        .multipart(
            &t,
            "/formulir",
            &[],
            (
                "file",
                "kotan.xlsx",
                workbook("2021", "Nama responden", None),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    let form = location.trim_start_matches("/formulir/").to_string();
    // A BNNK officer's phone sends an answer to the BNNP's questionnaire.
    let officer = s.token("petugas.bnnk.batanghari").await;
    let (status, page) = s
        .form(&officer, "/formulir/perangkat", &[("nama", "HP petugas")])
        .await;
    assert_eq!(status, StatusCode::OK);
    let url = between(&page, "id=\"alamat-server\">", "</code>")
        .expect("the URL")
        .replace("&#x2f;", "/");
    let xml = "<data id=\"kotan_jambi\" version=\"2021\"><nama>Rahmat &amp; Sari</nama><umur>34</umur>\
               <sosialisasi>ya</sosialisasi><meta><instanceID>uuid:hal-1</instanceID></meta></data>";
    let r = s
        .http
        .post(format!("{url}/submission"))
        .multipart(reqwest::multipart::Form::new().part(
            "xml_submission_file",
            reqwest::multipart::Part::bytes(xml.as_bytes().to_vec()).file_name("submission.xml"),
        ))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);

    let path = format!("/formulir/{form}/kiriman");
    let (_, page) = s.page(&t, &format!("/formulir/{form}")).await;
    assert!(
        page.contains(&format!("href=\"{path}\"")),
        "linked from the form"
    );
    let (status, page) = s.page(&t, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert_indonesian(&path, &page);
    let table = between(&page, "id=\"tabel-kiriman\"", "</table>").expect("the table");
    assert!(table.contains("Rahmat &amp; Sari"), "{table}");
    assert!(table.contains("petugas.bnnk.batanghari"), "{table}");
    assert!(table.contains("Diterima"), "{table}");
    // The downloads of the table: CSV, GeoJSON and ODK Central's zip.
    for (link, kind) in [
        (format!("{path}.geojson"), "application/geo+json"),
        (format!("{path}.zip"), "application/zip"),
    ] {
        assert!(page.contains(&format!("href=\"{link}\"")), "{link} offered");
        let r = s
            .http
            .get(format!("{}{link}", s.url))
            .header("cookie", format!("sinergi_session={t}"))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), StatusCode::OK, "{link}");
        assert_eq!(
            r.headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some(kind)
        );
    }
    let (_, none) = s.page(&t, &format!("{path}?status=approved")).await;
    assert!(none.contains("id=\"tidak-ada-kiriman\""));
    let (status, _) = s.page(&t, &format!("{path}?dari=kemarin")).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a bad date is named, not ignored"
    );

    let sub = between(&page, "data-kiriman=\"", "\"")
        .expect("a row")
        .to_string();
    let detail = format!("/kiriman/{sub}");
    let (status, page) = s.page(&t, &detail).await;
    assert_eq!(status, StatusCode::OK);
    assert_indonesian(&detail, &page);
    let answers = between(&page, "id=\"jawaban\"", "</dl>").expect("the answers");
    assert!(
        answers.contains("34") && answers.contains("ya"),
        "{answers}"
    );
    assert!(
        page.contains("id=\"form-periksa\""),
        "the form's agency reviews"
    );
    // The sender's agency reads it but does not review it.
    let (status, theirs) = s.page(&officer, &detail).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!theirs.contains("id=\"form-periksa\""));

    // Another agency's user finds none of it, as if it did not exist.
    let outsider = s.token("analis.polda.jambi").await;
    for p in [
        path.clone(),
        format!("{path}.csv"),
        detail.clone(),
        format!("{detail}/berkas/foto.jpg"),
    ] {
        let (status, _) = s.page(&outsider, &p).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{p}");
    }
    let (status, _) = s
        .form(
            &outsider,
            &format!("{detail}/periksa"),
            &[("status", "approved")],
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A review with issues needs a comment; with one it is kept and shown.
    let (status, page) = s
        .form(
            &t,
            &format!("{detail}/periksa"),
            &[("status", "has_issues"), ("catatan", "")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("id=\"galat-periksa\""));
    let (status, location) = s
        .form(
            &t,
            &format!("{detail}/periksa"),
            &[
                ("status", "has_issues"),
                ("catatan", "Umur tidak cocok dengan KTP"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, detail);
    let (_, page) = s.page(&t, &detail).await;
    let reviews = between(&page, "id=\"daftar-periksa\"", "</ol>").expect("the reviews");
    assert!(
        reviews.contains("Bermasalah") && reviews.contains("Umur tidak cocok dengan KTP"),
        "{reviews}"
    );

    // The CSV of the table.
    let r = s
        .http
        .get(format!("{}{path}.csv", s.url))
        .header("cookie", format!("sinergi_session={t}"))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    let csv = r.text().await.expect("text");
    let row = csv.lines().nth(1).expect("a row");
    assert!(
        row.contains(",has_issues,") && row.contains(",Rahmat & Sari,34,ya"),
        "{row}"
    );
}
