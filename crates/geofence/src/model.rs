//! The engine's vocabulary: fences, rules, fixes and events, and their validation.

use geo_types::{MultiLineString, MultiPolygon};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// Identifies a fence (a village boundary, a park, a road, a circle around a village centre).
    FenceId
);
id_type!(
    /// Identifies a rule.
    RuleId
);
id_type!(
    /// Identifies a tracked subject (a collared elephant, a tagged tiger, a ranger's phone).
    SubjectId
);

/// The geometry of a fence, in WGS 84 longitude/latitude degrees.
#[derive(Clone, Debug, PartialEq)]
pub enum FenceShape {
    /// An area: one or more polygons, holes allowed (a point in a hole is outside).
    Polygon(MultiPolygon<f64>),
    /// A disc around a centre, e.g. a village centre with a radius in metres.
    Circle { lon: f64, lat: f64, radius_m: f64 },
    /// A line: a road, a river. It has no inside; it is approached and crossed.
    Line(MultiLineString<f64>),
}

/// A fence: an identified shape.
#[derive(Clone, Debug, PartialEq)]
pub struct Fence {
    pub id: FenceId,
    pub shape: FenceShape,
}

/// Why a fence was refused.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum FenceError {
    #[error("fence {0} has no geometry")]
    Empty(FenceId),
    #[error("fence {fence} has a non-finite coordinate ({lon}, {lat})")]
    NonFiniteCoordinate { fence: FenceId, lon: f64, lat: f64 },
    #[error("fence {fence} has a coordinate outside longitude -180..180 / latitude -85..85: ({lon}, {lat})")]
    CoordinateOutOfRange { fence: FenceId, lon: f64, lat: f64 },
    #[error("fence {fence}: a polygon ring needs at least 3 distinct points, found {points}")]
    RingTooShort { fence: FenceId, points: usize },
    #[error("fence {fence}: a line needs at least 2 points, found {points}")]
    LineTooShort { fence: FenceId, points: usize },
    #[error("fence {fence}: a circle's radius must be a finite number of metres above 0, got {radius_m}")]
    InvalidRadius { fence: FenceId, radius_m: f64 },
}

/// What makes a rule fire.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum Trigger {
    /// A tracked subject comes inside an area fence (polygon or circle).
    /// A sighting inside the area raises [`EventKind::SightingInside`].
    Enter,
    /// A tracked subject leaves an area fence.
    Exit,
    /// A subject comes within `distance_m` metres of any fence (0 inside an area).
    /// A sighting that close raises [`EventKind::SightingProximity`].
    Proximity { distance_m: f64 },
    /// A tracked subject has been inside an area fence for `minutes` without leaving.
    Dwell { minutes: u32 },
    /// A tracked subject's path between two fixes crosses a line fence.
    Cross,
    /// A fire hotspot lies inside an area fence.
    HotspotInside,
}

/// Which subjects a rule watches.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type", content = "value")]
pub enum SubjectFilter {
    Any,
    /// Subjects (or sightings) of this species; compared exactly.
    Species(String),
    Subject(SubjectId),
}

/// A daily window of local time in which a rule may raise events.
///
/// `start_minute` is inclusive, `end_minute` exclusive, both minutes after local midnight
/// (0..1440); `end_minute < start_minute` wraps midnight (18:00–06:00 is `1080..360`).
/// `utc_offset_minutes` is the zone's offset, e.g. 420 for WIB (+07:00).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActiveHours {
    pub start_minute: u16,
    pub end_minute: u16,
    pub utc_offset_minutes: i16,
}

impl ActiveHours {
    /// Whether the instant `at_ms` (UTC epoch milliseconds) falls in the window.
    pub fn admits(&self, at_ms: i64) -> bool {
        let local = at_ms.div_euclid(60_000) + i64::from(self.utc_offset_minutes);
        let minute = local.rem_euclid(1440);
        let (start, end) = (i64::from(self.start_minute), i64::from(self.end_minute));
        if start <= end {
            start <= minute && minute < end
        } else {
            minute >= start || minute < end
        }
    }
}

/// A geofence rule: which fences, which subjects, what trigger, and how to keep it calm.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    pub id: RuleId,
    /// The fences the rule watches; empty means every fence.
    pub fences: Vec<FenceId>,
    pub subjects: SubjectFilter,
    pub trigger: Trigger,
    /// Metres a subject must be past a boundary before its state changes (see the crate doc).
    pub hysteresis_m: f64,
    /// After an event for a (subject, fence), further events of this rule for the same pair
    /// are suppressed for this many seconds.
    pub quiet_period_s: i64,
    /// When set, the rule raises events only inside this daily window.
    pub active_hours: Option<ActiveHours>,
}

/// Why a rule was refused.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum RuleError {
    #[error("rule {rule}: hysteresis must be a finite number of metres >= 0, got {value}")]
    InvalidHysteresis { rule: RuleId, value: f64 },
    #[error("rule {rule}: proximity distance must be a finite number of metres >= 0, got {value}")]
    InvalidDistance { rule: RuleId, value: f64 },
    #[error("rule {rule}: a dwell of 0 minutes is not a dwell; use an enter rule")]
    ZeroDwell { rule: RuleId },
    #[error("rule {rule}: the quiet period must be >= 0 seconds, got {value}")]
    NegativeQuietPeriod { rule: RuleId, value: i64 },
    #[error("rule {rule}: active hours need minutes of the day below 1440, got {start}..{end}")]
    ActiveHoursOutOfRange { rule: RuleId, start: u16, end: u16 },
    #[error("rule {rule}: active hours {start}..{end} are an empty window; leave active hours unset for all day")]
    EmptyActiveHours { rule: RuleId, start: u16, end: u16 },
    #[error("rule {rule}: a UTC offset must lie within -14:00..+14:00, got {value} minutes")]
    InvalidUtcOffset { rule: RuleId, value: i16 },
    #[error("rule {rule}: a species filter needs a species name")]
    EmptySpecies { rule: RuleId },
}

impl Rule {
    /// Checks the rule's parameters.
    pub fn validate(&self) -> Result<(), RuleError> {
        let rule = self.id;
        if !self.hysteresis_m.is_finite() || self.hysteresis_m < 0.0 {
            return Err(RuleError::InvalidHysteresis {
                rule,
                value: self.hysteresis_m,
            });
        }
        match self.trigger {
            Trigger::Proximity { distance_m } if !distance_m.is_finite() || distance_m < 0.0 => {
                return Err(RuleError::InvalidDistance {
                    rule,
                    value: distance_m,
                });
            }
            Trigger::Dwell { minutes: 0 } => return Err(RuleError::ZeroDwell { rule }),
            _ => {}
        }
        if self.quiet_period_s < 0 {
            return Err(RuleError::NegativeQuietPeriod {
                rule,
                value: self.quiet_period_s,
            });
        }
        if let SubjectFilter::Species(name) = &self.subjects {
            if name.is_empty() {
                return Err(RuleError::EmptySpecies { rule });
            }
        }
        if let Some(hours) = self.active_hours {
            let (start, end) = (hours.start_minute, hours.end_minute);
            if start >= 1440 || end >= 1440 {
                return Err(RuleError::ActiveHoursOutOfRange { rule, start, end });
            }
            if start == end {
                return Err(RuleError::EmptyActiveHours { rule, start, end });
            }
            if !(-840..=840).contains(&hours.utc_offset_minutes) {
                return Err(RuleError::InvalidUtcOffset {
                    rule,
                    value: hours.utc_offset_minutes,
                });
            }
        }
        Ok(())
    }
}

/// What kind of observation a fix is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FixKind {
    /// A collar, tag or phone fix of a known subject; evaluated against the subject's state.
    Track,
    /// A report without a device ("elephants seen here"); stateless.
    Sighting,
    /// A FIRMS fire hotspot; stateless, only [`Trigger::HotspotInside`] rules apply.
    Hotspot,
}

/// One observation at a place and time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fix {
    pub kind: FixKind,
    /// Required for [`FixKind::Track`]; optional for sightings; ignored for hotspots.
    pub subject: Option<SubjectId>,
    /// The species, for species filters. A track fix without it keeps the subject's last known species.
    pub species: Option<String>,
    /// UTC epoch milliseconds.
    pub at_ms: i64,
    pub lon: f64,
    pub lat: f64,
}

impl Fix {
    /// A track fix of `subject`.
    pub fn track(subject: SubjectId, at_ms: i64, lon: f64, lat: f64) -> Self {
        Self {
            kind: FixKind::Track,
            subject: Some(subject),
            species: None,
            at_ms,
            lon,
            lat,
        }
    }

    /// A sighting of `species` (and of no particular subject).
    pub fn sighting(species: Option<&str>, at_ms: i64, lon: f64, lat: f64) -> Self {
        Self {
            kind: FixKind::Sighting,
            subject: None,
            species: species.map(str::to_owned),
            at_ms,
            lon,
            lat,
        }
    }

    /// A fire hotspot.
    pub fn hotspot(at_ms: i64, lon: f64, lat: f64) -> Self {
        Self {
            kind: FixKind::Hotspot,
            subject: None,
            species: None,
            at_ms,
            lon,
            lat,
        }
    }

    /// Sets the species.
    pub fn with_species(mut self, species: &str) -> Self {
        self.species = Some(species.to_owned());
        self
    }
}

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Enter,
    Exit,
    Proximity,
    Dwell,
    Cross,
    HotspotInside,
    /// A sighting inside an area fence watched by an enter rule.
    SightingInside,
    /// A sighting within the distance of a proximity rule.
    SightingProximity,
}

/// A geofence event raised by a rule.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub rule: RuleId,
    pub fence: FenceId,
    pub subject: Option<SubjectId>,
    pub kind: EventKind,
    /// The fix's time, or for a dwell raised by [`crate::Engine::tick`] the tick's time.
    pub at_ms: i64,
    /// Where the subject was: the fix's position (a tick's dwell uses the last known one).
    pub lon: f64,
    pub lat: f64,
    /// Metres to the fence, for proximity events.
    pub distance_m: Option<f64>,
}

/// What the engine did with a fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Evaluated against the rules.
    Evaluated,
    /// The first fix of a subject (or a restored one): state established, no events.
    Established,
    /// A track fix older than the subject's last fix: ignored, no state change, no events.
    OutOfOrder,
    /// A track fix at the same time as the subject's last fix: ignored.
    Duplicate,
    /// A track fix without a subject: ignored.
    MissingSubject,
    /// Longitude or latitude not a finite number: ignored.
    NonFiniteCoordinates,
}

/// Why a restore call was refused.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum RestoreError {
    #[error("unknown subject {0}; restore its last fix first")]
    UnknownSubject(SubjectId),
    #[error("unknown fence {0}")]
    UnknownFence(FenceId),
    #[error("unknown rule {0}")]
    UnknownRule(RuleId),
    #[error("a restored fix must be a track fix with a subject and finite coordinates")]
    InvalidFix,
}

/// Sizes of the engine's tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct EngineStats {
    pub fences: usize,
    pub area_fences: usize,
    pub line_fences: usize,
    pub rules: usize,
    pub subjects: usize,
    /// Remembered (rule, subject, fence) event times for quiet periods.
    pub quiet_entries: usize,
}
