//! Effort and results over many patrols: per patrol, per organising agency, per area,
//! per leader (a team) or per month, within a period, from each leg's stored figures
//! (never from the tracks, so a month of ten thousand patrols is summed without reading a
//! point).
//!
//! A leg counts in the period when its local date is in it; a finding when its local date
//! (the report's `occurred_at` in the patrol's zone) is. By month, a patrol out on the
//! 30th and the 2nd counts in both months with the legs of each. Patrol-days are the
//! distinct dates of a patrol's legs; person-days those days × its members. Coverage is
//! the union of the legs' grid cells, so two patrols through one cell cover it once.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::ValidationErrors;
use crate::ids::{AgencyId, PatrolId};

use super::effort::{finding_rates, Cell, Effort, FindingRate};

/// What a leg contributes, as stored beside its track.
#[derive(Debug, Clone, PartialEq)]
pub struct LegFigures {
    pub patrol_id: PatrolId,
    /// The leg's local date, in the patrol's zone.
    pub date: NaiveDate,
    pub distance_m: f64,
    pub seconds: i64,
    pub cells: Vec<Cell>,
}

/// One patrol as the summary needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct PatrolFacts {
    pub id: PatrolId,
    pub owner_agency_id: AgencyId,
    pub area: Option<String>,
    /// The leader's name as shown (a team is known by its leader).
    pub leader: String,
    pub members: usize,
    pub legs: Vec<LegFigures>,
    /// The report type and local date of each finding the caller may see.
    pub findings: Vec<(String, NaiveDate)>,
}

/// How the rows are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    Patrol,
    Agency,
    Area,
    Leader,
    Month,
}

impl GroupBy {
    pub const ALL: [GroupBy; 5] = [
        GroupBy::Month,
        GroupBy::Agency,
        GroupBy::Area,
        GroupBy::Leader,
        GroupBy::Patrol,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Patrol => "patrol",
            GroupBy::Agency => "agency",
            GroupBy::Area => "area",
            GroupBy::Leader => "leader",
            GroupBy::Month => "month",
        }
    }

    pub fn parse(s: &str) -> Option<GroupBy> {
        GroupBy::ALL.into_iter().find(|g| g.as_str() == s)
    }
}

/// One row: a group's patrols, effort and findings.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SummaryRow {
    /// The group: a patrol id, an agency id, a region code ("" for none), a leader's
    /// name, or a month `YYYY-MM`.
    pub key: String,
    /// Patrols with a leg or a finding in the group and period.
    pub patrols: u32,
    pub effort: Effort,
    pub findings: u32,
    pub by_type: BTreeMap<String, FindingRate>,
    /// All findings per 100 km and per patrol-day.
    pub total: Option<FindingRate>,
}

/// The whole period: its rows and their total (the coverage of all rows together).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    pub rows: Vec<SummaryRow>,
    pub total: SummaryRow,
}

fn month(d: NaiveDate) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

#[derive(Default)]
struct Acc {
    patrols: BTreeSet<PatrolId>,
    distance_m: f64,
    seconds: i64,
    days: BTreeSet<(PatrolId, NaiveDate)>,
    person_days: u32,
    cells: BTreeSet<Cell>,
    findings: BTreeMap<String, u32>,
}

impl Acc {
    fn leg(&mut self, p: &PatrolFacts, l: &LegFigures) {
        self.patrols.insert(p.id);
        self.distance_m += l.distance_m;
        self.seconds += l.seconds;
        if self.days.insert((p.id, l.date)) {
            self.person_days = self
                .person_days
                .saturating_add(u32::try_from(p.members).unwrap_or(u32::MAX));
        }
        self.cells.extend(l.cells.iter().copied());
    }

    fn finding(&mut self, p: &PatrolFacts, type_key: &str) {
        self.patrols.insert(p.id);
        *self.findings.entry(type_key.to_string()).or_insert(0) += 1;
    }

    fn row(self, key: String) -> SummaryRow {
        let effort = Effort {
            distance_km: self.distance_m / 1000.0,
            hours: self.seconds as f64 / 3600.0,
            patrol_days: u32::try_from(self.days.len()).unwrap_or(u32::MAX),
            person_days: self.person_days,
            cells: self.cells,
        };
        let findings = self
            .findings
            .values()
            .fold(0u32, |a, n| a.saturating_add(*n));
        let total = (findings > 0).then(|| {
            finding_rates(&effort, &BTreeMap::from([(String::new(), findings)]))
                .remove("")
                .unwrap_or(FindingRate {
                    count: findings,
                    per_100_km: None,
                    per_patrol_day: None,
                })
        });
        SummaryRow {
            key,
            patrols: u32::try_from(self.patrols.len()).unwrap_or(u32::MAX),
            by_type: finding_rates(&effort, &self.findings),
            effort,
            findings,
            total,
        }
    }
}

/// Sums `patrols` over `from..=to` grouped by `group`; rows in key order (months
/// oldest first), groups with nothing in the period left out.
pub fn summarize(
    patrols: &[PatrolFacts],
    group: GroupBy,
    from: NaiveDate,
    to: NaiveDate,
) -> Summary {
    let in_period = |d: NaiveDate| from <= d && d <= to;
    let mut groups: BTreeMap<String, Acc> = BTreeMap::new();
    let mut all = Acc::default();
    for p in patrols {
        let key_of = |d: NaiveDate| match group {
            GroupBy::Patrol => p.id.to_string(),
            GroupBy::Agency => p.owner_agency_id.to_string(),
            GroupBy::Area => p.area.clone().unwrap_or_default(),
            GroupBy::Leader => p.leader.clone(),
            GroupBy::Month => month(d),
        };
        for l in p.legs.iter().filter(|l| in_period(l.date)) {
            groups.entry(key_of(l.date)).or_default().leg(p, l);
            all.leg(p, l);
        }
        for (t, d) in p.findings.iter().filter(|(_, d)| in_period(*d)) {
            groups.entry(key_of(*d)).or_default().finding(p, t);
            all.finding(p, t);
        }
    }
    Summary {
        rows: groups.into_iter().map(|(k, a)| a.row(k)).collect(),
        total: all.row(String::new()),
    }
}

/// The longest period a summary covers, in days from its first to its last (a leap year
/// and a day).
pub const MAX_PERIOD_DAYS: i64 = 366;

/// Reads a summary's period and grouping as sent (`from`, `to` as YYYY-MM-DD, `group`),
/// naming every field at fault. Without `to`, today; without `from`, the first day of
/// `to`'s month; without `group`, by month.
pub fn read_query(
    from: Option<&str>,
    to: Option<&str>,
    group: Option<&str>,
    today: NaiveDate,
) -> Result<(NaiveDate, NaiveDate, GroupBy), ValidationErrors> {
    let mut errs = ValidationErrors::new();
    let date =
        |field: &str, v: Option<&str>, errs: &mut ValidationErrors| -> Option<Option<NaiveDate>> {
            match v.map(str::trim).filter(|s| !s.is_empty()) {
                None => Some(None),
                Some(s) => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                    Ok(d) => Some(Some(d)),
                    Err(_) => {
                        errs.push(
                            field,
                            crate::msg!("date-invalid", "must be a date YYYY-MM-DD"),
                        );
                        None
                    }
                },
            }
        };
    let to = date("to", to, &mut errs).map(|d| d.unwrap_or(today));
    let from = date("from", from, &mut errs);
    let group = match group.map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(GroupBy::Month),
        Some(g) => {
            let parsed = GroupBy::parse(g);
            if parsed.is_none() {
                errs.push(
                    "group",
                    crate::msg!(
                        "patrol-summary-group-invalid",
                        "must be month, agency, area, leader or patrol"
                    ),
                );
            }
            parsed
        }
    };
    let (Some(to), Some(from), Some(group)) = (to, from, group) else {
        return Err(errs);
    };
    let from = from.unwrap_or_else(|| to.with_day(1).unwrap_or(to));
    if to < from {
        errs.push(
            "to",
            crate::msg!("valid-until-before-start", "ends before it starts"),
        );
    } else if (to - from).num_days() > MAX_PERIOD_DAYS {
        errs.push(
            "to",
            crate::msg!(
                "patrol-summary-too-long",
                "a period is at most {days} days",
                days = MAX_PERIOD_DAYS + 1
            ),
        );
    }
    if errs.is_empty() {
        Ok((from, to, group))
    } else {
        Err(errs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("a date")
    }

    fn leg(p: u128, date: &str, km: f64, cells: &[(i32, i32)]) -> LegFigures {
        LegFigures {
            patrol_id: PatrolId(Uuid::from_u128(p)),
            date: d(date),
            distance_m: km * 1000.0,
            seconds: 3600,
            cells: cells.iter().map(|&(x, y)| Cell { x, y }).collect(),
        }
    }

    fn patrol(
        p: u128,
        agency: u128,
        legs: Vec<LegFigures>,
        findings: &[(&str, &str)],
    ) -> PatrolFacts {
        PatrolFacts {
            id: PatrolId(Uuid::from_u128(p)),
            owner_agency_id: AgencyId(Uuid::from_u128(agency)),
            area: Some("15.01".into()),
            leader: format!("leader {p}"),
            members: 3,
            legs,
            findings: findings
                .iter()
                .map(|(t, d2)| (t.to_string(), d(d2)))
                .collect(),
        }
    }

    #[test]
    fn months_split_a_patrol_by_its_legs_and_cells_are_a_union() {
        let ps = vec![
            patrol(
                1,
                10,
                vec![
                    leg(1, "2026-07-31", 10.0, &[(1, 1), (1, 2)]),
                    leg(1, "2026-08-01", 5.0, &[(1, 2)]),
                ],
                &[("snare", "2026-08-01"), ("snare", "2026-08-01")],
            ),
            patrol(
                2,
                20,
                vec![leg(2, "2026-08-01", 5.0, &[(1, 2), (9, 9)])],
                &[("logging", "2026-08-01")],
            ),
            // Outside the period entirely.
            patrol(
                3,
                20,
                vec![leg(3, "2026-06-01", 50.0, &[(5, 5)])],
                &[("snare", "2026-06-01")],
            ),
        ];
        let s = summarize(&ps, GroupBy::Month, d("2026-07-01"), d("2026-08-31"));
        assert_eq!(s.rows.len(), 2);
        let (jul, aug) = (&s.rows[0], &s.rows[1]);
        assert_eq!(jul.key, "2026-07");
        assert_eq!(jul.patrols, 1);
        assert_eq!(jul.findings, 0);
        assert_eq!(aug.key, "2026-08");
        assert_eq!(aug.patrols, 2);
        assert!((aug.effort.distance_km - 10.0).abs() < 1e-9);
        assert_eq!(aug.effort.patrol_days, 2);
        assert_eq!(aug.effort.person_days, 6);
        assert_eq!(aug.effort.cells.len(), 2);
        assert_eq!(aug.findings, 3);
        let snare = aug.by_type["snare"];
        assert_eq!(snare.count, 2);
        assert!((snare.per_100_km.expect("km walked") - 20.0).abs() < 1e-9);
        assert!((snare.per_patrol_day.expect("days") - 1.0).abs() < 1e-9);
        // The total: 20 km, 3 patrol-days, cells (1,1), (1,2), (9,9) once each.
        assert_eq!(s.total.patrols, 2);
        assert!((s.total.effort.distance_km - 20.0).abs() < 1e-9);
        assert_eq!(s.total.effort.patrol_days, 3);
        assert_eq!(s.total.effort.cells.len(), 3);
        assert_eq!(s.total.findings, 3);
        let all = s.total.total.expect("findings");
        assert!((all.per_100_km.expect("km") - 15.0).abs() < 1e-9);
    }

    #[test]
    fn grouping_by_agency_keeps_each_agency_apart() {
        let ps = vec![
            patrol(1, 10, vec![leg(1, "2026-08-01", 10.0, &[])], &[]),
            patrol(2, 20, vec![leg(2, "2026-08-01", 5.0, &[])], &[]),
            patrol(3, 20, vec![leg(3, "2026-08-02", 5.0, &[])], &[]),
        ];
        let s = summarize(&ps, GroupBy::Agency, d("2026-08-01"), d("2026-08-31"));
        assert_eq!(s.rows.len(), 2);
        let a20 = s
            .rows
            .iter()
            .find(|r| r.key == AgencyId(Uuid::from_u128(20)).to_string())
            .expect("agency 20");
        assert_eq!(a20.patrols, 2);
        assert!((a20.effort.distance_km - 10.0).abs() < 1e-9);
        assert_eq!(a20.total, None);
    }

    #[test]
    fn the_period_defaults_to_this_month_and_names_its_faults() {
        let today = d("2026-08-17");
        assert_eq!(
            read_query(None, None, None, today).expect("defaults"),
            (d("2026-08-01"), today, GroupBy::Month)
        );
        assert_eq!(
            read_query(
                Some("2026-01-01"),
                Some("2026-03-31"),
                Some("agency"),
                today
            )
            .expect("given"),
            (d("2026-01-01"), d("2026-03-31"), GroupBy::Agency)
        );
        let fields = |r: Result<_, ValidationErrors>| -> Vec<String> {
            r.expect_err("refused")
                .errors
                .into_iter()
                .map(|e| e.field)
                .collect()
        };
        assert_eq!(
            fields(read_query(
                Some("kemarin"),
                Some("2026-13-01"),
                Some("week"),
                today
            )),
            ["to", "from", "group"]
        );
        assert_eq!(
            fields(read_query(
                Some("2026-08-02"),
                Some("2026-08-01"),
                None,
                today
            )),
            ["to"]
        );
        assert_eq!(
            fields(read_query(
                Some("2024-01-01"),
                Some("2025-01-02"),
                None,
                today
            )),
            ["to"]
        );
        assert!(
            read_query(Some("2024-01-01"), Some("2025-01-01"), None, today).is_ok(),
            "a leap year fits"
        );
    }

    #[test]
    fn group_names_round_trip() {
        for g in GroupBy::ALL {
            assert_eq!(GroupBy::parse(g.as_str()), Some(g));
        }
        assert_eq!(GroupBy::parse("week"), None);
    }
}
