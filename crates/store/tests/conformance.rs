//! Runs the store conformance suite on SQLite (always) and on PostgreSQL when
//! `SINERGI_TEST_PG_URL` is set; `.ci/run` sets it and the suite then fails, not skips,
//! if the server cannot be reached. Each PostgreSQL test gets a fresh database.

use std::sync::Arc;

use sinergi_store::{PgStore, SqliteStore, Store};

pub struct Opened {
    pub store: Arc<dyn Store>,
    _dir: Option<tempfile::TempDir>,
    /// (server URL, database) of a PostgreSQL test database to drop afterwards.
    pg: Option<(String, String)>,
}

impl Opened {
    /// Drops the test's PostgreSQL database, so repeated runs leave nothing behind.
    pub async fn finish(self) {
        drop(self.store);
        if let Some((base, db)) = self.pg {
            let admin = sqlx::PgPool::connect(&base)
                .await
                .expect("connect to SINERGI_TEST_PG_URL");
            sqlx::query(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
                .execute(&admin)
                .await
                .expect("drop database");
        }
    }
}

async fn sqlite() -> Option<Opened> {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    let store = SqliteStore::open(&url).await.expect("open sqlite");
    Some(Opened {
        store: Arc::new(store),
        _dir: Some(dir),
        pg: None,
    })
}

async fn postgres() -> Option<Opened> {
    let Ok(base) = std::env::var("SINERGI_TEST_PG_URL") else {
        eprintln!("SINERGI_TEST_PG_URL is not set: PostgreSQL conformance not run");
        return None;
    };
    let db = format!("sinergi_test_{}", uuid::Uuid::new_v4().simple());
    let admin = sqlx::PgPool::connect(&base)
        .await
        .expect("connect to SINERGI_TEST_PG_URL");
    sqlx::query(&format!("CREATE DATABASE {db}"))
        .execute(&admin)
        .await
        .expect("create database");
    admin.close().await;
    let url = match base.rsplit_once('/') {
        Some((head, _)) => format!("{head}/{db}"),
        None => panic!("SINERGI_TEST_PG_URL must end with /DATABASE"),
    };
    let store = PgStore::open(&url).await.expect("open postgres");
    Some(Opened {
        store: Arc::new(store),
        _dir: None,
        pg: Some((base, db)),
    })
}

mod sqlite {
    use super::*;
    sinergi_store::conformance_tests!(sqlite);
}

mod postgres {
    use super::*;
    sinergi_store::conformance_tests!(postgres);
}
