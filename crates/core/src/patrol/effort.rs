//! A patrol's effort and results, computed from its legs' tracks, never typed (ADR 16):
//! distance, hours, patrol-days, person-days, the 1 km grid cells covered, and findings
//! per 100 km and per patrol-day.
//!
//! - **Distance**: the haversine length of each segment, added up; the gap between two
//!   segments (the recording paused, a jump) is not walked distance.
//! - **Hours**: the time from the first to the last point of each segment, added up.
//! - **Patrol-days**: the distinct local dates, in the patrol's zone (WIB, WITA or WIT),
//!   on which a leg has a point; **person-days**: patrol-days × the number of members.
//! - **Coverage**: the cells of a fixed grid of [`CELL_DEGREES`] × [`CELL_DEGREES`]
//!   (0.009°: 1.00 km north–south everywhere, 0.98 to 1.00 km east–west between 11°S and
//!   6°N, Indonesia's extent) that a segment passes through: a step between two points
//!   counts every cell its straight line crosses, so a 3 km step counts its three cells.
//!   A cell is named by its column and row ([`Cell`]), the same for every patrol, so the
//!   coverage of a period is the union of its patrols' cells. The grid does not wrap at
//!   the antimeridian, which Indonesia is far from.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::track::{distance_km, Track, TrackPoint, EARTH_RADIUS_KM};
use crate::time::Zone;

/// The side of a grid cell, in degrees of longitude and of latitude.
pub const CELL_DEGREES: f64 = 0.009;

/// One cell of the coverage grid: column `x` counts [`CELL_DEGREES`] of longitude east of
/// the prime meridian, row `y` of latitude north of the equator (negative west and south).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Cell {
    pub x: i32,
    pub y: i32,
}

impl Cell {
    /// The cell a position lies in.
    pub fn of(lon: f64, lat: f64) -> Cell {
        Cell {
            x: grid(lon).floor() as i32,
            y: grid(lat).floor() as i32,
        }
    }

    /// The cell's bounds: minimum longitude, minimum latitude, maximum longitude, maximum
    /// latitude.
    pub fn bounds(self) -> [f64; 4] {
        let (x, y) = (f64::from(self.x), f64::from(self.y));
        [
            x * CELL_DEGREES,
            y * CELL_DEGREES,
            (x + 1.0) * CELL_DEGREES,
            (y + 1.0) * CELL_DEGREES,
        ]
    }

    /// The cell's area on the sphere, in km².
    pub fn area_km2(self) -> f64 {
        let [_, lat0, _, lat1] = self.bounds();
        EARTH_RADIUS_KM.powi(2)
            * CELL_DEGREES.to_radians()
            * (lat1.to_radians().sin() - lat0.to_radians().sin()).abs()
    }

    /// The cell as text, `x:y`, as a store keeps it.
    pub fn key(self) -> String {
        format!("{}:{}", self.x, self.y)
    }

    /// Reads [`Cell::key`]'s text.
    pub fn parse_key(s: &str) -> Option<Cell> {
        let (x, y) = s.split_once(':')?;
        Some(Cell {
            x: x.parse().ok()?,
            y: y.parse().ok()?,
        })
    }
}

fn grid(degrees: f64) -> f64 {
    degrees / CELL_DEGREES
}

/// The km of a track: each segment's length, the gaps between segments left out.
pub fn distance(track: &Track) -> f64 {
    track
        .segments
        .iter()
        .map(|seg| {
            seg.windows(2)
                .fold(0.0, |km, w| km + distance_km(&w[0], &w[1]))
        })
        .fold(0.0, |a, b| a + b)
}

/// The hours of a track: each segment's duration, added up.
pub fn hours(track: &Track) -> f64 {
    track
        .segments
        .iter()
        .filter_map(|seg| Some((seg.first()?, seg.last()?)))
        .map(|(a, b)| (b.time - a.time).num_milliseconds() as f64 / 3_600_000.0)
        .fold(0.0, |a, b| a + b)
}

/// The local dates, in `zone`, on which the tracks have a point.
pub fn patrol_dates<'a>(
    tracks: impl IntoIterator<Item = &'a Track>,
    zone: Zone,
) -> BTreeSet<NaiveDate> {
    let offset = zone.offset();
    tracks
        .into_iter()
        .flat_map(Track::points)
        .map(|p| p.time.with_timezone(&offset).date_naive())
        .collect()
}

/// The grid cells a track passes through, added to `out`.
pub fn cells_into(track: &Track, out: &mut BTreeSet<Cell>) {
    for seg in &track.segments {
        if let [only] = seg.as_slice() {
            out.insert(Cell::of(only.lon, only.lat));
        }
        for w in seg.windows(2) {
            step_cells(&w[0], &w[1], out);
        }
    }
}

/// The grid cells a track passes through.
pub fn cells(track: &Track) -> BTreeSet<Cell> {
    let mut out = BTreeSet::new();
    cells_into(track, &mut out);
    out
}

/// Every cell the straight line from `a` to `b` crosses, both ends' cells included (a
/// grid walk: from the start cell, step into the next column or row the line enters
/// first, until the end cell).
fn step_cells(a: &TrackPoint, b: &TrackPoint, out: &mut BTreeSet<Cell>) {
    let (x0, y0, x1, y1) = (grid(a.lon), grid(a.lat), grid(b.lon), grid(b.lat));
    let start = Cell::of(a.lon, a.lat);
    let end = Cell::of(b.lon, b.lat);
    let (mut x, mut y) = (start.x, start.y);
    out.insert(start);
    let (dx, dy) = (x1 - x0, y1 - y0);
    let (step_x, step_y) = ((end.x - x).signum(), (end.y - y).signum());
    // How far along the line (0 to 1) the next column and row boundaries lie, and how far
    // one column or row is.
    let next = |v0: f64, cell: i32, d: f64, step: i32| -> (f64, f64) {
        if step == 0 || d == 0.0 {
            return (f64::INFINITY, f64::INFINITY);
        }
        let boundary = if step > 0 {
            f64::from(cell) + 1.0
        } else {
            f64::from(cell)
        };
        ((boundary - v0) / d, 1.0 / d.abs())
    };
    let (mut t_x, delta_x) = next(x0, x, dx, step_x);
    let (mut t_y, delta_y) = next(y0, y, dy, step_y);
    while (x, y) != (end.x, end.y) {
        // Floating point may disagree with the end cell by one step: never step past it.
        let go_x = if x == end.x {
            false
        } else if y == end.y {
            true
        } else {
            t_x <= t_y
        };
        if go_x {
            x += step_x;
            t_x += delta_x;
        } else {
            y += step_y;
            t_y += delta_y;
        }
        out.insert(Cell { x, y });
    }
}

/// The area of a set of cells, in km².
pub fn area_km2(cells: &BTreeSet<Cell>) -> f64 {
    // Folded from 0.0: `sum` of no floats is -0.0, which a page would show as "-0,0".
    cells.iter().fold(0.0, |a, c| a + c.area_km2())
}

/// The effort of one patrol, or of several added up.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Effort {
    pub distance_km: f64,
    pub hours: f64,
    pub patrol_days: u32,
    pub person_days: u32,
    /// The grid cells covered.
    pub cells: BTreeSet<Cell>,
}

impl Effort {
    /// The effort of one patrol from its legs' tracks, its zone and its number of members.
    pub fn of_patrol<'a>(
        tracks: impl IntoIterator<Item = &'a Track> + Clone,
        zone: Zone,
        members: usize,
    ) -> Effort {
        let mut e = Effort::default();
        for t in tracks.clone() {
            e.distance_km += distance(t);
            e.hours += hours(t);
            cells_into(t, &mut e.cells);
        }
        let days = u32::try_from(patrol_dates(tracks, zone).len()).unwrap_or(u32::MAX);
        e.patrol_days = days;
        e.person_days = days.saturating_mul(u32::try_from(members).unwrap_or(u32::MAX));
        e
    }

    /// Several patrols' effort together: distances, hours and days add up (two patrols
    /// out on the same day are two patrol-days), cells are the union.
    pub fn add(&mut self, other: &Effort) {
        self.distance_km += other.distance_km;
        self.hours += other.hours;
        self.patrol_days = self.patrol_days.saturating_add(other.patrol_days);
        self.person_days = self.person_days.saturating_add(other.person_days);
        self.cells.extend(other.cells.iter().copied());
    }

    /// The area covered, in km².
    pub fn area_km2(&self) -> f64 {
        area_km2(&self.cells)
    }
}

/// How many findings of one type, and their rates.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FindingRate {
    pub count: u32,
    /// Findings per 100 km walked; `None` without distance.
    pub per_100_km: Option<f64>,
    /// Findings per patrol-day; `None` without patrol-days.
    pub per_patrol_day: Option<f64>,
}

/// The rates of findings by type (a report type's key, or any grouping the caller
/// counts by) over an effort.
pub fn finding_rates(
    effort: &Effort,
    findings: &BTreeMap<String, u32>,
) -> BTreeMap<String, FindingRate> {
    findings
        .iter()
        .map(|(k, &count)| {
            let n = f64::from(count);
            let rate = FindingRate {
                count,
                per_100_km: (effort.distance_km > 0.0).then(|| n * 100.0 / effort.distance_km),
                per_patrol_day: (effort.patrol_days > 0).then(|| n / f64::from(effort.patrol_days)),
            };
            (k.clone(), rate)
        })
        .collect()
}

#[cfg(test)]
mod tests {

    #[test]
    fn nothing_walked_is_plain_zero() {
        let e = Effort::default();
        assert!(e.area_km2().is_sign_positive());
        assert!(area_km2(&BTreeSet::new()).is_sign_positive());
        let empty = Track {
            segments: vec![vec![]],
        };
        assert!(distance(&empty).is_sign_positive());
        assert!(hours(&empty).is_sign_positive());
    }
    use super::*;
    use chrono::{DateTime, Utc};
    use proptest::prelude::*;

    fn t(s: i64) -> DateTime<Utc> {
        // 2025-05-27 06:00 WIB.
        DateTime::from_timestamp(1_748_300_400 + s, 0).expect("a time")
    }

    fn pt(lon: f64, lat: f64, s: i64) -> TrackPoint {
        TrackPoint {
            lon,
            lat,
            ele: None,
            time: t(s),
        }
    }

    #[test]
    fn distance_and_hours_count_within_segments_only() {
        let track = Track {
            segments: vec![
                vec![
                    pt(103.0, 0.0, 0),
                    pt(103.01, 0.0, 600),
                    pt(103.02, 0.0, 1800),
                ],
                // Far away: the gap is neither walked nor timed.
                vec![pt(104.0, 0.0, 7200), pt(104.0, 0.01, 9000)],
                vec![pt(105.0, 0.0, 9600)],
            ],
        };
        let d = distance(&track);
        assert!((d - 3.0 * 1.111_95).abs() < 0.001, "{d}");
        assert!((hours(&track) - 1.0).abs() < 1e-9, "{}", hours(&track));
    }

    #[test]
    fn days_are_local_dates_in_the_patrol_zone() {
        // 2025-05-27 23:30 WIB is already the 28th in WIT.
        let late = Track {
            segments: vec![vec![pt(140.0, -2.5, 17 * 3600 + 1800)]],
        };
        let morning = Track {
            segments: vec![vec![pt(140.0, -2.5, 0)]],
        };
        let date = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        assert_eq!(
            patrol_dates([&morning, &late], Zone::Wib),
            BTreeSet::from([date("2025-05-27")])
        );
        assert_eq!(
            patrol_dates([&morning, &late], Zone::Wit),
            BTreeSet::from([date("2025-05-27"), date("2025-05-28")])
        );
        let e = Effort::of_patrol([&morning, &late], Zone::Wit, 6);
        assert_eq!((e.patrol_days, e.person_days), (2, 12));
    }

    #[test]
    fn a_long_step_counts_every_cell_it_crosses() {
        // 3 km east along a row's middle: the start cell and the next three columns,
        // as 0.027° is three cells.
        let lat = -1.5955;
        let a = pt(103.6005, lat, 0);
        let b = pt(103.6005 + 0.027, lat, 600);
        let c = cells(&Track {
            segments: vec![vec![a, b]],
        });
        let start = Cell::of(a.lon, a.lat);
        let want: BTreeSet<Cell> = (0..4)
            .map(|i| Cell {
                x: start.x + i,
                y: start.y,
            })
            .collect();
        assert_eq!(c, want);
        // A diagonal crosses rows and columns alike, each step into a neighbour.
        let d = cells(&Track {
            segments: vec![vec![pt(103.6001, -1.6001, 0), pt(103.64, -1.64, 600)]],
        });
        let v: Vec<Cell> = d.iter().copied().collect();
        assert!(v.len() >= 9, "{v:?}");
        assert!(d.contains(&Cell::of(103.6001, -1.6001)));
        assert!(d.contains(&Cell::of(103.64, -1.64)));
    }

    #[test]
    fn cells_are_about_a_square_kilometre_across_indonesia() {
        for lat in [-11.0, -6.2, 0.0, 6.0] {
            let a = Cell::of(110.0, lat).area_km2();
            assert!((0.97..1.01).contains(&a), "{lat}: {a}");
        }
        let c = Cell::of(103.6, -1.6);
        assert_eq!(Cell::parse_key(&c.key()), Some(c));
        assert_eq!(Cell::parse_key("1:x"), None);
        let [w, s, e, n] = c.bounds();
        assert!(w <= 103.6 && 103.6 < e && s <= -1.6 && -1.6 < n);
    }

    #[test]
    fn rates_per_100_km_and_per_patrol_day() {
        let mut e = Effort {
            distance_km: 50.0,
            hours: 10.0,
            patrol_days: 4,
            person_days: 20,
            cells: BTreeSet::from([Cell { x: 1, y: 1 }]),
        };
        let other = Effort {
            distance_km: 150.0,
            hours: 5.0,
            patrol_days: 1,
            person_days: 3,
            cells: BTreeSet::from([Cell { x: 1, y: 1 }, Cell { x: 2, y: 1 }]),
        };
        e.add(&other);
        assert_eq!((e.patrol_days, e.person_days, e.cells.len()), (5, 23, 2));
        let findings = BTreeMap::from([("snare".to_string(), 10), ("camp".to_string(), 0)]);
        let r = finding_rates(&e, &findings);
        assert_eq!(
            r["snare"],
            FindingRate {
                count: 10,
                per_100_km: Some(5.0),
                per_patrol_day: Some(2.0)
            }
        );
        assert_eq!(r["camp"].per_100_km, Some(0.0));
        let none = finding_rates(&Effort::default(), &findings);
        assert_eq!(none["snare"].per_100_km, None);
        assert_eq!(none["snare"].per_patrol_day, None);
    }

    fn segment() -> impl Strategy<Value = Vec<TrackPoint>> {
        (
            95.0f64..141.0,
            -11.0f64..6.0,
            prop::collection::vec((-0.05f64..0.05, -0.05f64..0.05, 1i64..3600), 1..40),
        )
            .prop_map(|(lon, lat, steps)| {
                let mut p = pt(lon, lat, 0);
                let mut out = vec![p];
                for (dlon, dlat, ds) in steps {
                    p = pt(
                        p.lon + dlon,
                        p.lat + dlat,
                        (p.time - t(0)).num_seconds() + ds,
                    );
                    out.push(p);
                }
                out
            })
    }

    proptest! {
        #[test]
        fn distance_adds_up_over_split_segments(seg in segment(), at in any::<prop::sample::Index>()) {
            let k = at.index(seg.len());
            let whole = distance(&Track { segments: vec![seg.clone()] });
            // Split at point k, which both halves share.
            let split = distance(&Track { segments: vec![seg[..=k].to_vec(), seg[k..].to_vec()] });
            prop_assert!((whole - split).abs() < 1e-9 * whole.max(1.0), "{} vs {}", whole, split);
            let hours_split = hours(&Track { segments: vec![seg[..=k].to_vec(), seg[k..].to_vec()] });
            let hours_whole = hours(&Track { segments: vec![seg.clone()] });
            prop_assert!((hours_whole - hours_split).abs() < 1e-9);
        }

        #[test]
        fn cells_hold_every_point_and_join_neighbours(seg in segment()) {
            let track = Track { segments: vec![seg.clone()] };
            let c = cells(&track);
            for p in &seg {
                prop_assert!(c.contains(&Cell::of(p.lon, p.lat)));
            }
            // A step's cells form a path of neighbours: at least as many cells as the
            // columns and rows between its ends, plus one.
            for w in seg.windows(2) {
                let (a, b) = (Cell::of(w[0].lon, w[0].lat), Cell::of(w[1].lon, w[1].lat));
                let mut one = BTreeSet::new();
                step_cells(&w[0], &w[1], &mut one);
                let span = (a.x - b.x).unsigned_abs() + (a.y - b.y).unsigned_abs() + 1;
                prop_assert_eq!(one.len(), span as usize);
                prop_assert!(one.is_subset(&c));
            }
        }
    }
}
