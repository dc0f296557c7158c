//! Cases carried to court (ADR 27): the criminal procedure a case follows, as data.
//!
//! - [`stage`]: the stages of a case from the report to the execution of the verdict,
//!   and its other exits (SP3, SKP2, restorative justice, rehabilitation, diversion), as
//!   one table per procedure code; [`stage::validate_transition`] allows a step the
//!   table has, with its conditions and its document, and refuses any other with the
//!   reason.
//! - [`deadline`]: the deadlines a case has at its stage (the SPDP, the prosecutor's
//!   turnaround on a file, the investigator's on a returned file, detention periods and
//!   their extensions, appeal windows), classified against a given day.
//!
//! The procedure code a case follows is the one in force on the day it was opened
//! ([`law_for`]): KUHAP (UU 8/1981) until 1 January 2026, UU 20/2025 from 2 January 2026.
//! A case keeps its code for its whole life (UU 20/2025 art. 361 lets cases under
//! investigation or prosecution when it came into force finish under the old code).

pub mod body;
pub mod deadline;
pub mod evidence;
pub mod law;
pub mod record;
pub mod stage;

use chrono::NaiveDate;

use crate::error::Message;

pub use body::*;
pub use deadline::{
    classify, deadlines, detention_days, CaseDates, Deadline, DeadlineKind, DetentionAuthority,
    DetentionSpell, DetentionStep, Urgency,
};
pub use evidence::{
    CustodyAction, CustodyEvent, CustodyId, CustodyInput, Evidence, EvidenceId, EvidenceInput,
};
pub use law::{law_for, ProcedureCode};
pub use record::*;
pub use stage::{
    table, validate_transition, Condition, DocumentRule, Facts, LawTable, Refusal, Stage, StageDef,
    StageDocument, TransitionDef,
};

/// The numbering format of an agency that has not chosen its own: a police report
/// number (*Laporan Polisi*), e.g. `LP/A/17/III/2026/POLDA-JAMBI`.
pub const DEFAULT_NUMBER_FORMAT: &str = "LP/A/{nomor}/{bulan}/{tahun}/{kode}";

/// Checks an agency's case numbering format; the placeholders are those of letters
/// (`{nomor}` once, `{bulan}` as a Roman month, `{tahun}`, `{kode}`).
pub fn check_number_format(format: &str) -> Result<String, Message> {
    crate::letter::check_format(format)
}

/// The number of the `seq`-th case of the agency's year of `opened_on`, in `format`.
pub fn render_number(format: &str, seq: i64, opened_on: NaiveDate, agency_code: &str) -> String {
    crate::letter::render_number(format, seq, opened_on, agency_code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn the_code_is_the_one_in_force_on_the_day_the_case_opened() {
        assert_eq!(law_for(d(2019, 3, 4)), ProcedureCode::Kuhap1981);
        assert_eq!(law_for(d(2026, 1, 1)), ProcedureCode::Kuhap1981);
        assert_eq!(law_for(d(2026, 1, 2)), ProcedureCode::Kuhap2025);
        assert_eq!(law_for(d(2027, 6, 30)), ProcedureCode::Kuhap2025);
        for c in ProcedureCode::ALL {
            assert_eq!(ProcedureCode::parse(c.as_str()), Some(c));
            assert_eq!(
                serde_json::to_value(c).expect("json"),
                serde_json::json!(c.as_str())
            );
        }
        assert_eq!(ProcedureCode::parse("kuhap_2030"), None);
    }

    #[test]
    fn case_numbers_follow_the_agency_format() {
        let f = check_number_format(DEFAULT_NUMBER_FORMAT).expect("format");
        assert_eq!(
            render_number(&f, 17, d(2026, 3, 9), "POLDA-JAMBI"),
            "LP/A/17/III/2026/POLDA-JAMBI"
        );
        let f = check_number_format("BP/{nomor}/{bulan}/{tahun}/PPNS-TNKS").expect("format");
        assert_eq!(
            render_number(&f, 4, d(2025, 12, 1), "TNKS"),
            "BP/4/XII/2025/PPNS-TNKS"
        );
        assert!(check_number_format("LP/{tahun}").is_err());
        assert!(check_number_format("LP/{nomor}/{unit}").is_err());
    }
}
