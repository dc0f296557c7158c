//! Sharing a protected person's identity with another agency on the case (ADR 32): only
//! when an agreement in force has a clause naming that kind of person from the owner to
//! that agency, one person at a time, for a stated purpose. The person's data key is
//! wrapped by the receiving agency's key (a [`KeyGrant`]); that agency's users whose role
//! it names open the identity with their own key file, each opening audited with its
//! purpose. The grant is removed when the owner withdraws it, when the person is erased,
//! or when the receiving agency takes the case over; it opens nothing once no agreement
//! in force names that kind of person any more.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use rand::rngs::OsRng;
use serde_json::json;
use sinergi_core::access::Actor;
use sinergi_core::agency::{Agency, AgencyCode};
use sinergi_core::audit::Action as AuditAction;
use sinergi_core::case::{Case, CaseId, Person, PersonId, PersonShare};
use sinergi_core::protect::{DecryptPurpose, KeyRing, PersonRole};
use sinergi_core::user::Role;

use crate::{App, AppError, AppResult};

/// What a reader may open in one case, and for its owner whom it may share with.
#[derive(Default)]
pub(super) struct OpenRights {
    /// The roles the owning agency named, when the reader is of that agency.
    owner_roles: Vec<Role>,
    /// The shares to the reader's agency that open now (an agreement in force still
    /// names the person's kind, and the reader's agency names the reader's role).
    pub(super) granted: HashMap<PersonId, PersonShare>,
    /// The persons shared with the reader's agency, whether or not the reader opens them.
    pub(super) shared_to_reader: HashSet<PersonId>,
    /// For the owner: every share, with the receiving agency.
    shares: Vec<(PersonShare, Agency)>,
    /// For the owner's readers who open identities: the agencies on the case and the
    /// kinds of person an agreement in force lets the owner share with each.
    targets: Vec<(Agency, Vec<PersonRole>)>,
}

impl OpenRights {
    pub(super) fn may_open(&self, actor: &Actor, c: &Case, p: &Person) -> bool {
        if p.sealed.as_ref().is_none_or(|s| s.is_shredded()) {
            return false;
        }
        if actor.agency_id != c.owner_agency_id {
            return self.granted.contains_key(&p.id);
        }
        if p.role.is_pseudonymous() {
            return p.handler_id == Some(actor.user_id);
        }
        self.owner_roles.contains(&actor.role)
    }

    pub(super) fn shared_with(&self, p: PersonId) -> Vec<(PersonShare, Agency)> {
        self.shares
            .iter()
            .filter(|(s, _)| s.person_id == p)
            .cloned()
            .collect()
    }

    pub(super) fn targets_for(&self, role: PersonRole) -> Vec<Agency> {
        self.targets
            .iter()
            .filter(|(_, roles)| roles.contains(&role))
            .map(|(a, _)| a.clone())
            .collect()
    }
}

fn shareable(p: &Person) -> bool {
    p.role.is_protected()
        && !p.role.is_pseudonymous()
        && p.sealed.as_ref().is_some_and(|s| !s.is_shredded())
}

impl App {
    /// What `actor` may open among `persons` of case `c`.
    pub(super) async fn open_rights(
        &self,
        actor: &Actor,
        c: &Case,
        persons: &[Person],
    ) -> AppResult<OpenRights> {
        let mut r = OpenRights::default();
        if !persons.iter().any(|p| p.sealed.is_some()) {
            return Ok(r);
        }
        let now = self.now();
        if actor.agency_id == c.owner_agency_id {
            r.owner_roles = self.decrypt_roles(c.owner_agency_id).await?;
            for s in self.store.person_shares(c.id).await? {
                if let Some(a) = self.store.agency(s.agency_id).await? {
                    r.shares.push((s, a));
                }
            }
            if r.owner_roles.contains(&actor.role) && persons.iter().any(shareable) {
                let sharing = self.sharing().await?;
                for party in &c.parties {
                    let roles: Vec<PersonRole> = [PersonRole::Victim, PersonRole::Witness]
                        .into_iter()
                        .filter(|role| {
                            sharing.agreements.iter().any(|g| {
                                g.discloses_person(
                                    c.owner_agency_id,
                                    party.agency_id,
                                    *role,
                                    &sharing.tree,
                                    now,
                                )
                            })
                        })
                        .collect();
                    if roles.is_empty() {
                        continue;
                    }
                    if let Some(a) = self.store.agency(party.agency_id).await? {
                        r.targets.push((a, roles));
                    }
                }
            }
            return Ok(r);
        }
        let mine: Vec<PersonShare> = self
            .store
            .person_shares(c.id)
            .await?
            .into_iter()
            .filter(|s| s.agency_id == actor.agency_id)
            .collect();
        if mine.is_empty() {
            return Ok(r);
        }
        r.shared_to_reader = mine.iter().map(|s| s.person_id).collect();
        if !self
            .decrypt_roles(actor.agency_id)
            .await?
            .contains(&actor.role)
        {
            return Ok(r);
        }
        let sharing = self.sharing().await?;
        for s in mine {
            let Some(p) = persons.iter().find(|p| p.id == s.person_id) else {
                continue;
            };
            let in_force = sharing.agreements.iter().any(|g| {
                g.discloses_person(
                    c.owner_agency_id,
                    actor.agency_id,
                    p.role,
                    &sharing.tree,
                    now,
                )
            });
            if in_force {
                r.granted.insert(s.person_id, s);
            }
        }
        Ok(r)
    }

    /// The key ring that opens identities for `actor` on case `c`: the owner's, or the
    /// reader's own agency's for an identity shared with it.
    pub(super) async fn reader_ring(&self, actor: &Actor, c: &Case) -> AppResult<Arc<KeyRing>> {
        if actor.agency_id == c.owner_agency_id {
            return self.owner_ring(c).await;
        }
        let mine = self
            .store
            .agency(actor.agency_id)
            .await?
            .ok_or(AppError::NotFound)?;
        self.case_keys.ring(mine.code.as_str())?.ok_or_else(|| {
            AppError::Conflict(format!(
                "your agency has no key file; its administrator runs `sinergi keygen --agency {}`",
                mine.code.as_str()
            ))
        })
    }

    /// Shares a protected person's identity with an agency on the case, under an
    /// agreement in force that names the person's kind; replaces an earlier share with
    /// that agency. Audited with the purpose.
    pub async fn share_person(
        &self,
        actor: &Actor,
        case_id: CaseId,
        pid: PersonId,
        to: AgencyCode,
        purpose: DecryptPurpose,
    ) -> AppResult<PersonShare> {
        let (c, p) = self.person_seen(actor, case_id, pid).await?;
        if actor.agency_id != c.owner_agency_id {
            return Err(AppError::Forbidden(
                "only the agency that owns the case shares its persons' identities".into(),
            ));
        }
        let Some(sealed) = &p.sealed else {
            return Err(AppError::Conflict(
                "a suspect's identity is not sealed; it is shown on the case".into(),
            ));
        };
        if p.role.is_pseudonymous() {
            return Err(AppError::Conflict(
                "an informant's identity is never shared: only the handler opens it".into(),
            ));
        }
        if sealed.is_shredded() {
            return Err(AppError::Conflict(
                "this person's data was erased; nothing can open it".into(),
            ));
        }
        let rights = self
            .open_rights(actor, &c, std::slice::from_ref(&p))
            .await?;
        if !rights.may_open(actor, &c, &p) {
            return Err(AppError::Forbidden(
                "only the roles the owning agency named open and share protected identities".into(),
            ));
        }
        let target = self.agency_or_field(&to, "agency").await?;
        if target.id == c.owner_agency_id {
            return Err(AppError::field(
                "agency",
                sinergi_core::msg!(
                    "case-share-self",
                    "the owning agency opens its own persons' identities"
                ),
            ));
        }
        if !c.parties.iter().any(|x| x.agency_id == target.id) {
            return Err(AppError::field(
                "agency",
                sinergi_core::msg!(
                    "case-share-not-on-case",
                    "{code} is not on this case: identities are shared only with an agency on it",
                    code = to.as_str()
                ),
            ));
        }
        let now = self.now();
        let sharing = self.sharing().await?;
        let Some(agreement) = sharing
            .agreements
            .iter()
            .find(|g| g.discloses_person(c.owner_agency_id, target.id, p.role, &sharing.tree, now))
        else {
            return Err(AppError::field(
                "agency",
                sinergi_core::msg!(
                    "case-share-no-agreement",
                    "no agreement in force lets your agency share this kind of person's identity with {code}",
                    code = to.as_str()
                ),
            ));
        };
        let to_ring = self
            .case_keys
            .ring(target.code.as_str())?
            .ok_or_else(|| {
                AppError::Conflict(
                    format!(
                        "{code} has no key file; its administrator runs `sinergi keygen --agency {code}` first",
                        code = target.code.as_str()
                    ),
                )
            })?;
        let ring = self.owner_ring(&c).await?;
        let grant = sealed
            .grant(&ring, &to_ring, pid.0, &mut OsRng)
            .map_err(|e| AppError::Internal(Box::new(e)))?;
        let share = PersonShare {
            person_id: pid,
            agency_id: target.id,
            agreement_id: agreement.id,
            grant,
            purpose: purpose.as_str().to_string(),
            shared_by: actor.user_id,
            shared_at: now,
        };
        let audit = self.audit(
            Some(actor),
            AuditAction::CasePersonShare,
            "case_person",
            &pid.to_string(),
            json!({
                "case": case_id.to_string(),
                "agency": target.code.as_str(),
                "agreement": agreement.id.to_string(),
                "purpose": purpose.as_str(),
            }),
        );
        if !self.store.share_person(&share, &audit).await? {
            return Err(AppError::Conflict(
                "this person's data was erased; nothing can open it".into(),
            ));
        }
        Ok(share)
    }

    /// Withdraws a shared identity from an agency: it opens nothing there any more.
    pub async fn unshare_person(
        &self,
        actor: &Actor,
        case_id: CaseId,
        pid: PersonId,
        agency: &str,
    ) -> AppResult<()> {
        let (c, p) = self.person_seen(actor, case_id, pid).await?;
        let rights = self
            .open_rights(actor, &c, std::slice::from_ref(&p))
            .await?;
        if actor.agency_id != c.owner_agency_id
            || !(rights.may_open(actor, &c, &p) || c.may_manage(actor))
        {
            return Err(AppError::Forbidden(
                "only the owning agency's readers of protected identities or its case managers withdraw a share"
                    .into(),
            ));
        }
        let target = self
            .store
            .agency_by_code(agency)
            .await?
            .ok_or(AppError::NotFound)?;
        let audit = self.audit(
            Some(actor),
            AuditAction::CasePersonUnshare,
            "case_person",
            &pid.to_string(),
            json!({"case": case_id.to_string(), "agency": target.code.as_str()}),
        );
        if !self.store.unshare_person(pid, target.id, &audit).await? {
            return Err(AppError::NotFound);
        }
        Ok(())
    }
}
