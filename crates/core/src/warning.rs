//! Early warning: tracked subjects and their devices, fences and rules, and the alerts the
//! geofence engine (`sinergi-geofence`) raises. Parsing of what users send, naming the
//! offending field; the engine's own rule vocabulary (trigger, subject filter, active
//! hours) is reused as is.

use chrono::{DateTime, Utc};
use geo_types::{Coord, LineString, MultiLineString, MultiPolygon, Polygon};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sinergi_geofence::{ActiveHours, FenceShape, SubjectFilter, Trigger};

use crate::geometry::{polygon_json, round_coord, ReportGeometry};
use crate::ids::{AgencyId, UserId};
use crate::input::Field;
use crate::sensitivity::Sensitivity;
use crate::ValidationErrors;

pub mod body;

use body::{NewRule, RuleContact};

macro_rules! id_type {
    ($name:ident) => {
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub uuid::Uuid);

        impl $name {
            pub fn new_at(now: DateTime<Utc>, random: [u8; 10]) -> Self {
                let millis = now.timestamp_millis().max(0) as u64;
                $name(uuid::Builder::from_unix_timestamp_millis(millis, &random).into_uuid())
            }

            pub fn parse(s: &str) -> Option<Self> {
                uuid::Uuid::parse_str(s.trim()).ok().map($name)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(SubjectId);
id_type!(DeviceId);
id_type!(DeploymentId);
id_type!(FenceId);
id_type!(RuleId);
id_type!(AlertId);
id_type!(WebhookId);
id_type!(HotspotId);

/// Something tracked: an elephant individual or herd, a tiger, a ranger team.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subject {
    pub id: SubjectId,
    pub owner_agency_id: AgencyId,
    pub name: String,
    /// e.g. `elephas_maximus`, `panthera_tigris`, `human` for a ranger team.
    pub species: String,
    /// `individual`, `herd` or `team`.
    pub kind: String,
    pub sensitivity: Sensitivity,
    pub notes: String,
    pub created_at: DateTime<Utc>,
}

pub const SUBJECT_KINDS: [&str; 3] = ["individual", "herd", "team"];
pub const DEVICE_KINDS: [&str; 3] = ["collar", "tag", "phone"];

/// A collar, tag or phone, known by the serial it reports under.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Device {
    pub id: DeviceId,
    pub serial: String,
    pub kind: String,
    pub owner_agency_id: AgencyId,
    /// How often it should report; silence for longer raises a device-health alert.
    pub expected_interval_s: i64,
    pub created_at: DateTime<Utc>,
}

/// A device on a subject for a period (a tag moves between animals over time).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deployment {
    pub id: DeploymentId,
    pub device_id: DeviceId,
    pub subject_id: SubjectId,
    pub start_at: DateTime<Utc>,
    pub end_at: Option<DateTime<Utc>>,
}

impl Deployment {
    pub fn covers(&self, t: DateTime<Utc>) -> bool {
        self.start_at <= t && self.end_at.is_none_or(|e| t < e)
    }
}

/// What a fence stands for.
pub const FENCE_KINDS: [&str; 8] = [
    "village",
    "park",
    "plantation",
    "concession",
    "peatland",
    "road",
    "river",
    "other",
];

/// A fence's shape as users send and read it: a GeoJSON geometry (Polygon, MultiPolygon,
/// LineString, MultiLineString) or a circle.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Area(MultiPolygon<f64>),
    Line(MultiLineString<f64>),
    Circle { lon: f64, lat: f64, radius_m: f64 },
}

impl Shape {
    /// `{"type":"Circle","center":[lon,lat],"radius_m":r}` or a GeoJSON geometry.
    pub fn to_json(&self) -> Value {
        let ring = |l: &LineString<f64>| -> Vec<[f64; 2]> {
            l.0.iter()
                .map(|c| [round_coord(c.x), round_coord(c.y)])
                .collect()
        };
        match self {
            Shape::Circle { lon, lat, radius_m } => {
                json!({"type": "Circle", "center": [round_coord(*lon), round_coord(*lat)], "radius_m": radius_m})
            }
            Shape::Area(mp) if mp.0.len() == 1 => {
                json!({"type": "Polygon", "coordinates": polygon_json(&mp.0[0])})
            }
            Shape::Area(mp) => {
                let polys: Vec<Vec<Vec<[f64; 2]>>> = mp.0.iter().map(polygon_json).collect();
                json!({"type": "MultiPolygon", "coordinates": polys})
            }
            Shape::Line(ml) if ml.0.len() == 1 => {
                json!({"type": "LineString", "coordinates": ring(&ml.0[0])})
            }
            Shape::Line(ml) => {
                let lines: Vec<Vec<[f64; 2]>> = ml.0.iter().map(ring).collect();
                json!({"type": "MultiLineString", "coordinates": lines})
            }
        }
    }

    /// A GeoJSON geometry for maps (a circle as a 64-sided polygon).
    pub fn to_geojson(&self) -> Value {
        match self {
            Shape::Circle { lon, lat, radius_m } => {
                let dlat = radius_m / 110_540.0;
                let dlon = radius_m / (111_320.0 * lat.to_radians().cos());
                let mut pts: Vec<[f64; 2]> = (0..64)
                    .map(|i| {
                        let a = std::f64::consts::TAU * f64::from(i) / 64.0;
                        [
                            round_coord(lon + dlon * a.cos()),
                            round_coord(lat + dlat * a.sin()),
                        ]
                    })
                    .collect();
                pts.push(pts[0]);
                json!({"type": "Polygon", "coordinates": [pts]})
            }
            other => other.to_json(),
        }
    }

    /// Parses a shape, naming the field (`shape…`) at fault. Rings must be closed and must
    /// not cross themselves.
    pub fn parse(v: &Value) -> Result<Shape, ValidationErrors> {
        let prefix = |e: ValidationErrors| {
            let mut out = ValidationErrors::new();
            for f in e.errors {
                let field = if f.field.is_empty() {
                    "shape".to_string()
                } else {
                    format!("shape.{}", f.field)
                };
                out.push(field, f.message);
            }
            out
        };
        let ty = v.get("type").and_then(Value::as_str).unwrap_or("");
        match ty {
            "Circle" => {
                let c = v.get("center").and_then(Value::as_array);
                let (lon, lat) = match c.map(|c| (c.first().and_then(Value::as_f64), c.get(1).and_then(Value::as_f64))) {
                    Some((Some(lon), Some(lat))) if c.is_some_and(|c| c.len() == 2) => (lon, lat),
                    _ => {
                        return Err(ValidationErrors::single(
                            "shape.center",
                            crate::msg!("circle-center-required", "a circle needs a center [longitude, latitude]"),
                        ))
                    }
                };
                ReportGeometry::point(lon, lat)
                    .map_err(|_| ValidationErrors::single("shape.center", crate::msg!("circle-center-invalid", "the center is not a valid position")))?;
                let r = v.get("radius_m").and_then(Value::as_f64).unwrap_or(-1.0);
                if !(r > 0.0 && r <= 200_000.0) {
                    return Err(ValidationErrors::single(
                        "shape.radius_m",
                        crate::msg!("circle-radius-invalid", "the radius must be more than 0 and at most 200000 metres"),
                    ));
                }
                Ok(Shape::Circle { lon, lat, radius_m: r })
            }
            "Polygon" => {
                let g = ReportGeometry::from_geojson(v).map_err(prefix)?;
                match g.as_geo() {
                    geo_types::Geometry::Polygon(p) => Ok(Shape::Area(MultiPolygon(vec![p.clone()]))),
                    _ => Err(ValidationErrors::single("shape", crate::msg!("shape-not-polygon", "not a polygon"))),
                }
            }
            "MultiPolygon" => {
                let polys = v
                    .get("coordinates")
                    .and_then(Value::as_array)
                    .filter(|a| !a.is_empty())
                    .ok_or_else(|| {
                        ValidationErrors::single("shape.coordinates", crate::msg!("multipolygon-empty", "a MultiPolygon is a non-empty array of polygons"))
                    })?;
                let mut out = Vec::with_capacity(polys.len());
                for (i, p) in polys.iter().enumerate() {
                    let g = ReportGeometry::from_geojson(&json!({"type": "Polygon", "coordinates": p}))
                        .map_err(|e| {
                            let mut out = ValidationErrors::new();
                            for f in e.errors {
                                let rest = f.field.strip_prefix("coordinates").unwrap_or(&f.field).to_string();
                                out.push(format!("shape.coordinates[{i}]{rest}"), f.message);
                            }
                            out
                        })?;
                    if let geo_types::Geometry::Polygon(p) = g.as_geo() {
                        out.push(p.clone());
                    }
                }
                Ok(Shape::Area(MultiPolygon(out)))
            }
            "LineString" => {
                let g = ReportGeometry::from_geojson(v).map_err(prefix)?;
                match g.as_geo() {
                    geo_types::Geometry::LineString(l) => Ok(Shape::Line(MultiLineString(vec![l.clone()]))),
                    _ => Err(ValidationErrors::single("shape", crate::msg!("shape-not-line", "not a line"))),
                }
            }
            "MultiLineString" => {
                let lines = v
                    .get("coordinates")
                    .and_then(Value::as_array)
                    .filter(|a| !a.is_empty())
                    .ok_or_else(|| {
                        ValidationErrors::single("shape.coordinates", crate::msg!("multilinestring-empty", "a MultiLineString is a non-empty array of lines"))
                    })?;
                let mut out = Vec::with_capacity(lines.len());
                for (i, l) in lines.iter().enumerate() {
                    let g = ReportGeometry::from_geojson(&json!({"type": "LineString", "coordinates": l}))
                        .map_err(|e| {
                            let mut out = ValidationErrors::new();
                            for f in e.errors {
                                let rest = f.field.strip_prefix("coordinates").unwrap_or(&f.field).to_string();
                                out.push(format!("shape.coordinates[{i}]{rest}"), f.message);
                            }
                            out
                        })?;
                    if let geo_types::Geometry::LineString(l) = g.as_geo() {
                        out.push(l.clone());
                    }
                }
                Ok(Shape::Line(MultiLineString(out)))
            }
            "" => Err(ValidationErrors::single("shape.type", crate::msg!("shape-type-required", "the shape's type is required"))),
            other => Err(ValidationErrors::single(
                "shape.type",
                crate::msg!("shape-type-unknown", "{kind} is not a fence shape; use Polygon, MultiPolygon, LineString, MultiLineString or Circle", kind = format!("{other:?}")),
            )),
        }
    }

    /// The engine's form.
    pub fn to_engine(&self) -> FenceShape {
        match self {
            Shape::Area(mp) => FenceShape::Polygon(mp.clone()),
            Shape::Line(ml) => FenceShape::Line(ml.clone()),
            Shape::Circle { lon, lat, radius_m } => FenceShape::Circle {
                lon: *lon,
                lat: *lat,
                radius_m: *radius_m,
            },
        }
    }

    /// A position inside or on the shape, for labels and region lookup.
    pub fn anchor(&self) -> (f64, f64) {
        let first = |l: &LineString<f64>| l.0.first().copied().unwrap_or(Coord { x: 0.0, y: 0.0 });
        match self {
            Shape::Circle { lon, lat, .. } => (*lon, *lat),
            Shape::Area(mp) => {
                use geo::Centroid;
                match mp.centroid() {
                    Some(c) => (c.x(), c.y()),
                    None => {
                        mp.0.first()
                            .map(|p| {
                                let c = first(p.exterior());
                                (c.x, c.y)
                            })
                            .unwrap_or((0.0, 0.0))
                    }
                }
            }
            Shape::Line(ml) => {
                ml.0.first()
                    .map(|l| {
                        let c = first(l);
                        (c.x, c.y)
                    })
                    .unwrap_or((0.0, 0.0))
            }
        }
    }

    pub fn is_line(&self) -> bool {
        matches!(self, Shape::Line(_))
    }
}

/// A polygon from the shipped region boundaries, for "this village as a fence".
pub fn area_from_polygons(polys: Vec<Polygon<f64>>) -> Shape {
    Shape::Area(MultiPolygon(polys))
}

/// A stored fence.
#[derive(Debug, Clone, PartialEq)]
pub struct Fence {
    pub id: FenceId,
    pub owner_agency_id: AgencyId,
    /// Unique within the owner agency by [`fence_name_key`].
    pub name: String,
    pub kind: String,
    pub shape: Shape,
    pub region_code: Option<String>,
    pub active: bool,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Starts at 1 and grows by one with every edit (name, kind, shape); an edit names
    /// the version it was made on (`If-Match`), so two editors cannot overwrite each
    /// other unseen. Switching a fence on or off does not change it.
    pub version: i64,
}

/// What two fence names of one agency must not share: the name lower-cased, with runs of
/// white space as one space and none at either end. "Desa  Braja" and "desa braja" are
/// the same name. (The same normalisation as the region search's.)
pub fn fence_name_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// How loud an alert is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        [Severity::Info, Severity::Warning, Severity::Critical]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// Where an alert goes besides the live board (which every recipient sees).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The live board and `GET /api/v1/alerts/stream`.
    Board,
    /// Every active webhook of the recipient agencies, signed with HMAC-SHA256.
    Webhook,
    /// E-mail to recipient users and contacts with an address.
    Email,
    /// The SMS gateway, to contacts with a phone number.
    Sms,
}

/// Someone outside Sinergi told of alerts: a village head, a Kawal Desa volunteer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Recipients {
    #[serde(default)]
    pub agencies: Vec<AgencyId>,
    #[serde(default)]
    pub users: Vec<UserId>,
    #[serde(default)]
    pub contacts: Vec<Contact>,
}

impl Recipients {
    pub fn is_empty(&self) -> bool {
        self.agencies.is_empty() && self.users.is_empty() && self.contacts.is_empty()
    }
}

/// What a rule says, as stored (agencies and users by id).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleSpec {
    /// Empty: every fence of the rule's agency.
    pub fences: Vec<FenceId>,
    pub subjects: SubjectFilter,
    pub trigger: Trigger,
    pub severity: Severity,
    pub hysteresis_m: f64,
    pub quiet_period_s: i64,
    pub active_hours: Option<ActiveHours>,
    pub recipients: Recipients,
    pub channels: Vec<Channel>,
}

/// A stored rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub id: RuleId,
    pub owner_agency_id: AgencyId,
    pub name: String,
    pub spec: RuleSpec,
    pub active: bool,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A rule as sent by a user: agency codes and user names not yet resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleInput {
    pub name: String,
    pub fences: Vec<FenceId>,
    pub subjects: SubjectFilter,
    pub trigger: Trigger,
    pub severity: Severity,
    pub hysteresis_m: f64,
    pub quiet_period_s: i64,
    pub active_hours: Option<ActiveHours>,
    pub agency_codes: Vec<String>,
    pub usernames: Vec<String>,
    pub contacts: Vec<Contact>,
    pub channels: Vec<Channel>,
}

fn hhmm(s: &str) -> Option<u16> {
    let (h, m) = s.split_once(':')?;
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

impl RuleInput {
    /// Reads a rule body ([`NewRule`]): `{name, fences?, subjects?, trigger, severity?,
    /// hysteresis_m?, quiet_period_min?, active_hours?: {from:"18:00", to:"06:00"},
    /// recipients: {agencies, users, contacts}, channels?}`, naming every field at fault.
    /// `utc_offset_minutes` is the zone the active hours are read in.
    pub fn parse(body: &NewRule, utc_offset_minutes: i16) -> Result<RuleInput, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        body.unknown.report("", &mut errs);
        let name = match body.name.given().map(|n| n.trim()) {
            Some(n) if !n.is_empty() && n.chars().count() <= 200 => n.to_string(),
            _ => {
                errs.push(
                    "name",
                    crate::msg!(
                        "rule-name-required",
                        "a name of 1 to 200 characters is required"
                    ),
                );
                String::new()
            }
        };
        let mut fences = Vec::new();
        match &body.fences {
            Field::Absent | Field::Null => {}
            Field::Given(a) => {
                for (i, f) in a.iter().enumerate() {
                    match f.given().and_then(|s| FenceId::parse(s)) {
                        Some(id) => fences.push(id),
                        None => errs.push(
                            format!("fences[{i}]"),
                            crate::msg!("rule-fence-id-invalid", "must be a fence id"),
                        ),
                    }
                }
            }
            Field::Wrong(_) => errs.push(
                "fences",
                crate::msg!("rule-fences-not-array", "must be an array of fence ids"),
            ),
        }
        let subjects_invalid = || {
            crate::msg!(
                "rule-subjects-invalid",
                "give \"any\", {{\"species\": …}} or {{\"subject\": id}}"
            )
        };
        let subjects = match &body.subjects {
            Field::Absent | Field::Null => SubjectFilter::Any,
            Field::Given(v) | Field::Wrong(v) => match v {
                Value::String(s) if s == "any" => SubjectFilter::Any,
                Value::Object(o) => match (o.get("species"), o.get("subject")) {
                    (Some(Value::String(s)), None) if !s.trim().is_empty() => {
                        SubjectFilter::Species(s.trim().to_string())
                    }
                    (None, Some(Value::String(s))) => match SubjectId::parse(s) {
                        Some(id) => SubjectFilter::Subject(sinergi_geofence::SubjectId(id.0)),
                        None => {
                            errs.push(
                                "subjects.subject",
                                crate::msg!("rule-subject-id-invalid", "must be a subject id"),
                            );
                            SubjectFilter::Any
                        }
                    },
                    _ => {
                        errs.push("subjects", subjects_invalid());
                        SubjectFilter::Any
                    }
                },
                _ => {
                    errs.push("subjects", subjects_invalid());
                    SubjectFilter::Any
                }
            },
        };
        // A trigger sent as null is there, and has no type.
        let null = Value::Null;
        let trigger = match &body.trigger {
            Field::Absent => None,
            Field::Null => Some(&null),
            Field::Given(t) | Field::Wrong(t) => Some(t),
        };
        let trigger = match trigger {
            Some(t) => {
                let ty = t.get("type").and_then(Value::as_str).or_else(|| t.as_str());
                match ty {
                    Some("enter") => Some(Trigger::Enter),
                    Some("exit") => Some(Trigger::Exit),
                    Some("cross") => Some(Trigger::Cross),
                    Some("hotspot_inside") => Some(Trigger::HotspotInside),
                    Some("proximity") => match t.get("distance_m").and_then(Value::as_f64) {
                        Some(d) if d > 0.0 && d <= 100_000.0 => {
                            Some(Trigger::Proximity { distance_m: d })
                        }
                        _ => {
                            errs.push(
                                "trigger.distance_m",
                                crate::msg!(
                                    "trigger-distance-invalid",
                                    "proximity needs a distance of more than 0 and at most 100000 metres"
                                ),
                            );
                            None
                        }
                    },
                    Some("dwell") => match t.get("minutes").and_then(Value::as_u64) {
                        Some(m) if (1..=10_080).contains(&m) => {
                            Some(Trigger::Dwell { minutes: m as u32 })
                        }
                        _ => {
                            errs.push(
                                "trigger.minutes",
                                crate::msg!(
                                    "trigger-minutes-invalid",
                                    "dwell needs 1 to 10080 minutes"
                                ),
                            );
                            None
                        }
                    },
                    _ => {
                        errs.push(
                            "trigger.type",
                            crate::msg!(
                                "trigger-type-invalid",
                                "must be enter, exit, proximity, dwell, cross or hotspot_inside"
                            ),
                        );
                        None
                    }
                }
            }
            None => {
                errs.push(
                    "trigger",
                    crate::msg!("trigger-required", "a trigger is required"),
                );
                None
            }
        };
        let severity_invalid =
            || crate::msg!("rule-severity-invalid", "must be info, warning or critical");
        let severity = match &body.severity {
            Field::Absent | Field::Null => Severity::Warning,
            Field::Given(s) => Severity::parse(s).unwrap_or_else(|| {
                errs.push("severity", severity_invalid());
                Severity::Warning
            }),
            Field::Wrong(_) => {
                errs.push("severity", severity_invalid());
                Severity::Warning
            }
        };
        let number = |f: &Field<f64>, k: &str, most: f64, errs: &mut ValidationErrors| -> f64 {
            match f {
                Field::Absent | Field::Null => 0.0,
                Field::Given(x) if (0.0..=most).contains(x) => *x,
                Field::Given(_) | Field::Wrong(_) => {
                    errs.push(
                        k,
                        crate::msg!(
                            "rule-number-range",
                            "must be a number from 0 to {max}",
                            max = most
                        ),
                    );
                    0.0
                }
            }
        };
        let hysteresis_m = number(&body.hysteresis_m, "hysteresis_m", 5_000.0, &mut errs);
        let quiet_period_s = (number(
            &body.quiet_period_min,
            "quiet_period_min",
            10_080.0,
            &mut errs,
        ) * 60.0) as i64;
        let active_hours = match &body.active_hours {
            Field::Absent | Field::Null => None,
            Field::Given(_) | Field::Wrong(_) => {
                let (from, to) = match &body.active_hours {
                    Field::Given(h) => (
                        h.from.given().and_then(|s| hhmm(s)),
                        h.to.given().and_then(|s| hhmm(s)),
                    ),
                    _ => (None, None),
                };
                match (from, to) {
                    (Some(f), Some(t)) if f != t => Some(ActiveHours {
                        start_minute: f,
                        end_minute: t,
                        utc_offset_minutes,
                    }),
                    _ => {
                        errs.push(
                            "active_hours",
                            crate::msg!(
                                "rule-active-hours-invalid",
                                "give {{\"from\": \"HH:MM\", \"to\": \"HH:MM\"}}, two different local times"
                            ),
                        );
                        None
                    }
                }
            }
        };
        let mut agency_codes = Vec::new();
        let mut usernames = Vec::new();
        let mut contacts = Vec::new();
        match &body.recipients {
            Field::Given(r) => {
                r.unknown.report("recipients", &mut errs);
                let strings =
                    |k: &str,
                     field: &Field<Vec<Field<String>>>,
                     out: &mut Vec<String>,
                     errs: &mut ValidationErrors| match field {
                        Field::Absent | Field::Null => {}
                        Field::Given(a) => {
                            for (i, x) in a.iter().enumerate() {
                                match x.given().map(|s| s.trim()).filter(|s| !s.is_empty()) {
                                    Some(s) => out.push(s.to_string()),
                                    None => errs.push(
                                        format!("recipients.{k}[{i}]"),
                                        crate::msg!("rule-recipient-not-text", "must be text"),
                                    ),
                                }
                            }
                        }
                        Field::Wrong(_) => errs.push(
                            format!("recipients.{k}"),
                            crate::msg!("rule-not-array", "must be an array"),
                        ),
                    };
                strings("agencies", &r.agencies, &mut agency_codes, &mut errs);
                strings("users", &r.users, &mut usernames, &mut errs);
                match &r.contacts {
                    Field::Absent | Field::Null => {}
                    Field::Given(a) => {
                        for (i, c) in a.iter().enumerate() {
                            contacts.push(contact(i, c, &mut errs));
                        }
                    }
                    Field::Wrong(_) => errs.push(
                        "recipients.contacts",
                        crate::msg!("rule-not-array", "must be an array"),
                    ),
                }
            }
            Field::Absent | Field::Null | Field::Wrong(_) => errs.push(
                "recipients",
                crate::msg!(
                    "rule-recipients-required",
                    "a rule needs recipients: agencies, users or contacts"
                ),
            ),
        }
        if errs.is_empty() && agency_codes.is_empty() && usernames.is_empty() && contacts.is_empty()
        {
            errs.push(
                "recipients",
                crate::msg!(
                    "rule-recipients-empty",
                    "a rule needs at least one recipient"
                ),
            );
        }
        let mut channels = vec![Channel::Board];
        match &body.channels {
            Field::Absent | Field::Null => {}
            Field::Given(a) => {
                for (i, c) in a.iter().enumerate() {
                    match c.given().map(String::as_str) {
                        Some("board") => {}
                        Some("webhook") => channels.push(Channel::Webhook),
                        Some("email") => channels.push(Channel::Email),
                        Some("sms") => channels.push(Channel::Sms),
                        _ => errs.push(
                            format!("channels[{i}]"),
                            crate::msg!(
                                "rule-channel-invalid",
                                "must be board, webhook, email or sms"
                            ),
                        ),
                    }
                }
            }
            Field::Wrong(_) => errs.push(
                "channels",
                crate::msg!("rule-not-array", "must be an array"),
            ),
        }
        channels.dedup();
        match trigger {
            Some(trigger) if errs.is_empty() => Ok(RuleInput {
                name,
                fences,
                subjects,
                trigger,
                severity,
                hysteresis_m,
                quiet_period_s,
                active_hours,
                agency_codes,
                usernames,
                contacts,
                channels,
            }),
            _ => Err(errs),
        }
    }
}

/// One contact of a rule's recipients (the `i`th): a name, and a phone number or an
/// e-mail address. Anything but an object has neither.
fn contact(i: usize, c: &Field<RuleContact>, errs: &mut ValidationErrors) -> Contact {
    let text = |f: &Field<String>| -> Option<String> {
        f.given()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .map(String::from)
    };
    let (name, phone, email) = match c {
        Field::Given(c) => (text(&c.name), text(&c.phone), text(&c.email)),
        Field::Absent | Field::Null | Field::Wrong(_) => (None, None, None),
    };
    if name.is_none() {
        errs.push(
            format!("recipients.contacts[{i}].name"),
            crate::msg!("contact-name-required", "a name is required"),
        );
    }
    if let Some(p) = &phone {
        let digits = p.trim_start_matches('+');
        if digits.len() < 8 || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            errs.push(
                format!("recipients.contacts[{i}].phone"),
                crate::msg!(
                    "contact-phone-invalid",
                    "a phone number is 8 to 15 digits, optionally starting with +"
                ),
            );
        }
    }
    if let Some(e) = &email {
        if !crate::input::email_address(e) {
            errs.push(
                format!("recipients.contacts[{i}].email"),
                crate::msg!("contact-email-invalid", "not an e-mail address"),
            );
        }
    }
    if phone.is_none() && email.is_none() {
        errs.push(
            format!("recipients.contacts[{i}]"),
            crate::msg!(
                "contact-reach-required",
                "a contact needs a phone number or an e-mail address"
            ),
        );
    }
    Contact {
        name: name.unwrap_or_default(),
        phone,
        email,
    }
}

/// Where an alert is in its response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertStatus {
    Open,
    /// Someone is responding.
    Acknowledged,
    Closed,
}

impl AlertStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertStatus::Open => "open",
            AlertStatus::Acknowledged => "acknowledged",
            AlertStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<AlertStatus> {
        [
            AlertStatus::Open,
            AlertStatus::Acknowledged,
            AlertStatus::Closed,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

/// Actions logged while responding.
pub const ALERT_ACTIONS: [&str; 6] = [
    "drive_away",
    "patrol_dispatched",
    "villagers_warned",
    "false_alarm",
    "fire_suppressed",
    "note",
];

/// Outcomes an alert is closed with.
pub const ALERT_OUTCOMES: [&str; 5] =
    ["resolved", "no_damage", "damage", "false_alarm", "casualty"];

/// A stored alert.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alert {
    /// Position in the live stream.
    pub seq: i64,
    pub id: AlertId,
    /// The rule and fence of a geofence alert; none for device health.
    pub rule_id: Option<RuleId>,
    pub fence_id: Option<FenceId>,
    pub subject_id: Option<SubjectId>,
    pub device_id: Option<DeviceId>,
    /// The registry report that raised it (a village sighting).
    pub report_id: Option<crate::ids::ReportId>,
    pub fix_id: Option<i64>,
    pub hotspot_id: Option<HotspotId>,
    /// The engine's event kind (`enter`, `exit`, …) or a device-health kind
    /// (`device_silent`, `battery_low`, `no_movement`).
    pub kind: String,
    pub severity: Severity,
    pub owner_agency_id: AgencyId,
    pub at: DateTime<Utc>,
    pub lon: f64,
    pub lat: f64,
    pub distance_m: Option<f64>,
    pub status: AlertStatus,
    pub created_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<UserId>,
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_by: Option<UserId>,
    pub outcome: Option<String>,
    pub version: i64,
}

impl Alert {
    /// Seconds from the alert to its acknowledgement, once acknowledged.
    pub fn seconds_to_acknowledge(&self) -> Option<i64> {
        self.acknowledged_at
            .map(|t| (t - self.created_at).num_seconds())
    }

    pub fn seconds_to_close(&self) -> Option<i64> {
        self.closed_at.map(|t| (t - self.created_at).num_seconds())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Body;

    fn rule(v: Value) -> Result<RuleInput, ValidationErrors> {
        RuleInput::parse(&NewRule::read(&v).expect("an object"), 420)
    }

    #[test]
    fn fence_names_compare_without_case_and_extra_space() {
        assert_eq!(
            fence_name_key("  Desa   Braja\tHarjosari "),
            "desa braja harjosari"
        );
        assert_eq!(fence_name_key("KEBUN Sawit"), fence_name_key("kebun sawit"));
        assert_ne!(fence_name_key("Kebun A"), fence_name_key("Kebun B"));
    }

    #[test]
    fn shapes_parse_and_name_the_bad_field() {
        let c =
            Shape::parse(&json!({"type": "Circle", "center": [105.78, -5.02], "radius_m": 2000}))
                .expect("circle");
        assert_eq!(
            c,
            Shape::Circle {
                lon: 105.78,
                lat: -5.02,
                radius_m: 2000.0
            }
        );
        let bad =
            Shape::parse(&json!({"type": "Circle", "center": [105.78, -5.02], "radius_m": 0}))
                .expect_err("r");
        assert_eq!(bad.errors[0].field, "shape.radius_m");
        let bowtie = json!({"type": "Polygon", "coordinates": [[[105.0, -5.0], [105.1, -5.1], [105.1, -5.0], [105.0, -5.1], [105.0, -5.0]]]});
        let e = Shape::parse(&bowtie).expect_err("crosses");
        assert_eq!(e.errors[0].field, "shape.coordinates[0]");
        assert!(e.errors[0].message.contains("crosses itself"));
        let mp = json!({"type": "MultiPolygon", "coordinates": [[[[105.0, -5.0], [105.1, -5.0], [105.1, -5.1], [105.0, -5.0]]], [[[1, 2]]]]});
        let e = Shape::parse(&mp).expect_err("short ring");
        assert_eq!(e.errors[0].field, "shape.coordinates[1][0]");
        let river = Shape::parse(
            &json!({"type": "LineString", "coordinates": [[105.7, -5.0], [105.8, -5.1]]}),
        )
        .expect("line");
        assert!(river.is_line());
        assert_eq!(Shape::parse(&river.to_json()).expect("round trip"), river);
        let e = Shape::parse(&json!({"type": "Point", "coordinates": [1, 2]})).expect_err("point");
        assert_eq!(e.errors[0].field, "shape.type");
    }

    #[test]
    fn rules_parse_with_defaults_and_refuse_what_cannot_work() {
        let r = rule(
            json!({"name": "Gajah mendekati desa", "subjects": {"species": "elephas_maximus"},
                "trigger": {"type": "proximity", "distance_m": 1000}, "hysteresis_m": 50, "quiet_period_min": 30,
                "active_hours": {"from": "18:00", "to": "06:00"},
                "recipients": {"agencies": ["BTNWK"], "contacts": [{"name": "Kepala Desa Braja Harjosari", "phone": "+6281234567890"}]},
                "channels": ["webhook", "sms"]}),
        )
        .expect("rule");
        assert_eq!(r.trigger, Trigger::Proximity { distance_m: 1000.0 });
        assert_eq!(r.quiet_period_s, 1800);
        assert_eq!(
            r.active_hours,
            Some(ActiveHours {
                start_minute: 1080,
                end_minute: 360,
                utc_offset_minutes: 420
            })
        );
        assert_eq!(
            r.channels,
            vec![Channel::Board, Channel::Webhook, Channel::Sms]
        );
        assert_eq!(r.severity, Severity::Warning);

        let e =
            rule(json!({"name": "x", "trigger": {"type": "enter"}})).expect_err("no recipients");
        assert_eq!(e.errors[0].field, "recipients");
        assert_eq!(e.errors[0].message.code(), Some("rule-recipients-required"));
        let e = rule(json!({"name": "x", "trigger": {"type": "enter"}, "recipients": {}}))
            .expect_err("empty");
        assert_eq!(e.errors[0].field, "recipients");
        let e = rule(
            json!({"name": "x", "trigger": {"type": "dwell"}, "recipients": {"users": ["a"]}, "hysteresis_m": -1,
                "recipients2": 1, "recipients": {"contacts": [{"name": "A", "phone": "12ab"}]}}),
        )
        .expect_err("bad");
        let fields: Vec<&str> = e.errors.iter().map(|f| f.field.as_str()).collect();
        assert!(fields.contains(&"trigger.minutes"), "{fields:?}");
        assert!(fields.contains(&"hysteresis_m"), "{fields:?}");
        assert!(fields.contains(&"recipients2"), "{fields:?}");
        assert!(
            fields.contains(&"recipients.contacts[0].phone"),
            "{fields:?}"
        );
    }
}
