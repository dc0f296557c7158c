//! What a patrol found: observations waiting to be confirmed, and findings.
//!
//! - An [`Observation`] is a point marked in the field (a GPX waypoint from a handheld
//!   GPS, or a waypoint marked in the app) that nobody has yet said what it is. Someone
//!   who sees the patrol either confirms it, by recording a registry report for it, or
//!   dismisses it. Its id is derived from the patrol and the waypoint
//!   ([`observation_id`]), so the same file imported twice gives the same observations,
//!   and the report recorded for it takes the observation's id: whether it is confirmed
//!   is whether that report exists, which no crash between two writes can make untrue.
//! - A **finding** of a patrol is a registry report linked to it: a confirmed
//!   observation's report, or a report recorded on the patrol and linked afterwards.
//!   Findings are counted by report type, and only those the caller may see count
//!   ([`finding_counts`] takes the types of the visible ones).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::ids::{PatrolId, ReportId, UserId};

use super::gpx::Waypoint;

/// The longest name or description an observation keeps, in characters (longer text
/// from a file is cut).
pub const MAX_TEXT: usize = 500;

/// An observation's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObservationState {
    /// Nobody has said yet what it is.
    Pending,
    /// A report was recorded for it (the report has the observation's id).
    Confirmed,
    /// Someone said it is nothing to record.
    Dismissed,
}

impl ObservationState {
    pub fn as_str(self) -> &'static str {
        match self {
            ObservationState::Pending => "pending",
            ObservationState::Confirmed => "confirmed",
            ObservationState::Dismissed => "dismissed",
        }
    }
}

/// A point marked on a patrol, to be confirmed as a report or dismissed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    /// Also the id of the report that confirms it.
    pub id: ReportId,
    pub patrol_id: PatrolId,
    pub lon: f64,
    pub lat: f64,
    pub observed_at: Option<DateTime<Utc>>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub dismissed: bool,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
}

impl Observation {
    /// An observation of a waypoint of `patrol`, its id derived from both.
    pub fn of_waypoint(
        patrol: PatrolId,
        w: &Waypoint,
        created_by: UserId,
        created_at: DateTime<Utc>,
    ) -> Observation {
        Observation {
            id: observation_id(patrol, w),
            patrol_id: patrol,
            lon: w.lon,
            lat: w.lat,
            observed_at: w.time,
            name: w.name.as_deref().map(cut).filter(|s| !s.is_empty()),
            description: w.desc.as_deref().map(cut).filter(|s| !s.is_empty()),
            dismissed: false,
            created_by,
            created_at,
        }
    }

    /// The state, given whether the report of its id exists.
    pub fn state(&self, report_exists: bool) -> ObservationState {
        if report_exists {
            ObservationState::Confirmed
        } else if self.dismissed {
            ObservationState::Dismissed
        } else {
            ObservationState::Pending
        }
    }
}

fn cut(s: &str) -> String {
    s.trim().chars().take(MAX_TEXT).collect()
}

/// The id of a waypoint's observation: a UUID (version 8, from SHA-256) of the patrol and
/// the waypoint's position in millionths of a degree, time in whole seconds and name.
/// The same waypoint of the same patrol always has the same id, so importing a file
/// again adds nothing; the same waypoint on another patrol is that patrol's own.
pub fn observation_id(patrol: PatrolId, w: &Waypoint) -> ReportId {
    let text = format!(
        "{}\n{}\n{}\n{}\n{}",
        patrol.0,
        (w.lon * 1e6).round() as i64,
        (w.lat * 1e6).round() as i64,
        w.time.map_or(String::new(), |t| t.timestamp().to_string()),
        w.name.as_deref().unwrap_or("").trim()
    );
    let digest = Sha256::digest(text.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    ReportId(uuid::Builder::from_custom_bytes(bytes).into_uuid())
}

/// Is `id` of the form [`observation_id`] gives (version 8)? Reports Sinergi or a client
/// makes are version 7 or 4.
pub fn is_observation_id(id: ReportId) -> bool {
    id.0.get_version_num() == 8 && id.0 != Uuid::nil()
}

/// Findings by report type, from the types of the findings the caller may see.
pub fn finding_counts<'a>(types: impl IntoIterator<Item = &'a str>) -> BTreeMap<String, u32> {
    let mut out = BTreeMap::new();
    for t in types {
        *out.entry(t.to_string()).or_insert(0) += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wp(name: &str, lon: f64) -> Waypoint {
        Waypoint {
            lon,
            lat: -1.7,
            ele: None,
            time: DateTime::from_timestamp(1_748_300_000, 0),
            name: Some(name.into()),
            desc: None,
        }
    }

    #[test]
    fn the_same_waypoint_of_the_same_patrol_has_the_same_id() {
        let p = PatrolId(Uuid::from_u128(1));
        let q = PatrolId(Uuid::from_u128(2));
        assert_eq!(
            observation_id(p, &wp("Jerat", 101.5)),
            observation_id(p, &wp("Jerat", 101.5))
        );
        // A difference below a millionth of a degree is the same point.
        assert_eq!(
            observation_id(p, &wp("Jerat", 101.5)),
            observation_id(p, &wp("Jerat", 101.500_000_1))
        );
        assert_ne!(
            observation_id(p, &wp("Jerat", 101.5)),
            observation_id(q, &wp("Jerat", 101.5))
        );
        assert_ne!(
            observation_id(p, &wp("Jerat", 101.5)),
            observation_id(p, &wp("Tebangan", 101.5))
        );
        assert!(is_observation_id(observation_id(p, &wp("Jerat", 101.5))));
        assert!(!is_observation_id(ReportId(Uuid::now_v7())));
    }

    #[test]
    fn state_follows_the_report_then_the_dismissal() {
        let p = PatrolId(Uuid::from_u128(1));
        let mut o = Observation::of_waypoint(
            p,
            &wp(&"x".repeat(900), 101.5),
            UserId(Uuid::from_u128(3)),
            DateTime::from_timestamp(1_748_300_100, 0).expect("a time"),
        );
        assert_eq!(o.name.as_ref().map(|n| n.chars().count()), Some(MAX_TEXT));
        assert_eq!(o.state(false), ObservationState::Pending);
        o.dismissed = true;
        assert_eq!(o.state(false), ObservationState::Dismissed);
        assert_eq!(o.state(true), ObservationState::Confirmed);
    }

    #[test]
    fn findings_count_by_type() {
        let c = finding_counts(["snare", "logging", "snare"]);
        assert_eq!(c.get("snare"), Some(&2));
        assert_eq!(c.get("logging"), Some(&1));
    }
}
