//! A BNNP coordinator sets up a campaign through the pages, with a mistake first, and
//! reads its table; the BNNK sees its own row; another agency gets 404.

use reqwest::StatusCode;

use crate::harness::between;
use crate::harness::demo::{assert_indonesian, spawn};

fn workbook() -> Vec<u8> {
    sinergi_app::forms::workbook_of(&[
        (
            "survey",
            vec![
                vec!["type", "name", "label"],
                vec!["text", "periode", "Triwulan"],
                vec!["integer", "penyuluhan", "Jumlah penyuluhan"],
            ],
        ),
        (
            "settings",
            vec![
                vec!["form_title", "form_id", "version"],
                vec!["Laporan Triwulan P4GN", "triwulan_p4gn", "1"],
            ],
        ),
    ])
    .expect("workbook")
}

#[tokio::test]
async fn a_coordinator_sets_up_a_campaign_on_the_pages_and_reads_its_table() {
    let s = spawn().await;
    let t = s.token("koordinator.bnnp.jambi").await;
    let (status, location) = s
        .multipart(&t, "/formulir", &[], ("file", "triwulan.xlsx", workbook()))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    let form = location.trim_start_matches("/formulir/").to_string();
    let (status, page) = s.page(&t, "/kampanye").await;
    assert_eq!(status, StatusCode::OK);
    assert_indonesian("/kampanye", &page);
    assert!(page.contains("id=\"tautan-kampanye\""), "in the menu");
    assert!(page.contains("id=\"form-kampanye\""));

    let mut fields = vec![
        ("formulir", form.as_str()),
        ("judul", "Laporan triwulan P4GN Jambi"),
        ("periodisitas", "quarterly"),
        ("periode_awal", "2025-Q1"),
        ("periode_akhir", "2026-Q4"),
        ("tenggat_hari", "15"),
        ("tambahan_hari", "30"),
        ("pertanyaan_periode", "periode"),
        ("unit", "15.04 BNNK-BATANGHARI\n15.07 BNNK-TIDAK-ADA"),
    ];
    let (status, page) = s.form(&t, "/kampanye", &fields).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let errors = between(&page, "id=\"galat-kampanye\"", "</div>").expect("the errors");
    assert!(errors.contains("Unit, baris 2"), "{errors}");
    assert!(
        page.contains("Laporan triwulan P4GN Jambi"),
        "what was typed stays"
    );
    fields[8] = ("unit", "15.04 BNNK-BATANGHARI\n15.07 BNNK-TANJABTIM");
    let (status, location) = s.form(&t, "/kampanye", &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    let (status, page) = s.page(&t, &location).await;
    assert_eq!(status, StatusCode::OK);
    assert_indonesian(&location, &page);
    let table = between(&page, "id=\"tabel-kampanye\"", "</table>").expect("the table");
    assert!(
        table.contains("2025-Q1") && table.contains("2026-Q4"),
        "{table}"
    );
    assert!(table.contains("data-wilayah=\"15.07\""), "{table}");
    assert!(
        page.contains("id=\"daftar-terlambat\""),
        "who is late is listed"
    );

    // The BNNK's officer sees its own row; the police nothing.
    let officer = s.token("petugas.bnnk.batanghari").await;
    let (status, theirs) = s.page(&officer, &location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(theirs.contains("id=\"hanya-unit-sendiri\""));
    assert!(
        theirs.contains("data-wilayah=\"15.04\"") && !theirs.contains("data-wilayah=\"15.07\"")
    );
    let outsider = s.token("analis.polda.jambi").await;
    let (status, _) = s.page(&outsider, &location).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// The demo's KOTAN campaign, checked against the hand-computed figures of
/// `demo_forms.rs`: 11 regencies × 3 years due, 28 answered, 18 on time.
#[tokio::test]
async fn the_demo_kotan_campaign_has_the_hand_computed_rates() {
    let s = spawn().await;
    let t = s.token("kesbangpol.jambi").await;
    let (status, list) = s.api(&t, "/api/v1/campaigns").await;
    assert_eq!(status, StatusCode::OK);
    let id = list["campaigns"][0]["id"]
        .as_str()
        .expect("the campaign")
        .to_string();
    let (_, v) = s.api(&t, &format!("/api/v1/campaigns/{id}")).await;
    assert_eq!(v["units"].as_array().map(Vec::len), Some(11));
    assert_eq!(
        (
            &v["overall"]["expected"],
            &v["overall"]["received"],
            &v["overall"]["on_time"]
        ),
        (
            &serde_json::json!(33),
            &serde_json::json!(28),
            &serde_json::json!(18)
        )
    );
    assert_eq!(v["overall"]["reporting_rate"], 84.8);
    assert_eq!(v["overall"]["on_time_rate"], 54.5);
    let y2021: Vec<(&str, bool)> = v["units"]
        .as_array()
        .expect("units")
        .iter()
        .map(|u| {
            (
                u["cells"][0]["state"].as_str().expect("state"),
                u["cells"][0]["paper"] == true,
            )
        })
        .collect();
    assert_eq!(y2021.iter().filter(|(s, _)| *s == "missing").count(), 4);
    assert!(
        y2021
            .iter()
            .filter(|(s, _)| *s != "missing")
            .all(|(_, paper)| *paper),
        "2021 on paper"
    );
    // Tebo missed 2023; a 29 February answer was late.
    let tebo = &v["units"][8];
    assert_eq!(tebo["unit"]["region"], "15.09");
    assert_eq!(tebo["cells"][2]["state"], "missing");
    assert_eq!(v["units"][5]["cells"][2]["state"], "late");
    // Kerinci's office sees its own row, sent from Collect from 2022.
    let k = s.token("kesbangpol.kerinci").await;
    let (_, mine) = s.api(&k, &format!("/api/v1/campaigns/{id}")).await;
    assert_eq!(mine["units"].as_array().map(Vec::len), Some(1));
    assert_eq!(mine["units"][0]["cells"][1]["paper"], false);
    let (status, page) = s.page(&t, &format!("/kampanye/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("84.8 %") && page.contains("54.5 %"),
        "the rates on the page"
    );

    // IKOTAN, hand-computed from demo_forms.rs's scores: Kerinci 2021 answered 40, 45,
    // 50, 55, 60 → 0.25·40 + 0.20·45 + 0.25·50 + 0.20·55 + 0.10·60 = 48.5 (Cukup
    // Tanggap); Kota Jambi 2022 answered 68, 50, 82, 64, 46 → 64.9 (Tanggap).
    let (_, x) = s.api(&t, &format!("/api/v1/campaigns/{id}/indices")).await;
    let ikotan = &x["indices"][0];
    assert_eq!(ikotan["name"], "IKOTAN");
    let weights: Vec<f64> = ikotan["components"]
        .as_array()
        .expect("components")
        .iter()
        .map(|c| c["weight"].as_f64().expect("weight"))
        .collect();
    assert_eq!(weights, [25.0, 20.0, 25.0, 20.0, 10.0]);
    assert_eq!(ikotan["units"][0]["scores"][0]["score"], 48.5);
    assert_eq!(ikotan["units"][0]["scores"][0]["band"], "Cukup Tanggap");
    assert_eq!(ikotan["units"][9]["scores"][1]["score"], 64.9);
    assert_eq!(ikotan["units"][9]["scores"][1]["band"], "Tanggap");
    assert!(
        ikotan["units"][2]["scores"][0]["score"].is_null(),
        "Sarolangun missed 2021"
    );
    assert_eq!(ikotan["means"][0]["units"], 7);
    assert!(page.contains("IKOTAN") && page.contains("48.50") && page.contains("Cukup Tanggap"));
}

/// The KOTAN campaign on the map: each regency's outline with its rates and IKOTAN band,
/// read back by GDAL as a polygon layer; a regency's office gets its own unit only; the
/// page draws it.
#[tokio::test]
async fn the_campaign_map_colours_each_unit_by_its_rate_and_index_band() {
    let s = spawn().await;
    let t = s.token("kesbangpol.jambi").await;
    let (_, list) = s.api(&t, "/api/v1/campaigns").await;
    let id = list["campaigns"][0]["id"].as_str().expect("id").to_string();
    let r = s
        .http
        .get(format!("{}/api/v1/campaigns/{id}/map", s.url))
        .bearer_auth(&t)
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
    let body = r.text().await.expect("body");
    let fc: serde_json::Value = serde_json::from_str(&body).expect("json");
    let features = fc["features"].as_array().expect("features");
    assert_eq!(features.len(), 11);
    let unit = |code: &str| {
        features
            .iter()
            .find(|f| f["properties"]["region"] == code)
            .unwrap_or_else(|| panic!("{code}"))
            .clone()
    };
    let tebo = unit("15.09");
    assert_eq!(tebo["geometry"]["type"], "MultiPolygon");
    // Tebo answered 2021 and 2022, not 2023: 2 of 3.
    assert_eq!(tebo["properties"]["received"], 2);
    assert_eq!(tebo["properties"]["rate_class"], "50");
    let kerinci = unit("15.01");
    assert_eq!(kerinci["properties"]["rate_class"], "90");
    let ikotan = &kerinci["properties"]["indices"]["IKOTAN"];
    assert_eq!(ikotan["period"], "2023");
    assert!(
        ikotan["band"].is_string() && ikotan["band_index"].is_u64(),
        "{ikotan}"
    );
    // The outline is Kerinci's: its points lie in the regency's box.
    let bbox = s.app.gazetteer().extent("15.01").expect("Kerinci's extent");
    let ring = &kerinci["geometry"]["coordinates"][0][0];
    for p in ring.as_array().expect("ring") {
        let (lon, lat) = (p[0].as_f64().expect("lon"), p[1].as_f64().expect("lat"));
        assert!(bbox.contains(lon, lat), "{lon} {lat}");
    }

    // GDAL reads it as what QGIS would open.
    match std::env::var("SINERGI_OGRINFO") {
        Ok(ogrinfo) if !ogrinfo.is_empty() => {
            let dir = tempfile::tempdir().expect("tempdir");
            let path = dir.path().join("kampanye.geojson");
            std::fs::write(&path, &body).expect("write");
            let out = std::process::Command::new(&ogrinfo)
                .args(["-so", "-al"])
                .arg(&path)
                .output()
                .expect("ogrinfo");
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success(),
                "{text}{}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(text.contains("Feature Count: 11"), "{text}");
            assert!(text.contains("Multi Polygon"), "{text}");
            assert!(text.contains("reporting_rate: Real"), "{text}");
        }
        _ => assert!(std::env::var("CI").is_err(), "CI must set SINERGI_OGRINFO"),
    }

    // A regency's office: its own unit.
    let k = s.token("kesbangpol.kerinci").await;
    let (status, own) = s.api(&k, &format!("/api/v1/campaigns/{id}/map")).await;
    assert_eq!(status, StatusCode::OK);
    let regions: Vec<&str> = own["features"]
        .as_array()
        .expect("features")
        .iter()
        .filter_map(|f| f["properties"]["region"].as_str())
        .collect();
    assert_eq!(regions, ["15.01"]);

    let (status, page) = s.page(&t, &format!("/kampanye/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("id=\"peta-kampanye\""), "the map");
    assert!(page.contains("id=\"kampanye-peta\""), "its data");
    assert!(
        page.contains("<option value=\"IKOTAN\">"),
        "coloured by the index on demand"
    );
}
