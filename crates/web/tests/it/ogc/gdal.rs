//! `/ogc` read by GDAL itself, as QGIS does: `ogrinfo` lists the layers and counts their
//! features page by page, `ogr2ogr` copies a partner's view. Runs when `SINERGI_OGRINFO`
//! names `ogrinfo` (`ogr2ogr` beside it; Debian's `gdal-bin`); CI sets it and the test
//! fails there without it.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

use super::*;

/// `ogrinfo`, or `None` outside CI when it is not configured.
fn ogrinfo() -> Option<PathBuf> {
    match std::env::var("SINERGI_OGRINFO") {
        Ok(p) if !p.is_empty() => Some(PathBuf::from(p)),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI must set SINERGI_OGRINFO to GDAL's ogrinfo (apt-get install gdal-bin)")
        }
        _ => {
            eprintln!("note: the GDAL check of /ogc did not run: set SINERGI_OGRINFO to GDAL's ogrinfo (apt-get install gdal-bin)");
            None
        }
    }
}

/// Runs a GDAL program with the API token as a bearer header, off the server's threads;
/// answers its standard output.
async fn gdal(program: PathBuf, token: &str, args: Vec<String>) -> String {
    let header = format!("Authorization: Bearer {token}");
    let shown = format!("{} {}", program.display(), args.join(" "));
    let out = tokio::task::spawn_blocking(move || {
        Command::new(&program)
            .args(["--config", "GDAL_HTTP_HEADERS", &header])
            .args(["--config", "GDAL_HTTP_TIMEOUT", "60"])
            .args(&args)
            .output()
    })
    .await
    .expect("join")
    .unwrap_or_else(|e| panic!("{shown}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{shown}: {stdout}\n{stderr}");
    assert!(!stderr.contains("ERROR"), "{shown}: {stderr}");
    stdout
}

/// (layer, feature count) from `ogrinfo -so -al`.
fn layers(summary: &str) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let mut name = None;
    for line in summary.lines() {
        if let Some(n) = line.strip_prefix("Layer name: ") {
            name = Some(n.trim().to_string());
        }
        if let (Some(c), Some(n)) = (line.strip_prefix("Feature Count: "), &name) {
            out.push((n.clone(), c.trim().parse().expect("count")));
            name = None;
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gdal_reads_the_layers_pages_through_them_and_copies_a_partners_coarsened_view() {
    let Some(ogrinfo) = ogrinfo() else {
        return;
    };
    let ogr2ogr = ogrinfo.with_file_name("ogr2ogr");
    let w = world().await;
    share(&w.s).await;
    let s = &w.s;
    let source = format!("OAPIF:{}/ogc", s.url);

    // Every layer, with its count as the owner sees it (GDAL pages through the reports:
    // they carry no numberMatched).
    let summary = gdal(
        ogrinfo.clone(),
        &w.owner,
        vec!["-ro".into(), "-so".into(), "-al".into(), source.clone()],
    )
    .await;
    let got = layers(&summary);
    for (layer, count) in [
        (NARCOTICS, REPORTS as u64),
        ("reports.illegal_logging", 1),
        ("patrols", 1),
        ("areas", 1),
        ("subject-tracks", 1),
    ] {
        assert!(
            got.contains(&(layer.to_string(), count)),
            "{layer}: {count} in {got:?}\n{summary}"
        );
    }

    // Two features a page: every report arrives, each once.
    let listing = gdal(
        ogrinfo.clone(),
        &w.owner,
        vec![
            "-ro".into(),
            "-al".into(),
            "-oo".into(),
            "PAGE_SIZE=2".into(),
            source.clone(),
            NARCOTICS.into(),
        ],
    )
    .await;
    assert_eq!(listing.matches("OGRFeature(").count(), REPORTS, "{listing}");
    for (i, id) in w.reports.iter().enumerate() {
        assert_eq!(
            listing.matches(id.as_str()).count(),
            1,
            "report {i}: {listing}"
        );
    }

    // The partner's copy holds the coarsened points the API shows it, never the exact one.
    let p = s.token("polisi").await;
    let (_, _, api_view) = get(s, &p, &format!("/ogc/collections/{NARCOTICS}/items")).await;
    let copied = gdal(
        ogr2ogr,
        &p,
        vec![
            "-f".into(),
            "GeoJSON".into(),
            "/vsistdout/".into(),
            "-oo".into(),
            "PAGE_SIZE=2".into(),
            source,
            NARCOTICS.into(),
        ],
    )
    .await;
    let copied: Value = serde_json::from_str(&copied).expect("GeoJSON from ogr2ogr");
    let features = copied["features"].as_array().expect("features");
    assert_eq!(features.len(), REPORTS, "{copied}");
    let exact = spot(0);
    for f in api_view["features"].as_array().expect("features") {
        let id = f["id"].as_str().expect("id");
        let there = features
            .iter()
            .find(|c| c["properties"]["id"] == id || c["id"] == id)
            .unwrap_or_else(|| panic!("{id} not copied: {copied}"));
        assert_eq!(
            there["geometry"]["coordinates"], f["geometry"]["coordinates"],
            "{id}"
        );
        assert_eq!(there["properties"]["location_precision"], "1000");
        assert!(there["properties"].get("suspect_names").is_none());
    }
    let first = features
        .iter()
        .find(|c| {
            c["properties"]["id"] == w.reports[0].as_str() || c["id"] == w.reports[0].as_str()
        })
        .expect("report 0");
    assert_ne!(
        (
            first["geometry"]["coordinates"][0].as_f64(),
            first["geometry"]["coordinates"][1].as_f64()
        ),
        (Some(exact.0), Some(exact.1))
    );
}
