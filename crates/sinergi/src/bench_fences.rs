//! `sinergi bench fences --workload DIR`: the early-warning figures on the shared workload
//! (`fence_workload.py`: 10,000 polygon fences around Sumatran village centroids, 1,000
//! subjects × 200 fixes). Four measurements in one run:
//!
//! 1. the engine alone on one core, with per-subject state (enter, exit, dwell 30 min), at
//!    hysteresis 0 and 50 m;
//! 2. end to end: the fixes as JSON batches (`--batch`, default 10,000) over HTTP from two clients (each
//!    sending its half of the subjects in time order) to a server on this machine, stored
//!    in SQLite (WAL) and evaluated, alerts committed with their fixes;
//! 3. latency from sending a fix to its alert arriving on the SSE stream, while a
//!    background load of about 1,000 fixes/s flows;
//! 4. the same fences and fixes in PostGIS (`ST_Intersects` with a GiST index): prepared
//!    per-fix queries from two clients, and one set-based join.
//!
//! Figures to read, never pass/fail checks.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use serde_json::{json, Value};
use sinergi_app::warning::AlertListFilter;
use sinergi_app::{App, AppConfig, SystemClock};
use sinergi_core::agency::NewAgency;
use sinergi_core::audit::Action;
use sinergi_core::input::Body;
use sinergi_core::warning::body::{NewDeployment, NewDevice, NewFence, NewRule, NewSubject};
use sinergi_core::warning::{AlertStatus, Fence, FenceId, Shape};
use sinergi_geofence::workload::{load_fences_csv, load_fixes_csv, run_engine_benchmark};
use sinergi_geofence::FenceShape;

const PASSWORD: &str = "bench-password-2025";

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn serial(subject: u128) -> String {
    format!("BENCH-{subject:05}")
}

pub async fn run(
    workload: PathBuf,
    pg_url: Option<String>,
    probes: usize,
    batch: usize,
) -> anyhow::Result<()> {
    let batch = batch.clamp(1, 50_000);
    let fences = load_fences_csv(workload.join("fences.csv")).context("fences.csv")?;
    let fixes = load_fixes_csv(workload.join("fixes.csv")).context("fixes.csv")?;
    println!(
        "Workload {}: {} fences, {} fixes.",
        workload.display(),
        fences.len(),
        fixes.len()
    );

    // 1. The engine alone.
    let mut engine_rate = 0.0;
    let mut engine_events = 0;
    for h in [0.0, 50.0] {
        let f = run_engine_benchmark(&fences, &fixes, h).map_err(|e| anyhow::anyhow!("{e}"))?;
        println!(
            "engine, one core, hysteresis {h} m: {:.0} fixes/s ({:.3} s; {} events: {} enter, {} exit, {} dwell)",
            f.fixes_per_sec, f.seconds, f.events, f.enter, f.exit, f.dwell
        );
        if h == 0.0 {
            engine_rate = f.fixes_per_sec;
            engine_events = f.events;
        }
    }

    // 2. End to end over HTTP into SQLite.
    let dir = tempfile::tempdir().context("temporary folder")?;
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let store = sinergi_store::open(&url).await?;
    let app = Arc::new(
        App::new(
            store,
            Arc::new(SystemClock),
            AppConfig::new(dir.path().to_path_buf()),
        )
        .await?,
    );
    let setup = Instant::now();
    app.create_agency(
        None,
        NewAgency::parse(
            "BKSDA-BENCH",
            "BKSDA Bench",
            "park_authority",
            None,
            &["11".into()],
        )
        .map_err(|e| anyhow::anyhow!("{e:?}"))?,
    )
    .await?;
    app.create_user(
        None,
        "koordinator.bench",
        "",
        "BKSDA-BENCH",
        "coordinator",
        PASSWORD,
    )
    .await?;
    let (user, _) = app
        .store
        .user_credentials("koordinator.bench")
        .await?
        .context("bench user")?;
    let actor = app.actor_for(&user).await?;
    let now = app.now();
    for (i, f) in fences.iter().enumerate() {
        let FenceShape::Polygon(mp) = &f.shape else {
            continue;
        };
        let fence = Fence {
            id: FenceId(f.id.0),
            owner_agency_id: actor.agency_id,
            name: format!("Desa {i}"),
            kind: "village".into(),
            shape: Shape::Area(mp.clone()),
            region_code: None,
            active: true,
            created_by: actor.user_id,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        let entry = app.audit(
            Some(&actor),
            Action::WarningSetup,
            "fence",
            &fence.id.to_string(),
            json!({}),
        );
        app.store.insert_fence(&fence, &entry).await?;
    }
    let subjects: Vec<u128> = {
        let mut s: Vec<u128> = fixes
            .iter()
            .filter_map(|f| f.subject.map(|s| s.0.as_u128()))
            .collect();
        s.sort_unstable();
        s.dedup();
        s
    };
    let start = (fixes.iter().map(|f| f.at_ms).min().unwrap_or(0) - 3_600_000) / 1000;
    let start = DateTime::<Utc>::from_timestamp(start, 0)
        .unwrap_or(now)
        .to_rfc3339();
    for s in &subjects {
        let subj = app
            .create_subject(
                &actor,
                &NewSubject::read(
                    &json!({"name": format!("Gajah {s}"), "species": "gajah_sumatera"}),
                )?,
            )
            .await?;
        app.create_device(
            &actor,
            &NewDevice::read(&json!({"serial": serial(*s), "expected_interval_min": 15}))?,
        )
        .await?;
        app.deploy_device(
            &actor,
            &serial(*s),
            &NewDeployment::read(&json!({"subject": subj.id, "start": start}))?,
        )
        .await?;
    }
    for trigger in [
        json!({"type": "enter"}),
        json!({"type": "exit"}),
        json!({"type": "dwell", "minutes": 30}),
    ] {
        app.create_rule(
            &actor,
            &NewRule::read(&json!({"name": format!("bench {}", trigger["type"]), "trigger": trigger, "recipients": {"agencies": ["BKSDA-BENCH"]}}))?,
        )
        .await?;
    }
    app.reload_warning().await?;
    println!(
        "end-to-end set-up: {} fences, {} subjects with collars, 3 rules in {:.1} s",
        fences.len(),
        subjects.len(),
        setup.elapsed().as_secs_f64()
    );

    let (base, server) = crate::bench::serve_locally(app.clone()).await?;
    let http = reqwest::Client::new();
    let token = crate::bench::api_token(&http, &base, "koordinator.bench", PASSWORD).await?;

    // Two clients, each with half of the subjects, in time order; bodies built beforehand.
    let ordered = sinergi_geofence::workload::arrival_order(&fixes);
    let mut halves: [Vec<&sinergi_geofence::Fix>; 2] = [Vec::new(), Vec::new()];
    for f in &ordered {
        let s = f.subject.map(|s| s.0.as_u128()).unwrap_or(0);
        halves[(s % 2) as usize].push(f);
    }
    let bodies: Vec<Vec<String>> = halves
        .iter()
        .map(|half| {
            half.chunks(batch)
                .map(|chunk| {
                    let items: Vec<Value> = chunk
                        .iter()
                        .map(|f| {
                            json!({
                                "device": serial(f.subject.map(|s| s.0.as_u128()).unwrap_or(0)),
                                "recorded_at": DateTime::<Utc>::from_timestamp_millis(f.at_ms).unwrap_or(now).to_rfc3339(),
                                "lon": f.lon, "lat": f.lat
                            })
                        })
                        .collect();
                    Value::Array(items).to_string()
                })
                .collect()
        })
        .collect();
    let t0 = Instant::now();
    let mut clients = Vec::new();
    for batches in bodies {
        let http = http.clone();
        let url = format!("{base}/api/v1/observations");
        let token = token.clone();
        clients.push(tokio::spawn(async move {
            let mut stored = 0u64;
            for b in batches {
                let resp = http
                    .post(&url)
                    .bearer_auth(&token)
                    .header("content-type", "application/json")
                    .body(b)
                    .send()
                    .await?;
                let status = resp.status();
                let r: Value = resp.json().await?;
                if !status.is_success() {
                    anyhow::bail!("a batch was refused ({status}): {r}");
                }
                stored += r["stored"].as_u64().unwrap_or(0);
            }
            anyhow::Ok(stored)
        }));
    }
    let mut stored = 0;
    for c in clients {
        stored += c.await??;
    }
    let secs = t0.elapsed().as_secs_f64();
    let alerts = app
        .store
        .alerts(&sinergi_store::warning::AlertFilter {
            limit: 1_000_000,
            ..Default::default()
        })
        .await?
        .len();
    println!(
        "end to end, HTTP batches of {batch} from 2 clients → SQLite (WAL) + engine: {:.0} fixes/s ({} stored in {:.2} s; {} alerts committed with them, engine alone raised {})",
        stored as f64 / secs,
        stored,
        secs,
        alerts,
        engine_events
    );

    // 2b. Reading the board with those alerts stored: the coordinator's open alerts, one
    // area's alerts, and the board of another agency that has none of them.
    app.create_agency(
        None,
        NewAgency::parse(
            "POLRES-BENCH",
            "Polres Bench",
            "police",
            None,
            &["11".into()],
        )
        .map_err(|e| anyhow::anyhow!("{e:?}"))?,
    )
    .await?;
    app.create_user(
        None,
        "polisi.bench",
        "",
        "POLRES-BENCH",
        "coordinator",
        PASSWORD,
    )
    .await?;
    let (other_user, _) = app
        .store
        .user_credentials("polisi.bench")
        .await?
        .context("second bench user")?;
    let other = app.actor_for(&other_user).await?;
    let board = |status: Option<AlertStatus>, fence: Option<FenceId>| AlertListFilter {
        status,
        fence,
        limit: 100,
        ..Default::default()
    };
    let mut timings: Vec<(&str, Vec<f64>, usize)> = Vec::new();
    for (label, who, area) in [
        ("open alerts, newest 100", &actor, false),
        ("one area's alerts, newest 100", &actor, true),
        (
            "another agency's board (none of these alerts)",
            &other,
            false,
        ),
    ] {
        let mut ms = Vec::new();
        let mut rows = 0;
        for i in 0..50 {
            let fence = area.then(|| FenceId(fences[(i * 197) % fences.len()].id.0));
            let t = Instant::now();
            let page = app
                .alerts_for(who, board(Some(AlertStatus::Open), fence))
                .await?;
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
            rows += page.len();
        }
        ms.sort_by(f64::total_cmp);
        timings.push((label, ms, rows / 50));
    }
    for (label, ms, rows) in &timings {
        println!(
            "board read with {alerts} alerts stored, {label}: p50 {:.2} ms, p95 {:.2} ms ({rows} alerts per page)",
            pct(ms, 0.5),
            pct(ms, 0.95)
        );
    }

    // 3. Latency to the SSE stream under background load.
    let probe_subject = app
        .create_subject(
            &actor,
            &NewSubject::read(&json!({"name": "Probe", "species": "gajah_sumatera"}))?,
        )
        .await?;
    app.create_device(&actor, &NewDevice::read(&json!({"serial": "PROBE-1"}))?)
        .await?;
    app.deploy_device(
        &actor,
        "PROBE-1",
        &NewDeployment::read(&json!({"subject": probe_subject.id, "start": start}))?,
    )
    .await?;
    app.create_fence(
        &actor,
        &NewFence::read(&json!({"name": "Probe", "kind": "other", "shape": {"type": "Circle", "center": [100.0, 3.9], "radius_m": 1000}}))?,
    )
    .await?;
    app.reload_warning().await?;
    let seen: Arc<Mutex<HashMap<String, Instant>>> = Arc::new(Mutex::new(HashMap::new()));
    let stream = http
        .get(format!("{base}/api/v1/alerts/stream"))
        .bearer_auth(&token)
        .send()
        .await?;
    let seen_w = seen.clone();
    let reader = tokio::spawn(async move {
        let mut buf = String::new();
        let mut s = stream.bytes_stream();
        while let Some(Ok(chunk)) = s.next().await {
            let at = Instant::now();
            buf.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = buf.find("\n\n") {
                let block: String = buf.drain(..end + 2).collect();
                for line in block.lines() {
                    if let Some(d) = line.strip_prefix("data:") {
                        if let Ok(v) = serde_json::from_str::<Value>(d.trim()) {
                            if let Some(id) = v["id"].as_str() {
                                if let Ok(mut m) = seen_w.lock() {
                                    m.insert(id.to_string(), at);
                                }
                            }
                        }
                    }
                }
            }
        }
    });
    // Background: 100 fixes every 100 ms, continuing the workload's walks after its end.
    let bg_stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut last: HashMap<u128, (f64, f64)> = HashMap::new();
    for f in &ordered {
        if let Some(s) = f.subject {
            last.insert(s.0.as_u128(), (f.lon, f.lat));
        }
    }
    let end_ms = ordered.last().map(|f| f.at_ms).unwrap_or(0);
    let bg = {
        let http = http.clone();
        let url = format!("{base}/api/v1/observations");
        let token = token.clone();
        let stop = bg_stop.clone();
        let subjects = subjects.clone();
        tokio::spawn(async move {
            let mut k: u64 = 0;
            let mut sent = 0u64;
            let mut tick = tokio::time::interval(Duration::from_millis(100));
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                tick.tick().await;
                let items: Vec<Value> = (0..100)
                    .map(|j| {
                        k += 1;
                        let s = subjects[(k as usize) % subjects.len()];
                        let (lon, lat) = last.get(&s).copied().unwrap_or((100.0, 2.0));
                        let step = ((k * 2_654_435_761) % 1000) as f64 / 1000.0 - 0.5;
                        let p = (lon + step * 0.004, lat - step * 0.004);
                        last.insert(s, p);
                        json!({"device": serial(s), "recorded_at": DateTime::<Utc>::from_timestamp_millis(end_ms + 1000 * (k as i64) + j).unwrap_or_default().to_rfc3339(), "lon": p.0, "lat": p.1})
                    })
                    .collect();
                let _ = http
                    .post(&url)
                    .bearer_auth(&token)
                    .json(&Value::Array(items))
                    .send()
                    .await;
                sent += 100;
            }
            sent
        })
    };
    let bg_started = Instant::now();
    let mut sent_at: Vec<(String, Instant)> = Vec::new();
    for i in 0..probes {
        let inside = i % 2 == 0;
        let (lon, lat) = if inside { (100.0, 3.9) } else { (100.05, 3.9) };
        let at =
            DateTime::<Utc>::from_timestamp_millis(end_ms + 10_000 * (i as i64 + 1)).unwrap_or(now);
        let t = Instant::now();
        let r: Value = http
            .post(format!("{base}/api/v1/observations"))
            .bearer_auth(&token)
            .json(&json!([{"device": "PROBE-1", "recorded_at": at.to_rfc3339(), "lon": lon, "lat": lat}]))
            .send()
            .await?
            .json()
            .await?;
        for id in r["results"][0]["alerts"].as_array().into_iter().flatten() {
            if let Some(id) = id.as_str() {
                sent_at.push((id.to_string(), t));
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    bg_stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let bg_sent = bg.await.unwrap_or(0);
    let bg_rate = bg_sent as f64 / bg_started.elapsed().as_secs_f64();
    reader.abort();
    let mut lat_ms: Vec<f64> = {
        let m = seen.lock().map_err(|_| anyhow::anyhow!("lock"))?;
        sent_at
            .iter()
            .filter_map(|(id, t)| {
                m.get(id)
                    .map(|r| r.duration_since(*t).as_secs_f64() * 1000.0)
            })
            .collect()
    };
    lat_ms.sort_by(f64::total_cmp);
    println!(
        "fix → alert on the SSE stream, under {:.0} fixes/s background load: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms over {} alerts ({} probe alerts not seen)",
        bg_rate,
        pct(&lat_ms, 0.5),
        pct(&lat_ms, 0.99),
        lat_ms.last().copied().unwrap_or(f64::NAN),
        lat_ms.len(),
        sent_at.len() - lat_ms.len()
    );
    server.abort();

    // 4. PostGIS.
    let Some(pg) = pg_url else {
        println!(
            "PostGIS baseline not run: give --pg-url postgres://…/postgres (PostGIS installed)"
        );
        return Ok(());
    };
    let admin = sqlx::PgPool::connect(&pg)
        .await
        .context("connect to --pg-url")?;
    let db = format!("sinergi_bench_{}", uuid::Uuid::new_v4().simple());
    sqlx::query(&format!("CREATE DATABASE {db}"))
        .execute(&admin)
        .await?;
    let db_url = match pg.rsplit_once('/') {
        Some((head, _)) => format!("{head}/{db}"),
        None => anyhow::bail!("--pg-url must end with /DATABASE"),
    };
    let result = postgis(&db_url, &fences, &ordered, engine_rate).await;
    sqlx::query(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
        .execute(&admin)
        .await?;
    result
}

async fn postgis(
    url: &str,
    fences: &[sinergi_geofence::Fence],
    fixes: &[sinergi_geofence::Fix],
    engine_rate: f64,
) -> anyhow::Result<()> {
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(4)
        .connect(url)
        .await?;
    sqlx::query("CREATE EXTENSION IF NOT EXISTS postgis")
        .execute(&pool)
        .await
        .context("CREATE EXTENSION postgis (install postgresql-15-postgis-3)")?;
    sqlx::query(
        "CREATE TABLE fences (id integer PRIMARY KEY, geom geometry(Polygon, 4326) NOT NULL)",
    )
    .execute(&pool)
    .await?;
    let mut ids = Vec::new();
    let mut wkts = Vec::new();
    for (i, f) in fences.iter().enumerate() {
        let FenceShape::Polygon(mp) = &f.shape else {
            continue;
        };
        let Some(p) = mp.0.first() else { continue };
        let ring: Vec<String> = p
            .exterior()
            .0
            .iter()
            .map(|c| format!("{} {}", c.x, c.y))
            .collect();
        ids.push(i as i32);
        wkts.push(format!("POLYGON(({}))", ring.join(",")));
    }
    sqlx::query("INSERT INTO fences SELECT id, ST_GeomFromText(w, 4326) FROM UNNEST($1::int[], $2::text[]) AS t(id, w)")
        .bind(&ids)
        .bind(&wkts)
        .execute(&pool)
        .await?;
    sqlx::query("CREATE INDEX fences_geom ON fences USING GIST (geom)")
        .execute(&pool)
        .await?;
    sqlx::query("CREATE TABLE fixes (n integer, geom geometry(Point, 4326) NOT NULL)")
        .execute(&pool)
        .await?;
    let ns: Vec<i32> = (0..fixes.len() as i32).collect();
    let lons: Vec<f64> = fixes.iter().map(|f| f.lon).collect();
    let lats: Vec<f64> = fixes.iter().map(|f| f.lat).collect();
    sqlx::query("INSERT INTO fixes SELECT n, ST_SetSRID(ST_MakePoint(x, y), 4326) FROM UNNEST($1::int[], $2::float8[], $3::float8[]) AS t(n, x, y)")
        .bind(&ns)
        .bind(&lons)
        .bind(&lats)
        .execute(&pool)
        .await?;
    sqlx::query("ANALYZE fences").execute(&pool).await?;
    sqlx::query("ANALYZE fixes").execute(&pool).await?;

    // Prepared per-fix queries from two clients.
    let t = Instant::now();
    let mut tasks = Vec::new();
    for part in 0..2 {
        let pool = pool.clone();
        let pts: Vec<(f64, f64)> = fixes
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 2 == part)
            .map(|(_, f)| (f.lon, f.lat))
            .collect();
        tasks.push(tokio::spawn(async move {
            let mut conn = pool.acquire().await?;
            let mut hits = 0usize;
            for (x, y) in pts {
                let rows: Vec<(i32,)> = sqlx::query_as(
                    "SELECT id FROM fences WHERE ST_Intersects(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326))",
                )
                .bind(x)
                .bind(y)
                .fetch_all(&mut *conn)
                .await?;
                hits += rows.len();
            }
            anyhow::Ok(hits)
        }));
    }
    let mut hits = 0;
    for task in tasks {
        hits += task.await??;
    }
    let per_fix = fixes.len() as f64 / t.elapsed().as_secs_f64();
    // One set-based join.
    let t = Instant::now();
    let joined: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM fixes f JOIN fences g ON ST_Intersects(g.geom, f.geom)",
    )
    .fetch_one(&pool)
    .await?;
    let join_rate = fixes.len() as f64 / t.elapsed().as_secs_f64();
    println!(
        "PostGIS 3.3 (GiST, ST_Intersects, containment only, no state): prepared per-fix queries from 2 clients {per_fix:.0} fixes/s ({hits} hits); one set-based join {join_rate:.0} fixes/s ({joined} hits)"
    );
    println!(
        "engine (stateful, hysteresis 0) vs PostGIS: {:.1}× the per-fix queries, {:.1}× the set-based join",
        engine_rate / per_fix,
        engine_rate / join_rate
    );
    pool.close().await;
    Ok(())
}
