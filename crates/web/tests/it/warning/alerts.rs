//! Fixes become alerts: on the stream and the signed webhook, across a restart, from
//! silent collars and low batteries, per agency, from concurrent senders, and held for the
//! agency that owns the animal.

use std::sync::Arc;
use std::time::Duration;

use axum::http::HeaderMap;
use reqwest::StatusCode;
use serde_json::{json, Value};

use super::*;

fn verify_signature(secret: &str, headers: &HeaderMap, body: &[u8]) -> bool {
    let ts: i64 = headers
        .get("x-sinergi-timestamp")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let sent = headers
        .get("x-sinergi-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    sinergi_app::warning::signature(secret, ts, body) == sent
}

#[tokio::test]
async fn fixes_become_alerts_on_the_stream_and_the_signed_webhook() {
    let dir = Arc::new(tempfile::tempdir().expect("tempdir"));
    let s = start(dir, true).await;
    let (hook, got) = receiver(1).await;
    let (secret, fence_id) = set_up(&s, &hook).await;
    let polisi = s.token("polisi").await;
    let stream = s
        .http
        .get(format!("{}/api/v1/alerts/stream", s.url))
        .bearer_auth(&polisi)
        .send()
        .await
        .expect("stream");
    assert_eq!(stream.status(), StatusCode::OK);
    let events = tokio::spawn(read_events(stream, 2, Duration::from_secs(20)));

    let petugas = s.token("petugas.wk").await;
    let batch = json!([
        fix("KALUNG-07", 30, 105.83, -5.02),
        fix("KALUNG-07", 20, 105.781, -5.021),
        fix("KALUNG-07", 10, 105.84, -5.02),
        {"device": "KALUNG-07", "recorded_at": ago(5), "lon": 0.0, "lat": 0.0},
        {"device": "KALUNG-07", "recorded_at": (now() + chrono::Duration::hours(2)).to_rfc3339(), "lon": 105.8, "lat": -5.0},
        {"device": "KALUNG-07", "recorded_at": ago(4), "lon": 105.8, "lat": 95.0},
        fix("KALUNG-99", 10, 105.78, -5.02),
    ]);
    let (st, r) = s
        .post(&petugas, "/api/v1/observations", batch.clone())
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    let statuses: Vec<&str> = r["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|x| x["status"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        statuses,
        ["stored", "stored", "stored", "refused", "refused", "refused", "held"]
    );
    assert_eq!(r["results"][3]["errors"][0]["field"], "[3].lon");
    assert!(
        r["results"][4]["errors"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("future"),
        "{r}"
    );
    assert_eq!(r["results"][5]["errors"][0]["field"], "[5].lat");
    assert_eq!(
        r["results"][1]["alerts"].as_array().map(Vec::len),
        Some(1),
        "the entry raised one alert"
    );

    let got_events = events.await.expect("join");
    let kinds: Vec<&str> = got_events
        .iter()
        .map(|(_, e)| e["kind"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(kinds, ["enter", "exit"], "{got_events:?}");
    assert_eq!(got_events[0].1["fence_name"], "Desa Braja Harjosari");
    assert_eq!(got_events[0].1["subject_name"], "Kelompok Bunga");
    assert!(got_events[0].0 < got_events[1].0, "stream ids increase");

    // The same batch again changes nothing: duplicates, no new alert.
    let (_, r2) = s.post(&petugas, "/api/v1/observations", batch).await;
    let statuses: Vec<&str> = r2["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|x| x["status"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        statuses,
        [
            "duplicate",
            "duplicate",
            "duplicate",
            "refused",
            "refused",
            "refused",
            "duplicate"
        ]
    );

    // The webhook: the first attempt met a 503 and was retried; each alert arrives once,
    // signed, carrying its id.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while got.lock().expect("lock").len() < 2 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let received = got.lock().expect("lock").clone();
    assert_eq!(received.len(), 2, "each alert delivered once");
    let mut ids = Vec::new();
    for (headers, body) in &received {
        assert!(
            verify_signature(&secret, headers, body),
            "signed with the webhook's secret"
        );
        let v: Value = serde_json::from_slice(body).expect("json");
        assert_eq!(
            headers
                .get("x-sinergi-alert-id")
                .and_then(|h| h.to_str().ok()),
            v["alert_id"].as_str()
        );
        ids.push(v["alert_id"].as_str().expect("id").to_string());
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 2);

    // Who sees the alerts: the owner agency and the recipients, nobody else.
    let k = s.token("koordinator.wk").await;
    let (_, mine) = s.get(&k, &format!("/api/v1/alerts?area={fence_id}")).await;
    assert_eq!(mine["alerts"].as_array().map(Vec::len), Some(2));
    let alert_id = mine["alerts"][1]["id"].as_str().expect("id").to_string();
    let bnn = s.token("orang.bnn").await;
    let (_, theirs) = s.get(&bnn, "/api/v1/alerts").await;
    assert_eq!(theirs["alerts"].as_array().map(Vec::len), Some(0));
    let (st, _) = s.get(&bnn, &format!("/api/v1/alerts/{alert_id}")).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (_, held) = s.get(&k, "/api/v1/observations/held").await;
    assert_eq!(held["held"][0]["serial"], "KALUNG-99");

    // The response: acknowledge, act, close with an outcome. Open boards hear of it.
    let watching = s
        .http
        .get(format!("{}/api/v1/alerts/stream", s.url))
        .bearer_auth(&k)
        .send()
        .await
        .expect("stream");
    let updates = tokio::spawn(read_events(watching, 1, Duration::from_secs(10)));
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (st, a) = s
        .post(
            &polisi,
            &format!("/api/v1/alerts/{alert_id}/acknowledge"),
            json!({}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{a}");
    assert_eq!(a["status"], "acknowledged");
    let heard = updates.await.expect("join");
    assert_eq!(
        heard.len(),
        1,
        "the acknowledgement reached the other board"
    );
    assert_eq!(heard[0].1["id"], alert_id.as_str());
    assert_eq!(heard[0].1["status"], "acknowledged");
    assert!(a["seconds_to_acknowledge"].as_i64().is_some());
    let (st, _) = s
        .post(
            &polisi,
            &format!("/api/v1/alerts/{alert_id}/acknowledge"),
            json!({}),
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT);
    let (st, bad) = s
        .post(
            &polisi,
            &format!("/api/v1/alerts/{alert_id}/actions"),
            json!({"action": "dance"}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad["errors"][0]["field"], "action");
    let (st, _) = s
        .post(
            &polisi,
            &format!("/api/v1/alerts/{alert_id}/actions"),
            json!({"action": "drive_away", "note": "Digiring ke hutan dengan meriam karbit"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let (st, closed) = s
        .post(
            &k,
            &format!("/api/v1/alerts/{alert_id}/close"),
            json!({"outcome": "no_damage"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(closed["status"], "closed");
    assert!(closed["seconds_to_close"].as_i64().is_some());
    let (_, detail) = s.get(&k, &format!("/api/v1/alerts/{alert_id}")).await;
    let steps: Vec<&str> = detail["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .map(|x| x["action"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(steps, ["acknowledge", "drive_away", "close:no_damage"]);
    assert_eq!(detail["deliveries"][0]["status"], "sent");
}

#[tokio::test]
async fn a_restart_neither_loses_nor_repeats_alerts() {
    let dir = Arc::new(tempfile::tempdir().expect("tempdir"));
    let (hook, got) = receiver(0).await;
    let s = start(dir.clone(), true).await;
    set_up(&s, &hook).await;
    let k = s.token("koordinator.wk").await;
    let (_, r) = s
        .post(
            &k,
            "/api/v1/observations",
            json!([
                fix("KALUNG-07", 40, 105.83, -5.02),
                fix("KALUNG-07", 30, 105.781, -5.02)
            ]),
        )
        .await;
    assert_eq!(r["stored"], 2, "{r}");
    drop(s);
    // A new process on the same database.
    let s = start(dir, false).await;
    let k = s.token("koordinator.wk").await;
    let (_, r) = s
        .post(
            &k,
            "/api/v1/observations",
            json!([fix("KALUNG-07", 20, 105.782, -5.021)]),
        )
        .await;
    assert_eq!(
        r["results"][0]["alerts"].as_array().map(Vec::len),
        None,
        "still inside: no second entry {r}"
    );
    let (_, r) = s
        .post(
            &k,
            "/api/v1/observations",
            json!([fix("KALUNG-07", 10, 105.85, -5.02)]),
        )
        .await;
    assert_eq!(
        r["results"][0]["alerts"].as_array().map(Vec::len),
        Some(1),
        "leaving raises the exit {r}"
    );
    let (_, all) = s.get(&k, "/api/v1/alerts").await;
    let kinds: Vec<&str> = all["alerts"]
        .as_array()
        .expect("alerts")
        .iter()
        .map(|a| a["kind"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(kinds, ["exit", "enter"]);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while got.lock().expect("lock").len() < 2 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    // At least once: a delivery under way when the first process stopped may be repeated;
    // the receiver de-duplicates by the alert id it carries, and sees each alert.
    let mut ids: Vec<String> = got
        .lock()
        .expect("lock")
        .iter()
        .map(|(_, b)| {
            serde_json::from_slice::<Value>(b).expect("json")["alert_id"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(
        ids.len(),
        2,
        "both alerts reached the receiver across the restart"
    );
    let _ = &s.dir;
}

#[tokio::test]
async fn silent_collars_low_batteries_and_still_animals_raise_their_own_alerts() {
    let dir = Arc::new(tempfile::tempdir().expect("tempdir"));
    let s = start(dir, true).await;
    let (hook, _) = receiver(0).await;
    set_up(&s, &hook).await;
    let k = s.token("koordinator.wk").await;
    // KALUNG-07 (every 30 min) last spoke two hours ago, its battery nearly empty.
    let (_, r) = s
        .post(
            &k,
            "/api/v1/observations",
            json!([{"device": "KALUNG-07", "recorded_at": ago(130), "lon": 105.9, "lat": -4.9, "battery": 40},
                   {"device": "KALUNG-07", "recorded_at": ago(120), "lon": 105.91, "lat": -4.9, "battery": 9}]),
        )
        .await;
    assert_eq!(r["stored"], 2, "{r}");
    // KALUNG-12 has not moved more than a few metres for seven hours.
    let (_, still) = s
        .post(
            &k,
            "/api/v1/subjects",
            json!({"name": "Melati", "species": "gajah_sumatera"}),
        )
        .await;
    s.post(
        &k,
        "/api/v1/devices",
        json!({"serial": "KALUNG-12", "expected_interval_min": 60}),
    )
    .await;
    s.post(
        &k,
        "/api/v1/devices/KALUNG-12/deploy",
        json!({"subject": still["id"], "start": ago(24 * 60)}),
    )
    .await;
    // Hourly fixes from one clock reading: times taken one by one drift by microseconds,
    // and the six-hour window would then miss its first fix by a millisecond.
    let base = now();
    let quiet: Vec<Value> = (0..8)
        .map(|h| json!({"device": "KALUNG-12", "recorded_at": (base - chrono::Duration::minutes(7 * 60 - h * 60)).to_rfc3339(), "lon": 105.95 + 0.00002 * (h as f64), "lat": -4.95, "battery": 70}))
        .collect();
    let (_, r) = s
        .post(&k, "/api/v1/observations", Value::Array(quiet))
        .await;
    assert_eq!(r["stored"], 8, "{r}");
    let raised = s.app.check_device_health().await.expect("health");
    let mut kinds: Vec<&str> = raised.iter().map(|a| a.kind.as_str()).collect();
    kinds.sort();
    assert_eq!(kinds, ["battery_low", "device_silent", "no_movement"]);
    assert!(
        s.app
            .check_device_health()
            .await
            .expect("health")
            .is_empty(),
        "each condition raises one alert, not one per check"
    );
    let (_, all) = s.get(&k, "/api/v1/alerts").await;
    let listed = all["alerts"].as_array().expect("alerts").len();
    assert_eq!(listed, 3, "{all}");
}

/// Every alert the user sees, page after page, newest first.
async fn all_alerts(s: &Server, token: &str, query: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut before: Option<i64> = None;
    loop {
        let path = match before {
            Some(b) => format!("/api/v1/alerts?limit=1000&before={b}{query}"),
            None => format!("/api/v1/alerts?limit=1000{query}"),
        };
        let (st, page) = s.get(token, &path).await;
        assert_eq!(st, StatusCode::OK, "{page}");
        let alerts = page["alerts"].as_array().expect("alerts").clone();
        out.extend(alerts);
        match page["next_before"].as_i64() {
            Some(b) => before = Some(b),
            None => return out,
        }
    }
}

#[tokio::test]
async fn an_agencys_alerts_stay_on_its_board_behind_another_agencys_flood() {
    let dir = Arc::new(tempfile::tempdir().expect("tempdir"));
    let s = start(dir, true).await;
    // BNN's one alert comes first ...
    set_up_tracking(&s, "orang.bnn", "BNN", &["BNN-1".into()], &[(105.5, -5.3)]).await;
    let bnn = s.token("orang.bnn").await;
    let (st, r) = s
        .post(
            &bnn,
            "/api/v1/observations",
            json!([
                fix("BNN-1", 7000, 105.6, -5.3),
                fix("BNN-1", 6990, 105.5, -5.3)
            ]),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    assert_eq!(r["results"][1]["alerts"].as_array().map(Vec::len), Some(1));
    // ... then Balai TN Way Kambas's herd walks in and out of a village 6,000 times.
    set_up_tracking(
        &s,
        "koordinator.wk",
        "POLRES-LAMTIM",
        &["WK-1".into()],
        &[(105.78, -5.02)],
    )
    .await;
    let flood: Vec<Value> = (0..6000)
        .map(|i| {
            let lon = if i % 2 == 0 { 105.78 } else { 105.83 };
            fix("WK-1", 6500 - i, lon, -5.02)
        })
        .collect();
    let k = s.token("koordinator.wk").await;
    let (st, r) = s.post(&k, "/api/v1/observations", json!(flood)).await;
    assert_eq!(st, StatusCode::OK, "{r}");
    assert_eq!(r["stored"], 6000);

    let (st, page) = s.get(&bnn, "/api/v1/alerts?status=open").await;
    assert_eq!(st, StatusCode::OK, "{page}");
    let mine = page["alerts"].as_array().expect("alerts");
    assert_eq!(
        mine.len(),
        1,
        "BNN's alert, behind 5,999 newer ones: {page}"
    );
    assert_eq!(mine[0]["kind"], "enter");
    assert_eq!(page["next_before"], Value::Null, "nothing more to page");

    // The recipient agency pages through them all, each once, newest first: every fix
    // after the first changes side (the first only says where the herd is).
    let polisi = s.token("polisi").await;
    let all = all_alerts(&s, &polisi, "").await;
    assert_eq!(all.len(), 5999);
    let seqs: Vec<i64> = all.iter().filter_map(|a| a["seq"].as_i64()).collect();
    assert!(
        seqs.windows(2).all(|p| p[0] > p[1]),
        "newest first, no repeats"
    );
    // By area: only the alerts of that fence.
    let area = mine[0]["fence_id"].as_str().expect("fence").to_string();
    let (st, by_area) = s.get(&bnn, &format!("/api/v1/alerts?area={area}")).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(by_area["alerts"].as_array().map(Vec::len), Some(1));
    let (st, by_area) = s.get(&polisi, &format!("/api/v1/alerts?area={area}")).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        by_area["alerts"].as_array().map(Vec::len),
        Some(0),
        "another agency's area shows nothing to the police"
    );
    let (st, bad) = s.get(&polisi, "/api/v1/alerts?limit=5000").await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad["errors"][0]["field"], "limit");
    let (st, bad) = s.get(&polisi, "/api/v1/alerts?before=abc").await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad["errors"][0]["field"], "before", "{bad}");
}

/// Batches from several senders at once (each sending its own collars in time order), while
/// set-up changes rebuild the engine, raise exactly the alerts one sender sending everything
/// in order raises: evaluation and commit overlap, commits keep evaluation order, and a
/// rebuild reads the database only after the batch in flight is in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_senders_raise_the_same_alerts_as_one() {
    let serials: Vec<String> = (0..12).map(|i| format!("KALUNG-{i:02}")).collect();
    let centres: Vec<(f64, f64)> = (0..5).map(|i| (105.70 + 0.02 * i as f64, -5.0)).collect();
    // Each collar walks east across the villages, weaving north and south so that some
    // pass through a village and some skirt it, a fix every two minutes.
    let mut fixes: Vec<(usize, i64, Value)> = Vec::new();
    for (n, serial) in serials.iter().enumerate() {
        for step in 0..150i64 {
            let minutes_ago = 400 - 2 * step;
            let lon = 105.685 + 0.0007 * step as f64 + 0.0003 * n as f64;
            let lat = -5.0 + 0.012 * ((step as f64 / 9.0) + n as f64).sin();
            fixes.push((n, minutes_ago, fix(serial, minutes_ago, lon, lat)));
        }
    }
    let mut in_time_order = fixes.clone();
    in_time_order.sort_by_key(|(n, m, _)| (-m, *n));

    let mut results = Vec::new();
    for concurrent in [false, true] {
        let dir = Arc::new(tempfile::tempdir().expect("tempdir"));
        let s = Arc::new(start(dir, true).await);
        set_up_tracking(&s, "koordinator.wk", "POLRES-LAMTIM", &serials, &centres).await;
        let k = s.token("koordinator.wk").await;
        if concurrent {
            let mut senders = Vec::new();
            for part in 0..3 {
                let mine: Vec<Value> = in_time_order
                    .iter()
                    .filter(|(n, _, _)| n % 3 == part)
                    .map(|(_, _, f)| f.clone())
                    .collect();
                let (s, k) = (s.clone(), k.clone());
                senders.push(tokio::spawn(async move {
                    for batch in mine.chunks(25) {
                        let (st, r) = s.post(&k, "/api/v1/observations", json!(batch)).await;
                        assert_eq!(st, StatusCode::OK, "{r}");
                        assert_eq!(r["stored"].as_u64(), Some(batch.len() as u64), "{r}");
                    }
                }));
            }
            // Meanwhile an administrator keeps adding areas elsewhere: each change rebuilds
            // the engine from the database while batches are being committed.
            let (s2, k2) = (s.clone(), k.clone());
            senders.push(tokio::spawn(async move {
                for i in 0..8 {
                    let (st, f) = s2
                        .post(&k2, "/api/v1/fences", json!({"name": format!("Kebun {i}"), "kind": "other",
                            "shape": {"type": "Circle", "center": [104.0 + 0.1 * i as f64, -4.0], "radius_m": 500}}))
                        .await;
                    assert_eq!(st, StatusCode::CREATED, "{f}");
                    tokio::time::sleep(Duration::from_millis(15)).await;
                }
            }));
            for t in senders {
                t.await.expect("sender");
            }
        } else {
            let all: Vec<Value> = in_time_order.iter().map(|(_, _, f)| f.clone()).collect();
            for batch in all.chunks(100) {
                let (st, r) = s.post(&k, "/api/v1/observations", json!(batch)).await;
                assert_eq!(st, StatusCode::OK, "{r}");
            }
        }
        let mut seen: Vec<(String, String, String, String, String)> = all_alerts(&s, &k, "")
            .await
            .iter()
            .filter(|a| a["rule_name"].is_string())
            .map(|a| {
                let text = |k: &str| a[k].as_str().unwrap_or_default().to_string();
                (
                    text("rule_name"),
                    text("subject_name"),
                    text("fence_name"),
                    text("kind"),
                    text("at"),
                )
            })
            .collect();
        seen.sort();
        results.push(seen);
    }
    let kinds = |k: &str| results[0].iter().filter(|a| a.3 == k).count();
    assert!(
        kinds("enter") >= 10,
        "the walk enters villages: {:?}",
        results[0]
    );
    assert!(kinds("exit") >= 10, "and leaves them");
    assert_eq!(results[0], results[1]);
}

fn fix_at(device: &str, at: &str, lon: f64, lat: f64) -> Value {
    json!({"device": device, "recorded_at": at, "lon": lon, "lat": lat, "battery": 80})
}

/// Another agency's fixes for a serial are held for that agency: the same answer whether
/// the serial is unknown or another agency's device, never attached to the owner's animal,
/// and never in the way of the owner's own fixes for the same times. Each batch leaves one
/// audit entry naming its sender.
#[tokio::test]
async fn another_agencys_fixes_are_held_for_it_and_never_join_the_animal() {
    let dir = Arc::new(tempfile::tempdir().expect("tempdir"));
    let s = start(dir, true).await;
    let (hook, _) = receiver(0).await;
    set_up(&s, &hook).await;
    let (t40, t30, t25) = (ago(40), ago(30), ago(25));

    // BNN sends fixes for Balai TN Way Kambas's deployed collar and for a serial nobody
    // has registered: both are held for BNN, with the same answer.
    let bnn = s.token("orang.bnn").await;
    let (st, r) = s
        .post(
            &bnn,
            "/api/v1/observations",
            json!([
                fix_at("KALUNG-07", &t40, 105.83, -5.02),
                fix_at("KALUNG-07", &t30, 105.781, -5.021),
                fix_at("KALUNG-50", &t25, 105.70, -5.10),
            ]),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    assert_eq!(statuses(&r), ["held", "held", "held"], "{r}");
    assert_eq!(
        r["results"][0], r["results"][2],
        "another agency's serial and an unknown one answer alike"
    );
    let k = s.token("koordinator.wk").await;
    let (_, alerts) = s.get(&k, "/api/v1/alerts").await;
    assert_eq!(
        alerts["alerts"].as_array().map(Vec::len),
        Some(0),
        "{alerts}"
    );

    // The owner's own fixes for the same collar and times go in, and raise the entry.
    let (_, r) = s
        .post(
            &k,
            "/api/v1/observations",
            json!([
                fix_at("KALUNG-07", &t40, 105.83, -5.02),
                fix_at("KALUNG-07", &t30, 105.781, -5.021),
            ]),
        )
        .await;
    assert_eq!(statuses(&r), ["stored", "stored"], "not duplicates: {r}");
    assert_eq!(r["results"][1]["alerts"].as_array().map(Vec::len), Some(1));
    // ... and for the serial it is about to register, at the same time as BNN's.
    let (_, r) = s
        .post(
            &k,
            "/api/v1/observations",
            json!([fix_at("KALUNG-50", &t25, 105.71, -5.11)]),
        )
        .await;
    assert_eq!(statuses(&r), ["held"], "{r}");
    // The operator's broker (MQTT) may send for any collar: its fix joins whoever's it is.
    let t20 = ago(20);
    let operator = s
        .app
        .ingest_fixes(
            None,
            sinergi_app::warning::mqtt::fixes_of(
                "sinergi/fixes/KALUNG-50",
                json!({"recorded_at": t20, "lon": 105.72, "lat": -5.12})
                    .to_string()
                    .as_bytes(),
                now(),
            ),
            "mqtt",
        )
        .await
        .expect("mqtt");
    assert_eq!(operator.held, 1);
    let (_, seen) = s.get(&k, "/api/v1/observations/held").await;
    assert!(
        seen["held"]
            .as_array()
            .expect("held")
            .iter()
            .any(|f| f["submitted_by"] == "operator" && f["source"] == "mqtt"),
        "{seen}"
    );

    // Registered and deployed: the owner's and the operator's held fixes join Melati,
    // BNN's do not.
    let (_, melati) = s
        .post(
            &k,
            "/api/v1/subjects",
            json!({"name": "Melati", "species": "gajah_sumatera"}),
        )
        .await;
    let (st, _) = s
        .post(&k, "/api/v1/devices", json!({"serial": "KALUNG-50"}))
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let (st, dep) = s
        .post(
            &k,
            "/api/v1/devices/KALUNG-50/deploy",
            json!({"subject": melati["id"], "start": ago(120)}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{dep}");
    assert_eq!(dep["held_fixes_attached"], 2, "{dep}");
    let melati_id = melati["id"].as_str().expect("id");
    let (_, track) = s
        .get(&k, &format!("/api/v1/subjects/{melati_id}/track"))
        .await;
    assert_eq!(
        track["geometry"]["coordinates"],
        json!([[105.71, -5.11], [105.72, -5.12]]),
        "{track}"
    );
    assert_eq!(track["geometry"]["type"], "LineString");
    // A track of one fix is a Point, of none no geometry: a LineString needs two
    // positions (RFC 7946).
    let (_, one) = s
        .get(&k, &format!("/api/v1/subjects/{melati_id}/track?limit=1"))
        .await;
    assert_eq!(one["geometry"]["type"], "Point", "{one}");
    assert_eq!(
        one["geometry"]["coordinates"].as_array().map(Vec::len),
        Some(2)
    );
    let (_, none) = s
        .get(
            &k,
            &format!("/api/v1/subjects/{melati_id}/track?until=2001-01-01T00:00:00Z"),
        )
        .await;
    assert!(none["geometry"].is_null(), "{none}");

    // Held fixes: BNN sees its own exactly, with its sender; the owner sees BNN's only
    // roughly, without the sender.
    let (_, held) = s.get(&bnn, "/api/v1/observations/held").await;
    let held = held["held"].as_array().expect("held").clone();
    assert_eq!(held.len(), 3, "{held:?}");
    assert!(held
        .iter()
        .all(|f| f["submitted_by"] == "orang.bnn" && f["submitted_by_agency"] == "BNN"));
    assert!(held.iter().any(|f| f["lon"] == 105.781), "{held:?}");
    let (_, seen) = s.get(&k, "/api/v1/observations/held").await;
    let seen = seen["held"].as_array().expect("held").clone();
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert!(seen
        .iter()
        .all(|f| f["submitted_by"].is_null() && f["accuracy_m"] == 10_000.0));
    assert!(seen.iter().any(|f| f["lon"] == 105.8), "{seen:?}");

    // One audit entry per batch, naming who sent it.
    let entries = s
        .app
        .store
        .audit_entries(&sinergi_store::AuditFilter {
            action: Some("import".into()),
            ascending: true,
            limit: 100,
            ..Default::default()
        })
        .await
        .expect("audit");
    let who: Vec<(&str, i64)> = entries
        .iter()
        .map(|e| (e.actor.as_str(), e.detail["fixes"].as_i64().unwrap_or(0)))
        .collect();
    assert_eq!(
        who,
        [
            ("orang.bnn", 3),
            ("koordinator.wk", 2),
            ("koordinator.wk", 1),
            ("operator", 1)
        ]
    );
}
