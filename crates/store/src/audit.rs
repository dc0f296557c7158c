//! The audit trail in the store: appending (alone, or with the write it records, through
//! [`AuditedTx`](self)), reading, and signed checkpoints.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::Value;
use sinergi_core::audit::{AuditEntry, NewAudit, GENESIS};
use sinergi_core::checkpoint::Checkpoint;
use sinergi_core::ids::{AgencyId, UserId};
use sqlx::{QueryBuilder, Row};
use uuid::Uuid;

use crate::backend::{from_ms, ms, PgStore, SqliteStore};
use crate::Result;

/// Which audit entries to read. `agencies: None` means all.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AuditFilter {
    pub agencies: Option<Vec<AgencyId>>,
    pub actor: Option<String>,
    pub record_id: Option<String>,
    pub action: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// Oldest first (for verifying) instead of newest first (for reading).
    pub ascending: bool,
    /// Continue after this sequence number, in the chosen order.
    pub cursor: Option<i64>,
    pub limit: u32,
}

/// The hash-chained audit trail and its checkpoints.
#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Appends one entry to the audit trail (reads, sign-ins, exports: events that change
    /// nothing else).
    async fn append_audit(&self, e: &NewAudit) -> Result<()>;
    /// Appends entries in order in one transaction (each still its own entry).
    async fn append_audits(&self, entries: &[NewAudit]) -> Result<()>;
    async fn audit_entries(&self, f: &AuditFilter) -> Result<Vec<AuditEntry>>;
    /// The newest entry's sequence number and hash; `None` while the trail is empty.
    async fn audit_head(&self) -> Result<Option<(i64, String)>>;
    /// Stores a signed checkpoint of the trail. Not itself audited: an entry about it
    /// would leave the trail longer than the checkpoint covering it.
    async fn insert_audit_checkpoint(&self, c: &Checkpoint) -> Result<()>;
    /// At most `limit` checkpoints, ordered by the entry they sign and then by time,
    /// oldest or newest first.
    async fn audit_checkpoints(&self, newest_first: bool, limit: u32) -> Result<Vec<Checkpoint>>;
}

macro_rules! audit_impl {
    ($Store:ident, $DB:ty, $Row:ty, $m:ident, $lock_audit:literal) => {
        use super::*;

        fn audit_from_row(row: &$Row) -> Result<AuditEntry> {
            let actor_id: Option<Uuid> = row.try_get("actor_id")?;
            let agency_id: Option<Uuid> = row.try_get("agency_id")?;
            let detail: String = row.try_get("detail")?;
            Ok(AuditEntry {
                seq: row.try_get("seq")?,
                at: from_ms(row.try_get("at")?)?,
                actor_id: actor_id.map(UserId),
                actor: row.try_get("actor")?,
                agency_id: agency_id.map(AgencyId),
                action: row.try_get("action")?,
                record_type: row.try_get("record_type")?,
                record_id: row.try_get("record_id")?,
                // A row whose detail no longer parses is kept as text, so the verifier
                // reports it as a broken entry instead of failing to read the trail.
                detail: serde_json::from_str(&detail).unwrap_or(Value::String(detail)),
                prev_hash: row.try_get("prev_hash")?,
                hash: row.try_get("hash")?,
            })
        }

        /// Appends an audit entry inside the caller's transaction, chained to the newest
        /// one. PostgreSQL serialises appenders with a table lock; SQLite already has a
        /// single writer.
        pub(crate) async fn append_audit_tx(conn: &mut <$DB as sqlx::Database>::Connection, e: &NewAudit) -> Result<()> {
            append_audits_tx(conn, &[e]).await
        }

        /// Appends entries in order inside the caller's transaction, each chained to the
        /// one before and the first to the newest stored: one read of the head and one
        /// insert for them all.
        pub(crate) async fn append_audits_tx(
            conn: &mut <$DB as sqlx::Database>::Connection,
            entries: &[&NewAudit],
        ) -> Result<()> {
            if entries.is_empty() {
                return Ok(());
            }
            if !$lock_audit.is_empty() {
                sqlx::query($lock_audit).execute(&mut *conn).await?;
            }
            let head: Option<(i64, String)> =
                sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
                    .fetch_optional(&mut *conn)
                    .await?;
            let (mut seq, mut prev) = head.map(|(s, h)| (s + 1, h)).unwrap_or((1, GENESIS.to_string()));
            let mut rows = Vec::with_capacity(entries.len());
            for e in entries {
                let hash = e.hash(seq, &prev);
                rows.push((seq, *e, std::mem::replace(&mut prev, hash.clone()), hash));
                seq += 1;
            }
            // 11 parameters a row: 500 rows stay under both databases' limits.
            for chunk in rows.chunks(500) {
                let mut qb = QueryBuilder::<$DB>::new(
                    "INSERT INTO audit_log (seq, at, actor_id, actor, agency_id, action, record_type, record_id, detail, prev_hash, hash) ",
                );
                qb.push_values(chunk, |mut b, (seq, e, prev, hash)| {
                    b.push_bind(*seq)
                        .push_bind(ms(e.at))
                        .push_bind(e.actor_id.map(|u| u.0))
                        .push_bind(e.actor.clone())
                        .push_bind(e.agency_id.map(|a| a.0))
                        .push_bind(e.action.as_str())
                        .push_bind(e.record_type.clone())
                        .push_bind(e.record_id.clone())
                        .push_bind(e.detail.to_string())
                        .push_bind(prev.clone())
                        .push_bind(hash.clone());
                });
                qb.build().execute(&mut *conn).await?;
            }
            Ok(())
        }

        /// Runs an UPDATE that must change exactly one row and, when it did, appends the audit
        /// entry in the same transaction. False, with nothing written, when no row matched.
        pub(crate) async fn update_one_audited<'q>(
            pool: &sqlx::Pool<$DB>,
            update: sqlx::query::Query<'q, $DB, <$DB as sqlx::Database>::Arguments<'q>>,
            audit: Option<&NewAudit>,
        ) -> Result<bool> {
            let mut tx = AuditedTx::begin(pool, audit).await?;
            if update.execute(&mut *tx).await?.rows_affected() != 1 {
                tx.rollback().await?;
                return Ok(false);
            }
            tx.commit().await?;
            Ok(true)
        }

        /// A write transaction that commits together with its audit entry: `commit`
        /// appends the entry (chained to the newest one) last, so other writers wait for
        /// the trail as briefly as possible, and then commits both; `rollback`, or
        /// dropping it, writes neither. Every audited write goes through one.
        pub(crate) struct AuditedTx<'a> {
            tx: sqlx::Transaction<'static, $DB>,
            audit: Option<&'a NewAudit>,
        }

        impl<'a> AuditedTx<'a> {
            /// Begins a transaction on `pool` whose commit appends `audit` (when given).
            pub(crate) async fn begin(pool: &sqlx::Pool<$DB>, audit: Option<&'a NewAudit>) -> Result<Self> {
                Ok(AuditedTx { tx: pool.begin().await?, audit })
            }

            /// Appends the audit entry and commits it with the write.
            pub(crate) async fn commit(mut self) -> Result<()> {
                if let Some(e) = self.audit {
                    append_audit_tx(&mut self.tx, e).await?;
                }
                self.tx.commit().await?;
                Ok(())
            }

            /// Ends the transaction with nothing written, the audit entry neither.
            pub(crate) async fn rollback(self) -> Result<()> {
                self.tx.rollback().await?;
                Ok(())
            }
        }

        impl std::ops::Deref for AuditedTx<'_> {
            type Target = <$DB as sqlx::Database>::Connection;
            fn deref(&self) -> &Self::Target {
                &self.tx
            }
        }

        impl std::ops::DerefMut for AuditedTx<'_> {
            fn deref_mut(&mut self) -> &mut Self::Target {
                &mut self.tx
            }
        }

        #[async_trait]
        impl AuditStore for $Store {
            async fn append_audit(&self, e: &NewAudit) -> Result<()> {
                AuditedTx::begin(&self.write, Some(e)).await?.commit().await
            }

            async fn append_audits(&self, entries: &[NewAudit]) -> Result<()> {
                let mut tx = self.write.begin().await?;
                let refs: Vec<&NewAudit> = entries.iter().collect();
                append_audits_tx(&mut tx, &refs).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn audit_entries(&self, f: &AuditFilter) -> Result<Vec<AuditEntry>> {
                let mut qb = QueryBuilder::<$DB>::new(
                    "SELECT seq, at, actor_id, actor, agency_id, action, record_type, record_id, detail, prev_hash, hash \
                     FROM audit_log WHERE 1 = 1",
                );
                if let Some(agencies) = &f.agencies {
                    if agencies.is_empty() {
                        return Ok(Vec::new());
                    }
                    qb.push(" AND agency_id IN (");
                    let mut sep = qb.separated(", ");
                    for a in agencies {
                        sep.push_bind(a.0);
                    }
                    qb.push(")");
                }
                if let Some(a) = &f.actor {
                    qb.push(" AND actor = ").push_bind(a.clone());
                }
                if let Some(r) = &f.record_id {
                    qb.push(" AND record_id = ").push_bind(r.clone());
                }
                if let Some(a) = &f.action {
                    qb.push(" AND action = ").push_bind(a.clone());
                }
                if let Some(t) = f.since {
                    qb.push(" AND at >= ").push_bind(ms(t));
                }
                if let Some(t) = f.until {
                    qb.push(" AND at <= ").push_bind(ms(t));
                }
                if let Some(c) = f.cursor {
                    qb.push(if f.ascending { " AND seq > " } else { " AND seq < " }).push_bind(c);
                }
                qb.push(if f.ascending { " ORDER BY seq ASC" } else { " ORDER BY seq DESC" });
                qb.push(" LIMIT ").push_bind(i64::from(f.limit));
                let rows = qb.build().fetch_all(&self.read).await?;
                rows.iter().map(audit_from_row).collect()
            }

            async fn audit_head(&self) -> Result<Option<(i64, String)>> {
                Ok(sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
                    .fetch_optional(&self.read)
                    .await?)
            }

            async fn insert_audit_checkpoint(&self, c: &Checkpoint) -> Result<()> {
                sqlx::query(
                    "INSERT INTO audit_checkpoints (seq, hash, at, public_key, signature) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(c.seq)
                .bind(&c.hash)
                .bind(ms(c.at))
                .bind(&c.public_key)
                .bind(&c.signature)
                .execute(&self.write)
                .await?;
                Ok(())
            }

            async fn audit_checkpoints(&self, newest_first: bool, limit: u32) -> Result<Vec<Checkpoint>> {
                let q = if newest_first {
                    "SELECT seq, hash, at, public_key, signature FROM audit_checkpoints \
                     ORDER BY seq DESC, at DESC, id DESC LIMIT $1"
                } else {
                    "SELECT seq, hash, at, public_key, signature FROM audit_checkpoints \
                     ORDER BY seq, at, id LIMIT $1"
                };
                let rows = sqlx::query(q).bind(i64::from(limit)).fetch_all(&self.read).await?;
                rows.iter()
                    .map(|row| {
                        Ok(Checkpoint {
                            seq: row.try_get("seq")?,
                            hash: row.try_get("hash")?,
                            at: from_ms(row.try_get("at")?)?,
                            public_key: row.try_get("public_key")?,
                            signature: row.try_get("signature")?,
                        })
                    })
                    .collect()
            }
        }
    };
}

pub(crate) mod sqlite {
    audit_impl!(
        SqliteStore,
        sqlx::sqlite::Sqlite,
        sqlx::sqlite::SqliteRow,
        sqlite,
        ""
    );
}

pub(crate) mod pg {
    audit_impl!(
        PgStore,
        sqlx::postgres::Postgres,
        sqlx::postgres::PgRow,
        pg,
        "LOCK TABLE audit_log IN EXCLUSIVE MODE"
    );
}
