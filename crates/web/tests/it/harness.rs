//! What every integration test module shares: an app on a fresh SQLite database in its own
//! folder, served on port 0 by the real router.

use std::sync::Arc;

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use sinergi_app::{App, AppConfig, SystemClock};
use sinergi_core::agency::NewAgency;

/// An app on a fresh SQLite database in `dir`, with the configuration changed first.
pub async fn app(dir: &std::path::Path, configure: impl FnOnce(&mut AppConfig)) -> Arc<App> {
    let url = format!("sqlite://{}", dir.join("t.db").display());
    let store = sinergi_store::open(&url).await.expect("store");
    let mut config = AppConfig::new(dir.to_path_buf());
    configure(&mut config);
    Arc::new(
        App::new(store, Arc::new(SystemClock), config)
            .await
            .expect("app"),
    )
}

/// Serves `app` on a free port of 127.0.0.1 with the clients' addresses known, as
/// `sinergi serve` does; returns the base URL and the server task.
pub async fn listen(app: Arc<App>) -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let router = sinergi_web::router(sinergi_web::AppState {
        app,
        secure_cookies: false,
    });
    let task = tokio::spawn(async move {
        let _ = axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await;
    });
    (format!("http://{addr}"), task)
}

/// A server with an empty database.
pub struct Server {
    pub url: String,
    pub app: Arc<App>,
    pub http: Client,
    _dir: tempfile::TempDir,
}

/// Starts a server on an empty database with the configuration changed first.
pub async fn spawn(configure: impl FnOnce(&mut AppConfig)) -> Server {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = app(dir.path(), configure).await;
    let (url, _) = listen(app.clone()).await;
    Server {
        url,
        app,
        http: Client::new(),
        _dir: dir,
    }
}

impl Server {
    /// An API token for `user`.
    pub async fn token(&self, user: &str, password: &str) -> String {
        let r = self
            .http
            .post(format!("{}/api/v1/auth/token", self.url))
            .json(&json!({"username": user, "password": password}))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), StatusCode::OK);
        r.json::<Value>().await.expect("json")["token"]
            .as_str()
            .expect("token")
            .to_string()
    }
}

/// Adds the agency `code` (a narcotics agency for Jambi) with one user of `role`.
pub async fn agency_and_user(s: &Server, code: &str, user: &str, role: &str, password: &str) {
    let new = NewAgency::parse(code, code, "narcotics_agency", None, &["15".to_string()])
        .expect("agency");
    s.app.create_agency(None, new).await.expect("create agency");
    s.app
        .create_user(None, user, "", code, role, password)
        .await
        .expect("create user");
}
