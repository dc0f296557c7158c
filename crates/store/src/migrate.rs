//! A small forward-only migrator: each backend has its own folder of numbered SQL files,
//! embedded in the binary and applied in order, each in its own transaction, recorded in
//! `sinergi_migrations`. The two folders hold files with matching names.

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

pub const SQLITE: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        sql: include_str!("../migrations/sqlite/0001_foundation.sql"),
    },
    Migration {
        version: 2,
        name: "audit",
        sql: include_str!("../migrations/sqlite/0002_audit.sql"),
    },
    Migration {
        version: 3,
        name: "sharing",
        sql: include_str!("../migrations/sqlite/0003_sharing.sql"),
    },
    Migration {
        version: 4,
        name: "accounts",
        sql: include_str!("../migrations/sqlite/0004_accounts.sql"),
    },
    Migration {
        version: 5,
        name: "early_warning",
        sql: include_str!("../migrations/sqlite/0005_early_warning.sql"),
    },
    Migration {
        version: 6,
        name: "alert_indexes",
        sql: include_str!("../migrations/sqlite/0006_alert_indexes.sql"),
    },
];

pub const POSTGRES: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        sql: include_str!("../migrations/postgres/0001_foundation.sql"),
    },
    Migration {
        version: 2,
        name: "audit",
        sql: include_str!("../migrations/postgres/0002_audit.sql"),
    },
    Migration {
        version: 3,
        name: "sharing",
        sql: include_str!("../migrations/postgres/0003_sharing.sql"),
    },
    Migration {
        version: 4,
        name: "accounts",
        sql: include_str!("../migrations/postgres/0004_accounts.sql"),
    },
    Migration {
        version: 5,
        name: "early_warning",
        sql: include_str!("../migrations/postgres/0005_early_warning.sql"),
    },
    Migration {
        version: 6,
        name: "alert_indexes",
        sql: include_str!("../migrations/postgres/0006_alert_indexes.sql"),
    },
];

macro_rules! run_migrations {
    ($pool:expr, $list:expr, $now_ms:expr) => {{
        sqlx::raw_sql(
            "CREATE TABLE IF NOT EXISTS sinergi_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
        )
        .execute($pool)
        .await?;
        for m in $list {
            let done: Option<i64> =
                sqlx::query_scalar("SELECT version FROM sinergi_migrations WHERE version = $1")
                    .bind(m.version)
                    .fetch_optional($pool)
                    .await?;
            if done.is_some() {
                continue;
            }
            let mut tx = $pool.begin().await?;
            sqlx::raw_sql(m.sql).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO sinergi_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
                .bind(m.version)
                .bind(m.name)
                .bind($now_ms)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            tracing::info!(version = m.version, name = m.name, "applied migration");
        }
    }};
}
pub(crate) use run_migrations;
