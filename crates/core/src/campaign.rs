//! Monitoring campaigns (issue 12, ADR 35): a form assigned to respondent units — a
//! region answered by an agency, e.g. every kabupaten/kota of Jambi by its BNNK — for a
//! run of periods (monthly, quarterly, yearly). Each period opens on its first day, is
//! due `due_days` after its last day and closes `grace_days` after that. A unit answers
//! a period with a submission whose period question holds the period's label (`2021`,
//! `2021-Q3`, `2021-07`).
//!
//! What is counted, as in DHIS2's data sets: **expected** = units × periods that are due;
//! **reporting rate** = units that answered a due period / expected; **on-time rate** =
//! units that answered by the due date / expected. A period not yet due is shown but not
//! counted. Times are read in the zone of the unit's region (a due date ends at midnight
//! there).

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::error::Message;
use crate::ids::{AgencyId, UserId};
use crate::time::Zone;

pub use crate::ids::{CampaignId, FormId};

/// The most periods one campaign may span.
pub const MAX_PERIODS: usize = 240;
/// The most units one campaign may have.
pub const MAX_UNITS: usize = 1000;

/// How long a period is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Periodicity {
    Monthly,
    Quarterly,
    Yearly,
}

impl Periodicity {
    pub fn as_str(self) -> &'static str {
        match self {
            Periodicity::Monthly => "monthly",
            Periodicity::Quarterly => "quarterly",
            Periodicity::Yearly => "yearly",
        }
    }
    pub fn parse(s: &str) -> Option<Periodicity> {
        match s {
            "monthly" => Some(Periodicity::Monthly),
            "quarterly" => Some(Periodicity::Quarterly),
            "yearly" => Some(Periodicity::Yearly),
            _ => None,
        }
    }
    fn months(self) -> u32 {
        match self {
            Periodicity::Monthly => 1,
            Periodicity::Quarterly => 3,
            Periodicity::Yearly => 12,
        }
    }
}

/// One period: its first day and the first day after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Period {
    pub periodicity: Periodicity,
    pub start: NaiveDate,
}

fn period_label_message(p: Periodicity) -> Message {
    crate::msg!(
        "campaign-period-label",
        "must be a period such as {example}",
        example = match p {
            Periodicity::Monthly => "2021-07",
            Periodicity::Quarterly => "2021-Q3",
            Periodicity::Yearly => "2021",
        }
    )
}

impl Period {
    /// Reads a period's label: `2021`, `2021-Q3` or `2021-07` for its periodicity.
    pub fn parse(p: Periodicity, label: &str) -> Result<Period, Message> {
        let label = label.trim();
        let year = |s: &str| {
            s.parse::<i32>()
                .ok()
                .filter(|y| (1945..=2200).contains(y) && s.len() == 4)
        };
        let start = match p {
            Periodicity::Yearly => year(label).and_then(|y| NaiveDate::from_ymd_opt(y, 1, 1)),
            Periodicity::Quarterly => label.split_once("-Q").and_then(|(y, q)| {
                let q = q.parse::<u32>().ok().filter(|q| (1..=4).contains(q))?;
                NaiveDate::from_ymd_opt(year(y)?, (q - 1) * 3 + 1, 1)
            }),
            Periodicity::Monthly => label.split_once('-').and_then(|(y, m)| {
                let m = m.parse::<u32>().ok().filter(|_| m.len() == 2)?;
                NaiveDate::from_ymd_opt(year(y)?, m, 1)
            }),
        };
        start
            .map(|start| Period {
                periodicity: p,
                start,
            })
            .ok_or_else(|| period_label_message(p))
    }

    pub fn label(&self) -> String {
        match self.periodicity {
            Periodicity::Yearly => format!("{}", self.start.year()),
            Periodicity::Quarterly => {
                format!(
                    "{}-Q{}",
                    self.start.year(),
                    (self.start.month() - 1) / 3 + 1
                )
            }
            Periodicity::Monthly => format!("{}-{:02}", self.start.year(), self.start.month()),
        }
    }

    /// The first day after the period.
    pub fn end(&self) -> NaiveDate {
        self.start
            .checked_add_months(chrono::Months::new(self.periodicity.months()))
            .unwrap_or(self.start)
    }

    pub fn next(&self) -> Period {
        Period {
            periodicity: self.periodicity,
            start: self.end(),
        }
    }

    /// The periods from `first` to `last`, both included.
    pub fn range(first: Period, last: Period) -> Vec<Period> {
        let mut out = Vec::new();
        let mut p = first;
        while p <= last && out.len() <= MAX_PERIODS {
            out.push(p);
            p = p.next();
        }
        out
    }
}

/// A respondent unit: a region answered by an agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    /// A Kemendagri region code (`15.01`).
    pub region_code: String,
    pub agency_id: AgencyId,
}

/// Days before the due date that units are reminded, unless the campaign says.
pub const REMIND_DAYS: u32 = 7;
/// Days after the due date that a missing unit is escalated, unless the campaign says.
pub const ESCALATE_DAYS: u32 = 14;

fn default_remind_days() -> u32 {
    REMIND_DAYS
}

fn default_escalate_days() -> u32 {
    ESCALATE_DAYS
}

/// A campaign.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Campaign {
    pub id: CampaignId,
    pub owner_agency_id: AgencyId,
    pub form_id: FormId,
    pub title: String,
    pub periodicity: Periodicity,
    pub first_period: NaiveDate,
    pub last_period: NaiveDate,
    /// Days after a period's last day by which answers are due (0: on its last day).
    pub due_days: u32,
    /// Days after the due date that answers are still accepted (late).
    pub grace_days: u32,
    /// Days before the due date that units not yet answering are reminded.
    #[serde(default = "default_remind_days")]
    pub remind_days: u32,
    /// Days after the due date that a unit still missing is escalated to its superior.
    #[serde(default = "default_escalate_days")]
    pub escalate_days: u32,
    /// The form's question holding the period's label.
    pub period_field: String,
    /// The form's question holding the region's code, when an agency answers for more
    /// than one region.
    pub region_field: Option<String>,
    pub units: Vec<Unit>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
}

/// A composite index defined over a campaign's answers (ADR 36).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignIndex {
    pub id: crate::index::IndexId,
    pub campaign_id: CampaignId,
    pub def: crate::index::IndexDef,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
}

/// Where one unit stands for one period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CellState {
    /// Answered by the due date.
    OnTime,
    /// Answered after the due date.
    Late,
    /// Not answered, and the due date has passed.
    Missing,
    /// Not answered yet; the due date has not passed.
    Open,
    /// The period has not started.
    NotOpen,
}

impl CellState {
    pub fn as_str(self) -> &'static str {
        match self {
            CellState::OnTime => "on_time",
            CellState::Late => "late",
            CellState::Missing => "missing",
            CellState::Open => "open",
            CellState::NotOpen => "not_open",
        }
    }
}

impl Campaign {
    /// Whether the actor sees every unit: the campaign's agency and those above it (a
    /// unit's agency sees its own units only).
    pub fn seen_whole_by(&self, actor: &crate::access::Actor) -> bool {
        actor.agency_id == self.owner_agency_id
            || actor.agency_descendants.contains(&self.owner_agency_id)
    }

    pub fn periods(&self) -> Vec<Period> {
        Period::range(
            Period {
                periodicity: self.periodicity,
                start: self.first_period,
            },
            Period {
                periodicity: self.periodicity,
                start: self.last_period,
            },
        )
    }

    /// The last day answers to `p` are on time (in the unit's zone).
    pub fn due_date(&self, p: &Period) -> NaiveDate {
        p.end().pred_opt().unwrap_or(p.start) + Duration::days(i64::from(self.due_days))
    }

    /// The instant a day ends in a region's zone.
    fn end_of(day: NaiveDate, region: &str) -> DateTime<Utc> {
        let zone = Zone::for_region(region).offset();
        let next = day.succ_opt().unwrap_or(day);
        zone.from_local_datetime(&next.and_hms_opt(0, 0, 0).unwrap_or_default())
            .single()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|| next.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
    }

    fn start_of(day: NaiveDate, region: &str) -> DateTime<Utc> {
        match day.pred_opt() {
            Some(d) => Self::end_of(d, region),
            None => day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc(),
        }
    }

    /// The state of a unit's period given when it first answered (if it did).
    pub fn cell(
        &self,
        unit: &Unit,
        p: &Period,
        answered: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> CellState {
        let due = Self::end_of(self.due_date(p), &unit.region_code);
        match answered {
            Some(t) if t < due => CellState::OnTime,
            Some(_) => CellState::Late,
            None if now >= due => CellState::Missing,
            None if now >= Self::start_of(p.start, &unit.region_code) => CellState::Open,
            None => CellState::NotOpen,
        }
    }

    /// Whether a unit's period is past its due date at `now`: only such cells count in
    /// a unit's and the campaign's rates.
    pub fn is_due(&self, unit: &Unit, p: &Period, now: DateTime<Utc>) -> bool {
        now >= Self::end_of(self.due_date(p), &unit.region_code)
    }

    /// Whether an answer given at `t` is still accepted for the period (before the end
    /// of its grace days).
    pub fn accepts(&self, unit: &Unit, p: &Period, t: DateTime<Utc>) -> bool {
        let closes = self.due_date(p) + Duration::days(i64::from(self.grace_days));
        t >= Self::start_of(p.start, &unit.region_code)
            && t < Self::end_of(closes, &unit.region_code)
    }
}

/// Counts over cells.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rates {
    /// Cells whose due date has passed.
    pub expected: u32,
    /// Of those, answered (on time or late).
    pub received: u32,
    /// Of those, answered by the due date.
    pub on_time: u32,
}

impl Rates {
    /// Counts a cell of a period not yet due: every unit expected, the answers so far
    /// received (and on time): the period's progress.
    pub fn add_progress(&mut self, c: CellState) {
        self.expected += 1;
        if c == CellState::OnTime {
            self.received += 1;
            self.on_time += 1;
        }
    }

    /// Counts a cell of a due period.
    pub fn add(&mut self, c: CellState) {
        match c {
            CellState::OnTime => {
                self.expected += 1;
                self.received += 1;
                self.on_time += 1;
            }
            CellState::Late => {
                self.expected += 1;
                self.received += 1;
            }
            CellState::Missing => self.expected += 1,
            CellState::Open | CellState::NotOpen => {}
        }
    }
    /// Received / expected, in percent with one decimal; `None` when nothing is expected.
    pub fn reporting_rate(&self) -> Option<f64> {
        pct(self.received, self.expected)
    }
    pub fn on_time_rate(&self) -> Option<f64> {
        pct(self.on_time, self.expected)
    }
}

fn pct(n: u32, d: u32) -> Option<f64> {
    (d > 0).then(|| (f64::from(n) * 1000.0 / f64::from(d)).round() / 10.0)
}

/// Each named number of days must lie within a year.
fn check_days(days: &[(&str, i64)], errs: &mut crate::ValidationErrors) {
    for (name, v) in days {
        if !(0..=366).contains(v) {
            errs.push(
                *name,
                crate::msg!(
                    "campaign-days",
                    "must be a whole number of days from 0 to 366"
                ),
            );
        }
    }
}

/// Checks a campaign's reminder days: whole days within a year, named by field.
pub fn check_reminder_days(
    remind: i64,
    escalate: i64,
) -> Result<(u32, u32), crate::ValidationErrors> {
    let mut errs = crate::ValidationErrors::new();
    check_days(
        &[("remind_days", remind), ("escalate_days", escalate)],
        &mut errs,
    );
    if errs.is_empty() {
        Ok((remind as u32, escalate as u32))
    } else {
        Err(errs)
    }
}

/// Checks a campaign's periods and days: the first period not after the last, at most
/// [`MAX_PERIODS`], days within a year.
pub fn check_span(
    periodicity: Periodicity,
    first: &str,
    last: &str,
    due_days: i64,
    grace_days: i64,
) -> Result<(Period, Period), crate::ValidationErrors> {
    let mut errs = crate::ValidationErrors::new();
    let f = Period::parse(periodicity, first)
        .map_err(|m| errs.push("first_period", m))
        .ok();
    let l = Period::parse(periodicity, last)
        .map_err(|m| errs.push("last_period", m))
        .ok();
    if let (Some(f), Some(l)) = (f, l) {
        if l < f {
            errs.push(
                "last_period",
                crate::msg!(
                    "campaign-period-order",
                    "must not be before the first period"
                ),
            );
        } else if Period::range(f, l).len() > MAX_PERIODS {
            errs.push(
                "last_period",
                crate::msg!(
                    "campaign-too-many-periods",
                    "a campaign spans at most {max} periods",
                    max = MAX_PERIODS
                ),
            );
        }
    }
    check_days(
        &[("due_days", due_days), ("grace_days", grace_days)],
        &mut errs,
    );
    match (f, l, errs.is_empty()) {
        (Some(f), Some(l), true) => Ok((f, l)),
        _ => Err(errs),
    }
}

#[cfg(test)]
mod tests;
