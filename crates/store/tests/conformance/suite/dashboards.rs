//! Conformance: what the dashboards and exports read (ADR 26): a group's latest meetings
//! and their heads, its items by status and agency, its overdue items counted by agency,
//! letters asking for an answer and their answers, an agency's open dispositions.

use chrono::NaiveDate;
use sinergi_core::coordination::ItemStatus;
use sinergi_core::ids::{DispositionId, LetterId};
use sinergi_core::letter::{Disposition, Letter, LetterStatus, Recipient, RecipientRole};

use super::coordination::{day, group, item, meeting};
use super::letters::draft;
use super::*;

fn send_now(l: &Letter) -> Letter {
    let mut l = l.clone();
    l.status = LetterStatus::Sent;
    l
}

pub async fn dashboards_read_meetings_items_answers_and_dispositions(s: &dyn Store) {
    let w = world(s).await;
    // A group of BNNK (owner) with POLDA and BNN as members; five meetings an hour apart.
    let g = group(1, &w, 2, &[3, 0]);
    s.insert_group(&g, &audit(Action::GroupCreate))
        .await
        .expect("group");
    let meetings: Vec<_> = (0..5).map(|n| meeting(10 + n, &g, &w, n as i64)).collect();
    for m in &meetings {
        s.insert_meeting(m, &audit(Action::MeetingCreate))
            .await
            .expect("meeting");
    }
    let (latest, total) = s.latest_meetings(g.id, 2).await.expect("latest");
    assert_eq!(total, 5);
    assert_eq!(
        latest.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![meetings[3].id, meetings[4].id],
        "the latest two, the earliest of them first"
    );
    assert_eq!(
        latest[1].attendance, meetings[4].attendance,
        "with attendance"
    );
    assert_eq!(latest[1].invited, meetings[4].invited);
    let heads = s.meeting_heads(g.id).await.expect("heads");
    assert_eq!(heads.len(), 5);
    assert_eq!(heads[0].id, meetings[0].id);
    assert!(heads[0].attendance.is_empty() && heads[0].invited.is_empty());
    assert_eq!(heads[0].agenda, meetings[0].agenda);

    // Items: POLDA owes two (one due 1 June, one 10 June), BNNK one (5 June, closed).
    let polda = w.agencies[3].id;
    let bnnk = w.agencies[2].id;
    let a = item(100, &meetings[0], polda, day(6, 10));
    let b = item(101, &meetings[1], polda, day(6, 1));
    let mut c = item(102, &meetings[1], bnnk, day(6, 5));
    for i in [&a, &b, &c] {
        s.insert_action_item(i, &audit(Action::ActionItemCreate))
            .await
            .expect("item");
    }
    c.status = ItemStatus::Done;
    c.closed_at = Some(t0());
    c.version = 2;
    assert_eq!(
        s.update_action_item(&c, 1, &audit(Action::ActionItemUpdate))
            .await
            .expect("close"),
        UpdateOutcome::Updated
    );
    let all = s
        .action_items_of_group(g.id, None, None)
        .await
        .expect("all");
    assert_eq!(
        all.iter().map(|i| i.id).collect::<Vec<_>>(),
        vec![b.id, c.id, a.id],
        "by due date"
    );
    let open = s
        .action_items_of_group(g.id, Some(ItemStatus::Open), None)
        .await
        .expect("open");
    assert_eq!(open.len(), 2);
    let of_bnnk = s
        .action_items_of_group(g.id, None, Some(bnnk))
        .await
        .expect("bnnk");
    assert_eq!(of_bnnk.iter().map(|i| i.id).collect::<Vec<_>>(), vec![c.id]);
    let counts = s.overdue_counts(g.id, day(6, 20)).await.expect("counts");
    assert_eq!(
        counts,
        vec![(polda, 2, day(6, 1))],
        "the closed item is not overdue"
    );
    let counts = s.overdue_counts(g.id, day(6, 5)).await.expect("counts");
    assert_eq!(counts, vec![(polda, 1, day(6, 1))]);

    // A letter of BNNK to POLDA asking for an answer by 30 November; one without a date.
    let mut asking = draft(1, &w);
    asking.reply_by = NaiveDate::from_ymd_opt(2026, 11, 30);
    s.insert_letter(&send_now(&asking), &audit(Action::LetterCreate))
        .await
        .expect("asking");
    let plain = draft(2, &w);
    s.insert_letter(&send_now(&plain), &audit(Action::LetterCreate))
        .await
        .expect("plain");
    let stored = s.letter(asking.id).await.expect("read").expect("letter");
    assert_eq!(stored.reply_by, asking.reply_by, "reply_by round-trips");
    let waiting = s
        .letters_awaiting_reply(&[bnnk], &[polda])
        .await
        .expect("waiting");
    assert_eq!(
        waiting.iter().map(|l| l.id).collect::<Vec<_>>(),
        vec![asking.id]
    );
    assert_eq!(waiting[0].recipients.len(), 2, "with its recipients");
    // BNN is only a copy: nothing is asked of it.
    assert!(s
        .letters_awaiting_reply(&[bnnk], &[w.agencies[0].id])
        .await
        .expect("copy")
        .is_empty());
    // POLDA's answer: a draft does not count, a sent one does.
    let answer = Letter {
        id: LetterId::new_at(t0(), rid(700)),
        agency_id: polda,
        in_reply_to: Some(asking.id),
        reply_by: None,
        recipients: vec![Recipient {
            agency_id: bnnk,
            role: RecipientRole::To,
            delivered_at: None,
            read_at: None,
            read_by: None,
            forwarded_from: None,
            forward_note: None,
        }],
        created_by: w.users[3].id,
        ..draft(3, &w)
    };
    s.insert_letter(&answer, &audit(Action::LetterCreate))
        .await
        .expect("answer");
    assert!(s.replies_to(&[asking.id]).await.expect("draft").is_empty());
    let entry = audit(Action::LetterSend);
    s.send_letter(
        answer.id,
        1,
        NaiveDate::from_ymd_opt(2026, 11, 20).expect("date"),
        "B/{nomor}/{tahun}/{kode}",
        "POLDA",
        t0(),
        &[],
        &entry,
    )
    .await
    .expect("send");
    let replies = s.replies_to(&[asking.id, plain.id]).await.expect("replies");
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0].id, answer.id);
    assert_eq!(replies[0].in_reply_to, Some(asking.id));
    assert!(s.replies_to(&[]).await.expect("none").is_empty());

    // Dispositions: POLDA's open ones, the earliest due first; a done one and another
    // agency's are left out.
    let disp = |n: u64, agency: AgencyId, due: Option<NaiveDate>, done: bool| Disposition {
        id: DispositionId::new_at(t0(), rid(800 + n)),
        letter_id: asking.id,
        agency_id: agency,
        to_user: w.users[3].id,
        instruction: format!("Tindak lanjuti {n}"),
        due,
        done,
        note: None,
        created_by: w.users[3].id,
        created_at: t0(),
        done_at: done.then(t0),
        version: 1,
    };
    let list = [
        disp(1, polda, None, false),
        disp(2, polda, Some(day(7, 1)), false),
        disp(3, polda, Some(day(6, 1)), true),
        disp(4, bnnk, Some(day(6, 1)), false),
    ];
    for d in &list {
        s.insert_disposition(d, &[], &audit(Action::DispositionCreate))
            .await
            .expect("disposition");
    }
    let open = s.open_dispositions_of_agency(polda).await.expect("open");
    assert_eq!(
        open.iter().map(|d| d.id).collect::<Vec<_>>(),
        vec![list[1].id, list[0].id]
    );
}
