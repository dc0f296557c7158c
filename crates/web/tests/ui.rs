//! The web UI's pages as users of the demo data set meet them, against a real server on
//! port 0 with a fresh SQLite database and the demo loaded: links only where the target
//! opens, the alert board's order, open alerts on the home and notification pages,
//! coarsened locations shown as coarse, Indonesian pages without internal keys or English
//! messages, and the agreement page's links and renewal. Pages are read with a bearer
//! token (the UI accepts it like the session cookie); forms post the session's CSRF token
//! from the page's `csrf-token` meta element.

use std::sync::Arc;

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use sinergi_app::{App, AppConfig, SystemClock};

const PASSWORD: &str = "sinergi-demo-2025";

struct Server {
    url: String,
    app: Arc<App>,
    http: Client,
    _dir: tempfile::TempDir,
}

/// Starts Sinergi with the demo data set loaded, as `sinergi serve --demo` does.
async fn spawn() -> Server {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let store = sinergi_store::open(&url).await.expect("store");
    let app = Arc::new(
        App::new(
            store,
            Arc::new(SystemClock),
            AppConfig::new(dir.path().to_path_buf()),
        )
        .await
        .expect("app"),
    );
    sinergi_app::demo::load(&app).await.expect("demo");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let router = sinergi_web::router(sinergi_web::AppState {
        app: app.clone(),
        secure_cookies: false,
    });
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Server {
        url: format!("http://{addr}"),
        app,
        http: Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client"),
        _dir: dir,
    }
}

impl Server {
    async fn token(&self, user: &str) -> String {
        let r = self
            .http
            .post(format!("{}/api/v1/auth/token", self.url))
            .json(&json!({"username": user, "password": PASSWORD}))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), StatusCode::OK, "sign-in of {user}");
        r.json::<Value>().await.expect("json")["token"]
            .as_str()
            .expect("token")
            .to_string()
    }

    /// A page in Indonesian (the default) or, with `lang` "en", in English. Slashes the
    /// templates escaped in attribute values (`&#x2f;`) are read back as `/`, so links
    /// can be looked for as written.
    async fn page_in(&self, token: &str, path: &str, lang: &str) -> (StatusCode, String) {
        let r = self
            .http
            .get(format!("{}{path}", self.url))
            .bearer_auth(token)
            .header("cookie", format!("lang={lang}"))
            .send()
            .await
            .expect("send");
        let status = r.status();
        (status, r.text().await.expect("text").replace("&#x2f;", "/"))
    }

    async fn page(&self, token: &str, path: &str) -> (StatusCode, String) {
        self.page_in(token, path, "id").await
    }

    /// Posts a UI form with the session's CSRF token; answers the status and the
    /// `Location` of a redirect (or the page).
    async fn form(&self, token: &str, path: &str, pairs: &[(&str, &str)]) -> (StatusCode, String) {
        let (_, home) = self.page(token, "/").await;
        let csrf = between(&home, "name=\"csrf-token\" content=\"", "\"")
            .expect("csrf meta")
            .to_string();
        let mut body: Vec<(&str, &str)> = vec![("_csrf", csrf.as_str())];
        body.extend_from_slice(pairs);
        let r = self
            .http
            .post(format!("{}{path}", self.url))
            .bearer_auth(token)
            .form(&body)
            .send()
            .await
            .expect("send");
        let status = r.status();
        let location = r
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        match location {
            Some(l) => (status, l),
            None => (status, r.text().await.expect("text")),
        }
    }

    async fn api(&self, token: &str, path: &str) -> (StatusCode, Value) {
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
}

/// The text between `start` and the next `end`.
fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let i = s.find(start)? + start.len();
    let j = s[i..].find(end)? + i;
    Some(&s[i..j])
}

/// Every `(id)` of the elements `<… data-alert-id="id"` in page order, once each.
fn alert_ids(html: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in html.split("data-alert-id=\"").skip(1) {
        let id = part.split('"').next().unwrap_or("").to_string();
        if !id.is_empty() && !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

/// What a reader sees of a page: the text between tags and the attributes a browser
/// shows (titles, placeholders, labels), with scripts, JSON blocks and templates left out.
fn visible_text(html: &str) -> String {
    let mut s = html.to_string();
    for (open, close) in [("<script", "</script>"), ("<template", "</template>")] {
        while let Some(i) = s.find(open) {
            let Some(j) = s[i..].find(close) else { break };
            s.replace_range(i..i + j + close.len(), " ");
        }
    }
    let mut text = String::new();
    let mut attrs = String::new();
    let mut in_tag = false;
    let mut tag = String::new();
    for c in s.chars() {
        match (in_tag, c) {
            (false, '<') => {
                in_tag = true;
                tag.clear();
                text.push(' ');
            }
            (true, '>') => {
                in_tag = false;
                for name in [
                    "title=\"",
                    "placeholder=\"",
                    "aria-label=\"",
                    "alt=\"",
                    "data-konfirmasi=\"",
                ] {
                    if let Some(v) = between(&tag, name, "\"") {
                        attrs.push(' ');
                        attrs.push_str(v);
                    }
                }
            }
            (true, c) => tag.push(c),
            (false, c) => text.push(c),
        }
    }
    format!("{text} {attrs}")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Words of the form `lower_case_key` (two or more parts joined by `_`).
fn snake_keys(text: &str) -> Vec<String> {
    let mut out: Vec<String> = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| {
            w.contains('_')
                && !w.starts_with('_')
                && !w.ends_with('_')
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                && w.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        })
        .map(str::to_string)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The demo's village reporter of Labuhan Ratu IX receives the elephant alerts of Balai TN
/// Way Kambas's rules, including the one raised by Braja Yekti's sighting report, which is
/// Braja Yekti's own (internal) record. The alert page links the report only for those who
/// can open it; the reporter sees that the report exists without a link leading to a 404.
#[tokio::test]
async fn an_alert_links_its_source_report_only_for_readers_who_may_open_it() {
    let s = spawn().await;
    let village = s.token("pelapor.labuhanratu").await;
    let author = s.token("pelapor.brajayekti").await;
    let (_, alerts) = s.api(&village, "/api/v1/alerts?limit=100").await;
    let sighting = alerts["alerts"]
        .as_array()
        .expect("alerts")
        .iter()
        .find(|a| a["kind"] == "sighting_inside" && a["report_id"].is_string())
        .expect("the village sees the sighting alert")
        .clone();
    let id = sighting["id"].as_str().expect("id");
    let report = sighting["report_id"].as_str().expect("report id");

    // The village reporter may not open the report …
    let (status, _) = s.page(&village, &format!("/laporan/{report}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // … so the alert page names it without a link.
    let (status, page) = s.page(&village, &format!("/peringatan/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Laporan asal"), "the source is still named");
    assert!(
        !page.contains(&format!("href=\"/laporan/{report}\"")),
        "no link to a report the reader cannot open"
    );
    assert!(page.contains("id=\"laporan-asal-tertutup\""));

    // Its author opens it from the same alert (the author's agency is a recipient too).
    let (status, page) = s.page(&author, &format!("/peringatan/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&format!("href=\"/laporan/{report}\"")));
    let (status, _) = s.page(&author, &format!("/laporan/{report}")).await;
    assert_eq!(status, StatusCode::OK);
}

/// A referral's notification links its report while the referral lasts; once revoked, the
/// report is gone for the receiving agency and so is the link.
#[tokio::test]
async fn a_notification_links_its_report_only_while_it_can_be_opened() {
    let s = spawn().await;
    let coordinator = s.token("koordinator.wk").await;
    // Referrals are notified to the receiving agency's coordinators and administrators.
    let receiver = s.token("koordinator.tnks").await;
    // A report of Balai TN Way Kambas that Balai Besar TNKS cannot open.
    let (_, list) = s
        .api(&coordinator, "/api/v1/reports?agency=BTNWK&limit=100")
        .await;
    let mut hidden = None;
    for f in list["features"].as_array().expect("features") {
        let id = f["id"].as_str().expect("id");
        let (status, _) = s.api(&receiver, &format!("/api/v1/reports/{id}")).await;
        if status == StatusCode::NOT_FOUND {
            hidden = Some(id.to_string());
            break;
        }
    }
    let report = hidden.expect("a park report the other park cannot see");
    let until = (s.app.now() + chrono::Duration::days(3)).to_rfc3339();
    let r = s
        .http
        .post(format!("{}/api/v1/reports/{report}/referrals", s.url))
        .bearer_auth(&coordinator)
        .json(&json!({"to": "BBTNKS", "reason": "Pemeriksaan bersama", "until": until}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);
    let referral: Value = r.json().await.expect("json");
    let link = format!("href=\"/laporan/{report}\"");
    let (_, page) = s.page(&receiver, "/notifikasi").await;
    assert!(page.contains("merujuk laporan"), "the referral is notified");
    assert!(page.contains(&link), "linked while the referral lasts");

    let rid = referral["id"].as_str().expect("referral id");
    let r = s
        .http
        .delete(format!("{}/api/v1/reports/{report}/referrals/{rid}", s.url))
        .bearer_auth(&coordinator)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (_, page) = s.page(&receiver, "/notifikasi").await;
    assert!(page.contains("merujuk laporan"), "the notification stays");
    assert!(!page.contains(&link), "no link to a report that is gone");
}

/// The board says it lists the most severe alerts first, then the newest, and does so:
/// the device-health notices the health check raises after the demo's night (a silent
/// collar, a low battery) do not push the critical elephant alerts down.
#[tokio::test]
async fn the_board_lists_the_most_severe_alerts_first_then_the_newest() {
    let s = spawn().await;
    let health = s.app.check_device_health().await.expect("health check");
    assert!(!health.is_empty(), "the demo's silent collar raises alerts");
    let coordinator = s.token("koordinator.wk").await;
    let (_, listed) = s.api(&coordinator, "/api/v1/alerts?limit=100").await;
    let by_id: std::collections::HashMap<String, Value> = listed["alerts"]
        .as_array()
        .expect("alerts")
        .iter()
        .map(|a| (a["id"].as_str().expect("id").to_string(), a.clone()))
        .collect();
    let (status, page) = s.page(&coordinator, "/peringatan").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("yang paling genting di atas"),
        "the page says its order"
    );
    let board = between(&page, "id=\"daftar-peringatan\"", "</ol>").expect("board");
    let shown = alert_ids(board);
    assert!(shown.len() >= 6, "{shown:?}");
    let rank = |a: &Value| match a["severity"].as_str() {
        Some("critical") => 3,
        Some("warning") => 2,
        _ => 1,
    };
    let cards: Vec<&Value> = shown.iter().map(|id| &by_id[id]).collect();
    assert_eq!(cards[0]["severity"], "critical", "{cards:?}");
    for pair in cards.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let (ra, rb) = (rank(a), rank(b));
        assert!(ra >= rb, "severity order: {a} before {b}");
        if ra == rb {
            let ta =
                chrono::DateTime::parse_from_rfc3339(a["at"].as_str().expect("at")).expect("t");
            let tb =
                chrono::DateTime::parse_from_rfc3339(b["at"].as_str().expect("at")).expect("t");
            assert!(ta >= tb, "newest first within a severity: {a} before {b}");
        }
    }
    // The health notices are there, below every critical alert.
    let first_health = cards
        .iter()
        .position(|a| a["kind"] == "device_silent" || a["kind"] == "battery_low")
        .expect("health notices on the board");
    let last_critical = cards
        .iter()
        .rposition(|a| a["severity"] == "critical")
        .expect("critical alerts");
    assert!(last_critical < first_health);
}

/// A villager's home page and notification list show the alerts still open for their
/// village, most severe first, each linking to the alert; someone whom no alert concerns
/// sees no such section.
#[tokio::test]
async fn open_alerts_show_on_the_home_and_notification_pages() {
    let s = spawn().await;
    let village = s.token("pelapor.labuhanratu").await;
    let (_, listed) = s
        .api(&village, "/api/v1/alerts?status=open&limit=100")
        .await;
    let open: Vec<Value> = listed["alerts"].as_array().expect("alerts").clone();
    let critical = open
        .iter()
        .find(|a| a["severity"] == "critical")
        .expect("a critical alert is open for the village");
    let critical_id = critical["id"].as_str().expect("id");
    for path in ["/", "/notifikasi"] {
        let (status, page) = s.page(&village, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let section = between(&page, "id=\"peringatan-aktif\"", "</section>")
            .unwrap_or_else(|| panic!("{path} lists the open alerts"));
        assert!(section.contains("Peringatan aktif"), "{path}");
        assert!(
            section.contains(&format!("href=\"/peringatan/{critical_id}\"")),
            "{path} links the critical alert"
        );
        let first = alert_ids(section).into_iter().next().expect("an alert");
        let first = open
            .iter()
            .find(|a| a["id"] == first.as_str())
            .expect("listed");
        assert_eq!(first["severity"], "critical", "{path}: most severe first");
        assert!(
            section.contains("href=\"/peringatan\""),
            "{path} links the board"
        );
        assert!(section.contains("WIB"), "{path}: times in the place's zone");
    }
    let (_, english) = s.page_in(&village, "/", "en").await;
    assert!(english.contains("Active alerts"));

    let elsewhere = s.token("lurah.kbs").await;
    for path in ["/", "/notifikasi"] {
        let (_, page) = s.page(&elsewhere, path).await;
        assert!(!page.contains("id=\"peringatan-aktif\""), "{path}");
    }
}
