//! Early warning end to end, against a real server on port 0 with a fresh SQLite
//! database: fixes in over HTTP, Movebank and FIRMS CSV and MQTT; alerts out on the SSE
//! stream and a signed webhook received by a local receiver; the response workflow; and a
//! restart that neither loses nor repeats alerts.
//!
//! Tests are split by what they exercise; this module holds what they share.

mod alerts;
mod areas;
mod delivery;
mod ingest;
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

fn statuses(r: &Value) -> Vec<String> {
    r["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|x| x["status"].as_str().unwrap_or("").to_string())
        .collect()
}
