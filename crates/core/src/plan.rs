//! Plans (ADR 23): a working group's joint work plans, action plans, roadmaps and
//! programmes, each a tree of nodes — goals, programmes, activities and roadmap stages —
//! with the agency responsible, supporting agencies, a period, a budget, a target on an
//! indicator, a status, the value achieved and evidence links.
//!
//! - [`body`]: the request bodies; [`PlanInput::from_body`], [`PlanPatch::from_body`] and
//!   [`NodeInput::from_body`] check them, naming every field at fault at once.
//!
//! A plan is seen exactly when its group is (`Group::visible_to`) and written by whoever
//! records the group's meetings (`Group::may_record`). The tree never has a cycle:
//! [`check_parent`] refuses a parent that is the node itself or one of its descendants.
//! Progress is computed, never stored: [`Progress::of`] compares the share of the target
//! achieved with the share of the period gone.

pub mod body;

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::agency::AgencyCode;
use crate::error::{Message, ValidationErrors};
use crate::ids::{AgencyId, AgreementId, GroupId, PlanId, PlanNodeId, UserId};
use crate::input::Field;

pub use body::{
    ActivityBody, EvidenceBody, NewPlanBody, NodeBody, ParticipantsBody, PlanPatchBody,
};

/// The longest title of a plan, in characters.
pub const MAX_TITLE: usize = 200;
/// The longest title of a node, a material, an area, an indicator or a unit.
pub const MAX_LINE: usize = 2000;
/// The longest description, in characters.
pub const MAX_TEXT: usize = 50_000;
/// The most entries of one list (supporting agencies, participants, materials, evidence).
pub const MAX_LIST: usize = 200;
/// The longest web address, in characters.
pub const MAX_LINK: usize = 1000;
/// How far (in percentage points) achievement may trail the time gone before a node is
/// behind.
pub const BEHIND_MARGIN: f64 = 10.0;

keyword_enum!(
    /// What kind of plan: a joint work plan (the Kerinci Seblat Pokja's), a national
    /// action plan's local part (RAN PPTPPO), a roadmap (Kelurahan Bersinar's stages), a
    /// programme (KOTAN).
    PlanKind {
        JointWorkPlan = "joint_work_plan",
        ActionPlan = "action_plan",
        Roadmap = "roadmap",
        Programme = "programme",
    }
);

keyword_enum!(
    /// What a node of the tree is.
    NodeKind {
        Goal = "goal",
        Programme = "programme",
        Activity = "activity",
        Stage = "stage",
    }
);

keyword_enum!(
    /// Where a node stands. Any status may follow any other.
    NodeStatus {
        Planned = "planned",
        UnderWay = "under_way",
        Done = "done",
        Dropped = "dropped",
    }
);

keyword_enum!(
    /// What kind of activity.
    ActivityKind {
        Training = "training",
        JointPatrol = "joint_patrol",
        Outreach = "outreach",
        Signboards = "signboards",
        Meeting = "meeting",
        DataExchange = "data_exchange",
    }
);

keyword_enum!(
    /// What an evidence link points to.
    EvidenceKind {
        Patrol = "patrol",
        Meeting = "meeting",
        Report = "report",
        Agreement = "agreement",
        Letter = "letter",
        Url = "url",
    }
);

/// A plan as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub id: PlanId,
    pub group_id: GroupId,
    pub kind: PlanKind,
    pub title: String,
    pub description: Option<String>,
    pub period_from: NaiveDate,
    pub period_until: NaiveDate,
    pub version: i64,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Participants of a training from one agency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Participants {
    pub agency_id: AgencyId,
    pub male: u32,
    pub female: u32,
}

/// An activity's kind and the details of that kind; fields of other kinds are empty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Activity {
    pub kind: ActivityKind,
    /// training: participants by agency and sex.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub participants: Vec<Participants>,
    /// training: the materials.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub materials: Vec<String>,
    /// joint_patrol, outreach, signboards: where.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    /// outreach: to whom.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
    /// signboards: how many boards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boards: Option<u32>,
    /// data_exchange: what is exchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataset: Option<String>,
    /// data_exchange: the agreement it runs under.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreement_id: Option<AgreementId>,
}

/// An evidence link: a Sinergi record by kind and id, or a web address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub kind: EvidenceKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<uuid::Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl Evidence {
    /// The page the link opens.
    pub fn href(&self) -> String {
        let id = self.id.map(|i| i.to_string()).unwrap_or_default();
        match self.kind {
            EvidenceKind::Patrol => format!("/patroli/{id}"),
            EvidenceKind::Meeting => format!("/rapat/{id}"),
            EvidenceKind::Report => format!("/laporan/{id}"),
            EvidenceKind::Agreement => format!("/perjanjian/{id}"),
            EvidenceKind::Letter => format!("/surat/{id}"),
            EvidenceKind::Url => self.url.clone().unwrap_or_default(),
        }
    }
}

/// The indicator a node's target is counted in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    pub indicator: String,
    pub unit: Option<String>,
    pub value: f64,
}

/// A node of a plan's tree as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanNode {
    pub id: PlanNodeId,
    pub plan_id: PlanId,
    pub parent_id: Option<PlanNodeId>,
    /// The place among its siblings; siblings are shown by position, then id.
    pub position: i64,
    pub kind: NodeKind,
    pub title: String,
    pub description: Option<String>,
    /// A member agency of the plan's group.
    pub responsible_agency_id: AgencyId,
    pub supporting: Vec<AgencyId>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    /// Whole rupiah.
    pub budget: Option<i64>,
    pub funding_source: Option<String>,
    pub target: Option<Target>,
    pub achieved: Option<f64>,
    pub status: NodeStatus,
    pub activity: Option<Activity>,
    pub evidence: Vec<Evidence>,
    pub version: i64,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A node's progress on `today`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    /// The share of the target achieved, in percent (may pass 100); `None` without a
    /// target above zero.
    pub achieved_pct: Option<f64>,
    /// The share of the period gone, 0 to 100; `None` without a period.
    pub elapsed_pct: Option<f64>,
    /// Achievement trails the time gone by more than [`BEHIND_MARGIN`] points (never for
    /// a node done or dropped).
    pub behind: bool,
}

impl Progress {
    /// The progress of `node` on `today`, over the node's period, else the plan's.
    pub fn of(node: &PlanNode, plan: &Plan, today: NaiveDate) -> Progress {
        let achieved_pct = match (&node.target, node.achieved) {
            (Some(t), a) if t.value > 0.0 => Some(a.unwrap_or(0.0) / t.value * 100.0),
            _ => None,
        };
        let start = node.starts_on.unwrap_or(plan.period_from);
        let end = node.ends_on.unwrap_or(plan.period_until);
        let elapsed_pct = Some(elapsed_pct(start, end, today));
        let open = matches!(node.status, NodeStatus::Planned | NodeStatus::UnderWay);
        let behind = match (achieved_pct, elapsed_pct) {
            (Some(a), Some(e)) => open && a < e - BEHIND_MARGIN,
            _ => false,
        };
        Progress {
            achieved_pct,
            elapsed_pct,
            behind,
        }
    }
}

/// The share of the days from `start` to `end` (both counted) gone by the end of
/// `today`, 0 to 100: nothing before the first day, all after the last.
pub fn elapsed_pct(start: NaiveDate, end: NaiveDate, today: NaiveDate) -> f64 {
    let total = (end - start).num_days() + 1;
    let gone = ((today - start).num_days() + 1).clamp(0, total.max(1));
    if total <= 0 {
        return 100.0;
    }
    gone as f64 / total as f64 * 100.0
}

/// The nodes in the order the tree is read: each node followed by its children, siblings
/// by position then id. Nodes whose parent is not among `nodes` are taken as top-level.
pub fn tree_order(nodes: &[PlanNode]) -> Vec<&PlanNode> {
    let ids: BTreeSet<PlanNodeId> = nodes.iter().map(|n| n.id).collect();
    let mut children: HashMap<Option<PlanNodeId>, Vec<&PlanNode>> = HashMap::new();
    for n in nodes {
        let parent = n.parent_id.filter(|p| ids.contains(p) && *p != n.id);
        children.entry(parent).or_default().push(n);
    }
    for list in children.values_mut() {
        list.sort_by_key(|n| (n.position, n.id));
    }
    let mut out = Vec::with_capacity(nodes.len());
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&PlanNode> = children.get(&None).cloned().unwrap_or_default();
    stack.reverse();
    while let Some(n) = stack.pop() {
        if !seen.insert(n.id) {
            continue;
        }
        out.push(n);
        if let Some(kids) = children.get(&Some(n.id)) {
            stack.extend(kids.iter().rev());
        }
    }
    out
}

/// The stage a roadmap has reached: the last node of kind `stage`, in the order of the
/// tree, whose status is done.
pub fn stage_reached(nodes: &[PlanNode]) -> Option<PlanNodeId> {
    tree_order(nodes)
        .into_iter()
        .rev()
        .find(|n| n.kind == NodeKind::Stage && n.status == NodeStatus::Done)
        .map(|n| n.id)
}

/// Whether `parent` may be the parent of `node` (`None` for a new node) among the plan's
/// `nodes`: it must be a node of the plan, and neither the node itself nor one of its
/// descendants.
pub fn check_parent(
    node: Option<PlanNodeId>,
    parent: PlanNodeId,
    nodes: &[PlanNode],
) -> Result<(), Message> {
    let by_id: HashMap<PlanNodeId, &PlanNode> = nodes.iter().map(|n| (n.id, n)).collect();
    if !by_id.contains_key(&parent) {
        return Err(crate::msg!(
            "plan-parent-unknown",
            "is not a node of this plan"
        ));
    }
    let Some(node) = node else { return Ok(()) };
    let mut cur = Some(parent);
    let mut steps = 0;
    while let Some(c) = cur {
        if c == node || steps > nodes.len() {
            return Err(crate::msg!(
                "plan-parent-cycle",
                "a node cannot be put under itself or under one of its own nodes"
            ));
        }
        steps += 1;
        cur = by_id.get(&c).and_then(|n| n.parent_id);
    }
    Ok(())
}

/// What is said of a responsible agency that is not a member of the group.
pub fn not_a_member(agency: &str) -> Message {
    crate::msg!(
        "plan-not-member",
        "{code} is not a member agency of the group",
        code = agency
    )
}

// ---- checked inputs --------------------------------------------------------------------

/// A new plan, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanInput {
    pub id: Option<PlanId>,
    pub kind: PlanKind,
    pub title: String,
    pub description: Option<String>,
    pub period_from: NaiveDate,
    pub period_until: NaiveDate,
}

impl PlanInput {
    pub fn from_body(b: &NewPlanBody) -> Result<PlanInput, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        b.unknown.report("", &mut errs);
        let id = uuid_field("id", &b.id, &mut errs).map(PlanId);
        let kind = plan_kind(&b.kind, &mut errs);
        let title = required_text("title", &b.title, MAX_TITLE, &mut errs);
        let description = optional_text("description", &b.description, MAX_TEXT, &mut errs);
        let from = required_date("period_from", &b.period_from, &mut errs);
        let until = required_date("period_until", &b.period_until, &mut errs);
        if let (Some(f), Some(u)) = (from, until) {
            check_order(f, u, "period_until", &mut errs);
        }
        match (kind, title, description, from, until) {
            (Some(kind), Some(title), Some(description), Some(period_from), Some(period_until))
                if errs.is_empty() =>
            {
                Ok(PlanInput {
                    id,
                    kind,
                    title,
                    description,
                    period_from,
                    period_until,
                })
            }
            _ => Err(errs),
        }
    }
}

/// A change to a plan; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanPatch {
    pub kind: Option<PlanKind>,
    pub title: Option<String>,
    pub description: Option<Option<String>>,
    pub period_from: Option<NaiveDate>,
    pub period_until: Option<NaiveDate>,
}

impl PlanPatch {
    /// Checks a change to `current`; the period as it will be must be in order.
    pub fn from_body(b: &PlanPatchBody, current: &Plan) -> Result<PlanPatch, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        b.unknown.report("", &mut errs);
        let mut p = PlanPatch::default();
        if b.kind.is_sent() {
            p.kind = plan_kind(&b.kind, &mut errs);
        }
        if b.title.is_sent() {
            p.title = required_text("title", &b.title, MAX_TITLE, &mut errs);
        }
        if b.description.is_sent() {
            p.description = optional_text("description", &b.description, MAX_TEXT, &mut errs);
        }
        if b.period_from.is_sent() {
            p.period_from = required_date("period_from", &b.period_from, &mut errs);
        }
        if b.period_until.is_sent() {
            p.period_until = required_date("period_until", &b.period_until, &mut errs);
        }
        if errs.is_empty() {
            let from = p.period_from.unwrap_or(current.period_from);
            let until = p.period_until.unwrap_or(current.period_until);
            check_order(from, until, "period_until", &mut errs);
        }
        errs.into_result(p)
    }

    /// `plan` with this change.
    pub fn apply(&self, plan: &Plan) -> Plan {
        let mut next = plan.clone();
        if let Some(k) = self.kind {
            next.kind = k;
        }
        if let Some(t) = &self.title {
            next.title = t.clone();
        }
        if let Some(d) = &self.description {
            next.description = d.clone();
        }
        if let Some(f) = self.period_from {
            next.period_from = f;
        }
        if let Some(u) = self.period_until {
            next.period_until = u;
        }
        next
    }
}

/// Participants as sent, the agency resolved by the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct ParticipantsInput {
    pub agency: AgencyCode,
    pub male: u32,
    pub female: u32,
}

/// An activity as sent; agencies and the agreement are resolved by the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityInput {
    pub kind: ActivityKind,
    pub participants: Vec<ParticipantsInput>,
    pub materials: Vec<String>,
    pub area: Option<String>,
    pub audience: Option<String>,
    pub boards: Option<u32>,
    pub dataset: Option<String>,
    pub agreement: Option<AgreementId>,
}

/// A node's fields as sent. On create every field is `Some` (defaults filled in, the
/// responsible agency `Some(None)` for the creator's); on a change `None` leaves a
/// field as it is and `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NodeInput {
    pub id: Option<PlanNodeId>,
    pub parent: Option<Option<PlanNodeId>>,
    pub position: Option<i64>,
    pub kind: Option<NodeKind>,
    pub title: Option<String>,
    pub description: Option<Option<String>>,
    pub responsible: Option<Option<AgencyCode>>,
    pub supporting: Option<Vec<AgencyCode>>,
    pub starts_on: Option<Option<NaiveDate>>,
    pub ends_on: Option<Option<NaiveDate>>,
    pub budget: Option<Option<i64>>,
    pub funding_source: Option<Option<String>>,
    pub indicator: Option<Option<String>>,
    pub unit: Option<Option<String>>,
    pub target: Option<Option<f64>>,
    pub achieved: Option<Option<f64>>,
    pub status: Option<NodeStatus>,
    pub activity: Option<Option<ActivityInput>>,
    pub evidence: Option<Vec<Evidence>>,
}

impl NodeInput {
    /// Checks a node's body: a new one (`current` is `None`: kind and title are required)
    /// or a change to `current`. Rules that span fields (the period in order, a target
    /// with its indicator, activity details on an activity only) are checked on the node
    /// as it will be.
    pub fn from_body(
        b: &NodeBody,
        current: Option<&PlanNode>,
    ) -> Result<NodeInput, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        b.unknown.report("", &mut errs);
        let create = current.is_none();
        let mut n = NodeInput::default();
        if create {
            n.id = uuid_field("id", &b.id, &mut errs).map(PlanNodeId);
        } else if b.id.is_sent() {
            errs.push(
                "id",
                crate::msg!("plan-node-id-fixed", "a node's id cannot be changed"),
            );
        }
        if b.parent.is_sent() || create {
            n.parent = match &b.parent {
                Field::Absent | Field::Null => Some(None),
                f => uuid_field("parent", f, &mut errs).map(|u| Some(PlanNodeId(u))),
            };
        }
        if b.position.is_sent() {
            n.position = match &b.position {
                Field::Given(p) if *p >= 0 => Some(*p),
                _ => {
                    errs.push(
                        "position",
                        crate::msg!("plan-number-negative", "must be a whole number, 0 or more"),
                    );
                    None
                }
            };
        }
        if b.kind.is_sent() || create {
            n.kind = node_kind(&b.kind, &mut errs);
        }
        if b.title.is_sent() || create {
            n.title = required_text("title", &b.title, MAX_LINE, &mut errs);
        }
        if b.description.is_sent() || create {
            n.description = optional_text("description", &b.description, MAX_TEXT, &mut errs);
        }
        if b.responsible.is_sent() || create {
            n.responsible = match &b.responsible {
                Field::Absent | Field::Null => Some(None),
                f => agency_code("responsible", f, &mut errs).map(Some),
            };
        }
        if b.supporting.is_sent() || create {
            n.supporting = match &b.supporting {
                Field::Absent | Field::Null => Some(Vec::new()),
                f => agency_list("supporting", f, &mut errs),
            };
        }
        if b.starts_on.is_sent() || create {
            n.starts_on = optional_date("starts_on", &b.starts_on, &mut errs);
        }
        if b.ends_on.is_sent() || create {
            n.ends_on = optional_date("ends_on", &b.ends_on, &mut errs);
        }
        if b.budget.is_sent() || create {
            n.budget = match &b.budget {
                Field::Absent | Field::Null => Some(None),
                Field::Given(v) if *v >= 0 => Some(Some(*v)),
                _ => {
                    errs.push(
                        "budget",
                        crate::msg!("plan-budget-invalid", "must be whole rupiah, 0 or more"),
                    );
                    None
                }
            };
        }
        if b.funding_source.is_sent() || create {
            n.funding_source =
                optional_text("funding_source", &b.funding_source, MAX_LINE, &mut errs);
        }
        if b.indicator.is_sent() || create {
            n.indicator = optional_text("indicator", &b.indicator, MAX_LINE, &mut errs);
        }
        if b.unit.is_sent() || create {
            n.unit = optional_text("unit", &b.unit, MAX_TITLE, &mut errs);
        }
        if b.target.is_sent() || create {
            n.target = number("target", &b.target, &mut errs);
        }
        if b.achieved.is_sent() || create {
            n.achieved = number("achieved", &b.achieved, &mut errs);
        }
        if b.status.is_sent() || create {
            n.status = match &b.status {
                Field::Absent | Field::Null if create => Some(NodeStatus::Planned),
                f => {
                    let s = f.given().and_then(|s| NodeStatus::parse(s));
                    if s.is_none() {
                        errs.push(
                            "status",
                            crate::msg!(
                                "plan-status-invalid",
                                "must be one of planned, under_way, done, dropped"
                            ),
                        );
                    }
                    s
                }
            };
        }
        if b.activity.is_sent() || create {
            n.activity = match &b.activity {
                Field::Absent | Field::Null => Some(None),
                Field::Given(a) => activity(a, &mut errs).map(Some),
                Field::Wrong(_) => {
                    errs.push(
                        "activity",
                        crate::msg!("object-required", "must be a JSON object"),
                    );
                    None
                }
            };
        }
        if b.evidence.is_sent() || create {
            n.evidence = match &b.evidence {
                Field::Absent | Field::Null => Some(Vec::new()),
                f => evidence(f, &mut errs),
            };
        }
        if errs.is_empty() {
            n.check_whole(current, &mut errs);
        }
        errs.into_result(n)
    }

    /// The rules that span fields, on the node as it will be.
    fn check_whole(&self, current: Option<&PlanNode>, errs: &mut ValidationErrors) {
        let starts = self
            .starts_on
            .unwrap_or_else(|| current.and_then(|c| c.starts_on));
        let ends = self
            .ends_on
            .unwrap_or_else(|| current.and_then(|c| c.ends_on));
        if let (Some(s), Some(e)) = (starts, ends) {
            check_order(s, e, "ends_on", errs);
        }
        let indicator = match &self.indicator {
            Some(i) => i.clone(),
            None => current.and_then(|c| c.target.as_ref().map(|t| t.indicator.clone())),
        };
        let target = self
            .target
            .unwrap_or_else(|| current.and_then(|c| c.target.as_ref().map(|t| t.value)));
        match (indicator.is_some(), target.is_some()) {
            (true, false) => errs.push(
                "target",
                crate::msg!(
                    "plan-target-required",
                    "give the target value of the indicator"
                ),
            ),
            (false, true) => errs.push(
                "indicator",
                crate::msg!(
                    "plan-indicator-required",
                    "name the indicator the target is counted in"
                ),
            ),
            _ => {}
        }
        let kind = self.kind.or(current.map(|c| c.kind));
        let has_activity = match &self.activity {
            Some(a) => a.is_some(),
            None => current.is_some_and(|c| c.activity.is_some()),
        };
        if has_activity && kind != Some(NodeKind::Activity) {
            errs.push(
                "activity",
                crate::msg!(
                    "plan-activity-on-activity",
                    "only a node of kind activity has activity details"
                ),
            );
        }
    }
}

// ---- field readers ---------------------------------------------------------------------

pub(crate) fn text(
    key: &str,
    f: &Field<String>,
    limit: usize,
    errs: &mut ValidationErrors,
) -> Option<String> {
    let multiline = limit > MAX_LINE;
    match f.given().map(|s| s.trim()) {
        Some(s)
            if s.chars()
                .any(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t'))) =>
        {
            errs.push(
                key,
                crate::msg!(
                    "text-control-characters",
                    "must not contain control characters"
                ),
            );
            None
        }
        Some(s) if crate::input::visible(s) && s.chars().count() <= limit => Some(s.to_string()),
        _ => {
            errs.push(
                key,
                crate::msg!(
                    "text-length",
                    "must be text of 1 to {max} characters",
                    max = limit
                ),
            );
            None
        }
    }
}

pub(crate) fn required_text(
    key: &str,
    f: &Field<String>,
    limit: usize,
    errs: &mut ValidationErrors,
) -> Option<String> {
    if f.is_unset() {
        errs.push(key, crate::msg!("fix-field-required", "is required"));
        return None;
    }
    text(key, f, limit, errs)
}

/// `Some(None)` when absent, null or empty.
pub(crate) fn optional_text(
    key: &str,
    f: &Field<String>,
    limit: usize,
    errs: &mut ValidationErrors,
) -> Option<Option<String>> {
    match f {
        Field::Absent | Field::Null => Some(None),
        Field::Given(s) if s.trim().is_empty() => Some(None),
        f => text(key, f, limit, errs).map(Some),
    }
}

pub(crate) fn uuid_field(
    key: &str,
    f: &Field<String>,
    errs: &mut ValidationErrors,
) -> Option<uuid::Uuid> {
    match f {
        Field::Absent | Field::Null => None,
        Field::Given(s) => {
            let id = uuid::Uuid::parse_str(s.trim()).ok();
            if id.is_none() {
                errs.push(key, crate::msg!("uuid-invalid", "must be a UUID"));
            }
            id
        }
        Field::Wrong(_) => {
            errs.push(
                key,
                crate::msg!("uuid-string-invalid", "must be a UUID string"),
            );
            None
        }
    }
}

fn plan_kind(f: &Field<String>, errs: &mut ValidationErrors) -> Option<PlanKind> {
    let k = f.given().and_then(|s| PlanKind::parse(s));
    if k.is_none() {
        errs.push(
            "kind",
            crate::msg!(
                "plan-kind-invalid",
                "must be one of joint_work_plan, action_plan, roadmap, programme"
            ),
        );
    }
    k
}

fn node_kind(f: &Field<String>, errs: &mut ValidationErrors) -> Option<NodeKind> {
    let k = f.given().and_then(|s| NodeKind::parse(s));
    if k.is_none() {
        errs.push(
            "kind",
            crate::msg!(
                "plan-node-kind-invalid",
                "must be one of goal, programme, activity, stage"
            ),
        );
    }
    k
}

pub(crate) fn required_date(
    key: &str,
    f: &Field<String>,
    errs: &mut ValidationErrors,
) -> Option<NaiveDate> {
    let d = f
        .given()
        .and_then(|s| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok());
    if d.is_none() {
        errs.push(
            key,
            crate::msg!("date-invalid", "must be a date YYYY-MM-DD"),
        );
    }
    d
}

pub(crate) fn optional_date(
    key: &str,
    f: &Field<String>,
    errs: &mut ValidationErrors,
) -> Option<Option<NaiveDate>> {
    match f {
        Field::Absent | Field::Null => Some(None),
        Field::Given(s) if s.trim().is_empty() => Some(None),
        f => required_date(key, f, errs).map(Some),
    }
}

fn check_order(from: NaiveDate, until: NaiveDate, key: &str, errs: &mut ValidationErrors) {
    if until < from {
        errs.push(
            key,
            crate::msg!("valid-until-before-start", "ends before it starts"),
        );
    }
}

/// A number 0 or more; `Some(None)` when absent or null.
fn number(key: &str, f: &Field<f64>, errs: &mut ValidationErrors) -> Option<Option<f64>> {
    match f {
        Field::Absent | Field::Null => Some(None),
        Field::Given(v) if v.is_finite() && *v >= 0.0 && *v <= 1e15 => Some(Some(*v)),
        _ => {
            errs.push(
                key,
                crate::msg!("plan-value-invalid", "must be a number, 0 or more"),
            );
            None
        }
    }
}

pub(crate) fn count(key: &str, f: &Field<i64>, errs: &mut ValidationErrors) -> Option<u32> {
    match f {
        Field::Absent | Field::Null => Some(0),
        Field::Given(v) if (0..=i64::from(u32::MAX)).contains(v) => Some(*v as u32),
        _ => {
            errs.push(
                key,
                crate::msg!("plan-number-negative", "must be a whole number, 0 or more"),
            );
            None
        }
    }
}

pub(crate) fn agency_code(
    key: &str,
    f: &Field<String>,
    errs: &mut ValidationErrors,
) -> Option<AgencyCode> {
    match f {
        Field::Given(s) => AgencyCode::parse(s).map_err(|e| errs.push(key, e)).ok(),
        _ => {
            errs.push(key, crate::msg!("value-not-text", "must be text"));
            None
        }
    }
}

fn list<'a, T>(
    key: &str,
    f: &'a Field<Vec<Field<T>>>,
    errs: &mut ValidationErrors,
) -> Option<&'a [Field<T>]> {
    match f {
        Field::Given(list) if list.len() > MAX_LIST => {
            errs.push(
                key,
                crate::msg!(
                    "coord-list-too-long",
                    "at most {max} entries",
                    max = MAX_LIST
                ),
            );
            None
        }
        Field::Given(list) => Some(list),
        Field::Null => Some(&[]),
        _ => {
            errs.push(key, crate::msg!("value-not-list", "must be a list"));
            None
        }
    }
}

fn agency_list(
    key: &str,
    f: &Field<Vec<Field<String>>>,
    errs: &mut ValidationErrors,
) -> Option<Vec<AgencyCode>> {
    let list = list(key, f, errs)?;
    let before = errs.errors.len();
    let mut out = Vec::with_capacity(list.len());
    let mut seen = BTreeSet::new();
    for (i, e) in list.iter().enumerate() {
        let k = format!("{key}[{i}]");
        if let Some(code) = agency_code(&k, e, errs) {
            if !seen.insert(code.as_str().to_string()) {
                errs.push(
                    k,
                    crate::msg!(
                        "coord-agency-repeated",
                        "{code} is named twice",
                        code = code.as_str()
                    ),
                );
                continue;
            }
            out.push(code);
        }
    }
    (errs.errors.len() == before).then_some(out)
}

/// A detail that does not belong to the activity's kind.
fn not_of_kind(key: &str, kind: ActivityKind, errs: &mut ValidationErrors) {
    errs.push(
        key,
        crate::msg!(
            "plan-activity-detail-kind",
            "is not a detail of an activity of kind {kind}",
            kind = kind.as_str()
        ),
    );
}

fn activity(a: &ActivityBody, errs: &mut ValidationErrors) -> Option<ActivityInput> {
    let before = errs.errors.len();
    a.unknown.report("activity", errs);
    let kind = a.kind.given().and_then(|s| ActivityKind::parse(s));
    let Some(kind) = kind else {
        errs.push(
            "activity.kind",
            crate::msg!(
                "plan-activity-kind-invalid",
                "must be one of training, joint_patrol, outreach, signboards, meeting, data_exchange"
            ),
        );
        return None;
    };
    use ActivityKind as K;
    let mut out = ActivityInput {
        kind,
        participants: Vec::new(),
        materials: Vec::new(),
        area: None,
        audience: None,
        boards: None,
        dataset: None,
        agreement: None,
    };
    if a.participants.is_sent() {
        if kind != K::Training {
            not_of_kind("activity.participants", kind, errs);
        } else if let Some(list) = list("activity.participants", &a.participants, errs) {
            let mut seen = BTreeSet::new();
            for (i, p) in list.iter().enumerate() {
                let key = format!("activity.participants[{i}]");
                let Field::Given(p) = p else {
                    errs.push(key, crate::msg!("object-required", "must be a JSON object"));
                    continue;
                };
                p.unknown.report(&key, errs);
                let agency = agency_code(&format!("{key}.agency"), &p.agency, errs);
                let male = count(&format!("{key}.male"), &p.male, errs);
                let female = count(&format!("{key}.female"), &p.female, errs);
                if let (Some(agency), Some(male), Some(female)) = (agency, male, female) {
                    if !seen.insert(agency.as_str().to_string()) {
                        errs.push(
                            format!("{key}.agency"),
                            crate::msg!(
                                "coord-agency-repeated",
                                "{code} is named twice",
                                code = agency.as_str()
                            ),
                        );
                        continue;
                    }
                    out.participants.push(ParticipantsInput {
                        agency,
                        male,
                        female,
                    });
                }
            }
        }
    }
    if a.materials.is_sent() {
        if kind != K::Training {
            not_of_kind("activity.materials", kind, errs);
        } else if let Some(list) = list("activity.materials", &a.materials, errs) {
            for (i, m) in list.iter().enumerate() {
                if let Some(t) = text(&format!("activity.materials[{i}]"), m, MAX_LINE, errs) {
                    out.materials.push(t);
                }
            }
        }
    }
    if a.area.is_sent() {
        if !matches!(kind, K::JointPatrol | K::Outreach | K::Signboards) {
            not_of_kind("activity.area", kind, errs);
        } else {
            out.area = optional_text("activity.area", &a.area, MAX_LINE, errs).flatten();
        }
    }
    if a.audience.is_sent() {
        if kind != K::Outreach {
            not_of_kind("activity.audience", kind, errs);
        } else {
            out.audience =
                optional_text("activity.audience", &a.audience, MAX_LINE, errs).flatten();
        }
    }
    if a.boards.is_sent() {
        if kind != K::Signboards {
            not_of_kind("activity.boards", kind, errs);
        } else if !a.boards.is_unset() {
            out.boards = count("activity.boards", &a.boards, errs);
        }
    }
    if a.dataset.is_sent() {
        if kind != K::DataExchange {
            not_of_kind("activity.dataset", kind, errs);
        } else {
            out.dataset = optional_text("activity.dataset", &a.dataset, MAX_LINE, errs).flatten();
        }
    }
    if a.agreement.is_sent() {
        if kind != K::DataExchange {
            not_of_kind("activity.agreement", kind, errs);
        } else {
            out.agreement = uuid_field("activity.agreement", &a.agreement, errs).map(AgreementId);
        }
    }
    (errs.errors.len() == before).then_some(out)
}

fn evidence(
    f: &Field<Vec<Field<EvidenceBody>>>,
    errs: &mut ValidationErrors,
) -> Option<Vec<Evidence>> {
    let list = list("evidence", f, errs)?;
    let before = errs.errors.len();
    let mut out = Vec::with_capacity(list.len());
    for (i, e) in list.iter().enumerate() {
        let key = format!("evidence[{i}]");
        let Field::Given(e) = e else {
            errs.push(key, crate::msg!("object-required", "must be a JSON object"));
            continue;
        };
        e.unknown.report(&key, errs);
        let Some(kind) = e.kind.given().and_then(|s| EvidenceKind::parse(s)) else {
            errs.push(
                format!("{key}.kind"),
                crate::msg!(
                    "plan-evidence-kind-invalid",
                    "must be one of patrol, meeting, report, agreement, letter, url"
                ),
            );
            continue;
        };
        if kind == EvidenceKind::Url {
            if e.id.is_sent() {
                errs.push(
                    format!("{key}.id"),
                    crate::msg!("plan-evidence-url-no-id", "a web address has no id"),
                );
            }
            let url = required_text(&format!("{key}.url"), &e.url, MAX_LINK, errs);
            match url {
                Some(u)
                    if (u.starts_with("https://") || u.starts_with("http://"))
                        && !u.contains(char::is_whitespace) =>
                {
                    out.push(Evidence {
                        kind,
                        id: None,
                        url: Some(u),
                    })
                }
                Some(_) => errs.push(
                    format!("{key}.url"),
                    crate::msg!(
                        "coord-link-invalid",
                        "must be a web address starting with https://"
                    ),
                ),
                None => {}
            }
        } else {
            if e.url.is_sent() {
                errs.push(
                    format!("{key}.url"),
                    crate::msg!(
                        "plan-evidence-record-no-url",
                        "a Sinergi record is linked by its id"
                    ),
                );
            }
            if e.id.is_unset() {
                errs.push(
                    format!("{key}.id"),
                    crate::msg!("fix-field-required", "is required"),
                );
                continue;
            }
            if let Some(id) = uuid_field(&format!("{key}.id"), &e.id, errs) {
                out.push(Evidence {
                    kind,
                    id: Some(id),
                    url: None,
                });
            }
        }
    }
    (errs.errors.len() == before).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn node(id: u128, parent: Option<u128>, kind: NodeKind, status: NodeStatus) -> PlanNode {
        let t = DateTime::from_timestamp(1_700_000_000, 0).expect("ts");
        PlanNode {
            id: PlanNodeId(uuid::Uuid::from_u128(id)),
            plan_id: PlanId(uuid::Uuid::from_u128(99)),
            parent_id: parent.map(|p| PlanNodeId(uuid::Uuid::from_u128(p))),
            position: id as i64,
            kind,
            title: format!("n{id}"),
            description: None,
            responsible_agency_id: AgencyId(uuid::Uuid::from_u128(7)),
            supporting: Vec::new(),
            starts_on: None,
            ends_on: None,
            budget: None,
            funding_source: None,
            target: None,
            achieved: None,
            status,
            activity: None,
            evidence: Vec::new(),
            version: 1,
            created_by: UserId(uuid::Uuid::from_u128(8)),
            created_at: t,
            updated_at: t,
        }
    }

    fn plan() -> Plan {
        let t = DateTime::from_timestamp(1_700_000_000, 0).expect("ts");
        Plan {
            id: PlanId(uuid::Uuid::from_u128(99)),
            group_id: GroupId(uuid::Uuid::from_u128(98)),
            kind: PlanKind::JointWorkPlan,
            title: "p".into(),
            description: None,
            period_from: d("2025-01-01"),
            period_until: d("2025-12-31"),
            version: 1,
            created_by: UserId(uuid::Uuid::from_u128(8)),
            created_at: t,
            updated_at: t,
        }
    }

    #[test]
    fn a_node_under_itself_or_its_descendant_is_refused() {
        use NodeKind::*;
        use NodeStatus::*;
        let nodes = vec![
            node(1, None, Goal, Planned),
            node(2, Some(1), Programme, Planned),
            node(3, Some(2), Activity, Planned),
        ];
        let id = |n: u128| PlanNodeId(uuid::Uuid::from_u128(n));
        assert!(check_parent(Some(id(1)), id(1), &nodes).is_err());
        let e = check_parent(Some(id(1)), id(3), &nodes).expect_err("cycle");
        assert_eq!(e.code(), Some("plan-parent-cycle"));
        assert!(check_parent(Some(id(3)), id(1), &nodes).is_ok());
        assert!(check_parent(None, id(3), &nodes).is_ok());
        let e = check_parent(Some(id(3)), id(42), &nodes).expect_err("unknown");
        assert_eq!(e.code(), Some("plan-parent-unknown"));
    }

    #[test]
    fn progress_compares_the_target_with_the_time_gone() {
        let p = plan();
        let mut n = node(1, None, NodeKind::Activity, NodeStatus::UnderWay);
        n.starts_on = Some(d("2025-01-01"));
        n.ends_on = Some(d("2025-01-10"));
        n.target = Some(Target {
            indicator: "officers trained".into(),
            unit: Some("orang".into()),
            value: 40.0,
        });
        n.achieved = Some(10.0);
        // Day 5 of 10: half the time gone, a quarter achieved: behind.
        let pr = Progress::of(&n, &p, d("2025-01-05"));
        assert_eq!(pr.achieved_pct, Some(25.0));
        assert_eq!(pr.elapsed_pct, Some(50.0));
        assert!(pr.behind);
        // Day 3: 30 % gone, 25 % achieved: within the margin.
        let pr = Progress::of(&n, &p, d("2025-01-03"));
        assert_eq!(pr.elapsed_pct, Some(30.0));
        assert!(!pr.behind);
        assert_eq!(
            elapsed_pct(d("2025-01-01"), d("2025-01-10"), d("2024-12-01")),
            0.0
        );
        assert_eq!(
            elapsed_pct(d("2025-01-01"), d("2025-01-10"), d("2026-01-01")),
            100.0
        );
        n.status = NodeStatus::Done;
        assert!(!Progress::of(&n, &p, d("2025-01-05")).behind);
        // Without a target there is no achievement share; the plan's period is used.
        n.target = None;
        let pr = Progress::of(&n, &p, d("2025-01-05"));
        assert_eq!(pr.achieved_pct, None);
    }

    #[test]
    fn the_stage_reached_is_the_last_done_stage_in_order() {
        use NodeKind::Stage;
        use NodeStatus::*;
        let nodes = vec![
            node(3, None, Stage, Planned),
            node(1, None, Stage, Done),
            node(2, None, Stage, Done),
        ];
        assert_eq!(
            stage_reached(&nodes),
            Some(PlanNodeId(uuid::Uuid::from_u128(2)))
        );
        let order: Vec<_> = tree_order(&nodes).iter().map(|n| n.position).collect();
        assert_eq!(order, vec![1, 2, 3]);
    }

    #[test]
    fn bodies_name_every_field_at_fault() {
        let b: NodeBody = serde_json::from_value(json!({
            "kind": "activity", "title": "Pelatihan GIS", "budget": -1,
            "starts_on": "2025-02-01", "ends_on": "2025-01-01",
            "target": 20,
            "activity": {"kind": "training", "boards": 3,
                "participants": [{"agency": "POLDA-JAMBI", "male": 12, "female": -2}]},
            "evidence": [{"kind": "patrol", "id": "not-a-uuid"}, {"kind": "url", "url": "ftp://x"}]
        }))
        .expect("body");
        let errs = NodeInput::from_body(&b, None).expect_err("faults");
        let fields: Vec<_> = errs.errors.iter().map(|e| e.field.as_str()).collect();
        for f in [
            "budget",
            "activity.boards",
            "activity.participants[0].female",
            "evidence[0].id",
            "evidence[1].url",
        ] {
            assert!(fields.contains(&f), "{f} in {fields:?}");
        }
        let b: NodeBody = serde_json::from_value(json!({
            "kind": "goal", "title": "T", "starts_on": "2025-02-01", "ends_on": "2025-01-01",
            "target": 20
        }))
        .expect("body");
        let errs = NodeInput::from_body(&b, None).expect_err("faults");
        let fields: Vec<_> = errs.errors.iter().map(|e| e.field.as_str()).collect();
        assert!(
            fields.contains(&"ends_on") && fields.contains(&"indicator"),
            "{fields:?}"
        );
    }
}
