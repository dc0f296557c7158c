//! What the reports API answers. What it reads are the request bodies of the domain
//! (`sinergi_core::report::{NewReportBody, ReportPatchBody}`), documented from the very
//! types the checks read.


use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sinergi_core::report::{Report, ReportEvent};
use sinergi_core::report_types::ReportType;
use sinergi_core::sharing::Form;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::features::sharing::types::PrecisionView;

pub use sinergi_core::schema::{AttributeValue, Geometry};

/// How a shared copy was reduced.
#[derive(Serialize, ToSchema)]
pub struct Access {
    /// `shared`.
    pub form: String,
    /// Fields withheld from this copy.
    pub withheld: Vec<String>,
    pub precision: PrecisionView,
}

/// A report's properties.
#[derive(Serialize, ToSchema)]
pub struct ReportProperties {
    /// The report type's key.
    #[serde(rename = "type")]
    pub type_key: String,
    pub title: String,
    pub description: String,
    #[schema(format = DateTime)]
    pub occurred_at: String,
    /// public, internal, restricted or secret.
    pub sensitivity: String,
    #[schema(value_type = BTreeMap<String, AttributeValue>)]
    pub attributes: serde_json::Map<String, Value>,
    pub region_code: Option<String>,
    pub owner_agency: String,
    pub author: String,
    /// new, verified, in_progress or closed.
    pub status: String,
    pub version: i64,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
    /// Present on a copy shared under an agreement or referral.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access: Option<Access>,
}

/// A report as a GeoJSON Feature.
#[derive(Serialize, ToSchema)]
pub struct ReportFeature {
    /// `Feature`.
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
    #[schema(value_type = Option<Geometry>)]
    pub geometry: Value,
    pub properties: ReportProperties,
}

impl Access {
    /// How a record reaches its caller: `None` in full, else as shared.
    pub fn of(form: &Form) -> Option<Access> {
        match form {
            Form::Shared {
                withheld,
                precision,
            } => Some(Access {
                form: "shared".into(),
                withheld: withheld.clone(),
                precision: PrecisionView::from(*precision),
            }),
            Form::Full => None,
        }
    }
}

impl ReportFeature {
    /// The feature of a report, saying how it was reduced when it is a shared copy.
    pub fn of(r: &Report, form: Option<&Form>) -> Self {
        let access = form.and_then(Access::of);
        ReportFeature {
            kind: "Feature".into(),
            id: r.id.to_string(),
            geometry: r.geometry.to_geojson(),
            properties: ReportProperties {
                type_key: r.type_key.clone(),
                title: r.title.clone(),
                description: r.description.clone(),
                occurred_at: r.occurred_at.to_rfc3339(),
                sensitivity: r.sensitivity.as_str().to_string(),
                attributes: r.attributes.clone(),
                region_code: r.region_code.clone(),
                owner_agency: r.owner_agency_code.clone(),
                author: r.author_username.clone(),
                status: r.status.as_str().to_string(),
                version: r.version,
                created_at: r
                    .created_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                updated_at: r
                    .updated_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                access,
            },
        }
    }
}

/// A link of a page.
#[derive(Serialize, ToSchema)]
pub struct Link {
    /// `self` or `next`.
    pub rel: String,
    #[serde(rename = "type")]
    pub media_type: String,
    pub href: String,
}

impl Link {
    pub fn geojson(rel: &str, href: String) -> Self {
        Link {
            rel: rel.into(),
            media_type: "application/geo+json".into(),
            href,
        }
    }
}

/// Reports sent at once (a phone's outbox): a GeoJSON FeatureCollection of new reports,
/// each as `POST /reports` takes it, at most [`MAX_BATCH`].
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)] // Documents the request; the handler reads each feature itself.
pub struct ReportBatch {
    /// `FeatureCollection`.
    #[serde(rename = "type")]
    pub kind: String,
    #[schema(value_type = Vec<sinergi_core::report::NewReportBody>)]
    pub features: Vec<Value>,
}

/// The most reports one batch may carry.
pub const MAX_BATCH: usize = 100;

/// What became of each report of a batch, in the order sent.
#[derive(Serialize, ToSchema)]
pub struct BatchResults {
    pub results: Vec<BatchResult>,
}

/// One report of a batch: stored (201), already stored with the same content (200), or
/// refused with its problem (its fields named as `features[i]…`).
#[derive(Serialize, ToSchema)]
pub struct BatchResult {
    /// The position of the feature in the batch.
    pub index: usize,
    /// The HTTP status the report would have had on its own.
    pub status: u16,
    /// The report's id (when the feature had one or was stored).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Uuid>,
    /// The stored report's version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    /// Where the stored report is read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Why the report was refused (RFC 9457).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<crate::openapi::Problem>)]
    pub problem: Option<Value>,
}

/// A page of reports (OGC API – Features).
#[derive(Serialize, ToSchema)]
pub struct ReportCollection {
    /// `FeatureCollection`.
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(rename = "numberReturned")]
    pub number_returned: usize,
    pub features: Vec<ReportFeature>,
    pub links: Vec<Link>,
}

/// The filters of the report list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ReportListQuery {
    /// minLon,minLat,maxLon,maxLat (WGS84), or six numbers with heights (minLon,minLat,minHeight,maxLon,maxLat,maxHeight), whose 2D part is used
    pub bbox: Option<String>,
    /// An RFC 3339 instant or interval start/end; `..` for an open end
    pub datetime: Option<String>,
    /// Report type key
    #[serde(rename = "type")]
    pub type_key: Option<String>,
    /// Kemendagri code; matches the region and everything inside it
    pub region: Option<String>,
    /// Owner agency code
    pub agency: Option<String>,
    /// new, verified, in_progress or closed
    pub status: Option<String>,
    /// Words in title or description
    pub q: Option<String>,
    /// 1–1000, default 50
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
    /// From a previous page's `next` link
    pub cursor: Option<String>,
}

/// One choice of a select field.
#[derive(Serialize, ToSchema)]
pub struct ChoiceView {
    pub value: String,
    pub label_id: String,
    pub label_en: String,
}

/// An attribute field of a report type.
#[derive(Serialize, ToSchema)]
pub struct FieldView {
    pub key: String,
    pub label_id: String,
    pub label_en: String,
    /// text, integer, decimal, boolean, date, datetime, select or multiselect.
    pub kind: String,
    pub required: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<ChoiceView>,
    /// Personal data (names of suspects, victims, informants).
    pub personal: bool,
}

/// A report type with its attribute fields.
#[derive(Serialize, ToSchema)]
pub struct ReportTypeView {
    pub key: String,
    pub label_id: String,
    pub label_en: String,
    pub category: String,
    pub location_sensitive: bool,
    pub fields: Vec<FieldView>,
}

#[derive(Serialize, ToSchema)]
pub struct ReportTypes {
    pub report_types: Vec<ReportTypeView>,
}

impl ReportTypes {
    pub fn of(types: &[ReportType]) -> Self {
        let report_types = types
            .iter()
            .map(|t| ReportTypeView {
                key: t.key.clone(),
                label_id: t.label_id.clone(),
                label_en: t.label_en.clone(),
                category: t.category.clone(),
                location_sensitive: t.location_sensitive,
                fields: t
                    .fields
                    .iter()
                    .map(|f| FieldView {
                        key: f.key.clone(),
                        label_id: f.label_id.clone(),
                        label_en: f.label_en.clone(),
                        kind: serde_json::to_value(f.kind)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_string))
                            .unwrap_or_default(),
                        required: f.required,
                        options: f
                            .options
                            .iter()
                            .map(|c| ChoiceView {
                                value: c.value.clone(),
                                label_id: c.label_id.clone(),
                                label_en: c.label_en.clone(),
                            })
                            .collect(),
                        personal: f.personal,
                    })
                    .collect(),
            })
            .collect();
        ReportTypes { report_types }
    }
}

/// One entry of a report's history.
#[derive(Serialize, ToSchema)]
pub struct HistoryEntry {
    pub version: i64,
    pub at: DateTime<Utc>,
    pub actor_username: String,
    /// `created`, `updated` or `status`.
    pub kind: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    /// The names of the fields that changed.
    pub changed: Vec<String>,
    pub note: Option<String>,
}

impl From<&ReportEvent> for HistoryEntry {
    fn from(e: &ReportEvent) -> Self {
        HistoryEntry {
            version: e.version,
            at: e.at,
            actor_username: e.actor_username.clone(),
            kind: e.kind.clone(),
            from_status: e.from_status.map(|s| s.as_str().to_string()),
            to_status: e.to_status.map(|s| s.as_str().to_string()),
            changed: e.changed.clone(),
            note: e.note.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct History {
    pub history: Vec<HistoryEntry>,
}

/// Reports of one type and status.
#[derive(Serialize, ToSchema)]
pub struct CountRow {
    #[serde(rename = "type")]
    pub type_key: String,
    pub status: String,
    pub count: i64,
}

#[derive(Serialize, ToSchema)]
pub struct Counts {
    pub total: i64,
    pub counts: Vec<CountRow>,
}

/// A file attached to a report.
#[derive(Serialize, ToSchema)]
pub struct AttachmentView {
    pub id: Uuid,
    pub report_id: Uuid,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    #[schema(format = DateTime)]
    pub created_at: String,
    pub href: String,
}

#[derive(Serialize, ToSchema)]
pub struct AttachmentList {
    pub attachments: Vec<AttachmentView>,
}

/// A region a region lies in.
#[derive(Serialize, ToSchema)]
pub struct RegionRef {
    pub code: String,
    pub name: String,
    /// province, regency, district or village.
    pub level: String,
}

/// A GeoJSON Point.
#[derive(Serialize, ToSchema)]
pub struct Centroid {
    /// `Point`.
    #[serde(rename = "type")]
    pub kind: String,
    #[schema(min_items = 2, max_items = 2)]
    pub coordinates: Vec<f64>,
}

impl Centroid {
    pub fn point(lon: f64, lat: f64) -> Self {
        Centroid {
            kind: "Point".into(),
            coordinates: vec![lon, lat],
        }
    }
}

/// A region of the gazetteer (Kemendagri codes).
#[derive(Serialize, ToSchema)]
pub struct RegionView {
    pub code: String,
    pub name: String,
    /// province, regency, district or village.
    pub level: String,
    pub parent: Option<String>,
    /// The regions it lies in, nearest first.
    pub parents: Vec<RegionRef>,
    pub children_count: usize,
    pub centroid: Centroid,
    /// The box around its shipped boundary, `[west, south, east, north]`; absent for
    /// villages (and districts outside the provinces whose district boundaries ship).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bbox: Option<[f64; 4]>,
    /// WIB, WITA or WIT.
    pub time_zone: String,
}

/// The regions containing a point, province first.
#[derive(Serialize, ToSchema)]
pub struct RegionChain {
    /// The point lies outside every village: the nearest was taken.
    pub approximate: bool,
    pub chain: Vec<RegionView>,
    /// The most specific region's code.
    pub code: String,
}

/// A shape whose villages are asked for.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CoveredRequest {
    /// A GeoJSON Polygon or MultiPolygon (WGS 84).
    #[schema(value_type = sinergi_core::schema::Geometry)]
    pub geometry: serde_json::Value,
}

/// The villages a shape covers: those whose centre lies inside it (villages have no
/// shipped boundaries).
#[derive(Serialize, ToSchema)]
pub struct CoveredVillages {
    /// How many villages have their centre inside the shape.
    pub count: usize,
    /// The first 100 of them, by code.
    pub villages: Vec<RegionView>,
    /// When no village's centre is inside (a small shape): the village the shape's
    /// middle lies in, as found by the region lookup.
    pub centre: Option<RegionView>,
}

/// Regions found by name, or the chain of regions containing a point.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum RegionList {
    Found { regions: Vec<RegionView> },
    Located(RegionChain),
}

/// Search by name (`q`), or find the regions containing a point (`lon` and `lat`).
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RegionQuery {
    /// Name to search
    pub q: Option<String>,
    /// Longitude
    #[param(value_type = Option<f64>)]
    pub lon: Option<String>,
    /// Latitude
    #[param(value_type = Option<f64>)]
    pub lat: Option<String>,
    /// At most this many (search), 1–200, default 20
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}
