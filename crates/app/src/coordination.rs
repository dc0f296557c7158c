//! Coordination (ADR 21): working groups, their meetings and the action items decided at
//! them.
//!
//! Who sees a group, its meetings and its items is `Group::visible_to` (the users of its
//! member agencies); anything under a group the actor may not see is
//! answered like a missing record. Who writes: [`Action::ManageGroups`] forms groups for
//! one's own agency and, in the owner agency, changes them; in any member agency it records
//! meetings, attendance, minutes, decisions and action items and changes an item's status.
//!
//! Open items are carried to the next meetings of the group by reading, not copying: the
//! items carried into a meeting are those of the group's earlier meetings still open when
//! it began (`CoordinationStore::carried_items`).

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use sinergi_core::access::{Actor, ViewScope};
use sinergi_core::agency::{Agency, AgencyCode};
use sinergi_core::audit::Action as AuditAction;
use sinergi_core::coordination::{
    check_due, not_a_member, ActionItem, ActionItemInput, ActionItemPatch, ActionItemPatchBody,
    Attendee, AttendeeInput, Group, GroupInput, GroupPatch, GroupPatchBody, GroupPerson,
    ItemStatus, Meeting, MeetingInput, MeetingPatch, MeetingPatchBody, NewActionItemBody,
    NewGroupBody, NewMeetingBody, PersonInput,
};
use sinergi_core::ids::{ActionItemId, AgencyId, AgreementId, GroupId, MeetingId};
use sinergi_core::permission::Action;
use sinergi_core::time::Zone;
use sinergi_core::ValidationErrors;
use sinergi_store::UpdateOutcome;

use crate::{App, AppError, AppResult};

/// A meeting's action items: its own, and those carried into it from earlier meetings of
/// the group.
#[derive(Debug, Clone)]
pub struct MeetingItems {
    pub own: Vec<ActionItem>,
    pub carried: Vec<ActionItem>,
}

/// A group's overdue items of one agency.
#[derive(Debug, Clone)]
pub struct OverdueOfAgency {
    pub agency_id: AgencyId,
    pub items: Vec<ActionItem>,
}

/// `t` to the millisecond, as the store keeps instants.
fn to_ms(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

fn forbidden_to_record() -> AppError {
    AppError::Forbidden(
        "only a coordinator or administrator of a member agency records the group's meetings and action items"
            .into(),
    )
}

/// The names of the fields that differ, for the audit entry.
fn changed(pairs: &[(&'static str, bool)]) -> String {
    pairs
        .iter()
        .filter(|(_, c)| *c)
        .map(|(f, _)| *f)
        .collect::<Vec<_>>()
        .join(",")
}

impl App {
    /// An agency by code, naming `field` when there is none.
    pub(crate) async fn agency_named(
        &self,
        code: &AgencyCode,
        field: &str,
        errs: &mut ValidationErrors,
    ) -> AppResult<Option<Agency>> {
        let a = self.store.agency_by_code(code.as_str()).await?;
        if a.is_none() {
            errs.push(
                field,
                sinergi_core::msg!(
                    "agency-unknown",
                    "{code} is not an agency",
                    code = code.as_str()
                ),
            );
        }
        Ok(a)
    }

    /// The member agencies: the owner first, then those named (the owner named again is
    /// the owner).
    async fn resolve_member_agencies(
        &self,
        owner: AgencyId,
        codes: &[AgencyCode],
        errs: &mut ValidationErrors,
    ) -> AppResult<Vec<AgencyId>> {
        let mut out = vec![owner];
        for (i, code) in codes.iter().enumerate() {
            if let Some(a) = self
                .agency_named(code, &format!("members[{i}]"), errs)
                .await?
            {
                if !out.contains(&a.id) {
                    out.push(a.id);
                }
            }
        }
        Ok(out)
    }

    /// The people, each of a member agency; a user must be of the agency given.
    async fn resolve_people(
        &self,
        people: &[PersonInput],
        agencies: &[AgencyId],
        errs: &mut ValidationErrors,
    ) -> AppResult<Vec<GroupPerson>> {
        let mut out = Vec::with_capacity(people.len());
        for (i, p) in people.iter().enumerate() {
            let key = format!("people[{i}]");
            let Some(agency) = self
                .agency_named(&p.agency, &format!("{key}.agency"), errs)
                .await?
            else {
                continue;
            };
            if !agencies.contains(&agency.id) {
                errs.push(format!("{key}.agency"), not_a_member(agency.code.as_str()));
                continue;
            }
            let user = match &p.user {
                Some(name) => match self.store.user_credentials(name.as_str()).await? {
                    Some((u, _)) if u.agency_id == agency.id => Some(u),
                    Some((u, _)) => {
                        errs.push(
                            format!("{key}.user"),
                            sinergi_core::msg!(
                                "patrol-member-other-agency",
                                "{user} is not of {agency}",
                                user = u.username.as_str(),
                                agency = agency.code.as_str()
                            ),
                        );
                        continue;
                    }
                    None => {
                        errs.push(
                            format!("{key}.user"),
                            sinergi_core::msg!(
                                "patrol-member-user-unknown",
                                "{user} is not a user",
                                user = name.as_str()
                            ),
                        );
                        continue;
                    }
                },
                None => None,
            };
            out.push(GroupPerson {
                agency_id: agency.id,
                user_id: user.as_ref().map(|u| u.id),
                name: p
                    .name
                    .clone()
                    .or_else(|| user.as_ref().map(|u| u.display_name.clone()))
                    .unwrap_or_default(),
                role: p.role,
            });
        }
        Ok(out)
    }

    /// The agreement, when the actor's agency is a party to it; otherwise `agreement` is
    /// named, the same for one that does not exist.
    async fn check_agreement(
        &self,
        actor: &Actor,
        id: Option<AgreementId>,
        errs: &mut ValidationErrors,
    ) -> AppResult<()> {
        if let Some(id) = id {
            let ok = self
                .store
                .agreement(id)
                .await?
                .is_some_and(|a| a.parties.contains(&actor.agency_id));
            if !ok {
                errs.push(
                    "agreement",
                    sinergi_core::msg!(
                        "coord-agreement-unknown",
                        "no agreement of your agency has this id"
                    ),
                );
            }
        }
        Ok(())
    }

    fn check_region(&self, region: Option<&str>, errs: &mut ValidationErrors) {
        if let Some(code) = region {
            if self.gazetteer().get(code).is_none() {
                errs.push(
                    "region",
                    sinergi_core::msg!(
                        "region-unknown",
                        "no region has the code {code}",
                        code = code
                    ),
                );
            }
        }
    }

    /// Forms a group owned by the actor's agency. The same id again by its creator
    /// returns the stored group.
    pub async fn create_group(&self, actor: &Actor, body: &NewGroupBody) -> AppResult<Group> {
        if !actor.may(Action::ManageGroups) {
            return Err(AppError::Forbidden(
                "only coordinators and administrators form working groups".into(),
            ));
        }
        let input = GroupInput::from_body(body)?;
        let mut errs = ValidationErrors::new();
        self.check_agreement(actor, input.agreement, &mut errs)
            .await?;
        let agencies = self
            .resolve_member_agencies(actor.agency_id, &input.members, &mut errs)
            .await?;
        let people = self
            .resolve_people(&input.people, &agencies, &mut errs)
            .await?;
        if !errs.is_empty() {
            return Err(errs.into());
        }
        let now = to_ms(self.now());
        let g = Group {
            id: input
                .id
                .unwrap_or_else(|| GroupId::new_at(now, Self::id_bits())),
            owner_agency_id: actor.agency_id,
            name: input.name,
            kind: input.kind,
            legal_basis: input.legal_basis,
            agreement_id: input.agreement,
            agencies,
            people,
            period_from: input.period_from,
            period_until: input.period_until,
            version: 1,
            created_by: actor.user_id,
            created_at: now,
            updated_at: now,
        };
        let entry = self.audit(
            Some(actor),
            AuditAction::GroupCreate,
            "group",
            &g.id.to_string(),
            json!({"name": g.name, "kind": g.kind.as_str(), "members": g.agencies.len()}),
        );
        if self.store.insert_group(&g, &entry).await? {
            return Ok(g);
        }
        match self.store.group(g.id).await? {
            Some(existing) if existing.created_by == actor.user_id => Ok(existing),
            _ => Err(AppError::Conflict("a group with this id exists".into())),
        }
    }

    /// The agreements in force under which the actor's agency follows groups (ADR 21):
    /// those it is a party to, or a unit under a party of.
    async fn followed_agreements(
        &self,
        actor: &Actor,
    ) -> AppResult<Vec<sinergi_core::agreement::Agreement>> {
        let sharing = self.sharing().await?;
        let now = self.now();
        Ok(sharing
            .agreements
            .iter()
            .filter(|a| a.in_force(now))
            .filter(|a| {
                a.parties
                    .iter()
                    .any(|p| sharing.tree.is_within(actor.agency_id, *p))
            })
            .cloned()
            .collect())
    }

    /// Whether the actor sees the group: a member agency's user, or (read only) a party of
    /// the agreement in force that formed it (ADR 21).
    async fn sees_group(&self, actor: &Actor, g: &Group) -> AppResult<bool> {
        if g.visible_to(&ViewScope::for_actor(actor)) {
            return Ok(true);
        }
        let Some(formed_under) = g.agreement_id else {
            return Ok(false);
        };
        Ok(self
            .followed_agreements(actor)
            .await?
            .iter()
            .any(|a| a.id == formed_under))
    }

    /// The groups the actor sees, by name: those its agency is a member of, and those
    /// formed under an agreement in force it is a party to.
    pub async fn groups_for(&self, actor: &Actor) -> AppResult<Vec<Group>> {
        let scope = ViewScope::for_actor(actor);
        let mut out: Vec<Group> = self
            .store
            .groups_for_agencies(&[actor.agency_id])
            .await?
            .into_iter()
            .filter(|g| g.visible_to(&scope))
            .collect();
        let agreements = self.followed_agreements(actor).await?;
        if !agreements.is_empty() {
            // A group formed under an agreement is owned by one of its parties, a member.
            let mut parties: Vec<AgencyId> = agreements
                .iter()
                .flat_map(|a| a.parties.iter().copied())
                .collect();
            parties.sort_by_key(|p| p.0);
            parties.dedup();
            for g in self.store.groups_for_agencies(&parties).await? {
                let followed = g
                    .agreement_id
                    .is_some_and(|f| agreements.iter().any(|a| a.id == f));
                if followed && !out.iter().any(|o| o.id == g.id) {
                    out.push(g);
                }
            }
            out.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.0.cmp(&b.id.0)));
        }
        Ok(out)
    }

    /// A group the actor sees; not found otherwise.
    pub async fn group_for(&self, actor: &Actor, id: GroupId) -> AppResult<Group> {
        match self.store.group(id).await? {
            Some(g) if self.sees_group(actor, &g).await? => Ok(g),
            _ => Err(AppError::NotFound),
        }
    }

    /// Changes a group: a coordinator or administrator of the owner agency. `if_match` is
    /// the version the change was made against; a change that changes nothing writes
    /// nothing.
    pub async fn update_group(
        &self,
        actor: &Actor,
        id: GroupId,
        if_match: Option<i64>,
        body: &GroupPatchBody,
    ) -> AppResult<Group> {
        let current = self.group_for(actor, id).await?;
        if !current.may_edit(actor) {
            return Err(AppError::Forbidden(
                "only a coordinator or administrator of the agency that formed the group may change it"
                    .into(),
            ));
        }
        if let Some(v) = if_match {
            if v != current.version {
                return Err(AppError::PreconditionFailed {
                    current: current.version,
                });
            }
        }
        let patch = GroupPatch::from_body(body, &current)?;
        let mut errs = ValidationErrors::new();
        if let Some(a) = patch.agreement {
            self.check_agreement(actor, a, &mut errs).await?;
        }
        let mut next = current.clone();
        if let Some(m) = &patch.members {
            next.agencies = self
                .resolve_member_agencies(current.owner_agency_id, m, &mut errs)
                .await?;
        }
        match &patch.people {
            Some(p) => {
                next.people = self.resolve_people(p, &next.agencies, &mut errs).await?;
            }
            None => {
                // People of an agency that is no longer a member are named.
                for (i, p) in current.people.iter().enumerate() {
                    if !next.agencies.contains(&p.agency_id) {
                        let code = self
                            .store
                            .agency(p.agency_id)
                            .await?
                            .map(|a| a.code.to_string())
                            .unwrap_or_default();
                        errs.push(format!("people[{i}].agency"), not_a_member(&code));
                    }
                }
            }
        }
        if !errs.is_empty() {
            return Err(errs.into());
        }
        if let Some(n) = patch.name {
            next.name = n;
        }
        if let Some(k) = patch.kind {
            next.kind = k;
        }
        if let Some(l) = patch.legal_basis {
            next.legal_basis = l;
        }
        if let Some(a) = patch.agreement {
            next.agreement_id = a;
        }
        if let Some(d) = patch.period_from {
            next.period_from = d;
        }
        if let Some(d) = patch.period_until {
            next.period_until = d;
        }
        if next == current {
            return Ok(current);
        }
        next.version = current.version + 1;
        next.updated_at = to_ms(self.now());
        let entry = self.audit(
            Some(actor),
            AuditAction::GroupUpdate,
            "group",
            &id.to_string(),
            json!({
                "changed": changed(&[
                    ("name", next.name != current.name),
                    ("kind", next.kind != current.kind),
                    ("legal_basis", next.legal_basis != current.legal_basis),
                    ("agreement", next.agreement_id != current.agreement_id),
                    ("members", next.agencies != current.agencies),
                    ("people", next.people != current.people),
                    ("period_from", next.period_from != current.period_from),
                    ("period_until", next.period_until != current.period_until),
                ]),
                "version": next.version,
            }),
        );
        match self
            .store
            .update_group(&next, current.version, &entry)
            .await?
        {
            UpdateOutcome::Updated => Ok(next),
            UpdateOutcome::VersionMismatch(v) => Err(AppError::PreconditionFailed { current: v }),
            UpdateOutcome::NotFound => Err(AppError::NotFound),
        }
    }

    /// A group's meetings, the earliest first.
    pub async fn meetings_of(&self, actor: &Actor, group: GroupId) -> AppResult<Vec<Meeting>> {
        let g = self.group_for(actor, group).await?;
        Ok(self.store.meetings_of_group(g.id).await?)
    }

    /// Resolves the invited agencies' codes, naming each unknown one.
    async fn resolve_invited(
        &self,
        codes: &[AgencyCode],
        errs: &mut ValidationErrors,
    ) -> AppResult<Vec<AgencyId>> {
        let mut out = Vec::with_capacity(codes.len());
        for (i, code) in codes.iter().enumerate() {
            if let Some(a) = self
                .agency_named(code, &format!("invited[{i}]"), errs)
                .await?
            {
                out.push(a.id);
            }
        }
        Ok(out)
    }

    async fn resolve_attendance(
        &self,
        list: &[AttendeeInput],
        errs: &mut ValidationErrors,
    ) -> AppResult<Vec<Attendee>> {
        let mut out = Vec::with_capacity(list.len());
        for (i, a) in list.iter().enumerate() {
            if let Some(agency) = self
                .agency_named(&a.agency, &format!("attendance[{i}].agency"), errs)
                .await?
            {
                out.push(Attendee {
                    name: a.name.clone(),
                    agency_id: agency.id,
                    position: a.position.clone(),
                });
            }
        }
        Ok(out)
    }

    /// Records a meeting of a group the actor's agency is a member of. The open items of
    /// the group's earlier meetings are carried into it when it is read.
    pub async fn create_meeting(
        &self,
        actor: &Actor,
        group: GroupId,
        body: &NewMeetingBody,
    ) -> AppResult<Meeting> {
        let g = self.group_for(actor, group).await?;
        if !g.may_record(actor) {
            return Err(forbidden_to_record());
        }
        let input = MeetingInput::from_body(body)?;
        let mut errs = ValidationErrors::new();
        self.check_region(input.region.as_deref(), &mut errs);
        let organiser = match &input.organiser {
            Some(code) => match self.agency_named(code, "organiser", &mut errs).await? {
                Some(a) if g.is_member(a.id) => Some(a.id),
                Some(a) => {
                    errs.push("organiser", not_a_member(a.code.as_str()));
                    None
                }
                None => None,
            },
            None => Some(actor.agency_id),
        };
        let invited = self.resolve_invited(&input.invited, &mut errs).await?;
        let organiser = match organiser {
            Some(o) if errs.is_empty() => o,
            _ => return Err(errs.into()),
        };
        let now = to_ms(self.now());
        let m = Meeting {
            id: input
                .id
                .unwrap_or_else(|| MeetingId::new_at(now, Self::id_bits())),
            group_id: g.id,
            starts_at: to_ms(input.starts_at.with_timezone(&Utc)),
            offset_s: input.starts_at.offset().local_minus_utc(),
            region: input.region,
            place: input.place,
            online_link: input.online_link,
            organiser_agency_id: organiser,
            invited,
            agenda: input.agenda,
            attendance: Vec::new(),
            minutes: None,
            decisions: Vec::new(),
            version: 1,
            created_by: actor.user_id,
            created_at: now,
            updated_at: now,
        };
        let entry = self.audit(
            Some(actor),
            AuditAction::MeetingCreate,
            "meeting",
            &m.id.to_string(),
            json!({"group": g.id.to_string(), "starts_at": m.starts_at.to_rfc3339()}),
        );
        if self.store.insert_meeting(&m, &entry).await? {
            return Ok(m);
        }
        match self.store.meeting(m.id).await? {
            Some(existing) if existing.created_by == actor.user_id => Ok(existing),
            _ => Err(AppError::Conflict("a meeting with this id exists".into())),
        }
    }

    /// A meeting the actor sees, with its group; not found otherwise.
    pub async fn meeting_for(&self, actor: &Actor, id: MeetingId) -> AppResult<(Meeting, Group)> {
        let m = self.store.meeting(id).await?.ok_or(AppError::NotFound)?;
        let g = self.group_for(actor, m.group_id).await?;
        Ok((m, g))
    }

    /// Changes a meeting's record (attendance, minutes, decisions, agenda, time, place).
    pub async fn update_meeting(
        &self,
        actor: &Actor,
        id: MeetingId,
        if_match: Option<i64>,
        body: &MeetingPatchBody,
    ) -> AppResult<Meeting> {
        let (current, g) = self.meeting_for(actor, id).await?;
        if !g.may_record(actor) {
            return Err(forbidden_to_record());
        }
        if let Some(v) = if_match {
            if v != current.version {
                return Err(AppError::PreconditionFailed {
                    current: current.version,
                });
            }
        }
        let patch = MeetingPatch::from_body(body, &current)?;
        let mut errs = ValidationErrors::new();
        if let Some(Some(r)) = &patch.region {
            self.check_region(Some(r), &mut errs);
        }
        let mut next = current.clone();
        if let Some(list) = &patch.invited {
            next.invited = self.resolve_invited(list, &mut errs).await?;
        }
        if let Some(list) = &patch.attendance {
            next.attendance = self.resolve_attendance(list, &mut errs).await?;
        }
        if !errs.is_empty() {
            return Err(errs.into());
        }
        if let Some(t) = patch.starts_at {
            next.starts_at = to_ms(t.with_timezone(&Utc));
            next.offset_s = t.offset().local_minus_utc();
        }
        if let Some(r) = patch.region {
            next.region = r;
        }
        if let Some(p) = patch.place {
            next.place = p;
        }
        if let Some(l) = patch.online_link {
            next.online_link = l;
        }
        if let Some(a) = patch.agenda {
            next.agenda = a;
        }
        if let Some(m) = patch.minutes {
            next.minutes = m;
        }
        if let Some(d) = patch.decisions {
            next.decisions = d;
        }
        if next == current {
            return Ok(current);
        }
        // A meeting moved later keeps its items' due dates on or after its date.
        if next.local_date() > current.local_date() {
            let first_due = self
                .store
                .action_items_of_meeting(id)
                .await?
                .into_iter()
                .map(|i| i.due)
                .min();
            if let Some(due) = first_due.filter(|d| *d < next.local_date()) {
                return Err(AppError::field(
                    "starts_at",
                    sinergi_core::msg!(
                        "coord-meeting-after-due",
                        "an action item of this meeting is due on {due}, before the new date",
                        due = due
                    ),
                ));
            }
        }
        next.version = current.version + 1;
        next.updated_at = to_ms(self.now());
        let entry = self.audit(
            Some(actor),
            AuditAction::MeetingUpdate,
            "meeting",
            &id.to_string(),
            json!({
                "changed": changed(&[
                    ("starts_at", next.starts_at != current.starts_at || next.offset_s != current.offset_s),
                    ("region", next.region != current.region),
                    ("place", next.place != current.place),
                    ("online_link", next.online_link != current.online_link),
                    ("invited", next.invited != current.invited),
                    ("agenda", next.agenda != current.agenda),
                    ("attendance", next.attendance != current.attendance),
                    ("minutes", next.minutes != current.minutes),
                    ("decisions", next.decisions != current.decisions),
                ]),
                "version": next.version,
            }),
        );
        match self
            .store
            .update_meeting(&next, current.version, &entry)
            .await?
        {
            UpdateOutcome::Updated => Ok(next),
            UpdateOutcome::VersionMismatch(v) => Err(AppError::PreconditionFailed { current: v }),
            UpdateOutcome::NotFound => Err(AppError::NotFound),
        }
    }

    /// Sets an action item at a meeting: owed by a member agency, due on or after the
    /// meeting's date.
    pub async fn create_action_item(
        &self,
        actor: &Actor,
        meeting: MeetingId,
        body: &NewActionItemBody,
    ) -> AppResult<ActionItem> {
        let (m, g) = self.meeting_for(actor, meeting).await?;
        if !g.may_record(actor) {
            return Err(forbidden_to_record());
        }
        let input = ActionItemInput::from_body(body)?;
        let mut errs = ValidationErrors::new();
        let agency = match self
            .agency_named(&input.agency, "agency", &mut errs)
            .await?
        {
            Some(a) if g.is_member(a.id) => Some(a.id),
            Some(a) => {
                errs.push("agency", not_a_member(a.code.as_str()));
                None
            }
            None => None,
        };
        if let Err(e) = check_due(input.due, &m) {
            errs.push("due", e);
        }
        let agency = match agency {
            Some(a) if errs.is_empty() => a,
            _ => return Err(errs.into()),
        };
        let now = to_ms(self.now());
        let item = ActionItem {
            id: input
                .id
                .unwrap_or_else(|| ActionItemId::new_at(now, Self::id_bits())),
            group_id: g.id,
            meeting_id: m.id,
            what: input.what,
            agency_id: agency,
            person: input.person,
            due: input.due,
            status: ItemStatus::Open,
            evidence: input.evidence,
            links: input.links,
            closed_at: None,
            version: 1,
            created_by: actor.user_id,
            created_at: now,
            updated_at: now,
        };
        let entry = self.audit(
            Some(actor),
            AuditAction::ActionItemCreate,
            "action_item",
            &item.id.to_string(),
            json!({"meeting": m.id.to_string(), "due": item.due.to_string()}),
        );
        if self.store.insert_action_item(&item, &entry).await? {
            return Ok(item);
        }
        match self.store.action_item(item.id).await? {
            Some(existing) if existing.created_by == actor.user_id => Ok(existing),
            _ => Err(AppError::Conflict(
                "an action item with this id exists".into(),
            )),
        }
    }

    /// A meeting's own action items and those carried into it.
    pub async fn meeting_items(
        &self,
        actor: &Actor,
        meeting: MeetingId,
    ) -> AppResult<MeetingItems> {
        let (m, g) = self.meeting_for(actor, meeting).await?;
        Ok(MeetingItems {
            own: self.store.action_items_of_meeting(m.id).await?,
            carried: self.store.carried_items(g.id, m.starts_at).await?,
        })
    }

    /// An action item the actor sees, with its group; not found otherwise.
    pub async fn action_item_for(
        &self,
        actor: &Actor,
        id: ActionItemId,
    ) -> AppResult<(ActionItem, Group)> {
        let item = self
            .store
            .action_item(id)
            .await?
            .ok_or(AppError::NotFound)?;
        let g = self.group_for(actor, item.group_id).await?;
        Ok((item, g))
    }

    /// Changes an action item's status, evidence or links.
    pub async fn update_action_item(
        &self,
        actor: &Actor,
        id: ActionItemId,
        if_match: Option<i64>,
        body: &ActionItemPatchBody,
    ) -> AppResult<ActionItem> {
        let (current, g) = self.action_item_for(actor, id).await?;
        if !g.may_record(actor) {
            return Err(forbidden_to_record());
        }
        if let Some(v) = if_match {
            if v != current.version {
                return Err(AppError::PreconditionFailed {
                    current: current.version,
                });
            }
        }
        let patch = ActionItemPatch::from_body(body)?;
        let now = to_ms(self.now());
        let mut next = patch.apply(&current, now);
        if next == current {
            return Ok(current);
        }
        next.version = current.version + 1;
        next.updated_at = now;
        let entry = self.audit(
            Some(actor),
            AuditAction::ActionItemUpdate,
            "action_item",
            &id.to_string(),
            json!({"status": next.status.as_str(), "version": next.version}),
        );
        match self
            .store
            .update_action_item(&next, current.version, &entry)
            .await?
        {
            UpdateOutcome::Updated => Ok(next),
            UpdateOutcome::VersionMismatch(v) => Err(AppError::PreconditionFailed { current: v }),
            UpdateOutcome::NotFound => Err(AppError::NotFound),
        }
    }

    /// Today in the group's zone: its owner agency's region's, else WIB.
    pub(crate) async fn group_today(&self, g: &Group) -> AppResult<NaiveDate> {
        let zone = self
            .store
            .agency(g.owner_agency_id)
            .await?
            .and_then(|a| a.jurisdiction.first().cloned())
            .map_or(Zone::Wib, |c| Zone::for_region(&c));
        Ok(self.now().with_timezone(&zone.offset()).date_naive())
    }

    /// A group's open items due before today, by the agency that owes them (in the order
    /// of the group's members, then any former member), each agency's earliest due first.
    pub async fn overdue_by_agency(
        &self,
        actor: &Actor,
        group: GroupId,
    ) -> AppResult<Vec<OverdueOfAgency>> {
        let g = self.group_for(actor, group).await?;
        let today = self.group_today(&g).await?;
        let items = self.store.overdue_items(g.id, today).await?;
        let owing: BTreeSet<AgencyId> = items.iter().map(|i| i.agency_id).collect();
        let order = g
            .agencies
            .iter()
            .copied()
            .filter(|a| owing.contains(a))
            .chain(owing.iter().copied().filter(|a| !g.is_member(*a)));
        Ok(order
            .map(|agency_id| OverdueOfAgency {
                agency_id,
                items: items
                    .iter()
                    .filter(|i| i.agency_id == agency_id)
                    .cloned()
                    .collect(),
            })
            .collect())
    }
}
