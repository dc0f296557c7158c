//! Fences prepared for evaluation: coordinates projected once into a local metric frame and
//! edges indexed by horizontal bands, in one compact record per fence.

use rstar::AABB;

use crate::model::{Fence, FenceError, FenceId, FenceShape};

/// Metres per degree of latitude.
pub const METRES_PER_DEGREE_LAT: f64 = 110_540.0;
/// Metres per degree of longitude at the equator; multiply by cos(latitude).
pub const METRES_PER_DEGREE_LON: f64 = 111_320.0;

/// Target number of edges per band of an edge index.
const EDGES_PER_BAND: usize = 4;

/// Band offsets kept in the record itself (more bands keep them at the head of `data`).
const INLINE_OFFSETS: usize = 23;

/// What a prepared fence is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Kind {
    /// A removed fence's slot.
    Vacant,
    Area,
    Circle,
    Line,
}

/// A validated fence ready for evaluation, laid out as two adjacent cache lines (the second
/// holding the band offsets of small fences): the engine reads it for every candidate fence
/// of every fix, and then only the edges of one band.
///
/// Coordinates are projected into a local equirectangular frame centred on the fence
/// (metres east and north of `lon0, lat0`). Edges are grouped by horizontal bands of equal
/// height: each band holds (a copy of) every edge whose y-range overlaps it, contiguously, so
/// a point query reads one short run of memory. Edge coordinates are stored as `f32` metres
/// (sub-centimetre for fences up to a few hundred kilometres across) to halve the footprint.
#[derive(Clone, Debug)]
#[repr(C, align(128))]
pub(crate) struct Prepared {
    lon0: f64,
    lat0: f64,
    /// Engine generation at which the fence was added: subjects last evaluated before it
    /// establish their state for it silently.
    pub(crate) since: u64,
    /// Unless `offsets_inline`, `last_band + 2` band offsets (in edges); then the banded
    /// edges, four `f32` bit patterns each (`x0, y0, x1, y1`).
    data: Box<[u32]>,
    /// Metres per degree of longitude at `lat0`.
    kx: f32,
    y_min: f32,
    y_max: f32,
    /// Bands per metre of y; for a circle, its radius in metres.
    scale: f32,
    /// The largest hysteresis or proximity reach of the rules watching the fence, rounded up.
    pub(crate) reach_m: f32,
    last_band: u16,
    pub(crate) kind: Kind,
    /// Whether some rule names this fence (rules over all fences are not counted).
    pub(crate) has_rules: bool,
    /// An axis-aligned box `[x0, y0, x1, y1]` wholly inside an area, answering most interior
    /// points without reading edges (empty, `x0 > x1`, when none was found).
    inner: [f32; 4],
    /// Band offsets (in edges) when `offsets_inline`.
    offsets: [u16; INLINE_OFFSETS],
    offsets_inline: bool,
}

impl Prepared {
    /// A placeholder for a removed fence.
    pub(crate) fn vacant() -> Self {
        Self {
            lon0: 0.0,
            lat0: 0.0,
            since: 0,
            data: Box::new([]),
            kx: 1.0,
            y_min: 0.0,
            y_max: 0.0,
            scale: 0.0,
            reach_m: 0.0,
            last_band: 0,
            kind: Kind::Vacant,
            has_rules: false,
            inner: [1.0, 1.0, -1.0, -1.0],
            offsets: [0; INLINE_OFFSETS],
            offsets_inline: true,
        }
    }

    fn circle(lon: f64, lat: f64, radius_m: f64) -> (Self, [f64; 4]) {
        let kx = (METRES_PER_DEGREE_LON * lat.to_radians().cos()) as f32;
        let radius = radius_m as f32;
        let (dlon, dlat) = (
            f64::from(radius) / f64::from(kx),
            f64::from(radius) / METRES_PER_DEGREE_LAT,
        );
        let prepared = Self {
            lon0: lon,
            lat0: lat,
            kx,
            y_min: -radius,
            y_max: radius,
            scale: radius,
            kind: Kind::Circle,
            ..Self::vacant()
        };
        (prepared, [lon - dlon, lat - dlat, lon + dlon, lat + dlat])
    }

    /// An area or a line from its edges in degrees.
    fn banded(kind: Kind, bbox: [f64; 4], edges: &[[f64; 4]]) -> Self {
        let (lon0, lat0) = ((bbox[0] + bbox[2]) / 2.0, (bbox[1] + bbox[3]) / 2.0);
        let kx = (METRES_PER_DEGREE_LON * lat0.to_radians().cos()) as f32;
        let mut shape = Self {
            lon0,
            lat0,
            kx,
            kind,
            ..Self::vacant()
        };
        let metres: Vec<[f32; 4]> = edges
            .iter()
            .map(|e| {
                let (x0, y0) = shape.project(e[0], e[1]);
                let (x1, y1) = shape.project(e[2], e[3]);
                [x0 as f32, y0 as f32, x1 as f32, y1 as f32]
            })
            .collect();
        let (mut y_min, mut y_max) = (f32::INFINITY, f32::NEG_INFINITY);
        for e in &metres {
            y_min = y_min.min(e[1]).min(e[3]);
            y_max = y_max.max(e[1]).max(e[3]);
        }
        let height = f64::from(y_max) - f64::from(y_min);
        let bands = if height > 0.0 {
            (metres.len() / EDGES_PER_BAND).clamp(1, 4096)
        } else {
            1
        };
        debug_assert!(bands <= usize::from(u16::MAX));
        shape.y_min = y_min;
        shape.y_max = y_max;
        shape.scale = if height > 0.0 {
            (bands as f64 / height) as f32
        } else {
            0.0
        };
        shape.last_band = (bands - 1) as u16;

        // Counting sort of (band, edge) pairs: count, prefix-sum, fill.
        let ranges: Vec<(usize, usize)> = metres
            .iter()
            .map(|e| {
                let (lo, hi) = (e[1].min(e[3]), e[1].max(e[3]));
                (shape.band_of(f64::from(lo)), shape.band_of(f64::from(hi)))
            })
            .collect();
        let mut offsets = vec![0u32; bands + 1];
        for &(lo, hi) in &ranges {
            for count in &mut offsets[lo + 1..=hi + 1] {
                *count += 1;
            }
        }
        for b in 0..bands {
            offsets[b + 1] += offsets[b];
        }
        let total = offsets[bands] as usize;
        let inline = bands < INLINE_OFFSETS && total <= usize::from(u16::MAX);
        let base = if inline { 0 } else { bands + 1 };
        let mut data = vec![0u32; base + 4 * total];
        if inline {
            for (slot, &offset) in shape.offsets.iter_mut().zip(&offsets) {
                *slot = offset as u16;
            }
        } else {
            data[..base].copy_from_slice(&offsets);
        }
        shape.offsets_inline = inline;
        let mut fill: Vec<usize> = offsets.iter().map(|&o| o as usize).collect();
        for (e, &(lo, hi)) in metres.iter().zip(&ranges) {
            for slot in &mut fill[lo..=hi] {
                let at = base + 4 * *slot;
                for (word, v) in data[at..at + 4].iter_mut().zip(e) {
                    *word = v.to_bits();
                }
                *slot += 1;
            }
        }
        shape.data = data.into_boxed_slice();
        if kind == Kind::Area {
            shape.inner = inner_box(&metres);
        }
        shape
    }

    /// Metres east and north of the fence's centre.
    #[inline]
    pub(crate) fn project(&self, lon: f64, lat: f64) -> (f64, f64) {
        (
            (lon - self.lon0) * f64::from(self.kx),
            (lat - self.lat0) * METRES_PER_DEGREE_LAT,
        )
    }

    /// The bounding box `bbox` grown by `margin_m` metres (and a hair more against rounding).
    pub(crate) fn envelope(&self, bbox: &[f64; 4], margin_m: f64) -> AABB<[f64; 2]> {
        let dlon = margin_m / f64::from(self.kx) * (1.0 + 1e-9) + 1e-9;
        let dlat = margin_m / METRES_PER_DEGREE_LAT * (1.0 + 1e-9) + 1e-9;
        AABB::from_corners(
            [bbox[0] - dlon, bbox[1] - dlat],
            [bbox[2] + dlon, bbox[3] + dlat],
        )
    }

    /// Sets the reach, rounded up to the next `f32` so that it never falls short.
    pub(crate) fn set_reach(&mut self, margin_m: f64) {
        let mut reach = margin_m as f32;
        if f64::from(reach) < margin_m {
            reach = f32::from_bits(reach.to_bits() + 1);
        }
        self.reach_m = reach;
    }

    #[inline]
    fn band_of(&self, y: f64) -> usize {
        let b = (y - f64::from(self.y_min)) * f64::from(self.scale);
        if b > 0.0 {
            // Truncation is floor for positive values; the cast saturates for huge ones.
            (b as usize).min(usize::from(self.last_band))
        } else {
            0
        }
    }

    /// The edges of one band, four words each.
    #[inline]
    fn band(&self, band: usize) -> &[u32] {
        if self.offsets_inline {
            let (a, b) = (
                usize::from(self.offsets[band]),
                usize::from(self.offsets[band + 1]),
            );
            &self.data[4 * a..4 * b]
        } else {
            let base = usize::from(self.last_band) + 2;
            let (a, b) = (self.data[band] as usize, self.data[band + 1] as usize);
            &self.data[base + 4 * a..base + 4 * b]
        }
    }

    #[inline]
    fn in_y_range(&self, lo: f64, hi: f64) -> bool {
        hi >= f64::from(self.y_min) && lo <= f64::from(self.y_max)
    }

    /// How far (x, y) lies inside the inner box: a lower bound of its distance to the
    /// boundary when positive; not positive outside the box.
    #[inline]
    fn inner_depth(&self, x: f64, y: f64) -> f64 {
        let [x0, y0, x1, y1] = self.inner.map(f64::from);
        (x - x0).min(x1 - x).min(y - y0).min(y1 - y)
    }

    /// Whether (x, y) in the frame lies inside an area (boundary included); false for lines.
    #[inline]
    pub(crate) fn contains(&self, x: f64, y: f64) -> bool {
        match self.kind {
            Kind::Area => {
                self.inner_depth(x, y) > 0.0
                    || (self.in_y_range(y, y) && crossings(self.band(self.band_of(y)), x, y))
            }
            Kind::Circle => {
                let r = f64::from(self.scale);
                x * x + y * y <= r * r
            }
            Kind::Line | Kind::Vacant => false,
        }
    }

    /// Distance from (x, y) to the boundary (for a line: to the line); exact when at most
    /// `cap`, otherwise some value above `cap`.
    #[inline]
    pub(crate) fn boundary_distance(&self, x: f64, y: f64, cap: f64) -> f64 {
        match self.kind {
            Kind::Area | Kind::Line => {
                let depth = self.inner_depth(x, y);
                if depth > cap {
                    return depth;
                }
                if !self.in_y_range(y - cap, y + cap) {
                    return f64::INFINITY;
                }
                let (lo, hi) = (self.band_of(y - cap), self.band_of(y + cap));
                let best = (lo..=hi).fold(f64::INFINITY, |m, band| {
                    self.band(band)
                        .chunks_exact(4)
                        .fold(m, |m, e| m.min(segment_distance_sq(edge(e), x, y)))
                });
                best.sqrt()
            }
            Kind::Circle => ((x * x + y * y).sqrt() - f64::from(self.scale)).abs(),
            Kind::Vacant => f64::INFINITY,
        }
    }

    /// Whether the path between two projected points crosses a line fence: touching at `a`
    /// alone does not count, arriving on the line at `c` does.
    pub(crate) fn path_crosses(&self, a: (f64, f64), c: (f64, f64)) -> bool {
        if self.kind != Kind::Line {
            return false;
        }
        let (lo, hi) = (a.1.min(c.1), a.1.max(c.1));
        if !self.in_y_range(lo, hi) {
            return false;
        }
        (self.band_of(lo)..=self.band_of(hi)).any(|band| {
            self.band(band)
                .chunks_exact(4)
                .any(|e| segment_crosses(edge(e), a, c))
        })
    }
}

/// Validates a fence and prepares it; also returns its bounding box in degrees
/// (`[min_lon, min_lat, max_lon, max_lat]`).
pub(crate) fn prepare(fence: &Fence) -> Result<(Prepared, [f64; 4]), FenceError> {
    let id = fence.id;
    match &fence.shape {
        FenceShape::Circle { lon, lat, radius_m } => {
            check_coordinate(id, *lon, *lat)?;
            if !radius_m.is_finite() || *radius_m <= 0.0 {
                return Err(FenceError::InvalidRadius {
                    fence: id,
                    radius_m: *radius_m,
                });
            }
            Ok(Prepared::circle(*lon, *lat, *radius_m))
        }
        FenceShape::Polygon(polygons) => {
            let mut edges = Vec::new();
            for polygon in &polygons.0 {
                for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                    let mut points: Vec<(f64, f64)> = ring.0.iter().map(|c| (c.x, c.y)).collect();
                    for &(lon, lat) in &points {
                        check_coordinate(id, lon, lat)?;
                    }
                    if points.len() > 1 && points.first() == points.last() {
                        points.pop();
                    }
                    points.dedup();
                    if points.len() < 3 {
                        return Err(FenceError::RingTooShort {
                            fence: id,
                            points: points.len(),
                        });
                    }
                    for (i, &(lon, lat)) in points.iter().enumerate() {
                        let (nlon, nlat) = points[(i + 1) % points.len()];
                        edges.push([lon, lat, nlon, nlat]);
                    }
                }
            }
            if edges.is_empty() {
                return Err(FenceError::Empty(id));
            }
            let bbox = bbox_of(&edges);
            Ok((Prepared::banded(Kind::Area, bbox, &edges), bbox))
        }
        FenceShape::Line(lines) => {
            let mut edges = Vec::new();
            for line in &lines.0 {
                for c in &line.0 {
                    check_coordinate(id, c.x, c.y)?;
                }
                if line.0.len() < 2 {
                    return Err(FenceError::LineTooShort {
                        fence: id,
                        points: line.0.len(),
                    });
                }
                edges.extend(line.0.windows(2).map(|w| [w[0].x, w[0].y, w[1].x, w[1].y]));
            }
            if edges.is_empty() {
                return Err(FenceError::Empty(id));
            }
            let bbox = bbox_of(&edges);
            Ok((Prepared::banded(Kind::Line, bbox, &edges), bbox))
        }
    }
}

fn bbox_of(edges: &[[f64; 4]]) -> [f64; 4] {
    edges.iter().fold(
        [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ],
        |b, e| {
            [
                b[0].min(e[0]).min(e[2]),
                b[1].min(e[1]).min(e[3]),
                b[2].max(e[0]).max(e[2]),
                b[3].max(e[1]).max(e[3]),
            ]
        },
    )
}

#[inline]
fn edge(words: &[u32]) -> [f64; 4] {
    [
        f64::from(f32::from_bits(words[0])),
        f64::from(f32::from_bits(words[1])),
        f64::from(f32::from_bits(words[2])),
        f64::from(f32::from_bits(words[3])),
    ]
}

/// A large axis-aligned box inside the area around its centre (the frame's origin): the
/// largest square found by bisection, then widened and heightened. It touches no edge, so
/// every point in it is inside and no nearer to the boundary than to the box's sides.
fn inner_box(edges: &[[f32; 4]]) -> [f32; 4] {
    let none = [1.0, 1.0, -1.0, -1.0];
    let wide: Vec<[f64; 4]> = edges.iter().map(|e| e.map(f64::from)).collect();
    let inside = wide.iter().fold(false, |odd, e| {
        let [x0, y0, x1, y1] = *e;
        odd ^ ((y0 > 0.0) != (y1 > 0.0) && 0.0 < x0 + (0.0 - y0) * (x1 - x0) / (y1 - y0))
    });
    if !inside {
        return none;
    }
    let (mut x_max, mut y_max) = (0.0f64, 0.0f64);
    for e in &wide {
        x_max = x_max.max(e[0].abs()).max(e[2].abs());
        y_max = y_max.max(e[1].abs()).max(e[3].abs());
    }
    let clear = |hx: f64, hy: f64| !wide.iter().any(|e| segment_meets_box(e, hx, hy));
    // Largest clear value in (lo, hi] of a monotone predicate, by bisection.
    let grow = |lo: f64, hi: f64, fits: &dyn Fn(f64) -> bool| {
        let (mut lo, mut hi) = (lo, hi);
        for _ in 0..24 {
            let mid = (lo + hi) / 2.0;
            if fits(mid) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        lo
    };
    let side = grow(0.0, x_max.min(y_max), &|s| clear(s, s));
    if side <= 0.0 {
        return none;
    }
    let hx = grow(side, x_max, &|w| clear(w, side));
    let hy = grow(side, y_max, &|h| clear(hx, h));
    // Shrink a little so that the f32 box stays clear of the edges.
    let (hx, hy) = ((hx * 0.999) as f32, (hy * 0.999) as f32);
    [-hx, -hy, hx, hy]
}

/// Whether a segment meets the box `[-hx, hx] × [-hy, hy]` (Liang–Barsky clipping).
fn segment_meets_box(e: &[f64; 4], hx: f64, hy: f64) -> bool {
    let (x0, y0, dx, dy) = (e[0], e[1], e[2] - e[0], e[3] - e[1]);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [(-dx, x0 + hx), (dx, hx - x0), (-dy, y0 + hy), (dy, hy - y0)] {
        if p == 0.0 {
            if q < 0.0 {
                return false;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                if r > t1 {
                    return false;
                }
                t0 = t0.max(r);
            } else {
                if r < t0 {
                    return false;
                }
                t1 = t1.min(r);
            }
        }
    }
    true
}

#[inline]
fn crossings(edges: &[u32], x: f64, y: f64) -> bool {
    let mut odd = false;
    for e in edges.chunks_exact(4) {
        let [x0, y0, x1, y1] = edge(e);
        if (y0 > y) != (y1 > y) && x < x0 + (y - y0) * (x1 - x0) / (y1 - y0) {
            odd = !odd;
        }
    }
    odd
}

#[inline]
fn segment_distance_sq(e: [f64; 4], x: f64, y: f64) -> f64 {
    let (dx, dy) = (e[2] - e[0], e[3] - e[1]);
    let len_sq = dx * dx + dy * dy;
    let t = if len_sq > 0.0 {
        (((x - e[0]) * dx + (y - e[1]) * dy) / len_sq).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (ex, ey) = (e[0] + t * dx - x, e[1] + t * dy - y);
    ex * ex + ey * ey
}

#[inline]
fn orient(p: (f64, f64), q: (f64, f64), r: (f64, f64)) -> f64 {
    (q.0 - p.0) * (r.1 - p.1) - (q.1 - p.1) * (r.0 - p.0)
}

#[inline]
fn within_box(p: (f64, f64), q: (f64, f64), r: (f64, f64)) -> bool {
    r.0 >= p.0.min(q.0) && r.0 <= p.0.max(q.0) && r.1 >= p.1.min(q.1) && r.1 <= p.1.max(q.1)
}

/// Whether the path a→c crosses the edge, with the path half-open at `a`.
fn segment_crosses(e: [f64; 4], a: (f64, f64), c: (f64, f64)) -> bool {
    let (p, q) = ((e[0], e[1]), (e[2], e[3]));
    let (s_a, s_c) = (orient(p, q, a), orient(p, q, c));
    if s_c == 0.0 {
        // Arriving on the line counts once; leaving it afterwards does not count again.
        return within_box(p, q, c) && !(s_a == 0.0 && within_box(p, q, a));
    }
    if s_a == 0.0 || (s_a > 0.0) == (s_c > 0.0) {
        return false;
    }
    let (t_p, t_q) = (orient(a, c, p), orient(a, c, q));
    // a and c lie strictly on opposite sides of the edge's line; the path crosses the edge
    // when p and q are not strictly on one side of the path's line.
    t_p == 0.0 || t_q == 0.0 || (t_p > 0.0) != (t_q > 0.0)
}

fn check_coordinate(fence: FenceId, lon: f64, lat: f64) -> Result<(), FenceError> {
    if !lon.is_finite() || !lat.is_finite() {
        return Err(FenceError::NonFiniteCoordinate { fence, lon, lat });
    }
    if !(-180.0..=180.0).contains(&lon) || !(-85.0..=85.0).contains(&lat) {
        return Err(FenceError::CoordinateOutOfRange { fence, lon, lat });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::{Coord, LineString, MultiLineString, MultiPolygon, Polygon};
    use uuid::Uuid;

    /// A square of `side_m` metres at (100 E, 0 N) with each side split into `n` segments.
    fn square(n: usize, side_m: f64) -> Fence {
        let d = side_m / METRES_PER_DEGREE_LAT;
        let dx = side_m / METRES_PER_DEGREE_LON;
        let mut pts = Vec::new();
        for i in 0..n {
            pts.push((i as f64 / n as f64, 0.0));
        }
        for i in 0..n {
            pts.push((1.0, i as f64 / n as f64));
        }
        for i in 0..n {
            pts.push((1.0 - i as f64 / n as f64, 1.0));
        }
        for i in 0..n {
            pts.push((0.0, 1.0 - i as f64 / n as f64));
        }
        let ring: Vec<Coord<f64>> = pts
            .iter()
            .map(|&(u, v)| Coord {
                x: 100.0 + u * dx,
                y: v * d,
            })
            .collect();
        Fence {
            id: crate::FenceId(Uuid::from_u128(1)),
            shape: FenceShape::Polygon(MultiPolygon(vec![Polygon::new(LineString(ring), vec![])])),
        }
    }

    #[test]
    fn banded_and_single_band_areas_agree() {
        let (coarse, _) = prepare(&square(1, 1000.0)).expect("valid fence");
        let (fine, _) = prepare(&square(100, 1000.0)).expect("valid fence");
        assert_eq!(coarse.last_band, 0);
        assert!(fine.last_band > 8);
        for &(x, y) in &[
            (0.0, 0.0),
            (-501.0, 0.0),
            (499.0, -499.0),
            (0.0, 501.0),
            (-470.0, 470.0),
        ] {
            assert_eq!(coarse.contains(x, y), fine.contains(x, y), "({x}, {y})");
            let (d1, d2) = (
                coarse.boundary_distance(x, y, 100.0),
                fine.boundary_distance(x, y, 100.0),
            );
            assert!((d1 - d2).abs() < 0.01, "({x}, {y}): {d1} vs {d2}");
        }
        assert!((fine.boundary_distance(0.0, -20.0, 1000.0) - 480.0).abs() < 0.01);
        assert!(fine.boundary_distance(0.0, -20.0, 50.0) > 50.0);
    }

    #[test]
    fn path_crossing_is_half_open_at_the_start() {
        let line = Fence {
            id: crate::FenceId(Uuid::from_u128(2)),
            shape: FenceShape::Line(MultiLineString(vec![LineString::from(vec![
                (100.0, 0.0),
                (100.001, 0.0),
            ])])),
        };
        let (line, _) = prepare(&line).expect("valid fence");
        let (x0, x1) = (line.project(100.0, 0.0).0, line.project(100.001, 0.0).0);
        let mid = (x0 + x1) / 2.0;
        assert!(line.path_crosses((mid, -10.0), (mid, 10.0)));
        assert!(!line.path_crosses((x0 + 5.0, 5.0), (x1 - 5.0, 5.0)));
        // Arriving on the line counts, leaving it does not count again.
        assert!(line.path_crosses((mid, -10.0), (mid, 0.0)));
        assert!(!line.path_crosses((mid, 0.0), (mid, 10.0)));
        // Passing beyond the end of the line does not cross it.
        assert!(!line.path_crosses((x1 + 50.0, -10.0), (x1 + 50.0, 10.0)));
    }

    /// A star-shaped ring around (100 E, 0 N) with the given radii in metres.
    fn star(radii: &[f64]) -> (Fence, Vec<(f64, f64)>) {
        let n = radii.len();
        let metres: Vec<(f64, f64)> = radii
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let a = std::f64::consts::TAU * i as f64 / n as f64;
                (r * a.cos(), r * a.sin())
            })
            .collect();
        let mut ring: Vec<Coord<f64>> = metres
            .iter()
            .map(|&(x, y)| Coord {
                x: 100.0 + x / METRES_PER_DEGREE_LON,
                y: y / METRES_PER_DEGREE_LAT,
            })
            .collect();
        ring.push(ring[0]);
        let fence = Fence {
            id: crate::FenceId(Uuid::from_u128(3)),
            shape: FenceShape::Polygon(MultiPolygon(vec![Polygon::new(LineString(ring), vec![])])),
        };
        (fence, metres)
    }

    /// Reference answers on the ring in metres: containment and distance to the boundary.
    fn brute_force(ring: &[(f64, f64)], x: f64, y: f64) -> (bool, f64) {
        let mut inside = false;
        let mut best = f64::INFINITY;
        for i in 0..ring.len() {
            let (a, b) = (ring[i], ring[(i + 1) % ring.len()]);
            if (a.1 > y) != (b.1 > y) && x < a.0 + (y - a.1) * (b.0 - a.0) / (b.1 - a.1) {
                inside = !inside;
            }
            best = best.min(segment_distance_sq([a.0, a.1, b.0, b.1], x, y));
        }
        (inside, best.sqrt())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Bands, the inner box and the f32 storage answer as a plain test over all edges does.
        #[test]
        fn prepared_areas_agree_with_brute_force(
            radii in proptest::collection::vec(200.0f64..3000.0, 3..200),
            points in proptest::collection::vec((-3500.0f64..3500.0, -3500.0f64..3500.0), 50),
            cap in 0.0f64..300.0,
        ) {
            let (fence, ring) = star(&radii);
            let (shape, _) = prepare(&fence).expect("valid fence");
            // The frame is centred on the bounding box; the ring is centred on the origin.
            let (ox, oy) = shape.project(100.0, 0.0);
            // Points anywhere, and points around the inner box (in the frame).
            let [x0, y0, x1, y1] = shape.inner.map(f64::from);
            let around = points.iter().map(|&(u, v)| (u / 3500.0 * 0.8 * (x1 - x0), v / 3500.0 * 0.8 * (y1 - y0)));
            let frame_points: Vec<(f64, f64)> = points.iter().map(|&(x, y)| (x + ox, y + oy)).chain(around).collect();
            for (fx, fy) in frame_points {
                let (inside, distance) = brute_force(&ring, fx - ox, fy - oy);
                if distance < 0.05 {
                    continue; // too close to the boundary for f32 storage to agree
                }
                proptest::prop_assert_eq!(shape.contains(fx, fy), inside, "({}, {})", fx, fy);
                let d = shape.boundary_distance(fx, fy, cap);
                if distance <= cap - 0.05 {
                    proptest::prop_assert!((d - distance).abs() < 0.05, "{} vs {}", d, distance);
                } else if distance > cap + 0.05 {
                    proptest::prop_assert!(d > cap, "{} should exceed the cap {}", d, cap);
                }
            }
        }
    }

    #[test]
    fn inner_box_covers_the_middle_and_needs_an_inside_centre() {
        let (shape, _) = prepare(&square(8, 1000.0)).expect("valid fence");
        assert!(shape.inner_depth(0.0, 0.0) > 490.0, "{:?}", shape.inner);
        assert!(shape.inner_depth(499.0, 0.0) < 1.0);
        // A ring whose centre lies in its hole has no inner box.
        let (annulus, _) = prepare(&Fence {
            id: crate::FenceId(Uuid::from_u128(4)),
            shape: FenceShape::Polygon(MultiPolygon(vec![Polygon::new(
                LineString::from(vec![
                    (100.0, -0.01),
                    (100.01, -0.01),
                    (100.01, 0.0),
                    (100.0, 0.0),
                ]),
                vec![LineString::from(vec![
                    (100.004, -0.006),
                    (100.006, -0.006),
                    (100.006, -0.004),
                    (100.004, -0.004),
                ])],
            )])),
        })
        .expect("valid fence");
        assert!(annulus.inner_depth(0.0, 0.0) <= 0.0);
        assert!(!annulus.contains(0.0, 0.0));
    }

    #[test]
    fn record_fills_two_cache_lines() {
        assert_eq!(std::mem::size_of::<Prepared>(), 128);
    }

    #[test]
    fn many_bands_keep_offsets_with_the_edges() {
        let (fine, _) = prepare(&square(100, 1000.0)).expect("valid fence");
        assert!(!fine.offsets_inline);
        let (small, _) = prepare(&square(8, 1000.0)).expect("valid fence");
        assert!(small.offsets_inline);
        for &(x, y) in &[(0.0, 0.0), (-501.0, 0.0), (499.0, -499.0), (0.0, 501.0)] {
            assert_eq!(small.contains(x, y), fine.contains(x, y), "({x}, {y})");
        }
    }
}
