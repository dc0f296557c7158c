//! What the patrols API answers. What it reads are the domain's request bodies
//! (`sinergi_core::patrol::body`), documented from the types the checks read, and GPX.

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// A member of a patrol.
#[derive(Serialize, ToSchema)]
pub struct MemberView {
    /// The member's agency code.
    pub agency: Option<String>,
    /// The member's user name, when they have an account.
    pub user: Option<String>,
    pub name: String,
    /// `leader` or `member`.
    pub role: String,
}

/// The effort of a patrol, computed from its tracks.
#[derive(Serialize, ToSchema)]
pub struct EffortView {
    pub distance_km: f64,
    pub hours: f64,
    /// Distinct local days with track points.
    pub patrol_days: u32,
    /// Patrol-days × members.
    pub person_days: u32,
    /// 1 km grid cells the tracks passed through.
    pub cells: usize,
    /// Their area in km².
    pub area_km2: f64,
}

/// One leg (a day's track) of a patrol.
#[derive(Serialize, ToSchema)]
pub struct LegView {
    pub id: Uuid,
    #[schema(format = Date)]
    pub date: String,
    /// `phone` or `gpx`.
    pub source: String,
    pub points: usize,
    pub distance_km: f64,
    pub hours: f64,
    pub track_sha256: String,
}

/// A patrol with its members, legs and effort.
#[derive(Serialize, ToSchema)]
pub struct PatrolView {
    pub id: Uuid,
    pub title: String,
    /// The organising agency's code.
    pub agency: Option<String>,
    /// forest_security, fire_prevention, wildlife_protection or joint_operation.
    pub mandate: String,
    /// foot, vehicle, boat or motorbike.
    pub transport: String,
    /// planned, under_way or done.
    pub status: String,
    /// public, internal, restricted or secret.
    pub sensitivity: String,
    #[schema(format = Date)]
    pub planned_start: String,
    #[schema(format = Date)]
    pub planned_end: String,
    /// The Kemendagri code of the planned area.
    pub area: Option<String>,
    pub members: Vec<MemberView>,
    pub legs: Vec<LegView>,
    pub effort: EffortView,
    /// How you receive the patrol: `full` (your agency organises it, is on it, or is
    /// above one that is) or `shared` under an agreement (read-only, members without
    /// names, tracks at `precision_m`, or none when only the region is shared).
    pub access: PatrolAccessView,
    pub version: i64,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

/// The form a patrol is received in.
#[derive(Serialize, ToSchema)]
pub struct PatrolAccessView {
    /// full or shared.
    pub form: String,
    /// The grid the tracks are coarsened to, in metres (shared, with tracks).
    pub precision_m: Option<u32>,
    /// Only the region is shared: no track.
    pub region_only: bool,
}

/// Patrols the caller may see.
#[derive(Serialize, ToSchema)]
pub struct PatrolList {
    pub patrols: Vec<PatrolView>,
}

/// A waypoint of an imported file: an observation to confirm.
#[derive(Serialize, ToSchema)]
pub struct WaypointView {
    pub lon: f64,
    pub lat: f64,
    pub name: Option<String>,
    pub description: Option<String>,
    #[schema(format = DateTime)]
    pub time: Option<String>,
}

/// A point dropped from an imported track, and why.
#[derive(Serialize, ToSchema)]
pub struct ImportWarning {
    /// Where in the file (e.g. `line 120`).
    pub field: String,
    pub message: String,
}

/// What a GPX import stored.
#[derive(Serialize, ToSchema)]
pub struct GpxImportView {
    pub patrol: PatrolView,
    /// Whether the import made a new patrol (no `patrol` was given).
    pub created_patrol: bool,
    /// The legs added.
    pub legs: Vec<Uuid>,
    /// Legs already stored with the same track: nothing was added for them.
    pub duplicates: Vec<Uuid>,
    pub warnings: Vec<ImportWarning>,
    pub waypoints: Vec<WaypointView>,
}

/// A point marked on a patrol, to confirm as a report or dismiss.
#[derive(Serialize, ToSchema)]
pub struct ObservationView {
    /// Also the id the report that confirms it takes.
    pub id: Uuid,
    pub lon: f64,
    pub lat: f64,
    #[schema(format = DateTime)]
    pub time: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    /// pending, confirmed or dismissed.
    pub state: String,
    /// The confirming report, once there is one.
    pub report: Option<String>,
}

/// A patrol's observations.
#[derive(Serialize, ToSchema)]
pub struct ObservationList {
    pub observations: Vec<ObservationView>,
}

/// A report found on a patrol.
#[derive(Serialize, ToSchema)]
pub struct FindingView {
    pub report: Uuid,
    pub report_type: String,
    /// As you receive the report.
    pub title: String,
    #[schema(format = DateTime)]
    pub occurred_at: String,
    pub href: String,
}

/// How many findings of a type, per 100 km and per patrol-day.
#[derive(Serialize, ToSchema)]
pub struct RateView {
    pub report_type: String,
    pub count: u32,
    /// None without distance walked.
    pub per_100_km: Option<f64>,
    /// None without patrol-days.
    pub per_patrol_day: Option<f64>,
}

/// A patrol's findings you may see.
#[derive(Serialize, ToSchema)]
pub struct FindingsView {
    pub findings: Vec<FindingView>,
    pub by_type: Vec<RateView>,
}

/// One group of a summary.
#[derive(Serialize, ToSchema)]
pub struct SummaryRowView {
    /// The month (YYYY-MM), agency code, region code, leader's name or patrol id; empty
    /// in the total (and for patrols without an area).
    pub key: String,
    pub patrols: u32,
    pub distance_km: f64,
    pub hours: f64,
    pub patrol_days: u32,
    pub person_days: u32,
    /// 1 km grid cells covered (the union: a cell two patrols crossed counts once).
    pub cells: usize,
    pub area_km2: f64,
    pub findings: u32,
    pub per_100_km: Option<f64>,
    pub per_patrol_day: Option<f64>,
    pub by_type: Vec<RateView>,
}

/// Effort and findings over a period.
#[derive(Serialize, ToSchema)]
pub struct SummaryView {
    pub group: String,
    #[schema(format = Date)]
    pub from: String,
    #[schema(format = Date)]
    pub to: String,
    pub rows: Vec<SummaryRowView>,
    pub total: SummaryRowView,
}
