//! The request bodies of plans: a plan, a node of its tree, a node's activity details and
//! its evidence links. The checks in [`super`] read them, naming every field at fault at
//! once.
//!
//! Agencies are named by their codes; the caller resolves them to ids after the check.

use serde::Deserialize;

use crate::input::{Body, Field, Unknown};

/// A new plan of a working group.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = NewPlan))]
pub struct NewPlanBody {
    /// A client-chosen UUID makes a retried create idempotent.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<uuid::Uuid>))]
    pub id: Field<String>,
    /// joint_work_plan, action_plan, roadmap or programme.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub kind: Field<String>,
    /// 1 to 200 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub title: Field<String>,
    /// Up to 50,000 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub description: Field<String>,
    /// The plan's first day (YYYY-MM-DD).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, required = true))]
    pub period_from: Field<String>,
    /// The plan's last day (YYYY-MM-DD), not before `period_from`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, required = true))]
    pub period_until: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl Body for NewPlanBody {}

/// Changes to a plan; absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = PlanPatch))]
pub struct PlanPatchBody {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub kind: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub title: Field<String>,
    /// `null` or empty removes the description.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub description: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub period_from: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub period_until: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl Body for PlanPatchBody {}

/// Participants of a training from one agency, by sex.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = TrainingParticipantsRequest))]
pub struct ParticipantsBody {
    /// The code of the participants' agency.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub agency: Field<String>,
    /// Men trained (0 or more).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u32>))]
    pub male: Field<i64>,
    /// Women trained (0 or more).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u32>))]
    pub female: Field<i64>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

/// What kind of activity a node of kind `activity` is, with the details of that kind.
/// A detail of another kind is refused, naming it.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = ActivityRequest))]
pub struct ActivityBody {
    /// training, joint_patrol, outreach, signboards, meeting or data_exchange.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub kind: Field<String>,
    /// training: the participants by agency and by sex (each agency once).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<ParticipantsBody>>))]
    pub participants: Field<Vec<Field<ParticipantsBody>>>,
    /// training: the materials taught.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<String>>))]
    pub materials: Field<Vec<Field<String>>>,
    /// joint_patrol, outreach, signboards: where (an area or route, as text).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub area: Field<String>,
    /// outreach: to whom (villagers, Babinkamtibmas, schools …).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub audience: Field<String>,
    /// signboards: how many boards.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u32>))]
    pub boards: Field<i64>,
    /// data_exchange: what is exchanged (a database, patrol results …).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub dataset: Field<String>,
    /// data_exchange: the UUID of the agreement in Sinergi the exchange runs under.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<uuid::Uuid>))]
    pub agreement: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

/// A typed evidence link: a Sinergi record by kind and UUID, or a web address.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = EvidenceRequest))]
pub struct EvidenceBody {
    /// patrol, meeting, report, agreement, letter or url.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub kind: Field<String>,
    /// The record's UUID (every kind but url).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<uuid::Uuid>))]
    pub id: Field<String>,
    /// The web address (kind url), starting with https:// or http://.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub url: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

/// A node of a plan's tree (a goal, programme, activity or roadmap stage); on `PATCH`,
/// absent fields stay as they are, `null` clears an optional one, and `parent` moves the
/// node (`null`: to the top).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = PlanNodeRequest))]
pub struct NodeBody {
    /// A client-chosen UUID makes a retried create idempotent (create only).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<uuid::Uuid>))]
    pub id: Field<String>,
    /// The UUID of the parent node of the same plan; absent or `null`: at the top.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<uuid::Uuid>))]
    pub parent: Field<String>,
    /// The place among its siblings (0 or more; the end when absent on create).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u32>))]
    pub position: Field<i64>,
    /// goal, programme, activity or stage (required on create).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub kind: Field<String>,
    /// 1 to 2,000 characters (required on create).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub title: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub description: Field<String>,
    /// The code of the responsible agency, a member of the group (the creator's agency
    /// when absent on create).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub responsible: Field<String>,
    /// The codes of the supporting agencies, each once (any agency).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<String>>))]
    pub supporting: Field<Vec<Field<String>>>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub starts_on: Field<String>,
    /// Not before `starts_on`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub ends_on: Field<String>,
    /// Whole rupiah, 0 or more.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub budget: Field<i64>,
    /// Where the money comes from (APBN, APBD, a project …).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub funding_source: Field<String>,
    /// The indicator the target is counted in (e.g. "officers trained").
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub indicator: Field<String>,
    /// The indicator's unit (e.g. "orang", "kali").
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub unit: Field<String>,
    /// The target value, 0 or more; needs `indicator`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<f64>))]
    pub target: Field<f64>,
    /// The value achieved so far, 0 or more.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<f64>))]
    pub achieved: Field<f64>,
    /// planned (the default), under_way, done or dropped.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub status: Field<String>,
    /// The activity's kind and details (nodes of kind activity only).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<ActivityBody>))]
    pub activity: Field<ActivityBody>,
    /// Evidence links; when sent, the list replaces the stored one.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<EvidenceBody>>))]
    pub evidence: Field<Vec<Field<EvidenceBody>>>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl Body for NodeBody {}
