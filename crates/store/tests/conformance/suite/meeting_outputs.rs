//! Conformance: what meetings produce (ADR 24) — reminders of open action items, each kind
//! once per item with its notifications and audit entry in one transaction, the open items
//! an agency owes, and private calendar tokens kept as hashes, replaced and revoked.

use sinergi_core::coordination::ItemStatus;

use super::coordination::{day, group, item, meeting};
use super::*;

fn notice(n: u64, user: UserId, kind: &str) -> Notification {
    Notification {
        id: NotificationId::new_at(t0(), rid(n)),
        user_id: user,
        kind: kind.into(),
        record_type: Some("action_item".into()),
        record_id: Some(format!("item {n}")),
        detail: json!({"what": "Tindak lanjut"}),
        created_at: t0(),
        read_at: None,
    }
}

pub async fn reminders_are_sent_once_and_calendar_tokens_kept_as_hashes(s: &dyn Store) {
    let w = world(s).await;
    let g = group(101, &w, 2, &[3]);
    s.insert_group(&g, &audit(Action::GroupCreate))
        .await
        .expect("group");
    let m = meeting(102, &g, &w, 0);
    s.insert_meeting(&m, &audit(Action::MeetingCreate))
        .await
        .expect("meeting");
    let late = item(103, &m, w.agencies[2].id, day(6, 1));
    let soon = item(104, &m, w.agencies[3].id, day(6, 10));
    let mut done = item(105, &m, w.agencies[2].id, day(6, 1));
    done.status = ItemStatus::Done;
    done.closed_at = Some(t0());
    for i in [&late, &soon, &done] {
        assert!(s
            .insert_action_item(i, &audit(Action::ActionItemCreate))
            .await
            .expect("item"));
    }
    let ids = |v: Vec<sinergi_core::coordination::ActionItem>| {
        v.into_iter().map(|i| i.id).collect::<Vec<_>>()
    };

    // Open items only, in the range of due dates, without a reminder of that kind.
    let overdue = ids(s
        .items_to_remind("overdue", None, day(6, 5))
        .await
        .expect("overdue"));
    assert_eq!(overdue, [late.id]);
    let due_soon = ids(s
        .items_to_remind("due_soon", Some(day(6, 5)), day(6, 12))
        .await
        .expect("soon"));
    assert_eq!(due_soon, [soon.id]);
    assert!(s
        .items_to_remind("due_soon", Some(day(6, 11)), day(6, 30))
        .await
        .expect("none")
        .is_empty());

    // Recorded once: a second time writes nothing, not even its notifications.
    let entry = audit(Action::ActionItemReminder);
    assert!(s
        .record_reminder(
            late.id,
            "overdue",
            t0(),
            &[notice(1, w.users[2].id, "action_item_overdue")],
            &[mail(1, w.users[2].id, late.id.to_string())],
            &entry
        )
        .await
        .expect("first"));
    assert!(!s
        .record_reminder(
            late.id,
            "overdue",
            t0(),
            &[notice(2, w.users[2].id, "action_item_overdue")],
            &[mail(2, w.users[2].id, late.id.to_string())],
            &entry
        )
        .await
        .expect("second"));
    // The reminder's mail was queued with it, once.
    let due = s.mail_due(t0(), 10).await.expect("mail due");
    assert_eq!(due.len(), 1, "{due:?}");
    assert_eq!(due[0].to, "sekretaris@pokja.example.id");
    assert_eq!(due[0].attempts, 0);
    // A failed attempt waits for its retry; the last one gives it up.
    s.mail_failed(
        due[0].id,
        t0(),
        Some(t0() + chrono::Duration::seconds(10)),
        "connection refused",
    )
    .await
    .expect("failed");
    assert!(s.mail_due(t0(), 10).await.expect("waiting").is_empty());
    let retry = s
        .mail_due(t0() + chrono::Duration::seconds(10), 10)
        .await
        .expect("retry");
    assert_eq!(retry.len(), 1);
    assert_eq!(retry[0].attempts, 1);
    // Sent once: a second report of the same sending changes nothing.
    assert!(s.mail_sent(due[0].id, t0()).await.expect("sent"));
    assert!(!s.mail_sent(due[0].id, t0()).await.expect("sent again"));
    assert!(s
        .mail_due(t0() + chrono::Duration::days(1), 10)
        .await
        .expect("none left")
        .is_empty());
    let counts = s.mail_counts().await.expect("counts");
    assert_eq!((counts.waiting, counts.sent, counts.failed), (0, 1, 0));
    assert_eq!(
        s.mails_of("action_item", &late.id.to_string())
            .await
            .expect("mails of")
            .len(),
        1
    );
    let got = s
        .notifications(w.users[2].id, false, 10)
        .await
        .expect("notifications");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].kind, "action_item_overdue");
    assert!(s
        .items_to_remind("overdue", None, day(6, 5))
        .await
        .expect("after")
        .is_empty());
    // Another kind of the same item is its own reminder.
    assert_eq!(
        ids(s
            .items_to_remind("due_soon", None, day(6, 5))
            .await
            .expect("kind")),
        [late.id]
    );

    // What an agency owes: its open items by due date.
    assert_eq!(
        ids(s.open_items_owed_by(w.agencies[2].id).await.expect("owed")),
        [late.id]
    );
    assert_eq!(
        ids(s.open_items_owed_by(w.agencies[3].id).await.expect("owed")),
        [soon.id]
    );

    // Calendar tokens: issued, replaced (the old one stops working), revoked once.
    let u = w.users[1].id;
    assert_eq!(s.calendar_token_issued(u).await.expect("none"), None);
    assert!(s
        .set_calendar_token(u, Some("hash-1"), t0(), &audit(Action::CalendarTokenIssue))
        .await
        .expect("issue"));
    assert_eq!(
        s.calendar_token_user("hash-1").await.expect("user"),
        Some(u)
    );
    assert_eq!(
        s.calendar_token_issued(u).await.expect("issued"),
        Some(t0())
    );
    assert!(s
        .set_calendar_token(u, Some("hash-2"), t0(), &audit(Action::CalendarTokenIssue))
        .await
        .expect("reissue"));
    assert_eq!(s.calendar_token_user("hash-1").await.expect("old"), None);
    assert_eq!(s.calendar_token_user("hash-2").await.expect("new"), Some(u));
    assert!(s
        .set_calendar_token(u, None, t0(), &audit(Action::CalendarTokenRevoke))
        .await
        .expect("revoke"));
    assert!(!s
        .set_calendar_token(u, None, t0(), &audit(Action::CalendarTokenRevoke))
        .await
        .expect("revoke again"));
    assert_eq!(
        s.calendar_token_user("hash-2").await.expect("revoked"),
        None
    );

    let entries = s
        .audit_entries(&AuditFilter {
            ascending: true,
            limit: 10_000,
            ..Default::default()
        })
        .await
        .expect("audit");
    verify(&entries).expect("chain");
    let count = |a: Action| entries.iter().filter(|e| e.action == a.as_str()).count();
    assert_eq!(
        count(Action::ActionItemReminder),
        1,
        "a repeated reminder leaves no entry"
    );
    assert_eq!(count(Action::CalendarTokenIssue), 2);
    assert_eq!(
        count(Action::CalendarTokenRevoke),
        1,
        "revoking nothing leaves no entry"
    );
}

fn mail(n: u8, user: sinergi_core::ids::UserId, item: String) -> sinergi_store::Mail {
    sinergi_store::Mail {
        id: uuid::Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0000 + u128::from(n)),
        user_id: Some(user),
        to: "sekretaris@pokja.example.id".into(),
        subject: "Tindak lanjut terlambat".into(),
        body: "Tenggat telah lewat".into(),
        kind: "action_item_overdue".into(),
        record_type: Some("action_item".into()),
        record_id: Some(item),
        created_at: t0(),
        attempts: 0,
    }
}
