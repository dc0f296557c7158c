//! Conformance: the audit trail and its checkpoints.

use super::*;

/// Every write appends to one hash chain in the same transaction; a refused write
/// (stale version, duplicate) appends nothing.
pub async fn audit_trail_chains_every_write(s: &dyn Store) {
    let w = world(s).await;
    let r = report(
        1,
        &w.agencies[1],
        &w.users[1],
        Sensitivity::Internal,
        103.6,
        -1.6,
    );
    s.insert_report(
        &r,
        &created(&w.users[1], r.created_at),
        &audit_by(Action::ReportCreate, Some(w.agencies[1].id)),
    )
    .await
    .expect("insert");
    let mut changed = r.clone();
    changed.version = 2;
    let mut ev = created(&w.users[1], r.created_at);
    ev.event.version = 2;
    s.update_report(
        &changed,
        1,
        &ev,
        &audit_by(Action::ReportUpdate, Some(w.agencies[1].id)),
    )
    .await
    .expect("update");
    s.update_report(&changed, 1, &ev, &audit(Action::ReportUpdate))
        .await
        .expect("stale");
    s.insert_report(
        &r,
        &created(&w.users[1], r.created_at),
        &audit(Action::ReportCreate),
    )
    .await
    .expect("repeat");
    s.append_audit(&audit(Action::SignInFailed))
        .await
        .expect("append");

    let all = s
        .audit_entries(&AuditFilter {
            ascending: true,
            limit: 1000,
            ..Default::default()
        })
        .await
        .expect("entries");
    // 4 agencies + 4 users + create + update + the failed sign-in.
    assert_eq!(all.len(), 11);
    assert_eq!(verify(&all), Ok(11));
    let actions: Vec<&str> = all.iter().skip(8).map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["report_create", "report_update", "sign_in_failed"]
    );

    let mine = s
        .audit_entries(&AuditFilter {
            agencies: Some(vec![w.agencies[1].id]),
            limit: 10,
            ..Default::default()
        })
        .await
        .expect("agency entries");
    assert_eq!(
        mine.iter().map(|e| e.seq).collect::<Vec<_>>(),
        [10, 9, 6, 2],
        "newest first, own agency only"
    );
    let page = s
        .audit_entries(&AuditFilter {
            ascending: true,
            cursor: Some(9),
            limit: 1,
            ..Default::default()
        })
        .await
        .expect("page");
    assert_eq!(page[0].seq, 10);
    let filtered = s
        .audit_entries(&AuditFilter {
            action: Some("sign_in_failed".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .expect("by action");
    assert_eq!(filtered.len(), 1);
}

/// Checkpoints come back exactly as signed (so their signatures still verify), the head
/// is the newest entry, and report rows read back column by column have the content hash
/// of what was written — after an insert, an update and a bulk load alike.
pub async fn audit_checkpoints_and_stored_rows(s: &dyn Store) {
    use sinergi_core::checkpoint::AuditKey;
    use sinergi_core::report::StoredReport;
    assert_eq!(s.audit_head().await.expect("head"), None);
    assert!(s
        .audit_checkpoints(true, 10)
        .await
        .expect("none")
        .is_empty());
    let w = world(s).await;
    let head = s.audit_head().await.expect("head").expect("some");
    assert_eq!(head.0, 8);
    let key = AuditKey::from_seed([4; 32]);
    let at = t0() + Duration::milliseconds(123);
    let first = key.sign(head.0, &head.1, at);
    s.insert_audit_checkpoint(&first).await.expect("insert");

    let mut r = report(
        1,
        &w.agencies[1],
        &w.users[1],
        Sensitivity::Internal,
        103.612_345_678_901_23,
        -1.600_000_000_000_1,
    );
    r.attributes = json!({"depth_m": 0.1 + 0.2, "note": "ü\u{1F418}", "n": 3})
        .as_object()
        .cloned()
        .unwrap_or_default();
    s.insert_report(
        &r,
        &created(&w.users[1], r.created_at),
        &audit(Action::ReportCreate),
    )
    .await
    .expect("insert");
    let mut changed = r.clone();
    changed.version = 2;
    changed.title = "Diubah".into();
    changed.geometry = ReportGeometry::point(1.0 / 3.0, -2.0 / 7.0).expect("point");
    changed.status = Status::Verified;
    let mut ev = created(&w.users[1], r.created_at);
    ev.event.version = 2;
    s.update_report(&changed, 1, &ev, &audit(Action::ReportUpdate))
        .await
        .expect("update");
    let bulk: Vec<Report> = (2..=4)
        .map(|n| {
            report(
                n,
                &w.agencies[0],
                &w.users[0],
                Sensitivity::Public,
                101.0,
                -2.0,
            )
        })
        .collect();
    s.bulk_insert_reports(&bulk).await.expect("bulk");

    let head2 = s.audit_head().await.expect("head").expect("some");
    assert_eq!(head2.0, 10);
    let second = key.sign(head2.0, &head2.1, at + Duration::minutes(5));
    s.insert_audit_checkpoint(&second).await.expect("insert");
    let trusted = [key.public_key()];
    let oldest_first = s.audit_checkpoints(false, 10).await.expect("list");
    assert_eq!(oldest_first, [first.clone(), second.clone()]);
    for c in &oldest_first {
        assert_eq!(c.check_signature(&trusted), Ok(()));
    }
    assert_eq!(
        s.audit_checkpoints(true, 1).await.expect("newest"),
        [second]
    );

    let mut rows = Vec::new();
    let mut after = None;
    loop {
        let page = s.stored_reports(after, 2).await.expect("rows");
        after = page.last().map(|r| r.id);
        let done = page.len() < 2;
        rows.extend(page);
        if done {
            break;
        }
    }
    assert_eq!(rows.len(), 4);
    assert!(rows.windows(2).all(|w| w[0].id < w[1].id), "ordered by id");
    let mut written = bulk.clone();
    written.push(changed.clone());
    for r in &written {
        let stored = rows.iter().find(|x| x.id == r.id).expect("stored");
        assert_eq!(stored, &StoredReport::of(r), "{}", r.id);
        assert_eq!(
            stored.content_sha256(),
            StoredReport::of(r).content_sha256()
        );
    }
}
