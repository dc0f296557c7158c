//! Sinergi's geofence engine: collar fixes, village sightings and FIRMS fire hotspots become
//! geofence events as they arrive.
//!
//! The engine is pure and in memory: fences are prepared once (projected into a local
//! metric frame, edges grouped in horizontal bands, one compact record per fence) and indexed
//! in `rstar` R-trees whose boxes are grown by the largest hysteresis or proximity reach of
//! the rules that watch them. Each tracked subject keeps its last fix and state, and
//! remembers the fence boxes within about two kilometres, so that most of its fixes skip the
//! walk down the tree. The engine does no I/O and never reads the clock: time always comes in
//! the fix (or in [`Engine::tick`]). Only [`workload`] reads files and times the benchmark.
//!
//! # Geometry
//!
//! Fences are polygons and multipolygons (holes are outside), circles (centre + radius in
//! metres) and lines. Distances use a local equirectangular approximation around each fence
//! (110,540 m per degree of latitude, 111,320 · cos(lat) m per degree of longitude), which is
//! sound for Indonesia (lon 94..142, lat -11..7, no antimeridian). A point on a boundary is
//! inside.
//!
//! # Semantics of tracked subjects ([`FixKind::Track`])
//!
//! - **First fix.** A subject's first fix only establishes its state: no `Enter` for a fence
//!   it is already in, no `Proximity` for a fence it is already near. The same holds for a
//!   fence or rule added (or changed beyond quiet period and active hours) after the
//!   subject's last fix: the next fix establishes that pair silently. Restoring from the
//!   last known fix after a restart is then the same operation as a first fix.
//! - **Order.** A fix at or before the subject's last fix time changes nothing and raises
//!   nothing ([`Outcome::Duplicate`], [`Outcome::OutOfOrder`]); the application should feed
//!   late fixes to its history, not to the engine.
//! - **Enter / exit with hysteresis `h`.** A subject enters an area only when it is inside by
//!   at least `h` metres from the boundary and leaves only when it is outside by at least `h`;
//!   in between its state is unchanged, so jitter across the line never flaps. With `h = 0`
//!   membership is plain containment. A first fix inside the band counts by plain containment.
//!   Each enter/exit/dwell rule keeps its own membership, so rules with different hysteresis
//!   on one fence do not interfere.
//! - **Dwell `N` minutes.** Raised once per visit when the subject has been inside since
//!   `entered_at` for at least `N` minutes, checked at each fix and by [`Engine::tick`] for
//!   subjects without a new fix (a subject counts as inside until a fix says otherwise). If
//!   active hours or the quiet period hold it back, it stays pending and is raised at the
//!   first later check that passes, if the visit lasts.
//! - **Proximity `D`.** Raised when the distance to the fence (0 inside an area, to the line,
//!   to the circle) becomes at most `D`; re-armed only after the distance exceeds `D + h`.
//! - **Cross.** For line fences: raised when the path from the previous fix to this one
//!   crosses the line (arriving on the line counts, leaving it does not count again). With
//!   `h > 0` a fix within `h` of the line neither raises nor clears anything; the crossing is
//!   judged from where the subject stood before it came within `h` to where it is once it is
//!   `h` or more away again.
//! - **Quiet period.** After a raised event of rule `R` for (subject, fence), further events of
//!   `R` for that pair within `quiet_period_s` are suppressed; state still updates.
//! - **Active hours.** Outside its daily window (local time by a fixed UTC offset, may wrap
//!   midnight) a rule raises nothing, but state still updates: a subject that entered at
//!   17:00 raises no `Enter` at 18:01 unless it crossed in again then.
//!
//! Enter, exit, dwell and hotspot rules apply to areas (polygons, circles); cross rules to
//! lines; proximity rules to both.
//!
//! # Stateless fixes
//!
//! A [`FixKind::Sighting`] (a report without a device) raises `SightingInside` for enter rules
//! whose area contains it and `SightingProximity` for proximity rules within reach, filtered
//! by the fix's species (and subject, if given); a [`FixKind::Hotspot`] raises
//! `HotspotInside` for hotspot rules whose area contains it. Neither keeps state; the quiet
//! period applies per (rule, subject or none, fence), also to fixes that arrive out of order.
//!
//! # Restore contract
//!
//! The application keeps fixes and raised events durably; the engine keeps nothing. At start
//! it adds fences ([`Engine::add_fences`]) and rules, then for each subject:
//!
//! 1. [`Engine::restore_subject`] with the subject's last known fix (with its species, for
//!    species rules): membership, proximity and crossing state are established silently, as
//!    for a first fix;
//! 2. [`Engine::restore_entered_at`] for each fence the subject is in, with the time of the
//!    visit's first fix, so dwell counts from the real entry (without it, from the last fix);
//!    this also asserts membership where the last fix lay in a hysteresis band;
//! 3. [`Engine::restore_last_event`] with the latest event per (rule, subject, fence) that is
//!    still within its quiet period or is a dwell of the current visit (hotspot and sighting
//!    events with subject `None`).
//!
//! Then a fix in the same fence raises no second `Enter` and no second `Dwell`, and a fix
//! outside raises `Exit`: a restart neither loses nor repeats events.

mod engine;
mod hash;
mod model;
mod prepared;
pub mod workload;

pub use engine::Engine;
pub use model::{
    ActiveHours, EngineStats, Event, EventKind, Fence, FenceError, FenceId, FenceShape, Fix,
    FixKind, Outcome, RestoreError, Rule, RuleError, RuleId, SubjectFilter, SubjectId, Trigger,
};
pub use prepared::{METRES_PER_DEGREE_LAT, METRES_PER_DEGREE_LON};

#[cfg(test)]
mod tests;
