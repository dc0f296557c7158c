//! Paper forms on the demo's KOTAN campaign: Kesbangpol Jambi prints Tebo's missing 2023
//! questionnaire (unit, period and form code on every page, read back with pypdf), then
//! types the filled paper in with its date and scan, through the API and the page; it
//! counts for the campaign with the paper's date, once however often it is sent. Bad
//! entries are refused naming the field, with nothing stored.

use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::harness::between;
use crate::harness::demo::{assert_indonesian, spawn, Server};

/// The first bytes of a PDF, as a scanner writes them.
fn scan_pdf() -> Vec<u8> {
    let mut b = b"%PDF-1.4\n%scan\n".to_vec();
    b.extend(std::iter::repeat_n(b'x', 300));
    b
}

async fn kotan(s: &Server, t: &str) -> (String, String) {
    let (status, forms) = s.api(t, "/api/v1/forms").await;
    assert_eq!(status, StatusCode::OK);
    let form = forms["forms"]
        .as_array()
        .expect("forms")
        .iter()
        .find(|f| f["form_id"] == "kotan_kesbangpol")
        .expect("the demo's KOTAN form")["id"]
        .as_str()
        .expect("id")
        .to_string();
    let (_, campaigns) = s.api(t, "/api/v1/campaigns").await;
    let campaign = campaigns["campaigns"][0]["id"]
        .as_str()
        .expect("the demo campaign")
        .to_string();
    (form, campaign)
}

fn tebo_2023(c: &Value) -> Value {
    let unit = c["units"]
        .as_array()
        .expect("units")
        .iter()
        .find(|u| u["unit"]["region"] == "15.09")
        .expect("Tebo");
    unit["cells"]
        .as_array()
        .expect("cells")
        .iter()
        .find(|c| c["period"] == "2023")
        .expect("2023")
        .clone()
}

fn answers() -> Value {
    json!({
        "periode": "2023",
        "aspek/ketahanan_masyarakat": 61, "aspek/wilayah": 55, "aspek/kelembagaan": "58",
        "aspek/hukum": 49, "aspek/ketahanan_keluarga": 70,
        "catatan": "Diisi di kertas; sinyal putus di Kantor Kesbangpol Tebo"
    })
}

async fn enter(s: &Server, t: &str, form: &str, parts: Form) -> reqwest::Response {
    s.http
        .post(format!("{}/api/v1/forms/{form}/paper", s.url))
        .bearer_auth(t)
        .multipart(parts)
        .send()
        .await
        .expect("send")
}

fn entry(answers: &Value, date: &str, agency: Option<&str>, scan: Option<Vec<u8>>) -> Form {
    let mut f = Form::new()
        .text("answers", answers.to_string())
        .text("answered_on", date.to_string())
        .text("instance_id", "uuid:kertas-tebo-2023");
    if let Some(a) = agency {
        f = f.text("agency", a.to_string());
    }
    if let Some(b) = scan {
        f = f.part("scan", Part::bytes(b).file_name("pindaian-tebo-2023.pdf"));
    }
    f
}

async fn problem_fields(r: reqwest::Response, status: StatusCode) -> Vec<String> {
    assert_eq!(r.status(), status);
    assert_eq!(
        r.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/problem+json")
    );
    let v: Value = r.json().await.expect("problem");
    v["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e["field"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn pdf_text(pdf: &[u8]) -> Option<Vec<String>> {
    let Ok(python) = std::env::var("SINERGI_GPX_PYTHON") else {
        assert!(
            std::env::var("CI").is_err(),
            "CI must set SINERGI_GPX_PYTHON (a Python with gpxpy and pypdf)"
        );
        return None;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("kertas.pdf");
    std::fs::write(&path, pdf).expect("write");
    let out = std::process::Command::new(&python)
        .arg("-c")
        .arg("import pypdf, sys\nr = pypdf.PdfReader(sys.argv[1], strict=True)\nprint('\\f'.join(p.extract_text() for p in r.pages))")
        .arg(&path)
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "pypdf: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(
        String::from_utf8(out.stdout)
            .expect("text")
            .split('\u{c}')
            .map(String::from)
            .collect(),
    )
}

#[tokio::test]
async fn a_paper_form_is_printed_for_a_unit_and_typed_in_with_its_date_and_scan() {
    let s = spawn().await;
    let t = s.token("kesbangpol.jambi").await;
    let (form, campaign) = kotan(&s, &t).await;

    // The printable sheet for Tebo's 2023 questionnaire.
    let r = s
        .http
        .get(format!(
            "{}/api/v1/forms/{form}/paper.pdf?region=15.09&period=2023&agency=KESBANGPOL-TEBO",
            s.url
        ))
        .bearer_auth(&t)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/pdf")
    );
    let pdf = r.bytes().await.expect("pdf");
    assert!(pdf.starts_with(b"%PDF-1.4"));
    if let Some(pages) = pdf_text(&pdf) {
        assert!(!pages.is_empty());
        let code = format!("SINERGI:{form}:1:15.09:2023");
        for (i, p) in pages.iter().enumerate() {
            for want in [
                "Kabupaten Tebo",
                "Periode: 2023",
                code.as_str(),
                "KESBANGPOL-TEBO",
            ] {
                assert!(p.contains(want), "page {}: {want} not in {p}", i + 1);
            }
        }
        let all = pages.join("\n");
        for want in [
            "Kuesioner Ketahanan Komunitas",
            "Ketahanan keluarga (0–100)",
            "Pilih satu.",
            "Tanggal pengisian",
        ] {
            assert!(all.contains(want), "{want} not in {all}");
        }
    }
    // The QR code on the page reads as the form code, as a phone's scanner reads it.
    match (
        std::env::var("SINERGI_PDFTOPPM"),
        std::env::var("SINERGI_ZBARIMG"),
    ) {
        (Ok(pdftoppm), Ok(zbarimg)) => {
            let dir = tempfile::tempdir().expect("tempdir");
            let pdf_path = dir.path().join("kertas.pdf");
            std::fs::write(&pdf_path, &pdf).expect("write");
            let png = dir.path().join("halaman");
            let out = std::process::Command::new(pdftoppm)
                .args(["-r", "200", "-png", "-f", "1", "-l", "1"])
                .arg(&pdf_path)
                .arg(&png)
                .output()
                .expect("pdftoppm");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let page = std::fs::read_dir(dir.path())
                .expect("dir")
                .filter_map(Result::ok)
                .map(|e| e.path())
                .find(|p| p.extension().is_some_and(|x| x == "png"))
                .expect("a rendered page");
            let out = std::process::Command::new(zbarimg)
                .args(["-q", "--raw"])
                .arg(&page)
                .output()
                .expect("zbarimg");
            assert_eq!(
                String::from_utf8_lossy(&out.stdout).trim(),
                format!("SINERGI:{form}:1:15.09:2023")
            );
        }
        _ => assert!(
            std::env::var("CI").is_err(),
            "CI must set SINERGI_PDFTOPPM and SINERGI_ZBARIMG (poppler-utils, zbar-tools)"
        ),
    }
    // An unknown region or period is named.
    for (q, field) in [
        ("region=99.99", "region"),
        ("period=2023-Q5", "period"),
        ("agency=TIDAK-ADA", "agency"),
    ] {
        let r = s
            .http
            .get(format!("{}/api/v1/forms/{form}/paper.pdf?{q}", s.url))
            .bearer_auth(&t)
            .send()
            .await
            .expect("send");
        assert_eq!(
            problem_fields(r, StatusCode::UNPROCESSABLE_ENTITY).await,
            [field],
            "{q}"
        );
    }

    let (_, before) = s.api(&t, &format!("/api/v1/campaigns/{campaign}")).await;
    assert_eq!(before["overall"]["received"], 28);
    assert_eq!(tebo_2023(&before)["state"], "missing");

    // Refused, each naming its field, with nothing stored.
    let mut unknown = answers();
    unknown["umur"] = json!(3);
    let mut bad_value = answers();
    bad_value["aspek/hukum"] = json!("empat puluh");
    for (parts, status, field) in [
        (
            entry(&unknown, "2024-02-10", Some("KESBANGPOL-TEBO"), None),
            StatusCode::UNPROCESSABLE_ENTITY,
            "answers",
        ),
        (
            entry(&bad_value, "2024-02-10", Some("KESBANGPOL-TEBO"), None),
            StatusCode::UNPROCESSABLE_ENTITY,
            "answers",
        ),
        (
            entry(&answers(), "2030-01-01", Some("KESBANGPOL-TEBO"), None),
            StatusCode::UNPROCESSABLE_ENTITY,
            "answered_on",
        ),
        (
            entry(&answers(), "10/02/2024", Some("KESBANGPOL-TEBO"), None),
            StatusCode::UNPROCESSABLE_ENTITY,
            "answered_on",
        ),
        (
            entry(&answers(), "2024-02-10", Some("BNNP-JAMBI"), None),
            StatusCode::UNPROCESSABLE_ENTITY,
            "agency",
        ),
    ] {
        assert_eq!(
            problem_fields(enter(&s, &t, &form, parts).await, status).await,
            [field]
        );
    }
    let r = enter(
        &s,
        &t,
        &form,
        entry(
            &answers(),
            "2024-02-10",
            Some("KESBANGPOL-TEBO"),
            Some(b"bukan pindaian".to_vec()),
        ),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // A regency's officer types in for their own office only.
    let kerinci = s.token("kesbangpol.kerinci").await;
    let r = enter(
        &s,
        &kerinci,
        &form,
        entry(&answers(), "2024-02-10", Some("KESBANGPOL-TEBO"), None),
    )
    .await;
    assert_eq!(
        problem_fields(r, StatusCode::UNPROCESSABLE_ENTITY).await,
        ["agency"]
    );
    let (_, still) = s.api(&t, &format!("/api/v1/campaigns/{campaign}")).await;
    assert_eq!(still["overall"]["received"], 28, "nothing stored");

    // Typed in today, dated 10 February 2024 on the paper: it counts as on time.
    let r = enter(
        &s,
        &t,
        &form,
        entry(
            &answers(),
            "2024-02-10",
            Some("KESBANGPOL-TEBO"),
            Some(scan_pdf()),
        ),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let sub: Value = r.json().await.expect("json");
    assert_eq!(sub["submission"]["source"], "paper");
    assert_eq!(sub["submission"]["agency"], "KESBANGPOL-TEBO");
    assert_eq!(
        sub["submission"]["answered_at"],
        "2024-02-10T05:00:00+00:00"
    );
    assert_eq!(sub["submission"]["data"]["aspek/kelembagaan"], "58");
    let id = sub["submission"]["id"].as_str().expect("id").to_string();
    let scan = sub["files"]
        .as_array()
        .expect("files")
        .iter()
        .find(|f| f["name"] == "kertas-pindaian-tebo-2023.pdf")
        .expect("the scan is kept");
    assert_eq!(scan["received"], true, "{scan}");
    let (_, after) = s.api(&t, &format!("/api/v1/campaigns/{campaign}")).await;
    assert_eq!(after["overall"]["received"], 29);
    assert_eq!(after["overall"]["on_time"], 19);
    let cell = tebo_2023(&after);
    assert_eq!(cell["state"], "on_time", "{cell}");
    assert_eq!(cell["paper"], true);
    assert!(
        cell["answered_at"]
            .as_str()
            .is_some_and(|a| a.starts_with("2024-02-10")),
        "{cell}"
    );

    // Sent again (a retry): nothing added.
    let r = enter(
        &s,
        &t,
        &form,
        entry(
            &answers(),
            "2024-02-10",
            Some("KESBANGPOL-TEBO"),
            Some(scan_pdf()),
        ),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let again: Value = r.json().await.expect("json");
    assert_eq!(again["submission"]["id"], id.as_str());
    let (_, once) = s.api(&t, &format!("/api/v1/campaigns/{campaign}")).await;
    assert_eq!(once["overall"]["received"], 29);
    // The same identity with other answers is a conflict.
    let mut other = answers();
    other["aspek/hukum"] = json!(12);
    let r = enter(
        &s,
        &t,
        &form,
        entry(&other, "2024-02-10", Some("KESBANGPOL-TEBO"), None),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);

    // The scan is downloadable by those who see the submission.
    let r = s
        .http
        .get(format!(
            "{}/api/v1/submissions/{id}/files/kertas-pindaian-tebo-2023.pdf",
            s.url
        ))
        .bearer_auth(&t)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.bytes().await.expect("bytes").as_ref(),
        scan_pdf().as_slice()
    );
}

#[tokio::test]
async fn a_paper_form_is_typed_in_on_its_page() {
    let s = spawn().await;
    let t = s.token("kesbangpol.jambi").await;
    let (form, campaign) = kotan(&s, &t).await;
    let (status, page) = s.page(&t, &format!("/formulir/{form}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(&format!("href=\"/formulir/{form}/kertas\"")),
        "linked from the form"
    );

    let path = format!("/formulir/{form}/kertas");
    let (status, page) = s.page(&t, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert_indonesian(&path, &page);
    for want in [
        "name=\"a:periode\"",
        "name=\"a:aspek/hukum\"",
        "name=\"tanggal_kertas\"",
        "name=\"pindaian\"",
        "Kesbangpol Kabupaten Tebo",
    ] {
        assert!(page.contains(want), "{want} not on the page");
    }

    let instance = between(&page, "name=\"instance_id\" value=\"", "\"")
        .expect("the page's identity")
        .to_string();
    assert!(instance.starts_with("uuid:"), "{instance}");
    let fields = |date: &'static str| {
        vec![
            ("instance_id", instance.as_str()),
            ("tanggal_kertas", date),
            ("instansi", ""),
            ("a:periode", "2023"),
            ("a:aspek/ketahanan_masyarakat", "61"),
            ("a:aspek/wilayah", "55"),
            ("a:aspek/kelembagaan", "58"),
            ("a:aspek/hukum", "49"),
            ("a:aspek/ketahanan_keluarga", "70"),
            ("a:catatan", ""),
        ]
    };
    let tebo = s
        .app
        .agencies()
        .await
        .expect("agencies")
        .into_iter()
        .find(|a| a.code.as_str() == "KESBANGPOL-TEBO")
        .expect("Tebo")
        .id
        .to_string();
    // No date: refused, the typed answers kept.
    let mut f = fields("");
    f[2].1 = &tebo;
    let (status, page) = s
        .multipart(&t, &path, &f, ("pindaian", "pindaian.pdf", scan_pdf()))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let errors = between(&page, "id=\"galat-kertas\"", "</div>").expect("the problems");
    assert!(errors.contains("Tanggal pada kertas"), "{errors}");
    assert!(
        page.contains("value=\"49\""),
        "the answers are kept: {}",
        between(&page, "id=\"form-kertas\"", "</form>").unwrap_or_default()
    );

    let mut f = fields("2024-02-10");
    f[2].1 = &tebo;
    let (status, location) = s
        .multipart(&t, &path, &f, ("pindaian", "pindaian.pdf", scan_pdf()))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    assert!(location.starts_with("/kiriman/"), "{location}");
    // Posted twice (a double tap, a reload): the same submission.
    let (status, again) = s
        .multipart(&t, &path, &f, ("pindaian", "pindaian.pdf", scan_pdf()))
        .await;
    assert_eq!(
        (status, again.as_str()),
        (StatusCode::SEE_OTHER, location.as_str())
    );
    let (status, detail) = s.page(&t, &location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(detail.contains("Formulir kertas"), "shown as from paper");
    assert!(detail.contains("kertas-pindaian.pdf"), "the scan is listed");
    let (_, after) = s.api(&t, &format!("/api/v1/campaigns/{campaign}")).await;
    assert_eq!(tebo_2023(&after)["state"], "on_time");

    // The printable sheet from the page, for the visitor's language.
    let r = s
        .http
        .get(format!(
            "{}/formulir/{form}/kertas.pdf?wilayah=15.09&periode=2023",
            s.url
        ))
        .header("cookie", format!("sinergi_session={t}"))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.bytes().await.expect("pdf").starts_with(b"%PDF-1.4"));
}

/// Answers from the phone app, as its outbox sends them: the Pokja's quarterly patrol
/// report for Merangin's missing quarter counts for the campaign once, however often
/// the phone sends it; what does not fit is refused naming the field.
#[tokio::test]
async fn answers_from_the_phone_app_count_once_for_their_unit_and_quarter() {
    let s = spawn().await;
    let t = s.token("ranger.tnks").await;
    let (_, forms) = s.api(&t, "/api/v1/forms").await;
    let form = forms["forms"]
        .as_array()
        .expect("forms")
        .iter()
        .find(|f| f["form_id"] == "patroli_triwulan_tnks")
        .expect("the Pokja's patrol report")["id"]
        .as_str()
        .expect("id")
        .to_string();
    let (_, campaigns) = s.api(&t, "/api/v1/campaigns").await;
    let campaign = campaigns["campaigns"][0]["id"]
        .as_str()
        .expect("campaign")
        .to_string();
    let (_, before) = s.api(&t, &format!("/api/v1/campaigns/{campaign}")).await;
    let merangin = |c: &Value| {
        c["units"]
            .as_array()
            .expect("units")
            .iter()
            .find(|u| u["unit"]["region"] == "15.02")
            .expect("Merangin")["cells"]
            .clone()
    };
    // Two quarters ago: the demo left it missing.
    let cells = merangin(&before);
    let quarter = cells[2]["period"].as_str().expect("period").to_string();
    assert_eq!(cells[2]["state"], "missing");
    let received = before["overall"]["received"].as_u64().expect("received");

    let send = |body: Value| {
        s.http
            .post(format!("{}/api/v1/forms/{form}/answers", s.url))
            .bearer_auth(&t)
            .json(&body)
            .send()
    };
    let body = |version: i64, answers: Value, at: &str| json!({"instance_id": "uuid:ponsel-merangin", "version": version, "answers": answers, "answered_at": at});
    let good = json!({"kabupaten": "15.02", "triwulan": quarter, "patroli": 5, "jerat": 12, "catatan": "Diisi tanpa sinyal di Sungai Manau"});
    let later = (s.app.now() + chrono::Duration::days(3)).to_rfc3339();
    for (b, field) in [
        (body(9, good.clone(), &later), "version"),
        (
            body(1, json!({"kabupaten": "15.02", "umur": 3}), &later),
            "answers",
        ),
        (
            body(1, json!({"kabupaten": "15.02", "patroli": "lima"}), &later),
            "answers",
        ),
        (body(1, good.clone(), "kemarin"), "answered_at"),
        (
            body(1, good.clone(), "2020-01-01T00:00:00+07:00"),
            "answered_at",
        ),
        (
            json!({"version": 1, "answers": good.clone()}),
            "instance_id",
        ),
    ] {
        let r = send(b).await.expect("send");
        assert_eq!(
            problem_fields(r, StatusCode::UNPROCESSABLE_ENTITY).await,
            [field]
        );
    }

    // Filled on the phone (its clock three days ahead: counted as received now).
    let r = send(body(1, good.clone(), &later)).await.expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);
    let sub: Value = r.json().await.expect("json");
    assert_eq!(sub["submission"]["source"], "app");
    let answered = chrono::DateTime::parse_from_rfc3339(
        sub["submission"]["answered_at"].as_str().expect("at"),
    )
    .expect("time");
    assert!(answered <= s.app.now(), "never later than received");
    // The outbox sends it again when the answer was lost: nothing added.
    let r = send(body(1, good.clone(), &later)).await.expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    let (_, after) = s.api(&t, &format!("/api/v1/campaigns/{campaign}")).await;
    assert_eq!(after["overall"]["received"].as_u64(), Some(received + 1));
    assert_eq!(merangin(&after)[2]["state"], "late");
    let (_, list) = s
        .api(&t, &format!("/api/v1/forms/{form}/submissions?source=app"))
        .await;
    assert_eq!(list["total"], 1);

    // The page the phone keeps: the questions, the script that saves to the outbox.
    let path = format!("/formulir/{form}/isi");
    let (status, page) = s.page(&t, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert_indonesian(&path, &page);
    for want in [
        "id=\"form-isi\"",
        "data-version=\"1\"",
        "name=\"a:triwulan\"",
        "value=\"15.02\"",
        "formulir-isi.",
    ] {
        assert!(page.contains(want), "{want} not on the page");
    }
}
