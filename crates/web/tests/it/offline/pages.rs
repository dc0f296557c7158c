//! The outbox and Kawal Desa pages, patrol recording, and the API behaviour the outbox
//! relies on: a photo sent twice is stored once.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::harness::demo::spawn;
use crate::harness::{self, between};

#[tokio::test]
async fn a_field_officer_has_kawal_desa_and_the_outbox_in_both_languages() {
    let s = spawn().await;
    let t = s.token("pelapor.labuhanratu").await;
    let (status, home) = s.page(&t, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        home.contains("href=\"/kawal-desa\""),
        "Kawal Desa is in the menu"
    );
    assert!(
        home.contains("id=\"antrian-kirim\""),
        "the outbox badge is in the header"
    );
    assert!(home.contains("data-label=\"menunggu dikirim ({n})\""));
    assert!(home.contains("<meta name=\"sinergi-user\" content=\"pelapor.labuhanratu\">"));
    assert!(home.contains("<script src=\"/static/outbox."));

    let (status, page) = s.page(&t, "/kawal-desa").await;
    assert_eq!(status, StatusCode::OK);
    for needle in [
        "value=\"elephant\"",
        "value=\"tiger\"",
        "value=\"damage\"",
        "value=\"gajah_sumatera\"",
        "id=\"kd-gps\"",
        "id=\"kd-peta\"",
        "id=\"kd-foto\"",
        "Gajah terlihat ({n} ekor)",
        "<script src=\"/static/kawal-desa.",
    ] {
        assert!(page.contains(needle), "{needle}");
    }
    // The village's own region centres the map (Labuhan Ratu IX, Lampung Timur).
    let lat: f64 = between(
        &page,
        "id=\"kd-peta\" class=\"peta kecil\" data-lon=\"",
        "\"",
    )
    .and_then(|_| between(&page, "data-lat=\"", "\""))
    .and_then(|v| v.parse().ok())
    .expect("lat");
    assert!((-5.5..-4.5).contains(&lat), "{lat}");
    let (_, en) = s.page_in(&t, "/kawal-desa", "en").await;
    assert!(en.contains("Elephants seen ({n})"));

    let (status, outbox) = s.page(&t, "/kirim").await;
    assert_eq!(status, StatusCode::OK);
    let words = between(&outbox, "id=\"antrian-kata\">", "</script>").expect("words");
    let words: Value = serde_json::from_str(words).expect("json");
    assert_eq!(words["state_waiting"], "Menunggu dikirim");
    assert_eq!(words["keep_mine"], "Pakai versi saya");

    // An analyst records no reports: no Kawal Desa.
    let a = s.token("analis.polda.jambi").await;
    let (_, home) = s.page(&a, "/").await;
    assert!(!home.contains("href=\"/kawal-desa\""));
    let (status, _) = s.page(&a, "/kawal-desa").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn recording_a_patrol_is_offered_to_its_members_only() {
    let s = spawn().await;
    let api = harness::api_token(&s.http, &s.url, "ranger.tnks", "sinergi-demo-2025").await;
    let r = s
        .http
        .post(format!("{}/api/v1/patrols", s.url))
        .bearer_auth(&api)
        .json(&json!({
            "title": "Patroli ponsel", "mandate": "forest_security", "transport": "foot",
            "planned_start": "2026-11-03", "planned_end": "2026-11-03", "sensitivity": "restricted",
            "members": [{"agency": "BBTNKS", "user": "ranger.tnks", "role": "leader"}],
        }))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<Value>().await.expect("json")["id"]
        .as_str()
        .expect("id")
        .to_string();
    let t = s.token("ranger.tnks").await;
    let (_, detail) = s.page(&t, &format!("/patroli/{id}")).await;
    assert!(detail.contains(&format!("href=\"/patroli/{id}/rekam\"")));
    let (status, page) = s.page(&t, &format!("/patroli/{id}/rekam")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&format!("data-patrol=\"{id}\"")));
    assert!(page.contains("id=\"rekam-mulai\""));
    // Only report types a photo can be filed under without further fields.
    let types = s.app.report_types();
    assert!(types.iter().any(|t| t.fields.iter().all(|f| !f.required)));
    for ty in types.iter() {
        let offered = page.contains(&format!("<option value=\"{}\"", ty.key));
        let free = ty.fields.iter().all(|f| !f.required);
        assert_eq!(offered, free, "{}", ty.key);
    }
    // Someone outside the patrol sees the missing page, as for a patrol that does not exist.
    let other = s.token("penyidik.polres.kerinci").await;
    let (hidden, body) = s.page(&other, &format!("/patroli/{id}/rekam")).await;
    let (missing, body2) = s
        .page(
            &other,
            "/patroli/01970000-0000-7000-8000-00000000dead/rekam",
        )
        .await;
    assert_eq!(hidden, StatusCode::NOT_FOUND);
    assert_eq!(missing, StatusCode::NOT_FOUND);
    assert!(!body.contains("Patroli ponsel"));
    assert_eq!(body.matches("<h1").count(), body2.matches("<h1").count());
}

/// The outbox sends a report's photos after the report; a retry after a lost answer
/// sends a photo again, which must not make a second copy.
#[tokio::test]
async fn the_same_photo_sent_twice_is_one_attachment() {
    let s = spawn().await;
    let api = harness::api_token(&s.http, &s.url, "ranger.tnks", "sinergi-demo-2025").await;
    let id = crate::harness::demo::new_id(&s);
    let feature = json!({
        "type": "Feature", "id": id,
        "geometry": {"type": "Point", "coordinates": [101.39, -2.06]},
        "properties": {"type": "wildlife_sighting", "title": "Harimau", "occurred_at": "2026-11-03T08:00:00+07:00",
            "attributes": {"species": "harimau_sumatera"}},
    });
    let mut answers = Vec::new();
    for _ in 0..2 {
        let r = s
            .http
            .post(format!("{}/api/v1/reports", s.url))
            .bearer_auth(&api)
            .json(&feature)
            .send()
            .await
            .expect("send");
        answers.push(r.status());
    }
    assert_eq!(answers, [StatusCode::CREATED, StatusCode::OK]);
    let png = include_bytes!("../../../static/icon-192.png");
    let mut ids = Vec::new();
    for name in ["a.png", "b.png"] {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(png.to_vec()).file_name(name),
        );
        let r = s
            .http
            .post(format!("{}/api/v1/reports/{id}/attachments", s.url))
            .bearer_auth(&api)
            .multipart(form)
            .send()
            .await
            .expect("send");
        assert!(r.status().is_success(), "{}", r.status());
        ids.push(r.json::<Value>().await.expect("json")["id"].clone());
    }
    assert_eq!(ids[0], ids[1], "the second upload answers with the first");
    let (_, list) = s
        .api(&api, &format!("/api/v1/reports/{id}/attachments"))
        .await;
    assert_eq!(list["attachments"].as_array().expect("list").len(), 1);
}
