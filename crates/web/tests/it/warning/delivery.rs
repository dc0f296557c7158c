//! Delivery: e-mail to village contacts, webhooks refused into private networks unless
//! allowed, a webhook registered the demo way.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode as AxStatus};
use reqwest::StatusCode;
use serde_json::{json, Value};

use super::*;

#[tokio::test]
async fn alerts_are_mailed_to_the_village_contacts() {
    let (smtp_url, mails) = crate::harness::smtp_receiver().await;
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
