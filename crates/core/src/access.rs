//! The access policy: who may see and change what. Every path that returns or counts
//! reports — get, list, map, export, counts — asks [`ViewScope`]; the storage adapters turn
//! the same scope into SQL, and the store conformance suite checks both agree.
//!
//! This module must never look anything up: the caller resolves the actor's agency
//! hierarchy first, so the decision is a pure function of its inputs.
//!
//! Until data-sharing agreements exist, visibility is decided by sensitivity alone:
//! `public` → every signed-in user; `internal` → the owner agency and the agencies above
//! it; `restricted` → the owner agency; `secret` → the author and the owner agency's admins.

use crate::ids::{AgencyId, UserId};
use crate::sensitivity::Sensitivity;
use crate::user::Role;

/// A signed-in user, with the part of the agency tree the policy needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    pub user_id: UserId,
    pub username: String,
    pub agency_id: AgencyId,
    pub role: Role,
    /// Every agency below the actor's own (children, grandchildren, …), not including it.
    pub agency_descendants: Vec<AgencyId>,
}

/// What the policy needs to know about a report.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReportAccess {
    pub owner_agency: AgencyId,
    pub author: UserId,
    pub sensitivity: Sensitivity,
}

/// The set of reports an actor may see, in a form a database can filter on.
#[derive(Debug, Clone, PartialEq)]
pub struct ViewScope {
    pub user: UserId,
    pub agency: AgencyId,
    /// Agencies whose `internal` reports the actor sees: its own and those below it.
    pub internal_owners: Vec<AgencyId>,
    /// Whether the actor sees the `secret` reports of its own agency.
    pub secret_of_own_agency: bool,
}

impl ViewScope {
    pub fn for_actor(actor: &Actor) -> ViewScope {
        let mut internal_owners = Vec::with_capacity(actor.agency_descendants.len() + 1);
        internal_owners.push(actor.agency_id);
        internal_owners.extend(actor.agency_descendants.iter().copied());
        ViewScope {
            user: actor.user_id,
            agency: actor.agency_id,
            internal_owners,
            secret_of_own_agency: is_admin(actor.role),
        }
    }

    /// The one definition of visibility.
    pub fn admits(&self, r: &ReportAccess) -> bool {
        match r.sensitivity {
            Sensitivity::Public => true,
            Sensitivity::Internal => self.internal_owners.contains(&r.owner_agency),
            Sensitivity::Restricted => r.owner_agency == self.agency,
            Sensitivity::Secret => {
                r.author == self.user
                    || (self.secret_of_own_agency && r.owner_agency == self.agency)
            }
        }
    }
}

/// An agency admin (or a system admin, who is also the admin of the agency they belong to).
fn is_admin(role: Role) -> bool {
    matches!(role, Role::AgencyAdmin | Role::SystemAdmin)
}

pub fn can_view(actor: &Actor, r: &ReportAccess) -> bool {
    ViewScope::for_actor(actor).admits(r)
}

/// Analysts read; every other role records reports for its own agency.
pub fn can_create_report(actor: &Actor) -> bool {
    actor.role != Role::Analyst
}

/// The author may correct their own report; coordinators and admins of the owner agency
/// may edit any report of their agency they can see.
pub fn can_edit(actor: &Actor, r: &ReportAccess) -> bool {
    can_view(actor, r)
        && actor.role != Role::Analyst
        && (r.author == actor.user_id || (r.owner_agency == actor.agency_id && manages(actor.role)))
}

/// Verifying, taking up and closing a report is the owner agency's coordinators' and
/// admins' job, never the author's alone.
pub fn can_change_status(actor: &Actor, r: &ReportAccess) -> bool {
    can_view(actor, r) && r.owner_agency == actor.agency_id && manages(actor.role)
}

fn manages(role: Role) -> bool {
    matches!(
        role,
        Role::Coordinator | Role::AgencyAdmin | Role::SystemAdmin
    )
}

/// Whether the actor administers `agency`: system admins administer every agency; agency
/// admins their own and those below it.
pub fn can_administer_agency(actor: &Actor, agency: AgencyId) -> bool {
    match actor.role {
        Role::SystemAdmin => true,
        Role::AgencyAdmin => {
            agency == actor.agency_id || actor.agency_descendants.contains(&agency)
        }
        _ => false,
    }
}

/// Creating an agency: top-level agencies only by system admins; sub-agencies by whoever
/// administers the parent.
pub fn can_create_agency(actor: &Actor, parent: Option<AgencyId>) -> bool {
    match parent {
        None => actor.role == Role::SystemAdmin,
        Some(p) => can_administer_agency(actor, p),
    }
}

/// Adding or changing a user: the administrator of the user's agency, and only system
/// admins may hand out the system-admin role.
pub fn can_manage_user(actor: &Actor, user_agency: AgencyId, role: Role) -> bool {
    can_administer_agency(actor, user_agency)
        && (role != Role::SystemAdmin || actor.role == Role::SystemAdmin)
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    // A small hierarchy: BNN (top) → BNNP Jambi → BNNK Batanghari; Polda Jambi unrelated.
    fn id(n: u128) -> AgencyId {
        AgencyId(Uuid::from_u128(n))
    }
    const BNN: u128 = 1;
    const BNNP: u128 = 2;
    const BNNK: u128 = 3;
    const POLDA: u128 = 4;

    fn descendants(a: u128) -> Vec<AgencyId> {
        match a {
            BNN => vec![id(BNNP), id(BNNK)],
            BNNP => vec![id(BNNK)],
            _ => vec![],
        }
    }

    fn actor(agency: u128, role: Role, user: u128) -> Actor {
        Actor {
            user_id: UserId(Uuid::from_u128(100 + user)),
            username: format!("u{user}"),
            agency_id: id(agency),
            role,
            agency_descendants: descendants(agency),
        }
    }

    /// Relation of the viewer's agency to the owner (BNNP Jambi, author user 1).
    #[derive(Debug, Clone, Copy)]
    enum Rel {
        Author,
        SameAgency,
        Parent,
        Grandparent,
        Child,
        Unrelated,
    }

    fn viewer(rel: Rel, role: Role) -> Actor {
        match rel {
            Rel::Author => actor(BNNP, role, 1),
            Rel::SameAgency => actor(BNNP, role, 2),
            Rel::Parent => actor(BNN, role, 3),
            Rel::Grandparent => actor(BNN, role, 3), // BNN is the parent; see below
            Rel::Child => actor(BNNK, role, 4),
            Rel::Unrelated => actor(POLDA, role, 5),
        }
    }

    #[test]
    fn visibility_table() {
        use Sensitivity::*;
        let owner = id(BNNP);
        let author = UserId(Uuid::from_u128(101));
        // (relation, role, sensitivity, expected)
        let roles = Role::ALL;
        for rel in [
            Rel::Author,
            Rel::SameAgency,
            Rel::Parent,
            Rel::Grandparent,
            Rel::Child,
            Rel::Unrelated,
        ] {
            for role in roles {
                for s in Sensitivity::ALL {
                    let a = viewer(rel, role);
                    let r = ReportAccess {
                        owner_agency: owner,
                        author,
                        sensitivity: s,
                    };
                    let admin = matches!(role, Role::AgencyAdmin | Role::SystemAdmin);
                    let expected = match (s, rel) {
                        (Public, _) => true,
                        (
                            Internal,
                            Rel::Author | Rel::SameAgency | Rel::Parent | Rel::Grandparent,
                        ) => true,
                        (Internal, _) => false,
                        (Restricted, Rel::Author | Rel::SameAgency) => true,
                        (Restricted, _) => false,
                        (Secret, Rel::Author) => true,
                        (Secret, Rel::SameAgency) => admin,
                        (Secret, _) => false,
                    };
                    assert_eq!(can_view(&a, &r), expected, "{rel:?} {role:?} {s:?}");
                }
            }
        }
    }

    #[test]
    fn grandparents_see_internal_reports_of_grandchildren() {
        let a = actor(BNN, Role::Analyst, 9);
        let r = ReportAccess {
            owner_agency: id(BNNK),
            author: UserId(Uuid::from_u128(1)),
            sensitivity: Sensitivity::Internal,
        };
        assert!(can_view(&a, &r));
        let r = ReportAccess {
            sensitivity: Sensitivity::Restricted,
            ..r
        };
        assert!(!can_view(&a, &r));
    }

    #[test]
    fn edit_and_status_rules() {
        let author = UserId(Uuid::from_u128(101));
        let r = ReportAccess {
            owner_agency: id(BNNP),
            author,
            sensitivity: Sensitivity::Internal,
        };
        assert!(can_edit(&actor(BNNP, Role::FieldOfficer, 1), &r));
        assert!(!can_edit(&actor(BNNP, Role::FieldOfficer, 2), &r));
        assert!(can_edit(&actor(BNNP, Role::Coordinator, 2), &r));
        assert!(!can_edit(&actor(BNN, Role::AgencyAdmin, 3), &r));
        assert!(!can_change_status(&actor(BNNP, Role::FieldOfficer, 1), &r));
        assert!(can_change_status(&actor(BNNP, Role::Coordinator, 2), &r));
        assert!(!can_create_report(&actor(BNNP, Role::Analyst, 2)));
    }

    #[test]
    fn administration_rules() {
        let admin = actor(BNN, Role::AgencyAdmin, 1);
        assert!(can_administer_agency(&admin, id(BNNK)));
        assert!(!can_administer_agency(&admin, id(POLDA)));
        assert!(can_create_agency(&admin, Some(id(BNNP))));
        assert!(!can_create_agency(&admin, None));
        assert!(!can_manage_user(&admin, id(BNNP), Role::SystemAdmin));
        assert!(can_manage_user(&admin, id(BNNP), Role::Coordinator));
        let sys = actor(POLDA, Role::SystemAdmin, 2);
        assert!(can_manage_user(&sys, id(BNNP), Role::SystemAdmin));
        assert!(!can_administer_agency(
            &actor(BNN, Role::Coordinator, 3),
            id(BNN)
        ));
    }
}
