//! Cases in the store (ADR 31): a case row with its reports and parties, its stage steps,
//! the persons in it (a victim's, witness's or informant's identity as the sealed record's
//! JSON only), their service referrals, and transfers. A case's number is issued from its
//! agency's sequence of the year in the transaction that inserts it (gap-free, as
//! letters'). Every write is one transaction with its audit entry. Who sees what is
//! decided by the caller; lists take the agencies whose cases the caller sees.

use async_trait::async_trait;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sinergi_core::audit::NewAudit;
use sinergi_core::case::{
    Case, CaseFacts, CaseId, CaseParty, CaseTask, CustodyAction, CustodyEvent, CustodyId, Evidence,
    EvidenceId, Offence, OffenceKind, PartyRole, Person, PersonId, PersonShare, ProcedureCode,
    ServiceKind, ServiceReferral, ServiceStatus, Stage, StageDocument, StageEvent, StageEventId,
    TaskId, TaskKind, TaskStatus, Transfer, TransferId, TransferStatus, Verdict, VictimFacts,
};
use sinergi_core::ids::{AgencyId, AgreementId, AttachmentId, ReportId, UserId};
use sinergi_core::protect::{PersonRole, SealedRecord};
use sqlx::{QueryBuilder, Row};

use crate::backend::{corrupt, date_ms, from_ms, map_err, ms, PgStore, SqliteStore};
use crate::{Result, UpdateOutcome};

/// Which cases a list holds: those owned by one of `owners` or with `party` on them,
/// narrowed by the filters.
#[derive(Debug, Clone, Default)]
pub struct CaseQuery {
    pub owners: Vec<AgencyId>,
    pub party: Option<AgencyId>,
    /// A Kemendagri code prefix (`15`, `15.01`).
    pub region: Option<String>,
    pub offence: Option<OffenceKind>,
    pub stage: Option<Stage>,
    pub year: Option<i32>,
    /// Only cases whose earliest deadline is on or before this day.
    pub due_by: Option<NaiveDate>,
    pub limit: u32,
    pub offset: u32,
}

/// One cell of the enforcement funnel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunnelRow {
    pub agency_id: AgencyId,
    /// The regency or city (the first two parts of the case's region code).
    pub region_code: String,
    pub offence: OffenceKind,
    pub year: i32,
    /// Distinct registry reports the cases come from.
    pub reports: i64,
    pub cases: i64,
    pub p21: i64,
    pub verdicts: i64,
    pub convicted: i64,
    /// Cases that ended before trial (SP3, SKP2, restorative justice, rehabilitation,
    /// diversion, inquiry stopped).
    pub stopped: i64,
}

/// Days spent in a stage, over the steps that left it.
#[derive(Debug, Clone, PartialEq)]
pub struct StageTime {
    pub stage: Stage,
    pub steps: i64,
    pub mean_days: f64,
}

/// A count of victims by their plain facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VictimCount {
    pub origin_region: Option<String>,
    pub destination_country: Option<String>,
    /// `YYYY-MM` of the repatriation.
    pub month: Option<String>,
    pub children: i64,
    pub victims: i64,
}

/// A count of service referrals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceCount {
    pub service: ServiceKind,
    pub status: ServiceStatus,
    pub victims: i64,
}

/// What inserting a step found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepOutcome {
    Recorded,
    VersionMismatch(i64),
    NotFound,
    /// The document number is already used for this stage of the case.
    DocumentNumberUsed,
}

/// Cases, their steps, persons and transfers.
#[async_trait]
pub trait CaseStore: Send + Sync {
    /// Inserts a case numbered from its owner's sequence of the year it opened, with its
    /// reports and parties; `None`, with nothing written, when the id exists. Answers
    /// the number.
    async fn insert_case(
        &self,
        c: &Case,
        format: &str,
        agency_code: &str,
        audit: &NewAudit,
    ) -> Result<Option<String>>;
    async fn case(&self, id: CaseId) -> Result<Option<Case>>;
    /// Cases by `q`, the most recently opened first.
    async fn cases(&self, q: &CaseQuery) -> Result<Vec<Case>>;
    /// How many cases `q` matches (its limit and offset aside).
    async fn count_cases(&self, q: &CaseQuery) -> Result<i64>;
    /// Replaces the case's facts and dates if its version is `expected_version`.
    async fn update_case(
        &self,
        c: &Case,
        expected_version: i64,
        audit: &NewAudit,
    ) -> Result<UpdateOutcome>;
    /// Records a step: the event and the case after it, if the case's version is
    /// `expected_version`.
    async fn record_step(
        &self,
        c: &Case,
        expected_version: i64,
        e: &StageEvent,
        audit: &NewAudit,
    ) -> Result<StepOutcome>;
    /// A case's steps in the order they were recorded.
    async fn stage_events(&self, case: CaseId) -> Result<Vec<StageEvent>>;

    /// Inserts a person with their referrals; false, with nothing written, when the id
    /// exists.
    async fn insert_person(&self, p: &Person, audit: &NewAudit) -> Result<bool>;
    async fn person(&self, id: PersonId) -> Result<Option<Person>>;
    /// A case's persons in the order they were added.
    async fn persons(&self, case: CaseId) -> Result<Vec<Person>>;
    /// Shares a person's identity with an agency (replacing an earlier share with it);
    /// false, with nothing written, when the person is unknown or erased.
    async fn share_person(&self, s: &PersonShare, audit: &NewAudit) -> Result<bool>;
    /// Ends an agency's access to a person's identity; false when it had none.
    async fn unshare_person(
        &self,
        person: PersonId,
        agency: AgencyId,
        audit: &NewAudit,
    ) -> Result<bool>;
    /// The shares of the persons of a case, by person and agency.
    async fn person_shares(&self, case: CaseId) -> Result<Vec<PersonShare>>;
    /// Replaces a person's sealed record (a shred, a re-wrap); `shredded_at` when shred,
    /// which also removes every share of the person.
    async fn reseal_person(
        &self,
        id: PersonId,
        sealed: &SealedRecord,
        shredded_at: Option<DateTime<Utc>>,
        audit: &NewAudit,
    ) -> Result<bool>;
    /// Sets a victim's referral to a service.
    async fn set_service(
        &self,
        person: PersonId,
        r: &ServiceReferral,
        audit: &NewAudit,
    ) -> Result<bool>;

    /// Inserts a transfer request; false when the case already has one open.
    async fn insert_transfer(&self, t: &Transfer, audit: &NewAudit) -> Result<bool>;
    async fn transfer(&self, id: TransferId) -> Result<Option<Transfer>>;
    /// A case's transfers, the latest first.
    async fn case_transfers(&self, case: CaseId) -> Result<Vec<Transfer>>;
    /// The open transfers to `agency`, the oldest first.
    async fn incoming_transfers(&self, agency: AgencyId) -> Result<Vec<Transfer>>;
    /// Decides an open transfer. On acceptance the case's owner becomes the receiving
    /// agency (the old owner stays on it as supporting) and `resealed` replaces the
    /// persons' sealed records (re-wrapped for the receiver's key ring). False when the
    /// transfer is no longer open or the case changed since `case_version`.
    async fn decide_transfer(
        &self,
        t: &Transfer,
        case_version: i64,
        resealed: &[(PersonId, SealedRecord)],
        audit: &NewAudit,
    ) -> Result<bool>;

    /// Inserts many cases with their numbers as given (no sequence), their steps (each
    /// case's in order) and their persons, without audit entries or links, in one
    /// transaction: benchmarks only.
    async fn bulk_insert_cases(
        &self,
        cases: &[Case],
        events: &[StageEvent],
        persons: &[Person],
    ) -> Result<()>;

    /// The funnel of the cases `q` matches (its stage, due and paging aside).
    async fn funnel(&self, q: &CaseQuery) -> Result<Vec<FunnelRow>>;
    /// The mean days in each stage of the cases `q` matches.
    async fn stage_times(&self, q: &CaseQuery) -> Result<Vec<StageTime>>;
    /// Victims of the cases `q` matches, counted by origin, destination and month.
    async fn victim_counts(&self, q: &CaseQuery) -> Result<Vec<VictimCount>>;
    /// Victims' referrals of the cases `q` matches, counted by service and status.
    async fn service_counts(&self, q: &CaseQuery) -> Result<Vec<ServiceCount>>;
    /// The agencies owning a case with a sealed person, with the key ids in use.
    async fn sealing_keys(&self) -> Result<Vec<(AgencyId, String)>>;
    /// The cases whose earliest deadline is on or before `until` and whose reminder of
    /// `level` for that deadline was not sent, the soonest first, at most `limit`.
    async fn cases_to_remind(&self, level: &str, until: NaiveDate, limit: u32)
        -> Result<Vec<Case>>;
    /// Records the reminder of `level` for the case's earliest deadline `due` with its
    /// notices and audit entry in one transaction; false, with nothing written, when it was
    /// sent before.
    async fn record_case_reminder(
        &self,
        case: CaseId,
        level: &str,
        due: NaiveDate,
        at: DateTime<Utc>,
        sent: (&[crate::Notification], &[crate::mail::Mail]),
        audit: &NewAudit,
    ) -> Result<bool>;
    /// Inserts an evidence item with its seizure (the first step of its chain); false,
    /// with nothing written, when the id exists.
    async fn insert_evidence(&self, e: &Evidence, audit: &NewAudit) -> Result<bool>;
    /// Adds a step to an item's chain; false, with nothing written, when a step with its
    /// number exists (someone added one meanwhile).
    async fn add_custody(&self, step: &CustodyEvent, audit: &NewAudit) -> Result<bool>;
    async fn evidence_item(&self, id: EvidenceId) -> Result<Option<Evidence>>;
    /// A case's items with their chains, in the order they were added.
    async fn evidence(&self, case: CaseId) -> Result<Vec<Evidence>>;
    async fn insert_task(&self, t: &CaseTask, audit: &NewAudit) -> Result<bool>;
    async fn task(&self, id: TaskId) -> Result<Option<CaseTask>>;
    /// A case's tasks, the latest first.
    async fn case_tasks(&self, case: CaseId) -> Result<Vec<CaseTask>>;
    /// The tasks asked of an agency, the open ones first, then the latest.
    async fn tasks_for(&self, agency: AgencyId) -> Result<Vec<CaseTask>>;
    /// Records a task's answer; false, with nothing written, when it was answered.
    async fn answer_task(&self, t: &CaseTask, audit: &NewAudit) -> Result<bool>;
    /// An agency's own case-number format, if it set one.
    async fn case_number_format(&self, agency: AgencyId) -> Result<Option<String>>;
    /// Sets an agency's case-number format.
    async fn set_case_number_format(
        &self,
        agency: AgencyId,
        format: &str,
        by: UserId,
        at: DateTime<Utc>,
        audit: &NewAudit,
    ) -> Result<()>;
    /// The roles an agency named to open protected identities; `None`: never set.
    async fn decrypt_roles(&self, agency: AgencyId) -> Result<Option<Vec<String>>>;
    /// Names the roles that open an agency's protected identities.
    async fn set_decrypt_roles(
        &self,
        agency: AgencyId,
        roles: &[String],
        by: UserId,
        at: DateTime<Utc>,
        audit: &NewAudit,
    ) -> Result<()>;
}

/// The regency or city of a region code: its first two parts (a province's code as is).
fn regency(code: &str) -> String {
    code.split('.').take(2).collect::<Vec<_>>().join(".")
}

fn date_of(v: i64) -> Result<NaiveDate> {
    Ok(from_ms(v)?.date_naive())
}

fn opt_date(v: Option<i64>) -> Result<Option<NaiveDate>> {
    v.map(date_of).transpose()
}

fn json<T: serde::Serialize>(v: &T, what: &str) -> Result<String> {
    serde_json::to_string(v).map_err(|_| corrupt(what))
}

fn stage(s: &str) -> Result<Stage> {
    Stage::parse(s).ok_or_else(|| corrupt("case stage"))
}

fn verdict(s: Option<String>) -> Result<Option<Verdict>> {
    s.map(|v| Verdict::parse(&v).ok_or_else(|| corrupt("case verdict")))
        .transpose()
}

const CASE_COLUMNS: &str = "c.id, c.number, c.owner_agency_id, c.law, c.title, c.summary, c.offence_kind, \
    c.offence_law, c.offence_article, c.max_penalty_years, c.region_code, c.opened_on, c.stage, c.stage_since, \
    c.facts, c.dates, c.returns, c.verdict, c.p21_on, c.verdict_on, c.next_due_on, c.version, c.created_by, \
    c.created_at, c.updated_by, c.updated_at";
const EVENT_COLUMNS: &str =
    "id, case_id, from_stage, to_stage, doc_number, doc_date, notes, verdict, scan_id, \
    recorded_by, recorded_at";
const PERSON_COLUMNS: &str = "id, case_id, role, suspect_name, suspect_identity, sealed, child, origin_region, \
    destination_country, repatriated_on, border_post, handler_id, created_by, created_at, shredded_at";
const TRANSFER_COLUMNS: &str =
    "id, case_id, from_agency_id, to_agency_id, note, status, requested_by, \
    requested_at, decided_by, decided_at, decision_note";

const TASK_COLUMNS: &str =
    "id, case_id, from_agency_id, to_agency_id, kind, what, due_on, status, result, \
    requested_by, requested_at, answered_by, answered_at";
const EVIDENCE_COLUMNS: &str = "id, case_id, description, quantity, created_by, created_at";
const CUSTODY_COLUMNS: &str =
    "id, evidence_id, seq, action, on_day, holder, document_number, note, recorded_by, \
    recorded_at";

/// Stages that end a case before trial, for the funnel.
const STOPPED: &str = "('sp2lid','sp3','skp2','keadilan_restoratif','rehabilitasi','diversi')";

macro_rules! cases_impl {
    ($Store:ident, $DB:ty, $Row:ty, $m:ident) => {
        use super::*;
        use crate::audit::$m::AuditedTx;

        type Conn = <$DB as sqlx::Database>::Connection;

        fn case_from_row(row: &$Row) -> Result<Case> {
            let law: String = row.try_get("law")?;
            let kind: String = row.try_get("offence_kind")?;
            let penalty: Option<i64> = row.try_get("max_penalty_years")?;
            let facts: String = row.try_get("facts")?;
            let dates: String = row.try_get("dates")?;
            let returns: i64 = row.try_get("returns")?;
            Ok(Case {
                id: CaseId(row.try_get("id")?),
                number: row.try_get("number")?,
                owner_agency_id: AgencyId(row.try_get("owner_agency_id")?),
                law: ProcedureCode::parse(&law).ok_or_else(|| corrupt("case law"))?,
                title: row.try_get("title")?,
                summary: row.try_get("summary")?,
                offence: Offence {
                    kind: OffenceKind::parse(&kind).ok_or_else(|| corrupt("offence kind"))?,
                    law: row.try_get("offence_law")?,
                    article: row.try_get("offence_article")?,
                    max_penalty_years: penalty
                        .map(|p| u32::try_from(p).map_err(|_| corrupt("case penalty")))
                        .transpose()?,
                },
                region_code: row.try_get("region_code")?,
                opened_on: date_of(row.try_get("opened_on")?)?,
                stage: stage(&row.try_get::<String, _>("stage")?)?,
                stage_since: date_of(row.try_get("stage_since")?)?,
                facts: serde_json::from_str::<CaseFacts>(&facts).map_err(|_| corrupt("case facts"))?,
                dates: serde_json::from_str(&dates).map_err(|_| corrupt("case dates"))?,
                returns: u32::try_from(returns).map_err(|_| corrupt("case returns"))?,
                verdict: verdict(row.try_get("verdict")?)?,
                p21_on: opt_date(row.try_get("p21_on")?)?,
                verdict_on: opt_date(row.try_get("verdict_on")?)?,
                next_due_on: opt_date(row.try_get("next_due_on")?)?,
                reports: Vec::new(),
                parties: Vec::new(),
                version: row.try_get("version")?,
                created_by: UserId(row.try_get("created_by")?),
                created_at: from_ms(row.try_get("created_at")?)?,
                updated_by: UserId(row.try_get("updated_by")?),
                updated_at: from_ms(row.try_get("updated_at")?)?,
            })
        }

        fn event_from_row(row: &$Row) -> Result<StageEvent> {
            let scan: Option<uuid::Uuid> = row.try_get("scan_id")?;
            Ok(StageEvent {
                id: StageEventId(row.try_get("id")?),
                case_id: CaseId(row.try_get("case_id")?),
                from: stage(&row.try_get::<String, _>("from_stage")?)?,
                to: stage(&row.try_get::<String, _>("to_stage")?)?,
                document: StageDocument {
                    number: row.try_get("doc_number")?,
                    date: date_of(row.try_get("doc_date")?)?,
                    notes: row.try_get("notes")?,
                },
                verdict: verdict(row.try_get("verdict")?)?,
                scan: scan.map(AttachmentId),
                recorded_by: UserId(row.try_get("recorded_by")?),
                recorded_at: from_ms(row.try_get("recorded_at")?)?,
            })
        }

        fn share_from_row(row: &$Row) -> Result<PersonShare> {
            let grant: String = row.try_get("key_grant")?;
            Ok(PersonShare {
                person_id: PersonId(row.try_get("person_id")?),
                agency_id: AgencyId(row.try_get("agency_id")?),
                agreement_id: AgreementId(row.try_get("agreement_id")?),
                grant: serde_json::from_str(&grant).map_err(|_| corrupt("key grant"))?,
                purpose: row.try_get("purpose")?,
                shared_by: UserId(row.try_get("shared_by")?),
                shared_at: from_ms(row.try_get("shared_at")?)?,
            })
        }

        fn person_from_row(row: &$Row) -> Result<Person> {
            let role: String = row.try_get("role")?;
            let sealed: Option<String> = row.try_get("sealed")?;
            let child: i64 = row.try_get("child")?;
            let handler: Option<uuid::Uuid> = row.try_get("handler_id")?;
            let shredded: Option<i64> = row.try_get("shredded_at")?;
            Ok(Person {
                id: PersonId(row.try_get("id")?),
                case_id: CaseId(row.try_get("case_id")?),
                role: PersonRole::parse(&role).ok_or_else(|| corrupt("person role"))?,
                suspect_name: row.try_get("suspect_name")?,
                suspect_identity: row.try_get("suspect_identity")?,
                sealed: sealed
                    .map(|s| serde_json::from_str(&s).map_err(|_| corrupt("sealed person")))
                    .transpose()?,
                child: child != 0,
                victim: VictimFacts {
                    origin_region: row.try_get("origin_region")?,
                    destination_country: row.try_get("destination_country")?,
                    repatriated_on: opt_date(row.try_get("repatriated_on")?)?,
                    border_post: row.try_get("border_post")?,
                },
                services: Vec::new(),
                handler_id: handler.map(UserId),
                created_by: UserId(row.try_get("created_by")?),
                created_at: from_ms(row.try_get("created_at")?)?,
                shredded_at: shredded.map(from_ms).transpose()?,
            })
        }

        fn transfer_from_row(row: &$Row) -> Result<Transfer> {
            let status: String = row.try_get("status")?;
            let decided_by: Option<uuid::Uuid> = row.try_get("decided_by")?;
            let decided_at: Option<i64> = row.try_get("decided_at")?;
            Ok(Transfer {
                id: TransferId(row.try_get("id")?),
                case_id: CaseId(row.try_get("case_id")?),
                from_agency_id: AgencyId(row.try_get("from_agency_id")?),
                to_agency_id: AgencyId(row.try_get("to_agency_id")?),
                note: row.try_get("note")?,
                status: TransferStatus::parse(&status).ok_or_else(|| corrupt("transfer status"))?,
                requested_by: UserId(row.try_get("requested_by")?),
                requested_at: from_ms(row.try_get("requested_at")?)?,
                decided_by: decided_by.map(UserId),
                decided_at: decided_at.map(from_ms).transpose()?,
                decision_note: row.try_get("decision_note")?,
            })
        }

        /// Fills the reports and parties of `cases`.
        async fn with_links(pool: &sqlx::Pool<$DB>, mut cases: Vec<Case>) -> Result<Vec<Case>> {
            if cases.is_empty() {
                return Ok(cases);
            }
            let mut qb = QueryBuilder::<$DB>::new("SELECT case_id, report_id FROM case_reports WHERE case_id IN (");
            let mut sep = qb.separated(", ");
            for c in &cases {
                sep.push_bind(c.id.0);
            }
            qb.push(") ORDER BY case_id, report_id");
            let reports = qb.build().fetch_all(pool).await?;
            let mut qb = QueryBuilder::<$DB>::new("SELECT case_id, agency_id, role FROM case_parties WHERE case_id IN (");
            let mut sep = qb.separated(", ");
            for c in &cases {
                sep.push_bind(c.id.0);
            }
            qb.push(") ORDER BY case_id, role, agency_id");
            let parties = qb.build().fetch_all(pool).await?;
            let index: std::collections::HashMap<uuid::Uuid, usize> =
                cases.iter().enumerate().map(|(i, c)| (c.id.0, i)).collect();
            for r in &reports {
                let id: uuid::Uuid = r.try_get("case_id")?;
                if let Some(&i) = index.get(&id) {
                    cases[i].reports.push(ReportId(r.try_get("report_id")?));
                }
            }
            for r in &parties {
                let id: uuid::Uuid = r.try_get("case_id")?;
                let role: String = r.try_get("role")?;
                if let Some(&i) = index.get(&id) {
                    cases[i].parties.push(CaseParty {
                        agency_id: AgencyId(r.try_get("agency_id")?),
                        role: PartyRole::parse(&role).ok_or_else(|| corrupt("party role"))?,
                    });
                }
            }
            Ok(cases)
        }

        async fn with_services(pool: &sqlx::Pool<$DB>, mut persons: Vec<Person>) -> Result<Vec<Person>> {
            if persons.is_empty() {
                return Ok(persons);
            }
            let mut qb = QueryBuilder::<$DB>::new("SELECT person_id, service, status, since FROM case_services WHERE person_id IN (");
            let mut sep = qb.separated(", ");
            for p in &persons {
                sep.push_bind(p.id.0);
            }
            qb.push(") ORDER BY person_id, service");
            let rows = qb.build().fetch_all(pool).await?;
            for r in &rows {
                let id: uuid::Uuid = r.try_get("person_id")?;
                let service: String = r.try_get("service")?;
                let status: String = r.try_get("status")?;
                if let Some(p) = persons.iter_mut().find(|p| p.id.0 == id) {
                    p.services.push(ServiceReferral {
                        service: ServiceKind::parse(&service).ok_or_else(|| corrupt("service"))?,
                        status: ServiceStatus::parse(&status).ok_or_else(|| corrupt("service status"))?,
                        since: date_of(r.try_get("since")?)?,
                    });
                }
            }
            Ok(persons)
        }

        /// The filters of `q` beyond who sees (region, offence, year), as ` AND …`.
        fn push_filters<'a>(qb: &mut QueryBuilder<'a, $DB>, q: &'a CaseQuery) {
            if let Some(r) = &q.region {
                qb.push(" AND (c.region_code = ")
                    .push_bind(r.as_str())
                    .push(" OR c.region_code LIKE ")
                    .push_bind(format!("{r}.%"))
                    .push(")");
            }
            if let Some(k) = q.offence {
                qb.push(" AND c.offence_kind = ").push_bind(k.as_str());
            }
            if let Some(y) = q.year {
                qb.push(" AND c.opened_year = ").push_bind(i64::from(y));
            }
        }

        fn push_owner_list<'a>(qb: &mut QueryBuilder<'a, $DB>, q: &'a CaseQuery) {
            qb.push("(");
            let mut sep = qb.separated(", ");
            // An empty list matches nothing: a nil id owns no case.
            sep.push_bind(uuid::Uuid::nil());
            for a in &q.owners {
                sep.push_bind(a.0);
            }
            qb.push(")");
        }

        /// The owned branch of a scope: ` WHERE c.owner_agency_id IN (…) AND filters`.
        fn push_owned<'a>(qb: &mut QueryBuilder<'a, $DB>, q: &'a CaseQuery) {
            qb.push(" WHERE c.owner_agency_id IN ");
            push_owner_list(qb, q);
            push_filters(qb, q);
        }

        /// The party branch: cases `q.party` is on and does not own (through an agency
        /// of `q.owners`); answers false when `q` has no party.
        fn push_party<'a>(qb: &mut QueryBuilder<'a, $DB>, q: &'a CaseQuery) -> bool {
            let Some(p) = q.party else { return false };
            qb.push(" JOIN case_parties pp ON pp.case_id = c.id WHERE pp.agency_id = ")
                .push_bind(p.0)
                .push(" AND c.owner_agency_id NOT IN ");
            push_owner_list(qb, q);
            push_filters(qb, q);
            true
        }

        /// Adds `steps` steps and `total_ms` days (in milliseconds) spent in `stage` to the
        /// totals of the case's owner, regency, year and offence.
        #[allow(clippy::too_many_arguments)]
        async fn add_stage_totals(
            tx: &mut Conn,
            owner: AgencyId,
            region_code: &str,
            opened_year: i64,
            offence: &str,
            stage: &str,
            steps: i64,
            total_ms: i64,
        ) -> Result<()> {
            sqlx::query(
                "INSERT INTO case_stage_totals (owner_agency_id, regency, opened_year, offence_kind, stage, steps, total_ms) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (owner_agency_id, regency, opened_year, offence_kind, stage) \
                 DO UPDATE SET steps = case_stage_totals.steps + excluded.steps, \
                 total_ms = case_stage_totals.total_ms + excluded.total_ms",
            )
            .bind(owner.0)
            .bind(regency(region_code))
            .bind(opened_year)
            .bind(offence)
            .bind(stage)
            .bind(steps)
            .bind(total_ms)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
            Ok(())
        }

        /// `WHERE …` of a case query on `cases c` (no paging).
        fn push_scope<'a>(qb: &mut QueryBuilder<'a, $DB>, q: &'a CaseQuery, with_due: bool) {
            qb.push(" WHERE (c.owner_agency_id IN ");
            push_owner_list(qb, q);
            if let Some(p) = q.party {
                qb.push(" OR c.id IN (SELECT case_id FROM case_parties WHERE agency_id = ")
                    .push_bind(p.0)
                    .push(")");
            }
            qb.push(")");
            push_filters(qb, q);
            if with_due {
                if let Some(s) = q.stage {
                    qb.push(" AND c.stage = ").push_bind(s.as_str());
                }
                if let Some(d) = q.due_by {
                    qb.push(" AND c.next_due_on IS NOT NULL AND c.next_due_on <= ")
                        .push_bind(date_ms(d));
                }
            }
        }

        fn task_from_row(row: &$Row) -> Result<CaseTask> {
            let kind: String = row.try_get("kind")?;
            let status: String = row.try_get("status")?;
            let by: Option<uuid::Uuid> = row.try_get("answered_by")?;
            let at: Option<i64> = row.try_get("answered_at")?;
            Ok(CaseTask {
                id: TaskId(row.try_get("id")?),
                case_id: CaseId(row.try_get("case_id")?),
                from_agency_id: AgencyId(row.try_get("from_agency_id")?),
                to_agency_id: AgencyId(row.try_get("to_agency_id")?),
                kind: TaskKind::parse(&kind).ok_or_else(|| corrupt("task kind"))?,
                what: row.try_get("what")?,
                due_on: opt_date(row.try_get("due_on")?)?,
                status: TaskStatus::parse(&status).ok_or_else(|| corrupt("task status"))?,
                result: row.try_get("result")?,
                requested_by: UserId(row.try_get("requested_by")?),
                requested_at: from_ms(row.try_get("requested_at")?)?,
                answered_by: by.map(UserId),
                answered_at: at.map(from_ms).transpose()?,
            })
        }

        fn evidence_from_row(row: &$Row) -> Result<Evidence> {
            Ok(Evidence {
                id: EvidenceId(row.try_get("id")?),
                case_id: CaseId(row.try_get("case_id")?),
                description: row.try_get("description")?,
                quantity: row.try_get("quantity")?,
                chain: Vec::new(),
                created_by: UserId(row.try_get("created_by")?),
                created_at: from_ms(row.try_get("created_at")?)?,
            })
        }

        async fn with_chains(pool: &sqlx::Pool<$DB>, mut items: Vec<Evidence>) -> Result<Vec<Evidence>> {
            if items.is_empty() {
                return Ok(items);
            }
            let mut qb = QueryBuilder::<$DB>::new(format!("SELECT {CUSTODY_COLUMNS} FROM case_custody WHERE evidence_id IN ("));
            let mut sep = qb.separated(", ");
            for e in &items {
                sep.push_bind(e.id.0);
            }
            qb.push(") ORDER BY evidence_id, seq");
            for r in qb.build().fetch_all(pool).await? {
                let action: String = r.try_get("action")?;
                let step = CustodyEvent {
                    id: CustodyId(r.try_get("id")?),
                    evidence_id: EvidenceId(r.try_get("evidence_id")?),
                    seq: r.try_get("seq")?,
                    action: CustodyAction::parse(&action).ok_or_else(|| corrupt("custody action"))?,
                    on: date_of(r.try_get("on_day")?)?,
                    holder: r.try_get("holder")?,
                    document_number: r.try_get("document_number")?,
                    note: r.try_get("note")?,
                    recorded_by: UserId(r.try_get("recorded_by")?),
                    recorded_at: from_ms(r.try_get("recorded_at")?)?,
                };
                if let Some(e) = items.iter_mut().find(|e| e.id == step.evidence_id) {
                    e.chain.push(step);
                }
            }
            Ok(items)
        }

        async fn insert_custody(tx: &mut Conn, s: &CustodyEvent) -> Result<()> {
            sqlx::query(
                "INSERT INTO case_custody (id, evidence_id, seq, action, on_day, holder, document_number, note, \
                 recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(s.id.0)
            .bind(s.evidence_id.0)
            .bind(s.seq)
            .bind(s.action.as_str())
            .bind(date_ms(s.on))
            .bind(&s.holder)
            .bind(&s.document_number)
            .bind(&s.note)
            .bind(s.recorded_by.0)
            .bind(ms(s.recorded_at))
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
            Ok(())
        }

        async fn write_case_row(tx: &mut Conn, c: &Case, expected_version: i64) -> Result<u64> {
            let res = sqlx::query(
                "UPDATE cases SET owner_agency_id = $1, stage = $2, stage_since = $3, facts = $4, dates = $5, \
                 returns = $6, verdict = $7, p21_on = $8, verdict_on = $9, next_due_on = $10, version = $11, \
                 updated_by = $12, updated_at = $13 WHERE id = $14 AND version = $15",
            )
            .bind(c.owner_agency_id.0)
            .bind(c.stage.as_str())
            .bind(date_ms(c.stage_since))
            .bind(json(&c.facts, "case facts")?)
            .bind(json(&c.dates, "case dates")?)
            .bind(i64::from(c.returns))
            .bind(c.verdict.map(|v| v.as_str()))
            .bind(c.p21_on.map(date_ms))
            .bind(c.verdict_on.map(date_ms))
            .bind(c.next_due_on.map(date_ms))
            .bind(c.version)
            .bind(c.updated_by.0)
            .bind(ms(c.updated_at))
            .bind(c.id.0)
            .bind(expected_version)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
            Ok(res.rows_affected())
        }

        async fn current_version(tx: &mut Conn, id: CaseId) -> Result<Option<i64>> {
            Ok(sqlx::query_scalar("SELECT version FROM cases WHERE id = $1")
                .bind(id.0)
                .fetch_optional(&mut *tx)
                .await?)
        }

        #[async_trait]
        impl CaseStore for $Store {
            async fn insert_case(
                &self,
                c: &Case,
                format: &str,
                agency_code: &str,
                audit: &NewAudit,
            ) -> Result<Option<String>> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let exists: Option<uuid::Uuid> = sqlx::query_scalar("SELECT id FROM cases WHERE id = $1")
                    .bind(c.id.0)
                    .fetch_optional(&mut *tx)
                    .await?;
                if exists.is_some() {
                    tx.rollback().await?;
                    return Ok(None);
                }
                let year = i64::from(c.opened_on.year());
                let seq: i64 = sqlx::query_scalar(
                    "INSERT INTO case_sequences (agency_id, year, last) VALUES ($1, $2, 1) \
                     ON CONFLICT (agency_id, year) DO UPDATE SET last = case_sequences.last + 1 RETURNING last",
                )
                .bind(c.owner_agency_id.0)
                .bind(year)
                .fetch_one(&mut *tx)
                .await
                .map_err(map_err)?;
                let number = sinergi_core::case::render_number(format, seq, c.opened_on, agency_code);
                sqlx::query(
                    "INSERT INTO cases (id, number, owner_agency_id, law, title, summary, offence_kind, offence_law, \
                     offence_article, max_penalty_years, region_code, opened_on, opened_year, stage, stage_since, facts, \
                     dates, returns, verdict, p21_on, verdict_on, next_due_on, version, created_by, created_at, \
                     updated_by, updated_at, report_count) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, \
                     $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28)",
                )
                .bind(c.id.0)
                .bind(&number)
                .bind(c.owner_agency_id.0)
                .bind(c.law.as_str())
                .bind(&c.title)
                .bind(&c.summary)
                .bind(c.offence.kind.as_str())
                .bind(&c.offence.law)
                .bind(&c.offence.article)
                .bind(c.offence.max_penalty_years.map(i64::from))
                .bind(&c.region_code)
                .bind(date_ms(c.opened_on))
                .bind(year)
                .bind(c.stage.as_str())
                .bind(date_ms(c.stage_since))
                .bind(json(&c.facts, "case facts")?)
                .bind(json(&c.dates, "case dates")?)
                .bind(i64::from(c.returns))
                .bind(c.verdict.map(|v| v.as_str()))
                .bind(c.p21_on.map(date_ms))
                .bind(c.verdict_on.map(date_ms))
                .bind(c.next_due_on.map(date_ms))
                .bind(c.version)
                .bind(c.created_by.0)
                .bind(ms(c.created_at))
                .bind(c.updated_by.0)
                .bind(ms(c.updated_at))
                .bind(c.reports.len() as i64)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                for r in &c.reports {
                    sqlx::query("INSERT INTO case_reports (case_id, report_id) VALUES ($1, $2)")
                        .bind(c.id.0)
                        .bind(r.0)
                        .execute(&mut *tx)
                        .await
                        .map_err(map_err)?;
                }
                for p in &c.parties {
                    sqlx::query("INSERT INTO case_parties (case_id, agency_id, role) VALUES ($1, $2, $3)")
                        .bind(c.id.0)
                        .bind(p.agency_id.0)
                        .bind(p.role.as_str())
                        .execute(&mut *tx)
                        .await
                        .map_err(map_err)?;
                }
                tx.commit().await?;
                Ok(Some(number))
            }

            async fn case(&self, id: CaseId) -> Result<Option<Case>> {
                let row = sqlx::query(&format!("SELECT {CASE_COLUMNS} FROM cases c WHERE c.id = $1"))
                    .bind(id.0)
                    .fetch_optional(&self.read)
                    .await?;
                let Some(row) = row else { return Ok(None) };
                let c = case_from_row(&row)?;
                Ok(with_links(&self.read, vec![c]).await?.pop())
            }

            async fn cases(&self, q: &CaseQuery) -> Result<Vec<Case>> {
                let mut qb = QueryBuilder::<$DB>::new(format!("SELECT {CASE_COLUMNS} FROM cases c"));
                push_scope(&mut qb, q, true);
                if q.due_by.is_some() {
                    qb.push(" ORDER BY c.next_due_on, c.id");
                } else {
                    qb.push(" ORDER BY c.opened_on DESC, c.id DESC");
                }
                qb.push(" LIMIT ").push_bind(i64::from(q.limit.max(1)));
                qb.push(" OFFSET ").push_bind(i64::from(q.offset));
                let rows = qb.build().fetch_all(&self.read).await?;
                let cases = rows.iter().map(case_from_row).collect::<Result<Vec<_>>>()?;
                with_links(&self.read, cases).await
            }

            async fn count_cases(&self, q: &CaseQuery) -> Result<i64> {
                let mut qb = QueryBuilder::<$DB>::new("SELECT COUNT(*) FROM cases c");
                push_scope(&mut qb, q, true);
                Ok(qb.build_query_scalar::<i64>().fetch_one(&self.read).await?)
            }

            async fn update_case(&self, c: &Case, expected_version: i64, audit: &NewAudit) -> Result<UpdateOutcome> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                if write_case_row(&mut tx, c, expected_version).await? == 0 {
                    let v = current_version(&mut tx, c.id).await?;
                    tx.rollback().await?;
                    return Ok(match v {
                        Some(v) => UpdateOutcome::VersionMismatch(v),
                        None => UpdateOutcome::NotFound,
                    });
                }
                tx.commit().await?;
                Ok(UpdateOutcome::Updated)
            }

            async fn record_step(
                &self,
                c: &Case,
                expected_version: i64,
                e: &StageEvent,
                audit: &NewAudit,
            ) -> Result<StepOutcome> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                // The day the case entered the stage it leaves, before the row changes.
                let from_since: Option<i64> = sqlx::query_scalar("SELECT stage_since FROM cases WHERE id = $1")
                    .bind(c.id.0)
                    .fetch_optional(&mut *tx)
                    .await?;
                if write_case_row(&mut tx, c, expected_version).await? == 0 {
                    let v = current_version(&mut tx, c.id).await?;
                    tx.rollback().await?;
                    return Ok(match v {
                        Some(v) => StepOutcome::VersionMismatch(v),
                        None => StepOutcome::NotFound,
                    });
                }
                if let Some(n) = &e.document.number {
                    let used: Option<uuid::Uuid> = sqlx::query_scalar(
                        "SELECT id FROM case_stage_events WHERE case_id = $1 AND to_stage = $2 AND doc_number = $3",
                    )
                    .bind(e.case_id.0)
                    .bind(e.to.as_str())
                    .bind(n)
                    .fetch_optional(&mut *tx)
                    .await?;
                    if used.is_some() {
                        tx.rollback().await?;
                        return Ok(StepOutcome::DocumentNumberUsed);
                    }
                }
                let seq: i64 = sqlx::query_scalar(
                    "SELECT COALESCE(MAX(seq), 0) + 1 FROM case_stage_events WHERE case_id = $1",
                )
                .bind(e.case_id.0)
                .fetch_one(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO case_stage_events (id, case_id, seq, from_stage, to_stage, doc_number, doc_date, from_since, \
                     notes, verdict, scan_id, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                )
                .bind(e.id.0)
                .bind(e.case_id.0)
                .bind(seq)
                .bind(e.from.as_str())
                .bind(e.to.as_str())
                .bind(&e.document.number)
                .bind(date_ms(e.document.date))
                .bind(from_since.unwrap_or_else(|| date_ms(e.document.date)))
                .bind(&e.document.notes)
                .bind(e.verdict.map(|v| v.as_str()))
                .bind(e.scan.map(|s| s.0))
                .bind(e.recorded_by.0)
                .bind(ms(e.recorded_at))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                let since = from_since.unwrap_or_else(|| date_ms(e.document.date));
                add_stage_totals(
                    &mut tx,
                    c.owner_agency_id,
                    &c.region_code,
                    i64::from(c.opened_on.year()),
                    c.offence.kind.as_str(),
                    e.from.as_str(),
                    1,
                    date_ms(e.document.date) - since,
                )
                .await?;
                tx.commit().await?;
                Ok(StepOutcome::Recorded)
            }

            async fn stage_events(&self, case: CaseId) -> Result<Vec<StageEvent>> {
                sqlx::query(&format!(
                    "SELECT {EVENT_COLUMNS} FROM case_stage_events WHERE case_id = $1 ORDER BY seq"
                ))
                .bind(case.0)
                .fetch_all(&self.read)
                .await?
                .iter()
                .map(event_from_row)
                .collect()
            }

            async fn insert_person(&self, p: &Person, audit: &NewAudit) -> Result<bool> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let res = sqlx::query(
                    "INSERT INTO case_persons (id, case_id, role, suspect_name, suspect_identity, sealed, key_id, child, \
                     origin_region, destination_country, repatriated_on, border_post, handler_id, created_by, created_at, \
                     shredded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
                     ON CONFLICT (id) DO NOTHING",
                )
                .bind(p.id.0)
                .bind(p.case_id.0)
                .bind(p.role.as_str())
                .bind(&p.suspect_name)
                .bind(&p.suspect_identity)
                .bind(p.sealed.as_ref().map(|s| json(s, "sealed person")).transpose()?)
                .bind(p.sealed.as_ref().map(|s| s.key_id.clone()))
                .bind(i64::from(p.child))
                .bind(&p.victim.origin_region)
                .bind(&p.victim.destination_country)
                .bind(p.victim.repatriated_on.map(date_ms))
                .bind(&p.victim.border_post)
                .bind(p.handler_id.map(|u| u.0))
                .bind(p.created_by.0)
                .bind(ms(p.created_at))
                .bind(p.shredded_at.map(ms))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                if res.rows_affected() == 0 {
                    tx.rollback().await?;
                    return Ok(false);
                }
                for s in &p.services {
                    sqlx::query("INSERT INTO case_services (person_id, service, status, since) VALUES ($1, $2, $3, $4)")
                        .bind(p.id.0)
                        .bind(s.service.as_str())
                        .bind(s.status.as_str())
                        .bind(date_ms(s.since))
                        .execute(&mut *tx)
                        .await
                        .map_err(map_err)?;
                }
                tx.commit().await?;
                Ok(true)
            }

            async fn person(&self, id: PersonId) -> Result<Option<Person>> {
                let row = sqlx::query(&format!("SELECT {PERSON_COLUMNS} FROM case_persons WHERE id = $1"))
                    .bind(id.0)
                    .fetch_optional(&self.read)
                    .await?;
                let Some(row) = row else { return Ok(None) };
                Ok(with_services(&self.read, vec![person_from_row(&row)?]).await?.pop())
            }

            async fn persons(&self, case: CaseId) -> Result<Vec<Person>> {
                let rows = sqlx::query(&format!(
                    "SELECT {PERSON_COLUMNS} FROM case_persons WHERE case_id = $1 ORDER BY created_at, id"
                ))
                .bind(case.0)
                .fetch_all(&self.read)
                .await?;
                let persons = rows.iter().map(person_from_row).collect::<Result<Vec<_>>>()?;
                with_services(&self.read, persons).await
            }

            async fn reseal_person(
                &self,
                id: PersonId,
                sealed: &SealedRecord,
                shredded_at: Option<DateTime<Utc>>,
                audit: &NewAudit,
            ) -> Result<bool> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let res = sqlx::query(
                    "UPDATE case_persons SET sealed = $1, key_id = $2, shredded_at = COALESCE($3, shredded_at) \
                     WHERE id = $4 AND sealed IS NOT NULL",
                )
                .bind(json(sealed, "sealed person")?)
                .bind(&sealed.key_id)
                .bind(shredded_at.map(ms))
                .bind(id.0)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                if res.rows_affected() == 0 {
                    tx.rollback().await?;
                    return Ok(false);
                }
                if shredded_at.is_some() {
                    sqlx::query("DELETE FROM case_person_shares WHERE person_id = $1")
                        .bind(id.0)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(true)
            }

            async fn share_person(&self, s: &PersonShare, audit: &NewAudit) -> Result<bool> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let res = sqlx::query(
                    "INSERT INTO case_person_shares (person_id, agency_id, agreement_id, key_grant, purpose, shared_by, shared_at) \
                     SELECT $1, $2, $3, $4, $5, $6, $7 WHERE EXISTS \
                     (SELECT 1 FROM case_persons WHERE id = $1 AND sealed IS NOT NULL AND shredded_at IS NULL) \
                     ON CONFLICT (person_id, agency_id) DO UPDATE SET agreement_id = excluded.agreement_id, \
                     key_grant = excluded.key_grant, purpose = excluded.purpose, shared_by = excluded.shared_by, \
                     shared_at = excluded.shared_at",
                )
                .bind(s.person_id.0)
                .bind(s.agency_id.0)
                .bind(s.agreement_id.0)
                .bind(json(&s.grant, "key grant")?)
                .bind(&s.purpose)
                .bind(s.shared_by.0)
                .bind(ms(s.shared_at))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                if res.rows_affected() == 0 {
                    tx.rollback().await?;
                    return Ok(false);
                }
                tx.commit().await?;
                Ok(true)
            }

            async fn unshare_person(&self, person: PersonId, agency: AgencyId, audit: &NewAudit) -> Result<bool> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let res = sqlx::query("DELETE FROM case_person_shares WHERE person_id = $1 AND agency_id = $2")
                    .bind(person.0)
                    .bind(agency.0)
                    .execute(&mut *tx)
                    .await?;
                if res.rows_affected() == 0 {
                    tx.rollback().await?;
                    return Ok(false);
                }
                tx.commit().await?;
                Ok(true)
            }

            async fn person_shares(&self, case: CaseId) -> Result<Vec<PersonShare>> {
                let rows = sqlx::query(
                    "SELECT s.person_id, s.agency_id, s.agreement_id, s.key_grant, s.purpose, s.shared_by, s.shared_at \
                     FROM case_person_shares s JOIN case_persons p ON p.id = s.person_id \
                     WHERE p.case_id = $1 ORDER BY s.person_id, s.agency_id",
                )
                .bind(case.0)
                .fetch_all(&self.read)
                .await?;
                rows.iter().map(share_from_row).collect()
            }

            async fn set_service(&self, person: PersonId, r: &ServiceReferral, audit: &NewAudit) -> Result<bool> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let exists: Option<uuid::Uuid> =
                    sqlx::query_scalar("SELECT id FROM case_persons WHERE id = $1 AND role = 'victim'")
                        .bind(person.0)
                        .fetch_optional(&mut *tx)
                        .await?;
                if exists.is_none() {
                    tx.rollback().await?;
                    return Ok(false);
                }
                sqlx::query(
                    "INSERT INTO case_services (person_id, service, status, since) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (person_id, service) DO UPDATE SET status = $3, since = $4",
                )
                .bind(person.0)
                .bind(r.service.as_str())
                .bind(r.status.as_str())
                .bind(date_ms(r.since))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                tx.commit().await?;
                Ok(true)
            }

            async fn insert_transfer(&self, t: &Transfer, audit: &NewAudit) -> Result<bool> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let open: Option<uuid::Uuid> = sqlx::query_scalar(
                    "SELECT id FROM case_transfers WHERE case_id = $1 AND status = 'requested'",
                )
                .bind(t.case_id.0)
                .fetch_optional(&mut *tx)
                .await?;
                if open.is_some() {
                    tx.rollback().await?;
                    return Ok(false);
                }
                sqlx::query(
                    "INSERT INTO case_transfers (id, case_id, from_agency_id, to_agency_id, note, status, requested_by, \
                     requested_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(t.id.0)
                .bind(t.case_id.0)
                .bind(t.from_agency_id.0)
                .bind(t.to_agency_id.0)
                .bind(&t.note)
                .bind(t.status.as_str())
                .bind(t.requested_by.0)
                .bind(ms(t.requested_at))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                tx.commit().await?;
                Ok(true)
            }

            async fn transfer(&self, id: TransferId) -> Result<Option<Transfer>> {
                let row = sqlx::query(&format!("SELECT {TRANSFER_COLUMNS} FROM case_transfers WHERE id = $1"))
                    .bind(id.0)
                    .fetch_optional(&self.read)
                    .await?;
                row.as_ref().map(transfer_from_row).transpose()
            }

            async fn case_transfers(&self, case: CaseId) -> Result<Vec<Transfer>> {
                sqlx::query(&format!(
                    "SELECT {TRANSFER_COLUMNS} FROM case_transfers WHERE case_id = $1 ORDER BY requested_at DESC, id DESC"
                ))
                .bind(case.0)
                .fetch_all(&self.read)
                .await?
                .iter()
                .map(transfer_from_row)
                .collect()
            }

            async fn incoming_transfers(&self, agency: AgencyId) -> Result<Vec<Transfer>> {
                sqlx::query(&format!(
                    "SELECT {TRANSFER_COLUMNS} FROM case_transfers WHERE to_agency_id = $1 AND status = 'requested' \
                     ORDER BY requested_at, id"
                ))
                .bind(agency.0)
                .fetch_all(&self.read)
                .await?
                .iter()
                .map(transfer_from_row)
                .collect()
            }

            async fn decide_transfer(
                &self,
                t: &Transfer,
                case_version: i64,
                resealed: &[(PersonId, SealedRecord)],
                audit: &NewAudit,
            ) -> Result<bool> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let res = sqlx::query(
                    "UPDATE case_transfers SET status = $1, decided_by = $2, decided_at = $3, decision_note = $4 \
                     WHERE id = $5 AND status = 'requested'",
                )
                .bind(t.status.as_str())
                .bind(t.decided_by.map(|u| u.0))
                .bind(t.decided_at.map(ms))
                .bind(&t.decision_note)
                .bind(t.id.0)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                if res.rows_affected() == 0 {
                    tx.rollback().await?;
                    return Ok(false);
                }
                if t.status == TransferStatus::Accepted {
                    let moved = sqlx::query(
                        "UPDATE cases SET owner_agency_id = $1, version = version + 1, updated_by = $2, updated_at = $3 \
                         WHERE id = $4 AND version = $5 AND owner_agency_id = $6",
                    )
                    .bind(t.to_agency_id.0)
                    .bind(t.decided_by.map(|u| u.0))
                    .bind(t.decided_at.map(ms))
                    .bind(t.case_id.0)
                    .bind(case_version)
                    .bind(t.from_agency_id.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                    if moved.rows_affected() == 0 {
                        tx.rollback().await?;
                        return Ok(false);
                    }
                    sqlx::query("DELETE FROM case_parties WHERE case_id = $1 AND agency_id = $2")
                        .bind(t.case_id.0)
                        .bind(t.to_agency_id.0)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query(
                        "INSERT INTO case_parties (case_id, agency_id, role) VALUES ($1, $2, 'supporting') \
                         ON CONFLICT (case_id, agency_id) DO NOTHING",
                    )
                    .bind(t.case_id.0)
                    .bind(t.from_agency_id.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                    // The case's days per stage move to the new owner's totals.
                    let row = sqlx::query("SELECT region_code, opened_year, offence_kind FROM cases WHERE id = $1")
                        .bind(t.case_id.0)
                        .fetch_one(&mut *tx)
                        .await?;
                    let (region, year, offence): (String, i64, String) =
                        (row.try_get("region_code")?, row.try_get("opened_year")?, row.try_get("offence_kind")?);
                    let sums = sqlx::query(
                        "SELECT from_stage, COUNT(*) AS steps, CAST(SUM(doc_date - from_since) AS BIGINT) AS total_ms \
                         FROM case_stage_events WHERE case_id = $1 GROUP BY from_stage",
                    )
                    .bind(t.case_id.0)
                    .fetch_all(&mut *tx)
                    .await?;
                    for r in &sums {
                        let stage: String = r.try_get("from_stage")?;
                        let steps: i64 = r.try_get("steps")?;
                        let total: Option<i64> = r.try_get("total_ms")?;
                        let total = total.unwrap_or(0);
                        add_stage_totals(&mut tx, t.from_agency_id, &region, year, &offence, &stage, -steps, -total).await?;
                        add_stage_totals(&mut tx, t.to_agency_id, &region, year, &offence, &stage, steps, total).await?;
                    }
                    // The new owner opens the persons with its own key now.
                    sqlx::query(
                        "DELETE FROM case_person_shares WHERE agency_id = $1 AND person_id IN \
                         (SELECT id FROM case_persons WHERE case_id = $2)",
                    )
                    .bind(t.to_agency_id.0)
                    .bind(t.case_id.0)
                    .execute(&mut *tx)
                    .await?;
                    for (id, sealed) in resealed {
                        sqlx::query("UPDATE case_persons SET sealed = $1, key_id = $2 WHERE id = $3 AND case_id = $4")
                            .bind(json(sealed, "sealed person")?)
                            .bind(&sealed.key_id)
                            .bind(id.0)
                            .bind(t.case_id.0)
                            .execute(&mut *tx)
                            .await
                            .map_err(map_err)?;
                    }
                }
                tx.commit().await?;
                Ok(true)
            }

            async fn bulk_insert_cases(
                &self,
                cases: &[Case],
                events: &[StageEvent],
                persons: &[Person],
            ) -> Result<()> {
                let mut tx = self.write.begin().await?;
                // Many rows per statement, well under both databases' parameter limits.
                for chunk in cases.chunks(300) {
                    let mut qb = QueryBuilder::<$DB>::new(
                        "INSERT INTO cases (id, number, owner_agency_id, law, title, summary, offence_kind, offence_law, \
                         offence_article, max_penalty_years, region_code, opened_on, opened_year, stage, stage_since, facts, \
                         dates, returns, verdict, p21_on, verdict_on, next_due_on, version, created_by, created_at, \
                         updated_by, updated_at) ",
                    );
                    let mut rows = Vec::with_capacity(chunk.len());
                    for c in chunk {
                        rows.push((c, json(&c.facts, "case facts")?, json(&c.dates, "case dates")?));
                    }
                    qb.push_values(rows, |mut b, (c, facts, dates)| {
                        b.push_bind(c.id.0)
                            .push_bind(c.number.clone())
                            .push_bind(c.owner_agency_id.0)
                            .push_bind(c.law.as_str())
                            .push_bind(c.title.clone())
                            .push_bind(c.summary.clone())
                            .push_bind(c.offence.kind.as_str())
                            .push_bind(c.offence.law.clone())
                            .push_bind(c.offence.article.clone())
                            .push_bind(c.offence.max_penalty_years.map(i64::from))
                            .push_bind(c.region_code.clone())
                            .push_bind(date_ms(c.opened_on))
                            .push_bind(i64::from(c.opened_on.year()))
                            .push_bind(c.stage.as_str())
                            .push_bind(date_ms(c.stage_since))
                            .push_bind(facts)
                            .push_bind(dates)
                            .push_bind(i64::from(c.returns))
                            .push_bind(c.verdict.map(|v| v.as_str()))
                            .push_bind(c.p21_on.map(date_ms))
                            .push_bind(c.verdict_on.map(date_ms))
                            .push_bind(c.next_due_on.map(date_ms))
                            .push_bind(c.version)
                            .push_bind(c.created_by.0)
                            .push_bind(ms(c.created_at))
                            .push_bind(c.updated_by.0)
                            .push_bind(ms(c.updated_at));
                    });
                    qb.build().execute(&mut *tx).await.map_err(map_err)?;
                }
                // Each case's steps in order: their number, and the day the case entered
                // the stage each leaves (the step before's date, or the day it opened).
                let mut seq: std::collections::HashMap<uuid::Uuid, (i64, i64)> =
                    cases.iter().map(|c| (c.id.0, (0, date_ms(c.opened_on)))).collect();
                let numbered: Vec<(&StageEvent, i64, i64)> = events
                    .iter()
                    .map(|e| {
                        let entry = seq.entry(e.case_id.0).or_insert((0, date_ms(e.document.date)));
                        let since = entry.1;
                        entry.0 += 1;
                        entry.1 = date_ms(e.document.date);
                        (e, entry.0, since)
                    })
                    .collect();
                for chunk in numbered.chunks(1000) {
                    let mut qb = QueryBuilder::<$DB>::new(
                        "INSERT INTO case_stage_events (id, case_id, seq, from_stage, to_stage, doc_number, doc_date, from_since, \
                         notes, verdict, scan_id, recorded_by, recorded_at) ",
                    );
                    qb.push_values(chunk, |mut b, (e, n, since)| {
                        b.push_bind(e.id.0)
                            .push_bind(e.case_id.0)
                            .push_bind(*n)
                            .push_bind(e.from.as_str())
                            .push_bind(e.to.as_str())
                            .push_bind(e.document.number.clone())
                            .push_bind(date_ms(e.document.date))
                            .push_bind(*since)
                            .push_bind(e.document.notes.clone())
                            .push_bind(e.verdict.map(|v| v.as_str()))
                            .push_bind(e.scan.map(|s| s.0))
                            .push_bind(e.recorded_by.0)
                            .push_bind(ms(e.recorded_at));
                    });
                    qb.build().execute(&mut *tx).await.map_err(map_err)?;
                }
                // The days per stage, added up as `record_step` does.
                let by_id: std::collections::HashMap<uuid::Uuid, &Case> = cases.iter().map(|c| (c.id.0, c)).collect();
                let mut totals: std::collections::BTreeMap<(uuid::Uuid, String, i64, &'static str, &'static str), (i64, i64)> =
                    std::collections::BTreeMap::new();
                for (e, _, since) in &numbered {
                    let Some(c) = by_id.get(&e.case_id.0) else { continue };
                    let t = totals
                        .entry((
                            c.owner_agency_id.0,
                            regency(&c.region_code),
                            i64::from(c.opened_on.year()),
                            c.offence.kind.as_str(),
                            e.from.as_str(),
                        ))
                        .or_default();
                    t.0 += 1;
                    t.1 += date_ms(e.document.date) - since;
                }
                for ((owner, region, year, offence, stage), (steps, total)) in totals {
                    add_stage_totals(&mut tx, AgencyId(owner), &region, year, offence, stage, steps, total).await?;
                }
                for chunk in persons.chunks(1000) {
                    let mut rows = Vec::with_capacity(chunk.len());
                    for p in chunk {
                        rows.push((p, p.sealed.as_ref().map(|s| json(s, "sealed person")).transpose()?));
                    }
                    let mut qb = QueryBuilder::<$DB>::new(
                        "INSERT INTO case_persons (id, case_id, role, suspect_name, suspect_identity, sealed, key_id, child, \
                         origin_region, destination_country, repatriated_on, border_post, handler_id, created_by, created_at, \
                         shredded_at) ",
                    );
                    qb.push_values(rows, |mut b, (p, sealed)| {
                        b.push_bind(p.id.0)
                            .push_bind(p.case_id.0)
                            .push_bind(p.role.as_str())
                            .push_bind(p.suspect_name.clone())
                            .push_bind(p.suspect_identity.clone())
                            .push_bind(sealed)
                            .push_bind(p.sealed.as_ref().map(|s| s.key_id.clone()))
                            .push_bind(i64::from(p.child))
                            .push_bind(p.victim.origin_region.clone())
                            .push_bind(p.victim.destination_country.clone())
                            .push_bind(p.victim.repatriated_on.map(date_ms))
                            .push_bind(p.victim.border_post.clone())
                            .push_bind(p.handler_id.map(|u| u.0))
                            .push_bind(p.created_by.0)
                            .push_bind(ms(p.created_at))
                            .push_bind(p.shredded_at.map(ms));
                    });
                    qb.build().execute(&mut *tx).await.map_err(map_err)?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn funnel(&self, q: &CaseQuery) -> Result<Vec<FunnelRow>> {
                // The owned cases from the covering index `cases_funnel`, then the cases the
                // agency is on without owning them.
                const COLS: &str = "c.owner_agency_id AS agency_id, \
                     CASE WHEN LENGTH(c.region_code) >= 5 THEN SUBSTR(c.region_code, 1, 5) ELSE c.region_code END AS region, \
                     c.offence_kind, c.opened_year, c.p21_on, c.verdict, c.stage, c.report_count FROM cases c";
                let mut qb = QueryBuilder::<$DB>::new(format!(
                    "SELECT agency_id, region, offence_kind, opened_year, COUNT(*) AS cases, \
                     CAST(SUM(report_count) AS BIGINT) AS reports, \
                     CAST(SUM(CASE WHEN p21_on IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS p21, \
                     CAST(SUM(CASE WHEN verdict IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS verdicts, \
                     CAST(SUM(CASE WHEN verdict = 'convicted' THEN 1 ELSE 0 END) AS BIGINT) AS convicted, \
                     CAST(SUM(CASE WHEN stage IN {STOPPED} THEN 1 ELSE 0 END) AS BIGINT) AS stopped FROM (SELECT {COLS}"
                ));
                push_owned(&mut qb, q);
                qb.push(format!(" UNION ALL SELECT {COLS}"));
                if !push_party(&mut qb, q) {
                    qb.push(" WHERE 1 = 0");
                }
                qb.push(") t GROUP BY agency_id, region, offence_kind, opened_year ORDER BY opened_year, region, offence_kind, agency_id");
                let rows = qb.build().fetch_all(&self.read).await?;
                rows.iter()
                    .map(|r| -> Result<FunnelRow> {
                        let kind: String = r.try_get("offence_kind")?;
                        let year: i64 = r.try_get("opened_year")?;
                        let n = |k: &str| -> Result<i64> {
                            let v: Option<i64> = r.try_get(k)?;
                            Ok(v.unwrap_or(0))
                        };
                        Ok(FunnelRow {
                            agency_id: AgencyId(r.try_get("agency_id")?),
                            region_code: r.try_get("region")?,
                            offence: OffenceKind::parse(&kind).ok_or_else(|| corrupt("offence kind"))?,
                            year: i32::try_from(year).map_err(|_| corrupt("case year"))?,
                            reports: n("reports")?,
                            cases: r.try_get("cases")?,
                            p21: n("p21")?,
                            verdicts: n("verdicts")?,
                            convicted: n("convicted")?,
                            stopped: n("stopped")?,
                        })
                    })
                    .collect()
            }

            async fn stage_times(&self, q: &CaseQuery) -> Result<Vec<StageTime>> {
                // (stage, steps, total ms) from each branch, added up here.
                let mut sums: std::collections::BTreeMap<Stage, (i64, i64)> = std::collections::BTreeMap::new();
                let mut add = |rows: Vec<<$DB as sqlx::Database>::Row>| -> Result<()> {
                    for r in &rows {
                        let st: String = r.try_get("stage")?;
                        let steps: Option<i64> = r.try_get("steps")?;
                        let total: Option<i64> = r.try_get("total_ms")?;
                        let e = sums.entry(stage(&st)?).or_default();
                        e.0 += steps.unwrap_or(0);
                        e.1 += total.unwrap_or(0);
                    }
                    Ok(())
                };
                // The owned cases from their totals when the region is a province or a
                // regency (the totals' grain), else from their steps.
                let by_totals = q.region.as_deref().is_none_or(|r| r.split('.').count() <= 2);
                if by_totals {
                    let mut qb = QueryBuilder::<$DB>::new(
                        "SELECT t.stage, CAST(SUM(t.steps) AS BIGINT) AS steps, CAST(SUM(t.total_ms) AS BIGINT) AS total_ms \
                         FROM case_stage_totals t WHERE t.owner_agency_id IN ",
                    );
                    push_owner_list(&mut qb, q);
                    if let Some(r) = &q.region {
                        qb.push(" AND (t.regency = ")
                            .push_bind(r.as_str())
                            .push(" OR t.regency LIKE ")
                            .push_bind(format!("{r}.%"))
                            .push(")");
                    }
                    if let Some(k) = q.offence {
                        qb.push(" AND t.offence_kind = ").push_bind(k.as_str());
                    }
                    if let Some(y) = q.year {
                        qb.push(" AND t.opened_year = ").push_bind(i64::from(y));
                    }
                    qb.push(" GROUP BY t.stage");
                    add(qb.build().fetch_all(&self.read).await?)?;
                } else {
                    let mut qb = QueryBuilder::<$DB>::new(
                        "SELECT e.from_stage AS stage, COUNT(*) AS steps, CAST(SUM(e.doc_date - e.from_since) AS BIGINT) AS total_ms \
                         FROM case_stage_events e JOIN cases c ON c.id = e.case_id",
                    );
                    push_owned(&mut qb, q);
                    qb.push(" GROUP BY e.from_stage");
                    add(qb.build().fetch_all(&self.read).await?)?;
                }
                let mut qb = QueryBuilder::<$DB>::new(
                    "SELECT e.from_stage AS stage, COUNT(*) AS steps, CAST(SUM(e.doc_date - e.from_since) AS BIGINT) AS total_ms \
                     FROM case_stage_events e JOIN cases c ON c.id = e.case_id",
                );
                if push_party(&mut qb, q) {
                    qb.push(" GROUP BY e.from_stage");
                    add(qb.build().fetch_all(&self.read).await?)?;
                }
                Ok(sums
                    .into_iter()
                    .filter(|(_, (steps, _))| *steps > 0)
                    .map(|(stage, (steps, total))| StageTime {
                        stage,
                        steps,
                        mean_days: total as f64 / steps as f64 / 86_400_000.0,
                    })
                    .collect())
            }

            async fn victim_counts(&self, q: &CaseQuery) -> Result<Vec<VictimCount>> {
                let mut qb = QueryBuilder::<$DB>::new(
                    "SELECT p.origin_region, p.destination_country, p.repatriated_on, p.child \
                     FROM case_persons p JOIN cases c ON c.id = p.case_id",
                );
                push_scope(&mut qb, q, false);
                qb.push(" AND p.role = 'victim'");
                let rows = qb.build().fetch_all(&self.read).await?;
                // Grouped here: the month of a date kept as milliseconds is computed the
                // same way on both databases only in Rust.
                let mut groups: std::collections::BTreeMap<(Option<String>, Option<String>, Option<String>), (i64, i64)> =
                    std::collections::BTreeMap::new();
                for r in &rows {
                    let month = opt_date(r.try_get("repatriated_on")?)?.map(|d| d.format("%Y-%m").to_string());
                    let child: i64 = r.try_get("child")?;
                    let e = groups
                        .entry((r.try_get("origin_region")?, r.try_get("destination_country")?, month))
                        .or_default();
                    e.0 += 1;
                    e.1 += i64::from(child != 0);
                }
                Ok(groups
                    .into_iter()
                    .map(|((origin_region, destination_country, month), (victims, children))| VictimCount {
                        origin_region,
                        destination_country,
                        month,
                        children,
                        victims,
                    })
                    .collect())
            }

            async fn service_counts(&self, q: &CaseQuery) -> Result<Vec<ServiceCount>> {
                let mut qb = QueryBuilder::<$DB>::new(
                    "SELECT s.service, s.status, COUNT(*) AS victims FROM case_services s \
                     JOIN case_persons p ON p.id = s.person_id JOIN cases c ON c.id = p.case_id",
                );
                push_scope(&mut qb, q, false);
                qb.push(" GROUP BY s.service, s.status ORDER BY s.service, s.status");
                let rows = qb.build().fetch_all(&self.read).await?;
                rows.iter()
                    .map(|r| -> Result<ServiceCount> {
                        let s: String = r.try_get("service")?;
                        let st: String = r.try_get("status")?;
                        Ok(ServiceCount {
                            service: ServiceKind::parse(&s).ok_or_else(|| corrupt("service"))?,
                            status: ServiceStatus::parse(&st).ok_or_else(|| corrupt("service status"))?,
                            victims: r.try_get("victims")?,
                        })
                    })
                    .collect()
            }

            async fn sealing_keys(&self) -> Result<Vec<(AgencyId, String)>> {
                let rows = sqlx::query(
                    "SELECT DISTINCT c.owner_agency_id, p.key_id FROM case_persons p JOIN cases c ON c.id = p.case_id \
                     WHERE p.key_id IS NOT NULL AND p.shredded_at IS NULL ORDER BY c.owner_agency_id, p.key_id",
                )
                .fetch_all(&self.read)
                .await?;
                rows.iter()
                    .map(|r| -> Result<(AgencyId, String)> {
                        Ok((AgencyId(r.try_get("owner_agency_id")?), r.try_get("key_id")?))
                    })
                    .collect()
            }

            async fn cases_to_remind(&self, level: &str, until: NaiveDate, limit: u32) -> Result<Vec<Case>> {
                let rows = sqlx::query(&format!(
                    "SELECT {CASE_COLUMNS} FROM cases c WHERE c.next_due_on IS NOT NULL AND c.next_due_on <= $1 \
                     AND NOT EXISTS (SELECT 1 FROM case_reminders r WHERE r.case_id = c.id \
                       AND r.kind = $2 || CAST(c.next_due_on AS TEXT)) \
                     ORDER BY c.next_due_on, c.id LIMIT $3"
                ))
                .bind(date_ms(until))
                .bind(format!("{level}:"))
                .bind(i64::from(limit))
                .fetch_all(&self.read)
                .await?;
                let cases = rows.iter().map(case_from_row).collect::<Result<Vec<_>>>()?;
                with_links(&self.read, cases).await
            }

            async fn record_case_reminder(
                &self,
                case: CaseId,
                level: &str,
                due: NaiveDate,
                at: DateTime<Utc>,
                (notices, mails): (&[crate::Notification], &[crate::mail::Mail]),
                audit: &NewAudit,
            ) -> Result<bool> {
                crate::coordination::$m::record_reminder_once(
                    &self.write,
                    ("case_reminders", "case_id"),
                    case.0,
                    &format!("{level}:{}", date_ms(due)),
                    at,
                    notices,
                    mails,
                    audit,
                )
                .await
            }

            async fn insert_evidence(&self, e: &Evidence, audit: &NewAudit) -> Result<bool> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let res = sqlx::query(
                    "INSERT INTO case_evidence (id, case_id, description, quantity, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING",
                )
                .bind(e.id.0)
                .bind(e.case_id.0)
                .bind(&e.description)
                .bind(&e.quantity)
                .bind(e.created_by.0)
                .bind(ms(e.created_at))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                if res.rows_affected() == 0 {
                    tx.rollback().await?;
                    return Ok(false);
                }
                for step in &e.chain {
                    insert_custody(&mut tx, step).await?;
                }
                tx.commit().await?;
                Ok(true)
            }

            async fn add_custody(&self, step: &CustodyEvent, audit: &NewAudit) -> Result<bool> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let taken: Option<uuid::Uuid> = sqlx::query_scalar(
                    "SELECT id FROM case_custody WHERE evidence_id = $1 AND seq >= $2",
                )
                .bind(step.evidence_id.0)
                .bind(step.seq)
                .fetch_optional(&mut *tx)
                .await?;
                if taken.is_some() {
                    tx.rollback().await?;
                    return Ok(false);
                }
                insert_custody(&mut tx, step).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn evidence_item(&self, id: EvidenceId) -> Result<Option<Evidence>> {
                let row = sqlx::query(&format!("SELECT {EVIDENCE_COLUMNS} FROM case_evidence WHERE id = $1"))
                    .bind(id.0)
                    .fetch_optional(&self.read)
                    .await?;
                let Some(row) = row else { return Ok(None) };
                Ok(with_chains(&self.read, vec![evidence_from_row(&row)?]).await?.pop())
            }

            async fn evidence(&self, case: CaseId) -> Result<Vec<Evidence>> {
                let rows = sqlx::query(&format!(
                    "SELECT {EVIDENCE_COLUMNS} FROM case_evidence WHERE case_id = $1 ORDER BY created_at, id"
                ))
                .bind(case.0)
                .fetch_all(&self.read)
                .await?;
                let items = rows.iter().map(evidence_from_row).collect::<Result<Vec<_>>>()?;
                with_chains(&self.read, items).await
            }

            async fn insert_task(&self, t: &CaseTask, audit: &NewAudit) -> Result<bool> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let res = sqlx::query(
                    "INSERT INTO case_tasks (id, case_id, from_agency_id, to_agency_id, kind, what, due_on, status, \
                     result, requested_by, requested_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
                     ON CONFLICT (id) DO NOTHING",
                )
                .bind(t.id.0)
                .bind(t.case_id.0)
                .bind(t.from_agency_id.0)
                .bind(t.to_agency_id.0)
                .bind(t.kind.as_str())
                .bind(&t.what)
                .bind(t.due_on.map(date_ms))
                .bind(t.status.as_str())
                .bind(&t.result)
                .bind(t.requested_by.0)
                .bind(ms(t.requested_at))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                if res.rows_affected() == 0 {
                    tx.rollback().await?;
                    return Ok(false);
                }
                tx.commit().await?;
                Ok(true)
            }

            async fn task(&self, id: TaskId) -> Result<Option<CaseTask>> {
                let row = sqlx::query(&format!("SELECT {TASK_COLUMNS} FROM case_tasks WHERE id = $1"))
                    .bind(id.0)
                    .fetch_optional(&self.read)
                    .await?;
                row.as_ref().map(task_from_row).transpose()
            }

            async fn case_tasks(&self, case: CaseId) -> Result<Vec<CaseTask>> {
                sqlx::query(&format!(
                    "SELECT {TASK_COLUMNS} FROM case_tasks WHERE case_id = $1 ORDER BY requested_at DESC, id DESC"
                ))
                .bind(case.0)
                .fetch_all(&self.read)
                .await?
                .iter()
                .map(task_from_row)
                .collect()
            }

            async fn tasks_for(&self, agency: AgencyId) -> Result<Vec<CaseTask>> {
                sqlx::query(&format!(
                    "SELECT {TASK_COLUMNS} FROM case_tasks WHERE to_agency_id = $1 \
                     ORDER BY CASE WHEN status = 'requested' THEN 0 ELSE 1 END, requested_at DESC, id DESC LIMIT 500"
                ))
                .bind(agency.0)
                .fetch_all(&self.read)
                .await?
                .iter()
                .map(task_from_row)
                .collect()
            }

            async fn answer_task(&self, t: &CaseTask, audit: &NewAudit) -> Result<bool> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let res = sqlx::query(
                    "UPDATE case_tasks SET status = $1, result = $2, answered_by = $3, answered_at = $4 \
                     WHERE id = $5 AND status = 'requested'",
                )
                .bind(t.status.as_str())
                .bind(&t.result)
                .bind(t.answered_by.map(|u| u.0))
                .bind(t.answered_at.map(ms))
                .bind(t.id.0)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                if res.rows_affected() == 0 {
                    tx.rollback().await?;
                    return Ok(false);
                }
                tx.commit().await?;
                Ok(true)
            }

            async fn case_number_format(&self, agency: AgencyId) -> Result<Option<String>> {
                Ok(sqlx::query_scalar("SELECT format FROM case_number_formats WHERE agency_id = $1")
                    .bind(agency.0)
                    .fetch_optional(&self.read)
                    .await?)
            }

            async fn set_case_number_format(
                &self,
                agency: AgencyId,
                format: &str,
                by: UserId,
                at: DateTime<Utc>,
                audit: &NewAudit,
            ) -> Result<()> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                sqlx::query(
                    "INSERT INTO case_number_formats (agency_id, format, updated_by, updated_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (agency_id) DO UPDATE SET format = $2, updated_by = $3, updated_at = $4",
                )
                .bind(agency.0)
                .bind(format)
                .bind(by.0)
                .bind(ms(at))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                tx.commit().await?;
                Ok(())
            }

            async fn decrypt_roles(&self, agency: AgencyId) -> Result<Option<Vec<String>>> {
                let v: Option<String> =
                    sqlx::query_scalar("SELECT decrypt_roles FROM case_settings WHERE agency_id = $1")
                        .bind(agency.0)
                        .fetch_optional(&self.read)
                        .await?;
                Ok(v.map(|s| s.split(',').filter(|r| !r.is_empty()).map(str::to_string).collect()))
            }

            async fn set_decrypt_roles(
                &self,
                agency: AgencyId,
                roles: &[String],
                by: UserId,
                at: DateTime<Utc>,
                audit: &NewAudit,
            ) -> Result<()> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                sqlx::query(
                    "INSERT INTO case_settings (agency_id, decrypt_roles, updated_by, updated_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (agency_id) DO UPDATE SET decrypt_roles = $2, updated_by = $3, updated_at = $4",
                )
                .bind(agency.0)
                .bind(roles.join(","))
                .bind(by.0)
                .bind(ms(at))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                tx.commit().await?;
                Ok(())
            }
        }
    };
}

pub(crate) mod sqlite {
    cases_impl!(
        SqliteStore,
        sqlx::sqlite::Sqlite,
        sqlx::sqlite::SqliteRow,
        sqlite
    );
}

pub(crate) mod pg {
    cases_impl!(PgStore, sqlx::postgres::Postgres, sqlx::postgres::PgRow, pg);
}
