//! Ingest and set-up: refused set-up names its field, Movebank and FIRMS imports, MQTT,
//! dry runs.

use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};

use super::*;

#[tokio::test]
async fn bad_setup_is_refused_with_the_field_named() {
    let dir = Arc::new(tempfile::tempdir().expect("tempdir"));
    let s = start(dir, true).await;
    let k = s.token("koordinator.wk").await;
    let (st, e) = s
        .post(&k, "/api/v1/fences", json!({"name": "Silang", "kind": "village", "shape": {"type": "Polygon",
            "coordinates": [[[105.0, -5.0], [105.1, -5.1], [105.1, -5.0], [105.0, -5.1], [105.0, -5.0]]]}}))
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["errors"][0]["field"], "shape.coordinates[0]");
    let (st, e) = s
        .post(
            &k,
            "/api/v1/rules",
            json!({"name": "Tanpa penerima", "trigger": {"type": "enter"}}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["errors"][0]["field"], "recipients");
    let (st, e) = s
        .post(&k, "/api/v1/rules", json!({"name": "SMS", "trigger": {"type": "enter"}, "recipients": {"contacts": [{"name": "Kades", "phone": "+6281234567890"}]}, "channels": ["sms"]}))
        .await;
    assert_eq!(
        st,
        StatusCode::UNPROCESSABLE_ENTITY,
        "no gateway configured: {e}"
    );
    assert_eq!(e["errors"][0]["field"], "channels");
    let petugas = s.token("petugas.wk").await;
    let (st, _) = s
        .post(
            &petugas,
            "/api/v1/subjects",
            json!({"name": "X", "species": "gajah_sumatera"}),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, e) = s
        .post(&petugas, "/api/v1/observations", json!({"device": "x"}))
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    // A field the fix format does not have is named, not silently dropped.
    let when = (now() - chrono::Duration::minutes(5)).to_rfc3339();
    let (st, e) = s
        .post(
            &petugas,
            "/api/v1/observations",
            json!([{"device": "WK-COLLAR-01", "recorded_at": when,
            "lon": 105.79, "lat": -4.93, "speed_kmh": 3}]),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "a batch answers per fix: {e}");
    assert_eq!(e["refused"], 1, "{e}");
    assert_eq!(
        e["results"][0]["errors"][0]["field"], "[0].speed_kmh",
        "{e}"
    );
    assert_eq!(s.app.store.fix_count().await.expect("count"), 0);
    // A serial with a NUL in it could never match what a collar sends.
    let (st, e) = s
        .post(
            &k,
            "/api/v1/devices",
            json!({"serial": "WK-\u{0}-99", "kind": "gps_collar"}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["errors"][0]["field"], "serial", "{e}");
}

#[tokio::test]
async fn movebank_and_firms_imports_report_bad_rows_and_change_nothing_twice() {
    let dir = Arc::new(tempfile::tempdir().expect("tempdir"));
    let s = start(dir, true).await;
    let (hook, _) = receiver(0).await;
    set_up(&s, &hook).await;
    let k = s.token("koordinator.wk").await;
    let t = |m: i64| {
        (now() - chrono::Duration::minutes(m))
            .format("%Y-%m-%d %H:%M:%S%.3f")
            .to_string()
    };
    let csv = format!(
        "event-id,visible,timestamp,location-long,location-lat,tag-local-identifier,individual-local-identifier\n\
         1,true,{},105.83,-5.02,KALUNG-07,Bunga\n\
         2,true,{},105.781,-5.02,KALUNG-07,Bunga\n\
         3,true,{},,,KALUNG-07,Bunga\n\
         4,true,{},105.70,-5.10,KALUNG-12,Melati\n",
        t(50), t(40), t(35), t(30)
    );
    let (st, dry) = s
        .csv(&k, "/api/v1/imports/movebank?dry_run=true", &csv)
        .await;
    assert_eq!(st, StatusCode::OK, "{dry}");
    assert_eq!(
        (
            dry["stored"].as_u64(),
            dry["held"].as_u64(),
            dry["refused"].as_u64()
        ),
        (Some(2), Some(1), Some(1))
    );
    assert_eq!(dry["errors"][0]["line"], 4);
    assert_eq!(
        s.app.store.fix_count().await.expect("count"),
        0,
        "a dry run writes nothing"
    );
    let (_, r) = s.csv(&k, "/api/v1/imports/movebank", &csv).await;
    assert_eq!(
        (
            r["stored"].as_u64(),
            r["held"].as_u64(),
            r["alerts"].as_u64()
        ),
        (Some(2), Some(1), Some(1)),
        "{r}"
    );
    assert_eq!(r["errors"][0]["line"], 4);
    let underscores = csv
        .replace("location-long", "location_long")
        .replace("location-lat", "location_lat")
        .replace("tag-local-identifier", "tag_local_identifier");
    let (_, again) = s.csv(&k, "/api/v1/imports/movebank", &underscores).await;
    assert_eq!(
        (
            again["stored"].as_u64(),
            again["duplicates"].as_u64(),
            again["alerts"].as_u64()
        ),
        (Some(0), Some(3), Some(0)),
        "{again}"
    );

    // The held fix of KALUNG-12 joins its animal once the collar is deployed.
    let (_, melati) = s
        .post(
            &k,
            "/api/v1/subjects",
            json!({"name": "Melati", "species": "gajah_sumatera"}),
        )
        .await;
    s.post(&k, "/api/v1/devices", json!({"serial": "KALUNG-12"}))
        .await;
    let (st, dep) = s
        .post(
            &k,
            "/api/v1/devices/KALUNG-12/deploy",
            json!({"subject": melati["id"], "start": ago(120)}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{dep}");
    assert_eq!(dep["held_fixes_attached"], 1);

    // Fire: a park polygon and a hotspot rule; the second import of the same file is a no-op.
    let (_, park) = s
        .post(&k, "/api/v1/fences", json!({"name": "TN Way Kambas (bagian)", "kind": "park", "shape": {"type": "Polygon",
            "coordinates": [[[105.6, -5.1], [105.9, -5.1], [105.9, -4.8], [105.6, -4.8], [105.6, -5.1]]]}}))
        .await;
    let (st, r) = s
        .post(&k, "/api/v1/rules", json!({"name": "Titik api di taman", "fences": [park["id"]], "trigger": {"type": "hotspot_inside"},
            "recipients": {"agencies": ["BTNWK"]}}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{r}");
    let day = now().format("%Y-%m-%d").to_string();
    let firms = format!(
        "latitude,longitude,bright_ti4,scan,track,acq_date,acq_time,satellite,instrument,confidence,version,bright_ti5,frp,daynight\n\
         -4.95,105.75,333.1,0.39,0.36,{day},0005,N,VIIRS,n,2.0NRT,290.1,5.2,N\n\
         -3.00,104.00,331.0,0.39,0.36,{day},0005,N,VIIRS,l,2.0NRT,289.0,3.1,N\n\
         -4.96,105.76,x,0.39,0.36,{day},0005,N,VIIRS,h,2.0NRT,290.0,4.0,N\n"
    );
    let (st, f1) = s.csv(&k, "/api/v1/imports/firms", &firms).await;
    assert_eq!(st, StatusCode::OK, "{f1}");
    assert_eq!(
        (f1["stored"].as_u64(), f1["alerts"].as_u64()),
        (Some(2), Some(1)),
        "{f1}"
    );
    assert_eq!(
        f1["errors"][0]["line"], 4,
        "the bad brightness is named by line"
    );
    let (_, f2) = s.csv(&k, "/api/v1/imports/firms", &firms).await;
    assert_eq!(
        (
            f2["stored"].as_u64(),
            f2["alerts"].as_u64(),
            f2["duplicates"].as_u64()
        ),
        (Some(0), Some(0), Some(2)),
        "{f2}"
    );
}

#[tokio::test]
async fn fixes_arrive_over_mqtt() {
    let Ok(url) = std::env::var("SINERGI_TEST_MQTT_URL") else {
        eprintln!("SINERGI_TEST_MQTT_URL is not set: the MQTT test is not run");
        return;
    };
    let dir = Arc::new(tempfile::tempdir().expect("tempdir"));
    let s = start(dir, true).await;
    let (hook, _) = receiver(0).await;
    set_up(&s, &hook).await;
    let topic_root = format!("sinergi-test/{}", uuid::Uuid::new_v4().simple());
    let cfg = sinergi_app::warning::mqtt::MqttConfig {
        url: url.clone(),
        topic: format!("{topic_root}/#"),
        client_id: format!("sinergi-test-{}", uuid::Uuid::new_v4().simple()),
    };
    let app = s.app.clone();
    let ingest = tokio::spawn(async move {
        let _ = sinergi_app::warning::mqtt::run(app, cfg).await;
    });
    let polisi = s.token("polisi").await;
    let stream = s
        .http
        .get(format!("{}/api/v1/alerts/stream", s.url))
        .bearer_auth(&polisi)
        .send()
        .await
        .expect("stream");
    let events = tokio::spawn(read_events(stream, 1, Duration::from_secs(20)));
    // A collar's gateway publishing.
    let (host, port) = sinergi_app::warning::mqtt::host_port(&url).expect("url");
    let mut opts = rumqttc::MqttOptions::new(
        format!("collar-{}", uuid::Uuid::new_v4().simple()),
        host,
        port,
    );
    opts.set_keep_alive(Duration::from_secs(10));
    let (client, mut ev) = rumqttc::AsyncClient::new(opts, 10);
    tokio::spawn(async move { while ev.poll().await.is_ok() {} });
    // Give the ingest time to subscribe.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        tokio::time::sleep(Duration::from_millis(300)).await;
        client
            .publish(
                format!("{topic_root}/KALUNG-07"),
                rumqttc::QoS::AtLeastOnce,
                false,
                fix("KALUNG-07", 30, 105.83, -5.02).to_string(),
            )
            .await
            .expect("publish");
        tokio::time::sleep(Duration::from_millis(300)).await;
        if s.app.store.fix_count().await.expect("count") >= 1
            || tokio::time::Instant::now() > deadline
        {
            break;
        }
    }
    let payload = json!({"recorded_at": ago(20), "lon": 105.781, "lat": -5.02}).to_string();
    client
        .publish(
            format!("{topic_root}/KALUNG-07"),
            rumqttc::QoS::AtLeastOnce,
            false,
            payload,
        )
        .await
        .expect("publish");
    let got = events.await.expect("join");
    assert_eq!(got.len(), 1, "the entry arrived on the stream");
    assert_eq!(got[0].1["kind"], "enter");
    ingest.abort();
}

/// A dry run reports the alerts the import raises (Movebank and FIRMS), writes nothing,
/// and leaves the engine as it was; Movebank outlier columns count without `visible`.
#[tokio::test]
async fn dry_runs_predict_the_alerts_of_the_import() {
    let dir = Arc::new(tempfile::tempdir().expect("tempdir"));
    let s = start(dir, true).await;
    let (hook, _) = receiver(0).await;
    set_up(&s, &hook).await;
    let k = s.token("koordinator.wk").await;
    let t = |m: i64| {
        (now() - chrono::Duration::minutes(m))
            .format("%Y-%m-%d %H:%M:%S%.3f")
            .to_string()
    };
    // In and out of the village; the jumps out at 50 and 40 minutes are outliers (the
    // one at 30 was flagged by an algorithm but marked valid by hand).
    let csv = format!(
        "timestamp,location-long,location-lat,tag-local-identifier,manually-marked-outlier,algorithm-marked-outlier,manually-marked-valid\n\
         {},105.83,-5.02,KALUNG-07,false,false,false\n\
         {},105.781,-5.02,KALUNG-07,false,false,false\n\
         {},105.84,-5.02,KALUNG-07,true,false,false\n\
         {},105.782,-5.02,KALUNG-07,false,false,false\n\
         {},105.85,-5.02,KALUNG-07,false,true,false\n\
         {},105.783,-5.02,KALUNG-07,false,false,false\n\
         {},105.84,-5.02,KALUNG-07,false,true,true\n",
        t(60), t(55), t(50), t(45), t(40), t(35), t(30)
    );
    let (st, dry) = s
        .csv(&k, "/api/v1/imports/movebank?dry_run=true", &csv)
        .await;
    assert_eq!(st, StatusCode::OK, "{dry}");
    assert_eq!(s.app.store.fix_count().await.expect("count"), 0);
    let (st, real) = s.csv(&k, "/api/v1/imports/movebank", &csv).await;
    assert_eq!(st, StatusCode::OK, "{real}");
    let counts = |v: &Value| {
        ["stored", "held", "duplicates", "refused", "alerts"]
            .map(|f| v[f].as_u64().unwrap_or(u64::MAX))
    };
    assert_eq!(
        counts(&real),
        [5, 0, 0, 2, 2],
        "enter and exit only: {real}"
    );
    assert_eq!(counts(&dry), counts(&real), "{dry}");
    let (_, again) = s
        .csv(&k, "/api/v1/imports/movebank?dry_run=true", &csv)
        .await;
    assert_eq!(counts(&again), [0, 0, 5, 2, 0], "{again}");

    // FIRMS: two hotspots in the park an hour apart at most; the rule's quiet period
    // lets the first through. The dry run must not start that quiet period itself.
    let (_, park) = s
        .post(&k, "/api/v1/fences", json!({"name": "TN Way Kambas (bagian)", "kind": "park", "shape": {"type": "Polygon",
            "coordinates": [[[105.6, -5.1], [105.9, -5.1], [105.9, -4.8], [105.6, -4.8], [105.6, -5.1]]]}}))
        .await;
    let (st, r) = s
        .post(&k, "/api/v1/rules", json!({"name": "Titik api di taman", "fences": [park["id"]], "trigger": {"type": "hotspot_inside"},
            "quiet_period_min": 60, "recipients": {"agencies": ["BTNWK"]}}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{r}");
    let day = now().format("%Y-%m-%d").to_string();
    let firms = format!(
        "latitude,longitude,bright_ti4,scan,track,acq_date,acq_time,satellite,instrument,confidence,version,bright_ti5,frp,daynight\n\
         -4.95,105.75,333.1,0.39,0.36,{day},0005,N,VIIRS,n,2.0NRT,290.1,5.2,N\n\
         -4.90,105.70,331.0,0.39,0.36,{day},0010,N,VIIRS,h,2.0NRT,289.0,3.1,N\n"
    );
    let (st, dry) = s
        .csv(&k, "/api/v1/imports/firms?dry_run=true", &firms)
        .await;
    assert_eq!(st, StatusCode::OK, "{dry}");
    let (_, real) = s.csv(&k, "/api/v1/imports/firms", &firms).await;
    assert_eq!(counts(&real), [2, 0, 0, 0, 1], "{real}");
    assert_eq!(counts(&dry), counts(&real), "{dry}");
}

/// A subject's fixes leave as a Movebank CSV file that Movebank's own columns name, and
/// come back through the Movebank import as the same fixes (nothing added); an agency
/// that does not track the subject cannot tell its export exists.
#[tokio::test]
async fn a_subjects_track_round_trips_through_a_movebank_file() {
    let s = crate::harness::demo::spawn().await;
    let wk = s.token("koordinator.wk").await;
    let (_, subjects) = s.api(&wk, "/api/v1/subjects").await;
    let subject = subjects["subjects"]
        .as_array()
        .expect("subjects")
        .iter()
        .find(|x| x["name"] == "Kelompok Bunga")
        .expect("the demo's collared herd")
        .clone();
    let id = subject["id"].as_str().expect("id");
    let (_, track) = s.api(&wk, &format!("/api/v1/subjects/{id}/track")).await;
    let fixes = track["properties"]["times"]
        .as_array()
        .expect("times")
        .len();
    assert!(fixes > 10, "the demo's night track has fixes");

    let r = s
        .http
        .get(format!("{}/api/v1/subjects/{id}/track.csv", s.url))
        .bearer_auth(&wk)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    let csv = r.text().await.expect("csv");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("event-id,visible,timestamp,location-long,location-lat,gps:horizontal-accuracy-estimate,battery-charge-percent,sensor-type,tag-local-identifier,individual-local-identifier")
    );
    assert_eq!(lines.count(), fixes);

    let r = s
        .http
        .post(format!("{}/api/v1/imports/movebank", s.url))
        .bearer_auth(&wk)
        .header("Content-Type", "text/csv")
        .body(csv)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    let report: Value = r.json().await.expect("json");
    assert_eq!(report["rows"], fixes);
    assert_eq!(report["duplicates"], fixes, "{report}");
    assert_eq!(report["stored"], 0);

    // The same fixes as a GPX track, in time order.
    let r = s
        .http
        .get(format!("{}/api/v1/subjects/{id}/track.gpx", s.url))
        .bearer_auth(&wk)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/gpx+xml");
    let gpx = r.text().await.expect("gpx");
    assert!(gpx.contains("<name>Kelompok Bunga</name>"), "{gpx}");
    assert_eq!(gpx.matches("<trkpt ").count(), fixes);
    let times: Vec<&str> = gpx
        .split("<time>")
        .skip(1)
        .filter_map(|t| t.split('<').next())
        .collect();
    let mut sorted = times.clone();
    sorted.sort_unstable();
    assert_eq!(times, sorted, "fixes in time order");

    let tnks = s.token("koordinator.tnks").await;
    for file in ["track.csv", "track.gpx"] {
        let mut answers = Vec::new();
        for target in [id, "01970000-0000-7000-8000-00000000dead"] {
            let r = s
                .http
                .get(format!("{}/api/v1/subjects/{target}/{file}", s.url))
                .bearer_auth(&tnks)
                .send()
                .await
                .expect("send");
            assert_eq!(r.status(), StatusCode::NOT_FOUND);
            answers.push(r.json::<Value>().await.expect("problem")["detail"].clone());
        }
        assert_eq!(answers[0], answers[1], "{file}");
    }
}
