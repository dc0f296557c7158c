//! The request bodies of area profiles: a profile (create and change), its needs
//! assessment, a monitoring post and a post's report. The checks in [`super`] read them,
//! naming every field at fault at once.

use serde::Deserialize;

use crate::input::{Body, Field, Unknown};

/// One aspect of the needs assessment.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = AssessmentRequest))]
pub struct AssessmentBody {
    /// What the area has and lacks, up to 5,000 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub note: Field<String>,
    /// lacking, developing or adequate.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub rating: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

/// The needs assessment: each aspect sent replaces that aspect's assessment, `null`
/// removes it, an absent one stays as it is.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = NeedsRequest))]
pub struct NeedsBody {
    /// Leading sectors: natural resources and the area's potential (SDA & potensi
    /// wilayah).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<AssessmentBody>))]
    pub natural_resources: Field<AssessmentBody>,
    /// Human resources (SDM).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<AssessmentBody>))]
    pub human_resources: Field<AssessmentBody>,
    /// Institutions and regulation.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<AssessmentBody>))]
    pub institutions: Field<AssessmentBody>,
    /// Infrastructure: markets and roads.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<AssessmentBody>))]
    pub infrastructure: Field<AssessmentBody>,
    /// Entrepreneurship.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<AssessmentBody>))]
    pub entrepreneurship: Field<AssessmentBody>,
    /// CSR support and grants.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<AssessmentBody>))]
    pub csr_grants: Field<AssessmentBody>,
    /// Access to capital and to markets.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<AssessmentBody>))]
    pub capital_markets: Field<AssessmentBody>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

/// An area profile: on create `code` is required; on `PATCH` absent fields stay as they
/// are and `null` clears an optional one.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = AreaRequest))]
pub struct AreaBody {
    /// The Kemendagri code of the kelurahan or desa, `PP.KK.CC.DDDD` (create only).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub code: Field<String>,
    /// drug_prone (the default), recovering or bersinar.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub condition: Field<String>,
    /// The area's situation, up to 5,000 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub summary: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<NeedsBody>))]
    pub needs: Field<NeedsBody>,
    /// The UUID of a plan of kind roadmap you can see; `null` removes the roadmap and its
    /// stage.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<uuid::Uuid>))]
    pub roadmap: Field<String>,
    /// The UUID of a node of kind stage of the roadmap: the stage the area has reached.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<uuid::Uuid>))]
    pub stage: Field<String>,
    /// The day the stage was reached (YYYY-MM-DD); today when the stage changes without
    /// it.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub stage_since: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl Body for AreaBody {}

/// A new monitoring post (posko) of an area.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = NewAreaPost))]
pub struct NewPostBody {
    /// A client-chosen UUID makes a retried create idempotent.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<uuid::Uuid>))]
    pub id: Field<String>,
    /// 1 to 200 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub name: Field<String>,
    /// Longitude of the post (WGS 84).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = f64, required = true))]
    pub lon: Field<f64>,
    /// Latitude of the post (WGS 84).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = f64, required = true))]
    pub lat: Field<f64>,
    /// The code of the agency that staffs the post (the creator's when absent).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub responsible: Field<String>,
    /// A report is due every this many days (1 to 366).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = u32, required = true))]
    pub cadence_days: Field<i64>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl Body for NewPostBody {}

/// A periodic report of a post.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = NewAreaPostReport))]
pub struct NewPostReportBody {
    /// A client-chosen UUID makes a retried create idempotent.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<uuid::Uuid>))]
    pub id: Field<String>,
    /// The day reported on (YYYY-MM-DD).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, required = true))]
    pub reported_on: Field<String>,
    /// What the post saw, 1 to 5,000 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub summary: Field<String>,
    /// Drug-abuse incidents seen or reported (0 or more).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u32>))]
    pub incidents: Field<i64>,
    /// Residents reached by outreach (0 or more).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u32>))]
    pub outreach: Field<i64>,
    /// People referred to rehabilitation (0 or more).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u32>))]
    pub referrals: Field<i64>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl Body for NewPostReportBody {}
