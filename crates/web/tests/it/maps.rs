//! The maps' geography: boundaries by view and zoom (and what a map page downloads for
//! them), the base map's tiles from an MBTiles file, and the villages a drawn shape
//! covers.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::harness::{self, agency_and_user, spawn};

/// What the report map asks for at Kerinci, zoom 10, on a 1280×720 screen: the view with
/// half a view around it, snapped out to the zoom's tile grid (map.js `boundaryBox`).
const KERINCI_Z10: &str = "/boundaries?zoom=10&bbox=99.492188,-3.164062,103.359375,-0.703125";

/// Bytes on the wire with gzip asked for (as a browser asks), and the decoded text.
async fn fetch_gzip(http: &reqwest::Client, url: &str) -> (StatusCode, usize, String) {
    use std::io::Read as _;
    let r = http
        .get(url)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("request");
    let status = r.status();
    let gz = r
        .headers()
        .get("content-encoding")
        .is_some_and(|v| v.as_bytes() == b"gzip");
    let raw = r.bytes().await.expect("body");
    let mut text = String::new();
    if gz {
        flate2::read::GzDecoder::new(&raw[..])
            .read_to_string(&mut text)
            .expect("gzip");
    } else {
        text = String::from_utf8_lossy(&raw).into_owned();
    }
    (status, raw.len(), text)
}

/// Before, every map downloaded the whole country's province boundaries and, from zoom 7,
/// its regency boundaries: 2,924,813 bytes (914,609 gzip-compressed) for this view. Now it
/// downloads the view's regencies and districts, simplified for the zoom.
#[tokio::test]
async fn a_map_view_downloads_only_its_boundaries() {
    let s = spawn(|_| {}).await;
    let (status, wire, text) = fetch_gzip(&s.http, &format!("{}{KERINCI_Z10}", s.url)).await;
    assert_eq!(status, StatusCode::OK);
    eprintln!(
        "Kerinci at zoom 10: {wire} bytes on the wire (gzip), {} bytes of GeoJSON",
        text.len()
    );
    assert!(wire < 60_000, "{wire} bytes gzip-compressed");
    assert!(text.len() < 250_000, "{} bytes", text.len());
    let fc: Value = serde_json::from_str(&text).expect("GeoJSON");
    let features = fc["features"].as_array().expect("features");
    let with = |code: &str| {
        features
            .iter()
            .find(|f| f["properties"]["code"] == code)
            .unwrap_or_else(|| panic!("{code} in the view"))
    };
    let kerinci = with("15.01");
    assert_eq!(kerinci["properties"]["name"], "Kabupaten Kerinci");
    assert_eq!(kerinci["properties"]["level"], "regency");
    assert_eq!(kerinci["geometry"]["type"], "MultiPolygon");
    let label = kerinci["properties"]["label"].as_array().expect("label");
    assert!((101.0..102.0).contains(&label[0].as_f64().expect("lon")));
    // Its districts are there from zoom 10; nothing from the other end of the country.
    assert!(features.iter().any(|f| {
        f["properties"]["level"] == "district"
            && f["properties"]["code"]
                .as_str()
                .is_some_and(|c| c.starts_with("15.01."))
    }));
    assert!(!features.iter().any(|f| f["properties"]["code"]
        .as_str()
        .is_some_and(|c| c.starts_with("9"))));
    // Every position lies in the box asked for.
    let inside = |p: &Value| {
        let (x, y) = (p[0].as_f64().expect("x"), p[1].as_f64().expect("y"));
        (99.49..=103.36).contains(&x) && (-3.17..=-0.70).contains(&y)
    };
    for f in features {
        for poly in f["geometry"]["coordinates"]
            .as_array()
            .into_iter()
            .flatten()
        {
            for ring in poly.as_array().expect("rings") {
                assert!(ring.as_array().expect("ring").iter().all(inside));
            }
        }
    }
}

#[tokio::test]
async fn the_level_follows_the_zoom() {
    let s = spawn(|_| {}).await;
    let levels = |text: &str| -> std::collections::BTreeSet<String> {
        let fc: Value = serde_json::from_str(text).expect("GeoJSON");
        fc["features"]
            .as_array()
            .expect("features")
            .iter()
            .map(|f| f["properties"]["level"].as_str().unwrap_or("").to_string())
            .collect()
    };
    let (_, _, far) = fetch_gzip(
        &s.http,
        &format!("{}/boundaries?zoom=5&bbox=95,-11,141,6", s.url),
    )
    .await;
    assert_eq!(levels(&far), ["province".to_string()].into());
    let (_, wire, _) = fetch_gzip(
        &s.http,
        &format!("{}/boundaries?zoom=5&bbox=95,-11,141,6", s.url),
    )
    .await;
    eprintln!("Indonesia at zoom 5: {wire} bytes on the wire (gzip)");
    assert!(wire < 120_000, "{wire}");
    let (_, _, near) = fetch_gzip(
        &s.http,
        &format!("{}/boundaries?zoom=13&bbox=101.2,-2.1,101.35,-2.0", s.url),
    )
    .await;
    let near_levels = levels(&near);
    assert!(near_levels.contains("village"), "{near_levels:?}");
    assert!(near_levels.contains("district"), "{near_levels:?}");
    assert!(near.contains("\"Point\""));
}

#[tokio::test]
async fn bad_views_are_refused_naming_the_field() {
    let s = spawn(|_| {}).await;
    for (query, field) in [
        ("zoom=10", "bbox"),
        ("zoom=10&bbox=101,-2,100,-1", "bbox"),
        ("zoom=10&bbox=101,-2,102", "bbox"),
        ("bbox=101,-2,102,-1", "zoom"),
        ("zoom=ten&bbox=101,-2,102,-1", "zoom"),
        ("zoom=14&bbox=95,-11,141,6", "bbox"),
        ("zoom=10&bbox=101,-2,102,-1&level=3", "level"),
    ] {
        let r = s
            .http
            .get(format!("{}/boundaries?{query}", s.url))
            .send()
            .await
            .expect("request");
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_eq!(
            r.headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("application/problem+json"),
            "{query}"
        );
        let p: Value = r.json().await.expect("problem");
        assert!(
            p["errors"]
                .as_array()
                .expect("errors")
                .iter()
                .any(|e| e["field"] == field),
            "{query}: {p}"
        );
    }
}

/// The XYZ tile of a point.
fn tile_of(lon: f64, lat: f64, z: u8) -> (u32, u32) {
    let n = f64::from(1u32 << z);
    let x = ((lon + 180.0) / 360.0 * n).floor() as u32;
    let r = lat.to_radians();
    let y =
        ((1.0 - (r.tan() + 1.0 / r.cos()).ln() / std::f64::consts::PI) / 2.0 * n).floor() as u32;
    (x, y)
}

#[tokio::test]
async fn the_base_map_file_is_served_as_xyz_tiles() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("demo.mbtiles");
    let n = sinergi_app::basemap::write_demo(&file)
        .await
        .expect("demo base map");
    assert!(n > 50, "{n} tiles");
    let s = spawn(|c| c.maps.basemap_file = Some(file.clone())).await;
    // Gunung Kerinci at zoom 9: south of the equator, so its MBTiles row differs from y.
    let (x, y) = tile_of(101.26, -1.70, 9);
    let r = s
        .http
        .get(format!("{}/tiles/9/{x}/{y}.png", s.url))
        .send()
        .await
        .expect("tile");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("image/png")
    );
    let png = r.bytes().await.expect("png");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    // The row as stored (counted from the south), asked as if it were y: north of the
    // equator, where the demo has no tiles.
    let flipped = (1u32 << 9) - 1 - y;
    for path in [
        format!("/tiles/9/{x}/{flipped}.png"),
        format!("/tiles/9/{x}/{y}.jpg"),
        format!("/tiles/11/{x}/{y}.png"),
        "/tiles/9/0/0.png".to_string(),
        "/tiles/9/x/0.png".to_string(),
    ] {
        let r = s
            .http
            .get(format!("{}{path}", s.url))
            .send()
            .await
            .expect("tile");
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
    }
    // Without a file there are no tiles.
    let none = spawn(|_| {}).await;
    let r = none
        .http
        .get(format!("{}/tiles/9/{x}/{y}.png", none.url))
        .send()
        .await
        .expect("tile");
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn map_pages_offer_the_configured_base_maps() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("demo.mbtiles");
    sinergi_app::basemap::write_demo(&file)
        .await
        .expect("demo base map");
    let s = spawn(|c| {
        c.maps.basemap_file = Some(file.clone());
        c.maps.tile_url = Some("https://tile.example.org/{z}/{x}/{y}.png".into());
        c.maps.tile_attribution = Some("© Contoh <Peta>".into());
    })
    .await;
    agency_and_user(
        &s,
        "BNNP-JAMBI",
        "ana",
        "coordinator",
        "kata-sandi-panjang-1",
    )
    .await;
    let web = harness::browser();
    let session = harness::browser_sign_in(&web, &s.url, "ana", "kata-sandi-panjang-1").await;
    let r = web
        .get(format!("{}/peta", s.url))
        .header("cookie", format!("sinergi_session={session}"))
        .send()
        .await
        .expect("map page");
    // The online server's tiles are the only images from elsewhere.
    let csp = r
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert!(
        csp.contains("img-src 'self' data: blob: https://tile.example.org;"),
        "{csp}"
    );
    let page = r.text().await.expect("html");
    let settings = harness::between(&page, "id=\"peta-dasar\">", "</script>").expect("settings");
    let v: Value = serde_json::from_str(settings).expect("JSON");
    let layers = v["layers"].as_array().expect("layers");
    assert_eq!(layers.len(), 2);
    assert_eq!(layers[0]["kind"], "local");
    assert_eq!(layers[0]["url"], "/tiles/{z}/{x}/{y}.png");
    assert_eq!(layers[0]["max_native_zoom"], 10);
    assert_eq!(layers[0]["min_native_zoom"], 5);
    assert_eq!(layers[0]["bounds"], json!([100.5, -5.6, 106.3, -1.2]));
    assert_eq!(layers[1]["url"], "https://tile.example.org/{z}/{x}/{y}.png");
    // The credit is data: the script block escapes markup.
    assert_eq!(layers[1]["attribution"], "© Contoh <Peta>");
    assert!(!settings.contains("<Peta>"));
    assert_eq!(v["text"]["search_button"], "Cari");
}

#[tokio::test]
async fn a_drawn_shape_names_the_villages_it_covers() {
    let s = spawn(|_| {}).await;
    agency_and_user(
        &s,
        "BNNP-JAMBI",
        "ana",
        "coordinator",
        "kata-sandi-panjang-1",
    )
    .await;
    let token = s.token("ana", "kata-sandi-panjang-1").await;
    let g = sinergi_regions::Gazetteer::shipped();
    let v = g.get("15.01.01.2001").expect("a village of Kerinci");
    let d = 0.01;
    let square = |d: f64| {
        json!({"type": "Polygon", "coordinates": [[
            [v.lon - d, v.lat - d], [v.lon + d, v.lat - d], [v.lon + d, v.lat + d],
            [v.lon - d, v.lat + d], [v.lon - d, v.lat - d]]]})
    };
    let ask = |body: Value| {
        s.http
            .post(format!("{}/api/v1/regions/covered", s.url))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    let r = ask(json!({"geometry": square(d)})).await.expect("covered");
    assert_eq!(r.status(), StatusCode::OK);
    let c: Value = r.json().await.expect("JSON");
    assert!(c["count"].as_u64().expect("count") >= 1, "{c}");
    assert!(
        c["villages"]
            .as_array()
            .expect("villages")
            .iter()
            .any(|x| x["code"] == v.code.as_str() && x["name"] == v.name.as_str()),
        "{c}"
    );
    assert!(c["centre"].is_null());
    // A shape too small to hold any village's centre still says where it is.
    let tiny = json!({"type": "Polygon", "coordinates": [[
        [v.lon + 0.0001, v.lat + 0.0001], [v.lon + 0.0002, v.lat + 0.0001],
        [v.lon + 0.0002, v.lat + 0.0002], [v.lon + 0.0001, v.lat + 0.0001]]]});
    let c: Value = ask(json!({"geometry": tiny}))
        .await
        .expect("covered")
        .json()
        .await
        .expect("JSON");
    assert_eq!(c["count"], 0);
    assert_eq!(c["centre"]["level"], "village", "{c}");
    for bad in [
        json!({"geometry": {"type": "Point", "coordinates": [101.0, -2.0]}}),
        json!({"geometry": {"type": "Polygon", "coordinates": [[[101.0, -2.0], [101.1, -2.0]]]}}),
        json!({"geometry": {"type": "Polygon", "coordinates": [[[1001.0, -2.0], [101.1, -2.0], [101.1, -2.1], [1001.0, -2.0]]]}}),
        json!({"shape": square(d)}),
    ] {
        let r = ask(bad.clone()).await.expect("covered");
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        let p: Value = r.json().await.expect("problem");
        let field = p["errors"][0]["field"].as_str().unwrap_or("").to_string();
        assert!(field == "geometry" || field == "shape", "{bad}: {p}");
    }
    // Signed out: no answer.
    let r = s
        .http
        .post(format!("{}/api/v1/regions/covered", s.url))
        .json(&json!({"geometry": square(d)}))
        .send()
        .await
        .expect("covered");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}
