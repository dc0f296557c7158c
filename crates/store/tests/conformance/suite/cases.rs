//! Conformance: cases, their steps, persons, referrals and transfers, the funnel and the
//! victim counts (ADR 31).

use chrono::NaiveDate;
use rand::rngs::OsRng;
use sinergi_core::agreement::{Agreement, AgreementStatus, Clause};
use sinergi_core::case::{
    Case, CaseDates, CaseFacts, CaseId, CaseParty, Offence, OffenceKind, PartyRole, Person,
    PersonId, PersonShare, ProcedureCode, ServiceKind, ServiceReferral, ServiceStatus, Stage,
    StageDocument, StageEvent, StageEventId, Transfer, TransferId, TransferStatus, Verdict,
    VictimFacts, DEFAULT_NUMBER_FORMAT,
};
use sinergi_core::ids::AgreementId;
use sinergi_core::protect::{KeyRing, PersonRole, SealedRecord};
use sinergi_store::cases::{CaseQuery, StepOutcome};

use super::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn ring() -> KeyRing {
    KeyRing::parse(&KeyRing::generate("k1", &mut OsRng).expect("key text")).expect("ring")
}

fn case(n: u64, owner: &Agency, by: &User, region: &str, opened: NaiveDate) -> Case {
    Case {
        id: CaseId::new_at(t0(), rid(500 + n)),
        number: String::new(),
        owner_agency_id: owner.id,
        law: ProcedureCode::Kuhap1981,
        title: format!("Perkara {n}"),
        summary: None,
        offence: Offence {
            kind: OffenceKind::Narcotics,
            law: "UU 35/2009".into(),
            article: "Pasal 114".into(),
            max_penalty_years: Some(20),
        },
        region_code: region.into(),
        opened_on: opened,
        stage: Stage::Laporan,
        stage_since: opened,
        facts: CaseFacts::default(),
        dates: CaseDates::default(),
        returns: 0,
        verdict: None,
        p21_on: None,
        verdict_on: None,
        next_due_on: None,
        reports: vec![],
        parties: vec![],
        version: 1,
        created_by: by.id,
        created_at: t0(),
        updated_by: by.id,
        updated_at: t0(),
    }
}

fn doc(number: &str, date: NaiveDate) -> StageDocument {
    StageDocument {
        number: Some(number.into()),
        date,
        notes: None,
    }
}

/// Records `to` on `c` (at its version); answers the case after it.
async fn step(
    s: &dyn Store,
    c: &Case,
    to: Stage,
    d: StageDocument,
    verdict: Option<Verdict>,
) -> Case {
    let mut n = c.after_step(to, &d, verdict);
    n.version = c.version + 1;
    let e = StageEvent {
        id: StageEventId::new_at(
            t0(),
            rid(900 + n.version as u64 + c.id.0.as_u128() as u64 % 97),
        ),
        case_id: c.id,
        from: c.stage,
        to,
        document: d,
        verdict,
        scan: None,
        recorded_by: c.created_by,
        recorded_at: t0(),
    };
    assert_eq!(
        s.record_step(&n, c.version, &e, &audit(Action::CaseStageRecord))
            .await
            .expect("step"),
        StepOutcome::Recorded
    );
    n
}

pub async fn cases_are_numbered_stepped_sealed_and_handed_over(s: &dyn Store) {
    let w = world(s).await;
    let (bnnk, polda) = (&w.agencies[2], &w.agencies[3]);
    let by = &w.users[2];
    // Numbers come from the owner's sequence of the year, without gaps.
    let mut a = case(1, bnnk, by, "15.04.01", day(2025, 3, 2));
    let mut b = case(2, bnnk, by, "15.71", day(2025, 4, 9));
    b.parties.push(CaseParty {
        agency_id: polda.id,
        role: PartyRole::Prosecutor,
    });
    a.number = s
        .insert_case(
            &a,
            DEFAULT_NUMBER_FORMAT,
            "BNNK-BATANGHARI",
            &audit(Action::CaseCreate),
        )
        .await
        .expect("insert")
        .expect("new");
    b.number = s
        .insert_case(
            &b,
            DEFAULT_NUMBER_FORMAT,
            "BNNK-BATANGHARI",
            &audit(Action::CaseCreate),
        )
        .await
        .expect("insert")
        .expect("new");
    assert_eq!(a.number, "LP/A/1/III/2025/BNNK-BATANGHARI");
    assert_eq!(b.number, "LP/A/2/IV/2025/BNNK-BATANGHARI");
    assert_eq!(
        s.insert_case(
            &a,
            DEFAULT_NUMBER_FORMAT,
            "BNNK-BATANGHARI",
            &audit(Action::CaseCreate)
        )
        .await
        .expect("again"),
        None,
        "the same id twice is not a second case"
    );
    let c = case(3, bnnk, by, "15.04", day(2026, 1, 5));
    let n3 = s
        .insert_case(
            &c,
            DEFAULT_NUMBER_FORMAT,
            "BNNK-BATANGHARI",
            &audit(Action::CaseCreate),
        )
        .await
        .expect("insert")
        .expect("new");
    assert_eq!(
        n3, "LP/A/1/I/2026/BNNK-BATANGHARI",
        "a new year starts again at 1"
    );
    let stored = s.case(b.id).await.expect("read").expect("case");
    assert_eq!(stored.number, b.number);
    assert_eq!(stored.parties, b.parties);
    assert_eq!(stored.offence, b.offence);

    // Steps: recorded with the case; a stale version and a document number used twice
    // for the same stage are refused with nothing written.
    let a1 = step(
        s,
        &a,
        Stage::Penyidikan,
        doc("Sprindik/1", day(2025, 3, 5)),
        None,
    )
    .await;
    assert_eq!(a1.next_due_on, Some(day(2025, 3, 12)));
    let stale = a1.after_step(Stage::Spdp, &doc("SPDP/1", day(2025, 3, 6)), None);
    let e = StageEvent {
        id: StageEventId::new_at(t0(), rid(990)),
        case_id: a.id,
        from: Stage::Penyidikan,
        to: Stage::Spdp,
        document: doc("SPDP/1", day(2025, 3, 6)),
        verdict: None,
        scan: None,
        recorded_by: by.id,
        recorded_at: t0(),
    };
    assert_eq!(
        s.record_step(&stale, 1, &e, &audit(Action::CaseStageRecord))
            .await
            .expect("stale"),
        StepOutcome::VersionMismatch(2)
    );
    let a2 = step(s, &a1, Stage::Spdp, doc("SPDP/1", day(2025, 3, 6)), None).await;
    let a3 = step(s, &a2, Stage::P16, doc("P16/1", day(2025, 3, 8)), None).await;
    let a4 = step(s, &a3, Stage::Tahap1, doc("BP/1", day(2025, 4, 1)), None).await;
    let a5 = step(s, &a4, Stage::P19, doc("P19/1", day(2025, 4, 5)), None).await;
    let a6 = step(s, &a5, Stage::Tahap1, doc("BP/2", day(2025, 4, 12)), None).await;
    let mut again = a6.after_step(Stage::P19, &doc("P19/1", day(2025, 4, 14)), None);
    again.version = a6.version + 1;
    let e = StageEvent {
        id: StageEventId::new_at(t0(), rid(991)),
        case_id: a.id,
        from: Stage::Tahap1,
        to: Stage::P19,
        document: doc("P19/1", day(2025, 4, 14)),
        verdict: None,
        scan: None,
        recorded_by: by.id,
        recorded_at: t0(),
    };
    assert_eq!(
        s.record_step(&again, a6.version, &e, &audit(Action::CaseStageRecord))
            .await
            .expect("twice"),
        StepOutcome::DocumentNumberUsed
    );
    assert_eq!(
        s.case(a.id).await.expect("read").expect("case").version,
        a6.version
    );
    let a7 = step(s, &a6, Stage::P21, doc("P21/1", day(2025, 4, 15)), None).await;
    let a8 = step(s, &a7, Stage::Tahap2, doc("T2/1", day(2025, 4, 20)), None).await;
    let a9 = step(s, &a8, Stage::P29, doc("P29/1", day(2025, 5, 1)), None).await;
    let a10 = step(s, &a9, Stage::P31, doc("P31/1", day(2025, 5, 2)), None).await;
    let a11 = step(
        s,
        &a10,
        Stage::Sidang,
        doc("12/Pid.Sus/2025/PN Mbn", day(2025, 5, 10)),
        None,
    )
    .await;
    let a12 = step(
        s,
        &a11,
        Stage::Putusan,
        doc("12/Pid.Sus/2025/PN Mbn", day(2025, 7, 1)),
        Some(Verdict::Convicted),
    )
    .await;
    let events = s.stage_events(a.id).await.expect("events");
    assert_eq!(events.len(), 12);
    assert_eq!(events[4].to, Stage::P19);
    assert_eq!(events[11].verdict, Some(Verdict::Convicted));
    let stored = s.case(a.id).await.expect("read").expect("case");
    assert_eq!(
        stored,
        Case {
            number: a.number.clone(),
            ..a12.clone()
        }
    );
    assert_eq!(stored.returns, 1);

    // Lists: by owner, by party, by region, by stage, by deadline.
    let q = |owners: Vec<AgencyId>, party: Option<AgencyId>| CaseQuery {
        owners,
        party,
        limit: 50,
        ..CaseQuery::default()
    };
    assert_eq!(
        s.count_cases(&q(vec![bnnk.id], None)).await.expect("count"),
        3
    );
    assert_eq!(s.count_cases(&q(vec![], None)).await.expect("count"), 0);
    let seen = s.cases(&q(vec![], Some(polda.id))).await.expect("party");
    assert_eq!(seen.iter().map(|c| c.id).collect::<Vec<_>>(), vec![b.id]);
    let mut r = q(vec![bnnk.id], None);
    r.region = Some("15.04".into());
    let ids: Vec<CaseId> = s
        .cases(&r)
        .await
        .expect("region")
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(
        ids,
        vec![c.id, a.id],
        "15.04 and 15.04.01, the latest opened first; not 15.71"
    );
    r.region = Some("15.0".into());
    assert_eq!(
        s.count_cases(&r).await.expect("count"),
        0,
        "a prefix is whole parts only"
    );
    let mut due = q(vec![bnnk.id], None);
    due.due_by = Some(day(2025, 7, 8));
    let ids: Vec<CaseId> = s
        .cases(&due)
        .await
        .expect("due")
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(ids, vec![a.id], "the appeal window ends on 8 July");
    due.due_by = Some(day(2025, 7, 7));
    assert_eq!(s.count_cases(&due).await.expect("due"), 0);

    // Persons: a sealed record stored whole; the same id twice refused.
    let keys = ring();
    let pid = PersonId::new_at(t0(), rid(700));
    let sealed = SealedRecord::seal(&keys, pid.0, &[("name", b"Siti")], &mut OsRng).expect("seal");
    let p = Person {
        id: pid,
        case_id: b.id,
        role: PersonRole::Victim,
        suspect_name: None,
        suspect_identity: None,
        sealed: Some(sealed.clone()),
        child: true,
        victim: VictimFacts {
            origin_region: Some("61.06".into()),
            destination_country: Some("MY".into()),
            repatriated_on: Some(day(2025, 2, 10)),
            border_post: Some("Entikong".into()),
        },
        services: vec![ServiceReferral {
            service: ServiceKind::Shelter,
            status: ServiceStatus::Referred,
            since: day(2025, 2, 11),
        }],
        handler_id: None,
        created_by: by.id,
        created_at: t0(),
        shredded_at: None,
    };
    assert!(s
        .insert_person(&p, &audit(Action::CasePersonAdd))
        .await
        .expect("person"));
    assert!(!s
        .insert_person(&p, &audit(Action::CasePersonAdd))
        .await
        .expect("again"));
    let got = s.person(pid).await.expect("read").expect("person");
    assert_eq!(got, p);
    assert_eq!(
        &got.sealed
            .as_ref()
            .expect("sealed")
            .open_field(&keys, pid.0, "name")
            .expect("open")[..],
        b"Siti"
    );
    assert_eq!(
        s.sealing_keys().await.expect("keys"),
        vec![(bnnk.id, "k1".to_string())]
    );
    assert!(s
        .set_service(
            pid,
            &ServiceReferral {
                service: ServiceKind::Shelter,
                status: ServiceStatus::Completed,
                since: day(2025, 3, 1)
            },
            &audit(Action::CaseServiceUpdate)
        )
        .await
        .expect("service"));
    assert!(s
        .set_service(
            pid,
            &ServiceReferral {
                service: ServiceKind::Health,
                status: ServiceStatus::InProgress,
                since: day(2025, 3, 1)
            },
            &audit(Action::CaseServiceUpdate)
        )
        .await
        .expect("service"));
    let got = s.persons(b.id).await.expect("persons");
    assert_eq!(got[0].services.len(), 2);
    assert_eq!(
        got[0].services[1].status,
        ServiceStatus::Completed,
        "shelter, updated"
    );

    // Counts without names.
    let all = q(vec![bnnk.id], None);
    let v = s.victim_counts(&all).await.expect("victims");
    assert_eq!(v.len(), 1);
    assert_eq!((v[0].victims, v[0].children), (1, 1));
    assert_eq!(v[0].month.as_deref(), Some("2025-02"));
    let sv = s.service_counts(&all).await.expect("services");
    assert_eq!(sv.len(), 2);
    let f = s.funnel(&all).await.expect("funnel");
    let y2025: Vec<_> = f.iter().filter(|r| r.year == 2025).collect();
    assert_eq!(y2025.len(), 2, "15.04 and 15.71: {f:?}");
    let r1504 = y2025
        .iter()
        .find(|r| r.region_code == "15.04")
        .expect("15.04");
    assert_eq!(
        (r1504.cases, r1504.p21, r1504.verdicts, r1504.convicted),
        (1, 1, 1, 1)
    );
    let times = s.stage_times(&all).await.expect("times");
    let laporan = times
        .iter()
        .find(|t| t.stage == Stage::Laporan)
        .expect("laporan");
    assert_eq!(
        laporan.mean_days, 3.0,
        "opened 2 March, investigation ordered 5 March"
    );

    // A share with the prosecutor on the case, under an agreement: one per agency (a
    // second replaces the first), withdrawn once.
    let agreement = Agreement {
        id: AgreementId::new_at(t0(), rid(790)),
        title: "PKS BNNK – Polda".into(),
        number: "PKS/1/2025".into(),
        legal_basis: String::new(),
        parties: vec![bnnk.id, polda.id],
        approvals: vec![bnnk.id, polda.id],
        valid_from: day(2025, 1, 1),
        valid_until: day(2027, 12, 31),
        status: AgreementStatus::Active,
        clauses: vec![Clause {
            from: Some(bnnk.id),
            to: vec![polda.id],
            report_types: vec!["narcotics_arrest".into()],
            categories: vec![],
            max_sensitivity: Sensitivity::Restricted,
            withheld_fields: vec![],
            precision: Precision::Exact,
            include_subagencies: false,
            protected_persons: vec![PersonRole::Victim],
        }],
        documents: Vec::new(),
        version: 1,
        created_by: by.id,
        created_at: t0(),
        updated_at: t0(),
    };
    s.insert_agreement(&agreement, &audit(Action::AgreementCreate))
        .await
        .expect("agreement");
    let other = ring();
    let share = |purpose: &str| PersonShare {
        person_id: pid,
        agency_id: polda.id,
        agreement_id: agreement.id,
        grant: sealed
            .grant(&keys, &other, pid.0, &mut OsRng)
            .expect("grant"),
        purpose: purpose.into(),
        shared_by: by.id,
        shared_at: t0(),
    };
    let first = share("Pemeriksaan saksi korban");
    assert!(s
        .share_person(&first, &audit(Action::CasePersonShare))
        .await
        .expect("share"));
    let second = share("Penyusunan dakwaan");
    assert!(s
        .share_person(&second, &audit(Action::CasePersonShare))
        .await
        .expect("share again"));
    assert_eq!(
        s.person_shares(b.id).await.expect("shares"),
        vec![second.clone()]
    );
    assert!(s.person_shares(a.id).await.expect("shares").is_empty());
    assert!(s
        .unshare_person(pid, polda.id, &audit(Action::CasePersonUnshare))
        .await
        .expect("unshare"));
    assert!(!s
        .unshare_person(pid, polda.id, &audit(Action::CasePersonUnshare))
        .await
        .expect("unshare twice"));
    assert!(s
        .share_person(&first, &audit(Action::CasePersonShare))
        .await
        .expect("share"));

    // Shredding keeps the person and drops the key, and every share with it.
    let mut shredded = sealed.clone();
    shredded.shred();
    assert!(s
        .reseal_person(pid, &shredded, Some(t0()), &audit(Action::CasePersonShred))
        .await
        .expect("shred"));
    let got = s.person(pid).await.expect("read").expect("person");
    assert!(got.sealed.as_ref().expect("sealed").is_shredded());
    assert!(got.shredded_at.is_some());
    assert_eq!(s.sealing_keys().await.expect("keys"), vec![]);
    assert!(s.person_shares(b.id).await.expect("shares").is_empty());
    assert!(
        !s.share_person(&first, &audit(Action::CasePersonShare))
            .await
            .expect("share an erased person"),
        "an erased person is never shared"
    );

    // A transfer: one open at a time; accepted once; the owner moves, the old owner
    // stays as supporting, the persons re-sealed.
    // A step of b, ten days after it opened: its days count for its owner until it moves.
    let b1 = step(
        s,
        &b,
        Stage::Penyidikan,
        doc("Sprindik/B", day(2025, 4, 19)),
        None,
    )
    .await;
    let times_of = |owners: Vec<AgencyId>| CaseQuery {
        owners,
        limit: 50,
        region: Some("15".into()),
        ..CaseQuery::default()
    };
    let laporan_days = |t: Vec<sinergi_store::cases::StageTime>| {
        t.iter()
            .find(|x| x.stage == Stage::Laporan)
            .map(|x| (x.steps, x.mean_days))
    };
    assert_eq!(
        laporan_days(
            s.stage_times(&times_of(vec![bnnk.id]))
                .await
                .expect("times")
        ),
        Some((2, 6.5)),
        "3 days for a, 10 for b"
    );
    let t = Transfer {
        id: TransferId::new_at(t0(), rid(800)),
        case_id: b.id,
        from_agency_id: bnnk.id,
        to_agency_id: polda.id,
        note: Some("lintas provinsi".into()),
        status: TransferStatus::Requested,
        requested_by: by.id,
        requested_at: t0(),
        decided_by: None,
        decided_at: None,
        decision_note: None,
    };
    assert!(s
        .insert_transfer(&t, &audit(Action::CaseTransferRequest))
        .await
        .expect("transfer"));
    let t2 = Transfer {
        id: TransferId::new_at(t0(), rid(801)),
        ..t.clone()
    };
    assert!(!s
        .insert_transfer(&t2, &audit(Action::CaseTransferRequest))
        .await
        .expect("second"));
    assert_eq!(
        s.incoming_transfers(polda.id).await.expect("incoming"),
        vec![t.clone()]
    );
    let accepted = Transfer {
        status: TransferStatus::Accepted,
        decided_by: Some(w.users[3].id),
        decided_at: Some(t0()),
        ..t.clone()
    };
    let other = ring();
    let mut moved = sealed.clone();
    moved
        .rewrap_to(&keys, &other, pid.0, &mut OsRng)
        .expect("rewrap");
    assert!(!s
        .decide_transfer(
            &accepted,
            7,
            &[(pid, moved.clone())],
            &audit(Action::CaseTransferDecide)
        )
        .await
        .expect("stale"));
    assert!(s
        .decide_transfer(
            &accepted,
            b1.version,
            &[(pid, moved.clone())],
            &audit(Action::CaseTransferDecide)
        )
        .await
        .expect("accept"));
    assert!(!s
        .decide_transfer(
            &accepted,
            b1.version + 1,
            &[],
            &audit(Action::CaseTransferDecide)
        )
        .await
        .expect("once"));
    let got = s.case(b.id).await.expect("read").expect("case");
    assert_eq!(got.owner_agency_id, polda.id);
    assert_eq!(
        got.parties,
        vec![CaseParty {
            agency_id: bnnk.id,
            role: PartyRole::Supporting
        }]
    );
    assert_eq!(got.version, b1.version + 1);
    // b's days moved with it.
    assert_eq!(
        laporan_days(
            s.stage_times(&times_of(vec![bnnk.id]))
                .await
                .expect("times")
        ),
        Some((1, 3.0))
    );
    assert_eq!(
        laporan_days(
            s.stage_times(&times_of(vec![polda.id]))
                .await
                .expect("times")
        ),
        Some((1, 10.0))
    );
    // The former owner, now on the case, counts it through the party branch.
    let mut party = times_of(vec![bnnk.id]);
    party.party = Some(bnnk.id);
    assert_eq!(
        laporan_days(s.stage_times(&party).await.expect("times")),
        Some((2, 6.5))
    );
    let f = s.funnel(&party).await.expect("funnel");
    assert_eq!(
        f.iter().map(|r| r.cases).sum::<i64>(),
        3,
        "a, b and c: {f:?}"
    );
    assert_eq!(
        s.incoming_transfers(polda.id).await.expect("incoming"),
        vec![]
    );
    assert_eq!(
        s.case_transfers(b.id).await.expect("list")[0].status,
        TransferStatus::Accepted
    );

    // Reminders of the earliest deadline: each level once.
    let due: Vec<CaseId> = s
        .cases_to_remind("overdue", day(2025, 7, 9), 10)
        .await
        .expect("to remind")
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(
        due,
        vec![b.id, a.id],
        "b's SPDP (26 April) before a's appeal window"
    );
    let notice = sinergi_store::Notification {
        id: NotificationId::new_at(t0(), rid(950)),
        user_id: by.id,
        kind: "case_deadline_overdue".into(),
        record_type: Some("case".into()),
        record_id: Some(a.id.to_string()),
        detail: json!({"due": "2025-07-08"}),
        created_at: t0(),
        read_at: None,
    };
    let notices = [notice];
    let entry = audit(Action::CaseDeadlineReminder);
    for (n, fresh) in [(1, true), (2, false)] {
        let sent = s
            .record_case_reminder(
                a.id,
                "overdue",
                day(2025, 7, 8),
                t0(),
                (&notices, &[]),
                &entry,
            )
            .await
            .expect("remind");
        assert_eq!(sent, fresh, "run {n}");
    }
    let ids = |v: Vec<Case>| v.iter().map(|c| c.id).collect::<Vec<_>>();
    assert_eq!(
        ids(s
            .cases_to_remind("overdue", day(2025, 7, 9), 10)
            .await
            .expect("left")),
        vec![b.id],
        "a's reminder was sent"
    );
    assert_eq!(
        ids(s
            .cases_to_remind("due_soon", day(2025, 7, 9), 10)
            .await
            .expect("other level")),
        vec![b.id, a.id]
    );
    assert_eq!(
        s.notifications(by.id, false, 50)
            .await
            .expect("notices")
            .len(),
        1
    );

    // Evidence: the seizure with the item, then steps in order; a step number taken once.
    use sinergi_core::case::{CustodyAction, CustodyEvent, CustodyId, Evidence, EvidenceId};
    let eid = EvidenceId::new_at(t0(), rid(960));
    let seized = CustodyEvent {
        id: CustodyId::new_at(t0(), rid(961)),
        evidence_id: eid,
        seq: 1,
        action: CustodyAction::Seized,
        on: day(2025, 3, 2),
        holder: "BNNK".into(),
        document_number: Some("BA/1".into()),
        note: None,
        recorded_by: by.id,
        recorded_at: t0(),
    };
    let item = Evidence {
        id: eid,
        case_id: a.id,
        description: "Sabu".into(),
        quantity: Some("12,5 g".into()),
        chain: vec![seized.clone()],
        created_by: by.id,
        created_at: t0(),
    };
    assert!(s
        .insert_evidence(&item, &audit(Action::CaseEvidenceAdd))
        .await
        .expect("item"));
    assert!(!s
        .insert_evidence(&item, &audit(Action::CaseEvidenceAdd))
        .await
        .expect("again"));
    let stored = CustodyEvent {
        id: CustodyId::new_at(t0(), rid(962)),
        seq: 2,
        action: CustodyAction::Stored,
        on: day(2025, 3, 3),
        ..seized.clone()
    };
    assert!(s
        .add_custody(&stored, &audit(Action::CaseCustodyRecord))
        .await
        .expect("step"));
    let racing = CustodyEvent {
        id: CustodyId::new_at(t0(), rid(963)),
        ..stored.clone()
    };
    assert!(!s
        .add_custody(&racing, &audit(Action::CaseCustodyRecord))
        .await
        .expect("race"));
    let got = s.evidence(a.id).await.expect("evidence");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].chain, vec![seized, stored]);
    assert_eq!(
        s.evidence_item(eid).await.expect("item"),
        Some(got[0].clone())
    );

    // Who opens protected identities.
    assert_eq!(s.decrypt_roles(bnnk.id).await.expect("roles"), None);
    s.set_decrypt_roles(
        bnnk.id,
        &["coordinator".into(), "field_officer".into()],
        by.id,
        t0(),
        &audit(Action::CaseSettingsChange),
    )
    .await
    .expect("set");
    assert_eq!(
        s.decrypt_roles(bnnk.id).await.expect("roles"),
        Some(vec!["coordinator".to_string(), "field_officer".to_string()])
    );
}
