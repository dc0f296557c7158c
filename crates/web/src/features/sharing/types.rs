//! What the sharing API reads and answers. The agreement, referral and break-glass bodies
//! are checked field by field by the app crate (every field at fault is named at once);
//! these types describe them.

use serde::{Deserialize, Serialize};
use sinergi_core::sharing::Precision;
use utoipa::ToSchema;
use uuid::Uuid;

/// How exactly locations flow under a clause: 0 (exact), 1000 or 10000 (metres of the
/// grid a point is snapped to), or `region` (the district's centre).
#[derive(Serialize, Deserialize, ToSchema, Clone)]
#[serde(untagged)]
pub enum PrecisionView {
    Metres(u32),
    Named(String),
}

impl From<Precision> for PrecisionView {
    fn from(p: Precision) -> Self {
        match p {
            Precision::Exact => PrecisionView::Metres(0),
            Precision::Grid(m) => PrecisionView::Metres(m),
            Precision::Region => PrecisionView::Named("region".into()),
        }
    }
}

/// One clause of an agreement: what flows from whom to whom.
#[derive(Serialize, ToSchema)]
pub struct ClauseView {
    /// Agency code, or `*` for any party.
    pub from: Option<String>,
    pub to: Vec<Option<String>>,
    pub report_types: Vec<String>,
    pub categories: Vec<String>,
    /// public, internal, restricted or secret.
    pub max_sensitivity: String,
    pub withheld_fields: Vec<String>,
    pub location_precision_m: PrecisionView,
    pub include_subagencies: bool,
    /// The kinds of protected person (victim, witness) whose identities the owner may
    /// share with the receiving parties, one person at a time.
    pub protected_persons: Vec<String>,
}

/// A document attached to an agreement.
#[derive(Serialize, ToSchema)]
pub struct DocumentView {
    pub id: Uuid,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    #[schema(format = DateTime)]
    pub uploaded_at: String,
    pub href: String,
}

/// A data-sharing agreement, with what flows where.
#[derive(Serialize, ToSchema)]
pub struct AgreementView {
    pub id: Uuid,
    pub title: String,
    pub number: String,
    pub legal_basis: String,
    /// The parties' agency codes.
    pub parties: Vec<Option<String>>,
    /// The parties that approved.
    pub approved_by: Vec<Option<String>>,
    #[schema(format = Date)]
    pub valid_from: String,
    #[schema(format = Date)]
    pub valid_until: String,
    /// draft, proposed, active, expired or revoked.
    pub status: String,
    pub clauses: Vec<ClauseView>,
    pub documents: Vec<DocumentView>,
    /// One sentence per clause and direction.
    pub what_flows_where: Vec<String>,
    pub version: i64,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct AgreementList {
    pub agreements: Vec<AgreementView>,
}

/// A referral of one report, or an emergency access.
#[derive(Serialize, ToSchema)]
pub struct ReferralView {
    pub id: Uuid,
    pub report_id: Uuid,
    /// `referral` or `break_glass`.
    pub kind: String,
    /// The agency's code (referrals).
    pub to: Option<String>,
    pub reason: String,
    #[schema(format = DateTime)]
    pub until: String,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub revoked_at: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ReferralList {
    pub referrals: Vec<ReferralView>,
}

/// The roles that may use emergency access, and for how long it lasts.
#[derive(Serialize, ToSchema)]
pub struct BreakGlassSetting {
    pub roles: Vec<String>,
    pub hours: i64,
}

impl BreakGlassSetting {
    pub fn new(roles: Vec<&str>) -> Self {
        BreakGlassSetting {
            roles: roles.into_iter().map(str::to_string).collect(),
            hours: sinergi_app::agreements::BREAK_GLASS_HOURS,
        }
    }
}

