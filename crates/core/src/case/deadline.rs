//! The deadlines of a case (ADR 27), computed from its stage, its dates and its law;
//! never stored, so a correction of a date moves every deadline that follows from it.
//!
//! Two kinds of period, as the agencies count them:
//! - "within N days of" a day (the SPDP, the prosecutor's turnaround, appeal windows):
//!   due on that day plus N; the day itself is day zero.
//! - a detention "for N days" from a day: the day it starts is the first of the N, so it
//!   ends on the start plus N − 1 (20 days from 1 March end on 20 March, as warrants
//!   write "terhitung mulai 1 s.d. 20 Maret").
//!
//! A deadline is overdue when today is after its due day, and due soon from
//! `soon_days` before it.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use super::law::ProcedureCode;
use super::stage::Stage;

/// What a deadline is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    /// The investigator sends the SPDP to the prosecutor.
    SpdpDue,
    /// The prosecutor tells the investigator whether the file is complete (P-18 or P-21).
    FileExamination,
    /// The prosecutor returns an incomplete file with instructions (P-19); after it the
    /// file counts as complete.
    FileReturn,
    /// The investigator sends back the completed file.
    FileCompletion,
    /// The defendant or the prosecutor may appeal.
    AppealWindow,
    /// The defendant or the prosecutor may apply for cassation.
    CassationWindow,
    /// The current detention period ends: release, extend or hand over.
    DetentionEnds,
}

impl DeadlineKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DeadlineKind::SpdpDue => "spdp_due",
            DeadlineKind::FileExamination => "file_examination",
            DeadlineKind::FileReturn => "file_return",
            DeadlineKind::FileCompletion => "file_completion",
            DeadlineKind::AppealWindow => "appeal_window",
            DeadlineKind::CassationWindow => "cassation_window",
            DeadlineKind::DetentionEnds => "detention_ends",
        }
    }
}

/// Who holds a detained suspect or defendant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DetentionAuthority {
    Investigator,
    Prosecutor,
    DistrictCourt,
    HighCourt,
    SupremeCourt,
}

impl DetentionAuthority {
    pub const ALL: [DetentionAuthority; 5] = [
        DetentionAuthority::Investigator,
        DetentionAuthority::Prosecutor,
        DetentionAuthority::DistrictCourt,
        DetentionAuthority::HighCourt,
        DetentionAuthority::SupremeCourt,
    ];
}

/// Which period of a detention by one authority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DetentionStep {
    /// The authority's own order.
    Initial,
    /// The ordinary extension.
    Extension,
    /// The first exceptional extension (KUHAP art. 29).
    Exceptional1,
    /// The second exceptional extension.
    Exceptional2,
}

/// The periods of one authority under one law, in days, with their basis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DetentionRule {
    pub authority: DetentionAuthority,
    pub initial: u32,
    pub extension: u32,
    pub basis: &'static str,
}

/// The exceptional extensions: two of `days` each, for an offence threatened with at
/// least `min_penalty_years` (or a suspect's serious physical or mental illness).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ExceptionalRule {
    pub days: u32,
    pub min_penalty_years: u32,
    pub basis: &'static str,
}

/// A law's time limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TimeTable {
    pub law: ProcedureCode,
    pub spdp_days: u64,
    pub file_examination_days: u64,
    pub file_return_days: u64,
    pub file_completion_days: u64,
    pub appeal_days: u64,
    pub cassation_days: u64,
    pub detention: &'static [DetentionRule],
    pub exceptional: ExceptionalRule,
}

const DETENTION_1981: &[DetentionRule] = &[
    DetentionRule {
        authority: DetentionAuthority::Investigator,
        initial: 20,
        extension: 40,
        basis: "KUHAP art. 24",
    },
    DetentionRule {
        authority: DetentionAuthority::Prosecutor,
        initial: 20,
        extension: 30,
        basis: "KUHAP art. 25",
    },
    DetentionRule {
        authority: DetentionAuthority::DistrictCourt,
        initial: 30,
        extension: 60,
        basis: "KUHAP art. 26",
    },
    DetentionRule {
        authority: DetentionAuthority::HighCourt,
        initial: 30,
        extension: 60,
        basis: "KUHAP art. 27",
    },
    DetentionRule {
        authority: DetentionAuthority::SupremeCourt,
        initial: 50,
        extension: 60,
        basis: "KUHAP art. 28",
    },
];

static KUHAP_1981_TIMES: TimeTable = TimeTable {
    law: ProcedureCode::Kuhap1981,
    spdp_days: 7,
    file_examination_days: 7,
    file_return_days: 14,
    file_completion_days: 14,
    appeal_days: 7,
    cassation_days: 14,
    detention: DETENTION_1981,
    exceptional: ExceptionalRule {
        days: 30,
        min_penalty_years: 9,
        basis: "KUHAP art. 29",
    },
};

/// UU 20/2025 keeps the structure of the 1981 limits; the figures are assumed equal
/// until checked against the promulgated text (ADR 27): this table is the one place to
/// change them.
static KUHAP_2025_TIMES: TimeTable = TimeTable {
    law: ProcedureCode::Kuhap2025,
    spdp_days: 7,
    file_examination_days: 7,
    file_return_days: 14,
    file_completion_days: 14,
    appeal_days: 7,
    cassation_days: 14,
    detention: DETENTION_1981,
    exceptional: ExceptionalRule {
        days: 30,
        min_penalty_years: 9,
        basis: "UU 20/2025 (as KUHAP art. 29)",
    },
};

/// The time limits of a law.
pub fn times(law: ProcedureCode) -> &'static TimeTable {
    match law {
        ProcedureCode::Kuhap1981 => &KUHAP_1981_TIMES,
        ProcedureCode::Kuhap2025 => &KUHAP_2025_TIMES,
    }
}

/// The length in days of a detention period, or `None` when the step does not exist
/// for the case: the exceptional extensions need an offence threatened with at least
/// nine years (`max_penalty_years`) or `illness` (a serious physical or mental
/// disorder certified by a doctor).
pub fn detention_days(
    law: ProcedureCode,
    authority: DetentionAuthority,
    step: DetentionStep,
    max_penalty_years: Option<u32>,
    illness: bool,
) -> Option<u32> {
    let t = times(law);
    let rule = t.detention.iter().find(|r| r.authority == authority)?;
    match step {
        DetentionStep::Initial => Some(rule.initial),
        DetentionStep::Extension => Some(rule.extension),
        DetentionStep::Exceptional1 | DetentionStep::Exceptional2 => {
            let serious = max_penalty_years.is_some_and(|y| y >= t.exceptional.min_penalty_years);
            (serious || illness).then_some(t.exceptional.days)
        }
    }
}

/// The current period of a detention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DetentionSpell {
    pub authority: DetentionAuthority,
    pub step: DetentionStep,
    pub started_on: NaiveDate,
}

/// The days of a case its deadlines count from; each as recorded with its stage.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseDates {
    /// The investigation order (Sprindik).
    pub investigation_order_on: Option<NaiveDate>,
    /// The latest sending of the file (stage one), the day the prosecutor received it.
    pub file_sent_on: Option<NaiveDate>,
    /// The latest return of the file (P-19), the day the investigator received it.
    pub file_returned_on: Option<NaiveDate>,
    /// The district court's verdict (the day it was pronounced or notified).
    pub verdict_on: Option<NaiveDate>,
    /// The high court's decision on appeal (the day it was notified).
    pub appeal_decided_on: Option<NaiveDate>,
    /// The detention period running now, if a suspect is detained.
    pub detention: Option<DetentionSpell>,
    pub max_penalty_years: Option<u32>,
    pub illness: bool,
}

/// One deadline of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deadline {
    pub kind: DeadlineKind,
    /// The last day on which it is still met.
    pub due_on: NaiveDate,
    /// The rule it comes from.
    pub basis: &'static str,
    /// For a detention: the next period it can be extended by, in days (none: at its
    /// end the person is released or handed over).
    pub extension_days: Option<u32>,
}

fn plus(d: NaiveDate, days: u64) -> NaiveDate {
    d.checked_add_days(Days::new(days))
        .unwrap_or(NaiveDate::MAX)
}

/// The deadlines a case has at `stage` under `law`, given its dates, soonest first.
pub fn deadlines(law: ProcedureCode, stage: Stage, dates: &CaseDates) -> Vec<Deadline> {
    let t = times(law);
    let mut out = Vec::new();
    let mut push = |kind, from: Option<NaiveDate>, days: u64, basis: &'static str| {
        if let Some(from) = from {
            out.push(Deadline {
                kind,
                due_on: plus(from, days),
                basis,
                extension_days: None,
            });
        }
    };
    match stage {
        Stage::Penyidikan => push(
            DeadlineKind::SpdpDue,
            dates.investigation_order_on,
            t.spdp_days,
            "KUHAP art. 109 (1); MK 130/PUU-XIII/2015",
        ),
        Stage::Tahap1 => {
            push(
                DeadlineKind::FileExamination,
                dates.file_sent_on,
                t.file_examination_days,
                "KUHAP art. 138 (1)",
            );
            push(
                DeadlineKind::FileReturn,
                dates.file_sent_on,
                t.file_return_days,
                "KUHAP art. 110 (4)",
            );
        }
        Stage::P19 => push(
            DeadlineKind::FileCompletion,
            dates.file_returned_on,
            t.file_completion_days,
            "KUHAP art. 138 (2)",
        ),
        Stage::Putusan => push(
            DeadlineKind::AppealWindow,
            dates.verdict_on,
            t.appeal_days,
            "KUHAP art. 233 (2)",
        ),
        Stage::Banding => push(
            DeadlineKind::CassationWindow,
            dates.appeal_decided_on,
            t.cassation_days,
            "KUHAP art. 245 (1)",
        ),
        _ => {}
    }
    if let (Some(spell), false) = (dates.detention, stage_ends_detention(stage)) {
        if let Some(d) = detention_deadline(law, &spell, dates) {
            out.push(d);
        }
    }
    out.sort_by_key(|d| d.due_on);
    out
}

/// Stages after which no detention of the case runs (the case ended).
fn stage_ends_detention(stage: Stage) -> bool {
    stage.is_exit() || matches!(stage, Stage::Inkracht | Stage::Eksekusi)
}

/// The end of the detention period running now, with the extension that may follow it.
pub fn detention_deadline(
    law: ProcedureCode,
    spell: &DetentionSpell,
    dates: &CaseDates,
) -> Option<Deadline> {
    let days = detention_days(
        law,
        spell.authority,
        spell.step,
        dates.max_penalty_years,
        dates.illness,
    )?;
    let next = match spell.step {
        DetentionStep::Initial => Some(DetentionStep::Extension),
        DetentionStep::Extension => Some(DetentionStep::Exceptional1),
        DetentionStep::Exceptional1 => Some(DetentionStep::Exceptional2),
        DetentionStep::Exceptional2 => None,
    };
    let extension_days = next.and_then(|n| {
        detention_days(
            law,
            spell.authority,
            n,
            dates.max_penalty_years,
            dates.illness,
        )
    });
    let t = times(law);
    let basis = match spell.step {
        DetentionStep::Exceptional1 | DetentionStep::Exceptional2 => t.exceptional.basis,
        _ => t
            .detention
            .iter()
            .find(|r| r.authority == spell.authority)
            .map(|r| r.basis)
            .unwrap_or(""),
    };
    Some(Deadline {
        kind: DeadlineKind::DetentionEnds,
        due_on: plus(spell.started_on, u64::from(days.saturating_sub(1))),
        basis,
        extension_days,
    })
}

/// Where a deadline stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    Pending,
    DueSoon,
    Overdue,
}

/// Classifies a deadline due on `due_on` against `today`: overdue after its day, due
/// soon within `soon_days` before it (its own day included).
pub fn classify(due_on: NaiveDate, today: NaiveDate, soon_days: u32) -> Urgency {
    if today > due_on {
        Urgency::Overdue
    } else if (due_on - today).num_days() <= i64::from(soon_days) {
        Urgency::DueSoon
    } else {
        Urgency::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn only(law: ProcedureCode, stage: Stage, dates: CaseDates) -> Vec<(DeadlineKind, String)> {
        deadlines(law, stage, &dates)
            .into_iter()
            .map(|x| (x.kind, x.due_on.to_string()))
            .collect()
    }

    type HandCase = (Stage, CaseDates, Vec<(DeadlineKind, &'static str)>);

    /// Stage deadlines, computed by hand on a calendar.
    #[test]
    fn stage_deadlines_match_hand_computed_dates() {
        use DeadlineKind::*;
        for law in ProcedureCode::ALL {
            let none = CaseDates::default();
            let cases: Vec<HandCase> = vec![
                (
                    Stage::Penyidikan,
                    CaseDates {
                        investigation_order_on: Some(d("2025-03-03")),
                        ..none
                    },
                    vec![(SpdpDue, "2025-03-10")],
                ),
                (
                    // Across the end of the year.
                    Stage::Penyidikan,
                    CaseDates {
                        investigation_order_on: Some(d("2025-12-29")),
                        ..none
                    },
                    vec![(SpdpDue, "2026-01-05")],
                ),
                (
                    Stage::Tahap1,
                    CaseDates {
                        file_sent_on: Some(d("2025-05-28")),
                        ..none
                    },
                    vec![(FileExamination, "2025-06-04"), (FileReturn, "2025-06-11")],
                ),
                (
                    Stage::P19,
                    CaseDates {
                        file_returned_on: Some(d("2025-12-22")),
                        ..none
                    },
                    vec![(FileCompletion, "2026-01-05")],
                ),
                (
                    Stage::Putusan,
                    CaseDates {
                        verdict_on: Some(d("2026-02-25")),
                        ..none
                    },
                    vec![(AppealWindow, "2026-03-04")],
                ),
                (
                    // A leap year.
                    Stage::Banding,
                    CaseDates {
                        appeal_decided_on: Some(d("2024-02-20")),
                        ..none
                    },
                    vec![(CassationWindow, "2024-03-05")],
                ),
                // Without its date a stage has no deadline; other stages have none.
                (Stage::Penyidikan, none, vec![]),
                (Stage::P21, none, vec![]),
                (Stage::Sidang, none, vec![]),
            ];
            for (stage, dates, want) in cases {
                let want: Vec<_> = want.into_iter().map(|(k, s)| (k, s.to_string())).collect();
                assert_eq!(only(law, stage, dates), want, "{law:?} {stage:?}");
            }
        }
    }

    /// Detention periods (KUHAP art. 24-29), the first day counted, by hand.
    #[test]
    fn detention_periods_match_hand_computed_dates() {
        use DetentionAuthority::*;
        use DetentionStep::*;
        // (authority, step, start, penalty, last day, next extension)
        let cases = [
            (
                Investigator,
                Initial,
                "2025-03-01",
                5,
                Some("2025-03-20"),
                Some(40),
            ),
            (
                Investigator,
                Extension,
                "2025-03-21",
                5,
                Some("2025-04-29"),
                None,
            ),
            (
                Investigator,
                Extension,
                "2025-03-21",
                15,
                Some("2025-04-29"),
                Some(30),
            ),
            (
                Investigator,
                Exceptional1,
                "2025-04-30",
                15,
                Some("2025-05-29"),
                Some(30),
            ),
            (
                Investigator,
                Exceptional2,
                "2025-05-30",
                15,
                Some("2025-06-28"),
                None,
            ),
            (Investigator, Exceptional1, "2025-04-30", 5, None, None),
            (
                Prosecutor,
                Initial,
                "2025-12-20",
                5,
                Some("2026-01-08"),
                Some(30),
            ),
            (
                Prosecutor,
                Extension,
                "2026-01-09",
                5,
                Some("2026-02-07"),
                None,
            ),
            (
                DistrictCourt,
                Initial,
                "2024-02-15",
                5,
                Some("2024-03-15"),
                Some(60),
            ),
            (
                DistrictCourt,
                Extension,
                "2024-03-16",
                5,
                Some("2024-05-14"),
                None,
            ),
            (
                HighCourt,
                Initial,
                "2025-07-01",
                5,
                Some("2025-07-30"),
                Some(60),
            ),
            (
                HighCourt,
                Extension,
                "2025-07-31",
                9,
                Some("2025-09-28"),
                Some(30),
            ),
            (
                SupremeCourt,
                Initial,
                "2025-01-10",
                5,
                Some("2025-02-28"),
                Some(60),
            ),
            (
                SupremeCourt,
                Extension,
                "2025-03-01",
                5,
                Some("2025-04-29"),
                None,
            ),
        ];
        for law in ProcedureCode::ALL {
            for (authority, step, start, penalty, last, next) in cases {
                let dates = CaseDates {
                    detention: Some(DetentionSpell {
                        authority,
                        step,
                        started_on: d(start),
                    }),
                    max_penalty_years: Some(penalty),
                    ..CaseDates::default()
                };
                let got = detention_deadline(
                    law,
                    &DetentionSpell {
                        authority,
                        step,
                        started_on: d(start),
                    },
                    &dates,
                );
                assert_eq!(
                    got.as_ref().map(|x| x.due_on.to_string()),
                    last.map(String::from),
                    "{law:?} {authority:?} {step:?} from {start}"
                );
                assert_eq!(
                    got.as_ref().and_then(|x| x.extension_days),
                    next,
                    "{law:?} {authority:?} {step:?}"
                );
                // A detention's deadline shows at any stage of a case still running.
                let at_trial = deadlines(law, Stage::Sidang, &dates);
                assert_eq!(at_trial.len(), usize::from(last.is_some()));
                assert!(deadlines(law, Stage::Eksekusi, &dates).is_empty());
                assert!(deadlines(law, Stage::Sp3, &dates).is_empty());
            }
        }
        // A serious illness opens the exceptional extensions whatever the threat.
        assert_eq!(
            detention_days(
                ProcedureCode::Kuhap1981,
                Prosecutor,
                Exceptional1,
                Some(2),
                true
            ),
            Some(30)
        );
        // The longest ordinary detention, by authority and in all: 400 days.
        let total: u32 = DetentionAuthority::ALL
            .iter()
            .map(|a| {
                detention_days(ProcedureCode::Kuhap1981, *a, Initial, None, false).unwrap_or(0)
                    + detention_days(ProcedureCode::Kuhap1981, *a, Extension, None, false)
                        .unwrap_or(0)
            })
            .sum();
        assert_eq!(total, 60 + 50 + 90 + 90 + 110);
    }

    #[test]
    fn deadlines_are_sorted_and_classified_against_today() {
        let dates = CaseDates {
            file_sent_on: Some(d("2025-05-28")),
            detention: Some(DetentionSpell {
                authority: DetentionAuthority::Prosecutor,
                step: DetentionStep::Initial,
                started_on: d("2025-05-20"),
            }),
            ..CaseDates::default()
        };
        let got = deadlines(ProcedureCode::Kuhap1981, Stage::Tahap1, &dates);
        let kinds: Vec<_> = got.iter().map(|x| (x.kind.as_str(), x.due_on)).collect();
        assert_eq!(
            kinds,
            vec![
                ("file_examination", d("2025-06-04")),
                ("detention_ends", d("2025-06-08")),
                ("file_return", d("2025-06-11")),
            ]
        );
        let due = d("2025-03-10");
        assert_eq!(classify(due, d("2025-03-05"), 3), Urgency::Pending);
        assert_eq!(classify(due, d("2025-03-07"), 3), Urgency::DueSoon);
        assert_eq!(classify(due, d("2025-03-10"), 3), Urgency::DueSoon);
        assert_eq!(classify(due, d("2025-03-11"), 3), Urgency::Overdue);
        assert_eq!(classify(due, d("2025-03-10"), 0), Urgency::DueSoon);
        assert_eq!(classify(due, d("2025-03-09"), 0), Urgency::Pending);
    }
}
