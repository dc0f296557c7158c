//! The stage model of a case, one table per procedure code (ADR 27).
//!
//! A [`LawTable`] is data: the stages the law knows (code, Indonesian and English name,
//! whether the case ends there, what document entering it needs) and the allowed
//! transitions, each with the condition the facts of the case must meet. A new law is a
//! new table. [`validate_transition`] reads only the table: a transition the table has
//! is allowed when its condition holds and its document is given; any other is refused
//! with the most useful reason (the stage that must come first, "not after P-21", "not
//! at this stage under this law" …).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::law::ProcedureCode;
use crate::error::Message;

/// The longest document number, in characters.
pub const MAX_DOCUMENT_NUMBER: usize = 100;
/// The longest note of a stage (the prosecutor's instructions on a returned file).
pub const MAX_NOTES: usize = 20_000;

macro_rules! stages {
    ($($variant:ident = $code:literal),+ $(,)?) => {
        /// A stage of a case (the union of every law's stages; each law's table says
        /// which it uses). Main-line stages are declared in the order a case passes them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum Stage {
            $(#[serde(rename = $code)] $variant),+
        }

        impl Stage {
            pub const ALL: &'static [Stage] = &[$(Stage::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Stage::$variant => $code),+
                }
            }

            pub fn parse(s: &str) -> Option<Stage> {
                Stage::ALL.iter().copied().find(|x| x.as_str() == s.trim())
            }
        }
    };
}

stages!(
    Laporan = "laporan",
    Penyelidikan = "penyelidikan",
    Penyidikan = "penyidikan",
    Spdp = "spdp",
    P16 = "p16",
    Tahap1 = "tahap_1",
    P19 = "p19",
    P21 = "p21",
    Tahap2 = "tahap_2",
    P29 = "p29",
    P31 = "p31",
    Sidang = "sidang",
    Putusan = "putusan",
    Banding = "banding",
    Kasasi = "kasasi",
    Inkracht = "inkracht",
    Eksekusi = "eksekusi",
    Sp2Lid = "sp2lid",
    Sp3 = "sp3",
    Skp2 = "skp2",
    KeadilanRestoratif = "keadilan_restoratif",
    Rehabilitasi = "rehabilitasi",
    Diversi = "diversi",
);

impl Stage {
    /// True for the exits that stop a case before the verdict.
    pub fn is_exit(self) -> bool {
        matches!(
            self,
            Stage::Sp2Lid
                | Stage::Sp3
                | Stage::Skp2
                | Stage::KeadilanRestoratif
                | Stage::Rehabilitasi
                | Stage::Diversi
        )
    }

    /// The place of a main-line stage in the order a case passes them (exits: none).
    pub fn order(self) -> Option<usize> {
        if self.is_exit() {
            None
        } else {
            Stage::ALL.iter().position(|s| *s == self)
        }
    }
}

/// What entering a stage must record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentRule {
    /// The date only (the stage is a fact, e.g. a verdict becoming final).
    DateOnly,
    /// The document's number and date (an order, a letter, a form of the prosecutor).
    NumberAndDate,
    /// Number, date and the notes written on it (the prosecutor's instructions on a
    /// returned file).
    NumberDateAndNotes,
}

/// What the facts of a case must meet for a transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// Nothing beyond the stage order.
    None,
    /// Restorative justice: the victim's agreement, an offence not excluded, and when
    /// given, a threat of at most `max_penalty_years` and a first offence.
    RestorativeJustice {
        max_penalty_years: Option<u32>,
        first_offence: bool,
    },
    /// Rehabilitation instead of prosecution: an offence under the narcotics law
    /// (UU 35/2009) by a suspect the integrated assessment team found a user or addict.
    Rehabilitation,
    /// Diversion (UU 11/2012 art. 7): a child suspect, a threat below
    /// `below_penalty_years`, not a repeat offence.
    Diversion { below_penalty_years: u32 },
}

/// A stage as a law's table describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StageDef {
    pub stage: Stage,
    pub name_id: &'static str,
    pub name_en: &'static str,
    /// The case ends here.
    pub terminal: bool,
    pub document: DocumentRule,
    /// The document that records it, as the agencies call it.
    pub document_name: &'static str,
}

/// An allowed step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TransitionDef {
    pub from: Stage,
    pub to: Stage,
    pub condition: Condition,
    /// The rule that allows it.
    pub basis: &'static str,
}

/// One law's stage model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LawTable {
    pub law: ProcedureCode,
    pub stages: &'static [StageDef],
    /// The allowed steps, in parts (the steps the codes share, then the law's own).
    pub transitions: &'static [&'static [TransitionDef]],
}

impl LawTable {
    pub fn stage(&self, s: Stage) -> Option<&'static StageDef> {
        self.stages.iter().find(|d| d.stage == s)
    }

    /// Every allowed step, in table order.
    pub fn steps(&self) -> impl Iterator<Item = &'static TransitionDef> {
        self.transitions.iter().flat_map(|part| part.iter())
    }

    pub fn transition(&self, from: Stage, to: Stage) -> Option<&'static TransitionDef> {
        self.steps().find(|t| t.from == from && t.to == to)
    }

    /// The stages that may follow `from`, in table order.
    pub fn next(&self, from: Stage) -> Vec<Stage> {
        self.steps()
            .filter(|t| t.from == from)
            .map(|t| t.to)
            .collect()
    }

    /// The stage a new case starts in.
    pub fn initial(&self) -> Stage {
        Stage::Laporan
    }
}

/// The table of a procedure code.
pub fn table(law: ProcedureCode) -> &'static LawTable {
    match law {
        ProcedureCode::Kuhap1981 => &KUHAP_1981,
        ProcedureCode::Kuhap2025 => &KUHAP_2025,
    }
}

const fn def(
    stage: Stage,
    name_id: &'static str,
    name_en: &'static str,
    terminal: bool,
    document: DocumentRule,
    document_name: &'static str,
) -> StageDef {
    StageDef {
        stage,
        name_id,
        name_en,
        terminal,
        document,
        document_name,
    }
}

const fn t(from: Stage, to: Stage, condition: Condition, basis: &'static str) -> TransitionDef {
    TransitionDef {
        from,
        to,
        condition,
        basis,
    }
}

use Condition as C;
use DocumentRule::{DateOnly, NumberAndDate, NumberDateAndNotes};
use Stage as S;

/// The stages both codes know, with the documents the agencies use (the prosecutor's
/// forms per Kep. Jaksa Agung 518/A/JA/11/2001).
#[rustfmt::skip]
static STAGES: [StageDef; 23] = [
    def(S::Laporan, "Laporan/Pengaduan", "Report/complaint", false, NumberAndDate, "Laporan Polisi / Laporan Kejadian"),
    def(S::Penyelidikan, "Penyelidikan", "Inquiry", false, NumberAndDate, "Surat Perintah Penyelidikan"),
    def(S::Penyidikan, "Penyidikan", "Investigation", false, NumberAndDate, "Surat Perintah Penyidikan (Sprindik)"),
    def(S::Spdp, "SPDP dikirim ke penuntut umum", "Notice of investigation sent to the prosecutor", false, NumberAndDate, "SPDP"),
    def(S::P16, "Jaksa peneliti ditunjuk (P-16)", "Prosecutor assigned (P-16)", false, NumberAndDate, "P-16"),
    def(S::Tahap1, "Berkas perkara tahap I", "Case file sent (stage one)", false, NumberAndDate, "Surat pengiriman berkas perkara"),
    def(S::P19, "Berkas dikembalikan (P-18/P-19)", "File returned incomplete (P-18/P-19)", false, NumberDateAndNotes, "P-18/P-19"),
    def(S::P21, "Berkas lengkap (P-21)", "File complete (P-21)", false, NumberAndDate, "P-21"),
    def(S::Tahap2, "Penyerahan tersangka dan barang bukti (tahap II)", "Suspect and evidence handed over (stage two)", false, NumberAndDate, "Berita acara tahap II"),
    def(S::P29, "Surat dakwaan (P-29)", "Indictment (P-29)", false, NumberAndDate, "P-29"),
    def(S::P31, "Pelimpahan ke pengadilan (P-31)", "Transferred to court (P-31)", false, NumberAndDate, "P-31"),
    def(S::Sidang, "Persidangan", "Trial", false, NumberAndDate, "Nomor register perkara pengadilan"),
    def(S::Putusan, "Putusan", "Verdict", false, NumberAndDate, "Putusan pengadilan negeri"),
    def(S::Banding, "Banding", "Appeal", false, NumberAndDate, "Akta permintaan banding"),
    def(S::Kasasi, "Kasasi", "Cassation", false, NumberAndDate, "Akta permohonan kasasi"),
    def(S::Inkracht, "Berkekuatan hukum tetap", "Final (inkracht)", false, DateOnly, ""),
    def(S::Eksekusi, "Eksekusi putusan", "Verdict executed", true, NumberAndDate, "P-48 / berita acara pelaksanaan putusan"),
    def(S::Sp2Lid, "Penyelidikan dihentikan", "Inquiry stopped", true, NumberAndDate, "Surat perintah penghentian penyelidikan"),
    def(S::Sp3, "Penyidikan dihentikan (SP3)", "Investigation stopped (SP3)", true, NumberAndDate, "SP3"),
    def(S::Skp2, "Penuntutan dihentikan (SKP2)", "Prosecution stopped (SKP2)", true, NumberAndDate, "SKP2"),
    def(S::KeadilanRestoratif, "Keadilan restoratif", "Restorative justice", true, NumberAndDate, "Kesepakatan perdamaian dan penetapan/surat penghentian"),
    def(S::Rehabilitasi, "Rehabilitasi", "Rehabilitation", true, NumberAndDate, "Rekomendasi tim asesmen terpadu dan surat penetapan rehabilitasi"),
    def(S::Diversi, "Diversi", "Diversion", true, NumberAndDate, "Kesepakatan diversi dan penetapan pengadilan"),
];

/// KUHAP 1981 practice with the regulations of its time: restorative justice under
/// Perpol 8/2021 (inquiry and investigation) and Perja 15/2020 (prosecution, after
/// stage two), rehabilitation of narcotics users (UU 35/2009 art. 54 and 127, Perpol
/// 8/2021 art. 9, Pedoman Jaksa Agung 18/2021), diversion of children (UU 11/2012).
const RJ_POLICE_1981: Condition = C::RestorativeJustice {
    max_penalty_years: None,
    first_offence: true,
};
const RJ_PROSECUTION_1981: Condition = C::RestorativeJustice {
    max_penalty_years: Some(5),
    first_offence: true,
};
/// UU 20/2025 art. 80 (1): a threat of at most five years (or a fine up to category III)
/// and a first offence; art. 80 (2): before an offence is established, a settlement on
/// the victim's report during the inquiry.
const RJ_2025: Condition = C::RestorativeJustice {
    max_penalty_years: Some(5),
    first_offence: true,
};
const RJ_2025_INQUIRY: Condition = C::RestorativeJustice {
    max_penalty_years: None,
    first_offence: false,
};
const DIVERSION: Condition = C::Diversion {
    below_penalty_years: 7,
};

/// The steps both codes share: the main line from the report to the execution, SP3
/// and SKP2, rehabilitation of narcotics users before trial and diversion of children.
#[rustfmt::skip]
static MAIN_LINE: &[TransitionDef] = &[
    t(S::Laporan, S::Penyelidikan, C::None, "KUHAP art. 102"),
    t(S::Laporan, S::Penyidikan, C::None, "KUHAP art. 106, 111 (caught in the act)"),
    t(S::Penyelidikan, S::Penyidikan, C::None, "KUHAP art. 1 (2), 106"),
    t(S::Penyelidikan, S::Sp2Lid, C::None, "KUHAP art. 1 (5); Perkap 6/2019"),
    t(S::Penyidikan, S::Spdp, C::None, "KUHAP art. 109 (1); MK 130/PUU-XIII/2015"),
    t(S::Penyidikan, S::Sp3, C::None, "KUHAP art. 109 (2)"),
    t(S::Spdp, S::P16, C::None, "Kep. JA 518/2001 (P-16)"),
    t(S::Spdp, S::Sp3, C::None, "KUHAP art. 109 (2)"),
    t(S::P16, S::Tahap1, C::None, "KUHAP art. 8 (3) a, 110 (1)"),
    t(S::P16, S::Sp3, C::None, "KUHAP art. 109 (2)"),
    t(S::Tahap1, S::P19, C::None, "KUHAP art. 110 (2), 138 (2)"),
    t(S::Tahap1, S::P21, C::None, "KUHAP art. 110 (4), 138 (1)"),
    t(S::Tahap1, S::Sp3, C::None, "KUHAP art. 109 (2)"),
    t(S::P19, S::Tahap1, C::None, "KUHAP art. 110 (3), 138 (2)"),
    t(S::P19, S::Sp3, C::None, "KUHAP art. 109 (2)"),
    t(S::P21, S::Tahap2, C::None, "KUHAP art. 8 (3) b"),
    t(S::Tahap2, S::P29, C::None, "KUHAP art. 140 (1), 143"),
    t(S::Tahap2, S::Skp2, C::None, "KUHAP art. 140 (2)"),
    t(S::P29, S::P31, C::None, "KUHAP art. 143 (1)"),
    t(S::P29, S::Skp2, C::None, "KUHAP art. 140 (2)"),
    t(S::P31, S::Sidang, C::None, "KUHAP art. 152"),
    t(S::Sidang, S::Putusan, C::None, "KUHAP art. 191-197"),
    t(S::Putusan, S::Banding, C::None, "KUHAP art. 67, 233"),
    t(S::Putusan, S::Kasasi, C::None, "KUHAP art. 244; MK 114/PUU-X/2012"),
    t(S::Putusan, S::Inkracht, C::None, "KUHAP art. 234"),
    t(S::Banding, S::Kasasi, C::None, "KUHAP art. 244, 245"),
    t(S::Banding, S::Inkracht, C::None, "KUHAP art. 246"),
    t(S::Kasasi, S::Inkracht, C::None, "KUHAP art. 254"),
    t(S::Inkracht, S::Eksekusi, C::None, "KUHAP art. 270"),
    // Rehabilitation of narcotics users before trial (at trial it is the sentence).
    t(S::Penyidikan, S::Rehabilitasi, C::Rehabilitation, REHAB_POLICE),
    t(S::Spdp, S::Rehabilitasi, C::Rehabilitation, REHAB_POLICE),
    t(S::P16, S::Rehabilitasi, C::Rehabilitation, REHAB_POLICE),
    t(S::Tahap1, S::Rehabilitasi, C::Rehabilitation, REHAB_POLICE),
    t(S::P19, S::Rehabilitasi, C::Rehabilitation, REHAB_POLICE),
    t(S::Tahap2, S::Rehabilitasi, C::Rehabilitation, REHAB_PROSECUTION),
    t(S::P29, S::Rehabilitasi, C::Rehabilitation, REHAB_PROSECUTION),
    // Diversion of children at investigation, prosecution and trial.
    t(S::Penyidikan, S::Diversi, DIVERSION, "UU 11/2012 art. 7, 29"),
    t(S::Spdp, S::Diversi, DIVERSION, "UU 11/2012 art. 7, 29"),
    t(S::P16, S::Diversi, DIVERSION, "UU 11/2012 art. 7, 29"),
    t(S::Tahap1, S::Diversi, DIVERSION, "UU 11/2012 art. 7, 29"),
    t(S::P19, S::Diversi, DIVERSION, "UU 11/2012 art. 7, 29"),
    t(S::Tahap2, S::Diversi, DIVERSION, "UU 11/2012 art. 7, 42"),
    t(S::P29, S::Diversi, DIVERSION, "UU 11/2012 art. 7, 42"),
    t(S::Sidang, S::Diversi, DIVERSION, "UU 11/2012 art. 7, 52"),
];

const REHAB_POLICE: &str = "UU 35/2009 art. 54, 127; Perpol 8/2021 art. 9";
const REHAB_PROSECUTION: &str = "UU 35/2009 art. 127; Pedoman JA 18/2021";
const PERPOL: &str = "Perpol 8/2021 art. 2, 5, 6";
const PERJA: &str = "Perja 15/2020 art. 4, 5";
const UU_2025: &str = "UU 20/2025 art. 79, 80 (1)";

/// Restorative justice under KUHAP 1981: the police's regulation during inquiry and
/// investigation, the prosecutor's after stage two and before the transfer to court.
#[rustfmt::skip]
static RJ_STEPS_1981: &[TransitionDef] = &[
    t(S::Penyelidikan, S::KeadilanRestoratif, RJ_POLICE_1981, PERPOL),
    t(S::Penyidikan, S::KeadilanRestoratif, RJ_POLICE_1981, PERPOL),
    t(S::Spdp, S::KeadilanRestoratif, RJ_POLICE_1981, PERPOL),
    t(S::P16, S::KeadilanRestoratif, RJ_POLICE_1981, PERPOL),
    t(S::Tahap1, S::KeadilanRestoratif, RJ_POLICE_1981, PERPOL),
    t(S::P19, S::KeadilanRestoratif, RJ_POLICE_1981, PERPOL),
    t(S::Tahap2, S::KeadilanRestoratif, RJ_PROSECUTION_1981, PERJA),
    t(S::P29, S::KeadilanRestoratif, RJ_PROSECUTION_1981, PERJA),
];

/// Restorative justice under UU 20/2025 (chapter IV, art. 79-88): from the inquiry
/// through prosecution to the trial, one rule for all of them.
#[rustfmt::skip]
static RJ_STEPS_2025: &[TransitionDef] = &[
    t(S::Penyelidikan, S::KeadilanRestoratif, RJ_2025_INQUIRY, "UU 20/2025 art. 79, 80 (2)"),
    t(S::Penyidikan, S::KeadilanRestoratif, RJ_2025, UU_2025),
    t(S::Spdp, S::KeadilanRestoratif, RJ_2025, UU_2025),
    t(S::P16, S::KeadilanRestoratif, RJ_2025, UU_2025),
    t(S::Tahap1, S::KeadilanRestoratif, RJ_2025, UU_2025),
    t(S::P19, S::KeadilanRestoratif, RJ_2025, UU_2025),
    t(S::P21, S::KeadilanRestoratif, RJ_2025, UU_2025),
    t(S::Tahap2, S::KeadilanRestoratif, RJ_2025, UU_2025),
    t(S::P29, S::KeadilanRestoratif, RJ_2025, UU_2025),
    t(S::P31, S::KeadilanRestoratif, RJ_2025, UU_2025),
    t(S::Sidang, S::KeadilanRestoratif, RJ_2025, UU_2025),
];

static KUHAP_1981: LawTable = LawTable {
    law: ProcedureCode::Kuhap1981,
    stages: &STAGES,
    transitions: &[MAIN_LINE, RJ_STEPS_1981],
};

static KUHAP_2025: LawTable = LawTable {
    law: ProcedureCode::Kuhap2025,
    stages: &STAGES,
    transitions: &[MAIN_LINE, RJ_STEPS_2025],
};

/// The document recorded with a transition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageDocument {
    pub number: Option<String>,
    pub date: NaiveDate,
    /// The prosecutor's notes on a returned file (P-18/P-19).
    pub notes: Option<String>,
}

/// What [`validate_transition`] knows of the case beyond its stage.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    /// A suspect was a child (12 to under 18) when the offence was committed.
    pub child_suspect: bool,
    /// The offence is under the narcotics law (UU 35/2009).
    pub narcotics_offence: bool,
    /// The integrated assessment team (TAT) found the suspect a user or addict, not a
    /// dealer.
    pub assessed_user: bool,
    /// The heaviest prison term the offence is threatened with, in years.
    pub max_penalty_years: Option<u32>,
    /// The suspect has offended before (a repeat offence).
    pub repeat_offence: bool,
    /// The victim (or their family) agreed to a settlement.
    pub victim_agreement: bool,
    /// The offence is of a kind restorative justice never settles (terrorism,
    /// corruption, sexual violence, against life, state security …).
    pub rj_excluded_offence: bool,
    /// The document of the step.
    pub document: Option<StageDocument>,
    /// The day the case entered its current stage.
    pub previous_on: Option<NaiveDate>,
    /// The local date of the place: a document cannot be dated later.
    pub today: Option<NaiveDate>,
}

/// Why a transition is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The stage is not in the law's table.
    UnknownStage {
        law: ProcedureCode,
        stage: Stage,
    },
    /// The case already ended at `stage`.
    Closed {
        stage: Stage,
    },
    /// The case is already at the stage.
    Same {
        stage: Stage,
    },
    /// P-21 without the file having been sent.
    P21NeedsFile,
    /// SP3 once the file was declared complete.
    Sp3AfterP21,
    /// The exit is not open at the stage under the law.
    ExitNotAtStage {
        law: ProcedureCode,
        from: Stage,
        to: Stage,
    },
    /// The case is already past `to`.
    AlreadyPast {
        from: Stage,
        to: Stage,
    },
    /// `to` needs `first` before it.
    RequiresFirst {
        to: Stage,
        first: Stage,
    },
    DiversionNotAChild,
    DiversionPenaltyTooHigh {
        below: u32,
    },
    DiversionRepeatOffence,
    RehabilitationNotNarcotics,
    RehabilitationNotAssessed,
    RjNoAgreement,
    RjExcludedOffence,
    RjPenaltyTooHigh {
        max: u32,
    },
    RjRepeatOffence,
    /// The condition depends on the threat of the offence, which is not known.
    PenaltyUnknown,
    DocumentRequired {
        stage: Stage,
    },
    DocumentNumberRequired {
        stage: Stage,
    },
    DocumentNumberInvalid,
    NotesRequired,
    NotesTooLong,
    DocumentBeforePrevious {
        previous: NaiveDate,
    },
    DocumentInFuture {
        today: NaiveDate,
    },
}

impl Refusal {
    /// The field of the request the refusal is about.
    pub fn field(&self) -> &'static str {
        use Refusal::*;
        match self {
            DocumentRequired { .. } | DocumentBeforePrevious { .. } | DocumentInFuture { .. } => {
                "document.date"
            }
            DocumentNumberRequired { .. } | DocumentNumberInvalid => "document.number",
            NotesRequired | NotesTooLong => "document.notes",
            _ => "stage",
        }
    }

    pub fn message(&self) -> Message {
        use Refusal::*;
        match self {
            UnknownStage { law, stage } => crate::msg!(
                "case-stage-unknown",
                "{stage} is not a stage under {law}",
                stage = stage.as_str(),
                law = law.citation()
            ),
            Closed { stage } => crate::msg!(
                "case-stage-closed",
                "the case ended at {stage}",
                stage = stage.as_str()
            ),
            Same { stage } => crate::msg!(
                "case-stage-same",
                "the case is already at {stage}",
                stage = stage.as_str()
            ),
            P21NeedsFile => crate::msg!(
                "case-p21-needs-file",
                "P-21 requires the file to have been sent (tahap I)"
            ),
            Sp3AfterP21 => crate::msg!(
                "case-sp3-after-p21",
                "SP3 is not possible after P-21: the case is with the prosecutor"
            ),
            ExitNotAtStage { law, from, to } => crate::msg!(
                "case-exit-not-at-stage",
                "{to} is not possible at {from} under {law}",
                to = to.as_str(),
                from = from.as_str(),
                law = law.citation()
            ),
            AlreadyPast { from, to } => crate::msg!(
                "case-stage-past",
                "the case at {from} is already past {to}",
                from = from.as_str(),
                to = to.as_str()
            ),
            RequiresFirst { to, first } => crate::msg!(
                "case-stage-requires",
                "{to} requires {first} first",
                to = to.as_str(),
                first = first.as_str()
            ),
            DiversionNotAChild => crate::msg!(
                "case-diversion-not-child",
                "diversion is only for a child suspect"
            ),
            DiversionPenaltyTooHigh { below } => crate::msg!(
                "case-diversion-penalty",
                "diversion is only for offences threatened with less than {below} years",
                below = *below
            ),
            DiversionRepeatOffence => crate::msg!(
                "case-diversion-repeat",
                "diversion is not possible for a repeat offence"
            ),
            RehabilitationNotNarcotics => crate::msg!(
                "case-rehab-not-narcotics",
                "rehabilitation is only for offences under the narcotics law (UU 35/2009)"
            ),
            RehabilitationNotAssessed => crate::msg!(
                "case-rehab-not-assessed",
                "rehabilitation needs the assessment team to have found the suspect a user"
            ),
            RjNoAgreement => crate::msg!(
                "case-rj-no-agreement",
                "restorative justice needs the victim's agreement"
            ),
            RjExcludedOffence => crate::msg!(
                "case-rj-excluded",
                "restorative justice is not possible for this offence"
            ),
            RjPenaltyTooHigh { max } => crate::msg!(
                "case-rj-penalty",
                "restorative justice is only for offences threatened with at most {max} years",
                max = *max
            ),
            RjRepeatOffence => crate::msg!(
                "case-rj-repeat",
                "restorative justice is not possible for a repeat offence"
            ),
            PenaltyUnknown => crate::msg!(
                "case-penalty-unknown",
                "the heaviest penalty of the offence must be known first"
            ),
            DocumentRequired { stage } => crate::msg!(
                "case-document-required",
                "{stage} is recorded with its document and date",
                stage = stage.as_str()
            ),
            DocumentNumberRequired { stage } => crate::msg!(
                "case-document-number-required",
                "{stage} is recorded with its document number",
                stage = stage.as_str()
            ),
            DocumentNumberInvalid => crate::msg!(
                "case-document-number-invalid",
                "must be text of 1 to {max} characters",
                max = MAX_DOCUMENT_NUMBER
            ),
            NotesRequired => crate::msg!(
                "case-notes-required",
                "a returned file is recorded with the prosecutor's notes"
            ),
            NotesTooLong => crate::msg!(
                "case-notes-length",
                "must be text of 1 to {max} characters",
                max = MAX_NOTES
            ),
            DocumentBeforePrevious { previous } => crate::msg!(
                "case-document-before-previous",
                "cannot be before the previous stage ({previous})",
                previous = previous.to_string()
            ),
            DocumentInFuture { today } => crate::msg!(
                "case-document-future",
                "cannot be after today ({today})",
                today = today.to_string()
            ),
        }
    }

    /// The message's code.
    pub fn code(&self) -> &'static str {
        self.message().code().unwrap_or("")
    }
}

/// Checks the step of a case under `law` from `from` to `to`: allowed when the law's
/// table has it, its condition holds on `facts`, and the document it needs is given.
pub fn validate_transition(
    law: ProcedureCode,
    from: Stage,
    to: Stage,
    facts: &Facts,
) -> Result<&'static TransitionDef, Refusal> {
    let table = table(law);
    let from_def = table
        .stage(from)
        .ok_or(Refusal::UnknownStage { law, stage: from })?;
    let to_def = table
        .stage(to)
        .ok_or(Refusal::UnknownStage { law, stage: to })?;
    if from_def.terminal {
        return Err(Refusal::Closed { stage: from });
    }
    if from == to {
        return Err(Refusal::Same { stage: from });
    }
    let Some(step) = table.transition(from, to) else {
        return Err(why_not(table, from, to));
    };
    check_condition(step.condition, facts)?;
    check_document(to_def, facts)?;
    Ok(step)
}

/// The most useful reason a step the table does not have is refused.
fn why_not(table: &LawTable, from: Stage, to: Stage) -> Refusal {
    let past_p21 = from.order() >= Stage::P21.order();
    match (to, to.order(), from.order()) {
        (Stage::P21, _, _) => Refusal::P21NeedsFile,
        (Stage::Sp3, _, _) if past_p21 => Refusal::Sp3AfterP21,
        (_, None, _) => Refusal::ExitNotAtStage {
            law: table.law,
            from,
            to,
        },
        (_, Some(t), Some(f)) if t <= f => Refusal::AlreadyPast { from, to },
        _ => match table.steps().find(|s| s.to == to && !s.from.is_exit()) {
            Some(s) => Refusal::RequiresFirst { to, first: s.from },
            None => Refusal::AlreadyPast { from, to },
        },
    }
}

fn check_condition(c: Condition, f: &Facts) -> Result<(), Refusal> {
    match c {
        Condition::None => Ok(()),
        Condition::RestorativeJustice {
            max_penalty_years,
            first_offence,
        } => {
            if f.rj_excluded_offence {
                return Err(Refusal::RjExcludedOffence);
            }
            if let Some(max) = max_penalty_years {
                match f.max_penalty_years {
                    None => return Err(Refusal::PenaltyUnknown),
                    Some(y) if y > max => return Err(Refusal::RjPenaltyTooHigh { max }),
                    Some(_) => {}
                }
            }
            if first_offence && f.repeat_offence {
                return Err(Refusal::RjRepeatOffence);
            }
            if !f.victim_agreement {
                return Err(Refusal::RjNoAgreement);
            }
            Ok(())
        }
        Condition::Rehabilitation => {
            if !f.narcotics_offence {
                Err(Refusal::RehabilitationNotNarcotics)
            } else if !f.assessed_user {
                Err(Refusal::RehabilitationNotAssessed)
            } else {
                Ok(())
            }
        }
        Condition::Diversion {
            below_penalty_years,
        } => {
            if !f.child_suspect {
                return Err(Refusal::DiversionNotAChild);
            }
            match f.max_penalty_years {
                None => return Err(Refusal::PenaltyUnknown),
                Some(y) if y >= below_penalty_years => {
                    return Err(Refusal::DiversionPenaltyTooHigh {
                        below: below_penalty_years,
                    })
                }
                Some(_) => {}
            }
            if f.repeat_offence {
                return Err(Refusal::DiversionRepeatOffence);
            }
            Ok(())
        }
    }
}

fn check_document(def: &StageDef, f: &Facts) -> Result<(), Refusal> {
    let Some(doc) = &f.document else {
        return Err(Refusal::DocumentRequired { stage: def.stage });
    };
    if def.document != DocumentRule::DateOnly {
        match doc.number.as_deref().map(str::trim) {
            None | Some("") => return Err(Refusal::DocumentNumberRequired { stage: def.stage }),
            Some(n)
                if n.chars().count() > MAX_DOCUMENT_NUMBER || n.chars().any(char::is_control) =>
            {
                return Err(Refusal::DocumentNumberInvalid)
            }
            Some(_) => {}
        }
    }
    if def.document == DocumentRule::NumberDateAndNotes {
        match doc.notes.as_deref() {
            Some(n) if crate::input::visible(n) => {
                if n.chars().count() > MAX_NOTES {
                    return Err(Refusal::NotesTooLong);
                }
            }
            _ => return Err(Refusal::NotesRequired),
        }
    }
    if let Some(previous) = f.previous_on {
        if doc.date < previous {
            return Err(Refusal::DocumentBeforePrevious { previous });
        }
    }
    if let Some(today) = f.today {
        if doc.date > today {
            return Err(Refusal::DocumentInFuture { today });
        }
    }
    Ok(())
}

/// How many times the prosecutor returned the file (P-18/P-19), from the stages a case
/// passed in order.
pub fn returns_count(history: &[Stage]) -> usize {
    history.iter().filter(|s| **s == Stage::P19).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    /// Every step each law allows, written out by hand from the ADR, not from the table.
    const COMMON: &str = "
        laporan: penyelidikan penyidikan
        penyelidikan: penyidikan sp2lid keadilan_restoratif
        penyidikan: spdp sp3 rehabilitasi diversi keadilan_restoratif
        spdp: p16 sp3 rehabilitasi diversi keadilan_restoratif
        p16: tahap_1 sp3 rehabilitasi diversi keadilan_restoratif
        tahap_1: p19 p21 sp3 rehabilitasi diversi keadilan_restoratif
        p19: tahap_1 sp3 rehabilitasi diversi keadilan_restoratif
        p21: tahap_2
        tahap_2: p29 skp2 rehabilitasi diversi keadilan_restoratif
        p29: p31 skp2 rehabilitasi diversi keadilan_restoratif
        p31: sidang
        sidang: putusan diversi
        putusan: banding kasasi inkracht
        banding: kasasi inkracht
        kasasi: inkracht
        inkracht: eksekusi";
    /// What UU 20/2025 adds: restorative justice once the file is complete, after the
    /// transfer to court and during the trial.
    const ADDED_2025: &str = "
        p21: keadilan_restoratif
        p31: keadilan_restoratif
        sidang: keadilan_restoratif";

    fn expected(law: ProcedureCode) -> Vec<(Stage, Stage)> {
        let mut text = COMMON.to_string();
        if law == ProcedureCode::Kuhap2025 {
            text.push_str(ADDED_2025);
        }
        let mut out = Vec::new();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let (from, tos) = line.split_once(':').expect("line");
            let from = Stage::parse(from).expect("from");
            for to in tos.split_whitespace() {
                out.push((from, Stage::parse(to).expect("to")));
            }
        }
        out
    }

    /// Facts that meet every condition, with a document of every kind.
    fn eligible() -> Facts {
        Facts {
            child_suspect: true,
            narcotics_offence: true,
            assessed_user: true,
            max_penalty_years: Some(4),
            repeat_offence: false,
            victim_agreement: true,
            rj_excluded_offence: false,
            document: Some(StageDocument {
                number: Some("SP.Sidik/12/III/2026/Reskrim".into()),
                date: d(2026, 3, 10),
                notes: Some("Lengkapi keterangan ahli BKSDA".into()),
            }),
            previous_on: Some(d(2026, 3, 1)),
            today: Some(d(2026, 3, 12)),
        }
    }

    const TERMINAL: [Stage; 7] = [
        Stage::Eksekusi,
        Stage::Sp2Lid,
        Stage::Sp3,
        Stage::Skp2,
        Stage::KeadilanRestoratif,
        Stage::Rehabilitasi,
        Stage::Diversi,
    ];

    /// The reason expected for a step the law does not have, decided by hand.
    fn expected_refusal(from: Stage, to: Stage) -> &'static str {
        let order = |s: Stage| Stage::ALL.iter().position(|x| *x == s).expect("stage");
        if TERMINAL.contains(&from) {
            "case-stage-closed"
        } else if from == to {
            "case-stage-same"
        } else if to == Stage::P21 {
            "case-p21-needs-file"
        } else if to == Stage::Sp3 && order(from) >= order(Stage::P21) {
            "case-sp3-after-p21"
        } else if TERMINAL.contains(&to) && to != Stage::Eksekusi {
            "case-exit-not-at-stage"
        } else if order(to) <= order(from) {
            "case-stage-past"
        } else {
            "case-stage-requires"
        }
    }

    #[test]
    fn every_step_of_both_laws_is_allowed_or_refused_as_the_law_says() {
        let facts = eligible();
        for law in ProcedureCode::ALL {
            let allowed = expected(law);
            let mut counted = (0, 0);
            for &from in Stage::ALL {
                for &to in Stage::ALL {
                    let got = validate_transition(law, from, to, &facts);
                    if allowed.contains(&(from, to)) {
                        let step = got.unwrap_or_else(|r| {
                            panic!("{law:?} {from:?} → {to:?} refused: {}", r.message())
                        });
                        assert!(!step.basis.is_empty(), "{from:?} → {to:?} has no basis");
                        counted.0 += 1;
                    } else {
                        let r = got.expect_err("refused");
                        assert_eq!(
                            r.code(),
                            expected_refusal(from, to),
                            "{law:?} {from:?} → {to:?}: {}",
                            r.message()
                        );
                        counted.1 += 1;
                    }
                }
            }
            let n = table(law).steps().count();
            assert_eq!(
                counted.0, n,
                "{law:?}: the table has steps the test does not"
            );
            assert_eq!(counted.0 + counted.1, 23 * 23);
        }
        assert_eq!(table(ProcedureCode::Kuhap1981).steps().count(), 52);
        assert_eq!(table(ProcedureCode::Kuhap2025).steps().count(), 55);
    }

    #[test]
    fn the_tables_are_consistent() {
        for law in ProcedureCode::ALL {
            let t = table(law);
            assert_eq!(t.law, law);
            for s in Stage::ALL {
                let def = t.stage(*s).expect("every stage is described");
                assert_eq!(def.terminal, TERMINAL.contains(s), "{s:?}");
                assert!(!def.name_id.is_empty() && !def.name_en.is_empty());
                assert_eq!(Stage::parse(s.as_str()), Some(*s));
                // Every stage but the first is reachable, every non-terminal one has a way on.
                if *s != t.initial() {
                    assert!(t.steps().any(|x| x.to == *s), "{s:?} unreachable");
                }
                assert_eq!(def.terminal, t.next(*s).is_empty(), "{s:?}");
            }
            let mut seen = std::collections::BTreeSet::new();
            for step in t.steps() {
                assert!(seen.insert((step.from, step.to)), "{step:?} twice");
            }
        }
    }

    #[test]
    fn refusals_say_why() {
        let law = ProcedureCode::Kuhap1981;
        let f = eligible();
        let r = validate_transition(law, Stage::P16, Stage::P21, &f).expect_err("p21");
        assert_eq!(
            r.message(),
            "P-21 requires the file to have been sent (tahap I)"
        );
        let r = validate_transition(law, Stage::Tahap2, Stage::Sp3, &f).expect_err("sp3");
        assert_eq!(r.code(), "case-sp3-after-p21");
        let r = validate_transition(law, Stage::Spdp, Stage::Sidang, &f).expect_err("skip");
        assert_eq!(r.message(), "sidang requires p31 first");
        let r = validate_transition(law, Stage::Sidang, Stage::KeadilanRestoratif, &f)
            .expect_err("rj at trial");
        assert_eq!(
            r.message(),
            "keadilan_restoratif is not possible at sidang under UU 8/1981"
        );
        assert!(validate_transition(
            ProcedureCode::Kuhap2025,
            Stage::Sidang,
            Stage::KeadilanRestoratif,
            &f
        )
        .is_ok());
        assert_eq!(
            validate_transition(law, Stage::Sp3, Stage::Penyidikan, &f)
                .expect_err("closed")
                .message(),
            "the case ended at sp3"
        );
        assert_eq!(
            validate_transition(law, Stage::Sp3, Stage::Penyidikan, &f)
                .expect_err("closed")
                .field(),
            "stage"
        );
    }

    /// Each condition refused on its own, for every step that carries it, in both laws.
    #[test]
    fn conditions_of_the_exits_are_checked_on_every_step_that_has_them() {
        type Case = (&'static str, fn(&mut Facts), Option<&'static str>);
        let cases: [Case; 10] = [
            (
                "adult",
                |f| f.child_suspect = false,
                Some("case-diversion-not-child"),
            ),
            (
                "7 years",
                |f| f.max_penalty_years = Some(7),
                Some("case-diversion-penalty"),
            ),
            (
                "unknown",
                |f| f.max_penalty_years = None,
                Some("case-penalty-unknown"),
            ),
            (
                "repeat",
                |f| f.repeat_offence = true,
                Some("case-diversion-repeat"),
            ),
            (
                "wildlife",
                |f| f.narcotics_offence = false,
                Some("case-rehab-not-narcotics"),
            ),
            (
                "dealer",
                |f| f.assessed_user = false,
                Some("case-rehab-not-assessed"),
            ),
            (
                "no agreement",
                |f| f.victim_agreement = false,
                Some("case-rj-no-agreement"),
            ),
            (
                "excluded",
                |f| f.rj_excluded_offence = true,
                Some("case-rj-excluded"),
            ),
            (
                "6 years",
                |f| f.max_penalty_years = Some(6),
                Some("case-rj-penalty"),
            ),
            ("first", |_| {}, None),
        ];
        let mut checked = 0;
        for law in ProcedureCode::ALL {
            for step in table(law).steps() {
                for (name, change, refusal) in &cases {
                    let mut f = eligible();
                    change(&mut f);
                    let got = validate_transition(law, step.from, step.to, &f).err();
                    let got = got.as_ref().map(Refusal::code);
                    let want: Option<&str> = match (step.condition, *name) {
                        (_, "first") => None,
                        (Condition::Diversion { .. }, "adult" | "repeat" | "unknown") => *refusal,
                        (Condition::Diversion { .. }, "7 years") => *refusal,
                        (Condition::Rehabilitation, "wildlife" | "dealer") => *refusal,
                        (Condition::RestorativeJustice { .. }, "no agreement" | "excluded") => {
                            *refusal
                        }
                        (
                            Condition::RestorativeJustice {
                                max_penalty_years: Some(_),
                                ..
                            },
                            "6 years" | "7 years",
                        ) => Some("case-rj-penalty"),
                        (
                            Condition::RestorativeJustice {
                                max_penalty_years: Some(_),
                                ..
                            },
                            "unknown",
                        ) => Some("case-penalty-unknown"),
                        (
                            Condition::RestorativeJustice {
                                first_offence: true,
                                ..
                            },
                            "repeat",
                        ) => Some("case-rj-repeat"),
                        _ => None,
                    };
                    assert_eq!(got, want, "{law:?} {:?} → {:?} {name}", step.from, step.to);
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, (52 + 55) * 10);
        // The two codes differ where the ADR says they do.
        let mut f = eligible();
        f.max_penalty_years = Some(8);
        let police = (Stage::Penyidikan, Stage::KeadilanRestoratif);
        assert!(validate_transition(ProcedureCode::Kuhap1981, police.0, police.1, &f).is_ok());
        assert_eq!(
            validate_transition(ProcedureCode::Kuhap2025, police.0, police.1, &f)
                .expect_err("cap")
                .message(),
            "restorative justice is only for offences threatened with at most 5 years"
        );
        // An inquiry settled on the victim's report (UU 20/2025 art. 80 (2)).
        f.repeat_offence = true;
        assert!(validate_transition(
            ProcedureCode::Kuhap2025,
            Stage::Penyelidikan,
            Stage::KeadilanRestoratif,
            &f
        )
        .is_ok());
    }

    #[test]
    fn a_step_is_recorded_with_its_document() {
        let law = ProcedureCode::Kuhap2025;
        let code = |from, to, f: &Facts| {
            validate_transition(law, from, to, f)
                .err()
                .map(|r| (r.code(), r.field()))
        };
        let mut f = eligible();
        f.document = None;
        assert_eq!(
            code(Stage::Penyidikan, Stage::Spdp, &f),
            Some(("case-document-required", "document.date"))
        );
        let mut f = eligible();
        if let Some(doc) = f.document.as_mut() {
            doc.number = Some("  ".into());
        }
        assert_eq!(
            code(Stage::Penyidikan, Stage::Spdp, &f),
            Some(("case-document-number-required", "document.number"))
        );
        // A final verdict is a fact: its date is enough.
        assert_eq!(code(Stage::Putusan, Stage::Inkracht, &f), None);
        if let Some(doc) = f.document.as_mut() {
            doc.number = Some("x".repeat(MAX_DOCUMENT_NUMBER + 1));
        }
        assert_eq!(
            code(Stage::Penyidikan, Stage::Spdp, &f),
            Some(("case-document-number-invalid", "document.number"))
        );
        // A returned file carries the prosecutor's notes.
        let mut f = eligible();
        if let Some(doc) = f.document.as_mut() {
            doc.notes = Some(" \u{200b} ".into());
        }
        assert_eq!(
            code(Stage::Tahap1, Stage::P19, &f),
            Some(("case-notes-required", "document.notes"))
        );
        assert_eq!(code(Stage::Tahap1, Stage::P21, &f), None);
        let mut f = eligible();
        f.previous_on = Some(d(2026, 3, 11));
        assert_eq!(
            code(Stage::Tahap1, Stage::P21, &f),
            Some(("case-document-before-previous", "document.date"))
        );
        let mut f = eligible();
        f.today = Some(d(2026, 3, 9));
        let r = validate_transition(law, Stage::Tahap1, Stage::P21, &f).expect_err("future");
        assert_eq!(r.message(), "cannot be after today (2026-03-09)");
    }

    /// A case walks the whole main line under either law, and nothing follows its end.
    #[test]
    fn a_case_walks_from_the_report_to_the_execution() {
        use Stage::*;
        let line = [
            Laporan,
            Penyelidikan,
            Penyidikan,
            Spdp,
            P16,
            Tahap1,
            P21,
            Tahap2,
            P29,
            P31,
            Sidang,
            Putusan,
            Banding,
            Kasasi,
            Inkracht,
            Eksekusi,
        ];
        let f = eligible();
        for law in ProcedureCode::ALL {
            for w in line.windows(2) {
                let step = validate_transition(law, w[0], w[1], &f).expect("step");
                assert_eq!((step.from, step.to), (w[0], w[1]));
            }
            for &to in Stage::ALL {
                assert_eq!(
                    validate_transition(law, Eksekusi, to, &f).map_err(|r| r.code()),
                    Err("case-stage-closed")
                );
            }
        }
    }

    #[test]
    fn returns_are_counted_from_the_history() {
        use Stage::*;
        let history = [
            Laporan, Penyidikan, Spdp, P16, Tahap1, P19, Tahap1, P19, Tahap1, P21,
        ];
        assert_eq!(returns_count(&history), 2);
        // The history replays under the law, step by step.
        let f = eligible();
        for w in history.windows(2) {
            assert!(validate_transition(ProcedureCode::Kuhap1981, w[0], w[1], &f).is_ok());
        }
        assert_eq!(returns_count(&[Laporan]), 0);
    }
}
