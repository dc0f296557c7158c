//! A small forward-only migrator with checksums: each backend has its own folder of
//! numbered SQL files (`migrations/sqlite`, `migrations/postgres`, matching names), listed
//! by `build.rs` and embedded in the binary, so adding a migration means adding its two
//! files. Each runs in its own transaction and is recorded in `sinergi_migrations` with
//! the SHA-256 of its text; a database whose applied migration no longer matches the file
//! (edited after it ran), or that has a migration this binary does not know (made by a
//! newer one), is refused with an error naming it. A database from before checksums were
//! recorded has them filled in from the files when it is first opened. A migration whose
//! data change SQL cannot express the same way on both databases (see [`Then`]) has a step
//! in Rust that runs in the same transaction, after its SQL (directive
//! `-- sinergi: then step_name` in the file).

use sha2::{Digest, Sha256};

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
    /// SQLite only (directive `-- sinergi: rebuilds-table`): the migration rebuilds a table
    /// others refer to, so it runs with foreign keys off (they cannot be switched inside a
    /// transaction), and every reference is checked before it commits — SQLite's documented
    /// way to change a table's definition.
    pub rebuilds_table: bool,
    /// What runs after the SQL, in the same transaction.
    pub then: Then,
}

impl Migration {
    /// The hex SHA-256 of the migration's text, as recorded when it was applied.
    pub fn checksum(&self) -> String {
        hex::encode(Sha256::digest(self.sql.as_bytes()))
    }

    /// How errors name it: the file name.
    pub fn file(&self) -> String {
        format!("{:04}_{}.sql", self.version, self.name)
    }
}

/// A migration's step in Rust, run by each adapter's `migration_step`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Then {
    Nothing,
    /// Migration 10: fills `fences.name_key` with [`sinergi_core::warning::fence_name_key`]
    /// (Unicode lower case and collapsed white space, which neither database's SQL does
    /// alike) and renames the younger fences of a name their agency already has, each
    /// rename audited.
    UniqueFenceNames,
}

// `SQLITE` and `POSTGRES`: every file of each folder, in version order.
include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

/// Checks what a database has applied against the migrations this binary carries:
/// `applied` is (version, name, checksum) as recorded. Returns the versions whose checksum
/// is still to be recorded (applied before checksums were kept).
pub fn check_applied(
    list: &[&Migration],
    applied: &[(i64, String, Option<String>)],
) -> crate::Result<Vec<i64>> {
    let mut unrecorded = Vec::new();
    for (version, name, checksum) in applied {
        let Some(m) = list.iter().find(|m| m.version == *version) else {
            return Err(crate::StoreError::Migration(format!(
                "the database has migration {version:04}_{name}, which this version of Sinergi does not have; \
                 it was made by a newer version"
            )));
        };
        if m.name != name {
            return Err(crate::StoreError::Migration(format!(
                "migration {version} was applied as `{name}` but is `{}` here: {} was renamed after it ran",
                m.name,
                m.file()
            )));
        }
        match checksum {
            None => unrecorded.push(m.version),
            Some(c) if *c == m.checksum() => {}
            Some(c) => {
                return Err(crate::StoreError::Migration(format!(
                    "{} was changed after it was applied to this database (applied {c}, now {}); \
                     restore the file as it was released and put the change in a new migration",
                    m.file(),
                    m.checksum()
                )))
            }
        }
    }
    Ok(unrecorded)
}

macro_rules! run_migrations {
    ($pool:expr, $list:expr, $now_ms:expr, $step:path) => {{
        sqlx::raw_sql(
            "CREATE TABLE IF NOT EXISTS sinergi_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL, checksum TEXT)",
        )
        .execute($pool)
        .await?;
        // A table made before checksums were recorded gains the column.
        if sqlx::raw_sql("SELECT checksum FROM sinergi_migrations WHERE 1 = 0").execute($pool).await.is_err() {
            sqlx::raw_sql("ALTER TABLE sinergi_migrations ADD COLUMN checksum TEXT").execute($pool).await?;
        }
        // One connection throughout: a table rebuild switches foreign keys off on it.
        let mut conn = $pool.acquire().await?;
        let list: Vec<&$crate::migrate::Migration> = $list
            .iter()
            .map(|m| <_ as std::borrow::Borrow<$crate::migrate::Migration>>::borrow(m))
            .collect();
        let applied: Vec<(i64, String, Option<String>)> =
            sqlx::query_as("SELECT version, name, checksum FROM sinergi_migrations ORDER BY version")
                .fetch_all(&mut *conn)
                .await?;
        for version in $crate::migrate::check_applied(&list, &applied)? {
            if let Some(m) = list.iter().find(|m| m.version == version) {
                sqlx::query("UPDATE sinergi_migrations SET checksum = $1 WHERE version = $2")
                    .bind(m.checksum())
                    .bind(version)
                    .execute(&mut *conn)
                    .await?;
            }
        }
        for m in list {
            if applied.iter().any(|(v, _, _)| *v == m.version) {
                continue;
            }
            if m.rebuilds_table {
                sqlx::raw_sql("PRAGMA foreign_keys = OFF").execute(&mut *conn).await?;
            }
            let mut tx = sqlx::Connection::begin(&mut *conn).await?;
            sqlx::raw_sql(m.sql).execute(&mut *tx).await?;
            $step(&mut *tx, m.then, $now_ms).await?;
            if m.rebuilds_table {
                let broken = sqlx::query("PRAGMA foreign_key_check").fetch_all(&mut *tx).await?;
                if !broken.is_empty() {
                    return Err(crate::StoreError::Corrupt(format!(
                        "migration {} would leave {} broken references; nothing was changed",
                        m.version,
                        broken.len()
                    )));
                }
            }
            sqlx::query("INSERT INTO sinergi_migrations (version, name, applied_at, checksum) VALUES ($1, $2, $3, $4)")
                .bind(m.version)
                .bind(m.name)
                .bind($now_ms)
                .bind(m.checksum())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            if m.rebuilds_table {
                sqlx::raw_sql("PRAGMA foreign_keys = ON").execute(&mut *conn).await?;
            }
            tracing::info!(version = m.version, name = m.name, "applied migration");
        }
    }};
}
pub(crate) use run_migrations;

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};

    use super::SQLITE;
    use crate::Result;

    /// Upgrading a database that already has alerts with deliveries: the alerts table is
    /// rebuilt (migration 6) while the outbox still refers to it, on a connection that has
    /// foreign keys on, as the store opens it.
    #[tokio::test]
    async fn rebuilding_the_alerts_table_keeps_what_refers_to_it() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| crate::StoreError::Corrupt(e.to_string()))?;
        let url = format!("sqlite://{}", dir.path().join("m.db").display());
        let opts = SqliteConnectOptions::from_str(&url)
            .map_err(|e| crate::StoreError::BadUrl(e.to_string()))?
            .create_if_missing(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(opts.clone().foreign_keys(true))
            .await?;
        let before: Vec<&super::Migration> = SQLITE.iter().filter(|m| m.version <= 5).collect();
        run_migrations!(&pool, before, 0i64, crate::backend::sqlite::migration_step);
        // An alert and its pending delivery, as version 5 stored them.
        sqlx::raw_sql(
            "PRAGMA foreign_keys = OFF;
             INSERT INTO alerts (seq, id, dedupe, kind, severity, owner_agency_id, at, lon, lat, status, created_at, version)
                 VALUES (1, x'01', 'd1', 'enter', 'critical', x'02', 0, 105.8, -5.0, 'open', 0, 1);
             INSERT INTO outbox (alert_id, channel, target, status, attempts, next_attempt_at, created_at)
                 VALUES (x'01', 'webhook', 'hook', 'pending', 0, 0, 0);
             PRAGMA foreign_keys = ON;",
        )
        .execute(&pool)
        .await?;
        run_migrations!(&pool, SQLITE, 0i64, crate::backend::sqlite::migration_step);
        let (alerts, outbox): (i64, i64) =
            sqlx::query_as("SELECT (SELECT COUNT(*) FROM alerts), (SELECT COUNT(*) FROM outbox)")
                .fetch_one(&pool)
                .await?;
        assert_eq!((alerts, outbox), (1, 1));
        let broken = sqlx::query("PRAGMA foreign_key_check")
            .fetch_all(&pool)
            .await?;
        assert!(broken.is_empty(), "the outbox still refers to its alert");
        let on: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(&pool)
            .await?;
        assert_eq!(on, 1, "foreign keys are on again after the rebuild");
        // A delivery for an alert that does not exist is still refused.
        let orphan = sqlx::raw_sql(
            "INSERT INTO outbox (alert_id, channel, target, status, attempts, next_attempt_at, created_at)
                 VALUES (x'09', 'webhook', 'hook', 'pending', 0, 0, 0)",
        )
        .execute(&pool)
        .await;
        assert!(orphan.is_err());
        Ok(())
    }

    /// Fixes held before senders were recorded (migration 8) keep no claim anyone could
    /// match: they join no subject by themselves. Attached fixes stay their device's.
    #[tokio::test]
    async fn fixes_held_before_senders_were_recorded_are_held_for_no_one() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| crate::StoreError::Corrupt(e.to_string()))?;
        let url = format!("sqlite://{}", dir.path().join("m.db").display());
        let opts = SqliteConnectOptions::from_str(&url)
            .map_err(|e| crate::StoreError::BadUrl(e.to_string()))?
            .create_if_missing(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(opts.foreign_keys(true))
            .await?;
        let before: Vec<&super::Migration> = SQLITE.iter().filter(|m| m.version <= 6).collect();
        run_migrations!(&pool, before, 0i64, crate::backend::sqlite::migration_step);
        sqlx::raw_sql(
            "INSERT INTO fixes (id, serial, recorded_at, device_id, subject_id, lon, lat, source, received_at)
                 VALUES (1, 'KALUNG-99', 0, NULL, NULL, 105.8, -5.0, 'http', 0),
                        (2, 'KALUNG-07', 0, x'01', x'02', 105.8, -5.0, 'http', 0);",
        )
        .execute(&pool)
        .await?;
        run_migrations!(&pool, SQLITE, 0i64, crate::backend::sqlite::migration_step);
        let claims: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, held_for FROM fixes ORDER BY id")
                .fetch_all(&pool)
                .await?;
        assert_eq!(claims, vec![(1, "unknown".to_string()), (2, String::new())]);
        Ok(())
    }

    async fn migrated_pool(dir: &tempfile::TempDir) -> Result<sqlx::SqlitePool> {
        let url = format!("sqlite://{}", dir.path().join("m.db").display());
        let opts = SqliteConnectOptions::from_str(&url)
            .map_err(|e| crate::StoreError::BadUrl(e.to_string()))?
            .create_if_missing(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(opts.foreign_keys(true))
            .await?;
        run_migrations!(&pool, SQLITE, 0i64, crate::backend::sqlite::migration_step);
        Ok(pool)
    }

    async fn migrate_again(pool: &sqlx::SqlitePool) -> Result<()> {
        run_migrations!(pool, SQLITE, 0i64, crate::backend::sqlite::migration_step);
        Ok(())
    }

    /// A database migrated before checksums were recorded (no `checksum` column) opens,
    /// and gains the checksum of every migration it has.
    #[tokio::test]
    async fn a_database_from_before_checksums_gains_them() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| crate::StoreError::Corrupt(e.to_string()))?;
        let pool = migrated_pool(&dir).await?;
        sqlx::raw_sql("ALTER TABLE sinergi_migrations DROP COLUMN checksum")
            .execute(&pool)
            .await?;
        migrate_again(&pool).await?;
        let sums: Vec<(i64, Option<String>)> =
            sqlx::query_as("SELECT version, checksum FROM sinergi_migrations ORDER BY version")
                .fetch_all(&pool)
                .await?;
        let expected: Vec<(i64, Option<String>)> = SQLITE
            .iter()
            .map(|m| (m.version, Some(m.checksum())))
            .collect();
        assert_eq!(sums, expected);
        Ok(())
    }

    /// A migration edited after it was applied, or one this binary does not know, stops
    /// the store from opening, with an error naming the file.
    #[tokio::test]
    async fn an_edited_or_unknown_migration_is_refused() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| crate::StoreError::Corrupt(e.to_string()))?;
        let pool = migrated_pool(&dir).await?;
        sqlx::raw_sql("UPDATE sinergi_migrations SET checksum = 'feed' WHERE version = 3")
            .execute(&pool)
            .await?;
        match migrate_again(&pool).await {
            Err(crate::StoreError::Migration(m)) => {
                assert!(
                    m.contains("0003_sharing.sql was changed after it was applied"),
                    "{m}"
                )
            }
            other => panic!("an edited migration must be refused: {other:?}"),
        }
        sqlx::raw_sql(
            "UPDATE sinergi_migrations SET checksum = NULL WHERE version = 3;
             INSERT INTO sinergi_migrations (version, name, applied_at) VALUES (999, 'later', 0)",
        )
        .execute(&pool)
        .await?;
        match migrate_again(&pool).await {
            Err(crate::StoreError::Migration(m)) => {
                assert!(
                    m.contains("0999_later") && m.contains("newer version"),
                    "{m}"
                )
            }
            other => panic!("an unknown migration must be refused: {other:?}"),
        }
        Ok(())
    }

    #[test]
    fn both_databases_have_the_same_migrations() {
        let names = |l: &[super::Migration]| -> Vec<(i64, &str)> {
            l.iter().map(|m| (m.version, m.name)).collect()
        };
        assert_eq!(names(SQLITE), names(super::POSTGRES));
        assert!(SQLITE.iter().any(|m| m.rebuilds_table));
        assert!(SQLITE
            .iter()
            .any(|m| m.then == super::Then::UniqueFenceNames));
    }
}
