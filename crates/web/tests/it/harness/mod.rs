//! What every integration test module shares: an app on a fresh SQLite database in its own
//! folder, served on port 0 by the real router; the ways users sign in (an API token, the
//! sign-in form of a browser); the clients; and reading compressed bodies.

pub mod demo;
pub mod jambi;

use std::sync::Arc;

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use sinergi_app::{App, AppConfig, SystemClock};
use sinergi_core::agency::NewAgency;
use sinergi_core::time::Clock;

/// An app on a fresh SQLite database in `dir`, with the configuration changed first.
pub async fn app(dir: &std::path::Path, configure: impl FnOnce(&mut AppConfig)) -> Arc<App> {
    app_with_clock(dir, Arc::new(SystemClock), configure).await
}

/// [`app`] reading the time from `clock`.
pub async fn app_with_clock(
    dir: &std::path::Path,
    clock: Arc<dyn Clock>,
    configure: impl FnOnce(&mut AppConfig),
) -> Arc<App> {
    let url = format!("sqlite://{}", dir.join("t.db").display());
    let store = sinergi_store::open(&url).await.expect("store");
    let mut config = AppConfig::new(dir.to_path_buf());
    configure(&mut config);
    Arc::new(App::new(store, clock, config).await.expect("app"))
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

/// A client that follows no redirects, so a test sees each `Location` as a browser's
/// address bar would.
pub fn browser() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// Adds agencies `(code, kind, parent)`, each covering the province `region`.
pub async fn agencies(app: &App, region: &str, list: &[(&str, &str, Option<&str>)]) {
    for &(code, kind, parent) in list {
        let new =
            NewAgency::parse(code, code, kind, parent, &[region.to_string()]).expect("agency");
        app.create_agency(None, new).await.expect("create agency");
    }
}

/// Records an agreement in force between `parties` (agency codes) that shares nothing by
/// itself: a cooperation MoU, enough for joint patrols between them.
pub async fn cooperation_agreement(app: &App, number: &str, parties: &[&str]) {
    agreement_with_clauses(app, number, parties, |_| Vec::new()).await;
}

/// An active agreement between `from` and `to` whose one clause lets `from` share its
/// narcotics-arrest reports and the identities of the protected persons of `kinds` with `to`.
pub async fn person_sharing_agreement(
    app: &App,
    number: &str,
    from: &str,
    to: &str,
    kinds: &[sinergi_core::protect::PersonRole],
) -> sinergi_core::ids::AgreementId {
    agreement_with_clauses(app, number, &[from, to], |ids| {
        vec![sinergi_core::agreement::Clause {
            from: Some(ids[0]),
            to: vec![ids[1]],
            report_types: vec!["narcotics_arrest".into()],
            categories: vec![],
            max_sensitivity: sinergi_core::report::Sensitivity::Restricted,
            withheld_fields: vec![],
            precision: sinergi_core::sharing::Precision::Exact,
            include_subagencies: false,
            protected_persons: kinds.to_vec(),
        }]
    })
    .await
}

async fn agreement_with_clauses(
    app: &App,
    number: &str,
    parties: &[&str],
    clauses: impl FnOnce(&[sinergi_core::ids::AgencyId]) -> Vec<sinergi_core::agreement::Clause>,
) -> sinergi_core::ids::AgreementId {
    let mut ids = Vec::new();
    for code in parties {
        ids.push(
            app.store
                .agency_by_code(code)
                .await
                .expect("read")
                .expect("agency")
                .id,
        );
    }
    let now = app.now();
    let clauses = clauses(&ids);
    let a = sinergi_core::agreement::Agreement {
        id: sinergi_core::ids::AgreementId(uuid::Uuid::new_v4()),
        title: format!("Kerja sama {number}"),
        number: number.into(),
        legal_basis: String::new(),
        parties: ids.clone(),
        approvals: ids,
        valid_from: chrono::NaiveDate::from_ymd_opt(2020, 1, 1).expect("date"),
        valid_until: chrono::NaiveDate::from_ymd_opt(2099, 12, 31).expect("date"),
        status: sinergi_core::agreement::AgreementStatus::Active,
        clauses,
        documents: vec![],
        version: 1,
        created_by: app
            .store
            .users(None)
            .await
            .expect("users")
            .first()
            .expect("a user")
            .id,
        created_at: now,
        updated_at: now,
    };
    let entry = app.audit(
        None,
        sinergi_core::audit::Action::AgreementCreate,
        "agreement",
        &a.id.to_string(),
        json!({"number": number}),
    );
    app.store
        .insert_agreement(&a, &entry)
        .await
        .expect("agreement");
    a.id
}

/// Adds users `(name, agency, role)`, all with `password`.
pub async fn users(app: &App, password: &str, list: &[(&str, &str, &str)]) {
    for &(user, agency, role) in list {
        app.create_user(None, user, "", agency, role, password)
            .await
            .expect("create user");
    }
}

/// An API token for `user`, from `POST /api/v1/auth/token`.
pub async fn api_token(http: &Client, base: &str, user: &str, password: &str) -> String {
    let r = http
        .post(format!("{base}/api/v1/auth/token"))
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

/// Signs `user` in through the sign-in form as a browser does and answers the browser
/// session's token (the value of the `sinergi_session` cookie). `http` must not follow
/// redirects ([`browser`]).
pub async fn browser_sign_in(http: &Client, base: &str, user: &str, password: &str) -> String {
    let cookie_of = |r: &reqwest::Response, name: &str| -> Option<String> {
        r.headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{name}=")))
            .and_then(|v| v.split(';').next())
            .and_then(|kv| kv.split_once('='))
            .map(|(_, v)| v.to_string())
    };
    let form = http
        .get(format!("{base}/masuk"))
        .send()
        .await
        .expect("send");
    let login = cookie_of(&form, "sinergi_masuk").expect("sign-in form cookie");
    let html = form.text().await.expect("html");
    let csrf = between(&html, "name=\"_csrf\" value=\"", "\"")
        .expect("sign-in csrf")
        .to_string();
    let r = http
        .post(format!("{base}/masuk"))
        .header("cookie", format!("sinergi_masuk={login}"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("username", user),
            ("password", password),
        ])
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "sign-in of {user}");
    cookie_of(&r, "sinergi_session").expect("session cookie")
}

/// The text between `start` and the next `end`.
pub fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let i = s.find(start)? + start.len();
    let j = s[i..].find(end)? + i;
    Some(&s[i..j])
}

/// Reads a gzip-compressed body as a browser, GDAL or Python `requests` would.
pub async fn gunzip_text(r: reqwest::Response) -> String {
    String::from_utf8(gunzip_bytes(r).await).expect("UTF-8 text")
}

/// A gzip-compressed body's bytes, the whole stream decoded (a cut stream fails).
pub async fn gunzip_bytes(r: reqwest::Response) -> Vec<u8> {
    use std::io::Read as _;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()
            .get("content-encoding")
            .and_then(|v| v.to_str().ok()),
        Some("gzip")
    );
    let raw = r.bytes().await.expect("body");
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(&raw[..])
        .read_to_end(&mut out)
        .expect("a complete gzip stream");
    out
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
        api_token(&self.http, &self.url, user, password).await
    }
}

/// Adds the agency `code` (a narcotics agency for Jambi) with one user of `role`.
pub async fn agency_and_user(s: &Server, code: &str, user: &str, role: &str, password: &str) {
    agencies(&s.app, "15", &[(code, "narcotics_agency", None)]).await;
    users(&s.app, password, &[(user, code, role)]).await;
}

/// A minimal SMTP server that accepts every message and keeps (recipient, data).
pub async fn smtp_receiver() -> (
    String,
    std::sync::Arc<std::sync::Mutex<Vec<(String, String)>>>,
) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let got: std::sync::Arc<std::sync::Mutex<Vec<(String, String)>>> =
        std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
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
