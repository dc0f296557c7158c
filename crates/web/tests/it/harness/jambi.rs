//! The API tests' starting point: a server with agencies BNN → BNNP-JAMBI → BNNK-BATANGHARI
//! and POLDA-JAMBI and one user of each kind, with helpers to call the API as a partner
//! system would and to read its problem answers.

use std::sync::Arc;

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use sinergi_app::App;
use sinergi_core::totp::TotpSecret;

use crate::harness;

/// The wall clock in Unix seconds, for computing authenticator codes as a phone would.
#[allow(clippy::disallowed_methods)]
pub fn now_s() -> i64 {
    chrono::Utc::now().timestamp()
}

pub struct Server {
    pub url: String,
    pub app: Arc<App>,
    pub http: Client,
    pub _dir: tempfile::TempDir,
}

pub const PASSWORD: &str = "kata-sandi-uji-123";

/// Starts Sinergi with agencies BNN → BNNP-JAMBI → BNNK-BATANGHARI and POLDA-JAMBI, and
/// users: petugas (field officer, BNNK), koordinator (coordinator, BNNK), admin.bnnp
/// (agency admin, BNNP), analis (analyst, BNN), polisi (field officer, POLDA).
pub async fn spawn() -> Server {
    spawn_with(|_| {}).await
}

/// [`spawn`] with the app's configuration changed first (an SMTP server, say).
pub async fn spawn_with(configure: impl FnOnce(&mut sinergi_app::AppConfig)) -> Server {
    spawn_with_clock(std::sync::Arc::new(sinergi_app::SystemClock), configure).await
}

/// A clock standing at one instant, for tests whose answers depend on the date.
pub struct FixedClock(pub chrono::DateTime<chrono::Utc>);

impl sinergi_core::time::Clock for FixedClock {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.0
    }
}

/// [`spawn_with`] reading the time from `clock`.
pub async fn spawn_with_clock(
    clock: std::sync::Arc<dyn sinergi_core::time::Clock>,
    configure: impl FnOnce(&mut sinergi_app::AppConfig),
) -> Server {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = harness::app_with_clock(dir.path(), clock, configure).await;
    harness::agencies(
        &app,
        "15",
        &[
            ("BNN", "narcotics_agency", None),
            ("BNNP-JAMBI", "narcotics_agency", Some("BNN")),
            ("BNNK-BATANGHARI", "narcotics_agency", Some("BNNP-JAMBI")),
            ("POLDA-JAMBI", "police", None),
        ],
    )
    .await;
    harness::users(
        &app,
        PASSWORD,
        &[
            ("petugas", "BNNK-BATANGHARI", "field_officer"),
            ("koordinator", "BNNK-BATANGHARI", "coordinator"),
            ("admin.bnnp", "BNNP-JAMBI", "agency_admin"),
            ("analis", "BNN", "analyst"),
            ("polisi", "POLDA-JAMBI", "field_officer"),
        ],
    )
    .await;
    let (url, _) = harness::listen(app.clone()).await;
    Server {
        url,
        app,
        http: Client::new(),
        _dir: dir,
    }
}

impl Server {
    pub async fn token(&self, user: &str) -> String {
        harness::api_token(&self.http, &self.url, user, PASSWORD).await
    }

    /// Sets up a second factor for the token's user, as an authenticator app would;
    /// returns the secret.
    pub async fn enrol(&self, token: &str) -> TotpSecret {
        let r = self
            .post(token, "/api/v1/me/totp")
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), StatusCode::CREATED);
        let v: Value = r.json().await.expect("json");
        let secret = TotpSecret::parse_base32(v["secret"].as_str().expect("secret")).expect("b32");
        assert!(v["otpauth_uri"]
            .as_str()
            .expect("uri")
            .starts_with("otpauth://totp/Sinergi:"));
        let r = self
            .post(token, "/api/v1/me/totp/confirm")
            .json(&json!({"code": secret.code_at(now_s())}))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), StatusCode::OK);
        secret
    }

    pub fn get(&self, token: &str, path: &str) -> reqwest::RequestBuilder {
        self.http
            .get(format!("{}{path}", self.url))
            .bearer_auth(token)
    }

    pub fn put(&self, token: &str, path: &str) -> reqwest::RequestBuilder {
        self.http
            .put(format!("{}{path}", self.url))
            .bearer_auth(token)
    }

    pub fn post(&self, token: &str, path: &str) -> reqwest::RequestBuilder {
        self.http
            .post(format!("{}{path}", self.url))
            .bearer_auth(token)
    }
}

pub fn feature(title: &str, sensitivity: &str) -> Value {
    json!({"type": "Feature",
        "geometry": {"type": "Point", "coordinates": [103.2378, -1.7299]},
        "properties": {"type": "narcotics_arrest", "title": title, "occurred_at": "2025-05-27T08:30:00+07:00",
            "sensitivity": sensitivity, "attributes": {"substance": "methamphetamine", "weight_g": 12.5}}})
}

pub async fn problem(r: reqwest::Response, status: StatusCode) -> Value {
    assert_eq!(r.status(), status);
    assert_eq!(
        r.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/problem+json")
    );
    let v: Value = r.json().await.expect("problem json");
    assert!(v["code"].is_string() && v["request_id"].is_string(), "{v}");
    v
}

pub fn fields(p: &Value) -> Vec<String> {
    p["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e["field"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// The ids a list or export request returns.
pub async fn ids_in(s: &Server, token: &str, path: &str) -> Vec<String> {
    let r = s.get(token, path).send().await.expect("send");
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    let v: Value = r.json().await.expect("json");
    v["features"]
        .as_array()
        .expect("features")
        .iter()
        .filter_map(|f| f["id"].as_str().map(String::from))
        .collect()
}

/// Probes a record with every list filter the way someone hunting its hidden original
/// would: bisecting a box around the exact position 24 times, asking for the exact village,
/// searching withheld text. Every answer must follow the form the caller is shown (`shown`:
/// the delivered point and region code, `None` when the record is hidden), never the
/// stored one. Lists and exports alike.
pub async fn probe_filters(
    s: &Server,
    token: &str,
    id: &str,
    exact: (f64, f64),
    exact_region: &str,
    withheld_word: Option<&str>,
    shown: Option<((f64, f64), &str)>,
) {
    let inside =
        |b: [f64; 4], p: (f64, f64)| b[0] <= p.0 && p.0 <= b[2] && b[1] <= p.1 && p.1 <= b[3];
    let expect = |b: [f64; 4]| shown.is_some_and(|(p, _)| inside(b, p));
    let bbox = |b: [f64; 4]| format!("{},{},{},{}", b[0], b[1], b[2], b[3]);
    let mut b = [exact.0 - 0.5, exact.1 - 0.5, exact.0 + 0.5, exact.1 + 0.5];
    for step in 0..24 {
        let (lo, hi) = if step % 2 == 0 {
            let mid = (b[0] + b[2]) / 2.0;
            ([b[0], b[1], mid, b[3]], [mid, b[1], b[2], b[3]])
        } else {
            let mid = (b[1] + b[3]) / 2.0;
            ([b[0], b[1], b[2], mid], [b[0], mid, b[2], b[3]])
        };
        // Follow the half holding the exact position, as an attacker who had guessed right
        // would: the answers must still only reflect the shown position.
        let half = if inside(lo, exact) { lo } else { hi };
        let got = ids_in(s, token, &format!("/api/v1/reports?bbox={}", bbox(half))).await;
        assert_eq!(
            got.iter().any(|x| x == id),
            expect(half),
            "step {step}: bbox {} answered on the hidden position",
            bbox(half)
        );
        b = half;
    }
    let tiny = [
        exact.0 - 1e-5,
        exact.1 - 1e-5,
        exact.0 + 1e-5,
        exact.1 + 1e-5,
    ];
    for format in ["geojson", "csv"] {
        let body = s
            .get(
                token,
                &format!("/api/v1/reports/export?format={format}&bbox={}", bbox(tiny)),
            )
            .send()
            .await
            .expect("send")
            .text()
            .await
            .expect("text");
        assert_eq!(body.contains(id), expect(tiny), "{format} export: {body}");
    }
    // Region filters: every level of the stored code, matched against the shown code.
    let parts: Vec<&str> = exact_region.split('.').collect();
    for n in 1..=parts.len() {
        let prefix = parts[..n].join(".");
        let want = shown
            .is_some_and(|(_, code)| code == prefix || code.starts_with(&format!("{prefix}.")));
        let got = ids_in(s, token, &format!("/api/v1/reports?region={prefix}")).await;
        assert_eq!(got.iter().any(|x| x == id), want, "region={prefix}");
    }
    if let Some(word) = withheld_word {
        let got = ids_in(s, token, &format!("/api/v1/reports?q={word}")).await;
        assert!(!got.iter().any(|x| x == id), "q matched withheld text");
    }
}
