//! Conformance: working groups, their meetings and action items (ADR 21).

use chrono::NaiveDate;
use sinergi_core::coordination::{
    ActionItem, Attendee, Group, GroupKind, GroupPerson, GroupRole, ItemStatus, Meeting,
};
use sinergi_core::ids::{ActionItemId, GroupId, MeetingId};

use super::*;

pub(super) fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, m, d).unwrap_or_default()
}

pub(super) fn group(n: u64, w: &World, owner: usize, members: &[usize]) -> Group {
    let mut agencies = vec![w.agencies[owner].id];
    agencies.extend(members.iter().map(|&i| w.agencies[i].id));
    Group {
        id: GroupId::new_at(t0(), rid(n)),
        owner_agency_id: w.agencies[owner].id,
        name: format!("Satgas {n}"),
        kind: GroupKind::Satgas,
        legal_basis: "SK Bupati Kapuas Hulu\nNo. 100/2025".into(),
        agreement_id: None,
        agencies,
        people: vec![
            GroupPerson {
                agency_id: w.agencies[owner].id,
                user_id: Some(w.users[owner].id),
                name: w.users[owner].display_name.clone(),
                role: GroupRole::Ketua,
            },
            GroupPerson {
                agency_id: w.agencies[owner].id,
                user_id: None,
                name: "Ibu Sari".into(),
                role: GroupRole::Sekretaris,
            },
        ],
        period_from: day(5, 27),
        period_until: Some(day(12, 31)),
        version: 1,
        created_by: w.users[owner].id,
        created_at: t0(),
        updated_at: t0(),
    }
}

pub(super) fn meeting(n: u64, g: &Group, w: &World, hours: i64) -> Meeting {
    Meeting {
        id: MeetingId::new_at(t0(), rid(n)),
        group_id: g.id,
        starts_at: t0() + Duration::hours(hours),
        offset_s: 7 * 3600,
        region: Some("61.06".into()),
        place: Some("Aula Kantor Bupati, Putussibau".into()),
        online_link: None,
        organiser_agency_id: g.owner_agency_id,
        invited: vec![w.agencies[3].id, w.agencies[0].id],
        agenda: vec!["Pembentukan Satgas".into(), "Penanganan korban".into()],
        attendance: vec![Attendee {
            name: "AKBP Budi".into(),
            agency_id: w.agencies[3].id,
            position: "Kasat Reskrim".into(),
        }],
        minutes: None,
        decisions: vec![],
        version: 1,
        created_by: g.created_by,
        created_at: t0(),
        updated_at: t0(),
    }
}

pub(super) fn item(n: u64, m: &Meeting, owed: AgencyId, due: NaiveDate) -> ActionItem {
    ActionItem {
        id: ActionItemId::new_at(t0(), rid(n)),
        group_id: m.group_id,
        meeting_id: m.id,
        what: format!("Tindak lanjut {n}"),
        agency_id: owed,
        person: Some("Kasat Reskrim".into()),
        due,
        status: ItemStatus::Open,
        evidence: None,
        links: vec!["/laporan/1".into()],
        closed_at: None,
        version: 1,
        created_by: m.created_by,
        created_at: t0(),
        updated_at: t0(),
    }
}

pub async fn groups_meetings_and_action_items(s: &dyn Store) {
    let w = world(s).await;
    // BNNK-BATANGHARI forms a group with POLDA-JAMBI.
    let g = group(1, &w, 2, &[3]);
    assert!(s
        .insert_group(&g, &audit(Action::GroupCreate))
        .await
        .expect("insert"));
    assert!(
        !s.insert_group(&g, &audit(Action::GroupCreate))
            .await
            .expect("again"),
        "the same id again writes nothing"
    );
    assert_eq!(s.group(g.id).await.expect("read"), Some(g.clone()));
    let other = group(2, &w, 0, &[]);
    s.insert_group(&other, &audit(Action::GroupCreate))
        .await
        .expect("other");
    let ids = |v: Vec<Group>| v.into_iter().map(|g| g.id).collect::<Vec<_>>();
    assert_eq!(
        ids(s
            .groups_for_agencies(&[w.agencies[3].id])
            .await
            .expect("police")),
        [g.id]
    );
    assert_eq!(
        ids(s
            .groups_for_agencies(&[w.agencies[1].id])
            .await
            .expect("none")),
        Vec::<GroupId>::new()
    );
    assert!(s.groups_for_agencies(&[]).await.expect("empty").is_empty());

    // A member twice is refused by the store too, and nothing is changed.
    let mut twice = g.clone();
    twice.agencies.push(w.agencies[3].id);
    twice.version = 2;
    assert!(matches!(
        s.update_group(&twice, 1, &audit(Action::GroupUpdate)).await,
        Err(StoreError::Duplicate(_))
    ));
    assert_eq!(s.group(g.id).await.expect("read"), Some(g.clone()));
    let mut next = g.clone();
    next.agencies.push(w.agencies[1].id);
    next.period_until = None;
    next.version = 2;
    assert_eq!(
        s.update_group(&next, 1, &audit(Action::GroupUpdate))
            .await
            .expect("update"),
        UpdateOutcome::Updated
    );
    assert_eq!(
        s.update_group(&next, 1, &audit(Action::GroupUpdate))
            .await
            .expect("stale"),
        UpdateOutcome::VersionMismatch(2)
    );
    assert_eq!(s.group(g.id).await.expect("read"), Some(next.clone()));

    // Two meetings; items of the first, one closed before the second started.
    let m1 = meeting(10, &g, &w, 0);
    let m2 = meeting(11, &g, &w, 24 * 14);
    for m in [&m2, &m1] {
        assert!(s
            .insert_meeting(m, &audit(Action::MeetingCreate))
            .await
            .expect("meeting"));
    }
    assert!(!s
        .insert_meeting(&m1, &audit(Action::MeetingCreate))
        .await
        .expect("again"));
    assert_eq!(s.meeting(m1.id).await.expect("read"), Some(m1.clone()));
    let listed: Vec<MeetingId> = s
        .meetings_of_group(g.id)
        .await
        .expect("list")
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(listed, [m1.id, m2.id], "the earliest first");
    let mut recorded = m1.clone();
    recorded.minutes = Some("Rapat dibuka pukul 09.00.\nSepakat membentuk Satgas.".into());
    recorded.decisions = vec!["Membentuk Satgas TPPO".into()];
    recorded.attendance.push(Attendee {
        name: "Ibu Sari".into(),
        agency_id: w.agencies[2].id,
        position: String::new(),
    });
    recorded.version = 2;
    assert_eq!(
        s.update_meeting(&recorded, 1, &audit(Action::MeetingUpdate))
            .await
            .expect("record"),
        UpdateOutcome::Updated
    );
    assert_eq!(
        s.meeting(m1.id).await.expect("read"),
        Some(recorded.clone())
    );
    assert_eq!(
        s.update_meeting(&recorded, 1, &audit(Action::MeetingUpdate))
            .await
            .expect("stale"),
        UpdateOutcome::VersionMismatch(2)
    );

    let open = item(20, &m1, w.agencies[3].id, day(6, 1));
    let later = item(21, &m1, w.agencies[2].id, day(7, 1));
    let mut closed_early = item(22, &m1, w.agencies[3].id, day(5, 30));
    let mut closed_late = item(23, &m1, w.agencies[2].id, day(5, 29));
    for i in [&open, &later, &closed_early, &closed_late] {
        assert!(s
            .insert_action_item(i, &audit(Action::ActionItemCreate))
            .await
            .expect("item"));
    }
    assert!(!s
        .insert_action_item(&open, &audit(Action::ActionItemCreate))
        .await
        .expect("again"));
    assert_eq!(
        s.action_item(open.id).await.expect("read"),
        Some(open.clone())
    );
    for (i, when) in [(&mut closed_early, 24), (&mut closed_late, 24 * 20)] {
        i.status = ItemStatus::Done;
        i.closed_at = Some(t0() + Duration::hours(when));
        i.evidence = Some("Surat keputusan terbit".into());
        i.version = 2;
        assert_eq!(
            s.update_action_item(i, 1, &audit(Action::ActionItemUpdate))
                .await
                .expect("close"),
            UpdateOutcome::Updated
        );
    }
    assert_eq!(
        s.update_action_item(&closed_early, 1, &audit(Action::ActionItemUpdate))
            .await
            .expect("stale"),
        UpdateOutcome::VersionMismatch(2)
    );
    assert_eq!(
        s.action_item(closed_early.id).await.expect("read"),
        Some(closed_early.clone())
    );
    let of_meeting: Vec<ActionItemId> = s
        .action_items_of_meeting(m1.id)
        .await
        .expect("items")
        .into_iter()
        .map(|i| i.id)
        .collect();
    assert_eq!(
        of_meeting,
        [closed_late.id, closed_early.id, open.id, later.id],
        "by due date"
    );
    // Carried into the second meeting: the open ones and the one closed after it began.
    let carried: Vec<ActionItemId> = s
        .carried_items(g.id, m2.starts_at)
        .await
        .expect("carried")
        .into_iter()
        .map(|i| i.id)
        .collect();
    assert_eq!(carried, [closed_late.id, open.id, later.id]);
    assert!(s
        .carried_items(g.id, m1.starts_at)
        .await
        .expect("none before the first")
        .is_empty());
    // Overdue on 15 June: the open item due 1 June only.
    let overdue: Vec<ActionItemId> = s
        .overdue_items(g.id, day(6, 15))
        .await
        .expect("overdue")
        .into_iter()
        .map(|i| i.id)
        .collect();
    assert_eq!(overdue, [open.id]);
    assert!(s
        .overdue_items(other.id, day(12, 31))
        .await
        .expect("other group")
        .is_empty());

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
    assert_eq!(count(Action::GroupCreate), 2, "only writes are audited");
    assert_eq!(
        count(Action::GroupUpdate),
        1,
        "a refused change leaves no entry"
    );
    assert_eq!(count(Action::MeetingCreate), 2);
    assert_eq!(count(Action::MeetingUpdate), 1);
    assert_eq!(count(Action::ActionItemCreate), 4);
    assert_eq!(count(Action::ActionItemUpdate), 2);
}
