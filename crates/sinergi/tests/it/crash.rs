//! Kill the server mid-ingest and start it again: every fix the server acknowledged is
//! stored, and the alerts are exactly those the engine raises for the whole track — none
//! lost, none twice — each reaching the webhook receiver (which de-duplicates by alert id,
//! as deliveries are at least once).

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};

const PASSWORD: &str = "kata-sandi-uji-123";

/// Starts `sinergi serve` on a free port and returns the process and its URL.
fn serve(dir: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sinergi"))
        .arg("--data-dir")
        .arg(dir)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env_remove("SINERGI_DATABASE_URL")
        .env_remove("SINERGI_MQTT_URL")
        // The webhook receiver listens on this machine.
        .env("SINERGI_WEBHOOK_ALLOW_PRIVATE", "true")
        .env("SINERGI_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start sinergi");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let url = loop {
        let line = lines.next().expect("server output").expect("line");
        if let Some(rest) = line.strip_prefix("Sinergi is listening on ") {
            break rest.trim().trim_end_matches('/').to_string();
        }
    };
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, url)
}

fn cli(dir: &std::path::Path, args: &[&str], stdin: Option<&str>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sinergi"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("SINERGI_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("run sinergi");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write");
    }
    drop(child.stdin.take());
    assert!(child.wait().expect("wait").success(), "sinergi {args:?}");
}

#[allow(clippy::disallowed_methods)]
fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

/// Twenty collars walking back and forth across a 1 km circle, one fix a minute each.
fn track() -> Vec<(String, chrono::DateTime<chrono::Utc>, f64, f64)> {
    let start = now() - chrono::Duration::hours(3);
    let mut out = Vec::new();
    for minute in 0..120i64 {
        for s in 0..20 {
            let phase = (minute + s * 7) as f64 / 9.0;
            let lon = 105.78 + 0.02 * phase.sin() + 0.0005 * s as f64;
            let lat = -5.02 + 0.003 * (phase * 0.7).cos();
            out.push((
                format!("CRASH-{s:02}"),
                start + chrono::Duration::minutes(minute) + chrono::Duration::seconds(s),
                lon,
                lat,
            ));
        }
    }
    out
}

/// What the engine alone raises for the track (enter and exit, hysteresis 0).
fn expected_events(fixes: &[(String, chrono::DateTime<chrono::Utc>, f64, f64)]) -> usize {
    use sinergi_geofence::{
        Engine, Fence, FenceId, FenceShape, Fix, Rule, RuleId, SubjectFilter, SubjectId, Trigger,
    };
    let mut e = Engine::new();
    e.add_fence(Fence {
        id: FenceId(uuid::Uuid::from_u128(1)),
        shape: FenceShape::Circle {
            lon: 105.78,
            lat: -5.02,
            radius_m: 1000.0,
        },
    })
    .expect("fence");
    for (n, t) in [Trigger::Enter, Trigger::Exit].into_iter().enumerate() {
        e.upsert_rule(Rule {
            id: RuleId(uuid::Uuid::from_u128(10 + n as u128)),
            fences: vec![],
            subjects: SubjectFilter::Any,
            trigger: t,
            hysteresis_m: 0.0,
            quiet_period_s: 0,
            active_hours: None,
        })
        .expect("rule");
    }
    let mut ordered: Vec<_> = fixes.to_vec();
    ordered.sort_by_key(|f| f.1);
    let mut out = Vec::new();
    for (serial, t, lon, lat) in ordered {
        let n: u128 = serial.trim_start_matches("CRASH-").parse().expect("n");
        e.evaluate(
            &Fix::track(
                SubjectId(uuid::Uuid::from_u128(100 + n)),
                t.timestamp_millis(),
                lon,
                lat,
            ),
            &mut out,
        );
    }
    out.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_server_loses_no_acknowledged_fix_and_repeats_no_alert() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path().to_path_buf();
    cli(
        &d,
        &[
            "agency",
            "add",
            "--code",
            "BTNWK",
            "--name",
            "Balai TN Way Kambas",
            "--kind",
            "park_authority",
            "--jurisdiction",
            "18.07",
        ],
        None,
    );
    cli(
        &d,
        &[
            "user",
            "add",
            "--username",
            "koordinator.wk",
            "--agency",
            "BTNWK",
            "--role",
            "coordinator",
            "--password-stdin",
        ],
        Some(&format!("{PASSWORD}\n")),
    );
    cli(
        &d,
        &[
            "user",
            "add",
            "--username",
            "admin.wk",
            "--agency",
            "BTNWK",
            "--role",
            "agency_admin",
            "--password-stdin",
        ],
        Some(&format!("{PASSWORD}\n")),
    );

    // The webhook receiver, outside the server.
    let got: Arc<Mutex<Vec<String>>> = Arc::new(Mutex::new(Vec::new()));
    let g = got.clone();
    let hook = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |body: axum::body::Bytes| {
            let g = g.clone();
            async move {
                let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                if let Some(id) = v["alert_id"].as_str() {
                    g.lock().expect("lock").push(id.to_string());
                }
                axum::http::StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let hook_url = format!("http://{}/hook", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, hook).await;
    });

    let (mut server, url) = serve(&d);
    let http = reqwest::Client::new();
    let token = |user: &'static str, url: String| {
        let http = http.clone();
        async move {
            let v: Value = http
                .post(format!("{url}/api/v1/auth/token"))
                .json(&json!({"username": user, "password": PASSWORD}))
                .send()
                .await
                .expect("send")
                .json()
                .await
                .expect("json");
            v["token"].as_str().expect("token").to_string()
        }
    };
    let post = |url: String, token: String, path: &'static str, body: Value| {
        let http = http.clone();
        async move {
            http.post(format!("{url}{path}"))
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
        }
    };
    let admin = token("admin.wk", url.clone()).await;
    let r = post(
        url.clone(),
        admin,
        "/api/v1/webhooks",
        json!({"url": hook_url}),
    )
    .await
    .expect("webhook");
    assert_eq!(r.status(), 201);
    let k = token("koordinator.wk", url.clone()).await;
    let start = (now() - chrono::Duration::days(1)).to_rfc3339();
    for s in 0..20 {
        let subj: Value = post(
            url.clone(),
            k.clone(),
            "/api/v1/subjects",
            json!({"name": format!("Gajah {s}"), "species": "gajah_sumatera"}),
        )
        .await
        .expect("subject")
        .json()
        .await
        .expect("json");
        post(
            url.clone(),
            k.clone(),
            "/api/v1/devices",
            json!({"serial": format!("CRASH-{s:02}")}),
        )
        .await
        .expect("device");
        let r = http
            .post(format!("{url}/api/v1/devices/CRASH-{s:02}/deploy"))
            .bearer_auth(&k)
            .json(&json!({"subject": subj["id"], "start": start}))
            .send()
            .await
            .expect("deploy");
        assert_eq!(r.status(), 201);
    }
    let fence: Value = post(url.clone(), k.clone(), "/api/v1/fences", json!({"name": "Desa", "kind": "village", "shape": {"type": "Circle", "center": [105.78, -5.02], "radius_m": 1000}}))
        .await
        .expect("fence")
        .json()
        .await
        .expect("json");
    for t in ["enter", "exit"] {
        let r = post(url.clone(), k.clone(), "/api/v1/rules", json!({"name": t, "fences": [fence["id"]], "trigger": {"type": t}, "recipients": {"agencies": ["BTNWK"]}, "channels": ["webhook"]}))
            .await
            .expect("rule");
        assert_eq!(r.status(), 201);
    }

    let fixes = track();
    let batches: Vec<Value> = fixes
        .chunks(100)
        .map(|c| Value::Array(c.iter().map(|(s, t, lon, lat)| json!({"device": s, "recorded_at": t.to_rfc3339(), "lon": lon, "lat": lat})).collect()))
        .collect();
    // Send batches until the server is killed under our feet.
    let mut acknowledged = Vec::new();
    let mut next = 0;
    while next < batches.len() {
        if next == batches.len() / 2 {
            // Kill the process while a batch is on its way.
            let send = post(
                url.clone(),
                k.clone(),
                "/api/v1/observations",
                batches[next].clone(),
            );
            let killer = async {
                tokio::time::sleep(Duration::from_millis(3)).await;
                server.kill().expect("kill");
            };
            let (r, _) = tokio::join!(send, killer);
            if matches!(&r, Ok(resp) if resp.status() == 200) {
                acknowledged.push(next);
            }
            break;
        }
        let r = post(
            url.clone(),
            k.clone(),
            "/api/v1/observations",
            batches[next].clone(),
        )
        .await
        .expect("send");
        assert_eq!(r.status(), 200);
        acknowledged.push(next);
        next += 1;
    }
    let _ = server.wait();

    // Start again on the same data.
    let (mut server, url) = serve(&d);
    let k = token("koordinator.wk", url.clone()).await;
    // Every acknowledged fix is there: sending those batches again stores nothing new.
    for i in &acknowledged {
        let v: Value = post(
            url.clone(),
            k.clone(),
            "/api/v1/observations",
            batches[*i].clone(),
        )
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
        assert_eq!(
            v["duplicates"], 100,
            "batch {i} was acknowledged, so it is stored: {v}"
        );
        assert_eq!(v["stored"], 0);
    }
    // The client retries what was not acknowledged, then goes on.
    for b in batches.iter().skip(acknowledged.len()) {
        let r = post(url.clone(), k.clone(), "/api/v1/observations", b.clone())
            .await
            .expect("send");
        assert_eq!(r.status(), 200);
    }
    let expected = expected_events(&fixes);
    assert!(
        expected > 50,
        "the track crosses the fence often: {expected}"
    );
    let alerts: Value = http
        .get(format!("{url}/api/v1/alerts?limit=1000"))
        .bearer_auth(&k)
        .send()
        .await
        .expect("alerts")
        .json()
        .await
        .expect("json");
    let stored: HashSet<String> = alerts["alerts"]
        .as_array()
        .expect("alerts")
        .iter()
        .filter_map(|a| a["id"].as_str().map(String::from))
        .collect();
    assert_eq!(
        stored.len(),
        expected,
        "exactly the alerts of the whole track"
    );
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let seen: HashSet<String> = got.lock().expect("lock").iter().cloned().collect();
        if seen == stored || tokio::time::Instant::now() > deadline {
            assert_eq!(seen, stored, "every alert reached the receiver");
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let _ = server.kill();
    let _ = server.wait();
}
