//! The sharing decision over the whole matrix: role × sensitivity ×
//! relation × action × location sensitivity. Expected values are written as rules, row by
//! row, independent of the implementation's structure.
//!
//! It spans the access policy, agreements and the sharing decision, so it lives outside
//! the modules, as a test of the crate's public interface.

use chrono::{DateTime, NaiveDate, Utc};
use sinergi_core::access::{can_change_status, can_edit, Actor, ReportAccess, ViewScope};
use sinergi_core::agreement::{AgencyTree, Agreement, AgreementStatus, Clause};
use sinergi_core::ids::{AgencyId, AgreementId, ReportId, UserId};
use sinergi_core::report_types::builtin;
use sinergi_core::sensitivity::Sensitivity;
use sinergi_core::sharing::{decide, Form, Precision, Referral, Viewer};
use sinergi_core::user::Role;
use uuid::Uuid;

fn ag(n: u128) -> AgencyId {
    AgencyId(Uuid::from_u128(n))
}
// OWNER (BNNK) is below PARENT (BNNP); CHILD is below OWNER; PARTNER is party to an
// agreement with PARENT that shares narcotics reports of PARENT and its sub-agencies up to
// internal, suspects' names withheld, at 1 km; STRANGER is unrelated.
const PARENT: u128 = 1;
const OWNER: u128 = 2;
const CHILD: u128 = 3;
const PARTNER: u128 = 4;
const STRANGER: u128 = 5;
const AUTHOR: u128 = 100;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Rel {
    Author,
    SameAgency,
    Parent,
    Child,
    Partner(AgreementStatus),
    Referred,
    Unrelated,
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-06-01T00:00:00Z")
        .expect("ts")
        .with_timezone(&Utc)
}

fn agreement(status: AgreementStatus) -> Agreement {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("date");
    Agreement {
        id: AgreementId(Uuid::from_u128(77)),
        title: "PKS".into(),
        number: "1".into(),
        legal_basis: String::new(),
        parties: vec![ag(PARENT), ag(PARTNER)],
        approvals: vec![ag(PARENT), ag(PARTNER)],
        valid_from: d(2025, 1, 1),
        valid_until: if status == AgreementStatus::Expired {
            d(2026, 1, 1)
        } else {
            d(2030, 1, 1)
        },
        status: if status == AgreementStatus::Expired {
            AgreementStatus::Active
        } else {
            status
        },
        clauses: vec![Clause {
            from: Some(ag(PARENT)),
            to: vec![ag(PARTNER)],
            report_types: vec![],
            categories: vec!["narcotics".into(), "wildlife".into()],
            max_sensitivity: Sensitivity::Internal,
            withheld_fields: vec!["suspect_names".into()],
            precision: Precision::Grid(1000),
            include_subagencies: true,
            protected_persons: Vec::new(),
        }],
        documents: Vec::new(),
        version: 1,
        created_by: UserId(Uuid::from_u128(1)),
        created_at: now(),
        updated_at: now(),
    }
}

fn viewer(rel: Rel, role: Role) -> (Actor, Viewer, Vec<Referral>) {
    let tree = AgencyTree::new([
        (ag(PARENT), None),
        (ag(OWNER), Some(ag(PARENT))),
        (ag(CHILD), Some(ag(OWNER))),
        (ag(PARTNER), None),
        (ag(STRANGER), None),
    ]);
    let (agency, user) = match rel {
        Rel::Author => (OWNER, AUTHOR),
        Rel::SameAgency => (OWNER, 101),
        Rel::Parent => (PARENT, 102),
        Rel::Child => (CHILD, 103),
        Rel::Partner(_) => (PARTNER, 104),
        Rel::Referred | Rel::Unrelated => (STRANGER, 105),
    };
    let actor = Actor {
        user_id: UserId(Uuid::from_u128(user)),
        username: "v".into(),
        agency_id: ag(agency),
        role,
        agency_descendants: tree.descendants(ag(agency)),
    };
    let grants = match rel {
        Rel::Partner(status) => agreement(status).grants_for(ag(PARTNER), &tree, &builtin(), now()),
        _ => vec![],
    };
    let referrals = match rel {
        Rel::Referred => vec![Referral {
            report_id: ReportId(Uuid::from_u128(9)),
            to_agency: Some(ag(STRANGER)),
            to_user: None,
            until: now() + chrono::Duration::days(1),
            revoked: false,
        }],
        _ => vec![],
    };
    let v = Viewer {
        scope: ViewScope::for_actor(&actor),
        grants,
        now: now(),
        precise_locations: false,
    };
    (actor, v, referrals)
}

/// What the rules say a viewer gets.
fn expected(rel: Rel, role: Role, s: Sensitivity, location_sensitive: bool) -> Option<Form> {
    use Sensitivity::*;
    let admin = matches!(role, Role::AgencyAdmin | Role::SystemAdmin);
    let own = match (s, rel) {
        (Public, _) => true,
        (Internal, Rel::Author | Rel::SameAgency | Rel::Parent) => true,
        (Restricted, Rel::Author | Rel::SameAgency) => true,
        (Secret, Rel::Author) => true,
        (Secret, Rel::SameAgency) => admin,
        (_, Rel::Referred) => true,
        _ => false,
    };
    let in_owner_agency = matches!(rel, Rel::Author | Rel::SameAgency);
    let coarse = |withheld: Vec<String>, p: Precision| {
        if location_sensitive && !in_owner_agency {
            Some(Form::Shared {
                withheld,
                precision: p.coarser(Precision::Grid(10_000)),
            })
        } else if withheld.is_empty() && p == Precision::Exact {
            Some(Form::Full)
        } else {
            Some(Form::Shared {
                withheld,
                precision: p,
            })
        }
    };
    if own {
        return coarse(vec![], Precision::Exact);
    }
    match rel {
        Rel::Partner(AgreementStatus::Active) if s <= Internal => {
            coarse(vec!["suspect_names".into()], Precision::Grid(1000))
        }
        _ => None,
    }
}

#[test]
fn every_combination_follows_the_rules() {
    let rels = [
        Rel::Author,
        Rel::SameAgency,
        Rel::Parent,
        Rel::Child,
        Rel::Partner(AgreementStatus::Active),
        Rel::Partner(AgreementStatus::Proposed),
        Rel::Partner(AgreementStatus::Expired),
        Rel::Partner(AgreementStatus::Revoked),
        Rel::Referred,
        Rel::Unrelated,
    ];
    let mut checked = 0;
    for rel in rels {
        for role in Role::ALL {
            for s in Sensitivity::ALL {
                for (type_key, ls) in [("narcotics_arrest", false), ("wildlife_sighting", true)] {
                    let (actor, v, refs) = viewer(rel, role);
                    let r = ReportAccess {
                        owner_agency: ag(OWNER),
                        author: UserId(Uuid::from_u128(AUTHOR)),
                        sensitivity: s,
                    };
                    let got = decide(&v, &r, type_key, ls, &refs, now());
                    assert_eq!(
                        got,
                        expected(rel, role, s, ls),
                        "{rel:?} {role:?} {s:?} {type_key}"
                    );
                    // Changing is never granted by sharing: only the owner side edits.
                    let may_edit = can_edit(&actor, &r);
                    let owner_side = matches!(rel, Rel::Author | Rel::SameAgency);
                    assert!(!may_edit || owner_side, "edit {rel:?} {role:?} {s:?}");
                    let may_status = can_change_status(&actor, &r);
                    assert!(
                        !may_status
                            || (owner_side
                                && matches!(
                                    role,
                                    Role::Coordinator | Role::AgencyAdmin | Role::SystemAdmin
                                ))
                    );
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 10 * 5 * 4 * 2);
}
