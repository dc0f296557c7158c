//! Official letters (ADR 22): drafts, sending with the agency's next number, the inbox
//! with read receipts, letters from outside registered from their scan, annexes, and each
//! agency's numbering format.
//!
//! Who sees a letter is `Letter::visible_to`; a letter the actor may not see is answered
//! like a missing one. Who writes: [`Action::ManageLetters`] in the letter's agency drafts,
//! changes, sends and registers letters and attaches files; [`Action::AdministerAgencies`]
//! sets the agency's format. Opening a letter sent to one's agency records the agency's
//! read receipt (once, audited).

use serde_json::json;
use sinergi_core::access::{Actor, ViewScope};
use sinergi_core::audit::Action as AuditAction;
use sinergi_core::ids::{AgencyId, DispositionId, LetterId, NotificationId};
use sinergi_core::letter::body::{
    DispositionPatchBody, LetterFormatBody, LetterPatchBody, NewDispositionBody, NewLetterBody,
    RegisterLetterBody,
};
use sinergi_core::letter::{
    check_format, disposition_patch, Disposition, DispositionInput, Letter, LetterDocument,
    LetterInput, LetterStatus, Recipient, RecipientRole, RegisteredInput, DEFAULT_FORMAT,
};
use sinergi_core::permission::Action;
use sinergi_core::time::Zone;
use sinergi_core::ValidationErrors;
use sinergi_store::{Notification, RegisterOutcome, SendOutcome, UpdateOutcome};

use crate::{App, AppError, AppResult};

impl App {
    /// The zone of the agency's own place (its first jurisdiction), for the date on its
    /// letters.
    pub(crate) async fn agency_zone(&self, agency: AgencyId) -> AppResult<Zone> {
        Ok(self
            .store
            .agency(agency)
            .await?
            .and_then(|a| a.jurisdiction.first().map(|c| Zone::for_region(c)))
            .unwrap_or(Zone::Wib))
    }

    /// The agency's numbering format: its own, or [`DEFAULT_FORMAT`].
    pub async fn letter_format(&self, agency: AgencyId) -> AppResult<String> {
        Ok(self
            .store
            .letter_format(agency)
            .await?
            .unwrap_or_else(|| DEFAULT_FORMAT.to_string()))
    }

    /// Sets the actor's agency's numbering format (its administrators).
    pub async fn set_letter_format(
        &self,
        actor: &Actor,
        body: &LetterFormatBody,
    ) -> AppResult<String> {
        if !actor.may(Action::AdministerAgencies) {
            return Err(AppError::Forbidden(
                "only an administrator of the agency sets its letter numbers".into(),
            ));
        }
        let mut errs = ValidationErrors::new();
        body.unknown.report("", &mut errs);
        let format = match body.format.given().map(|f| check_format(f)) {
            Some(Ok(f)) => Some(f),
            Some(Err(m)) => {
                errs.push("format", m);
                None
            }
            None => {
                errs.push(
                    "format",
                    sinergi_core::msg!("fix-field-required", "is required"),
                );
                None
            }
        };
        let Some(format) = format.filter(|_| errs.is_empty()) else {
            return Err(errs.into());
        };
        let entry = self.audit(
            Some(actor),
            AuditAction::LetterFormatChange,
            "agency",
            &actor.agency_id.to_string(),
            json!({"format": format}),
        );
        self.store
            .set_letter_format(actor.agency_id, &format, &entry)
            .await?;
        Ok(format)
    }

    /// Resolves addressees and copies by code, naming every unknown one and the sender
    /// itself.
    async fn recipients(
        &self,
        sender: AgencyId,
        input: &LetterInput,
        errs: &mut ValidationErrors,
    ) -> AppResult<Vec<Recipient>> {
        let mut out = Vec::new();
        for (key, list, role) in [
            ("to", &input.to, RecipientRole::To),
            ("copies", &input.copies, RecipientRole::Copy),
        ] {
            for (i, code) in list.iter().enumerate() {
                match self.store.agency_by_code(code).await? {
                    None => errs.push(
                        format!("{key}[{i}]"),
                        sinergi_core::msg!(
                            "agency-unknown",
                            "{code} is not an agency",
                            code = code.as_str()
                        ),
                    ),
                    Some(a) if a.id == sender => errs.push(
                        format!("{key}[{i}]"),
                        sinergi_core::msg!(
                            "letter-to-self",
                            "a letter is not sent to its own agency"
                        ),
                    ),
                    Some(a) => out.push(Recipient {
                        agency_id: a.id,
                        role,
                        delivered_at: None,
                        read_at: None,
                        read_by: None,
                        forwarded_from: None,
                        forward_note: None,
                    }),
                }
            }
        }
        Ok(out)
    }

    /// A letter answers only a letter sent to the actor's agency as an addressee; any
    /// other (one the actor may not see, or none) names `in_reply_to` alike.
    async fn check_in_reply_to(
        &self,
        actor: &Actor,
        id: Option<LetterId>,
        errs: &mut ValidationErrors,
    ) -> AppResult<()> {
        let Some(id) = id else { return Ok(()) };
        let ok = self.store.letter(id).await?.is_some_and(|l| {
            l.visible_to(&ViewScope::for_actor(actor)) && l.answerable_by(actor.agency_id)
        });
        if !ok {
            errs.push(
                "in_reply_to",
                sinergi_core::msg!(
                    "letter-reply-not-addressed",
                    "answers only a letter sent to your agency as an addressee"
                ),
            );
        }
        Ok(())
    }

    /// The answers to `letters` the actor may see: each letter's visible sent replies,
    /// the oldest first (ADR 26).
    pub async fn visible_replies(
        &self,
        actor: &Actor,
        letters: &[LetterId],
    ) -> AppResult<Vec<Letter>> {
        let scope = ViewScope::for_actor(actor);
        Ok(self
            .store
            .replies_to(letters)
            .await?
            .into_iter()
            .filter(|r| r.visible_to(&scope))
            .collect())
    }

    fn may_write_letters(actor: &Actor) -> AppResult<()> {
        if actor.may(Action::ManageLetters) {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "only coordinators and administrators write an agency's letters".into(),
            ))
        }
    }

    /// Drafts a letter of the actor's agency. The same id again by its author returns the
    /// stored letter.
    pub async fn create_letter(&self, actor: &Actor, body: &NewLetterBody) -> AppResult<Letter> {
        Self::may_write_letters(actor)?;
        let input = LetterInput::from_body(body)?;
        let mut errs = ValidationErrors::new();
        let recipients = self.recipients(actor.agency_id, &input, &mut errs).await?;
        self.check_in_reply_to(actor, input.in_reply_to, &mut errs)
            .await?;
        if !errs.is_empty() {
            return Err(errs.into());
        }
        let now = self.now();
        let l = Letter {
            id: input
                .id
                .unwrap_or_else(|| LetterId::new_at(now, Self::id_bits())),
            agency_id: actor.agency_id,
            status: LetterStatus::Draft,
            number: None,
            sequence: None,
            letter_date: None,
            subject: input.subject,
            body: input.body,
            nature: input.nature,
            signatory: input.signatory,
            external_sender: None,
            recipients,
            documents: Vec::new(),
            reply_by: input.reply_by,
            in_reply_to: input.in_reply_to,
            version: 1,
            created_by: actor.user_id,
            created_at: now,
            updated_at: now,
        };
        let mut detail = json!({"subject": l.subject, "recipients": l.recipients.len()});
        if let Some(r) = l.in_reply_to {
            detail["in_reply_to"] = json!(r.to_string());
        }
        if let Some(d) = l.reply_by {
            detail["reply_by"] = json!(d.to_string());
        }
        let entry = self.audit(
            Some(actor),
            AuditAction::LetterCreate,
            "letter",
            &l.id.to_string(),
            detail,
        );
        if self.store.insert_letter(&l, &entry).await? {
            return self.store.letter(l.id).await?.ok_or(AppError::NotFound);
        }
        match self.store.letter(l.id).await? {
            Some(existing) if existing.created_by == actor.user_id => Ok(existing),
            _ => Err(AppError::Conflict("a letter with this id exists".into())),
        }
    }

    /// Registers a letter that came from outside Sinergi, for the actor's agency.
    pub async fn register_letter(
        &self,
        actor: &Actor,
        body: &RegisterLetterBody,
    ) -> AppResult<Letter> {
        Self::may_write_letters(actor)?;
        let now = self.now();
        let today = now
            .with_timezone(&self.agency_zone(actor.agency_id).await?.offset())
            .date_naive();
        let input = RegisteredInput::from_body(body, today)?;
        let l = Letter {
            id: LetterId::new_at(now, Self::id_bits()),
            agency_id: actor.agency_id,
            status: LetterStatus::Registered,
            number: Some(input.number),
            sequence: None,
            letter_date: Some(input.letter_date),
            subject: input.subject,
            body: input.body,
            nature: input.nature,
            signatory: String::new(),
            external_sender: Some(input.sender),
            recipients: Vec::new(),
            documents: Vec::new(),
            reply_by: None,
            in_reply_to: None,
            version: 1,
            created_by: actor.user_id,
            created_at: now,
            updated_at: now,
        };
        let entry = self.audit(
            Some(actor),
            AuditAction::LetterRegister,
            "letter",
            &l.id.to_string(),
            json!({"number": l.number, "sender": l.external_sender}),
        );
        match self.store.register_letter(&l, &entry).await? {
            RegisterOutcome::Inserted => Ok(l),
            RegisterOutcome::NumberTaken(existing) => Err(AppError::field(
                "number",
                sinergi_core::msg!(
                    "letter-number-registered",
                    "this sender's letter {number} is already registered ({id})",
                    number = l.number.as_deref().unwrap_or_default(),
                    id = existing.to_string()
                ),
            )),
        }
    }

    /// The letters the actor sees: its agency's (drafts included) and those sent to it,
    /// the newest first.
    pub async fn letters_for(&self, actor: &Actor) -> AppResult<Vec<Letter>> {
        let scope = ViewScope::for_actor(actor);
        let mut agencies = vec![actor.agency_id];
        agencies.extend(actor.agency_descendants.iter().copied());
        Ok(self
            .store
            .letters_for_agencies(&agencies)
            .await?
            .into_iter()
            .filter(|l| l.visible_to(&scope))
            .collect())
    }

    async fn visible_letter(&self, actor: &Actor, id: LetterId) -> AppResult<Letter> {
        match self.store.letter(id).await? {
            Some(l) if l.visible_to(&ViewScope::for_actor(actor)) => Ok(l),
            _ => Err(AppError::NotFound),
        }
    }

    /// A letter the actor may see. When it was sent to the actor's agency, opening it
    /// records the agency's read receipt (the first time).
    pub async fn open_letter(&self, actor: &Actor, id: LetterId) -> AppResult<Letter> {
        let l = self.visible_letter(actor, id).await?;
        let unread = l
            .recipient(actor.agency_id)
            .is_some_and(|r| r.read_at.is_none());
        if !unread {
            return Ok(l);
        }
        let now = self.now();
        let entry = self.audit(
            Some(actor),
            AuditAction::LetterRead,
            "letter",
            &id.to_string(),
            json!({"number": l.number}),
        );
        self.store
            .mark_letter_read(id, actor.agency_id, actor.user_id, now, &entry)
            .await?;
        self.store.letter(id).await?.ok_or(AppError::NotFound)
    }

    /// A letter as the actor sees it, without recording a receipt (lists, files).
    pub async fn letter_for(&self, actor: &Actor, id: LetterId) -> AppResult<Letter> {
        self.visible_letter(actor, id).await
    }

    /// The letter of the actor's own agency that the actor may write, or why not.
    async fn own_letter(&self, actor: &Actor, id: LetterId) -> AppResult<Letter> {
        let l = self.visible_letter(actor, id).await?;
        if l.agency_id != actor.agency_id {
            return Err(AppError::Forbidden(
                "only the letter's own agency changes it".into(),
            ));
        }
        Self::may_write_letters(actor)?;
        Ok(l)
    }

    /// Changes a draft (`if_match`: the version it was read at).
    pub async fn update_letter(
        &self,
        actor: &Actor,
        id: LetterId,
        if_match: Option<i64>,
        body: &LetterPatchBody,
    ) -> AppResult<Letter> {
        let current = self.own_letter(actor, id).await?;
        if current.status != LetterStatus::Draft {
            return Err(AppError::Conflict(
                "a letter that was sent or registered is not changed".into(),
            ));
        }
        let expected = if_match.ok_or(AppError::PreconditionRequired)?;
        if expected != current.version {
            return Err(AppError::PreconditionFailed {
                current: current.version,
            });
        }
        // The draft's recipients by code, to apply the change to.
        let (mut to, mut copies) = (Vec::new(), Vec::new());
        for r in &current.recipients {
            if let Some(a) = self.store.agency(r.agency_id).await? {
                match r.role {
                    RecipientRole::To => to.push(a.code.to_string()),
                    RecipientRole::Copy => copies.push(a.code.to_string()),
                    // A draft is forwarded to no one.
                    RecipientRole::Forwarded => {}
                }
            }
        }
        let base = LetterInput {
            id: Some(current.id),
            subject: current.subject.clone(),
            body: current.body.clone(),
            nature: current.nature,
            signatory: current.signatory.clone(),
            to,
            copies,
            reply_by: current.reply_by,
            in_reply_to: current.in_reply_to,
        };
        let input = LetterInput::patched(body, &base)?;
        let mut errs = ValidationErrors::new();
        let recipients = self
            .recipients(current.agency_id, &input, &mut errs)
            .await?;
        if input.in_reply_to != current.in_reply_to {
            self.check_in_reply_to(actor, input.in_reply_to, &mut errs)
                .await?;
        }
        if !errs.is_empty() {
            return Err(errs.into());
        }
        let mut next = current.clone();
        next.subject = input.subject;
        next.body = input.body;
        next.nature = input.nature;
        next.signatory = input.signatory;
        next.recipients = recipients;
        next.reply_by = input.reply_by;
        next.in_reply_to = input.in_reply_to;
        if next == current {
            return Ok(current);
        }
        next.version = current.version + 1;
        next.updated_at = self.now();
        let entry = self.audit(
            Some(actor),
            AuditAction::LetterUpdate,
            "letter",
            &id.to_string(),
            json!({"subject": next.subject, "recipients": next.recipients.len()}),
        );
        match self
            .store
            .update_draft(&next, current.version, &entry)
            .await?
        {
            UpdateOutcome::Updated => self.store.letter(id).await?.ok_or(AppError::NotFound),
            UpdateOutcome::VersionMismatch(v) => Err(AppError::PreconditionFailed { current: v }),
            UpdateOutcome::NotFound => Err(AppError::NotFound),
        }
    }

    /// Sends a draft: it takes the next number of the agency's sequence for the year (in
    /// the agency's format, dated the agency's local day), reaches every addressee's and
    /// copy's inbox, and their people are notified.
    pub async fn send_letter(
        &self,
        actor: &Actor,
        id: LetterId,
        if_match: Option<i64>,
    ) -> AppResult<Letter> {
        let l = self.own_letter(actor, id).await?;
        if l.status != LetterStatus::Draft {
            return Err(AppError::Conflict("the letter was already sent".into()));
        }
        let expected = if_match.ok_or(AppError::PreconditionRequired)?;
        let agency = self
            .store
            .agency(l.agency_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let format = self.letter_format(l.agency_id).await?;
        let now = self.now();
        let date = now
            .with_timezone(&self.agency_zone(l.agency_id).await?.offset())
            .date_naive();
        let mut notices = Vec::new();
        for r in &l.recipients {
            for u in self.store.users(Some(r.agency_id)).await? {
                if u.active {
                    notices.push(Notification {
                        id: NotificationId::new_at(now, Self::id_bits()),
                        user_id: u.id,
                        kind: "letter".into(),
                        record_type: Some("letter".into()),
                        record_id: Some(id.to_string()),
                        detail: json!({"subject": l.subject, "by_agency": agency.code.as_str(),
                            "role": r.role.as_str()}),
                        created_at: now,
                        read_at: None,
                    });
                }
            }
        }
        let entry = self.audit(
            Some(actor),
            AuditAction::LetterSend,
            "letter",
            &id.to_string(),
            json!({"recipients": l.recipients.len()}),
        );
        match self
            .store
            .send_letter(
                id,
                expected,
                date,
                &format,
                agency.code.as_str(),
                now,
                &notices,
                &entry,
            )
            .await?
        {
            SendOutcome::Sent { .. } => self.store.letter(id).await?.ok_or(AppError::NotFound),
            SendOutcome::NotDraft => Err(AppError::Conflict("the letter was already sent".into())),
            SendOutcome::VersionMismatch(v) => Err(AppError::PreconditionFailed { current: v }),
            SendOutcome::NotFound => Err(AppError::NotFound),
        }
    }

    /// Attaches a file (PDF or image) to a draft or a registered letter; the same file
    /// twice is stored once. A sent letter is not changed.
    pub async fn add_letter_document(
        &self,
        actor: &Actor,
        id: LetterId,
        filename: &str,
        bytes: &[u8],
    ) -> AppResult<LetterDocument> {
        let l = self.own_letter(actor, id).await?;
        if l.status == LetterStatus::Sent {
            return Err(AppError::Conflict(
                "a letter that was sent is not changed".into(),
            ));
        }
        let (sha256, content_type, name) = self.store_blob(filename, bytes, "surat").await?;
        if let Some(d) = l.documents.iter().find(|d| d.sha256 == sha256) {
            return Ok(d.clone());
        }
        let now = self.now();
        let doc = LetterDocument {
            id: LetterId::new_at(now, Self::id_bits()).0,
            filename: name,
            content_type: content_type.into(),
            size: bytes.len() as i64,
            sha256,
            uploaded_by: actor.user_id,
            uploaded_at: now,
        };
        let mut docs = l.documents.clone();
        docs.push(doc.clone());
        let entry = self.audit(
            Some(actor),
            AuditAction::LetterDocumentAdd,
            "letter",
            &id.to_string(),
            json!({"document": doc.id.to_string(), "filename": doc.filename, "sha256": doc.sha256, "size": doc.size}),
        );
        match self
            .store
            .set_letter_documents(id, &docs, l.version, &entry)
            .await?
        {
            UpdateOutcome::Updated => Ok(doc),
            UpdateOutcome::VersionMismatch(v) => Err(AppError::PreconditionFailed { current: v }),
            UpdateOutcome::NotFound => Err(AppError::NotFound),
        }
    }

    /// A file of a letter the actor may see, with its bytes.
    pub async fn letter_document(
        &self,
        actor: &Actor,
        id: LetterId,
        doc: uuid::Uuid,
    ) -> AppResult<(LetterDocument, Vec<u8>)> {
        let l = self.visible_letter(actor, id).await?;
        let d = l
            .documents
            .into_iter()
            .find(|d| d.id == doc)
            .ok_or(AppError::NotFound)?;
        let bytes = self.read_blob(&d.sha256).await?;
        Ok((d, bytes))
    }

    /// Passes a letter the actor's agency received (sent to it, or registered by it) to
    /// one of the agency's people with an instruction and an optional due date; the person
    /// is notified. Only the receiving agency sees its dispositions.
    pub async fn dispose_letter(
        &self,
        actor: &Actor,
        id: LetterId,
        body: &NewDispositionBody,
    ) -> AppResult<Disposition> {
        let l = self.visible_letter(actor, id).await?;
        let received = l.recipient(actor.agency_id).is_some()
            || (l.status == LetterStatus::Registered && l.agency_id == actor.agency_id);
        if !received {
            return Err(AppError::Forbidden(
                "only an agency that received the letter disposes it".into(),
            ));
        }
        Self::may_write_letters(actor)?;
        // To the millisecond, as the store keeps instants.
        let now = self.now();
        let now = chrono::DateTime::from_timestamp_millis(now.timestamp_millis()).unwrap_or(now);
        let today = now
            .with_timezone(&self.agency_zone(actor.agency_id).await?.offset())
            .date_naive();
        let input = DispositionInput::from_body(body, today)?;
        let person = match self.store.user_credentials(&input.to).await? {
            Some((u, _)) if u.active && u.agency_id == actor.agency_id => u,
            _ => {
                return Err(AppError::field(
                    "to",
                    sinergi_core::msg!(
                        "disposition-person-unknown",
                        "{user} is not a person of your agency",
                        user = input.to.as_str()
                    ),
                ))
            }
        };
        let d = Disposition {
            id: DispositionId::new_at(now, Self::id_bits()),
            letter_id: id,
            agency_id: actor.agency_id,
            to_user: person.id,
            instruction: input.instruction,
            due: input.due,
            done: false,
            note: None,
            created_by: actor.user_id,
            created_at: now,
            done_at: None,
            version: 1,
        };
        let notice = Notification {
            id: NotificationId::new_at(now, Self::id_bits()),
            user_id: person.id,
            kind: "disposition".into(),
            record_type: Some("letter".into()),
            record_id: Some(id.to_string()),
            detail: json!({"subject": l.subject, "by": actor.username.as_str(),
                "instruction": d.instruction, "due": d.due.map(|x| x.to_string())}),
            created_at: now,
            read_at: None,
        };
        let entry = self.audit(
            Some(actor),
            AuditAction::DispositionCreate,
            "letter",
            &id.to_string(),
            json!({"disposition": d.id.to_string(), "to": person.username.as_str(), "due": d.due.map(|x| x.to_string())}),
        );
        self.store.insert_disposition(&d, &[notice], &entry).await?;
        Ok(d)
    }

    /// The dispositions the actor's agency made of a letter it sees.
    pub async fn letter_dispositions(
        &self,
        actor: &Actor,
        id: LetterId,
    ) -> AppResult<Vec<Disposition>> {
        self.visible_letter(actor, id).await?;
        Ok(self.store.dispositions_of(id, actor.agency_id).await?)
    }

    /// The dispositions given to the actor, open ones first, with their letters.
    pub async fn my_dispositions(&self, actor: &Actor) -> AppResult<Vec<(Disposition, Letter)>> {
        let mut out = Vec::new();
        for d in self.store.dispositions_to(actor.user_id).await? {
            if let Some(l) = self.store.letter(d.letter_id).await? {
                out.push((d, l));
            }
        }
        Ok(out)
    }

    /// Marks a disposition done (or open again): its person, or a coordinator of its
    /// agency. Another agency's disposition is answered as a missing one.
    pub async fn update_disposition(
        &self,
        actor: &Actor,
        id: DispositionId,
        if_match: Option<i64>,
        body: &DispositionPatchBody,
    ) -> AppResult<Disposition> {
        let current = match self.store.disposition(id).await? {
            Some(d) if d.agency_id == actor.agency_id => d,
            _ => return Err(AppError::NotFound),
        };
        if current.to_user != actor.user_id {
            Self::may_write_letters(actor)?;
        }
        if let Some(v) = if_match {
            if v != current.version {
                return Err(AppError::PreconditionFailed {
                    current: current.version,
                });
            }
        }
        let (done, note) = disposition_patch(body)?;
        let mut next = current.clone();
        next.done = done;
        if let Some(n) = note {
            next.note = n;
        }
        if next == current {
            return Ok(current);
        }
        let now = self.now();
        let now = chrono::DateTime::from_timestamp_millis(now.timestamp_millis()).unwrap_or(now);
        next.done_at = if done {
            current.done_at.or(Some(now))
        } else {
            None
        };
        next.version = current.version + 1;
        let entry = self.audit(
            Some(actor),
            AuditAction::DispositionUpdate,
            "letter",
            &current.letter_id.to_string(),
            json!({"disposition": id.to_string(), "done": done}),
        );
        match self
            .store
            .set_disposition(&next, current.version, &entry)
            .await?
        {
            UpdateOutcome::Updated => Ok(next),
            UpdateOutcome::VersionMismatch(v) => Err(AppError::PreconditionFailed { current: v }),
            UpdateOutcome::NotFound => Err(AppError::NotFound),
        }
    }
}
