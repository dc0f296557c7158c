//! The codes of criminal procedure a case can follow, and which one a case follows.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The code of criminal procedure a case follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ProcedureCode {
    /// UU 8/1981 (KUHAP), with the police's and the prosecutor's regulations of its time.
    #[serde(rename = "kuhap_1981")]
    Kuhap1981,
    /// UU 20/2025, the new KUHAP, in force from 2 January 2026.
    #[serde(rename = "kuhap_2025")]
    Kuhap2025,
}

impl ProcedureCode {
    pub const ALL: [ProcedureCode; 2] = [ProcedureCode::Kuhap1981, ProcedureCode::Kuhap2025];

    pub fn as_str(self) -> &'static str {
        match self {
            ProcedureCode::Kuhap1981 => "kuhap_1981",
            ProcedureCode::Kuhap2025 => "kuhap_2025",
        }
    }

    pub fn parse(s: &str) -> Option<ProcedureCode> {
        ProcedureCode::ALL
            .into_iter()
            .find(|c| c.as_str() == s.trim())
    }

    /// The law's citation, as documents write it.
    pub fn citation(self) -> &'static str {
        match self {
            ProcedureCode::Kuhap1981 => "UU 8/1981",
            ProcedureCode::Kuhap2025 => "UU 20/2025",
        }
    }

    /// The first day the code is in force.
    pub fn in_force_from(self) -> NaiveDate {
        match self {
            ProcedureCode::Kuhap1981 => NaiveDate::from_ymd_opt(1981, 12, 31),
            ProcedureCode::Kuhap2025 => NaiveDate::from_ymd_opt(2026, 1, 2),
        }
        .unwrap_or(NaiveDate::MIN)
    }
}

/// The procedure code in force on `opened_on`, the day a case was opened (the local
/// date of the place).
pub fn law_for(opened_on: NaiveDate) -> ProcedureCode {
    if opened_on >= ProcedureCode::Kuhap2025.in_force_from() {
        ProcedureCode::Kuhap2025
    } else {
        ProcedureCode::Kuhap1981
    }
}
