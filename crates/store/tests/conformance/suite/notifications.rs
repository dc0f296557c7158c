//! Conformance: notifications.

use super::*;

pub async fn notifications_are_per_user_and_marked_read(s: &dyn Store) {
    let w = world(s).await;
    let r = report(
        1,
        &w.agencies[1],
        &w.users[1],
        Sensitivity::Restricted,
        103.6,
        -1.6,
    );
    s.insert_report(
        &r,
        &created(&w.users[1], r.created_at),
        &audit(Action::ReportCreate),
    )
    .await
    .expect("report");
    let notice = |i: u64, user: UserId| Notification {
        id: NotificationId::new_at(t0() + Duration::seconds(i as i64), rid(900 + i)),
        user_id: user,
        kind: "break_glass".into(),
        record_type: Some("report".into()),
        record_id: Some(r.id.to_string()),
        detail: json!({"by": "user3", "justification": "darurat"}),
        created_at: t0() + Duration::seconds(i as i64),
        read_at: None,
    };
    let notes = [
        notice(1, w.users[1].id),
        notice(2, w.users[1].id),
        notice(3, w.users[0].id),
    ];
    let row = ReferralRow {
        id: ReferralId::new_at(t0(), rid(950)),
        report_id: r.id,
        kind: "break_glass".into(),
        to_agency: None,
        to_user: Some(w.users[3].id),
        reason: "darurat".into(),
        until: t0() + Duration::hours(4),
        created_by: w.users[3].id,
        created_at: t0(),
        revoked_at: None,
    };
    s.insert_referral(&row, &audit(Action::BreakGlass), &notes)
        .await
        .expect("referral with notices");
    let mine = s
        .notifications(w.users[1].id, false, 10)
        .await
        .expect("list");
    assert_eq!(
        mine,
        vec![notes[1].clone(), notes[0].clone()],
        "newest first, own only"
    );
    assert_eq!(s.unread_notifications(w.users[1].id).await.expect("n"), 2);
    // Someone else's notification cannot be marked through another user.
    assert_eq!(
        s.mark_notifications_read(w.users[1].id, Some(notes[2].id), t0())
            .await
            .expect("mark"),
        0
    );
    assert_eq!(
        s.mark_notifications_read(w.users[1].id, Some(notes[0].id), t0())
            .await
            .expect("mark"),
        1
    );
    assert_eq!(s.unread_notifications(w.users[1].id).await.expect("n"), 1);
    let unread = s
        .notifications(w.users[1].id, true, 10)
        .await
        .expect("list");
    assert_eq!(unread.len(), 1);
    assert_eq!(unread[0].id, notes[1].id);
    assert_eq!(
        s.mark_notifications_read(w.users[1].id, None, t0())
            .await
            .expect("all"),
        1
    );
    assert_eq!(s.unread_notifications(w.users[1].id).await.expect("n"), 0);
    assert_eq!(s.unread_notifications(w.users[0].id).await.expect("n"), 1);
}
