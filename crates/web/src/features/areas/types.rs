//! What the area profiles API answers. What it reads are the domain's request bodies
//! (`sinergi_core::area::body`), documented from the types the checks read.

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// One aspect of the needs assessment.
#[derive(Serialize, ToSchema)]
pub struct AssessmentView {
    pub note: Option<String>,
    /// lacking, developing or adequate.
    pub rating: Option<String>,
}

/// The needs assessment; an aspect not assessed is null.
#[derive(Serialize, ToSchema)]
pub struct NeedsView {
    /// Leading sectors: natural resources and the area's potential.
    pub natural_resources: Option<AssessmentView>,
    pub human_resources: Option<AssessmentView>,
    /// Institutions and regulation.
    pub institutions: Option<AssessmentView>,
    /// Markets and roads.
    pub infrastructure: Option<AssessmentView>,
    pub entrepreneurship: Option<AssessmentView>,
    /// CSR support and grants.
    pub csr_grants: Option<AssessmentView>,
    /// Access to capital and to markets.
    pub capital_markets: Option<AssessmentView>,
}

/// A stage of the roadmap.
#[derive(Serialize, ToSchema)]
pub struct StageView {
    pub id: Uuid,
    /// 1 for the first stage.
    pub number: usize,
    pub title: String,
    /// The area has reached this stage.
    pub current: bool,
    /// A stage before the one reached.
    pub passed: bool,
}

/// The roadmap of an area, as far as you see its plan.
#[derive(Serialize, ToSchema)]
pub struct RoadmapView {
    /// The plan's UUID.
    pub id: Uuid,
    pub title: String,
    /// The roadmap's stages in order.
    pub stages: Vec<StageView>,
}

/// An area profile.
#[derive(Serialize, ToSchema)]
pub struct AreaView {
    /// The Kemendagri code of the kelurahan or desa.
    pub code: String,
    /// Its name in the Kemendagri table.
    pub name: String,
    /// The code of the owner agency.
    pub owner: Option<String>,
    /// drug_prone, recovering or bersinar.
    pub condition: String,
    pub summary: Option<String>,
    pub needs: NeedsView,
    /// The roadmap plan's UUID.
    pub roadmap_id: Option<Uuid>,
    /// The roadmap with its stages; null without a roadmap or when you do not see its
    /// plan (the profile's readers are not all members of the plan's group).
    pub roadmap: Option<RoadmapView>,
    /// The stage reached (a node of the roadmap).
    pub stage: Option<Uuid>,
    /// The stage's title, when you see the roadmap.
    pub stage_title: Option<String>,
    /// The stage's number among the roadmap's stages, when you see the roadmap.
    pub stage_number: Option<usize>,
    #[schema(format = Date)]
    pub stage_since: Option<String>,
    pub version: i64,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

/// The profiles you see, by code.
#[derive(Serialize, ToSchema)]
pub struct AreaList {
    pub areas: Vec<AreaView>,
}

/// One version of a profile: the profile as it was after an edit.
#[derive(Serialize, ToSchema)]
pub struct AreaVersionView {
    pub version: i64,
    /// The user who made the edit.
    pub changed_by: Option<String>,
    #[schema(format = DateTime)]
    pub changed_at: String,
    /// drug_prone, recovering or bersinar.
    pub condition: String,
    pub summary: Option<String>,
    pub needs: NeedsView,
    pub roadmap_id: Option<Uuid>,
    pub stage: Option<Uuid>,
    /// The stage's title, when you see the roadmap.
    pub stage_title: Option<String>,
    pub stage_number: Option<usize>,
    #[schema(format = Date)]
    pub stage_since: Option<String>,
    /// The stage differs from the version before.
    pub stage_changed: bool,
}

/// Every version of a profile, the newest first.
#[derive(Serialize, ToSchema)]
pub struct AreaHistory {
    pub versions: Vec<AreaVersionView>,
}

/// What a post counted.
#[derive(Serialize, ToSchema)]
pub struct PostCountsView {
    pub incidents: u32,
    pub outreach: u32,
    pub referrals: u32,
}

/// A post's periodic report.
#[derive(Serialize, ToSchema)]
pub struct PostReportView {
    pub id: Uuid,
    pub post: Uuid,
    #[schema(format = Date)]
    pub reported_on: String,
    pub summary: String,
    pub counts: PostCountsView,
    #[schema(format = DateTime)]
    pub created_at: String,
}

/// A monitoring post with its latest report.
#[derive(Serialize, ToSchema)]
pub struct PostView {
    pub id: Uuid,
    pub area: String,
    pub name: String,
    pub lon: f64,
    pub lat: f64,
    /// The code of the agency that staffs the post.
    pub responsible: Option<String>,
    pub cadence_days: u32,
    pub last_report: Option<PostReportView>,
    /// The day the next report is due.
    #[schema(format = Date)]
    pub due: String,
    /// No report came within the cadence.
    pub overdue: bool,
    #[schema(format = DateTime)]
    pub created_at: String,
}

/// An area's posts, by name.
#[derive(Serialize, ToSchema)]
pub struct PostList {
    pub posts: Vec<PostView>,
}

/// A post's reports, the latest day first.
#[derive(Serialize, ToSchema)]
pub struct PostReportList {
    pub reports: Vec<PostReportView>,
}
