//! Conformance: early warning: ingest, held fixes, fences.

use super::*;

pub async fn early_warning_ingest_is_idempotent_and_atomic(s: &dyn Store) {
    use sinergi_core::warning::{
        AlertId, Deployment, DeploymentId, Device, DeviceId, Fence, FenceId, Severity, Shape,
        Subject, SubjectId,
    };
    use sinergi_store::warning::{AlertFilter, AlertScope, Claim, NewAlert, NewFix};
    let w = world(s).await;
    let owner = w.agencies[1].id;
    let subject = Subject {
        id: SubjectId::new_at(t0(), rid(1)),
        owner_agency_id: owner,
        name: "Kelompok Bunga".into(),
        species: "gajah_sumatera".into(),
        kind: "herd".into(),
        sensitivity: Sensitivity::Restricted,
        notes: String::new(),
        created_at: t0(),
    };
    s.insert_subject(&subject, &audit(Action::WarningSetup))
        .await
        .expect("subject");
    let device = Device {
        id: DeviceId::new_at(t0(), rid(2)),
        serial: "KALUNG-07".into(),
        kind: "collar".into(),
        owner_agency_id: owner,
        expected_interval_s: 1800,
        created_at: t0(),
    };
    s.insert_device(&device, &audit(Action::WarningSetup))
        .await
        .expect("device");
    assert!(matches!(
        s.insert_device(&device, &audit(Action::WarningSetup)).await,
        Err(StoreError::Duplicate(_))
    ));
    let fence = Fence {
        id: FenceId::new_at(t0(), rid(3)),
        owner_agency_id: owner,
        name: "Desa".into(),
        kind: "village".into(),
        shape: Shape::Circle {
            lon: 105.78,
            lat: -5.02,
            radius_m: 2000.0,
        },
        region_code: None,
        active: true,
        created_by: w.users[1].id,
        created_at: t0(),
        updated_at: t0(),
        version: 1,
    };
    s.insert_fence(&fence, &audit(Action::WarningSetup))
        .await
        .expect("fence");
    assert_eq!(s.fences().await.expect("fences"), vec![fence.clone()]);
    let fix = |minute: i64, serial: &str, deployed: bool| NewFix {
        serial: serial.into(),
        recorded_at: t0() + Duration::minutes(minute),
        device_id: deployed.then_some(device.id),
        subject_id: deployed.then_some(subject.id),
        lon: 105.78,
        lat: -5.02,
        accuracy_m: Some(5.0),
        battery: Some(80.0),
        source: "http".into(),
        received_at: t0(),
        submitted_by: Some(w.users[1].id),
        submitted_agency: Some(owner),
        claim: Claim::Device,
    };
    // A held fix of the device before it was deployed, and of an unknown collar.
    let held = [fix(1, "KALUNG-07", false), fix(2, "KALUNG-99", false)];
    let o = s.ingest(&held, &[], &[], None).await.expect("held");
    assert_eq!(o.fixes_stored, vec![true, true]);
    let dep = Deployment {
        id: DeploymentId::new_at(t0(), rid(4)),
        device_id: device.id,
        subject_id: subject.id,
        start_at: t0(),
        end_at: None,
    };
    let attached = s
        .insert_deployment(&dep, "KALUNG-07", &[owner], &audit(Action::WarningSetup))
        .await
        .expect("deploy");
    assert_eq!(attached, 1, "the held fix of this collar joins its subject");
    assert_eq!(s.held_fixes(10).await.expect("held").len(), 1);
    let alert = |minute: i64| NewAlert {
        id: AlertId::new_at(t0(), rid(100 + minute as u64)),
        dedupe: format!("enter:{minute}"),
        rule_id: None,
        fence_id: Some(fence.id),
        subject_id: Some(subject.id),
        device_id: None,
        report_id: None,
        fix: Some(0),
        hotspot: None,
        kind: "enter".into(),
        severity: Severity::Critical,
        owner_agency_id: owner,
        at: t0() + Duration::minutes(minute),
        lon: 105.78,
        lat: -5.02,
        distance_m: None,
        created_at: t0(),
        deliveries: vec![("webhook".into(), "hook-1".into())],
    };
    let batch = [fix(10, "KALUNG-07", true), fix(11, "KALUNG-07", true)];
    let o = s
        .ingest(&batch, &[], &[alert(10)], None)
        .await
        .expect("ingest");
    assert_eq!(o.fixes_stored, vec![true, true]);
    assert_eq!(o.alerts.len(), 1);
    assert!(
        o.alerts[0].fix_id.is_some(),
        "the alert names its stored fix"
    );
    let again = s
        .ingest(&batch, &[], &[alert(10)], None)
        .await
        .expect("again");
    assert_eq!(
        again.fixes_stored,
        vec![false, false],
        "same device and time: stored once"
    );
    assert!(
        again.alerts.is_empty(),
        "the same alert twice is stored once"
    );
    assert_eq!(
        s.existing_alerts(&["enter:10".into(), "enter:11".into()])
            .await
            .expect("existing"),
        vec![true, false]
    );
    assert_eq!(s.fix_count().await.expect("count"), 4);
    let alerts = s
        .alerts(&AlertFilter {
            limit: 10,
            ..Default::default()
        })
        .await
        .expect("alerts");
    assert_eq!(alerts.len(), 1);
    let outbox = s.outbox_for_alert(alerts[0].id).await.expect("outbox");
    assert_eq!(outbox.len(), 1, "one delivery per alert and destination");
    assert_eq!(s.due_outbox(t0(), 10).await.expect("due").len(), 1);
    let track = s
        .track(subject.id, t0(), t0() + Duration::hours(1), 100)
        .await
        .expect("track");
    assert_eq!(track.len(), 3, "the attached held fix and the two new ones");
    assert!(track
        .windows(2)
        .all(|p| p[0].recorded_at <= p[1].recorded_at));
    let after = s
        .alerts(&AlertFilter {
            after_seq: Some(alerts[0].seq),
            limit: 10,
            ..Default::default()
        })
        .await
        .expect("after");
    assert!(after.is_empty());

    // Whose alerts: another agency raises many; the owner's one stays findable by scope,
    // and pages follow each other without gaps or repeats.
    let other = w.agencies[2].id;
    let flood: Vec<NewAlert> = (0..30)
        .map(|i| NewAlert {
            id: AlertId::new_at(t0() + Duration::minutes(20 + i), rid(500 + i as u64)),
            dedupe: format!("flood:{i}"),
            owner_agency_id: other,
            fix: None,
            deliveries: vec![],
            at: t0() + Duration::minutes(20 + i),
            ..alert(20 + i)
        })
        .collect();
    let o = s.ingest(&[], &[], &flood, None).await.expect("flood");
    assert_eq!(o.alerts.len(), 30);
    let scoped = |agencies: Vec<AgencyId>, before: Option<i64>, limit: u32| AlertFilter {
        scope: Some(AlertScope {
            agencies,
            rules: vec![],
        }),
        before_seq: before,
        limit,
        ..Default::default()
    };
    let mine = s.alerts(&scoped(vec![owner], None, 5)).await.expect("mine");
    assert_eq!(
        mine.len(),
        1,
        "the owner's alert behind 30 newer ones of another agency"
    );
    assert_eq!(mine[0].owner_agency_id, owner);
    let none = s.alerts(&scoped(vec![], None, 5)).await.expect("none");
    assert!(none.is_empty(), "an empty scope reaches nothing");
    let mut seen = Vec::new();
    let mut before = None;
    loop {
        let page = s
            .alerts(&scoped(vec![other], before, 7))
            .await
            .expect("page");
        if page.is_empty() {
            break;
        }
        assert!(page.windows(2).all(|p| p[0].seq > p[1].seq), "newest first");
        before = page.last().map(|a| a.seq);
        seen.extend(page.into_iter().map(|a| a.seq));
    }
    let mut unique = seen.clone();
    unique.dedup();
    assert_eq!(seen.len(), 30);
    assert_eq!(unique.len(), 30);
}

/// A fix is its sender's until the device's agency deploys the device: another agency's
/// fix for the serial never joins the subject, and cannot block (as a duplicate) the
/// device's own fix for the same time. Each ingest batch leaves one audit entry.
pub async fn held_fixes_belong_to_their_sender(s: &dyn Store) {
    use sinergi_core::warning::{Deployment, DeploymentId, Device, DeviceId, Subject, SubjectId};
    use sinergi_store::warning::{Claim, NewFix};
    let w = world(s).await;
    // BNNP-JAMBI owns the collar; POLDA-JAMBI is a stranger to it; BNN is above the owner.
    let (owner, stranger, parent) = (w.agencies[1].id, w.agencies[3].id, w.agencies[0].id);
    let fix = |minute: i64, lon: f64, by: Option<usize>, claim: Claim| NewFix {
        serial: "KALUNG-42".into(),
        recorded_at: t0() + Duration::minutes(minute),
        device_id: None,
        subject_id: None,
        lon,
        lat: -5.0,
        accuracy_m: None,
        battery: None,
        source: "http".into(),
        received_at: t0(),
        submitted_by: by.map(|i| w.users[i].id),
        submitted_agency: by.map(|i| w.users[i].agency_id),
        claim,
    };
    let entries = || async {
        s.audit_entries(&AuditFilter {
            action: Some(Action::Import.as_str().into()),
            limit: 100,
            ..Default::default()
        })
        .await
        .expect("audit")
        .len()
    };
    let batch = |by: &str| NewAudit {
        action: Action::Import,
        record_type: Some("fixes".into()),
        record_id: Some(by.into()),
        ..audit(Action::Import)
    };
    // The stranger sends two fixes for the serial before anyone registered it.
    let theirs = [
        fix(1, 101.0, Some(3), Claim::Agency(stranger)),
        fix(2, 101.0, Some(3), Claim::Agency(stranger)),
    ];
    let o = s
        .ingest(&theirs, &[], &[], Some(&batch("stranger")))
        .await
        .expect("stranger");
    assert_eq!(o.fixes_stored, vec![true, true]);
    // The owner's own fix for minute 1 is not a duplicate of the stranger's; nor is the
    // agency above it for minute 3, nor the operator's for minute 3 and 4.
    let ours = [
        fix(1, 105.0, Some(1), Claim::Agency(owner)),
        fix(3, 105.1, Some(0), Claim::Agency(parent)),
        fix(3, 105.2, None, Claim::Device),
        fix(4, 105.3, None, Claim::Device),
    ];
    let o = s
        .ingest(&ours, &[], &[], Some(&batch("owner")))
        .await
        .expect("ours");
    assert_eq!(o.fixes_stored, vec![true, true, true, true]);
    assert_eq!(
        s.existing_fixes(&[
            fix(1, 0.0, None, Claim::Agency(stranger)),
            fix(1, 0.0, None, Claim::Agency(owner)),
            fix(1, 0.0, None, Claim::Device),
            fix(4, 0.0, None, Claim::Device),
        ])
        .await
        .expect("existing"),
        vec![true, true, false, true]
    );
    let o = s
        .ingest(&theirs, &[], &[], Some(&batch("stranger again")))
        .await
        .expect("again");
    assert_eq!(
        o.fixes_stored,
        vec![false, false],
        "a sender's repeat is a duplicate"
    );
    assert_eq!(entries().await, 3, "one audit entry per batch, not per fix");
    let held = s.held_fixes(10).await.expect("held");
    assert_eq!(held.len(), 6);
    let first = held
        .iter()
        .find(|f| f.claim == Claim::Agency(stranger))
        .expect("the stranger's");
    assert_eq!(first.submitted_by, Some(w.users[3].id));
    assert_eq!(first.submitted_agency, Some(stranger));

    // The owner registers and deploys the collar.
    let subject = Subject {
        id: SubjectId::new_at(t0(), rid(7)),
        owner_agency_id: owner,
        name: "Melati".into(),
        species: "gajah_sumatera".into(),
        kind: "individual".into(),
        sensitivity: Sensitivity::Restricted,
        notes: String::new(),
        created_at: t0(),
    };
    s.insert_subject(&subject, &audit(Action::WarningSetup))
        .await
        .expect("subject");
    let device = Device {
        id: DeviceId::new_at(t0(), rid(8)),
        serial: "KALUNG-42".into(),
        kind: "collar".into(),
        owner_agency_id: owner,
        expected_interval_s: 3600,
        created_at: t0(),
    };
    s.insert_device(&device, &audit(Action::WarningSetup))
        .await
        .expect("device");
    let dep = Deployment {
        id: DeploymentId::new_at(t0(), rid(9)),
        device_id: device.id,
        subject_id: subject.id,
        start_at: t0(),
        end_at: None,
    };
    let attached = s
        .insert_deployment(
            &dep,
            "KALUNG-42",
            &[owner, parent],
            &audit(Action::WarningSetup),
        )
        .await
        .expect("deploy");
    assert_eq!(
        attached, 3,
        "the owner's minute 1, one of minute 3, the operator's minute 4"
    );
    let track = s
        .track(subject.id, t0(), t0() + Duration::hours(1), 100)
        .await
        .expect("track");
    let points: Vec<(i64, f64)> = track
        .iter()
        .map(|f| ((f.recorded_at - t0()).num_minutes(), f.lon))
        .collect();
    assert_eq!(points, vec![(1, 105.0), (3, 105.2), (4, 105.3)]);
    assert!(track.iter().all(|f| f.claim == Claim::Device));
    let held = s.held_fixes(10).await.expect("held");
    assert_eq!(held.len(), 2, "the stranger's stay held: {held:?}");
    assert!(held.iter().all(|f| f.claim == Claim::Agency(stranger)
        && f.subject_id.is_none()
        && f.device_id.is_none()));
    // The device's own fix for minute 2, where the stranger's is held, goes in.
    let own = NewFix {
        device_id: Some(device.id),
        subject_id: Some(subject.id),
        ..fix(2, 105.4, Some(1), Claim::Device)
    };
    let o = s
        .ingest(std::slice::from_ref(&own), &[], &[], None)
        .await
        .expect("own");
    assert_eq!(o.fixes_stored, vec![true]);
    let o = s.ingest(&[own], &[], &[], None).await.expect("own again");
    assert_eq!(o.fixes_stored, vec![false]);
    assert_eq!(s.fix_count().await.expect("count"), 6);
}

/// A fence's edit names the version it was made on: the stored version moves by one and a
/// stale version changes nothing. Names are unique within an agency regardless of case
/// and spacing, on insert and on edit; another agency may use the same name.
pub async fn fences_are_edited_by_version_and_named_once_per_agency(s: &dyn Store) {
    use sinergi_core::warning::{Fence, FenceId, Shape};
    let w = world(s).await;
    let (owner, other) = (w.agencies[1].id, w.agencies[3].id);
    let fence = |n: u64, agency: AgencyId, name: &str| Fence {
        id: FenceId::new_at(t0(), rid(100 + n)),
        owner_agency_id: agency,
        name: name.into(),
        kind: "village".into(),
        shape: Shape::Circle {
            lon: 105.78,
            lat: -5.02,
            radius_m: 1000.0,
        },
        region_code: None,
        active: true,
        created_by: w.users[1].id,
        created_at: t0(),
        updated_at: t0(),
        version: 1,
    };
    let setup = || audit_by(Action::WarningSetup, Some(owner));
    let braja = fence(1, owner, "Desa Braja Harjosari");
    s.insert_fence(&braja, &setup()).await.expect("first");
    let kebun = fence(2, owner, "Kebun Sawit");
    s.insert_fence(&kebun, &setup()).await.expect("second");
    // Case and spacing do not make a new name.
    assert!(matches!(
        s.insert_fence(&fence(3, owner, "  desa   BRAJA harjosari"), &setup())
            .await,
        Err(StoreError::Duplicate("fence name"))
    ));
    // Another agency has its own names.
    s.insert_fence(&fence(4, other, "Desa Braja Harjosari"), &setup())
        .await
        .expect("another agency's");
    let before = s
        .audit_entries(&AuditFilter {
            limit: 10_000,
            ..Default::default()
        })
        .await
        .expect("audit")
        .len();
    // An edit on the stored version: name, kind, shape and region change, the version
    // moves on, and the change is audited.
    let mut edited = braja.clone();
    edited.name = "Desa Braja Harjosari (inti)".into();
    edited.kind = "park".into();
    edited.shape = Shape::Circle {
        lon: 105.8,
        lat: -5.0,
        radius_m: 2500.0,
    };
    edited.region_code = Some("18.07".into());
    edited.updated_at = t0() + Duration::minutes(5);
    edited.version = 2;
    assert_eq!(
        s.update_fence(&edited, 1, &setup()).await.expect("edit"),
        UpdateOutcome::Updated
    );
    let stored = s.fences().await.expect("fences");
    assert_eq!(stored.iter().find(|f| f.id == braja.id), Some(&edited));
    let after = s
        .audit_entries(&AuditFilter {
            limit: 10_000,
            ..Default::default()
        })
        .await
        .expect("audit")
        .len();
    assert_eq!(after, before + 1, "the edit is audited with it");
    // A stale version writes nothing and says which version is stored.
    let mut stale = edited.clone();
    stale.name = "Lain".into();
    assert_eq!(
        s.update_fence(&stale, 1, &setup()).await.expect("stale"),
        UpdateOutcome::VersionMismatch(2)
    );
    let mut missing = fence(9, owner, "Tidak ada");
    missing.version = 2;
    assert_eq!(
        s.update_fence(&missing, 1, &setup())
            .await
            .expect("missing"),
        UpdateOutcome::NotFound
    );
    // An edit to a name the agency has is refused; the old name is free again.
    let mut clash = kebun.clone();
    clash.name = "DESA BRAJA HARJOSARI (INTI)".into();
    clash.version = 2;
    assert!(matches!(
        s.update_fence(&clash, 1, &setup()).await,
        Err(StoreError::Duplicate("fence name"))
    ));
    clash.name = "desa braja harjosari".into();
    assert_eq!(
        s.update_fence(&clash, 1, &setup())
            .await
            .expect("freed name"),
        UpdateOutcome::Updated
    );
    // A fence keeps its own name when only its case changes.
    let mut same = clash.clone();
    same.name = "Desa Braja Harjosari".into();
    same.version = 3;
    assert_eq!(
        s.update_fence(&same, 2, &setup()).await.expect("own name"),
        UpdateOutcome::Updated
    );
    // Switching on and off leaves the version alone.
    s.set_fence_active(kebun.id, false, t0(), &setup())
        .await
        .expect("off");
    let stored = s.fences().await.expect("fences");
    let k = stored.iter().find(|f| f.id == kebun.id).expect("kebun");
    assert_eq!((k.version, k.active), (3, false));
    assert_eq!(
        verify(
            &s.audit_entries(&AuditFilter {
                ascending: true,
                limit: 10_000,
                ..Default::default()
            })
            .await
            .expect("audit")
        )
        .map(|n| n > 0),
        Ok(true)
    );
}
