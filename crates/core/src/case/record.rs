//! A case as Sinergi keeps it (ADR 31): the case, its stage steps, the agencies on it, the
//! persons in it and its transfers; who sees and writes it; the inputs that open and move
//! it, checked field by field.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::body::{
    CaseFactsBody, CasePartyBody, DecryptBody, NewCaseBody, PersonBody, PersonShareBody,
    ServiceBody, StageBody, TransferBody, TransferDecisionBody,
};
use super::deadline::{
    self, classify, CaseDates, Deadline, DetentionAuthority, DetentionSpell, DetentionStep, Urgency,
};
use super::law::{law_for, ProcedureCode};
use super::stage::{Facts, Stage, StageDocument};
use crate::access::Actor;
use crate::agency::AgencyCode;
use crate::error::{Message, ValidationErrors};
use crate::ids::{AgencyId, AgreementId, AttachmentId, ReportId, UserId};
use crate::input::Field;
use crate::permission::Action;
use crate::plan::{optional_date, optional_text, required_date, required_text, uuid_field};
use crate::protect::{DecryptPurpose, KeyGrant, PersonRole, SealedRecord};

/// The longest title of a case.
pub const MAX_TITLE: usize = 200;
/// The longest summary of a case or note of a transfer.
pub const MAX_SUMMARY: usize = 20_000;
/// The longest protected field (a name, a number, a contact, an address).
pub const MAX_PERSON_FIELD: usize = 500;
/// The most reports a case comes from, or parties it has.
pub const MAX_LINKS: usize = 50;
/// The heaviest threat recorded, in years (life and death sentences count as 20).
pub const MAX_PENALTY: i64 = 20;

pub use crate::ids::{CaseId, PersonId, StageEventId, TaskId, TransferId};

keyword_enum!(
    /// What kind of offence: it decides which exits the law allows (narcotics users go
    /// to rehabilitation) and groups the funnel.
    OffenceKind {
        Wildlife = "wildlife",
        Forestry = "forestry",
        Trafficking = "trafficking",
        Narcotics = "narcotics",
        Other = "other",
    }
);

keyword_enum!(
    /// An agency's part in a joint case. The owner is the lead investigator; a court
    /// reads only.
    PartyRole {
        Lead = "lead",
        Supporting = "supporting",
        Prosecutor = "prosecutor",
        Court = "court",
    }
);

keyword_enum!(
    /// How a trial ended.
    Verdict {
        Convicted = "convicted",
        Acquitted = "acquitted",
    }
);

keyword_enum!(
    /// A service a victim is referred to.
    ServiceKind {
        Shelter = "shelter",
        Health = "health",
        LegalAid = "legal_aid",
        ReturnHome = "return_home",
        Reintegration = "reintegration",
    }
);

keyword_enum!(
    /// Where a referral to a service stands.
    ServiceStatus {
        Referred = "referred",
        InProgress = "in_progress",
        Completed = "completed",
        Declined = "declined",
    }
);

keyword_enum!(
    /// What another agency is asked to do for a case.
    TaskKind {
        LabTest = "lab_test",
        Tracing = "tracing",
        Other = "other",
    }
);

keyword_enum!(
    /// Where a task stands.
    TaskStatus {
        Requested = "requested",
        Done = "done",
        Refused = "refused",
    }
);

keyword_enum!(
    /// Where a transfer stands.
    TransferStatus {
        Requested = "requested",
        Accepted = "accepted",
        Refused = "refused",
    }
);

/// The offence a case is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offence {
    pub kind: OffenceKind,
    /// The law, e.g. `UU 5/1990`.
    pub law: String,
    /// The article(s).
    pub article: String,
    pub max_penalty_years: Option<u32>,
}

/// The facts beyond the offence that the law's conditions and deadlines read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFacts {
    pub child_suspect: bool,
    pub assessed_user: bool,
    pub repeat_offence: bool,
    pub victim_agreement: bool,
    pub rj_excluded_offence: bool,
    pub illness: bool,
}

/// An agency on a joint case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseParty {
    pub agency_id: AgencyId,
    pub role: PartyRole,
}

/// A case.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub id: CaseId,
    /// The number in the owner's format, issued when the case is opened.
    pub number: String,
    /// The investigating agency that leads the case.
    pub owner_agency_id: AgencyId,
    pub law: ProcedureCode,
    pub title: String,
    pub summary: Option<String>,
    pub offence: Offence,
    /// The Kemendagri code of the regency or city (or province).
    pub region_code: String,
    pub opened_on: NaiveDate,
    pub stage: Stage,
    /// The date of the document that entered the current stage.
    pub stage_since: NaiveDate,
    pub facts: CaseFacts,
    /// The days the deadlines count from, kept up to date by every step.
    pub dates: CaseDates,
    /// How often the prosecutor returned the file (P-18/P-19).
    pub returns: u32,
    /// The verdict, once there is one.
    pub verdict: Option<Verdict>,
    /// The day the file was declared complete (P-21), once it was.
    pub p21_on: Option<NaiveDate>,
    /// The day of the district court's verdict, once there is one.
    pub verdict_on: Option<NaiveDate>,
    /// The earliest deadline the case has at its stage (a copy of [`Case::deadlines`]'s
    /// first, kept so the overdue list is one indexed query).
    pub next_due_on: Option<NaiveDate>,
    pub reports: Vec<ReportId>,
    /// The other agencies on the case (never the owner).
    pub parties: Vec<CaseParty>,
    pub version: i64,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_by: UserId,
    pub updated_at: DateTime<Utc>,
}

impl Case {
    /// The role of an agency on the case: lead for the owner.
    pub fn role_of(&self, agency: AgencyId) -> Option<PartyRole> {
        if agency == self.owner_agency_id {
            return Some(PartyRole::Lead);
        }
        self.parties
            .iter()
            .find(|p| p.agency_id == agency)
            .map(|p| p.role)
    }

    /// Who sees the case (its stages, deadlines, persons by role and code): the users of
    /// the owner agency and of the agencies above it, and of every agency on the case.
    /// Protected fields are a separate matter ([`Case::may_decrypt`]).
    pub fn visible_to(&self, actor: &Actor) -> bool {
        actor.agency_id == self.owner_agency_id
            || actor.agency_descendants.contains(&self.owner_agency_id)
            || self.role_of(actor.agency_id).is_some()
    }

    /// Who records steps, facts and persons: users of the owner agency who may record
    /// reports, and of a supporting agency or the prosecutor (a court reads only).
    pub fn may_write(&self, actor: &Actor) -> bool {
        actor.may(Action::WriteReports)
            && matches!(
                self.role_of(actor.agency_id),
                Some(PartyRole::Lead | PartyRole::Supporting | PartyRole::Prosecutor)
            )
    }

    /// Who hands the case over or edits its parties: a coordinator or administrator of
    /// the owner.
    pub fn may_manage(&self, actor: &Actor) -> bool {
        actor.agency_id == self.owner_agency_id && actor.may(Action::ManageAgencyReports)
    }

    /// The law's facts for a step with `document`, on `today`.
    pub fn law_facts(&self, document: Option<StageDocument>, today: NaiveDate) -> Facts {
        Facts {
            child_suspect: self.facts.child_suspect,
            narcotics_offence: self.offence.kind == OffenceKind::Narcotics,
            assessed_user: self.facts.assessed_user,
            max_penalty_years: self.offence.max_penalty_years,
            repeat_offence: self.facts.repeat_offence,
            victim_agreement: self.facts.victim_agreement,
            rj_excluded_offence: self.facts.rj_excluded_offence,
            document,
            previous_on: Some(self.stage_since),
            today: Some(today),
        }
    }

    /// The deadlines the case has at its stage, soonest first.
    pub fn deadlines(&self) -> Vec<Deadline> {
        let mut dates = self.dates;
        dates.max_penalty_years = self.offence.max_penalty_years;
        dates.illness = self.facts.illness;
        deadline::deadlines(self.law, self.stage, &dates)
    }

    /// Recomputes [`Case::next_due_on`].
    pub fn refresh_next_due(&mut self) {
        self.next_due_on = self.deadlines().first().map(|d| d.due_on);
    }

    /// The most urgent deadline on `today` (overdue before due soon before pending).
    pub fn urgency(&self, today: NaiveDate, soon_days: u32) -> Option<Urgency> {
        self.next_due_on.map(|d| classify(d, today, soon_days))
    }

    /// The case after a step to `to` recorded with `doc` (`verdict` for a verdict): the
    /// stage, the dates the deadlines count from, the returns and the funnel's days.
    pub fn after_step(&self, to: Stage, doc: &StageDocument, verdict: Option<Verdict>) -> Case {
        let mut c = self.clone();
        c.stage = to;
        c.stage_since = doc.date;
        match to {
            Stage::Penyidikan => c.dates.investigation_order_on = Some(doc.date),
            Stage::Tahap1 => c.dates.file_sent_on = Some(doc.date),
            Stage::P19 => {
                c.dates.file_returned_on = Some(doc.date);
                c.returns += 1;
            }
            Stage::P21 => c.p21_on = Some(doc.date),
            Stage::Putusan => {
                c.dates.verdict_on = Some(doc.date);
                c.verdict_on = Some(doc.date);
                c.verdict = verdict;
            }
            _ => {}
        }
        if self.law.is_terminal(to) {
            c.dates.detention = None;
        }
        c.refresh_next_due();
        c
    }
}

impl ProcedureCode {
    /// Whether `stage` ends a case under this law.
    pub fn is_terminal(self, stage: Stage) -> bool {
        super::stage::table(self)
            .stage(stage)
            .is_some_and(|d| d.terminal)
    }
}

/// A recorded step of a case.
#[derive(Debug, Clone, PartialEq)]
pub struct StageEvent {
    pub id: StageEventId,
    pub case_id: CaseId,
    pub from: Stage,
    pub to: Stage,
    pub document: StageDocument,
    pub verdict: Option<Verdict>,
    pub scan: Option<AttachmentId>,
    pub recorded_by: UserId,
    pub recorded_at: DateTime<Utc>,
}

/// A victim's facts that the counts read; not identifying alone, kept in plain columns.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VictimFacts {
    /// Kemendagri code of the victim's home regency or city.
    pub origin_region: Option<String>,
    /// ISO 3166-1 alpha-2 code of the country the victim was taken to.
    pub destination_country: Option<String>,
    pub repatriated_on: Option<NaiveDate>,
    pub border_post: Option<String>,
}

/// A victim's referral to a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceReferral {
    pub service: ServiceKind,
    pub status: ServiceStatus,
    pub since: NaiveDate,
}

/// A person linked to a case.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub id: PersonId,
    pub case_id: CaseId,
    pub role: PersonRole,
    /// A suspect's name and identity number (part of the court record), in plain.
    pub suspect_name: Option<String>,
    pub suspect_identity: Option<String>,
    /// A victim's, witness's or informant's identifying fields, sealed by the owner
    /// agency's key ring; `None` for a suspect.
    pub sealed: Option<SealedRecord>,
    pub child: bool,
    pub victim: VictimFacts,
    pub services: Vec<ServiceReferral>,
    /// An informant's handler: the only user who opens the informant's identity.
    pub handler_id: Option<UserId>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    /// When the person's data key was destroyed.
    pub shredded_at: Option<DateTime<Utc>>,
}

/// A protected person's identity shared with another agency on the case, under an
/// agreement whose clause names that kind of person: the person's data key wrapped by
/// that agency's key. Removing it ends the access.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonShare {
    pub person_id: PersonId,
    pub agency_id: AgencyId,
    pub agreement_id: AgreementId,
    pub grant: KeyGrant,
    pub purpose: String,
    pub shared_by: UserId,
    pub shared_at: DateTime<Utc>,
}

/// A request to hand a case over.
#[derive(Debug, Clone, PartialEq)]
pub struct Transfer {
    pub id: TransferId,
    pub case_id: CaseId,
    pub from_agency_id: AgencyId,
    pub to_agency_id: AgencyId,
    pub note: Option<String>,
    pub status: TransferStatus,
    pub requested_by: UserId,
    pub requested_at: DateTime<Utc>,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: Option<String>,
}

/// A task another agency is asked to do for a case (a lab test, a tracing); that agency
/// sees the task and the case's number, title and offence, never its persons.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseTask {
    pub id: TaskId,
    pub case_id: CaseId,
    pub from_agency_id: AgencyId,
    pub to_agency_id: AgencyId,
    pub kind: TaskKind,
    pub what: String,
    pub due_on: Option<NaiveDate>,
    pub status: TaskStatus,
    /// The result, or why it was refused.
    pub result: Option<String>,
    pub requested_by: UserId,
    pub requested_at: DateTime<Utc>,
    pub answered_by: Option<UserId>,
    pub answered_at: Option<DateTime<Utc>>,
}

/// A task to ask for, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskInput {
    pub to: AgencyCode,
    pub kind: TaskKind,
    pub what: String,
    pub due_on: Option<NaiveDate>,
}

impl TaskInput {
    pub fn from_body(
        b: &super::body::TaskBody,
        today: NaiveDate,
    ) -> Result<TaskInput, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        b.unknown.report("", &mut errs);
        let to = match &b.to {
            Field::Given(s) => AgencyCode::parse(s).map_err(|e| errs.push("to", e)).ok(),
            _ => {
                errs.push("to", crate::msg!("fix-field-required", "is required"));
                None
            }
        };
        let all: Vec<&str> = TaskKind::ALL.iter().map(|k| k.as_str()).collect();
        let kind = keyword_field("kind", &b.kind, TaskKind::parse, &all, &mut errs);
        let what = required_text("what", &b.what, MAX_TITLE, &mut errs);
        let due = optional_date("due_on", &b.due_on, &mut errs);
        if let Some(Some(d)) = due {
            if d < today {
                errs.push(
                    "due_on",
                    crate::msg!("case-due-past", "must not be before today"),
                );
            }
        }
        match (to, kind, what, due) {
            (Some(to), Some(kind), Some(what), Some(due_on)) if errs.is_empty() => Ok(TaskInput {
                to,
                kind,
                what,
                due_on,
            }),
            _ => Err(errs),
        }
    }
}

/// A task's answer, checked: done or refused, with the result or the reason.
pub fn task_answer(
    b: &super::body::TaskAnswerBody,
) -> Result<(TaskStatus, String), ValidationErrors> {
    let mut errs = ValidationErrors::new();
    b.unknown.report("", &mut errs);
    let status = match b.status.given().map(|s| s.trim()) {
        Some("done") => Some(TaskStatus::Done),
        Some("refused") => Some(TaskStatus::Refused),
        _ => {
            errs.push(
                "status",
                crate::msg!("case-task-status-invalid", "must be done or refused"),
            );
            None
        }
    };
    let result = required_text("result", &b.result, MAX_SUMMARY, &mut errs);
    match (status, result) {
        (Some(s), Some(r)) if errs.is_empty() => Ok((s, r)),
        _ => Err(errs),
    }
}

// ---- inputs -----------------------------------------------------------------------------

/// A case to open, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseInput {
    pub id: Option<CaseId>,
    pub title: String,
    pub summary: Option<String>,
    pub offence: Offence,
    pub region_code: String,
    pub opened_on: NaiveDate,
    pub law: ProcedureCode,
    pub reports: Vec<ReportId>,
    pub parties: Vec<(AgencyCode, PartyRole)>,
}

fn keyword_field<T: Copy>(
    key: &str,
    f: &Field<String>,
    parse: impl Fn(&str) -> Option<T>,
    all: &[&str],
    errs: &mut ValidationErrors,
) -> Option<T> {
    let v = f.given().and_then(|s| parse(s));
    if v.is_none() {
        errs.push(
            key,
            crate::msg!(
                "case-keyword-invalid",
                "must be one of {values}",
                values = all.join(", ")
            ),
        );
    }
    v
}

fn region_code(key: &str, f: &Field<String>, errs: &mut ValidationErrors) -> Option<String> {
    match f.given().map(|s| s.trim()) {
        Some(s)
            if !s.is_empty()
                && s.len() <= 13
                && s.split('.')
                    .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())) =>
        {
            Some(s.to_string())
        }
        _ => {
            errs.push(
                key,
                crate::msg!(
                    "case-region-invalid",
                    "must be a Kemendagri region code such as 15.01"
                ),
            );
            None
        }
    }
}

fn not_future(key: &str, d: NaiveDate, today: NaiveDate, errs: &mut ValidationErrors) {
    if d > today {
        errs.push(
            key,
            crate::msg!("case-date-future", "must not be later than today"),
        );
    }
}

impl CaseInput {
    /// Checks a body; `today` is the local date of the place.
    pub fn from_body(b: &NewCaseBody, today: NaiveDate) -> Result<CaseInput, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        b.unknown.report("", &mut errs);
        let id = uuid_field("id", &b.id, &mut errs).map(CaseId);
        let title = required_text("title", &b.title, MAX_TITLE, &mut errs);
        let summary = optional_text("summary", &b.summary, MAX_SUMMARY, &mut errs);
        let kinds: Vec<&str> = OffenceKind::ALL.iter().map(|k| k.as_str()).collect();
        let kind = keyword_field(
            "offence_kind",
            &b.offence_kind,
            OffenceKind::parse,
            &kinds,
            &mut errs,
        );
        let law = required_text("offence_law", &b.offence_law, MAX_TITLE, &mut errs);
        let article = required_text("offence_article", &b.offence_article, MAX_TITLE, &mut errs);
        let penalty = match &b.max_penalty_years {
            Field::Absent | Field::Null => Some(None),
            Field::Given(v) if (0..=MAX_PENALTY).contains(v) => Some(Some(*v as u32)),
            _ => {
                errs.push(
                    "max_penalty_years",
                    crate::msg!(
                        "case-penalty-invalid",
                        "must be a whole number of years from 0 to {max}",
                        max = MAX_PENALTY
                    ),
                );
                None
            }
        };
        let region = region_code("region", &b.region, &mut errs);
        let opened_on = required_date("opened_on", &b.opened_on, &mut errs);
        if let Some(d) = opened_on {
            not_future("opened_on", d, today, &mut errs);
        }
        let reports = ids_list("reports", &b.reports, &mut errs);
        let parties = parties(&b.parties, &mut errs);
        if !errs.is_empty() {
            return Err(errs);
        }
        match (
            title, summary, kind, law, article, penalty, region, opened_on,
        ) {
            (
                Some(title),
                Some(summary),
                Some(kind),
                Some(law),
                Some(article),
                Some(max_penalty_years),
                Some(region_code),
                Some(opened_on),
            ) => Ok(CaseInput {
                id,
                title,
                summary,
                offence: Offence {
                    kind,
                    law,
                    article,
                    max_penalty_years,
                },
                region_code,
                law: law_for(opened_on),
                opened_on,
                reports: reports.unwrap_or_default(),
                parties: parties.unwrap_or_default(),
            }),
            _ => Err(errs),
        }
    }
}

fn ids_list(
    key: &str,
    f: &Field<Vec<Field<String>>>,
    errs: &mut ValidationErrors,
) -> Option<Vec<ReportId>> {
    match f {
        Field::Absent | Field::Null => Some(Vec::new()),
        Field::Given(list) if list.len() <= MAX_LINKS => {
            let mut out = Vec::new();
            for (i, item) in list.iter().enumerate() {
                let k = format!("{key}[{i}]");
                match item.given().and_then(|s| ReportId::parse(s)) {
                    Some(id) if !out.contains(&id) => out.push(id),
                    Some(_) => errs.push(
                        k,
                        crate::msg!("case-link-twice", "is listed more than once"),
                    ),
                    None => errs.push(k, crate::msg!("uuid-invalid", "must be a UUID")),
                }
            }
            Some(out)
        }
        _ => {
            errs.push(
                key,
                crate::msg!(
                    "case-list-invalid",
                    "must be a list of at most {max} entries",
                    max = MAX_LINKS
                ),
            );
            None
        }
    }
}

fn parties(
    f: &Field<Vec<Field<CasePartyBody>>>,
    errs: &mut ValidationErrors,
) -> Option<Vec<(AgencyCode, PartyRole)>> {
    let list = match f {
        Field::Absent | Field::Null => return Some(Vec::new()),
        Field::Given(list) if list.len() <= MAX_LINKS => list,
        _ => {
            errs.push(
                "parties",
                crate::msg!(
                    "case-list-invalid",
                    "must be a list of at most {max} entries",
                    max = MAX_LINKS
                ),
            );
            return None;
        }
    };
    let mut out: Vec<(AgencyCode, PartyRole)> = Vec::new();
    for (i, item) in list.iter().enumerate() {
        let k = format!("parties[{i}]");
        let Some(p) = item.given() else {
            errs.push(
                k,
                crate::msg!("body-not-object", "the body must be a JSON object"),
            );
            continue;
        };
        p.unknown.report(&k, errs);
        let code = match &p.agency {
            Field::Given(s) => AgencyCode::parse(s)
                .map_err(|e| errs.push(format!("{k}.agency"), e))
                .ok(),
            _ => {
                errs.push(
                    format!("{k}.agency"),
                    crate::msg!("value-not-text", "must be text"),
                );
                None
            }
        };
        let role = p.role.given().and_then(|s| PartyRole::parse(s));
        let role = match role {
            Some(PartyRole::Lead) | None => {
                errs.push(
                    format!("{k}.role"),
                    crate::msg!(
                        "case-party-role-invalid",
                        "must be one of supporting, prosecutor, court"
                    ),
                );
                None
            }
            r => r,
        };
        if let (Some(code), Some(role)) = (code, role) {
            if out.iter().any(|(c, _)| *c == code) {
                errs.push(
                    format!("{k}.agency"),
                    crate::msg!("case-link-twice", "is listed more than once"),
                );
            } else {
                out.push((code, role));
            }
        }
    }
    Some(out)
}

/// A change of a case's facts, checked: each `Some` replaces the fact.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FactsPatch {
    pub version: i64,
    pub child_suspect: Option<bool>,
    pub assessed_user: Option<bool>,
    pub repeat_offence: Option<bool>,
    pub victim_agreement: Option<bool>,
    pub rj_excluded_offence: Option<bool>,
    pub illness: Option<bool>,
    /// `Some(None)`: no one is detained any more.
    pub detention: Option<Option<DetentionSpell>>,
    pub appeal_decided_on: Option<Option<NaiveDate>>,
}

fn flag(key: &str, f: &Field<bool>, errs: &mut ValidationErrors) -> Option<bool> {
    match f {
        Field::Absent => None,
        Field::Given(v) => Some(*v),
        _ => {
            errs.push(
                key,
                crate::msg!("value-not-boolean", "must be true or false"),
            );
            None
        }
    }
}

fn version(f: &Field<i64>, errs: &mut ValidationErrors) -> i64 {
    match f {
        Field::Given(v) if *v >= 1 => *v,
        _ => {
            errs.push(
                "version",
                crate::msg!(
                    "case-version-required",
                    "must be the version you read (a whole number, 1 or more)"
                ),
            );
            0
        }
    }
}

impl FactsPatch {
    pub fn from_body(b: &CaseFactsBody, today: NaiveDate) -> Result<FactsPatch, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        b.unknown.report("", &mut errs);
        let mut p = FactsPatch {
            version: version(&b.version, &mut errs),
            child_suspect: flag("child_suspect", &b.child_suspect, &mut errs),
            assessed_user: flag("assessed_user", &b.assessed_user, &mut errs),
            repeat_offence: flag("repeat_offence", &b.repeat_offence, &mut errs),
            victim_agreement: flag("victim_agreement", &b.victim_agreement, &mut errs),
            rj_excluded_offence: flag("rj_excluded_offence", &b.rj_excluded_offence, &mut errs),
            illness: flag("illness", &b.illness, &mut errs),
            ..FactsPatch::default()
        };
        p.detention = match &b.detention {
            Field::Absent => None,
            Field::Null => Some(None),
            Field::Given(d) => {
                d.unknown.report("detention", &mut errs);
                let authority: Option<DetentionAuthority> = d
                    .authority
                    .given()
                    .and_then(|s| serde_json::from_value(serde_json::json!(s.trim())).ok());
                if authority.is_none() {
                    errs.push(
                        "detention.authority",
                        crate::msg!(
                            "case-keyword-invalid",
                            "must be one of {values}",
                            values = "investigator, prosecutor, district_court, high_court, supreme_court"
                        ),
                    );
                }
                let step: Option<DetentionStep> = d
                    .step
                    .given()
                    .and_then(|s| serde_json::from_value(serde_json::json!(s.trim())).ok());
                if step.is_none() {
                    errs.push(
                        "detention.step",
                        crate::msg!(
                            "case-keyword-invalid",
                            "must be one of {values}",
                            values = "initial, extension, exceptional1, exceptional2"
                        ),
                    );
                }
                let started = required_date("detention.started_on", &d.started_on, &mut errs);
                if let Some(s) = started {
                    not_future("detention.started_on", s, today, &mut errs);
                }
                match (authority, step, started) {
                    (Some(authority), Some(step), Some(started_on)) => Some(Some(DetentionSpell {
                        authority,
                        step,
                        started_on,
                    })),
                    _ => None,
                }
            }
            Field::Wrong(_) => {
                errs.push(
                    "detention",
                    crate::msg!("body-not-object", "the body must be a JSON object"),
                );
                None
            }
        };
        p.appeal_decided_on = match &b.appeal_decided_on {
            Field::Absent => None,
            f => optional_date("appeal_decided_on", f, &mut errs),
        };
        if let Some(Some(d)) = p.appeal_decided_on {
            not_future("appeal_decided_on", d, today, &mut errs);
        }
        errs.into_result(p)
    }

    /// The case with the patch applied (its next deadline recomputed).
    pub fn apply(&self, c: &Case) -> Case {
        let mut n = c.clone();
        let f = &mut n.facts;
        f.child_suspect = self.child_suspect.unwrap_or(f.child_suspect);
        f.assessed_user = self.assessed_user.unwrap_or(f.assessed_user);
        f.repeat_offence = self.repeat_offence.unwrap_or(f.repeat_offence);
        f.victim_agreement = self.victim_agreement.unwrap_or(f.victim_agreement);
        f.rj_excluded_offence = self.rj_excluded_offence.unwrap_or(f.rj_excluded_offence);
        f.illness = self.illness.unwrap_or(f.illness);
        if let Some(d) = self.detention {
            n.dates.detention = d;
        }
        if let Some(d) = self.appeal_decided_on {
            n.dates.appeal_decided_on = d;
        }
        n.refresh_next_due();
        n
    }
}

/// A step, checked for form (the law's table checks the step itself).
#[derive(Debug, Clone, PartialEq)]
pub struct StepInput {
    pub version: i64,
    pub stage: Stage,
    pub document: StageDocument,
    pub verdict: Option<Verdict>,
    pub scan: Option<AttachmentId>,
}

impl StepInput {
    pub fn from_body(b: &StageBody) -> Result<StepInput, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        b.unknown.report("", &mut errs);
        let version = version(&b.version, &mut errs);
        let stage = b.stage.given().and_then(|s| Stage::parse(s));
        if stage.is_none() {
            errs.push(
                "stage",
                crate::msg!("case-stage-code-invalid", "is not a stage of a case"),
            );
        }
        let document = match &b.document {
            Field::Given(d) => {
                d.unknown.report("document", &mut errs);
                let number = optional_text(
                    "document.number",
                    &d.number,
                    super::stage::MAX_DOCUMENT_NUMBER,
                    &mut errs,
                );
                let date = required_date("document.date", &d.date, &mut errs);
                let notes = optional_text(
                    "document.notes",
                    &d.notes,
                    super::stage::MAX_NOTES,
                    &mut errs,
                );
                match (number, date, notes) {
                    (Some(number), Some(date), Some(notes)) => Some(StageDocument {
                        number,
                        date,
                        notes,
                    }),
                    _ => None,
                }
            }
            _ => {
                errs.push(
                    "document.date",
                    crate::msg!("date-invalid", "must be a date YYYY-MM-DD"),
                );
                None
            }
        };
        let verdict = match &b.verdict {
            Field::Absent | Field::Null => None,
            f => keyword_field(
                "verdict",
                f,
                Verdict::parse,
                &["convicted", "acquitted"],
                &mut errs,
            ),
        };
        if stage == Some(Stage::Putusan) && verdict.is_none() && b.verdict.is_unset() {
            errs.push(
                "verdict",
                crate::msg!(
                    "case-verdict-required",
                    "a verdict is convicted or acquitted"
                ),
            );
        }
        let scan = uuid_field("scan", &b.scan, &mut errs).map(AttachmentId);
        match (stage, document) {
            (Some(stage), Some(document)) if errs.is_empty() => Ok(StepInput {
                version,
                stage,
                document,
                verdict: if stage == Stage::Putusan {
                    verdict
                } else {
                    None
                },
                scan,
            }),
            _ => Err(errs),
        }
    }
}

/// The identifying fields of a person as sent, before sealing. Wiped when dropped.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Identity {
    pub name: zeroize::Zeroizing<String>,
    pub identity_number: Option<zeroize::Zeroizing<String>>,
    pub contact: Option<zeroize::Zeroizing<String>>,
    pub address: Option<zeroize::Zeroizing<String>>,
    /// The photo's bytes (JPEG, PNG or WebP).
    pub photo: Option<zeroize::Zeroizing<Vec<u8>>>,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Identity(…)")
    }
}

impl Identity {
    /// The fields to seal, as `(name, bytes)` ([`crate::protect::FIELDS`]).
    pub fn fields(&self) -> Vec<(&'static str, &[u8])> {
        let mut out: Vec<(&'static str, &[u8])> = vec![("name", self.name.as_bytes())];
        if let Some(v) = &self.identity_number {
            out.push(("identity_number", v.as_bytes()));
        }
        if let Some(v) = &self.contact {
            out.push(("contact", v.as_bytes()));
        }
        if let Some(v) = &self.address {
            out.push(("address", v.as_bytes()));
        }
        if let Some(v) = &self.photo {
            out.push(("photo", v.as_slice()));
        }
        out
    }
}

/// The largest photo of a protected person, in bytes.
pub const MAX_PHOTO: usize = 2 * 1024 * 1024;

/// The media type of a photo by its first bytes: JPEG, PNG or WebP.
pub fn photo_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

fn photo(
    f: &Field<String>,
    errs: &mut ValidationErrors,
) -> Option<Option<zeroize::Zeroizing<Vec<u8>>>> {
    use base64::Engine as _;
    match f {
        Field::Absent | Field::Null => Some(None),
        Field::Given(s) if s.trim().is_empty() => Some(None),
        Field::Given(s) => {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(s.trim())
                .ok();
            match bytes {
                Some(b) if b.len() <= MAX_PHOTO && photo_type(&b).is_some() => {
                    Some(Some(zeroize::Zeroizing::new(b)))
                }
                _ => {
                    errs.push(
                        "photo",
                        crate::msg!(
                            "case-photo-invalid",
                            "must be a JPEG, PNG or WebP image of at most 2 MB, base64-encoded"
                        ),
                    );
                    None
                }
            }
        }
        Field::Wrong(_) => {
            errs.push(
                "photo",
                crate::msg!(
                    "case-photo-invalid",
                    "must be a JPEG, PNG or WebP image of at most 2 MB, base64-encoded"
                ),
            );
            None
        }
    }
}

/// A person to add, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonInput {
    pub id: Option<PersonId>,
    pub role: PersonRole,
    pub identity: Identity,
    pub child: bool,
    pub victim: VictimFacts,
    pub services: Vec<ServiceKind>,
    /// An informant's handler's user name.
    pub handler: Option<String>,
}

fn country(f: &Field<String>, errs: &mut ValidationErrors) -> Option<Option<String>> {
    match f {
        Field::Absent | Field::Null => Some(None),
        Field::Given(s) if s.trim().is_empty() => Some(None),
        Field::Given(s)
            if s.trim().len() == 2 && s.trim().bytes().all(|b| b.is_ascii_alphabetic()) =>
        {
            Some(Some(s.trim().to_ascii_uppercase()))
        }
        _ => {
            errs.push(
                "destination_country",
                crate::msg!(
                    "case-country-invalid",
                    "must be a two-letter country code (ISO 3166-1), e.g. MY"
                ),
            );
            None
        }
    }
}

impl PersonInput {
    pub fn from_body(b: &PersonBody, today: NaiveDate) -> Result<PersonInput, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        b.unknown.report("", &mut errs);
        let id = uuid_field("id", &b.id, &mut errs).map(PersonId);
        let roles: Vec<&str> = PersonRole::ALL.iter().map(|r| r.as_str()).collect();
        let role = keyword_field("role", &b.role, PersonRole::parse, &roles, &mut errs);
        let secret = |s: Option<String>| s.map(zeroize::Zeroizing::new);
        let name = required_text("name", &b.name, MAX_PERSON_FIELD, &mut errs);
        let identity_number = optional_text(
            "identity_number",
            &b.identity_number,
            MAX_PERSON_FIELD,
            &mut errs,
        );
        let contact = optional_text("contact", &b.contact, MAX_PERSON_FIELD, &mut errs);
        let address = optional_text("address", &b.address, MAX_PERSON_FIELD, &mut errs);
        let photo = photo(&b.photo, &mut errs);
        let child = flag("child", &b.child, &mut errs).unwrap_or(false);
        let origin = match &b.origin_region {
            Field::Absent | Field::Null => Some(None),
            Field::Given(s) if s.trim().is_empty() => Some(None),
            f => region_code("origin_region", f, &mut errs).map(Some),
        };
        let destination = country(&b.destination_country, &mut errs);
        let repatriated = optional_date("repatriated_on", &b.repatriated_on, &mut errs);
        if let Some(Some(d)) = repatriated {
            not_future("repatriated_on", d, today, &mut errs);
        }
        let border = optional_text("border_post", &b.border_post, MAX_TITLE, &mut errs);
        let mut services = Vec::new();
        match &b.services {
            Field::Absent | Field::Null => {}
            Field::Given(list) => {
                let all: Vec<&str> = ServiceKind::ALL.iter().map(|s| s.as_str()).collect();
                for (i, s) in list.iter().enumerate() {
                    if let Some(k) = keyword_field(
                        &format!("services[{i}]"),
                        s,
                        ServiceKind::parse,
                        &all,
                        &mut errs,
                    ) {
                        if !services.contains(&k) {
                            services.push(k);
                        }
                    }
                }
            }
            Field::Wrong(_) => errs.push(
                "services",
                crate::msg!(
                    "case-list-invalid",
                    "must be a list of at most {max} entries",
                    max = MAX_LINKS
                ),
            ),
        }
        let handler = optional_text("handler", &b.handler, 64, &mut errs);
        if role.is_some_and(|r| r != PersonRole::Victim)
            && (origin.as_ref().is_some_and(|o| o.is_some())
                || destination.as_ref().is_some_and(|o| o.is_some())
                || repatriated.is_some_and(|o| o.is_some())
                || !services.is_empty())
        {
            errs.push(
                "role",
                crate::msg!(
                    "case-victim-facts-only",
                    "origin, destination, repatriation and services are recorded for victims only"
                ),
            );
        }
        if role.is_some_and(|r| r != PersonRole::Informant)
            && handler.as_ref().is_some_and(|h| h.is_some())
        {
            errs.push(
                "handler",
                crate::msg!(
                    "case-handler-informant-only",
                    "only an informant has a handler"
                ),
            );
        }
        if role == Some(PersonRole::Suspect) && photo.as_ref().is_some_and(|p| p.is_some()) {
            errs.push(
                "photo",
                crate::msg!(
                    "case-photo-protected-only",
                    "photos are kept for victims, witnesses and informants"
                ),
            );
        }
        match (
            role,
            name,
            identity_number,
            contact,
            address,
            photo,
            origin,
            destination,
            repatriated,
            border,
            handler,
        ) {
            (
                Some(role),
                Some(name),
                Some(identity_number),
                Some(contact),
                Some(address),
                Some(photo),
                Some(origin_region),
                Some(destination_country),
                Some(repatriated_on),
                Some(border_post),
                Some(handler),
            ) if errs.is_empty() => Ok(PersonInput {
                id,
                role,
                identity: Identity {
                    name: zeroize::Zeroizing::new(name),
                    identity_number: secret(identity_number),
                    contact: secret(contact),
                    address: secret(address),
                    photo,
                },
                child,
                victim: VictimFacts {
                    origin_region,
                    destination_country,
                    repatriated_on,
                    border_post,
                },
                services,
                handler,
            }),
            _ => Err(errs),
        }
    }
}

/// Reads a decrypt request: the purpose is required.
pub fn decrypt_purpose(b: &DecryptBody) -> Result<DecryptPurpose, ValidationErrors> {
    let mut errs = ValidationErrors::new();
    b.unknown.report("", &mut errs);
    let p = match &b.purpose {
        Field::Given(s) => DecryptPurpose::parse(s)
            .map_err(|m| errs.push("purpose", m))
            .ok(),
        _ => {
            errs.push(
                "purpose",
                DecryptPurpose::parse("").err().unwrap_or_else(|| {
                    Message::from("a purpose of 3 to 500 characters is required")
                }),
            );
            None
        }
    };
    match p {
        Some(p) if errs.is_empty() => Ok(p),
        _ => Err(errs),
    }
}

/// A request to share a person's identity, checked: the receiving agency and why.
pub fn share_input(b: &PersonShareBody) -> Result<(AgencyCode, DecryptPurpose), ValidationErrors> {
    let mut errs = ValidationErrors::new();
    b.unknown.report("", &mut errs);
    let agency = match &b.agency {
        Field::Given(s) => AgencyCode::parse(s)
            .map_err(|e| errs.push("agency", e))
            .ok(),
        _ => {
            errs.push("agency", crate::msg!("fix-field-required", "is required"));
            None
        }
    };
    let purpose = decrypt_purpose(&DecryptBody {
        purpose: b.purpose.clone(),
        unknown: Default::default(),
    })
    .map_err(|e| errs.errors.extend(e.errors))
    .ok();
    match (agency, purpose) {
        (Some(a), Some(p)) if errs.is_empty() => Ok((a, p)),
        _ => Err(errs),
    }
}

/// A service referral change, checked.
pub fn service_input(b: &ServiceBody) -> Result<(ServiceKind, ServiceStatus), ValidationErrors> {
    let mut errs = ValidationErrors::new();
    b.unknown.report("", &mut errs);
    let all: Vec<&str> = ServiceKind::ALL.iter().map(|s| s.as_str()).collect();
    let service = keyword_field("service", &b.service, ServiceKind::parse, &all, &mut errs);
    let all: Vec<&str> = ServiceStatus::ALL.iter().map(|s| s.as_str()).collect();
    let status = keyword_field("status", &b.status, ServiceStatus::parse, &all, &mut errs);
    match (service, status) {
        (Some(a), Some(b)) if errs.is_empty() => Ok((a, b)),
        _ => Err(errs),
    }
}

/// A transfer request, checked.
pub fn transfer_input(b: &TransferBody) -> Result<(AgencyCode, Option<String>), ValidationErrors> {
    let mut errs = ValidationErrors::new();
    b.unknown.report("", &mut errs);
    let to = match &b.to {
        Field::Given(s) => AgencyCode::parse(s).map_err(|e| errs.push("to", e)).ok(),
        _ => {
            errs.push("to", crate::msg!("fix-field-required", "is required"));
            None
        }
    };
    let note = optional_text("note", &b.note, MAX_SUMMARY, &mut errs);
    match (to, note) {
        (Some(to), Some(note)) if errs.is_empty() => Ok((to, note)),
        _ => Err(errs),
    }
}

/// A transfer decision, checked: `true` to accept.
pub fn transfer_decision(
    b: &TransferDecisionBody,
) -> Result<(bool, Option<String>), ValidationErrors> {
    let mut errs = ValidationErrors::new();
    b.unknown.report("", &mut errs);
    let decision = match b.decision.given().map(|s| s.trim()) {
        Some("accept") => Some(true),
        Some("refuse") => Some(false),
        _ => {
            errs.push(
                "decision",
                crate::msg!("case-decision-invalid", "must be accept or refuse"),
            );
            None
        }
    };
    let note = optional_text("note", &b.note, MAX_SUMMARY, &mut errs);
    if decision == Some(false) && note.as_ref().is_some_and(|n| n.is_none()) {
        errs.push(
            "note",
            crate::msg!("case-refusal-reason", "say why the transfer is refused"),
        );
    }
    match (decision, note) {
        (Some(d), Some(n)) if errs.is_empty() => Ok((d, n)),
        _ => Err(errs),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use uuid::Uuid;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn body<T: crate::input::Body>(v: serde_json::Value) -> T {
        T::read(&v).expect("object")
    }

    fn fields(e: &ValidationErrors) -> Vec<String> {
        e.errors.iter().map(|f| f.field.clone()).collect()
    }

    fn case() -> Case {
        let input = CaseInput::from_body(
            &body(json!({
                "title": "Jerat harimau di Sungai Penuh",
                "offence_kind": "wildlife",
                "offence_law": "UU 5/1990",
                "offence_article": "Pasal 21 ayat (2) jo. Pasal 40 ayat (2)",
                "max_penalty_years": 5,
                "region": "15.01",
                "opened_on": "2025-03-02"
            })),
            d(2026, 12, 7),
        )
        .expect("valid");
        let at = DateTime::from_timestamp(1_740_000_000, 0).expect("ts");
        let mut c = Case {
            id: CaseId(Uuid::nil()),
            number: "BP/1/III/2025/TNKS".into(),
            owner_agency_id: AgencyId(Uuid::nil()),
            law: input.law,
            title: input.title,
            summary: input.summary,
            offence: input.offence,
            region_code: input.region_code,
            opened_on: input.opened_on,
            stage: Stage::Laporan,
            stage_since: input.opened_on,
            facts: CaseFacts::default(),
            dates: CaseDates::default(),
            returns: 0,
            verdict: None,
            p21_on: None,
            verdict_on: None,
            next_due_on: None,
            reports: vec![],
            parties: vec![],
            version: 1,
            created_by: UserId(Uuid::nil()),
            created_at: at,
            updated_by: UserId(Uuid::nil()),
            updated_at: at,
        };
        c.refresh_next_due();
        c
    }

    fn doc(date: NaiveDate) -> StageDocument {
        StageDocument {
            number: Some("X/1".into()),
            date,
            notes: Some("lengkapi BAP saksi".into()),
        }
    }

    #[test]
    fn a_case_opened_before_2026_follows_the_1981_code_and_after_the_2025_one() {
        let c = case();
        assert_eq!(c.law, ProcedureCode::Kuhap1981);
        let later = CaseInput::from_body(
            &body(json!({
                "title": "Sabu 2 kg", "offence_kind": "narcotics", "offence_law": "UU 35/2009",
                "offence_article": "Pasal 114", "region": "15.71", "opened_on": "2026-01-02"
            })),
            d(2026, 12, 7),
        )
        .expect("valid");
        assert_eq!(later.law, ProcedureCode::Kuhap2025);
    }

    #[test]
    fn every_fault_of_a_new_case_is_named_at_once() {
        let e = CaseInput::from_body(
            &body(json!({
                "title": "", "offence_kind": "poaching", "max_penalty_years": 99,
                "region": "Jambi", "opened_on": "2027-01-01", "reports": ["x", "x"],
                "parties": [{"agency": "KEJARI-SPN", "role": "lead"}], "colour": "red"
            })),
            d(2026, 12, 7),
        )
        .expect_err("invalid");
        let f = fields(&e);
        for k in [
            "colour",
            "title",
            "offence_kind",
            "offence_law",
            "offence_article",
            "max_penalty_years",
            "region",
            "opened_on",
            "reports[0]",
            "reports[1]",
            "parties[0].role",
        ] {
            assert!(f.contains(&k.to_string()), "{k} in {f:?}");
        }
    }

    #[test]
    fn steps_move_the_dates_the_deadlines_count_from() {
        let c = case();
        assert_eq!(c.next_due_on, None, "a report has no deadline");
        let c = c.after_step(Stage::Penyidikan, &doc(d(2025, 3, 10)), None);
        // SPDP within 7 days of the investigation order.
        assert_eq!(c.next_due_on, Some(d(2025, 3, 17)));
        assert_eq!(c.urgency(d(2025, 3, 18), 3), Some(Urgency::Overdue));
        assert_eq!(c.urgency(d(2025, 3, 15), 3), Some(Urgency::DueSoon));
        let c = c
            .after_step(Stage::Spdp, &doc(d(2025, 3, 12)), None)
            .after_step(Stage::P16, &doc(d(2025, 3, 14)), None)
            .after_step(Stage::Tahap1, &doc(d(2025, 5, 2)), None);
        assert_eq!(
            c.next_due_on,
            Some(d(2025, 5, 9)),
            "7 days to say complete or not"
        );
        let c = c.after_step(Stage::P19, &doc(d(2025, 5, 12)), None);
        assert_eq!(c.returns, 1);
        assert_eq!(
            c.next_due_on,
            Some(d(2025, 5, 26)),
            "14 days to send it back"
        );
        let c = c
            .after_step(Stage::Tahap1, &doc(d(2025, 5, 20)), None)
            .after_step(Stage::P21, &doc(d(2025, 5, 27)), None);
        assert_eq!(c.p21_on, Some(d(2025, 5, 27)));
        assert_eq!(c.next_due_on, None);
        let c = c.after_step(
            Stage::Putusan,
            &doc(d(2025, 9, 1)),
            Some(Verdict::Convicted),
        );
        assert_eq!(c.verdict, Some(Verdict::Convicted));
        assert_eq!(c.next_due_on, Some(d(2025, 9, 8)), "7 days to appeal");
    }

    #[test]
    fn detention_is_a_deadline_until_the_case_ends() {
        let c = case().after_step(Stage::Penyidikan, &doc(d(2025, 3, 10)), None);
        let p = FactsPatch::from_body(
            &body(json!({"version": 1, "detention": {"authority": "investigator", "step": "initial", "started_on": "2025-03-01"}})),
            d(2025, 3, 12),
        )
        .expect("valid");
        let c = p.apply(&c);
        // 20 days from 1 March end on 20 March, before the SPDP's 17 March? No: SPDP first.
        assert_eq!(c.next_due_on, Some(d(2025, 3, 17)));
        let c = c.after_step(Stage::Spdp, &doc(d(2025, 3, 12)), None);
        assert_eq!(c.next_due_on, Some(d(2025, 3, 20)));
        let c = c.after_step(Stage::Sp3, &doc(d(2025, 3, 14)), None);
        assert_eq!(c.dates.detention, None);
        assert_eq!(c.next_due_on, None);
    }

    #[test]
    fn who_sees_and_writes_a_case() {
        use crate::user::Role;
        let mut c = case();
        let owner = AgencyId(Uuid::from_u128(1));
        let above = AgencyId(Uuid::from_u128(2));
        let court = AgencyId(Uuid::from_u128(3));
        let stranger = AgencyId(Uuid::from_u128(4));
        c.owner_agency_id = owner;
        c.parties.push(CaseParty {
            agency_id: court,
            role: PartyRole::Court,
        });
        let actor = |agency, role, below: Vec<AgencyId>| Actor {
            user_id: UserId(Uuid::nil()),
            username: "u".into(),
            agency_id: agency,
            role,
            agency_descendants: below,
        };
        assert!(c.visible_to(&actor(owner, Role::Analyst, vec![])));
        assert!(c.visible_to(&actor(above, Role::Analyst, vec![owner])));
        assert!(c.visible_to(&actor(court, Role::FieldOfficer, vec![])));
        assert!(!c.visible_to(&actor(stranger, Role::AgencyAdmin, vec![])));
        assert!(c.may_write(&actor(owner, Role::FieldOfficer, vec![])));
        assert!(!c.may_write(&actor(owner, Role::Analyst, vec![])));
        assert!(
            !c.may_write(&actor(court, Role::Coordinator, vec![])),
            "courts read"
        );
        assert!(!c.may_write(&actor(above, Role::Coordinator, vec![owner])));
        assert!(c.may_manage(&actor(owner, Role::Coordinator, vec![])));
        assert!(!c.may_manage(&actor(owner, Role::FieldOfficer, vec![])));
    }

    #[test]
    fn persons_are_checked_and_victim_facts_belong_to_victims() {
        let p = PersonInput::from_body(
            &body(json!({
                "role": "victim", "name": "Siti", "identity_number": "6107015505050001",
                "child": true, "origin_region": "61.07", "destination_country": "my",
                "repatriated_on": "2024-02-10", "border_post": "Entikong",
                "services": ["shelter", "health", "shelter"]
            })),
            d(2026, 12, 7),
        )
        .expect("valid");
        assert_eq!(p.victim.destination_country.as_deref(), Some("MY"));
        assert_eq!(p.services, vec![ServiceKind::Shelter, ServiceKind::Health]);
        assert_eq!(p.identity.fields().len(), 2);
        assert_eq!(format!("{:?}", p.identity), "Identity(…)");
        let e = PersonInput::from_body(
            &body(json!({"role": "witness", "name": "", "destination_country": "Malaysia", "handler": "x"})),
            d(2026, 12, 7),
        )
        .expect_err("invalid");
        let f = fields(&e);
        for k in ["name", "destination_country", "handler"] {
            assert!(f.contains(&k.to_string()), "{k} in {f:?}");
        }
        let e = PersonInput::from_body(
            &body(json!({"role": "witness", "name": "Budi", "origin_region": "61.07"})),
            d(2026, 12, 7),
        )
        .expect_err("victim facts");
        assert_eq!(fields(&e), vec!["role".to_string()]);
    }

    #[test]
    fn a_decrypt_needs_a_purpose_and_a_refusal_a_reason() {
        let e = decrypt_purpose(&body(json!({}))).expect_err("no purpose");
        assert_eq!(fields(&e), vec!["purpose".to_string()]);
        assert_eq!(e.errors[0].message.code(), Some("decrypt-purpose-required"));
        assert!(decrypt_purpose(&body(json!({"purpose": "pemanggilan saksi"}))).is_ok());
        let e = transfer_decision(&body(json!({"decision": "refuse"}))).expect_err("why");
        assert_eq!(fields(&e), vec!["note".to_string()]);
        assert_eq!(
            transfer_decision(&body(json!({"decision": "accept"}))).expect("ok"),
            (true, None)
        );
    }

    #[test]
    fn a_verdict_step_needs_its_outcome() {
        let e = StepInput::from_body(&body(
            json!({"version": 3, "stage": "putusan", "document": {"number": "12/Pid.B/2025/PN Spn", "date": "2025-09-01"}}),
        ))
        .expect_err("outcome");
        assert_eq!(fields(&e), vec!["verdict".to_string()]);
        let s = StepInput::from_body(&body(json!({"version": 3, "stage": "p21", "document": {"number": "B-1/P.5.11/Eku.1/05/2025", "date": "2025-05-27"}, "verdict": "convicted"}))).expect("ok");
        assert_eq!(s.verdict, None, "only a verdict keeps an outcome");
        let e = StepInput::from_body(&body(json!({"stage": "p22"}))).expect_err("bad");
        let f = fields(&e);
        assert!(f.contains(&"stage".to_string()) && f.contains(&"version".to_string()));
    }
}
