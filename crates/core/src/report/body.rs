//! The request bodies of a report: a new report (a GeoJSON Feature) and a change to one.
//! [`super::NewReport::from_body`] and [`super::ReportPatch::from_body`] check them.

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::input::{Body, Field, Unknown};
use crate::Message;

/// A new report: a GeoJSON Feature.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = NewReport))]
pub struct NewReportBody {
    /// `Feature`.
    #[serde(default, rename = "type")]
    #[cfg_attr(feature = "openapi", schema(inline, required = true))]
    pub kind: Field<String>,
    /// A client-chosen UUID makes a retried create idempotent.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<uuid::Uuid>))]
    pub id: Field<String>,
    /// Where it happened.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = crate::schema::Geometry, required = true)
    )]
    pub geometry: Field<Value>,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = NewReportProperties, required = true)
    )]
    pub properties: Field<NewReportProperties>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl Body for NewReportBody {
    fn not_an_object() -> Message {
        crate::msg!(
            "body-not-feature",
            "the body must be a GeoJSON Feature object"
        )
    }
}

/// A new report's properties.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewReportProperties {
    /// The report type's key.
    #[serde(default, rename = "type")]
    #[cfg_attr(feature = "openapi", schema(inline, required = true))]
    pub type_key: Field<String>,
    /// 1 to 200 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline, required = true))]
    pub title: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub description: Field<String>,
    /// When it happened, with its offset (RFC 3339).
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = chrono::DateTime<chrono::Utc>, required = true)
    )]
    pub occurred_at: Field<String>,
    /// public, internal, restricted or secret.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub sensitivity: Field<String>,
    /// The report type's attributes.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = Option<std::collections::BTreeMap<String, crate::schema::AttributeValue>>)
    )]
    pub attributes: Field<Map<String, Value>>,
    /// The Kemendagri code of where it happened; found from the location when absent.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub region_code: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

/// Changes to a report: either Feature-shaped (`geometry` and/or `properties` holding
/// the changed properties) or the changed properties themselves at the top level; absent
/// fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = ReportPatch))]
pub struct ReportPatchBody {
    /// With `properties`: `Feature`. Flat: the report's type, which cannot change.
    #[serde(default, rename = "type")]
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub kind: Field<String>,
    /// Feature-shaped only: the report's id (not read).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<uuid::Uuid>))]
    pub id: Field<Value>,
    /// A new location (makes the body Feature-shaped).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::schema::Geometry>))]
    pub geometry: Field<Value>,
    /// The changed properties (makes the body Feature-shaped).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<ReportPropertiesPatch>))]
    pub properties: Field<ReportPropertiesPatch>,
    #[serde(flatten)]
    pub flat: ReportPropertiesPatch,
}

impl Body for ReportPatchBody {}

impl ReportPatchBody {
    /// Feature-shaped: `properties` or `geometry` was sent.
    pub fn is_feature_shaped(&self) -> bool {
        self.properties.is_sent() || self.geometry.is_sent()
    }
}

/// The properties a change may carry.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportPropertiesPatch {
    /// The report's type: it cannot change.
    #[serde(default, rename = "type")]
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub type_key: Field<String>,
    /// 1 to 200 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub title: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub description: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<chrono::DateTime<chrono::Utc>>))]
    pub occurred_at: Field<String>,
    /// public, internal, restricted or secret.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub sensitivity: Field<String>,
    /// new, verified, in_progress or closed.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub status: Field<String>,
    /// Replaces all attributes.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = Option<std::collections::BTreeMap<String, crate::schema::AttributeValue>>)
    )]
    pub attributes: Field<Map<String, Value>>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub region_code: Field<String>,
    /// A note for the history.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub note: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl ReportPropertiesPatch {
    /// The names of the properties that were sent (for a Feature-shaped body, where
    /// they do not belong at the top level).
    pub fn sent_names(&self) -> Vec<&'static str> {
        let sent = [
            ("type", self.type_key.is_sent()),
            ("title", self.title.is_sent()),
            ("description", self.description.is_sent()),
            ("occurred_at", self.occurred_at.is_sent()),
            ("sensitivity", self.sensitivity.is_sent()),
            ("status", self.status.is_sent()),
            ("attributes", self.attributes.is_sent()),
            ("region_code", self.region_code.is_sent()),
            ("note", self.note.is_sent()),
        ];
        sent.into_iter()
            .filter(|(_, s)| *s)
            .map(|(n, _)| n)
            .collect()
    }
}
