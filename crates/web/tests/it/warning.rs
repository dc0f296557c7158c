//! Early warning end to end, against a real server on port 0 with a fresh SQLite
//! database: fixes in over HTTP, Movebank and FIRMS CSV and MQTT; alerts out on the SSE
//! stream and a signed webhook received by a local receiver; the response workflow; and a
//! restart that neither loses nor repeats alerts.

mod pages;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode as AxStatus};
use futures_util::StreamExt;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use sinergi_app::App;

use crate::harness;

const PASSWORD: &str = "kata-sandi-uji-123";

struct Server {
    url: String,
    app: Arc<App>,
    http: Client,
    dir: Arc<tempfile::TempDir>,
    task: tokio::task::JoinHandle<()>,
    worker: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
        self.worker.abort();
    }
}

/// The wall clock, as a collar's would be.
#[allow(clippy::disallowed_methods)]
fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

fn ago(minutes: i64) -> String {
    (now() - chrono::Duration::minutes(minutes)).to_rfc3339()
}

/// A server whose webhooks may deliver to this machine (the receivers here listen on
/// 127.0.0.1), as `webhook_allow_private = true` allows.
async fn start(dir: Arc<tempfile::TempDir>, fresh: bool) -> Server {
    start_with(dir, fresh, local_delivery()).await
}

fn local_delivery() -> sinergi_app::warning::DeliveryConfig {
    sinergi_app::warning::DeliveryConfig {
        allow_private_webhooks: true,
        ..Default::default()
    }
}

async fn start_with(
    dir: Arc<tempfile::TempDir>,
    fresh: bool,
    delivery: sinergi_app::warning::DeliveryConfig,
) -> Server {
    let app = harness::app(dir.path(), |c| c.delivery = delivery).await;
    if fresh {
        harness::agencies(
            &app,
            "18",
            &[
                ("BTNWK", "park_authority", None),
                ("POLRES-LAMTIM", "police", None),
                ("BNN", "narcotics_agency", None),
            ],
        )
        .await;
        harness::users(
            &app,
            PASSWORD,
            &[
                ("koordinator.wk", "BTNWK", "coordinator"),
                ("admin.wk", "BTNWK", "agency_admin"),
                ("petugas.wk", "BTNWK", "field_officer"),
                ("polisi", "POLRES-LAMTIM", "field_officer"),
                ("orang.bnn", "BNN", "coordinator"),
            ],
        )
        .await;
    }
    let (url, task) = harness::listen(app.clone()).await;
    let worker = tokio::spawn(app.clone().run_warning_worker());
    Server {
        url,
        app,
        http: Client::new(),
        dir,
        task,
        worker,
    }
}

impl Server {
    async fn token(&self, user: &str) -> String {
        harness::api_token(&self.http, &self.url, user, PASSWORD).await
    }

    async fn post(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        let r = self
            .http
            .post(format!("{}{path}", self.url))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("send");
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    async fn get(&self, token: &str, path: &str) -> (StatusCode, Value) {
        let r = self
            .http
            .get(format!("{}{path}", self.url))
            .bearer_auth(token)
            .send()
            .await
            .expect("send");
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// A PATCH with `If-Match` when given; answers the status, the `ETag` and the body.
    async fn patch(
        &self,
        token: &str,
        path: &str,
        if_match: Option<&str>,
        body: Value,
    ) -> (StatusCode, Option<String>, Value) {
        let mut req = self
            .http
            .patch(format!("{}{path}", self.url))
            .bearer_auth(token)
            .json(&body);
        if let Some(tag) = if_match {
            req = req.header("if-match", tag);
        }
        let r = req.send().await.expect("send");
        let status = r.status();
        let etag = r
            .headers()
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        (status, etag, r.json().await.unwrap_or(Value::Null))
    }

    async fn csv(&self, token: &str, path: &str, text: &str) -> (StatusCode, Value) {
        let r = self
            .http
            .post(format!("{}{path}", self.url))
            .bearer_auth(token)
            .header("content-type", "text/csv")
            .body(text.to_string())
            .send()
            .await
            .expect("send");
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }
}

/// Reads alert events from an SSE response until `n` arrived or the time is up.
async fn read_events(resp: reqwest::Response, n: usize, wait: Duration) -> Vec<(i64, Value)> {
    let mut out = Vec::new();
    let mut buf = String::new();
    let mut stream = resp.bytes_stream();
    let deadline = tokio::time::Instant::now() + wait;
    while out.len() < n {
        let chunk = match tokio::time::timeout_at(deadline, stream.next()).await {
            Ok(Some(Ok(c))) => c,
            _ => break,
        };
        buf.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buf.find("\n\n") {
            let block: String = buf.drain(..end + 2).collect();
            let mut id = 0;
            let mut data = None;
            for line in block.lines() {
                if let Some(v) = line.strip_prefix("id:") {
                    id = v.trim().parse().unwrap_or(0);
                }
                if let Some(v) = line.strip_prefix("data:") {
                    data = serde_json::from_str::<Value>(v.trim()).ok();
                }
            }
            if let Some(d) = data {
                out.push((id, d));
            }
        }
    }
    out
}

type Received = Arc<Mutex<Vec<(HeaderMap, Bytes)>>>;

/// A webhook receiver that answers 503 to the first `fail_first` requests, then 200.
async fn receiver(fail_first: usize) -> (String, Received) {
    let got: Received = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::new(Mutex::new(0usize));
    let g = got.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let g = g.clone();
            let seen = seen.clone();
            async move {
                let mut n = seen.lock().expect("lock");
                *n += 1;
                if *n <= fail_first {
                    return AxStatus::SERVICE_UNAVAILABLE;
                }
                g.lock().expect("lock").push((headers, body));
                AxStatus::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}/hook"), got)
}

/// A subject with a collar, a 2 km circle around a village centre in Lampung Timur and
/// enter/exit rules telling Polres Lampung Timur by the board and the webhook.
async fn set_up(s: &Server, hook: &str) -> (String, String) {
    let admin = s.token("admin.wk").await;
    let (st, w) = s
        .post(&admin, "/api/v1/webhooks", json!({"url": hook}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{w}");
    let secret = w["secret"].as_str().expect("secret").to_string();
    let k = s.token("koordinator.wk").await;
    let (st, subject) = s
        .post(
            &k,
            "/api/v1/subjects",
            json!({"name": "Kelompok Bunga", "species": "gajah_sumatera", "kind": "herd"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{subject}");
    let (st, d) = s
        .post(
            &k,
            "/api/v1/devices",
            json!({"serial": "KALUNG-07", "kind": "collar", "expected_interval_min": 30}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{d}");
    let (st, dep) = s
        .post(
            &k,
            "/api/v1/devices/KALUNG-07/deploy",
            json!({"subject": subject["id"], "start": ago(24 * 60)}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{dep}");
    let (st, fence) = s
        .post(
            &k,
            "/api/v1/fences",
            json!({"name": "Desa Braja Harjosari", "kind": "village",
            "shape": {"type": "Circle", "center": [105.78, -5.02], "radius_m": 2000}}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{fence}");
    let fence_id = fence["id"].as_str().expect("id").to_string();
    for trigger in ["enter", "exit"] {
        let (st, r) = s
            .post(&k, "/api/v1/rules", json!({"name": format!("Gajah {trigger} desa"), "fences": [fence_id],
                "subjects": {"species": "gajah_sumatera"}, "trigger": {"type": trigger}, "severity": "critical",
                "recipients": {"agencies": ["POLRES-LAMTIM"]}, "channels": ["webhook"]}))
            .await;
        assert_eq!(st, StatusCode::CREATED, "{r}");
    }
    (secret, fence_id)
}

fn fix(device: &str, minutes_ago: i64, lon: f64, lat: f64) -> Value {
    json!({"device": device, "recorded_at": ago(minutes_ago), "lon": lon, "lat": lat, "battery": 80})
}

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

/// A minimal SMTP server that accepts every message and keeps (recipient, data).
async fn smtp_receiver() -> (String, Arc<Mutex<Vec<(String, String)>>>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let got: Arc<Mutex<Vec<(String, String)>>> = Arc::new(Mutex::new(Vec::new()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let g = got.clone();
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            let g = g.clone();
            tokio::spawn(async move {
                let (r, mut w) = sock.into_split();
                let mut lines = BufReader::new(r).lines();
                let _ = w.write_all(b"220 sinergi-test ESMTP\r\n").await;
                let mut rcpt = String::new();
                while let Ok(Some(line)) = lines.next_line().await {
                    let upper = line.to_uppercase();
                    if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                        let _ = w.write_all(b"250-sinergi-test\r\n250 8BITMIME\r\n").await;
                    } else if upper.starts_with("RCPT TO:") {
                        rcpt = line[8..].trim().trim_matches(['<', '>']).to_string();
                        let _ = w.write_all(b"250 OK\r\n").await;
                    } else if upper.starts_with("DATA") {
                        let _ = w.write_all(b"354 go on\r\n").await;
                        let mut data = String::new();
                        while let Ok(Some(l)) = lines.next_line().await {
                            if l == "." {
                                break;
                            }
                            data.push_str(&l);
                            data.push('\n');
                        }
                        g.lock().expect("lock").push((rcpt.clone(), data));
                        let _ = w.write_all(b"250 queued\r\n").await;
                    } else if upper.starts_with("QUIT") {
                        let _ = w.write_all(b"221 bye\r\n").await;
                        break;
                    } else {
                        let _ = w.write_all(b"250 OK\r\n").await;
                    }
                }
            });
        }
    });
    (format!("smtp://{addr}"), got)
}

#[tokio::test]
async fn alerts_are_mailed_to_the_village_contacts() {
    let (smtp_url, mails) = smtp_receiver().await;
    let dir = Arc::new(tempfile::tempdir().expect("tempdir"));
    let s = start_with(
        dir,
        true,
        sinergi_app::warning::DeliveryConfig {
            sms: None,
            smtp: Some(sinergi_app::warning::Smtp {
                url: smtp_url,
                from: "Sinergi <peringatan@sinergi.test>".into(),
            }),
            allow_private_webhooks: true,
        },
    )
    .await;
    let (hook, _) = receiver(0).await;
    let (_, fence_id) = set_up(&s, &hook).await;
    let k = s.token("koordinator.wk").await;
    let (st, r) = s
        .post(
            &k,
            "/api/v1/rules",
            json!({"name": "Surel kepala desa", "fences": [fence_id], "trigger": {"type": "enter"},
                "recipients": {"contacts": [{"name": "Kepala Desa Braja Harjosari", "email": "kades@brajaharjosari.desa.id"}]},
                "channels": ["email"]}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{r}");
    let (_, r) = s
        .post(
            &k,
            "/api/v1/observations",
            json!([
                fix("KALUNG-07", 30, 105.83, -5.02),
                fix("KALUNG-07", 20, 105.781, -5.02)
            ]),
        )
        .await;
    assert_eq!(r["stored"], 2, "{r}");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while mails.lock().expect("lock").is_empty() && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let got = mails.lock().expect("lock").clone();
    assert_eq!(got.len(), 1, "one mail for the one entry");
    assert_eq!(got[0].0, "kades@brajaharjosari.desa.id");
    assert!(got[0].1.contains("Kelompok Bunga"), "{}", got[0].1);
    assert!(got[0].1.contains("Desa Braja Harjosari"), "{}", got[0].1);
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
    let quiet: Vec<Value> = (0..8)
        .map(|h| json!({"device": "KALUNG-12", "recorded_at": ago(7 * 60 - h * 60), "lon": 105.95 + 0.00002 * (h as f64), "lat": -4.95, "battery": 70}))
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

/// Sets up, as the given coordinator, one collared subject per serial, circle fences at the
/// given centres and enter/exit rules telling `recipient`; returns nothing the caller needs:
/// everything is addressed by name and serial.
async fn set_up_tracking(
    s: &Server,
    coordinator: &str,
    recipient: &str,
    serials: &[String],
    centres: &[(f64, f64)],
) {
    let k = s.token(coordinator).await;
    for serial in serials {
        let (st, subject) = s
            .post(
                &k,
                "/api/v1/subjects",
                json!({"name": format!("Gajah {serial}"), "species": "gajah_sumatera"}),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{subject}");
        let (st, d) = s
            .post(
                &k,
                "/api/v1/devices",
                json!({"serial": serial, "expected_interval_min": 60}),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{d}");
        let (st, dep) = s
            .post(
                &k,
                &format!("/api/v1/devices/{serial}/deploy"),
                json!({"subject": subject["id"], "start": ago(10 * 24 * 60)}),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{dep}");
    }
    let mut fences = Vec::new();
    for (i, (lon, lat)) in centres.iter().enumerate() {
        let (st, fence) = s
            .post(
                &k,
                "/api/v1/fences",
                json!({"name": format!("Desa {coordinator} {i}"), "kind": "village",
                    "shape": {"type": "Circle", "center": [lon, lat], "radius_m": 1000}}),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{fence}");
        fences.push(fence["id"].clone());
    }
    for trigger in ["enter", "exit"] {
        let (st, r) = s
            .post(
                &k,
                "/api/v1/rules",
                json!({"name": format!("{coordinator} {trigger}"), "fences": fences,
                "trigger": {"type": trigger}, "recipients": {"agencies": [recipient]}}),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{r}");
    }
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

fn statuses(r: &Value) -> Vec<String> {
    r["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|x| x["status"].as_str().unwrap_or("").to_string())
        .collect()
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

/// A receiver with `/hook` (200, recorded) and `/moved` (302 to `/hook`).
async fn redirecting_receiver() -> (u16, Received) {
    let got: Received = Arc::new(Mutex::new(Vec::new()));
    let g = got.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let app = axum::Router::new()
        .route(
            "/hook",
            axum::routing::post(move |headers: HeaderMap, body: Bytes| {
                let g = g.clone();
                async move {
                    g.lock().expect("lock").push((headers, body));
                    AxStatus::OK
                }
            }),
        )
        .route(
            "/moved",
            axum::routing::post(move || async move {
                (
                    AxStatus::FOUND,
                    [(
                        axum::http::header::LOCATION,
                        format!("http://127.0.0.1:{port}/hook"),
                    )],
                )
            }),
        );
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (port, got)
}

/// The deliveries of an alert once each has been attempted, with their webhook's URL.
async fn attempted(s: &Server, token: &str, alert: &str, n: usize) -> Vec<(String, Value)> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let (_, a) = s.get(token, &format!("/api/v1/alerts/{alert}")).await;
        let rows = a["deliveries"].as_array().cloned().unwrap_or_default();
        if rows.len() == n && rows.iter().all(|r| r["attempts"].as_i64() >= Some(1)) {
            let (_, hooks) = s.get(token, "/api/v1/webhooks").await;
            let hooks = hooks["webhooks"].as_array().cloned().unwrap_or_default();
            return rows
                .into_iter()
                .map(|r| {
                    let url = hooks
                        .iter()
                        .find(|h| h["id"] == r["target"])
                        .and_then(|h| h["url"].as_str())
                        .unwrap_or("")
                        .to_string();
                    (url, r)
                })
                .collect();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "deliveries not attempted: {a}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn webhooks_into_private_networks_are_refused_unless_allowed() {
    // By default an agency administrator cannot point a webhook into the server's network.
    let dir = Arc::new(tempfile::tempdir().expect("tempdir"));
    let s = start_with(dir, true, Default::default()).await;
    let admin = s.token("admin.wk").await;
    for url in [
        "http://127.0.0.1:8080/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "https://10.1.2.3/hook",
        "http://192.168.1.10/hook",
        "http://[fe80::1]/hook",
        "http://224.0.0.1/hook",
        "http://2130706433/hook",
        "http://localhost:9000/hook",
    ] {
        let (st, e) = s
            .post(&admin, "/api/v1/webhooks", json!({"url": url}))
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{url}: {e}");
        assert_eq!(e["errors"][0]["field"], "url", "{e}");
        assert!(
            e["errors"][0]["message"]
                .as_str()
                .unwrap_or("")
                .contains("private network"),
            "{e}"
        );
    }
    let (st, w) = s
        .post(
            &admin,
            "/api/v1/webhooks",
            json!({"url": "https://203.0.113.7/sinergi"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "a public address: {w}");
    drop(s);

    // A server allowing private targets delivers to this machine, with its User-Agent,
    // and does not follow a redirect.
    let (port, got) = redirecting_receiver().await;
    let dir = Arc::new(tempfile::tempdir().expect("tempdir"));
    let s = start(dir.clone(), true).await;
    set_up(&s, &format!("http://127.0.0.1:{port}/hook")).await;
    let admin = s.token("admin.wk").await;
    let (st, w) = s
        .post(
            &admin,
            "/api/v1/webhooks",
            json!({"url": format!("http://127.0.0.1:{port}/moved")}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{w}");
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
    let enter = r["results"][1]["alerts"][0]
        .as_str()
        .expect("the entry")
        .to_string();
    let rows = attempted(&s, &k, &enter, 2).await;
    for (url, row) in &rows {
        if url.ends_with("/moved") {
            assert_eq!(row["status"], "pending", "{row}");
            assert!(
                row["last_error"]
                    .as_str()
                    .unwrap_or("")
                    .contains("redirects are not followed"),
                "{row}"
            );
        } else {
            assert_eq!(row["status"], "sent", "{row}");
        }
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let received = got.lock().expect("lock").clone();
    assert_eq!(received.len(), 1, "the redirect was not followed");
    let agent = received[0]
        .0
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(agent.starts_with("Sinergi/"), "{agent}");
    drop(s);

    // The same database on a server that keeps webhooks out of private networks: nothing
    // reaches this machine, whether the URL holds the address or a name resolving to it
    // (as a name may, once its DNS changed after it was registered).
    let s = start_with(dir, false, Default::default()).await;
    let owner = s
        .app
        .store
        .agency_by_code("BTNWK")
        .await
        .expect("agency")
        .expect("BTNWK");
    let id = sinergi_core::warning::WebhookId::new_at(now(), [7; 10]);
    let by_name = sinergi_store::warning::Webhook {
        id,
        owner_agency_id: owner.id,
        url: format!("http://localhost:{port}/hook"),
        secret: "rahasia".into(),
        active: true,
        created_at: now(),
    };
    let entry = s.app.audit(
        None,
        sinergi_core::audit::Action::WarningSetup,
        "webhook",
        &id.to_string(),
        json!({}),
    );
    s.app
        .store
        .insert_webhook(&by_name, &entry)
        .await
        .expect("webhook");
    s.app.reload_warning().await.expect("reload");
    let k = s.token("koordinator.wk").await;
    let (_, r) = s
        .post(
            &k,
            "/api/v1/observations",
            json!([fix("KALUNG-07", 20, 105.85, -5.02)]),
        )
        .await;
    let exit = r["results"][0]["alerts"][0]
        .as_str()
        .expect("the exit")
        .to_string();
    let rows = attempted(&s, &k, &exit, 3).await;
    for (url, row) in &rows {
        let error = row["last_error"].as_str().unwrap_or("");
        assert_eq!(row["status"], "pending", "{url}: {row}");
        if url.contains("localhost") {
            assert!(error.contains("no public address"), "{url}: {error}");
        } else {
            assert!(error.contains("not a public address"), "{url}: {error}");
        }
    }
    assert_eq!(got.lock().expect("lock").len(), 1, "nothing more arrived");
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

/// The demo's Balai TN Way Kambas has an agency administrator, who registers a webhook.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_way_kambas_admin_registers_a_webhook() {
    let dir = Arc::new(tempfile::tempdir().expect("tempdir"));
    let s = start_with(dir, false, Default::default()).await;
    let summary = sinergi_app::demo::load(&s.app).await.expect("demo");
    assert!(
        summary.users.iter().any(|(u, role, agency)| u == "admin.wk"
            && role == "agency_admin"
            && agency == "BTNWK"),
        "{:?}",
        summary.users
    );
    let r = s
        .http
        .post(format!("{}/api/v1/auth/token", s.url))
        .json(&json!({"username": "admin.wk", "password": sinergi_app::demo::DEMO_PASSWORD}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    let admin = r.json::<Value>().await.expect("json")["token"]
        .as_str()
        .expect("token")
        .to_string();
    let (st, w) = s
        .post(
            &admin,
            "/api/v1/webhooks",
            json!({"url": "https://203.0.113.7/peringatan-gajah"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{w}");
    let (_, list) = s.get(&admin, "/api/v1/webhooks").await;
    let hooks = list["webhooks"].as_array().expect("webhooks");
    assert_eq!(hooks.len(), 1, "{list}");
    assert_eq!(hooks[0]["url"], "https://203.0.113.7/peringatan-gajah");
}

/// The kinds and statuses of the alerts of one area, oldest first.
async fn area_alerts(s: &Server, token: &str, fence: &str) -> Vec<(String, String)> {
    let (st, page) = s
        .get(token, &format!("/api/v1/alerts?area={fence}&limit=100"))
        .await;
    assert_eq!(st, StatusCode::OK, "{page}");
    let mut out: Vec<(String, String)> = page["alerts"]
        .as_array()
        .expect("alerts")
        .iter()
        .map(|a| {
            (
                a["kind"].as_str().unwrap_or("").to_string(),
                a["status"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    out.reverse();
    out
}

/// A saved area is edited over the API on the version it was read at: its shape, name,
/// kind and region change, the edit is audited, and the engine watches the new shape at
/// once while the alerts raised for the old one stay open. A name the agency already has
/// (case and spacing aside) is refused naming `name`, on create and on edit; a stale or
/// missing `If-Match` changes nothing.
#[tokio::test]
async fn a_saved_area_is_edited_on_its_version_and_the_engine_watches_the_new_shape() {
    let dir = Arc::new(tempfile::tempdir().expect("tempdir"));
    let s = start(dir, true).await;
    set_up_tracking(
        &s,
        "koordinator.wk",
        "POLRES-LAMTIM",
        &["WK-1".into()],
        &[(105.78, -5.02)],
    )
    .await;
    let k = s.token("koordinator.wk").await;
    let (_, list) = s.get(&k, "/api/v1/fences").await;
    let fence = list["features"][0].clone();
    let id = fence["id"].as_str().expect("id").to_string();
    let path = format!("/api/v1/fences/{id}");
    assert_eq!(fence["properties"]["version"], 1, "{fence}");

    // The same name again, in other case and spacing, is refused; another agency may
    // use it.
    let name = fence["properties"]["name"]
        .as_str()
        .expect("name")
        .to_string();
    let shouted = format!("  {}  ", name.to_uppercase().replace(' ', "   "));
    let circle = json!({"type": "Circle", "center": [105.6, -5.1], "radius_m": 500});
    let (st, e) = s
        .post(
            &k,
            "/api/v1/fences",
            json!({"name": shouted, "kind": "village", "shape": circle}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["errors"][0]["field"], "name", "{e}");
    let bnn = s.token("orang.bnn").await;
    let (st, other) = s
        .post(
            &bnn,
            "/api/v1/fences",
            json!({"name": name, "kind": "village", "shape": circle}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{other}");

    // Read with its version as the ETag.
    let r = s
        .http
        .get(format!("{}{path}", s.url))
        .bearer_auth(&k)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers().get("etag").and_then(|v| v.to_str().ok()),
        Some("\"1\"")
    );

    // The herd walks into the village: one enter alert, open.
    let (st, r) = s
        .post(
            &k,
            "/api/v1/observations",
            json!([
                fix("WK-1", 40, 105.70, -5.02),
                fix("WK-1", 30, 105.78, -5.02)
            ]),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    assert_eq!(
        area_alerts(&s, &k, &id).await,
        vec![("enter".to_string(), "open".to_string())]
    );

    // No If-Match, a stale one, a field officer, another agency: nothing changes.
    let moved = json!({"shape": {"type": "Circle", "center": [105.90, -5.02], "radius_m": 1000}});
    let (st, _, e) = s.patch(&k, &path, None, moved.clone()).await;
    assert_eq!(st.as_u16(), 428, "{e}");
    let (st, _, e) = s.patch(&k, &path, Some("\"7\""), moved.clone()).await;
    assert_eq!(st, StatusCode::PRECONDITION_FAILED, "{e}");
    let petugas = s.token("petugas.wk").await;
    let (st, _, _) = s.patch(&petugas, &path, Some("\"1\""), moved.clone()).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _, _) = s.patch(&bnn, &path, Some("\"1\""), moved.clone()).await;
    assert_eq!(
        st,
        StatusCode::NOT_FOUND,
        "another agency's area is not there"
    );
    let (st, _, e) = s
        .patch(&k, &path, Some("\"1\""), json!({"colour": "red"}))
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["errors"][0]["field"], "colour", "{e}");

    // The village moves east.
    let (st, etag, f) = s.patch(&k, &path, Some("\"1\""), moved).await;
    assert_eq!(st, StatusCode::OK, "{f}");
    assert_eq!(etag.as_deref(), Some("\"2\""));
    assert_eq!(f["properties"]["version"], 2);
    assert_eq!(f["properties"]["shape"]["center"], json!([105.9, -5.02]));
    // The alert raised for the old shape stays open.
    assert_eq!(
        area_alerts(&s, &k, &id).await,
        vec![("enter".to_string(), "open".to_string())]
    );
    // The engine knows the new shape at once: where the village was is outside now (no
    // exit is made up for the move), and walking into where it is raises an entry.
    let (st, r) = s
        .post(
            &k,
            "/api/v1/observations",
            json!([fix("WK-1", 20, 105.781, -5.02)]),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    assert_eq!(
        r["results"][0]["alerts"].as_array().map_or(0, Vec::len),
        0,
        "{r}"
    );
    let (st, r) = s
        .post(
            &k,
            "/api/v1/observations",
            json!([fix("WK-1", 10, 105.90, -5.02)]),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    assert_eq!(
        r["results"][0]["alerts"].as_array().map(Vec::len),
        Some(1),
        "{r}"
    );
    assert_eq!(
        area_alerts(&s, &k, &id).await,
        vec![
            ("enter".to_string(), "open".to_string()),
            ("enter".to_string(), "open".to_string())
        ]
    );

    // From a region found by name, with a new name and kind; the region is recorded.
    let village = s
        .app
        .gazetteer()
        .search("Labuhan Ratu IX", 1)
        .first()
        .map(|r| r.code.clone())
        .expect("the village is shipped");
    let (st, etag, f) = s
        .patch(
            &k,
            &path,
            Some("\"2\""),
            json!({"name": "Labuhan Ratu IX (1 km)", "kind": "village", "region": village, "radius_m": 1000}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{f}");
    assert_eq!(etag.as_deref(), Some("\"3\""));
    assert_eq!(f["properties"]["region_code"], json!(village));
    assert_eq!(f["properties"]["name"], "Labuhan Ratu IX (1 km)");
    // A radius alone says nothing about where.
    let (st, _, e) = s
        .patch(&k, &path, Some("\"3\""), json!({"radius_m": 500}))
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["errors"][0]["field"], "radius_m", "{e}");

    // A second area may not take the first one's name by an edit either.
    let (st, second) = s
        .post(
            &k,
            "/api/v1/fences",
            json!({"name": "Kebun PTPN", "kind": "plantation", "shape": circle}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{second}");
    let second_path = format!("/api/v1/fences/{}", second["id"].as_str().expect("id"));
    let (st, _, e) = s
        .patch(
            &k,
            &second_path,
            Some("\"1\""),
            json!({"name": "labuhan ratu ix  (1 KM)"}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["errors"][0]["field"], "name", "{e}");
    // Its own name in other letters is still its own.
    let (st, _, e) = s
        .patch(
            &k,
            &second_path,
            Some("\"1\""),
            json!({"name": "KEBUN PTPN"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{e}");

    // A line watched by a cross rule stays a line.
    let road = json!({"type": "LineString", "coordinates": [[105.6, -5.3], [105.7, -5.3]]});
    let (st, line) = s
        .post(
            &k,
            "/api/v1/fences",
            json!({"name": "Jalan lintas timur", "kind": "road", "shape": road}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{line}");
    let (st, rule) = s
        .post(
            &k,
            "/api/v1/rules",
            json!({"name": "Gajah menyeberang jalan", "fences": [line["id"]],
            "trigger": {"type": "cross"}, "recipients": {"agencies": ["BTNWK"]}}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{rule}");
    let (st, _, e) = s
        .patch(
            &k,
            &format!("/api/v1/fences/{}", line["id"].as_str().expect("id")),
            Some("\"1\""),
            json!({"kind": "other", "shape": circle}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["errors"][0]["field"], "shape", "{e}");

    // Each edit is in the trail, with what changed.
    let entries = s
        .app
        .store
        .audit_entries(&sinergi_store::AuditFilter {
            record_id: Some(id.clone()),
            ascending: true,
            limit: 100,
            ..Default::default()
        })
        .await
        .expect("audit");
    let changed: Vec<String> = entries
        .iter()
        .filter_map(|e| e.detail["changed"].as_str().map(str::to_string))
        .collect();
    assert_eq!(
        changed,
        vec![
            "shape,region_code".to_string(),
            "name,shape,region_code".to_string()
        ]
    );
}
