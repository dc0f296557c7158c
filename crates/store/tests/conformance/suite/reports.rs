//! Conformance: report types, reports, lists, attachments, regions.

use super::*;

pub async fn report_types_round_trip(s: &dyn Store) {
    s.seed_report_types(&builtin()).await.expect("seed");
    s.seed_report_types(&builtin())
        .await
        .expect("seed twice changes nothing");
    assert_eq!(s.report_types().await.expect("types"), builtin());
}

pub async fn reports_insert_is_idempotent_and_updates_are_versioned(s: &dyn Store) {
    let w = world(s).await;
    let r = report(
        1,
        &w.agencies[1],
        &w.users[1],
        Sensitivity::Internal,
        103.6,
        -1.6,
    );
    assert_eq!(
        s.insert_report(
            &r,
            &created(&w.users[1], r.created_at),
            &audit(Action::ReportCreate)
        )
        .await
        .expect("insert"),
        InsertOutcome::Inserted
    );
    let again = s
        .insert_report(
            &r,
            &created(&w.users[1], r.created_at),
            &audit(Action::ReportCreate),
        )
        .await
        .expect("again");
    assert_eq!(again, InsertOutcome::Exists(Box::new(r.clone())));
    assert_eq!(s.report(r.id).await.expect("get"), Some(r.clone()));
    assert_eq!(s.report_total().await.expect("total"), 1);

    let mut changed = r.clone();
    changed.title = "Judul baru".into();
    changed.status = Status::Verified;
    changed.version = 2;
    let mut ev = created(&w.users[1], r.created_at);
    ev.event.kind = "status".into();
    ev.event.version = 2;
    assert_eq!(
        s.update_report(&changed, 1, &ev, &audit(Action::ReportUpdate))
            .await
            .expect("update"),
        UpdateOutcome::Updated
    );
    assert_eq!(
        s.update_report(&changed, 1, &ev, &audit(Action::ReportUpdate))
            .await
            .expect("stale"),
        UpdateOutcome::VersionMismatch(2)
    );
    let mut ghost = changed.clone();
    ghost.id = ReportId::new_at(t0(), rid(4242));
    assert_eq!(
        s.update_report(&ghost, 1, &ev, &audit(Action::ReportUpdate))
            .await
            .expect("ghost"),
        UpdateOutcome::NotFound
    );
    assert_eq!(
        s.report(r.id).await.expect("get").expect("exists").title,
        "Judul baru"
    );
    let events = s.report_events(r.id).await.expect("events");
    assert_eq!(events.len(), 2);
    assert_eq!(events[1].kind, "status");
    assert_eq!(events[0].actor_username, "user1");

    // A batch: new reports stored with their events and chained audit entries in one
    // go; one whose id is taken is answered with the stored report and writes nothing.
    let before = s
        .audit_entries(&AuditFilter {
            ascending: true,
            limit: 1000,
            ..Default::default()
        })
        .await
        .expect("entries")
        .len();
    let batch: Vec<_> = (10..13u64)
        .map(|n| {
            let b = report(
                n,
                &w.agencies[1],
                &w.users[1],
                Sensitivity::Internal,
                103.7,
                -1.6,
            );
            let ev = created(&w.users[1], b.created_at);
            (b, ev, audit(Action::ReportCreate))
        })
        .chain(std::iter::once((
            r.clone(),
            created(&w.users[1], r.created_at),
            audit(Action::ReportCreate),
        )))
        .collect();
    let outcomes = s.insert_reports(&batch).await.expect("batch");
    assert_eq!(
        &outcomes[..3],
        &[
            InsertOutcome::Inserted,
            InsertOutcome::Inserted,
            InsertOutcome::Inserted
        ]
    );
    let InsertOutcome::Exists(stored) = &outcomes[3] else {
        panic!("the taken id is answered with the stored report")
    };
    assert_eq!(stored.title, "Judul baru");
    assert_eq!(s.report_total().await.expect("total"), 4);
    for (b, _, _) in &batch[..3] {
        assert_eq!(s.report(b.id).await.expect("get").as_ref(), Some(b));
        assert_eq!(s.report_events(b.id).await.expect("events").len(), 1);
    }
    let mut got = s
        .reports_by_ids(&batch.iter().map(|(b, _, _)| b.id).collect::<Vec<_>>())
        .await
        .expect("by ids");
    got.sort_by_key(|r| r.id);
    let mut want: Vec<Report> = batch[..3].iter().map(|(b, _, _)| b.clone()).collect();
    want.push(s.report(r.id).await.expect("get").expect("stored"));
    want.sort_by_key(|r| r.id);
    assert_eq!(got, want);
    let trail = s
        .audit_entries(&AuditFilter {
            ascending: true,
            limit: 1000,
            ..Default::default()
        })
        .await
        .expect("entries");
    assert_eq!(trail.len(), before + 3, "one entry per stored report");
    assert_eq!(verify(&trail), Ok(trail.len() as u64));
    // The same batch again writes nothing.
    let again = s.insert_reports(&batch).await.expect("again");
    assert!(again.iter().all(|o| matches!(o, InsertOutcome::Exists(_))));
    assert_eq!(s.report_total().await.expect("total"), 4);
}

pub async fn list_filters_and_paging(s: &dyn Store) {
    let w = world(s).await;
    let mut all = Vec::new();
    for n in 1..=30u64 {
        let lon = 100.0 + n as f64 * 0.2;
        all.push(report(
            n,
            &w.agencies[(n % 4) as usize],
            &w.users[(n % 4) as usize],
            Sensitivity::Public,
            lon,
            -1.5,
        ));
    }
    s.bulk_insert_reports(&all).await.expect("bulk");
    let ids = |v: Vec<Report>| v.into_iter().map(|r| r.title).collect::<Vec<_>>();
    let base = ReportFilter {
        limit: 100,
        ..Default::default()
    };

    let page = s.list_reports(None, &base).await.expect("all");
    assert_eq!(page.len(), 30);
    assert_eq!(page[0].title, "Laporan nomor 30", "newest first");

    let f = ReportFilter {
        bbox: Some(Bbox {
            min_lon: 100.9,
            min_lat: -2.0,
            max_lon: 101.5,
            max_lat: -1.0,
        }),
        ..base.clone()
    };
    assert_eq!(
        ids(s.list_reports(None, &f).await.expect("bbox")),
        ["Laporan nomor 7", "Laporan nomor 6", "Laporan nomor 5"]
    );
    // Widened for records that may be delivered coarsened (ADR 9): another agency's
    // records of the listed type also match within the grown box (0.1°) or by their
    // district; the viewer's own agency's never do.
    let narrow = ReportFilter {
        bbox: Some(Bbox {
            min_lon: 101.05,
            min_lat: -2.0,
            max_lon: 101.35,
            max_lat: -1.0,
        }),
        ..base.clone()
    };
    let widened = narrow.widened(
        Some(Vec::new()),
        sinergi_core::query::BboxWidening {
            viewer_agency: Some(w.agencies[1].id),
            types: vec!["narcotics_arrest".into()],
            ..Default::default()
        },
    );
    assert_eq!(
        ids(s.list_reports(None, &widened).await.expect("widened bbox")),
        ["Laporan nomor 7", "Laporan nomor 6"],
        "5 is the viewer agency's own"
    );
    let by_district = narrow.widened(
        Some(vec!["15.04.03".into()]),
        sinergi_core::query::BboxWidening {
            viewer_agency: Some(w.agencies[1].id),
            types: vec!["narcotics_arrest".into()],
            ..Default::default()
        },
    );
    assert_eq!(
        ids(s.list_reports(None, &by_district).await.expect("district")),
        [
            "Laporan nomor 27",
            "Laporan nomor 15",
            "Laporan nomor 7",
            "Laporan nomor 6",
            "Laporan nomor 3"
        ],
        "odd reports in district 15.04.03 of other agencies (9 and 21 are the viewer's)"
    );
    let by_pair = narrow.widened(
        None,
        sinergi_core::query::BboxWidening {
            viewer_agency: Some(w.agencies[0].id),
            pairs: vec![(w.agencies[2].id, "snare_found".into())],
            ..Default::default()
        },
    );
    let got = ids(s
        .list_reports(None, &by_pair)
        .await
        .expect("pair, no box limit"));
    assert_eq!(
        got.len(),
        8,
        "every snare report of agency 2, anywhere: {got:?}"
    );

    let f = ReportFilter {
        datetime: Some(Interval {
            start: Some(t0() + Duration::hours(28)),
            end: None,
        }),
        ..base.clone()
    };
    assert_eq!(s.list_reports(None, &f).await.expect("datetime").len(), 3);

    let f = ReportFilter {
        type_key: Some("snare_found".into()),
        ..base.clone()
    };
    assert_eq!(s.list_reports(None, &f).await.expect("type").len(), 15);

    let f = ReportFilter {
        region_prefix: Some("15".into()),
        ..base.clone()
    };
    assert_eq!(s.list_reports(None, &f).await.expect("region").len(), 10);
    let f = ReportFilter {
        region_prefix: Some("31.73".into()),
        ..base.clone()
    };
    assert_eq!(
        s.list_reports(None, &f).await.expect("region exact").len(),
        20
    );
    let f = ReportFilter {
        region_prefix: Some("31.7".into()),
        ..base.clone()
    };
    assert_eq!(
        s.list_reports(None, &f)
            .await
            .expect("no partial segment")
            .len(),
        0
    );

    let f = ReportFilter {
        agency: Some(w.agencies[3].id),
        ..base.clone()
    };
    assert_eq!(s.list_reports(None, &f).await.expect("agency").len(), 7);

    let f = ReportFilter {
        q: Some("JERAT".into()),
        ..base.clone()
    };
    assert_eq!(
        s.list_reports(None, &f).await.expect("q").len(),
        6,
        "case-insensitive search"
    );
    let f = ReportFilter {
        q: Some("_100%".into()),
        ..base.clone()
    };
    assert_eq!(
        s.list_reports(None, &f).await.expect("q literal").len(),
        6,
        "wildcards are literal"
    );
    let f = ReportFilter {
        q: Some("x%y".into()),
        ..base.clone()
    };
    assert_eq!(s.list_reports(None, &f).await.expect("q none").len(), 0);

    let f = ReportFilter {
        status: Some(Status::Closed),
        ..base.clone()
    };
    assert!(s.list_reports(None, &f).await.expect("status").is_empty());

    // Paging with a cursor visits every report exactly once.
    let mut seen = Vec::new();
    let mut f = ReportFilter {
        limit: 7,
        ..Default::default()
    };
    loop {
        let mut page = s.list_reports(None, &f).await.expect("page");
        let more = page.len() > 7;
        page.truncate(7);
        let last = page.last().map(|r| Cursor {
            occurred_at_ms: r.occurred_at.timestamp_millis(),
            id: r.id,
        });
        seen.extend(page.into_iter().map(|r| r.id));
        if !more {
            break;
        }
        f.cursor = last;
    }
    let mut dedup = seen.clone();
    dedup.sort();
    dedup.dedup();
    assert_eq!(seen.len(), 30);
    assert_eq!(dedup.len(), 30);
}

pub async fn attachments_are_deduplicated(s: &dyn Store) {
    let w = world(s).await;
    let r = report(
        2,
        &w.agencies[0],
        &w.users[0],
        Sensitivity::Public,
        103.0,
        -1.0,
    );
    s.insert_report(
        &r,
        &created(&w.users[0], r.created_at),
        &audit(Action::ReportCreate),
    )
    .await
    .expect("insert");
    let a = Attachment {
        id: AttachmentId::new_at(t0(), rid(1)),
        report_id: r.id,
        sha256: "ff".repeat(32),
        filename: "foto.jpg".into(),
        content_type: "image/jpeg".into(),
        size: 10,
        uploaded_by: w.users[0].id,
        created_at: t0(),
    };
    assert_eq!(
        s.insert_attachment(&a, &audit(Action::AttachmentAdd))
            .await
            .expect("first"),
        None
    );
    let again = Attachment {
        id: AttachmentId::new_at(t0(), rid(2)),
        ..a.clone()
    };
    assert_eq!(
        s.insert_attachment(&again, &audit(Action::AttachmentAdd))
            .await
            .expect("second"),
        Some(a.clone())
    );
    assert_eq!(s.attachments(r.id).await.expect("list"), vec![a.clone()]);
    assert_eq!(s.attachment(a.id).await.expect("get"), Some(a));
}

pub async fn regions_load_once(s: &dyn Store) {
    let rows = vec![
        RegionRow {
            code: "15".into(),
            name: "Jambi".into(),
            level: 1,
            parent_code: None,
            lon: 102.7,
            lat: -1.7,
        },
        RegionRow {
            code: "15.04".into(),
            name: "Kabupaten Batanghari".into(),
            level: 2,
            parent_code: Some("15".into()),
            lon: 103.1,
            lat: -1.75,
        },
    ];
    s.load_regions(&rows).await.expect("load");
    s.load_regions(&rows).await.expect("load again");
    assert_eq!(s.region_count().await.expect("count"), 2);
    s.ping().await.expect("ping");
}
