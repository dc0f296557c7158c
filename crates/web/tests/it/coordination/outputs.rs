//! What a meeting produces (ADR 24): its printable minutes and attendance list, read back
//! with pypdf (`SINERGI_GPX_PYTHON`), through the API and the pages.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::harness::jambi::*;

async fn send(r: reqwest::RequestBuilder) -> reqwest::Response {
    r.send().await.expect("send")
}

async fn json_of(r: reqwest::RequestBuilder) -> Value {
    let r = send(r).await;
    assert!(r.status().is_success(), "{}", r.status());
    r.json().await.expect("json")
}

/// The text of a PDF as pypdf reads it, or `None` when no Python with pypdf is set
/// (which CI refuses).
pub(crate) fn pdf_text(pdf: &[u8]) -> Option<String> {
    assert!(pdf.starts_with(b"%PDF-1.4"));
    let Ok(python) = std::env::var("SINERGI_GPX_PYTHON") else {
        assert!(
            std::env::var("CI").is_err(),
            "CI must set SINERGI_GPX_PYTHON (a Python with gpxpy, pypdf and icalendar)"
        );
        return None;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).expect("write");
    let out = std::process::Command::new(&python)
        .arg("-c")
        .arg("import pypdf, sys\nr = pypdf.PdfReader(sys.argv[1], strict=True)\nprint('\\n'.join(p.extract_text() for p in r.pages))")
        .arg(&path)
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "pypdf: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8(out.stdout).expect("text"))
}

/// A group of BNNK and the police with two meetings; the second has an item of its own
/// and one carried from the first. Answers (token, second meeting's id).
pub(super) async fn two_meetings(s: &Server) -> (String, String, String) {
    let k = s.token("koordinator").await;
    let g = json_of(s.post(&k, "/api/v1/groups").json(&json!({
        "name": "Satgas TPPO Batang Hari", "kind": "satgas",
        "legal_basis": "Keputusan Bupati", "members": ["POLDA-JAMBI"],
        "people": [{"agency": "BNNK-BATANGHARI", "user": "koordinator", "role": "sekretaris"}],
        "period_from": "2025-01-01",
    })))
    .await;
    let gid = g["id"].as_str().expect("group").to_string();
    let m1 = json_of(
        s.post(&k, &format!("/api/v1/groups/{gid}/meetings"))
            .json(&json!({"starts_at": "2025-05-27T09:00:00+07:00", "place": "Aula BNNK"})),
    )
    .await;
    let m1 = m1["id"].as_str().expect("meeting").to_string();
    json_of(
        s.post(&k, &format!("/api/v1/meetings/{m1}/action-items"))
            .json(
                &json!({"what": "Susun SOP rujukan korban", "agency": "BNNK-BATANGHARI",
                "due": "2025-06-10"}),
            ),
    )
    .await;
    let m2 = json_of(s.post(&k, &format!("/api/v1/groups/{gid}/meetings")).json(
        &json!({"starts_at": "2025-06-20T13:30:00+07:00", "place": "Mapolda Jambi",
                "online_link": "https://rapat.example.id/satgas",
                "invited": ["POLDA-JAMBI", "BNNP-JAMBI"],
                "agenda": ["Evaluasi pembentukan Satgas", "Rencana patroli bersama"]}),
    ))
    .await;
    let m2 = m2["id"].as_str().expect("meeting").to_string();
    let r = send(
        s.http
            .patch(format!("{}/api/v1/meetings/{m2}", s.url))
            .bearer_auth(&k)
            .json(&json!({
                "attendance": [
                    {"name": "Ibu Sari", "agency": "BNNK-BATANGHARI", "position": "Kepala Seksi P2M"},
                    {"name": "AKBP Budi", "agency": "POLDA-JAMBI", "position": "Kasubdit IV"}
                ],
                "minutes": "Rapat dibuka pukul 13.30.\nSatgas sepakat berbagi data kasus.",
                "decisions": ["Membentuk Satgas TPPO"],
            })),
    )
    .await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "{}",
        r.text().await.unwrap_or_default()
    );
    json_of(
        s.post(&k, &format!("/api/v1/meetings/{m2}/action-items"))
            .json(
                &json!({"what": "Patroli gabungan di pelabuhan", "agency": "POLDA-JAMBI",
                "person": "AKBP Budi", "due": "2025-07-15"}),
            ),
    )
    .await;
    (k, gid, m2)
}

#[tokio::test]
async fn a_meetings_minutes_and_attendance_list_print() {
    let s = spawn().await;
    let (k, _, mid) = two_meetings(&s).await;

    let r = send(s.get(&k, &format!("/api/v1/meetings/{mid}/minutes.pdf"))).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let minutes = r.bytes().await.expect("bytes");
    let r = send(s.get(&k, &format!("/api/v1/meetings/{mid}/minutes.pdf?lang=en"))).await;
    assert_eq!(r.status(), StatusCode::OK);
    let minutes_en = r.bytes().await.expect("bytes");
    let r = send(s.get(&k, &format!("/api/v1/meetings/{mid}/minutes.pdf?lang=fr"))).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = send(s.get(&k, &format!("/api/v1/meetings/{mid}/attendance.pdf"))).await;
    assert_eq!(r.status(), StatusCode::OK);
    let attendance = r.bytes().await.expect("bytes");
    // Another agency's officer gets the missing meeting.
    let p = s.token("analis").await;
    let r = send(s.get(&p, &format!("/api/v1/meetings/{mid}/minutes.pdf"))).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    let Some(text) = pdf_text(&minutes) else {
        return;
    };
    for want in [
        "NOTULEN RAPAT",
        "Satgas TPPO Batang Hari",
        "2025-06-20 13:30 WIB",
        "Mapolda Jambi",
        "https://rapat.example.id/satgas",
        "Penyelenggara",
        "BNNP-JAMBI",
        "Evaluasi pembentukan Satgas",
        "Ibu Sari",
        "Kasubdit IV",
        "Satgas sepakat berbagi data kasus.",
        "Membentuk Satgas TPPO",
        "Patroli gabungan di pelabuhan",
        "AKBP Budi",
        "2025-07-15",
        "Terbuka",
        "Susun SOP rujukan korban",
        "2025-06-10",
        "dibawa dari rapat sebelumnya",
    ] {
        assert!(text.contains(want), "{want} not in {text}");
    }
    let text = pdf_text(&minutes_en).expect("text");
    for want in ["MINUTES OF THE MEETING", "Organiser", "Open", "carried"] {
        assert!(text.contains(want), "{want} not in {text}");
    }
    let text = pdf_text(&attendance).expect("text");
    for want in [
        "DAFTAR HADIR",
        "Tanda tangan",
        "Jabatan",
        "Ibu Sari",
        "Kepala Seksi P2M",
        "AKBP Budi",
        "BNNP-JAMBI",
        "4.",
    ] {
        assert!(text.contains(want), "{want} not in {text}");
    }
}

#[tokio::test]
async fn the_meetings_page_links_its_printable_documents() {
    let s = spawn().await;
    let (_, _, mid) = two_meetings(&s).await;
    let http = crate::harness::browser();
    let session = crate::harness::browser_sign_in(&http, &s.url, "koordinator", PASSWORD).await;
    let cookie = format!("sinergi_session={session}");
    let page = http
        .get(format!("{}/rapat/{mid}", s.url))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("text");
    assert!(
        page.contains(&format!("href=\"/rapat/{mid}/notulen.pdf\"")),
        "{page}"
    );
    assert!(page.contains(&format!("href=\"/rapat/{mid}/daftar-hadir.pdf\"")));
    for path in ["notulen.pdf", "daftar-hadir.pdf"] {
        let r = http
            .get(format!("{}/rapat/{mid}/{path}", s.url))
            .header("cookie", &cookie)
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert_eq!(r.headers()["content-type"], "application/pdf");
        let bytes = r.bytes().await.expect("bytes");
        if let Some(text) = pdf_text(&bytes) {
            assert!(text.contains("AKBP Budi"), "{text}");
        }
    }
}
