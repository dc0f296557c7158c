//! What the plans API answers. What it reads are the domain's request bodies
//! (`sinergi_core::plan::body`), documented from the types the checks read.

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// A plan of a working group.
#[derive(Serialize, ToSchema)]
pub struct PlanView {
    pub id: Uuid,
    /// The working group the plan belongs to.
    pub group: Uuid,
    /// joint_work_plan, action_plan, roadmap or programme.
    pub kind: String,
    pub title: String,
    pub description: Option<String>,
    #[schema(format = Date)]
    pub period_from: String,
    #[schema(format = Date)]
    pub period_until: String,
    pub version: i64,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

/// A group's plans, the earliest period first.
#[derive(Serialize, ToSchema)]
pub struct PlanList {
    pub plans: Vec<PlanView>,
}

/// Participants of a training from one agency.
#[derive(Serialize, ToSchema)]
pub struct ParticipantsView {
    /// The agency's code.
    pub agency: Option<String>,
    pub male: u32,
    pub female: u32,
}

/// An activity's kind and the details of that kind (the others are left out).
#[derive(Serialize, ToSchema)]
pub struct ActivityView {
    /// training, joint_patrol, outreach, signboards, meeting or data_exchange.
    pub kind: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub participants: Vec<ParticipantsView>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub materials: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub boards: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dataset: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agreement: Option<Uuid>,
}

/// An evidence link. `title` is the linked record's title when you may see the record;
/// a record you may not see (or that does not exist) is given without it
/// (`visible: false`).
#[derive(Serialize, ToSchema)]
pub struct EvidenceView {
    /// patrol, meeting, report, agreement, letter or url.
    pub kind: String,
    pub id: Option<Uuid>,
    pub url: Option<String>,
    /// The page the link opens (`/patroli/{id}`, `/rapat/{id}` … or the web address).
    pub href: String,
    pub title: Option<String>,
    /// False for a record you may not see.
    pub visible: bool,
}

/// A node's progress on the day of the answer (in the group's zone).
#[derive(Serialize, ToSchema)]
pub struct ProgressView {
    /// The share of the target achieved, in percent (may pass 100); null without a
    /// target above zero.
    pub achieved_pct: Option<f64>,
    /// The share of the node's period (else the plan's) gone, 0 to 100.
    pub elapsed_pct: Option<f64>,
    /// Open, and the achievement trails the time gone by more than 10 points.
    pub behind: bool,
}

/// A node of a plan's tree, with its computed progress.
#[derive(Serialize, ToSchema)]
pub struct PlanNodeView {
    pub id: Uuid,
    pub plan: Uuid,
    /// The parent node; null at the top.
    pub parent: Option<Uuid>,
    /// The depth in the tree, 0 at the top.
    pub depth: usize,
    pub position: i64,
    /// goal, programme, activity or stage.
    pub kind: String,
    pub title: String,
    pub description: Option<String>,
    /// The code of the responsible agency.
    pub responsible: Option<String>,
    /// The codes of the supporting agencies.
    pub supporting: Vec<String>,
    #[schema(format = Date)]
    pub starts_on: Option<String>,
    #[schema(format = Date)]
    pub ends_on: Option<String>,
    /// Whole rupiah.
    pub budget: Option<i64>,
    pub funding_source: Option<String>,
    pub indicator: Option<String>,
    pub unit: Option<String>,
    pub target: Option<f64>,
    pub achieved: Option<f64>,
    /// planned, under_way, done or dropped.
    pub status: String,
    pub activity: Option<ActivityView>,
    pub evidence: Vec<EvidenceView>,
    pub progress: ProgressView,
    pub version: i64,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

/// A plan's nodes in the order the tree is read: each node followed by its children.
#[derive(Serialize, ToSchema)]
pub struct PlanNodeList {
    pub nodes: Vec<PlanNodeView>,
}

/// A plan with its whole tree and computed progress.
#[derive(Serialize, ToSchema)]
pub struct PlanTreeView {
    pub plan: PlanView,
    /// The day progress is counted on (today in the group's zone).
    #[schema(format = Date)]
    pub today: String,
    /// The share of the plan's period gone, 0 to 100.
    pub elapsed_pct: f64,
    /// For a roadmap: the last stage (in order) that is done; null when none is.
    pub stage_reached: Option<Uuid>,
    /// The nodes in the order the tree is read, each with its depth.
    pub nodes: Vec<PlanNodeView>,
}
