//! Runs the store conformance suite (`suite/`, one file per domain) on SQLite (always) and on PostgreSQL when
//! `SINERGI_TEST_PG_URL` is set; `.ci/run` sets it and the suite then fails, not skips,
//! if the server cannot be reached. Each PostgreSQL test gets a fresh database.

use std::sync::Arc;

use sinergi_store::{PgStore, SqliteStore, Store};

mod suite;

/// Every check, by name, for the test harness.
macro_rules! conformance_tests {
    ($open:path) => {
        conformance_tests!(@each $open;
            agencies_and_users, sessions, report_types_round_trip,
            reports_insert_is_idempotent_and_updates_are_versioned,
            visibility_in_sql_matches_the_policy, list_filters_and_paging,
            attachments_are_deduplicated, regions_load_once, audit_trail_chains_every_write,
            second_factor_is_enrolled_once_and_codes_used_once,
            notifications_are_per_user_and_marked_read,
            users_are_edited_and_passwords_replaced, sign_in_state_is_shared,
            early_warning_ingest_is_idempotent_and_atomic,
            held_fixes_belong_to_their_sender,
            fences_are_edited_by_version_and_named_once_per_agency,
            audit_checkpoints_and_stored_rows,
            patrols_are_stored_with_members_and_legs_once,
            patrol_observations_findings_and_leg_figures,
            letters_are_numbered_without_gaps_and_read_once,
            letters_pass_up_reporting_lines,
            groups_meetings_and_action_items,
            plans_and_their_trees,
            area_profiles_keep_every_version,
            cases_are_numbered_stepped_sealed_and_handed_over,
            forms_keep_every_published_version_once,
            form_media_is_kept_per_version_and_replaced_by_name,
            submissions_are_kept_once_edited_in_order_and_reviewed,
            campaigns_keep_their_units_and_never_overlap_on_a_form,
            reminders_are_sent_once_and_calendar_tokens_kept_as_hashes,
            dashboards_read_meetings_items_answers_and_dispositions);
    };
    (@each $open:path; $($name:ident),*) => {
        $(
            #[tokio::test]
            async fn $name() {
                if let Some(opened) = $open().await {
                    crate::suite::$name(&*opened.store).await;
                    opened.finish().await;
                }
            }
        )*
    };
}

pub struct Opened {
    pub store: Arc<dyn Store>,
    _dir: Option<tempfile::TempDir>,
    /// (server URL, database) of a PostgreSQL test database to drop afterwards.
    pg: Option<(String, String)>,
    /// The database's own URL, for tests that change rows behind the store's back.
    url: String,
}

impl Opened {
    /// Runs SQL directly on the database, as someone with access to the file or server
    /// could.
    pub async fn exec(&self, sql: &str) {
        if self.pg.is_some() {
            let pool = sqlx::PgPool::connect(&self.url).await.expect("connect");
            sqlx::raw_sql(sql).execute(&pool).await.expect("raw sql");
            pool.close().await;
        } else {
            let pool = sqlx::SqlitePool::connect(&self.url).await.expect("connect");
            sqlx::raw_sql(sql).execute(&pool).await.expect("raw sql");
            pool.close().await;
        }
    }

    /// Opens the same database again, running the migrations it lacks.
    pub async fn reopen(&self) -> Arc<dyn Store> {
        if self.pg.is_some() {
            Arc::new(PgStore::open(&self.url).await.expect("reopen postgres"))
        } else {
            Arc::new(SqliteStore::open(&self.url).await.expect("reopen sqlite"))
        }
    }

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
        url,
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
        url,
    })
}

/// Changes the audit trail by hand and checks the chain names the first broken entry.
async fn tampering_is_detected(
    open: impl Fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = Option<Opened>>>>,
) {
    use sinergi_core::audit::verify;
    use sinergi_store::AuditFilter;
    // (what is done, the first entry that must be reported)
    let cases = [
        ("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3", 3),
        ("DELETE FROM audit_log WHERE seq = 4", 4),
        (
            "UPDATE audit_log SET seq = -1 WHERE seq = 5; UPDATE audit_log SET seq = 5 WHERE seq = 6; \
             UPDATE audit_log SET seq = 6 WHERE seq = -1",
            5,
        ),
    ];
    for (sql, first_broken) in cases {
        let Some(opened) = open().await else { return };
        suite::world(&*opened.store).await;
        let read = || async {
            opened
                .store
                .audit_entries(&AuditFilter {
                    ascending: true,
                    limit: 10_000,
                    ..Default::default()
                })
                .await
                .expect("entries")
        };
        assert_eq!(verify(&read().await), Ok(8), "intact before tampering");
        opened.exec(sql).await;
        let broken = verify(&read().await).expect_err(sql);
        assert_eq!(broken.seq, first_broken, "{sql}: {}", broken.reason);
        opened.finish().await;
    }
}

/// What a holder of the database can do without the signing key: cut off the newest
/// entries, or change one and recompute every later hash with the unkeyed algorithm. The
/// chain alone still verifies after either; the checkpoint stored before does not.
async fn checkpoints_expose_truncation_and_rechaining(
    open: impl Fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = Option<Opened>>>>,
) {
    use sinergi_core::audit::{verify, AuditEntry};
    use sinergi_core::checkpoint::{AuditKey, CheckpointProblem};
    use sinergi_store::AuditFilter;
    async fn read(opened: &Opened) -> Vec<AuditEntry> {
        opened
            .store
            .audit_entries(&AuditFilter {
                ascending: true,
                limit: 10_000,
                ..Default::default()
            })
            .await
            .expect("entries")
    }
    let key = AuditKey::from_seed([8; 32]);
    let trusted = [key.public_key()];
    for case in ["truncate", "rechain"] {
        let Some(opened) = open().await else { return };
        suite::world(&*opened.store).await;
        let (seq, hash) = opened
            .store
            .audit_head()
            .await
            .expect("head")
            .expect("some");
        let at = chrono::DateTime::from_timestamp_millis(1_748_300_000_000).expect("ts");
        opened
            .store
            .insert_audit_checkpoint(&key.sign(seq, &hash, at))
            .await
            .expect("checkpoint");
        let sql = if case == "truncate" {
            "DELETE FROM audit_log WHERE seq > 6".to_string()
        } else {
            let mut entries = read(&opened).await;
            let mut sql = String::new();
            entries[2].actor = "mallory".into();
            for i in 2..entries.len() {
                entries[i].prev_hash = entries[i - 1].hash.clone();
                entries[i].hash = entries[i].expected_hash();
                sql.push_str(&format!(
                    "UPDATE audit_log SET actor = '{}', prev_hash = '{}', hash = '{}' WHERE seq = {};",
                    entries[i].actor, entries[i].prev_hash, entries[i].hash, entries[i].seq
                ));
            }
            sql
        };
        opened.exec(&sql).await;
        let entries = read(&opened).await;
        let n = verify(&entries).expect("the chain alone still verifies");
        let cps = opened
            .store
            .audit_checkpoints(false, 10)
            .await
            .expect("cps");
        assert_eq!(cps.len(), 1);
        let stored = entries
            .iter()
            .find(|e| e.seq == cps[0].seq)
            .map(|e| e.hash.as_str());
        let problem = cps[0].check(&trusted, stored, n as i64).expect_err(case);
        match case {
            "truncate" => assert_eq!(problem, CheckpointProblem::Truncated { chain_end: 6 }),
            _ => assert!(
                matches!(problem, CheckpointProblem::Rechained { .. }),
                "{problem:?}"
            ),
        }
        opened.finish().await;
    }
}

/// A database from before migration 10 may hold fences of one agency with the same name
/// (by case and spacing). Migrating keeps the oldest fence's name, renames the younger
/// ones with a number no fence of the agency has, audits each rename in the chain, and
/// from then on the name is unique.
async fn duplicate_fence_names_are_renamed_by_migration_10(
    open: impl Fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = Option<Opened>>>>,
) {
    use sinergi_core::audit::{verify, Action, NewAudit};
    use sinergi_core::warning::{Fence, FenceId, Shape};
    use sinergi_store::{AuditFilter, StoreError};
    let Some(opened) = open().await else { return };
    let w = suite::world(&*opened.store).await;
    let t0 = chrono::DateTime::from_timestamp(1_748_300_000, 0).expect("t0");
    let (owner, other) = (w.agencies[1].id, w.agencies[3].id);
    let fence = |n: u8, agency, name: &str| Fence {
        id: FenceId(uuid::Uuid::from_bytes([n; 16])),
        owner_agency_id: agency,
        name: name.into(),
        kind: "village".into(),
        shape: Shape::Circle {
            lon: 105.78,
            lat: -5.02,
            radius_m: 1000.0,
        },
        region_code: None,
        active: true,
        created_by: w.users[1].id,
        created_at: t0 + chrono::Duration::minutes(i64::from(n)),
        updated_at: t0,
        version: 1,
    };
    let entry = || NewAudit {
        at: t0,
        actor_id: None,
        actor: "operator".into(),
        agency_id: Some(owner),
        action: Action::WarningSetup,
        record_type: Some("fence".into()),
        record_id: None,
        detail: serde_json::json!({}),
    };
    // (id byte, agency, name as stored before migration 10)
    let before = [
        (1, owner, "Kebun Sawit"),
        (2, owner, "Kebun Sawit (2)"),
        (3, owner, "  KEBUN   sawit"),
        (4, other, "Kebun Sawit"),
        (5, owner, "kebun sawit"),
    ];
    for (n, agency, _) in before {
        let f = fence(n, agency, &format!("placeholder {n}"));
        opened
            .store
            .insert_fence(&f, &entry())
            .await
            .expect("fence");
    }
    // Back to the schema of version 9, with the names an older database could hold.
    let mut sql = String::from(
        "DROP INDEX fences_agency_name_key; ALTER TABLE fences DROP COLUMN name_key; \
         ALTER TABLE fences DROP COLUMN version; DELETE FROM sinergi_migrations WHERE version = 10;",
    );
    for (n, _, name) in before {
        sql.push_str(&format!(
            "UPDATE fences SET name = '{name}' WHERE name = 'placeholder {n}';"
        ));
    }
    opened.exec(&sql).await;
    let store = opened.reopen().await;
    let mut names: Vec<(u8, String, i64)> = store
        .fences()
        .await
        .expect("fences")
        .into_iter()
        .map(|f| (f.id.0.as_bytes()[0], f.name, f.version))
        .collect();
    names.sort();
    assert_eq!(
        names,
        vec![
            (1, "Kebun Sawit".to_string(), 1),
            (2, "Kebun Sawit (2)".to_string(), 1),
            (3, "KEBUN sawit (3)".to_string(), 1),
            (4, "Kebun Sawit".to_string(), 1),
            (5, "kebun sawit (4)".to_string(), 1),
        ]
    );
    let entries = store
        .audit_entries(&AuditFilter {
            ascending: true,
            limit: 10_000,
            ..Default::default()
        })
        .await
        .expect("entries");
    verify(&entries).expect("the renames are chained into the trail");
    let renames: Vec<(Option<String>, String, String)> = entries
        .iter()
        .filter(|e| e.detail.get("renamed_from").is_some())
        .map(|e| {
            (
                e.record_id.clone(),
                e.detail["renamed_from"].as_str().unwrap_or("").to_string(),
                e.detail["name"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        renames,
        vec![
            (
                Some(uuid::Uuid::from_bytes([3; 16]).to_string()),
                "  KEBUN   sawit".to_string(),
                "KEBUN sawit (3)".to_string()
            ),
            (
                Some(uuid::Uuid::from_bytes([5; 16]).to_string()),
                "kebun sawit".to_string(),
                "kebun sawit (4)".to_string()
            ),
        ]
    );
    assert!(entries
        .iter()
        .filter(|e| e.detail.get("renamed_from").is_some())
        .all(|e| e.agency_id == Some(owner) && e.actor == "operator"));
    // From now on the database refuses a name the agency has.
    assert!(matches!(
        store
            .insert_fence(&fence(6, owner, "KEBUN SAWIT (3)"), &entry())
            .await,
        Err(StoreError::Duplicate("fence name"))
    ));
    drop(store);
    opened.finish().await;
}

mod sqlite {
    use super::*;
    conformance_tests!(sqlite);

    #[tokio::test]
    async fn audit_tampering_is_detected() {
        tampering_is_detected(|| Box::pin(super::sqlite())).await;
    }

    #[tokio::test]
    async fn checkpoints_expose_truncation_and_rechaining() {
        super::checkpoints_expose_truncation_and_rechaining(|| Box::pin(super::sqlite())).await;
    }

    #[tokio::test]
    async fn duplicate_fence_names_are_renamed_by_migration_10() {
        super::duplicate_fence_names_are_renamed_by_migration_10(|| Box::pin(super::sqlite()))
            .await;
    }
}

mod postgres {
    use super::*;
    conformance_tests!(postgres);

    #[tokio::test]
    async fn audit_tampering_is_detected() {
        tampering_is_detected(|| Box::pin(super::postgres())).await;
    }

    #[tokio::test]
    async fn checkpoints_expose_truncation_and_rechaining() {
        super::checkpoints_expose_truncation_and_rechaining(|| Box::pin(super::postgres())).await;
    }

    #[tokio::test]
    async fn duplicate_fence_names_are_renamed_by_migration_10() {
        super::duplicate_fence_names_are_renamed_by_migration_10(|| Box::pin(super::postgres()))
            .await;
    }
}
