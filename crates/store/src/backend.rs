//! What the two adapters share: the connection set-up of each database (SQLite with one
//! writer and a read pool, PostgreSQL with one pool), the conversions every domain uses,
//! and the [`Store`] methods that belong to no domain. Both schemas use the same column
//! names and representations (UUID ids, integer milliseconds for instants, JSON as text),
//! so each domain's query text is shared through one macro instantiated per driver (see
//! `accounts.rs`, `reports.rs`, …). Placeholders are written `$1…$n` in order of first
//! use, which PostgreSQL reads positionally and SQLite reads as named parameters numbered
//! in order of appearance — the same binding either way.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sinergi_core::audit::NewAudit;
use sinergi_core::ids::AgencyId;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::QueryBuilder;
use uuid::Uuid;

use crate::migrate::{run_migrations, Then, POSTGRES, SQLITE};
use crate::{RegionRow, Result, Store, StoreError, UpdateOutcome};

/// When a migration was applied: bookkeeping for administrators, outside the domain, so
/// the wall clock is read directly here.
#[allow(clippy::disallowed_methods)]
fn migration_time() -> i64 {
    Utc::now().timestamp_millis()
}

pub(crate) fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub(crate) fn date_ms(d: chrono::NaiveDate) -> i64 {
    d.and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp_millis())
        .unwrap_or(0)
}

pub(crate) fn from_ms(v: i64) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp_millis(v).ok_or_else(|| StoreError::Corrupt(format!("instant {v}")))
}

pub(crate) fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

/// Maps a driver error to a domain error where the constraint has a meaning.
pub(crate) fn map_err(e: sqlx::Error) -> StoreError {
    if let Some(db) = e.as_database_error() {
        let msg = db.message().to_string();
        let constraint = db.constraint().unwrap_or("").to_string();
        let hit = |name: &str, col: &str| constraint == name || msg.contains(col);
        if db.is_unique_violation() {
            if hit("agencies_code_key", "agencies.code") {
                return StoreError::Duplicate("agency code");
            }
            if hit("users_username_key", "users.username") {
                return StoreError::Duplicate("username");
            }
            if hit("fences_agency_name_key", "fences.name_key") {
                return StoreError::Duplicate("fence name");
            }
            return StoreError::Duplicate("record");
        }
        if db.is_foreign_key_violation() {
            return StoreError::MissingReference("referenced record");
        }
    }
    StoreError::Backend(e)
}

macro_rules! backend_impl {
    ($Store:ident, $DB:ty, $backend:literal, $m:ident) => {
        use super::*;
        use crate::audit::$m::append_audit_tx;

        /// A migration's step in Rust, in the migration's transaction (see [`Then`]).
        pub(crate) async fn migration_step(
            conn: &mut <$DB as sqlx::Database>::Connection,
            then: Then,
            now_ms: i64,
        ) -> Result<()> {
            match then {
                Then::Nothing => Ok(()),
                Then::UniqueFenceNames => unique_fence_names(conn, now_ms).await,
            }
        }

        /// Fills every fence's name key. The oldest fence of a name keeps it; a younger
        /// one of the same agency is renamed "Name (2)", "Name (3)"… (its spacing
        /// collapsed) to the first name no fence of the agency had or has been given, and
        /// the rename is audited (actor `operator`, the agency's own entry, the old and
        /// new name) and logged.
        async fn unique_fence_names(conn: &mut <$DB as sqlx::Database>::Connection, now_ms: i64) -> Result<()> {
            use std::collections::HashSet;
            use sinergi_core::warning::fence_name_key;
            let rows: Vec<(Uuid, Uuid, String)> =
                sqlx::query_as("SELECT id, owner_agency_id, name FROM fences ORDER BY created_at, id")
                    .fetch_all(&mut *conn)
                    .await?;
            // Every name as it was is reserved, so a rename never takes a later fence's.
            let mut taken: HashSet<(Uuid, String)> =
                rows.iter().map(|(_, agency, name)| (*agency, fence_name_key(name))).collect();
            let mut kept: HashSet<(Uuid, String)> = HashSet::new();
            let at = DateTime::<Utc>::from_timestamp_millis(now_ms).ok_or_else(|| corrupt("migration time"))?;
            for (id, agency, name) in rows {
                let key = fence_name_key(&name);
                if kept.insert((agency, key.clone())) {
                    sqlx::query("UPDATE fences SET name_key = $1 WHERE id = $2")
                        .bind(&key)
                        .bind(id)
                        .execute(&mut *conn)
                        .await?;
                    continue;
                }
                let mut n = 2u32;
                let renamed = loop {
                    let suffix = format!(" ({n})");
                    // Names are at most 200 characters.
                    let room = 200usize.saturating_sub(suffix.chars().count());
                    let spaced = name.split_whitespace().collect::<Vec<_>>().join(" ");
                    let base: String = spaced.chars().take(room).collect();
                    let candidate = format!("{}{suffix}", base.trim_end());
                    if taken.insert((agency, fence_name_key(&candidate))) {
                        break candidate;
                    }
                    n += 1;
                };
                let new_key = fence_name_key(&renamed);
                kept.insert((agency, new_key.clone()));
                sqlx::query("UPDATE fences SET name = $1, name_key = $2 WHERE id = $3")
                    .bind(&renamed)
                    .bind(&new_key)
                    .bind(id)
                    .execute(&mut *conn)
                    .await?;
                tracing::warn!(fence = %id, from = %name, to = %renamed, "renamed an area whose agency has another of the same name");
                let entry = NewAudit {
                    at,
                    actor_id: None,
                    actor: "operator".into(),
                    agency_id: Some(AgencyId(agency)),
                    action: sinergi_core::audit::Action::WarningSetup,
                    record_type: Some("fence".into()),
                    record_id: Some(id.to_string()),
                    detail: serde_json::json!({
                        "name": renamed,
                        "renamed_from": name,
                        "reason": "migration 10: another area of the agency has this name",
                    }),
                };
                append_audit_tx(&mut *conn, &entry).await?;
            }
            Ok(())
        }

        /// Why a versioned update matched no row: the stored version differs, or the
        /// record does not exist.
        pub(crate) async fn missed_update(
            conn: &mut <$DB as sqlx::Database>::Connection,
            table: &str,
            id: Uuid,
        ) -> Result<UpdateOutcome> {
            let current: Option<i64> = sqlx::query_scalar(&format!("SELECT version FROM {table} WHERE id = $1"))
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?;
            Ok(match current {
                Some(v) => UpdateOutcome::VersionMismatch(v),
                None => UpdateOutcome::NotFound,
            })
        }

        #[async_trait]
        impl Store for $Store {
            fn backend(&self) -> &'static str {
                $backend
            }

            async fn ping(&self) -> Result<()> {
                sqlx::query("SELECT 1").execute(&self.read).await?;
                Ok(())
            }

            async fn copy_into(&self, file: &str) -> Result<bool> {
                if self.backend() != "sqlite" {
                    return Ok(false);
                }
                sqlx::query("VACUUM INTO $1").bind(file).execute(&self.write).await?;
                Ok(true)
            }

            fn pool_use(&self) -> Vec<crate::PoolUse> {
                if self.backend() == "postgres" {
                    return vec![crate::PoolUse::of("read_write", &self.read)];
                }
                vec![
                    crate::PoolUse::of("read", &self.read),
                    crate::PoolUse::of("write", &self.write),
                ]
            }

            async fn region_count(&self) -> Result<i64> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM regions").fetch_one(&self.read).await?)
            }

            async fn load_regions(&self, rows: &[RegionRow]) -> Result<()> {
                let mut tx = self.write.begin().await?;
                for chunk in rows.chunks(2_000) {
                    let mut qb = QueryBuilder::<$DB>::new(
                        "INSERT INTO regions (code, name, level, parent_code, lon, lat) ",
                    );
                    qb.push_values(chunk, |mut b, r| {
                        b.push_bind(r.code.clone())
                            .push_bind(r.name.clone())
                            .push_bind(r.level)
                            .push_bind(r.parent_code.clone())
                            .push_bind(r.lon)
                            .push_bind(r.lat);
                    });
                    qb.push(" ON CONFLICT (code) DO NOTHING");
                    qb.build().execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(())
            }
        }
    };
}

/// The embedded default. Reads go through a pool; writes through a single connection, so
/// SQLite never sees two writers compete for its one write lock.
pub struct SqliteStore {
    pub(crate) read: SqlitePool,
    pub(crate) write: SqlitePool,
    checkpoints: tokio::task::JoinHandle<()>,
}

impl SqliteStore {
    pub async fn open(url: &str) -> Result<Self> {
        let opts = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::BadUrl(e.to_string()))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("cache_size", "-65536")
            // Statement journals (a multi-row insert that may abort keeps one) in memory,
            // not in a temporary file written through the kernel.
            .pragma("temp_store", "MEMORY");
        // The single writer keeps a larger page cache (256 MB): ingest touches many index
        // pages per batch. It never checkpoints the WAL itself, so a commit never waits for
        // pages to be copied back into the database; a separate connection does that.
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(
                opts.clone()
                    .pragma("cache_size", "-262144")
                    .pragma("wal_autocheckpoint", "0"),
            )
            .await?;
        run_migrations!(&write, SQLITE, migration_time(), sqlite::migration_step);
        let checkpointer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(opts.clone().pragma("wal_autocheckpoint", "0"))
            .await?;
        let read = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(opts.read_only(true))
            .await?;
        let task = tokio::spawn(checkpoint_loop(checkpointer));
        Ok(SqliteStore {
            read,
            write,
            checkpoints: task,
        })
    }
}

/// Copies the WAL back into the database every half second (`PASSIVE`: never waits for
/// readers and never takes the write lock, so the writer is never refused). Once a
/// checkpoint has copied everything, the writer starts the WAL from its beginning again.
async fn checkpoint_loop(pool: SqlitePool) {
    let mut tick = tokio::time::interval(Duration::from_millis(500));
    loop {
        tick.tick().await;
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&pool)
            .await
        {
            tracing::warn!(error = %e, "WAL checkpoint");
        }
    }
}

impl Drop for SqliteStore {
    fn drop(&mut self) {
        self.checkpoints.abort();
    }
}

pub(crate) mod sqlite {
    backend_impl!(SqliteStore, sqlx::sqlite::Sqlite, "sqlite", sqlite);
}

/// The PostgreSQL adapter, for deployments that outgrow one machine.
pub struct PgStore {
    pub(crate) read: PgPool,
    pub(crate) write: PgPool,
}

impl PgStore {
    pub async fn open(url: &str) -> Result<Self> {
        let opts =
            PgConnectOptions::from_str(url).map_err(|e| StoreError::BadUrl(e.to_string()))?;
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(opts)
            .await?;
        run_migrations!(&pool, POSTGRES, migration_time(), pg::migration_step);
        Ok(PgStore {
            read: pool.clone(),
            write: pool,
        })
    }
}

pub(crate) mod pg {
    backend_impl!(PgStore, sqlx::postgres::Postgres, "postgres", pg);
}
