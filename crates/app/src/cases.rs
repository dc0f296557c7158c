//! Cases carried to court and the people in them (ADR 27, ADR 31).
//!
//! A case is opened by an investigating agency from reports its user can see; it moves
//! stage by stage as its law's table allows ([`sinergi_core::case::validate_transition`]),
//! each step with its document. Its deadlines are computed from its stage and dates; the
//! overdue list is every case an agency sees whose earliest deadline is near or past.
//!
//! **Who.** A case is seen by the owner agency, the agencies above it and the agencies on
//! it ([`Case::visible_to`]); for anyone else every route answers like a missing id.
//! Steps, facts and persons are written by the owner, a supporting agency and the
//! prosecutor; hand-overs and shredding by a coordinator or administrator of the owner.
//!
//! **Protected persons.** A victim's, witness's or informant's identity is sealed with
//! the owner agency's key ring, read from `<keys dir>/<AGENCY-CODE>.key` (outside the
//! database and its backups); an agency without a key file cannot add one, and the
//! server does not start when a key that sealed a stored person cannot be read. Opening
//! an identity is its own use case: only users of the owner whose role the agency named
//! (an informant: only the handler), with a purpose, each opening audited.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use chrono::NaiveDate;
use rand::rngs::OsRng;
use serde_json::json;
use sinergi_core::access::Actor;
use sinergi_core::agency::{Agency, AgencyCode};
use sinergi_core::audit::Action as AuditAction;
use sinergi_core::case::{
    self, classify, table, validate_transition, Case, CaseDates, CaseFacts, CaseId, CaseInput,
    CaseParty, Deadline, FactsPatch, OffenceKind, Person, PersonId, PersonInput, PersonShare,
    ServiceKind, ServiceReferral, ServiceStatus, Stage, StageEvent, StageEventId, StepInput,
    Transfer, TransferId, TransferStatus, Urgency, DEFAULT_NUMBER_FORMAT,
};
use sinergi_core::permission::Action;
use sinergi_core::protect::{DecryptPurpose, KeyGrant, KeyRing, PersonRole, SealedRecord};
use sinergi_core::time::Zone;
use sinergi_core::user::Role;
use sinergi_core::ValidationErrors;
pub use sinergi_store::cases::{
    CaseQuery, FunnelRow, ServiceCount, StageTime, StepOutcome, VictimCount,
};
use sinergi_store::UpdateOutcome;
use zeroize::Zeroizing;

use crate::{App, AppError, AppResult};

mod shares;

/// A deadline is "due soon" from this many days before it.
pub const SOON_DAYS: u32 = 3;
/// The most cases a list page holds.
pub const MAX_PAGE: u32 = 200;
/// A count of victims below this is shown as "fewer than" it, so a cell never singles
/// a person out.
pub const SMALL_CELL: i64 = 3;
/// The roles that open protected identities in an agency that named none.
pub const DEFAULT_DECRYPT_ROLES: [Role; 2] = [Role::Coordinator, Role::AgencyAdmin];

/// The key rings of the agencies, read from their key files.
pub struct KeyRings {
    dir: PathBuf,
    rings: RwLock<HashMap<String, Arc<KeyRing>>>,
}

impl KeyRings {
    pub fn new(dir: PathBuf) -> KeyRings {
        KeyRings {
            dir,
            rings: RwLock::new(HashMap::new()),
        }
    }

    /// The key file of an agency.
    pub fn path(&self, code: &str) -> PathBuf {
        self.dir.join(format!("{code}.key"))
    }

    /// The agency's ring: read from its file the first time (a file made while the
    /// server runs is found); `None` when there is no file.
    pub fn ring(&self, code: &str) -> AppResult<Option<Arc<KeyRing>>> {
        if let Some(r) = self.rings.read().ok().and_then(|m| m.get(code).cloned()) {
            return Ok(Some(r));
        }
        let path = self.path(code);
        let text = match std::fs::read_to_string(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            r => r,
        };
        let ring = KeyRing::load(&path.display().to_string(), text)
            .map_err(|e| AppError::Internal(Box::new(e)))?;
        let ring = Arc::new(ring);
        if let Ok(mut m) = self.rings.write() {
            m.insert(code.to_string(), ring.clone());
        }
        Ok(Some(ring))
    }
}

/// Writes a new key file for `code` under `dir` (mode 0600), refusing to replace one.
pub fn write_key_file(dir: &Path, code: &str) -> AppResult<PathBuf> {
    let code = AgencyCode::parse(code).map_err(|m| AppError::field("agency", m))?;
    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!("{}.key", code.as_str()));
    let id = format!(
        "{}-{}",
        code.as_str().to_ascii_lowercase(),
        hex::encode(rand::random::<[u8; 10]>())
    );
    let text = Zeroizing::new(
        KeyRing::generate(&id, &mut OsRng)
            .ok_or_else(|| AppError::Internal("could not make a key".into()))?,
    );
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(&path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            AppError::Conflict(format!(
                "{} exists; a key file is never replaced",
                path.display()
            ))
        } else {
            AppError::from(e)
        }
    })?;
    std::io::Write::write_all(&mut f, text.as_bytes())?;
    f.sync_all()?;
    Ok(path)
}

/// A case as its reader sees it.
#[derive(Debug, Clone)]
pub struct CaseView {
    pub case: Case,
    pub owner: Agency,
    pub parties: Vec<(Agency, case::PartyRole)>,
    pub events: Vec<StageEvent>,
    pub persons: Vec<PersonView>,
    pub transfers: Vec<(Transfer, Agency, Agency)>,
    /// The evidence items with their chains of custody.
    pub evidence: Vec<sinergi_core::case::Evidence>,
    /// The tasks asked of other agencies, with the agency asked.
    pub tasks: Vec<(sinergi_core::case::CaseTask, Agency)>,
    /// The case's deadlines with where each stands today.
    pub deadlines: Vec<(Deadline, Urgency)>,
    /// The stages the law allows next (their conditions aside).
    pub next: Vec<Stage>,
    pub may_write: bool,
    pub may_manage: bool,
    /// Today in the zone of the case's region.
    pub today: NaiveDate,
}

/// A person as a case's reader sees them: by role and a label, never the sealed fields.
#[derive(Debug, Clone)]
pub struct PersonView {
    pub person: Person,
    /// `Saksi 2`-style ordinal within the role, or an informant's code.
    pub label: String,
    /// The informant code, for an informant.
    pub code: Option<String>,
    /// Whether the reader may open the identity.
    pub may_open: bool,
    /// A suspect's name, when the reader is on the case.
    pub suspect_name: Option<String>,
    /// For the owning agency: the agencies the identity is shared with.
    pub shared_with: Vec<(PersonShare, Agency)>,
    /// For the owning agency's readers who may open it: the agencies on the case it may
    /// be shared with under an agreement in force and that do not have it yet.
    pub may_share_with: Vec<Agency>,
    /// For another agency: the identity was shared with the reader's agency.
    pub shared_with_reader: bool,
}

/// An opened identity. Wiped when dropped.
#[derive(Debug, Clone)]
pub struct OpenedIdentity {
    pub person: PersonId,
    pub fields: Vec<(String, Zeroizing<String>)>,
}

/// A case in a list with its most urgent deadline.
#[derive(Debug, Clone)]
pub struct CaseDue {
    pub case: Case,
    pub deadline: Option<Deadline>,
    pub urgency: Option<Urgency>,
    pub owner_code: String,
}

/// What a list of cases is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub region: Option<String>,
    pub offence: Option<OffenceKind>,
    pub stage: Option<Stage>,
    pub year: Option<i32>,
}

/// The enforcement funnel of the cases a reader sees.
#[derive(Debug, Clone)]
pub struct Funnel {
    pub rows: Vec<(FunnelRow, String)>,
    pub stage_times: Vec<StageTime>,
}

/// Victim counts without a name: small cells shown as "fewer than".
#[derive(Debug, Clone)]
pub struct VictimCounts {
    pub rows: Vec<VictimCount>,
    pub services: Vec<ServiceCount>,
    pub total: i64,
}

fn forbidden() -> AppError {
    AppError::Forbidden(
        "only users of the agencies investigating or prosecuting the case write it".into(),
    )
}

fn manage_forbidden() -> AppError {
    AppError::Forbidden(
        "only a coordinator or administrator of the agency that owns the case does this".into(),
    )
}

fn refusal(r: case::Refusal) -> AppError {
    AppError::field(r.field(), r.message())
}

impl App {
    /// Today in the zone of a region.
    pub fn today_for_region(&self, region: &str) -> NaiveDate {
        self.now()
            .with_timezone(&Zone::for_region(region).offset())
            .date_naive()
    }

    /// The key rings, read from the configured directory.
    pub fn key_rings(&self) -> &KeyRings {
        &self.case_keys
    }

    /// Checks at start that every key that sealed a stored person can be read: the
    /// server does not start otherwise. Also reads every key file present, so a
    /// damaged one is found now, not at the first victim.
    pub async fn check_case_keys(&self) -> AppResult<()> {
        let agencies: HashMap<_, _> = self
            .store
            .agencies()
            .await?
            .into_iter()
            .map(|a| (a.id, a))
            .collect();
        for a in agencies.values() {
            self.case_keys.ring(a.code.as_str())?;
        }
        for (agency, key_id) in self.store.sealing_keys().await? {
            let Some(a) = agencies.get(&agency) else {
                continue;
            };
            let path = self.case_keys.path(a.code.as_str());
            match self.case_keys.ring(a.code.as_str())? {
                Some(r) if r.key(&key_id).is_some() => {}
                Some(_) => {
                    return Err(AppError::Internal(
                        format!(
                            "{} has no key {key_id}, which sealed protected persons of {}; restore the key file",
                            path.display(),
                            a.code.as_str()
                        )
                        .into(),
                    ))
                }
                None => {
                    return Err(AppError::Internal(
                        format!(
                            "the key file {} of {}, which holds protected persons, is missing; restore it (Sinergi does not start without it)",
                            path.display(),
                            a.code.as_str()
                        )
                        .into(),
                    ))
                }
            }
        }
        Ok(())
    }

    /// A case the actor sees, or not found.
    async fn case_seen(&self, actor: &Actor, id: CaseId) -> AppResult<Case> {
        let c = self.store.case(id).await?.ok_or(AppError::NotFound)?;
        if !c.visible_to(actor) {
            return Err(AppError::NotFound);
        }
        Ok(c)
    }

    /// The agency with this code, or a 422 naming `field`.
    async fn agency_or_field(&self, code: &AgencyCode, field: &str) -> AppResult<Agency> {
        let mut errs = ValidationErrors::new();
        self.agency_named(code, field, &mut errs)
            .await?
            .ok_or(AppError::Validation(errs))
    }

    fn case_scope(actor: &Actor) -> CaseQuery {
        let mut owners = vec![actor.agency_id];
        owners.extend(actor.agency_descendants.iter().copied());
        CaseQuery {
            owners,
            party: Some(actor.agency_id),
            limit: MAX_PAGE,
            ..CaseQuery::default()
        }
    }

    fn case_query(actor: &Actor, f: &CaseFilter) -> CaseQuery {
        CaseQuery {
            region: f.region.clone(),
            offence: f.offence,
            stage: f.stage,
            year: f.year,
            ..Self::case_scope(actor)
        }
    }

    /// Opens a case from reports the actor sees, owned by the actor's agency.
    pub async fn open_case(&self, actor: &Actor, input: CaseInput) -> AppResult<Case> {
        if !actor.may(Action::WriteReports) {
            return Err(AppError::Forbidden(
                "only users who record reports open cases".into(),
            ));
        }
        let mut errs = ValidationErrors::new();
        for (i, r) in input.reports.iter().enumerate() {
            if self.decided_report(actor, *r).await.is_err() {
                errs.push(
                    format!("reports[{i}]"),
                    sinergi_core::msg!(
                        "case-report-unknown",
                        "no report with this id that you can see"
                    ),
                );
            }
        }
        let mut parties = Vec::new();
        for (i, (code, role)) in input.parties.iter().enumerate() {
            let field = format!("parties[{i}].agency");
            match self.agency_named(code, &field, &mut errs).await? {
                Some(a) if a.id == actor.agency_id => errs.push(
                    field,
                    sinergi_core::msg!(
                        "case-party-owner",
                        "the owning agency leads the case already"
                    ),
                ),
                Some(a) => parties.push(CaseParty {
                    agency_id: a.id,
                    role: *role,
                }),
                None => {}
            }
        }
        if sinergi_regions::Gazetteer::shipped()
            .get(&input.region_code)
            .is_none()
        {
            errs.push(
                "region",
                sinergi_core::msg!(
                    "case-region-unknown",
                    "no region has the code {code}",
                    code = input.region_code.as_str()
                ),
            );
        }
        if !errs.is_empty() {
            return Err(errs.into());
        }
        let now = self.now();
        let id = input
            .id
            .unwrap_or_else(|| CaseId::new_at(now, Self::id_bits()));
        let agency = self
            .store
            .agency(actor.agency_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let mut c = Case {
            id,
            number: String::new(),
            owner_agency_id: actor.agency_id,
            law: input.law,
            title: input.title,
            summary: input.summary,
            offence: input.offence,
            region_code: input.region_code,
            opened_on: input.opened_on,
            stage: table(input.law).initial(),
            stage_since: input.opened_on,
            facts: CaseFacts::default(),
            dates: CaseDates::default(),
            returns: 0,
            verdict: None,
            p21_on: None,
            verdict_on: None,
            next_due_on: None,
            reports: input.reports,
            parties,
            version: 1,
            created_by: actor.user_id,
            created_at: now,
            updated_by: actor.user_id,
            updated_at: now,
        };
        c.refresh_next_due();
        let audit = self.audit(
            Some(actor),
            AuditAction::CaseCreate,
            "case",
            &id.to_string(),
            json!({"law": c.law.as_str(), "offence": c.offence.kind.as_str(), "reports": c.reports.len() as i64}),
        );
        let format = self
            .store
            .case_number_format(agency.id)
            .await?
            .unwrap_or_else(|| DEFAULT_NUMBER_FORMAT.to_string());
        match self
            .store
            .insert_case(&c, &format, agency.code.as_str(), &audit)
            .await?
        {
            Some(number) => {
                c.number = number;
                Ok(c)
            }
            None => Err(AppError::Conflict("a case with this id exists".into())),
        }
    }

    /// The cases the actor sees, narrowed, the latest opened first; with the total.
    pub async fn cases(
        &self,
        actor: &Actor,
        f: &CaseFilter,
        limit: u32,
        offset: u32,
    ) -> AppResult<(Vec<CaseDue>, i64)> {
        let mut q = Self::case_query(actor, f);
        q.limit = limit.clamp(1, MAX_PAGE);
        q.offset = offset;
        let total = self.store.count_cases(&q).await?;
        let cases = self.store.cases(&q).await?;
        Ok((self.with_due(cases).await?, total))
    }

    /// Adds an agency's code to `codes` unless it is there.
    async fn cache_agency_code(
        &self,
        codes: &mut HashMap<sinergi_core::ids::AgencyId, String>,
        id: sinergi_core::ids::AgencyId,
    ) -> AppResult<()> {
        if let std::collections::hash_map::Entry::Vacant(e) = codes.entry(id) {
            let code = self
                .store
                .agency(id)
                .await?
                .map(|a| a.code.as_str().to_string())
                .unwrap_or_default();
            e.insert(code);
        }
        Ok(())
    }

    async fn with_due(&self, cases: Vec<Case>) -> AppResult<Vec<CaseDue>> {
        let mut codes: HashMap<sinergi_core::ids::AgencyId, String> = HashMap::new();
        let mut out = Vec::with_capacity(cases.len());
        for c in cases {
            self.cache_agency_code(&mut codes, c.owner_agency_id)
                .await?;
            let today = self.today_for_region(&c.region_code);
            let deadline = c.deadlines().into_iter().next();
            let urgency = deadline
                .as_ref()
                .map(|d| classify(d.due_on, today, SOON_DAYS));
            out.push(CaseDue {
                owner_code: codes[&c.owner_agency_id].clone(),
                case: c,
                deadline,
                urgency,
            });
        }
        Ok(out)
    }

    /// The cases the actor sees whose earliest deadline is due soon or past, the
    /// soonest first.
    pub async fn overdue_cases(&self, actor: &Actor, f: &CaseFilter) -> AppResult<Vec<CaseDue>> {
        // Zones run from UTC+7 to UTC+9: today's latest date anywhere bounds the query,
        // each case is then classified in its own zone.
        let today = self.today_for_region("94");
        let mut q = Self::case_query(actor, f);
        q.due_by = today.checked_add_days(chrono::Days::new(u64::from(SOON_DAYS)));
        q.limit = MAX_PAGE;
        let cases = self.store.cases(&q).await?;
        Ok(self
            .with_due(cases)
            .await?
            .into_iter()
            .filter(|c| matches!(c.urgency, Some(Urgency::Overdue | Urgency::DueSoon)))
            .collect())
    }

    /// A case with its steps, persons, transfers and deadlines.
    pub async fn case_view(&self, actor: &Actor, id: CaseId) -> AppResult<CaseView> {
        let c = self.case_seen(actor, id).await?;
        let owner = self
            .store
            .agency(c.owner_agency_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let mut parties = Vec::new();
        for p in &c.parties {
            if let Some(a) = self.store.agency(p.agency_id).await? {
                parties.push((a, p.role));
            }
        }
        let events = self.store.stage_events(id).await?;
        let persons = self.person_views(actor, &c, &owner).await?;
        let mut transfers = Vec::new();
        for t in self.store.case_transfers(id).await? {
            let from = self.store.agency(t.from_agency_id).await?;
            let to = self.store.agency(t.to_agency_id).await?;
            if let (Some(from), Some(to)) = (from, to) {
                transfers.push((t, from, to));
            }
        }
        let today = self.today_for_region(&c.region_code);
        let deadlines = c
            .deadlines()
            .into_iter()
            .map(|d| {
                let u = classify(d.due_on, today, SOON_DAYS);
                (d, u)
            })
            .collect();
        let next = table(c.law).next(c.stage);
        let evidence = self.store.evidence(id).await?;
        let mut tasks = Vec::new();
        for t in self.store.case_tasks(id).await? {
            if let Some(a) = self.store.agency(t.to_agency_id).await? {
                tasks.push((t, a));
            }
        }
        Ok(CaseView {
            evidence,
            tasks,
            may_write: c.may_write(actor),
            may_manage: c.may_manage(actor),
            case: c,
            owner,
            parties,
            events,
            persons,
            transfers,
            deadlines,
            next,
            today,
        })
    }

    async fn decrypt_roles(&self, agency: sinergi_core::ids::AgencyId) -> AppResult<Vec<Role>> {
        Ok(match self.store.decrypt_roles(agency).await? {
            Some(rs) => rs.iter().filter_map(|r| Role::parse(r)).collect(),
            None => DEFAULT_DECRYPT_ROLES.to_vec(),
        })
    }

    async fn person_views(
        &self,
        actor: &Actor,
        c: &Case,
        owner: &Agency,
    ) -> AppResult<Vec<PersonView>> {
        let persons = self.store.persons(c.id).await?;
        let rights = self.open_rights(actor, c, &persons).await?;
        let ring = self.case_keys.ring(owner.code.as_str())?;
        let mut counts: HashMap<PersonRole, usize> = HashMap::new();
        let mut out = Vec::new();
        for p in persons {
            let n = counts.entry(p.role).or_insert(0);
            *n += 1;
            let code = if p.role.is_pseudonymous() {
                ring.as_ref().map(|r| r.informant_code(p.id.0))
            } else {
                None
            };
            let label = match &code {
                Some(code) => code.clone(),
                None => format!("{} {}", p.role.as_str(), n),
            };
            let may_open = rights.may_open(actor, c, &p);
            let shared_with = rights.shared_with(p.id);
            // The agencies it may still be shared with (not those that have it).
            let may_share_with = if may_open && actor.agency_id == c.owner_agency_id {
                rights
                    .targets_for(p.role)
                    .into_iter()
                    .filter(|a| !shared_with.iter().any(|(_, b)| b.id == a.id))
                    .collect()
            } else {
                Vec::new()
            };
            out.push(PersonView {
                may_open,
                suspect_name: p.suspect_name.clone(),
                label,
                code,
                shared_with_reader: rights.shared_to_reader.contains(&p.id),
                shared_with,
                may_share_with,
                person: p,
            });
        }
        Ok(out)
    }

    /// Changes a case's facts.
    pub async fn update_case_facts(
        &self,
        actor: &Actor,
        id: CaseId,
        p: FactsPatch,
    ) -> AppResult<Case> {
        let c = self.case_seen(actor, id).await?;
        if !c.may_write(actor) {
            return Err(forbidden());
        }
        if c.version != p.version {
            return Err(AppError::PreconditionFailed { current: c.version });
        }
        let mut n = p.apply(&c);
        n.version = c.version + 1;
        n.updated_by = actor.user_id;
        n.updated_at = self.now();
        let audit = self.audit(
            Some(actor),
            AuditAction::CaseUpdate,
            "case",
            &id.to_string(),
            json!({"version": n.version}),
        );
        match self.store.update_case(&n, c.version, &audit).await? {
            UpdateOutcome::Updated => Ok(n),
            UpdateOutcome::VersionMismatch(v) => Err(AppError::PreconditionFailed { current: v }),
            UpdateOutcome::NotFound => Err(AppError::NotFound),
        }
    }

    /// Records a step of a case, as its law allows, with its document.
    pub async fn record_step(
        &self,
        actor: &Actor,
        id: CaseId,
        s: StepInput,
    ) -> AppResult<(Case, StageEvent)> {
        let c = self.case_seen(actor, id).await?;
        if !c.may_write(actor) {
            return Err(forbidden());
        }
        if c.version != s.version {
            return Err(AppError::PreconditionFailed { current: c.version });
        }
        let today = self.today_for_region(&c.region_code);
        validate_transition(
            c.law,
            c.stage,
            s.stage,
            &c.law_facts(Some(s.document.clone()), today),
        )
        .map_err(refusal)?;
        if let Some(scan) = s.scan {
            if self.store.attachment(scan).await?.is_none() {
                return Err(AppError::field(
                    "scan",
                    sinergi_core::msg!("case-scan-unknown", "no uploaded file has this id"),
                ));
            }
        }
        let now = self.now();
        let mut n = c.after_step(s.stage, &s.document, s.verdict);
        n.version = c.version + 1;
        n.updated_by = actor.user_id;
        n.updated_at = now;
        let e = StageEvent {
            id: StageEventId::new_at(now, Self::id_bits()),
            case_id: id,
            from: c.stage,
            to: s.stage,
            document: s.document,
            verdict: n.verdict.filter(|_| s.stage == Stage::Putusan),
            scan: s.scan,
            recorded_by: actor.user_id,
            recorded_at: now,
        };
        let audit = self.audit(
            Some(actor),
            AuditAction::CaseStageRecord,
            "case",
            &id.to_string(),
            json!({"from": c.stage.as_str(), "to": s.stage.as_str(), "document": e.document.number.clone().unwrap_or_default()}),
        );
        match self.store.record_step(&n, c.version, &e, &audit).await? {
            StepOutcome::Recorded => Ok((n, e)),
            StepOutcome::VersionMismatch(v) => Err(AppError::PreconditionFailed { current: v }),
            StepOutcome::NotFound => Err(AppError::NotFound),
            StepOutcome::DocumentNumberUsed => Err(AppError::field(
                "document.number",
                sinergi_core::msg!(
                    "case-document-number-used",
                    "this document number is already recorded for this stage of the case"
                ),
            )),
        }
    }

    /// Adds a person to a case; a victim's, witness's or informant's identity sealed
    /// with the owner's key ring.
    pub async fn add_person(
        &self,
        actor: &Actor,
        id: CaseId,
        input: PersonInput,
    ) -> AppResult<PersonView> {
        let c = self.case_seen(actor, id).await?;
        if !c.may_write(actor) {
            return Err(forbidden());
        }
        let owner = self
            .store
            .agency(c.owner_agency_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let now = self.now();
        let pid = input
            .id
            .unwrap_or_else(|| PersonId::new_at(now, Self::id_bits()));
        if let Some(existing) = self.store.person(pid).await? {
            let _ = existing;
            return Err(AppError::Conflict(
                "this person is already on a case".into(),
            ));
        }
        let handler = match (input.role, &input.handler) {
            (PersonRole::Informant, Some(name)) => {
                let u = self
                    .store
                    .user_credentials(name)
                    .await?
                    .map(|(u, _)| u)
                    .filter(|u| u.agency_id == c.owner_agency_id && u.active);
                match u {
                    Some(u) => Some(u.id),
                    None => {
                        return Err(AppError::field(
                            "handler",
                            sinergi_core::msg!(
                                "case-handler-unknown",
                                "no active user of the owning agency has this name"
                            ),
                        ))
                    }
                }
            }
            (PersonRole::Informant, None) if actor.agency_id == c.owner_agency_id => {
                Some(actor.user_id)
            }
            (PersonRole::Informant, None) => {
                return Err(AppError::field(
                    "handler",
                    sinergi_core::msg!(
                        "case-handler-required",
                        "name the informant's handler, a user of the owning agency"
                    ),
                ))
            }
            _ => None,
        };
        let (sealed, suspect_name, suspect_identity) = if input.role.is_protected() {
            let ring = self.case_keys.ring(owner.code.as_str())?.ok_or_else(|| {
                AppError::Conflict(format!(
                    "{} has no key file for protected persons; an administrator makes one with `sinergi keygen --agency {}`",
                    owner.code.as_str(),
                    owner.code.as_str()
                ))
            })?;
            let sealed = SealedRecord::seal(&ring, pid.0, &input.identity.fields(), &mut OsRng)
                .map_err(|e| AppError::Internal(Box::new(e)))?;
            (Some(sealed), None, None)
        } else {
            if input.identity.contact.is_some() || input.identity.address.is_some() {
                return Err(AppError::field(
                    "contact",
                    sinergi_core::msg!(
                        "case-suspect-contact",
                        "a suspect's contact and address are kept in the case file, not here"
                    ),
                ));
            }
            (
                None,
                Some(input.identity.name.to_string()),
                input
                    .identity
                    .identity_number
                    .as_ref()
                    .map(|s| s.to_string()),
            )
        };
        let today = self.today_for_region(&c.region_code);
        let p = Person {
            id: pid,
            case_id: id,
            role: input.role,
            suspect_name,
            suspect_identity,
            sealed,
            child: input.child,
            victim: input.victim,
            services: input
                .services
                .iter()
                .map(|s| ServiceReferral {
                    service: *s,
                    status: ServiceStatus::Referred,
                    since: today,
                })
                .collect(),
            handler_id: handler,
            created_by: actor.user_id,
            created_at: now,
            shredded_at: None,
        };
        let audit = self.audit(
            Some(actor),
            AuditAction::CasePersonAdd,
            "case_person",
            &pid.to_string(),
            json!({"case": id.to_string(), "role": p.role.as_str(), "child": i64::from(p.child)}),
        );
        if !self.store.insert_person(&p, &audit).await? {
            return Err(AppError::Conflict(
                "this person is already on a case".into(),
            ));
        }
        if p.child && p.role == PersonRole::Suspect && !c.facts.child_suspect {
            let mut n = c.clone();
            n.facts.child_suspect = true;
            n.version = c.version + 1;
            n.updated_by = actor.user_id;
            n.updated_at = now;
            let audit = self.audit(
                Some(actor),
                AuditAction::CaseUpdate,
                "case",
                &id.to_string(),
                json!({"version": n.version, "child_suspect": 1}),
            );
            let _ = self.store.update_case(&n, c.version, &audit).await?;
        }
        let rights = self
            .open_rights(actor, &c, std::slice::from_ref(&p))
            .await?;
        let ring = self.case_keys.ring(owner.code.as_str())?;
        let code = if p.role.is_pseudonymous() {
            ring.map(|r| r.informant_code(p.id.0))
        } else {
            None
        };
        let may_open = rights.may_open(actor, &c, &p);
        Ok(PersonView {
            may_share_with: if may_open {
                rights.targets_for(p.role)
            } else {
                Vec::new()
            },
            shared_with: Vec::new(),
            shared_with_reader: false,
            may_open,
            label: code.clone().unwrap_or_else(|| p.role.as_str().to_string()),
            code,
            suspect_name: p.suspect_name.clone(),
            person: p,
        })
    }

    /// A person of a case the actor sees.
    async fn person_seen(
        &self,
        actor: &Actor,
        case_id: CaseId,
        pid: PersonId,
    ) -> AppResult<(Case, Person)> {
        let c = self.case_seen(actor, case_id).await?;
        let p = self
            .store
            .person(pid)
            .await?
            .filter(|p| p.case_id == case_id)
            .ok_or(AppError::NotFound)?;
        Ok((c, p))
    }

    /// Opens a protected identity for a purpose; the opening is audited before the
    /// fields are answered.
    pub async fn open_identity(
        &self,
        actor: &Actor,
        case_id: CaseId,
        pid: PersonId,
        purpose: DecryptPurpose,
    ) -> AppResult<OpenedIdentity> {
        let (c, p) = self.person_seen(actor, case_id, pid).await?;
        let Some(sealed) = &p.sealed else {
            return Err(AppError::Conflict(
                "a suspect's identity is not sealed; it is shown on the case".into(),
            ));
        };
        if sealed.is_shredded() {
            return Err(AppError::Conflict(
                "this person's data was erased; nothing can open it".into(),
            ));
        }
        let rights = self
            .open_rights(actor, &c, std::slice::from_ref(&p))
            .await?;
        if !rights.may_open(actor, &c, &p) {
            return Err(AppError::Forbidden(if p.role.is_pseudonymous() {
                "only the informant's handler opens the informant's identity".into()
            } else if actor.agency_id != c.owner_agency_id {
                "this identity was not shared with your agency under an agreement in force, or your role does not open shared identities".into()
            } else {
                "only the roles the owning agency named open protected identities".into()
            }));
        }
        let ring = self.reader_ring(actor, &c).await?;
        let grant = rights.granted.get(&pid).map(|s| &s.grant);
        let (opened, entry) = self.open_sealed(actor, &ring, case_id, &p, grant, &purpose)?;
        self.store.append_audit(&entry).await?;
        Ok(opened)
    }

    /// The owning agency's key ring; its absence once persons are sealed is an error.
    async fn owner_ring(&self, c: &Case) -> AppResult<Arc<KeyRing>> {
        let owner = self
            .store
            .agency(c.owner_agency_id)
            .await?
            .ok_or(AppError::NotFound)?;
        self.case_keys
            .ring(owner.code.as_str())?
            .ok_or_else(|| AppError::Internal("the owning agency's key file is missing".into()))
    }

    /// Opens one sealed record (with a grant when it was shared with the reader's
    /// agency), with the audit entry the caller writes before answering.
    fn open_sealed(
        &self,
        actor: &Actor,
        ring: &KeyRing,
        case_id: CaseId,
        p: &Person,
        grant: Option<&KeyGrant>,
        purpose: &DecryptPurpose,
    ) -> AppResult<(OpenedIdentity, sinergi_core::audit::NewAudit)> {
        let pid = p.id;
        let sealed = p
            .sealed
            .as_ref()
            .ok_or_else(|| AppError::Conflict("a suspect's identity is not sealed".into()))?;
        let opened = match grant {
            Some(g) => sealed.open_granted(g, ring, pid.0),
            None => sealed.open(ring, pid.0),
        }
        .map_err(|e| AppError::Internal(Box::new(e)))?;
        let names: Vec<String> = opened.keys().cloned().collect();
        let entry = self.audit(
            Some(actor),
            AuditAction::CasePersonDecrypt,
            "case_person",
            &pid.to_string(),
            json!({"case": case_id.to_string(), "purpose": purpose.as_str(), "fields": names.join(","), "shared": grant.is_some()}),
        );
        let fields = sinergi_core::protect::FIELDS
            .iter()
            .filter_map(|f| opened.get(*f).map(|v| (f.to_string(), opened_text(f, v))))
            .collect();
        Ok((
            OpenedIdentity {
                person: pid,
                fields,
            },
            entry,
        ))
    }

    /// Opens, for one purpose, every protected identity of a case the actor may open
    /// (preparing a case file, a hearing): one audit entry per person, all written in one
    /// transaction before any field is answered.
    pub async fn open_identities(
        &self,
        actor: &Actor,
        case_id: CaseId,
        purpose: DecryptPurpose,
    ) -> AppResult<Vec<OpenedIdentity>> {
        let c = self.case_seen(actor, case_id).await?;
        let all = self.store.persons(case_id).await?;
        let rights = self.open_rights(actor, &c, &all).await?;
        let persons: Vec<Person> = all
            .into_iter()
            .filter(|p| rights.may_open(actor, &c, p))
            .collect();
        if persons.is_empty() {
            return Ok(Vec::new());
        }
        let ring = self.reader_ring(actor, &c).await?;
        let mut out = Vec::with_capacity(persons.len());
        let mut entries = Vec::with_capacity(persons.len());
        for p in &persons {
            let grant = rights.granted.get(&p.id).map(|s| &s.grant);
            let (opened, entry) = self.open_sealed(actor, &ring, case_id, p, grant, &purpose)?;
            entries.push(entry);
            out.push(opened);
        }
        self.store.append_audits(&entries).await?;
        Ok(out)
    }

    /// Erases a person's identity by destroying their data key (crypto-shredding);
    /// the case and the person's role and counts stay.
    pub async fn shred_person(
        &self,
        actor: &Actor,
        case_id: CaseId,
        pid: PersonId,
    ) -> AppResult<()> {
        let (c, p) = self.person_seen(actor, case_id, pid).await?;
        if !c.may_manage(actor) {
            return Err(manage_forbidden());
        }
        let Some(mut sealed) = p.sealed else {
            return Err(AppError::Conflict(
                "a suspect's identity is part of the court record and is not erased here".into(),
            ));
        };
        if sealed.is_shredded() {
            return Ok(());
        }
        sealed.shred();
        let audit = self.audit(
            Some(actor),
            AuditAction::CasePersonShred,
            "case_person",
            &pid.to_string(),
            json!({"case": case_id.to_string(), "role": p.role.as_str()}),
        );
        if !self
            .store
            .reseal_person(pid, &sealed, Some(self.now()), &audit)
            .await?
        {
            return Err(AppError::NotFound);
        }
        Ok(())
    }

    /// Sets where a victim's referral to a service stands.
    pub async fn set_service(
        &self,
        actor: &Actor,
        case_id: CaseId,
        pid: PersonId,
        service: ServiceKind,
        status: ServiceStatus,
    ) -> AppResult<()> {
        let (c, p) = self.person_seen(actor, case_id, pid).await?;
        if !c.may_write(actor) {
            return Err(forbidden());
        }
        if p.role != PersonRole::Victim {
            return Err(AppError::field(
                "service",
                sinergi_core::msg!(
                    "case-victim-facts-only",
                    "origin, destination, repatriation and services are recorded for victims only"
                ),
            ));
        }
        let r = ServiceReferral {
            service,
            status,
            since: self.today_for_region(&c.region_code),
        };
        let audit = self.audit(
            Some(actor),
            AuditAction::CaseServiceUpdate,
            "case_person",
            &pid.to_string(),
            json!({"service": service.as_str(), "status": status.as_str()}),
        );
        if !self.store.set_service(pid, &r, &audit).await? {
            return Err(AppError::NotFound);
        }
        Ok(())
    }

    /// Adds an evidence item with its seizure.
    pub async fn add_evidence(
        &self,
        actor: &Actor,
        case_id: CaseId,
        input: sinergi_core::case::EvidenceInput,
    ) -> AppResult<sinergi_core::case::Evidence> {
        use sinergi_core::case::{CustodyEvent, CustodyId, Evidence, EvidenceId};
        let c = self.case_seen(actor, case_id).await?;
        if !c.may_write(actor) {
            return Err(forbidden());
        }
        let now = self.now();
        let id = input
            .id
            .unwrap_or_else(|| EvidenceId::new_at(now, Self::id_bits()));
        let s = input.seizure;
        let e = Evidence {
            id,
            case_id,
            description: input.description,
            quantity: input.quantity,
            chain: vec![CustodyEvent {
                id: CustodyId::new_at(now, Self::id_bits()),
                evidence_id: id,
                seq: 1,
                action: s.action,
                on: s.on,
                holder: s.holder,
                document_number: s.document_number,
                note: s.note,
                recorded_by: actor.user_id,
                recorded_at: now,
            }],
            created_by: actor.user_id,
            created_at: now,
        };
        let audit = self.audit(
            Some(actor),
            AuditAction::CaseEvidenceAdd,
            "case_evidence",
            &id.to_string(),
            json!({"case": case_id.to_string(), "description": e.description}),
        );
        if !self.store.insert_evidence(&e, &audit).await? {
            return Err(AppError::Conflict(
                "an evidence item with this id exists".into(),
            ));
        }
        Ok(e)
    }

    /// Adds a step to an evidence item's chain of custody.
    pub async fn record_custody(
        &self,
        actor: &Actor,
        case_id: CaseId,
        item: sinergi_core::case::EvidenceId,
        input: sinergi_core::case::CustodyInput,
    ) -> AppResult<sinergi_core::case::Evidence> {
        use sinergi_core::case::{CustodyEvent, CustodyId};
        let c = self.case_seen(actor, case_id).await?;
        let mut e = self
            .store
            .evidence_item(item)
            .await?
            .filter(|e| e.case_id == case_id)
            .ok_or(AppError::NotFound)?;
        if !c.may_write(actor) {
            return Err(forbidden());
        }
        e.check_next(&input, self.today_for_region(&c.region_code))?;
        let now = self.now();
        let step = CustodyEvent {
            id: CustodyId::new_at(now, Self::id_bits()),
            evidence_id: item,
            seq: e.chain.last().map(|l| l.seq + 1).unwrap_or(1),
            action: input.action,
            on: input.on,
            holder: input.holder,
            document_number: input.document_number,
            note: input.note,
            recorded_by: actor.user_id,
            recorded_at: now,
        };
        let audit = self.audit(
            Some(actor),
            AuditAction::CaseCustodyRecord,
            "case_evidence",
            &item.to_string(),
            json!({"case": case_id.to_string(), "action": step.action.as_str(), "holder": step.holder}),
        );
        if !self.store.add_custody(&step, &audit).await? {
            return Err(AppError::Conflict(
                "another step was recorded for this item meanwhile; reload and try again".into(),
            ));
        }
        e.chain.push(step);
        Ok(e)
    }

    /// Asks another agency, joined by an agreement in force, to do a task for the case.
    pub async fn request_task(
        &self,
        actor: &Actor,
        case_id: CaseId,
        input: sinergi_core::case::TaskInput,
    ) -> AppResult<sinergi_core::case::CaseTask> {
        use sinergi_core::case::{CaseTask, TaskId, TaskStatus};
        let c = self.case_seen(actor, case_id).await?;
        if !c.may_write(actor) {
            return Err(forbidden());
        }
        let target = self.agency_or_field(&input.to, "to").await?;
        if target.id != actor.agency_id
            && !self.agreement_between(actor.agency_id, target.id).await?
        {
            return Err(AppError::field(
                "to",
                sinergi_core::msg!(
                    "case-transfer-no-agreement",
                    "no agreement in force joins your agency and {code}",
                    code = input.to.as_str()
                ),
            ));
        }
        let now = self.now();
        let t = CaseTask {
            id: TaskId::new_at(now, Self::id_bits()),
            case_id,
            from_agency_id: actor.agency_id,
            to_agency_id: target.id,
            kind: input.kind,
            what: input.what,
            due_on: input.due_on,
            status: TaskStatus::Requested,
            result: None,
            requested_by: actor.user_id,
            requested_at: now,
            answered_by: None,
            answered_at: None,
        };
        let audit = self.audit(
            Some(actor),
            AuditAction::CaseTaskRequest,
            "case",
            &case_id.to_string(),
            json!({"to": target.code.as_str(), "kind": t.kind.as_str()}),
        );
        if !self.store.insert_task(&t, &audit).await? {
            return Err(AppError::Conflict("a task with this id exists".into()));
        }
        Ok(t)
    }

    /// The tasks asked of the actor's agency, each with the case's number, title and
    /// offence (never its persons) and the asking agency.
    pub async fn my_tasks(
        &self,
        actor: &Actor,
    ) -> AppResult<Vec<(sinergi_core::case::CaseTask, Case, Agency)>> {
        let mut out = Vec::new();
        for t in self.store.tasks_for(actor.agency_id).await? {
            let c = self.store.case(t.case_id).await?;
            let from = self.store.agency(t.from_agency_id).await?;
            if let (Some(c), Some(from)) = (c, from) {
                out.push((t, c, from));
            }
        }
        Ok(out)
    }

    /// The asked agency answers a task: done with its result, or refused with the reason.
    pub async fn answer_task(
        &self,
        actor: &Actor,
        id: sinergi_core::case::TaskId,
        status: sinergi_core::case::TaskStatus,
        result: String,
    ) -> AppResult<sinergi_core::case::CaseTask> {
        let t = self.store.task(id).await?.ok_or(AppError::NotFound)?;
        let c = self
            .store
            .case(t.case_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if actor.agency_id != t.to_agency_id && !c.visible_to(actor) {
            return Err(AppError::NotFound);
        }
        if actor.agency_id != t.to_agency_id || !actor.may(Action::WriteReports) {
            return Err(AppError::Forbidden(
                "only the agency asked answers a task".into(),
            ));
        }
        if t.status != sinergi_core::case::TaskStatus::Requested {
            return Err(AppError::Conflict("this task was already answered".into()));
        }
        let now = self.now();
        let answered = sinergi_core::case::CaseTask {
            status,
            result: Some(result),
            answered_by: Some(actor.user_id),
            answered_at: Some(now),
            ..t
        };
        let audit = self.audit(
            Some(actor),
            AuditAction::CaseTaskAnswer,
            "case",
            &c.id.to_string(),
            json!({"task": id.to_string(), "status": status.as_str()}),
        );
        if !self.store.answer_task(&answered, &audit).await? {
            return Err(AppError::Conflict("this task was already answered".into()));
        }
        Ok(answered)
    }

    /// Whether an agreement in force has both agencies (or agencies above them) as
    /// parties.
    async fn agreement_between(
        &self,
        a: sinergi_core::ids::AgencyId,
        b: sinergi_core::ids::AgencyId,
    ) -> AppResult<bool> {
        let sharing = self.sharing().await?;
        let now = self.now();
        Ok(sharing
            .agreements
            .iter()
            .filter(|g| g.in_force(now))
            .any(|g| {
                g.parties.iter().any(|p| sharing.tree.is_within(a, *p))
                    && g.parties.iter().any(|p| sharing.tree.is_within(b, *p))
            }))
    }

    /// Asks another agency to take the case over.
    pub async fn request_transfer(
        &self,
        actor: &Actor,
        case_id: CaseId,
        to: AgencyCode,
        note: Option<String>,
    ) -> AppResult<Transfer> {
        let c = self.case_seen(actor, case_id).await?;
        if !c.may_manage(actor) {
            return Err(manage_forbidden());
        }
        let target = self.agency_or_field(&to, "to").await?;
        if target.id == c.owner_agency_id {
            return Err(AppError::field(
                "to",
                sinergi_core::msg!("case-transfer-self", "the case is already this agency's"),
            ));
        }
        if !self.agreement_between(c.owner_agency_id, target.id).await? {
            return Err(AppError::field(
                "to",
                sinergi_core::msg!(
                    "case-transfer-no-agreement",
                    "no agreement in force joins your agency and {code}",
                    code = to.as_str()
                ),
            ));
        }
        let now = self.now();
        let t = Transfer {
            id: TransferId::new_at(now, Self::id_bits()),
            case_id,
            from_agency_id: c.owner_agency_id,
            to_agency_id: target.id,
            note,
            status: TransferStatus::Requested,
            requested_by: actor.user_id,
            requested_at: now,
            decided_by: None,
            decided_at: None,
            decision_note: None,
        };
        let audit = self.audit(
            Some(actor),
            AuditAction::CaseTransferRequest,
            "case",
            &case_id.to_string(),
            json!({"to": to.as_str()}),
        );
        if !self.store.insert_transfer(&t, &audit).await? {
            return Err(AppError::Conflict(
                "the case already has a transfer waiting for an answer".into(),
            ));
        }
        Ok(t)
    }

    /// The transfers waiting for the actor's agency.
    pub async fn incoming_transfers(
        &self,
        actor: &Actor,
    ) -> AppResult<Vec<(Transfer, Case, Agency)>> {
        let mut out = Vec::new();
        for t in self.store.incoming_transfers(actor.agency_id).await? {
            let c = self.store.case(t.case_id).await?;
            let from = self.store.agency(t.from_agency_id).await?;
            if let (Some(c), Some(from)) = (c, from) {
                out.push((t, c, from));
            }
        }
        Ok(out)
    }

    /// The receiving agency accepts or refuses a transfer. On acceptance the case is
    /// its, and the persons' identities are re-wrapped for its key ring.
    pub async fn decide_transfer(
        &self,
        actor: &Actor,
        id: TransferId,
        accept: bool,
        note: Option<String>,
    ) -> AppResult<Transfer> {
        let t = self.store.transfer(id).await?.ok_or(AppError::NotFound)?;
        let c = self
            .store
            .case(t.case_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let sees = actor.agency_id == t.to_agency_id || c.visible_to(actor);
        if !sees {
            return Err(AppError::NotFound);
        }
        if actor.agency_id != t.to_agency_id || !actor.may(Action::ManageAgencyReports) {
            return Err(AppError::Forbidden(
                "only a coordinator or administrator of the receiving agency answers a transfer"
                    .into(),
            ));
        }
        if t.status != TransferStatus::Requested {
            return Err(AppError::Conflict(
                "this transfer was already answered".into(),
            ));
        }
        let mut resealed = Vec::new();
        if accept {
            let from = self
                .store
                .agency(t.from_agency_id)
                .await?
                .ok_or(AppError::NotFound)?;
            let to = self
                .store
                .agency(t.to_agency_id)
                .await?
                .ok_or(AppError::NotFound)?;
            let sealed: Vec<Person> = self
                .store
                .persons(c.id)
                .await?
                .into_iter()
                .filter(|p| p.sealed.as_ref().is_some_and(|s| !s.is_shredded()))
                .collect();
            if !sealed.is_empty() {
                let from_ring = self.case_keys.ring(from.code.as_str())?.ok_or_else(|| {
                    AppError::Internal("the handing agency's key file is missing".into())
                })?;
                let to_ring = self.case_keys.ring(to.code.as_str())?.ok_or_else(|| {
                    AppError::Conflict(format!(
                        "{} has no key file for protected persons; an administrator makes one with `sinergi keygen --agency {}` before accepting",
                        to.code.as_str(),
                        to.code.as_str()
                    ))
                })?;
                for p in sealed {
                    let mut s = p.sealed.clone().unwrap_or_else(|| unreachable!());
                    s.rewrap_to(&from_ring, &to_ring, p.id.0, &mut OsRng)
                        .map_err(|e| AppError::Internal(Box::new(e)))?;
                    resealed.push((p.id, s));
                }
            }
        }
        let now = self.now();
        let decided = Transfer {
            status: if accept {
                TransferStatus::Accepted
            } else {
                TransferStatus::Refused
            },
            decided_by: Some(actor.user_id),
            decided_at: Some(now),
            decision_note: note,
            ..t
        };
        let audit = self.audit(
            Some(actor),
            AuditAction::CaseTransferDecide,
            "case",
            &c.id.to_string(),
            json!({"decision": decided.status.as_str(), "persons_rewrapped": resealed.len() as i64}),
        );
        if !self
            .store
            .decide_transfer(&decided, c.version, &resealed, &audit)
            .await?
        {
            return Err(AppError::Conflict(
                "the case or the transfer changed meanwhile; reload and answer again".into(),
            ));
        }
        Ok(decided)
    }

    /// The enforcement funnel of the cases the actor counts ([`App::counts_query`]).
    /// The scope of the counts an agency sees: its cases (as for the lists), and the
    /// cases owned by the parties of an agreement in force it is a party to, or a unit
    /// under a party of, and by the units under those parties. Counts carry no name and
    /// cells of victims below [`SMALL_CELL`] are withheld, so partners see the indicators
    /// the agreements are about (the funnel, victims by origin) without seeing a case.
    async fn counts_query(&self, actor: &Actor, f: &CaseFilter) -> AppResult<CaseQuery> {
        let mut q = Self::case_query(actor, f);
        let sharing = self.sharing().await?;
        let now = self.now();
        let mut partners: Vec<sinergi_core::ids::AgencyId> = Vec::new();
        for g in sharing.agreements.iter().filter(|g| g.in_force(now)) {
            if g.parties
                .iter()
                .any(|p| sharing.tree.is_within(actor.agency_id, *p))
            {
                for p in &g.parties {
                    if !partners.contains(p) {
                        partners.push(*p);
                    }
                }
            }
        }
        for p in partners {
            for a in std::iter::once(p).chain(sharing.tree.descendants(p)) {
                if !q.owners.contains(&a) {
                    q.owners.push(a);
                }
            }
        }
        Ok(q)
    }

    pub async fn case_funnel(&self, actor: &Actor, f: &CaseFilter) -> AppResult<Funnel> {
        let q = self.counts_query(actor, f).await?;
        let mut rows = Vec::new();
        let mut codes: HashMap<sinergi_core::ids::AgencyId, String> = HashMap::new();
        for r in self.store.funnel(&q).await? {
            self.cache_agency_code(&mut codes, r.agency_id).await?;
            let code = codes[&r.agency_id].clone();
            rows.push((r, code));
        }
        Ok(Funnel {
            rows,
            stage_times: self.store.stage_times(&q).await?,
        })
    }

    /// Victims of the cases the actor counts ([`App::counts_query`]), by origin, destination and month,
    /// and their referrals by service; cells of fewer than [`SMALL_CELL`] victims come
    /// back as `0 < n < SMALL_CELL` only through [`suppressed`].
    pub async fn victim_counts(&self, actor: &Actor, f: &CaseFilter) -> AppResult<VictimCounts> {
        let q = self.counts_query(actor, f).await?;
        let rows = self.store.victim_counts(&q).await?;
        let total = rows.iter().map(|r| r.victims).sum();
        Ok(VictimCounts {
            rows,
            services: self.store.service_counts(&q).await?,
            total,
        })
    }

    /// The agency's case-number format (its own, or the default).
    pub async fn case_number_format(&self, actor: &Actor) -> AppResult<String> {
        Ok(self
            .store
            .case_number_format(actor.agency_id)
            .await?
            .unwrap_or_else(|| DEFAULT_NUMBER_FORMAT.to_string()))
    }

    /// An administrator of the agency sets its case-number format (`{nomor}` once,
    /// `{bulan}`, `{tahun}`, `{kode}`); cases already numbered keep their numbers.
    pub async fn set_case_number_format(&self, actor: &Actor, format: &str) -> AppResult<String> {
        if !actor.may(Action::AdministerAgencies) {
            return Err(AppError::Forbidden(
                "only an administrator of the agency sets its case-number format".into(),
            ));
        }
        let f = case::check_number_format(format).map_err(|m| AppError::field("format", m))?;
        let audit = self.audit(
            Some(actor),
            AuditAction::CaseSettingsChange,
            "agency",
            &actor.agency_id.to_string(),
            json!({"number_format": f}),
        );
        self.store
            .set_case_number_format(actor.agency_id, &f, actor.user_id, self.now(), &audit)
            .await?;
        Ok(f)
    }

    /// The roles whose users open the agency's protected identities.
    pub async fn case_decrypt_roles(&self, actor: &Actor) -> AppResult<Vec<Role>> {
        self.decrypt_roles(actor.agency_id).await
    }

    /// An administrator of the agency names the roles that open its protected
    /// identities.
    pub async fn set_case_decrypt_roles(&self, actor: &Actor, roles: Vec<Role>) -> AppResult<()> {
        if !actor.may(Action::AdministerAgencies) {
            return Err(AppError::Forbidden(
                "only an administrator of the agency names who opens protected identities".into(),
            ));
        }
        if roles.contains(&Role::SystemAdmin) {
            return Err(AppError::field(
                "roles",
                sinergi_core::msg!(
                    "case-decrypt-role-system",
                    "system administrators do not open an agency's protected identities"
                ),
            ));
        }
        let names: Vec<String> = roles.iter().map(|r| r.as_str().to_string()).collect();
        let audit = self.audit(
            Some(actor),
            AuditAction::CaseSettingsChange,
            "agency",
            &actor.agency_id.to_string(),
            json!({"decrypt_roles": names.join(",")}),
        );
        self.store
            .set_decrypt_roles(actor.agency_id, &names, actor.user_id, self.now(), &audit)
            .await?;
        Ok(())
    }
}

/// Days after a deadline passed when the reminder goes to the owner's superior too.
pub const ESCALATE_DAYS: u64 = 3;
/// The most cases reminded per level in one run.
const REMINDER_BATCH: u32 = 500;

impl App {
    /// The active coordinators and administrators of an agency, and `also` when active.
    pub(crate) async fn case_managers(
        &self,
        agency: sinergi_core::ids::AgencyId,
        also: Option<sinergi_core::ids::UserId>,
    ) -> AppResult<Vec<sinergi_core::ids::UserId>> {
        let mut out: Vec<sinergi_core::ids::UserId> = self
            .store
            .users(Some(agency))
            .await?
            .into_iter()
            .filter(|u| u.active && matches!(u.role, Role::Coordinator | Role::AgencyAdmin))
            .map(|u| u.id)
            .collect();
        if let Some(id) = also {
            if !out.contains(&id) && self.store.user(id).await?.is_some_and(|u| u.active) {
                out.push(id);
            }
        }
        Ok(out)
    }

    /// Reminds the earliest deadline of every case, once per level: "due soon" from
    /// [`SOON_DAYS`] before it and "overdue" after it to the owner's coordinators and
    /// administrators and whoever opened the case, and [`ESCALATE_DAYS`] after it also to
    /// the coordinators and administrators of the agency the owner reports to. In the
    /// app (notifications) and, when SMTP is set up, by mail to those who gave an
    /// address; each audited; dates in the zone of the case's region.
    pub async fn run_case_reminders(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> AppResult<(usize, usize, usize)> {
        let (mut reminders, mut notices_sent, mut mails_sent) = (0, 0, 0);
        // Indonesia's dates are UTC's or the next day's.
        let latest = now.date_naive() + chrono::Days::new(1);
        for level in ["escalated", "overdue", "due_soon"] {
            let until = match level {
                "due_soon" => latest + chrono::Days::new(u64::from(SOON_DAYS)),
                "overdue" => latest,
                _ => latest - chrono::Days::new(ESCALATE_DAYS),
            };
            for c in self
                .store
                .cases_to_remind(level, until, REMINDER_BATCH)
                .await?
            {
                let Some(due) = c.next_due_on else { continue };
                let today = now
                    .with_timezone(&Zone::for_region(&c.region_code).offset())
                    .date_naive();
                let fits = match level {
                    "due_soon" => classify(due, today, SOON_DAYS) == Urgency::DueSoon,
                    "overdue" => due < today,
                    _ => due + chrono::Days::new(ESCALATE_DAYS) < today,
                };
                if !fits {
                    continue;
                }
                let owner = self.store.agency(c.owner_agency_id).await?;
                let owner_code = owner
                    .as_ref()
                    .map(|a| a.code.as_str().to_string())
                    .unwrap_or_default();
                let recipients = if level == "escalated" {
                    match self.superior_of(c.owner_agency_id).await? {
                        Some(sup) => self.case_managers(sup.id, None).await?,
                        None => Vec::new(),
                    }
                } else {
                    self.case_managers(c.owner_agency_id, Some(c.created_by))
                        .await?
                };
                let basis = c.deadlines().first().map(|d| d.basis).unwrap_or("");
                let notices: Vec<sinergi_store::Notification> = recipients
                    .iter()
                    .map(|u| sinergi_store::Notification {
                        id: sinergi_core::ids::NotificationId::new_at(now, Self::id_bits()),
                        user_id: *u,
                        kind: format!("case_deadline_{level}"),
                        record_type: Some("case".into()),
                        record_id: Some(c.id.to_string()),
                        detail: json!({"number": c.number, "title": c.title, "due": due.to_string(),
                            "basis": basis, "agency": owner_code}),
                        created_at: now,
                        read_at: None,
                    })
                    .collect();
                let mails = if self.mail_configured() && !recipients.is_empty() {
                    let due_text = due.format("%d-%m-%Y");
                    let subject = match level {
                        "due_soon" => format!("[Sinergi] Tenggat perkara {} pada {due_text}", c.number),
                        "overdue" => format!("[Sinergi] Tenggat perkara {} terlewati ({due_text})", c.number),
                        _ => format!("[Sinergi] Tenggat perkara {} milik {owner_code} terlewati ({due_text})", c.number),
                    };
                    let body = format!(
                        "Perkara: {} — {}\nInstansi: {owner_code}\nTenggat: {due_text} ({basis})\n\n\
                         Lihat perkaranya di Sinergi: /perkara/{}\n\n\
                         Surel ini dikirim karena alamat Anda terdaftar untuk pengingat di Sinergi; \
                         hapus alamat di halaman Akun untuk berhenti menerimanya.\n",
                        c.number, c.title, c.id,
                    );
                    self.mails_to(
                        &recipients,
                        (&subject, &body),
                        &format!("case_deadline_{level}"),
                        ("case", c.id.to_string()),
                        now,
                    )
                    .await?
                } else {
                    Vec::new()
                };
                let mut entry = self.audit(
                    None,
                    AuditAction::CaseDeadlineReminder,
                    "case",
                    &c.id.to_string(),
                    json!({"level": level, "due": due.to_string(), "recipients": notices.len() as i64,
                        "mails": mails.len() as i64}),
                );
                entry.at = now;
                if self
                    .store
                    .record_case_reminder(c.id, level, due, now, (&notices, &mails), &entry)
                    .await?
                {
                    reminders += 1;
                    notices_sent += notices.len();
                    mails_sent += mails.len();
                }
            }
        }
        Ok((reminders, notices_sent, mails_sent))
    }
}

/// An opened field as text: a photo base64-encoded, the others as written.
fn opened_text(field: &str, v: &[u8]) -> Zeroizing<String> {
    use base64::Engine as _;
    if field == "photo" {
        Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(v))
    } else {
        Zeroizing::new(String::from_utf8_lossy(v).into_owned())
    }
}

/// A count as shown: exact from [`SMALL_CELL`] up, `None` for 1 to [`SMALL_CELL`] − 1.
pub fn suppressed(n: i64) -> Option<i64> {
    if n > 0 && n < SMALL_CELL {
        None
    } else {
        Some(n)
    }
}
