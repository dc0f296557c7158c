//! The request body of an agreement (new, or a draft's new content);
//! [`super::AgreementInput::from_body`] checks it.

use serde::Deserialize;
use serde_json::Value;

use crate::input::{Body, Field, Unknown};
use crate::ValidationErrors;

/// An agreement as written (new, or a draft's new content).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = AgreementRequest))]
pub struct AgreementBody {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub title: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub number: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub legal_basis: Field<String>,
    /// The parties' agency codes.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub parties: Field<Vec<Field<String>>>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub valid_from: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub valid_until: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<ClauseBody>>))]
    pub clauses: Field<Vec<Field<ClauseBody>>>,
    /// `draft` keeps it a draft, `proposed` sends it.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub status: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl Body for AgreementBody {}

/// A clause as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = ClauseRequest))]
pub struct ClauseBody {
    /// Agency code, or `*` for any party.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub from: Field<String>,
    /// Receiving parties' agency codes.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub to: Field<Vec<Field<String>>>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<String>>))]
    pub report_types: Field<Vec<Field<String>>>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<String>>))]
    pub categories: Field<Vec<Field<String>>>,
    /// public, internal, restricted or secret.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub max_sensitivity: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<String>>))]
    pub withheld_fields: Field<Vec<Field<String>>>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::schema::Precision>))]
    pub location_precision_m: Field<Value>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub include_subagencies: Field<bool>,
    /// The kinds of protected person whose identities may be shared with the receiving
    /// parties, one person at a time: `victim`, `witness` (never informants).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<String>>))]
    pub protected_persons: Field<Vec<Field<String>>>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

/// Share one report with an agency until a time.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = ReferralRequest))]
pub struct ReferralBody {
    /// The agency's code.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub to: Field<String>,
    /// Why, in 1 to 2000 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub reason: Field<String>,
    /// Until when (RFC 3339), at most 90 days ahead.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub until: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl Body for ReferralBody {
    fn read(v: &Value) -> Result<Self, ValidationErrors> {
        if !v.is_object() {
            return Err(ValidationErrors::single(
                "body",
                crate::msg!("object-required", "must be a JSON object"),
            ));
        }
        Self::deserialize(v).map_err(|e| ValidationErrors::single("", e.to_string()))
    }
}

/// Emergency access with its justification.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = BreakGlassRequest))]
pub struct BreakGlassBody {
    /// Why, in 10 to 2000 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, min_length = 10))]
    pub justification: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl Body for BreakGlassBody {
    /// Anything but an object says no justification.
    fn read(v: &Value) -> Result<Self, ValidationErrors> {
        Ok(Self::deserialize(v).unwrap_or_default())
    }
}

/// The roles that may use emergency access.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = BreakGlassSettingRequest))]
pub struct BreakGlassRolesBody {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub roles: Field<Vec<Field<String>>>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl Body for BreakGlassRolesBody {
    /// Anything but an object says no list of roles.
    fn read(v: &Value) -> Result<Self, ValidationErrors> {
        Ok(Self::deserialize(v).unwrap_or_default())
    }
}
