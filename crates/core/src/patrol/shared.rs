//! Patrols exchanged under agreements, like reports (ADR 5, ADR 16).
//!
//! A clause that lets an agency see the **patrol results** of another (the report type
//! [`PATROL_TYPE`], or its category `patrol`) also lets it see that agency's patrols up
//! to the clause's sensitivity: [`decide`] gives the form, exactly as for a report of that
//! type. A patrol seen through an agreement is read-only and delivered by
//! [`deliver`]: members keep their agency and role but not their names (people on patrol
//! are not what the agreement shares), and the tracks take the clause's precision:
//!
//! - exact: the tracks as recorded;
//! - a grid of *m* metres: every point moved to the centre of its grid cell
//!   ([`crate::sharing::snap`], the same fixed grid reports are coarsened on), runs of
//!   points in one cell kept as the first, elevation left out — a path from cell to cell
//!   that shows where the patrol went at that precision and no finer;
//! - region: no track at all (the patrol's area remains).
//!
//! Everything computed from a shared patrol (its distance, its cells, its place in a
//! summary) is computed from the delivered tracks (ADR 9).

use crate::access::ReportAccess;
use crate::sharing::{self, Form, Precision, Viewer};

use super::track::{Track, TrackPoint};
use super::{Leg, Member, Patrol};

/// The report type whose clauses carry patrols.
pub const PATROL_TYPE: &str = "patrol_finding";

/// The form `viewer` receives a patrol in through agreements alone (`None`: no clause
/// covers it). Patrols the viewer sees as a member or owner are not asked here.
pub fn decide(viewer: &Viewer, p: &Patrol) -> Option<Form> {
    sharing::decide(
        viewer,
        &ReportAccess {
            owner_agency: p.owner_agency_id,
            author: p.created_by,
            sensitivity: p.sensitivity,
        },
        PATROL_TYPE,
        false,
        &[],
        viewer.now,
    )
}

/// A track at `precision`; `None` when no track may be shown (region precision).
pub fn coarsen_track(track: &Track, precision: Precision) -> Option<Track> {
    match precision {
        Precision::Exact => Some(track.clone()),
        Precision::Region => None,
        Precision::Grid(m) => Some(Track {
            segments: track
                .segments
                .iter()
                .map(|seg| {
                    let mut out: Vec<TrackPoint> = Vec::new();
                    for p in seg {
                        let (lon, lat) = sharing::snap(p.lon, p.lat, m);
                        if out.last().is_some_and(|q| q.lon == lon && q.lat == lat) {
                            continue;
                        }
                        out.push(TrackPoint {
                            lon,
                            lat,
                            ele: None,
                            time: p.time,
                        });
                    }
                    out
                })
                .collect(),
        }),
    }
}

/// What the viewer receives of a patrol and its legs in `form`.
/// Takes the stored patrol and legs, so the full form (the common case) hands them on
/// without copying tracks of up to 200,000 points.
pub fn deliver(p: Patrol, legs: Vec<Leg>, form: &Form) -> (Patrol, Vec<Leg>) {
    let Form::Shared { precision, .. } = form else {
        return (p, legs);
    };
    let mut shared = p;
    shared.members = shared
        .members
        .iter()
        .map(|m| Member {
            agency_id: m.agency_id,
            user_id: None,
            name: String::new(),
            role: m.role,
        })
        .collect();
    let legs = legs
        .into_iter()
        .filter_map(|l| coarsen_track(&l.track, *precision).map(|track| Leg { track, ..l }))
        .collect();
    (shared, legs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};

    fn pt(lon: f64, lat: f64, s: i64) -> TrackPoint {
        TrackPoint {
            lon,
            lat,
            ele: Some(900.0),
            time: DateTime::<Utc>::from_timestamp(1_748_300_000 + s, 0).expect("time"),
        }
    }

    #[test]
    fn a_coarsened_track_moves_from_cell_centre_to_cell_centre() {
        // 3 km east in 30 m steps.
        let seg: Vec<TrackPoint> = (0..100)
            .map(|i| pt(101.30 + f64::from(i) * 0.00027, -1.90, i64::from(i) * 20))
            .collect();
        let track = Track {
            segments: vec![seg.clone()],
        };
        let coarse = coarsen_track(&track, Precision::Grid(1000)).expect("a grid keeps a track");
        let pts = &coarse.segments[0];
        assert!((3..=5).contains(&pts.len()), "{} cells", pts.len());
        for p in pts {
            assert_eq!(
                (p.lon, p.lat),
                sharing::snap(p.lon, p.lat, 1000),
                "a centre"
            );
            assert_eq!(p.ele, None);
        }
        // No point of the true track survives.
        assert!(pts
            .iter()
            .all(|p| seg.iter().all(|q| (q.lon, q.lat) != (p.lon, p.lat))));
        assert_eq!(coarsen_track(&track, Precision::Exact), Some(track.clone()));
        assert_eq!(coarsen_track(&track, Precision::Region), None);
    }
}
