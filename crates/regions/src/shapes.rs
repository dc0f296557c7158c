//! Parses the embedded boundary GeoJSON and answers "is this point inside that region?".
//!
//! Each region's (multi)polygon is split into its parts, and every part keeps
//! its bounding box next to it, so a point-in-polygon test first rejects by
//! box and only then runs geo's exact winding-number test. All coordinates
//! stay in lon/lat degrees and are only ever compared with each other, never
//! turned into distances. This module must never do file or network I/O: the
//! GeoJSON text is compiled into the binary.

use geo::{BoundingRect, Coord, Intersects, LineString, Polygon, Rect};
use serde::Deserialize;

use crate::error::LoadError;

/// One region's boundary, ready for point-in-polygon queries.
#[derive(Debug)]
pub(crate) struct Shape {
    /// The box around all parts, for a one-comparison rejection.
    pub(crate) bbox: Rect<f64>,
    /// The polygons making up the region (islands are separate parts).
    parts: Vec<Part>,
}

/// One polygon of a region, with its own box because island groups make the
/// region-wide box far larger than any single part.
#[derive(Debug)]
struct Part {
    bbox: Rect<f64>,
    polygon: Polygon<f64>,
}

impl Shape {
    /// The polygons making up the region.
    pub(crate) fn parts(&self) -> impl Iterator<Item = &Polygon<f64>> {
        self.parts.iter().map(|p| &p.polygon)
    }

    /// Returns whether the point lies inside the region or on its boundary.
    ///
    /// Boundary points count as inside so that a point exactly on a shared
    /// border still belongs to some region instead of falling through.
    pub(crate) fn covers(&self, point: Coord<f64>) -> bool {
        box_covers(&self.bbox, point)
            && self
                .parts
                .iter()
                .any(|part| box_covers(&part.bbox, point) && part.polygon.intersects(&point))
    }
}

/// Returns whether a point lies inside a box or on its edge.
fn box_covers(bbox: &Rect<f64>, point: Coord<f64>) -> bool {
    let (min, max) = (bbox.min(), bbox.max());
    point.x >= min.x && point.x <= max.x && point.y >= min.y && point.y <= max.y
}

/// The subset of a GeoJSON FeatureCollection this crate reads.
#[derive(Deserialize)]
struct FeatureCollection {
    features: Vec<Feature>,
}

/// One feature: only the region code and the geometry matter here.
#[derive(Deserialize)]
struct Feature {
    properties: Properties,
    geometry: Option<Geometry>,
}

/// The feature properties; `kode` links the polygon to the CSV row.
#[derive(Deserialize)]
struct Properties {
    kode: String,
}

/// The geometry kinds the shipped files use. Anything else is a data defect
/// and fails loudly at parse time rather than being silently ignored.
#[derive(Deserialize)]
#[serde(tag = "type")]
enum Geometry {
    Polygon {
        coordinates: Vec<Vec<[f64; 2]>>,
    },
    MultiPolygon {
        coordinates: Vec<Vec<Vec<[f64; 2]>>>,
    },
}

/// Parses one embedded FeatureCollection into `(kode, shape)` pairs.
///
/// Features without geometry or whose polygons are all empty are dropped,
/// because a shape that can contain nothing would only slow lookups down.
pub(crate) fn parse_collection(
    file: &'static str,
    text: &str,
) -> Result<Vec<(String, Shape)>, LoadError> {
    let collection: FeatureCollection =
        serde_json::from_str(text).map_err(|source| LoadError::GeoJson { file, source })?;
    let mut shapes = Vec::with_capacity(collection.features.len());
    for feature in collection.features {
        let polygons = match feature.geometry {
            None => continue,
            Some(Geometry::Polygon { coordinates }) => vec![coordinates],
            Some(Geometry::MultiPolygon { coordinates }) => coordinates,
        };
        if let Some(shape) = build_shape(polygons) {
            shapes.push((feature.properties.kode, shape));
        }
    }
    Ok(shapes)
}

/// Builds a [`Shape`] from GeoJSON polygon rings (exterior first, then holes).
fn build_shape(polygons: Vec<Vec<Vec<[f64; 2]>>>) -> Option<Shape> {
    let mut parts = Vec::with_capacity(polygons.len());
    let mut bbox: Option<Rect<f64>> = None;
    for rings in polygons {
        let mut rings = rings.into_iter().map(ring);
        let Some(exterior) = rings.next() else {
            continue;
        };
        let polygon = Polygon::new(exterior, rings.collect());
        let Some(part_box) = polygon.bounding_rect() else {
            continue;
        };
        bbox = Some(match bbox {
            None => part_box,
            Some(b) => Rect::new(
                Coord {
                    x: b.min().x.min(part_box.min().x),
                    y: b.min().y.min(part_box.min().y),
                },
                Coord {
                    x: b.max().x.max(part_box.max().x),
                    y: b.max().y.max(part_box.max().y),
                },
            ),
        });
        parts.push(Part {
            bbox: part_box,
            polygon,
        });
    }
    Some(Shape { bbox: bbox?, parts })
}

/// Converts a GeoJSON ring of `[lon, lat]` pairs into a geo ring.
fn ring(points: Vec<[f64; 2]>) -> LineString<f64> {
    points
        .into_iter()
        .map(|[x, y]| Coord { x, y })
        .collect::<Vec<_>>()
        .into()
}
