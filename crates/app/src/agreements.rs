//! Data-sharing agreements and single-record referrals: proposing, approving and revoking
//! agreements, and sharing one report with a named agency for a while.
//!
//! Every change is audited in its own transaction. Who may do what: an administrator of a
//! party agency proposes, approves (for their own agency) and revokes; system admins may
//! propose and revoke but approve only for their own agency, since approval is each party's
//! own act. Referrals are made and revoked by the owner agency's coordinators and admins
//! or by the report's author.

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};
use sinergi_core::access::{self, Actor};
use sinergi_core::agreement::{
    Agreement, AgreementBody, AgreementDocument, AgreementInput, AgreementStatus, BreakGlassBody,
    BreakGlassRolesBody, Clause, ReferralBody,
};
use sinergi_core::audit::Action;
use sinergi_core::ids::{AgencyId, AgreementId, NotificationId, ReferralId, ReportId};
use sinergi_core::user::Role;
use sinergi_core::ValidationErrors;
use sinergi_store::{Notification, ReferralRow, UpdateOutcome};

use crate::{App, AppError, AppResult};
use sinergi_core::permission::Action as Permission;

/// The longest a referral may last.
pub const MAX_REFERRAL_DAYS: i64 = 366;

fn is_admin(a: &Actor) -> bool {
    a.may(Permission::ManageAgreements)
}

impl App {
    async fn code_to_id(
        &self,
        code: &str,
        field: &str,
        errs: &mut ValidationErrors,
    ) -> AppResult<Option<AgencyId>> {
        match self.store.agency_by_code(code).await? {
            Some(a) => Ok(Some(a.id)),
            None => {
                errs.push(
                    field,
                    sinergi_core::msg!("agency-unknown", "{code} is not an agency", code = code),
                );
                Ok(None)
            }
        }
    }

    /// What a clause may name: the report types of the catalogue, then every form as a
    /// record type of its own (`form:{xml_id}`, its questions, groups and repeats as the
    /// fields it may withhold; ADR 39).
    pub async fn agreement_types(&self) -> AppResult<Vec<sinergi_core::report_types::ReportType>> {
        let mut types: Vec<_> = self.report_types().iter().cloned().collect();
        let owners: Vec<AgencyId> = self.store.agencies().await?.iter().map(|a| a.id).collect();
        for form in self.store.forms(&owners).await? {
            let versions = self.store.form_versions(form.id).await?;
            let schemas: Vec<_> = versions
                .iter()
                .filter_map(|v| sinergi_core::submission::Schema::of_xform(&v.xml).ok())
                .collect();
            // The questions' labels, the newest version's winning.
            let mut labels = std::collections::BTreeMap::new();
            for v in &versions {
                let read =
                    |lang| sinergi_core::questionnaire::Questionnaire::of_xform(&v.xml, lang);
                if let (Ok(id), Ok(en)) = (read("id"), read("en")) {
                    let mut en_labels = std::collections::BTreeMap::new();
                    collect_labels(&en.items, &mut |p, l| {
                        en_labels.insert(p.to_string(), l.to_string());
                    });
                    collect_labels(&id.items, &mut |p, l| {
                        let en = en_labels.get(p).cloned().unwrap_or_else(|| l.to_string());
                        labels.insert(p.to_string(), (l.to_string(), en));
                    });
                }
            }
            types.push(sinergi_core::submission::shared::record_type(
                &form.xml_id,
                &form.title,
                &schemas,
                &labels,
            ));
        }
        Ok(types)
    }

    /// Proposes an agreement from its JSON form. The proposer must administer one of the
    /// parties (or be a system admin).
    pub async fn create_agreement(
        &self,
        actor: &Actor,
        body: &AgreementBody,
    ) -> AppResult<Agreement> {
        let a = self.resolve_agreement(actor, body).await?;
        let entry = self.audit(
            Some(actor),
            Action::AgreementCreate,
            "agreement",
            &a.id.to_string(),
            json!({"number": a.number, "status": a.status.as_str()}),
        );
        self.store.insert_agreement(&a, &entry).await?;
        Ok(a)
    }

    /// Parses an agreement's JSON form, resolves agency codes and checks that the actor
    /// administers a party; the result is new and not yet stored.
    async fn resolve_agreement(&self, actor: &Actor, body: &AgreementBody) -> AppResult<Agreement> {
        let types = self.agreement_types().await?;
        let input = AgreementInput::from_body(body, &types)?;
        let mut errs = ValidationErrors::new();
        let mut parties = Vec::new();
        for (i, code) in input.parties.iter().enumerate() {
            if let Some(id) = self
                .code_to_id(code, &format!("parties[{i}]"), &mut errs)
                .await?
            {
                if parties.contains(&id) {
                    errs.push(
                        format!("parties[{i}]"),
                        sinergi_core::msg!("party-repeated", "{code} is named twice", code = code),
                    );
                }
                parties.push(id);
            }
        }
        let mut clauses = Vec::new();
        for (i, c) in input.clauses.iter().enumerate() {
            let from = match &c.from {
                Some(code) => {
                    self.code_to_id(code, &format!("clauses[{i}].from"), &mut errs)
                        .await?
                }
                None => None,
            };
            let mut to = Vec::new();
            for code in &c.to {
                if let Some(id) = self
                    .code_to_id(code, &format!("clauses[{i}].to"), &mut errs)
                    .await?
                {
                    to.push(id);
                }
            }
            clauses.push(Clause {
                from,
                to,
                report_types: c.report_types.clone(),
                categories: c.categories.clone(),
                max_sensitivity: c.max_sensitivity,
                withheld_fields: c.withheld_fields.clone(),
                precision: c.precision,
                include_subagencies: c.include_subagencies,
                protected_persons: c.protected_persons.clone(),
            });
        }
        if !errs.is_empty() {
            return Err(errs.into());
        }
        if !administers_party(actor, &parties) {
            return Err(AppError::Forbidden(
                "only an administrator of a party agency may propose an agreement".into(),
            ));
        }
        let now = self.now();
        let a = Agreement {
            id: AgreementId::new_at(now, Self::id_bits()),
            title: input.title,
            number: input.number,
            legal_basis: input.legal_basis,
            parties,
            approvals: Vec::new(),
            valid_from: input.valid_from,
            valid_until: input.valid_until,
            status: if input.draft {
                AgreementStatus::Draft
            } else {
                AgreementStatus::Proposed
            },
            clauses,
            documents: Vec::new(),
            version: 1,
            created_by: actor.user_id,
            created_at: now,
            updated_at: now,
        };
        Ok(a)
    }

    /// Replaces the content of a draft with a new JSON form (same shape as a proposal).
    /// Only administrators of a party edit, and only while it is a draft; `expected` is
    /// the version the editor read.
    pub async fn update_draft(
        &self,
        actor: &Actor,
        id: AgreementId,
        expected: Option<i64>,
        body: &AgreementBody,
    ) -> AppResult<Agreement> {
        let current = self.agreement_for(actor, id).await?;
        if current.status != AgreementStatus::Draft {
            return Err(AppError::Conflict(format!(
                "only drafts can be edited; this agreement is {}",
                current.effective_status(self.now()).as_str()
            )));
        }
        if let Some(v) = expected {
            if v != current.version {
                return Err(AppError::PreconditionFailed {
                    current: current.version,
                });
            }
        }
        if !administers_party(actor, &current.parties) {
            return Err(AppError::Forbidden(
                "only an administrator of a party agency may edit the draft".into(),
            ));
        }
        // Parse and resolve exactly as a new proposal, then keep identity and history.
        let fresh = self.resolve_agreement(actor, body).await?;
        let draft = fresh.status == AgreementStatus::Draft;
        let a = Agreement {
            id: current.id,
            status: if draft {
                AgreementStatus::Draft
            } else {
                AgreementStatus::Proposed
            },
            approvals: Vec::new(),
            documents: current.documents,
            version: current.version,
            created_by: current.created_by,
            created_at: current.created_at,
            updated_at: current.updated_at,
            ..fresh
        };
        let detail = json!({"number": a.number, "status": a.status.as_str()});
        self.save_agreement(actor, a, Action::AgreementUpdate, detail)
            .await
    }

    /// Sends a draft to the parties for approval.
    pub async fn propose_agreement(&self, actor: &Actor, id: AgreementId) -> AppResult<Agreement> {
        let mut a = self.agreement_for(actor, id).await?;
        if !administers_party(actor, &a.parties) {
            return Err(AppError::Forbidden(
                "only an administrator of a party agency may propose".into(),
            ));
        }
        if a.status != AgreementStatus::Draft {
            return Err(AppError::Conflict(format!(
                "the agreement is {}, not a draft",
                a.effective_status(self.now()).as_str()
            )));
        }
        a.status = AgreementStatus::Proposed;
        self.save_agreement(
            actor,
            a,
            Action::AgreementUpdate,
            json!({"status": "proposed"}),
        )
        .await
    }

    /// Attaches the signed text or an annex (PDF or image) to an agreement. Administrators
    /// of a party may add documents until the agreement is revoked; the same file twice
    /// is stored once.
    pub async fn add_agreement_document(
        &self,
        actor: &Actor,
        id: AgreementId,
        filename: &str,
        bytes: &[u8],
    ) -> AppResult<AgreementDocument> {
        let mut a = self.agreement_for(actor, id).await?;
        if !administers_party(actor, &a.parties) {
            return Err(AppError::Forbidden(
                "only an administrator of a party agency may attach documents".into(),
            ));
        }
        if a.status == AgreementStatus::Revoked {
            return Err(AppError::Conflict(
                "the agreement is revoked; nothing can be added".into(),
            ));
        }
        let (sha256, content_type, name) = self.store_blob(filename, bytes, "perjanjian").await?;
        if let Some(d) = a.documents.iter().find(|d| d.sha256 == sha256) {
            return Ok(d.clone());
        }
        let now = self.now();
        let doc = AgreementDocument {
            id: AgreementId::new_at(now, Self::id_bits()).0,
            filename: name,
            content_type: content_type.into(),
            size: bytes.len() as i64,
            sha256,
            uploaded_by: actor.user_id,
            uploaded_at: now,
        };
        a.documents.push(doc.clone());
        let detail = json!({"document": doc.id.to_string(), "filename": doc.filename, "sha256": doc.sha256, "size": doc.size});
        self.save_agreement(actor, a, Action::AgreementUpdate, detail)
            .await?;
        Ok(doc)
    }

    /// A document of an agreement the actor may see, with its bytes.
    pub async fn agreement_document(
        &self,
        actor: &Actor,
        id: AgreementId,
        doc: uuid::Uuid,
    ) -> AppResult<(AgreementDocument, Vec<u8>)> {
        let a = self.agreement_for(actor, id).await?;
        let d = a
            .documents
            .into_iter()
            .find(|d| d.id == doc)
            .ok_or(AppError::NotFound)?;
        let bytes = self.read_blob(&d.sha256).await?;
        Ok((d, bytes))
    }

    /// Agreements the actor's agency (or an agency above it) is party to; all for system
    /// admins.
    pub async fn agreements_for(&self, actor: &Actor) -> AppResult<Vec<Agreement>> {
        // The same parsed copy the visibility decision uses, refreshed when anything changes.
        let sharing = self.sharing().await?;
        let tree = &sharing.tree;
        Ok(sharing
            .agreements
            .iter()
            .filter(|a| {
                actor.may(Permission::ManageAgreementsAnyParty)
                    || a.parties
                        .iter()
                        .any(|p| tree.is_within(actor.agency_id, *p))
            })
            .cloned()
            .collect())
    }

    pub async fn agreement_for(&self, actor: &Actor, id: AgreementId) -> AppResult<Agreement> {
        self.agreements_for(actor)
            .await?
            .into_iter()
            .find(|a| a.id == id)
            .ok_or(AppError::NotFound)
    }

    /// Records the approval of the actor's agency; the agreement becomes active when every
    /// party has approved.
    pub async fn approve_agreement(&self, actor: &Actor, id: AgreementId) -> AppResult<Agreement> {
        let mut a = self.agreement_for(actor, id).await?;
        if !is_admin(actor) || !a.parties.contains(&actor.agency_id) {
            return Err(AppError::Forbidden(
                "only an administrator of a party agency approves, for that agency".into(),
            ));
        }
        if a.effective_status(self.now()) != AgreementStatus::Proposed {
            return Err(AppError::Conflict(format!(
                "the agreement is {}, not proposed",
                a.effective_status(self.now()).as_str()
            )));
        }
        if !a.approvals.contains(&actor.agency_id) {
            a.approvals.push(actor.agency_id);
        }
        if a.parties.iter().all(|p| a.approvals.contains(p)) {
            a.status = AgreementStatus::Active;
        }
        let detail = json!({"agency": actor.agency_id.to_string(), "status": a.status.as_str()});
        self.save_agreement(actor, a, Action::AgreementApprove, detail)
            .await
    }

    /// Ends an agreement at once: nothing flows under it from now on.
    pub async fn revoke_agreement(&self, actor: &Actor, id: AgreementId) -> AppResult<Agreement> {
        let mut a = self.agreement_for(actor, id).await?;
        if !administers_party(actor, &a.parties) {
            return Err(AppError::Forbidden(
                "only an administrator of a party agency may revoke".into(),
            ));
        }
        if a.status == AgreementStatus::Revoked {
            return Err(AppError::Conflict(
                "the agreement is already revoked".into(),
            ));
        }
        a.status = AgreementStatus::Revoked;
        self.save_agreement(actor, a, Action::AgreementRevoke, json!({}))
            .await
    }

    async fn save_agreement(
        &self,
        actor: &Actor,
        mut a: Agreement,
        action: Action,
        detail: Value,
    ) -> AppResult<Agreement> {
        let expected = a.version;
        a.version += 1;
        a.updated_at = self.now();
        let entry = self.audit(Some(actor), action, "agreement", &a.id.to_string(), detail);
        match self.store.update_agreement(&a, expected, &entry).await? {
            UpdateOutcome::Updated => Ok(a),
            UpdateOutcome::VersionMismatch(current) => {
                Err(AppError::PreconditionFailed { current })
            }
            UpdateOutcome::NotFound => Err(AppError::NotFound),
        }
    }

    // ---- referrals -------------------------------------------------------------------

    /// Shares one report with another agency until a date, with a reason.
    pub async fn refer_report(
        &self,
        actor: &Actor,
        report: ReportId,
        body: &ReferralBody,
    ) -> AppResult<ReferralRow> {
        let r = self.store.report(report).await?.ok_or(AppError::NotFound)?;
        if !access::can_view(actor, &r.access()) {
            return Err(AppError::NotFound);
        }
        let manages = r.owner_agency_id == actor.agency_id
            && (r.author_id == actor.user_id || actor.may(Permission::ManageAgencyReports));
        if !manages {
            return Err(AppError::Forbidden("only the owner agency's coordinators and admins, or the author, may refer a report".into()));
        }
        let mut errs = ValidationErrors::new();
        body.unknown.report("", &mut errs);
        let to = match body.to.given() {
            Some(code) => self.code_to_id(code, "to", &mut errs).await?,
            None => {
                errs.push(
                    "to",
                    sinergi_core::msg!("referral-to-required", "name the agency to share with"),
                );
                None
            }
        };
        if to == Some(actor.agency_id) || to == Some(r.owner_agency_id) {
            errs.push(
                "to",
                sinergi_core::msg!(
                    "referral-to-own-agency",
                    "a report cannot be referred to its own agency"
                ),
            );
        }
        let reason = body.reason.given().map(|s| s.trim()).unwrap_or("");
        if reason.is_empty() || reason.chars().count() > 2000 {
            errs.push(
                "reason",
                sinergi_core::msg!(
                    "referral-reason-length",
                    "give a reason of 1 to 2000 characters"
                ),
            );
        }
        let now = self.now();
        let until = match body
            .until
            .given()
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        {
            Some(t) if t.with_timezone(&Utc) <= now => {
                errs.push(
                    "until",
                    sinergi_core::msg!("referral-until-past", "lies in the past"),
                );
                None
            }
            Some(t) if t.with_timezone(&Utc) > now + Duration::days(MAX_REFERRAL_DAYS) => {
                errs.push(
                    "until",
                    sinergi_core::msg!(
                        "referral-too-long",
                        "a referral lasts at most {days} days",
                        days = MAX_REFERRAL_DAYS
                    ),
                );
                None
            }
            Some(t) => Some(t.with_timezone(&Utc)),
            None => {
                errs.push(
                    "until",
                    sinergi_core::msg!(
                        "referral-until-invalid",
                        "must be a date-time with offset, e.g. 2026-12-31T23:59:00+07:00"
                    ),
                );
                None
            }
        };
        let (Some(to), Some(until), true) = (to, until, errs.is_empty()) else {
            return Err(errs.into());
        };
        let row = ReferralRow {
            id: ReferralId::new_at(now, Self::id_bits()),
            report_id: report,
            kind: "referral".into(),
            to_agency: Some(to),
            to_user: None,
            reason: reason.to_string(),
            until,
            created_by: actor.user_id,
            created_at: now,
            revoked_at: None,
        };
        let entry = self.audit(
            Some(actor),
            Action::ReferralCreate,
            "report",
            &report.to_string(),
            json!({"referral": row.id.to_string(), "to": to.to_string(), "until": until.to_rfc3339()}),
        );
        let by = self.store.agency(actor.agency_id).await?;
        let notices = self
            .notices_for_agency(
                to,
                &[Role::Coordinator, Role::AgencyAdmin],
                "referral",
                report,
                json!({
                    "report_title": r.title,
                    "by": actor.username,
                    "by_agency": by.map(|a| a.name).unwrap_or_default(),
                    "reason": reason,
                    "until": until.to_rfc3339(),
                }),
            )
            .await?;
        self.store.insert_referral(&row, &entry, &notices).await?;
        Ok(row)
    }

    /// One notification for each active user with one of `roles` in `agency`, or, if it
    /// has none, in the nearest agency above it that has.
    async fn notices_for_agency(
        &self,
        agency: AgencyId,
        roles: &[Role],
        kind: &str,
        report: ReportId,
        detail: Value,
    ) -> AppResult<Vec<Notification>> {
        let now = self.now();
        let mut at = Some(agency);
        let mut hops = 0;
        while let Some(a) = at {
            let users: Vec<_> = self
                .store
                .users(Some(a))
                .await?
                .into_iter()
                .filter(|u| u.active && roles.contains(&u.role))
                .collect();
            if !users.is_empty() {
                return Ok(users
                    .into_iter()
                    .map(|u| Notification {
                        id: NotificationId::new_at(now, Self::id_bits()),
                        user_id: u.id,
                        kind: kind.to_string(),
                        record_type: Some("report".into()),
                        record_id: Some(report.to_string()),
                        detail: detail.clone(),
                        created_at: now,
                        read_at: None,
                    })
                    .collect());
            }
            hops += 1;
            at = match self.store.agency(a).await? {
                Some(x) if hops < 16 => x.parent_id,
                _ => None,
            };
        }
        Ok(Vec::new())
    }

    /// The referrals of a report, for those who may manage them.
    pub async fn referrals(&self, actor: &Actor, report: ReportId) -> AppResult<Vec<ReferralRow>> {
        let r = self.store.report(report).await?.ok_or(AppError::NotFound)?;
        if !access::can_view(actor, &r.access()) {
            return Err(AppError::NotFound);
        }
        let all = self.store.referrals_for_report(report).await?;
        // The owner agency (and the agencies above it, and system administrators) see every
        // referral of its report; anyone else only those addressed to them: a referral's
        // target and reason are the owner's business.
        let owner_side = actor.may(Permission::ManageAgreementsAnyParty)
            || r.owner_agency_id == actor.agency_id
            || actor.agency_descendants.contains(&r.owner_agency_id);
        Ok(all
            .into_iter()
            .filter(|x| {
                owner_side
                    || x.to_agency == Some(actor.agency_id)
                    || x.to_user == Some(actor.user_id)
            })
            .collect())
    }

    pub async fn revoke_referral(
        &self,
        actor: &Actor,
        report: ReportId,
        id: ReferralId,
    ) -> AppResult<()> {
        let referral = self
            .store
            .referral(id)
            .await?
            .filter(|x| x.report_id == report)
            .ok_or(AppError::NotFound)?;
        let r = self.store.report(report).await?.ok_or(AppError::NotFound)?;
        if !access::can_view(actor, &r.access()) {
            return Err(AppError::NotFound);
        }
        let manages = r.owner_agency_id == actor.agency_id
            && (referral.created_by == actor.user_id || actor.may(Permission::ManageAgencyReports));
        if !manages {
            return Err(AppError::Forbidden(
                "only the owner agency's coordinators and admins may revoke a referral".into(),
            ));
        }
        let entry = self.audit(
            Some(actor),
            Action::ReferralRevoke,
            "report",
            &report.to_string(),
            json!({"referral": id.to_string()}),
        );
        if !self.store.revoke_referral(id, self.now(), &entry).await? {
            return Err(AppError::Conflict("the referral has already ended".into()));
        }
        Ok(())
    }
}

/// The setting that lists the roles allowed to break glass.
pub const BREAK_GLASS_ROLES: &str = "break_glass_roles";
/// How long break-glass access lasts.
pub const BREAK_GLASS_HOURS: i64 = 4;

impl App {
    /// The roles that may break glass; coordinators and agency admins until a system admin
    /// says otherwise.
    pub async fn break_glass_roles(&self) -> AppResult<Vec<Role>> {
        match self.store.setting(BREAK_GLASS_ROLES).await? {
            Some(v) => Ok(serde_json::from_str::<Vec<String>>(&v)
                .unwrap_or_default()
                .iter()
                .filter_map(|r| Role::parse(r))
                .collect()),
            None => Ok(vec![Role::Coordinator, Role::AgencyAdmin]),
        }
    }

    /// Sets the roles that may break glass (system admins only).
    pub async fn set_break_glass_roles(
        &self,
        actor: &Actor,
        body: &BreakGlassRolesBody,
    ) -> AppResult<Vec<Role>> {
        if !actor.may(Permission::ChangeSettings) {
            return Err(AppError::Forbidden(
                "only system administrators change this setting".into(),
            ));
        }
        let list = body.roles.given().ok_or_else(|| {
            AppError::field(
                "roles",
                sinergi_core::msg!("roles-not-list", "give a list of roles"),
            )
        })?;
        let mut roles = Vec::new();
        let mut errs = ValidationErrors::new();
        body.unknown.report("", &mut errs);
        for (i, r) in list.iter().enumerate() {
            match r.given().and_then(|s| Role::parse(s)) {
                Some(role) if !roles.contains(&role) => roles.push(role),
                Some(_) => {}
                None => errs.push(
                    format!("roles[{i}]"),
                    sinergi_core::msg!("role-unknown", "not a role"),
                ),
            }
        }
        if !errs.is_empty() {
            return Err(errs.into());
        }
        let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
        let value = serde_json::to_string(&names).map_err(|e| AppError::Internal(Box::new(e)))?;
        let entry = self.audit(
            Some(actor),
            Action::SettingChange,
            "setting",
            BREAK_GLASS_ROLES,
            json!({"roles": names}),
        );
        self.store
            .put_setting(BREAK_GLASS_ROLES, &value, self.now(), &entry)
            .await?;
        Ok(roles)
    }

    /// Opens one restricted report to the actor for a few hours, with a written
    /// justification. The entry is recorded under the owner agency, so its administrators
    /// see it in their audit trail.
    pub async fn break_glass(
        &self,
        actor: &Actor,
        report: ReportId,
        body: &BreakGlassBody,
    ) -> AppResult<ReferralRow> {
        let justification = body.justification.given().map(|s| s.trim()).unwrap_or("");
        if let Some(k) = body.unknown.0.keys().next() {
            return Err(AppError::field(
                k,
                sinergi_core::msg!("field-unknown", "unknown field"),
            ));
        }
        if justification.chars().count() < 10 || justification.chars().count() > 2000 {
            return Err(AppError::field(
                "justification",
                sinergi_core::msg!(
                    "justification-length",
                    "explain why, in 10 to 2000 characters"
                ),
            ));
        }
        if !self.break_glass_roles().await?.contains(&actor.role) {
            return Err(AppError::Forbidden(
                "your role may not use emergency access".into(),
            ));
        }
        let r = self.store.report(report).await?.ok_or(AppError::NotFound)?;
        // A secret report the caller cannot see answers exactly like a missing one:
        // emergency access never opens secrets, and must not reveal that one exists.
        if r.sensitivity == sinergi_core::report::Sensitivity::Secret
            && !access::can_view(actor, &r.access())
        {
            return Err(AppError::NotFound);
        }
        if access::can_view(actor, &r.access()) {
            return Err(AppError::Conflict("you can already see this report".into()));
        }
        let now = self.now();
        // One open emergency access at a time: a second request would only extend it
        // silently.
        let open = self
            .store
            .referrals_for_report(report)
            .await?
            .into_iter()
            .find(|x| {
                x.revoked_at.is_none()
                    && x.until > now
                    && (x.to_user == Some(actor.user_id) || x.to_agency == Some(actor.agency_id))
            });
        if let Some(x) = open {
            return Err(AppError::Conflict(format!(
                "you already have access until {}",
                x.until.to_rfc3339()
            )));
        }
        let row = ReferralRow {
            id: ReferralId::new_at(now, Self::id_bits()),
            report_id: report,
            kind: "break_glass".into(),
            to_agency: None,
            to_user: Some(actor.user_id),
            reason: justification.to_string(),
            until: now + Duration::hours(BREAK_GLASS_HOURS),
            created_by: actor.user_id,
            created_at: now,
            revoked_at: None,
        };
        let mut entry = self.audit(
            Some(actor),
            Action::BreakGlass,
            "report",
            &report.to_string(),
            json!({"justification": justification, "until": row.until.to_rfc3339(), "from_agency": actor.agency_id.to_string()}),
        );
        entry.agency_id = Some(r.owner_agency_id);
        // The owner agency's administrators learn of it at once, in the application.
        let by = self.store.agency(actor.agency_id).await?;
        let notices = self
            .notices_for_agency(
                r.owner_agency_id,
                &[Role::AgencyAdmin],
                "break_glass",
                report,
                json!({
                    "report_title": r.title,
                    "by": actor.username,
                    "by_agency": by.map(|a| a.name).unwrap_or_default(),
                    "justification": justification,
                    "until": row.until.to_rfc3339(),
                }),
            )
            .await?;
        self.store.insert_referral(&row, &entry, &notices).await?;
        Ok(row)
    }
}

/// Every item's (path, label), groups and repeats with their questions.
fn collect_labels(items: &[sinergi_core::questionnaire::Item], f: &mut impl FnMut(&str, &str)) {
    for i in items {
        if !i.label.trim().is_empty() {
            f(&i.path, i.label.trim());
        }
        collect_labels(&i.children, f);
    }
}

/// A system administrator, or an agency administrator of one of the parties.
fn administers_party(actor: &Actor, parties: &[AgencyId]) -> bool {
    sinergi_core::access::manages_agreement(actor, parties)
}
