//! Report geometry: a GeoJSON Point, LineString or Polygon in lon/lat WGS84 (RFC 7946),
//! parsed and checked once. Polygons must be closed and must not cross themselves, because
//! a self-crossing area has no well-defined inside and breaks every later spatial question.

use geo::{BoundingRect, Centroid, InteriorPoint};
use geo_types::{Coord, Geometry, Line, LineString, Point, Polygon};
use serde_json::{json, Value};

use crate::{Message, ValidationErrors};

/// The most vertices accepted in one geometry. Field reports are points, short tracks or
/// small areas; the limit keeps the self-intersection check cheap.
pub const MAX_VERTICES: usize = 5_000;

#[derive(Debug, Clone, PartialEq)]
pub struct ReportGeometry(Geometry<f64>);

/// An axis-aligned bounding box in degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bbox {
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
}

impl ReportGeometry {
    pub fn point(lon: f64, lat: f64) -> Result<Self, ValidationErrors> {
        check_coord(lon, lat, "coordinates")?;
        Ok(ReportGeometry(Geometry::Point(Point::new(lon, lat))))
    }

    /// Parses a GeoJSON geometry object. Field names in errors are relative
    /// (`coordinates`, `type`); callers prefix them.
    pub fn from_geojson(v: &Value) -> Result<Self, ValidationErrors> {
        Self::parse(v, true)
    }

    /// Reads a geometry Sinergi stored itself, which was fully checked when it was
    /// written; the quadratic self-crossing check is skipped.
    pub fn from_stored(v: &Value) -> Result<Self, ValidationErrors> {
        Self::parse(v, false)
    }

    fn parse(v: &Value, check_rings: bool) -> Result<Self, ValidationErrors> {
        let obj = v.as_object().ok_or_else(|| {
            ValidationErrors::single(
                "",
                crate::msg!("geometry-not-object", "geometry must be a GeoJSON object"),
            )
        })?;
        let ty = obj.get("type").and_then(Value::as_str).ok_or_else(|| {
            ValidationErrors::single(
                "type",
                crate::msg!("geometry-type-required", "geometry type is required"),
            )
        })?;
        let coords = obj.get("coordinates").ok_or_else(|| {
            ValidationErrors::single(
                "coordinates",
                crate::msg!("coordinates-required", "coordinates are required"),
            )
        })?;
        match ty {
            "Point" => {
                let c = parse_position(coords, "coordinates")?;
                if check_rings && c.x == 0.0 && c.y == 0.0 {
                    // What a receiver without a position fix sends: never a real place here.
                    return Err(ValidationErrors::single(
                        "coordinates",
                        crate::msg!(
                            "position-null-island",
                            "0,0 is what a receiver without a position fix sends; give the real location"
                        ),
                    ));
                }
                Ok(ReportGeometry(Geometry::Point(Point(c))))
            }
            "LineString" => {
                let line = parse_line(coords, "coordinates")?;
                if line.0.len() < 2 {
                    return Err(ValidationErrors::single(
                        "coordinates",
                        crate::msg!(
                            "linestring-too-short",
                            "a LineString needs at least 2 positions"
                        ),
                    ));
                }
                Ok(ReportGeometry(Geometry::LineString(line)))
            }
            "Polygon" => {
                let rings = coords.as_array().ok_or_else(|| {
                    ValidationErrors::single(
                        "coordinates",
                        crate::msg!("polygon-not-array", "a Polygon is an array of rings"),
                    )
                })?;
                if rings.is_empty() {
                    return Err(ValidationErrors::single(
                        "coordinates",
                        crate::msg!("polygon-no-outer-ring", "a Polygon needs an outer ring"),
                    ));
                }
                let mut parsed = Vec::with_capacity(rings.len());
                for (i, r) in rings.iter().enumerate() {
                    let field = format!("coordinates[{i}]");
                    let ring = parse_line(r, &field)?;
                    if ring.0.len() < 4 {
                        return Err(ValidationErrors::single(
                            field,
                            crate::msg!("ring-too-short", "a ring needs at least 4 positions"),
                        ));
                    }
                    if ring.0.first() != ring.0.last() {
                        return Err(ValidationErrors::single(
                            field,
                            crate::msg!(
                                "ring-not-closed",
                                "a ring must be closed (first and last positions equal)"
                            ),
                        ));
                    }
                    if check_rings && ring_self_intersects(&ring) {
                        return Err(ValidationErrors::single(
                            field,
                            crate::msg!("ring-self-crossing", "the ring crosses itself"),
                        ));
                    }
                    parsed.push(ring);
                }
                let total: usize = parsed.iter().map(|r| r.0.len()).sum();
                if total > MAX_VERTICES {
                    return Err(ValidationErrors::single(
                        "coordinates",
                        crate::msg!(
                            "positions-too-many",
                            "at most {max} positions are accepted",
                            max = MAX_VERTICES
                        ),
                    ));
                }
                let outer = parsed.remove(0);
                Ok(ReportGeometry(Geometry::Polygon(Polygon::new(
                    outer, parsed,
                ))))
            }
            other => Err(ValidationErrors::single(
                "type",
                crate::msg!(
                    "geometry-type-unsupported",
                    "geometry type {ty} is not supported; use Point, LineString or Polygon",
                    ty = format!("{other:?}")
                ),
            )),
        }
    }

    pub fn to_geojson(&self) -> Value {
        match &self.0 {
            Geometry::Point(p) => {
                json!({"type": "Point", "coordinates": [round_coord(p.x()), round_coord(p.y())]})
            }
            Geometry::LineString(l) => json!({"type": "LineString", "coordinates": coords_json(l)}),
            Geometry::Polygon(p) => json!({"type": "Polygon", "coordinates": polygon_json(p)}),
            // Only the three kinds above are ever constructed.
            _ => Value::Null,
        }
    }

    pub fn kind(&self) -> &'static str {
        match &self.0 {
            Geometry::Point(_) => "Point",
            Geometry::LineString(_) => "LineString",
            Geometry::Polygon(_) => "Polygon",
            _ => "Unknown",
        }
    }

    pub fn bbox(&self) -> Bbox {
        match self.0.bounding_rect() {
            Some(r) => Bbox {
                min_lon: r.min().x,
                min_lat: r.min().y,
                max_lon: r.max().x,
                max_lat: r.max().y,
            },
            None => Bbox {
                min_lon: 0.0,
                min_lat: 0.0,
                max_lon: 0.0,
                max_lat: 0.0,
            },
        }
    }

    /// A point that lies on the geometry (inside a polygon, on a line), used to decide the
    /// region a report belongs to.
    pub fn representative_point(&self) -> (f64, f64) {
        let p = match &self.0 {
            Geometry::Point(p) => Some(*p),
            Geometry::Polygon(p) => p.interior_point().or_else(|| p.centroid()),
            g => g.interior_point().or_else(|| g.centroid()),
        };
        p.map(|p| (p.x(), p.y())).unwrap_or((0.0, 0.0))
    }

    pub fn as_geo(&self) -> &Geometry<f64> {
        &self.0
    }
}

fn coords_json(l: &LineString<f64>) -> Vec<[f64; 2]> {
    l.0.iter()
        .map(|c| [round_coord(c.x), round_coord(c.y)])
        .collect()
}

/// A coordinate as Sinergi writes it: at most six decimals (about 0.1 m), as RFC 7946
/// recommends; more would only claim a precision no field device has.
pub fn round_coord(v: f64) -> f64 {
    let r = (v * 1e6).round() / 1e6;
    // Avoid writing "-0.0".
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

/// A polygon ring as RFC 7946 wants it written: exterior rings counter-clockwise, holes
/// clockwise, coordinates rounded by [`round_coord`].
pub fn ring_json(l: &LineString<f64>, exterior: bool) -> Vec<[f64; 2]> {
    let twice_area: f64 =
        l.0.windows(2)
            .map(|w| w[0].x * w[1].y - w[1].x * w[0].y)
            .sum();
    let mut out = coords_json(l);
    if (exterior && twice_area < 0.0) || (!exterior && twice_area > 0.0) {
        out.reverse();
    }
    out
}

/// A polygon's rings as GeoJSON coordinates (see [`ring_json`]).
pub fn polygon_json(p: &Polygon<f64>) -> Vec<Vec<[f64; 2]>> {
    let mut rings = vec![ring_json(p.exterior(), true)];
    rings.extend(p.interiors().iter().map(|r| ring_json(r, false)));
    rings
}

fn check_coord(lon: f64, lat: f64, field: &str) -> Result<(), ValidationErrors> {
    if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
        return Err(ValidationErrors::single(
            field,
            crate::msg!(
                "longitude-out-of-range",
                "longitude {value} is out of range -180..180",
                value = lon
            ),
        ));
    }
    if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
        return Err(ValidationErrors::single(
            field,
            crate::msg!(
                "latitude-out-of-range",
                "latitude {value} is out of range -90..90",
                value = lat
            ),
        ));
    }
    Ok(())
}

fn parse_position(v: &Value, field: &str) -> Result<Coord<f64>, ValidationErrors> {
    let arr = v
        .as_array()
        .filter(|a| a.len() == 2 || a.len() == 3)
        .ok_or_else(|| {
            ValidationErrors::single(
                field,
                crate::msg!(
                    "position-invalid",
                    "a position is [longitude, latitude] (optionally altitude)"
                ),
            )
        })?;
    let lon = arr[0].as_f64().ok_or_else(|| {
        ValidationErrors::single(
            field,
            crate::msg!("longitude-not-number", "longitude must be a number"),
        )
    })?;
    let lat = arr[1].as_f64().ok_or_else(|| {
        ValidationErrors::single(
            field,
            crate::msg!("latitude-not-number", "latitude must be a number"),
        )
    })?;
    check_coord(lon, lat, field)?;
    Ok(Coord { x: lon, y: lat })
}

fn parse_line(v: &Value, field: &str) -> Result<LineString<f64>, ValidationErrors> {
    let arr = v.as_array().ok_or_else(|| {
        ValidationErrors::single(
            field,
            crate::msg!("positions-not-array", "expected an array of positions"),
        )
    })?;
    if arr.len() > MAX_VERTICES {
        return Err(ValidationErrors::single(
            field,
            crate::msg!(
                "positions-too-many",
                "at most {max} positions are accepted",
                max = MAX_VERTICES
            ),
        ));
    }
    let mut out = Vec::with_capacity(arr.len());
    for (i, p) in arr.iter().enumerate() {
        out.push(parse_position(p, &format!("{field}[{i}]"))?);
    }
    Ok(LineString(out))
}

/// True when two non-adjacent edges of a closed ring touch or cross.
fn ring_self_intersects(ring: &LineString<f64>) -> bool {
    let segs: Vec<Line<f64>> = ring.lines().collect();
    let n = segs.len();
    for i in 0..n {
        for j in (i + 1)..n {
            // Neighbouring edges share a vertex by construction; so do the first and last.
            if j == i + 1 || (i == 0 && j == n - 1) {
                continue;
            }
            if geo::line_intersection::line_intersection(segs[i], segs[j]).is_some() {
                return true;
            }
        }
    }
    false
}

impl Bbox {
    /// Parses the OGC `bbox` query parameter `minLon,minLat,maxLon,maxLat`, or with
    /// heights `minLon,minLat,minHeight,maxLon,maxLat,maxHeight`, whose 2D part is used
    /// (records have no height).
    pub fn parse(s: &str) -> Result<Bbox, Message> {
        let parts: Vec<&str> = s.split(',').map(str::trim).collect();
        if parts.len() != 4 && parts.len() != 6 {
            return Err(crate::msg!(
                "bbox-invalid",
                "bbox must be minLon,minLat,maxLon,maxLat or minLon,minLat,minHeight,maxLon,maxLat,maxHeight"
            ));
        }
        let mut v = [0f64; 6];
        for (i, p) in parts.iter().enumerate() {
            v[i] = p
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| {
                    crate::msg!(
                        "bbox-not-number",
                        "bbox value {value} is not a number",
                        value = format!("{p:?}")
                    )
                })?;
        }
        let v = if parts.len() == 6 {
            [v[0], v[1], v[3], v[4]]
        } else {
            [v[0], v[1], v[2], v[3]]
        };
        let b = Bbox {
            min_lon: v[0],
            min_lat: v[1],
            max_lon: v[2],
            max_lat: v[3],
        };
        if !(-180.0..=180.0).contains(&b.min_lon) || !(-180.0..=180.0).contains(&b.max_lon) {
            return Err(crate::msg!(
                "bbox-longitude-range",
                "bbox longitudes must be within -180..180"
            ));
        }
        if !(-90.0..=90.0).contains(&b.min_lat) || !(-90.0..=90.0).contains(&b.max_lat) {
            return Err(crate::msg!(
                "bbox-latitude-range",
                "bbox latitudes must be within -90..90"
            ));
        }
        if b.min_lon > b.max_lon || b.min_lat > b.max_lat {
            return Err(crate::msg!(
                "bbox-min-exceeds-max",
                "bbox minimum must not exceed its maximum"
            ));
        }
        Ok(b)
    }

    pub fn intersects(&self, o: &Bbox) -> bool {
        self.min_lon <= o.max_lon
            && o.min_lon <= self.max_lon
            && self.min_lat <= o.max_lat
            && o.min_lat <= self.max_lat
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_the_three_kinds() {
        let p = ReportGeometry::from_geojson(&json!({"type":"Point","coordinates":[101.5,-2.1]}))
            .expect("point");
        assert_eq!(p.kind(), "Point");
        let l = ReportGeometry::from_geojson(
            &json!({"type":"LineString","coordinates":[[101.5,-2.1],[101.6,-2.2]]}),
        )
        .expect("line");
        assert_eq!(l.bbox().max_lon, 101.6);
        let poly = ReportGeometry::from_geojson(&json!({"type":"Polygon","coordinates":[
            [[101.0,-2.0],[101.1,-2.0],[101.1,-2.1],[101.0,-2.1],[101.0,-2.0]]]}))
        .expect("polygon");
        let (x, y) = poly.representative_point();
        assert!(x > 101.0 && x < 101.1 && y < -2.0 && y > -2.1);
    }

    #[test]
    fn refuses_bad_geometry_naming_the_field() {
        let e = ReportGeometry::from_geojson(&json!({"type":"Point","coordinates":[200.0,0.5]}))
            .expect_err("range");
        assert_eq!(e.errors[0].field, "coordinates");
        let bowtie = json!({"type":"Polygon","coordinates":[
            [[0.0,0.0],[1.0,1.0],[1.0,0.0],[0.0,1.0],[0.0,0.0]]]});
        let e = ReportGeometry::from_geojson(&bowtie).expect_err("self-crossing");
        assert_eq!(e.errors[0].message, "the ring crosses itself");
        let open =
            json!({"type":"Polygon","coordinates":[[[0.0,0.0],[1.0,1.0],[1.0,0.0],[0.0,1.0]]]});
        assert!(ReportGeometry::from_geojson(&open).is_err());
        let e = ReportGeometry::from_geojson(&json!({"type":"MultiPoint","coordinates":[]}))
            .expect_err("kind");
        assert_eq!(e.errors[0].field, "type");
    }

    #[test]
    fn bbox_parameter() {
        assert!(Bbox::parse("101,-3,103,-1").is_ok());
        assert!(Bbox::parse("103,-3,101,-1").is_err());
        assert!(Bbox::parse("1,2,3").is_err());
        let with_heights = Bbox::parse("101,-3,0,103,-1,500").expect("six numbers");
        assert_eq!(with_heights, Bbox::parse("101,-3,103,-1").expect("four"));
        assert!(Bbox::parse("101,-3,0,103,-1").is_err());
        assert!(Bbox::parse("101,-3,x,103,-1,5").is_err());
        assert!(Bbox::parse("a,2,3,4").is_err());
    }

    proptest! {
        #[test]
        fn points_round_trip_through_geojson(lon in -180.0f64..180.0, lat in -90.0f64..90.0) {
            let g = ReportGeometry::point(lon, lat).expect("in range");
            let written = g.to_geojson();
            let back = ReportGeometry::from_geojson(&written).expect("round trip");
            prop_assert_eq!(back.to_geojson(), written.clone());
            let (x, y) = back.representative_point();
            prop_assert!((x - lon).abs() <= 5e-7 && (y - lat).abs() <= 5e-7);
            for c in written["coordinates"].as_array().expect("pair") {
                let text = c.to_string();
                prop_assert!(text.split('.').nth(1).map_or(0, str::len) <= 6, "{}", text);
            }
        }
    }

    #[test]
    fn polygons_are_written_counter_clockwise_with_clockwise_holes() {
        // Clockwise exterior, counter-clockwise hole: both the wrong way round.
        let v = json!({"type": "Polygon", "coordinates": [
            [[0.0, 0.0], [0.0, 4.0], [4.0, 4.0], [4.0, 0.0], [0.0, 0.0]],
            [[1.0, 1.0], [2.0, 1.0], [2.0, 2.0], [1.0, 2.0], [1.0, 1.0]]]});
        let out = ReportGeometry::from_geojson(&v)
            .expect("polygon")
            .to_geojson();
        let area = |ring: &Value| -> f64 {
            let pts = ring.as_array().expect("ring");
            pts.windows(2)
                .map(|w| {
                    let (a, b) = (&w[0], &w[1]);
                    a[0].as_f64().unwrap_or(0.0) * b[1].as_f64().unwrap_or(0.0)
                        - b[0].as_f64().unwrap_or(0.0) * a[1].as_f64().unwrap_or(0.0)
                })
                .sum()
        };
        assert!(
            area(&out["coordinates"][0]) > 0.0,
            "exterior counter-clockwise: {out}"
        );
        assert!(area(&out["coordinates"][1]) < 0.0, "hole clockwise: {out}");
    }
}
