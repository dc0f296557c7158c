//! The store conformance suite: the behaviour every adapter must show, written once and
//! run against SQLite and PostgreSQL (see `main.rs`), one file per domain. Each check builds its
//! own data in an empty store.

use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use sinergi_core::access::{Actor, ViewScope};
use sinergi_core::agency::{Agency, AgencyCode, AgencyKind};
use sinergi_core::audit::{verify, Action, NewAudit};
use sinergi_core::geometry::{Bbox, ReportGeometry};
use sinergi_core::ids::{AgencyId, AttachmentId, NotificationId, ReferralId, ReportId, UserId};
use sinergi_core::query::{Cursor, Interval, ReportFilter};
use sinergi_core::report::{Report, ReportEvent, Sensitivity, Status};
use sinergi_core::report_types::builtin;
use sinergi_core::sharing::{decide, Grant, Precision, Viewer};
use sinergi_core::user::{Role, User, Username};

use sinergi_store::{
    AgencyRow, Attachment, AuditFilter, InsertOutcome, NewEvent, NewUserRow, Notification,
    PendingSignInRow, ReferralRow, RegionRow, SessionRow, Store, StoreError, TotpRow,
    UpdateOutcome,
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

mod accounts;
mod areas;
mod audit;
mod campaigns;
mod cases;
mod coordination;
mod dashboards;
mod forms;
mod letters;
mod meeting_outputs;
mod notifications;
mod patrols;
mod plans;
mod reports;
mod sharing;
mod submissions;
mod warning;

pub use accounts::*;
pub use areas::*;
pub use audit::*;
pub use campaigns::*;
pub use cases::*;
pub use coordination::*;
pub use dashboards::*;
pub use forms::*;
pub use letters::*;
pub use meeting_outputs::*;
pub use notifications::*;
pub use patrols::*;
pub use plans::*;
pub use reports::*;
pub use sharing::*;
pub use submissions::*;
pub use warning::*;
