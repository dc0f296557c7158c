//! Conformance: official letters, their numbering and receipts.

use chrono::NaiveDate;
use sinergi_core::ids::LetterId;
use sinergi_core::letter::{Letter, LetterStatus, Nature, Recipient, RecipientRole};
use sinergi_store::{RegisterOutcome, SendOutcome};

use super::*;

pub(super) fn draft(n: u64, w: &World) -> Letter {
    Letter {
        id: LetterId::new_at(t0(), rid(500 + n)),
        agency_id: w.agencies[2].id,
        status: LetterStatus::Draft,
        number: None,
        sequence: None,
        letter_date: None,
        subject: format!("Surat {n}"),
        body: "Dengan hormat".into(),
        nature: Nature::Biasa,
        signatory: "Kepala".into(),
        external_sender: None,
        recipients: vec![
            Recipient {
                agency_id: w.agencies[3].id,
                role: RecipientRole::To,
                delivered_at: None,
                read_at: None,
                read_by: None,
                forwarded_from: None,
                forward_note: None,
            },
            Recipient {
                agency_id: w.agencies[0].id,
                role: RecipientRole::Copy,
                delivered_at: None,
                read_at: None,
                read_by: None,
                forwarded_from: None,
                forward_note: None,
            },
        ],
        documents: vec![],
        reply_by: None,
        in_reply_to: None,
        version: 1,
        created_by: w.users[2].id,
        created_at: t0(),
        updated_at: t0(),
    }
}

/// Letters sent at once each take their own number of the agency's year, with no gap;
/// a refused send takes none; delivery, the read receipt (once) and a registered letter's
/// sender and number (once) are kept.
pub async fn letters_are_numbered_without_gaps_and_read_once(s: &dyn Store) {
    let w = world(s).await;
    let nov = NaiveDate::from_ymd_opt(2026, 11, 3).expect("date");
    let letters: Vec<Letter> = (0..10).map(|n| draft(n, &w)).collect();
    for l in &letters {
        assert!(s
            .insert_letter(l, &audit(Action::LetterCreate))
            .await
            .expect("insert"));
    }
    assert!(!s
        .insert_letter(&letters[0], &audit(Action::LetterCreate))
        .await
        .expect("again"));
    // A stale send takes no number.
    assert_eq!(
        s.send_letter(
            letters[0].id,
            7,
            nov,
            "B/{nomor}/{bulan}/{tahun}/{kode}",
            "BNNK",
            t0(),
            &[],
            &audit(Action::LetterSend)
        )
        .await
        .expect("stale"),
        SendOutcome::VersionMismatch(1)
    );
    let entry = audit(Action::LetterSend);
    let sends = letters.iter().map(|l| {
        s.send_letter(
            l.id,
            1,
            nov,
            "B/{nomor}/{bulan}/{tahun}/{kode}",
            "BNNK",
            t0(),
            &[],
            &entry,
        )
    });
    let mut seqs = Vec::new();
    for outcome in futures_util::future::join_all(sends).await {
        match outcome.expect("send") {
            SendOutcome::Sent { number, seq } => {
                assert_eq!(number, format!("B/{seq}/XI/2026/BNNK"));
                seqs.push(seq);
            }
            other => panic!("not sent: {other:?}"),
        }
    }
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=10).collect::<Vec<i64>>());
    assert_eq!(
        s.send_letter(
            letters[0].id,
            2,
            nov,
            "{nomor}",
            "BNNK",
            t0(),
            &[],
            &audit(Action::LetterSend)
        )
        .await
        .expect("twice"),
        SendOutcome::NotDraft
    );
    // Another year starts again at 1.
    let next_year = draft(20, &w);
    s.insert_letter(&next_year, &audit(Action::LetterCreate))
        .await
        .expect("insert");
    let jan = NaiveDate::from_ymd_opt(2027, 1, 4).expect("date");
    assert_eq!(
        s.send_letter(
            next_year.id,
            1,
            jan,
            "{nomor}/{tahun}",
            "BNNK",
            t0(),
            &[],
            &audit(Action::LetterSend)
        )
        .await
        .expect("send"),
        SendOutcome::Sent {
            number: "1/2027".into(),
            seq: 1
        }
    );
    let sent = s
        .letter(letters[3].id)
        .await
        .expect("read")
        .expect("letter");
    assert_eq!(sent.status, LetterStatus::Sent);
    assert_eq!(sent.version, 2);
    assert_eq!(sent.letter_date, Some(nov));
    assert_eq!(sent.recipients.len(), 2);
    assert!(sent.recipients.iter().all(|r| r.delivered_at == Some(t0())));
    // A sent letter is not changed.
    let mut edit = sent.clone();
    edit.subject = "Lain".into();
    edit.version = 3;
    assert_eq!(
        s.update_draft(&edit, 2, &audit(Action::LetterUpdate))
            .await
            .expect("update"),
        UpdateOutcome::VersionMismatch(2)
    );
    // The receipt: once per recipient agency, and only one the letter was sent to.
    let entry = audit(Action::LetterRead);
    let read = |agency: AgencyId| s.mark_letter_read(sent.id, agency, w.users[3].id, t0(), &entry);
    assert!(read(w.agencies[3].id).await.expect("read"));
    assert!(!read(w.agencies[3].id).await.expect("read again"));
    assert!(!read(w.agencies[1].id).await.expect("not a recipient"));
    let after = s.letter(sent.id).await.expect("read").expect("letter");
    assert_eq!(after.recipients[0].read_by, Some(w.users[3].id));
    assert_eq!(after.recipients[1].read_at, None);
    // The police's inbox has the sent letters, not the drafts; BNNK's list has them all.
    let inbox = s
        .letters_for_agencies(&[w.agencies[3].id])
        .await
        .expect("inbox");
    assert_eq!(inbox.len(), 11);
    let own = s
        .letters_for_agencies(&[w.agencies[2].id])
        .await
        .expect("own");
    assert_eq!(own.len(), 11);
    let d = draft(30, &w);
    s.insert_letter(&d, &audit(Action::LetterCreate))
        .await
        .expect("insert");
    assert_eq!(
        s.letters_for_agencies(&[w.agencies[3].id])
            .await
            .expect("inbox")
            .len(),
        11
    );
    assert_eq!(
        s.letters_for_agencies(&[w.agencies[2].id])
            .await
            .expect("own")
            .len(),
        12
    );

    // A registered letter: its sender's number once per agency.
    let mut outside = draft(40, &w);
    outside.status = LetterStatus::Registered;
    outside.recipients.clear();
    outside.number = Some("005/KESBANGPOL/2026".into());
    outside.external_sender = Some("Kesbangpol Batang Hari".into());
    assert_eq!(
        s.register_letter(&outside, &audit(Action::LetterRegister))
            .await
            .expect("register"),
        RegisterOutcome::Inserted
    );
    let mut same = draft(41, &w);
    same.status = LetterStatus::Registered;
    same.recipients.clear();
    same.number = Some("005/kesbangpol/2026".into());
    same.external_sender = Some("KESBANGPOL  Batang Hari".into());
    assert_eq!(
        s.register_letter(&same, &audit(Action::LetterRegister))
            .await
            .expect("again"),
        RegisterOutcome::NumberTaken(outside.id)
    );
    same.agency_id = w.agencies[3].id;
    assert_eq!(
        s.register_letter(&same, &audit(Action::LetterRegister))
            .await
            .expect("another agency"),
        RegisterOutcome::Inserted
    );
    // Dispositions: the receiving agency's, to its person, done once by version.
    let disp = sinergi_core::letter::Disposition {
        id: sinergi_core::ids::DispositionId::new_at(t0(), rid(900)),
        letter_id: sent.id,
        agency_id: w.agencies[3].id,
        to_user: w.users[3].id,
        instruction: "Tindak lanjuti".into(),
        due: Some(nov),
        done: false,
        note: None,
        created_by: w.users[3].id,
        created_at: t0(),
        done_at: None,
        version: 1,
    };
    s.insert_disposition(&disp, &[], &audit(Action::DispositionCreate))
        .await
        .expect("dispose");
    assert_eq!(
        s.dispositions_of(sent.id, w.agencies[3].id)
            .await
            .expect("of"),
        vec![disp.clone()]
    );
    assert!(s
        .dispositions_of(sent.id, w.agencies[2].id)
        .await
        .expect("of")
        .is_empty());
    let mut finished = disp.clone();
    finished.done = true;
    finished.note = Some("Selesai".into());
    finished.done_at = Some(t0());
    finished.version = 2;
    assert_eq!(
        s.set_disposition(&finished, 1, &audit(Action::DispositionUpdate))
            .await
            .expect("done"),
        UpdateOutcome::Updated
    );
    assert_eq!(
        s.set_disposition(&finished, 1, &audit(Action::DispositionUpdate))
            .await
            .expect("stale"),
        UpdateOutcome::VersionMismatch(2)
    );
    assert_eq!(
        s.disposition(disp.id).await.expect("read"),
        Some(finished.clone())
    );
    assert_eq!(
        s.dispositions_to(w.users[3].id).await.expect("to"),
        vec![finished]
    );
    // Formats.
    assert_eq!(
        s.letter_format(w.agencies[2].id).await.expect("format"),
        None
    );
    s.set_letter_format(
        w.agencies[2].id,
        "{nomor}/X",
        &audit(Action::LetterFormatChange),
    )
    .await
    .expect("set");
    s.set_letter_format(
        w.agencies[2].id,
        "{nomor}/Y",
        &audit(Action::LetterFormatChange),
    )
    .await
    .expect("set again");
    assert_eq!(
        s.letter_format(w.agencies[2].id)
            .await
            .expect("format")
            .as_deref(),
        Some("{nomor}/Y")
    );
}

/// A letter forwarded up a reporting line (ADR 28) reaches the superior once, with who
/// passed it on and the note; reporting lines are set, replaced and removed; users' e-mail
/// addresses are kept and read back together.
pub async fn letters_pass_up_reporting_lines(s: &dyn Store) {
    let w = world(s).await;
    let l = draft(40, &w);
    s.insert_letter(&l, &audit(Action::LetterCreate))
        .await
        .expect("insert");
    let nov = NaiveDate::from_ymd_opt(2026, 11, 3).expect("date");
    s.send_letter(
        l.id,
        1,
        nov,
        "{nomor}",
        "BNNK",
        t0(),
        &[],
        &audit(Action::LetterSend),
    )
    .await
    .expect("send");
    // POLDA (a recipient) passes it to BNNP Jambi, which did not have it.
    let f = sinergi_core::letter::LetterForward {
        letter_id: l.id,
        from_agency: w.agencies[3].id,
        to_agency: w.agencies[1].id,
        note: "Mohon arahan".into(),
        by: w.users[3].id,
        at: t0(),
    };
    assert!(s
        .forward_letter(&f, &[], &audit(Action::LetterForward))
        .await
        .expect("forward"));
    assert!(!s
        .forward_letter(&f, &[], &audit(Action::LetterForward))
        .await
        .expect("again"));
    let got = s.letter(l.id).await.expect("read").expect("letter");
    assert_eq!(got.recipients.len(), 3);
    let fwd = &got.recipients[2];
    assert_eq!(fwd.agency_id, w.agencies[1].id);
    assert_eq!(fwd.role, RecipientRole::Forwarded);
    assert_eq!(fwd.delivered_at, Some(t0()));
    assert_eq!(fwd.forwarded_from, Some(w.agencies[3].id));
    assert_eq!(fwd.forward_note.as_deref(), Some("Mohon arahan"));
    assert_eq!(got.recipients[0].forwarded_from, None);
    assert!(s
        .letters_for_agencies(&[w.agencies[1].id])
        .await
        .expect("inbox")
        .iter()
        .any(|x| x.id == l.id));
    // An agency that already has the letter is not given it again.
    let to_recipient = sinergi_core::letter::LetterForward {
        to_agency: w.agencies[3].id,
        ..f.clone()
    };
    assert!(!s
        .forward_letter(&to_recipient, &[], &audit(Action::LetterForward))
        .await
        .expect("to a recipient"));

    // Reporting lines.
    let entry = audit(Action::ReportingLineChange);
    s.set_reporting_line(w.agencies[3].id, Some(w.agencies[1].id), t0(), &entry)
        .await
        .expect("set");
    s.set_reporting_line(w.agencies[3].id, Some(w.agencies[0].id), t0(), &entry)
        .await
        .expect("replace");
    assert_eq!(
        s.reporting_lines().await.expect("lines"),
        vec![(w.agencies[3].id, w.agencies[0].id)]
    );
    s.set_reporting_line(w.agencies[3].id, None, t0(), &entry)
        .await
        .expect("remove");
    assert!(s.reporting_lines().await.expect("lines").is_empty());

    // E-mail addresses.
    let entry = audit(Action::UserEmailChange);
    assert!(s
        .set_user_email(w.users[1].id, Some("kepala@bnnp-jambi.example.id"), &entry)
        .await
        .expect("email"));
    assert_eq!(
        s.user_email(w.users[1].id).await.expect("read"),
        Some("kepala@bnnp-jambi.example.id".into())
    );
    assert_eq!(
        s.user_emails(&[w.users[0].id, w.users[1].id])
            .await
            .expect("emails"),
        vec![(w.users[1].id, "kepala@bnnp-jambi.example.id".to_string())]
    );
    assert!(s
        .set_user_email(w.users[1].id, None, &entry)
        .await
        .expect("clear"));
    assert_eq!(s.user_email(w.users[1].id).await.expect("read"), None);
}
