//! Sharing beyond the owner's own hierarchy: grants that flow from written agreements and
//! referrals of single records, and the form in which a shared record is delivered
//! (fields withheld, location coarsened).
//!
//! This module decides; it never looks anything up. The caller resolves an agreement's
//! clauses into concrete [`Grant`]s for the viewer (which owner agencies, which types) with
//! the agency tree in hand, and passes the referrals that name the record.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::access::{ReportAccess, ViewScope};
use crate::ids::{AgencyId, ReportId, UserId};
use crate::sensitivity::Sensitivity;

/// How precisely a shared record's location is delivered.
/// In JSON it is written as the API's `location_precision_m`: 0, 1000, 10000 or "region".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(into = "serde_json::Value", try_from = "serde_json::Value")]
pub enum Precision {
    Exact,
    /// Snapped to a grid of this many metres (1,000 or 10,000).
    Grid(u32),
    /// Only the centre of the record's region.
    Region,
}

impl From<Precision> for serde_json::Value {
    fn from(p: Precision) -> Self {
        p.to_json()
    }
}

impl TryFrom<serde_json::Value> for Precision {
    type Error = String;

    fn try_from(v: serde_json::Value) -> Result<Self, String> {
        Precision::parse(&v).ok_or_else(|| format!("{v} is not a location precision"))
    }
}

impl Precision {
    /// Parses `location_precision_m`: 0 (exact), 1000, 10000, or "region".
    pub fn parse(v: &serde_json::Value) -> Option<Precision> {
        match v {
            serde_json::Value::Null => Some(Precision::Exact),
            serde_json::Value::String(s) if s == "region" => Some(Precision::Region),
            serde_json::Value::String(s) if s == "exact" => Some(Precision::Exact),
            serde_json::Value::Number(n) => match n.as_u64() {
                Some(0) => Some(Precision::Exact),
                Some(1000) => Some(Precision::Grid(1000)),
                Some(10000) => Some(Precision::Grid(10000)),
                _ => None,
            },
            _ => None,
        }
    }

    /// The API form: 0, 1000, 10000 or "region".
    pub fn to_json(self) -> serde_json::Value {
        match self {
            Precision::Exact => serde_json::json!(0),
            Precision::Grid(m) => serde_json::json!(m),
            Precision::Region => serde_json::json!("region"),
        }
    }

    fn rank(self) -> u32 {
        match self {
            Precision::Exact => 0,
            Precision::Grid(m) => m,
            Precision::Region => u32::MAX,
        }
    }

    /// The more precise of two.
    pub fn finer(self, other: Precision) -> Precision {
        if self.rank() <= other.rank() {
            self
        } else {
            other
        }
    }

    /// The less precise of two.
    pub fn coarser(self, other: Precision) -> Precision {
        if self.rank() >= other.rank() {
            self
        } else {
            other
        }
    }
}

/// What one agreement clause lets one viewer agency see, resolved to concrete ids.
#[derive(Debug, Clone, PartialEq)]
pub struct Grant {
    /// Reports owned by these agencies flow.
    pub owners: Vec<AgencyId>,
    /// Of these types (already expanded from categories).
    pub type_keys: Vec<String>,
    /// Up to this sensitivity.
    pub max_sensitivity: Sensitivity,
    pub withheld_fields: Vec<String>,
    pub precision: Precision,
}

impl Grant {
    pub fn covers(&self, owner: AgencyId, type_key: &str, sensitivity: Sensitivity) -> bool {
        sensitivity <= self.max_sensitivity
            && self.owners.contains(&owner)
            && self.type_keys.iter().any(|t| t == type_key)
    }
}

/// One record shared with an agency (a referral) or with one user for a few hours
/// (break-glass).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Referral {
    pub report_id: ReportId,
    pub to_agency: Option<AgencyId>,
    pub to_user: Option<UserId>,
    pub until: DateTime<Utc>,
    pub revoked: bool,
}

impl Referral {
    pub fn admits(&self, user: UserId, agency: AgencyId, now: DateTime<Utc>) -> bool {
        !self.revoked
            && now < self.until
            && (self.to_agency == Some(agency) || self.to_user == Some(user))
    }
}

/// What the viewer gets of a record.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "form", rename_all = "snake_case")]
pub enum Form {
    /// Everything, as stored.
    Full,
    /// Shared under an agreement: these fields withheld, the location at this precision.
    Shared {
        withheld: Vec<String>,
        precision: Precision,
    },
}

/// Everything the decision needs about the viewer.
#[derive(Debug, Clone, PartialEq)]
pub struct Viewer {
    pub scope: ViewScope,
    pub grants: Vec<Grant>,
    /// Referrals and break-glass access count until this moment.
    pub now: DateTime<Utc>,
    /// May see exact locations of location-sensitive types (not yet granted by any role;
    /// kept so the rule has one place).
    pub precise_locations: bool,
}

/// The decision: `None` (the record does not exist for the viewer) or the form in which it
/// is delivered. Pure: a function of the viewer, the record, the referrals naming the
/// record, and the time.
pub fn decide(
    viewer: &Viewer,
    r: &ReportAccess,
    type_key: &str,
    location_sensitive: bool,
    referrals: &[Referral],
    now: DateTime<Utc>,
) -> Option<Form> {
    let own = viewer.scope.admits(r)
        || referrals
            .iter()
            .any(|x| x.admits(viewer.scope.user, viewer.scope.agency, now));
    let form = if own {
        Some(Form::Full)
    } else {
        most_generous(
            viewer
                .grants
                .iter()
                .filter(|g| g.covers(r.owner_agency, type_key, r.sensitivity)),
        )
    };
    // Location-sensitive records reach viewers outside the owner agency coarsened to at
    // least 10 km, whatever the path.
    match form {
        Some(f)
            if location_sensitive
                && r.owner_agency != viewer.scope.agency
                && !viewer.precise_locations =>
        {
            let (withheld, precision) = match f {
                Form::Full => (Vec::new(), Precision::Exact),
                Form::Shared {
                    withheld,
                    precision,
                } => (withheld, precision),
            };
            Some(Form::Shared {
                withheld,
                precision: precision.coarser(Precision::Grid(10_000)),
            })
        }
        other => other,
    }
}

/// Several clauses may cover a record: the viewer gets the most generous of them (the
/// fields every one of them withholds, the finest precision). `None` when none covers it.
pub fn most_generous<'a>(grants: impl Iterator<Item = &'a Grant>) -> Option<Form> {
    grants
        .fold(None, |acc: Option<(Vec<String>, Precision)>, g| match acc {
            None => Some((g.withheld_fields.clone(), g.precision)),
            Some((w, p)) => Some((
                w.into_iter()
                    .filter(|f| g.withheld_fields.contains(f))
                    .collect(),
                p.finer(g.precision),
            )),
        })
        .map(|(withheld, precision)| Form::Shared {
            withheld,
            precision,
        })
}

impl Viewer {
    /// A viewer with no agreements: exactly the owner-hierarchy rule.
    pub fn own_only(scope: ViewScope, now: DateTime<Utc>) -> Viewer {
        Viewer {
            scope,
            grants: Vec::new(),
            now,
            precise_locations: false,
        }
    }
}

/// Snaps a point to a grid of `metres`. The grid is fixed (latitude first, then longitude
/// with a step for the snapped latitude), so every query returns the same cell centre and
/// repeated queries cannot be averaged back to the true point.
pub fn snap(lon: f64, lat: f64, metres: u32) -> (f64, f64) {
    const METRES_PER_DEGREE: f64 = 111_320.0;
    let lat_step = f64::from(metres) / METRES_PER_DEGREE;
    let lat_cell = (lat / lat_step).floor();
    let snapped_lat = (lat_cell + 0.5) * lat_step;
    let lon_step = lat_step / snapped_lat.to_radians().cos().max(0.01);
    let snapped_lon = ((lon / lon_step).floor() + 0.5) * lon_step;
    (snapped_lon, snapped_lat)
}

/// A coarsened coordinate with no more decimals than its cell justifies: about a tenth of
/// the cell (1 km cells: 3 decimals, about 110 m; 10 km cells and region centres: 2).
pub fn shown(v: f64, cell_m: u32) -> f64 {
    let scale = if cell_m <= 1_000 { 1e3 } else { 1e2 };
    (v * scale).round() / scale
}

/// A point at `metres` as delivered: snapped to its cell's centre and written with no
/// more decimals than the cell justifies.
pub fn coarsened(lon: f64, lat: f64, metres: u32) -> (f64, f64) {
    let (lon, lat) = snap(lon, lat, metres);
    (shown(lon, metres), shown(lat, metres))
}

/// The grid cell of [`snap`] that a snapped point is the centre of, as
/// `(min_lon, min_lat, max_lon, max_lat)`: what a coarsened location stands for, for maps
/// that draw the cell instead of a pin.
pub fn cell_bounds(lon: f64, lat: f64, metres: u32) -> (f64, f64, f64, f64) {
    const METRES_PER_DEGREE: f64 = 111_320.0;
    let lat_step = f64::from(metres) / METRES_PER_DEGREE;
    let lon_step = lat_step / lat.to_radians().cos().max(0.01);
    (
        lon - lon_step / 2.0,
        lat - lat_step / 2.0,
        lon + lon_step / 2.0,
        lat + lat_step / 2.0,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::{Actor, ViewScope};
    use crate::user::Role;
    use uuid::Uuid;

    #[test]
    fn a_snapped_point_lies_in_the_middle_of_its_cell_which_holds_the_true_point() {
        for (lon, lat) in [(101.43204, -1.93137), (105.7712, -5.0473), (140.7, 2.5)] {
            for m in [1000, 10_000] {
                let (x, y) = snap(lon, lat, m);
                let (w, s, e, n) = cell_bounds(x, y, m);
                assert!(
                    w <= lon && lon <= e && s <= lat && lat <= n,
                    "{lon},{lat} {m}"
                );
                assert!(((w + e) / 2.0 - x).abs() < 1e-9 && ((s + n) / 2.0 - y).abs() < 1e-9);
                let height_m = (n - s) * 111_320.0;
                assert!((height_m - f64::from(m)).abs() < 1e-6);
            }
        }
    }

    fn a(n: u128) -> AgencyId {
        AgencyId(Uuid::from_u128(n))
    }
    fn u(n: u128) -> UserId {
        UserId(Uuid::from_u128(100 + n))
    }
    const TNKS: u128 = 1;
    const POLDA: u128 = 2;
    const OTHER: u128 = 3;

    fn viewer(agency: u128, grants: Vec<Grant>) -> Viewer {
        let actor = Actor {
            user_id: u(agency),
            username: "v".into(),
            agency_id: a(agency),
            role: Role::Analyst,
            agency_descendants: vec![],
        };
        Viewer {
            scope: ViewScope::for_actor(&actor),
            grants,
            now: now(),
            precise_locations: false,
        }
    }

    fn mou() -> Grant {
        Grant {
            owners: vec![a(TNKS)],
            type_keys: vec!["illegal_logging".into(), "wildlife_sighting".into()],
            max_sensitivity: Sensitivity::Internal,
            withheld_fields: vec!["suspect_names".into()],
            precision: Precision::Exact,
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_750_000_000, 0).expect("ts")
    }

    #[test]
    fn decision_table() {
        let rec = |s: Sensitivity| ReportAccess {
            owner_agency: a(TNKS),
            author: u(TNKS),
            sensitivity: s,
        };
        let shared = Some(Form::Shared {
            withheld: vec!["suspect_names".into()],
            precision: Precision::Exact,
        });
        // (viewer, sensitivity, type, location-sensitive, expected)
        let cases = [
            (
                viewer(POLDA, vec![mou()]),
                Sensitivity::Internal,
                "illegal_logging",
                false,
                shared.clone(),
            ),
            (
                viewer(POLDA, vec![mou()]),
                Sensitivity::Restricted,
                "illegal_logging",
                false,
                None,
            ),
            (
                viewer(POLDA, vec![mou()]),
                Sensitivity::Internal,
                "poaching",
                false,
                None,
            ),
            (
                viewer(POLDA, vec![]),
                Sensitivity::Internal,
                "illegal_logging",
                false,
                None,
            ),
            (
                viewer(OTHER, vec![]),
                Sensitivity::Public,
                "illegal_logging",
                false,
                Some(Form::Full),
            ),
            (
                viewer(TNKS, vec![]),
                Sensitivity::Restricted,
                "wildlife_sighting",
                true,
                Some(Form::Full),
            ),
            (
                viewer(POLDA, vec![mou()]),
                Sensitivity::Internal,
                "wildlife_sighting",
                true,
                Some(Form::Shared {
                    withheld: vec!["suspect_names".into()],
                    precision: Precision::Grid(10_000),
                }),
            ),
            (
                viewer(OTHER, vec![]),
                Sensitivity::Public,
                "wildlife_sighting",
                true,
                Some(Form::Shared {
                    withheld: vec![],
                    precision: Precision::Grid(10_000),
                }),
            ),
        ];
        for (i, (v, s, t, ls, want)) in cases.into_iter().enumerate() {
            assert_eq!(decide(&v, &rec(s), t, ls, &[], now()), want, "case {i}");
        }
    }

    #[test]
    fn the_most_generous_clause_wins() {
        let mut open = mou();
        open.withheld_fields = vec![];
        open.precision = Precision::Grid(1000);
        let mut strict = mou();
        strict.precision = Precision::Region;
        let v = viewer(POLDA, vec![strict, open]);
        let r = ReportAccess {
            owner_agency: a(TNKS),
            author: u(TNKS),
            sensitivity: Sensitivity::Internal,
        };
        assert_eq!(
            decide(&v, &r, "illegal_logging", false, &[], now()),
            Some(Form::Shared {
                withheld: vec![],
                precision: Precision::Grid(1000)
            })
        );
    }

    #[test]
    fn referrals_share_until_they_end_or_are_revoked() {
        let r = ReportAccess {
            owner_agency: a(TNKS),
            author: u(TNKS),
            sensitivity: Sensitivity::Restricted,
        };
        let id = ReportId(Uuid::from_u128(9));
        let mut refer = Referral {
            report_id: id,
            to_agency: Some(a(POLDA)),
            to_user: None,
            until: now() + chrono::Duration::days(1),
            revoked: false,
        };
        let v = viewer(POLDA, vec![]);
        assert_eq!(
            decide(
                &v,
                &r,
                "poaching",
                false,
                std::slice::from_ref(&refer),
                now()
            ),
            Some(Form::Full)
        );
        assert_eq!(
            decide(
                &v,
                &r,
                "poaching",
                false,
                std::slice::from_ref(&refer),
                now() + chrono::Duration::days(2)
            ),
            None
        );
        refer.revoked = true;
        assert_eq!(decide(&v, &r, "poaching", false, &[refer], now()), None);
        assert_eq!(
            decide(&viewer(OTHER, vec![]), &r, "poaching", false, &[], now()),
            None
        );
    }

    #[test]
    fn snapping_is_stable_and_within_the_cell() {
        let (lon, lat) = (101.2647, -1.6971);
        let a = snap(lon, lat, 10_000);
        assert_eq!(
            a,
            snap(lon + 0.001, lat - 0.001, 10_000),
            "nearby points share a cell"
        );
        let dlat = (a.1 - lat).abs() * 111_320.0;
        assert!(dlat <= 5_000.0, "{dlat}");
        let b = snap(lon, lat, 1_000);
        assert!((b.1 - lat).abs() * 111_320.0 <= 500.0);
    }
}
