//! `sinergi bench sync`: the server side of a phone's outbox coming back online. N reports
//! (default 1,000: a field team's week offline), built beforehand as the phone's outbox
//! holds them (GeoJSON Features with the client-chosen id), are sent to a Sinergi server
//! on this machine (fresh SQLite database, the real router over loopback HTTP) in order,
//! by `--phones` phones at once: as the outbox sends them (batches of 25 to
//! `POST /api/v1/reports/batch`, ADR 20), and, on a second server, one at a time to
//! `POST /api/v1/reports` (a report with photos, an older client). Then every one is sent
//! again, as after answers lost on a bad network, and must come back as the same record
//! with nothing added. Half are village sightings (which also enter the early-warning
//! engine), half snare findings. Prints reports per second of each run and the number
//! stored; last, the server's own ingest of the same batches through the use case,
//! without HTTP.
//!
//! Timings are figures to read, never pass/fail checks.

use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use chrono::Duration;
use serde_json::{json, Value};
use sinergi_app::{App, AppConfig, SystemClock};
use sinergi_core::agency::NewAgency;

const PASSWORD: &str = "bench-password-123";

/// The outbox of one phone: `n` Features with their client ids, oldest first.
fn outbox(phone: usize, n: usize, now: chrono::DateTime<chrono::Utc>) -> Vec<(String, String)> {
    (0..n)
        .map(|i| {
            let id = uuid::Uuid::now_v7().to_string();
            let at = (now - Duration::minutes((n - i) as i64 * 7)).to_rfc3339();
            let lon = 105.75 + (phone as f64) * 0.01 + (i as f64 % 50.0) * 0.001;
            let lat = -5.05 + (i as f64 / 50.0).floor() * 0.001;
            let body = if i % 2 == 0 {
                json!({"type": "Feature", "id": id,
                    "geometry": {"type": "Point", "coordinates": [lon, lat]},
                    "properties": {"type": "wildlife_sighting", "title": format!("Gajah terlihat {i}"),
                        "occurred_at": at, "sensitivity": "internal",
                        "attributes": {"species": "gajah_sumatera"}}})
            } else {
                json!({"type": "Feature", "id": id,
                    "geometry": {"type": "Point", "coordinates": [lon, lat]},
                    "properties": {"type": "snare_found", "title": format!("Jerat {i}"),
                        "occurred_at": at, "sensitivity": "internal",
                        "attributes": {"snare_count": 1 + i % 4}}})
            };
            (id, body.to_string())
        })
        .collect()
}

/// The outbox's batch size (`BATCH` in `static/outbox.js`).
const BATCH: usize = 25;

/// Sends every phone's outbox in order, each phone `batch` reports a request (1: one at a
/// time to `POST /reports`); answers (created, already there).
async fn send_all(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    phones: &[Vec<(String, String)>],
    batch: usize,
) -> anyhow::Result<(usize, usize)> {
    let mut tasks = Vec::new();
    for items in phones {
        let (http, token, items) = (http.clone(), token.to_string(), items.clone());
        let base = base.to_string();
        tasks.push(tokio::spawn(async move {
            let (mut created, mut again) = (0usize, 0usize);
            for chunk in items.chunks(batch) {
                let answers: Vec<(u16, Value)> = if batch == 1 {
                    let resp = http
                        .post(format!("{base}/api/v1/reports"))
                        .bearer_auth(&token)
                        .header("content-type", "application/geo+json")
                        .body(chunk[0].1.clone())
                        .send()
                        .await?;
                    let status = resp.status().as_u16();
                    vec![(status, resp.json().await?)]
                } else {
                    let body = format!(
                        "{{\"type\":\"FeatureCollection\",\"features\":[{}]}}",
                        chunk
                            .iter()
                            .map(|(_, b)| b.as_str())
                            .collect::<Vec<_>>()
                            .join(",")
                    );
                    let resp = http
                        .post(format!("{base}/api/v1/reports/batch"))
                        .bearer_auth(&token)
                        .header("content-type", "application/geo+json")
                        .body(body)
                        .send()
                        .await?;
                    anyhow::ensure!(
                        resp.status() == 200,
                        "a batch was refused ({})",
                        resp.status()
                    );
                    let v: Value = resp.json().await?;
                    v["results"]
                        .as_array()
                        .context("results")?
                        .iter()
                        .map(|r| (r["status"].as_u64().unwrap_or(0) as u16, r.clone()))
                        .collect()
                };
                anyhow::ensure!(answers.len() == chunk.len(), "one answer per report");
                for ((id, _), (status, r)) in chunk.iter().zip(answers) {
                    match status {
                        201 => created += 1,
                        200 => again += 1,
                        _ => anyhow::bail!("report {id} was refused ({status}): {r}"),
                    }
                    anyhow::ensure!(
                        r["id"] == id.as_str(),
                        "report {id} came back as {}",
                        r["id"]
                    );
                }
            }
            anyhow::Ok((created, again))
        }));
    }
    let (mut created, mut again) = (0, 0);
    for t in tasks {
        let (c, a) = t.await??;
        created += c;
        again += a;
    }
    Ok((created, again))
}

/// A fresh server's app on a SQLite database in `dir`, with one agency and its ranger.
async fn bench_app(dir: &std::path::Path) -> anyhow::Result<Arc<App>> {
    let url = format!("sqlite://{}", dir.join("bench.db").display());
    let store = sinergi_store::open(&url).await?;
    let app = Arc::new(
        App::new(
            store,
            Arc::new(SystemClock),
            AppConfig::new(dir.to_path_buf()),
        )
        .await?,
    );
    app.create_agency(
        None,
        NewAgency::parse(
            "TNWK-BENCH",
            "Balai TN Way Kambas (bench)",
            "park_authority",
            None,
            &["18".into()],
        )
        .map_err(|e| anyhow::anyhow!("{e:?}"))?,
    )
    .await?;
    app.create_user(
        None,
        "ranger.bench",
        "",
        "TNWK-BENCH",
        "field_officer",
        PASSWORD,
    )
    .await?;
    Ok(app)
}

pub async fn run(reports: usize, phones: usize) -> anyhow::Result<()> {
    anyhow::ensure!(
        phones > 0 && reports >= phones,
        "--reports must be at least --phones, which must be at least 1"
    );
    let per_phone = reports / phones;
    let total = per_phone * phones;
    let mut last = None;
    for (batch, how) in [
        (BATCH, "in the outbox's batches of 25"),
        (1, "one at a time"),
    ] {
        let dir = tempfile::tempdir().context("temporary folder")?;
        let app = bench_app(dir.path()).await?;
        let (base, server) = crate::bench::serve_locally(app.clone()).await?;
        let http = reqwest::Client::new();
        let token = crate::bench::api_token(&http, &base, "ranger.bench", PASSWORD).await?;
        let now = app.now();
        let boxes: Vec<Vec<(String, String)>> =
            (0..phones).map(|p| outbox(p, per_phone, now)).collect();
        let t = Instant::now();
        let (created, again) = send_all(&http, &base, &token, &boxes, batch).await?;
        let secs = t.elapsed().as_secs_f64();
        println!(
            "{total} queued reports from {phones} phone(s), {how}: {secs:.2} s, {:.0} reports/s ({created} created, {again} already there)",
            total as f64 / secs
        );
        let t = Instant::now();
        let (created, again) = send_all(&http, &base, &token, &boxes, batch).await?;
        let secs = t.elapsed().as_secs_f64();
        println!(
            "the same {total} sent again, {how}: {secs:.2} s, {:.0} reports/s ({created} created, {again} answered as the stored record)",
            total as f64 / secs
        );
        let stored = app.store.report_total().await?;
        println!("reports stored: {stored}");
        anyhow::ensure!(
            stored as usize == total,
            "{stored} reports stored for {total} sent"
        );
        server.abort();
        if batch == BATCH {
            last = Some((dir, app));
        }
    }

    // The server's own work, without HTTP and the phones' side sharing the machine: the
    // same outbox bodies (new ids) through the use case the batch handler calls.
    let (_dir, app) = last.context("the batch run")?;
    let (user, _) = app
        .store
        .user_credentials("ranger.bench")
        .await?
        .context("bench user")?;
    let actor = app.actor_for(&user).await?;
    let now = app.now();
    let bodies: Vec<sinergi_core::report::NewReportBody> = outbox(phones, total, now)
        .iter()
        .map(|(_, b)| {
            let v: Value = serde_json::from_str(b)?;
            sinergi_core::input::Body::read(&v).map_err(|e| anyhow::anyhow!("{e:?}"))
        })
        .collect::<anyhow::Result<_>>()?;
    let t = Instant::now();
    for chunk in bodies.chunks(BATCH) {
        for r in app.create_reports(&actor, chunk).await? {
            r?;
        }
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "the server's ingest of {total} outbox reports in batches of {BATCH}, without HTTP: {secs:.2} s, {:.0} reports/s",
        total as f64 / secs
    );
    Ok(())
}
