//! The incident report (laporan kejadian): its parsed create and update inputs and its
//! stored form. Parsing here is strict: unknown fields, wrong types and values that do not
//! fit the report type are refused with the field named, before anything is written.

use chrono::{DateTime, Datelike, Duration, FixedOffset, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::access::ReportAccess;
use crate::canonical;
use crate::geometry::ReportGeometry;
use crate::ids::{AgencyId, ReportId, UserId};
use crate::input::{Body, Field};
use crate::report_types::ReportType;
pub use crate::sensitivity::Sensitivity;

pub mod body;
use crate::ValidationErrors;
pub use body::{NewReportBody, NewReportProperties, ReportPatchBody, ReportPropertiesPatch};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    New,
    Verified,
    InProgress,
    Closed,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::New,
        Status::Verified,
        Status::InProgress,
        Status::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Verified => "verified",
            Status::InProgress => "in_progress",
            Status::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

pub const MAX_TITLE: usize = 200;
pub const MAX_DESCRIPTION: usize = 10_000;
/// How far in the future `occurred_at` may lie, to absorb a field phone's clock drift.
pub const FUTURE_TOLERANCE_HOURS: i64 = 24;

/// A report as the author submitted it, parsed and checked against its type.
#[derive(Debug, Clone, PartialEq)]
pub struct NewReport {
    pub id: Option<ReportId>,
    pub type_key: String,
    pub title: String,
    pub description: String,
    pub occurred_at: DateTime<FixedOffset>,
    pub geometry: ReportGeometry,
    pub sensitivity: Sensitivity,
    pub attributes: Map<String, Value>,
    pub region_code: Option<String>,
}

impl NewReport {
    /// Parses a GeoJSON Feature. `types` is the catalogue; `now` bounds `occurred_at`.
    pub fn from_feature(
        v: &Value,
        types: &[ReportType],
        now: DateTime<Utc>,
    ) -> Result<Self, ValidationErrors> {
        Self::from_body(&NewReportBody::read(v)?, types, now)
    }

    /// Checks a new report's body, naming every field at fault.
    pub fn from_body(
        body: &NewReportBody,
        types: &[ReportType],
        now: DateTime<Utc>,
    ) -> Result<Self, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        body.unknown.report("", &mut errs);
        if body.kind.given().map(String::as_str) != Some("Feature") {
            errs.push(
                "type",
                crate::msg!("feature-type-invalid", "must be \"Feature\""),
            );
        }
        let id = match &body.id {
            Field::Absent | Field::Null => None,
            Field::Given(s) => match ReportId::parse(s) {
                Some(id) => Some(id),
                None => {
                    errs.push("id", crate::msg!("uuid-invalid", "must be a UUID"));
                    None
                }
            },
            Field::Wrong(_) => {
                errs.push(
                    "id",
                    crate::msg!("uuid-string-invalid", "must be a UUID string"),
                );
                None
            }
        };
        let geometry = match &body.geometry {
            Field::Absent | Field::Null => {
                errs.push(
                    "geometry",
                    crate::msg!("location-required", "a location is required"),
                );
                None
            }
            Field::Given(g) | Field::Wrong(g) => ReportGeometry::from_geojson(g)
                .map_err(|e| errs.extend(e.prefixed("geometry")))
                .ok(),
        };
        let empty = NewReportProperties::default();
        let props = match &body.properties {
            Field::Given(p) => p,
            _ => {
                errs.push(
                    "properties",
                    crate::msg!("properties-not-object", "properties must be an object"),
                );
                &empty
            }
        };
        let fields = parse_properties(PropsIn::of_new(props), types, now, true, &mut errs);
        match (geometry, fields) {
            (Some(geometry), Some(p)) if errs.is_empty() => Ok(NewReport {
                id,
                type_key: p.type_key.unwrap_or_default(),
                title: p.title.unwrap_or_default(),
                description: p.description.unwrap_or_default(),
                occurred_at: p.occurred_at.unwrap_or_else(|| now.fixed_offset()),
                geometry,
                sensitivity: p.sensitivity.unwrap_or(Sensitivity::Internal),
                attributes: p.attributes.unwrap_or_default(),
                region_code: p.region_code,
            }),
            _ => Err(errs),
        }
    }

    /// The canonical form used to decide whether a repeated create carries the same
    /// content as the stored report (idempotent retry) or different content (conflict).
    /// Its SHA-256 is stored with the report, so the text must never change.
    pub fn canonical_json(&self) -> String {
        let body = json!({
            "type": self.type_key,
            "title": self.title,
            "description": self.description,
            "occurred_at": self.occurred_at.to_rfc3339(),
            "geometry": self.geometry.to_geojson(),
            "sensitivity": self.sensitivity.as_str(),
            "attributes": self.attributes,
            "region_code": self.region_code,
        });
        canonical::to_string(&body)
    }
}

/// A change to a report. Absent fields stay as they are; `attributes`, when present,
/// replaces the whole attribute object and is validated against the report's type.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReportPatch {
    pub title: Option<String>,
    pub description: Option<String>,
    pub occurred_at: Option<DateTime<FixedOffset>>,
    pub geometry: Option<ReportGeometry>,
    pub sensitivity: Option<Sensitivity>,
    pub attributes: Option<Map<String, Value>>,
    pub region_code: Option<String>,
    pub status: Option<Status>,
    pub note: Option<String>,
}

impl ReportPatch {
    /// Parses a JSON merge-style patch: either a Feature-shaped object
    /// (`{"geometry":…, "properties":{…}}`) or a flat object of properties.
    pub fn from_json(
        v: &Value,
        ty: &ReportType,
        now: DateTime<Utc>,
    ) -> Result<Self, ValidationErrors> {
        Self::from_body(&ReportPatchBody::read(v)?, ty, now)
    }

    /// Checks a change to a report of type `ty`, naming every field at fault.
    pub fn from_body(
        body: &ReportPatchBody,
        ty: &ReportType,
        now: DateTime<Utc>,
    ) -> Result<Self, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        let feature_shaped = body.is_feature_shaped();
        let mut patch = ReportPatch::default();
        let empty = ReportPropertiesPatch::default();
        // The keys that do not belong where they were sent, in key order.
        let mut misplaced: Vec<String> = body.flat.unknown.0.keys().cloned().collect();
        let props: &ReportPropertiesPatch = if feature_shaped {
            misplaced.extend(body.flat.sent_names().into_iter().map(String::from));
            misplaced.sort();
            for k in &misplaced {
                errs.push(k.clone(), crate::msg!("field-unknown", "unknown field"));
            }
            if let Field::Given(g) | Field::Wrong(g) = &body.geometry {
                patch.geometry = ReportGeometry::from_geojson(g)
                    .map_err(|e| errs.extend(e.prefixed("geometry")))
                    .ok();
            }
            match &body.properties {
                Field::Given(p) => p,
                Field::Absent => &empty,
                Field::Null | Field::Wrong(_) => {
                    errs.push(
                        "properties",
                        crate::msg!("properties-not-object", "properties must be an object"),
                    );
                    &empty
                }
            }
        } else {
            if body.id.is_sent() {
                misplaced.push("id".into());
                misplaced.sort();
            }
            &body.flat
        };
        // Flat, the type is the body's own `type`.
        let type_key = if feature_shaped {
            &props.type_key
        } else {
            &body.kind
        };
        let prefix = if feature_shaped { "properties." } else { "" };
        let mut perrs = ValidationErrors::new();
        if type_key.is_sent() && type_key.given().map(String::as_str) != Some(ty.key.as_str()) {
            perrs.push(
                "type",
                crate::msg!(
                    "report-type-unchangeable",
                    "the type of a report cannot be changed"
                ),
            );
        }
        if props.status.is_sent() {
            match props.status.given().and_then(|s| Status::parse(s)) {
                Some(s) => patch.status = Some(s),
                None => perrs.push(
                    "status",
                    crate::msg!(
                        "report-status-invalid",
                        "must be one of new, verified, in_progress, closed"
                    ),
                ),
            }
        }
        if props.note.is_sent() {
            match props.note.given() {
                Some(s) if s.chars().count() <= 2000 => patch.note = Some(s.trim().to_string()),
                _ => perrs.push(
                    "note",
                    crate::msg!(
                        "text-too-long",
                        "must be text of at most {max} characters",
                        max = 2000
                    ),
                ),
            }
        }
        let unknown = if feature_shaped {
            props.unknown.0.keys().cloned().collect()
        } else {
            misplaced
        };
        let input = PropsIn {
            type_key: &Field::Absent,
            title: &props.title,
            description: &props.description,
            occurred_at: &props.occurred_at,
            sensitivity: &props.sensitivity,
            attributes: &props.attributes,
            region_code: &props.region_code,
            unknown,
        };
        if let Some(p) = parse_properties(input, std::slice::from_ref(ty), now, false, &mut perrs) {
            patch.title = p.title;
            patch.description = p.description;
            patch.occurred_at = p.occurred_at;
            patch.sensitivity = p.sensitivity;
            patch.attributes = p.attributes;
            patch.region_code = p.region_code;
        }
        for mut e in perrs.errors {
            e.field = format!("{prefix}{}", e.field);
            errs.errors.push(e);
        }
        errs.into_result(patch)
    }

    pub fn is_empty(&self) -> bool {
        *self == ReportPatch::default()
    }
}

/// The properties a create or a change carries, as sent.
struct PropsIn<'a> {
    type_key: &'a Field<String>,
    title: &'a Field<String>,
    description: &'a Field<String>,
    occurred_at: &'a Field<String>,
    sensitivity: &'a Field<String>,
    attributes: &'a Field<Map<String, Value>>,
    region_code: &'a Field<String>,
    /// Keys that are not properties, in key order.
    unknown: Vec<String>,
}

impl<'a> PropsIn<'a> {
    fn of_new(p: &'a NewReportProperties) -> Self {
        PropsIn {
            type_key: &p.type_key,
            title: &p.title,
            description: &p.description,
            occurred_at: &p.occurred_at,
            sensitivity: &p.sensitivity,
            attributes: &p.attributes,
            region_code: &p.region_code,
            unknown: p.unknown.0.keys().cloned().collect(),
        }
    }
}

#[derive(Default)]
struct Props {
    type_key: Option<String>,
    title: Option<String>,
    description: Option<String>,
    occurred_at: Option<DateTime<FixedOffset>>,
    sensitivity: Option<Sensitivity>,
    attributes: Option<Map<String, Value>>,
    region_code: Option<String>,
}

/// The earliest year a report may say something happened: older dates are typing errors
/// (a year 0000 from an empty date field, a two-digit year).
pub const EARLIEST_YEAR: i32 = 1900;

/// True when `s` has something a reader can see: not only spaces and invisible marks.
fn visible(s: &str) -> bool {
    s.chars().any(|c| {
        !c.is_whitespace()
            && !matches!(
                c,
                '\u{200b}'..='\u{200f}' | '\u{2060}' | '\u{feff}' | '\u{00ad}'
            )
    })
}

/// Parses report properties. With `create`, `type`, `title` and `occurred_at` are required
/// and the type is looked up in `types`; without, `types` holds exactly the report's type.
fn parse_properties(
    props: PropsIn<'_>,
    types: &[ReportType],
    now: DateTime<Utc>,
    create: bool,
    outer: &mut ValidationErrors,
) -> Option<Props> {
    let mut errs = ValidationErrors::new();
    let mut p = Props::default();
    for k in &props.unknown {
        errs.push(k.clone(), crate::msg!("field-unknown", "unknown field"));
    }
    let ty: Option<&ReportType> = if create {
        match props.type_key.given() {
            None => {
                errs.push(
                    "type",
                    crate::msg!("report-type-required", "the report type is required"),
                );
                None
            }
            Some(k) => match types.iter().find(|t| &t.key == k) {
                Some(t) => {
                    p.type_key = Some(t.key.clone());
                    Some(t)
                }
                None => {
                    errs.push(
                        "type",
                        crate::msg!(
                            "report-type-unknown",
                            "unknown report type {key}",
                            key = format!("{k:?}")
                        ),
                    );
                    None
                }
            },
        }
    } else {
        types.first()
    };
    match props.title {
        Field::Absent if create => errs.push(
            "title",
            crate::msg!("title-required", "a title is required"),
        ),
        Field::Absent => {}
        title => match title.given().map(|s| s.trim()) {
            Some(s) if s.chars().any(char::is_control) => errs.push(
                "title",
                crate::msg!(
                    "text-control-characters",
                    "must not contain control characters"
                ),
            ),
            Some(s) if visible(s) && s.chars().count() <= MAX_TITLE => {
                p.title = Some(s.to_string())
            }
            _ => errs.push(
                "title",
                crate::msg!(
                    "text-length",
                    "must be text of 1 to {max} characters",
                    max = MAX_TITLE
                ),
            ),
        },
    }
    match props.description {
        Field::Absent | Field::Null => {}
        description => match description.given() {
            Some(s) if s.chars().count() <= MAX_DESCRIPTION => {
                p.description = Some(s.trim().to_string())
            }
            _ => errs.push(
                "description",
                crate::msg!(
                    "text-too-long",
                    "must be text of at most {max} characters",
                    max = MAX_DESCRIPTION
                ),
            ),
        },
    }
    match props.occurred_at {
        Field::Absent if create => errs.push(
            "occurred_at",
            crate::msg!("occurred-at-required", "when it happened is required"),
        ),
        Field::Absent => {}
        occurred_at => match occurred_at
            .given()
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        {
            Some(t) if t.with_timezone(&Utc) > now + Duration::hours(FUTURE_TOLERANCE_HOURS) => {
                errs.push(
                    "occurred_at",
                    crate::msg!("occurred-at-future", "lies in the future"),
                )
            }
            Some(t) if t.year() < EARLIEST_YEAR => errs.push(
                "occurred_at",
                crate::msg!(
                    "occurred-at-too-early",
                    "must not be before the year {year}",
                    year = EARLIEST_YEAR
                ),
            ),
            Some(t) => p.occurred_at = Some(t),
            None => errs.push(
                "occurred_at",
                crate::msg!(
                    "date-time-invalid",
                    "must be a date-time with its offset, e.g. 2025-05-27T08:30:00+07:00"
                ),
            ),
        },
    }
    match props.sensitivity {
        Field::Absent | Field::Null => {}
        sensitivity => match sensitivity.given().and_then(|s| Sensitivity::parse(s)) {
            Some(s) => p.sensitivity = Some(s),
            None => errs.push(
                "sensitivity",
                crate::msg!(
                    "sensitivity-invalid",
                    "must be one of public, internal, restricted, secret"
                ),
            ),
        },
    }
    match props.region_code {
        Field::Absent | Field::Null => {}
        region_code => match region_code.given() {
            Some(s) if crate::region::is_region_code_shape(s) => {
                p.region_code = Some(s.to_string())
            }
            _ => errs.push(
                "region_code",
                crate::msg!(
                    "region-code-invalid",
                    "must be a Kemendagri code such as 15.01 or 31.73.07.1006"
                ),
            ),
        },
    }
    if let Some(ty) = ty {
        let attrs = match props.attributes {
            Field::Absent => None,
            Field::Null => Some(Value::Null),
            Field::Given(a) => Some(Value::Object(a.clone())),
            Field::Wrong(v) => Some(v.clone()),
        };
        match attrs {
            None if !create => {}
            attrs => match ty.validate_attributes(attrs.as_ref().unwrap_or(&Value::Null)) {
                Ok(a) => p.attributes = Some(a),
                Err(e) => errs.extend(e.prefixed("attributes")),
            },
        }
    }
    let ok = errs.is_empty();
    outer.extend(if create {
        errs.prefixed("properties")
    } else {
        errs
    });
    ok.then_some(p)
}

/// A stored report, with the codes and names the edges show.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub id: ReportId,
    pub type_key: String,
    pub title: String,
    pub description: String,
    pub occurred_at: DateTime<FixedOffset>,
    pub geometry: ReportGeometry,
    pub region_code: Option<String>,
    pub owner_agency_id: AgencyId,
    pub owner_agency_code: String,
    pub author_id: UserId,
    pub author_username: String,
    pub sensitivity: Sensitivity,
    pub attributes: Map<String, Value>,
    pub status: Status,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// SHA-256 of [`NewReport::canonical_json`] at creation, for idempotent retries.
    pub create_hash: String,
}

impl Report {
    pub fn access(&self) -> ReportAccess {
        ReportAccess {
            owner_agency: self.owner_agency_id,
            author: self.author_id,
            sensitivity: self.sensitivity,
        }
    }

    /// The report as a GeoJSON Feature, the shape every API answer uses.
    pub fn to_feature(&self) -> Value {
        json!({
            "type": "Feature",
            "id": self.id.to_string(),
            "geometry": self.geometry.to_geojson(),
            "properties": {
                "type": self.type_key,
                "title": self.title,
                "description": self.description,
                "occurred_at": self.occurred_at.to_rfc3339(),
                "sensitivity": self.sensitivity.as_str(),
                "attributes": self.attributes,
                "region_code": self.region_code,
                "owner_agency": self.owner_agency_code,
                "author": self.author_username,
                "status": self.status.as_str(),
                "version": self.version,
                "created_at": self.created_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                "updated_at": self.updated_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            }
        })
    }
}

/// A report as one stored row, column by column, in the form written to the database:
/// geometry and attributes as their JSON text, instants as Unix milliseconds, enums by
/// name, the derived bounding box included. The store writes exactly these values (it
/// builds them with [`StoredReport::of`]), and the audit entry of every report write
/// carries their [`StoredReport::content_sha256`], so the stored row can later be compared
/// with its latest audited state without parsing anything back. Names taken from other
/// tables (the owner's code, the author's user name) are not part of the row.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredReport {
    pub id: ReportId,
    pub type_key: String,
    pub title: String,
    pub description: String,
    pub occurred_at_ms: i64,
    pub occurred_offset_s: i64,
    pub geometry: String,
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
    pub region_code: Option<String>,
    pub owner_agency_id: AgencyId,
    pub author_id: UserId,
    pub sensitivity: String,
    pub attributes: String,
    pub status: String,
    pub version: i64,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
    pub create_hash: String,
}

impl StoredReport {
    /// The row a report is stored as.
    pub fn of(r: &Report) -> Self {
        let b = r.geometry.bbox();
        StoredReport {
            id: r.id,
            type_key: r.type_key.clone(),
            title: r.title.clone(),
            description: r.description.clone(),
            occurred_at_ms: r.occurred_at.timestamp_millis(),
            occurred_offset_s: i64::from(r.occurred_at.offset().local_minus_utc()),
            geometry: canonical::to_string(&r.geometry.to_geojson()),
            min_lon: b.min_lon,
            min_lat: b.min_lat,
            max_lon: b.max_lon,
            max_lat: b.max_lat,
            region_code: r.region_code.clone(),
            owner_agency_id: r.owner_agency_id,
            author_id: r.author_id,
            sensitivity: r.sensitivity.as_str().to_string(),
            attributes: canonical::to_string(&Value::Object(r.attributes.clone())),
            status: r.status.as_str().to_string(),
            version: r.version,
            created_at_ms: r.created_at.timestamp_millis(),
            updated_at_ms: r.updated_at.timestamp_millis(),
            create_hash: r.create_hash.clone(),
        }
    }

    /// SHA-256 (hexadecimal) of the canonical JSON text ([`crate::canonical`]) of every
    /// column: what the audit entry of a report write records as `content_sha256`.
    pub fn content_sha256(&self) -> String {
        use sha2::{Digest, Sha256};
        let body = json!({
            "id": self.id.to_string(),
            "type_key": self.type_key,
            "title": self.title,
            "description": self.description,
            "occurred_at": self.occurred_at_ms,
            "occurred_offset": self.occurred_offset_s,
            "geometry": self.geometry,
            "bbox": [self.min_lon, self.min_lat, self.max_lon, self.max_lat],
            "region_code": self.region_code,
            "owner_agency_id": self.owner_agency_id.to_string(),
            "author_id": self.author_id.to_string(),
            "sensitivity": self.sensitivity,
            "attributes": self.attributes,
            "status": self.status,
            "version": self.version,
            "created_at": self.created_at_ms,
            "updated_at": self.updated_at_ms,
            "create_hash": self.create_hash,
        });
        let mut h = Sha256::new();
        h.update(b"sinergi-report-v1\n");
        h.update(canonical::to_string(&body).as_bytes());
        hex::encode(h.finalize())
    }
}

/// One entry of a report's history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportEvent {
    pub version: i64,
    pub at: DateTime<Utc>,
    pub actor_username: String,
    /// `created`, `updated` or `status`.
    pub kind: String,
    pub from_status: Option<Status>,
    pub to_status: Option<Status>,
    /// The names of the fields that changed.
    pub changed: Vec<String>,
    pub note: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report_types::builtin;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2025-06-01T00:00:00Z")
            .expect("ts")
            .with_timezone(&Utc)
    }

    fn feature() -> Value {
        json!({"type":"Feature","geometry":{"type":"Point","coordinates":[101.3,-2.1]},
            "properties":{"type":"snare_found","title":"Jerat di blok 7","occurred_at":"2025-05-27T08:30:00+07:00",
            "sensitivity":"restricted","attributes":{"snare_count":4}}})
    }

    #[test]
    fn parses_a_feature_and_keeps_the_offset() {
        let r = NewReport::from_feature(&feature(), &builtin(), now()).expect("valid");
        assert_eq!(r.occurred_at.offset().local_minus_utc(), 7 * 3600);
        assert_eq!(r.sensitivity, Sensitivity::Restricted);
        assert_eq!(r.canonical_json(), r.clone().canonical_json());
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut f = feature();
        f["properties"]["type"] = json!("alien_landing");
        f["properties"]["colour"] = json!("red");
        f["properties"]["occurred_at"] = json!("yesterday");
        f["extra"] = json!(1);
        let e = NewReport::from_feature(&f, &builtin(), now()).expect_err("bad");
        let fields: Vec<&str> = e.errors.iter().map(|e| e.field.as_str()).collect();
        assert!(fields.contains(&"extra"));
        assert!(fields.contains(&"properties.type"));
        assert!(fields.contains(&"properties.colour"));
        assert!(fields.contains(&"properties.occurred_at"));
        let mut f = feature();
        f["properties"]["attributes"] = json!({"snare_count": "four"});
        let e = NewReport::from_feature(&f, &builtin(), now()).expect_err("bad attr");
        assert_eq!(e.errors[0].field, "properties.attributes.snare_count");
        let mut f = feature();
        f["properties"]["occurred_at"] = json!("2030-01-01T00:00:00Z");
        assert!(NewReport::from_feature(&f, &builtin(), now()).is_err());
    }

    #[test]
    fn the_content_hash_covers_every_stored_column() {
        let new = NewReport::from_feature(&feature(), &builtin(), now()).expect("valid");
        let r = Report {
            id: ReportId::new_at(now(), [1; 10]),
            type_key: new.type_key,
            title: new.title,
            description: new.description,
            occurred_at: new.occurred_at,
            geometry: new.geometry,
            region_code: Some("15.04".into()),
            owner_agency_id: AgencyId::new_at(now(), [2; 10]),
            owner_agency_code: "BBTNKS".into(),
            author_id: UserId::new_at(now(), [3; 10]),
            author_username: "ranger".into(),
            sensitivity: new.sensitivity,
            attributes: new.attributes,
            status: Status::New,
            version: 1,
            created_at: now(),
            updated_at: now(),
            create_hash: "c".into(),
        };
        let row = StoredReport::of(&r);
        let h = row.content_sha256();
        assert_eq!(h.len(), 64);
        assert_eq!(StoredReport::of(&r.clone()).content_sha256(), h);
        // Names from other tables are not part of the row.
        let renamed = Report {
            owner_agency_code: "X".into(),
            author_username: "y".into(),
            ..r.clone()
        };
        assert_eq!(StoredReport::of(&renamed).content_sha256(), h);
        type Edit = Box<dyn Fn(&mut StoredReport)>;
        let edits: Vec<Edit> = vec![
            Box::new(|s| s.title.push('!')),
            Box::new(|s| s.description.push('!')),
            Box::new(|s| s.occurred_at_ms += 1),
            Box::new(|s| s.occurred_offset_s = 0),
            Box::new(|s| s.geometry = s.geometry.replace("101.3", "101.4")),
            Box::new(|s| s.min_lon += 1e-9),
            Box::new(|s| s.region_code = None),
            Box::new(|s| s.owner_agency_id = AgencyId::new_at(now(), [9; 10])),
            Box::new(|s| s.author_id = UserId::new_at(now(), [9; 10])),
            Box::new(|s| s.sensitivity = "public".into()),
            Box::new(|s| s.attributes = "{}".into()),
            Box::new(|s| s.status = "closed".into()),
            Box::new(|s| s.version = 2),
            Box::new(|s| s.created_at_ms = 0),
            Box::new(|s| s.updated_at_ms = 0),
            Box::new(|s| s.create_hash = "d".into()),
        ];
        for (i, edit) in edits.iter().enumerate() {
            let mut changed = row.clone();
            edit(&mut changed);
            assert_ne!(changed.content_sha256(), h, "edit {i} is not seen");
        }
    }

    /// The stored text of geometry and attributes, the content hash the audit trail records
    /// for every report write, and the create hash kept for idempotent retries must never
    /// change for the same report: existing trails and rows are compared with them. Keys
    /// are inserted out of order so that the pinned text depends on the canonical form
    /// alone.
    #[test]
    fn the_hashed_forms_of_a_report_are_pinned() {
        let mut attributes = Map::new();
        attributes.insert("zeta".into(), json!({"y": 2, "x": [1.5, -3, "é"]}));
        attributes.insert("snare_count".into(), json!(4));
        attributes.insert("alpha".into(), json!(null));
        let geometry = ReportGeometry::from_geojson(
            &json!({"coordinates": [[[101.0, -2.0], [101.5, -2.0], [101.5, -1.5], [101.0, -2.0]]], "type": "Polygon"}),
        )
        .expect("geometry");
        let new = NewReport {
            id: None,
            type_key: "snare_found".into(),
            title: "Jerat \"baru\" di blok 7".into(),
            description: "baris\nkedua".into(),
            occurred_at: DateTime::parse_from_rfc3339("2025-05-27T08:30:00+07:00").expect("t"),
            geometry,
            sensitivity: Sensitivity::Restricted,
            attributes,
            region_code: Some("15.04".into()),
        };
        assert_eq!(
            new.canonical_json(),
            r#"{"attributes":{"alpha":null,"snare_count":4,"zeta":{"x":[1.5,-3,"é"],"y":2}},"description":"baris\nkedua","geometry":{"coordinates":[[[101.0,-2.0],[101.5,-2.0],[101.5,-1.5],[101.0,-2.0]]],"type":"Polygon"},"occurred_at":"2025-05-27T08:30:00+07:00","region_code":"15.04","sensitivity":"restricted","title":"Jerat \"baru\" di blok 7","type":"snare_found"}"#
        );
        let r = Report {
            id: ReportId(uuid::Uuid::from_u128(1)),
            type_key: new.type_key.clone(),
            title: new.title.clone(),
            description: new.description.clone(),
            occurred_at: new.occurred_at,
            geometry: new.geometry.clone(),
            region_code: new.region_code.clone(),
            owner_agency_id: AgencyId(uuid::Uuid::from_u128(2)),
            owner_agency_code: "BBTNKS".into(),
            author_id: UserId(uuid::Uuid::from_u128(3)),
            author_username: "ranger".into(),
            sensitivity: new.sensitivity,
            attributes: new.attributes.clone(),
            status: Status::InProgress,
            version: 3,
            created_at: now(),
            updated_at: now() + Duration::milliseconds(1),
            create_hash: "c".repeat(64),
        };
        let row = StoredReport::of(&r);
        assert_eq!(
            row.geometry,
            r#"{"coordinates":[[[101.0,-2.0],[101.5,-2.0],[101.5,-1.5],[101.0,-2.0]]],"type":"Polygon"}"#
        );
        assert_eq!(
            row.attributes,
            r#"{"alpha":null,"snare_count":4,"zeta":{"x":[1.5,-3,"é"],"y":2}}"#
        );
        assert_eq!(
            row.content_sha256(),
            "fe1e42c186692c2fee13b2787a36332e45b9b82451641115945ead580b5c2ac9"
        );
    }

    #[test]
    fn patches_are_checked_against_the_type() {
        let ty = builtin()
            .into_iter()
            .find(|t| t.key == "snare_found")
            .expect("type");
        let p = ReportPatch::from_json(&json!({"title":"Baru","status":"verified"}), &ty, now())
            .expect("ok");
        assert_eq!(p.status, Some(Status::Verified));
        assert!(ReportPatch::from_json(&json!({"type":"poaching"}), &ty, now()).is_err());
        let e = ReportPatch::from_json(
            &json!({"properties":{"attributes":{"snare_count":"x"}}}),
            &ty,
            now(),
        )
        .expect_err("bad");
        assert_eq!(e.errors[0].field, "properties.attributes.snare_count");
    }
}
