//! A small forward-only migrator: each backend has its own folder of numbered SQL files,
//! embedded in the binary and applied in order, each in its own transaction, recorded in
//! `sinergi_migrations`. The two folders hold files with matching names. A migration whose
//! data change SQL cannot express the same way on both databases (see [`Then`]) has a step
//! in Rust that runs in the same transaction, after its SQL.

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
    /// SQLite only: the migration rebuilds a table others refer to, so it runs with foreign
    /// keys off (they cannot be switched inside a transaction), and every reference is
    /// checked before it commits — SQLite's documented way to change a table's definition.
    pub rebuilds_table: bool,
    /// What runs after the SQL, in the same transaction.
    pub then: Then,
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

pub const SQLITE: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        sql: include_str!("../migrations/sqlite/0001_foundation.sql"),
        rebuilds_table: false,
        then: Then::Nothing,
    },
    Migration {
        version: 2,
        name: "audit",
        sql: include_str!("../migrations/sqlite/0002_audit.sql"),
        rebuilds_table: false,
        then: Then::Nothing,
    },
    Migration {
        version: 3,
        name: "sharing",
        sql: include_str!("../migrations/sqlite/0003_sharing.sql"),
        rebuilds_table: false,
        then: Then::Nothing,
    },
    Migration {
        version: 4,
        name: "accounts",
        sql: include_str!("../migrations/sqlite/0004_accounts.sql"),
        rebuilds_table: false,
        then: Then::Nothing,
    },
    Migration {
        version: 5,
        name: "early_warning",
        sql: include_str!("../migrations/sqlite/0005_early_warning.sql"),
        rebuilds_table: false,
        then: Then::Nothing,
    },
    Migration {
        version: 6,
        name: "alert_indexes",
        sql: include_str!("../migrations/sqlite/0006_alert_indexes.sql"),
        rebuilds_table: true,
        then: Then::Nothing,
    },
    Migration {
        version: 7,
        name: "audit_checkpoints",
        sql: include_str!("../migrations/sqlite/0007_audit_checkpoints.sql"),
        rebuilds_table: false,
        then: Then::Nothing,
    },
    Migration {
        version: 8,
        name: "fix_submitters",
        sql: include_str!("../migrations/sqlite/0008_fix_submitters.sql"),
        rebuilds_table: false,
        then: Then::Nothing,
    },
    Migration {
        version: 9,
        name: "password_change",
        sql: include_str!("../migrations/sqlite/0009_password_change.sql"),
        rebuilds_table: false,
        then: Then::Nothing,
    },
    Migration {
        version: 10,
        name: "fence_edits",
        sql: include_str!("../migrations/sqlite/0010_fence_edits.sql"),
        rebuilds_table: false,
        then: Then::UniqueFenceNames,
    },
];

pub const POSTGRES: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        sql: include_str!("../migrations/postgres/0001_foundation.sql"),
        rebuilds_table: false,
        then: Then::Nothing,
    },
    Migration {
        version: 2,
        name: "audit",
        sql: include_str!("../migrations/postgres/0002_audit.sql"),
        rebuilds_table: false,
        then: Then::Nothing,
    },
    Migration {
        version: 3,
        name: "sharing",
        sql: include_str!("../migrations/postgres/0003_sharing.sql"),
        rebuilds_table: false,
        then: Then::Nothing,
    },
    Migration {
        version: 4,
        name: "accounts",
        sql: include_str!("../migrations/postgres/0004_accounts.sql"),
        rebuilds_table: false,
        then: Then::Nothing,
    },
    Migration {
        version: 5,
        name: "early_warning",
        sql: include_str!("../migrations/postgres/0005_early_warning.sql"),
        rebuilds_table: false,
        then: Then::Nothing,
    },
    Migration {
        version: 6,
        name: "alert_indexes",
        sql: include_str!("../migrations/postgres/0006_alert_indexes.sql"),
        rebuilds_table: false,
        then: Then::Nothing,
    },
    Migration {
        version: 7,
        name: "audit_checkpoints",
        sql: include_str!("../migrations/postgres/0007_audit_checkpoints.sql"),
        rebuilds_table: false,
        then: Then::Nothing,
    },
    Migration {
        version: 8,
        name: "fix_submitters",
        sql: include_str!("../migrations/postgres/0008_fix_submitters.sql"),
        rebuilds_table: false,
        then: Then::Nothing,
    },
    Migration {
        version: 9,
        name: "password_change",
        sql: include_str!("../migrations/postgres/0009_password_change.sql"),
        rebuilds_table: false,
        then: Then::Nothing,
    },
    Migration {
        version: 10,
        name: "fence_edits",
        sql: include_str!("../migrations/postgres/0010_fence_edits.sql"),
        rebuilds_table: false,
        then: Then::UniqueFenceNames,
    },
];

macro_rules! run_migrations {
    ($pool:expr, $list:expr, $now_ms:expr, $step:path) => {{
        sqlx::raw_sql(
            "CREATE TABLE IF NOT EXISTS sinergi_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
        )
        .execute($pool)
        .await?;
        // One connection throughout: a table rebuild switches foreign keys off on it.
        let mut conn = $pool.acquire().await?;
        for m in $list {
            let done: Option<i64> =
                sqlx::query_scalar("SELECT version FROM sinergi_migrations WHERE version = $1")
                    .bind(m.version)
                    .fetch_optional(&mut *conn)
                    .await?;
            if done.is_some() {
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
            sqlx::query("INSERT INTO sinergi_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
                .bind(m.version)
                .bind(m.name)
                .bind($now_ms)
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
        run_migrations!(&pool, before, 0i64, crate::imp::sqlite_impl::migration_step);
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
        run_migrations!(&pool, SQLITE, 0i64, crate::imp::sqlite_impl::migration_step);
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
        run_migrations!(&pool, before, 0i64, crate::imp::sqlite_impl::migration_step);
        sqlx::raw_sql(
            "INSERT INTO fixes (id, serial, recorded_at, device_id, subject_id, lon, lat, source, received_at)
                 VALUES (1, 'KALUNG-99', 0, NULL, NULL, 105.8, -5.0, 'http', 0),
                        (2, 'KALUNG-07', 0, x'01', x'02', 105.8, -5.0, 'http', 0);",
        )
        .execute(&pool)
        .await?;
        run_migrations!(&pool, SQLITE, 0i64, crate::imp::sqlite_impl::migration_step);
        let claims: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, held_for FROM fixes ORDER BY id")
                .fetch_all(&pool)
                .await?;
        assert_eq!(claims, vec![(1, "unknown".to_string()), (2, String::new())]);
        Ok(())
    }
}
