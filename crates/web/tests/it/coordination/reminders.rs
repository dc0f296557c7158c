//! Reminders of open action items (ADR 24): "due soon" to the owing agency's coordinators
//! and administrators, "overdue" the day after the due date in the owing agency's date,
//! escalated to the group's secretary; each once per item; shown as a sentence that links
//! to the meeting.

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use serde_json::Value;

use super::outputs::two_meetings;
use crate::harness::jambi::*;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("time")
        .with_timezone(&Utc)
}

async fn notifications(s: &Server, token: &str) -> Vec<Value> {
    let v: Value = s
        .get(token, "/api/v1/notifications")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    v["notifications"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn open_items_are_reminded_once_before_and_after_their_due_date() {
    let s = spawn().await;
    // BNNK's item "Susun SOP" is due 2025-06-10, the police's "Patroli gabungan" 2025-07-15;
    // the group's secretary is BNNK's koordinator. The police have no coordinator.
    let (k, _, m2) = two_meetings(&s).await;
    let sent = s
        .app
        .run_reminders(at("2025-06-01T01:00:00Z"))
        .await
        .expect("run");
    assert_eq!(sent.reminders, 0, "nothing is due within three days");

    let sent = s
        .app
        .run_reminders(at("2025-06-07T01:00:00Z"))
        .await
        .expect("run");
    assert_eq!(
        (sent.reminders, sent.notifications),
        (1, 1),
        "due soon, to koordinator"
    );
    let again = s
        .app
        .run_reminders(at("2025-06-08T01:00:00Z"))
        .await
        .expect("run");
    assert_eq!(again.reminders, 0, "sent once");
    let list = notifications(&s, &k).await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["kind"], "action_item_due_soon");
    assert_eq!(list[0]["detail"]["due"], "2025-06-10");
    let meeting1 = list[0]["detail"]["meeting"]
        .as_str()
        .expect("meeting")
        .to_string();

    // Overdue from the owing agency's next day: 23:30 WIB on the due date is not yet.
    let sent = s
        .app
        .run_reminders(at("2025-06-10T16:30:00Z"))
        .await
        .expect("run");
    assert_eq!(sent.reminders, 0, "still the due date in WIB");
    let sent = s
        .app
        .run_reminders(at("2025-06-10T17:30:00Z"))
        .await
        .expect("run");
    assert_eq!(
        (sent.reminders, sent.notifications),
        (1, 1),
        "overdue, to koordinator once though also the secretary"
    );

    // The police's item found overdue: only "overdue", to the group's secretary (no
    // coordinator at the police); the field officer is not told.
    let sent = s
        .app
        .run_reminders(at("2025-07-20T01:00:00Z"))
        .await
        .expect("run");
    assert_eq!((sent.reminders, sent.notifications), (1, 1));
    let sent = s
        .app
        .run_reminders(at("2025-07-21T01:00:00Z"))
        .await
        .expect("run");
    assert_eq!(sent.reminders, 0);
    let polisi = s.token("polisi").await;
    assert!(notifications(&s, &polisi).await.is_empty());
    let list = notifications(&s, &k).await;
    let kinds: Vec<&str> = list.iter().filter_map(|n| n["kind"].as_str()).collect();
    assert_eq!(
        kinds,
        [
            "action_item_overdue",
            "action_item_overdue",
            "action_item_due_soon"
        ]
    );
    assert_eq!(list[0]["detail"]["agency"], "POLDA-JAMBI");
    assert_eq!(list[0]["detail"]["meeting"], m2.as_str());

    // The page says it in a sentence and links to the meeting.
    let http = crate::harness::browser();
    let session = crate::harness::browser_sign_in(&http, &s.url, "koordinator", PASSWORD).await;
    let page = http
        .get(format!("{}/notifikasi", s.url))
        .header("cookie", format!("sinergi_session={session}"))
        .send()
        .await
        .expect("send");
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.expect("text").replace("&#x2f;", "/");
    assert!(
        page.contains("Tindak lanjut “Patroli gabungan di pelabuhan” (Satgas TPPO Batang Hari) yang menjadi tanggung jawab POLDA-JAMBI terlambat: tenggatnya 2025-07-15."),
        "{page}"
    );
    assert!(page.contains("jatuh tempo 2025-06-10"), "{page}");
    assert!(page.contains(&format!("href=\"/rapat/{m2}\"")), "{page}");
    assert!(
        page.contains(&format!("href=\"/rapat/{meeting1}\"")),
        "{page}"
    );
}

/// A reminder is also mailed, once, to each recipient who gave an e-mail address (ADR 28);
/// those without one get it in the app only, and the mail says what is owed and by when.
#[tokio::test]
async fn reminders_are_mailed_once_to_those_who_gave_an_address() {
    let (smtp_url, mails) = crate::harness::smtp_receiver().await;
    let s = spawn_with(|c| {
        c.delivery.smtp = Some(sinergi_app::warning::Smtp {
            url: smtp_url,
            from: "Sinergi <pengingat@sinergi.test>".into(),
        })
    })
    .await;
    let (k, _, _) = two_meetings(&s).await;
    // A bad address is refused, naming the field; nothing is set.
    let p = problem(
        s.put(&k, "/api/v1/me/email")
            .json(&serde_json::json!({"email": "koordinator di bnnk"}))
            .send()
            .await
            .expect("send"),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&p), ["email"]);
    let r = s
        .put(&k, "/api/v1/me/email")
        .json(&serde_json::json!({"email": "Koordinator@BNNK-Batanghari.Example.ID"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.expect("json");
    assert_eq!(v["email"], "Koordinator@bnnk-batanghari.example.id");
    assert_eq!(v["mail_enabled"], true);

    // "Due soon" for BNNK's item reaches koordinator in the app and by mail.
    let sent = s
        .app
        .run_reminders(at("2025-06-07T01:00:00Z"))
        .await
        .expect("run");
    assert_eq!((sent.reminders, sent.mails), (1, 1));
    let run = s.app.send_due_mail().await.expect("mail");
    assert_eq!((run.sent, run.failed), (1, 0));
    {
        let got = mails.lock().expect("lock");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, "Koordinator@bnnk-batanghari.example.id");
        assert!(got[0].1.contains("Susun SOP"), "{}", got[0].1);
        assert!(got[0].1.contains("10-06-2025"), "{}", got[0].1);
    }
    // Sent once: another run sends nothing again.
    assert_eq!(s.app.send_due_mail().await.expect("again").sent, 0);
    // Removing the address stops the mail; the app still reminds.
    let r = s
        .put(&k, "/api/v1/me/email")
        .json(&serde_json::json!({"email": null}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    let sent = s
        .app
        .run_reminders(at("2025-06-11T01:00:00Z"))
        .await
        .expect("run");
    assert_eq!(sent.reminders, 1, "overdue");
    assert_eq!(sent.mails, 0);
    assert_eq!(s.app.send_due_mail().await.expect("none").sent, 0);
    assert_eq!(mails.lock().expect("lock").len(), 1);
}
