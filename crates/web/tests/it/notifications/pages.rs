//! Notification pages: links only while the report opens, open alerts on the home and
//! notification pages.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::harness::between;
use crate::harness::demo::*;

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
