//! Patrol pages: a joint patrol planned through the form, its GPX uploaded through the
//! page, and the patrol's page showing its members by agency, its legs and its effort.

use reqwest::StatusCode;

use crate::harness::between;
use crate::harness::demo::*;

/// A short walk near Sungai Penuh as a handheld GPS writes it.
fn walk() -> String {
    let mut pts = String::new();
    for i in 0..10 {
        let lon = 101.3900 + f64::from(i) * 0.002;
        let lat = -2.0600 + f64::from(i) * 0.001;
        pts.push_str(&format!(
            "<trkpt lat=\"{lat:.6}\" lon=\"{lon:.6}\"><time>2026-11-10T01:{:02}:00Z</time></trkpt>",
            i * 4
        ));
    }
    format!("<gpx version=\"1.1\" creator=\"test\" xmlns=\"http://www.topografix.com/GPX/1/1\"><trk><name>Hari 1</name><trkseg>{pts}</trkseg></trk></gpx>")
}

#[tokio::test]
async fn a_joint_patrol_is_planned_and_its_track_uploaded_through_the_pages() {
    let s = spawn().await;
    let coordinator = s.token("koordinator.tnks").await;
    let (status, page) = s.page(&coordinator, "/patroli/baru").await;
    assert_eq!(status, StatusCode::OK);
    assert_indonesian("/patroli/baru", &page);
    // The organiser's agency and the user as leader are filled in.
    assert!(
        page.contains("value=\"BBTNKS\""),
        "the organiser's agency is filled in"
    );

    let (status, location) = s
        .form(
            &coordinator,
            "/patroli/baru",
            &[
                ("judul", "Patroli gabungan Gunung Tujuh"),
                ("mandat", "joint_operation"),
                ("moda", "foot"),
                ("mulai", "2026-11-10"),
                ("selesai", "2026-11-11"),
                ("wilayah", "15.01"),
                ("kerahasiaan", "internal"),
                ("anggota_0_instansi", "BBTNKS"),
                ("anggota_0_pengguna", "koordinator.tnks"),
                ("anggota_0_peran", "leader"),
                ("anggota_1_instansi", "POLRES-KERINCI"),
                ("anggota_1_pengguna", "penyidik.polres.kerinci"),
                ("anggota_1_peran", "member"),
                ("anggota_2_instansi", "POLRES-KERINCI"),
                ("anggota_2_nama", "Bripka Sinaga"),
                ("anggota_2_peran", "member"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    assert!(location.starts_with("/patroli/"), "{location}");

    // A bad form is answered on the form, each field named, in Indonesian.
    let (status, page) = s
        .form(
            &coordinator,
            "/patroli/baru",
            &[
                ("judul", ""),
                ("mandat", "joint_operation"),
                ("moda", "foot"),
                ("mulai", "2026-11-10"),
                ("selesai", "2026-11-01"),
                ("anggota_0_instansi", "TIDAK-ADA"),
                ("anggota_0_peran", "leader"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("id=\"galat-patroli\""));
    assert_indonesian("/patroli/baru (refused)", &page);

    // The police member uploads the day's track from the patrol's page.
    let police = s.token("penyidik.polres.kerinci").await;
    let (status, detail) = s.page(&police, &location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(detail.contains("Bripka Sinaga"));
    assert!(detail.contains("POLRES-KERINCI"));
    let csrf = between(&detail, "name=\"_csrf\" value=\"", "\"")
        .expect("csrf")
        .to_string();
    let form = reqwest::multipart::Form::new().text("_csrf", csrf).part(
        "file",
        reqwest::multipart::Part::bytes(walk().into_bytes()).file_name("hari1.gpx"),
    );
    let r = s
        .http
        .post(format!("{}{location}/gpx", s.url))
        .header("cookie", format!("sinergi_session={police}"))
        .multipart(form)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (status, detail) = s
        .page(&coordinator, &format!("{location}?pesan=impor"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        detail.contains("id=\"peta-patroli\""),
        "the track is on a map"
    );
    assert!(detail.contains("id=\"leg-patroli\""), "the leg is listed");
    let summary = between(&detail, "id=\"ringkasan-upaya\">", "<").expect("summary");
    assert!(summary.contains("1 hari patroli"), "{summary}");
    assert_indonesian(&location, &detail);

    // The list shows it with its distance; an analyst may read but not plan patrols.
    let (_, list) = s.page(&coordinator, "/patroli").await;
    assert!(list.contains("Patroli gabungan Gunung Tujuh"));
    assert!(list.contains("href=\"/api/v1/patrols/export?format=kml\""));
    // The download link works with the page's session.
    let r = s
        .http
        .get(format!("{}/api/v1/patrols/export?format=csv", s.url))
        .header("cookie", format!("sinergi_session={coordinator}"))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r
        .text()
        .await
        .expect("csv")
        .contains("Patroli gabungan Gunung Tujuh"));
    let analyst = s.token("analis.polda.jambi").await;
    let (status, _) = s.page(&analyst, "/patroli/baru").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// A waypoint of an uploaded file waits on the patrol's page; "record as a report" opens
/// the report form with its id, place, time and name; saving it confirms the point, and
/// the report counts as the patrol's finding, also on the summary page.
#[tokio::test]
async fn an_observation_is_recorded_through_the_report_form_and_counted() {
    let s = spawn().await;
    let ranger = s.token("ranger.tnks").await;
    let (_, list) = s.page(&ranger, "/patroli").await;
    assert!(list.contains("href=\"/patroli/ringkasan\""));
    let csrf = between(&list, "name=\"_csrf\" value=\"", "\"")
        .expect("csrf")
        .to_string();
    let gpx = walk().replace(
        "<trk>",
        "<wpt lat=\"-2.0550\" lon=\"101.3950\"><time>2026-11-10T01:10:00Z</time><name>Jerat kawat</name></wpt><trk>",
    );
    let form = reqwest::multipart::Form::new().text("_csrf", csrf).part(
        "file",
        reqwest::multipart::Part::bytes(gpx.into_bytes()).file_name("hari1.gpx"),
    );
    let r = s
        .http
        .post(format!("{}/patroli/impor-gpx", s.url))
        .header("cookie", format!("sinergi_session={ranger}"))
        .multipart(form)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    let patrol = location.split('?').next().expect("path").to_string();
    let (status, detail) = s.page(&ranger, &patrol).await;
    assert_eq!(status, StatusCode::OK);
    assert_indonesian(&patrol, &detail);
    assert!(detail.contains("Menunggu konfirmasi"), "the point waits");
    let href = between(&detail, "href=\"/laporan/baru?", "\"")
        .expect("record link")
        .replace("&amp;", "&");
    let observation = between(&href, "id=", "&").expect("id").to_string();

    // The report form comes filled in with the point's id, place, time (in WIB) and name.
    let (status, form) = s
        .page(&ranger, &format!("/laporan/baru?jenis=snare_found&{href}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        form.contains(&format!("value=\"{observation}\"")),
        "the id is kept"
    );
    assert!(form.contains("value=\"101.395\""), "the longitude");
    assert!(form.contains("value=\"-2.055\""), "the latitude");
    assert!(form.contains("2026-11-10T08:10"), "the time in WIB");
    assert!(form.contains("value=\"Jerat kawat\""), "the name as title");

    // Saved through the API with that id (the form does the same): the point is recorded.
    let token = crate::harness::api_token(&s.http, &s.url, "ranger.tnks", PASSWORD).await;
    let r = s
        .http
        .post(format!("{}/api/v1/reports", s.url))
        .bearer_auth(&token)
        .json(&serde_json::json!({
            "type": "Feature", "id": observation,
            "geometry": {"type": "Point", "coordinates": [101.395, -2.055]},
            "properties": {"type": "snare_found", "title": "Jerat kawat",
                "occurred_at": "2026-11-10T08:10:00+07:00", "sensitivity": "internal",
                "attributes": {"snare_count": 2}}}))
        .send()
        .await
        .expect("send");
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap_or_default()
    );
    let (_, detail) = s.page(&ranger, &patrol).await;
    assert!(detail.contains("Sudah dicatat"), "the point is recorded");
    let rates = between(&detail, "id=\"laju-temuan\"", "</table>").expect("rates");
    assert!(rates.contains("<td>1</td>"), "{rates}");

    // The summary page counts it, with the coverage map; a bad period is named.
    let (status, summary) = s
        .page(
            &ranger,
            "/patroli/ringkasan?dari=2026-11-01&sampai=2026-11-30&kelompok=patrol",
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_indonesian("/patroli/ringkasan", &summary);
    assert!(summary.contains("id=\"peta-cakupan\""));
    let row = between(&summary, &format!("href=\"{patrol}\""), "</tr>").expect("the patrol's row");
    assert!(row.contains("Hari 1") || row.contains("Patroli"), "{row}");
    let (status, refused) = s
        .page(
            &ranger,
            "/patroli/ringkasan?dari=2026-11-30&sampai=2026-11-01",
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.contains("id=\"galat-ringkasan\""));
}
