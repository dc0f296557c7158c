//! Behaviour of the engine as a user of its events sees it.

use geo_types::{Coord, LineString, MultiLineString, MultiPolygon, Polygon};
use proptest::prelude::*;
use uuid::Uuid;

use crate::*;

/// The reference point of the test geometry, in Sumatra.
const LON0: f64 = 101.0;
const LAT0: f64 = 0.5;
/// 2025-11-20T00:00:00Z.
const MIDNIGHT_UTC: i64 = 1_763_596_800_000;
const T0: i64 = MIDNIGHT_UTC + 3 * HOUR;
const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;

/// Longitude and latitude `dx` metres east and `dy` metres north of the reference point.
fn pos(dx: f64, dy: f64) -> (f64, f64) {
    (
        LON0 + dx / (METRES_PER_DEGREE_LON * LAT0.to_radians().cos()),
        LAT0 + dy / METRES_PER_DEGREE_LAT,
    )
}

fn coord(dx: f64, dy: f64) -> Coord<f64> {
    let (x, y) = pos(dx, dy);
    Coord { x, y }
}

fn fid(n: u128) -> FenceId {
    FenceId(Uuid::from_u128(0xF0 + n))
}

fn rid(n: u128) -> RuleId {
    RuleId(Uuid::from_u128(0xA0 + n))
}

fn sid(n: u128) -> SubjectId {
    SubjectId(Uuid::from_u128(0x50 + n))
}

fn ring(points: &[(f64, f64)]) -> LineString<f64> {
    let mut coords: Vec<Coord<f64>> = points.iter().map(|&(x, y)| coord(x, y)).collect();
    coords.push(coords[0]);
    LineString(coords)
}

fn square_ring(cx: f64, cy: f64, half: f64) -> LineString<f64> {
    ring(&[
        (cx - half, cy - half),
        (cx + half, cy - half),
        (cx + half, cy + half),
        (cx - half, cy + half),
    ])
}

/// A square of side `2 * half` metres centred `cx, cy` metres from the reference point.
fn square(id: FenceId, cx: f64, cy: f64, half: f64) -> Fence {
    Fence {
        id,
        shape: FenceShape::Polygon(MultiPolygon(vec![Polygon::new(
            square_ring(cx, cy, half),
            vec![],
        )])),
    }
}

fn line(id: FenceId, points: &[(f64, f64)]) -> Fence {
    let coords = points.iter().map(|&(x, y)| coord(x, y)).collect();
    Fence {
        id,
        shape: FenceShape::Line(MultiLineString(vec![LineString(coords)])),
    }
}

fn rule(n: u128, trigger: Trigger) -> Rule {
    Rule {
        id: rid(n),
        fences: Vec::new(),
        subjects: SubjectFilter::Any,
        trigger,
        hysteresis_m: 0.0,
        quiet_period_s: 0,
        active_hours: None,
    }
}

fn engine(fences: Vec<Fence>, rules: Vec<Rule>) -> Engine {
    let mut engine = Engine::new();
    engine.add_fences(fences).expect("valid fences");
    for r in rules {
        engine.upsert_rule(r).expect("valid rule");
    }
    engine
}

/// Evaluates a track fix `dx, dy` metres from the reference point and returns its events.
fn track(engine: &mut Engine, subject: SubjectId, at_ms: i64, dx: f64, dy: f64) -> Vec<Event> {
    let (lon, lat) = pos(dx, dy);
    let mut out = Vec::new();
    engine.evaluate(&Fix::track(subject, at_ms, lon, lat), &mut out);
    out
}

fn kinds(events: &[Event]) -> Vec<EventKind> {
    events.iter().map(|e| e.kind).collect()
}

// ---------------------------------------------------------------------------------------
// Enter and exit

#[test]
fn entering_and_leaving_a_village_raises_enter_then_exit() {
    let mut e = engine(
        vec![square(fid(1), 0.0, 0.0, 500.0)],
        vec![rule(1, Trigger::Enter), rule(2, Trigger::Exit)],
    );
    let elephant = sid(1);
    assert!(track(&mut e, elephant, T0, -800.0, 0.0).is_empty());
    assert!(track(&mut e, elephant, T0 + 15 * MINUTE, -520.0, 0.0).is_empty());

    let entered = track(&mut e, elephant, T0 + 30 * MINUTE, -480.0, 0.0);
    assert_eq!(entered.len(), 1);
    let event = entered[0];
    assert_eq!(
        (event.kind, event.rule, event.fence, event.subject),
        (EventKind::Enter, rid(1), fid(1), Some(elephant))
    );
    assert_eq!(event.at_ms, T0 + 30 * MINUTE);
    assert_eq!((event.lon, event.lat), pos(-480.0, 0.0));
    assert_eq!(e.inside_fences(elephant), vec![fid(1)]);

    assert!(track(&mut e, elephant, T0 + 45 * MINUTE, 0.0, 0.0).is_empty());
    let left = track(&mut e, elephant, T0 + 60 * MINUTE, 0.0, 510.0);
    assert_eq!(kinds(&left), vec![EventKind::Exit]);
    assert_eq!(left[0].rule, rid(2));
    assert!(e.inside_fences(elephant).is_empty());
    // Far away: the fence is no longer even a candidate; nothing more happens.
    assert!(track(&mut e, elephant, T0 + 75 * MINUTE, 0.0, 5000.0).is_empty());
}

/// A dry run evaluates on a clone: the clone raises what the original would, and the
/// original is untouched by it.
#[test]
fn a_clone_evaluates_apart_from_the_original() {
    let mut quiet = rule(1, Trigger::Enter);
    quiet.quiet_period_s = 3600;
    let mut e = engine(vec![square(fid(1), 0.0, 0.0, 500.0)], vec![quiet]);
    let elephant = sid(1);
    assert!(track(&mut e, elephant, T0, -800.0, 0.0).is_empty());
    let mut trial = e.clone();
    let on_trial = track(&mut trial, elephant, T0 + 10 * MINUTE, 0.0, 0.0);
    assert_eq!(kinds(&on_trial), vec![EventKind::Enter]);
    assert_eq!(trial.inside_fences(elephant), vec![fid(1)]);
    assert!(
        e.inside_fences(elephant).is_empty(),
        "the original did not move"
    );
    let real = track(&mut e, elephant, T0 + 10 * MINUTE, 0.0, 0.0);
    assert_eq!(real, on_trial, "nor did its quiet period start");
}

#[test]
fn leaving_far_beyond_the_envelope_in_one_step_still_raises_exit() {
    let mut e = engine(
        vec![square(fid(1), 0.0, 0.0, 500.0)],
        vec![rule(2, Trigger::Exit)],
    );
    let s = sid(1);
    track(&mut e, s, T0, 0.0, 0.0);
    let left = track(&mut e, s, T0 + HOUR, 20_000.0, 0.0);
    assert_eq!(kinds(&left), vec![EventKind::Exit]);
}

#[test]
fn first_fix_inside_only_establishes_state() {
    let mut e = engine(
        vec![square(fid(1), 0.0, 0.0, 500.0)],
        vec![rule(1, Trigger::Enter), rule(2, Trigger::Exit)],
    );
    let (lon, lat) = pos(0.0, 0.0);
    let mut out = Vec::new();
    assert_eq!(
        e.evaluate(&Fix::track(sid(1), T0, lon, lat), &mut out),
        Outcome::Established
    );
    assert!(out.is_empty());
    assert!(track(&mut e, sid(1), T0 + MINUTE, 10.0, 0.0).is_empty());
    assert_eq!(
        kinds(&track(&mut e, sid(1), T0 + 2 * MINUTE, 900.0, 0.0)),
        vec![EventKind::Exit]
    );
}

#[test]
fn hysteresis_needs_the_margin_on_both_sides() {
    let mut enter = rule(1, Trigger::Enter);
    enter.hysteresis_m = 50.0;
    let mut exit = rule(2, Trigger::Exit);
    exit.hysteresis_m = 50.0;
    let mut e = engine(vec![square(fid(1), 0.0, 0.0, 500.0)], vec![enter, exit]);
    let s = sid(1);
    track(&mut e, s, T0, 700.0, 0.0);
    assert!(
        track(&mut e, s, T0 + MINUTE, 480.0, 0.0).is_empty(),
        "20 m inside is within the band"
    );
    assert_eq!(
        kinds(&track(&mut e, s, T0 + 2 * MINUTE, 440.0, 0.0)),
        vec![EventKind::Enter]
    );
    assert!(
        track(&mut e, s, T0 + 3 * MINUTE, 520.0, 0.0).is_empty(),
        "20 m outside is within the band"
    );
    assert!(track(&mut e, s, T0 + 4 * MINUTE, 470.0, 0.0).is_empty());
    assert_eq!(
        kinds(&track(&mut e, s, T0 + 5 * MINUTE, 560.0, 0.0)),
        vec![EventKind::Exit]
    );
}

#[test]
fn rules_with_different_hysteresis_keep_their_own_membership() {
    let strict = rule(1, Trigger::Enter);
    let mut calm = rule(2, Trigger::Enter);
    calm.hysteresis_m = 100.0;
    let mut e = engine(vec![square(fid(1), 0.0, 0.0, 500.0)], vec![strict, calm]);
    let s = sid(1);
    track(&mut e, s, T0, 700.0, 0.0);
    let first = track(&mut e, s, T0 + MINUTE, 450.0, 0.0);
    assert_eq!(
        first.iter().map(|e| e.rule).collect::<Vec<_>>(),
        vec![rid(1)]
    );
    let second = track(&mut e, s, T0 + 2 * MINUTE, 300.0, 0.0);
    assert_eq!(
        second.iter().map(|e| e.rule).collect::<Vec<_>>(),
        vec![rid(2)]
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// GPS jitter within ±h/2 of a boundary never flaps, from either side; a real move
    /// across still raises exactly one event.
    #[test]
    fn jitter_across_a_boundary_raises_nothing(
        h in 10.0f64..120.0,
        start_inside in any::<bool>(),
        jitter in prop::collection::vec((-0.49f64..0.49, -300.0f64..300.0), 1..60),
    ) {
        let mut enter = rule(1, Trigger::Enter);
        enter.hysteresis_m = h;
        let mut exit = rule(2, Trigger::Exit);
        exit.hysteresis_m = h;
        let mut e = engine(vec![square(fid(1), 0.0, 0.0, 1000.0)], vec![enter, exit]);
        let s = sid(1);
        let mut t = T0;
        let start_x = if start_inside { 1000.0 - 3.0 * h } else { 1000.0 + 3.0 * h };
        prop_assert!(track(&mut e, s, t, start_x, 0.0).is_empty());
        for (offset, along) in jitter {
            t += MINUTE;
            let events = track(&mut e, s, t, 1000.0 + offset * h, along);
            prop_assert!(events.is_empty(), "jitter at {} m raised {:?}", offset * h, kinds(&events));
        }
        t += MINUTE;
        let across = if start_inside { 1000.0 + 1.5 * h } else { 1000.0 - 1.5 * h };
        let expected = if start_inside { EventKind::Exit } else { EventKind::Enter };
        prop_assert_eq!(kinds(&track(&mut e, s, t, across, 0.0)), vec![expected]);
    }
}

// ---------------------------------------------------------------------------------------
// Quiet period, dwell, active hours

#[test]
fn quiet_period_suppresses_then_allows() {
    let mut enter = rule(1, Trigger::Enter);
    enter.quiet_period_s = 600;
    let mut e = engine(
        vec![square(fid(1), 0.0, 0.0, 500.0)],
        vec![enter, rule(2, Trigger::Exit)],
    );
    let s = sid(1);
    track(&mut e, s, T0, -700.0, 0.0);
    assert_eq!(
        kinds(&track(&mut e, s, T0 + MINUTE, 0.0, 0.0)),
        vec![EventKind::Enter]
    );
    assert_eq!(
        kinds(&track(&mut e, s, T0 + 2 * MINUTE, -700.0, 0.0)),
        vec![EventKind::Exit]
    );
    // Back in 4 minutes after the Enter: suppressed, but the state follows (the next exit is raised).
    assert!(track(&mut e, s, T0 + 5 * MINUTE, 0.0, 0.0).is_empty());
    assert_eq!(
        kinds(&track(&mut e, s, T0 + 6 * MINUTE, -700.0, 0.0)),
        vec![EventKind::Exit]
    );
    // Back 10 minutes after the last raised Enter: raised again.
    assert_eq!(
        kinds(&track(&mut e, s, T0 + 11 * MINUTE, 0.0, 0.0)),
        vec![EventKind::Enter]
    );
    // Quiet memory is per subject: another subject is not held back.
    track(&mut e, sid(2), T0 + 11 * MINUTE, -700.0, 0.0);
    assert_eq!(
        kinds(&track(&mut e, sid(2), T0 + 12 * MINUTE, 0.0, 0.0)),
        vec![EventKind::Enter]
    );
}

#[test]
fn dwell_fires_once_per_visit_after_n_minutes() {
    let mut e = engine(
        vec![square(fid(1), 0.0, 0.0, 500.0)],
        vec![rule(3, Trigger::Dwell { minutes: 30 })],
    );
    let s = sid(1);
    track(&mut e, s, T0, -700.0, 0.0);
    assert!(track(&mut e, s, T0 + 10 * MINUTE, 0.0, 0.0).is_empty());
    assert!(track(&mut e, s, T0 + 39 * MINUTE, 10.0, 0.0).is_empty());
    let dwell = track(&mut e, s, T0 + 40 * MINUTE, 20.0, 0.0);
    assert_eq!(kinds(&dwell), vec![EventKind::Dwell]);
    assert_eq!(dwell[0].at_ms, T0 + 40 * MINUTE);
    assert!(
        track(&mut e, s, T0 + 70 * MINUTE, 30.0, 0.0).is_empty(),
        "once per visit"
    );
    // Leave and come back: a new visit.
    assert!(track(&mut e, s, T0 + 80 * MINUTE, -700.0, 0.0).is_empty());
    assert!(track(&mut e, s, T0 + 90 * MINUTE, 0.0, 0.0).is_empty());
    assert!(track(&mut e, s, T0 + 110 * MINUTE, 0.0, 0.0).is_empty());
    assert_eq!(
        kinds(&track(&mut e, s, T0 + 120 * MINUTE, 0.0, 0.0)),
        vec![EventKind::Dwell]
    );
}

#[test]
fn tick_raises_due_dwell_without_a_new_fix() {
    let mut e = engine(
        vec![square(fid(1), 0.0, 0.0, 500.0)],
        vec![rule(3, Trigger::Dwell { minutes: 30 })],
    );
    let s = sid(1);
    track(&mut e, s, T0, -700.0, 0.0);
    track(&mut e, s, T0 + 5 * MINUTE, 100.0, 0.0);
    let mut out = Vec::new();
    e.tick(T0 + 34 * MINUTE, &mut out);
    assert!(out.is_empty());
    e.tick(T0 + 35 * MINUTE, &mut out);
    assert_eq!(kinds(&out), vec![EventKind::Dwell]);
    assert_eq!((out[0].at_ms, out[0].subject), (T0 + 35 * MINUTE, Some(s)));
    assert_eq!(
        (out[0].lon, out[0].lat),
        pos(100.0, 0.0),
        "the last known position"
    );
    out.clear();
    e.tick(T0 + 60 * MINUTE, &mut out);
    assert!(out.is_empty());
    assert!(
        track(&mut e, s, T0 + 61 * MINUTE, 0.0, 0.0).is_empty(),
        "already raised for this visit"
    );
}

#[test]
fn active_hours_wrap_midnight_in_wib() {
    let night = ActiveHours {
        start_minute: 18 * 60,
        end_minute: 6 * 60,
        utc_offset_minutes: 7 * 60,
    };
    // 17:00 WIB is 10:00 UTC.
    let wib = |hour: i64, minute: i64| MIDNIGHT_UTC + (hour - 7) * HOUR + minute * MINUTE;
    assert!(!night.admits(wib(17, 59)));
    assert!(night.admits(wib(18, 0)));
    assert!(night.admits(wib(23, 59)));
    assert!(night.admits(wib(24, 0)));
    assert!(night.admits(wib(29, 59)), "05:59 the next morning");
    assert!(!night.admits(wib(30, 0)), "06:00 the next morning");

    let mut enter = rule(1, Trigger::Enter);
    enter.active_hours = Some(night);
    let mut e = engine(
        vec![square(fid(1), 0.0, 0.0, 500.0)],
        vec![enter, rule(2, Trigger::Exit)],
    );
    let s = sid(1);
    track(&mut e, s, wib(16, 30), -700.0, 0.0);
    assert!(
        track(&mut e, s, wib(17, 0), 0.0, 0.0).is_empty(),
        "entered before the window"
    );
    assert!(
        track(&mut e, s, wib(18, 1), 10.0, 0.0).is_empty(),
        "still inside: no late Enter"
    );
    assert_eq!(
        kinds(&track(&mut e, s, wib(18, 30), -700.0, 0.0)),
        vec![EventKind::Exit]
    );
    assert_eq!(
        kinds(&track(&mut e, s, wib(19, 0), 0.0, 0.0)),
        vec![EventKind::Enter]
    );
    track(&mut e, s, wib(29, 0), -700.0, 0.0);
    assert_eq!(
        kinds(&track(&mut e, s, wib(29, 59), 0.0, 0.0)),
        vec![EventKind::Enter]
    );
    track(&mut e, s, wib(29, 59) + 30_000, -700.0, 0.0);
    assert!(
        track(&mut e, s, wib(30, 0), 0.0, 0.0).is_empty(),
        "06:00 is outside the window"
    );
}

#[test]
fn dwell_held_back_by_active_hours_is_raised_once_the_window_opens() {
    let mut dwell = rule(3, Trigger::Dwell { minutes: 30 });
    dwell.active_hours = Some(ActiveHours {
        start_minute: 18 * 60,
        end_minute: 6 * 60,
        utc_offset_minutes: 420,
    });
    let mut e = engine(vec![square(fid(1), 0.0, 0.0, 500.0)], vec![dwell]);
    let s = sid(1);
    let wib = |hour: i64, minute: i64| MIDNIGHT_UTC + (hour - 7) * HOUR + minute * MINUTE;
    track(&mut e, s, wib(16, 0), -700.0, 0.0);
    track(&mut e, s, wib(17, 0), 0.0, 0.0);
    assert!(track(&mut e, s, wib(17, 45), 0.0, 0.0).is_empty());
    assert_eq!(
        kinds(&track(&mut e, s, wib(18, 0), 0.0, 0.0)),
        vec![EventKind::Dwell]
    );
    assert!(track(&mut e, s, wib(18, 30), 0.0, 0.0).is_empty());
}

// ---------------------------------------------------------------------------------------
// Proximity, crossing, circles, holes

#[test]
fn proximity_to_a_river_rearms_only_beyond_distance_plus_hysteresis() {
    let mut near = rule(4, Trigger::Proximity { distance_m: 100.0 });
    near.hysteresis_m = 50.0;
    let mut e = engine(
        vec![line(fid(1), &[(-2000.0, 0.0), (2000.0, 0.0)])],
        vec![near],
    );
    let s = sid(1);
    track(&mut e, s, T0, 0.0, 300.0);
    assert!(track(&mut e, s, T0 + MINUTE, 0.0, 200.0).is_empty());
    let close = track(&mut e, s, T0 + 2 * MINUTE, 0.0, 90.0);
    assert_eq!(kinds(&close), vec![EventKind::Proximity]);
    let d = close[0].distance_m.expect("proximity carries a distance");
    assert!((d - 90.0).abs() < 0.5, "distance {d}");
    assert!(
        track(&mut e, s, T0 + 3 * MINUTE, 0.0, 140.0).is_empty(),
        "not re-armed within D + h"
    );
    assert!(track(&mut e, s, T0 + 4 * MINUTE, 0.0, 95.0).is_empty());
    assert!(
        track(&mut e, s, T0 + 5 * MINUTE, 0.0, 160.0).is_empty(),
        "re-armed"
    );
    assert_eq!(
        kinds(&track(&mut e, s, T0 + 6 * MINUTE, 0.0, -80.0)),
        vec![EventKind::Proximity]
    );
}

#[test]
fn proximity_to_a_plantation_counts_inside_as_zero() {
    let mut e = engine(
        vec![square(fid(1), 0.0, 0.0, 500.0)],
        vec![rule(4, Trigger::Proximity { distance_m: 200.0 })],
    );
    let s = sid(1);
    track(&mut e, s, T0, 1000.0, 0.0);
    let close = track(&mut e, s, T0 + MINUTE, 650.0, 0.0);
    assert_eq!(kinds(&close), vec![EventKind::Proximity]);
    assert!((close[0].distance_m.expect("proximity carries a distance") - 150.0).abs() < 0.5);
    assert!(
        track(&mut e, s, T0 + 2 * MINUTE, 0.0, 0.0).is_empty(),
        "still near (inside)"
    );
    track(&mut e, s, T0 + 3 * MINUTE, 0.0, 3000.0);
    let inside = track(&mut e, s, T0 + 4 * MINUTE, 0.0, 0.0);
    assert_eq!(inside[0].distance_m, Some(0.0));
}

#[test]
fn crossing_a_river_raises_cross_and_moving_along_it_does_not() {
    let mut e = engine(
        vec![line(fid(1), &[(-1000.0, 0.0), (0.0, 10.0), (1000.0, 0.0)])],
        vec![rule(5, Trigger::Cross)],
    );
    let s = sid(1);
    track(&mut e, s, T0, -500.0, -200.0);
    let crossed = track(&mut e, s, T0 + MINUTE, -400.0, 200.0);
    assert_eq!(kinds(&crossed), vec![EventKind::Cross]);
    assert_eq!(crossed[0].fence, fid(1));
    assert!(
        track(&mut e, s, T0 + 2 * MINUTE, 400.0, 200.0).is_empty(),
        "parallel on the north bank"
    );
    assert_eq!(
        kinds(&track(&mut e, s, T0 + 3 * MINUTE, 300.0, -300.0)),
        vec![EventKind::Cross]
    );
    assert!(track(&mut e, s, T0 + 4 * MINUTE, 1500.0, -300.0).is_empty());
    assert!(
        track(&mut e, s, T0 + 5 * MINUTE, 1500.0, 300.0).is_empty(),
        "past the river's end"
    );
}

#[test]
fn crossing_with_hysteresis_ignores_jitter_on_the_bank() {
    let mut cross = rule(5, Trigger::Cross);
    cross.hysteresis_m = 30.0;
    let mut e = engine(
        vec![line(fid(1), &[(-1000.0, 0.0), (1000.0, 0.0)])],
        vec![cross],
    );
    let s = sid(1);
    track(&mut e, s, T0, 0.0, -100.0);
    for (i, y) in [-20.0, 15.0, -10.0, 25.0, -5.0].into_iter().enumerate() {
        assert!(
            track(&mut e, s, T0 + (i as i64 + 1) * MINUTE, 10.0 * i as f64, y).is_empty(),
            "jitter at {y} m"
        );
    }
    assert!(
        track(&mut e, s, T0 + 10 * MINUTE, 0.0, -60.0).is_empty(),
        "back on the side it came from"
    );
    assert!(track(&mut e, s, T0 + 11 * MINUTE, 0.0, 20.0).is_empty());
    assert_eq!(
        kinds(&track(&mut e, s, T0 + 12 * MINUTE, 0.0, 80.0)),
        vec![EventKind::Cross]
    );
}

#[test]
fn circle_around_a_village_centre() {
    let (lon, lat) = pos(0.0, 0.0);
    let mut e = engine(
        vec![Fence {
            id: fid(1),
            shape: FenceShape::Circle {
                lon,
                lat,
                radius_m: 500.0,
            },
        }],
        vec![rule(1, Trigger::Enter), rule(2, Trigger::Exit)],
    );
    let s = sid(1);
    track(&mut e, s, T0, 400.0, 400.0); // 566 m from the centre
    assert_eq!(
        kinds(&track(&mut e, s, T0 + MINUTE, 300.0, 300.0)),
        vec![EventKind::Enter]
    ); // 424 m
    assert!(track(&mut e, s, T0 + 2 * MINUTE, -480.0, 0.0).is_empty());
    assert_eq!(
        kinds(&track(&mut e, s, T0 + 3 * MINUTE, -520.0, 0.0)),
        vec![EventKind::Exit]
    );
}

#[test]
fn a_point_in_a_hole_is_outside_and_every_part_of_a_multipolygon_counts() {
    let with_hole = Polygon::new(
        square_ring(0.0, 0.0, 1000.0),
        vec![square_ring(0.0, 0.0, 300.0)],
    );
    let island = Polygon::new(square_ring(3000.0, 0.0, 200.0), vec![]);
    let park = Fence {
        id: fid(1),
        shape: FenceShape::Polygon(MultiPolygon(vec![with_hole, island])),
    };
    let mut e = engine(
        vec![park],
        vec![rule(1, Trigger::Enter), rule(2, Trigger::Exit)],
    );
    let s = sid(1);
    track(&mut e, s, T0, 0.0, 0.0);
    assert!(
        e.inside_fences(s).is_empty(),
        "the enclave is not part of the park"
    );
    assert_eq!(
        kinds(&track(&mut e, s, T0 + MINUTE, 600.0, 0.0)),
        vec![EventKind::Enter]
    );
    assert_eq!(
        kinds(&track(&mut e, s, T0 + 2 * MINUTE, 100.0, 0.0)),
        vec![EventKind::Exit]
    );
    track(&mut e, s, T0 + 3 * MINUTE, 2500.0, 0.0);
    assert_eq!(
        kinds(&track(&mut e, s, T0 + 4 * MINUTE, 3100.0, 50.0)),
        vec![EventKind::Enter]
    );
}

// ---------------------------------------------------------------------------------------
// Ordering, stateless fixes, filters

#[test]
fn out_of_order_and_duplicate_fixes_change_nothing() {
    let mut e = engine(
        vec![square(fid(1), 0.0, 0.0, 500.0)],
        vec![rule(1, Trigger::Enter), rule(2, Trigger::Exit)],
    );
    let s = sid(1);
    track(&mut e, s, T0 + 10 * MINUTE, -700.0, 0.0);
    let (lon, lat) = pos(0.0, 0.0);
    let mut out = Vec::new();
    assert_eq!(
        e.evaluate(&Fix::track(s, T0 + 5 * MINUTE, lon, lat), &mut out),
        Outcome::OutOfOrder
    );
    assert_eq!(
        e.evaluate(&Fix::track(s, T0 + 10 * MINUTE, lon, lat), &mut out),
        Outcome::Duplicate
    );
    assert!(out.is_empty());
    assert!(
        e.inside_fences(s).is_empty(),
        "the late fix did not move the subject"
    );
    assert_eq!(
        kinds(&track(&mut e, s, T0 + 15 * MINUTE, 0.0, 0.0)),
        vec![EventKind::Enter]
    );
}

#[test]
fn invalid_fixes_are_refused() {
    let mut e = engine(
        vec![square(fid(1), 0.0, 0.0, 500.0)],
        vec![rule(1, Trigger::Enter)],
    );
    let mut out = Vec::new();
    assert_eq!(
        e.evaluate(&Fix::track(sid(1), T0, f64::NAN, 0.5), &mut out),
        Outcome::NonFiniteCoordinates
    );
    let mut no_subject = Fix::track(sid(1), T0, LON0, LAT0);
    no_subject.subject = None;
    assert_eq!(e.evaluate(&no_subject, &mut out), Outcome::MissingSubject);
    assert_eq!(e.stats().subjects, 0);
}

#[test]
fn sighting_inside_a_village_is_stateless_and_filtered_by_species() {
    let mut elephants = rule(1, Trigger::Enter);
    elephants.subjects = SubjectFilter::Species("Elephas maximus".into());
    let mut near = rule(4, Trigger::Proximity { distance_m: 300.0 });
    near.subjects = SubjectFilter::Species("Elephas maximus".into());
    let mut e = engine(vec![square(fid(1), 0.0, 0.0, 500.0)], vec![elephants, near]);
    let mut out = Vec::new();
    let (lon, lat) = pos(100.0, 0.0);
    e.evaluate(
        &Fix::sighting(Some("Elephas maximus"), T0, lon, lat),
        &mut out,
    );
    assert_eq!(
        kinds(&out),
        vec![EventKind::SightingInside, EventKind::SightingProximity]
    );
    assert_eq!(out[0].subject, None);
    out.clear();
    // A second report at the same place raises again: sightings keep no state.
    e.evaluate(
        &Fix::sighting(Some("Elephas maximus"), T0 + MINUTE, lon, lat),
        &mut out,
    );
    assert_eq!(
        kinds(&out),
        vec![EventKind::SightingInside, EventKind::SightingProximity]
    );
    out.clear();
    e.evaluate(
        &Fix::sighting(Some("Panthera tigris sumatrae"), T0, lon, lat),
        &mut out,
    );
    assert!(out.is_empty(), "another species");
    let (lon, lat) = pos(700.0, 0.0);
    e.evaluate(
        &Fix::sighting(Some("Elephas maximus"), T0, lon, lat),
        &mut out,
    );
    assert_eq!(kinds(&out), vec![EventKind::SightingProximity]);
    assert!((out[0].distance_m.expect("proximity carries a distance") - 200.0).abs() < 0.5);
    assert_eq!(e.stats().subjects, 0);
}

#[test]
fn hotspot_inside_a_park_raises_hotspot_inside_and_outside_nothing() {
    let mut fire = rule(6, Trigger::HotspotInside);
    fire.fences = vec![fid(1)];
    let mut e = engine(
        vec![
            square(fid(1), 0.0, 0.0, 2000.0),
            square(fid(2), 6000.0, 0.0, 500.0),
        ],
        vec![fire, rule(1, Trigger::Enter)],
    );
    let mut out = Vec::new();
    let (lon, lat) = pos(1500.0, -1500.0);
    e.evaluate(&Fix::hotspot(T0, lon, lat), &mut out);
    assert_eq!(kinds(&out), vec![EventKind::HotspotInside]);
    assert_eq!(
        (out[0].fence, out[0].rule, out[0].subject),
        (fid(1), rid(6), None)
    );
    out.clear();
    let (lon, lat) = pos(2100.0, 0.0);
    e.evaluate(&Fix::hotspot(T0, lon, lat), &mut out);
    assert!(out.is_empty());
    let (lon, lat) = pos(6000.0, 0.0);
    e.evaluate(&Fix::hotspot(T0, lon, lat), &mut out);
    assert!(
        out.is_empty(),
        "the rule watches the park only, and enter rules ignore hotspots"
    );
    // A tracked subject in the park does not raise the hotspot rule.
    track(&mut e, sid(1), T0, 9000.0, 0.0);
    assert_eq!(
        kinds(&track(&mut e, sid(1), T0 + MINUTE, 0.0, 0.0)),
        vec![EventKind::Enter]
    );
}

#[test]
fn hotspot_quiet_period_applies_per_fence() {
    let mut fire = rule(6, Trigger::HotspotInside);
    fire.quiet_period_s = 3600;
    let mut e = engine(vec![square(fid(1), 0.0, 0.0, 2000.0)], vec![fire]);
    let mut out = Vec::new();
    for (i, dx) in [0.0, 300.0, -300.0].into_iter().enumerate() {
        let (lon, lat) = pos(dx, 0.0);
        e.evaluate(&Fix::hotspot(T0 + i as i64 * MINUTE, lon, lat), &mut out);
    }
    assert_eq!(out.len(), 1, "one alert for a cluster of pixels");
    let (lon, lat) = pos(0.0, 0.0);
    e.evaluate(&Fix::hotspot(T0 + 2 * HOUR, lon, lat), &mut out);
    assert_eq!(out.len(), 2);
}

#[test]
fn species_and_subject_filters_on_tracks() {
    let mut tigers = rule(1, Trigger::Enter);
    tigers.subjects = SubjectFilter::Species("Panthera tigris sumatrae".into());
    let mut one = rule(2, Trigger::Enter);
    one.subjects = SubjectFilter::Subject(sid(2));
    let mut e = engine(vec![square(fid(1), 0.0, 0.0, 500.0)], vec![tigers, one]);
    let mut out = Vec::new();
    let (lon, lat) = pos(-700.0, 0.0);
    e.evaluate(
        &Fix::track(sid(1), T0, lon, lat).with_species("Panthera tigris sumatrae"),
        &mut out,
    );
    e.evaluate(
        &Fix::track(sid(2), T0, lon, lat).with_species("Elephas maximus"),
        &mut out,
    );
    // Later fixes without a species keep the subject's species.
    let tiger = track(&mut e, sid(1), T0 + MINUTE, 0.0, 0.0);
    assert_eq!(
        tiger.iter().map(|e| e.rule).collect::<Vec<_>>(),
        vec![rid(1)]
    );
    let elephant = track(&mut e, sid(2), T0 + MINUTE, 0.0, 0.0);
    assert_eq!(
        elephant.iter().map(|e| e.rule).collect::<Vec<_>>(),
        vec![rid(2)]
    );
}

#[test]
fn rule_naming_fences_watches_only_those() {
    let mut village = rule(1, Trigger::Enter);
    village.fences = vec![fid(2)];
    let mut e = engine(
        vec![
            square(fid(1), 0.0, 0.0, 500.0),
            square(fid(2), 3000.0, 0.0, 500.0),
        ],
        vec![village],
    );
    let s = sid(1);
    track(&mut e, s, T0, -1000.0, 0.0);
    assert!(track(&mut e, s, T0 + MINUTE, 0.0, 0.0).is_empty());
    let events = track(&mut e, s, T0 + 2 * MINUTE, 3000.0, 0.0);
    assert_eq!(
        events.iter().map(|e| e.fence).collect::<Vec<_>>(),
        vec![fid(2)]
    );
}

// ---------------------------------------------------------------------------------------
// Changing fences and rules

#[test]
fn new_rules_and_fences_establish_silently_then_fire_on_the_next_crossing() {
    let mut e = engine(
        vec![square(fid(1), 0.0, 0.0, 500.0)],
        vec![rule(1, Trigger::Enter)],
    );
    let s = sid(1);
    track(&mut e, s, T0, -700.0, 0.0);
    assert_eq!(
        kinds(&track(&mut e, s, T0 + MINUTE, 0.0, 0.0)),
        vec![EventKind::Enter]
    );
    // An exit rule and a new fence appear while the subject stands in both.
    e.upsert_rule(rule(2, Trigger::Exit)).expect("valid rule");
    e.add_fence(square(fid(2), 0.0, 0.0, 300.0))
        .expect("valid fence");
    assert!(
        track(&mut e, s, T0 + 2 * MINUTE, 10.0, 0.0).is_empty(),
        "no Enter for fence 2 at creation"
    );
    let left = track(&mut e, s, T0 + 3 * MINUTE, 5000.0, 0.0);
    let mut got: Vec<(EventKind, FenceId)> = left.iter().map(|e| (e.kind, e.fence)).collect();
    got.sort_by_key(|(_, f)| *f);
    assert_eq!(
        got,
        vec![(EventKind::Exit, fid(1)), (EventKind::Exit, fid(2))]
    );
}

#[test]
fn changing_only_the_quiet_period_keeps_state() {
    let mut e = engine(
        vec![square(fid(1), 0.0, 0.0, 500.0)],
        vec![
            rule(1, Trigger::Enter),
            rule(3, Trigger::Dwell { minutes: 30 }),
        ],
    );
    let s = sid(1);
    track(&mut e, s, T0, -700.0, 0.0);
    track(&mut e, s, T0 + MINUTE, 0.0, 0.0);
    let mut dwell = rule(3, Trigger::Dwell { minutes: 30 });
    dwell.quiet_period_s = 60;
    e.upsert_rule(dwell).expect("valid rule");
    assert_eq!(
        kinds(&track(&mut e, s, T0 + 31 * MINUTE, 0.0, 0.0)),
        vec![EventKind::Dwell]
    );
}

#[test]
fn removed_fences_and_rules_raise_nothing() {
    let mut e = engine(
        vec![
            square(fid(1), 0.0, 0.0, 500.0),
            square(fid(2), 3000.0, 0.0, 500.0),
        ],
        vec![rule(1, Trigger::Enter), rule(2, Trigger::Exit)],
    );
    let s = sid(1);
    track(&mut e, s, T0, 0.0, 0.0);
    assert!(e.remove_fence(fid(1)));
    assert!(!e.remove_fence(fid(1)));
    assert!(
        track(&mut e, s, T0 + MINUTE, -900.0, 0.0).is_empty(),
        "no Exit from a removed fence"
    );
    assert!(e.remove_rule(rid(1)));
    assert!(
        track(&mut e, s, T0 + 2 * MINUTE, 3000.0, 0.0).is_empty(),
        "no enter rule any more"
    );
    assert_eq!(
        kinds(&track(&mut e, s, T0 + 3 * MINUTE, 6000.0, 0.0)),
        vec![EventKind::Exit]
    );
    let stats = e.stats();
    assert_eq!(
        (stats.fences, stats.area_fences, stats.rules, stats.subjects),
        (1, 1, 1, 1)
    );
    assert!(e.remove_subject(s));
    assert_eq!(e.stats().subjects, 0);
}

#[test]
fn replacing_a_fence_moves_the_boundary() {
    let mut e = engine(
        vec![square(fid(1), 0.0, 0.0, 500.0)],
        vec![rule(1, Trigger::Enter)],
    );
    let s = sid(1);
    track(&mut e, s, T0, 800.0, 0.0);
    e.add_fence(square(fid(1), 0.0, 0.0, 1000.0))
        .expect("valid fence");
    assert_eq!(e.stats().fences, 1);
    assert!(
        track(&mut e, s, T0 + MINUTE, 810.0, 0.0).is_empty(),
        "now inside, established silently"
    );
    track(&mut e, s, T0 + 2 * MINUTE, 1500.0, 0.0);
    assert_eq!(
        kinds(&track(&mut e, s, T0 + 3 * MINUTE, 900.0, 0.0)),
        vec![EventKind::Enter]
    );
}

#[test]
fn fences_are_validated() {
    let err = |shape| {
        Engine::new()
            .add_fence(Fence { id: fid(9), shape })
            .expect_err("an invalid fence")
    };
    assert!(matches!(
        err(FenceShape::Circle {
            lon: LON0,
            lat: LAT0,
            radius_m: 0.0
        }),
        FenceError::InvalidRadius { .. }
    ));
    assert!(matches!(
        err(FenceShape::Circle {
            lon: f64::NAN,
            lat: LAT0,
            radius_m: 10.0
        }),
        FenceError::NonFiniteCoordinate { .. }
    ));
    assert!(matches!(
        err(FenceShape::Polygon(MultiPolygon(vec![]))),
        FenceError::Empty(_)
    ));
    assert!(matches!(
        err(FenceShape::Line(MultiLineString(vec![]))),
        FenceError::Empty(_)
    ));
    let sliver = Polygon::new(
        LineString::from(vec![(101.0, 0.5), (101.01, 0.5), (101.0, 0.5)]),
        vec![],
    );
    assert!(matches!(
        err(FenceShape::Polygon(MultiPolygon(vec![sliver]))),
        FenceError::RingTooShort { .. }
    ));
    let dot = LineString::from(vec![(101.0, 0.5)]);
    assert!(matches!(
        err(FenceShape::Line(MultiLineString(vec![dot]))),
        FenceError::LineTooShort { .. }
    ));
    let far = Polygon::new(
        LineString::from(vec![(101.0, 91.0), (101.01, 0.5), (101.0, 0.6)]),
        vec![],
    );
    let message = err(FenceShape::Polygon(MultiPolygon(vec![far]))).to_string();
    assert!(message.contains("outside"), "{message}");

    // A batch with one bad fence adds nothing.
    let mut e = Engine::new();
    let bad = Fence {
        id: fid(9),
        shape: FenceShape::Circle {
            lon: LON0,
            lat: LAT0,
            radius_m: -1.0,
        },
    };
    assert!(e
        .add_fences(vec![square(fid(1), 0.0, 0.0, 500.0), bad])
        .is_err());
    assert_eq!(e.stats().fences, 0);
}

#[test]
fn rules_are_validated() {
    let check = |r: Rule| Engine::new().upsert_rule(r);
    let mut r = rule(1, Trigger::Enter);
    r.hysteresis_m = -1.0;
    assert!(matches!(check(r), Err(RuleError::InvalidHysteresis { .. })));
    assert!(matches!(
        check(rule(1, Trigger::Dwell { minutes: 0 })),
        Err(RuleError::ZeroDwell { .. })
    ));
    assert!(matches!(
        check(rule(
            1,
            Trigger::Proximity {
                distance_m: f64::INFINITY
            }
        )),
        Err(RuleError::InvalidDistance { .. })
    ));
    let mut r = rule(1, Trigger::Enter);
    r.quiet_period_s = -5;
    assert!(matches!(
        check(r),
        Err(RuleError::NegativeQuietPeriod { .. })
    ));
    let mut r = rule(1, Trigger::Enter);
    r.active_hours = Some(ActiveHours {
        start_minute: 600,
        end_minute: 600,
        utc_offset_minutes: 420,
    });
    assert!(matches!(check(r), Err(RuleError::EmptyActiveHours { .. })));
    let mut r = rule(1, Trigger::Enter);
    r.active_hours = Some(ActiveHours {
        start_minute: 0,
        end_minute: 1440,
        utc_offset_minutes: 420,
    });
    assert!(matches!(
        check(r),
        Err(RuleError::ActiveHoursOutOfRange { .. })
    ));
    let mut r = rule(1, Trigger::Enter);
    r.subjects = SubjectFilter::Species(String::new());
    assert!(matches!(check(r), Err(RuleError::EmptySpecies { .. })));
}

#[test]
fn rules_and_events_round_trip_through_json() {
    let mut r = rule(1, Trigger::Proximity { distance_m: 250.0 });
    r.subjects = SubjectFilter::Species("Elephas maximus".into());
    r.active_hours = Some(ActiveHours {
        start_minute: 1080,
        end_minute: 360,
        utc_offset_minutes: 420,
    });
    let json = serde_json::to_value(&r).expect("serialisable");
    assert_eq!(
        json["trigger"],
        serde_json::json!({ "type": "proximity", "distance_m": 250.0 })
    );
    assert_eq!(
        json["subjects"],
        serde_json::json!({ "type": "species", "value": "Elephas maximus" })
    );
    assert_eq!(
        serde_json::from_value::<Rule>(json).expect("deserialisable"),
        r
    );
    assert_eq!(
        serde_json::to_value(Trigger::HotspotInside).expect("serialisable"),
        serde_json::json!({ "type": "hotspot_inside" })
    );
    assert_eq!(
        serde_json::to_value(EventKind::SightingInside).expect("serialisable"),
        "sighting_inside"
    );
}

// ---------------------------------------------------------------------------------------
// Restore

#[test]
fn restart_neither_repeats_enter_nor_loses_exit() {
    let fences = || vec![square(fid(1), 0.0, 0.0, 500.0)];
    let rules = || vec![rule(1, Trigger::Enter), rule(2, Trigger::Exit)];
    let mut before = engine(fences(), rules());
    let s = sid(1);
    track(&mut before, s, T0, -700.0, 0.0);
    assert_eq!(
        kinds(&track(&mut before, s, T0 + MINUTE, 0.0, 0.0)),
        vec![EventKind::Enter]
    );
    let (lon, lat) = pos(0.0, 0.0);
    let last = Fix::track(s, T0 + MINUTE, lon, lat);

    let mut after = engine(fences(), rules());
    after
        .restore_subject(s, &last)
        .expect("known subject, fence and rule");
    assert!(
        track(&mut after, s, T0 + 2 * MINUTE, 50.0, 0.0).is_empty(),
        "no repeated Enter"
    );
    assert_eq!(
        kinds(&track(&mut after, s, T0 + 3 * MINUTE, -700.0, 0.0)),
        vec![EventKind::Exit]
    );
}

#[test]
fn restart_neither_repeats_nor_loses_dwell() {
    let fences = || vec![square(fid(1), 0.0, 0.0, 500.0)];
    let rules = || vec![rule(3, Trigger::Dwell { minutes: 30 })];
    let s = sid(1);
    let inside = |t: i64| {
        let (lon, lat) = pos(0.0, 0.0);
        Fix::track(s, t, lon, lat)
    };

    // Restart after the dwell was raised at T0 + 30 min for a visit entered at T0.
    let mut e = engine(fences(), rules());
    e.restore_subject(s, &inside(T0 + 40 * MINUTE))
        .expect("known subject, fence and rule");
    e.restore_entered_at(s, fid(1), T0)
        .expect("known subject, fence and rule");
    e.restore_last_event(rid(3), Some(s), fid(1), T0 + 30 * MINUTE)
        .expect("known subject, fence and rule");
    assert!(
        track(&mut e, s, T0 + 50 * MINUTE, 0.0, 0.0).is_empty(),
        "not repeated"
    );

    // Restart before it was due: raised at the first fix after 30 minutes from the entry.
    let mut e = engine(fences(), rules());
    e.restore_subject(s, &inside(T0 + 20 * MINUTE))
        .expect("known subject, fence and rule");
    e.restore_entered_at(s, fid(1), T0)
        .expect("known subject, fence and rule");
    assert!(track(&mut e, s, T0 + 25 * MINUTE, 0.0, 0.0).is_empty());
    assert_eq!(
        kinds(&track(&mut e, s, T0 + 31 * MINUTE, 0.0, 0.0)),
        vec![EventKind::Dwell]
    );

    // A dwell raised in an earlier visit does not count for the current one.
    let mut e = engine(fences(), rules());
    e.restore_subject(s, &inside(T0 + 20 * MINUTE))
        .expect("known subject, fence and rule");
    e.restore_entered_at(s, fid(1), T0)
        .expect("known subject, fence and rule");
    e.restore_last_event(rid(3), Some(s), fid(1), T0 - HOUR)
        .expect("known subject, fence and rule");
    assert_eq!(
        kinds(&track(&mut e, s, T0 + 31 * MINUTE, 0.0, 0.0)),
        vec![EventKind::Dwell]
    );

    // Restore calls name what they do not know.
    assert_eq!(
        e.restore_entered_at(sid(9), fid(1), T0),
        Err(RestoreError::UnknownSubject(sid(9)))
    );
    assert_eq!(
        e.restore_last_event(rid(9), Some(s), fid(1), T0),
        Err(RestoreError::UnknownRule(rid(9)))
    );
    assert_eq!(
        e.restore_entered_at(s, fid(9), T0),
        Err(RestoreError::UnknownFence(fid(9)))
    );
}

#[test]
fn restored_membership_within_the_hysteresis_band() {
    let mut exit = rule(2, Trigger::Exit);
    exit.hysteresis_m = 50.0;
    let mut e = engine(vec![square(fid(1), 0.0, 0.0, 500.0)], vec![exit]);
    let s = sid(1);
    // The last fix lay 20 m outside, but the subject had entered and not left.
    let (lon, lat) = pos(520.0, 0.0);
    e.restore_subject(s, &Fix::track(s, T0, lon, lat))
        .expect("known subject, fence and rule");
    assert!(
        e.inside_fences(s).is_empty(),
        "plain containment from the fix alone"
    );
    e.restore_entered_at(s, fid(1), T0 - HOUR)
        .expect("known subject, fence and rule");
    assert!(track(&mut e, s, T0 + MINUTE, 530.0, 0.0).is_empty());
    assert_eq!(
        kinds(&track(&mut e, s, T0 + 2 * MINUTE, 600.0, 0.0)),
        vec![EventKind::Exit]
    );
}

#[test]
fn restored_quiet_period_holds_across_a_restart() {
    let mut enter = rule(1, Trigger::Enter);
    enter.quiet_period_s = 3600;
    let mut e = engine(vec![square(fid(1), 0.0, 0.0, 500.0)], vec![enter]);
    let s = sid(1);
    let (lon, lat) = pos(-700.0, 0.0);
    e.restore_subject(s, &Fix::track(s, T0, lon, lat))
        .expect("known subject, fence and rule");
    e.restore_last_event(rid(1), Some(s), fid(1), T0 - 30 * MINUTE)
        .expect("known subject, fence and rule");
    assert!(
        track(&mut e, s, T0 + MINUTE, 0.0, 0.0).is_empty(),
        "within the hour"
    );
    track(&mut e, s, T0 + 2 * MINUTE, -700.0, 0.0);
    assert_eq!(
        kinds(&track(&mut e, s, T0 + 31 * MINUTE, 0.0, 0.0)),
        vec![EventKind::Enter]
    );
}

/// One subject's step: which subject, and how far it moves.
fn walk() -> impl Strategy<Value = Vec<(usize, f64, f64)>> {
    prop::collection::vec((0usize..3, -450.0f64..450.0, -450.0f64..450.0), 2..80)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Evaluating a sequence in one engine raises exactly the events of evaluating its first
    /// part, restarting a fresh engine from the last fixes and events, and evaluating the rest.
    #[test]
    fn restart_neither_loses_nor_repeats_events(
        steps in walk(),
        split in 0.0f64..1.0,
        quiet in prop_oneof![Just(0i64), Just(1200i64)],
        night_only in any::<bool>(),
    ) {
        let fences = || vec![
            square(fid(1), 0.0, 0.0, 600.0),
            square(fid(2), 900.0, 300.0, 400.0),
            square(fid(3), -800.0, -700.0, 300.0),
        ];
        let rules = || {
            let mut enter = rule(1, Trigger::Enter);
            enter.quiet_period_s = quiet;
            if night_only {
                enter.active_hours = Some(ActiveHours { start_minute: 1080, end_minute: 360, utc_offset_minutes: 420 });
            }
            let mut exit = rule(2, Trigger::Exit);
            exit.quiet_period_s = quiet / 2;
            let near = rule(4, Trigger::Proximity { distance_m: 150.0 });
            let dwell = rule(3, Trigger::Dwell { minutes: 40 });
            vec![enter, exit, near, dwell]
        };
        let mut positions = [(-1500.0, 0.0), (0.0, 1500.0), (1500.0, -1500.0)];
        let mut fixes = Vec::new();
        for (k, (who, dx, dy)) in steps.iter().enumerate() {
            let p = &mut positions[*who];
            *p = (p.0 + dx, p.1 + dy);
            let (lon, lat) = pos(p.0, p.1);
            fixes.push(Fix::track(sid(*who as u128), T0 + 17 * MINUTE * k as i64, lon, lat));
        }
        let cut = ((fixes.len() as f64) * split) as usize;

        let mut whole = engine(fences(), rules());
        let mut expected = Vec::new();
        for fix in &fixes {
            whole.evaluate(fix, &mut expected);
        }

        // First part, remembering what the application would store durably.
        let mut first = engine(fences(), rules());
        let mut got = Vec::new();
        let mut last_fix = std::collections::BTreeMap::new();
        let mut entered_at = std::collections::BTreeMap::new();
        for fix in &fixes[..cut] {
            let s = fix.subject.expect("track fixes have a subject");
            let before = first.inside_fences(s);
            first.evaluate(fix, &mut got);
            for f in first.inside_fences(s) {
                if !before.contains(&f) {
                    entered_at.insert((s, f), fix.at_ms);
                }
            }
            for f in before {
                if !first.inside_fences(s).contains(&f) {
                    entered_at.remove(&(s, f));
                }
            }
            last_fix.insert(s, fix.clone());
        }
        let mut last_event = std::collections::BTreeMap::new();
        for event in &got {
            last_event.insert((event.rule, event.subject, event.fence), event.at_ms);
        }

        // Restart.
        let mut second = engine(fences(), rules());
        for (s, fix) in &last_fix {
            second.restore_subject(*s, fix).expect("known subject, fence and rule");
        }
        for ((s, f), at) in &entered_at {
            second.restore_entered_at(*s, *f, *at).expect("known subject, fence and rule");
        }
        for ((r, s, f), at) in &last_event {
            second.restore_last_event(*r, *s, *f, *at).expect("known subject, fence and rule");
        }
        for fix in &fixes[cut..] {
            second.evaluate(fix, &mut got);
        }
        prop_assert_eq!(kinds(&got), kinds(&expected));
        prop_assert_eq!(got, expected);
    }
}

#[test]
fn many_fences_and_subjects_agree_with_a_brute_force_containment_check() {
    // Fences on a grid, one subject per row walking east: every Enter/Exit must match a
    // change of plain containment computed independently.
    let mut fences = Vec::new();
    for i in 0..10 {
        for j in 0..10 {
            fences.push(square(
                fid(i * 10 + j),
                i as f64 * 1500.0,
                j as f64 * 1500.0,
                400.0 + 20.0 * j as f64,
            ));
        }
    }
    let mut e = engine(
        fences,
        vec![rule(1, Trigger::Enter), rule(2, Trigger::Exit)],
    );
    let mut out = Vec::new();
    for step in 0..400 {
        for row in 0..10u128 {
            let x = -1000.0 + step as f64 * 40.0 + 7.3;
            let y = row as f64 * 1500.0 + 300.0;
            out.clear();
            track(&mut e, sid(row), T0 + step as i64 * MINUTE, x, y)
                .into_iter()
                .for_each(|ev| out.push(ev));
            let half = 400.0 + 20.0 * row as f64;
            let inside_now = |x: f64| (0..10).any(|i| (x - i as f64 * 1500.0).abs() <= half);
            let was = step > 0 && inside_now(x - 40.0);
            let is = inside_now(x) && 300.0 <= half;
            let expected: Vec<EventKind> = match (step > 0, was, is) {
                (true, false, true) => vec![EventKind::Enter],
                (true, true, false) => vec![EventKind::Exit],
                _ => vec![],
            };
            assert_eq!(kinds(&out), expected, "row {row}, step {step}, x {x}");
        }
    }
}
