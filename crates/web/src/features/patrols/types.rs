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
    pub version: i64,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
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
