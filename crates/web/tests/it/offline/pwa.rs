//! The installable app: the manifest with PNG icons Chrome accepts, the service worker at
//! the root whose precache list is the build's hashed files, and the pages linking both.

use reqwest::StatusCode;
use serde_json::Value;

use crate::harness;

fn header(r: &reqwest::Response, name: &str) -> String {
    r.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

#[tokio::test]
async fn the_manifest_names_the_app_with_installable_png_icons() {
    let s = harness::spawn(|_| {}).await;
    let r = s
        .http
        .get(format!("{}/manifest.webmanifest", s.url))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(header(&r, "content-type"), "application/manifest+json");
    let m: Value = r.json().await.expect("json");
    assert_eq!(m["short_name"], "Sinergi");
    assert_eq!(m["start_url"], "/");
    assert_eq!(m["scope"], "/");
    assert_eq!(m["display"], "standalone");
    assert_eq!(m["theme_color"], "#1d5c3f");
    assert_eq!(m["lang"], "id");
    let mut sizes = Vec::new();
    for icon in m["icons"].as_array().expect("icons") {
        let src = icon["src"].as_str().expect("src");
        let r = s
            .http
            .get(format!("{}{src}", s.url))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), StatusCode::OK, "{src}");
        assert_eq!(header(&r, "content-type"), "image/png");
        let png = r.bytes().await.expect("bytes");
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{src}");
        // The IHDR's width and height are what the manifest says.
        let w = u32::from_be_bytes([png[16], png[17], png[18], png[19]]);
        let h = u32::from_be_bytes([png[20], png[21], png[22], png[23]]);
        assert_eq!(icon["sizes"], format!("{w}x{h}"));
        sizes.push(w);
    }
    assert!(sizes.contains(&192) && sizes.contains(&512), "{sizes:?}");
    // In English for an English visitor.
    let en: Value = s
        .http
        .get(format!("{}/manifest.webmanifest", s.url))
        .header("cookie", "lang=en")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(en["lang"], "en");
    assert_ne!(en["description"], m["description"]);
}

#[tokio::test]
async fn the_worker_is_served_from_the_root_and_precaches_the_hashed_files() {
    let s = harness::spawn(|_| {}).await;
    let r = s
        .http
        .get(format!("{}/sw.js", s.url))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(header(&r, "content-type"), "text/javascript");
    assert_eq!(header(&r, "cache-control"), "no-cache");
    let etag = header(&r, "etag");
    let text = r.text().await.expect("text");
    let first = text.lines().next().expect("first line");
    let config: Value = serde_json::from_str(
        first
            .strip_prefix("var SINERGI = ")
            .and_then(|l| l.strip_suffix(';'))
            .expect("the configuration line"),
    )
    .expect("json");
    let assets = config["assets"].as_object().expect("assets");
    for name in [
        "sinergi.js",
        "sinergi.css",
        "outbox.js",
        "offline.js",
        "leaflet.js",
        "icon-192.png",
    ] {
        let url = assets[name].as_str().unwrap_or_else(|| panic!("{name}"));
        assert!(
            url.starts_with("/static/") && url != format!("/static/{name}"),
            "{url}"
        );
    }
    // Every precached URL answers, or the worker would not install.
    for (name, url) in assets {
        let r = s
            .http
            .get(format!("{}{}", s.url, url.as_str().expect("url")))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), StatusCode::OK, "{name}");
    }
    assert_eq!(config["outbox"], assets["outbox.js"]);
    assert!(text.contains("importScripts(SINERGI.outbox)"));
    // Unchanged: 304, so a browser's update check costs nothing.
    let r = s
        .http
        .get(format!("{}/sw.js", s.url))
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    // The pages link the manifest.
    let html = s
        .http
        .get(format!("{}/masuk", s.url))
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("html");
    assert!(html.contains("<link rel=\"manifest\" href=\"/manifest.webmanifest\">"));
}
