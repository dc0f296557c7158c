//! Reporting lines (ADR 28): whom each agency reports to, and letters passed up them.
//!
//! An agency reports to its parent unless its administrators set another superior (a
//! kelurahan to its kecamatan, which is not its parent in the agency tree). The chain of
//! superiors never loops: a superior that would close a loop is refused. An agency that
//! holds a letter (its own sent or registered letter, or one that reached it) forwards it
//! to its superior with a note: the superior becomes one of the letter's recipients, with
//! the same delivery and read receipts, and its people are notified.

use serde_json::json;
use sinergi_core::access::{can_administer_agency, Actor};
use sinergi_core::agency::Agency;
use sinergi_core::audit::Action as AuditAction;
use sinergi_core::ids::{AgencyId, LetterId, NotificationId};
use sinergi_core::letter::body::{ForwardLetterBody, ReportingLineBody};
use sinergi_core::letter::{forward_note, reporting_superior, Letter, LetterForward};
use sinergi_core::permission::Action;
use sinergi_core::{msg, ValidationErrors};
use sinergi_store::Notification;

use crate::{App, AppError, AppResult};

/// The longest chain followed upward; the tree is far shallower.
const MAX_CHAIN: usize = 32;

impl App {
    /// Every reporting line set apart from the agencies' parents: (agency, superior).
    pub async fn reporting_lines(&self) -> AppResult<Vec<(AgencyId, AgencyId)>> {
        Ok(self.store.reporting_lines().await?)
    }

    /// Whom `agency` reports to: the superior set for it, or its parent.
    pub async fn superior_of(&self, agency: AgencyId) -> AppResult<Option<Agency>> {
        let lines = self.store.reporting_lines().await?;
        self.superior_with(&lines, agency).await
    }

    async fn superior_with(
        &self,
        lines: &[(AgencyId, AgencyId)],
        agency: AgencyId,
    ) -> AppResult<Option<Agency>> {
        let next = match lines.iter().find(|(a, _)| *a == agency) {
            Some((_, s)) => Some(*s),
            None => self.store.agency(agency).await?.and_then(|a| a.parent_id),
        };
        match next {
            Some(id) => Ok(self.store.agency(id).await?),
            None => Ok(None),
        }
    }

    /// The agencies above `agency` on its reporting line, nearest first.
    pub async fn reporting_chain(&self, agency: AgencyId) -> AppResult<Vec<Agency>> {
        let lines = self.store.reporting_lines().await?;
        let mut out: Vec<Agency> = Vec::new();
        let mut at = agency;
        while out.len() < MAX_CHAIN {
            match self.superior_with(&lines, at).await? {
                Some(s) if s.id != agency && !out.iter().any(|o| o.id == s.id) => {
                    at = s.id;
                    out.push(s);
                }
                _ => break,
            }
        }
        Ok(out)
    }

    /// Sets whom the agency `code` reports to (its administrators, or the operator with
    /// `None`), or lets it report to its parent again; returns its chain as it now is.
    pub async fn set_reporting_line(
        &self,
        actor: Option<&Actor>,
        code: &str,
        body: &ReportingLineBody,
    ) -> AppResult<Vec<Agency>> {
        if let Some(a) = actor {
            if !a.may(Action::AdministerAgencies) && !a.may(Action::AdministerAgenciesEverywhere) {
                return Err(AppError::Forbidden(
                    "only administrators set whom an agency reports to".into(),
                ));
            }
        }
        let agency = self
            .store
            .agency_by_code(code.trim())
            .await?
            .ok_or(AppError::NotFound)?;
        if let Some(a) = actor {
            if !can_administer_agency(a, agency.id) {
                return Err(AppError::Forbidden(
                    "only an administrator of the agency sets whom it reports to".into(),
                ));
            }
        }
        let superior_code = reporting_superior(body)?;
        let superior = match superior_code {
            None => None,
            Some(c) => {
                let Some(s) = self.store.agency_by_code(&c).await? else {
                    return Err(ValidationErrors::single(
                        "superior",
                        msg!(
                            "agency-unknown",
                            "{code} is not an agency",
                            code = c.as_str()
                        ),
                    )
                    .into());
                };
                if s.id == agency.id {
                    return Err(ValidationErrors::single(
                        "superior",
                        msg!("reporting-line-self", "an agency does not report to itself"),
                    )
                    .into());
                }
                // The new superior's own chain must not come back to the agency.
                if self
                    .reporting_chain(s.id)
                    .await?
                    .iter()
                    .any(|x| x.id == agency.id)
                {
                    return Err(ValidationErrors::single(
                        "superior",
                        msg!(
                            "reporting-line-cycle",
                            "{code} already reports, directly or through others, to this agency",
                            code = s.code.as_str()
                        ),
                    )
                    .into());
                }
                Some(s)
            }
        };
        let entry = self.audit(
            actor,
            AuditAction::ReportingLineChange,
            "agency",
            agency.code.as_str(),
            json!({"superior": superior.as_ref().map(|s| s.code.to_string())}),
        );
        self.store
            .set_reporting_line(agency.id, superior.map(|s| s.id), self.now(), &entry)
            .await?;
        self.reporting_chain(agency.id).await
    }

    /// Passes a letter the actor's agency holds up to the agency's superior, with a note.
    pub async fn forward_letter(
        &self,
        actor: &Actor,
        id: LetterId,
        body: &ForwardLetterBody,
    ) -> AppResult<Letter> {
        let l = self.letter_for(actor, id).await?;
        if !l.held_by(actor.agency_id) {
            return Err(AppError::Forbidden(
                "only an agency that sent, registered or received the letter forwards it".into(),
            ));
        }
        if !actor.may(Action::ManageLetters) {
            return Err(AppError::Forbidden(
                "only coordinators and administrators forward an agency's letters".into(),
            ));
        }
        let note = forward_note(body)?;
        let Some(superior) = self.superior_of(actor.agency_id).await? else {
            return Err(AppError::Conflict(
                "your agency reports to no one: an administrator sets its reporting line".into(),
            ));
        };
        if l.agencies().contains(&superior.id) {
            return Err(AppError::Conflict(format!(
                "{} already has the letter",
                superior.code
            )));
        }
        let from = self
            .store
            .agency(actor.agency_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let now = self.now();
        let notices: Vec<Notification> = self
            .store
            .users(Some(superior.id))
            .await?
            .into_iter()
            .filter(|u| u.active)
            .map(|u| Notification {
                id: NotificationId::new_at(now, Self::id_bits()),
                user_id: u.id,
                kind: "letter".into(),
                record_type: Some("letter".into()),
                record_id: Some(id.to_string()),
                detail: json!({"subject": l.subject, "by_agency": from.code.as_str(),
                    "role": "forwarded"}),
                created_at: now,
                read_at: None,
            })
            .collect();
        let f = LetterForward {
            letter_id: id,
            from_agency: actor.agency_id,
            to_agency: superior.id,
            note,
            by: actor.user_id,
            at: now,
        };
        let entry = self.audit(
            Some(actor),
            AuditAction::LetterForward,
            "letter",
            &id.to_string(),
            json!({"to": superior.code.as_str(), "number": l.number}),
        );
        if !self.store.forward_letter(&f, &notices, &entry).await? {
            return Err(AppError::Conflict(format!(
                "{} already has the letter",
                superior.code
            )));
        }
        self.store.letter(id).await?.ok_or(AppError::NotFound)
    }
}
