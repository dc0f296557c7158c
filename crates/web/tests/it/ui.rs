//! The web UI's pages as users of the demo data set meet them, against a real server on
//! port 0 with a fresh SQLite database and the demo loaded: links only where the target
//! opens, the alert board's order, open alerts on the home and notification pages,
//! coarsened locations shown as coarse, Indonesian pages without internal keys or English
//! messages, and the agreement page's links and renewal. Users sign in through the
//! sign-in form as a browser does, and pages are read with the session cookie (pages take
//! no API tokens); forms post the session's CSRF token from the page's `csrf-token` meta
//! element.

use std::sync::Arc;

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use sinergi_app::{App, AppConfig};

use crate::harness::{self, between};

const PASSWORD: &str = "sinergi-demo-2025";

struct Server {
    url: String,
    app: Arc<App>,
    http: Client,
    _dir: tempfile::TempDir,
}

/// Starts Sinergi with the demo data set loaded, as `sinergi serve --demo` does.
async fn spawn() -> Server {
    spawn_with(|_| {}).await
}

/// [`spawn`] with the configuration changed first.
async fn spawn_with(configure: impl FnOnce(&mut AppConfig)) -> Server {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = harness::app(dir.path(), configure).await;
    sinergi_app::demo::load(&app).await.expect("demo");
    let (url, _) = harness::listen(app.clone()).await;
    Server {
        url,
        app,
        http: harness::browser(),
        _dir: dir,
    }
}

impl Server {
    /// Signs `user` in through the sign-in form and answers the browser session's token
    /// (the value of the `sinergi_session` cookie).
    async fn token(&self, user: &str) -> String {
        harness::browser_sign_in(&self.http, &self.url, user, PASSWORD).await
    }

    /// A page in Indonesian (the default) or, with `lang` "en", in English. Slashes the
    /// templates escaped in attribute values (`&#x2f;`) are read back as `/`, so links
    /// can be looked for as written.
    async fn page_in(&self, token: &str, path: &str, lang: &str) -> (StatusCode, String) {
        let r = self
            .http
            .get(format!("{}{path}", self.url))
            .header("cookie", format!("sinergi_session={token}; lang={lang}"))
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
            .header("cookie", format!("sinergi_session={token}"))
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
    assert!(
        page.contains("yang paling genting di atas"),
        "the page says its order"
    );
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

/// The first report the user's list delivers at `precision` (1000, 10000 or "region").
async fn report_at_precision(s: &Server, token: &str, precision: Value) -> Value {
    let (_, list) = s.api(token, "/api/v1/reports?limit=1000").await;
    list["features"]
        .as_array()
        .expect("features")
        .iter()
        .find(|f| f["properties"]["access"]["precision"] == precision)
        .unwrap_or_else(|| panic!("a report delivered at {precision}"))
        .clone()
}

/// The `<dd>` after the `<dt>` naming `label`.
fn fact<'a>(page: &'a str, label: &str) -> &'a str {
    between(page, &format!("<dt>{label}</dt><dd>"), "</dd>").unwrap_or_else(|| panic!("{label}"))
}

/// The fences of the user's agency as the API lists them: (id, name, version).
async fn fences_of(s: &Server, token: &str) -> Vec<(String, String, i64)> {
    let (_, list) = s.api(token, "/api/v1/fences").await;
    list["features"]
        .as_array()
        .expect("features")
        .iter()
        .map(|f| {
            (
                f["id"].as_str().unwrap_or("").to_string(),
                f["properties"]["name"].as_str().unwrap_or("").to_string(),
                f["properties"]["version"].as_i64().unwrap_or(0),
            )
        })
        .collect()
}

/// The area editor works without JavaScript: a region is found by its name in the form's
/// search step, which lists the matches with their level and the regions they lie in to
/// pick from (saving nothing), and a saved area is edited on the version it was opened on:
/// its name, kind and shape (from a region, or pasted GeoJSON). A name the agency already
/// has is refused beside the name field, on adding and on editing, in Indonesian; someone
/// else's edit in between is not overwritten.
#[tokio::test]
async fn areas_are_found_by_region_name_and_edited_without_javascript() {
    let s = spawn().await;
    let wk = s.token("koordinator.wk").await;
    let before = fences_of(&s, &wk).await;
    let (status, page) = s.page(&wk, "/peringatan/area").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Cari wilayah (nama atau kode)"),
        "a search box"
    );
    for (id, _, _) in &before {
        assert!(
            page.contains(&format!("href=\"/peringatan/area/{id}/ubah\"")),
            "an edit link for {id}"
        );
    }

    // The search step lists the matches and saves nothing.
    let (status, page) = s
        .form(
            &wk,
            "/peringatan/area",
            &[
                ("nama", "Desa uji"),
                ("jenis", "village"),
                ("cara", "wilayah"),
                ("cari_wilayah", "labuhan ratu ix"),
                ("radius", "1000"),
                ("langkah", "cari"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let page = page.replace("&#x2f;", "/");
    let matches = between(&page, "id=\"hasil-cari-server\"", "</fieldset>").expect("matches");
    assert!(
        matches
            .contains("Labuhan Ratu IX — desa/kelurahan, Labuhan Ratu, Kabupaten Lampung Timur ("),
        "level and the regions it lies in: {matches}"
    );
    let code = between(matches, "name=\"wilayah\" value=\"", "\"")
        .expect("a match to pick")
        .to_string();
    assert!(
        page.contains("value=\"Desa uji\""),
        "what was typed is kept"
    );
    assert_indonesian("/peringatan/area (search)", &page);
    assert_eq!(
        fences_of(&s, &wk).await.len(),
        before.len(),
        "nothing saved"
    );

    // Saving with a name still in the search box searches first.
    let (status, page) = s
        .form(
            &wk,
            "/peringatan/area",
            &[
                ("nama", "Desa uji"),
                ("jenis", "village"),
                ("cara", "wilayah"),
                ("cari_wilayah", "Braja"),
            ],
        )
        .await;
    assert_eq!(status.as_u16(), 422);
    assert!(page.contains("pilih salah satu wilayah dari hasil pencarian"));
    assert!(page.contains("id=\"hasil-cari-server\""));
    let (status, page) = s
        .form(
            &wk,
            "/peringatan/area",
            &[
                ("nama", "Desa uji"),
                ("cara", "wilayah"),
                ("cari_wilayah", "Zzqxw"),
                ("langkah", "cari"),
            ],
        )
        .await;
    assert_eq!(status.as_u16(), 422);
    assert!(page.contains("tidak ada wilayah yang cocok dengan “Zzqxw”"));

    // The picked region is saved.
    let (status, location) = s
        .form(
            &wk,
            "/peringatan/area",
            &[
                ("nama", "Desa uji"),
                ("jenis", "village"),
                ("cara", "wilayah"),
                ("wilayah", &code),
                ("cari_wilayah", ""),
                ("radius", "1000"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    assert_eq!(location, "/peringatan/area?pesan=area");
    let after = fences_of(&s, &wk).await;
    let (id, _, version) = after
        .iter()
        .find(|(_, n, _)| n == "Desa uji")
        .cloned()
        .expect("saved");
    assert_eq!(version, 1);
    let (_, stored) = s.api(&wk, &format!("/api/v1/fences/{id}")).await;
    assert_eq!(stored["properties"]["region_code"], json!(code));

    // The same name again, in other case and spacing: refused beside the name.
    let (status, page) = s
        .form(
            &wk,
            "/peringatan/area",
            &[
                ("nama", "  DESA   uji "),
                ("jenis", "village"),
                ("cara", "wilayah"),
                ("wilayah", &code),
                ("radius", "500"),
            ],
        )
        .await;
    assert_eq!(status.as_u16(), 422);
    let name_field = between(&page, "for=\"a-nama\"", "</div>").expect("name field");
    assert!(
        name_field.contains("area lain milik instansi ini sudah memakai nama ini"),
        "{name_field}"
    );
    assert_indonesian("/peringatan/area (duplicate)", &page);

    // The edit page: filled in, with the version it was opened on.
    let edit = format!("/peringatan/area/{id}/ubah");
    let (status, page) = s.page(&wk, &edit).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("value=\"Desa uji\""));
    assert!(page.contains("name=\"versi\" value=\"1\""));
    assert!(page.contains("name=\"radius\" value=\"1000\""));
    assert!(
        page.contains("Wilayah terpilih: <strong>Labuhan Ratu IX"),
        "the region it came from"
    );
    assert_indonesian(&edit, &page);
    let (_, english) = s.page_in(&wk, &edit, "en").await;
    assert!(english.contains("Edit area"));
    assert!(english.contains("Keep the current shape"));

    // A wider circle, a new name: saved, version 2.
    let (status, location) = s
        .form(
            &wk,
            &edit,
            &[
                ("versi", "1"),
                ("nama", "Desa uji (2 km)"),
                ("jenis", "village"),
                ("cara", "wilayah"),
                ("wilayah", &code),
                ("radius", "2000"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    assert_eq!(location, "/peringatan/area?pesan=diubah");
    let (_, stored) = s.api(&wk, &format!("/api/v1/fences/{id}")).await;
    assert_eq!(stored["properties"]["name"], "Desa uji (2 km)");
    assert_eq!(stored["properties"]["shape"]["radius_m"], 2000.0);
    assert_eq!(stored["properties"]["version"], 2);

    // Saving the form opened at version 1 again does not overwrite that.
    let (status, page) = s
        .form(
            &wk,
            &edit,
            &[
                ("versi", "1"),
                ("nama", "Desa uji lama"),
                ("jenis", "village"),
                ("cara", "tetap"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(page.contains("telah diubah orang lain"));
    assert!(
        page.contains("value=\"Desa uji lama\""),
        "what was typed is kept"
    );
    assert!(
        page.contains("name=\"versi\" value=\"2\""),
        "to be saved again on purpose"
    );

    // Another area's name is refused on editing too.
    let (_, taken, _) = before.first().cloned().expect("the demo's areas");
    let (status, page) = s
        .form(
            &wk,
            &edit,
            &[
                ("versi", "2"),
                ("nama", &taken.to_lowercase()),
                ("jenis", "village"),
                ("cara", "tetap"),
            ],
        )
        .await;
    assert_eq!(status.as_u16(), 422);
    assert!(page.contains("area lain milik instansi ini sudah memakai nama ini"));

    // Replaced by pasted GeoJSON, kind and all.
    let square = json!({"type": "Polygon", "coordinates": [[[105.80, -5.00], [105.82, -5.00], [105.82, -5.02], [105.80, -5.02], [105.80, -5.00]]]});
    let (status, location) = s
        .form(
            &wk,
            &edit,
            &[
                ("versi", "2"),
                ("nama", "Kebun uji"),
                ("jenis", "plantation"),
                ("cara", "geojson"),
                ("bentuk", &square.to_string()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    let (_, stored) = s.api(&wk, &format!("/api/v1/fences/{id}")).await;
    assert_eq!(stored["properties"]["shape"]["type"], "Polygon");
    assert_eq!(stored["properties"]["kind"], "plantation");
    assert_eq!(stored["properties"]["version"], 3);
    // The drawing tool gets the polygon's points to modify.
    let (_, page) = s.page(&wk, &edit).await;
    let drawn = between(&page, "id=\"bentuk-peta\" hidden>", "</textarea>").expect("drawing");
    assert!(drawn.contains("105.82"), "{drawn}");

    // Another agency's area has no edit page.
    let tnks = s.token("admin.tnks").await;
    let (status, _) = s.page(&tnks, &edit).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The regions API names where a match lies, nearest first.
    let (_, found) = s
        .api(&wk, "/api/v1/regions?q=Labuhan%20Ratu%20IX&limit=1")
        .await;
    let parents: Vec<&str> = found["regions"][0]["parents"]
        .as_array()
        .expect("parents")
        .iter()
        .filter_map(|p| p["level"].as_str())
        .collect();
    assert_eq!(parents, vec!["district", "regency", "province"]);
}

/// Whether `text` holds a number with at least `n` decimals (as in "101.43204").
fn has_decimals(text: &str, n: usize) -> bool {
    text.split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter_map(|w| w.split_once('.'))
        .any(|(a, b)| !a.is_empty() && b.len() >= n)
}

/// A location shared at 10 km shows its cell's centre with one decimal and "± 10 km",
/// and the map draws the cell; one shared only by region shows the region's centre by
/// name and an area round it. Neither looks like a precise point.
#[tokio::test]
async fn coarsened_locations_show_their_precision_and_an_area_not_a_pin() {
    let s = spawn().await;
    let police = s.token("penyidik.polres.kerinci").await;
    let f = report_at_precision(&s, &police, json!(10000)).await;
    let id = f["id"].as_str().expect("id");
    let (status, page) = s.page(&police, &format!("/laporan/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let place = fact(&page, "Lokasi");
    assert!(place.contains("(± 10 km)"), "{place}");
    assert!(
        !has_decimals(place, 2),
        "no more digits than 10 km justify: {place}"
    );
    let lon = f["geometry"]["coordinates"][0].as_f64().expect("lon");
    let lat = f["geometry"]["coordinates"][1].as_f64().expect("lat");
    assert!(place.starts_with(&format!("{lat:.1}, {lon:.1}")), "{place}");
    assert!(page.contains("id=\"lokasi-kasar\""), "the map is explained");
    let map: Value =
        serde_json::from_str(between(&page, "id=\"geometri\">", "</script>").expect("map data"))
            .expect("json");
    assert_eq!(map["properties"]["coarse"], "grid");
    assert_eq!(map["geometry"]["type"], "Polygon", "the cell, not a point");
    let ring = map["geometry"]["coordinates"][0].as_array().expect("ring");
    let lats: Vec<f64> = ring.iter().map(|p| p[1].as_f64().expect("lat")).collect();
    let height = lats.iter().cloned().fold(f64::MIN, f64::max)
        - lats.iter().cloned().fold(f64::MAX, f64::min);
    assert!(
        (height * 111_320.0 - 10_000.0).abs() < 1.0,
        "a 10 km cell: {height}"
    );

    let task_force = s.token("reskrim.polres.kapuashulu").await;
    let f = report_at_precision(&s, &task_force, json!("region")).await;
    let id = f["id"].as_str().expect("id");
    let (_, page) = s.page(&task_force, &format!("/laporan/{id}")).await;
    let place = fact(&page, "Lokasi");
    assert!(place.contains("Pusat wilayah"), "{place}");
    assert!(!has_decimals(place, 1), "no coordinates at all: {place}");
    let map: Value =
        serde_json::from_str(between(&page, "id=\"geometri\">", "</script>").expect("map data"))
            .expect("json");
    assert_eq!(map["properties"]["coarse"], "region");
    assert_eq!(map["geometry"]["type"], "Polygon");
    let (_, english) = s
        .page_in(&task_force, &format!("/laporan/{id}"), "en")
        .await;
    assert!(fact(&english, "Location").contains("Centre of"));

    // The owner sees its own report exactly, as before.
    let owner = s.token("ranger.tnks").await;
    let (_, list) = s.api(&owner, "/api/v1/reports?agency=BBTNKS&limit=1").await;
    let own = list["features"][0]["id"].as_str().expect("own report");
    let (_, page) = s.page(&owner, &format!("/laporan/{own}")).await;
    let place = fact(&page, "Lokasi");
    assert!(!place.contains('±') && has_decimals(place, 5), "{place}");
}

/// What must not reach an Indonesian page: internal keys and the English of lower layers.
const NOT_INDONESIAN: &[&str] = &[
    "suspect_names",
    "victim_names",
    "recruiter_names",
    "forestry_crime",
    "wildlife_crime",
    "sign_in",
    "warning_setup",
    "expected value",
    "line 1 column",
    "too common",
    "choose another",
    "must be",
];

/// Asserts that the visible text of a page holds no internal key and none of the English
/// above.
fn assert_indonesian(path: &str, html: &str) {
    let text = visible_text(html);
    let keys = snake_keys(&text);
    assert!(keys.is_empty(), "{path} shows internal keys {keys:?}");
    for bad in NOT_INDONESIAN {
        assert!(!text.contains(bad), "{path} shows {bad:?}");
    }
}

/// The agreement ids on the user's agreement list.
async fn agreement_ids(s: &Server, token: &str) -> Vec<String> {
    let (_, page) = s.page(token, "/perjanjian").await;
    let mut ids: Vec<String> = Vec::new();
    for part in page.split("href=\"/perjanjian/").skip(1) {
        let id: String = part.chars().take_while(|c| *c != '"').collect();
        if id.len() == 36 && !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

/// Indonesian pages speak Indonesian: agreements (their summary, clauses and form),
/// shared reports, the audit trail, and the refusals of the user and area forms show
/// labels and Indonesian sentences, never field, category or action keys or the English
/// of the domain and of the JSON parser.
#[tokio::test]
async fn indonesian_pages_show_no_internal_keys_or_english_messages() {
    let s = spawn().await;
    let mut seen_agreements = 0;
    for user in ["admin.tnks", "satgas.kapuashulu", "admin.bnnp.jambi"] {
        let t = s.token(user).await;
        for id in agreement_ids(&s, &t).await {
            let path = format!("/perjanjian/{id}");
            let (status, page) = s.page(&t, &path).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert_indonesian(&path, &page);
            seen_agreements += 1;
        }
        let (_, form) = s.page(&t, "/perjanjian/baru").await;
        assert_indonesian("/perjanjian/baru", &form);
    }
    assert!(seen_agreements >= 3, "the demo's agreements were read");
    // The park's memorandum names the withheld field and the categories in words.
    let tnks = s.token("admin.tnks").await;
    let ids = agreement_ids(&s, &tnks).await;
    let (_, page) = s.page(&tnks, &format!("/perjanjian/{}", ids[0])).await;
    let flows = between(&page, "id=\"ringkasan-alir\"", "</ul>").expect("summary");
    assert!(flows.contains("kategori Kejahatan kehutanan"), "{flows}");
    assert!(flows.contains("tanpa Nama terduga pelaku"), "{flows}");
    let (_, english) = s
        .page_in(&tnks, &format!("/perjanjian/{}", ids[0]), "en")
        .await;
    let flows = between(&english, "id=\"ringkasan-alir\"", "</ul>").expect("summary");
    assert!(flows.contains("without Suspect names"), "{flows}");
    assert!(!flows.contains("suspect_names"), "{flows}");

    // Reports shared under those agreements, with fields withheld.
    for user in ["penyidik.polda.jambi", "reskrim.polres.kapuashulu"] {
        let t = s.token(user).await;
        let (_, list) = s.api(&t, "/api/v1/reports?limit=1000").await;
        let shared: Vec<&Value> = list["features"]
            .as_array()
            .expect("features")
            .iter()
            .filter(|f| {
                f["properties"]["access"]["withheld"]
                    .as_array()
                    .is_some_and(|w| !w.is_empty())
            })
            .take(5)
            .collect();
        assert!(!shared.is_empty(), "{user} gets shared reports");
        for f in shared {
            let path = format!("/laporan/{}", f["id"].as_str().expect("id"));
            let (status, page) = s.page(&t, &path).await;
            assert_eq!(status, StatusCode::OK);
            assert!(page.contains("kolom disembunyikan: Nama"), "{path}");
            assert_indonesian(&path, &page);
        }
    }

    // The audit trail: actions and record kinds in words, also early-warning set-up.
    let (status, audit) = s.page(&tnks, "/admin/audit").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        audit.contains("Mengatur peringatan dini"),
        "warning set-up in words"
    );
    let table = between(&audit, "<table", "</table>").expect("entries");
    let text = visible_text(table);
    assert!(snake_keys(&text).is_empty(), "{:?}", snake_keys(&text));
    let filter = between(&audit, "id=\"a-action\"", "</select>").expect("actions");
    assert_indonesian("/admin/audit (actions)", filter);

    // A refused user form: the password rule in Indonesian, an unknown role without the
    // list of role keys.
    let (status, page) = s
        .form(
            &tnks,
            "/admin/pengguna",
            &[
                ("username", "polhut.baru"),
                ("display_name", "Polhut baru"),
                ("agency", "BBTNKS"),
                ("role", "penjaga"),
                ("password", "password123"),
            ],
        )
        .await;
    assert_eq!(status.as_u16(), 422);
    assert!(
        page.contains("kata sandi ini terlalu umum"),
        "the rule in words"
    );
    assert!(page.contains("peran tidak dikenal"), "no list of role keys");
    assert_indonesian("/admin/pengguna (refused)", &page);

    // A refused area: where the pasted GeoJSON breaks, in Indonesian.
    let wk = s.token("koordinator.wk").await;
    let (status, page) = s
        .form(
            &wk,
            "/peringatan/area",
            &[
                ("nama", "Area uji"),
                ("jenis", "village"),
                ("cara", "geojson"),
                ("bentuk", "{\"type\": Polygon}"),
            ],
        )
        .await;
    assert_eq!(status.as_u16(), 422);
    assert!(
        page.contains("bukan JSON yang sah (kesalahan pada baris 1, kolom"),
        "where it broke"
    );
    assert_indonesian("/peringatan/area (refused)", &page);
}

/// The agreement on the user's list whose number starts with `prefix`.
async fn agreement_numbered(s: &Server, token: &str, prefix: &str) -> Value {
    for id in agreement_ids(s, token).await {
        let (_, a) = s.api(token, &format!("/api/v1/agreements/{id}")).await;
        if a["number"].as_str().is_some_and(|n| n.starts_with(prefix)) {
            return a;
        }
    }
    panic!("no agreement numbered {prefix}…");
}

/// The agreement page leads to what it shares: for a receiving agency, links into the
/// report list filtered by the owning agency and each shared type, which list exactly
/// such reports. Nothing is offered for an agreement no longer in force.
#[tokio::test]
async fn an_agreement_links_to_the_reports_it_shares_with_the_viewer() {
    let s = spawn().await;
    let police = s.token("penyidik.polda.jambi").await;
    let mou = agreement_numbered(&s, &police, "PKS.01/BBTNKS").await;
    let id = mou["id"].as_str().expect("id");
    let (status, page) = s.page(&police, &format!("/perjanjian/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let section = between(&page, "id=\"dibagikan-kepada-anda\"", "</section>")
        .expect("the shared reports are linked")
        .replace("&amp;", "&");
    assert!(
        section.contains("href=\"/laporan?agency=BBTNKS\""),
        "{section}"
    );
    assert!(section.contains("Laporan BBTNKS"), "{section}");
    assert!(
        section.contains("href=\"/laporan?agency=BBTNKS&type=illegal_logging\""),
        "{section}"
    );
    assert!(
        !section.contains("agency=POLDA-JAMBI"),
        "not the viewer's own reports"
    );

    // The link lists BBTNKS's shared reports of that type, nothing else.
    let (status, list) = s
        .page(&police, "/laporan?agency=BBTNKS&type=illegal_logging")
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, api) = s
        .api(
            &police,
            "/api/v1/reports?agency=BBTNKS&type=illegal_logging&limit=1000",
        )
        .await;
    let features = api["features"].as_array().expect("features");
    assert!(!features.is_empty(), "the park shares logging reports");
    for f in features {
        assert_eq!(f["properties"]["type"], "illegal_logging");
        assert_eq!(f["properties"]["owner_agency"], "BBTNKS", "{f}");
    }
    let first = features[0]["id"].as_str().expect("id");
    assert!(
        list.contains(&format!("/laporan/{first}")),
        "the list shows them"
    );

    // The owner's own side of the memorandum needs no such links for its own reports, and
    // an expired agreement shares nothing.
    let bnnp = s.token("admin.bnnp.jambi").await;
    let expired = agreement_numbered(&s, &bnnp, "PKS/BNNP-JMB").await;
    assert_eq!(expired["status"], "expired");
    let (_, page) = s
        .page(
            &bnnp,
            &format!("/perjanjian/{}", expired["id"].as_str().expect("id")),
        )
        .await;
    assert!(!page.contains("id=\"dibagikan-kepada-anda\""));
}

/// An expired agreement is renewed as a new draft: same parties and clauses, valid from
/// today for as long as before, made by the same use case as any draft, and opened on its
/// edit page. The old agreement stays expired; an active one offers no renewal, and only
/// a party's administrator may renew.
#[tokio::test]
async fn an_ended_agreement_is_renewed_as_a_new_draft() {
    let s = spawn().await;
    let bnnp = s.token("admin.bnnp.jambi").await;
    let old = agreement_numbered(&s, &bnnp, "PKS/BNNP-JMB").await;
    let old_id = old["id"].as_str().expect("id").to_string();
    assert_eq!(old["status"], "expired");
    let (_, page) = s.page(&bnnp, &format!("/perjanjian/{old_id}")).await;
    assert!(
        page.contains("Perbarui sebagai draf baru"),
        "offered on an expired agreement"
    );

    // Not offered to a field officer of a party, and refused if sent anyway.
    let officer = s.token("petugas.bnnk.batanghari").await;
    let (_, page) = s.page(&officer, &format!("/perjanjian/{old_id}")).await;
    assert!(!page.contains("id=\"perbarui-draf\""));
    let (status, _) = s
        .form(&officer, &format!("/perjanjian/{old_id}/perbarui"), &[])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, location) = s
        .form(&bnnp, &format!("/perjanjian/{old_id}/perbarui"), &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    let new_id = location
        .strip_prefix("/perjanjian/")
        .and_then(|r| r.strip_suffix("/ubah?pesan=diperbarui"))
        .unwrap_or_else(|| panic!("to the draft's edit page: {location}"))
        .to_string();
    assert_ne!(new_id, old_id);
    let (status, form) = s.page(&bnnp, &location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        form.contains("id=\"draf-pembaruan\""),
        "the edit page says what happened"
    );
    assert!(form.contains("id=\"k0-withheld-suspect_names\" name=\"clauses[0].withheld\" value=\"suspect_names\" checked"));

    let (_, draft) = s.api(&bnnp, &format!("/api/v1/agreements/{new_id}")).await;
    assert_eq!(draft["status"], "draft");
    for key in ["title", "number", "legal_basis", "parties", "clauses"] {
        assert_eq!(draft[key], old[key], "{key} copied");
    }
    let date = |v: &Value| {
        chrono::NaiveDate::parse_from_str(v.as_str().expect("date"), "%Y-%m-%d").expect("date")
    };
    let today = s
        .app
        .now()
        .with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).expect("WIB"))
        .date_naive();
    assert_eq!(date(&draft["valid_from"]), today);
    assert_eq!(
        date(&draft["valid_until"]) - date(&draft["valid_from"]),
        date(&old["valid_until"]) - date(&old["valid_from"])
    );
    let (_, old_now) = s.api(&bnnp, &format!("/api/v1/agreements/{old_id}")).await;
    assert_eq!(old_now["status"], "expired", "the old one is unchanged");
    assert_eq!(old_now["version"], old["version"]);

    // An agreement in force is not renewed.
    let tnks = s.token("admin.tnks").await;
    let mou = agreement_numbered(&s, &tnks, "PKS.01/BBTNKS").await;
    let mou_id = mou["id"].as_str().expect("id");
    let (_, page) = s.page(&tnks, &format!("/perjanjian/{mou_id}")).await;
    assert!(!page.contains("id=\"perbarui-draf\""));
    let (status, _) = s
        .form(&tnks, &format!("/perjanjian/{mou_id}/perbarui"), &[])
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
}

// ---- photos on the new-report form; the report list's pages ----------------------------

/// A tiny valid PNG (1 × 1 pixel); `n` changes one byte of its data so each is distinct.
fn png(n: u8) -> Vec<u8> {
    let mut b =
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89".to_vec();
    b.extend_from_slice(b"\0\0\0\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe");
    b.push(n);
    b
}

/// The new-report form as the page sends it (`multipart/form-data`): the fields of a
/// snare report titled `title` with the client id `id`, then `photos` as `foto` parts.
async fn post_report_form(
    s: &Server,
    token: &str,
    id: &str,
    title: &str,
    photos: Vec<(&str, Vec<u8>)>,
) -> (StatusCode, String) {
    let (_, home) = s.page(token, "/").await;
    let csrf = between(&home, "name=\"csrf-token\" content=\"", "\"")
        .expect("csrf meta")
        .to_string();
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in [
        ("_csrf", csrf.as_str()),
        ("id", id),
        ("type", "snare_found"),
        ("title", title),
        ("description", "Jerat kawat di jalur patroli."),
        ("occurred_local", "2025-05-27T08:30"),
        ("zona", "+07:00"),
        ("sensitivity", "internal"),
        ("attr.snare_count", "2"),
        ("attr.snare_type", "wire"),
        ("lon", "101.45"),
        ("lat", "-1.95"),
        ("region_code", ""),
    ] {
        form = form.text(k.to_string(), v.to_string());
    }
    for (name, bytes) in photos {
        form = form.part(
            "foto",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
    }
    let r = s
        .http
        .post(format!("{}/laporan", s.url))
        .header("cookie", format!("sinergi_session={token}"))
        .multipart(form)
        .send()
        .await
        .expect("send");
    let status = r.status();
    match r.headers().get("location").and_then(|v| v.to_str().ok()) {
        Some(l) => (status, l.to_string()),
        None => (status, r.text().await.expect("text").replace("&#x2f;", "/")),
    }
}

/// How many files the server keeps under `attachments/` (photos, agreement documents).
fn stored_files(s: &Server) -> usize {
    std::fs::read_dir(s._dir.path().join("attachments"))
        .map(|dirs| {
            dirs.map(|d| {
                std::fs::read_dir(d.expect("entry").path())
                    .expect("prefix dir")
                    .count()
            })
            .sum()
        })
        .unwrap_or(0)
}

fn new_id(s: &Server) -> String {
    sinergi_core::ids::ReportId::new_at(s.app.now(), rand::random::<[u8; 10]>()).to_string()
}

/// A field officer records a report with photos in one submission: they are stored as
/// the report's attachments and its page shows them as small lazy-loaded thumbnails
/// linking to the full image. A refused photo refuses the whole form, naming the file,
/// keeps what was typed, asks for the photos again and saves nothing.
#[tokio::test]
async fn the_new_report_form_saves_its_photos_and_shows_them_as_thumbnails() {
    let s = spawn().await;
    let t = s.token("ranger.tnks").await;

    let id = new_id(&s);
    let (status, location) = post_report_form(
        &s,
        &t,
        &id,
        "Jerat dengan foto",
        vec![
            ("jerat-1.png", png(1)),
            ("jerat-2.png", png(2)),
            ("", vec![]),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    assert_eq!(location, format!("/laporan/{id}?pesan=dibuat"));
    let (_, list) = s
        .api(&t, &format!("/api/v1/reports/{id}/attachments"))
        .await;
    let mut names: Vec<&str> = list["attachments"]
        .as_array()
        .expect("attachments")
        .iter()
        .map(|a| a["filename"].as_str().expect("name"))
        .collect();
    // Photos attached within the same millisecond have no order among themselves.
    names.sort_unstable();
    assert_eq!(
        names,
        ["jerat-1.png", "jerat-2.png"],
        "the empty input adds nothing"
    );
    let (_, page) = s.page(&t, &format!("/laporan/{id}")).await;
    let gallery = between(&page, "id=\"galeri-foto\"", "</ul>").expect("a gallery");
    assert_eq!(gallery.matches("<img ").count(), 2, "{gallery}");
    for a in list["attachments"].as_array().expect("attachments") {
        let href = a["href"].as_str().expect("href");
        assert!(
            gallery.contains(&format!("<a href=\"{href}\" class=\"foto-mini\"")),
            "the thumbnail links to the full image: {gallery}"
        );
        assert!(
            gallery.contains(&format!("<img src=\"{href}\"")),
            "{gallery}"
        );
    }
    assert!(gallery.contains("loading=\"lazy\""), "{gallery}");
    assert!(
        gallery.contains("width=\"104\" height=\"104\""),
        "{gallery}"
    );

    // The same submission again (a double tap, a retry) makes neither a second report
    // nor second copies of its photos.
    let (status, _) = post_report_form(
        &s,
        &t,
        &id,
        "Jerat dengan foto",
        vec![("jerat-1.png", png(1)), ("jerat-2.png", png(2))],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, list) = s
        .api(&t, &format!("/api/v1/reports/{id}/attachments"))
        .await;
    assert_eq!(list["attachments"].as_array().expect("list").len(), 2);

    // One photo that is not a photo: nothing is saved, and the form says which and why.
    let files_before = stored_files(&s);
    let refused = new_id(&s);
    let (status, page) = post_report_form(
        &s,
        &t,
        &refused,
        "Jerat ditolak",
        vec![
            ("baik.png", png(3)),
            ("catatan.jpg", b"#!/bin/sh\necho bukan foto".to_vec()),
        ],
    )
    .await;
    assert_eq!(status.as_u16(), 422);
    assert!(
        page.contains("catatan.jpg: Jenis berkas tidak diterima"),
        "the refused file is named"
    );
    assert!(!page.contains("baik.png:"), "the good photo is not blamed");
    assert!(
        page.contains("value=\"Jerat ditolak\""),
        "what was typed is kept"
    );
    assert!(
        page.contains("id=\"foto-ulang\""),
        "asks for the photos again"
    );
    assert_indonesian("/laporan (photo refused)", &page);
    let (status, _) = s.page(&t, &format!("/laporan/{refused}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "no report was saved");
    assert_eq!(stored_files(&s), files_before, "no file was stored");

    // A report refused for its own fields keeps no photos either.
    let (status, page) = post_report_form(&s, &t, &refused, "", vec![("baik.png", png(3))]).await;
    assert_eq!(status.as_u16(), 422);
    assert!(page.contains("id=\"foto-ulang\""));
    let (status, _) = s.page(&t, &format!("/laporan/{refused}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// The limits of one submission: each photo at most the attachment limit, at most ten,
/// and the whole form at most three times the attachment limit. Past the last one the
/// photos cannot all be read, but every field before them is, so the form comes back
/// filled in.
#[tokio::test]
async fn the_new_report_form_names_the_photo_limits() {
    let s = spawn_with(|c| c.max_attachment_bytes = 4096).await;
    let t = s.token("ranger.tnks").await;
    let mut big = png(1);
    big.resize(5000, 0);
    let (status, page) =
        post_report_form(&s, &t, &new_id(&s), "Foto besar", vec![("besar.png", big)]).await;
    assert_eq!(status.as_u16(), 422);
    assert!(page.contains("besar.png: terlalu besar"), "per photo");

    // Ten photos and the inputs left empty are within the limit.
    let mut ten: Vec<(&str, Vec<u8>)> = (0..10).map(|i| ("kecil.png", png(i))).collect();
    ten.extend([("", vec![]), ("", vec![])]);
    let (status, location) = post_report_form(&s, &t, &new_id(&s), "Sepuluh foto", ten).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");

    let many: Vec<(&str, Vec<u8>)> = (0..11).map(|i| ("kecil.png", png(i))).collect();
    let (status, page) = post_report_form(&s, &t, &new_id(&s), "Banyak foto", many).await;
    assert_eq!(status.as_u16(), 422);
    assert!(page.contains("Paling banyak 10 foto"), "too many");

    let mut huge = png(9);
    huge.resize(3 * 4096 + 64 * 1024 + 1, 0);
    let id = new_id(&s);
    let (status, page) =
        post_report_form(&s, &t, &id, "Foto raksasa", vec![("raksasa.png", huge)]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        page.contains("terlalu besar untuk dikirim sekaligus"),
        "all at once"
    );
    assert!(
        page.contains("value=\"Foto raksasa\""),
        "the fields are kept"
    );
    let (status, _) = s.page(&t, &format!("/laporan/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// The report ids a list page links to, in order.
fn listed_reports(html: &str) -> Vec<String> {
    let table = between(html, "<tbody>", "</tbody>").unwrap_or("");
    table
        .split("<td class=\"judul-sel\"><a href=\"/laporan/")
        .skip(1)
        .map(|p| p.split('"').next().unwrap_or("").to_string())
        .collect()
}

/// The address of the link with `id="{id}"` on a page.
fn link_href(html: &str, id: &str) -> Option<String> {
    let tag_start = html.find(&format!("id=\"{id}\""))?;
    let open = html[..tag_start].rfind("<a ")?;
    let tag = &html[open..tag_start + id.len() + 5];
    between(tag, "href=\"", "\"").map(|h| h.replace("&amp;", "&"))
}

/// The list shows twenty reports a page and walks forward with the API's cursors and
/// back again: "previous" returns exactly the page before, filters kept.
#[tokio::test]
async fn the_report_list_pages_forward_and_back() {
    let s = spawn().await;
    let t = s.token("koordinator.tnks").await;
    let (_, first) = s.page(&t, "/laporan?status=").await;
    let page1 = listed_reports(&first);
    assert_eq!(page1.len(), 20, "twenty a page");
    assert!(link_href(&first, "halaman-sebelumnya").is_none());
    let next = link_href(&first, "halaman-berikutnya").expect("a next page");
    let (_, second) = s.page(&t, &next).await;
    let page2 = listed_reports(&second);
    assert!(!page2.is_empty());
    assert!(page2.iter().all(|id| !page1.contains(id)), "a new page");
    let back = link_href(&second, "halaman-sebelumnya").expect("a previous page");
    let (_, again) = s.page(&t, &back).await;
    assert_eq!(listed_reports(&again), page1, "back to the first page");
    assert!(
        link_href(&second, "halaman-awal").is_none(),
        "previous is the first"
    );
    if let Some(next) = link_href(&second, "halaman-berikutnya") {
        let (_, third) = s.page(&t, &next).await;
        let back = link_href(&third, "halaman-sebelumnya").expect("a previous page");
        let (_, again) = s.page(&t, &back).await;
        assert_eq!(listed_reports(&again), page2, "back to the second page");
        let first_href = link_href(&third, "halaman-awal").expect("a first page");
        let (_, again) = s.page(&t, &first_href).await;
        assert_eq!(listed_reports(&again), page1);
    }
    // A filter stays on every page.
    let (_, filtered) = s.page(&t, "/laporan?type=snare_found").await;
    if let Some(next) = link_href(&filtered, "halaman-berikutnya") {
        assert!(next.contains("type=snare_found"), "{next}");
    }
}
