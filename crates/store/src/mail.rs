//! E-mail waiting to be sent (ADR 28): written in the same transaction as what it tells
//! of (a reminder), sent by the reminders' run through the operator's SMTP server, retried
//! with backoff, and once sent never sent again.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sinergi_core::ids::UserId;
use sqlx::Row;
use uuid::Uuid;

use crate::backend::{from_ms, ms, PgStore, SqliteStore};
use crate::Result;

/// One mail to one address.
#[derive(Debug, Clone, PartialEq)]
pub struct Mail {
    pub id: Uuid,
    pub user_id: Option<UserId>,
    pub to: String,
    pub subject: String,
    pub body: String,
    /// What it tells of, e.g. `action_item_overdue`.
    pub kind: String,
    pub record_type: Option<String>,
    pub record_id: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Attempts made so far.
    pub attempts: i64,
}

/// How many mails wait, were sent, and were given up.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MailCounts {
    pub waiting: i64,
    pub sent: i64,
    pub failed: i64,
}

#[async_trait]
pub trait MailStore: Send + Sync {
    /// Mails not yet sent nor given up whose next attempt is due at `now`, oldest first.
    async fn mail_due(&self, now: DateTime<Utc>, limit: u32) -> Result<Vec<Mail>>;
    /// Marks a mail sent (once: false when it already was).
    async fn mail_sent(&self, id: Uuid, at: DateTime<Utc>) -> Result<bool>;
    /// Records a failed attempt: the next one at `next`, or, with `None`, given up.
    async fn mail_failed(
        &self,
        id: Uuid,
        at: DateTime<Utc>,
        next: Option<DateTime<Utc>>,
        error: &str,
    ) -> Result<()>;
    /// The mails of a record (newest first), for its page and for tests.
    async fn mails_of(&self, record_type: &str, record_id: &str) -> Result<Vec<Mail>>;
    async fn mail_counts(&self) -> Result<MailCounts>;
}

macro_rules! mail_impl {
    ($Store:ident, $DB:ty, $Row:ty, $m:ident) => {
        use super::*;

        const MAIL_COLUMNS: &str =
            "id, user_id, to_addr, subject, body, kind, record_type, record_id, created_at, attempts";

        /// Queues mails inside the caller's transaction.
        pub(crate) async fn insert_mails_tx(conn: &mut <$DB as sqlx::Database>::Connection, mails: &[Mail]) -> Result<()> {
            for m in mails {
                sqlx::query(
                    "INSERT INTO mail_outbox (id, user_id, to_addr, subject, body, kind, record_type, record_id, created_at, next_attempt_at, attempts) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, 0)",
                )
                .bind(m.id)
                .bind(m.user_id.map(|u| u.0))
                .bind(&m.to)
                .bind(&m.subject)
                .bind(&m.body)
                .bind(&m.kind)
                .bind(&m.record_type)
                .bind(&m.record_id)
                .bind(ms(m.created_at))
                .execute(&mut *conn)
                .await?;
            }
            Ok(())
        }

        fn mail_from_row(row: &$Row) -> Result<Mail> {
            let user: Option<Uuid> = row.try_get("user_id")?;
            Ok(Mail {
                id: row.try_get("id")?,
                user_id: user.map(UserId),
                to: row.try_get("to_addr")?,
                subject: row.try_get("subject")?,
                body: row.try_get("body")?,
                kind: row.try_get("kind")?,
                record_type: row.try_get("record_type")?,
                record_id: row.try_get("record_id")?,
                created_at: from_ms(row.try_get("created_at")?)?,
                attempts: i64::from(row.try_get::<i32, _>("attempts")?),
            })
        }

        #[async_trait]
        impl MailStore for $Store {
            async fn mail_due(&self, now: DateTime<Utc>, limit: u32) -> Result<Vec<Mail>> {
                let q = format!(
                    "SELECT {MAIL_COLUMNS} FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL \
                     AND next_attempt_at <= $1 ORDER BY created_at, id LIMIT $2"
                );
                let rows = sqlx::query(&q)
                    .bind(ms(now))
                    .bind(i64::from(limit))
                    .fetch_all(&self.read)
                    .await?;
                rows.iter().map(mail_from_row).collect()
            }

            async fn mail_sent(&self, id: Uuid, at: DateTime<Utc>) -> Result<bool> {
                let r = sqlx::query(
                    "UPDATE mail_outbox SET sent_at = $1, attempts = attempts + 1, last_error = NULL \
                     WHERE id = $2 AND sent_at IS NULL",
                )
                .bind(ms(at))
                .bind(id)
                .execute(&self.write)
                .await?;
                Ok(r.rows_affected() == 1)
            }

            async fn mail_failed(&self, id: Uuid, at: DateTime<Utc>, next: Option<DateTime<Utc>>, error: &str) -> Result<()> {
                sqlx::query(
                    "UPDATE mail_outbox SET attempts = attempts + 1, last_error = $1, \
                     next_attempt_at = COALESCE($2, next_attempt_at), failed_at = $3 WHERE id = $4 AND sent_at IS NULL",
                )
                .bind(error)
                .bind(next.map(ms))
                .bind(if next.is_none() { Some(ms(at)) } else { None })
                .bind(id)
                .execute(&self.write)
                .await?;
                Ok(())
            }

            async fn mails_of(&self, record_type: &str, record_id: &str) -> Result<Vec<Mail>> {
                let q = format!(
                    "SELECT {MAIL_COLUMNS} FROM mail_outbox WHERE record_type = $1 AND record_id = $2 \
                     ORDER BY created_at DESC, id"
                );
                let rows = sqlx::query(&q).bind(record_type).bind(record_id).fetch_all(&self.read).await?;
                rows.iter().map(mail_from_row).collect()
            }

            async fn mail_counts(&self) -> Result<MailCounts> {
                let row = sqlx::query(
                    "SELECT COUNT(*) FILTER (WHERE sent_at IS NULL AND failed_at IS NULL) AS waiting, \
                     COUNT(sent_at) AS sent, COUNT(failed_at) AS failed FROM mail_outbox",
                )
                .fetch_one(&self.read)
                .await?;
                Ok(MailCounts {
                    waiting: row.try_get("waiting")?,
                    sent: row.try_get("sent")?,
                    failed: row.try_get("failed")?,
                })
            }
        }
    };
}

pub(crate) mod sqlite {
    mail_impl!(
        SqliteStore,
        sqlx::sqlite::Sqlite,
        sqlx::sqlite::SqliteRow,
        sqlite
    );
}

pub(crate) mod pg {
    mail_impl!(PgStore, sqlx::postgres::Postgres, sqlx::postgres::PgRow, pg);
}
