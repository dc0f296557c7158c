//! The request bodies of a patrol: a new patrol and a change to one.
//! [`super::PatrolInput::from_body`] and [`super::PatrolPatch::from_body`] check them.
//!
//! Agencies are named by their codes and people with an account by their user names, as
//! a person types them; the caller resolves both to ids after the check.

use serde::Deserialize;

use crate::error::ValidationErrors;
use crate::ids::ReportId;
use crate::input::{Body, Field, Unknown};

/// A new patrol.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = NewPatrol))]
pub struct NewPatrolBody {
    /// A client-chosen UUID makes a retried create idempotent.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<uuid::Uuid>))]
    pub id: Field<String>,
    /// 1 to 200 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub title: Field<String>,
    /// forest_security, fire_prevention, wildlife_protection or joint_operation.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub mandate: Field<String>,
    /// foot, vehicle, boat or motorbike.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub transport: Field<String>,
    /// Everyone on the patrol, from any agency; exactly one is the leader, who has an
    /// account.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<MemberBody>, required = true))]
    pub members: Field<Vec<Field<MemberBody>>>,
    /// The first planned day (YYYY-MM-DD).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, required = true))]
    pub planned_start: Field<String>,
    /// The last planned day (YYYY-MM-DD), at most 366 days after the first.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, required = true))]
    pub planned_end: Field<String>,
    /// The Kemendagri code of the region patrolled (province, regency, district or
    /// village); it also gives the time zone the patrol's days are counted in.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub area: Field<String>,
    /// public, internal (the default), restricted or secret.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub sensitivity: Field<String>,
    /// planned (the default), under_way or done (a patrol recorded afterwards).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub status: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl Body for NewPatrolBody {}

/// One person on a patrol.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = PatrolMemberRequest))]
pub struct MemberBody {
    /// The code of the agency the person patrols for.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub agency: Field<String>,
    /// The person's user name, when they have an account (the leader must).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub user: Field<String>,
    /// The person's name, 1 to 200 characters; required without `user`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub name: Field<String>,
    /// leader or member (the default).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub role: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

/// Changes to a patrol; absent fields stay as they are. `members`, when sent, replaces
/// the whole list.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = PatrolPatch))]
pub struct PatrolPatchBody {
    /// 1 to 200 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub title: Field<String>,
    /// forest_security, fire_prevention, wildlife_protection or joint_operation.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub mandate: Field<String>,
    /// foot, vehicle, boat or motorbike.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub transport: Field<String>,
    /// The whole new list of members.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<MemberBody>>))]
    pub members: Field<Vec<Field<MemberBody>>>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub planned_start: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub planned_end: Field<String>,
    /// A Kemendagri region code; `null` removes the area.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub area: Field<String>,
    /// public, internal, restricted or secret.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub sensitivity: Field<String>,
    /// planned → under_way → done (or planned → done); done is final.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub status: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl Body for PatrolPatchBody {}

/// A decision on an observation: dismiss it, or take the dismissal back.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = ObservationDecision))]
pub struct ObservationDecisionBody {
    /// true dismisses the observation, false takes the dismissal back.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = bool, required = true))]
    pub dismissed: Field<bool>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl Body for ObservationDecisionBody {}

impl ObservationDecisionBody {
    /// Whether to dismiss, or every field at fault.
    pub fn check(&self) -> Result<bool, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        self.unknown.report("", &mut errs);
        let value = match &self.dismissed {
            Field::Given(b) => Some(*b),
            Field::Absent | Field::Null => {
                errs.push(
                    "dismissed",
                    crate::msg!("fix-field-required", "is required"),
                );
                None
            }
            Field::Wrong(_) => {
                errs.push(
                    "dismissed",
                    crate::msg!("value-not-boolean", "must be true or false"),
                );
                None
            }
        };
        match value {
            Some(v) if errs.is_empty() => Ok(v),
            _ => Err(errs),
        }
    }
}

/// A report to count as a patrol's finding.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = FindingLink))]
pub struct FindingLinkBody {
    /// The report's UUID; you must see it in full.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = uuid::Uuid, required = true))]
    pub report: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl Body for FindingLinkBody {}

impl FindingLinkBody {
    /// The report's id, or every field at fault.
    pub fn check(&self) -> Result<ReportId, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        self.unknown.report("", &mut errs);
        let id = match &self.report {
            Field::Given(s) => {
                let id = ReportId::parse(s);
                if id.is_none() {
                    errs.push("report", crate::msg!("uuid-invalid", "must be a UUID"));
                }
                id
            }
            Field::Absent | Field::Null => {
                errs.push("report", crate::msg!("fix-field-required", "is required"));
                None
            }
            Field::Wrong(_) => {
                errs.push(
                    "report",
                    crate::msg!("uuid-string-invalid", "must be a UUID string"),
                );
                None
            }
        };
        match id {
            Some(id) if errs.is_empty() => Ok(id),
            _ => Err(errs),
        }
    }
}
