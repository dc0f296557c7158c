//! Early-warning pages: alerts link their source report only for readers who may open
//! it, the board's order, and areas found by region name and edited without JavaScript.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::harness::between;
use crate::harness::demo::*;

/// The demo's village reporter of Labuhan Ratu IX receives the elephant alerts of Balai TN
/// Way Kambas's rules, including the one raised by Braja Yekti's sighting report, which is
/// Braja Yekti's own (internal) record. The alert page links the report only for those who
/// can open it; the reporter sees that the report exists without a link leading to a 404.
#[tokio::test]
async fn an_alert_links_its_source_report_only_for_readers_who_may_open_it() {
    let s = spawn().await;
    let village = s.token("pelapor.labuhanratu").await;
    let author = s.token("pelapor.brajayekti").await;
    let (_, alerts) = s.api(&village, "/api/v1/alerts?limit=100").await;
    let sighting = alerts["alerts"]
        .as_array()
        .expect("alerts")
        .iter()
        .find(|a| a["kind"] == "sighting_inside" && a["report_id"].is_string())
        .expect("the village sees the sighting alert")
        .clone();
    let id = sighting["id"].as_str().expect("id");
    let report = sighting["report_id"].as_str().expect("report id");

    // The village reporter may not open the report …
    let (status, _) = s.page(&village, &format!("/laporan/{report}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // … so the alert page names it without a link.
    let (status, page) = s.page(&village, &format!("/peringatan/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Laporan asal"), "the source is still named");
    assert!(
        !page.contains(&format!("href=\"/laporan/{report}\"")),
        "no link to a report the reader cannot open"
    );
    assert!(page.contains("id=\"laporan-asal-tertutup\""));

    // Its author opens it from the same alert (the author's agency is a recipient too).
    let (status, page) = s.page(&author, &format!("/peringatan/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&format!("href=\"/laporan/{report}\"")));
    let (status, _) = s.page(&author, &format!("/laporan/{report}")).await;
    assert_eq!(status, StatusCode::OK);
}

/// The board says it lists the most severe alerts first, then the newest, and does so:
/// the device-health notices the health check raises after the demo's night (a silent
/// collar, a low battery) do not push the critical elephant alerts down.
#[tokio::test]
async fn the_board_lists_the_most_severe_alerts_first_then_the_newest() {
    let s = spawn().await;
    let health = s.app.check_device_health().await.expect("health check");
    assert!(!health.is_empty(), "the demo's silent collar raises alerts");
    let coordinator = s.token("koordinator.wk").await;
    let (_, listed) = s.api(&coordinator, "/api/v1/alerts?limit=100").await;
    let by_id: std::collections::HashMap<String, Value> = listed["alerts"]
        .as_array()
        .expect("alerts")
        .iter()
        .map(|a| (a["id"].as_str().expect("id").to_string(), a.clone()))
        .collect();
    let (status, page) = s.page(&coordinator, "/peringatan").await;
    assert_eq!(status, StatusCode::OK);
    let board = between(&page, "id=\"daftar-peringatan\"", "</ol>").expect("board");
    let shown = alert_ids(board);
    assert!(shown.len() >= 6, "{shown:?}");
    let rank = |a: &Value| match a["severity"].as_str() {
        Some("critical") => 3,
        Some("warning") => 2,
        _ => 1,
    };
    let cards: Vec<&Value> = shown.iter().map(|id| &by_id[id]).collect();
    assert_eq!(cards[0]["severity"], "critical", "{cards:?}");
    for pair in cards.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let (ra, rb) = (rank(a), rank(b));
        assert!(ra >= rb, "severity order: {a} before {b}");
        if ra == rb {
            let ta =
                chrono::DateTime::parse_from_rfc3339(a["at"].as_str().expect("at")).expect("t");
            let tb =
                chrono::DateTime::parse_from_rfc3339(b["at"].as_str().expect("at")).expect("t");
            assert!(ta >= tb, "newest first within a severity: {a} before {b}");
        }
    }
    // The health notices are there, below every critical alert.
    let first_health = cards
        .iter()
        .position(|a| a["kind"] == "device_silent" || a["kind"] == "battery_low")
        .expect("health notices on the board");
    let last_critical = cards
        .iter()
        .rposition(|a| a["severity"] == "critical")
        .expect("critical alerts");
    assert!(last_critical < first_health);
    assert!(
        page.contains("yang paling genting di atas"),
        "the page says its order"
    );
}

/// The fences of the user's agency as the API lists them: (id, name, version).
async fn fences_of(s: &Server, token: &str) -> Vec<(String, String, i64)> {
    let (_, list) = s.api(token, "/api/v1/fences").await;
    list["features"]
        .as_array()
        .expect("features")
        .iter()
        .map(|f| {
            (
                f["id"].as_str().unwrap_or("").to_string(),
                f["properties"]["name"].as_str().unwrap_or("").to_string(),
                f["properties"]["version"].as_i64().unwrap_or(0),
            )
        })
        .collect()
}

/// The area editor works without JavaScript: a region is found by its name in the form's
/// search step, which lists the matches with their level and the regions they lie in to
/// pick from (saving nothing), and a saved area is edited on the version it was opened on:
/// its name, kind and shape (from a region, or pasted GeoJSON). A name the agency already
/// has is refused beside the name field, on adding and on editing, in Indonesian; someone
/// else's edit in between is not overwritten.
#[tokio::test]
async fn areas_are_found_by_region_name_and_edited_without_javascript() {
    let s = spawn().await;
    let wk = s.token("koordinator.wk").await;
    let before = fences_of(&s, &wk).await;
    let (status, page) = s.page(&wk, "/peringatan/area").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Cari wilayah (nama atau kode)"),
        "a search box"
    );
    for (id, _, _) in &before {
        assert!(
            page.contains(&format!("href=\"/peringatan/area/{id}/ubah\"")),
            "an edit link for {id}"
        );
    }

    // The search step lists the matches and saves nothing.
    let (status, page) = s
        .form(
            &wk,
            "/peringatan/area",
            &[
                ("nama", "Desa uji"),
                ("jenis", "village"),
                ("cara", "wilayah"),
                ("cari_wilayah", "labuhan ratu ix"),
                ("radius", "1000"),
                ("langkah", "cari"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let page = page.replace("&#x2f;", "/");
    let matches = between(&page, "id=\"hasil-cari-server\"", "</fieldset>").expect("matches");
    assert!(
        matches
            .contains("Labuhan Ratu IX — desa/kelurahan, Labuhan Ratu, Kabupaten Lampung Timur ("),
        "level and the regions it lies in: {matches}"
    );
    let code = between(matches, "name=\"wilayah\" value=\"", "\"")
        .expect("a match to pick")
        .to_string();
    assert!(
        page.contains("value=\"Desa uji\""),
        "what was typed is kept"
    );
    assert_indonesian("/peringatan/area (search)", &page);
    assert_eq!(
        fences_of(&s, &wk).await.len(),
        before.len(),
        "nothing saved"
    );

    // Saving with a name still in the search box searches first.
    let (status, page) = s
        .form(
            &wk,
            "/peringatan/area",
            &[
                ("nama", "Desa uji"),
                ("jenis", "village"),
                ("cara", "wilayah"),
                ("cari_wilayah", "Braja"),
            ],
        )
        .await;
    assert_eq!(status.as_u16(), 422);
    assert!(page.contains("pilih salah satu wilayah dari hasil pencarian"));
    assert!(page.contains("id=\"hasil-cari-server\""));
    let (status, page) = s
        .form(
            &wk,
            "/peringatan/area",
            &[
                ("nama", "Desa uji"),
                ("cara", "wilayah"),
                ("cari_wilayah", "Zzqxw"),
                ("langkah", "cari"),
            ],
        )
        .await;
    assert_eq!(status.as_u16(), 422);
    assert!(page.contains("tidak ada wilayah yang cocok dengan “Zzqxw”"));

    // The picked region is saved.
    let (status, location) = s
        .form(
            &wk,
            "/peringatan/area",
            &[
                ("nama", "Desa uji"),
                ("jenis", "village"),
                ("cara", "wilayah"),
                ("wilayah", &code),
                ("cari_wilayah", ""),
                ("radius", "1000"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    assert_eq!(location, "/peringatan/area?pesan=area");
    let after = fences_of(&s, &wk).await;
    let (id, _, version) = after
        .iter()
        .find(|(_, n, _)| n == "Desa uji")
        .cloned()
        .expect("saved");
    assert_eq!(version, 1);
    let (_, stored) = s.api(&wk, &format!("/api/v1/fences/{id}")).await;
    assert_eq!(stored["properties"]["region_code"], json!(code));

    // The same name again, in other case and spacing: refused beside the name.
    let (status, page) = s
        .form(
            &wk,
            "/peringatan/area",
            &[
                ("nama", "  DESA   uji "),
                ("jenis", "village"),
                ("cara", "wilayah"),
                ("wilayah", &code),
                ("radius", "500"),
            ],
        )
        .await;
    assert_eq!(status.as_u16(), 422);
    let name_field = between(&page, "for=\"a-nama\"", "</div>").expect("name field");
    assert!(
        name_field.contains("area lain milik instansi ini sudah memakai nama ini"),
        "{name_field}"
    );
    assert_indonesian("/peringatan/area (duplicate)", &page);

    // The edit page: filled in, with the version it was opened on.
    let edit = format!("/peringatan/area/{id}/ubah");
    let (status, page) = s.page(&wk, &edit).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("value=\"Desa uji\""));
    assert!(page.contains("name=\"versi\" value=\"1\""));
    assert!(page.contains("name=\"radius\" value=\"1000\""));
    assert!(
        page.contains("Wilayah terpilih: <strong>Labuhan Ratu IX"),
        "the region it came from"
    );
    assert_indonesian(&edit, &page);
    let (_, english) = s.page_in(&wk, &edit, "en").await;
    assert!(english.contains("Edit area"));
    assert!(english.contains("Keep the current shape"));

    // A wider circle, a new name: saved, version 2.
    let (status, location) = s
        .form(
            &wk,
            &edit,
            &[
                ("versi", "1"),
                ("nama", "Desa uji (2 km)"),
                ("jenis", "village"),
                ("cara", "wilayah"),
                ("wilayah", &code),
                ("radius", "2000"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    assert_eq!(location, "/peringatan/area?pesan=diubah");
    let (_, stored) = s.api(&wk, &format!("/api/v1/fences/{id}")).await;
    assert_eq!(stored["properties"]["name"], "Desa uji (2 km)");
    assert_eq!(stored["properties"]["shape"]["radius_m"], 2000.0);
    assert_eq!(stored["properties"]["version"], 2);

    // Saving the form opened at version 1 again does not overwrite that.
    let (status, page) = s
        .form(
            &wk,
            &edit,
            &[
                ("versi", "1"),
                ("nama", "Desa uji lama"),
                ("jenis", "village"),
                ("cara", "tetap"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(page.contains("telah diubah orang lain"));
    assert!(
        page.contains("value=\"Desa uji lama\""),
        "what was typed is kept"
    );
    assert!(
        page.contains("name=\"versi\" value=\"2\""),
        "to be saved again on purpose"
    );

    // Another area's name is refused on editing too.
    let (_, taken, _) = before.first().cloned().expect("the demo's areas");
    let (status, page) = s
        .form(
            &wk,
            &edit,
            &[
                ("versi", "2"),
                ("nama", &taken.to_lowercase()),
                ("jenis", "village"),
                ("cara", "tetap"),
            ],
        )
        .await;
    assert_eq!(status.as_u16(), 422);
    assert!(page.contains("area lain milik instansi ini sudah memakai nama ini"));

    // Replaced by pasted GeoJSON, kind and all.
    let square = json!({"type": "Polygon", "coordinates": [[[105.80, -5.00], [105.82, -5.00], [105.82, -5.02], [105.80, -5.02], [105.80, -5.00]]]});
    let (status, location) = s
        .form(
            &wk,
            &edit,
            &[
                ("versi", "2"),
                ("nama", "Kebun uji"),
                ("jenis", "plantation"),
                ("cara", "geojson"),
                ("bentuk", &square.to_string()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    let (_, stored) = s.api(&wk, &format!("/api/v1/fences/{id}")).await;
    assert_eq!(stored["properties"]["shape"]["type"], "Polygon");
    assert_eq!(stored["properties"]["kind"], "plantation");
    assert_eq!(stored["properties"]["version"], 3);
    // The drawing tool gets the polygon's points to modify.
    let (_, page) = s.page(&wk, &edit).await;
    let drawn = between(&page, "id=\"bentuk-peta\" hidden>", "</textarea>").expect("drawing");
    assert!(drawn.contains("105.82"), "{drawn}");

    // Another agency's area has no edit page.
    let tnks = s.token("admin.tnks").await;
    let (status, _) = s.page(&tnks, &edit).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The regions API names where a match lies, nearest first.
    let (_, found) = s
        .api(&wk, "/api/v1/regions?q=Labuhan%20Ratu%20IX&limit=1")
        .await;
    let parents: Vec<&str> = found["regions"][0]["parents"]
        .as_array()
        .expect("parents")
        .iter()
        .filter_map(|p| p["level"].as_str())
        .collect();
    assert_eq!(parents, vec!["district", "regency", "province"]);
}
