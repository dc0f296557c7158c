//! Indonesian pages show no internal keys or English messages.

use reqwest::StatusCode;
use serde_json::Value;

use crate::harness::between;
use crate::harness::demo::*;

/// Indonesian pages speak Indonesian: agreements (their summary, clauses and form),
/// shared reports, the audit trail, and the refusals of the user and area forms show
/// labels and Indonesian sentences, never field, category or action keys or the English
/// of the domain and of the JSON parser.
#[tokio::test]
async fn indonesian_pages_show_no_internal_keys_or_english_messages() {
    let s = spawn().await;
    let mut seen_agreements = 0;
    for user in ["admin.tnks", "satgas.kapuashulu", "admin.bnnp.jambi"] {
        let t = s.token(user).await;
        for id in agreement_ids(&s, &t).await {
            let path = format!("/perjanjian/{id}");
            let (status, page) = s.page(&t, &path).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert_indonesian(&path, &page);
            seen_agreements += 1;
        }
        let (_, form) = s.page(&t, "/perjanjian/baru").await;
        assert_indonesian("/perjanjian/baru", &form);
    }
    assert!(seen_agreements >= 3, "the demo's agreements were read");
    // The park's memorandum names the withheld field and the categories in words.
    let tnks = s.token("admin.tnks").await;
    let ids = agreement_ids(&s, &tnks).await;
    let (_, page) = s.page(&tnks, &format!("/perjanjian/{}", ids[0])).await;
    let flows = between(&page, "id=\"ringkasan-alir\"", "</ul>").expect("summary");
    assert!(flows.contains("kategori Kejahatan kehutanan"), "{flows}");
    assert!(flows.contains("tanpa Nama terduga pelaku"), "{flows}");
    let (_, english) = s
        .page_in(&tnks, &format!("/perjanjian/{}", ids[0]), "en")
        .await;
    let flows = between(&english, "id=\"ringkasan-alir\"", "</ul>").expect("summary");
    assert!(flows.contains("without Suspect names"), "{flows}");
    assert!(!flows.contains("suspect_names"), "{flows}");

    // Reports shared under those agreements, with fields withheld.
    for user in ["penyidik.polda.jambi", "reskrim.polres.kapuashulu"] {
        let t = s.token(user).await;
        let (_, list) = s.api(&t, "/api/v1/reports?limit=1000").await;
        let shared: Vec<&Value> = list["features"]
            .as_array()
            .expect("features")
            .iter()
            .filter(|f| {
                f["properties"]["access"]["withheld"]
                    .as_array()
                    .is_some_and(|w| !w.is_empty())
            })
            .take(5)
            .collect();
        assert!(!shared.is_empty(), "{user} gets shared reports");
        for f in shared {
            let path = format!("/laporan/{}", f["id"].as_str().expect("id"));
            let (status, page) = s.page(&t, &path).await;
            assert_eq!(status, StatusCode::OK);
            assert!(page.contains("kolom disembunyikan: Nama"), "{path}");
            assert_indonesian(&path, &page);
        }
    }

    // The audit trail: actions and record kinds in words, also early-warning set-up.
    let (status, audit) = s.page(&tnks, "/admin/audit").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        audit.contains("Mengatur peringatan dini"),
        "warning set-up in words"
    );
    let table = between(&audit, "<table", "</table>").expect("entries");
    // Each entry's detail is the stored record verbatim (hashed, exported as is), as
    // JSON with its keys and values (`content_sha256`, `in_progress`, a patrol's
    // `track_sha256` and `under_way`); everything around it is in words.
    let mut words = String::new();
    let mut rest = table;
    while let Some(i) = rest.find("<code class=\"json\">") {
        words.push_str(&rest[..i]);
        let after = &rest[i..];
        rest = after
            .find("</code>")
            .map_or("", |j| &after[j + "</code>".len()..]);
    }
    words.push_str(rest);
    // The demo's patrol tracks are audited, with their JSON detail (asked for by action,
    // as newer entries fill the first page).
    let (_, tracks) = s.page(&tnks, "/admin/audit?action=patrol_track_add").await;
    assert!(
        tracks.contains("track_sha256"),
        "the demo's patrol tracks are audited"
    );
    let text = visible_text(&words);
    assert!(snake_keys(&text).is_empty(), "{:?}", snake_keys(&text));
    let filter = between(&audit, "id=\"a-action\"", "</select>").expect("actions");
    assert_indonesian("/admin/audit (actions)", filter);

    // A refused user form: the password rule in Indonesian, an unknown role without the
    // list of role keys.
    let (status, page) = s
        .form(
            &tnks,
            "/admin/pengguna",
            &[
                ("username", "polhut.baru"),
                ("display_name", "Polhut baru"),
                ("agency", "BBTNKS"),
                ("role", "penjaga"),
                ("password", "password123"),
            ],
        )
        .await;
    assert_eq!(status.as_u16(), 422);
    assert!(
        page.contains("kata sandi ini terlalu umum"),
        "the rule in words"
    );
    assert!(page.contains("peran tidak dikenal"), "no list of role keys");
    assert_indonesian("/admin/pengguna (refused)", &page);

    // A refused area: where the pasted GeoJSON breaks, in Indonesian.
    let wk = s.token("koordinator.wk").await;
    let (status, page) = s
        .form(
            &wk,
            "/peringatan/area",
            &[
                ("nama", "Area uji"),
                ("jenis", "village"),
                ("cara", "geojson"),
                ("bentuk", "{\"type\": Polygon}"),
            ],
        )
        .await;
    assert_eq!(status.as_u16(), 422);
    assert!(
        page.contains("bukan JSON yang sah (kesalahan pada baris 1, kolom"),
        "where it broke"
    );
    assert_indonesian("/peringatan/area (refused)", &page);
}
