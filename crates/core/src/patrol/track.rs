//! A patrol leg's track: the points a phone recorded or a handheld GPS exported, and the
//! cleaning every track goes through before it is kept (ADR 16).
//!
//! Cleaning refuses what cannot be a track and drops what cannot be a position:
//!
//! - **Refused** (the whole track, every fault named, the first [`MAX_ISSUES`] of them):
//!   no point at all; more than [`MAX_POINTS`] points; a position outside WGS84
//!   (longitude −180..180, latitude −90..90, or not a finite number); a time before
//!   [`EARLIEST_YEAR`] (what a receiver whose GPS week counter rolled over writes) or more
//!   than [`FUTURE_TOLERANCE_HOURS`] after the caller's `now`; a point earlier than the
//!   point before it in the same segment. The order is refused rather than sorted: the
//!   order of the points is the route, and sorting a file whose clock jumped would draw a
//!   path nobody walked.
//! - **Dropped with a warning** naming the point (its line in a file, else its segment
//!   and number): a point that could only be reached faster than [`MAX_SPEED_KMH`] from
//!   the previous kept point, a GPS glitch. When [`CONFIRM_RUN`] points in a row agree
//!   with each other but not with the point before them, the device really is elsewhere
//!   (the track was paused while the team drove on, or the segment began with a bad first
//!   fix): the run starts a new segment, so no distance is counted across the jump, with a
//!   warning; a segment start shorter than the run is dropped as the outlier instead.
//!   Nothing else is dropped.
//!
//! [`track_sha256`] hashes a canonical text of the kept points, so the same track sent
//! twice (as the same file, or re-exported by another program) has the same hash.

use chrono::{DateTime, Datelike, Duration, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::Message;

/// The most points one track may hold: a point a second for 55 hours, more than any
/// day's leg (a phone logging every second for 12 hours records 43,200).
pub const MAX_POINTS: usize = 200_000;
/// The fastest a patrol moves, in km/h, whatever its transport: a speedboat or a car on
/// a highway stays well below, a GPS glitch (hundreds of metres in a second) far above.
pub const MAX_SPEED_KMH: f64 = 200.0;
/// How many points in a row must agree with each other for a jump to be real.
pub const CONFIRM_RUN: usize = 3;
/// Times before this year are refused: a receiver whose week counter rolled over
/// writes dates about twenty years back.
pub const EARLIEST_YEAR: i32 = 2000;
/// How far after `now` a point's time may lie, for a device's clock drift.
pub const FUTURE_TOLERANCE_HOURS: i64 = 24;
/// How many faults, or warnings, are listed one by one before the rest are counted.
pub const MAX_ISSUES: usize = 10;
/// The mean Earth radius (IUGG), in km, for haversine distances.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// One recorded position.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrackPoint {
    /// WGS84 longitude, degrees.
    pub lon: f64,
    /// WGS84 latitude, degrees.
    pub lat: f64,
    /// Elevation in metres, when the device gave one.
    pub ele: Option<f64>,
    pub time: DateTime<Utc>,
}

/// A track: segments of points in time order. Distance and duration are counted within
/// segments only, never across the gap between two.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Track {
    pub segments: Vec<Vec<TrackPoint>>,
}

impl Track {
    /// How many points the track holds.
    pub fn point_count(&self) -> usize {
        self.segments.iter().map(Vec::len).sum()
    }

    /// Every point, segment after segment.
    pub fn points(&self) -> impl Iterator<Item = &TrackPoint> {
        self.segments.iter().flatten()
    }

    /// The time of the first point.
    pub fn start(&self) -> Option<DateTime<Utc>> {
        self.points().next().map(|p| p.time)
    }

    /// The time of the last point.
    pub fn end(&self) -> Option<DateTime<Utc>> {
        self.segments.iter().rev().flatten().next().map(|p| p.time)
    }
}

/// The great-circle distance between two positions, in km (haversine).
pub fn distance_km(a: &TrackPoint, b: &TrackPoint) -> f64 {
    let (la1, la2) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = la2 - la1;
    let dlon = (b.lon - a.lon).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

/// The speed needed to go from `a` to `b`, in km/h. Times closer than a second count as a
/// second: files give whole seconds, and two fixes in the same second are noise apart.
pub fn speed_kmh(a: &TrackPoint, b: &TrackPoint) -> f64 {
    let seconds = (b.time - a.time).num_milliseconds().abs() as f64 / 1000.0;
    distance_km(a, b) / (seconds.max(1.0) / 3600.0)
}

/// Whether `lon`, `lat` is a WGS84 position.
pub fn position_ok(lon: f64, lat: f64) -> bool {
    lon.is_finite()
        && lat.is_finite()
        && (-180.0..=180.0).contains(&lon)
        && (-90.0..=90.0).contains(&lat)
}

/// Where a point was in what was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct PointAt {
    /// The segment's index (from 0).
    pub segment: usize,
    /// The point's index in its segment (from 0).
    pub point: usize,
    /// The point's line in its file, when it came from one.
    pub line: Option<u32>,
}

/// A fault or a warning about a track: where (when it is about one point) and what.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackIssue {
    pub at: Option<PointAt>,
    pub message: Message,
}

/// A cleaned track and what was dropped from it.
#[derive(Debug, Clone, PartialEq)]
pub struct CleanTrack {
    pub track: Track,
    /// What cleaning changed, in the order of the points: the first [`MAX_ISSUES`] one by
    /// one, then how many more.
    pub warnings: Vec<TrackIssue>,
    /// How many points were dropped.
    pub dropped: usize,
}

/// Cleans a track (see the module's documentation). `lines` gives the line of each point
/// in its file, in the shape of `track.segments` (empty for a track from the phone);
/// `now` is the caller's clock.
pub fn clean(
    track: Track,
    lines: &[Vec<u32>],
    now: DateTime<Utc>,
) -> Result<CleanTrack, Vec<TrackIssue>> {
    let total = track.point_count();
    if total == 0 {
        return Err(vec![TrackIssue {
            at: None,
            message: crate::msg!("track-empty", "the track has no points"),
        }]);
    }
    if total > MAX_POINTS {
        return Err(vec![TrackIssue {
            at: None,
            message: crate::msg!(
                "track-too-many-points",
                "the track has {count} points; at most {max} are accepted, so send one track per day",
                count = total,
                max = MAX_POINTS
            ),
        }]);
    }
    let at = |segment: usize, point: usize| PointAt {
        segment,
        point,
        line: lines.get(segment).and_then(|l| l.get(point)).copied(),
    };
    let latest = now + Duration::hours(FUTURE_TOLERANCE_HOURS);
    let mut faults = Listed::default();
    for (s, seg) in track.segments.iter().enumerate() {
        for (i, p) in seg.iter().enumerate() {
            if !position_ok(p.lon, p.lat) {
                faults.push(at(s, i), Fault::Position(p.lon, p.lat));
            }
            if p.time.year() < EARLIEST_YEAR {
                faults.push(at(s, i), Fault::TooEarly(p.time));
            } else if p.time > latest {
                faults.push(at(s, i), Fault::Future(p.time));
            }
            if let Some(prev) = i.checked_sub(1).map(|j| &seg[j]) {
                if p.time < prev.time {
                    faults.push(at(s, i), Fault::Order(p.time, prev.time));
                }
            }
        }
    }
    if faults.count > 0 {
        return Err(faults.issues(Fault::message));
    }
    let mut segments = Vec::new();
    let mut notes = Listed::default();
    for (s, seg) in track.segments.into_iter().enumerate() {
        if !seg.is_empty() {
            filter_segment(seg, |i| at(s, i), &mut segments, &mut notes);
        }
    }
    let dropped = notes.dropped;
    Ok(CleanTrack {
        track: Track { segments },
        warnings: notes.issues(Note::message),
        dropped,
    })
}

/// Keeps the plausible points of one segment, splitting it at a confirmed jump.
fn filter_segment(
    points: Vec<TrackPoint>,
    at: impl Fn(usize) -> PointAt,
    out: &mut Vec<Vec<TrackPoint>>,
    notes: &mut Listed<Note>,
) {
    let plausible = |a: &TrackPoint, b: &TrackPoint| speed_kmh(a, b) <= MAX_SPEED_KMH;
    // The kept points of the segment being built, and the input indices of its first
    // few (while it is shorter than a confirming run, its start may still be dropped).
    let mut current: Vec<TrackPoint> = Vec::new();
    let mut head: Vec<usize> = Vec::new();
    // Implausible points in a row that agree with each other.
    let mut pending: Vec<(usize, TrackPoint)> = Vec::new();
    for (i, p) in points.into_iter().enumerate() {
        let Some(last) = current.last().copied() else {
            current.push(p);
            head.push(i);
            continue;
        };
        if plausible(&last, &p) {
            for (j, q) in pending.drain(..) {
                notes.drop(at(j), speed_kmh(&last, &q));
            }
            current.push(p);
            if head.len() < CONFIRM_RUN {
                head.push(i);
            }
            continue;
        }
        if pending.last().is_some_and(|(_, q)| !plausible(q, &p)) {
            for (j, q) in pending.drain(..) {
                notes.drop(at(j), speed_kmh(&last, &q));
            }
        }
        pending.push((i, p));
        if pending.len() < CONFIRM_RUN {
            continue;
        }
        let first = pending[0].1;
        if current.len() < CONFIRM_RUN {
            // Too short a start to trust over the run after it: that start is the outlier.
            for (k, j) in head.iter().enumerate() {
                notes.drop(at(*j), speed_kmh(&current[k], &first));
            }
        } else {
            let minutes = (first.time - last.time).num_seconds() as f64 / 60.0;
            notes.push(
                at(pending[0].0),
                Note::Jump {
                    km: distance_km(&last, &first),
                    minutes,
                },
            );
            out.push(std::mem::take(&mut current));
        }
        current.clear();
        head.clear();
        for (j, q) in pending.drain(..) {
            current.push(q);
            if head.len() < CONFIRM_RUN {
                head.push(j);
            }
        }
    }
    if let Some(last) = current.last().copied() {
        for (j, q) in pending.drain(..) {
            notes.drop(at(j), speed_kmh(&last, &q));
        }
        out.push(current);
    }
}

/// Issues about points, kept small until the first few are written out in point order.
struct Listed<T> {
    items: Vec<(PointAt, T)>,
    count: usize,
    dropped: usize,
}

impl<T> Default for Listed<T> {
    fn default() -> Self {
        Listed {
            items: Vec::new(),
            count: 0,
            dropped: 0,
        }
    }
}

impl<T> Listed<T> {
    fn push(&mut self, at: PointAt, item: T) {
        self.count += 1;
        self.items.push((at, item));
    }

    /// The first [`MAX_ISSUES`] in point order as messages, then how many more.
    fn issues(mut self, message: impl Fn(&T, &PointAt) -> Message) -> Vec<TrackIssue> {
        self.items.sort_by_key(|(at, _)| *at);
        let more = self.items.len().saturating_sub(MAX_ISSUES);
        let mut out: Vec<TrackIssue> = self
            .items
            .iter()
            .take(MAX_ISSUES)
            .map(|(at, item)| TrackIssue {
                at: Some(*at),
                message: message(item, at),
            })
            .collect();
        if more > 0 {
            out.push(TrackIssue {
                at: None,
                message: crate::msg!("list-more", "and {count} more", count = more),
            });
        }
        out
    }
}

impl Listed<Note> {
    fn drop(&mut self, at: PointAt, speed_kmh: f64) {
        self.dropped += 1;
        self.push(at, Note::Dropped { speed_kmh });
    }
}

/// A fault that refuses the track.
enum Fault {
    Position(f64, f64),
    TooEarly(DateTime<Utc>),
    Future(DateTime<Utc>),
    Order(DateTime<Utc>, DateTime<Utc>),
}

/// A change cleaning made.
enum Note {
    Dropped { speed_kmh: f64 },
    Jump { km: f64, minutes: f64 },
}

/// A message about one point, naming it by its line in a file, else by its segment and
/// number (from 1).
fn of_point(
    at: &PointAt,
    by_line: impl FnOnce(u32) -> Message,
    by_number: impl FnOnce(usize, usize) -> Message,
) -> Message {
    match at.line {
        Some(line) => by_line(line),
        None => by_number(at.point + 1, at.segment + 1),
    }
}

fn time_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

impl Fault {
    fn message(&self, at: &PointAt) -> Message {
        match *self {
            Fault::Position(x, y) => of_point(
                at,
                |ln| {
                    crate::msg!(
                        "track-position-invalid-line",
                        "line {line}: {lon}, {lat} is not a position (longitude -180 to 180, latitude -90 to 90)",
                        line = ln,
                        lon = x,
                        lat = y
                    )
                },
                |n, seg| {
                    crate::msg!(
                        "track-position-invalid",
                        "point {point} of segment {segment}: {lon}, {lat} is not a position (longitude -180 to 180, latitude -90 to 90)",
                        point = n,
                        segment = seg,
                        lon = x,
                        lat = y
                    )
                },
            ),
            Fault::TooEarly(t) => of_point(
                at,
                |ln| {
                    crate::msg!(
                        "track-time-too-early-line",
                        "line {line}: the time {time} is before {year}; a receiver whose week counter rolled over writes such dates, so set its date and export the track again",
                        line = ln,
                        time = time_text(t),
                        year = EARLIEST_YEAR
                    )
                },
                |n, seg| {
                    crate::msg!(
                        "track-time-too-early",
                        "point {point} of segment {segment}: the time {time} is before {year}; a receiver whose week counter rolled over writes such dates, so set its date and export the track again",
                        point = n,
                        segment = seg,
                        time = time_text(t),
                        year = EARLIEST_YEAR
                    )
                },
            ),
            Fault::Future(t) => of_point(
                at,
                |ln| {
                    crate::msg!(
                        "track-time-future-line",
                        "line {line}: the time {time} lies in the future",
                        line = ln,
                        time = time_text(t)
                    )
                },
                |n, seg| {
                    crate::msg!(
                        "track-time-future",
                        "point {point} of segment {segment}: the time {time} lies in the future",
                        point = n,
                        segment = seg,
                        time = time_text(t)
                    )
                },
            ),
            Fault::Order(t, prev) => of_point(
                at,
                |ln| {
                    crate::msg!(
                        "track-time-order-line",
                        "line {line}: the time {time} is earlier than the point before ({previous}); the points of a segment must be in time order",
                        line = ln,
                        time = time_text(t),
                        previous = time_text(prev)
                    )
                },
                |n, seg| {
                    crate::msg!(
                        "track-time-order",
                        "point {point} of segment {segment}: the time {time} is earlier than the point before ({previous}); the points of a segment must be in time order",
                        point = n,
                        segment = seg,
                        time = time_text(t),
                        previous = time_text(prev)
                    )
                },
            ),
        }
    }
}

impl Note {
    fn message(&self, at: &PointAt) -> Message {
        match *self {
            Note::Dropped { speed_kmh } => {
                let speed = format!("{speed_kmh:.0}");
                of_point(
                    at,
                    |ln| {
                        crate::msg!(
                            "track-point-dropped-line",
                            "line {line}: the point is left out: reaching it takes {speed} km/h, faster than {max} km/h",
                            line = ln,
                            speed = speed.clone(),
                            max = MAX_SPEED_KMH
                        )
                    },
                    |n, seg| {
                        crate::msg!(
                            "track-point-dropped",
                            "point {point} of segment {segment}: the point is left out: reaching it takes {speed} km/h, faster than {max} km/h",
                            point = n,
                            segment = seg,
                            speed = speed.clone(),
                            max = MAX_SPEED_KMH
                        )
                    },
                )
            }
            Note::Jump { km, minutes } => {
                let (km, minutes) = (format!("{km:.1}"), format!("{minutes:.0}"));
                of_point(
                    at,
                    |ln| {
                        crate::msg!(
                            "track-jump-line",
                            "line {line}: the track jumps {km} km in {minutes} minutes, faster than {max} km/h; the points from here on are a new segment",
                            line = ln,
                            km = km.clone(),
                            minutes = minutes.clone(),
                            max = MAX_SPEED_KMH
                        )
                    },
                    |n, seg| {
                        crate::msg!(
                            "track-jump",
                            "point {point} of segment {segment}: the track jumps {km} km in {minutes} minutes, faster than {max} km/h; the points from here on are a new segment",
                            point = n,
                            segment = seg,
                            km = km.clone(),
                            minutes = minutes.clone(),
                            max = MAX_SPEED_KMH
                        )
                    },
                )
            }
        }
    }
}

/// The text [`track_sha256`] hashes: a header line, then one line per kept point,
/// `lon lat time`, with longitude and latitude in millionths of a degree (about 11 cm)
/// and the time in whole seconds since 1970. Elevation, sub-second times and the
/// segments are left out: two exports of one recording differ in exactly those, and they
/// are still the same walk. Never change it: stored hashes are computed over it.
pub fn canonical_text(track: &Track) -> String {
    let mut out = String::with_capacity(16 + track.point_count() * 32);
    out.push_str("sinergi-track 1\n");
    for p in track.points() {
        let micro = |d: f64| (d * 1e6).round() as i64;
        out.push_str(&format!(
            "{} {} {}\n",
            micro(p.lon),
            micro(p.lat),
            p.time.timestamp()
        ));
    }
    out
}

/// The hex SHA-256 of [`canonical_text`]: the same track twice has the same hash, so a
/// second upload of it is found and not counted again.
pub fn track_sha256(track: &Track) -> String {
    hex::encode(Sha256::digest(canonical_text(track).as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn t(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_748_300_000 + s, 0).expect("a time")
    }

    fn pt(lon: f64, lat: f64, s: i64) -> TrackPoint {
        TrackPoint {
            lon,
            lat,
            ele: None,
            time: t(s),
        }
    }

    /// A walk east along the equator near Jambi: 0.0001° (11 m) every 10 s.
    fn walk(n: usize, from_s: i64, lon0: f64) -> Vec<TrackPoint> {
        (0..n)
            .map(|i| pt(lon0 + i as f64 * 0.0001, -1.6, from_s + 10 * i as i64))
            .collect()
    }

    fn now() -> DateTime<Utc> {
        t(100_000)
    }

    #[test]
    fn distances_are_great_circle() {
        // One degree of longitude on the equator.
        let d = distance_km(&pt(103.0, 0.0, 0), &pt(104.0, 0.0, 0));
        assert!((d - 111.195).abs() < 0.01, "{d}");
        assert_eq!(distance_km(&pt(103.0, -1.0, 0), &pt(103.0, -1.0, 0)), 0.0);
        // 1.11 km in 60 s is 66.7 km/h; in 0 s it counts as one second.
        let s = speed_kmh(&pt(103.0, 0.0, 0), &pt(103.01, 0.0, 60));
        assert!((s - 66.72).abs() < 0.1, "{s}");
        assert!(speed_kmh(&pt(103.0, 0.0, 0), &pt(103.001, 0.0, 0)) > 300.0);
    }

    #[test]
    fn a_clean_track_is_kept_whole() {
        let track = Track {
            segments: vec![walk(50, 0, 103.6), walk(20, 5000, 103.7)],
        };
        let c = clean(track.clone(), &[], now()).expect("clean");
        assert_eq!(c.track, track);
        assert!(c.warnings.is_empty());
        assert_eq!(c.dropped, 0);
    }

    #[test]
    fn a_glitch_is_dropped_and_named_by_its_line() {
        let mut seg = walk(10, 0, 103.6);
        // 500 km north in ten seconds.
        seg[4].lat += 4.5;
        let lines = vec![(0..10).map(|i| 20 + i * 4).collect::<Vec<u32>>()];
        let c = clean(
            Track {
                segments: vec![seg],
            },
            &lines,
            now(),
        )
        .expect("clean");
        assert_eq!(c.track.point_count(), 9);
        assert_eq!(c.dropped, 1);
        assert_eq!(c.warnings.len(), 1);
        let w = &c.warnings[0];
        assert_eq!(w.at.map(|a| (a.point, a.line)), Some((4, Some(36))));
        assert_eq!(w.message.code(), Some("track-point-dropped-line"));
        assert!(
            w.message
                .starts_with("line 36: the point is left out: reaching it takes "),
            "{}",
            w.message
        );
        assert!(
            w.message.ends_with("km/h, faster than 200 km/h"),
            "{}",
            w.message
        );
    }

    #[test]
    fn a_jump_of_500_km_in_a_minute_is_dropped_not_followed() {
        // Two bad points in a row that agree with each other are still fewer than a
        // confirming run: both are dropped, the walk goes on.
        let mut seg = walk(10, 0, 103.6);
        seg[5].lon += 4.5;
        seg[6].lon += 4.5;
        let c = clean(
            Track {
                segments: vec![seg],
            },
            &[],
            now(),
        )
        .expect("clean");
        assert_eq!(c.track.point_count(), 8);
        assert_eq!(c.dropped, 2);
        assert!(c.warnings[0]
            .message
            .starts_with("point 6 of segment 1: the point is left out"));
    }

    #[test]
    fn a_bad_first_fix_is_dropped_not_trusted() {
        let mut seg = walk(10, 0, 103.6);
        seg[0].lat += 10.0;
        let c = clean(
            Track {
                segments: vec![seg.clone()],
            },
            &[],
            now(),
        )
        .expect("clean");
        assert_eq!(c.track.segments, vec![seg[1..].to_vec()]);
        assert_eq!(c.dropped, 1);
        assert_eq!(c.warnings[0].at.map(|a| a.point), Some(0));
    }

    #[test]
    fn a_confirmed_jump_starts_a_new_segment() {
        // The recording was paused while the team drove 60 km in 10 minutes (360 km/h
        // as the fixes say, because the pause hid the drive's time).
        let mut seg = walk(10, 0, 103.6);
        seg.extend(walk(10, 700, 104.14));
        let c = clean(
            Track {
                segments: vec![seg.clone()],
            },
            &[],
            now(),
        )
        .expect("clean");
        assert_eq!(
            c.track.segments,
            vec![seg[..10].to_vec(), seg[10..].to_vec()]
        );
        assert_eq!(c.dropped, 0);
        assert_eq!(c.warnings.len(), 1);
        assert_eq!(
            c.warnings[0].message,
            "point 11 of segment 1: the track jumps 59.9 km in 10 minutes, faster than 200 km/h; the points from here on are a new segment"
        );
        // A drive at a believable speed is no jump at all.
        let mut seg = walk(10, 0, 103.6);
        seg.extend(walk(10, 3600, 104.14));
        let c = clean(
            Track {
                segments: vec![seg],
            },
            &[],
            now(),
        )
        .expect("clean");
        assert_eq!(c.track.segments.len(), 1);
        assert!(c.warnings.is_empty());
    }

    #[test]
    fn faults_refuse_the_track_naming_every_point() {
        let mut seg = walk(5, 0, 103.6);
        seg[1].lat = 91.0;
        seg[2].time = t(-10);
        seg[3].time = DateTime::from_timestamp(600_000_000, 0).expect("1989");
        seg[4].time = now() + Duration::hours(25);
        let lines = vec![vec![3, 4, 5, 6, 7]];
        let errs = clean(
            Track {
                segments: vec![seg],
            },
            &lines,
            now(),
        )
        .expect_err("refused");
        let said: Vec<&str> = errs.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(said.len(), 5, "{said:#?}");
        assert_eq!(
            said[0],
            "line 4: 103.6001, 91 is not a position (longitude -180 to 180, latitude -90 to 90)"
        );
        assert!(said[1].starts_with("line 5: the time 2025-05-26T22:53:10Z is earlier than the point before (2025-05-26T22:53:30Z)"), "{}", said[1]);
        assert!(
            said[2].starts_with("line 6: the time 1989-01-05T10:40:00Z is before 2000"),
            "{}",
            said[2]
        );
        assert!(
            said[3].starts_with("line 6: the time 1989-01-05T10:40:00Z is earlier"),
            "{}",
            said[3]
        );
        assert!(
            said[4].starts_with("line 7: the time 2025-05-29T03:40:00Z lies in the future"),
            "{}",
            said[4]
        );
    }

    #[test]
    fn many_faults_are_listed_up_to_a_limit_then_counted() {
        let seg: Vec<TrackPoint> = (0..25).map(|i| pt(200.0, 0.0, i)).collect();
        let errs = clean(
            Track {
                segments: vec![seg],
            },
            &[],
            now(),
        )
        .expect_err("refused");
        assert_eq!(errs.len(), MAX_ISSUES + 1);
        assert_eq!(errs[MAX_ISSUES].message, "and 15 more");
        assert_eq!(errs[MAX_ISSUES].at, None);
    }

    #[test]
    fn empty_and_oversized_tracks_are_refused_with_the_cap() {
        let errs = clean(Track::default(), &[], now()).expect_err("empty");
        assert_eq!(errs[0].message, "the track has no points");
        let errs = clean(
            Track {
                segments: vec![walk(MAX_POINTS + 1, 0, 103.6)],
            },
            &[],
            now(),
        )
        .expect_err("too many");
        assert_eq!(
            errs[0].message,
            "the track has 200001 points; at most 200000 are accepted, so send one track per day"
        );
    }

    #[test]
    fn equal_tracks_hash_alike_whatever_their_export() {
        let track = Track {
            segments: vec![walk(30, 0, 103.6)],
        };
        let mut other = track.clone();
        // Another program: elevation added, milliseconds, one segment split in two,
        // coordinates at more decimals.
        for p in &mut other.segments[0] {
            p.ele = Some(40.0);
            p.lon += 1e-9;
            p.time += Duration::milliseconds(300);
        }
        let tail = other.segments[0].split_off(12);
        other.segments.push(tail);
        assert_eq!(track_sha256(&track), track_sha256(&other));
        let mut moved = track.clone();
        moved.segments[0][3].lat += 0.00001;
        assert_ne!(track_sha256(&track), track_sha256(&moved));
    }

    #[test]
    fn the_hashed_text_is_pinned() {
        let track = Track {
            segments: vec![vec![
                pt(103.6123456, -1.6, 0),
                pt(-0.0000001, 0.0000004, 60),
            ]],
        };
        assert_eq!(
            canonical_text(&track),
            "sinergi-track 1\n103612346 -1600000 1748300000\n0 0 1748300060\n"
        );
        assert_eq!(
            track_sha256(&track),
            hex::encode(Sha256::digest(canonical_text(&track).as_bytes()))
        );
    }
}
