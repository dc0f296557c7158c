//! Boundaries for one map view: the regions of a level that intersect a box, their
//! polygons simplified for a zoom level and cut to the box, so a map downloads what it
//! shows and not the whole country.
//!
//! Simplification (Ramer–Douglas–Peucker with a tolerance of about one screen pixel at the
//! zoom) is computed once per level and zoom and kept; cutting to the box is done per view
//! (Sutherland–Hodgman against the box, which may leave zero-width edges along the box's
//! sides: callers ask for a box larger than the screen so those stay out of sight). Parts
//! that shrink below a pixel (small islands at a far zoom) are left out. Like the rest of
//! the crate, this module does no I/O.

use std::sync::OnceLock;

use geo::{Coord, LineString, Polygon, Simplify};

use crate::{Gazetteer, Level, Region, NO_SHAPE};

/// A box in longitude/latitude degrees (WGS 84), west ≤ east and south ≤ north.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bbox {
    pub west: f64,
    pub south: f64,
    pub east: f64,
    pub north: f64,
}

impl Bbox {
    /// Returns whether the point lies inside the box or on its edge.
    pub fn contains(&self, lon: f64, lat: f64) -> bool {
        lon >= self.west && lon <= self.east && lat >= self.south && lat <= self.north
    }

    /// Returns whether two boxes share at least a point.
    pub fn intersects(&self, other: &Bbox) -> bool {
        self.west <= other.east
            && other.west <= self.east
            && self.south <= other.north
            && other.south <= self.north
    }
}

/// One region's boundary within a view: polygons as rings of `[lon, lat]`, the first
/// ring of each polygon its outside, the others its holes (GeoJSON MultiPolygon order).
#[derive(Debug)]
pub struct Outline<'a> {
    pub region: &'a Region,
    pub polygons: Vec<Vec<Vec<[f64; 2]>>>,
}

/// The zoom levels simplification is cached for; a farther zoom uses the nearest of
/// these, a closer one the shipped polygons (already simplified finer than a pixel there).
pub const SIMPLIFY_ZOOMS: std::ops::RangeInclusive<u8> = 3..=12;

/// About one screen pixel at `zoom`, in degrees of longitude (256-pixel tiles).
pub fn pixel_degrees(zoom: u8) -> f64 {
    360.0 / (256.0 * f64::from(1u32 << zoom.min(24)))
}

/// One level's polygons simplified for one zoom, by shape index.
type Simplified = Vec<Vec<Polygon<f64>>>;

/// Caches per level with polygons (province, regency, district) and per zoom in
/// [`SIMPLIFY_ZOOMS`].
pub(crate) struct Cache {
    levels: [Vec<OnceLock<Simplified>>; 3],
}

impl Cache {
    pub(crate) fn new() -> Self {
        let zooms = SIMPLIFY_ZOOMS.count();
        let one = || (0..zooms).map(|_| OnceLock::new()).collect::<Vec<_>>();
        Cache {
            levels: [one(), one(), one()],
        }
    }
}

impl Gazetteer {
    /// Returns the regions of `level` whose boundary intersects `bbox`, each with its
    /// polygons simplified for `zoom` and cut to the box, in code order.
    ///
    /// Villages have no boundaries and yield nothing; nor do districts outside the
    /// provinces that ship district boundaries (see [`Gazetteer::locate`]).
    pub fn outlines_in(&self, level: Level, bbox: Bbox, zoom: u8) -> Vec<Outline<'_>> {
        if level == Level::Village {
            return Vec::new();
        }
        let simplified = self.simplified(level, zoom);
        let min_extent = if zoom > *SIMPLIFY_ZOOMS.end() {
            0.0
        } else {
            pixel_degrees(zoom)
        };
        let mut out = Vec::new();
        for i in self.table.levels[usize::from(level.number() - 1)].range() {
            let shape = self.shape_of[i];
            if shape == NO_SHAPE {
                continue;
            }
            let whole = &self.shapes[shape as usize];
            if !bbox.intersects(&to_bbox(&whole.bbox)) {
                continue;
            }
            let parts: Vec<&Polygon<f64>> = match simplified {
                Some(s) => s[shape as usize].iter().collect(),
                None => whole.parts().collect(),
            };
            let polygons: Vec<Vec<Vec<[f64; 2]>>> = parts
                .into_iter()
                .filter_map(|polygon| clip_polygon(polygon, &bbox, min_extent))
                .collect();
            if !polygons.is_empty() {
                out.push(Outline {
                    region: &self.table.regions[i],
                    polygons,
                });
            }
        }
        out.sort_by(|a, b| a.region.code.cmp(&b.region.code));
        out
    }

    /// Returns the regions of `level` whose centre lies in `bbox`, in code order (for
    /// labels, and for villages, which have no boundaries).
    pub fn centres_in(&self, level: Level, bbox: Bbox) -> Vec<&Region> {
        let mut out: Vec<&Region> = self.table.regions
            [self.table.levels[usize::from(level.number() - 1)].range()]
        .iter()
        .filter(|r| bbox.contains(r.lon, r.lat))
        .collect();
        out.sort_by(|a, b| a.code.cmp(&b.code));
        out
    }

    /// Returns the box around a region's shipped boundary, if it has one.
    pub fn extent(&self, code: &str) -> Option<Bbox> {
        let shape = *self.shape_of.get(self.index_of(code)?)?;
        (shape != NO_SHAPE).then(|| to_bbox(&self.shapes[shape as usize].bbox))
    }

    /// Returns the villages whose centre lies inside the polygon given as rings of
    /// `[lon, lat]` (the first its outside, the others holes), in code order. Villages
    /// have no shipped boundaries, so a village counts as covered when its centre is;
    /// villages without a centre of their own never count.
    pub fn villages_within(&self, rings: &[Vec<[f64; 2]>]) -> Vec<&Region> {
        use geo::{BoundingRect, Intersects};
        let ring = |r: &Vec<[f64; 2]>| -> LineString<f64> {
            r.iter()
                .map(|p| Coord { x: p[0], y: p[1] })
                .collect::<Vec<_>>()
                .into()
        };
        let Some((outside, holes)) = rings.split_first() else {
            return Vec::new();
        };
        let polygon = Polygon::new(ring(outside), holes.iter().map(ring).collect());
        let Some(rect) = polygon.bounding_rect() else {
            return Vec::new();
        };
        let bbox = to_bbox(&rect);
        let span = self.table.levels[3].range();
        let mut out: Vec<&Region> = span
            .filter(|&i| self.table.own_centroid[i])
            .map(|i| &self.table.regions[i])
            .filter(|r| {
                bbox.contains(r.lon, r.lat) && polygon.intersects(&Coord { x: r.lon, y: r.lat })
            })
            .collect();
        out.sort_by(|a, b| a.code.cmp(&b.code));
        out
    }

    /// The level's polygons simplified for `zoom`, or `None` when the zoom is closer
    /// than [`SIMPLIFY_ZOOMS`] (the shipped polygons are used as they are).
    fn simplified(&self, level: Level, zoom: u8) -> Option<&Simplified> {
        if zoom > *SIMPLIFY_ZOOMS.end() {
            return None;
        }
        let z = zoom.max(*SIMPLIFY_ZOOMS.start());
        let slot = &self.simplify_cache.levels[usize::from(level.number() - 1)]
            [usize::from(z - SIMPLIFY_ZOOMS.start())];
        Some(slot.get_or_init(|| {
            let tolerance = pixel_degrees(z);
            let mut shapes = vec![Vec::new(); self.shapes.len()];
            for i in self.table.levels[usize::from(level.number() - 1)].range() {
                let shape = self.shape_of[i];
                if shape == NO_SHAPE {
                    continue;
                }
                shapes[shape as usize] = self.shapes[shape as usize]
                    .parts()
                    .map(|p| p.simplify(&tolerance))
                    .filter(|p| p.exterior().0.len() >= 4)
                    .collect();
            }
            shapes
        }))
    }
}

fn to_bbox(rect: &geo::Rect<f64>) -> Bbox {
    Bbox {
        west: rect.min().x,
        south: rect.min().y,
        east: rect.max().x,
        north: rect.max().y,
    }
}

/// Cuts a polygon's rings to the box; `None` when its outside ring leaves nothing in the
/// box or is smaller than `min_extent` degrees across. Holes that vanish are dropped.
fn clip_polygon(
    polygon: &Polygon<f64>,
    bbox: &Bbox,
    min_extent: f64,
) -> Option<Vec<Vec<[f64; 2]>>> {
    let exterior = polygon.exterior();
    if min_extent > 0.0 && extent_of(exterior) < min_extent {
        return None;
    }
    let mut out = vec![clip_ring(exterior, bbox)?];
    out.extend(
        polygon
            .interiors()
            .iter()
            .filter(|h| min_extent == 0.0 || extent_of(h) >= min_extent)
            .filter_map(|h| clip_ring(h, bbox)),
    );
    Some(out)
}

/// The larger side of a ring's box, in degrees.
fn extent_of(ring: &LineString<f64>) -> f64 {
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for c in &ring.0 {
        x0 = x0.min(c.x);
        y0 = y0.min(c.y);
        x1 = x1.max(c.x);
        y1 = y1.max(c.y);
    }
    (x1 - x0).max(y1 - y0)
}

/// Sutherland–Hodgman: the part of a closed ring inside the box, closed again; `None`
/// when fewer than three corners remain.
fn clip_ring(ring: &LineString<f64>, bbox: &Bbox) -> Option<Vec<[f64; 2]>> {
    let mut pts: Vec<[f64; 2]> = ring.0.iter().map(|c| [c.x, c.y]).collect();
    if pts.len() > 1 && pts.first() == pts.last() {
        pts.pop();
    }
    // Entirely inside: nothing to cut.
    if pts.iter().all(|p| bbox.contains(p[0], p[1])) {
        if pts.len() < 3 {
            return None;
        }
        let first = pts[0];
        pts.push(first);
        return Some(pts);
    }
    type Inside = fn(&[f64; 2], f64) -> bool;
    type Cross = fn(&[f64; 2], &[f64; 2], f64) -> [f64; 2];
    let x_at = |a: &[f64; 2], b: &[f64; 2], x: f64| {
        let t = (x - a[0]) / (b[0] - a[0]);
        [x, a[1] + t * (b[1] - a[1])]
    };
    let y_at = |a: &[f64; 2], b: &[f64; 2], y: f64| {
        let t = (y - a[1]) / (b[1] - a[1]);
        [a[0] + t * (b[0] - a[0]), y]
    };
    let edges: [(Inside, Cross, f64); 4] = [
        (|p, v| p[0] >= v, x_at, bbox.west),
        (|p, v| p[0] <= v, x_at, bbox.east),
        (|p, v| p[1] >= v, y_at, bbox.south),
        (|p, v| p[1] <= v, y_at, bbox.north),
    ];
    for (inside, cross, v) in edges {
        if pts.is_empty() {
            return None;
        }
        let mut next = Vec::with_capacity(pts.len() + 4);
        let mut prev = pts[pts.len() - 1];
        for &cur in &pts {
            match (inside(&cur, v), inside(&prev, v)) {
                (true, true) => next.push(cur),
                (true, false) => {
                    next.push(cross(&prev, &cur, v));
                    next.push(cur);
                }
                (false, true) => next.push(cross(&prev, &cur, v)),
                (false, false) => {}
            }
            prev = cur;
        }
        pts = next;
    }
    pts.dedup();
    if pts.len() < 3 {
        return None;
    }
    let first = pts[0];
    pts.push(first);
    Some(pts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x0: f64, y0: f64, x1: f64, y1: f64) -> LineString<f64> {
        vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)].into()
    }

    #[test]
    fn a_ring_is_cut_to_the_box() {
        let bbox = Bbox {
            west: 0.0,
            south: 0.0,
            east: 1.0,
            north: 1.0,
        };
        let cut = clip_ring(&square(-1.0, -1.0, 0.5, 0.5), &bbox).expect("overlaps");
        assert_eq!(
            cut,
            vec![[0.0, 0.0], [0.5, 0.0], [0.5, 0.5], [0.0, 0.5], [0.0, 0.0]]
        );
        assert!(clip_ring(&square(2.0, 2.0, 3.0, 3.0), &bbox).is_none());
    }

    #[test]
    fn kerinci_at_zoom_ten_is_a_few_regencies_cut_to_the_view() {
        let g = Gazetteer::shipped();
        let view = Bbox {
            west: 100.9,
            south: -2.45,
            east: 102.1,
            north: -1.6,
        };
        let regencies = g.outlines_in(Level::Regency, view, 10);
        let codes: Vec<&str> = regencies.iter().map(|o| o.region.code.as_str()).collect();
        assert!(codes.contains(&"15.01"), "Kerinci: {codes:?}");
        assert!(codes.len() < 15, "{codes:?}");
        for o in &regencies {
            for ring in o.polygons.iter().flatten() {
                assert!(ring.iter().all(|p| view.contains(p[0], p[1])));
            }
        }
        // Far out, a pixel is kilometres wide: the same country has far fewer points.
        let points = |z: u8| -> usize {
            g.outlines_in(
                Level::Province,
                Bbox {
                    west: 95.0,
                    south: -11.0,
                    east: 141.0,
                    north: 6.0,
                },
                z,
            )
            .iter()
            .flat_map(|o| o.polygons.iter().flatten())
            .map(Vec::len)
            .sum()
        };
        assert!(
            points(4) * 4 < points(12),
            "{} vs {}",
            points(4),
            points(12)
        );
        // The districts of Kerinci are shipped (Jambi is a focus province).
        assert!(g
            .outlines_in(Level::District, view, 10)
            .iter()
            .any(|o| o.region.code.starts_with("15.01.")));
    }

    #[test]
    fn villages_are_found_by_centre_inside_a_shape() {
        let g = Gazetteer::shipped();
        let v = g.get("31.73.07.1006").expect("shipped village");
        let d = 0.002;
        let ring = |x0: f64, y0: f64, x1: f64, y1: f64| {
            vec![[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
        };
        let around = [ring(v.lon - d, v.lat - d, v.lon + d, v.lat + d)];
        let found = g.villages_within(&around);
        assert!(found.iter().any(|r| r.code == v.code), "{found:?}");
        // A hole round the centre leaves it out.
        let holed = [
            ring(v.lon - d, v.lat - d, v.lon + d, v.lat + d),
            ring(
                v.lon - d / 4.0,
                v.lat - d / 4.0,
                v.lon + d / 4.0,
                v.lat + d / 4.0,
            ),
        ];
        assert!(!g.villages_within(&holed).iter().any(|r| r.code == v.code));
        assert!(g.villages_within(&[ring(0.0, 0.0, 0.1, 0.1)]).is_empty());
        let here = g.centres_in(
            Level::Village,
            Bbox {
                west: v.lon - d,
                south: v.lat - d,
                east: v.lon + d,
                north: v.lat + d,
            },
        );
        assert!(here.iter().any(|r| r.code == v.code));
        let kerinci = g.extent("15.01").expect("Kerinci has a boundary");
        assert!(kerinci.west < 101.5 && kerinci.east > 101.5);
        assert!(g.extent("31.73.07.1006").is_none());
    }
}
