//! Documentation types for the API document: the shapes of JSON values that the domain
//! parses itself (a GeoJSON geometry, a report's attribute values, a fence's shape, a
//! rule's trigger and subjects). Request bodies and answers name them with
//! `#[schema(value_type = …)]`; nothing is ever built from them.

#![allow(dead_code)]

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The coordinates of a geometry: a position `[lon, lat]` (Point), a list of positions
/// (LineString), a list of rings (Polygon, MultiLineString) or a list of polygons
/// (MultiPolygon).
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum Coordinates {
    /// `[longitude, latitude]` in WGS84.
    Point(Vec<f64>),
    Line(Vec<Vec<f64>>),
    Polygon(Vec<Vec<Vec<f64>>>),
    MultiPolygon(Vec<Vec<Vec<Vec<f64>>>>),
}

/// A GeoJSON geometry (RFC 7946).
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Geometry {
    /// Point, LineString, Polygon, MultiLineString or MultiPolygon.
    #[serde(rename = "type")]
    pub kind: String,
    pub coordinates: Coordinates,
}

/// An attribute value: text, a number, true/false, or a list of choices.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum AttributeValue {
    Text(String),
    Number(f64),
    Flag(bool),
    Choices(Vec<String>),
}

/// How exactly locations flow under a clause: 0 (exact), 1000 or 10000 (metres of the
/// grid a point is snapped to), or `region` (the district's centre).
#[derive(Serialize, Deserialize, ToSchema, Clone)]
#[serde(untagged)]
pub enum Precision {
    Metres(u32),
    Named(String),
}

/// A fence's shape: a GeoJSON geometry, or a circle.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct FenceShape {
    /// Polygon, MultiPolygon, LineString, MultiLineString or Circle.
    #[serde(rename = "type")]
    pub kind: String,
    pub coordinates: Option<Coordinates>,
    /// A circle's centre.
    pub center: Option<Vec<f64>>,
    /// A circle's radius.
    pub radius_m: Option<f64>,
}

/// What makes a rule fire: `{type: enter|exit|cross|hotspot_inside}`,
/// `{type: proximity, distance_m}` or `{type: dwell, minutes}`.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct TriggerDoc {
    #[serde(rename = "type")]
    pub kind: String,
    pub distance_m: Option<f64>,
    pub minutes: Option<u32>,
}

/// Which subjects a rule watches, as written: `"any"` (the default), `{"species": key}`
/// or `{"subject": id}`.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum SubjectChoice {
    /// `any`: every subject.
    Any(String),
    /// The subjects of one species (and sightings of it).
    Species { species: String },
    /// One subject, by id.
    Subject { subject: uuid::Uuid },
}
