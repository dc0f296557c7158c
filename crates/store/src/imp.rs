//! The SQLite and PostgreSQL adapters. Both schemas use the same column names and
//! representations (UUID ids, integer milliseconds for instants, JSON as text), so the
//! query text is shared through one macro instantiated per driver; each backend keeps its
//! own migrations and connection set-up. Placeholders are written `$1…$n` in order of
//! first use, which PostgreSQL reads positionally and SQLite reads as named parameters
//! numbered in order of appearance — the same binding either way.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use serde_json::Value;
use sinergi_core::agency::{Agency, AgencyCode, AgencyKind};
use sinergi_core::agreement::{Agreement, AgreementStatus};
use sinergi_core::audit::{AuditEntry, NewAudit, GENESIS};
use sinergi_core::checkpoint::Checkpoint;
use sinergi_core::geometry::{Bbox, ReportGeometry};
use sinergi_core::ids::{
    AgencyId, AgreementId, AttachmentId, NotificationId, ReferralId, ReportId, UserId,
};
use sinergi_core::query::ReportFilter;
use sinergi_core::report::{Report, ReportEvent, Sensitivity, Status, StoredReport};
use sinergi_core::report_types::ReportType;
use sinergi_core::sharing::Viewer;
use sinergi_core::user::{Role, User, Username};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{QueryBuilder, Row};
use uuid::Uuid;

use crate::migrate::{run_migrations, Then, POSTGRES, SQLITE};
use crate::{
    AgencyRow, Attachment, AuditFilter, InsertOutcome, NewEvent, NewUserRow, Notification,
    ReferralRow, RegionRow, ReportCount, Result, SessionRow, Store, StoreError, TotpRow,
    UpdateOutcome,
};

/// When a migration was applied: bookkeeping for administrators, outside the domain, so
/// the wall clock is read directly here.
#[allow(clippy::disallowed_methods)]
fn migration_time() -> i64 {
    Utc::now().timestamp_millis()
}

pub(crate) fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

fn date_ms(d: chrono::NaiveDate) -> i64 {
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

const REPORT_COLUMNS: &str = "r.id, r.type_key, r.title, r.description, r.occurred_at, r.occurred_offset, \
    r.geometry, r.region_code, r.owner_agency_id, a.code AS owner_code, r.author_id, u.username AS author_name, \
    r.sensitivity, r.attributes, r.status, r.version, r.created_at, r.updated_at, r.create_hash";
const REPORT_FROM: &str =
    " FROM reports r JOIN agencies a ON a.id = r.owner_agency_id JOIN users u ON u.id = r.author_id";

const AGENCY_COLUMNS: &str = "id, code, name, kind, parent_id, jurisdiction";
const USER_COLUMNS: &str =
    "id, username, display_name, agency_id, role, active, totp_enabled_at, must_change_password";

macro_rules! store_impl {
    ($Store:ident, $DB:ty, $Row:ty, $backend:literal, $like:literal, $lock_audit:literal, $noindex:literal) => {
        fn report_from_row(row: &$Row) -> Result<Report> {
            let occurred_ms: i64 = row.try_get("occurred_at")?;
            let offset_s: i64 = row.try_get("occurred_offset")?;
            let offset = FixedOffset::east_opt(offset_s as i32).ok_or_else(|| corrupt("offset"))?;
            let geometry: String = row.try_get("geometry")?;
            let geometry: Value = serde_json::from_str(&geometry).map_err(|_| corrupt("geometry"))?;
            let attributes: String = row.try_get("attributes")?;
            let attributes = serde_json::from_str(&attributes).map_err(|_| corrupt("attributes"))?;
            let sensitivity: String = row.try_get("sensitivity")?;
            let status: String = row.try_get("status")?;
            Ok(Report {
                id: ReportId(row.try_get("id")?),
                type_key: row.try_get("type_key")?,
                title: row.try_get("title")?,
                description: row.try_get("description")?,
                occurred_at: offset
                    .timestamp_millis_opt(occurred_ms)
                    .single()
                    .ok_or_else(|| corrupt("occurred_at"))?,
                geometry: ReportGeometry::from_stored(&geometry).map_err(|_| corrupt("geometry"))?,
                region_code: row.try_get("region_code")?,
                owner_agency_id: AgencyId(row.try_get("owner_agency_id")?),
                owner_agency_code: row.try_get("owner_code")?,
                author_id: UserId(row.try_get("author_id")?),
                author_username: row.try_get("author_name")?,
                sensitivity: Sensitivity::parse(&sensitivity).ok_or_else(|| corrupt("sensitivity"))?,
                attributes,
                status: Status::parse(&status).ok_or_else(|| corrupt("status"))?,
                version: row.try_get("version")?,
                created_at: from_ms(row.try_get("created_at")?)?,
                updated_at: from_ms(row.try_get("updated_at")?)?,
                create_hash: row.try_get("create_hash")?,
            })
        }

        fn agency_from_row(row: &$Row) -> Result<Agency> {
            let kind: String = row.try_get("kind")?;
            let code: String = row.try_get("code")?;
            let jurisdiction: String = row.try_get("jurisdiction")?;
            let parent: Option<Uuid> = row.try_get("parent_id")?;
            Ok(Agency {
                id: AgencyId(row.try_get("id")?),
                code: AgencyCode::parse(&code).map_err(|_| corrupt("agency code"))?,
                name: row.try_get("name")?,
                kind: AgencyKind::parse(&kind).ok_or_else(|| corrupt("agency kind"))?,
                parent_id: parent.map(AgencyId),
                jurisdiction: serde_json::from_str(&jurisdiction).map_err(|_| corrupt("jurisdiction"))?,
            })
        }

        fn user_from_row(row: &$Row) -> Result<User> {
            let role: String = row.try_get("role")?;
            let username: String = row.try_get("username")?;
            Ok(User {
                id: UserId(row.try_get("id")?),
                username: Username::parse(&username).map_err(|_| corrupt("username"))?,
                display_name: row.try_get("display_name")?,
                agency_id: AgencyId(row.try_get("agency_id")?),
                role: Role::parse(&role).ok_or_else(|| corrupt("role"))?,
                active: row.try_get("active")?,
                totp_enabled: row.try_get::<Option<i64>, _>("totp_enabled_at")?.is_some(),
                must_change_password: row.try_get("must_change_password")?,
            })
        }

        fn session_from_row(row: &$Row) -> Result<SessionRow> {
            let revoked: Option<i64> = row.try_get("revoked_at")?;
            Ok(SessionRow {
                token_hash: row.try_get("token_hash")?,
                user_id: UserId(row.try_get("user_id")?),
                kind: row.try_get("kind")?,
                csrf: row.try_get("csrf")?,
                created_at: from_ms(row.try_get("created_at")?)?,
                expires_at: from_ms(row.try_get("expires_at")?)?,
                revoked_at: revoked.map(from_ms).transpose()?,
            })
        }

        fn attachment_from_row(row: &$Row) -> Result<Attachment> {
            Ok(Attachment {
                id: AttachmentId(row.try_get("id")?),
                report_id: ReportId(row.try_get("report_id")?),
                sha256: row.try_get("sha256")?,
                filename: row.try_get("filename")?,
                content_type: row.try_get("content_type")?,
                size: row.try_get("size")?,
                uploaded_by: UserId(row.try_get("uploaded_by")?),
                created_at: from_ms(row.try_get("created_at")?)?,
            })
        }

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

        async fn insert_notification_tx(conn: &mut <$DB as sqlx::Database>::Connection, n: &Notification) -> Result<()> {
            sqlx::query(
                "INSERT INTO notifications (id, user_id, kind, record_type, record_id, detail, created_at, read_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(n.id.0)
            .bind(n.user_id.0)
            .bind(&n.kind)
            .bind(&n.record_type)
            .bind(&n.record_id)
            .bind(n.detail.to_string())
            .bind(ms(n.created_at))
            .bind(n.read_at.map(ms))
            .execute(&mut *conn)
            .await?;
            Ok(())
        }

        /// Runs an UPDATE that must change exactly one row and, when it did, appends the audit
        /// entry in the same transaction. False, with nothing written, when no row matched.
        pub(crate) async fn update_one_audited<'q>(
            pool: &sqlx::Pool<$DB>,
            update: sqlx::query::Query<'q, $DB, <$DB as sqlx::Database>::Arguments<'q>>,
            audit: Option<&NewAudit>,
        ) -> Result<bool> {
            let mut tx = pool.begin().await?;
            if update.execute(&mut *tx).await?.rows_affected() != 1 {
                tx.rollback().await?;
                return Ok(false);
            }
            if let Some(audit) = audit {
                append_audit_tx(&mut tx, audit).await?;
            }
            tx.commit().await?;
            Ok(true)
        }

        /// Appends an audit entry inside the caller's transaction, chained to the newest
        /// one. PostgreSQL serialises appenders with a table lock; SQLite already has a
        /// single writer.
        pub(crate) async fn append_audit_tx(conn: &mut <$DB as sqlx::Database>::Connection, e: &NewAudit) -> Result<()> {
            if !$lock_audit.is_empty() {
                sqlx::query($lock_audit).execute(&mut *conn).await?;
            }
            let head: Option<(i64, String)> =
                sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
                    .fetch_optional(&mut *conn)
                    .await?;
            let (seq, prev) = head.map(|(s, h)| (s + 1, h)).unwrap_or((1, GENESIS.to_string()));
            let hash = e.hash(seq, &prev);
            sqlx::query(
                "INSERT INTO audit_log (seq, at, actor_id, actor, agency_id, action, record_type, record_id, detail, prev_hash, hash) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(seq)
            .bind(ms(e.at))
            .bind(e.actor_id.map(|u| u.0))
            .bind(&e.actor)
            .bind(e.agency_id.map(|a| a.0))
            .bind(e.action.as_str())
            .bind(&e.record_type)
            .bind(&e.record_id)
            .bind(e.detail.to_string())
            .bind(&prev)
            .bind(&hash)
            .execute(&mut *conn)
            .await?;
            Ok(())
        }

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

        /// Restricts a query to what the viewer may see: the SQL twin of
        /// `sinergi_core::sharing::decide(..).is_some()`, checked against it by the
        /// conformance suite. Branches: the owner-hierarchy rule, referrals naming the
        /// viewer, and each agreement grant.
        fn push_scope(qb: &mut QueryBuilder<'_, $DB>, viewer: &Viewer) {
            let scope = &viewer.scope;
            // In SQLite a unary `+` keeps a column from being used as an index for this
            // OR-tree: otherwise the planner may answer each branch through its own index
            // and merge, instead of walking the list index newest-first and stopping at
            // the page size. PostgreSQL needs no such hint.
            let ni = $noindex;
            qb.push(format!(" AND (r.sensitivity = 'public' OR (r.sensitivity = 'internal' AND {ni}r.owner_agency_id IN ("));
            let mut sep = qb.separated(", ");
            for a in &scope.internal_owners {
                sep.push_bind(a.0);
            }
            qb.push(format!(")) OR (r.sensitivity = 'restricted' AND {ni}r.owner_agency_id = "));
            qb.push_bind(scope.agency.0);
            qb.push(format!(") OR (r.sensitivity = 'secret' AND ({ni}r.author_id = "));
            qb.push_bind(scope.user.0);
            if scope.secret_of_own_agency {
                qb.push(format!(" OR {ni}r.owner_agency_id = "));
                qb.push_bind(scope.agency.0);
            }
            qb.push("))");
            qb.push(format!(" OR {ni}r.id IN (SELECT f.report_id FROM referrals f WHERE f.revoked_at IS NULL AND f.until > "));
            qb.push_bind(ms(viewer.now));
            qb.push(" AND (f.to_agency = ");
            qb.push_bind(scope.agency.0);
            qb.push(" OR f.to_user = ");
            qb.push_bind(scope.user.0);
            qb.push("))");
            // Grants are grouped by the highest sensitivity they let through; each group
            // is one lookup of (owner, type) in a constant table, however many clauses
            // and owners there are.
            for max in Sensitivity::ALL {
                let mut pairs: Vec<(Uuid, &str)> = Vec::new();
                for g in viewer.grants.iter().filter(|g| g.max_sensitivity == max) {
                    for o in &g.owners {
                        for t in &g.type_keys {
                            if !pairs.contains(&(o.0, t.as_str())) {
                                pairs.push((o.0, t.as_str()));
                            }
                        }
                    }
                }
                if pairs.is_empty() {
                    continue;
                }
                qb.push(" OR (r.sensitivity IN (");
                let mut sep = qb.separated(", ");
                for s in Sensitivity::ALL.into_iter().filter(|s| *s <= max) {
                    sep.push_bind(s.as_str());
                }
                qb.push(format!(") AND ({ni}r.owner_agency_id, {ni}r.type_key) IN (VALUES "));
                for (i, (o, t)) in pairs.iter().enumerate() {
                    if i > 0 {
                        qb.push(", ");
                    }
                    qb.push("(");
                    qb.push_bind(*o);
                    qb.push(", ");
                    qb.push_bind(t.to_string());
                    qb.push(")");
                }
                qb.push("))");
            }
            qb.push(")");
        }

        fn agreement_from_row(row: &$Row) -> Result<Agreement> {
            let def: String = row.try_get("definition")?;
            let mut a: Agreement = serde_json::from_str(&def).map_err(|_| corrupt("agreement"))?;
            let status: String = row.try_get("status")?;
            a.status = AgreementStatus::parse(&status).ok_or_else(|| corrupt("agreement status"))?;
            a.version = row.try_get("version")?;
            Ok(a)
        }

        fn referral_from_row(row: &$Row) -> Result<ReferralRow> {
            let to_agency: Option<Uuid> = row.try_get("to_agency")?;
            let to_user: Option<Uuid> = row.try_get("to_user")?;
            let revoked: Option<i64> = row.try_get("revoked_at")?;
            Ok(ReferralRow {
                id: ReferralId(row.try_get("id")?),
                report_id: ReportId(row.try_get("report_id")?),
                kind: row.try_get("kind")?,
                to_agency: to_agency.map(AgencyId),
                to_user: to_user.map(UserId),
                reason: row.try_get("reason")?,
                until: from_ms(row.try_get("until")?)?,
                created_by: UserId(row.try_get("created_by")?),
                created_at: from_ms(row.try_get("created_at")?)?,
                revoked_at: revoked.map(from_ms).transpose()?,
            })
        }

        /// `(stored box overlaps b)`, on the bounding-box columns.
        fn push_bbox(qb: &mut QueryBuilder<'_, $DB>, b: &Bbox) {
            qb.push("(r.max_lon >= ").push_bind(b.min_lon);
            qb.push(" AND r.min_lon <= ").push_bind(b.max_lon);
            qb.push(" AND r.max_lat >= ").push_bind(b.min_lat);
            qb.push(" AND r.min_lat <= ").push_bind(b.max_lat);
            qb.push(")");
        }

        fn push_filter(qb: &mut QueryBuilder<'_, $DB>, f: &ReportFilter) {
            if let Some(b) = &f.bbox {
                qb.push(" AND (");
                push_bbox(qb, b);
                if let Some(w) = &f.bbox_widening {
                    // Records that may reach the caller coarsened: their shown point may lie
                    // in the box while the stored one does not (ADR 9).
                    qb.push(" OR (");
                    if let Some(a) = w.viewer_agency {
                        qb.push("r.owner_agency_id <> ").push_bind(a.0).push(" AND ");
                    }
                    qb.push("(1 = 0");
                    if !w.types.is_empty() {
                        qb.push(" OR r.type_key IN (");
                        let mut sep = qb.separated(", ");
                        for t in &w.types {
                            sep.push_bind(t.clone());
                        }
                        qb.push(")");
                    }
                    if !w.pairs.is_empty() {
                        qb.push(" OR (r.owner_agency_id, r.type_key) IN (VALUES ");
                        for (i, (o, t)) in w.pairs.iter().enumerate() {
                            if i > 0 {
                                qb.push(", ");
                            }
                            qb.push("(").push_bind(o.0).push(", ").push_bind(t.clone()).push(")");
                        }
                        qb.push(")");
                    }
                    qb.push(")");
                    if let Some(wide) = &w.wide {
                        qb.push(" AND (");
                        push_bbox(qb, wide);
                        if !w.region_codes.is_empty() {
                            qb.push(" OR substr(r.region_code, 1, 8) IN (");
                            let mut sep = qb.separated(", ");
                            for c in &w.region_codes {
                                sep.push_bind(c.clone());
                            }
                            qb.push(")");
                        }
                        if let Some(far) = &w.far {
                            qb.push(" OR (r.region_code IS NULL AND ");
                            push_bbox(qb, far);
                            qb.push(")");
                        }
                        qb.push(")");
                    }
                    qb.push(")");
                }
                qb.push(")");
            }
            if let Some(iv) = &f.datetime {
                if let Some(s) = iv.start {
                    qb.push(" AND r.occurred_at >= ").push_bind(ms(s));
                }
                if let Some(e) = iv.end {
                    qb.push(" AND r.occurred_at <= ").push_bind(ms(e));
                }
            }
            if let Some(t) = &f.type_key {
                qb.push(" AND r.type_key = ").push_bind(t.clone());
            }
            if let Some(p) = &f.region_prefix {
                qb.push(" AND (r.region_code = ").push_bind(p.clone());
                qb.push(" OR r.region_code LIKE ").push_bind(format!("{p}.%"));
                qb.push(")");
            }
            if let Some(a) = f.agency {
                qb.push(" AND r.owner_agency_id = ").push_bind(a.0);
            }
            if let Some(s) = f.status {
                qb.push(" AND r.status = ").push_bind(s.as_str());
            }
            if let Some(q) = &f.q {
                let escaped = q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
                let pattern = format!("%{escaped}%");
                qb.push(concat!(" AND (r.title ", $like, " "))
                    .push_bind(pattern.clone())
                    .push(concat!(" ESCAPE '\\' OR r.description ", $like, " "))
                    .push_bind(pattern)
                    .push(" ESCAPE '\\')");
            }
            if let Some(c) = &f.cursor {
                qb.push(" AND (r.occurred_at < ").push_bind(c.occurred_at_ms);
                qb.push(" OR (r.occurred_at = ").push_bind(c.occurred_at_ms);
                qb.push(" AND r.id < ").push_bind(c.id.0);
                qb.push("))");
            }
        }

        /// One `INSERT … ON CONFLICT (id) DO NOTHING` for any number of reports: the single
        /// column list used by both the one-report insert and the bulk load.
        fn report_insert(rows: &[Report]) -> QueryBuilder<'_, $DB> {
            let mut qb = QueryBuilder::<$DB>::new(
                "INSERT INTO reports (id, type_key, title, description, occurred_at, occurred_offset, geometry, \
                 min_lon, min_lat, max_lon, max_lat, region_code, owner_agency_id, author_id, sensitivity, attributes, \
                 status, version, created_at, updated_at, create_hash) ",
            );
            // The values are those of `StoredReport::of`, whose content hash report writes
            // put in their audit entry.
            qb.push_values(rows.iter().map(StoredReport::of), |mut b, r| {
                b.push_bind(r.id.0)
                    .push_bind(r.type_key)
                    .push_bind(r.title)
                    .push_bind(r.description)
                    .push_bind(r.occurred_at_ms)
                    .push_bind(r.occurred_offset_s)
                    .push_bind(r.geometry)
                    .push_bind(r.min_lon)
                    .push_bind(r.min_lat)
                    .push_bind(r.max_lon)
                    .push_bind(r.max_lat)
                    .push_bind(r.region_code)
                    .push_bind(r.owner_agency_id.0)
                    .push_bind(r.author_id.0)
                    .push_bind(r.sensitivity)
                    .push_bind(r.attributes)
                    .push_bind(r.status)
                    .push_bind(r.version)
                    .push_bind(r.created_at_ms)
                    .push_bind(r.updated_at_ms)
                    .push_bind(r.create_hash);
            });
            qb.push(" ON CONFLICT (id) DO NOTHING");
            qb
        }

        async fn insert_report_row<'c, E>(exec: E, r: &Report) -> Result<u64>
        where
            E: sqlx::Executor<'c, Database = $DB>,
        {
            let res = report_insert(std::slice::from_ref(r)).build().execute(exec).await.map_err(map_err)?;
            Ok(res.rows_affected())
        }

        async fn insert_event_row<'c, E>(exec: E, report: ReportId, ev: &NewEvent) -> Result<()>
        where
            E: sqlx::Executor<'c, Database = $DB>,
        {
            sqlx::query(
                "INSERT INTO report_events (report_id, version, at, actor_id, kind, from_status, to_status, changed, note) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(report.0)
            .bind(ev.event.version)
            .bind(ms(ev.event.at))
            .bind(ev.actor_id.0)
            .bind(&ev.event.kind)
            .bind(ev.event.from_status.map(|s| s.as_str()))
            .bind(ev.event.to_status.map(|s| s.as_str()))
            .bind(serde_json::to_string(&ev.event.changed).unwrap_or_else(|_| "[]".into()))
            .bind(&ev.event.note)
            .execute(exec)
            .await
            .map_err(map_err)?;
            Ok(())
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

            async fn insert_agency(&self, row: &AgencyRow, audit: &NewAudit) -> Result<()> {
                let a = &row.agency;
                let mut tx = self.write.begin().await?;
                sqlx::query(
                    "INSERT INTO agencies (id, code, name, kind, parent_id, jurisdiction, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(a.id.0)
                .bind(a.code.as_str())
                .bind(&a.name)
                .bind(a.kind.as_str())
                .bind(a.parent_id.map(|p| p.0))
                .bind(serde_json::to_string(&a.jurisdiction).unwrap_or_else(|_| "[]".into()))
                .bind(ms(row.created_at))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                append_audit_tx(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn agency(&self, id: AgencyId) -> Result<Option<Agency>> {
                let q = format!("SELECT {AGENCY_COLUMNS} FROM agencies WHERE id = $1");
                let row = sqlx::query(&q).bind(id.0).fetch_optional(&self.read).await?;
                row.as_ref().map(agency_from_row).transpose()
            }

            async fn agency_by_code(&self, code: &str) -> Result<Option<Agency>> {
                let q = format!("SELECT {AGENCY_COLUMNS} FROM agencies WHERE code = $1");
                let row = sqlx::query(&q).bind(code).fetch_optional(&self.read).await?;
                row.as_ref().map(agency_from_row).transpose()
            }

            async fn agencies(&self) -> Result<Vec<Agency>> {
                let q = format!("SELECT {AGENCY_COLUMNS} FROM agencies ORDER BY code");
                let rows = sqlx::query(&q).fetch_all(&self.read).await?;
                rows.iter().map(agency_from_row).collect()
            }

            async fn agency_descendants(&self, id: AgencyId) -> Result<Vec<AgencyId>> {
                let ids: Vec<Uuid> = sqlx::query_scalar(
                    "WITH RECURSIVE d(id) AS (SELECT id FROM agencies WHERE parent_id = $1 \
                     UNION SELECT a.id FROM agencies a JOIN d ON a.parent_id = d.id) SELECT id FROM d",
                )
                .bind(id.0)
                .fetch_all(&self.read)
                .await?;
                Ok(ids.into_iter().map(AgencyId).collect())
            }

            async fn agency_count(&self) -> Result<i64> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM agencies").fetch_one(&self.read).await?)
            }

            async fn insert_user(&self, row: &NewUserRow, audit: &NewAudit) -> Result<()> {
                let u = &row.user;
                let mut tx = self.write.begin().await?;
                sqlx::query(
                    "INSERT INTO users (id, username, display_name, agency_id, role, password_hash, active, created_at, must_change_password) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(u.id.0)
                .bind(u.username.as_str())
                .bind(&u.display_name)
                .bind(u.agency_id.0)
                .bind(u.role.as_str())
                .bind(&row.password_hash)
                .bind(u.active)
                .bind(ms(row.created_at))
                .bind(u.must_change_password)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                append_audit_tx(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn user(&self, id: UserId) -> Result<Option<User>> {
                let q = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
                let row = sqlx::query(&q).bind(id.0).fetch_optional(&self.read).await?;
                row.as_ref().map(user_from_row).transpose()
            }

            async fn user_credentials(&self, username: &str) -> Result<Option<(User, String)>> {
                let q = format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE username = $1");
                let row = sqlx::query(&q).bind(username).fetch_optional(&self.read).await?;
                match row {
                    None => Ok(None),
                    Some(row) => Ok(Some((user_from_row(&row)?, row.try_get("password_hash")?))),
                }
            }

            async fn users(&self, agency: Option<AgencyId>) -> Result<Vec<User>> {
                let rows = match agency {
                    Some(a) => {
                        let q = format!("SELECT {USER_COLUMNS} FROM users WHERE agency_id = $1 ORDER BY username");
                        sqlx::query(&q).bind(a.0).fetch_all(&self.read).await?
                    }
                    None => {
                        let q = format!("SELECT {USER_COLUMNS} FROM users ORDER BY username");
                        sqlx::query(&q).fetch_all(&self.read).await?
                    }
                };
                rows.iter().map(user_from_row).collect()
            }

            async fn set_user_active(&self, id: UserId, active: bool, audit: &NewAudit) -> Result<bool> {
                let update = sqlx::query("UPDATE users SET active = $1 WHERE id = $2").bind(active).bind(id.0);
                update_one_audited(&self.write, update, Some(audit)).await
            }

            async fn update_user(&self, id: UserId, display_name: &str, role: Role, audit: &NewAudit) -> Result<bool> {
                let update = sqlx::query("UPDATE users SET display_name = $1, role = $2 WHERE id = $3")
                    .bind(display_name.to_string())
                    .bind(role.as_str())
                    .bind(id.0);
                update_one_audited(&self.write, update, Some(audit)).await
            }

            async fn set_password(&self, id: UserId, hash: &str, must_change: bool, audit: &NewAudit) -> Result<bool> {
                let update = sqlx::query("UPDATE users SET password_hash = $1, must_change_password = $2 WHERE id = $3")
                    .bind(hash.to_string())
                    .bind(must_change)
                    .bind(id.0);
                update_one_audited(&self.write, update, Some(audit)).await
            }

            async fn set_password_hash(&self, id: UserId, hash: &str) -> Result<bool> {
                let r = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                    .bind(hash)
                    .bind(id.0)
                    .execute(&self.write)
                    .await?;
                Ok(r.rows_affected() == 1)
            }

            async fn totp(&self, id: UserId) -> Result<Option<TotpRow>> {
                let row = sqlx::query("SELECT totp_secret, totp_enabled_at, totp_last_step FROM users WHERE id = $1")
                    .bind(id.0)
                    .fetch_optional(&self.read)
                    .await?;
                let Some(row) = row else { return Ok(None) };
                let secret: Option<String> = row.try_get("totp_secret")?;
                let enabled: Option<i64> = row.try_get("totp_enabled_at")?;
                Ok(match secret {
                    Some(secret) => Some(TotpRow {
                        secret,
                        enabled_at: enabled.map(from_ms).transpose()?,
                        last_step: row.try_get("totp_last_step")?,
                    }),
                    None => None,
                })
            }

            async fn put_totp(&self, id: UserId, t: Option<&TotpRow>, audit: Option<&NewAudit>) -> Result<bool> {
                let update = sqlx::query("UPDATE users SET totp_secret = $1, totp_enabled_at = $2, totp_last_step = $3 WHERE id = $4")
                    .bind(t.map(|t| t.secret.clone()))
                    .bind(t.and_then(|t| t.enabled_at).map(ms))
                    .bind(t.map(|t| t.last_step).unwrap_or(0))
                    .bind(id.0);
                update_one_audited(&self.write, update, audit).await
            }

            async fn use_totp_step(&self, id: UserId, step: i64) -> Result<bool> {
                let r = sqlx::query("UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1")
                    .bind(step)
                    .bind(id.0)
                    .execute(&self.write)
                    .await?;
                Ok(r.rows_affected() == 1)
            }

            async fn notifications(&self, user: UserId, unread_only: bool, limit: u32) -> Result<Vec<Notification>> {
                let q = if unread_only {
                    "SELECT id, user_id, kind, record_type, record_id, detail, created_at, read_at FROM notifications \
                     WHERE user_id = $1 AND read_at IS NULL ORDER BY created_at DESC, id DESC LIMIT $2"
                } else {
                    "SELECT id, user_id, kind, record_type, record_id, detail, created_at, read_at FROM notifications \
                     WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2"
                };
                let rows = sqlx::query(q)
                    .bind(user.0)
                    .bind(limit as i64)
                    .fetch_all(&self.read)
                    .await?;
                rows.iter()
                    .map(|row| {
                        let detail: String = row.try_get("detail")?;
                        let read: Option<i64> = row.try_get("read_at")?;
                        Ok(Notification {
                            id: NotificationId(row.try_get("id")?),
                            user_id: UserId(row.try_get("user_id")?),
                            kind: row.try_get("kind")?,
                            record_type: row.try_get("record_type")?,
                            record_id: row.try_get("record_id")?,
                            detail: serde_json::from_str(&detail).map_err(|_| corrupt("notification detail"))?,
                            created_at: from_ms(row.try_get("created_at")?)?,
                            read_at: read.map(from_ms).transpose()?,
                        })
                    })
                    .collect()
            }

            async fn unread_notifications(&self, user: UserId) -> Result<i64> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL")
                    .bind(user.0)
                    .fetch_one(&self.read)
                    .await?)
            }

            async fn mark_notifications_read(&self, user: UserId, id: Option<NotificationId>, at: DateTime<Utc>) -> Result<u64> {
                let r = match id {
                    Some(id) => sqlx::query("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND id = $3 AND read_at IS NULL")
                        .bind(ms(at))
                        .bind(user.0)
                        .bind(id.0)
                        .execute(&self.write)
                        .await?,
                    None => sqlx::query("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
                        .bind(ms(at))
                        .bind(user.0)
                        .execute(&self.write)
                        .await?,
                };
                Ok(r.rows_affected())
            }

            async fn insert_session(&self, s: &SessionRow) -> Result<()> {
                sqlx::query(
                    "INSERT INTO sessions (token_hash, user_id, kind, csrf, created_at, expires_at, revoked_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(&s.token_hash)
                .bind(s.user_id.0)
                .bind(&s.kind)
                .bind(&s.csrf)
                .bind(ms(s.created_at))
                .bind(ms(s.expires_at))
                .bind(s.revoked_at.map(ms))
                .execute(&self.write)
                .await
                .map_err(map_err)?;
                Ok(())
            }

            async fn session(&self, token_hash: &str) -> Result<Option<SessionRow>> {
                let row = sqlx::query(
                    "SELECT token_hash, user_id, kind, csrf, created_at, expires_at, revoked_at FROM sessions WHERE token_hash = $1",
                )
                .bind(token_hash)
                .fetch_optional(&self.read)
                .await?;
                row.as_ref().map(session_from_row).transpose()
            }

            async fn revoke_session(&self, token_hash: &str, at: DateTime<Utc>) -> Result<()> {
                sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL")
                    .bind(ms(at))
                    .bind(token_hash)
                    .execute(&self.write)
                    .await?;
                Ok(())
            }

            async fn revoke_user_sessions(&self, user: UserId, at: DateTime<Utc>) -> Result<()> {
                sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
                    .bind(ms(at))
                    .bind(user.0)
                    .execute(&self.write)
                    .await?;
                Ok(())
            }

            async fn seed_report_types(&self, types: &[ReportType]) -> Result<()> {
                let mut tx = self.write.begin().await?;
                for (i, t) in types.iter().enumerate() {
                    let def = serde_json::to_string(t).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                    sqlx::query(
                        "INSERT INTO report_types (key, position, definition) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING",
                    )
                    .bind(&t.key)
                    .bind(i as i64)
                    .bind(def)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn report_types(&self) -> Result<Vec<ReportType>> {
                let defs: Vec<String> =
                    sqlx::query_scalar("SELECT definition FROM report_types ORDER BY position, key")
                        .fetch_all(&self.read)
                        .await?;
                defs.iter()
                    .map(|d| serde_json::from_str(d).map_err(|_| corrupt("report type")))
                    .collect()
            }

            async fn insert_report(&self, r: &Report, ev: &NewEvent, audit: &NewAudit) -> Result<InsertOutcome> {
                let mut tx = self.write.begin().await?;
                if insert_report_row(&mut *tx, r).await? == 0 {
                    tx.rollback().await?;
                    return match self.report(r.id).await? {
                        Some(existing) => Ok(InsertOutcome::Exists(Box::new(existing))),
                        None => Err(StoreError::Corrupt("report vanished during insert".into())),
                    };
                }
                insert_event_row(&mut *tx, r.id, ev).await?;
                append_audit_tx(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(InsertOutcome::Inserted)
            }

            async fn bulk_insert_reports(&self, rs: &[Report]) -> Result<()> {
                let mut tx = self.write.begin().await?;
                // Many rows per statement: 21 parameters each stays well under both
                // databases' parameter limits.
                for chunk in rs.chunks(400) {
                    let mut qb = report_insert(chunk);
                    qb.build().execute(&mut *tx).await.map_err(map_err)?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn report(&self, id: ReportId) -> Result<Option<Report>> {
                let q = format!("SELECT {REPORT_COLUMNS}{REPORT_FROM} WHERE r.id = $1");
                let row = sqlx::query(&q).bind(id.0).fetch_optional(&self.read).await?;
                row.as_ref().map(report_from_row).transpose()
            }

            async fn update_report(
                &self,
                r: &Report,
                expected_version: i64,
                ev: &NewEvent,
                audit: &NewAudit,
            ) -> Result<UpdateOutcome> {
                // The values of `StoredReport::of`, as for inserts.
                let row = StoredReport::of(r);
                let mut tx = self.write.begin().await?;
                let res = sqlx::query(
                    "UPDATE reports SET title = $1, description = $2, occurred_at = $3, occurred_offset = $4, geometry = $5, \
                     min_lon = $6, min_lat = $7, max_lon = $8, max_lat = $9, region_code = $10, sensitivity = $11, \
                     attributes = $12, status = $13, version = $14, updated_at = $15 WHERE id = $16 AND version = $17",
                )
                .bind(row.title)
                .bind(row.description)
                .bind(row.occurred_at_ms)
                .bind(row.occurred_offset_s)
                .bind(row.geometry)
                .bind(row.min_lon)
                .bind(row.min_lat)
                .bind(row.max_lon)
                .bind(row.max_lat)
                .bind(row.region_code)
                .bind(row.sensitivity)
                .bind(row.attributes)
                .bind(row.status)
                .bind(row.version)
                .bind(row.updated_at_ms)
                .bind(r.id.0)
                .bind(expected_version)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                if res.rows_affected() == 0 {
                    let outcome = missed_update(&mut tx, "reports", r.id.0).await?;
                    tx.rollback().await?;
                    return Ok(outcome);
                }
                insert_event_row(&mut *tx, r.id, ev).await?;
                append_audit_tx(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(UpdateOutcome::Updated)
            }

            async fn report_events(&self, id: ReportId) -> Result<Vec<ReportEvent>> {
                let rows = sqlx::query(
                    "SELECT e.version, e.at, u.username, e.kind, e.from_status, e.to_status, e.changed, e.note \
                     FROM report_events e JOIN users u ON u.id = e.actor_id WHERE e.report_id = $1 ORDER BY e.id",
                )
                .bind(id.0)
                .fetch_all(&self.read)
                .await?;
                rows.iter()
                    .map(|row| {
                        let from: Option<String> = row.try_get("from_status")?;
                        let to: Option<String> = row.try_get("to_status")?;
                        let changed: String = row.try_get("changed")?;
                        Ok(ReportEvent {
                            version: row.try_get("version")?,
                            at: from_ms(row.try_get("at")?)?,
                            actor_username: row.try_get("username")?,
                            kind: row.try_get("kind")?,
                            from_status: from.as_deref().and_then(Status::parse),
                            to_status: to.as_deref().and_then(Status::parse),
                            changed: serde_json::from_str(&changed).map_err(|_| corrupt("event"))?,
                            note: row.try_get("note")?,
                        })
                    })
                    .collect()
            }

            async fn list_reports(&self, scope: Option<&Viewer>, filter: &ReportFilter) -> Result<Vec<Report>> {
                let mut qb = QueryBuilder::<$DB>::new(format!("SELECT {REPORT_COLUMNS}{REPORT_FROM} WHERE 1 = 1"));
                if let Some(s) = scope {
                    push_scope(&mut qb, s);
                }
                push_filter(&mut qb, filter);
                qb.push(" ORDER BY r.occurred_at DESC, r.id DESC LIMIT ");
                qb.push_bind(i64::from(filter.limit) + 1);
                let rows = qb.build().fetch_all(&self.read).await?;
                rows.iter().map(report_from_row).collect()
            }

            async fn count_reports(&self, scope: Option<&Viewer>) -> Result<Vec<ReportCount>> {
                let mut qb = QueryBuilder::<$DB>::new(
                    "SELECT r.type_key, r.status, COUNT(*) AS n FROM reports r WHERE 1 = 1",
                );
                if let Some(s) = scope {
                    push_scope(&mut qb, s);
                }
                qb.push(" GROUP BY r.type_key, r.status ORDER BY r.type_key, r.status");
                let rows = qb.build().fetch_all(&self.read).await?;
                rows.iter()
                    .map(|row| {
                        let status: String = row.try_get("status")?;
                        Ok(ReportCount {
                            type_key: row.try_get("type_key")?,
                            status: Status::parse(&status).ok_or_else(|| corrupt("status"))?,
                            count: row.try_get("n")?,
                        })
                    })
                    .collect()
            }

            async fn report_total(&self) -> Result<i64> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM reports").fetch_one(&self.read).await?)
            }

            async fn insert_agreement(&self, a: &Agreement, audit: &NewAudit) -> Result<()> {
                let mut tx = self.write.begin().await?;
                sqlx::query(
                    "INSERT INTO agreements (id, title, number, status, valid_from, valid_until, definition, version, created_by, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                )
                .bind(a.id.0)
                .bind(&a.title)
                .bind(&a.number)
                .bind(a.status.as_str())
                .bind(date_ms(a.valid_from))
                .bind(date_ms(a.valid_until))
                .bind(serde_json::to_string(a).map_err(|e| StoreError::Corrupt(e.to_string()))?)
                .bind(a.version)
                .bind(a.created_by.0)
                .bind(ms(a.created_at))
                .bind(ms(a.updated_at))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                append_audit_tx(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn update_agreement(&self, a: &Agreement, expected_version: i64, audit: &NewAudit) -> Result<UpdateOutcome> {
                let mut tx = self.write.begin().await?;
                let res = sqlx::query(
                    "UPDATE agreements SET title = $1, number = $2, status = $3, valid_from = $4, valid_until = $5, definition = $6, \
                     version = $7, updated_at = $8 WHERE id = $9 AND version = $10",
                )
                .bind(&a.title)
                .bind(&a.number)
                .bind(a.status.as_str())
                .bind(date_ms(a.valid_from))
                .bind(date_ms(a.valid_until))
                .bind(serde_json::to_string(a).map_err(|e| StoreError::Corrupt(e.to_string()))?)
                .bind(a.version)
                .bind(ms(a.updated_at))
                .bind(a.id.0)
                .bind(expected_version)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                if res.rows_affected() == 0 {
                    let outcome = missed_update(&mut tx, "agreements", a.id.0).await?;
                    tx.rollback().await?;
                    return Ok(outcome);
                }
                append_audit_tx(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(UpdateOutcome::Updated)
            }

            async fn agreement(&self, id: AgreementId) -> Result<Option<Agreement>> {
                let row = sqlx::query("SELECT definition, status, version FROM agreements WHERE id = $1")
                    .bind(id.0)
                    .fetch_optional(&self.read)
                    .await?;
                row.as_ref().map(agreement_from_row).transpose()
            }

            async fn agreements(&self) -> Result<Vec<Agreement>> {
                let rows = sqlx::query("SELECT definition, status, version FROM agreements ORDER BY valid_from DESC, id")
                    .fetch_all(&self.read)
                    .await?;
                rows.iter().map(agreement_from_row).collect()
            }

            async fn setting(&self, key: &str) -> Result<Option<String>> {
                Ok(sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
                    .bind(key)
                    .fetch_optional(&self.read)
                    .await?)
            }

            async fn put_setting(&self, key: &str, value: &str, at: DateTime<Utc>, audit: &NewAudit) -> Result<()> {
                let mut tx = self.write.begin().await?;
                sqlx::query(
                    "INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                )
                .bind(key)
                .bind(value)
                .bind(ms(at))
                .execute(&mut *tx)
                .await?;
                append_audit_tx(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn sharing_stamp(&self) -> Result<(i64, i64, i64)> {
                Ok(sqlx::query_as(
                    "SELECT (SELECT COUNT(*) FROM agreements), \
                     (SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM agreements), \
                     (SELECT COUNT(*) FROM agencies)",
                )
                .fetch_one(&self.read)
                .await?)
            }

            async fn insert_referral(&self, r: &ReferralRow, audit: &NewAudit, notices: &[Notification]) -> Result<()> {
                let mut tx = self.write.begin().await?;
                sqlx::query(
                    "INSERT INTO referrals (id, report_id, kind, to_agency, to_user, reason, until, created_by, created_at, revoked_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(r.id.0)
                .bind(r.report_id.0)
                .bind(&r.kind)
                .bind(r.to_agency.map(|a| a.0))
                .bind(r.to_user.map(|u| u.0))
                .bind(&r.reason)
                .bind(ms(r.until))
                .bind(r.created_by.0)
                .bind(ms(r.created_at))
                .bind(r.revoked_at.map(ms))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                for n in notices {
                    insert_notification_tx(&mut tx, n).await?;
                }
                append_audit_tx(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn revoke_referral(&self, id: ReferralId, at: DateTime<Utc>, audit: &NewAudit) -> Result<bool> {
                let mut tx = self.write.begin().await?;
                let res = sqlx::query("UPDATE referrals SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                    .bind(ms(at))
                    .bind(id.0)
                    .execute(&mut *tx)
                    .await?;
                if res.rows_affected() == 0 {
                    tx.rollback().await?;
                    return Ok(false);
                }
                append_audit_tx(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn referral(&self, id: ReferralId) -> Result<Option<ReferralRow>> {
                let row = sqlx::query(
                    "SELECT id, report_id, kind, to_agency, to_user, reason, until, created_by, created_at, revoked_at FROM referrals WHERE id = $1",
                )
                .bind(id.0)
                .fetch_optional(&self.read)
                .await?;
                row.as_ref().map(referral_from_row).transpose()
            }

            async fn referrals_for_report(&self, report: ReportId) -> Result<Vec<ReferralRow>> {
                let rows = sqlx::query(
                    "SELECT id, report_id, kind, to_agency, to_user, reason, until, created_by, created_at, revoked_at \
                     FROM referrals WHERE report_id = $1 ORDER BY created_at, id",
                )
                .bind(report.0)
                .fetch_all(&self.read)
                .await?;
                rows.iter().map(referral_from_row).collect()
            }

            async fn append_audit(&self, e: &NewAudit) -> Result<()> {
                let mut tx = self.write.begin().await?;
                append_audit_tx(&mut tx, e).await?;
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

            async fn stored_reports(&self, after: Option<ReportId>, limit: u32) -> Result<Vec<StoredReport>> {
                let mut qb = QueryBuilder::<$DB>::new(
                    "SELECT id, type_key, title, description, occurred_at, occurred_offset, geometry, min_lon, min_lat, \
                     max_lon, max_lat, region_code, owner_agency_id, author_id, sensitivity, attributes, status, version, \
                     created_at, updated_at, create_hash FROM reports",
                );
                if let Some(a) = after {
                    qb.push(" WHERE id > ").push_bind(a.0);
                }
                qb.push(" ORDER BY id LIMIT ").push_bind(i64::from(limit));
                let rows = qb.build().fetch_all(&self.read).await?;
                rows.iter()
                    .map(|row| {
                        Ok(StoredReport {
                            id: ReportId(row.try_get("id")?),
                            type_key: row.try_get("type_key")?,
                            title: row.try_get("title")?,
                            description: row.try_get("description")?,
                            occurred_at_ms: row.try_get("occurred_at")?,
                            occurred_offset_s: row.try_get("occurred_offset")?,
                            geometry: row.try_get("geometry")?,
                            min_lon: row.try_get("min_lon")?,
                            min_lat: row.try_get("min_lat")?,
                            max_lon: row.try_get("max_lon")?,
                            max_lat: row.try_get("max_lat")?,
                            region_code: row.try_get("region_code")?,
                            owner_agency_id: AgencyId(row.try_get("owner_agency_id")?),
                            author_id: UserId(row.try_get("author_id")?),
                            sensitivity: row.try_get("sensitivity")?,
                            attributes: row.try_get("attributes")?,
                            status: row.try_get("status")?,
                            version: row.try_get("version")?,
                            created_at_ms: row.try_get("created_at")?,
                            updated_at_ms: row.try_get("updated_at")?,
                            create_hash: row.try_get("create_hash")?,
                        })
                    })
                    .collect()
            }

            async fn insert_attachment(&self, a: &Attachment, audit: &NewAudit) -> Result<Option<Attachment>> {
                let mut tx = self.write.begin().await?;
                let res = sqlx::query(
                    "INSERT INTO attachments (id, report_id, sha256, filename, content_type, size, uploaded_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (report_id, sha256) DO NOTHING",
                )
                .bind(a.id.0)
                .bind(a.report_id.0)
                .bind(&a.sha256)
                .bind(&a.filename)
                .bind(&a.content_type)
                .bind(a.size)
                .bind(a.uploaded_by.0)
                .bind(ms(a.created_at))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                if res.rows_affected() == 1 {
                    append_audit_tx(&mut tx, audit).await?;
                    tx.commit().await?;
                    return Ok(None);
                }
                tx.rollback().await?;
                let row = sqlx::query(
                    "SELECT id, report_id, sha256, filename, content_type, size, uploaded_by, created_at \
                     FROM attachments WHERE report_id = $1 AND sha256 = $2",
                )
                .bind(a.report_id.0)
                .bind(&a.sha256)
                .fetch_one(&self.read)
                .await?;
                attachment_from_row(&row).map(Some)
            }

            async fn attachments(&self, report: ReportId) -> Result<Vec<Attachment>> {
                let rows = sqlx::query(
                    "SELECT id, report_id, sha256, filename, content_type, size, uploaded_by, created_at \
                     FROM attachments WHERE report_id = $1 ORDER BY created_at, id",
                )
                .bind(report.0)
                .fetch_all(&self.read)
                .await?;
                rows.iter().map(attachment_from_row).collect()
            }

            async fn attachment(&self, id: AttachmentId) -> Result<Option<Attachment>> {
                let row = sqlx::query(
                    "SELECT id, report_id, sha256, filename, content_type, size, uploaded_by, created_at \
                     FROM attachments WHERE id = $1",
                )
                .bind(id.0)
                .fetch_optional(&self.read)
                .await?;
                row.as_ref().map(attachment_from_row).transpose()
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
        run_migrations!(
            &write,
            SQLITE,
            migration_time(),
            sqlite_impl::migration_step
        );
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

pub(crate) mod sqlite_impl {
    use super::*;
    use sqlx::sqlite::{Sqlite, SqliteRow};
    store_impl!(SqliteStore, Sqlite, SqliteRow, "sqlite", "LIKE", "", "+");
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
        run_migrations!(&pool, POSTGRES, migration_time(), pg_impl::migration_step);
        Ok(PgStore {
            read: pool.clone(),
            write: pool,
        })
    }
}

pub(crate) mod pg_impl {
    use super::*;
    use sqlx::postgres::{PgRow, Postgres};
    store_impl!(
        PgStore,
        Postgres,
        PgRow,
        "postgres",
        "ILIKE",
        "LOCK TABLE audit_log IN EXCLUSIVE MODE",
        ""
    );
}
