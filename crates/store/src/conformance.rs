//! The store conformance suite: the behaviour every adapter must show, written once and
//! run against SQLite and PostgreSQL (see `tests/conformance.rs`). Each check builds its
//! own data in an empty store.

use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use sinergi_core::access::{Actor, ViewScope};
use sinergi_core::agency::{Agency, AgencyCode, AgencyKind};
use sinergi_core::audit::{self, Action, NewAudit};
use sinergi_core::geometry::{Bbox, ReportGeometry};
use sinergi_core::ids::{AgencyId, AttachmentId, NotificationId, ReferralId, ReportId, UserId};
use sinergi_core::query::{Cursor, Interval, ReportFilter};
use sinergi_core::report::{Report, ReportEvent, Sensitivity, Status};
use sinergi_core::report_types::builtin;
use sinergi_core::sharing::{decide, Grant, Precision, Viewer};
use sinergi_core::user::{Role, User, Username};

use crate::{
    AgencyRow, Attachment, AuditFilter, InsertOutcome, NewEvent, NewUserRow, Notification,
    ReferralRow, RegionRow, SessionRow, Store, StoreError, TotpRow, UpdateOutcome,
};

fn t0() -> DateTime<Utc> {
    DateTime::from_timestamp(1_748_300_000, 0).unwrap_or_default()
}

fn rid(n: u64) -> [u8; 10] {
    let mut r = [0u8; 10];
    r[..8].copy_from_slice(&n.to_be_bytes());
    r
}

/// An audit entry by the operator.
fn audit(action: Action) -> NewAudit {
    audit_by(action, None)
}

fn audit_by(action: Action, agency: Option<AgencyId>) -> NewAudit {
    NewAudit {
        at: t0(),
        actor_id: None,
        actor: "operator".into(),
        agency_id: agency,
        action,
        record_type: None,
        record_id: Some(format!("{action:?}")),
        detail: json!({"note": "conformance"}),
    }
}

/// A fixture: BNN → BNNP-JAMBI → BNNK-BATANGHARI, plus POLDA-JAMBI, one user per agency.
pub struct World {
    pub agencies: Vec<Agency>,
    pub users: Vec<User>,
}

pub async fn world(s: &dyn Store) -> World {
    s.seed_report_types(&builtin()).await.expect("seed types");
    let mut agencies: Vec<Agency> = Vec::new();
    for (i, (code, parent)) in [
        ("BNN", None),
        ("BNNP-JAMBI", Some(0usize)),
        ("BNNK-BATANGHARI", Some(1)),
        ("POLDA-JAMBI", None),
    ]
    .into_iter()
    .enumerate()
    {
        let a = Agency {
            id: AgencyId::new_at(t0(), rid(i as u64 + 1)),
            code: AgencyCode::parse(code).expect("code"),
            name: format!("Agency {code}"),
            kind: AgencyKind::NarcoticsAgency,
            parent_id: parent.map(|p: usize| agencies[p].id),
            jurisdiction: vec!["15".into()],
        };
        s.insert_agency(
            &AgencyRow {
                agency: a.clone(),
                created_at: t0(),
            },
            &audit_by(Action::AgencyCreate, Some(a.id)),
        )
        .await
        .expect("agency");
        agencies.push(a);
    }
    let mut users = Vec::new();
    for (i, a) in agencies.iter().enumerate() {
        let u = User {
            id: UserId::new_at(t0(), rid(100 + i as u64)),
            username: Username::parse(&format!("user{i}")).expect("username"),
            display_name: format!("User {i}"),
            agency_id: a.id,
            role: if i == 1 {
                Role::AgencyAdmin
            } else {
                Role::FieldOfficer
            },
            active: true,
            totp_enabled: false,
            must_change_password: false,
        };
        s.insert_user(
            &NewUserRow {
                user: u.clone(),
                password_hash: "x".into(),
                created_at: t0(),
            },
            &audit_by(Action::UserCreate, Some(a.id)),
        )
        .await
        .expect("user");
        users.push(u);
    }
    World { agencies, users }
}

pub fn report(
    n: u64,
    owner: &Agency,
    author: &User,
    sensitivity: Sensitivity,
    lon: f64,
    lat: f64,
) -> Report {
    let at = t0() + Duration::hours(n as i64);
    Report {
        id: ReportId::new_at(at, rid(n)),
        type_key: if n.is_multiple_of(2) {
            "snare_found".into()
        } else {
            "narcotics_arrest".into()
        },
        title: format!("Laporan nomor {n}"),
        description: if n.is_multiple_of(5) {
            "Ada jerat kawat_100% di jalur".into()
        } else {
            String::new()
        },
        occurred_at: at.fixed_offset(),
        geometry: ReportGeometry::point(lon, lat).expect("point"),
        region_code: Some(if n.is_multiple_of(3) {
            "15.04.03.2001".into()
        } else {
            "31.73".into()
        }),
        owner_agency_id: owner.id,
        owner_agency_code: owner.code.to_string(),
        author_id: author.id,
        author_username: author.username.to_string(),
        sensitivity,
        attributes: json!({"k": n}).as_object().cloned().unwrap_or_default(),
        status: Status::New,
        version: 1,
        created_at: at,
        updated_at: at,
        create_hash: format!("hash{n}"),
    }
}

fn created(author: &User, at: DateTime<Utc>) -> NewEvent {
    NewEvent {
        actor_id: author.id,
        event: ReportEvent {
            version: 1,
            at,
            actor_username: author.username.to_string(),
            kind: "created".into(),
            from_status: None,
            to_status: Some(Status::New),
            changed: vec![],
            note: None,
        },
    }
}

pub async fn agencies_and_users(s: &dyn Store) {
    let w = world(s).await;
    let got = s
        .agency_by_code("BNNP-JAMBI")
        .await
        .expect("get")
        .expect("exists");
    assert_eq!(got, w.agencies[1]);
    assert_eq!(s.agencies().await.expect("list").len(), 4);
    let mut d = s
        .agency_descendants(w.agencies[0].id)
        .await
        .expect("descendants");
    d.sort();
    let mut want = vec![w.agencies[1].id, w.agencies[2].id];
    want.sort();
    assert_eq!(d, want);
    assert!(s
        .agency_descendants(w.agencies[3].id)
        .await
        .expect("none")
        .is_empty());
    let dup = AgencyRow {
        agency: Agency {
            id: AgencyId::new_at(t0(), rid(99)),
            ..w.agencies[0].clone()
        },
        created_at: t0(),
    };
    assert!(matches!(
        s.insert_agency(&dup, &audit(Action::AgencyCreate)).await,
        Err(StoreError::Duplicate("agency code"))
    ));
    let orphan = AgencyRow {
        agency: Agency {
            id: AgencyId::new_at(t0(), rid(98)),
            code: AgencyCode::parse("ORPHAN").expect("code"),
            parent_id: Some(AgencyId::new_at(t0(), rid(97))),
            ..w.agencies[0].clone()
        },
        created_at: t0(),
    };
    assert!(matches!(
        s.insert_agency(&orphan, &audit(Action::AgencyCreate)).await,
        Err(StoreError::MissingReference(_))
    ));
    let (u, hash) = s
        .user_credentials("user1")
        .await
        .expect("creds")
        .expect("exists");
    assert_eq!(u, w.users[1]);
    assert_eq!(hash, "x");
    let dup = NewUserRow {
        user: User {
            id: UserId::new_at(t0(), rid(5)),
            ..w.users[0].clone()
        },
        password_hash: "y".into(),
        created_at: t0(),
    };
    assert!(matches!(
        s.insert_user(&dup, &audit(Action::UserCreate)).await,
        Err(StoreError::Duplicate("username"))
    ));
    assert!(s
        .set_user_active(w.users[0].id, false, &audit(Action::UserDeactivate))
        .await
        .expect("deactivate"));
    assert!(
        !s.user(w.users[0].id)
            .await
            .expect("get")
            .expect("exists")
            .active
    );
    assert_eq!(
        s.users(Some(w.agencies[3].id)).await.expect("users").len(),
        1
    );
}

pub async fn sessions(s: &dyn Store) {
    let w = world(s).await;
    let row = SessionRow {
        token_hash: "abc".into(),
        user_id: w.users[0].id,
        kind: "api".into(),
        csrf: "c".into(),
        created_at: t0(),
        expires_at: t0() + Duration::hours(1),
        revoked_at: None,
    };
    s.insert_session(&row).await.expect("insert");
    assert_eq!(s.session("abc").await.expect("get"), Some(row.clone()));
    s.revoke_session("abc", t0()).await.expect("revoke");
    assert_eq!(
        s.session("abc")
            .await
            .expect("get")
            .and_then(|r| r.revoked_at),
        Some(t0())
    );
    s.insert_session(&SessionRow {
        token_hash: "def".into(),
        ..row
    })
    .await
    .expect("insert");
    s.revoke_user_sessions(w.users[0].id, t0())
        .await
        .expect("revoke all");
    assert!(s
        .session("def")
        .await
        .expect("get")
        .and_then(|r| r.revoked_at)
        .is_some());
}

pub async fn second_factor_is_enrolled_once_and_codes_used_once(s: &dyn Store) {
    let w = world(s).await;
    let u = w.users[0].id;
    assert_eq!(s.totp(u).await.expect("totp"), None);
    let pending = TotpRow {
        secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ".into(),
        enabled_at: None,
        last_step: 0,
    };
    assert!(s.put_totp(u, Some(&pending), None).await.expect("put"));
    assert_eq!(s.totp(u).await.expect("totp"), Some(pending.clone()));
    let user = s.user(u).await.expect("user").expect("exists");
    assert!(
        !user.totp_enabled,
        "pending enrolment does not require a code yet"
    );
    let enabled = TotpRow {
        enabled_at: Some(t0()),
        last_step: 100,
        ..pending
    };
    assert!(s
        .put_totp(u, Some(&enabled), Some(&audit(Action::TotpEnable)))
        .await
        .expect("enable"));
    let user = s.user(u).await.expect("user").expect("exists");
    assert!(user.totp_enabled);
    let (cred, _) = s
        .user_credentials(user.username.as_str())
        .await
        .expect("cred")
        .expect("exists");
    assert!(cred.totp_enabled);
    assert!(
        !s.use_totp_step(u, 100).await.expect("step"),
        "used at enrolment"
    );
    assert!(s.use_totp_step(u, 101).await.expect("step"));
    assert!(
        !s.use_totp_step(u, 101).await.expect("step"),
        "a code works once"
    );
    assert!(
        !s.use_totp_step(u, 99).await.expect("step"),
        "older steps stay used"
    );
    assert!(s
        .put_totp(u, None, Some(&audit(Action::TotpDisable)))
        .await
        .expect("clear"));
    assert_eq!(s.totp(u).await.expect("totp"), None);
    assert!(!s.user(u).await.expect("user").expect("exists").totp_enabled);
}

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

pub async fn early_warning_ingest_is_idempotent_and_atomic(s: &dyn Store) {
    use crate::warning::{AlertFilter, AlertScope, Claim, NewAlert, NewFix};
    use sinergi_core::warning::{
        AlertId, Deployment, DeploymentId, Device, DeviceId, Fence, FenceId, Severity, Shape,
        Subject, SubjectId,
    };
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
    use crate::warning::{Claim, NewFix};
    use sinergi_core::warning::{Deployment, DeploymentId, Device, DeviceId, Subject, SubjectId};
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
}

/// The SQL form of the visibility rule must admit exactly what `ViewScope::admits` admits.
/// The SQL form of the visibility rule must admit exactly what the core decision admits,
/// for every role and relation, with agreement grants and referrals (live, expired,
/// revoked, to an agency and to a user) in play.
pub async fn visibility_in_sql_matches_the_policy(s: &dyn Store) {
    let w = world(s).await;
    let mut all = Vec::new();
    let mut n = 0;
    for (ai, a) in w.agencies.iter().enumerate() {
        for sens in Sensitivity::ALL {
            for author in [&w.users[ai], &w.users[(ai + 1) % w.users.len()]] {
                n += 1;
                all.push(report(n, a, author, sens, 103.0, -1.5));
            }
        }
    }
    s.bulk_insert_reports(&all).await.expect("bulk");
    let now = t0() + Duration::days(1);
    // Referrals: BNNK's restricted report to POLDA (live), another to POLDA (expired), one
    // to user0 (revoked), one to user3 (live, break-glass style).
    let restricted: Vec<&Report> = all
        .iter()
        .filter(|r| r.sensitivity >= Sensitivity::Restricted)
        .collect();
    let mut refs = Vec::new();
    for (i, (r, to_agency, to_user, until, revoked)) in [
        (
            restricted[4],
            Some(w.agencies[3].id),
            None,
            now + Duration::hours(1),
            false,
        ),
        (
            restricted[5],
            Some(w.agencies[3].id),
            None,
            now - Duration::hours(1),
            false,
        ),
        (
            restricted[0],
            None,
            Some(w.users[0].id),
            now + Duration::hours(1),
            true,
        ),
        (
            restricted[1],
            None,
            Some(w.users[3].id),
            now + Duration::hours(1),
            false,
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let row = ReferralRow {
            id: ReferralId::new_at(t0(), rid(500 + i as u64)),
            report_id: r.id,
            kind: "referral".into(),
            to_agency,
            to_user,
            reason: "uji".into(),
            until,
            created_by: r.author_id,
            created_at: t0(),
            revoked_at: revoked.then_some(now),
        };
        s.insert_referral(&row, &audit(Action::ReportRead), &[])
            .await
            .expect("referral");
        refs.push(row);
    }
    // A grant for POLDA: BNNP's and BNNK's snare reports up to internal.
    let grant = Grant {
        owners: vec![w.agencies[1].id, w.agencies[2].id],
        type_keys: vec!["snare_found".into()],
        max_sensitivity: Sensitivity::Internal,
        withheld_fields: vec![],
        precision: Precision::Exact,
    };
    for u in &w.users {
        for role in Role::ALL {
            let actor = Actor {
                user_id: u.id,
                username: u.username.to_string(),
                agency_id: u.agency_id,
                role,
                agency_descendants: s
                    .agency_descendants(u.agency_id)
                    .await
                    .expect("descendants"),
            };
            let grants = if u.agency_id == w.agencies[3].id {
                vec![grant.clone()]
            } else {
                vec![]
            };
            let viewer = Viewer {
                scope: ViewScope::for_actor(&actor),
                grants,
                now,
                precise_locations: false,
            };
            let filter = ReportFilter {
                limit: 1000,
                ..Default::default()
            };
            let mut got: Vec<ReportId> = s
                .list_reports(Some(&viewer), &filter)
                .await
                .expect("list")
                .iter()
                .map(|r| r.id)
                .collect();
            got.sort();
            let mut want: Vec<ReportId> = all
                .iter()
                .filter(|r| {
                    let naming: Vec<_> = refs
                        .iter()
                        .filter(|x| x.report_id == r.id)
                        .map(|x| x.as_referral())
                        .collect();
                    decide(&viewer, &r.access(), &r.type_key, false, &naming, now).is_some()
                })
                .map(|r| r.id)
                .collect();
            want.sort();
            assert_eq!(got, want, "{} as {role:?}", u.username);
            let counted: i64 = s
                .count_reports(Some(&viewer))
                .await
                .expect("count")
                .iter()
                .map(|c| c.count)
                .sum();
            assert_eq!(counted as usize, want.len());
        }
    }
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
    assert_eq!(audit::verify(&all), Ok(11));
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

pub async fn users_are_edited_and_passwords_replaced(s: &dyn Store) {
    let w = world(s).await;
    let u = &w.users[0];
    assert!(s
        .update_user(
            u.id,
            "Nama Baru",
            Role::Coordinator,
            &audit(Action::UserUpdate)
        )
        .await
        .expect("update"));
    let got = s.user(u.id).await.expect("get").expect("exists");
    assert_eq!(
        (got.display_name.as_str(), got.role),
        ("Nama Baru", Role::Coordinator)
    );
    assert!(!got.must_change_password);
    assert!(s
        .set_password(u.id, "hash-2", true, &audit(Action::PasswordReset))
        .await
        .expect("reset"));
    let (got, hash) = s
        .user_credentials(u.username.as_str())
        .await
        .expect("credentials")
        .expect("exists");
    assert_eq!(hash, "hash-2");
    assert!(got.must_change_password);
    assert!(s
        .set_password(u.id, "hash-3", false, &audit(Action::PasswordChange))
        .await
        .expect("change"));
    assert!(
        !s.user(u.id)
            .await
            .expect("get")
            .expect("exists")
            .must_change_password
    );
    let missing = UserId::new_at(t0(), rid(4242));
    assert!(!s
        .update_user(missing, "x", Role::Analyst, &audit(Action::UserUpdate))
        .await
        .expect("no such user"));
    let actions: Vec<String> = s
        .audit_entries(&AuditFilter {
            limit: 100,
            ..Default::default()
        })
        .await
        .expect("audit")
        .into_iter()
        .map(|e| e.action)
        .collect();
    for a in ["user_update", "password_reset", "password_change"] {
        assert!(actions.iter().any(|x| x == a), "{a} audited: {actions:?}");
    }
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
        audit::verify(
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

/// Every check, by name, for the test harness.
#[macro_export]
macro_rules! conformance_tests {
    ($open:path) => {
        $crate::conformance_tests!(@each $open;
            agencies_and_users, sessions, report_types_round_trip,
            reports_insert_is_idempotent_and_updates_are_versioned,
            visibility_in_sql_matches_the_policy, list_filters_and_paging,
            attachments_are_deduplicated, regions_load_once, audit_trail_chains_every_write,
            second_factor_is_enrolled_once_and_codes_used_once,
            notifications_are_per_user_and_marked_read,
            users_are_edited_and_passwords_replaced,
            early_warning_ingest_is_idempotent_and_atomic,
            held_fixes_belong_to_their_sender,
            fences_are_edited_by_version_and_named_once_per_agency,
            audit_checkpoints_and_stored_rows);
    };
    (@each $open:path; $($name:ident),*) => {
        $(
            #[tokio::test]
            async fn $name() {
                if let Some(opened) = $open().await {
                    $crate::conformance::$name(&*opened.store).await;
                    opened.finish().await;
                }
            }
        )*
    };
}
