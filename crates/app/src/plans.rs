//! Plans (ADR 23): a working group's joint work plans, action plans, roadmaps and
//! programmes, and the tree of their nodes.
//!
//! A plan is seen exactly when its group is (`Group::visible_to`); anything under a group
//! the actor may not see is answered like a missing record. Plans and their nodes are
//! written by whoever records the group's meetings (`Group::may_record`: `ManageGroups`
//! in a member agency). A node's responsible agency is a member of the group; its parent
//! is a node of the same plan and never the node or one of its descendants (checked here
//! on the tree as read, and again by the store inside the move's transaction).
//!
//! Evidence links are shown with the linked record's title only when the actor may see
//! that record ([`App::evidence_titles`]); otherwise the link is shown without it.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use sinergi_core::access::Actor;
use sinergi_core::agency::AgencyCode;
use sinergi_core::audit::Action as AuditAction;
use sinergi_core::coordination::Group;
use sinergi_core::ids::{
    AgencyId, GroupId, LetterId, MeetingId, PatrolId, PlanId, PlanNodeId, ReportId,
};
use sinergi_core::plan::{
    check_parent, not_a_member, Activity, Evidence, EvidenceKind, NewPlanBody, NodeBody, NodeInput,
    Participants, Plan, PlanInput, PlanNode, PlanPatch, PlanPatchBody, Target,
};
use sinergi_core::time::Zone;
use sinergi_core::ValidationErrors;
use sinergi_store::{NodeUpdate, UpdateOutcome};

use crate::{App, AppError, AppResult};

/// A plan with its group, its nodes (by position) and the day progress is counted on.
#[derive(Debug, Clone)]
pub struct PlanTree {
    pub plan: Plan,
    pub group: Group,
    pub nodes: Vec<PlanNode>,
    /// Today in the group's zone.
    pub today: NaiveDate,
}

fn to_ms(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

fn forbidden() -> AppError {
    AppError::Forbidden(
        "only a coordinator or administrator of a member agency writes the group's plans".into(),
    )
}

impl App {
    /// An agency's id by code, naming `field` when there is none.
    async fn plan_agency(
        &self,
        code: &AgencyCode,
        field: &str,
        errs: &mut ValidationErrors,
    ) -> AppResult<Option<AgencyId>> {
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
        Ok(a.map(|a| a.id))
    }

    /// Today in the group's zone: its owner agency's region's, else WIB.
    async fn plan_today(&self, g: &Group) -> AppResult<NaiveDate> {
        let zone = self
            .store
            .agency(g.owner_agency_id)
            .await?
            .and_then(|a| a.jurisdiction.first().cloned())
            .map_or(Zone::Wib, |c| Zone::for_region(&c));
        Ok(self.now().with_timezone(&zone.offset()).date_naive())
    }

    /// Draws up a plan of a group the actor records for. The same id again by its
    /// creator returns the stored plan.
    pub async fn create_plan(
        &self,
        actor: &Actor,
        group: GroupId,
        body: &NewPlanBody,
    ) -> AppResult<Plan> {
        let g = self.group_for(actor, group).await?;
        if !g.may_record(actor) {
            return Err(forbidden());
        }
        let input = PlanInput::from_body(body)?;
        let now = to_ms(self.now());
        let p = Plan {
            id: input
                .id
                .unwrap_or_else(|| PlanId::new_at(now, Self::id_bits())),
            group_id: g.id,
            kind: input.kind,
            title: input.title,
            description: input.description,
            period_from: input.period_from,
            period_until: input.period_until,
            version: 1,
            created_by: actor.user_id,
            created_at: now,
            updated_at: now,
        };
        let entry = self.audit(
            Some(actor),
            AuditAction::PlanCreate,
            "plan",
            &p.id.to_string(),
            json!({"group": g.id.to_string(), "kind": p.kind.as_str()}),
        );
        if self.store.insert_plan(&p, &entry).await? {
            return Ok(p);
        }
        match self.store.plan(p.id).await? {
            Some(existing) if existing.created_by == actor.user_id => Ok(existing),
            _ => Err(AppError::Conflict("a plan with this id exists".into())),
        }
    }

    /// A group's plans, the earliest period first.
    pub async fn plans_of(&self, actor: &Actor, group: GroupId) -> AppResult<Vec<Plan>> {
        let g = self.group_for(actor, group).await?;
        Ok(self.store.plans_of_group(g.id).await?)
    }

    /// A plan the actor sees, with its group; not found otherwise.
    pub async fn plan_for(&self, actor: &Actor, id: PlanId) -> AppResult<(Plan, Group)> {
        let p = self.store.plan(id).await?.ok_or(AppError::NotFound)?;
        let g = self.group_for(actor, p.group_id).await?;
        Ok((p, g))
    }

    /// A plan with its whole tree and the day its progress is counted on.
    pub async fn plan_tree(&self, actor: &Actor, id: PlanId) -> AppResult<PlanTree> {
        let (plan, group) = self.plan_for(actor, id).await?;
        let nodes = self.store.plan_nodes(plan.id).await?;
        let today = self.plan_today(&group).await?;
        Ok(PlanTree {
            plan,
            group,
            nodes,
            today,
        })
    }

    /// Changes a plan's kind, title, description or period. `if_match` is the version
    /// the change was made against; a change that changes nothing writes nothing.
    pub async fn update_plan(
        &self,
        actor: &Actor,
        id: PlanId,
        if_match: Option<i64>,
        body: &PlanPatchBody,
    ) -> AppResult<Plan> {
        let (current, g) = self.plan_for(actor, id).await?;
        if !g.may_record(actor) {
            return Err(forbidden());
        }
        if let Some(v) = if_match {
            if v != current.version {
                return Err(AppError::PreconditionFailed {
                    current: current.version,
                });
            }
        }
        let patch = PlanPatch::from_body(body, &current)?;
        let mut next = patch.apply(&current);
        if next == current {
            return Ok(current);
        }
        let now = to_ms(self.now());
        next.version = current.version + 1;
        next.updated_at = now;
        let entry = self.audit(
            Some(actor),
            AuditAction::PlanUpdate,
            "plan",
            &id.to_string(),
            json!({"version": next.version}),
        );
        match self
            .store
            .update_plan(&next, current.version, &entry)
            .await?
        {
            UpdateOutcome::Updated => Ok(next),
            UpdateOutcome::VersionMismatch(v) => Err(AppError::PreconditionFailed { current: v }),
            UpdateOutcome::NotFound => Err(AppError::NotFound),
        }
    }

    /// `node` with the fields `input` sends, agencies resolved: the responsible agency
    /// must be a member of the group (the actor's agency when a new node names none).
    async fn apply_node_input(
        &self,
        actor: &Actor,
        g: &Group,
        node: &mut PlanNode,
        input: NodeInput,
        errs: &mut ValidationErrors,
    ) -> AppResult<()> {
        if let Some(p) = input.position {
            node.position = p;
        }
        if let Some(k) = input.kind {
            node.kind = k;
        }
        if let Some(t) = input.title {
            node.title = t;
        }
        if let Some(d) = input.description {
            node.description = d;
        }
        if let Some(r) = input.responsible {
            match r {
                None => node.responsible_agency_id = actor.agency_id,
                Some(code) => {
                    if let Some(a) = self.plan_agency(&code, "responsible", errs).await? {
                        node.responsible_agency_id = a;
                    }
                }
            }
            if !g.is_member(node.responsible_agency_id) {
                let code = match self.store.agency(node.responsible_agency_id).await? {
                    Some(a) => a.code.to_string(),
                    None => node.responsible_agency_id.to_string(),
                };
                errs.push("responsible", not_a_member(&code));
            }
        }
        if let Some(list) = input.supporting {
            let mut out = Vec::with_capacity(list.len());
            for (i, code) in list.iter().enumerate() {
                if let Some(a) = self
                    .plan_agency(code, &format!("supporting[{i}]"), errs)
                    .await?
                {
                    out.push(a);
                }
            }
            node.supporting = out;
        }
        if let Some(s) = input.starts_on {
            node.starts_on = s;
        }
        if let Some(e) = input.ends_on {
            node.ends_on = e;
        }
        if let Some(b) = input.budget {
            node.budget = b;
        }
        if let Some(f) = input.funding_source {
            node.funding_source = f;
        }
        if input.indicator.is_some() || input.unit.is_some() || input.target.is_some() {
            let indicator = match input.indicator {
                Some(i) => i,
                None => node.target.as_ref().map(|t| t.indicator.clone()),
            };
            let unit = match input.unit {
                Some(u) => u,
                None => node.target.as_ref().and_then(|t| t.unit.clone()),
            };
            let value = match input.target {
                Some(v) => v,
                None => node.target.as_ref().map(|t| t.value),
            };
            node.target = match (indicator, value) {
                (Some(indicator), Some(value)) => Some(Target {
                    indicator,
                    unit,
                    value,
                }),
                _ => None,
            };
        }
        if let Some(a) = input.achieved {
            node.achieved = a;
        }
        if let Some(s) = input.status {
            node.status = s;
        }
        if let Some(a) = input.activity {
            node.activity = match a {
                None => None,
                Some(a) => {
                    let mut participants = Vec::with_capacity(a.participants.len());
                    for (i, p) in a.participants.iter().enumerate() {
                        if let Some(id) = self
                            .plan_agency(
                                &p.agency,
                                &format!("activity.participants[{i}].agency"),
                                errs,
                            )
                            .await?
                        {
                            participants.push(Participants {
                                agency_id: id,
                                male: p.male,
                                female: p.female,
                            });
                        }
                    }
                    if let Some(id) = a.agreement {
                        if self.agreement_for(actor, id).await.is_err() {
                            errs.push(
                                "activity.agreement",
                                sinergi_core::msg!(
                                    "coord-agreement-unknown",
                                    "no agreement of your agency has this id"
                                ),
                            );
                        }
                    }
                    Some(Activity {
                        kind: a.kind,
                        participants,
                        materials: a.materials,
                        area: a.area,
                        audience: a.audience,
                        boards: a.boards,
                        dataset: a.dataset,
                        agreement_id: a.agreement,
                    })
                }
            };
        }
        if let Some(e) = input.evidence {
            node.evidence = e;
        }
        Ok(())
    }

    /// Adds a node to a plan's tree: under a node of the same plan, or at the top.
    pub async fn create_plan_node(
        &self,
        actor: &Actor,
        plan: PlanId,
        body: &NodeBody,
    ) -> AppResult<PlanNode> {
        let (p, g) = self.plan_for(actor, plan).await?;
        if !g.may_record(actor) {
            return Err(forbidden());
        }
        let input = NodeInput::from_body(body, None)?;
        let nodes = self.store.plan_nodes(p.id).await?;
        let mut errs = ValidationErrors::new();
        let parent = input.parent.flatten();
        if let Some(parent) = parent {
            if let Err(e) = check_parent(None, parent, &nodes) {
                errs.push("parent", e);
            }
        }
        let now = to_ms(self.now());
        let id = input
            .id
            .unwrap_or_else(|| PlanNodeId::new_at(now, Self::id_bits()));
        let mut node = PlanNode {
            id,
            plan_id: p.id,
            parent_id: parent,
            position: nodes.iter().map(|n| n.position + 1).max().unwrap_or(0),
            kind: sinergi_core::plan::NodeKind::Goal,
            title: String::new(),
            description: None,
            responsible_agency_id: actor.agency_id,
            supporting: Vec::new(),
            starts_on: None,
            ends_on: None,
            budget: None,
            funding_source: None,
            target: None,
            achieved: None,
            status: sinergi_core::plan::NodeStatus::Planned,
            activity: None,
            evidence: Vec::new(),
            version: 1,
            created_by: actor.user_id,
            created_at: now,
            updated_at: now,
        };
        self.apply_node_input(actor, &g, &mut node, input, &mut errs)
            .await?;
        if !errs.is_empty() {
            return Err(errs.into());
        }
        let entry = self.audit(
            Some(actor),
            AuditAction::PlanNodeCreate,
            "plan_node",
            &node.id.to_string(),
            json!({"plan": p.id.to_string(), "kind": node.kind.as_str()}),
        );
        if self.store.insert_plan_node(&node, &entry).await? {
            return Ok(node);
        }
        match self.store.plan_node(node.id).await? {
            Some(existing) if existing.created_by == actor.user_id && existing.plan_id == p.id => {
                Ok(existing)
            }
            _ => Err(AppError::Conflict("a plan node with this id exists".into())),
        }
    }

    /// A node the actor sees, with its plan and group; not found otherwise.
    pub async fn plan_node_for(
        &self,
        actor: &Actor,
        id: PlanNodeId,
    ) -> AppResult<(PlanNode, Plan, Group)> {
        let n = self.store.plan_node(id).await?.ok_or(AppError::NotFound)?;
        let (p, g) = self.plan_for(actor, n.plan_id).await?;
        Ok((n, p, g))
    }

    /// Changes a node: its fields, its progress and status, or its place (`parent`: a
    /// node of the same plan that is not the node or one of its descendants).
    pub async fn update_plan_node(
        &self,
        actor: &Actor,
        id: PlanNodeId,
        if_match: Option<i64>,
        body: &NodeBody,
    ) -> AppResult<PlanNode> {
        let (current, p, g) = self.plan_node_for(actor, id).await?;
        if !g.may_record(actor) {
            return Err(forbidden());
        }
        if let Some(v) = if_match {
            if v != current.version {
                return Err(AppError::PreconditionFailed {
                    current: current.version,
                });
            }
        }
        let input = NodeInput::from_body(body, Some(&current))?;
        let mut errs = ValidationErrors::new();
        let mut next = current.clone();
        if let Some(parent) = input.parent {
            if let Some(parent) = parent {
                let nodes = self.store.plan_nodes(p.id).await?;
                if let Err(e) = check_parent(Some(current.id), parent, &nodes) {
                    errs.push("parent", e);
                }
            }
            next.parent_id = parent;
        }
        self.apply_node_input(actor, &g, &mut next, input, &mut errs)
            .await?;
        if !errs.is_empty() {
            return Err(errs.into());
        }
        if next == current {
            return Ok(current);
        }
        let moved = next.parent_id != current.parent_id;
        let now = to_ms(self.now());
        next.version = current.version + 1;
        next.updated_at = now;
        let entry = self.audit(
            Some(actor),
            AuditAction::PlanNodeUpdate,
            "plan_node",
            &id.to_string(),
            json!({"status": next.status.as_str(), "version": next.version, "moved": moved}),
        );
        match self
            .store
            .update_plan_node(&next, current.version, moved, &entry)
            .await?
        {
            NodeUpdate::Updated => Ok(next),
            NodeUpdate::VersionMismatch(v) => Err(AppError::PreconditionFailed { current: v }),
            NodeUpdate::NotFound => Err(AppError::NotFound),
            NodeUpdate::Cycle => Err(AppError::field(
                "parent",
                sinergi_core::msg!(
                    "plan-parent-cycle",
                    "a node cannot be put under itself or under one of its own nodes"
                ),
            )),
        }
    }

    /// The title of each evidence link's record when the actor may see it; `None` for a
    /// web address and for a record the actor may not see (or that does not exist), so
    /// a link never tells what it points to beyond its kind.
    pub async fn evidence_titles(
        &self,
        actor: &Actor,
        evidence: &[Evidence],
    ) -> AppResult<Vec<Option<String>>> {
        let mut out = Vec::with_capacity(evidence.len());
        for e in evidence {
            let Some(id) = e.id else {
                out.push(None);
                continue;
            };
            let title = match e.kind {
                EvidenceKind::Patrol => self
                    .patrol_for(actor, PatrolId(id))
                    .await
                    .ok()
                    .map(|(p, _)| p.title),
                EvidenceKind::Meeting => match self.meeting_for(actor, MeetingId(id)).await {
                    Ok((m, g)) => Some(format!("{} — {}", g.name, m.local_date())),
                    Err(_) => None,
                },
                EvidenceKind::Report => self
                    .decided_report(actor, ReportId(id))
                    .await
                    .ok()
                    .map(|(r, _)| r.title),
                EvidenceKind::Agreement => self
                    .agreement_for(actor, sinergi_core::ids::AgreementId(id))
                    .await
                    .ok()
                    .map(|a| a.title),
                EvidenceKind::Letter => self
                    .letter_for(actor, LetterId(id))
                    .await
                    .ok()
                    .map(|l| l.subject),
                EvidenceKind::Url => None,
            };
            out.push(title);
        }
        Ok(out)
    }
}
