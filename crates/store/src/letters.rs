//! Official letters in the store (ADR 22): letters with their recipients and receipts,
//! each agency's numbering format, and the sequences numbers are issued from.
//!
//! - Sending moves the letter from draft to sent, takes the next number of the agency's
//!   sequence for the year (`INSERT … ON CONFLICT DO UPDATE … RETURNING`: PostgreSQL locks
//!   the sequence row until the transaction ends, SQLite has one writer) and marks every
//!   recipient delivered, with the audit entry, in one transaction: a refused or failed
//!   send takes no number, so numbers have no gap and no repeat.
//! - A registered letter's sender and number (`external_key`) are unique per agency.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sinergi_core::audit::NewAudit;
use sinergi_core::ids::{AgencyId, DispositionId, LetterId, UserId};
use sinergi_core::letter::{
    render_number, Disposition, Letter, LetterDocument, LetterForward, LetterStatus, Nature,
    Recipient, RecipientRole,
};
use sqlx::{QueryBuilder, Row};

use crate::backend::{corrupt, from_ms, map_err, ms, PgStore, SqliteStore};
use crate::notifications::Notification;
use crate::{Result, UpdateOutcome};

/// What sending a draft did.
#[derive(Debug, Clone, PartialEq)]
pub enum SendOutcome {
    /// Sent with this number (the `seq`-th of its year).
    Sent {
        number: String,
        seq: i64,
    },
    /// The letter is no longer a draft (sent meanwhile).
    NotDraft,
    VersionMismatch(i64),
    NotFound,
}

/// What registering a letter from outside did.
#[derive(Debug, Clone, PartialEq)]
pub enum RegisterOutcome {
    Inserted,
    /// The agency already registered this sender's letter of this number: this one.
    NumberTaken(LetterId),
}

/// Letters, their recipients and the agencies' numbering.
#[async_trait]
pub trait LetterStore: Send + Sync {
    /// The agency's numbering format, when it chose one.
    async fn letter_format(&self, agency: AgencyId) -> Result<Option<String>>;
    async fn set_letter_format(
        &self,
        agency: AgencyId,
        format: &str,
        audit: &NewAudit,
    ) -> Result<()>;
    /// Inserts a draft with its recipients and the audit entry; false, with nothing
    /// written, when the id exists.
    async fn insert_letter(&self, l: &Letter, audit: &NewAudit) -> Result<bool>;
    /// Inserts a registered letter; a sender's number the agency registered before is
    /// [`RegisterOutcome::NumberTaken`] and writes nothing.
    async fn register_letter(&self, l: &Letter, audit: &NewAudit) -> Result<RegisterOutcome>;
    /// Replaces a draft's content and recipients if it is still a draft at
    /// `expected_version` (a sent letter is `VersionMismatch` with its version).
    async fn update_draft(
        &self,
        l: &Letter,
        expected_version: i64,
        audit: &NewAudit,
    ) -> Result<UpdateOutcome>;
    /// Sends a draft at `expected_version`: numbers it from the agency's sequence of
    /// `date`'s year in `format` (with `agency_code`) and delivers it to every recipient
    /// at `at`, with `notices` for the recipients' people; the audit entry gets the
    /// number.
    #[allow(clippy::too_many_arguments)]
    async fn send_letter(
        &self,
        id: LetterId,
        expected_version: i64,
        date: NaiveDate,
        format: &str,
        agency_code: &str,
        at: DateTime<Utc>,
        notices: &[Notification],
        audit: &NewAudit,
    ) -> Result<SendOutcome>;
    /// Records that `agency` opened the letter, once: true (with the audit entry) the
    /// first time, false afterwards or when the letter was not sent to it.
    async fn mark_letter_read(
        &self,
        id: LetterId,
        agency: AgencyId,
        user: UserId,
        at: DateTime<Utc>,
        audit: &NewAudit,
    ) -> Result<bool>;
    /// Replaces the letter's files if it is at `expected_version` (which moves on).
    async fn set_letter_documents(
        &self,
        id: LetterId,
        documents: &[LetterDocument],
        expected_version: i64,
        audit: &NewAudit,
    ) -> Result<UpdateOutcome>;
    async fn letter(&self, id: LetterId) -> Result<Option<Letter>>;
    /// Stores a disposition with the notice to its person and the audit entry.
    async fn insert_disposition(
        &self,
        d: &Disposition,
        notices: &[Notification],
        audit: &NewAudit,
    ) -> Result<()>;
    /// The dispositions `agency` made of a letter, in the order made.
    async fn dispositions_of(&self, letter: LetterId, agency: AgencyId)
        -> Result<Vec<Disposition>>;
    /// The open dispositions an agency made, by due date (those without one last)
    /// (ADR 26).
    async fn open_dispositions_of_agency(&self, agency: AgencyId) -> Result<Vec<Disposition>>;
    /// The dispositions given to a person, the open ones first, each by due date.
    async fn dispositions_to(&self, user: UserId) -> Result<Vec<Disposition>>;
    async fn disposition(&self, id: DispositionId) -> Result<Option<Disposition>>;
    /// Marks a disposition at `expected_version` done (or open again) with its note.
    async fn set_disposition(
        &self,
        d: &Disposition,
        expected_version: i64,
        audit: &NewAudit,
    ) -> Result<UpdateOutcome>;
    /// The letters of `agencies` and those sent to them, the newest first. Who may see
    /// which is the caller's decision (`Letter::visible_to`).
    async fn letters_for_agencies(&self, agencies: &[AgencyId]) -> Result<Vec<Letter>>;
    /// The open dispositions with a due date from `from` (inclusive; `None`: any) to
    /// `until` (inclusive) whose reminder `kind` was not recorded yet, by due date.
    async fn dispositions_to_remind(
        &self,
        kind: &str,
        from: Option<NaiveDate>,
        until: NaiveDate,
    ) -> Result<Vec<Disposition>>;
    /// Records the reminder `kind` of a disposition with its notices, mails and audit
    /// entry in one transaction; false, with nothing written, when it was recorded before.
    async fn record_disposition_reminder(
        &self,
        id: DispositionId,
        kind: &str,
        at: DateTime<Utc>,
        notices: &[Notification],
        mails: &[crate::mail::Mail],
        audit: &NewAudit,
    ) -> Result<bool>;
    /// Passes a letter up a reporting line (ADR 28): `f.to_agency` becomes a recipient
    /// (role `forwarded`, delivered at `f.at`) and the forwarding is kept, with the notices
    /// and the audit entry, in one transaction. False, with nothing written, when the
    /// agency already is one of the letter's recipients.
    async fn forward_letter(
        &self,
        f: &LetterForward,
        notices: &[Notification],
        audit: &NewAudit,
    ) -> Result<bool>;
    /// The sent letters that answer one of `letters` (their `in_reply_to`), the oldest
    /// first (ADR 26). Who may see which is the caller's decision.
    async fn replies_to(&self, letters: &[LetterId]) -> Result<Vec<Letter>>;
    /// The sent letters of `senders` that ask for an answer by a date (`reply_by`) from
    /// an addressee among `addressees`, the earliest date first (ADR 26).
    async fn letters_awaiting_reply(
        &self,
        senders: &[AgencyId],
        addressees: &[AgencyId],
    ) -> Result<Vec<Letter>>;
}

fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn date_of(s: Option<String>) -> Result<Option<NaiveDate>> {
    s.map(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|_| corrupt("letter date")))
        .transpose()
}

macro_rules! letters_impl {
    ($Store:ident, $DB:ty, $Row:ty, $m:ident) => {
        use super::*;
        use crate::audit::$m::AuditedTx;
        use crate::backend::$m::missed_update;

        const LETTER_COLUMNS: &str = "id, agency_id, status, number, seq_year, seq, letter_date, subject, body, nature, \
            signatory, external_sender, documents, reply_by, in_reply_to, version, created_by, created_at, updated_at";

        fn letter_from_row(row: &$Row) -> Result<Letter> {
            let text = |c: &str| -> Result<String> { Ok(row.try_get::<String, _>(c)?) };
            let year: Option<i64> = row.try_get("seq_year")?;
            let seq: Option<i64> = row.try_get("seq")?;
            let documents: Vec<LetterDocument> =
                serde_json::from_str(&text("documents")?).map_err(|_| corrupt("letter documents"))?;
            Ok(Letter {
                id: LetterId(row.try_get("id")?),
                agency_id: AgencyId(row.try_get("agency_id")?),
                status: LetterStatus::parse(&text("status")?).ok_or_else(|| corrupt("letter status"))?,
                number: row.try_get("number")?,
                sequence: year.zip(seq).map(|(y, s)| (y as i32, s)),
                letter_date: date_of(row.try_get("letter_date")?)?,
                subject: text("subject")?,
                body: text("body")?,
                nature: Nature::parse(&text("nature")?).ok_or_else(|| corrupt("letter nature"))?,
                signatory: text("signatory")?,
                external_sender: row.try_get("external_sender")?,
                recipients: Vec::new(),
                documents,
                reply_by: date_of(row.try_get("reply_by")?)?,
                in_reply_to: row.try_get::<Option<uuid::Uuid>, _>("in_reply_to")?.map(LetterId),
                version: row.try_get("version")?,
                created_by: UserId(row.try_get("created_by")?),
                created_at: from_ms(row.try_get("created_at")?)?,
                updated_at: from_ms(row.try_get("updated_at")?)?,
            })
        }

        fn recipient_from_row(row: &$Row) -> Result<(uuid::Uuid, Recipient)> {
            let role: String = row.try_get("role")?;
            let delivered: Option<i64> = row.try_get("delivered_at")?;
            let read: Option<i64> = row.try_get("read_at")?;
            let read_by: Option<uuid::Uuid> = row.try_get("read_by")?;
            let forwarded_from: Option<uuid::Uuid> = row.try_get("from_agency_id")?;
            Ok((
                row.try_get("letter_id")?,
                Recipient {
                    agency_id: AgencyId(row.try_get("agency_id")?),
                    role: RecipientRole::parse(&role).ok_or_else(|| corrupt("recipient role"))?,
                    delivered_at: delivered.map(from_ms).transpose()?,
                    read_at: read.map(from_ms).transpose()?,
                    read_by: read_by.map(UserId),
                    forwarded_from: forwarded_from.map(AgencyId),
                    forward_note: row.try_get("forward_note")?,
                },
            ))
        }

        async fn insert_recipients(conn: &mut <$DB as sqlx::Database>::Connection, l: &Letter) -> Result<()> {
            if l.recipients.is_empty() {
                return Ok(());
            }
            let mut qb = QueryBuilder::<$DB>::new(
                "INSERT INTO letter_recipients (letter_id, agency_id, role, position, delivered_at, read_at, read_by) ",
            );
            qb.push_values(l.recipients.iter().enumerate(), |mut b, (i, r)| {
                b.push_bind(l.id.0)
                    .push_bind(r.agency_id.0)
                    .push_bind(r.role.as_str())
                    .push_bind(i as i64)
                    .push_bind(r.delivered_at.map(ms))
                    .push_bind(r.read_at.map(ms))
                    .push_bind(r.read_by.map(|u| u.0));
            });
            qb.build().execute(&mut *conn).await.map_err(map_err)?;
            Ok(())
        }

        async fn insert_row(conn: &mut <$DB as sqlx::Database>::Connection, l: &Letter, external_key: Option<String>) -> Result<u64> {
            let documents = serde_json::to_string(&l.documents).map_err(|e| crate::StoreError::Corrupt(e.to_string()))?;
            let res = sqlx::query(
                "INSERT INTO letters (id, agency_id, status, number, seq_year, seq, letter_date, subject, body, nature, \
                 signatory, external_sender, external_key, documents, version, created_by, created_at, updated_at, \
                 reply_by, in_reply_to) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(l.id.0)
            .bind(l.agency_id.0)
            .bind(l.status.as_str())
            .bind(&l.number)
            .bind(l.sequence.map(|(y, _)| i64::from(y)))
            .bind(l.sequence.map(|(_, s)| s))
            .bind(l.letter_date.map(date_text))
            .bind(&l.subject)
            .bind(&l.body)
            .bind(l.nature.as_str())
            .bind(&l.signatory)
            .bind(&l.external_sender)
            .bind(external_key)
            .bind(documents)
            .bind(l.version)
            .bind(l.created_by.0)
            .bind(ms(l.created_at))
            .bind(ms(l.updated_at))
            .bind(l.reply_by.map(date_text))
            .bind(l.in_reply_to.map(|r| r.0))
            .execute(&mut *conn)
            .await
            .map_err(map_err)?;
            Ok(res.rows_affected())
        }

        fn disposition_from_row(row: &$Row) -> Result<Disposition> {
            let due: Option<String> = row.try_get("due")?;
            let done_at: Option<i64> = row.try_get("done_at")?;
            Ok(Disposition {
                id: DispositionId(row.try_get("id")?),
                letter_id: LetterId(row.try_get("letter_id")?),
                agency_id: AgencyId(row.try_get("agency_id")?),
                to_user: UserId(row.try_get("to_user")?),
                instruction: row.try_get("instruction")?,
                due: date_of(due)?,
                done: row.try_get("done")?,
                note: row.try_get("note")?,
                created_by: UserId(row.try_get("created_by")?),
                created_at: from_ms(row.try_get("created_at")?)?,
                done_at: done_at.map(from_ms).transpose()?,
                version: row.try_get("version")?,
            })
        }

        const DISPOSITION_COLUMNS: &str = "id, letter_id, agency_id, to_user, instruction, due, done, note, created_by, \
            created_at, done_at, version";

        impl $Store {
            async fn letters_where(&self, agencies: &[AgencyId], id: Option<LetterId>) -> Result<Vec<Letter>> {
                let mut qb = QueryBuilder::<$DB>::new(format!("SELECT {LETTER_COLUMNS} FROM letters l WHERE "));
                match id {
                    Some(id) => {
                        qb.push("l.id = ").push_bind(id.0);
                    }
                    None => {
                        if agencies.is_empty() {
                            return Ok(Vec::new());
                        }
                        qb.push("(l.agency_id IN (");
                        let mut sep = qb.separated(", ");
                        for a in agencies {
                            sep.push_bind(a.0);
                        }
                        qb.push(") OR EXISTS (SELECT 1 FROM letter_recipients r \
                                 WHERE r.letter_id = l.id AND (l.status = 'sent' OR r.role = 'forwarded') AND r.agency_id IN (");
                        let mut sep = qb.separated(", ");
                        for a in agencies {
                            sep.push_bind(a.0);
                        }
                        qb.push(")))");
                    }
                }
                qb.push(" ORDER BY l.created_at DESC, l.id DESC");
                self.letters_of_query(qb).await
            }

            /// The letters a query of [`LETTER_COLUMNS`] selects, in its order, with their
            /// recipients.
            async fn letters_of_query(&self, mut qb: QueryBuilder<'_, $DB>) -> Result<Vec<Letter>> {
                let rows = qb.build().fetch_all(&self.read).await?;
                let mut letters = rows.iter().map(letter_from_row).collect::<Result<Vec<_>>>()?;
                if letters.is_empty() {
                    return Ok(letters);
                }
                let mut qb = QueryBuilder::<$DB>::new(
                    "SELECT r.letter_id, r.agency_id, r.role, r.delivered_at, r.read_at, r.read_by, \
                     f.from_agency_id, f.note AS forward_note FROM letter_recipients r \
                     LEFT JOIN letter_forwards f ON f.letter_id = r.letter_id AND f.to_agency_id = r.agency_id \
                     WHERE r.letter_id IN (",
                );
                let mut sep = qb.separated(", ");
                for l in &letters {
                    sep.push_bind(l.id.0);
                }
                qb.push(") ORDER BY r.letter_id, r.position");
                let rows = qb.build().fetch_all(&self.read).await?;
                let mut by_letter: std::collections::HashMap<uuid::Uuid, Vec<Recipient>> = Default::default();
                for row in &rows {
                    let (letter, r) = recipient_from_row(row)?;
                    by_letter.entry(letter).or_default().push(r);
                }
                for l in &mut letters {
                    l.recipients = by_letter.remove(&l.id.0).unwrap_or_default();
                }
                Ok(letters)
            }
        }

        #[async_trait]
        impl LetterStore for $Store {
            async fn letter_format(&self, agency: AgencyId) -> Result<Option<String>> {
                Ok(sqlx::query_scalar("SELECT format FROM letter_formats WHERE agency_id = $1")
                    .bind(agency.0)
                    .fetch_optional(&self.read)
                    .await?)
            }

            async fn set_letter_format(&self, agency: AgencyId, format: &str, audit: &NewAudit) -> Result<()> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                sqlx::query(
                    "INSERT INTO letter_formats (agency_id, format) VALUES ($1, $2) \
                     ON CONFLICT (agency_id) DO UPDATE SET format = excluded.format",
                )
                .bind(agency.0)
                .bind(format)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                tx.commit().await
            }

            async fn insert_letter(&self, l: &Letter, audit: &NewAudit) -> Result<bool> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                if insert_row(&mut tx, l, None).await? == 0 {
                    tx.rollback().await?;
                    return Ok(false);
                }
                insert_recipients(&mut tx, l).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn register_letter(&self, l: &Letter, audit: &NewAudit) -> Result<RegisterOutcome> {
                let key = l.external_key();
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                if insert_row(&mut tx, l, key.clone()).await? == 0 {
                    let existing: Option<uuid::Uuid> = sqlx::query_scalar(
                        "SELECT id FROM letters WHERE id = $1 OR (agency_id = $2 AND external_key = $3)",
                    )
                    .bind(l.id.0)
                    .bind(l.agency_id.0)
                    .bind(key)
                    .fetch_optional(&mut *tx)
                    .await?;
                    tx.rollback().await?;
                    return Ok(RegisterOutcome::NumberTaken(LetterId(existing.unwrap_or(l.id.0))));
                }
                tx.commit().await?;
                Ok(RegisterOutcome::Inserted)
            }

            async fn update_draft(&self, l: &Letter, expected_version: i64, audit: &NewAudit) -> Result<UpdateOutcome> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let res = sqlx::query(
                    "UPDATE letters SET subject = $1, body = $2, nature = $3, signatory = $4, version = $5, updated_at = $6, \
                     reply_by = $9, in_reply_to = $10 WHERE id = $7 AND version = $8 AND status = 'draft'",
                )
                .bind(&l.subject)
                .bind(&l.body)
                .bind(l.nature.as_str())
                .bind(&l.signatory)
                .bind(l.version)
                .bind(ms(l.updated_at))
                .bind(l.id.0)
                .bind(expected_version)
                .bind(l.reply_by.map(date_text))
                .bind(l.in_reply_to.map(|r| r.0))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                if res.rows_affected() == 0 {
                    let outcome = missed_update(&mut tx, "letters", l.id.0).await?;
                    tx.rollback().await?;
                    return Ok(outcome);
                }
                sqlx::query("DELETE FROM letter_recipients WHERE letter_id = $1")
                    .bind(l.id.0)
                    .execute(&mut *tx)
                    .await?;
                insert_recipients(&mut tx, l).await?;
                tx.commit().await?;
                Ok(UpdateOutcome::Updated)
            }

            async fn send_letter(
                &self,
                id: LetterId,
                expected_version: i64,
                date: NaiveDate,
                format: &str,
                agency_code: &str,
                at: DateTime<Utc>,
                notices: &[Notification],
                audit: &NewAudit,
            ) -> Result<SendOutcome> {
                let mut tx = self.write.begin().await?;
                let row: Option<(uuid::Uuid, String, i64)> =
                    sqlx::query_as("SELECT agency_id, status, version FROM letters WHERE id = $1")
                        .bind(id.0)
                        .fetch_optional(&mut *tx)
                        .await?;
                let Some((agency, status, version)) = row else {
                    tx.rollback().await?;
                    return Ok(SendOutcome::NotFound);
                };
                if status != "draft" {
                    tx.rollback().await?;
                    return Ok(SendOutcome::NotDraft);
                }
                if version != expected_version {
                    tx.rollback().await?;
                    return Ok(SendOutcome::VersionMismatch(version));
                }
                let year = i64::from(chrono::Datelike::year(&date));
                let seq: i64 = sqlx::query_scalar(
                    "INSERT INTO letter_sequences (agency_id, year, last) VALUES ($1, $2, 1) \
                     ON CONFLICT (agency_id, year) DO UPDATE SET last = letter_sequences.last + 1 RETURNING last",
                )
                .bind(agency)
                .bind(year)
                .fetch_one(&mut *tx)
                .await
                .map_err(map_err)?;
                let number = render_number(format, seq, date, agency_code);
                let res = sqlx::query(
                    "UPDATE letters SET status = 'sent', number = $1, seq_year = $2, seq = $3, letter_date = $4, \
                     version = version + 1, updated_at = $5 WHERE id = $6 AND version = $7 AND status = 'draft'",
                )
                .bind(&number)
                .bind(year)
                .bind(seq)
                .bind(date_text(date))
                .bind(ms(at))
                .bind(id.0)
                .bind(expected_version)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                if res.rows_affected() != 1 {
                    tx.rollback().await?;
                    return Ok(SendOutcome::NotDraft);
                }
                sqlx::query("UPDATE letter_recipients SET delivered_at = $1 WHERE letter_id = $2")
                    .bind(ms(at))
                    .bind(id.0)
                    .execute(&mut *tx)
                    .await?;
                for n in notices {
                    crate::notifications::$m::insert_notification_tx(&mut tx, n).await?;
                }
                let mut entry = audit.clone();
                entry.detail["number"] = serde_json::json!(number);
                crate::audit::$m::append_audit_tx(&mut tx, &entry).await?;
                tx.commit().await?;
                Ok(SendOutcome::Sent { number, seq })
            }

            async fn mark_letter_read(
                &self,
                id: LetterId,
                agency: AgencyId,
                user: UserId,
                at: DateTime<Utc>,
                audit: &NewAudit,
            ) -> Result<bool> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let res = sqlx::query(
                    "UPDATE letter_recipients SET read_at = $1, read_by = $2 \
                     WHERE letter_id = $3 AND agency_id = $4 AND read_at IS NULL AND delivered_at IS NOT NULL",
                )
                .bind(ms(at))
                .bind(user.0)
                .bind(id.0)
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

            async fn set_letter_documents(
                &self,
                id: LetterId,
                documents: &[LetterDocument],
                expected_version: i64,
                audit: &NewAudit,
            ) -> Result<UpdateOutcome> {
                let docs = serde_json::to_string(documents).map_err(|e| crate::StoreError::Corrupt(e.to_string()))?;
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let res = sqlx::query(
                    "UPDATE letters SET documents = $1, version = version + 1 WHERE id = $2 AND version = $3",
                )
                .bind(docs)
                .bind(id.0)
                .bind(expected_version)
                .execute(&mut *tx)
                .await?;
                if res.rows_affected() == 0 {
                    let outcome = missed_update(&mut tx, "letters", id.0).await?;
                    tx.rollback().await?;
                    return Ok(outcome);
                }
                tx.commit().await?;
                Ok(UpdateOutcome::Updated)
            }

            async fn insert_disposition(&self, d: &Disposition, notices: &[Notification], audit: &NewAudit) -> Result<()> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                sqlx::query(
                    "INSERT INTO letter_dispositions (id, letter_id, agency_id, to_user, instruction, due, done, note, \
                     created_by, created_at, done_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                )
                .bind(d.id.0)
                .bind(d.letter_id.0)
                .bind(d.agency_id.0)
                .bind(d.to_user.0)
                .bind(&d.instruction)
                .bind(d.due.map(date_text))
                .bind(d.done)
                .bind(&d.note)
                .bind(d.created_by.0)
                .bind(ms(d.created_at))
                .bind(d.done_at.map(ms))
                .bind(d.version)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                for n in notices {
                    crate::notifications::$m::insert_notification_tx(&mut tx, n).await?;
                }
                tx.commit().await
            }

            async fn dispositions_of(&self, letter: LetterId, agency: AgencyId) -> Result<Vec<Disposition>> {
                let q = format!(
                    "SELECT {DISPOSITION_COLUMNS} FROM letter_dispositions WHERE letter_id = $1 AND agency_id = $2 \
                     ORDER BY created_at, id"
                );
                let rows = sqlx::query(&q).bind(letter.0).bind(agency.0).fetch_all(&self.read).await?;
                rows.iter().map(disposition_from_row).collect()
            }

            async fn open_dispositions_of_agency(&self, agency: AgencyId) -> Result<Vec<Disposition>> {
                let q = format!(
                    "SELECT {DISPOSITION_COLUMNS} FROM letter_dispositions WHERE agency_id = $1 AND done = $2 \
                     ORDER BY due IS NULL, due, created_at, id"
                );
                let rows = sqlx::query(&q).bind(agency.0).bind(false).fetch_all(&self.read).await?;
                rows.iter().map(disposition_from_row).collect()
            }

            async fn dispositions_to(&self, user: UserId) -> Result<Vec<Disposition>> {
                let q = format!(
                    "SELECT {DISPOSITION_COLUMNS} FROM letter_dispositions WHERE to_user = $1 \
                     ORDER BY done, due IS NULL, due, created_at"
                );
                let rows = sqlx::query(&q).bind(user.0).fetch_all(&self.read).await?;
                rows.iter().map(disposition_from_row).collect()
            }

            async fn disposition(&self, id: DispositionId) -> Result<Option<Disposition>> {
                let q = format!("SELECT {DISPOSITION_COLUMNS} FROM letter_dispositions WHERE id = $1");
                let row = sqlx::query(&q).bind(id.0).fetch_optional(&self.read).await?;
                row.as_ref().map(disposition_from_row).transpose()
            }

            async fn set_disposition(&self, d: &Disposition, expected_version: i64, audit: &NewAudit) -> Result<UpdateOutcome> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let res = sqlx::query(
                    "UPDATE letter_dispositions SET done = $1, note = $2, done_at = $3, version = $4 \
                     WHERE id = $5 AND version = $6",
                )
                .bind(d.done)
                .bind(&d.note)
                .bind(d.done_at.map(ms))
                .bind(d.version)
                .bind(d.id.0)
                .bind(expected_version)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                if res.rows_affected() == 0 {
                    let outcome = missed_update(&mut tx, "letter_dispositions", d.id.0).await?;
                    tx.rollback().await?;
                    return Ok(outcome);
                }
                tx.commit().await?;
                Ok(UpdateOutcome::Updated)
            }

            async fn letter(&self, id: LetterId) -> Result<Option<Letter>> {
                Ok(self.letters_where(&[], Some(id)).await?.pop())
            }

            async fn dispositions_to_remind(&self, kind: &str, from: Option<NaiveDate>, until: NaiveDate) -> Result<Vec<Disposition>> {
                // Dates are kept as YYYY-MM-DD text, which orders as the dates do.
                let q = format!(
                    "SELECT {DISPOSITION_COLUMNS} FROM letter_dispositions d WHERE d.done = $1 AND d.due IS NOT NULL \
                     AND d.due >= $2 AND d.due <= $3 \
                     AND NOT EXISTS (SELECT 1 FROM disposition_reminders r WHERE r.disposition_id = d.id AND r.kind = $4) \
                     ORDER BY d.due, d.id"
                );
                let rows = sqlx::query(&q)
                    .bind(false)
                    .bind(from.map_or_else(|| "0000-01-01".to_string(), date_text))
                    .bind(date_text(until))
                    .bind(kind)
                    .fetch_all(&self.read)
                    .await?;
                rows.iter().map(disposition_from_row).collect()
            }

            async fn record_disposition_reminder(
                &self,
                id: DispositionId,
                kind: &str,
                at: DateTime<Utc>,
                notices: &[Notification],
                mails: &[crate::mail::Mail],
                audit: &NewAudit,
            ) -> Result<bool> {
                crate::coordination::$m::record_reminder_once(
                    &self.write,
                    ("disposition_reminders", "disposition_id"),
                    id.0,
                    kind,
                    at,
                    notices,
                    mails,
                    audit,
                )
                .await
            }

            async fn forward_letter(&self, f: &LetterForward, notices: &[Notification], audit: &NewAudit) -> Result<bool> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let position: i64 = sqlx::query_scalar(
                    "SELECT COALESCE(MAX(position), -1) + 1 FROM letter_recipients WHERE letter_id = $1",
                )
                .bind(f.letter_id.0)
                .fetch_one(&mut *tx)
                .await?;
                let res = sqlx::query(
                    "INSERT INTO letter_recipients (letter_id, agency_id, role, position, delivered_at) \
                     VALUES ($1, $2, 'forwarded', $3, $4) ON CONFLICT (letter_id, agency_id) DO NOTHING",
                )
                .bind(f.letter_id.0)
                .bind(f.to_agency.0)
                .bind(position)
                .bind(ms(f.at))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                if res.rows_affected() == 0 {
                    tx.rollback().await?;
                    return Ok(false);
                }
                sqlx::query(
                    "INSERT INTO letter_forwards (letter_id, from_agency_id, to_agency_id, note, forwarded_by, forwarded_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(f.letter_id.0)
                .bind(f.from_agency.0)
                .bind(f.to_agency.0)
                .bind(&f.note)
                .bind(f.by.0)
                .bind(ms(f.at))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                for n in notices {
                    crate::notifications::$m::insert_notification_tx(&mut tx, n).await?;
                }
                tx.commit().await?;
                Ok(true)
            }

            async fn letters_for_agencies(&self, agencies: &[AgencyId]) -> Result<Vec<Letter>> {
                self.letters_where(agencies, None).await
            }

            async fn replies_to(&self, letters: &[LetterId]) -> Result<Vec<Letter>> {
                if letters.is_empty() {
                    return Ok(Vec::new());
                }
                let mut qb = QueryBuilder::<$DB>::new(format!(
                    "SELECT {LETTER_COLUMNS} FROM letters l WHERE l.status = 'sent' AND l.in_reply_to IN ("
                ));
                let mut sep = qb.separated(", ");
                for l in letters {
                    sep.push_bind(l.0);
                }
                qb.push(") ORDER BY l.updated_at, l.id");
                self.letters_of_query(qb).await
            }

            async fn letters_awaiting_reply(&self, senders: &[AgencyId], addressees: &[AgencyId]) -> Result<Vec<Letter>> {
                if senders.is_empty() || addressees.is_empty() {
                    return Ok(Vec::new());
                }
                let mut qb = QueryBuilder::<$DB>::new(format!(
                    "SELECT {LETTER_COLUMNS} FROM letters l WHERE l.status = 'sent' AND l.reply_by IS NOT NULL \
                     AND l.agency_id IN ("
                ));
                let mut sep = qb.separated(", ");
                for a in senders {
                    sep.push_bind(a.0);
                }
                qb.push(") AND EXISTS (SELECT 1 FROM letter_recipients r WHERE r.letter_id = l.id AND r.role = 'to' \
                         AND r.agency_id IN (");
                let mut sep = qb.separated(", ");
                for a in addressees {
                    sep.push_bind(a.0);
                }
                qb.push(")) ORDER BY l.reply_by, l.id");
                self.letters_of_query(qb).await
            }
        }
    };
}

pub(crate) mod sqlite {
    letters_impl!(
        SqliteStore,
        sqlx::sqlite::Sqlite,
        sqlx::sqlite::SqliteRow,
        sqlite
    );
}

pub(crate) mod pg {
    letters_impl!(PgStore, sqlx::postgres::Postgres, sqlx::postgres::PgRow, pg);
}
